//! Dates in every form Bintray clients send (issue: the Gradle Bintray plugin's
//! `yyyy-MM-dd'T'HH:mm:ss.SSSZ` was refused), over real HTTP: a version's `released`, `date`
//! attributes and attribute search ranges; answers always in the one canonical form.

mod common;

use common::*;
use serde_json::json;

async fn setup() -> (TestServer, Api, Api, tempfile::TempDir) {
    let (dist_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    let anon = Api::anonymous(&server);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "tool"}))
            .await
            .0,
        201
    );
    (server, alice, anon, dist_keep)
}

#[tokio::test]
async fn released_takes_every_client_form_and_answers_one() {
    let (_server, alice, anon, _keep) = setup().await;
    let versions = "/packages/alice/generic/tool/versions";
    for (name, sent, answered) in [
        // The Gradle Bintray plugin and Bintray's own doc examples.
        (
            "1.0.1",
            "2019-05-28T14:03:11.123+0200",
            "2019-05-28T12:03:11.123Z",
        ),
        (
            "1.0.2",
            "2019-05-28T08:00:00.000+0000",
            "2019-05-28T08:00:00.000Z",
        ),
        ("1.0.3", "2019-05-28T08:00:00Z", "2019-05-28T08:00:00.000Z"),
        (
            "1.0.4",
            "2019-05-28T10:00:00+02:00",
            "2019-05-28T08:00:00.000Z",
        ),
        ("1.0.5", "2019-05-28", "2019-05-28T00:00:00.000Z"),
        ("1.0.6", "2019-05-28T08:00:00.5", "2019-05-28T08:00:00.500Z"),
    ] {
        let (status, body) = alice
            .post(versions, json!({"name": name, "released": sent}))
            .await;
        assert_eq!(status, 201, "{sent}: {body}");
        assert_eq!(body["released"], answered, "{sent}");
        let (_, read) = anon.get(&format!("{versions}/{name}")).await;
        assert_eq!(read["released"], answered, "{sent}");
    }
    // An update takes the same forms.
    let (status, body) = alice
        .patch(
            &format!("{versions}/1.0.1"),
            json!({"released": "2020-01-02T03:04:05.678-0130"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, read) = anon.get(&format!("{versions}/1.0.1")).await;
    assert_eq!(read["released"], "2020-01-02T04:34:05.678Z");
    // A bad date is a 400 that names the field, and changes nothing.
    for bad in [
        "2019-13-01",
        "28/05/2019",
        "2019-05-28T14:03:11+2",
        "yesterday",
        // Looser shapes chrono alone would read, and a leap second it would move.
        "+019-05-28",
        "2019-05-28T14: 3:11Z",
        "2019-05-28T 14:03:11Z",
        "2019-05-28T1:03:11Z",
        "2019-05-28T12:03:60Z",
    ] {
        let (status, body) = alice
            .patch(&format!("{versions}/1.0.1"), json!({"released": bad}))
            .await;
        assert_eq!(status, 400, "{bad}: {body}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("released") && message.contains(bad),
            "{message}"
        );
    }
    let (_, read) = anon.get(&format!("{versions}/1.0.1")).await;
    assert_eq!(read["released"], "2020-01-02T04:34:05.678Z");
    let (status, _) = alice
        .post(versions, json!({"name": "2.0", "released": "2019-02-30"}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(anon.get(&format!("{versions}/2.0")).await.0, 404);
}

#[tokio::test]
async fn date_attributes_and_ranges_read_every_form() {
    let (_server, alice, anon, _keep) = setup().await;
    for (v, built) in [
        ("1.0", "2019-05-28T14:03:11.123+0200"),
        ("2.0", "2019-06-01T08:00:00.000+0000"),
        ("3.0", "2019-07-01"),
    ] {
        assert_eq!(
            alice
                .post("/packages/alice/generic/tool/versions", json!({"name": v}))
                .await
                .0,
            201
        );
        let (status, body) = alice
            .post(
                &format!("/packages/alice/generic/tool/versions/{v}/attributes"),
                json!([{"name": "built", "values": [built], "type": "date"}]),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, body) = anon
        .get("/packages/alice/generic/tool/versions/1.0/attributes")
        .await;
    assert_eq!(
        body,
        json!([{"name": "built", "values": ["2019-05-28T12:03:11.123Z"], "type": "date"}])
    );
    let names = |body: &serde_json::Value| -> Vec<String> {
        let mut n: Vec<String> = body
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        n.sort();
        n
    };
    let search = "/search/attributes/alice/generic/tool/versions";
    for (range, want) in [
        // 1.0 was built at 12:03:11.123Z: after 13:00+0200, i.e. 11:00Z.
        ("]2019-05-28T13:00:00.000+0200,]", vec!["1.0", "2.0", "3.0"]),
        ("]2019-05-28T14:03:11.123+0200,]", vec!["2.0", "3.0"]),
        (
            "[2019-05-28T14:03:11.123+02:00,2019-06-01T08:00:00Z[",
            vec!["1.0"],
        ),
        ("[,2019-06-01]", vec!["1.0"]),
        (
            "[2019-06-01,2019-07-01T00:00:00.000+0000]",
            vec!["2.0", "3.0"],
        ),
    ] {
        let (status, body) = anon.post(search, json!([{ "built": range }])).await;
        assert_eq!(status, 200, "{range}: {body}");
        assert_eq!(names(&body), want, "{range}");
    }
    // An exact date in another form finds the same instant.
    let (_, body) = anon
        .post(search, json!([{"built": ["2019-05-28T12:03:11.123Z"]}]))
        .await;
    assert_eq!(names(&body), ["1.0"]);
    // A declared date that is not one is a 400 naming it; nothing changes.
    let (status, body) = alice
        .post(
            "/packages/alice/generic/tool/versions/1.0/attributes",
            json!([{"name": "built", "values": ["2019-05-28T25:00:00Z"], "type": "date"}]),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("25:00"),
        "{body}"
    );
    let (_, body) = anon
        .get("/packages/alice/generic/tool/versions/1.0/attributes")
        .await;
    assert_eq!(body[0]["values"], json!(["2019-05-28T12:03:11.123Z"]));
}
