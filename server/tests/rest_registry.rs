//! The Bintray REST API v1 for repositories, packages and versions, over real HTTP
//! against a real SQLite database: codes, bodies, headers, paging, and who may see and
//! change what.

mod common;

use common::*;
use serde_json::json;

struct World {
    server: TestServer,
    alice: Api,
    bob: Api,
    anon: Api,
    _dist: tempfile::TempDir,
}

async fn world() -> World {
    let (dist_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice_key = server.add_user("alice").await;
    let bob_key = server.add_user("bob").await;
    World {
        alice: Api::user(&server, "alice", &alice_key),
        bob: Api::user(&server, "bob", &bob_key),
        anon: Api::anonymous(&server),
        server,
        _dist: dist_keep,
    }
}

#[tokio::test]
async fn repositories_are_created_read_updated_and_deleted_at_both_mounts() {
    let w = world().await;
    let (status, body) = w
        .alice
        .post(
            "/repos/alice/generic",
            json!({"name": "generic", "type": "generic", "private": false, "desc": "Files",
                   "labels": ["a", "b"], "business_unit": null, "gpg_sign_files": false}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["name"], "generic");
    assert_eq!(body["owner"], "alice");
    assert_eq!(body["type"], "generic");
    assert_eq!(body["private"], false);
    assert_eq!(body["package_count"], 0);
    assert_eq!(body["labels"], json!(["a", "b"]));
    let created = body["created"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == 24, "{created}");

    for base in ["", "/api/v1"] {
        let (status, body) = w.anon.get(&format!("{base}/repos/alice/generic")).await;
        assert_eq!(status, 200);
        assert_eq!(body["desc"], "Files");
        let (status, body) = w.anon.get(&format!("{base}/repos/alice")).await;
        assert_eq!(status, 200);
        assert_eq!(body, json!([{"name": "generic", "owner": "alice"}]));
        assert_eq!(
            w.anon.head(&format!("{base}/repos/alice/generic")).await,
            200
        );
        assert_eq!(w.anon.head(&format!("{base}/repos/alice/nope")).await, 404);
    }

    let (status, body) = w
        .alice
        .patch(
            "/repos/alice/generic",
            json!({"desc": "Changed", "labels": null}),
        )
        .await;
    assert_eq!((status, body), (200, json!({"message": "success"})));
    let (_, body) = w.anon.get("/repos/alice/generic").await;
    assert_eq!(body["desc"], "Changed");
    assert_eq!(
        body["labels"],
        json!(["a", "b"]),
        "null leaves labels alone"
    );

    let (status, body) = w.alice.delete("/api/v1/repos/alice/generic").await;
    assert_eq!((status, body), (200, json!({"message": "success"})));
    let (status, body) = w.anon.get("/repos/alice/generic").await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "Repo 'generic' was not found"}))
    );
}

#[tokio::test]
async fn repository_errors_have_bintrays_codes_and_messages() {
    let w = world().await;
    let (status, body) = w.anon.get("/repos/nobody").await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "Subject 'nobody' was not found"}))
    );

    let (status, body) = w.anon.post("/repos/alice/generic", json!({})).await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"message": "This resource requires authentication"})
        )
    );
    let (status, body) = w.bob.post("/repos/alice/generic", json!({})).await;
    assert_eq!((status, body), (403, json!({"message": "forbidden"})));

    let wrong = Api::user(
        &w.server,
        "alice",
        "0000000000000000000000000000000000000000",
    );
    let res = wrong
        .request(reqwest::Method::GET, "/repos/alice")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(
        !res.headers().contains_key("www-authenticate"),
        "no challenge: browsers would show their own login dialog"
    );

    let (status, _) = w
        .alice
        .post("/repos/alice/generic", json!({"type": "generic"}))
        .await;
    assert_eq!(status, 201);
    let (status, body) = w.alice.post("/repos/alice/generic", json!({})).await;
    assert_eq!(
        (status, body),
        (
            409,
            json!({"message": "Repository 'generic' already exists"})
        )
    );

    let (status, body) = w
        .alice
        .post("/repos/alice/pypi", json!({"type": "pypi"}))
        .await;
    assert_eq!(status, 400);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Unsupported repository type 'pypi'"));

    let (status, body) = w.alice.post("/repos/alice/bad..name", json!({})).await;
    assert_eq!(status, 400, "{body}");

    let (status, body) = w
        .alice
        .send(
            w.alice
                .request(reqwest::Method::POST, "/repos/alice/x")
                .body("{not json"),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Malformed JSON body"),
        "{body}"
    );

    let (status, body) = w
        .alice
        .post("/repos/alice/other", json!({"name": "different"}))
        .await;
    assert_eq!(status, 400, "{body}");
    // Nothing half-made by the refused requests.
    let (_, body) = w.alice.get("/repos/alice").await;
    assert_eq!(body, json!([{"name": "generic", "owner": "alice"}]));
}

