//! A GitHub stand-in for tests, demos and benchmarks: the OAuth web flow and the REST
//! endpoints Wharf's importer uses, with state, in GitHub's documented shapes and headers.
//! Test tooling, kept out of the `wharf` binary: `server` has it as a dev-dependency only,
//! and it does not depend on `server`.
//!
//! Two listeners: the main one (web + API, like `github.com` and `api.github.com` at once)
//! and an asset host on a second port (like `objects.githubusercontent.com`), where
//! release-asset downloads are redirected with a signed, expiring URL.
//!
//! Main port:
//! * `GET /login/oauth/authorize` — an "Authorize <app>" page with Approve / Deny (and a
//!   choice of account); `POST` the same path carries the decision.
//! * `POST /login/oauth/access_token` — code exchange (PKCE S256), errors at HTTP 200.
//! * The REST API at the root and under `/api/v3` (GitHub Enterprise style):
//!   `GET /user`, `/user/repos`, `/repos/{o}/{r}`, `/repos/{o}/{r}/releases`,
//!   `…/releases/latest`, `…/releases/tags/{tag}`, `…/releases/{id}`,
//!   `…/releases/{id}/assets`, `…/releases/assets/{id}`, `…/tags`, `/rate_limit`;
//!   `DELETE|POST /applications/{client_id}/token`, `DELETE /applications/{client_id}/grant`.
//! * `GET /{o}/{r}/releases/download/{tag}/{name}` — browser downloads of public assets.
//!
//! Control endpoints for tests (JSON; the same operations exist on [`StandIn`]):
//! * `GET /_standin/counters`, `POST /_standin/counters/reset`
//! * `POST /_standin/faults` `{"kind": "primary"|"secondary", "status": 403|429,
//!   "count": 1, "retry_after": 2, "reset_in": 2}` — the next `count` API requests fail.
//! * `POST /_standin/rate_limit` `{"login": "octocat-demo"?, "remaining": 0, "reset_in": 5?}`
//! * `POST /_standin/tokens` `{"login": "octocat-demo", "scopes": ["repo"]}` → `{"token"}`
//! * `POST /_standin/data` — a [`DataFile`] (users, repositories, releases, tags, assets)
//! * `POST /_standin/assets/{id}/digest` `{"digest": "sha256:…" | null}`
//! * `POST /_standin/latency` `{"ms": 50}` — every API answer waits this long first.
//! * `POST /_standin/assets/direct` `{"direct": true}` — asset bytes from the API (200)
//!   instead of a redirect to the asset host.
//! * `GET /_standin/lookup/asset?owner=&repo=&tag=&name=` → `{"id"}`

mod assets;
mod control;
mod oauth;
mod rest;
mod seed;
mod shapes;
mod world;

use std::collections::{BTreeMap, VecDeque};
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use bytes::Bytes;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use seed::{
    generated, pseudo_random, AssetSpec, DataFile, ReleaseSpec, RepoSpec, SeedError, TagSpec,
    UserSpec, DEMO_ORG, DEMO_USER, SECOND_USER,
};
pub use world::{normalise_scopes, sha256_digest};

use world::{OAuthApp, Token, World};

#[derive(Clone, Debug)]
pub struct StandInConfig {
    pub client_id: String,
    pub client_secret: String,
    /// The name the authorize page shows.
    pub app_name: String,
    /// The OAuth app's registered callback URL; `None` accepts any `redirect_uri`.
    pub callback_url: Option<String>,
    /// Seed the demo accounts and repositories.
    pub demo: bool,
    /// More data, applied after the demo.
    pub data: Vec<DataFile>,
    /// `(repos, releases)` generated for the demo user (see [`generated`]).
    pub generate: Option<(usize, usize)>,
    /// Primary rate limit per account and hour.
    pub rate_limit: u64,
    /// How long an authorization code lives (GitHub: 10 minutes).
    pub code_ttl: Duration,
    /// How long a signed asset URL lives.
    pub asset_url_ttl: Duration,
    /// The asset host's base URL in redirects; default `http://<asset listener address>`.
    pub asset_public_url: Option<String>,
}

impl Default for StandInConfig {
    fn default() -> Self {
        StandInConfig {
            client_id: "wharf-demo".into(),
            client_secret: "wharf-demo-secret".into(),
            app_name: "Wharf (demo)".into(),
            callback_url: None,
            demo: true,
            data: Vec::new(),
            generate: None,
            rate_limit: 5000,
            code_ttl: Duration::from_secs(600),
            asset_url_ttl: Duration::from_secs(300),
            asset_public_url: None,
        }
    }
}

