//! `/api/ui/github/repos`, `/api/ui/github/releases` (GitHub, proxied with the user's
//! token, which stays here) and `/api/ui/imports/*` (jobs, their progress as server-sent
//! events, retries).

use std::convert::Infallible;
use std::time::Duration;

use super::extract::Path;
use app::api_types::{
    GitHubRelease, GitHubReleaseList, GitHubReleases, GitHubRepo, GitHubRepoList, ImportJob,
    ImportRequest, ImportStarted, ImportTarget, RateBudget, ReleasesRequest,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, StreamExt};

use super::body::JsonBody;
use super::caller::ApiCaller;
use crate::domain::catalog::{self, Caller};
use crate::domain::import::mapping::{self, Candidate};
use crate::domain::import::{rules, ImportError, Refusal};
use crate::http::error::ApiError;
use crate::infra::github::{GitHubError, GitHubToken, RateState, RepoListOptions, Session};
use crate::state::AppState;

/// Releases asked for in one request, at most.
const MAX_RELEASE_REPOS: usize = 100;

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Registry(r) => r.into(),
            ImportError::NotLinked => ApiError::new(StatusCode::CONFLICT, e.to_string()),
            ImportError::BadRequest(_) => ApiError::bad_request(e.to_string()),
            ImportError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, e.to_string()),
            ImportError::Refused(Refusal::PrivateNotAllowed(_)) => {
                ApiError::new(StatusCode::FORBIDDEN, e.to_string())
            }
            ImportError::Refused(_) => ApiError::new(StatusCode::CONFLICT, e.to_string()),
            ImportError::Github(_) => ApiError::new(StatusCode::BAD_GATEWAY, e.to_string()),
            ImportError::Db(_) | ImportError::Sealed => ApiError::internal(e),
        }
    }
}

impl From<GitHubError> for ApiError {
    fn from(e: GitHubError) -> Self {
        // GitHub's trouble is not ours: 502, with what GitHub said in words.
        ApiError::new(StatusCode::BAD_GATEWAY, e.user_message())
    }
}

fn budget(rate: RateState) -> RateBudget {
    RateBudget {
        limit: rate.limit,
        remaining: rate.remaining,
        reset: rate.reset,
        waiting_until: rate.waiting.map(|w| w.until),
    }
}

/// The signed-in user's GitHub session, whether they may import private repositories
/// ([`crate::domain::plans::Plans::may_import_private`]), and whether the token could read private ones anyway.
async fn github_token(
    state: &AppState,
    caller: &Caller,
) -> Result<(Session, bool, bool), ApiError> {
    let user = caller.user.as_ref().ok_or_else(ApiError::unauthenticated)?;
    let link = state
        .db
        .github_link(user.id)
        .await?
        .ok_or_else(|| ApiError::from(ImportError::NotLinked))?;
    let token = state
        .secrets
        .open(&link.token_sealed)
        .map_err(ApiError::internal)?;
    Ok((
        state.github.session(GitHubToken::new(token)),
        state.plans().may_import_private(user, &link),
        rules::token_reads_private(&link),
    ))
}