#[tokio::test]
async fn private_repositories_are_invisible_to_everyone_but_their_owner() {
    let w = world().await;
    let (status, _) = w
        .alice
        .post(
            "/repos/alice/secret",
            json!({"type": "maven", "private": "true"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = w.alice.post("/repos/alice/open", json!({})).await;
    assert_eq!(status, 201);

    let (_, body) = w.alice.get("/repos/alice").await;
    assert_eq!(body.as_array().unwrap().len(), 2);
    for other in [&w.anon, &w.bob] {
        let (_, body) = other.get("/repos/alice").await;
        assert_eq!(body, json!([{"name": "open", "owner": "alice"}]));
        let (status, body) = other.get("/repos/alice/secret").await;
        assert_eq!(
            (status, body),
            (404, json!({"message": "Repo 'secret' was not found"}))
        );
        assert_eq!(other.head("/repos/alice/secret").await, 404);
    }
    // Even a change by someone else is "not found", never "forbidden".
    let (status, _) = w.bob.delete("/repos/alice/secret").await;
    assert_eq!(status, 404);
    let (status, _) = w.bob.delete("/repos/alice/open").await;
    assert_eq!(status, 403);
    let (_, body) = w.anon.get("/search/repos?name=e").await;
    let names: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["open"]);
}

async fn repo_with_package(w: &World) {
    assert_eq!(w.alice.post("/repos/alice/generic", json!({})).await.0, 201);
    let (status, body) = w
        .alice
        .post(
            "/packages/alice/generic",
            json!({"name": "mypkg", "desc": "My package", "labels": ["cli"],
                   "licenses": ["Apache-2.0"], "vcs_url": "https://example.org/x.git",
                   "website_url": null, "issue_tracker_url": null,
                   "public_download_numbers": false, "public_stats": false}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn packages_have_the_full_object_and_can_be_changed_by_their_owner() {
    let w = world().await;
    repo_with_package(&w).await;
    let (status, body) = w.anon.get("/packages/alice/generic/mypkg").await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "mypkg");
    assert_eq!(body["repo"], "generic");
    assert_eq!(body["owner"], "alice");
    assert_eq!(body["desc"], "My package");
    assert_eq!(body["licenses"], json!(["Apache-2.0"]));
    assert_eq!(body["vcs_url"], "https://example.org/x.git");
    assert_eq!(body["versions"], json!([]));
    assert_eq!(body["latest_version"], serde_json::Value::Null);
    assert_eq!(w.anon.head("/packages/alice/generic/mypkg").await, 200);
    assert_eq!(w.anon.head("/packages/alice/generic/nope").await, 404);

    let (status, body) = w
        .alice
        .patch(
            "/packages/alice/generic/mypkg",
            json!({"desc": "New", "website_url": "https://w.example"}),
        )
        .await;
    assert_eq!((status, body), (200, json!({"message": "success"})));
    let (_, body) = w.anon.get("/api/v1/packages/alice/generic/mypkg").await;
    assert_eq!(body["desc"], "New");
    assert_eq!(body["website_url"], "https://w.example");
    assert_eq!(body["licenses"], json!(["Apache-2.0"]));

    let (status, _) = w
        .bob
        .patch("/packages/alice/generic/mypkg", json!({"desc": "x"}))
        .await;
    assert_eq!(status, 403);
    let (status, body) = w
        .alice
        .post("/packages/alice/generic", json!({"name": "mypkg"}))
        .await;
    assert_eq!(
        (status, body),
        (409, json!({"message": "Package 'mypkg' already exists"}))
    );
    let (status, _) = w
        .alice
        .post(
            "/packages/alice/generic",
            json!({"name": "x", "vcs_url": "ftp://x"}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, body) = w.alice.get("/packages/alice/generic/none").await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "Package 'none' was not found"}))
    );

    let (status, _) = w.alice.delete("/packages/alice/generic/mypkg").await;
    assert_eq!(status, 200);
    assert_eq!(w.anon.head("/packages/alice/generic/mypkg").await, 404);
}

#[tokio::test]
async fn package_listing_pages_by_fifty_with_range_headers() {
    let w = world().await;
    assert_eq!(w.alice.post("/repos/alice/generic", json!({})).await.0, 201);
    for i in 0..120 {
        let (status, _) = w
            .alice
            .post(
                "/packages/alice/generic",
                json!({"name": format!("pkg_{i:03}")}),
            )
            .await;
        assert_eq!(status, 201);
    }
    let res = w
        .anon
        .request(
            reqwest::Method::GET,
            "/repos/alice/generic/packages?start_pos=100",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-rangelimit-total"], "120");
    assert_eq!(res.headers()["x-rangelimit-startpos"], "100");
    assert_eq!(res.headers()["x-rangelimit-endpos"], "119");
    let body: serde_json::Value = res.json().await.unwrap();
    let items = body.as_array().unwrap();
    assert_eq!(items.len(), 20);
    assert_eq!(items[0], json!({"name": "pkg_100", "linked": false}));

    let (_, body) = w.anon.get("/repos/alice/generic/packages").await;
    assert_eq!(body.as_array().unwrap().len(), 50);
    // `_` in the prefix is a character, not a wildcard.
    let (_, body) = w
        .anon
        .get("/repos/alice/generic/packages?start_name=pkg_11")
        .await;
    assert_eq!(body.as_array().unwrap().len(), 10);
    let (status, _) = w
        .anon
        .get("/repos/alice/generic/packages?start_pos=-3")
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn versions_are_created_read_changed_and_deleted() {
    let w = world().await;
    repo_with_package(&w).await;
    let base = "/packages/alice/generic/mypkg/versions";
    let (status, body) = w
        .alice
        .post(
            base,
            json!({"name": "1.0", "desc": "First", "released": "2019-07-01", "vcs_tag": "v1.0"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["name"], "1.0");
    assert_eq!(body["package"], "mypkg");
    assert_eq!(body["released"], "2019-07-01T00:00:00.000Z");
    assert_eq!(body["published"], false);
    assert_eq!(body["ordinal"], 1.0);
    let (status, body) = w.alice.post(base, json!({"name": "1.0"})).await;
    assert_eq!(
        (status, body),
        (
            409,
            json!({"message": "Version 1.0 for package 'mypkg' already exists"})
        )
    );
    assert_eq!(w.alice.post(base, json!({"name": "2.0"})).await.0, 201);

    let (_, body) = w.anon.get("/packages/alice/generic/mypkg").await;
    assert_eq!(body["versions"], json!(["2.0", "1.0"]), "newest first");

    let (status, body) = w.anon.get(&format!("{base}/1.0")).await;
    assert_eq!(status, 200);
    assert_eq!(body["vcs_tag"], "v1.0");
    assert_eq!(w.anon.head(&format!("{base}/1.0")).await, 200);
    // No version has a published file yet.
    let (status, body) = w.anon.get(&format!("{base}/_latest")).await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "Version '_latest' was not found"}))
    );

    let (status, _) = w
        .alice
        .patch(
            &format!("{base}/1.0"),
            json!({"desc": "Changed", "released": "bad"}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = w
        .alice
        .patch(&format!("{base}/1.0"), json!({"desc": "Changed"}))
        .await;
    assert_eq!(status, 200);
    let (_, body) = w.anon.get(&format!("{base}/1.0")).await;
    assert_eq!(body["desc"], "Changed");
    assert_eq!(body["released"], "2019-07-01T00:00:00.000Z");

    assert_eq!(w.bob.delete(&format!("{base}/1.0")).await.0, 403);
    assert_eq!(w.alice.delete(&format!("{base}/1.0")).await.0, 200);
    let (status, body) = w.anon.get(&format!("{base}/1.0")).await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "Version '1.0' was not found"}))
    );
}

