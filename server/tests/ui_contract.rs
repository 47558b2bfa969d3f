//! The app's contract with the server (`app::endpoints`): every call the app makes is a
//! route of the server's table with that method, under a prefix that `trunk serve`
//! proxies; and the bodies the app's forms send are the ones the server reads.

mod common;

use app::api_types::{PackageChanges, PublishRequest, RepositoryChanges};
use app::endpoints::{self, Endpoint, Method, PackageSearchBy, Verb, REST};
use common::*;
use server::http::route_table::Exposure;

/// One call of each endpoint, with names that need encoding where a name goes.
fn every_call() -> Vec<(Verb, String)> {
    fn c<M: Method, B, R>(e: Endpoint<M, B, R>) -> (Verb, String) {
        (e.verb(), e.into_path())
    }
    let (s, r, p, v) = ("alice", "my repo", "library:nginx", "1.0+b/é");
    vec![
        c(endpoints::repositories(s)),
        c(endpoints::repository(s, r)),
        c(endpoints::create_repository(s, r)),
        c(endpoints::create_package(s, r)),
        c(endpoints::package(s, r, p)),
        c(endpoints::update_package(s, r, p)),
        c(endpoints::download_badge(s, r, p)),
        c(endpoints::version(s, r, p, v)),
        c(endpoints::delete_version(s, r, p, v)),
        c(endpoints::publish(s, r, p, v)),
        c(endpoints::upload((s, r, p, v), "dir/a b.tgz", true)),
        c(endpoints::search_packages(PackageSearchBy::Name, "x y")),
        c(endpoints::search_packages(PackageSearchBy::Desc, "x")),
        c(endpoints::health()),
        c(endpoints::session()),
        c(endpoints::sign_in()),
        c(endpoints::sign_up()),
        c(endpoints::sign_out()),
        c(endpoints::reveal_api_key()),
        c(endpoints::regenerate_api_key()),
        c(endpoints::explore()),
        c(endpoints::rendered_notes(s, r, p, v)),
        c(endpoints::rendered_notes(s, r, p, endpoints::LATEST)),
        c(endpoints::package_versions(s, r, p)),
        c(endpoints::version_files(s, r, p, v)),
        c(endpoints::package_cards(s, r, 50, "t")),
        c(endpoints::docker_registry(s, r)),
        c(endpoints::github_status()),
        c(endpoints::github_authorize()),
        c(endpoints::github_disconnect()),
        c(endpoints::github_repos()),
        c(endpoints::github_releases()),
        c(endpoints::import_target(s, r)),
        c(endpoints::start_import()),
        c(endpoints::import_job(7)),
        c(endpoints::import_events(7)),
        c(endpoints::retry_import(7)),
    ]
}

/// Whether the concrete `path` (no query) fits axum's `template`: `{name}` takes one
/// non-empty segment, a final `{*rest}` one or more.
fn fits(template: &str, path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    for segment in template.trim_start_matches('/').split('/') {
        if segment.starts_with("{*") {
            return parts.next().is_some_and(|p| !p.is_empty());
        }
        match parts.next() {
            Some(p) if segment.starts_with('{') => {
                if p.is_empty() {
                    return false;
                }
            }
            Some(p) if p == segment => {}
            _ => return false,
        }
    }
    parts.next().is_none()
}

#[test]
fn every_call_of_the_app_is_a_route_with_its_method() {
    assert!(fits("/repos/{subject}/{repo}", "/repos/a/b"));
    assert!(!fits("/repos/{subject}/{repo}", "/repos/a"));
    assert!(!fits("/repos/{subject}/{repo}", "/repos/a/b/c"));
    assert!(!fits("/repos/{subject}/{repo}", "/repo/a/b"));
    assert!(fits(
        "/content/{subject}/{repo}/{*rest}",
        "/content/a/b/c/d"
    ));
    assert!(!fits("/content/{subject}/{repo}/{*rest}", "/content/a/b"));
    let routes = server::http::routes();
    for (verb, full) in every_call() {
        let path = full.split('?').next().unwrap();
        let found = routes.iter().find(|route| {
            route.method.as_str() == verb.as_str()
                && match path.strip_prefix(REST) {
                    // Under /api/v1 only what the table serves there.
                    Some(rest) => route.exposure == Exposure::Api && fits(route.path, rest),
                    None => fits(route.path, path),
                }
        });
        assert!(found.is_some(), "{} {full}: no such route", verb.as_str());
    }
}

