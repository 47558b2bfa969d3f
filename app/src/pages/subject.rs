//! `/:subject`: a user and their repositories.

use leptos::prelude::*;

use crate::components::entity_page::EntityPage;

#[component]
pub fn SubjectPage() -> impl IntoView {
    view! {
        <EntityPage
            kind="User"
            body=|names| {
                let subject = names.subject.to_string();
                view! {
                    <p class="lead">"Repositories owned by " <strong>{subject}</strong> "."</p>
                }
            }
        />
    }
}
