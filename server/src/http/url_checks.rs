//! What every REST API request's URL must be before a handler sees it: at most
//! [`MAX_URL_BYTES`] long, every `%` followed by two hex digits, valid UTF-8 once
//! percent-decoded, and free of control characters (`%00`, `%0A`, `%7F`, …). No name,
//! version, file path or switch Bintray knows can break these rules, so a URL that does is
//! refused as a whole with a `{"message"}` 400 (414 when too long), the same for every
//! resource, rather than being decoded leniently into something the client did not mean.

use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error::ApiError;

/// The longest path and query accepted, in bytes. The longest legitimate URL (an upload
/// with the longest names, a 1,024-character file path and its matrix parameters) is
/// under 2 KiB.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// Middleware: refuses a malformed URL before the handler runs.
pub async fn well_formed_url(request: Request, next: Next) -> Response {
    match check(request.uri()) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

fn check(uri: &Uri) -> Result<(), ApiError> {
    let length = uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    if length > MAX_URL_BYTES {
        return Err(ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!("The URL is longer than {MAX_URL_BYTES} bytes"),
        ));
    }
    check_part("path", uri.path())?;
    if let Some(query) = uri.query() {
        check_part("query string", query)?;
    }
    Ok(())
}

/// One part of the URL: its percent-encoding, UTF-8 and characters.
fn check_part(what: &str, raw: &str) -> Result<(), ApiError> {
    let decoded = percent_decode_strict(raw.as_bytes()).ok_or_else(|| {
        ApiError::bad_request(format!(
            "The {what} has an invalid percent-encoding ('%' must be followed by two hex \
             digits)"
        ))
    })?;
    let text = String::from_utf8(decoded).map_err(|_| {
        ApiError::bad_request(format!(
            "The {what} is not valid UTF-8 once percent-decoded"
        ))
    })?;
    if text.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "The {what} must not contain control characters"
        )));
    }
    Ok(())
}

/// `%XX` decoded; `None` when a `%` is not followed by two hex digits.
fn percent_decode_strict(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = tail.get(..2)?;
            // Two hex digits exactly (`from_str_radix` alone would take "+1").
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            rest = &tail[2..];
        } else {
            out.push(b);
            rest = tail;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{check, percent_decode_strict, MAX_URL_BYTES};

    fn status(uri: &str) -> u16 {
        match check(&uri.parse().unwrap()) {
            Ok(()) => 200,
            Err(e) => e.status().as_u16(),
        }
    }

    #[test]
    fn strict_decoding_refuses_stray_percent_signs() {
        assert_eq!(percent_decode_strict(b"a%20b").unwrap(), b"a b");
        assert_eq!(percent_decode_strict(b"%c3%A9").unwrap(), "é".as_bytes());
        for bad in ["%", "%z", "%zz", "a%2", "%+1", "100%.txt"] {
            assert_eq!(percent_decode_strict(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn urls_are_checked_part_by_part() {
        assert_eq!(status("/repos/alice/generic?name=a%20b&x=%C3%A9"), 200);
        assert_eq!(status("/content/a/r/p/1.0/f.txt;bt_package=p"), 200);
        for bad in [
            "/repos/alice/%zz",
            "/repos/alice/%c3%28",
            "/repos/alice/%ff",
            "/repos/alice/a%00b",
            "/repos/alice/a%0Ab",
            "/repos/alice/%7F",
            "/search/repos?name=%zz",
            "/search/repos?name=%c3%28",
            "/search/repos?name=%00",
        ] {
            assert_eq!(status(bad), 400, "{bad}");
        }
        let long = format!("/repos/alice/{}", "a".repeat(MAX_URL_BYTES));
        assert_eq!(status(&long), 414);
    }
}
