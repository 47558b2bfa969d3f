//! A GitHub access token that keeps itself out of logs.

use std::sync::Arc;

use sha2::{Digest, Sha256};

/// An OAuth (or personal) access token. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct GitHubToken(Arc<str>);

impl GitHubToken {
    pub fn new(token: impl Into<String>) -> GitHubToken {
        GitHubToken(Arc::from(token.into()))
    }

    /// The token itself, for the Authorization header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Identifies the token in caches and maps without holding it.
    pub(crate) fn key(&self) -> TokenKey {
        TokenKey(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl std::fmt::Debug for GitHubToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GitHubToken(***)")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TokenKey(pub [u8; 32]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let t = GitHubToken::new("gho_secret");
        assert!(!format!("{t:?}").contains("secret"));
        assert_eq!(t.key(), GitHubToken::new("gho_secret").key());
        assert_ne!(t.key(), GitHubToken::new("gho_other").key());
    }
}
