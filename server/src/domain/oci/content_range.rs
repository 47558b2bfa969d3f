//! The `Content-Range` of a chunk (PATCH or the closing PUT of an upload): `<start>-<end>`,
//! both inclusive, as the spec writes it; the HTTP forms `bytes a-b/total` and `bytes=a-b`
//! that some clients send are read too.

/// The first and last byte of a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkRange {
    pub start: u64,
    pub end: u64,
}

impl ChunkRange {
    pub fn len(&self) -> u64 {
        self.end - self.start + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentRangeError {
    #[error("Content-Range {0:?} is not <start>-<end>")]
    Malformed(String),
    #[error("Content-Range {0:?} ends before it starts")]
    Backwards(String),
}

pub fn parse(header: &str) -> Result<ChunkRange, ContentRangeError> {
    let malformed = || ContentRangeError::Malformed(header.to_owned());
    let mut s = header.trim();
    if let Some(rest) = s.strip_prefix("bytes") {
        s = rest.trim_start_matches([' ', '=']);
        if let Some((range, _total)) = s.split_once('/') {
            s = range;
        }
    }
    let (a, b) = s.split_once('-').ok_or_else(malformed)?;
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) {
        return Err(malformed());
    }
    let start: u64 = a.parse().map_err(|_| malformed())?;
    let end: u64 = b.parse().map_err(|_| malformed())?;
    if end < start {
        return Err(ContentRangeError::Backwards(header.to_owned()));
    }
    Ok(ChunkRange { start, end })
}

/// The `Range` header an upload answers with: `0-<last byte>`. An empty upload says
/// `0-0` as the reference registry does (clients read the end only after a first chunk).
pub fn progress_header(size: u64) -> String {
    format!("0-{}", size.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_and_http_forms() {
        assert_eq!(parse("0-99").unwrap(), ChunkRange { start: 0, end: 99 });
        assert_eq!(parse("0-99").unwrap().len(), 100);
        assert_eq!(
            parse("bytes 100-199/*").unwrap(),
            ChunkRange {
                start: 100,
                end: 199
            }
        );
        assert_eq!(parse("bytes=5-5").unwrap().len(), 1);
    }

    #[test]
    fn bad_ranges() {
        for bad in ["", "-", "1-", "-1", "a-b", "1-2-3", "+1-2", " 1 - 2"] {
            assert!(
                matches!(parse(bad), Err(ContentRangeError::Malformed(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(parse("9-3"), Err(ContentRangeError::Backwards(_))));
    }

    #[test]
    fn progress() {
        assert_eq!(progress_header(0), "0-0");
        assert_eq!(progress_header(1), "0-0");
        assert_eq!(progress_header(100), "0-99");
    }
}
