//! The built single-page app (Trunk's `dist/`), held in memory.
//!
//! Hashed assets are cached by browsers for a year; `index.html` is revalidated on every
//! load so a new release is picked up at once. Bodies are compressed once, in the
//! background after start-up, with brotli and gzip; until that finishes they go out as
//! they are.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::infra::compress::{self, Encoding};

const INDEX: &str = "index.html";
const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
const CACHE_REVALIDATE: &str = "no-cache";
const CACHE_SHORT: &str = "public, max-age=3600";

#[derive(Debug, thiserror::Error)]
pub enum SpaError {
    #[error("cannot read the web UI from {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One file of the app.
#[derive(Debug)]
struct Asset {
    content_type: HeaderValue,
    cache_control: &'static str,
    etag: HeaderValue,
    identity: Bytes,
    brotli: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

impl Asset {
    fn new(name: &str, body: Vec<u8>) -> Asset {
        let content_type = mime_guess::from_path(name)
            .first_raw()
            .map(|m| match m {
                "text/html" | "text/css" | "text/javascript" | "application/javascript" => {
                    format!("{m}; charset=utf-8")
                }
                other => other.to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let digest = Sha256::digest(&body);
        let etag = format!("\"{}\"", hex::encode(&digest[..16]));
        let cache_control = if name == INDEX {
            CACHE_REVALIDATE
        } else if is_hashed_name(name) {
            CACHE_IMMUTABLE
        } else {
            CACHE_SHORT
        };
        Asset {
            content_type: HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            cache_control,
            etag: HeaderValue::from_str(&etag).expect("hex is a valid header value"),
            identity: Bytes::from(body),
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        }
    }

    fn compress(&self) {
        let ct = self.content_type.to_str().unwrap_or("");
        if !compress::is_compressible(ct) || self.identity.len() < 256 {
            return;
        }
        let br = compress::brotli(&self.identity);
        if br.len() < self.identity.len() {
            let _ = self.brotli.set(Bytes::from(br));
        }
        let gz = compress::gzip(&self.identity);
        if gz.len() < self.identity.len() {
            let _ = self.gzip.set(Bytes::from(gz));
        }
    }

    fn respond(&self, method: &Method, headers: &HeaderMap) -> Response {
        let mut response = Response::builder()
            .header(header::CACHE_CONTROL, self.cache_control)
            .header(header::ETAG, self.etag.clone())
            .header(header::VARY, "Accept-Encoding")
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        let not_modified = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|tag| tag.trim() == "*" || tag.trim() == self.etag)
            });
        if not_modified {
            return response
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
                .expect("valid response");
        }
        let accept = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok());
        let encoding = compress::choose(
            accept,
            self.brotli.get().is_some(),
            self.gzip.get().is_some(),
        );
        let body = match encoding {
            Encoding::Brotli => self.brotli.get().cloned(),
            Encoding::Gzip => self.gzip.get().cloned(),
            Encoding::Identity => None,
        }
        .unwrap_or_else(|| self.identity.clone());
        if let Some(value) = encoding.header_value() {
            response = response.header(header::CONTENT_ENCODING, value);
        }
        response = response
            .header(header::CONTENT_TYPE, self.content_type.clone())
            .header(header::CONTENT_LENGTH, body.len());
        let body = if method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(body)
        };
        response.body(body).expect("valid response")
    }
}

