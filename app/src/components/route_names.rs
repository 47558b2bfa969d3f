//! The names in a page's URL, validated with the same rules the server uses.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::domain::names::{PackageName, RepositoryName, SubjectName, VersionName};
use crate::domain::url::path_segment;

/// The `/:subject/:repo/:package/:version` path of a page, as far as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteNames {
    pub subject: SubjectName,
    pub repo: Option<RepositoryName>,
    pub package: Option<PackageName>,
    pub version: Option<VersionName>,
}

impl RouteNames {
    /// `None` when any segment present is not a valid name: such a URL can never name
    /// anything, so the page shows "not found".
    pub fn from_segments(
        subject: Option<&str>,
        repo: Option<&str>,
        package: Option<&str>,
        version: Option<&str>,
    ) -> Option<Self> {
        fn opt<T, E>(s: Option<&str>, parse: impl Fn(&str) -> Result<T, E>) -> Option<Option<T>> {
            match s {
                None => Some(None),
                Some(s) => parse(s).ok().map(Some),
            }
        }
        Some(Self {
            subject: SubjectName::parse(subject?).ok()?,
            repo: opt(repo, RepositoryName::parse)?,
            package: opt(package, PackageName::parse)?,
            version: opt(version, VersionName::parse)?,
        })
    }

    /// The four names as plain strings, "" for a level the URL does not have.
    pub fn strings(&self) -> (String, String, String, String) {
        fn text<T: ToString>(n: &Option<T>) -> String {
            n.as_ref().map(ToString::to_string).unwrap_or_default()
        }
        (
            self.subject.to_string(),
            text(&self.repo),
            text(&self.package),
            text(&self.version),
        )
    }

    /// The page links below: each name percent-encoded as one path segment, so a
    /// version such as `@biomejs~biome@2.4.16` or `café-1.0` links to itself.
    pub fn subject_href(&self) -> String {
        format!("/{}", path_segment(self.subject.as_str()))
    }

    pub fn repo_href(&self) -> Option<String> {
        Some(format!(
            "{}/{}",
            self.subject_href(),
            path_segment(self.repo.as_ref()?.as_str())
        ))
    }

    pub fn package_href(&self) -> Option<String> {
        Some(format!(
            "{}/{}",
            self.repo_href()?,
            path_segment(self.package.as_ref()?.as_str())
        ))
    }

    pub fn version_href(&self) -> Option<String> {
        Some(format!(
            "{}/{}",
            self.package_href()?,
            path_segment(self.version.as_ref()?.as_str())
        ))
    }
}

/// The current route's names, re-validated whenever the URL changes.
pub fn use_route_names() -> Memo<Option<RouteNames>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|p| {
            RouteNames::from_segments(
                p.get_str("subject"),
                p.get_str("repo"),
                p.get_str("package"),
                p.get_str("version"),
            )
        })
    })
}
