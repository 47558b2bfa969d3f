//! Download and pull counters, batched in memory (issue 15): a download is a read, so it
//! must not wait for a write transaction. Counts gather here and reach the database in a
//! flush (files, then versions, a transaction each): every
//! [`Config::counter_flush`](crate::infra::config::Config) (2 s by default) and once more
//! when the server stops cleanly, after the last request.
//! A crash loses at most one interval's counts; a database that does not answer keeps
//! them for the next flush.
//!
//! Memory is bounded by the number of distinct files counted since the last flush.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use super::db::{Db, DbError, FileId, RepositoryId, VersionId};

/// Counts waiting for the next flush.
#[derive(Debug, Default)]
pub struct Pending {
    /// Downloads by file id.
    pub files: HashMap<FileId, i64>,
    /// Downloads and pulls by version id.
    pub versions: HashMap<VersionId, i64>,
    /// Pulls by tag: the tag's manifest file, by repository and path (its id is not
    /// known on the pull path).
    pub tag_files: HashMap<(RepositoryId, String), i64>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.files.is_empty() && self.versions.is_empty() && self.tag_files.is_empty()
    }

    /// Adds `other`'s counts to these (a flush that failed gives its counts back).
    fn merge(&mut self, other: Pending) {
        for (k, n) in other.files {
            *self.files.entry(k).or_default() += n;
        }
        for (k, n) in other.versions {
            *self.versions.entry(k).or_default() += n;
        }
        for (k, n) in other.tag_files {
            *self.tag_files.entry(k).or_default() += n;
        }
    }
}

/// The server's counters; cheap to call from any request.
#[derive(Debug)]
pub struct DownloadCounts {
    db: Db,
    pending: Mutex<Pending>,
}

impl DownloadCounts {
    pub fn new(db: Db) -> DownloadCounts {
        DownloadCounts {
            db,
            pending: Mutex::default(),
        }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, Pending> {
        // A panic while holding the lock leaves whole integers behind: keep counting.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One download of a file of a version.
    pub fn file(&self, file: FileId, version: VersionId) {
        let mut p = self.pending();
        *p.files.entry(file).or_default() += 1;
        *p.versions.entry(version).or_default() += 1;
    }

    /// One pull of a tag: its version and its manifest file (`path` in `repository`).
    pub fn tag_pull(&self, repository: RepositoryId, version: VersionId, path: String) {
        let mut p = self.pending();
        *p.versions.entry(version).or_default() += 1;
        *p.tag_files.entry((repository, path)).or_default() += 1;
    }

    /// Writes what gathered since the last flush: the files' counts in one transaction,
    /// then the versions' in another, so a flush never holds row locks on both tables
    /// (units of work lock versions before files; the opposite order in one transaction
    /// could deadlock with them on PostgreSQL). What a failed step would have written
    /// waits for the next flush; what a step wrote is not written again. Returns how
    /// many rows it changed.
    pub async fn flush(&self) -> Result<usize, DbError> {
        let taken = std::mem::take(&mut *self.pending());
        if taken.is_empty() {
            return Ok(0);
        }
        let Pending {
            files,
            versions,
            tag_files,
        } = taken;
        let file_rows = files.len() + tag_files.len();
        if let Err(e) = self.db.add_file_downloads(&files, &tag_files).await {
            self.pending().merge(Pending {
                files,
                versions,
                tag_files,
            });
            return Err(e);
        }
        let version_rows = versions.len();
        if let Err(e) = self.db.add_version_downloads(&versions).await {
            self.pending().merge(Pending {
                versions,
                ..Pending::default()
            });
            return Err(e);
        }
        Ok(file_rows + version_rows)
    }

    /// Flushes every `every` until `stop` fires, then returns; a flush under way is
    /// never cut short (a cancelled flush would drop the counts it had taken).
    /// [`crate::serve`] flushes once more after it.
    pub async fn flush_periodically(
        &self,
        every: Duration,
        mut stop: tokio::sync::oneshot::Receiver<()>,
    ) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = &mut stop => return,
            }
            if let Err(e) = self.flush().await {
                tracing::warn!(error = %e, "could not write download counts; they wait for the next flush");
            }
        }
    }
}