/// Trunk names built assets `stem-<16 hex digits>[_bg].ext`; such a file never changes.
pub fn is_hashed_name(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    let stem = file.split('.').next().unwrap_or(file);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The app's files by URL path (without the leading `/`).
#[derive(Debug)]
pub struct Spa {
    assets: HashMap<String, Arc<Asset>>,
    dir: PathBuf,
}

impl Spa {
    /// Reads every file under `dir`. A missing directory is not an error: the server then
    /// explains on every page how to build the UI (the API works without it).
    pub fn load(dir: &Path) -> Result<Spa, SpaError> {
        let mut assets = HashMap::new();
        if dir.is_dir() {
            read_dir_into(dir, dir, &mut assets)?;
        }
        Ok(Spa {
            assets,
            dir: dir.to_path_buf(),
        })
    }

    pub fn is_built(&self) -> bool {
        self.assets.contains_key(INDEX)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Compresses every asset on a background thread; responses use the results as soon
    /// as each is ready.
    pub fn compress_in_background(&self) {
        let assets: Vec<Arc<Asset>> = self.assets.values().cloned().collect();
        std::thread::Builder::new()
            .name("spa-compress".into())
            .spawn(move || {
                // index.html first: it is on every page load's critical path.
                let (index, rest): (Vec<_>, Vec<_>) = assets
                    .into_iter()
                    .partition(|a| a.cache_control == CACHE_REVALIDATE);
                for asset in index.iter().chain(rest.iter()) {
                    asset.compress();
                }
                tracing::debug!("web UI assets compressed");
            })
            .expect("spawning a thread");
    }

    /// Serves the file at `path` if there is one.
    pub fn asset(&self, path: &str, method: &Method, headers: &HeaderMap) -> Option<Response> {
        let key = path.trim_start_matches('/');
        self.assets
            .get(key)
            .map(|asset| asset.respond(method, headers))
    }

    /// `index.html` rewritten by `edit` (page-specific tags), never cached by browsers.
    pub fn index_with(
        &self,
        method: &Method,
        edit: impl FnOnce(&str) -> String,
    ) -> Option<Response> {
        let asset = self.assets.get(INDEX)?;
        let html = edit(std::str::from_utf8(&asset.identity).ok()?);
        let length = html.len();
        let body = if method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(html)
        };
        Some(
            Response::builder()
                .header(header::CONTENT_TYPE, asset.content_type.clone())
                .header(header::CACHE_CONTROL, CACHE_REVALIDATE)
                .header(header::CONTENT_LENGTH, length)
                .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
                .body(body)
                .expect("valid response"),
        )
    }

    /// `index.html`, whatever the path: the app's router decides what the URL shows.
    pub fn index(&self, method: &Method, headers: &HeaderMap) -> Response {
        match self.assets.get(INDEX) {
            Some(asset) => asset.respond(method, headers),
            None => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                format!(
                    "<!DOCTYPE html><title>Wharf</title><h1>Wharf's web UI is not built</h1>\
                     <p>No <code>index.html</code> in <code>{}</code>. Build it with \
                     <code>./scripts/run.sh</code> (or <code>trunk build --release</code>), \
                     or point <code>WHARF_DIST_DIR</code> at a built copy. \
                     The REST API works without it.</p>",
                    html_escape(&self.dir.display().to_string())
                ),
            )
                .into_response(),
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn read_dir_into(
    root: &Path,
    dir: &Path,
    assets: &mut HashMap<String, Arc<Asset>>,
) -> Result<(), SpaError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SpaError::Io { path, source }
    };
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(io(&path))?;
        if file_type.is_dir() {
            read_dir_into(root, &path, assets)?;
        } else if file_type.is_file() {
            let Ok(relative) = path.strip_prefix(root) else {
                continue;
            };
            let Some(name) = relative.to_str().map(|s| s.replace('\\', "/")) else {
                continue;
            };
            let body = std::fs::read(&path).map_err(io(&path))?;
            assets.insert(name.clone(), Arc::new(Asset::new(&name, body)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed_name("frontend-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_name("frontend-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_name("main-0123456789abcdef.css"));
        assert!(!is_hashed_name("index.html"));
        assert!(!is_hashed_name("favicon.svg"));
        assert!(!is_hashed_name("my-app.js"));
        assert!(!is_hashed_name("x-1a2b3c4d5e6f7a8.js"));
    }

    #[test]
    fn cache_policy_follows_the_name() {
        assert_eq!(
            Asset::new("index.html", vec![]).cache_control,
            CACHE_REVALIDATE
        );
        assert_eq!(
            Asset::new("frontend-1a2b3c4d5e6f7a8b.js", vec![]).cache_control,
            CACHE_IMMUTABLE
        );
        assert_eq!(Asset::new("robots.txt", vec![]).cache_control, CACHE_SHORT);
        assert_eq!(
            Asset::new("app_bg-0000000000000000.wasm", vec![]).content_type,
            "application/wasm"
        );
    }
}
