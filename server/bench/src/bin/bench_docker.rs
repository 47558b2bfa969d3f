//! `bench-docker [WHARF_BIN]`: skopeo pushes and pulls the same images to a real `wharf`
//! and to Debian's `docker-registry` (distribution 2.8: filesystem storage, htpasswd basic
//! auth), both on 127.0.0.1, in one sitting, alternating which goes first each round.
//!
//! Workloads: one image of 5 layers × 20 MiB of random data (gzip layers, so skopeo sends
//! them unchanged), and 200 tiny images. Every push is cold: fresh registries each round
//! and skopeo's blob-info cache cleared first. The baseline is skopeo copying the same
//! layouts to a local directory. Prints times, throughput, the Wharf / distribution
//! throughput ratio per workload, and both servers' peak resident memory.
//!
//! Scale with BENCH_ROUNDS (3), BENCH_TINY (200), BENCH_LAYERS (5), BENCH_LAYER_MIB (20).
//! Needs `skopeo`, `docker-registry` and `htpasswd` (scripts/bench-docker.sh installs them).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rand::{RngCore, SeedableRng};
use replicas::{env_num, peak_rss_mib};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const USER: &str = "bench";
const PASSWORD: &str = "benchmark password";

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// An OCI image layout being written: blobs, and the tags of index.json.
struct Layout {
    dir: PathBuf,
    tags: Vec<Value>,
    bytes: u64,
}

impl Layout {
    fn new(dir: PathBuf) -> anyhow::Result<Layout> {
        std::fs::create_dir_all(dir.join("blobs/sha256"))?;
        std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#)?;
        Ok(Layout {
            dir,
            tags: Vec::new(),
            bytes: 0,
        })
    }

    fn blob(&mut self, bytes: &[u8]) -> anyhow::Result<Value> {
        let digest = sha256(bytes);
        let path = self
            .dir
            .join("blobs/sha256")
            .join(digest.trim_start_matches("sha256:"));
        std::fs::write(path, bytes)?;
        self.bytes += bytes.len() as u64;
        Ok(json!({"digest": digest, "size": bytes.len()}))
    }

    /// An image of gzip layers made from `raw_layers`, tagged `tag`.
    fn image(&mut self, tag: &str, raw_layers: &[Vec<u8>]) -> anyhow::Result<()> {
        let mut layers = Vec::new();
        let mut diff_ids = Vec::new();
        for raw in raw_layers {
            diff_ids.push(sha256(raw));
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(raw)?;
            let mut d = self.blob(&gz.finish()?)?;
            d["mediaType"] = json!("application/vnd.oci.image.layer.v1.tar+gzip");
            layers.push(d);
        }
        let config = json!({"architecture": "amd64", "os": "linux",
            "created": "2024-05-01T10:00:00Z", "config": {"Labels": {"tag": tag}},
            "rootfs": {"type": "layers", "diff_ids": diff_ids}});
        let mut config_d = self.blob(config.to_string().as_bytes())?;
        config_d["mediaType"] = json!("application/vnd.oci.image.config.v1+json");
        let manifest = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": config_d, "layers": layers});
        let mut d = self.blob(manifest.to_string().as_bytes())?;
        d["mediaType"] = json!(OCI_MANIFEST);
        d["annotations"] = json!({"org.opencontainers.image.ref.name": tag});
        self.tags.push(d);
        Ok(())
    }

    fn finish(&self) -> anyhow::Result<()> {
        let index = json!({"schemaVersion": 2, "manifests": self.tags});
        std::fs::write(self.dir.join("index.json"), index.to_string())?;
        Ok(())
    }
}

