//! Response bodies in the shapes of GitHub's OpenAPI description (`simple-user`,
//! `private-user`, `repository`, `release`, `release-asset`, `tag`), every URL pointing
//! back at the stand-in.

use serde_json::{json, Value};

use super::world::{Access, Account, AccountKind, Asset, Release, Repo, Tag, Token, World};

/// The bases URLs in bodies are built from: the API root (with `/api/v3` when the request
/// came that way) and the web root.
#[derive(Clone, Debug)]
pub struct Urls {
    pub api: String,
    pub web: String,
}

pub fn time(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn node_id(prefix: &str, id: u64) -> String {
    use base64::Engine;
    format!(
        "{prefix}_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id.to_be_bytes())
    )
}

pub fn simple_user(u: &Urls, a: &Account) -> Value {
    let api = format!(
        "{}/{}/{}",
        u.api,
        if a.kind == AccountKind::Organization {
            "orgs"
        } else {
            "users"
        },
        a.login
    );
    let users = format!("{}/users/{}", u.api, a.login);
    json!({
        "login": a.login,
        "id": a.id,
        "node_id": node_id(if a.kind == AccountKind::Organization { "O" } else { "U" }, a.id),
        "avatar_url": format!("{}/avatars/{}.png", u.web, a.login),
        "gravatar_id": "",
        "url": api,
        "html_url": format!("{}/{}", u.web, a.login),
        "followers_url": format!("{users}/followers"),
        "following_url": format!("{users}/following{{/other_user}}"),
        "gists_url": format!("{users}/gists{{/gist_id}}"),
        "starred_url": format!("{users}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{users}/subscriptions"),
        "organizations_url": format!("{users}/orgs"),
        "repos_url": format!("{users}/repos"),
        "events_url": format!("{users}/events{{/privacy}}"),
        "received_events_url": format!("{users}/received_events"),
        "type": if a.kind == AccountKind::Organization { "Organization" } else { "User" },
        "user_view_type": "public",
        "site_admin": false,
    })
}

/// `GET /user`: the public profile, plus the private fields when the token may read them.
pub fn authenticated_user(u: &Urls, w: &World, a: &Account, private_fields: bool) -> Value {
    let owned: Vec<&Repo> = w.repos.iter().filter(|r| r.owner == a.login).collect();
    let public = owned.iter().filter(|r| !r.private).count();
    let private = owned.len() - public;
    let mut v = simple_user(u, a);
    let extra = json!({
        "name": a.name,
        "company": null,
        "blog": "",
        "location": null,
        "email": a.email,
        "hireable": null,
        "bio": null,
        "twitter_username": null,
        "notification_email": a.email,
        "public_repos": public,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": time(a.created_at),
        "updated_at": time(a.created_at),
    });
    merge(&mut v, extra);
    if private_fields {
        merge(
            &mut v,
            json!({
                "private_gists": 0,
                "total_private_repos": private,
                "owned_private_repos": private,
                "disk_usage": 0,
                "collaborators": 0,
                "two_factor_authentication": true,
                "plan": {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000},
            }),
        );
    }
    v
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        a.extend(b);
    }
}

fn license(spdx: &str) -> Value {
    let name = match spdx {
        "MIT" => "MIT License",
        "Apache-2.0" => "Apache License 2.0",
        "GPL-3.0" => "GNU General Public License v3.0",
        "BSD-3-Clause" => "BSD 3-Clause \"New\" or \"Revised\" License",
        "MPL-2.0" => "Mozilla Public License 2.0",
        "Unlicense" => "The Unlicense",
        other => other,
    };
    let key = spdx.to_ascii_lowercase();
    json!({
        "key": key,
        "name": name,
        "spdx_id": spdx,
        "url": format!("https://api.github.com/licenses/{key}"),
        "node_id": format!("MDc6TGljZW5zZ{key}"),
    })
}

