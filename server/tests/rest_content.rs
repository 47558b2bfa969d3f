//! Uploads in all three forms, publish and discard, listings and downloads, over real HTTP
//! with real files on disk.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;
use sha2::Digest;
use tokio::io::AsyncWriteExt;

struct World {
    server: TestServer,
    alice: Api,
    bob: Api,
    anon: Api,
    _dist: tempfile::TempDir,
}

async fn world_with(tweak: impl FnOnce(&mut server::config::Config)) -> World {
    let (dist_keep, dist) = fake_dist();
    let server = TestServer::start_with(&dist, tweak).await;
    let alice_key = server.add_user("alice").await;
    let bob_key = server.add_user("bob").await;
    let alice = Api::user(&server, "alice", &alice_key);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "mypkg"}))
            .await
            .0,
        201
    );
    World {
        bob: Api::user(&server, "bob", &bob_key),
        anon: Api::anonymous(&server),
        alice,
        server,
        _dist: dist_keep,
    }
}

async fn world() -> World {
    world_with(|_| {}).await
}

async fn put(api: &Api, path: &str, body: &'static [u8]) -> (u16, serde_json::Value) {
    api.send(api.request(Method::PUT, path).body(body)).await
}

async fn download(api: &Api, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = api.request(Method::GET, path).send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(data))
}

#[tokio::test]
async fn upload_publish_and_download_with_checksums() {
    let w = world().await;
    let (status, body) = put(
        &w.alice,
        "/content/alice/generic/mypkg/1.0/dir/hello.txt",
        b"hello world",
    )
    .await;
    assert_eq!((status, body), (201, json!({"message": "success"})));

    // Unpublished: invisible to others, downloadable by the owner.
    assert_eq!(
        download(&w.anon, "/dl/alice/generic/dir/hello.txt").await.0,
        404
    );
    assert_eq!(
        download(&w.bob, "/dl/alice/generic/dir/hello.txt").await.0,
        404
    );
    let (status, headers, bytes) = download(&w.alice, "/dl/alice/generic/dir/hello.txt").await;
    assert_eq!(status, 200);
    assert_eq!(bytes, b"hello world");
    assert_eq!(headers["content-length"], "11");
    assert_eq!(
        headers["x-checksum-sha1"],
        "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
    );
    assert_eq!(
        headers["x-checksum-sha256"],
        sha256_hex(b"hello world").as_str()
    );
    assert_eq!(
        headers["x-checksum-md5"],
        "5eb63bbbe01eeed093cb22bb8f5acdc3"
    );
    assert_eq!(headers["content-type"], "text/plain");

    let files = "/packages/alice/generic/mypkg/versions/1.0/files";
    assert_eq!(w.anon.get(files).await.1, json!([]));
    assert_eq!(w.alice.get(files).await.1, json!([]), "only when asked");
    let (_, listed) = w.alice.get(&format!("{files}?include_unpublished=1")).await;
    assert_eq!(listed[0]["path"], "dir/hello.txt");
    assert_eq!(listed[0]["name"], "hello.txt");
    assert_eq!(listed[0]["version"], "1.0");
    assert_eq!(listed[0]["size"], 11);
    assert_eq!(
        w.bob.get(&format!("{files}?include_unpublished=1")).await.1,
        json!([])
    );

    // The version was created by the upload; publishing answers the real count.
    let (status, body) = w
        .bob
        .send(
            w.bob
                .request(Method::POST, "/content/alice/generic/mypkg/1.0/publish"),
        )
        .await;
    assert_eq!((status, body), (403, json!({"message": "forbidden"})));
    let (status, body) = w
        .alice
        .send(
            w.alice
                .request(Method::POST, "/content/alice/generic/mypkg/1.0/publish"),
        )
        .await;
    assert_eq!((status, body), (200, json!({"files": 1})));
    let (status, body) = w
        .alice
        .post(
            "/content/alice/generic/mypkg/1.0/publish",
            json!({"discard": "false", "publish_wait_for_secs": -1}),
        )
        .await;
    assert_eq!((status, body), (200, json!({"files": 0})));

    let (status, _, bytes) = download(&w.anon, "/dl/alice/generic/dir/hello.txt").await;
    assert_eq!((status, bytes.as_slice()), (200, &b"hello world"[..]));
    let (_, listed) = w.anon.get("/packages/alice/generic/mypkg/files").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let (status, version) = w
        .anon
        .get("/packages/alice/generic/mypkg/versions/_latest")
        .await;
    assert_eq!(status, 200);
    assert_eq!(version["name"], "1.0");
    assert_eq!(version["published"], true);
    let (_, package) = w.anon.get("/packages/alice/generic/mypkg").await;
    assert_eq!(package["latest_version"], "1.0");
}

