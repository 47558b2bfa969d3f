//! Outages of the database and the store, made real: a forwarder in front of the suite's
//! PostgreSQL or S3 store stops answering, and Wharf must say so (503, `/healthz`)
//! in seconds, not answer 404 or hold the client for minutes (issue 12). The database
//! outage needs PostgreSQL and the store outage S3; on SQLite and disk they do nothing.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::outage::{Forwarder, Mode};
use common::*;
use reqwest::StatusCode;
use server::infra::config::{BlobStoreUrl, DatabaseUrl};

/// A client that gives up after a minute: a request still unanswered then counts as hung.
fn patient_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn socket_of(url: &str) -> SocketAddr {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host_port = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host_port = host_port.split('/').next().unwrap();
    host_port.parse().unwrap()
}

/// alice's public file `tool.bin` in `generic`, through the REST API.
/// Larger than the blobs kept in memory, so every download of it asks the store.
const FILE_BYTES: usize = server::infra::blob_cache::BlobCache::LARGEST as usize + 1000;

async fn a_public_file(server: &TestServer) -> String {
    let key = server.add_user("alice").await;
    let api = Api::user(server, "alice", &key);
    let (code, body) = api
        .post(
            "/repos/alice/generic",
            serde_json::json!({"type": "generic"}),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    let (code, body) = api
        .post(
            "/packages/alice/generic",
            serde_json::json!({"name": "tool"}),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    let res = api
        .request(
            reqwest::Method::PUT,
            "/content/alice/generic/tool/1.0/tool.bin?publish=1",
        )
        .body(vec![7u8; FILE_BYTES])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    server.url("/dl/alice/generic/tool.bin")
}

async fn health(client: &reqwest::Client, server: &TestServer) -> (StatusCode, String) {
    let res = client.get(server.url("/healthz")).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_database_answers_503_not_404() {
    let Some(postgres) = Backends::postgres() else {
        eprintln!("runs on PostgreSQL only (the suite is on SQLite)");
        return;
    };
    let real = socket_of(&postgres);
    let f = Forwarder::start(real).await;
    let (_keep, dist) = fake_dist();
    let server = TestServer::start_with(&dist, |c| {
        let Some(DatabaseUrl::Postgres(url)) = &c.database else {
            unreachable!("the suite is on PostgreSQL")
        };
        let through = url.replacen(&real.to_string(), &f.addr.to_string(), 1);
        c.database = Some(DatabaseUrl::Postgres(through));
    })
    .await;
    let forwarder = f;
    let dl = a_public_file(&server).await;
    let client = patient_client();
    assert_eq!(client.get(&dl).send().await.unwrap().status(), 200);

    for mode in [Mode::Refuse, Mode::Hang] {
        forwarder.set(mode);
        let res = client.get(&dl).send().await.expect("answered, not hung");
        assert_eq!(res.status(), 503, "{mode:?}: {}", res.text().await.unwrap());
        assert!(res.headers().contains_key("retry-after"));
        let body: serde_json::Value = res.json().await.unwrap();
        let message = body["message"].as_str().unwrap();
        assert!(message.contains("try again"), "{message}");
        assert!(
            !message.contains("127.0.0.1"),
            "no detail for the client: {message}"
        );
        let (status, text) = health(&client, &server).await;
        assert_eq!(status, 503, "{mode:?}: {text}");
        // And back.
        forwarder.set(Mode::Open);
        let mut back = false;
        for _ in 0..100 {
            if client.get(&dl).send().await.unwrap().status() == 200 {
                back = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(back, "downloads work again once the database answers");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paused_or_stopped_store_fails_downloads_and_health_in_seconds() {
    let (Some(_), Ok(endpoint)) = (Backends::s3_bucket(), std::env::var("WHARF_S3_ENDPOINT"))
    else {
        eprintln!("runs on S3 only (the suite is on local disk)");
        return;
    };
    let forwarder = Forwarder::start(socket_of(&endpoint)).await;
    let (_keep, dist) = fake_dist();
    let server = TestServer::start_with(&dist, |c| {
        assert!(matches!(c.blob_store, Some(BlobStoreUrl::S3 { .. })));
        c.s3_endpoint = Some(format!("http://{}", forwarder.addr));
    })
    .await;
    let dl = a_public_file(&server).await;
    let client = patient_client();
    assert_eq!(client.get(&dl).send().await.unwrap().status(), 200);

    for mode in [Mode::Hang, Mode::Refuse] {
        forwarder.set(mode);
        let res = client.get(&dl).send().await.expect("answered, not hung");
        assert_eq!(res.status(), 503, "{mode:?}: {}", res.text().await.unwrap());
        assert!(res.headers().contains_key("retry-after"));
        let (status, text) = health(&client, &server).await;
        assert_eq!(status, 503, "{mode:?}: {text}");
        forwarder.set(Mode::Open);
        let res = client.get(&dl).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.bytes().await.unwrap().len(), FILE_BYTES);
    }
    server.stop().await;
}
