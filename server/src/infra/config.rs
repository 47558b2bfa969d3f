//! Configuration: built-in defaults, then an optional TOML file, then `WHARF_*` environment
//! variables. Every bad value is reported with where it came from, in one line.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Why the configuration could not be read. Each message fits on one line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    ParseFile { path: PathBuf, message: String },
    #[error("{origin}: {message}")]
    BadValue { origin: Origin, message: String },
}

/// Where a setting's value came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Env(&'static str),
    File { path: PathBuf, key: &'static str },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Env(name) => write!(f, "environment variable {name}"),
            Origin::File { path, key } => write!(f, "{key} in {}", path.display()),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines with `key=value` fields.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The server's settings, all validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Holds the SQLite database, the blobs and the server's secret key.
    pub data_dir: PathBuf,
    /// The address users reach Wharf at, used in links the server writes. `None` means
    /// "what the server listens on".
    pub public_url: Option<String>,
    /// The built single-page app (Trunk's `dist/`).
    pub dist_dir: PathBuf,
    pub log_format: LogFormat,
    /// The largest file an upload may bring, in bytes; larger ones get 413.
    pub max_upload_bytes: u64,
    /// The domain under which Docker registries answer by host name, Bintray's way:
    /// `<subject>-docker-<repo>.<domain>` (give it a wildcard DNS name). `None`: path only.
    pub registry_domain: Option<String>,
    /// Seconds between garbage collections of unreferenced blobs; 0 turns them off.
    pub gc_interval_seconds: u64,
    /// Unreferenced blobs younger than this many seconds are kept (pushes in progress).
    pub gc_grace_seconds: u64,
    /// A separate address for the API (`https://api.example.org`): requests to its host
    /// are all API, never pages.
    pub api_url: Option<String>,
    /// A separate address for downloads (`https://dl.example.org`): `/:subject/:repo/:path`
    /// on its host is a download, and download links the server writes point there.
    pub download_url: Option<String>,
    /// Every account is Premium (self-hosters need no plans).
    pub all_premium: bool,
    pub github: GitHubSettings,
    /// Where the catalogue lives (`WHARF_DATABASE_URL`); `None`: `<data dir>/wharf.db`.
    pub database: Option<DatabaseUrl>,
    /// Where file contents live (`WHARF_BLOB_STORE`); `None`: `<data dir>/blobs`.
    pub blob_store: Option<BlobStoreUrl>,
    /// A self-hosted S3-compatible store's address (`WHARF_S3_ENDPOINT`, e.g. Garage's
    /// `http://127.0.0.1:3900`); `None`: AWS itself, or `AWS_ENDPOINT_URL`.
    pub s3_endpoint: Option<String>,
    /// Seconds a presigned download redirect stays valid (`WHARF_PRESIGNED_DOWNLOAD_SECONDS`);
    /// 0 (the default) serves downloads through Wharf. Only an S3 store can presign.
    pub presigned_download_seconds: u64,
    /// Seconds an import job's lease lasts without a heartbeat
    /// (`WHARF_IMPORT_LEASE_SECONDS`, default 30): when a replica dies mid-import, another
    /// one takes the job over after at most this long.
    pub import_lease_seconds: u64,
    /// How often batched download counts are written (not configurable from outside;
    /// tests change it). A crash loses at most this much counting.
    pub counter_flush: std::time::Duration,
    /// How much an archive uploaded with `explode=1` may unpack to (not configurable
    /// from outside yet; tests lower it).
    pub explode_limits: crate::domain::catalog::ExplodeLimits,
}

