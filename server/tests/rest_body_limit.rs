//! A 100 MB JSON body, announced or not, on the calls that read JSON: refused with
//! Bintray's `{"message"}` 413 once it passes the 1 MiB limit (before a byte is read when
//! `Content-Length` says so), the rest never read, memory flat, nothing written. Alone in
//! its file so that this process's memory is the server's and this test's only.

mod common;

use std::time::Duration;

use common::raw::{parse_answer, read_answer, RawClient};
use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct World {
    raw: RawClient,
}

/// The resident memory of this process (the server runs in it), in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb * 1024
}

#[tokio::test]
async fn a_100_mb_json_body_is_refused_early() {
    const HUNDRED_MB: usize = 100 * 1024 * 1024;
    let (_dist_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let key = server.add_user("alice").await;
    let alice = Api::user(&server, "alice", &key);
    let (status, _) = alice.post("/repos/alice/generic", json!({})).await;
    assert_eq!(status, 201);
    let (status, _) = alice
        .post("/packages/alice/generic", json!({"name": "mypkg"}))
        .await;
    assert_eq!(status, 201);
    let (status, _) = alice
        .post(
            "/packages/alice/generic/mypkg/versions",
            json!({"name": "1.0"}),
        )
        .await;
    assert_eq!(status, 201);
    let w = World {
        raw: RawClient::new(&server.url, "alice", &key),
    };
    let listings = || async {
        let mut out = Vec::new();
        for path in [
            "/repos/alice",
            "/repos/alice/generic/packages",
            "/packages/alice/generic/mypkg",
            "/packages/alice/generic/mypkg/versions/1.0/attributes",
        ] {
            out.push(alice.get(path).await);
        }
        out
    };
    let before = listings().await;
    for target in [
        "/repos/alice/big",
        "/packages/alice/generic",
        "/packages/alice/generic/mypkg/versions/1.0/attributes",
        "/search/attributes/alice/generic",
        "/api/ui/signup",
    ] {
        // Announced: refused on the headers, before a byte of the body is sent.
        let head = w.raw.head(
            "POST",
            target,
            &format!("Content-Type: application/json\r\nContent-Length: {HUNDRED_MB}\r\n"),
        );
        let mut stream = TcpStream::connect(w.raw.addr.clone()).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        let answer = read_answer(&mut stream).await;
        assert_eq!(answer.status, 413, "{target}: {answer:?}");
        answer.assert_json_4xx(target);

        // Unannounced (chunked): refused once the limit is passed, the rest never read.
        let rss_before = resident_bytes();
        let head = w.raw.head(
            "POST",
            target,
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
        );
        let stream = TcpStream::connect(w.raw.addr.clone()).await.unwrap();
        let (mut reader, mut writer) = stream.into_split();
        let sender = tokio::spawn(async move {
            writer.write_all(head.as_bytes()).await?;
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
            let mut sent = 0usize;
            while sent < HUNDRED_MB {
                writer.write_all(chunk.as_bytes()).await?;
                sent += 64 * 1024;
            }
            writer.write_all(b"0\r\n\r\n").await?;
            Ok::<usize, std::io::Error>(sent)
        });
        let mut raw = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), reader.read_to_end(&mut raw)).await;
        let sent = sender.await.unwrap();
        let answer = parse_answer(&raw).unwrap_or_else(|| panic!("{target}: no answer"));
        assert_eq!(answer.status, 413, "{target}: {answer:?}");
        answer.assert_json_4xx(target);
        assert!(
            sent.is_err(),
            "{target}: the server read all 100 MB instead of stopping at the limit"
        );
        let grown = resident_bytes().saturating_sub(rss_before);
        assert!(
            grown < 48 * 1024 * 1024,
            "{target}: memory grew by {grown} bytes for a refused body"
        );
    }
    assert_eq!(listings().await, before, "something was written");
    assert_eq!(Api::anonymous(&server).get("/users/a").await.0, 404);
}
