//! Packages of a repository. Callers reach a package only through a repository record
//! they were allowed to see.

use super::sql::*;

use super::{
    labels_from_json, labels_to_json, now_millis, Db, DbError, PackageId, RepositoryId, Tx,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageRecord {
    pub id: PackageId,
    pub repository_id: RepositoryId,
    pub name: String,
    pub description: Option<String>,
    pub labels: Vec<String>,
    pub licenses: Vec<String>,
    pub vcs_url: Option<String>,
    pub website_url: Option<String>,
    pub issue_tracker_url: Option<String>,
    pub github_repo: Option<String>,
    /// The GitHub repository an import created this package from; `None` when made by hand.
    /// Only the importer sets it, so no client can claim it through `github_repo`.
    pub imported_from_github: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct PackageFields {
    pub description: Option<String>,
    pub labels: Vec<String>,
    pub licenses: Vec<String>,
    pub vcs_url: Option<String>,
    pub website_url: Option<String>,
    pub issue_tracker_url: Option<String>,
    pub github_repo: Option<String>,
    /// See [`PackageRecord::imported_from_github`]: written when a package is created,
    /// never by an update.
    pub imported_from_github: Option<String>,
}

impl From<&PackageRecord> for PackageFields {
    fn from(p: &PackageRecord) -> Self {
        PackageFields {
            description: p.description.clone(),
            labels: p.labels.clone(),
            licenses: p.licenses.clone(),
            vcs_url: p.vcs_url.clone(),
            website_url: p.website_url.clone(),
            issue_tracker_url: p.issue_tracker_url.clone(),
            github_repo: p.github_repo.clone(),
            imported_from_github: p.imported_from_github.clone(),
        }
    }
}

const SELECT: &str = "SELECT id, repository_id, name, description, labels, licenses, vcs_url, \
     website_url, issue_tracker_url, github_repo, imported_from_github, created_at, updated_at \
     FROM packages";

fn from_row(row: &Row) -> Result<PackageRecord, sqlx::Error> {
    Ok(PackageRecord {
        id: row.try_get("id")?,
        repository_id: row.try_get("repository_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        labels: labels_from_json(row.try_get("labels")?),
        licenses: labels_from_json(row.try_get("licenses")?),
        vcs_url: row.try_get("vcs_url")?,
        website_url: row.try_get("website_url")?,
        issue_tracker_url: row.try_get("issue_tracker_url")?,
        github_repo: row.try_get("github_repo")?,
        imported_from_github: row.try_get("imported_from_github")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// One page of a listing, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl Db {
    /// Package names of a repository, by name, `limit` from `offset`, optionally only
    /// those starting with `prefix`.
    pub async fn list_packages(
        &self,
        repository_id: RepositoryId,
        prefix: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<Page<PackageRecord>, DbError> {
        // substr() rather than LIKE: names contain '_', which LIKE treats as a wildcard.
        let filter = "repository_id = $1 AND ($2 IS NULL OR substr(name, 1, length($2)) = $2)";
        let total: i64 = query_scalar(&format!("SELECT COUNT(*) FROM packages WHERE {filter}"))
            .bind(repository_id)
            .bind(prefix)
            .fetch_one(&self.pool)
            .await?;
        let rows = query(&format!(
            "{SELECT} WHERE {filter} ORDER BY name LIMIT $3 OFFSET $4"
        ))
        .bind(repository_id)
        .bind(prefix)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(Page {
            items: rows.iter().map(from_row).collect::<Result<_, _>>()?,
            total,
        })
    }

    /// Every package of a repository with the GitHub repository an import created it from
    /// (`None` when made by hand, whatever its `github_repo` says), by name: what an import
    /// checks name collisions against.
    pub async fn package_origins(
        &self,
        repository_id: RepositoryId,
    ) -> Result<Vec<(String, Option<String>)>, DbError> {
        Ok(query_as(
            "SELECT name, imported_from_github FROM packages WHERE repository_id = $1 \
             ORDER BY name",
        )
        .bind(repository_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The release tags (`vcs_tag`) of the versions of every package an import created in
    /// this repository, by the GitHub repository it came from (as recorded, `owner/name`):
    /// what the import tree marks "imported".
    pub async fn imported_tags(
        &self,
        repository_id: RepositoryId,
    ) -> Result<Vec<(String, String)>, DbError> {
        Ok(query_as(
            "SELECT p.imported_from_github, v.vcs_tag FROM versions v \
             JOIN packages p ON p.id = v.package_id \
             WHERE p.repository_id = $1 AND p.imported_from_github IS NOT NULL \
             AND v.vcs_tag IS NOT NULL AND v.import_files_missing = 0 \
             ORDER BY p.imported_from_github, v.vcs_tag",
        )
        .bind(repository_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn find_package(
        &self,
        repository_id: RepositoryId,
        name: &str,
    ) -> Result<PackageRecord, DbError> {
        find_package(&self.pool, repository_id, name).await
    }

    pub async fn insert_package(
        &self,
        repository_id: RepositoryId,
        name: &str,
        f: &PackageFields,
    ) -> Result<i64, DbError> {
        insert_package(&self.pool, repository_id, name, f).await
    }

    pub async fn update_package(&self, id: PackageId, f: &PackageFields) -> Result<(), DbError> {
        query(
            "UPDATE packages SET description = $1, labels = $2, licenses = $3, vcs_url = $4, \
             website_url = $5, issue_tracker_url = $6, github_repo = $7, updated_at = $8 \
             WHERE id = $9",
        )
        .bind(&f.description)
        .bind(labels_to_json(&f.labels))
        .bind(labels_to_json(&f.licenses))
        .bind(&f.vcs_url)
        .bind(&f.website_url)
        .bind(&f.issue_tracker_url)
        .bind(&f.github_repo)
        .bind(now_millis())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn delete_package(&self, id: PackageId) -> Result<(), DbError> {
        query("DELETE FROM packages WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Db {
    /// Public packages (in public repositories) matching every given filter.
    pub async fn search_public_packages(
        &self,
        name: Option<&str>,
        desc: Option<&str>,
        subject_key: Option<&str>,
        repo: Option<&str>,
    ) -> Result<Vec<PackageRecord>, DbError> {
        let d = self.dialect();
        let sql = format!(
            "SELECT p.id, p.repository_id, p.name, p.description, p.labels, p.licenses, \
             p.vcs_url, p.website_url, p.issue_tracker_url, p.github_repo, \
             p.imported_from_github, p.created_at, \
             p.updated_at FROM packages p \
             JOIN repositories r ON r.id = p.repository_id JOIN users u ON u.id = r.owner_id \
             WHERE r.is_private = FALSE AND ($1 IS NULL OR {} > 0) AND ($2 IS NULL OR {} > 0) \
             AND ($3 IS NULL OR u.name_key = $3) AND ($4 IS NULL OR r.name = $4) \
             ORDER BY u.name, r.name, p.name LIMIT 1000",
            d.position("lower(p.name)", "lower($1)"),
            d.position("lower(coalesce(p.description, ''))", "lower($2)"),
        );
        let rows = query(&sql)
            .bind(name)
            .bind(desc)
            .bind(subject_key)
            .bind(repo)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    pub async fn find_package_by_id(&self, id: PackageId) -> Result<PackageRecord, DbError> {
        let row = query(&format!("{SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(DbError::NotFound)?;
        Ok(from_row(&row)?)
    }
}

/// A public repository for the front page: owner, name, type, description, packages.
pub type ExploreRepositoryRow = (String, String, String, Option<String>, i64);
/// A recently published public package: owner, repository, package, description, version,
/// when its last file was published (milliseconds).
pub type ExplorePackageRow = (String, String, String, Option<String>, String, i64);

impl Db {
    /// Public repositories, most recently changed first. Never a private one, whoever
    /// asks: the front page is the same for everyone.
    pub async fn explore_public_repositories(
        &self,
        limit: i64,
    ) -> Result<Vec<ExploreRepositoryRow>, DbError> {
        let rows = query(
            "SELECT u.name AS owner, r.name, r.repo_type, r.description, \
             (SELECT count(*) FROM packages p WHERE p.repository_id = r.id) AS package_count \
             FROM repositories r JOIN users u ON u.id = r.owner_id \
             WHERE r.is_private = FALSE ORDER BY r.updated_at DESC, r.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("owner")?,
                    r.try_get("name")?,
                    r.try_get("repo_type")?,
                    r.try_get("description")?,
                    r.try_get("package_count")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Packages of public repositories by the time their last file was published, newest
    /// first, each with the version of that file. Unpublished files do not count.
    pub async fn explore_recent_packages(
        &self,
        limit: i64,
    ) -> Result<Vec<ExplorePackageRow>, DbError> {
        let rows = query(
            "SELECT u.name AS owner, r.name AS repo, p.name, p.description, \
             v.name AS version, f.published_at \
             FROM files f JOIN versions v ON v.id = f.version_id \
             JOIN packages p ON p.id = v.package_id \
             JOIN repositories r ON r.id = p.repository_id JOIN users u ON u.id = r.owner_id \
             WHERE r.is_private = FALSE AND f.is_published AND f.published_at IS NOT NULL \
             AND f.id = (SELECT f2.id FROM files f2 JOIN versions v2 ON v2.id = f2.version_id \
                 WHERE v2.package_id = p.id AND f2.is_published AND f2.published_at IS NOT NULL \
                 ORDER BY f2.published_at DESC, f2.id DESC LIMIT 1) \
             ORDER BY f.published_at DESC, f.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("owner")?,
                    r.try_get("repo")?,
                    r.try_get("name")?,
                    r.try_get("description")?,
                    r.try_get("version")?,
                    r.try_get("published_at")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }
}

async fn find_package<'e>(
    ex: impl Into<Ex<'e>>,
    repository_id: RepositoryId,
    name: &str,
) -> Result<PackageRecord, DbError> {
    let row = query(&format!("{SELECT} WHERE repository_id = $1 AND name = $2"))
        .bind(repository_id)
        .bind(name)
        .fetch_optional(ex)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(from_row(&row)?)
}

async fn insert_package<'e>(
    ex: impl Into<Ex<'e>>,
    repository_id: RepositoryId,
    name: &str,
    f: &PackageFields,
) -> Result<i64, DbError> {
    let id: i64 = query_scalar(
        "INSERT INTO packages (repository_id, name, description, labels, licenses, vcs_url, \
         website_url, issue_tracker_url, github_repo, imported_from_github, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(repository_id)
    .bind(name)
    .bind(&f.description)
    .bind(labels_to_json(&f.labels))
    .bind(labels_to_json(&f.licenses))
    .bind(&f.vcs_url)
    .bind(&f.website_url)
    .bind(&f.issue_tracker_url)
    .bind(&f.github_repo)
    .bind(&f.imported_from_github)
    .bind(now_millis())
    .fetch_one(ex)
    .await
    .map_err(DbError::from_write)?;
    Ok(id)
}

impl Tx {
    /// [`Db::find_package`] inside the unit of work.
    pub async fn find_package(
        &mut self,
        repository_id: RepositoryId,
        name: &str,
    ) -> Result<PackageRecord, DbError> {
        find_package(self.conn(), repository_id, name).await
    }

    /// [`Db::insert_package`] as a step of a unit of work.
    pub async fn insert_package(
        &mut self,
        repository_id: RepositoryId,
        name: &str,
        f: &PackageFields,
    ) -> Result<i64, DbError> {
        insert_package(self.conn(), repository_id, name, f).await
    }
}
