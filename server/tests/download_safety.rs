//! Uploaded bytes served from Wharf's own origin never run as Wharf: every download answer
//! carries a sandboxing Content-Security-Policy and `nosniff` (an uploaded `.html` or
//! `.svg` could otherwise read the viewer's CSRF token and act as them).

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

fn assert_sandboxed(headers: &reqwest::header::HeaderMap, what: &str) {
    let csp = headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"))
        .to_str()
        .unwrap();
    assert!(
        csp.split(';').any(|d| d.trim() == "sandbox"),
        "{what}: {csp}"
    );
    assert!(csp.contains("default-src 'none'"), "{what}: {csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
}

#[tokio::test]
async fn active_content_is_served_sandboxed_in_every_answer() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let bob = Api::user(&server, "bob", &server.add_user("bob").await);
    let anon = Api::anonymous(&server);
    assert_eq!(bob.post("/repos/bob/pages", json!({})).await.0, 201);
    assert_eq!(
        bob.post("/repos/bob/m2", json!({"type": "maven"})).await.0,
        201
    );
    assert_eq!(
        bob.post("/packages/bob/pages", json!({"name": "site"}))
            .await
            .0,
        201
    );
    let evil = "<script>fetch('/api/ui/session')</script>";
    for name in ["evil.html", "evil.svg", "evil.xhtml", "plain.txt"] {
        let (status, body) = bob
            .send(
                bob.request(
                    Method::PUT,
                    &format!("/content/bob/pages/site/1.0/{name}?publish=1"),
                )
                .body(evil),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let res = anon
            .request(Method::GET, &format!("/dl/bob/pages/{name}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_sandboxed(res.headers(), name);
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        // Ranges, revalidation and HEAD answer the same way.
        let partial = anon
            .request(Method::GET, &format!("/dl/bob/pages/{name}"))
            .header("range", "bytes=0-3")
            .send()
            .await
            .unwrap();
        assert_eq!(partial.status(), 206);
        assert_sandboxed(partial.headers(), name);
        let cached = anon
            .request(Method::GET, &format!("/dl/bob/pages/{name}"))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(cached.status(), 304);
        assert_sandboxed(cached.headers(), name);
        let head = anon
            .request(Method::HEAD, &format!("/dl/bob/pages/{name}"))
            .send()
            .await
            .unwrap();
        assert_sandboxed(head.headers(), name);
    }
    // Files Wharf writes itself (Maven metadata) too.
    assert_eq!(
        bob.post("/packages/bob/m2", json!({"name": "lib"})).await.0,
        201
    );
    let (status, body) = bob
        .send(
            bob.request(
                Method::PUT,
                "/maven/bob/m2/lib/org/example/lib/1.0/lib-1.0.jar;publish=1",
            )
            .body("jar"),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let meta = anon
        .request(Method::GET, "/dl/bob/m2/org/example/lib/maven-metadata.xml")
        .send()
        .await
        .unwrap();
    assert_eq!(meta.status(), 200);
    assert_sandboxed(meta.headers(), "maven-metadata.xml");
}
