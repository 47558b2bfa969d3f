//! URL pieces shared by the server (Location headers) and the app (API calls).

/// Percent-encodes one path segment. Unreserved characters stay, and so do `:`, `+` and
/// `@`, which a path segment may hold as they are (RFC 3986 `pchar`: Docker packages are
/// `ns:name`, versions may carry `+build` or an npm scope's `@`), so links keep the names
/// people typed. Everything else, non-ASCII included, becomes `%HH` per UTF-8 byte.
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b':'
            | b'+'
            | b'@' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Percent-encodes one value of a query string (`?q=VALUE`) as [`path_segment`] does,
/// and `+` too: in a query, servers and routers read `+` as a space
/// (application/x-www-form-urlencoded), so a search for `c++` must send `c%2B%2B`.
pub fn query_value(s: &str) -> String {
    path_segment(s).replace('+', "%2B")
}

#[cfg(test)]
mod tests {
    use super::{path_segment, query_value};

    #[test]
    fn query_values_keep_their_plus_signs() {
        assert_eq!(query_value("c++"), "c%2B%2B");
        assert_eq!(query_value("1.0+build"), "1.0%2Bbuild");
        assert_eq!(query_value("a b&c=d#e"), "a%20b%26c%3Dd%23e");
        assert_eq!(query_value("%2B"), "%252B");
        assert_eq!(query_value("é"), "%C3%A9");
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(path_segment("library:nginx"), "library:nginx");
        assert_eq!(path_segment("1.0+build"), "1.0+build");
        assert_eq!(path_segment("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(path_segment("é"), "%C3%A9");
        assert_eq!(
            path_segment("@biomejs~biome@2.4.16"),
            "@biomejs~biome@2.4.16"
        );
        assert_eq!(path_segment("100%#?"), "100%25%23%3F");
        // A version page link, as the app's breadcrumbs and lists build it.
        assert_eq!(
            path_segment("@biomejs~biome@2.4.16+café"),
            "@biomejs~biome@2.4.16+caf%C3%A9"
        );
    }
}
