//! Repositories, packages, versions and files as the Bintray REST API v1 shows them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient;

/// `attribute_values=1` adds this: attribute name → values.
pub type AttributeValues = BTreeMap<String, Vec<Value>>;

/// `GET /repos/:subject` lists these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepositorySummary {
    pub name: String,
    pub owner: String,
}

/// `GET /repos/:subject/:repo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Repository {
    pub name: String,
    pub owner: String,
    #[serde(rename = "type")]
    pub repo_type: String,
    pub private: bool,
    pub premium: bool,
    pub desc: Option<String>,
    pub labels: Vec<String>,
    pub created: String,
    pub package_count: i64,
    pub gpg_sign_metadata: bool,
    pub gpg_sign_files: bool,
    pub gpg_use_owner_key: bool,
}

/// The body of `POST /repos/:subject/:repo` and `PATCH` (every field optional). The app
/// sends it too, leaving out the fields that are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepositoryChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub repo_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub private: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub labels: Option<Vec<String>>,
}

/// `GET /repos/:s/:r/packages` lists these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackageSummary {
    pub name: String,
    pub linked: bool,
}

/// `GET /packages/:s/:r/:p`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Package {
    pub name: String,
    pub repo: String,
    pub owner: String,
    pub desc: Option<String>,
    pub labels: Vec<String>,
    /// Left out with `attribute_values=1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_names: Option<Vec<String>>,
    pub licenses: Vec<String>,
    pub custom_licenses: Vec<String>,
    pub followers_count: i64,
    pub created: String,
    pub updated: String,
    pub website_url: Option<String>,
    pub issue_tracker_url: Option<String>,
    pub github_repo: Option<String>,
    pub github_release_notes_file: Option<String>,
    pub public_download_numbers: bool,
    pub public_stats: bool,
    pub linked_to_repos: Vec<String>,
    pub versions: Vec<String>,
    pub latest_version: Option<String>,
    pub rating: f64,
    pub rating_count: i64,
    pub system_ids: Vec<String>,
    pub vcs_url: Option<String>,
    pub permissions: Vec<String>,
    /// Only with `attribute_values=1`: attribute name → values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, Vec<Value>>>))]
    pub attributes: Option<AttributeValues>,
}

/// The body of `POST /packages/:s/:r` and `PATCH /packages/:s/:r/:p`. The app sends it
/// too, leaving out the fields that are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackageChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub labels: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub licenses: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcs_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_tracker_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub github_repo: Option<String>,
    /// PATCH only: mark this version as the package's latest (the badge, `_latest`,
    /// `_latestVersion`); `""` returns to the rule (the newest release that is not a
    /// pre-release). A Wharf extension: Bintray had no way to choose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<String>,
}

/// `GET /packages/:s/:r/:p/versions/:v`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Version {
    pub name: String,
    pub desc: Option<String>,
    pub package: String,
    pub repo: String,
    pub owner: String,
    pub labels: Vec<String>,
    pub published: bool,
    /// Left out with `attribute_values=1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_names: Option<Vec<String>>,
    pub created: String,
    pub updated: String,
    pub released: Option<String>,
    pub prerelease: bool,
    pub ordinal: f64,
    pub github_release_notes_file: Option<String>,
    pub github_use_tag_release_notes: bool,
    pub vcs_tag: Option<String>,
    pub rating_count: i64,
    /// Only with `attribute_values=1`: attribute name → values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, Vec<Value>>>))]
    pub attributes: Option<AttributeValues>,
}

/// The body of `POST /packages/:s/:r/:p/versions` and `PATCH .../versions/:v`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionChanges {
    pub name: Option<String>,
    pub desc: Option<String>,
    /// ISO 8601 date or date-time in any form Bintray clients send (`2019-05-28`,
    /// `…T14:03:11Z`, `…+02:00`, `…T14:03:11.123+0200`); answers use `2019-05-28T12:03:11.123Z`.
    pub released: Option<String>,
    pub vcs_tag: Option<String>,
    pub github_release_notes_file: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub github_use_tag_release_notes: Option<bool>,
}

/// A file of a version, as listings and searches show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct File {
    pub name: String,
    pub path: String,
    pub package: String,
    pub version: String,
    pub repo: String,
    pub owner: String,
    pub created: String,
    pub size: i64,
    pub sha1: String,
    pub sha256: String,
}

/// `{"files": N}`, the answer to publish and discard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilesCount {
    pub files: i64,
}

/// The optional body of `POST /content/:s/:r/:p/:v/publish`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishRequest {
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub discard: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_wait_for_secs: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_and_string_booleans_are_accepted() {
        let r: RepositoryChanges = serde_json::from_str(
            r#"{"name":"generic","type":"generic","private":"true","desc":null,"labels":null}"#,
        )
        .unwrap();
        assert_eq!(r.private, Some(true));
        assert_eq!(r.labels, None);
        assert_eq!(r.desc, None);
        let r: RepositoryChanges = serde_json::from_str(r#"{"private":0,"labels":"one"}"#).unwrap();
        assert_eq!(r.private, Some(false));
        assert_eq!(r.labels, Some(vec!["one".to_owned()]));
        assert!(serde_json::from_str::<RepositoryChanges>(r#"{"private":"perhaps"}"#).is_err());
    }

    #[test]
    fn gradle_style_package_bodies_parse() {
        let p: PackageChanges = serde_json::from_str(
            r#"{"name":"lib","desc":null,"labels":null,"licenses":["Apache-2.0"],"vcs_url":"https://x/y.git","website_url":null,"issue_tracker_url":null,"public_download_numbers":false,"public_stats":false}"#,
        )
        .unwrap();
        assert_eq!(p.licenses, Some(vec!["Apache-2.0".to_owned()]));
        assert_eq!(p.website_url, None);
    }

    #[test]
    fn publish_bodies_of_every_client_parse() {
        for body in [
            "{}",
            r#"{"discard":false}"#,
            r#"{"discard":"false","publish_wait_for_secs":-1}"#,
            r#"{"publish_wait_for_secs":30}"#,
        ] {
            let p: PublishRequest = serde_json::from_str(body).unwrap();
            assert_ne!(p.discard, Some(true), "{body}");
        }
    }
}

/// `{"bintray": {"syntax": "markdown", "content": "..."}}`, the release notes body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleaseNotes {
    pub bintray: ReleaseNotesText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleaseNotesText {
    #[serde(default)]
    pub syntax: Option<String>,
    pub content: String,
}

/// Release notes rendered for a page: sanitised HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenderedNotes {
    pub html: Option<String>,
}
