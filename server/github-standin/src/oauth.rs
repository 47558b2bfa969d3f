//! GitHub's OAuth web flow: the authorize page (Approve / Deny, a choice of account),
//! the token endpoint (errors at HTTP 200, form-encoded unless JSON is asked for,
//! comma-separated scopes, PKCE S256), and the OAuth app's token revocation endpoints.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Form, Router};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use url::Url;

use super::shapes::{self, Urls};
use super::world::{normalise_scopes, AccountKind, Grant, OAuthApp, Token};
use super::{now_epoch, random_alnum, StandIn};

const ERRORS_DOC: &str = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors";

pub(super) fn web_routes() -> Router<StandIn> {
    Router::new()
        .route("/", get(index))
        .route("/login/oauth/authorize", get(authorize_page).post(decide))
        .route("/avatars/{file}", get(avatar))
        .route(
            "/login/oauth/access_token",
            axum::routing::post(access_token),
        )
}

pub(super) fn api_routes() -> Router<StandIn> {
    Router::new()
        .route(
            "/applications/{client_id}/token",
            delete(delete_token).post(check_token),
        )
        .route("/applications/{client_id}/grant", delete(delete_grant))
}

/// `avatar_url` points here: an SVG with the account's initial on a colour of its own,
/// so pages that show avatars render without reaching GitHub.
async fn avatar(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let login = file.split('.').next().unwrap_or_default();
    let hue = login
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 360;
    let initial = login
        .chars()
        .next()
        .map(|c| c.to_ascii_uppercase())
        .unwrap_or('?');
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"80\" height=\"80\" viewBox=\"0 0 80 80\">\
         <rect width=\"80\" height=\"80\" fill=\"hsl({hue},55%,45%)\"/>\
         <text x=\"40\" y=\"53\" font-family=\"sans-serif\" font-size=\"38\" fill=\"#fff\" \
         text-anchor=\"middle\">{}</text></svg>",
        escape(&initial.to_string())
    );
    (
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
            (axum::http::header::CACHE_CONTROL, "max-age=3600"),
        ],
        svg,
    )
        .into_response()
}

pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;max-width:40em;margin:3em auto}}\
         button{{font-size:1em;padding:.4em 1em;margin-right:.5em}}</style></head>\
         <body><p><em>GitHub stand-in</em></p><h1>{t}</h1>{body}</body></html>",
        t = escape(title)
    )
}

fn error_page(status: StatusCode, message: &str) -> Response {
    (
        status,
        Html(page(
            "Something went wrong",
            &format!("<p role=\"alert\">{}</p>", escape(message)),
        )),
    )
        .into_response()
}

/// The authorize request's parameters (the GET query, and hidden fields of the POST).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct AuthorizeParams {
    client_id: String,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    login: Option<String>,
    /// The button pressed on the page: `approve` or `deny`.
    decision: Option<String>,
}

fn scope_description(scope: &str) -> &'static str {
    match scope {
        "repo" => "Full control of private repositories",
        "public_repo" => "Access public repositories",
        "read:user" => "Read all user profile data",
        "user" => "Update all user data",
        "user:email" => "Access user email addresses (read-only)",
        "read:org" => "Read org and team membership",
        _ => "Other access",
    }
}

/// Whether `given` may be used with an app registered with `registered`: same scheme,
/// host and port (any port for a loopback callback without one), a path at or below.
fn redirect_allowed(registered: &str, given: &str) -> bool {
    let (Ok(r), Ok(g)) = (Url::parse(registered), Url::parse(given)) else {
        return false;
    };
    let loopback = matches!(r.host_str(), Some("127.0.0.1") | Some("[::1]"));
    let port_ok = r.port() == g.port() || (loopback && r.port().is_none());
    let path_ok = g.path() == r.path()
        || g.path()
            .starts_with(&format!("{}/", r.path().trim_end_matches('/')));
    r.scheme() == g.scheme() && r.host_str() == g.host_str() && port_ok && path_ok
}

/// Appends query parameters to a redirect URI.
fn with_params(uri: &str, params: &[(&str, &str)]) -> String {
    match Url::parse(uri) {
        Ok(mut url) => {
            {
                let mut q = url.query_pairs_mut();
                for (k, v) in params {
                    q.append_pair(k, v);
                }
            }
            url.to_string()
        }
        Err(_) => uri.to_owned(),
    }
}

