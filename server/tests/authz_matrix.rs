//! The authorisation matrix: every route the server answers (its route table,
//! `server::http::routes`, and every method the Docker registry answers under `/v2/`) ×
//! every kind of caller, on a PRIVATE and on a PUBLIC repository, with the status each
//! must get, over real HTTP against real servers.
//!
//! Callers: anonymous; another user (`bob`); the owner (`alice`) as the browser signs in
//! (session cookie and CSRF token, or for the registry a Bearer token from `/v2/token`);
//! the owner on the Free plan and the owner on the Premium plan (HTTP Basic with the
//! API key; the browser's own `/api/ui/*` calls always go with the session cookie). For
//! the registry, another user also comes with a Bearer token of their own, which must
//! grant no more than their key.
//!
//! What every answer to someone other than the owner must respect:
//! - no private byte: everything hidden (names, descriptions, file contents, attribute
//!   values, release notes, image layers and annotations of the private repositories;
//!   unpublished files and `_`-attributes of the public one) carries a marker starting
//!   with `zq`, and no such marker may appear in an answer (status line aside: headers
//!   and body) unless the request itself named it; nor may the owner's API key, session
//!   or tokens;
//! - a private repository answers exactly as a missing one does (same status, same
//!   body with the name swapped), so its existence does not leak.
//!
//! A route without a row fails the test: add the row (and think about who may call it).
//!
//! Each change (POST/PUT/PATCH/DELETE) runs on a fresh copy of the seeded data, so what
//! one cell does cannot change what the next one sees; reads share a server per plan.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::oci::{sha256, OCI_CONFIG, OCI_LAYER, OCI_MANIFEST};
use common::*;
use futures_util::stream::{self, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::oneshot;

// ---------------------------------------------------------------------------------------
// Servers on copies of one seeded data directory.

/// A server on its own copy of the seeded data; stops when dropped.
struct Instance {
    url: String,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Which plan the owner is put on before the server starts (`None`: as created).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    AsCreated,
    Free,
    Premium,
}

async fn start_copy(snapshot: &Path, dist: &Path, plan: Plan) -> Instance {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(snapshot, &data);
    if plan != Plan::AsCreated {
        let db = server::infra::db::Db::open_sqlite(&data.join("wharf.db"))
            .await
            .unwrap();
        let alice = db.find_user_by_name("alice").await.unwrap();
        db.set_premium(alice.id, plan == Plan::Premium)
            .await
            .unwrap();
        db.close().await;
    }
    let config = server::infra::config::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: data,
        dist_dir: dist.to_path_buf(),
        gc_interval_seconds: 0,
        // The separate hosts Bintray had, so that rows can come in through them too.
        api_url: Some("http://api.test".into()),
        download_url: Some("http://dl.test".into()),
        registry_domain: Some("registry.test".into()),
        ..server::infra::config::Config::default()
    };
    let state = server::start(config).await.expect("server starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    Instance {
        url,
        stop: Some(stop),
        _dir: dir,
    }
}

// ---------------------------------------------------------------------------------------
// The seeded world.

const PASSWORD: &str = "password-of-test";

/// What the seed leaves behind that requests and checks need.
struct World {
    snapshot: tempfile::TempDir,
    alice_key: String,
    bob_key: String,
    alice_session: (String, String),
    bob_session: (String, String),
    alice_token: String,
    bob_token: String,
    import_job: i64,
    priv_image: Image,
    pub_image: Image,
}

/// A pushed image: its manifest and digests, and an open upload session.
#[derive(Clone)]
struct Image {
    manifest: Vec<u8>,
    manifest_digest: String,
    layer_digest: String,
    upload_id: String,
}

async fn ok(api: &Api, method: Method, path: &str, body: Vec<u8>) -> Value {
    let req = api.request(method.clone(), path).body(body);
    let (status, answer) = api.send(req).await;
    assert!(
        (200..300).contains(&status),
        "seeding {method} {path}: {status} {answer}"
    );
    answer
}

async fn push_blob(api: &Api, name: &str, bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    ok(
        api,
        Method::POST,
        &format!("/v2/{name}/blobs/uploads/?digest={digest}"),
        bytes.to_vec(),
    )
    .await;
    digest
}

