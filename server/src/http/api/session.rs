//! `/api/ui/*`: the browser's account calls. Sessions live in an HttpOnly, SameSite=Lax
//! cookie; every change made with that cookie must carry the session's CSRF token in
//! `X-CSRF-Token` (checked in the caller extractor).

use app::api_types::{
    ApiKeyBody, Credentials, PasswordConfirmation, SessionInfo, SessionUser, SiteInfo, Success,
};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::body::JsonBody;
use super::caller::{cookie as request_cookie, session_cookie, ApiCaller, SESSION_COOKIE};
use crate::domain::accounts::{self, AccountError, SESSION_LIFETIME};
use crate::domain::github_auth;
use crate::http::error::ApiError;
use crate::infra::db::UserRecord;
use crate::state::AppState;

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::InvalidName(_) | AccountError::BadPassword => {
                ApiError::bad_request(e.to_string())
            }
            AccountError::NameTaken(_) => ApiError::new(StatusCode::CONFLICT, e.to_string()),
            AccountError::BadCredentials | AccountError::WrongPassword => {
                ApiError::new(StatusCode::UNAUTHORIZED, e.to_string())
            }
            AccountError::Throttled(wait) => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, e.to_string())
                    .with_header(header::RETRY_AFTER, wait.as_secs().max(1).to_string())
            }
            AccountError::Db(db) => db.into(),
            AccountError::Hashing(_) => ApiError::internal(e),
        }
    }
}

fn session_user(state: &AppState, u: &UserRecord) -> SessionUser {
    SessionUser {
        name: u.name.clone(),
        is_admin: u.is_admin,
        is_premium: state.plans().is_premium(u),
    }
}

fn site_info(state: &AppState, headers: &HeaderMap) -> SiteInfo {
    let config = &state.config;
    let here = crate::http::public_base(config, headers);
    SiteInfo {
        download_base: config
            .download_url
            .clone()
            .unwrap_or_else(|| "/dl".to_owned()),
        api_base: config.api_url.clone().unwrap_or(here),
        github: config.github.client().is_some(),
    }
}

/// The session answer: who (if anyone) is signed in, their CSRF token, and the site.
pub(super) fn session_info(
    state: &AppState,
    headers: &HeaderMap,
    signed_in: Option<(&UserRecord, String)>,
) -> SessionInfo {
    let (user, csrf_token) = match signed_in {
        Some((user, csrf)) => (Some(session_user(state, user)), Some(csrf)),
        None => (None, None),
    };
    SessionInfo {
        user,
        csrf_token,
        site: site_info(state, headers),
    }
}

/// Whether cookies must be `Secure` (Wharf is reached over https).
pub(super) fn secure(state: &AppState) -> bool {
    state
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
}

fn cookie(state: &AppState, value: &str, max_age: u64) -> HeaderValue {
    let secure = if secure(state) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("hex and ASCII")
}

pub(super) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
) -> Result<Response, ApiError> {
    let session = accounts::start_session(&state.db, &state.secrets, user.id).await?;
    let body = session_info(state, headers, Some((user, session.csrf_token)));
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie(state, &session.token, SESSION_LIFETIME.as_secs()),
    );
    Ok(response)
}

pub async fn info(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<SessionInfo>, ApiError> {
    let Some(token) = session_cookie(&headers) else {
        return Ok(Json(session_info(&state, &headers, None)));
    };
    let found = accounts::resolve_session(&state.db, &state.secrets, &token).await?;
    Ok(Json(session_info(
        &state,
        &headers,
        found.as_ref().map(|(user, csrf)| (user, csrf.clone())),
    )))
}

/// Sign-in and sign-up come without a session, so no CSRF token protects them: demanding
/// a JSON content type does instead, since another site's form cannot send one.
pub(super) fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the credentials as application/json",
        ))
    }
}

pub async fn sign_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(c): JsonBody<Credentials>,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    // "Create an account for this GitHub login": the identity this browser just signed in
    // to GitHub with, kept server-side for ten minutes.
    let pending = match (
        c.link_github,
        request_cookie(&headers, github_auth::FLOW_COOKIE),
    ) {
        (true, Some(token)) => {
            let mac = github_auth::browser_mac(&state.secrets, &token);
            let found = state.db.pending_signup(&mac).await?;
            Some((
                mac,
                found.ok_or_else(|| {
                    ApiError::bad_request(
                        "The GitHub sign-in has expired; sign in with GitHub again",
                    )
                })?,
            ))
        }
        (true, None) => {
            return Err(ApiError::bad_request(
                "The GitHub sign-in has expired; sign in with GitHub again",
            ))
        }
        _ => None,
    };
    let github = pending.map(|(browser_mac, identity)| accounts::PendingGitHub {
        browser_mac,
        identity,
    });
    let user = accounts::sign_up(
        &state.db,
        &state.secrets,
        c.name.trim(),
        &c.password,
        github,
    )
    .await?;
    let mut response = signed_in(&state, &headers, &user).await?;
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(c): JsonBody<Credentials>,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let user = accounts::sign_in(&state.db, &state.throttle, &c.name, &c.password).await?;
    signed_in(&state, &headers, &user).await
}

pub async fn sign_out(
    State(state): State<AppState>,
    ApiCaller(_caller): ApiCaller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = session_cookie(&headers) {
        accounts::end_session(&state.db, &state.secrets, &token).await?;
    }
    let mut response = Json(Success::new()).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(&state, "", 0));
    Ok(response)
}

fn signed_in_user(caller: &crate::domain::catalog::Caller) -> Result<&UserRecord, ApiError> {
    caller.user.as_ref().ok_or_else(ApiError::unauthenticated)
}

pub async fn reveal_api_key(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    JsonBody(p): JsonBody<PasswordConfirmation>,
) -> Result<Json<ApiKeyBody>, ApiError> {
    let user = signed_in_user(&caller)?;
    let key = accounts::reveal_api_key(&state.secrets, &state.throttle, user, &p.password).await?;
    Ok(Json(ApiKeyBody {
        api_key: key.expose().to_owned(),
    }))
}

pub async fn regenerate_api_key(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    JsonBody(p): JsonBody<PasswordConfirmation>,
) -> Result<Json<ApiKeyBody>, ApiError> {
    let user = signed_in_user(&caller)?;
    let key = accounts::regenerate_api_key(
        &state.db,
        &state.secrets,
        &state.throttle,
        user,
        &p.password,
    )
    .await?;
    Ok(Json(ApiKeyBody {
        api_key: key.expose().to_owned(),
    }))
}