#[tokio::test]
async fn header_and_matrix_forms_upload_too() {
    let w = world().await;
    let req = w
        .alice
        .request(Method::PUT, "/content/alice/generic/by-header.bin")
        .header("X-Bintray-Package", "mypkg")
        .header("X-Bintray-Version", "2.0")
        .header("X-Bintray-Publish", "1")
        .body(&b"header form"[..]);
    assert_eq!(w.alice.send(req).await.0, 201);
    let (status, _) = put(
        &w.alice,
        "/content/alice/generic/sub/by-matrix.bin;bt_package=mypkg;bt_version=2.0;publish=1",
        b"matrix form",
    )
    .await;
    assert_eq!(status, 201);
    // And the path form with Bintray's query spellings, repeated keys included.
    let (status, _) = put(
        &w.alice,
        "/api/v1/content/alice/generic/mypkg/2.0/by-path.bin?publish=1&publish=1&override=0&explode=0",
        b"path form",
    )
    .await;
    assert_eq!(status, 201);
    for (path, body) in [
        ("by-header.bin", &b"header form"[..]),
        ("sub/by-matrix.bin", b"matrix form"),
        ("by-path.bin", b"path form"),
    ] {
        let (status, _, bytes) = download(&w.anon, &format!("/dl/alice/generic/{path}")).await;
        assert_eq!((status, bytes.as_slice()), (200, body), "{path}");
    }
    let (_, files) = w
        .anon
        .get("/packages/alice/generic/mypkg/versions/2.0/files")
        .await;
    assert_eq!(files.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn existing_paths_need_override_and_checksums_are_verified() {
    let w = world().await;
    let url = "/content/alice/generic/mypkg/1.0/a.txt?publish=1";
    assert_eq!(put(&w.alice, url, b"first").await.0, 201);
    let (status, body) = put(&w.alice, url, b"second").await;
    assert_eq!(
        (status, body),
        (
            409,
            json!({"message": "Unable to upload files: An artifact with the path 'a.txt' already exists"})
        )
    );
    assert_eq!(
        download(&w.anon, "/dl/alice/generic/a.txt").await.2,
        b"first"
    );
    let (status, _) = put(
        &w.alice,
        "/content/alice/generic/mypkg/1.0/a.txt?publish=1&override=1",
        b"second",
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        download(&w.anon, "/dl/alice/generic/a.txt").await.2,
        b"second"
    );

    let blobs_before = w.server.blob_files();
    let req = w
        .alice
        .request(Method::PUT, "/content/alice/generic/mypkg/1.0/b.txt")
        .header("X-Checksum-Sha2", sha256_hex(b"something else"))
        .body(&b"actual content"[..]);
    let (status, body) = w.alice.send(req).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("SHA-256"),
        "{body}"
    );
    assert_eq!(w.server.blob_files(), blobs_before, "nothing stored");
    assert_eq!(download(&w.alice, "/dl/alice/generic/b.txt").await.0, 404);

    let req = w
        .alice
        .request(Method::PUT, "/content/alice/generic/mypkg/1.0/b.txt")
        .header(
            "X-Checksum-Sha2",
            sha256_hex(b"actual content").to_uppercase(),
        )
        .body(&b"actual content"[..]);
    assert_eq!(w.alice.send(req).await.0, 201);
}

#[tokio::test]
async fn identical_content_is_stored_once() {
    let w = world().await;
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/generic/mypkg/1.0/one.bin",
            b"same bytes"
        )
        .await
        .0,
        201
    );
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/generic/mypkg/1.1/two.bin",
            b"same bytes"
        )
        .await
        .0,
        201
    );
    let blobs = w.server.blob_files();
    assert_eq!(blobs.len(), 1, "{blobs:?}");
    assert!(blobs[0].ends_with(sha256_hex(b"same bytes")));
}