/// What the stand-in has seen, for tests and benchmarks.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counters {
    /// Every REST API request, whatever its answer.
    pub api_requests: u64,
    /// REST requests by route, e.g. `GET /repos/{owner}/{repo}/releases`.
    pub by_route: BTreeMap<String, u64>,
    /// 304 answers (these cost no budget).
    pub not_modified: u64,
    /// Requests charged to a rate-limit budget.
    pub charged: u64,
    /// 403/429 rate-limit answers (injected or real).
    pub rate_limited: u64,
    /// 401 answers.
    pub unauthorized: u64,
    /// Most REST requests in progress at once.
    pub max_in_flight: u64,
    /// Requests to the asset host, and those of them carrying an Authorization header.
    pub asset_requests: u64,
    pub asset_requests_with_authorization: u64,
    /// Asset bodies served.
    pub asset_downloads: u64,
    /// `POST /login/oauth/access_token` calls.
    pub token_requests: u64,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FaultKind {
    /// The primary limit: `x-ratelimit-remaining: 0` and a reset time.
    Primary,
    /// A secondary limit: a `retry-after` header (unless `retry_after` is null).
    Secondary,
}

/// Makes the next `count` API requests fail as GitHub's rate limits do.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Fault {
    pub kind: FaultKind,
    /// 403 or 429.
    #[serde(default = "default_fault_status")]
    pub status: u16,
    #[serde(default = "one")]
    pub count: u32,
    /// Seconds, for `retry-after` (secondary).
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Seconds until `x-ratelimit-reset` (primary; default 60).
    #[serde(default)]
    pub reset_in: Option<u64>,
}

fn default_fault_status() -> u16 {
    403
}

fn one() -> u32 {
    1
}

impl Fault {
    pub fn primary(status: u16, reset_in: u64) -> Fault {
        Fault {
            kind: FaultKind::Primary,
            status,
            count: 1,
            retry_after: None,
            reset_in: Some(reset_in),
        }
    }

    pub fn secondary(status: u16, retry_after: Option<u64>) -> Fault {
        Fault {
            kind: FaultKind::Secondary,
            status,
            count: 1,
            retry_after,
            reset_in: None,
        }
    }