const REPO_URL_TEMPLATES: &[(&str, &str)] = &[
    ("forks_url", "/forks"),
    ("keys_url", "/keys{/key_id}"),
    ("collaborators_url", "/collaborators{/collaborator}"),
    ("teams_url", "/teams"),
    ("hooks_url", "/hooks"),
    ("issue_events_url", "/issues/events{/number}"),
    ("events_url", "/events"),
    ("assignees_url", "/assignees{/user}"),
    ("branches_url", "/branches{/branch}"),
    ("tags_url", "/tags"),
    ("blobs_url", "/git/blobs{/sha}"),
    ("git_tags_url", "/git/tags{/sha}"),
    ("git_refs_url", "/git/refs{/sha}"),
    ("trees_url", "/git/trees{/sha}"),
    ("statuses_url", "/statuses/{sha}"),
    ("languages_url", "/languages"),
    ("stargazers_url", "/stargazers"),
    ("contributors_url", "/contributors"),
    ("subscribers_url", "/subscribers"),
    ("subscription_url", "/subscription"),
    ("commits_url", "/commits{/sha}"),
    ("git_commits_url", "/git/commits{/sha}"),
    ("comments_url", "/comments{/number}"),
    ("issue_comment_url", "/issues/comments{/number}"),
    ("contents_url", "/contents/{+path}"),
    ("compare_url", "/compare/{base}...{head}"),
    ("merges_url", "/merges"),
    ("archive_url", "/{archive_format}{/ref}"),
    ("downloads_url", "/downloads"),
    ("issues_url", "/issues{/number}"),
    ("pulls_url", "/pulls{/number}"),
    ("milestones_url", "/milestones{/number}"),
    (
        "notifications_url",
        "/notifications{?since,all,participating}",
    ),
    ("labels_url", "/labels{/name}"),
    ("releases_url", "/releases{/id}"),
    ("deployments_url", "/deployments"),
];

pub fn repository(u: &Urls, w: &World, r: &Repo, access: Access) -> Value {
    let owner = w
        .account(&r.owner)
        .map(|a| simple_user(u, a))
        .unwrap_or(Value::Null);
    let api = format!("{}/repos/{}/{}", u.api, r.owner, r.name);
    let html = format!("{}/{}/{}", u.web, r.owner, r.name);
    let push = access.can_push();
    let admin = access == Access::Owner;
    let mut v = json!({
        "id": r.id,
        "node_id": node_id("R", r.id),
        "name": r.name,
        "full_name": r.full_name(),
        "private": r.private,
        "owner": owner,
        "html_url": html,
        "description": r.description,
        "fork": r.fork,
        "url": api,
    });
    // The `*_url` templates, and the rest: one literal would exceed json!'s recursion limit.
    if let Value::Object(map) = &mut v {
        for (key, suffix) in REPO_URL_TEMPLATES {
            map.insert((*key).to_owned(), Value::String(format!("{api}{suffix}")));
        }
    }
    merge(
        &mut v,
        json!({
            "created_at": time(r.created_at),
            "updated_at": time(r.updated_at),
            "pushed_at": time(r.pushed_at),
            "git_url": format!("git://{}/{}.git", u.web.trim_start_matches("http://").trim_start_matches("https://"), r.full_name()),
            "ssh_url": format!("git@stand-in:{}.git", r.full_name()),
            "clone_url": format!("{html}.git"),
            "svn_url": html,
            "homepage": r.homepage,
            "size": 108,
            "stargazers_count": r.stars,
            "watchers_count": r.stars,
            "language": r.language,
            "has_issues": true,
            "has_projects": true,
            "has_downloads": true,
            "has_wiki": true,
            "has_pages": false,
            "has_discussions": false,
            "forks_count": 0,
            "mirror_url": null,
            "archived": r.archived,
            "disabled": false,
            "open_issues_count": 0,
            "license": r.license.as_deref().map(license),
            "allow_forking": true,
            "is_template": false,
            "web_commit_signoff_required": false,
            "topics": r.topics,
            "visibility": if r.private { "private" } else { "public" },
            "forks": 0,
            "open_issues": 0,
            "watchers": r.stars,
            "default_branch": r.default_branch,
            "permissions": {
                "admin": admin,
                "maintain": admin,
                "push": push,
                "triage": push,
                "pull": true,
            },
        }),
    );
    v
}

