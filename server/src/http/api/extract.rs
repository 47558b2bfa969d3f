//! axum's `Path` and `Query` with their rejections mapped into [`ApiError`], so a path that
//! is not valid UTF-8 once percent-decoded (`%c3%28`, `%ff`) or a query string that does not
//! fit gets Bintray's `{"message"}` 400 rather than axum's plain-text answer. Handlers use
//! these, never axum's own.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;

/// Path parameters, percent-decoded (see [`axum::extract::Path`]).
pub struct Path<T>(pub T);

/// The query string, deserialised (see [`axum::extract::Query`]).
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(t)| Path(t))
            .map_err(from_path_rejection)
    }
}

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(t)| Query(t))
            .map_err(from_query_rejection)
    }
}

/// A path the router matched but whose parameters cannot be read: the client's fault
/// (400), except for a route without the parameters its handler asks for (ours, 500).
fn from_path_rejection(rejection: PathRejection) -> ApiError {
    use axum::extract::path::ErrorKind;
    let status = rejection.status();
    if status.is_server_error() {
        return ApiError::internal(rejection.body_text());
    }
    let message = match &rejection {
        PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
            ErrorKind::InvalidUtf8InPathParam { key } => {
                format!("The path parameter '{key}' is not valid UTF-8 once percent-decoded")
            }
            _ => format!("Invalid path: {}", e.body_text()),
        },
        _ => rejection.body_text(),
    };
    ApiError::new(status, message)
}

fn from_query_rejection(rejection: QueryRejection) -> ApiError {
    let status = rejection.status();
    if status.is_server_error() {
        return ApiError::internal(rejection.body_text());
    }
    ApiError::new(
        status,
        format!("Invalid query string: {}", rejection.body_text()),
    )
}
