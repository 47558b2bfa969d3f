//! What an import did to each version, and how the progress page says it.
//!
//! A re-import (the same GitHub repository into the same Wharf repository again) creates
//! the releases that are new, rewrites the ones GitHub changed and leaves the rest; the
//! job records which is which per repository, so the page can say "2 new, 1 updated,
//! 3 unchanged".

use serde::{Deserialize, Serialize};

use crate::domain::display::count;

/// What importing one release did to its version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionOutcome {
    /// The version did not exist before.
    New,
    /// It existed and the import changed it: its fields (title, notes, tag, date,
    /// pre-release), its files' bytes, or it became published.
    Updated,
    /// It existed and nothing about it changed.
    Unchanged,
    /// One or more of its files could not be stored (a download failed, or the bytes did
    /// not match GitHub's digest): the version is there but incomplete, whatever else
    /// happened to it. It does not count as imported (nor as unchanged).
    Failed,
}

impl VersionOutcome {
    /// The outcome from the facts: whether the version `existed`, whether its fields or
    /// publication `changed`, how many files got new bytes and how many `files_failed`.
    pub fn of(
        existed: bool,
        changed: bool,
        files_written: usize,
        files_failed: usize,
    ) -> VersionOutcome {
        if files_failed > 0 {
            return VersionOutcome::Failed;
        }
        match (existed, changed || files_written > 0) {
            (false, _) => VersionOutcome::New,
            (true, true) => VersionOutcome::Updated,
            (true, false) => VersionOutcome::Unchanged,
        }
    }
}

/// The versions of one repository's import, by outcome, in the order they were imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionOutcomes {
    #[serde(default)]
    pub new: Vec<String>,
    #[serde(default)]
    pub updated: Vec<String>,
    #[serde(default)]
    pub unchanged: Vec<String>,
    /// Versions with files that could not be stored.
    #[serde(default)]
    pub failed: Vec<String>,
}

impl VersionOutcomes {
    pub fn record(&mut self, version: &str, outcome: VersionOutcome) {
        let list = match outcome {
            VersionOutcome::New => &mut self.new,
            VersionOutcome::Updated => &mut self.updated,
            VersionOutcome::Unchanged => &mut self.unchanged,
            VersionOutcome::Failed => &mut self.failed,
        };
        list.push(version.to_owned());
    }

    pub fn is_empty(&self) -> bool {
        self.new.is_empty()
            && self.updated.is_empty()
            && self.unchanged.is_empty()
            && self.failed.is_empty()
    }

    /// Whether any version existed before: the import was a re-import.
    pub fn is_reimport(&self) -> bool {
        !self.updated.is_empty() || !self.unchanged.is_empty()
    }

    /// `"2 new versions"` on a first import, `"6 versions: 2 new, 1 updated, 3 unchanged"`
    /// on a re-import (the empty parts left out); `None` when nothing was imported.
    pub fn summary(&self) -> Option<String> {
        let total = self.new.len() + self.updated.len() + self.unchanged.len() + self.failed.len();
        if total == 0 {
            return None;
        }
        if !self.is_reimport() && self.failed.is_empty() {
            return Some(count(total, "new version"));
        }
        let mut parts = Vec::new();
        if !self.new.is_empty() {
            parts.push(format!("{} new", self.new.len()));
        }
        if !self.updated.is_empty() {
            parts.push(format!("{} updated", self.updated.len()));
        }
        if !self.unchanged.is_empty() {
            parts.push(format!("{} unchanged", self.unchanged.len()));
        }
        if !self.failed.is_empty() {
            parts.push(format!("{} failed", self.failed.len()));
        }
        Some(format!("{}: {}", count(total, "version"), parts.join(", ")))
    }
}

/// What the progress page says of a repository imported without a release or a tag: it
/// became a package with no versions (as Bintray did), which is not "0 versions imported".
pub const EMPTY_PACKAGE: &str = "no releases or tags: an empty package was created";

/// How a finished job reads: its title and its one-line summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub title: &'static str,
    pub summary: String,
    pub success: bool,
}

