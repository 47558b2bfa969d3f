//! `/packages/:s/:r/:p/versions/:v/release_notes` (Bintray's shape) and the page's
//! rendered form.

use app::api_types::{ReleaseNotes, ReleaseNotesText, RenderedNotes, Success};
use axum::extract::{Path, State};
use axum::Json;

use super::body::JsonBody;
use super::caller::ApiCaller;
use crate::http::error::ApiError;
use crate::registry;
use crate::state::AppState;

type VersionPath = Path<(String, String, String, String)>;

pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, p, v)): VersionPath,
) -> Result<Json<ReleaseNotes>, ApiError> {
    let (_, _, version) = registry::find_version(&state.db, &caller, &s, &r, &p, &v).await?;
    Ok(Json(ReleaseNotes {
        bintray: ReleaseNotesText {
            syntax: Some("MARKDOWN".to_owned()),
            content: version.release_notes.unwrap_or_default(),
        },
    }))
}

pub async fn set(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, p, v)): VersionPath,
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
    let (_, _, version) = registry::owned_version(&state.db, &caller, &s, &r, &p, &v).await?;
    let content = notes.bintray.content.trim();
    state
        .db
        .set_release_notes(version.id, (!content.is_empty()).then_some(content))
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(Success::new()))
}

/// `GET /api/ui/release-notes/:s/:r/:p/:v`: the notes as sanitised HTML for the page.
pub async fn rendered(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((s, r, p, v)): VersionPath,
) -> Result<Json<RenderedNotes>, ApiError> {
    let (_, _, version) = registry::find_version(&state.db, &caller, &s, &r, &p, &v).await?;
    Ok(Json(RenderedNotes {
        html: version
            .release_notes
            .as_deref()
            .map(crate::markdown::render),
    }))
}