/// `WHARF_DATABASE_URL`: `sqlite://PATH` or `postgres://USER[:PASSWORD]@HOST:PORT/DB`.
/// Its `Debug` hides a password, so the configuration can be logged.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    fn parse(v: &str) -> Result<DatabaseUrl, String> {
        let v = v.trim();
        if v.starts_with("postgres://") || v.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(v.to_owned()));
        }
        match v.strip_prefix("sqlite://") {
            Some(path) if !path.is_empty() => Ok(DatabaseUrl::Sqlite(PathBuf::from(path))),
            _ => Err(format!(
                "{:?} is not a database URL (use sqlite://PATH or postgres://USER@HOST:PORT/DB)",
                redact_password(v)
            )),
        }
    }

    /// The URL for [`crate::infra::db::Db::open_url`].
    pub fn as_url(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => url.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

/// `scheme://user:secret@host` as `scheme://user:***@host`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // The user information ends at the last '@' (a password may hold '/' or '@' itself).
    match rest.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// `WHARF_BLOB_STORE`: `file://PATH` or `s3://BUCKET[/PREFIX]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobStoreUrl {
    File(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl BlobStoreUrl {
    fn parse(v: &str) -> Result<BlobStoreUrl, String> {
        let v = v.trim();
        if let Some(path) = v.strip_prefix("file://").filter(|p| !p.is_empty()) {
            return Ok(BlobStoreUrl::File(PathBuf::from(path)));
        }
        if let Some(rest) = v.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            // S3's bucket naming rules: 3–63 of a-z, 0-9, '.', '-'.
            let bucket_ok = (3..=63).contains(&bucket.len())
                && bucket.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'
                });
            if bucket_ok {
                return Ok(BlobStoreUrl::S3 {
                    bucket: bucket.to_owned(),
                    prefix: prefix.trim_matches('/').to_owned(),
                });
            }
        }
        Err(format!(
            "{v:?} is not a blob store (use file://PATH or s3://BUCKET/PREFIX)"
        ))
    }
}

/// Where GitHub (or a GitHub Enterprise Server, or the stand-in) lives, and this server's
/// OAuth app there.
#[derive(Clone)]
pub struct GitHubSettings {
    /// The web host: OAuth pages live at `{web_url}/login/oauth/...`.
    pub web_url: String,
    /// The REST API: `https://api.github.com`, or `https://HOST/api/v3` for GHES.
    pub api_url: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

impl GitHubSettings {
    /// The OAuth app's credentials, when both are configured.
    pub fn client(&self) -> Option<(&str, &str)> {
        Some((self.client_id.as_deref()?, self.client_secret.as_deref()?))
    }
}

impl Default for GitHubSettings {
    fn default() -> Self {
        Self {
            web_url: "https://github.com".to_owned(),
            api_url: "https://api.github.com".to_owned(),
            client_id: None,
            client_secret: None,
        }
    }
}

// The client secret must never reach a log line, even through `{:?}` of the config.
impl fmt::Debug for GitHubSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubSettings")
            .field("web_url", &self.web_url)
            .field("api_url", &self.api_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<set>"),
            )
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database: None,
            blob_store: None,
            s3_endpoint: None,
            presigned_download_seconds: 0,
            import_lease_seconds: 30,
            public_url: None,
            dist_dir: PathBuf::from("dist"),
            log_format: LogFormat::Text,
            max_upload_bytes: 8 * 1024 * 1024 * 1024,
            api_url: None,
            download_url: None,
            all_premium: false,
            github: GitHubSettings::default(),
            registry_domain: None,
            gc_interval_seconds: 6 * 3600,
            gc_grace_seconds: 3600,
            counter_flush: std::time::Duration::from_secs(2),
            explode_limits: crate::domain::catalog::ExplodeLimits::default(),
        }
    }
}

/// The TOML file's shape. Unknown keys are an error so a typo is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<String>,
    public_url: Option<String>,
    dist_dir: Option<String>,
    log_format: Option<String>,
    max_upload_bytes: Option<u64>,
    api_url: Option<String>,
    download_url: Option<String>,
    all_premium: Option<bool>,
    github_web_url: Option<String>,
    github_api_url: Option<String>,
    github_client_id: Option<String>,
    github_client_secret: Option<String>,
    registry_domain: Option<String>,
    gc_interval_seconds: Option<u64>,
    gc_grace_seconds: Option<u64>,
    database_url: Option<String>,
    blob_store: Option<String>,
    s3_endpoint: Option<String>,
    presigned_download_seconds: Option<u64>,
    import_lease_seconds: Option<u64>,
}

/// One setting: its file key and its environment variable.
struct Setting {
    key: &'static str,
    env: &'static str,
}

