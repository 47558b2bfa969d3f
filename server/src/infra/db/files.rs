//! Files of versions and the blobs behind them.

use super::sql::*;
use app::domain::upload_rules::{self, Conflict, Decision, Existing, Occupant};

use super::{now_millis, Db, DbError, FileId, PackageId, RepositoryId, Tx, VersionId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    pub id: FileId,
    pub repository_id: RepositoryId,
    pub version_id: VersionId,
    pub version_name: String,
    pub package_name: String,
    pub path: String,
    pub name: String,
    pub sha256: String,
    pub sha1: String,
    pub md5: String,
    pub size: i64,
    pub is_published: bool,
    pub downloads: i64,
    pub created_at: i64,
}

/// A file about to be written: where it goes and the blob it holds (recorded already).
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub path: &'a str,
    pub name: &'a str,
    pub sha256: &'a str,
    pub sha1: &'a str,
    pub md5: &'a str,
    pub size: i64,
}

/// Files to write into one version at once, under one override flag and publish state.
/// The version is created (in the same transaction) when it does not exist yet, so a
/// refused batch leaves no version behind.
#[derive(Debug, Clone)]
pub struct FileBatch<'a> {
    pub repository_id: RepositoryId,
    pub package_id: PackageId,
    pub package_name: &'a str,
    pub version_name: &'a str,
    pub publish: bool,
    /// The upload's `override` flag, as [`upload_rules::decide`] reads it.
    pub override_: bool,
    pub files: &'a [NewFile<'a>],
}

/// The file already at a path of a repository, and where it lives.
/// Who holds a path of a repository: the file there, its package and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathHolder {
    pub file_id: FileId,
    pub package_name: String,
    pub version_name: String,
    pub is_published: bool,
}

impl From<&FileRecord> for PathHolder {
    fn from(f: &FileRecord) -> PathHolder {
        PathHolder {
            file_id: f.id,
            package_name: f.package_name.clone(),
            version_name: f.version_name.clone(),
            is_published: f.is_published,
        }
    }
}

impl PathHolder {
    /// What [`upload_rules::decide`] makes of this file for an upload into `package`'s
    /// `version`.
    pub fn decide(&self, package: &str, version: &str, override_: bool) -> Decision {
        let existing = if self.is_published {
            Existing::Published
        } else {
            Existing::Unpublished
        };
        let owner =
            upload_rules::owner_of(&self.package_name, &self.version_name, package, version);
        upload_rules::decide(existing, owner, override_)
    }

    /// The refusal message for `conflict` at `path`.
    /// Why an upload of `package`/`version` may not take `path` from this holder, in
    /// words, or `None` when the upload-conflict table lets it.
    pub fn refusal_for(
        &self,
        path: &str,
        package: &str,
        version: &str,
        override_: bool,
    ) -> Option<String> {
        match self.decide(package, version, override_) {
            Decision::Refuse(conflict) => Some(self.refusal(path, conflict)),
            _ => None,
        }
    }

    pub fn refusal(&self, path: &str, conflict: Conflict) -> String {
        conflict.message(
            path,
            &Occupant {
                package: &self.package_name,
                version: &self.version_name,
            },
        )
    }
}

/// Why [`Db::put_files`] wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum PutFilesError {
    /// The upload-conflict table refused one of the paths.
    #[error("{}", holder.refusal(path, *conflict))]
    Refused {
        path: String,
        conflict: Conflict,
        holder: PathHolder,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for PutFilesError {
    fn from(e: sqlx::Error) -> Self {
        PutFilesError::Db(e.into())
    }
}

const SELECT: &str = "SELECT f.id, f.repository_id, f.version_id, v.name AS version_name, \
     p.name AS package_name, f.path, f.name, f.blob_sha256, b.sha1, b.md5, b.size, \
     f.is_published, f.downloads, f.created_at \
     FROM files f JOIN versions v ON v.id = f.version_id JOIN packages p ON p.id = v.package_id \
     JOIN blobs b ON b.sha256 = f.blob_sha256";

fn from_row(row: &Row) -> Result<FileRecord, sqlx::Error> {
    Ok(FileRecord {
        id: row.try_get("id")?,
        repository_id: row.try_get("repository_id")?,
        version_id: row.try_get("version_id")?,
        version_name: row.try_get("version_name")?,
        package_name: row.try_get("package_name")?,
        path: row.try_get("path")?,
        name: row.try_get("name")?,
        sha256: row.try_get("blob_sha256")?,
        sha1: row.try_get("sha1")?,
        md5: row.try_get("md5")?,
        size: row.try_get("size")?,
        is_published: row.try_get("is_published")?,
        downloads: row.try_get("downloads")?,
        created_at: row.try_get("created_at")?,
    })
}

async fn find_file<'e>(
    ex: impl Into<Ex<'e>>,
    repository_id: RepositoryId,
    path: &str,
) -> Result<FileRecord, DbError> {
    let row = query(&format!(
        "{SELECT} WHERE f.repository_id = $1 AND f.path = $2"
    ))
    .bind(repository_id)
    .bind(path)
    .fetch_optional(ex)
    .await?
    .ok_or(DbError::NotFound)?;
    Ok(from_row(&row)?)
}

