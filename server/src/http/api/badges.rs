//! The latest-version badge and the stable link next to it in READMEs.

use super::extract::{Path, Query};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::caller::ApiCaller;
use super::openapi_responses::ReadErrors;
use crate::domain::catalog;
use crate::http::error::ApiError;
use crate::state::AppState;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A flat two-part badge; widths estimated from character counts (Verdana 11px).
pub fn badge_svg(label: &str, value: &str, colour: &str) -> String {
    let w = |s: &str| 10 + s.chars().count() as u32 * 7;
    let (lw, vw) = (w(label), w(value));
    let total = lw + vw;
    let (label, value) = (escape(label), escape(value));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{label}: {value}"><title>{label}: {value}</title><rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{vw}" height="20" fill="{colour}"/><g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"><text x="{lx}" y="14">{label}</text><text x="{vx}" y="14">{value}</text></g></svg>"##,
        lx = lw / 2,
        vx = lw + vw / 2,
    )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BadgeQuery {
    /// The version to show; the latest published one when absent.
    version: Option<String>,
}

/// The download badge
///
/// An SVG image naming the latest (or the given) version, `none` when there is none, for
/// READMEs. Revalidated on each view (`Cache-Control: no-cache` with an ETag).
#[utoipa::path(
    get,
    path = "/packages/{subject}/{repo}/{package}/images/download.svg",
    operation_id = "getDownloadBadge",
    tag = "badges",
    params(
        catalog::PackageCoord,
        BadgeQuery,
        ("If-None-Match" = Option<String>, Header, description = "The ETag the caller has"),
    ),
    responses(
        (status = 200, description = "The badge", content_type = "image/svg+xml", body = String,
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The caller's copy is current"),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn download_badge(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
    Query(q): Query<BadgeQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let wanted = q.version.unwrap_or_else(|| "_latest".to_owned());
    let (svg, status) =
        match catalog::find_version(&state.db, &caller, &at.version(wanted.as_str())).await {
            Ok((_, _, v)) => (badge_svg("download", &v.name, "#0f5e9c"), StatusCode::OK),
            Err(catalog::CatalogError::VersionNotFound(_)) => {
                (badge_svg("download", "none", "#9f9f9f"), StatusCode::OK)
            }
            Err(e) => return Err(e.into()),
        };
    // Revalidated on every view (a cheap 304), so a new release shows at once.
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(svg.as_bytes())[..12]));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let common = [
        (header::CACHE_CONTROL, "no-cache".to_owned()),
        (header::ETAG, etag),
    ];
    if fresh {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    Ok((
        status,
        common,
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}

/// The latest version's page
///
/// The stable link placed beside the badge: redirects to the page of the newest version
/// with a published file. Served at `/` only.
#[utoipa::path(
    get,
    path = "/{subject}/{repo}/{package}/_latestVersion",
    operation_id = "getLatestVersionPage",
    tag = "badges",
    params(catalog::PackageCoord),
    responses(
        (status = 303, description = "To `/:subject/:repo/:package/:version`", headers(
            ("Location" = String, description = "The version's page")
        )),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn latest_version(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
) -> Result<Response, ApiError> {
    let (repo, package, v) =
        catalog::find_version(&state.db, &caller, &at.version("_latest")).await?;
    Ok(Redirect::to(&format!(
        "/{}/{}/{}/{}",
        repo.owner_name,
        repo.name,
        app::domain::url::path_segment(&package.name),
        app::domain::url::path_segment(&v.name)
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::badge_svg;

    #[test]
    fn badges_escape_their_text() {
        let svg = badge_svg("download", "1.0<x>", "#0f5e9c");
        assert!(svg.contains("1.0&lt;x&gt;"));
        assert!(svg.starts_with("<svg"));
    }
}