const LISTEN: Setting = Setting {
    key: "listen",
    env: "WHARF_LISTEN",
};
const DATA_DIR: Setting = Setting {
    key: "data_dir",
    env: "WHARF_DATA_DIR",
};
const PUBLIC_URL: Setting = Setting {
    key: "public_url",
    env: "WHARF_PUBLIC_URL",
};
const DIST_DIR: Setting = Setting {
    key: "dist_dir",
    env: "WHARF_DIST_DIR",
};
const LOG_FORMAT: Setting = Setting {
    key: "log_format",
    env: "WHARF_LOG_FORMAT",
};

const MAX_UPLOAD: Setting = Setting {
    key: "max_upload_bytes",
    env: "WHARF_MAX_UPLOAD_BYTES",
};

const API_URL: Setting = Setting {
    key: "api_url",
    env: "WHARF_API_URL",
};
const DOWNLOAD_URL: Setting = Setting {
    key: "download_url",
    env: "WHARF_DOWNLOAD_URL",
};
const ALL_PREMIUM: Setting = Setting {
    key: "all_premium",
    env: "WHARF_ALL_PREMIUM",
};
const GITHUB_WEB_URL: Setting = Setting {
    key: "github_web_url",
    env: "WHARF_GITHUB_WEB_URL",
};
const GITHUB_API_URL: Setting = Setting {
    key: "github_api_url",
    env: "WHARF_GITHUB_API_URL",
};
const GITHUB_CLIENT_ID: Setting = Setting {
    key: "github_client_id",
    env: "WHARF_GITHUB_CLIENT_ID",
};
const GITHUB_CLIENT_SECRET: Setting = Setting {
    key: "github_client_secret",
    env: "WHARF_GITHUB_CLIENT_SECRET",
};
const REGISTRY_DOMAIN: Setting = Setting {
    key: "registry_domain",
    env: "WHARF_REGISTRY_DOMAIN",
};
const GC_INTERVAL: Setting = Setting {
    key: "gc_interval_seconds",
    env: "WHARF_GC_INTERVAL_SECONDS",
};
const GC_GRACE: Setting = Setting {
    key: "gc_grace_seconds",
    env: "WHARF_GC_GRACE_SECONDS",
};

const DATABASE_URL: Setting = Setting {
    key: "database_url",
    env: "WHARF_DATABASE_URL",
};
const BLOB_STORE: Setting = Setting {
    key: "blob_store",
    env: "WHARF_BLOB_STORE",
};
const S3_ENDPOINT: Setting = Setting {
    key: "s3_endpoint",
    env: "WHARF_S3_ENDPOINT",
};
const IMPORT_LEASE: Setting = Setting {
    key: "import_lease_seconds",
    env: "WHARF_IMPORT_LEASE_SECONDS",
};
const PRESIGNED: Setting = Setting {
    key: "presigned_download_seconds",
    env: "WHARF_PRESIGNED_DOWNLOAD_SECONDS",
};

/// The environment variable that names a configuration file, when `--config` is not given.
pub const CONFIG_FILE_ENV: &str = "WHARF_CONFIG";

