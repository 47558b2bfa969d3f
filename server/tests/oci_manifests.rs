//! Manifests, tags and referrers over raw HTTP, and what a push makes visible through the
//! REST API (package, version, attributes).

mod common;

use common::oci::{
    data, error_code, header, image_manifest, sha256, Registry, DOCKER_MANIFEST, OCI_INDEX,
    OCI_MANIFEST,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const NAME: &str = "alice/images/ns/app";

#[tokio::test]
async fn a_pushed_manifest_is_pulled_by_tag_and_digest() {
    let r = Registry::start(false).await;
    let (manifest, digest) = r.push_image(NAME, "1.0", 1).await;
    for reference in ["1.0", digest.as_str()] {
        let res = r
            .req(Method::GET, &format!("/v2/{NAME}/manifests/{reference}"))
            .header("accept", OCI_MANIFEST)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header(&res, "content-type"), OCI_MANIFEST);
        assert_eq!(header(&res, "docker-content-digest"), digest);
        assert_eq!(res.bytes().await.unwrap().as_ref(), &manifest[..]);
        let res = r
            .req(Method::HEAD, &format!("/v2/{NAME}/manifests/{reference}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header(&res, "content-length"), manifest.len().to_string());
    }
    // A manifest is a blob too.
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/blobs/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), &manifest[..]);
    // A client that does not take OCI manifests is told it is unknown in its types.
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/manifests/1.0"))
        .header("accept", DOCKER_MANIFEST)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(res).await, "MANIFEST_UNKNOWN");
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/manifests/2.0"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await, "MANIFEST_UNKNOWN");
    let res = r
        .req(
            Method::GET,
            &format!("/v2/{NAME}/manifests/sha256:baddigeststring"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_manifests_are_refused_and_store_nothing() {
    let r = Registry::start(false).await;
    let config = br#"{"os":"linux","architecture":"amd64"}"#.to_vec();
    let config_digest = r.push_blob(NAME, &config).await;
    let files_before = r.server.blob_files();

    let missing = sha256(b"not pushed");
    let manifest = image_manifest((&config_digest, config.len()), &[(&missing, 10)]);
    let put = |reference: String, body: Vec<u8>, content_type: &'static str| {
        r.req(Method::PUT, &format!("/v2/{NAME}/manifests/{reference}"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let res = put("1.0".into(), manifest.clone(), OCI_MANIFEST)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "MANIFEST_BLOB_UNKNOWN");
    assert_eq!(body["errors"][0]["detail"]["digest"], missing.as_str());

    // The wrong digest in the URL.
    let good = image_manifest((&config_digest, config.len()), &[]);
    let res = put(sha256(b"other"), good.clone(), OCI_MANIFEST)
        .await
        .unwrap();
    assert_eq!(error_code(res).await, "DIGEST_INVALID");
    let res = put("sha256:baddigeststring".into(), good.clone(), OCI_MANIFEST)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // A size that does not match the blob, a Content-Type that does not match the body,
    // schema 1, and JSON that is not a manifest.
    let wrong_size = image_manifest((&config_digest, config.len() + 1), &[]);
    for (body, ct) in [
        (wrong_size, OCI_MANIFEST),
        (good.clone(), DOCKER_MANIFEST),
        (br#"{"schemaVersion":1,"name":"x"}"#.to_vec(), OCI_MANIFEST),
        (b"not json".to_vec(), OCI_MANIFEST),
    ] {
        let res = put("1.0".into(), body, ct).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error_code(res).await, "MANIFEST_INVALID");
    }
    // Over 4 MiB.
    let mut huge = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "x", "digest": config_digest, "size": config.len()},
        "layers": [], "annotations": {"big": "A".repeat(4 * 1024 * 1024)}});
    huge["x"] = json!(1);
    let res = put("1.0".into(), huge.to_string().into_bytes(), OCI_MANIFEST)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(res).await, "MANIFEST_INVALID");
    // A bad tag.
    let res = put("-bad".into(), good, OCI_MANIFEST).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    assert_eq!(r.server.blob_files(), files_before);
    let (status, _) = r.api.get("/packages/alice/images/ns:app").await;
    assert_eq!(status, 404, "no package for a failed push");
}

