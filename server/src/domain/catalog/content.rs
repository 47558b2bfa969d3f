//! Files: uploads in Bintray's three forms, publish and discard, deletion, listings and
//! what a download may serve.

use app::domain::file_path::FilePath;
use app::domain::flags::parse_flag;
use app::domain::matrix::MatrixPath;
use app::domain::names::{SubjectName, VersionName};
use bytes::Bytes;
use futures_util::Stream;

use super::versions::version_in;
use super::{
    find_package, found, owned_package, owned_version, Caller, CatalogError, FileCoord,
    PackageCoord, RepoCoord, Result, VersionCoord,
};

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use super::explode::{self, Archive, ArchiveKind, CountingReader, ExplodeError, ExplodeLimits};
use crate::infra::db::{
    Db, FileBatch, FileRecord, NewFile, PackageRecord, PutFilesError, RepositoryRecord,
    VersionRecord,
};
use crate::infra::storage::{BlobStore, Staged, StorageError, Want};

impl From<StorageError> for CatalogError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::TooLarge(_) => CatalogError::PayloadTooLarge(e.to_string()),
            StorageError::ChecksumMismatch { .. } => CatalogError::Conflict(e.to_string()),
            StorageError::Interrupted(_) => CatalogError::BadRequest(e.to_string()),
            StorageError::Store(_) | StorageError::Timeout(_) if e.is_unavailable() => {
                CatalogError::Unavailable(e.to_string())
            }
            StorageError::Store(_) | StorageError::Timeout(_) => {
                CatalogError::Internal(e.to_string())
            }
        }
    }
}

impl From<crate::infra::file_store::FileStoreError> for CatalogError {
    fn from(e: crate::infra::file_store::FileStoreError) -> Self {
        match e {
            crate::infra::file_store::FileStoreError::Storage(e) => e.into(),
            crate::infra::file_store::FileStoreError::Db(e) => e.into(),
        }
    }
}

/// Where an upload goes and how, gathered from the path, matrix parameters, `X-Bintray-*`
/// headers and the query string (in that order of precedence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadTarget {
    pub package: String,
    pub version: String,
    pub path: FilePath,
    pub publish: bool,
    /// The `override` flag (see [`app::domain::upload_rules::decide`]).
    pub replace: bool,
}

/// An archive to unpack into a version (`explode=1`): its entries go under the directory
/// of the path it was sent to (`.../1.0/site/archive.zip` → `site/<entry>`); the archive
/// itself is not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplodeTarget {
    pub package: String,
    pub version: String,
    /// The directory entries go under; `None` for the repository's root.
    pub dir: Option<FilePath>,
    /// The last segment of the path, for messages and format detection by name.
    pub archive_name: String,
    pub publish: bool,
    pub replace: bool,
}

/// What a `/content` upload asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadRequest {
    File(UploadTarget),
    Explode(ExplodeTarget),
}

/// The options an upload request carried besides its path.
#[derive(Debug, Clone, Default)]
pub struct UploadOptions {
    /// `X-Bintray-Package`, `X-Bintray-Version`, `X-Bintray-Publish`, `X-Bintray-Override`,
    /// `X-Bintray-Explode` as (lower-case suffix, value): ("package", "p"), …
    pub headers: Vec<(String, String)>,
    /// Query parameters (repeated keys allowed; the last wins).
    pub query: Vec<(String, String)>,
}

/// Where an upload's settings come from, in order of precedence: matrix parameters, then
/// `X-Bintray-*` headers, then the query string.
struct Sources<'a> {
    matrix: &'a MatrixPath,
    options: &'a UploadOptions,
}

impl Sources<'_> {
    fn header(&self, key: &str) -> Option<&str> {
        last(&self.options.headers, key)
    }

    fn flag(&self, name: &str) -> Result<bool> {
        let value = self
            .matrix
            .param(name)
            .or_else(|| self.header(name))
            .or_else(|| last(&self.options.query, name));
        match value {
            None => Ok(false),
            Some(v) => parse_flag(v).ok_or_else(|| {
                CatalogError::BadRequest(format!(
                    "'{name}' must be 1 (or true, yes, on) or 0 (false, no, off), not {v:?}"
                ))
            }),
        }
    }
}

