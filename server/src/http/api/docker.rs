//! `GET /api/ui/docker/:subject/:repo`: a Docker registry's address and images with their
//! tags, for the repository page and the Set Me Up dialog.

use super::extract::Path;
use app::api_types::{DockerImage, DockerRegistry, DockerTag};
use app::domain::docker;
use app::domain::repo_type::RepoType;
use axum::extract::State;
use axum::http::header::HOST;
use axum::http::HeaderMap;
use axum::Json;

use super::caller::ApiCaller;
use super::json::iso;
use crate::domain::catalog::{self, CatalogError};
use crate::http::error::ApiError;
use crate::infra::db::TagRecord;
use crate::state::AppState;

/// Wharf's host as users reach it: the public URL's, else the request's.
fn public_host(state: &AppState, headers: &HeaderMap) -> String {
    state
        .config
        .public_url
        .as_deref()
        .and_then(|u| u.split_once("://"))
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest).to_owned())
        .or_else(|| {
            headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| state.config.listen.to_string())
}

fn images(tags: Vec<TagRecord>) -> Vec<DockerImage> {
    let mut out: Vec<DockerImage> = Vec::new();
    for t in tags {
        let tag = DockerTag {
            name: t.tag,
            digest: t.manifest.digest,
            media_type: t.manifest.media_type,
            size: t.manifest.total_size,
            platforms: t.manifest.platforms,
            updated: iso(t.updated_at),
        };
        match out.last_mut() {
            Some(image) if image.package == t.package_name => image.tags.push(tag),
            _ => out.push(DockerImage {
                image: docker::package_to_image(&t.package_name),
                package: t.package_name,
                tags: vec![tag],
            }),
        }
    }
    out
}

pub async fn registry(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
    headers: HeaderMap,
) -> Result<Json<DockerRegistry>, ApiError> {
    let repo = at.repo.clone();
    let found = catalog::find_repository(&state.db, &caller, &at).await?;
    if found.repo_type != RepoType::Docker.as_str() {
        return Err(CatalogError::BadRequest(format!(
            "Repository '{repo}' is of type {}, not docker",
            found.repo_type
        ))
        .into());
    }
    // Docker wants names in lower case; Wharf finds registries in any case.
    let (subject, repo) = (
        found.owner_name.to_ascii_lowercase(),
        found.name.to_ascii_lowercase(),
    );
    let (login_host, image_prefix) = match &state.config.registry_domain {
        Some(domain) => {
            let host = docker::registry_host(&subject, &repo, domain);
            (host.clone(), host)
        }
        None => {
            let host = public_host(&state, &headers);
            (host.clone(), format!("{host}/{subject}/{repo}"))
        }
    };
    let tags = state.db.oci_repository_tags(found.id).await?;
    Ok(Json(DockerRegistry {
        login_host,
        image_prefix,
        images: images(tags),
    }))
}
