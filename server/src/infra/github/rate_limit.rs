//! GitHub's rate limits as the client sees them: the budget from `x-ratelimit-*`, and
//! how long to wait after a 403/429 (the rules of GitHub's "best practices" page).

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WaitReason {
    /// The hourly budget is spent (`x-ratelimit-remaining: 0`).
    PrimaryLimit,
    /// A secondary limit (too many requests too fast, `retry-after`).
    SecondaryLimit,
}

/// A wait in progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Waiting {
    /// Epoch seconds.
    pub until: i64,
    pub reason: WaitReason,
}

impl Waiting {
    /// "GitHub rate limit: waiting until 2026-01-02 15:04:05 UTC".
    pub fn message(&self) -> String {
        format!(
            "GitHub rate limit: waiting until {}",
            super::error::format_time(self.until)
        )
    }
}

/// One token's rate-limit budget, as of GitHub's last answer, and any wait in progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RateState {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub used: Option<u64>,
    /// Epoch seconds when the budget renews.
    pub reset: Option<i64>,
    pub resource: Option<String>,
    pub waiting: Option<Waiting>,
}

impl RateState {
    /// Takes the `x-ratelimit-*` headers of an answer (fields absent stay as they were).
    pub fn update(&mut self, headers: &HeaderMap) {
        let num = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<i64>().ok())
        };
        if let Some(v) = num("x-ratelimit-limit") {
            self.limit = Some(v.max(0) as u64);
        }
        if let Some(v) = num("x-ratelimit-remaining") {
            self.remaining = Some(v.max(0) as u64);
        }
        if let Some(v) = num("x-ratelimit-used") {
            self.used = Some(v.max(0) as u64);
        }
        if let Some(v) = num("x-ratelimit-reset") {
            self.reset = Some(v);
        }
        if let Some(v) = headers
            .get("x-ratelimit-resource")
            .and_then(|v| v.to_str().ok())
        {
            self.resource = Some(v.to_owned());
        }
    }
}

/// How long to wait for GitHub's limits, and when to give up.
#[derive(Clone, Debug)]
pub struct RateLimitPolicy {
    /// The longest one request may spend waiting in total (default 65 minutes: a primary
    /// window is an hour).
    pub max_wait: Duration,
    /// The first wait for a secondary limit without `retry-after` (GitHub: at least a
    /// minute), doubled each time.
    pub backoff_base: Duration,
    /// How many times one request is retried after rate-limit answers.
    pub max_retries: u32,
}

impl Default for RateLimitPolicy {
    fn default() -> Self {
        RateLimitPolicy {
            max_wait: Duration::from_secs(65 * 60),
            backoff_base: Duration::from_secs(60),
            max_retries: 6,
        }
    }
}

fn header_i64(headers: &HeaderMap, name: &str) -> Option<i64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Whether a 403/429 answer is a rate limit, and if so how long to wait before retry
/// number `attempt + 1`. `now_ms` is the epoch in milliseconds.
pub(crate) fn wait_for(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    now_ms: i64,
    attempt: u32,
    policy: &RateLimitPolicy,
) -> Option<(Duration, WaitReason)> {
    if status != 403 && status != 429 {
        return None;
    }
    let remaining = header_i64(headers, "x-ratelimit-remaining");
    let backoff = || {
        policy
            .backoff_base
            .saturating_mul(2u32.saturating_pow(attempt.min(16)))
    };
    if let Some(secs) = header_i64(headers, "retry-after") {
        let reason = if remaining == Some(0) {
            WaitReason::PrimaryLimit
        } else {
            WaitReason::SecondaryLimit
        };
        return Some((Duration::from_secs(secs.max(0) as u64), reason));
    }
    if remaining == Some(0) {
        let wait = match header_i64(headers, "x-ratelimit-reset") {
            Some(reset) => Duration::from_millis((reset * 1000 - now_ms).max(0) as u64),
            None => backoff(),
        };
        return Some((wait, WaitReason::PrimaryLimit));
    }
    let message = String::from_utf8_lossy(&body[..body.len().min(2000)]).to_ascii_lowercase();
    if status == 429 || message.contains("secondary rate limit") || message.contains("abuse") {
        return Some((backoff(), WaitReason::SecondaryLimit));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn retry_after_wins() {
        let p = RateLimitPolicy::default();
        let h = headers(&[("retry-after", "3")]);
        assert_eq!(
            wait_for(429, &h, b"", 0, 0, &p),
            Some((Duration::from_secs(3), WaitReason::SecondaryLimit))
        );
    }

    #[test]
    fn primary_waits_until_reset() {
        let p = RateLimitPolicy::default();
        let h = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "100")]);
        assert_eq!(
            wait_for(403, &h, b"", 98_500, 0, &p),
            Some((Duration::from_millis(1500), WaitReason::PrimaryLimit))
        );
        assert_eq!(
            wait_for(403, &h, b"", 200_000, 0, &p).unwrap().0,
            Duration::ZERO
        );
    }

    #[test]
    fn secondary_messages_back_off_exponentially() {
        let p = RateLimitPolicy::default();
        let body = br#"{"message":"You have exceeded a secondary rate limit."}"#;
        let h = HeaderMap::new();
        assert_eq!(
            wait_for(403, &h, body, 0, 0, &p).unwrap().0,
            Duration::from_secs(60)
        );
        assert_eq!(
            wait_for(403, &h, body, 0, 2, &p).unwrap().0,
            Duration::from_secs(240)
        );
    }

    #[test]
    fn a_plain_403_is_not_a_rate_limit() {
        let p = RateLimitPolicy::default();
        let h = headers(&[("x-ratelimit-remaining", "4000")]);
        assert_eq!(
            wait_for(
                403,
                &h,
                b"{\"message\":\"Resource not accessible\"}",
                0,
                0,
                &p
            ),
            None
        );
        assert_eq!(wait_for(404, &h, b"", 0, 0, &p), None);
    }

    #[test]
    fn state_follows_headers() {
        let mut s = RateState::default();
        s.update(&headers(&[
            ("x-ratelimit-limit", "5000"),
            ("x-ratelimit-remaining", "4990"),
            ("x-ratelimit-reset", "1700000000"),
        ]));
        assert_eq!(
            (s.limit, s.remaining, s.reset),
            (Some(5000), Some(4990), Some(1_700_000_000))
        );
        s.update(&HeaderMap::new());
        assert_eq!(s.remaining, Some(4990));
    }
}
