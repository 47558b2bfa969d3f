//! Import from GitHub against the GitHub stand-in, over real HTTP: the OAuth flow (linking,
//! signing in, state mismatch, a bad code, denied consent), private repositories by plan
//! and grant, listing over several pages, and import jobs (idempotent, resumable after a
//! restart, a rate-limit pause, a checksum mismatch refused with nothing stored).

mod common;

use std::time::Duration;

use common::browser::Browser;
use common::replica::{github_settings, start_replica, suite_backends};
use common::*;
use github_standin::{Fault, StandIn, StandInConfig, StandInHandle, DEMO_USER};
use serde_json::{json, Value};

struct World {
    gh: StandInHandle,
    server: TestServer,
    _dist: tempfile::TempDir,
}

fn configure(
    gh: &StandInHandle,
    all_premium: bool,
) -> impl FnOnce(&mut server::infra::config::Config) {
    let web = gh.web_url.clone();
    let api = gh.api_url.clone();
    move |c| {
        c.github.web_url = web;
        c.github.api_url = api;
        c.github.client_id = Some("wharf-demo".into());
        c.github.client_secret = Some("wharf-demo-secret".into());
        c.all_premium = all_premium;
    }
}

async fn world_with(config: StandInConfig, all_premium: bool) -> World {
    let gh = StandIn::start(config).await.unwrap();
    let (keep, dist) = fake_dist();
    let server = TestServer::start_with(&dist, configure(&gh, all_premium)).await;
    World {
        gh,
        server,
        _dist: keep,
    }
}

async fn world() -> World {
    world_with(StandInConfig::default(), false).await
}

