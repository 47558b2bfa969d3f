//! `/content/:s/:r/...`: uploads (PUT), publish and discard (POST `.../:p/:v/publish`),
//! deletion (DELETE).

use super::extract::Path;
use app::api_types::{FilesCount, PublishRequest, Success};
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;

use super::body::OptionalJsonBody;
use super::caller::ApiCaller;
use super::openapi::{UploadHeaders, UploadQuery};
use super::openapi_responses::{UploadErrors, WriteErrors};
use crate::domain::catalog::{self, Caller, UploadOptions, UploadRequest, UploadTarget};
use crate::http::error::ApiError;
use crate::state::AppState;

/// `X-Bintray-Package` → ("package", value), and so on. Values are read as UTF-8, as
/// clients send a non-ASCII version name (HTTP itself only promises ASCII); a value that is
/// not UTF-8 is kept with U+FFFD in place, so the name's own check names what is wrong
/// rather than the header going missing.
fn bintray_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            let suffix = name.as_str().strip_prefix("x-bintray-")?;
            Some((
                suffix.to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            ))
        })
        .collect()
}

/// Query pairs, percent-decoded, repeated keys kept.
fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

fn upload_options(headers: &HeaderMap, query: Option<&str>) -> UploadOptions {
    UploadOptions {
        headers: bintray_headers(headers),
        query: query_pairs(query),
    }
}

/// A body whose `Content-Length` already says it is over `max`: refused (413) before a
/// byte is read, so a client that sent `Expect: 100-continue` is told at once instead of
/// being invited to send it. Bodies without a length are counted as they stream.
fn refuse_announced_oversize(headers: &HeaderMap, max: u64) -> Result<(), ApiError> {
    let announced = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match announced {
        Some(len) if len > max => Err(catalog::CatalogError::from(
            crate::infra::storage::StorageError::TooLarge(max),
        )
        .into()),
        _ => Ok(()),
    }
}

/// The SHA-256 the client says the body has (`X-Checksum-Sha2`), checked once stored.
fn expected_sha256(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-checksum-sha2").and_then(|v| v.to_str().ok())
}

/// Streams the body into `target`, checking `X-Checksum-Sha2` when sent; 201 on success.
async fn store(
    state: &AppState,
    caller: &Caller,
    (subject, repo): (&str, &str),
    target: &UploadTarget,
    headers: &HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Success>), ApiError> {
    let expected = expected_sha256(headers);
    catalog::upload(
        &state.db,
        &state.blobs,
        caller,
        &catalog::RepoCoord::new(subject, repo),
        target,
        expected,
        body.into_data_stream(),
        state.config.max_upload_bytes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Success::new())))
}

/// Upload a file
///
/// The path form: `:package/:version/:file_path`. The version is created if it does not
/// exist; the package must. The same route also takes the header and matrix forms.
/// A path already taken: an unpublished file of the same version is replaced, a
/// published one only with `override=1`, and a path of another version or package is a
/// 409 whatever `override` says. With `explode=1` a zip, tar or tar.gz is unpacked into
/// the version under the path's directory (all files or none; links, `..` and absolute
/// names refuse the archive) and the archive itself is not kept.
#[utoipa::path(
    put,
    path = "/content/{subject}/{repo}/{package}/{version}/{file_path}",
    operation_id = "uploadContent",
    tag = "content",
    params(
        ("subject" = String, Path, description = "The user that owns the repository"),
        ("repo" = String, Path, description = "The repository"),
        ("package" = String, Path, description = "The package"),
        ("version" = String, Path, description = "The version"),
        ("file_path" = String, Path,
            description = "The file's path in the version; it may contain `/`"),
        UploadQuery,
        UploadHeaders,
    ),
    request_body(description = "The file's bytes, stored as sent whatever the Content-Type",
        content(("application/octet-stream"))),
    responses(
        (status = 201, description = "Stored", body = Success),
        UploadErrors,
    ),
    security(("basic" = []))
)]
pub async fn upload(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo, rest)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Success>), ApiError> {
    refuse_announced_oversize(&headers, state.config.max_upload_bytes)?;
    match UploadRequest::parse(&rest, &upload_options(&headers, query.as_deref()))? {
        UploadRequest::File(target) => {
            store(&state, &caller, (&subject, &repo), &target, &headers, body).await
        }
        UploadRequest::Explode(target) => {
            let expected = expected_sha256(&headers);
            catalog::upload_exploded(
                &state.db,
                &state.blobs,
                &caller,
                &catalog::RepoCoord::new(&subject, &repo),
                &target,
                expected,
                body.into_data_stream(),
                state.config.max_upload_bytes,
                state.config.explode_limits,
            )
            .await?;
            Ok((StatusCode::CREATED, Json(Success::new())))
        }
    }
}

