//! Blob uploads: monolithic (one request), and sessions taking chunks in order.
//!
//! A session is a database row and its chunks, each kept as a part object, so an upload
//! survives a restart of the server. The sha256 of what arrived is computed as it
//! arrives and kept in memory per session; after a restart, or for a sha512 digest, the
//! parts are read again when the upload is closed. A one-part upload (what Docker and
//! skopeo send: one PATCH with the whole blob) becomes the blob by a rename, without a
//! second write.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};

use super::access::Registry;
use super::content_range::ChunkRange;
use super::digest::{Algorithm, ContentHasher, OciDigest};
use super::{OciError, Result};
use crate::infra::db::{Db, UploadRecord};
use crate::infra::file_store;
use crate::infra::storage::{self, BlobStore, Staged, StorageError, StoredBlob, Want};

/// How far an upload has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadStatus {
    pub id: String,
    pub size: u64,
}

/// The running digest of a session: valid while `hashed` equals the session's size.
struct Progress {
    sha256: Option<ContentHasher>,
    hashed: u64,
    last_used: Instant,
}

/// Sessions' running digests, one lock per session (chunks of one upload are taken one
/// at a time).
#[derive(Default)]
pub struct Uploads {
    sessions: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Progress>>>>,
}

impl std::fmt::Debug for Uploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.sessions.lock().map(|s| s.len()).unwrap_or(0);
        write!(f, "Uploads({n} sessions)")
    }
}

fn want_for(algorithm: Algorithm) -> Want {
    Want {
        sha1_md5: false,
        sha512: algorithm == Algorithm::Sha512,
    }
}

/// The staged content's digest in `algorithm`.
fn digest_of(staged: &Staged, algorithm: Algorithm) -> Option<OciDigest> {
    match algorithm {
        Algorithm::Sha256 => Some(OciDigest::sha256(&staged.blob.sha256)),
        Algorithm::Sha512 => staged
            .sha512
            .as_ref()
            .map(|h| OciDigest::parse(&format!("sha512:{h}")).expect("a sha512 hex")),
    }
}

fn mismatch(expected: &OciDigest, actual: &OciDigest) -> OciError {
    OciError::DigestInvalid(format!(
        "the content's digest is {actual}, not {expected} as the client said"
    ))
}

/// Stores a whole blob sent in one request (`POST ?digest=`).
pub async fn put_whole<S, E>(
    db: &Db,
    store: &BlobStore,
    registry: &Registry,
    image: &str,
    digest: &OciDigest,
    body: S,
    max: u64,
) -> Result<()>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send,
    E: std::fmt::Display,
{
    let staged = store.stage(body, max, want_for(digest.algorithm())).await?;
    keep_verified(db, store, registry, image, digest, staged).await
}

/// Keeps `staged` as the blob `digest` of the image if that is what it holds.
async fn keep_verified(
    db: &Db,
    store: &BlobStore,
    registry: &Registry,
    image: &str,
    digest: &OciDigest,
    staged: Staged,
) -> Result<()> {
    let actual = digest_of(&staged, digest.algorithm()).expect("hashed as asked");
    if &actual != digest {
        store.discard(&staged.path).await;
        return Err(mismatch(digest, &actual));
    }
    let d = digest.to_string();
    file_store::keep(db, store, &staged, Some(registry.link(image, &d)))
        .await
        .map_err(|e| OciError::Internal(e.to_string()))
}

/// What a chunk request brought.
pub struct Chunk<S> {
    pub body: S,
    pub range: Option<ChunkRange>,
    /// `Content-Length`, when sent.
    pub length: Option<u64>,
}

impl Uploads {
    fn cell(&self, id: &str, fresh: bool) -> Arc<tokio::sync::Mutex<Progress>> {
        let mut sessions = self.sessions.lock().expect("uploads lock");
        sessions
            .entry(id.to_owned())
            .or_insert_with(|| {
                Arc::new(tokio::sync::Mutex::new(Progress {
                    sha256: fresh.then(|| ContentHasher::new(Algorithm::Sha256)),
                    hashed: 0,
                    last_used: Instant::now(),
                }))
            })
            .clone()
    }

    fn forget(&self, id: &str) {
        self.sessions.lock().expect("uploads lock").remove(id);
    }

