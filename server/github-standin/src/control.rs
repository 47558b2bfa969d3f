//! `/_standin/…`: what tests change or read over HTTP (the same as [`StandIn`]'s methods).

use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::{DataFile, Fault, StandIn};

pub(super) fn routes() -> Router<StandIn> {
    Router::new()
        .route("/_standin/counters", get(counters))
        .route("/_standin/counters/reset", post(reset_counters))
        .route("/_standin/faults", post(fault))
        .route("/_standin/rate_limit", post(rate_limit))
        .route("/_standin/tokens", post(token))
        .route("/_standin/data", post(data))
        .route("/_standin/assets/{id}/digest", post(digest))
        .route("/_standin/latency", post(latency))
        .route("/_standin/assets/direct", post(direct_assets))
        .route("/_standin/lookup/asset", get(lookup_asset))
}

fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"message": message.into()}))).into_response()
}

async fn counters(State(s): State<StandIn>) -> Response {
    Json(s.counters()).into_response()
}

async fn reset_counters(State(s): State<StandIn>) -> StatusCode {
    s.reset_counters();
    StatusCode::NO_CONTENT
}

async fn fault(State(s): State<StandIn>, Json(f): Json<Fault>) -> StatusCode {
    s.inject_fault(f);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct BudgetBody {
    login: Option<String>,
    remaining: u64,
    reset_in: Option<u64>,
}

async fn rate_limit(State(s): State<StandIn>, Json(b): Json<BudgetBody>) -> Response {
    if s.set_budget(b.login.as_deref(), b.remaining, b.reset_in) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        problem(StatusCode::NOT_FOUND, "no such account")
    }
}

#[derive(Deserialize)]
struct TokenBody {
    login: String,
    #[serde(default)]
    scopes: Vec<String>,
}

async fn token(State(s): State<StandIn>, Json(b): Json<TokenBody>) -> Response {
    let scopes: Vec<&str> = b.scopes.iter().map(String::as_str).collect();
    match s.issue_token(&b.login, &scopes) {
        Some(token) => Json(json!({"token": token})).into_response(),
        None => problem(StatusCode::NOT_FOUND, "no such account"),
    }
}

async fn data(State(s): State<StandIn>, Json(d): Json<DataFile>) -> Response {
    match s.add_data(&d) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => problem(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    }
}

#[derive(Deserialize)]
struct DigestBody {
    digest: Option<String>,
}

async fn digest(
    State(s): State<StandIn>,
    Path(id): Path<u64>,
    Json(b): Json<DigestBody>,
) -> Response {
    if s.set_asset_digest(id, b.digest) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        problem(StatusCode::NOT_FOUND, "no such asset")
    }
}

#[derive(Deserialize)]
struct LatencyBody {
    ms: u64,
}

async fn latency(State(s): State<StandIn>, Json(b): Json<LatencyBody>) -> StatusCode {
    s.set_latency(Duration::from_millis(b.ms));
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct AssetQuery {
    owner: String,
    repo: String,
    tag: String,
    name: String,
}

async fn lookup_asset(State(s): State<StandIn>, Query(q): Query<AssetQuery>) -> Response {
    match s.asset_id(&q.owner, &q.repo, &q.tag, &q.name) {
        Some(id) => Json(json!({"id": id})).into_response(),
        None => problem(StatusCode::NOT_FOUND, "no such asset"),
    }
}

#[derive(Deserialize)]
struct DirectBody {
    direct: bool,
}

async fn direct_assets(State(s): State<StandIn>, Json(b): Json<DirectBody>) -> StatusCode {
    s.set_direct_asset_downloads(b.direct);
    StatusCode::NO_CONTENT
}
