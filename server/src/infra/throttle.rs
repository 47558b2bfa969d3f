//! Slows down guessing: after a few failures for the same key (a user name), each further
//! attempt must wait, doubling up to a ceiling. A success clears the key.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed before waiting starts.
const FREE_FAILURES: u32 = 5;
const FIRST_WAIT: Duration = Duration::from_secs(1);
const MAX_WAIT: Duration = Duration::from_secs(300);
/// Entries older than this are forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(3600);

#[derive(Debug, Default)]
pub struct Throttle {
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
}

impl Throttle {
    /// `Err(wait)` when `key` must wait before trying again.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let entries = self.entries.lock().expect("throttle lock");
        let Some(e) = entries.get(key) else {
            return Ok(());
        };
        if e.failures < FREE_FAILURES {
            return Ok(());
        }
        let exponent = (e.failures - FREE_FAILURES).min(16);
        let wait = (FIRST_WAIT * 2u32.pow(exponent)).min(MAX_WAIT);
        let ready = e.last + wait;
        if now >= ready {
            Ok(())
        } else {
            Err(ready - now)
        }
    }

    pub fn failure(&self, key: &str, now: Instant) {
        let mut entries = self.entries.lock().expect("throttle lock");
        if entries.len() > 100_000 {
            entries.retain(|_, e| now.duration_since(e.last) < FORGET_AFTER);
        }
        let e = entries.entry(key.to_owned()).or_insert(Entry {
            failures: 0,
            last: now,
        });
        e.failures += 1;
        e.last = now;
    }

    pub fn success(&self, key: &str) {
        self.entries.lock().expect("throttle lock").remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_free_failures_and_double() {
        let t = Throttle::default();
        let start = Instant::now();
        for _ in 0..FREE_FAILURES {
            assert!(t.check("alice", start).is_ok());
            t.failure("alice", start);
        }
        assert_eq!(t.check("alice", start), Err(Duration::from_secs(1)));
        assert!(t.check("alice", start + Duration::from_secs(1)).is_ok());
        t.failure("alice", start);
        assert_eq!(t.check("alice", start), Err(Duration::from_secs(2)));
        assert!(t.check("bob", start).is_ok(), "keys are separate");
        t.success("alice");
        assert!(t.check("alice", start).is_ok());
    }

    #[test]
    fn waits_are_capped() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..40 {
            t.failure("x", now);
        }
        assert_eq!(t.check("x", now), Err(MAX_WAIT));
    }
}
