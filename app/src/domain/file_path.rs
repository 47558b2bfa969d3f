//! Paths of files inside a repository, normalised once: what `/dl/:s/:r/<path>` serves
//! and what uniquely names a file in its repository.

use std::fmt;

use serde::Serialize;

use super::names::is_invisible;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilePathError {
    #[error("the file path is empty")]
    Empty,
    #[error("the file path must not be absolute")]
    Absolute,
    #[error("the file path must not contain \"..\" or \".\" segments")]
    DotSegment,
    #[error("the file path must not contain empty segments (\"//\")")]
    EmptySegment,
    #[error("the file path must not contain backslashes")]
    Backslash,
    #[error("the file path must not contain control characters")]
    Control,
    /// Zero-width, bidi-override and other invisible formatting characters, and spaces
    /// other than U+0020: they make one path look like another.
    #[error("the file path must not contain the invisible or look-alike character U+{0:04X}")]
    Invisible(u32),
    #[error("a file path segment must not start or end with whitespace")]
    EdgeWhitespace,
    /// `;` starts Bintray matrix parameters in content URLs (`file.jar;publish=1`), so a
    /// path holding it could not be addressed by every endpoint.
    #[error("the file path must not contain ';' (it starts matrix parameters in Bintray URLs)")]
    Semicolon,
    #[error("the file path is longer than {0} characters")]
    TooLong(usize),
}

const MAX_LEN: usize = 1024;

/// A relative, `/`-separated path with no way out of its repository, that every
/// endpoint can address and that reads as what it is: no `;` (matrix parameters), no
/// control, invisible or bidi-override characters, no space at either end of a segment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FilePath(String);

impl FilePath {
    pub fn parse(s: &str) -> Result<FilePath, FilePathError> {
        if s.is_empty() {
            return Err(FilePathError::Empty);
        }
        if s.starts_with('/') {
            return Err(FilePathError::Absolute);
        }
        if s.len() > MAX_LEN {
            return Err(FilePathError::TooLong(MAX_LEN));
        }
        if s.contains('\\') {
            return Err(FilePathError::Backslash);
        }
        if s.chars().any(char::is_control) {
            return Err(FilePathError::Control);
        }
        if let Some(c) = s
            .chars()
            .find(|&c| is_invisible(c) || (c.is_whitespace() && c != ' '))
        {
            return Err(FilePathError::Invisible(c as u32));
        }
        if s.contains(';') {
            return Err(FilePathError::Semicolon);
        }
        for segment in s.split('/') {
            match segment {
                "" => return Err(FilePathError::EmptySegment),
                "." | ".." => return Err(FilePathError::DotSegment),
                _ if segment.trim() != segment => return Err(FilePathError::EdgeWhitespace),
                _ => {}
            }
        }
        Ok(FilePath(s.to_owned()))
    }

    /// From segments (e.g. what [`super::matrix::MatrixPath`] left).
    pub fn from_segments(segments: &[String]) -> Result<FilePath, FilePathError> {
        FilePath::parse(&segments.join("/"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last segment: the file's name.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for FilePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths_pass() {
        for p in [
            "a.txt",
            "dir/sub/file-1.0.tar.gz",
            "pool/main/m/my_1.0_amd64.deb",
            "a..b",
            "My Documents/read me.txt",
            "données/日本語.txt",
        ] {
            assert_eq!(FilePath::parse(p).unwrap().as_str(), p);
        }
        assert_eq!(FilePath::parse("x/y/z.jar").unwrap().file_name(), "z.jar");
    }

    #[test]
    fn escapes_are_refused() {
        use FilePathError::*;
        let cases = [
            ("", Empty),
            ("/etc/passwd", Absolute),
            ("../x", DotSegment),
            ("a/../../x", DotSegment),
            ("a/./b", DotSegment),
            ("a//b", EmptySegment),
            ("a/", EmptySegment),
            ("a\\..\\b", Backslash),
            ("a\0b", Control),
            ("a\nb", Control),
            ("notes;v=2.txt", Semicolon),
            ("a;b=c.txt", Semicolon),
            ("dir;publish=1/x", Semicolon),
            ("evil\u{202E}txt.exe", Invisible(0x202E)),
            ("a\u{200B}b.txt", Invisible(0x200B)),
            ("\u{FEFF}a.txt", Invisible(0xFEFF)),
            ("a\u{2066}b", Invisible(0x2066)),
            ("a\u{00A0}b", Invisible(0xA0)),
            ("a\u{2028}b", Invisible(0x2028)),
            (" a.txt", EdgeWhitespace),
            ("a.txt ", EdgeWhitespace),
            ("dir /a.txt", EdgeWhitespace),
            ("dir/ a.txt", EdgeWhitespace),
        ];
        for (p, e) in cases {
            assert_eq!(FilePath::parse(p), Err(e), "{p:?}");
        }
        assert_eq!(FilePath::parse(&"a".repeat(1025)), Err(TooLong(1024)));
    }
}
