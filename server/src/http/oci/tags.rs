//! `GET /v2/<name>/tags/list[?n=&last=]`.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::error::HttpResult;
use super::Ctx;
use crate::domain::oci::access::Need;
use crate::domain::oci::tags;

pub async fn list(ctx: &Ctx) -> HttpResult<Response> {
    let n = tags::parse_n(ctx.param("n"))?;
    let last = ctx.param("last").filter(|l| !l.is_empty());
    let registry = ctx.target.open(&ctx.state, &ctx.caller, Need::Pull).await?;
    let page = tags::list(&ctx.state.db, &registry, &ctx.target.image, n, last).await?;
    let body = Json(json!({ "name": ctx.target.name, "tags": page.tags }));
    Ok(match (page.next_last, n) {
        (Some(next), Some(n)) => (
            [(header::LINK, tags::next_link(&ctx.target.name, n, &next))],
            body,
        )
            .into_response(),
        _ => body.into_response(),
    })
}
