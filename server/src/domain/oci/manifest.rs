//! Manifests: Docker schema 2 and its manifest list, the OCI image manifest and index.
//! Only what the registry needs is read (what a manifest references, its subject and
//! artifact type, platforms); the bytes themselves are stored exactly as pushed.

use serde_json::{Map, Value};

use super::digest::OciDigest;

pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// Image configurations, whose `created` and platform fields the version attributes show.
pub const CONFIG_TYPES: [&str; 2] = [
    "application/vnd.oci.image.config.v1+json",
    "application/vnd.docker.container.image.v1+json",
];

/// Layers that may live elsewhere (`urls`) and need not be pushed.
const FOREIGN_LAYER_PREFIXES: [&str; 2] = [
    "application/vnd.docker.image.rootfs.foreign.",
    "application/vnd.oci.image.layer.nondistributable.",
];

/// The largest manifest accepted (the spec asks registries to take at least 4 MiB).
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Config and layers.
    Image,
    /// A list of manifests.
    Index,
}

/// A known manifest media type and its kind.
pub fn kind_of(media_type: &str) -> Option<Kind> {
    match media_type {
        DOCKER_MANIFEST | OCI_MANIFEST => Some(Kind::Image),
        DOCKER_LIST | OCI_INDEX => Some(Kind::Index),
        _ => None,
    }
}

/// A media type without parameters, lower-cased: `a/b; charset=x` → `a/b`.
pub fn base_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    /// `linux/arm64/v8`, the form `docker --platform` takes.
    pub fn label(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}/{v}", self.os, self.architecture),
            None => format!("{}/{}", self.os, self.architecture),
        }
    }

    fn from_json(v: &Value) -> Option<Platform> {
        let s = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(Platform {
            os: s("os")?,
            architecture: s("architecture")?,
            variant: s("variant").filter(|v| !v.is_empty()),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Descriptor {
    pub media_type: String,
    pub digest: OciDigest,
    pub size: u64,
    pub platform: Option<Platform>,
    pub urls: bool,
}

impl Descriptor {
    /// A layer stored elsewhere, which the registry does not require.
    pub fn is_foreign(&self) -> bool {
        self.urls
            && FOREIGN_LAYER_PREFIXES
                .iter()
                .any(|p| self.media_type.starts_with(p))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub media_type: String,
    pub kind: Kind,
    /// Image manifests: the config; indexes: none.
    pub config: Option<Descriptor>,
    pub layers: Vec<Descriptor>,
    /// Indexes: the manifests listed.
    pub manifests: Vec<Descriptor>,
    pub subject: Option<Descriptor>,
    pub artifact_type: Option<String>,
    pub annotations: Option<Map<String, Value>>,
}

impl Manifest {
    /// What the referrers API lists as this manifest's type: its `artifactType`, else an
    /// image manifest's config media type.
    pub fn referrer_type(&self) -> Option<String> {
        self.artifact_type.clone().or_else(|| match self.kind {
            Kind::Image => self.config.as_ref().map(|c| c.media_type.clone()),
            Kind::Index => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("the manifest is not a JSON object")]
    NotJson,
    #[error("schemaVersion must be 2")]
    SchemaVersion,
    #[error("the manifest's mediaType {field:?} differs from its Content-Type {header:?}")]
    TypeMismatch { field: String, header: String },
    #[error("unsupported manifest media type {0:?}")]
    UnsupportedType(String),
    #[error("{0}")]
    BadField(String),
}

fn descriptor(field: &str, v: &Value) -> Result<Descriptor, ManifestError> {
    let bad = |what: &str| ManifestError::BadField(format!("{field}: {what}"));
    let obj = v
        .as_object()
        .ok_or_else(|| bad("not a descriptor object"))?;
    let media_type = obj
        .get("mediaType")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("mediaType is missing"))?
        .to_owned();
    let digest = obj
        .get("digest")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("digest is missing"))?;
    let digest = OciDigest::parse(digest).map_err(|e| bad(&e.to_string()))?;
    let size = obj
        .get("size")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("size must be a non-negative integer"))?;
    let platform = match obj.get("platform") {
        None | Some(Value::Null) => None,
        Some(p) => {
            Some(Platform::from_json(p).ok_or_else(|| bad("platform needs os and architecture"))?)
        }
    };
    let urls = obj
        .get("urls")
        .and_then(Value::as_array)
        .is_some_and(|u| !u.is_empty());
    Ok(Descriptor {
        media_type,
        digest,
        size,
        platform,
        urls,
    })
}

fn descriptors(obj: &Map<String, Value>, key: &str) -> Result<Vec<Descriptor>, ManifestError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| descriptor(&format!("{key}[{i}]"), v))
            .collect(),
        Some(_) => Err(ManifestError::BadField(format!("{key} must be an array"))),
    }
}