impl Db {
    pub async fn find_file(
        &self,
        repository_id: RepositoryId,
        path: &str,
    ) -> Result<FileRecord, DbError> {
        find_file(&self.pool, repository_id, path).await
    }

    /// The file a download names, in one query (issue 15: a download's only lookup): at
    /// `path` in the repository `repo` of the subject whose name key is `subject_key`,
    /// when `viewer` may download it: the repository is public or theirs, and the file
    /// is published or theirs (Bintray API 1.8: unpublished files are for the owner).
    pub async fn find_downloadable_file(
        &self,
        subject_key: &str,
        repo: &str,
        path: &str,
        viewer: super::Viewer,
    ) -> Result<FileRecord, DbError> {
        let row = query(&format!(
            "{SELECT} JOIN repositories r ON r.id = f.repository_id \
             JOIN users u ON u.id = r.owner_id \
             WHERE u.name_key = $1 AND r.name = $2 AND f.path = $3 \
             AND (r.is_private = FALSE OR r.owner_id = $4) \
             AND (f.is_published OR r.owner_id = $4)"
        ))
        .bind(subject_key)
        .bind(repo)
        .bind(path)
        .bind(viewer.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(DbError::NotFound)?;
        Ok(from_row(&row)?)
    }

    /// The file at `path` of a repository and the package and version it belongs to.
    pub async fn path_holder(
        &self,
        repository_id: RepositoryId,
        path: &str,
    ) -> Result<Option<PathHolder>, DbError> {
        Ok(path_holder(&self.pool, repository_id, path).await?)
    }

    /// Records the blobs (once) and the files, in one transaction that applies the
    /// upload-conflict table ([`upload_rules::decide`]) to every path: a refused path
    /// writes nothing at all. Replaced files keep their id and download count, and take
    /// the new content and the batch's publish state. The version is found or created
    /// in the same transaction; its id.
    pub async fn put_files(&self, batch: &FileBatch<'_>) -> Result<VersionId, PutFilesError> {
        let mut tx = self.begin().await?;
        let version_id = tx.put_files(batch).await?;
        tx.commit().await?;
        Ok(version_id)
    }

    /// Publishes the version's unpublished files; returns how many.
    pub async fn publish_files(&self, version_id: VersionId) -> Result<i64, DbError> {
        publish_files(&self.pool, version_id).await
    }

    /// Removes the version's unpublished files; returns how many.
    pub async fn discard_files(&self, version_id: VersionId) -> Result<i64, DbError> {
        let done = query("DELETE FROM files WHERE version_id = $1 AND NOT is_published")
            .bind(version_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() as i64)
    }

    pub async fn delete_file(&self, id: FileId) -> Result<(), DbError> {
        query("DELETE FROM files WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Files of a package, or of one of its versions, by path.
    pub async fn list_files(
        &self,
        package_id: PackageId,
        version_id: Option<VersionId>,
        include_unpublished: bool,
    ) -> Result<Vec<FileRecord>, DbError> {
        let rows = query(&format!(
            "{SELECT} WHERE v.package_id = $1 AND ($2 IS NULL OR f.version_id = $2) \
             AND (f.is_published OR $3) ORDER BY v.id DESC, f.path"
        ))
        .bind(package_id)
        .bind(version_id)
        .bind(include_unpublished)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    /// Paths, ids and creation times of the files under a directory of a repository
    /// (`dir/` is a prefix of their path).
    pub async fn files_under(
        &self,
        repository_id: RepositoryId,
        dir: &str,
        include_unpublished: bool,
    ) -> Result<Vec<(String, i64, i64)>, DbError> {
        // A range on the path instead of LIKE: no wildcard escaping, and the index serves it.
        // Byte order, whatever PostgreSQL's locale: there '0' follows '/' too.
        let low = format!("{dir}/");
        let high = format!("{dir}0"); // '0' follows '/'
        let path = self.dialect().bytewise("path");
        let rows = query(&format!(
            "SELECT path, id, created_at FROM files WHERE repository_id = $1 \
             AND {path} >= $2 AND {path} < $3 AND (is_published OR $4)"
        ))
        .bind(repository_id)
        .bind(low)
        .bind(high)
        .bind(include_unpublished)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("path")?,
                    r.try_get("id")?,
                    r.try_get("created_at")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(DbError::from)
    }

    /// Adds batched download counts of files (`crate::infra::download_counts`), by id and
    /// by repository and path (tag pulls), in one transaction that commutes with others.
    /// Paths are resolved to ids first and rows are updated in id order, so two replicas
    /// flushing at once on PostgreSQL cannot deadlock on each other's row locks.
    pub async fn add_file_downloads(
        &self,
        by_id: &std::collections::HashMap<FileId, i64>,
        by_path: &std::collections::HashMap<(RepositoryId, String), i64>,
    ) -> Result<(), DbError> {
        let mut tx = self.begin_commutative().await?;
        let mut counts: std::collections::BTreeMap<FileId, i64> =
            by_id.iter().map(|(id, n)| (*id, *n)).collect();
        for ((repository_id, path), n) in by_path {
            let id: Option<FileId> =
                query_scalar("SELECT id FROM files WHERE repository_id = $1 AND path = $2")
                    .bind(*repository_id)
                    .bind(path)
                    .fetch_optional(tx.conn())
                    .await?;
            if let Some(id) = id {
                *counts.entry(id).or_default() += n;
            }
        }
        for (id, n) in counts {
            query("UPDATE files SET downloads = downloads + $2 WHERE id = $1")
                .bind(id)
                .bind(n)
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds batched download counts of versions, in id order, in one transaction that
    /// commutes with others (see [`Db::add_file_downloads`]).
    pub async fn add_version_downloads(
        &self,
        counts: &std::collections::HashMap<VersionId, i64>,
    ) -> Result<(), DbError> {
        let mut sorted: Vec<_> = counts.iter().collect();
        sorted.sort();
        let mut tx = self.begin_commutative().await?;
        for (id, n) in sorted {
            query("UPDATE versions SET downloads = downloads + $2 WHERE id = $1")
                .bind(*id)
                .bind(*n)
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn path_holder<'e, E>(
    executor: E,
    repository_id: RepositoryId,
    path: &str,
) -> Result<Option<PathHolder>, sqlx::Error>
where
    E: Into<Ex<'e>>,
{
    let row = query(
        "SELECT f.id, p.name AS package_name, v.name AS version_name, f.is_published \
         FROM files f JOIN versions v ON v.id = f.version_id \
         JOIN packages p ON p.id = v.package_id \
         WHERE f.repository_id = $1 AND f.path = $2",
    )
    .bind(repository_id)
    .bind(path)
    .fetch_optional(executor)
    .await?;
    row.map(|r| {
        Ok(PathHolder {
            file_id: r.try_get("id")?,
            package_name: r.try_get("package_name")?,
            version_name: r.try_get("version_name")?,
            is_published: r.try_get("is_published")?,
        })
    })
    .transpose()
}

/// What a file search looks for.
#[derive(Debug, Clone, Default)]
pub struct FileSearch<'a> {
    /// A glob with `*` and `?` on the file name.
    pub name_glob: Option<&'a str>,
    pub sha1: Option<&'a str>,
    pub subject_key: Option<&'a str>,
    pub repo: Option<&'a str>,
    pub offset: i64,
    pub limit: i64,
}

impl Db {
    /// Published files in public repositories.
    pub async fn search_public_files(
        &self,
        q: &FileSearch<'_>,
    ) -> Result<(Vec<(String, String, FileRecord)>, i64), DbError> {
        let d = self.dialect();
        let glob = q.name_glob.map(|g| d.glob_pattern(g));
        let filter = format!(
            "r.is_private = FALSE AND f.is_published \
             AND ($1 IS NULL OR {}) AND ($2 IS NULL OR b.sha1 = lower($2)) \
             AND ($3 IS NULL OR u.name_key = $3) AND ($4 IS NULL OR r.name = $4)",
            d.glob("f.name", "$1")
        );
        let from = "FROM files f JOIN versions v ON v.id = f.version_id \
             JOIN packages p ON p.id = v.package_id JOIN blobs b ON b.sha256 = f.blob_sha256 \
             JOIN repositories r ON r.id = f.repository_id JOIN users u ON u.id = r.owner_id";
        let total: i64 = query_scalar(&format!("SELECT COUNT(*) {from} WHERE {filter}"))
            .bind(glob.as_deref())
            .bind(q.sha1)
            .bind(q.subject_key)
            .bind(q.repo)
            .fetch_one(&self.pool)
            .await?;
        let rows = query(&format!(
            "SELECT f.id, f.repository_id, f.version_id, v.name AS version_name, \
             p.name AS package_name, f.path, f.name, f.blob_sha256, b.sha1, b.md5, b.size, \
             f.is_published, f.downloads, f.created_at, u.name AS owner_name, r.name AS repo_name \
             {from} WHERE {filter} ORDER BY f.id LIMIT $5 OFFSET $6"
        ))
        .bind(glob.as_deref())
        .bind(q.sha1)
        .bind(q.subject_key)
        .bind(q.repo)
        .bind(q.limit)
        .bind(q.offset)
        .fetch_all(&self.pool)
        .await?;
        let found = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("owner_name")?,
                    r.try_get("repo_name")?,
                    from_row(r)?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        Ok((found, total))
    }
}

impl Db {
    pub async fn set_list_in_downloads(
        &self,
        file_id: FileId,
        listed: bool,
    ) -> Result<(), DbError> {
        query("UPDATE files SET list_in_downloads = $1 WHERE id = $2")
            .bind(listed)
            .bind(file_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Tx {
    /// Records the blobs (once) and the files, in one transaction that applies the
    /// upload-conflict table ([`upload_rules::decide`]) to every path: a refused path
    /// writes nothing at all. Replaced files keep their id and download count, and take
    /// the new content and the batch's publish state. The version is found or created
    /// in the same transaction; its id.
    ///
    /// As one step of a unit of work: the checks and the writes see the same state,
    /// since no other writer runs between them.
    pub async fn put_files(&mut self, batch: &FileBatch<'_>) -> Result<VersionId, PutFilesError> {
        let now = now_millis();
        let (version_id, _) = self
            .version_for(batch.package_id, batch.version_name)
            .await?;
        let published_at = batch.publish.then_some(now);
        for f in batch.files {
            let holder = path_holder(self.conn(), batch.repository_id, f.path).await?;
            let decision = match &holder {
                None => Decision::Create,
                Some(h) => h.decide(batch.package_name, batch.version_name, batch.override_),
            };
            query(
                "INSERT INTO blobs (sha256, sha1, md5, size, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(f.sha256)
            .bind(f.sha1)
            .bind(f.md5)
            .bind(f.size)
            .bind(now)
            .execute(self.conn())
            .await?;
            match (decision, holder) {
                (Decision::Refuse(conflict), Some(holder)) => {
                    return Err(PutFilesError::Refused {
                        path: f.path.to_owned(),
                        conflict,
                        holder,
                    })
                }
                (Decision::Replace, Some(holder)) => {
                    query(
                        "UPDATE files SET name = $1, blob_sha256 = $2, is_published = $3, \
                         created_at = $4, published_at = $5 WHERE id = $6",
                    )
                    .bind(f.name)
                    .bind(f.sha256)
                    .bind(batch.publish)
                    .bind(now)
                    .bind(published_at)
                    .bind(holder.file_id)
                    .execute(self.conn())
                    .await?;
                }
                _ => {
                    query(
                        "INSERT INTO files (repository_id, version_id, path, name, \
                         blob_sha256, is_published, created_at, published_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(batch.repository_id)
                    .bind(version_id)
                    .bind(f.path)
                    .bind(f.name)
                    .bind(f.sha256)
                    .bind(batch.publish)
                    .bind(now)
                    .bind(published_at)
                    .execute(self.conn())
                    .await
                    .map_err(DbError::from_write)?;
                }
            }
        }
        Ok(version_id)
    }

    /// [`Db::publish_files`] as a step of a unit of work.
    pub async fn publish_files(&mut self, version_id: VersionId) -> Result<i64, DbError> {
        publish_files(self.conn(), version_id).await
    }

    /// [`Db::path_holder`] inside the unit of work.
    pub async fn path_holder(
        &mut self,
        repository_id: RepositoryId,
        path: &str,
    ) -> Result<Option<PathHolder>, DbError> {
        Ok(path_holder(self.conn(), repository_id, path).await?)
    }

    /// [`Db::find_file`] inside the unit of work: it sees the unit's own writes.
    pub async fn find_file(
        &mut self,
        repository_id: RepositoryId,
        path: &str,
    ) -> Result<FileRecord, DbError> {
        find_file(self.conn(), repository_id, path).await
    }
}

async fn publish_files<'e>(ex: impl Into<Ex<'e>>, version_id: VersionId) -> Result<i64, DbError> {
    let done = query(
        "UPDATE files SET is_published = TRUE, published_at = $1 \
         WHERE version_id = $2 AND NOT is_published",
    )
    .bind(now_millis())
    .bind(version_id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() as i64)
}
