//! Docker/OCI registries: blobs linked to a registry, upload sessions, manifests and tags.

use super::sql::*;

use super::{now_millis, Db, DbError, PackageId, RepositoryId, Tx, VersionId, Viewer};

/// Where a registry blob is linked: an image of a registry, under a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OciLink<'a> {
    pub repository_id: RepositoryId,
    pub image: &'a str,
    pub digest: &'a str,
}

/// A blob a registry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciBlobRecord {
    pub sha256: String,
    pub size: i64,
}

/// An upload session in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRecord {
    pub id: String,
    pub repository_id: RepositoryId,
    pub image: String,
    pub size: i64,
    pub parts: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRecord {
    pub id: i64,
    pub package_id: PackageId,
    pub digest: String,
    pub blob_sha256: String,
    pub media_type: String,
    pub size: i64,
    pub total_size: i64,
    pub platforms: Vec<String>,
    pub subject: Option<String>,
    pub artifact_type: Option<String>,
    /// JSON object text.
    pub annotations: Option<String>,
    pub created_at: i64,
}

/// A manifest about to be stored, with what it references.
#[derive(Debug, Clone)]
pub struct NewManifest<'a> {
    pub repository_id: RepositoryId,
    pub package_id: PackageId,
    /// The image name (where the manifest is pullable from).
    pub image: &'a str,
    pub digest: &'a str,
    pub blob_sha256: &'a str,
    pub media_type: &'a str,
    pub size: i64,
    pub total_size: i64,
    pub platforms: &'a [String],
    pub subject: Option<&'a str>,
    pub artifact_type: Option<&'a str>,
    pub annotations: Option<&'a str>,
    /// sha256 of every blob the manifest references (config, layers).
    pub blob_refs: &'a [String],
}

/// A tag's manifest, shown as a file of its version so the REST API and pages list it.
pub fn tag_file_path(image: &str, tag: &str) -> String {
    format!("{image}/{tag}/manifest.json")
}

/// One tag of an image, for listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRecord {
    pub package_id: PackageId,
    pub package_name: String,
    pub tag: String,
    pub version_id: VersionId,
    pub manifest: ManifestRecord,
    pub updated_at: i64,
}

const MANIFEST_COLUMNS: &str = "m.id, m.package_id, m.digest, m.blob_sha256, m.media_type, \
     m.size, m.total_size, m.platforms, m.subject, m.artifact_type, m.annotations, m.created_at";

fn manifest_from_row(row: &Row) -> Result<ManifestRecord, sqlx::Error> {
    let platforms: String = row.try_get("platforms")?;
    Ok(ManifestRecord {
        id: row.try_get("id")?,
        package_id: row.try_get("package_id")?,
        digest: row.try_get("digest")?,
        blob_sha256: row.try_get("blob_sha256")?,
        media_type: row.try_get("media_type")?,
        size: row.try_get("size")?,
        total_size: row.try_get("total_size")?,
        platforms: serde_json::from_str(&platforms).unwrap_or_default(),
        subject: row.try_get("subject")?,
        artifact_type: row.try_get("artifact_type")?,
        annotations: row.try_get("annotations")?,
        created_at: row.try_get("created_at")?,
    })
}

fn upload_from_row(row: &Row) -> Result<UploadRecord, sqlx::Error> {
    Ok(UploadRecord {
        id: row.try_get("id")?,
        repository_id: row.try_get("repository_id")?,
        image: row.try_get("image")?,
        size: row.try_get("size")?,
        parts: row.try_get("parts")?,
        updated_at: row.try_get("updated_at")?,
    })
}

// Blobs of a registry.
impl Db {
    pub async fn find_oci_blob(
        &self,
        link: &OciLink<'_>,
    ) -> Result<Option<OciBlobRecord>, DbError> {
        let row: Option<(String, i64)> = query_as(
            "SELECT b.sha256, b.size FROM oci_blobs l JOIN blobs b ON b.sha256 = l.blob_sha256 \
             WHERE l.repository_id = $1 AND l.image = $2 AND l.digest = $3",
        )
        .bind(link.repository_id)
        .bind(link.image)
        .bind(link.digest)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(sha256, size)| OciBlobRecord { sha256, size }))
    }

    /// A blob with this digest in any registry `viewer` may read (a mount without `from`).
    pub async fn find_visible_oci_blob(
        &self,
        digest: &str,
        viewer: Viewer,
    ) -> Result<Option<OciBlobRecord>, DbError> {
        let row: Option<(String, i64)> = query_as(
            "SELECT b.sha256, b.size FROM oci_blobs l JOIN blobs b ON b.sha256 = l.blob_sha256 \
             JOIN repositories r ON r.id = l.repository_id \
             WHERE l.digest = $1 AND (NOT r.is_private OR r.owner_id = $2) LIMIT 1",
        )
        .bind(digest)
        .bind(viewer.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(sha256, size)| OciBlobRecord { sha256, size }))
    }

    /// Links a blob that is stored already (a mount) to an image.
    pub async fn link_oci_blob(&self, link: &OciLink<'_>, sha256: &str) -> Result<(), DbError> {
        query(
            "INSERT INTO oci_blobs (repository_id, image, digest, blob_sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (repository_id, image, digest) DO NOTHING",
        )
        .bind(link.repository_id)
        .bind(link.image)
        .bind(link.digest)
        .bind(sha256)
        .bind(now_millis())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether there was a link to remove.
    pub async fn unlink_oci_blob(&self, link: &OciLink<'_>) -> Result<bool, DbError> {
        let done =
            query("DELETE FROM oci_blobs WHERE repository_id = $1 AND image = $2 AND digest = $3")
                .bind(link.repository_id)
                .bind(link.image)
                .bind(link.digest)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }
}