impl Config {
    /// Reads the file (if any) and the given environment.
    pub fn load(
        file: Option<&Path>,
        env: &BTreeMap<String, String>,
    ) -> Result<Config, ConfigError> {
        let file_path = file
            .map(Path::to_path_buf)
            .or_else(|| env.get(CONFIG_FILE_ENV).map(PathBuf::from));
        let from_file = match &file_path {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
                        path: path.clone(),
                        source,
                    })?;
                toml::from_str::<FileConfig>(&text).map_err(|e| ConfigError::ParseFile {
                    path: path.clone(),
                    message: e.message().to_owned(),
                })?
            }
            None => FileConfig::default(),
        };

        // The value of a setting and where it came from: environment over file.
        let pick = |setting: &Setting, file_value: &Option<String>| -> Option<(String, Origin)> {
            if let Some(v) = env.get(setting.env) {
                return Some((v.clone(), Origin::Env(setting.env)));
            }
            let path = file_path.clone()?;
            file_value.clone().map(|v| {
                (
                    v,
                    Origin::File {
                        path,
                        key: setting.key,
                    },
                )
            })
        };

        let mut config = Config::default();
        if let Some((v, origin)) = pick(&LISTEN, &from_file.listen) {
            config.listen =
                parse_listen(&v).map_err(|message| ConfigError::BadValue { origin, message })?;
        }
        if let Some((v, origin)) = pick(&DATA_DIR, &from_file.data_dir) {
            config.data_dir =
                parse_dir(&v).map_err(|message| ConfigError::BadValue { origin, message })?;
        }
        if let Some((v, origin)) = pick(&DIST_DIR, &from_file.dist_dir) {
            config.dist_dir =
                parse_dir(&v).map_err(|message| ConfigError::BadValue { origin, message })?;
        }
        if let Some((v, origin)) = pick(&PUBLIC_URL, &from_file.public_url) {
            config.public_url = Some(
                parse_public_url(&v)
                    .map_err(|message| ConfigError::BadValue { origin, message })?,
            );
        }
        if let Some((v, origin)) = pick(&LOG_FORMAT, &from_file.log_format) {
            config.log_format = match v.trim().to_ascii_lowercase().as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => {
                    return Err(ConfigError::BadValue {
                        origin,
                        message: format!("{v:?} is not a log format (use \"text\" or \"json\")"),
                    })
                }
            };
        }
        if let Some((v, origin)) = pick(
            &MAX_UPLOAD,
            &from_file.max_upload_bytes.map(|n| n.to_string()),
        ) {
            config.max_upload_bytes =
                v.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ConfigError::BadValue {
                        origin,
                        message: format!("{v:?} is not a positive number of bytes"),
                    })?;
        }
        let bad = |origin| move |message| ConfigError::BadValue { origin, message };
        if let Some((v, origin)) = pick(&API_URL, &from_file.api_url) {
            config.api_url = Some(parse_host_url(&v).map_err(bad(origin))?);
        }
        if let Some((v, origin)) = pick(&DOWNLOAD_URL, &from_file.download_url) {
            config.download_url = Some(parse_host_url(&v).map_err(bad(origin))?);
        }
        if let Some((v, origin)) = pick(&ALL_PREMIUM, &from_file.all_premium.map(|b| b.to_string()))
        {
            config.all_premium = parse_bool(&v).map_err(bad(origin))?;
        }
        if let Some((v, origin)) = pick(&GITHUB_WEB_URL, &from_file.github_web_url) {
            config.github.web_url = parse_public_url(&v).map_err(bad(origin))?;
        }
        if let Some((v, origin)) = pick(&GITHUB_API_URL, &from_file.github_api_url) {
            config.github.api_url = parse_public_url(&v).map_err(bad(origin))?;
        }
        if let Some((v, _)) = pick(&GITHUB_CLIENT_ID, &from_file.github_client_id) {
            config.github.client_id = Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        }
        if let Some((v, _)) = pick(&GITHUB_CLIENT_SECRET, &from_file.github_client_secret) {
            config.github.client_secret = Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        }
        if let Some((v, origin)) = pick(&REGISTRY_DOMAIN, &from_file.registry_domain) {
            config.registry_domain =
                parse_domain(&v).map_err(|message| ConfigError::BadValue { origin, message })?;
        }
        if let Some((v, origin)) = pick(&DATABASE_URL, &from_file.database_url) {
            config.database = Some(DatabaseUrl::parse(&v).map_err(bad(origin))?);
        }
        if let Some((v, origin)) = pick(&BLOB_STORE, &from_file.blob_store) {
            config.blob_store = Some(BlobStoreUrl::parse(&v).map_err(bad(origin))?);
        }
        if let Some((v, origin)) = pick(&S3_ENDPOINT, &from_file.s3_endpoint) {
            config.s3_endpoint = Some(parse_public_url(&v).map_err(bad(origin))?);
        }
        for (setting, file_value, target) in [
            (
                &IMPORT_LEASE,
                from_file.import_lease_seconds,
                &mut config.import_lease_seconds,
            ),
            (
                &PRESIGNED,
                from_file.presigned_download_seconds,
                &mut config.presigned_download_seconds,
            ),
            (
                &GC_INTERVAL,
                from_file.gc_interval_seconds,
                &mut config.gc_interval_seconds,
            ),
            (
                &GC_GRACE,
                from_file.gc_grace_seconds,
                &mut config.gc_grace_seconds,
            ),
        ] {
            if let Some((v, origin)) = pick(setting, &file_value.map(|n| n.to_string())) {
                *target = v.trim().parse::<u64>().map_err(|_| ConfigError::BadValue {
                    origin,
                    message: format!("{v:?} is not a number of seconds"),
                })?;
            }
        }
        // S3's limit for a presigned URL is a week (SigV4 `X-Amz-Expires`).
        if config.presigned_download_seconds > 604_800 {
            return Err(ConfigError::BadValue {
                origin: pick(
                    &PRESIGNED,
                    &from_file.presigned_download_seconds.map(|n| n.to_string()),
                )
                .map(|(_, o)| o)
                .unwrap_or(Origin::Env(PRESIGNED.env)),
                message: "a presigned URL can be valid for at most 604800 seconds (a week)"
                    .to_owned(),
            });
        }
        if config.import_lease_seconds == 0 {
            return Err(ConfigError::BadValue {
                origin: pick(
                    &IMPORT_LEASE,
                    &from_file.import_lease_seconds.map(|n| n.to_string()),
                )
                .map(|(_, o)| o)
                .unwrap_or(Origin::Env(IMPORT_LEASE.env)),
                message: "an import lease must last at least 1 second".to_owned(),
            });
        }
        Ok(config)
    }

    /// The base URL links are built from, without a trailing slash.
    pub fn public_base_url(&self, bound: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.clone(),
            None => format!("http://{bound}"),
        }
    }
}

