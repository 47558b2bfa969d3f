//! Release-asset downloads: the asset's API URL with `Accept: application/octet-stream`
//! and the token; GitHub answers with a redirect to signed storage (or, sometimes, the
//! bytes). The redirect is followed by hand, WITHOUT the Authorization header: storage
//! refuses requests that carry one, and the token must not leave GitHub.

use std::pin::Pin;

use bytes::Bytes;
use futures_util::{Stream, TryStreamExt};
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION};

use super::client::Session;
use super::error::GitHubError;
use super::models::ReleaseAsset;

/// A download in progress: read `stream` to the end (and check its SHA-256 against
/// [`ReleaseAsset::expected_sha256`] when GitHub gave one).
pub struct AssetDownload {
    pub content_length: Option<u64>,
    pub content_type: Option<String>,
    pub stream: Pin<Box<dyn Stream<Item = Result<Bytes, GitHubError>> + Send>>,
}

impl std::fmt::Debug for AssetDownload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssetDownload")
            .field("content_length", &self.content_length)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl AssetDownload {
    /// Reads the whole body (for small files and tests).
    pub async fn bytes(mut self) -> Result<Vec<u8>, GitHubError> {
        let mut out = Vec::new();
        while let Some(chunk) = self.stream.try_next().await? {
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

fn into_download(res: reqwest::Response) -> AssetDownload {
    AssetDownload {
        content_length: res.content_length(),
        content_type: res
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        stream: Box::pin(res.bytes_stream().map_err(GitHubError::transport)),
    }
}

impl Session {
    /// Starts downloading a release asset.
    pub async fn download_asset(&self, asset: &ReleaseAsset) -> Result<AssetDownload, GitHubError> {
        let (res, permit) = self.asset_request(&asset.url).await?;
        let status = res.status();
        if status.is_success() {
            // GitHub may stream the bytes itself.
            return Ok(into_download(res));
        }
        if !status.is_redirection() {
            let body = res.bytes().await.unwrap_or_default();
            return Err(GitHubError::from_status(
                status.as_u16(),
                &body,
                &format!("release asset {}", asset.id),
            ));
        }
        let location = res
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| GitHubError::Decode {
                what: format!("release asset {}", asset.id),
                detail: format!("{status} without a Location"),
            })?;
        let target = reqwest::Url::parse(&asset.url)
            .and_then(|base| base.join(location))
            .map_err(|e| GitHubError::Decode {
                what: format!("release asset {}", asset.id),
                detail: format!("bad Location: {e}"),
            })?;
        drop(permit);
        self.client().count_asset_redirect();
        // A client that never holds the token; no Authorization header here.
        let res = self
            .client()
            .download_client()
            .get(target)
            .header(ACCEPT, "application/octet-stream")
            .send()
            .await
            .map_err(GitHubError::transport)?;
        if !res.status().is_success() {
            return Err(GitHubError::AssetHost {
                status: res.status().as_u16(),
            });
        }
        Ok(into_download(res))
    }
}
