//! The rules every import obeys, enforced where the import happens — when a job starts
//! and again for each repository as it runs (the plan, the grant, the target repository
//! and its packages can all change in between, or while a server was stopped) — never
//! only where the choices are listed:
//! - private GitHub repositories only for accounts that may import them
//!   ([`crate::domain::plans::Plans::may_import_private`]);
//! - a private GitHub repository goes into a public Wharf repository only when the user
//!   confirmed it ([`check_private`]);
//! - a name collision never merges or overwrites (`app::domain::import_collisions`,
//!   [`claim_package`]).

use std::collections::BTreeSet;

use app::api_types::PackageChanges;
use app::domain::import_collisions::{self, Collision, ExistingPackage};

use super::Importer;
use crate::domain::catalog::{self, Caller, CatalogError};
use crate::domain::github_auth::grants_private;
use crate::infra::db::{Db, DbError, GitHubLink, ImportJobRecord, RepositoryId, RepositoryRecord};
use crate::infra::github::{GitHubError, RepoListOptions, Repository, Session};

/// Whether the linked token can read private repositories at all. Without the `repo`
/// scope GitHub hides them (404), so nothing private can be listed or imported with it
/// and asking GitHub which repositories are private is not needed.
pub fn token_reads_private(link: &GitHubLink) -> bool {
    grants_private(&link.scopes)
}

/// What a refused private repository is told.
pub const PRIVATE_NEEDS_PREMIUM: &str =
    "importing private repositories needs a Premium account that authorized “Access private repositories”";

/// Why a job, or one repository of it, is refused before anything is written. `Display`
/// is for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// These private repositories, for an account that may not import private ones.
    #[error("{} private on GitHub: {PRIVATE_NEEDS_PREMIUM}", are(.0))]
    PrivateNotAllowed(Vec<String>),
    /// These private repositories into the public `target`, unconfirmed.
    #[error("{} private on GitHub and {target} is a public repository, where anyone could read their versions and download their release assets: confirm that they may be public to import them", are(.repos))]
    NeedsConfirmation { repos: Vec<String>, target: String },
    /// Name collisions, described.
    #[error("{0}")]
    Collision(String),
}

/// "a/x is" or "a/x and b/y are".
fn are(repos: &[String]) -> String {
    match repos {
        [one] => format!("{one} is"),
        _ => format!("{} are", repos.join(", ")),
    }
}

/// The private-repository rules for `private` (the repositories GitHub says are private,
/// among those being imported) going into the Wharf repository `target`.
pub fn check_private(
    private: &[String],
    may_import_private: bool,
    target: &RepositoryRecord,
    confirmed: bool,
) -> Result<(), Refusal> {
    if private.is_empty() {
        return Ok(());
    }
    if !may_import_private {
        return Err(Refusal::PrivateNotAllowed(private.to_vec()));
    }
    if !target.is_private && !confirmed {
        return Err(Refusal::NeedsConfirmation {
            repos: private.to_vec(),
            target: format!("{}/{}", target.owner_name, target.name),
        });
    }
    Ok(())
}

/// Which of `names` (`owner/name`) are private, as GitHub lists the repositories this
/// token can see (one request per hundred private repositories, however many are named).
/// Named as GitHub spells them.
pub async fn private_among(session: &Session, names: &[&str]) -> Result<Vec<String>, GitHubError> {
    let options = RepoListOptions {
        visibility: Some("private".to_owned()),
        affiliation: Some("owner,collaborator,organization_member".to_owned()),
        sort: Some("full_name".to_owned()),
    };
    let private: BTreeSet<String> = session
        .repos(&options)
        .await?
        .into_iter()
        .filter(|r| r.private)
        .map(|r| r.full_name.to_ascii_lowercase())
        .collect();
    Ok(names
        .iter()
        .filter(|n| private.contains(&n.to_ascii_lowercase()))
        .map(|n| (*n).to_owned())
        .collect())
}

/// The packages of `repository` as the collision rule sees them.
pub async fn existing_packages(
    db: &Db,
    repository_id: RepositoryId,
) -> Result<Vec<ExistingPackage>, DbError> {
    Ok(db
        .package_origins(repository_id)
        .await?
        .into_iter()
        .map(|(name, github_repo)| ExistingPackage { name, github_repo })
        .collect())
}

/// Why [`claim_package`] did not write.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("{0}")]
    Collision(Collision),
    #[error(transparent)]
    Registry(#[from] CatalogError),
}

