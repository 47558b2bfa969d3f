//! Browser sessions.

use super::sql::*;

use super::{now_millis, Db, DbError, UserId, UserRecord};

impl Db {
    pub async fn insert_session(
        &self,
        id_mac: &str,
        user_id: UserId,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<(), DbError> {
        query(
            "INSERT INTO sessions (id_mac, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id_mac)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now_millis())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session's user and CSRF token, if the session exists and has not expired.
    pub async fn find_session(&self, id_mac: &str) -> Result<(UserRecord, String), DbError> {
        let row =
            query("SELECT user_id, csrf_token FROM sessions WHERE id_mac = $1 AND expires_at > $2")
                .bind(id_mac)
                .bind(now_millis())
                .fetch_optional(&self.pool)
                .await?
                .ok_or(DbError::NotFound)?;
        let user_id: UserId = row.try_get("user_id")?;
        let csrf: String = row.try_get("csrf_token")?;
        Ok((self.find_user_by_id(user_id).await?, csrf))
    }

    pub async fn delete_session(&self, id_mac: &str) -> Result<(), DbError> {
        query("DELETE FROM sessions WHERE id_mac = $1")
            .bind(id_mac)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