#[tokio::test]
async fn a_push_makes_a_package_version_and_attributes_that_ci_can_extend() {
    let r = Registry::start(false).await;
    let (_, digest) = r.push_image(NAME, "1.0", 2).await;
    r.push_image("alice/images/tool", "latest", 3).await;

    let (status, pkg) = r.api.get("/packages/alice/images/ns:app").await;
    assert_eq!(status, 200, "{pkg}");
    assert_eq!(pkg["versions"], json!(["1.0"]));
    assert_eq!(pkg["latest_version"], "1.0");
    let (status, _) = r.api.get("/packages/alice/images/tool").await;
    assert_eq!(status, 200);
    let (status, version) = r
        .api
        .get("/packages/alice/images/ns:app/versions/1.0")
        .await;
    assert_eq!(status, 200, "{version}");
    let (_, attrs) = r
        .api
        .get("/packages/alice/images/ns:app/versions/1.0/attributes")
        .await;
    let attr = |attrs: &Value, name: &str| {
        attrs
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .map(|a| a["values"].clone())
    };
    assert_eq!(attr(&attrs, "docker.digest"), Some(json!([digest])));
    assert_eq!(
        attr(&attrs, "docker.media_type"),
        Some(json!([OCI_MANIFEST]))
    );
    assert_eq!(
        attr(&attrs, "docker.platforms"),
        Some(json!(["linux/amd64"]))
    );
    assert_eq!(
        attr(&attrs, "docker.created"),
        // Dates are answered in the one canonical form.
        Some(json!(["2024-05-01T10:00:00.000Z"]))
    );
    let size = attr(&attrs, "docker.size").unwrap()[0].as_i64().unwrap();
    assert!(size > 3000, "{size}");

    // A CI adds its metadata; a re-push of the tag keeps it and refreshes Docker's.
    let (status, _) = r
        .api
        .patch(
            "/packages/alice/images/ns:app/versions/1.0/attributes",
            json!([{"name": "CF_BUILD_ID", "values": ["5f1a"]}, {"name": "branch", "values": ["main"]}]),
        )
        .await;
    assert_eq!(status, 200);
    let (_, new_digest) = r.push_image(NAME, "1.0", 4).await;
    let (_, attrs) = r
        .api
        .get("/packages/alice/images/ns:app/versions/1.0/attributes")
        .await;
    assert_eq!(attr(&attrs, "CF_BUILD_ID"), Some(json!(["5f1a"])));
    assert_eq!(attr(&attrs, "docker.digest"), Some(json!([new_digest])));
    // The tag's manifest is the version's file.
    let (_, files) = r
        .api
        .get("/packages/alice/images/ns:app/versions/1.0/files")
        .await;
    assert_eq!(files[0]["path"], "ns/app/1.0/manifest.json");
    assert_eq!(files[0]["sha256"], new_digest.trim_start_matches("sha256:"));

    // Deleting the version removes the tag.
    let (status, _) = r
        .api
        .delete("/packages/alice/images/ns:app/versions/1.0")
        .await;
    assert_eq!(status, 200);
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/manifests/1.0"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/tags/list"))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["tags"], json!([]));
}

#[tokio::test]
async fn tags_are_listed_in_order_and_in_pages() {
    let r = Registry::start(false).await;
    let (manifest, _) = r.push_image(NAME, "b", 5).await;
    for tag in ["a", "C", "c", "1.0", "latest"] {
        r.put_manifest(NAME, tag, OCI_MANIFEST, &manifest).await;
    }
    let list = |query: &'static str| {
        r.req(Method::GET, &format!("/v2/{NAME}/tags/list{query}"))
            .send()
    };
    let res = list("").await.unwrap();
    assert_eq!(header(&res, "link"), "");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["name"], NAME);
    assert_eq!(body["tags"], json!(["1.0", "C", "a", "b", "c", "latest"]));

    let res = list("?n=2").await.unwrap();
    assert_eq!(
        header(&res, "link"),
        format!("</v2/{NAME}/tags/list?n=2&last=C>; rel=\"next\"")
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["tags"], json!(["1.0", "C"]));
    let res = list("?n=2&last=C").await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["tags"], json!(["a", "b"]));
    let res = list("?n=2&last=b").await.unwrap();
    assert_eq!(header(&res, "link"), "");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["tags"], json!(["c", "latest"]));
    let res = list("?last=b").await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["tags"], json!(["c", "latest"]));
    let res = list("?n=x").await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(res).await, "PAGINATION_NUMBER_INVALID");
    let res = list("?n=0").await.unwrap();
    assert_eq!(header(&res, "link"), "");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["tags"], json!([]));

    let res = r
        .req(Method::GET, "/v2/alice/images/never/tags/list")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(res).await, "NAME_UNKNOWN");
}

