//! Wharf's GitHub client against the stand-in: requests at the pagination lower bound,
//! a warm second listing made of free 304s, rate-limit waits that are shown and resume,
//! giving up as a distinct error, 401s, asset downloads that keep the token away from
//! storage, the concurrency bound, and token revocation.

use std::time::{Duration, Instant};

use github_standin::{
    sha256_digest, DataFile, Fault, ReleaseSpec, RepoSpec, StandIn, StandInConfig, StandInHandle,
    DEMO_USER,
};
use server::infra::github::{
    GitHubClient, GitHubClientOptions, GitHubError, GitHubToken, RateLimitPolicy, RepoListOptions,
    WaitReason,
};

fn config(gh: &StandInHandle) -> GitHubClientOptions {
    GitHubClientOptions {
        api_base: gh.api_url.clone(),
        rate_limit: RateLimitPolicy {
            max_wait: Duration::from_secs(10),
            backoff_base: Duration::from_millis(100),
            max_retries: 4,
        },
        ..GitHubClientOptions::default()
    }
}

async fn setup() -> (StandInHandle, GitHubClient, GitHubToken) {
    let gh = StandIn::start(StandInConfig::default()).await.unwrap();
    let client = GitHubClient::new(config(&gh)).unwrap();
    let token = GitHubToken::new(gh.issue_token(DEMO_USER, &["repo", "read:user"]).unwrap());
    (gh, client, token)
}

