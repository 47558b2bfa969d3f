//! `/packages/:s/:r/:p/versions[/:v]`.

use app::api_types::{Success, Version, VersionChanges};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;

use super::attributes::{self, ValuesQuery};
use super::body::JsonBody;
use super::caller::ApiCaller;
use super::json;
use crate::db::AttrOwner;
use crate::http::error::ApiError;
use crate::registry;
use crate::state::AppState;

type VersionPath = Path<(String, String, String, String)>;

pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, p, v)): VersionPath,
    Query(vq): Query<ValuesQuery>,
) -> Result<Json<Version>, ApiError> {
    let (repo, package, version) =
        registry::find_version(&state.db, &caller, &s, &r, &p, &v).await?;
    let is_publisher = caller.owns(repo.owner_id);
    let attrs = attributes::shown(&state, AttrOwner::Version(version.id), is_publisher).await?;
    Ok(Json(json::version(
        &repo,
        &package,
        &version,
        &attrs,
        vq.with_values(),
    )))
}

pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, p)): Path<(String, String, String)>,
    JsonBody(changes): JsonBody<VersionChanges>,
) -> Result<(StatusCode, Json<Version>), ApiError> {
    let (repo, package, version) =
        registry::create_version(&state.db, &caller, &s, &r, &p, changes).await?;
    Ok((
        StatusCode::CREATED,
        Json(json::version(&repo, &package, &version, &[], false)),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, p, v)): VersionPath,
    JsonBody(changes): JsonBody<VersionChanges>,
) -> Result<Json<Success>, ApiError> {
    registry::update_version(&state.db, &caller, &s, &r, &p, &v, changes).await?;
    Ok(Json(Success::new()))
}

pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, p, v)): VersionPath,
) -> Result<Json<Success>, ApiError> {
    registry::delete_version(&state.db, &caller, &s, &r, &p, &v).await?;
    Ok(Json(Success::new()))
}
