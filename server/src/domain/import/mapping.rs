//! How GitHub's things become Wharf's: repository → package, release (or tag) → version,
//! release asset → file. Plain functions over the facts the importer read from GitHub.
//!
//! A tag becomes a version name through [`VersionName::from_git_tag`] (`cli/v1.9.4` →
//! `cli~v1.9.4`, one-to-one, the exact tag kept in `vcs_tag`). When several GitHub objects
//! land on one version (GitHub lets two published releases share a tag), [`merge_same_tag`]
//! makes one of them, the same whatever order GitHub listed them in.

use app::api_types::PackageChanges;
use app::domain::file_path::FilePath;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use app::domain::names::{PackageName, VersionName};

use crate::infra::db::VersionFields;
use crate::infra::github::{Release, ReleaseAsset};

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
    let name = VersionName::from_git_tag(&release.tag)
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

/// One GitHub object that can become a version: a published release, or a bare tag
/// (`release_id` `None`, no assets).
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub facts: ReleaseFacts,
    /// GitHub's id of the release; unique, so it settles ties between two releases.
    pub release_id: Option<u64>,
    pub assets: Vec<ReleaseAsset>,
}

impl From<Release> for Candidate {
    fn from(r: Release) -> Candidate {
        Candidate {
            facts: ReleaseFacts {
                tag: r.tag_name,
                title: r.name,
                body: r.body,
                prerelease: r.prerelease,
                published_at: r.published_at,
            },
            release_id: Some(r.id),
            assets: r.assets,
        }
    }
}

impl Candidate {
    /// How much a candidate holds, best first when compared in reverse: a release before a
    /// bare tag, then release notes, a title, more assets, longer notes, and last the
    /// newer release (the higher id), so no two candidates ever tie.
    fn richness(&self) -> impl Ord + '_ {
        let notes = non_blank(&self.facts.body);
        let title = non_blank(&self.facts.title);
        (
            self.release_id.is_some(),
            notes.is_some(),
            title.is_some(),
            self.assets.len(),
            notes.map_or(0, str::len),
            self.release_id,
            // Only a malformed listing gets here (two objects, same id): settle by content.
            (notes, title, self.facts.prerelease),
        )
    }
}

fn non_blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|t| !t.trim().is_empty())
}

/// Merges the candidates for one tag into the one that becomes its version. The rule,
/// independent of the order of `group`:
/// - The richest candidate (see [`Candidate::richness`]: a release with notes, title and
///   the most assets) gives the prerelease flag and the publication date.
/// - The title and the notes are each the richest candidate's that has one, so an empty
///   release re-created on the same tag never blanks what the full one said.
/// - The assets are the union by name; for one name, an asset GitHub has finished
///   uploading (state `uploaded`) wins over one that is not, then the one from the richer
///   candidate. Sorted by name.
///
/// `None` for an empty group.
pub fn merge_same_tag(mut group: Vec<Candidate>) -> Option<Candidate> {
    group.sort_by(|a, b| b.richness().cmp(&a.richness()));
    let mut ranked = group.into_iter();
    let mut merged = ranked.next()?;
    let rest: Vec<Candidate> = ranked.collect();
    for other in &rest {
        if non_blank(&merged.facts.title).is_none() && non_blank(&other.facts.title).is_some() {
            merged.facts.title = other.facts.title.clone();
        }
        if non_blank(&merged.facts.body).is_none() && non_blank(&other.facts.body).is_some() {
            merged.facts.body = other.facts.body.clone();
        }
    }
    // Candidates are ranked, so the first of a name to arrive is the richer release's.
    let mut by_name: BTreeMap<String, ReleaseAsset> = BTreeMap::new();
    let all = std::mem::take(&mut merged.assets)
        .into_iter()
        .chain(rest.into_iter().flat_map(|c| c.assets));
    for asset in all {
        match by_name.get(&asset.name) {
            Some(kept) if asset_preference(kept, &asset) != Ordering::Less => {}
            _ => {
                by_name.insert(asset.name.clone(), asset);
            }
        }
    }
    merged.assets = by_name.into_values().collect();
    Some(merged)
}

