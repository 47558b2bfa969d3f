//! The frame of the user, repository, package and version screens: breadcrumbs, a title
//! with its kind, and the screen's own body. An invalid name in the URL shows not-found.

use leptos::prelude::*;
use leptos_meta::Title;

use super::breadcrumbs::Breadcrumbs;
use super::route_names::{use_route_names, RouteNames};
use crate::pages::not_found::NotFoundPage;

#[component]
pub fn EntityPage<F, V>(
    /// "User", "Repository", …
    kind: &'static str,
    /// Renders the screen's body for the validated names.
    body: F,
) -> impl IntoView
where
    F: Fn(&RouteNames) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let names = use_route_names();
    move || match names.get() {
        Some(names) => {
            let title = names
                .version
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| names.package.as_ref().map(ToString::to_string))
                .or_else(|| names.repo.as_ref().map(ToString::to_string))
                .unwrap_or_else(|| names.subject.to_string());
            let body = body(&names);
            view! {
                <Title text=format!("{title} · Wharf") />
                <Breadcrumbs names=names />
                <section class="entity" data-kind=kind.to_lowercase()>
                    <p class="entity-kind">{kind}</p>
                    <h1 class="entity-title">{title}</h1>
                    {body}
                </section>
            }
            .into_any()
        }
        None => view! { <NotFoundPage /> }.into_any(),
    }
}
