//! Names of subjects, repositories, packages and versions, validated once at the boundary.
//!
//! Every name ends up in URLs (`/:subject/:repo/:package/:version`, `/dl/...`), on disk
//! paths and in Docker host names, so the rules are strict and the same everywhere:
//! ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit, never `..`.
//! Subjects live at the top of the URL space that the Bintray API shares with the pages,
//! so the API's words are reserved.

use std::fmt;

use serde::{Deserialize, Serialize};
// The Unicode tables (NFC and general categories) are about 190 KiB of the browser's wasm, so
// only host builds (the server, its tests) have them; see `version_char` for the browser.
#[cfg(not(target_arch = "wasm32"))]
use unicode_normalization::UnicodeNormalization;
#[cfg(not(target_arch = "wasm32"))]
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

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

impl NameKind {
    /// The most characters a name of this kind may hold (the server refuses longer ones),
    /// for an input's `maxlength`.
    pub const fn max_len(self) -> usize {
        match self {
            NameKind::Subject => SUBJECT_MAX,
            NameKind::Repository => REPOSITORY_MAX,
            NameKind::Package => PACKAGE_MAX,
            NameKind::Version => VERSION_MAX,
        }
    }
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
const VERSION_ALLOWED: &str = "letters, digits, marks, punctuation and symbols of any script \
     (of ASCII punctuation only '-', '_', '.', '+', '@' and '~'), but no space, control, \
     invisible, private-use, unassigned or non-character code point";
const PACKAGE_ALLOWED: &str = "letters, digits, '-', '_', '.' and ':' between parts";

const SUBJECT_MAX: usize = 64;
const REPOSITORY_MAX: usize = 64;
const PACKAGE_MAX: usize = 128;
const VERSION_MAX: usize = 255;

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

/// Whether `c` may stand anywhere in a version name. ASCII: letters, digits and
/// `- _ . + @ ~`, all of which a URL path segment holds as they are (RFC 3986 `pchar`), so
/// a link that forgot to encode still names the right version. Beyond ASCII: letters, marks,
/// numbers, punctuation and symbols of any script (Unicode general categories L, M, N, P, S),
/// so never a separator (Z: spaces), control, format, surrogate, private-use or unassigned
/// code point (C; the non-characters such as U+FFFF are unassigned), and none of the
/// characters that draw as blank although their category says otherwise ([`is_invisible`]).
/// Two names that look the same must not differ.
#[cfg(not(target_arch = "wasm32"))]
fn version_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '@' | '~');
    }
    !matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Other | GeneralCategoryGroup::Separator
    ) && !is_invisible(c)
}

/// The browser's [`version_char`]: the same ASCII rule, but beyond ASCII only what needs no
/// Unicode tables (no control, no white space, nothing [`is_invisible`]). The browser checks
/// a version name only to tell a URL that can never name a version ("not found") before it
/// asks the server; the server parses every name it is sent with the full rule (NFC, general
/// categories) and answers 404 or a 400 naming the rule, so a name this lets through is still
/// refused, one request later. This keeps about 190 KiB of tables out of the wasm.
#[cfg(target_arch = "wasm32")]
fn version_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '@' | '~');
    }
    !c.is_control() && !c.is_whitespace() && !is_invisible(c)
}

/// Whether `c` is a combining mark (general category M): it would draw on top of whatever
/// stands before it, so a version name must not start with one.
#[cfg(not(target_arch = "wasm32"))]
fn is_mark(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Mark
}

/// The browser's [`is_mark`], without the tables: the combining diacritical blocks only (the
/// server refuses every other leading mark; see the browser's `version_char`).
#[cfg(target_arch = "wasm32")]
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Whether `s` is in Unicode Normalization Form C. The browser does not normalize (no tables,
/// see the browser's `version_char`): it keeps a name as the URL spells it, and the server
/// looks it up NFC ([`version_lookup_key`]), so both spellings still find the version.
#[cfg(not(target_arch = "wasm32"))]
fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc(s)
}

#[cfg(target_arch = "wasm32")]
fn is_nfc(_: &str) -> bool {
    true
}

