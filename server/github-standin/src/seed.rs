//! What the stand-in starts with: the demo accounts and repositories, anything a data
//! file adds (the same JSON the control endpoint `POST /_standin/data` takes), and
//! generated repositories for benchmarks.
//!
//! Data file shape (every field but the names optional):
//! ```json
//! {"users": [{"login": "alice", "name": "Alice", "type": "User"},
//!            {"login": "acme", "type": "Organization", "members": ["alice"]}],
//!  "repos": [{"owner": "alice", "name": "tool", "private": false, "description": "…",
//!             "topics": ["cli"], "license": "MIT", "homepage": "https://…", "language": "Rust",
//!             "collaborators": ["bob"], "archived": false, "fork": false,
//!             "tags": [{"name": "v0.1.0"}],
//!             "releases": [{"tag": "v1.0.0", "name": "1.0", "body": "# Notes", "draft": false,
//!                           "prerelease": false,
//!                           "assets": [{"name": "tool.tar.gz", "content_type": "application/gzip",
//!                                       "text": "…" | "base64": "…" | "size": 1024,
//!                                       "digest": null}]}]}]}
//! ```
//! An asset's `digest` is computed from its bytes unless given (`null` = an old asset
//! GitHub has no digest for). A repository that already exists gets the tags and
//! releases added to it.

use std::io::Write;

use base64::Engine;
use bytes::Bytes;
use serde::Deserialize;

use super::world::{sha256_digest, AccountKind, Asset, Release, Repo, World};

