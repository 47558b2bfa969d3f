//! Names of subjects, repositories, packages and versions, validated once at the boundary.
//!
//! Every name ends up in URLs (`/:subject/:repo/:package/:version`, `/dl/...`), on disk
//! paths and in Docker host names, so the rules are strict and the same everywhere:
//! ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit, never `..`.
//! Subjects live at the top of the URL space that the Bintray API shares with the pages,
//! so the API's words are reserved.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a name was refused. The text is meant for the person who typed the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("{kind} name must not be empty")]
    Empty { kind: NameKind },
    #[error("{kind} name must be at most {max} characters long")]
    TooLong { kind: NameKind, max: usize },
    #[error("{kind} name must start with a letter or a digit")]
    BadStart { kind: NameKind },
    #[error("{kind} name may only contain {allowed}; found {found:?}")]
    BadChar {
        kind: NameKind,
        allowed: &'static str,
        found: char,
    },
    #[error("{kind} name must not contain \"..\"")]
    DotDot { kind: NameKind },
    #[error("{kind} name must not contain \"-docker-\", which Docker registry host names use as a separator")]
    DockerSeparator { kind: NameKind },
    #[error("\"{name}\" is reserved and cannot be used as a {kind} name")]
    Reserved { kind: NameKind, name: String },
}

/// Which kind of name an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Subject,
    Repository,
    Package,
    Version,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Subject => "user",
            NameKind::Repository => "repository",
            NameKind::Package => "package",
            NameKind::Version => "version",
        })
    }
}

/// Top-level path words of the REST API, the downloads and the Docker registry. Unknown
/// paths under them answer JSON, never the app's HTML.
pub const API_WORDS: &[&str] = &[
    // Bintray REST API v1 families (served at `/` as well as `/api/v1/`).
    "api",
    "repos",
    "repository",
    "packages",
    "content",
    "search",
    "users",
    "orgs",
    "subjects",
    "maven",
    "maven_central_sync",
    "dl",
    "download_file",
    "files",
    "file_package",
    "file_version",
    "file_metadata",
    "calc_metadata",
    "signed_url",
    "licenses",
    "webhooks",
    "gpg",
    "stream",
    "products",
    "usage",
    "usage_threshold",
    "logs",
    "teams",
    "access_keys",
    "eulas",
    // Docker registry and tokens.
    "v1",
    "v2",
    "token",
    // Server endpoints.
    "healthz",
    "metrics",
    "auth",
    "oauth",
];

/// The app's own top-level pages and files, which no subject may shadow either.
pub const PAGE_WORDS: &[&str] = &[
    "login",
    "logout",
    "signin",
    "signup",
    "signout",
    "register",
    "profile",
    "settings",
    "admin",
    "new",
    "import",
    "explore",
    "about",
    "help",
    "docs",
    "static",
    "assets",
    "pkg",
    "favicon.ico",
    "favicon.svg",
    "robots.txt",
    "index.html",
    "wharf",
];

/// Whether `s` is one of [`API_WORDS`] or [`PAGE_WORDS`] (any case).
pub fn is_reserved_subject(s: &str) -> bool {
    API_WORDS
        .iter()
        .chain(PAGE_WORDS)
        .any(|r| r.eq_ignore_ascii_case(s))
}

const SIMPLE_ALLOWED: &str = "letters, digits, '-', '_' and '.'";
const VERSION_ALLOWED: &str = "letters, digits, '-', '_', '.' and '+'";
const PACKAGE_ALLOWED: &str = "letters, digits, '-', '_', '.' and ':' between parts";

const SUBJECT_MAX: usize = 64;
const REPOSITORY_MAX: usize = 64;
const PACKAGE_MAX: usize = 128;
const VERSION_MAX: usize = 128;

fn check_common(
    kind: NameKind,
    s: &str,
    max: usize,
    allowed: &'static str,
    extra: &[char],
) -> Result<(), NameError> {
    let first = s.chars().next().ok_or(NameError::Empty { kind })?;
    if s.len() > max {
        return Err(NameError::TooLong { kind, max });
    }
    if let Some(found) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') || extra.contains(c)))
    {
        return Err(NameError::BadChar {
            kind,
            allowed,
            found,
        });
    }
    if !first.is_ascii_alphanumeric() {
        return Err(NameError::BadStart { kind });
    }
    if s.contains("..") {
        return Err(NameError::DotDot { kind });
    }
    Ok(())
}

macro_rules! name_type {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $ty(String);

        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $ty {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, NameError> {
                Self::parse(s)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

name_type!(
    /// A user (Bintray's "subject"): the first segment of every URL that belongs to them.
    SubjectName
);
name_type!(
    /// A repository of a subject.
    RepositoryName
);
name_type!(
    /// A package in a repository. Docker images `ns/name` are stored as `ns:name`.
    PackageName
);
name_type!(
    /// A version of a package (a GitHub release tag, a Docker tag, …).
    VersionName
);

impl SubjectName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let kind = NameKind::Subject;
        check_common(kind, s, SUBJECT_MAX, SIMPLE_ALLOWED, &[])?;
        if s.contains("-docker-") {
            return Err(NameError::DockerSeparator { kind });
        }
        if is_reserved_subject(s) {
            return Err(NameError::Reserved {
                kind,
                name: s.to_owned(),
            });
        }
        Ok(Self(s.to_owned()))
    }

    /// The form two names are compared in: `Alice` and `alice` are the same subject.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl RepositoryName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let kind = NameKind::Repository;
        check_common(kind, s, REPOSITORY_MAX, SIMPLE_ALLOWED, &[])?;
        if s.contains("-docker-") {
            return Err(NameError::DockerSeparator { kind });
        }
        Ok(Self(s.to_owned()))
    }
}

