//! `/file_package`, `/file_version` and `/file_metadata` for a file path.

use super::extract::Path;
use app::api_types::{Package, Success, Version};
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use super::attributes::shown;
use super::body::JsonBody;
use super::caller::ApiCaller;
use super::json;
use super::openapi_responses::{ReadErrors, WriteErrors};
use crate::domain::catalog;
use crate::http::error::ApiError;
use crate::infra::db::AttrOwner;
use crate::state::AppState;

/// The package a file belongs to
#[utoipa::path(
    get,
    path = "/file_package/{subject}/{repo}/{file_path}",
    operation_id = "getFilePackage",
    tag = "files",
    params(catalog::FileCoord),
    responses(
        (status = 200, description = "The file's package", body = Package),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn package(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::FileCoord>,
) -> Result<Json<Package>, ApiError> {
    let (repo, package, _) = catalog::file_owner(&state.db, &caller, &at).await?;
    let attrs = shown(
        &state,
        AttrOwner::Package(package.id),
        caller.owns(repo.owner_id),
    )
    .await?;
    Ok(Json(
        json::package(&state.db, &repo, &package, &attrs, false).await?,
    ))
}

/// The version a file belongs to
#[utoipa::path(
    get,
    path = "/file_version/{subject}/{repo}/{file_path}",
    operation_id = "getFileVersion",
    tag = "files",
    params(catalog::FileCoord),
    responses(
        (status = 200, description = "The file's version", body = Version),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn version(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::FileCoord>,
) -> Result<Json<Version>, ApiError> {
    let (repo, package, version) = catalog::file_owner(&state.db, &caller, &at).await?;
    let attrs = shown(
        &state,
        AttrOwner::Version(version.id),
        caller.owns(repo.owner_id),
    )
    .await?;
    Ok(Json(json::version(
        &repo, &package, &version, &attrs, false,
    )))
}

/// `PUT /file_metadata/...`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FileMetadata {
    /// Show the file in the repository's download list (`true`, `"true"`, `1`, …).
    #[schema(required = true)]
    #[serde(default, deserialize_with = "app::api_types::lenient_bool")]
    list_in_downloads: Option<bool>,
}

/// Put a file in the download list, or take it out
#[utoipa::path(
    put,
    path = "/file_metadata/{subject}/{repo}/{file_path}",
    operation_id = "setFileMetadata",
    tag = "files",
    params(catalog::FileCoord),
    request_body = FileMetadata,
    responses(
        (status = 200, description = "Saved", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn metadata(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::FileCoord>,
    JsonBody(body): JsonBody<FileMetadata>,
) -> Result<Json<Success>, ApiError> {
    let listed = body
        .list_in_downloads
        .ok_or_else(|| ApiError::bad_request("list_in_downloads is required"))?;
    catalog::set_list_in_downloads(&state.db, &caller, &at, listed).await?;
    Ok(Json(Success::new()))
}
