//! Maven repository layout: `group/as/dirs/artifact/version/artifact-version[-classifier].ext`.
//! A deploy names only the path; the version comes from it.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MavenPath {
    /// A file of one version.
    Artifact {
        group: String,
        artifact: String,
        version: String,
        file: String,
    },
    /// `maven-metadata.xml` (and its checksums) beside the versions.
    Metadata { group: String, artifact: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Provided artifact path does not comply with Maven's convention")]
pub struct NotMavenPath;

const METADATA: &str = "maven-metadata.xml";

/// Reads the segments of a Maven path.
pub fn parse(segments: &[String]) -> Result<MavenPath, NotMavenPath> {
    let n = segments.len();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(NotMavenPath);
    }
    let file = segments.last().ok_or(NotMavenPath)?;
    if file.starts_with(METADATA) && n >= 3 {
        return Ok(MavenPath::Metadata {
            group: segments[..n - 2].join("."),
            artifact: segments[n - 2].clone(),
        });
    }
    if n < 4 {
        return Err(NotMavenPath);
    }
    let (artifact, version) = (&segments[n - 3], &segments[n - 2]);
    // The file must be named after its artifact and version (a SNAPSHOT's file carries a
    // timestamp in place of "SNAPSHOT").
    let base = version.strip_suffix("-SNAPSHOT").unwrap_or(version);
    if !file.starts_with(&format!("{artifact}-{base}")) {
        return Err(NotMavenPath);
    }
    Ok(MavenPath::Artifact {
        group: segments[..n - 3].join("."),
        artifact: artifact.clone(),
        version: version.clone(),
        file: file.clone(),
    })
}

/// The checksum a request for `maven-metadata.xml[.sha1|.md5|.sha256|.sha512]` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataFile {
    Xml,
    Sha1,
    Md5,
    Sha256,
    Sha512,
}

impl MetadataFile {
    /// Which form of the metadata a file name asks for, if it is the metadata at all.
    pub fn from_name(name: &str) -> Option<MetadataFile> {
        Some(match name.strip_prefix(METADATA)? {
            "" => MetadataFile::Xml,
            ".sha1" => MetadataFile::Sha1,
            ".md5" => MetadataFile::Md5,
            ".sha256" => MetadataFile::Sha256,
            ".sha512" => MetadataFile::Sha512,
            _ => return None,
        })
    }
}

/// `maven-metadata.xml` for an artifact whose versions are given oldest first (deploy
/// order, as Maven writes them); `last_updated` is `yyyyMMddHHmmss` in UTC. `latest` is
/// the newest version, `release` the newest that is not a SNAPSHOT.
pub fn metadata_xml(
    group: &str,
    artifact: &str,
    versions: &[String],
    last_updated: &str,
) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata>\n");
    xml += &format!("  <groupId>{}</groupId>\n", escape(group));
    xml += &format!("  <artifactId>{}</artifactId>\n", escape(artifact));
    xml += "  <versioning>\n";
    if let Some(latest) = versions.last() {
        xml += &format!("    <latest>{}</latest>\n", escape(latest));
    }
    if let Some(release) = versions.iter().rev().find(|v| !v.ends_with("-SNAPSHOT")) {
        xml += &format!("    <release>{}</release>\n", escape(release));
    }
    xml += "    <versions>\n";
    for v in versions {
        xml += &format!("      <version>{}</version>\n", escape(v));
    }
    xml += "    </versions>\n";
    xml += &format!("    <lastUpdated>{}</lastUpdated>\n", escape(last_updated));
    xml += "  </versioning>\n</metadata>\n";
    xml
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_lists_versions_with_latest_and_release() {
        let xml = metadata_xml(
            "com.example",
            "lib",
            &["1.0".into(), "1.1".into(), "1.2-SNAPSHOT".into()],
            "20261122070000",
        );
        assert!(xml.contains("<groupId>com.example</groupId>"), "{xml}");
        assert!(xml.contains("<latest>1.2-SNAPSHOT</latest>"), "{xml}");
        assert!(xml.contains("<release>1.1</release>"), "{xml}");
        assert!(
            xml.contains("<version>1.0</version>\n      <version>1.1</version>"),
            "{xml}"
        );
        assert!(
            xml.contains("<lastUpdated>20261122070000</lastUpdated>"),
            "{xml}"
        );
        let odd = metadata_xml("g", "a<b", &[], "0");
        assert!(odd.contains("a&lt;b") && !odd.contains("<latest>"), "{odd}");
    }

    #[test]
    fn metadata_file_names() {
        assert_eq!(
            MetadataFile::from_name("maven-metadata.xml"),
            Some(MetadataFile::Xml)
        );
        assert_eq!(
            MetadataFile::from_name("maven-metadata.xml.sha1"),
            Some(MetadataFile::Sha1)
        );
        assert_eq!(MetadataFile::from_name("maven-metadata.xml.asc"), None);
        assert_eq!(MetadataFile::from_name("lib-1.0.jar"), None);
    }

    fn segs(p: &str) -> Vec<String> {
        p.split('/').map(str::to_owned).collect()
    }

    #[test]
    fn artifacts_give_their_version() {
        assert_eq!(
            parse(&segs("com/example/lib/1.2.0/lib-1.2.0-sources.jar")),
            Ok(MavenPath::Artifact {
                group: "com.example".into(),
                artifact: "lib".into(),
                version: "1.2.0".into(),
                file: "lib-1.2.0-sources.jar".into()
            })
        );
        assert!(matches!(
            parse(&segs("org/x/lib/2.0-SNAPSHOT/lib-2.0-20240101.120000-1.pom")),
            Ok(MavenPath::Artifact { version, .. }) if version == "2.0-SNAPSHOT"
        ));
    }

    #[test]
    fn metadata_is_recognised() {
        assert_eq!(
            parse(&segs("com/example/lib/maven-metadata.xml.sha1")),
            Ok(MavenPath::Metadata {
                group: "com.example".into(),
                artifact: "lib".into()
            })
        );
    }

    #[test]
    fn other_paths_are_refused() {
        for p in [
            "lib-1.0.jar",
            "lib/1.0/lib-1.0.jar",
            "com/x/lib/1.0/other-1.0.jar",
            "com//lib/1.0/lib-1.0.jar",
        ] {
            assert_eq!(parse(&segs(p)), Err(NotMavenPath), "{p}");
        }
    }
}
