//! Replicas (`server/replicas`) of this build's `wharf`, on the database and store the
//! suite runs on (issue 12).

use std::path::Path;

use github_standin::StandInHandle;
use replicas::Replica;
use server::infra::config::{BlobStoreUrl, Config};

use super::Backends;

/// The `WHARF_*` settings that put a replica on the suite's backends: a fresh PostgreSQL
/// database and S3 prefix when the suite runs on them, nothing (SQLite and disk in the
/// data directory) otherwise. Every replica given the same list shares them.
pub async fn suite_backends() -> Vec<(String, String)> {
    let mut chosen = Config::default();
    Backends::choose(&mut chosen).await;
    let mut env = Vec::new();
    if let Some(db) = &chosen.database {
        env.push(("WHARF_DATABASE_URL".to_owned(), db.as_url()));
    }
    if let Some(BlobStoreUrl::S3 { bucket, prefix }) = &chosen.blob_store {
        env.push((
            "WHARF_BLOB_STORE".to_owned(),
            format!("s3://{bucket}/{prefix}"),
        ));
        env.push((
            "WHARF_S3_ENDPOINT".to_owned(),
            chosen.s3_endpoint.clone().unwrap(),
        ));
    }
    env
}

/// The settings that send a replica's GitHub calls to the stand-in.
pub fn github_settings(gh: &StandInHandle) -> Vec<(String, String)> {
    [
        ("WHARF_GITHUB_WEB_URL", gh.web_url.as_str()),
        ("WHARF_GITHUB_API_URL", gh.api_url.as_str()),
        ("WHARF_GITHUB_CLIENT_ID", "wharf-demo"),
        ("WHARF_GITHUB_CLIENT_SECRET", "wharf-demo-secret"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A replica of this build's `wharf` (see [`Replica::start`]).
pub fn start_replica(data: &Path, dist: &Path, settings: &[(String, String)]) -> Replica {
    Replica::start(Path::new(env!("CARGO_BIN_EXE_wharf")), data, dist, settings)
}
