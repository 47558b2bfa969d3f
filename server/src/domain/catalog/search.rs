//! Package search (Bintray's "Search Packages"): public packages only, whoever asks.

use std::collections::HashMap;

use super::{CatalogError, Result, VersionOrder};
use crate::infra::db::{Db, PackageId, PackageRecord, RepositoryId, RepositoryRecord, Viewer};

/// What to look for. Empty strings count as absent; at least one field is needed.
#[derive(Debug, Clone, Default)]
pub struct PackageQuery<'a> {
    /// Part of the package's name (any case).
    pub name: Option<&'a str>,
    /// Part of its description (any case).
    pub desc: Option<&'a str>,
    /// Only this subject's packages (exact, any case: compared by `SubjectName::key`).
    pub subject: Option<&'a str>,
    /// Only packages in repositories of this name (exact).
    pub repo: Option<&'a str>,
}

/// A package found, with its repository and its versions in order.
#[derive(Debug, Clone)]
pub struct FoundPackage {
    pub repository: RepositoryRecord,
    pub package: PackageRecord,
    pub versions: VersionOrder,
}

/// Public packages matching `query`, by subject, repository and name (at most 1,000).
/// Three reads whatever the count: the packages, their repositories, their versions.
/// Errors: [`CatalogError::BadRequest`] when every field is empty.
pub async fn search_public_packages(
    db: &Db,
    query: &PackageQuery<'_>,
) -> Result<Vec<FoundPackage>> {
    fn given(s: Option<&str>) -> Option<&str> {
        s.filter(|v| !v.is_empty())
    }
    let (name, desc, repo) = (given(query.name), given(query.desc), given(query.repo));
    let subject = given(query.subject).map(str::to_ascii_lowercase);
    if name.is_none() && desc.is_none() && subject.is_none() && repo.is_none() {
        return Err(CatalogError::BadRequest(
            "Search needs at least one of 'name', 'desc', 'subject' and 'repo'".into(),
        ));
    }
    let packages = db
        .search_public_packages(name, desc, subject.as_deref(), repo)
        .await?;
    let mut repo_ids: Vec<RepositoryId> = packages.iter().map(|p| p.repository_id).collect();
    repo_ids.dedup();
    let repositories: HashMap<RepositoryId, RepositoryRecord> = db
        .find_repositories_by_ids(&repo_ids, Viewer(None))
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let ids: Vec<PackageId> = packages.iter().map(|p| p.id).collect();
    let mut orders = super::version_orders(db, &ids).await?;
    Ok(packages
        .into_iter()
        .filter_map(|package| {
            // A repository made private since the first read is left out.
            let repository = repositories.get(&package.repository_id)?.clone();
            let versions = orders.remove(&package.id).unwrap_or_default();
            Some(FoundPackage {
                repository,
                package,
                versions,
            })
        })
        .collect())
}
