//! A real Wharf on 127.0.0.1:0 with a throw-away data directory; it stops when dropped.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};

use app::endpoints::{Endpoint, Get, Method, NoBody, Verb, WithBody};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use server::infra::config::Config;
use tokio::sync::oneshot;

pub mod browser;
pub mod oci;
pub mod oci_layout;
pub mod outage;
pub mod raw;
pub mod replica;

/// Which backends the suite runs on. By default SQLite and local disk; the test command
/// runs the suite again with these set (scripts/lib/services.sh starts the services):
/// - `WHARF_TEST_POSTGRES`: a PostgreSQL server URL (`postgres://postgres@127.0.0.1:PORT`);
///   each server gets a database of its own, made for it.
/// - `WHARF_TEST_S3_BUCKET` and `WHARF_S3_ENDPOINT` (with the AWS credential variables):
///   each server gets a key prefix of its own in that bucket.
pub struct Backends;

impl Backends {
    pub fn postgres() -> Option<String> {
        std::env::var("WHARF_TEST_POSTGRES")
            .ok()
            .filter(|v| !v.is_empty())
    }

    pub fn s3_bucket() -> Option<String> {
        std::env::var("WHARF_TEST_S3_BUCKET")
            .ok()
            .filter(|v| !v.is_empty())
    }

    /// Points `config` at a fresh PostgreSQL database and S3 prefix, when the suite runs on
    /// them.
    pub async fn choose(config: &mut Config) {
        if let Some(base) = Backends::postgres() {
            let name = format!("wharf_t_{}", uuid::Uuid::new_v4().simple());
            let admin = format!("{}/postgres", base.trim_end_matches('/'));
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                .await
                .expect("the test PostgreSQL answers");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
            config.database = Some(server::infra::config::DatabaseUrl::Postgres(format!(
                "{}/{name}",
                base.trim_end_matches('/')
            )));
        }
        if let Some(bucket) = Backends::s3_bucket() {
            config.blob_store = Some(server::infra::config::BlobStoreUrl::S3 {
                bucket,
                prefix: format!("t-{}", uuid::Uuid::new_v4().simple()),
            });
            config.s3_endpoint = std::env::var("WHARF_S3_ENDPOINT").ok();
        }
    }
}

pub struct TestServer {
    pub url: String,
    pub data_dir: tempfile::TempDir,
    pub config: Config,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    pub async fn start(dist_dir: &Path) -> TestServer {
        TestServer::start_with(dist_dir, |_| {}).await
    }

