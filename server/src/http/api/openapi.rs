//! The REST API described as OpenAPI 3.1 (utoipa), served at `GET /api/openapi.json`.
//!
//! Each handler carries its own `#[utoipa::path]`; this module gathers them, holds what
//! several operations share (path parameters, upload options; the error responses and
//! their sets are in `openapi_responses`) and the two upload forms and the `HEAD` that
//! share a handler with another operation. The route table (`http::routes`) is the other
//! half: `tests/openapi.rs` checks that the two agree.

use std::sync::LazyLock;

use app::api_types::ErrorBody;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::server::Server;
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};

use super::openapi_responses::{
    by_ref, BadRequest, Conflict, Forbidden, Internal, NotFound, PayloadTooLarge, TooManyRequests,
    Unauthenticated, UploadErrors, UriTooLong,
};
use crate::http::route_table::Exposure;

const DESCRIPTION: &str = "\
Wharf's Bintray-compatible REST API (Bintray's v1). Clients written for api.bintray.com \
work by changing the base URL: every operation is served at `/` and at `/api/v1/`, except \
where an operation lists its own server.

Authenticate with HTTP Basic, `username:apikey` (the key is under Profile › API Key). \
Public reads also work anonymously; wrong credentials are refused rather than ignored. \
Errors are JSON `{\"message\": \"...\"}`.";

#[derive(OpenApi)]
#[openapi(
    info(title = "Wharf", version = env!("CARGO_PKG_VERSION"), description = DESCRIPTION),
    servers(
        (url = "/", description = "The root, as api.bintray.com"),
        (url = "/api/v1", description = "The versioned mount, as bintray.com/api/v1")
    ),
    paths(
        super::repos::list,
        super::repos::get,
        super::repos::create,
        super::repos::update,
        super::repos::delete,
        super::repos::search,
        super::packages::list,
        super::packages::get,
        super::packages::create,
        super::packages::update,
        super::packages::delete,
        super::versions::get,
        super::versions::create,
        super::versions::update,
        super::versions::delete,
        super::release_notes::get,
        super::release_notes::set,
        super::attributes::get_package,
        super::attributes::replace_package,
        super::attributes::update_package,
        super::attributes::delete_package,
        super::attributes::get_version,
        super::attributes::replace_version,
        super::attributes::update_version,
        super::attributes::delete_version,
        super::attributes::search_packages,
        super::attributes::search_versions,
        super::content::upload,
        upload_with_headers,
        upload_with_matrix,
        super::content::upload_to_repository_root,
        super::content::publish,
        super::content::delete,
        super::content::maven_deploy,
        super::files::of_package,
        super::files::of_version,
        super::file_info::package,
        super::file_info::version,
        super::file_info::metadata,
        super::downloads::download,
        download_head,
        super::search::packages,
        super::search::files,
        super::search::user,
        super::badges::download_badge,
        super::badges::latest_version,
        crate::http::health::healthz,
        crate::http::health::metrics,
        document,
    ),
    components(
        schemas(ErrorBody, Flag, AttributeClause),
        responses(
            BadRequest,
            Unauthenticated,
            Forbidden,
            NotFound,
            Conflict,
            PayloadTooLarge,
            UriTooLong,
            TooManyRequests,
            Internal
        )
    ),
    modifiers(&BasicAuth, &RootOnly, &Throttling, &MalformedRequests),
    tags(
        (name = "repositories", description = "A subject's repositories"),
        (name = "packages", description = "Packages in a repository"),
        (name = "versions", description = "Versions of a package, and their release notes"),
        (name = "attributes",
            description = "Typed attributes of packages and versions, and search by them"),
        (name = "content",
            description = "Uploads (path, header and matrix forms, Maven deploys), publish and \
                           discard, deletion"),
        (name = "files",
            description = "File listings and the package or version a file belongs to"),
        (name = "downloads", description = "Downloads with HEAD, Range and checksum headers"),
        (name = "search", description = "Search public repositories, packages and files"),
        (name = "users", description = "Users"),
        (name = "badges", description = "The download badge and the stable link beside it"),
        (name = "server", description = "Health and this document")
    )
)]
pub struct ApiDoc;

/// The name of the HTTP Basic scheme, as `security(("basic" = []))` spells it.
const BASIC: &str = "basic";

struct BasicAuth;

impl Modify for BasicAuth {
    fn modify(&self, doc: &mut Document) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Basic)
            .description(Some(
                "Username and API key. The web app's session cookie works too; a change \
                 made with it must carry the session's `X-CSRF-Token` header.",
            ))
            .build();
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(BASIC, SecurityScheme::Http(scheme));
    }
}