    /// Drops the running digests of sessions idle for `idle` (abandoned; a late chunk
    /// still works, the parts are read again at the end).
    pub fn prune(&self, idle: Duration) {
        let now = Instant::now();
        self.sessions
            .lock()
            .expect("uploads lock")
            .retain(|_, cell| {
                cell.try_lock()
                    .map(|p| now.duration_since(p.last_used) < idle)
                    .unwrap_or(true)
            });
    }

    pub async fn start(&self, db: &Db, registry: &Registry, image: &str) -> Result<UploadStatus> {
        let id = uuid::Uuid::new_v4().to_string();
        db.insert_oci_upload(&id, registry.repo.id, image).await?;
        self.cell(&id, true);
        Ok(UploadStatus { id, size: 0 })
    }

    /// The session `id` of this registry and image.
    async fn session(
        &self,
        db: &Db,
        registry: &Registry,
        image: &str,
        id: &str,
    ) -> Result<UploadRecord> {
        match db.find_oci_upload(id).await? {
            Some(u) if u.repository_id == registry.repo.id && u.image == image => Ok(u),
            _ => Err(OciError::BlobUploadUnknown),
        }
    }

    pub async fn status(
        &self,
        db: &Db,
        registry: &Registry,
        image: &str,
        id: &str,
    ) -> Result<UploadStatus> {
        let u = self.session(db, registry, image, id).await?;
        Ok(UploadStatus {
            id: u.id,
            size: u.size as u64,
        })
    }

