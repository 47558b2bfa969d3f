//! Download and pull counters are batched (issue 15): no request writes them, a flush
//! does, on an interval and when the server stops cleanly.

mod common;

use std::time::{Duration, Instant};

use common::oci::Registry;
use common::*;
use reqwest::Method;
use serde_json::json;

/// The download counts of the one public file named `name`, and of its version.
async fn counts(server: &TestServer, name: &str) -> (i64, i64) {
    let db = server.db().await;
    let (found, total) = db
        .search_public_files(&server::infra::db::FileSearch {
            name_glob: Some(name),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 1, "one file named {name}");
    let file = &found[0].2;
    let version = db.find_version_by_id(file.version_id).await.unwrap();
    db.close().await;
    (file.downloads, version.downloads)
}

async fn published_file(
    tweak: impl FnOnce(&mut server::infra::config::Config),
) -> (TestServer, Api, tempfile::TempDir) {
    let (dist_keep, dist) = fake_dist();
    let server = TestServer::start_with(&dist, tweak).await;
    let key = server.add_user("alice").await;
    let alice = Api::user(&server, "alice", &key);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "mypkg"}))
            .await
            .0,
        201
    );
    let (status, body) = alice
        .send(
            alice
                .request(
                    Method::PUT,
                    "/content/alice/generic/mypkg/1.0/c.txt?publish=1",
                )
                .body("counted"),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let anon = Api::anonymous(&server);
    (server, anon, dist_keep)
}

#[tokio::test]
async fn downloads_are_counted_at_a_clean_stop_and_not_on_the_request_path() {
    // A flush interval longer than the test: only the stop writes.
    let (server, anon, _dist) =
        published_file(|c| c.counter_flush = Duration::from_secs(3600)).await;
    for _ in 0..5 {
        let res = anon
            .request(Method::GET, "/dl/alice/generic/c.txt")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.text().await.unwrap(), "counted");
    }
    // HEAD, a 304 and a miss are not downloads.
    let res = anon
        .request(Method::HEAD, "/dl/alice/generic/c.txt")
        .send()
        .await
        .unwrap();
    let etag = res.headers()["etag"].clone();
    let res = anon
        .request(Method::GET, "/dl/alice/generic/c.txt")
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    assert_eq!(
        counts(&server, "c.txt").await,
        (0, 0),
        "no request wrote a count"
    );

    let server = server.restart().await;
    assert_eq!(counts(&server, "c.txt").await, (5, 5));
    // Counting carries on from the stored figure.
    let anon = Api::anonymous(&server);
    let res = anon
        .request(Method::GET, "/dl/alice/generic/c.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let server = server.restart().await;
    assert_eq!(counts(&server, "c.txt").await, (6, 6));
}

#[tokio::test]
async fn counts_reach_the_database_on_the_interval() {
    let (server, anon, _dist) =
        published_file(|c| c.counter_flush = Duration::from_millis(200)).await;
    for _ in 0..3 {
        let res = anon
            .request(Method::GET, "/dl/alice/generic/c.txt")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let begin = Instant::now();
    loop {
        let seen = counts(&server, "c.txt").await;
        if seen == (3, 3) {
            break;
        }
        assert!(
            begin.elapsed() < Duration::from_secs(20),
            "counts stay at {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_pull_by_tag_counts_for_its_version_and_manifest_file() {
    let (_dir, dist) = fake_dist();
    let r =
        Registry::start_with(false, dist, |c| c.counter_flush = Duration::from_secs(3600)).await;
    r.push_image("alice/images/app", "1.0", 7).await;
    for _ in 0..2 {
        let res = r
            .anon(Method::GET, "/v2/alice/images/app/manifests/1.0")
            .header("Accept", "application/vnd.oci.image.manifest.v1+json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let server = r.server.restart().await;
    assert_eq!(counts(&server, "manifest.json").await, (2, 2));
}