/// Pushes an image whose config, layer and annotation carry `marker` (empty for a
/// public one), and leaves an upload session open.
async fn push_image(api: &Api, name: &str, tag: &str, marker: &str) -> Image {
    let config = json!({"architecture": "amd64", "os": "linux",
        "config": {"Labels": {"note": format!("{marker}config")}}})
    .to_string()
    .into_bytes();
    let layer = format!("{marker}layer bytes of {name}").into_bytes();
    let config_digest = push_blob(api, name, &config).await;
    let layer_digest = push_blob(api, name, &layer).await;
    let mut manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": config.len()},
        "layers": [{"mediaType": OCI_LAYER, "digest": layer_digest, "size": layer.len()}],
    });
    if !marker.is_empty() {
        manifest["annotations"] = json!({"note": format!("{marker}annotation")});
    }
    let manifest = manifest.to_string().into_bytes();
    let res = api
        .request(Method::PUT, &format!("/v2/{name}/manifests/{tag}"))
        .header("content-type", OCI_MANIFEST)
        .body(manifest.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let res = api
        .request(Method::POST, &format!("/v2/{name}/blobs/uploads/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let upload_id = res.headers()["docker-upload-uuid"]
        .to_str()
        .unwrap()
        .to_owned();
    Image {
        manifest_digest: sha256(&manifest),
        manifest,
        layer_digest,
        upload_id,
    }
}

async fn session_of(data: &Path, name: &str) -> (String, String) {
    let db = server::infra::db::Db::open_sqlite(&data.join("wharf.db"))
        .await
        .unwrap();
    let secrets = server::infra::secrets::Secrets::load_or_create(data).unwrap();
    let user = db.find_user_by_name(name).await.unwrap();
    let s = server::domain::accounts::start_session(&db, &secrets, user.id)
        .await
        .unwrap();
    db.close().await;
    (s.token, s.csrf_token)
}

async fn token_of(server: &TestServer, name: &str, key: &str) -> String {
    let res = raw_client()
        .get(server.url("/v2/token"))
        .basic_auth(name, Some(key))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

fn j(v: Value) -> Vec<u8> {
    v.to_string().into_bytes()
}

/// Seeds the private and public repositories (see the file's comment for the markers)
/// and keeps a stopped copy of the data.
async fn seed(dist: &Path) -> World {
    // The instances are copies of one data directory: SQLite and local disk.
    let mut server = TestServer::start_embedded(dist).await;
    let alice_key = server.add_user("alice").await;
    let bob_key = server.add_user("bob").await;
    let a = Api::user(&server, "alice", &alice_key);
    let b = Api::user(&server, "bob", &bob_key);
    use Method as M;

    // The private generic repository: every name and text is a marker.
    ok(
        &a,
        M::POST,
        "/repos/alice/zqprivrepo",
        j(json!({"type": "generic", "private": true,
        "desc": "zqprivrepodesc", "labels": ["zqprivlabel"]})),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/zqprivrepo",
        j(json!({"name": "zqprivpkg",
        "desc": "zqprivpkgdesc", "labels": ["zqprivpkglabel"],
        "vcs_url": "https://example.org/zqprivvcs"})),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/zqprivrepo/zqprivpkg/versions",
        j(json!({"name": "zqprivver", "desc": "zqprivverdesc", "vcs_tag": "zqprivtag"})),
    )
    .await;
    ok(
        &a,
        M::PUT,
        "/content/alice/zqprivrepo/zqprivpkg/zqprivver/zqprivpkg/zqprivfile.txt?publish=1",
        b"zqprivcontent".to_vec(),
    )
    .await;
    ok(
        &a,
        M::PUT,
        "/content/alice/zqprivrepo/zqprivpkg/zqprivver/zqprivpkg/zqprivdraft.txt",
        b"zqprivdraftcontent".to_vec(),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/zqprivrepo/zqprivpkg/attributes",
        j(json!([{"name": "zqprivattrname", "values": ["zqprivattr"]},
                 {"name": "_zqprivhidden", "values": ["zqprivhiddenattr"]}])),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/zqprivrepo/zqprivpkg/versions/zqprivver/attributes",
        j(json!([{"name": "zqprivvattrname", "values": ["zqprivvattr"]}])),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/zqprivrepo/zqprivpkg/versions/zqprivver/release_notes",
        j(json!({"bintray": {"syntax": "markdown", "content": "zqprivnotes"}})),
    )
    .await;

    // The public generic repository: visible things carry no marker; the unpublished
    // file and the `_`-attributes do.
    ok(
        &a,
        M::POST,
        "/repos/alice/pubrepo",
        j(json!({"type": "generic", "desc": "open"})),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/pubrepo",
        j(json!({"name": "tool", "desc": "a tool"})),
    )
    .await;
    ok(
        &a,
        M::PUT,
        "/content/alice/pubrepo/tool/1.0/tool/pub.txt?publish=1",
        b"public bytes".to_vec(),
    )
    .await;
    ok(
        &a,
        M::PUT,
        "/content/alice/pubrepo/tool/2.0/tool/zqunpubfile.txt",
        b"zqunpubcontent".to_vec(),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/pubrepo/tool/attributes",
        j(json!([{"name": "kind", "values": ["cli"]},
                 {"name": "_hidden", "values": ["zqpubhiddenattr"]}])),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/pubrepo/tool/versions/1.0/attributes",
        j(json!([{"name": "kind", "values": ["cli"]},
                 {"name": "_vhidden", "values": ["zqpubhiddenvattr"]}])),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/pubrepo/tool/versions/1.0/release_notes",
        j(json!({"bintray": {"syntax": "markdown", "content": "public notes"}})),
    )
    .await;

    // Maven repositories, private and public.
    ok(
        &a,
        M::POST,
        "/repos/alice/zqprivmaven",
        j(json!({"type": "maven", "private": true})),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/zqprivmaven",
        j(json!({"name": "zqprivmvnlib"})),
    )
    .await;
    ok(&a, M::PUT, "/maven/alice/zqprivmaven/zqprivmvnlib/;publish=1/org/zqprivgroup/zqprivmvnlib/1.0/zqprivmvnlib-1.0.jar",
        b"zqprivjar".to_vec()).await;
    ok(
        &a,
        M::POST,
        "/repos/alice/pubmaven",
        j(json!({"type": "maven"})),
    )
    .await;
    ok(
        &a,
        M::POST,
        "/packages/alice/pubmaven",
        j(json!({"name": "lib"})),
    )
    .await;
    ok(
        &a,
        M::PUT,
        "/maven/alice/pubmaven/lib/;publish=1/org/example/lib/1.0/lib-1.0.jar",
        b"jar bytes".to_vec(),
    )
    .await;

    // Docker registries, private and public, and bob's own.
    ok(
        &a,
        M::POST,
        "/repos/alice/zqprivdocker",
        j(json!({"type": "docker", "private": true})),
    )
    .await;
    let priv_image = push_image(
        &a,
        "alice/zqprivdocker/zqprivimage",
        "zqprivimgtag",
        "zqpriv",
    )
    .await;
    ok(
        &a,
        M::POST,
        "/repos/alice/pubdocker",
        j(json!({"type": "docker"})),
    )
    .await;
    let pub_image = push_image(&a, "alice/pubdocker/app", "v1", "").await;
    ok(
        &b,
        M::POST,
        "/repos/bob/bobdocker",
        j(json!({"type": "docker"})),
    )
    .await;

    let alice_token = token_of(&server, "alice", &alice_key).await;
    let bob_token = token_of(&server, "bob", &bob_key).await;

    // What the browser holds, and an import job of alice's into the private repository.
    let data = server.data_dir.path().join("data");
    let alice_session = session_of(&data, "alice").await;
    let bob_session = session_of(&data, "bob").await;
    // Straight into the tables (the job's other columns keep their defaults): linking
    // GitHub is not what this test is about.
    let import_job = {
        let db = server::infra::db::Db::open_sqlite(&data.join("wharf.db"))
            .await
            .unwrap();
        let alice = db.find_user_by_name("alice").await.unwrap();
        let repo = db
            .find_repository(
                alice.id,
                "zqprivrepo",
                server::infra::db::Viewer(Some(alice.id)),
            )
            .await
            .unwrap();
        db.close().await;
        let pool = sqlx::SqlitePool::connect_with(
            sqlx::sqlite::SqliteConnectOptions::new().filename(data.join("wharf.db")),
        )
        .await
        .unwrap();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO import_jobs (user_id, repository_id, with_assets, publish, status, \
             created_at, updated_at) VALUES ($1, $2, FALSE, FALSE, 'running', 0, 0) RETURNING id",
        )
        .bind(alice.id)
        .bind(repo.id)
        .fetch_one(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO import_items (job_id, repo_full_name, releases, status) \
             VALUES ($1, 'zqghowner/zqghrepo', '\"all\"', 'pending')",
        )
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
        id
    };

    let snapshot = std::mem::replace(&mut server.data_dir, tempfile::tempdir().unwrap());
    server.stop().await;
    World {
        snapshot,
        alice_key,
        bob_key,
        alice_session,
        bob_session,
        alice_token,
        bob_token,
        import_job,
        priv_image,
        pub_image,
    }
}

// ---------------------------------------------------------------------------------------
// Rows and callers.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Other,
    /// Another user with a Bearer token from `/v2/token` (registry rows only).
    OtherToken,
    /// The owner as the browser (session) or a token-flow registry client.
    Owner,
    OwnerFree,
    OwnerPremium,
}

impl Caller {
    fn is_owner(self) -> bool {
        matches!(
            self,
            Caller::Owner | Caller::OwnerFree | Caller::OwnerPremium
        )
    }

    fn plan(self) -> Plan {
        match self {
            Caller::OwnerFree => Plan::Free,
            Caller::OwnerPremium => Plan::Premium,
            _ => Plan::AsCreated,
        }
    }
}

/// An expected status: exactly this one, or any success (2xx or a redirect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exp {
    S(u16),
    Ok,
}

impl Exp {
    fn accepts(self, status: u16) -> bool {
        match self {
            Exp::S(s) => s == status,
            Exp::Ok => (200..400).contains(&status),
        }
    }
}

/// What anonymous, another user and the owner get. `premium` and `free` override the
/// owner's for the rows where the plan matters.
#[derive(Debug, Clone, Copy)]
struct Expect {
    anonymous: Exp,
    other: Exp,
    owner: Exp,
    free: Option<Exp>,
    premium: Option<Exp>,
    /// For callers with a registry Bearer token, where it differs.
    token: Option<Exp>,
}

const fn ex(anonymous: Exp, other: Exp, owner: Exp) -> Expect {
    Expect {
        anonymous,
        other,
        owner,
        free: None,
        premium: None,
        token: None,
    }
}

