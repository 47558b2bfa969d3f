//! A JSON body read whatever its Content-Type (clients send none, `*/*` or JSON), with
//! Bintray's `{"message"}` 400 when it is not valid, and an optional form for calls whose
//! body may be missing.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;
use crate::state::AppState;

/// Upper bound for JSON bodies (uploads have their own, far larger limit).
const JSON_LIMIT: usize = 1024 * 1024;

pub struct JsonBody<T>(pub T);

/// Like [`JsonBody`], but an empty body is `T::default()`.
pub struct OptionalJsonBody<T>(pub T);

async fn read(req: Request) -> Result<Bytes, ApiError> {
    let body = axum::body::to_bytes(req.into_body(), JSON_LIMIT)
        .await
        .map_err(|_| {
            ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                format!("The request body is larger than {JSON_LIMIT} bytes"),
            )
        })?;
    Ok(body)
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("Malformed JSON body: {e}")))
}

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &AppState) -> Result<Self, ApiError> {
        let bytes = read(req).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("A JSON body is required"));
        }
        parse(&bytes).map(JsonBody)
    }
}

impl<T: DeserializeOwned + Default> FromRequest<AppState> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &AppState) -> Result<Self, ApiError> {
        let bytes = read(req).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJsonBody(T::default()));
        }
        parse(&bytes).map(OptionalJsonBody)
    }
}