fn decode(s: &str) -> String {
    form_urlencoded::parse(s.as_bytes())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The GitHub token Wharf keeps for `user`, read the way only the server can.
async fn stored_token(server: &TestServer, user: &str) -> Option<String> {
    let (db, secrets) = server::open_storage(&server.config).await.unwrap();
    let u = db.find_user_by_name(user).await.unwrap();
    let link = db.github_link(u.id).await.unwrap();
    db.close().await;
    link.map(|l| secrets.open(&l.token_sealed).unwrap())
}

#[tokio::test]
async fn linking_signing_in_and_disconnecting() {
    let w = world().await;
    let mut b = Browser::new(&w.server.url);
    b.sign_up("alice").await;
    let (_, status) = b.get("/api/ui/github").await;
    assert_eq!(status["configured"], true);
    assert_eq!(status["linked"], Value::Null);

    let next = b.link_github(DEMO_USER, false).await;
    assert_eq!(next, format!("/profile?github=linked&login={DEMO_USER}"));
    let (_, status) = b.get("/api/ui/github").await;
    assert_eq!(status["linked"]["login"], DEMO_USER);
    assert_eq!(status["linked"]["private_access"], false);
    assert!(status["linked"]["avatar_url"].is_string());

    // The token works at GitHub and never reached the browser.
    let token = stored_token(&w.server, "alice").await.expect("linked");
    assert!(w.gh.token_is_valid(&token));
    assert!(b.seen.iter().all(|body| !body.contains(&token)));

    // Signed out, "Sign in with GitHub" signs in to the linked account.
    let mut other = Browser::new(&w.server.url);
    let (status, body) = other.authorize("signin", false).await;
    assert_eq!(status, 200, "{body}");
    let callback = other
        .consent(body["url"].as_str().unwrap(), DEMO_USER, "approve")
        .await;
    assert_eq!(other.back_from_github(&callback).await, "/alice");
    let (_, session) = other.get("/api/ui/session").await;
    assert_eq!(session["user"]["name"], "alice");
    // Signing in did not replace the linked token.
    assert_eq!(
        stored_token(&w.server, "alice").await.as_deref(),
        Some(token.as_str())
    );

    // Disconnect: unlinked here, revoked at GitHub.
    assert_eq!(b.post("/api/ui/github/disconnect", json!({})).await.0, 200);
    let (_, status) = b.get("/api/ui/github").await;
    assert_eq!(status["linked"], Value::Null);
    assert!(!w.gh.token_is_valid(&token));
    assert!(stored_token(&w.server, "alice").await.is_none());
}

#[tokio::test]
async fn a_github_identity_without_an_account_is_offered_a_sign_up() {
    let w = world().await;
    let mut b = Browser::new(&w.server.url);
    let (_, body) = b.authorize("signin", false).await;
    let callback = b
        .consent(body["url"].as_str().unwrap(), DEMO_USER, "approve")
        .await;
    assert_eq!(
        b.back_from_github(&callback).await,
        format!("/signup?github={DEMO_USER}")
    );
    let (_, status) = b.get("/api/ui/github").await;
    assert_eq!(status["pending_signup"], DEMO_USER);
    let (code, body) = b
        .post(
            "/api/ui/signup",
            json!({"name": "octo", "password": "password-123", "link_github": true}),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    b.csrf = body["csrf_token"].as_str().map(str::to_owned);
    let (_, status) = b.get("/api/ui/github").await;
    assert_eq!(status["linked"]["login"], DEMO_USER);
    // Another browser cannot claim the same pending identity.
    let mut c = Browser::new(&w.server.url);
    let (code, _) = c
        .post(
            "/api/ui/signup",
            json!({"name": "thief", "password": "password-123", "link_github": true}),
        )
        .await;
    assert_eq!(code, 400);
}

#[tokio::test]
async fn state_mismatch_a_bad_code_and_denied_consent_are_refused() {
    let w = world().await;
    let mut a = Browser::new(&w.server.url);
    a.sign_up("alice").await;

    // A callback this server never started.
    let forged = format!(
        "{}/api/ui/github/callback?code=abc&state=nope",
        w.server.url
    );
    let next = a.back_from_github(&forged).await;
    assert!(next.starts_with("/profile?github_error="), "{next}");
    assert!(decode(&next).contains("was not started here"), "{next}");

    // A callback carried to another browser (login CSRF) is refused there...
    let (_, body) = a.authorize("link", false).await;
    let callback = a
        .consent(body["url"].as_str().unwrap(), DEMO_USER, "approve")
        .await;
    let mut b = Browser::new(&w.server.url);
    b.sign_up("bob").await;
    let next = b.back_from_github(&callback).await;
    assert!(decode(&next).contains("was not started here"), "{next}");
    // ...and the state was used up, so it cannot be replayed in the right one either.
    let next = a.back_from_github(&callback).await;
    assert!(decode(&next).contains("was not started here"), "{next}");
    let (_, status) = a.get("/api/ui/github").await;
    assert_eq!(status["linked"], Value::Null);

    // A code that does not belong to the flow (GitHub answers 200 with an error).
    let (_, first) = a.authorize("link", false).await;
    let code_url = a
        .consent(first["url"].as_str().unwrap(), DEMO_USER, "approve")
        .await;
    let code = reqwest::Url::parse(&code_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let (_, second) = a.authorize("link", false).await;
    let second_state = reqwest::Url::parse(second["url"].as_str().unwrap())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let mixed = format!(
        "{}/api/ui/github/callback?code={code}&state={second_state}",
        w.server.url
    );
    let next = a.back_from_github(&mixed).await;
    assert!(
        decode(&next).contains("GitHub refused the authorization"),
        "{next}"
    );

    // Denied on GitHub's page.
    let (_, body) = a.authorize("link", false).await;
    let callback = a
        .consent(body["url"].as_str().unwrap(), DEMO_USER, "deny")
        .await;
    let next = a.back_from_github(&callback).await;
    assert!(decode(&next).contains("cancelled on GitHub"), "{next}");
    let (_, status) = a.get("/api/ui/github").await;
    assert_eq!(status["linked"], Value::Null);
}

#[tokio::test]
async fn without_configuration_github_says_so() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let mut b = Browser::new(&server.url);
    b.sign_up("alice").await;
    let (_, status) = b.get("/api/ui/github").await;
    assert_eq!(status["configured"], false);
    let (code, body) = b.authorize("link", false).await;
    assert_eq!(code, 409);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("WHARF_GITHUB_CLIENT_ID"));
}

fn names(list: &Value) -> Vec<String> {
    list["repos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn private_repositories_need_premium_and_the_grant() {
    let w = world().await;
    let mut free = Browser::new(&w.server.url);
    free.sign_up("alice").await;
    // A Free account cannot ask for private access.
    let (code, body) = free.authorize("link", true).await;
    assert_eq!(code, 403, "{body}");
    free.link_github(DEMO_USER, false).await;
    let (code, list) = free.get("/api/ui/github/repos").await;
    assert_eq!(code, 200, "{list}");
    assert_eq!(list["private_access"], false);
    let public = names(&list);
    assert!(
        public.contains(&format!("{DEMO_USER}/hello-tool")),
        "{public:?}"
    );
    assert!(
        !public.iter().any(|n| n.ends_with("/secret-agent")),
        "{public:?}"
    );
    assert!(list["repos"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["private"] == false));
    // The budget GitHub reported is passed on.
    assert!(list["rate"]["remaining"].as_u64().unwrap() > 0);
    // One GitHub account links to one Wharf account at a time.
    let mut other = Browser::new(&w.server.url);
    other.sign_up("mallory").await;
    let next = other.link_github(DEMO_USER, false).await;
    assert!(
        decode(&next).contains("already linked to another Wharf account"),
        "{next}"
    );
    assert_eq!(
        free.post("/api/ui/github/disconnect", json!({})).await.0,
        200
    );

    // Premium (every account, by configuration) with the grant sees private ones too.
    let server = w.server.restart_with(configure(&w.gh, true)).await;
    let mut premium = Browser::new(&server.url);
    premium.sign_up("carol").await;
    premium.link_github(DEMO_USER, true).await;
    let (_, status) = premium.get("/api/ui/github").await;
    assert_eq!(status["linked"]["private_access"], true);
    let (_, list) = premium.get("/api/ui/github/repos").await;
    assert_eq!(list["private_access"], true);
    let all = names(&list);
    assert!(all.iter().any(|n| n.ends_with("/secret-agent")), "{all:?}");
    assert!(all.len() > public.len());
    assert_eq!(
        premium.post("/api/ui/github/disconnect", json!({})).await.0,
        200
    );
    // Premium without the grant: public only.
    let mut plain = Browser::new(&server.url);
    plain.sign_up("dave").await;
    plain.link_github(DEMO_USER, false).await;
    let (_, list) = plain.get("/api/ui/github/repos").await;
    assert_eq!(names(&list), public);
}

#[tokio::test]
async fn listings_page_through_github_and_releases_fall_back_to_tags() {
    let w = world_with(
        StandInConfig {
            generate: Some((230, 3)),
            ..Default::default()
        },
        false,
    )
    .await;
    let mut b = Browser::new(&w.server.url);
    b.sign_up("alice").await;
    b.link_github(DEMO_USER, false).await;
    w.gh.reset_counters();
    let (_, list) = b.get("/api/ui/github/repos").await;
    let all = names(&list);
    assert!(all.len() > 230, "{}", all.len());
    let pages = w.gh.counters().by_route["GET /user/repos"];
    assert_eq!(pages as usize, all.len().div_ceil(100));

    let (code, rel) = b
        .post(
            "/api/ui/github/releases",
            json!({"repos": [format!("{DEMO_USER}/hello-tool"), format!("{DEMO_USER}/tag-only"), format!("{DEMO_USER}/bench-0001")]}),
        )
        .await;
    assert_eq!(code, 200, "{rel}");
    let hello = &rel["repos"][format!("{DEMO_USER}/hello-tool")];
    let tags: Vec<&str> = hello["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["tag"].as_str().unwrap())
        .collect();
    assert!(
        tags.contains(&"v1.0.0") && !tags.contains(&"v2.0.0"),
        "drafts are not offered: {tags:?}"
    );
    assert_eq!(hello["tags_only"], false);
    let tag_only = &rel["repos"][format!("{DEMO_USER}/tag-only")];
    assert_eq!(tag_only["tags_only"], true);
    assert_eq!(tag_only["releases"].as_array().unwrap().len(), 3);
    assert_eq!(
        rel["repos"][format!("{DEMO_USER}/bench-0001")]["releases"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

/// Polls the job until it has finished.
async fn finished_job(b: &mut Browser, id: i64) -> Value {
    for _ in 0..600 {
        let (code, job) = b.get(&format!("/api/ui/imports/{id}")).await;
        assert_eq!(code, 200, "{job}");
        if job["status"] == "finished" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

async fn start_import(b: &mut Browser, repos: Value, assets: bool) -> i64 {
    let (code, body) = b
        .post(
            "/api/ui/imports",
            json!({"subject": "alice", "repo": "gh", "repos": repos, "with_assets": assets, "publish": true}),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    body["id"].as_i64().unwrap()
}

async fn linked_alice_with_repo(w: &World) -> Browser {
    let mut b = Browser::new(&w.server.url);
    b.sign_up("alice").await;
    b.link_github(DEMO_USER, false).await;
    assert_eq!(
        b.post("/repos/alice/gh", json!({"type": "generic"}))
            .await
            .0,
        201
    );
    b
}

#[tokio::test]
async fn an_import_makes_packages_versions_and_files_and_a_second_one_updates() {
    let w = world().await;
    let mut b = linked_alice_with_repo(&w).await;
    let hello = format!("{DEMO_USER}/hello-tool");
    let tags = format!("{DEMO_USER}/tag-only");
    // The repository must exist, as in Bintray.
    let (code, _) = b
        .post("/api/ui/imports", json!({"subject": "alice", "repo": "nope", "repos": [{"full_name": hello, "releases": "all"}]}))
        .await;
    assert_eq!(code, 404);

    let id = start_import(
        &mut b,
        json!([{"full_name": hello, "releases": "all"}, {"full_name": tags, "releases": {"only": ["v0.2.0"]}}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    assert!(
        job["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "done"),
        "{job}"
    );

    let (_, pkg) = b.get("/packages/alice/gh/hello-tool").await;
    assert_eq!(pkg["desc"], "A friendly command-line greeter");
    assert_eq!(pkg["licenses"], json!(["MIT"]));
    assert_eq!(pkg["labels"], json!(["cli", "rust", "greeting"]));
    assert_eq!(pkg["github_repo"], hello);
    assert_eq!(pkg["website_url"], "https://hello-tool.example");
    let versions = pkg["versions"].as_array().unwrap().clone();
    assert_eq!(versions.len(), 4, "drafts are skipped: {versions:?}");
    // GitHub's latest release: the pre-release v1.2.0-rc.1 is newer but not latest.
    assert_eq!(pkg["latest_version"], "v1.1.0");
    let (_, v1) = b.get("/packages/alice/gh/hello-tool/versions/v1.0.0").await;
    assert_eq!(v1["desc"], "Hello Tool 1.0");
    assert_eq!(v1["vcs_tag"], "v1.0.0");
    let (_, notes) = b
        .get("/packages/alice/gh/hello-tool/versions/v1.0.0/release_notes")
        .await;
    assert!(
        notes["bintray"]["content"]
            .as_str()
            .unwrap()
            .contains("12 languages"),
        "{notes}"
    );
    let (_, files) = b
        .get("/packages/alice/gh/hello-tool/versions/v1.0.0/files")
        .await;
    assert_eq!(files.as_array().unwrap().len(), 3, "{files}");
    // The bytes are GitHub's.
    let asset =
        w.gh.asset_id(DEMO_USER, "hello-tool", "v1.0.0", "SHA256SUMS.txt")
            .unwrap();
    let (content, _) = w.gh.asset_content(asset).unwrap();
    let res = raw_client()
        .get(
            w.server
                .url("/dl/alice/gh/hello-tool/v1.0.0/SHA256SUMS.txt"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap(), content);
    // The tag-only repository: just the chosen tag.
    let (_, t) = b.get("/packages/alice/gh/tag-only").await;
    assert_eq!(t["versions"], json!(["v0.2.0"]));
    // The asset host never saw the token.
    assert_eq!(w.gh.counters().asset_requests_with_authorization, 0);

    // Importing again updates in place: nothing duplicated, no asset fetched again
    // when GitHub's digest says it is the same.
    let downloads = w.gh.counters().asset_downloads;
    let blobs = w.server.blob_files().len();
    let id = start_import(
        &mut b,
        json!([{"full_name": hello, "releases": "all"}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");
    let (_, again) = b.get("/packages/alice/gh/hello-tool").await;
    assert_eq!(again["versions"].as_array().unwrap().len(), 4);
    let (_, files) = b
        .get("/packages/alice/gh/hello-tool/versions/v1.0.0/files")
        .await;
    assert_eq!(files.as_array().unwrap().len(), 3);
    assert_eq!(w.server.blob_files().len(), blobs);
    let refetched = w.gh.counters().asset_downloads - downloads;
    assert!(
        refetched <= 1,
        "only the asset without a digest is fetched again: {refetched}"
    );

    // Someone else cannot see the job.
    let mut eve = Browser::new(&w.server.url);
    eve.sign_up("eve").await;
    assert_eq!(eve.get(&format!("/api/ui/imports/{id}")).await.0, 404);
    // The token never reached the browser.
    let token = stored_token(&w.server, "alice").await.unwrap();
    assert!(b.seen.iter().all(|body| !body.contains(&token)));
}

#[tokio::test]
async fn an_asset_that_does_not_match_its_digest_is_refused_and_nothing_is_stored() {
    let w = world().await;
    let mut b = linked_alice_with_repo(&w).await;
    let asset =
        w.gh.asset_id(
            DEMO_USER,
            "hello-tool",
            "v1.1.0",
            "hello-tool-1.1.0-x86_64-linux.tar.gz",
        )
        .unwrap();
    assert!(w
        .gh
        .set_asset_digest(asset, Some(format!("sha256:{}", "0".repeat(64)))));
    let blobs_before = w.server.blob_files().len();
    let id = start_import(
        &mut b,
        json!([{"full_name": format!("{DEMO_USER}/hello-tool"), "releases": {"only": ["v1.1.0"]}}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    let item = &job["items"][0];
    assert_eq!(item["status"], "failed", "{job}");
    assert!(
        item["message"]
            .as_str()
            .unwrap()
            .contains("does not match the sha256 digest"),
        "{item}"
    );
    let (_, files) = b
        .get("/packages/alice/gh/hello-tool/versions/v1.1.0/files?include_unpublished=1")
        .await;
    assert_eq!(files, json!([]));
    assert_eq!(w.server.blob_files().len(), blobs_before);
    // The version lacks its file: failed, and not "imported" on the import page (QA F5).
    assert_eq!(item["outcomes"]["failed"], json!(["v1.1.0"]), "{item}");
    let imported = |t: &serde_json::Value| {
        t["imported"][format!("{DEMO_USER}/hello-tool")]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let (_, target) = b.get("/api/ui/imports/target/alice/gh").await;
    assert!(!imported(&target).contains(&json!("v1.1.0")), "{target}");
    // Importing it again as it is: still failed, never "unchanged".
    let again = start_import(
        &mut b,
        json!([{"full_name": format!("{DEMO_USER}/hello-tool"), "releases": {"only": ["v1.1.0"]}}]),
        true,
    )
    .await;
    let again = finished_job(&mut b, again).await;
    let o = &again["items"][0]["outcomes"];
    assert_eq!(o["failed"], json!(["v1.1.0"]), "{again}");
    assert_eq!(o["unchanged"], json!([]), "{again}");

    // Once GitHub's digest is right again, a retry imports it.
    let (content, _) = w.gh.asset_content(asset).unwrap();
    let good = github_standin::sha256_digest(&content);
    assert!(w.gh.set_asset_digest(asset, Some(good)));
    let (code, _) = b
        .post(&format!("/api/ui/imports/{id}/retry"), json!({}))
        .await;
    assert_eq!(code, 200);
    let job = finished_job(&mut b, id).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");
    let (_, files) = b
        .get("/packages/alice/gh/hello-tool/versions/v1.1.0/files")
        .await;
    assert_eq!(files.as_array().unwrap().len(), 1);
    let (_, target) = b.get("/api/ui/imports/target/alice/gh").await;
    assert!(imported(&target).contains(&json!("v1.1.0")), "{target}");
}

#[tokio::test]
async fn a_rate_limit_pauses_the_import_which_then_carries_on() {
    let w = world().await;
    let mut b = linked_alice_with_repo(&w).await;
    w.gh.inject_fault(Fault::secondary(429, Some(2)).times(1));
    let id = start_import(
        &mut b,
        json!([{"full_name": format!("{DEMO_USER}/tag-only"), "releases": "all"}]),
        false,
    )
    .await;
    // The pause is visible while it lasts.
    let mut saw_wait = false;
    for _ in 0..100 {
        let (_, job) = b.get(&format!("/api/ui/imports/{id}")).await;
        if job["waiting_until"].is_i64() {
            saw_wait = true;
            break;
        }
        if job["status"] == "finished" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(saw_wait, "the job showed the rate-limit pause");
    let job = finished_job(&mut b, id).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");
    assert_eq!(job["waiting_until"], Value::Null);
    assert!(w.gh.counters().rate_limited >= 1);
    let (_, t) = b.get("/packages/alice/gh/tag-only").await;
    assert_eq!(t["versions"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_restart_mid_import_carries_on_where_it_stopped() {
    let w = world_with(
        StandInConfig {
            generate: Some((4, 12)),
            ..Default::default()
        },
        false,
    )
    .await;
    let mut b = linked_alice_with_repo(&w).await;
    // Slow GitHub down so the restart lands mid-import.
    w.gh.set_latency(Duration::from_millis(40));
    let repos: Vec<Value> = (1..=4)
        .map(|i| json!({"full_name": format!("{DEMO_USER}/bench-{i:04}"), "releases": "all"}))
        .collect();
    let id = start_import(&mut b, Value::Array(repos), true).await;
    loop {
        let (_, job) = b.get(&format!("/api/ui/imports/{id}")).await;
        let done: i64 = job["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["versions_done"].as_i64().unwrap())
            .sum();
        assert_ne!(
            job["status"], "finished",
            "the import finished before the restart"
        );
        if done >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let World { gh, server, _dist } = w;
    let server = server.restart_with(configure(&gh, false)).await;
    gh.set_latency(Duration::ZERO);
    let mut b2 = Browser::new(&server.url);
    let (code, body) = b2
        .post(
            "/api/ui/signin",
            json!({"name": "alice", "password": "password-123"}),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    b2.csrf = body["csrf_token"].as_str().map(str::to_owned);
    assert_bench_imported(&mut b2, id, 4, 12).await;
}

/// The job finished with every item done, and each `bench-NNNN` package of `repos` has all
/// `releases` versions and one file per release, none twice.
async fn assert_bench_imported(b: &mut Browser, id: i64, repos: usize, releases: usize) {
    let job = finished_job(b, id).await;
    assert!(
        job["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "done"),
        "{job}"
    );
    for i in 1..=repos {
        let (_, pkg) = b.get(&format!("/packages/alice/gh/bench-{i:04}")).await;
        assert_eq!(pkg["versions"].as_array().unwrap().len(), releases, "{pkg}");
        let (_, files) = b
            .get(&format!("/packages/alice/gh/bench-{i:04}/files"))
            .await;
        assert_eq!(
            files.as_array().unwrap().len(),
            releases,
            "one asset per release, none twice"
        );
    }
}

#[tokio::test]
async fn progress_streams_as_server_sent_events_until_the_end() {
    let w = world().await;
    let mut b = linked_alice_with_repo(&w).await;
    let id = start_import(
        &mut b,
        json!([{"full_name": format!("{DEMO_USER}/tag-only"), "releases": "all"}]),
        false,
    )
    .await;
    let cookie = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let res = raw_client()
        .get(w.server.url(&format!("/api/ui/imports/{id}/events")))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    // The stream ends by itself once the job has finished; its last event says so.
    let body = tokio::time::timeout(Duration::from_secs(20), res.text())
        .await
        .unwrap()
        .unwrap();
    let last = body
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("data: "))
        .unwrap();
    let job: Value = serde_json::from_str(last).unwrap();
    assert_eq!(job["status"], "finished");
    // Anonymous: not found.
    let res = raw_client()
        .get(w.server.url(&format!("/api/ui/imports/{id}/events")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// Monorepo and Go-module tags (`@scope/pkg@x`, `cli/vX`, `sdk/vX`) and two published
/// releases on one tag, as GitHub has them.
fn awkward_repos() -> github_standin::DataFile {
    serde_json::from_value(json!({"repos": [
        {"owner": DEMO_USER, "name": "biome", "releases": [
            {"tag": "cli/v1.9.4", "name": "CLI v1.9.4", "body": "The old CLI",
             "assets": [{"name": "biome-linux-x64", "text": "cli 1.9.4 binary"}]},
            {"tag": "@biomejs/biome@2.4.16", "name": "Biome CLI v2.4.16", "body": "## Fixes",
             "assets": [{"name": "biome-linux-x64", "text": "biome 2.4.16 binary"}]}
        ]},
        {"owner": DEMO_USER, "name": "go-sdk", "tags": [{"name": "sdk/v1.2.3"}, {"name": "tools/v0.3.0"}]},
        {"owner": DEMO_USER, "name": "cases", "tags": [{"name": "v1.0"}, {"name": "V1.0"},
            {"name": format!("v{}", "9".repeat(300))}]},
        {"owner": DEMO_USER, "name": "winpodx", "releases": [
            {"tag": "v0.4.1", "name": "winpodx 0.4.1", "body": "Notes of 0.4.1",
             "assets": [{"name": "winpodx-0.4.1.tar.gz", "text": "tarball"},
                        {"name": "winpodx-0.4.1.zip", "text": "zip"}]},
            {"tag": "v0.4.1"}
        ]}
    ]}))
    .unwrap()
}

#[tokio::test]
async fn tags_with_slashes_and_at_signs_become_versions_that_keep_the_tag() {
    let w = world().await;
    w.gh.add_data(&awkward_repos()).unwrap();
    let mut b = linked_alice_with_repo(&w).await;
    let id = start_import(
        &mut b,
        json!([{"full_name": format!("{DEMO_USER}/biome"), "releases": "all"},
               {"full_name": format!("{DEMO_USER}/go-sdk"), "releases": "all"}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    for item in job["items"].as_array().unwrap() {
        assert_eq!(item["status"], "done", "{job}");
    }
    let (_, pkg) = b.get("/packages/alice/gh/biome").await;
    let mut versions: Vec<String> = serde_json::from_value(pkg["versions"].clone()).unwrap();
    versions.sort();
    assert_eq!(versions, ["@biomejs~biome@2.4.16", "cli~v1.9.4"], "{pkg}");
    assert_eq!(pkg["latest_version"], "@biomejs~biome@2.4.16");
    for (tag, name, title) in [
        (
            "@biomejs/biome@2.4.16",
            "@biomejs~biome@2.4.16",
            "Biome CLI v2.4.16",
        ),
        ("cli/v1.9.4", "cli~v1.9.4", "CLI v1.9.4"),
    ] {
        let enc = app::domain::url::path_segment(name);
        let (code, v) = b
            .get(&format!("/packages/alice/gh/biome/versions/{enc}"))
            .await;
        assert_eq!(code, 200, "{v}");
        assert_eq!(v["vcs_tag"], tag);
        assert_eq!(v["desc"], title);
        // Both releases have an asset of the same name: each is stored under its version.
        let asset =
            w.gh.asset_id(DEMO_USER, "biome", tag, "biome-linux-x64")
                .unwrap();
        let (content, _) = w.gh.asset_content(asset).unwrap();
        let res = raw_client()
            .get(
                w.server
                    .url(&format!("/dl/alice/gh/biome/{enc}/biome-linux-x64")),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.bytes().await.unwrap(), content);
    }

    let (_, sdk) = b.get("/packages/alice/gh/go-sdk").await;
    let mut versions: Vec<String> = serde_json::from_value(sdk["versions"].clone()).unwrap();
    versions.sort();
    assert_eq!(versions, ["sdk~v1.2.3", "tools~v0.3.0"]);
    for (tag, name) in [
        ("sdk/v1.2.3", "sdk~v1.2.3"),
        ("tools/v0.3.0", "tools~v0.3.0"),
    ] {
        let (code, v) = b
            .get(&format!("/packages/alice/gh/go-sdk/versions/{name}"))
            .await;
        assert_eq!(code, 200, "{v}");
        assert_eq!(v["vcs_tag"], tag);
    }

    // Choosing releases by their exact tag works too.
    let id = start_import(
        &mut b,
        json!([{"full_name": format!("{DEMO_USER}/go-sdk"), "releases": {"only": ["sdk/v1.2.3", "sdk/v9"]}}]),
        false,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    let message = job["items"][0]["message"].as_str().unwrap_or_default();
    assert_eq!(message, "sdk/v9: no longer on GitHub", "{job}");
}

#[tokio::test]
async fn tags_that_differ_in_case_are_two_versions_and_a_too_long_one_is_a_clear_failure() {
    let w = world().await;
    w.gh.add_data(&awkward_repos()).unwrap();
    let mut b = linked_alice_with_repo(&w).await;
    let id = start_import(
        &mut b,
        json!([{"full_name": format!("{DEMO_USER}/cases"), "releases": "all"}]),
        false,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    let item = &job["items"][0];
    assert_eq!(item["status"], "failed", "{job}");
    let message = item["message"].as_str().unwrap();
    assert!(
        message.starts_with("v999")
            && message.ends_with("version name must be at most 255 characters long"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    let (_, pkg) = b.get("/packages/alice/gh/cases").await;
    let mut versions: Vec<String> = serde_json::from_value(pkg["versions"].clone()).unwrap();
    versions.sort();
    assert_eq!(versions, ["V1.0", "v1.0"]);
}

#[tokio::test]
async fn two_published_releases_on_one_tag_keep_the_richer_one() {
    let w = world().await;
    w.gh.add_data(&awkward_repos()).unwrap();
    let mut b = linked_alice_with_repo(&w).await;
    let id = start_import(
        &mut b,
        json!([{"full_name": format!("{DEMO_USER}/winpodx"), "releases": "all"}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");
    let (_, pkg) = b.get("/packages/alice/gh/winpodx").await;
    assert_eq!(pkg["versions"], json!(["v0.4.1"]));
    let (_, v) = b.get("/packages/alice/gh/winpodx/versions/v0.4.1").await;
    assert_eq!(v["desc"], "winpodx 0.4.1", "{v}");
    assert_eq!(v["vcs_tag"], "v0.4.1");
    let (_, notes) = b
        .get("/packages/alice/gh/winpodx/versions/v0.4.1/release_notes")
        .await;
    assert_eq!(notes["bintray"]["content"], "Notes of 0.4.1", "{notes}");
    let (_, files) = b
        .get("/packages/alice/gh/winpodx/versions/v0.4.1/files")
        .await;
    let mut names: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["winpodx-0.4.1.tar.gz", "winpodx-0.4.1.zip"]);
    assert_eq!(job["items"][0]["versions_total"], 1, "{job}");
    // The picker offers the tag once, with what will be imported.
    let (code, rel) = b
        .post(
            "/api/ui/github/releases",
            json!({"repos": [format!("{DEMO_USER}/winpodx")]}),
        )
        .await;
    assert_eq!(code, 200, "{rel}");
    let offered = &rel["repos"][format!("{DEMO_USER}/winpodx")]["releases"];
    assert_eq!(offered.as_array().unwrap().len(), 1, "{rel}");
    assert_eq!(offered[0]["title"], "winpodx 0.4.1");
    assert_eq!(offered[0]["assets"], 2);
}

/// Puts `user` on the Premium plan or back on Free with `wharf user plan`, the
/// administrator's command, run beside the running server on its data directory.
async fn set_plan(server: &TestServer, user: &str, premium: bool) {
    let data = server.data_dir.path().join("data");
    let database = server.config.database.as_ref().map(|d| d.as_url());
    let args = [
        "user".to_owned(),
        "plan".to_owned(),
        user.to_owned(),
        if premium { "premium" } else { "free" }.to_owned(),
    ];
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_wharf"));
        for (key, _) in std::env::vars() {
            if key.starts_with("WHARF_") {
                cmd.env_remove(key);
            }
        }
        if let Some(url) = &database {
            cmd.env("WHARF_DATABASE_URL", url);
        }
        cmd.env("WHARF_DATA_DIR", &data)
            .env("WHARF_LOG", "warn")
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `octocat-demo/dotfiles` and an organisation's `acme/dotfiles` (octocat-demo is a
/// member), each with a release v1 carrying an `install.sh` of its own bytes.
fn add_dotfiles(gh: &StandInHandle) {
    let data = github_standin::DataFile::from_json(
        &json!({
            "users": [{"login": "acme", "type": "Organization", "members": [DEMO_USER]}],
            "repos": [
                {"owner": DEMO_USER, "name": "dotfiles", "releases": [{"tag": "v1",
                    "assets": [{"name": "install.sh", "text": "#!/bin/sh\necho octocat\n"}]}]},
                {"owner": "acme", "name": "dotfiles", "releases": [{"tag": "v1",
                    "assets": [{"name": "install.sh", "text": "#!/bin/sh\necho acme\n"}]}]}
            ]
        })
        .to_string(),
    )
    .unwrap();
    gh.add_data(&data).unwrap();
}

async fn import_request(b: &mut Browser, repo: &str, names: &[&str], extra: Value) -> (u16, Value) {
    let repos: Vec<Value> = names
        .iter()
        .map(|n| json!({"full_name": n, "releases": "all"}))
        .collect();
    let mut body = json!({"subject": "alice", "repo": repo, "repos": repos, "with_assets": true, "publish": true});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    b.post("/api/ui/imports", body).await
}

async fn download(w: &World, path: &str) -> (u16, Vec<u8>) {
    let res = raw_client().get(w.server.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn two_repositories_with_one_name_in_one_import_are_refused_before_any_write() {
    let w = world().await;
    add_dotfiles(&w.gh);
    let mut b = linked_alice_with_repo(&w).await;
    let blobs = w.server.blob_files().len();
    let (code, body) = import_request(
        &mut b,
        "gh",
        &[&format!("{DEMO_USER}/dotfiles"), "acme/dotfiles"],
        json!({}),
    )
    .await;
    assert_eq!(code, 409, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("octocat-demo/dotfiles") && message.contains("acme/dotfiles"),
        "both repositories are named: {message}"
    );
    // Nothing was written: no package, no job, no blob.
    assert_eq!(b.get("/packages/alice/gh/dotfiles").await.0, 404);
    assert_eq!(w.server.blob_files().len(), blobs);

    // One of them alone imports, with its own bytes.
    let (code, body) =
        import_request(&mut b, "gh", &[&format!("{DEMO_USER}/dotfiles")], json!({})).await;
    assert_eq!(code, 201, "{body}");
    let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");
    let (status, bytes) = download(&w, "/dl/alice/gh/dotfiles/v1/install.sh").await;
    assert_eq!(status, 200);
    assert_eq!(bytes, b"#!/bin/sh\necho octocat\n");
}

#[tokio::test]
async fn a_package_imported_from_one_repository_is_not_taken_over_by_another() {
    let w = world().await;
    add_dotfiles(&w.gh);
    let mut b = linked_alice_with_repo(&w).await;
    let octocat = format!("{DEMO_USER}/dotfiles");
    let (_, body) = import_request(&mut b, "gh", &[&octocat], json!({})).await;
    let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");

    // A later import of acme/dotfiles is refused, naming the package's own repository.
    let (code, body) = import_request(&mut b, "gh", &["acme/dotfiles"], json!({})).await;
    assert_eq!(code, 409, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("acme/dotfiles") && message.contains(&octocat),
        "{message}"
    );
    let (_, pkg) = b.get("/packages/alice/gh/dotfiles").await;
    assert_eq!(pkg["github_repo"], octocat);
    let (_, bytes) = download(&w, "/dl/alice/gh/dotfiles/v1/install.sh").await;
    assert_eq!(bytes, b"#!/bin/sh\necho octocat\n");
    // Re-importing its own repository still updates it.
    let (code, body) = import_request(&mut b, "gh", &[&octocat], json!({})).await;
    assert_eq!(code, 201, "{body}");
    let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");

    // A package made by hand is left alone, with a reason naming it.
    assert_eq!(
        b.post("/packages/alice/gh", json!({"name": "hello-tool"}))
            .await
            .0,
        201
    );
    let (code, body) = import_request(
        &mut b,
        "gh",
        &[&format!("{DEMO_USER}/hello-tool")],
        json!({}),
    )
    .await;
    assert_eq!(code, 409, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("“hello-tool”, which already exists and was not imported from GitHub"),
        "{body}"
    );
    let (_, pkg) = b.get("/packages/alice/gh/hello-tool").await;
    assert_eq!(pkg["versions"], json!([]));
    assert_eq!(pkg["github_repo"], Value::Null);

    // Two jobs started together both pass the start (no package yet); as they run, one
    // makes the package and the other is refused: never one package with both's bytes.
    assert_eq!(
        b.post("/repos/alice/gh2", json!({"type": "generic"}))
            .await
            .0,
        201
    );
    w.gh.set_latency(Duration::from_millis(150));
    let (c1, first) = import_request(&mut b, "gh2", &[&octocat], json!({})).await;
    let (c2, second) = import_request(&mut b, "gh2", &["acme/dotfiles"], json!({})).await;
    assert_eq!((c1, c2), (201, 201), "{first} {second}");
    let first = finished_job(&mut b, first["id"].as_i64().unwrap()).await;
    let second = finished_job(&mut b, second["id"].as_i64().unwrap()).await;
    w.gh.set_latency(Duration::ZERO);
    let items = [&first["items"][0], &second["items"][0]];
    let done: Vec<_> = items.iter().filter(|i| i["status"] == "done").collect();
    let failed: Vec<_> = items.iter().filter(|i| i["status"] == "failed").collect();
    assert_eq!((done.len(), failed.len()), (1, 1), "{first} {second}");
    let reason = failed[0]["message"].as_str().unwrap();
    assert!(
        reason.contains("“dotfiles”, which was imported from"),
        "{reason}"
    );
    let (_, pkg) = b.get("/packages/alice/gh2/dotfiles").await;
    assert_eq!(pkg["github_repo"], done[0]["repo"]);
    let (_, bytes) = download(&w, "/dl/alice/gh2/dotfiles/v1/install.sh").await;
    let owner = if done[0]["repo"] == octocat.as_str() {
        "octocat"
    } else {
        "acme"
    };
    assert_eq!(bytes, format!("#!/bin/sh\necho {owner}\n").into_bytes());

    // A package made by hand while a job waits for GitHub is not taken over either.
    assert_eq!(
        b.post("/repos/alice/gh3", json!({"type": "generic"}))
            .await
            .0,
        201
    );
    w.gh.set_latency(Duration::from_millis(300));
    let (code, body) = import_request(&mut b, "gh3", &["acme/dotfiles"], json!({})).await;
    assert_eq!(code, 201, "{body}");
    assert_eq!(
        b.post("/packages/alice/gh3", json!({"name": "dotfiles"}))
            .await
            .0,
        201
    );
    let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
    w.gh.set_latency(Duration::ZERO);
    assert_eq!(job["items"][0]["status"], "failed", "{job}");
    assert!(
        job["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("was not imported from GitHub"),
        "{job}"
    );
    let (_, pkg) = b.get("/packages/alice/gh3/dotfiles").await;
    assert_eq!(pkg["versions"], json!([]));
    assert_eq!(pkg["github_repo"], Value::Null);
}

/// Alice on Premium with “Access private repositories” granted, and a private Wharf
/// repository `gh` (so that no confirmation is involved).
async fn premium_alice_with_private_grant(w: &World) -> Browser {
    let mut b = Browser::new(&w.server.url);
    b.sign_up("alice").await;
    set_plan(&w.server, "alice", true).await;
    b.link_github(DEMO_USER, true).await;
    let (code, body) = b
        .post(
            "/repos/alice/gh",
            json!({"type": "generic", "private": true}),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    b
}

/// What an import of `private-notes` would have written: nothing, anywhere.
async fn assert_nothing_of_private_notes(w: &World, b: &mut Browser, blobs: usize) {
    assert_eq!(b.get("/packages/alice/gh/private-notes").await.0, 404);
    let (code, files) = b.get("/search/file?name=notes.txt&subject=alice").await;
    assert_eq!((code, files), (200, json!([])), "no file");
    assert_eq!(w.server.blob_files().len(), blobs, "no blob");
}

#[tokio::test]
async fn back_on_free_a_hand_made_request_cannot_import_a_private_repository() {
    let w = world().await;
    let mut b = premium_alice_with_private_grant(&w).await;
    let notes = format!("{DEMO_USER}/private-notes");
    let (_, list) = b.get("/api/ui/github/repos").await;
    assert!(names(&list).contains(&notes), "Premium lists it: {list}");

    set_plan(&w.server, "alice", false).await;
    // The listing hides it, and so do the releases and the account's status...
    let (_, list) = b.get("/api/ui/github/repos").await;
    assert_eq!(list["private_access"], false);
    assert!(!names(&list).contains(&notes), "{list}");
    let (_, rel) = b
        .post("/api/ui/github/releases", json!({"repos": [notes]}))
        .await;
    assert_eq!(rel["repos"].get(&notes), None, "{rel}");
    assert!(rel["failed"][&notes].as_str().unwrap().contains("Premium"));
    let (_, status) = b.get("/api/ui/github").await;
    assert_eq!(status["linked"]["private_access"], false);
    // ...and a request made by hand is refused before anything is written.
    let blobs = w.server.blob_files().len();
    let (code, body) = import_request(
        &mut b,
        "gh",
        &[&notes, &format!("{DEMO_USER}/tag-only")],
        json!({"confirm_private_to_public": true}),
    )
    .await;
    assert_eq!(code, 403, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains(&notes) && message.contains("Premium"),
        "{message}"
    );
    assert_nothing_of_private_notes(&w, &mut b, blobs).await;
    assert_eq!(b.get("/packages/alice/gh/tag-only").await.0, 404);
}

#[tokio::test]
async fn an_account_moved_to_free_while_its_job_runs_imports_nothing_private() {
    let w = world().await;
    let mut b = premium_alice_with_private_grant(&w).await;
    let notes = format!("{DEMO_USER}/private-notes");
    let hello = format!("{DEMO_USER}/hello-tool");
    // GitHub is slow: the job is still on hello-tool (a dozen requests) when the plan
    // changes.
    w.gh.set_latency(Duration::from_millis(250));
    let (code, body) = import_request(&mut b, "gh", &[&hello, &notes], json!({})).await;
    assert_eq!(code, 201, "{body}");
    set_plan(&w.server, "alice", false).await;
    let blobs_before_notes = {
        let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
        w.gh.set_latency(Duration::ZERO);
        let items = job["items"].as_array().unwrap();
        let item = |name: &str| items.iter().find(|i| i["repo"] == name).unwrap().clone();
        assert_eq!(item(&hello)["status"], "done", "{job}");
        let refused = item(&notes);
        assert_eq!(refused["status"], "failed", "{job}");
        let reason = refused["message"].as_str().unwrap();
        assert!(
            reason.contains(&notes) && reason.contains("private on GitHub"),
            "{reason}"
        );
        w.server.blob_files().len()
    };
    assert_nothing_of_private_notes(&w, &mut b, blobs_before_notes).await;
    assert_eq!(b.get("/packages/alice/gh/hello-tool").await.0, 200);
}

#[tokio::test]
async fn a_private_repository_goes_into_a_public_one_only_when_confirmed() {
    let w = world_with(StandInConfig::default(), true).await;
    let mut b = Browser::new(&w.server.url);
    b.sign_up("alice").await;
    b.link_github(DEMO_USER, true).await;
    assert_eq!(
        b.post("/repos/alice/gh", json!({"type": "generic"}))
            .await
            .0,
        201
    );
    let (_, target) = b.get("/api/ui/imports/target/alice/gh").await;
    assert_eq!(target["private"], false, "{target}");
    let notes = format!("{DEMO_USER}/private-notes");
    let blobs = w.server.blob_files().len();
    let (code, body) = import_request(&mut b, "gh", &[&notes], json!({})).await;
    assert_eq!(code, 409, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains(&notes) && message.contains("alice/gh is a public repository"),
        "{message}"
    );
    assert_nothing_of_private_notes(&w, &mut b, blobs).await;
    // A public GitHub repository needs no confirmation.
    let (code, body) =
        import_request(&mut b, "gh", &[&format!("{DEMO_USER}/tag-only")], json!({})).await;
    assert_eq!(code, 201, "{body}");
    finished_job(&mut b, body["id"].as_i64().unwrap()).await;

    let (code, body) = import_request(
        &mut b,
        "gh",
        &[&notes],
        json!({"confirm_private_to_public": true}),
    )
    .await;
    assert_eq!(code, 201, "{body}");
    let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");
    let (status, bytes) = download(&w, "/dl/alice/gh/private-notes/v1/notes.txt").await;
    assert_eq!((status, bytes), (200, b"private\n".to_vec()));

    // A private target made public while a job runs: the item checks again.
    assert_eq!(
        b.post(
            "/repos/alice/quiet",
            json!({"type": "generic", "private": true})
        )
        .await
        .0,
        201
    );
    w.gh.set_latency(Duration::from_millis(300));
    let (code, body) = import_request(
        &mut b,
        "quiet",
        &[&format!("{DEMO_USER}/secret-agent")],
        json!({}),
    )
    .await;
    assert_eq!(code, 201, "{body}");
    let (code, changed) = b
        .json(
            reqwest::Method::PATCH,
            "/repos/alice/quiet",
            Some(json!({"private": false})),
        )
        .await;
    assert_eq!(code, 200, "{changed}");
    let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
    w.gh.set_latency(Duration::ZERO);
    assert_eq!(job["items"][0]["status"], "failed", "{job}");
    assert!(job["items"][0]["message"]
        .as_str()
        .unwrap()
        .contains("alice/quiet is a public repository"));
    assert_eq!(b.get("/packages/alice/quiet/secret-agent").await.0, 404);
}

/// "Latest" is GitHub's latest release: not the pre-release, not whichever was imported
/// last; the version list is newest first by release date.
#[tokio::test]
async fn latest_is_the_newest_release_that_is_not_a_pre_release() {
    let w = world().await;
    let mut b = linked_alice_with_repo(&w).await;
    let hello = format!("{DEMO_USER}/hello-tool");
    let id = start_import(
        &mut b,
        json!([{"full_name": hello, "releases": {"only": ["v1.0.0", "v1.1.0", "v1.2.0-rc.1"]}}]),
        true,
    )
    .await;
    finished_job(&mut b, id).await;
    let (_, pkg) = b.get("/packages/alice/gh/hello-tool").await;
    assert_eq!(pkg["latest_version"], "v1.1.0", "{pkg}");
    // The older release imported afterwards does not become latest.
    let id = start_import(
        &mut b,
        json!([{"full_name": hello, "releases": {"only": ["v0.9.0"]}}]),
        true,
    )
    .await;
    finished_job(&mut b, id).await;
    let (_, pkg) = b.get("/packages/alice/gh/hello-tool").await;
    assert_eq!(pkg["latest_version"], "v1.1.0", "{pkg}");
    assert_eq!(
        pkg["versions"],
        json!(["v1.2.0-rc.1", "v1.1.0", "v1.0.0", "v0.9.0"]),
        "newest first by release date"
    );
    let (_, latest) = b
        .get("/packages/alice/gh/hello-tool/versions/_latest")
        .await;
    assert_eq!(latest["name"], "v1.1.0");
    let badge = b
        .send(
            b.client.get(
                w.server
                    .url("/packages/alice/gh/hello-tool/images/download.svg"),
            ),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        badge.contains("v1.1.0") && !badge.contains("rc.1"),
        "{badge}"
    );
}

/// Bintray's ordinary `github_repo` field (the Gradle plugin's `githubRepo` sets it) grants
/// nothing: a package made by hand that names `octocat-demo/hello-tool` is still made by
/// hand, so importing that repository is refused before anything is written, and the
/// hand-uploaded, published file keeps its bytes. Neither does a PATCH of the field.
#[tokio::test]
async fn a_hand_made_package_naming_the_github_repository_is_not_taken_over() {
    let w = world().await;
    let mut b = linked_alice_with_repo(&w).await;
    let hello = format!("{DEMO_USER}/hello-tool");
    let (code, body) = b
        .post(
            "/packages/alice/gh",
            json!({"name": "hello-tool", "github_repo": hello, "desc": "my own"}),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    let put = b.client.put(
        w.server
            .url("/content/alice/gh/hello-tool/v1.0.0/hello-tool/v1.0.0/SHA256SUMS.txt?publish=1"),
    );
    let res = b.send(put.body("HAND MADE, PUBLISHED")).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let blobs = w.server.blob_files().len();

    for _ in 0..2 {
        let (code, body) = import_request(&mut b, "gh", &[&hello], json!({})).await;
        assert_eq!(code, 409, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("“hello-tool”, which already exists and was not imported from GitHub"),
            "{body}"
        );
        // Setting the field again afterwards grants nothing either.
        let (code, body) = b
            .json(
                reqwest::Method::PATCH,
                "/packages/alice/gh/hello-tool",
                Some(json!({"github_repo": hello})),
            )
            .await;
        assert_eq!(code, 200, "{body}");
    }
    let (status, bytes) = download(&w, "/dl/alice/gh/hello-tool/v1.0.0/SHA256SUMS.txt").await;
    assert_eq!(status, 200);
    assert_eq!(bytes, b"HAND MADE, PUBLISHED");
    let (_, pkg) = b.get("/packages/alice/gh/hello-tool").await;
    assert_eq!(pkg["desc"], "my own");
    assert_eq!(pkg["versions"], json!(["v1.0.0"]));
    assert_eq!(w.server.blob_files().len(), blobs);

    // A package the import itself created is still updated by the next import.
    assert_eq!(
        b.post("/repos/alice/gh2", json!({"type": "generic"}))
            .await
            .0,
        201
    );
    for _ in 0..2 {
        let (code, body) = import_request(&mut b, "gh2", &[&hello], json!({})).await;
        assert_eq!(code, 201, "{body}");
        let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
        assert_eq!(job["items"][0]["status"], "done", "{job}");
    }
    // A published file that a person replaced by hand in that imported package is not
    // replaced by the next import; the import says why.
    let sums = "/dl/alice/gh2/hello-tool/v1.0.0/SHA256SUMS.txt";
    let (_, github_bytes) = download(&w, sums).await;
    assert_ne!(github_bytes, b"MINE NOW");
    let put = b.client.put(w.server.url(
        "/content/alice/gh2/hello-tool/v1.0.0/hello-tool/v1.0.0/SHA256SUMS.txt?publish=1&override=1",
    ));
    let res = b.send(put.body("MINE NOW")).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let (code, body) = import_request(&mut b, "gh2", &[&hello], json!({})).await;
    assert_eq!(code, 201, "{body}");
    let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
    assert!(job.to_string().contains("uploaded by hand"), "{job}");
    assert_eq!(download(&w, sums).await.1, b"MINE NOW");
}

/// GitHub names ignore case: `acme/DOTFILES` is `acme/dotfiles`, whose package `dotfiles`
/// was imported from another repository, so the start refuses it (it used to pass the
/// start and fail as it ran); so does a package name that differs only in case.
#[tokio::test]
async fn a_repository_named_in_another_case_is_refused_at_the_start() {
    let w = world().await;
    add_dotfiles(&w.gh);
    let mut b = linked_alice_with_repo(&w).await;
    let octocat = format!("{DEMO_USER}/dotfiles");
    let (_, body) = import_request(&mut b, "gh", &[&octocat], json!({})).await;
    let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");
    for name in ["acme/dotfiles", "acme/DOTFILES", "ACME/DotFiles"] {
        let (code, body) = import_request(&mut b, "gh", &[name], json!({})).await;
        assert_eq!(code, 409, "{name}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(&octocat),
            "{body}"
        );
    }
    // Its own repository, in any case, still updates it.
    let (code, body) = import_request(&mut b, "gh", &[&octocat.to_uppercase()], json!({})).await;
    assert_eq!(code, 201, "{body}");
    let job = finished_job(&mut b, body["id"].as_i64().unwrap()).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");
    let (_, bytes) = download(&w, "/dl/alice/gh/dotfiles/v1/install.sh").await;
    assert_eq!(bytes, b"#!/bin/sh\necho octocat\n");
}

#[tokio::test]
async fn an_asset_whose_name_cannot_be_a_file_path_fails_its_release_clearly() {
    let w = world().await;
    w.gh.add_data(
        &serde_json::from_value(json!({"repos": [
            {"owner": DEMO_USER, "name": "semi", "releases": [
                {"tag": "v1.0", "name": "1.0", "body": "",
                 "assets": [{"name": "a;b=c.txt", "text": "matrix-looking"}]},
                {"tag": "v2.0", "name": "2.0", "body": "",
                 "assets": [{"name": "evil\u{202E}txt.exe", "text": "bidi"}]}
            ]}
        ]}))
        .unwrap(),
    )
    .unwrap();
    let mut b = linked_alice_with_repo(&w).await;
    let id = start_import(
        &mut b,
        json!([{"full_name": format!("{DEMO_USER}/semi"), "releases": "all"}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    let message = job["items"][0]["message"].as_str().unwrap_or("").to_owned();
    assert_eq!(job["items"][0]["status"], "failed", "{job}");
    assert!(
        message.contains("a;b=c.txt") || message.contains("U+202E"),
        "{job}"
    );
    // Neither asset was stored under a path no endpoint could address.
    let (_, files) = b
        .get("/packages/alice/gh/semi/files?include_unpublished=1")
        .await;
    let paths: Vec<&str> = files
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["path"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        paths
            .iter()
            .all(|p| !p.contains(';') && !p.contains('\u{202E}')),
        "{files}"
    );
}

/// Issue 10 item 9: the job records, per repository, which versions were new, updated
/// or unchanged, so a re-import can say so.
#[tokio::test]
async fn a_reimport_tells_new_updated_and_unchanged_versions_apart() {
    let w = world().await;
    let mut b = linked_alice_with_repo(&w).await;
    let hello = format!("{DEMO_USER}/hello-tool");
    let id = start_import(
        &mut b,
        json!([{"full_name": hello, "releases": {"only": ["v1.0.0", "v1.1.0"]}}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    let first = &job["items"][0]["outcomes"];
    let mut new: Vec<&str> = first["new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    new.sort();
    assert_eq!(new, ["v1.0.0", "v1.1.0"], "{job}");
    assert_eq!(first["updated"], json!([]));
    assert_eq!(first["unchanged"], json!([]));

    // Someone edits v1.0.0 by hand; the re-import puts GitHub's title back.
    let (code, body) = b
        .json(
            reqwest::Method::PATCH,
            "/packages/alice/gh/hello-tool/versions/v1.0.0",
            Some(json!({"desc": "changed by hand"})),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    let id = start_import(
        &mut b,
        json!([{"full_name": hello, "releases": "all"}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    let again = &job["items"][0]["outcomes"];
    assert_eq!(again["updated"], json!(["v1.0.0"]), "{job}");
    assert_eq!(again["unchanged"], json!(["v1.1.0"]), "{job}");
    let mut new: Vec<&str> = again["new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    new.sort();
    assert_eq!(new, ["v0.9.0", "v1.2.0-rc.1"], "{job}");
    let (_, v1) = b.get("/packages/alice/gh/hello-tool/versions/v1.0.0").await;
    assert_eq!(v1["desc"], "Hello Tool 1.0");

    // A third time nothing changes.
    let id = start_import(
        &mut b,
        json!([{"full_name": hello, "releases": "all"}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    let third = &job["items"][0]["outcomes"];
    assert_eq!(third["new"], json!([]), "{job}");
    assert_eq!(third["updated"], json!([]), "{job}");
    assert_eq!(third["unchanged"].as_array().unwrap().len(), 4, "{job}");

    // The import tree's target marks what is imported, by GitHub repository.
    let (_, target) = b.get("/api/ui/imports/target/alice/gh").await;
    let mut tags: Vec<&str> = target["imported"][hello.to_lowercase()]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    tags.sort();
    assert_eq!(
        tags,
        ["v0.9.0", "v1.0.0", "v1.1.0", "v1.2.0-rc.1"],
        "{target}"
    );
}

/// Issue 10 item 4: "Grant access to private repositories" authorizes the linked account
/// again with the `repo` scope, without disconnecting: the old token is not revoked, and
/// the new one replaces it only once GitHub approved, for the same GitHub account.
#[tokio::test]
async fn granting_private_access_widens_the_link_without_disconnecting() {
    let w = world_with(StandInConfig::default(), true).await;
    let mut b = Browser::new(&w.server.url);
    b.sign_up("carol").await;
    // Not linked yet: nothing to widen.
    let (code, body) = b.authorize("grant", false).await;
    assert_eq!(code, 409, "{body}");
    b.link_github(DEMO_USER, false).await;
    let before = stored_token(&w.server, "carol").await.unwrap();
    let (_, status) = b.get("/api/ui/github").await;
    assert_eq!(status["linked"]["private_access"], false);

    // Declined on GitHub: the link is as it was.
    let (code, body) = b.authorize("grant", false).await;
    assert_eq!(code, 200, "{body}");
    let callback = b
        .consent(body["url"].as_str().unwrap(), DEMO_USER, "deny")
        .await;
    let next = b.back_from_github(&callback).await;
    assert!(next.starts_with("/profile?github_error="), "{next}");
    // A sentence that says the link is untouched.
    assert!(
        decode(&next)
            .contains("=The authorization was cancelled on GitHub. Your GitHub link is intact"),
        "{next}"
    );
    assert_eq!(stored_token(&w.server, "carol").await.unwrap(), before);

    // Approved as another GitHub account: refused, the link is as it was.
    let (_, body) = b.authorize("grant", false).await;
    let callback = b
        .consent(body["url"].as_str().unwrap(), "hubot-demo", "approve")
        .await;
    let next = b.back_from_github(&callback).await;
    assert!(decode(&next).contains("linked to octocat-demo"), "{next}");
    assert!(
        decode(&next).contains("=You approved on GitHub as hubot-demo")
            && decode(&next).contains("Your link to octocat-demo is intact"),
        "{next}"
    );
    assert_eq!(stored_token(&w.server, "carol").await.unwrap(), before);

    // Approved as the linked account: the new token (with `repo`) replaces the old one,
    // which is not revoked; the account stays linked throughout.
    let (_, body) = b.authorize("grant", false).await;
    assert!(body["url"].as_str().unwrap().contains("repo"), "{body}");
    let callback = b
        .consent(body["url"].as_str().unwrap(), DEMO_USER, "approve")
        .await;
    assert_eq!(
        b.back_from_github(&callback).await,
        "/profile?github=granted"
    );
    let after = stored_token(&w.server, "carol").await.unwrap();
    assert_ne!(after, before);
    assert!(
        w.gh.standin().token_is_valid(&before),
        "the old token was revoked"
    );
    let (_, status) = b.get("/api/ui/github").await;
    assert_eq!(status["linked"]["private_access"], true);
    assert_eq!(status["linked"]["login"], DEMO_USER);
    let (_, list) = b.get("/api/ui/github/repos").await;
    assert_eq!(list["private_access"], true);
}

/// Issue 11 item 1: one imported release is one unit of work. When writing its files
/// fails, the release leaves no version and no file behind. Its assets were stored as
/// blobs before the release's unit of work began (no write lock is held while objects
/// are placed), and nothing refers to them: the collector removes them after its grace
/// period. Importing again after the failure is lifted writes all of it.
#[tokio::test]
async fn a_release_whose_file_step_fails_leaves_no_version() {
    let w = world().await;
    let mut b = linked_alice_with_repo(&w).await;
    let hello = format!("{DEMO_USER}/hello-tool");
    let failing = w.server.fail_inserts_into("files").await;
    let id = start_import(
        &mut b,
        json!([{"full_name": hello, "releases": "all"}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    assert_ne!(job["items"][0]["status"], "done", "{job}");
    assert_eq!(w.server.count("SELECT COUNT(*) FROM versions").await, 0);
    assert_eq!(w.server.count("SELECT COUNT(*) FROM files").await, 0);
    let referenced = "SELECT COUNT(*) FROM blobs b \
                      WHERE EXISTS (SELECT 1 FROM files f WHERE f.blob_sha256 = b.sha256)";
    assert_eq!(w.server.count(referenced).await, 0);
    failing.lift().await;
    let id = start_import(
        &mut b,
        json!([{"full_name": hello, "releases": "all"}]),
        true,
    )
    .await;
    let job = finished_job(&mut b, id).await;
    assert_eq!(job["items"][0]["status"], "done", "{job}");
    assert!(w.server.count("SELECT COUNT(*) FROM versions").await > 0);
    assert!(w.server.count("SELECT COUNT(*) FROM files").await > 0);
}

/// Issue 12 item 3: two replicas on one database. A session made on one works on the
/// other; the replica running an import is SIGKILLed mid-job, and the other one takes
/// the job over once its lease runs out and finishes it, with every release imported
/// exactly once.
#[tokio::test]
async fn a_replica_killed_mid_import_is_taken_over_by_the_other() {
    let gh = StandIn::start(StandInConfig {
        generate: Some((3, 12)),
        ..Default::default()
    })
    .await
    .unwrap();
    let (_keep, dist) = fake_dist();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The backends of the suite (a database and a prefix of this test's own), and GitHub.
    let mut settings = suite_backends().await;
    settings.extend(github_settings(&gh));
    let mut a = start_replica(&data, &dist, &settings);
    let b = start_replica(&data, &dist, &settings);

    let mut browser = Browser::new(&a.url);
    browser.sign_up("alice").await;
    browser.link_github(DEMO_USER, false).await;
    assert_eq!(
        browser
            .post("/repos/alice/gh", json!({"type": "generic"}))
            .await
            .0,
        201
    );
    // The session made on A is good on B.
    browser.base = b.url.clone();
    let (code, me) = browser.get("/api/ui/session").await;
    assert_eq!(code, 200, "{me}");
    browser.base = a.url.clone();

    gh.set_latency(Duration::from_millis(40));
    let repos: Vec<Value> = (1..=3)
        .map(|i| json!({"full_name": format!("{DEMO_USER}/bench-{i:04}"), "releases": "all"}))
        .collect();
    let id = start_import(&mut browser, Value::Array(repos), true).await;
    loop {
        let (_, job) = browser.get(&format!("/api/ui/imports/{id}")).await;
        assert_ne!(
            job["status"], "finished",
            "the import finished before the kill"
        );
        let done: i64 = job["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["versions_done"].as_i64().unwrap())
            .sum();
        if done >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    gh.set_latency(Duration::ZERO);

    browser.base = b.url.clone();
    assert_bench_imported(&mut browser, id, 3, 12).await;
    drop(b);
}

/// Releases without assets are written in units of several hundred (issue 15); a
/// repository with more than one unit's worth gets every version once, in release order.
#[tokio::test]
async fn a_repository_with_more_releases_than_one_unit_of_work_imports_every_one() {
    let w = world_with(
        StandInConfig {
            generate: Some((1, 1_100)),
            ..Default::default()
        },
        false,
    )
    .await;
    let mut b = linked_alice_with_repo(&w).await;
    let repos = json!([{"full_name": format!("{DEMO_USER}/bench-0001"), "releases": "all"}]);
    let id = start_import(&mut b, repos.clone(), false).await;
    let job = finished_job(&mut b, id).await;
    let item = &job["items"][0];
    assert_eq!(item["status"], "done", "{item}");
    assert_eq!(item["versions_done"], 1_100);
    assert_eq!(item["outcomes"]["new"].as_array().unwrap().len(), 1_100);
    let (_, pkg) = b.get("/packages/alice/gh/bench-0001").await;
    let versions = pkg["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1_100);
    let distinct: std::collections::BTreeSet<&str> =
        versions.iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(distinct.len(), 1_100, "no version twice");
    // Newest first; without files no version is "latest" (it needs a published file).
    assert_eq!(versions[0], "v1.1099.0");
    assert_eq!(versions[1_099], "v1.0.0");

    // Again: every version is there already and unchanged.
    let id = start_import(&mut b, repos, false).await;
    let job = finished_job(&mut b, id).await;
    let o = &job["items"][0]["outcomes"];
    assert_eq!(o["unchanged"].as_array().unwrap().len(), 1_100, "{o}");
    assert!(o["new"].as_array().is_none_or(|n| n.is_empty()), "{o}");
}
