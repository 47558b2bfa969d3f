//! Docker registries: how an image name maps to a package, and how a registry is addressed.
//!
//! A repository of type `docker` is one registry. Its images are packages (`ns/name` is
//! stored as `ns:name`, a bare `name` stays `name`) and their tags are versions. Clients
//! reach a registry by path, `HOST/<subject>/<repo>/<image>`, or, when a registry domain
//! is configured, by host name the way Bintray did: `<subject>-docker-<repo>.<domain>/<image>`.

use super::names::{NameError, PackageName};

/// The separator between subject and repository in a registry host name. Subject and
/// repository names may not contain it, so the split is never ambiguous.
pub const HOST_SEPARATOR: &str = "-docker-";

/// Why an image name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageNameError {
    #[error("an image name must not be empty")]
    Empty,
    #[error(
        "image name component {0:?} must be lower-case letters and digits, \
         separated by '.', '_', '__' or dashes"
    )]
    BadComponent(String),
    #[error(transparent)]
    Package(#[from] NameError),
}

/// Whether `c` is one OCI path component: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn is_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        // A separator run: ".", "_", "__" or any number of "-".
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// Checks an image name (`name` or `ns/name`, any depth) against the OCI grammar.
pub fn validate_image(image: &str) -> Result<(), ImageNameError> {
    if image.is_empty() {
        return Err(ImageNameError::Empty);
    }
    for c in image.split('/') {
        if !is_component(c) {
            return Err(ImageNameError::BadComponent(c.to_owned()));
        }
    }
    Ok(())
}

/// The package an image is stored as: `ns/name` → `ns:name`.
pub fn image_to_package(image: &str) -> Result<PackageName, ImageNameError> {
    validate_image(image)?;
    Ok(PackageName::parse(&image.replace('/', ":"))?)
}

/// The image a package of a docker repository holds: `ns:name` → `ns/name`.
pub fn package_to_image(package: &str) -> String {
    package.replace(':', "/")
}

/// The host name of a registry under `domain`: `alice-docker-images.example.org`.
pub fn registry_host(subject: &str, repo: &str, domain: &str) -> String {
    format!("{subject}{HOST_SEPARATOR}{repo}.{domain}")
}

/// The subject and repository a `Host` header names under `domain`, if it is a
/// registry host (any case, with or without a port).
pub fn parse_registry_host<'a>(host: &'a str, domain: &str) -> Option<(&'a str, &'a str)> {
    let host = strip_port(host);
    let domain = domain.trim_end_matches('.');
    if domain.is_empty() || host.len() <= domain.len() + 1 {
        return None;
    }
    let (label, rest) = host.split_at(host.len() - domain.len() - 1);
    if !rest[1..].eq_ignore_ascii_case(domain) || !rest.starts_with('.') {
        return None;
    }
    let (subject, repo) = label.split_once(HOST_SEPARATOR)?;
    if subject.is_empty() || repo.is_empty() || repo.contains(HOST_SEPARATOR) {
        return None;
    }
    Some((subject, repo))
}

fn strip_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((h, port)) if !h.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    }
}

/// What a client types to pull `image:tag` from a registry: by host name when a
/// registry domain is configured, else by path on Wharf's own host (`host` without scheme).
pub fn pull_reference(
    host: &str,
    domain: Option<&str>,
    subject: &str,
    repo: &str,
    image: &str,
    tag: &str,
) -> String {
    match domain {
        Some(d) => format!("{}/{image}:{tag}", registry_host(subject, repo, d)),
        None => format!("{host}/{subject}/{repo}/{image}:{tag}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_map_to_packages_and_back() {
        assert_eq!(image_to_package("nginx").unwrap().as_str(), "nginx");
        assert_eq!(
            image_to_package("library/nginx").unwrap().as_str(),
            "library:nginx"
        );
        assert_eq!(image_to_package("a/b/c").unwrap().as_str(), "a:b:c");
        assert_eq!(package_to_image("library:nginx"), "library/nginx");
        assert_eq!(package_to_image("nginx"), "nginx");
    }

    #[test]
    fn image_names_follow_the_oci_grammar() {
        for ok in ["a", "a.b", "a_b", "a__b", "a---b", "a-b/c.d/e__f", "0x"] {
            assert!(validate_image(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "A", "a/", "/a", "a//b", "-a", "a-", "a..b", "a___b", "a.-b", "a b", "a:b",
        ] {
            assert!(validate_image(bad).is_err(), "{bad:?}");
        }
        assert!(matches!(
            image_to_package(&"a".repeat(200)),
            Err(ImageNameError::Package(_))
        ));
    }

    #[test]
    fn registry_hosts_round_trip() {
        let host = registry_host("alice", "images", "example.org");
        assert_eq!(host, "alice-docker-images.example.org");
        assert_eq!(
            parse_registry_host(&host, "example.org"),
            Some(("alice", "images"))
        );
        assert_eq!(
            parse_registry_host("Alice-docker-images.Example.org:8443", "example.org"),
            Some(("Alice", "images"))
        );
        assert_eq!(
            parse_registry_host("my.org-docker-r.example.org", "example.org."),
            Some(("my.org", "r"))
        );
    }

    #[test]
    fn other_hosts_are_not_registries() {
        for host in [
            "example.org",
            "www.example.org",
            "alice-docker-.example.org",
            "-docker-images.example.org",
            "alice-docker-images.example.com",
            "alice-docker-imagesexample.org",
            "a-docker-b-docker-c.example.org",
            "127.0.0.1:8080",
        ] {
            assert_eq!(parse_registry_host(host, "example.org"), None, "{host}");
        }
        assert_eq!(parse_registry_host("a-docker-b.x", ""), None);
    }

    #[test]
    fn pull_references() {
        assert_eq!(
            pull_reference("wharf:8080", None, "alice", "images", "ns/app", "1.0"),
            "wharf:8080/alice/images/ns/app:1.0"
        );
        assert_eq!(
            pull_reference(
                "wharf:8080",
                Some("example.org"),
                "alice",
                "images",
                "app",
                "1.0"
            ),
            "alice-docker-images.example.org/app:1.0"
        );
    }
}
