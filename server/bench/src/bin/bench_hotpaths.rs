//! `bench-hotpaths [WHARF_BIN]` (issue 15): Wharf's hot paths against Debian's nginx
//! serving the same bytes as static files, on loopback, measured by `wrk` (2 threads,
//! `BENCH_CONNECTIONS` = 200 connections) and `curl`, alternating Wharf and nginx each
//! round, medians of `BENCH_ROUNDS` (3) rounds of `BENCH_SECONDS` (10):
//!
//! | workload | Wharf | nginx |
//! |---|---|---|
//! | small download | `GET /dl/bench/generic/small.bin` (64 KiB, public) | the same file |
//! | metadata | `GET /packages/bench/generic/pkg` (10 versions) | its JSON as a file |
//! | revalidation | the same with `If-None-Match` (a 304) | the same, nginx's ETag |
//! | large download | `BENCH_FILE_MIB` (1024) MiB through `curl` | the same file, sendfile |
//!
//! Then a load test on Wharf alone: `BENCH_CONNECTIONS` connections for
//! `BENCH_LOAD_SECONDS` (60) mixing downloads (65 %), metadata reads (20 %), 1 KiB
//! uploads (5 %) and 404s (10 %): statuses by kind (anything but 200, 201 and 404 is an
//! error), p50/p99. Every workload reports the server's peak RSS during it.
//!
//! Runs on SQLite + disk, and on PostgreSQL + S3 when `BENCH_DATABASE_URL` and
//! `BENCH_BLOB_STORE` are set (`scripts/bench-hotpaths.sh` does). Push and import
//! figures come from `bench-docker` and `bench-import`. Only figures of one run compare.

