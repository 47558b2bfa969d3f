//! The unit of work: one write transaction that the domain composes steps in.
//!
//! A flow that must be all or nothing opens a [`Tx`] with [`Db::begin`], then calls the
//! small statements on it (`tx.insert_user`, `tx.put_files`, `tx.upsert_blob`, …), and
//! calls [`Tx::commit`] at the end. If the flow returns early, fails or crashes, the `Tx`
//! is dropped and nothing is written. The rules stay in the domain services, which
//! decide which steps to take and in what order. The SQL stays in `db/`, one short
//! statement per method.
//!
//! A unit of work is the one writer of the whole database while it runs, on either
//! engine, so it sees no other unit of work between its reads and its writes:
//! - SQLite: `BEGIN IMMEDIATE` takes the database's one write lock up front. A plain
//!   (deferred) `BEGIN` would ask for it only at the first write; if another writer
//!   committed in between, SQLite fails that write at once with "database is locked"
//!   (the busy timeout does not apply to that case).
//! - PostgreSQL: the first statement takes the transaction-level advisory lock
//!   [`super::WRITER_LOCK`] (`pg_advisory_xact_lock`), which every replica's units of
//!   work share and PostgreSQL releases at commit or rollback, also when the replica
//!   dies (its connection closes). Reads outside a unit of work do not take it.
//!
//! The blob invariant relies on this (a row, then its object; the garbage collector
//! removes both in the same order, also inside a unit of work), see `db::blobs`. Never
//! hold a `Tx` across network I/O or a long upload: stage first, then write.

use sqlx::{Postgres, Sqlite, Transaction};

use super::sql::{self, Ex, Pool};
use super::{Db, DbError, WRITER_LOCK};

/// An open unit of work. [`Tx::commit`] makes every step visible at once. Dropping the
/// `Tx` rolls every step back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

impl Db {
    /// Opens a unit of work. It waits for another unit of work to finish: up to the busy
    /// timeout on SQLite, as long as it takes on PostgreSQL.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        match &self.pool {
            Pool::Sqlite(p) => Ok(Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?)),
            Pool::Pg(p) => {
                let mut tx = Tx::Pg(p.begin().await?);
                sql::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITER_LOCK)
                    .execute(tx.conn())
                    .await?;
                Ok(tx)
            }
        }
    }
}

impl Db {
    /// A transaction for writes that commute and that no rule reads back (download
    /// counters): on PostgreSQL it does not wait for the one-writer lock, so downloads on
    /// many replicas do not queue behind each other or behind uploads. SQLite has one
    /// writer whatever is asked, so there it is a [`Db::begin`].
    pub(super) async fn begin_commutative(&self) -> Result<Tx, DbError> {
        match &self.pool {
            Pool::Sqlite(_) => self.begin().await,
            Pool::Pg(p) => Ok(Tx::Pg(p.begin().await?)),
        }
    }
}

impl Tx {
    /// The connection that the statements of this unit run on.
    pub(super) fn conn(&mut self) -> Ex<'_> {
        match self {
            Tx::Sqlite(tx) => Ex::Sqlite(tx),
            Tx::Pg(tx) => Ex::Pg(tx),
        }
    }

    /// Makes every step of the unit visible at once.
    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Pg(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
