//! Issue 11 item 1: a flow that must be atomic is one unit of work. Each test makes a
//! step after the first one fail (a real SQLite trigger on the table of that step), and
//! then finds nothing of the flow written: no blob row, no version, no file. After the
//! failure is lifted, the same request goes through.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;
use sha2::Digest;

async fn world() -> (TestServer, Api, tempfile::TempDir) {
    let (dist_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
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
    (server, alice, dist_keep)
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(data))
}

#[tokio::test]
async fn an_upload_whose_file_step_fails_leaves_no_blob_and_no_version() {
    let (server, alice, _dist) = world().await;
    let body: &'static [u8] = b"the bytes of a unit of work";
    let path = "/content/alice/generic/tool/1.0/tool-1.0.bin";
    let failing = server.fail_inserts_into("files").await;
    let (status, _) = alice
        .send(alice.request(Method::PUT, path).body(body))
        .await;
    assert_eq!(status, 500);
    let blob_rows = format!(
        "SELECT COUNT(*) FROM blobs WHERE sha256 = '{}'",
        sha256_hex(body)
    );
    assert_eq!(server.count(&blob_rows).await, 0, "no blob row");
    assert_eq!(server.count("SELECT COUNT(*) FROM versions").await, 0);
    assert_eq!(
        alice
            .get("/packages/alice/generic/tool/versions/1.0")
            .await
            .0,
        404
    );
    failing.lift().await;
    let (status, _) = alice
        .send(alice.request(Method::PUT, path).body(body))
        .await;
    assert_eq!(status, 201);
    assert_eq!(server.count(&blob_rows).await, 1);
    assert_eq!(server.count("SELECT COUNT(*) FROM versions").await, 1);
}

#[tokio::test]
async fn an_exploded_upload_whose_file_step_fails_leaves_nothing() {
    let (server, alice, _dist) = world().await;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in [("a.txt", &b"alpha"[..]), ("b/c.txt", &b"gamma"[..])] {
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, data).unwrap();
    }
    let archive = w.finish().unwrap().into_inner();
    let path = "/content/alice/generic/tool/2.0/bundle.zip?explode=1";
    let failing = server.fail_inserts_into("files").await;
    let (status, _) = alice
        .send(alice.request(Method::PUT, path).body(archive.clone()))
        .await;
    assert_eq!(status, 500);
    assert_eq!(server.count("SELECT COUNT(*) FROM blobs").await, 0);
    assert_eq!(server.count("SELECT COUNT(*) FROM versions").await, 0);
    failing.lift().await;
    let (status, _) = alice
        .send(alice.request(Method::PUT, path).body(archive))
        .await;
    assert_eq!(status, 201);
    assert_eq!(server.count("SELECT COUNT(*) FROM files").await, 2);
}

/// The first push of an image's manifest makes its package, the manifest, the tag's
/// version, the tag's file and its attributes. If the tag step fails, none of them is
/// left, and the manifest's blob has no row either.
#[tokio::test]
async fn a_manifest_push_whose_tag_step_fails_leaves_no_package_no_manifest() {
    use common::oci::{data, image_manifest, Registry, OCI_MANIFEST};
    let r = Registry::start(false).await;
    let name = "alice/images/app";
    let config = br#"{"os":"linux","architecture":"amd64"}"#.to_vec();
    let layer = data(7, 2000);
    let config_digest = r.push_blob(name, &config).await;
    let layer_digest = r.push_blob(name, &layer).await;
    let manifest = image_manifest(
        (&config_digest, config.len()),
        &[(&layer_digest, layer.len())],
    );
    let failing = r.server.fail_inserts_into("oci_tags").await;
    let res = r
        .req(Method::PUT, &format!("/v2/{name}/manifests/1.0"))
        .header("content-type", OCI_MANIFEST)
        .body(manifest.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 500);
    let s = &r.server;
    assert_eq!(s.count("SELECT COUNT(*) FROM oci_manifests").await, 0);
    assert_eq!(s.count("SELECT COUNT(*) FROM packages").await, 0);
    assert_eq!(s.count("SELECT COUNT(*) FROM versions").await, 0);
    assert_eq!(s.count("SELECT COUNT(*) FROM files").await, 0);
    assert_eq!(s.count("SELECT COUNT(*) FROM attributes").await, 0);
    let manifest_row = format!(
        "SELECT COUNT(*) FROM blobs WHERE sha256 = '{}'",
        sha256_hex(&manifest)
    );
    assert_eq!(s.count(&manifest_row).await, 0);
    failing.lift().await;
    r.put_manifest(name, "1.0", OCI_MANIFEST, &manifest).await;
    assert_eq!(s.count("SELECT COUNT(*) FROM oci_manifests").await, 1);
    assert_eq!(s.count("SELECT COUNT(*) FROM versions").await, 1);
    assert_eq!(s.count(&manifest_row).await, 1);
}
