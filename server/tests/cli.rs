//! The `wharf` binary as users run it: start-up errors are one clear line and a non-zero
//! exit (never a panic), `user add` prints the API key last, and the server stops cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const WHARF: &str = env!("CARGO_BIN_EXE_wharf");

/// `wharf` with a clean environment: no WHARF_* from the caller leaks in.
fn wharf(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(WHARF);
    for (key, _) in std::env::vars() {
        if key.starts_with("WHARF_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("WHARF_DATA_DIR", data_dir)
        .env("WHARF_DIST_DIR", data_dir.join("no-dist"))
        .env("WHARF_LOG", "warn")
        .stdin(Stdio::null());
    cmd
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a start-up failure: non-zero exit, exactly one line on stderr, no panic.
fn assert_one_line_failure(out: &Output, expected_start: &str) {
    let err = stderr_of(out);
    assert!(!out.status.success(), "should fail: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with(expected_start), "{err:?}");
}

#[test]
fn a_bad_configuration_value_is_one_line_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let out = wharf(dir.path())
        .env("WHARF_LISTEN", "not-an-address")
        .output()
        .unwrap();
    assert_one_line_failure(
        &out,
        "wharf: invalid configuration: environment variable WHARF_LISTEN: \"not-an-address\"",
    );
}

#[test]
fn an_unknown_key_in_the_config_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wharf.toml");
    std::fs::write(&file, "listen = \"127.0.0.1:0\"\ndata_dri = \"x\"\n").unwrap();
    let out = wharf(dir.path())
        .arg("--config")
        .arg(&file)
        .output()
        .unwrap();
    assert_one_line_failure(&out, "wharf: invalid configuration: the configuration file");
    assert!(stderr_of(&out).contains("data_dri"));
}

#[test]
fn a_taken_port_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let out = wharf(dir.path())
        .env("WHARF_LISTEN", addr.to_string())
        .output()
        .unwrap();
    assert_one_line_failure(&out, &format!("wharf: cannot listen on {addr}: "));
    assert!(
        stderr_of(&out).to_lowercase().contains("in use"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn an_unusable_data_directory_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let data_dir = file.join("data");
    let out = wharf(&data_dir)
        .env("WHARF_LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert_one_line_failure(
        &out,
        &format!(
            "wharf: cannot use the data directory {}: ",
            data_dir.display()
        ),
    );
}

#[test]
fn user_add_prints_the_api_key_last_and_stores_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let out = wharf(dir.path())
        .args(["user", "add", "alice", "--admin"])
        .env("WHARF_PASSWORD", "correct horse battery")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let key = stdout.lines().last().unwrap();
    assert_eq!(key.len(), 40, "{stdout}");
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()), "{stdout}");
    assert!(stdout.contains("alice (admin"), "{stdout}");

    // The database holds the account but not the key in the clear.
    let db_bytes = std::fs::read(dir.path().join("wharf.db")).unwrap();
    let wal = std::fs::read(dir.path().join("wharf.db-wal")).unwrap_or_default();
    for bytes in [&db_bytes, &wal] {
        assert!(
            !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
            "API key stored in the clear"
        );
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = server::infra::db::Db::open_sqlite(&dir.path().join("wharf.db"))
            .await
            .unwrap();
        let user = db.find_user_by_name("alice").await.unwrap();
        assert!(user.is_admin);
        let secrets = server::infra::secrets::Secrets::load_or_create(dir.path()).unwrap();
        assert!(secrets.verify_mac(
            server::domain::accounts::API_KEY_PURPOSE,
            key,
            &user.api_key_mac
        ));
    });

    // The same name again, in another case, is refused without a second account.
    let out = wharf(dir.path())
        .args(["user", "add", "Alice"])
        .env("WHARF_PASSWORD", "another password")
        .output()
        .unwrap();
    assert_one_line_failure(
        &out,
        "wharf: cannot create user \"Alice\": the name \"Alice\" is already taken",
    );
}

