//! Who may do what with a registry: Basic `user:apikey`, Bearer tokens, anonymous pulls,
//! challenges on 401, private registries, and addressing by host name.

mod common;

use common::oci::{error_code, header, Registry, OCI_MANIFEST};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const NAME: &str = "alice/images/app";

fn challenges(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_base_endpoint_checks_keys_and_challenges() {
    let r = Registry::start(false).await;
    let res = r.anon(Method::GET, "/v2/").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&res, "docker-distribution-api-version"),
        "registry/2.0"
    );
    let c = challenges(&res);
    assert_eq!(c[0], "Basic realm=\"Wharf\"");
    let host = r.server.url.trim_start_matches("http://");
    assert_eq!(
        c[1],
        format!("Bearer realm=\"http://{host}/v2/token\",service=\"{host}\"")
    );
    assert_eq!(error_code(res).await, "UNAUTHORIZED");

    let res = r.req(Method::GET, "/v2/").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = r
        .anon(Method::GET, "/v2/")
        .basic_auth("alice", Some("wrong-key"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(challenges(&res).len(), 2);
    // A wrong key is refused even where no key is needed.
    r.push_image(NAME, "1.0", 1).await;
    let res = r
        .anon(Method::GET, &format!("/v2/{NAME}/manifests/1.0"))
        .basic_auth("alice", Some("wrong-key"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn anyone_pulls_public_images_and_only_the_owner_pushes() {
    let r = Registry::start(false).await;
    let (manifest, _) = r.push_image(NAME, "1.0", 2).await;
    let res = r
        .anon(Method::GET, &format!("/v2/{NAME}/manifests/1.0"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().as_ref(), &manifest[..]);
    // What containers/image sends without credentials: empty ones.
    let res = r
        .anon(Method::GET, &format!("/v2/{NAME}/tags/list"))
        .basic_auth("", Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let res = r
        .anon(Method::POST, &format!("/v2/{NAME}/blobs/uploads/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(challenges(&res)[1].ends_with(&format!(",scope=\"repository:{NAME}:pull,push\"")));
    let res = r
        .anon(Method::DELETE, &format!("/v2/{NAME}/manifests/1.0"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let bob_key = r.server.add_user("bob").await;
    let res = r
        .anon(Method::PUT, &format!("/v2/{NAME}/manifests/2.0"))
        .basic_auth("bob", Some(&bob_key))
        .header("content-type", OCI_MANIFEST)
        .body(manifest)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(res).await, "DENIED");
}

#[tokio::test]
async fn private_registries_are_the_owners_alone() {
    let r = Registry::start(true).await;
    r.push_image(NAME, "1.0", 3).await;
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/manifests/1.0"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Anonymous: sign in first. Another user: it does not exist.
    let res = r
        .anon(Method::GET, &format!("/v2/{NAME}/manifests/1.0"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let bob_key = r.server.add_user("bob").await;
    for path in [
        format!("/v2/{NAME}/manifests/1.0"),
        format!("/v2/{NAME}/tags/list"),
    ] {
        let res = r
            .anon(Method::GET, &path)
            .basic_auth("bob", Some(&bob_key))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error_code(res).await, "NAME_UNKNOWN");
    }
    // Just like a registry that does not exist, or a repository that is not a registry.
    let (status, _) = r
        .api
        .post("/repos/alice/files", json!({"type": "generic"}))
        .await;
    assert_eq!(status, 201);
    for path in [
        "/v2/alice/nothing/app/tags/list",
        "/v2/alice/files/app/tags/list",
    ] {
        let res = r
            .anon(Method::GET, path)
            .basic_auth("bob", Some(&bob_key))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res).await, "NAME_UNKNOWN", "{path}");
    }
    // Names must be <subject>/<repo>/<image>, in lower case.
    let res = r
        .req(Method::GET, "/v2/alice/app/tags/list")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await, "NAME_INVALID");
}

#[tokio::test]
async fn bearer_tokens_stand_for_the_key_that_got_them() {
    let r = Registry::start(false).await;
    let res = r
        .req(
            Method::GET,
            "/v2/token?service=wharf&scope=repository:alice/images/app:pull,push",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(body["access_token"], token.as_str());
    assert!(body["expires_in"].as_u64().unwrap() > 0);

    let res = r
        .anon(Method::GET, "/v2/")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let config = b"{}".to_vec();
    let digest = common::oci::sha256(&config);
    let res = r
        .anon(
            Method::POST,
            &format!("/v2/{NAME}/blobs/uploads/?digest={digest}"),
        )
        .bearer_auth(&token)
        .body(config)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // An anonymous token pulls but does not push; a forged or wrong one is refused.
    let res = r.anon(Method::GET, "/v2/token").send().await.unwrap();
    let anon: Value = res.json().await.unwrap();
    let anon = anon["token"].as_str().unwrap();
    let res = r
        .anon(Method::HEAD, &format!("/v2/{NAME}/blobs/{digest}"))
        .bearer_auth(anon)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = r
        .anon(Method::POST, &format!("/v2/{NAME}/blobs/uploads/"))
        .bearer_auth(anon)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = r
        .anon(Method::GET, "/v2/")
        .bearer_auth(format!("{token}x"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = r
        .anon(Method::GET, "/v2/token")
        .basic_auth("alice", Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // The OAuth2 password grant.
    let res = r
        .anon(Method::POST, "/v2/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=password&username=alice&password={}&service=wharf",
            r.key
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert!(body["access_token"].as_str().is_some());
}

#[tokio::test]
async fn registries_answer_by_host_name_under_the_registry_domain() {
    let (_dir, dist) = common::fake_dist();
    let r = Registry::start_with(false, dist, |c| {
        c.registry_domain = Some("registry.test".into());
    })
    .await;
    let host = "alice-docker-images.registry.test";
    let config = b"{\"os\":\"linux\",\"architecture\":\"arm64\"}".to_vec();
    let digest = common::oci::sha256(&config);
    let res = r
        .req(
            Method::POST,
            &format!("/v2/ns/app/blobs/uploads/?digest={digest}"),
        )
        .header("host", host)
        .body(config.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(
        header(&res, "location"),
        format!("/v2/ns/app/blobs/{digest}")
    );
    let manifest = common::oci::image_manifest((&digest, config.len()), &[]);
    let res = r
        .req(Method::PUT, "/v2/ns/app/manifests/1.0")
        .header("host", host)
        .header("content-type", OCI_MANIFEST)
        .body(manifest.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // The same registry by path.
    let res = r
        .anon(Method::GET, "/v2/alice/images/ns/app/manifests/1.0")
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), &manifest[..]);
    let res = r
        .anon(Method::GET, "/v2/ns/app/tags/list")
        .header("host", "ALICE-docker-images.registry.test:443")
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"name": "ns/app", "tags": ["1.0"]}));
    let (_, attrs) = r
        .api
        .get("/packages/alice/images/ns:app/versions/1.0/attributes")
        .await;
    assert!(attrs.to_string().contains("linux/arm64"), "{attrs}");
    // A host under the domain that names no registry.
    let res = r
        .anon(Method::GET, "/v2/ns/app/tags/list")
        .header("host", "nobody-docker-images.registry.test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
