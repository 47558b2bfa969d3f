//! `bench-registry [WHARF_BIN]`: measures real `wharf` processes on loopback and prints
//! figures, for each set-up it is given (issue 12's benchmark):
//! - **embedded**: one replica on SQLite and local disk (always);
//! - **shared**: one replica on PostgreSQL and an S3 store, and **cluster**: two replicas
//!   on them behind Debian's nginx, when `BENCH_DATABASE_URL` (an empty PostgreSQL
//!   database) and `BENCH_BLOB_STORE` (`s3://BUCKET/PREFIX`, with `WHARF_S3_ENDPOINT` and
//!   the AWS variables) are set, as `scripts/bench-registry.sh` does.
//!
//! 1. Seeds 10,000 packages × 10 versions through the REST API into each database.
//! 2. `GET /packages/:s/:r/:p` from 64 concurrent connections, `BENCH_SECONDS` per set-up,
//!    alternating the set-ups for `BENCH_ROUNDS` rounds: requests/s, p50 and p99, the
//!    median round of each, and its ratio to the embedded one.
//! 3. Uploads a 1 GiB file (streamed, never held in memory) to each database and store,
//!    with the server's peak resident memory (VmHWM) before and after.
//! 4. Downloads it: the embedded one against reading the stored blob from disk, the S3 one
//!    through Wharf and as a presigned redirect straight to the store (the second replica
//!    runs with `WHARF_PRESIGNED_DOWNLOAD_SECONDS`).
//!
//! Sizes can be scaled down with BENCH_PACKAGES, BENCH_VERSIONS, BENCH_SECONDS,
//! BENCH_ROUNDS and BENCH_FILE_MIB. Only figures measured in the same run should be
//! compared.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use replicas::{env_num, peak_rss_mib, Proxy, Replica};

/// One Wharf under measure: its processes, where clients reach it, and its user's key.
struct Target {
    label: &'static str,
    data: PathBuf,
    replicas: Vec<Replica>,
    proxy: Option<Proxy>,
    key: String,
}

impl Target {
    /// Where reads go: the proxy when there is one, else the only replica.
    fn base(&self) -> &str {
        match &self.proxy {
            Some(p) => &p.url,
            None => &self.replicas[0].url,
        }
    }
}

