//! The client proper: requests with GitHub's headers, the ETag cache, rate-limit waits,
//! the per-token concurrency bound, and the typed calls the importer makes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderValue, ACCEPT, ETAG, IF_NONE_MATCH, LINK};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use super::cache::{CachedPage, EtagCache};
use super::error::GitHubError;
use super::links::next_link;
use super::models::{Release, ReleaseAsset, Repository, Tag, User};
use super::rate_limit::{wait_for, RateLimitPolicy, RateState, Waiting};
use super::token::{GitHubToken, TokenKey};
use super::{API_VERSION, GITHUB_API};

const JSON: &str = "application/vnd.github+json";

#[derive(Clone, Debug)]
pub struct GitHubClientOptions {
    /// `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server.
    pub api_base: String,
    pub user_agent: String,
    pub connect_timeout: Duration,
    /// The whole of one API request, body included.
    pub request_timeout: Duration,
    /// Asset downloads have no overall limit (files can be large), only this much
    /// silence between two reads.
    pub download_read_timeout: Duration,
    /// Requests in flight at once per token (GitHub advises few; secondary limits
    /// punish bursts).
    pub max_concurrency: usize,
    /// ETag cache entries (one per token and URL).
    pub cache_entries: usize,
    pub rate_limit: RateLimitPolicy,
}

impl Default for GitHubClientOptions {
    fn default() -> Self {
        GitHubClientOptions {
            api_base: GITHUB_API.into(),
            user_agent: format!("Wharf/{}", env!("CARGO_PKG_VERSION")),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            download_read_timeout: Duration::from_secs(60),
            max_concurrency: 4,
            cache_entries: 10_000,
            rate_limit: RateLimitPolicy::default(),
        }
    }
}

/// What the client has sent, for benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Requests sent to the API (retries and 304s included; asset storage not).
    pub requests: u64,
    /// 304 answers served from the ETag cache.
    pub not_modified: u64,
    /// Rate-limit answers (403/429) met.
    pub rate_limited: u64,
    /// Requests to asset storage after a redirect.
    pub asset_redirects: u64,
}

#[derive(Default)]
struct Counts {
    requests: AtomicU64,
    not_modified: AtomicU64,
    rate_limited: AtomicU64,
    asset_redirects: AtomicU64,
}

/// Per token: its rate-limit state and its concurrency bound.
struct TokenState {
    rate: watch::Sender<RateState>,
    permits: Arc<Semaphore>,
    waiters: AtomicUsize,
}

struct Inner {
    config: GitHubClientOptions,
    api_base: String,
    /// API calls: follows redirects (GitHub moves renamed repositories with 301); reqwest
    /// drops Authorization when a redirect changes host or port.
    http: reqwest::Client,
    /// The asset API call, whose redirect is followed by hand.
    http_no_redirect: reqwest::Client,
    /// Asset storage: never given a token.
    download: reqwest::Client,
    cache: EtagCache,
    tokens: Mutex<HashMap<TokenKey, Arc<TokenState>>>,
    counts: Counts,
}

/// The shared client; cheap to clone.
#[derive(Clone)]
pub struct GitHubClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for GitHubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHubClient")
            .field("api_base", &self.inner.api_base)
            .finish_non_exhaustive()
    }
}

/// Query options for `GET /user/repos` (GitHub's defaults when `None`).
#[derive(Clone, Debug, Default)]
pub struct RepoListOptions {
    /// `all`, `public` or `private`.
    pub visibility: Option<String>,
    /// Comma list of `owner`, `collaborator`, `organization_member`.
    pub affiliation: Option<String>,
    /// `created`, `updated`, `pushed` or `full_name`.
    pub sort: Option<String>,
}

fn epoch_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

fn seg(s: &str) -> String {
    app::domain::url::path_segment(s)
}