impl PackageName {
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let kind = NameKind::Package;
        if s.is_empty() {
            return Err(NameError::Empty { kind });
        }
        if s.len() > PACKAGE_MAX {
            return Err(NameError::TooLong {
                kind,
                max: PACKAGE_MAX,
            });
        }
        // Each `:`-separated part (a Docker namespace or the image itself) follows the
        // simple rules on its own, so `:x`, `x:` and `a::b` are refused.
        for part in s.split(':') {
            check_common(kind, part, PACKAGE_MAX, PACKAGE_ALLOWED, &[])?;
        }
        Ok(Self(s.to_owned()))
    }
}

impl VersionName {
    /// The version name clients use to ask for the newest published version.
    pub const LATEST_ALIAS: &'static str = "_latest";

    pub fn parse(s: &str) -> Result<Self, NameError> {
        check_common(NameKind::Version, s, VERSION_MAX, VERSION_ALLOWED, &['+'])?;
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_are_accepted() {
        for s in ["alice", "Bob_2", "a", "my.org", "x-y_z.0"] {
            assert_eq!(SubjectName::parse(s).unwrap().as_str(), s);
            assert_eq!(RepositoryName::parse(s).unwrap().as_str(), s);
            assert_eq!(PackageName::parse(s).unwrap().as_str(), s);
            assert_eq!(VersionName::parse(s).unwrap().as_str(), s);
        }
        assert!(VersionName::parse("1.0.0+build.5").is_ok());
        assert!(VersionName::parse("v2.0.0-rc.1").is_ok());
        assert!(PackageName::parse("library:nginx").is_ok());
        assert!(PackageName::parse("a:b:c").is_ok());
    }

    #[test]
    fn empty_and_too_long_names_are_refused() {
        assert_eq!(
            SubjectName::parse(""),
            Err(NameError::Empty {
                kind: NameKind::Subject
            })
        );
        assert!(SubjectName::parse(&"a".repeat(64)).is_ok());
        assert_eq!(
            SubjectName::parse(&"a".repeat(65)),
            Err(NameError::TooLong {
                kind: NameKind::Subject,
                max: 64
            })
        );
        assert!(VersionName::parse(&"1".repeat(129)).is_err());
        assert!(PackageName::parse(&"p".repeat(129)).is_err());
    }

    #[test]
    fn path_tricks_are_refused() {
        for s in [
            "..", "a..b", ".hidden", "-flag", "_x", "a/b", "a\\b", "a b", "a\0b", "é",
        ] {
            assert!(SubjectName::parse(s).is_err(), "{s:?}");
            assert!(RepositoryName::parse(s).is_err(), "{s:?}");
            assert!(PackageName::parse(s).is_err(), "{s:?}");
            assert!(VersionName::parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn bad_character_error_names_the_character() {
        let err = SubjectName::parse("al/ice").unwrap_err();
        assert_eq!(
            err.to_string(),
            "user name may only contain letters, digits, '-', '_' and '.'; found '/'"
        );
    }

    #[test]
    fn reserved_subjects_are_refused_in_any_case() {
        for s in ["api", "repos", "dl", "v2", "Maven", "SIGNIN", "healthz"] {
            assert!(
                matches!(SubjectName::parse(s), Err(NameError::Reserved { .. })),
                "{s}"
            );
        }
        // Repositories and packages may use those words: they sit below a subject.
        assert!(RepositoryName::parse("maven").is_ok());
        assert!(PackageName::parse("api").is_ok());
    }

    #[test]
    fn docker_separator_is_refused_where_host_names_use_it() {
        assert!(SubjectName::parse("a-docker-b").is_err());
        assert!(RepositoryName::parse("a-docker-b").is_err());
        assert!(PackageName::parse("a-docker-b").is_ok());
        assert!(SubjectName::parse("docker").is_ok());
    }

    #[test]
    fn package_parts_must_each_be_names() {
        for s in [":x", "x:", "a::b", "a:.b"] {
            assert!(PackageName::parse(s).is_err(), "{s:?}");
        }
        assert!(RepositoryName::parse("a:b").is_err());
    }

    #[test]
    fn subject_key_folds_case() {
        assert_eq!(SubjectName::parse("Alice").unwrap().key(), "alice");
    }

    #[test]
    fn deserialising_validates() {
        let ok: SubjectName = serde_json::from_str("\"alice\"").unwrap();
        assert_eq!(ok.as_str(), "alice");
        let err = serde_json::from_str::<SubjectName>("\"../etc\"").unwrap_err();
        assert!(err.to_string().contains("user name"));
    }
}
