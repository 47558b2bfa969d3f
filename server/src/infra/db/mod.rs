//! The data-access layer. Everything above it calls typed methods on [`Db`]; no handler
//! writes SQL, and no sqlx type leaves this module. Each method is written once and runs
//! on SQLite (the embedded default) or PostgreSQL (several replicas), whichever
//! `WHARF_DATABASE_URL` names: see `sql` for how, and [`Dialect`] for the few
//! statements that differ. Each engine has its migrations (`migrations/sqlite`,
//! `migrations/postgres`); a parity test keeps their schemas the same.

mod attributes;
mod blobs;
mod copy;
mod files;
mod github;
mod ids;
mod imports;
mod leases;
mod oci;
mod packages;
mod repositories;
mod sessions;
mod sql;
mod unit_of_work;
mod users;
mod versions;

use std::path::Path;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::ConnectOptions;

pub use sql::Dialect;
use sql::Pool;

pub use attributes::AttrOwner;
pub use blobs::RemovedBlob;
pub use copy::{TableCount, TABLES};
pub use files::{FileBatch, FileRecord, FileSearch, NewFile, PathHolder, PutFilesError};
pub use github::{GitHubIdentity, GitHubLink, OAuthFlow};
pub use ids::{FileId, PackageId, RepositoryId, UserId, VersionId};
pub use imports::{ImportItemRecord, ImportJobRecord};
pub use oci::{
    tag_file_path, ManifestRecord, NewManifest, OciBlobRecord, OciLink, TagRecord, UploadRecord,
};
pub use packages::{PackageFields, PackageRecord, Page};
pub use repositories::{RepositoryFields, RepositoryRecord};
pub use unit_of_work::Tx;
pub use users::{NewUser, UserRecord};
pub use versions::{VersionFields, VersionOrderRow, VersionRecord};

/// Who is looking: the signed-in user's id, or `None` for an anonymous visitor. Reads of
/// private things take it, so "only the owner sees it" lives in the query itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer(pub Option<UserId>);

/// A database failure, split by what callers can do about it.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint refused the write (the name is taken, …).
    #[error("already exists")]
    Conflict,
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Other(#[from] sqlx::Error),
}

impl DbError {
    /// The database did not answer (no connection within the pool's timeout, a broken
    /// connection), as opposed to refusing a query: worth a 503 and a retry, not a 500.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            DbError::Other(
                sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::WorkerCrashed
            )
        )
    }

    /// Turns unique-constraint violations into [`DbError::Conflict`].
    fn from_write(e: sqlx::Error) -> DbError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => DbError::Conflict,
            _ => DbError::Other(e),
        }
    }
}

/// A pool of connections to Wharf's database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The key of the PostgreSQL advisory lock that a unit of work holds (see [`Db::begin`]):
/// "Wharf" in ASCII, so it does not clash with another program's locks on the database.
pub(crate) const WRITER_LOCK: i64 = 0x0057_6861_7266;

impl Db {
    /// Opens (creating it if needed) the SQLite database at `path` and applies migrations.
    pub async fn open_sqlite(path: &Path) -> Result<Db, DbError> {
        // WAL lets readers run beside the one writer; the busy timeout makes a second
        // writer wait instead of failing.
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        SQLITE_MIGRATIONS
            .run(&pool)
            .await
            .map_err(|e| DbError::Other(e.into()))?;
        Ok(Db {
            pool: Pool::Sqlite(pool),
        })
    }

    /// Connects to the PostgreSQL database at `url` (`postgres://user@host:port/db`) and
    /// applies migrations. Several Wharf processes may do this at once: sqlx's migrator
    /// holds an advisory lock while it migrates.
    pub async fn open_postgres(url: &str) -> Result<Db, DbError> {
        let options: PgConnectOptions =
            url.parse::<PgConnectOptions>()?.disable_statement_logging();
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        POSTGRES_MIGRATIONS
            .run(&pool)
            .await
            .map_err(|e| DbError::Other(e.into()))?;
        Ok(Db {
            pool: Pool::Pg(pool),
        })
    }

    /// Opens the database a `WHARF_DATABASE_URL` names: `sqlite://PATH` (or a bare path)
    /// or `postgres://…` / `postgresql://…`.
    pub async fn open_url(url: &str) -> Result<Db, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Db::open_postgres(url).await
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            let path = path.split('?').next().unwrap_or(path);
            Db::open_sqlite(Path::new(path)).await
        }
    }

    /// Which engine this database runs on.
    pub fn dialect(&self) -> Dialect {
        match self.pool {
            Pool::Sqlite(_) => Dialect::Sqlite,
            Pool::Pg(_) => Dialect::Postgres,
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), DbError> {
        sql::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Pg(p) => p.close().await,
        }
    }
}

/// Milliseconds since the Unix epoch, the unit of every stored time.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// How many values one `IN (…)` list binds at most: lists of ids or digests are read
/// in chunks of this size, well under SQLite's 999 bound variables.
const IN_CHUNK: usize = 500;

/// The placeholders of an `IN (…)` list of `count` values whose first is `$first`:
/// `"$2, $3, $4"` for `(2, 3)`.
fn in_list(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Labels, licences and other short lists are stored as a JSON array of strings.
fn labels_to_json(labels: &[String]) -> String {
    serde_json::to_string(labels).unwrap_or_else(|_| "[]".to_owned())
}

fn labels_from_json(text: String) -> Vec<String> {
    serde_json::from_str(&text).unwrap_or_default()
}

#[cfg(test)]
mod write_tx_tests {
    use super::Db;
    use std::time::Duration;

    /// A write transaction that reads first is not overtaken by another writer: the other
    /// waits (busy timeout) instead of making this one's write fail with "locked".
    #[tokio::test]
    async fn a_read_then_write_transaction_is_not_overtaken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wharf.db");
        let a = Db::open_sqlite(&path).await.unwrap();
        let b = Db::open_sqlite(&path).await.unwrap();
        super::sql::query("CREATE TABLE t (n INTEGER)")
            .execute(&a.pool)
            .await
            .unwrap();
        let mut tx = a.begin().await.unwrap();
        let _: i64 = super::sql::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(tx.conn())
            .await
            .unwrap();
        let other = tokio::spawn(async move {
            super::sql::query("INSERT INTO t (n) VALUES (2)")
                .execute(&b.pool)
                .await
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        super::sql::query("INSERT INTO t (n) VALUES (1)")
            .execute(tx.conn())
            .await
            .expect("the write after the read is not refused");
        tx.commit().await.unwrap();
        other
            .await
            .unwrap()
            .expect("the other writer waited its turn");
        let n: i64 = super::sql::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&a.pool)
            .await
            .unwrap();
        assert_eq!(n, 2);
    }
}
