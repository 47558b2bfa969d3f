//! File contents, content-addressed by sha256 in an `object_store` (local disk by
//! default; S3-compatible stores are a configuration change).
//!
//! An upload streams into a staging object while its hashes are computed, in constant
//! memory (one multipart chunk at a time). Only a complete upload whose checksum matches
//! is moved to `sha256/<2 hex>/<sha256>`; anything else (a wrong checksum, a body over
//! the limit, a client that disconnects) aborts the staging object and leaves nothing
//! behind. Docker uploads in chunks keep each chunk as a part (`oci-uploads/<id>.<n>`)
//! until the upload is closed. This module knows objects only; `file_store` keeps them in
//! step with the database.

use std::future::Future;
use std::ops::Range;
use std::path::Path as FsPath;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt, TryStreamExt};
use md5::Md5;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, GetResultPayload, ObjectStore, WriteMultipart};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

/// Bytes held in memory per upload and part written at a time. Object stores such as S3
/// want parts of 5 MiB or more; local disk does not care, so uploads there stay small.
const CHUNK: usize = 8 * 1024 * 1024;
const LOCAL_CHUNK: usize = 1024 * 1024;
/// Bytes read at a time when serving a blob from local disk.
const READ_CHUNK: usize = 256 * 1024;
/// Chunks of a local blob read ahead of the client.
const READ_AHEAD: usize = 2;
/// How long a remote store may take to answer a request (its first byte), or to send the
/// next bytes of a body Wharf is waiting for, before the request fails. A stopped store
/// then fails requests and `/healthz` in seconds instead of minutes of retries.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a request to a remote store is retried (with backoff) when it fails.
const STORE_RETRY: Duration = Duration::from_secs(10);

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
    #[error("the store did not answer within {} s", .0.as_secs())]
    Timeout(Duration),
}

impl StorageError {
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            StorageError::Store(object_store::Error::NotFound { .. })
        )
    }

    /// The store did not answer (a timeout, a refused or broken connection), as opposed
    /// to answering with an error: worth a 503 and a retry, not a 500.
    pub fn is_unavailable(&self) -> bool {
        use object_store::client::{HttpError, HttpErrorKind};
        match self {
            StorageError::Timeout(_) => true,
            StorageError::Store(e) => {
                let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
                while let Some(err) = source {
                    // object_store's own error when it is in the chain; its retry
                    // error reports the transport's (reqwest's) error in its place.
                    if let Some(http) = err.downcast_ref::<HttpError>() {
                        return matches!(
                            http.kind(),
                            HttpErrorKind::Connect
                                | HttpErrorKind::Request
                                | HttpErrorKind::Timeout
                                | HttpErrorKind::Interrupted
                        );
                    }
                    if let Some(http) = err.downcast_ref::<reqwest::Error>() {
                        return http.is_connect() || http.is_timeout() || http.is_request();
                    }
                    source = err.source();
                }
                false
            }
            _ => false,
        }
    }
}

/// What an upload stored. `sha1` and `md5` are empty for blobs pushed to a Docker
/// registry, which names content by sha256 alone; a file upload of the same content fills
/// them in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub sha256: String,
    pub sha1: String,
    pub md5: String,
    pub size: i64,
}

/// Which hashes an upload computes besides sha256.
#[derive(Debug, Clone, Copy, Default)]
pub struct Want {
    /// For files: their downloads carry sha1 and md5 checksums.
    pub sha1_md5: bool,
    /// For Docker blobs named by a sha512 digest.
    pub sha512: bool,
}

impl Want {
    pub const FILE: Want = Want {
        sha1_md5: true,
        sha512: false,
    };
}

/// Content written to a staging object, hashed, not yet visible under its address.
#[derive(Debug)]
pub struct Staged {
    pub path: Path,
    pub blob: StoredBlob,
    pub sha512: Option<String>,
}

/// How much of a part arrived (a client may go away halfway; what came is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartWrite {
    pub written: u64,
    pub interrupted: Option<String>,
}

/// What the files of the store are: content, staging, upload parts, or garbage on its way out.
pub const BLOBS_PREFIX: &str = "sha256";
pub const STAGING_PREFIX: &str = "uploads";
pub const PARTS_PREFIX: &str = "oci-uploads";
pub const TRASH_PREFIX: &str = "trash";

