//! The REST endpoints and what every answer shares: the User-Agent rule, token auth (401
//! `Bad credentials`), rate-limit budgets and injected faults, `Link` pagination, strong
//! ETags with 304 answers that cost nothing, and GitHub's headers.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, MatchedPath, OriginalUri, Path, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::shapes::{self, Urls};
use super::world::{Access, Budget, Caller, Release, Repo, World};
use super::{now_epoch, FaultKind, StandIn};

const DOCS: &str = "https://docs.github.com/rest";
const RATE_DOCS: &str = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";
const SUPPORTED_VERSIONS: &[&str] = &["2022-11-28", "2026-03-10"];

pub(super) fn routes() -> Router<StandIn> {
    Router::new()
        .route("/user", get(user))
        .route("/user/repos", get(user_repos))
        .route("/rate_limit", get(rate_limit))
        .route("/repos/{owner}/{repo}", get(repo))
        .route("/repos/{owner}/{repo}/tags", get(tags))
        .route("/repos/{owner}/{repo}/releases", get(releases))
        .route("/repos/{owner}/{repo}/releases/latest", get(latest_release))
        .route(
            "/repos/{owner}/{repo}/releases/tags/{tag}",
            get(release_by_tag),
        )
        .route("/repos/{owner}/{repo}/releases/{release_id}", get(release))
        .route(
            "/repos/{owner}/{repo}/releases/{release_id}/assets",
            get(release_assets),
        )
        .route(
            "/repos/{owner}/{repo}/releases/assets/{asset_id}",
            get(asset),
        )
}

/// What a REST handler needs to know about its request.
pub(super) struct ApiRequest {
    /// As the client sent it (with `/api/v3` when it came that way).
    pub uri: Uri,
    pub headers: HeaderMap,
    /// `GET /repos/{owner}/{repo}`: the counter key.
    pub route: String,
    pub urls: Urls,
}

impl<S: Send + Sync> FromRequestParts<S> for ApiRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map(|o| o.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        let matched = parts
            .extensions
            .get::<MatchedPath>()
            .map(|m| m.as_str().to_owned())
            .unwrap_or_else(|| uri.path().to_owned());
        let v3 = uri.path().starts_with("/api/v3/");
        let pattern = matched.strip_prefix("/api/v3").unwrap_or(&matched);
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
            .to_owned();
        let web = format!("http://{host}");
        let api = if v3 {
            format!("{web}/api/v3")
        } else {
            web.clone()
        };
        Ok(ApiRequest {
            route: format!("{} {pattern}", parts.method),
            uri,
            headers: parts.headers.clone(),
            urls: Urls { api, web },
        })
    }
}

/// What a handler computed.
pub(super) enum Reply {
    Json(Value),
    /// One page of a list of `total` items (see [`page_of`]).
    Page {
        total: usize,
        items: Vec<Value>,
    },
    Redirect(String),
    /// An asset's bytes, streamed by the API itself instead of a redirect.
    Bytes(bytes::Bytes),
}

pub(super) enum RestError {
    NotFound,
    RequiresAuth,
    Validation(String, String),
}

/// The request as a handler sees it.
pub(super) struct Ctx {
    pub caller: Caller,
    pub urls: Urls,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
}

fn error_body(status: StatusCode, message: &str, docs: &str) -> Value {
    json!({"message": message, "documentation_url": docs, "status": status.as_u16().to_string()})
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

fn set(headers: &mut HeaderMap, name: &'static str, value: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        headers.insert(name, v);
    }
}

fn rate_headers(headers: &mut HeaderMap, b: &Budget) {
    set(headers, "x-ratelimit-limit", b.limit);
    set(headers, "x-ratelimit-remaining", b.remaining);
    set(headers, "x-ratelimit-reset", b.reset);
    set(headers, "x-ratelimit-used", b.used());
    set(headers, "x-ratelimit-resource", "core");
}

fn common_headers(headers: &mut HeaderMap, caller: &Caller) {
    set(headers, "x-github-api-version-selected", "2022-11-28");
    set(headers, "x-github-media-type", "github.v3; format=json");
    set(
        headers,
        "x-github-request-id",
        super::random_alnum(16).to_uppercase(),
    );
    set(
        headers,
        "vary",
        "Accept, Authorization, Cookie, X-GitHub-OTP",
    );
    if caller.user.is_some() {
        set(headers, "x-oauth-scopes", caller.scopes.join(", "));
        set(headers, "x-accepted-oauth-scopes", "");
    }
}