impl GitHubClient {
    pub fn new(config: GitHubClientOptions) -> Result<GitHubClient, GitHubError> {
        let api_base = config.api_base.trim_end_matches('/').to_owned();
        reqwest::Url::parse(&api_base)
            .map_err(|e| GitHubError::Config(format!("API base URL {api_base:?}: {e}")))?;
        let build = |redirects: bool, overall: Option<Duration>| {
            let mut b = reqwest::Client::builder()
                .user_agent(config.user_agent.clone())
                .connect_timeout(config.connect_timeout);
            b = match overall {
                Some(t) => b.timeout(t),
                None => b.read_timeout(config.download_read_timeout),
            };
            if !redirects {
                b = b.redirect(reqwest::redirect::Policy::none());
            }
            b.build()
                .map_err(|e| GitHubError::Config(format!("HTTP client: {e}")))
        };
        Ok(GitHubClient {
            inner: Arc::new(Inner {
                http: build(true, Some(config.request_timeout))?,
                http_no_redirect: build(false, Some(config.request_timeout))?,
                download: build(true, None)?,
                cache: EtagCache::new(config.cache_entries),
                tokens: Mutex::default(),
                counts: Counts::default(),
                api_base,
                config,
            }),
        })
    }

    pub fn api_base(&self) -> &str {
        &self.inner.api_base
    }

    fn token_state(&self, token: &GitHubToken) -> Arc<TokenState> {
        let mut tokens = self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .entry(token.key())
            .or_insert_with(|| {
                Arc::new(TokenState {
                    rate: watch::Sender::new(RateState::default()),
                    permits: Arc::new(Semaphore::new(self.inner.config.max_concurrency.max(1))),
                    waiters: AtomicUsize::new(0),
                })
            })
            .clone()
    }

    /// One token's view of the client. Sessions of the same token share its rate-limit
    /// state and concurrency bound.
    pub fn session(&self, token: GitHubToken) -> Session {
        Session {
            state: self.token_state(&token),
            client: self.clone(),
            token,
        }
    }

    /// The last known budget of a token (`None` before its first request).
    pub fn rate_state_for(&self, token: &GitHubToken) -> Option<RateState> {
        let tokens = self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.get(&token.key()).map(|s| s.rate.borrow().clone())
    }

    pub fn counts(&self) -> RequestCounts {
        let c = &self.inner.counts;
        RequestCounts {
            requests: c.requests.load(Ordering::Relaxed),
            not_modified: c.not_modified.load(Ordering::Relaxed),
            rate_limited: c.rate_limited.load(Ordering::Relaxed),
            asset_redirects: c.asset_redirects.load(Ordering::Relaxed),
        }
    }

    pub fn reset_counts(&self) {
        let c = &self.inner.counts;
        for a in [
            &c.requests,
            &c.not_modified,
            &c.rate_limited,
            &c.asset_redirects,
        ] {
            a.store(0, Ordering::Relaxed);
        }
    }

    /// Revokes one OAuth token: `DELETE /applications/{client_id}/token` with the app's
    /// credentials. A token GitHub no longer knows counts as revoked.
    pub async fn revoke_token(
        &self,
        client_id: &str,
        client_secret: &str,
        token: &GitHubToken,
    ) -> Result<(), GitHubError> {
        let url = format!(
            "{}/applications/{}/token",
            self.inner.api_base,
            seg(client_id)
        );
        self.inner.counts.requests.fetch_add(1, Ordering::Relaxed);
        let res = self
            .inner
            .http
            .delete(url)
            .header(ACCEPT, JSON)
            .header("X-GitHub-Api-Version", API_VERSION)
            .basic_auth(client_id, Some(client_secret))
            .json(&serde_json::json!({ "access_token": token.expose() }))
            .send()
            .await
            .map_err(GitHubError::transport)?;
        match res.status() {
            s if s.is_success() => Ok(()),
            StatusCode::NOT_FOUND => Ok(()),
            s => {
                let body = res.bytes().await.unwrap_or_default();
                Err(GitHubError::from_status(s.as_u16(), &body, "the token"))
            }
        }
    }

    pub(crate) fn download_client(&self) -> &reqwest::Client {
        &self.inner.download
    }

    pub(crate) fn count_asset_redirect(&self) {
        self.inner
            .counts
            .asset_redirects
            .fetch_add(1, Ordering::Relaxed);
    }
}

