//! File contents, content-addressed by sha256 in an `object_store` (local disk by
//! default; S3-compatible stores are a configuration change).
//!
//! An upload streams into a staging object while sha1, sha256 and md5 are computed, in
//! constant memory (one multipart chunk at a time). Only a complete upload whose checksum
//! matches is moved to `sha256/<2 hex>/<sha256>`; anything else (a wrong checksum, a body
//! over the limit, a client that disconnects) aborts the staging object and leaves
//! nothing behind.

use std::ops::Range;
use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt, TryStreamExt};
use md5::Md5;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, GetResultPayload, ObjectStore, WriteMultipart};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use tokio_util::io::ReaderStream;

/// Bytes held in memory per upload (object stores want parts of 5 MiB or more).
const CHUNK: usize = 8 * 1024 * 1024;
/// Bytes read at a time when serving a blob from local disk.
const READ_CHUNK: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("the upload is larger than the limit of {0} bytes")]
    TooLarge(u64),
    #[error("the content's SHA-256 is {actual}, not {expected} as the client said")]
    ChecksumMismatch { expected: String, actual: String },
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    #[error("storage error: {0}")]
    Store(#[from] object_store::Error),
}

/// What an upload stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub sha256: String,
    pub sha1: String,
    pub md5: String,
    pub size: i64,
}

#[derive(Clone, Debug)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
}

fn blob_path(sha256: &str) -> Path {
    Path::from(format!(
        "sha256/{}/{}",
        &sha256[..2.min(sha256.len())],
        sha256
    ))
}

impl BlobStore {
    /// Blobs under `dir` on local disk.
    pub fn local(dir: &FsPath) -> Result<BlobStore, StorageError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StorageError::Store(object_store::Error::Generic {
                store: "local",
                source: Box::new(e),
            })
        })?;
        Ok(BlobStore {
            store: Arc::new(LocalFileSystem::new_with_prefix(dir)?),
        })
    }

    /// Streams `body` into the store. `max` bounds the size; `expected_sha256` (hex, any
    /// case) is checked before the blob becomes visible.
    pub async fn put_stream<S, E>(
        &self,
        body: S,
        max: u64,
        expected_sha256: Option<&str>,
    ) -> Result<StoredBlob, StorageError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let staging = Path::from(format!("uploads/{}", uuid::Uuid::new_v4()));
        let upload = self.store.put_multipart(&staging).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, CHUNK);
        let mut sha256 = Sha256::new();
        let mut sha1 = Sha1::new();
        let mut md5 = Md5::new();
        let mut size: u64 = 0;
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(StorageError::Interrupted(e.to_string()));
                }
            };
            size += chunk.len() as u64;
            if size > max {
                let _ = writer.abort().await;
                return Err(StorageError::TooLarge(max));
            }
            sha256.update(&chunk);
            sha1.update(&chunk);
            md5.update(&chunk);
            if let Err(e) = writer.wait_for_capacity(2).await {
                return Err(e.into());
            }
            writer.write(&chunk);
        }
        writer.finish().await?;
        let blob = StoredBlob {
            sha256: hex::encode(sha256.finalize()),
            sha1: hex::encode(sha1.finalize()),
            md5: hex::encode(md5.finalize()),
            size: size as i64,
        };
        if let Some(expected) = expected_sha256 {
            if !expected.trim().eq_ignore_ascii_case(&blob.sha256) {
                let _ = self.store.delete(&staging).await;
                return Err(StorageError::ChecksumMismatch {
                    expected: expected.trim().to_ascii_lowercase(),
                    actual: blob.sha256,
                });
            }
        }
        let target = blob_path(&blob.sha256);
        if self.store.head(&target).await.is_ok() {
            // The same content is stored already: keep one copy.
            self.store.delete(&staging).await?;
        } else {
            self.store.rename(&staging, &target).await?;
        }
        Ok(blob)
    }

    /// The blob's bytes, or the byte range `range` of them.
    pub async fn get(
        &self,
        sha256: &str,
        range: Option<Range<u64>>,
    ) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self.store.get_opts(&blob_path(sha256), options).await?;
        match result.payload {
            // object_store reads local files 8 KiB at a time, each on the blocking pool;
            // large reads from the file itself are many times faster.
            GetResultPayload::File(file, _) => {
                use tokio::io::{AsyncReadExt, AsyncSeekExt};
                let range = result.range;
                let mut file = tokio::fs::File::from_std(file);
                file.seek(std::io::SeekFrom::Start(range.start))
                    .await
                    .map_err(|e| StorageError::Interrupted(e.to_string()))?;
                let reader = file.take(range.end - range.start);
                Ok(ReaderStream::with_capacity(reader, READ_CHUNK)
                    .map_err(|e| StorageError::Interrupted(e.to_string()))
                    .boxed())
            }
            GetResultPayload::Stream(stream) => Ok(stream.map_err(StorageError::from).boxed()),
        }
    }

    pub async fn exists(&self, sha256: &str) -> bool {
        self.store.head(&blob_path(sha256)).await.is_ok()
    }

    pub async fn delete(&self, sha256: &str) -> Result<(), StorageError> {
        match self.store.delete(&blob_path(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// How many uploads are staged (tests check that failures leave none behind).
    pub async fn staged_uploads(&self) -> Result<usize, StorageError> {
        let prefix = Path::from("uploads");
        Ok(self
            .store
            .list(Some(&prefix))
            .try_collect::<Vec<_>>()
            .await?
            .len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: Vec<&'static [u8]>) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
        futures_util::stream::iter(parts.into_iter().map(|p| Ok(Bytes::from_static(p))))
    }

    async fn read_all(store: &BlobStore, sha: &str, range: Option<Range<u64>>) -> Vec<u8> {
        let s = store.get(sha, range).await.unwrap();
        let parts: Vec<Bytes> = s.try_collect().await.unwrap();
        parts.concat()
    }

    #[tokio::test]
    async fn uploads_are_hashed_stored_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path()).unwrap();
        let blob = store
            .put_stream(chunks(vec![b"hello ", b"world"]), 1024, None)
            .await
            .unwrap();
        assert_eq!(blob.size, 11);
        assert_eq!(
            blob.sha256,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(blob.sha1, "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
        assert_eq!(blob.md5, "5eb63bbbe01eeed093cb22bb8f5acdc3");
        assert_eq!(read_all(&store, &blob.sha256, None).await, b"hello world");
        assert_eq!(read_all(&store, &blob.sha256, Some(6..11)).await, b"world");
        let again = store
            .put_stream(
                chunks(vec![b"hello world"]),
                1024,
                Some(&blob.sha256.to_uppercase()),
            )
            .await
            .unwrap();
        assert_eq!(again, blob);
        assert_eq!(store.staged_uploads().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn failed_uploads_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path()).unwrap();
        let err = store
            .put_stream(chunks(vec![b"abc"]), 1024, Some("00"))
            .await
            .unwrap_err();
        assert!(matches!(err, StorageError::ChecksumMismatch { .. }));
        let err = store
            .put_stream(chunks(vec![b"abcdef", b"ghij"]), 8, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StorageError::TooLarge(8)));
        let broken = futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"partial")),
            Err(std::io::Error::other("client went away")),
        ]);
        let err = store.put_stream(broken, 1024, None).await.unwrap_err();
        assert!(matches!(err, StorageError::Interrupted(_)));
        assert_eq!(store.staged_uploads().await.unwrap(), 0);
        let sha_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert!(!store.exists(sha_abc).await);
    }
}
