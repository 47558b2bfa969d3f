//! Authorising with GitHub (OAuth App web flow): linking a GitHub account to a Wharf
//! account, and signing in with a linked one.
//!
//! The flow is bound to the browser that started it: `state` and a random value in a
//! short-lived HttpOnly cookie are stored as MACs, so a callback carried to another browser
//! (login CSRF) or replayed fails. PKCE S256 guards the code. GitHub answers token errors
//! with HTTP 200, and grants scopes comma-separated; both are handled here. The access
//! token is sealed before it is stored and never leaves the server.

use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    StandardErrorResponse, TokenResponse, TokenUrl,
};

use crate::domain::plans::Plans;
use crate::infra::config::GitHubSettings;
use crate::infra::db::{now_millis, Db, DbError, GitHubIdentity, OAuthFlow, UserRecord};
use crate::infra::github::{GitHubClient, GitHubError, GitHubToken};
use crate::infra::secrets::Secrets;

/// What [`Secrets::mac`] is keyed with for OAuth `state` values.
const STATE_PURPOSE: &str = "github-oauth-state";
/// ... and for the browser's flow cookie.
const BROWSER_PURPOSE: &str = "github-oauth-browser";
/// The cookie that binds a flow (and a pending sign-up) to one browser.
pub const FLOW_COOKIE: &str = "wharf_github_flow";
/// GitHub's codes live ten minutes; so do our flows.
pub const FLOW_LIFETIME_MS: i64 = 10 * 60 * 1000;

/// Why a flow failed. `Display` is the user-facing text.
#[derive(Debug, thiserror::Error)]
pub enum GitHubAuthError {
    #[error("GitHub is not configured on this server: its administrator must set WHARF_GITHUB_CLIENT_ID and WHARF_GITHUB_CLIENT_SECRET")]
    NotConfigured,
    #[error("only Premium accounts can give access to private repositories")]
    NotPremium,
    #[error("this GitHub authorization was not started here, was already used, or took longer than ten minutes; please try again")]
    StateMismatch,
    #[error("the authorization was cancelled on GitHub")]
    Denied,
    #[error("The authorization was cancelled on GitHub. Your GitHub link is intact, as it was: public repositories can still be imported.")]
    GrantDenied,
    #[error("GitHub refused the authorization: {0}")]
    Refused(String),
    #[error("this GitHub account is already linked to another Wharf account")]
    LinkedElsewhere,
    #[error("you signed out while authorizing with GitHub; sign in and try again")]
    SignedOut,
    #[error("link your GitHub account first (Profile › Accounts › Authorize with GitHub)")]
    NotLinked,
    #[error("You approved on GitHub as {got}, but this Wharf account is linked to {linked}. Your link to {linked} is intact, as it was. To grant access, sign in to GitHub as {linked} and try again.")]
    OtherAccount { got: String, linked: String },
    #[error("GitHub did not grant access to private repositories. Your GitHub link is intact, as it was: public repositories can still be imported.")]
    NotGranted,
    #[error("{}", .0.user_message())]
    Github(#[from] GitHubError),
    #[error("could not reach GitHub to finish the authorization")]
    Unreachable(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Why a flow was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Profile › Accounts › Authorize with GitHub.
    Link,
    /// Sign in with GitHub.
    SignIn,
    /// Profile › Accounts › Grant access to private repositories: the linked account
    /// authorizes again with the wider `repo` scope. The link (and its token) stays as it
    /// is until GitHub approves; then the new token replaces the old one, and nothing is
    /// disconnected or revoked.
    Grant,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Link => "link",
            Purpose::SignIn => "signin",
            Purpose::Grant => "grant",
        }
    }
}

/// Where the browser goes next, and the cookie that ties the callback to it.
pub struct Started {
    pub authorize_url: String,
    pub browser_token: String,
}

/// How a callback ended.
pub enum Finished {
    Linked {
        login: String,
        private_access: bool,
    },
    SignedIn(UserRecord),
    /// The linked account now grants access to private repositories.
    Granted {
        login: String,
    },
    /// A GitHub account nobody linked: offered to sign-up in this browser.
    NeedsAccount {
        login: String,
    },
}

type OAuthClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

fn oauth_client(
    config: &GitHubSettings,
    redirect_uri: &str,
) -> Result<OAuthClient, GitHubAuthError> {
    let (id, secret) = config.client().ok_or(GitHubAuthError::NotConfigured)?;
    let bad = |e: oauth2::url::ParseError| GitHubAuthError::Unreachable(e.to_string());
    Ok(BasicClient::new(ClientId::new(id.to_owned()))
        .set_client_secret(ClientSecret::new(secret.to_owned()))
        .set_auth_uri(
            AuthUrl::new(format!("{}/login/oauth/authorize", config.web_url)).map_err(bad)?,
        )
        .set_token_uri(
            TokenUrl::new(format!("{}/login/oauth/access_token", config.web_url)).map_err(bad)?,
        )
        .set_redirect_uri(RedirectUrl::new(redirect_uri.to_owned()).map_err(bad)?)
        // GitHub documents the credentials in the body.
        .set_auth_type(AuthType::RequestBody))
}

/// The scopes asked for: identity always; `repo` (the only scope that reads private
/// repositories) when a Premium user ticks "Access private repositories".
fn scopes(purpose: Purpose, private_access: bool) -> Vec<&'static str> {
    match (purpose, private_access) {
        (Purpose::Link, true) | (Purpose::Grant, _) => vec!["read:user", "repo"],
        _ => vec!["read:user"],
    }
}

