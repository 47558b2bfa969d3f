//! Package and version answers carry an ETag and Cache-Control that clients and proxies
//! can use (issue 15): a 304 for a current copy, a new tag after any change, and answers
//! for a caller with credentials never marked public.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

async fn get(api: &Api, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut req = api.request(Method::GET, path);
    if let Some(tag) = etag {
        req = req.header("If-None-Match", tag);
    }
    req.send().await.unwrap()
}

fn etag(res: &reqwest::Response) -> String {
    res.headers()["etag"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn package_and_version_answers_revalidate_and_change_with_every_write() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let key = server.add_user("alice").await;
    let alice = Api::user(&server, "alice", &key);
    let anon = Api::anonymous(&server);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post(
                "/packages/alice/generic",
                json!({"name": "p", "licenses": ["MIT"], "vcs_url": "https://example.org/p.git"})
            )
            .await
            .0,
        201
    );
    assert_eq!(
        alice
            .post("/packages/alice/generic/p/versions", json!({"name": "1.0"}))
            .await
            .0,
        201
    );

    for path in [
        "/packages/alice/generic/p",
        "/packages/alice/generic/p/versions/1.0",
        "/api/v1/packages/alice/generic/p",
    ] {
        let first = get(&anon, path, None).await;
        assert_eq!(first.status(), 200, "{path}");
        assert_eq!(first.headers()["cache-control"], "public, no-cache");
        assert_eq!(first.headers()["vary"], "authorization, cookie");
        let tag = etag(&first);
        let body: serde_json::Value = first.json().await.unwrap();
        assert!(body["name"].is_string());
        for sent in [tag.clone(), format!("W/{tag}"), format!("\"other\", {tag}")] {
            let again = get(&anon, path, Some(&sent)).await;
            assert_eq!(again.status(), 304, "{path} with {sent}");
            assert_eq!(etag(&again), tag);
            assert!(again.bytes().await.unwrap().is_empty());
        }
        assert_eq!(get(&anon, path, Some("\"stale\"")).await.status(), 200);
        // The owner's answer is private to them.
        let own = get(&alice, path, None).await;
        assert_eq!(own.headers()["cache-control"], "private, no-cache");
    }

    // A change anywhere in the answer makes a new tag: a new version for the package, a
    // new description for the version, an attribute for both.
    let package = "/packages/alice/generic/p";
    let version = "/packages/alice/generic/p/versions/1.0";
    let (p0, v0) = (
        etag(&get(&anon, package, None).await),
        etag(&get(&anon, version, None).await),
    );
    assert_eq!(
        alice
            .post("/packages/alice/generic/p/versions", json!({"name": "1.1"}))
            .await
            .0,
        201
    );
    let p1 = get(&anon, package, Some(&p0)).await;
    assert_eq!(p1.status(), 200, "a new version changes the package");
    let p1 = etag(&p1);
    assert_ne!(p1, p0);
    assert_eq!(
        get(&anon, version, Some(&v0)).await.status(),
        304,
        "1.0 did not change"
    );
    assert_eq!(
        alice
            .patch(version, json!({"desc": "now described"}))
            .await
            .0,
        200
    );
    assert_eq!(get(&anon, version, Some(&v0)).await.status(), 200);
    assert_eq!(
        alice
            .post(
                "/packages/alice/generic/p/attributes",
                json!([{"name": "os", "values": ["linux"], "type": "string"}])
            )
            .await
            .0,
        200
    );
    assert_eq!(get(&anon, package, Some(&p1)).await.status(), 200);
}