#[tokio::test]
async fn bad_uploads_are_refused_with_nothing_left_behind() {
    let w = world_with(|c| c.max_upload_bytes = 64).await;
    let cases: [(&str, &'static [u8], u16); 7] = [
        ("/content/alice/generic/nopkg/1.0/x.txt", b"x", 404),
        (
            "/content/alice/generic/mypkg/1.0/../../etc/passwd",
            b"x",
            400,
        ),
        ("/content/alice/generic/mypkg/1.0/a//b", b"x", 400),
        ("/content/alice/generic/mypkg/1.0", b"x", 400),
        ("/content/alice/generic/mypkg/bad..version/x", b"x", 400),
        (
            "/content/alice/generic/mypkg/1.0/x.zip;explode=1",
            b"x",
            400,
        ),
        (
            "/content/alice/generic/mypkg/1.0/big.bin",
            b"0123456789012345678901234567890123456789012345678901234567890123456789",
            413,
        ),
    ];
    for (path, body, expected) in cases {
        let (status, json) = put(&w.alice, path, body).await;
        assert_eq!(status, expected, "{path}: {json}");
        assert!(json["message"].is_string(), "{path}: {json}");
    }
    let (status, body) = put(&w.alice, "/content/alice/generic/nopkg/1.0/x.txt", b"x").await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "Package 'nopkg' was not found"}))
    );
    assert_eq!(
        put(&w.anon, "/content/alice/generic/mypkg/1.0/x", b"x")
            .await
            .0,
        401
    );
    assert_eq!(
        put(&w.bob, "/content/alice/generic/mypkg/1.0/x", b"x")
            .await
            .0,
        403
    );
    assert!(
        w.server.blob_files().is_empty(),
        "{:?}",
        w.server.blob_files()
    );
    let (_, package) = w.alice.get("/packages/alice/generic/mypkg").await;
    assert_eq!(
        package["versions"],
        json!([]),
        "no version made by a refused upload"
    );
}

#[tokio::test]
async fn a_client_that_disconnects_mid_upload_leaves_nothing() {
    let w = world().await;
    let addr = w.server.url.strip_prefix("http://").unwrap().to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (user, key) = w.alice.auth.clone().unwrap();
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{key}"));
    let head = format!(
        "PUT /content/alice/generic/mypkg/1.0/cut.bin HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Basic {auth}\r\nContent-Length: 30000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // More than one 8 MiB part, so the staging object really reaches the disk.
    let chunk = vec![7u8; 1024 * 1024];
    for _ in 0..12 {
        stream.write_all(&chunk).await.unwrap();
    }
    stream.flush().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(stream);
    // Give the server a moment to notice and clean up.
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        if w.server.blob_files().is_empty() {
            break;
        }
    }
    assert!(
        w.server.blob_files().is_empty(),
        "{:?}",
        w.server.blob_files()
    );
    assert_eq!(download(&w.alice, "/dl/alice/generic/cut.bin").await.0, 404);
    let (_, package) = w.alice.get("/packages/alice/generic/mypkg").await;
    assert_eq!(package["versions"], json!([]));
}

#[tokio::test]
async fn downloads_answer_head_ranges_and_revalidation() {
    let w = world().await;
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/generic/mypkg/1.0/r.txt?publish=1",
            b"0123456789"
        )
        .await
        .0,
        201
    );
    let url = "/dl/alice/generic/r.txt";
    let res = w.anon.request(Method::HEAD, url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-length"], "10");
    assert_eq!(res.headers()["accept-ranges"], "bytes");
    assert!(res.headers().contains_key("x-checksum-sha1"));
    let etag = res.headers()["etag"].clone();
    assert!(res.bytes().await.unwrap().is_empty());

    let res = w
        .anon
        .request(Method::GET, url)
        .header("Range", "bytes=2-5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(res.headers()["content-range"], "bytes 2-5/10");
    assert_eq!(res.headers()["content-length"], "4");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"2345");

    let res = w
        .anon
        .request(Method::GET, url)
        .header("Range", "bytes=-3")
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"789");

    let res = w
        .anon
        .request(Method::GET, url)
        .header("Range", "bytes=20-")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 416);
    assert_eq!(res.headers()["content-range"], "bytes */10");

    let res = w
        .anon
        .request(Method::GET, url)
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    assert_eq!(
        download(&w.anon, "/dl/alice/generic/missing.txt").await.0,
        404
    );
    assert_eq!(download(&w.anon, "/dl/alice/nope/r.txt").await.0, 404);
}

