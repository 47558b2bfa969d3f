//! The infrastructure the domain runs on. No rule lives here, only how things are kept.
//!
//! - [`db`]: SQLite or PostgreSQL through sqlx, with typed statements and units of work
//!   ([`db::Tx`]);
//! - [`storage`], [`file_store`]: blob objects on disk or S3, and their rows kept in step;
//!   [`blob_cache`]: small blobs in memory for downloads;
//! - [`github`]: GitHub's REST API client (ETags, rate limits, pagination);
//! - [`secrets`]: the server's key (MACs of API keys and sessions, sealed tokens);
//! - [`config`]: settings from the environment and an optional TOML file;
//! - [`spa`], [`compress`]: the built web UI and its precompressed files;
//! - [`download_counts`]: download and pull counters, batched;
//! - [`throttle`]: failed sign-in attempts; [`shutdown`]: signals and standard input;
//! - [`metrics`]: what `/metrics` reports.

pub mod blob_cache;
pub mod compress;
pub mod config;
pub mod db;
pub mod download_counts;
pub mod file_store;
pub mod github;
pub mod metrics;
pub mod secrets;
pub mod shutdown;
pub mod spa;
pub mod storage;
pub mod throttle;