/// Creates `package` for GitHub repository `full_name`, or updates it when it was imported
/// from that same repository; leaves it untouched (a collision) when it came from another
/// repository or was made by hand. A package created meanwhile by someone else is seen:
/// creation is atomic, and a lost race re-reads and checks again.
pub async fn claim_package(
    db: &Db,
    caller: &Caller,
    target: &RepositoryRecord,
    full_name: &str,
    package: &str,
    changes: PackageChanges,
) -> Result<(), ClaimError> {
    let (subject, repo) = (target.owner_name.as_str(), target.name.as_str());
    for _ in 0..2 {
        match db.find_package(target.id, package).await {
            Ok(found) => {
                // Provenance, never the client-settable `github_repo`, decides.
                let existing = ExistingPackage {
                    name: found.name,
                    github_repo: found.imported_from_github,
                };
                import_collisions::check_existing(full_name, package, Some(&existing))
                    .map_err(ClaimError::Collision)?;
                catalog::update_package(
                    db,
                    caller,
                    &catalog::RepoCoord::new(subject, repo).package(package),
                    changes,
                )
                .await?;
                return Ok(());
            }
            Err(DbError::NotFound) => {
                match catalog::create_imported_package(
                    db,
                    caller,
                    &catalog::RepoCoord::new(subject, repo),
                    changes.clone(),
                    full_name,
                )
                .await
                {
                    Ok(_) => return Ok(()),
                    // Created since it was read: look again.
                    Err(CatalogError::Conflict(_)) => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            Err(e) => return Err(CatalogError::from(e).into()),
        }
    }
    Err(CatalogError::Conflict(format!("Package '{package}' keeps changing; try again")).into())
}

/// Why [`Importer::admit`] refused one repository of a running job.
#[derive(Debug, thiserror::Error)]
pub enum AdmitError {
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("the GitHub account was disconnected; authorize with GitHub again and retry")]
    NotLinked,
    #[error("{0}")]
    Registry(#[from] CatalogError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl Importer {
    /// The rules for one repository of a running job, with everything read afresh: the
    /// account's plan and grant, the target repository (still the caller's, and whether
    /// it is public now) and the repository as GitHub describes it now (`private`), never
    /// what the request said. The target repository, when admitted.
    pub(super) async fn admit(
        &self,
        job: &ImportJobRecord,
        caller: &Caller,
        github_repo: &Repository,
    ) -> Result<RepositoryRecord, AdmitError> {
        let user = caller
            .user
            .as_ref()
            .ok_or(AdmitError::Registry(CatalogError::Unauthenticated))?;
        let link = self
            .db
            .github_link(user.id)
            .await?
            .ok_or(AdmitError::NotLinked)?;
        let target = catalog::owned_repository(&self.db, caller, &super::target_of(job)).await?;
        let private = if github_repo.private {
            vec![github_repo.full_name.clone()]
        } else {
            vec![]
        };
        check_private(
            &private,
            self.plans.may_import_private(user, &link),
            &target,
            job.private_to_public,
        )?;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(scopes: &str) -> GitHubLink {
        GitHubLink {
            user_id: crate::infra::db::UserId(1),
            github_id: 7,
            login: "octo".into(),
            avatar_url: None,
            token_sealed: String::new(),
            scopes: scopes.into(),
        }
    }

    fn target(private: bool) -> RepositoryRecord {
        RepositoryRecord {
            id: crate::infra::db::RepositoryId(1),
            owner_id: crate::infra::db::UserId(1),
            owner_name: "alice".into(),
            name: "gh".into(),
            repo_type: "generic".into(),
            is_private: private,
            description: None,
            labels: vec![],
            created_at: 0,
            updated_at: 0,
            package_count: 0,
        }
    }

    #[test]
    fn only_a_repo_scope_reads_private_repositories() {
        assert!(token_reads_private(&link("repo")) && !token_reads_private(&link("")));
    }

    #[test]
    fn private_into_public_needs_a_confirmation() {
        let private = vec!["o/secret".to_owned()];
        assert_eq!(check_private(&[], false, &target(false), false), Ok(()));
        let refused = check_private(&private, false, &target(true), true).unwrap_err();
        assert_eq!(refused, Refusal::PrivateNotAllowed(private.clone()));
        assert!(refused
            .to_string()
            .starts_with("o/secret is private on GitHub"));
        let unconfirmed = check_private(&private, true, &target(false), false).unwrap_err();
        assert!(
            unconfirmed
                .to_string()
                .contains("alice/gh is a public repository"),
            "{unconfirmed}"
        );
        assert_eq!(check_private(&private, true, &target(false), true), Ok(()));
        assert_eq!(check_private(&private, true, &target(true), false), Ok(()));
        let two = vec!["o/a".to_owned(), "o/b".to_owned()];
        assert!(Refusal::PrivateNotAllowed(two)
            .to_string()
            .starts_with("o/a, o/b are private"));
    }
}