use Exp::{Ok as OK, S};
/// Anyone may.
const ALL: Expect = ex(OK, OK, OK);
/// The owner only; to others it does not exist.
const OWNER_ONLY_HIDDEN: Expect = ex(S(404), S(404), OK);
/// The owner only; others see it but may not change it.
const OWNER_ONLY_VISIBLE: Expect = ex(S(401), S(403), OK);
/// Registry: pulling or pushing a private registry (anonymous callers are challenged).
const OCI_HIDDEN: Expect = ex(S(401), S(404), OK);
/// Registry: pushing to a public registry.
const OCI_PUSH_VISIBLE: Expect = ex(S(401), S(403), OK);

#[derive(Clone)]
struct Row {
    method: Method,
    /// The route table's template (or the registry's, for `/v2/` rows; `page` for pages).
    template: &'static str,
    path: String,
    body: Vec<u8>,
    content_type: Option<&'static str>,
    /// The `Host` to send (a separate API, download or registry host).
    host: Option<String>,
    /// Further request headers (`X-Bintray-*` upload forms).
    headers: Vec<(&'static str, String)>,
    expect: Expect,
}

impl Row {
    fn new(method: Method, template: &'static str, path: impl Into<String>, expect: Expect) -> Row {
        Row {
            method,
            template,
            path: path.into(),
            body: Vec::new(),
            content_type: None,
            host: None,
            headers: Vec::new(),
            expect,
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Row {
        self.headers.push((name, value.into()));
        self
    }

    fn json(mut self, body: Value) -> Row {
        self.body = j(body);
        self.content_type = Some("application/json");
        self
    }

    fn bytes(mut self, body: &[u8], content_type: &'static str) -> Row {
        self.body = body.to_vec();
        self.content_type = Some(content_type);
        self
    }

    fn on_host(mut self, host: impl Into<String>) -> Row {
        self.host = Some(host.into());
        self
    }

    fn is_oci(&self) -> bool {
        self.path.starts_with("/v2/")
    }

    fn is_ui(&self) -> bool {
        self.path.starts_with("/api/ui/")
    }

    fn changes(&self) -> bool {
        !matches!(self.method, Method::GET | Method::HEAD)
    }

    fn callers(&self) -> Vec<Caller> {
        let mut all = vec![Caller::Anonymous, Caller::Other];
        if self.is_oci() {
            all.push(Caller::OtherToken);
        }
        all.extend([Caller::Owner, Caller::OwnerFree, Caller::OwnerPremium]);
        all
    }

    fn expected(&self, caller: Caller) -> Exp {
        let e = &self.expect;
        let token = caller == Caller::OtherToken || (caller == Caller::Owner && self.is_oci());
        if let (true, Some(t)) = (token, e.token) {
            return t;
        }
        match caller {
            Caller::Anonymous => e.anonymous,
            Caller::Other | Caller::OtherToken => e.other,
            Caller::Owner => e.owner,
            Caller::OwnerFree => e.free.unwrap_or(e.owner),
            Caller::OwnerPremium => e.premium.unwrap_or(e.owner),
        }
    }
}

/// Names of the private repositories and of missing ones of the same kind: a private
/// repository must answer others exactly as its missing twin does.
const TWINS: [(&str, &str); 3] = [
    ("zqprivrepo", "absentrepo"),
    ("zqprivmaven", "absentmaven"),
    ("zqprivdocker", "absentdocker"),
];

fn twin_of(s: &str) -> Option<String> {
    let mut out = s.to_owned();
    for (private, missing) in TWINS {
        out = out.replace(private, missing);
    }
    (out != s).then_some(out)
}

fn untwin(s: &str) -> String {
    let mut out = s.to_owned();
    for (private, missing) in TWINS {
        out = out.replace(missing, private);
    }
    out
}

/// A generic repository's coordinates.
struct Coords {
    repo: &'static str,
    pkg: &'static str,
    ver: &'static str,
    file: &'static str,
    /// A file of the package that is not published.
    draft: &'static str,
    /// A version with an unpublished file.
    draft_ver: &'static str,
    maven: &'static str,
    mvn_lib: &'static str,
    mvn_group: &'static str,
    docker: &'static str,
    private: bool,
}

const PRIVATE: Coords = Coords {
    repo: "zqprivrepo",
    pkg: "zqprivpkg",
    ver: "zqprivver",
    file: "zqprivpkg/zqprivfile.txt",
    draft: "zqprivpkg/zqprivdraft.txt",
    draft_ver: "zqprivver",
    maven: "zqprivmaven",
    mvn_lib: "zqprivmvnlib",
    mvn_group: "org/zqprivgroup",
    docker: "zqprivdocker",
    private: true,
};

const PUBLIC: Coords = Coords {
    repo: "pubrepo",
    pkg: "tool",
    ver: "1.0",
    file: "tool/pub.txt",
    draft: "tool/zqunpubfile.txt",
    draft_ver: "2.0",
    maven: "pubmaven",
    mvn_lib: "lib",
    mvn_group: "org/example",
    docker: "pubdocker",
    private: false,
};

const VERSION: &str = "/packages/{subject}/{repo}/{package}/versions/{version}";
const RELEASE_NOTES: &str = "/packages/{subject}/{repo}/{package}/versions/{version}/release_notes";
const PACKAGE_ATTRIBUTES: &str = "/packages/{subject}/{repo}/{package}/attributes";
const VERSION_ATTRIBUTES: &str =
    "/packages/{subject}/{repo}/{package}/versions/{version}/attributes";
const CONTENT: &str = "/content/{subject}/{repo}/{*rest}";

/// A tar archive holding `unpacked.txt`, for the explode rows.
fn tar_with_one_file() -> Vec<u8> {
    let body = b"unpacked by the caller";
    let mut header = tar::Header::new_gnu();
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    let mut b = tar::Builder::new(Vec::new());
    b.append_data(&mut header, "unpacked.txt", &body[..])
        .unwrap();
    b.into_inner().unwrap()
}

/// Rows on one generic repository (and the maven and docker ones beside it).
fn repository_rows(c: &Coords, w: &World) -> Vec<Row> {
    use Method as M;
    let (r, p, v) = (c.repo, c.pkg, c.ver);
    // Reads: hidden from others when private, open to all when public. Changes: the
    // owner only; others get 404 when private (it does not exist for them), 401/403
    // when public.
    let read = if c.private { OWNER_ONLY_HIDDEN } else { ALL };
    let write = if c.private {
        OWNER_ONLY_HIDDEN
    } else {
        OWNER_ONLY_VISIBLE
    };
    let pkg = format!("/packages/alice/{r}/{p}");
    let ver = format!("{pkg}/versions/{v}");
    let attrs = json!([{"name": "set", "values": ["by the caller"]}]);
    let query = json!([{"kind": ["cli"]}]);
    let image = if c.private { "zqprivimage" } else { "app" };
    let img = if c.private {
        &w.priv_image
    } else {
        &w.pub_image
    };
    let name = format!("alice/{}/{image}", c.docker);
    let pull = if c.private { OCI_HIDDEN } else { ALL };
    let push = if c.private {
        OCI_HIDDEN
    } else {
        OCI_PUSH_VISIBLE
    };
    let upload = b"bytes of a new blob";
    let mut rows = vec![
        // Repositories
        Row::new(
            M::GET,
            "/repos/{subject}/{repo}",
            format!("/repos/alice/{r}"),
            read,
        ),
        // Creating one that exists: only its owner learns that (409).
        Row::new(
            M::POST,
            "/repos/{subject}/{repo}",
            format!("/repos/alice/{r}"),
            ex(S(401), S(403), S(409)),
        )
        .json(json!({"type": "generic"})),
        Row::new(
            M::PATCH,
            "/repos/{subject}/{repo}",
            format!("/repos/alice/{r}"),
            write,
        )
        .json(json!({"desc": "changed"})),
        Row::new(
            M::DELETE,
            "/repos/{subject}/{repo}",
            format!("/repos/alice/{r}"),
            write,
        ),
        // Packages
        Row::new(
            M::GET,
            "/repos/{subject}/{repo}/packages",
            format!("/repos/alice/{r}/packages"),
            read,
        ),
        Row::new(
            M::POST,
            "/packages/{subject}/{repo}",
            format!("/packages/alice/{r}"),
            write,
        )
        .json(json!({"name": "newpkg"})),
        Row::new(
            M::GET,
            "/packages/{subject}/{repo}/{package}",
            pkg.clone(),
            read,
        ),
        Row::new(
            M::GET,
            "/packages/{subject}/{repo}/{package}",
            format!("{pkg}?attribute_values=1"),
            read,
        ),
        Row::new(
            M::PATCH,
            "/packages/{subject}/{repo}/{package}",
            pkg.clone(),
            write,
        )
        .json(json!({"desc": "changed"})),
        Row::new(
            M::DELETE,
            "/packages/{subject}/{repo}/{package}",
            pkg.clone(),
            write,
        ),
        // Versions
        Row::new(
            M::POST,
            "/packages/{subject}/{repo}/{package}/versions",
            format!("{pkg}/versions"),
            write,
        )
        .json(json!({"name": "9.0"})),
        Row::new(M::GET, VERSION, ver.clone(), read),
        Row::new(M::GET, VERSION, format!("{ver}?attribute_values=1"), read),
        Row::new(M::GET, VERSION, format!("{pkg}/versions/_latest"), read),
        Row::new(M::PATCH, VERSION, ver.clone(), write).json(json!({"desc": "changed"})),
        Row::new(M::DELETE, VERSION, ver.clone(), write),
        Row::new(M::GET, RELEASE_NOTES, format!("{ver}/release_notes"), read),
        Row::new(
            M::POST,
            RELEASE_NOTES,
            format!("{ver}/release_notes"),
            write,
        )
        .json(json!({"bintray": {"syntax": "markdown", "content": "new notes"}})),
        // Attributes
        Row::new(
            M::GET,
            PACKAGE_ATTRIBUTES,
            format!("{pkg}/attributes"),
            read,
        ),
        Row::new(
            M::POST,
            PACKAGE_ATTRIBUTES,
            format!("{pkg}/attributes"),
            write,
        )
        .json(attrs.clone()),
        Row::new(
            M::PATCH,
            PACKAGE_ATTRIBUTES,
            format!("{pkg}/attributes"),
            write,
        )
        .json(attrs.clone()),
        Row::new(
            M::DELETE,
            PACKAGE_ATTRIBUTES,
            format!("{pkg}/attributes"),
            write,
        ),
        Row::new(
            M::GET,
            VERSION_ATTRIBUTES,
            format!("{ver}/attributes"),
            read,
        ),
        Row::new(
            M::POST,
            VERSION_ATTRIBUTES,
            format!("{ver}/attributes"),
            write,
        )
        .json(attrs.clone()),
        Row::new(
            M::PATCH,
            VERSION_ATTRIBUTES,
            format!("{ver}/attributes"),
            write,
        )
        .json(attrs.clone()),
        Row::new(
            M::DELETE,
            VERSION_ATTRIBUTES,
            format!("{ver}/attributes"),
            write,
        ),
        // Searching by attributes is a read, sent as POST.
        Row::new(
            M::POST,
            "/search/attributes/{subject}/{repo}",
            format!("/search/attributes/alice/{r}"),
            read,
        )
        .json(query.clone()),
        Row::new(
            M::POST,
            "/search/attributes/{subject}/{repo}/{package}/versions",
            format!("/search/attributes/alice/{r}/{p}/versions"),
            read,
        )
        .json(query.clone()),
        // Content
        Row::new(
            M::PUT,
            CONTENT,
            format!("/content/alice/{r}/{p}/{v}/{p}/new.txt"),
            write,
        )
        .bytes(b"new bytes", "application/octet-stream"),
        Row::new(
            M::PUT,
            CONTENT,
            format!("/content/alice/{r}/{p}/{v}/{p}/new.txt?publish=1&override=1"),
            write,
        )
        .bytes(b"new bytes", "application/octet-stream"),
        // An archive unpacked at the repository's root (the header form, no path).
        Row::new(
            M::PUT,
            "/content/{subject}/{repo}/",
            format!("/content/alice/{r}/"),
            write,
        )
        .bytes(&tar_with_one_file(), "application/octet-stream")
        .header("x-bintray-package", p)
        .header("x-bintray-version", v)
        .header("x-bintray-explode", "1"),
        Row::new(
            M::POST,
            CONTENT,
            format!("/content/alice/{r}/{p}/{}/publish", c.draft_ver),
            write,
        )
        .json(json!({})),
        Row::new(
            M::POST,
            CONTENT,
            format!("/content/alice/{r}/{p}/{}/publish", c.draft_ver),
            write,
        )
        .json(json!({"discard": true})),
        Row::new(
            M::DELETE,
            CONTENT,
            format!("/content/alice/{r}/{}", c.file),
            write,
        ),
        Row::new(
            M::DELETE,
            CONTENT,
            format!("/content/alice/{r}/{}", c.draft),
            write,
        ),
        Row::new(
            M::PUT,
            "/maven/{subject}/{repo}/{*rest}",
            format!(
                "/maven/alice/{}/{}/{}/{}/2.0/{}-2.0.jar",
                c.maven, c.mvn_lib, c.mvn_group, c.mvn_lib, c.mvn_lib
            ),
            write,
        )
        .bytes(b"new jar", "application/java-archive"),
        // Files
        Row::new(
            M::GET,
            "/packages/{subject}/{repo}/{package}/files",
            format!("{pkg}/files?include_unpublished=1"),
            read,
        ),
        Row::new(
            M::GET,
            "/packages/{subject}/{repo}/{package}/versions/{version}/files",
            format!("{pkg}/versions/{}/files?include_unpublished=1", c.draft_ver),
            read,
        ),
        Row::new(
            M::GET,
            "/file_package/{subject}/{repo}/{*path}",
            format!("/file_package/alice/{r}/{}", c.file),
            read,
        ),
        Row::new(
            M::GET,
            "/file_version/{subject}/{repo}/{*path}",
            format!("/file_version/alice/{r}/{}", c.file),
            read,
        ),
        // Unpublished files are the owner's alone, in any repository.
        Row::new(
            M::GET,
            "/file_package/{subject}/{repo}/{*path}",
            format!("/file_package/alice/{r}/{}", c.draft),
            OWNER_ONLY_HIDDEN,
        ),
        Row::new(
            M::GET,
            "/file_version/{subject}/{repo}/{*path}",
            format!("/file_version/alice/{r}/{}", c.draft),
            OWNER_ONLY_HIDDEN,
        ),
        Row::new(
            M::PUT,
            "/file_metadata/{subject}/{repo}/{*path}",
            format!("/file_metadata/alice/{r}/{}", c.file),
            write,
        )
        .json(json!({"list_in_downloads": true})),
        // Downloads
        Row::new(
            M::GET,
            "/dl/{subject}/{repo}/{*path}",
            format!("/dl/alice/{r}/{}", c.file),
            read,
        ),
        Row::new(
            M::GET,
            "/dl/{subject}/{repo}/{*path}",
            format!("/dl/alice/{r}/{}", c.draft),
            OWNER_ONLY_HIDDEN,
        ),
        Row::new(
            M::GET,
            "/dl/{subject}/{repo}/{*path}",
            format!(
                "/dl/alice/{}/{}/{}/1.0/{}-1.0.jar",
                c.maven, c.mvn_group, c.mvn_lib, c.mvn_lib
            ),
            read,
        ),
        Row::new(
            M::GET,
            "/dl/{subject}/{repo}/{*path}",
            format!(
                "/dl/alice/{}/{}/{}/maven-metadata.xml",
                c.maven, c.mvn_group, c.mvn_lib
            ),
            read,
        ),
        // Badges and the stable link
        Row::new(
            M::GET,
            "/packages/{subject}/{repo}/{package}/images/download.svg",
            format!("{pkg}/images/download.svg"),
            read,
        ),
        Row::new(
            M::GET,
            "/{subject}/{repo}/{package}/_latestVersion",
            format!("/alice/{r}/{p}/_latestVersion"),
            read,
        ),
        // The browser's views of them
        Row::new(
            M::GET,
            "/api/ui/release-notes/{subject}/{repo}/{package}/{version}",
            format!("/api/ui/release-notes/alice/{r}/{p}/{v}"),
            read,
        ),
        Row::new(
            M::GET,
            "/api/ui/docker/{subject}/{repo}",
            format!("/api/ui/docker/alice/{}", c.docker),
            read,
        ),
        // The package, version and repository pages' lists (issue 10 items 1, 5, 13)
        Row::new(
            M::GET,
            "/api/ui/versions/{subject}/{repo}/{package}",
            format!("/api/ui/versions/alice/{r}/{p}"),
            read,
        ),
        Row::new(
            M::GET,
            "/api/ui/files/{subject}/{repo}/{package}/{version}",
            format!("/api/ui/files/alice/{r}/{p}/{v}"),
            read,
        ),
        Row::new(
            M::GET,
            "/api/ui/packages/{subject}/{repo}",
            format!("/api/ui/packages/alice/{r}"),
            read,
        ),
        // Importing into it: the owner gets as far as "link GitHub first" (409).
        Row::new(
            M::POST,
            "/api/ui/imports",
            "/api/ui/imports",
            if c.private {
                ex(S(401), S(404), S(409))
            } else {
                ex(S(401), S(403), S(409))
            },
        )
        .json(json!({"subject": "alice", "repo": r,
                "repos": [{"full_name": "octo/hello", "releases": "all"}]})),
        // Pages: their previews are read as nobody.
        Row::new(M::GET, "page", format!("/alice/{r}"), ALL),
        Row::new(M::GET, "page", format!("/alice/{r}/{p}"), ALL),
        Row::new(M::GET, "page", format!("/alice/{r}/{p}/{v}"), ALL),
        // The Docker registry: pulls
        Row::new(
            M::GET,
            "/v2/{name}/manifests/{reference}",
            format!(
                "/v2/{name}/manifests/{}",
                if c.private { "zqprivimgtag" } else { "v1" }
            ),
            pull,
        ),
        Row::new(
            M::HEAD,
            "/v2/{name}/manifests/{reference}",
            format!(
                "/v2/{name}/manifests/{}",
                if c.private { "zqprivimgtag" } else { "v1" }
            ),
            pull,
        ),
        Row::new(
            M::GET,
            "/v2/{name}/manifests/{reference}",
            format!("/v2/{name}/manifests/{}", img.manifest_digest),
            pull,
        ),
        Row::new(
            M::GET,
            "/v2/{name}/blobs/{digest}",
            format!("/v2/{name}/blobs/{}", img.layer_digest),
            pull,
        ),
        Row::new(
            M::HEAD,
            "/v2/{name}/blobs/{digest}",
            format!("/v2/{name}/blobs/{}", img.layer_digest),
            pull,
        ),
        Row::new(
            M::GET,
            "/v2/{name}/tags/list",
            format!("/v2/{name}/tags/list"),
            pull,
        ),
        Row::new(
            M::GET,
            "/v2/{name}/referrers/{digest}",
            format!("/v2/{name}/referrers/{}", img.manifest_digest),
            pull,
        ),
        // The Docker registry: pushes
        Row::new(
            M::PUT,
            "/v2/{name}/manifests/{reference}",
            format!("/v2/{name}/manifests/newtag"),
            push,
        )
        .bytes(&img.manifest, OCI_MANIFEST),
        Row::new(
            M::DELETE,
            "/v2/{name}/manifests/{reference}",
            format!("/v2/{name}/manifests/{}", img.manifest_digest),
            push,
        ),
        Row::new(
            M::DELETE,
            "/v2/{name}/blobs/{digest}",
            format!("/v2/{name}/blobs/{}", img.layer_digest),
            push,
        ),
        Row::new(
            M::POST,
            "/v2/{name}/blobs/uploads/",
            format!("/v2/{name}/blobs/uploads/"),
            push,
        ),
        Row::new(
            M::POST,
            "/v2/{name}/blobs/uploads/",
            format!("/v2/{name}/blobs/uploads/?digest={}", sha256(upload)),
            push,
        )
        .bytes(upload, "application/octet-stream"),
        Row::new(
            M::POST,
            "/v2/{name}/blobs/uploads/",
            format!(
                "/v2/{name}/blobs/uploads/?mount={}&from={name}",
                img.layer_digest
            ),
            push,
        ),
        Row::new(
            M::GET,
            "/v2/{name}/blobs/uploads/{session}",
            format!("/v2/{name}/blobs/uploads/{}", img.upload_id),
            push,
        ),
        Row::new(
            M::PATCH,
            "/v2/{name}/blobs/uploads/{session}",
            format!("/v2/{name}/blobs/uploads/{}", img.upload_id),
            push,
        )
        .bytes(upload, "application/octet-stream"),
        Row::new(
            M::PUT,
            "/v2/{name}/blobs/uploads/{session}",
            format!(
                "/v2/{name}/blobs/uploads/{}?digest={}",
                img.upload_id,
                sha256(upload)
            ),
            push,
        )
        .bytes(upload, "application/octet-stream"),
        Row::new(
            M::DELETE,
            "/v2/{name}/blobs/uploads/{session}",
            format!("/v2/{name}/blobs/uploads/{}", img.upload_id),
            push,
        ),
    ];
    // The same through the separate hosts and the /api/v1 prefix.
    let registry_host = format!("alice-docker-{}.registry.test", c.docker);
    let tag = if c.private { "zqprivimgtag" } else { "v1" };
    rows.extend([
        Row::new(
            M::GET,
            "/repos/{subject}/{repo}",
            format!("/api/v1/repos/alice/{r}"),
            read,
        ),
        Row::new(
            M::DELETE,
            "/packages/{subject}/{repo}/{package}",
            format!("/api/v1{pkg}"),
            write,
        ),
        Row::new(
            M::GET,
            "/dl/{subject}/{repo}/{*path}",
            format!("/api/v1/dl/alice/{r}/{}", c.file),
            read,
        ),
        Row::new(
            M::GET,
            "/repos/{subject}/{repo}",
            format!("/repos/alice/{r}"),
            read,
        )
        .on_host("api.test"),
        Row::new(
            M::DELETE,
            "/packages/{subject}/{repo}/{package}",
            pkg.clone(),
            write,
        )
        .on_host("api.test"),
        Row::new(
            M::GET,
            "/dl/{subject}/{repo}/{*path}",
            format!("/alice/{r}/{}", c.file),
            read,
        )
        .on_host("dl.test"),
        Row::new(
            M::GET,
            "/dl/{subject}/{repo}/{*path}",
            format!("/alice/{r}/{}", c.draft),
            OWNER_ONLY_HIDDEN,
        )
        .on_host("dl.test"),
        Row::new(
            M::GET,
            "/v2/{name}/manifests/{reference}",
            format!("/v2/{image}/manifests/{tag}"),
            pull,
        )
        .on_host(registry_host.clone()),
        Row::new(
            M::GET,
            "/v2/{name}/blobs/{digest}",
            format!("/v2/{image}/blobs/{}", img.layer_digest),
            pull,
        )
        .on_host(registry_host.clone()),
        Row::new(
            M::GET,
            "/v2/{name}/tags/list",
            format!("/v2/{image}/tags/list"),
            pull,
        )
        .on_host(registry_host.clone()),
        Row::new(
            M::PUT,
            "/v2/{name}/manifests/{reference}",
            format!("/v2/{image}/manifests/newtag"),
            push,
        )
        .bytes(&img.manifest, OCI_MANIFEST)
        .on_host(registry_host.clone()),
        Row::new(
            M::DELETE,
            "/v2/{name}/blobs/{digest}",
            format!("/v2/{image}/blobs/{}", img.layer_digest),
            push,
        )
        .on_host(registry_host.clone()),
    ]);
    // What an import into the repository would meet (a route of the import rules'
    // branch): the owner's alone, as a change would be. Added when the route exists.
    const IMPORT_TARGET: &str = "/api/ui/imports/target/{subject}/{repo}";
    if server::http::routes()
        .iter()
        .any(|e| e.path == IMPORT_TARGET)
    {
        rows.push(Row::new(
            M::GET,
            IMPORT_TARGET,
            format!("/api/ui/imports/target/alice/{r}"),
            write,
        ));
    }
    // Alice's open upload, addressed through bob's own registry: an upload belongs to
    // the registry and image it was started in, so bob cannot read, feed, finish or
    // cancel it from there (and alice may not push to bob's registry at all).
    let stolen = format!("/v2/bob/bobdocker/stolen/blobs/uploads/{}", img.upload_id);
    let cross = ex(S(401), S(404), S(403));
    rows.extend([
        Row::new(
            M::GET,
            "/v2/{name}/blobs/uploads/{session}",
            stolen.clone(),
            cross,
        ),
        Row::new(
            M::PATCH,
            "/v2/{name}/blobs/uploads/{session}",
            stolen.clone(),
            cross,
        )
        .bytes(upload, "application/octet-stream"),
        Row::new(
            M::PUT,
            "/v2/{name}/blobs/uploads/{session}",
            format!("{stolen}?digest={}", sha256(upload)),
            cross,
        )
        .bytes(upload, "application/octet-stream"),
        Row::new(
            M::DELETE,
            "/v2/{name}/blobs/uploads/{session}",
            stolen,
            cross,
        ),
    ]);
    // Mounting one of alice's blobs into bob's own registry: bob may push there, but
    // gets a fresh upload (202), never the blob (201), when he may not read the source;
    // alice may not push to bob's registry at all.
    let bob_target = "/v2/bob/bobdocker/stolen/blobs/uploads/";
    let mount_exp = if c.private {
        ex(S(401), S(202), S(403))
    } else {
        ex(S(401), S(201), S(403))
    };
    rows.push(Row::new(
        M::POST,
        "/v2/{name}/blobs/uploads/",
        format!("{bob_target}?mount={}&from={name}", img.layer_digest),
        mount_exp,
    ));
    rows.push(Row::new(
        M::POST,
        "/v2/{name}/blobs/uploads/",
        format!("{bob_target}?mount={}", img.layer_digest),
        mount_exp,
    ));
    rows
}

/// Rows that name no repository of alice's (accounts, search, the registry's base).
fn account_rows(w: &World) -> Vec<Row> {
    use Method as M;
    let job = w.import_job;
    let signed_in = ex(S(401), OK, OK);
    vec![
        Row::new(M::GET, "/healthz", "/healthz", ALL),
        Row::new(M::GET, "/metrics", "/metrics", ALL),
        Row::new(M::GET, "/api/openapi.json", "/api/openapi.json", ALL),
        Row::new(M::GET, "/repos/{subject}", "/repos/alice", ALL),
        Row::new(
            M::POST,
            "/repos/{subject}/{repo}",
            "/repos/alice/zqnewrepo",
            OWNER_ONLY_VISIBLE,
        )
        .json(json!({"type": "generic", "private": true})),
        Row::new(M::GET, "/search/repos", "/search/repos?name=privrepo", ALL),
        Row::new(
            M::GET,
            "/search/repos",
            "/search/repos?desc=privrepodesc",
            ALL,
        ),
        Row::new(
            M::GET,
            "/search/packages",
            "/search/packages?name=privpkg",
            ALL,
        ),
        Row::new(
            M::GET,
            "/search/packages",
            "/search/packages?subject=alice",
            ALL,
        ),
        Row::new(M::GET, "/search/file", "/search/file?name=*priv*", ALL),
        Row::new(M::GET, "/search/file", "/search/file?name=*unpub*", ALL),
        Row::new(M::GET, "/users/{user}", "/users/alice", ALL),
        // The browser's account calls
        // The front page: public things only, the same for everyone (issue 10 item 12)
        Row::new(M::GET, "/api/ui/explore", "/api/ui/explore", ALL),
        Row::new(M::GET, "/api/ui/session", "/api/ui/session", ALL),
        Row::new(
            M::POST,
            "/api/ui/signup",
            "/api/ui/signup",
            ex(S(201), S(201), S(201)),
        )
        .json(json!({"name": "newcomer", "password": PASSWORD})),
        Row::new(M::POST, "/api/ui/signin", "/api/ui/signin", ALL)
            .json(json!({"name": "bob", "password": PASSWORD})),
        Row::new(M::POST, "/api/ui/signout", "/api/ui/signout", ALL).json(json!({})),
        Row::new(
            M::POST,
            "/api/ui/api-key/reveal",
            "/api/ui/api-key/reveal",
            signed_in,
        )
        .json(json!({"password": PASSWORD})),
        Row::new(
            M::POST,
            "/api/ui/api-key/regenerate",
            "/api/ui/api-key/regenerate",
            signed_in,
        )
        .json(json!({"password": PASSWORD})),
        // GitHub is not configured here: the calls say so, to whoever asks.
        Row::new(M::GET, "/api/ui/github", "/api/ui/github", ALL),
        Row::new(
            M::POST,
            "/api/ui/github/authorize",
            "/api/ui/github/authorize",
            ex(S(409), S(409), S(409)),
        )
        .json(json!({"purpose": "link", "private": false})),
        Row::new(
            M::GET,
            "/api/ui/github/callback",
            "/api/ui/github/callback?code=x&state=y",
            ALL,
        ),
        Row::new(
            M::POST,
            "/api/ui/github/disconnect",
            "/api/ui/github/disconnect",
            signed_in,
        )
        .json(json!({})),
        Row::new(
            M::GET,
            "/api/ui/github/repos",
            "/api/ui/github/repos",
            ex(S(401), S(409), S(409)),
        ),
        Row::new(
            M::POST,
            "/api/ui/github/releases",
            "/api/ui/github/releases",
            ex(S(401), S(409), S(409)),
        )
        .json(json!({"repos": ["octo/hello"]})),
        // An import job is its starter's alone; to others it does not exist.
        Row::new(
            M::GET,
            "/api/ui/imports/{id}",
            format!("/api/ui/imports/{job}"),
            OWNER_ONLY_HIDDEN,
        ),
        Row::new(
            M::GET,
            "/api/ui/imports/{id}/events",
            format!("/api/ui/imports/{job}/events"),
            OWNER_ONLY_HIDDEN,
        ),
        Row::new(
            M::POST,
            "/api/ui/imports/{id}/retry",
            format!("/api/ui/imports/{job}/retry"),
            OWNER_ONLY_HIDDEN,
        )
        .json(json!({})),
        // The registry's base and token endpoint.
        Row::new(M::GET, "/v2/", "/v2/", ex(S(401), OK, OK)),
        // A Bearer token is no credential for getting one.
        Row::new(
            M::GET,
            "/v2/token",
            "/v2/token",
            Expect {
                token: Some(S(401)),
                ..ALL
            },
        ),
        Row::new(M::POST, "/v2/token", "/v2/token", ALL).bytes(
            format!("grant_type=password&username=bob&password={}", w.bob_key).as_bytes(),
            "application/x-www-form-urlencoded",
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Running a cell.

struct Answer {
    status: u16,
    content_type: String,
    /// Every header value and the body, as text, for the marker search.
    text: String,
    body: String,
}

async fn send(
    base: &str,
    w: &World,
    row: &Row,
    path: &str,
    host: Option<&str>,
    method: &Method,
    caller: Caller,
) -> Answer {
    let client = raw_client();
    let mut req = client.request(method.clone(), format!("{base}{path}"));
    if let Some(host) = host {
        req = req.header("host", host);
    }
    if let Some(ct) = row.content_type {
        req = req.header("content-type", ct);
    }
    for (name, value) in &row.headers {
        req = req.header(*name, value);
    }
    if row.template.starts_with("/v2/{name}/manifests") {
        req = req.header("accept", OCI_MANIFEST);
    }
    let session = |req: reqwest::RequestBuilder, (token, csrf): &(String, String)| {
        req.header("cookie", format!("wharf_session={token}"))
            .header("x-csrf-token", csrf)
    };
    req = match caller {
        Caller::Anonymous => req,
        Caller::Other | Caller::OtherToken if row.is_ui() => session(req, &w.bob_session),
        Caller::Other => req.basic_auth("bob", Some(&w.bob_key)),
        Caller::OtherToken => req.bearer_auth(&w.bob_token),
        _ if row.is_ui() => session(req, &w.alice_session),
        Caller::Owner if row.is_oci() => req.bearer_auth(&w.alice_token),
        Caller::Owner => session(req, &w.alice_session),
        _ if row.is_oci() || !row.is_ui() => req.basic_auth("alice", Some(&w.alice_key)),
        _ => unreachable!(),
    };
    let res = req.body(row.body.clone()).send().await.unwrap();
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    let mut text = String::new();
    for (name, value) in res.headers() {
        text.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    // A progress stream of a running job does not end: its first event is enough.
    let body = if content_type.starts_with("text/event-stream") {
        let mut res = res;
        tokio::time::timeout(std::time::Duration::from_secs(5), res.chunk())
            .await
            .ok()
            .and_then(|c| c.ok().flatten())
            .map(|c| String::from_utf8_lossy(&c).into_owned())
            .unwrap_or_default()
    } else {
        String::from_utf8_lossy(&res.bytes().await.unwrap()).into_owned()
    };
    text.push_str(&body);
    Answer {
        status,
        content_type,
        text,
        body,
    }
}

/// Markers (and the owner's secrets) in `answer` that `request` did not name.
fn leaks(answer: &str, request: &str, secrets: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in answer.match_indices("zq") {
        let token: String = answer[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !request.contains(&token) {
            out.insert(token);
        }
    }
    for s in secrets {
        if answer.contains(s) {
            out.insert(format!("the owner's secret {}…", &s[..6]));
        }
    }
    out
}

/// What alice has, as she sees it: a change by anybody else must leave it as it was.
/// (The import job is left out: its runner moves it on by itself.)
async fn fingerprint(base: &str, w: &World) -> String {
    let mut paths = vec![
        "/repos/alice".to_owned(),
        "/api/ui/docker/alice/zqprivdocker".to_owned(),
        "/api/ui/docker/alice/pubdocker".to_owned(),
    ];
    for c in [&PRIVATE, &PUBLIC] {
        let pkg = format!("/packages/alice/{}/{}", c.repo, c.pkg);
        paths.extend([
            format!("/repos/alice/{}", c.repo),
            format!("/repos/alice/{}/packages", c.repo),
            format!("{pkg}?attribute_values=1"),
            format!("{pkg}/versions/{}?attribute_values=1", c.ver),
            format!("{pkg}/versions/{}?attribute_values=1", c.draft_ver),
            format!("{pkg}/versions/{}/release_notes", c.ver),
            format!("{pkg}/files?include_unpublished=1"),
            format!(
                "/packages/alice/{}/{}/files?include_unpublished=1",
                c.maven, c.mvn_lib
            ),
        ]);
    }
    let client = raw_client();
    let mut out = String::new();
    for path in paths {
        let res = client
            .get(format!("{base}{path}"))
            .basic_auth("alice", Some(&w.alice_key))
            .send()
            .await
            .unwrap();
        out.push_str(&format!(
            "{path} {}\n{}\n",
            res.status(),
            res.text().await.unwrap()
        ));
    }
    for (name, image) in [
        ("alice/zqprivdocker/zqprivimage", &w.priv_image),
        ("alice/pubdocker/app", &w.pub_image),
    ] {
        let path = format!("/v2/{name}/blobs/uploads/{}", image.upload_id);
        let res = client
            .get(format!("{base}{path}"))
            .basic_auth("alice", Some(&w.alice_key))
            .send()
            .await
            .unwrap();
        out.push_str(&format!(
            "{path} {} {:?}\n",
            res.status(),
            res.headers().get("range")
        ));
    }
    let res = client
        .get(format!("{base}/api/ui/session"))
        .header("cookie", format!("wharf_session={}", w.alice_session.0))
        .send()
        .await
        .unwrap();
    out.push_str(&format!("session {}\n", res.text().await.unwrap()));
    // The registry's address is this server's.
    out.replace(base.trim_start_matches("http://"), "HOST")
}

struct Servers {
    shared: Vec<(Plan, Instance)>,
    /// [`fingerprint`] of the seeded data.
    pristine: String,
}

impl Servers {
    fn shared(&self, plan: Plan) -> &Instance {
        &self.shared.iter().find(|(p, _)| *p == plan).unwrap().1
    }
}

async fn run_cell(
    w: &World,
    dist: &Path,
    servers: &Servers,
    row: &Row,
    caller: Caller,
) -> Vec<String> {
    let mut failures = Vec::new();
    let fresh;
    let instance = if row.changes() {
        fresh = start_copy(
            w.snapshot.path().join("data").as_path(),
            dist,
            caller.plan(),
        )
        .await;
        &fresh
    } else {
        servers.shared(caller.plan())
    };
    let cell = format!("{} {} as {caller:?}", row.method, row.path);
    let host = row.host.as_deref();
    let answer = send(&instance.url, w, row, &row.path, host, &row.method, caller).await;
    let expected = row.expected(caller);
    if !expected.accepts(answer.status) {
        failures.push(format!(
            "{cell}: {} (expected {expected:?}): {}",
            answer.status,
            answer.body.chars().take(300).collect::<String>()
        ));
    }
    if caller.is_owner() {
        return failures;
    }
    if row.changes() {
        let now = fingerprint(&instance.url, w).await;
        if now != servers.pristine {
            let diff: Vec<_> = now
                .lines()
                .zip(servers.pristine.lines())
                .filter(|(a, b)| a != b)
                .map(|(a, _)| a.chars().take(200).collect::<String>())
                .collect();
            failures.push(format!("{cell}: changed what the owner has: {diff:?}"));
        }
    }
    let request = format!(
        "{}\n{}\n{}",
        host.unwrap_or(""),
        row.path,
        String::from_utf8_lossy(&row.body)
    );
    let secrets = [
        w.alice_key.as_str(),
        w.alice_session.0.as_str(),
        w.alice_session.1.as_str(),
        w.alice_token.as_str(),
    ];
    let leaked = leaks(&answer.text, &request, &secrets);
    if !leaked.is_empty() {
        failures.push(format!(
            "{cell}: the answer ({}) holds {leaked:?}",
            answer.status
        ));
    }
    // A private repository answers others as a missing one does.
    let (twin_path, twin_host) = (twin_of(&row.path), host.and_then(twin_of));
    if (twin_path.is_some() || twin_host.is_some()) && answer.status >= 400 {
        let path = twin_path.as_deref().unwrap_or(&row.path);
        let twin_host = twin_host.as_deref().or(host);
        let twin = send(&instance.url, w, row, path, twin_host, &row.method, caller).await;
        let same = twin.status == answer.status
            && twin.content_type == answer.content_type
            && untwin(&twin.body) == answer.body;
        if !same {
            failures.push(format!(
                "{cell}: answers {} {:?} but a missing repository answers {} {:?}",
                answer.status, answer.body, twin.status, twin.body
            ));
        }
    }
    // HEAD on a REST read answers as GET does, and leaks nothing either.
    if row.method == Method::GET && !row.is_oci() && row.template != "page" {
        let head = send(
            &instance.url,
            w,
            row,
            &row.path,
            host,
            &Method::HEAD,
            caller,
        )
        .await;
        if head.status != answer.status {
            failures.push(format!(
                "HEAD of {cell}: {} but GET {}",
                head.status, answer.status
            ));
        }
        let leaked = leaks(&head.text, &request, &secrets);
        if !leaked.is_empty() {
            failures.push(format!("HEAD of {cell}: the answer holds {leaked:?}"));
        }
    }
    failures
}

// ---------------------------------------------------------------------------------------
// Coverage: every route has a row.

/// The registry's endpoints, each at coordinates that do not exist, as the registry's
/// template for it.
fn registry_probes() -> Vec<(&'static str, &'static str)> {
    let zero = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    let leaked: &'static str =
        Box::leak(format!("/v2/alice/zqprivdocker/zqprivimage/blobs/{zero}").into_boxed_str());
    let referrers: &'static str =
        Box::leak(format!("/v2/alice/zqprivdocker/zqprivimage/referrers/{zero}").into_boxed_str());
    vec![
        (
            "/v2/{name}/manifests/{reference}",
            "/v2/alice/zqprivdocker/zqprivimage/manifests/probe",
        ),
        ("/v2/{name}/blobs/{digest}", leaked),
        (
            "/v2/{name}/blobs/uploads/",
            "/v2/alice/zqprivdocker/zqprivimage/blobs/uploads/",
        ),
        (
            "/v2/{name}/blobs/uploads/{session}",
            "/v2/alice/zqprivdocker/zqprivimage/blobs/uploads/probe",
        ),
        (
            "/v2/{name}/tags/list",
            "/v2/alice/zqprivdocker/zqprivimage/tags/list",
        ),
        ("/v2/{name}/referrers/{digest}", referrers),
    ]
}

fn has_row(rows: &[Row], method: &Method, template: &str) -> bool {
    rows.iter().any(|r| {
        r.template == template
            && (r.method == *method
                || (*method == Method::HEAD && r.method == Method::GET && !r.is_oci()))
    })
}

async fn missing_rows(w: &World, dist: &Path, rows: &[Row]) -> Vec<String> {
    let mut missing = Vec::new();
    for e in server::http::routes() {
        if !has_row(rows, &e.method, e.path) {
            missing.push(format!("{} {}", e.method, e.path));
        }
    }
    // The registry routes by reading the path from its end, not from the table: ask it
    // which methods each endpoint answers (anything but 405 UNSUPPORTED).
    let instance = start_copy(
        w.snapshot.path().join("data").as_path(),
        dist,
        Plan::AsCreated,
    )
    .await;
    let client = raw_client();
    for (template, path) in registry_probes() {
        for method in [
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let res = client
                .request(method.clone(), format!("{}{path}", instance.url))
                .basic_auth("alice", Some(&w.alice_key))
                .send()
                .await
                .unwrap();
            if res.status() != 405 && !has_row(rows, &method, template) {
                missing.push(format!("{method} {template} (answers {})", res.status()));
            }
        }
    }
    missing
}

// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_each_caller_as_the_matrix_says_and_leaks_nothing() {
    let (_keep, dist) = fake_dist();
    let w = seed(&dist).await;
    let mut rows = account_rows(&w);
    rows.extend(repository_rows(&PRIVATE, &w));
    rows.extend(repository_rows(&PUBLIC, &w));

    let missing = missing_rows(&w, &dist, &rows).await;
    assert!(
        missing.is_empty(),
        "routes without a row in the authorisation matrix (add one): {missing:#?}"
    );

    let snapshot: PathBuf = w.snapshot.path().join("data");
    let mut shared = Vec::new();
    for plan in [Plan::AsCreated, Plan::Free, Plan::Premium] {
        shared.push((plan, start_copy(&snapshot, &dist, plan).await));
    }
    let pristine = fingerprint(&shared[0].1.url, &w).await;
    assert!(pristine.contains("zqprivpkgdesc") && pristine.contains("zqunpubfile"));
    let servers = Servers { shared, pristine };
    // AUTHZ_ONLY=part-of-a-path runs only those rows, with the server's log.
    let only = std::env::var("AUTHZ_ONLY").ok();
    if only.is_some() {
        let _ = tracing_subscriber::fmt().with_env_filter("info").try_init();
    }
    let cells: Vec<(&Row, Caller)> = rows
        .iter()
        .filter(|r| only.as_ref().is_none_or(|o| r.path.contains(o.as_str())))
        .flat_map(|r| r.callers().into_iter().map(move |c| (r, c)))
        .collect();
    let cells_count = cells.len();
    let mut failures: Vec<String> = stream::iter(
        cells
            .into_iter()
            .map(|(row, caller)| run_cell(&w, &dist, &servers, row, caller)),
    )
    .buffer_unordered(4)
    .collect::<Vec<_>>()
    .await
    .into_iter()
    .flatten()
    .collect();
    failures.sort();
    let cells = cells_count;
    eprintln!("authorisation matrix: {} rows, {cells} cells", rows.len());
    assert!(
        failures.is_empty(),
        "{} of {cells} cells failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