/// The last value given for `key` (repeated keys: the last wins).
fn last<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

impl UploadRequest {
    /// Reads `rest`, the part of `/content/:s/:r/<rest>` after the repository.
    pub fn parse(rest: &str, options: &UploadOptions) -> Result<UploadRequest> {
        let matrix = MatrixPath::parse(rest);
        let src = Sources {
            matrix: &matrix,
            options,
        };
        let named_package = matrix.param("bt_package").or_else(|| src.header("package"));
        let named_version = matrix.param("bt_version").or_else(|| src.header("version"));
        let (package, version, segments) = match (named_package, named_version) {
            (Some(p), Some(v)) => (p, v, &matrix.segments[..]),
            // An archive may go to the version's root: `.../:package/:version?explode=1`.
            (None, None)
                if matrix.segments.len() >= 3
                    || (matrix.segments.len() == 2 && src.flag("explode")?) =>
            {
                (
                    matrix.segments[0].as_str(),
                    matrix.segments[1].as_str(),
                    &matrix.segments[2..],
                )
            }
            (None, None) => {
                return Err(CatalogError::BadRequest(
                    "Upload to /content/:subject/:repo/:package/:version/:file_path, or name \
                     the package and version with X-Bintray-Package and X-Bintray-Version"
                        .to_owned(),
                ))
            }
            _ => {
                return Err(CatalogError::BadRequest(
                    "Both the package and the version must be given".to_owned(),
                ))
            }
        };
        if src.flag("explode")? {
            return Ok(UploadRequest::Explode(ExplodeTarget::build(
                package, version, segments, &src,
            )?));
        }
        UploadTarget::build(package, version, segments, &src).map(UploadRequest::File)
    }
}

impl ExplodeTarget {
    fn build(
        package: &str,
        version: &str,
        path: &[String],
        src: &Sources<'_>,
    ) -> Result<ExplodeTarget> {
        // The last segment names the archive (it may be empty: `.../dir/`); the rest is
        // where its entries go.
        let (archive_name, dir) = match path.split_last() {
            Some((last, dir)) => (last.clone(), dir),
            None => (String::new(), path),
        };
        let dir = if dir.is_empty() {
            None
        } else {
            Some(
                FilePath::from_segments(dir)
                    .map_err(|e| CatalogError::BadRequest(e.to_string()))?,
            )
        };
        Ok(ExplodeTarget {
            package: package.to_owned(),
            version: version.to_owned(),
            dir,
            archive_name,
            publish: src.flag("publish")?,
            replace: src.flag("override")?,
        })
    }
}

impl UploadTarget {
    /// Reads `rest` of `/maven/:s/:r/<rest>`: the package, then a Maven path whose version
    /// directory names the version. `None` for `maven-metadata.xml` and its checksums,
    /// which the client may send but which describe versions Wharf already knows.
    pub fn parse_maven(rest: &str, options: &UploadOptions) -> Result<Option<UploadTarget>> {
        use app::domain::maven::{self, MavenPath};
        let matrix = MatrixPath::parse(rest);
        let (package, maven_path) = matrix.segments.split_first().ok_or_else(|| {
            CatalogError::BadRequest(
                "Deploy to /maven/:subject/:repo/:package/<maven path>".to_owned(),
            )
        })?;
        let parsed =
            maven::parse(maven_path).map_err(|e| CatalogError::BadRequest(e.to_string()))?;
        let MavenPath::Artifact { version, .. } = parsed else {
            return Ok(None);
        };
        let src = Sources {
            matrix: &matrix,
            options,
        };
        if src.flag("explode")? {
            return Err(CatalogError::BadRequest(
                "explode=1 is for /content uploads; Maven deploys store each file as sent"
                    .to_owned(),
            ));
        }
        UploadTarget::build(package, &version, maven_path, &src).map(Some)
    }

    fn build(
        package: &str,
        version: &str,
        path: &[String],
        src: &Sources<'_>,
    ) -> Result<UploadTarget> {
        let path =
            FilePath::from_segments(path).map_err(|e| CatalogError::BadRequest(e.to_string()))?;
        Ok(UploadTarget {
            package: package.to_owned(),
            version: version.to_owned(),
            path,
            publish: src.flag("publish")?,
            replace: src.flag("override")?,
        })
    }
}

