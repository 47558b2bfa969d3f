//! Widgets shared by several screens, one per file.

pub mod breadcrumbs;
pub mod entity_page;
pub mod route_names;
pub mod shell;
