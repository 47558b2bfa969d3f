//! `/file_package`, `/file_version` and `/file_metadata` for a file path.

use app::api_types::{Package, Success, Version};
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;

use super::attributes::shown;
use super::body::JsonBody;
use super::caller::ApiCaller;
use super::json;
use crate::db::AttrOwner;
use crate::http::error::ApiError;
use crate::registry;
use crate::state::AppState;

type FilePathParams = Path<(String, String, String)>;

pub async fn package(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, path)): FilePathParams,
) -> Result<Json<Package>, ApiError> {
    let (repo, package, _) = registry::file_owner(&state.db, &caller, &s, &r, &path).await?;
    let attrs = shown(
        &state,
        AttrOwner::Package(package.id),
        caller.owns(repo.owner_id),
    )
    .await?;
    Ok(Json(
        json::package(&state.db, &repo, &package, &attrs, false)
            .await
            .map_err(ApiError::internal)?,
    ))
}

pub async fn version(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, path)): FilePathParams,
) -> Result<Json<Version>, ApiError> {
    let (repo, package, version) = registry::file_owner(&state.db, &caller, &s, &r, &path).await?;
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

#[derive(Debug, Deserialize)]
pub struct FileMetadata {
    #[serde(default, deserialize_with = "app::api_types::lenient_bool")]
    list_in_downloads: Option<bool>,
}

pub async fn metadata(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, path)): FilePathParams,
    JsonBody(body): JsonBody<FileMetadata>,
) -> Result<Json<Success>, ApiError> {
    let listed = body
        .list_in_downloads
        .ok_or_else(|| ApiError::bad_request("list_in_downloads is required"))?;
    registry::set_list_in_downloads(&state.db, &caller, &s, &r, &path, listed).await?;
    Ok(Json(Success::new()))
}
