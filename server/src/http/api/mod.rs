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
mod explore;
mod extract;
mod file_info;
mod files;
mod github;
mod imports;
mod json;
pub mod openapi;
mod openapi_responses;
mod packages;
mod pages;
mod release_notes;
mod repos;
mod search;
mod session;
mod versions;

use crate::http::route_table::Route;

const VERSION: &str = "/packages/{subject}/{repo}/{package}/versions/{version}";
const RELEASE_NOTES: &str = "/packages/{subject}/{repo}/{package}/versions/{version}/release_notes";
const PACKAGE_ATTRIBUTES: &str = "/packages/{subject}/{repo}/{package}/attributes";
const VERSION_ATTRIBUTES: &str =
    "/packages/{subject}/{repo}/{package}/versions/{version}/attributes";
const CONTENT: &str = "/content/{subject}/{repo}/{*rest}";

/// The REST API, the browser's calls and the stable links beside the pages: every route
/// but `/healthz`. Each line is served at `/` and `/api/v1/` unless marked `root_only`
/// (documented) or `internal` (not documented).
pub fn routes() -> Vec<Route> {
    vec![
        // Repositories
        Route::get("/repos/{subject}", repos::list),
        Route::get("/repos/{subject}/{repo}", repos::get),
        Route::post("/repos/{subject}/{repo}", repos::create),
        Route::patch("/repos/{subject}/{repo}", repos::update),
        Route::delete("/repos/{subject}/{repo}", repos::delete),
        Route::get("/search/repos", repos::search),
        // Packages
        Route::get("/repos/{subject}/{repo}/packages", packages::list),
        Route::post("/packages/{subject}/{repo}", packages::create),
        Route::get("/packages/{subject}/{repo}/{package}", packages::get),
        Route::patch("/packages/{subject}/{repo}/{package}", packages::update),
        Route::delete("/packages/{subject}/{repo}/{package}", packages::delete),
        // Versions
        Route::post(
            "/packages/{subject}/{repo}/{package}/versions",
            versions::create,
        ),
        Route::get(VERSION, versions::get),
        Route::patch(VERSION, versions::update),
        Route::delete(VERSION, versions::delete),
        Route::get(RELEASE_NOTES, release_notes::get),
        Route::post(RELEASE_NOTES, release_notes::set),
        // Attributes
        Route::get(PACKAGE_ATTRIBUTES, attributes::get_package),
        Route::post(PACKAGE_ATTRIBUTES, attributes::replace_package),
        Route::patch(PACKAGE_ATTRIBUTES, attributes::update_package),
        Route::delete(PACKAGE_ATTRIBUTES, attributes::delete_package),
        Route::get(VERSION_ATTRIBUTES, attributes::get_version),
        Route::post(VERSION_ATTRIBUTES, attributes::replace_version),
        Route::patch(VERSION_ATTRIBUTES, attributes::update_version),
        Route::delete(VERSION_ATTRIBUTES, attributes::delete_version),
        Route::post(
            "/search/attributes/{subject}/{repo}",
            attributes::search_packages,
        ),
        Route::post(
            "/search/attributes/{subject}/{repo}/{package}/versions",
            attributes::search_versions,
        ),
        // Content: uploads, publish and discard, deletion
        Route::put(CONTENT, content::upload).unlimited_body(),
        Route::put(
            "/content/{subject}/{repo}/",
            content::upload_to_repository_root,
        )
        .unlimited_body(),
        Route::post(CONTENT, content::publish).unlimited_body(),
        Route::delete(CONTENT, content::delete).unlimited_body(),
        Route::put("/maven/{subject}/{repo}/{*rest}", content::maven_deploy).unlimited_body(),
        // Files
        Route::get(
            "/packages/{subject}/{repo}/{package}/files",
            files::of_package,
        ),
        Route::get(
            "/packages/{subject}/{repo}/{package}/versions/{version}/files",
            files::of_version,
        ),
        Route::get("/file_package/{subject}/{repo}/{*path}", file_info::package),
        Route::get("/file_version/{subject}/{repo}/{*path}", file_info::version),
        Route::put(
            "/file_metadata/{subject}/{repo}/{*path}",
            file_info::metadata,
        ),
        Route::get("/dl/{subject}/{repo}/{*path}", downloads::download),
        // Search and users
        Route::get("/search/packages", search::packages),
        Route::get("/search/file", search::files),
        Route::get("/users/{user}", search::user),
        // Badges and the stable link beside them
        Route::get(
            "/packages/{subject}/{repo}/{package}/images/download.svg",
            badges::download_badge,
        ),
        Route::get(
            "/{subject}/{repo}/{package}/_latestVersion",
            badges::latest_version,
        )
        .root_only(),
        // This API's description
        Route::get("/api/openapi.json", openapi::document).root_only(),
        // The browser's own calls (accounts, rendered notes)
        Route::get("/api/ui/session", session::info).internal(),
        Route::get("/api/ui/explore", explore::explore).internal(),
        Route::post("/api/ui/signup", session::sign_up).internal(),
        Route::post("/api/ui/signin", session::sign_in).internal(),
        Route::post("/api/ui/signout", session::sign_out).internal(),
        Route::post("/api/ui/api-key/reveal", session::reveal_api_key).internal(),
        Route::post("/api/ui/api-key/regenerate", session::regenerate_api_key).internal(),
        Route::get(
            "/api/ui/release-notes/{subject}/{repo}/{package}/{version}",
            release_notes::rendered,
        )
        .internal(),
        // The package, version and repository pages' lists
        Route::get(
            "/api/ui/versions/{subject}/{repo}/{package}",
            pages::versions,
        )
        .internal(),
        Route::get(
            "/api/ui/files/{subject}/{repo}/{package}/{version}",
            pages::files,
        )
        .internal(),
        Route::get("/api/ui/packages/{subject}/{repo}", pages::packages).internal(),
        // Linking GitHub, and importing from it
        Route::get("/api/ui/github", github::status).internal(),
        Route::post("/api/ui/github/authorize", github::authorize).internal(),
        Route::get("/api/ui/github/callback", github::callback).internal(),
        Route::post("/api/ui/github/disconnect", github::disconnect).internal(),
        Route::get("/api/ui/github/repos", imports::repos).internal(),
        Route::post("/api/ui/github/releases", imports::releases).internal(),
        Route::post("/api/ui/imports", imports::start).internal(),
        Route::get("/api/ui/imports/target/{subject}/{repo}", imports::target).internal(),
        Route::get("/api/ui/imports/{id}", imports::get).internal(),
        Route::get("/api/ui/imports/{id}/events", imports::events).internal(),
        Route::post("/api/ui/imports/{id}/retry", imports::retry).internal(),
        // A Docker registry as its pages and Set Me Up show it
        Route::get("/api/ui/docker/{subject}/{repo}", docker::registry).internal(),
    ]
}
