//! `/repos/:s/:r/packages` and `/packages/:s/:r[/:p]`.

use super::extract::{Path, Query};
use app::api_types::{Package, PackageChanges, PackageSummary, Success};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;

use super::attributes::{self, ValuesQuery};
use super::body::JsonBody;
use super::caller::ApiCaller;
use super::json;
use super::openapi_responses::{CreateErrors, ReadErrors, WriteErrors};
use crate::domain::catalog;
use crate::http::error::ApiError;
use crate::http::revalidate;
use crate::infra::db::AttrOwner;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Skip this many packages (pages of 50).
    #[param(value_type = Option<i64>, minimum = 0)]
    start_pos: Option<String>,
    /// Only packages whose name starts with this.
    start_name: Option<String>,
}

/// List a repository's packages
///
/// Pages of 50 by name, with `start_pos` and Bintray's `X-RangeLimit-*` headers.
#[utoipa::path(
    get,
    path = "/repos/{subject}/{repo}/packages",
    operation_id = "listPackages",
    tag = "packages",
    params(catalog::RepoCoord, ListQuery),
    responses(
        (status = 200, description = "One page of package names", body = Vec<PackageSummary>,
            headers(
                ("X-RangeLimit-Total" = i64, description = "Packages in all pages"),
                ("X-RangeLimit-StartPos" = i64, description = "The first one's position"),
                ("X-RangeLimit-EndPos" = i64, description = "The last one's position"),
            )),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
    Query(q): Query<ListQuery>,
) -> Result<(HeaderMap, Json<Vec<PackageSummary>>), ApiError> {
    let start_pos = match q.start_pos.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(s) => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::bad_request(format!("start_pos must be a number ≥ 0, not {s:?}"))
        })?,
    };
    let prefix = q.start_name.as_deref().filter(|s| !s.is_empty());
    let (_, page) = catalog::list_packages(&state.db, &caller, &at, start_pos, prefix).await?;
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

/// Get a package
///
/// `versions` lists its versions (there is no separate version list); attributes
/// starting with `_` are shown to the owner only.
#[utoipa::path(
    get,
    path = "/packages/{subject}/{repo}/{package}",
    operation_id = "getPackage",
    tag = "packages",
    params(
        catalog::PackageCoord,
        ValuesQuery,
        ("If-None-Match" = Option<String>, Header, description = "An ETag the caller has"),
    ),
    responses(
        (status = 200, description = "The package", body = Package, headers(
            ("ETag" = String, description = "Changes exactly when the answer does"),
            ("Cache-Control" = String, description = "`no-cache`, `private` with credentials"),
        )),
        (status = 304, description = "The caller's copy is current"),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
    Query(vq): Query<ValuesQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (repo, package) = catalog::find_package(&state.db, &caller, &at).await?;
    let is_publisher = caller.owns(repo.owner_id);
    let attrs = attributes::shown(&state, AttrOwner::Package(package.id), is_publisher).await?;
    let body = json::package(&state.db, &repo, &package, &attrs, vq.with_values()).await?;
    revalidate::json(&headers, &body)
}

/// Create a package
#[utoipa::path(
    post,
    path = "/packages/{subject}/{repo}",
    operation_id = "createPackage",
    tag = "packages",
    params(catalog::RepoCoord),
    request_body = PackageChanges,
    responses(
        (status = 201, description = "Created", body = Package),
        CreateErrors,
    ),
    security(("basic" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
    JsonBody(changes): JsonBody<PackageChanges>,
) -> Result<(StatusCode, Json<Package>), ApiError> {
    let (repo, package) = catalog::create_package(&state.db, &caller, &at, changes).await?;
    let body = json::package(&state.db, &repo, &package, &[], false).await?;
    Ok((StatusCode::CREATED, Json(body)))
}

/// Update a package
///
/// Only the fields sent change.
#[utoipa::path(
    patch,
    path = "/packages/{subject}/{repo}/{package}",
    operation_id = "updatePackage",
    tag = "packages",
    params(catalog::PackageCoord),
    request_body = PackageChanges,
    responses(
        (status = 200, description = "Updated", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
    JsonBody(changes): JsonBody<PackageChanges>,
) -> Result<Json<Success>, ApiError> {
    catalog::update_package(&state.db, &caller, &at, changes).await?;
    Ok(Json(Success::new()))
}

/// Delete a package
///
/// With its versions and files.
#[utoipa::path(
    delete,
    path = "/packages/{subject}/{repo}/{package}",
    operation_id = "deletePackage",
    tag = "packages",
    params(catalog::PackageCoord),
    responses(
        (status = 200, description = "Deleted", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
) -> Result<Json<Success>, ApiError> {
    catalog::delete_package(&state.db, &caller, &at).await?;
    Ok(Json(Success::new()))
}