/// One page of a listing.
struct Page {
    body: Bytes,
    next: Option<String>,
}

/// One token's calls.
#[derive(Clone)]
pub struct Session {
    client: GitHubClient,
    token: GitHubToken,
    state: Arc<TokenState>,
}

/// Leaves the "waiting" state when the last waiter of a token is done.
struct WaitGuard<'a>(&'a TokenState);

impl Drop for WaitGuard<'_> {
    fn drop(&mut self) {
        if self.0.waiters.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.rate.send_modify(|s| s.waiting = None);
        }
    }
}

impl Session {
    pub fn client(&self) -> &GitHubClient {
        &self.client
    }

    /// The token's budget as of GitHub's last answer, and any wait in progress.
    pub fn rate_state(&self) -> RateState {
        self.state.rate.borrow().clone()
    }

    /// Changes of [`Session::rate_state`], e.g. to show "waiting until …" while it lasts.
    pub fn watch_rate(&self) -> watch::Receiver<RateState> {
        self.state.rate.subscribe()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.client.inner.api_base)
    }

    /// Waits (showing it) for `wait`, unless that would pass `max_wait` in total.
    async fn wait(
        &self,
        wait: Duration,
        reason: super::WaitReason,
        waited: &mut Duration,
    ) -> Result<(), GitHubError> {
        let policy = &self.client.inner.config.rate_limit;
        let until = (epoch_ms() + wait.as_millis() as i64 + 999) / 1000;
        if *waited + wait > policy.max_wait {
            return Err(GitHubError::RateLimited { until, reason });
        }
        self.state.waiters.fetch_add(1, Ordering::SeqCst);
        let _guard = WaitGuard(&self.state);
        self.state
            .rate
            .send_modify(|s| s.waiting = Some(Waiting { until, reason }));
        tracing::info!(
            wait_ms = wait.as_millis() as u64,
            ?reason,
            "GitHub rate limit: waiting"
        );
        tokio::time::sleep(wait).await;
        *waited += wait;
        Ok(())
    }

    /// Sends one request through the concurrency bound, waiting out rate limits.
    /// Success, 304 and redirects come back with the permit still held.
    async fn execute(
        &self,
        method: Method,
        url: &str,
        accept: &str,
        etag: Option<&str>,
        follow_redirects: bool,
    ) -> Result<(reqwest::Response, OwnedSemaphorePermit), GitHubError> {
        let inner = &self.client.inner;
        let policy = &inner.config.rate_limit;
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        loop {
            // A spent budget is waited out before asking again (`/rate_limit` is free).
            let known = self.rate_state();
            let free = url_path(url).ends_with("/rate_limit");
            if let (Some(0), Some(reset), false) = (known.remaining, known.reset, free) {
                let ms = reset * 1000 - epoch_ms();
                if ms > 0 {
                    self.wait(
                        Duration::from_millis(ms as u64),
                        super::WaitReason::PrimaryLimit,
                        &mut waited,
                    )
                    .await?;
                }
            }
            let permit = self
                .state
                .permits
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| GitHubError::Config("client closed".into()))?;
            let http = if follow_redirects {
                &inner.http
            } else {
                &inner.http_no_redirect
            };
            let mut req = http
                .request(method.clone(), url)
                .header(ACCEPT, accept)
                .header("X-GitHub-Api-Version", API_VERSION)
                .bearer_auth(self.token.expose());
            if let Some(tag) = etag.and_then(|t| HeaderValue::from_str(t).ok()) {
                req = req.header(IF_NONE_MATCH, tag);
            }
            inner.counts.requests.fetch_add(1, Ordering::Relaxed);
            let res = req.send().await.map_err(GitHubError::transport)?;
            self.state.rate.send_modify(|s| s.update(res.headers()));
            let status = res.status();
            if status == StatusCode::FORBIDDEN || status == StatusCode::TOO_MANY_REQUESTS {
                let headers = res.headers().clone();
                let body = res.bytes().await.unwrap_or_default();
                drop(permit);
                let Some((wait, reason)) = wait_for(
                    status.as_u16(),
                    &headers,
                    &body,
                    epoch_ms(),
                    attempt,
                    policy,
                ) else {
                    return Err(GitHubError::from_status(
                        status.as_u16(),
                        &body,
                        url_path(url),
                    ));
                };
                inner.counts.rate_limited.fetch_add(1, Ordering::Relaxed);
                if attempt >= policy.max_retries {
                    let until = (epoch_ms() + wait.as_millis() as i64) / 1000;
                    return Err(GitHubError::RateLimited { until, reason });
                }
                self.wait(wait, reason, &mut waited).await?;
                attempt += 1;
                continue;
            }
            return Ok((res, permit));
        }
    }

    /// GET through the ETag cache.
    async fn get_page(&self, url: &str) -> Result<Page, GitHubError> {
        let inner = &self.client.inner;
        let key = self.token.key();
        let cached = inner.cache.get(key, url);
        let (res, permit) = self
            .execute(
                Method::GET,
                url,
                JSON,
                cached.as_ref().map(|c| c.etag.as_str()),
                true,
            )
            .await?;
        let status = res.status();
        if status == StatusCode::NOT_MODIFIED {
            inner.counts.not_modified.fetch_add(1, Ordering::Relaxed);
            return match cached {
                Some(c) => Ok(Page {
                    next: c.link.as_deref().and_then(next_link),
                    body: c.body,
                }),
                None => Err(GitHubError::Decode {
                    what: url_path(url).to_owned(),
                    detail: "304 without a cached answer".into(),
                }),
            };
        }
        let header = |name| {
            res.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header(ETAG);
        let link = header(LINK);
        let body = res.bytes().await.map_err(GitHubError::transport)?;
        drop(permit);
        if !status.is_success() {
            return Err(GitHubError::from_status(
                status.as_u16(),
                &body,
                url_path(url),
            ));
        }
        if let Some(etag) = etag {
            inner.cache.put(
                key,
                url,
                CachedPage {
                    etag,
                    body: body.clone(),
                    link: link.clone(),
                },
            );
        }
        Ok(Page {
            next: link.as_deref().and_then(next_link),
            body,
        })
    }

    fn decode<T: DeserializeOwned>(url: &str, body: &[u8]) -> Result<T, GitHubError> {
        serde_json::from_slice(body).map_err(|e| GitHubError::Decode {
            what: url_path(url).to_owned(),
            detail: e.to_string(),
        })
    }

    /// GET one resource (`path` from the API root, e.g. `/user`).
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, GitHubError> {
        let url = self.url(path);
        let page = self.get_page(&url).await?;
        Self::decode(&url, &page.body)
    }

    /// Every item of a listing: asks for 100 per page and follows `rel="next"`.
    pub async fn list_all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, GitHubError> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = Some(self.url(&format!("{path}{sep}per_page=100")));
        let mut all = Vec::new();
        while let Some(u) = url {
            let page = self.get_page(&u).await?;
            all.extend(Self::decode::<Vec<T>>(&u, &page.body)?);
            url = page.next;
        }
        Ok(all)
    }

    /// The signed-in user and the token's scopes (`X-OAuth-Scopes`); never cached, so
    /// it re-checks the identity as GitHub advises after each sign-in.
    pub async fn user_and_scopes(&self) -> Result<(User, Vec<String>), GitHubError> {
        let url = self.url("/user");
        let (res, permit) = self.execute(Method::GET, &url, JSON, None, true).await?;
        let status = res.status();
        let scopes = res
            .headers()
            .get("x-oauth-scopes")
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let body = res.bytes().await.map_err(GitHubError::transport)?;
        drop(permit);
        if !status.is_success() {
            return Err(GitHubError::from_status(status.as_u16(), &body, "/user"));
        }
        Ok((Self::decode(&url, &body)?, scopes))
    }

    pub async fn user(&self) -> Result<User, GitHubError> {
        self.get_json("/user").await
    }

    /// `GET /user/repos`, every page.
    pub async fn repos(&self, options: &RepoListOptions) -> Result<Vec<Repository>, GitHubError> {
        // The serializer is not Send: build the query before the first await.
        let q = {
            let mut q = form_urlencoded::Serializer::new(String::new());
            for (k, v) in [
                ("visibility", &options.visibility),
                ("affiliation", &options.affiliation),
                ("sort", &options.sort),
            ] {
                if let Some(v) = v {
                    q.append_pair(k, v);
                }
            }
            q.finish()
        };
        let path = if q.is_empty() {
            "/user/repos".to_owned()
        } else {
            format!("/user/repos?{q}")
        };
        self.list_all(&path).await
    }

    pub async fn repo(&self, owner: &str, name: &str) -> Result<Repository, GitHubError> {
        self.get_json(&format!("/repos/{}/{}", seg(owner), seg(name)))
            .await
    }

    /// Every release (drafts only if the token may push).
    pub async fn releases(&self, owner: &str, name: &str) -> Result<Vec<Release>, GitHubError> {
        self.list_all(&format!("/repos/{}/{}/releases", seg(owner), seg(name)))
            .await
    }

    pub async fn latest_release(&self, owner: &str, name: &str) -> Result<Release, GitHubError> {
        self.get_json(&format!(
            "/repos/{}/{}/releases/latest",
            seg(owner),
            seg(name)
        ))
        .await
    }

    pub async fn release_by_tag(
        &self,
        owner: &str,
        name: &str,
        tag: &str,
    ) -> Result<Release, GitHubError> {
        self.get_json(&format!(
            "/repos/{}/{}/releases/tags/{}",
            seg(owner),
            seg(name),
            seg(tag)
        ))
        .await
    }

    /// Every asset of a release (a release body lists them too; this pages past its cap).
    pub async fn release_assets(
        &self,
        owner: &str,
        name: &str,
        release_id: u64,
    ) -> Result<Vec<ReleaseAsset>, GitHubError> {
        self.list_all(&format!(
            "/repos/{}/{}/releases/{release_id}/assets",
            seg(owner),
            seg(name)
        ))
        .await
    }

    pub async fn tags(&self, owner: &str, name: &str) -> Result<Vec<Tag>, GitHubError> {
        self.list_all(&format!("/repos/{}/{}/tags", seg(owner), seg(name)))
            .await
    }

    /// Asks `GET /rate_limit` (free of charge) and returns the updated state.
    pub async fn refresh_rate_limit(&self) -> Result<RateState, GitHubError> {
        let url = self.url("/rate_limit");
        let (res, permit) = self.execute(Method::GET, &url, JSON, None, true).await?;
        let status = res.status();
        let body = res.bytes().await.map_err(GitHubError::transport)?;
        drop(permit);
        if !status.is_success() {
            return Err(GitHubError::from_status(
                status.as_u16(),
                &body,
                "/rate_limit",
            ));
        }
        Ok(self.rate_state())
    }

    /// The asset API call (`Accept: application/octet-stream`, not following redirects).
    pub(crate) async fn asset_request(
        &self,
        asset_url: &str,
    ) -> Result<(reqwest::Response, OwnedSemaphorePermit), GitHubError> {
        self.execute(
            Method::GET,
            asset_url,
            "application/octet-stream",
            None,
            false,
        )
        .await
    }
}

/// The path of a URL, to name a resource in errors (never a query: signatures live there).
fn url_path(url: &str) -> &str {
    let without_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = without_scheme
        .find('/')
        .map(|i| &without_scheme[i..])
        .unwrap_or("/");
    path.split('?').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_drop_host_and_query() {
        assert_eq!(url_path("https://h:1/repos/a/b?sig=x"), "/repos/a/b");
        assert_eq!(url_path("https://h"), "/");
    }

    #[test]
    fn a_bad_base_url_is_a_config_error() {
        let e = GitHubClient::new(GitHubClientOptions {
            api_base: "not a url".into(),
            ..GitHubClientOptions::default()
        })
        .err()
        .unwrap();
        assert!(matches!(e, GitHubError::Config(_)));
    }
}