#[tokio::test]
async fn indexes_reference_manifests_and_fall_back_to_linux_amd64() {
    let r = Registry::start(false).await;
    let (amd, amd_digest) = r.push_image(NAME, "amd", 6).await;
    let (arm, arm_digest) = r.push_image(NAME, "arm", 7).await;
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": arm_digest, "size": arm.len(),
         "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
        {"mediaType": OCI_MANIFEST, "digest": amd_digest, "size": amd.len(),
         "platform": {"os": "linux", "architecture": "amd64"}},
    ]})
    .to_string()
    .into_bytes();
    let index_digest = r.put_manifest(NAME, "multi", OCI_INDEX, &index).await;
    let (_, attrs) = r
        .api
        .get("/packages/alice/images/ns:app/versions/multi/attributes")
        .await;
    let platforms = attrs
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "docker.platforms")
        .unwrap()["values"]
        .clone();
    assert_eq!(platforms, json!(["linux/arm64/v8", "linux/amd64"]));

    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/manifests/multi"))
        .header("accept", format!("{OCI_INDEX}, {OCI_MANIFEST}"))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "docker-content-digest"), index_digest);
    // A client that takes images but not indexes gets the linux/amd64 image.
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/manifests/multi"))
        .header("accept", OCI_MANIFEST)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "docker-content-digest"), amd_digest);
    assert_eq!(res.bytes().await.unwrap().as_ref(), &amd[..]);

    // An index naming a manifest the image does not have.
    let missing = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": sha256(b"nope"), "size": 4}]})
    .to_string();
    let res = r
        .req(Method::PUT, &format!("/v2/{NAME}/manifests/broken"))
        .header("content-type", OCI_INDEX)
        .body(missing)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await, "MANIFEST_BLOB_UNKNOWN");
}

