//! What the package, version and repository pages read beyond the Bintray objects
//! (`/api/ui/...`, internal, not part of the documented REST API).

use serde::{Deserialize, Serialize};

use super::File;

/// One version as the package page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRow {
    pub name: String,
    /// The release date (`released`; an imported version's GitHub release date).
    pub released: Option<String>,
    pub created: String,
    pub prerelease: bool,
    /// At least one published file: only such a version can be latest.
    pub published: bool,
}

/// `GET /api/ui/versions/:s/:r/:p`: a package's versions newest first by the latest rule
/// (`app::domain::latest`), which of them is latest, and whether the owner chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageVersions {
    pub versions: Vec<VersionRow>,
    /// Agrees with the package's `latest_version` and `_latestVersion`.
    pub latest: Option<String>,
    /// The version the owner marked as latest, when that mark is in force.
    pub pinned: Option<String>,
}

/// A file of a version with whether it is published, for the version page's actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionFile {
    #[serde(flatten)]
    pub file: File,
    pub published: bool,
}

/// `GET /api/ui/files/:s/:r/:p/:v`: a version's files (unpublished ones only for the owner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionFiles {
    pub files: Vec<VersionFile>,
}

/// One package as the repository page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageCard {
    pub name: String,
    pub desc: Option<String>,
    pub latest_version: Option<String>,
    /// `owner/name` of the GitHub repository it was imported from.
    pub github_origin: Option<String>,
    /// Its page on the GitHub host this Wharf imports from.
    pub github_url: Option<String>,
    pub updated: String,
}

/// `GET /api/ui/packages/:s/:r?start_pos=&start_name=`: a page (50) of a repository's
/// packages by name, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageCards {
    pub packages: Vec<PackageCard>,
    pub total: u64,
    /// How many one page holds.
    pub page_size: u64,
}