use base64::Engine;
use replicas::{env_num, peak_rss_mib, Replica, StaticSite};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Starts a new peak for [`peak_rss_mib`] (`clear_refs` 5, proc(5)).
fn reset_peak(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// What one `wrk` run printed.
#[derive(Clone, Debug, Default)]
struct Wrk {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Responses other than 2xx and 3xx, and socket errors (connect, read, write,
    /// timeout), summed.
    errors: u64,
    /// The socket errors alone (wrk leaves timed-out requests out of its latencies).
    socket_errors: u64,
    /// The lines a Lua `done` wrote (`LOAD …`).
    script_lines: Vec<String>,
}

/// `1.23ms`, `850.00us`, `1.02s`, `2.00m` in milliseconds.
fn wrk_duration_ms(v: &str) -> Option<f64> {
    let (num, factor) = if let Some(n) = v.strip_suffix("us") {
        (n, 1e-3)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1e3)
    } else if let Some(n) = v.strip_suffix('m') {
        (n, 60e3)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|n| n * factor)
}

fn parse_wrk(out: &str) -> anyhow::Result<Wrk> {
    let mut w = Wrk::default();
    for line in out.lines() {
        let t = line.trim();
        let words: Vec<&str> = t.split_whitespace().collect();
        match words.as_slice() {
            ["50%", v] => w.p50_ms = wrk_duration_ms(v).unwrap_or(f64::NAN),
            ["99%", v] => w.p99_ms = wrk_duration_ms(v).unwrap_or(f64::NAN),
            ["Requests/sec:", v] => w.per_second = v.parse()?,
            ["Non-2xx", "or", "3xx", "responses:", n] => w.errors += n.parse::<u64>()?,
            ["Socket", "errors:", rest @ ..] => {
                w.socket_errors = rest
                    .iter()
                    .filter_map(|s| s.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
                w.errors += w.socket_errors;
            }
            ["LOAD", ..] => w.script_lines.push(t.to_owned()),
            _ => {}
        }
    }
    anyhow::ensure!(w.per_second > 0.0, "wrk measured nothing:\n{out}");
    Ok(w)
}

/// `wrk --latency` at `url` for `seconds`, with `args` before the URL and `script_args`
/// after it (for a Lua script).
fn wrk(url: &str, seconds: u64, args: &[&str], script_args: &[&str]) -> anyhow::Result<Wrk> {
    let connections = env_num("BENCH_CONNECTIONS", 200).to_string();
    let out = Command::new("wrk")
        .args(["-t2", "-c", &connections, "-d"])
        .arg(format!("{seconds}s"))
        .args(["--latency", "--timeout", "10s"])
        .args(args)
        .arg(url)
        .args(script_args)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    anyhow::ensure!(
        out.status.success(),
        "wrk failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_wrk(&text)
}

/// `curl` downloading `url` to nowhere; MiB/s.
fn curl_download(url: &str, expect_bytes: u64) -> anyhow::Result<f64> {
    let out = Command::new("curl")
        .args([
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{size_download} %{speed_download}",
        ])
        .arg(url)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut parts = text.split_whitespace();
    let size: u64 = parts.next().unwrap_or("0").parse()?;
    let speed: f64 = parts.next().unwrap_or("0").parse()?;
    anyhow::ensure!(size == expect_bytes, "downloaded {size} bytes from {url}");
    Ok(speed / 1048576.0)
}

/// One Wharf under measure.
struct Wharf {
    label: &'static str,
    replica: Replica,
    key: String,
}

/// The repository, the package `pkg` with 10 versions, `small.bin` and `big.bin`
/// (published), and the package `load` the load test uploads into.
async fn seed(w: &Wharf, files: &Path) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let base = &w.replica.url;
    let post = |path: String, body: &'static str| {
        client
            .post(format!("{base}{path}"))
            .basic_auth("bench", Some(&w.key))
            .body(body)
            .send()
    };
    let status = post("/repos/bench/generic".into(), "{}").await?.status();
    anyhow::ensure!(status == 201, "create repository: {status}");
    for body in [
        r#"{"name":"pkg","desc":"The package","licenses":["MIT"],"vcs_url":"https://example.org/pkg.git"}"#,
        r#"{"name":"load","licenses":["MIT"],"vcs_url":"https://example.org/load.git"}"#,
    ] {
        let status = post("/packages/bench/generic".into(), body).await?.status();
        anyhow::ensure!(status == 201, "create package: {status}");
    }
    for v in 1..=10 {
        let r = client
            .post(format!("{base}/packages/bench/generic/pkg/versions"))
            .basic_auth("bench", Some(&w.key))
            .body(format!(r#"{{"name":"1.{v}.0","desc":"Release {v}"}}"#))
            .send()
            .await?;
        anyhow::ensure!(r.status() == 201, "version: {}", r.status());
    }
    for name in ["small.bin", "big.bin"] {
        let out = Command::new("curl")
            .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u"])
            .arg(format!("bench:{}", w.key))
            .arg("-T")
            .arg(files.join(name))
            .arg(format!(
                "{base}/content/bench/generic/pkg/1.10.0/{name}?publish=1"
            ))
            .output()?;
        let code = String::from_utf8_lossy(&out.stdout);
        anyhow::ensure!(code == "201", "upload {name}: {code}");
    }
    Ok(())
}

/// The ETag a GET of `url` answers with, if any.
async fn etag_of(url: &str) -> anyhow::Result<Option<String>> {
    let r = reqwest::get(url).await?.error_for_status()?;
    Ok(r.headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned))
}

fn median_by(mut runs: Vec<Wrk>) -> Wrk {
    runs.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    runs.swap_remove(runs.len() / 2)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One row of the table: Wharf's and nginx's medians.
struct Row {
    workload: String,
    wharf: String,
    nginx: String,
    ratio: f64,
    peak_rss: f64,
}

const LOAD_SCRIPT: &str = r#"
-- wrk script of the mixed load: args auth, download, metadata, miss, upload prefix.
local threads = {}
local next_id = 1
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function init(args)
  auth, dl, meta, miss, up = args[1], args[2], args[3], args[4], args[5]
  n = 0
  sent_dl, sent_meta, sent_up, sent_miss = 0, 0, 0, 0
  s200, s201, s404, other = 0, 0, 0, 0
  payload = string.rep("w", 1024)
end
function request()
  n = n + 1
  local k = n % 20
  if k < 13 then
    sent_dl = sent_dl + 1
    return wrk.format("GET", dl)
  elseif k < 17 then
    sent_meta = sent_meta + 1
    return wrk.format("GET", meta)
  elseif k < 18 then
    sent_up = sent_up + 1
    return wrk.format("PUT", up .. id .. "-" .. n .. ".bin?publish=1",
      {["Authorization"] = auth}, payload)
  else
    sent_miss = sent_miss + 1
    return wrk.format("GET", miss .. n)
  end
end
function response(status, headers, body)
  if status == 200 then s200 = s200 + 1
  elseif status == 201 then s201 = s201 + 1
  elseif status == 404 then s404 = s404 + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local t = {dl = 0, meta = 0, up = 0, miss = 0, s200 = 0, s201 = 0, s404 = 0, other = 0}
  for _, th in ipairs(threads) do
    t.dl = t.dl + th:get("sent_dl"); t.meta = t.meta + th:get("sent_meta")
    t.up = t.up + th:get("sent_up"); t.miss = t.miss + th:get("sent_miss")
    t.s200 = t.s200 + th:get("s200"); t.s201 = t.s201 + th:get("s201")
    t.s404 = t.s404 + th:get("s404"); t.other = t.other + th:get("other")
  end
  io.write(string.format("LOAD sent download=%d metadata=%d upload=%d missing=%d; answered 200=%d 201=%d 404=%d other=%d\n",
    t.dl, t.meta, t.up, t.miss, t.s200, t.s201, t.s404, t.other))
end
"#;

/// Runs `wharf_run` and `nginx_run` alternately for `rounds`; a row of medians.
fn alternate(
    workload: &str,
    w: &Wharf,
    rounds: u64,
    mut wharf_run: impl FnMut() -> anyhow::Result<Wrk>,
    mut nginx_run: impl FnMut() -> anyhow::Result<Wrk>,
) -> anyhow::Result<Row> {
    let pid = w.replica.child.id();
    reset_peak(pid);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let a = wharf_run()?;
        let b = nginx_run()?;
        println!(
            "  round {round}, {workload}: Wharf {:.0}/s p99 {:.1} ms ({} errors), nginx {:.0}/s p99 {:.1} ms ({} errors)",
            a.per_second, a.p99_ms, a.errors, b.per_second, b.p99_ms, b.errors
        );
        anyhow::ensure!(a.errors == 0 && b.errors == 0, "{workload}: errors");
        ours.push(a);
        theirs.push(b);
    }
    let (a, b) = (median_by(ours), median_by(theirs));
    Ok(Row {
        workload: workload.to_owned(),
        wharf: format!(
            "{:.0} req/s, p50 {:.2} ms, p99 {:.1} ms",
            a.per_second, a.p50_ms, a.p99_ms
        ),
        nginx: format!("{:.0} req/s, p99 {:.1} ms", b.per_second, b.p99_ms),
        ratio: a.per_second / b.per_second,
        peak_rss: peak_rss_mib(pid),
    })
}

fn measure(
    w: &Wharf,
    site: &StaticSite,
    nginx_etag: &str,
    wharf_etag: Option<&str>,
    file_bytes: u64,
    dir: &Path,
) -> anyhow::Result<Vec<Row>> {
    let seconds = env_num("BENCH_SECONDS", 10);
    let rounds = env_num("BENCH_ROUNDS", 3).max(1);
    let base = &w.replica.url;
    let mut rows = Vec::new();
    let small = format!("{base}/dl/bench/generic/small.bin");
    rows.push(alternate(
        "small download (64 KiB)",
        w,
        rounds,
        || wrk(&small, seconds, &[], &[]),
        || wrk(&format!("{}/small.bin", site.url), seconds, &[], &[]),
    )?);
    let meta = format!("{base}/packages/bench/generic/pkg");
    rows.push(alternate(
        "package metadata (10 versions)",
        w,
        rounds,
        || wrk(&meta, seconds, &[], &[]),
        || wrk(&format!("{}/package.json", site.url), seconds, &[], &[]),
    )?);
    match wharf_etag {
        Some(tag) => {
            let ours = format!("If-None-Match: {tag}");
            let theirs = format!("If-None-Match: {nginx_etag}");
            rows.push(alternate(
                "package metadata, 304",
                w,
                rounds,
                || wrk(&meta, seconds, &["-H", &ours], &[]),
                || {
                    wrk(
                        &format!("{}/package.json", site.url),
                        seconds,
                        &["-H", &theirs],
                        &[],
                    )
                },
            )?);
        }
        None => println!("  package metadata, 304: Wharf sends no ETag for package JSON"),
    }
    // Large downloads, one at a time.
    let pid = w.replica.child.id();
    reset_peak(pid);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let a = curl_download(&format!("{base}/dl/bench/generic/big.bin"), file_bytes)?;
        let b = curl_download(&format!("{}/big.bin", site.url), file_bytes)?;
        println!("  round {round}, large download: Wharf {a:.0} MiB/s, nginx {b:.0} MiB/s");
        ours.push(a);
        theirs.push(b);
    }
    let (a, b) = (median(ours), median(theirs));
    rows.push(Row {
        workload: format!("large download ({} MiB)", file_bytes >> 20),
        wharf: format!("{a:.0} MiB/s"),
        nginx: format!("{b:.0} MiB/s"),
        ratio: a / b,
        peak_rss: peak_rss_mib(pid),
    });

    // The mixed load, Wharf alone.
    let load_seconds = env_num("BENCH_LOAD_SECONDS", 60);
    let script = dir.join("load.lua");
    std::fs::write(&script, LOAD_SCRIPT)?;
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("bench:{}", w.key))
    );
    reset_peak(pid);
    let load = wrk(
        base,
        load_seconds,
        &["-s", &script.to_string_lossy()],
        &[
            "--",
            &auth,
            "/dl/bench/generic/small.bin",
            "/packages/bench/generic/pkg",
            "/dl/bench/generic/missing-",
            "/content/bench/generic/load/1.0/t",
        ],
    )?;
    for line in &load.script_lines {
        println!("  {line}");
    }
    // wrk counts the intended 404s as non-2xx; the script tells them apart. Errors are
    // the other statuses and every socket error (connect, read, write, timeout).
    let other: u64 = load
        .script_lines
        .iter()
        .find_map(|l| l.rsplit("other=").next()?.trim().parse().ok())
        .unwrap_or(u64::MAX)
        .saturating_add(load.socket_errors);
    rows.push(Row {
        workload: format!(
            "mixed load, {} connections, {load_seconds} s",
            env_num("BENCH_CONNECTIONS", 200)
        ),
        wharf: format!(
            "{:.0} req/s, p50 {:.2} ms, p99 {:.1} ms, {} errors",
            load.per_second, load.p50_ms, load.p99_ms, other
        ),
        nginx: "-".to_owned(),
        ratio: f64::NAN,
        peak_rss: peak_rss_mib(pid),
    });
    Ok(rows)
}

