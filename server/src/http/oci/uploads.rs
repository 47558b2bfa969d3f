//! `/v2/<name>/blobs/uploads/`: start an upload (or upload in one `POST ?digest=`, or
//! mount from another repository), then `PATCH` chunks, `PUT ?digest=` to close,
//! `GET` the progress, `DELETE` to cancel.

use axum::body::Body;
use axum::http::{header, HeaderName, StatusCode};
use axum::response::Response;

use super::error::{HttpResult, OciHttpError};
use super::Ctx;
use crate::domain::oci::access::Need;
use crate::domain::oci::content_range::{self, ContentRangeError};
use crate::domain::oci::digest::{Algorithm, OciDigest};
use crate::domain::oci::uploads::{self, Chunk, UploadStatus};
use crate::domain::oci::{blobs, OciError};

fn created(ctx: &Ctx, digest: &OciDigest) -> Response {
    Response::builder()
        .status(StatusCode::CREATED)
        .header(
            header::LOCATION,
            ctx.target.location(&format!("blobs/{digest}")),
        )
        .header("docker-content-digest", digest.to_string())
        .header(header::CONTENT_LENGTH, 0)
        .body(Body::empty())
        .expect("valid response")
}

fn upload_location(ctx: &Ctx, id: &str) -> String {
    ctx.target.location(&format!("blobs/uploads/{id}"))
}

/// 202 or 204 with where the upload stands.
fn progress(ctx: &Ctx, status: StatusCode, upload: &UploadStatus) -> Response {
    Response::builder()
        .status(status)
        .header(header::LOCATION, upload_location(ctx, &upload.id))
        .header(header::RANGE, content_range::progress_header(upload.size))
        .header("docker-upload-uuid", &upload.id)
        .header(header::CONTENT_LENGTH, 0)
        .body(Body::empty())
        .expect("valid response")
}

fn digest_param(ctx: &Ctx, key: &str) -> HttpResult<Option<OciDigest>> {
    match ctx.param(key) {
        None => Ok(None),
        Some(d) => Ok(Some(blobs::parse_digest(d)?)),
    }
}

fn content_length(ctx: &Ctx) -> Option<u64> {
    ctx.header("content-length")
        .and_then(|v| v.trim().parse().ok())
}

fn chunk(ctx: &Ctx, body: Body) -> HttpResult<Chunk<axum::body::BodyDataStream>> {
    let range = match ctx.header("content-range") {
        None => None,
        Some(h) => Some(content_range::parse(h).map_err(|e| match e {
            ContentRangeError::Backwards(_) => OciError::ChunkOutOfOrder,
            ContentRangeError::Malformed(m) => OciError::BlobUploadInvalid(m),
        })?),
    };
    Ok(Chunk {
        body: body.into_data_stream(),
        range,
        length: content_length(ctx),
    })
}

/// A 416 says where the upload stands, so the client can go on from there.
async fn with_position(ctx: &Ctx, id: &str, e: OciError) -> OciHttpError {
    if !matches!(e, OciError::ChunkOutOfOrder) {
        return e.into();
    }
    let size = match ctx.state.db.find_oci_upload(id).await {
        Ok(Some(u)) => u.size as u64,
        _ => 0,
    };
    OciHttpError::from(e)
        .with_header(header::LOCATION, upload_location(ctx, id))
        .with_header(header::RANGE, content_range::progress_header(size))
        .with_header(HeaderName::from_static("docker-upload-uuid"), id.to_owned())
}

