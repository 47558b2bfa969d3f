//! Named leases and the shared sign-in throttle: state that several replicas on one
//! database share instead of keeping it in memory (issue 12). Times are epoch ms.

use super::sql::*;
use super::{Db, DbError};

impl Db {
    /// Takes the lease `name` for `holder` until `until` when it is free, `holder`'s
    /// already, or ran out by `now`; whether `holder` holds it now. One statement, so two
    /// replicas cannot both get it.
    pub async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, DbError> {
        let done = query(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
             expires_at = excluded.expires_at \
             WHERE leases.holder = excluded.holder OR leases.expires_at < $4",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives the lease back, if `holder` has it.
    pub async fn drop_lease(&self, name: &str, holder: &str) -> Result<(), DbError> {
        query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The failures recorded for `key`: how many and when the last was, if any.
    pub async fn auth_failures(&self, key: &str) -> Result<Option<(i64, i64)>, DbError> {
        Ok(
            query_as("SELECT failures, last_at FROM auth_failures WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Counts one more failure for `key` at `now`, forgetting entries older than
    /// `forget_before` once in a while (when the key is new).
    pub async fn add_auth_failure(
        &self,
        key: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<(), DbError> {
        let done =
            query("UPDATE auth_failures SET failures = failures + 1, last_at = $1 WHERE key = $2")
                .bind(now)
                .bind(key)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            query("DELETE FROM auth_failures WHERE last_at < $1")
                .bind(forget_before)
                .execute(&self.pool)
                .await?;
            query(
                "INSERT INTO auth_failures (key, failures, last_at) VALUES ($1, 1, $2) \
                 ON CONFLICT (key) DO UPDATE SET failures = auth_failures.failures + 1, \
                 last_at = excluded.last_at",
            )
            .bind(key)
            .bind(now)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Forgets `key`'s failures (a success). Reads first: most successes had none, and
    /// a read costs no write lock.
    pub async fn clear_auth_failures(&self, key: &str) -> Result<(), DbError> {
        if self.auth_failures(key).await?.is_some() {
            query("DELETE FROM auth_failures WHERE key = $1")
                .bind(key)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }
}
