//! `alice / generic / mypkg / 1.0` with a link on every step but the last.

use leptos::prelude::*;
use leptos_router::components::A;

use super::route_names::RouteNames;

#[component]
pub fn Breadcrumbs(names: RouteNames) -> impl IntoView {
    let mut steps: Vec<(String, String)> = vec![(names.subject.to_string(), names.subject_href())];
    if let (Some(repo), Some(href)) = (&names.repo, names.repo_href()) {
        steps.push((repo.to_string(), href));
    }
    if let (Some(package), Some(href)) = (&names.package, names.package_href()) {
        steps.push((package.to_string(), href));
    }
    if let (Some(version), Some(href)) = (&names.version, names.version_href()) {
        steps.push((version.to_string(), href));
    }
    let last = steps.len() - 1;
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                {steps
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, href))| {
                        if i == last {
                            view! { <li aria-current="page">{label}</li> }.into_any()
                        } else {
                            view! {
                                <li>
                                    <A href=href>{label}</A>
                                </li>
                            }
                                .into_any()
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}
