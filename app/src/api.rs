//! The app's calls to the server: JSON in, JSON out, errors as the server's `{"message"}`.
//! Changes carry the session's CSRF token.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api_types::ErrorBody;

/// Percent-encodes one path segment of an API URL.
pub use crate::domain::url::path_segment as segment;

/// A failed call, with text fit to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    pub status: u16,
    pub message: String,
}

impl ApiFailure {
    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn network(e: gloo_net::Error) -> ApiFailure {
    ApiFailure {
        status: 0,
        message: format!("The server could not be reached ({e})"),
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    let status = response.status();
    if response.ok() {
        return response.json::<T>().await.map_err(|e| ApiFailure {
            status,
            message: format!("Unexpected answer from the server ({e})"),
        });
    }
    let message = match response.json::<ErrorBody>().await {
        Ok(body) => body.message,
        Err(_) => format!("The server answered {status}"),
    };
    Err(ApiFailure { status, message })
}

pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiFailure> {
    let response = Request::get(url).send().await.map_err(network)?;
    read(response).await
}

pub async fn delete<T: DeserializeOwned>(url: &str, csrf: Option<String>) -> Result<T, ApiFailure> {
    let mut builder = Request::delete(url);
    if let Some(token) = csrf {
        builder = builder.header("X-CSRF-Token", &token);
    }
    let response = builder.send().await.map_err(network)?;
    read(response).await
}

/// Sends `body` as JSON with the CSRF token (when signed in).
pub async fn send<B: Serialize, T: DeserializeOwned>(
    builder: RequestBuilder,
    csrf: Option<String>,
    body: &B,
) -> Result<T, ApiFailure> {
    let builder = match csrf {
        Some(token) => builder.header("X-CSRF-Token", &token),
        None => builder,
    };
    let response = builder
        .json(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(
    url: &str,
    csrf: Option<String>,
    body: &B,
) -> Result<T, ApiFailure> {
    send(Request::patch(url), csrf, body).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(
    url: &str,
    csrf: Option<String>,
    body: &B,
) -> Result<T, ApiFailure> {
    send(Request::post(url), csrf, body).await
}