/// Upload an archive to unpack at the repository's root
///
/// The header form with no path at all, as Eclipse p2 release scripts send it:
/// `X-Bintray-Package`, `X-Bintray-Version` and `X-Bintray-Explode: 1`; the archive's
/// entries become files at the repository's root. Without `explode=1` there is no file
/// path, and the answer is 400.
#[utoipa::path(
    put,
    path = "/content/{subject}/{repo}/",
    operation_id = "uploadArchiveToRepositoryRoot",
    tag = "content",
    params(
        ("subject" = String, Path, description = "The user that owns the repository"),
        ("repo" = String, Path, description = "The repository"),
        ("X-Bintray-Package" = String, Header, description = "The package"),
        ("X-Bintray-Version" = String, Header, description = "The version"),
        UploadQuery,
        UploadHeaders,
    ),
    request_body(description = "A zip, tar or tar.gz", content(("application/octet-stream"))),
    responses(
        (status = 201, description = "Unpacked and stored", body = Success),
        UploadErrors,
    ),
    security(("basic" = []))
)]
pub async fn upload_to_repository_root(
    state: State<AppState>,
    caller: ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
    query: RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Success>), ApiError> {
    let (subject, repo) = (at.subject.clone(), at.repo.clone());
    upload(
        state,
        caller,
        Path((subject, repo, String::new())),
        query,
        headers,
        body,
    )
    .await
}

/// Deploy a Maven artifact
///
/// What Maven and Gradle send to a maven repository: the version comes from the Maven
/// path (`group/as/dirs/artifact/version/file`); matrix parameters such as `;publish=1`
/// may sit on any segment. `maven-metadata.xml` is accepted and not stored: Wharf knows
/// the versions itself.
#[utoipa::path(
    put,
    path = "/maven/{subject}/{repo}/{package}/{file_path}",
    operation_id = "deployMavenArtifact",
    tag = "content",
    params(
        ("subject" = String, Path, description = "The user that owns the repository"),
        ("repo" = String, Path, description = "A repository of type `maven`"),
        ("package" = String, Path, description = "The package"),
        ("file_path" = String, Path, description = "The Maven path, with `/`"),
        UploadQuery,
        UploadHeaders,
    ),
    request_body(description = "The file's bytes", content(("application/octet-stream"))),
    responses(
        (status = 201, description = "Stored (or accepted, for maven-metadata.xml)",
            body = Success),
        UploadErrors,
    ),
    security(("basic" = []))
)]
pub async fn maven_deploy(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo, rest)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Success>), ApiError> {
    refuse_announced_oversize(&headers, state.config.max_upload_bytes)?;
    let options = upload_options(&headers, query.as_deref());
    let repository = catalog::owned_repository(
        &state.db,
        &caller,
        &catalog::RepoCoord::new(&subject, &repo),
    )
    .await?;
    if repository.repo_type != "maven" {
        return Err(ApiError::bad_request(format!(
            "Repository '{repo}' is of type {}; Maven deploys go to a maven repository",
            repository.repo_type
        )));
    }
    let Some(target) = UploadTarget::parse_maven(&rest, &options)? else {
        // maven-metadata.xml: accepted, not stored (Wharf knows the versions itself).
        return Ok((StatusCode::CREATED, Json(Success::new())));
    };
    store(&state, &caller, (&subject, &repo), &target, &headers, body).await
}

/// Publish or discard a version's files
///
/// Publishes the version's unpublished files, or with `"discard": true` deletes them. The
/// body is optional; the work is done before the answer whatever `publish_wait_for_secs`
/// says. (Only `.../:package/:version/publish` is a POST under `/content`.)
#[utoipa::path(
    post,
    path = "/content/{subject}/{repo}/{package}/{version}/publish",
    operation_id = "publishContent",
    tag = "content",
    params(
        ("subject" = String, Path, description = "The user that owns the repository"),
        ("repo" = String, Path, description = "The repository"),
        ("package" = String, Path, description = "The package"),
        ("version" = String, Path, description = "The version"),
    ),
    request_body(content = Option<PublishRequest>, description = "Optional"),
    responses(
        (status = 200, description = "How many files were published or discarded",
            body = FilesCount),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn publish(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo, rest)): Path<(String, String, String)>,
    OptionalJsonBody(request): OptionalJsonBody<PublishRequest>,
) -> Result<Json<FilesCount>, ApiError> {
    let segments: Vec<&str> = rest.split('/').collect();
    let [package, version, "publish"] = segments[..] else {
        return Err(ApiError::not_found());
    };
    let files = catalog::publish(
        &state.db,
        &caller,
        &catalog::RepoCoord::new(&subject, &repo)
            .package(package)
            .version(version),
        request.discard.unwrap_or(false),
    )
    .await?;
    Ok(Json(FilesCount { files }))
}

/// Delete a file
///
/// The path is taken as sent: no matrix parameters. A path that no file may have (one
/// holding `;`, `..` or an invisible character) is a 400.
#[utoipa::path(
    delete,
    path = "/content/{subject}/{repo}/{file_path}",
    operation_id = "deleteContent",
    tag = "content",
    params(catalog::FileCoord),
    responses(
        (status = 200, description = "Deleted", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::FileCoord>,
) -> Result<Json<Success>, ApiError> {
    catalog::delete_file(&state.db, &caller, &at).await?;
    Ok(Json(Success::new()))
}

#[cfg(test)]
mod tests {
    use super::query_pairs;

    #[test]
    fn query_values_are_decoded_and_repeats_kept() {
        assert_eq!(
            query_pairs(Some("publish=1&publish=1&names=a%2Cb")),
            [
                ("publish".to_owned(), "1".to_owned()),
                ("publish".to_owned(), "1".to_owned()),
                ("names".to_owned(), "a,b".to_owned())
            ]
        );
    }
}