impl From<PutFilesError> for CatalogError {
    fn from(e: PutFilesError) -> Self {
        match e {
            PutFilesError::Refused { .. } => CatalogError::Conflict(e.to_string()),
            PutFilesError::Db(e) => e.into(),
        }
    }
}

/// Applies the upload-conflict table to `path` before anything is read or stored, so a
/// refused upload costs nothing. ([`Db::put_files`] applies it again in its transaction.)
async fn check_path(
    db: &Db,
    repo: &RepositoryRecord,
    package: &str,
    version: &str,
    path: &FilePath,
    override_: bool,
) -> Result<()> {
    let holder = db.path_holder(repo.id, path.as_str()).await?;
    match holder.and_then(|h| h.refusal_for(path.as_str(), package, version, override_)) {
        Some(refusal) => Err(CatalogError::Conflict(refusal)),
        None => Ok(()),
    }
}

/// Stores an upload. Nothing is recorded unless the whole body arrived, matched its
/// checksum and the upload-conflict table allows it; the version is created if it does
/// not exist (the package must). The blob, the version and the file are one unit of
/// work: a failure at any step leaves none of them.
#[allow(clippy::too_many_arguments)]
pub async fn upload<S, E>(
    db: &Db,
    blobs: &BlobStore,
    caller: &Caller,
    at: &RepoCoord,
    target: &UploadTarget,
    expected_sha256: Option<&str>,
    body: S,
    max: u64,
) -> Result<FileRecord>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send,
    E: std::fmt::Display,
{
    let (repo, package) = owned_package(db, caller, &at.package(&target.package)).await?;
    let version_name =
        VersionName::parse(&target.version).map_err(|e| CatalogError::BadRequest(e.to_string()))?;
    check_path(
        db,
        &repo,
        &package.name,
        version_name.as_str(),
        &target.path,
        target.replace,
    )
    .await?;
    // The body is read before the unit of work begins: no write lock waits on a client.
    let staged = crate::infra::file_store::stage_upload(blobs, body, max, expected_sha256).await?;
    let into = Destination {
        repo: &repo,
        package: &package,
        version: &version_name,
        publish: target.publish,
        replace: target.replace,
    };
    record_staged(db, blobs, &into, &[(&target.path, staged)]).await?;
    Ok(db.find_file(repo.id, target.path.as_str()).await?)
}

/// Where an upload's files go: a version (created if new) of a package, with the upload's
/// publish and override switches.
struct Destination<'a> {
    repo: &'a RepositoryRecord,
    package: &'a PackageRecord,
    version: &'a VersionName,
    publish: bool,
    replace: bool,
}

