//! `wharf migrate`: moves an embedded instance (SQLite and local disk) onto PostgreSQL and
//! an object store (issue 12 item 4), so outgrowing one machine does not mean starting
//! again.
//!
//! Blobs go first, then the rows (so no row ever names an object the target lacks).
//! Each blob is streamed from the source store to the target in constant memory and
//! hashed on the way; it is kept only when its sha256 and size are the ones its row
//! records. A blob the target already holds at the right size is skipped, and rows are
//! upserted by primary key (`db::copy`), so a second run after a failure, or after more
//! was written to the source, finishes the job without doubling anything. At the end the
//! row counts of every table must agree. A target that holds accounts the source does not
//! (another instance) is refused before anything is written. Run it with the source server stopped (or no
//! longer taking writes): what is written meanwhile is only copied by the next run.

use crate::infra::db::{Db, DbError, TableCount};
use crate::infra::storage::{self, BlobStore, StorageError, Want};

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("blob {sha256} in the source store does not match its record ({detail}); nothing of it was copied")]
    CorruptSource { sha256: String, detail: String },
    #[error("the target database already holds a different instance ({0}); migrate into an empty database")]
    ForeignTarget(String),
    #[error("the source must be an embedded (SQLite) instance; unset WHARF_DATABASE_URL or point it at sqlite://…")]
    NotEmbedded,
    #[error("after the copy, table {table} has {in_source} rows in the source but {in_target} in the target: \
             rows deleted in the source since an earlier run are not removed from the target; \
             drop the target database and bucket prefix, and migrate again")]
    CountMismatch {
        table: &'static str,
        in_source: i64,
        in_target: i64,
    },
}

/// What a migration did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrateReport {
    /// Blobs streamed to the target store and verified, and their bytes.
    pub blobs_copied: u64,
    pub bytes_copied: u64,
    /// Blobs the target store held already (an earlier run).
    pub blobs_present: u64,
    /// Parts of Docker uploads in flight, copied so those uploads can go on.
    pub parts_copied: u64,
    pub tables: Vec<TableCount>,
}

impl std::fmt::Display for MigrateReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows: i64 = self.tables.iter().map(|t| t.target).sum();
        write!(
            f,
            "{} blobs copied and verified ({} bytes), {} already there, {} upload parts; \
             {} rows in {} tables, every count equal",
            self.blobs_copied,
            self.bytes_copied,
            self.blobs_present,
            self.parts_copied,
            rows,
            self.tables.len()
        )
    }
}

pub async fn migrate(
    source_db: &Db,
    source_blobs: &BlobStore,
    target_db: &Db,
    target_blobs: &BlobStore,
) -> Result<MigrateReport, MigrateError> {
    let mut report = MigrateReport::default();
    // Checked before anything is written: only an embedded instance is copied, and only
    // into an empty database or one an earlier run of this same migration filled.
    if source_db.dialect() != crate::infra::db::Dialect::Sqlite {
        return Err(MigrateError::NotEmbedded);
    }
    if let Some(why) = source_db.foreign_users_in(target_db).await? {
        return Err(MigrateError::ForeignTarget(why));
    }
    for (sha256, size) in source_db.all_blobs().await? {
        if target_blobs.size_of(&sha256).await? == Some(size as u64) {
            report.blobs_present += 1;
            continue;
        }
        let body = source_blobs.get(&sha256, None).await?;
        let staged = target_blobs.stage(body, u64::MAX, Want::default()).await?;
        if staged.blob.sha256 != sha256 || staged.blob.size != size {
            target_blobs.discard(&staged.path).await;
            return Err(MigrateError::CorruptSource {
                detail: format!(
                    "it holds {} bytes with sha256 {}, the record says {size} bytes",
                    staged.blob.size, staged.blob.sha256
                ),
                sha256,
            });
        }
        target_blobs.place(&staged.path, &sha256).await?;
        report.blobs_copied += 1;
        report.bytes_copied += size as u64;
    }
    for (id, parts) in source_db.oci_upload_parts().await? {
        for index in 0..parts {
            let path = storage::part_path(&id, index);
            let body = source_blobs.read_path(&path).await?;
            target_blobs
                .write_part(&path, body, u64::MAX, |_| {})
                .await?;
            report.parts_copied += 1;
        }
    }
    report.tables = source_db.copy_into(target_db).await?;
    if let Some(t) = report.tables.iter().find(|t| t.source != t.target) {
        return Err(MigrateError::CountMismatch {
            table: t.table,
            in_source: t.source,
            in_target: t.target,
        });
    }
    Ok(report)
}
