//! `/:subject/:repo/:package`: a package, its versions (newest first by the latest rule,
//! with dates and marks), the latest release's notes, its links and, after the content,
//! its owner's forms.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::api_types::{Package, PackageChanges, PackageVersions, VersionRow};
use crate::components::copy_button::CopyButton;
use crate::components::entity_page::EntityHeader;
use crate::components::load::Load;
use crate::components::package_form::PackageForm;
use crate::components::route_names::{use_route_names, RouteNames};
use crate::components::session::use_session;
use crate::components::upload_form::UploadForm;
use crate::domain::display::date_part;
use crate::domain::url::path_segment as segment;
use crate::endpoints;
use crate::pages::not_found::NotFoundPage;
use crate::pages::repository::Labels;

/// How "latest" is chosen, in the words the package page shows (see
/// [`crate::domain::latest`]).
pub const LATEST_RULE: &str = "Latest is the newest published version that is not a \
pre-release: newest by release date (an imported version has its GitHub release's date; \
a version without one counts from the day it was created), then by version number. \
The owner can mark another version as latest.";

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
            <dd><a class="url" href=u rel="noopener noreferrer nofollow">{text}</a></dd>
        }
    })
}

/// What the page loads at once: the package, its version list and the latest notes.
type PackageData = (Package, PackageVersions, Option<String>);

