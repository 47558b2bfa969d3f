//! What an upload may do to a path that may already hold a file: Bintray's rules, in one
//! table ([`decide`]). Every way of writing a file (the `/content` forms, Maven deploys,
//! each entry of an exploded archive, GitHub imports) goes through it.

use std::fmt;

/// The state of the file already at the upload's path, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Existing {
    /// No file at that path in the repository.
    None,
    /// A file nobody but its owner sees yet.
    Unpublished,
    /// A published file.
    Published,
}

/// Where the file already at the path lives, seen from the version being uploaded to.
/// Paths are unique in a repository (`/dl/:subject/:repo/:path` names one file), so a
/// path can belong to another version or another package of the same repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    /// The version being uploaded to.
    SameVersion,
    /// Another version of the same package.
    OtherVersion,
    /// A version of another package of the same repository.
    OtherPackage,
}

/// Why an upload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conflict {
    /// A published file of the same version, and no `override=1`.
    Published,
    /// The path belongs to another version of the package; `override` cannot move it.
    OtherVersion,
    /// The path belongs to another package of the repository; `override` cannot move it.
    OtherPackage,
}

/// What an upload does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// A new file at a free path.
    Create,
    /// The file at the path gets the new content (and the upload's publish state).
    Replace,
    /// Refused (409); nothing is written.
    Refuse(Conflict),
}

/// Bintray's upload-conflict rules, as one table.
///
/// Source: Bintray REST API, "Content Uploading & Publishing" (`#_content_uploading_publishing`,
/// summarised in `shared/spec/bintray-api.md` §Upload): "published files overridden
/// (`override=1`)"; an existing path without override answers 409 `Unable to upload files:
/// An artifact with the path '...' already exists`. What the doc leaves out, real
/// clients and Bintray's own staff settle:
/// - an unpublished file is replaced without `override` (Homebrew's test-bot dropped
///   `?override=1` because "you can overwrite unpublished artifacts without it"; CI jobs
///   retry uploads before publishing);
/// - "each file path is associated to a single version. You can't upload and override a
///   file to a version x if the target path already exists under version y" (JFrog, in
///   vogellacompany/bintray-publish-p2-updatesite#15), so `override=1` never moves a path
///   to another version or package.
///
/// Bintray also stopped overrides 180 days after publishing; Wharf does not (self-hosters
/// own their data).
///
/// | existing     | where            | override=0              | override=1              |
/// |--------------|------------------|-------------------------|-------------------------|
/// | none         | —                | create                  | create                  |
/// | unpublished  | same version     | replace                 | replace                 |
/// | published    | same version     | refuse: `Published`     | replace                 |
/// | any          | other version    | refuse: `OtherVersion`  | refuse: `OtherVersion`  |
/// | any          | other package    | refuse: `OtherPackage`  | refuse: `OtherPackage`  |
pub fn decide(existing: Existing, owner: Owner, override_: bool) -> Decision {
    use Decision::{Create, Refuse, Replace};
    match (existing, owner, override_) {
        (Existing::None, _, _) => Create,
        (Existing::Unpublished, Owner::SameVersion, _) => Replace,
        (Existing::Published, Owner::SameVersion, false) => Refuse(Conflict::Published),
        (Existing::Published, Owner::SameVersion, true) => Replace,
        (_, Owner::OtherVersion, _) => Refuse(Conflict::OtherVersion),
        (_, Owner::OtherPackage, _) => Refuse(Conflict::OtherPackage),
    }
}

/// The file an upload found at its path, named for the refusal message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occupant<'a> {
    pub package: &'a str,
    pub version: &'a str,
}

