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

#[cfg(test)]
mod tests {
    use super::*;

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
