//! The Docker Registry HTTP API V2 / OCI Distribution API under `/v2/`, one module per
//! resource. The repository name in the path has any number of components, so requests
//! are routed here by reading the path from its end (`oci::route`).

mod address;
mod auth;
mod base;
mod blobs;
mod error;
mod manifests;
mod referrers;
mod tags;
mod token;
mod uploads;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;

use self::address::Target;
use self::auth::OciCaller;
use self::error::{HttpResult, OciHttpError};
use crate::domain::catalog::Caller;
use crate::domain::oci::route::{self, Endpoint};
use crate::domain::oci::OciError;
use crate::state::AppState;

/// What every resource handler gets.
pub struct Ctx {
    pub state: AppState,
    pub caller: Caller,
    pub target: Target,
    pub headers: HeaderMap,
    /// Query pairs, decoded, repeats kept.
    pub query: Vec<(String, String)>,
}

impl Ctx {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn params(&self, key: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/v2/token", get(token::issue).post(token::issue_oauth))
        .route("/v2", any(base::base))
        .route("/v2/", any(base::base))
        .route(
            "/v2/{*rest}",
            // Blobs stream to storage with their own limit (max_upload_bytes); manifests
            // are read with theirs.
            any(dispatch).layer(DefaultBodyLimit::disable()),
        )
        .layer(axum::middleware::from_fn_with_state(
            state,
            auth::registry_headers,
        ))
}

fn unsupported(method: &Method) -> OciHttpError {
    OciError::Unsupported(format!("{method} is not supported here")).into()
}

async fn dispatch(
    State(state): State<AppState>,
    OciCaller { caller, .. }: OciCaller,
    method: Method,
    Path(rest): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match route_request(state, caller, method, &rest, query, headers, body).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn route_request(
    state: AppState,
    caller: Caller,
    method: Method,
    rest: &str,
    query: Option<String>,
    headers: HeaderMap,
    body: Body,
) -> HttpResult<Response> {
    let (name, endpoint) = route::parse(rest).ok_or(OciError::NameUnknown)?;
    if endpoint == Endpoint::Base {
        return Err(OciError::NameUnknown.into());
    }
    let target = Target::from_request(&state, &headers, &name)?;
    let query = query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let ctx = Ctx {
        state,
        caller,
        target,
        headers,
        query,
    };
    match (endpoint, method) {
        (Endpoint::Blob(d), m) if m == Method::GET || m == Method::HEAD => {
            blobs::get(&ctx, &d, m == Method::HEAD).await
        }
        (Endpoint::Blob(d), Method::DELETE) => blobs::delete(&ctx, &d).await,
        (Endpoint::UploadStart, Method::POST) => uploads::start(&ctx, body).await,
        (Endpoint::Upload(id), Method::GET) => uploads::status(&ctx, &id).await,
        (Endpoint::Upload(id), Method::PATCH) => uploads::patch(&ctx, &id, body).await,
        (Endpoint::Upload(id), Method::PUT) => uploads::put(&ctx, &id, body).await,
        (Endpoint::Upload(id), Method::DELETE) => uploads::cancel(&ctx, &id).await,
        (Endpoint::Manifest(r), m) if m == Method::GET || m == Method::HEAD => {
            manifests::get(&ctx, &r, m == Method::HEAD).await
        }
        (Endpoint::Manifest(r), Method::PUT) => manifests::put(&ctx, &r, body).await,
        (Endpoint::Manifest(r), Method::DELETE) => manifests::delete(&ctx, &r).await,
        (Endpoint::Tags, Method::GET) => tags::list(&ctx).await,
        (Endpoint::Referrers(d), Method::GET) => referrers::list(&ctx, &d).await,
        (_, m) => Err(unsupported(&m)),
    }
}
