//! Which registry and image a request names. By path, `/v2/<subject>/<repo>/<image…>/…`,
//! always; by host, `<subject>-docker-<repo>.<registry domain>/v2/<image…>/…`, when a
//! registry domain is configured and the `Host` header is under it.

use app::domain::docker;
use app::domain::names::{RepositoryName, SubjectName};
use axum::http::header::HOST;
use axum::http::HeaderMap;

use crate::domain::catalog::Caller;
use crate::domain::oci::access::{self, Need, Registry};
use crate::domain::oci::{OciError, Result};
use crate::state::AppState;

/// A registry and an image in it, as the request named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub subject: String,
    pub repo: String,
    pub image: String,
    /// The repository name as the client wrote it (`<subject>/<repo>/<image>` by path),
    /// for `Location` headers and listings.
    pub name: String,
    /// Whether the host named the registry.
    pub by_host: bool,
}

impl Target {
    /// Reads `name` (the part before the endpoint) in the addressing `host` implies.
    pub fn resolve(domain: Option<&str>, host: Option<&str>, name: &str) -> Result<Target> {
        let by_host = match (domain, host) {
            (Some(d), Some(h)) => docker::parse_registry_host(h, d),
            _ => None,
        };
        let (subject, repo, image, by_host) = match by_host {
            Some((s, r)) => (s.to_owned(), r.to_owned(), name.to_owned(), true),
            None => {
                let mut parts = name.splitn(3, '/');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(s), Some(r), Some(i)) if !s.is_empty() && !r.is_empty() => {
                        (s.to_owned(), r.to_owned(), i.to_owned(), false)
                    }
                    _ => {
                        return Err(OciError::NameInvalid(format!(
                            "{name:?}: name images <subject>/<repo>/<image> on this host"
                        )))
                    }
                }
            }
        };
        // Names that cannot exist are refused here, before they reach any header.
        SubjectName::parse(&subject).map_err(|e| OciError::NameInvalid(e.to_string()))?;
        RepositoryName::parse(&repo).map_err(|e| OciError::NameInvalid(e.to_string()))?;
        docker::validate_image(&image).map_err(|e| OciError::NameInvalid(e.to_string()))?;
        Ok(Target {
            subject,
            repo,
            image,
            name: name.to_owned(),
            by_host,
        })
    }

    pub fn from_request(state: &AppState, headers: &HeaderMap, name: &str) -> Result<Target> {
        let host = headers.get(HOST).and_then(|h| h.to_str().ok());
        Target::resolve(state.config.registry_domain.as_deref(), host, name)
    }

    /// Another image named the same way (`from` of a mount): by host, an image of the
    /// same registry; by path, any registry.
    pub fn sibling(&self, name: &str) -> Result<Target> {
        if self.by_host {
            docker::validate_image(name).map_err(|e| OciError::NameInvalid(e.to_string()))?;
            Ok(Target {
                image: name.to_owned(),
                name: name.to_owned(),
                ..self.clone()
            })
        } else {
            Target::resolve(None, None, name)
        }
    }

    pub async fn open(&self, state: &AppState, caller: &Caller, need: Need) -> Result<Registry> {
        access::open(&state.db, caller, &self.subject, &self.repo, need).await
    }

    /// `/v2/<name>/<rest>`, for `Location` headers (relative: the client resolves it
    /// against the address it used).
    pub fn location(&self, rest: &str) -> String {
        format!("/v2/{}/{rest}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_path() {
        let t = Target::resolve(None, Some("wharf:8080"), "alice/images/ns/app").unwrap();
        assert_eq!(
            (t.subject.as_str(), t.repo.as_str(), t.image.as_str()),
            ("alice", "images", "ns/app")
        );
        assert!(!t.by_host);
        assert_eq!(t.location("blobs/x"), "/v2/alice/images/ns/app/blobs/x");
        // A domain is configured, but this host is not under it.
        let t = Target::resolve(Some("d.org"), Some("wharf"), "alice/images/app").unwrap();
        assert_eq!(t.image, "app");
        assert!(matches!(
            Target::resolve(None, None, "alice/app"),
            Err(OciError::NameInvalid(_))
        ));
        for bad in [
            "alice/images/App",
            "al\r\nice/images/app",
            "alice/im\"ages/app",
        ] {
            assert!(
                matches!(
                    Target::resolve(None, None, bad),
                    Err(OciError::NameInvalid(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn by_host() {
        let t = Target::resolve(
            Some("d.org"),
            Some("alice-docker-images.d.org:443"),
            "ns/app",
        )
        .unwrap();
        assert_eq!(
            (t.subject.as_str(), t.repo.as_str(), t.image.as_str()),
            ("alice", "images", "ns/app")
        );
        assert!(t.by_host);
        assert_eq!(t.location("manifests/1"), "/v2/ns/app/manifests/1");
        let other = t.sibling("other").unwrap();
        assert_eq!(
            (other.repo.as_str(), other.image.as_str()),
            ("images", "other")
        );
        let by_path = Target::resolve(None, None, "alice/images/app").unwrap();
        assert_eq!(by_path.sibling("bob/r/x").unwrap().subject, "bob");
    }
}
