//! Attributes of packages and versions, and searching by them.

use app::domain::attributes::{self, Attribute, AttributeError, AttributeInput, Query};

use super::versions::version_in;
use super::{find_package, find_repository, Caller, CatalogError, PackageCoord, RepoCoord, Result};
use crate::infra::db::{
    AttrOwner, Db, PackageId, PackageRecord, RepositoryRecord, VersionId, VersionRecord,
};

impl From<AttributeError> for CatalogError {
    fn from(e: AttributeError) -> Self {
        CatalogError::BadRequest(e.to_string())
    }
}

/// Whose attributes a URL names, and whether the caller owns them.
pub struct AttrTarget {
    pub owner: AttrOwner,
    pub is_publisher: bool,
}

/// The package (or, with `version`, the version) the caller may see.
pub async fn attr_target(
    db: &Db,
    caller: &Caller,
    at: &PackageCoord,
    version: Option<&str>,
) -> Result<AttrTarget> {
    let (repo, package) = find_package(db, caller, at).await?;
    let is_publisher = caller.owns(repo.owner_id);
    let owner = match version {
        Some(v) => AttrOwner::Version(version_in(db, &package, v).await?.id),
        None => AttrOwner::Package(package.id),
    };
    Ok(AttrTarget {
        owner,
        is_publisher,
    })
}

/// Hides `_`-names from everyone but the publisher and keeps only `names` when given.
pub fn visible(
    attrs: Vec<Attribute>,
    is_publisher: bool,
    names: Option<&[String]>,
) -> Vec<Attribute> {
    attrs
        .into_iter()
        .filter(|a| is_publisher || !a.is_private())
        .filter(|a| names.is_none_or(|n| n.contains(&a.name)))
        .collect()
}

pub async fn get_attributes(
    db: &Db,
    target: &AttrTarget,
    names: Option<&[String]>,
) -> Result<Vec<Attribute>> {
    Ok(visible(
        db.attributes_of(target.owner).await?,
        target.is_publisher,
        names,
    ))
}

fn require_publisher(caller: &Caller, target: &AttrTarget) -> Result<()> {
    match (&caller.user, target.is_publisher) {
        (None, _) => Err(CatalogError::Unauthenticated),
        (Some(_), false) => Err(CatalogError::Forbidden),
        (Some(_), true) => Ok(()),
    }
}

/// POST: the given attributes replace all others.
pub async fn replace_attributes(
    db: &Db,
    caller: &Caller,
    target: &AttrTarget,
    inputs: Vec<AttributeInput>,
) -> Result<Vec<Attribute>> {
    require_publisher(caller, target)?;
    let mut all = Vec::new();
    attributes::merge(&mut all, inputs)?;
    db.replace_attributes(target.owner, &all).await?;
    get_attributes(db, target, None).await
}

/// PATCH: the given attributes replace those of the same name; null values remove one.
pub async fn update_attributes(
    db: &Db,
    caller: &Caller,
    target: &AttrTarget,
    inputs: Vec<AttributeInput>,
) -> Result<Vec<Attribute>> {
    require_publisher(caller, target)?;
    let mut all = db.attributes_of(target.owner).await?;
    attributes::merge(&mut all, inputs)?;
    db.replace_attributes(target.owner, &all).await?;
    get_attributes(db, target, None).await
}

/// DELETE: the named attributes, or all of them.
pub async fn delete_attributes(
    db: &Db,
    caller: &Caller,
    target: &AttrTarget,
    names: Option<&[String]>,
) -> Result<()> {
    require_publisher(caller, target)?;
    let remaining: Vec<Attribute> = match names {
        None => Vec::new(),
        Some(n) => db
            .attributes_of(target.owner)
            .await?
            .into_iter()
            .filter(|a| !n.contains(&a.name))
            .collect(),
    };
    db.replace_attributes(target.owner, &remaining).await?;
    Ok(())
}

/// Packages of a repository whose attributes match every clause of `query`.
pub async fn search_packages(
    db: &Db,
    caller: &Caller,
    at: &RepoCoord,
    query: &Query,
) -> Result<(RepositoryRecord, Vec<PackageRecord>)> {
    let repo = find_repository(db, caller, at).await?;
    let is_publisher = caller.owns(repo.owner_id);
    let mut by_package: std::collections::BTreeMap<PackageId, Vec<Attribute>> = Default::default();
    for (id, a) in db.package_attributes_in(repo.id).await? {
        by_package.entry(id).or_default().push(a);
    }
    let mut found = Vec::new();
    for (id, attrs) in by_package {
        if attributes::matches(&visible(attrs, is_publisher, None), query) {
            found.push(db.find_package_by_id(id).await?);
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((repo, found))
}

/// Versions of a package whose attributes match every clause of `query`.
pub async fn search_versions(
    db: &Db,
    caller: &Caller,
    at: &PackageCoord,
    query: &Query,
) -> Result<(RepositoryRecord, PackageRecord, Vec<VersionRecord>)> {
    let (repo, package) = find_package(db, caller, at).await?;
    let is_publisher = caller.owns(repo.owner_id);
    let mut by_version: std::collections::BTreeMap<VersionId, Vec<Attribute>> = Default::default();
    for (id, a) in db.version_attributes_in(package.id).await? {
        by_version.entry(id).or_default().push(a);
    }
    let mut found = Vec::new();
    for (id, attrs) in by_version {
        if attributes::matches(&visible(attrs, is_publisher, None), query) {
            found.push(db.find_version_by_id(id).await?);
        }
    }
    // Newest first, as package objects list them.
    found.sort_by_key(|v| std::cmp::Reverse(v.id));
    Ok((repo, package, found))
}