fn redirect(location: String) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// Checks the client and redirect URI; `Err` is the answer to give instead.
/// (The refusal is boxed: a `Response` is large.)
fn check_request(s: &StandIn, p: &AuthorizeParams) -> Result<(OAuthApp, String), Box<Response>> {
    let app = s.world().apps.get(&p.client_id).cloned().ok_or_else(|| {
        Box::new(error_page(
            StatusCode::NOT_FOUND,
            "No OAuth application is registered with this client_id.",
        ))
    })?;
    let redirect_uri = match (&p.redirect_uri, &app.callback_url) {
        (Some(given), Some(registered)) if !redirect_allowed(registered, given) => {
            let mut params = vec![
                ("error", "redirect_uri_mismatch"),
                (
                    "error_description",
                    "The redirect_uri MUST match the registered callback URL for this application.",
                ),
                ("error_uri", "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch"),
            ];
            if let Some(state) = &p.state {
                params.push(("state", state));
            }
            return Err(Box::new(redirect(with_params(registered, &params))));
        }
        (Some(given), _) => given.clone(),
        (None, Some(registered)) => registered.clone(),
        (None, None) => {
            return Err(Box::new(error_page(
                StatusCode::BAD_REQUEST,
                "This application has no callback URL; pass redirect_uri.",
            )))
        }
    };
    if Url::parse(&redirect_uri).is_err() {
        return Err(Box::new(error_page(
            StatusCode::BAD_REQUEST,
            "The redirect_uri is not a valid URL.",
        )));
    }
    match (
        p.code_challenge.as_deref(),
        p.code_challenge_method.as_deref(),
    ) {
        (None, _) => {}
        (Some(c), Some("S256")) if c.len() == 43 => {}
        (Some(_), Some("S256")) => {
            return Err(Box::new(error_page(
                StatusCode::BAD_REQUEST,
                "code_challenge must be 43 characters of base64url.",
            )))
        }
        (Some(_), _) => {
            return Err(Box::new(error_page(
                StatusCode::BAD_REQUEST,
                "code_challenge_method must be S256.",
            )))
        }
    }
    Ok((app, redirect_uri))
}

async fn authorize_page(State(s): State<StandIn>, Query(p): Query<AuthorizeParams>) -> Response {
    let (app, _) = match check_request(&s, &p) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let scopes = normalise_scopes(p.scope.as_deref().unwrap_or_default());
    let (accounts, chosen) = {
        let w = s.world();
        let users: Vec<String> = w
            .accounts
            .iter()
            .filter(|a| a.kind == AccountKind::User)
            .map(|a| a.login.clone())
            .collect();
        let chosen = p
            .login
            .as_deref()
            .and_then(|l| users.iter().find(|u| u.eq_ignore_ascii_case(l)).cloned())
            .or_else(|| {
                users
                    .iter()
                    .find(|u| u.as_str() == super::DEMO_USER)
                    .cloned()
            })
            .or_else(|| users.first().cloned())
            .unwrap_or_default();
        (users, chosen)
    };
    let hidden = |name: &str, value: Option<&str>| match value {
        Some(v) => format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(v)
        ),
        None => String::new(),
    };
    let options: String = accounts
        .iter()
        .map(|a| {
            format!(
                "<option value=\"{0}\"{1}>{0}</option>",
                escape(a),
                if *a == chosen { " selected" } else { "" }
            )
        })
        .collect();
    let scope_list: String = if scopes.is_empty() {
        "<li>Public information only (no scopes)</li>".to_owned()
    } else {
        scopes
            .iter()
            .map(|sc| {
                format!(
                    "<li><code>{}</code>: {}</li>",
                    escape(sc),
                    scope_description(sc)
                )
            })
            .collect()
    };
    let body = format!(
        "<p><strong>{app}</strong> wants to access your <strong data-testid=\"account\">{user}</strong> account.</p>\
         <ul aria-label=\"Requested scopes\">{scope_list}</ul>\
         <form method=\"post\" action=\"/login/oauth/authorize\">\
         {f1}{f2}{f3}{f4}{f5}{f6}\
         <p><label>Signed in as <select name=\"login\">{options}</select></label></p>\
         <button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
         </form>",
        app = escape(&app.name),
        user = escape(&chosen),
        f1 = hidden("client_id", Some(&p.client_id)),
        f2 = hidden("redirect_uri", p.redirect_uri.as_deref()),
        f3 = hidden("scope", p.scope.as_deref()),
        f4 = hidden("state", p.state.as_deref()),
        f5 = hidden("code_challenge", p.code_challenge.as_deref()),
        f6 = hidden("code_challenge_method", p.code_challenge_method.as_deref()),
    );
    Html(page(&format!("Authorize {}", app.name), &body)).into_response()
}

