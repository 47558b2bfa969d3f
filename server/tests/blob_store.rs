//! Issue 12 item 2: the blob store the suite runs on (local disk, or S3 in the second run)
//! takes large uploads in parts and serves ranges; with an S3 store, downloads can be
//! presigned redirects; and the garbage collector runs one at a time.

mod common;

use std::time::Duration;

use common::oci::{data, Registry};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use server::domain::gc::{self, GcSettings};
use sha2::Digest;

async fn registry_with_file(body: &[u8], presign: u64) -> Registry {
    let (_dir, dist) = fake_dist();
    let r =
        Registry::start_with(false, dist, move |c| c.presigned_download_seconds = presign).await;
    r.api.post("/repos/alice/generic", json!({})).await;
    r.api
        .post("/packages/alice/generic", json!({"name": "p"}))
        .await;
    let res = r
        .req(
            Method::PUT,
            "/content/alice/generic/p/1.0/big.bin?publish=1",
        )
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    r
}

/// 20 MiB: three parts of a multipart upload on S3 (8 MiB each), a file on disk.
#[tokio::test]
async fn a_large_upload_comes_back_byte_identical_and_in_ranges() {
    let body = data(7, 20 * 1024 * 1024);
    let r = registry_with_file(&body, 0).await;
    let res = raw_client()
        .get(r.server.url("/dl/alice/generic/big.bin"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let got = res.bytes().await.unwrap();
    assert_eq!(sha2::Sha256::digest(&got), sha2::Sha256::digest(&body));
    let at = 9 * 1024 * 1024 - 3;
    let res = raw_client()
        .get(r.server.url("/dl/alice/generic/big.bin"))
        .header("range", format!("bytes={at}-{}", at + 9))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(&res.bytes().await.unwrap()[..], &body[at..at + 10]);
}

#[tokio::test]
async fn with_presigning_on_s3_a_download_is_a_redirect_to_the_store() {
    let body = data(8, 300_000);
    let r = registry_with_file(&body, 120).await;
    let res = raw_client()
        .get(r.server.url("/dl/alice/generic/big.bin"))
        .send()
        .await
        .unwrap();
    if Backends::s3_bucket().is_none() {
        // Local disk cannot presign: Wharf serves the bytes itself.
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(&res.bytes().await.unwrap()[..], &body[..]);
        return;
    }
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(
        res.headers()["x-checksum-sha256"],
        hex::encode(sha2::Sha256::digest(&body))
    );
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("X-Amz-Signature="), "{location}");
    let direct = raw_client().get(&location).send().await.unwrap();
    assert_eq!(direct.status(), StatusCode::OK);
    assert_eq!(&direct.bytes().await.unwrap()[..], &body[..]);
    let part = raw_client()
        .get(&location)
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(&part.bytes().await.unwrap()[..], &body[100..200]);
    // HEAD is still answered by Wharf.
    let head = raw_client()
        .head(r.server.url("/dl/alice/generic/big.bin"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
}

/// One collector at a time on one database: while another holds the lease, a
/// collection is skipped; once it is given back, it runs.
#[tokio::test]
async fn garbage_is_collected_by_one_replica_at_a_time() {
    let r = registry_with_file(b"x", 0).await;
    let (db, blobs) = r.server.storage().await;
    let now = server::infra::db::now_millis();
    assert!(db
        .take_lease("gc", "another-replica", now, now + 60_000)
        .await
        .unwrap());
    let settings = GcSettings::with_grace(Duration::ZERO);
    assert_eq!(
        gc::collect_exclusive(&db, &blobs, settings).await.unwrap(),
        None
    );
    db.drop_lease("gc", "another-replica").await.unwrap();
    assert!(gc::collect_exclusive(&db, &blobs, settings)
        .await
        .unwrap()
        .is_some());
    // A lease whose holder died (it ran out) does not block the others.
    assert!(db
        .take_lease("gc", "dead-replica", now - 10, now - 1)
        .await
        .unwrap());
    assert!(gc::collect_exclusive(&db, &blobs, settings)
        .await
        .unwrap()
        .is_some());
    db.close().await;
}
