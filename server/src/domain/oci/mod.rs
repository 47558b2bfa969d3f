//! The Docker/OCI registry behind every repository of type `docker`: the rules of the
//! Distribution API (blobs, uploads, manifests, tags, referrers), independent of HTTP.
//! Pure pieces (digests, references, manifests, ranges, routes) are plain functions;
//! the services take the database, the blob store and the caller.

pub mod access;
pub mod blobs;
pub mod content_range;
pub mod digest;
pub mod manifest;
pub mod manifests;
pub mod reference;
pub mod referrers;
pub mod route;
pub mod tags;
pub mod token;
pub mod uploads;

use std::time::Duration;

use crate::infra::db::DbError;
use crate::infra::storage::StorageError;

/// A failure in the words of the spec's error codes. `detail` texts are for the client;
/// `Internal` details go to the log only.
#[derive(Debug, thiserror::Error)]
pub enum OciError {
    #[error("blob unknown to registry")]
    BlobUnknown,
    #[error("blob upload invalid: {0}")]
    BlobUploadInvalid(String),
    #[error("blob upload unknown to registry")]
    BlobUploadUnknown,
    /// A chunk that does not continue the upload where it stands (416).
    #[error("the chunk does not continue the upload where it stands")]
    ChunkOutOfOrder,
    #[error("{0}")]
    DigestInvalid(String),
    #[error("manifest references a manifest or blob unknown to registry: {0}")]
    ManifestBlobUnknown(String),
    #[error("manifest invalid: {0}")]
    ManifestInvalid(String),
    #[error("the manifest is larger than {0} bytes")]
    ManifestTooLarge(usize),
    #[error("manifest unknown to registry")]
    ManifestUnknown(Option<String>),
    #[error("invalid repository name: {0}")]
    NameInvalid(String),
    #[error("repository name not known to registry")]
    NameUnknown,
    #[error("{0}")]
    SizeInvalid(String),
    /// A bad `n` for a tag listing.
    #[error("{0}")]
    PaginationInvalid(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("requested access to the resource is denied")]
    Denied,
    #[error("{0}")]
    Unsupported(String),
    #[error("too many failed attempts; try again later")]
    TooManyRequests(Duration),
    /// An upload over the configured size limit (413).
    #[error("the blob is larger than the limit of {0} bytes")]
    BlobTooLarge(u64),
    #[error("internal error: {0}")]
    Internal(String),
    /// The database or the store did not answer; the detail is for the log.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

impl From<DbError> for OciError {
    fn from(e: DbError) -> Self {
        if e.is_unavailable() {
            OciError::Unavailable(e.to_string())
        } else {
            OciError::Internal(e.to_string())
        }
    }
}

impl From<StorageError> for OciError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::TooLarge(max) => OciError::BlobTooLarge(max),
            StorageError::Interrupted(m) => OciError::BlobUploadInvalid(m),
            StorageError::ChecksumMismatch { expected, actual } => {
                OciError::DigestInvalid(format!("the content's digest is {actual}, not {expected}"))
            }
            StorageError::Store(_) | StorageError::Timeout(_) if e.is_unavailable() => {
                OciError::Unavailable(e.to_string())
            }
            StorageError::Store(_) | StorageError::Timeout(_) => OciError::Internal(e.to_string()),
        }
    }
}

pub type Result<T> = std::result::Result<T, OciError>;
