//! The HTTP surface: one module per resource, wired here.

mod api;
pub mod error;
mod health;
mod oci;
mod page_meta;
mod range;
mod spa_fallback;

use axum::extract::Request;
use axum::routing::get;
use axum::Router;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .merge(api::router())
        .merge(oci::router(state.clone()))
        .fallback(spa_fallback::spa_fallback)
        .layer(
            TraceLayer::new_for_http()
                // The path only: query strings can carry OAuth codes and other secrets.
                .make_span_with(|req: &Request| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}
