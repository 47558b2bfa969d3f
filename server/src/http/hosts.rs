//! Separate hosts for the API and for downloads, as api.bintray.com and dl.bintray.com
//! were: the request's `Host` picks how its path is read, before routing.

use axum::extract::Request;
use axum::http::uri::PathAndQuery;
use axum::http::{header, Uri};

use crate::infra::config::{host_of, Config};

/// The configured hosts, lower-cased `host[:port]`.
#[derive(Clone, Debug, Default)]
pub struct Hosts {
    api: Option<String>,
    download: Option<String>,
}

impl Hosts {
    pub fn from_config(config: &Config) -> Hosts {
        Hosts {
            api: config.api_url.as_deref().map(host_of),
            download: config.download_url.as_deref().map(host_of),
        }
    }

    /// Rewrites the path of a request that came to one of the separate hosts:
    /// `dl.host/:s/:r/:path` → `/dl/:s/:r/:path`; on the API host every path is API, so
    /// one that is not already an API path is served under `/api/v1`, where an unknown
    /// path is a JSON 404 rather than a page.
    pub fn rewrite(&self, mut request: Request) -> Request {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_ascii_lowercase);
        let Some(host) = host else { return request };
        let prefix = if self.download.as_deref() == Some(host.as_str()) {
            Some("/dl")
        } else if self.api.as_deref() == Some(host.as_str())
            && !super::spa_fallback::is_api_path(request.uri().path())
        {
            Some("/api/v1")
        } else {
            None
        };
        if let Some(prefix) = prefix {
            if let Some(uri) = prefixed(request.uri(), prefix) {
                *request.uri_mut() = uri;
            }
        }
        request
    }
}

fn prefixed(uri: &Uri, prefix: &str) -> Option<Uri> {
    let path_and_query = uri
        .path_and_query()
        .map(PathAndQuery::as_str)
        .unwrap_or("/");
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(format!("{prefix}{path_and_query}").parse().ok()?);
    Uri::from_parts(parts).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn hosts() -> Hosts {
        Hosts {
            api: Some("api.example.org".into()),
            download: Some("dl.example.org".into()),
        }
    }

    fn path_for(host: &str, path: &str) -> String {
        let request = Request::builder()
            .uri(path)
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        hosts().rewrite(request).uri().to_string()
    }

    #[test]
    fn download_host_serves_dl_paths() {
        assert_eq!(
            path_for("DL.example.org", "/alice/generic/a/b.zip?x=1"),
            "/dl/alice/generic/a/b.zip?x=1"
        );
    }

    #[test]
    fn api_host_never_serves_pages() {
        assert_eq!(path_for("api.example.org", "/repos/alice"), "/repos/alice");
        assert_eq!(
            path_for("api.example.org", "/alice/generic"),
            "/api/v1/alice/generic"
        );
    }

    #[test]
    fn other_hosts_are_untouched() {
        assert_eq!(
            path_for("wharf.example.org", "/alice/generic"),
            "/alice/generic"
        );
    }
}
