//! Versions.

use std::collections::HashMap;

use app::api_types::VersionChanges;
use app::domain::dates::Timestamp;
use app::domain::latest::{self, VersionFacts};
use app::domain::names::VersionName;

use super::{
    clean_text, find_package, found, owned_package, Caller, CatalogError, PackageCoord, Result,
    VersionCoord,
};
use crate::infra::db::{
    Db, DbError, PackageId, PackageRecord, RepositoryRecord, VersionFields, VersionId,
    VersionOrderRow, VersionRecord,
};

/// A version of a package the caller may see. `_latest` is the latest version by
/// [`app::domain::latest`]'s rule.
pub async fn find_version(
    db: &Db,
    caller: &Caller,
    at: &VersionCoord,
) -> Result<(RepositoryRecord, PackageRecord, VersionRecord)> {
    let version = at.version.as_str();
    let (repo, package) = find_package(db, caller, &at.package()).await?;
    let version = version_in(db, &package, version).await?;
    Ok((repo, package, version))
}

/// A package's versions newest first, and its latest one (id, name), both by
/// [`app::domain::latest`]'s rule: what package objects, badges and `_latest` show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionOrder {
    pub newest_first: Vec<String>,
    pub latest: Option<(VersionId, String)>,
}

impl VersionOrder {
    fn of(rows: Vec<VersionOrderRow>) -> VersionOrder {
        let (rows, latest) = sort_versions(rows);
        let latest = latest.map(|i| (rows[i].id, rows[i].name.clone()));
        VersionOrder {
            newest_first: rows.into_iter().map(|r| r.name).collect(),
            latest,
        }
    }
}

/// Reads the package's versions once and applies [`app::domain::latest`].
pub async fn version_order(
    db: &Db,
    package_id: PackageId,
) -> std::result::Result<VersionOrder, DbError> {
    Ok(VersionOrder::of(db.version_order_rows(package_id).await?))
}

/// [`version_order`] for many packages, by package id, in one read: for lists of
/// packages (search, the package cards). A package with no versions gets an empty order.
pub async fn version_orders(
    db: &Db,
    package_ids: &[PackageId],
) -> std::result::Result<HashMap<PackageId, VersionOrder>, DbError> {
    let mut rows = db.version_order_rows_of(package_ids).await?;
    Ok(package_ids
        .iter()
        .map(|id| (*id, VersionOrder::of(rows.remove(id).unwrap_or_default())))
        .collect())
}

/// A package's versions with what orders them, newest first by [`app::domain::latest`]'s
/// rule, and the index of the latest one: what the package page lists.
pub async fn ordered_versions(
    db: &Db,
    package_id: PackageId,
) -> std::result::Result<(Vec<VersionOrderRow>, Option<usize>), DbError> {
    Ok(sort_versions(db.version_order_rows(package_id).await?))
}

/// Sorts versions newest first by [`app::domain::latest`]'s rule and finds the latest.
fn sort_versions(mut rows: Vec<VersionOrderRow>) -> (Vec<VersionOrderRow>, Option<usize>) {
    fn facts(r: &VersionOrderRow) -> VersionFacts<'_> {
        VersionFacts {
            name: &r.name,
            released_at: r.released_at,
            created_at: r.created_at,
            created_seq: r.id.0,
            prerelease: r.is_prerelease,
            published: r.published,
        }
    }
    latest::sort_newest_first(&mut rows, facts);
    let pinned = rows.iter().find(|r| r.pinned).map(|r| r.name.clone());
    let all: Vec<VersionFacts> = rows.iter().map(facts).collect();
    let latest = latest::latest(&all, pinned.as_deref());
    (rows, latest)
}

pub(super) async fn version_in(
    db: &Db,
    package: &PackageRecord,
    version: &str,
) -> Result<VersionRecord> {
    if version == VersionName::LATEST_ALIAS {
        let order = version_order(db, package.id).await?;
        let latest = order
            .latest
            .ok_or_else(|| CatalogError::VersionNotFound(version.to_owned()))?;
        return found(db.find_version_by_id(latest.0).await, || {
            CatalogError::VersionNotFound(version.to_owned())
        });
    }
    version_named(db, package, version).await
}