/// Reads a pushed manifest. `content_type` is the request's `Content-Type`, if any: when it
/// names a manifest type it decides, and a `mediaType` field must agree with it; otherwise
/// the field decides, and without one the shape does (OCI manifests may omit it).
pub fn parse(bytes: &[u8], content_type: Option<&str>) -> Result<Manifest, ManifestError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| ManifestError::NotJson)?;
    let obj = value.as_object().ok_or(ManifestError::NotJson)?;
    if obj.get("schemaVersion").and_then(Value::as_u64) != Some(2) {
        return Err(ManifestError::SchemaVersion);
    }
    let field = obj.get("mediaType").and_then(Value::as_str);
    let header = content_type.map(base_type).filter(|t| kind_of(t).is_some());
    let media_type = match (header, field) {
        (Some(h), Some(f)) if h != f => {
            return Err(ManifestError::TypeMismatch {
                field: f.to_owned(),
                header: h,
            })
        }
        (Some(h), _) => h,
        (None, Some(f)) => f.to_owned(),
        (None, None) if obj.contains_key("manifests") => OCI_INDEX.to_owned(),
        (None, None) if obj.contains_key("config") => OCI_MANIFEST.to_owned(),
        (None, None) => {
            return Err(ManifestError::BadField(
                "the manifest has no mediaType, config or manifests".to_owned(),
            ))
        }
    };
    let kind =
        kind_of(&media_type).ok_or_else(|| ManifestError::UnsupportedType(media_type.clone()))?;
    let (config, layers, manifests) = match kind {
        Kind::Image => {
            let config = obj
                .get("config")
                .ok_or_else(|| ManifestError::BadField("config is missing".to_owned()))?;
            (
                Some(descriptor("config", config)?),
                descriptors(obj, "layers")?,
                Vec::new(),
            )
        }
        Kind::Index => {
            if !matches!(obj.get("manifests"), Some(Value::Array(_))) {
                return Err(ManifestError::BadField(
                    "manifests must be an array".to_owned(),
                ));
            }
            (None, Vec::new(), descriptors(obj, "manifests")?)
        }
    };
    let subject = match obj.get("subject") {
        None | Some(Value::Null) => None,
        Some(s) => Some(descriptor("subject", s)?),
    };
    let artifact_type = match obj.get("artifactType") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::String(_)) => None,
        Some(_) => {
            return Err(ManifestError::BadField(
                "artifactType must be a string".to_owned(),
            ))
        }
    };
    let annotations = match obj.get("annotations") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(m.clone()),
        Some(_) => {
            return Err(ManifestError::BadField(
                "annotations must be an object".to_owned(),
            ))
        }
    };
    Ok(Manifest {
        media_type,
        kind,
        config,
        layers,
        manifests,
        subject,
        artifact_type,
        annotations,
    })
}

/// What an image configuration says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageConfig {
    pub created: Option<String>,
    pub platform: Option<Platform>,
}

pub fn parse_config(bytes: &[u8]) -> ImageConfig {
    let Ok(v) = serde_json::from_slice::<Value>(bytes) else {
        return ImageConfig::default();
    };
    ImageConfig {
        created: v.get("created").and_then(Value::as_str).map(str::to_owned),
        platform: Platform::from_json(&v),
    }
}

/// Whether a client whose `Accept` headers are `accept` takes `media_type`. No `Accept`
/// at all takes anything.
pub fn accepts(accept: &[String], media_type: &str) -> bool {
    let mut any = false;
    for value in accept {
        for item in value.split(',') {
            let t = base_type(item);
            if t.is_empty() {
                continue;
            }
            any = true;
            if t == media_type || t == "*/*" || t == "application/*" {
                return true;
            }
        }
    }
    !any
}

