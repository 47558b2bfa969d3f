//! Which endpoint a `/v2/...` path names. The repository name comes first and may have
//! any number of `/` components, so the endpoint is read from the end of the path, the way
//! the reference registry's routes read it.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `/v2/`
    Base,
    /// `/v2/<name>/manifests/<reference>`
    Manifest(String),
    /// `/v2/<name>/blobs/<digest>`
    Blob(String),
    /// `/v2/<name>/blobs/uploads/`
    UploadStart,
    /// `/v2/<name>/blobs/uploads/<session>`
    Upload(String),
    /// `/v2/<name>/tags/list`
    Tags,
    /// `/v2/<name>/referrers/<digest>`
    Referrers(String),
}

/// `rest` is the path after `/v2/`. `None` when it names no endpoint.
pub fn parse(rest: &str) -> Option<(String, Endpoint)> {
    if rest.is_empty() {
        return Some((String::new(), Endpoint::Base));
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let n = segments.len();
    let name = |drop: usize| -> Option<String> {
        let name = segments[..n - drop].join("/");
        (!name.is_empty() && !segments[..n - drop].contains(&"")).then_some(name)
    };
    let last = |i: usize| segments.get(n.wrapping_sub(i)).copied();
    match (last(3), last(2), last(1)) {
        (Some("blobs"), Some("uploads"), Some(id)) if n > 3 => {
            let name = name(3)?;
            Some(if id.is_empty() {
                (name, Endpoint::UploadStart)
            } else {
                (name, Endpoint::Upload(id.to_owned()))
            })
        }
        // `/blobs/uploads` without the trailing slash.
        (_, Some("blobs"), Some("uploads")) if n > 2 => Some((name(2)?, Endpoint::UploadStart)),
        (_, Some("tags"), Some("list")) if n > 2 => Some((name(2)?, Endpoint::Tags)),
        (_, Some("manifests"), Some(r)) if n > 2 && !r.is_empty() => {
            Some((name(2)?, Endpoint::Manifest(r.to_owned())))
        }
        (_, Some("blobs"), Some(d)) if n > 2 && !d.is_empty() => {
            Some((name(2)?, Endpoint::Blob(d.to_owned())))
        }
        (_, Some("referrers"), Some(d)) if n > 2 && !d.is_empty() => {
            Some((name(2)?, Endpoint::Referrers(d.to_owned())))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<(String, Endpoint)> {
        parse(s)
    }

    #[test]
    fn endpoints() {
        assert_eq!(p(""), Some((String::new(), Endpoint::Base)));
        assert_eq!(
            p("a/b/app/manifests/latest"),
            Some(("a/b/app".into(), Endpoint::Manifest("latest".into())))
        );
        assert_eq!(
            p("app/blobs/sha256:x"),
            Some(("app".into(), Endpoint::Blob("sha256:x".into())))
        );
        assert_eq!(
            p("ns/app/blobs/uploads/"),
            Some(("ns/app".into(), Endpoint::UploadStart))
        );
        assert_eq!(
            p("ns/app/blobs/uploads"),
            Some(("ns/app".into(), Endpoint::UploadStart))
        );
        assert_eq!(
            p("ns/app/blobs/uploads/abc-123"),
            Some(("ns/app".into(), Endpoint::Upload("abc-123".into())))
        );
        assert_eq!(p("x/tags/list"), Some(("x".into(), Endpoint::Tags)));
        assert_eq!(
            p("x/referrers/sha256:y"),
            Some(("x".into(), Endpoint::Referrers("sha256:y".into())))
        );
    }

    #[test]
    fn names_may_hold_endpoint_words() {
        assert_eq!(
            p("a/manifests/b/manifests/t"),
            Some(("a/manifests/b".into(), Endpoint::Manifest("t".into())))
        );
        assert_eq!(
            p("blobs/blobs/d"),
            Some(("blobs".into(), Endpoint::Blob("d".into())))
        );
        assert_eq!(p("tags/tags/list"), Some(("tags".into(), Endpoint::Tags)));
    }

    #[test]
    fn no_endpoint() {
        for bad in [
            "x",
            "manifests/t",
            "x/manifests/",
            "x/blobs/",
            "blobs/uploads/",
            "/x/tags/list",
            "a//b/tags/list",
            "x/tags",
            "x/unknown/y",
        ] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }
}
