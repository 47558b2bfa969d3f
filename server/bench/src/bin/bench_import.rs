//! `bench-import`: one import job of every repository of a GitHub user with 500
//! repositories × 20 releases (10,000 releases), from an in-process stand-in into an
//! in-process Wharf on loopback, started over Wharf's HTTP API as the browser does.
//!
//! 1. Metadata only (`with_assets: false`): wall time from `POST /api/ui/imports` to the
//!    job's end, releases/s, GitHub requests used, peak RSS.
//! 2. The same import again (idempotent: everything updated in place, nothing new).
//! 3. With assets (one small file per release) into a fresh repository, as extra
//!    information; `BENCH_ASSETS=0` skips it.
//!
//! The account is created with `accounts::create_user` and its GitHub link is written
//! straight into the database with a token the stand-in issued (sealed with the server's
//! key), instead of clicking through the OAuth pages; every call after that is HTTP with
//! the account's API key. The stand-in runs in the same process, so the peak RSS figure
//! covers both (it holds the 10,000 generated releases in memory).
//!
//! On SQLite and local disk, and also on PostgreSQL and an S3 store when
//! `BENCH_DATABASE_URL` (an empty database) and `BENCH_BLOB_STORE` (`s3://BUCKET/PREFIX`,
//! with `WHARF_S3_ENDPOINT` and the AWS variables) are set, as `scripts/bench-import.sh`
//! does: the imports of step 1 alternate the two for `BENCH_ROUNDS` rounds, each into a
//! fresh repository, and the PostgreSQL / SQLite ratio of their median is printed.
//!
//! Scale with BENCH_REPOS, BENCH_RELEASES and BENCH_ROUNDS.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use app::api_types::{ImportJob, ImportStarted};
use github_standin::{StandIn, StandInConfig, StandInHandle, DEMO_USER};
use serde_json::{json, Value};
use server::infra::config::{Config, GitHubSettings};
use server::infra::db::GitHubIdentity;
use server::infra::github::{GitHubToken, User};
use server::state::AppState;

const USER: &str = "bench";
const PASSWORD: &str = "bench-password-123";
/// How often the end of a job is looked for (a one-row query).
const POLL: Duration = Duration::from_millis(20);

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// This process's peak and current resident set size in MiB (Linux), if readable.
fn rss_mib() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

fn rss_text() -> String {
    match rss_mib() {
        Some((peak, now)) => format!("peak RSS {peak:.0} MiB (now {now:.0} MiB)"),
        None => "RSS not readable here".to_owned(),
    }
}

struct Bench<'a> {
    label: &'static str,
    gh: &'a StandInHandle,
    state: AppState,
    stop: tokio::sync::oneshot::Sender<()>,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
    url: String,
    user_id: server::infra::db::UserId,
    api_key: String,
    client: reqwest::Client,
    repos: usize,
}

/// What one job did.
struct Outcome {
    wall: Duration,
    releases: i64,
    files: i64,
    failed: usize,
    first_failure: Option<String>,
}

impl<'a> Bench<'a> {
    /// An in-process Wharf on `data`, on the backends that `backends` (`WHARF_*` settings)
    /// name, with the account and its GitHub link.
    async fn start(
        label: &'static str,
        gh: &'a StandInHandle,
        data: &Path,
        backends: &[(String, String)],
        repos: usize,
    ) -> anyhow::Result<Bench<'a>> {
        let mut env: BTreeMap<String, String> = backends.iter().cloned().collect();
        env.insert("WHARF_DATA_DIR".into(), data.display().to_string());
        env.insert(
            "WHARF_DIST_DIR".into(),
            data.join("dist").display().to_string(),
        );
        env.insert("WHARF_LISTEN".into(), "127.0.0.1:0".into());
        let (client_id, client_secret) = gh.client_credentials();
        let state = server::start(Config {
            github: GitHubSettings {
                web_url: gh.web_url.clone(),
                api_url: gh.api_url.clone(),
                client_id: Some(client_id),
                client_secret: Some(client_secret),
            },
            ..Config::load(None, &env)?
        })
        .await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(server::serve(listener, state.clone(), async move {
            let _ = stopped.await;
        }));

