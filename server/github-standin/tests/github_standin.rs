//! The GitHub stand-in over real HTTP: the OAuth web flow (PKCE, state, errors at 200),
//! pagination, ETags, 401s, private repositories and scopes, rate-limit faults, the asset
//! redirect to the second port, token revocation, and the binary.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use github_standin::{
    sha256_digest, Fault, StandIn, StandInConfig, StandInHandle, DEMO_USER, SECOND_USER,
};
use reqwest::header::{ACCEPT, AUTHORIZATION, IF_NONE_MATCH, LOCATION, USER_AGENT};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

const CALLBACK: &str = "http://127.0.0.1:9/auth/github/callback";

async fn start() -> StandInHandle {
    StandIn::start(StandInConfig::default()).await.unwrap()
}

fn raw() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn query_of(location: &str) -> HashMap<String, String> {
    let url = reqwest::Url::parse(location).unwrap();
    url.query_pairs().into_owned().collect()
}

fn pkce() -> (String, String) {
    let verifier = "a-verifier-that-is-long-enough-for-pkce-0123456789".to_owned();
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&verifier));
    (verifier, challenge)
}

/// Approves (or denies) on the authorize page; returns the redirect's query.
async fn authorize(
    gh: &StandInHandle,
    decision: &str,
    login: Option<&str>,
    challenge: Option<&str>,
) -> HashMap<String, String> {
    let mut form = vec![
        ("client_id", "wharf-demo"),
        ("redirect_uri", CALLBACK),
        ("scope", "repo read:user"),
        ("state", "state-123"),
        ("decision", decision),
    ];
    if let Some(c) = challenge {
        form.push(("code_challenge", c));
        form.push(("code_challenge_method", "S256"));
    }
    if let Some(l) = login {
        form.push(("login", l));
    }
    let res = raw()
        .post(format!("{}/login/oauth/authorize", gh.web_url))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with(CALLBACK), "{location}");
    query_of(&location)
}

