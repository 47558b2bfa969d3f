//! JSON bodies shared by the server and the browser.
//!
//! The Bintray objects keep Bintray's field names exactly: clients written for
//! api.bintray.com read them.

mod bintray;
mod docker;
mod import;
mod lenient;
mod pages;

pub use bintray::*;
pub use docker::*;
pub use import::*;
pub use lenient::opt_bool as lenient_bool;
pub use pages::*;

use serde::{Deserialize, Serialize};

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `"ok"` when the server and its database answer.
    pub status: String,
    /// The server's version, shown in the page footer.
    pub version: String,
}

/// The error body of every JSON endpoint, as Bintray sent it: `{"message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub message: String,
}

/// `{"message": "success"}`, Bintray's answer to updates and deletes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Success {
    pub message: String,
}

impl Success {
    pub fn new() -> Success {
        Success {
            message: "success".to_owned(),
        }
    }
}

impl Default for Success {
    fn default() -> Self {
        Success::new()
    }
}

/// The signed-in user as the app sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionUser {
    pub name: String,
    pub is_admin: bool,
    pub is_premium: bool,
}

/// `GET /api/ui/session`: who is signed in, and the token every change must carry in the
/// `X-CSRF-Token` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub user: Option<SessionUser>,
    pub csrf_token: Option<String>,
    #[serde(default)]
    pub site: SiteInfo,
}

/// What the app needs to know about this server's set-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInfo {
    /// Where downloads are served: `/dl` here, or a separate host such as
    /// `https://dl.example.org`. A file's link is `{download_base}/{subject}/{repo}/{path}`.
    pub download_base: String,
    /// The API's base URL for snippets to copy (this host, or a separate API host).
    pub api_base: String,
    /// Whether a GitHub OAuth app is configured (sign-in and import with GitHub).
    pub github: bool,
}

/// `POST /api/ui/signin` and `/api/ui/signup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Credentials {
    pub name: String,
    pub password: String,
    /// On sign-up: link the GitHub account this browser just signed in with.
    #[serde(default)]
    pub link_github: bool,
}

/// `GET /api/ui/github`: GitHub as the signed-in user (or visitor) sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitHubStatus {
    /// Whether this server has a GitHub OAuth app configured.
    pub configured: bool,
    /// Whether the user may give access to private repositories (Premium).
    pub premium: bool,
    pub linked: Option<GitHubAccount>,
    /// A GitHub login that signed in here but has no account yet (sign-up offers it).
    pub pending_signup: Option<String>,
}

/// A linked GitHub account. Never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitHubAccount {
    pub login: String,
    pub avatar_url: Option<String>,
    /// Whether imports may include private repositories now: a Premium account whose
    /// link granted access to them (`server::import::may_import_private`).
    pub private_access: bool,
}

/// `POST /api/ui/github/authorize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitHubAuthorize {
    /// `"link"` (Profile › Accounts), `"grant"` (the linked account again, with access to
    /// private repositories) or `"signin"`.
    pub purpose: String,
    #[serde(default)]
    pub private_access: bool,
}

/// Where the browser goes to authorize.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeUrl {
    pub url: String,
}

/// `POST /api/ui/api-key/reveal` and `/regenerate`: the password again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordConfirmation {
    pub password: String,
}

/// The API key in the clear, for its owner only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyBody {
    pub api_key: String,
}

/// `GET /api/ui/explore`: what the front page shows a visitor. Public repositories and
/// packages only, whoever asks: the owner's private things never appear here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Explore {
    /// Public repositories, most recently changed first.
    pub repositories: Vec<ExploreRepository>,
    /// Packages of public repositories with a published file, most recently published
    /// first.
    pub packages: Vec<ExplorePackage>,
}

/// A public repository on the front page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExploreRepository {
    pub owner: String,
    pub name: String,
    #[serde(rename = "type")]
    pub repo_type: String,
    pub desc: Option<String>,
    pub package_count: i64,
}

/// A recently published package on the front page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplorePackage {
    pub owner: String,
    pub repo: String,
    pub name: String,
    pub desc: Option<String>,
    /// The version whose file was published last.
    pub version: String,
    /// When (ISO 8601).
    pub published: String,
}
