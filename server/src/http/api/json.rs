//! Database records as the Bintray JSON objects clients read.

use app::api_types::{AttributeValues, File, Package, Repository, RepositorySummary, Version};
use app::domain::attributes::Attribute;
use app::domain::dates::Timestamp;

use crate::domain::catalog::VersionOrder;
use crate::infra::db::{Db, DbError, FileRecord, PackageRecord, RepositoryRecord, VersionRecord};

/// Bintray's timestamp format, the one form every answer uses: `2019-07-01T20:51:42.879Z`
/// ([`Timestamp`]'s). Instants outside the years 0–9999 (never stored) read as the epoch.
pub fn iso(millis: i64) -> String {
    Timestamp::from_millis(millis)
        .or(Timestamp::from_millis(0))
        .map(|t| t.to_string())
        .unwrap_or_default()
}

pub fn repository_summary(r: &RepositoryRecord) -> RepositorySummary {
    RepositorySummary {
        name: r.name.clone(),
        owner: r.owner_name.clone(),
    }
}

pub fn repository(r: &RepositoryRecord) -> Repository {
    Repository {
        name: r.name.clone(),
        owner: r.owner_name.clone(),
        repo_type: r.repo_type.clone(),
        private: r.is_private,
        premium: false,
        desc: r.description.clone(),
        labels: r.labels.clone(),
        created: iso(r.created_at),
        package_count: r.package_count,
        gpg_sign_metadata: false,
        gpg_sign_files: false,
        gpg_use_owner_key: false,
    }
}

/// How attributes appear in a package or version object: their names, or with
/// `attribute_values=1` a map of name to values instead.
fn attribute_fields(
    attrs: &[Attribute],
    with_values: bool,
) -> (Option<Vec<String>>, Option<AttributeValues>) {
    if with_values {
        let map = attrs
            .iter()
            .map(|a| (a.name.clone(), a.values.clone()))
            .collect();
        (None, Some(map))
    } else {
        (Some(attrs.iter().map(|a| a.name.clone()).collect()), None)
    }
}

pub async fn package(
    db: &Db,
    r: &RepositoryRecord,
    p: &PackageRecord,
    attrs: &[Attribute],
    with_values: bool,
) -> Result<Package, DbError> {
    let order = crate::domain::catalog::version_order(db, p.id).await?;
    Ok(package_with(r, p, attrs, with_values, order))
}

/// [`package`] with its versions already read (`catalog::version_orders` for a list).
pub fn package_with(
    r: &RepositoryRecord,
    p: &PackageRecord,
    attrs: &[Attribute],
    with_values: bool,
    order: VersionOrder,
) -> Package {
    let (attribute_names, attributes) = attribute_fields(attrs, with_values);
    Package {
        name: p.name.clone(),
        repo: r.name.clone(),
        owner: r.owner_name.clone(),
        desc: p.description.clone(),
        labels: p.labels.clone(),
        attribute_names,
        licenses: p.licenses.clone(),
        custom_licenses: Vec::new(),
        followers_count: 0,
        created: iso(p.created_at),
        updated: iso(p.updated_at),
        website_url: p.website_url.clone(),
        issue_tracker_url: p.issue_tracker_url.clone(),
        github_repo: p.github_repo.clone(),
        github_release_notes_file: None,
        public_download_numbers: false,
        public_stats: false,
        linked_to_repos: Vec::new(),
        versions: order.newest_first,
        latest_version: order.latest.map(|(_, name)| name),
        rating: 0.0,
        rating_count: 0,
        system_ids: Vec::new(),
        vcs_url: p.vcs_url.clone(),
        permissions: Vec::new(),
        attributes,
    }
}

pub fn version(
    r: &RepositoryRecord,
    p: &PackageRecord,
    v: &VersionRecord,
    attrs: &[Attribute],
    with_values: bool,
) -> Version {
    let (attribute_names, attributes) = attribute_fields(attrs, with_values);
    Version {
        name: v.name.clone(),
        desc: v.description.clone(),
        package: p.name.clone(),
        repo: r.name.clone(),
        owner: r.owner_name.clone(),
        labels: Vec::new(),
        published: v.published,
        attribute_names,
        created: iso(v.created_at),
        updated: iso(v.updated_at),
        released: v.released_at.map(iso),
        prerelease: v.is_prerelease,
        ordinal: v.ordinal as f64,
        github_release_notes_file: None,
        github_use_tag_release_notes: false,
        vcs_tag: v.vcs_tag.clone(),
        rating_count: 0,
        attributes,
    }
}

pub fn file(r: &RepositoryRecord, f: &FileRecord) -> File {
    File {
        name: f.name.clone(),
        path: f.path.clone(),
        package: f.package_name.clone(),
        version: f.version_name.clone(),
        repo: r.name.clone(),
        owner: r.owner_name.clone(),
        created: iso(f.created_at),
        size: f.size,
        sha1: f.sha1.clone(),
        sha256: f.sha256.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::iso;

    #[test]
    fn timestamps_use_bintrays_format() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_561_999_902_879), "2019-07-01T16:51:42.879Z");
    }
}