/// Records staged blobs as files of a version in one unit of work: the blobs, the
/// version if it is new, and the files. A failure at any step records none of them and
/// discards every staged object. The objects are placed after the files, so a refused
/// path never places one.
async fn record_staged(
    db: &Db,
    blobs: &BlobStore,
    into: &Destination<'_>,
    staged: &[(&FilePath, Staged)],
) -> Result<()> {
    let result = async {
        let files: Vec<NewFile<'_>> = staged
            .iter()
            .map(|(path, s)| NewFile {
                path: path.as_str(),
                name: path.file_name(),
                sha256: &s.blob.sha256,
                sha1: &s.blob.sha1,
                md5: &s.blob.md5,
                size: s.blob.size,
            })
            .collect();
        let mut tx = db.begin().await?;
        tx.put_files(&FileBatch {
            repository_id: into.repo.id,
            package_name: &into.package.name,
            package_id: into.package.id,
            version_name: into.version.as_str(),
            publish: into.publish,
            override_: into.replace,
            files: &files,
        })
        .await?;
        for (_, s) in staged {
            crate::infra::file_store::keep_in(&mut tx, blobs, s, None).await?;
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        for (_, s) in staged {
            blobs.discard(&s.path).await;
        }
    }
    result
}

impl From<ExplodeError> for CatalogError {
    fn from(e: ExplodeError) -> Self {
        if e.is_internal() {
            CatalogError::Internal(e.to_string())
        } else if e.is_too_large() {
            CatalogError::PayloadTooLarge(e.to_string())
        } else {
            CatalogError::BadRequest(e.to_string())
        }
    }
}

fn io_internal(e: std::io::Error) -> CatalogError {
    CatalogError::Internal(format!("spooling an archive: {e}"))
}

/// Writes `body` (at most `max` bytes) to an anonymous temporary file, checking
/// `expected_sha256`; the file and its length.
async fn spool<S, E>(
    body: S,
    max: u64,
    expected_sha256: Option<&str>,
) -> Result<(std::fs::File, u64)>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send,
    E: std::fmt::Display,
{
    use futures_util::StreamExt;
    use sha2::Digest;
    use tokio::io::AsyncWriteExt;
    let file = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(|e| CatalogError::Internal(e.to_string()))?
        .map_err(io_internal)?;
    let mut file = tokio::fs::File::from_std(file);
    let mut body = std::pin::pin!(body);
    let mut len = 0u64;
    let mut sha = sha2::Sha256::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| StorageError::Interrupted(e.to_string()))?;
        len += chunk.len() as u64;
        if len > max {
            return Err(StorageError::TooLarge(max).into());
        }
        sha.update(&chunk);
        file.write_all(&chunk).await.map_err(io_internal)?;
    }
    file.flush().await.map_err(io_internal)?;
    if let Some(expected) = expected_sha256 {
        let actual = hex::encode(sha.finalize());
        if !expected.trim().eq_ignore_ascii_case(&actual) {
            return Err(StorageError::ChecksumMismatch {
                expected: expected.trim().to_ascii_lowercase(),
                actual,
            }
            .into());
        }
    }
    Ok((file.into_std().await, len))
}

/// Unpacks an uploaded archive into a version (`explode=1`): each file entry becomes a
/// file with its own checksums, under the upload-conflict table, all or nothing (see
/// [`super::explode`] for what an archive may hold). A tar or tar.gz is unpacked as it
/// streams in; a zip is spooled to a temporary file first (its index is at the end).
/// Entries wait in temporary files until the whole archive has passed; the archive
/// itself is not kept. The number of files written.
#[allow(clippy::too_many_arguments)]
pub async fn upload_exploded<S, E>(
    db: &Db,
    blobs: &BlobStore,
    caller: &Caller,
    at: &RepoCoord,
    target: &ExplodeTarget,
    expected_sha256: Option<&str>,
    body: S,
    max: u64,
    limits: ExplodeLimits,
) -> Result<usize>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    use futures_util::StreamExt;
    let (repo, package) = owned_package(db, caller, &at.package(&target.package)).await?;
    let version_name =
        VersionName::parse(&target.version).map_err(|e| CatalogError::BadRequest(e.to_string()))?;
    // The first bytes tell the format; they go back in front of the rest.
    let mut body = Box::pin(body);
    let mut head: Vec<Bytes> = Vec::new();
    while head.iter().map(Bytes::len).sum::<usize>() < 512 {
        match body.next().await {
            Some(Ok(chunk)) => head.push(chunk),
            Some(Err(e)) => return Err(StorageError::Interrupted(e.to_string()).into()),
            None => break,
        }
    }
    let name = if target.archive_name.is_empty() {
        "the upload".to_owned()
    } else {
        target.archive_name.clone()
    };
    let kind = ArchiveKind::detect(&head.concat(), &target.archive_name)
        .ok_or(ExplodeError::NotAnArchive(name))?;
    let body = futures_util::stream::iter(head.into_iter().map(Ok))
        .chain(body.map(|r| r.map_err(|e| std::io::Error::other(e.to_string()))));
    let out = tempfile::tempdir().map_err(io_internal)?;
    let (out_path, dir) = (out.path().to_owned(), target.dir.clone());
    let limits = ExplodeLimits {
        max_total_bytes: limits.max_total_bytes.min(max),
        ..limits
    };
    let unpacked = if kind == ArchiveKind::Zip {
        // A zip's index is at its end: spool it to a file first.
        let (file, len) = spool(body, max, expected_sha256).await?;
        tokio::task::spawn_blocking(move || -> Result<Vec<explode::Extracted>> {
            Ok(explode::extract::<std::io::Empty>(
                Archive::Zip(file),
                Arc::new(AtomicU64::new(len)),
                dir.as_ref(),
                limits,
                &out_path,
            )?)
        })
        .await
    } else {
        // A tar streams: entries are unpacked as the body arrives.
        let bridge =
            tokio_util::io::SyncIoBridge::new(tokio_util::io::StreamReader::new(Box::pin(body)));
        let expected = expected_sha256.map(|s| s.trim().to_ascii_lowercase());
        tokio::task::spawn_blocking(move || -> Result<Vec<explode::Extracted>> {
            let mut reader = CountingReader::new(bridge, max);
            let consumed = reader.consumed.clone();
            let archive = match kind {
                ArchiveKind::TarGz => Archive::TarGz(&mut reader),
                _ => Archive::Tar(&mut reader),
            };
            let result = explode::extract(archive, consumed, dir.as_ref(), limits, &out_path);
            if reader.over {
                return Err(StorageError::TooLarge(max).into());
            }
            let files = result?;
            let actual = reader.finish();
            if reader.over {
                return Err(StorageError::TooLarge(max).into());
            }
            let actual = actual.map_err(|e| StorageError::Interrupted(e.to_string()))?;
            if let Some(expected) = expected {
                if expected != actual {
                    return Err(StorageError::ChecksumMismatch { expected, actual }.into());
                }
            }
            Ok(files)
        })
        .await
    };
    let extracted = unpacked.map_err(|e| CatalogError::Internal(e.to_string()))??;
    // Every path passes the table before any blob is stored.
    for entry in &extracted {
        check_path(
            db,
            &repo,
            &package.name,
            version_name.as_str(),
            &entry.path,
            target.replace,
        )
        .await?;
    }
    let staged = stage_all(blobs, &extracted, max).await?;
    drop(out);
    let count = staged.len();
    let staged: Vec<(&FilePath, Staged)> = extracted
        .iter()
        .map(|entry| &entry.path)
        .zip(staged)
        .collect();
    let into = Destination {
        repo: &repo,
        package: &package,
        version: &version_name,
        publish: target.publish,
        replace: target.replace,
    };
    record_staged(db, blobs, &into, &staged).await?;
    Ok(count)
}