/// Every repository the user can see on GitHub (owned, collaborator, organisation
/// member); private ones only for Premium users who granted access to them.
pub async fn repos(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<GitHubRepoList>, ApiError> {
    let (session, private_access, _) = github_token(&state, &caller).await?;
    let options = RepoListOptions {
        visibility: Some(if private_access { "all" } else { "public" }.to_owned()),
        affiliation: Some("owner,collaborator,organization_member".to_owned()),
        sort: Some("full_name".to_owned()),
    };
    let list = session.repos(&options).await?;
    let repos = list
        .into_iter()
        .filter(|r| private_access || !r.private)
        .map(|r| GitHubRepo {
            full_name: r.full_name,
            description: r.description,
            private: r.private,
            fork: r.fork,
            archived: r.archived,
        })
        .collect();
    Ok(Json(GitHubRepoList {
        repos,
        private_access,
        rate: budget(session.rate_state()),
    }))
}

/// The releases (or, without releases, the tags) of up to 100 repositories, fetched with
/// the client's bounded concurrency.
pub async fn releases(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    JsonBody(body): JsonBody<ReleasesRequest>,
) -> Result<Json<GitHubReleaseList>, ApiError> {
    if body.repos.len() > MAX_RELEASE_REPOS {
        return Err(ApiError::bad_request(format!(
            "Ask for the releases of at most {MAX_RELEASE_REPOS} repositories at a time"
        )));
    }
    let (session, private_access, reads_private) = github_token(&state, &caller).await?;
    // A token that still reads private repositories, for an account that may no longer
    // import them (back on Free), does not show their releases either.
    let names: Vec<&str> = body.repos.iter().map(String::as_str).collect();
    let hidden = if reads_private && !private_access {
        rules::private_among(&session, &names).await?
    } else {
        vec![]
    };
    let (hidden, shown): (Vec<String>, Vec<String>) =
        body.repos.into_iter().partition(|n| hidden.contains(n));
    // The session bounds the requests in flight; this only keeps them coming.
    let fetched: Vec<(String, Result<GitHubReleases, GitHubError>)> =
        stream::iter(shown.into_iter().map(|full_name| {
            let session = session.clone();
            async move {
                let result = releases_of(&session, &full_name).await;
                (full_name, result)
            }
        }))
        .buffer_unordered(8)
        .collect()
        .await;
    let mut answer = GitHubReleaseList {
        repos: Default::default(),
        failed: Default::default(),
        rate: RateBudget::default(),
    };
    for (name, result) in fetched {
        match result {
            Ok(r) => {
                answer.repos.insert(name, r);
            }
            Err(e) => {
                answer.failed.insert(name, e.user_message());
            }
        }
    }
    for name in hidden {
        answer
            .failed
            .insert(name, format!("private: {}", rules::PRIVATE_NEEDS_PREMIUM));
    }
    answer.rate = budget(session.rate_state());
    Ok(Json(answer))
}

async fn releases_of(session: &Session, full_name: &str) -> Result<GitHubReleases, GitHubError> {
    let (owner, name) = full_name.split_once('/').unwrap_or((full_name, ""));
    // Offered as they will be imported: one entry per tag, twins merged.
    let published = session
        .releases(owner, name)
        .await?
        .into_iter()
        .filter(|r| !r.draft)
        .map(Candidate::from)
        .collect();
    let releases: Vec<GitHubRelease> = mapping::one_per_tag(published)
        .into_iter()
        .map(|c| GitHubRelease {
            tag: c.facts.tag,
            title: c.facts.title,
            prerelease: c.facts.prerelease,
            published_at: c.facts.published_at,
            assets: c.assets.len() as u32,
        })
        .collect();
    if !releases.is_empty() {
        return Ok(GitHubReleases {
            tags_only: false,
            releases,
        });
    }
    let tags = session.tags(owner, name).await?;
    Ok(GitHubReleases {
        tags_only: true,
        releases: tags
            .into_iter()
            .map(|t| GitHubRelease {
                tag: t.name,
                title: None,
                prerelease: false,
                published_at: None,
                assets: 0,
            })
            .collect(),
    })
}

pub async fn start(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    JsonBody(request): JsonBody<ImportRequest>,
) -> Result<Response, ApiError> {
    let id = state.importer.start(&caller, &request).await?;
    Ok((StatusCode::CREATED, Json(ImportStarted { id })).into_response())
}

/// What the tree needs of the Wharf repository an import goes into: whether it is
/// private, and its packages (to show name collisions before Import). Its owner only.
pub async fn target(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
) -> Result<Json<ImportTarget>, ApiError> {
    let repo = catalog::owned_repository(&state.db, &caller, &at).await?;
    let packages = rules::existing_packages(&state.db, repo.id).await?;
    let mut imported = std::collections::BTreeMap::<String, Vec<String>>::new();
    for (from, tag) in state.db.imported_tags(repo.id).await? {
        imported.entry(from.to_lowercase()).or_default().push(tag);
    }
    Ok(Json(ImportTarget {
        private: repo.is_private,
        packages,
        imported,
    }))
}

pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<ImportJob>, ApiError> {
    Ok(Json(state.importer.job(&caller, id).await?))
}

pub async fn retry(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<ImportJob>, ApiError> {
    Ok(Json(state.importer.retry(&caller, id).await?))
}

/// The job as server-sent events: its whole state whenever it changes (at most five times
/// a second), ending once it has finished. A job this replica runs wakes the stream at
/// once; one that another replica runs is seen by reading the database every second.
pub async fn events(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // Unknown or someone else's: 404 before any stream starts.
    let first = state.importer.job(&caller, id).await?;
    let changes = state.importer.subscribe();
    let stopping = state.importer.stopping();
    let stream = stream::unfold(
        (changes, None::<String>, Some(first), false),
        move |(mut changes, last, mut next, ended)| {
            let mut stopping = stopping.clone();
            let state = state.clone();
            let caller = caller.clone();
            async move {
                if ended {
                    return None;
                }
                loop {
                    let job = match next.take() {
                        Some(job) => job,
                        None => state.importer.job(&caller, id).await.ok()?,
                    };
                    let finished = job.is_finished();
                    let json = serde_json::to_string(&job).ok()?;
                    if last.as_deref() != Some(json.as_str()) {
                        let event = Event::default().event("message").data(json.clone());
                        return Some((Ok(event), (changes, Some(json), None, finished)));
                    }
                    if finished {
                        return None;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    tokio::select! {
                        // Another replica's progress reaches the database, not this one's
                        // channel: polled each second.
                        _ = tokio::time::timeout(Duration::from_secs(1), changes.changed()) => {}
                        _ = stopping.wait_for(|s| *s) => return None,
                    }
                    if *stopping.borrow() {
                        return None;
                    }
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
