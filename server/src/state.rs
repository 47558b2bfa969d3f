//! What every request handler can reach.

use std::ops::Deref;
use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::secrets::Secrets;
use crate::spa::Spa;
use crate::storage::BlobStore;

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
    pub throttle: crate::throttle::Throttle,
    /// GitHub's REST API (or GitHub Enterprise's, or the stand-in's).
    pub github: crate::github::GitHubClient,
    pub importer: std::sync::Arc<crate::import::Importer>,
    /// Running digests of Docker uploads in progress.
    pub uploads: crate::oci::uploads::Uploads,
}

impl AppState {
    pub fn new(inner: Inner) -> AppState {
        AppState(Arc::new(inner))
    }

    /// The plan rule under this server's configuration.
    pub fn plans(&self) -> crate::plans::Plans {
        crate::plans::Plans::new(self.config.all_premium)
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
