//! Where a thing is in the catalogue, one type per level: a repository
//! (`subject/repo`), a package (`…/package`), a version (`…/version`), and a file of a
//! repository by its path (`subject/repo/file_path`; the path is checked by
//! `app::domain::file_path::FilePath` where it is written).
//!
//! The REST API's paths name them as `{subject}`, `{repo}`, `{package}` and `{version}`,
//! so each type is the axum path extractor of its routes and their OpenAPI parameters.
//! The segments are kept as they were sent, already percent-decoded. The lookups decide
//! what a name matches: subjects in any case, versions by their NFC spelling. A name
//! that is not valid is "not found" there, as in Bintray.

use serde::Deserialize;
use utoipa::IntoParams;

/// `/:subject/:repo`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RepoCoord {
    /// The user that owns the repository.
    pub subject: String,
    /// The repository.
    pub repo: String,
}

/// `/:subject/:repo/:package`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PackageCoord {
    /// The user that owns the repository.
    pub subject: String,
    /// The repository.
    pub repo: String,
    /// The package.
    pub package: String,
}

/// `/:subject/:repo/:package/versions/:version`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct VersionCoord {
    /// The user that owns the repository.
    pub subject: String,
    /// The repository.
    pub repo: String,
    /// The package.
    pub package: String,
    /// The version, percent-encoded as one path segment (UTF-8): version names hold
    /// letters of any script, digits, `-_.+@~`; an imported git tag's `/` is `~`
    /// (`cli/v1.9.4` → `cli~v1.9.4`). `_latest` names the newest version with a
    /// published file.
    pub version: String,
}

/// `/:subject/:repo/:file_path`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FileCoord {
    /// The user that owns the repository.
    pub subject: String,
    /// The repository.
    pub repo: String,
    /// The file's path in the repository; it may contain `/`.
    #[serde(alias = "path", alias = "rest")]
    pub file_path: String,
}

impl FileCoord {
    /// The repository the file is in.
    pub fn repository(&self) -> RepoCoord {
        RepoCoord::new(&self.subject, &self.repo)
    }
}

impl RepoCoord {
    pub fn new(subject: impl Into<String>, repo: impl Into<String>) -> RepoCoord {
        RepoCoord {
            subject: subject.into(),
            repo: repo.into(),
        }
    }

    /// The package `package` of this repository.
    pub fn package(&self, package: impl Into<String>) -> PackageCoord {
        PackageCoord {
            subject: self.subject.clone(),
            repo: self.repo.clone(),
            package: package.into(),
        }
    }
}

impl PackageCoord {
    /// The repository the package is in.
    pub fn repository(&self) -> RepoCoord {
        RepoCoord::new(&self.subject, &self.repo)
    }

    /// The version `version` of this package.
    pub fn version(&self, version: impl Into<String>) -> VersionCoord {
        VersionCoord {
            subject: self.subject.clone(),
            repo: self.repo.clone(),
            package: self.package.clone(),
            version: version.into(),
        }
    }
}

impl VersionCoord {
    /// The repository the version's package is in.
    pub fn repository(&self) -> RepoCoord {
        RepoCoord::new(&self.subject, &self.repo)
    }

    /// The package the version is of.
    pub fn package(&self) -> PackageCoord {
        PackageCoord {
            subject: self.subject.clone(),
            repo: self.repo.clone(),
            package: self.package.clone(),
        }
    }
}

impl std::fmt::Display for RepoCoord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.subject, self.repo)
    }
}
