//! `/new`: create a repository (name, type, private, description, labels).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::api_types::RepositoryChanges;
use crate::components::form::{non_empty, split_list, ErrorNote, TextField};
use crate::components::session::use_session;
use crate::domain::form_text::{check_name, name_rules, server_error, Field, FormKind};
use crate::domain::names::NameKind;
use crate::domain::repo_type::RepoType;
use crate::endpoints;

#[component]
pub fn NewRepositoryPage() -> impl IntoView {
    let session = use_session();
    move || match session.user() {
        Some(user) => view! { <NewRepositoryForm owner=user.name /> }.into_any(),
        None if !session.loaded() => view! { <p class="muted">"Loading…"</p> }.into_any(),
        None => view! {
            <section class="card narrow">
                <h1>"New repository"</h1>
                <p>"Sign in to create repositories."</p>
                <A href="/signin?next=%2Fnew" attr:class="button">"Sign in"</A>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn NewRepositoryForm(owner: String) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let repo_type = RwSignal::new("generic".to_owned());
    let private = RwSignal::new(false);
    let desc = RwSignal::new(String::new());
    let labels = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let name_error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let repo_name = name.get_untracked().trim().to_owned();
        let endpoint = endpoints::create_repository(&owner, &repo_name);
        let navigate = navigate.clone();
        error.set(None);
        name_error.set(check_name(NameKind::Repository, &repo_name).err());
        if name_error.with_untracked(Option::is_some) {
            return;
        }
        let body = RepositoryChanges {
            name: Some(repo_name),
            repo_type: Some(repo_type.get_untracked()),
            private: Some(private.get_untracked()),
            desc: non_empty(desc.get_untracked()),
            labels: Some(split_list(&labels.get_untracked())),
        };
        leptos::task::spawn_local(async move {
            match api::send(endpoint, session.csrf(), &body).await {
                Ok(r) => navigate(&format!("/{}/{}", r.owner, r.name), Default::default()),
                Err(e) => match server_error(FormKind::NewRepository, e.status, &e.message) {
                    (Field::Name, text) => name_error.set(Some(text)),
                    (_, text) => error.set(Some(text)),
                },
            }
        });
    };
    view! {
        <Title text="New repository · Wharf" />
        <section class="card narrow">
            <h1>"New repository"</h1>
            <p class="muted">
                "A repository holds packages. Imports from GitHub and Docker images go into one too."
            </p>
            <form class="form" on:submit=submit novalidate=true>
                <TextField
                    label="Name"
                    name="repo-name"
                    value=name
                    required=true
                    placeholder="e.g. my-repo"
                    maxlength=NameKind::Repository.max_len()
                    hint=name_rules(NameKind::Repository)
                    error=name_error
                />
                <div class="field">
                    <label for="field-repo-type">"Type"</label>
                    <select id="field-repo-type" name="repo-type" on:change=move |ev| repo_type.set(event_target_value(&ev))>
                        {RepoType::ALL
                            .into_iter()
                            .map(|t| view! { <option value=t.as_str() selected=t == RepoType::Generic>{t.as_str()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field field-check">
                    <input id="field-private" type="checkbox" bind:checked=private />
                    <label for="field-private">"Private: only you can see it"</label>
                </div>
                <TextField label="Description" name="repo-desc" value=desc />
                <TextField label="Labels" name="repo-labels" value=labels placeholder="e.g. cli, tools" hint="Separated by commas." />
                <ErrorNote error=error />
                <button class="button" type="submit">"Create repository"</button>
            </form>
        </section>
    }
}
