//! Pure domain logic: no I/O, no framework, unit-tested on the host.

pub mod names;
