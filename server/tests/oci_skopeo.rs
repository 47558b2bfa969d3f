//! A real Docker client against Wharf: skopeo (Debian's package; the test set-up installs
//! it) copies OCI image layouts made here into a registry with `user:apikey` and back
//! out, and the bytes must come back identical.

mod common;

use common::oci::Registry;
use common::oci_layout::*;
use serde_json::{json, Value};

fn host(r: &Registry) -> String {
    r.server.url.trim_start_matches("http://").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn skopeo_pushes_and_pulls_an_image_byte_for_byte() {
    let r = Registry::start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("in");
    let image = write_image(&layout, 1, 4, "amd64");
    write_index(&layout, vec![tagged(image.clone(), "1.0")]);
    let creds = format!("alice:{}", r.key);
    let dest = format!("docker://{}/alice/images/ns/app:1.0", host(&r));
    let src = format!("oci:{}:1.0", layout.display());
    let (src2, dest2, creds2) = (src.clone(), dest.clone(), creds.clone());
    tokio::task::spawn_blocking(move || {
        skopeo_ok(&[
            "copy",
            "--dest-tls-verify=false",
            "--dest-creds",
            &creds2,
            &src2,
            &dest2,
        ])
    })
    .await
    .unwrap();

    // Back out, anonymously: the registry is public.
    let back = dir.path().join("out");
    let dest_back = format!("oci:{}:1.0", back.display());
    let dest3 = dest.clone();
    tokio::task::spawn_blocking(move || {
        skopeo_ok(&["copy", "--src-tls-verify=false", &dest3, &dest_back])
    })
    .await
    .unwrap();
    assert_blobs_copied(&layout, &back);
    let index: Value =
        serde_json::from_slice(&std::fs::read(back.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["manifests"][0]["digest"], image["digest"]);

    // What the push made visible through the REST API.
    let (_, attrs) = r
        .api
        .get("/packages/alice/images/ns:app/versions/1.0/attributes")
        .await;
    assert!(attrs
        .to_string()
        .contains(image["digest"].as_str().unwrap()));

    // A wrong key is refused.
    let wrong = tokio::task::spawn_blocking(move || {
        skopeo(&[
            "copy",
            "--dest-tls-verify=false",
            "--dest-creds",
            "alice:not-the-key",
            &src,
            &dest.replace(":1.0", ":2.0"),
        ])
    })
    .await
    .unwrap();
    assert!(!wrong.status.success());
    let err = String::from_utf8_lossy(&wrong.stderr).to_lowercase();
    assert!(err.contains("unauthorized") || err.contains("401"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn skopeo_copies_a_multi_platform_index() {
    let r = Registry::start(true).await;
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("in");
    let amd = write_image(&layout, 2, 2, "amd64");
    let arm = write_image(&layout, 3, 2, "arm64");
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [amd, arm]});
    let (index_digest, index_size) = put_blob(&layout, index.to_string().as_bytes());
    write_index(
        &layout,
        vec![tagged(
            json!({"mediaType": OCI_INDEX, "digest": index_digest, "size": index_size}),
            "multi",
        )],
    );
    let creds = format!("alice:{}", r.key);
    let remote = format!("docker://{}/alice/images/tool:multi", host(&r));
    let src = format!("oci:{}:multi", layout.display());
    let back = dir.path().join("out");
    let dest_back = format!("oci:{}:multi", back.display());
    let bob_key = r.server.add_user("bob").await;
    let (remote2, creds2) = (remote.clone(), creds.clone());
    tokio::task::spawn_blocking(move || {
        let tls = ["--src-tls-verify=false", "--dest-tls-verify=false"];
        skopeo_ok(
            &[
                &["copy", "--all"],
                &tls[1..],
                &["--dest-creds", &creds2, &src, &remote2],
            ]
            .concat(),
        );
        skopeo_ok(
            &[
                &["copy", "--all"],
                &tls[..1],
                &["--src-creds", &creds2, &remote2, &dest_back],
            ]
            .concat(),
        );
    })
    .await
    .unwrap();
    assert_blobs_copied(&layout, &back);
    let (_, attrs) = r
        .api
        .get("/packages/alice/images/tool/versions/multi/attributes")
        .await;
    assert!(attrs.to_string().contains("linux/arm64"), "{attrs}");

    // The registry is private: anonymous callers and bob cannot read it.
    let bob = format!("bob:{bob_key}");
    let outcome = tokio::task::spawn_blocking(move || {
        (
            skopeo(&["inspect", "--tls-verify=false", "--raw", &remote]),
            skopeo(&[
                "inspect",
                "--tls-verify=false",
                "--raw",
                "--creds",
                &bob,
                &remote,
            ]),
        )
    })
    .await
    .unwrap();
    assert!(!outcome.0.status.success());
    assert!(!outcome.1.status.success());
    let err = String::from_utf8_lossy(&outcome.1.stderr).to_lowercase();
    assert!(
        err.contains("unknown") || err.contains("not found"),
        "{err}"
    );
}
