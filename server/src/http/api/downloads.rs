//! `/dl/:subject/:repo/:file_path`: downloads with `HEAD`, `Range`, `ETag` and the
//! checksum headers jfrog-cli reads to skip files it already has.

use super::extract::Path;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;

use super::caller::ApiCaller;
use super::openapi_responses::ReadErrors;
use crate::domain::catalog;
use crate::http::error::ApiError;
use crate::http::range::{self, RangeRequest};
use crate::state::AppState;

/// Download a file
///
/// Published files for anyone who may see the repository; unpublished ones for the owner.
/// One `Range` is honoured; `HEAD` gives the same headers without the body.
#[utoipa::path(
    get,
    path = "/dl/{subject}/{repo}/{file_path}",
    operation_id = "downloadFile",
    tag = "downloads",
    params(
        catalog::FileCoord,
        ("Range" = Option<String>, Header, description = "One byte range, `bytes=start-end`"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag the caller has"),
    ),
    responses(
        (status = 200, description = "The file, its Content-Type guessed from its name",
            content(("*/*")), headers(
                ("Content-Length" = u64, description = "The file's size"),
                ("ETag" = String, description = "The file's SHA-256, quoted"),
                ("Accept-Ranges" = String, description = "`bytes`"),
                ("X-Checksum-Sha1" = String),
                ("X-Checksum-Sha256" = String),
                ("X-Checksum-Md5" = String),
            )),
        (status = 206, description = "The range asked for",
            content(("*/*")), headers(
                ("Content-Range" = String, description = "`bytes start-end/size`"),
            )),
        (status = 302, description = "With presigned downloads on an S3 store: fetch the \
            bytes from the store's signed URL in `Location`"),
        (status = 304, description = "The caller's copy is current"),
        ReadErrors,
        (status = 416, description = "The range is outside the file", headers(
            ("Content-Range" = String, description = "`bytes */size`"),
        )),
    ),
    security((), ("basic" = []))
)]
pub async fn download(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    method: Method,
    Path(at): Path<catalog::FileCoord>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let file = match catalog::downloadable_file(&state.db, &caller, &at).await {
        Ok(file) => file,
        Err(not_found @ catalog::CatalogError::FileNotFound(_)) => {
            return match catalog::maven_metadata(&state.db, &caller, &at).await? {
                Some(text) => Ok(generated(&method, &at.file_path, text)),
                None => Err(not_found.into()),
            };
        }
        Err(e) => return Err(e.into()),
    };
    let etag = format!("\"{}\"", file.sha256);
    let size = file.size as u64;
    let content_type = mime_guess::from_path(&file.name)
        .first_raw()
        .unwrap_or("application/octet-stream");
    let mut response = untrusted_content(Response::builder())
        .header(header::ETAG, &etag)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CONTENT_TYPE, content_type)
        .header("x-checksum-sha1", &file.sha1)
        .header("x-checksum-sha256", &file.sha256)
        .header("x-checksum-md5", &file.md5);
    if crate::http::revalidate::not_modified(&headers, &etag) {
        return Ok(response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .expect("valid response"));
    }
    // Issue 12: large files need not pass through Wharf. The store's own URL, signed for
    // a short while, serves the bytes and any Range; it is another origin, so an uploaded
    // page there cannot reach Wharf's session either.
    let presign_for = state.config.presigned_download_seconds;
    if presign_for > 0 && size > 0 && method == Method::GET {
        let signed = state
            .blobs
            .presigned_get(&file.sha256, std::time::Duration::from_secs(presign_for))
            .await?;
        if let Some(url) = signed {
            state.download_counts.file(file.id, file.version_id);
            return Ok(response
                .status(StatusCode::FOUND)
                .header(header::LOCATION, url)
                .header(header::CACHE_CONTROL, "no-store")
                .body(Body::empty())
                .expect("valid response"));
        }
    }
    let range = range::parse(
        headers.get(header::RANGE).and_then(|v| v.to_str().ok()),
        size,
    );
    let (status, byte_range) = match range {
        RangeRequest::Full => (StatusCode::OK, None),
        RangeRequest::Partial(r) => {
            response = response.header(
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{size}", r.start, r.end - 1),
            );
            (StatusCode::PARTIAL_CONTENT, Some(r))
        }
        RangeRequest::Unsatisfiable => {
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&format!("bytes */{size}")).expect("ascii"),
                )],
            )
                .into_response());
        }
    };
    let length = byte_range.as_ref().map_or(size, |r| r.end - r.start);
    response = response
        .status(status)
        .header(header::CONTENT_LENGTH, length);
    if method == Method::HEAD {
        return Ok(response.body(Body::empty()).expect("valid response"));
    }
    // An empty file has no bytes to ask the store for.
    let body = if size == 0 {
        Body::empty()
    } else {
        let stream = state.blobs.download(&file.sha256, size, byte_range).await?;
        Body::from_stream(stream.map_err(std::io::Error::other))
    };
    state.download_counts.file(file.id, file.version_id);
    Ok(response.body(body).expect("valid response"))
}

/// Headers for bytes that users uploaded, served from Wharf's own origin: an uploaded
/// `.html` or `.svg` must never run script with the rights of whoever opens the link (it
/// could read the session's CSRF token and act as them). `sandbox` gives the document an
/// opaque origin and no scripts, `default-src 'none'` loads nothing else, and `nosniff`
/// keeps browsers from guessing an active type for other files. Pages still display
/// (HTML renders, images show), they just cannot act.
fn untrusted_content(builder: axum::http::response::Builder) -> axum::http::response::Builder {
    builder
        .header(
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
        )
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
}

/// A file Wharf writes rather than stores (Maven metadata): never cached for long, since
/// the next deploy changes it.
fn generated(method: &Method, path: &str, text: String) -> Response {
    let content_type = if path.ends_with(".xml") {
        "application/xml"
    } else {
        "text/plain"
    };
    let length = text.len();
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(text)
    };
    untrusted_content(Response::builder())
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_LENGTH, length)
        .header(header::CACHE_CONTROL, "no-cache")
        .body(body)
        .expect("valid response")
}
