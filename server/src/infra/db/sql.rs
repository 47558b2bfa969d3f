//! The two engines behind one set of statements.
//!
//! Every `Db` and `Tx` method writes its SQL once and runs it through [`query`],
//! [`query_scalar`] or [`query_as`], which look like sqlx's own but take either engine:
//! SQLite (the embedded default) or PostgreSQL (several replicas). The SQL is kept to what
//! both accept (`$n` placeholders, `RETURNING`, `ON CONFLICT`); the few places where they
//! differ are the functions of [`Dialect`]. Values cross as [`Arg`]s and come back through
//! [`Row::try_get`], so no engine type leaves this module. sqlx's `Any` driver would do
//! the same, but it cannot read SQLite `BOOLEAN` columns, which every Wharf database has.

use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Decode, Postgres, Row as _, Sqlite, Type};

use super::ids::{FileId, PackageId, RepositoryId, UserId, VersionId};

/// A connection pool of either engine.
#[derive(Clone, Debug)]
pub(super) enum Pool {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// Which engine, for the statements that differ ([`Dialect`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// `1`-based position of `needle` in `haystack`, 0 when absent: SQLite's `instr`,
    /// PostgreSQL's `strpos` (same arguments, same result).
    pub(super) fn position(self, haystack: &str, needle: &str) -> String {
        match self {
            Dialect::Sqlite => format!("instr({haystack}, {needle})"),
            Dialect::Postgres => format!("strpos({haystack}, {needle})"),
        }
    }

    /// `value` matches the shell pattern `pattern` (`*`, `?`), case-sensitively: SQLite's
    /// `GLOB`; on PostgreSQL a regular expression that [`glob_to_regex`] made from the
    /// pattern, so the caller binds [`Dialect::glob_pattern`] of its pattern.
    pub(super) fn glob(self, value: &str, pattern: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{value} GLOB {pattern}"),
            Dialect::Postgres => format!("{value} ~ {pattern}"),
        }
    }

    /// `expr` compared and sorted byte by byte, as OCI's tag and catalogue listings
    /// require (SQLite's default `BINARY` collation; PostgreSQL's `"C"`, whatever the
    /// database's locale).
    pub(super) fn bytewise(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => expr.to_owned(),
            Dialect::Postgres => format!("{expr} COLLATE \"C\""),
        }
    }

    /// The bound form of a glob pattern for [`Dialect::glob`].
    pub(super) fn glob_pattern(self, pattern: &str) -> String {
        match self {
            Dialect::Sqlite => pattern.to_owned(),
            Dialect::Postgres => glob_to_regex(pattern),
        }
    }
}

/// A shell pattern as an anchored POSIX regular expression: `*` is `.*`, `?` is `.`,
/// everything else is literal. SQLite's `GLOB` also knows `[…]` classes; a file-search
/// pattern has never needed them, so here they match literally.
fn glob_to_regex(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    out.push('^');
    for c in pattern.chars() {
        match c {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            c if c.is_ascii_alphanumeric() || !c.is_ascii() => out.push(c),
            c => {
                out.push('\\');
                out.push(c);
            }
        }
    }
    out.push('$');
    out
}

