//! Pure domain logic: no I/O, no framework, unit-tested on the host.

pub mod attributes;
pub mod dates;
pub mod display;
pub mod docker;
pub mod file_path;
pub mod flags;
pub mod import_collisions;
pub mod import_selection;
pub mod latest;
pub mod matrix;
pub mod maven;
pub mod names;
pub mod repo_type;
pub mod upload_rules;
pub mod url;
