//! Tag listings, in pages (`n` and `last`, with a `Link` to the next page).

use super::access::Registry;
use super::{OciError, Result};
use crate::infra::db::Db;

/// One page of tags, and where the next one starts if there is more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPage {
    pub tags: Vec<String>,
    pub next_last: Option<String>,
}

/// Reads `n`: absent means everything; anything but a non-negative number is refused.
pub fn parse_n(n: Option<&str>) -> Result<Option<u32>> {
    match n {
        None | Some("") => Ok(None),
        Some(s) => s.parse::<u32>().map(Some).map_err(|_| {
            OciError::PaginationInvalid(format!("n must be a non-negative number, not {s:?}"))
        }),
    }
}

/// The `Link` header to the page after this one (`name` as the client wrote it).
pub fn next_link(name: &str, n: u32, last: &str) -> String {
    let last: String = form_urlencoded::byte_serialize(last.as_bytes()).collect();
    format!("</v2/{name}/tags/list?n={n}&last={last}>; rel=\"next\"")
}

pub async fn list(
    db: &Db,
    registry: &Registry,
    image: &str,
    n: Option<u32>,
    last: Option<&str>,
) -> Result<TagPage> {
    let package = registry
        .image(db, image)
        .await?
        .ok_or(OciError::NameUnknown)?;
    if n == Some(0) {
        return Ok(TagPage {
            tags: Vec::new(),
            next_last: None,
        });
    }
    // One more than asked for tells whether another page follows.
    let limit = n.map(|n| i64::from(n) + 1);
    let mut tags = db.list_oci_tags(package.id, last, limit).await?;
    let next_last = match n {
        Some(n) if tags.len() > n as usize => {
            tags.truncate(n as usize);
            tags.last().cloned()
        }
        _ => None,
    };
    Ok(TagPage { tags, next_last })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n_and_links() {
        assert_eq!(parse_n(None).unwrap(), None);
        assert_eq!(parse_n(Some("5")).unwrap(), Some(5));
        assert!(parse_n(Some("-1")).is_err());
        assert!(parse_n(Some("x")).is_err());
        assert_eq!(
            next_link("a/b/app", 2, "v1.0"),
            "</v2/a/b/app/tags/list?n=2&last=v1.0>; rel=\"next\""
        );
    }
}
