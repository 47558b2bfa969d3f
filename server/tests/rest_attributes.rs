//! Attributes on packages and versions, and searching by them, over real HTTP.

mod common;

use common::*;
use serde_json::json;

async fn setup() -> (TestServer, Api, Api, Api, tempfile::TempDir) {
    let (dist_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    let bob = Api::user(&server, "bob", &server.add_user("bob").await);
    let anon = Api::anonymous(&server);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    for name in ["one", "two"] {
        assert_eq!(
            alice
                .post("/packages/alice/generic", json!({"name": name}))
                .await
                .0,
            201
        );
    }
    for v in ["1.0", "2.0"] {
        assert_eq!(
            alice
                .post("/packages/alice/generic/one/versions", json!({"name": v}))
                .await
                .0,
            201
        );
    }
    (server, alice, bob, anon, dist_keep)
}

#[tokio::test]
async fn package_attributes_replace_merge_read_and_delete() {
    let (_server, alice, bob, anon, _keep) = setup().await;
    let url = "/packages/alice/generic/one/attributes";
    // Gradle's shape: no type, always an array.
    let (status, body) = alice
        .post(url, json!([{"name": "maturity", "values": ["stable"]}, {"name": "stars", "values": [5]}, {"name": "_internal", "values": ["x"]}]))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!([
            {"name": "_internal", "values": ["x"], "type": "string"},
            {"name": "maturity", "values": ["stable"], "type": "string"},
            {"name": "stars", "values": [5], "type": "number"}
        ])
    );
    // Publisher-only names are hidden from others.
    let (_, body) = anon.get(url).await;
    assert_eq!(body.as_array().unwrap().len(), 2);
    let (_, body) = anon.get(&format!("{url}?names=stars%2Cmaturity")).await;
    assert_eq!(body.as_array().unwrap().len(), 2);
    let (_, body) = anon.get(&format!("{url}?names=stars")).await;
    assert_eq!(
        body,
        json!([{"name": "stars", "values": [5], "type": "number"}])
    );

    // PATCH merges; a null removes.
    let (status, body) = alice
        .patch(url, json!([{"name": "stars", "values": [6]}, {"name": "maturity", "values": null}, {"name": "released", "values": ["2019-07-01T20:51:42.879Z"]}]))
        .await;
    assert_eq!(status, 200, "{body}");
    let names: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["_internal", "released", "stars"]);
    assert_eq!(body[1]["type"], "date");

    // The package object names them, or with attribute_values=1 maps them.
    let (_, pkg) = anon.get("/packages/alice/generic/one").await;
    assert_eq!(pkg["attribute_names"], json!(["released", "stars"]));
    let (_, pkg) = anon
        .get("/packages/alice/generic/one?attribute_values=1")
        .await;
    assert_eq!(pkg["attributes"]["stars"], json!([6]));
    assert!(pkg.get("attribute_names").is_none());

    // Bad input changes nothing.
    let (status, body) = alice
        .patch(url, json!([{"name": "mixed", "values": [1, "x"]}]))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["message"],
        "attribute 'mixed': all values must have the same type"
    );
    assert_eq!(alice.patch(url, json!({"not": "an array"})).await.0, 400);
    assert_eq!(
        bob.patch(url, json!([{"name": "a", "values": [1]}]))
            .await
            .0,
        403
    );
    assert_eq!(
        anon.patch(url, json!([{"name": "a", "values": [1]}]))
            .await
            .0,
        401
    );
    let (_, body) = alice.get(url).await;
    assert_eq!(body.as_array().unwrap().len(), 3);

    let (status, body) = alice.delete(&format!("{url}?names=stars")).await;
    assert_eq!((status, body), (200, json!({"message": "success"})));
    let (_, body) = alice.get(url).await;
    assert_eq!(body.as_array().unwrap().len(), 2);
    assert_eq!(alice.delete(url).await.0, 200);
    assert_eq!(alice.get(url).await.1, json!([]));
}

#[tokio::test]
async fn version_attributes_like_ci_metadata() {
    let (_server, alice, _bob, anon, _keep) = setup().await;
    let url = "/packages/alice/generic/one/versions/2.0/attributes";
    let (status, _) = alice
        .post(url, json!([{"name": "cf_build_id", "values": ["5d1f"], "type": "string"}, {"name": "cf_commit", "values": ["abc123"]}]))
        .await;
    assert_eq!(status, 200);
    let (_, v) = anon
        .get("/packages/alice/generic/one/versions/2.0?attribute_values=1")
        .await;
    assert_eq!(v["attributes"]["cf_build_id"], json!(["5d1f"]));
    let (_, v) = anon.get("/packages/alice/generic/one/versions/2.0").await;
    assert_eq!(v["attribute_names"], json!(["cf_build_id", "cf_commit"]));
    assert_eq!(
        anon.get("/packages/alice/generic/one/versions/9.9/attributes")
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn search_by_attributes_finds_packages_and_versions() {
    let (_server, alice, _bob, anon, _keep) = setup().await;
    alice
        .post(
            "/packages/alice/generic/one/attributes",
            json!([{"name": "os", "values": ["linux", "mac"]}, {"name": "size", "values": [2]}]),
        )
        .await;
    alice
        .post(
            "/packages/alice/generic/two/attributes",
            json!([{"name": "os", "values": ["windows"]}, {"name": "size", "values": [7]}]),
        )
        .await;
    let search = "/search/attributes/alice/generic";
    let names = |body: &serde_json::Value| -> Vec<String> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, body) = anon.post(search, json!([{"os": ["linux", "bsd"]}])).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(names(&body), ["one"]);
    let (_, body) = anon.post(search, json!([{"size": "[1,10]"}])).await;
    assert_eq!(names(&body), ["one", "two"]);
    let (_, body) = anon.post(search, json!([{"size": "]2,]"}])).await;
    assert_eq!(names(&body), ["two"]);
    let (_, body) = anon
        .post(search, json!([{"size": "[,10["}, {"os": ["windows"]}]))
        .await;
    assert_eq!(names(&body), ["two"]);
    let (_, body) = anon
        .post(
            &format!("{search}?attribute_values=1"),
            json!([{"os": ["mac"]}]),
        )
        .await;
    assert_eq!(body[0]["attributes"]["size"], json!([2]));
    assert_eq!(anon.post(search, json!([{"size": "[1"}])).await.0, 400);

    alice
        .post(
            "/packages/alice/generic/one/versions/1.0/attributes",
            json!([{"name": "channel", "values": ["beta"]}]),
        )
        .await;
    alice
        .post(
            "/packages/alice/generic/one/versions/2.0/attributes",
            json!([{"name": "channel", "values": ["stable"]}]),
        )
        .await;
    let (status, body) = anon
        .post(
            "/search/attributes/alice/generic/one/versions",
            json!([{"channel": ["stable"]}]),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(names(&body), ["2.0"]);
}
