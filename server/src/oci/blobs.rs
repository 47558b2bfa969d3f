//! Blobs of a registry: existence, deletion and mounts from another registry.

use super::access::Registry;
use super::digest::OciDigest;
use super::{OciError, Result};
use crate::db::{Db, OciBlobRecord};
use crate::registry::Caller;

/// A blob found stored counts as used for this long, so the collector spares it while
/// the push that relies on it finishes (see `gc`).
pub const TOUCH_AFTER_MILLIS: i64 = 60_000;

pub fn parse_digest(s: &str) -> Result<OciDigest> {
    OciDigest::parse(s).map_err(|e| OciError::DigestInvalid(e.to_string()))
}

/// The blob `digest` of the registry, marked as just used.
pub async fn find(db: &Db, registry: &Registry, digest: &OciDigest) -> Result<OciBlobRecord> {
    let blob = db
        .find_oci_blob(registry.repo.id, &digest.to_string())
        .await?
        .ok_or(OciError::BlobUnknown)?;
    db.touch_blobs(&[&blob.sha256], TOUCH_AFTER_MILLIS).await?;
    Ok(blob)
}

/// Removes the blob from the registry (the collector frees it once nothing uses it).
pub async fn delete(db: &Db, registry: &Registry, digest: &OciDigest) -> Result<()> {
    if db
        .unlink_oci_blob(registry.repo.id, &digest.to_string())
        .await?
    {
        Ok(())
    } else {
        Err(OciError::BlobUnknown)
    }
}

/// Mounts `digest` into `target` from `source` (a registry the caller may pull from), or,
/// without a source, from any registry the caller may pull from. `None` when it cannot,
/// and the client uploads instead.
pub async fn mount(
    db: &Db,
    caller: &Caller,
    target: &Registry,
    digest: &OciDigest,
    source: Option<&Registry>,
) -> Result<Option<OciBlobRecord>> {
    let d = digest.to_string();
    if let Some(found) = db.find_oci_blob(target.repo.id, &d).await? {
        db.touch_blobs(&[&found.sha256], TOUCH_AFTER_MILLIS).await?;
        return Ok(Some(found));
    }
    let found = match source {
        Some(source) => db.find_oci_blob(source.repo.id, &d).await?,
        None => db.find_visible_oci_blob(&d, caller.viewer()).await?,
    };
    let Some(found) = found else {
        return Ok(None);
    };
    // Touch first: from here on the collector leaves the blob alone.
    db.touch_blobs(&[&found.sha256], 0).await?;
    db.link_oci_blob(target.repo.id, &d, &found.sha256).await?;
    Ok(Some(found))
}
