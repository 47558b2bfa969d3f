//! Issue 12 item 1: the SQLite and PostgreSQL migrations make the same schema. Both are
//! applied to real databases, then compared table by table and column by column: name,
//! kind of type, nullability and primary key. It needs the test PostgreSQL
//! (`WHARF_TEST_POSTGRES`, started by the test command); without it, it says so and
//! checks the SQLite side alone.

mod common;

use std::collections::BTreeMap;

use common::Backends;
use sqlx::Row;

/// One column as both engines can describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    kind: &'static str,
    not_null: bool,
    primary_key: bool,
}

type Schema = BTreeMap<String, BTreeMap<String, Column>>;

/// SQLite's declared types and PostgreSQL's data types, as the kinds Wharf uses.
fn kind(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "int8" => "integer",
        "text" => "text",
        "boolean" | "bool" => "boolean",
        "blob" | "bytea" => "bytes",
        other => panic!("a column type neither schema should use: {other}"),
    }
}

async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let db = server::infra::db::Db::open_sqlite(&dir.path().join("w.db"))
        .await
        .unwrap();
    db.close().await;
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("w.db").display()))
            .await
            .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for table in tables {
        let rows = sqlx::query(&format!("PRAGMA table_info({table})"))
            .fetch_all(&pool)
            .await
            .unwrap();
        let columns = rows
            .iter()
            .map(|r| {
                let pk: i64 = r.get("pk");
                (
                    r.get::<String, _>("name"),
                    Column {
                        kind: kind(&r.get::<String, _>("type")),
                        // SQLite lets a primary key column be NULL unless it says NOT NULL;
                        // Wharf never stores one, and PostgreSQL makes them NOT NULL.
                        not_null: r.get::<i64, _>("notnull") == 1 || pk > 0,
                        primary_key: pk > 0,
                    },
                )
            })
            .collect();
        schema.insert(table, columns);
    }
    pool.close().await;
    schema
}

async fn postgres_schema(base: &str) -> Schema {
    let name = format!("wharf_parity_{}", uuid::Uuid::new_v4().simple());
    let base = base.trim_end_matches('/');
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{base}/postgres"))
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = format!("{base}/{name}");
    let db = server::infra::db::Db::open_postgres(&url).await.unwrap();
    db.close().await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let rows = sqlx::query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
         c.data_type::text AS data_type, c.is_nullable::text AS is_nullable, \
         EXISTS (SELECT 1 FROM information_schema.table_constraints t \
           JOIN information_schema.key_column_usage k \
             ON k.constraint_name = t.constraint_name AND k.table_name = t.table_name \
           WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_name = c.table_name \
             AND k.column_name = c.column_name) AS pk \
         FROM information_schema.columns c \
         WHERE c.table_schema = 'public' AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for r in rows {
        schema.entry(r.get("table_name")).or_default().insert(
            r.get("column_name"),
            Column {
                kind: kind(&r.get::<String, _>("data_type")),
                not_null: r.get::<String, _>("is_nullable") == "NO",
                primary_key: r.get("pk"),
            },
        );
    }
    pool.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
    schema
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_make_the_same_tables_and_columns() {
    let sqlite = sqlite_schema().await;
    assert!(sqlite.contains_key("files") && sqlite["files"].contains_key("blob_sha256"));
    let Some(base) = Backends::postgres() else {
        eprintln!("WHARF_TEST_POSTGRES is not set: compared nothing against PostgreSQL");
        return;
    };
    let postgres = postgres_schema(&base).await;
    let tables = |s: &Schema| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(tables(&sqlite), tables(&postgres), "the same tables");
    for (table, columns) in &sqlite {
        assert_eq!(columns, &postgres[table], "the columns of {table}");
    }
}