/// The token of `Authorization: Bearer …` or `token …`, if any.
pub(super) fn token_of(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token"))
        .then(|| rest.trim())
}

/// The `If-None-Match` test: any listed tag equal to ours (weak comparison) or `*`.
fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    let Some(v) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    v.split(',')
        .any(|t| t.trim() == "*" || bare(t) == bare(etag))
}

fn page_url(urls: &Urls, uri: &Uri, page: usize) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        if k != "page" {
            q.append_pair(&k, &v);
        }
    }
    q.append_pair("page", &page.to_string());
    format!("{}{}?{}", urls.web, uri.path(), q.finish())
}

/// The request's `per_page` (default 30, at most 100) and `page` (from 1).
fn paging(query: &HashMap<String, String>) -> (usize, usize) {
    let per_page = query
        .get("per_page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p > 0)
        .unwrap_or(30)
        .min(100);
    let page = query
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p > 0)
        .unwrap_or(1);
    (per_page, page)
}

/// The page of `items` the request asks for; only that page's bodies are built.
fn page_of<T>(cx: &Ctx, items: Vec<T>, build: impl Fn(T) -> Value) -> Reply {
    let (per_page, page) = paging(&cx.query);
    let total = items.len();
    let items = items
        .into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(build)
        .collect();
    Reply::Page { total, items }
}

/// The `Link` header GitHub sends when a list has more than one page.
fn link_header(
    total: usize,
    query: &HashMap<String, String>,
    urls: &Urls,
    uri: &Uri,
) -> Option<String> {
    let (per_page, page) = paging(query);
    let last = total.div_ceil(per_page).max(1);
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!(
            "<{}>; rel=\"prev\"",
            page_url(urls, uri, (page - 1).min(last))
        ));
    }
    if page < last {
        links.push(format!("<{}>; rel=\"next\"", page_url(urls, uri, page + 1)));
        links.push(format!("<{}>; rel=\"last\"", page_url(urls, uri, last)));
    }
    if page > 1 {
        links.push(format!("<{}>; rel=\"first\"", page_url(urls, uri, 1)));
    }
    (!links.is_empty()).then(|| links.join(", "))
}

impl StandIn {
    /// Runs one REST request through GitHub's gates, then `f`, then pagination and ETags.
    pub(super) async fn api(
        &self,
        req: ApiRequest,
        f: impl FnOnce(&World, &Ctx) -> Result<Reply, RestError>,
    ) -> Response {
        let _flight = self.enter();
        let latency = self.latency();
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        {
            let mut c = self.counters_mut();
            c.api_requests += 1;
            *c.by_route.entry(req.route.clone()).or_default() += 1;
        }
        self.api_answer(req, f)
    }

    fn api_answer(
        &self,
        req: ApiRequest,
        f: impl FnOnce(&World, &Ctx) -> Result<Reply, RestError>,
    ) -> Response {
        if req.headers.get(header::USER_AGENT).is_none() {
            return (
                StatusCode::FORBIDDEN,
                "Request forbidden by administrative rules. Please make sure your request has a \
                 User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). \
                 Check https://developer.github.com for other possible causes.\n",
            )
                .into_response();
        }
        if let Some(v) = req.headers.get("x-github-api-version") {
            let v = v.to_str().unwrap_or_default();
            if !SUPPORTED_VERSIONS.contains(&v) {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    &error_body(
                        StatusCode::BAD_REQUEST,
                        &format!("API version '{v}' is not supported."),
                        "https://docs.github.com/rest/overview/api-versions",
                    ),
                );
            }
        }
        let now = now_epoch();
        let mut w = self.world();
        let caller = match token_of(&req.headers) {
            Some(token) => match w.caller_for_token(token) {
                Some(c) => c,
                None => {
                    self.counters_mut().unauthorized += 1;
                    let budget = *w.budget(0, now);
                    let mut r = json_response(
                        StatusCode::UNAUTHORIZED,
                        &error_body(StatusCode::UNAUTHORIZED, "Bad credentials", DOCS),
                    );
                    rate_headers(r.headers_mut(), &budget);
                    return r;
                }
            },
            None => Caller::default(),
        };
        let key = caller.user.as_ref().map(|(id, _)| *id).unwrap_or(0);
        let free = req.route == "GET /rate_limit";

