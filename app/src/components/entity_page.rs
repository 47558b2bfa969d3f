//! The head of the user, repository, package and version screens: breadcrumbs, the kind
//! and the title.

use leptos::prelude::*;
use leptos_meta::Title;

use super::breadcrumbs::Breadcrumbs;
use super::route_names::RouteNames;

#[component]
pub fn EntityHeader(
    names: RouteNames,
    /// "User", "Repository", …
    kind: &'static str,
    /// Badges or buttons beside the title.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let title = names
        .version
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| names.package.as_ref().map(ToString::to_string))
        .or_else(|| names.repo.as_ref().map(ToString::to_string))
        .unwrap_or_else(|| names.subject.to_string());
    view! {
        <Title text=format!("{title} · Wharf") />
        <Breadcrumbs names=names />
        <div class="entity-head" data-kind=kind.to_lowercase()>
            <div>
                <p class="entity-kind">{kind}</p>
                <h1 class="entity-title">{title}</h1>
            </div>
            <div class="entity-actions">{children.map(|c| c())}</div>
        </div>
    }
}
