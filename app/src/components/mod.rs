//! Widgets shared by several screens, one per file.

pub mod breadcrumbs;
pub mod copy_button;
pub mod docker_images;
pub mod entity_page;
pub mod form;
pub mod github;
pub mod import_links;
pub mod load;
pub mod package_form;
pub mod route_names;
pub mod session;
pub mod set_me_up;
pub mod shell;
pub mod upload_form;