// Upload sessions.
impl Db {
    pub async fn insert_oci_upload(
        &self,
        id: &str,
        repository_id: RepositoryId,
        image: &str,
    ) -> Result<(), DbError> {
        let now = now_millis();
        query(
            "INSERT INTO oci_uploads (id, repository_id, image, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(id)
        .bind(repository_id)
        .bind(image)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn find_oci_upload(&self, id: &str) -> Result<Option<UploadRecord>, DbError> {
        let row = query("SELECT * FROM oci_uploads WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(upload_from_row).transpose()?)
    }

    /// Records one more part of an upload, if the upload still has `parts - 1` parts:
    /// `false` when another request (on any replica) added one meanwhile.
    pub async fn update_oci_upload(
        &self,
        id: &str,
        size: i64,
        parts: i64,
    ) -> Result<bool, DbError> {
        let done = query(
            "UPDATE oci_uploads SET size = $1, parts = $2, updated_at = $3 \
             WHERE id = $4 AND parts = $5",
        )
        .bind(size)
        .bind(parts)
        .bind(now_millis())
        .bind(id)
        .bind(parts - 1)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn delete_oci_upload(&self, id: &str) -> Result<(), DbError> {
        query("DELETE FROM oci_uploads WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions untouched since `cutoff`; returns them (their parts go next).
    pub async fn delete_stale_oci_uploads(
        &self,
        cutoff: i64,
    ) -> Result<Vec<UploadRecord>, DbError> {
        let rows = query("DELETE FROM oci_uploads WHERE updated_at <= $1 RETURNING *")
            .bind(cutoff)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(upload_from_row).collect::<Result<_, _>>()?)
    }

    pub async fn oci_upload_exists(&self, id: &str) -> Result<bool, DbError> {
        Ok(self.find_oci_upload(id).await?.is_some())
    }
}

// Manifests and tags.
impl Db {
    pub async fn find_oci_manifest(
        &self,
        package_id: PackageId,
        digest: &str,
    ) -> Result<Option<ManifestRecord>, DbError> {
        let row = query(&format!(
            "SELECT {MANIFEST_COLUMNS} FROM oci_manifests m WHERE m.package_id = $1 AND m.digest = $2"
        ))
        .bind(package_id)
        .bind(digest)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(manifest_from_row).transpose()?)
    }

    /// The manifest a tag names, and the tag's version id.
    pub async fn find_oci_tag(
        &self,
        package_id: PackageId,
        tag: &str,
    ) -> Result<Option<(ManifestRecord, VersionId)>, DbError> {
        let row = query(&format!(
            "SELECT {MANIFEST_COLUMNS}, v.id AS version_id FROM versions v \
             JOIN oci_tags t ON t.version_id = v.id JOIN oci_manifests m ON m.id = t.manifest_id \
             WHERE v.package_id = $1 AND v.name = $2"
        ))
        .bind(package_id)
        .bind(tag)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some((manifest_from_row(&r)?, r.try_get("version_id")?))),
        }
    }

    /// Deletes a manifest and the tags (versions) naming it; whether it existed.
    pub async fn delete_oci_manifest(
        &self,
        link: &OciLink<'_>,
        package_id: PackageId,
    ) -> Result<bool, DbError> {
        let digest = link.digest;
        let mut tx = self.begin().await?;
        let id: Option<i64> =
            query_scalar("SELECT id FROM oci_manifests WHERE package_id = $1 AND digest = $2")
                .bind(package_id)
                .bind(digest)
                .fetch_optional(tx.conn())
                .await?;
        let Some(id) = id else {
            return Ok(false);
        };
        query(
            "DELETE FROM versions WHERE id IN (SELECT version_id FROM oci_tags WHERE manifest_id = $1)",
        )
        .bind(id)
        .execute(tx.conn())
        .await?;
        query("DELETE FROM oci_manifests WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        query("DELETE FROM oci_blobs WHERE repository_id = $1 AND image = $2 AND digest = $3")
            .bind(link.repository_id)
            .bind(link.image)
            .bind(link.digest)
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Tags of an image in byte order, after `last`, at most `limit`.
    pub async fn list_oci_tags(
        &self,
        package_id: PackageId,
        last: Option<&str>,
        limit: Option<i64>,
    ) -> Result<Vec<String>, DbError> {
        let name = self.dialect().bytewise("v.name");
        Ok(query_scalar(&format!(
            "SELECT v.name FROM versions v JOIN oci_tags t ON t.version_id = v.id \
             WHERE v.package_id = $1 AND ($2 IS NULL OR {name} > $2) \
             ORDER BY {name} LIMIT $3"
        ))
        .bind(package_id)
        .bind(last)
        .bind(limit.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Manifests of an image whose subject is `digest`, optionally of one artifact type.
    pub async fn oci_referrers(
        &self,
        package_id: PackageId,
        digest: &str,
    ) -> Result<Vec<ManifestRecord>, DbError> {
        let rows = query(&format!(
            "SELECT {MANIFEST_COLUMNS} FROM oci_manifests m \
             WHERE m.package_id = $1 AND m.subject = $2 ORDER BY m.id"
        ))
        .bind(package_id)
        .bind(digest)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(manifest_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// Every tag of every image of a registry, images by name, tags newest first.
    pub async fn oci_repository_tags(
        &self,
        repository_id: RepositoryId,
    ) -> Result<Vec<TagRecord>, DbError> {
        let rows = query(&format!(
            "SELECT {MANIFEST_COLUMNS}, p.name AS package_name, v.name AS tag, \
             v.id AS version_id, v.updated_at AS tag_updated_at \
             FROM packages p JOIN versions v ON v.package_id = p.id \
             JOIN oci_tags t ON t.version_id = v.id JOIN oci_manifests m ON m.id = t.manifest_id \
             WHERE p.repository_id = $1 ORDER BY p.name, v.updated_at DESC, v.id DESC"
        ))
        .bind(repository_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TagRecord {
                    package_id: r.try_get("package_id")?,
                    package_name: r.try_get("package_name")?,
                    tag: r.try_get("tag")?,
                    version_id: r.try_get("version_id")?,
                    manifest: manifest_from_row(r)?,
                    updated_at: r.try_get("tag_updated_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(DbError::from)
    }
}

/// The steps of a manifest push, composed in one unit of work by `oci::manifests::push`.
impl Tx {
    /// Records a manifest (or refreshes the row of the same digest), the blobs it
    /// references, and its link in the image; the manifest's id.
    pub async fn upsert_oci_manifest(&mut self, m: &NewManifest<'_>) -> Result<i64, DbError> {
        let now = now_millis();
        let platforms = serde_json::to_string(m.platforms).unwrap_or_else(|_| "[]".into());
        let manifest_id: i64 = query_scalar(
            "INSERT INTO oci_manifests (package_id, digest, blob_sha256, media_type, size, \
             total_size, platforms, subject, artifact_type, annotations, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (package_id, digest) DO UPDATE SET media_type = excluded.media_type, \
             total_size = excluded.total_size, platforms = excluded.platforms \
             RETURNING id",
        )
        .bind(m.package_id)
        .bind(m.digest)
        .bind(m.blob_sha256)
        .bind(m.media_type)
        .bind(m.size)
        .bind(m.total_size)
        .bind(&platforms)
        .bind(m.subject)
        .bind(m.artifact_type)
        .bind(m.annotations)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        for sha in m.blob_refs {
            query(
                "INSERT INTO oci_manifest_blobs (manifest_id, blob_sha256) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(manifest_id)
            .bind(sha)
            .execute(self.conn())
            .await?;
        }
        let link = OciLink {
            repository_id: m.repository_id,
            image: m.image,
            digest: m.digest,
        };
        self.link_oci_blob(&link, m.blob_sha256).await?;
        Ok(manifest_id)
    }

    /// Points a tag (the version `version_id`) at a manifest, moving it if it pointed
    /// elsewhere.
    pub async fn set_oci_tag(
        &mut self,
        version_id: VersionId,
        manifest_id: i64,
    ) -> Result<(), DbError> {
        query(
            "INSERT INTO oci_tags (version_id, manifest_id) VALUES ($1, $2) \
             ON CONFLICT (version_id) DO UPDATE SET manifest_id = excluded.manifest_id",
        )
        .bind(version_id)
        .bind(manifest_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The tag's manifest as the published file [`tag_file_path`] of its version, so the
    /// REST API and the pages list it; it replaces what was at that path.
    pub async fn put_oci_tag_file(
        &mut self,
        repository_id: RepositoryId,
        version_id: VersionId,
        path: &str,
        blob_sha256: &str,
    ) -> Result<(), DbError> {
        query(
            "INSERT INTO files (repository_id, version_id, path, name, blob_sha256, \
             is_published, created_at, published_at) \
             VALUES ($1, $2, $3, 'manifest.json', $4, TRUE, $5, $5) \
             ON CONFLICT (repository_id, path) DO UPDATE SET version_id = excluded.version_id, \
             blob_sha256 = excluded.blob_sha256, is_published = TRUE, \
             created_at = excluded.created_at, published_at = excluded.published_at",
        )
        .bind(repository_id)
        .bind(version_id)
        .bind(path)
        .bind(blob_sha256)
        .bind(now_millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
