//! `/:subject/:repo`: a repository, its packages (description, latest version, GitHub
//! origin; filter and pages of 50) and, after them, for its owner a form to create a
//! package.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::api_types::{PackageCard, PackageCards, Repository};
use crate::components::docker_images::DockerImages;
use crate::components::entity_page::EntityHeader;
use crate::components::import_links::{import_href, ImportButton};
use crate::components::load::Load;
use crate::components::package_form::PackageForm;
use crate::components::route_names::{use_route_names, RouteNames};
use crate::components::session::use_session;
use crate::components::set_me_up::SetMeUp;
use crate::domain::url::path_segment as segment;
use crate::endpoints;
use crate::pages::not_found::NotFoundPage;

#[component]
pub fn RepositoryPage() -> impl IntoView {
    let names = use_route_names();
    move || match names.get() {
        Some(n) if n.repo.is_some() && n.package.is_none() => {
            view! { <RepositoryView names=n /> }.into_any()
        }
        _ => view! { <NotFoundPage /> }.into_any(),
    }
}

#[component]
fn RepositoryView(names: RouteNames) -> impl IntoView {
    let session = use_session();
    let (subject, repo_name, _, _) = names.strings();
    let endpoint = endpoints::repository(&subject, &repo_name);
    // The session matters: a private repository appears once the owner is known.
    let repo = LocalResource::new(move || {
        let endpoint = endpoint.clone();
        let _ = session.user();
        async move { api::get(endpoint).await }
    });
    view! {
        <Load resource=repo render={move |r: Repository| {
            let own = session.is(&r.owner);
            let import = format!("/import/{}/{}", segment(&r.owner), segment(&r.name));
            let kind = r.repo_type.clone();
            let set_me_up = view! { <SetMeUp subject=r.owner.clone() repo=r.name.clone() repo_type=r.repo_type.clone() /> };
            let images = (r.repo_type == "docker").then(|| view! { <DockerImages subject=r.owner.clone() repo=r.name.clone() /> });
            view! {
                <EntityHeader names=names.clone() kind="Repository">
                    <span class="badge">{kind}</span>
                    {r.private.then(|| view! { <span class="badge badge-private">"private"</span> })}
                    {set_me_up}
                    {own.then(move || {
                        view! {
                            <details class="actions-menu">
                                <summary class="button button-small button-ghost">"Actions"</summary>
                                <ul class="menu" role="menu">
                                    <li role="none"><A href=import attr:role="menuitem">"Import from GitHub"</A></li>
                                </ul>
                            </details>
                        }
                    })}
                </EntityHeader>
                <section class="card">
                    {r.desc.clone().map(|d| view! { <p class="lead">{d}</p> })}
                    <Labels labels=r.labels.clone() />
                    <p class="muted">{crate::domain::display::count(r.package_count.max(0) as usize, "package")}</p>
                </section>
                {images}
                // An empty repository of one's own says how to fill it (issue 10 item 3).
                {(own && r.package_count == 0).then(|| view! {
                    <section class="card empty-state" data-testid="empty-repository">
                        <h2>"This repository is empty"</h2>
                        <p>"Bring packages in from GitHub: each GitHub repository becomes a package and each release a version, with its notes and assets. Or create a package below and upload files."</p>
                        <ImportButton subject=r.owner.clone() repo=r.name.clone() />
                    </section>
                })}
                <PackageList owner=r.owner.clone() repo=r.name.clone() own=own />
                {own.then(|| view! { <PackageForm owner=r.owner.clone() repo=r.name.clone() /> })}
            }
        }} />
    }
}

/// Labels as small tags.
#[component]
pub fn Labels(labels: Vec<String>) -> impl IntoView {
    (!labels.is_empty()).then(|| {
        view! {
            <ul class="labels" aria-label="Labels">
                {labels.into_iter().map(|l| view! { <li class="label">{l}</li> }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn PackageList(owner: String, repo: String, own: bool) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let start = RwSignal::new(0u64);
    let (o, rp) = (owner.clone(), repo.clone());
    let packages = LocalResource::new(move || {
        let prefix = filter.get();
        let endpoint = endpoints::package_cards(&o, &rp, start.get(), prefix.trim());
        async move { api::get(endpoint).await }
    });
    let on_filter = move |ev| {
        filter.set(event_target_value(&ev));
        start.set(0);
    };
    view! {
        <section class="card" aria-labelledby="packages-title">
            <div class="section-head">
                <h2 id="packages-title">"Packages"</h2>
                <input
                    class="filter"
                    type="search"
                    placeholder="Filter by name prefix"
                    aria-label="Filter packages"
                    prop:value=move || filter.get()
                    on:input=on_filter
                />
            </div>
            <Load resource=packages render={move |page: PackageCards| {
                let owner = owner.clone();
                let repo = repo.clone();
                let from = start.get_untracked();
                let shown = page.packages.len() as u64;
                let total = page.total;
                let size = page.page_size.max(1);
                view! {
                    {if page.packages.is_empty() {
                        let filtered = !filter.get_untracked().trim().is_empty();
                        if own && !filtered {
                            view! {
                                <p class="muted">
                                    "No packages to show yet. "
                                    <A href=import_href(&owner, &repo)>"Import from GitHub"</A>
                                    " or create one below."
                                </p>
                            }.into_any()
                        } else {
                            view! { <p class="muted">"No packages to show."</p> }.into_any()
                        }
                    } else {
                        view! {
                            <ul class="item-list package-cards" data-testid="package-list">
                                {page
                                    .packages
                                    .into_iter()
                                    .map(|p| view! { <PackageItem owner=owner.clone() repo=repo.clone() card=p /> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                    // One page: no pager.
                    {(total > size || from > 0).then(|| view! {
                        <div class="pager" data-testid="pager">
                            <span class="muted">
                                {if shown == 0 { String::new() } else { format!("{}–{} of {total}", from + 1, from + shown) }}
                            </span>
                            <button
                                class="button button-small button-ghost"
                                disabled={from == 0}
                                on:click=move |_| start.update(|s| *s = s.saturating_sub(size))
                            >
                                "Previous"
                            </button>
                            <button
                                class="button button-small button-ghost"
                                disabled={from + shown >= total}
                                on:click=move |_| start.update(|s| *s += size)
                            >
                                "Next"
                            </button>
                        </div>
                    })}
                }
            }} />
        </section>
    }
}

/// One package in the repository's list: name, latest version, description, origin.
#[component]
fn PackageItem(owner: String, repo: String, card: PackageCard) -> impl IntoView {
    let href = format!(
        "/{}/{}/{}",
        segment(&owner),
        segment(&repo),
        segment(&card.name)
    );
    // Text, not a link: the list's links are its packages.
    let github = card.github_origin.clone().map(|full| {
        view! {
            <span class="package-origin" title=card.github_url.clone().unwrap_or_default()>
                "from GitHub "<span class="url">{full}</span>
            </span>
        }
    });
    let key = card.name.clone();
    view! {
        <li class="package-card" data-package=key>
            <div class="package-card-head">
                <A href=href>{card.name.clone()}</A>
                {card.latest_version.clone().map(|v| view! {
                    <span class="badge badge-latest">{format!("latest {v}")}</span>
                })}
            </div>
            {card.desc.clone().map(|d| view! { <p class="package-desc">{d}</p> })}
            <p class="package-meta muted">
                {github}
                <span>{format!("updated {}", crate::domain::display::date_part(&card.updated))}</span>
            </p>
        </li>
    }
}
