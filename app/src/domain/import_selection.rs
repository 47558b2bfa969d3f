//! What the user ticked in the Import-from-GitHub tree: repositories, and releases (or
//! tags) under them. The cascade is the one Bintray had:
//! - ticking a repository ticks all its releases, including ones not loaded yet;
//! - ticking a release ticks its repository;
//! - single releases can still be unticked, and the repository then shows as partly
//!   selected; unticking its last selected release unticks the repository.
//!
//! Only the user's intent is stored — per repository "all releases" or "these releases" —
//! so a repository whose releases have not been fetched can still be selected whole, and
//! the selection survives filtering and lazy loading. Every display state is derived.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// A checkbox's display state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    Unchecked,
    Checked,
    /// Some but not all: the checkbox's `indeterminate` look.
    Mixed,
}

impl Tri {
    pub fn is_checked(self) -> bool {
        self == Tri::Checked
    }
    pub fn is_mixed(self) -> bool {
        self == Tri::Mixed
    }
}

/// The releases chosen under one selected repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseChoice {
    /// Every release, whenever it is loaded (and on the server, whatever it finds).
    All,
    /// These tags only; never empty.
    Only(BTreeSet<String>),
}

/// The selection, keyed by repository (GitHub's `full_name`) and release tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    repos: BTreeMap<String, ReleaseChoice>,
}

impl Selection {
    pub fn new() -> Selection {
        Selection::default()
    }

    /// The repository's checkbox. `loaded` is its releases' tags once fetched.
    pub fn repo_state(&self, repo: &str, loaded: Option<&[String]>) -> Tri {
        match self.repos.get(repo) {
            None => Tri::Unchecked,
            Some(ReleaseChoice::All) => Tri::Checked,
            Some(ReleaseChoice::Only(tags)) => match loaded {
                Some(all) if all.iter().all(|t| tags.contains(t)) => Tri::Checked,
                _ => Tri::Mixed,
            },
        }
    }

    pub fn release_checked(&self, repo: &str, tag: &str) -> bool {
        match self.repos.get(repo) {
            None => false,
            Some(ReleaseChoice::All) => true,
            Some(ReleaseChoice::Only(tags)) => tags.contains(tag),
        }
    }

    /// A click on a repository's checkbox: a fully ticked one is unticked with all its
    /// releases; an unticked or partly ticked one becomes fully ticked (what the browser
    /// does to an indeterminate checkbox, too).
    pub fn toggle_repo(&mut self, repo: &str, loaded: Option<&[String]>) {
        if self.repo_state(repo, loaded).is_checked() {
            self.repos.remove(repo);
        } else {
            self.repos.insert(repo.to_owned(), ReleaseChoice::All);
        }
    }

    /// A click on a release's checkbox. `loaded` is every tag of its repository (a release
    /// can only be clicked once they are loaded).
    pub fn toggle_release(&mut self, repo: &str, tag: &str, loaded: &[String]) {
        if self.release_checked(repo, tag) {
            let mut tags: BTreeSet<String> = match self.repos.get(repo) {
                Some(ReleaseChoice::All) => loaded.iter().cloned().collect(),
                Some(ReleaseChoice::Only(tags)) => tags.clone(),
                None => BTreeSet::new(),
            };
            tags.remove(tag);
            if tags.is_empty() {
                self.repos.remove(repo);
            } else {
                self.repos
                    .insert(repo.to_owned(), ReleaseChoice::Only(tags));
            }
        } else {
            let mut tags = match self.repos.remove(repo) {
                Some(ReleaseChoice::Only(tags)) => tags,
                _ => BTreeSet::new(),
            };
            tags.insert(tag.to_owned());
            let whole = !loaded.is_empty() && loaded.iter().all(|t| tags.contains(t));
            let choice = if whole {
                ReleaseChoice::All
            } else {
                ReleaseChoice::Only(tags)
            };
            self.repos.insert(repo.to_owned(), choice);
        }
    }

