//! Manifests: push (checked against what the registry holds), pull with content
//! negotiation, delete; tags as versions of the image's package, with attributes.

use app::domain::attributes::{self, AttributeInput};
use app::domain::names::VersionName;
use bytes::Bytes;
use futures_util::TryStreamExt;
use serde_json::{json, Value};

use super::access::Registry;
use super::blobs::TOUCH_AFTER_MILLIS;
use super::digest::{Algorithm, OciDigest};
use super::manifest::{self, Kind, Manifest, Platform};
use super::reference::{is_tag, Reference};
use super::{OciError, Result};
use crate::infra::db::{
    tag_file_path, AttrOwner, Db, ManifestRecord, NewManifest, PackageRecord, Tx, VersionId,
};
use crate::infra::download_counts::DownloadCounts;
use crate::infra::file_store;
use crate::infra::storage::{BlobStore, Want};

/// The largest image configuration read for the version attributes.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// What a push stored.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub digest: OciDigest,
    pub subject: Option<String>,
    pub tags: Vec<String>,
}

/// A tag Wharf can keep as a version name.
fn check_tag(tag: &str) -> Result<()> {
    if !is_tag(tag) {
        return Err(OciError::ManifestInvalid(format!(
            "{tag:?} is not a valid tag"
        )));
    }
    VersionName::parse(tag).map_err(|e| OciError::ManifestInvalid(format!("tag {tag:?}: {e}")))?;
    Ok(())
}

/// What the pushed manifest references, checked against the registry: (sha256 of each
/// blob referenced, total size, platforms, created).
struct Contents {
    blob_refs: Vec<String>,
    total_size: i64,
    platforms: Vec<String>,
    created: Option<String>,
}

async fn check_contents(
    db: &Db,
    store: &BlobStore,
    registry: &Registry,
    image: &str,
    package: Option<&PackageRecord>,
    m: &Manifest,
    own_size: usize,
) -> Result<Contents> {
    let mut contents = Contents {
        blob_refs: Vec::new(),
        total_size: own_size as i64,
        platforms: Vec::new(),
        created: None,
    };
    let size_mismatch = |d: &manifest::Descriptor, actual: i64| {
        OciError::ManifestInvalid(format!(
            "{} is {actual} bytes, not {} as the manifest says",
            d.digest, d.size
        ))
    };
    match m.kind {
        Kind::Image => {
            let config = m.config.as_ref().expect("image manifests have a config");
            let mut config_sha = None;
            for (i, d) in std::iter::once(config).chain(&m.layers).enumerate() {
                if i > 0 && d.is_foreign() {
                    continue;
                }
                let blob = db
                    .find_oci_blob(&registry.link(image, &d.digest.to_string()))
                    .await?
                    .ok_or_else(|| OciError::ManifestBlobUnknown(d.digest.to_string()))?;
                if blob.size as u64 != d.size {
                    return Err(size_mismatch(d, blob.size));
                }
                contents.total_size += blob.size;
                if i == 0 {
                    config_sha = Some(blob.sha256.clone());
                }
                if !contents.blob_refs.contains(&blob.sha256) {
                    contents.blob_refs.push(blob.sha256);
                }
            }
            let refs: Vec<&str> = contents.blob_refs.iter().map(String::as_str).collect();
            db.touch_blobs(&refs, TOUCH_AFTER_MILLIS).await?;
            if let Some(sha) = config_sha.filter(|_| {
                manifest::CONFIG_TYPES.contains(&config.media_type.as_str())
                    && config.size <= MAX_CONFIG_BYTES
            }) {
                let bytes: Vec<Bytes> = store.get(&sha, None).await?.try_collect().await?;
                let parsed = manifest::parse_config(&bytes.concat());
                contents.created = parsed.created;
                contents
                    .platforms
                    .extend(parsed.platform.map(|p| p.label()));
            }
        }
        Kind::Index => {
            for d in &m.manifests {
                let child = match package {
                    Some(p) => db.find_oci_manifest(p.id, &d.digest.to_string()).await?,
                    None => None,
                }
                .ok_or_else(|| OciError::ManifestBlobUnknown(d.digest.to_string()))?;
                if child.size as u64 != d.size {
                    return Err(size_mismatch(d, child.size));
                }
                contents.total_size += child.total_size;
                let label = d.platform.as_ref().map(Platform::label);
                // Build attestations are listed as unknown/unknown: not a platform.
                if let Some(l) = label.filter(|l| !l.starts_with("unknown/")) {
                    if !contents.platforms.contains(&l) {
                        contents.platforms.push(l);
                    }
                }
            }
        }
    }
    Ok(contents)
}

