//! The Bintray REST API v1, one resource per module. Served at `/` (where
//! api.bintray.com clients and the Gradle plugin, which drops path prefixes, expect it)
//! and at `/api/v1/` (bintray.com/api/v1 clients such as jfrog-cli).

mod body;
mod caller;
mod json;
mod packages;
mod repos;
mod versions;

use axum::routing::get;
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
}

/// The API at both of its mounts.
pub fn router() -> Router<AppState> {
    Router::new().merge(routes()).nest("/api/v1", routes())
}
