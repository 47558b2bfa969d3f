//! Matrix parameters: `;key=value` attached to any path segment, as Maven, Gradle and
//! jfrog-cli put them (`/maven/s/r/pkg/;publish=1/com/x/...`, `file.jar;bt_package=p`).
//! They are removed from every segment, including a segment that holds nothing else.

/// A path with its matrix parameters taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixPath {
    /// The segments that remain, in order, without empty ones left by removal.
    pub segments: Vec<String>,
    /// `(key, value)` pairs in the order they appeared; a bare `;key` has value "".
    pub params: Vec<(String, String)>,
}

impl MatrixPath {
    /// Splits an already percent-decoded path.
    pub fn parse(path: &str) -> MatrixPath {
        let mut segments = Vec::new();
        let mut params = Vec::new();
        for raw in path.split('/') {
            let mut parts = raw.split(';');
            let head = parts.next().unwrap_or("");
            for param in parts {
                if param.is_empty() {
                    continue;
                }
                let (k, v) = param.split_once('=').unwrap_or((param, ""));
                params.push((k.to_owned(), v.to_owned()));
            }
            let had_params = raw.contains(';');
            if !head.is_empty() || !had_params {
                segments.push(head.to_owned());
            }
        }
        // A leading '/' gives an empty first segment; drop it but keep inner empties so
        // that path validation can refuse `a//b`.
        if segments.first().is_some_and(String::is_empty) {
            segments.remove(0);
        }
        MatrixPath { segments, params }
    }

    /// The last value given for `key`.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_after_the_file_name() {
        let m = MatrixPath::parse("dir/file.txt;bt_package=p;bt_version=1.0;publish=1");
        assert_eq!(m.segments, ["dir", "file.txt"]);
        assert_eq!(m.param("bt_package"), Some("p"));
        assert_eq!(m.param("bt_version"), Some("1.0"));
        assert_eq!(m.param("publish"), Some("1"));
        assert_eq!(m.param("override"), None);
    }

    #[test]
    fn a_segment_of_params_alone_disappears() {
        let m = MatrixPath::parse("/s/r/pkg/;publish=1;override=1/com/x/a/1.0/a-1.0.jar");
        assert_eq!(
            m.segments,
            ["s", "r", "pkg", "com", "x", "a", "1.0", "a-1.0.jar"]
        );
        assert_eq!(m.param("override"), Some("1"));
    }

    #[test]
    fn params_on_a_middle_segment() {
        let m = MatrixPath::parse("s/r/pkg;publish=0;override=1/com/x");
        assert_eq!(m.segments, ["s", "r", "pkg", "com", "x"]);
        assert_eq!(m.param("publish"), Some("0"));
    }

    #[test]
    fn repeated_keys_take_the_last_and_bare_keys_are_empty() {
        let m = MatrixPath::parse("f;publish=0;publish=1;explode");
        assert_eq!(m.param("publish"), Some("1"));
        assert_eq!(m.param("explode"), Some(""));
    }

    #[test]
    fn empty_inner_segments_are_kept_for_validation() {
        let m = MatrixPath::parse("a//b");
        assert_eq!(m.segments, ["a", "", "b"]);
    }
}
