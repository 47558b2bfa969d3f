//! Searches, users, the download badge and the `_latestVersion` link: public things only.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

async fn setup() -> (TestServer, Api, Api, tempfile::TempDir) {
    let (dist_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    let anon = Api::anonymous(&server);
    assert_eq!(
        alice
            .post("/repos/alice/generic", json!({"desc": "public stuff"}))
            .await
            .0,
        201
    );
    assert_eq!(
        alice
            .post("/repos/alice/secret", json!({"private": true}))
            .await
            .0,
        201
    );
    assert_eq!(
        alice
            .post(
                "/packages/alice/generic",
                json!({"name": "tool-cli", "desc": "A command line tool"})
            )
            .await
            .0,
        201
    );
    assert_eq!(
        alice
            .post("/packages/alice/secret", json!({"name": "tool-hidden"}))
            .await
            .0,
        201
    );
    for (path, body) in [
        (
            "/content/alice/generic/tool-cli/1.0/tool-1.0.tar.gz?publish=1",
            "v1",
        ),
        (
            "/content/alice/generic/tool-cli/1.1/tool-1.1.tar.gz?publish=1",
            "v11",
        ),
        (
            "/content/alice/generic/tool-cli/2.0/tool-2.0.tar.gz",
            "unpublished",
        ),
        (
            "/content/alice/secret/tool-hidden/1.0/tool-secret.tar.gz?publish=1",
            "secret",
        ),
    ] {
        let (status, _) = alice
            .send(alice.request(Method::PUT, path).body(body))
            .await;
        assert_eq!(status, 201, "{path}");
    }
    (server, alice, anon, dist_keep)
}

#[tokio::test]
async fn package_search_sees_public_packages_only() {
    let (_s, alice, anon, _k) = setup().await;
    for who in [&anon, &alice] {
        let (status, body) = who.get("/search/packages?name=tool").await;
        assert_eq!(status, 200);
        let names: Vec<&str> = body
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["tool-cli"]);
    }
    let (_, body) = anon
        .get("/search/packages?desc=command&subject=alice&repo=generic")
        .await;
    assert_eq!(body[0]["latest_version"], "1.1");
    let (_, body) = anon.get("/search/packages?name=tool&repo=other").await;
    assert_eq!(body, json!([]));
    assert_eq!(anon.get("/search/packages").await.0, 400);
}

/// A search word with `+` in it (C++) reaches the server as typed, from the app's call.
#[tokio::test]
async fn a_search_for_c_plus_plus_finds_it() {
    let (_s, alice, anon, _k) = setup().await;
    assert_eq!(
        alice
            .post(
                "/packages/alice/generic",
                json!({"name": "bindings", "desc": "Bindings for C++ and C"})
            )
            .await
            .0,
        201
    );
    let (status, body) = anon
        .call(&app::endpoints::search_packages(
            app::endpoints::PackageSearchBy::Desc,
            "c++",
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    let names: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bindings"]);
}

#[tokio::test]
async fn file_search_by_glob_and_sha1() {
    let (_s, _alice, anon, _k) = setup().await;
    let (status, body) = anon.get("/search/file?name=tool-1.%2A.tar.gz").await;
    assert_eq!(status, 200, "{body}");
    let paths: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["tool-1.0.tar.gz", "tool-1.1.tar.gz"]);
    assert_eq!(body[0]["owner"], "alice");
    assert_eq!(body[0]["repo"], "generic");
    assert_eq!(body[0]["package"], "tool-cli");
    let (_, body) = anon.get("/search/file?name=tool-?.?.tar.gz").await;
    assert_eq!(
        body.as_array().unwrap().len(),
        2,
        "unpublished and private files stay out"
    );
    let sha1 = body[0]["sha1"].as_str().unwrap().to_owned();
    let (_, body) = anon
        .get(&format!("/search/file?sha1={}", sha1.to_uppercase()))
        .await;
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(anon.get("/search/file").await.0, 400);
}

#[tokio::test]
async fn users_show_their_visible_repositories() {
    let (_s, alice, anon, _k) = setup().await;
    let (status, body) = anon.get("/users/alice").await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "alice");
    assert_eq!(body["repos"], json!(["generic"]));
    let (_, body) = alice.get("/api/v1/users/alice").await;
    assert_eq!(body["repos"], json!(["generic", "secret"]));
    assert_eq!(anon.get("/users/nobody").await.0, 404);
}

#[tokio::test]
async fn badge_and_latest_version_link() {
    let (server, _alice, anon, _k) = setup().await;
    let res = anon
        .request(
            Method::GET,
            "/packages/alice/generic/tool-cli/images/download.svg",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "image/svg+xml; charset=utf-8"
    );
    let svg = res.text().await.unwrap();
    assert!(svg.contains(">1.1<"), "latest published version: {svg}");
    let (status, _) = anon
        .get("/packages/alice/secret/tool-hidden/images/download.svg")
        .await;
    assert_eq!(status, 404);

    let res = raw_client()
        .get(server.url("/alice/generic/tool-cli/_latestVersion"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/alice/generic/tool-cli/1.1");
    let res = raw_client()
        .get(server.url("/alice/secret/tool-hidden/_latestVersion"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}
