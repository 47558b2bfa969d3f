//! `GET /api/openapi.json` over real HTTP: a valid OpenAPI 3 document that describes
//! exactly the routes the server registers (its route table, `server::http::routes`), no
//! more and no fewer, with the Bintray objects' schemas matching what the server really
//! sends and the `{"message"}` error on every operation.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use serde_json::{json, Value};
use server::http::route_table::Exposure;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn fetch_document(server: &TestServer) -> Value {
    let res = raw_client()
        .get(server.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    serde_json::from_str(&res.text().await.unwrap()).expect("the document is JSON")
}

/// (METHOD, path) of every operation in the document.
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((m.to_ascii_uppercase(), path.clone(), op));
            }
        }
    }
    out
}

/// Whether the router's template (`{name}`, a final `{*rest}` taking one or more
/// segments) answers the documented path (OpenAPI's `{name}`). Written here afresh, not
/// taken from the server, so that the two are checked against each other.
fn route_answers(route: &str, documented: &str) -> bool {
    let route: Vec<&str> = route.split('/').collect();
    let doc: Vec<&str> = documented.split('/').collect();
    match route.last() {
        Some(last) if last.starts_with("{*") => {
            doc.len() >= route.len() && route[..route.len() - 1] == doc[..route.len() - 1]
        }
        _ => route == doc,
    }
}

/// A concrete URL path for a documented template: every `{name}` becomes `x`.
fn concrete(template: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in template.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push('x');
            }
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// Follows a local `$ref` (`#/components/...`).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {r}")),
        None => v,
    }
}