/// Where a statement runs: a pool (each statement on any free connection) or the one
/// connection of a transaction.
pub(super) enum Ex<'c> {
    SqlitePool(&'c SqlitePool),
    PgPool(&'c PgPool),
    Sqlite(&'c mut SqliteConnection),
    Pg(&'c mut PgConnection),
}

impl Ex<'_> {
    /// The same place again, for a second statement in a function that was handed one.
    pub(super) fn re(&mut self) -> Ex<'_> {
        match self {
            Ex::SqlitePool(p) => Ex::SqlitePool(p),
            Ex::PgPool(p) => Ex::PgPool(p),
            Ex::Sqlite(c) => Ex::Sqlite(c),
            Ex::Pg(c) => Ex::Pg(c),
        }
    }
}

impl<'c> From<&'c Pool> for Ex<'c> {
    fn from(pool: &'c Pool) -> Ex<'c> {
        match pool {
            Pool::Sqlite(p) => Ex::SqlitePool(p),
            Pool::Pg(p) => Ex::PgPool(p),
        }
    }
}

/// A value bound to a placeholder. Nulls keep their type, which PostgreSQL needs.
#[derive(Debug, Clone)]
pub(super) enum Arg<'q> {
    Int(Option<i64>),
    Bool(Option<bool>),
    Str(Option<&'q str>),
    String(Option<String>),
}

macro_rules! args {
    ($($t:ty => |$v:ident| $e:expr),* $(,)?) => {$(
        impl<'q> From<$t> for Arg<'q> {
            fn from($v: $t) -> Arg<'q> { $e }
        }
    )*};
}

args! {
    i64 => |v| Arg::Int(Some(v)),
    Option<i64> => |v| Arg::Int(v),
    i32 => |v| Arg::Int(Some(v.into())),
    bool => |v| Arg::Bool(Some(v)),
    Option<bool> => |v| Arg::Bool(v),
    &'q str => |v| Arg::Str(Some(v)),
    &'q &'q str => |v| Arg::Str(Some(v)),
    Option<&'q str> => |v| Arg::Str(v),
    &'q String => |v| Arg::Str(Some(v)),
    String => |v| Arg::String(Some(v)),
    Option<String> => |v| Arg::String(v),
    &'q Option<String> => |v| Arg::Str(v.as_deref()),
}

macro_rules! id_args {
    ($($id:ident),*) => {$(
        args! {
            $id => |v| Arg::Int(Some(v.0)),
            Option<$id> => |v| Arg::Int(v.map(|id| id.0)),
        }
    )*};
}

id_args!(UserId, RepositoryId, PackageId, VersionId, FileId);

/// A statement and its bound values.
#[must_use]
pub(super) struct Query<'q> {
    sql: &'q str,
    args: Vec<Arg<'q>>,
}

/// Starts a statement; `$1`, `$2`, … are bound in order with [`Query::bind`].
pub(super) fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
    }
}

/// What a write changed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Done(u64);

impl Done {
    pub(super) fn rows_affected(&self) -> u64 {
        self.0
    }
}

macro_rules! built {
    ($db:ty, $q:expr) => {{
        let mut q = sqlx::query::<$db>($q.sql);
        for arg in $q.args {
            q = match arg {
                Arg::Int(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Str(v) => q.bind(v),
                Arg::String(v) => q.bind(v),
            };
        }
        q
    }};
}

/// Runs `$method` of the statement on whichever engine `$ex` is, mapping the result with
/// `$sqlite` / `$pg` (each engine's rows are a type of their own).
macro_rules! run {
    ($q:expr, $ex:expr, $method:ident, |$r:ident| $sqlite:expr, $pg:expr) => {
        match $ex.into() {
            Ex::SqlitePool(p) => built!(Sqlite, $q).$method(p).await.map(|$r| $sqlite),
            Ex::Sqlite(c) => built!(Sqlite, $q).$method(c).await.map(|$r| $sqlite),
            Ex::PgPool(p) => built!(Postgres, $q).$method(p).await.map(|$r| $pg),
            Ex::Pg(c) => built!(Postgres, $q).$method(c).await.map(|$r| $pg),
        }
    };
}

impl<'q> Query<'q> {
    pub(super) fn bind(mut self, value: impl Into<Arg<'q>>) -> Self {
        self.args.push(value.into());
        self
    }

    pub(super) async fn execute<'c>(self, ex: impl Into<Ex<'c>>) -> Result<Done, sqlx::Error> {
        run!(
            self,
            ex,
            execute,
            |r| Done(r.rows_affected()),
            Done(r.rows_affected())
        )
    }

    pub(super) async fn fetch_optional<'c>(
        self,
        ex: impl Into<Ex<'c>>,
    ) -> Result<Option<Row>, sqlx::Error> {
        run!(
            self,
            ex,
            fetch_optional,
            |r| r.map(Row::Sqlite),
            r.map(Row::Pg)
        )
    }

    pub(super) async fn fetch_one<'c>(self, ex: impl Into<Ex<'c>>) -> Result<Row, sqlx::Error> {
        run!(self, ex, fetch_one, |r| Row::Sqlite(r), Row::Pg(r))
    }

    pub(super) async fn fetch_all<'c>(
        self,
        ex: impl Into<Ex<'c>>,
    ) -> Result<Vec<Row>, sqlx::Error> {
        run!(
            self,
            ex,
            fetch_all,
            |r| r.into_iter().map(Row::Sqlite).collect(),
            r.into_iter().map(Row::Pg).collect()
        )
    }
}

/// A value both engines can read into `Self`.
pub(super) trait Value:
    for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}

impl<T> Value for T where
    T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}

/// A result row of either engine.
pub(super) enum Row {
    Sqlite(SqliteRow),
    Pg(PgRow),
}