#[test]
fn user_plan_moves_an_account_between_free_and_premium() {
    let dir = tempfile::tempdir().unwrap();
    let out = wharf(dir.path())
        .args(["user", "add", "carol"])
        .env("WHARF_PASSWORD", "correct horse battery")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let premium = |dir: &std::path::Path| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let db = server::infra::db::Db::open_sqlite(&dir.join("wharf.db"))
                .await
                .unwrap();
            let p = db.find_user_by_name("carol").await.unwrap().is_premium;
            db.close().await;
            p
        })
    };
    assert!(!premium(dir.path()));
    let out = wharf(dir.path())
        .args(["user", "plan", "Carol", "premium"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "carol is now on the Premium plan.\n"
    );
    assert!(premium(dir.path()));
    let out = wharf(dir.path())
        .args(["user", "plan", "carol", "free"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(!premium(dir.path()));
    let out = wharf(dir.path())
        .args(["user", "plan", "nobody", "premium"])
        .output()
        .unwrap();
    assert_one_line_failure(&out, "wharf: no user is called \"nobody\"");
}

#[test]
fn user_add_refuses_bad_names_and_a_missing_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = wharf(dir.path())
        .args(["user", "add", "repos"])
        .env("WHARF_PASSWORD", "long enough password")
        .output()
        .unwrap();
    assert_one_line_failure(
        &out,
        "wharf: cannot create user \"repos\": \"repos\" is reserved",
    );
    let out = wharf(dir.path())
        .args(["user", "add", "bob"])
        .output()
        .unwrap();
    assert_one_line_failure(&out, "wharf: no password: set WHARF_PASSWORD");
}

/// Starts `wharf serve` on a free port and returns it with its URL.
fn spawn_server(data_dir: &std::path::Path, extra: &[&str], stdin: Stdio) -> (Child, String) {
    let mut child = wharf(data_dir)
        .arg("serve")
        .args(extra)
        .env("WHARF_LISTEN", "127.0.0.1:0")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("Wharf is listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, url)
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("the server did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn get(url: &str) -> u16 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async { reqwest::get(url).await.unwrap().status().as_u16() })
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = spawn_server(dir.path(), &[], Stdio::null());
    assert_eq!(get(&format!("{url}/healthz")), 200);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = wait_for_exit(&mut child, Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn the_server_stops_when_its_supervisor_closes_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = spawn_server(dir.path(), &["--stop-on-stdin-eof"], Stdio::piped());
    assert_eq!(get(&format!("{url}/healthz")), 200);
    drop(child.stdin.take());
    let status = wait_for_exit(&mut child, Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn gc_removes_what_nothing_uses_and_says_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A first run creates the data directory; nothing to collect.
    let out = wharf(&data).args(["gc"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Garbage collection: removed 0 unreferenced blobs (0 bytes), 0 expired uploads, \
         0 orphaned objects."
    );
    // A content object no row records.
    let orphan = data.join("blobs/sha256/cd").join("cd".repeat(32));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"x").unwrap();
    let out = wharf(&data).args(["gc"]).output().unwrap();
    assert!(out.status.success());
    assert!(orphan.exists(), "younger than the default grace period");
    std::thread::sleep(Duration::from_millis(20));
    let out = wharf(&data)
        .args(["gc", "--grace-seconds", "0"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 orphaned objects"));
    assert!(!orphan.exists());
}

#[test]
fn a_blob_store_that_does_not_answer_stops_the_server_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on: the store is down, or the endpoint is wrong.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = wharf(dir.path())
        .arg("serve")
        .env("WHARF_LISTEN", "127.0.0.1:0")
        .env("WHARF_BLOB_STORE", "s3://wharf-nowhere/prefix")
        .env("WHARF_S3_ENDPOINT", format!("http://127.0.0.1:{port}"))
        .env("AWS_ACCESS_KEY_ID", "GK0000")
        .env("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
        .env("AWS_REGION", "garage")
        .output()
        .unwrap();
    assert_one_line_failure(&out, "wharf: ");
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!(
            "s3://wharf-nowhere/prefix at http://127.0.0.1:{port}"
        )),
        "{err}"
    );
    assert!(err.contains("does not answer"), "{err}");
    assert!(!err.contains("not-a-real-secret"), "{err}");
    assert!(
        !dir.path().join("blobs").exists(),
        "an S3 instance makes no local blob directory"
    );
}