#[tokio::test]
async fn referrers_list_manifests_with_a_subject() {
    let r = Registry::start(false).await;
    let (subject, subject_digest) = r.push_image(NAME, "1.0", 8).await;
    let empty = r.push_blob(NAME, b"{}").await;
    let sbom_layer = r.push_blob(NAME, &data(9, 50)).await;
    let referrer = |artifact_type: &str, note: &str| {
        json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": artifact_type,
            "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": empty, "size": 2},
            "layers": [{"mediaType": artifact_type, "digest": sbom_layer, "size": 50}],
            "subject": {"mediaType": OCI_MANIFEST, "digest": subject_digest, "size": subject.len()},
            "annotations": {"note": note}})
        .to_string()
        .into_bytes()
    };
    let sbom = referrer("application/vnd.example.sbom", "sbom");
    let sig = referrer("application/vnd.example.sig", "sig");
    for body in [&sbom, &sig] {
        let res = r
            .req(
                Method::PUT,
                &format!("/v2/{NAME}/manifests/{}", sha256(body)),
            )
            .header("content-type", OCI_MANIFEST)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(header(&res, "oci-subject"), subject_digest);
    }
    let res = r
        .req(
            Method::GET,
            &format!("/v2/{NAME}/referrers/{subject_digest}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-type"), OCI_INDEX);
    assert_eq!(header(&res, "oci-filters-applied"), "");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["mediaType"], OCI_INDEX);
    let manifests = body["manifests"].as_array().unwrap();
    assert_eq!(manifests.len(), 2);
    assert_eq!(manifests[0]["digest"], sha256(&sbom));
    assert_eq!(manifests[0]["size"], sbom.len());
    assert_eq!(manifests[0]["artifactType"], "application/vnd.example.sbom");
    assert_eq!(manifests[0]["annotations"]["note"], "sbom");

    let res = r
        .req(
            Method::GET,
            &format!(
                "/v2/{NAME}/referrers/{subject_digest}?artifactType=application/vnd.example.sig"
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "oci-filters-applied"), "artifactType");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["manifests"].as_array().unwrap().len(), 1);
    assert_eq!(body["manifests"][0]["digest"], sha256(&sig));

    // Nothing refers to it, or the image is empty: an empty list, never 404.
    for path in [
        format!("/v2/{NAME}/referrers/{}", sha256(b"x")),
        format!("/v2/alice/images/empty/referrers/{}", sha256(b"x")),
    ] {
        let res = r.req(Method::GET, &path).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["manifests"], json!([]));
    }
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/referrers/sha256:nothex"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn manifests_and_tags_are_deleted() {
    let r = Registry::start(false).await;
    let (manifest, digest) = r.push_image(NAME, "1.0", 10).await;
    r.put_manifest(NAME, "latest", OCI_MANIFEST, &manifest)
        .await;
    // Several tags at once, by digest.
    let res = r
        .req(
            Method::PUT,
            &format!("/v2/{NAME}/manifests/{digest}?tag=x&tag=y"),
        )
        .header("content-type", OCI_MANIFEST)
        .body(manifest.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let tags: Vec<_> = res
        .headers()
        .get_all("oci-tag")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(tags, ["x", "y"]);

    let res = r
        .req(Method::DELETE, &format!("/v2/{NAME}/manifests/latest"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/manifests/latest"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/manifests/1.0"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let res = r
        .req(Method::DELETE, &format!("/v2/{NAME}/manifests/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    for reference in ["1.0", "x", digest.as_str()] {
        let res = r
            .req(Method::GET, &format!("/v2/{NAME}/manifests/{reference}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{reference}");
    }
    let (_, pkg) = r.api.get("/packages/alice/images/ns:app").await;
    assert_eq!(pkg["versions"], json!([]));
    let res = r
        .req(Method::DELETE, &format!("/v2/{NAME}/manifests/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await, "MANIFEST_UNKNOWN");
}

#[tokio::test]
async fn the_ui_lists_images_tags_and_the_registry_address() {
    let (_dir, dist) = common::fake_dist();
    let r = Registry::start_with(false, dist, |c| {
        c.public_url = Some("https://wharf.example.org".into());
    })
    .await;
    r.push_image(NAME, "1.0", 11).await;
    r.push_image(NAME, "2.0", 12).await;
    r.push_image("alice/images/base", "latest", 13).await;
    let (status, body) = r.api.get("/api/ui/docker/alice/images").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["login_host"], "wharf.example.org");
    assert_eq!(body["image_prefix"], "wharf.example.org/alice/images");
    let images = body["images"].as_array().unwrap();
    assert_eq!(images[0]["image"], "base");
    assert_eq!(images[1]["package"], "ns:app");
    assert_eq!(images[1]["image"], "ns/app");
    let tags: Vec<&str> = images[1]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["2.0", "1.0"]);
    let tag = &images[1]["tags"][0];
    assert_eq!(tag["media_type"], OCI_MANIFEST);
    assert_eq!(tag["platforms"], json!(["linux/amd64"]));
    assert!(tag["digest"].as_str().unwrap().starts_with("sha256:"));
    assert!(tag["size"].as_i64().unwrap() > 3000);

    let (_dir, dist) = common::fake_dist();
    let r = Registry::start_with(true, dist, |c| {
        c.registry_domain = Some("docker.example.org".into());
    })
    .await;
    let (_, body) = r.api.get("/api/ui/docker/alice/images").await;
    assert_eq!(body["login_host"], "alice-docker-images.docker.example.org");
    assert_eq!(
        body["image_prefix"],
        "alice-docker-images.docker.example.org"
    );
    assert_eq!(body["images"], json!([]));
    // Private: nobody else sees it; and only docker repositories are registries.
    let (status, _) = common::Api::anonymous(&r.server)
        .get("/api/ui/docker/alice/images")
        .await;
    assert_eq!(status, 404);
    r.api
        .post("/repos/alice/files", json!({"type": "generic"}))
        .await;
    let (status, _) = r.api.get("/api/ui/docker/alice/files").await;
    assert_eq!(status, 400);
}
