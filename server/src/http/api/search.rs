//! `/search/packages`, `/search/file` and `/users/:user`: public things only.

use super::extract::{Path, Query};
use app::api_types::{File, Package};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::caller::ApiCaller;
use super::json;
use super::openapi_responses::{ReadErrors, SearchErrors};
use crate::domain::catalog::{self, PAGE_SIZE};
use crate::http::error::ApiError;
use crate::infra::db::{FileSearch, RepositoryRecord};
use crate::state::AppState;

/// The `subject` filter in the form names are compared in (see `SubjectName::key`).
fn subject_key(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_ascii_lowercase)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PackageSearch {
    /// Part of the package's name.
    name: Option<String>,
    /// Part of its description.
    desc: Option<String>,
    /// Only this user's packages (exact).
    subject: Option<String>,
    /// Only packages in repositories of this name (exact).
    repo: Option<String>,
}

/// Search packages
///
/// Public packages only, whoever asks; at least one of the parameters.
#[utoipa::path(
    get,
    path = "/search/packages",
    operation_id = "searchPackages",
    tag = "search",
    params(PackageSearch),
    responses(
        (status = 200, description = "The packages found", body = Vec<Package>),
        SearchErrors,
    ),
    security(())
)]
pub async fn packages(
    State(state): State<AppState>,
    Query(q): Query<PackageSearch>,
) -> Result<Json<Vec<Package>>, ApiError> {
    let query = catalog::PackageQuery {
        name: q.name.as_deref(),
        desc: q.desc.as_deref(),
        subject: q.subject.as_deref(),
        repo: q.repo.as_deref(),
    };
    let out = catalog::search_public_packages(&state.db, &query)
        .await?
        .into_iter()
        .map(|f| json::package_with(&f.repository, &f.package, &[], false, f.versions))
        .collect();
    Ok(Json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileSearchQuery {
    /// The file's name; `*` and `?` are wildcards.
    name: Option<String>,
    /// The file's SHA-1.
    sha1: Option<String>,
    /// Only this user's files (exact).
    subject: Option<String>,
    /// Only files in repositories of this name (exact).
    repo: Option<String>,
    /// Skip this many results (pages of 50).
    start_pos: Option<i64>,
}

/// Search files
///
/// Published files in public repositories, by name or SHA-1, in pages of 50 with
/// Bintray's `X-RangeLimit-*` headers.
#[utoipa::path(
    get,
    path = "/search/file",
    operation_id = "searchFiles",
    tag = "search",
    params(FileSearchQuery),
    responses(
        (status = 200, description = "One page of files", body = Vec<File>, headers(
            ("X-RangeLimit-Total" = i64, description = "Files in all pages"),
            ("X-RangeLimit-StartPos" = i64, description = "The first one's position"),
            ("X-RangeLimit-EndPos" = i64, description = "The last one's position"),
        )),
        SearchErrors,
    ),
    security(())
)]
pub async fn files(
    State(state): State<AppState>,
    Query(q): Query<FileSearchQuery>,
) -> Result<(HeaderMap, Json<Vec<File>>), ApiError> {
    let name = q.name.as_deref().filter(|s| !s.is_empty());
    let sha1 = q.sha1.as_deref().filter(|s| !s.is_empty());
    if name.is_none() && sha1.is_none() {
        return Err(ApiError::bad_request("Search needs 'name' or 'sha1'"));
    }
    let subject = subject_key(q.subject.as_deref());
    let start = q.start_pos.unwrap_or(0).max(0);
    let (found, total) = state
        .db
        .search_public_files(&FileSearch {
            name_glob: name,
            sha1,
            subject_key: subject.as_deref(),
            repo: q.repo.as_deref().filter(|s| !s.is_empty()),
            offset: start,
            limit: PAGE_SIZE,
        })
        .await?;
    let mut headers = HeaderMap::new();
    let count = found.len() as i64;
    headers.insert("x-rangelimit-total", HeaderValue::from(total));
    headers.insert("x-rangelimit-startpos", HeaderValue::from(start));
    headers.insert(
        "x-rangelimit-endpos",
        HeaderValue::from(if count == 0 { start } else { start + count - 1 }),
    );
    let body = found
        .into_iter()
        .map(|(owner, repo, f)| File {
            name: f.name,
            path: f.path,
            package: f.package_name,
            version: f.version_name,
            repo,
            owner,
            created: json::iso(f.created_at),
            size: f.size,
            sha1: f.sha1,
            sha256: f.sha256,
        })
        .collect();
    Ok((headers, Json(body)))
}

/// `GET /users/:user`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = User)]
pub struct UserJson {
    name: String,
    full_name: Option<String>,
    gravatar_id: Option<String>,
    repos: Vec<String>,
    organizations: Vec<String>,
    followers_count: i64,
    registered: String,
}

/// Get a user
///
/// `repos` lists the repositories the caller may see.
#[utoipa::path(
    get,
    path = "/users/{user}",
    operation_id = "getUser",
    tag = "users",
    params(("user" = String, Path, description = "The user's name")),
    responses(
        (status = 200, description = "The user", body = UserJson),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn user(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(name): Path<String>,
) -> Result<Json<UserJson>, ApiError> {
    let repos: Vec<RepositoryRecord> =
        catalog::list_repositories(&state.db, &caller, &name).await?;
    let user = catalog::find_subject(&state.db, &name).await?;
    Ok(Json(UserJson {
        name: user.name,
        full_name: None,
        gravatar_id: None,
        repos: repos.into_iter().map(|r| r.name).collect(),
        organizations: Vec::new(),
        followers_count: 0,
        registered: json::iso(user.created_at),
    }))
}
