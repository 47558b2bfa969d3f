//! When two GitHub repositories would become the same Wharf package.
//!
//! An import turns GitHub repository `owner/name` into package `name` of the target Wharf
//! repository. Two repositories with the same name (`octocat/dotfiles` and an
//! organisation's fork `acme/dotfiles`) would therefore write into one package, the second
//! one's assets replacing the first's. The rule: a name collision never merges or
//! overwrites. A repository may only write into a package that does not exist yet or that
//! was created by an import of that same repository (its provenance, which only the
//! importer records — never the package's `github_repo`, an ordinary Bintray field that any
//! client may set, so setting it grants nothing); anything else is refused, naming both
//! sides, before anything is written:
//! - two repositories of one import that would become the same package;
//! - a package imported earlier from another GitHub repository (a re-import never takes
//!   it over);
//! - a package made by hand (through REST, an upload or a push, whatever its `github_repo`
//!   says): Wharf cannot tell whether it is the same project, so it is left alone too — the user renames or deletes it, or imports into
//!   another repository.
//!
//! The browser uses this to mark colliding repositories in the tree; the server checks it
//! when a job starts and again for each repository as it runs (packages may appear in
//! between).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A package of the target Wharf repository, as far as imports care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistingPackage {
    pub name: String,
    /// The GitHub repository (`owner/name`) an import created it from (the server's
    /// `packages.imported_from_github`); `None` when made by hand, even when the package's
    /// client-settable `github_repo` field names a repository.
    pub github_repo: Option<String>,
}

/// Why a GitHub repository cannot be imported into its package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Collision {
    /// Several repositories of one import would become `package` (all of them, sorted).
    InImport { package: String, repos: Vec<String> },
    /// `package` exists and was imported from another GitHub repository, `from`.
    OtherRepository {
        repo: String,
        package: String,
        from: String,
    },
    /// `package` exists and was not imported from GitHub.
    HandMade { repo: String, package: String },
}

impl std::fmt::Display for Collision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Collision::InImport { package, repos } => {
                let (last, first) = repos.split_last().expect("two or more");
                write!(
                    f,
                    "{} and {last} would both become the package “{package}”: import only one of them into this repository",
                    first.join(", ")
                )
            }
            Collision::OtherRepository {
                repo,
                package,
                from,
            } => write!(
                f,
                "{repo} would become the package “{package}”, which was imported from {from}: it is left as it is (import {repo} into another repository)"
            ),
            Collision::HandMade { repo, package } => write!(
                f,
                "{repo} would become the package “{package}”, which already exists and was not imported from GitHub: it is left as it is (rename or delete that package, or import {repo} into another repository)"
            ),
        }
    }
}

/// The package a GitHub repository becomes: its name without the owner.
pub fn package_of(full_name: &str) -> &str {
    full_name
        .rsplit_once('/')
        .map_or(full_name, |(_, name)| name)
}

/// Whether two GitHub `owner/name`s are the same repository (GitHub ignores case).
pub fn same_repository(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether `repo` may write into `package`, which is `existing` (or does not exist yet).
pub fn check_existing(
    repo: &str,
    package: &str,
    existing: Option<&ExistingPackage>,
) -> Result<(), Collision> {
    match existing.map(|e| e.github_repo.as_deref()) {
        None => Ok(()),
        Some(Some(from)) if same_repository(from, repo) => Ok(()),
        Some(Some(from)) => Err(Collision::OtherRepository {
            repo: repo.to_owned(),
            package: package.to_owned(),
            from: from.to_owned(),
        }),
        Some(None) => Err(Collision::HandMade {
            repo: repo.to_owned(),
            package: package.to_owned(),
        }),
    }
}

/// Whether `repo` may write into the package it becomes among the `existing` ones, found
/// ignoring ASCII case as in [`collisions`].
pub fn check_against(repo: &str, existing: &[ExistingPackage]) -> Result<(), Collision> {
    let package = package_of(repo);
    let found = existing
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(package));
    check_existing(repo, found.map_or(package, |p| p.name.as_str()), found)
}

/// Every collision of the `selected` repositories (`owner/name`) with each other and with
/// the `existing` packages, by repository. A repository named twice (in any case) counts
/// once. Package names are compared ignoring ASCII case: GitHub ignores case in repository
/// names, so a request may spell `acme/dotfiles` as `acme/DOTFILES` while the import writes
/// the package GitHub's own spelling gives; and two packages whose names differ only in case
/// would look the same anyway.
pub fn collisions<'a>(
    selected: impl IntoIterator<Item = &'a str>,
    existing: &[ExistingPackage],
) -> BTreeMap<String, Collision> {
    let mut by_package: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for repo in selected {
        let group = by_package
            .entry(package_of(repo).to_ascii_lowercase())
            .or_default();
        if !group.iter().any(|r| same_repository(r, repo)) {
            group.push(repo);
        }
    }
    let existing: BTreeMap<String, &ExistingPackage> = existing
        .iter()
        .map(|p| (p.name.to_ascii_lowercase(), p))
        .collect();
    let mut found = BTreeMap::new();
    for (key, mut repos) in by_package {
        if repos.len() > 1 {
            repos.sort_unstable();
            let collision = Collision::InImport {
                package: package_of(repos[0]).to_owned(),
                repos: repos.iter().map(|r| (*r).to_owned()).collect(),
            };
            for repo in repos {
                found.insert(repo.to_owned(), collision.clone());
            }
        } else {
            let existing = existing.get(&key).copied();
            let package = existing.map_or(package_of(repos[0]), |e| e.name.as_str());
            if let Err(c) = check_existing(repos[0], package, existing) {
                found.insert(repos[0].to_owned(), c);
            }
        }
    }
    found
}

