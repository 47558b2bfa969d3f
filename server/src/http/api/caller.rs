//! Who is calling: HTTP Basic `username:apikey` (what every Bintray client sends up
//! front), the browser's session cookie, or nobody. Wrong credentials are refused outright
//! rather than treated as anonymous, so a typo in a CI secret fails loudly. A change made
//! with the session cookie must carry the session's CSRF token in `X-CSRF-Token`: another
//! site can make a browser send the cookie, but cannot read the token or set the header.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use base64::Engine;

use crate::domain::accounts::{self, API_KEY_PURPOSE};
use crate::domain::catalog::Caller;
use crate::http::error::ApiError;
use crate::infra::db::{DbError, UserRecord};
use crate::state::AppState;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "wharf_session";

/// The session cookie's value, if the request has one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// A cookie's value, if the request has it and it is not empty.
pub fn cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

fn csrf_refused() -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "Missing or invalid CSRF token")
}

/// The extractor form of [`Caller`].
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return from_session(parts, state).await;
        };
        let (name, key) = parse_basic(header.to_str().map_err(|_| ApiError::unauthenticated())?)
            .ok_or_else(ApiError::unauthenticated)?;
        match verify_api_key(state, &name, &key).await {
            Ok(user) => Ok(ApiCaller(Caller { user: Some(user) })),
            Err(KeyRefused::Throttled(wait)) => {
                Err(ApiError::from(accounts::AccountError::Throttled(wait)))
            }
            Err(KeyRefused::Wrong) => Err(ApiError::unauthenticated()),
            Err(KeyRefused::Internal(e)) => Err(ApiError::internal(e)),
        }
    }
}

/// Why `user:apikey` credentials were refused.
#[derive(Debug)]
pub(crate) enum KeyRefused {
    Wrong,
    /// Too many wrong keys for this user lately: wait this long.
    Throttled(std::time::Duration),
    Internal(String),
}

/// The user whose API key `key` is, with wrong keys throttled per user name. Shared by
/// the REST API and the Docker registry.
///
/// The right key always passes, even while wrong ones for the same name are being made to
/// wait: a key is 160 random bits, so the throttle cannot be what protects it, and checking
/// the wait first would let anyone who knows a user name lock that user's CI out by
/// sending a wrong key every few minutes.
pub(crate) async fn verify_api_key(
    state: &AppState,
    name: &str,
    key: &str,
) -> Result<UserRecord, KeyRefused> {
    let throttle_key = name.to_ascii_lowercase();
    let user = match state.db.find_user_by_name(&throttle_key).await {
        Ok(u) => Some(u),
        Err(DbError::NotFound) => None,
        Err(e) => return Err(KeyRefused::Internal(e.to_string())),
    };
    match user {
        Some(user)
            if state
                .secrets
                .verify_mac(API_KEY_PURPOSE, key, &user.api_key_mac) =>
        {
            state.throttle.success(&throttle_key).await;
            Ok(user)
        }
        _ => {
            if let Err(wait) = state.throttle.check(&throttle_key).await {
                return Err(KeyRefused::Throttled(wait));
            }
            tracing::info!(user = %name, "API key refused");
            state.throttle.failure(&throttle_key).await;
            Err(KeyRefused::Wrong)
        }
    }
}

async fn from_session(parts: &Parts, state: &AppState) -> Result<ApiCaller, ApiError> {
    let Some(token) = session_cookie(&parts.headers) else {
        return Ok(ApiCaller(Caller::anonymous()));
    };
    // An expired or unknown session is simply no session: the page signs in again.
    let Some((user, csrf)) = accounts::resolve_session(&state.db, &state.secrets, &token).await?
    else {
        return Ok(ApiCaller(Caller::anonymous()));
    };
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        use subtle::ConstantTimeEq;
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !bool::from(sent.as_bytes().ct_eq(csrf.as_bytes())) {
            return Err(csrf_refused());
        }
    }
    Ok(ApiCaller(Caller { user: Some(user) }))
}

/// `Basic base64(user:key)` → `(user, key)`.
pub(crate) fn parse_basic(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, key) = text.split_once(':')?;
    Some((user.to_owned(), key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::{parse_basic, session_cookie};

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("cookie", "a=1; wharf_session=abc; b=2".parse().unwrap());
        assert_eq!(session_cookie(&h).as_deref(), Some("abc"));
        h.insert("cookie", "wharf_session=".parse().unwrap());
        assert_eq!(session_cookie(&h), None);
    }

    #[test]
    fn basic_credentials_are_decoded() {
        // "alice:k3y" in base64
        assert_eq!(
            parse_basic("Basic YWxpY2U6azN5"),
            Some(("alice".into(), "k3y".into()))
        );
        assert_eq!(parse_basic("basic YWxpY2U6azN5").unwrap().0, "alice");
        assert_eq!(parse_basic("Bearer abc"), None);
        assert_eq!(parse_basic("Basic !!!"), None);
        // no colon
        assert_eq!(parse_basic("Basic YWxpY2U="), None);
    }
}