/// GitHub's granted-scope list is comma-separated (and may be space-separated elsewhere).
pub fn split_scopes(granted: &[Scope]) -> Vec<String> {
    granted
        .iter()
        .flat_map(|s| {
            s.as_str()
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether a granted scope list reads private repositories.
pub fn grants_private(scopes: &str) -> bool {
    scopes.split(',').any(|s| s.trim() == "repo")
}

/// Starts a flow: records it and returns GitHub's authorize URL.
#[allow(clippy::too_many_arguments)]
pub async fn start(
    db: &Db,
    secrets: &Secrets,
    config: &GitHubSettings,
    purpose: Purpose,
    user: Option<&UserRecord>,
    plans: Plans,
    private_access: bool,
    redirect_uri: &str,
) -> Result<Started, GitHubAuthError> {
    let client = oauth_client(config, redirect_uri)?;
    if matches!(purpose, Purpose::Link | Purpose::Grant) && user.is_none() {
        return Err(GitHubAuthError::SignedOut);
    }
    let private_access = private_access || purpose == Purpose::Grant;
    if private_access && !plans.caller_is_premium(user) {
        return Err(GitHubAuthError::NotPremium);
    }
    if purpose == Purpose::Grant {
        let user = user.ok_or(GitHubAuthError::SignedOut)?;
        if db.github_link(user.id).await?.is_none() {
            return Err(GitHubAuthError::NotLinked);
        }
    }
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge);
    for scope in scopes(purpose, private_access) {
        request = request.add_scope(Scope::new(scope.to_owned()));
    }
    let (url, state) = request.url();
    let browser_token = crate::domain::accounts::random_hex(32);
    db.insert_oauth_flow(
        &secrets.mac(STATE_PURPOSE, state.secret()),
        &OAuthFlow {
            browser_mac: secrets.mac(BROWSER_PURPOSE, &browser_token),
            purpose: purpose.as_str().to_owned(),
            user_id: user.map(|u| u.id),
            verifier_sealed: secrets.seal(verifier.secret()),
            redirect_uri: redirect_uri.to_owned(),
            private_access,
            expires_at: now_millis() + FLOW_LIFETIME_MS,
        },
    )
    .await?;
    Ok(Started {
        authorize_url: url.to_string(),
        browser_token,
    })
}

/// What GitHub's callback brought.
pub struct Callback<'a> {
    pub code: Option<&'a str>,
    pub state: Option<&'a str>,
    pub error: Option<&'a str>,
    /// The flow cookie of the browser that arrived.
    pub browser_token: Option<&'a str>,
    /// Who is signed in in that browser now.
    pub session_user: Option<&'a UserRecord>,
}

/// Finishes a flow: checks it belongs to this browser, exchanges the code, asks GitHub who
/// it is, and links or signs in.
pub async fn finish(
    db: &Db,
    secrets: &Secrets,
    config: &GitHubSettings,
    github: &GitHubClient,
    cb: Callback<'_>,
) -> Result<Finished, GitHubAuthError> {
    let state = cb.state.ok_or(GitHubAuthError::StateMismatch)?;
    let flow = db
        .take_oauth_flow(&secrets.mac(STATE_PURPOSE, state))
        .await?
        .ok_or(GitHubAuthError::StateMismatch)?;
    let same_browser = cb
        .browser_token
        .is_some_and(|t| secrets.verify_mac(BROWSER_PURPOSE, t, &flow.browser_mac));
    if !same_browser || flow.expires_at <= now_millis() {
        return Err(GitHubAuthError::StateMismatch);
    }
    if let Some(error) = cb.error {
        return Err(if error == "access_denied" && flow.purpose == "grant" {
            GitHubAuthError::GrantDenied
        } else if error == "access_denied" {
            GitHubAuthError::Denied
        } else {
            GitHubAuthError::Refused(error.to_owned())
        });
    }
    let code = cb.code.ok_or(GitHubAuthError::StateMismatch)?;
    let verifier = secrets
        .open(&flow.verifier_sealed)
        .map_err(|_| GitHubAuthError::StateMismatch)?;
    let (token, scopes) = exchange(config, &flow.redirect_uri, code, verifier).await?;
    let token = GitHubToken::new(token);
    let user = github.session(token.clone()).user().await?;
    let identity = GitHubIdentity {
        github_id: user.id as i64,
        login: user.login.clone(),
        avatar_url: user.avatar_url.clone(),
        token_sealed: secrets.seal(token.expose()),
        scopes: scopes.join(","),
    };
    let browser_mac = flow.browser_mac.clone();
    match flow.purpose.as_str() {
        "link" => {
            // The account that started linking must still be the one signed in.
            let user_id = flow.user_id.ok_or(GitHubAuthError::SignedOut)?;
            if cb.session_user.map(|u| u.id) != Some(user_id) {
                return Err(GitHubAuthError::SignedOut);
            }
            match db.link_github(user_id, &identity).await {
                Ok(()) => Ok(Finished::Linked {
                    login: identity.login,
                    private_access: grants_private(&identity.scopes),
                }),
                Err(DbError::Conflict) => Err(GitHubAuthError::LinkedElsewhere),
                Err(e) => Err(e.into()),
            }
        }
        "grant" => {
            let user_id = flow.user_id.ok_or(GitHubAuthError::SignedOut)?;
            if cb.session_user.map(|u| u.id) != Some(user_id) {
                return Err(GitHubAuthError::SignedOut);
            }
            let linked = db
                .github_link(user_id)
                .await?
                .ok_or(GitHubAuthError::NotLinked)?;
            // Only the same GitHub account widens the link; anything else leaves it (and
            // its token) as it was, and the token just issued is given back.
            let refusal = if linked.github_id != identity.github_id {
                Some(GitHubAuthError::OtherAccount {
                    got: identity.login.clone(),
                    linked: linked.login.clone(),
                })
            } else if !grants_private(&identity.scopes) {
                Some(GitHubAuthError::NotGranted)
            } else {
                None
            };
            if let Some(refusal) = refusal {
                if let Some((id, secret)) = config.client() {
                    if let Err(e) = github.revoke_token(id, secret, &token).await {
                        tracing::warn!(error = %e, "could not revoke an unused grant token");
                    }
                }
                return Err(refusal);
            }
            db.link_github(user_id, &identity).await?;
            Ok(Finished::Granted {
                login: identity.login,
            })
        }
        _ => match db.github_sign_in(&identity).await? {
            Some(user) => {
                // Signing in only proves who this is; the linked token (with the scopes
                // the user granted when linking) stays. The new one is revoked so they do
                // not pile up (GitHub revokes the oldest past ten per scope set).
                if let Some((id, secret)) = config.client() {
                    if let Err(e) = github.revoke_token(id, secret, &token).await {
                        tracing::warn!(error = %e, "could not revoke a sign-in token");
                    }
                }
                Ok(Finished::SignedIn(user))
            }
            None => {
                db.put_pending_signup(&browser_mac, &identity, now_millis() + FLOW_LIFETIME_MS)
                    .await?;
                Ok(Finished::NeedsAccount {
                    login: identity.login,
                })
            }
        },
    }
}

/// Trades the code for a token. GitHub reports a bad code or credentials with HTTP 200
/// and an `error` field, which the oauth2 crate sees as an unparsable token response.
async fn exchange(
    config: &GitHubSettings,
    redirect_uri: &str,
    code: &str,
    verifier: String,
) -> Result<(String, Vec<String>), GitHubAuthError> {
    let client = oauth_client(config, redirect_uri)?;
    let http = oauth2::reqwest::Client::builder()
        // The crate's advice: never follow redirects from the token endpoint (SSRF).
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| GitHubAuthError::Unreachable(e.to_string()))?;
    let result = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&http)
        .await;
    match result {
        Ok(token) => {
            let scopes = token.scopes().map(|s| split_scopes(s)).unwrap_or_default();
            Ok((token.access_token().secret().clone(), scopes))
        }
        Err(RequestTokenError::ServerResponse(e)) => Err(refused(&e)),
        Err(RequestTokenError::Parse(_, body)) => {
            match serde_json::from_slice::<StandardErrorResponse<BasicErrorResponseType>>(&body) {
                Ok(e) => Err(refused(&e)),
                Err(_) => Err(GitHubAuthError::Unreachable(
                    "the token endpoint answered something that is not a token".to_owned(),
                )),
            }
        }
        Err(RequestTokenError::Request(e)) => Err(GitHubAuthError::Unreachable(e.to_string())),
        Err(RequestTokenError::Other(e)) => Err(GitHubAuthError::Unreachable(e)),
    }
}

