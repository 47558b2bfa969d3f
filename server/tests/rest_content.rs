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

async fn world_with(tweak: impl FnOnce(&mut server::infra::config::Config)) -> World {
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

    // If-None-Match compares weakly and takes lists (RFC 9110 §13.1.2).
    let tag = etag.to_str().unwrap();
    for sent in [tag.to_owned(), format!("W/{tag}"), format!("\"x\", {tag}")] {
        let res = w
            .anon
            .request(Method::GET, url)
            .header("If-None-Match", &sent)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304, "{sent}");
    }

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

// ---- Issue 9, item 5: the upload-conflict table, cell by cell, over HTTP. ----

async fn put_bytes(api: &Api, path: &str, body: Vec<u8>) -> (u16, serde_json::Value) {
    api.send(api.request(Method::PUT, path).body(body)).await
}

/// Every file of a package the owner can see, as (path, version, sha256).
async fn owned_files(w: &World, package: &str) -> Vec<(String, String, String)> {
    let (status, files) = w
        .alice
        .get(&format!(
            "/packages/alice/generic/{package}/files?include_unpublished=1"
        ))
        .await;
    assert_eq!(status, 200, "{files}");
    let mut out: Vec<_> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["version"].as_str().unwrap().to_owned(),
                f["sha256"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The bytes and sha256 header the owner downloads at `path`.
async fn owner_download(w: &World, path: &str) -> (Vec<u8>, String) {
    let (status, headers, bytes) = download(&w.alice, &format!("/dl/alice/generic/{path}")).await;
    assert_eq!(status, 200, "{path}");
    let sha = headers["x-checksum-sha256"].to_str().unwrap().to_owned();
    assert_eq!(
        sha,
        sha256_hex(&bytes),
        "{path}: the header matches the bytes"
    );
    (bytes, sha)
}

fn blob_holds(w: &World, content: &[u8]) -> bool {
    let sha = sha256_hex(content);
    w.server
        .blob_files()
        .iter()
        .any(|p| p.to_string_lossy().ends_with(&sha))
}

#[tokio::test]
async fn the_upload_conflict_table_cell_by_cell() {
    let w = world().await;
    assert_eq!(
        w.alice
            .post("/packages/alice/generic", json!({"name": "other"}))
            .await
            .0,
        201
    );
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum State {
        None,
        Unpublished,
        Published,
    }
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Place {
        SameVersion,
        OtherVersion,
        OtherPackage,
    }
    use Place::*;
    use State::*;
    // (existing, where it lives, override, expected status); the upload always goes to
    // mypkg 1.0. Bintray: unpublished files of the version are replaced freely, published
    // ones with override=1, and a path of another version or package is never taken.
    let cells = [
        (None, SameVersion, false, 201),
        (None, SameVersion, true, 201),
        (Unpublished, SameVersion, false, 201),
        (Unpublished, SameVersion, true, 201),
        (Published, SameVersion, false, 409),
        (Published, SameVersion, true, 201),
        (Unpublished, OtherVersion, false, 409),
        (Unpublished, OtherVersion, true, 409),
        (Published, OtherVersion, false, 409),
        (Published, OtherVersion, true, 409),
        (Unpublished, OtherPackage, false, 409),
        (Unpublished, OtherPackage, true, 409),
        (Published, OtherPackage, false, 409),
        (Published, OtherPackage, true, 409),
    ];
    for (i, (state, place, override_, expected)) in cells.into_iter().enumerate() {
        let case = format!("{state:?} in {place:?}, override={override_}");
        let path = format!("cells/pkg-{i}.tar.gz");
        let first = format!("first build {i}").into_bytes();
        let second = format!("second build {i}").into_bytes();
        let (pkg, ver) = match place {
            SameVersion => ("mypkg", "1.0"),
            OtherVersion => ("mypkg", "0.9"),
            OtherPackage => ("other", "1.0"),
        };
        if state != None {
            let publish = u8::from(state == Published);
            let (status, body) = put_bytes(
                &w.alice,
                &format!("/content/alice/generic/{pkg}/{ver}/{path}?publish={publish}"),
                first.clone(),
            )
            .await;
            assert_eq!(status, 201, "{case}: {body}");
        }
        let before = (
            owned_files(&w, "mypkg").await,
            owned_files(&w, "other").await,
        );
        let (status, body) = put_bytes(
            &w.alice,
            &format!(
                "/content/alice/generic/mypkg/1.0/{path}?override={}",
                u8::from(override_)
            ),
            second.clone(),
        )
        .await;
        assert_eq!(status, expected, "{case}: {body}");
        let (bytes, sha) = owner_download(&w, &path).await;
        let (_, owner) = w
            .alice
            .get(&format!("/file_version/alice/generic/{path}"))
            .await;
        if expected == 201 {
            assert_eq!(body, json!({"message": "success"}), "{case}");
            assert_eq!(bytes, second, "{case}: the new build is served");
            assert_eq!(sha, sha256_hex(&second), "{case}");
            assert_eq!(owner["name"], "1.0", "{case}");
        } else {
            let message = body["message"].as_str().unwrap();
            assert!(
                message.starts_with(&format!(
                    "Unable to upload files: An artifact with the path '{path}' already exists"
                )),
                "{case}: {message}"
            );
            if place != SameVersion {
                assert!(
                    message.contains(&format!(
                        "'{}'",
                        if place == OtherPackage { pkg } else { ver }
                    )),
                    "{case}: {message}"
                );
            }
            assert_eq!(bytes, first, "{case}: the first build is still served");
            assert_eq!(sha, sha256_hex(&first), "{case}");
            assert_eq!(
                owner["name"], ver,
                "{case}: the path stays with its version"
            );
            let after = (
                owned_files(&w, "mypkg").await,
                owned_files(&w, "other").await,
            );
            assert_eq!(after, before, "{case}: no file row changed");
            assert!(
                !blob_holds(&w, &second),
                "{case}: no blob of the refused upload"
            );
        }
    }
    let (_, staged) = w.server.storage().await;
    assert_eq!(staged.staged_uploads().await.unwrap(), 0);
}

#[tokio::test]
async fn a_ci_retry_before_publishing_replaces_the_unpublished_build() {
    let w = world().await;
    let url = "/content/alice/generic/mypkg/1.0/pkg-1.0.tar.gz";
    assert_eq!(put(&w.alice, url, b"build one").await.0, 201);
    let (status, body) = put(&w.alice, url, b"build two").await;
    assert_eq!((status, body), (201, json!({"message": "success"})));
    assert_eq!(owner_download(&w, "pkg-1.0.tar.gz").await.0, b"build two");
    let (status, body) = w
        .alice
        .post("/content/alice/generic/mypkg/1.0/publish", json!({}))
        .await;
    assert_eq!(
        (status, body),
        (200, json!({"files": 1})),
        "one file, not two"
    );
    let (_, _, bytes) = download(&w.anon, "/dl/alice/generic/pkg-1.0.tar.gz").await;
    assert_eq!(bytes, b"build two");
    // Published now: a third build needs override.
    assert_eq!(put(&w.alice, url, b"build three").await.0, 409);
    assert_eq!(
        put(&w.alice, &format!("{url};override=1"), b"build three")
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn maven_redeploys_follow_the_same_table() {
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
    // A snapshot deployed twice before publishing: the second replaces the first.
    let snap = "/maven/alice/maven/lib/com/example/lib/1.3.0-SNAPSHOT/lib-1.3.0-SNAPSHOT.jar";
    assert_eq!(put(&w.alice, snap, b"snapshot 1").await.0, 201);
    assert_eq!(put(&w.alice, snap, b"snapshot 2").await.0, 201);
    let (_, _, bytes) = download(
        &w.alice,
        "/dl/alice/maven/com/example/lib/1.3.0-SNAPSHOT/lib-1.3.0-SNAPSHOT.jar",
    )
    .await;
    assert_eq!(bytes, b"snapshot 2");
    // A published release: only with ;override=1.
    let release = "com/example/lib/1.2.0/lib-1.2.0.jar";
    let deploy = |params: &'static str| format!("/maven/alice/maven/lib/{params}/{release}");
    assert_eq!(
        put(&w.alice, &deploy(";publish=1"), b"release").await.0,
        201
    );
    let (status, body) = put(&w.alice, &deploy(";publish=1"), b"rebuilt").await;
    assert_eq!(status, 409, "{body}");
    let (_, _, bytes) = download(&w.anon, &format!("/dl/alice/maven/{release}")).await;
    assert_eq!(bytes, b"release");
    assert!(!blob_holds(&w, b"rebuilt"));
    assert_eq!(
        put(&w.alice, &deploy(";publish=1;override=1"), b"rebuilt")
            .await
            .0,
        201
    );
    let (_, _, bytes) = download(&w.anon, &format!("/dl/alice/maven/{release}")).await;
    assert_eq!(bytes, b"rebuilt");
    // explode is for /content only.
    assert_eq!(put(&w.alice, &deploy(";explode=1"), b"x").await.0, 400);
}

// ---- Issue 9, item 6: explode=1. ----

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        if name.ends_with('/') {
            w.add_directory(*name, opts).unwrap();
        } else {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

/// A tar with names and link targets written as given (no builder checks), so hostile
/// archives can be made too.
fn tar_of(entries: &[(&str, tar::EntryType, &[u8], &str)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, kind, data, link) in entries {
        let mut h = tar::Header::new_ustar();
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
        h.set_entry_type(*kind);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn gz(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Checks that the owner and everyone else get exactly `files` (path → bytes).
async fn assert_served(w: &World, version: &str, files: &[(&str, &[u8])]) {
    let (status, listed) = w
        .anon
        .get(&format!(
            "/packages/alice/generic/mypkg/versions/{version}/files"
        ))
        .await;
    assert_eq!(status, 200, "{listed}");
    let mut paths: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    let mut expected: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
    expected.sort();
    assert_eq!(paths, expected);
    for (path, bytes) in files {
        let (status, headers, got) = download(&w.anon, &format!("/dl/alice/generic/{path}")).await;
        assert_eq!((status, got.as_slice()), (200, *bytes), "{path}");
        assert_eq!(
            headers["x-checksum-sha256"],
            sha256_hex(bytes).as_str(),
            "{path}"
        );
        assert_eq!(headers["content-length"], bytes.len().to_string().as_str());
    }
}

#[tokio::test]
async fn zip_tar_and_tar_gz_explode_in_each_flag_form() {
    let w = world().await;
    let jar = vec![42u8; 5000];
    // A zip, with the matrix form (jfrog-cli): entries go under the path's directory.
    let archive = zip_of(&[
        ("content.jar", b"content"),
        ("plugins/", b""),
        ("plugins/a_1.0.jar", &jar),
    ]);
    let (status, body) = put_bytes(
        &w.alice,
        "/content/alice/generic/mypkg/1.0/site/archive.zip;explode=1;publish=1",
        archive,
    )
    .await;
    assert_eq!((status, body), (201, json!({"message": "success"})));
    assert_served(
        &w,
        "1.0",
        &[
            ("site/content.jar", b"content"),
            ("site/plugins/a_1.0.jar", &jar),
        ],
    )
    .await;
    assert_eq!(
        download(&w.alice, "/dl/alice/generic/site/archive.zip")
            .await
            .0,
        404,
        "the archive itself is not kept"
    );

    // A tar with ./ names (tar -C dir .), with the query form.
    let archive = tar_of(&[
        ("./", tar::EntryType::Directory, b"", ""),
        ("./readme.txt", tar::EntryType::Regular, b"read me", ""),
        ("./bin/tool", tar::EntryType::Regular, b"\x7fELF tool", ""),
    ]);
    let (status, body) = put_bytes(
        &w.alice,
        "/content/alice/generic/mypkg/2.0/tool-2.0.tar?explode=1&publish=1",
        archive,
    )
    .await;
    assert_eq!((status, body), (201, json!({"message": "success"})));
    assert_served(
        &w,
        "2.0",
        &[("readme.txt", b"read me"), ("bin/tool", b"\x7fELF tool")],
    )
    .await;

    // A tar.gz named without an extension, with the header form (Eclipse p2 scripts:
    // `X-Bintray-Explode: 1` and the path `site/VERSION`).
    let archive = gz(&tar_of(&[
        (
            "p2/content.xml",
            tar::EntryType::Regular,
            b"<repository/>",
            "",
        ),
        (
            "p2/artifacts.xml",
            tar::EntryType::Regular,
            b"<artifacts/>",
            "",
        ),
    ]));
    let req = w
        .alice
        .request(Method::PUT, "/content/alice/generic/update-site/3.0")
        .header("X-Bintray-Package", "mypkg")
        .header("X-Bintray-Version", "3.0")
        .header("X-Bintray-Explode", "1")
        .header("X-Bintray-Publish", "1")
        .header("X-Checksum-Sha2", sha256_hex(&archive))
        .body(archive);
    let (status, body) = w.alice.send(req).await;
    assert_eq!((status, body), (201, json!({"message": "success"})));
    assert_served(
        &w,
        "3.0",
        &[
            ("update-site/p2/content.xml", b"<repository/>"),
            ("update-site/p2/artifacts.xml", b"<artifacts/>"),
        ],
    )
    .await;

    // No path at all (p2 release scripts): the entries land at the repository's root.
    let archive = zip_of(&[("root/index.html", b"<html/>")]);
    let req = w
        .alice
        .request(Method::PUT, "/content/alice/generic/")
        .header("X-Bintray-Package", "mypkg")
        .header("X-Bintray-Version", "4.0")
        .header("X-Bintray-Explode", "1")
        .header("X-Bintray-Publish", "1")
        .body(archive);
    let (status, body) = w.alice.send(req).await;
    assert_eq!((status, body), (201, json!({"message": "success"})));
    assert_served(&w, "4.0", &[("root/index.html", b"<html/>")]).await;
    let req = w
        .alice
        .request(Method::PUT, "/content/alice/generic/")
        .header("X-Bintray-Package", "mypkg")
        .header("X-Bintray-Version", "4.0")
        .body(&b"no path, no explode"[..]);
    assert_eq!(w.alice.send(req).await.0, 400);

    // Exploding again: unpublished entries are replaced, published ones need override,
    // per entry, all or nothing.
    let again = zip_of(&[("content.jar", b"content v2"), ("new.txt", b"new")]);
    let (status, body) = put_bytes(
        &w.alice,
        "/content/alice/generic/mypkg/1.0/site/archive.zip;explode=1",
        again.clone(),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("'site/content.jar'"),
        "{body}"
    );
    assert_eq!(
        download(&w.alice, "/dl/alice/generic/site/new.txt").await.0,
        404
    );
    let (status, _) = put_bytes(
        &w.alice,
        "/content/alice/generic/mypkg/1.0/site/archive.zip;explode=1;override=1;publish=1",
        again,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        download(&w.anon, "/dl/alice/generic/site/content.jar")
            .await
            .2,
        b"content v2"
    );
}

#[tokio::test]
async fn hostile_or_broken_archives_are_refused_whole_with_nothing_written() {
    let w = world_with(|c| {
        c.explode_limits.max_entries = 5;
        c.explode_limits.ratio_floor_bytes = 1024 * 1024;
        c.explode_limits.max_ratio = 100;
    })
    .await;
    // Something already in the version, to see that it stays as it was.
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/generic/mypkg/1.0/keep.txt?publish=1",
            b"kept"
        )
        .await
        .0,
        201
    );
    // A path of another version that an entry would take.
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/generic/mypkg/0.9/taken.txt",
            b"taken"
        )
        .await
        .0,
        201
    );
    let good: &[u8] = b"a good file";
    let symlink_zip = {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("good.txt", opts).unwrap();
        std::io::Write::write_all(&mut z, good).unwrap();
        z.add_symlink("link", "/etc/passwd", opts).unwrap();
        z.finish().unwrap().into_inner()
    };
    let bomb = zip_of(&[
        ("good.txt", good),
        ("zeros.bin", &vec![0u8; 8 * 1024 * 1024]),
    ]);
    assert!(bomb.len() < 64 * 1024, "a real bomb: {} bytes", bomb.len());
    let many: Vec<(String, Vec<u8>)> = (0..6)
        .map(|i| (format!("f{i}.txt"), vec![b'x'; 10]))
        .collect();
    let many: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let mut truncated_zip = zip_of(&[("good.txt", good), ("other.txt", b"other")]);
    truncated_zip.truncate(truncated_zip.len() - 30);
    let mut truncated_tgz = gz(&tar_of(&[
        ("good.txt", tar::EntryType::Regular, good, ""),
        ("big.bin", tar::EntryType::Regular, &vec![7u8; 200_000], ""),
    ]));
    truncated_tgz.truncate(truncated_tgz.len() / 2);
    // Stored (not compressed), so the content sits in the archive as is: one flipped byte
    // breaks its CRC-32.
    let mut corrupt_zip = {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        z.start_file("good.txt", opts).unwrap();
        std::io::Write::write_all(&mut z, good).unwrap();
        z.start_file("other.txt", opts).unwrap();
        std::io::Write::write_all(&mut z, b"MARKER-the-content-of-other").unwrap();
        z.finish().unwrap().into_inner()
    };
    let at = corrupt_zip.windows(6).position(|w| w == b"MARKER").unwrap();
    corrupt_zip[at + 3] ^= 0xff;

    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "dotdot.tar",
            tar_of(&[
                ("good.txt", tar::EntryType::Regular, good, ""),
                ("../evil", tar::EntryType::Regular, b"evil", ""),
            ]),
            400,
            "'../evil'",
        ),
        (
            "absolute.zip",
            zip_of(&[("good.txt", good), ("/etc/evil", b"evil")]),
            400,
            "'/etc/evil' is an absolute path",
        ),
        (
            "symlink.tar",
            tar_of(&[
                ("good.txt", tar::EntryType::Regular, good, ""),
                ("link", tar::EntryType::Symlink, b"", "/etc/passwd"),
            ]),
            400,
            "'link' is a symbolic link",
        ),
        ("symlink.zip", symlink_zip, 400, "'link' is a symbolic link"),
        (
            "hardlink.tar",
            tar_of(&[
                ("good.txt", tar::EntryType::Regular, good, ""),
                ("hard", tar::EntryType::Link, b"", "../../etc/passwd"),
            ]),
            400,
            "'hard' is a hard link",
        ),
        (
            "device.tar",
            tar_of(&[("dev", tar::EntryType::Char, b"", "")]),
            400,
            "'dev' is a device",
        ),
        ("bomb.zip", bomb, 413, "times its size"),
        ("many.zip", zip_of(&many), 413, "more than 5 files"),
        ("truncated.zip", truncated_zip, 400, "damaged or truncated"),
        (
            "truncated.tar.gz",
            truncated_tgz,
            400,
            "damaged or truncated",
        ),
        ("corrupt.zip", corrupt_zip, 400, "damaged or truncated"),
        (
            "notes.txt",
            b"just some text, not an archive".to_vec(),
            400,
            "not a zip, tar or tar.gz archive",
        ),
        (
            "twice.tar",
            tar_of(&[
                ("good.txt", tar::EntryType::Regular, good, ""),
                ("./good.txt", tar::EntryType::Regular, good, ""),
            ]),
            400,
            "appears twice",
        ),
        (
            "taken.zip",
            zip_of(&[("good.txt", good), ("taken.txt", b"mine")]),
            409,
            "'taken.txt' already exists in version '0.9'",
        ),
        ("empty.zip", zip_of(&[("dir/", b"")]), 400, "no files"),
    ];
    let blobs_before = w.server.blob_files();
    let files_before = owned_files(&w, "mypkg").await;
    for (name, archive, status, says) in cases {
        let (got, body) = put_bytes(
            &w.alice,
            &format!("/content/alice/generic/mypkg/1.0/{name}?explode=1&publish=1"),
            archive,
        )
        .await;
        assert_eq!(got, status, "{name}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{name}: {message}");
        assert_eq!(
            owned_files(&w, "mypkg").await,
            files_before,
            "{name}: no file row"
        );
        assert_eq!(
            w.server.blob_files(),
            blobs_before,
            "{name}: no blob, nothing staged"
        );
        assert_eq!(
            download(&w.alice, "/dl/alice/generic/good.txt").await.0,
            404,
            "{name}"
        );
    }
    assert_eq!(owner_download(&w, "keep.txt").await.0, b"kept");
    // A version that did not exist is not created by a refused archive.
    let (status, _) = put_bytes(
        &w.alice,
        "/content/alice/generic/mypkg/7.0/x.tar?explode=1",
        tar_of(&[("../x", tar::EntryType::Regular, b"x", "")]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        w.alice
            .get("/packages/alice/generic/mypkg/versions/7.0")
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn streamed_tars_keep_the_size_limit_and_the_checksum() {
    let w = world_with(|c| c.max_upload_bytes = 8 * 1024).await;
    let blobs_before = w.server.blob_files();
    // Over the upload limit as it streams: 413, nothing kept.
    let big = tar_of(&[
        ("a.txt", tar::EntryType::Regular, b"a", ""),
        ("big.bin", tar::EntryType::Regular, &[1u8; 20_000], ""),
    ]);
    let (status, body) = put_bytes(
        &w.alice,
        "/content/alice/generic/mypkg/1.0/big.tar?explode=1",
        big,
    )
    .await;
    assert_eq!(status, 413, "{body}");
    // A checksum that does not match the archive: 409, nothing kept.
    let archive = gz(&tar_of(&[("a.txt", tar::EntryType::Regular, b"a", "")]));
    let req = w
        .alice
        .request(
            Method::PUT,
            "/content/alice/generic/mypkg/1.0/a.tar.gz?explode=1",
        )
        .header("X-Checksum-Sha2", sha256_hex(b"something else"))
        .body(archive.clone());
    let (status, body) = w.alice.send(req).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("SHA-256"),
        "{body}"
    );
    assert_eq!(w.server.blob_files(), blobs_before);
    assert_eq!(
        w.alice
            .get("/packages/alice/generic/mypkg/versions/1.0")
            .await
            .0,
        404
    );
    // The right checksum: stored.
    let req = w
        .alice
        .request(
            Method::PUT,
            "/content/alice/generic/mypkg/1.0/a.tar.gz?explode=1",
        )
        .header("X-Checksum-Sha2", sha256_hex(&archive))
        .body(archive);
    assert_eq!(w.alice.send(req).await.0, 201);
    assert_eq!(owner_download(&w, "a.txt").await.0, b"a");
}

// ---- File paths every endpoint can address, that read as what they are. ----

/// The paths of version `version` of `mypkg`, as its owner sees them.
async fn version_paths(w: &World, version: &str) -> Vec<String> {
    let (status, listed) = w
        .alice
        .get(&format!(
            "/packages/alice/generic/mypkg/versions/{version}/files?include_unpublished=1"
        ))
        .await;
    if status == 404 {
        return Vec::new();
    }
    assert_eq!(status, 200, "{listed}");
    let mut paths: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    paths
}

#[tokio::test]
async fn paths_with_semicolons_are_never_stored_and_delete_never_reinterprets() {
    let w = world().await;
    assert_eq!(
        put(
            &w.alice,
            "/content/alice/generic/mypkg/1.0/d/notes;publish=1",
            b"KEEP ME"
        )
        .await
        .0,
        201
    );
    // An archive entry holding ';' refuses the whole archive, naming the entry.
    let semi = tar_of(&[
        ("ok.txt", tar::EntryType::Regular, b"ok", ""),
        ("notes;v=2.txt", tar::EntryType::Regular, b"new", ""),
    ]);
    for archive in [semi.clone(), gz(&semi)] {
        let (status, body) = put_bytes(
            &w.alice,
            "/content/alice/generic/mypkg/1.0/d/semi.tar?explode=1&publish=1",
            archive,
        )
        .await;
        assert_eq!(status, 400, "{body}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("notes;v=2.txt") && message.contains("';'"),
            "{message}"
        );
    }
    assert_eq!(version_paths(&w, "1.0").await, ["d/notes"]);
    // A DELETE of a path with ';' (sent encoded or not) is refused, never read as
    // `d/notes` with matrix parameters.
    for target in [
        "/content/alice/generic/d/notes%3Bv%3D2.txt",
        "/content/alice/generic/d/notes;v=2.txt",
        "/content/alice/generic/d/notes;publish=1",
    ] {
        let (status, body) = w.alice.delete(target).await;
        assert_eq!(status, 400, "{target}: {body}");
        assert!(body["message"].as_str().unwrap().contains("';'"), "{body}");
    }
    assert_eq!(version_paths(&w, "1.0").await, ["d/notes"]);
    let (status, _, bytes) = download(&w.anon, "/dl/alice/generic/d/notes").await;
    assert_eq!((status, bytes.as_slice()), (200, b"KEEP ME".as_slice()));
}

#[tokio::test]
async fn invisible_or_misleading_characters_refuse_the_path() {
    let w = world().await;
    for name in [
        "evil\u{202E}txt.exe",
        "a\u{200B}b.txt",
        " lead.txt",
        "trail.txt ",
        "dir /x.txt",
    ] {
        let archive = tar_of(&[
            ("ok.txt", tar::EntryType::Regular, b"ok", ""),
            (name, tar::EntryType::Regular, b"x", ""),
        ]);
        let (status, body) = put_bytes(
            &w.alice,
            "/content/alice/generic/mypkg/1.0/a.tar?explode=1",
            archive,
        )
        .await;
        assert_eq!(status, 400, "{name:?}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(name),
            "{name:?}: {body}"
        );
    }
    // A plain upload to such a path is refused the same way.
    let (status, body) = put(
        &w.alice,
        "/content/alice/generic/mypkg/1.0/evil%E2%80%AEtxt.exe",
        b"x",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("U+202E"),
        "{body}"
    );
    assert!(version_paths(&w, "1.0").await.is_empty());
}

#[tokio::test]
async fn multi_member_tar_gz_explodes_whole() {
    let w = world().await;
    let files: [(&str, &[u8]); 3] = [
        ("one.txt", b"first"),
        ("two.txt", b"second"),
        ("three.txt", b"third"),
    ];
    let tar = tar_of(&[
        (files[0].0, tar::EntryType::Regular, files[0].1, ""),
        (files[1].0, tar::EntryType::Regular, files[1].1, ""),
        (files[2].0, tar::EntryType::Regular, files[2].1, ""),
    ]);
    // Three gzip members, one per tar entry and the end mark with the last one, as
    // pigz --independent, bgzip or `cat a.gz b.gz c.gz` make them.
    let mut archive = gz(&tar[..1024]);
    archive.extend(gz(&tar[1024..2048]));
    archive.extend(gz(&tar[2048..]));
    let (status, body) = put_bytes(
        &w.alice,
        "/content/alice/generic/mypkg/1.0/multi.tar.gz?explode=1&publish=1",
        archive,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_served(&w, "1.0", &files).await;
}

#[tokio::test]
async fn a_zip_naming_an_entry_twice_is_refused() {
    let w = world().await;
    // The zip writer refuses a repeated name, so the second name is patched in afterwards
    // (local and central headers), as other tools write such archives.
    let mut archive = zip_of(&[("a.txt", b"first copy"), ("b.txt", b"second copy")]);
    let positions: Vec<usize> = archive
        .windows(5)
        .enumerate()
        .filter(|(_, w)| *w == b"b.txt")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(positions.len(), 2);
    for i in positions {
        archive[i..i + 5].copy_from_slice(b"a.txt");
    }
    let (status, body) = put_bytes(
        &w.alice,
        "/content/alice/generic/mypkg/1.0/dupe.zip?explode=1",
        archive,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("'a.txt'") && message.contains("twice"),
        "{message}"
    );
    assert!(version_paths(&w, "1.0").await.is_empty());
}

#[tokio::test]
async fn an_upload_refused_at_the_last_moment_leaves_no_version_behind() {
    let w = world().await;
    // A: an upload into new version a1 that passes the early path check, then waits
    // mid-body while B takes the same path from version b1.
    let addr = w.server.url.strip_prefix("http://").unwrap().to_owned();
    let (user, key) = w.alice.auth.clone().unwrap();
    let raw = common::raw::RawClient::new(&w.server.url, &user, &key);
    let mut a = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = raw.head(
        "PUT",
        "/content/alice/generic/mypkg/a1/same.bin",
        "Content-Length: 2000000\r\n",
    );
    a.write_all(head.as_bytes()).await.unwrap();
    a.write_all(&vec![1u8; 1_000_000]).await.unwrap();
    a.flush().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        put(&w.alice, "/content/alice/generic/mypkg/b1/same.bin", b"b")
            .await
            .0,
        201
    );
    a.write_all(&vec![1u8; 1_000_000]).await.unwrap();
    let answer = common::raw::read_answer(&mut a).await;
    assert_eq!(answer.status, 409, "{answer:?}");
    let (_, package) = w.alice.get("/packages/alice/generic/mypkg").await;
    assert_eq!(package["versions"], json!(["b1"]), "{package}");
    assert_eq!(
        w.alice
            .get("/packages/alice/generic/mypkg/versions/a1")
            .await
            .0,
        404
    );
    // The early refusals into a new version leave none either: a path held by another
    // version, a checksum mismatch, a bad archive.
    let (status, _) = put(&w.alice, "/content/alice/generic/mypkg/c1/same.bin", b"c").await;
    assert_eq!(status, 409);
    let (status, _) = w
        .alice
        .send(
            w.alice
                .request(Method::PUT, "/content/alice/generic/mypkg/c1/x.bin")
                .header("X-Checksum-Sha2", sha256_hex(b"other"))
                .body(&b"this"[..]),
        )
        .await;
    assert_eq!(status, 409);
    let (status, _) = put(
        &w.alice,
        "/content/alice/generic/mypkg/c1/x.zip?explode=1",
        b"PK\x03\x04 not really",
    )
    .await;
    assert_eq!(status, 400);
    let (_, package) = w.alice.get("/packages/alice/generic/mypkg").await;
    assert_eq!(package["versions"], json!(["b1"]), "{package}");
}

#[tokio::test]
async fn an_announced_oversize_body_is_refused_before_100_continue() {
    let w = world_with(|c| c.max_upload_bytes = 1_000_000).await;
    let (user, key) = w.alice.auth.clone().unwrap();
    let raw = common::raw::RawClient::new(&w.server.url, &user, &key);
    for target in [
        "/content/alice/generic/mypkg/1.0/big.bin",
        "/content/alice/generic/mypkg/1.0/big.tar?explode=1",
        "/content/alice/generic/mypkg/1.0/big.tar;explode=1",
    ] {
        // Headers only: the body would follow a 100 Continue, which must not come.
        let head = raw.head(
            "PUT",
            target,
            "Expect: 100-continue\r\nContent-Length: 5000000000\r\n",
        );
        let answer = raw.raw(head, b"", false).await;
        assert_eq!(answer.status, 413, "{target}: {answer:?}");
        answer.assert_json_4xx(target);
    }
    let (_, package) = w.alice.get("/packages/alice/generic/mypkg").await;
    assert_eq!(package["versions"], json!([]), "{package}");
}
