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

use crate::http::route_table::Endpoint;

const VERSION: &str = "/packages/{subject}/{repo}/{package}/versions/{version}";
const RELEASE_NOTES: &str = "/packages/{subject}/{repo}/{package}/versions/{version}/release_notes";
const PACKAGE_ATTRIBUTES: &str = "/packages/{subject}/{repo}/{package}/attributes";
const VERSION_ATTRIBUTES: &str =
    "/packages/{subject}/{repo}/{package}/versions/{version}/attributes";
const CONTENT: &str = "/content/{subject}/{repo}/{*rest}";

/// The REST API, the browser's calls and the stable links beside the pages: every route
/// but `/healthz`. Each line is served at `/` and `/api/v1/` unless marked `root_only`
/// (documented) or `internal` (not documented).
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        // Repositories
        Endpoint::get("/repos/{subject}", repos::list),
        Endpoint::get("/repos/{subject}/{repo}", repos::get),
        Endpoint::post("/repos/{subject}/{repo}", repos::create),
        Endpoint::patch("/repos/{subject}/{repo}", repos::update),
        Endpoint::delete("/repos/{subject}/{repo}", repos::delete),
        Endpoint::get("/search/repos", repos::search),
        // Packages
        Endpoint::get("/repos/{subject}/{repo}/packages", packages::list),
        Endpoint::post("/packages/{subject}/{repo}", packages::create),
        Endpoint::get("/packages/{subject}/{repo}/{package}", packages::get),
        Endpoint::patch("/packages/{subject}/{repo}/{package}", packages::update),
        Endpoint::delete("/packages/{subject}/{repo}/{package}", packages::delete),
        // Versions
        Endpoint::post(
            "/packages/{subject}/{repo}/{package}/versions",
            versions::create,
        ),
        Endpoint::get(VERSION, versions::get),
        Endpoint::patch(VERSION, versions::update),
        Endpoint::delete(VERSION, versions::delete),
        Endpoint::get(RELEASE_NOTES, release_notes::get),
        Endpoint::post(RELEASE_NOTES, release_notes::set),
        // Attributes
        Endpoint::get(PACKAGE_ATTRIBUTES, attributes::get_package),
        Endpoint::post(PACKAGE_ATTRIBUTES, attributes::replace_package),
        Endpoint::patch(PACKAGE_ATTRIBUTES, attributes::update_package),
        Endpoint::delete(PACKAGE_ATTRIBUTES, attributes::delete_package),
        Endpoint::get(VERSION_ATTRIBUTES, attributes::get_version),
        Endpoint::post(VERSION_ATTRIBUTES, attributes::replace_version),
        Endpoint::patch(VERSION_ATTRIBUTES, attributes::update_version),
        Endpoint::delete(VERSION_ATTRIBUTES, attributes::delete_version),
        Endpoint::post(
            "/search/attributes/{subject}/{repo}",
            attributes::search_packages,
        ),
        Endpoint::post(
            "/search/attributes/{subject}/{repo}/{package}/versions",
            attributes::search_versions,
        ),
        // Content: uploads, publish and discard, deletion
        Endpoint::put(CONTENT, content::upload).unlimited_body(),
        Endpoint::put(
            "/content/{subject}/{repo}/",
            content::upload_to_repository_root,
        )
        .unlimited_body(),
        Endpoint::post(CONTENT, content::publish).unlimited_body(),
        Endpoint::delete(CONTENT, content::delete).unlimited_body(),
        Endpoint::put("/maven/{subject}/{repo}/{*rest}", content::maven_deploy).unlimited_body(),
        // Files
        Endpoint::get(
            "/packages/{subject}/{repo}/{package}/files",
            files::of_package,
        ),
        Endpoint::get(
            "/packages/{subject}/{repo}/{package}/versions/{version}/files",
            files::of_version,
        ),
        Endpoint::get("/file_package/{subject}/{repo}/{*path}", file_info::package),
        Endpoint::get("/file_version/{subject}/{repo}/{*path}", file_info::version),
        Endpoint::put(
            "/file_metadata/{subject}/{repo}/{*path}",
            file_info::metadata,
        ),
        Endpoint::get("/dl/{subject}/{repo}/{*path}", downloads::download),
        // Search and users
        Endpoint::get("/search/packages", search::packages),
        Endpoint::get("/search/file", search::files),
        Endpoint::get("/users/{user}", search::user),
        // Badges and the stable link beside them
        Endpoint::get(
            "/packages/{subject}/{repo}/{package}/images/download.svg",
            badges::download_badge,
        ),
        Endpoint::get(
            "/{subject}/{repo}/{package}/_latestVersion",
            badges::latest_version,
        )
        .root_only(),
        // This API's description
        Endpoint::get("/api/openapi.json", openapi::document).root_only(),
        // The browser's own calls (accounts, rendered notes)
        Endpoint::get("/api/ui/session", session::info).internal(),
        Endpoint::get("/api/ui/explore", explore::explore).internal(),
        Endpoint::post("/api/ui/signup", session::sign_up).internal(),
        Endpoint::post("/api/ui/signin", session::sign_in).internal(),
        Endpoint::post("/api/ui/signout", session::sign_out).internal(),
        Endpoint::post("/api/ui/api-key/reveal", session::reveal_api_key).internal(),
        Endpoint::post("/api/ui/api-key/regenerate", session::regenerate_api_key).internal(),
        Endpoint::get(
            "/api/ui/release-notes/{subject}/{repo}/{package}/{version}",
            release_notes::rendered,
        )
        .internal(),
        // The package, version and repository pages' lists
        Endpoint::get(
            "/api/ui/versions/{subject}/{repo}/{package}",
            pages::versions,
        )
        .internal(),
        Endpoint::get(
            "/api/ui/files/{subject}/{repo}/{package}/{version}",
            pages::files,
        )
        .internal(),
        Endpoint::get("/api/ui/packages/{subject}/{repo}", pages::packages).internal(),
        // Linking GitHub, and importing from it
        Endpoint::get("/api/ui/github", github::status).internal(),
        Endpoint::post("/api/ui/github/authorize", github::authorize).internal(),
        Endpoint::get("/api/ui/github/callback", github::callback).internal(),
        Endpoint::post("/api/ui/github/disconnect", github::disconnect).internal(),
        Endpoint::get("/api/ui/github/repos", imports::repos).internal(),
        Endpoint::post("/api/ui/github/releases", imports::releases).internal(),
        Endpoint::post("/api/ui/imports", imports::start).internal(),
        Endpoint::get("/api/ui/imports/target/{subject}/{repo}", imports::target).internal(),
        Endpoint::get("/api/ui/imports/{id}", imports::get).internal(),
        Endpoint::get("/api/ui/imports/{id}/events", imports::events).internal(),
        Endpoint::post("/api/ui/imports/{id}/retry", imports::retry).internal(),
        // A Docker registry as its pages and Set Me Up show it
        Endpoint::get("/api/ui/docker/{subject}/{repo}", docker::registry).internal(),
    ]
}