/// The progress page's heading and summary: while running "Importing from GitHub"; once
/// finished, success or failure in words (`repositories` items of which `failed` failed,
/// `files` files stored, into `place`).
pub fn finished(repositories: usize, failed: usize, files: usize, place: &str) -> Finished {
    if failed == 0 {
        let files = if files > 0 {
            format!(", with {}", count(files, "file"))
        } else {
            String::new()
        };
        Finished {
            title: "Imported from GitHub",
            summary: format!(
                "{} imported into {place}{files}.",
                count(repositories, "repository")
            ),
            success: true,
        }
    } else {
        let ok = repositories.saturating_sub(failed);
        let summary = match (ok, repositories) {
            (0, 1) => "The repository could not be imported completely. Retry it, or see why below.".to_owned(),
            (0, n) => format!("None of the {n} repositories could be imported completely. Retry them, or see why below."),
            (ok, _) => format!(
                "{failed} of {} could not be imported completely; {} imported. Retry the failed ones, or see why below.",
                count(repositories, "repository"),
                if ok == 1 { "the other one was".to_owned() } else { format!("the other {ok} were") }
            ),
        };
        Finished {
            title: if ok == 0 {
                "Import from GitHub failed"
            } else {
                "Import from GitHub finished with problems"
            },
            summary,
            success: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_from_the_facts() {
        assert_eq!(VersionOutcome::of(false, true, 3, 0), VersionOutcome::New);
        assert_eq!(
            VersionOutcome::of(true, true, 0, 0),
            VersionOutcome::Updated
        );
        assert_eq!(
            VersionOutcome::of(true, false, 1, 0),
            VersionOutcome::Updated
        );
        assert_eq!(
            VersionOutcome::of(true, false, 0, 0),
            VersionOutcome::Unchanged
        );
        // A file that could not be stored: failed, never unchanged (QA F5).
        assert_eq!(
            VersionOutcome::of(true, false, 0, 1),
            VersionOutcome::Failed
        );
        assert_eq!(
            VersionOutcome::of(false, true, 2, 1),
            VersionOutcome::Failed
        );
    }

    #[test]
    fn summaries_name_new_updated_and_unchanged() {
        let mut o = VersionOutcomes::default();
        assert_eq!(o.summary(), None);
        o.record("v1", VersionOutcome::New);
        assert_eq!(o.summary().as_deref(), Some("1 new version"));
        o.record("v2", VersionOutcome::New);
        assert_eq!(o.summary().as_deref(), Some("2 new versions"));
        o.record("v0", VersionOutcome::Unchanged);
        o.record("v3", VersionOutcome::Updated);
        assert_eq!(
            o.summary().as_deref(),
            Some("4 versions: 2 new, 1 updated, 1 unchanged")
        );
        assert!(o.is_reimport());
        assert_eq!(o.new, ["v1", "v2"]);
    }

    #[test]
    fn failed_versions_are_counted_apart() {
        let mut o = VersionOutcomes::default();
        o.record("v1", VersionOutcome::New);
        o.record("v2", VersionOutcome::Failed);
        assert!(!o.is_reimport());
        assert_eq!(o.summary().as_deref(), Some("2 versions: 1 new, 1 failed"));
        o.record("v0", VersionOutcome::Unchanged);
        assert_eq!(
            o.summary().as_deref(),
            Some("3 versions: 1 new, 1 unchanged, 1 failed")
        );
        // Jobs recorded before `failed` existed still read.
        let old: VersionOutcomes = serde_json::from_str(r#"{"new":["a"]}"#).unwrap();
        assert!(old.failed.is_empty());
    }

    #[test]
    fn a_finished_job_says_success_or_failure_in_words() {
        let ok = finished(1, 0, 1, "a/b");
        assert_eq!(ok.title, "Imported from GitHub");
        assert_eq!(ok.summary, "1 repository imported into a/b, with 1 file.");
        assert!(ok.success);
        assert_eq!(
            finished(2, 0, 0, "a/b").summary,
            "2 repositories imported into a/b."
        );
        let bad = finished(2, 1, 0, "a/b");
        assert_eq!(bad.title, "Import from GitHub finished with problems");
        assert_eq!(
            bad.summary,
            "1 of 2 repositories could not be imported completely; the other one was imported. Retry the failed ones, or see why below."
        );
        assert!(finished(5, 2, 0, "a/b")
            .summary
            .contains("the other 3 were imported"));
        assert!(finished(1, 1, 0, "a/b")
            .summary
            .starts_with("The repository could not"));
        assert!(finished(3, 3, 0, "a/b")
            .summary
            .starts_with("None of the 3 repositories"));
        assert!(!bad.success);
        assert_eq!(finished(1, 1, 0, "a/b").title, "Import from GitHub failed");
    }
}
