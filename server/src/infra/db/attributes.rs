//! Attributes of packages and versions, stored as one row per attribute with its values
//! as a JSON array.

use super::sql::*;
use app::domain::attributes::{AttrType, Attribute};

use super::{Db, DbError, PackageId, RepositoryId, Tx, VersionId};

/// Whose attributes: a package's or a version's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrOwner {
    Package(PackageId),
    Version(VersionId),
}

impl AttrOwner {
    fn column(self) -> (&'static str, i64) {
        match self {
            AttrOwner::Package(id) => ("package_id", id.0),
            AttrOwner::Version(id) => ("version_id", id.0),
        }
    }
}

fn from_row(row: &Row) -> Result<Attribute, sqlx::Error> {
    let type_text: String = row.try_get("attr_type")?;
    let values_text: String = row.try_get("attr_values")?;
    Ok(Attribute {
        name: row.try_get("name")?,
        values: serde_json::from_str(&values_text).unwrap_or_default(),
        attr_type: AttrType::parse(&type_text).unwrap_or(AttrType::String),
    })
}

impl Db {
    pub async fn attributes_of(&self, owner: AttrOwner) -> Result<Vec<Attribute>, DbError> {
        attributes_of(&self.pool, owner).await
    }

    /// Replaces all attributes of `owner` with `attributes`, atomically.
    pub async fn replace_attributes(
        &self,
        owner: AttrOwner,
        attributes: &[Attribute],
    ) -> Result<(), DbError> {
        let mut tx = self.begin().await?;
        tx.replace_attributes(owner, attributes).await?;
        tx.commit().await
    }

    /// Attributes of every package of a repository, by package id.
    pub async fn package_attributes_in(
        &self,
        repository_id: RepositoryId,
    ) -> Result<Vec<(PackageId, Attribute)>, DbError> {
        let rows = self
            .attributes_grouped(
                "SELECT a.package_id AS owner, a.name, a.attr_type, a.attr_values FROM attributes a \
                 JOIN packages p ON p.id = a.package_id WHERE p.repository_id = $1",
                repository_id.0,
            )
            .await?;
        Ok(rows.into_iter().map(|(id, a)| (PackageId(id), a)).collect())
    }

    /// Attributes of every version of a package, by version id.
    pub async fn version_attributes_in(
        &self,
        package_id: PackageId,
    ) -> Result<Vec<(VersionId, Attribute)>, DbError> {
        let rows = self
            .attributes_grouped(
                "SELECT a.version_id AS owner, a.name, a.attr_type, a.attr_values FROM attributes a \
                 JOIN versions v ON v.id = a.version_id WHERE v.package_id = $1",
                package_id.0,
            )
            .await?;
        Ok(rows.into_iter().map(|(id, a)| (VersionId(id), a)).collect())
    }

    /// Runs a query whose rows are an `owner` id and an attribute.
    async fn attributes_grouped(
        &self,
        sql: &str,
        id: i64,
    ) -> Result<Vec<(i64, Attribute)>, DbError> {
        let rows = query(sql).bind(id).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((r.try_get("owner")?, from_row(r)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(DbError::from)
    }
}

async fn attributes_of<'e>(
    ex: impl Into<Ex<'e>>,
    owner: AttrOwner,
) -> Result<Vec<Attribute>, DbError> {
    let (column, id) = owner.column();
    let rows = query(&format!(
        "SELECT name, attr_type, attr_values FROM attributes WHERE {column} = $1 ORDER BY name"
    ))
    .bind(id)
    .fetch_all(ex)
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

impl Tx {
    /// [`Db::attributes_of`] inside the unit of work.
    pub async fn attributes_of(&mut self, owner: AttrOwner) -> Result<Vec<Attribute>, DbError> {
        attributes_of(self.conn(), owner).await
    }

    /// Replaces all attributes of `owner` with `attributes`, as a step of a unit of work.
    pub async fn replace_attributes(
        &mut self,
        owner: AttrOwner,
        attributes: &[Attribute],
    ) -> Result<(), DbError> {
        let (column, id) = owner.column();
        query(&format!("DELETE FROM attributes WHERE {column} = $1"))
            .bind(id)
            .execute(self.conn())
            .await?;
        for a in attributes {
            query(&format!(
                "INSERT INTO attributes ({column}, name, attr_type, attr_values) VALUES ($1, $2, $3, $4)"
            ))
            .bind(id)
            .bind(&a.name)
            .bind(a.attr_type.as_str())
            .bind(serde_json::to_string(&a.values).unwrap_or_else(|_| "[]".to_owned()))
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }
}
