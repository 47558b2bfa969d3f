//! The pages' internal lists (`/api/ui/versions`, `/api/ui/files`, `/api/ui/packages`):
//! the version list agrees with the package's latest and the owner's mark, a version's
//! files carry their published state (unpublished ones for the owner only), and a
//! repository's packages come with description, latest version and GitHub origin. The
//! calls and their answers are the app's own (`app::endpoints`).

mod common;

use app::api_types::PackageChanges;
use app::endpoints;
use common::*;
use serde_json::json;
use server::domain::catalog::{find_version, Caller, RepoCoord};
use server::infra::db::VersionFields;

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
    let at = RepoCoord::new("alice", "generic")
        .package("tool")
        .version("1.2.0-rc.1");
    let (_, _, rc) = find_version(&db, &Caller::anonymous(), &at).await.unwrap();
    let fields = VersionFields {
        is_prerelease: true,
        ..VersionFields::from(&rc)
    };
    db.update_version(rc.id, &fields).await.unwrap();
    db.close().await;

    let list = || async {
        anon.read(endpoints::package_versions("alice", "generic", "tool"))
            .await
    };
    let latest = || async {
        anon.read(endpoints::package("alice", "generic", "tool"))
            .await
            .latest_version
    };
    let body = list().await;
    let names: Vec<&str> = body.versions.iter().map(|v| v.name.as_str()).collect();
    // 2.0.0 has no date: it counts from its creation (now), so it comes first.
    assert_eq!(names, ["2.0.0", "1.2.0-rc.1", "1.1.0", "1.0.0", "0.9.0"]);
    assert_eq!(body.latest.as_deref(), Some("1.1.0"));
    assert_eq!(body.pinned, None);
    let rows = &body.versions;
    assert!(!rows[0].published);
    assert_eq!(rows[0].released, None);
    assert!(rows[0].created.ends_with('Z'));
    assert!(rows[1].prerelease);
    assert_eq!(
        rows[2].released.as_deref(),
        Some("2021-01-01T00:00:00.000Z")
    );
    assert!(!rows[2].prerelease);
    assert_eq!(latest().await, body.latest);

    // The owner's mark wins and is reported; "" returns to the rule. The body is the one
    // the package page's "Mark as latest" sends.
    let pin = |version: &str| PackageChanges {
        latest_version: Some(version.to_owned()),
        ..PackageChanges::default()
    };
    let update = endpoints::update_package("alice", "generic", "tool");
    let (status, b) = alice.call_with(&update, &pin("1.0.0")).await;
    assert_eq!(status, 200, "{b}");
    let body = list().await;
    assert_eq!(body.latest.as_deref(), Some("1.0.0"));
    assert_eq!(body.pinned.as_deref(), Some("1.0.0"));
    assert_eq!(latest().await.as_deref(), Some("1.0.0"));
    let (status, _) = alice.call_with(&update, &pin("")).await;
    assert_eq!(status, 200);
    let body = list().await;
    assert_eq!(body.latest.as_deref(), Some("1.1.0"));
    assert_eq!(body.pinned, None);

    // A package nobody can see answers 404.
    let nope = endpoints::package_versions("alice", "generic", "nope");
    assert_eq!(anon.call(&nope).await.0, 404);
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
    let files = || endpoints::version_files("alice", "generic", "tool", "1.0");
    // The Bintray file fields are all there, flattened: the answer parses as the app's.
    let own = alice.read(files()).await.files;
    let state: Vec<(&str, bool)> = own
        .iter()
        .map(|f| (f.file.path.as_str(), f.published))
        .collect();
    assert_eq!(state.len(), 2);
    assert!(state.contains(&("a.tgz", true)), "{state:?}");
    assert!(state.contains(&("b.tgz", false)), "{state:?}");
    assert_eq!(own[0].file.sha256.len(), 64);
    let theirs = bob.read(files()).await.files;
    let paths: Vec<&str> = theirs.iter().map(|f| f.file.path.as_str()).collect();
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
    // The repository page's first call: from 0, no filter.
    let body = anon
        .read(endpoints::package_cards("alice", "generic", 0, ""))
        .await;
    assert_eq!(body.total, 2);
    assert_eq!(body.page_size, 50);
    let cards = &body.packages;
    assert_eq!(cards[0].name, "tool");
    assert_eq!(cards[0].desc.as_deref(), Some("A tool"));
    assert_eq!(cards[0].latest_version.as_deref(), Some("1.0"));
    assert_eq!(cards[0].github_origin, None);
    assert_eq!(cards[1].latest_version, None);
    // Without a query, as other callers may ask: the same first page.
    let (status, raw) = anon.get("/api/ui/packages/alice/generic").await;
    assert_eq!(status, 200, "{raw}");
    assert_eq!(raw["total"], 2);
    let body = anon
        .read(endpoints::package_cards("alice", "generic", 0, "z"))
        .await;
    assert_eq!(body.total, 1);
    assert_eq!(body.packages[0].name, "zz");
    let nope = endpoints::package_cards("alice", "nope", 0, "");
    assert_eq!(anon.call(&nope).await.0, 404);
}
