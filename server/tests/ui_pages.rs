//! The pages' internal lists (`/api/ui/versions`, `/api/ui/files`, `/api/ui/packages`):
//! the version list agrees with the package's latest and the owner's mark, a version's
//! files carry their published state (unpublished ones for the owner only), and a
//! repository's packages come with description, latest version and GitHub origin.

mod common;

use common::*;
use serde_json::json;
use server::catalog::{find_version, Caller};
use server::db::VersionFields;

async fn put(api: &Api, path: &str, body: &str) {
    let (status, b) = api
        .send(
            api.request(reqwest::Method::PUT, path)
                .body(body.to_owned()),
        )
        .await;
    assert_eq!(status, 201, "{path}: {b}");
}

async fn version(api: &Api, name: &str, released: Option<&str>, publish: bool) {
    let mut body = json!({ "name": name });
    if let Some(r) = released {
        body["released"] = json!(r);
    }
    let (status, b) = api
        .post("/packages/alice/generic/tool/versions", body)
        .await;
    assert_eq!(status, 201, "{b}");
    let q = if publish { "?publish=1" } else { "" };
    put(
        api,
        &format!("/content/alice/generic/tool/{name}/tool-{name}.tgz{q}"),
        name,
    )
    .await;
}

#[tokio::test]
async fn the_version_list_shows_dates_marks_and_agrees_with_latest_and_the_pin() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    let anon = Api::anonymous(&server);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    let (status, _) = alice
        .post("/packages/alice/generic", json!({"name": "tool"}))
        .await;
    assert_eq!(status, 201);
    version(&alice, "1.0.0", Some("2020-01-01"), true).await;
    version(&alice, "1.1.0", Some("2021-01-01"), true).await;
    version(&alice, "1.2.0-rc.1", Some("2022-01-01"), true).await;
    version(&alice, "0.9.0", Some("2019-01-01"), true).await;
    version(&alice, "2.0.0", None, false).await;
    // 1.2.0-rc.1 is a pre-release (as an import of a GitHub pre-release marks it).
    let (db, _) = server.storage().await;
    let (_, _, rc) = find_version(
        &db,
        &Caller::anonymous(),
        "alice",
        "generic",
        "tool",
        "1.2.0-rc.1",
    )
    .await
    .unwrap();
    let fields = VersionFields {
        is_prerelease: true,
        ..VersionFields::from(&rc)
    };
    db.update_version(rc.id, &fields).await.unwrap();
    db.close().await;

    let list = || async { anon.get("/api/ui/versions/alice/generic/tool").await };
    let (status, body) = list().await;
    assert_eq!(status, 200, "{body}");
    let names: Vec<&str> = body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    // 2.0.0 has no date: it counts from its creation (now), so it comes first.
    assert_eq!(names, ["2.0.0", "1.2.0-rc.1", "1.1.0", "1.0.0", "0.9.0"]);
    assert_eq!(body["latest"], "1.1.0");
    assert_eq!(body["pinned"], json!(null));
    let rows = body["versions"].as_array().unwrap();
    assert_eq!(rows[0]["published"], false);
    assert_eq!(rows[0]["released"], json!(null));
    assert!(rows[0]["created"].as_str().unwrap().ends_with('Z'));
    assert_eq!(rows[1]["prerelease"], true);
    assert_eq!(rows[2]["released"], "2021-01-01T00:00:00.000Z");
    assert_eq!(rows[2]["prerelease"], false);
    let pkg = anon.get("/packages/alice/generic/tool").await.1;
    assert_eq!(pkg["latest_version"], body["latest"]);

    // The owner's mark wins and is reported; "" returns to the rule.
    let (status, b) = alice
        .patch(
            "/packages/alice/generic/tool",
            json!({"latest_version": "1.0.0"}),
        )
        .await;
    assert_eq!(status, 200, "{b}");
    let (_, body) = list().await;
    assert_eq!(body["latest"], "1.0.0");
    assert_eq!(body["pinned"], "1.0.0");
    let pkg = anon.get("/packages/alice/generic/tool").await.1;
    assert_eq!(pkg["latest_version"], "1.0.0");
    let (status, _) = alice
        .patch(
            "/packages/alice/generic/tool",
            json!({"latest_version": ""}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, body) = list().await;
    assert_eq!(body["latest"], "1.1.0");
    assert_eq!(body["pinned"], json!(null));

    // A package nobody can see answers 404.
    assert_eq!(anon.get("/api/ui/versions/alice/generic/nope").await.0, 404);
}

#[tokio::test]
async fn version_files_carry_their_state_and_unpublished_ones_only_reach_the_owner() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    let bob = Api::user(&server, "bob", &server.add_user("bob").await);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "tool"}))
            .await
            .0,
        201
    );
    put(
        &alice,
        "/content/alice/generic/tool/1.0/a.tgz?publish=1",
        "a",
    )
    .await;
    put(&alice, "/content/alice/generic/tool/1.0/b.tgz", "b").await;
    let url = "/api/ui/files/alice/generic/tool/1.0";
    let (status, body) = alice.get(url).await;
    assert_eq!(status, 200, "{body}");
    let files = body["files"].as_array().unwrap();
    let state: Vec<(&str, bool)> = files
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["published"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(state.len(), 2);
    assert!(state.contains(&("a.tgz", true)), "{state:?}");
    assert!(state.contains(&("b.tgz", false)), "{state:?}");
    // The Bintray file fields are all there, flattened.
    assert_eq!(files[0]["sha256"].as_str().unwrap().len(), 64);
    let (_, body) = bob.get(url).await;
    let paths: Vec<&str> = body["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["a.tgz"]);
}

#[tokio::test]
async fn the_package_cards_carry_description_latest_and_a_total() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    let anon = Api::anonymous(&server);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    for (name, desc) in [("tool", "A tool"), ("zz", "")] {
        let (status, b) = alice
            .post(
                "/packages/alice/generic",
                json!({"name": name, "desc": desc}),
            )
            .await;
        assert_eq!(status, 201, "{b}");
    }
    put(
        &alice,
        "/content/alice/generic/tool/1.0/t.tgz?publish=1",
        "t",
    )
    .await;
    let (status, body) = anon.get("/api/ui/packages/alice/generic").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 2);
    assert_eq!(body["page_size"], 50);
    let cards = body["packages"].as_array().unwrap();
    assert_eq!(cards[0]["name"], "tool");
    assert_eq!(cards[0]["desc"], "A tool");
    assert_eq!(cards[0]["latest_version"], "1.0");
    assert_eq!(cards[0]["github_origin"], json!(null));
    assert_eq!(cards[1]["latest_version"], json!(null));
    let (_, body) = anon
        .get("/api/ui/packages/alice/generic?start_name=z&start_pos=0")
        .await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["packages"][0]["name"], "zz");
    assert_eq!(anon.get("/api/ui/packages/alice/nope").await.0, 404);
}