#[component]
fn PackageView(names: RouteNames) -> impl IntoView {
    let session = use_session();
    let (s, r, p, _) = names.strings();
    let parts = (s.clone(), r.clone(), p.clone());
    let data = LocalResource::new(move || {
        let (s, r, p) = &parts;
        let package = endpoints::package(s, r, p);
        let versions = endpoints::package_versions(s, r, p);
        let notes = endpoints::rendered_notes(s, r, p, endpoints::LATEST);
        let _ = session.user();
        async move {
            let pkg = api::get(package).await?;
            let versions = api::get(versions).await?;
            // No latest version (nothing published): no notes to show.
            let notes = match versions.latest {
                Some(_) => api::get(notes).await.ok().and_then(|n| n.html),
                None => None,
            };
            Ok((pkg, versions, notes))
        }
    });
    // Outside the loaded view, so the reload after a change does not take it away.
    let saved = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let pin_endpoint = endpoints::update_package(&s, &r, &p);
    let pin = Callback::new(move |name: Option<String>| {
        let endpoint = pin_endpoint.clone();
        error.set(None);
        saved.set(None);
        leptos::task::spawn_local(async move {
            // "" returns to the automatic rule.
            let body = PackageChanges {
                latest_version: Some(name.clone().unwrap_or_default()),
                ..PackageChanges::default()
            };
            match api::send(endpoint, session.csrf(), &body).await {
                Ok(_) => {
                    saved.set(Some(match name {
                        Some(v) => format!("{v} is now marked as latest."),
                        None => "Latest follows the automatic rule again.".to_owned(),
                    }));
                    data.refetch();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    });
    view! {
        <Load resource=data render={move |(pkg, versions, notes): PackageData| {
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
            let badge = endpoints::download_badge(&pkg.owner, &pkg.repo, &pkg.name);
            // For READMEs: the badge at the root, where it has always been linked from.
            let markdown = format!(
                "[![Download]({origin}{})]({origin}{base}/_latestVersion)",
                badge.root_path()
            );
            let markdown_text = markdown.clone();
            let own = session.is(&pkg.owner);
            let markdown_signal = Signal::derive(move || markdown_text.clone());
            let latest = versions.latest.clone();
            let pinned = versions.pinned.is_some();
            let notes_title = latest.clone().unwrap_or_default();
            let notes_href = format!("{base}/{}", segment(&notes_title));
            view! {
                <EntityHeader names=names.clone() kind="Package">
                    {versions.latest.clone().map(|v| view! {
                        <span class="badge badge-latest" data-testid="latest-badge" title=LATEST_RULE>{format!("latest {v}")}</span>
                    })}
                </EntityHeader>
                {move || saved.get().map(|m| view! { <p class="ok-note saved-note" role="status">{m}</p> })}
                {move || error.get().map(|m| view! { <p class="error-note" role="alert">{m}</p> })}
                <div class="columns">
                    <section class="card" aria-labelledby="versions-title">
                        {pkg.desc.clone().map(|d| view! { <p class="lead">{d}</p> })}
                        <Labels labels=pkg.labels.clone() />
                        <h2 id="versions-title">"Versions"</h2>
                        <VersionList
                            base=base.clone()
                            versions=versions.versions.clone()
                            latest=latest.clone()
                            pinned=pinned
                            own=own
                            pin=pin
                        />
                        <details class="latest-rule">
                            <summary>"How “latest” is chosen"</summary>
                            <p data-testid="latest-rule">{LATEST_RULE}</p>
                        </details>
                    </section>
                    <aside class="card">
                        <dl class="facts">
                            {(!pkg.licenses.is_empty()).then(|| view! { <dt>"Licenses"</dt><dd>{pkg.licenses.join(", ")}</dd> })}
                            {link("Website", pkg.website_url.clone())}
                            {link("Issues", pkg.issue_tracker_url.clone())}
                            {link("Source", pkg.vcs_url.clone())}
                            <dt>"Updated"</dt>
                            <dd>{date_part(&pkg.updated).to_owned()}</dd>
                        </dl>
                        <div class="share">
                            <span class="muted">"Link to this package"</span>
                            <CopyButton text=share label="Copy link" />
                        </div>
                        <div class="badge-snippet">
                            <img src=badge.into_path() alt="Download badge" height="20" />
                            <code class="snippet-inline url" data-testid="badge-markdown">{markdown}</code>
                            <CopyButton text=markdown_signal label="Copy Markdown" />
                        </div>
                    </aside>
                </div>
                {notes.map(|html| view! {
                    <section class="card" aria-labelledby="latest-notes-title">
                        <h2 id="latest-notes-title">
                            "Release notes · "<A href=notes_href>{notes_title}</A>
                        </h2>
                        // Sanitised by the server (ammonia) before it gets here.
                        <div class="release-notes" data-testid="latest-release-notes" inner_html=html></div>
                    </section>
                })}
                {own.then(|| view! {
                    <div class="owner-forms" data-testid="owner-forms">
                        <PackageForm
                            owner=pkg.owner.clone()
                            repo=pkg.repo.clone()
                            existing=pkg.clone()
                            on_saved=Callback::new(move |_| {
                                saved.set(Some("Saved.".to_owned()));
                                data.refetch();
                            })
                        />
                        <UploadForm
                            owner=pkg.owner.clone()
                            repo=pkg.repo.clone()
                            package=pkg.name.clone()
                            latest=versions.versions.first().map(|v| v.name.clone())
                        />
                    </div>
                })}
            }
        }} />
    }
}

/// The versions newest first: each with its date, its marks and, for the owner, the
/// "Mark as latest" action (or the way back to the automatic rule).
#[component]
fn VersionList(
    base: String,
    versions: Vec<VersionRow>,
    latest: Option<String>,
    pinned: bool,
    own: bool,
    pin: Callback<Option<String>>,
) -> impl IntoView {
    if versions.is_empty() {
        return view! { <p class="muted">"No versions yet."</p> }.into_any();
    }
    view! {
        <ul class="item-list version-list" data-testid="version-list">
            {versions
                .into_iter()
                .map(|v| {
                    let href = format!("{base}/{}", segment(&v.name));
                    let is_latest = latest.as_deref() == Some(v.name.as_str());
                    let (when, date) = match &v.released {
                        Some(d) => ("Released", date_part(d).to_owned()),
                        None => ("Created", date_part(&v.created).to_owned()),
                    };
                    let name = v.name.clone();
                    let shown = v.name.clone();
                    let key = v.name.clone();
                    let action = (own && v.published).then(|| {
                        if is_latest && pinned {
                            view! {
                                <button type="button" class="button button-small button-ghost"
                                    on:click=move |_| pin.run(None)>"Use the automatic rule"</button>
                            }
                            .into_any()
                        } else if is_latest {
                            ().into_any()
                        } else {
                            view! {
                                <button type="button" class="button button-small button-ghost"
                                    on:click=move |_| pin.run(Some(name.clone()))>"Mark as latest"</button>
                            }
                            .into_any()
                        }
                    });
                    view! {
                        <li class="version-row" data-version=key>
                            <div class="version-main">
                                <A href=href>{shown}</A>
                                {is_latest.then(|| view! {
                                    <span class="badge badge-latest" title=LATEST_RULE>
                                        {if pinned { "latest · chosen by the owner" } else { "latest" }}
                                    </span>
                                })}
                                {v.prerelease.then(|| view! { <span class="badge badge-pre">"pre-release"</span> })}
                                {(!v.published).then(|| view! { <span class="badge">"not published"</span> })}
                            </div>
                            <div class="version-meta">
                                <span class="muted version-date">
                                    {when}" "<time datetime=date.clone()>{date.clone()}</time>
                                </span>
                                {action}
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
