//! `/v2/<name>/blobs/<digest>`: HEAD, GET (with `Range`) and DELETE.

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::Response;
use futures_util::TryStreamExt;

use super::error::HttpResult;
use super::Ctx;
use crate::domain::oci::access::Need;
use crate::domain::oci::blobs;
use crate::domain::oci::OciError;
use crate::http::range::{self, RangeRequest};

/// `Range` for a blob: what downloads accept, and a backwards range (`bytes=500-0`) is
/// unsatisfiable rather than ignored, as registry clients expect.
fn blob_range(header: Option<&str>, size: u64) -> RangeRequest {
    let parsed = range::parse(header, size);
    let backwards = header
        .and_then(|h| h.trim().strip_prefix("bytes="))
        .and_then(|spec| spec.split_once('-'))
        .and_then(|(a, b)| Some((a.trim().parse::<u64>().ok()?, b.trim().parse::<u64>().ok()?)))
        .is_some_and(|(a, b)| b < a);
    if parsed == RangeRequest::Full && backwards {
        RangeRequest::Unsatisfiable
    } else {
        parsed
    }
}

pub async fn get(ctx: &Ctx, digest: &str, head: bool) -> HttpResult<Response> {
    let digest = blobs::parse_digest(digest)?;
    let registry = ctx.target.open(&ctx.state, &ctx.caller, Need::Pull).await?;
    let blob = blobs::find(&ctx.state.db, &registry, &ctx.target.image, &digest).await?;
    let size = blob.size as u64;
    let mut response = Response::builder()
        .header("docker-content-digest", digest.to_string())
        .header(header::ETAG, format!("\"{digest}\""))
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CACHE_CONTROL, "max-age=31536000");
    let (status, byte_range) = match blob_range(ctx.header("range"), size) {
        RangeRequest::Full => (StatusCode::OK, None),
        RangeRequest::Partial(r) => {
            response = response.header(
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{size}", r.start, r.end - 1),
            );
            (StatusCode::PARTIAL_CONTENT, Some(r))
        }
        RangeRequest::Unsatisfiable => {
            return Ok(Response::builder()
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                .body(Body::empty())
                .expect("valid response"));
        }
    };
    let length = byte_range.as_ref().map_or(size, |r| r.end - r.start);
    response = response
        .status(status)
        .header(header::CONTENT_LENGTH, length);
    if head || length == 0 {
        return Ok(response.body(Body::empty()).expect("valid response"));
    }
    let stream = ctx
        .state
        .blobs
        .get(&blob.sha256, byte_range)
        .await
        .map_err(OciError::from)?;
    Ok(response
        .body(Body::from_stream(stream.map_err(std::io::Error::other)))
        .expect("valid response"))
}

pub async fn delete(ctx: &Ctx, digest: &str) -> HttpResult<Response> {
    let digest = blobs::parse_digest(digest)?;
    let registry = ctx.target.open(&ctx.state, &ctx.caller, Need::Push).await?;
    blobs::delete(&ctx.state.db, &registry, &ctx.target.image, &digest).await?;
    Ok(Response::builder()
        .status(StatusCode::ACCEPTED)
        .header(header::CONTENT_LENGTH, 0)
        .body(Body::empty())
        .expect("valid response"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backwards_ranges_are_unsatisfiable() {
        assert_eq!(
            blob_range(Some("bytes=500-0"), 1000),
            RangeRequest::Unsatisfiable
        );
        assert_eq!(
            blob_range(Some("bytes=5000-10000"), 1000),
            RangeRequest::Unsatisfiable
        );
        assert_eq!(
            blob_range(Some("bytes=2000-5000"), 3000),
            RangeRequest::Partial(2000..3000)
        );
        assert_eq!(blob_range(None, 10), RangeRequest::Full);
    }
}