/// `s` in Unicode Normalization Form C; only called when [`is_nfc`] says it is not.
#[cfg(not(target_arch = "wasm32"))]
fn to_nfc(s: &str) -> String {
    s.nfc().collect()
}

#[cfg(target_arch = "wasm32")]
fn to_nfc(s: &str) -> String {
    s.to_owned()
}

/// Characters that draw as nothing or as blank space: format characters (Cf), variation
/// selectors and fillers, some of which Unicode files as letters (U+3164 HANGUL FILLER) or
/// symbols (U+2800 BRAILLE PATTERN BLANK). Shared by every name or path a person reads
/// ([`super::file_path::FilePath`] too), so that two different names never look the same.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{1D159}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// A version name as a lookup key: NFC, as [`VersionName::parse`] stores it, so a URL
/// that spells `café` decomposed still finds the version (a name that is already NFC, all
/// ASCII ones included, is borrowed as it is).
#[cfg(not(target_arch = "wasm32"))]
pub fn version_lookup_key(s: &str) -> std::borrow::Cow<'_, str> {
    if is_nfc(s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(to_nfc(s))
    }
}

impl VersionName {
    /// The version name clients use to ask for the newest published version.
    pub const LATEST_ALIAS: &'static str = "_latest";

    /// The most characters (Unicode scalar values) a version name holds. Git itself has
    /// no limit on tag names; a longer tag is refused with this rule named.
    pub const MAX_CHARS: usize = VERSION_MAX;

    /// A version name is one URL path segment: characters as [`version_char`] says (no
    /// `/`, `%`, `?`, `#`, space…), at most [`Self::MAX_CHARS`] of them, not starting with
    /// `.`, `-` or `_` (`_` is kept for aliases such as [`Self::LATEST_ALIAS`]) and never
    /// `..`. Non-ASCII characters are percent-encoded (UTF-8) in every URL.
    ///
    /// The name is put in Unicode Normalization Form C first, so `café` written with a
    /// precomposed `é` and with `e` + U+0301 is one name (the precomposed one), whichever
    /// spelling a client sends; a name must not start with a combining mark.
    pub fn parse(s: &str) -> Result<Self, NameError> {
        let kind = NameKind::Version;
        let nfc: String;
        let s = if is_nfc(s) {
            s
        } else {
            nfc = to_nfc(s);
            &nfc
        };
        let first = s.chars().next().ok_or(NameError::Empty { kind })?;
        if s.chars().count() > VERSION_MAX {
            return Err(NameError::TooLong {
                kind,
                max: VERSION_MAX,
            });
        }
        if let Some(found) = s.chars().find(|c| !version_char(*c)) {
            return Err(NameError::BadChar {
                kind,
                allowed: VERSION_ALLOWED,
                found,
            });
        }
        if matches!(first, '.' | '-' | '_') || is_mark(first) {
            return Err(NameError::BadStart { kind });
        }
        if s.contains("..") {
            return Err(NameError::DotDot { kind });
        }
        Ok(Self(s.to_owned()))
    }

