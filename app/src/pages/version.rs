//! `/:subject/:repo/:package/:version`: a version, its files and attributes.

use leptos::prelude::*;

use crate::components::entity_page::EntityPage;

#[component]
pub fn VersionPage() -> impl IntoView {
    view! {
        <EntityPage
            kind="Version"
            body=|names| {
                let package = names.package.as_ref().map(ToString::to_string).unwrap_or_default();
                view! { <p class="lead">"Files and attributes of this version of " <strong>{package}</strong> "."</p> }
            }
        />
    }
}
