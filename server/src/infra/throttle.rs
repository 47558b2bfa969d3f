//! Slows down guessing: after a few failures for the same key (a user name), each further
//! attempt must wait, doubling up to a ceiling. A success clears the key.
//!
//! The failures live in the database (`auth_failures`), so every replica on it sees the
//! same count: an attacker cannot multiply attempts by spreading them over replicas.

use std::time::Duration;

use crate::infra::db::{now_millis, Db};

/// Failures allowed before waiting starts.
const FREE_FAILURES: i64 = 5;
const FIRST_WAIT: Duration = Duration::from_secs(1);
const MAX_WAIT: Duration = Duration::from_secs(300);
/// Entries older than this are forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(3600);

/// How long a key with `failures` failures, the last `since_last` ago, must still wait.
fn wait_left(failures: i64, since_last: Duration) -> Option<Duration> {
    if failures < FREE_FAILURES {
        return None;
    }
    let exponent = (failures - FREE_FAILURES).min(16) as u32;
    let wait = (FIRST_WAIT * 2u32.pow(exponent)).min(MAX_WAIT);
    wait.checked_sub(since_last).filter(|w| !w.is_zero())
}

#[derive(Debug, Clone)]
pub struct Throttle {
    db: Db,
}

impl Throttle {
    pub fn new(db: Db) -> Throttle {
        Throttle { db }
    }

    /// `Err(wait)` when `key` must wait before trying again. A database that does not
    /// answer lets the attempt through: the credential check then fails on it anyway.
    pub async fn check(&self, key: &str) -> Result<(), Duration> {
        let Some((failures, last)) = self.db.auth_failures(key).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not read the sign-in throttle");
            None
        }) else {
            return Ok(());
        };
        let since = Duration::from_millis(now_millis().saturating_sub(last).max(0) as u64);
        match wait_left(failures, since) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    pub async fn failure(&self, key: &str) {
        let now = now_millis();
        let forget = now - FORGET_AFTER.as_millis() as i64;
        if let Err(e) = self.db.add_auth_failure(key, now, forget).await {
            tracing::warn!(error = %e, "could not record a failed sign-in");
        }
    }

    pub async fn success(&self, key: &str) {
        if let Err(e) = self.db.clear_auth_failures(key).await {
            tracing::warn!(error = %e, "could not clear the sign-in throttle");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_free_failures_and_double() {
        for n in 0..FREE_FAILURES {
            assert_eq!(wait_left(n, Duration::ZERO), None);
        }
        assert_eq!(wait_left(5, Duration::ZERO), Some(Duration::from_secs(1)));
        assert_eq!(wait_left(5, Duration::from_secs(1)), None);
        assert_eq!(wait_left(6, Duration::ZERO), Some(Duration::from_secs(2)));
        assert_eq!(
            wait_left(6, Duration::from_millis(500)),
            Some(Duration::from_millis(1500))
        );
    }

    #[test]
    fn waits_are_capped() {
        assert_eq!(wait_left(40, Duration::ZERO), Some(MAX_WAIT));
    }

    /// Two throttles on one database (two replicas) count the same failures.
    #[tokio::test]
    async fn replicas_on_one_database_share_the_count() {
        let dir = tempfile::tempdir().unwrap();
        let a = Throttle::new(Db::open_sqlite(&dir.path().join("w.db")).await.unwrap());
        let b = Throttle::new(Db::open_sqlite(&dir.path().join("w.db")).await.unwrap());
        for i in 0..FREE_FAILURES {
            let t = if i % 2 == 0 { &a } else { &b };
            assert!(t.check("alice").await.is_ok());
            t.failure("alice").await;
        }
        assert!(a.check("alice").await.is_err());
        assert!(b.check("alice").await.is_err(), "the other replica knows");
        assert!(b.check("bob").await.is_ok(), "keys are separate");
        a.success("alice").await;
        assert!(b.check("alice").await.is_ok());
    }
}