#[derive(Clone, Debug)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    /// The same store for blob downloads: without a whole-request timeout, because a
    /// client may take hours over a large file and the body is read at its pace; the
    /// waits for the store itself are bounded by [`STORE_TIMEOUT`] instead.
    reader: Arc<dyn ObjectStore>,
    chunk: usize,
    /// An S3 store can answer a download with a presigned URL of its own.
    presigner: Option<Presigner>,
    /// Small blobs recently downloaded, shared by the clones of this store.
    small: Arc<super::blob_cache::BlobCache>,
}

/// Signs S3 GET URLs for objects under the store's prefix.
#[derive(Clone, Debug)]
struct Presigner {
    s3: Arc<object_store::aws::AmazonS3>,
    prefix: String,
}

/// Where an S3-compatible store is: the bucket and key prefix of `WHARF_BLOB_STORE`, and
/// a self-hosted endpoint. Region and credentials come from the AWS variables
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, …).
#[derive(Debug, Clone)]
pub struct S3Location<'a> {
    pub bucket: &'a str,
    pub prefix: &'a str,
    pub endpoint: Option<&'a str>,
}

fn blob_path(sha256: &str) -> Path {
    Path::from(format!(
        "{BLOBS_PREFIX}/{}/{}",
        &sha256[..2.min(sha256.len())],
        sha256
    ))
}

/// Where a removed blob waits until the removal is committed.
pub fn trash_path(sha256: &str) -> Path {
    Path::from(format!("{TRASH_PREFIX}/{sha256}"))
}

/// Part `index` of the Docker upload session `session`.
pub fn part_path(session: &str, index: i64) -> Path {
    Path::from(format!("{PARTS_PREFIX}/{session}.{index}"))
}

/// The session a part's file name belongs to.
pub fn part_session(path: &Path) -> Option<String> {
    let name = path.filename()?;
    name.rsplit_once('.').map(|(session, _)| session.to_owned())
}

/// Running hashes of an upload.
struct Hashes {
    sha256: Sha256,
    sha1: Option<Sha1>,
    md5: Option<Md5>,
    sha512: Option<Box<Sha512>>,
}

