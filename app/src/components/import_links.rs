//! The ways to Import from GitHub besides Repository › Actions (issue 10 item 3): a button
//! on an empty repository, a chooser of target repositories on the user page and on the
//! profile once GitHub is linked.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::github::GitHubMark;
use crate::domain::url::path_segment as segment;
use crate::endpoints;

/// Where an import into `subject/repo` starts.
pub fn import_href(subject: &str, repo: &str) -> String {
    format!("/import/{}/{}", segment(subject), segment(repo))
}

/// "Import from GitHub" into one repository, as a button.
#[component]
pub fn ImportButton(
    subject: String,
    repo: String,
    #[prop(default = "button")] class: &'static str,
) -> impl IntoView {
    view! {
        <A href=import_href(&subject, &repo) attr:class=class attr:data-testid="import-button">
            <GitHubMark />" Import from GitHub"
        </A>
    }
}

/// The user's repositories as "Import into …" links (at most [`SHOWN`]), or, without any,
/// a way to create one first.
#[component]
pub fn ImportTargets(user: String) -> impl IntoView {
    let endpoint = endpoints::repositories(&user);
    let repos = LocalResource::new(move || {
        let endpoint = endpoint.clone();
        async move { api::get(endpoint).await }
    });
    move || {
        repos.get().map(|answer| {
            let list = answer.unwrap_or_default();
            if list.is_empty() {
                return view! {
                    <p class="import-targets-empty">
                        "Imports go into one of your repositories: "
                        <A href="/new" attr:class="button button-small">"Create a repository"</A>
                        " first, then import into it."
                    </p>
                }
                .into_any();
            }
            let more = list.len().saturating_sub(SHOWN);
            view! {
                <ul class="import-targets" data-testid="import-targets" aria-label="Import into">
                    {list
                        .into_iter()
                        .take(SHOWN)
                        .map(|r| view! {
                            <li>
                                <A href=import_href(&r.owner, &r.name) attr:class="button button-small button-ghost">
                                    <GitHubMark />{format!(" Import into {}", r.name)}
                                </A>
                            </li>
                        })
                        .collect_view()}
                    <li><A href="/new" attr:class="button button-small button-ghost">"New repository"</A></li>
                </ul>
                {(more > 0).then(|| view! {
                    <p class="muted">{format!("{more} more on ")}<A href=format!("/{user}")>"your page"</A>" (Actions › Import from GitHub)."</p>
                })}
            }
            .into_any()
        })
    }
}

/// How many target repositories [`ImportTargets`] lists.
pub const SHOWN: usize = 8;