/// The version called `name` (no aliases), looked up by its NFC spelling as
/// [`VersionName::parse`] stores it; 404 when there is none.
pub(super) async fn version_named(
    db: &Db,
    package: &PackageRecord,
    name: &str,
) -> Result<VersionRecord> {
    let key = app::domain::names::version_lookup_key(name);
    found(db.find_version(package.id, &key).await, || {
        CatalogError::VersionNotFound(name.to_owned())
    })
}

/// Milliseconds since the epoch from any date form Bintray clients send (`2019-07-01`,
/// `2019-07-01T20:51:42.879Z`, `…+02:00`, Java's `…T22:51:42.879+0200`; see
/// [`app::domain::dates`]). A 400 names the field and the forms accepted.
pub fn parse_released(s: &str) -> Result<i64> {
    Timestamp::parse(s)
        .map(Timestamp::millis)
        .map_err(|e| CatalogError::BadRequest(format!("'released': {e}")))
}

fn apply(changes: VersionChanges, base: VersionFields) -> Result<VersionFields> {
    Ok(VersionFields {
        description: match changes.desc {
            Some(d) => clean_text(Some(d)),
            None => base.description,
        },
        vcs_tag: match changes.vcs_tag {
            Some(t) => clean_text(Some(t)),
            None => base.vcs_tag,
        },
        released_at: match changes.released.as_deref().map(str::trim) {
            Some("") => None,
            Some(r) => Some(parse_released(r)?),
            None => base.released_at,
        },
        ..base
    })
}

pub async fn create_version(
    db: &Db,
    caller: &Caller,
    at: &PackageCoord,
    changes: VersionChanges,
) -> Result<(RepositoryRecord, PackageRecord, VersionRecord)> {
    let (repo, package) = owned_package(db, caller, at).await?;
    let name = changes
        .name
        .clone()
        .ok_or_else(|| CatalogError::BadRequest("The version needs a name".to_owned()))?;
    let name = VersionName::parse(&name).map_err(|e| CatalogError::BadRequest(e.to_string()))?;
    let fields = apply(changes, VersionFields::default())?;
    match db.insert_version(package.id, name.as_str(), &fields).await {
        Ok(_) => {}
        Err(DbError::Conflict) => {
            return Err(CatalogError::Conflict(format!(
                "Version {name} for package '{}' already exists",
                package.name
            )))
        }
        Err(e) => return Err(e.into()),
    }
    let version = version_in(db, &package, name.as_str()).await?;
    Ok((repo, package, version))
}

pub async fn owned_version(
    db: &Db,
    caller: &Caller,
    at: &VersionCoord,
) -> Result<(RepositoryRecord, PackageRecord, VersionRecord)> {
    let version = at.version.as_str();
    let (repo, package) = owned_package(db, caller, &at.package()).await?;
    let version = version_in(db, &package, version).await?;
    Ok((repo, package, version))
}

pub async fn update_version(
    db: &Db,
    caller: &Caller,
    at: &VersionCoord,
    changes: VersionChanges,
) -> Result<()> {
    let (_, _, found) = owned_version(db, caller, at).await?;
    let fields = apply(changes, VersionFields::from(&found))?;
    db.update_version(found.id, &fields).await?;
    Ok(())
}

pub async fn delete_version(db: &Db, caller: &Caller, at: &VersionCoord) -> Result<()> {
    let (_, _, found) = owned_version(db, caller, at).await?;
    db.delete_version(found.id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_released;

    #[test]
    fn released_accepts_dates_and_date_times() {
        assert_eq!(parse_released("1970-01-02").unwrap(), 86_400_000);
        assert_eq!(parse_released("1970-01-01T00:00:01.500Z").unwrap(), 1_500);
        assert_eq!(parse_released("1970-01-01T01:00:00+01:00").unwrap(), 0);
        assert_eq!(parse_released("1970-01-01T00:00:02").unwrap(), 2_000);
        assert!(parse_released("yesterday").is_err());
        // What the Gradle Bintray plugin sends (Java's yyyy-MM-dd'T'HH:mm:ss.SSSZ).
        assert_eq!(parse_released("1970-01-01T02:00:00.250+0200").unwrap(), 250);
    }
}
