//! The file store: blob objects and their rows in the `blobs` table, kept in step.
//!
//! A blob becomes visible in two steps, its row and then its object, and the garbage
//! collector removes both in the same order. Both happen inside a unit of work
//! ([`crate::infra::db::Tx`]). So the collector never removes an object that a new row has
//! just claimed, and a blob that is found stored is marked as used before anyone relies
//! on it. A flow that records more than the blob (an upload's version and file) calls
//! [`keep_in`] inside its own `Tx`, and so it is all or nothing.

use bytes::Bytes;
use futures_util::Stream;

use crate::infra::db::{Db, DbError, OciLink, Tx};
use crate::infra::storage::{BlobStore, Staged, StorageError, Want};

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
        let mut tx = db.begin().await?;
        keep_in(&mut tx, store, staged, oci_link).await?;
        tx.commit().await?;
        Ok::<(), FileStoreError>(())
    }
    .await;
    if result.is_err() {
        store.discard(&staged.path).await;
    }
    result
}

/// [`keep`] as one step of the caller's unit of work. The row is written in `tx` and the
/// object is placed now. If `tx` is then rolled back, the object has no row, and the
/// collector removes it after its grace period. On an error the caller discards
/// `staged`.
pub async fn keep_in(
    tx: &mut Tx,
    store: &BlobStore,
    staged: &Staged,
    oci_link: Option<OciLink<'_>>,
) -> Result<(), FileStoreError> {
    tx.upsert_blob(&staged.blob).await?;
    if let Some(link) = &oci_link {
        tx.link_oci_blob(link, &staged.blob.sha256).await?;
    }
    store.place(&staged.path, &staged.blob.sha256).await?;
    Ok(())
}

/// Streams a file upload into the store's staging area. sha1, sha256 and md5 are
/// computed on the way, and `expected_sha256` (hex, any case) is checked. Nothing is
/// recorded yet: the caller [`keep`]s the result, or [`keep_in`]s it in a unit of work,
/// or discards it.
pub async fn stage_upload<S, E>(
    store: &BlobStore,
    body: S,
    max: u64,
    expected_sha256: Option<&str>,
) -> Result<Staged, FileStoreError>
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
    Ok(staged)
}
