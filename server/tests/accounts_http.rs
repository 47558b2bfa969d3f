//! Accounts from the browser's side: sign-up, sessions in HttpOnly cookies, CSRF on
//! changes, the API key behind the password, sign-out, and slowed-down guessing.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

struct Browser {
    api: Api,
    cookie: Option<String>,
    csrf: Option<String>,
}

impl Browser {
    fn new(server: &TestServer) -> Browser {
        Browser {
            api: Api::anonymous(server),
            cookie: None,
            csrf: None,
        }
    }

    fn request(&self, method: Method, path: &str, csrf: bool) -> reqwest::RequestBuilder {
        let mut req = self.api.request(method, path);
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", format!("wharf_session={c}"));
        }
        if let (true, Some(t)) = (csrf, &self.csrf) {
            req = req.header("X-CSRF-Token", t);
        }
        req
    }

    async fn post(&self, path: &str, body: Value, csrf: bool) -> (u16, Value) {
        let req = self
            .request(Method::POST, path, csrf)
            .header("Content-Type", "application/json")
            .body(body.to_string());
        self.api.send(req).await
    }

    /// Signs up or in and keeps the cookie; returns the status and the Set-Cookie header.
    async fn enter(&mut self, path: &str, name: &str, password: &str) -> (u16, String, Value) {
        let res = self
            .api
            .request(Method::POST, path)
            .header("Content-Type", "application/json")
            .body(json!({"name": name, "password": password}).to_string())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let set_cookie = res
            .headers()
            .get("set-cookie")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body: Value = res.json().await.unwrap();
        if let Some(value) = set_cookie
            .strip_prefix("wharf_session=")
            .and_then(|rest| rest.split(';').next())
        {
            self.cookie = Some(value.to_owned());
            self.csrf = body["csrf_token"].as_str().map(str::to_owned);
        }
        (status, set_cookie, body)
    }
}

#[tokio::test]
async fn sign_up_gives_an_httponly_session_that_the_api_honours_with_csrf() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let mut b = Browser::new(&server);
    let (status, set_cookie, body) = b.enter("/api/ui/signup", "alice", "correct horse").await;
    assert_eq!(status, 201, "{body}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    assert_eq!(body["user"]["name"], "alice");
    assert_eq!(body["user"]["is_premium"], false);

    let (status, info) = b
        .api
        .send(b.request(Method::GET, "/api/ui/session", false))
        .await;
    assert_eq!(status, 200);
    assert_eq!(info["user"]["name"], "alice");
    assert_eq!(info["csrf_token"], body["csrf_token"]);

    // A change with the cookie but without the token is refused, and nothing is made.
    let (status, err) = b.post("/repos/alice/generic", json!({}), false).await;
    assert_eq!(
        (status, err),
        (403, json!({"message": "Missing or invalid CSRF token"}))
    );
    let (status, _) = b
        .api
        .send(b.request(Method::GET, "/repos/alice/generic", false))
        .await;
    assert_eq!(status, 404);
    let (status, _) = b
        .post("/repos/alice/generic", json!({"private": true}), true)
        .await;
    assert_eq!(status, 201);
    // Reads need no token, and the owner sees the private repository.
    let (status, repo) = b
        .api
        .send(b.request(Method::GET, "/repos/alice/generic", false))
        .await;
    assert_eq!((status, repo["private"].clone()), (200, json!(true)));

    // Sign-out ends the session for good.
    let (status, _) = b.post("/api/ui/signout", json!({}), true).await;
    assert_eq!(status, 200);
    let (_, info) = b
        .api
        .send(b.request(Method::GET, "/api/ui/session", false))
        .await;
    assert_eq!(info["user"], Value::Null);
    let (status, _) = b
        .api
        .send(b.request(Method::GET, "/repos/alice/generic", false))
        .await;
    assert_eq!(status, 404, "the private repository is hidden again");
}

