//! `/api/ui/explore`, the front page's lists: public repositories and recently published
//! packages, never a private one, to a visitor, to another user or to the owner.

mod common;

use app::api_types::Explore;
use app::endpoints;
use common::*;
use serde_json::json;

#[tokio::test]
async fn the_front_page_lists_public_things_only() {
    let (_dist_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let alice = Api::user(&server, "alice", &server.add_user("alice").await);
    let bob = Api::user(&server, "bob", &server.add_user("bob").await);
    let anon = Api::anonymous(&server);
    for (path, body) in [
        ("/repos/alice/open", json!({"desc": "Open things"})),
        ("/repos/alice/hidden", json!({"private": true})),
    ] {
        assert_eq!(alice.post(path, body).await.0, 201, "{path}");
    }
    for (repo, name) in [
        ("open", "tool"),
        ("open", "draft"),
        ("hidden", "secret-tool"),
    ] {
        let (status, _) = alice
            .post(
                &format!("/packages/alice/{repo}"),
                json!({"name": name, "desc": "d"}),
            )
            .await;
        assert_eq!(status, 201);
    }
    for path in [
        "/content/alice/open/tool/1.0/tool-1.0.tgz?publish=1",
        "/content/alice/open/tool/1.1/tool-1.1.tgz?publish=1",
        // Never published: not "recently published".
        "/content/alice/open/draft/0.1/draft.tgz",
        "/content/alice/hidden/secret-tool/1.0/secret.tgz?publish=1",
    ] {
        let res = alice
            .request(reqwest::Method::PUT, path)
            .body("bytes")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201, "{path}");
    }

    for (who, api) in [
        ("a visitor", &anon),
        ("another user", &bob),
        ("the owner", &alice),
    ] {
        let (status, body) = api.call(&endpoints::explore()).await;
        assert_eq!(status, 200, "{who}");
        let text = body.to_string();
        assert!(
            !text.contains("hidden"),
            "{who} sees a private repository: {text}"
        );
        assert!(
            !text.contains("secret"),
            "{who} sees a private package: {text}"
        );
        let explore: Explore = serde_json::from_value(body).unwrap();
        let repos: Vec<&str> = explore
            .repositories
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(repos, ["open"], "{who}");
        assert_eq!(explore.repositories[0].package_count, 2);
        let packages: Vec<(&str, &str)> = explore
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(packages, [("tool", "1.1")], "{who}");
    }
}
