//! The registry's blob API over raw HTTP: monolithic, chunked and resumed uploads, mounts,
//! ranges, deletion, and bad input that must leave nothing behind.

mod common;

use common::oci::{data, error_code, header, sha256, Registry};
use reqwest::{Method, StatusCode};

const NAME: &str = "alice/images/app";

/// Content objects in the store (staged uploads and parts excluded).
fn stored_blobs(r: &Registry) -> usize {
    r.server
        .blob_files()
        .iter()
        .filter(|p| p.to_string_lossy().contains("/sha256/"))
        .count()
}

#[tokio::test]
async fn monolithic_uploads_are_verified_and_read_back_with_ranges() {
    let r = Registry::start(false).await;
    let bytes = data(1, 5000);
    let digest = r.push_blob(NAME, &bytes).await;

    let res = r
        .req(Method::HEAD, &format!("/v2/{NAME}/blobs/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-length"), "5000");
    assert_eq!(header(&res, "docker-content-digest"), digest);
    assert_eq!(
        header(&res, "docker-distribution-api-version"),
        "registry/2.0"
    );

    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/blobs/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), &bytes[..]);

    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/blobs/{digest}"))
        .header("range", "bytes=500-1499")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header(&res, "content-range"), "bytes 500-1499/5000");
    assert_eq!(res.bytes().await.unwrap().as_ref(), &bytes[500..1500]);
    for bad in ["bytes=500-0", "bytes=6000-7000"] {
        let res = r
            .req(Method::GET, &format!("/v2/{NAME}/blobs/{digest}"))
            .header("range", bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE, "{bad}");
    }

    // POST then PUT with the body.
    let other = data(2, 700);
    let res = r
        .req(Method::POST, &format!("/v2/{NAME}/blobs/uploads/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let location = header(&res, "location");
    assert!(location.starts_with(&format!("/v2/{NAME}/blobs/uploads/")));
    assert!(!header(&res, "docker-upload-uuid").is_empty());
    let res = r
        .req(
            Method::PUT,
            &format!("{location}?digest={}", sha256(&other)),
        )
        .body(other.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        header(&res, "location"),
        format!("/v2/{NAME}/blobs/{}", sha256(&other))
    );
    assert_eq!(stored_blobs(&r), 2);
}

#[tokio::test]
async fn a_wrong_or_malformed_digest_stores_nothing() {
    let r = Registry::start(false).await;
    let bytes = data(3, 1000);
    let wrong = sha256(b"something else");
    let res = r
        .req(
            Method::POST,
            &format!("/v2/{NAME}/blobs/uploads/?digest={wrong}"),
        )
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(res).await, "DIGEST_INVALID");

    // Chunked, closed with a wrong digest: the session is over and nothing is kept.
    let res = r
        .req(Method::POST, &format!("/v2/{NAME}/blobs/uploads/"))
        .send()
        .await
        .unwrap();
    let location = header(&res, "location");
    let res = r
        .req(Method::PATCH, &location)
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = r
        .req(Method::PUT, &format!("{location}?digest={wrong}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(res).await, "DIGEST_INVALID");
    let res = r.req(Method::GET, &location).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(res).await, "BLOB_UPLOAD_UNKNOWN");

    for bad in ["sha256:baddigeststring", "md5:abc", "nodigest"] {
        let res = r
            .req(
                Method::POST,
                &format!("/v2/{NAME}/blobs/uploads/?digest={bad}"),
            )
            .body(bytes.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(error_code(res).await, "DIGEST_INVALID");
        let res = r
            .req(Method::GET, &format!("/v2/{NAME}/blobs/{bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let res = r
        .req(
            Method::HEAD,
            &format!("/v2/{NAME}/blobs/{}", sha256(&bytes)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/blobs/{}", sha256(&bytes)))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await, "BLOB_UNKNOWN");
    assert!(
        r.server.blob_files().is_empty(),
        "{:?}",
        r.server.blob_files()
    );
}

#[tokio::test]
async fn chunks_go_in_order_and_a_gap_is_416() {
    let r = Registry::start(false).await;
    let bytes = data(4, 10_000);
    let res = r
        .req(Method::POST, &format!("/v2/{NAME}/blobs/uploads/"))
        .header("content-length", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(header(&res, "range"), "0-0");
    let mut location = header(&res, "location");
    for (start, end) in [(0usize, 3999usize), (4000, 6999)] {
        let res = r
            .req(Method::PATCH, &location)
            .header("content-range", format!("{start}-{end}"))
            .body(bytes[start..=end].to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        assert_eq!(header(&res, "range"), format!("0-{end}"));
        location = header(&res, "location");
    }
    // A gap: 416, with where the upload stands.
    let res = r
        .req(Method::PATCH, &location)
        .header("content-range", "8000-8999")
        .body(bytes[8000..9000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(header(&res, "range"), "0-6999");
    assert_eq!(header(&res, "location"), location);
    // So does an overlap, and a final chunk out of order.
    let res = r
        .req(
            Method::PUT,
            &format!("{location}?digest={}", sha256(&bytes)),
        )
        .header("content-range", "5000-9999")
        .body(bytes[5000..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let res = r.req(Method::GET, &location).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&res, "range"), "0-6999");
    // The rest, with the closing PUT.
    let res = r
        .req(
            Method::PUT,
            &format!("{location}?digest={}", sha256(&bytes)),
        )
        .header("content-range", "7000-9999")
        .body(bytes[7000..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    let back = r
        .req(Method::GET, &format!("/v2/{NAME}/blobs/{}", sha256(&bytes)))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(back.as_ref(), &bytes[..]);
    // Parts are gone once the upload is closed.
    assert!(!r
        .server
        .blob_files()
        .iter()
        .any(|p| p.to_string_lossy().contains("oci-uploads")));
}

#[tokio::test]
async fn an_upload_survives_a_restart_and_sha512_is_verified() {
    let r = Registry::start(false).await;
    let bytes = data(5, 6000);
    let res = r
        .req(
            Method::POST,
            &format!("/v2/{NAME}/blobs/uploads/?digest-algorithm=sha512"),
        )
        .send()
        .await
        .unwrap();
    let location = header(&res, "location");
    let res = r
        .req(Method::PATCH, &location)
        .body(bytes[..2500].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    let Registry {
        server,
        user,
        key,
        api,
        client,
    } = r;
    let server = server.restart().await;
    let r = Registry {
        api: common::Api {
            base: server.url.clone(),
            ..api
        },
        server,
        user,
        key,
        client,
    };
    let res = r.req(Method::GET, &location).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&res, "range"), "0-2499");
    let res = r
        .req(Method::PATCH, &location)
        .header("content-range", "2500-5999")
        .body(bytes[2500..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    use sha2::Digest;
    let sha512 = format!("sha512:{}", hex::encode(sha2::Sha512::digest(&bytes)));
    let res = r
        .req(Method::PUT, &format!("{location}?digest={sha512}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(header(&res, "docker-content-digest"), sha512);
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/blobs/{sha512}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().as_ref(), &bytes[..]);
}

#[tokio::test]
async fn cancelled_uploads_are_gone() {
    let r = Registry::start(false).await;
    let res = r
        .req(Method::POST, &format!("/v2/{NAME}/blobs/uploads/"))
        .send()
        .await
        .unwrap();
    let location = header(&res, "location");
    r.req(Method::PATCH, &location)
        .body(data(6, 100))
        .send()
        .await
        .unwrap();
    let res = r.req(Method::DELETE, &location).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = r
        .req(Method::PATCH, &location)
        .body(data(6, 100))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(res).await, "BLOB_UPLOAD_UNKNOWN");
    assert!(r.server.blob_files().is_empty());
}

#[tokio::test]
async fn blobs_mount_across_repositories_the_caller_may_read() {
    let r = Registry::start(false).await;
    let (status, _) = r
        .api
        .post(
            "/repos/alice/other",
            serde_json::json!({"type": "docker", "private": true}),
        )
        .await;
    assert_eq!(status, 201);
    let bytes = data(7, 2000);
    let digest = r.push_blob("alice/other/base", &bytes).await;

    // Not in `images` yet.
    let res = r
        .req(Method::HEAD, &format!("/v2/{NAME}/blobs/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = r
        .req(
            Method::POST,
            &format!("/v2/{NAME}/blobs/uploads/?mount={digest}&from=alice/other/base"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        header(&res, "location"),
        format!("/v2/{NAME}/blobs/{digest}")
    );
    assert_eq!(header(&res, "docker-content-digest"), digest);
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/blobs/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), &bytes[..]);
    // Stored once.
    assert_eq!(
        r.server
            .blob_files()
            .iter()
            .filter(|p| p.to_string_lossy().contains("/sha256/"))
            .count(),
        1
    );

    // Bob may not mount from alice's private repository: he gets an upload instead.
    let bob_key = r.server.add_user("bob").await;
    let bob = common::Api::user(&r.server, "bob", &bob_key);
    bob.post("/repos/bob/mine", serde_json::json!({"type": "docker"}))
        .await;
    let res = r
        .anon(
            Method::POST,
            &format!("/v2/bob/mine/app/blobs/uploads/?mount={digest}&from=alice/other/base"),
        )
        .basic_auth("bob", Some(&bob_key))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert!(header(&res, "location").starts_with("/v2/bob/mine/app/blobs/uploads/"));
    // Without `from`, any registry he may read will do: alice's public one has it.
    let res = r
        .anon(
            Method::POST,
            &format!("/v2/bob/mine/app/blobs/uploads/?mount={digest}"),
        )
        .basic_auth("bob", Some(&bob_key))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let missing = sha256(b"never pushed");
    let res = r
        .req(
            Method::POST,
            &format!("/v2/{NAME}/blobs/uploads/?mount={missing}&from=alice/other/base"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn deleted_blobs_are_unknown() {
    let r = Registry::start(false).await;
    let digest = r.push_blob(NAME, &data(8, 100)).await;
    // Blobs belong to an image: another image of the registry has to mount them.
    let other = "alice/images/other";
    let res = r
        .req(Method::HEAD, &format!("/v2/{other}/blobs/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = r
        .req(
            Method::POST,
            &format!("/v2/{other}/blobs/uploads/?mount={digest}&from={NAME}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = r
        .req(Method::DELETE, &format!("/v2/{NAME}/blobs/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = r
        .req(Method::GET, &format!("/v2/{NAME}/blobs/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = r
        .req(Method::DELETE, &format!("/v2/{NAME}/blobs/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await, "BLOB_UNKNOWN");
    // Still in the other image.
    let res = r
        .req(Method::GET, &format!("/v2/{other}/blobs/{digest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), &data(8, 100)[..]);
}

#[tokio::test]
async fn blobs_over_the_upload_limit_are_refused() {
    let (_dir, dist) = common::fake_dist();
    let r = Registry::start_with(false, dist, |c| c.max_upload_bytes = 1000).await;
    let bytes = data(9, 1500);
    let res = r
        .req(
            Method::POST,
            &format!("/v2/{NAME}/blobs/uploads/?digest={}", sha256(&bytes)),
        )
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let res = r
        .req(Method::POST, &format!("/v2/{NAME}/blobs/uploads/"))
        .send()
        .await
        .unwrap();
    let location = header(&res, "location");
    let res = r
        .req(Method::PATCH, &location)
        .body(bytes[..800].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = r
        .req(Method::PATCH, &location)
        .body(bytes[800..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
