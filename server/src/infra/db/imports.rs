//! Import-from-GitHub jobs and their items (one per GitHub repository).

use super::sql::*;

use super::{now_millis, Db, DbError, RepositoryId, Tx, UserId, VersionId};

#[derive(Debug, Clone)]
pub struct ImportJobRecord {
    pub id: i64,
    pub user_id: UserId,
    pub repository_id: RepositoryId,
    pub subject: String,
    pub repo: String,
    pub with_assets: bool,
    pub publish: bool,
    /// The user confirmed importing private GitHub repositories into a public repository.
    pub private_to_public: bool,
    pub status: String,
    pub waiting_until: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct ImportItemRecord {
    pub id: i64,
    pub job_id: i64,
    pub repo_full_name: String,
    pub package: Option<String>,
    /// JSON: "all" or {"only": [tags]}.
    pub releases: String,
    pub status: String,
    pub message: Option<String>,
    pub versions_done: i64,
    pub versions_total: Option<i64>,
    pub files_done: i64,
    pub attempts: i64,
    /// JSON of `app::domain::import_outcome::VersionOutcomes`; `None` before any version.
    pub outcomes: Option<String>,
}

const JOB_SELECT: &str = "SELECT j.id, j.user_id, j.repository_id, u.name AS subject, \
     r.name AS repo, j.with_assets, j.publish, j.private_to_public, j.status, j.waiting_until \
     FROM import_jobs j JOIN repositories r ON r.id = j.repository_id \
     JOIN users u ON u.id = r.owner_id";

fn job_from_row(row: &Row) -> Result<ImportJobRecord, sqlx::Error> {
    Ok(ImportJobRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        repository_id: row.try_get("repository_id")?,
        subject: row.try_get("subject")?,
        repo: row.try_get("repo")?,
        with_assets: row.try_get("with_assets")?,
        publish: row.try_get("publish")?,
        private_to_public: row.try_get("private_to_public")?,
        status: row.try_get("status")?,
        waiting_until: row.try_get("waiting_until")?,
    })
}

fn item_from_row(row: &Row) -> Result<ImportItemRecord, sqlx::Error> {
    Ok(ImportItemRecord {
        id: row.try_get("id")?,
        job_id: row.try_get("job_id")?,
        repo_full_name: row.try_get("repo_full_name")?,
        package: row.try_get("package")?,
        releases: row.try_get("releases")?,
        status: row.try_get("status")?,
        message: row.try_get("message")?,
        versions_done: row.try_get("versions_done")?,
        versions_total: row.try_get("versions_total")?,
        files_done: row.try_get("files_done")?,
        attempts: row.try_get("attempts")?,
        outcomes: row.try_get("outcomes")?,
    })
}

