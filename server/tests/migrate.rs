//! Issue 12 item 4: `wharf migrate` moves an embedded instance (SQLite, local disk) onto
//! PostgreSQL and an object store; a second run changes nothing, and a server on the
//! target serves the same catalogue and bytes, and goes on writing. Needs the test
//! PostgreSQL (`WHARF_TEST_POSTGRES`); the target store is the suite's S3 bucket when it
//! runs on one, else a directory.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn an_embedded_instance_moves_to_postgres_and_an_object_store() {
    let Some(pg) = Backends::postgres() else {
        eprintln!("WHARF_TEST_POSTGRES is not set: nothing to migrate to");
        return;
    };
    let (_keep, dist) = fake_dist();
    let server = TestServer::start_embedded(&dist).await;
    let key = server.add_user("alice").await;
    let alice = Api::user(&server, "alice", &key);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "tool"}))
            .await
            .0,
        201
    );
    let files: Vec<(String, Vec<u8>)> = (0..3)
        .map(|i| {
            (
                format!("tool-{i}.bin"),
                common::oci::data(i, 50_000 + i as usize),
            )
        })
        .collect();
    for (i, (name, body)) in files.iter().enumerate() {
        let res = alice
            .request(
                Method::PUT,
                &format!("/content/alice/generic/tool/1.{i}/{name}?publish=1"),
            )
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    // The latest mark points at a version: copied after the versions.
    let (code, body) = alice
        .patch(
            "/packages/alice/generic/tool",
            json!({"latest_version": "1.0"}),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    let (_, before) = alice.get("/packages/alice/generic/tool").await;
    // Nothing writes while it copies (the server is idle), as when it is stopped.
    let source = server.config.clone();

    let name = format!("wharf_m_{}", uuid::Uuid::new_v4().simple());
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{pg}/postgres"))
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let to = format!("{pg}/{name}");
    let target_dir = tempfile::tempdir().unwrap();
    let blobs = match Backends::s3_bucket() {
        Some(bucket) => format!("s3://{bucket}/m-{}", uuid::Uuid::new_v4().simple()),
        None => format!("file://{}", target_dir.path().display()),
    };
    let mut source_config = source;
    source_config.s3_endpoint = std::env::var("WHARF_S3_ENDPOINT").ok();
    let first = server::migrate_to(&source_config, &to, &blobs)
        .await
        .unwrap();
    assert_eq!((first.blobs_copied, first.blobs_present), (3, 0), "{first}");
    assert!(
        first.tables.iter().all(|t| t.source == t.target),
        "{first:?}"
    );
    let second = server::migrate_to(&source_config, &to, &blobs)
        .await
        .unwrap();
    assert_eq!(
        (second.blobs_copied, second.blobs_present),
        (0, 3),
        "{second}"
    );
    assert_eq!(second.tables, first.tables, "nothing doubled");

    // A server on the target: same catalogue, same bytes, same API key; it goes on
    // writing (ids continue after the copied ones).
    let target = server
        .restart_with(|c| {
            c.database = Some(server::infra::config::DatabaseUrl::Postgres(to.clone()));
            c.blob_store = Some(match blobs.strip_prefix("s3://") {
                Some(rest) => {
                    let (bucket, prefix) = rest.split_once('/').unwrap();
                    server::infra::config::BlobStoreUrl::S3 {
                        bucket: bucket.into(),
                        prefix: prefix.into(),
                    }
                }
                None => server::infra::config::BlobStoreUrl::File(target_dir.path().to_path_buf()),
            });
            c.s3_endpoint = std::env::var("WHARF_S3_ENDPOINT").ok();
        })
        .await;
    let alice = Api::user(&target, "alice", &key);
    let (_, after) = alice.get("/packages/alice/generic/tool").await;
    assert_eq!(after, before);
    for (name, body) in &files {
        let res = raw_client()
            .get(target.url(&format!("/dl/alice/generic/{name}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(&res.bytes().await.unwrap()[..], &body[..]);
    }
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "after"}))
            .await
            .0,
        201
    );
    let res = alice
        .request(
            Method::PUT,
            "/content/alice/generic/after/2.0/new.bin?publish=1",
        )
        .body(b"new".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    target.stop().await;
}
