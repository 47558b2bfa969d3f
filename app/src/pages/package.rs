//! `/:subject/:repo/:package`: a package and its versions.

use leptos::prelude::*;

use crate::components::entity_page::EntityPage;

#[component]
pub fn PackagePage() -> impl IntoView {
    view! {
        <EntityPage
            kind="Package"
            body=|names| {
                let repo = names.repo.as_ref().map(ToString::to_string).unwrap_or_default();
                view! { <p class="lead">"Versions of this package in " <strong>{repo}</strong> "."</p> }
            }
        />
    }
}
