//! Garbage collection of the file store, for files and Docker registries alike.
//!
//! A blob is garbage when no file, manifest or manifest reference uses it and it was
//! neither created nor relied on within the grace period. Uploads in flight are safe: a
//! chunked Docker upload keeps its chunks as parts of a session (a row in `oci_uploads`)
//! until it is closed, a file upload writes to a staging object that is fresh while
//! written, and a blob that an upload found stored was marked as used when it was found.
//! Sessions untouched for a day expire; objects with no row (a crash between the two
//! steps of [`crate::infra::file_store::keep`]) go once older than the grace period.
//!
//! Removal is in two steps under the database's write lock: delete the rows, move the
//! objects to `trash/`; then, once committed, empty the trash (a failed commit puts the
//! objects back).

use std::time::Duration;

use futures_util::StreamExt;

use crate::infra::db::{now_millis, Db};
use crate::infra::file_store::FileStoreError;
use crate::infra::storage::{self, BlobStore, PARTS_PREFIX, STAGING_PREFIX, TRASH_PREFIX};
use crate::state::AppState;

/// How blobs and uploads age.
#[derive(Debug, Clone, Copy)]
pub struct GcSettings {
    /// Unreferenced blobs younger than this stay.
    pub grace: Duration,
    /// Upload sessions and staging objects untouched for this long are abandoned.
    pub upload_expiry: Duration,
}

impl GcSettings {
    pub fn with_grace(grace: Duration) -> GcSettings {
        GcSettings {
            grace,
            upload_expiry: Duration::from_secs(24 * 3600).max(grace),
        }
    }
}

/// What one collection removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcReport {
    pub blobs_removed: u64,
    pub bytes_freed: u64,
    pub uploads_expired: u64,
    /// Objects with no row, stale staging objects, parts of gone sessions, old trash.
    pub orphans_removed: u64,
}

impl std::fmt::Display for GcReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "removed {} unreferenced blobs ({} bytes), {} expired uploads, {} orphaned objects",
            self.blobs_removed, self.bytes_freed, self.uploads_expired, self.orphans_removed
        )
    }
}

/// Rows removed per transaction: the write lock is held for one batch at a time.
const BATCH: i64 = 256;

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The lease that makes one replica at a time collect (issue 12), and how long a
/// collection may hold it before another replica may assume it died.
const GC_LEASE: &str = "gc";
const GC_LEASE_FOR: Duration = Duration::from_secs(15 * 60);

/// Collects garbage unless another replica (or `wharf gc`) is collecting on the same
/// database right now; `None` when it is. The blob rules above make two collectors safe
/// anyway (each removal is a unit of work); the lease only keeps them from doing the
/// same listing twice.
pub async fn collect_exclusive(
    db: &Db,
    store: &BlobStore,
    settings: GcSettings,
) -> Result<Option<GcReport>, FileStoreError> {
    let holder = uuid::Uuid::new_v4().to_string();
    let now = now_millis();
    if !db
        .take_lease(GC_LEASE, &holder, now, now + millis(GC_LEASE_FOR))
        .await?
    {
        crate::infra::metrics::global()
            .gc_runs
            .with_label_values(&["skipped"])
            .inc();
        return Ok(None);
    }
    let report = collect(db, store, settings).await;
    if let Err(e) = db.drop_lease(GC_LEASE, &holder).await {
        tracing::warn!(error = %e, "could not give back the garbage collector's lease");
    }
    let m = crate::infra::metrics::global();
    match &report {
        Ok(r) => {
            m.gc_runs.with_label_values(&["ran"]).inc();
            m.gc_blobs_removed.inc_by(r.blobs_removed);
            m.gc_bytes_freed.inc_by(r.bytes_freed);
        }
        Err(_) => m.gc_runs.with_label_values(&["failed"]).inc(),
    }
    report.map(Some)
}

pub async fn collect(
    db: &Db,
    store: &BlobStore,
    settings: GcSettings,
) -> Result<GcReport, FileStoreError> {
    let mut report = GcReport::default();
    let now = now_millis();
    let cutoff = now.saturating_sub(millis(settings.grace));
    let upload_cutoff = now.saturating_sub(millis(settings.upload_expiry));

    for upload in db.delete_stale_oci_uploads(upload_cutoff).await? {
        for index in 0..upload.parts {
            store
                .delete_path(&storage::part_path(&upload.id, index))
                .await?;
        }
        report.uploads_expired += 1;
    }

    loop {
        let mut lock = db.begin().await?;
        let removed = lock.delete_unreferenced(cutoff, BATCH).await?;
        if removed.is_empty() {
            break;
        }
        let trashed = trash_all(store, removed.iter().map(|r| r.sha256.as_str())).await?;
        if let Err(e) = lock.commit().await {
            untrash_all(store, &trashed).await;
            return Err(e.into());
        }
        empty_trash(store, &trashed).await;
        report.blobs_removed += removed.len() as u64;
        report.bytes_freed += removed.iter().map(|r| r.size.max(0) as u64).sum::<u64>();
    }

    report.orphans_removed += remove_orphan_blobs(db, store, cutoff).await?;
    report.orphans_removed += remove_stale_objects(db, store, cutoff, upload_cutoff).await?;
    Ok(report)
}

