//! The app's calls to the server: JSON in, JSON out, errors as the server's `{"message"}`.
//! Each takes an [`Endpoint`] from [`crate::endpoints`], which fixes its method, path and
//! answer type. Changes carry the session's CSRF token.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api_types::ErrorBody;
use crate::endpoints::{Delete, Endpoint, Get, NoBody, Verb, WithBody};

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

/// A read: the endpoint's answer, without a token.
pub async fn get<R: DeserializeOwned>(endpoint: Endpoint<Get, NoBody, R>) -> Result<R, ApiFailure> {
    let response = Request::get(endpoint.path())
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

pub async fn delete<R: DeserializeOwned>(
    endpoint: Endpoint<Delete, NoBody, R>,
    csrf: Option<String>,
) -> Result<R, ApiFailure> {
    let response = with_token(Request::delete(endpoint.path()), csrf)
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

/// Sends `body` as JSON with the CSRF token (when signed in).
pub async fn send<M: WithBody, B: Serialize, R: DeserializeOwned>(
    endpoint: Endpoint<M, B, R>,
    csrf: Option<String>,
    body: &B,
) -> Result<R, ApiFailure> {
    let builder = with_token(builder(M::VERB, endpoint.path()), csrf);
    let response = builder
        .json(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

fn builder(verb: Verb, path: &str) -> RequestBuilder {
    match verb {
        Verb::Get => Request::get(path),
        Verb::Post => Request::post(path),
        Verb::Put => Request::put(path),
        Verb::Patch => Request::patch(path),
        Verb::Delete => Request::delete(path),
    }
}

fn with_token(builder: RequestBuilder, csrf: Option<String>) -> RequestBuilder {
    match csrf {
        Some(token) => builder.header("X-CSRF-Token", &token),
        None => builder,
    }
}