#[tokio::test]
async fn listings_cost_the_lower_bound_and_a_warm_second_listing_is_free() {
    let many_releases = DataFile {
        repos: vec![RepoSpec {
            owner: DEMO_USER.into(),
            name: "many-releases".into(),
            releases: (0..130)
                .map(|i| ReleaseSpec {
                    tag: format!("v0.{i}.0"),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let gh = StandIn::start(StandInConfig {
        generate: Some((230, 1)),
        data: vec![many_releases],
        ..StandInConfig::default()
    })
    .await
    .unwrap();
    let client = GitHubClient::new(config(&gh)).unwrap();
    let session = client.session(GitHubToken::new(
        gh.issue_token(DEMO_USER, &["repo"]).unwrap(),
    ));

    let repos = session.repos(&RepoListOptions::default()).await.unwrap();
    assert!(repos.len() > 200 && repos.len() <= 300, "{}", repos.len());
    let releases = session.releases(DEMO_USER, "many-releases").await.unwrap();
    assert_eq!(releases.len(), 130);
    assert_eq!(releases[0].tag_name, "v0.129.0", "newest first");
    let lower_bound = repos.len().div_ceil(100) as u64 + 2;
    let c = gh.counters();
    assert_eq!(c.api_requests, lower_bound);
    assert_eq!(client.counts().requests, lower_bound);
    let budget = session.rate_state();
    assert_eq!(budget.remaining, Some(5000 - lower_bound));
    assert_eq!(budget.limit, Some(5000));

    // Again: every page answers 304 from the cache, and the budget does not move.
    let again = session.repos(&RepoListOptions::default()).await.unwrap();
    let again_releases = session.releases(DEMO_USER, "many-releases").await.unwrap();
    assert_eq!(again, repos);
    assert_eq!(again_releases, releases);
    let c = gh.counters();
    assert_eq!(c.api_requests, 2 * lower_bound);
    assert_eq!(c.not_modified, lower_bound);
    assert_eq!(client.counts().not_modified, lower_bound);
    assert_eq!(session.rate_state().remaining, budget.remaining);

    // Another token of the same user does not share the cache.
    let other = client.session(GitHubToken::new(
        gh.issue_token(DEMO_USER, &["repo"]).unwrap(),
    ));
    other.releases(DEMO_USER, "many-releases").await.unwrap();
    assert_eq!(gh.counters().not_modified, lower_bound);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_visibly_then_resumed() {
    let (gh, client, token) = setup().await;
    let session = client.session(token);
    let mut watch = session.watch_rate();
    let observer = tokio::spawn(async move {
        let mut seen = Vec::new();
        while watch.changed().await.is_ok() {
            let waiting = watch.borrow_and_update().waiting.clone();
            if let Some(w) = waiting {
                seen.push(w);
            }
        }
        seen
    });

    gh.inject_fault(Fault::secondary(429, Some(1)));
    let started = Instant::now();
    let repo = session.repo(DEMO_USER, "hello-tool").await.unwrap();
    assert_eq!(repo.name, "hello-tool");
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert!(
        session.rate_state().waiting.is_none(),
        "cleared after the wait"
    );

    // Primary limit: waits until the reset time (2 s ahead, so 1 to 2 s: long enough to
    // be observed whatever the sub-second clock).
    gh.inject_fault(Fault::primary(403, 2));
    session.repo(DEMO_USER, "markdown-notes").await.unwrap();
    // Secondary limit without retry-after: exponential backoff from the base.
    gh.inject_fault(Fault::secondary(403, None).times(2));
    let started = Instant::now();
    session.repo(DEMO_USER, "tag-only").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "100 ms then 200 ms"
    );
    assert_eq!(client.counts().rate_limited, 4);

    drop(session);
    drop(client);
    let seen = tokio::time::timeout(Duration::from_secs(5), observer)
        .await
        .unwrap()
        .unwrap();
    assert!(seen.iter().any(|w| w.reason == WaitReason::SecondaryLimit));
    assert!(seen.iter().any(|w| w.reason == WaitReason::PrimaryLimit));
    assert!(seen[0]
        .message()
        .starts_with("GitHub rate limit: waiting until "));
}

#[tokio::test]
async fn an_exhausted_budget_is_waited_out_until_its_reset() {
    let (gh, client, token) = setup().await;
    let session = client.session(token);
    session.user().await.unwrap();
    // GitHub refuses: the client waits for the reset the answer names, then retries.
    gh.set_budget(Some(DEMO_USER), 0, Some(1));
    session.repo(DEMO_USER, "hello-tool").await.unwrap();
    assert!(session.rate_state().remaining.unwrap() > 0);
    assert_eq!(gh.counters().rate_limited, 1);

    // The last request of a window succeeds with `remaining: 0`: the next one waits
    // for the reset before asking, and is never refused.
    gh.set_budget(Some(DEMO_USER), 1, Some(1));
    session.repo(DEMO_USER, "tag-only").await.unwrap();
    assert_eq!(session.rate_state().remaining, Some(0));
    session.repo(DEMO_USER, "markdown-notes").await.unwrap();
    assert_eq!(gh.counters().rate_limited, 1);
    assert!(session.rate_state().remaining.unwrap() > 0);
}

#[tokio::test]
async fn giving_up_is_a_distinct_error() {
    let (gh, _, token) = setup().await;
    let client = GitHubClient::new(GitHubClientOptions {
        rate_limit: RateLimitPolicy {
            max_wait: Duration::from_millis(500),
            ..RateLimitPolicy::default()
        },
        ..config(&gh)
    })
    .unwrap();
    gh.inject_fault(Fault::secondary(403, Some(30)));
    let started = Instant::now();
    let err = client
        .session(token)
        .repo(DEMO_USER, "hello-tool")
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(err.is_rate_limited(), "{err:?}");
    assert!(
        err.user_message().contains("rate limit"),
        "{}",
        err.user_message()
    );
}

#[tokio::test]
async fn bad_credentials_and_not_found() {
    let (gh, client, token) = setup().await;
    let err = client
        .session(GitHubToken::new("gho_revoked"))
        .user()
        .await
        .unwrap_err();
    assert!(matches!(err, GitHubError::BadCredentials), "{err:?}");
    assert!(!err.to_string().contains("gho_revoked"));
    let err = client
        .session(token.clone())
        .repo(DEMO_USER, "no-such-repo")
        .await
        .unwrap_err();
    assert!(matches!(err, GitHubError::NotFound(_)), "{err:?}");
    let (user, scopes) = client.session(token).user_and_scopes().await.unwrap();
    assert_eq!(user.login, DEMO_USER);
    assert_eq!(scopes, vec!["repo", "read:user"]);
    drop(gh);
}

#[tokio::test]
async fn assets_download_without_the_token_reaching_storage() {
    let (gh, client, token) = setup().await;
    let session = client.session(token);
    for (repo, tag) in [("hello-tool", "v1.0.0"), ("secret-agent", "v0.1.0")] {
        let release = session.release_by_tag(DEMO_USER, repo, tag).await.unwrap();
        assert!(!release.assets.is_empty());
        for asset in &release.assets {
            let download = session.download_asset(asset).await.unwrap();
            assert_eq!(download.content_length, Some(asset.size));
            let bytes = download.bytes().await.unwrap();
            assert_eq!(bytes.len() as u64, asset.size);
            let digest = sha256_digest(&bytes);
            assert_eq!(asset.digest.as_deref(), Some(digest.as_str()));
            assert_eq!(
                asset.expected_sha256().unwrap(),
                digest.trim_start_matches("sha256:")
            );
        }
    }
    let c = gh.counters();
    assert!(c.asset_downloads >= 4);
    assert_eq!(c.asset_requests, c.asset_downloads);
    assert_eq!(c.asset_requests_with_authorization, 0);
    assert_eq!(client.counts().asset_redirects, c.asset_downloads);

    // The advertised digest can be made to lie; the client reports it as GitHub says.
    let release = session
        .release_by_tag(DEMO_USER, "hello-tool", "v1.1.0")
        .await
        .unwrap();
    let asset = &release.assets[0];
    gh.set_asset_digest(asset.id, Some(format!("sha256:{}", "0".repeat(64))));
    let fresh = session
        .release_assets(DEMO_USER, "hello-tool", release.id)
        .await
        .unwrap();
    assert_eq!(fresh[0].expected_sha256(), Some("0".repeat(64)));
    let bytes = session
        .download_asset(&fresh[0])
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_ne!(sha256_digest(&bytes), fresh[0].digest.clone().unwrap());

    // GitHub may also answer with the bytes themselves.
    gh.set_direct_asset_downloads(true);
    let redirects = client.counts().asset_redirects;
    let direct = session
        .download_asset(&fresh[0])
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(direct, bytes);
    assert_eq!(client.counts().asset_redirects, redirects);
}

#[tokio::test]
async fn slow_answers_time_out() {
    let (gh, _, token) = setup().await;
    let client = GitHubClient::new(GitHubClientOptions {
        request_timeout: Duration::from_millis(100),
        ..config(&gh)
    })
    .unwrap();
    gh.set_latency(Duration::from_millis(400));
    let err = client.session(token).user().await.unwrap_err();
    assert!(matches!(err, GitHubError::Timeout), "{err:?}");
}

#[tokio::test]
async fn concurrency_is_bounded_per_token() {
    let (gh, _, token) = setup().await;
    let client = GitHubClient::new(GitHubClientOptions {
        max_concurrency: 3,
        ..config(&gh)
    })
    .unwrap();
    gh.set_latency(Duration::from_millis(100));
    let session = client.session(token);
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let s = session.clone();
            tokio::spawn(async move { s.repo(DEMO_USER, "hello-tool").await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(gh.counters().max_in_flight, 3);
}

#[tokio::test]
async fn github_enterprise_roots_work_too() {
    let (gh, _, token) = setup().await;
    let client = GitHubClient::new(GitHubClientOptions {
        api_base: gh.api_v3_url.clone(),
        ..config(&gh)
    })
    .unwrap();
    let session = client.session(token);
    let repos = session
        .repos(&RepoListOptions {
            affiliation: Some("owner".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(repos.iter().all(|r| r.owner.login == DEMO_USER));
    assert!(repos[0].url.starts_with(&gh.api_v3_url));
    let tags = session.tags(DEMO_USER, "tag-only").await.unwrap();
    assert_eq!(tags.len(), 3);
    assert_eq!(tags[0].commit.sha.len(), 40);
    let hello = repos.iter().find(|r| r.name == "hello-tool").unwrap();
    assert_eq!(hello.spdx_id(), Some("MIT"));
    assert_eq!(hello.topics, vec!["cli", "rust", "greeting"]);
    assert_eq!(
        hello.homepage.as_deref(),
        Some("https://hello-tool.example")
    );
}

#[tokio::test]
async fn tokens_can_be_revoked() {
    let (gh, client, token) = setup().await;
    let (id, secret) = gh.client_credentials();
    client.revoke_token(&id, &secret, &token).await.unwrap();
    assert!(!gh.token_is_valid(token.expose()));
    // Revoking again is not an error; the token is gone either way.
    client.revoke_token(&id, &secret, &token).await.unwrap();
    let err = client.session(token).user().await.unwrap_err();
    assert!(matches!(err, GitHubError::BadCredentials));
}
