//! OCI image layouts made on disk, and skopeo (Debian's package; the test set-up installs
//! it) to copy them in and out of a registry.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

use super::oci::{data, sha256};

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

pub fn skopeo(args: &[&str]) -> Output {
    let out = Command::new("skopeo")
        .arg("--insecure-policy")
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run skopeo ({e}); install it with `apt-get install skopeo`")
        });
    out
}

pub fn skopeo_ok(args: &[&str]) {
    let out = skopeo(args);
    assert!(
        out.status.success(),
        "skopeo {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes a blob into an OCI layout; returns its descriptor fields.
pub fn put_blob(layout: &Path, bytes: &[u8]) -> (String, usize) {
    let digest = sha256(bytes);
    let dir = layout.join("blobs/sha256");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(digest.trim_start_matches("sha256:")), bytes).unwrap();
    (digest, bytes.len())
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// An image of `layers` gzip layers for `arch`; returns the manifest's descriptor.
pub fn write_image(layout: &Path, seed: u64, layers: usize, arch: &str) -> Value {
    let mut descriptors = Vec::new();
    let mut diff_ids = Vec::new();
    for i in 0..layers {
        let raw = data(seed * 100 + i as u64, 40_000 + i * 1000);
        diff_ids.push(sha256(&raw));
        let (digest, size) = put_blob(layout, &gzip(&raw));
        descriptors.push(json!({
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": digest, "size": size}));
    }
    let config = json!({"architecture": arch, "os": "linux",
        "created": "2024-05-01T10:00:00Z",
        "rootfs": {"type": "layers", "diff_ids": diff_ids}, "config": {}});
    let (config_digest, config_size) = put_blob(layout, config.to_string().as_bytes());
    let manifest = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": config_size},
        "layers": descriptors});
    let (digest, size) = put_blob(layout, manifest.to_string().as_bytes());
    json!({"mediaType": OCI_MANIFEST, "digest": digest, "size": size,
        "platform": {"os": "linux", "architecture": arch}})
}

pub fn write_index(layout: &Path, entries: Vec<Value>) {
    std::fs::write(
        layout.join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries});
    std::fs::write(layout.join("index.json"), index.to_string()).unwrap();
}

pub fn tagged(mut descriptor: Value, tag: &str) -> Value {
    descriptor["annotations"] = json!({"org.opencontainers.image.ref.name": tag});
    descriptor
}

/// Every blob of `from` is in `to`, byte for byte.
pub fn assert_blobs_copied(from: &Path, to: &Path) {
    let mut count = 0;
    for entry in std::fs::read_dir(from.join("blobs/sha256")).unwrap() {
        let entry = entry.unwrap();
        let copy = to.join("blobs/sha256").join(entry.file_name());
        assert_eq!(
            std::fs::read(entry.path()).unwrap(),
            std::fs::read(&copy).unwrap_or_default(),
            "{:?}",
            entry.file_name()
        );
        count += 1;
    }
    assert!(count > 0);
}
