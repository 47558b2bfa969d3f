//! A JSON body read whatever its Content-Type (clients send none, `*/*` or JSON), with
//! Bintray's `{"message"}` 400 when it is not valid, and an optional form for calls whose
//! body may be missing.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use bytes::BytesMut;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;
use crate::state::AppState;

use crate::http::route_table::JSON_BODY_LIMIT as JSON_LIMIT;

pub struct JsonBody<T>(pub T);

/// Like [`JsonBody`], but an empty body is `T::default()`.
pub struct OptionalJsonBody<T>(pub T);

/// The whole body, at most [`JSON_LIMIT`] bytes. A `Content-Length` above the limit is
/// refused before a byte is read; a body that turns out longer is refused as soon as it
/// passes the limit, so a 100 MB body costs at most the limit in memory. A body that ends
/// before its announced length (a truncated upload, a broken chunked encoding) is a 400.
async fn read(req: Request) -> Result<Bytes, ApiError> {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > JSON_LIMIT as u64) {
        return Err(too_large());
    }
    let mut stream = req.into_body().into_data_stream();
    let mut body = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(format!("The request body could not be read: {e}"))
        })?;
        if body.len() + chunk.len() > JSON_LIMIT {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("The request body is larger than {JSON_LIMIT} bytes"),
    )
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
