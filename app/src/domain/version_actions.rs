//! Which actions a version's page offers its owner, in plain words: "Publish 3 files"
//! and "Discard 3 unpublished files" only while something is unpublished, and always
//! "Delete version".

use super::display::count;

/// One file of the version as the actions see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState<'a> {
    pub path: &'a str,
    pub published: bool,
}

/// What the owner can do with a version, and what the page says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionActions {
    /// The primary button's label ("Publish 3 files"), when there is anything to publish.
    pub publish: Option<String>,
    /// The secondary button's label ("Discard 3 unpublished files"), with `publish`.
    pub discard: Option<String>,
    /// One sentence on the version's state ("All 2 files are published.").
    pub summary: String,
    /// The unpublished files' paths, listed under the summary.
    pub unpublished: Vec<String>,
}

/// At most this many unpublished paths are listed; the rest are counted.
pub const LISTED: usize = 5;

/// The actions for a version with these files.
pub fn version_actions(files: &[FileState]) -> VersionActions {
    let unpublished: Vec<&str> = files
        .iter()
        .filter(|f| !f.published)
        .map(|f| f.path)
        .collect();
    let published = files.len() - unpublished.len();
    let n = unpublished.len();
    if n == 0 {
        let summary = match published {
            0 => "No files yet: upload one from the package page.".to_owned(),
            1 => "Its file is published.".to_owned(),
            p => format!("All {p} files are published."),
        };
        return VersionActions {
            publish: None,
            discard: None,
            summary,
            unpublished: Vec::new(),
        };
    }
    let waiting = if n == 1 {
        "1 file is not published yet".to_owned()
    } else {
        format!("{n} files are not published yet")
    };
    let summary = if published == 0 {
        let them = if n == 1 { "it" } else { "them" };
        format!("{waiting}; only you can see and download {them} until you publish.")
    } else if published == 1 {
        format!("{waiting}; 1 file is already public.")
    } else {
        format!("{waiting}; {published} files are already public.")
    };
    let mut listed: Vec<String> = unpublished
        .iter()
        .take(LISTED)
        .map(|p| (*p).to_owned())
        .collect();
    if n > LISTED {
        listed.push(format!("and {} more", n - LISTED));
    }
    VersionActions {
        publish: Some(format!("Publish {}", count(n, "file"))),
        discard: Some(format!("Discard {}", count(n, "unpublished file"))),
        summary,
        unpublished: listed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str, published: bool) -> FileState<'_> {
        FileState { path, published }
    }

    #[test]
    fn a_published_version_offers_neither_publish_nor_discard() {
        let a = version_actions(&[f("a.tgz", true), f("b.tgz", true)]);
        assert_eq!(a.publish, None);
        assert_eq!(a.discard, None);
        assert_eq!(a.summary, "All 2 files are published.");
        assert!(a.unpublished.is_empty());
        assert_eq!(
            version_actions(&[f("a", true)]).summary,
            "Its file is published."
        );
    }

    #[test]
    fn unpublished_files_are_counted_in_the_labels_and_listed() {
        let a = version_actions(&[f("a.tgz", false), f("b.tgz", false), f("c.tgz", false)]);
        assert_eq!(a.publish.as_deref(), Some("Publish 3 files"));
        assert_eq!(a.discard.as_deref(), Some("Discard 3 unpublished files"));
        assert_eq!(
            a.summary,
            "3 files are not published yet; only you can see and download them until you publish."
        );
        assert_eq!(a.unpublished, ["a.tgz", "b.tgz", "c.tgz"]);
        let one = version_actions(&[f("x", false)]);
        assert_eq!(one.publish.as_deref(), Some("Publish 1 file"));
        assert_eq!(one.discard.as_deref(), Some("Discard 1 unpublished file"));
        assert!(
            one.summary.contains("see and download it until"),
            "{}",
            one.summary
        );
    }

    #[test]
    fn a_mixed_version_counts_only_what_is_unpublished() {
        let a = version_actions(&[f("old", true), f("new", false)]);
        assert_eq!(a.publish.as_deref(), Some("Publish 1 file"));
        assert_eq!(
            a.summary,
            "1 file is not published yet; 1 file is already public."
        );
        assert_eq!(a.unpublished, ["new"]);
    }

    #[test]
    fn an_empty_version_says_so_and_long_lists_are_cut() {
        let a = version_actions(&[]);
        assert_eq!(a.publish, None);
        assert!(a.summary.starts_with("No files yet"));
        let paths: Vec<String> = (0..8).map(|i| format!("f{i}")).collect();
        let files: Vec<FileState> = paths.iter().map(|p| f(p, false)).collect();
        let a = version_actions(&files);
        assert_eq!(a.unpublished.len(), LISTED + 1);
        assert_eq!(a.unpublished.last().unwrap(), "and 3 more");
    }
}
