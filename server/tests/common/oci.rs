//! A Docker registry client over raw HTTP, for the protocol tests.

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{raw_client, Api, TestServer};

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Deterministic pseudo-random bytes (no two seeds alike).
pub fn data(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A user with a docker repository, and a client for it.
pub struct Registry {
    pub server: TestServer,
    pub user: String,
    pub key: String,
    pub api: Api,
    pub client: reqwest::Client,
}

impl Registry {
    /// `alice` with the docker repository `images` (public unless `private`).
    pub async fn start(private: bool) -> Registry {
        let (_dir, dist) = super::fake_dist();
        Registry::start_with(private, dist, |_| {}).await
    }

    pub async fn start_with(
        private: bool,
        dist: std::path::PathBuf,
        tweak: impl FnOnce(&mut server::infra::config::Config),
    ) -> Registry {
        let server = TestServer::start_with(&dist, tweak).await;
        let key = server.add_user("alice").await;
        let api = Api::user(&server, "alice", &key);
        let (status, body) = api
            .post(
                "/repos/alice/images",
                json!({"type": "docker", "private": private}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        Registry {
            server,
            user: "alice".into(),
            key,
            api,
            client: raw_client(),
        }
    }

    /// A request as alice.
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.anon(method, path)
            .basic_auth(&self.user, Some(&self.key))
    }

    pub fn anon(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.server.url(path))
    }

    /// Pushes a blob in one `POST ?digest=`; returns its digest.
    pub async fn push_blob(&self, name: &str, bytes: &[u8]) -> String {
        let digest = sha256(bytes);
        let res = self
            .req(
                Method::POST,
                &format!("/v2/{name}/blobs/uploads/?digest={digest}"),
            )
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
        digest
    }

    /// Pushes a config and layers and an image manifest naming them; returns the
    /// manifest's bytes and digest.
    pub async fn push_image(&self, name: &str, reference: &str, seed: u64) -> (Vec<u8>, String) {
        let config =
            json!({"architecture": "amd64", "os": "linux", "created": "2024-05-01T10:00:00Z"})
                .to_string()
                .into_bytes();
        let layer = data(seed, 3000);
        let config_digest = self.push_blob(name, &config).await;
        let layer_digest = self.push_blob(name, &layer).await;
        let manifest = image_manifest(
            (&config_digest, config.len()),
            &[(&layer_digest, layer.len())],
        );
        let digest = self
            .put_manifest(name, reference, OCI_MANIFEST, &manifest)
            .await;
        (manifest, digest)
    }

    pub async fn put_manifest(
        &self,
        name: &str,
        reference: &str,
        media_type: &str,
        manifest: &[u8],
    ) -> String {
        let res = self
            .req(Method::PUT, &format!("/v2/{name}/manifests/{reference}"))
            .header("content-type", media_type)
            .body(manifest.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
        let digest = sha256(manifest);
        assert_eq!(header(&res, "docker-content-digest"), digest);
        digest
    }
}

pub fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The first error code of a registry error body.
pub async fn error_code(res: reqwest::Response) -> String {
    let body: Value = res.json().await.unwrap();
    body["errors"][0]["code"].as_str().unwrap_or("").to_owned()
}

pub fn image_manifest(config: (&str, usize), layers: &[(&str, usize)]) -> Vec<u8> {
    json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": config.0, "size": config.1},
        "layers": layers.iter().map(|(d, s)| json!({"mediaType": OCI_LAYER, "digest": d, "size": s})).collect::<Vec<_>>(),
    })
    .to_string()
    .into_bytes()
}
