//! Import from GitHub: what the browser sees of GitHub (never a token), and the import
//! jobs it starts and watches.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::import_collisions::ExistingPackage;
use crate::domain::import_outcome::VersionOutcomes;
use crate::domain::import_selection::ImportRepo;

/// GitHub's request budget for this user, as its last answer reported it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateBudget {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// When the budget refills (epoch seconds).
    pub reset: Option<i64>,
    /// While a rate limit pauses requests: until when (epoch seconds).
    pub waiting_until: Option<i64>,
}

/// A GitHub repository the user can import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitHubRepo {
    pub full_name: String,
    pub description: Option<String>,
    pub private: bool,
    pub fork: bool,
    pub archived: bool,
}

/// `GET /api/ui/github/repos`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitHubRepoList {
    pub repos: Vec<GitHubRepo>,
    /// Whether private repositories are included (Premium, granted `repo`).
    pub private_access: bool,
    pub rate: RateBudget,
}

/// A release (or, for a repository without releases, a tag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitHubRelease {
    pub tag: String,
    pub title: Option<String>,
    pub prerelease: bool,
    pub published_at: Option<String>,
    pub assets: u32,
}

/// The releases of one repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitHubReleases {
    /// `true` when the repository has no releases and these are its tags.
    pub tags_only: bool,
    pub releases: Vec<GitHubRelease>,
}

/// `POST /api/ui/github/releases` with [`ReleasesRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitHubReleaseList {
    /// By repository `full_name`; a repository that could not be read is in `failed`.
    pub repos: BTreeMap<String, GitHubReleases>,
    #[serde(default)]
    pub failed: BTreeMap<String, String>,
    pub rate: RateBudget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasesRequest {
    pub repos: Vec<String>,
}

/// `POST /api/ui/imports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRequest {
    /// The Wharf repository that receives the packages (it must exist).
    pub subject: String,
    pub repo: String,
    pub repos: Vec<ImportRepo>,
    /// Also copy release assets as files of their version.
    #[serde(default)]
    pub with_assets: bool,
    /// Publish the imported files.
    #[serde(default)]
    pub publish: bool,
    /// The user confirmed that private GitHub repositories may go into a public Wharf
    /// repository, where anyone can read their versions and download their assets. Without
    /// it such an import is refused (409).
    #[serde(default)]
    pub confirm_private_to_public: bool,
}

/// `GET /api/ui/imports/target/:subject/:repo`: what the tree needs to know of the Wharf
/// repository that receives an import, to warn before Import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportTarget {
    /// Whether the Wharf repository is private (a public one shows imports to anyone).
    pub private: bool,
    /// Its packages, to show name collisions (`domain::import_collisions`).
    pub packages: Vec<ExistingPackage>,
    /// What earlier imports brought here: by GitHub repository (`owner/name` in lower
    /// case), the release tags that are versions of its package.
    #[serde(default)]
    pub imported: BTreeMap<String, Vec<String>>,
}

/// An import job as the progress view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJob {
    pub id: i64,
    pub subject: String,
    pub repo: String,
    /// `"running"` or `"finished"`.
    pub status: String,
    pub with_assets: bool,
    pub publish: bool,
    /// While GitHub's rate limit pauses the job: until when (epoch seconds).
    pub waiting_until: Option<i64>,
    pub items: Vec<ImportItem>,
}

impl ImportJob {
    pub fn is_finished(&self) -> bool {
        self.status == "finished"
    }

    /// Progress in [0, 1]: finished repositories count whole, running ones by versions.
    pub fn progress(&self) -> f64 {
        if self.items.is_empty() {
            return 1.0;
        }
        let done: f64 = self
            .items
            .iter()
            .map(|i| match i.status.as_str() {
                "done" | "failed" => 1.0,
                _ => match i.versions_total {
                    Some(t) if t > 0 => (i.versions_done as f64 / t as f64).min(0.99),
                    _ => 0.0,
                },
            })
            .sum();
        done / self.items.len() as f64
    }

    pub fn failed(&self) -> usize {
        self.items.iter().filter(|i| i.status == "failed").count()
    }
}

/// One GitHub repository of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    pub repo: String,
    /// The Wharf package it became (once known).
    pub package: Option<String>,
    /// `"pending"`, `"running"`, `"done"` or `"failed"`.
    pub status: String,
    /// Why it failed, one line per release or asset.
    pub message: Option<String>,
    pub versions_done: i64,
    pub versions_total: Option<i64>,
    pub files_done: i64,
    /// Which versions were new, updated or unchanged (a re-import tells them apart).
    #[serde(default)]
    pub outcomes: VersionOutcomes,
}

/// The answer to starting a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStarted {
    pub id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(status: &str, done: i64, total: Option<i64>) -> ImportItem {
        ImportItem {
            repo: "o/r".into(),
            package: None,
            status: status.into(),
            message: None,
            versions_done: done,
            versions_total: total,
            files_done: 0,
            outcomes: Default::default(),
        }
    }

    #[test]
    fn progress_counts_finished_items_whole_and_running_ones_by_versions() {
        let mut job = ImportJob {
            id: 1,
            subject: "a".into(),
            repo: "r".into(),
            status: "running".into(),
            with_assets: false,
            publish: false,
            waiting_until: None,
            items: vec![
                item("done", 3, Some(3)),
                item("running", 1, Some(4)),
                item("pending", 0, None),
                item("failed", 0, Some(2)),
            ],
        };
        assert!((job.progress() - (1.0 + 0.25 + 0.0 + 1.0) / 4.0).abs() < 1e-9);
        assert_eq!(job.failed(), 1);
        job.items.clear();
        assert_eq!(job.progress(), 1.0);
    }
}
