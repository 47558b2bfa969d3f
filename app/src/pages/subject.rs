//! `/:subject`: a user and their repositories.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::api_types::RepositorySummary;
use crate::components::entity_page::EntityHeader;
use crate::components::github::GitHubMark;
use crate::components::import_links::ImportTargets;
use crate::components::load::Load;
use crate::components::route_names::{use_route_names, RouteNames};
use crate::components::session::use_session;
use crate::endpoints;
use crate::pages::not_found::NotFoundPage;

#[component]
pub fn SubjectPage() -> impl IntoView {
    let names = use_route_names();
    move || match names.get() {
        Some(n) if n.repo.is_none() => view! { <Subject names=n /> }.into_any(),
        _ => view! { <NotFoundPage /> }.into_any(),
    }
}

#[component]
fn Subject(names: RouteNames) -> impl IntoView {
    let session = use_session();
    let subject = names.subject.to_string();
    let endpoint = endpoints::repositories(&subject);
    let repos = LocalResource::new(move || {
        let endpoint = endpoint.clone();
        async move { api::get(endpoint).await }
    });
    let own = {
        let subject = subject.clone();
        move || session.is(&subject)
    };
    view! {
        <Load resource=repos render={move |list: Vec<RepositorySummary>| {
            let names = names.clone();
            let own = own.clone();
            let empty = list.is_empty();
            let mine = own();
            view! {
                <EntityHeader names=names.clone() kind="User">
                    <Show when=own.clone()>
                        <A href="/new" attr:class="button">"New repository"</A>
                        // Import from GitHub, into a repository chosen here (issue 10 item 3).
                        <details class="import-chooser">
                            <summary class="button button-ghost" data-testid="import-chooser"><GitHubMark />" Import from GitHub"</summary>
                            <div class="import-chooser-panel card">
                                <p>"Choose the repository that receives the packages:"</p>
                                <ImportTargets user=names.subject.to_string() />
                            </div>
                        </details>
                    </Show>
                </EntityHeader>
                <section class="card">
                    <h2>"Repositories"</h2>
                    {if empty && mine {
                        view! {
                            <div class="empty-state" data-testid="empty-repositories">
                                <p>"You have no repositories yet. Create one, then fill it with packages: import them from GitHub (each GitHub repository becomes a package, each release a version), or upload files."</p>
                                <A href="/new" attr:class="button">"New repository"</A>
                            </div>
                        }.into_any()
                    } else if empty {
                        view! { <p class="muted">"No repositories to show."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="item-list" data-testid="repository-list">
                                {list
                                    .into_iter()
                                    .map(|r| {
                                        let href = format!("/{}/{}", r.owner, r.name);
                                        view! {
                                            <li>
                                                <A href=href>{r.name}</A>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </section>
            }
        }} />
    }
}
