//! The referrers API: manifests of an image whose `subject` is a given digest.

use serde_json::{json, Map, Value};

use super::access::Registry;
use super::digest::OciDigest;
use super::manifest::OCI_INDEX;
use super::Result;
use crate::infra::db::{Db, ManifestRecord};

/// The descriptor of a referrer as the referrers index lists it.
fn descriptor(m: &ManifestRecord) -> Value {
    let mut d = Map::new();
    d.insert("mediaType".into(), json!(m.media_type));
    d.insert("digest".into(), json!(m.digest));
    d.insert("size".into(), json!(m.size));
    if let Some(t) = &m.artifact_type {
        d.insert("artifactType".into(), json!(t));
    }
    if let Some(a) = m
        .annotations
        .as_deref()
        .and_then(|a| serde_json::from_str::<Value>(a).ok())
    {
        d.insert("annotations".into(), a);
    }
    Value::Object(d)
}

/// The referrers index, and whether an `artifactType` filter was applied. An image with
/// nothing pushed yet has no referrers (never "not found").
pub async fn list(
    db: &Db,
    registry: &Registry,
    image: &str,
    subject: &OciDigest,
    artifact_type: Option<&str>,
) -> Result<(Value, bool)> {
    let found = match registry.image(db, image).await? {
        Some(p) => db.oci_referrers(p.id, &subject.to_string()).await?,
        None => Vec::new(),
    };
    let manifests: Vec<Value> = found
        .iter()
        .filter(|m| artifact_type.is_none_or(|t| m.artifact_type.as_deref() == Some(t)))
        .map(descriptor)
        .collect();
    Ok((
        json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}),
        artifact_type.is_some(),
    ))
}
