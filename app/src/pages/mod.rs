//! One screen per file.

pub mod home;
pub mod not_found;
pub mod package;
pub mod repository;
pub mod sign_in;
pub mod subject;
pub mod version;
