//! Blob rows, kept in step with the objects of the store.
//!
//! SQLite has one writer at a time, and a unit of work ([`Tx`]) takes that place up
//! front (`BEGIN IMMEDIATE`). Whoever makes a blob visible does it inside a `Tx`: it
//! upserts the row, then places the object. The garbage collector also works inside a
//! `Tx`: it deletes unreferenced rows, then trashes their objects. So neither can see
//! the other half-done.

use std::collections::HashSet;

use super::sql::*;
use super::{now_millis, Db, DbError, OciLink, Tx};
use crate::infra::storage::StoredBlob;

/// An unreferenced blob the garbage collector removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedBlob {
    pub sha256: String,
    pub size: i64,
}

impl Db {
    /// Marks blobs as just relied on, so the collector's grace period starts again. Only
    /// rows older than `fresher_than` are written (read first: a busy blob costs no write).
    pub async fn touch_blobs(&self, sha256s: &[&str], fresher_than: i64) -> Result<(), DbError> {
        let now = now_millis();
        for sha in sha256s {
            let last: Option<i64> = query_scalar(
                "SELECT COALESCE(touched_at, created_at) FROM blobs WHERE sha256 = $1",
            )
            .bind(sha)
            .fetch_optional(&self.pool)
            .await?;
            if last.is_some_and(|t| t < now - fresher_than) || fresher_than == 0 {
                query("UPDATE blobs SET touched_at = $1 WHERE sha256 = $2")
                    .bind(now)
                    .bind(sha)
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// Which of `sha256s` have a row (the collector's orphan check).
    pub async fn existing_blobs(&self, sha256s: &[String]) -> Result<HashSet<String>, DbError> {
        let mut found = HashSet::new();
        for chunk in sha256s.chunks(super::IN_CHUNK) {
            let sql = format!(
                "SELECT sha256 FROM blobs WHERE sha256 IN ({})",
                super::in_list(1, chunk.len())
            );
            let mut query = query_scalar::<String>(&sql);
            for sha in chunk {
                query = query.bind(sha);
            }
            found.extend(query.fetch_all(&self.pool).await?);
        }
        Ok(found)
    }
}

impl Tx {
    /// Records a blob, or refreshes the row of the same content: it counts as just used,
    /// and checksums it lacked (a Docker blob has no sha1 or md5) are filled in.
    pub async fn upsert_blob(&mut self, blob: &StoredBlob) -> Result<(), DbError> {
        let now = now_millis();
        query(
            "INSERT INTO blobs (sha256, sha1, md5, size, created_at, touched_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (sha256) DO UPDATE SET \
             touched_at = excluded.touched_at, \
             sha1 = CASE WHEN blobs.sha1 = '' THEN excluded.sha1 ELSE blobs.sha1 END, \
             md5 = CASE WHEN blobs.md5 = '' THEN excluded.md5 ELSE blobs.md5 END",
        )
        .bind(&blob.sha256)
        .bind(&blob.sha1)
        .bind(&blob.md5)
        .bind(blob.size)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Makes a stored blob pullable from an image of a registry under a digest.
    pub async fn link_oci_blob(&mut self, link: &OciLink<'_>, sha256: &str) -> Result<(), DbError> {
        query(
            "INSERT INTO oci_blobs (repository_id, image, digest, blob_sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (repository_id, image, digest) DO NOTHING",
        )
        .bind(link.repository_id)
        .bind(link.image)
        .bind(link.digest)
        .bind(sha256)
        .bind(now_millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Deletes up to `limit` blobs that no file, manifest or manifest reference uses and
    /// that were neither created nor relied on since `cutoff`; returns them.
    pub async fn delete_unreferenced(
        &mut self,
        cutoff: i64,
        limit: i64,
    ) -> Result<Vec<RemovedBlob>, DbError> {
        let rows: Vec<(String, i64)> = query_as(
            "DELETE FROM blobs WHERE sha256 IN (SELECT b.sha256 FROM blobs b \
             WHERE COALESCE(b.touched_at, b.created_at) <= $1 \
             AND NOT EXISTS (SELECT 1 FROM files f WHERE f.blob_sha256 = b.sha256) \
             AND NOT EXISTS (SELECT 1 FROM oci_manifests m WHERE m.blob_sha256 = b.sha256) \
             AND NOT EXISTS (SELECT 1 FROM oci_manifest_blobs r WHERE r.blob_sha256 = b.sha256) \
             LIMIT $2) RETURNING sha256, size",
        )
        .bind(cutoff)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(sha256, size)| RemovedBlob { sha256, size })
            .collect())
    }

    pub async fn blob_exists(&mut self, sha256: &str) -> Result<bool, DbError> {
        Ok(
            query_scalar::<i64>("SELECT COUNT(*) FROM blobs WHERE sha256 = $1")
                .bind(sha256)
                .fetch_one(self.conn())
                .await?
                > 0,
        )
    }
}
