//! Content digests as OCI writes them: `<algorithm>:<hex>`, for the two registered
//! algorithms, sha256 (64 hex digits) and sha512 (128). Blobs are stored by their sha256
//! whatever the digest a client named them by, so a sha512 blob is hashed both ways.

use std::fmt;

use sha2::{Digest as _, Sha256, Sha512};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }

    pub fn parse(s: &str) -> Option<Algorithm> {
        match s {
            "sha256" => Some(Algorithm::Sha256),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

/// Why a digest was refused; the text is for the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    #[error("{0:?} is not a digest (expected <algorithm>:<hex>)")]
    Malformed(String),
    #[error("the digest algorithm {0:?} is not supported (use sha256 or sha512)")]
    Unsupported(String),
    #[error("{0:?} does not have the length or the lower-case hex digits of its algorithm")]
    BadEncoding(String),
}

/// A validated digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OciDigest {
    algorithm: Algorithm,
    hex: String,
}

impl OciDigest {
    pub fn parse(s: &str) -> Result<OciDigest, DigestError> {
        let (algorithm, hex) = s
            .split_once(':')
            .ok_or_else(|| DigestError::Malformed(s.to_owned()))?;
        // The grammar allows `+._-` between algorithm parts; only two are registered.
        if algorithm.is_empty()
            || !algorithm
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
        {
            return Err(DigestError::Malformed(s.to_owned()));
        }
        let algorithm = Algorithm::parse(algorithm)
            .ok_or_else(|| DigestError::Unsupported(algorithm.into()))?;
        if hex.len() != algorithm.hex_len()
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(DigestError::BadEncoding(s.to_owned()));
        }
        Ok(OciDigest {
            algorithm,
            hex: hex.to_owned(),
        })
    }

    /// The sha256 digest of a stored blob, from its hex.
    pub fn sha256(hex: &str) -> OciDigest {
        OciDigest {
            algorithm: Algorithm::Sha256,
            hex: hex.to_owned(),
        }
    }

    pub fn of_bytes(algorithm: Algorithm, bytes: &[u8]) -> OciDigest {
        let mut h = ContentHasher::new(algorithm);
        h.update(bytes);
        h.finish()
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub fn hex(&self) -> &str {
        &self.hex
    }
}

impl fmt::Display for OciDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.as_str(), self.hex)
    }
}

/// An incremental hash for one algorithm.
#[derive(Clone)]
pub enum ContentHasher {
    Sha256(Sha256),
    Sha512(Box<Sha512>),
}

impl ContentHasher {
    pub fn new(algorithm: Algorithm) -> ContentHasher {
        match algorithm {
            Algorithm::Sha256 => ContentHasher::Sha256(Sha256::new()),
            Algorithm::Sha512 => ContentHasher::Sha512(Box::default()),
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            ContentHasher::Sha256(h) => h.update(bytes),
            ContentHasher::Sha512(h) => h.update(bytes),
        }
    }

    pub fn finish(self) -> OciDigest {
        match self {
            ContentHasher::Sha256(h) => OciDigest {
                algorithm: Algorithm::Sha256,
                hex: hex::encode(h.finalize()),
            },
            ContentHasher::Sha512(h) => OciDigest {
                algorithm: Algorithm::Sha512,
                hex: hex::encode(h.finalize()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY256: &str =
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn digests_parse_and_print() {
        let d = OciDigest::parse(EMPTY256).unwrap();
        assert_eq!(d.algorithm(), Algorithm::Sha256);
        assert_eq!(d.to_string(), EMPTY256);
        assert_eq!(OciDigest::of_bytes(Algorithm::Sha256, b""), d);
        let d512 = OciDigest::of_bytes(Algorithm::Sha512, b"abc");
        assert!(d512.to_string().starts_with("sha512:ddaf35a193617aba"));
        assert_eq!(OciDigest::parse(&d512.to_string()).unwrap(), d512);
    }

    #[test]
    fn bad_digests_say_why() {
        assert!(matches!(
            OciDigest::parse("sha256"),
            Err(DigestError::Malformed(_))
        ));
        assert!(matches!(
            OciDigest::parse("SHA256:abc"),
            Err(DigestError::Malformed(_))
        ));
        assert!(matches!(
            OciDigest::parse("md5:d41d8cd98f00b204e9800998ecf8427e"),
            Err(DigestError::Unsupported(_))
        ));
        assert!(matches!(
            OciDigest::parse("sha256:baddigeststring"),
            Err(DigestError::BadEncoding(_))
        ));
        let upper = EMPTY256.to_uppercase().replace("SHA256", "sha256");
        assert!(matches!(
            OciDigest::parse(&upper),
            Err(DigestError::BadEncoding(_))
        ));
        assert!(OciDigest::parse(&EMPTY256[..EMPTY256.len() - 1]).is_err());
    }

    #[test]
    fn hashing_in_pieces_equals_hashing_at_once() {
        let mut h = ContentHasher::new(Algorithm::Sha512);
        h.update(b"hello ");
        let mut copy = h.clone();
        h.update(b"world");
        copy.update(b"world");
        let whole = OciDigest::of_bytes(Algorithm::Sha512, b"hello world");
        assert_eq!(h.finish(), whole);
        assert_eq!(copy.finish(), whole);
    }
}