/// Streams each unpacked file into a staging object (hashed on the way); on any failure
/// the ones staged so far are discarded.
async fn stage_all(
    blobs: &BlobStore,
    extracted: &[explode::Extracted],
    max: u64,
) -> Result<Vec<crate::infra::storage::Staged>> {
    let mut staged = Vec::with_capacity(extracted.len());
    for entry in extracted {
        let result = async {
            let file = tokio::fs::File::open(&entry.temp)
                .await
                .map_err(io_internal)?;
            let stream = tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024);
            Ok::<_, CatalogError>(blobs.stage(stream, max, Want::FILE).await?)
        }
        .await;
        match result {
            Ok(s) => staged.push(s),
            Err(e) => {
                for s in &staged {
                    blobs.discard(&s.path).await;
                }
                return Err(e);
            }
        }
    }
    Ok(staged)
}

/// Publishes (or with `discard`, deletes) the version's unpublished files; the count.
pub async fn publish(db: &Db, caller: &Caller, at: &VersionCoord, discard: bool) -> Result<i64> {
    let (_, _, version) = owned_version(db, caller, at).await?;
    Ok(if discard {
        db.discard_files(version.id).await?
    } else {
        db.publish_files(version.id).await?
    })
}

/// Deletes the file at `rest`, the path exactly as sent (Bintray's DELETE takes no
/// matrix parameters).
pub async fn delete_file(db: &Db, caller: &Caller, at: &FileCoord) -> Result<()> {
    let repo = super::owned_repository(db, caller, &at.repository()).await?;
    let rest = at.file_path.as_str();
    // The path as sent, never split into matrix parameters: a `;` here would otherwise
    // name (and delete) another file. File paths never hold `;`, so it is refused.
    let path = FilePath::parse(rest).map_err(|e| CatalogError::BadRequest(e.to_string()))?;
    let file = owned_file(db, &repo, &path).await?;
    Ok(db.delete_file(file.id).await?)
}