/// Stores a pushed manifest under `reference` (and the extra `tags`), after checking its
/// digest, its form and that everything it references is in the registry. Nothing is
/// stored when any check fails.
#[allow(clippy::too_many_arguments)]
pub async fn put(
    db: &Db,
    store: &BlobStore,
    registry: &Registry,
    image: &str,
    reference: &Reference,
    extra_tags: &[String],
    content_type: Option<&str>,
    body: Bytes,
) -> Result<Pushed> {
    if body.len() > manifest::MAX_MANIFEST_BYTES {
        return Err(OciError::ManifestTooLarge(manifest::MAX_MANIFEST_BYTES));
    }
    let digest = match reference {
        Reference::Digest(expected) => {
            let actual = OciDigest::of_bytes(expected.algorithm(), &body);
            if &actual != expected {
                return Err(OciError::DigestInvalid(format!(
                    "the manifest's digest is {actual}, not {expected}"
                )));
            }
            actual
        }
        Reference::Tag(_) => OciDigest::of_bytes(Algorithm::Sha256, &body),
    };
    let mut tags: Vec<String> = Vec::new();
    if let Reference::Tag(t) = reference {
        tags.push(t.clone());
    }
    for t in extra_tags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    for t in &tags {
        check_tag(t)?;
    }
    let parsed = manifest::parse(&body, content_type)
        .map_err(|e| OciError::ManifestInvalid(e.to_string()))?;
    let existing = registry.image(db, image).await?;
    let contents = check_contents(
        db,
        store,
        registry,
        image,
        existing.as_ref(),
        &parsed,
        body.len(),
    )
    .await?;
    let size = body.len();
    let staged = store
        .stage(
            futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) }),
            size as u64,
            Want {
                sha1_md5: false,
                sha512: digest.algorithm() == Algorithm::Sha512,
            },
        )
        .await?;

    let digest_text = digest.to_string();
    let subject = parsed.subject.as_ref().map(|s| s.digest.to_string());
    let artifact_type = parsed.referrer_type();
    let annotations = parsed
        .annotations
        .as_ref()
        .map(|a| Value::Object(a.clone()).to_string());
    // The image's package, the manifest blob, the manifest, and each tag's version, file
    // and attributes: one unit of work, so a failed push leaves none of them.
    let written = async {
        let mut tx = db.begin().await?;
        let package = match existing {
            Some(p) => p,
            None => registry.image_or_create(&mut tx, image).await?,
        };
        // The manifest's row refers to its blob's row: that comes first.
        file_store::keep_in(&mut tx, store, &staged, None)
            .await
            .map_err(|e| OciError::Internal(e.to_string()))?;
        let manifest_id = tx
            .upsert_oci_manifest(&NewManifest {
                repository_id: registry.repo.id,
                package_id: package.id,
                image,
                digest: &digest_text,
                blob_sha256: &staged.blob.sha256,
                media_type: &parsed.media_type,
                size: size as i64,
                total_size: contents.total_size,
                platforms: &contents.platforms,
                subject: subject.as_deref(),
                artifact_type: artifact_type.as_deref(),
                annotations: annotations.as_deref(),
                blob_refs: &contents.blob_refs,
            })
            .await?;
        for tag in &tags {
            let (version_id, created) = tx.version_for(package.id, tag).await?;
            if !created {
                tx.touch_version(version_id).await?;
            }
            tx.set_oci_tag(version_id, manifest_id).await?;
            let path = tag_file_path(image, tag);
            tx.put_oci_tag_file(registry.repo.id, version_id, &path, &staged.blob.sha256)
                .await?;
            set_attributes(
                &mut tx,
                version_id,
                &digest_text,
                &parsed.media_type,
                &contents,
            )
            .await?;
        }
        // A push by digest alone changes the package too.
        tx.touch_package(package.id).await?;
        tx.commit().await?;
        Ok::<(), OciError>(())
    }
    .await;
    if written.is_err() {
        store.discard(&staged.path).await;
    }
    written?;
    Ok(Pushed {
        digest,
        subject,
        tags,
    })
}

