//! `/:subject/:repo/:package`: a package, its versions, and its links.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, segment};
use crate::api_types::Package;
use crate::components::copy_button::CopyButton;
use crate::components::entity_page::EntityHeader;
use crate::components::load::Load;
use crate::components::package_form::PackageForm;
use crate::components::route_names::{use_route_names, RouteNames};
use crate::components::session::use_session;
use crate::components::upload_form::UploadForm;
use crate::pages::not_found::NotFoundPage;
use crate::pages::repository::Labels;

#[component]
pub fn PackagePage() -> impl IntoView {
    let names = use_route_names();
    move || match names.get() {
        Some(n) if n.package.is_some() && n.version.is_none() => {
            view! { <PackageView names=n /> }.into_any()
        }
        _ => view! { <NotFoundPage /> }.into_any(),
    }
}

fn link(label: &'static str, url: Option<String>) -> Option<impl IntoView> {
    url.map(|u| {
        let text = u.clone();
        view! {
            <dt>{label}</dt>
            <dd><a href=u rel="noopener noreferrer nofollow">{text}</a></dd>
        }
    })
}

#[component]
fn PackageView(names: RouteNames) -> impl IntoView {
    let session = use_session();
    let (s, r, p, _) = names.strings();
    let url = format!("/packages/{}/{}/{}", segment(&s), segment(&r), segment(&p));
    let package = LocalResource::new(move || {
        let url = url.clone();
        let _ = session.user();
        async move { api::get::<Package>(&url).await }
    });
    // Outside the loaded view, so the reload after an edit does not take it away.
    let saved = RwSignal::new(false);
    view! {
        {move || saved.get().then(|| view! { <p class="ok-note saved-note" role="status">"Saved."</p> })}
        <Load resource=package render={move |pkg: Package| {
            let page_url = web_sys::window()
                .and_then(|w| w.location().href().ok())
                .unwrap_or_default();
            let share = Signal::derive(move || page_url.clone());
            let base = format!(
                "/{}/{}/{}",
                segment(&pkg.owner),
                segment(&pkg.repo),
                segment(&pkg.name)
            );
            let origin = web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default();
            let badge = format!(
                "/packages/{}/{}/{}/images/download.svg",
                segment(&pkg.owner),
                segment(&pkg.repo),
                segment(&pkg.name)
            );
            let markdown = format!(
                "[![Download]({origin}{badge})]({origin}/{}/{}/{}/_latestVersion)",
                segment(&pkg.owner),
                segment(&pkg.repo),
                segment(&pkg.name)
            );
            let markdown_text = markdown.clone();
            let own = session.is(&pkg.owner);
            let markdown_signal = Signal::derive(move || markdown_text.clone());
            let versions = pkg.versions.clone();
            let latest = pkg.latest_version.clone();
            view! {
                <EntityHeader names=names.clone() kind="Package">
                    {latest.clone().map(|v| view! { <span class="badge badge-latest">{format!("latest {v}")}</span> })}
                </EntityHeader>
                {own.then(|| view! {
                    <PackageForm
                        owner=pkg.owner.clone()
                        repo=pkg.repo.clone()
                        existing=pkg.clone()
                        on_saved=Callback::new(move |_| {
                            saved.set(true);
                            package.refetch();
                        })
                    />
                    <UploadForm
                        owner=pkg.owner.clone()
                        repo=pkg.repo.clone()
                        package=pkg.name.clone()
                        latest=pkg.versions.first().cloned()
                    />
                })}
                <div class="columns">
                    <section class="card">
                        {pkg.desc.clone().map(|d| view! { <p class="lead">{d}</p> })}
                        <Labels labels=pkg.labels.clone() />
                        <h2>"Versions"</h2>
                        {if versions.is_empty() {
                            view! { <p class="muted">"No versions yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="item-list" data-testid="version-list">
                                    {versions
                                        .into_iter()
                                        .map(|v| {
                                            let href = format!("{base}/{}", segment(&v));
                                            view! { <li><A href=href>{v}</A></li> }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }}
                    </section>
                    <aside class="card">
                        <dl class="facts">
                            {(!pkg.licenses.is_empty()).then(|| view! { <dt>"Licenses"</dt><dd>{pkg.licenses.join(", ")}</dd> })}
                            {link("Website", pkg.website_url.clone())}
                            {link("Issues", pkg.issue_tracker_url.clone())}
                            {link("Source", pkg.vcs_url.clone())}
                            <dt>"Updated"</dt>
                            <dd>{crate::domain::display::date_part(&pkg.updated).to_owned()}</dd>
                        </dl>
                        <div class="share">
                            <span class="muted">"Link to this package"</span>
                            <CopyButton text=share label="Copy link" />
                        </div>
                        <div class="badge-snippet">
                            <img src=badge alt="Download badge" height="20" />
                            <code class="snippet-inline" data-testid="badge-markdown">{markdown}</code>
                            <CopyButton text=markdown_signal label="Copy Markdown" />
                        </div>
                    </aside>
                </div>
            }
        }} />
    }
}
