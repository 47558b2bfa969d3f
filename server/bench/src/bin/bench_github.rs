//! `bench-github`: Wharf's GitHub client against an in-process stand-in, counting requests.
//!
//! 1. Lists every repository of a user with 500 repositories × 20 releases, then every
//!    repository's releases: requests sent against the lower bound
//!    ⌈repos/100⌉ + repos × ⌈releases/100⌉ (505), and the wall time for the metadata of
//!    the 10,000 releases.
//! 2. The same listing again with the ETag cache warm: requests, 304s, budget spent.
//!
//! Scale with BENCH_REPOS, BENCH_RELEASES, BENCH_CONCURRENCY (requests in flight, default 4).

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use github_standin::{StandIn, StandInConfig, DEMO_USER};
use server::infra::github::{
    GitHubClient, GitHubClientOptions, GitHubToken, RepoListOptions, Session,
};

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Lists repositories, then every repository's releases; returns (repos, releases).
async fn listing(session: &Session, concurrency: usize) -> anyhow::Result<(usize, usize)> {
    let repos = session.repos(&RepoListOptions::default()).await?;
    let counts = futures_util::stream::iter(repos.iter())
        .map(|r| async move {
            session
                .releases(&r.owner.login, &r.name)
                .await
                .map(|v| v.len())
        })
        .buffer_unordered(concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut releases = 0;
    for c in counts {
        releases += c?;
    }
    Ok((repos.len(), releases))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let repos = env_num("BENCH_REPOS", 500);
    let releases = env_num("BENCH_RELEASES", 20);
    let concurrency = env_num("BENCH_CONCURRENCY", 4).max(1);
    let started = Instant::now();
    let gh = StandIn::start(StandInConfig {
        demo: false,
        generate: Some((repos, releases)),
        rate_limit: 1_000_000,
        ..StandInConfig::default()
    })
    .await?;
    println!(
        "stand-in: {repos} repositories x {releases} releases generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let token = gh
        .issue_token(DEMO_USER, &["repo"])
        .ok_or_else(|| anyhow::anyhow!("no demo user"))?;
    let client = GitHubClient::new(GitHubClientOptions {
        api_base: gh.api_url.clone(),
        max_concurrency: concurrency,
        request_timeout: Duration::from_secs(60),
        ..GitHubClientOptions::default()
    })?;
    let session = client.session(GitHubToken::new(token));
    let lower_bound = repos.div_ceil(100) + repos * releases.div_ceil(100).max(1);

    let started = Instant::now();
    let (listed_repos, listed_releases) = listing(&session, concurrency).await?;
    let cold = started.elapsed();
    let c = client.counts();
    let s = gh.counters();
    println!(
        "cold listing: {listed_repos} repositories, {listed_releases} releases; {} requests \
         (stand-in saw {}), lower bound {lower_bound}; {:.2} s ({:.0} releases/s), {concurrency} in flight",
        c.requests,
        s.api_requests,
        cold.as_secs_f64(),
        listed_releases as f64 / cold.as_secs_f64()
    );
    let budget_before = session.rate_state().remaining.unwrap_or_default();

    client.reset_counts();
    gh.reset_counters();
    let started = Instant::now();
    listing(&session, concurrency).await?;
    let warm = started.elapsed();
    let c = client.counts();
    let s = gh.counters();
    let budget_after = session.rate_state().remaining.unwrap_or_default();
    println!(
        "warm listing: {} requests, {} answered 304, budget spent {}; {:.2} s",
        c.requests,
        s.not_modified,
        budget_before.saturating_sub(budget_after),
        warm.as_secs_f64()
    );
    gh.shutdown().await?;
    Ok(())
}