#[tokio::test]
async fn the_document_is_openapi_3_served_once_and_cacheable() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let client = raw_client();
    let first = client
        .get(server.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    assert!(first.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let body = first.text().await.unwrap();
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Wharf");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(!doc["info"]["description"].as_str().unwrap().is_empty());
    let servers: Vec<&str> = doc["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["url"].as_str().unwrap())
        .collect();
    assert_eq!(servers, ["/", "/api/v1"]);
    let basic = &doc["components"]["securitySchemes"]["basic"];
    assert_eq!(
        (&basic["type"], &basic["scheme"]),
        (&json!("http"), &json!("basic"))
    );

    // Built once: the same bytes again, and a revalidation costs nothing.
    let again = client
        .get(server.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(again.text().await.unwrap(), body);
    let revalidated = client
        .get(server.url("/api/openapi.json"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    assert!(revalidated.text().await.unwrap().is_empty());
}

#[tokio::test]
async fn unknown_api_paths_still_answer_json_404() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let anon = Api::anonymous(&server);
    for path in [
        "/api/nope",
        "/api/openapi.json/x",
        "/api/openapi.yaml",
        "/api/v1/openapi.json",
        "/api/v1/nope",
        "/api/ui/nope",
    ] {
        let (status, body) = anon.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body, json!({"message": "Not Found"}), "{path}");
    }
    let (status, _) = anon.post("/api/openapi.json", json!({})).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn every_route_is_documented_and_every_operation_is_a_route() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let doc = fetch_document(&server).await;
    let ops = operations(&doc);
    let routes = server::http::routes();
    assert!(routes.len() > 40, "the table lists the API");

    // Every registered route the document should show, shown (with the right servers).
    let mut undocumented = Vec::new();
    for route in &routes {
        let documented: Vec<&String> = ops
            .iter()
            .filter(|(m, p, _)| m == route.method.as_str() && route_answers(route.path, p))
            .map(|(_, p, _)| p)
            .collect();
        match route.exposure {
            Exposure::Internal => assert!(
                documented.is_empty(),
                "{} {} is the browser's own call but is documented",
                route.method,
                route.path
            ),
            Exposure::Api | Exposure::Root if documented.is_empty() => {
                undocumented.push(format!("{} {}", route.method, route.path))
            }
            exposure => {
                for path in documented {
                    let servers = &doc["paths"][path]["servers"];
                    if exposure == Exposure::Root {
                        assert_eq!(
                            servers,
                            &json!([{"url": "/"}]),
                            "{path} is served at / only"
                        );
                    } else {
                        assert!(servers.is_null(), "{path} is served at both mounts");
                    }
                }
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "routes missing from the document: {undocumented:#?}"
    );

    // Every documented operation answered by a registered route (HEAD by a GET route).
    let mut stale = Vec::new();
    for (method, path, _) in &ops {
        let wanted = if method == "HEAD" {
            "GET"
        } else {
            method.as_str()
        };
        let found = routes.iter().any(|r| {
            r.exposure != Exposure::Internal
                && r.method.as_str() == wanted
                && route_answers(r.path, path)
        });
        if !found {
            stale.push(format!("{method} {path}"));
        }
    }
    assert!(
        stale.is_empty(),
        "documented operations without a route: {stale:#?}"
    );
}

/// The same comparison, but asked of the running server instead of its table: each
/// documented operation, with `x` for every parameter, reaches a handler (never 405,
/// never the app's HTML, never the fallback's bare `Not Found`) at each of its servers,
/// and an operation served at `/` only is not served under `/api/v1`.
#[tokio::test]
async fn every_documented_operation_is_answered_over_http() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let doc = fetch_document(&server).await;
    let client = raw_client();
    for (method, template, _) in operations(&doc) {
        let root_only = !doc["paths"][&template]["servers"].is_null();
        let path = concrete(&template);
        for (base, served) in [("", true), ("/api/v1", !root_only)] {
            let url = server.url(&format!("{base}{path}"));
            let res = client
                .request(method.parse().unwrap(), &url)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let html = res
                .headers()
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap().starts_with("text/html"));
            let text = res.text().await.unwrap();
            let fallback = status == 404 && text == r#"{"message":"Not Found"}"#;
            if served {
                assert!(
                    status != 405 && !html && !fallback,
                    "{method} {base}{path} ({template}) was not routed: {status} {text}"
                );
            } else {
                assert!(
                    fallback,
                    "{method} {base}{path} should not be served: {status}"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_operation_is_complete_and_lists_its_error_responses() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let doc = fetch_document(&server).await;
    let tags: BTreeSet<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let error_ref = json!({"$ref": "#/components/schemas/ErrorBody"});
    let mut ids = BTreeMap::new();
    for (method, path, op) in operations(&doc) {
        let what = format!("{method} {path}");
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no id"));
        assert!(
            ids.insert(id.to_owned(), what.clone()).is_none(),
            "{what}: id {id} twice"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{what}: summary"
        );
        let op_tags = op["tags"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: tags"));
        assert!(
            op_tags.iter().all(|t| tags.contains(t.as_str().unwrap())),
            "{what}"
        );

        // Path parameters and the template's `{names}` are the same set.
        let in_template: BTreeSet<String> = path
            .split('{')
            .skip(1)
            .map(|s| s.split('}').next().unwrap().to_owned())
            .collect();
        let declared: BTreeSet<String> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(in_template, declared, "{what}: path parameters");

        // Security is stated; a call that takes credentials says what wrong ones get.
        let security = op["security"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: no security"));
        let responses = op["responses"].as_object().unwrap();
        if security.iter().any(|s| s.get("basic").is_some()) {
            for status in ["401", "429"] {
                assert!(responses.contains_key(status), "{what}: no {status}");
            }
        }
        if security.iter().all(|s| s.get("basic").is_some()) {
            assert_eq!(
                responses["401"],
                json!({"$ref": "#/components/responses/Unauthenticated"})
            );
        }

        // Errors: some are listed, and every one with a body is `{"message"}`.
        let errors: Vec<(&String, &Value)> = responses
            .iter()
            .filter(|(status, _)| status.starts_with('4') || status.starts_with('5'))
            .map(|(s, r)| (s, resolve(&doc, r)))
            .collect();
        if path != "/api/openapi.json" {
            assert!(!errors.is_empty(), "{what}: no error responses");
        }
        if method != "HEAD" && path != "/api/openapi.json" {
            assert!(
                errors
                    .iter()
                    .any(|(_, r)| r["content"]["application/json"]["schema"] == error_ref),
                "{what}: no {{\"message\"}} error"
            );
        }
        for (status, response) in errors {
            if let Some(content) = response.get("content") {
                assert_eq!(
                    content,
                    &json!({"application/json": {"schema": error_ref}}),
                    "{what}: {status}"
                );
            }
        }
    }
    assert!(ids.len() > 40);

    // No dangling references anywhere.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        assert!(
            doc.pointer(r.trim_start_matches('#')).is_some(),
            "dangling {r}"
        );
    }
}

/// Keys of a real object against its schema: nothing undocumented, nothing required
/// missing.
fn assert_fits(doc: &Value, schema: &str, object: &Value) {
    let schema = &doc["components"]["schemas"][schema];
    let properties = schema["properties"].as_object().expect("properties");
    let object = object.as_object().expect("an object");
    for key in object.keys() {
        assert!(properties.contains_key(key), "{key} is not in the schema");
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        let required = required.as_str().unwrap();
        assert!(object.contains_key(required), "{required} is missing");
    }
}

#[tokio::test]
async fn the_schemas_match_what_the_server_sends() {
    let (_keep, dist) = fake_dist();
    let server = TestServer::start(&dist).await;
    let doc = fetch_document(&server).await;
    let schemas = &doc["components"]["schemas"];

    // The shapes Bintray's clients read, by their Bintray names.
    assert_eq!(schemas["ErrorBody"]["required"], json!(["message"]));
    assert_eq!(
        schemas["ErrorBody"]["properties"]["message"]["type"],
        "string"
    );
    assert_eq!(
        schemas["Repository"]["properties"]["type"]["type"],
        "string"
    );
    assert!(schemas["Repository"]["properties"]["repo_type"].is_null());
    assert_eq!(
        schemas["Repository"]["properties"]["private"]["type"],
        "boolean"
    );
    assert_eq!(
        schemas["Package"]["properties"]["versions"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    for field in ["name", "repo", "owner", "versions", "labels", "created"] {
        assert!(
            schemas["Package"]["required"]
                .as_array()
                .unwrap()
                .contains(&json!(field)),
            "Package.{field}"
        );
    }
    assert_eq!(
        schemas["Version"]["properties"]["published"]["type"],
        "boolean"
    );
    assert_eq!(
        schemas["Version"]["properties"]["ordinal"]["type"],
        "number"
    );
    assert_eq!(
        schemas["Attribute"]["properties"]["type"],
        json!({"$ref": "#/components/schemas/AttrType"})
    );
    assert_eq!(
        schemas["AttrType"]["enum"],
        json!(["string", "date", "number", "boolean", "version"])
    );
    let get_package = &doc["paths"]["/packages/{subject}/{repo}/{package}"]["get"];
    assert_eq!(
        get_package["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Package"})
    );

    // And the objects the server really sends fit them.
    let key = server.add_user("alice").await;
    let alice = Api::user(&server, "alice", &key);
    let (status, repo) = alice
        .post("/repos/alice/generic", json!({"type": "generic"}))
        .await;
    assert_eq!(status, 201, "{repo}");
    assert_fits(&doc, "Repository", &repo);
    let (_, summaries) = alice.get("/repos/alice").await;
    assert_fits(&doc, "RepositorySummary", &summaries[0]);
    let (status, package) = alice
        .post("/packages/alice/generic", json!({"name": "tool"}))
        .await;
    assert_eq!(status, 201, "{package}");
    assert_fits(&doc, "Package", &package);
    let (status, version) = alice
        .post(
            "/packages/alice/generic/tool/versions",
            json!({"name": "1.0"}),
        )
        .await;
    assert_eq!(status, 201, "{version}");
    assert_fits(&doc, "Version", &version);
    let (status, success) = alice
        .send(
            alice
                .request(
                    reqwest::Method::PUT,
                    "/content/alice/generic/tool/1.0/a.txt?publish=1",
                )
                .body("hello"),
        )
        .await;
    assert_eq!(status, 201, "{success}");
    assert_fits(&doc, "Success", &success);
    let (_, files) = alice.get("/packages/alice/generic/tool/files").await;
    assert_fits(&doc, "File", &files[0]);
    let (_, package) = alice
        .get("/packages/alice/generic/tool?attribute_values=1")
        .await;
    assert_fits(&doc, "Package", &package);
    let (_, user) = alice.get("/users/alice").await;
    assert_fits(&doc, "User", &user);
    let (status, error) = alice.get("/packages/alice/generic/nope").await;
    assert_eq!(status, 404);
    assert_fits(&doc, "ErrorBody", &error);
}