/// Operations served at `/` only (not under `/api/v1`) list that one server.
struct RootOnly;

impl Modify for RootOnly {
    fn modify(&self, doc: &mut Document) {
        let root_routes: Vec<&str> = crate::http::routes()
            .into_iter()
            .filter(|e| e.exposure == Exposure::Root)
            .map(|e| e.path)
            .collect();
        for (path, item) in doc.paths.paths.iter_mut() {
            if root_routes
                .iter()
                .any(|route| crate::http::route_table::matches(route, path))
            {
                item.servers = Some(vec![Server::new("/")]);
            }
        }
    }
}

/// Every operation that checks Basic credentials may answer 429 after repeated failures.
struct Throttling;

impl Modify for Throttling {
    fn modify(&self, doc: &mut Document) {
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.head,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let basic = SecurityRequirement::new(BASIC, Vec::<String>::new());
                if op.security.iter().flatten().any(|s| *s == basic) {
                    op.responses
                        .responses
                        .insert("429".to_owned(), by_ref::<TooManyRequests>());
                }
            }
        }
    }
}

/// What any request may be refused with before its handler runs (`http::url_checks`, the
/// JSON body limit): 400 for a malformed URL, 414 for an over-long one, and 413 for a JSON
/// body over 1 MiB on every operation that takes one.
struct MalformedRequests;

impl Modify for MalformedRequests {
    fn modify(&self, doc: &mut Document) {
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.head,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut op.responses.responses;
                responses
                    .entry("400".to_owned())
                    .or_insert_with(by_ref::<BadRequest>);
                responses
                    .entry("414".to_owned())
                    .or_insert_with(by_ref::<UriTooLong>);
                let takes_json = op
                    .request_body
                    .as_ref()
                    .is_some_and(|body| body.content.contains_key("application/json"));
                if takes_json {
                    responses
                        .entry("413".to_owned())
                        .or_insert_with(by_ref::<PayloadTooLarge>);
                }
            }
        }
    }
}

// Operations that share a handler with another operation.

/// Upload a file, package and version in headers
///
/// The header form: the whole `file_path` is the file's path, and `X-Bintray-Package`
/// and `X-Bintray-Version` name the package and version. The version is created if it
/// does not exist; the package must. Answered by the same handler as the path form.
#[utoipa::path(
    put,
    path = "/content/{subject}/{repo}/{file_path}",
    operation_id = "uploadContentWithHeaders",
    tag = "content",
    params(
        crate::domain::catalog::FileCoord,
        ("X-Bintray-Package" = String, Header, description = "The package"),
        ("X-Bintray-Version" = String, Header, description = "The version"),
        UploadQuery,
        UploadHeaders,
    ),
    request_body(description = "The file's bytes, stored as sent whatever the Content-Type",
        content(("application/octet-stream"))),
    responses(
        (status = 201, description = "Stored", body = app::api_types::Success),
        UploadErrors,
    ),
    security(("basic" = []))
)]
#[expect(dead_code, reason = "documentation only: content::upload answers it")]
fn upload_with_headers() {}

/// Upload a file, package and version in matrix parameters
///
/// The matrix form, as jfrog-cli and many scripts send it: `;bt_package=P;bt_version=V`
/// after the file's path. Further matrix parameters (`;publish=1;override=1`) may follow,
/// on this or any other segment. Answered by the same handler as the path form.
#[utoipa::path(
    put,
    path = "/content/{subject}/{repo}/{file_path};bt_package={bt_package};bt_version={bt_version}",
    operation_id = "uploadContentWithMatrixParams",
    tag = "content",
    params(
        crate::domain::catalog::FileCoord,
        ("bt_package" = String, Path, description = "The package"),
        ("bt_version" = String, Path, description = "The version"),
        UploadQuery,
        UploadHeaders,
    ),
    request_body(description = "The file's bytes, stored as sent whatever the Content-Type",
        content(("application/octet-stream"))),
    responses(
        (status = 201, description = "Stored", body = app::api_types::Success),
        UploadErrors,
    ),
    security(("basic" = []))
)]
#[expect(dead_code, reason = "documentation only: content::upload answers it")]
fn upload_with_matrix() {}