        // Injected faults stand for GitHub's own limits, so they come first.
        if let Some(fault) = self.take_fault() {
            self.counters_mut().rate_limited += 1;
            let status =
                StatusCode::from_u16(fault.status).unwrap_or(StatusCode::TOO_MANY_REQUESTS);
            let mut budget = *w.budget(key, now);
            let message = match fault.kind {
                FaultKind::Primary => {
                    budget.remaining = 0;
                    budget.reset = now + fault.reset_in.unwrap_or(60) as i64;
                    format!("API rate limit exceeded for user ID {key}.")
                }
                FaultKind::Secondary => "You have exceeded a secondary rate limit. Please wait a \
                                         few minutes before you try again."
                    .to_owned(),
            };
            let mut r = json_response(status, &error_body(status, &message, RATE_DOCS));
            rate_headers(r.headers_mut(), &budget);
            if let Some(s) = fault.retry_after {
                set(r.headers_mut(), "retry-after", s);
            }
            common_headers(r.headers_mut(), &caller);
            return r;
        }
        let budget = *w.budget(key, now);
        if !free && budget.remaining == 0 {
            self.counters_mut().rate_limited += 1;
            let message = match &caller.user {
                Some((id, _)) => format!("API rate limit exceeded for user ID {id}."),
                None => "API rate limit exceeded for 127.0.0.1. (But here's the good news: \
                         Authenticated requests get a higher rate limit.)"
                    .to_owned(),
            };
            let mut r = json_response(
                StatusCode::FORBIDDEN,
                &error_body(StatusCode::FORBIDDEN, &message, RATE_DOCS),
            );
            rate_headers(r.headers_mut(), &budget);
            common_headers(r.headers_mut(), &caller);
            return r;
        }

        let query: HashMap<String, String> =
            form_urlencoded::parse(req.uri.query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let cx = Ctx {
            caller,
            urls: req.urls.clone(),
            query,
            headers: req.headers.clone(),
        };
        let result = f(&w, &cx);
        let charge = |w: &mut World| -> Budget {
            if free {
                return *w.budget(key, now);
            }
            self.counters_mut().charged += 1;
            let b = w.budget(key, now);
            b.remaining = b.remaining.saturating_sub(1);
            *b
        };
        let mut response = match result {
            Err(e) => {
                let (status, body) = match e {
                    RestError::NotFound => (
                        StatusCode::NOT_FOUND,
                        error_body(StatusCode::NOT_FOUND, "Not Found", DOCS),
                    ),
                    RestError::RequiresAuth => (
                        StatusCode::UNAUTHORIZED,
                        error_body(StatusCode::UNAUTHORIZED, "Requires authentication", DOCS),
                    ),
                    RestError::Validation(field, message) => (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        json!({
                            "message": "Validation Failed",
                            "errors": [{"resource": "Repository", "field": field, "code": "invalid", "message": message}],
                            "documentation_url": DOCS,
                            "status": "422",
                        }),
                    ),
                };
                let budget = charge(&mut w);
                let mut r = json_response(status, &body);
                rate_headers(r.headers_mut(), &budget);
                r
            }
            Ok(Reply::Redirect(location)) => {
                let budget = charge(&mut w);
                let mut r = StatusCode::FOUND.into_response();
                set(r.headers_mut(), "location", location);
                rate_headers(r.headers_mut(), &budget);
                r
            }
            Ok(Reply::Bytes(bytes)) => {
                let budget = charge(&mut w);
                let mut r = bytes.into_response();
                set(r.headers_mut(), "content-type", "application/octet-stream");
                rate_headers(r.headers_mut(), &budget);
                r
            }
            Ok(reply) => {
                let (body, link) = match reply {
                    Reply::Page { total, items } => (
                        Value::Array(items),
                        link_header(total, &cx.query, &cx.urls, &req.uri),
                    ),
                    Reply::Json(v) => (v, None),
                    Reply::Redirect(_) | Reply::Bytes(_) => unreachable!("handled above"),
                };
                let text = body.to_string();
                let mut hasher = Sha256::new();
                hasher.update(text.as_bytes());
                hasher.update(link.as_deref().unwrap_or_default().as_bytes());
                let etag = format!("\"{}\"", hex::encode(&hasher.finalize()[..16]));
                let mut r = if etag_matches(&req.headers, &etag) {
                    self.counters_mut().not_modified += 1;
                    let budget = *w.budget(key, now);
                    let mut r = StatusCode::NOT_MODIFIED.into_response();
                    rate_headers(r.headers_mut(), &budget);
                    r
                } else {
                    let budget = charge(&mut w);
                    let mut r = json_response(StatusCode::OK, &Value::Null);
                    *r.body_mut() = axum::body::Body::from(text);
                    rate_headers(r.headers_mut(), &budget);
                    if let Some(link) = link {
                        set(r.headers_mut(), "link", link);
                    }
                    r
                };
                set(r.headers_mut(), "etag", etag);
                set(
                    r.headers_mut(),
                    "cache-control",
                    "private, max-age=60, s-maxage=60",
                );
                r
            }
        };
        common_headers(response.headers_mut(), &cx.caller);
        response
    }
}

