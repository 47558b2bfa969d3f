//! Accounts: creating users with a password and an API key.

use std::fmt;

use app::domain::names::{NameError, SubjectName};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;

use crate::db::{Db, DbError, NewUser, UserRecord};
use crate::secrets::Secrets;

/// What [`Secrets::mac`] is keyed with for API keys.
pub const API_KEY_PURPOSE: &str = "api-key";

const PASSWORD_MIN: usize = 8;
const PASSWORD_MAX: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    InvalidName(#[from] NameError),
    #[error("the password must be between {PASSWORD_MIN} and {PASSWORD_MAX} characters long")]
    BadPassword,
    #[error("the name \"{0}\" is already taken")]
    NameTaken(String),
    #[error(transparent)]
    Db(DbError),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// An API key in the clear: shown to its owner, never logged (`Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// 160 random bits as 40 lowercase hex digits, the shape of Bintray's keys.
    pub fn generate() -> ApiKey {
        let mut bytes = [0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        ApiKey(hex::encode(bytes))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(..)")
    }
}

pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Creates an account and returns it with its API key in the clear (the only time the
/// caller gets it without asking for it again).
pub async fn create_user(
    db: &Db,
    secrets: &Secrets,
    name: &str,
    password: &str,
    is_admin: bool,
    is_premium: bool,
) -> Result<(UserRecord, ApiKey), AccountError> {
    let name = SubjectName::parse(name)?;
    let chars = password.chars().count();
    if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&chars) {
        return Err(AccountError::BadPassword);
    }
    let password_hash = hash_password(password)?;
    let key = ApiKey::generate();
    let name_key = name.key();
    db.insert_user(&NewUser {
        name: name.as_str(),
        name_key: &name_key,
        password_hash: &password_hash,
        api_key_mac: &secrets.mac(API_KEY_PURPOSE, key.expose()),
        api_key_sealed: &secrets.seal(key.expose()),
        is_admin,
        is_premium,
    })
    .await
    .map_err(|e| match e {
        DbError::Conflict => AccountError::NameTaken(name.to_string()),
        other => AccountError::Db(other),
    })?;
    let user = db
        .find_user_by_name(&name_key)
        .await
        .map_err(AccountError::Db)?;
    Ok((user, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_sqlite(&dir.path().join("t.db")).await.unwrap();
        (dir, db)
    }

    #[test]
    fn api_keys_are_random_hex_and_hidden_from_debug() {
        let a = ApiKey::generate();
        assert_eq!(a.expose().len(), 40);
        assert!(a.expose().chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, ApiKey::generate());
        assert_eq!(format!("{a:?}"), "ApiKey(..)");
    }

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[tokio::test]
    async fn created_user_is_stored_with_only_derived_secrets() {
        let (_dir, db) = db().await;
        let secrets = Secrets::for_tests(3);
        let (user, key) = create_user(&db, &secrets, "Alice", "s3cret-pass", true, false)
            .await
            .unwrap();
        assert_eq!(user.name, "Alice");
        assert!(user.is_admin && !user.is_premium);
        assert!(secrets.verify_mac(API_KEY_PURPOSE, key.expose(), &user.api_key_mac));
        assert!(!user.api_key_sealed.contains(key.expose()));
        assert_eq!(secrets.open(&user.api_key_sealed).unwrap(), key.expose());
        assert!(verify_password("s3cret-pass", &user.password_hash));
    }

    #[tokio::test]
    async fn names_are_unique_in_any_case_and_validated() {
        let (_dir, db) = db().await;
        let s = Secrets::for_tests(3);
        create_user(&db, &s, "alice", "password1", false, false)
            .await
            .unwrap();
        let err = create_user(&db, &s, "ALICE", "password1", false, false)
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "the name \"ALICE\" is already taken");
        let err = create_user(&db, &s, "repos", "password1", false, false)
            .await
            .unwrap_err();
        assert!(matches!(err, AccountError::InvalidName(_)));
        let err = create_user(&db, &s, "bob", "short", false, false)
            .await
            .unwrap_err();
        assert!(matches!(err, AccountError::BadPassword));
        assert_eq!(db.count_users().await.unwrap(), 1);
    }
}