    pub fn times(mut self, count: u32) -> Fault {
        self.count = count;
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StandInError {
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
    #[error("bad seed data: {0}")]
    Seed(#[from] SeedError),
}

pub(crate) struct Shared {
    world: Mutex<World>,
    counters: Mutex<Counters>,
    faults: Mutex<VecDeque<Fault>>,
    config: StandInConfig,
    asset_base: String,
    signing_key: [u8; 32],
    in_flight: AtomicU64,
    latency_ms: AtomicU64,
    direct_assets: AtomicBool,
}

/// The stand-in's state and its control API; cheap to clone.
#[derive(Clone)]
pub struct StandIn {
    shared: Arc<Shared>,
}

pub(crate) fn now_epoch() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere leaves plain data behind; keep serving it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A random token-ish string of `n` letters and digits.
pub(crate) fn random_alnum(n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| CHARS[*b as usize % CHARS.len()] as char)
        .collect()
}

impl StandIn {
    /// Builds the world. `asset_base` is the asset host's URL (`http://127.0.0.1:PORT`).
    pub fn new(config: StandInConfig, asset_base: &str) -> Result<StandIn, StandInError> {
        let mut world = World::new(config.rate_limit);
        if config.demo {
            seed::demo().apply(&mut world)?;
        }
        for data in &config.data {
            data.apply(&mut world)?;
        }
        if let Some((repos, releases)) = config.generate {
            seed::generated(repos, releases).apply(&mut world)?;
        }
        world.apps.insert(
            config.client_id.clone(),
            OAuthApp {
                client_id: config.client_id.clone(),
                client_secret: config.client_secret.clone(),
                name: config.app_name.clone(),
                callback_url: config.callback_url.clone(),
            },
        );
        let mut signing_key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut signing_key);
        let asset_base = config
            .asset_public_url
            .clone()
            .unwrap_or_else(|| asset_base.to_owned())
            .trim_end_matches('/')
            .to_owned();
        Ok(StandIn {
            shared: Arc::new(Shared {
                world: Mutex::new(world),
                counters: Mutex::default(),
                faults: Mutex::default(),
                config,
                asset_base,
                signing_key,
                in_flight: AtomicU64::new(0),
                latency_ms: AtomicU64::new(0),
                direct_assets: AtomicBool::new(false),
            }),
        })
    }

    /// Binds 127.0.0.1:0 twice (main + asset host) and serves until the handle is dropped
    /// or [`StandInHandle::shutdown`] is called.
    pub async fn start(config: StandInConfig) -> Result<StandInHandle, StandInError> {
        let main = TcpListener::bind("127.0.0.1:0").await?;
        let asset = TcpListener::bind("127.0.0.1:0").await?;
        StandIn::start_on(config, main, asset).await
    }

    /// Serves on listeners the caller bound.
    pub async fn start_on(
        config: StandInConfig,
        main: TcpListener,
        asset: TcpListener,
    ) -> Result<StandInHandle, StandInError> {
        let main_addr = main.local_addr()?;
        let asset_addr = asset.local_addr()?;
        let standin = StandIn::new(config, &format!("http://{asset_addr}"))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(standin.clone().serve(main, asset, async move {
            let _ = stopped.await;
        }));
        let web_url = format!("http://{main_addr}");
        Ok(StandInHandle {
            api_url: web_url.clone(),
            api_v3_url: format!("{web_url}/api/v3"),
            asset_url: standin.shared.asset_base.clone(),
            web_url,
            main_addr,
            asset_addr,
            standin,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Answers on both listeners until `shutdown` completes.
    pub async fn serve(
        self,
        main: TcpListener,
        asset: TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (tx, rx) = tokio::sync::watch::channel(false);
        let mut rx2 = rx.clone();
        let mut rx1 = rx;
        let main_server = axum::serve(main, self.router()).with_graceful_shutdown(async move {
            let _ = rx1.wait_for(|stop| *stop).await;
        });
        let asset_server =
            axum::serve(asset, self.asset_router()).with_graceful_shutdown(async move {
                let _ = rx2.wait_for(|stop| *stop).await;
            });
        tokio::spawn(async move {
            shutdown.await;
            let _ = tx.send(true);
        });
        let (a, b) = tokio::join!(main_server.into_future(), asset_server.into_future());
        a.and(b)
    }

    /// The main port's routes: OAuth, the REST API (root and `/api/v3`), control.
    pub fn router(&self) -> Router {
        let api = rest::routes().merge(oauth::api_routes());
        Router::new()
            .merge(oauth::web_routes())
            .merge(assets::web_routes())
            .merge(control::routes())
            .nest("/api/v3", api.clone())
            .merge(api)
            .with_state(self.clone())
    }

    /// The asset host's routes.
    pub fn asset_router(&self) -> Router {
        assets::host_routes().with_state(self.clone())
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.shared.world)
    }

    pub(crate) fn counters_mut(&self) -> MutexGuard<'_, Counters> {
        lock(&self.shared.counters)
    }

    pub(crate) fn take_fault(&self) -> Option<Fault> {
        let mut faults = lock(&self.shared.faults);
        let front = faults.front_mut()?;
        let fault = front.clone();
        front.count = front.count.saturating_sub(1);
        if front.count == 0 {
            faults.pop_front();
        }
        Some(fault)
    }

    pub(crate) fn latency(&self) -> Duration {
        Duration::from_millis(self.shared.latency_ms.load(Ordering::Relaxed))
    }

    /// Counts a request in progress until the guard drops.
    pub(crate) fn enter(&self) -> InFlight<'_> {
        let now = self.shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let mut c = self.counters_mut();
        c.max_in_flight = c.max_in_flight.max(now);
        InFlight(&self.shared.in_flight)
    }

    // ---- Control API (also reachable over HTTP under /_standin/) ----

    /// Issues a token for an account as if it had gone through OAuth (scopes normalised).
    pub fn issue_token(&self, login: &str, scopes: &[&str]) -> Option<String> {
        let mut w = self.world();
        let user_id = w.account(login)?.id;
        let token = format!("gho_{}", random_alnum(36));
        let id = w.next_id();
        w.tokens.insert(
            token.clone(),
            Token {
                id,
                user_id,
                scopes: normalise_scopes(&scopes.join(" ")),
                client_id: Some(self.shared.config.client_id.clone()),
                created_at: now_epoch(),
            },
        );
        Some(token)
    }

    /// Whether a token is still accepted.
    pub fn token_is_valid(&self, token: &str) -> bool {
        self.world().tokens.contains_key(token)
    }

    pub fn counters(&self) -> Counters {
        self.counters_mut().clone()
    }

    pub fn reset_counters(&self) {
        *self.counters_mut() = Counters::default();
    }

    pub fn inject_fault(&self, fault: Fault) {
        if fault.count > 0 {
            lock(&self.shared.faults).push_back(fault);
        }
    }

    /// Sets the remaining budget of one account (or every account and the anonymous
    /// caller when `login` is `None`); `reset_in` moves the window's end.
    pub fn set_budget(&self, login: Option<&str>, remaining: u64, reset_in: Option<u64>) -> bool {
        let mut w = self.world();
        let now = now_epoch();
        let keys: Vec<u64> = match login {
            Some(l) => match w.account(l) {
                Some(a) => vec![a.id],
                None => return false,
            },
            None => std::iter::once(0)
                .chain(w.accounts.iter().map(|a| a.id))
                .collect(),
        };
        for key in keys {
            let budget = w.budget(key, now);
            budget.remaining = remaining.min(budget.limit);
            if let Some(s) = reset_in {
                budget.reset = now + s as i64;
            }
        }
        true
    }

    pub fn add_data(&self, data: &DataFile) -> Result<(), SeedError> {
        data.apply(&mut self.world())
    }

    /// Changes the digest an asset advertises (the bytes stay). `false`: no such asset.
    pub fn set_asset_digest(&self, asset_id: u64, digest: Option<String>) -> bool {
        match self.world().asset_mut(asset_id) {
            Some(a) => {
                a.digest = digest;
                true
            }
            None => false,
        }
    }

    /// Every REST answer first waits this long (to observe concurrency).
    pub fn set_latency(&self, latency: Duration) {
        self.shared
            .latency_ms
            .store(latency.as_millis() as u64, Ordering::Relaxed);
    }

    /// Makes `Accept: application/octet-stream` answer with the bytes (200) instead of a
    /// redirect; GitHub documents both.
    pub fn set_direct_asset_downloads(&self, direct: bool) {
        self.shared.direct_assets.store(direct, Ordering::Relaxed);
    }

    pub(crate) fn direct_asset_downloads(&self) -> bool {
        self.shared.direct_assets.load(Ordering::Relaxed)
    }

    pub fn release_id(&self, owner: &str, repo: &str, tag: &str) -> Option<u64> {
        let w = self.world();
        let r = &w.repos[w.repo_index(owner, repo)?];
        r.releases
            .iter()
            .find(|rel| rel.tag_name == tag)
            .map(|rel| rel.id)
    }

    pub fn asset_id(&self, owner: &str, repo: &str, tag: &str, name: &str) -> Option<u64> {
        let w = self.world();
        let r = &w.repos[w.repo_index(owner, repo)?];
        r.releases
            .iter()
            .find(|rel| rel.tag_name == tag)?
            .assets
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.id)
    }

