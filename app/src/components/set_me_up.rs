//! The repository's **Set Me Up!** panel: how to point a client at it, per repository
//! type, with the signed-in user's name filled in and a copy button on every snippet.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::copy_button::CopyButton;
use crate::components::session::use_session;
use crate::domain::url::path_segment as segment;
use crate::endpoints;

/// One snippet to copy.
#[component]
fn Snippet(
    label: &'static str,
    text: String,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let copy = Signal::derive({
        let text = text.clone();
        move || text.clone()
    });
    view! {
        <div class="snippet">
            <div class="snippet-head">
                <span class="snippet-label">{label}</span>
                <CopyButton text=copy />
            </div>
            <pre data-testid=testid><code>{text}</code></pre>
        </div>
    }
}

/// The address of this site (for snippets): its origin, e.g. `http://127.0.0.1:8080`.
fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// An absolute base: a configured URL as is, a path (`/dl`) on this site.
fn absolute(base: &str) -> String {
    if base.starts_with("http://") || base.starts_with("https://") {
        base.trim_end_matches('/').to_owned()
    } else {
        format!("{}{}", origin(), base.trim_end_matches('/'))
    }
}

#[component]
pub fn SetMeUp(subject: String, repo: String, repo_type: String) -> impl IntoView {
    let session = use_session();
    let user = move || {
        session
            .user()
            .map(|u| u.name)
            .unwrap_or_else(|| "<USER>".to_owned())
    };
    let body = move || {
        let site = session.site();
        let api = absolute(&site.api_base);
        let dl = absolute(&site.download_base);
        let (s, r) = (subject.clone(), repo.clone());
        let u = user();
        match repo_type.as_str() {
            "docker" => view! { <DockerSetup subject=s repo=r user=u /> }.into_any(),
            "maven" => {
                let settings = format!(
                    "<settings>\n  <servers>\n    <server>\n      <id>wharf-{s}-{r}</id>\n      <username>{u}</username>\n      <password>API_KEY</password>\n    </server>\n  </servers>\n</settings>"
                );
                let pom = format!(
                    "<distributionManagement>\n  <repository>\n    <id>wharf-{s}-{r}</id>\n    <name>{s}-{r}</name>\n    <url>{api}/maven/{s}/{r}/PACKAGE</url>\n  </repository>\n</distributionManagement>"
                );
                let consume = format!(
                    "<repositories>\n  <repository>\n    <id>wharf-{s}-{r}</id>\n    <url>{dl}/{s}/{r}</url>\n  </repository>\n</repositories>"
                );
                view! {
                    <p>"Deploy with Maven: the server in "<code>"~/.m2/settings.xml"</code>" (your API key as the password), and the repository in your "<code>"pom.xml"</code>" ("<code>"PACKAGE"</code>" must exist in this repository)."</p>
                    <Snippet label="settings.xml" text=settings testid="setup-maven-settings" />
                    <Snippet label="pom.xml: deploy" text=pom testid="setup-maven-pom" />
                    <Snippet label="pom.xml: resolve" text=consume testid="setup-maven-resolve" />
                }
                .into_any()
            }
            _ => {
                let upload = format!(
                    "curl -T FILE -u{u}:API_KEY \"{api}/content/{}/{}/PACKAGE/VERSION/FILE?publish=1\"",
                    segment(&s),
                    segment(&r)
                );
                let download = format!("curl -LO \"{dl}/{}/{}/FILE\"", segment(&s), segment(&r));
                view! {
                    <p>"Upload a file to a version of a package (the package must exist; the version is created), published at once:"</p>
                    <Snippet label="Upload" text=upload testid="setup-upload" />
                    <Snippet label="Download" text=download testid="setup-download" />
                }
                .into_any()
            }
        }
    };
    view! {
        <details class="set-me-up">
            <summary class="button button-small">"Set Me Up!"</summary>
            <div class="set-me-up-panel card" role="dialog" aria-label="Set Me Up">
                {body}
                <p class="muted">
                    "Replace "<code>"API_KEY"</code>" with your API key: "
                    <A href="/profile#api-key">"Profile › API Key"</A>"."
                </p>
            </div>
        </details>
    }
}

#[component]
fn DockerSetup(subject: String, repo: String, user: String) -> impl IntoView {
    let endpoint = endpoints::docker_registry(&subject, &repo);
    let registry = LocalResource::new(move || {
        let endpoint = endpoint.clone();
        async move { api::get(endpoint).await }
    });
    move || {
        let user = user.clone();
        let name = format!("{subject}-{repo}");
        registry.get().map(|r| match r {
            Err(e) => view! { <p class="error-note">{e.message}</p> }.into_any(),
            Ok(r) => {
                let image = format!("{}/IMAGE:TAG", r.image_prefix);
                // Docker trusts plain-HTTP registries on 127.0.0.0/8; skopeo must be told.
                let tls = if origin().starts_with("http://") { " --dest-tls-verify=false" } else { "" };
                view! {
                    <p>"This repository is a Docker registry. Log in with your user name and API key, then tag, push and pull:"</p>
                    <Snippet label="Log in" text=format!("docker login -u {user} {}", r.login_host) testid="setup-docker-login" />
                    <Snippet label="Tag and push" text=format!("docker tag IMAGE:TAG {image}\ndocker push {image}") testid="setup-docker-push" />
                    <Snippet label="Pull" text=format!("docker pull {image}") testid="setup-docker-pull" />
                    <Snippet label="Or copy with skopeo" text=format!("skopeo copy{tls} --dest-creds {user}:API_KEY oci:DIR docker://{image}") testid="setup-skopeo" />
                    <h3>"For a CI system"</h3>
                    <dl class="facts ci-fields" data-testid="setup-ci">
                        <dt>"Registry Name"</dt><dd><code>{name}</code></dd>
                        <dt>"Username"</dt><dd><code>{user.clone()}</code></dd>
                        <dt>"API Key"</dt><dd><A href="/profile#api-key">"your API key"</A></dd>
                        <dt>"Domain"</dt><dd><code data-testid="setup-domain">{r.login_host.clone()}</code></dd>
                    </dl>
                }
                .into_any()
            }
        })
    }
}