fn skopeo(args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new("skopeo")
        .arg("--insecure-policy")
        .args(args)
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "skopeo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// skopeo remembers where it has seen blobs; a cold push must not know.
fn clear_blob_info_cache() {
    let mut dirs = vec![PathBuf::from("/var/lib/containers/cache")];
    if let Ok(home) = std::env::var("HOME") {
        dirs.push(Path::new(&home).join(".local/share/containers/cache"));
    }
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with("blob-info-cache")
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

fn wait_for_port(addr: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(addr).is_err() {
        anyhow::ensure!(Instant::now() < deadline, "nothing listens on {addr}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A registry under test: where images go, and its process.
struct Target {
    name: &'static str,
    /// `host:port/prefix` before image names.
    prefix: String,
    creds: String,
    child: Child,
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_wharf(bin: &str, dir: &Path) -> anyhow::Result<Target> {
    let data = dir.join("wharf");
    let out = Command::new(bin)
        .args(["user", "add", USER])
        .env("WHARF_DATA_DIR", &data)
        .env("WHARF_PASSWORD", PASSWORD)
        .output()?;
    anyhow::ensure!(out.status.success(), "wharf user add failed");
    let key = String::from_utf8(out.stdout)?
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    let mut child = Command::new(bin)
        .args(["serve", "--stop-on-stdin-eof"])
        .env("WHARF_DATA_DIR", &data)
        .env("WHARF_LISTEN", "127.0.0.1:0")
        .env("WHARF_LOG", "warn")
        .env("WHARF_DIST_DIR", data.join("no-ui"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
    let addr = line
        .trim()
        .strip_prefix("Wharf is listening on http://")
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(!addr.is_empty(), "wharf did not start: {line}");
    let out = Command::new("curl")
        .args(["-sf", "-u", &format!("{USER}:{key}"), "-X", "POST"])
        .args(["-d", r#"{"type":"docker"}"#])
        .arg(format!("http://{addr}/repos/{USER}/images"))
        .output()?;
    anyhow::ensure!(out.status.success(), "cannot create the docker repository");
    Ok(Target {
        name: "wharf",
        prefix: format!("{addr}/{USER}/images"),
        creds: format!("{USER}:{key}"),
        child,
    })
}

fn start_distribution(dir: &Path) -> anyhow::Result<Target> {
    let root = dir.join("distribution");
    std::fs::create_dir_all(&root)?;
    let out = Command::new("htpasswd")
        .args(["-Bbn", USER, PASSWORD])
        .output()?;
    anyhow::ensure!(out.status.success(), "htpasswd failed");
    std::fs::write(root.join("htpasswd"), &out.stdout)?;
    let addr = format!("127.0.0.1:{}", free_port()?);
    let config = format!(
        "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n\
         storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
         http:\n  addr: {addr}\nauth:\n  htpasswd:\n    realm: bench\n    path: {}\n",
        root.join("data").display(),
        root.join("htpasswd").display()
    );
    std::fs::write(root.join("config.yml"), config)?;
    let child = Command::new("docker-registry")
        .arg("serve")
        .arg(root.join("config.yml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    wait_for_port(&addr)?;
    Ok(Target {
        name: "distribution",
        prefix: format!("{addr}/bench"),
        creds: format!("{USER}:{PASSWORD}"),
        child,
    })
}

/// Seconds per workload: big push, big pull, tiny push, tiny pull.
type Times = [f64; 4];

fn timed(f: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<f64> {
    let started = Instant::now();
    f()?;
    Ok(started.elapsed().as_secs_f64())
}

fn run_workloads(t: &Target, layouts: &Path, out: &Path, tiny: u64) -> anyhow::Result<Times> {
    let big_src = format!("oci:{}:1", layouts.join("big").display());
    let big_remote = format!("docker://{}/big:1", t.prefix);
    let push = |src: &str, dest: &str| {
        skopeo(&[
            "copy",
            "--dest-tls-verify=false",
            "--dest-creds",
            &t.creds,
            src,
            dest,
        ])
    };
    let pull = |src: &str, dest: &str| {
        skopeo(&[
            "copy",
            "--src-tls-verify=false",
            "--src-creds",
            &t.creds,
            src,
            dest,
        ])
    };
    clear_blob_info_cache();
    let big_push = timed(|| push(&big_src, &big_remote))?;
    let big_pull = timed(|| pull(&big_remote, &format!("oci:{}:1", out.join("big").display())))?;
    clear_blob_info_cache();
    let tiny_dir = layouts.join("tiny");
    let tiny_push = timed(|| {
        for i in 0..tiny {
            push(
                &format!("oci:{}:t{i}", tiny_dir.display()),
                &format!("docker://{}/tiny{i}:1", t.prefix),
            )?;
        }
        Ok(())
    })?;
    let tiny_out = out.join("tiny");
    let tiny_pull = timed(|| {
        for i in 0..tiny {
            pull(
                &format!("docker://{}/tiny{i}:1", t.prefix),
                &format!("oci:{}:t{i}", tiny_out.display()),
            )?;
        }
        Ok(())
    })?;
    Ok([big_push, big_pull, tiny_push, tiny_pull])
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let rounds = env_num("BENCH_ROUNDS", 3).max(1);
    let tiny = env_num("BENCH_TINY", 200).max(1);
    let layers = env_num("BENCH_LAYERS", 5);
    let layer_mib = env_num("BENCH_LAYER_MIB", 20);
    let bin = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("WHARF_BIN").ok())
        .unwrap_or_else(|| "wharf".to_owned());
    let work = tempfile::tempdir()?;
    let layouts = work.path().join("layouts");

    // The images, made once: random data, so nothing compresses or deduplicates.
    let mut rng = rand::rngs::StdRng::seed_from_u64(2024);
    let mut big = Layout::new(layouts.join("big"))?;
    let raw: Vec<Vec<u8>> = (0..layers)
        .map(|_| {
            let mut b = vec![0u8; (layer_mib * 1024 * 1024) as usize];
            rng.fill_bytes(&mut b);
            b
        })
        .collect();
    big.image("1", &raw)?;
    big.finish()?;
    drop(raw);
    let mut small = Layout::new(layouts.join("tiny"))?;
    for i in 0..tiny {
        let mut b = vec![0u8; 512];
        rng.fill_bytes(&mut b);
        small.image(&format!("t{i}"), &[b])?;
    }
    small.finish()?;
    let big_mib = big.bytes as f64 / (1024.0 * 1024.0);
    println!(
        "images: 1 of {layers} x {layer_mib} MiB ({big_mib:.1} MiB as pushed), {tiny} tiny; {rounds} rounds"
    );

    // Baseline: skopeo alone, layout to layout on local disk.
    let base_dir = work.path().join("baseline");
    std::fs::create_dir_all(&base_dir)?;
    let big_local = timed(|| {
        skopeo(&[
            "copy",
            &format!("oci:{}:1", layouts.join("big").display()),
            &format!("oci:{}:1", base_dir.join("big").display()),
        ])
    })?;
    let tiny_local = timed(|| {
        for i in 0..tiny {
            skopeo(&[
                "copy",
                &format!("oci:{}:t{i}", layouts.join("tiny").display()),
                &format!("oci:{}:t{i}", base_dir.join("tiny").display()),
            ])?;
        }
        Ok(())
    })?;
    std::fs::remove_dir_all(&base_dir)?;

    let mut results: Vec<(&'static str, Times)> = Vec::new();
    let mut peak_kib = [0u64; 2];
    for round in 0..rounds {
        let dir = work.path().join(format!("round{round}"));
        let wharf = start_wharf(&bin, &dir)?;
        let distribution = start_distribution(&dir)?;
        let order = if round % 2 == 0 {
            [&wharf, &distribution]
        } else {
            [&distribution, &wharf]
        };
        for t in order {
            let out = dir.join(format!("pulled-{}", t.name));
            std::fs::create_dir_all(&out)?;
            let times = run_workloads(t, &layouts, &out, tiny)?;
            println!(
                "round {}: {:<12} big push {:.2}s pull {:.2}s | {tiny} tiny push {:.2}s pull {:.2}s",
                round + 1,
                t.name,
                times[0],
                times[1],
                times[2],
                times[3]
            );
            results.push((t.name, times));
        }
        peak_kib[0] = peak_kib[0].max((peak_rss_mib(wharf.child.id()) * 1024.0) as u64);
        peak_kib[1] = peak_kib[1].max((peak_rss_mib(distribution.child.id()) * 1024.0) as u64);
        drop(wharf);
        drop(distribution);
        std::fs::remove_dir_all(&dir)?;
    }

    let med = |name: &str, i: usize| {
        median(
            results
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, t)| t[i])
                .collect(),
        )
    };
    println!();
    println!(
        "{:<22} {:>12} {:>12} {:>12} {:>16}",
        "median of rounds", "skopeo only", "wharf", "distribution", "wharf/dist (tput)"
    );
    let rows = [
        ("big push (MiB/s)", 0, big_mib, big_local),
        ("big pull (MiB/s)", 1, big_mib, big_local),
        ("tiny push (images/s)", 2, tiny as f64, tiny_local),
        ("tiny pull (images/s)", 3, tiny as f64, tiny_local),
    ];
    for (label, i, amount, local) in rows {
        let (w, d) = (med("wharf", i), med("distribution", i));
        println!(
            "{label:<22} {:>12.1} {:>12.1} {:>12.1} {:>16.2}",
            amount / local,
            amount / w,
            amount / d,
            d / w
        );
    }
    println!(
        "peak RSS: wharf {:.1} MiB, distribution {:.1} MiB",
        peak_kib[0] as f64 / 1024.0,
        peak_kib[1] as f64 / 1024.0
    );
    Ok(())
}