pub const DEMO_USER: &str = "octocat-demo";
pub const SECOND_USER: &str = "hubot-demo";
pub const DEMO_ORG: &str = "wharf-demo-org";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataFile {
    pub users: Vec<UserSpec>,
    pub repos: Vec<RepoSpec>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserSpec {
    pub login: String,
    pub name: Option<String>,
    /// `User` (default) or `Organization`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub members: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RepoSpec {
    pub owner: String,
    pub name: String,
    pub private: bool,
    pub description: Option<String>,
    pub topics: Vec<String>,
    pub license: Option<String>,
    pub homepage: Option<String>,
    pub language: Option<String>,
    pub collaborators: Vec<String>,
    pub archived: bool,
    pub fork: bool,
    pub default_branch: Option<String>,
    pub stars: u64,
    pub tags: Vec<TagSpec>,
    pub releases: Vec<ReleaseSpec>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TagSpec {
    pub name: String,
    pub sha: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReleaseSpec {
    pub tag: String,
    pub name: Option<String>,
    pub body: Option<String>,
    pub draft: bool,
    pub prerelease: bool,
    pub target_commitish: Option<String>,
    /// Defaults to the repository's owner (or, for an organisation, its first member).
    pub author: Option<String>,
    pub assets: Vec<AssetSpec>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssetSpec {
    pub name: String,
    pub label: Option<String>,
    pub content_type: Option<String>,
    pub text: Option<String>,
    pub base64: Option<String>,
    /// Deterministic pseudo-random bytes of this length (when neither text nor base64).
    pub size: Option<usize>,
    /// Absent: computed. `null`: none advertised. A string: advertised as given.
    #[serde(deserialize_with = "present")]
    pub digest: Option<serde_json::Value>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("unknown owner {0:?} (add it under \"users\" first)")]
    UnknownOwner(String),
    #[error("asset {0:?}: base64 content is not valid: {1}")]
    BadBase64(String, base64::DecodeError),
    #[error("a name is empty")]
    EmptyName,
    #[error("asset {0:?}: digest must be a string or null")]
    BadDigest(String),
}

/// Deterministic bytes: a tiny xorshift stream seeded by the name.
pub fn pseudo_random(seed: &str, len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for b in seed.bytes() {
        x = (x ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
    }
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

fn guess_content_type(name: &str) -> &'static str {
    if name.ends_with(".tar.gz") || name.ends_with(".tgz") || name.ends_with(".gz") {
        "application/gzip"
    } else if name.ends_with(".zip") {
        "application/zip"
    } else if name.ends_with(".txt") || name.ends_with(".sha256") {
        "text/plain"
    } else if name.ends_with(".json") {
        "application/json"
    } else {
        "application/octet-stream"
    }
}

impl DataFile {
    pub fn from_json(text: &str) -> Result<DataFile, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Adds everything to the world; stops at the first error (what came before stays).
    pub fn apply(&self, w: &mut World) -> Result<(), SeedError> {
        for u in &self.users {
            if u.login.is_empty() {
                return Err(SeedError::EmptyName);
            }
            let kind = match u.kind.as_deref() {
                Some("Organization") => AccountKind::Organization,
                _ => AccountKind::User,
            };
            w.add_account(&u.login, u.name.clone(), kind, u.members.clone());
        }
        for spec in &self.repos {
            apply_repo(w, spec)?;
        }
        Ok(())
    }
}

fn apply_repo(w: &mut World, spec: &RepoSpec) -> Result<(), SeedError> {
    if spec.name.is_empty() {
        return Err(SeedError::EmptyName);
    }
    let owner = w
        .account(&spec.owner)
        .ok_or_else(|| SeedError::UnknownOwner(spec.owner.clone()))?
        .clone();
    let index = match w.repo_index(&owner.login, &spec.name) {
        Some(i) => i,
        None => w.add_repo(Repo {
            id: 0,
            owner: owner.login.clone(),
            name: spec.name.clone(),
            private: spec.private,
            description: spec.description.clone(),
            topics: spec.topics.clone(),
            license: spec.license.clone(),
            homepage: spec.homepage.clone(),
            language: spec.language.clone(),
            fork: spec.fork,
            archived: spec.archived,
            default_branch: spec.default_branch.clone().unwrap_or_else(|| "main".into()),
            collaborators: spec.collaborators.clone(),
            stars: spec.stars,
            created_at: 0,
            updated_at: 0,
            pushed_at: 0,
            releases: Vec::new(),
            tags: Vec::new(),
        }),
    };
    for t in &spec.tags {
        w.add_tag(index, &t.name, t.sha.clone());
    }
    let default_author = if owner.kind == AccountKind::Organization {
        owner
            .members
            .first()
            .cloned()
            .unwrap_or(owner.login.clone())
    } else {
        owner.login.clone()
    };
    for r in &spec.releases {
        let author = r.author.clone().unwrap_or(default_author.clone());
        let mut assets = Vec::new();
        for a in &r.assets {
            let bytes = match (&a.text, &a.base64) {
                (Some(t), _) => t.clone().into_bytes(),
                (None, Some(b)) => base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .map_err(|e| SeedError::BadBase64(a.name.clone(), e))?,
                (None, None) => pseudo_random(
                    &format!("{}/{}/{}", spec.name, r.tag, a.name),
                    a.size.unwrap_or(1024),
                ),
            };
            let digest = match &a.digest {
                None => Some(sha256_digest(&bytes)),
                Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(_) => return Err(SeedError::BadDigest(a.name.clone())),
            };
            assets.push(Asset {
                id: 0,
                name: a.name.clone(),
                label: a.label.clone(),
                content_type: a
                    .content_type
                    .clone()
                    .unwrap_or_else(|| guess_content_type(&a.name).into()),
                bytes: Bytes::from(bytes),
                digest,
                uploader: author.clone(),
                download_count: 0,
                created_at: 0,
            });
        }
        w.add_release(
            index,
            Release {
                id: 0,
                tag_name: r.tag.clone(),
                target_commitish: r.target_commitish.clone().unwrap_or("main".into()),
                name: r.name.clone(),
                body: r.body.clone(),
                draft: r.draft,
                prerelease: r.prerelease,
                author,
                created_at: 0,
                published_at: None,
                assets,
            },
        );
    }
    Ok(())
}

fn asset_bin(name: &str, size: usize) -> AssetSpec {
    AssetSpec {
        name: name.into(),
        size: Some(size),
        ..Default::default()
    }
}

fn asset_text(name: &str, text: String) -> AssetSpec {
    AssetSpec {
        name: name.into(),
        text: Some(text),
        ..Default::default()
    }
}

fn asset_gzip(name: &str, text: &str) -> AssetSpec {
    AssetSpec {
        name: name.into(),
        base64: Some(base64::engine::general_purpose::STANDARD.encode(gzip(text.as_bytes()))),
        ..Default::default()
    }
}

fn release(tag: &str, name: &str, body: &str, assets: Vec<AssetSpec>) -> ReleaseSpec {
    ReleaseSpec {
        tag: tag.into(),
        name: Some(name.into()),
        body: Some(body.into()),
        assets,
        ..Default::default()
    }
}

/// The demo world: `octocat-demo` (public and private repositories, an organisation and
/// a repository it collaborates on) and `hubot-demo`, a second identity for tests.
pub fn demo() -> DataFile {
    // Real bytes for the 1.0 assets, so SHA256SUMS.txt can list their true digests.
    let linux = gzip("hello-tool 1.0.0\n".repeat(300).as_bytes());
    let mac = pseudo_random("hello-tool-1.0.0-aarch64-macos", 48 * 1024);
    let sums = [
        (&linux, "hello-tool-1.0.0-x86_64-linux.tar.gz"),
        (&mac, "hello-tool-1.0.0-aarch64-macos.zip"),
    ]
    .iter()
    .map(|(bytes, name)| {
        let digest = sha256_digest(bytes);
        format!("{}  {name}\n", digest.trim_start_matches("sha256:"))
    })
    .collect::<String>();
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let linux_bin = AssetSpec {
        name: "hello-tool-1.0.0-x86_64-linux.tar.gz".into(),
        base64: Some(b64(&linux)),
        ..Default::default()
    };
    let mac_bin = AssetSpec {
        name: "hello-tool-1.0.0-aarch64-macos.zip".into(),
        base64: Some(b64(&mac)),
        ..Default::default()
    };
    let user = |login: &str, name: &str| UserSpec {
        login: login.into(),
        name: Some(name.into()),
        ..Default::default()
    };
    DataFile {
        users: vec![
            user(DEMO_USER, "Octocat (demo)"),
            user(SECOND_USER, "Hubot (demo)"),
            UserSpec {
                login: DEMO_ORG.into(),
                name: Some("Wharf demo organisation".into()),
                kind: Some("Organization".into()),
                members: vec![DEMO_USER.into()],
            },
        ],
        repos: vec![
            RepoSpec {
                owner: DEMO_USER.into(),
                name: "hello-tool".into(),
                description: Some("A friendly command-line greeter".into()),
                topics: vec!["cli".into(), "rust".into(), "greeting".into()],
                license: Some("MIT".into()),
                homepage: Some("https://hello-tool.example".into()),
                language: Some("Rust".into()),
                stars: 42,
                releases: vec![
                    ReleaseSpec {
                        assets: vec![AssetSpec {
                            digest: Some(serde_json::Value::Null),
                            ..asset_gzip("hello-tool-0.9.0.tar.gz", "hello-tool 0.9.0\n")
                        }],
                        ..release(
                            "v0.9.0",
                            "0.9.0",
                            "First public preview.",
                            vec![],
                        )
                    },
                    release(
                        "v1.0.0",
                        "Hello Tool 1.0",
                        "## Highlights\n\n* Greets in **12 languages**\n* `--quiet` flag\n\n\
                         See the [changelog](https://hello-tool.example/changelog).",
                        vec![linux_bin, mac_bin, asset_text("SHA256SUMS.txt", sums)],
                    ),
                    release(
                        "v1.1.0",
                        "Hello Tool 1.1",
                        "### Fixed\n\n1. Unicode names\n2. Exit codes\n\n```sh\nhello-tool --name Zoë\n```\n",
                        vec![asset_gzip(
                            "hello-tool-1.1.0-x86_64-linux.tar.gz",
                            &"hello-tool 1.1.0\n".repeat(400),
                        )],
                    ),
                    ReleaseSpec {
                        prerelease: true,
                        ..release(
                            "v1.2.0-rc.1",
                            "1.2.0 release candidate 1",
                            "Try it and report problems.",
                            vec![asset_bin("hello-tool-1.2.0-rc.1-x86_64-linux.bin", 4096)],
                        )
                    },
                    ReleaseSpec {
                        draft: true,
                        ..release(
                            "v2.0.0",
                            "2.0 (draft)",
                            "Not published yet.",
                            vec![asset_bin("hello-tool-2.0.0-preview.bin", 2048)],
                        )
                    },
                ],
                ..Default::default()
            },
            RepoSpec {
                owner: DEMO_USER.into(),
                name: "markdown-notes".into(),
                description: Some("Notes rendered from Markdown".into()),
                topics: vec!["markdown".into(), "docs".into()],
                license: Some("Apache-2.0".into()),
                language: Some("TypeScript".into()),
                releases: vec![release(
                    "2024.05",
                    "May 2024",
                    "# May 2024\n\n| Area | Change |\n|---|---|\n| Tables | now rendered |\n| Links | <https://example.org> |\n\n> Quote: *mind the gap*\n\n- [x] done\n- [ ] later\n\n<script>alert('not run')</script>\n",
                    vec![asset_text("notes-2024.05.json", "{\"notes\": 3}\n".into())],
                )],
                ..Default::default()
            },
            RepoSpec {
                owner: DEMO_USER.into(),
                name: "tag-only".into(),
                description: Some("Tags but no releases".into()),
                license: Some("BSD-3-Clause".into()),
                language: Some("C".into()),
                tags: vec![
                    TagSpec {
                        name: "v0.1.0".into(),
                        sha: None,
                    },
                    TagSpec {
                        name: "v0.2.0".into(),
                        sha: None,
                    },
                    TagSpec {
                        name: "v0.3.0".into(),
                        sha: None,
                    },
                ],
                ..Default::default()
            },
            RepoSpec {
                owner: DEMO_USER.into(),
                name: "old-archive".into(),
                description: Some("Archived long ago".into()),
                archived: true,
                license: Some("GPL-3.0".into()),
                releases: vec![release(
                    "v0.0.1",
                    "Ancient",
                    "The last one.",
                    vec![AssetSpec {
                        digest: Some(serde_json::Value::Null),
                        ..asset_bin("old-archive-0.0.1.bin", 512)
                    }],
                )],
                ..Default::default()
            },
            RepoSpec {
                owner: DEMO_USER.into(),
                name: "secret-agent".into(),
                private: true,
                description: Some("Private: an agent that must not leak".into()),
                topics: vec!["private".into()],
                license: Some("MIT".into()),
                language: Some("Go".into()),
                releases: vec![
                    release(
                        "v0.1.0",
                        "Agent 0.1",
                        "Internal build.",
                        vec![
                            asset_bin("agent-0.1.0-linux-amd64", 300 * 1024),
                            asset_text("agent-0.1.0.sha256", "see digest\n".into()),
                        ],
                    ),
                    release(
                        "v0.2.0",
                        "Agent 0.2",
                        "Second internal build.",
                        vec![asset_bin("agent-0.2.0-linux-amd64", 64 * 1024)],
                    ),
                ],
                ..Default::default()
            },
            RepoSpec {
                owner: DEMO_USER.into(),
                name: "private-notes".into(),
                private: true,
                description: None,
                releases: vec![release(
                    "v1",
                    "Notes 1",
                    "Private notes.",
                    vec![asset_text("notes.txt", "private\n".into())],
                )],
                ..Default::default()
            },
            RepoSpec {
                owner: DEMO_ORG.into(),
                name: "org-tool".into(),
                description: Some("A tool the organisation publishes".into()),
                topics: vec!["org".into()],
                license: Some("MPL-2.0".into()),
                language: Some("Python".into()),
                releases: vec![release(
                    "v3.0.0",
                    "Org Tool 3",
                    "Organisation release.",
                    vec![asset_bin("org-tool-3.0.0.whl", 8192)],
                )],
                ..Default::default()
            },
            RepoSpec {
                owner: DEMO_ORG.into(),
                name: "org-private".into(),
                private: true,
                description: Some("Private organisation repository".into()),
                releases: vec![release(
                    "v0.5.0",
                    "Org private 0.5",
                    "Members only.",
                    vec![asset_bin("org-private-0.5.0.bin", 1024)],
                )],
                ..Default::default()
            },
            RepoSpec {
                owner: SECOND_USER.into(),
                name: "shared-lib".into(),
                private: true,
                description: Some("Hubot's library; octocat-demo collaborates".into()),
                collaborators: vec![DEMO_USER.into()],
                license: Some("Unlicense".into()),
                language: Some("Rust".into()),
                releases: vec![release(
                    "v0.3.0",
                    "Shared 0.3",
                    "Shared with a collaborator.",
                    vec![asset_bin("shared-lib-0.3.0.crate", 2048)],
                )],
                ..Default::default()
            },
            RepoSpec {
                owner: SECOND_USER.into(),
                name: "hubot-public".into(),
                description: Some("Hubot's public project".into()),
                license: Some("MIT".into()),
                releases: vec![
                    release(
                        "v1.0.0",
                        "Hubot 1.0",
                        "Public.",
                        vec![asset_bin("hubot-1.0.0.bin", 1024)],
                    ),
                    ReleaseSpec {
                        draft: true,
                        ..release("v1.1.0", "Hubot 1.1 (draft)", "Draft.", vec![])
                    },
                ],
                ..Default::default()
            },
        ],
    }
}

/// `repos` public repositories of the demo user with `releases` releases each (one small
/// asset per release), named `bench-0001` … and `v1.<n>.0`.
pub fn generated(repos: usize, releases: usize) -> DataFile {
    DataFile {
        users: vec![UserSpec {
            login: DEMO_USER.into(),
            ..Default::default()
        }],
        repos: (1..=repos)
            .map(|i| RepoSpec {
                owner: DEMO_USER.into(),
                name: format!("bench-{i:04}"),
                description: Some(format!("Generated repository {i}")),
                license: Some("MIT".into()),
                releases: (0..releases)
                    .map(|j| ReleaseSpec {
                        tag: format!("v1.{j}.0"),
                        name: Some(format!("bench-{i:04} 1.{j}.0")),
                        body: Some(format!("Release {j} of repository {i}.")),
                        assets: vec![asset_text(
                            &format!("bench-{i:04}-1.{j}.0.txt"),
                            format!("bench {i} release {j}\n"),
                        )],
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_world_applies() {
        let mut w = World::new(5000);
        demo().apply(&mut w).unwrap();
        let hello = &w.repos[w.repo_index(DEMO_USER, "hello-tool").unwrap()];
        assert_eq!(hello.releases.len(), 5);
        assert!(hello.releases.iter().any(|r| r.draft));
        assert_eq!(hello.releases[0].assets[0].digest, None);
        let a = &hello.releases[1].assets[0];
        assert_eq!(a.digest.as_deref(), Some(sha256_digest(&a.bytes).as_str()));
        // Drafts have no tag yet.
        assert!(!hello.tags.iter().any(|t| t.name == "v2.0.0"));
    }

    #[test]
    fn generated_names_are_deterministic() {
        let d = generated(3, 2);
        assert_eq!(d.repos[2].name, "bench-0003");
        assert_eq!(d.repos[0].releases[1].tag, "v1.1.0");
        assert_eq!(pseudo_random("a", 10), pseudo_random("a", 10));
    }

    #[test]
    fn data_files_parse_digests() {
        let d = DataFile::from_json(
            r#"{"users":[{"login":"a"}],"repos":[{"owner":"a","name":"r","releases":[{"tag":"v1","assets":[{"name":"x","text":"hi","digest":null},{"name":"y","text":"hi"}]}]}]}"#,
        )
        .unwrap();
        let mut w = World::new(5000);
        d.apply(&mut w).unwrap();
        let assets = &w.repos[0].releases[0].assets;
        assert_eq!(assets[0].digest, None);
        assert_eq!(assets[1].digest, Some(sha256_digest(b"hi")));
        let bad = DataFile::from_json(r#"{"repos":[{"owner":"nobody","name":"r"}]}"#).unwrap();
        assert!(matches!(bad.apply(&mut w), Err(SeedError::UnknownOwner(_))));
    }
}
