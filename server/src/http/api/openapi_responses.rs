//! The REST API's error responses as OpenAPI components, and the sets of them that
//! operations of one kind share.
//!
//! Every error is Bintray's `{"message": "..."}` (`http::error`). Each status comes from one
//! place in the server: 400 from `CatalogError::BadRequest` and `http::url_checks`, 401 and
//! the session's 403 from `api::caller`, 403/404/409/413 from the other `CatalogError`s, 500
//! from `ApiError::internal`. A handler's `#[utoipa::path]` lists its success responses and
//! one set (`responses((status = 200, ...), WriteErrors)`); a status particular to it is
//! listed beside the set. What any request may get before its handler runs (400 for a
//! malformed URL, 413 for a JSON body over 1 MiB, 414, 429 after failed logins) is added to
//! every operation by the modifiers in `api::openapi`.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use utoipa::openapi::{Ref, RefOr, Response};
use utoipa::{IntoResponses, ToResponse};

pub use described::*;

/// Types that only describe responses: nothing builds or reads them.
#[expect(dead_code, reason = "read by the OpenAPI derives only")]
mod described {
    use app::api_types::ErrorBody;
    use utoipa::ToResponse;

    // The error responses (`components.responses`), all `{"message": "..."}`.

    /// The request is malformed: a bad name, JSON body, switch or path, or a URL with an
    /// invalid percent-encoding, invalid UTF-8 or control characters (`message` says which).
    #[derive(ToResponse)]
    pub struct BadRequest(ErrorBody);

    /// The URL (path and query) is longer than 8 KiB.
    #[derive(ToResponse)]
    pub struct UriTooLong(ErrorBody);

    /// Credentials are needed and missing, or they are wrong (wrong credentials are refused
    /// even where anonymous access is allowed). No `WWW-Authenticate` challenge is sent.
    #[derive(ToResponse)]
    pub struct Unauthenticated(ErrorBody);

    /// The caller may not change this (it is not theirs), or a call made with the session
    /// cookie lacks its `X-CSRF-Token`.
    #[derive(ToResponse)]
    pub struct Forbidden(ErrorBody);

    /// The subject, repository, package, version or file does not exist, or the caller may
    /// not see it.
    #[derive(ToResponse)]
    pub struct NotFound(ErrorBody);

    /// It exists already (a repository, package or version of that name, a file at that path
    /// without `override=1`), or the body does not match `X-Checksum-Sha2`.
    #[derive(ToResponse)]
    pub struct Conflict(ErrorBody);

    /// The body is larger than allowed (1 MiB for JSON, `WHARF_MAX_UPLOAD_BYTES` for files).
    #[derive(ToResponse)]
    pub struct PayloadTooLarge(ErrorBody);

    /// Too many wrong credentials for this user lately; try again after `Retry-After` seconds.
    #[derive(ToResponse)]
    #[response(headers(("Retry-After" = u64, description = "Seconds to wait")))]
    pub struct TooManyRequests(ErrorBody);

    /// A failure on the server's side; details are in its log, not in the message.
    #[derive(ToResponse)]
    pub struct Internal(ErrorBody);
}

// The sets. Each status refers to its component above (`$ref`), so it reads the same in
// every operation; a larger set is a smaller one and the status it adds.

/// A search of public content, whoever asks (`security(())`: credentials are not read;
/// Bintray's repository, package and file searches): 400 when the query names nothing to
/// search by or is malformed, 500. Nothing is missing or refused, so neither 401 nor 404.
/// Every other set starts from this one.
pub struct SearchErrors;

impl IntoResponses for SearchErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        BTreeMap::from([
            ("400".to_owned(), by_ref::<BadRequest>()),
            ("500".to_owned(), by_ref::<Internal>()),
        ])
    }
}

/// A read that anyone may make, with or without credentials (`security((), basic)`):
/// Bintray's GETs of repositories, packages, versions, files, attributes and users, and its
/// attribute searches. A search's statuses, 401 for wrong credentials (never ignored), and
/// 404 for what does not exist or is private to someone else.
pub type ReadErrors = With<With<SearchErrors, 401, Unauthenticated>, 404, NotFound>;

/// A change to something that exists, by its owner only (`security(basic)`): Bintray's
/// updates (PATCH), attribute and release-notes writes, file metadata, publish and the
/// deletes. A read's statuses, and 403 for a caller who may see it but not change it (or a
/// session call without its CSRF token).
pub type WriteErrors = With<ReadErrors, 403, Forbidden>;

/// Creating a named thing (Bintray's POST of a repository, package or version): a write's
/// statuses, and 409 when the name is taken.
pub type CreateErrors = With<WriteErrors, 409, Conflict>;

/// Storing a file (Bintray's "Content Uploading": the path, header and matrix forms, an
/// archive to a repository's root, Maven deploys): a create's statuses (409 for a file
/// already at that path or a checksum mismatch), and 413 for a body over
/// `WHARF_MAX_UPLOAD_BYTES` or an archive past the unpacking limits.
pub type UploadErrors = With<CreateErrors, 413, PayloadTooLarge>;

/// The set `S` and `STATUS`, answered by the response component `R`. A type only: the sets
/// are read by `#[utoipa::path]`, never built.
pub struct With<S, const STATUS: u16, R>(PhantomData<(S, R)>);

impl<S: IntoResponses, const STATUS: u16, R: ToResponse<'static>> IntoResponses
    for With<S, STATUS, R>
{
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut set = S::responses();
        set.insert(STATUS.to_string(), by_ref::<R>());
        set
    }
}

/// A reference to the response component `R` (`#/components/responses/R`).
pub(super) fn by_ref<R: ToResponse<'static>>() -> RefOr<Response> {
    RefOr::Ref(Ref::from_response_name(R::response().0))
}