fn parse_listen(v: &str) -> Result<SocketAddr, String> {
    v.trim().parse::<SocketAddr>().map_err(|_| {
        format!("{v:?} is not an address to listen on (expected IP:PORT, e.g. 127.0.0.1:8080)")
    })
}

fn parse_dir(v: &str) -> Result<PathBuf, String> {
    if v.trim().is_empty() {
        return Err("must not be empty".to_owned());
    }
    Ok(PathBuf::from(v))
}

fn parse_bool(v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(format!("{v:?} is not true or false")),
    }
}

/// A base URL that is only a scheme and a host (these hosts are told apart by `Host`).
fn parse_host_url(v: &str) -> Result<String, String> {
    let url = parse_public_url(v)?;
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or_default();
    if rest.contains('/') {
        return Err(format!(
            "{v:?} must be a scheme and host only, without a path"
        ));
    }
    Ok(url)
}

/// The `host[:port]` of a URL [`parse_host_url`] accepted, lower-cased, to compare with
/// a request's `Host` header.
pub fn host_of(url: &str) -> String {
    url.split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(url)
        .to_ascii_lowercase()
}

fn parse_public_url(v: &str) -> Result<String, String> {
    let v = v.trim().trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .ok_or_else(|| format!("{v:?} is not an http:// or https:// URL"))?;
    if rest.is_empty() || rest.contains(char::is_whitespace) || rest.contains(['?', '#']) {
        return Err(format!("{v:?} is not a usable base URL"));
    }
    Ok(v.to_owned())
}

