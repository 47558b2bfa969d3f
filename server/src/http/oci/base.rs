//! `GET /v2/`: "this is a registry", and, for a client with credentials, "they work".
//! Without credentials it answers 401 with the challenges, which is how clients learn to
//! send them (anonymous pulls go on without).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::auth::OciCaller;
use super::error::OciHttpError;
use crate::domain::oci::OciError;

pub async fn base(OciCaller { authenticated, .. }: OciCaller) -> Response {
    if authenticated {
        (StatusCode::OK, Json(serde_json::json!({}))).into_response()
    } else {
        OciHttpError::from(OciError::Unauthorized).into_response()
    }
}