    /// Selects these repositories whole (e.g. every one the filter shows).
    pub fn select_all<'a>(&mut self, repos: impl IntoIterator<Item = &'a str>) {
        for repo in repos {
            self.repos.insert(repo.to_owned(), ReleaseChoice::All);
        }
    }

    /// Unselects these repositories and their releases.
    pub fn select_none<'a>(&mut self, repos: impl IntoIterator<Item = &'a str>) {
        for repo in repos {
            self.repos.remove(repo);
        }
    }

    /// The state of a "select all" box over these repositories.
    pub fn overall<'a>(&self, repos: impl IntoIterator<Item = &'a str>) -> Tri {
        let (mut any, mut all, mut seen) = (false, true, false);
        for repo in repos {
            seen = true;
            match self.repos.get(repo) {
                Some(ReleaseChoice::All) => any = true,
                Some(ReleaseChoice::Only(_)) => {
                    any = true;
                    all = false;
                }
                None => all = false,
            }
        }
        match (seen && all, any) {
            (true, _) => Tri::Checked,
            (false, true) => Tri::Mixed,
            (false, false) => Tri::Unchecked,
        }
    }

    /// How many repositories are selected.
    pub fn repo_count(&self) -> usize {
        self.repos.len()
    }

    /// How many releases are selected, counting "all" as the loaded count when known.
    /// `None` when some selected repository's releases are not loaded yet.
    pub fn release_count(&self, loaded: impl Fn(&str) -> Option<usize>) -> Option<usize> {
        self.repos
            .iter()
            .map(|(repo, choice)| match choice {
                ReleaseChoice::All => loaded(repo),
                ReleaseChoice::Only(tags) => Some(tags.len()),
            })
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.repos.is_empty()
    }

    /// What to send to the server.
    pub fn to_request(&self) -> Vec<ImportRepo> {
        self.repos
            .iter()
            .map(|(repo, choice)| ImportRepo {
                full_name: repo.clone(),
                releases: choice.clone(),
            })
            .collect()
    }
}

