//! One screen per file.

pub mod home;
pub mod import_github;
pub mod new_repository;
pub mod not_found;
pub mod package;
pub mod profile;
pub mod repository;
pub mod sign_in;
pub mod subject;
pub mod version;