/// A download's headers without its body
///
/// What jfrog-cli asks first: `Content-Length` and the checksums tell it whether the file
/// on disk is already this one. Answered by the download's handler.
#[utoipa::path(
    head,
    path = "/dl/{subject}/{repo}/{file_path}",
    operation_id = "downloadFileHead",
    tag = "downloads",
    params(
        crate::domain::catalog::FileCoord,
        ("Range" = Option<String>, Header, description = "One byte range, `bytes=start-end`"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag the caller has"),
    ),
    responses(
        (status = 200, description = "The whole file's headers", headers(
            ("Content-Length" = u64, description = "The file's size"),
            ("ETag" = String, description = "The file's SHA-256, quoted"),
            ("X-Checksum-Sha1" = String),
            ("X-Checksum-Sha256" = String),
            ("X-Checksum-Md5" = String),
        )),
        (status = 206, description = "The range's headers"),
        (status = 304, description = "The caller's copy is current"),
        (status = 401,
            description = "Wrong credentials, or an unpublished file without them (no body)"),
        (status = 404, description = "No such file, or not visible to the caller (no body)"),
        (status = 416, description = "The range is outside the file"),
    ),
    security((), ("basic" = []))
)]
#[expect(
    dead_code,
    reason = "documentation only: downloads::download answers it"
)]
fn download_head() {}

// The document itself.

struct Built {
    json: String,
    etag: String,
}

/// Built once, on first request.
static DOCUMENT: LazyLock<Built> = LazyLock::new(|| {
    let json = ApiDoc::openapi()
        .to_json()
        .expect("the OpenAPI document serialises");
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(json.as_bytes())[..12])
    );
    Built { json, etag }
});

/// This document
///
/// The REST API as OpenAPI 3.1 JSON. Cacheable; revalidate with `If-None-Match`.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    operation_id = "getOpenApiDocument",
    tag = "server",
    responses(
        (status = 200, description = "The OpenAPI document", content_type = "application/json",
            body = Object, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The caller's copy is current"),
    ),
    security(())
)]
pub async fn document(headers: HeaderMap) -> Response {
    let doc = &*DOCUMENT;
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == doc.etag));
    let common = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(&doc.etag).expect("hex is a header value"),
        ),
    ];
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        axum::body::Bytes::from_static(doc.json.as_bytes()),
    )
        .into_response()
}

pub use described::*;

/// Types that only describe requests and responses: nothing builds or reads them.
#[expect(dead_code, reason = "read by the OpenAPI derives only")]
mod described {
    use std::collections::BTreeMap;

    use serde_json::Value;
    use utoipa::{IntoParams, ToSchema};

    // What several operations share.

    /// An on/off switch as Bintray's clients send it: `1`/`0`, `true`/`false`, `yes`/`no` or
    /// `on`/`off`, in any case; empty is off.
    #[derive(ToSchema)]
    #[schema(example = "1")]
    pub struct Flag(String);

    /// One clause of an attribute search, `{"name": condition}`: a list of values (any of them
    /// matches; for a list attribute, it contains one), a single value, or a range string such
    /// as `"[1,3]"` or `"]2011-07-14T19:43:37+0100,]"` (`[`/`]` make a bound inclusive or
    /// exclusive; an empty side is open). All clauses must match.
    #[derive(ToSchema)]
    #[schema(example = json!({"att1": ["v1", "v2"]}))]
    pub struct AttributeClause(BTreeMap<String, Value>);

    /// `/:subject`.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct SubjectParams {
        /// The user that owns the repositories.
        subject: String,
    }

    /// The upload switches in the query string (`?publish=1&override=1`). Each may instead be
    /// an `X-Bintray-*` header or a `;name=value` matrix parameter on any path segment; a
    /// matrix parameter wins over a header, a header over the query.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct UploadQuery {
        /// Publish the file at once (uploads stay unpublished, visible to the owner only,
        /// until the version is published).
        #[param(value_type = Option<Flag>)]
        publish: Option<String>,
        /// Replace a published file of the same version at this path (otherwise 409; an
        /// unpublished one is replaced without it; a path of another version is 409 anyway).
        #[param(rename = "override", value_type = Option<Flag>)]
        override_: Option<String>,
        /// Unpack a zip, tar or tar.gz into the version under the path's directory, all
        /// files or none (400 for a bad entry, 413 past the size limits); the archive is
        /// not kept. Not for Maven deploys.
        #[param(value_type = Option<Flag>)]
        explode: Option<String>,
    }

    /// The same switches as headers, and the checksum an upload must match.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Header)]
    pub struct UploadHeaders {
        #[param(rename = "X-Bintray-Publish", value_type = Flag, required = false)]
        publish: Option<String>,
        #[param(rename = "X-Bintray-Override", value_type = Flag, required = false)]
        override_: Option<String>,
        #[param(rename = "X-Bintray-Explode", value_type = Flag, required = false)]
        explode: Option<String>,
        /// The SHA-256 of the body, hex; a mismatch is refused with 409 and nothing is stored.
        #[param(rename = "X-Checksum-Sha2", value_type = String, required = false)]
        checksum: Option<String>,
    }
}