#[tokio::test]
async fn discard_and_delete_remove_files() {
    let w = world().await;
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/generic/mypkg/1.0/keep.txt?publish=1",
            b"keep"
        )
        .await
        .0,
        201
    );
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/generic/mypkg/1.0/drop1.txt",
            b"d1"
        )
        .await
        .0,
        201
    );
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/generic/mypkg/1.0/drop2.txt",
            b"d2"
        )
        .await
        .0,
        201
    );
    let (status, body) = w
        .alice
        .post(
            "/content/alice/generic/mypkg/1.0/publish",
            json!({"discard": true}),
        )
        .await;
    assert_eq!((status, body), (200, json!({"files": 2})));
    assert_eq!(
        download(&w.alice, "/dl/alice/generic/drop1.txt").await.0,
        404
    );

    assert_eq!(w.bob.delete("/content/alice/generic/keep.txt").await.0, 403);
    let (status, body) = w.alice.delete("/content/alice/generic/keep.txt").await;
    assert_eq!((status, body), (200, json!({"message": "success"})));
    assert_eq!(download(&w.anon, "/dl/alice/generic/keep.txt").await.0, 404);
    let (status, body) = w.alice.delete("/content/alice/generic/keep.txt").await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "File 'keep.txt' was not found"}))
    );
}

#[tokio::test]
async fn private_repositories_serve_files_only_to_their_owner() {
    let w = world().await;
    assert_eq!(
        w.alice
            .post("/repos/alice/secret", json!({"private": true}))
            .await
            .0,
        201
    );
    assert_eq!(
        w.alice
            .post("/packages/alice/secret", json!({"name": "p"}))
            .await
            .0,
        201
    );
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/secret/p/1/s.txt?publish=1",
            b"secret"
        )
        .await
        .0,
        201
    );
    assert_eq!(
        download(&w.alice, "/dl/alice/secret/s.txt").await.2,
        b"secret"
    );
    assert_eq!(download(&w.anon, "/dl/alice/secret/s.txt").await.0, 404);
    assert_eq!(download(&w.bob, "/dl/alice/secret/s.txt").await.0, 404);
    assert_eq!(w.bob.get("/packages/alice/secret/p/files").await.0, 404);
}

#[tokio::test]
async fn maven_deploys_take_the_version_from_the_path() {
    let w = world().await;
    assert_eq!(
        w.alice
            .post("/repos/alice/maven", json!({"type": "maven"}))
            .await
            .0,
        201
    );
    assert_eq!(
        w.alice
            .post("/packages/alice/maven", json!({"name": "lib"}))
            .await
            .0,
        201
    );
    let base = "/maven/alice/maven/lib/;publish=1/com/example/lib/1.2.0";
    assert_eq!(
        put(&w.alice, &format!("{base}/lib-1.2.0.jar"), b"jar bytes")
            .await
            .0,
        201
    );
    assert_eq!(
        put(&w.alice, &format!("{base}/lib-1.2.0.pom"), b"<project/>")
            .await
            .0,
        201
    );
    // maven-metadata.xml is accepted (Maven sends it) but Wharf keeps its own view.
    let (status, body) = put(
        &w.alice,
        "/maven/alice/maven/lib/com/example/lib/maven-metadata.xml",
        b"<metadata/>",
    )
    .await;
    assert_eq!((status, body), (201, json!({"message": "success"})));

    let (_, version) = w.anon.get("/packages/alice/maven/lib/versions/1.2.0").await;
    assert_eq!(version["published"], true);
    let (status, _, bytes) = download(
        &w.anon,
        "/dl/alice/maven/com/example/lib/1.2.0/lib-1.2.0.jar",
    )
    .await;
    assert_eq!((status, bytes.as_slice()), (200, &b"jar bytes"[..]));

    // The metadata Maven resolves versions with is Wharf's own: a second version (not yet
    // published: only its owner sees it) and the checksums that go with it.
    let snapshot = "/maven/alice/maven/lib/com/example/lib/1.3.0-SNAPSHOT";
    assert_eq!(
        put(
            &w.alice,
            &format!("{snapshot}/lib-1.3.0-20261122.1.jar"),
            b"snap"
        )
        .await
        .0,
        201
    );
    let metadata = "/dl/alice/maven/com/example/lib/maven-metadata.xml";
    let (status, headers, xml) = download(&w.anon, metadata).await;
    let xml = String::from_utf8(xml).unwrap();
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/xml");
    assert!(xml.contains("<groupId>com.example</groupId>"), "{xml}");
    assert!(xml.contains("<artifactId>lib</artifactId>"), "{xml}");
    assert!(xml.contains("<release>1.2.0</release>"), "{xml}");
    assert!(
        !xml.contains("SNAPSHOT"),
        "unpublished versions stay hidden: {xml}"
    );
    let (_, _, own) = download(&w.alice, metadata).await;
    let own = String::from_utf8(own).unwrap();
    assert!(own.contains("<latest>1.3.0-SNAPSHOT</latest>"), "{own}");
    assert!(
        own.contains("<version>1.2.0</version>\n      <version>1.3.0-SNAPSHOT</version>"),
        "{own}"
    );
    let (status, _, sha1) = download(&w.anon, &format!("{metadata}.sha1")).await;
    assert_eq!(status, 200);
    assert_eq!(
        String::from_utf8(sha1).unwrap(),
        hex::encode(sha1::Sha1::digest(xml.as_bytes()))
    );
    assert_eq!(
        download(
            &w.anon,
            "/dl/alice/maven/com/example/nothing/maven-metadata.xml"
        )
        .await
        .0,
        404
    );
    assert_eq!(
        download(
            &w.anon,
            "/dl/alice/generic/com/example/lib/maven-metadata.xml"
        )
        .await
        .0,
        404
    );

    let (status, body) = put(
        &w.alice,
        "/maven/alice/maven/lib/com/example/lib/1.2.0/other-1.2.0.jar",
        b"x",
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Provided artifact path does not comply with Maven's convention"})
        )
    );
    let (status, _) = put(
        &w.alice,
        "/maven/alice/generic/mypkg/com/x/mypkg/1/mypkg-1.jar",
        b"x",
    )
    .await;
    assert_eq!(
        status, 400,
        "generic repositories take /content, not /maven"
    );
    let (status, _) = put(
        &w.alice,
        "/maven/alice/maven/nopkg/com/x/nopkg/1/nopkg-1.jar",
        b"x",
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        put(&w.bob, &format!("{base}/lib-1.2.0.jar"), b"x").await.0,
        403
    );
}