/// The figures of one read run.
#[derive(Clone, Copy)]
struct Reads {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// A repository `generic` and `packages` × (`versions` + 1) writes in it, 32 at a time.
async fn seed(
    client: &reqwest::Client,
    t: &Target,
    packages: u64,
    versions: u64,
) -> anyhow::Result<()> {
    let base = t.base().to_owned();
    let status = client
        .post(format!("{base}/repos/bench/generic"))
        .basic_auth("bench", Some(&t.key))
        .body("{}")
        .send()
        .await?
        .status();
    anyhow::ensure!(status == 201, "create repository: {status}");
    let started = Instant::now();
    let results = futures_util::stream::iter(0..packages)
        .map(|i| {
            let (client, base, key) = (client.clone(), base.clone(), t.key.clone());
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
    let seeded = started.elapsed().as_secs_f64();
    let writes = packages * (versions + 1);
    println!(
        "seed {}: {packages} packages x {versions} versions = {writes} writes in {seeded:.1} s ({:.0} writes/s)",
        t.label,
        writes as f64 / seeded
    );
    Ok(())
}

/// Anonymous `GET /packages/bench/generic/pkgN` from 64 connections for `seconds`.
async fn reads(
    client: &reqwest::Client,
    base: &str,
    packages: u64,
    seconds: u64,
) -> anyhow::Result<Reads> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for t in 0..64u64 {
        let (client, base, stop) = (client.clone(), base.to_owned(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = t * 7919;
            while !stop.load(Ordering::Relaxed) {
                i = (i * 48271 + 11) % packages.max(1);
                let begin = Instant::now();
                let r = client
                    .get(format!("{base}/packages/bench/generic/pkg{i:05}"))
                    .send()
                    .await?;
                anyhow::ensure!(r.status() == 200, "a read answered {}", r.status());
                r.bytes().await?;
                latencies.push(begin.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    anyhow::ensure!(!all.is_empty(), "no read finished");
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    Ok(Reads {
        per_second: all.len() as f64 / seconds as f64,
        p50_ms: pct(0.50).as_secs_f64() * 1e3,
        p99_ms: pct(0.99).as_secs_f64() * 1e3,
    })
}

/// Streams `mib` MiB from a generator to `base`; the time it took.
async fn upload(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    mib: u64,
) -> anyhow::Result<Duration> {
    let chunk = bytes::Bytes::from(
        (0..1024 * 1024u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
            .collect::<Vec<u8>>(),
    );
    let body =
        futures_util::stream::iter((0..mib).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    let started = Instant::now();
    let r = client
        .put(format!(
            "{base}/content/bench/generic/pkg00000/1.0.0/big.bin?publish=1"
        ))
        .basic_auth("bench", Some(key))
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await?;
    anyhow::ensure!(r.status() == 201, "upload: {}", r.status());
    Ok(started.elapsed())
}

/// Downloads `/dl/bench/generic/big.bin` (following a redirect); MiB/s.
async fn download(client: &reqwest::Client, base: &str, mib: u64) -> anyhow::Result<f64> {
    let started = Instant::now();
    let res = client
        .get(format!("{base}/dl/bench/generic/big.bin"))
        .send()
        .await?
        .error_for_status()?;
    let mut stream = res.bytes_stream();
    let mut got = 0u64;
    while let Some(c) = stream.next().await {
        got += c?.len() as u64;
    }
    anyhow::ensure!(got == mib * 1024 * 1024, "downloaded {got} bytes");
    Ok(mib as f64 / started.elapsed().as_secs_f64())
}

/// Reads the largest file under `dir`, as the baseline of a local-disk download; MiB/s.
fn disk_read(dir: &Path) -> anyhow::Result<f64> {
    let blob = walk_largest(dir)?;
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
    Ok(read as f64 / 1048576.0 / started.elapsed().as_secs_f64())
}

fn median(mut runs: Vec<Reads>) -> Reads {
    runs.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    runs[runs.len() / 2]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let packages = env_num("BENCH_PACKAGES", 10_000);
    let versions = env_num("BENCH_VERSIONS", 10);
    let seconds = env_num("BENCH_SECONDS", 10);
    let rounds = env_num("BENCH_ROUNDS", 3).max(1);
    let file_mib = env_num("BENCH_FILE_MIB", 1024);
    let bin = PathBuf::from(
        std::env::args()
            .nth(1)
            .or_else(|| std::env::var("WHARF_BIN").ok())
            .unwrap_or_else(|| "wharf".to_owned()),
    );
    let dir = tempfile::tempdir()?;
    let dist = dir.path().join("no-ui");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .build()?;

    let embedded = {
        let data = dir.path().join("embedded");
        let key = replicas::add_user(&bin, &data, &[]).map_err(anyhow::Error::msg)?;
        let replica = Replica::start(&bin, &data, &dist, &[]);
        Target {
            label: "SQLite + disk, 1 replica",
            data,
            replicas: vec![replica],
            proxy: None,
            key,
        }
    };
    println!("wharf {}: embedded at {}", bin.display(), embedded.base());
    seed(&client, &embedded, packages, versions).await?;
    let mut targets = vec![embedded];

    let shared = replicas::bench_backends();
    if shared.is_none() {
        println!("BENCH_DATABASE_URL and BENCH_BLOB_STORE unset: SQLite + disk only");
    }
    if let Some(settings) = &shared {
        let data = dir.path().join("shared");
        let key = replicas::add_user(&bin, &data, settings).map_err(anyhow::Error::msg)?;
        let a = Replica::start(&bin, &data, &dist, settings);
        let single = Target {
            label: "PostgreSQL + S3, 1 replica",
            data: data.clone(),
            replicas: vec![a],
            proxy: None,
            key: key.clone(),
        };
        seed(&client, &single, packages, versions).await?;
        // The second replica answers downloads with a presigned redirect.
        let mut presigning = settings.clone();
        presigning.push((
            "WHARF_PRESIGNED_DOWNLOAD_SECONDS".to_owned(),
            "300".to_owned(),
        ));
        let b = Replica::start(&bin, &data, &dist, &presigning);
        let cluster = Target {
            label: "PostgreSQL + S3, 2 replicas behind nginx",
            data,
            proxy: Some(Proxy::start(&[&single.replicas[0], &b])),
            replicas: vec![b],
            key,
        };
        targets.push(single);
        targets.push(cluster);
    }

    // 2. Reads, alternating the set-ups.
    let mut runs: Vec<Vec<Reads>> = vec![Vec::new(); targets.len()];
    for round in 1..=rounds {
        for (t, runs) in targets.iter().zip(&mut runs) {
            let r = reads(&client, t.base(), packages, seconds).await?;
            println!(
                "round {round}, {}: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
                t.label, r.per_second, r.p50_ms, r.p99_ms
            );
            runs.push(r);
        }
    }
    println!("GET /packages/:s/:r/:p, 64 connections, median of {rounds} rounds of {seconds} s:");
    let medians: Vec<Reads> = runs.into_iter().map(median).collect();
    for (t, m) in targets.iter().zip(&medians) {
        println!(
            "  {:<42} {:>6.0} requests/s (x{:.2} of embedded), p50 {:.2} ms, p99 {:.2} ms",
            t.label,
            m.per_second,
            m.per_second / medians[0].per_second,
            m.p50_ms,
            m.p99_ms
        );
    }

    // 3 and 4. A large file into each store and back; the cluster target shares the
    // single replica's database and store, so it only adds the presigned download.
    let mut through_wharf = Vec::new();
    for t in targets.iter().take(2) {
        let pid = t.replicas[0].child.id();
        let before = peak_rss_mib(pid);
        let up = upload(&client, t.base(), &t.key, file_mib).await?;
        println!(
            "upload {file_mib} MiB, {}: {:.1} s ({:.0} MiB/s); server peak RSS {before:.1} MiB before, {:.1} MiB after",
            t.label,
            up.as_secs_f64(),
            file_mib as f64 / up.as_secs_f64(),
            peak_rss_mib(pid)
        );
        let before = peak_rss_mib(pid);
        let down = download(&client, t.base(), file_mib).await?;
        println!(
            "download {file_mib} MiB, {}: {down:.0} MiB/s through Wharf; server peak RSS {before:.1} MiB before, {:.1} MiB after",
            t.label,
            peak_rss_mib(pid)
        );
        through_wharf.push(down);
    }
    let disk = disk_read(&targets[0].data.join("blobs"))?;
    println!(
        "download, SQLite + disk: {:.0} MiB/s over HTTP vs {disk:.0} MiB/s reading the blob file: ratio {:.2}",
        through_wharf[0],
        through_wharf[0] / disk
    );
    if let Some(cluster) = targets.get(2) {
        let direct = download(&client, &cluster.replicas[0].url, file_mib).await?;
        println!(
            "download, S3: {:.0} MiB/s through Wharf vs {direct:.0} MiB/s by presigned redirect: ratio {:.2}; vs local disk through Wharf: ratio {:.2}",
            through_wharf[1],
            through_wharf[1] / direct,
            through_wharf[1] / through_wharf[0]
        );
    }
    Ok(())
}

fn walk_largest(dir: &Path) -> std::io::Result<PathBuf> {
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
