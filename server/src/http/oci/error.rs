//! The one mapping from registry failures to HTTP: the spec's error codes in its JSON
//! shape, `{"errors":[{"code","message","detail"}]}`. Internal details go to the log.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::domain::oci::OciError;

/// An [`OciError`] with the headers its response needs (`Location`, `Range`, …).
#[derive(Debug)]
pub struct OciHttpError {
    pub error: OciError,
    headers: Vec<(HeaderName, String)>,
}

impl From<OciError> for OciHttpError {
    fn from(error: OciError) -> Self {
        OciHttpError {
            error,
            headers: Vec::new(),
        }
    }
}

impl OciHttpError {
    pub fn with_header(mut self, name: HeaderName, value: String) -> OciHttpError {
        self.headers.push((name, value));
        self
    }
}

fn code_and_status(e: &OciError) -> (&'static str, StatusCode) {
    use OciError::*;
    match e {
        BlobUnknown => ("BLOB_UNKNOWN", StatusCode::NOT_FOUND),
        BlobUploadInvalid(_) => ("BLOB_UPLOAD_INVALID", StatusCode::BAD_REQUEST),
        BlobUploadUnknown => ("BLOB_UPLOAD_UNKNOWN", StatusCode::NOT_FOUND),
        ChunkOutOfOrder => ("BLOB_UPLOAD_INVALID", StatusCode::RANGE_NOT_SATISFIABLE),
        DigestInvalid(_) => ("DIGEST_INVALID", StatusCode::BAD_REQUEST),
        ManifestBlobUnknown(_) => ("MANIFEST_BLOB_UNKNOWN", StatusCode::BAD_REQUEST),
        ManifestInvalid(_) => ("MANIFEST_INVALID", StatusCode::BAD_REQUEST),
        ManifestTooLarge(_) => ("MANIFEST_INVALID", StatusCode::PAYLOAD_TOO_LARGE),
        ManifestUnknown(_) => ("MANIFEST_UNKNOWN", StatusCode::NOT_FOUND),
        NameInvalid(_) => ("NAME_INVALID", StatusCode::BAD_REQUEST),
        NameUnknown => ("NAME_UNKNOWN", StatusCode::NOT_FOUND),
        SizeInvalid(_) => ("SIZE_INVALID", StatusCode::BAD_REQUEST),
        PaginationInvalid(_) => ("PAGINATION_NUMBER_INVALID", StatusCode::BAD_REQUEST),
        Unauthorized => ("UNAUTHORIZED", StatusCode::UNAUTHORIZED),
        Denied => ("DENIED", StatusCode::FORBIDDEN),
        Unsupported(_) => ("UNSUPPORTED", StatusCode::METHOD_NOT_ALLOWED),
        TooManyRequests(_) => ("TOOMANYREQUESTS", StatusCode::TOO_MANY_REQUESTS),
        BlobTooLarge(_) => ("BLOB_UPLOAD_INVALID", StatusCode::PAYLOAD_TOO_LARGE),
        Internal(_) => ("UNKNOWN", StatusCode::INTERNAL_SERVER_ERROR),
        // Not a code of the spec's table; distribution answers the same.
        Unavailable(_) => ("UNAVAILABLE", StatusCode::SERVICE_UNAVAILABLE),
    }
}

/// The spec's short message for a code, then what exactly went wrong as the detail.
fn message_and_detail(e: &OciError) -> (String, Value) {
    use OciError::*;
    match e {
        ManifestBlobUnknown(d) => (
            "manifest references a manifest or blob unknown to registry".into(),
            json!({ "digest": d }),
        ),
        ManifestUnknown(Some(why)) => ("manifest unknown to registry".into(), json!(why)),
        Internal(_) => ("internal server error".into(), Value::Null),
        Unavailable(_) => (
            "the database or file store is not answering; try again shortly".into(),
            Value::Null,
        ),
        other => (other.to_string(), Value::Null),
    }
}

impl IntoResponse for OciHttpError {
    fn into_response(self) -> Response {
        let (code, status) = code_and_status(&self.error);
        if let OciError::Internal(detail) | OciError::Unavailable(detail) = &self.error {
            tracing::error!(%detail, "registry request failed");
        }
        let (message, detail) = message_and_detail(&self.error);
        let mut entry = json!({ "code": code, "message": message });
        if !detail.is_null() {
            entry["detail"] = detail;
        }
        let mut response = (status, Json(json!({ "errors": [entry] }))).into_response();
        match &self.error {
            OciError::TooManyRequests(wait) => {
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from(wait.as_secs().max(1)));
            }
            OciError::Unavailable(_) => {
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from_static("5"));
            }
            _ => {}
        }
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, v);
            }
        }
        response
    }
}

pub type HttpResult<T> = std::result::Result<T, OciHttpError>;

impl From<crate::infra::db::DbError> for OciHttpError {
    fn from(e: crate::infra::db::DbError) -> Self {
        OciError::from(e).into()
    }
}

impl From<crate::infra::storage::StorageError> for OciHttpError {
    fn from(e: crate::infra::storage::StorageError) -> Self {
        OciError::from(e).into()
    }
}
