//! `bench-registry [WHARF_BIN]`: measures a real `wharf` on loopback and prints figures.
//!
//! 1. Seeds 10,000 packages × 10 versions through the REST API.
//! 2. `GET /packages/:s/:r/:p` from 64 concurrent connections for a while: requests/s,
//!    p50 and p99 latency.
//! 3. Uploads a 1 GiB file (streamed, never held in memory) and reports the server's peak
//!    resident memory (VmHWM) before and after.
//! 4. Downloads it and compares the throughput with reading the stored blob from disk.
//!
//! Sizes can be scaled down with BENCH_PACKAGES, BENCH_VERSIONS, BENCH_SECONDS and
//! BENCH_FILE_MIB. Only figures measured in the same run should be compared.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn vm_hwm_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let packages = env_num("BENCH_PACKAGES", 10_000);
    let versions = env_num("BENCH_VERSIONS", 10);
    let seconds = env_num("BENCH_SECONDS", 10);
    let file_mib = env_num("BENCH_FILE_MIB", 1024);
    let bin = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("WHARF_BIN").ok())
        .unwrap_or_else(|| "wharf".to_owned());
    let data = tempfile::tempdir()?;

    // A user, made with the real CLI.
    let out = Command::new(&bin)
        .args(["user", "add", "bench"])
        .env("WHARF_DATA_DIR", data.path())
        .env("WHARF_PASSWORD", "benchmark password")
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "user add failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout)?
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();

    let mut child = Command::new(&bin)
        .args(["serve", "--stop-on-stdin-eof"])
        .env("WHARF_DATA_DIR", data.path())
        .env("WHARF_LISTEN", "127.0.0.1:0")
        .env("WHARF_LOG", "warn")
        .env("WHARF_DIST_DIR", data.path().join("no-ui"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
    let base = line
        .trim()
        .strip_prefix("Wharf is listening on ")
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(!base.is_empty(), "wharf did not start: {line}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .build()?;
    let auth = |r: reqwest::RequestBuilder| r.basic_auth("bench", Some(&key));

    println!("wharf {bin} at {base}, pid {pid}");
    let status = auth(client.post(format!("{base}/repos/bench/generic")))
        .body("{}")
        .send()
        .await?
        .status();
    anyhow::ensure!(status == 201, "create repository: {status}");

    // 1. Seed.
    let started = Instant::now();
    let work: Vec<u64> = (0..packages).collect();
    let results = futures_util::stream::iter(work)
        .map(|i| {
            let client = client.clone();
            let base = base.clone();
            let key = key.clone();
            async move {
                let name = format!("pkg{i:05}");
                let r = client
                    .post(format!("{base}/packages/bench/generic"))
                    .basic_auth("bench", Some(&key))
                    .body(format!(
                        r#"{{"name":"{name}","desc":"Package {i}","licenses":["MIT"]}}"#
                    ))
                    .send()
                    .await?;
                anyhow::ensure!(r.status() == 201, "package {name}: {}", r.status());
                for v in 0..versions {
                    let r = client
                        .post(format!("{base}/packages/bench/generic/{name}/versions"))
                        .basic_auth("bench", Some(&key))
                        .body(format!(r#"{{"name":"1.{v}.0"}}"#))
                        .send()
                        .await?;
                    anyhow::ensure!(r.status() == 201, "version: {}", r.status());
                }
                anyhow::Ok(())
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
    for r in results {
        r?;
    }
    let seeded = started.elapsed();
    let writes = packages * (versions + 1);
    println!(
        "seed: {packages} packages x {versions} versions = {writes} writes in {:.1} s ({:.0} writes/s)",
        seeded.as_secs_f64(),
        writes as f64 / seeded.as_secs_f64()
    );

    // 2. Reads under 64 connections.
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for t in 0..64u64 {
        let client = client.clone();
        let base = base.clone();
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = t * 7919;
            while !stop.load(Ordering::Relaxed) {
                i = (i * 48271 + 11) % packages.max(1);
                let begin = Instant::now();
                let r = client
                    .get(format!("{base}/packages/bench/generic/pkg{i:05}"))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == 200 => {
                        let _ = r.bytes().await;
                        latencies.push(begin.elapsed());
                    }
                    _ => return Err(anyhow::anyhow!("a read failed")),
                }
            }
            Ok(latencies)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!(
        "GET /packages/:s/:r/:p, 64 connections, {seconds} s: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
        all.len() as f64 / seconds as f64,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3
    );

    // 3. A large upload, streamed from a generator.
    let hwm_before = vm_hwm_kib(pid);
    let chunk = bytes::Bytes::from(
        (0..1024 * 1024u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
            .collect::<Vec<u8>>(),
    );
    let body_stream = futures_util::stream::iter(
        (0..file_mib).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
    );
    let started = Instant::now();
    let r = auth(client.put(format!(
        "{base}/content/bench/generic/pkg00000/1.0.0/big.bin?publish=1"
    )))
    .body(reqwest::Body::wrap_stream(body_stream))
    .send()
    .await?;
    anyhow::ensure!(r.status() == 201, "upload: {}", r.status());
    let up = started.elapsed();
    let hwm_after = vm_hwm_kib(pid);
    println!(
        "upload {file_mib} MiB: {:.1} s ({:.0} MiB/s); server peak RSS {:.1} MiB before, {:.1} MiB after",
        up.as_secs_f64(),
        file_mib as f64 / up.as_secs_f64(),
        hwm_before as f64 / 1024.0,
        hwm_after as f64 / 1024.0
    );

    // 4. Download versus reading the stored blob from disk.
    let started = Instant::now();
    let mut stream = client
        .get(format!("{base}/dl/bench/generic/big.bin"))
        .send()
        .await?
        .bytes_stream();
    let mut got = 0u64;
    while let Some(c) = stream.next().await {
        got += c?.len() as u64;
    }
    let http = started.elapsed();
    anyhow::ensure!(got == file_mib * 1024 * 1024, "downloaded {got} bytes");
    let blob = walk_largest(&data.path().join("blobs"))?;
    let started = Instant::now();
    let mut f = std::fs::File::open(&blob)?;
    let mut buf = vec![0u8; 1024 * 1024];
    let mut read = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        read += n as u64;
    }
    let disk = started.elapsed();
    let mib = |b: u64, d: Duration| b as f64 / 1048576.0 / d.as_secs_f64();
    println!(
        "download {file_mib} MiB: {:.0} MiB/s over HTTP vs {:.0} MiB/s from disk: ratio {:.2}",
        mib(got, http),
        mib(read, disk),
        mib(got, http) / mib(read, disk)
    );

    drop(child.stdin.take());
    let _ = child.wait();
    Ok(())
}

fn walk_largest(dir: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    let mut best = (0u64, dir.to_path_buf());
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d)? {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let len = p.metadata()?.len();
                if len > best.0 {
                    best = (len, p);
                }
            }
        }
    }
    Ok(best.1)
}
