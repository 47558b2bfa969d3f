//! The stand-in's state: accounts, repositories with their releases, tags and assets, the
//! OAuth grants and tokens, and each account's rate-limit budget. Plain data behind one
//! mutex; nothing here does I/O.

use std::collections::HashMap;
use std::time::Instant;

use bytes::Bytes;
use sha2::{Digest, Sha256};

/// Timestamps are deterministic (seconds since the epoch, counted up from 2024-01-01) so
/// bodies and ETags are the same from one run to the next.
const CLOCK_START: i64 = 1_704_067_200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    User,
    Organization,
}

#[derive(Clone, Debug)]
pub struct Account {
    pub id: u64,
    pub login: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub kind: AccountKind,
    /// For an organisation: the logins of its members (they may push to its repositories).
    pub members: Vec<String>,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct Repo {
    pub id: u64,
    pub owner: String,
    pub name: String,
    pub private: bool,
    pub description: Option<String>,
    pub topics: Vec<String>,
    /// An SPDX id such as `MIT`.
    pub license: Option<String>,
    pub homepage: Option<String>,
    pub language: Option<String>,
    pub fork: bool,
    pub archived: bool,
    pub default_branch: String,
    pub collaborators: Vec<String>,
    pub stars: u64,
    pub created_at: i64,
    pub updated_at: i64,
    pub pushed_at: i64,
    /// Newest last, as they were added.
    pub releases: Vec<Release>,
    /// Newest last.
    pub tags: Vec<Tag>,
}

impl Repo {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

#[derive(Clone, Debug)]
pub struct Release {
    pub id: u64,
    pub tag_name: String,
    pub target_commitish: String,
    pub name: Option<String>,
    pub body: Option<String>,
    pub draft: bool,
    pub prerelease: bool,
    pub author: String,
    pub created_at: i64,
    pub published_at: Option<i64>,
    pub assets: Vec<Asset>,
}

#[derive(Clone, Debug)]
pub struct Asset {
    pub id: u64,
    pub name: String,
    pub label: Option<String>,
    pub content_type: String,
    pub bytes: Bytes,
    /// What the API advertises: `sha256:<hex>` of the bytes, null for "old" assets, or a
    /// deliberately wrong value set through the control API.
    pub digest: Option<String>,
    pub uploader: String,
    pub download_count: u64,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct Tag {
    pub name: String,
    pub sha: String,
}

/// An OAuth app the token endpoint knows.
#[derive(Clone, Debug)]
pub struct OAuthApp {
    pub client_id: String,
    pub client_secret: String,
    pub name: String,
    /// The registered callback URL; `None` accepts any `redirect_uri`.
    pub callback_url: Option<String>,
}

/// An authorization code waiting to be exchanged.
#[derive(Clone, Debug)]
pub struct Grant {
    pub client_id: String,
    pub user_id: u64,
    pub scopes: Vec<String>,
    pub redirect_uri: Option<String>,
    pub code_challenge: Option<String>,
    pub issued: Instant,
    pub used: bool,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub id: u64,
    pub user_id: u64,
    pub scopes: Vec<String>,
    pub client_id: Option<String>,
    pub created_at: i64,
}

/// One account's primary rate-limit window (GitHub's budget is per user, shared by all
/// of the user's tokens).
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub limit: u64,
    pub remaining: u64,
    /// Epoch seconds when the window resets.
    pub reset: i64,
}

impl Budget {
    pub fn used(&self) -> u64 {
        self.limit.saturating_sub(self.remaining)
    }
}

/// Who is calling the REST API.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    pub user: Option<(u64, String)>,
    pub scopes: Vec<String>,
}

impl Caller {
    pub fn login(&self) -> Option<&str> {
        self.user.as_ref().map(|(_, l)| l.as_str())
    }

    /// `repo` is the only OAuth scope that reaches private repositories.
    pub fn sees_private(&self) -> bool {
        self.scopes.iter().any(|s| s == "repo")
    }
}

/// How a user relates to a repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Owner,
    Collaborator,
    OrgMember,
    None,
}

impl Access {
    pub fn can_push(self) -> bool {
        self != Access::None
    }
}

#[derive(Default)]
pub struct World {
    pub accounts: Vec<Account>,
    pub repos: Vec<Repo>,
    pub apps: HashMap<String, OAuthApp>,
    pub codes: HashMap<String, Grant>,
    pub tokens: HashMap<String, Token>,
    /// Keyed by account id; 0 is the anonymous caller.
    pub budgets: HashMap<u64, Budget>,
    pub default_limit: u64,
    repo_index: HashMap<(String, String), usize>,
    /// asset id -> (repo index, release index, asset index)
    asset_index: HashMap<u64, (usize, usize, usize)>,
    next_id: u64,
    clock: i64,
}