/// A repository the caller may see, with its access; hidden ones are simply not found.
fn find_repo<'w>(
    w: &'w World,
    cx: &Ctx,
    owner: &str,
    name: &str,
) -> Result<(&'w Repo, Access), RestError> {
    let repo = &w.repos[w.repo_index(owner, name).ok_or(RestError::NotFound)?];
    let access = w.visible(&cx.caller, repo).ok_or(RestError::NotFound)?;
    Ok((repo, access))
}

/// Drafts are for those who may push (and whose token may write to the repository).
fn sees_drafts(cx: &Ctx, access: Access) -> bool {
    access.can_push()
        && cx
            .caller
            .scopes
            .iter()
            .any(|s| s == "repo" || s == "public_repo")
}

fn find_release<'r>(repo: &'r Repo, id: &str, drafts: bool) -> Result<&'r Release, RestError> {
    let id: u64 = id.parse().map_err(|_| RestError::NotFound)?;
    repo.releases
        .iter()
        .find(|r| r.id == id && (drafts || !r.draft))
        .ok_or(RestError::NotFound)
}

async fn user(State(s): State<StandIn>, req: ApiRequest) -> Response {
    s.api(req, |w, cx| {
        let (id, _) = cx.caller.user.clone().ok_or(RestError::RequiresAuth)?;
        let account = w.account_by_id(id).ok_or(RestError::NotFound)?;
        let private = cx
            .caller
            .scopes
            .iter()
            .any(|s| s == "user" || s == "read:user");
        Ok(Reply::Json(shapes::authenticated_user(
            &cx.urls, w, account, private,
        )))
    })
    .await
}

async fn user_repos(State(s): State<StandIn>, req: ApiRequest) -> Response {
    s.api(req, |w, cx| {
        cx.caller.login().ok_or(RestError::RequiresAuth)?;
        let q = &cx.query;
        let visibility = q.get("visibility").map(String::as_str);
        let affiliation = q.get("affiliation").map(String::as_str);
        let kind = q.get("type").map(String::as_str);
        if kind.is_some() && (visibility.is_some() || affiliation.is_some()) {
            return Err(RestError::Validation(
                "type".into(),
                "If you specify visibility or affiliation, you cannot specify type.".into(),
            ));
        }
        let visibility = visibility.unwrap_or("all");
        if !["all", "public", "private"].contains(&visibility) {
            return Err(RestError::Validation(
                "visibility".into(),
                format!("{visibility} is not a valid visibility"),
            ));
        }
        let mut affiliations: Vec<Access> = Vec::new();
        let mut visibility = visibility.to_owned();
        match kind {
            None => {
                for a in affiliation
                    .unwrap_or("owner,collaborator,organization_member")
                    .split(',')
                {
                    affiliations.push(match a.trim() {
                        "owner" => Access::Owner,
                        "collaborator" => Access::Collaborator,
                        "organization_member" => Access::OrgMember,
                        other => {
                            return Err(RestError::Validation(
                                "affiliation".into(),
                                format!("{other} is not a valid affiliation"),
                            ))
                        }
                    });
                }
            }
            Some("owner") => affiliations.push(Access::Owner),
            Some("member") => affiliations.extend([Access::Collaborator, Access::OrgMember]),
            Some(t @ ("all" | "public" | "private")) => {
                affiliations.extend([Access::Owner, Access::Collaborator, Access::OrgMember]);
                visibility = t.to_owned();
            }
            Some(other) => {
                return Err(RestError::Validation(
                    "type".into(),
                    format!("{other} is not a valid type"),
                ))
            }
        }
        let mut repos: Vec<(&Repo, Access)> = w
            .repos
            .iter()
            .filter_map(|r| {
                let access = w.visible(&cx.caller, r)?;
                affiliations.contains(&access).then_some((r, access))
            })
            .filter(|(r, _)| match visibility.as_str() {
                "public" => !r.private,
                "private" => r.private,
                _ => true,
            })
            .collect();
        let sort = q.get("sort").map(String::as_str).unwrap_or("full_name");
        let asc = match q.get("direction").map(String::as_str) {
            Some("asc") => true,
            Some("desc") => false,
            _ => sort == "full_name",
        };
        repos.sort_by(|(a, _), (b, _)| {
            let o = match sort {
                "created" => a.created_at.cmp(&b.created_at),
                "updated" => a.updated_at.cmp(&b.updated_at),
                "pushed" => a.pushed_at.cmp(&b.pushed_at),
                _ => a
                    .full_name()
                    .to_ascii_lowercase()
                    .cmp(&b.full_name().to_ascii_lowercase()),
            }
            .then(a.id.cmp(&b.id));
            if asc {
                o
            } else {
                o.reverse()
            }
        });
        Ok(page_of(cx, repos, |(r, a)| {
            shapes::repository(&cx.urls, w, r, a)
        }))
    })
    .await
}

