//! Version names that hold what git tags hold (`@`, `+`, `~` for a tag's `/`, non-ASCII
//! letters) through the REST API, uploads, `/dl`, badges, the latest-version redirect and
//! the pages, over real HTTP.

mod common;

use app::domain::url::path_segment;
use common::*;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::Method;
use serde_json::json;

/// `@biomejs/biome@2.0+naïve` as imported: `/` became `~`.
const V: &str = "@biomejs~biome@2.0+naïve";

#[tokio::test]
async fn a_version_named_like_a_monorepo_tag_works_everywhere() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let key = server.add_user("alice").await;
    let alice = Api::user(&server, "alice", &key);
    let anon = Api::anonymous(&server);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "biome"}))
            .await
            .0,
        201
    );
    let enc = path_segment(V);
    assert_eq!(enc, "@biomejs~biome@2.0+na%C3%AFve");

    let (code, body) = alice
        .post(
            "/packages/alice/generic/biome/versions",
            json!({"name": V, "vcs_tag": "@biomejs/biome@2.0+naïve"}),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    assert_eq!(body["name"], V);
    let (code, body) = anon
        .get(&format!("/packages/alice/generic/biome/versions/{enc}"))
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["name"], V);
    assert_eq!(body["vcs_tag"], "@biomejs/biome@2.0+naïve");

    // Upload into it, the version's name also a directory of the path.
    let (code, body) = alice
        .send(
            alice
                .request(
                    Method::PUT,
                    &format!("/content/alice/generic/biome/{enc}/{enc}/biome-linux-x64?publish=1"),
                )
                .body("binary"),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    let (code, files) = anon
        .get(&format!(
            "/packages/alice/generic/biome/versions/{enc}/files"
        ))
        .await;
    assert_eq!(code, 200, "{files}");
    assert_eq!(files[0]["path"], format!("{V}/biome-linux-x64"));
    assert_eq!(files[0]["version"], V);
    let res = anon
        .request(
            Method::GET,
            &format!("/dl/alice/generic/{enc}/biome-linux-x64"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap(), "binary");

    // The package lists it, `_latest` finds it, the badge shows it, the redirect names it.
    let (_, pkg) = anon.get("/packages/alice/generic/biome").await;
    assert_eq!(pkg["versions"], json!([V]));
    assert_eq!(pkg["latest_version"], V);
    let (code, latest) = anon
        .get("/packages/alice/generic/biome/versions/_latest")
        .await;
    assert_eq!((code, latest["name"].clone()), (200, json!(V)));
    let res = anon
        .request(
            Method::GET,
            "/packages/alice/generic/biome/images/download.svg",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains(V));
    let res = anon
        .request(Method::GET, "/alice/generic/biome/_latestVersion")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/alice/generic/biome/{enc}"));

    // The page the redirect names is the app (SPA fallback), with the version's preview.
    let res = anon.request(Method::GET, &location).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("biome {V}")), "{html}");
}

#[tokio::test]
async fn version_names_keep_case_and_refuse_what_is_not_one_segment() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let key = server.add_user("alice").await;
    let alice = Api::user(&server, "alice", &key);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "p"}))
            .await
            .0,
        201
    );
    // `v1.0` and `V1.0` are two git tags, so two versions.
    for name in ["v1.0", "V1.0"] {
        let (code, body) = alice
            .post("/packages/alice/generic/p/versions", json!({"name": name}))
            .await;
        assert_eq!(code, 201, "{body}");
    }
    let (_, v) = alice.get("/packages/alice/generic/p/versions/V1.0").await;
    assert_eq!(v["name"], "V1.0");
    let long = "v".repeat(256);
    for bad in [
        "a/b",
        "a%b",
        "a#b",
        "a b",
        "_latest",
        "-x",
        ".x",
        "a..b",
        "a\u{200B}b",
        &long,
    ] {
        let (code, body) = alice
            .post("/packages/alice/generic/p/versions", json!({"name": bad}))
            .await;
        assert_eq!(code, 400, "{bad:?}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("version name"),
            "{body}"
        );
    }
}

/// The header form of an upload names a non-ASCII version as clients send it: UTF-8 bytes
/// in `X-Bintray-Version` (it used to be dropped, and the answer said no version was given).
#[tokio::test]
async fn a_non_ascii_version_in_the_header_form_is_read_as_utf8() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "tool"}))
            .await
            .0,
        201
    );
    let version = reqwest::header::HeaderValue::from_bytes("1.0-naïve".as_bytes()).unwrap();
    let (status, body) = alice
        .send(
            alice
                .request(
                    Method::PUT,
                    "/content/alice/generic/tool-naive.txt?publish=1",
                )
                .header("X-Bintray-Package", "tool")
                .header("X-Bintray-Version", version)
                .body("bytes"),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = alice
        .get(&format!(
            "/packages/alice/generic/tool/versions/{}",
            path_segment("1.0-naïve")
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "1.0-naïve");
}

/// Names that look the same are one name: `café` sent precomposed and decomposed is one
/// version, and characters that draw as nothing, private-use, non-characters or a leading
/// combining mark are refused with the rule named.
#[tokio::test]
async fn version_names_that_look_the_same_are_one_and_invisible_ones_are_refused() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let key = server.add_user("alice").await;
    let alice = Api::user(&server, "alice", &key);
    assert_eq!(alice.post("/repos/alice/generic", json!({})).await.0, 201);
    assert_eq!(
        alice
            .post("/packages/alice/generic", json!({"name": "p"}))
            .await
            .0,
        201
    );
    let (code, body) = alice
        .post(
            "/packages/alice/generic/p/versions",
            json!({"name": "caf\u{E9}"}),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    let (code, body) = alice
        .post(
            "/packages/alice/generic/p/versions",
            json!({"name": "cafe\u{301}"}),
        )
        .await;
    assert_eq!(code, 409, "{body}");
    let (_, package) = alice.get("/packages/alice/generic/p").await;
    assert_eq!(package["versions"], json!(["caf\u{E9}"]), "{package}");
    // A URL that spells it decomposed finds the same version.
    let (code, body) = alice
        .get(&format!(
            "/packages/alice/generic/p/versions/{}",
            path_segment("cafe\u{301}")
        ))
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["name"], "caf\u{E9}");

    for bad in [
        "v\u{2800}x",
        "v\u{3164}x",
        "\u{301}x",
        "v\u{FFFF}",
        "v\u{E000}",
        "v\u{10FFFF}",
    ] {
        let (code, body) = alice
            .post("/packages/alice/generic/p/versions", json!({"name": bad}))
            .await;
        assert_eq!(code, 400, "{bad:?}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("version name"),
            "{body}"
        );
    }
}
