//! Who is calling the registry: HTTP Basic `user:apikey` (what `docker login` and CI
//! systems send), a Bearer token from `/v2/token`, or nobody. Unlike the REST API, every
//! 401 here carries `WWW-Authenticate` challenges (added by [`registry_headers`]): Docker
//! clients only send credentials after being challenged.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, HOST, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::error::OciHttpError;
use crate::domain::catalog::Caller;
use crate::domain::oci::{route, token, OciError};
use crate::http::api::caller::{parse_basic, verify_api_key, KeyRefused};
use crate::infra::db::DbError;
use crate::state::AppState;

/// The caller, and whether they proved anything (a key or a token, even an anonymous
/// token): `GET /v2/` answers 200 only then, which is how `docker login` checks a key.
pub struct OciCaller {
    pub caller: Caller,
    pub authenticated: bool,
}

impl FromRequestParts<AppState> for OciCaller {
    type Rejection = OciHttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, OciHttpError> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(OciCaller {
                caller: Caller::anonymous(),
                authenticated: false,
            });
        };
        let value = header.to_str().map_err(|_| OciError::Unauthorized)?;
        if let Some(token) = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
        {
            return from_token(state, token).await;
        }
        let (name, key) = parse_basic(value).ok_or(OciError::Unauthorized)?;
        // Clients without credentials answer a Basic challenge with empty ones
        // (containers/image does): that is an anonymous caller.
        if name.is_empty() && key.is_empty() {
            return Ok(OciCaller {
                caller: Caller::anonymous(),
                authenticated: false,
            });
        }
        Ok(OciCaller {
            caller: Caller {
                user: Some(check_key(state, &name, &key).await?),
            },
            authenticated: true,
        })
    }
}

/// The user whose API key this is.
pub async fn check_key(
    state: &AppState,
    name: &str,
    key: &str,
) -> Result<crate::infra::db::UserRecord, OciError> {
    match verify_api_key(state, name, key).await {
        Ok(user) => Ok(user),
        Err(KeyRefused::Wrong) => Err(OciError::Unauthorized),
        Err(KeyRefused::Throttled(wait)) => Err(OciError::TooManyRequests(wait)),
        Err(KeyRefused::Internal(e)) => Err(OciError::Internal(e)),
    }
}

async fn from_token(state: &AppState, token: &str) -> Result<OciCaller, OciHttpError> {
    let claims =
        token::verify(&state.secrets, token, token::now_secs()).ok_or(OciError::Unauthorized)?;
    let user = match claims.user_id {
        None => None,
        Some(id) => match state.db.find_user_by_id(id).await {
            Ok(u) if token::key_fingerprint(&u.api_key_mac) == claims.key_fingerprint => Some(u),
            Ok(_) | Err(DbError::NotFound) => return Err(OciError::Unauthorized.into()),
            Err(e) => return Err(OciError::from(e).into()),
        },
    };
    Ok(OciCaller {
        caller: Caller { user },
        authenticated: true,
    })
}

/// `http(s)://host` as the client reached the server: the proxy's scheme if it says,
/// else the configured public URL's, else http.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').next().unwrap_or("http").trim().to_owned())
        .filter(|v| v == "http" || v == "https")
        .or_else(|| {
            state
                .config
                .public_url
                .as_deref()
                .and_then(|u| u.split_once("://"))
                .map(|(scheme, _)| scheme.to_owned())
        })
        .unwrap_or_else(|| "http".to_owned());
    format!("{scheme}://{host}")
}

/// Adds what every registry answer carries, and the challenges to every 401: Basic
/// first (what most clients use with a key), then Bearer with the token endpoint.
pub async fn registry_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let base = base_url(&state, req.headers());
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_owned();
    let is_token_endpoint = req.uri().path() == "/v2/token";
    let scope = req
        .uri()
        .path()
        .strip_prefix("/v2/")
        .and_then(route::parse)
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, _)| {
            let actions = if matches!(req.method().as_str(), "GET" | "HEAD") {
                "pull"
            } else {
                "pull,push"
            };
            format!(",scope=\"repository:{name}:{actions}\"")
        })
        .unwrap_or_default();
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        "docker-distribution-api-version",
        HeaderValue::from_static("registry/2.0"),
    );
    if response.status() == StatusCode::UNAUTHORIZED {
        let headers = response.headers_mut();
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"Wharf\""),
        );
        let bearer = format!("Bearer realm=\"{base}/v2/token\",service=\"{host}\"{scope}");
        if let (false, Ok(v)) = (is_token_endpoint, HeaderValue::from_str(&bearer)) {
            headers.append(WWW_AUTHENTICATE, v);
        }
    }
    response
}
