//! Files: uploads in Bintray's three forms, publish and discard, deletion, listings and
//! what a download may serve.

use app::domain::file_path::FilePath;
use app::domain::flags::parse_flag;
use app::domain::matrix::MatrixPath;
use app::domain::names::VersionName;
use bytes::Bytes;
use futures_util::Stream;

use super::versions::{version_in, version_or_create};
use super::{
    find_package, find_repository, found, owned_package, owned_version, Caller, RegistryError,
    Result,
};
use crate::db::{Db, DbError, FileRecord, NewFile, PackageRecord, RepositoryRecord, VersionRecord};
use crate::storage::{BlobStore, StorageError};

impl From<StorageError> for RegistryError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::TooLarge(_) => RegistryError::PayloadTooLarge(e.to_string()),
            StorageError::ChecksumMismatch { .. } => RegistryError::Conflict(e.to_string()),
            StorageError::Interrupted(_) => RegistryError::BadRequest(e.to_string()),
            StorageError::Store(_) => RegistryError::Internal(e.to_string()),
        }
    }
}

impl From<crate::file_store::FileStoreError> for RegistryError {
    fn from(e: crate::file_store::FileStoreError) -> Self {
        match e {
            crate::file_store::FileStoreError::Storage(e) => e.into(),
            crate::file_store::FileStoreError::Db(e) => e.into(),
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
    pub replace: bool,
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
                RegistryError::BadRequest(format!("'{name}' must be 0 or 1, not {v:?}"))
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

impl UploadTarget {
    /// Reads `rest`, the part of `/content/:s/:r/<rest>` after the repository.
    pub fn parse(rest: &str, options: &UploadOptions) -> Result<UploadTarget> {
        let matrix = MatrixPath::parse(rest);
        let src = Sources {
            matrix: &matrix,
            options,
        };
        let named_package = matrix.param("bt_package").or_else(|| src.header("package"));
        let named_version = matrix.param("bt_version").or_else(|| src.header("version"));
        let (package, version, segments) = match (named_package, named_version) {
            (Some(p), Some(v)) => (p, v, &matrix.segments[..]),
            (None, None) if matrix.segments.len() >= 3 => (
                matrix.segments[0].as_str(),
                matrix.segments[1].as_str(),
                &matrix.segments[2..],
            ),
            (None, None) => {
                return Err(RegistryError::BadRequest(
                    "Upload to /content/:subject/:repo/:package/:version/:file_path, or name \
                     the package and version with X-Bintray-Package and X-Bintray-Version"
                        .to_owned(),
                ))
            }
            _ => {
                return Err(RegistryError::BadRequest(
                    "Both the package and the version must be given".to_owned(),
                ))
            }
        };
        UploadTarget::build(package, version, segments, &src)
    }

    /// Reads `rest` of `/maven/:s/:r/<rest>`: the package, then a Maven path whose version
    /// directory names the version. `None` for `maven-metadata.xml` and its checksums,
    /// which the client may send but which describe versions Wharf already knows.
    pub fn parse_maven(rest: &str, options: &UploadOptions) -> Result<Option<UploadTarget>> {
        use app::domain::maven::{self, MavenPath};
        let matrix = MatrixPath::parse(rest);
        let (package, maven_path) = matrix.segments.split_first().ok_or_else(|| {
            RegistryError::BadRequest(
                "Deploy to /maven/:subject/:repo/:package/<maven path>".to_owned(),
            )
        })?;
        let parsed =
            maven::parse(maven_path).map_err(|e| RegistryError::BadRequest(e.to_string()))?;
        let MavenPath::Artifact { version, .. } = parsed else {
            return Ok(None);
        };
        let src = Sources {
            matrix: &matrix,
            options,
        };
        UploadTarget::build(package, &version, maven_path, &src).map(Some)
    }

    fn build(
        package: &str,
        version: &str,
        path: &[String],
        src: &Sources<'_>,
    ) -> Result<UploadTarget> {
        if src.flag("explode")? {
            return Err(RegistryError::BadRequest(
                "explode=1 (unpacking archives on upload) is not supported".to_owned(),
            ));
        }
        let path =
            FilePath::from_segments(path).map_err(|e| RegistryError::BadRequest(e.to_string()))?;
        Ok(UploadTarget {
            package: package.to_owned(),
            version: version.to_owned(),
            path,
            publish: src.flag("publish")?,
            replace: src.flag("override")?,
        })
    }
}

/// Stores an upload. Nothing is recorded unless the whole body arrived and matched its
/// checksum; the version is created if it does not exist (the package must).
#[allow(clippy::too_many_arguments)]
pub async fn upload<S, E>(
    db: &Db,
    blobs: &BlobStore,
    caller: &Caller,
    subject: &str,
    repo: &str,
    target: &UploadTarget,
    expected_sha256: Option<&str>,
    body: S,
    max: u64,
) -> Result<FileRecord>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send,
    E: std::fmt::Display,
{
    let (repo, package) = owned_package(db, caller, subject, repo, &target.package).await?;
    let version_name = VersionName::parse(&target.version)
        .map_err(|e| RegistryError::BadRequest(e.to_string()))?;
    let conflict = || {
        RegistryError::Conflict(format!(
            "Unable to upload files: An artifact with the path '{}' already exists",
            target.path
        ))
    };
    match db.find_file(repo.id, target.path.as_str()).await {
        Ok(_) if !target.replace => return Err(conflict()),
        Ok(_) | Err(DbError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let blob = crate::file_store::put_stream(db, blobs, body, max, expected_sha256).await?;
    let version = version_or_create(db, &package, &version_name).await?;
    match db
        .put_file(&NewFile {
            repository_id: repo.id,
            version_id: version.id,
            path: target.path.as_str(),
            name: target.path.file_name(),
            sha256: &blob.sha256,
            sha1: &blob.sha1,
            md5: &blob.md5,
            size: blob.size,
            publish: target.publish,
            replace: target.replace,
        })
        .await
    {
        Ok(()) => {}
        Err(DbError::Conflict) => return Err(conflict()),
        Err(e) => return Err(e.into()),
    }
    Ok(db.find_file(repo.id, target.path.as_str()).await?)
}

/// Publishes (or with `discard`, deletes) the version's unpublished files; the count.
pub async fn publish(
    db: &Db,
    caller: &Caller,
    subject: &str,
    repo: &str,
    package: &str,
    version: &str,
    discard: bool,
) -> Result<i64> {
    let (_, _, version) = owned_version(db, caller, subject, repo, package, version).await?;
    Ok(if discard {
        db.discard_files(version.id).await?
    } else {
        db.publish_files(version.id).await?
    })
}

/// Deletes the file at `rest` (matrix parameters ignored).
pub async fn delete_file(
    db: &Db,
    caller: &Caller,
    subject: &str,
    repo: &str,
    rest: &str,
) -> Result<()> {
    let repo = super::owned_repository(db, caller, subject, repo).await?;
    let path = FilePath::from_segments(&MatrixPath::parse(rest).segments)
        .map_err(|e| RegistryError::BadRequest(e.to_string()))?;
    let file = owned_file(db, &repo, &path).await?;
    Ok(db.delete_file(file.id).await?)
}

/// The file at `path` of a repository the caller owns.
async fn owned_file(db: &Db, repo: &RepositoryRecord, path: &FilePath) -> Result<FileRecord> {
    found(db.find_file(repo.id, path.as_str()).await, || {
        RegistryError::FileNotFound(path.to_string())
    })
}

/// Files of a package or one version; unpublished ones only for the owner who asks.
pub async fn list_files(
    db: &Db,
    caller: &Caller,
    subject: &str,
    repo: &str,
    package: &str,
    version: Option<&str>,
    include_unpublished: bool,
) -> Result<(crate::db::RepositoryRecord, Vec<FileRecord>)> {
    let (repo, package) = find_package(db, caller, subject, repo, package).await?;
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
pub async fn downloadable_file(
    db: &Db,
    caller: &Caller,
    subject: &str,
    repo: &str,
    path: &str,
) -> Result<FileRecord> {
    let not_found = || RegistryError::FileNotFound(path.to_owned());
    let repo = find_repository(db, caller, subject, repo)
        .await
        .map_err(|_| not_found())?;
    let path = FilePath::parse(path).map_err(|_| not_found())?;
    let file = found(db.find_file(repo.id, path.as_str()).await, not_found)?;
    let is_owner = caller.owns(repo.owner_id);
    if !file.is_published && !is_owner {
        return Err(not_found());
    }
    Ok(file)
}

/// The package and version a visible file belongs to.
pub async fn file_owner(
    db: &Db,
    caller: &Caller,
    subject: &str,
    repo: &str,
    path: &str,
) -> Result<(RepositoryRecord, PackageRecord, VersionRecord)> {
    let file = downloadable_file(db, caller, subject, repo, path).await?;
    super::find_version(
        db,
        caller,
        subject,
        repo,
        &file.package_name,
        &file.version_name,
    )
    .await
}

/// Shows or hides a file in its package's download list (owner only).
pub async fn set_list_in_downloads(
    db: &Db,
    caller: &Caller,
    subject: &str,
    repo: &str,
    path: &str,
    listed: bool,
) -> Result<()> {
    let owned = super::owned_repository(db, caller, subject, repo).await?;
    let path = FilePath::parse(path).map_err(|e| RegistryError::BadRequest(e.to_string()))?;
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

    #[test]
    fn path_form() {
        let t = UploadTarget::parse("pkg/1.0/dir/a.txt", &opts(&[], &[("publish", "1")])).unwrap();
        assert_eq!((t.package.as_str(), t.version.as_str()), ("pkg", "1.0"));
        assert_eq!(t.path.as_str(), "dir/a.txt");
        assert!(t.publish && !t.replace);
    }

    #[test]
    fn header_form() {
        let t = UploadTarget::parse(
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
        let t = UploadTarget::parse(
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
        let t = UploadTarget::parse("p/1/f", &opts(&[], &[("publish", "1"), ("publish", "1")]))
            .unwrap();
        assert!(t.publish);
        for (rest, o) in [
            ("p/1", opts(&[], &[])),
            ("p/1/../x", opts(&[], &[])),
            ("p/1//x", opts(&[], &[])),
            ("f", opts(&[("package", "p")], &[])),
            ("p/1/f", opts(&[], &[("publish", "maybe")])),
            ("p/1/f;explode=1", opts(&[], &[])),
        ] {
            assert!(
                matches!(
                    UploadTarget::parse(rest, &o),
                    Err(RegistryError::BadRequest(_))
                ),
                "{rest}"
            );
        }
    }
}
