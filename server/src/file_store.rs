//! The file store: blob objects and their rows in the `blobs` table, kept in step.
//!
//! A blob becomes visible in two steps, its row and then its object, and the garbage
//! collector removes both in the same order. Both happen under the database's write lock
//! ([`crate::db::BlobLock`]), so the collector never removes an object that a new row has
//! just claimed, and a blob that is found stored is marked as used before it is relied on.

use bytes::Bytes;
use futures_util::Stream;

use crate::db::{Db, DbError, OciLink};
use crate::storage::{BlobStore, Staged, StorageError, StoredBlob, Want};

#[derive(Debug, thiserror::Error)]
pub enum FileStoreError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Records a staged blob and moves its object into place; with `oci_link`, also makes it
/// pullable from that image of a registry. The staged object is consumed either way.
pub async fn keep(
    db: &Db,
    store: &BlobStore,
    staged: &Staged,
    oci_link: Option<OciLink<'_>>,
) -> Result<(), FileStoreError> {
    let result = async {
        let mut lock = db.blob_lock().await?;
        lock.upsert_blob(&staged.blob).await?;
        if let Some(link) = &oci_link {
            lock.link_oci_blob(link, &staged.blob.sha256).await?;
        }
        store.place(&staged.path, &staged.blob.sha256).await?;
        lock.commit().await?;
        Ok::<(), FileStoreError>(())
    }
    .await;
    if result.is_err() {
        store.discard(&staged.path).await;
    }
    result
}

/// Streams a file upload into the store: sha1, sha256 and md5 computed on the way,
/// `expected_sha256` (hex, any case) checked before anything becomes visible.
pub async fn put_stream<S, E>(
    db: &Db,
    store: &BlobStore,
    body: S,
    max: u64,
    expected_sha256: Option<&str>,
) -> Result<StoredBlob, FileStoreError>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: std::fmt::Display,
{
    let staged = store.stage(body, max, Want::FILE).await?;
    if let Some(expected) = expected_sha256 {
        if !expected.trim().eq_ignore_ascii_case(&staged.blob.sha256) {
            store.discard(&staged.path).await;
            return Err(StorageError::ChecksumMismatch {
                expected: expected.trim().to_ascii_lowercase(),
                actual: staged.blob.sha256,
            }
            .into());
        }
    }
    keep(db, store, &staged, None).await?;
    Ok(staged.blob)
}
