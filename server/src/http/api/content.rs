//! `/content/:s/:r/...`: uploads (PUT), publish and discard (POST `.../:p/:v/publish`),
//! deletion (DELETE).

use app::api_types::{FilesCount, PublishRequest, Success};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;

use super::body::OptionalJsonBody;
use super::caller::ApiCaller;
use crate::http::error::ApiError;
use crate::registry::{self, Caller, UploadOptions, UploadTarget};
use crate::state::AppState;

/// `X-Bintray-Package` → ("package", value), and so on.
fn bintray_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            let suffix = name.as_str().strip_prefix("x-bintray-")?;
            Some((suffix.to_owned(), value.to_str().ok()?.to_owned()))
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

/// Streams the body into `target`, checking `X-Checksum-Sha2` when sent; 201 on success.
async fn store(
    state: &AppState,
    caller: &Caller,
    (subject, repo): (&str, &str),
    target: &UploadTarget,
    headers: &HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Success>), ApiError> {
    let expected = headers.get("x-checksum-sha2").and_then(|v| v.to_str().ok());
    registry::upload(
        &state.db,
        &state.blobs,
        caller,
        subject,
        repo,
        target,
        expected,
        body.into_data_stream(),
        state.config.max_upload_bytes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Success::new())))
}

pub async fn upload(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo, rest)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Success>), ApiError> {
    let target = UploadTarget::parse(&rest, &upload_options(&headers, query.as_deref()))?;
    store(&state, &caller, (&subject, &repo), &target, &headers, body).await
}

/// `PUT /maven/:s/:r/:package/<maven path>`: Maven and Gradle deploys into a maven
/// repository; the version comes from the path.
pub async fn maven_deploy(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo, rest)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Success>), ApiError> {
    let options = upload_options(&headers, query.as_deref());
    let repository = registry::owned_repository(&state.db, &caller, &subject, &repo).await?;
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

/// Only `.../:package/:version/publish` is a POST here.
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
    let files = registry::publish(
        &state.db,
        &caller,
        &subject,
        &repo,
        package,
        version,
        request.discard.unwrap_or(false),
    )
    .await?;
    Ok(Json(FilesCount { files }))
}

pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((subject, repo, rest)): Path<(String, String, String)>,
) -> Result<Json<Success>, ApiError> {
    registry::delete_file(&state.db, &caller, &subject, &repo, &rest).await?;
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
