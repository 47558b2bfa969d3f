//! Pure domain logic: no I/O, no framework, unit-tested on the host.

pub mod attributes;
pub mod dates;
pub mod display;
pub mod docker;
pub mod file_path;
pub mod flags;
pub mod form_text;
pub mod import_collisions;
pub mod import_outcome;
pub mod import_selection;
pub mod import_tree;
pub mod latest;
pub mod matrix;
pub mod maven;
pub mod names;
pub mod repo_type;
pub mod tree_nav;
pub mod upload_rules;
pub mod url;
pub mod version_actions;