async fn rate_limit(State(s): State<StandIn>, req: ApiRequest) -> Response {
    s.api(req, |w, cx| {
        let key = cx.caller.user.as_ref().map(|(id, _)| *id).unwrap_or(0);
        let b = w.budgets.get(&key).copied().unwrap_or(Budget {
            limit: if key == 0 { 60 } else { w.default_limit },
            remaining: if key == 0 { 60 } else { w.default_limit },
            reset: now_epoch() + 3600,
        });
        let core = json!({"limit": b.limit, "remaining": b.remaining, "reset": b.reset, "used": b.used(), "resource": "core"});
        let other = |limit: u64, resource: &str| json!({"limit": limit, "remaining": limit, "reset": now_epoch() + 60, "used": 0, "resource": resource});
        Ok(Reply::Json(json!({
            "resources": {
                "core": core,
                "search": other(30, "search"),
                "graphql": other(5000, "graphql"),
                "integration_manifest": other(5000, "integration_manifest"),
                "code_search": other(10, "code_search"),
            },
            "rate": core,
        })))
    })
    .await
}

async fn repo(
    State(s): State<StandIn>,
    Path((owner, name)): Path<(String, String)>,
    req: ApiRequest,
) -> Response {
    s.api(req, |w, cx| {
        let (repo, access) = find_repo(w, cx, &owner, &name)?;
        Ok(Reply::Json(shapes::repository(&cx.urls, w, repo, access)))
    })
    .await
}

async fn tags(
    State(s): State<StandIn>,
    Path((owner, name)): Path<(String, String)>,
    req: ApiRequest,
) -> Response {
    s.api(req, |w, cx| {
        let (repo, _) = find_repo(w, cx, &owner, &name)?;
        let tags: Vec<_> = repo.tags.iter().rev().collect();
        Ok(page_of(cx, tags, |t| shapes::tag(&cx.urls, repo, t)))
    })
    .await
}

async fn releases(
    State(s): State<StandIn>,
    Path((owner, name)): Path<(String, String)>,
    req: ApiRequest,
) -> Response {
    s.api(req, |w, cx| {
        let (repo, access) = find_repo(w, cx, &owner, &name)?;
        let drafts = sees_drafts(cx, access);
        let releases: Vec<_> = repo
            .releases
            .iter()
            .rev()
            .filter(|r| drafts || !r.draft)
            .collect();
        Ok(page_of(cx, releases, |r| {
            shapes::release(&cx.urls, w, repo, r)
        }))
    })
    .await
}

async fn latest_release(
    State(s): State<StandIn>,
    Path((owner, name)): Path<(String, String)>,
    req: ApiRequest,
) -> Response {
    s.api(req, |w, cx| {
        let (repo, _) = find_repo(w, cx, &owner, &name)?;
        let latest = repo
            .releases
            .iter()
            .filter(|r| !r.draft && !r.prerelease)
            .max_by_key(|r| (r.published_at, r.id))
            .ok_or(RestError::NotFound)?;
        Ok(Reply::Json(shapes::release(&cx.urls, w, repo, latest)))
    })
    .await
}

