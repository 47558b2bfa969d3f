//! Packages.

use app::api_types::PackageChanges;
use app::domain::names::PackageName;

use super::{
    clean_list, clean_text, clean_url, find_repository, found, owned_repository, Caller,
    CatalogError, PackageCoord, RepoCoord, Result,
};
use crate::infra::db::{Db, DbError, PackageFields, PackageRecord, Page, RepositoryRecord};

/// Bintray's page size.
pub const PAGE_SIZE: i64 = 50;

pub async fn list_packages(
    db: &Db,
    caller: &Caller,
    at: &RepoCoord,
    start_pos: i64,
    start_name: Option<&str>,
) -> Result<(RepositoryRecord, Page<PackageRecord>)> {
    let repo = find_repository(db, caller, at).await?;
    let page = db
        .list_packages(repo.id, start_name, start_pos.max(0), PAGE_SIZE)
        .await?;
    Ok((repo, page))
}

/// A package in a repository the caller may see.
pub async fn find_package(
    db: &Db,
    caller: &Caller,
    at: &PackageCoord,
) -> Result<(RepositoryRecord, PackageRecord)> {
    let package = at.package.as_str();
    let repo = find_repository(db, caller, &at.repository()).await?;
    let package = package_in(db, &repo, package).await?;
    Ok((repo, package))
}

pub(super) async fn package_in(
    db: &Db,
    repo: &RepositoryRecord,
    package: &str,
) -> Result<PackageRecord> {
    found(db.find_package(repo.id, package).await, || {
        CatalogError::PackageNotFound(package.to_owned())
    })
}

/// A package the caller owns, for a change.
pub async fn owned_package(
    db: &Db,
    caller: &Caller,
    at: &PackageCoord,
) -> Result<(RepositoryRecord, PackageRecord)> {
    let package = at.package.as_str();
    let repo = owned_repository(db, caller, &at.repository()).await?;
    let package = package_in(db, &repo, package).await?;
    Ok((repo, package))
}

fn apply(changes: PackageChanges, base: PackageFields) -> Result<PackageFields> {
    Ok(PackageFields {
        description: match changes.desc {
            Some(d) => clean_text(Some(d)),
            None => base.description,
        },
        labels: changes.labels.map(clean_list).unwrap_or(base.labels),
        licenses: changes.licenses.map(clean_list).unwrap_or(base.licenses),
        vcs_url: match changes.vcs_url {
            Some(u) => clean_url("vcs_url", Some(u))?,
            None => base.vcs_url,
        },
        website_url: match changes.website_url {
            Some(u) => clean_url("website_url", Some(u))?,
            None => base.website_url,
        },
        issue_tracker_url: match changes.issue_tracker_url {
            Some(u) => clean_url("issue_tracker_url", Some(u))?,
            None => base.issue_tracker_url,
        },
        github_repo: match changes.github_repo {
            Some(g) => clean_text(Some(g)),
            None => base.github_repo,
        },
        // Provenance is never a client's to change (see `create_imported_package`).
        imported_from_github: base.imported_from_github,
    })
}

pub async fn create_package(
    db: &Db,
    caller: &Caller,
    at: &RepoCoord,
    changes: PackageChanges,
) -> Result<(RepositoryRecord, PackageRecord)> {
    create_package_from(db, caller, at, changes, None).await
}

/// [`create_package`] for an import of GitHub repository `full_name`: the package records
/// that it was created from it (`imported_from_github`), in the same row insert, which is
/// what later lets imports of that repository, and only those, write into it.
pub async fn create_imported_package(
    db: &Db,
    caller: &Caller,
    at: &RepoCoord,
    changes: PackageChanges,
    full_name: &str,
) -> Result<(RepositoryRecord, PackageRecord)> {
    create_package_from(db, caller, at, changes, Some(full_name)).await
}

async fn create_package_from(
    db: &Db,
    caller: &Caller,
    at: &RepoCoord,
    changes: PackageChanges,
    imported_from_github: Option<&str>,
) -> Result<(RepositoryRecord, PackageRecord)> {
    let repo = owned_repository(db, caller, at).await?;
    let name = changes
        .name
        .clone()
        .ok_or_else(|| CatalogError::BadRequest("The package needs a name".to_owned()))?;
    let name = PackageName::parse(&name).map_err(|e| CatalogError::BadRequest(e.to_string()))?;
    let fields = PackageFields {
        imported_from_github: imported_from_github.map(str::to_owned),
        ..apply(changes, PackageFields::default())?
    };
    match db.insert_package(repo.id, name.as_str(), &fields).await {
        Ok(_) => {}
        Err(DbError::Conflict) => {
            return Err(CatalogError::Conflict(format!(
                "Package '{name}' already exists"
            )))
        }
        Err(e) => return Err(e.into()),
    }
    let package = package_in(db, &repo, name.as_str()).await?;
    Ok((repo, package))
}

pub async fn update_package(
    db: &Db,
    caller: &Caller,
    at: &PackageCoord,
    changes: PackageChanges,
) -> Result<()> {
    let (_, package) = owned_package(db, caller, at).await?;
    if let Some(name) = &changes.name {
        if name != &package.name {
            return Err(CatalogError::BadRequest(
                "A package cannot be renamed".to_owned(),
            ));
        }
    }
    // The pin is resolved before anything is written, so a bad name changes nothing.
    let pin = match changes.latest_version.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(name) => Some(Some(super::version_named(db, &package, name).await?.id)),
    };
    let fields = apply(changes, PackageFields::from(&package))?;
    db.update_package(package.id, &fields).await?;
    if let Some(version_id) = pin {
        db.set_latest_pin(package.id, version_id).await?;
    }
    Ok(())
}

pub async fn delete_package(db: &Db, caller: &Caller, at: &PackageCoord) -> Result<()> {
    let (_, found) = owned_package(db, caller, at).await?;
    db.delete_package(found.id).await?;
    Ok(())
}
