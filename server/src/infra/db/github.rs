//! GitHub identities linked to accounts, OAuth flows in progress, and pending sign-ups.

use super::sql::*;

use super::{now_millis, Db, DbError, Tx, UserId, UserRecord};

/// A linked GitHub account. The token stays sealed until the GitHub client needs it.
#[derive(Debug, Clone)]
pub struct GitHubLink {
    pub user_id: UserId,
    pub github_id: i64,
    pub login: String,
    pub avatar_url: Option<String>,
    pub token_sealed: String,
    pub scopes: String,
}

/// A GitHub identity, as `GET /user` and the token endpoint gave it.
#[derive(Debug, Clone)]
pub struct GitHubIdentity {
    pub github_id: i64,
    pub login: String,
    pub avatar_url: Option<String>,
    pub token_sealed: String,
    pub scopes: String,
}

/// What an OAuth flow remembers between the redirect to GitHub and the callback.
#[derive(Debug, Clone)]
pub struct OAuthFlow {
    pub browser_mac: String,
    pub purpose: String,
    pub user_id: Option<UserId>,
    pub verifier_sealed: String,
    pub redirect_uri: String,
    pub private_access: bool,
    pub expires_at: i64,
}

fn link_from_row(row: &Row) -> Result<GitHubLink, sqlx::Error> {
    Ok(GitHubLink {
        user_id: row.try_get("user_id")?,
        github_id: row.try_get("github_id")?,
        login: row.try_get("login")?,
        avatar_url: row.try_get("avatar_url")?,
        token_sealed: row.try_get("token_sealed")?,
        scopes: row.try_get("scopes")?,
    })
}

impl Db {
    /// Links (or re-links, with a fresh token) a GitHub identity to an account. A GitHub
    /// account already linked to another Wharf account is a [`DbError::Conflict`].
    pub async fn link_github(&self, user_id: UserId, id: &GitHubIdentity) -> Result<(), DbError> {
        let mut tx = self.begin().await?;
        tx.link_github(user_id, id).await?;
        tx.commit().await
    }

    pub async fn github_link(&self, user_id: UserId) -> Result<Option<GitHubLink>, DbError> {
        let row = query("SELECT * FROM github_links WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(link_from_row).transpose()?)
    }

    /// The account a GitHub identity signs in to, if one linked it.
    pub async fn github_sign_in(&self, id: &GitHubIdentity) -> Result<Option<UserRecord>, DbError> {
        let user_id: Option<UserId> =
            query_scalar("SELECT user_id FROM github_links WHERE github_id = $1")
                .bind(id.github_id)
                .fetch_optional(&self.pool)
                .await?;
        match user_id {
            Some(user_id) => Ok(Some(self.find_user_by_id(user_id).await?)),
            None => Ok(None),
        }
    }

    pub async fn unlink_github(&self, user_id: UserId) -> Result<(), DbError> {
        query("DELETE FROM github_links WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_oauth_flow(&self, state_mac: &str, f: &OAuthFlow) -> Result<(), DbError> {
        // Old flows are only clutter: drop the expired ones on the way.
        query("DELETE FROM github_oauth_flows WHERE expires_at <= $1")
            .bind(now_millis())
            .execute(&self.pool)
            .await?;
        query(
            "INSERT INTO github_oauth_flows (state_mac, browser_mac, purpose, user_id, \
             verifier_sealed, redirect_uri, private_access, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(state_mac)
        .bind(&f.browser_mac)
        .bind(&f.purpose)
        .bind(f.user_id)
        .bind(&f.verifier_sealed)
        .bind(&f.redirect_uri)
        .bind(f.private_access)
        .bind(f.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes and returns the flow a callback's `state` names: a state works once.
    pub async fn take_oauth_flow(&self, state_mac: &str) -> Result<Option<OAuthFlow>, DbError> {
        let row = query("DELETE FROM github_oauth_flows WHERE state_mac = $1 RETURNING *")
            .bind(state_mac)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(OAuthFlow {
            browser_mac: row.try_get("browser_mac")?,
            purpose: row.try_get("purpose")?,
            user_id: row.try_get("user_id")?,
            verifier_sealed: row.try_get("verifier_sealed")?,
            redirect_uri: row.try_get("redirect_uri")?,
            private_access: row.try_get("private_access")?,
            expires_at: row.try_get("expires_at")?,
        }))
    }

    pub async fn put_pending_signup(
        &self,
        browser_mac: &str,
        id: &GitHubIdentity,
        expires_at: i64,
    ) -> Result<(), DbError> {
        query("DELETE FROM github_pending_signups WHERE expires_at <= $1")
            .bind(now_millis())
            .execute(&self.pool)
            .await?;
        query(
            "INSERT INTO github_pending_signups (browser_mac, github_id, login, avatar_url, \
             token_sealed, scopes, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (browser_mac) DO UPDATE SET github_id = excluded.github_id, \
             login = excluded.login, avatar_url = excluded.avatar_url, \
             token_sealed = excluded.token_sealed, scopes = excluded.scopes, \
             expires_at = excluded.expires_at",
        )
        .bind(browser_mac)
        .bind(id.github_id)
        .bind(&id.login)
        .bind(&id.avatar_url)
        .bind(&id.token_sealed)
        .bind(&id.scopes)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The GitHub identity waiting for this browser's sign-up, if it has not expired.
    pub async fn pending_signup(
        &self,
        browser_mac: &str,
    ) -> Result<Option<GitHubIdentity>, DbError> {
        let row = query(
            "SELECT * FROM github_pending_signups WHERE browser_mac = $1 AND expires_at > $2",
        )
        .bind(browser_mac)
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(GitHubIdentity {
            github_id: row.try_get("github_id")?,
            login: row.try_get("login")?,
            avatar_url: row.try_get("avatar_url")?,
            token_sealed: row.try_get("token_sealed")?,
            scopes: row.try_get("scopes")?,
        }))
    }
}

impl Tx {
    /// Links (or re-links, with a fresh token) a GitHub identity to an account. A GitHub
    /// account already linked to another Wharf account is a [`DbError::Conflict`].
    pub async fn link_github(
        &mut self,
        user_id: UserId,
        id: &GitHubIdentity,
    ) -> Result<(), DbError> {
        let now = now_millis();
        let other: Option<i64> =
            query_scalar("SELECT user_id FROM github_links WHERE github_id = $1")
                .bind(id.github_id)
                .fetch_optional(self.conn())
                .await?;
        if other.is_some_and(|o| o != user_id.0) {
            return Err(DbError::Conflict);
        }
        query(
            "INSERT INTO github_links (user_id, github_id, login, avatar_url, token_sealed, \
             scopes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (user_id) DO UPDATE SET github_id = excluded.github_id, \
             login = excluded.login, avatar_url = excluded.avatar_url, \
             token_sealed = excluded.token_sealed, scopes = excluded.scopes, \
             updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(id.github_id)
        .bind(&id.login)
        .bind(&id.avatar_url)
        .bind(&id.token_sealed)
        .bind(&id.scopes)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Forgets a pending "create an account for this GitHub login" (it was used).
    pub async fn delete_pending_signup(&mut self, browser_mac: &str) -> Result<(), DbError> {
        query("DELETE FROM github_pending_signups WHERE browser_mac = $1")
            .bind(browser_mac)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
