//! `/:subject/:repo`: a repository, its packages (filter and pages of 50) and, for its
//! owner, a form to create a package.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, segment};
use crate::api_types::{PackageSummary, Repository};
use crate::components::docker_images::DockerImages;
use crate::components::entity_page::EntityHeader;
use crate::components::load::Load;
use crate::components::package_form::PackageForm;
use crate::components::route_names::{use_route_names, RouteNames};
use crate::components::session::use_session;
use crate::components::set_me_up::SetMeUp;
use crate::pages::not_found::NotFoundPage;

const PAGE: u64 = 50;

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
    let url = format!("/repos/{}/{}", segment(&subject), segment(&repo_name));
    // The session matters: a private repository appears once the owner is known.
    let repo = LocalResource::new(move || {
        let url = url.clone();
        let _ = session.user();
        async move { api::get::<Repository>(&url).await }
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
                {own.then(|| view! { <PackageForm owner=r.owner.clone() repo=r.name.clone() /> })}
                <PackageList owner=r.owner.clone() repo=r.name.clone() />
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
fn PackageList(owner: String, repo: String) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let start = RwSignal::new(0u64);
    let base = format!("/repos/{}/{}/packages", segment(&owner), segment(&repo));
    let packages = LocalResource::new(move || {
        let prefix = filter.get();
        let url = format!(
            "{base}?start_pos={}&start_name={}",
            start.get(),
            segment(prefix.trim())
        );
        async move { api::get_page::<Vec<PackageSummary>>(&url).await }
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
            <Load resource=packages render={move |(list, total): (Vec<PackageSummary>, u64)| {
                let owner = owner.clone();
                let repo = repo.clone();
                let from = start.get_untracked();
                let shown = list.len() as u64;
                view! {
                    {if list.is_empty() {
                        view! { <p class="muted">"No packages to show."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="item-list" data-testid="package-list">
                                {list
                                    .into_iter()
                                    .map(|p| {
                                        let href = format!("/{owner}/{repo}/{}", p.name);
                                        view! { <li><A href=href>{p.name}</A></li> }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                    <div class="pager">
                        <span class="muted">
                            {if shown == 0 { String::new() } else { format!("{}–{} of {total}", from + 1, from + shown) }}
                        </span>
                        <button
                            class="button button-small button-ghost"
                            disabled={from == 0}
                            on:click=move |_| start.update(|s| *s = s.saturating_sub(PAGE))
                        >
                            "Previous"
                        </button>
                        <button
                            class="button button-small button-ghost"
                            disabled={from + shown >= total}
                            on:click=move |_| start.update(|s| *s += PAGE)
                        >
                            "Next"
                        </button>
                    </div>
                }
            }} />
        </section>
    }
}
