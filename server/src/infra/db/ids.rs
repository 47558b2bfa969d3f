//! Row ids as types of their own. An id of one table cannot stand where another table's
//! id is expected, so `DownloadCounts::file(file, version)` does not compile with its arguments
//! swapped. Each id is the table's `INTEGER PRIMARY KEY`, and sqlx binds and reads it as
//! the integer it wraps (`#[sqlx(transparent)]`).

macro_rules! row_ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            sqlx::Type, serde::Serialize, serde::Deserialize,
        )]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

row_ids! {
    /// An account (`users.id`).
    UserId,
    /// A repository (`repositories.id`).
    RepositoryId,
    /// A package (`packages.id`).
    PackageId,
    /// A version (`versions.id`).
    VersionId,
    /// A file of a version (`files.id`).
    FileId,
}
