//! How the Import-from-GitHub tree lays itself out: when it opens every repository by
//! default, when it lays rows out in the page's flow instead of virtualising them, and how
//! it says what is already imported into the target repository.

use crate::domain::display::count;

/// Releases are shown open by default when the whole tree, every repository open, is at
/// most this many rows (repositories plus releases): it then fits a laptop screen
/// (40 rows of 34 px ≈ 1,360 px is the most a tall window shows without scrolling far), and
/// showing everything saves a click per repository. Larger trees start closed, so the
/// repositories themselves stay in view.
pub const EXPAND_BY_DEFAULT_ROWS: usize = 40;

/// Up to this many rows the tree is laid out in the page's flow, each row as tall as its
/// content (a phone wraps long names and descriptions instead of cutting them); beyond it
/// rows are fixed-height and only those in view are in the DOM, so thousands of
/// repositories stay fast.
pub const FLOW_ROWS: usize = 200;

/// Whether to open every repository once all their releases are known.
pub fn expand_by_default(repositories: usize, releases: usize) -> bool {
    repositories + releases <= EXPAND_BY_DEFAULT_ROWS
}

/// Whether `rows` rows are laid out in flow (see [`FLOW_ROWS`]).
pub fn in_flow(rows: usize) -> bool {
    rows <= FLOW_ROWS
}

/// A repository's "already imported" mark: `imported` of its releases (or tags) are
/// versions of its package in the target repository, of `total` it has on GitHub (`None`
/// while they load). `None` when nothing of it was imported.
pub fn imported_note(imported: usize, total: Option<usize>, tags_only: bool) -> Option<String> {
    if imported == 0 {
        return None;
    }
    let noun = if tags_only { "tag" } else { "release" };
    Some(match total {
        Some(total) => format!(
            "imported · {imported} of {}",
            count(total.max(imported), noun)
        ),
        None => "imported".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_trees_open_by_default_and_large_ones_do_not() {
        assert!(expand_by_default(5, 12));
        assert!(expand_by_default(10, 30));
        assert!(!expand_by_default(10, 31));
        assert!(!expand_by_default(300, 0));
    }

    #[test]
    fn flow_up_to_the_limit() {
        assert!(in_flow(0));
        assert!(in_flow(FLOW_ROWS));
        assert!(!in_flow(FLOW_ROWS + 1));
    }

    #[test]
    fn imported_notes_count_releases() {
        assert_eq!(imported_note(0, Some(4), false), None);
        assert_eq!(
            imported_note(3, Some(4), false).as_deref(),
            Some("imported · 3 of 4 releases")
        );
        assert_eq!(
            imported_note(1, Some(1), true).as_deref(),
            Some("imported · 1 of 1 tag")
        );
        assert_eq!(imported_note(2, None, false).as_deref(), Some("imported"));
        // Versions of releases since deleted on GitHub: never "3 of 2".
        assert_eq!(
            imported_note(3, Some(2), false).as_deref(),
            Some("imported · 3 of 3 releases")
        );
    }
}
