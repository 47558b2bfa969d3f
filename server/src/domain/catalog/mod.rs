//! The catalogue's rules (Bintray's subject › repository › package › version › file): who may
//! see and change what, and what a valid one is. Handlers parse and map; everything they decide
//! lives here. (The Docker registry's rules are `oci`.)

mod attributes;
mod content;
mod coordinates;
pub mod explode;
mod maven_metadata;
mod packages;
mod repositories;
mod search;
mod versions;

pub use attributes::*;
pub use content::*;
pub use coordinates::*;
pub use explode::ExplodeLimits;
pub use maven_metadata::maven_metadata;
pub use packages::*;
pub use repositories::*;
pub use search::*;
pub use versions::*;

use app::domain::names::SubjectName;

use crate::infra::db::{Db, DbError, UserId, UserRecord, Viewer};

/// What went wrong, in words a client can act on. Mapped to HTTP in `http::error`.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("Subject '{0}' was not found")]
    SubjectNotFound(String),
    #[error("Repo '{0}' was not found")]
    RepoNotFound(String),
    #[error("Package '{0}' was not found")]
    PackageNotFound(String),
    #[error("Version '{0}' was not found")]
    VersionNotFound(String),
    #[error("File '{0}' was not found")]
    FileNotFound(String),
    #[error("This resource requires authentication")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// The database or the store did not answer; the detail is for the log.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

impl From<DbError> for CatalogError {
    fn from(e: DbError) -> Self {
        if e.is_unavailable() {
            CatalogError::Unavailable(e.to_string())
        } else {
            CatalogError::Internal(e.to_string())
        }
    }
}

pub type Result<T> = std::result::Result<T, CatalogError>;

/// Who is making a request: a user proven by API key or session, or nobody.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub user: Option<UserRecord>,
}

impl Caller {
    pub fn anonymous() -> Caller {
        Caller { user: None }
    }

    pub fn viewer(&self) -> Viewer {
        Viewer(self.user.as_ref().map(|u| u.id))
    }

    /// Whether the caller is the user `owner_id` (the publisher of what they own).
    pub fn owns(&self, owner_id: UserId) -> bool {
        self.user.as_ref().is_some_and(|u| u.id == owner_id)
    }

    /// The caller as the owner `owner_id`, or why they are not: 401 when anonymous,
    /// 403 when someone else.
    pub fn require_owner(&self, owner_id: UserId) -> Result<&UserRecord> {
        match &self.user {
            None => Err(CatalogError::Unauthenticated),
            Some(u) if u.id == owner_id => Ok(u),
            Some(_) => Err(CatalogError::Forbidden),
        }
    }
}

/// The subject named in a URL; an invalid name cannot exist, so it is "not found" too.
pub async fn find_subject(db: &Db, name: &str) -> Result<UserRecord> {
    let parsed =
        SubjectName::parse(name).map_err(|_| CatalogError::SubjectNotFound(name.to_owned()))?;
    found(db.find_user_by_name(&parsed.key()).await, || {
        CatalogError::SubjectNotFound(name.to_owned())
    })
}

/// A lookup's result with "not found" turned into the error `missing` names, so each
/// kind of thing reports itself in Bintray's words.
fn found<T>(
    result: std::result::Result<T, DbError>,
    missing: impl FnOnce() -> CatalogError,
) -> Result<T> {
    match result {
        Ok(v) => Ok(v),
        Err(DbError::NotFound) => Err(missing()),
        Err(e) => Err(e.into()),
    }
}

/// Trims a free-text field; an empty one is "not set".
fn clean_text(value: Option<String>) -> Option<String> {
    value.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Trims labels, drops empty ones and duplicates, keeps order.
fn clean_list(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = v.trim().to_owned();
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// A URL field: absent, or http(s).
fn clean_url(field: &str, value: Option<String>) -> Result<Option<String>> {
    match clean_text(value) {
        None => Ok(None),
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => Ok(Some(u)),
        Some(u) => Err(CatalogError::BadRequest(format!(
            "{field} must be an http:// or https:// URL, not {u:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_trimmed_and_deduplicated() {
        assert_eq!(
            clean_list(vec![" a ".into(), "".into(), "b".into(), "a".into()]),
            ["a", "b"]
        );
    }

    #[test]
    fn urls_must_be_http() {
        assert_eq!(clean_url("vcs_url", None).unwrap(), None);
        assert_eq!(clean_url("vcs_url", Some("  ".into())).unwrap(), None);
        assert!(clean_url("vcs_url", Some("https://x/y.git".into())).is_ok());
        assert!(clean_url("vcs_url", Some("javascript:alert(1)".into())).is_err());
    }
}
