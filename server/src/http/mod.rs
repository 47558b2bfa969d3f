//! The HTTP surface: one module per resource, wired here.

mod api;
pub mod error;
mod health;
mod hosts;
mod oci;
mod page_meta;
mod range;
pub mod revalidate;
pub mod route_table;
mod spa_fallback;
mod url_checks;

use axum::extract::Request;
use axum::Router;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::state::AppState;
use route_table::Route;

/// Every route the server answers (the SPA fallback aside): the router is built from this
/// table, and the OpenAPI test checks the document against it.
pub fn routes() -> Vec<Route> {
    let mut all = vec![
        Route::get("/healthz", health::healthz).root_only(),
        Route::get("/metrics", health::metrics).root_only(),
    ];
    all.extend(api::routes());
    all
}

/// The address users reach this server at, without a trailing slash: the configured public
/// URL, else `http://` and the request's `Host`.
pub(crate) fn public_base(
    config: &crate::infra::config::Config,
    headers: &axum::http::HeaderMap,
) -> String {
    config.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}")
    })
}

/// The router behind the host rewriting of [`hosts::Hosts`], ready to serve.
pub fn service(
    state: AppState,
) -> axum::routing::IntoMakeService<
    tower::util::MapRequest<Router, impl FnMut(Request) -> Request + Clone>,
> {
    use axum::ServiceExt;
    let hosts = hosts::Hosts::from_config(&state.config);
    let router = router(state);
    tower::util::MapRequest::new(router, move |request| hosts.rewrite(request)).into_make_service()
}

pub fn router(state: AppState) -> Router {
    route_table::build(routes())
        // Outermost first: a malformed URL is refused before anything else runs, and any
        // error answer that is not yet JSON becomes `{"message"}`.
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(axum::middleware::from_fn(url_checks::well_formed_url))
        .merge(oci::router(state.clone()))
        .fallback(spa_fallback::spa_fallback)
        .layer(axum::middleware::from_fn(health::count_requests))
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