async fn release_by_tag(
    State(s): State<StandIn>,
    Path((owner, name, tag)): Path<(String, String, String)>,
    req: ApiRequest,
) -> Response {
    s.api(req, |w, cx| {
        let (repo, _) = find_repo(w, cx, &owner, &name)?;
        let rel = repo
            .releases
            .iter()
            .find(|r| !r.draft && r.tag_name == tag)
            .ok_or(RestError::NotFound)?;
        Ok(Reply::Json(shapes::release(&cx.urls, w, repo, rel)))
    })
    .await
}

async fn release(
    State(s): State<StandIn>,
    Path((owner, name, id)): Path<(String, String, String)>,
    req: ApiRequest,
) -> Response {
    s.api(req, |w, cx| {
        let (repo, access) = find_repo(w, cx, &owner, &name)?;
        let rel = find_release(repo, &id, sees_drafts(cx, access))?;
        Ok(Reply::Json(shapes::release(&cx.urls, w, repo, rel)))
    })
    .await
}

async fn release_assets(
    State(s): State<StandIn>,
    Path((owner, name, id)): Path<(String, String, String)>,
    req: ApiRequest,
) -> Response {
    s.api(req, |w, cx| {
        let (repo, access) = find_repo(w, cx, &owner, &name)?;
        let rel = find_release(repo, &id, sees_drafts(cx, access))?;
        let assets: Vec<_> = rel.assets.iter().collect();
        Ok(page_of(cx, assets, |a| {
            shapes::asset(&cx.urls, w, repo, rel, a)
        }))
    })
    .await
}

async fn asset(
    State(s): State<StandIn>,
    Path((owner, name, id)): Path<(String, String, String)>,
    req: ApiRequest,
) -> Response {
    let standin = s.clone();
    s.api(req, move |w, cx| {
        let (repo, access) = find_repo(w, cx, &owner, &name)?;
        let id: u64 = id.parse().map_err(|_| RestError::NotFound)?;
        let (asset_repo, rel, asset) = w.asset(id).ok_or(RestError::NotFound)?;
        if asset_repo.id != repo.id || (rel.draft && !sees_drafts(cx, access)) {
            return Err(RestError::NotFound);
        }
        let wants_bytes = cx
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/octet-stream"));
        if wants_bytes && standin.direct_asset_downloads() {
            Ok(Reply::Bytes(asset.bytes.clone()))
        } else if wants_bytes {
            Ok(Reply::Redirect(standin.signed_asset_url(asset)))
        } else {
            Ok(Reply::Json(shapes::asset(&cx.urls, w, repo, rel, asset)))
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls() -> Urls {
        Urls {
            api: "http://h".into(),
            web: "http://h".into(),
        }
    }

    #[test]
    fn pages_link_to_their_neighbours() {
        let uri: Uri = "/user/repos?per_page=2&page=2&sort=created"
            .parse()
            .unwrap();
        let q: HashMap<String, String> = [("per_page", "2"), ("page", "2")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(
            link_header(5, &q, &urls(), &uri).unwrap(),
            "<http://h/user/repos?per_page=2&sort=created&page=1>; rel=\"prev\", \
             <http://h/user/repos?per_page=2&sort=created&page=3>; rel=\"next\", \
             <http://h/user/repos?per_page=2&sort=created&page=3>; rel=\"last\", \
             <http://h/user/repos?per_page=2&sort=created&page=1>; rel=\"first\""
        );
        let cx = Ctx {
            caller: Caller::default(),
            urls: urls(),
            query: q,
            headers: HeaderMap::new(),
        };
        let Reply::Page { total, items } = page_of(&cx, (0..5).collect(), |i| json!(i)) else {
            panic!("a page");
        };
        assert_eq!((total, items), (5, vec![json!(2), json!(3)]));
    }

    #[test]
    fn a_single_page_has_no_link_and_per_page_is_capped() {
        let uri: Uri = "/x".parse().unwrap();
        assert!(link_header(30, &HashMap::new(), &urls(), &uri).is_none());
        assert!(link_header(31, &HashMap::new(), &urls(), &uri).is_some());
        let q: HashMap<String, String> = [("per_page".to_owned(), "500".to_owned())].into();
        assert_eq!(paging(&q), (100, 1));
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, "W/\"a\", \"b\"".parse().unwrap());
        assert!(etag_matches(&h, "\"a\""));
        assert!(etag_matches(&h, "\"b\""));
        assert!(!etag_matches(&h, "\"c\""));
    }
}
