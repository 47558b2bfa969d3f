//! What the package, version and repository pages need beyond the Bintray objects
//! (internal, for the browser): the version list with its dates and marks, a version's
//! files with their published state, and a repository's packages with their summaries.

use super::extract::{Path, Query};
use app::api_types::{
    PackageCard, PackageCards, PackageVersions, VersionFile, VersionFiles, VersionRow,
};
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use super::caller::ApiCaller;
use super::json::{self, iso};
use crate::domain::catalog;
use crate::http::error::ApiError;
use crate::infra::db::PackageId;
use crate::state::AppState;

/// `GET /api/ui/versions/:s/:r/:p`: newest first by the latest rule, the latest one and
/// the owner's mark.
pub async fn versions(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
) -> Result<Json<PackageVersions>, ApiError> {
    let (_, package) = catalog::find_package(&state.db, &caller, &at).await?;
    let (rows, latest) = catalog::ordered_versions(&state.db, package.id).await?;
    let latest_name = latest.map(|i| rows[i].name.clone());
    // The mark is in force only when the rule honoured it (a published version).
    let pinned = latest
        .filter(|i| rows[*i].pinned)
        .map(|i| rows[i].name.clone());
    Ok(Json(PackageVersions {
        versions: rows
            .into_iter()
            .map(|r| VersionRow {
                name: r.name,
                released: r.released_at.map(iso),
                created: iso(r.created_at),
                prerelease: r.is_prerelease,
                published: r.published,
            })
            .collect(),
        latest: latest_name,
        pinned,
    }))
}

/// `GET /api/ui/files/:s/:r/:p/:v`: the version's files, unpublished ones for the owner.
pub async fn files(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
) -> Result<Json<VersionFiles>, ApiError> {
    let v = at.version.clone();
    let (repo, files) =
        catalog::list_files(&state.db, &caller, &at.package(), Some(&v), true).await?;
    Ok(Json(VersionFiles {
        files: files
            .iter()
            .map(|f| VersionFile {
                file: json::file(&repo, f),
                published: f.is_published,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct CardsQuery {
    start_pos: Option<u64>,
    start_name: Option<String>,
}

/// `GET /api/ui/packages/:s/:r`: a page of packages with description, latest version
/// and GitHub origin.
pub async fn packages(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
    Query(q): Query<CardsQuery>,
) -> Result<Json<PackageCards>, ApiError> {
    let start = i64::try_from(q.start_pos.unwrap_or(0)).unwrap_or(i64::MAX);
    let prefix = q
        .start_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let (_, page) = catalog::list_packages(&state.db, &caller, &at, start, prefix).await?;
    let web = state.config.github.web_url.trim_end_matches('/');
    let ids: Vec<PackageId> = page.items.iter().map(|p| p.id).collect();
    let mut orders = catalog::version_orders(&state.db, &ids).await?;
    let mut packages = Vec::with_capacity(page.items.len());
    for p in page.items {
        let order = orders.remove(&p.id).unwrap_or_default();
        packages.push(PackageCard {
            name: p.name,
            desc: p.description,
            latest_version: order.latest.map(|(_, name)| name),
            github_url: p.imported_from_github.as_deref().map(|full| {
                let path: Vec<String> = full
                    .split('/')
                    .map(app::domain::url::path_segment)
                    .collect();
                format!("{web}/{}", path.join("/"))
            }),
            github_origin: p.imported_from_github,
            updated: iso(p.updated_at),
        });
    }
    Ok(Json(PackageCards {
        packages,
        total: page.total.max(0) as u64,
        page_size: catalog::PAGE_SIZE as u64,
    }))
}