#[tokio::test]
async fn unknown_api_paths_answer_json_not_the_app() {
    let w = world().await;
    for path in ["/repos", "/packages/alice", "/api/v1/nothing", "/content"] {
        let (status, body) = w.anon.get(path).await;
        assert_eq!(
            (status, body),
            (404, json!({"message": "Not Found"})),
            "{path}"
        );
    }
}

#[tokio::test]
async fn release_notes_are_kept_and_rendered_safely() {
    let w = world().await;
    repo_with_package(&w).await;
    let base = "/packages/alice/generic/mypkg/versions";
    assert_eq!(w.alice.post(base, json!({"name": "1.0"})).await.0, 201);
    let notes = format!("{base}/1.0/release_notes");
    let body = json!({"bintray": {"syntax": "markdown", "content": "# Fixed\n\n* a bug <script>alert(1)</script>"}});
    assert_eq!(w.bob.post(&notes, body.clone()).await.0, 403);
    assert_eq!(
        w.alice.post(&notes, body).await,
        (200, json!({"message": "success"}))
    );
    let (status, got) = w.anon.get(&notes).await;
    assert_eq!(status, 200);
    assert_eq!(got["bintray"]["syntax"], "MARKDOWN");
    assert!(got["bintray"]["content"]
        .as_str()
        .unwrap()
        .starts_with("# Fixed"));
    let (_, rendered) = w
        .anon
        .get("/api/ui/release-notes/alice/generic/mypkg/1.0")
        .await;
    let html = rendered["html"].as_str().unwrap();
    // Headings are shifted two levels down, under the page's own h1 and h2 (issue 10).
    assert!(html.contains("<h3>Fixed</h3>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    let (status, _) = w
        .alice
        .post(
            &notes,
            json!({"bintray": {"syntax": "asciidoc", "content": "= x"}}),
        )
        .await;
    assert_eq!(status, 400);
}