/// `Greater` when `kept` (from a richer or equal release) stays over `new`.
fn asset_preference(kept: &ReleaseAsset, new: &ReleaseAsset) -> Ordering {
    let uploaded = |a: &ReleaseAsset| a.state.as_deref().is_none_or(|s| s == "uploaded");
    uploaded(kept).cmp(&uploaded(new)).then(Ordering::Greater)
}

/// The candidates GitHub listed (newest first, as it lists them), one per tag: twins on
/// one tag merged by [`merge_same_tag`], each at the place its tag first appeared.
pub fn one_per_tag(listed: Vec<Candidate>) -> Vec<Candidate> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<Candidate>> = BTreeMap::new();
    for c in listed {
        let tag = c.facts.tag.clone();
        if !groups.contains_key(&tag) {
            order.push(tag.clone());
        }
        groups.entry(tag).or_default().push(c);
    }
    order
        .into_iter()
        .filter_map(|tag| merge_same_tag(groups.remove(&tag).unwrap_or_default()))
        .collect()
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
            tag: "1..2".into(),
            ..Default::default()
        };
        assert!(matches!(
            version(&bad, None),
            Err(MappingError::VersionName(..))
        ));
    }

    #[test]
    fn monorepo_tags_become_versions_that_keep_the_exact_tag() {
        for (tag, name) in [
            ("@biomejs/biome@2.4.16", "@biomejs~biome@2.4.16"),
            ("cli/v1.9.4", "cli~v1.9.4"),
            ("sdk/v1.2.3", "sdk~v1.2.3"),
        ] {
            let rel = ReleaseFacts {
                tag: tag.into(),
                ..Default::default()
            };
            let (v, fields) = version(&rel, None).unwrap();
            assert_eq!(v.as_str(), name);
            assert_eq!(fields.vcs_tag.as_deref(), Some(tag));
            assert_eq!(
                asset_path("biome", v.as_str(), "biome-linux-x64")
                    .unwrap()
                    .as_str(),
                format!("biome/{name}/biome-linux-x64")
            );
        }
        let long = ReleaseFacts {
            tag: format!("v{}", "1".repeat(300)),
            ..Default::default()
        };
        let err = version(&long, None).unwrap_err().to_string();
        assert!(err.contains("at most 255 characters"), "{err}");
    }

    fn asset(id: u64, name: &str) -> ReleaseAsset {
        ReleaseAsset {
            id,
            name: name.into(),
            state: Some("uploaded".into()),
            ..Default::default()
        }
    }

    fn release(
        id: u64,
        title: Option<&str>,
        body: Option<&str>,
        assets: Vec<ReleaseAsset>,
    ) -> Candidate {
        Candidate {
            facts: ReleaseFacts {
                tag: "v0.4.1".into(),
                title: title.map(Into::into),
                body: body.map(Into::into),
                prerelease: false,
                published_at: Some(format!("2025-01-0{}T00:00:00Z", id % 9 + 1)),
            },
            release_id: Some(id),
            assets,
        }
    }

    fn permutations(items: Vec<Candidate>) -> Vec<Vec<Candidate>> {
        if items.len() <= 1 {
            return vec![items];
        }
        let mut out = Vec::new();
        for i in 0..items.len() {
            let mut rest = items.clone();
            let first = rest.remove(i);
            for mut p in permutations(rest) {
                p.insert(0, first.clone());
                out.push(p);
            }
        }
        out
    }

    /// Title, notes, base release, and assets as (name, id).
    type Summary = (
        Option<String>,
        Option<String>,
        Option<u64>,
        Vec<(String, u64)>,
    );

    fn summary(c: &Candidate) -> Summary {
        (
            c.facts.title.clone(),
            c.facts.body.clone(),
            c.release_id,
            c.assets.iter().map(|a| (a.name.clone(), a.id)).collect(),
        )
    }

    #[test]
    fn an_empty_twin_release_never_wins_whatever_the_order() {
        let full = release(
            10,
            Some("winpodx 0.4.1"),
            Some("## Changes\n- fixed"),
            vec![asset(11, "winpodx.tar.gz"), asset(12, "winpodx.zip")],
        );
        // Re-created after a failed upload: newer, empty.
        let empty = release(20, None, Some("  "), vec![]);
        let tag = Candidate {
            facts: ReleaseFacts {
                tag: "v0.4.1".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        for group in permutations(vec![full.clone(), empty, tag]) {
            let m = merge_same_tag(group).unwrap();
            assert_eq!(m.facts.title.as_deref(), Some("winpodx 0.4.1"));
            assert_eq!(m.facts.body.as_deref(), Some("## Changes\n- fixed"));
            assert_eq!(m.release_id, Some(10));
            assert_eq!(
                summary(&m).3,
                vec![("winpodx.tar.gz".into(), 11), ("winpodx.zip".into(), 12)]
            );
        }
    }

    #[test]
    fn twins_share_their_fields_and_assets_deterministically() {
        // One has the notes, the other the title and more assets; both have `a.zip`.
        let notes = release(1, None, Some("notes"), vec![asset(2, "a.zip")]);
        let titled = release(
            3,
            Some("Title"),
            None,
            vec![asset(4, "a.zip"), asset(5, "b.zip")],
        );
        let mut half = asset(7, "c.zip");
        half.state = Some("starter".into());
        let third = release(6, None, None, vec![half, asset(8, "b.zip")]);
        let mut done = asset(9, "c.zip");
        done.state = Some("uploaded".into());
        let fourth = release(10, None, None, vec![]);
        let mut fifth = release(11, None, None, vec![done]);
        fifth.facts.tag = "v0.4.1".into();
        let results: Vec<_> = permutations(vec![notes, titled, third, fourth, fifth])
            .into_iter()
            .map(|g| summary(&merge_same_tag(g).unwrap()))
            .collect();
        assert!(
            results.windows(2).all(|w| w[0] == w[1]),
            "order changed the result"
        );
        let (title, body, id, assets) = &results[0];
        // Notes rank first, so release 1 is the base; the title comes from release 3.
        assert_eq!(id, &Some(1));
        assert_eq!(title.as_deref(), Some("Title"));
        assert_eq!(body.as_deref(), Some("notes"));
        assert_eq!(
            assets,
            &vec![
                ("a.zip".to_owned(), 2),
                ("b.zip".to_owned(), 5),
                ("c.zip".to_owned(), 9)
            ]
        );
        assert!(merge_same_tag(vec![]).is_none());
    }

    #[test]
    fn one_candidate_per_tag_in_listing_order() {
        let mut a = release(1, Some("A"), None, vec![]);
        a.facts.tag = "v2".into();
        let b = release(2, None, None, vec![]);
        let c = release(3, Some("C"), None, vec![]);
        let tags: Vec<_> = one_per_tag(vec![a, b, c])
            .into_iter()
            .map(|c| (c.facts.tag, c.release_id))
            .collect();
        assert_eq!(
            tags,
            vec![("v2".to_owned(), Some(1)), ("v0.4.1".to_owned(), Some(3))]
        );
    }

    #[test]
    fn assets_live_under_package_and_tag() {
        assert_eq!(
            asset_path("tool", "v1", "tool.tar.gz").unwrap().as_str(),
            "tool/v1/tool.tar.gz"
        );
        assert!(asset_path("tool", "v1", "..").is_err());
        // `;` starts matrix parameters in content URLs: such an asset could not be deleted.
        assert!(asset_path("tool", "v1", "a;b=c.txt").is_err());
        assert!(asset_path("tool", "v1", "evil\u{202E}txt.exe").is_err());
    }
}
