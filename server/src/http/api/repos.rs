//! `/repos/:subject[/:repo]` and `/search/repos`.

use super::extract::{Path, Query};
use app::api_types::{Repository, RepositoryChanges, RepositorySummary, Success};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::body::JsonBody;
use super::caller::ApiCaller;
use super::json;
use super::openapi::SubjectParams;
use super::openapi_responses::{CreateErrors, ReadErrors, SearchErrors, WriteErrors};
use crate::domain::catalog;
use crate::http::error::ApiError;
use crate::state::AppState;

/// List a subject's repositories
///
/// Private repositories appear only to their owner.
#[utoipa::path(
    get,
    path = "/repos/{subject}",
    operation_id = "listRepositories",
    tag = "repositories",
    params(SubjectParams),
    responses(
        (status = 200, description = "Name and owner of each repository",
            body = Vec<RepositorySummary>),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(subject): Path<String>,
) -> Result<Json<Vec<RepositorySummary>>, ApiError> {
    let repos = catalog::list_repositories(&state.db, &caller, &subject).await?;
    Ok(Json(repos.iter().map(json::repository_summary).collect()))
}

/// Get a repository
#[utoipa::path(
    get,
    path = "/repos/{subject}/{repo}",
    operation_id = "getRepository",
    tag = "repositories",
    params(catalog::RepoCoord),
    responses(
        (status = 200, description = "The repository", body = Repository),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
) -> Result<Json<Repository>, ApiError> {
    let repo = catalog::find_repository(&state.db, &caller, &at).await?;
    Ok(Json(json::repository(&repo)))
}

/// Create a repository
///
/// `type` is one of Bintray's repository types (default `generic`).
#[utoipa::path(
    post,
    path = "/repos/{subject}/{repo}",
    operation_id = "createRepository",
    tag = "repositories",
    params(catalog::RepoCoord),
    request_body = RepositoryChanges,
    responses(
        (status = 201, description = "Created", body = Repository),
        CreateErrors,
    ),
    security(("basic" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
    JsonBody(changes): JsonBody<RepositoryChanges>,
) -> Result<(StatusCode, Json<Repository>), ApiError> {
    let repo = catalog::create_repository(&state.db, &caller, &at, changes).await?;
    Ok((StatusCode::CREATED, Json(json::repository(&repo))))
}

/// Update a repository
///
/// Only the fields sent change.
#[utoipa::path(
    patch,
    path = "/repos/{subject}/{repo}",
    operation_id = "updateRepository",
    tag = "repositories",
    params(catalog::RepoCoord),
    request_body = RepositoryChanges,
    responses(
        (status = 200, description = "Updated", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
    JsonBody(changes): JsonBody<RepositoryChanges>,
) -> Result<Json<Success>, ApiError> {
    catalog::update_repository(&state.db, &caller, &at, changes).await?;
    Ok(Json(Success::new()))
}

/// Delete a repository
///
/// With its packages, versions and files.
#[utoipa::path(
    delete,
    path = "/repos/{subject}/{repo}",
    operation_id = "deleteRepository",
    tag = "repositories",
    params(catalog::RepoCoord),
    responses(
        (status = 200, description = "Deleted", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
) -> Result<Json<Success>, ApiError> {
    catalog::delete_repository(&state.db, &caller, &at).await?;
    Ok(Json(Success::new()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Part of the repository's name.
    name: Option<String>,
    /// Part of its description.
    desc: Option<String>,
}

/// Search repositories
///
/// Public repositories only, whoever asks; at least one of `name` and `desc`.
#[utoipa::path(
    get,
    path = "/search/repos",
    operation_id = "searchRepositories",
    tag = "search",
    params(SearchQuery),
    responses(
        (status = 200, description = "The repositories found", body = Vec<Repository>),
        SearchErrors,
    ),
    security(())
)]
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
    let repos = state.db.search_repositories(name, desc).await?;
    Ok(Json(repos.iter().map(json::repository).collect()))
}