async fn exchange(gh: &StandInHandle, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let res = raw()
        .post(format!("{}/login/oauth/access_token", gh.web_url))
        .header(ACCEPT, "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

async fn api(gh: &StandInHandle, token: &str, path: &str) -> reqwest::Response {
    raw()
        .get(format!("{}{path}", gh.api_url))
        .header(USER_AGENT, "wharf-tests")
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
}

async fn api_json(gh: &StandInHandle, token: &str, path: &str) -> Value {
    let res = api(gh, token, path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn oauth_happy_path_with_pkce_and_a_reused_code() {
    let gh = start().await;
    let (verifier, challenge) = pkce();
    let page = raw()
        .get(format!(
            "{}/login/oauth/authorize?client_id=wharf-demo&redirect_uri={}&scope=repo%20read:user&state=s&code_challenge={challenge}&code_challenge_method=S256",
            gh.web_url, CALLBACK
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Authorize Wharf (demo)"), "{html}");
    assert!(html.contains(DEMO_USER));
    assert!(html.contains("<code>repo</code>"));
    assert!(html.contains(">Approve</button>") && html.contains(">Deny</button>"));

    let q = authorize(&gh, "approve", None, Some(&challenge)).await;
    assert_eq!(q["state"], "state-123");
    let code = q["code"].clone();
    let form = [
        ("client_id", "wharf-demo"),
        ("client_secret", "wharf-demo-secret"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier.as_str()),
    ];
    let (status, body) = exchange(&gh, &form).await;
    assert_eq!(status, StatusCode::OK);
    let token = body["access_token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("gho_"), "{body}");
    assert_eq!(body["scope"], "repo,read:user");
    assert_eq!(body["token_type"], "bearer");

    let res = api(&gh, &token, "/user").await;
    assert_eq!(res.headers()["x-oauth-scopes"], "repo, read:user");
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["login"], DEMO_USER);
    assert!(user["total_private_repos"].as_u64().unwrap() >= 2);

    // A code works once.
    let (status, body) = exchange(&gh, &form).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["error"], "bad_verification_code");
    assert!(body["error_uri"].as_str().unwrap().starts_with("https://"));
    assert!(body.get("access_token").is_none());
}

#[tokio::test]
async fn token_endpoint_errors_come_at_200() {
    let gh = start().await;
    let (verifier, challenge) = pkce();
    let code = authorize(&gh, "approve", None, Some(&challenge)).await["code"].clone();

    let wrong_verifier = [
        ("client_id", "wharf-demo"),
        ("client_secret", "wharf-demo-secret"),
        ("code", code.as_str()),
        (
            "code_verifier",
            "not-the-verifier-not-the-verifier-not-the-verifier",
        ),
    ];
    let (status, body) = exchange(&gh, &wrong_verifier).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::OK, Some("bad_verification_code"))
    );

    let wrong_secret = [
        ("client_id", "wharf-demo"),
        ("client_secret", "nope"),
        ("code", code.as_str()),
        ("code_verifier", verifier.as_str()),
    ];
    let (status, body) = exchange(&gh, &wrong_secret).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::OK, Some("incorrect_client_credentials"))
    );

    let other_redirect = [
        ("client_id", "wharf-demo"),
        ("client_secret", "wharf-demo-secret"),
        ("code", code.as_str()),
        ("redirect_uri", "http://127.0.0.1:9/elsewhere"),
        ("code_verifier", verifier.as_str()),
    ];
    let (_, body) = exchange(&gh, &other_redirect).await;
    assert_eq!(body["error"], "redirect_uri_mismatch");

    // Credentials in a Basic header, no Accept: a form-encoded answer, as GitHub's default.
    let res = raw()
        .post(format!("{}/login/oauth/access_token", gh.web_url))
        .basic_auth("wharf-demo", Some("wharf-demo-secret"))
        .form(&[
            ("code", code.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
    let text = res.text().await.unwrap();
    let fields: HashMap<String, String> = form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect();
    assert!(fields["access_token"].starts_with("gho_"), "{text}");
    assert_eq!(fields["scope"], "repo,read:user");
}

#[tokio::test]
async fn codes_expire() {
    let gh = StandIn::start(StandInConfig {
        code_ttl: Duration::from_millis(50),
        ..StandInConfig::default()
    })
    .await
    .unwrap();
    let code = authorize(&gh, "approve", None, None).await["code"].clone();
    tokio::time::sleep(Duration::from_millis(120)).await;
    let (_, body) = exchange(
        &gh,
        &[
            ("client_id", "wharf-demo"),
            ("client_secret", "wharf-demo-secret"),
            ("code", code.as_str()),
        ],
    )
    .await;
    assert_eq!(body["error"], "bad_verification_code");
}

#[tokio::test]
async fn deny_and_unknown_clients() {
    let gh = start().await;
    let q = authorize(&gh, "deny", None, None).await;
    assert_eq!(q["error"], "access_denied");
    assert_eq!(q["state"], "state-123");
    assert!(!q.contains_key("code"));

    let res = raw()
        .get(format!(
            "{}/login/oauth/authorize?client_id=who&redirect_uri={CALLBACK}",
            gh.web_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = raw()
        .get(format!(
            "{}/login/oauth/authorize?client_id=wharf-demo&redirect_uri={CALLBACK}&code_challenge=abc&code_challenge_method=plain",
            gh.web_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_second_identity_can_sign_in() {
    let gh = start().await;
    let page = raw()
        .get(format!(
            "{}/login/oauth/authorize?client_id=wharf-demo&redirect_uri={CALLBACK}&login={SECOND_USER}",
            gh.web_url
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("<option value=\"{SECOND_USER}\" selected>")));
    let code = authorize(&gh, "approve", Some(SECOND_USER), None).await["code"].clone();
    let (_, body) = exchange(
        &gh,
        &[
            ("client_id", "wharf-demo"),
            ("client_secret", "wharf-demo-secret"),
            ("code", code.as_str()),
        ],
    )
    .await;
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(api_json(&gh, token, "/user").await["login"], SECOND_USER);
}

#[tokio::test]
async fn pagination_follows_link_headers_at_both_roots() {
    let gh = start().await;
    let token = gh.issue_token(DEMO_USER, &["repo"]).unwrap();
    let all = names(&api_json(&gh, &token, "/user/repos?per_page=100").await);
    assert!(all.len() >= 9, "{all:?}");

    for root in [gh.api_url.clone(), gh.api_v3_url.clone()] {
        let mut url = format!("{root}/user/repos?per_page=2");
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let res = raw()
                .get(&url)
                .header(USER_AGENT, "t")
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            pages += 1;
            let link = res
                .headers()
                .get("link")
                .map(|l| l.to_str().unwrap().to_owned());
            let body: Value = res.json().await.unwrap();
            seen.extend(names(&body));
            if pages == 1 {
                let link = link.clone().unwrap();
                assert!(link.contains("rel=\"next\"") && link.contains("rel=\"last\""));
                assert!(!link.contains("rel=\"prev\""));
            }
            let next = link.as_deref().and_then(|l| {
                l.split(',').find(|p| p.contains("rel=\"next\"")).map(|p| {
                    p.trim()
                        .trim_start_matches('<')
                        .split('>')
                        .next()
                        .unwrap()
                        .to_owned()
                })
            });
            match next {
                Some(n) => {
                    assert!(n.starts_with(&root), "{n} under {root}");
                    url = n;
                }
                None => {
                    let link = link.unwrap();
                    assert!(link.contains("rel=\"prev\"") && link.contains("rel=\"first\""));
                    break;
                }
            }
        }
        assert_eq!(pages, all.len().div_ceil(2));
        assert_eq!(seen, all);
    }
    // URLs in bodies follow the root the request came through.
    let v3 = raw()
        .get(format!("{}/repos/{DEMO_USER}/hello-tool", gh.api_v3_url))
        .header(USER_AGENT, "t")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        v3["url"],
        format!("{}/repos/{DEMO_USER}/hello-tool", gh.api_v3_url)
    );
}

#[tokio::test]
async fn etags_give_free_304s() {
    let gh = start().await;
    let token = gh.issue_token(DEMO_USER, &["repo"]).unwrap();
    let path = format!("/repos/{DEMO_USER}/hello-tool/releases");
    let first = api(&gh, &token, &path).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"'), "strong: {etag}");
    let remaining = first.headers()["x-ratelimit-remaining"].clone();
    let again = raw()
        .get(format!("{}{path}", gh.api_url))
        .header(USER_AGENT, "t")
        .bearer_auth(&token)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["x-ratelimit-remaining"], remaining);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    let c = gh.counters();
    assert_eq!((c.not_modified, c.charged), (1, 1));
    assert_eq!(c.by_route["GET /repos/{owner}/{repo}/releases"], 2);
}

#[tokio::test]
async fn bad_credentials_and_a_missing_user_agent() {
    let gh = start().await;
    let res = api(&gh, "gho_not-a-token", "/user").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().contains_key("x-ratelimit-limit"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["message"], "Bad credentials");
    assert!(body["documentation_url"].is_string());

    let res = raw()
        .get(format!("{}/user", gh.api_url))
        .header(USER_AGENT, "t")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let token = gh.issue_token(DEMO_USER, &[]).unwrap();
    let res = raw()
        .get(format!("{}/user", gh.api_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The legacy `token` scheme works too.
    let res = raw()
        .get(format!("{}/user", gh.api_url))
        .header(USER_AGENT, "t")
        .header(AUTHORIZATION, format!("token {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn private_repositories_need_the_repo_scope_and_drafts_push_access() {
    let gh = start().await;
    let public_only = gh.issue_token(DEMO_USER, &["read:user"]).unwrap();
    let full = gh.issue_token(DEMO_USER, &["repo"]).unwrap();
    let listed = api_json(&gh, &public_only, "/user/repos?per_page=100").await;
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["private"] == false));
    let secret = format!("/repos/{DEMO_USER}/secret-agent");
    assert_eq!(
        api(&gh, &public_only, &secret).await.status(),
        StatusCode::NOT_FOUND
    );
    let repo = api_json(&gh, &full, &secret).await;
    assert_eq!(
        (repo["private"].as_bool(), repo["visibility"].as_str()),
        (Some(true), Some("private"))
    );

    let private = names(&api_json(&gh, &full, "/user/repos?visibility=private&per_page=100").await);
    assert!(private.contains(&format!("{DEMO_USER}/secret-agent")));
    assert!(
        private.contains(&format!("{SECOND_USER}/shared-lib")),
        "collaborator"
    );
    assert!(
        private.contains(&"wharf-demo-org/org-private".to_owned()),
        "organisation"
    );
    let owned = names(&api_json(&gh, &full, "/user/repos?affiliation=owner&per_page=100").await);
    assert!(owned.iter().all(|n| n.starts_with(DEMO_USER)));
    let res = api(&gh, &full, "/user/repos?type=owner&visibility=public").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Drafts: the owner sees them, another user does not.
    let releases = format!("/repos/{DEMO_USER}/hello-tool/releases");
    let mine = api_json(&gh, &full, &releases).await;
    assert!(mine.as_array().unwrap().iter().any(|r| r["draft"] == true));
    let draft = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["draft"] == true)
        .unwrap();
    assert!(draft["published_at"].is_null());
    let hubot = gh.issue_token(SECOND_USER, &["repo"]).unwrap();
    let theirs = api_json(&gh, &hubot, &releases).await;
    assert!(theirs
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["draft"] == false));
    assert_eq!(
        api(
            &gh,
            &hubot,
            &format!("/repos/{DEMO_USER}/hello-tool/releases/{}", draft["id"])
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    let latest = api_json(&gh, &full, &format!("{releases}/latest")).await;
    assert_eq!(
        latest["tag_name"], "v1.1.0",
        "not the prerelease, not the draft"
    );
    let by_tag = api_json(&gh, &full, &format!("{releases}/tags/v1.0.0")).await;
    assert_eq!(by_tag["assets"].as_array().unwrap().len(), 3);
    let tags = api_json(&gh, &full, &format!("/repos/{DEMO_USER}/tag-only/tags")).await;
    assert_eq!(tags.as_array().unwrap().len(), 3);
    assert!(tags[0]["commit"]["sha"].as_str().unwrap().len() == 40);
    let none = api_json(&gh, &full, &format!("/repos/{DEMO_USER}/tag-only/releases")).await;
    assert!(none.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn rate_limits_can_be_injected_and_exhausted() {
    let gh = start().await;
    let token = gh.issue_token(DEMO_USER, &["repo"]).unwrap();
    gh.inject_fault(Fault::secondary(429, Some(2)));
    let res = api(&gh, &token, "/user").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()["retry-after"], "2");
    let body: Value = res.json().await.unwrap();
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("secondary rate limit"));
    assert_eq!(api(&gh, &token, "/user").await.status(), StatusCode::OK);

    gh.inject_fault(Fault::primary(403, 30).times(2));
    for _ in 0..2 {
        let res = api(&gh, &token, "/user").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(res.headers()["x-ratelimit-remaining"], "0");
        let reset: i64 = res.headers()["x-ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(reset > chrono::Utc::now().timestamp());
    }
    assert_eq!(api(&gh, &token, "/user").await.status(), StatusCode::OK);

    // A real exhausted budget: refused until the window resets; /rate_limit stays free.
    assert!(gh.set_budget(Some(DEMO_USER), 0, Some(1)));
    let res = api(&gh, &token, "/user").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let limits = api_json(&gh, &token, "/rate_limit").await;
    assert_eq!(limits["resources"]["core"]["remaining"], 0);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let res = api(&gh, &token, "/user").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-ratelimit-remaining"], "4999");
    assert_eq!(gh.counters().rate_limited, 4);

    // Over HTTP too.
    let res = raw()
        .post(format!("{}/_standin/faults", gh.web_url))
        .json(&serde_json::json!({"kind": "secondary", "status": 403, "retry_after": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api(&gh, &token, "/user").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn assets_redirect_to_the_second_port_which_refuses_authorization() {
    let gh = start().await;
    let token = gh.issue_token(DEMO_USER, &["repo"]).unwrap();
    let id = gh
        .asset_id(
            DEMO_USER,
            "hello-tool",
            "v1.0.0",
            "hello-tool-1.0.0-x86_64-linux.tar.gz",
        )
        .unwrap();
    let path = format!("/repos/{DEMO_USER}/hello-tool/releases/assets/{id}");
    let meta = api_json(&gh, &token, &path).await;
    let (bytes, digest) = gh.asset_content(id).unwrap();
    assert_eq!(meta["digest"].as_str(), digest.as_deref());
    assert_eq!(digest.unwrap(), sha256_digest(&bytes));
    assert_eq!(meta["size"], bytes.len());
    assert_eq!(meta["url"], format!("{}{path}", gh.api_url));

    let res = raw()
        .get(format!("{}{path}", gh.api_url))
        .header(USER_AGENT, "t")
        .header(ACCEPT, "application/octet-stream")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with(&gh.asset_url), "{location}");
    assert_ne!(gh.asset_addr.port(), gh.main_addr.port());

    let with_auth = raw()
        .get(&location)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(with_auth.status(), StatusCode::BAD_REQUEST);
    assert!(with_auth
        .text()
        .await
        .unwrap()
        .contains("<Code>InvalidArgument</Code>"));
    let body = raw().get(&location).send().await.unwrap();
    assert_eq!(body.status(), StatusCode::OK);
    assert_eq!(body.bytes().await.unwrap(), bytes);
    let c = gh.counters();
    assert_eq!(
        (
            c.asset_requests,
            c.asset_requests_with_authorization,
            c.asset_downloads
        ),
        (2, 1, 1)
    );

    let tampered = location.replace("X-Amz-Signature=", "X-Amz-Signature=00");
    assert_eq!(
        raw().get(&tampered).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    // Old assets have no digest; a test can make one lie.
    let old = gh
        .asset_id(DEMO_USER, "hello-tool", "v0.9.0", "hello-tool-0.9.0.tar.gz")
        .unwrap();
    let old_meta = api_json(
        &gh,
        &token,
        &format!("/repos/{DEMO_USER}/hello-tool/releases/assets/{old}"),
    )
    .await;
    assert!(old_meta["digest"].is_null());
    assert!(gh.set_asset_digest(id, Some(format!("sha256:{}", "0".repeat(64)))));
    let meta = api_json(&gh, &token, &path).await;
    assert_eq!(meta["digest"], format!("sha256:{}", "0".repeat(64)));

    // Private assets are not downloadable by browser URL; public ones are.
    let public = raw()
        .get(meta["browser_download_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn the_app_can_check_and_revoke_a_token() {
    let gh = start().await;
    let token = gh.issue_token(DEMO_USER, &["repo"]).unwrap();
    let url = format!("{}/applications/wharf-demo/token", gh.api_url);
    let body = serde_json::json!({ "access_token": token });
    let check = raw()
        .post(&url)
        .header(USER_AGENT, "t")
        .basic_auth("wharf-demo", Some("wharf-demo-secret"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(check.status(), StatusCode::OK);
    let auth: Value = check.json().await.unwrap();
    assert_eq!(auth["user"]["login"], DEMO_USER);
    assert_eq!(auth["scopes"], serde_json::json!(["repo"]));

    let wrong = raw()
        .delete(&url)
        .header(USER_AGENT, "t")
        .basic_auth("wharf-demo", Some("nope"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(gh.token_is_valid(&token));

    let revoke = raw()
        .delete(&url)
        .header(USER_AGENT, "t")
        .basic_auth("wharf-demo", Some("wharf-demo-secret"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api(&gh, &token, "/user").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let check = raw()
        .post(&url)
        .header(USER_AGENT, "t")
        .basic_auth("wharf-demo", Some("wharf-demo-secret"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(check.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn data_can_be_added_at_runtime() {
    let gh = start().await;
    let token = gh.issue_token(DEMO_USER, &["repo"]).unwrap();
    let res = raw()
        .post(format!("{}/_standin/data", gh.web_url))
        .json(&serde_json::json!({
            "users": [{"login": "carol"}],
            "repos": [{"owner": "carol", "name": "carols-tool", "collaborators": [DEMO_USER],
                       "releases": [{"tag": "v9", "assets": [{"name": "a.txt", "text": "hi"}]}]}]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let rels = api_json(&gh, &token, "/repos/carol/carols-tool/releases").await;
    assert_eq!(rels[0]["assets"][0]["digest"], sha256_digest(b"hi"));
    let mine = names(&api_json(&gh, &token, "/user/repos?affiliation=collaborator").await);
    assert!(mine.contains(&"carol/carols-tool".to_owned()));
}

#[test]
fn the_binary_prints_its_address_and_stops_on_stdin_eof() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_github-standin"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--generate",
            "3:2",
            "--stop-on-stdin-eof",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let token: Value = raw()
            .post(format!("{url}/_standin/tokens"))
            .json(&serde_json::json!({"login": DEMO_USER, "scopes": ["repo"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let repos: Value = raw()
            .get(format!("{url}/user/repos?affiliation=owner&per_page=100"))
            .header(USER_AGENT, "t")
            .bearer_auth(token["token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(names(&repos).contains(&format!("{DEMO_USER}/bench-0003")));
    });
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success());
}
