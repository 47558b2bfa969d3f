//! Users (subjects).

use super::sql::*;

use super::{now_millis, Db, DbError, Tx, UserId};

/// What creating a user stores. Secrets arrive already hashed or sealed.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub name_key: &'a str,
    pub password_hash: &'a str,
    pub api_key_mac: &'a str,
    pub api_key_sealed: &'a str,
    pub is_admin: bool,
    pub is_premium: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub name: String,
    pub password_hash: String,
    pub api_key_mac: String,
    pub api_key_sealed: String,
    pub is_admin: bool,
    pub is_premium: bool,
    pub created_at: i64,
}

const USER_COLUMNS: &str = "id, name, password_hash, api_key_mac, api_key_sealed, \
                            is_admin, is_premium, created_at";

fn user_from_row(row: &Row) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        password_hash: row.try_get("password_hash")?,
        api_key_mac: row.try_get("api_key_mac")?,
        api_key_sealed: row.try_get("api_key_sealed")?,
        is_admin: row.try_get("is_admin")?,
        is_premium: row.try_get("is_premium")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Db {
    /// Finds a user by name, in any case.
    pub async fn find_user_by_name(&self, name_key: &str) -> Result<UserRecord, DbError> {
        find_user_by_name(&self.pool, name_key).await
    }

    pub async fn find_user_by_id(&self, id: UserId) -> Result<UserRecord, DbError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(DbError::NotFound)?;
        Ok(user_from_row(&row)?)
    }

    /// Puts the user on the Premium plan, or back on the Free one.
    pub async fn set_premium(&self, id: UserId, premium: bool) -> Result<(), DbError> {
        query("UPDATE users SET is_premium = $1 WHERE id = $2")
            .bind(premium)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Replaces the user's API key (the old one stops working at once).
    pub async fn set_api_key(&self, id: UserId, mac: &str, sealed: &str) -> Result<(), DbError> {
        query("UPDATE users SET api_key_mac = $1, api_key_sealed = $2 WHERE id = $3")
            .bind(mac)
            .bind(sealed)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn count_users(&self) -> Result<i64, DbError> {
        let n: i64 = query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}

async fn find_user_by_name<'e>(
    ex: impl Into<Ex<'e>>,
    name_key: &str,
) -> Result<UserRecord, DbError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE name_key = $1");
    let row = query(&sql)
        .bind(name_key)
        .fetch_optional(ex)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(user_from_row(&row)?)
}

impl Tx {
    /// Adds an account; its id. [`DbError::Conflict`] when the name (in any case) is taken.
    pub async fn insert_user(&mut self, user: &NewUser<'_>) -> Result<i64, DbError> {
        let id: i64 = query_scalar(
            "INSERT INTO users (name, name_key, password_hash, api_key_mac, api_key_sealed, \
             is_admin, is_premium, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id",
        )
        .bind(user.name)
        .bind(user.name_key)
        .bind(user.password_hash)
        .bind(user.api_key_mac)
        .bind(user.api_key_sealed)
        .bind(user.is_admin)
        .bind(user.is_premium)
        .bind(now_millis())
        .fetch_one(self.conn())
        .await
        .map_err(DbError::from_write)?;
        Ok(id)
    }

    /// [`Db::find_user_by_name`] inside the unit of work.
    pub async fn find_user_by_name(&mut self, name_key: &str) -> Result<UserRecord, DbError> {
        find_user_by_name(self.conn(), name_key).await
    }
}
