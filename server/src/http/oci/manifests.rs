//! `/v2/<name>/manifests/<tag or digest>`: HEAD, GET, PUT, DELETE.

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt, TryStreamExt};

use super::error::{HttpResult, OciHttpError};
use super::Ctx;
use crate::domain::oci::access::Need;
use crate::domain::oci::manifest::MAX_MANIFEST_BYTES;
use crate::domain::oci::manifests;
use crate::domain::oci::reference::{Reference, ReferenceError};
use crate::domain::oci::OciError;

/// The reference of a pull: a bad digest is a bad request, a bad tag cannot exist.
fn pull_reference(r: &str) -> HttpResult<Reference> {
    Reference::parse(r).map_err(|e| match e {
        ReferenceError::Digest(d) => OciError::DigestInvalid(d.to_string()).into(),
        ReferenceError::Tag(_) => OciError::ManifestUnknown(None).into(),
    })
}

fn push_reference(r: &str) -> HttpResult<Reference> {
    Reference::parse(r).map_err(|e| match e {
        ReferenceError::Digest(d) => OciError::DigestInvalid(d.to_string()).into(),
        ReferenceError::Tag(t) => {
            OciError::ManifestInvalid(format!("{t:?} is not a valid tag")).into()
        }
    })
}

pub async fn get(ctx: &Ctx, reference: &str, head: bool) -> HttpResult<Response> {
    let reference = pull_reference(reference)?;
    let state = &ctx.state;
    let registry = ctx.target.open(state, &ctx.caller, Need::Pull).await?;
    let found = manifests::find(&state.db, &registry, &ctx.target.image, &reference)
        .await?
        .ok_or(OciError::ManifestUnknown(None))?;
    let accept: Vec<String> = ctx
        .headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    let by_tag = matches!(reference, Reference::Tag(_));
    let chosen = manifests::negotiate(
        &state.db,
        &state.blobs,
        &found.package,
        found.manifest,
        by_tag,
        &accept,
    )
    .await?;
    let response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, &chosen.media_type)
        .header(header::CONTENT_LENGTH, chosen.size)
        .header("docker-content-digest", &chosen.digest)
        .header(header::ETAG, format!("\"{}\"", chosen.digest));
    if head {
        return Ok(response.body(Body::empty()).expect("valid response"));
    }
    let stream = state
        .blobs
        .get(&chosen.blob_sha256, None)
        .await
        .map_err(OciError::from)?;
    if let (Reference::Tag(tag), Some(version_id)) = (&reference, found.version_id) {
        manifests::count_pull(
            &state.download_counts,
            &registry,
            &ctx.target.image,
            tag,
            version_id,
        );
    }
    Ok(response
        .body(Body::from_stream(stream.map_err(std::io::Error::other)))
        .expect("valid response"))
}

/// The request body, refused past the manifest size limit before it is all read.
async fn read_limited(body: Body, limit: usize) -> HttpResult<Bytes> {
    let mut stream = body.into_data_stream();
    let mut buf = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| OciError::ManifestInvalid(format!("upload broke off: {e}")))?;
        if buf.len() + chunk.len() > limit {
            return Err(OciError::ManifestTooLarge(limit).into());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

pub async fn put(ctx: &Ctx, reference: &str, body: Body) -> HttpResult<Response> {
    let reference = push_reference(reference)?;
    let state = &ctx.state;
    let registry = ctx.target.open(state, &ctx.caller, Need::Push).await?;
    if ctx
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .is_some_and(|n| n > MAX_MANIFEST_BYTES)
    {
        return Err(OciError::ManifestTooLarge(MAX_MANIFEST_BYTES).into());
    }
    let bytes = read_limited(body, MAX_MANIFEST_BYTES).await?;
    let extra_tags = ctx.params("tag");
    let pushed = manifests::put(
        &state.db,
        &state.blobs,
        &registry,
        &ctx.target.image,
        &reference,
        &extra_tags,
        ctx.header("content-type"),
        bytes,
    )
    .await?;
    let mut response = Response::builder()
        .status(StatusCode::CREATED)
        .header(
            header::LOCATION,
            ctx.target.location(&format!("manifests/{}", pushed.digest)),
        )
        .header("docker-content-digest", pushed.digest.to_string())
        .header(header::CONTENT_LENGTH, 0);
    if let Some(subject) = &pushed.subject {
        response = response.header("oci-subject", subject);
    }
    let mut response = response.body(Body::empty()).expect("valid response");
    if !extra_tags.is_empty() {
        for tag in &pushed.tags {
            if let Ok(v) = HeaderValue::from_str(tag) {
                response
                    .headers_mut()
                    .append(HeaderName::from_static("oci-tag"), v);
            }
        }
    }
    Ok(response)
}

pub async fn delete(ctx: &Ctx, reference: &str) -> HttpResult<Response> {
    let reference = pull_reference(reference)?;
    let state = &ctx.state;
    let registry = ctx.target.open(state, &ctx.caller, Need::Push).await?;
    manifests::delete(&state.db, &registry, &ctx.target.image, &reference)
        .await
        .map_err(OciHttpError::from)?;
    Ok(Response::builder()
        .status(StatusCode::ACCEPTED)
        .header(header::CONTENT_LENGTH, 0)
        .body(Body::empty())
        .expect("valid response"))
}
