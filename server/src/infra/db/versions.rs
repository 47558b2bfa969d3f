//! Versions of a package.

use std::collections::HashMap;

use super::sql::*;

use super::{now_millis, Db, DbError, PackageId, Tx, VersionId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    pub id: VersionId,
    pub package_id: PackageId,
    pub name: String,
    pub description: Option<String>,
    pub vcs_tag: Option<String>,
    pub release_notes: Option<String>,
    pub is_prerelease: bool,
    pub released_at: Option<i64>,
    pub downloads: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Whether any of its files is published.
    pub published: bool,
    /// Its place in the package, oldest first (1, 2, …).
    pub ordinal: i64,
}

#[derive(Debug, Clone, Default)]
pub struct VersionFields {
    pub description: Option<String>,
    pub vcs_tag: Option<String>,
    pub release_notes: Option<String>,
    pub is_prerelease: bool,
    pub released_at: Option<i64>,
}

impl From<&VersionRecord> for VersionFields {
    fn from(v: &VersionRecord) -> Self {
        VersionFields {
            description: v.description.clone(),
            vcs_tag: v.vcs_tag.clone(),
            release_notes: v.release_notes.clone(),
            is_prerelease: v.is_prerelease,
            released_at: v.released_at,
        }
    }
}

const SELECT: &str = "SELECT v.id, v.package_id, v.name, v.description, v.vcs_tag, \
     v.release_notes, v.is_prerelease, v.released_at, v.downloads, v.created_at, v.updated_at, \
     EXISTS (SELECT 1 FROM files f WHERE f.version_id = v.id AND f.is_published) AS published, \
     (SELECT COUNT(*) FROM versions o WHERE o.package_id = v.package_id AND o.id <= v.id) AS ordinal \
     FROM versions v";

fn from_row(row: &Row) -> Result<VersionRecord, sqlx::Error> {
    Ok(VersionRecord {
        id: row.try_get("id")?,
        package_id: row.try_get("package_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        vcs_tag: row.try_get("vcs_tag")?,
        release_notes: row.try_get("release_notes")?,
        is_prerelease: row.try_get("is_prerelease")?,
        released_at: row.try_get("released_at")?,
        downloads: row.try_get("downloads")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        published: row.try_get("published")?,
        ordinal: row.try_get("ordinal")?,
    })
}

/// What "latest" and the version list's order are decided from (`app::domain::latest`),
/// for one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionOrderRow {
    pub id: VersionId,
    pub name: String,
    pub released_at: Option<i64>,
    pub created_at: i64,
    pub is_prerelease: bool,
    /// At least one published file.
    pub published: bool,
    /// The owner marked it as latest.
    pub pinned: bool,
}

impl Db {
    /// Every version of a package with what orders it, in creation order (one query).
    pub async fn version_order_rows(
        &self,
        package_id: PackageId,
    ) -> Result<Vec<VersionOrderRow>, DbError> {
        let mut of = self.version_order_rows_of(&[package_id]).await?;
        Ok(of.remove(&package_id).unwrap_or_default())
    }

    /// [`Db::version_order_rows`] for many packages at once, by package id: one query per
    /// 500 packages, for lists that show each package's latest version. A package with no
    /// version has no entry.
    pub async fn version_order_rows_of(
        &self,
        package_ids: &[PackageId],
    ) -> Result<HashMap<PackageId, Vec<VersionOrderRow>>, DbError> {
        let mut out: HashMap<PackageId, Vec<VersionOrderRow>> = HashMap::new();
        for chunk in package_ids.chunks(super::IN_CHUNK) {
            let sql = format!(
                "SELECT v.package_id, v.id, v.name, v.released_at, v.created_at, v.is_prerelease, \
                 EXISTS (SELECT 1 FROM files f WHERE f.version_id = v.id AND f.is_published) AS published, \
                 (p.latest_pin_version_id IS NOT NULL AND p.latest_pin_version_id = v.id) AS pinned \
                 FROM versions v JOIN packages p ON p.id = v.package_id \
                 WHERE v.package_id IN ({}) ORDER BY v.id",
                super::in_list(1, chunk.len())
            );
            let mut query = query(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&self.pool).await? {
                let package_id: PackageId = row.try_get("package_id")?;
                out.entry(package_id).or_default().push(VersionOrderRow {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    released_at: row.try_get("released_at")?,
                    created_at: row.try_get("created_at")?,
                    is_prerelease: row.try_get("is_prerelease")?,
                    published: row.try_get("published")?,
                    pinned: row.try_get("pinned")?,
                });
            }
        }
        Ok(out)
    }

