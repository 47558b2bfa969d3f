//! Repositories.

use app::api_types::RepositoryChanges;
use app::domain::names::RepositoryName;
use app::domain::repo_type::RepoType;

use super::{clean_list, clean_text, find_subject, found, Caller, CatalogError, RepoCoord, Result};
use crate::infra::db::{Db, DbError, RepositoryFields, RepositoryRecord};

/// The repositories of `subject` the caller may see.
pub async fn list_repositories(
    db: &Db,
    caller: &Caller,
    subject: &str,
) -> Result<Vec<RepositoryRecord>> {
    let owner = find_subject(db, subject).await?;
    Ok(db.list_repositories(owner.id, caller.viewer()).await?)
}

/// A repository the caller may see; a private one of someone else is "not found".
pub async fn find_repository(db: &Db, caller: &Caller, at: &RepoCoord) -> Result<RepositoryRecord> {
    let (subject, repo) = (at.subject.as_str(), at.repo.as_str());
    let owner = find_subject(db, subject).await?;
    found(
        db.find_repository(owner.id, repo, caller.viewer()).await,
        || CatalogError::RepoNotFound(repo.to_owned()),
    )
}

/// A repository the caller owns, for a change: 404 when they cannot see it, 401/403
/// when they can but may not change it.
pub async fn owned_repository(
    db: &Db,
    caller: &Caller,
    at: &RepoCoord,
) -> Result<RepositoryRecord> {
    let found = find_repository(db, caller, at).await?;
    caller.require_owner(found.owner_id)?;
    Ok(found)
}

pub async fn create_repository(
    db: &Db,
    caller: &Caller,
    at: &RepoCoord,
    changes: RepositoryChanges,
) -> Result<RepositoryRecord> {
    let (subject, repo) = (at.subject.as_str(), at.repo.as_str());
    let owner = find_subject(db, subject).await?;
    caller.require_owner(owner.id)?;
    let name = RepositoryName::parse(repo).map_err(|e| CatalogError::BadRequest(e.to_string()))?;
    if let Some(body_name) = &changes.name {
        if body_name != name.as_str() {
            return Err(CatalogError::BadRequest(format!(
                "The repository name in the body ('{body_name}') differs from the one in the URL ('{name}')"
            )));
        }
    }
    let repo_type = match changes.repo_type.as_deref() {
        None => RepoType::Generic,
        Some(t) => RepoType::parse(t).ok_or_else(|| {
            CatalogError::BadRequest(format!(
                "Unsupported repository type '{t}'; use one of: {}",
                RepoType::ALL.map(RepoType::as_str).join(", ")
            ))
        })?,
    };
    let fields = RepositoryFields {
        repo_type: repo_type.as_str().to_owned(),
        is_private: changes.private.unwrap_or(false),
        description: clean_text(changes.desc),
        labels: clean_list(changes.labels.unwrap_or_default()),
    };
    match db.insert_repository(owner.id, name.as_str(), &fields).await {
        Ok(_) => {}
        Err(DbError::Conflict) => {
            return Err(CatalogError::Conflict(format!(
                "Repository '{name}' already exists"
            )))
        }
        Err(e) => return Err(e.into()),
    }
    find_repository(db, caller, at).await
}

pub async fn update_repository(
    db: &Db,
    caller: &Caller,
    at: &RepoCoord,
    changes: RepositoryChanges,
) -> Result<()> {
    let found = owned_repository(db, caller, at).await?;
    if let Some(t) = changes.repo_type.as_deref() {
        if RepoType::parse(t).map(RepoType::as_str) != Some(found.repo_type.as_str()) {
            return Err(CatalogError::BadRequest(
                "A repository's type cannot be changed".to_owned(),
            ));
        }
    }
    let fields = RepositoryFields {
        repo_type: found.repo_type.clone(),
        is_private: changes.private.unwrap_or(found.is_private),
        description: match changes.desc {
            Some(d) => clean_text(Some(d)),
            None => found.description.clone(),
        },
        labels: changes
            .labels
            .map(clean_list)
            .unwrap_or(found.labels.clone()),
    };
    db.update_repository(found.owner_id, found.id, &fields)
        .await?;
    Ok(())
}

pub async fn delete_repository(db: &Db, caller: &Caller, at: &RepoCoord) -> Result<()> {
    let found = owned_repository(db, caller, at).await?;
    db.delete_repository(found.owner_id, found.id).await?;
    Ok(())
}