impl Hashes {
    fn new(want: Want) -> Hashes {
        Hashes {
            sha256: Sha256::new(),
            sha1: want.sha1_md5.then(Sha1::new),
            md5: want.sha1_md5.then(Md5::new),
            sha512: want.sha512.then(Box::default),
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        self.sha256.update(chunk);
        if let Some(h) = &mut self.sha1 {
            h.update(chunk);
        }
        if let Some(h) = &mut self.md5 {
            h.update(chunk);
        }
        if let Some(h) = &mut self.sha512 {
            h.update(chunk);
        }
    }

    fn finish(self, size: u64) -> (StoredBlob, Option<String>) {
        let blob = StoredBlob {
            sha256: hex::encode(self.sha256.finalize()),
            sha1: self
                .sha1
                .map(|h| hex::encode(h.finalize()))
                .unwrap_or_default(),
            md5: self
                .md5
                .map(|h| hex::encode(h.finalize()))
                .unwrap_or_default(),
            size: size as i64,
        };
        (blob, self.sha512.map(|h| hex::encode(h.finalize())))
    }
}

/// The bytes `range` of a local file as a stream of [`READ_CHUNK`] chunks, each read on
/// the blocking pool with `pread`, the next one already being read while the last is
/// sent (issue 15: a large download no longer waits for the disk between chunks). At
/// most [`READ_AHEAD`] chunks are in memory, and no thread waits on a slow client.
fn read_ahead(
    file: std::fs::File,
    range: Range<u64>,
) -> BoxStream<'static, Result<Bytes, StorageError>> {
    use std::os::unix::fs::FileExt;
    let file = Arc::new(file);
    let chunk = READ_CHUNK as u64;
    let starts = (range.start..range.end).step_by(READ_CHUNK);
    futures_util::stream::iter(starts)
        .map(move |at| {
            let file = file.clone();
            let len = chunk.min(range.end - at) as usize;
            tokio::task::spawn_blocking(move || {
                let mut buf = vec![0u8; len];
                file.read_exact_at(&mut buf, at)?;
                Ok::<_, std::io::Error>(Bytes::from(buf))
            })
        })
        .buffered(READ_AHEAD)
        .map(|joined| match joined {
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(e)) => Err(StorageError::Interrupted(e.to_string())),
            Err(e) => Err(StorageError::Interrupted(e.to_string())),
        })
        .boxed()
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
        let store: Arc<dyn ObjectStore> = Arc::new(LocalFileSystem::new_with_prefix(dir)?);
        Ok(BlobStore {
            reader: store.clone(),
            store,
            chunk: LOCAL_CHUNK,
            presigner: None,
            small: Arc::default(),
        })
    }

    /// Any other object store, written in parts of 8 MiB.
    pub fn new(store: Arc<dyn ObjectStore>) -> BlobStore {
        BlobStore {
            reader: store.clone(),
            store,
            chunk: CHUNK,
            presigner: None,
            small: Arc::default(),
        }
    }

    /// An S3-compatible store (AWS, Garage, MinIO, …): path-style requests, SigV4, uploads
    /// as multipart uploads of 8 MiB parts, two in flight (about 24 MiB per upload).
    /// Requests fail after [`STORE_TIMEOUT`] without an answer and are retried for
    /// [`STORE_RETRY`] (object_store's defaults, 30 s per request and 3 minutes of
    /// retries, would hold a client for minutes when the store stops).
    pub fn s3(at: &S3Location<'_>) -> Result<BlobStore, StorageError> {
        let client = |whole_request: Option<Duration>| {
            let mut builder = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(at.bucket)
                .with_retry(object_store::RetryConfig {
                    retry_timeout: STORE_RETRY,
                    max_retries: 3,
                    ..object_store::RetryConfig::default()
                });
            let mut options = object_store::ClientOptions::new()
                .with_connect_timeout(Duration::from_secs(5))
                .with_allow_http(at.endpoint.is_some_and(|e| e.starts_with("http://")));
            options = match whole_request {
                Some(t) => options.with_timeout(t),
                None => options.with_timeout_disabled(),
            };
            builder = builder.with_client_options(options);
            if let Some(endpoint) = at.endpoint {
                builder = builder.with_endpoint(endpoint);
            }
            builder.build()
        };
        let s3 = Arc::new(client(Some(STORE_TIMEOUT))?);
        let reader = Arc::new(client(None)?);
        let prefix = at.prefix.trim_matches('/').to_owned();
        let prefixed = |inner: Arc<object_store::aws::AmazonS3>| -> Arc<dyn ObjectStore> {
            let inner: Arc<dyn ObjectStore> = inner;
            if prefix.is_empty() {
                inner
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(
                    inner,
                    prefix.as_str(),
                ))
            }
        };
        Ok(BlobStore {
            store: prefixed(s3.clone()),
            reader: prefixed(reader),
            chunk: CHUNK,
            presigner: Some(Presigner { s3, prefix }),
            small: Arc::default(),
        })
    }

    /// A URL that fetches the blob straight from the store for `valid_for`, when the store
    /// can sign one (S3); `None` for local disk.
    pub async fn presigned_get(
        &self,
        sha256: &str,
        valid_for: std::time::Duration,
    ) -> Result<Option<String>, StorageError> {
        use object_store::signer::Signer;
        let Some(p) = &self.presigner else {
            return Ok(None);
        };
        let key = blob_path(sha256);
        let key = if p.prefix.is_empty() {
            key
        } else {
            Path::from(format!("{}/{key}", p.prefix))
        };
        let url =
            p.s3.signed_url(axum::http::Method::GET, &key, valid_for)
                .await?;
        Ok(Some(url.to_string()))
    }

    /// Checks that the store answers (`/healthz`, start-up): lists one key, within
    /// [`STORE_TIMEOUT`].
    pub async fn ping(&self) -> Result<(), StorageError> {
        let mut listing = self.store.list(Some(&Path::from(BLOBS_PREFIX)));
        match tokio::time::timeout(STORE_TIMEOUT, listing.next()).await {
            Err(_) => Err(StorageError::Timeout(STORE_TIMEOUT)),
            Ok(None | Some(Ok(_))) => Ok(()),
            Ok(Some(Err(e))) => Err(e.into()),
        }
    }

    /// Streams `body` into the object `path`, calling `inspect` on each chunk. At most
    /// `max` bytes are taken (more is [`StorageError::TooLarge`] and nothing is kept). A
    /// body that breaks off keeps what arrived when `keep_partial`, else nothing.
    async fn write<S, E>(
        &self,
        path: &Path,
        body: S,
        max: u64,
        keep_partial: bool,
        mut inspect: impl FnMut(&[u8]),
    ) -> Result<PartWrite, StorageError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let upload = self.store.put_multipart(path).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, self.chunk);
        let mut size: u64 = 0;
        let mut interrupted = None;
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) if keep_partial => {
                    interrupted = Some(e.to_string());
                    break;
                }
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
            inspect(&chunk);
            if let Err(e) = writer.wait_for_capacity(2).await {
                return Err(e.into());
            }
            writer.write(&chunk);
        }
        if size == 0 {
            // S3 stores (Garage among them) refuse a multipart upload of no bytes: an
            // empty object is one plain PUT.
            let _ = writer.abort().await;
            self.store
                .put(path, object_store::PutPayload::default())
                .await?;
        } else {
            writer.finish().await?;
        }
        Ok(PartWrite {
            written: size,
            interrupted,
        })
    }

    /// Streams `body` into a new staging object while computing sha256 and what `want`
    /// asks for, in constant memory. Nothing is left behind on failure.
    pub async fn stage<S, E>(&self, body: S, max: u64, want: Want) -> Result<Staged, StorageError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let path = Path::from(format!("{STAGING_PREFIX}/{}", uuid::Uuid::new_v4()));
        let mut hashes = Hashes::new(want);
        let written = self
            .write(&path, body, max, false, |c| hashes.update(c))
            .await?;
        let (blob, sha512) = hashes.finish(written.written);
        Ok(Staged { path, blob, sha512 })
    }

    /// Makes a staged object visible under its sha256, or drops it when that content is
    /// stored already. Callers hold the database's write lock around this (see
    /// `file_store`), so it cannot interleave with the garbage collector.
    pub async fn place(&self, staged: &Path, sha256: &str) -> Result<(), StorageError> {
        let _timer = crate::infra::metrics::global().store_timer("place");
        let target = blob_path(sha256);
        if self.store.head(&target).await.is_ok() {
            self.delete_path(staged).await
        } else {
            Ok(self.store.rename(staged, &target).await?)
        }
    }

    /// Removes a staged object that will not be kept.
    pub async fn discard(&self, staged: &Path) {
        if let Err(e) = self.delete_path(staged).await {
            tracing::warn!(path = %staged, error = %e, "could not remove a staged upload");
        }
    }

    /// Writes one part of a chunked upload; `inspect` sees each chunk (the running
    /// digest). A body that breaks off keeps what arrived.
    pub async fn write_part<S, E>(
        &self,
        path: &Path,
        body: S,
        max: u64,
        inspect: impl FnMut(&[u8]),
    ) -> Result<PartWrite, StorageError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        self.write(path, body, max, true, inspect).await
    }

    /// The bytes of an object by path (parts, staging).
    pub async fn read_path(
        &self,
        path: &Path,
    ) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
        let result = self.store.get(path).await?;
        self.stream_result(result).await
    }

    pub async fn delete_path(&self, path: &Path) -> Result<(), StorageError> {
        match self.store.delete(path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn rename_path(&self, from: &Path, to: &Path) -> Result<(), StorageError> {
        Ok(self.store.rename(from, to).await?)
    }

    /// Every object under `prefix` with its last change, as they are found.
    pub fn list_stream(
        &self,
        prefix: &str,
    ) -> BoxStream<'static, Result<(Path, DateTime<Utc>), StorageError>> {
        let prefix = Path::from(prefix);
        self.store
            .list(Some(&prefix))
            .map_ok(|m| (m.location, m.last_modified))
            .map_err(StorageError::from)
            .boxed()
    }

    /// Every object under `prefix` with its last change.
    pub async fn list(&self, prefix: &str) -> Result<Vec<(Path, DateTime<Utc>)>, StorageError> {
        self.list_stream(prefix).try_collect().await
    }

    /// The sha256 a content object holds, from its path.
    pub fn blob_sha256(path: &Path) -> Option<String> {
        let name = path.filename()?;
        (name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())).then(|| name.to_owned())
    }

    /// Moves a blob to the trash (the garbage collector's first step).
    pub async fn trash(&self, sha256: &str) -> Result<bool, StorageError> {
        match self
            .store
            .rename(&blob_path(sha256), &trash_path(sha256))
            .await
        {
            Ok(()) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Puts a trashed blob back (a removal that could not be committed).
    pub async fn untrash(&self, sha256: &str) -> Result<(), StorageError> {
        Ok(self
            .store
            .rename(&trash_path(sha256), &blob_path(sha256))
            .await?)
    }

    async fn stream_result(
        &self,
        result: object_store::GetResult,
    ) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
        match result.payload {
            // object_store reads local files 8 KiB at a time, each on the blocking pool;
            // large reads from the file itself are many times faster.
            GetResultPayload::File(file, _) => Ok(read_ahead(file, result.range)),
            GetResultPayload::Stream(stream) => {
                Ok(StallLimit::new(stream.map_err(StorageError::from), STORE_TIMEOUT).boxed())
            }
        }
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
        let timer = crate::infra::metrics::global().store_timer("get");
        let result = tokio::time::timeout(
            STORE_TIMEOUT,
            self.reader.get_opts(&blob_path(sha256), options),
        )
        .await
        .map_err(|_| StorageError::Timeout(STORE_TIMEOUT))??;
        drop(timer);
        self.stream_result(result).await
    }

    /// The bytes of a blob of `size` bytes for a download, or the byte range `range` of
    /// them. A blob of at most [`BlobCache::LARGEST`](super::blob_cache::BlobCache) bytes
    /// is read whole once and then served from memory; larger ones stream from the store.
    pub async fn download(
        &self,
        sha256: &str,
        size: u64,
        range: Option<Range<u64>>,
    ) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
        if size > super::blob_cache::BlobCache::LARGEST {
            return self.get(sha256, range).await;
        }
        let whole = match self.small.get(sha256) {
            Some(bytes) => bytes,
            None => {
                let mut stream = self.get(sha256, None).await?;
                let mut whole = bytes::BytesMut::with_capacity(size as usize);
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk?;
                    // Never hold more than the recorded size: a longer object is damage.
                    if (whole.len() + chunk.len()) as u64 > size {
                        return Err(StorageError::Interrupted(format!(
                            "the blob {sha256} is longer than its recorded {size} bytes"
                        )));
                    }
                    whole.extend_from_slice(&chunk);
                }
                let whole = whole.freeze();
                if whole.len() as u64 == size {
                    self.small.put(sha256, whole.clone());
                }
                whole
            }
        };
        let part = match range {
            Some(r) if r.end <= whole.len() as u64 && r.start <= r.end => {
                whole.slice(r.start as usize..r.end as usize)
            }
            Some(_) => {
                return Err(StorageError::Interrupted(format!(
                    "the blob {sha256} is shorter than the range asked for"
                )))
            }
            None => whole,
        };
        Ok(futures_util::stream::once(async move { Ok(part) }).boxed())
    }

    /// The stored size of a blob, `None` when the store lacks it.
    pub async fn size_of(&self, sha256: &str) -> Result<Option<u64>, StorageError> {
        let _timer = crate::infra::metrics::global().store_timer("head");
        match self.store.head(&blob_path(sha256)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn exists(&self, sha256: &str) -> bool {
        self.store.head(&blob_path(sha256)).await.is_ok()
    }

    pub async fn delete(&self, sha256: &str) -> Result<(), StorageError> {
        self.delete_path(&blob_path(sha256)).await
    }

    /// How many uploads are staged (tests check that failures leave none behind).
    pub async fn staged_uploads(&self) -> Result<usize, StorageError> {
        Ok(self.list(STAGING_PREFIX).await?.len())
    }
}

/// A store's body that fails when the store sends nothing for `limit` while Wharf waits
/// for it. Only waiting counts: a slow client that leaves the stream unpolled for an hour
/// (the body is read at its pace) is not the store stalling.
struct StallLimit<S> {
    inner: S,
    limit: Duration,
    waiting: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S> StallLimit<S> {
    fn new(inner: S, limit: Duration) -> StallLimit<S> {
        StallLimit {
            inner,
            limit,
            waiting: None,
        }
    }
}

impl<S> Stream for StallLimit<S>
where
    S: Stream<Item = Result<Bytes, StorageError>> + Unpin,
{
    type Item = Result<Bytes, StorageError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Poll::Ready(item) = this.inner.poll_next_unpin(cx) {
            this.waiting = None;
            return Poll::Ready(item);
        }
        let limit = this.limit;
        let timer = this
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                this.waiting = None;
                Poll::Ready(Some(Err(StorageError::Timeout(limit))))
            }
            Poll::Pending => Poll::Pending,
        }
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

    async fn put(store: &BlobStore, parts: Vec<&'static [u8]>, want: Want) -> Staged {
        let staged = store.stage(chunks(parts), 1024, want).await.unwrap();
        store
            .place(&staged.path, &staged.blob.sha256)
            .await
            .unwrap();
        staged
    }

    #[tokio::test]
    async fn uploads_are_hashed_stored_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path()).unwrap();
        let blob = put(&store, vec![b"hello ", b"world"], Want::FILE)
            .await
            .blob;
        assert_eq!(blob.size, 11);
        assert_eq!(
            blob.sha256,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(blob.sha1, "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
        assert_eq!(blob.md5, "5eb63bbbe01eeed093cb22bb8f5acdc3");
        assert_eq!(read_all(&store, &blob.sha256, None).await, b"hello world");
        assert_eq!(read_all(&store, &blob.sha256, Some(6..11)).await, b"world");
        // The same content again: one copy, and only the hashes asked for.
        let again = put(
            &store,
            vec![b"hello world"],
            Want {
                sha1_md5: false,
                sha512: true,
            },
        )
        .await;
        assert_eq!(again.blob.sha256, blob.sha256);
        assert_eq!(again.blob.sha1, "");
        assert!(again.sha512.unwrap().starts_with("309ecc489c12d6eb"));
        assert_eq!(store.staged_uploads().await.unwrap(), 0);
        assert_eq!(store.list(BLOBS_PREFIX).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn failed_uploads_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path()).unwrap();
        let err = store
            .stage(chunks(vec![b"abcdef", b"ghij"]), 8, Want::FILE)
            .await
            .unwrap_err();
        assert!(matches!(err, StorageError::TooLarge(8)));
        let broken = futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"partial")),
            Err(std::io::Error::other("client went away")),
        ]);
        let err = store.stage(broken, 1024, Want::FILE).await.unwrap_err();
        assert!(matches!(err, StorageError::Interrupted(_)));
        assert_eq!(store.staged_uploads().await.unwrap(), 0);
        let sha_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert!(!store.exists(sha_abc).await);
    }

    #[tokio::test]
    async fn parts_keep_what_arrived_and_blobs_go_through_the_trash() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path()).unwrap();
        let path = part_path("s1", 0);
        let broken = futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"partial")),
            Err(std::io::Error::other("client went away")),
        ]);
        let mut seen = 0;
        let wrote = store
            .write_part(&path, broken, 1024, |c| seen += c.len())
            .await
            .unwrap();
        assert_eq!((wrote.written, seen), (7, 7));
        assert!(wrote.interrupted.is_some());
        let back: Vec<Bytes> = store
            .read_path(&path)
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(back.concat(), b"partial");
        assert_eq!(part_session(&path).as_deref(), Some("s1"));
        let listed = store.list(PARTS_PREFIX).await.unwrap();
        assert_eq!(listed.len(), 1);

        let blob = put(&store, vec![b"abc"], Want::default()).await.blob;
        assert!(store.trash(&blob.sha256).await.unwrap());
        assert!(!store.exists(&blob.sha256).await);
        store.untrash(&blob.sha256).await.unwrap();
        assert!(store.exists(&blob.sha256).await);
        let (p, _) = &store.list(BLOBS_PREFIX).await.unwrap()[0];
        assert_eq!(
            BlobStore::blob_sha256(p).as_deref(),
            Some(blob.sha256.as_str())
        );
        assert!(!store.trash(&"0".repeat(64)).await.unwrap());
    }
}
