//! The asset host (the second port, like GitHub's object storage): it serves release
//! assets only through signed, expiring URLs and, like S3, refuses a request that also
//! carries an `Authorization` header. Also the web's `releases/download` links.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::world::Asset;
use super::{now_epoch, StandIn};

type HmacSha256 = Hmac<Sha256>;

pub(super) fn host_routes() -> Router<StandIn> {
    Router::new()
        .route("/release-assets/{asset_id}/{name}", get(serve_asset))
        .fallback(unsigned)
}

pub(super) fn web_routes() -> Router<StandIn> {
    Router::new().route(
        "/{owner}/{repo}/releases/download/{tag}/{name}",
        get(browser_download),
    )
}

fn s3_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{}</RequestId></Error>",
        super::random_alnum(16).to_uppercase()
    );
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

impl StandIn {
    fn signature(&self, asset_id: u64, expires: i64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.shared().signing_key)
            .expect("HMAC takes keys of any length");
        mac.update(format!("{asset_id}:{expires}").as_bytes());
        mac
    }

    /// Where `Accept: application/octet-stream` sends the client.
    pub(super) fn signed_asset_url(&self, asset: &Asset) -> String {
        let expires = now_epoch() + self.shared().config.asset_url_ttl.as_secs() as i64;
        let sig = hex::encode(self.signature(asset.id, expires).finalize().into_bytes());
        format!(
            "{}/release-assets/{}/{}?X-Amz-Expires={expires}&X-Amz-Signature={sig}",
            self.shared().asset_base,
            asset.id,
            app::domain::url::path_segment(&asset.name),
        )
    }

    /// Counts an asset-host request; `true` when it carried an Authorization header.
    fn count_asset_request(&self, headers: &HeaderMap) -> bool {
        let with_auth = headers.contains_key(header::AUTHORIZATION);
        let mut c = self.counters_mut();
        c.asset_requests += 1;
        if with_auth {
            c.asset_requests_with_authorization += 1;
        }
        with_auth
    }
}

fn refuse_authorization() -> Response {
    s3_error(
        StatusCode::BAD_REQUEST,
        "InvalidArgument",
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, \
         Signature query string parameter or the Authorization header should be specified",
    )
}

#[derive(Deserialize)]
struct Signed {
    #[serde(rename = "X-Amz-Expires")]
    expires: Option<i64>,
    #[serde(rename = "X-Amz-Signature")]
    signature: Option<String>,
}

async fn serve_asset(
    State(s): State<StandIn>,
    Path((asset_id, _name)): Path<(u64, String)>,
    Query(q): Query<Signed>,
    headers: HeaderMap,
) -> Response {
    if s.count_asset_request(&headers) {
        return refuse_authorization();
    }
    let (Some(expires), Some(sig)) = (q.expires, q.signature) else {
        return s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Request is not signed",
        );
    };
    let valid = hex::decode(&sig)
        .ok()
        .is_some_and(|sig| s.signature(asset_id, expires).verify_slice(&sig).is_ok());
    if !valid {
        return s3_error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        );
    }
    if now_epoch() > expires {
        return s3_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired");
    }
    let (bytes, name) = {
        let mut w = s.world();
        let Some(asset) = w.asset_mut(asset_id) else {
            return s3_error(
                StatusCode::NOT_FOUND,
                "NoSuchKey",
                "The specified key does not exist.",
            );
        };
        asset.download_count += 1;
        (asset.bytes.clone(), asset.name.clone())
    };
    s.counters_mut().asset_downloads += 1;
    let disposition = format!(
        "attachment; filename={}",
        app::domain::url::path_segment(&name)
    );
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

async fn unsigned(State(s): State<StandIn>, headers: HeaderMap) -> Response {
    if s.count_asset_request(&headers) {
        return refuse_authorization();
    }
    s3_error(StatusCode::FORBIDDEN, "AccessDenied", "Access Denied")
}

async fn browser_download(
    State(s): State<StandIn>,
    Path((owner, repo, tag, name)): Path<(String, String, String, String)>,
) -> Response {
    let location = {
        let w = s.world();
        let found = w.repo_index(&owner, &repo).and_then(|i| {
            let r = &w.repos[i];
            if r.private {
                return None;
            }
            r.releases
                .iter()
                .find(|rel| !rel.draft && rel.tag_name == tag)?
                .assets
                .iter()
                .find(|a| a.name == name)
        });
        found.map(|a| s.signed_asset_url(a))
    };
    match location {
        Some(l) => (StatusCode::FOUND, [(header::LOCATION, l)]).into_response(),
        None => (StatusCode::NOT_FOUND, "Not Found").into_response(),
    }
}
