//! Which version is "latest" (app::domain::latest): by release date, then version order,
//! never an unpublished one, and the owner's "mark as latest"; the version list follows.

mod common;

use common::*;
use serde_json::json;

async fn put(api: &Api, path: &str, body: &str) {
    let (status, b) = api
        .send(
            api.request(reqwest::Method::PUT, path)
                .body(body.to_owned()),
        )
        .await;
    assert_eq!(status, 201, "{path}: {b}");
}

#[tokio::test]
async fn latest_follows_release_dates_version_order_and_the_owners_pin() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    let bob = Api::user(&server, "bob", &server.add_user("bob").await);
    let anon = Api::anonymous(&server);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "tool"}))
            .await
            .0,
        201
    );
    let versions = "/packages/alice/generic/tool/versions";
    // 1.10 and 1.9 released on one day: version order, not creation order, decides.
    for v in ["1.10", "1.9"] {
        assert_eq!(
            alice
                .post(versions, json!({"name": v, "released": "2018-01-01"}))
                .await
                .0,
            201
        );
        put(
            &alice,
            &format!("/content/alice/generic/tool/{v}/tool-{v}.tgz?publish=1"),
            v,
        )
        .await;
    }
    let pkg = || async { anon.get("/packages/alice/generic/tool").await.1 };
    assert_eq!(pkg().await["latest_version"], "1.10");
    assert_eq!(pkg().await["versions"], json!(["1.10", "1.9"]));
    // A later release date is newer; an older date uploaded later is not.
    for (v, released) in [
        ("2.0", "2020-01-01T00:00:00.000+0000"),
        ("0.5", "2019-01-01"),
    ] {
        assert_eq!(
            alice
                .post(versions, json!({"name": v, "released": released}))
                .await
                .0,
            201
        );
        put(
            &alice,
            &format!("/content/alice/generic/tool/{v}/tool-{v}.tgz?publish=1"),
            v,
        )
        .await;
    }
    assert_eq!(pkg().await["latest_version"], "2.0");
    assert_eq!(
        pkg().await["versions"],
        json!(["2.0", "0.5", "1.10", "1.9"])
    );
    // A newer version without a published file is listed but is not latest.
    assert_eq!(
        alice
            .post(versions, json!({"name": "3.0", "released": "2021-01-01"}))
            .await
            .0,
        201
    );
    put(
        &alice,
        "/content/alice/generic/tool/3.0/tool-3.0.tgz",
        "unpublished",
    )
    .await;
    assert_eq!(pkg().await["latest_version"], "2.0");
    assert_eq!(pkg().await["versions"][0], "3.0");
    assert_eq!(
        anon.get(&format!("{versions}/_latest")).await.1["name"],
        "2.0"
    );

    // The owner marks 0.5 as latest: badge, _latest and _latestVersion follow.
    let (status, body) = alice
        .patch(
            "/packages/alice/generic/tool",
            json!({"latest_version": "0.5"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(pkg().await["latest_version"], "0.5");
    assert_eq!(
        anon.get(&format!("{versions}/_latest")).await.1["name"],
        "0.5"
    );
    let badge = anon
        .request(
            reqwest::Method::GET,
            "/packages/alice/generic/tool/images/download.svg",
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(badge.contains("0.5"), "{badge}");
    let redirect = raw_client()
        .get(server.url("/alice/generic/tool/_latestVersion"))
        .send()
        .await
        .unwrap();
    let location = redirect.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("/alice/generic/tool/0.5"), "{location}");
    // Only the owner may, and only an existing version; a refused pin changes nothing.
    assert_eq!(
        bob.patch(
            "/packages/alice/generic/tool",
            json!({"latest_version": "1.9"})
        )
        .await
        .0,
        403
    );
    let (status, body) = alice
        .patch(
            "/packages/alice/generic/tool",
            json!({"latest_version": "9.9", "desc": "changed"}),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(pkg().await["latest_version"], "0.5");
    assert_eq!(pkg().await["desc"], serde_json::Value::Null);
    // Deleting the pinned version, or an empty pin, returns to the rule.
    assert_eq!(alice.delete(&format!("{versions}/0.5")).await.0, 200);
    assert_eq!(pkg().await["latest_version"], "2.0");
    alice
        .patch(
            "/packages/alice/generic/tool",
            json!({"latest_version": "1.9"}),
        )
        .await;
    assert_eq!(pkg().await["latest_version"], "1.9");
    alice
        .patch(
            "/packages/alice/generic/tool",
            json!({"latest_version": ""}),
        )
        .await;
    assert_eq!(pkg().await["latest_version"], "2.0");
}

/// A version without a release date counts from its creation, as Bintray showed it: one
/// made today is newer than one released years ago.
#[tokio::test]
async fn a_version_without_a_release_date_counts_from_its_creation() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    let versions = "/packages/alice/generic/tool/versions";
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "tool"}))
            .await
            .0,
        201
    );
    for (v, body) in [
        ("1.0", json!({"name": "1.0", "released": "2019-07-01"})),
        ("2.0", json!({"name": "2.0"})),
    ] {
        assert_eq!(alice.post(versions, body).await.0, 201);
        put(
            &alice,
            &format!("/content/alice/generic/tool/{v}/tool-{v}.tgz?publish=1"),
            v,
        )
        .await;
    }
    let (_, pkg) = alice.get("/packages/alice/generic/tool").await;
    assert_eq!(pkg["latest_version"], "2.0");
    assert_eq!(pkg["versions"], json!(["2.0", "1.0"]));
}