impl Db {
    /// Records a job and its items in one transaction; the job's id.
    pub async fn create_import_job(
        &self,
        user_id: UserId,
        repository_id: RepositoryId,
        with_assets: bool,
        publish: bool,
        private_to_public: bool,
        items: &[(String, String)],
    ) -> Result<i64, DbError> {
        let now = now_millis();
        let mut tx = self.begin().await?;
        let id: i64 = query_scalar(
            "INSERT INTO import_jobs (user_id, repository_id, with_assets, publish, \
             private_to_public, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'running', $6, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(repository_id)
        .bind(with_assets)
        .bind(publish)
        .bind(private_to_public)
        .bind(now)
        .fetch_one(tx.conn())
        .await?;
        for (repo, releases) in items {
            query(
                "INSERT INTO import_items (job_id, repo_full_name, releases, status) \
                 VALUES ($1, $2, $3, 'pending')",
            )
            .bind(id)
            .bind(repo)
            .bind(releases)
            .execute(tx.conn())
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// A job, only for the user who started it.
    pub async fn import_job(
        &self,
        job_id: i64,
        user_id: UserId,
    ) -> Result<Option<ImportJobRecord>, DbError> {
        let row = query(&format!("{JOB_SELECT} WHERE j.id = $1 AND j.user_id = $2"))
            .bind(job_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(job_from_row).transpose()?)
    }

    /// A job whoever started it: for the runner.
    pub async fn import_job_for_runner(
        &self,
        job_id: i64,
    ) -> Result<Option<ImportJobRecord>, DbError> {
        let row = query(&format!("{JOB_SELECT} WHERE j.id = $1"))
            .bind(job_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(job_from_row).transpose()?)
    }

    pub async fn import_items(&self, job_id: i64) -> Result<Vec<ImportItemRecord>, DbError> {
        let rows = query("SELECT * FROM import_items WHERE job_id = $1 ORDER BY id")
            .bind(job_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(item_from_row).collect::<Result<_, _>>()?)
    }

    /// Jobs a restarted server must carry on with.
    pub async fn running_import_jobs(&self) -> Result<Vec<i64>, DbError> {
        Ok(
            query_scalar("SELECT id FROM import_jobs WHERE status = 'running' ORDER BY id")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The next item to work on: one left running by a stopped server first, then the
    /// pending ones in order.
    pub async fn next_import_item(&self, job_id: i64) -> Result<Option<ImportItemRecord>, DbError> {
        let row = query(
            "SELECT * FROM import_items WHERE job_id = $1 AND status IN ('running', 'pending') \
             ORDER BY status = 'pending', id LIMIT 1",
        )
        .bind(job_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(item_from_row).transpose()?)
    }

    pub async fn start_import_item(&self, item_id: i64) -> Result<(), DbError> {
        query(
            "UPDATE import_items SET status = 'running', attempts = attempts + 1, \
             message = NULL, outcomes = NULL WHERE id = $1",
        )
        .bind(item_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records how far an item got; `outcomes` (JSON) when versions were imported.
    pub async fn import_item_progress(
        &self,
        item_id: i64,
        package: Option<&str>,
        versions_done: i64,
        versions_total: Option<i64>,
        files_done: i64,
        outcomes: Option<&str>,
    ) -> Result<(), DbError> {
        query(
            "UPDATE import_items SET package = COALESCE($1, package), versions_done = $2, \
             versions_total = $3, files_done = $4, outcomes = COALESCE($6, outcomes) \
             WHERE id = $5",
        )
        .bind(package)
        .bind(versions_done)
        .bind(versions_total)
        .bind(files_done)
        .bind(item_id)
        .bind(outcomes)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn finish_import_item(
        &self,
        item_id: i64,
        failed: bool,
        message: Option<&str>,
    ) -> Result<(), DbError> {
        query("UPDATE import_items SET status = $1, message = $2 WHERE id = $3")
            .bind(if failed { "failed" } else { "done" })
            .bind(message)
            .bind(item_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_import_waiting(&self, job_id: i64, until: Option<i64>) -> Result<(), DbError> {
        query("UPDATE import_jobs SET waiting_until = $1, updated_at = $2 WHERE id = $3")
            .bind(until)
            .bind(now_millis())
            .bind(job_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn finish_import_job(&self, job_id: i64) -> Result<(), DbError> {
        query(
            "UPDATE import_jobs SET status = 'finished', waiting_until = NULL, updated_at = $1 \
             WHERE id = $2",
        )
        .bind(now_millis())
        .bind(job_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Puts a finished job's failed items back in the queue; how many.
    pub async fn retry_import_job(&self, job_id: i64, user_id: UserId) -> Result<u64, DbError> {
        let mut tx = self.begin().await?;
        let owned: Option<i64> = query_scalar(
            "SELECT id FROM import_jobs WHERE id = $1 AND user_id = $2 AND status = 'finished'",
        )
        .bind(job_id)
        .bind(user_id)
        .fetch_optional(tx.conn())
        .await?;
        if owned.is_none() {
            return Ok(0);
        }
        let n = query(
            "UPDATE import_items SET status = 'pending' WHERE job_id = $1 AND status = 'failed'",
        )
        .bind(job_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n > 0 {
            query("UPDATE import_jobs SET status = 'running', updated_at = $1 WHERE id = $2")
                .bind(now_millis())
                .bind(job_id)
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        Ok(n)
    }
}

impl Db {
    /// Whether the file at `path` still holds what an import wrote there (`false` when a
    /// person uploaded it or replaced it since; `None` when there is no file).
    pub async fn file_is_imported(
        &self,
        repository_id: RepositoryId,
        path: &str,
    ) -> Result<Option<bool>, DbError> {
        file_is_imported(&self.pool, repository_id, path).await
    }
}

async fn file_is_imported<'e>(
    ex: impl Into<Ex<'e>>,
    repository_id: RepositoryId,
    path: &str,
) -> Result<Option<bool>, DbError> {
    Ok(query_scalar(
        "SELECT coalesce(imported_sha256 = blob_sha256, FALSE) FROM files \
         WHERE repository_id = $1 AND path = $2",
    )
    .bind(repository_id)
    .bind(path)
    .fetch_optional(ex)
    .await?)
}

impl Tx {
    /// [`Db::file_is_imported`] inside the unit of work.
    pub async fn file_is_imported(
        &mut self,
        repository_id: RepositoryId,
        path: &str,
    ) -> Result<Option<bool>, DbError> {
        file_is_imported(self.conn(), repository_id, path).await
    }

    /// Records that an import wrote `sha256` at `path` of repository `repository_id`.
    pub async fn mark_file_imported(
        &mut self,
        repository_id: RepositoryId,
        path: &str,
        sha256: &str,
    ) -> Result<(), DbError> {
        query("UPDATE files SET imported_sha256 = $3 WHERE repository_id = $1 AND path = $2")
            .bind(repository_id)
            .bind(path)
            .bind(sha256)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// How many of a version's files its import could not write: 0 when it has all of
    /// them (`Db::imported_tags` counts only such versions as imported).
    pub async fn set_import_files_missing(
        &mut self,
        version_id: VersionId,
        missing: i64,
    ) -> Result<(), DbError> {
        query("UPDATE versions SET import_files_missing = $1 WHERE id = $2")
            .bind(missing)
            .bind(version_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

/// Import-job leases (issue 12): which replica runs a job. Times are epoch milliseconds.
impl Db {
    /// Takes the lease of a running job for `holder` until `until`, when nobody holds it,
    /// `holder` does already, or the holder's lease ran out; whether it got it.
    pub async fn claim_import_job(
        &self,
        job_id: i64,
        holder: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, DbError> {
        let done = query(
            "UPDATE import_jobs SET lease_holder = $1, lease_until = $2 \
             WHERE id = $3 AND status = 'running' \
             AND (lease_holder IS NULL OR lease_holder = $1 OR lease_until < $4)",
        )
        .bind(holder)
        .bind(until)
        .bind(job_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Extends `holder`'s lease of a job (the heartbeat); `false` when another replica
    /// has taken it meanwhile, or the job is not running any more.
    pub async fn renew_import_lease(
        &self,
        job_id: i64,
        holder: &str,
        until: i64,
    ) -> Result<bool, DbError> {
        let done = query(
            "UPDATE import_jobs SET lease_until = $1 \
             WHERE id = $2 AND lease_holder = $3 AND status = 'running'",
        )
        .bind(until)
        .bind(job_id)
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives up `holder`'s leases (a replica that stops cleanly), so others carry on at once.
    pub async fn release_import_leases(&self, holder: &str) -> Result<(), DbError> {
        query(
            "UPDATE import_jobs SET lease_holder = NULL, lease_until = NULL \
             WHERE lease_holder = $1",
        )
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Running jobs whose lease is free or ran out by `now`, oldest first.
    pub async fn unclaimed_import_jobs(&self, now: i64) -> Result<Vec<i64>, DbError> {
        Ok(query_scalar(
            "SELECT id FROM import_jobs WHERE status = 'running' \
             AND (lease_holder IS NULL OR lease_until < $1) ORDER BY id",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?)
    }
}