    /// Starts on SQLite and local disk whatever the suite runs on, for tests that copy the
    /// data directory itself.
    pub async fn start_embedded(dist_dir: &Path) -> TestServer {
        let data_dir = tempfile::tempdir().unwrap();
        let config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: data_dir.path().join("data"),
            dist_dir: dist_dir.to_path_buf(),
            ..Config::default()
        };
        TestServer::start_in(data_dir, config).await
    }

    /// Starts with a configuration changed by `tweak`.
    pub async fn start_with(dist_dir: &Path, tweak: impl FnOnce(&mut Config)) -> TestServer {
        TestServer::start_tweaked(tempfile::tempdir().unwrap(), dist_dir, tweak).await
    }

    async fn start_tweaked(
        data_dir: tempfile::TempDir,
        dist_dir: &Path,
        tweak: impl FnOnce(&mut Config),
    ) -> TestServer {
        let mut config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: data_dir.path().join("data"),
            dist_dir: dist_dir.to_path_buf(),
            ..Config::default()
        };
        Backends::choose(&mut config).await;
        tweak(&mut config);
        TestServer::start_in(data_dir, config).await
    }

    async fn start_in(data_dir: tempfile::TempDir, config: Config) -> TestServer {
        // The server's warnings and errors appear in the output of a failing test.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("WHARF_LOG")
                    .unwrap_or_else(|_| "warn".into()),
            )
            .with_test_writer()
            .try_init();
        let state = server::start(config.clone()).await.expect("server starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        TestServer {
            url,
            data_dir,
            config,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server and starts a new one (on a new port) on the same data directory:
    /// only what is on disk survives.
    pub async fn restart(self) -> TestServer {
        self.restart_with(|_| {}).await
    }

    /// [`TestServer::restart`] with the configuration changed by `tweak`.
    pub async fn restart_with(mut self, tweak: impl FnOnce(&mut Config)) -> TestServer {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        let data_dir = std::mem::replace(&mut self.data_dir, tempfile::tempdir().unwrap());
        let mut config = self.config.clone();
        tweak(&mut config);
        TestServer::start_in(data_dir, config).await
    }

    /// The server's database and blob store, opened beside it (for the garbage collector).
    pub async fn storage(&self) -> (server::infra::db::Db, server::infra::storage::BlobStore) {
        let (db, _) = server::open_storage(&self.config).await.unwrap();
        (db, server::open_blobs(&self.config).unwrap())
    }

    /// The server's database, opened beside it.
    pub async fn db(&self) -> server::infra::db::Db {
        server::open_storage(&self.config).await.unwrap().0
    }

    /// Creates an account straight in the server's database; returns its API key.
    pub async fn add_user(&self, name: &str) -> String {
        let (db, secrets) = server::open_storage(&self.config).await.unwrap();
        let (_, key) = server::domain::accounts::create_user(
            &db,
            &secrets,
            name,
            "password-of-test",
            false,
            false,
        )
        .await
        .unwrap();
        db.close().await;
        key.expose().to_owned()
    }

    /// Every object of the blob store (staged uploads included): local files, or on S3
    /// the keys under the server's prefix as `/KEY`.
    pub fn blob_files(&self) -> Vec<PathBuf> {
        if self.config.blob_store.is_some() {
            let blobs = server::open_blobs(&self.config).unwrap();
            // Callers are plain functions inside a test's runtime: list on a thread of
            // its own.
            return std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(blobs.list(""))
                    .unwrap()
                    .into_iter()
                    .map(|(p, _)| PathBuf::from(format!("/{p}")))
                    .collect()
            })
            .join()
            .unwrap();
        }
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.data_dir.path().join("data").join("blobs"), &mut out);
        out
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    /// Stops the server and waits until it has finished.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A client that neither follows redirects nor decompresses, so tests see the wire.
pub fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap()
}

pub const WASM_NAME: &str = "frontend-0123456789abcdef_bg.wasm";
pub const JS_NAME: &str = "frontend-0123456789abcdef.js";
pub const INDEX_HTML: &str = "<!DOCTYPE html><html><head><title>Wharf</title>\
     <meta name=\"description\" content=\"Wharf\" /><!-- wharf:meta --></head>\
     <body></body></html>";

/// A dist/ shaped like Trunk's output.
pub fn fake_dist() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), INDEX_HTML).unwrap();
    std::fs::write(dist.join(JS_NAME), js_body()).unwrap();
    std::fs::write(dist.join(WASM_NAME), wasm_body()).unwrap();
    std::fs::write(dist.join("robots.txt"), "User-agent: *\n").unwrap();
    (dir, dist)
}

pub fn js_body() -> Vec<u8> {
    "export function start() { console.log('wharf'); }\n"
        .repeat(200)
        .into_bytes()
}

pub fn wasm_body() -> Vec<u8> {
    let mut body = b"\0asm\x01\0\0\0".to_vec();
    body.extend((0..20_000u32).map(|i| (i % 7) as u8));
    body
}

/// A JSON API client for one user (or anonymous), against one server.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub auth: Option<(String, String)>,
    pub client: reqwest::Client,
}

impl Api {
    pub fn anonymous(server: &TestServer) -> Api {
        Api {
            base: server.url.clone(),
            auth: None,
            client: raw_client(),
        }
    }