/// One repository of an import request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRepo {
    pub full_name: String,
    pub releases: ReleaseChoice,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ticking_a_repository_ticks_all_its_releases() {
        let loaded = tags(&["v1", "v2", "v3"]);
        let mut s = Selection::new();
        s.toggle_repo("o/a", Some(&loaded));
        assert_eq!(s.repo_state("o/a", Some(&loaded)), Tri::Checked);
        assert!(loaded.iter().all(|t| s.release_checked("o/a", t)));
        assert!(!s.release_checked("o/b", "v1"));
        s.toggle_repo("o/a", Some(&loaded));
        assert_eq!(s.repo_state("o/a", Some(&loaded)), Tri::Unchecked);
        assert!(s.is_empty());
    }

    #[test]
    fn ticking_a_release_ticks_its_repository_partly() {
        let loaded = tags(&["v1", "v2"]);
        let mut s = Selection::new();
        s.toggle_release("o/a", "v1", &loaded);
        assert_eq!(s.repo_state("o/a", Some(&loaded)), Tri::Mixed);
        assert!(s.release_checked("o/a", "v1"));
        assert!(!s.release_checked("o/a", "v2"));
        // Ticking the last one makes it whole again.
        s.toggle_release("o/a", "v2", &loaded);
        assert_eq!(s.repo_state("o/a", Some(&loaded)), Tri::Checked);
        assert_eq!(
            s.to_request(),
            vec![ImportRepo {
                full_name: "o/a".into(),
                releases: ReleaseChoice::All
            }]
        );
    }

    #[test]
    fn single_releases_can_be_unticked_and_the_last_one_unticks_the_repository() {
        let loaded = tags(&["v1", "v2", "v3"]);
        let mut s = Selection::new();
        s.toggle_repo("o/a", Some(&loaded));
        s.toggle_release("o/a", "v2", &loaded);
        assert_eq!(s.repo_state("o/a", Some(&loaded)), Tri::Mixed);
        assert!(!s.release_checked("o/a", "v2"));
        assert!(s.release_checked("o/a", "v3"));
        s.toggle_release("o/a", "v1", &loaded);
        s.toggle_release("o/a", "v3", &loaded);
        assert_eq!(s.repo_state("o/a", Some(&loaded)), Tri::Unchecked);
        assert!(s.is_empty());
    }

    #[test]
    fn clicking_a_partly_ticked_repository_ticks_it_whole() {
        let loaded = tags(&["v1", "v2"]);
        let mut s = Selection::new();
        s.toggle_release("o/a", "v1", &loaded);
        s.toggle_repo("o/a", Some(&loaded));
        assert_eq!(s.repo_state("o/a", Some(&loaded)), Tri::Checked);
        assert!(s.release_checked("o/a", "v2"));
    }

    #[test]
    fn a_whole_repository_stays_whole_when_its_releases_load_later() {
        let mut s = Selection::new();
        s.toggle_repo("o/lazy", None);
        assert_eq!(s.repo_state("o/lazy", None), Tri::Checked);
        assert_eq!(s.release_count(|_| None), None);
        // The releases arrive: every one of them is ticked, and counted.
        let loaded = tags(&["v1", "v2", "v3"]);
        assert_eq!(s.repo_state("o/lazy", Some(&loaded)), Tri::Checked);
        assert!(s.release_checked("o/lazy", "v3"));
        assert_eq!(s.release_count(|_| Some(3)), Some(3));
        // Unticking one after loading keeps the others.
        s.toggle_release("o/lazy", "v1", &loaded);
        assert_eq!(s.release_count(|_| Some(3)), Some(2));
        assert_eq!(
            s.to_request()[0].releases,
            ReleaseChoice::Only(["v2".to_owned(), "v3".to_owned()].into())
        );
    }

    #[test]
    fn a_repository_without_releases_is_a_plain_checkbox() {
        let mut s = Selection::new();
        s.toggle_repo("o/empty", Some(&[]));
        assert_eq!(s.repo_state("o/empty", Some(&[])), Tri::Checked);
        s.toggle_repo("o/empty", Some(&[]));
        assert_eq!(s.repo_state("o/empty", Some(&[])), Tri::Unchecked);
    }

    #[test]
    fn a_release_that_appears_later_makes_a_partial_choice_partial() {
        let mut s = Selection::new();
        let before = tags(&["v1"]);
        s.toggle_release("o/a", "v1", &tags(&["v1", "v0"]));
        assert_eq!(s.repo_state("o/a", Some(&before)), Tri::Checked);
        let after = tags(&["v1", "v2"]);
        assert_eq!(s.repo_state("o/a", Some(&after)), Tri::Mixed);
    }

    #[test]
    fn select_all_and_none_apply_to_the_given_repositories_only() {
        let mut s = Selection::new();
        s.select_all(["o/a", "o/b"]);
        assert_eq!(s.overall(["o/a", "o/b"]), Tri::Checked);
        assert_eq!(s.overall(["o/a", "o/b", "o/c"]), Tri::Mixed);
        s.toggle_release("o/a", "v1", &tags(&["v1", "v2"]));
        assert_eq!(s.overall(["o/a", "o/b"]), Tri::Mixed);
        s.select_none(["o/a"]);
        assert_eq!(s.overall(["o/a"]), Tri::Unchecked);
        assert_eq!(s.repo_count(), 1);
        assert_eq!(s.overall(std::iter::empty()), Tri::Unchecked);
        // Filtering never loses what is hidden: o/b is still selected.
        assert_eq!(s.repo_state("o/b", None), Tri::Checked);
    }

    #[test]
    fn the_request_names_each_repository_once_in_a_stable_order() {
        let mut s = Selection::new();
        s.toggle_repo("z/last", None);
        s.toggle_release("a/first", "v2", &tags(&["v1", "v2"]));
        let json = serde_json::to_string(&s.to_request()).unwrap();
        assert_eq!(
            json,
            r#"[{"full_name":"a/first","releases":{"only":["v2"]}},{"full_name":"z/last","releases":"all"}]"#
        );
    }
}
