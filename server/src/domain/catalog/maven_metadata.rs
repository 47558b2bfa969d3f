//! `maven-metadata.xml` for Maven repositories, written from the versions Wharf holds
//! (deploys send their own copy, which is not kept: it would go stale on a delete).

use std::collections::BTreeMap;

use app::domain::maven::{metadata_xml, MetadataFile};
use sha2::Digest;

use super::{find_repository, Caller, FileCoord, Result};
use crate::infra::db::Db;

/// The generated metadata (or its checksum) at `path`, or `None` when `path` is not the
/// metadata of an artifact with visible files in a Maven repository.
pub async fn maven_metadata(db: &Db, caller: &Caller, at: &FileCoord) -> Result<Option<String>> {
    let segments: Vec<&str> = at.file_path.split('/').collect();
    let Some((name, dir)) = segments.split_last() else {
        return Ok(None);
    };
    let Some(kind) = MetadataFile::from_name(name) else {
        return Ok(None);
    };
    if dir.len() < 2 || dir.iter().any(|s| s.is_empty() || *s == "..") {
        return Ok(None);
    }
    let Ok(repo) = find_repository(db, caller, &at.repository()).await else {
        return Ok(None);
    };
    if repo.repo_type != "maven" {
        return Ok(None);
    }
    let dir_path = dir.join("/");
    let files = db
        .files_under(repo.id, &dir_path, caller.owns(repo.owner_id))
        .await?;
    // version directory → (first file id, last change)
    let mut versions: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (file_path, id, created) in files {
        let rest = &file_path[dir_path.len() + 1..];
        if let Some((version, _)) = rest.split_once('/') {
            let entry = versions.entry(version.to_owned()).or_insert((id, created));
            entry.0 = entry.0.min(id);
            entry.1 = entry.1.max(created);
        }
    }
    if versions.is_empty() {
        return Ok(None);
    }
    let last = versions.values().map(|(_, at)| *at).max().unwrap_or(0);
    let mut ordered: Vec<(String, i64)> =
        versions.into_iter().map(|(v, (id, _))| (v, id)).collect();
    ordered.sort_by_key(|(_, id)| *id);
    let names: Vec<String> = ordered.into_iter().map(|(v, _)| v).collect();
    let (artifact, group) = dir.split_last().expect("two or more segments");
    let xml = metadata_xml(&group.join("."), artifact, &names, &timestamp(last));
    Ok(Some(match kind {
        MetadataFile::Xml => xml,
        MetadataFile::Sha1 => hex::encode(sha1::Sha1::digest(&xml)),
        MetadataFile::Md5 => hex::encode(md5::Md5::digest(&xml)),
        MetadataFile::Sha256 => hex::encode(sha2::Sha256::digest(&xml)),
        MetadataFile::Sha512 => hex::encode(sha2::Sha512::digest(&xml)),
    }))
}

/// Milliseconds since the epoch as Maven's `yyyyMMddHHmmss` (UTC).
fn timestamp(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .unwrap_or_default()
        .format("%Y%m%d%H%M%S")
        .to_string()
}
