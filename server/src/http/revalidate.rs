//! Conditional GETs (RFC 9110 §8.8.3, §13.1.2): answers carry an entity tag, and a client
//! or proxy that sends it back in `If-None-Match` gets `304 Not Modified` with no body.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use headers::HeaderMapExt;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::http::error::ApiError;

/// True when `request`'s `If-None-Match` is `*` or names `etag` (a quoted entity tag),
/// compared weakly as §13.1.2 says (`W/"x"` matches `"x"`). A malformed header is no
/// condition.
pub fn not_modified(request: &HeaderMap, etag: &str) -> bool {
    let Ok(tag) = etag.parse::<headers::ETag>() else {
        return false;
    };
    request
        .typed_get::<headers::IfNoneMatch>()
        .is_some_and(|condition| !condition.precondition_passes(&tag))
}

/// `body` as JSON that clients and proxies can revalidate: its strong ETag is the first
/// 128 bits of the SHA-256 of its bytes, so it changes exactly when the answer does,
/// whichever replica computed it. `Cache-Control: no-cache` lets a cache keep it but
/// ask each time (any write may change it); `private` when the request carried
/// credentials (the answer may hold what only that caller sees), and `Vary` on them
/// either way, so no shared cache hands one caller's answer to another.
pub fn json<T: Serialize>(request: &HeaderMap, body: &T) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&bytes)[..16]));
    let credentials =
        request.contains_key(header::AUTHORIZATION) || request.contains_key(header::COOKIE);
    let cache_control = if credentials {
        "private, no-cache"
    } else {
        "public, no-cache"
    };
    let builder = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::CACHE_CONTROL, cache_control)
        .header(
            header::VARY,
            HeaderValue::from_static("authorization, cookie"),
        );
    let response = if not_modified(request, &etag) {
        builder.status(StatusCode::NOT_MODIFIED).body(Body::empty())
    } else {
        builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(bytes))
    };
    response.map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_any() {
        let tag = "\"abc\"";
        for matching in ["\"abc\"", "W/\"abc\"", "\"x\", \"abc\"", "*", " \"abc\" "] {
            assert!(
                not_modified(&with(header::IF_NONE_MATCH, matching), tag),
                "{matching}"
            );
        }
        for other in ["\"abd\"", "abc", "\"ab", ""] {
            assert!(
                !not_modified(&with(header::IF_NONE_MATCH, other), tag),
                "{other}"
            );
        }
        assert!(!not_modified(&HeaderMap::new(), tag));
    }

    #[test]
    fn the_tag_follows_the_bytes_and_caching_follows_the_credentials() {
        let anon = json(&HeaderMap::new(), &serde_json::json!({"a": 1})).unwrap();
        let again = json(&HeaderMap::new(), &serde_json::json!({"a": 1})).unwrap();
        let other = json(&HeaderMap::new(), &serde_json::json!({"a": 2})).unwrap();
        assert_eq!(anon.headers()[header::ETAG], again.headers()[header::ETAG]);
        assert_ne!(anon.headers()[header::ETAG], other.headers()[header::ETAG]);
        assert_eq!(anon.headers()[header::CACHE_CONTROL], "public, no-cache");
        let tag = anon.headers()[header::ETAG].to_str().unwrap().to_owned();
        let mut owner = with(header::AUTHORIZATION, "Basic eDp5");
        owner.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&tag).unwrap());
        let r = json(&owner, &serde_json::json!({"a": 1})).unwrap();
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(r.headers()[header::CACHE_CONTROL], "private, no-cache");
        assert_eq!(r.headers()[header::VARY], "authorization, cookie");
    }
}
