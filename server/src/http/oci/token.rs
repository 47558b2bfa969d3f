//! `/v2/token`: the Bearer token flow. `GET` with HTTP Basic `user:apikey` (or nothing, for
//! an anonymous pull token) is what Docker clients send; `POST` takes the OAuth2 password
//! grant. A wrong key is refused, never downgraded to an anonymous token.

use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::auth::check_key;
use super::error::{HttpResult, OciHttpError};
use crate::domain::oci::token::{self, Claims};
use crate::domain::oci::OciError;
use crate::http::api::caller::parse_basic;
use crate::infra::db::UserRecord;
use crate::state::AppState;

fn token_response(state: &AppState, user: Option<&UserRecord>) -> Response {
    let now = token::now_secs();
    let claims = Claims {
        user_id: user.map(|u| u.id),
        key_fingerprint: user
            .map(|u| token::key_fingerprint(&u.api_key_mac))
            .unwrap_or_default(),
        expires_at: now + token::LIFETIME_SECS,
    };
    let token = token::mint(&state.secrets, &claims);
    let issued_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Json(json!({
        "token": token,
        "access_token": token,
        "expires_in": token::LIFETIME_SECS,
        "issued_at": issued_at,
    }))
    .into_response()
}

pub async fn issue(State(state): State<AppState>, headers: HeaderMap) -> HttpResult<Response> {
    let user = match headers.get(AUTHORIZATION) {
        None => None,
        Some(value) => {
            let (name, key) = value
                .to_str()
                .ok()
                .and_then(parse_basic)
                .ok_or(OciError::Unauthorized)?;
            if name.is_empty() && key.is_empty() {
                None
            } else {
                Some(check_key(&state, &name, &key).await?)
            }
        }
    };
    Ok(token_response(&state, user.as_ref()))
}

/// `grant_type=password&username=…&password=<api key>`.
pub async fn issue_oauth(State(state): State<AppState>, body: String) -> HttpResult<Response> {
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let field = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if field("grant_type") != Some("password") {
        return Err(OciHttpError::from(OciError::Unsupported(
            "only grant_type=password is supported; or GET this endpoint with Basic auth".into(),
        )));
    }
    let (Some(name), Some(key)) = (field("username"), field("password")) else {
        return Err(OciError::Unauthorized.into());
    };
    let user = check_key(&state, name, key).await?;
    Ok(token_response(&state, Some(&user)))
}