/// One sentence per distinct collision, for a refusal.
pub fn describe(collisions: &BTreeMap<String, Collision>) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in collisions.values().map(ToString::to_string) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(name: &str, from: Option<&str>) -> ExistingPackage {
        ExistingPackage {
            name: name.into(),
            github_repo: from.map(str::to_owned),
        }
    }

    #[test]
    fn two_repositories_with_one_name_collide_and_both_are_named() {
        let found = collisions(["octocat-demo/dotfiles", "acme/dotfiles", "o/tool"], &[]);
        assert_eq!(found.len(), 2);
        let c = &found["octocat-demo/dotfiles"];
        assert_eq!(c, &found["acme/dotfiles"]);
        let text = c.to_string();
        assert!(
            text.contains("acme/dotfiles and octocat-demo/dotfiles") && text.contains("“dotfiles”"),
            "{text}"
        );
        // Named once in the refusal.
        assert_eq!(describe(&found), text);
        // Each collision once, even when other repositories sort in between.
        let mixed = collisions(["a/x", "a/y", "b/x"], &[pkg("y", None)]);
        assert_eq!(describe(&mixed).matches("a/x and b/x").count(), 1);
        assert_eq!(describe(&mixed).matches("; ").count(), 1);
        let three = collisions(["a/x", "c/x", "b/x"], &[]);
        assert!(three["a/x"].to_string().starts_with("a/x, b/x and c/x "));
    }

    #[test]
    fn the_same_repository_in_another_case_is_no_collision() {
        assert!(collisions(["Octo/Tool", "octo/tool"], &[]).is_empty());
        assert!(collisions(["octo/tool"], &[pkg("tool", Some("OCTO/tool"))]).is_empty());
        // Package names that differ only in case collide: GitHub may spell the repository
        // otherwise than the request did, and the two would look the same.
        assert!(matches!(
            collisions(["a/Tool", "b/tool"], &[])["a/Tool"],
            Collision::InImport { .. }
        ));
        let from_octocat = [pkg("dotfiles", Some("octocat/dotfiles"))];
        let found = collisions(["acme/DOTFILES"], &from_octocat);
        assert_eq!(
            found["acme/DOTFILES"],
            Collision::OtherRepository {
                repo: "acme/DOTFILES".into(),
                package: "dotfiles".into(),
                from: "octocat/dotfiles".into(),
            }
        );
        assert!(collisions(["OCTOCAT/DotFiles"], &from_octocat).is_empty());
        assert!(check_against("acme/DOTFILES", &from_octocat).is_err());
        assert!(check_against("OCTOCAT/DotFiles", &from_octocat).is_ok());
        let hand_made = [pkg("Tool", None)];
        assert!(matches!(
            collisions(["o/tool"], &hand_made)["o/tool"],
            Collision::HandMade { .. }
        ));
    }

    #[test]
    fn a_package_from_another_repository_is_never_taken_over() {
        let existing = [pkg("dotfiles", Some("octocat-demo/dotfiles"))];
        let found = collisions(["acme/dotfiles"], &existing);
        let text = found["acme/dotfiles"].to_string();
        assert!(
            text.contains("acme/dotfiles") && text.contains("octocat-demo/dotfiles"),
            "{text}"
        );
        // Its own repository updates it.
        assert!(collisions(["octocat-demo/dotfiles"], &existing).is_empty());
        assert!(check_existing("octocat-demo/dotfiles", "dotfiles", Some(&existing[0])).is_ok());
        assert!(check_existing("acme/dotfiles", "dotfiles", None).is_ok());
    }

    #[test]
    fn a_hand_made_package_is_left_alone() {
        let existing = [pkg("tool", None)];
        let found = collisions(["octo/tool", "octo/other"], &existing);
        assert_eq!(found.len(), 1);
        assert!(matches!(found["octo/tool"], Collision::HandMade { .. }));
        assert!(found["octo/tool"]
            .to_string()
            .contains("was not imported from GitHub"));
    }

    #[test]
    fn a_collision_inside_the_import_wins_over_one_with_an_existing_package() {
        let existing = [pkg("dotfiles", Some("octocat-demo/dotfiles"))];
        let found = collisions(["octocat-demo/dotfiles", "acme/dotfiles"], &existing);
        assert!(matches!(found["acme/dotfiles"], Collision::InImport { .. }));
        assert_eq!(package_of("acme/dotfiles"), "dotfiles");
        assert_eq!(package_of("bare"), "bare");
    }
}
