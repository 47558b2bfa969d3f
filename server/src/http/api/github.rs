//! `/api/ui/github/*`: linking a GitHub account (Profile › Accounts), signing in with it,
//! and disconnecting it. The token never appears in an answer: the browser only learns the
//! login, the avatar and whether private repositories are readable.

use super::extract::Query;
use app::api_types::{AuthorizeUrl, GitHubAccount, GitHubAuthorize, GitHubStatus, Success};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Deserialize;

use super::body::JsonBody;
use super::caller::{cookie, ApiCaller};
use crate::domain::github_auth::{self, Callback, Finished, GitHubAuthError, Purpose, FLOW_COOKIE};
use crate::http::error::ApiError;
use crate::state::AppState;

impl From<GitHubAuthError> for ApiError {
    fn from(e: GitHubAuthError) -> Self {
        match &e {
            GitHubAuthError::NotConfigured => ApiError::new(StatusCode::CONFLICT, e.to_string()),
            GitHubAuthError::NotPremium => ApiError::new(StatusCode::FORBIDDEN, e.to_string()),
            GitHubAuthError::SignedOut => ApiError::unauthenticated(),
            GitHubAuthError::NotLinked => ApiError::new(StatusCode::CONFLICT, e.to_string()),
            GitHubAuthError::Db(_) => ApiError::internal(e),
            _ => ApiError::bad_request(e.to_string()),
        }
    }
}

/// The callback address GitHub sends the browser back to.
fn redirect_uri(state: &AppState, headers: &HeaderMap) -> String {
    let base = crate::http::public_base(&state.config, headers);
    format!("{base}/api/ui/github/callback")
}

fn flow_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if super::session::secure(state) {
        "; Secure"
    } else {
        ""
    };
    // Lax: sent on GitHub's top-level redirect back to us, never on cross-site requests.
    HeaderValue::from_str(&format!(
        "{FLOW_COOKIE}={value}; Path=/api/ui; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("hex and ASCII")
}

pub async fn status(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
) -> Result<Json<GitHubStatus>, ApiError> {
    let linked = match &caller.user {
        Some(user) => state.db.github_link(user.id).await?.map(|l| GitHubAccount {
            // What imports may do now (a grant outlives a move back to Free).
            private_access: state.plans().may_import_private(user, &l),
            login: l.login,
            avatar_url: l.avatar_url,
        }),
        None => None,
    };
    let pending_signup = match cookie(&headers, FLOW_COOKIE) {
        Some(token) if caller.user.is_none() => state
            .db
            .pending_signup(&github_auth::browser_mac(&state.secrets, &token))
            .await?
            .map(|p| p.login),
        _ => None,
    };
    Ok(Json(GitHubStatus {
        configured: state.config.github.client().is_some(),
        premium: state.plans().caller_is_premium(caller.user.as_ref()),
        linked,
        pending_signup,
    }))
}

/// Starts a flow; the answer is GitHub's authorize URL for the app to navigate to.
pub async fn authorize(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    JsonBody(body): JsonBody<GitHubAuthorize>,
) -> Result<Response, ApiError> {
    let purpose = match body.purpose.as_str() {
        "link" => Purpose::Link,
        "signin" => Purpose::SignIn,
        "grant" => Purpose::Grant,
        other => {
            return Err(ApiError::bad_request(format!(
                "purpose must be \"link\", \"grant\" or \"signin\", not {other:?}"
            )))
        }
    };
    // A sign-in starts without a session (so without a CSRF token): demanding JSON keeps
    // other sites' forms out, as for the password sign-in.
    super::session::require_json(&headers)?;
    let started = github_auth::start(
        &state.db,
        &state.secrets,
        &state.config.github,
        purpose,
        caller.user.as_ref(),
        state.plans(),
        body.private_access,
        &redirect_uri(&state, &headers),
    )
    .await?;
    let mut response = Json(AuthorizeUrl {
        url: started.authorize_url,
    })
    .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        flow_cookie(
            &state,
            &started.browser_token,
            github_auth::FLOW_LIFETIME_MS / 1000,
        ),
    );
    Ok(response)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Where GitHub sends the browser back. Always a redirect to a page, which shows the
/// outcome; the code and state never reach the app.
pub async fn callback(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let browser_token = cookie(&headers, FLOW_COOKIE);
    let outcome = github_auth::finish(
        &state.db,
        &state.secrets,
        &state.config.github,
        &state.github,
        Callback {
            code: q.code.as_deref(),
            state: q.state.as_deref(),
            error: q.error.as_deref(),
            browser_token: browser_token.as_deref(),
            session_user: caller.user.as_ref(),
        },
    )
    .await;
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    match outcome {
        Ok(Finished::Linked { login, .. }) => {
            tracing::info!(github_login = %login, "GitHub account linked");
            Redirect::to(&format!("/profile?github=linked&login={}", encode(&login)))
                .into_response()
        }
        Ok(Finished::Granted { login }) => {
            tracing::info!(github_login = %login, "GitHub access widened to private repositories");
            Redirect::to("/profile?github=granted").into_response()
        }
        Ok(Finished::SignedIn(user)) => {
            match super::session::signed_in(&state, &headers, &user).await {
                Ok(signed) => {
                    let mut response = Redirect::to(&format!("/{}", user.name)).into_response();
                    if let Some(c) = signed.headers().get(header::SET_COOKIE) {
                        response.headers_mut().insert(header::SET_COOKIE, c.clone());
                    }
                    response
                }
                Err(e) => e.into_response(),
            }
        }
        Ok(Finished::NeedsAccount { login }) => {
            Redirect::to(&format!("/signup?github={}", encode(&login))).into_response()
        }
        Err(e) => {
            if let GitHubAuthError::Db(_) | GitHubAuthError::Unreachable(_) = &e {
                tracing::warn!(error = ?e, "GitHub authorization failed");
            }
            let page = if caller.user.is_some() {
                "/profile"
            } else {
                "/signin"
            };
            Redirect::to(&format!("{page}?github_error={}", encode(&e.to_string()))).into_response()
        }
    }
}

/// Unlinks the GitHub account and revokes its token at GitHub.
pub async fn disconnect(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Success>, ApiError> {
    let user = caller.user.as_ref().ok_or_else(ApiError::unauthenticated)?;
    let link = state.db.github_link(user.id).await?;
    if let Some(link) = link {
        if let (Some((id, secret)), Ok(token)) = (
            state.config.github.client(),
            state.secrets.open(&link.token_sealed),
        ) {
            // Unlinking must work even when GitHub cannot be reached: the token is
            // forgotten here either way, and the user can revoke it on GitHub too.
            let token = crate::infra::github::GitHubToken::new(token);
            if let Err(e) = state.github.revoke_token(id, secret, &token).await {
                tracing::warn!(error = %e, "could not revoke a GitHub token");
            }
        }
        state.db.unlink_github(user.id).await?;
    }
    Ok(Json(Success::new()))
}