/// `sha256:<hex>`, GitHub's digest format.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// A deterministic fake commit id.
pub fn fake_sha(seed: &str) -> String {
    hex::encode(&Sha256::digest(seed.as_bytes())[..20])
}

impl World {
    pub fn new(default_limit: u64) -> World {
        World {
            default_limit,
            next_id: 1000,
            clock: CLOCK_START,
            ..World::default()
        }
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The next deterministic timestamp.
    pub fn tick(&mut self) -> i64 {
        self.clock += 3600;
        self.clock
    }

    pub fn account(&self, login: &str) -> Option<&Account> {
        self.accounts
            .iter()
            .find(|a| a.login.eq_ignore_ascii_case(login))
    }

    pub fn account_by_id(&self, id: u64) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Adds an account, or returns the existing one's id.
    pub fn add_account(
        &mut self,
        login: &str,
        name: Option<String>,
        kind: AccountKind,
        members: Vec<String>,
    ) -> u64 {
        if let Some(i) = self
            .accounts
            .iter()
            .position(|a| a.login.eq_ignore_ascii_case(login))
        {
            let account = &mut self.accounts[i];
            for m in members {
                if !account.members.contains(&m) {
                    account.members.push(m);
                }
            }
            return account.id;
        }
        let id = self.next_id();
        let created_at = self.tick();
        self.accounts.push(Account {
            id,
            login: login.to_owned(),
            email: (kind == AccountKind::User).then(|| format!("{login}@users.noreply.example")),
            name,
            kind,
            members,
            created_at,
        });
        id
    }

    pub fn repo_index(&self, owner: &str, name: &str) -> Option<usize> {
        self.repo_index
            .get(&(owner.to_ascii_lowercase(), name.to_ascii_lowercase()))
            .copied()
    }

    /// Adds a repository (its owner must exist) and returns its index.
    pub fn add_repo(&mut self, mut repo: Repo) -> usize {
        repo.id = self.next_id();
        let now = self.tick();
        repo.created_at = now;
        repo.updated_at = now;
        repo.pushed_at = now;
        let key = (
            repo.owner.to_ascii_lowercase(),
            repo.name.to_ascii_lowercase(),
        );
        self.repos.push(repo);
        let index = self.repos.len() - 1;
        self.repo_index.insert(key, index);
        index
    }

    /// Adds a release (with a tag of the same name unless it is a draft) to a repository.
    pub fn add_release(&mut self, repo: usize, mut release: Release) -> u64 {
        release.id = self.next_id();
        let now = self.tick();
        release.created_at = now;
        release.published_at = (!release.draft).then_some(now);
        for asset in &mut release.assets {
            asset.id = {
                self.next_id += 1;
                self.next_id
            };
            asset.created_at = now;
        }
        let r = &mut self.repos[repo];
        if !release.draft && !r.tags.iter().any(|t| t.name == release.tag_name) {
            r.tags.push(Tag {
                name: release.tag_name.clone(),
                sha: fake_sha(&format!("{}@{}", r.full_name(), release.tag_name)),
            });
        }
        r.updated_at = now;
        r.pushed_at = now;
        let id = release.id;
        let release_index = r.releases.len();
        for (asset_index, asset) in release.assets.iter().enumerate() {
            self.asset_index
                .insert(asset.id, (repo, release_index, asset_index));
        }
        r.releases.push(release);
        id
    }

    pub fn add_tag(&mut self, repo: usize, name: &str, sha: Option<String>) {
        let r = &mut self.repos[repo];
        if r.tags.iter().any(|t| t.name == name) {
            return;
        }
        let sha = sha.unwrap_or_else(|| fake_sha(&format!("{}@{name}", r.full_name())));
        r.tags.push(Tag {
            name: name.to_owned(),
            sha,
        });
    }

    pub fn asset(&self, id: u64) -> Option<(&Repo, &Release, &Asset)> {
        let (r, rel, a) = *self.asset_index.get(&id)?;
        let repo = &self.repos[r];
        let release = &repo.releases[rel];
        Some((repo, release, &release.assets[a]))
    }

    pub fn asset_mut(&mut self, id: u64) -> Option<&mut Asset> {
        let (r, rel, a) = *self.asset_index.get(&id)?;
        Some(&mut self.repos[r].releases[rel].assets[a])
    }

    pub fn access(&self, login: &str, repo: &Repo) -> Access {
        if repo.owner.eq_ignore_ascii_case(login) {
            return Access::Owner;
        }
        if repo
            .collaborators
            .iter()
            .any(|c| c.eq_ignore_ascii_case(login))
        {
            return Access::Collaborator;
        }
        match self.account(&repo.owner) {
            Some(org)
                if org.kind == AccountKind::Organization
                    && org.members.iter().any(|m| m.eq_ignore_ascii_case(login)) =>
            {
                Access::OrgMember
            }
            _ => Access::None,
        }
    }

    /// The caller's access to a repository it can see, or `None` when the repository is
    /// hidden from it (GitHub answers 404 then, never 403).
    pub fn visible(&self, caller: &Caller, repo: &Repo) -> Option<Access> {
        let access = caller
            .login()
            .map(|l| self.access(l, repo))
            .unwrap_or(Access::None);
        if !repo.private {
            return Some(access);
        }
        (caller.sees_private() && access != Access::None).then_some(access)
    }

    pub fn caller_for_token(&self, token: &str) -> Option<Caller> {
        let t = self.tokens.get(token)?;
        let account = self.account_by_id(t.user_id)?;
        Some(Caller {
            user: Some((account.id, account.login.clone())),
            scopes: t.scopes.clone(),
        })
    }

    /// The caller's budget, its window renewed if it has passed.
    pub fn budget(&mut self, key: u64, now: i64) -> &mut Budget {
        let limit = if key == 0 { 60 } else { self.default_limit };
        let budget = self.budgets.entry(key).or_insert(Budget {
            limit,
            remaining: limit,
            reset: now + 3600,
        });
        if now >= budget.reset {
            budget.remaining = budget.limit;
            budget.reset = now + 3600;
        }
        budget
    }
}

/// Normalises requested OAuth scopes the way GitHub does: split on spaces or commas, drop
/// duplicates, unknown names and scopes implied by another one granted.
pub fn normalise_scopes(requested: &str) -> Vec<String> {
    const KNOWN: &[(&str, &[&str])] = &[
        (
            "repo",
            &[
                "repo:status",
                "repo_deployment",
                "public_repo",
                "repo:invite",
                "security_events",
            ],
        ),
        ("user", &["read:user", "user:email", "user:follow"]),
        ("admin:org", &["write:org", "read:org"]),
        ("write:org", &["read:org"]),
        ("admin:public_key", &["write:public_key", "read:public_key"]),
        ("write:public_key", &["read:public_key"]),
        ("admin:repo_hook", &["write:repo_hook", "read:repo_hook"]),
        ("write:repo_hook", &["read:repo_hook"]),
        ("write:packages", &["read:packages"]),
        ("gist", &[]),
        ("notifications", &[]),
        ("workflow", &[]),
        ("delete_repo", &[]),
        ("read:packages", &[]),
        ("delete:packages", &[]),
        ("read:org", &[]),
        ("read:user", &[]),
        ("user:email", &[]),
        ("user:follow", &[]),
        ("public_repo", &[]),
        ("repo:status", &[]),
        ("repo_deployment", &[]),
        ("repo:invite", &[]),
        ("security_events", &[]),
        ("read:public_key", &[]),
        ("read:repo_hook", &[]),
        ("offline_access", &[]),
    ];
    let mut out: Vec<String> = Vec::new();
    for s in requested.split([' ', ',']).filter(|s| !s.is_empty()) {
        if KNOWN.iter().any(|(k, _)| *k == s) && !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    let implied: Vec<&str> = out
        .iter()
        .flat_map(|s| {
            KNOWN
                .iter()
                .find(|(k, _)| k == s)
                .map(|(_, i)| *i)
                .unwrap_or(&[])
        })
        .copied()
        .collect();
    out.retain(|s| !implied.contains(&s.as_str()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_normalised() {
        assert_eq!(
            normalise_scopes("repo read:user public_repo user:email"),
            vec!["repo", "read:user", "user:email"]
        );
        assert_eq!(
            normalise_scopes("user,gist,user:email"),
            vec!["user", "gist"]
        );
        assert_eq!(normalise_scopes("bogus  repo repo"), vec!["repo"]);
        assert!(normalise_scopes("").is_empty());
    }

    #[test]
    fn digests_have_githubs_format() {
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