    /// The version a git tag becomes when imported (GitHub releases and tags): a
    /// deterministic, injective mapping, so two different tags never land on one version
    /// and [`Self::git_tag`] gives the exact tag back.
    ///
    /// - Every character a version name may hold at that place stays as it is, so
    ///   `v1.2.3`, `1.0.0+build.5`, `@scope/pkg@1.2.3`'s `@` and non-ASCII letters read the
    ///   same as on GitHub.
    /// - `/` becomes `~`: `cli/v1.9.4` → `cli~v1.9.4`, `@biomejs/biome@2.4.16` →
    ///   `@biomejs~biome@2.4.16`. Git never allows `~` in a ref name (`git
    ///   check-ref-format`), so no tag already holds one.
    /// - Any other character (`%`, `#`, `"`, `<`, `{`, non-ASCII spaces, a leading `_` or
    ///   `-`…) becomes `~~` and two upper-case hex digits per UTF-8 byte: `v1#2` →
    ///   `v1~~232`. Git refuses `//`, a leading and a trailing `/`, so the `~`s of a slash
    ///   never run into those of an escape in a way that could be read twice: one `~`
    ///   is a slash, two start an escape, three are a slash and then an escape.
    /// - A leading combining mark is escaped; and when the name so made is not in Unicode
    ///   Normalization Form C (the tag spells `é` as `e` + U+0301), every non-ASCII
    ///   character is escaped, because [`Self::parse`] would otherwise normalize it onto the
    ///   name of another tag. Tags are not normalized: they are different tags on GitHub.
    ///
    /// Errors: a tag whose version name would break a rule of [`Self::parse`] (longer
    /// than [`Self::MAX_CHARS`] once mapped, `..`, or not a valid git tag at all, such as
    /// one with `//` or `~`).
    ///
    /// Host builds only: the mapping depends on NFC, which the browser does not have (see
    /// the browser's `version_char`), and only the server imports tags.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_git_tag(tag: &str) -> Result<Self, NameError> {
        if tag.contains('~') || tag.contains("//") || tag.starts_with('/') || tag.ends_with('/') {
            // Not a git ref name; mapping it could collide with a real tag's version.
            return Err(NameError::BadChar {
                kind: NameKind::Version,
                allowed: "what a git tag may hold",
                found: if tag.contains('~') { '~' } else { '/' },
            });
        }
        let mapped = Self::map_tag(tag, false);
        if is_nfc(&mapped) {
            Self::parse(&mapped)
        } else {
            Self::parse(&Self::map_tag(tag, true))
        }
    }

    /// [`Self::from_git_tag`]'s mapping, escaping every non-ASCII character when `ascii`.
    #[cfg(not(target_arch = "wasm32"))]
    fn map_tag(tag: &str, ascii: bool) -> String {
        let mut out = String::with_capacity(tag.len());
        for (i, c) in tag.chars().enumerate() {
            let leading = i == 0 && (matches!(c, '.' | '-' | '_') || is_mark(c));
            let keep = version_char(c) && (c.is_ascii() || !ascii) && !leading;
            if c == '/' {
                out.push('~');
            } else if keep {
                out.push(c);
            } else {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("~~{b:02X}"));
                }
            }
        }
        out
    }

    /// The git tag [`Self::from_git_tag`] made this name from: `~` back to `/`, `~~HH`
    /// escapes back to their bytes. `None` when the name is not such a mapping (a `~~`
    /// without two hex digits, or bytes that are not UTF-8).
    pub fn git_tag(&self) -> Option<String> {
        let s = self.0.as_bytes();
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            let run = s[i..].iter().take_while(|b| **b == b'~').count();
            match run {
                0 => {
                    out.push(s[i]);
                    i += 1;
                }
                1 => {
                    out.push(b'/');
                    i += 1;
                }
                2 | 3 => {
                    if run == 3 {
                        out.push(b'/');
                    }
                    let hex = std::str::from_utf8(s.get(i + run..i + run + 2)?).ok()?;
                    if !hex
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
                    {
                        return None;
                    }
                    out.push(u8::from_str_radix(hex, 16).ok()?);
                    i += run + 2;
                }
                _ => return None,
            }
        }
        String::from_utf8(out).ok()
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
        assert!(VersionName::parse(&"1".repeat(256)).is_err());
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
            if s != "é" {
                assert!(VersionName::parse(s).is_err(), "{s:?}");
            }
        }
        for s in [
            "a%2Fb",
            "a?b",
            "a#b",
            "a\u{200B}b",
            "a\u{202E}b",
            "a\u{A0}b",
            "~..~",
        ] {
            assert!(VersionName::parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn version_names_hold_what_tags_hold() {
        for s in [
            "é",
            "@scope~pkg@1.2.3",
            "1.0~rc1",
            "版本1.0",
            "v1.0+build.7",
            "Ünïcode",
        ] {
            assert_eq!(VersionName::parse(s).unwrap().as_str(), s);
        }
        assert!(VersionName::parse(&"é".repeat(255)).is_ok());
        assert!(VersionName::parse(&"é".repeat(256)).is_err());
    }

    /// Tags that are valid git ref names (`git check-ref-format "refs/tags/$t"`) and
    /// awkward in a URL, with the version each becomes.
    const TRICKY_TAGS: &[(&str, &str)] = &[
        ("v1.0", "v1.0"),
        ("V1.0", "V1.0"),
        ("1.0.0+build.5", "1.0.0+build.5"),
        ("@biomejs/biome@2.4.16", "@biomejs~biome@2.4.16"),
        ("cli/v1.9.4", "cli~v1.9.4"),
        ("sdk/v1.2.3", "sdk~v1.2.3"),
        ("a/b/c", "a~b~c"),
        ("a/-b", "a~-b"),
        ("_latest", "~~5Flatest"),
        ("-rc", "~~2Drc"),
        ("v1#2", "v1~~232"),
        ("100%", "100~~25"),
        ("a/%", "a~~~25"),
        ("%/a", "~~25~a"),
        ("%/%", "~~25~~~25"),
        ("a/b%/c", "a~b~~25~c"),
        ("x\"y'z", "x~~22y~~27z"),
        ("a<b>&c", "a~~3Cb~~3E~~26c"),
        (
            "{}|`=,;!$()",
            "~~7B~~7D~~7C~~60~~3D~~2C~~3B~~21~~24~~28~~29",
        ),
        ("nbsp\u{A0}x", "nbsp~~C2~~A0x"),
        ("café/1.0", "café~1.0"),
        ("a.lock.b", "a.lock.b"),
        ("2F", "2F"),
        ("a/2F", "a~2F"),
    ];

    #[test]
    fn git_tags_map_to_version_names_and_back() {
        for (tag, name) in TRICKY_TAGS {
            let v = VersionName::from_git_tag(tag).unwrap_or_else(|e| panic!("{tag:?}: {e}"));
            assert_eq!(v.as_str(), *name, "{tag:?}");
            assert_eq!(v.git_tag().as_deref(), Some(*tag), "{tag:?}");
        }
    }

    #[test]
    fn the_tag_mapping_is_injective() {
        // Every pair of these tags, and every tag built of up to four of these pieces,
        // maps to its own name; decoding proves it (a function with a left inverse is
        // injective), the set check shows it.
        let pieces = [
            "a", "/", "%", "_", "~~", "2F", "-", "é", "\u{A0}", "@", "+", "e", "\u{301}",
        ];
        let mut tags: Vec<String> = TRICKY_TAGS.iter().map(|(t, _)| (*t).to_owned()).collect();
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for t in &frontier {
                for p in pieces {
                    next.push(format!("{t}{p}"));
                }
            }
            tags.extend(next.iter().cloned());
            frontier = next;
        }
        let mut seen = std::collections::HashMap::new();
        for tag in &tags {
            if let Ok(v) = VersionName::from_git_tag(tag) {
                assert_eq!(v.git_tag().as_deref(), Some(tag.as_str()), "{tag:?}");
                if let Some(other) = seen.insert(v.clone(), tag.clone()) {
                    assert_eq!(&other, tag, "{other:?} and {tag:?} both became {v}");
                }
            }
        }
        assert!(seen.len() > 5_000, "{}", seen.len());
    }

    #[test]
    fn tags_git_refuses_or_too_long_are_refused_with_a_reason() {
        for tag in ["a~b", "a//b", "/a", "a/", "1..2", ""] {
            assert!(VersionName::from_git_tag(tag).is_err(), "{tag:?}");
        }
        assert!(VersionName::from_git_tag(&"v".repeat(255)).is_ok());
        let err = VersionName::from_git_tag(&"v".repeat(256)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "version name must be at most 255 characters long"
        );
        // Escapes count: 100 `%` are 400 characters once mapped.
        assert!(VersionName::from_git_tag(&"%".repeat(100)).is_err());
    }

    #[test]
    fn version_names_have_one_spelling() {
        let nfc = "caf\u{E9}";
        let nfd = "cafe\u{301}";
        assert_eq!(VersionName::parse(nfd).unwrap().as_str(), nfc);
        assert_eq!(
            VersionName::parse(nfc).unwrap(),
            VersionName::parse(nfd).unwrap()
        );
        // Hangul syllables compose from their jamo too.
        assert_eq!(
            VersionName::parse("\u{1100}\u{1161}1").unwrap().as_str(),
            "\u{AC00}1"
        );
    }

    #[test]
    fn invisible_unassigned_and_private_characters_are_refused_in_versions() {
        for s in [
            "v\u{2800}x",  // BRAILLE PATTERN BLANK (a symbol that draws as nothing)
            "v\u{3164}x",  // HANGUL FILLER (a letter that draws as nothing)
            "v\u{FFA0}x",  // HALFWIDTH HANGUL FILLER
            "v\u{115F}x",  // HANGUL CHOSEONG FILLER
            "v\u{200B}x",  // ZERO WIDTH SPACE (Cf)
            "v\u{2028}x",  // LINE SEPARATOR (Zl)
            "v\u{3000}x",  // IDEOGRAPHIC SPACE (Zs)
            "v\u{FFFF}",   // non-character
            "v\u{FDD0}",   // non-character
            "v\u{1FFFE}",  // non-character
            "v\u{10FFFF}", // non-character, last code point
            "v\u{E000}",   // private use
            "v\u{F8FF}",   // private use
            "v\u{F0000}",  // supplementary private use
            "v\u{E0041}",  // tag character (Cf)
            "v\u{0378}",   // unassigned (Greek block)
        ] {
            let err = VersionName::parse(s).unwrap_err();
            assert!(matches!(err, NameError::BadChar { .. }), "{s:?}: {err}");
            // As git tags they are escaped, never kept.
            let v = VersionName::from_git_tag(s).unwrap();
            assert!(v.as_str().is_ascii(), "{s:?} became {v}");
            assert_eq!(v.git_tag().as_deref(), Some(s));
        }
        assert_eq!(
            VersionName::parse("v\u{2800}x").unwrap_err().to_string(),
            "version name may only contain letters, digits, marks, punctuation and symbols of \
             any script (of ASCII punctuation only '-', '_', '.', '+', '@' and '~'), but no \
             space, control, invisible, private-use, unassigned or non-character code point; \
             found '\u{2800}'"
        );
        // Letters, marks, numbers, punctuation and symbols of other scripts stay welcome.
        for s in [
            "v1\u{2013}beta",
            "1.0\u{2605}",
            "\u{0661}.\u{0662}",
            "na\u{EF}ve",
            "x\u{301}",
        ] {
            assert!(VersionName::parse(s).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn a_version_name_does_not_start_with_a_combining_mark() {
        for s in ["\u{301}x", "\u{20DD}1", "\u{0903}1"] {
            assert!(
                matches!(VersionName::parse(s), Err(NameError::BadStart { .. })),
                "{s:?}"
            );
            let v = VersionName::from_git_tag(s).unwrap();
            assert!(v.as_str().starts_with("~~"), "{s:?} became {v}");
            assert_eq!(v.git_tag().as_deref(), Some(s));
        }
    }

    #[test]
    fn tags_spelled_differently_stay_different_versions() {
        // Two tags GitHub keeps apart: the NFC one reads as it is, the NFD one is escaped,
        // and both map back to their own tag.
        let nfc = VersionName::from_git_tag("caf\u{E9}").unwrap();
        let nfd = VersionName::from_git_tag("cafe\u{301}").unwrap();
        assert_eq!(nfc.as_str(), "caf\u{E9}");
        assert_eq!(nfd.as_str(), "cafe~~CC~~81");
        assert_ne!(nfc, nfd);
        assert_eq!(nfd.git_tag().as_deref(), Some("cafe\u{301}"));
        // Non-ASCII next to the decomposed part is escaped too, so parse keeps the name.
        let mixed = VersionName::from_git_tag("\u{E9}/e\u{301}").unwrap();
        assert_eq!(mixed.as_str(), "~~C3~~A9~e~~CC~~81");
        assert_eq!(VersionName::parse(mixed.as_str()).unwrap(), mixed);
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