#[tokio::test]
async fn a_file_names_its_package_and_version_and_can_join_the_download_list() {
    let w = world().await;
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/generic/mypkg/1.0/x/f.txt?publish=1",
            b"f"
        )
        .await
        .0,
        201
    );
    let (status, body) = w.anon.get("/file_package/alice/generic/x/f.txt").await;
    assert_eq!((status, body["name"].clone()), (200, json!("mypkg")));
    let (status, body) = w.anon.get("/file_version/alice/generic/x/f.txt").await;
    assert_eq!((status, body["name"].clone()), (200, json!("1.0")));
    assert_eq!(
        w.anon
            .get("/file_version/alice/generic/missing.txt")
            .await
            .0,
        404
    );

    // bintray-python sends the string "true"; jfrog-cli a boolean.
    for value in [json!("true"), json!(false)] {
        let req = w
            .alice
            .request(Method::PUT, "/file_metadata/alice/generic/x/f.txt")
            .body(json!({"list_in_downloads": value}).to_string());
        assert_eq!(
            w.alice.send(req).await,
            (200, json!({"message": "success"}))
        );
    }
    let req = w
        .bob
        .request(Method::PUT, "/file_metadata/alice/generic/x/f.txt")
        .body(json!({"list_in_downloads": true}).to_string());
    assert_eq!(w.bob.send(req).await.0, 403);
}

#[tokio::test]
async fn separate_api_and_download_hosts_are_told_apart_by_host() {
    let w = world_with(|c| {
        c.api_url = Some("https://api.wharf.test".into());
        c.download_url = Some("https://dl.wharf.test".into());
    })
    .await;
    let (status, _) = put(
        &w.alice,
        "/content/alice/generic/mypkg/1.0/dir/hello.txt?publish=1",
        b"hello",
    )
    .await;
    assert_eq!(status, 201);
    let client = raw_client();
    let get = |host: &'static str, path: &str| {
        client
            .get(w.server.url(path))
            .header(reqwest::header::HOST, host)
            .send()
    };

    // The download host: /:subject/:repo/:path is a download.
    let res = get("dl.wharf.test", "/alice/generic/dir/hello.txt")
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"hello");

    // The API host: API paths answer, anything else is a JSON 404, never a page.
    let res = get("api.wharf.test", "/packages/alice/generic/mypkg")
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = get("api.wharf.test", "/alice/generic").await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));

    // The main host still serves pages, and the app learns where downloads live.
    let res = get("wharf.test", "/alice/generic").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("<html"));
    let (_, site) = w.anon.get("/api/ui/session").await;
    assert_eq!(site["site"]["download_base"], "https://dl.wharf.test");
    assert_eq!(site["site"]["api_base"], "https://api.wharf.test");
    assert_eq!(site["site"]["github"], false);
}
