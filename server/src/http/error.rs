//! The one mapping from failures to HTTP: every JSON error is `{"message": "..."}`, the
//! shape Bintray's clients parse. The message is for the user; details go to the log.

use app::api_types::ErrorBody;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::domain::catalog::CatalogError;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    /// What went wrong, for the log only (never sent to the client).
    detail: Option<String>,
    headers: Vec<(axum::http::HeaderName, String)>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            detail: None,
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: axum::http::HeaderName, value: String) -> ApiError {
        self.headers.push((name, value));
        self
    }

    /// The status the answer will have.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "Not Found")
    }

    /// A failure of ours: the client learns only that it happened.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "Internal server error".to_owned(),
            detail: Some(detail.to_string()),
            headers: Vec::new(),
        }
    }

    /// The database or the store did not answer: 503 with `Retry-After`, so that clients
    /// and load balancers try again (RFC 9110 §15.6.4).
    pub fn unavailable(detail: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "Service unavailable: the database or file store is not answering; try again shortly".to_owned(),
            detail: Some(detail.to_string()),
            headers: vec![(axum::http::header::RETRY_AFTER, "5".to_owned())],
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(detail) = &self.detail {
            tracing::error!(status = self.status.as_u16(), %detail, "request failed");
        }
        let mut response = (
            self.status,
            Json(ErrorBody {
                message: self.message,
            }),
        )
            .into_response();
        for (name, value) in self.headers {
            if let Ok(v) = axum::http::HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, v);
            }
        }
        response
    }
}

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        let status = match &e {
            CatalogError::SubjectNotFound(_)
            | CatalogError::RepoNotFound(_)
            | CatalogError::PackageNotFound(_)
            | CatalogError::VersionNotFound(_)
            | CatalogError::FileNotFound(_) => StatusCode::NOT_FOUND,
            CatalogError::Unauthenticated => StatusCode::UNAUTHORIZED,
            CatalogError::Forbidden => StatusCode::FORBIDDEN,
            CatalogError::Conflict(_) => StatusCode::CONFLICT,
            CatalogError::BadRequest(_) => StatusCode::BAD_REQUEST,
            CatalogError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            CatalogError::Internal(detail) => return ApiError::internal(detail),
            CatalogError::Unavailable(detail) => return ApiError::unavailable(detail),
        };
        ApiError::new(status, e.to_string())
    }
}

/// A database failure: 503 when it did not answer, else a 500 (detail logged only).
impl From<crate::infra::db::DbError> for ApiError {
    fn from(e: crate::infra::db::DbError) -> Self {
        CatalogError::from(e).into()
    }
}

/// A store failure: 503 when it did not answer, else as [`CatalogError`] maps it.
impl From<crate::infra::storage::StorageError> for ApiError {
    fn from(e: crate::infra::storage::StorageError) -> Self {
        CatalogError::from(e).into()
    }
}

impl ApiError {
    /// Status 401, deliberately without a `WWW-Authenticate: Basic` challenge: every
    /// Bintray client sends its credentials up front, and the challenge would make
    /// browsers pop up their own login dialog over the app.
    pub fn unauthenticated() -> ApiError {
        ApiError::from(CatalogError::Unauthenticated)
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

/// Middleware for the REST API: an error answer that is not JSON yet (axum's own 405, a
/// range the file cannot satisfy, …) gets Bintray's `{"message"}` body with the status's
/// reason, keeping its other headers (`Allow`, `Content-Range`, …). Answers to `HEAD` keep
/// their empty body. Handlers' own errors are already JSON and pass unchanged.
pub async fn json_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let head = request.method() == axum::http::Method::HEAD;
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if head || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, _) = response.into_parts();
    let message = status.canonical_reason().unwrap_or("Error");
    let mut json = ApiError::new(status, message).into_response();
    for (name, value) in &parts.headers {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            json.headers_mut().insert(name.clone(), value.clone());
        }
    }
    json
}
