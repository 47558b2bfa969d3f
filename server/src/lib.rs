//! Wharf's server: the single-page app, the Bintray-compatible REST API and the registry.
//!
//! [`start`] prepares everything a running server needs (data directory, database,
//! secrets, the built UI); [`serve`] answers HTTP on a listener the caller bound, so tests
//! own their port (`127.0.0.1:0`) and their shutdown.

pub mod domain;
pub mod http;
pub mod infra;
pub mod state;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::domain::gc;

use crate::infra::config::Config;
use crate::infra::db::{Db, DbError};
use crate::infra::secrets::{Secrets, SecretsError};
use crate::infra::spa::{Spa, SpaError};
use crate::state::{AppState, Inner};

/// Why the server could not start. Each message is one line for the person running it.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot use the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {place}: {source}")]
    Database { place: String, source: DbError },
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error(transparent)]
    Spa(#[from] SpaError),
    #[error("cannot open the blob store: {0}")]
    Storage(#[from] crate::infra::storage::StorageError),
    #[error("the blob store {place} does not answer: {source}")]
    BlobStore {
        place: String,
        source: crate::infra::storage::StorageError,
    },
    #[error("cannot set up the GitHub client: {0}")]
    Github(String),
}

/// The data directory's layout.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("wharf.db")
}

pub fn blobs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("blobs")
}

/// Creates the data directory if needed and proves it is writable.
pub fn prepare_data_dir(data_dir: &Path) -> Result<(), StartError> {
    let err = |source| StartError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(err)?;
    let probe = data_dir.join(".write-test");
    std::fs::write(&probe, b"ok").map_err(err)?;
    std::fs::remove_file(&probe).map_err(err)?;
    Ok(())
}

/// Opens the data directory, the database `WHARF_DATABASE_URL` names (by default
/// `<data dir>/wharf.db`, applying migrations) and the secrets.
///
/// Replicas on one PostgreSQL database must share the server key (`secret.key` in the data
/// directory): it seals tokens and signs sessions, so copy it to every replica.
pub async fn open_storage(config: &Config) -> Result<(Db, Secrets), StartError> {
    prepare_data_dir(&config.data_dir)?;
    let secrets = Secrets::load_or_create(&config.data_dir)?;
    let url = match &config.database {
        Some(url) => url.clone(),
        None => crate::infra::config::DatabaseUrl::Sqlite(database_path(&config.data_dir)),
    };
    let db = Db::open_url(&url.as_url())
        .await
        .map_err(|source| StartError::Database {
            place: format!("{url:?}"),
            source,
        })?;
    Ok((db, secrets))
}

/// Opens the blob store `WHARF_BLOB_STORE` names (by default `<data dir>/blobs`; a local
/// directory is created when missing). It is not contacted: see [`check_blobs`].
pub fn open_blobs(config: &Config) -> Result<crate::infra::storage::BlobStore, StartError> {
    use crate::infra::config::BlobStoreUrl;
    use crate::infra::storage::{BlobStore, S3Location};
    Ok(match &config.blob_store {
        None => BlobStore::local(&blobs_dir(&config.data_dir))?,
        Some(BlobStoreUrl::File(dir)) => BlobStore::local(dir)?,
        Some(BlobStoreUrl::S3 { bucket, prefix }) => BlobStore::s3(&S3Location {
            bucket,
            prefix,
            endpoint: config.s3_endpoint.as_deref(),
        })?,
    })
}

/// Proves at start-up that the blob store answers, so that a wrong endpoint, bucket or
/// key stops the server with the store's own words instead of failing every download.
pub async fn check_blobs(
    config: &Config,
    blobs: &crate::infra::storage::BlobStore,
) -> Result<(), StartError> {
    blobs.ping().await.map_err(|source| StartError::BlobStore {
        place: match &config.blob_store {
            Some(crate::infra::config::BlobStoreUrl::S3 { bucket, prefix }) => {
                let at = config.s3_endpoint.as_deref().unwrap_or("AWS");
                format!("s3://{bucket}/{prefix} at {at}")
            }
            Some(crate::infra::config::BlobStoreUrl::File(dir)) => dir.display().to_string(),
            None => blobs_dir(&config.data_dir).display().to_string(),
        },
        source,
    })
}

/// Removes unreferenced blobs and abandoned uploads (`wharf gc`).
pub async fn collect_garbage(
    config: &Config,
    grace: std::time::Duration,
) -> Result<gc::GcReport, String> {
    let (db, _) = open_storage(config).await.map_err(|e| e.to_string())?;
    let blobs = open_blobs(config).map_err(|e| e.to_string())?;
    let report = match gc::collect_exclusive(&db, &blobs, gc::GcSettings::with_grace(grace)).await {
        Ok(Some(report)) => Ok(report),
        Ok(None) => Err(
            "another Wharf process is collecting garbage on this database; \
                         try again when it has finished"
                .to_owned(),
        ),
        Err(e) => Err(e.to_string()),
    };
    db.close().await;
    report
}