        // The account, and its GitHub link as the OAuth callback would have stored it.
        let (user, key) = server::domain::accounts::create_user(
            &state.db,
            &state.secrets,
            USER,
            PASSWORD,
            false,
            false,
        )
        .await?;
        let token = gh
            .issue_token(DEMO_USER, &["read:user"])
            .context("the stand-in has no demo user")?;
        let identity: User = state
            .github
            .session(GitHubToken::new(token.clone()))
            .user()
            .await?;
        state
            .db
            .link_github(
                user.id,
                &GitHubIdentity {
                    github_id: identity.id as i64,
                    login: identity.login,
                    avatar_url: identity.avatar_url,
                    token_sealed: state.secrets.seal(&token),
                    scopes: "read:user".to_owned(),
                },
            )
            .await?;
        Ok(Bench {
            label,
            gh,
            state,
            stop,
            serving,
            url,
            user_id: user.id,
            api_key: key.expose().to_owned(),
            client: reqwest::Client::new(),
            repos,
        })
    }

    async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.serving.await??;
        Ok(())
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.url))
            .basic_auth(USER, Some(&self.api_key))
    }

    async fn create_repository(&self, name: &str) -> anyhow::Result<()> {
        let res = self
            .request(reqwest::Method::POST, &format!("/repos/{USER}/{name}"))
            .json(&json!({"type": "generic"}))
            .send()
            .await?;
        if res.status() != 201 {
            bail!("creating {name}: {} {}", res.status(), res.text().await?);
        }
        Ok(())
    }

    /// Starts one job of every repository over HTTP and waits for its end.
    async fn import(&self, into: &str, with_assets: bool) -> anyhow::Result<Outcome> {
        let repos: Vec<Value> = (1..=self.repos)
            .map(|i| json!({"full_name": format!("{DEMO_USER}/bench-{i:04}"), "releases": "all"}))
            .collect();
        let body = json!({
            "subject": USER, "repo": into, "repos": repos,
            "with_assets": with_assets, "publish": true,
        });
        let started = Instant::now();
        let res = self
            .request(reqwest::Method::POST, "/api/ui/imports")
            .json(&body)
            .send()
            .await?;
        if res.status() != 201 {
            bail!(
                "starting the import: {} {}",
                res.status(),
                res.text().await?
            );
        }
        let id = res.json::<ImportStarted>().await?.id;
        loop {
            let job = self
                .state
                .db
                .import_job(id, self.user_id)
                .await?
                .context("the job vanished")?;
            if job.status == "finished" {
                break;
            }
            tokio::time::sleep(POLL).await;
        }
        let wall = started.elapsed();
        let job: ImportJob = self
            .request(reqwest::Method::GET, &format!("/api/ui/imports/{id}"))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let failures: Vec<_> = job.items.iter().filter(|i| i.status != "done").collect();
        Ok(Outcome {
            wall,
            releases: job.items.iter().map(|i| i.versions_done).sum(),
            files: job.items.iter().map(|i| i.files_done).sum(),
            failed: failures.len(),
            first_failure: failures
                .first()
                .map(|i| format!("{}: {}", i.repo, i.message.clone().unwrap_or_default())),
        })
    }

    /// Runs a job and prints its figures; GitHub's counters start from zero. The job's
    /// wall time.
    async fn measured(
        &self,
        label: &str,
        into: &str,
        with_assets: bool,
    ) -> anyhow::Result<Duration> {
        self.gh.reset_counters();
        self.state.github.reset_counts();
        let o = self.import(into, with_assets).await?;
        let s = self.gh.counters();
        let c = self.state.github.counts();
        let secs = o.wall.as_secs_f64();
        println!(
            "{}, {label}: {} releases{} from {} repositories in {secs:.2} s ({:.0} releases/s); \
             GitHub requests {} (stand-in saw {} API + {} asset-host, {} answered 304); {}",
            self.label,
            o.releases,
            if with_assets {
                format!(" and {} files", o.files)
            } else {
                String::new()
            },
            self.repos,
            o.releases as f64 / secs,
            c.requests,
            s.api_requests,
            s.asset_requests,
            s.not_modified,
            rss_text(),
        );
        if o.failed > 0 {
            bail!(
                "{} repositories failed, e.g. {}",
                o.failed,
                o.first_failure.unwrap_or_default()
            );
        }
        Ok(o.wall)
    }

    /// Every package of a Wharf repository has the expected number of versions.
    async fn check(&self, repo: &str, releases: usize) -> anyhow::Result<()> {
        // The listing is paged; its header gives the total.
        let res = self
            .request(
                reqwest::Method::GET,
                &format!("/repos/{USER}/{repo}/packages"),
            )
            .send()
            .await?
            .error_for_status()?;
        let total: usize = res
            .headers()
            .get("x-rangelimit-total")
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .context("no X-RangeLimit-Total")?;
        if total != self.repos {
            bail!("{repo} has {total} packages, not {}", self.repos);
        }
        let sample = format!("/packages/{USER}/{repo}/bench-{:04}", self.repos);
        let pkg: Value = self
            .request(reqwest::Method::GET, &sample)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let versions = pkg["versions"].as_array().map_or(0, Vec::len);
        if versions != releases {
            bail!("{sample} has {versions} versions, not {releases}");
        }
        Ok(())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let repos = env_num("BENCH_REPOS", 500);
    let releases = env_num("BENCH_RELEASES", 20);
    let assets = env_num("BENCH_ASSETS", 1) != 0;
    let rounds = env_num("BENCH_ROUNDS", 2).max(1);

    let started = Instant::now();
    let gh = StandIn::start(StandInConfig {
        demo: false,
        generate: Some((repos, releases)),
        // The importer, not GitHub's hourly budget, is what is measured.
        rate_limit: 1_000_000,
        ..StandInConfig::default()
    })
    .await?;
    println!(
        "stand-in: {repos} repositories x {releases} releases generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let dir = tempfile::tempdir()?;
    let mut benches = vec![
        Bench::start(
            "SQLite + disk",
            &gh,
            &dir.path().join("embedded"),
            &[],
            repos,
        )
        .await?,
    ];
    match replicas::bench_backends() {
        Some(backends) => {
            let data = dir.path().join("shared");
            benches.push(Bench::start("PostgreSQL + S3", &gh, &data, &backends, repos).await?);
        }
        None => println!("BENCH_DATABASE_URL and BENCH_BLOB_STORE unset: SQLite + disk only"),
    }

    println!("before importing: {}", rss_text());
    // Step 1, alternating the backends, each round into a fresh repository.
    let mut walls: Vec<Vec<Duration>> = vec![Vec::new(); benches.len()];
    for round in 1..=rounds {
        for (bench, walls) in benches.iter().zip(&mut walls) {
            let repo = format!("github-{round}");
            bench.create_repository(&repo).await?;
            walls.push(
                bench
                    .measured(&format!("import (metadata), round {round}"), &repo, false)
                    .await?,
            );
            bench.check(&repo, releases).await?;
        }
    }
    let medians: Vec<f64> = walls
        .into_iter()
        .map(|mut w| {
            w.sort();
            w[w.len() / 2].as_secs_f64()
        })
        .collect();
    for (bench, m) in benches.iter().zip(&medians) {
        println!(
            "import of {} releases, {}: median {m:.2} s ({:.0} releases/s), x{:.2} the time of SQLite",
            repos * releases,
            bench.label,
            (repos * releases) as f64 / m,
            m / medians[0]
        );
    }
    for bench in &benches {
        bench
            .measured("re-import (metadata, idempotent)", "github-1", false)
            .await?;
        bench.check("github-1", releases).await?;
        if assets {
            bench.create_repository("with-assets").await?;
            bench
                .measured("import with assets (fresh repository)", "with-assets", true)
                .await?;
            bench.check("with-assets", releases).await?;
        }
    }
    for bench in benches {
        bench.stop().await?;
    }
    gh.shutdown().await?;
    Ok(())
}