/// Deterministic bytes that do not compress.
fn write_noise(path: &Path, bytes: u64) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut left = bytes;
    while left > 0 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let n = left.min(8) as usize;
        f.write_all(&x.to_le_bytes()[..n])?;
        left -= n as u64;
    }
    f.flush()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bin = PathBuf::from(
        std::env::args()
            .nth(1)
            .or_else(|| std::env::var("WHARF_BIN").ok())
            .unwrap_or_else(|| "wharf".to_owned()),
    );
    let file_bytes = env_num("BENCH_FILE_MIB", 1024) << 20;
    let dir = tempfile::tempdir()?;
    // nginx's workers run as nobody when started by root: they must be able to enter.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
    }
    let root = dir.path().join("www");
    std::fs::create_dir_all(&root)?;
    write_noise(&root.join("small.bin"), 64 << 10)?;
    write_noise(&root.join("big.bin"), file_bytes)?;
    let dist = dir.path().join("no-ui");

    let mut backends: Vec<(&'static str, Vec<(String, String)>)> =
        vec![("SQLite + disk", Vec::new())];
    match replicas::bench_backends() {
        Some(settings) => backends.push(("PostgreSQL + S3", settings)),
        None => println!("BENCH_DATABASE_URL and BENCH_BLOB_STORE unset: SQLite + disk only"),
    }
    let mut tables = Vec::new();
    for (i, (label, settings)) in backends.into_iter().enumerate() {
        let data = dir.path().join(format!("data{i}"));
        let key = replicas::add_user(&bin, &data, &settings).map_err(anyhow::Error::msg)?;
        let w = Wharf {
            label,
            replica: Replica::start(&bin, &data, &dist, &settings),
            key,
        };
        println!("{}: {} at {}", w.label, bin.display(), w.replica.url);
        seed(&w, &root).await?;
        // nginx serves the JSON Wharf answers, byte for byte.
        let json = reqwest::get(format!("{}/packages/bench/generic/pkg", w.replica.url))
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        std::fs::write(root.join("package.json"), &json)?;
        let site = StaticSite::start(&root);
        let nginx_etag = etag_of(&format!("{}/package.json", site.url))
            .await?
            .unwrap_or_default();
        let wharf_etag = etag_of(&format!("{}/packages/bench/generic/pkg", w.replica.url)).await?;
        let rows = measure(
            &w,
            &site,
            &nginx_etag,
            wharf_etag.as_deref(),
            file_bytes,
            dir.path(),
        )?;
        tables.push((label, rows));
    }
    for (label, rows) in tables {
        println!("\n{label} ({}):", bin.display());
        println!("| workload | Wharf | nginx | ratio | Wharf peak RSS |");
        println!("|---|---|---|---|---|");
        for r in rows {
            let ratio = if r.ratio.is_nan() {
                "-".to_owned()
            } else {
                format!("{:.3}", r.ratio)
            };
            println!(
                "| {} | {} | {} | {ratio} | {:.1} MiB |",
                r.workload, r.wharf, r.nginx, r.peak_rss
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_output_is_read() {
        let out = "Running 1s test @ http://127.0.0.1:1/\n  2 threads and 200 connections\n\
            \x20 Latency Distribution\n     50%  850.00us\n     75%    1.20ms\n     99%   12.34ms\n\
            \x20 1000 requests in 1.00s, 1.00MB read\n  Socket errors: connect 0, read 2, write 0, timeout 1\n\
            \x20 Non-2xx or 3xx responses: 4\nRequests/sec:   1000.50\nLOAD sent download=1; answered 200=1 other=0\n";
        let w = parse_wrk(out).unwrap();
        assert_eq!(w.per_second, 1000.5);
        assert!((w.p50_ms - 0.85).abs() < 1e-9);
        assert!((w.p99_ms - 12.34).abs() < 1e-9);
        assert_eq!(w.errors, 7);
        assert_eq!(w.socket_errors, 3);
        assert_eq!(w.script_lines.len(), 1);
        assert_eq!(wrk_duration_ms("1.02s"), Some(1020.0));
    }
}
