//! Bintray's on/off switches as clients really send them: `1`/`0`, `true`/`false` (also
//! as JSON strings), in query strings, headers and matrix parameters.

/// `Some(true)` for 1/true/yes/on, `Some(false)` for 0/false/no/off (any case).
pub fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_spellings_are_understood() {
        for v in ["1", "true", "TRUE", " yes ", "on"] {
            assert_eq!(parse_flag(v), Some(true), "{v}");
        }
        for v in ["0", "false", "False", "no", "off", ""] {
            assert_eq!(parse_flag(v), Some(false), "{v}");
        }
        assert_eq!(parse_flag("2"), None);
        assert_eq!(parse_flag("maybe"), None);
    }
}
