//! The unit of work: one write transaction that the domain composes steps in.
//!
//! A flow that must be all or nothing opens a [`Tx`] with [`Db::begin`], then calls the
//! small statements on it (`tx.insert_user`, `tx.put_files`, `tx.upsert_blob`, …), and
//! calls [`Tx::commit`] at the end. If the flow returns early, fails or crashes, the `Tx`
//! is dropped and nothing is written. The rules stay in the domain services, which
//! decide which steps to take and in what order. The SQL stays in `db/`, one short
//! statement per method.
//!
//! It takes SQLite's one write lock up front (`BEGIN IMMEDIATE`, see [`Db::write_tx`]).
//! So a unit of work sees no other writer between its reads and its writes, and the
//! blob invariant holds under it. That invariant (a row, then its object; the garbage
//! collector removes both in the same order) is explained in `db::blobs`. Never hold a
//! `Tx` across network I/O or a long upload: stage first, then write.

use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::{Db, DbError};

/// An open unit of work. [`Tx::commit`] makes every step visible at once. Dropping the
/// `Tx` rolls every step back.
pub struct Tx {
    tx: Transaction<'static, Sqlite>,
}

impl Db {
    /// Opens a unit of work. It waits up to the busy timeout for another writer.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        Ok(Tx {
            tx: self.write_tx().await?,
        })
    }
}

impl Tx {
    /// The connection that the statements of this unit run on.
    pub(super) fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }

    /// Makes every step of the unit visible at once.
    pub async fn commit(self) -> Result<(), DbError> {
        Ok(self.tx.commit().await?)
    }
}
