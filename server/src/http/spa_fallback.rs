//! Everything that is not an API route: the app's files, and `index.html` for any other
//! GET so that a deep link such as `/alice/generic/mypkg/1.0` survives a reload.

use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use crate::state::AppState;

/// Paths whose first segment belongs to the API: unknown ones get a JSON 404, never the
/// app's HTML, so API clients see an answer they can parse.
pub(super) fn is_api_path(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    app::domain::names::API_WORDS.contains(&first)
}

pub async fn spa_fallback(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path();
    if is_api_path(path) || !(method == Method::GET || method == Method::HEAD) {
        return ApiError::not_found().into_response();
    }
    if let Some(response) = state.spa.asset(path, &method, &headers) {
        return response;
    }
    let base = super::public_base(&state.config, &headers);
    if let Some(meta) = super::page_meta::for_path(&state, &base, path).await {
        if let Some(response) = state
            .spa
            .index_with(&method, |html| super::page_meta::fill_index(html, &meta))
        {
            return response;
        }
    }
    state.spa.index(&method, &headers)
}

#[cfg(test)]
mod tests {
    use super::is_api_path;

    #[test]
    fn api_prefixes_are_recognised() {
        assert!(is_api_path("/api"));
        assert!(is_api_path("/api/v1/repos/x"));
        assert!(!is_api_path("/apis"));
        assert!(is_api_path("/repos"));
        assert!(is_api_path("/dl/alice/generic/x"));
        assert!(!is_api_path("/signin"));
        assert!(!is_api_path("/alice/generic"));
        assert!(!is_api_path("/"));
    }
}
