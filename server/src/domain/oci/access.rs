//! Which registry a request names and whether the caller may use it. Anonymous callers
//! may pull from public registries; only the owner pushes and deletes. A registry the
//! caller cannot see answers "authentication required" to an anonymous caller (who may
//! see more after signing in) and "name unknown" to a signed-in one, so nothing tells a
//! private registry from a missing one.

use app::domain::docker;
use app::domain::names::{PackageName, SubjectName};
use app::domain::repo_type::RepoType;

use super::{OciError, Result};
use crate::domain::catalog::Caller;
use crate::infra::db::{Db, DbError, OciLink, PackageFields, PackageRecord, RepositoryRecord, Tx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Pull,
    Push,
}

/// A registry the caller may use as asked.
#[derive(Debug, Clone)]
pub struct Registry {
    pub repo: RepositoryRecord,
}

fn hidden(caller: &Caller) -> OciError {
    if caller.user.is_none() {
        OciError::Unauthorized
    } else {
        OciError::NameUnknown
    }
}

/// The repository `subject/repo` (names in any case, as Docker lower-cases them) if the
/// caller may see it and it is a Docker registry, and if it may `need` it.
pub async fn open(
    db: &Db,
    caller: &Caller,
    subject: &str,
    repo: &str,
    need: Need,
) -> Result<Registry> {
    let Ok(subject) = SubjectName::parse(subject) else {
        return Err(hidden(caller));
    };
    let owner = match db.find_user_by_name(&subject.key()).await {
        Ok(u) => u,
        Err(DbError::NotFound) => return Err(hidden(caller)),
        Err(e) => return Err(e.into()),
    };
    let found = match db.find_repository(owner.id, repo, caller.viewer()).await {
        Ok(r) => r,
        Err(DbError::NotFound) => db
            .list_repositories(owner.id, caller.viewer())
            .await?
            .into_iter()
            .find(|r| r.name.eq_ignore_ascii_case(repo))
            .ok_or_else(|| hidden(caller))?,
        Err(e) => return Err(e.into()),
    };
    if found.repo_type != RepoType::Docker.as_str() {
        return Err(hidden(caller));
    }
    if need == Need::Push {
        match &caller.user {
            None => return Err(OciError::Unauthorized),
            Some(u) if u.id != found.owner_id => return Err(OciError::Denied),
            Some(_) => {}
        }
    }
    Ok(Registry { repo: found })
}

/// The package an image is stored as.
pub fn package_name(image: &str) -> Result<PackageName> {
    docker::image_to_package(image).map_err(|e| OciError::NameInvalid(e.to_string()))
}

impl Registry {
    /// Where a blob of `image` named `digest` is linked.
    pub fn link<'a>(&self, image: &'a str, digest: &'a str) -> OciLink<'a> {
        OciLink {
            repository_id: self.repo.id,
            image,
            digest,
        }
    }

    /// The image's package, if anything was pushed to it.
    pub async fn image(&self, db: &Db, image: &str) -> Result<Option<PackageRecord>> {
        let name = package_name(image)?;
        match db.find_package(self.repo.id, name.as_str()).await {
            Ok(p) => Ok(Some(p)),
            Err(DbError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The image's package, created on the first push, as a step of the push's unit of
    /// work (no other push can create it between the look-up and the insert).
    pub async fn image_or_create(&self, tx: &mut Tx, image: &str) -> Result<PackageRecord> {
        let name = package_name(image)?;
        match tx.find_package(self.repo.id, name.as_str()).await {
            Ok(p) => return Ok(p),
            Err(DbError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        tx.insert_package(self.repo.id, name.as_str(), &PackageFields::default())
            .await?;
        Ok(tx.find_package(self.repo.id, name.as_str()).await?)
    }
}