/// Moves blobs to the trash; on a failure, puts back what it moved.
async fn trash_all<'a>(
    store: &BlobStore,
    sha256s: impl Iterator<Item = &'a str>,
) -> Result<Vec<String>, FileStoreError> {
    let mut trashed = Vec::new();
    for sha in sha256s {
        match store.trash(sha).await {
            Ok(true) => trashed.push(sha.to_owned()),
            Ok(false) => {}
            Err(e) => {
                untrash_all(store, &trashed).await;
                return Err(e.into());
            }
        }
    }
    Ok(trashed)
}

async fn untrash_all(store: &BlobStore, trashed: &[String]) {
    for sha in trashed {
        if let Err(e) = store.untrash(sha).await {
            tracing::error!(sha256 = %sha, error = %e, "could not restore a blob from the trash");
        }
    }
}

async fn empty_trash(store: &BlobStore, trashed: &[String]) {
    for sha in trashed {
        if let Err(e) = store.delete_path(&storage::trash_path(sha)).await {
            tracing::warn!(sha256 = %sha, error = %e, "could not empty the trash");
        }
    }
}

/// Content objects without a row, older than the cutoff.
async fn remove_orphan_blobs(
    db: &Db,
    store: &BlobStore,
    cutoff: i64,
) -> Result<u64, FileStoreError> {
    let mut removed = 0;
    let mut listing = store.list_stream(storage::BLOBS_PREFIX).chunks(500);
    while let Some(batch) = listing.next().await {
        let old: Vec<String> = batch
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|(_, modified)| modified.timestamp_millis() <= cutoff)
            .filter_map(|(path, _)| BlobStore::blob_sha256(&path))
            .collect();
        if old.is_empty() {
            continue;
        }
        let with_rows = db.existing_blobs(&old).await?;
        let candidates: Vec<&String> = old.iter().filter(|s| !with_rows.contains(*s)).collect();
        if candidates.is_empty() {
            continue;
        }
        // Under the lock, nothing can claim them between the check and the move.
        let mut lock = db.begin().await?;
        let mut orphans = Vec::new();
        for sha in candidates {
            if !lock.blob_exists(sha).await? {
                orphans.push(sha.as_str());
            }
        }
        let trashed = trash_all(store, orphans.into_iter()).await?;
        if let Err(e) = lock.commit().await {
            untrash_all(store, &trashed).await;
            return Err(e.into());
        }
        empty_trash(store, &trashed).await;
        removed += trashed.len() as u64;
    }
    Ok(removed)
}

/// Staging objects of abandoned file uploads, parts of sessions that are gone, and trash
/// left by an interrupted collection.
async fn remove_stale_objects(
    db: &Db,
    store: &BlobStore,
    cutoff: i64,
    upload_cutoff: i64,
) -> Result<u64, FileStoreError> {
    let mut removed = 0;
    for (prefix, older_than) in [
        (STAGING_PREFIX, upload_cutoff),
        (PARTS_PREFIX, cutoff),
        (TRASH_PREFIX, cutoff),
    ] {
        let mut listing = store.list_stream(prefix);
        while let Some(item) = listing.next().await {
            let (path, modified) = item?;
            if modified.timestamp_millis() > older_than {
                continue;
            }
            if prefix == PARTS_PREFIX {
                let live = match storage::part_session(&path) {
                    Some(session) => db.oci_upload_exists(&session).await?,
                    None => false,
                };
                if live {
                    continue;
                }
            }
            store.delete_path(&path).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Collects garbage every `gc_interval_seconds` while the server runs (the first time one
/// interval after start), and forgets the running digests of abandoned uploads.
pub async fn run_periodically(state: AppState) {
    let interval = Duration::from_secs(state.config.gc_interval_seconds.max(1));
    let settings = GcSettings::with_grace(Duration::from_secs(state.config.gc_grace_seconds));
    loop {
        tokio::time::sleep(interval).await;
        match collect_exclusive(&state.db, &state.blobs, settings).await {
            Ok(Some(report)) => tracing::info!(%report, "garbage collected"),
            Ok(None) => tracing::debug!("another replica is collecting garbage"),
            Err(e) => tracing::error!(error = %e, "garbage collection failed"),
        }
        state.uploads.prune(settings.upload_expiry);
    }
}