/// The file at `path` of a repository the caller owns.
async fn owned_file(db: &Db, repo: &RepositoryRecord, path: &FilePath) -> Result<FileRecord> {
    found(db.find_file(repo.id, path.as_str()).await, || {
        CatalogError::FileNotFound(path.to_string())
    })
}

/// Files of a package or one version; unpublished ones only for the owner who asks.
pub async fn list_files(
    db: &Db,
    caller: &Caller,
    at: &PackageCoord,
    version: Option<&str>,
    include_unpublished: bool,
) -> Result<(crate::infra::db::RepositoryRecord, Vec<FileRecord>)> {
    let (repo, package) = find_package(db, caller, at).await?;
    let version_id = match version {
        Some(v) => Some(version_in(db, &package, v).await?.id),
        None => None,
    };
    let is_owner = caller.owns(repo.owner_id);
    let files = db
        .list_files(package.id, version_id, include_unpublished && is_owner)
        .await?;
    Ok((repo, files))
}

/// The file a download URL names, if the caller may have it: unpublished files only for
/// their owner, and anything in a private repository only for its owner.
pub async fn downloadable_file(db: &Db, caller: &Caller, at: &FileCoord) -> Result<FileRecord> {
    let path = at.file_path.as_str();
    let not_found = || CatalogError::FileNotFound(path.to_owned());
    // A missing subject, repository or file is a missing file; a database that does not
    // answer is not. The query is scoped by the caller: public or their repository,
    // published or their file.
    let subject = SubjectName::parse(at.subject.as_str()).map_err(|_| not_found())?;
    let path = FilePath::parse(path).map_err(|_| not_found())?;
    found(
        db.find_downloadable_file(
            &subject.key(),
            at.repo.as_str(),
            path.as_str(),
            caller.viewer(),
        )
        .await,
        not_found,
    )
}

/// The package and version a visible file belongs to.
pub async fn file_owner(
    db: &Db,
    caller: &Caller,
    at: &FileCoord,
) -> Result<(RepositoryRecord, PackageRecord, VersionRecord)> {
    let file = downloadable_file(db, caller, at).await?;
    let version = at
        .repository()
        .package(&file.package_name)
        .version(&file.version_name);
    super::find_version(db, caller, &version).await
}

