//! The GitHub layer's one error type. `Display` is detail for the log; [`GitHubError::user_message`]
//! is what a person is shown. Neither ever holds a token.

use super::rate_limit::WaitReason;

#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    /// 401: the token was revoked, expired or never valid.
    #[error("GitHub answered 401 Bad credentials")]
    BadCredentials,
    /// 404 (GitHub also answers 404 for private things the token may not see).
    #[error("GitHub answered 404 for {0}")]
    NotFound(String),
    /// 403 that is not a rate limit.
    #[error("GitHub answered 403: {0}")]
    Forbidden(String),
    /// Still rate-limited after waiting as long as allowed.
    #[error("GitHub rate limit ({reason:?}) not over after waiting the maximum; resets at {until} (epoch seconds)")]
    RateLimited { until: i64, reason: WaitReason },
    #[error("GitHub did not answer in time")]
    Timeout,
    #[error("cannot reach GitHub: {0}")]
    Network(String),
    #[error("GitHub answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("unexpected answer from GitHub for {what}: {detail}")]
    Decode { what: String, detail: String },
    #[error("the asset storage answered {status}")]
    AssetHost { status: u16 },
    #[error("invalid GitHub client configuration: {0}")]
    Config(String),
}

impl GitHubError {
    /// One sentence for the person importing.
    pub fn user_message(&self) -> String {
        match self {
            GitHubError::BadCredentials => {
                "GitHub no longer accepts Wharf's access. Link your GitHub account again.".into()
            }
            GitHubError::NotFound(_) => {
                "GitHub could not find it, or Wharf may not see it with the access granted.".into()
            }
            GitHubError::Forbidden(m) => format!("GitHub refused the request: {m}"),
            GitHubError::RateLimited { until, .. } => format!(
                "GitHub's rate limit is reached; try again after {}.",
                format_time(*until)
            ),
            GitHubError::Timeout => "GitHub did not answer in time; try again later.".into(),
            GitHubError::Network(_) => "Wharf cannot reach GitHub right now.".into(),
            GitHubError::Status { status, .. } if *status >= 500 => {
                "GitHub is having trouble; try again later.".into()
            }
            GitHubError::Status { status, message } => {
                format!("GitHub answered {status}: {message}")
            }
            GitHubError::Decode { .. } => "GitHub sent an answer Wharf does not understand.".into(),
            GitHubError::AssetHost { .. } => "A release file could not be downloaded.".into(),
            GitHubError::Config(_) => "The GitHub connection is not configured correctly.".into(),
        }
    }

    pub fn is_rate_limited(&self) -> bool {
        matches!(self, GitHubError::RateLimited { .. })
    }

    /// Describes a transport failure without its URL (signed asset URLs carry signatures).
    pub(crate) fn transport(e: reqwest::Error) -> GitHubError {
        if e.is_timeout() {
            return GitHubError::Timeout;
        }
        let e = e.without_url();
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            detail.push_str(": ");
            detail.push_str(&s.to_string());
            source = s.source();
        }
        GitHubError::Network(detail)
    }

    /// Maps a non-success answer (not a rate limit) to an error; `what` names the resource.
    pub(crate) fn from_status(status: u16, body: &[u8], what: &str) -> GitHubError {
        let message = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
            .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned());
        match status {
            401 => GitHubError::BadCredentials,
            403 => GitHubError::Forbidden(message),
            404 => GitHubError::NotFound(what.to_owned()),
            _ => GitHubError::Status { status, message },
        }
    }
}

/// `2026-01-02 15:04 UTC` from epoch seconds.
pub(crate) fn format_time(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| epoch.to_string())
}