impl Conflict {
    /// The user-facing message (Bintray's wording first: clients match on it; the cases
    /// `override=1` cannot help say where the path belongs).
    pub fn message(self, path: &str, occupant: &Occupant<'_>) -> String {
        let base =
            format!("Unable to upload files: An artifact with the path '{path}' already exists");
        match self {
            // Exactly Bintray's live text: the case clients meet most.
            Conflict::Published => base,
            Conflict::OtherVersion => format!(
                "{base} in version '{}' of this package; a path belongs to one version \
                 (override=1 does not move it): delete it there first",
                occupant.version
            ),
            Conflict::OtherPackage => format!(
                "{base} in package '{}' (version '{}'); a path belongs to one version \
                 (override=1 does not move it): delete it there first",
                occupant.package, occupant.version
            ),
        }
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Conflict::Published => "published, no override",
            Conflict::OtherVersion => "belongs to another version",
            Conflict::OtherPackage => "belongs to another package",
        })
    }
}

/// Where an existing file lives relative to the upload's package and version (by name:
/// the upload's version may not exist yet).
pub fn owner_of(
    existing_package: &str,
    existing_version: &str,
    package: &str,
    version: &str,
) -> Owner {
    if existing_package != package {
        Owner::OtherPackage
    } else if existing_version != version {
        Owner::OtherVersion
    } else {
        Owner::SameVersion
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Conflict as C;
    use Decision::{Create, Refuse, Replace};
    use Existing::{None as Free, Published, Unpublished};
    use Owner::{OtherPackage, OtherVersion, SameVersion};

    /// Every cell of the table, spelled out: 3 states × 3 owners × 2 override flags.
    #[test]
    fn every_cell_of_the_table() {
        let cells = [
            (Free, SameVersion, false, Create),
            (Free, SameVersion, true, Create),
            (Free, OtherVersion, false, Create),
            (Free, OtherVersion, true, Create),
            (Free, OtherPackage, false, Create),
            (Free, OtherPackage, true, Create),
            (Unpublished, SameVersion, false, Replace),
            (Unpublished, SameVersion, true, Replace),
            (Unpublished, OtherVersion, false, Refuse(C::OtherVersion)),
            (Unpublished, OtherVersion, true, Refuse(C::OtherVersion)),
            (Unpublished, OtherPackage, false, Refuse(C::OtherPackage)),
            (Unpublished, OtherPackage, true, Refuse(C::OtherPackage)),
            (Published, SameVersion, false, Refuse(C::Published)),
            (Published, SameVersion, true, Replace),
            (Published, OtherVersion, false, Refuse(C::OtherVersion)),
            (Published, OtherVersion, true, Refuse(C::OtherVersion)),
            (Published, OtherPackage, false, Refuse(C::OtherPackage)),
            (Published, OtherPackage, true, Refuse(C::OtherPackage)),
        ];
        assert_eq!(cells.len(), 18);
        for (existing, owner, override_, expected) in cells {
            assert_eq!(
                decide(existing, owner, override_),
                expected,
                "{existing:?} {owner:?} override={override_}"
            );
        }
    }

    #[test]
    fn owners_are_told_apart_by_name() {
        assert_eq!(owner_of("p", "1.0", "p", "1.0"), SameVersion);
        assert_eq!(owner_of("p", "1.0", "p", "2.0"), OtherVersion);
        assert_eq!(owner_of("q", "1.0", "p", "1.0"), OtherPackage);
    }

    #[test]
    fn messages_start_with_bintrays_wording() {
        let occupant = Occupant {
            package: "other",
            version: "0.9",
        };
        for c in [C::Published, C::OtherVersion, C::OtherPackage] {
            let m = c.message("a/b.jar", &occupant);
            assert!(
                m.starts_with(
                    "Unable to upload files: An artifact with the path 'a/b.jar' already exists"
                ),
                "{m}"
            );
        }
        assert_eq!(
            C::Published.message("x", &occupant),
            "Unable to upload files: An artifact with the path 'x' already exists"
        );
        assert!(C::OtherVersion.message("x", &occupant).contains("'0.9'"));
        assert!(C::OtherPackage.message("x", &occupant).contains("'other'"));
    }
}