    /// An asset's stored bytes and advertised digest.
    pub fn asset_content(&self, asset_id: u64) -> Option<(Bytes, Option<String>)> {
        let w = self.world();
        let (_, _, a) = w.asset(asset_id)?;
        Some((a.bytes.clone(), a.digest.clone()))
    }

    /// The client id and secret the stand-in accepts.
    pub fn client_credentials(&self) -> (String, String) {
        (
            self.shared.config.client_id.clone(),
            self.shared.config.client_secret.clone(),
        )
    }
}

pub(crate) struct InFlight<'a>(&'a AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running stand-in; stops when dropped. Derefs to [`StandIn`] for the control API.
pub struct StandInHandle {
    /// The web root (OAuth pages): `http://127.0.0.1:PORT`.
    pub web_url: String,
    /// The API root, github.com style (same port as the web root).
    pub api_url: String,
    /// The API root, GitHub Enterprise style: `{web_url}/api/v3`.
    pub api_v3_url: String,
    /// The asset host's root (second port).
    pub asset_url: String,
    pub main_addr: SocketAddr,
    pub asset_addr: SocketAddr,
    standin: StandIn,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl std::ops::Deref for StandInHandle {
    type Target = StandIn;

    fn deref(&self) -> &StandIn {
        &self.standin
    }
}

impl StandInHandle {
    pub fn standin(&self) -> &StandIn {
        &self.standin
    }

    /// Stops both listeners and waits for them.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }
}

impl Drop for StandInHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