pub fn asset(u: &Urls, w: &World, r: &Repo, rel: &Release, a: &Asset) -> Value {
    json!({
        "url": format!("{}/repos/{}/releases/assets/{}", u.api, r.full_name(), a.id),
        "id": a.id,
        "node_id": node_id("RA", a.id),
        "name": a.name,
        "label": a.label,
        "uploader": w.account(&a.uploader).map(|x| simple_user(u, x)),
        "content_type": a.content_type,
        "state": "uploaded",
        "size": a.bytes.len(),
        "digest": a.digest,
        "download_count": a.download_count,
        "created_at": time(a.created_at),
        "updated_at": time(a.created_at),
        "browser_download_url": format!(
            "{}/{}/releases/download/{}/{}",
            u.web,
            r.full_name(),
            rel.tag_name,
            a.name
        ),
    })
}

pub fn release(u: &Urls, w: &World, r: &Repo, rel: &Release) -> Value {
    let api = format!("{}/repos/{}/releases/{}", u.api, r.full_name(), rel.id);
    let html_tag = if rel.draft {
        format!("untagged-{}", rel.id)
    } else {
        rel.tag_name.clone()
    };
    json!({
        "url": api,
        "assets_url": format!("{api}/assets"),
        "upload_url": format!("{}/repos/{}/releases/{}/assets{{?name,label}}", u.web, r.full_name(), rel.id),
        "html_url": format!("{}/{}/releases/tag/{}", u.web, r.full_name(), html_tag),
        "id": rel.id,
        "author": w.account(&rel.author).map(|x| simple_user(u, x)),
        "node_id": node_id("RE", rel.id),
        "tag_name": rel.tag_name,
        "target_commitish": rel.target_commitish,
        "name": rel.name,
        "draft": rel.draft,
        "immutable": false,
        "prerelease": rel.prerelease,
        "created_at": time(rel.created_at),
        "updated_at": time(rel.created_at),
        "published_at": rel.published_at.map(time),
        "assets": rel.assets.iter().map(|a| asset(u, w, r, rel, a)).collect::<Vec<_>>(),
        "tarball_url": format!("{}/repos/{}/tarball/{}", u.api, r.full_name(), rel.tag_name),
        "zipball_url": format!("{}/repos/{}/zipball/{}", u.api, r.full_name(), rel.tag_name),
        "body": rel.body,
    })
}

pub fn tag(u: &Urls, r: &Repo, t: &Tag) -> Value {
    json!({
        "name": t.name,
        "commit": {
            "sha": t.sha,
            "url": format!("{}/repos/{}/commits/{}", u.api, r.full_name(), t.sha),
        },
        "zipball_url": format!("{}/repos/{}/zipball/refs/tags/{}", u.api, r.full_name(), t.name),
        "tarball_url": format!("{}/repos/{}/tarball/refs/tags/{}", u.api, r.full_name(), t.name),
        "node_id": format!("MDM6UmVm{}", t.sha.get(..12).unwrap_or(&t.sha)),
    })
}

/// `POST /applications/{client_id}/token`: the `authorization` shape.
pub fn authorization(
    u: &Urls,
    w: &World,
    token: &str,
    t: &Token,
    app_name: &str,
    client_id: &str,
) -> Value {
    let last_eight = &token[token.len().saturating_sub(8)..];
    json!({
        "id": t.id,
        "url": format!("{}/authorizations/{}", u.api, t.id),
        "scopes": t.scopes,
        "token": token,
        "token_last_eight": last_eight,
        "hashed_token": super::world::sha256_digest(token.as_bytes()).trim_start_matches("sha256:"),
        "app": {"client_id": client_id, "name": app_name, "url": u.web},
        "note": null,
        "note_url": null,
        "updated_at": time(t.created_at),
        "created_at": time(t.created_at),
        "fingerprint": null,
        "expires_at": null,
        "user": w.account_by_id(t.user_id).map(|a| simple_user(u, a)),
    })
}
