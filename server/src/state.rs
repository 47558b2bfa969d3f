//! What every request handler can reach.

use std::ops::Deref;
use std::sync::Arc;

use crate::infra::config::Config;
use crate::infra::db::Db;
use crate::infra::secrets::Secrets;
use crate::infra::spa::Spa;
use crate::infra::storage::BlobStore;

#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub config: Config,
    pub db: Db,
    pub secrets: Secrets,
    pub spa: Spa,
    pub blobs: BlobStore,
    /// Failed sign-ins and API-key attempts, by user name.
    pub throttle: crate::infra::throttle::Throttle,
    /// GitHub's REST API (or GitHub Enterprise's, or the stand-in's).
    pub github: crate::infra::github::GitHubClient,
    pub importer: std::sync::Arc<crate::domain::import::Importer>,
    /// Downloads and pulls counted since the last flush.
    pub download_counts: std::sync::Arc<crate::infra::download_counts::DownloadCounts>,
    /// Running digests of Docker uploads in progress.
    pub uploads: crate::domain::oci::uploads::Uploads,
}

impl AppState {
    pub fn new(inner: Inner) -> AppState {
        AppState(Arc::new(inner))
    }

    /// The plan rule under this server's configuration.
    pub fn plans(&self) -> crate::domain::plans::Plans {
        crate::domain::plans::Plans::new(self.config.all_premium)
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
