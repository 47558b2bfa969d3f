//! `/api/ui/explore`: the front page's public repositories and recently published
//! packages. The same for every caller, so nothing private can leak through it.

use app::api_types::{Explore, ExplorePackage, ExploreRepository};
use axum::extract::State;
use axum::Json;

use super::json;
use crate::http::error::ApiError;
use crate::state::AppState;

/// How many of each the front page lists.
const FRONT_PAGE_ITEMS: i64 = 12;

pub async fn explore(State(state): State<AppState>) -> Result<Json<Explore>, ApiError> {
    let repositories = state
        .db
        .explore_public_repositories(FRONT_PAGE_ITEMS)
        .await?
        .into_iter()
        .map(
            |(owner, name, repo_type, desc, package_count)| ExploreRepository {
                owner,
                name,
                repo_type,
                desc,
                package_count,
            },
        )
        .collect();
    let packages = state
        .db
        .explore_recent_packages(FRONT_PAGE_ITEMS)
        .await?
        .into_iter()
        .map(
            |(owner, repo, name, desc, version, published)| ExplorePackage {
                owner,
                repo,
                name,
                desc,
                version,
                published: json::iso(published),
            },
        )
        .collect();
    Ok(Json(Explore {
        repositories,
        packages,
    }))
}
