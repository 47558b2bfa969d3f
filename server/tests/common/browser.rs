//! A browser over plain HTTP: keeps cookies, follows no redirects, sends the CSRF token;
//! signs up and walks GitHub's OAuth pages (the stand-in's consent form).

use std::collections::HashMap;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{json, Value};

use super::raw_client;

/// A browser: keeps cookies per host, follows no redirects, sends the CSRF token.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
    pub cookies: HashMap<String, String>,
    pub csrf: Option<String>,
    /// Every body Wharf sent this browser, to check that no GitHub token is among them.
    pub seen: Vec<String>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            client: raw_client(),
            base: base.to_owned(),
            cookies: HashMap::new(),
            csrf: None,
            seen: vec![],
        }
    }

    pub async fn send(&mut self, req: reqwest::RequestBuilder) -> reqwest::Response {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let req = if cookie.is_empty() {
            req
        } else {
            req.header(COOKIE, cookie)
        };
        let req = match &self.csrf {
            Some(t) => req.header("x-csrf-token", t),
            None => req,
        };
        let res = req.send().await.unwrap();
        for c in res.headers().get_all(SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        if let Some(l) = res.headers().get(LOCATION) {
            self.seen.push(l.to_str().unwrap().to_owned());
        }
        res
    }

    pub async fn json(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = self.send(req).await;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        self.seen.push(text.clone());
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&mut self, path: &str) -> (u16, Value) {
        self.json(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, body: Value) -> (u16, Value) {
        self.json(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn sign_up(&mut self, name: &str) {
        let (status, body) = self
            .post(
                "/api/ui/signup",
                json!({"name": name, "password": "password-123"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        self.csrf = body["csrf_token"].as_str().map(str::to_owned);
    }

    /// Starts a flow; GitHub's authorize URL.
    pub async fn authorize(&mut self, purpose: &str, private: bool) -> (u16, Value) {
        self.post(
            "/api/ui/github/authorize",
            json!({"purpose": purpose, "private_access": private}),
        )
        .await
    }

    /// Answers GitHub's consent page; where GitHub sends the browser back.
    pub async fn consent(&mut self, authorize_url: &str, login: &str, decision: &str) -> String {
        let url = reqwest::Url::parse(authorize_url).unwrap();
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("login".into(), login.into()));
        form.push(("decision".into(), decision.into()));
        let action = format!("{}://{}{}", url.scheme(), url.authority(), url.path());
        let res = self.client.post(action).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 302, "{}", res.text().await.unwrap());
        res.headers()[LOCATION].to_str().unwrap().to_owned()
    }

    /// Follows GitHub's redirect back to Wharf; where Wharf sends the browser next.
    pub async fn back_from_github(&mut self, callback: &str) -> String {
        let res = self.send(self.client.get(callback)).await;
        assert!(res.status().is_redirection(), "{}", res.status());
        res.headers()[LOCATION].to_str().unwrap().to_owned()
    }

    /// The whole link (or sign-in) journey with the demo user approving.
    pub async fn link_github(&mut self, login: &str, private: bool) -> String {
        let (status, body) = self.authorize("link", private).await;
        assert_eq!(status, 200, "{body}");
        let callback = self
            .consent(body["url"].as_str().unwrap(), login, "approve")
            .await;
        self.back_from_github(&callback).await
    }

    /// Signs up `name` and reveals its API key.
    pub async fn sign_up_with_key(&mut self, name: &str) -> String {
        self.sign_up(name).await;
        let (status, body) = self
            .post(
                "/api/ui/api-key/reveal",
                json!({"password": "password-123"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["api_key"].as_str().unwrap().to_owned()
    }
}