pub async fn start(ctx: &Ctx, body: Body) -> HttpResult<Response> {
    let state = &ctx.state;
    let registry = ctx.target.open(state, &ctx.caller, Need::Push).await?;
    if let Some(algorithm) = ctx.param("digest-algorithm") {
        if Algorithm::parse(algorithm).is_none() {
            return Err(OciError::DigestInvalid(format!(
                "the digest algorithm {algorithm:?} is not supported (use sha256 or sha512)"
            ))
            .into());
        }
    }
    if let Some(digest) = digest_param(ctx, "mount")? {
        let source = match ctx.param("from") {
            None => None,
            // A source the caller may not read is as good as none: upload instead.
            Some(from) => match ctx.target.sibling(from) {
                Ok(t) => t
                    .open(state, &ctx.caller, Need::Pull)
                    .await
                    .ok()
                    .map(|r| (r, t.image)),
                Err(_) => None,
            },
        };
        if ctx.param("from").is_none() || source.is_some() {
            let mounted = blobs::mount(
                &state.db,
                &ctx.caller,
                (&registry, &ctx.target.image),
                &digest,
                source.as_ref().map(|(r, image)| (r, image.as_str())),
            )
            .await?;
            if mounted.is_some() {
                return Ok(created(ctx, &digest));
            }
        }
    } else if let Some(digest) = digest_param(ctx, "digest")? {
        uploads::put_whole(
            &state.db,
            &state.blobs,
            &registry,
            &ctx.target.image,
            &digest,
            body.into_data_stream(),
            state.config.max_upload_bytes,
        )
        .await?;
        return Ok(created(ctx, &digest));
    }
    let upload = state
        .uploads
        .start(&state.db, &registry, &ctx.target.image)
        .await?;
    Ok(progress(ctx, StatusCode::ACCEPTED, &upload))
}

pub async fn status(ctx: &Ctx, id: &str) -> HttpResult<Response> {
    let registry = ctx.target.open(&ctx.state, &ctx.caller, Need::Push).await?;
    let upload = ctx
        .state
        .uploads
        .status(&ctx.state.db, &registry, &ctx.target.image, id)
        .await?;
    Ok(progress(ctx, StatusCode::NO_CONTENT, &upload))
}

pub async fn patch(ctx: &Ctx, id: &str, body: Body) -> HttpResult<Response> {
    let state = &ctx.state;
    let registry = ctx.target.open(state, &ctx.caller, Need::Push).await?;
    let chunk = match chunk(ctx, body) {
        Ok(c) => c,
        Err(e) => return Err(with_position(ctx, id, e.error).await),
    };
    let result = state
        .uploads
        .append(
            &state.db,
            &state.blobs,
            &registry,
            &ctx.target.image,
            id,
            chunk,
            state.config.max_upload_bytes,
        )
        .await;
    match result {
        Ok(upload) => Ok(progress(ctx, StatusCode::ACCEPTED, &upload)),
        Err(e) => Err(with_position(ctx, id, e).await),
    }
}

pub async fn put(ctx: &Ctx, id: &str, body: Body) -> HttpResult<Response> {
    let state = &ctx.state;
    let registry = ctx.target.open(state, &ctx.caller, Need::Push).await?;
    let digest = digest_param(ctx, "digest")?.ok_or_else(|| {
        OciError::DigestInvalid("closing an upload needs ?digest= of the whole blob".into())
    })?;
    let chunk = match chunk(ctx, body) {
        Ok(c) => c,
        Err(e) => return Err(with_position(ctx, id, e.error).await),
    };
    let result = state
        .uploads
        .finish(
            &state.db,
            &state.blobs,
            &registry,
            &ctx.target.image,
            id,
            &digest,
            chunk,
            state.config.max_upload_bytes,
        )
        .await;
    match result {
        Ok(()) => Ok(created(ctx, &digest)),
        Err(e) => Err(with_position(ctx, id, e).await),
    }
}

pub async fn cancel(ctx: &Ctx, id: &str) -> HttpResult<Response> {
    let state = &ctx.state;
    let registry = ctx.target.open(state, &ctx.caller, Need::Push).await?;
    state
        .uploads
        .cancel(&state.db, &state.blobs, &registry, &ctx.target.image, id)
        .await?;
    Ok(Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Body::empty())
        .expect("valid response"))
}