fn refused(e: &StandardErrorResponse<BasicErrorResponseType>) -> GitHubAuthError {
    let code = e.error().as_ref();
    let text = match code {
        "bad_verification_code" => "the code was already used or has expired".to_owned(),
        "incorrect_client_credentials" => {
            "this server's GitHub client id or secret is wrong".to_owned()
        }
        "redirect_uri_mismatch" => {
            "the callback address does not match the OAuth app's settings".to_owned()
        }
        _ => e
            .error_description()
            .cloned()
            .unwrap_or_else(|| code.to_owned()),
    };
    GitHubAuthError::Refused(text)
}

/// The browser's flow cookie as stored: for pending sign-ups.
pub fn browser_mac(secrets: &Secrets, browser_token: &str) -> String {
    secrets.mac(BROWSER_PURPOSE, browser_token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granted_scopes_are_split_on_commas() {
        let granted = vec![Scope::new("repo,read:user".to_owned())];
        assert_eq!(split_scopes(&granted), vec!["repo", "read:user"]);
        assert!(grants_private("read:user,repo"));
        assert!(!grants_private("read:user,public_repo"));
        assert!(!grants_private(""));
    }

    #[test]
    fn private_repositories_need_the_repo_scope_and_only_when_linking() {
        assert_eq!(scopes(Purpose::Link, true), vec!["read:user", "repo"]);
        assert_eq!(scopes(Purpose::Link, false), vec!["read:user"]);
        assert_eq!(scopes(Purpose::SignIn, true), vec!["read:user"]);
        // Granting private access asks for `repo` whatever the request said.
        assert_eq!(scopes(Purpose::Grant, false), vec!["read:user", "repo"]);
    }
}