/// A domain name (empty means none): letters, digits, `-` and `.`, no scheme or port.
fn parse_domain(v: &str) -> Result<Option<String>, String> {
    let d = v.trim().trim_end_matches('.').to_ascii_lowercase();
    if d.is_empty() {
        return Ok(None);
    }
    let ok = d.split('.').all(|label| {
        !label.is_empty()
            && !label.starts_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if ok {
        Ok(Some(d))
    } else {
        Err(format!(
            "{v:?} is not a domain name (e.g. docker.example.org, without scheme or port)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_apply_without_file_or_env() {
        let c = Config::load(None, &env(&[])).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.data_dir, PathBuf::from("data"));
        assert_eq!(c.public_url, None);
        assert_eq!(c.log_format, LogFormat::Text);
    }

    #[test]
    fn environment_overrides_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wharf.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9000\"\ndata_dir = \"/srv/wharf\"\nlog_format = \"json\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&path), &env(&[("WHARF_LISTEN", "0.0.0.0:7000")])).unwrap();
        assert_eq!(c.listen.to_string(), "0.0.0.0:7000");
        assert_eq!(c.data_dir, PathBuf::from("/srv/wharf"));
        assert_eq!(c.log_format, LogFormat::Json);
    }

    #[test]
    fn config_file_can_be_named_by_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.toml");
        std::fs::write(&path, "public_url = \"https://pkgs.example.org/\"\n").unwrap();
        let c = Config::load(None, &env(&[("WHARF_CONFIG", path.to_str().unwrap())])).unwrap();
        assert_eq!(c.public_url.as_deref(), Some("https://pkgs.example.org"));
    }

    #[test]
    fn bad_values_name_their_origin() {
        let err = Config::load(None, &env(&[("WHARF_LISTEN", "localhost")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable WHARF_LISTEN: \"localhost\" is not an address to listen on \
             (expected IP:PORT, e.g. 127.0.0.1:8080)"
        );
        let err = Config::load(None, &env(&[("WHARF_PUBLIC_URL", "ftp://x")])).unwrap_err();
        assert!(err.to_string().contains("WHARF_PUBLIC_URL"), "{err}");
        let err = Config::load(None, &env(&[("WHARF_MAX_UPLOAD_BYTES", "-1")])).unwrap_err();
        assert!(err.to_string().contains("WHARF_MAX_UPLOAD_BYTES"), "{err}");
        let c = Config::load(None, &env(&[("WHARF_MAX_UPLOAD_BYTES", "1024")])).unwrap();
        assert_eq!(c.max_upload_bytes, 1024);
        let err = Config::load(None, &env(&[("WHARF_LOG_FORMAT", "xml")])).unwrap_err();
        assert!(err.to_string().contains("not a log format"), "{err}");
    }

    #[test]
    fn separate_hosts_and_github_settings() {
        let c = Config::load(
            None,
            &env(&[
                ("WHARF_API_URL", "https://API.example.org/"),
                ("WHARF_DOWNLOAD_URL", "http://dl.example.org:8081"),
                ("WHARF_ALL_PREMIUM", "true"),
                ("WHARF_GITHUB_API_URL", "https://ghe.example.org/api/v3"),
                ("WHARF_GITHUB_CLIENT_ID", "abc"),
                ("WHARF_GITHUB_CLIENT_SECRET", "s3cret"),
            ]),
        )
        .unwrap();
        assert_eq!(host_of(c.api_url.as_deref().unwrap()), "api.example.org");
        assert_eq!(
            host_of(c.download_url.as_deref().unwrap()),
            "dl.example.org:8081"
        );
        assert!(c.all_premium);
        assert_eq!(c.github.web_url, "https://github.com");
        assert_eq!(c.github.api_url, "https://ghe.example.org/api/v3");
        assert_eq!(c.github.client(), Some(("abc", "s3cret")));
        assert!(!format!("{c:?}").contains("s3cret"));
        let err =
            Config::load(None, &env(&[("WHARF_DOWNLOAD_URL", "https://x.org/dl")])).unwrap_err();
        assert!(err.to_string().contains("without a path"), "{err}");
        let err = Config::load(None, &env(&[("WHARF_ALL_PREMIUM", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("WHARF_ALL_PREMIUM"), "{err}");
        let c = Config::load(None, &env(&[("WHARF_GITHUB_CLIENT_ID", "abc")])).unwrap();
        assert_eq!(c.github.client(), None);
    }

    #[test]
    fn registry_domain_and_gc_settings() {
        let c = Config::load(None, &env(&[])).unwrap();
        assert_eq!(c.registry_domain, None);
        assert_eq!((c.gc_interval_seconds, c.gc_grace_seconds), (21600, 3600));
        let c = Config::load(
            None,
            &env(&[
                ("WHARF_REGISTRY_DOMAIN", "Docker.Example.org."),
                ("WHARF_GC_INTERVAL_SECONDS", "0"),
                ("WHARF_GC_GRACE_SECONDS", "60"),
            ]),
        )
        .unwrap();
        assert_eq!(c.registry_domain.as_deref(), Some("docker.example.org"));
        assert_eq!((c.gc_interval_seconds, c.gc_grace_seconds), (0, 60));
        for bad in ["https://x.org", "x.org:8080", "a..b", "-a.b"] {
            let err = Config::load(None, &env(&[("WHARF_REGISTRY_DOMAIN", bad)])).unwrap_err();
            assert!(err.to_string().contains("WHARF_REGISTRY_DOMAIN"), "{err}");
        }
        let err = Config::load(None, &env(&[("WHARF_GC_GRACE_SECONDS", "soon")])).unwrap_err();
        assert!(err.to_string().contains("WHARF_GC_GRACE_SECONDS"), "{err}");
        let err =
            Config::load(None, &env(&[("WHARF_PRESIGNED_DOWNLOAD_SECONDS", "-3")])).unwrap_err();
        assert!(
            err.to_string().contains("WHARF_PRESIGNED_DOWNLOAD_SECONDS"),
            "{err}"
        );
    }

    /// Issue 12: the backends are chosen by URL; a bad URL is an error that names the
    /// variable and never shows a password.
    #[test]
    fn backends_are_chosen_by_url_and_passwords_stay_out_of_messages() {
        let c = Config::load(
            None,
            &env(&[
                (
                    "WHARF_DATABASE_URL",
                    "postgres://wharf:hunter2@db:5432/wharf",
                ),
                ("WHARF_BLOB_STORE", "s3://wharf-blobs/prod/"),
                ("WHARF_S3_ENDPOINT", "http://127.0.0.1:3900"),
                ("WHARF_PRESIGNED_DOWNLOAD_SECONDS", "300"),
            ]),
        )
        .unwrap();
        let db = c.database.clone().unwrap();
        assert_eq!(db.as_url(), "postgres://wharf:hunter2@db:5432/wharf");
        assert!(!format!("{c:?}").contains("hunter2"), "{c:?}");
        assert_eq!(
            c.blob_store,
            Some(BlobStoreUrl::S3 {
                bucket: "wharf-blobs".into(),
                prefix: "prod".into()
            })
        );
        assert_eq!(c.s3_endpoint.as_deref(), Some("http://127.0.0.1:3900"));
        assert_eq!(c.presigned_download_seconds, 300);
        let c = Config::load(
            None,
            &env(&[
                ("WHARF_DATABASE_URL", "sqlite:///srv/w.db"),
                ("WHARF_BLOB_STORE", "file:///srv/blobs"),
            ]),
        )
        .unwrap();
        assert_eq!(c.database, Some(DatabaseUrl::Sqlite("/srv/w.db".into())));
        assert_eq!(c.blob_store, Some(BlobStoreUrl::File("/srv/blobs".into())));
        let err = Config::load(
            None,
            &env(&[("WHARF_PRESIGNED_DOWNLOAD_SECONDS", "999999999")]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("604800"), "{err}");
        // A password with '/' or '@' in it is hidden whole.
        for url in [
            "postgres://bob:Hun/ter2@h:1/db",
            "postgres://bob:a@Hun/ter2@h:1/db",
        ] {
            assert_eq!(redact_password(url), "postgres://bob:***@h:1/db");
        }
        for bad in ["mysql://u:hunter2@h/db", "sqlite://", "wharf.db"] {
            let err = Config::load(None, &env(&[("WHARF_DATABASE_URL", bad)])).unwrap_err();
            let text = err.to_string();
            assert!(text.contains("WHARF_DATABASE_URL"), "{text}");
            assert!(!text.contains("hunter2"), "{text}");
        }
        for bad in ["s3://", "s3://UPPER/x", "gs://b", "file://", "/srv/blobs"] {
            let err = Config::load(None, &env(&[("WHARF_BLOB_STORE", bad)])).unwrap_err();
            assert!(err.to_string().contains("WHARF_BLOB_STORE"), "{bad}: {err}");
        }
    }

    #[test]
    fn bad_file_values_name_the_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wharf.toml");
        std::fs::write(&path, "listen = \"nope\"\n").unwrap();
        let err = Config::load(Some(&path), &env(&[])).unwrap_err();
        assert!(err.to_string().starts_with("listen in "), "{err}");
    }

    #[test]
    fn unknown_file_keys_and_missing_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wharf.toml");
        std::fs::write(&path, "lissen = \"127.0.0.1:1\"\n").unwrap();
        let err = Config::load(Some(&path), &env(&[])).unwrap_err();
        assert!(err.to_string().contains("unknown field `lissen`"), "{err}");
        let err = Config::load(Some(&dir.path().join("missing.toml")), &env(&[])).unwrap_err();
        assert!(matches!(err, ConfigError::ReadFile { .. }));
    }
}
