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
