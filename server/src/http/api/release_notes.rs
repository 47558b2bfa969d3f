//! `/packages/:s/:r/:p/versions/:v/release_notes` (Bintray's shape) and the page's
//! rendered form.

use super::extract::Path;
use app::api_types::{ReleaseNotes, ReleaseNotesText, RenderedNotes, Success};
use axum::extract::State;
use axum::Json;

use super::body::JsonBody;
use super::caller::ApiCaller;
use super::openapi_responses::{ReadErrors, WriteErrors};
use crate::domain::catalog;
use crate::http::error::ApiError;
use crate::state::AppState;

/// Get a version's release notes
///
/// Markdown; empty content when there are none.
#[utoipa::path(
    get,
    path = "/packages/{subject}/{repo}/{package}/versions/{version}/release_notes",
    operation_id = "getReleaseNotes",
    tag = "versions",
    params(catalog::VersionCoord),
    responses(
        (status = 200, description = "The notes", body = ReleaseNotes),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
) -> Result<Json<ReleaseNotes>, ApiError> {
    let (_, _, version) = catalog::find_version(&state.db, &caller, &at).await?;
    Ok(Json(ReleaseNotes {
        bintray: ReleaseNotesText {
            syntax: Some("MARKDOWN".to_owned()),
            content: version.release_notes.unwrap_or_default(),
        },
    }))
}

/// Set a version's release notes
///
/// `syntax` is `markdown` (the default) or `plain_text`; empty content removes the notes.
#[utoipa::path(
    post,
    path = "/packages/{subject}/{repo}/{package}/versions/{version}/release_notes",
    operation_id = "setReleaseNotes",
    tag = "versions",
    params(catalog::VersionCoord),
    request_body = ReleaseNotes,
    responses(
        (status = 200, description = "Saved", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn set(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
    JsonBody(notes): JsonBody<ReleaseNotes>,
) -> Result<Json<Success>, ApiError> {
    let syntax = notes.bintray.syntax.as_deref().unwrap_or("markdown");
    if !matches!(
        syntax.to_ascii_lowercase().as_str(),
        "markdown" | "plain_text"
    ) {
        return Err(ApiError::bad_request(format!(
            "Release notes syntax '{syntax}' is not supported (use markdown or plain_text)"
        )));
    }
    let (_, _, version) = catalog::owned_version(&state.db, &caller, &at).await?;
    let content = notes.bintray.content.trim();
    state
        .db
        .set_release_notes(version.id, (!content.is_empty()).then_some(content))
        .await?;
    Ok(Json(Success::new()))
}

/// `GET /api/ui/release-notes/:s/:r/:p/:v`: the notes as sanitised HTML for the page.
pub async fn rendered(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
) -> Result<Json<RenderedNotes>, ApiError> {
    let (_, _, version) = catalog::find_version(&state.db, &caller, &at).await?;
    Ok(Json(RenderedNotes {
        html: version
            .release_notes
            .as_deref()
            .map(crate::domain::markdown::render),
    }))
}
