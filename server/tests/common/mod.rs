//! A real Wharf on 127.0.0.1:0 with a throw-away data directory; it stops when dropped.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};

use app::endpoints::{Endpoint, Get, Method, NoBody, Verb, WithBody};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use server::infra::config::Config;
use tokio::sync::oneshot;

pub mod oci;
pub mod raw;

pub struct TestServer {
    pub url: String,
    pub data_dir: tempfile::TempDir,
    config: Config,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    pub async fn start(dist_dir: &Path) -> TestServer {
        TestServer::start_with(dist_dir, |_| {}).await
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
        tweak(&mut config);
        TestServer::start_in(data_dir, config).await
    }

    async fn start_in(data_dir: tempfile::TempDir, config: Config) -> TestServer {
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
        let data = self.data_dir.path().join("data");
        let db = server::infra::db::Db::open_sqlite(&data.join("wharf.db"))
            .await
            .unwrap();
        let blobs = server::infra::storage::BlobStore::local(&data.join("blobs")).unwrap();
        (db, blobs)
    }

    /// Creates an account straight in the server's database; returns its API key.
    pub async fn add_user(&self, name: &str) -> String {
        let data = self.data_dir.path().join("data");
        let db = server::infra::db::Db::open_sqlite(&data.join("wharf.db"))
            .await
            .unwrap();
        let secrets = server::infra::secrets::Secrets::load_or_create(&data).unwrap();
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

    /// Every file under the blob store (staged uploads included).
    pub fn blob_files(&self) -> Vec<PathBuf> {
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
/// or a full disk would at that step of a flow. It is a real SQLite trigger, so the code
/// has no test hook. Dropping the guard does not lift it: call [`FailingStep::lift`].
pub struct FailingStep {
    conn: sqlx::SqliteConnection,
    table: String,
}

impl TestServer {
    /// See [`FailingStep`].
    pub async fn fail_inserts_into(&self, table: &str) -> FailingStep {
        use sqlx::ConnectOptions;
        let path = self.data_dir.path().join("data").join("wharf.db");
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .busy_timeout(std::time::Duration::from_secs(5))
            .connect()
            .await
            .unwrap();
        sqlx::query(&format!(
            "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} \
             BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
        ))
        .execute(&mut conn)
        .await
        .unwrap();
        FailingStep {
            conn,
            table: table.to_owned(),
        }
    }

    /// What `sql` (a `SELECT COUNT(*) …`) counts in the server's database.
    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::ConnectOptions;
        let path = self.data_dir.path().join("data").join("wharf.db");
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .connect()
            .await
            .unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    }
}

impl FailingStep {
    /// Lets inserts into the table succeed again.
    pub async fn lift(mut self) {
        sqlx::query(&format!("DROP TRIGGER fail_{}", self.table))
            .execute(&mut self.conn)
            .await
            .unwrap();
    }
}

/// The reqwest form of a contract's method.
pub fn verb(verb: Verb) -> reqwest::Method {
    reqwest::Method::from_bytes(verb.as_str().as_bytes()).unwrap()
}
