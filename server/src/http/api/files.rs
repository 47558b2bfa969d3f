//! `/packages/:s/:r/:p[/versions/:v]/files`.

use super::extract::{Path, Query};
use app::api_types::File;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use super::caller::ApiCaller;
use super::json;
use super::openapi_responses::ReadErrors;
use crate::domain::catalog;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilesQuery {
    /// `1` adds unpublished files, for the owner.
    #[param(value_type = Option<super::openapi::Flag>)]
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

/// List a package's files
///
/// Files of all its versions; published ones only unless the owner asks for more.
#[utoipa::path(
    get,
    path = "/packages/{subject}/{repo}/{package}/files",
    operation_id = "listPackageFiles",
    tag = "files",
    params(catalog::PackageCoord, FilesQuery),
    responses(
        (status = 200, description = "The files", body = Vec<File>),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn of_package(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
    Query(q): Query<FilesQuery>,
) -> Result<Json<Vec<File>>, ApiError> {
    let (repo, files) =
        catalog::list_files(&state.db, &caller, &at, None, q.include_unpublished()).await?;
    Ok(Json(files.iter().map(|f| json::file(&repo, f)).collect()))
}

/// List a version's files
#[utoipa::path(
    get,
    path = "/packages/{subject}/{repo}/{package}/versions/{version}/files",
    operation_id = "listVersionFiles",
    tag = "files",
    params(catalog::VersionCoord, FilesQuery),
    responses(
        (status = 200, description = "The files", body = Vec<File>),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn of_version(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
    Query(q): Query<FilesQuery>,
) -> Result<Json<Vec<File>>, ApiError> {
    let (repo, files) = catalog::list_files(
        &state.db,
        &caller,
        &at.package(),
        Some(&at.version),
        q.include_unpublished(),
    )
    .await?;
    Ok(Json(files.iter().map(|f| json::file(&repo, f)).collect()))
}
