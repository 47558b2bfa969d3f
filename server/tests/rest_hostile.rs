//! Hostile input on every family of the REST API and the browser's session calls, sent as
//! raw bytes on a TCP socket (a client library would normalise `..` and re-encode the
//! rest): names with `..`, control characters, 10,000-character names, invalid
//! percent-encodings and UTF-8, truncated bodies, wrong content types, wrong methods (the
//! 100 MB body is in `rest_body_limit.rs`, alone in its process so that its memory can be
//! measured). Each gets a 4xx with Bintray's `{"message"}` JSON, and nothing is written:
//! every listing, object and blob is the same afterwards.

mod common;

use std::time::Duration;

use common::raw::RawClient;
use common::*;
use serde_json::{json, Value};

struct World {
    server: TestServer,
    alice: Api,
    raw: RawClient,
    _dist: tempfile::TempDir,
}

/// alice with a generic and a maven repository, a package, a version with a published
/// file and attributes on both.
async fn world() -> World {
    let (dist_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let key = server.add_user("alice").await;
    let alice = Api::user(&server, "alice", &key);
    for (path, body) in [
        ("/repos/alice/generic", json!({"type": "generic"})),
        ("/repos/alice/maven", json!({"type": "maven"})),
        ("/packages/alice/generic", json!({"name": "mypkg"})),
        ("/packages/alice/maven", json!({"name": "lib"})),
        (
            "/packages/alice/generic/mypkg/versions",
            json!({"name": "1.0"}),
        ),
    ] {
        let (status, answer) = alice.post(path, body).await;
        assert_eq!(status, 201, "{path}: {answer}");
    }
    let (status, answer) = alice
        .send(
            alice
                .request(
                    reqwest::Method::PUT,
                    "/content/alice/generic/mypkg/1.0/f.txt?publish=1",
                )
                .body("hello"),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    for path in [
        "/packages/alice/generic/mypkg/attributes",
        "/packages/alice/generic/mypkg/versions/1.0/attributes",
    ] {
        let (status, answer) = alice
            .post(path, json!([{"name": "os", "values": ["linux"]}]))
            .await;
        assert_eq!(status, 200, "{path}: {answer}");
    }
    World {
        raw: RawClient::new(&server.url, "alice", &key),
        server,
        alice,
        _dist: dist_keep,
    }
}

/// Everything a hostile request could have changed, as the API and the disk show it.
async fn snapshot(w: &World) -> Value {
    let mut out = serde_json::Map::new();
    for path in [
        "/repos/alice",
        "/repos/alice/generic",
        "/repos/alice/maven",
        "/repos/alice/generic/packages",
        "/repos/alice/maven/packages",
        "/packages/alice/generic/mypkg",
        "/packages/alice/maven/lib",
        "/packages/alice/generic/mypkg/versions/1.0",
        "/packages/alice/generic/mypkg/files?include_unpublished=1",
        "/packages/alice/maven/lib/files?include_unpublished=1",
        "/packages/alice/generic/mypkg/attributes",
        "/packages/alice/generic/mypkg/versions/1.0/attributes",
        "/packages/alice/generic/mypkg/versions/1.0/release_notes",
    ] {
        let (status, body) = w.alice.get(path).await;
        out.insert(path.to_owned(), json!([status, body]));
    }
    let mut blobs: Vec<String> = w
        .server
        .blob_files()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    blobs.sort();
    out.insert("blobs".to_owned(), json!(blobs));
    Value::Object(out)
}

/// Hostile names as they appear in a URL path segment.
fn hostile_segments() -> Vec<(&'static str, String)> {
    vec![
        ("dot-dot", "..".to_owned()),
        ("encoded dot-dot", "%2e%2e".to_owned()),
        ("inner dot-dot", "a..b".to_owned()),
        ("NUL", "a%00b".to_owned()),
        ("newline", "a%0Ab".to_owned()),
        ("DEL", "%7F".to_owned()),
        ("10,000 characters", "a".repeat(10_000)),
        ("invalid percent-encoding", "%zz".to_owned()),
        ("stray percent sign", "a%".to_owned()),
        ("invalid UTF-8", "%c3%28".to_owned()),
        ("lone byte", "%ff".to_owned()),
    ]
}

/// Hostile names as they appear in a JSON body.
fn hostile_json_names() -> Vec<(&'static str, Value)> {
    vec![
        ("dot-dot", json!("..")),
        ("path", json!("../../etc")),
        ("NUL", json!("a\u{0}b")),
        ("newline", json!("a\nb")),
        ("DEL", json!("\u{7f}")),
        ("10,000 characters", json!("a".repeat(10_000))),
        ("slash", json!("a/b")),
        ("empty", json!("")),
        ("not a string", json!(["a"])),
    ]
}

/// Each (method, path template with `{X}`, body) of one family.
type Family = (
    &'static str,
    Vec<(&'static str, &'static str, &'static str)>,
);

fn families() -> Vec<Family> {
    let obj = "{\"desc\":\"x\"}";
    let attrs = "[{\"name\":\"a\",\"values\":[\"b\"]}]";
    vec![
        (
            "repositories",
            vec![
                ("GET", "/repos/{X}", ""),
                ("GET", "/repos/alice/{X}", ""),
                ("POST", "/repos/alice/{X}", "{\"type\":\"generic\"}"),
                ("PATCH", "/repos/alice/{X}", obj),
                ("DELETE", "/repos/alice/{X}", ""),
                ("GET", "/api/v1/repos/alice/{X}", ""),
            ],
        ),
        (
            "packages",
            vec![
                ("GET", "/repos/alice/{X}/packages", ""),
                ("POST", "/packages/alice/{X}", "{\"name\":\"p\"}"),
                ("GET", "/packages/alice/generic/{X}", ""),
                ("PATCH", "/packages/alice/generic/{X}", obj),
                ("DELETE", "/packages/alice/generic/{X}", ""),
            ],
        ),
        (
            "versions",
            vec![
                (
                    "POST",
                    "/packages/alice/generic/{X}/versions",
                    "{\"name\":\"2.0\"}",
                ),
                ("GET", "/packages/alice/generic/mypkg/versions/{X}", ""),
                ("PATCH", "/packages/alice/generic/mypkg/versions/{X}", obj),
                ("DELETE", "/packages/alice/generic/mypkg/versions/{X}", ""),
                (
                    "POST",
                    "/packages/alice/generic/mypkg/versions/{X}/release_notes",
                    "{\"bintray\":{\"syntax\":\"markdown\",\"content\":\"x\"}}",
                ),
            ],
        ),
        (
            "attributes",
            vec![
                ("GET", "/packages/alice/generic/{X}/attributes", ""),
                ("POST", "/packages/alice/generic/{X}/attributes", attrs),
                (
                    "PATCH",
                    "/packages/alice/generic/mypkg/versions/{X}/attributes",
                    attrs,
                ),
                (
                    "DELETE",
                    "/packages/alice/generic/mypkg/attributes?names={X}",
                    "",
                ),
                (
                    "POST",
                    "/search/attributes/alice/{X}",
                    "[{\"os\":[\"linux\"]}]",
                ),
            ],
        ),
        (
            "content",
            vec![
                ("PUT", "/content/alice/generic/mypkg/1.0/{X}", "data"),
                ("PUT", "/content/alice/generic/mypkg/{X}/f2.txt", "data"),
                ("PUT", "/content/alice/generic/{X}/1.0/f2.txt", "data"),
                ("PUT", "/content/alice/generic/mypkg/1.0/{X}/f2.txt", "data"),
                (
                    "PUT",
                    "/content/alice/generic/f2.txt;bt_package=mypkg;bt_version={X}",
                    "data",
                ),
                (
                    "PUT",
                    "/content/alice/generic/mypkg/1.0/f2.txt?publish={X}",
                    "data",
                ),
                ("POST", "/content/alice/generic/mypkg/{X}/publish", ""),
                ("DELETE", "/content/alice/generic/{X}", ""),
                ("DELETE", "/content/alice/generic/{X}/f.txt", ""),
                (
                    "PUT",
                    "/file_metadata/alice/generic/{X}",
                    "{\"list_in_downloads\":true}",
                ),
            ],
        ),
        (
            "maven",
            vec![
                (
                    "PUT",
                    "/maven/alice/maven/lib/com/example/{X}/1.0/lib-1.0.jar",
                    "jar",
                ),
                (
                    "PUT",
                    "/maven/alice/maven/lib/com/example/lib/{X}/lib-x.jar",
                    "jar",
                ),
                (
                    "PUT",
                    "/maven/alice/maven/lib/com/example/lib/1.0/{X}",
                    "jar",
                ),
            ],
        ),
        (
            "search",
            vec![
                ("GET", "/search/repos?name={X}", ""),
                ("GET", "/search/packages?name={X}", ""),
                ("GET", "/search/file?name={X}", ""),
            ],
        ),
        ("users", vec![("GET", "/users/{X}", "")]),
        (
            "downloads",
            vec![
                ("GET", "/dl/alice/generic/{X}", ""),
                ("GET", "/dl/alice/generic/{X}/f.txt", ""),
                ("GET", "/dl/{X}/generic/f.txt", ""),
                ("GET", "/file_package/alice/generic/{X}", ""),
                ("GET", "/packages/alice/generic/{X}/files", ""),
            ],
        ),
        (
            "session",
            vec![
                ("GET", "/api/ui/release-notes/alice/generic/mypkg/{X}", ""),
                ("GET", "/api/ui/imports/{X}", ""),
                ("GET", "/api/ui/docker/alice/{X}", ""),
            ],
        ),
    ]
}

/// Search terms and attribute names are free text: `..` is a term like any other (an empty
/// result, nothing to remove), while broken encodings, control characters and over-long
/// URLs are refused.
fn is_free_text(template: &str, case: &str) -> bool {
    let free = template.contains("?name=") || template.contains("?names=");
    free && matches!(case, "dot-dot" | "inner dot-dot" | "encoded dot-dot")
}

/// Whether `{X}` stands in a file's path (a name there may contain `..`, not be `..`).
fn in_file_path(template: &str) -> bool {
    ["/mypkg/1.0/{X}", "/lib/1.0/{X}", "/com/example/{X}"]
        .iter()
        .any(|p| template.contains(p))
}

#[tokio::test]
async fn hostile_names_in_urls_get_a_json_4xx_on_every_family_and_change_nothing() {
    let w = world().await;
    let before = snapshot(&w).await;
    for (family, requests) in families() {
        for (method, template, body) in &requests {
            for (case, segment) in hostile_segments() {
                let target = template.replace("{X}", &segment);
                let what = format!(
                    "{family}: {case}: {method} {}",
                    &target[..target.len().min(120)]
                );
                if case == "inner dot-dot" && in_file_path(template) {
                    // `a..b` is a fine file name; only a `..` segment leaves the repository.
                    continue;
                }
                let answer = w.raw.send(method, &target, body.as_bytes()).await;
                if is_free_text(template, case) {
                    // A search with no result, or removing attributes that do not exist.
                    assert_eq!(answer.status, 200, "{what}: {answer:?}");
                    continue;
                }
                let message = answer.assert_json_4xx(&what);
                assert!(
                    !message.contains('\u{0}') && !message.contains('\n'),
                    "{what}: the message echoes raw control characters: {message:?}"
                );
            }
        }
        assert_eq!(
            snapshot(&w).await,
            before,
            "{family}: something was written"
        );
    }
}

#[tokio::test]
async fn broken_urls_are_refused_with_the_reason() {
    let w = world().await;
    for (target, status, says) in [
        ("/repos/alice/%zz", 400, "percent-encoding"),
        ("/repos/alice/generic?x=%zz", 400, "percent-encoding"),
        ("/repos/alice/%c3%28", 400, "UTF-8"),
        ("/search/repos?name=%c3%28", 400, "UTF-8"),
        ("/dl/alice/generic/a%00b", 400, "control characters"),
        ("/search/file?name=a%0Ab", 400, "control characters"),
    ] {
        let answer = w.raw.send("GET", target, b"").await;
        assert_eq!(answer.status, status, "{target}: {answer:?}");
        let message = answer.assert_json_4xx(target);
        assert!(message.contains(says), "{target}: {message}");
    }
    let long = format!("/dl/alice/generic/{}", "a".repeat(10_000));
    let answer = w.raw.send("GET", &long, b"").await;
    assert_eq!(answer.status, 414);
    answer.assert_json_4xx("a 10,000-character path");
    // A path segment that is valid UTF-8 but reaches a handler's typed parameter.
    let answer = w.raw.send("GET", "/api/ui/imports/not-a-number", b"").await;
    assert_eq!(answer.status, 400, "{answer:?}");
    answer.assert_json_4xx("a non-numeric id");
}

#[tokio::test]
async fn hostile_names_in_json_bodies_are_refused_and_change_nothing() {
    let w = world().await;
    let before = snapshot(&w).await;
    for (case, name) in hostile_json_names() {
        for (target, body) in [
            (
                "/repos/alice/generic2",
                json!({"name": name, "type": "generic"}),
            ),
            ("/packages/alice/generic", json!({"name": name})),
            (
                "/packages/alice/generic/mypkg/versions",
                json!({"name": name}),
            ),
            (
                "/packages/alice/generic/mypkg/attributes",
                json!([{"name": name, "values": ["x"]}]),
            ),
            (
                "/packages/alice/generic/mypkg/versions/1.0/attributes",
                json!([{"name": "ok", "values": ["x"], "type": name}]),
            ),
            (
                "/api/ui/signup",
                json!({"name": name, "password": "long enough password"}),
            ),
        ] {
            let what = format!("{case}: POST {target}");
            let head = w.raw.head(
                "POST",
                target,
                &format!(
                    "Content-Type: application/json\r\nContent-Length: {}\r\n",
                    body.to_string().len()
                ),
            );
            // Attribute names are free text (never part of a path): `..` is a name. An
            // empty type is no type (inferred from the values).
            let free_text = target.ends_with("/mypkg/attributes")
                && matches!(case, "dot-dot" | "path" | "slash");
            let no_type = target.ends_with("/1.0/attributes") && case == "empty";
            if free_text || no_type {
                continue;
            }
            let answer = w.raw.raw(head, body.to_string().as_bytes(), false).await;
            answer.assert_json_4xx(&what);
        }
    }
    // The repository body's name must agree with the path's (or be absent).
    assert_eq!(w.alice.get("/repos/alice/generic2").await.0, 404);
    assert_eq!(snapshot(&w).await, before, "something was written");
    let (status, _) = Api::anonymous(&w.server).get("/users/a").await;
    assert_eq!(status, 404, "no account was made");
}

#[tokio::test]
async fn bodies_that_are_not_json_get_a_json_400() {
    let w = world().await;
    let before = snapshot(&w).await;
    for (content_type, body) in [
        (
            "application/x-www-form-urlencoded",
            b"type=generic".as_slice(),
        ),
        ("text/xml", b"<repo type=\"generic\"/>"),
        (
            "multipart/form-data; boundary=XX",
            b"--XX\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\ngeneric\r\n--XX--\r\n",
        ),
        ("application/json", b"{\"type\": \"generic\""),
        ("application/json", b"\xff\xfe{}"),
        ("application/json", b"{\"type\": 7}"),
        ("application/json", b"[]"),
        ("application/json", b"null"),
    ] {
        for target in [
            "/repos/alice/newrepo",
            "/packages/alice/generic",
            "/packages/alice/generic/mypkg/versions",
            "/packages/alice/generic/mypkg/attributes",
            "/search/attributes/alice/generic",
        ] {
            let valid = match target {
                // No clause (everything matches), and attribute `type` = 7.
                "/search/attributes/alice/generic" => matches!(body, b"[]" | b"{\"type\": 7}"),
                // No attributes: valid, and it would replace the package's.
                "/packages/alice/generic/mypkg/attributes" => body == b"[]",
                _ => false,
            };
            if valid {
                continue;
            }
            let what = format!("{content_type}: POST {target}");
            let head = w.raw.head(
                "POST",
                target,
                &format!(
                    "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                    body.len()
                ),
            );
            let answer = w.raw.raw(head, body, false).await;
            assert_eq!(answer.status, 400, "{what}: {answer:?}");
            answer.assert_json_4xx(&what);
        }
    }
    // The browser's calls take JSON only (another site's form cannot send it).
    // Even valid JSON, as a `text/plain` form can smuggle it.
    let credentials = br#"{"name":"mallory","password":"long enough password"}"#;
    for target in ["/api/ui/signin", "/api/ui/signup"] {
        let head = w.raw.head(
            "POST",
            target,
            &format!(
                "Content-Type: text/plain\r\nContent-Length: {}\r\n",
                credentials.len()
            ),
        );
        let answer = w.raw.raw(head, credentials, false).await;
        assert_eq!(answer.status, 415, "{target}: {answer:?}");
        answer.assert_json_4xx(target);
    }
    assert_eq!(Api::anonymous(&w.server).get("/users/mallory").await.0, 404);
    assert_eq!(snapshot(&w).await, before, "something was written");
}

#[tokio::test]
async fn wrong_methods_get_a_json_405() {
    let w = world().await;
    for (method, target) in [
        ("PUT", "/repos/alice"),
        ("POST", "/dl/alice/generic/f.txt"),
        ("PATCH", "/content/alice/generic/mypkg/1.0/f.txt"),
        ("DELETE", "/search/repos?name=x"),
        ("PUT", "/api/v1/users/alice"),
        ("GET", "/api/ui/signin"),
    ] {
        let answer = w.raw.send(method, target, b"").await;
        assert_eq!(answer.status, 405, "{method} {target}: {answer:?}");
        assert!(answer.header("allow").is_some(), "{method} {target}");
        answer.assert_json_4xx(&format!("{method} {target}"));
    }
}

#[tokio::test]
async fn truncated_bodies_get_a_json_400_and_leave_nothing() {
    let w = world().await;
    let before = snapshot(&w).await;
    let json_body = b"{\"name\":\"cut\",\"type\":\"generic\"}";
    for (target, payload) in [
        ("/repos/alice/cut", json_body.as_slice()),
        ("/packages/alice/generic", b"{\"name\":\"cut\"}"),
        (
            "/content/alice/generic/mypkg/1.0/cut.bin",
            b"0123456789abcdef",
        ),
        (
            "/maven/alice/maven/lib/com/example/lib/1.0/lib-1.0.jar",
            b"0123456789abcdef",
        ),
    ] {
        let method = if target.starts_with("/content") || target.starts_with("/maven") {
            "PUT"
        } else {
            "POST"
        };
        // A Content-Length larger than what is sent, then the sending side closes.
        let head = w.raw.head(
            method,
            target,
            &format!("Content-Length: {}\r\n", payload.len() + 1000),
        );
        let answer = w.raw.raw(head, payload, true).await;
        assert_eq!(answer.status, 400, "short body: {target}: {answer:?}");
        answer.assert_json_4xx(target);

        // A chunked body whose chunk is cut short, and no final chunk.
        let head = w.raw.head(method, target, "Transfer-Encoding: chunked\r\n");
        let mut cut = format!("{:x}\r\n", payload.len() + 50).into_bytes();
        cut.extend_from_slice(payload);
        let answer = w.raw.raw(head, &cut, true).await;
        assert_eq!(answer.status, 400, "cut chunk: {target}: {answer:?}");
        answer.assert_json_4xx(target);

        // A chunked body with a broken chunk size.
        let head = w.raw.head(method, target, "Transfer-Encoding: chunked\r\n");
        let answer = w.raw.raw(head, b"zz\r\nabc\r\n0\r\n\r\n", true).await;
        assert_eq!(answer.status, 400, "bad chunk size: {target}: {answer:?}");
    }
    assert_eq!(w.alice.get("/repos/alice/cut").await.0, 404);
    assert_eq!(w.alice.get("/packages/alice/generic/cut").await.0, 404);
    assert_eq!(
        Api::anonymous(&w.server)
            .head("/dl/alice/generic/cut.bin")
            .await,
        404
    );
    // Give the server a moment to remove what a cut upload staged.
    for _ in 0..100 {
        if snapshot(&w).await == before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(snapshot(&w).await, before, "something was written");
}
