//! JSON bodies shared by the server and the browser.
//!
//! The Bintray objects keep Bintray's field names exactly: clients written for
//! api.bintray.com read them.

mod bintray;
mod lenient;

pub use bintray::*;

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