/// Shows or hides a file in its package's download list (owner only).
pub async fn set_list_in_downloads(
    db: &Db,
    caller: &Caller,
    at: &FileCoord,
    listed: bool,
) -> Result<()> {
    let owned = super::owned_repository(db, caller, &at.repository()).await?;
    let path =
        FilePath::parse(&at.file_path).map_err(|e| CatalogError::BadRequest(e.to_string()))?;
    let file = owned_file(db, &owned, &path).await?;
    Ok(db.set_list_in_downloads(file.id, listed).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(headers: &[(&str, &str)], query: &[(&str, &str)]) -> UploadOptions {
        let own = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        UploadOptions {
            headers: own(headers),
            query: own(query),
        }
    }

    /// A plain file upload's target.
    fn parse_file(rest: &str, o: &UploadOptions) -> Result<UploadTarget> {
        match UploadRequest::parse(rest, o)? {
            UploadRequest::File(t) => Ok(t),
            other => panic!("{rest}: {other:?}"),
        }
    }

    fn parse_explode(rest: &str, o: &UploadOptions) -> ExplodeTarget {
        match UploadRequest::parse(rest, o).unwrap() {
            UploadRequest::Explode(t) => t,
            other => panic!("{rest}: {other:?}"),
        }
    }

    #[test]
    fn explode_in_each_form_names_the_directory() {
        let t = parse_explode("pkg/1.0/site/archive.zip;explode=1", &opts(&[], &[]));
        assert_eq!((t.package.as_str(), t.version.as_str()), ("pkg", "1.0"));
        assert_eq!(t.dir.as_ref().map(|d| d.as_str()), Some("site"));
        assert_eq!(t.archive_name, "archive.zip");
        let t = parse_explode("pkg/1.0/a.tgz", &opts(&[], &[("explode", "1")]));
        assert_eq!((t.dir, t.archive_name.as_str()), (None, "a.tgz"));
        // Eclipse p2 scripts: the header form, the path naming the package and version.
        let t = parse_explode(
            "site/1.0",
            &opts(
                &[("package", "p"), ("version", "1.0"), ("explode", "1")],
                &[],
            ),
        );
        assert_eq!(t.dir.as_ref().map(|d| d.as_str()), Some("site"));
        assert_eq!(t.archive_name, "1.0");
        // ...or nothing at all after the repository, or the version's root.
        let t = parse_explode(
            "",
            &opts(
                &[("package", "p"), ("version", "1.0"), ("explode", "1")],
                &[],
            ),
        );
        assert_eq!((t.dir, t.archive_name.as_str()), (None, ""));
        let t = parse_explode("pkg/1.0;explode=1", &opts(&[], &[]));
        assert_eq!((t.package.as_str(), t.dir), ("pkg", None));
        assert!(UploadRequest::parse("pkg;explode=1", &opts(&[], &[])).is_err());
        assert!(
            UploadTarget::parse_maven("lib;explode=1/com/x/lib/1/lib-1.jar", &opts(&[], &[]))
                .is_err()
        );
    }

    #[test]
    fn path_form() {
        let t = parse_file("pkg/1.0/dir/a.txt", &opts(&[], &[("publish", "1")])).unwrap();
        assert_eq!((t.package.as_str(), t.version.as_str()), ("pkg", "1.0"));
        assert_eq!(t.path.as_str(), "dir/a.txt");
        assert!(t.publish && !t.replace);
    }

    #[test]
    fn header_form() {
        let t = parse_file(
            "dir/a.txt",
            &opts(
                &[("package", "pkg"), ("version", "2.0"), ("override", "1")],
                &[],
            ),
        )
        .unwrap();
        assert_eq!((t.package.as_str(), t.version.as_str()), ("pkg", "2.0"));
        assert_eq!(t.path.as_str(), "dir/a.txt");
        assert!(t.replace && !t.publish);
    }

    #[test]
    fn matrix_form_beats_headers_and_query() {
        let t = parse_file(
            "dir/a.txt;bt_package=pkg;bt_version=3.0;publish=1",
            &opts(&[("publish", "0")], &[("publish", "0")]),
        )
        .unwrap();
        assert_eq!((t.package.as_str(), t.version.as_str()), ("pkg", "3.0"));
        assert_eq!(t.path.as_str(), "dir/a.txt");
        assert!(t.publish);
    }

    #[test]
    fn maven_paths_name_their_version() {
        let t = UploadTarget::parse_maven(
            "lib/;publish=1/com/example/lib/1.2.0/lib-1.2.0.jar",
            &opts(&[], &[]),
        )
        .unwrap()
        .unwrap();
        assert_eq!((t.package.as_str(), t.version.as_str()), ("lib", "1.2.0"));
        assert_eq!(t.path.as_str(), "com/example/lib/1.2.0/lib-1.2.0.jar");
        assert!(t.publish);
        let t = UploadTarget::parse_maven(
            "lib;publish=0;override=1/com/x/lib/1/lib-1.pom",
            &opts(&[], &[]),
        )
        .unwrap()
        .unwrap();
        assert!(!t.publish && t.replace);
        assert_eq!(
            UploadTarget::parse_maven("lib/com/x/lib/maven-metadata.xml", &opts(&[], &[])).unwrap(),
            None
        );
        assert!(UploadTarget::parse_maven("lib/not/maven", &opts(&[], &[])).is_err());
    }

    #[test]
    fn repeated_query_keys_and_bad_input() {
        let t = parse_file("p/1/f", &opts(&[], &[("publish", "1"), ("publish", "1")])).unwrap();
        assert!(t.publish);
        for (rest, o) in [
            ("p/1", opts(&[], &[])),
            ("p/1/../x", opts(&[], &[])),
            ("p/1//x", opts(&[], &[])),
            ("f", opts(&[("package", "p")], &[])),
            ("p/1/f", opts(&[], &[("publish", "maybe")])),
            ("p/1/../x;explode=1", opts(&[], &[])),
        ] {
            assert!(
                matches!(parse_file(rest, &o), Err(CatalogError::BadRequest(_))),
                "{rest}"
            );
        }
    }
}
