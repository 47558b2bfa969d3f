//! Issue 12's cluster test: two `wharf serve` replicas on the suite's backends (PostgreSQL
//! and S3 on the second pass of the test command) behind Debian's nginx, which sends each
//! request to the next replica. A session made through one replica is good on the other,
//! skopeo pushes whose requests alternate replicas while both collect garbage lose
//! nothing, chunks of one upload land on different replicas, and a file reads back byte
//! for byte from either. (The replica killed mid-import is in `github_import.rs`.)

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use common::browser::Browser;
use common::oci::{data, sha256};
use common::oci_layout::*;
use common::replica::{start_replica, suite_backends};
use common::*;
use replicas::{Proxy, Replica};
use reqwest::Method;
use serde_json::{json, Value};

struct Cluster {
    a: Replica,
    b: Replica,
    proxy: Proxy,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Cluster {
    async fn start(settings: &[(&str, &str)]) -> Cluster {
        let (dist_dir, dist) = fake_dist();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut env = suite_backends().await;
        env.extend(settings.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let a = start_replica(&data, &dist, &env);
        let b = start_replica(&data, &dist, &env);
        let proxy = Proxy::start(&[&a, &b]);
        Cluster {
            a,
            b,
            proxy,
            _dirs: (dist_dir, dir),
        }
    }

    /// The replicas each request to `path_part` went to, in order.
    /// The upstreams that served the requests whose URI holds `path_part`, in
    /// order, once at least `count` are logged: nginx writes a line after the
    /// response has gone, so the client can be ahead of the log.
    async fn served(&self, path_part: &str, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let served: Vec<String> = self
                .proxy
                .log()
                .into_iter()
                .filter(|(_, _, uri)| uri.contains(path_part))
                .map(|(upstream, _, _)| upstream)
                .collect();
            if served.len() >= count || Instant::now() > deadline {
                return served;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn both(&self) -> HashSet<String> {
        [self.a.authority(), self.b.authority()]
            .into_iter()
            .map(str::to_owned)
            .collect()
    }
}

/// alice, signed up through the proxy, with her API key.
async fn alice(c: &Cluster) -> (Browser, String) {
    let mut browser = Browser::new(&c.proxy.url);
    let key = browser.sign_up_with_key("alice").await;
    (browser, key)
}

fn as_alice(key: &str, method: Method, url: String) -> reqwest::RequestBuilder {
    raw_client()
        .request(method, url)
        .basic_auth("alice", Some(key))
}

/// alice's Docker repository `images`, made through the proxy.
async fn docker_repository(c: &Cluster, key: &str) {
    let res = as_alice(
        key,
        Method::POST,
        format!("{}/repos/alice/images", c.proxy.url),
    )
    .json(&json!({"type": "docker"}))
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_and_a_file_work_through_either_replica() {
    let c = Cluster::start(&[]).await;
    let (mut browser, key) = alice(&c).await;

    // The session made through the proxy is good on every replica, whichever serves.
    for _ in 0..6 {
        let (code, me) = browser.get("/api/ui/session").await;
        assert_eq!(code, 200, "{me}");
        assert_eq!(me["user"]["name"], "alice", "{me}");
    }
    let served: HashSet<String> = c.served("/api/ui/session", 6).await.into_iter().collect();
    assert_eq!(served, c.both(), "nginx alternates");
    for replica in [&c.a, &c.b] {
        browser.base = replica.url.clone();
        let (code, me) = browser.get("/api/ui/session").await;
        assert_eq!((code, &me["user"]["name"]), (200, &json!("alice")), "{me}");
    }

    // A file uploaded through the proxy reads back whole, and by range, from both.
    let api = |method, path: &str| as_alice(&key, method, c.proxy.url.clone() + path);
    let res = api(Method::POST, "/repos/alice/files")
        .json(&json!({"type": "generic"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = api(Method::POST, "/packages/alice/files")
        .json(&json!({"name": "tool"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let bytes = data(7, 9 * 1024 * 1024 + 17);
    let res = api(
        Method::PUT,
        "/content/alice/files/tool/1.0/tool.bin?publish=1",
    )
    .body(bytes.clone())
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    for base in [&c.a.url, &c.b.url, &c.proxy.url] {
        let res = raw_client()
            .get(format!("{base}/dl/alice/files/tool.bin"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{base}");
        let got = res.bytes().await.unwrap();
        assert_eq!(sha256(&got), sha256(&bytes), "{base}");
        let res = raw_client()
            .get(format!("{base}/dl/alice/files/tool.bin"))
            .header("range", "bytes=5000000-5000099")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 206, "{base}");
        assert_eq!(
            &res.bytes().await.unwrap()[..],
            &bytes[5_000_000..5_000_100]
        );
    }
}

/// The chunks of one upload, each sent through the proxy: consecutive ones reach
/// different replicas, and the blob they make is whole on both.
#[tokio::test(flavor = "multi_thread")]
async fn chunks_of_one_upload_on_different_replicas_make_one_blob() {
    let c = Cluster::start(&[]).await;
    let (_, key) = alice(&c).await;
    docker_repository(&c, &key).await;
    let blob = data(11, 3 * 1024 * 1024 + 5);
    let digest = sha256(&blob);
    let res = as_alice(
        &key,
        Method::POST,
        format!("{}/v2/alice/images/app/blobs/uploads/", c.proxy.url),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 202);
    let mut location = res.headers()["location"].to_str().unwrap().to_owned();
    let session = location.rsplit('/').next().unwrap().to_owned();
    let chunk = 1024 * 1024;
    for (i, part) in blob.chunks(chunk).enumerate() {
        let start = i * chunk;
        let url = absolute(&c.proxy.url, &location);
        let res = as_alice(&key, Method::PATCH, url)
            .header("content-type", "application/octet-stream")
            .header(
                "content-range",
                format!("{start}-{}", start + part.len() - 1),
            )
            .body(part.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            202,
            "chunk {i}: {}",
            res.text().await.unwrap()
        );
        location = res.headers()["location"].to_str().unwrap().to_owned();
    }
    let url = absolute(&c.proxy.url, &location);
    let sep = if url.contains('?') { '&' } else { '?' };
    let res = as_alice(&key, Method::PUT, format!("{url}{sep}digest={digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    // POST is logged without the session id; 4 PATCHes and the PUT carry it.
    let served = c.served(&session, 5).await;
    assert_eq!(served.len(), 5, "{served:?}");
    assert!(
        served.windows(2).all(|w| w[0] != w[1]),
        "each request of the upload went to the other replica: {served:?}"
    );
    for replica in [&c.a, &c.b] {
        let res = as_alice(
            &key,
            Method::GET,
            format!("{}/v2/alice/images/app/blobs/{digest}", replica.url),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(sha256(&res.bytes().await.unwrap()), digest);
    }
}

fn absolute(base: &str, location: &str) -> String {
    if location.starts_with("http") {
        location.to_owned()
    } else {
        format!("{base}{location}")
    }
}

/// The sum over both replicas of a counter in `/metrics` (every label set).
async fn metric(c: &Cluster, name: &str, label: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for replica in [&c.a, &c.b] {
        let text = raw_client()
            .get(format!("{}/metrics", replica.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let total: f64 = text
            .lines()
            .filter(|l| l.starts_with(name) && l.contains(label))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum();
        out.push(total as u64);
    }
    out
}

fn push(layout: &Path, tag: &str, dest: String, creds: &str) {
    skopeo_ok(&[
        "copy",
        "--dest-tls-verify=false",
        "--dest-creds",
        creds,
        &format!("oci:{}:{tag}", layout.display()),
        &dest,
    ]);
}

/// skopeo pushes images through the proxy, several at once, while both replicas collect
/// garbage every second; every image reads back byte for byte from each replica, and an
/// image deleted before is collected (by whichever replica held the collector's lease).
#[tokio::test(flavor = "multi_thread")]
async fn pushes_through_the_proxy_survive_both_replicas_collecting_garbage() {
    let c = Cluster::start(&[
        ("WHARF_GC_INTERVAL_SECONDS", "1"),
        ("WHARF_GC_GRACE_SECONDS", "8"),
    ])
    .await;
    let (_, key) = alice(&c).await;
    let creds = format!("alice:{key}");
    docker_repository(&c, &key).await;
    let dir = tempfile::tempdir().unwrap();

    // An image pushed, then deleted: its config and 3 layers become garbage.
    let gone = dir.path().join("gone");
    let descriptor = write_image(&gone, 900, 3, "amd64");
    write_index(&gone, vec![tagged(descriptor.clone(), "1")]);
    let dest = format!("docker://{}/alice/images/gone:1", c.proxy.authority());
    let (g, cr) = (gone.clone(), creds.clone());
    tokio::task::spawn_blocking(move || push(&g, "1", dest, &cr))
        .await
        .unwrap();
    let res = as_alice(
        &key,
        Method::DELETE,
        format!(
            "{}/v2/alice/images/gone/manifests/{}",
            c.proxy.url,
            descriptor["digest"].as_str().unwrap()
        ),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 202);
    let removed_before: u64 = metric(&c, "wharf_gc_blobs_removed_total", "")
        .await
        .iter()
        .sum();

    // Rounds of three pushes at once, for as long as the garbage takes to age and go.
    let started = Instant::now();
    let mut pushed: Vec<(std::path::PathBuf, String)> = Vec::new();
    let mut round = 0u64;
    loop {
        let mut handles = Vec::new();
        for n in 0..3u64 {
            let seed = round * 10 + n + 1;
            let layout = dir.path().join(format!("img-{seed}"));
            let image = write_image(&layout, seed, 3, "amd64");
            write_index(&layout, vec![tagged(image, "1")]);
            let name = format!("alice/images/app-{seed}");
            let dest = format!("docker://{}/{name}:1", c.proxy.authority());
            let creds = creds.clone();
            let l = layout.clone();
            handles.push(tokio::task::spawn_blocking(move || {
                push(&l, "1", dest, &creds)
            }));
            pushed.push((layout, name));
        }
        for h in handles {
            h.await.unwrap();
        }
        round += 1;
        let removed: u64 = metric(&c, "wharf_gc_blobs_removed_total", "")
            .await
            .iter()
            .sum();
        if removed >= removed_before + 4 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the deleted image's blobs were not collected ({removed} removed)"
        );
    }
    let ran = metric(&c, "wharf_gc_runs_total", "outcome=\"ran\"").await;
    assert!(
        ran.iter().all(|&n| n > 0),
        "both replicas collected: {ran:?}"
    );

    // Requests of one upload went to both replicas.
    let mut sessions: HashMap<String, HashSet<String>> = HashMap::new();
    for (upstream, _, uri) in c.proxy.log() {
        if let Some((_, rest)) = uri.split_once("/blobs/uploads/") {
            let id = rest.split('?').next().unwrap_or_default();
            if !id.is_empty() {
                sessions.entry(id.to_owned()).or_default().insert(upstream);
            }
        }
    }
    assert!(
        sessions.values().any(|s| s.len() == 2),
        "no upload spanned the replicas: {sessions:?}"
    );

    // Every pushed image, back from each replica, byte for byte.
    for (layout, name) in pushed {
        for replica in [&c.a, &c.b] {
            let back = dir.path().join(format!(
                "back-{}-{}",
                name.replace('/', "_"),
                replica.authority().replace(':', "_")
            ));
            let src = format!("docker://{}/{name}:1", replica.authority());
            let dest = format!("oci:{}:1", back.display());
            let creds = creds.clone();
            let b = back.clone();
            tokio::task::spawn_blocking(move || {
                skopeo_ok(&[
                    "copy",
                    "--src-tls-verify=false",
                    "--src-creds",
                    &creds,
                    &src,
                    &dest,
                ])
            })
            .await
            .unwrap();
            assert_blobs_copied(&layout, &b);
        }
    }
    // The deleted image is gone for good.
    let layer: Value = serde_json::from_slice(
        &std::fs::read(
            gone.join("blobs/sha256").join(
                descriptor["digest"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("sha256:"),
            ),
        )
        .unwrap(),
    )
    .unwrap();
    let layer_digest = layer["layers"][0]["digest"].as_str().unwrap();
    let res = as_alice(
        &key,
        Method::HEAD,
        format!("{}/v2/alice/images/gone/blobs/{layer_digest}", c.a.url),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 404);
}
