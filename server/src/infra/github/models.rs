//! GitHub's REST bodies as far as Wharf reads them. Unknown fields are ignored and
//! optional ones default, so GitHub adding or dropping fields does not break an import.
//! Timestamps stay ISO 8601 strings as GitHub sends them.

use serde::{Deserialize, Serialize};

/// `simple-user` / `private-user` (only what Wharf uses).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct User {
    pub login: String,
    pub id: u64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub avatar_url: Option<String>,
    pub html_url: Option<String>,
    /// `User` or `Organization`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct License {
    pub key: Option<String>,
    pub name: Option<String>,
    pub spdx_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct Permissions {
    pub admin: bool,
    pub maintain: bool,
    pub push: bool,
    pub triage: bool,
    pub pull: bool,
}

/// `repository` (from `/user/repos`) and `full-repository` (from `/repos/{o}/{r}`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct Repository {
    pub id: u64,
    pub name: String,
    pub full_name: String,
    pub owner: User,
    pub private: bool,
    /// `public`, `private` or `internal`.
    pub visibility: Option<String>,
    pub description: Option<String>,
    pub html_url: String,
    pub url: String,
    pub fork: bool,
    pub archived: bool,
    pub disabled: bool,
    pub default_branch: Option<String>,
    pub license: Option<License>,
    pub topics: Vec<String>,
    pub homepage: Option<String>,
    pub language: Option<String>,
    pub stargazers_count: u64,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub pushed_at: Option<String>,
    pub permissions: Option<Permissions>,
}

impl Repository {
    /// The licence's SPDX id, when GitHub recognised one (`NOASSERTION` is not one).
    pub fn spdx_id(&self) -> Option<&str> {
        self.license
            .as_ref()?
            .spdx_id
            .as_deref()
            .filter(|s| !s.is_empty() && *s != "NOASSERTION")
    }
}

/// `release-asset`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct ReleaseAsset {
    pub id: u64,
    pub name: String,
    pub label: Option<String>,
    pub content_type: String,
    pub size: u64,
    /// `sha256:<hex>` for assets uploaded since mid-2025, else null.
    pub digest: Option<String>,
    /// The API URL: download it with `Accept: application/octet-stream`.
    pub url: String,
    pub browser_download_url: Option<String>,
    pub state: Option<String>,
    pub download_count: u64,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub uploader: Option<User>,
}

impl ReleaseAsset {
    /// The SHA-256 GitHub advertises, as lowercase hex, if it advertises one.
    pub fn expected_sha256(&self) -> Option<String> {
        let digest = self.digest.as_deref()?;
        let (algorithm, hex) = digest.split_once(':')?;
        (algorithm.eq_ignore_ascii_case("sha256")
            && hex.len() == 64
            && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| hex.to_ascii_lowercase())
    }
}

/// `release`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct Release {
    pub id: u64,
    pub tag_name: String,
    pub target_commitish: Option<String>,
    pub name: Option<String>,
    /// Markdown.
    pub body: Option<String>,
    pub draft: bool,
    pub prerelease: bool,
    pub created_at: Option<String>,
    /// Null for drafts.
    pub published_at: Option<String>,
    pub author: Option<User>,
    pub assets: Vec<ReleaseAsset>,
    pub html_url: Option<String>,
    pub url: Option<String>,
    pub tarball_url: Option<String>,
    pub zipball_url: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct TagCommit {
    pub sha: String,
    pub url: Option<String>,
}

/// `tag`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct Tag {
    pub name: String,
    pub commit: TagCommit,
    pub zipball_url: Option<String>,
    pub tarball_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_missing_fields_are_tolerated() {
        let r: Repository = serde_json::from_str(
            r#"{"id": 1, "name": "x", "full_name": "o/x", "owner": {"login": "o", "id": 2},
                "license": {"spdx_id": "NOASSERTION"}, "brand_new_field": [1, 2]}"#,
        )
        .unwrap();
        assert_eq!(r.owner.login, "o");
        assert_eq!(r.spdx_id(), None);
        assert!(r.topics.is_empty());
        let rel: Release =
            serde_json::from_str(r#"{"id": 3, "tag_name": "v1", "body": null}"#).unwrap();
        assert!(rel.assets.is_empty() && rel.body.is_none());
    }

    #[test]
    fn digests_parse_only_when_well_formed() {
        let mut a = ReleaseAsset {
            digest: Some(format!("sha256:{}", "AB".repeat(32))),
            ..Default::default()
        };
        assert_eq!(a.expected_sha256(), Some("ab".repeat(32)));
        a.digest = Some("sha512:00".into());
        assert_eq!(a.expected_sha256(), None);
        a.digest = None;
        assert_eq!(a.expected_sha256(), None);
    }
}
