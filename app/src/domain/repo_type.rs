//! The kinds of repository Bintray had. All are accepted; what each one serves beyond
//! plain files (a Docker registry, Maven paths) depends on the kind.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RepoType {
    Generic,
    Maven,
    Docker,
    Debian,
    Npm,
    Rpm,
    Conan,
    Nuget,
    Vagrant,
    Opkg,
}

impl RepoType {
    pub const ALL: [RepoType; 10] = [
        RepoType::Generic,
        RepoType::Maven,
        RepoType::Docker,
        RepoType::Debian,
        RepoType::Npm,
        RepoType::Rpm,
        RepoType::Conan,
        RepoType::Nuget,
        RepoType::Vagrant,
        RepoType::Opkg,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RepoType::Generic => "generic",
            RepoType::Maven => "maven",
            RepoType::Docker => "docker",
            RepoType::Debian => "debian",
            RepoType::Npm => "npm",
            RepoType::Rpm => "rpm",
            RepoType::Conan => "conan",
            RepoType::Nuget => "nuget",
            RepoType::Vagrant => "vagrant",
            RepoType::Opkg => "opkg",
        }
    }

    /// Case-insensitive; `None` for an unknown kind.
    pub fn parse(s: &str) -> Option<RepoType> {
        RepoType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for RepoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips() {
        for t in RepoType::ALL {
            assert_eq!(RepoType::parse(t.as_str()), Some(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
        assert_eq!(RepoType::parse("Maven"), Some(RepoType::Maven));
        assert_eq!(RepoType::parse("pypi"), None);
    }
}
