//! `/:subject/:repo`: a repository and its packages.

use leptos::prelude::*;

use crate::components::entity_page::EntityPage;

#[component]
pub fn RepositoryPage() -> impl IntoView {
    view! {
        <EntityPage
            kind="Repository"
            body=|names| {
                let owner = names.subject.to_string();
                view! { <p class="lead">"Packages in this repository of " <strong>{owner}</strong> "."</p> }
            }
        />
    }
}
