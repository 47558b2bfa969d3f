//! `/packages/:s/:r/:p[/versions/:v]/attributes` and `/search/attributes/...`.

use super::extract::{Path, Query};
use app::api_types::{Package, Success, Version};
use app::domain::attributes::{parse_query, Attribute, AttributeInput};
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::body::JsonBody;
use super::caller::ApiCaller;
use super::json;
use super::openapi::AttributeClause;
use super::openapi_responses::{ReadErrors, WriteErrors};
use crate::domain::catalog::{self, AttrTarget, Caller};
use crate::http::error::ApiError;
use crate::infra::db::AttrOwner;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NamesQuery {
    /// Only these attributes, comma-separated (`a,b`); all when absent.
    names: Option<String>,
}

impl NamesQuery {
    /// `names=a,b` (already percent-decoded), or every attribute.
    fn names(&self) -> Option<Vec<String>> {
        self.names.as_deref().map(|n| {
            n.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValuesQuery {
    /// `1` shows `attributes` (name → values) instead of `attribute_names`.
    #[param(value_type = Option<super::openapi::Flag>)]
    attribute_values: Option<String>,
}

impl ValuesQuery {
    pub fn with_values(&self) -> bool {
        self.attribute_values
            .as_deref()
            .and_then(app::domain::flags::parse_flag)
            .unwrap_or(false)
    }
}

async fn target(
    state: &AppState,
    caller: &Caller,
    s: &str,
    r: &str,
    p: &str,
    v: Option<&str>,
) -> Result<AttrTarget, ApiError> {
    Ok(catalog::attr_target(
        &state.db,
        caller,
        &catalog::RepoCoord::new(s, r).package(p),
        v,
    )
    .await?)
}

async fn get(
    state: AppState,
    caller: Caller,
    (s, r, p, v): (String, String, String, Option<String>),
    q: NamesQuery,
) -> Result<Json<Vec<Attribute>>, ApiError> {
    let t = target(&state, &caller, &s, &r, &p, v.as_deref()).await?;
    Ok(Json(
        catalog::get_attributes(&state.db, &t, q.names().as_deref()).await?,
    ))
}

async fn write(
    state: AppState,
    caller: Caller,
    (s, r, p, v): (String, String, String, Option<String>),
    inputs: Vec<AttributeInput>,
    replace: bool,
) -> Result<Json<Vec<Attribute>>, ApiError> {
    let t = target(&state, &caller, &s, &r, &p, v.as_deref()).await?;
    let result = if replace {
        catalog::replace_attributes(&state.db, &caller, &t, inputs).await?
    } else {
        catalog::update_attributes(&state.db, &caller, &t, inputs).await?
    };
    Ok(Json(result))
}

async fn delete(
    state: AppState,
    caller: Caller,
    (s, r, p, v): (String, String, String, Option<String>),
    q: NamesQuery,
) -> Result<Json<Success>, ApiError> {
    let t = target(&state, &caller, &s, &r, &p, v.as_deref()).await?;
    catalog::delete_attributes(&state.db, &caller, &t, q.names().as_deref()).await?;
    Ok(Json(Success::new()))
}

/// Get a package's attributes
///
/// Attributes starting with `_` are shown to the owner only.
#[utoipa::path(
    get,
    path = "/packages/{subject}/{repo}/{package}/attributes",
    operation_id = "getPackageAttributes",
    tag = "attributes",
    params(catalog::PackageCoord, NamesQuery),
    responses(
        (status = 200, description = "The attributes", body = Vec<Attribute>),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn get_package(
    State(st): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
    Query(q): Query<NamesQuery>,
) -> Result<Json<Vec<Attribute>>, ApiError> {
    let (s, r, p) = (at.subject.clone(), at.repo.clone(), at.package.clone());
    get(st, c, (s, r, p, None), q).await
}

/// Get a version's attributes
///
/// Attributes starting with `_` are shown to the owner only.
#[utoipa::path(
    get,
    path = "/packages/{subject}/{repo}/{package}/versions/{version}/attributes",
    operation_id = "getVersionAttributes",
    tag = "attributes",
    params(catalog::VersionCoord, NamesQuery),
    responses(
        (status = 200, description = "The attributes", body = Vec<Attribute>),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn get_version(
    State(st): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
    Query(q): Query<NamesQuery>,
) -> Result<Json<Vec<Attribute>>, ApiError> {
    let (s, r, p, v) = (
        at.subject.clone(),
        at.repo.clone(),
        at.package.clone(),
        at.version.clone(),
    );
    get(st, c, (s, r, p, Some(v)), q).await
}

/// Replace a package's attributes
///
/// The body becomes the whole set; a missing `type` is inferred from the values.
#[utoipa::path(
    post,
    path = "/packages/{subject}/{repo}/{package}/attributes",
    operation_id = "replacePackageAttributes",
    tag = "attributes",
    params(catalog::PackageCoord),
    request_body = Vec<AttributeInput>,
    responses(
        (status = 200, description = "The package's attributes now", body = Vec<Attribute>),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn replace_package(
    State(st): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
    JsonBody(b): JsonBody<Vec<AttributeInput>>,
) -> Result<Json<Vec<Attribute>>, ApiError> {
    let (s, r, p) = (at.subject.clone(), at.repo.clone(), at.package.clone());
    write(st, c, (s, r, p, None), b, true).await
}

/// Replace a version's attributes
///
/// The body becomes the whole set; a missing `type` is inferred from the values.
#[utoipa::path(
    post,
    path = "/packages/{subject}/{repo}/{package}/versions/{version}/attributes",
    operation_id = "replaceVersionAttributes",
    tag = "attributes",
    params(catalog::VersionCoord),
    request_body = Vec<AttributeInput>,
    responses(
        (status = 200, description = "The version's attributes now", body = Vec<Attribute>),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn replace_version(
    State(st): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
    JsonBody(b): JsonBody<Vec<AttributeInput>>,
) -> Result<Json<Vec<Attribute>>, ApiError> {
    let (s, r, p, v) = (
        at.subject.clone(),
        at.repo.clone(),
        at.package.clone(),
        at.version.clone(),
    );
    write(st, c, (s, r, p, Some(v)), b, true).await
}

/// Update a package's attributes
///
/// Merges the body into the set; `values: null` removes an attribute.
#[utoipa::path(
    patch,
    path = "/packages/{subject}/{repo}/{package}/attributes",
    operation_id = "updatePackageAttributes",
    tag = "attributes",
    params(catalog::PackageCoord),
    request_body = Vec<AttributeInput>,
    responses(
        (status = 200, description = "The package's attributes now", body = Vec<Attribute>),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn update_package(
    State(st): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
    JsonBody(b): JsonBody<Vec<AttributeInput>>,
) -> Result<Json<Vec<Attribute>>, ApiError> {
    let (s, r, p) = (at.subject.clone(), at.repo.clone(), at.package.clone());
    write(st, c, (s, r, p, None), b, false).await
}

/// Update a version's attributes
///
/// Merges the body into the set; `values: null` removes an attribute.
#[utoipa::path(
    patch,
    path = "/packages/{subject}/{repo}/{package}/versions/{version}/attributes",
    operation_id = "updateVersionAttributes",
    tag = "attributes",
    params(catalog::VersionCoord),
    request_body = Vec<AttributeInput>,
    responses(
        (status = 200, description = "The version's attributes now", body = Vec<Attribute>),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn update_version(
    State(st): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
    JsonBody(b): JsonBody<Vec<AttributeInput>>,
) -> Result<Json<Vec<Attribute>>, ApiError> {
    let (s, r, p, v) = (
        at.subject.clone(),
        at.repo.clone(),
        at.package.clone(),
        at.version.clone(),
    );
    write(st, c, (s, r, p, Some(v)), b, false).await
}

/// Delete a package's attributes
///
/// Those in `names`, or all of them.
#[utoipa::path(
    delete,
    path = "/packages/{subject}/{repo}/{package}/attributes",
    operation_id = "deletePackageAttributes",
    tag = "attributes",
    params(catalog::PackageCoord, NamesQuery),
    responses(
        (status = 200, description = "Deleted", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn delete_package(
    State(st): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
    Query(q): Query<NamesQuery>,
) -> Result<Json<Success>, ApiError> {
    let (s, r, p) = (at.subject.clone(), at.repo.clone(), at.package.clone());
    delete(st, c, (s, r, p, None), q).await
}

/// Delete a version's attributes
///
/// Those in `names`, or all of them.
#[utoipa::path(
    delete,
    path = "/packages/{subject}/{repo}/{package}/versions/{version}/attributes",
    operation_id = "deleteVersionAttributes",
    tag = "attributes",
    params(catalog::VersionCoord, NamesQuery),
    responses(
        (status = 200, description = "Deleted", body = Success),
        WriteErrors,
    ),
    security(("basic" = []))
)]
pub async fn delete_version(
    State(st): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(at): Path<catalog::VersionCoord>,
    Query(q): Query<NamesQuery>,
) -> Result<Json<Success>, ApiError> {
    let (s, r, p, v) = (
        at.subject.clone(),
        at.repo.clone(),
        at.package.clone(),
        at.version.clone(),
    );
    delete(st, c, (s, r, p, Some(v)), q).await
}

/// The attributes to show in a package or version object for this caller.
pub async fn shown(
    state: &AppState,
    owner: AttrOwner,
    is_publisher: bool,
) -> Result<Vec<Attribute>, ApiError> {
    let target = AttrTarget {
        owner,
        is_publisher,
    };
    Ok(catalog::get_attributes(&state.db, &target, None).await?)
}

/// Search a repository's packages by attributes
///
/// The body is a list of clauses, all of which must match. Private repositories answer
/// their owner only.
#[utoipa::path(
    post,
    path = "/search/attributes/{subject}/{repo}",
    operation_id = "searchPackagesByAttributes",
    tag = "attributes",
    params(catalog::RepoCoord, ValuesQuery),
    request_body(content = Vec<AttributeClause>, example = json!([
        {"att1": ["v1", "v2"]},
        {"att2": "[1,3]"},
        {"att3": "[,3["}
    ])),
    responses(
        (status = 200, description = "The packages that match", body = Vec<Package>),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn search_packages(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::RepoCoord>,
    Query(vq): Query<ValuesQuery>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Vec<Package>>, ApiError> {
    let query = parse_query(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let (repo, packages) = catalog::search_packages(&state.db, &caller, &at, &query).await?;
    let is_publisher = caller.owns(repo.owner_id);
    let mut out = Vec::with_capacity(packages.len());
    for p in &packages {
        let attrs = shown(&state, AttrOwner::Package(p.id), is_publisher).await?;
        out.push(json::package(&state.db, &repo, p, &attrs, vq.with_values()).await?);
    }
    Ok(Json(out))
}

/// Search a package's versions by attributes
///
/// The body is a list of clauses, all of which must match. Private repositories answer
/// their owner only.
#[utoipa::path(
    post,
    path = "/search/attributes/{subject}/{repo}/{package}/versions",
    operation_id = "searchVersionsByAttributes",
    tag = "attributes",
    params(catalog::PackageCoord, ValuesQuery),
    request_body(content = Vec<AttributeClause>, example = json!([
        {"att1": ["v1", "v2"]},
        {"att2": "[1,3]"},
        {"att3": "[,3["}
    ])),
    responses(
        (status = 200, description = "The versions that match", body = Vec<Version>),
        ReadErrors,
    ),
    security((), ("basic" = []))
)]
pub async fn search_versions(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(at): Path<catalog::PackageCoord>,
    Query(vq): Query<ValuesQuery>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Vec<Version>>, ApiError> {
    let query = parse_query(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let (repo, package, versions) =
        catalog::search_versions(&state.db, &caller, &at, &query).await?;
    let is_publisher = caller.owns(repo.owner_id);
    let mut out = Vec::with_capacity(versions.len());
    for v in &versions {
        let attrs = shown(&state, AttrOwner::Version(v.id), is_publisher).await?;
        out.push(json::version(&repo, &package, v, &attrs, vq.with_values()));
    }
    Ok(Json(out))
}
