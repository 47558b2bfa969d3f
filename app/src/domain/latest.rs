//! Which version of a package is "latest", and the order versions are listed in.
//!
//! The rule (what the badge, `_latestVersion`, `versions/_latest` and a package's
//! `latest_version` all follow):
//! 1. Only versions with at least one published file can be latest (Bintray's rule).
//! 2. A version the owner marked as latest wins, while it is published.
//! 3. Otherwise the newest version that is not a pre-release; only when every published
//!    version is a pre-release, the newest pre-release. This is GitHub's notion of a
//!    repository's latest release for imported packages (the newest published release that
//!    is not a pre-release or draft), kept useful for packages that only have pre-releases.
//! 4. "Newest" is the release date (`released`; imported versions carry GitHub's
//!    `published_at`); a version without one counts from when it was created, as Bintray
//!    showed it. Ties go by version order (`1.10.0` after `1.9.0`, `2.0.0-rc.1` before
//!    `2.0.0`, as the `versions` crate compares SemVer and looser schemes), then by
//!    creation. The order is total, so sorting by it is stable and never panics.
//!
//! The version list uses the same "newest" order, newest first.

use std::cmp::Ordering;

use versions::Versioning;

/// What the rule needs to know of one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionFacts<'a> {
    pub name: &'a str,
    /// Milliseconds since the epoch.
    pub released_at: Option<i64>,
    /// Milliseconds since the epoch: the date of a version without `released_at`.
    pub created_at: i64,
    /// Unique and increasing within a package (the database id): the last tie-breaker.
    pub created_seq: i64,
    pub prerelease: bool,
    /// At least one published file.
    pub published: bool,
}

/// A version name in version order: parsed by [`Versioning`] (a leading `v` ignored, as in
/// tags like `v1.2.0`); names it cannot read sort before those it can, by text.
fn version_order(a: &str, b: &str) -> Ordering {
    let parse = |s: &str| Versioning::new(s.strip_prefix(['v', 'V']).unwrap_or(s));
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.cmp(b),
    }
}

/// Older → `Less`, newer → `Greater` (rule 4).
pub fn newness(a: &VersionFacts, b: &VersionFacts) -> Ordering {
    let date = |v: &VersionFacts| v.released_at.unwrap_or(v.created_at);
    date(a)
        .cmp(&date(b))
        .then_with(|| version_order(a.name, b.name))
        .then_with(|| a.created_seq.cmp(&b.created_seq))
}

/// The index of the latest version in `versions`, by the module's rule; `pinned` is the
/// name the owner marked as latest, if any.
pub fn latest(versions: &[VersionFacts], pinned: Option<&str>) -> Option<usize> {
    let published = || versions.iter().enumerate().filter(|(_, v)| v.published);
    if let Some(name) = pinned {
        if let Some((i, _)) = published().find(|(_, v)| v.name == name) {
            return Some(i);
        }
    }
    let newest = |stable: bool| {
        published()
            .filter(|(_, v)| !stable || !v.prerelease)
            .max_by(|(_, a), (_, b)| newness(a, b))
            .map(|(i, _)| i)
    };
    newest(true).or_else(|| newest(false))
}

/// Sorts `versions` newest first (rule 4).
pub fn sort_newest_first<T>(versions: &mut [T], facts: impl Fn(&T) -> VersionFacts<'_>) {
    versions.sort_by(|a, b| newness(&facts(b), &facts(a)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version created at `seq` (ms), released at `released_at`.
    fn v(name: &str, released_at: Option<i64>, seq: i64, prerelease: bool) -> VersionFacts<'_> {
        VersionFacts {
            name,
            released_at,
            created_at: seq,
            created_seq: seq,
            prerelease,
            published: true,
        }
    }

    fn latest_name<'a>(vs: &'a [VersionFacts<'a>], pinned: Option<&str>) -> Option<&'a str> {
        latest(vs, pinned).map(|i| vs[i].name)
    }

    #[test]
    fn a_pre_release_is_not_latest_while_a_release_exists() {
        // hello-tool: v1.2.0-rc.1 is the newest, but a pre-release.
        let vs = [
            v("v1.0.0", Some(100), 1, false),
            v("v1.1.0", Some(200), 2, false),
            v("v1.2.0-rc.1", Some(300), 3, true),
        ];
        assert_eq!(latest_name(&vs, None), Some("v1.1.0"));
        // Only pre-releases: the newest of them.
        let only = [
            v("2.0-beta1", Some(1), 1, true),
            v("2.0-beta2", Some(2), 2, true),
        ];
        assert_eq!(latest_name(&only, None), Some("2.0-beta2"));
    }

    #[test]
    fn importing_an_older_release_later_does_not_make_it_latest() {
        let vs = [
            v("v1.1.0", Some(200), 1, false),
            v("v0.9.0", Some(90), 2, false),
        ];
        assert_eq!(latest_name(&vs, None), Some("v1.1.0"));
    }

    #[test]
    fn undated_versions_count_from_their_creation_and_ties_go_by_version_order() {
        // 2.0 made later without a date is newer than 1.0 released long ago.
        let vs = [v("1.0", Some(5), 100, false), v("2.0", None, 200, false)];
        assert_eq!(latest_name(&vs, None), Some("2.0"));
        // Released on the same day: version order decides, not creation.
        let same = [
            v("1.10.0", Some(5), 1, false),
            v("1.9.0", Some(5), 2, false),
            v("1.2", Some(5), 3, false),
        ];
        assert_eq!(latest_name(&same, None), Some("1.10.0"));
        let tie = [
            v("2.0.0", Some(5), 1, false),
            v("2.0.0-rc.1", Some(5), 2, false),
        ];
        assert_eq!(latest_name(&tie, None), Some("2.0.0"));
        // Same date and name order: creation.
        let odd = [
            v("@scope/x@1", Some(1), 1, false),
            v("@scope/x@1", Some(1), 2, false),
        ];
        assert_eq!(latest(&odd, None), Some(1));
    }

    #[test]
    fn unpublished_versions_are_never_latest_and_the_pin_wins_while_published() {
        let mut vs = vec![
            v("1.0", Some(1), 1, false),
            v("2.0", Some(2), 2, false),
            v("3.0", Some(3), 3, false),
        ];
        vs[2].published = false;
        assert_eq!(latest_name(&vs, None), Some("2.0"));
        assert_eq!(latest_name(&vs, Some("1.0")), Some("1.0"));
        // A pinned version that is unpublished (or gone) is ignored.
        assert_eq!(latest_name(&vs, Some("3.0")), Some("2.0"));
        assert_eq!(latest_name(&vs, Some("nope")), Some("2.0"));
        vs.iter_mut().for_each(|v| v.published = false);
        assert_eq!(latest_name(&vs, None), None);
    }

    #[test]
    fn the_list_is_newest_first_and_the_order_is_total() {
        let mut vs = vec![
            v("v0.9.0", Some(90), 4, false),
            v("v1.2.0-rc.1", Some(300), 3, true),
            v("zzz", None, 50, false),
            v("1.0", None, 50, false),
            v("v1.1.0", Some(200), 2, false),
        ];
        sort_newest_first(&mut vs, |x| x.clone());
        let names: Vec<_> = vs.iter().map(|x| x.name).collect();
        assert_eq!(names, ["v1.2.0-rc.1", "v1.1.0", "v0.9.0", "1.0", "zzz"]);
    }
}
