//! The built UI over real HTTP: deep links, cache headers, compression, revalidation.

mod common;

use std::io::Read;
use std::time::Duration;

use common::*;
use reqwest::header;
use reqwest::StatusCode;

#[tokio::test]
async fn any_page_path_answers_index_html_so_deep_links_survive_a_reload() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let client = raw_client();
    for path in [
        "/",
        "/alice",
        "/alice/generic/mypkg/1.0",
        "/signin",
        "/a/b/c/d/e/f",
    ] {
        let res = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(
            res.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8",
            "{path}"
        );
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        assert!(res.headers().contains_key(header::ETAG));
        assert_eq!(res.text().await.unwrap(), INDEX_HTML, "{path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_others_short_lived() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let client = raw_client();
    let res = client
        .get(server.url(&format!("/{JS_NAME}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(res.bytes().await.unwrap(), js_body());

    let res = client
        .get(server.url(&format!("/{WASM_NAME}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(res.bytes().await.unwrap(), wasm_body());

    let res = client.get(server.url("/robots.txt")).send().await.unwrap();
    assert_eq!(res.headers()[header::CACHE_CONTROL], "public, max-age=3600");
    server.stop().await;
}

/// Compression happens in the background after start; poll until it is there.
async fn get_encoded(client: &reqwest::Client, url: &str, accept: &str) -> reqwest::Response {
    for _ in 0..100 {
        let res = client
            .get(url)
            .header(header::ACCEPT_ENCODING, accept)
            .send()
            .await
            .unwrap();
        if res.headers().contains_key(header::CONTENT_ENCODING) {
            return res;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} was never served compressed");
}

#[tokio::test]
async fn assets_are_served_with_brotli_or_gzip_as_the_client_asks() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let client = raw_client();
    let url = server.url(&format!("/{WASM_NAME}"));

    let res = get_encoded(&client, &url, "gzip, deflate, br").await;
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(res.headers()[header::VARY], "Accept-Encoding");
    let length: usize = res.headers()[header::CONTENT_LENGTH]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = res.bytes().await.unwrap();
    assert_eq!(body.len(), length);
    assert!(body.len() < wasm_body().len() / 4, "brotli shrinks it");
    let mut plain = Vec::new();
    brotli::Decompressor::new(&body[..], 4096)
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(plain, wasm_body());

    let res = get_encoded(&client, &url, "gzip").await;
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    let body = res.bytes().await.unwrap();
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(plain, wasm_body());

    // A client that asks for nothing gets the bytes as they are.
    let res = client.get(&url).send().await.unwrap();
    assert!(!res.headers().contains_key(header::CONTENT_ENCODING));
    assert_eq!(res.bytes().await.unwrap(), wasm_body());
    server.stop().await;
}

#[tokio::test]
async fn etag_revalidation_answers_304_and_head_has_no_body() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let client = raw_client();
    let res = client.get(server.url("/")).send().await.unwrap();
    let etag = res.headers()[header::ETAG].clone();
    let res = client
        .get(server.url("/alice/generic"))
        .header(header::IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert!(res.bytes().await.unwrap().is_empty());

    let res = client
        .get(server.url("/"))
        .header(header::IF_NONE_MATCH, "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let res = client.head(server.url("/alice")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_LENGTH],
        INDEX_HTML.len().to_string().as_str()
    );
    assert!(res.bytes().await.unwrap().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn api_paths_and_other_methods_get_json_not_html() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let client = raw_client();
    for (method, path) in [
        (reqwest::Method::GET, "/api/nothing-here"),
        (reqwest::Method::GET, "/api"),
        (reqwest::Method::POST, "/alice/generic"),
        (reqwest::Method::DELETE, "/"),
    ] {
        let res = client
            .request(method.clone(), server.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body, serde_json::json!({"message": "Not Found"}));
    }
    server.stop().await;
}

#[tokio::test]
async fn healthz_reports_the_version() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let res = raw_client()
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let health: app::api_types::Health = res.json().await.unwrap();
    assert_eq!(health.status, "ok");
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
    server.stop().await;
}

#[tokio::test]
async fn without_a_built_ui_pages_explain_and_the_api_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("no-dist-here")).await;
    let client = raw_client();
    let res = client.get(server.url("/alice")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let text = res.text().await.unwrap();
    assert!(text.contains("web UI is not built"), "{text}");
    assert!(text.contains("scripts/run.sh"), "{text}");
    let res = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn first_start_creates_the_data_directory_with_database_blobs_and_key() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start_embedded(&dist).await;
    let data = server.data_dir.path().join("data");
    assert!(data.join("wharf.db").is_file());
    assert!(data.join("blobs").is_dir());
    assert!(data.join("secret.key").is_file());
    server.stop().await;
}

#[tokio::test]
async fn shared_links_preview_public_things_and_nothing_private() {
    use serde_json::json;
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    assert_eq!(
        alice
            .post("/repos/alice/generic", json!({"desc": "Alice's files"}))
            .await
            .0,
        201
    );
    assert_eq!(
        alice
            .post(
                "/packages/alice/generic",
                json!({"name": "tool", "desc": "The <best> tool"})
            )
            .await
            .0,
        201
    );
    assert_eq!(
        alice
            .post(
                "/packages/alice/generic/tool/versions",
                json!({"name": "1.0", "desc": "First release"})
            )
            .await
            .0,
        201
    );
    assert_eq!(
        alice
            .post(
                "/repos/alice/secret",
                json!({"private": true, "desc": "hush"})
            )
            .await
            .0,
        201
    );
    let client = raw_client();
    let page = |path: &str| {
        let client = client.clone();
        let url = server.url(path);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };

    let html = page("/alice/generic/tool").await;
    assert!(
        html.contains("<title>tool · alice/generic · Wharf</title>"),
        "{html}"
    );
    assert!(
        html.contains("<meta property=\"og:description\" content=\"The &lt;best&gt; tool\" />"),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "og:url\" content=\"{}/alice/generic/tool\"",
            server.url
        )),
        "{html}"
    );
    let html = page("/alice/generic/tool/1.0").await;
    assert!(
        html.contains("<title>tool 1.0 · alice/generic · Wharf</title>"),
        "{html}"
    );
    assert!(html.contains("content=\"First release\""), "{html}");
    let html = page("/alice/generic").await;
    assert!(html.contains("content=\"Alice&#39;s files\""), "{html}");

    // Private and unknown things get the plain page.
    for path in [
        "/alice/secret",
        "/alice/generic/nope",
        "/alice/generic/tool/9.9",
    ] {
        assert_eq!(page(path).await, INDEX_HTML, "{path}");
    }
    server.stop().await;
}

/// Issue 12: `/metrics` counts requests by route template (never the raw path) and status,
/// in Prometheus' text format, with the import, GC and store families present.
#[tokio::test]
async fn metrics_count_requests_by_route_template_and_status() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let client = raw_client();
    for _ in 0..3 {
        let res = client
            .get(server.url("/api/v1/repos/zq-metrics-subject"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
    }
    let res = client.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    assert!(!text.contains("zq-metrics-subject"), "no raw paths");
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("wharf_http_requests_total{")
                && l.contains("route=\"/api/v1/repos/{subject}\"")
                && l.contains("status=\"404\"")
        })
        .unwrap_or_else(|| panic!("no request counter for the route: {text}"));
    let count: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 3.0, "{line}");
    for family in [
        "wharf_http_request_duration_seconds",
        "wharf_import_jobs_running",
        "wharf_gc_blobs_removed_total",
        // Labelled families are there before their first event.
        "wharf_gc_runs_total{outcome=\"failed\"}",
        "wharf_import_items_total{outcome=\"failed\"}",
    ] {
        assert!(text.contains(family), "{family} missing: {text}");
    }
    server.stop().await;
}
