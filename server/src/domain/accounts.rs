//! Accounts: creating users with a password and an API key.

use std::fmt;

use app::domain::names::{NameError, SubjectName};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;

use std::time::Duration;

use crate::infra::db::{now_millis, Db, DbError, GitHubIdentity, NewUser, Tx, UserId, UserRecord};
use crate::infra::secrets::Secrets;
use crate::infra::throttle::Throttle;

/// What [`Secrets::mac`] is keyed with for API keys.
pub const API_KEY_PURPOSE: &str = "api-key";
/// What [`Secrets::mac`] is keyed with for session ids.
pub const SESSION_PURPOSE: &str = "session";
/// How long a browser session lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

use app::domain::form_text::{PASSWORD_MAX, PASSWORD_MIN};

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
    #[error("wrong user name or password")]
    BadCredentials,
    #[error("the password is not right")]
    WrongPassword,
    #[error("too many failed attempts; try again in {} seconds", .0.as_secs().max(1))]
    Throttled(Duration),
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
    let account = NewAccount::prepare(secrets, name, password, is_admin, is_premium)?;
    let mut tx = db.begin().await.map_err(AccountError::Db)?;
    let created = account.insert(&mut tx).await?;
    tx.commit().await.map_err(AccountError::Db)?;
    Ok(created)
}

/// A GitHub identity waiting to become an account ("Create an account for this GitHub
/// login"), and the browser it waits for (the HMAC of its flow cookie).
pub struct PendingGitHub {
    pub browser_mac: String,
    pub identity: GitHubIdentity,
}

/// Sign-up, as one unit of work. It creates the account and, when `github` is given,
/// links that GitHub identity to it and uses up the pending sign-up. Either all of that
/// is written or none of it. An identity that some other account linked in the meantime
/// stays with that account, and the new account is created without it.
pub async fn sign_up(
    db: &Db,
    secrets: &Secrets,
    name: &str,
    password: &str,
    github: Option<PendingGitHub>,
) -> Result<UserRecord, AccountError> {
    let account = NewAccount::prepare(secrets, name, password, false, false)?;
    let mut tx = db.begin().await.map_err(AccountError::Db)?;
    let (user, _) = account.insert(&mut tx).await?;
    if let Some(pending) = github {
        match tx.link_github(user.id, &pending.identity).await {
            Ok(()) => {}
            Err(DbError::Conflict) => {
                tracing::info!("a pending GitHub sign-up was linked meanwhile");
            }
            Err(e) => return Err(AccountError::Db(e)),
        }
        tx.delete_pending_signup(&pending.browser_mac)
            .await
            .map_err(AccountError::Db)?;
    }
    tx.commit().await.map_err(AccountError::Db)?;
    Ok(user)
}

/// An account checked and hashed, ready to be written. The slow part (argon2) is done
/// before any unit of work begins, so the write lock is not held during it.
pub struct NewAccount {
    name: SubjectName,
    password_hash: String,
    key: ApiKey,
    api_key_mac: String,
    api_key_sealed: String,
    is_admin: bool,
    is_premium: bool,
}

impl NewAccount {
    /// Checks the name ([`SubjectName`]) and the password length, and hashes the password.
    pub fn prepare(
        secrets: &Secrets,
        name: &str,
        password: &str,
        is_admin: bool,
        is_premium: bool,
    ) -> Result<NewAccount, AccountError> {
        let name = SubjectName::parse(name)?;
        let chars = password.chars().count();
        if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&chars) {
            return Err(AccountError::BadPassword);
        }
        let key = ApiKey::generate();
        Ok(NewAccount {
            name,
            password_hash: hash_password(password)?,
            api_key_mac: secrets.mac(API_KEY_PURPOSE, key.expose()),
            api_key_sealed: secrets.seal(key.expose()),
            key,
            is_admin,
            is_premium,
        })
    }

    /// Writes the account in `tx`. Errors: [`AccountError::NameTaken`] when the name is
    /// taken in any case.
    pub async fn insert(self, tx: &mut Tx) -> Result<(UserRecord, ApiKey), AccountError> {
        let name_key = self.name.key();
        tx.insert_user(&NewUser {
            name: self.name.as_str(),
            name_key: &name_key,
            password_hash: &self.password_hash,
            api_key_mac: &self.api_key_mac,
            api_key_sealed: &self.api_key_sealed,
            is_admin: self.is_admin,
            is_premium: self.is_premium,
        })
        .await
        .map_err(|e| match e {
            DbError::Conflict => AccountError::NameTaken(self.name.to_string()),
            other => AccountError::Db(other),
        })?;
        let user = tx
            .find_user_by_name(&name_key)
            .await
            .map_err(AccountError::Db)?;
        Ok((user, self.key))
    }
}

