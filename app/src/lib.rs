//! Wharf's shared crate.
//!
//! * [`domain`]: pure domain logic (names, …), plain Rust with host unit tests. The server
//!   links this part only.
//! * [`api_types`]: the JSON shapes the server sends and the browser reads.
//! * [`endpoints`]: every call the browser makes (method, path, body and answer types),
//!   which the server's tests use too.
//! * With the `csr` feature: the Leptos single-page app ([`App`]), one screen per file in
//!   `pages/`, shared widgets in `components/`.

pub mod api_types;
pub mod domain;
pub mod endpoints;

#[cfg(feature = "csr")]
mod api;
#[cfg(feature = "csr")]
mod components;
#[cfg(feature = "csr")]
mod pages;
#[cfg(feature = "csr")]
mod routes;

#[cfg(feature = "csr")]
pub use routes::App;
