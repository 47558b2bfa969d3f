//! The garbage collector, for files and Docker registries alike: it frees what nothing
//! uses and never what a file, a manifest or an upload in flight still needs.

mod common;

use std::time::Duration;

use common::oci::{data, header, sha256, Registry};
use reqwest::{Method, StatusCode};
use serde_json::json;
use server::domain::gc::{self, GcSettings};

/// The content objects on disk, by sha256 hex.
fn stored(r: &Registry) -> Vec<String> {
    let mut found: Vec<String> = r
        .server
        .blob_files()
        .iter()
        .filter(|p| p.to_string_lossy().contains("/sha256/"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

fn hex(digest: &str) -> String {
    digest.trim_start_matches("sha256:").to_owned()
}

async fn collect(r: &Registry, grace: Duration) -> gc::GcReport {
    let (db, blobs) = r.server.storage().await;
    let report = gc::collect(&db, &blobs, GcSettings::with_grace(grace))
        .await
        .unwrap();
    db.close().await;
    report
}

async fn put_file(r: &Registry, path: &str, body: Vec<u8>) {
    let res = r.req(Method::PUT, path).body(body).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
}

#[tokio::test]
async fn files_deleted_discarded_or_overridden_free_their_blobs() {
    let r = Registry::start(false).await;
    r.api.post("/repos/alice/generic", json!({})).await;
    r.api
        .post("/packages/alice/generic", json!({"name": "p"}))
        .await;
    let kept = data(1, 100);
    let shared = data(2, 100);
    let discarded = data(3, 100);
    let overridden = data(4, 100);
    let deleted = data(5, 100);
    let c = "/content/alice/generic/p";
    put_file(&r, &format!("{c}/1/kept.bin?publish=1"), kept.clone()).await;
    put_file(&r, &format!("{c}/1/shared-a.bin?publish=1"), shared.clone()).await;
    put_file(&r, &format!("{c}/1/shared-b.bin?publish=1"), shared.clone()).await;
    put_file(&r, &format!("{c}/2/discarded.bin"), discarded.clone()).await;
    put_file(&r, &format!("{c}/1/over.bin?publish=1"), overridden.clone()).await;
    put_file(
        &r,
        &format!("{c}/1/over.bin?publish=1&override=1"),
        kept.clone(),
    )
    .await;
    put_file(&r, &format!("{c}/1/deleted.bin?publish=1"), deleted.clone()).await;
    let (status, _) = r
        .api
        .post(
            "/content/alice/generic/p/2/publish",
            json!({"discard": true}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        r.api.delete("/content/alice/generic/deleted.bin").await.0,
        200
    );
    assert_eq!(
        r.api.delete("/content/alice/generic/shared-a.bin").await.0,
        200
    );
    assert_eq!(stored(&r).len(), 5);

    // Within the grace period nothing goes.
    let report = collect(&r, Duration::from_secs(3600)).await;
    assert_eq!(report.blobs_removed, 0);
    assert_eq!(stored(&r).len(), 5);

    let report = collect(&r, Duration::ZERO).await;
    assert_eq!(report.blobs_removed, 3, "{report}");
    assert_eq!(report.bytes_freed, 300);
    let mut expected = vec![hex(&sha256(&kept)), hex(&sha256(&shared))];
    expected.sort();
    assert_eq!(stored(&r), expected);
    for (path, body) in [
        ("kept.bin", &kept),
        ("shared-b.bin", &shared),
        ("over.bin", &kept),
    ] {
        let res = r
            .anon(Method::GET, &format!("/dl/alice/generic/{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.bytes().await.unwrap().as_ref(), &body[..], "{path}");
    }
    // The same content uploaded again is stored again.
    put_file(&r, &format!("{c}/3/again.bin?publish=1"), deleted.clone()).await;
    let res = r
        .anon(Method::GET, "/dl/alice/generic/again.bin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), &deleted[..]);
}

#[tokio::test]
async fn registry_blobs_live_as_long_as_a_manifest_or_an_upload_needs_them() {
    let r = Registry::start(false).await;
    let name = "alice/images/app";
    let (manifest, digest) = r.push_image(name, "1.0", 6).await;
    let loose = r.push_blob(name, &data(7, 500)).await;

    // An upload in flight, one chunk in.
    let whole = data(8, 4000);
    let res = r
        .req(Method::POST, &format!("/v2/{name}/blobs/uploads/"))
        .send()
        .await
        .unwrap();
    let location = header(&res, "location");
    let res = r
        .req(Method::PATCH, &location)
        .body(whole[..1000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    let report = collect(&r, Duration::ZERO).await;
    assert_eq!(report.blobs_removed, 1, "only the loose blob: {report}");
    let res = r
        .req(Method::HEAD, &format!("/v2/{name}/blobs/{loose}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The image still pulls whole.
    let res = r
        .anon(Method::GET, &format!("/v2/{name}/manifests/1.0"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), &manifest[..]);
    let m: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    for d in [&m["config"]["digest"], &m["layers"][0]["digest"]] {
        let res = r
            .anon(
                Method::GET,
                &format!("/v2/{name}/blobs/{}", d.as_str().unwrap()),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    // The upload goes on as if nothing happened.
    let res = r
        .req(
            Method::PUT,
            &format!("{location}?digest={}", sha256(&whole)),
        )
        .header("content-range", "1000-3999")
        .body(whole[1000..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );

    // Once the image is deleted, its blobs go too (the finished upload's blob as well).
    let res = r
        .req(Method::DELETE, &format!("/v2/{name}/manifests/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let report = collect(&r, Duration::ZERO).await;
    assert_eq!(
        report.blobs_removed, 4,
        "manifest, config, layer, upload: {report}"
    );
    assert!(stored(&r).is_empty(), "{:?}", stored(&r));
}

#[tokio::test]
async fn abandoned_uploads_and_orphaned_objects_are_cleared() {
    let r = Registry::start(false).await;
    let name = "alice/images/app";
    let res = r
        .req(Method::POST, &format!("/v2/{name}/blobs/uploads/"))
        .send()
        .await
        .unwrap();
    let location = header(&res, "location");
    r.req(Method::PATCH, &location)
        .body(data(9, 300))
        .send()
        .await
        .unwrap();
    // An object nobody recorded (a crash between writing and recording) and a part of a
    // session that no longer exists.
    let (db, store) = r.server.storage().await;
    let orphan = "ab".repeat(32);
    for (path, body) in [
        (format!("sha256/ab/{orphan}"), &b"orphan"[..]),
        ("oci-uploads/gone.0".to_owned(), &b"part"[..]),
    ] {
        let body =
            futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(body))]);
        store
            .write_part(&object_store::path::Path::from(path), body, 1 << 20, |_| {})
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(20)).await;

    let settings = GcSettings {
        grace: Duration::ZERO,
        upload_expiry: Duration::ZERO,
    };
    let report = gc::collect(&db, &store, settings).await.unwrap();
    db.close().await;
    assert_eq!(report.uploads_expired, 1, "{report}");
    assert_eq!(report.orphans_removed, 2, "{report}");
    assert!(
        r.server.blob_files().is_empty(),
        "{:?}",
        r.server.blob_files()
    );
    let res = r.req(Method::GET, &location).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
