//! Repositories of a subject. Every read takes the viewer: a private repository is found
//! only by its owner, so a handler cannot forget the check.

use super::sql::*;

use super::{
    labels_from_json, labels_to_json, now_millis, Db, DbError, RepositoryId, UserId, Viewer,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryRecord {
    pub id: RepositoryId,
    pub owner_id: UserId,
    pub owner_name: String,
    pub name: String,
    pub repo_type: String,
    pub is_private: bool,
    pub description: Option<String>,
    pub labels: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub package_count: i64,
}

/// The fields a create or update writes.
#[derive(Debug, Clone)]
pub struct RepositoryFields {
    pub repo_type: String,
    pub is_private: bool,
    pub description: Option<String>,
    pub labels: Vec<String>,
}

const SELECT: &str = "SELECT r.id, r.owner_id, u.name AS owner_name, r.name, r.repo_type, \
     r.is_private, r.description, r.labels, r.created_at, r.updated_at, \
     (SELECT COUNT(*) FROM packages p WHERE p.repository_id = r.id) AS package_count \
     FROM repositories r JOIN users u ON u.id = r.owner_id";

fn from_row(row: &Row) -> Result<RepositoryRecord, sqlx::Error> {
    Ok(RepositoryRecord {
        id: row.try_get("id")?,
        owner_id: row.try_get("owner_id")?,
        owner_name: row.try_get("owner_name")?,
        name: row.try_get("name")?,
        repo_type: row.try_get("repo_type")?,
        is_private: row.try_get("is_private")?,
        description: row.try_get("description")?,
        labels: labels_from_json(row.try_get("labels")?),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        package_count: row.try_get("package_count")?,
    })
}

impl Db {
    /// The repositories of `owner_id` that `viewer` may see, by name.
    pub async fn list_repositories(
        &self,
        owner_id: UserId,
        viewer: Viewer,
    ) -> Result<Vec<RepositoryRecord>, DbError> {
        let sql = format!(
            "{SELECT} WHERE r.owner_id = $1 AND (r.is_private = FALSE OR r.owner_id = $2) \
             ORDER BY r.name"
        );
        let rows = query(&sql)
            .bind(owner_id)
            .bind(viewer.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    pub async fn find_repository(
        &self,
        owner_id: UserId,
        name: &str,
        viewer: Viewer,
    ) -> Result<RepositoryRecord, DbError> {
        let sql = format!(
            "{SELECT} WHERE r.owner_id = $1 AND r.name = $2 \
             AND (r.is_private = FALSE OR r.owner_id = $3)"
        );
        let row = query(&sql)
            .bind(owner_id)
            .bind(name)
            .bind(viewer.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(DbError::NotFound)?;
        Ok(from_row(&row)?)
    }

    /// The repositories with these ids that `viewer` may see (one query per 500 ids), in
    /// no particular order; ids of others are left out.
    pub async fn find_repositories_by_ids(
        &self,
        ids: &[RepositoryId],
        viewer: Viewer,
    ) -> Result<Vec<RepositoryRecord>, DbError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(super::IN_CHUNK) {
            let sql = format!(
                "{SELECT} WHERE r.id IN ({}) AND (r.is_private = FALSE OR r.owner_id = $1)",
                super::in_list(2, chunk.len())
            );
            let mut query = query(&sql).bind(viewer.0);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&self.pool).await? {
                out.push(from_row(&row)?);
            }
        }
        Ok(out)
    }

    /// A repository by id, if `viewer` may see it.
    pub async fn find_repository_by_id(
        &self,
        id: RepositoryId,
        viewer: Viewer,
    ) -> Result<RepositoryRecord, DbError> {
        let sql = format!("{SELECT} WHERE r.id = $1 AND (r.is_private = FALSE OR r.owner_id = $2)");
        let row = query(&sql)
            .bind(id)
            .bind(viewer.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(DbError::NotFound)?;
        Ok(from_row(&row)?)
    }

    /// Public repositories whose name or description contains the given text.
    pub async fn search_repositories(
        &self,
        name: Option<&str>,
        desc: Option<&str>,
    ) -> Result<Vec<RepositoryRecord>, DbError> {
        let d = self.dialect();
        let sql = format!(
            "{SELECT} WHERE r.is_private = FALSE \
             AND ($1 IS NULL OR {} > 0) AND ($2 IS NULL OR {} > 0) \
             ORDER BY u.name, r.name LIMIT 1000",
            d.position("lower(r.name)", "lower($1)"),
            d.position("lower(coalesce(r.description, ''))", "lower($2)"),
        );
        let rows = query(&sql)
            .bind(name)
            .bind(desc)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    /// [`DbError::Conflict`] when the owner already has a repository of that name.
    pub async fn insert_repository(
        &self,
        owner_id: UserId,
        name: &str,
        fields: &RepositoryFields,
    ) -> Result<i64, DbError> {
        let now = now_millis();
        let id: i64 = query_scalar(
            "INSERT INTO repositories (owner_id, name, repo_type, is_private, description, \
             labels, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             RETURNING id",
        )
        .bind(owner_id)
        .bind(name)
        .bind(&fields.repo_type)
        .bind(fields.is_private)
        .bind(&fields.description)
        .bind(labels_to_json(&fields.labels))
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(DbError::from_write)?;
        Ok(id)
    }

    /// Rewrites the fields of a repository the caller owns (`owner_id` scopes the write).
    pub async fn update_repository(
        &self,
        owner_id: UserId,
        id: RepositoryId,
        fields: &RepositoryFields,
    ) -> Result<(), DbError> {
        let done = query(
            "UPDATE repositories SET is_private = $1, description = $2, labels = $3, \
             updated_at = $4 WHERE id = $5 AND owner_id = $6",
        )
        .bind(fields.is_private)
        .bind(&fields.description)
        .bind(labels_to_json(&fields.labels))
        .bind(now_millis())
        .bind(id)
        .bind(owner_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound);
        }
        Ok(())
    }

    pub async fn delete_repository(
        &self,
        owner_id: UserId,
        id: RepositoryId,
    ) -> Result<(), DbError> {
        let done = query("DELETE FROM repositories WHERE id = $1 AND owner_id = $2")
            .bind(id)
            .bind(owner_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound);
        }
        Ok(())
    }
}
