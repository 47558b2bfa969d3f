//! `/repos/:s/:r/packages` and `/packages/:s/:r[/:p]`.

use app::api_types::{Package, PackageChanges, PackageSummary, Success};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use serde::Deserialize;

use super::attributes::{self, ValuesQuery};
use super::body::JsonBody;
use super::caller::ApiCaller;
use super::json;
use crate::db::AttrOwner;
use crate::http::error::ApiError;
use crate::registry;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    start_pos: Option<String>,
    start_name: Option<String>,
}

/// `start_pos` paging with Bintray's `X-RangeLimit-*` headers.
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo)): Path<(String, String)>,
    Query(q): Query<ListQuery>,
) -> Result<(HeaderMap, Json<Vec<PackageSummary>>), ApiError> {
    let start_pos = match q.start_pos.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(s) => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::bad_request(format!("start_pos must be a number ≥ 0, not {s:?}"))
        })?,
    };
    let prefix = q.start_name.as_deref().filter(|s| !s.is_empty());
    let (_, page) =
        registry::list_packages(&state.db, &caller, &subject, &repo, start_pos, prefix).await?;
    let mut headers = HeaderMap::new();
    let count = page.items.len() as i64;
    let end = if count == 0 {
        start_pos
    } else {
        start_pos + count - 1
    };
    for (name, value) in [
        ("x-rangelimit-total", page.total),
        ("x-rangelimit-startpos", start_pos),
        ("x-rangelimit-endpos", end),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
    let body = page
        .items
        .into_iter()
        .map(|p| PackageSummary {
            name: p.name,
            linked: false,
        })
        .collect();
    Ok((headers, Json(body)))
}

pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo, package)): Path<(String, String, String)>,
    Query(vq): Query<ValuesQuery>,
) -> Result<Json<Package>, ApiError> {
    let (repo, package) =
        registry::find_package(&state.db, &caller, &subject, &repo, &package).await?;
    let is_publisher = caller.owns(repo.owner_id);
    let attrs = attributes::shown(&state, AttrOwner::Package(package.id), is_publisher).await?;
    Ok(Json(
        json::package(&state.db, &repo, &package, &attrs, vq.with_values())
            .await
            .map_err(ApiError::internal)?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo)): Path<(String, String)>,
    JsonBody(changes): JsonBody<PackageChanges>,
) -> Result<(StatusCode, Json<Package>), ApiError> {
    let (repo, package) =
        registry::create_package(&state.db, &caller, &subject, &repo, changes).await?;
    let body = json::package(&state.db, &repo, &package, &[], false)
        .await
        .map_err(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(body)))
}

pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo, package)): Path<(String, String, String)>,
    JsonBody(changes): JsonBody<PackageChanges>,
) -> Result<Json<Success>, ApiError> {
    registry::update_package(&state.db, &caller, &subject, &repo, &package, changes).await?;
    Ok(Json(Success::new()))
}

pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo, package)): Path<(String, String, String)>,
) -> Result<Json<Success>, ApiError> {
    registry::delete_package(&state.db, &caller, &subject, &repo, &package).await?;
    Ok(Json(Success::new()))
}
