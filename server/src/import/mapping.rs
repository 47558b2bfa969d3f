//! How GitHub's things become Wharf's: repository → package, release (or tag) → version,
//! release asset → file. Plain functions over the facts the importer read from GitHub.

use app::api_types::PackageChanges;
use app::domain::file_path::FilePath;
use app::domain::names::{PackageName, VersionName};

use crate::db::VersionFields;

/// What the importer knows of a GitHub repository.
#[derive(Debug, Clone, Default)]
pub struct RepoFacts {
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
    pub topics: Vec<String>,
    pub spdx_id: Option<String>,
    pub html_url: String,
    pub homepage: Option<String>,
}

/// What the importer knows of a release (a tag without a release has only its name).
#[derive(Debug, Clone, Default)]
pub struct ReleaseFacts {
    pub tag: String,
    pub title: Option<String>,
    pub body: Option<String>,
    pub prerelease: bool,
    /// ISO 8601.
    pub published_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("the repository name {0:?} cannot be a package name: {1}")]
    PackageName(String, String),
    #[error("the tag {0:?} cannot be a version name: {1}")]
    VersionName(String, String),
    #[error("the asset name {0:?} cannot be a file path: {1}")]
    AssetPath(String, String),
}

/// The package a repository becomes: its name, and the fields an import sets (or
/// refreshes, on a re-import).
pub fn package(repo: &RepoFacts) -> Result<(PackageName, PackageChanges), MappingError> {
    let name = PackageName::parse(&repo.name)
        .map_err(|e| MappingError::PackageName(repo.name.clone(), e.to_string()))?;
    // GitHub's "NOASSERTION" means it found a licence file it could not identify.
    let licenses = repo
        .spdx_id
        .clone()
        .filter(|s| !s.is_empty() && s != "NOASSERTION")
        .into_iter()
        .collect();
    let changes = PackageChanges {
        name: Some(name.to_string()),
        desc: Some(repo.description.clone().unwrap_or_default()),
        labels: Some(repo.topics.clone()),
        licenses: Some(licenses),
        vcs_url: Some(format!("{}.git", repo.html_url)),
        website_url: Some(
            repo.homepage
                .clone()
                .filter(|h| h.starts_with("http://") || h.starts_with("https://"))
                .unwrap_or_else(|| repo.html_url.clone()),
        ),
        issue_tracker_url: Some(format!("{}/issues", repo.html_url)),
        github_repo: Some(repo.full_name.clone()),
        latest_version: None,
    };
    Ok((name, changes))
}

/// The version a release (or tag) becomes.
pub fn version(
    release: &ReleaseFacts,
    released_at: Option<i64>,
) -> Result<(VersionName, VersionFields), MappingError> {
    let name = VersionName::parse(&release.tag)
        .map_err(|e| MappingError::VersionName(release.tag.clone(), e.to_string()))?;
    let fields = VersionFields {
        description: release
            .title
            .clone()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty()),
        vcs_tag: Some(release.tag.clone()),
        release_notes: release.body.clone().filter(|b| !b.trim().is_empty()),
        is_prerelease: release.prerelease,
        released_at,
    };
    Ok((name, fields))
}

/// Where an asset is stored in the Wharf repository: `package/tag/asset name`, so that
/// the same asset name in two releases never collides.
pub fn asset_path(package: &str, tag: &str, asset: &str) -> Result<FilePath, MappingError> {
    FilePath::from_segments(&[package.to_owned(), tag.to_owned(), asset.to_owned()])
        .map_err(|e| MappingError::AssetPath(asset.to_owned(), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> RepoFacts {
        RepoFacts {
            name: "tool".into(),
            full_name: "octo/tool".into(),
            description: Some("A tool".into()),
            topics: vec!["cli".into(), "rust".into()],
            spdx_id: Some("MIT".into()),
            html_url: "https://github.com/octo/tool".into(),
            homepage: None,
        }
    }

    #[test]
    fn a_repository_becomes_a_package_with_its_links() {
        let (name, p) = package(&repo()).unwrap();
        assert_eq!(name.as_str(), "tool");
        assert_eq!(p.desc.as_deref(), Some("A tool"));
        assert_eq!(p.labels, Some(vec!["cli".into(), "rust".into()]));
        assert_eq!(p.licenses, Some(vec!["MIT".into()]));
        assert_eq!(
            p.vcs_url.as_deref(),
            Some("https://github.com/octo/tool.git")
        );
        assert_eq!(
            p.website_url.as_deref(),
            Some("https://github.com/octo/tool")
        );
        assert_eq!(
            p.issue_tracker_url.as_deref(),
            Some("https://github.com/octo/tool/issues")
        );
        assert_eq!(p.github_repo.as_deref(), Some("octo/tool"));
    }

    #[test]
    fn homepage_and_unknown_licences() {
        let mut r = repo();
        r.homepage = Some("https://tool.dev".into());
        r.spdx_id = Some("NOASSERTION".into());
        let (_, p) = package(&r).unwrap();
        assert_eq!(p.website_url.as_deref(), Some("https://tool.dev"));
        assert_eq!(p.licenses, Some(vec![]));
        r.homepage = Some("tool.dev".into());
        assert_eq!(
            package(&r).unwrap().1.website_url.as_deref(),
            Some("https://github.com/octo/tool")
        );
    }

    #[test]
    fn a_release_becomes_a_version() {
        let rel = ReleaseFacts {
            tag: "v1.2.0".into(),
            title: Some(" Big release ".into()),
            body: Some("## Notes\n- fixed".into()),
            prerelease: true,
            published_at: Some("2024-05-01T10:00:00Z".into()),
        };
        let (name, v) = version(&rel, Some(1)).unwrap();
        assert_eq!(name.as_str(), "v1.2.0");
        assert_eq!(v.description.as_deref(), Some("Big release"));
        assert_eq!(v.vcs_tag.as_deref(), Some("v1.2.0"));
        assert_eq!(v.release_notes.as_deref(), Some("## Notes\n- fixed"));
        assert!(v.is_prerelease);
        assert_eq!(v.released_at, Some(1));
        let bad = ReleaseFacts {
            tag: "a/b".into(),
            ..Default::default()
        };
        assert!(matches!(
            version(&bad, None),
            Err(MappingError::VersionName(..))
        ));
    }

    #[test]
    fn assets_live_under_package_and_tag() {
        assert_eq!(
            asset_path("tool", "v1", "tool.tar.gz").unwrap().as_str(),
            "tool/v1/tool.tar.gz"
        );
        assert!(asset_path("tool", "v1", "..").is_err());
    }
}