    /// Writes a chunk as the session's next part; returns the new size. Without a
    /// `Content-Range` the chunk is appended; with one it must start where the upload
    /// stands. What arrives before a client goes away is kept, so it can resume.
    async fn write_chunk<S, E>(
        &self,
        db: &Db,
        store: &BlobStore,
        session: &UploadRecord,
        progress: &mut Progress,
        chunk: Chunk<S>,
        max: u64,
    ) -> Result<UploadRecord>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let size = session.size as u64;
        if let Some(range) = chunk.range {
            if range.start != size {
                return Err(OciError::ChunkOutOfOrder);
            }
            if chunk.length.is_some_and(|l| l != range.len()) {
                return Err(OciError::SizeInvalid(format!(
                    "Content-Range says {} bytes, Content-Length {}",
                    range.len(),
                    chunk.length.unwrap_or(0)
                )));
            }
        }
        let mut next = session.clone();
        if chunk.length == Some(0) {
            return Ok(next);
        }
        if progress.hashed != size {
            progress.sha256 = None;
        }
        let path = storage::part_path(&session.id, session.parts);
        let sha256 = &mut progress.sha256;
        let wrote = store
            .write_part(&path, chunk.body, max.saturating_sub(size), |c| {
                if let Some(h) = sha256.as_mut() {
                    h.update(c);
                }
            })
            .await;
        let wrote = match wrote {
            Ok(w) => w,
            Err(e) => {
                // Part of the chunk may have reached the digest: start it again at the end.
                progress.sha256 = None;
                return Err(e.into());
            }
        };
        if wrote.written == 0 {
            store.delete_path(&path).await?;
        } else {
            next.size += wrote.written as i64;
            next.parts += 1;
            // Chunks of one upload come one at a time, but they may reach different
            // replicas: only one of two racing chunks is recorded; the other is refused.
            if !db
                .update_oci_upload(&next.id, next.size, next.parts)
                .await?
            {
                progress.sha256 = None;
                return Err(OciError::ChunkOutOfOrder);
            }
        }
        progress.hashed = next.size as u64;
        progress.last_used = Instant::now();
        match wrote.interrupted {
            Some(why) => Err(OciError::BlobUploadInvalid(why)),
            None => Ok(next),
        }
    }

    /// `PATCH`: the next chunk.
    #[allow(clippy::too_many_arguments)]
    pub async fn append<S, E>(
        &self,
        db: &Db,
        store: &BlobStore,
        registry: &Registry,
        image: &str,
        id: &str,
        chunk: Chunk<S>,
        max: u64,
    ) -> Result<UploadStatus>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        self.session(db, registry, image, id).await?;
        let cell = self.cell(id, false);
        let mut progress = cell.lock().await;
        // Read again under the lock: a chunk before this one may just have landed.
        let session = self.session(db, registry, image, id).await?;
        let after = self
            .write_chunk(db, store, &session, &mut progress, chunk, max)
            .await?;
        Ok(UploadStatus {
            id: after.id,
            size: after.size as u64,
        })
    }

    /// `PUT ?digest=`: the last chunk, if any, then the blob is checked and kept.
    #[allow(clippy::too_many_arguments)]
    pub async fn finish<S, E>(
        &self,
        db: &Db,
        store: &BlobStore,
        registry: &Registry,
        image: &str,
        id: &str,
        digest: &OciDigest,
        chunk: Chunk<S>,
        max: u64,
    ) -> Result<()>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        self.session(db, registry, image, id).await?;
        let cell = self.cell(id, false);
        let mut progress = cell.lock().await;
        let session = self.session(db, registry, image, id).await?;
        let session = self
            .write_chunk(db, store, &session, &mut progress, chunk, max)
            .await?;
        let known = match (&progress.sha256, digest.algorithm()) {
            (Some(h), Algorithm::Sha256) if progress.hashed == session.size as u64 => {
                Some(h.clone().finish())
            }
            _ => None,
        };
        let result = self.assemble(store, &session, digest, known).await;
        let outcome = match result {
            Ok(staged) => keep_verified(db, store, registry, image, digest, staged).await,
            Err(e) => Err(e),
        };
        // Whatever the outcome, the session is over: a wrong digest cannot be fixed by
        // more chunks, and nothing of it is kept.
        self.remove(db, store, &session).await?;
        outcome
    }

    /// The whole upload as one staged object with its hashes.
    async fn assemble(
        &self,
        store: &BlobStore,
        session: &UploadRecord,
        digest: &OciDigest,
        known_sha256: Option<OciDigest>,
    ) -> Result<Staged> {
        let want = want_for(digest.algorithm());
        if session.parts == 1 {
            let path = storage::part_path(&session.id, 0);
            let (sha256, sha512) = match known_sha256 {
                Some(d) => (d.hex().to_owned(), None),
                None => hash_object(store, &path, digest.algorithm()).await?,
            };
            return Ok(Staged {
                path,
                blob: StoredBlob {
                    sha256,
                    sha1: String::new(),
                    md5: String::new(),
                    size: session.size,
                },
                sha512,
            });
        }
        let parts = parts_stream(store.clone(), session.id.clone(), session.parts);
        Ok(store.stage(parts, u64::MAX, want).await?)
    }

    /// `DELETE`: cancels the upload.
    pub async fn cancel(
        &self,
        db: &Db,
        store: &BlobStore,
        registry: &Registry,
        image: &str,
        id: &str,
    ) -> Result<()> {
        let session = self.session(db, registry, image, id).await?;
        let cell = self.cell(id, false);
        let _progress = cell.lock().await;
        self.remove(db, store, &session).await
    }

    async fn remove(&self, db: &Db, store: &BlobStore, session: &UploadRecord) -> Result<()> {
        for index in 0..session.parts {
            store
                .delete_path(&storage::part_path(&session.id, index))
                .await?;
        }
        db.delete_oci_upload(&session.id).await?;
        self.forget(&session.id);
        Ok(())
    }
}

/// The parts of a session, one after the other.
fn parts_stream(
    store: BlobStore,
    id: String,
    parts: i64,
) -> impl Stream<Item = std::result::Result<Bytes, StorageError>> + Send {
    futures_util::stream::iter(0..parts)
        .then(move |index| {
            let store = store.clone();
            let path = storage::part_path(&id, index);
            async move { store.read_path(&path).await }
        })
        .try_flatten()
}

/// sha256 (and sha512 when asked) of a stored object, read in constant memory.
async fn hash_object(
    store: &BlobStore,
    path: &object_store::path::Path,
    algorithm: Algorithm,
) -> Result<(String, Option<String>)> {
    let mut sha256 = ContentHasher::new(Algorithm::Sha256);
    let mut other = (algorithm != Algorithm::Sha256).then(|| ContentHasher::new(algorithm));
    let mut bytes = store.read_path(path).await?;
    while let Some(chunk) = bytes.next().await {
        let chunk = chunk?;
        sha256.update(&chunk);
        if let Some(h) = other.as_mut() {
            h.update(&chunk);
        }
    }
    Ok((
        sha256.finish().hex().to_owned(),
        other.map(|h| h.finish().hex().to_owned()),
    ))
}