impl Row {
    /// The column named `column`, read as `T`.
    pub(super) fn try_get<T: Value>(&self, column: &str) -> Result<T, sqlx::Error> {
        match self {
            Row::Sqlite(r) => r.try_get(column),
            Row::Pg(r) => r.try_get(column),
        }
    }

    fn try_get_at<T: Value>(&self, index: usize) -> Result<T, sqlx::Error> {
        match self {
            Row::Sqlite(r) => r.try_get(index),
            Row::Pg(r) => r.try_get(index),
        }
    }
}

/// A row read as a tuple, for [`query_as`] (and, as a 1-tuple, [`query_scalar`]).
pub(super) trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, sqlx::Error>;
}

impl<A: Value> FromRow for (A,) {
    fn from_row(row: &Row) -> Result<Self, sqlx::Error> {
        Ok((row.try_get_at(0)?,))
    }
}

impl<A: Value, B: Value> FromRow for (A, B) {
    fn from_row(row: &Row) -> Result<Self, sqlx::Error> {
        Ok((row.try_get_at(0)?, row.try_get_at(1)?))
    }
}

impl<A: Value, B: Value, C: Value> FromRow for (A, B, C) {
    fn from_row(row: &Row) -> Result<Self, sqlx::Error> {
        Ok((row.try_get_at(0)?, row.try_get_at(1)?, row.try_get_at(2)?))
    }
}

/// A statement whose rows are read as `T` (a tuple).
#[must_use]
pub(super) struct QueryAs<'q, T> {
    inner: Query<'q>,
    _row: std::marker::PhantomData<T>,
}

pub(super) fn query_as<T: FromRow>(sql: &str) -> QueryAs<'_, T> {
    QueryAs {
        inner: query(sql),
        _row: std::marker::PhantomData,
    }
}

impl<'q, T: FromRow> QueryAs<'q, T> {
    pub(super) fn bind(mut self, value: impl Into<Arg<'q>>) -> Self {
        self.inner = self.inner.bind(value);
        self
    }

    pub(super) async fn fetch_one<'c>(self, ex: impl Into<Ex<'c>>) -> Result<T, sqlx::Error> {
        T::from_row(&self.inner.fetch_one(ex).await?)
    }

    pub(super) async fn fetch_optional<'c>(
        self,
        ex: impl Into<Ex<'c>>,
    ) -> Result<Option<T>, sqlx::Error> {
        self.inner
            .fetch_optional(ex)
            .await?
            .map(|r| T::from_row(&r))
            .transpose()
    }

    pub(super) async fn fetch_all<'c>(self, ex: impl Into<Ex<'c>>) -> Result<Vec<T>, sqlx::Error> {
        self.inner
            .fetch_all(ex)
            .await?
            .iter()
            .map(T::from_row)
            .collect()
    }
}

/// A statement that selects one column, read as `T`: a [`QueryAs`] of a 1-tuple.
#[must_use]
pub(super) struct QueryScalar<'q, T> {
    inner: QueryAs<'q, (T,)>,
}

pub(super) fn query_scalar<T: Value>(sql: &str) -> QueryScalar<'_, T> {
    QueryScalar {
        inner: query_as(sql),
    }
}

impl<'q, T: Value> QueryScalar<'q, T> {
    pub(super) fn bind(mut self, value: impl Into<Arg<'q>>) -> Self {
        self.inner = self.inner.bind(value);
        self
    }

    pub(super) async fn fetch_one<'c>(self, ex: impl Into<Ex<'c>>) -> Result<T, sqlx::Error> {
        Ok(self.inner.fetch_one(ex).await?.0)
    }

    pub(super) async fn fetch_optional<'c>(
        self,
        ex: impl Into<Ex<'c>>,
    ) -> Result<Option<T>, sqlx::Error> {
        Ok(self.inner.fetch_optional(ex).await?.map(|(v,)| v))
    }

    pub(super) async fn fetch_all<'c>(self, ex: impl Into<Ex<'c>>) -> Result<Vec<T>, sqlx::Error> {
        Ok(self
            .inner
            .fetch_all(ex)
            .await?
            .into_iter()
            .map(|(v,)| v)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::glob_to_regex;

    #[test]
    fn a_glob_becomes_an_anchored_regex_with_everything_else_literal() {
        assert_eq!(glob_to_regex("*.jar"), "^.*\\.jar$");
        assert_eq!(glob_to_regex("a?c"), "^a.c$");
        assert_eq!(glob_to_regex("x+(1)"), "^x\\+\\(1\\)$");
    }
}
