//! `Link` headers (RFC 8288) as GitHub sends them for pagination.

/// The target of `rel="next"`, if any.
pub fn next_link(header: &str) -> Option<String> {
    link_with_rel(header, "next")
}

fn link_with_rel(header: &str, wanted: &str) -> Option<String> {
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let target = &after[..close];
        let params_and_more = &after[close + 1..];
        // The parameters run until the next link (`, <`).
        let end = params_and_more.find('<').unwrap_or(params_and_more.len());
        let params = params_and_more[..end].trim_end().trim_end_matches(',');
        let has_rel = params.split(';').any(|p| {
            let Some((k, v)) = p.split_once('=') else {
                return false;
            };
            k.trim().eq_ignore_ascii_case("rel")
                && v.trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case(wanted))
        });
        if has_rel {
            return Some(target.to_owned());
        }
        rest = &params_and_more[end..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_next_among_others() {
        let h = "<https://api.github.com/user/repos?per_page=100&page=1>; rel=\"prev\", \
                 <https://api.github.com/user/repos?per_page=100&page=3>; rel=\"next\", \
                 <https://api.github.com/user/repos?per_page=100&page=5>; rel=\"last\"";
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/user/repos?per_page=100&page=3")
        );
    }

    #[test]
    fn none_on_the_last_page_or_garbage() {
        assert_eq!(next_link("<https://x/?page=1>; rel=\"first\""), None);
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("<unterminated"), None);
        assert_eq!(
            next_link("<https://x/?a=1,2>; rel=next").as_deref(),
            Some("https://x/?a=1,2")
        );
    }
}
