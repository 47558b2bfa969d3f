//! `GET /healthz`: 200 when the server, its database and its blob store answer, 503
//! otherwise (a load balancer takes the replica out).

use app::api_types::Health;
use axum::extract::State;
use axum::Json;

use super::error::ApiError;
use crate::state::AppState;

/// Health
///
/// 200 when the server, its database and its blob store answer. Served at `/` only.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "getHealth",
    tag = "server",
    responses(
        (status = 200, description = "Healthy", body = Health),
        (status = 503, description = "The database or the blob store does not answer",
            body = app::api_types::ErrorBody),
    ),
    security(())
)]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.ping().await.map_err(ApiError::unavailable)?;
    state.blobs.ping().await.map_err(ApiError::unavailable)?;
    Ok(Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }))
}

/// Metrics
///
/// Prometheus' text format: requests by route and status, import jobs, garbage
/// collections, blob-store latency. Served at `/` only, to anyone (it names route
/// templates and counts, nothing of what is stored); keep it off the public internet
/// with the load balancer if that matters.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "getMetrics",
    tag = "server",
    responses((status = 200, description = "The metrics", content_type = "text/plain")),
    security(())
)]
pub async fn metrics() -> impl axum::response::IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::infra::metrics::global().render(),
    )
}

/// Counts each request by its route template, method and status.
pub async fn count_requests(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(other)".to_owned());
    let method = request.method().as_str().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let m = crate::infra::metrics::global();
    m.http_seconds
        .with_label_values(&[&route])
        .observe(started.elapsed().as_secs_f64());
    m.http_requests
        .with_label_values(&[&route, &method, response.status().as_str()])
        .inc();
    response
}