/// The attributes a pushed tag gets; others (a CI's) are left as they are.
async fn set_attributes(
    tx: &mut Tx,
    version_id: VersionId,
    digest: &str,
    media_type: &str,
    contents: &Contents,
) -> Result<()> {
    let created = contents
        .created
        .clone()
        .filter(|c| chrono::DateTime::parse_from_rfc3339(c).is_ok())
        .unwrap_or_else(|| chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let platforms = (!contents.platforms.is_empty()).then(|| json!(contents.platforms));
    let input = |name: &str, values: Option<Value>, attr_type: &str| AttributeInput {
        name: name.to_owned(),
        values,
        attr_type: Some(attr_type.to_owned()),
    };
    let changes = vec![
        input("docker.digest", Some(json!(digest)), "string"),
        input("docker.media_type", Some(json!(media_type)), "string"),
        input("docker.size", Some(json!(contents.total_size)), "number"),
        input("docker.platforms", platforms, "string"),
        input("docker.created", Some(json!(created)), "date"),
    ];
    let owner = AttrOwner::Version(version_id);
    let mut all = tx.attributes_of(owner).await?;
    attributes::merge(&mut all, changes).map_err(|e| OciError::Internal(e.to_string()))?;
    tx.replace_attributes(owner, &all).await?;
    Ok(())
}

/// A manifest found for a pull.
pub struct Found {
    pub package: PackageRecord,
    pub manifest: ManifestRecord,
    /// The tag's version, when found by tag.
    pub version_id: Option<VersionId>,
}

/// The manifest `reference` names in the image, if any.
pub async fn find(
    db: &Db,
    registry: &Registry,
    image: &str,
    reference: &Reference,
) -> Result<Option<Found>> {
    let Some(package) = registry.image(db, image).await? else {
        return Ok(None);
    };
    let (manifest, version_id) = match reference {
        Reference::Digest(d) => (
            db.find_oci_manifest(package.id, &d.to_string()).await?,
            None,
        ),
        Reference::Tag(t) => match db.find_oci_tag(package.id, t).await? {
            Some((m, v)) => (Some(m), Some(v)),
            None => (None, None),
        },
    };
    Ok(manifest.map(|manifest| Found {
        package,
        manifest,
        version_id,
    }))
}

/// A pull of a tag counts as a download of its version, as a file download does
/// (batched, see [`DownloadCounts`]).
pub fn count_pull(
    counts: &DownloadCounts,
    registry: &Registry,
    image: &str,
    tag: &str,
    version_id: VersionId,
) {
    let path = crate::infra::db::tag_file_path(image, tag);
    counts.tag_pull(registry.repo.id, version_id, path);
}

/// The manifest to send a client whose `Accept` is `accept`. A manifest fetched by tag
/// in a type the client does not take is, for an index, its linux/amd64 image (what the
/// reference registry does for clients that predate indexes), else unknown. A manifest
/// asked for by digest is sent as it is.
pub async fn negotiate(
    db: &Db,
    store: &BlobStore,
    package: &PackageRecord,
    found: ManifestRecord,
    by_tag: bool,
    accept: &[String],
) -> Result<ManifestRecord> {
    if !by_tag || manifest::accepts(accept, &found.media_type) {
        return Ok(found);
    }
    let refused = || {
        OciError::ManifestUnknown(Some(format!(
            "the manifest is a {}, which the client's Accept header does not include",
            found.media_type
        )))
    };
    if manifest::kind_of(&found.media_type) != Some(Kind::Index) {
        return Err(refused());
    }
    let bytes: Vec<Bytes> = store
        .get(&found.blob_sha256, None)
        .await?
        .try_collect()
        .await?;
    let index = manifest::parse(&bytes.concat(), Some(&found.media_type))
        .map_err(|e| OciError::Internal(format!("stored index unreadable: {e}")))?;
    let child = index.manifests.iter().find(|d| {
        d.platform
            .as_ref()
            .is_some_and(|p| p.os == "linux" && p.architecture == "amd64")
            && manifest::accepts(accept, &d.media_type)
    });
    match child {
        Some(d) => db
            .find_oci_manifest(package.id, &d.digest.to_string())
            .await?
            .ok_or_else(refused),
        None => Err(refused()),
    }
}

/// Deletes a manifest by digest (and its tags), or a tag alone.
pub async fn delete(
    db: &Db,
    registry: &Registry,
    image: &str,
    reference: &Reference,
) -> Result<()> {
    let unknown = || OciError::ManifestUnknown(None);
    let package = registry
        .image(db, image)
        .await?
        .ok_or(OciError::NameUnknown)?;
    match reference {
        Reference::Digest(d) => {
            if !db
                .delete_oci_manifest(&registry.link(image, &d.to_string()), package.id)
                .await?
            {
                return Err(unknown());
            }
        }
        Reference::Tag(t) => {
            let (_, version_id) = db.find_oci_tag(package.id, t).await?.ok_or_else(unknown)?;
            db.delete_version(version_id).await?;
        }
    }
    Ok(())
}