#[cfg(test)]
mod tests {
    use super::*;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    fn image_json(media: Option<&str>) -> String {
        let mt = media
            .map(|m| format!("\"mediaType\":\"{m}\","))
            .unwrap_or_default();
        format!(
            r#"{{"schemaVersion":2,{mt}"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{D1}","size":7}},
            "layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{D2}","size":12}}],
            "annotations":{{"a":"b"}}}}"#
        )
    }

    #[test]
    fn image_manifests() {
        let m = parse(
            image_json(Some(OCI_MANIFEST)).as_bytes(),
            Some(OCI_MANIFEST),
        )
        .unwrap();
        assert_eq!(m.kind, Kind::Image);
        assert_eq!(m.config.as_ref().unwrap().size, 7);
        assert_eq!(m.layers[0].digest.to_string(), D2);
        assert_eq!(
            m.referrer_type().as_deref(),
            Some("application/vnd.oci.image.config.v1+json")
        );
        assert_eq!(m.annotations.unwrap()["a"], "b");
        // No mediaType field: the header decides, then the shape.
        let m = parse(
            image_json(None).as_bytes(),
            Some("application/vnd.oci.image.manifest.v1+json; x=y"),
        )
        .unwrap();
        assert_eq!(m.media_type, OCI_MANIFEST);
        let m = parse(image_json(None).as_bytes(), None).unwrap();
        assert_eq!(m.media_type, OCI_MANIFEST);
        let m = parse(
            image_json(Some(DOCKER_MANIFEST)).as_bytes(),
            Some("application/json"),
        )
        .unwrap();
        assert_eq!(m.media_type, DOCKER_MANIFEST);
    }

    #[test]
    fn indexes() {
        let json = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","artifactType":"x/y","subject":{{"mediaType":"{OCI_MANIFEST}","digest":"{D1}","size":3}},
            "manifests":[{{"mediaType":"{OCI_MANIFEST}","digest":"{D2}","size":5,"platform":{{"os":"linux","architecture":"arm64","variant":"v8"}}}}]}}"#
        );
        let m = parse(json.as_bytes(), Some(OCI_INDEX)).unwrap();
        assert_eq!(m.kind, Kind::Index);
        assert_eq!(
            m.manifests[0].platform.as_ref().unwrap().label(),
            "linux/arm64/v8"
        );
        assert_eq!(m.subject.as_ref().unwrap().digest.to_string(), D1);
        assert_eq!(m.referrer_type().as_deref(), Some("x/y"));
        let empty = format!(r#"{{"schemaVersion":2,"mediaType":"{DOCKER_LIST}","manifests":[]}}"#);
        assert!(parse(empty.as_bytes(), None).unwrap().manifests.is_empty());
    }

    #[test]
    fn bad_manifests() {
        assert_eq!(parse(b"[]", None), Err(ManifestError::NotJson));
        assert_eq!(parse(b"{", None), Err(ManifestError::NotJson));
        assert_eq!(
            parse(br#"{"schemaVersion":1}"#, None),
            Err(ManifestError::SchemaVersion)
        );
        assert!(matches!(
            parse(
                image_json(Some(OCI_MANIFEST)).as_bytes(),
                Some(DOCKER_MANIFEST)
            ),
            Err(ManifestError::TypeMismatch { .. })
        ));
        assert!(matches!(
            parse(image_json(Some("application/x-other")).as_bytes(), None),
            Err(ManifestError::UnsupportedType(_))
        ));
        let bad_digest = image_json(None).replace(D2, "sha256:nothex");
        assert!(matches!(
            parse(bad_digest.as_bytes(), None),
            Err(ManifestError::BadField(_))
        ));
        let negative = image_json(None).replace("\"size\":12", "\"size\":-1");
        assert!(matches!(
            parse(negative.as_bytes(), None),
            Err(ManifestError::BadField(_))
        ));
        let no_list = format!(r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}"}}"#);
        assert!(matches!(
            parse(no_list.as_bytes(), None),
            Err(ManifestError::BadField(_))
        ));
    }

    #[test]
    fn configs_and_accept() {
        let c = parse_config(
            br#"{"created":"2024-01-02T03:04:05Z","os":"linux","architecture":"amd64"}"#,
        );
        assert_eq!(c.created.as_deref(), Some("2024-01-02T03:04:05Z"));
        assert_eq!(c.platform.unwrap().label(), "linux/amd64");
        assert_eq!(parse_config(b"not json"), ImageConfig::default());
        assert!(accepts(&[], OCI_INDEX));
        assert!(accepts(
            &[format!("{DOCKER_MANIFEST}, {OCI_INDEX};q=0.5")],
            OCI_INDEX
        ));
        assert!(accepts(&["*/*".into()], OCI_INDEX));
        assert!(!accepts(
            &[DOCKER_MANIFEST.into(), DOCKER_LIST.into()],
            OCI_MANIFEST
        ));
    }
}
