//! `/packages/:s/:r/:p[/versions/:v]/files`.

use app::api_types::File;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;

use super::caller::ApiCaller;
use super::json;
use crate::http::error::ApiError;
use crate::registry;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct FilesQuery {
    include_unpublished: Option<String>,
}

impl FilesQuery {
    fn include_unpublished(&self) -> bool {
        self.include_unpublished
            .as_deref()
            .and_then(app::domain::flags::parse_flag)
            .unwrap_or(false)
    }
}

pub async fn of_package(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, p)): Path<(String, String, String)>,
    Query(q): Query<FilesQuery>,
) -> Result<Json<Vec<File>>, ApiError> {
    let (repo, files) = registry::list_files(
        &state.db,
        &caller,
        &s,
        &r,
        &p,
        None,
        q.include_unpublished(),
    )
    .await?;
    Ok(Json(files.iter().map(|f| json::file(&repo, f)).collect()))
}

pub async fn of_version(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, p, v)): Path<(String, String, String, String)>,
    Query(q): Query<FilesQuery>,
) -> Result<Json<Vec<File>>, ApiError> {
    let (repo, files) = registry::list_files(
        &state.db,
        &caller,
        &s,
        &r,
        &p,
        Some(&v),
        q.include_unpublished(),
    )
    .await?;
    Ok(Json(files.iter().map(|f| json::file(&repo, f)).collect()))
}
