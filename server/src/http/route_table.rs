//! The route table: every (method, path) the server answers, with its handler and where
//! it is mounted. The router is built from this table alone, and the OpenAPI test compares
//! it with the published document, so a route without documentation, or documentation of
//! a route that does not exist, fails a test.
//!
//! To add an endpoint: one `Route::get(path, handler)` (or `post`, `put`, …) line in
//! `http/api/mod.rs` (`routes`, gathered by [`crate::http::routes`]), a
//! `#[utoipa::path]` on the handler, and the handler in `paths(...)` of
//! `http/api/openapi.rs`. A browser-only call is marked `.internal()` instead.

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};
use axum::Router;

use crate::state::AppState;

/// Where a route is served, and whether the OpenAPI document describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Bintray's REST API: at `/` and at `/api/v1/`, described in the document.
    Api,
    /// At `/` only, described in the document (health, the document itself, the links
    /// beside the pages).
    Root,
    /// At `/` only, the browser's own calls (`/api/ui/*`): left out of the document, as
    /// they may change with the app.
    Internal,
}

/// The largest body a route other than an upload reads (its JSON), in bytes: 1 MiB.
/// Uploads stream to storage under their own limit (`max_upload_bytes`).
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// One method on one path template (axum's syntax: `{name}`, `{*rest}`).
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub exposure: Exposure,
    handler: MethodRouter<AppState>,
    /// Whether the body streams to storage (uploads) rather than being read whole.
    unlimited_body: bool,
}

macro_rules! constructors {
    ($($name:ident => $method:ident),* $(,)?) => {$(
        pub fn $name<H, T>(path: &'static str, handler: H) -> Route
        where
            H: Handler<T, AppState>,
            T: 'static,
        {
            Route {
                method: Method::$method,
                path,
                exposure: Exposure::Api,
                handler: routing::$name(handler),
                unlimited_body: false,
            }
        }
    )*};
}

impl Route {
    // `get` also answers HEAD, as axum does.
    constructors!(get => GET, post => POST, put => PUT, patch => PATCH, delete => DELETE);

    /// Served at `/` only, and described in the document.
    pub fn root_only(mut self) -> Route {
        self.exposure = Exposure::Root;
        self
    }

    /// The browser's own call: at `/` only, not in the document.
    pub fn internal(mut self) -> Route {
        self.exposure = Exposure::Internal;
        self
    }

    /// For uploads, which stream to storage under their own limit (`max_upload_bytes`).
    pub fn unlimited_body(mut self) -> Route {
        self.unlimited_body = true;
        self
    }

    /// The handler with its body limit: none for uploads, [`JSON_BODY_LIMIT`] for the rest.
    fn handler(self) -> MethodRouter<AppState> {
        if self.unlimited_body {
            self.handler.layer(DefaultBodyLimit::disable())
        } else {
            self.handler.layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        }
    }
}

/// The router for `routes`: `Api` routes at `/` and under `/api/v1`, the others at `/`.
/// Several methods on one path merge into one route (axum panics on a duplicate method).
pub fn build(routes: Vec<Route>) -> Router<AppState> {
    let mut api = Router::new();
    let mut root = Router::new();
    for e in routes {
        let (exposure, path) = (e.exposure, e.path);
        match exposure {
            Exposure::Api => api = api.route(path, e.handler()),
            Exposure::Root | Exposure::Internal => root = root.route(path, e.handler()),
        }
    }
    root.merge(api.clone()).nest("/api/v1", api)
}

/// Whether `route` (axum's template) answers the documented path `documented` (OpenAPI's
/// template): segment by segment the same, except that a `{*rest}` at the end of the
/// route takes one or more segments of any kind.
pub fn matches(route: &str, documented: &str) -> bool {
    let mut doc = documented.trim_start_matches('/').split('/');
    for segment in route.trim_start_matches('/').split('/') {
        if segment.starts_with("{*") {
            return doc.next().is_some();
        }
        if doc.next() != Some(segment) {
            return false;
        }
    }
    doc.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn templates_match_segment_by_segment_and_rest_takes_the_tail() {
        assert!(matches("/repos/{subject}", "/repos/{subject}"));
        assert!(!matches("/repos/{subject}", "/repos/{user}"));
        assert!(!matches("/repos/{subject}", "/repos/{subject}/{repo}"));
        assert!(!matches("/repos/{subject}/{repo}", "/repos/{subject}"));
        assert!(matches("/dl/{s}/{r}/{*path}", "/dl/{s}/{r}/{file_path}"));
        assert!(matches(
            "/dl/{s}/{r}/{*path}",
            "/dl/{s}/{r}/{p}/{v}/publish"
        ));
        assert!(!matches("/dl/{s}/{r}/{*path}", "/dl/{s}/{r}"));
        assert!(!matches("/dl/{s}/{r}/{*path}", "/content/{s}/{r}/x"));
    }
}