    /// Marks a version of the package as its latest, or (`None`) lets the rule decide.
    pub async fn set_latest_pin(
        &self,
        package_id: PackageId,
        version_id: Option<VersionId>,
    ) -> Result<(), DbError> {
        query("UPDATE packages SET latest_pin_version_id = $1, updated_at = $2 WHERE id = $3")
            .bind(version_id)
            .bind(now_millis())
            .bind(package_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn find_version(
        &self,
        package_id: PackageId,
        name: &str,
    ) -> Result<VersionRecord, DbError> {
        let row = query(&format!("{SELECT} WHERE v.package_id = $1 AND v.name = $2"))
            .bind(package_id)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(DbError::NotFound)?;
        Ok(from_row(&row)?)
    }

    /// The versions of a package with these names, by name (one query per 500 names);
    /// names it lacks are left out. Imports read a batch of releases' versions at once.
    pub async fn find_versions(
        &self,
        package_id: PackageId,
        names: &[&str],
    ) -> Result<HashMap<String, VersionRecord>, DbError> {
        let mut out = HashMap::with_capacity(names.len());
        for chunk in names.chunks(super::IN_CHUNK) {
            let sql = format!(
                "{SELECT} WHERE v.package_id = $1 AND v.name IN ({})",
                super::in_list(2, chunk.len())
            );
            let mut q = query(&sql).bind(package_id);
            for name in chunk {
                q = q.bind(*name);
            }
            for row in q.fetch_all(&self.pool).await? {
                let v = from_row(&row)?;
                out.insert(v.name.clone(), v);
            }
        }
        Ok(out)
    }

    pub async fn find_version_by_id(&self, id: VersionId) -> Result<VersionRecord, DbError> {
        let row = query(&format!("{SELECT} WHERE v.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(DbError::NotFound)?;
        Ok(from_row(&row)?)
    }

    pub async fn insert_version(
        &self,
        package_id: PackageId,
        name: &str,
        f: &VersionFields,
    ) -> Result<VersionId, DbError> {
        let mut tx = self.begin().await?;
        let id = insert_version_in(tx.conn(), package_id, name, f).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_version(&self, id: VersionId, f: &VersionFields) -> Result<(), DbError> {
        update_version(&self.pool, id, f).await
    }

    pub async fn delete_version(&self, id: VersionId) -> Result<(), DbError> {
        query("DELETE FROM versions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Db {
    pub async fn set_release_notes(
        &self,
        id: VersionId,
        notes: Option<&str>,
    ) -> Result<(), DbError> {
        query("UPDATE versions SET release_notes = $1, updated_at = $2 WHERE id = $3")
            .bind(notes)
            .bind(now_millis())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Inserts a version on `conn` (a transaction's, for a version that must exist only
/// together with what is written with it) and touches its package's `updated_at`; its id.
pub(super) async fn insert_version_in(
    mut conn: Ex<'_>,
    package_id: PackageId,
    name: &str,
    f: &VersionFields,
) -> Result<VersionId, DbError> {
    let id: VersionId = query_scalar(
        "INSERT INTO versions (package_id, name, description, vcs_tag, release_notes, \
         is_prerelease, released_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(package_id)
    .bind(name)
    .bind(&f.description)
    .bind(&f.vcs_tag)
    .bind(&f.release_notes)
    .bind(f.is_prerelease)
    .bind(f.released_at)
    .bind(now_millis())
    .fetch_one(conn.re())
    .await
    .map_err(DbError::from_write)?;
    query("UPDATE packages SET updated_at = $1 WHERE id = $2")
        .bind(now_millis())
        .bind(package_id)
        .execute(conn)
        .await?;
    Ok(id)
}

impl Tx {
    /// The id of the package's version `name`, inserting it (with no fields) when it
    /// does not exist; and whether it was inserted. Uploads and pushed tags create their
    /// version this way (Bintray: "the version is created if it does not exist").
    pub async fn version_for(
        &mut self,
        package_id: PackageId,
        name: &str,
    ) -> Result<(VersionId, bool), DbError> {
        let existing: Option<VersionId> =
            query_scalar("SELECT id FROM versions WHERE package_id = $1 AND name = $2")
                .bind(package_id)
                .bind(name)
                .fetch_optional(self.conn())
                .await?;
        match existing {
            Some(id) => Ok((id, false)),
            None => Ok((
                insert_version_in(self.conn(), package_id, name, &Default::default()).await?,
                true,
            )),
        }
    }

    /// Sets the fields of the package's version `name`, creating it when it does not
    /// exist; its id. An import writes each release's version this way.
    pub async fn upsert_version(
        &mut self,
        package_id: PackageId,
        name: &str,
        f: &VersionFields,
    ) -> Result<VersionId, DbError> {
        let existing: Option<VersionId> =
            query_scalar("SELECT id FROM versions WHERE package_id = $1 AND name = $2")
                .bind(package_id)
                .bind(name)
                .fetch_optional(self.conn())
                .await?;
        let Some(id) = existing else {
            return insert_version_in(self.conn(), package_id, name, f).await;
        };
        update_version(self.conn(), id, f).await?;
        Ok(id)
    }

    /// Marks a version as just changed (`updated_at`).
    pub async fn touch_version(&mut self, id: VersionId) -> Result<(), DbError> {
        query("UPDATE versions SET updated_at = $1 WHERE id = $2")
            .bind(now_millis())
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Marks a package as just changed (`updated_at`).
    pub async fn touch_package(&mut self, id: PackageId) -> Result<(), DbError> {
        query("UPDATE packages SET updated_at = $1 WHERE id = $2")
            .bind(now_millis())
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

async fn update_version<'e>(
    ex: impl Into<Ex<'e>>,
    id: VersionId,
    f: &VersionFields,
) -> Result<(), DbError> {
    query(
        "UPDATE versions SET description = $1, vcs_tag = $2, release_notes = $3, \
         is_prerelease = $4, released_at = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(&f.description)
    .bind(&f.vcs_tag)
    .bind(&f.release_notes)
    .bind(f.is_prerelease)
    .bind(f.released_at)
    .bind(now_millis())
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}