/// A new browser session: the cookie value (shown once, stored only as an HMAC) and the
/// CSRF token the page must echo on every change.
#[derive(Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
}

/// `bytes` random bytes from the OS, as lowercase hex.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

pub async fn start_session(
    db: &Db,
    secrets: &Secrets,
    user_id: UserId,
) -> Result<NewSession, AccountError> {
    let session = NewSession {
        token: random_hex(32),
        csrf_token: random_hex(32),
    };
    let expires = now_millis() + SESSION_LIFETIME.as_millis() as i64;
    db.insert_session(
        &secrets.mac(SESSION_PURPOSE, &session.token),
        user_id,
        &session.csrf_token,
        expires,
    )
    .await
    .map_err(AccountError::Db)?;
    Ok(session)
}

/// The user and CSRF token of a live session.
pub async fn resolve_session(
    db: &Db,
    secrets: &Secrets,
    token: &str,
) -> Result<Option<(UserRecord, String)>, AccountError> {
    match db.find_session(&secrets.mac(SESSION_PURPOSE, token)).await {
        Ok(found) => Ok(Some(found)),
        Err(DbError::NotFound) => Ok(None),
        Err(e) => Err(AccountError::Db(e)),
    }
}

pub async fn end_session(db: &Db, secrets: &Secrets, token: &str) -> Result<(), AccountError> {
    db.delete_session(&secrets.mac(SESSION_PURPOSE, token))
        .await
        .map_err(AccountError::Db)
}

/// Checks a name and password, slowing down repeated failures for the same name.
pub async fn sign_in(
    db: &Db,
    throttle: &Throttle,
    name: &str,
    password: &str,
) -> Result<UserRecord, AccountError> {
    let key = name.trim().to_ascii_lowercase();
    throttle
        .check(&key)
        .await
        .map_err(AccountError::Throttled)?;
    let user = match db.find_user_by_name(&key).await {
        Ok(u) => Some(u),
        Err(DbError::NotFound) => None,
        Err(e) => return Err(AccountError::Db(e)),
    };
    // Verify against a real hash even for an unknown name, so timing does not tell.
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a password").unwrap_or_default());
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.as_str())
        .unwrap_or(dummy);
    let ok = verify_password(password, stored);
    match user {
        Some(u) if ok => {
            throttle.success(&key).await;
            Ok(u)
        }
        _ => {
            throttle.failure(&key).await;
            Err(AccountError::BadCredentials)
        }
    }
}

/// Re-checks the signed-in user's password before a sensitive action.
async fn confirm_password(
    throttle: &Throttle,
    user: &UserRecord,
    password: &str,
) -> Result<(), AccountError> {
    let key = user.name.to_ascii_lowercase();
    throttle
        .check(&key)
        .await
        .map_err(AccountError::Throttled)?;
    if verify_password(password, &user.password_hash) {
        throttle.success(&key).await;
        Ok(())
    } else {
        throttle.failure(&key).await;
        Err(AccountError::WrongPassword)
    }
}