#[tokio::test]
async fn the_api_key_is_revealed_and_regenerated_behind_the_password() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let mut b = Browser::new(&server);
    b.enter("/api/ui/signup", "alice", "correct horse").await;

    let (status, body) = b
        .post("/api/ui/api-key/reveal", json!({"password": "wrong"}), true)
        .await;
    assert_eq!(
        (status, body),
        (401, json!({"message": "the password is not right"}))
    );
    let (status, body) = b
        .post(
            "/api/ui/api-key/reveal",
            json!({"password": "correct horse"}),
            false,
        )
        .await;
    assert_eq!(status, 403, "CSRF token required: {body}");
    let (status, body) = b
        .post(
            "/api/ui/api-key/reveal",
            json!({"password": "correct horse"}),
            true,
        )
        .await;
    assert_eq!(status, 200);
    let key = body["api_key"].as_str().unwrap().to_owned();
    let with_key = Api::user(&server, "alice", &key);
    assert_eq!(
        with_key.post("/repos/alice/generic", json!({})).await.0,
        201
    );

    let (status, body) = b
        .post(
            "/api/ui/api-key/regenerate",
            json!({"password": "correct horse"}),
            true,
        )
        .await;
    assert_eq!(status, 200);
    let new_key = body["api_key"].as_str().unwrap().to_owned();
    assert_ne!(new_key, key);
    assert_eq!(
        with_key.get("/repos/alice").await.0,
        401,
        "the old key stops at once"
    );
    assert_eq!(
        Api::user(&server, "alice", &new_key)
            .get("/repos/alice")
            .await
            .0,
        200
    );

    let anon = Browser::new(&server);
    let (status, _) = anon
        .post("/api/ui/api-key/reveal", json!({"password": "x"}), false)
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn sign_in_errors_and_throttling() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let mut b = Browser::new(&server);
    assert_eq!(
        b.enter("/api/ui/signup", "bob", "bob's password").await.0,
        201
    );
    let (status, _, body) = b.enter("/api/ui/signup", "BOB", "other password").await;
    assert_eq!(
        (status, body),
        (409, json!({"message": "the name \"BOB\" is already taken"}))
    );
    let (status, _, body) = b.enter("/api/ui/signup", "api", "long enough").await;
    assert_eq!(status, 400, "{body}");
    let (status, _, _) = b.enter("/api/ui/signup", "carol", "short").await;
    assert_eq!(status, 400);

    let mut fresh = Browser::new(&server);
    assert_eq!(
        fresh
            .enter("/api/ui/signin", "Bob", "bob's password")
            .await
            .0,
        200
    );
    // A form from another site cannot sign anyone in: it cannot send JSON.
    let res = fresh
        .api
        .request(Method::POST, "/api/ui/signin")
        .header("Content-Type", "text/plain")
        .body(json!({"name": "bob", "password": "bob's password"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);

    for _ in 0..5 {
        let (status, _, body) = fresh.enter("/api/ui/signin", "bob", "guess").await;
        assert_eq!(
            (status, body),
            (401, json!({"message": "wrong user name or password"}))
        );
    }
    let res = fresh
        .api
        .request(Method::POST, "/api/ui/signin")
        .header("Content-Type", "application/json")
        .body(json!({"name": "bob", "password": "bob's password"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "even the right password waits now");
    assert!(res.headers().contains_key("retry-after"));

    // API-key guessing for a name is slowed down the same way.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let wrong = Api::user(&server, "dora", "0000000000000000000000000000000000000000");
        statuses.push(wrong.get("/repos/bob").await.0);
    }
    assert_eq!(statuses[..5], [401; 5]);
    assert_eq!(statuses[6], 429);
    // …but a stranger's wrong keys never lock the owner out: the right key still works
    // (a key is 160 random bits; the throttle only slows the guesses).
    let dora_key = server.add_user("dora").await;
    let wrong = Api::user(&server, "dora", "0000000000000000000000000000000000000000");
    for _ in 0..7 {
        wrong.get("/repos/bob").await;
    }
    assert_eq!(wrong.get("/repos/bob").await.0, 429);
    let dora = Api::user(&server, "dora", &dora_key);
    assert_eq!(dora.get("/repos/bob").await.0, 200);
    assert_eq!(dora.get("/repos/dora").await.0, 200);
}
