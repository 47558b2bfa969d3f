//! JSON bodies shared by the server and the browser.
//!
//! The Bintray objects keep Bintray's field names exactly: clients written for
//! api.bintray.com read them.

mod bintray;
mod docker;
mod lenient;

pub use bintray::*;
pub use docker::*;
pub use lenient::opt_bool as lenient_bool;

use serde::{Deserialize, Serialize};

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `"ok"` when the server and its database answer.
    pub status: String,
    /// The server's version, shown in the page footer.
    pub version: String,
}

/// The error body of every JSON endpoint, as Bintray sent it: `{"message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub message: String,
}

/// `{"message": "success"}`, Bintray's answer to updates and deletes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct SessionUser {
    pub name: String,
    pub is_admin: bool,
    pub is_premium: bool,
}

/// `GET /api/ui/session`: who is signed in, and the token every change must carry in the
/// `X-CSRF-Token` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<SessionUser>,
    pub csrf_token: Option<String>,
}

/// `POST /api/ui/signin` and `/api/ui/signup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub name: String,
    pub password: String,
}

/// `POST /api/ui/api-key/reveal` and `/regenerate`: the password again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordConfirmation {
    pub password: String,
}

/// The API key in the clear, for its owner only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyBody {
    pub api_key: String,
}

/// What the app sends to publish or discard a version's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishRequestBody {
    pub discard: bool,
}
