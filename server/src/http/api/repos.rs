//! `/repos/:subject[/:repo]` and `/search/repos`.

use app::api_types::{Repository, RepositoryChanges, RepositorySummary, Success};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::body::JsonBody;
use super::caller::ApiCaller;
use super::json;
use crate::http::error::ApiError;
use crate::registry;
use crate::state::AppState;

pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(subject): Path<String>,
) -> Result<Json<Vec<RepositorySummary>>, ApiError> {
    let repos = registry::list_repositories(&state.db, &caller, &subject).await?;
    Ok(Json(repos.iter().map(json::repository_summary).collect()))
}

pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo)): Path<(String, String)>,
) -> Result<Json<Repository>, ApiError> {
    let repo = registry::find_repository(&state.db, &caller, &subject, &repo).await?;
    Ok(Json(json::repository(&repo)))
}

pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo)): Path<(String, String)>,
    JsonBody(changes): JsonBody<RepositoryChanges>,
) -> Result<(StatusCode, Json<Repository>), ApiError> {
    let repo = registry::create_repository(&state.db, &caller, &subject, &repo, changes).await?;
    Ok((StatusCode::CREATED, Json(json::repository(&repo))))
}

pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo)): Path<(String, String)>,
    JsonBody(changes): JsonBody<RepositoryChanges>,
) -> Result<Json<Success>, ApiError> {
    registry::update_repository(&state.db, &caller, &subject, &repo, changes).await?;
    Ok(Json(Success::new()))
}

pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo)): Path<(String, String)>,
) -> Result<Json<Success>, ApiError> {
    registry::delete_repository(&state.db, &caller, &subject, &repo).await?;
    Ok(Json(Success::new()))
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    name: Option<String>,
    desc: Option<String>,
}

/// Public repositories only, whoever asks.
pub async fn search(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Vec<Repository>>, ApiError> {
    let name = q.name.as_deref().filter(|s| !s.is_empty());
    let desc = q.desc.as_deref().filter(|s| !s.is_empty());
    if name.is_none() && desc.is_none() {
        return Err(ApiError::bad_request(
            "Search needs at least one of 'name' and 'desc'",
        ));
    }
    let repos = state
        .db
        .search_repositories(name, desc)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(repos.iter().map(json::repository).collect()))
}