#[test]
fn every_call_is_proxied_by_trunk_serve() {
    let trunk =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Trunk.toml")).unwrap();
    // `backend = "http://127.0.0.1:8080/api/"`: Trunk serves that path of the backend at
    // the same path.
    let proxied: Vec<&str> = trunk
        .lines()
        .filter_map(|l| l.trim().strip_prefix("backend = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .map(|url| &url[url.find("://").unwrap() + 3..])
        .map(|rest| &rest[rest.find('/').unwrap()..])
        .collect();
    assert!(proxied.contains(&"/api/"), "{proxied:?}");
    for (verb, path) in every_call() {
        assert!(
            proxied.iter().any(|p| path.starts_with(p)),
            "{} {path} is not proxied by trunk serve ({proxied:?})",
            verb.as_str()
        );
    }
}

#[test]
fn bintray_calls_keep_their_root_path_for_snippets() {
    let badge = endpoints::download_badge("alice", "generic", "tool");
    assert_eq!(
        badge.path(),
        "/api/v1/packages/alice/generic/tool/images/download.svg"
    );
    assert_eq!(
        badge.root_path(),
        "/packages/alice/generic/tool/images/download.svg"
    );
}

#[tokio::test]
async fn the_bodies_the_forms_send_are_the_ones_the_server_reads() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);

    // New repository: every field the form has.
    let repo = RepositoryChanges {
        name: Some("files".into()),
        repo_type: Some("generic".into()),
        private: Some(true),
        desc: None,
        labels: Some(vec!["a".into(), "b".into()]),
    };
    let create = endpoints::create_repository("alice", "files");
    let (status, body) = alice.call_with(&create, &repo).await;
    assert_eq!(status, 201, "{body}");
    let made: app::api_types::Repository = serde_json::from_value(body).unwrap();
    assert!(made.private);
    assert_eq!(made.labels, ["a", "b"]);
    assert_eq!(made.desc, None);

    // New package, then an edit that clears the website: the package form's bodies.
    let form = |name: Option<&str>, website: &str| PackageChanges {
        name: name.map(str::to_owned),
        desc: Some("A tool".into()),
        labels: Some(vec![]),
        licenses: Some(vec!["MIT".into()]),
        vcs_url: Some("https://example.org/tool.git".into()),
        website_url: Some(website.into()),
        issue_tracker_url: Some(String::new()),
        ..PackageChanges::default()
    };
    let create = endpoints::create_package("alice", "files");
    let (status, body) = alice
        .call_with(&create, &form(Some("tool"), "https://example.org"))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["website_url"], "https://example.org");
    let update = endpoints::update_package("alice", "files", "tool");
    let (status, body) = alice.call_with(&update, &form(None, "")).await;
    assert_eq!(status, 200, "{body}");
    let package = alice
        .read(endpoints::package("alice", "files", "tool"))
        .await;
    assert_eq!(package.website_url, None, "an empty text clears the field");
    assert_eq!(package.licenses, ["MIT"]);

    // Upload without publishing, then the version page's Publish.
    let upload = endpoints::upload(("alice", "files", "tool", "1.0"), "dir/a b.txt", false);
    let (status, body) = alice
        .send(
            alice
                .request(verb(upload.verb()), upload.path())
                .body("hello"),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let version = || endpoints::version("alice", "files", "tool", "1.0");
    assert!(!alice.read(version()).await.published);
    let publish = endpoints::publish("alice", "files", "tool", "1.0");
    let body = PublishRequest {
        discard: Some(false),
        publish_wait_for_secs: None,
    };
    let (status, answer) = alice.call_with(&publish, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["files"], 1);
    assert!(alice.read(version()).await.published);
    let files = alice
        .read(endpoints::version_files("alice", "files", "tool", "1.0"))
        .await
        .files;
    assert_eq!(files[0].file.path, "dir/a b.txt");

    // The version page's Delete.
    let delete = endpoints::delete_version("alice", "files", "tool", "1.0");
    assert_eq!(alice.call(&delete).await.0, 200);
    assert_eq!(alice.call(&version()).await.0, 404);
}
