//! The domain services: Bintray's rules and Wharf's, in plain Rust over the
//! infrastructure. A handler in `http` parses, calls one function here, and maps the
//! result. Every rule (plans, permissions, visibility, name collisions, the upload
//! conflict table) is enforced here, where the action happens.
//!
//! - [`catalog`]: subjects, repositories, packages, versions, files and attributes (the
//!   Bintray REST API's rules);
//! - [`oci`]: the Docker registry of a `docker` repository (the OCI distribution spec);
//! - [`import`]: Import from GitHub, as background jobs;
//! - [`accounts`], [`plans`], [`github_auth`]: users, API keys, sessions, the Free and
//!   Premium plans, and the GitHub OAuth web flow;
//! - [`gc`]: the collector of unreferenced blobs;
//! - [`migrate`]: moving an embedded instance to PostgreSQL and an object store;
//! - [`markdown`]: release notes rendered safely.

pub mod accounts;
pub mod catalog;
pub mod gc;
pub mod github_auth;
pub mod import;
pub mod markdown;
pub mod migrate;
pub mod oci;
pub mod plans;
