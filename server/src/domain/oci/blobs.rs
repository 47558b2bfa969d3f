//! Blobs of a registry: existence, deletion and mounts from another registry.

use super::access::Registry;
use super::digest::OciDigest;
use super::{OciError, Result};
use crate::domain::catalog::Caller;
use crate::infra::db::{Db, OciBlobRecord};

/// A blob found stored counts as used for this long, so the collector spares it while
/// the push that relies on it finishes (see `gc`).
pub const TOUCH_AFTER_MILLIS: i64 = 60_000;

pub fn parse_digest(s: &str) -> Result<OciDigest> {
    OciDigest::parse(s).map_err(|e| OciError::DigestInvalid(e.to_string()))
}

/// The blob `digest` of an image, marked as just used.
pub async fn find(
    db: &Db,
    registry: &Registry,
    image: &str,
    digest: &OciDigest,
) -> Result<OciBlobRecord> {
    let d = digest.to_string();
    let blob = db
        .find_oci_blob(&registry.link(image, &d))
        .await?
        .ok_or(OciError::BlobUnknown)?;
    db.touch_blobs(&[&blob.sha256], TOUCH_AFTER_MILLIS).await?;
    Ok(blob)
}

/// Removes the blob from the image (the collector frees it once nothing uses it).
pub async fn delete(db: &Db, registry: &Registry, image: &str, digest: &OciDigest) -> Result<()> {
    if db
        .unlink_oci_blob(&registry.link(image, &digest.to_string()))
        .await?
    {
        Ok(())
    } else {
        Err(OciError::BlobUnknown)
    }
}

/// Mounts `digest` into the image `target` from the image `source` (of a registry the
/// caller may pull from), or, without a source, from any registry the caller may pull
/// from. `None` when it cannot, and the client uploads instead.
pub async fn mount(
    db: &Db,
    caller: &Caller,
    target: (&Registry, &str),
    digest: &OciDigest,
    source: Option<(&Registry, &str)>,
) -> Result<Option<OciBlobRecord>> {
    let d = digest.to_string();
    let link = target.0.link(target.1, &d);
    if let Some(found) = db.find_oci_blob(&link).await? {
        db.touch_blobs(&[&found.sha256], TOUCH_AFTER_MILLIS).await?;
        return Ok(Some(found));
    }
    let found = match source {
        Some((registry, image)) => db.find_oci_blob(&registry.link(image, &d)).await?,
        None => db.find_visible_oci_blob(&d, caller.viewer()).await?,
    };
    let Some(found) = found else {
        return Ok(None);
    };
    // Touch first: from here on the collector leaves the blob alone.
    db.touch_blobs(&[&found.sha256], 0).await?;
    db.link_oci_blob(&link, &found.sha256).await?;
    Ok(Some(found))
}