/// The user's API key in the clear, after their password.
pub async fn reveal_api_key(
    secrets: &Secrets,
    throttle: &Throttle,
    user: &UserRecord,
    password: &str,
) -> Result<ApiKey, AccountError> {
    confirm_password(throttle, user, password).await?;
    secrets
        .open(&user.api_key_sealed)
        .map(ApiKey)
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

/// A new API key for the user, after their password; the old one stops working at once.
pub async fn regenerate_api_key(
    db: &Db,
    secrets: &Secrets,
    throttle: &Throttle,
    user: &UserRecord,
    password: &str,
) -> Result<ApiKey, AccountError> {
    confirm_password(throttle, user, password).await?;
    let key = ApiKey::generate();
    db.set_api_key(
        user.id,
        &secrets.mac(API_KEY_PURPOSE, key.expose()),
        &secrets.seal(key.expose()),
    )
    .await
    .map_err(AccountError::Db)?;
    Ok(key)
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

    fn identity(github_id: i64) -> GitHubIdentity {
        GitHubIdentity {
            github_id,
            login: format!("octo{github_id}"),
            avatar_url: None,
            token_sealed: "sealed".into(),
            scopes: "read:user".into(),
        }
    }

    /// Makes every insert into `table` of the database at `path` fail, as a crash or a
    /// full disk would at that step: a real SQLite trigger, no hook in the code.
    async fn fail_inserts_into(path: &std::path::Path, table: &str) {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .connect()
            .await
            .unwrap();
        sqlx::query(&format!(
            "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} \
             BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    }

    /// Issue 11 item 1: a sign-up from a GitHub identity is one unit of work. If linking
    /// the identity fails after the account row was written, there is no account.
    #[tokio::test]
    async fn a_sign_up_that_fails_after_its_first_step_writes_nothing() {
        let (dir, db) = db().await;
        let s = Secrets::for_tests(5);
        fail_inserts_into(&dir.path().join("t.db"), "github_links").await;
        let pending = PendingGitHub {
            browser_mac: "mac".into(),
            identity: identity(41),
        };
        let err = sign_up(&db, &s, "newbie", "password1", Some(pending))
            .await
            .unwrap_err();
        assert!(matches!(err, AccountError::Db(_)), "{err:?}");
        assert!(matches!(
            db.find_user_by_name("newbie").await,
            Err(DbError::NotFound)
        ));
        // Without the failing step the same sign-up goes through, and the name is free.
        let user = sign_up(&db, &s, "newbie", "password1", None).await.unwrap();
        assert_eq!(user.name, "newbie");
    }

    /// An identity that another account linked in the meantime stays with it: the new
    /// account is made without it.
    #[tokio::test]
    async fn a_sign_up_for_an_identity_linked_meanwhile_creates_the_account_alone() {
        let (_dir, db) = db().await;
        let s = Secrets::for_tests(6);
        let (first, _) = create_user(&db, &s, "first", "password1", false, false)
            .await
            .unwrap();
        db.link_github(first.id, &identity(42)).await.unwrap();
        let pending = PendingGitHub {
            browser_mac: "mac".into(),
            identity: identity(42),
        };
        let second = sign_up(&db, &s, "second", "password1", Some(pending))
            .await
            .unwrap();
        assert!(db.github_link(second.id).await.unwrap().is_none());
        assert_eq!(
            db.github_link(first.id).await.unwrap().unwrap().github_id,
            42
        );
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
    async fn sessions_resolve_until_ended_and_are_stored_as_macs() {
        let (_dir, db) = db().await;
        let s = Secrets::for_tests(4);
        let (user, _) = create_user(&db, &s, "carol", "password1", false, false)
            .await
            .unwrap();
        let session = start_session(&db, &s, user.id).await.unwrap();
        let (found, csrf) = resolve_session(&db, &s, &session.token)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, user.id);
        assert_eq!(csrf, session.csrf_token);
        assert!(resolve_session(&db, &s, "forged").await.unwrap().is_none());
        end_session(&db, &s, &session.token).await.unwrap();
        assert!(resolve_session(&db, &s, &session.token)
            .await
            .unwrap()
            .is_none());
    }

    #[tokio::test]
    async fn sign_in_checks_the_password_and_throttles_guessing() {
        let (_dir, db) = db().await;
        let s = Secrets::for_tests(4);
        create_user(&db, &s, "dave", "password1", false, false)
            .await
            .unwrap();
        let throttle = Throttle::new(db.clone());
        assert_eq!(
            sign_in(&db, &throttle, "DAVE", "password1")
                .await
                .unwrap()
                .name,
            "dave"
        );
        for _ in 0..5 {
            assert!(matches!(
                sign_in(&db, &throttle, "dave", "nope").await,
                Err(AccountError::BadCredentials)
            ));
        }
        // Now even the right password must wait.
        assert!(matches!(
            sign_in(&db, &throttle, "dave", "password1").await,
            Err(AccountError::Throttled(_))
        ));
        assert!(matches!(
            sign_in(&db, &throttle, "nobody", "x").await,
            Err(AccountError::BadCredentials)
        ));
    }

    #[tokio::test]
    async fn api_keys_are_revealed_and_regenerated_only_with_the_password() {
        let (_dir, db) = db().await;
        let s = Secrets::for_tests(5);
        let (user, key) = create_user(&db, &s, "erin", "password1", false, false)
            .await
            .unwrap();
        let t = Throttle::new(db.clone());
        assert!(matches!(
            reveal_api_key(&s, &t, &user, "wrong").await,
            Err(AccountError::WrongPassword)
        ));
        assert_eq!(
            reveal_api_key(&s, &t, &user, "password1").await.unwrap(),
            key
        );
        let new_key = regenerate_api_key(&db, &s, &t, &user, "password1")
            .await
            .unwrap();
        assert_ne!(new_key, key);
        let stored = db.find_user_by_name("erin").await.unwrap();
        assert!(s.verify_mac(API_KEY_PURPOSE, new_key.expose(), &stored.api_key_mac));
        assert!(!s.verify_mac(API_KEY_PURPOSE, key.expose(), &stored.api_key_mac));
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
