//! What follows `/manifests/`: a tag or a digest.

use super::digest::{DigestError, OciDigest};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Tag(String),
    Digest(OciDigest),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error(transparent)]
    Digest(#[from] DigestError),
    #[error("{0:?} is not a tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'")]
    Tag(String),
}

/// The OCI tag grammar, `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
pub fn is_tag(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

impl Reference {
    /// A digest when it has a `:` (tags cannot), else a tag.
    pub fn parse(s: &str) -> Result<Reference, ReferenceError> {
        if s.contains(':') {
            return Ok(Reference::Digest(OciDigest::parse(s)?));
        }
        if is_tag(s) {
            Ok(Reference::Tag(s.to_owned()))
        } else {
            Err(ReferenceError::Tag(s.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_digests() {
        assert_eq!(
            Reference::parse("v1.0_rc-2").unwrap(),
            Reference::Tag("v1.0_rc-2".into())
        );
        assert!(matches!(
            Reference::parse(
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            ),
            Ok(Reference::Digest(_))
        ));
        assert!(matches!(
            Reference::parse("sha256:baddigeststring"),
            Err(ReferenceError::Digest(_))
        ));
        assert!(is_tag("_x"));
        assert!(is_tag(&"a".repeat(128)));
        for bad in ["", ".x", "-x", "a/b", "a b", "é"] {
            assert!(
                matches!(Reference::parse(bad), Err(ReferenceError::Tag(_))),
                "{bad:?}"
            );
        }
        assert!(Reference::parse(&"a".repeat(129)).is_err());
    }
}
