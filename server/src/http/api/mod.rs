//! The Bintray REST API v1, one resource per module. Served at `/` (where
//! api.bintray.com clients and the Gradle plugin, which drops path prefixes, expect it)
//! and at `/api/v1/` (bintray.com/api/v1 clients such as jfrog-cli).

mod attributes;
mod badges;
mod body;
pub(crate) mod caller;
mod content;
mod docker;
mod downloads;
mod file_info;
mod files;
mod json;
mod packages;
mod release_notes;
mod repos;
mod search;
mod session;
mod versions;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, put};
use axum::Router;

use crate::state::AppState;

fn routes() -> Router<AppState> {
    Router::new()
        .route("/repos/{subject}", get(repos::list))
        .route(
            "/repos/{subject}/{repo}",
            get(repos::get)
                .post(repos::create)
                .patch(repos::update)
                .delete(repos::delete),
        )
        .route("/repos/{subject}/{repo}/packages", get(packages::list))
        .route("/search/repos", get(repos::search))
        .route("/search/packages", get(search::packages))
        .route("/search/file", get(search::files))
        .route("/users/{user}", get(search::user))
        .route(
            "/packages/{subject}/{repo}/{package}/images/download.svg",
            get(badges::download_badge),
        )
        .route(
            "/packages/{subject}/{repo}",
            axum::routing::post(packages::create),
        )
        .route(
            "/packages/{subject}/{repo}/{package}",
            get(packages::get)
                .patch(packages::update)
                .delete(packages::delete),
        )
        .route(
            "/packages/{subject}/{repo}/{package}/versions",
            axum::routing::post(versions::create),
        )
        .route(
            "/packages/{subject}/{repo}/{package}/versions/{version}",
            get(versions::get)
                .patch(versions::update)
                .delete(versions::delete),
        )
        .route(
            "/packages/{subject}/{repo}/{package}/files",
            get(files::of_package),
        )
        .route(
            "/packages/{subject}/{repo}/{package}/versions/{version}/files",
            get(files::of_version),
        )
        .route(
            "/content/{subject}/{repo}/{*rest}",
            put(content::upload)
                .post(content::publish)
                .delete(content::delete)
                // Uploads stream to storage with their own limit (max_upload_bytes).
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/maven/{subject}/{repo}/{*rest}",
            put(content::maven_deploy).layer(DefaultBodyLimit::disable()),
        )
        .route("/dl/{subject}/{repo}/{*path}", get(downloads::download))
        .route(
            "/packages/{subject}/{repo}/{package}/versions/{version}/release_notes",
            get(release_notes::get).post(release_notes::set),
        )
        .route(
            "/file_package/{subject}/{repo}/{*path}",
            get(file_info::package),
        )
        .route(
            "/file_version/{subject}/{repo}/{*path}",
            get(file_info::version),
        )
        .route(
            "/file_metadata/{subject}/{repo}/{*path}",
            put(file_info::metadata),
        )
        .route(
            "/packages/{subject}/{repo}/{package}/attributes",
            get(attributes::get_package)
                .post(attributes::replace_package)
                .patch(attributes::update_package)
                .delete(attributes::delete_package),
        )
        .route(
            "/packages/{subject}/{repo}/{package}/versions/{version}/attributes",
            get(attributes::get_version)
                .post(attributes::replace_version)
                .patch(attributes::update_version)
                .delete(attributes::delete_version),
        )
        .route(
            "/search/attributes/{subject}/{repo}",
            axum::routing::post(attributes::search_packages),
        )
        .route(
            "/search/attributes/{subject}/{repo}/{package}/versions",
            axum::routing::post(attributes::search_versions),
        )
}

/// The browser's own calls (accounts), beside the Bintray API.
fn ui_routes() -> Router<AppState> {
    use axum::routing::post;
    Router::new()
        .route("/api/ui/session", get(session::info))
        .route("/api/ui/signup", post(session::sign_up))
        .route("/api/ui/signin", post(session::sign_in))
        .route("/api/ui/signout", post(session::sign_out))
        .route("/api/ui/api-key/reveal", post(session::reveal_api_key))
        .route(
            "/api/ui/api-key/regenerate",
            post(session::regenerate_api_key),
        )
        .route(
            "/api/ui/release-notes/{subject}/{repo}/{package}/{version}",
            get(release_notes::rendered),
        )
        .route("/api/ui/docker/{subject}/{repo}", get(docker::registry))
}

/// The API at both of its mounts, the browser's calls, and the stable links beside the
/// pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(routes())
        .nest("/api/v1", routes())
        .merge(ui_routes())
        .route(
            "/{subject}/{repo}/{package}/_latestVersion",
            get(badges::latest_version),
        )
}
