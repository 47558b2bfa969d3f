//! Wharf as several machines see it (issue 12): `wharf serve` processes of their own
//! (replicas) on one database and store, and Debian's nginx alternating between them.
//! Each is killed when dropped. Used by `server/tests/cluster.rs` and `bench-registry`;
//! [`StaticSite`] is the nginx reference of `bench-hotpaths`.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `wharf serve` process; it is killed (SIGKILL) when dropped.
pub struct Replica {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Replica {
    /// Starts the `wharf` at `bin` as a replica on `data` (the shared server key; SQLite and blobs unless
    /// `settings` name other backends), with no periodic collection and 2 s import leases
    /// unless `settings` say otherwise. No `WHARF_*` variable of the test's own environment
    /// reaches it.
    pub fn start(bin: &Path, data: &Path, dist: &Path, settings: &[(String, String)]) -> Replica {
        let mut cmd = Command::new(bin);
        for (key, _) in std::env::vars() {
            if key.starts_with("WHARF_") {
                cmd.env_remove(key);
            }
        }
        cmd.arg("serve")
            .env("WHARF_LISTEN", "127.0.0.1:0")
            .env("WHARF_DATA_DIR", data)
            .env("WHARF_DIST_DIR", dist)
            .env("WHARF_LOG", "warn")
            .env("WHARF_GC_INTERVAL_SECONDS", "0")
            .env("WHARF_IMPORT_LEASE_SECONDS", "2")
            .envs(settings.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the replica says where it listens")
                .unwrap();
            if let Some(url) = line.strip_prefix("Wharf is listening on ") {
                break url.trim().to_owned();
            }
        };
        // Keep reading so that the replica never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Replica { child, url }
    }

    /// `host:port`, as nginx and the Docker clients name it.
    pub fn authority(&self) -> &str {
        self.url.trim_start_matches("http://")
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's nginx in front of replicas, round-robin per request (idle upstream
/// connections kept open, as in the README's example), streaming bodies both ways, with an access log that names the
/// replica each request went to.
pub struct Proxy {
    child: Child,
    dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Proxy {
    /// Starts nginx on a free loopback port in front of `upstreams`.
    pub fn start(upstreams: &[&Replica]) -> Proxy {
        let (child, dir, url) = start_nginx(|dir, port| nginx_conf(dir, port, upstreams));
        Proxy { child, dir, url }
    }

    pub fn authority(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Every request so far as `(replica authority, method, path and query)`.
    pub fn log(&self) -> Vec<(String, String, String)> {
        let text = std::fs::read_to_string(self.access_log()).unwrap_or_default();
        text.lines()
            .filter_map(|l| {
                let mut parts = l.splitn(3, ' ');
                Some((
                    parts.next()?.to_owned(),
                    parts.next()?.to_owned(),
                    parts.next()?.to_owned(),
                ))
            })
            .collect()
    }

    fn access_log(&self) -> PathBuf {
        self.dir.path().join("access.log")
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Debian's nginx with the configuration `conf(dir, port)` writes, on a free
/// loopback port (nginx cannot be told port 0: a port the kernel just handed out is
/// tried, again with another one if it was taken meanwhile). Its process, its directory
/// and `http://127.0.0.1:PORT`.
fn start_nginx(conf: impl Fn(&Path, u16) -> String) -> (Child, tempfile::TempDir, String) {
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("nginx is installed (the test set-up installs nginx-light)");
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, conf(dir.path(), port)).unwrap();
        let mut child = Command::new(nginx)
            .arg("-c")
            .arg(&path)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..100 {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return (child, dir, format!("http://127.0.0.1:{port}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("nginx did not start");
}

/// Debian's nginx serving the files of a directory, configured as one would to serve
/// downloads (`sendfile`, a worker per core, no access log): the reference the hot-path
/// benchmark measures Wharf against (issue 15). Stopped (SIGTERM to its master, which
/// ends its workers) when dropped.
pub struct StaticSite {
    child: Child,
    _dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl StaticSite {
    pub fn start(root: &Path) -> StaticSite {
        let (child, dir, url) = start_nginx(|dir, port| {
            let d = dir.display();
            let r = root.display();
            format!(
                r#"daemon off;
worker_processes auto;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  types {{ application/json json; }}
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    root {r};
  }}
}}
"#
            )
        });
        StaticSite {
            child,
            _dir: dir,
            url,
        }
    }

    /// The master process, for its memory figures.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        // The master ends its workers on SIGTERM; SIGKILL would leave them behind.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

fn nginx_conf(dir: &Path, port: u16, upstreams: &[&Replica]) -> String {
    let d = dir.display();
    let servers: String = upstreams
        .iter()
        .map(|r| format!("    server {};\n", r.authority()))
        .collect();
    // Log lines are unbuffered so that a test reads every request it made.
    format!(
        r#"daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{}}
http {{
  log_format replica '$upstream_addr $request_method $request_uri';
  access_log {d}/access.log replica;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  upstream wharf {{
{servers}    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 0;
    location / {{
      proxy_pass http://wharf;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Connection "";
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_next_upstream off;
      proxy_read_timeout 1h;
    }}
  }}
}}
"#
    )
}

/// The shared backends a benchmark is given (`scripts/bench-*.sh` sets them): as `WHARF_*`
/// settings from `BENCH_DATABASE_URL` (an empty PostgreSQL database), `BENCH_BLOB_STORE`
/// (`s3://BUCKET/PREFIX`) and `WHARF_S3_ENDPOINT`; `None` when either of the first two is
/// unset.
pub fn bench_backends() -> Option<Vec<(String, String)>> {
    let db = std::env::var("BENCH_DATABASE_URL").ok()?;
    let store = std::env::var("BENCH_BLOB_STORE").ok()?;
    let mut settings = vec![
        ("WHARF_DATABASE_URL".to_owned(), db),
        ("WHARF_BLOB_STORE".to_owned(), store),
    ];
    if let Ok(endpoint) = std::env::var("WHARF_S3_ENDPOINT") {
        settings.push(("WHARF_S3_ENDPOINT".to_owned(), endpoint));
    }
    Some(settings)
}

/// A number from the environment variable `name` (a benchmark's scale), else `default`.
pub fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The peak resident memory (VmHWM, proc(5)) of process `pid` in MiB; 0 when unreadable.
pub fn peak_rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// `wharf user add bench` (password "benchmark password") on `data` and the backends
/// `settings` name, with no `WHARF_*` variable of the caller's own; the API key it prints,
/// or its error output.
pub fn add_user(bin: &Path, data: &Path, settings: &[(String, String)]) -> Result<String, String> {
    let mut cmd = Command::new(bin);
    for (key, _) in std::env::vars() {
        if key.starts_with("WHARF_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd
        .args(["user", "add", "bench"])
        .env("WHARF_DATA_DIR", data)
        .env("WHARF_PASSWORD", "benchmark password")
        .envs(settings.iter().map(|(k, v)| (k, v)))
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    if !out.status.success() {
        return Err(format!(
            "user add failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned())
}