async fn decide(State(s): State<StandIn>, Form(p): Form<AuthorizeParams>) -> Response {
    let (app, redirect_uri) = match check_request(&s, &p) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let state = p.state.as_deref();
    if p.decision.as_deref() != Some("approve") {
        let mut params = vec![
            ("error", "access_denied"),
            (
                "error_description",
                "The user has denied your application access.",
            ),
            ("error_uri", "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied"),
        ];
        if let Some(st) = state {
            params.push(("state", st));
        }
        return redirect(with_params(&redirect_uri, &params));
    }
    let code = hex::encode(Sha256::digest(random_alnum(32).as_bytes()))[..20].to_owned();
    {
        let mut w = s.world();
        let login = p.login.as_deref().unwrap_or(super::DEMO_USER);
        let Some(user) = w.account(login).filter(|a| a.kind == AccountKind::User) else {
            return error_page(StatusCode::BAD_REQUEST, "No such account.");
        };
        let user_id = user.id;
        w.codes.insert(
            code.clone(),
            Grant {
                client_id: app.client_id.clone(),
                user_id,
                scopes: normalise_scopes(p.scope.as_deref().unwrap_or_default()),
                redirect_uri: p.redirect_uri.clone(),
                code_challenge: p.code_challenge.clone(),
                issued: std::time::Instant::now(),
                used: false,
            },
        );
    }
    let mut params = vec![("code", code.as_str())];
    if let Some(st) = state {
        params.push(("state", st));
    }
    redirect(with_params(&redirect_uri, &params))
}

/// Client credentials from `Authorization: Basic`.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn secret_matches(app: &OAuthApp, secret: &str) -> bool {
    bool::from(app.client_secret.as_bytes().ct_eq(secret.as_bytes()))
}

/// Answers in JSON when asked, otherwise form-encoded, as GitHub does.
fn token_reply(headers: &HeaderMap, pairs: &[(&str, &str)]) -> Response {
    let json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if json {
        let map: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            serde_json::Value::Object(map).to_string(),
        )
            .into_response()
    } else {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        (
            [(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            body,
        )
            .into_response()
    }
}

/// Errors come back with HTTP 200, the way GitHub sends them.
fn token_error(headers: &HeaderMap, error: &str, description: &str) -> Response {
    let uri = format!("{ERRORS_DOC}/#{}", error.replace('_', "-"));
    token_reply(
        headers,
        &[
            ("error", error),
            ("error_description", description),
            ("error_uri", &uri),
        ],
    )
}

async fn access_token(State(s): State<StandIn>, headers: HeaderMap, body: Bytes) -> Response {
    s.counters_mut().token_requests += 1;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let params: HashMap<String, String> = if is_json {
        serde_json::from_slice::<HashMap<String, serde_json::Value>>(&body)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
            .collect()
    } else {
        form_urlencoded::parse(&body).into_owned().collect()
    };
    let (client_id, secret) = match (params.get("client_id"), params.get("client_secret")) {
        (Some(id), Some(secret)) => (id.clone(), secret.clone()),
        _ => basic_credentials(&headers).unwrap_or_default(),
    };
    let mut w = s.world();
    let app = match w.apps.get(&client_id) {
        Some(app) if secret_matches(app, &secret) => app.clone(),
        _ => {
            return token_error(
                &headers,
                "incorrect_client_credentials",
                "The client_id and/or client_secret passed are incorrect.",
            )
        }
    };
    if params.get("grant_type").map(String::as_str) == Some("refresh_token") {
        return token_error(
            &headers,
            "bad_refresh_token",
            "The refresh token passed is incorrect or expired.",
        );
    }
    let bad_code = || {
        token_error(
            &headers,
            "bad_verification_code",
            "The code passed is incorrect or expired.",
        )
    };
    let code = params.get("code").cloned().unwrap_or_default();
    let ttl = s.shared().config.code_ttl;
    let Some(grant) = w.codes.get(&code).cloned() else {
        return bad_code();
    };
    if grant.used || grant.client_id != app.client_id || grant.issued.elapsed() > ttl {
        return bad_code();
    }
    if let (Some(given), Some(registered)) = (params.get("redirect_uri"), &grant.redirect_uri) {
        if given != registered {
            return token_error(
                &headers,
                "redirect_uri_mismatch",
                "The redirect_uri MUST match the registered callback URL for this application.",
            );
        }
    }
    if let Some(challenge) = &grant.code_challenge {
        let verifier = params.get("code_verifier").cloned().unwrap_or_default();
        let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(verifier.as_bytes()));
        if !bool::from(computed.as_bytes().ct_eq(challenge.as_bytes())) {
            return bad_code();
        }
    }
    if let Some(g) = w.codes.get_mut(&code) {
        g.used = true;
    }
    let token = format!("gho_{}", random_alnum(36));
    let id = w.next_id();
    w.tokens.insert(
        token.clone(),
        Token {
            id,
            user_id: grant.user_id,
            scopes: grant.scopes.clone(),
            client_id: Some(app.client_id.clone()),
            created_at: now_epoch(),
        },
    );
    drop(w);
    let scope = grant.scopes.join(",");
    token_reply(
        &headers,
        &[
            ("access_token", &token),
            ("scope", &scope),
            ("token_type", "bearer"),
        ],
    )
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: Option<String>,
}

