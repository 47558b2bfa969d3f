//! Who is calling: HTTP Basic `username:apikey` (what every Bintray client sends up
//! front), or nobody. Wrong credentials are refused outright rather than treated as
//! anonymous, so a typo in a CI secret fails loudly.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;

use crate::accounts::API_KEY_PURPOSE;
use crate::db::DbError;
use crate::http::error::ApiError;
use crate::registry::Caller;
use crate::state::AppState;

/// The extractor form of [`Caller`].
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(ApiCaller(Caller::anonymous()));
        };
        let (name, key) = parse_basic(header.to_str().map_err(|_| ApiError::unauthenticated())?)
            .ok_or_else(ApiError::unauthenticated)?;
        let user = match state.db.find_user_by_name(&name.to_ascii_lowercase()).await {
            Ok(u) => u,
            Err(DbError::NotFound) => return Err(ApiError::unauthenticated()),
            Err(e) => return Err(ApiError::internal(e)),
        };
        if !state
            .secrets
            .verify_mac(API_KEY_PURPOSE, &key, &user.api_key_mac)
        {
            tracing::info!(user = %user.name, "API key refused");
            return Err(ApiError::unauthenticated());
        }
        Ok(ApiCaller(Caller { user: Some(user) }))
    }
}

/// `Basic base64(user:key)` → `(user, key)`.
fn parse_basic(value: &str) -> Option<(String, String)> {
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
    use super::parse_basic;

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
