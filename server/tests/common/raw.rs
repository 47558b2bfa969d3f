//! HTTP/1.1 by hand on a TCP socket, for requests a client library would not send as
//! they are: `..` segments, broken percent-encodings, truncated or oversized bodies.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An answer read off the wire.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts a 4xx with `{"message": "..."}` as JSON; returns the message.
    pub fn assert_json_4xx(&self, what: &str) -> String {
        assert!(
            (400..500).contains(&self.status),
            "{what}: status {} {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{what}: {self:?}"
        );
        let body: Value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("{what}: not JSON: {self:?}"));
        let message = body["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no message: {body}"));
        assert!(!message.is_empty(), "{what}");
        assert_eq!(body.as_object().unwrap().len(), 1, "{what}: {body}");
        message.to_owned()
    }
}

/// Parses one HTTP/1.1 answer (Content-Length or chunked body).
pub fn parse_answer(raw: &[u8]) -> Option<Answer> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let find = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    let body = if let Some(len) = find("content-length") {
        let len: usize = len.parse().ok()?;
        rest.get(..len)?.to_vec()
    } else if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        let mut body = Vec::new();
        let mut rest = rest;
        loop {
            let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
            let size =
                usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).ok()?, 16).ok()?;
            rest = &rest[line_end + 2..];
            if size == 0 {
                break;
            }
            body.extend_from_slice(rest.get(..size)?);
            rest = rest.get(size + 2..)?;
        }
        body
    } else {
        rest.to_vec()
    };
    Some(Answer {
        status,
        headers,
        body,
    })
}

/// Reads until a whole answer has arrived (or the server closes), within 10 s.
pub async fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let read = async {
        loop {
            if let Some(answer) = parse_answer(&raw) {
                return answer;
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => {
                    return parse_answer(&raw).unwrap_or_else(|| {
                        panic!("no answer: {:?}", String::from_utf8_lossy(&raw))
                    })
                }
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("an answer within 10 s (no hang)")
}

/// Requests to one server as one user (`Authorization` as given), each on its own
/// connection with `Connection: close`.
pub struct RawClient {
    /// `host:port`.
    pub addr: String,
    /// The whole `Authorization` header value.
    pub auth: String,
}

impl RawClient {
    pub fn new(base_url: &str, user: &str, key: &str) -> RawClient {
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{key}"));
        RawClient {
            addr: base_url.strip_prefix("http://").unwrap().to_owned(),
            auth: format!("Basic {basic}"),
        }
    }

    /// The request line and headers, with `extra` header lines (each ending in CRLF).
    pub fn head(&self, method: &str, target: &str, extra: &str) -> String {
        format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nAuthorization: {}\r\n\
             Connection: close\r\n{extra}\r\n",
            self.addr, self.auth
        )
    }

    /// Sends `head` and `body` exactly as given and reads the answer. With `cut`, the
    /// sending side is closed after the body, so a body shorter than announced ends there.
    pub async fn raw(&self, head: String, body: &[u8], cut: bool) -> Answer {
        let mut stream = TcpStream::connect(&self.addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        // The server may answer (and close) before reading a body it refuses.
        let _ = stream.write_all(body).await;
        if cut {
            let _ = stream.shutdown().await;
        }
        read_answer(&mut stream).await
    }

    /// A request whose body has its own length.
    pub async fn send(&self, method: &str, target: &str, body: &[u8]) -> Answer {
        let head = self.head(
            method,
            target,
            &format!("Content-Length: {}\r\n", body.len()),
        );
        self.raw(head, body, false).await
    }
}