/// Copies the configured (embedded) instance into the database `to` and the blob store
/// `blobs` (`wharf migrate`).
pub async fn migrate_to(
    config: &Config,
    to: &str,
    blobs: &str,
) -> Result<crate::domain::migrate::MigrateReport, String> {
    let mut target_config = config.clone();
    let env: std::collections::BTreeMap<String, String> = [
        ("WHARF_DATABASE_URL".to_owned(), to.to_owned()),
        ("WHARF_BLOB_STORE".to_owned(), blobs.to_owned()),
    ]
    .into();
    let parsed = Config::load(None, &env).map_err(|e| e.to_string())?;
    target_config.database = parsed.database;
    target_config.blob_store = parsed.blob_store;
    if target_config.database == config.database && target_config.blob_store == config.blob_store {
        return Err("the target is the instance itself".to_owned());
    }
    let (source_db, _) = open_storage(config).await.map_err(|e| e.to_string())?;
    let source_blobs = open_blobs(config).map_err(|e| e.to_string())?;
    let (target_db, _) = open_storage(&target_config)
        .await
        .map_err(|e| e.to_string())?;
    let target_blobs = open_blobs(&target_config).map_err(|e| e.to_string())?;
    let report =
        crate::domain::migrate::migrate(&source_db, &source_blobs, &target_db, &target_blobs)
            .await
            .map_err(|e| e.to_string());
    source_db.close().await;
    target_db.close().await;
    report
}

/// Everything [`serve`] needs, ready.
pub async fn start(config: Config) -> Result<AppState, StartError> {
    let (db, secrets) = open_storage(&config).await?;
    let blobs = open_blobs(&config)?;
    check_blobs(&config, &blobs).await?;
    let spa = Spa::load(&config.dist_dir)?;
    if spa.is_built() {
        spa.compress_in_background();
    } else {
        tracing::warn!(
            dist_dir = %spa.dir().display(),
            "the web UI is not built; pages explain how to build it, the API works"
        );
    }
    let github =
        crate::infra::github::GitHubClient::new(crate::infra::github::GitHubClientOptions {
            api_base: config.github.api_url.clone(),
            ..Default::default()
        })
        .map_err(|e| StartError::Github(e.to_string()))?;
    let importer = crate::domain::import::Importer::new(
        db.clone(),
        blobs.clone(),
        secrets.clone(),
        github.clone(),
        config.max_upload_bytes,
        crate::domain::plans::Plans::new(config.all_premium),
        std::time::Duration::from_secs(config.import_lease_seconds),
    );
    let throttle = crate::infra::throttle::Throttle::new(db.clone());
    let download_counts = Arc::new(crate::infra::download_counts::DownloadCounts::new(
        db.clone(),
    ));
    Ok(AppState::new(Inner {
        config,
        db,
        secrets,
        spa,
        blobs,
        throttle,
        github,
        importer,
        download_counts,
        uploads: Default::default(),
    }))
}

/// Answers HTTP on `listener` until `shutdown` completes, then lets requests in flight
/// finish and closes the database. Collects garbage in the background meanwhile.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let db = state.db.clone();
    let importer = state.importer.clone();
    match importer.resume().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(jobs = n, "carrying on with unfinished imports"),
        Err(e) => tracing::error!(error = %e, "could not read unfinished imports"),
    }
    // Jobs of replicas that died: taken over once their lease runs out.
    let sweeper = {
        let importer = importer.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(importer.sweep_interval()).await;
                if let Err(e) = importer.resume().await {
                    tracing::warn!(error = %e, "could not look for orphaned imports");
                }
            }
        })
    };
    let releaser = importer.clone();
    // Imports stop first, so that their progress streams end and the graceful shutdown
    // is not held open by them.
    let shutdown = async move {
        shutdown.await;
        importer.stop();
    };
    let gc = (state.config.gc_interval_seconds > 0)
        .then(|| tokio::spawn(gc::run_periodically(state.clone())));
    let counts = state.download_counts.clone();
    let (stop_counter, counter_stopped) = tokio::sync::oneshot::channel();
    let counter = {
        let (counts, every) = (counts.clone(), state.config.counter_flush);
        tokio::spawn(async move { counts.flush_periodically(every, counter_stopped).await })
    };
    let result = axum::serve(listener, http::service(state))
        .with_graceful_shutdown(shutdown)
        .await;
    sweeper.abort();
    let _ = sweeper.await;
    if let Some(gc) = gc {
        gc.abort();
        let _ = gc.await;
    }
    // After the last request: a clean stop loses no count.
    let _ = stop_counter.send(());
    let _ = counter.await;
    if let Err(e) = counts.flush().await {
        tracing::error!(error = %e, "could not write the last download counts");
    }
    releaser.release_leases().await;
    db.close().await;
    result
}
