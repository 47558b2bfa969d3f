//! Copying an embedded (SQLite) database into another one, PostgreSQL usually: what
//! `wharf migrate` does with the catalogue (issue 12 item 4).
//!
//! Every table is copied in an order its foreign keys allow, with the same ids, in
//! batches of [`BATCH`] rows, each batch one transaction on the target. A row whose
//! primary key the target has already is updated, so a second run (after a failed one,
//! or after more was written to the source) brings the target up to date and never
//! doubles a row. The columns come from the source's own schema; the target must be at
//! the same migration (both are migrated when opened).

use super::sql::*;
use super::{Db, DbError, Dialect};

/// The tables, parents first. `packages.latest_pin_version_id` points at a version, and
/// versions at their package: that one column is filled in after versions (see
/// [`LATE_COLUMNS`]).
pub const TABLES: &[&str] = &[
    "users",
    "repositories",
    "packages",
    "versions",
    "blobs",
    "files",
    "attributes",
    "sessions",
    "github_links",
    "github_oauth_flows",
    "github_pending_signups",
    "import_jobs",
    "import_items",
    "oci_blobs",
    "oci_uploads",
    "oci_manifests",
    "oci_manifest_blobs",
    "oci_tags",
    "auth_failures",
    "leases",
];

/// Columns that refer to a table copied later: copied as NULL first, then set.
const LATE_COLUMNS: &[(&str, &str)] = &[("packages", "latest_pin_version_id")];

/// Rows per transaction on the target.
const BATCH: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Bool,
    Text,
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
    primary_key: bool,
}

/// How one table's copy went: rows in the source, and in the target afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: &'static str,
    pub source: i64,
    pub target: i64,
}

impl Db {
    /// The columns of `table` in this (SQLite) database.
    async fn columns(&self, table: &str) -> Result<Vec<Column>, DbError> {
        let rows = query(&format!("PRAGMA table_info({table})"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let declared: String = r.try_get("type")?;
                let kind = match declared.to_ascii_uppercase().as_str() {
                    "INTEGER" | "BIGINT" => Kind::Int,
                    "BOOLEAN" => Kind::Bool,
                    _ => Kind::Text,
                };
                Ok(Column {
                    name: r.try_get("name")?,
                    kind,
                    primary_key: r.try_get::<i64>("pk")? > 0,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(DbError::from)
    }

    /// Copies every table of this SQLite database into `target`; the row counts of both
    /// afterwards, table by table. Fails on a source that is not SQLite.
    pub async fn copy_into(&self, target: &Db) -> Result<Vec<TableCount>, DbError> {
        if self.dialect() != Dialect::Sqlite {
            return Err(DbError::Other(sqlx::Error::Configuration(
                "only an embedded (SQLite) database can be copied".into(),
            )));
        }
        let mut counts = Vec::new();
        for table in TABLES {
            self.copy_table(target, table).await?;
        }
        for (table, column) in LATE_COLUMNS {
            self.copy_late_column(target, table, column).await?;
        }
        if target.dialect() == Dialect::Postgres {
            target.reset_identities().await?;
        }
        for table in TABLES {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            counts.push(TableCount {
                table,
                source: query_scalar::<i64>(&sql).fetch_one(&self.pool).await?,
                target: query_scalar::<i64>(&sql).fetch_one(&target.pool).await?,
            });
        }
        Ok(counts)
    }

    async fn copy_table(&self, target: &Db, table: &str) -> Result<(), DbError> {
        let columns = self.columns(table).await?;
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        let keys: Vec<&str> = columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| c.name.as_str())
            .collect();
        let updates: Vec<String> = names
            .iter()
            .filter(|n| !keys.contains(n))
            .map(|n| format!("{n} = excluded.{n}"))
            .collect();
        let on_conflict = if updates.is_empty() {
            format!("ON CONFLICT ({}) DO NOTHING", keys.join(", "))
        } else {
            format!(
                "ON CONFLICT ({}) DO UPDATE SET {}",
                keys.join(", "),
                updates.join(", ")
            )
        };
        let insert = format!(
            "INSERT INTO {table} ({}) VALUES ({}) {on_conflict}",
            names.join(", "),
            super::in_list(1, names.len())
        );
        let late: Vec<&str> = LATE_COLUMNS
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, c)| *c)
            .collect();
        let select = format!(
            "SELECT rowid AS wharf_rowid, {} FROM {table} WHERE rowid > $1 ORDER BY rowid LIMIT $2",
            names.join(", ")
        );
        let mut after = 0i64;
        loop {
            let rows = query(&select)
                .bind(after)
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("wharf_rowid")?;
            let mut tx = target.begin().await?;
            for row in &rows {
                let mut q = query(&insert);
                for c in &columns {
                    let late = late.contains(&c.name.as_str());
                    q = match c.kind {
                        _ if late => q.bind(None::<i64>),
                        Kind::Int => q.bind(row.try_get::<Option<i64>>(&c.name)?),
                        Kind::Bool => q.bind(row.try_get::<Option<bool>>(&c.name)?),
                        Kind::Text => q.bind(row.try_get::<Option<String>>(&c.name)?),
                    };
                }
                q.execute(tx.conn()).await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    /// Sets `table.column` (an id) on the target from the source, row by row by `id`.
    async fn copy_late_column(
        &self,
        target: &Db,
        table: &str,
        column: &str,
    ) -> Result<(), DbError> {
        let pairs: Vec<(i64, i64)> = query_as(&format!(
            "SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut tx = target.begin().await?;
        for (id, value) in pairs {
            query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
                .bind(value)
                .bind(id)
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// After rows came in with their ids, PostgreSQL's identity columns must hand out ids
    /// above them.
    async fn reset_identities(&self) -> Result<(), DbError> {
        let tables: Vec<String> = query_scalar(
            "SELECT table_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND column_name = 'id' AND is_identity = 'YES'",
        )
        .fetch_all(&self.pool)
        .await?;
        for table in tables {
            query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Why `target` is not empty nor an earlier copy of this database: an account there
    /// that this one does not have under the same id. `None` when it may be copied into.
    pub async fn foreign_users_in(&self, target: &Db) -> Result<Option<String>, DbError> {
        let theirs: Vec<(i64, String)> = query_as("SELECT id, name_key FROM users ORDER BY id")
            .fetch_all(&target.pool)
            .await?;
        let ours: std::collections::HashSet<(i64, String)> =
            query_as::<(i64, String)>("SELECT id, name_key FROM users")
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .collect();
        Ok(theirs
            .into_iter()
            .find(|u| !ours.contains(u))
            .map(|(id, name)| format!("account {name} with id {id} is not this instance's")))
    }

    /// Docker uploads in flight: their ids and how many parts each has.
    pub async fn oci_upload_parts(&self) -> Result<Vec<(String, i64)>, DbError> {
        Ok(query_as("SELECT id, parts FROM oci_uploads ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Every blob row's sha256 and size, in order (what a migration copies).
    pub async fn all_blobs(&self) -> Result<Vec<(String, i64)>, DbError> {
        Ok(query_as("SELECT sha256, size FROM blobs ORDER BY sha256")
            .fetch_all(&self.pool)
            .await?)
    }
}
