//! `GET /v2/<name>/referrers/<digest>[?artifactType=]`.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::HttpResult;
use super::Ctx;
use crate::domain::oci::access::Need;
use crate::domain::oci::manifest::OCI_INDEX;
use crate::domain::oci::{blobs, referrers};

pub async fn list(ctx: &Ctx, digest: &str) -> HttpResult<Response> {
    let subject = blobs::parse_digest(digest)?;
    let registry = ctx.target.open(&ctx.state, &ctx.caller, Need::Pull).await?;
    let artifact_type = ctx.param("artifactType").filter(|t| !t.is_empty());
    let (index, filtered) = referrers::list(
        &ctx.state.db,
        &registry,
        &ctx.target.image,
        &subject,
        artifact_type,
    )
    .await?;
    let mut response = (
        [(header::CONTENT_TYPE, OCI_INDEX)],
        serde_json::to_vec(&index).expect("JSON serialises"),
    )
        .into_response();
    if filtered {
        response.headers_mut().insert(
            "oci-filters-applied",
            header::HeaderValue::from_static("artifactType"),
        );
    }
    Ok(response)
}