    pub fn user(server: &TestServer, name: &str, key: &str) -> Api {
        Api {
            auth: Some((name.to_owned(), key.to_owned())),
            ..Api::anonymous(server)
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        match &self.auth {
            Some((u, k)) => req.basic_auth(u, Some(k)),
            None => req,
        }
    }

    /// Sends and returns the status and the JSON body (Null when there is none).
    pub async fn send(&self, req: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let json = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, json)
    }

    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, serde_json::Value) {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.send(
            self.request(reqwest::Method::POST, path)
                .body(body.to_string()),
        )
        .await
    }

    pub async fn patch(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.send(
            self.request(reqwest::Method::PATCH, path)
                .body(body.to_string()),
        )
        .await
    }

    /// Sends a bodiless call of the app's contract (`app::endpoints`) with its method and
    /// path; the status and the JSON answer.
    pub async fn call<M: Method, R>(&self, endpoint: &Endpoint<M, NoBody, R>) -> (u16, Value) {
        self.send(self.request(verb(endpoint.verb()), endpoint.path()))
            .await
    }

    /// Sends a call of the app's contract with `body` as JSON, as the app does.
    pub async fn call_with<M: WithBody, B: Serialize, R>(
        &self,
        endpoint: &Endpoint<M, B, R>,
        body: &B,
    ) -> (u16, Value) {
        let json = serde_json::to_string(body).unwrap();
        self.send(
            self.request(verb(endpoint.verb()), endpoint.path())
                .body(json),
        )
        .await
    }

    /// A read of the app's contract, parsed as its answer type; panics unless it is a 200.
    pub async fn read<R: DeserializeOwned>(&self, endpoint: Endpoint<Get, NoBody, R>) -> R {
        let (status, body) = self.call(&endpoint).await;
        assert_eq!(status, 200, "{}: {body}", endpoint.path());
        serde_json::from_value(body)
            .unwrap_or_else(|e| panic!("{}: not the contract's answer: {e}", endpoint.path()))
    }

    pub async fn head(&self, path: &str) -> u16 {
        self.request(reqwest::Method::HEAD, path)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

/// Makes every insert into `table` of the server's database fail from now on, as a crash
/// or a full disk would at that step of a flow. It is a real trigger (SQLite's, or
/// PostgreSQL's with a function that raises), so the code has no test hook. Dropping the
/// guard does not lift it: call [`FailingStep::lift`].
pub struct FailingStep {
    conn: Conn,
    table: String,
}

/// A connection of the test's own to the server's database.
enum Conn {
    Sqlite(sqlx::SqliteConnection),
    Pg(sqlx::PgConnection),
}

impl TestServer {
    async fn connect(&self, read_only: bool) -> Conn {
        use sqlx::ConnectOptions;
        match &self.config.database {
            Some(server::infra::config::DatabaseUrl::Postgres(url)) => Conn::Pg(
                <sqlx::PgConnection as sqlx::Connection>::connect(url)
                    .await
                    .unwrap(),
            ),
            _ => Conn::Sqlite(
                sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(self.data_dir.path().join("data").join("wharf.db"))
                    .busy_timeout(std::time::Duration::from_secs(5))
                    .read_only(read_only)
                    .connect()
                    .await
                    .unwrap(),
            ),
        }
    }

    /// See [`FailingStep`].
    pub async fn fail_inserts_into(&self, table: &str) -> FailingStep {
        let mut conn = self.connect(false).await;
        match &mut conn {
            Conn::Sqlite(c) => {
                sqlx::query(&format!(
                    "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} \
                     BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
                ))
                .execute(c)
                .await
                .unwrap();
            }
            Conn::Pg(c) => {
                sqlx::raw_sql(&format!(
                    "CREATE FUNCTION fail_{table}() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$; \
                     CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION fail_{table}();"
                ))
                .execute(c)
                .await
                .unwrap();
            }
        }
        FailingStep {
            conn,
            table: table.to_owned(),
        }
    }

    /// What `sql` (a `SELECT COUNT(*) …`) counts in the server's database.
    pub async fn count(&self, sql: &str) -> i64 {
        match self.connect(true).await {
            Conn::Sqlite(mut c) => sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap(),
            Conn::Pg(mut c) => sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap(),
        }
    }
}

impl FailingStep {
    /// Lets inserts into the table succeed again.
    pub async fn lift(mut self) {
        let drop = format!("DROP TRIGGER fail_{0}", self.table);
        match &mut self.conn {
            Conn::Sqlite(c) => sqlx::query(&drop).execute(c).await.map(|_| ()),
            Conn::Pg(c) => sqlx::query(&format!("{drop} ON {}", self.table))
                .execute(c)
                .await
                .map(|_| ()),
        }
        .unwrap();
    }
}

/// The reqwest form of a contract's method.
pub fn verb(verb: Verb) -> reqwest::Method {
    reqwest::Method::from_bytes(verb.as_str().as_bytes()).unwrap()
}
