//! `GET /healthz`: 200 when the server and its database answer, 503 otherwise.

use app::api_types::Health;
use axum::extract::State;
use axum::Json;

use super::error::ApiError;
use crate::state::AppState;

pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.ping().await.map_err(ApiError::unavailable)?;
    Ok(Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }))
}