fn api_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        json!({"message": message, "documentation_url": "https://docs.github.com/rest/apps/oauth-applications", "status": status.as_u16().to_string()}).to_string(),
    )
        .into_response()
}

/// Basic client credentials that match the app in the path, and the body's token.
fn app_and_token(
    s: &StandIn,
    client_id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<String, Box<Response>> {
    if headers.get(header::USER_AGENT).is_none() {
        return Err(Box::new(api_error(
            StatusCode::FORBIDDEN,
            "User-Agent required",
        )));
    }
    let Some((id, secret)) = basic_credentials(headers) else {
        return Err(Box::new(api_error(
            StatusCode::UNAUTHORIZED,
            "Requires authentication",
        )));
    };
    let w = s.world();
    match w.apps.get(&id) {
        Some(app) if secret_matches(app, &secret) => {}
        _ => {
            return Err(Box::new(api_error(
                StatusCode::UNAUTHORIZED,
                "Bad credentials",
            )))
        }
    }
    if id != client_id {
        return Err(Box::new(api_error(StatusCode::NOT_FOUND, "Not Found")));
    }
    let token = serde_json::from_slice::<TokenBody>(body)
        .ok()
        .and_then(|b| b.access_token)
        .ok_or_else(|| {
            Box::new(api_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid request.",
            ))
        })?;
    match w.tokens.get(&token) {
        Some(t) if t.client_id.as_deref() == Some(client_id) => Ok(token),
        _ => Err(Box::new(api_error(StatusCode::NOT_FOUND, "Not Found"))),
    }
}

async fn delete_token(
    State(s): State<StandIn>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match app_and_token(&s, &client_id, &headers, &body) {
        Ok(token) => {
            s.world().tokens.remove(&token);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => *r,
    }
}

async fn delete_grant(
    State(s): State<StandIn>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match app_and_token(&s, &client_id, &headers, &body) {
        Ok(token) => {
            let mut w = s.world();
            let user = w.tokens.get(&token).map(|t| t.user_id);
            w.tokens.retain(|_, t| {
                !(Some(t.user_id) == user && t.client_id.as_deref() == Some(&client_id))
            });
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => *r,
    }
}

async fn check_token(
    State(s): State<StandIn>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match app_and_token(&s, &client_id, &headers, &body) {
        Ok(token) => {
            let w = s.world();
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let urls = Urls {
                api: format!("http://{host}"),
                web: format!("http://{host}"),
            };
            let app_name = w
                .apps
                .get(&client_id)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            let Some(t) = w.tokens.get(&token) else {
                return api_error(StatusCode::NOT_FOUND, "Not Found");
            };
            let body = shapes::authorization(&urls, &w, &token, t, &app_name, &client_id);
            (
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                body.to_string(),
            )
                .into_response()
        }
        Err(r) => *r,
    }
}

async fn index(State(s): State<StandIn>) -> Html<String> {
    let w = s.world();
    let accounts: String = w
        .accounts
        .iter()
        .map(|a| {
            let repos = w.repos.iter().filter(|r| r.owner == a.login).count();
            format!(
                "<li>{} ({}, {repos} repositories)</li>",
                escape(&a.login),
                if a.kind == AccountKind::User {
                    "user"
                } else {
                    "organisation"
                }
            )
        })
        .collect();
    Html(page(
        "GitHub stand-in",
        &format!(
            "<p>OAuth: <code>/login/oauth/authorize</code>, <code>/login/oauth/access_token</code>. \
             REST API at <code>/</code> and <code>/api/v3</code>. Control: <code>/_standin/</code>.</p>\
             <h2>Accounts</h2><ul>{accounts}</ul>"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_rules_follow_githubs() {
        let cb = "http://127.0.0.1/auth/github/callback";
        assert!(redirect_allowed(
            cb,
            "http://127.0.0.1:4000/auth/github/callback"
        ));
        assert!(redirect_allowed(
            cb,
            "http://127.0.0.1/auth/github/callback/more"
        ));
        assert!(!redirect_allowed(cb, "http://127.0.0.1/auth/other"));
        assert!(!redirect_allowed(
            cb,
            "http://evil.example/auth/github/callback"
        ));
        let fixed = "https://wharf.example:8443/cb";
        assert!(!redirect_allowed(fixed, "https://wharf.example:9443/cb"));
        assert!(redirect_allowed(fixed, "https://wharf.example:8443/cb"));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
