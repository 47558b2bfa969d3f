//! `/packages/:s/:r/:p/versions[/:v]`.

use super::extract::{Path, Query};
use app::api_types::{Success, Version, VersionChanges};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;

use super::attributes::{self, ValuesQuery};
use super::body::JsonBody;
use super::caller::ApiCaller;
use super::json;
use super::openapi_responses::{CreateErrors, ReadErrors, WriteErrors};
use crate::domain::catalog;
use crate::http::error::ApiError;
use crate::http::revalidate;
use crate::infra::db::AttrOwner;
use crate::state::AppState;

/// Get a version
#[utoipa::path(
    get,
    path = "/packages/{subject}/{repo}/{package}/versions/{version}",
    operation_id = "getVersion",
    tag = "versions",
    params(
        catalog::VersionCoord,
        ValuesQuery,
        ("If-None-Match" = Option<String>, Header, description = "An ETag the caller has"),
    ),
    responses(
        (status = 200, description = "The version", body = Version, headers(
            ("ETag" = String, description = "Changes exactly when the answer does"),
            ("Cache-Control" = String, description = "`no-cache`, `private` with credentials"),
        )),
        (status = 304, description = "The caller's copy is current"),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
    Query(vq): Query<ValuesQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (repo, package, version) = catalog::find_version(&state.db, &caller, &at).await?;
    let is_publisher = caller.owns(repo.owner_id);
    let attrs = attributes::shown(&state, AttrOwner::Version(version.id), is_publisher).await?;
    let body = json::version(&repo, &package, &version, &attrs, vq.with_values());
    revalidate::json(&headers, &body)
}

/// Create a version
///
/// Uploads create a missing version too.
#[utoipa::path(
    post,
    path = "/packages/{subject}/{repo}/{package}/versions",
    operation_id = "createVersion",
    tag = "versions",
    params(catalog::PackageCoord),
    request_body = VersionChanges,
    responses(
        (status = 201, description = "Created", body = Version),
        CreateErrors,
    ),
    security(("basic" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
    JsonBody(changes): JsonBody<VersionChanges>,
) -> Result<(StatusCode, Json<Version>), ApiError> {
    let (repo, package, version) =
        catalog::create_version(&state.db, &caller, &at, changes).await?;
    Ok((
        StatusCode::CREATED,
        Json(json::version(&repo, &package, &version, &[], false)),
    ))
}

/// Update a version
///
/// Only the fields sent change.
#[utoipa::path(
    patch,
    path = "/packages/{subject}/{repo}/{package}/versions/{version}",
    operation_id = "updateVersion",
    tag = "versions",
    params(catalog::VersionCoord),
    request_body = VersionChanges,
    responses(
        (status = 200, description = "Updated", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
    JsonBody(changes): JsonBody<VersionChanges>,
) -> Result<Json<Success>, ApiError> {
    catalog::update_version(&state.db, &caller, &at, changes).await?;
    Ok(Json(Success::new()))
}

/// Delete a version
///
/// With its files.
#[utoipa::path(
    delete,
    path = "/packages/{subject}/{repo}/{package}/versions/{version}",
    operation_id = "deleteVersion",
    tag = "versions",
    params(catalog::VersionCoord),
    responses(
        (status = 200, description = "Deleted", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
) -> Result<Json<Success>, ApiError> {
    catalog::delete_version(&state.db, &caller, &at).await?;
    Ok(Json(Success::new()))
}
