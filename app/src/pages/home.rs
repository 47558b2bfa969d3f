//! `/`: search first, then what there is to discover (public repositories, recently
//! published packages), then what Wharf is. `/?q=word` is a search anyone can share.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::api_types::Package;
use crate::components::session::use_session;
use crate::domain::display::date_part;
use crate::domain::url::path_segment as segment;
use crate::endpoints::{self, PackageSearchBy};

/// Packages whose name or description holds `q` (the public search API, which reads
/// `name` and `desc` separately): name matches first, each package once.
async fn search(q: String) -> Result<Vec<Package>, api::ApiFailure> {
    let mut found = api::get(endpoints::search_packages(PackageSearchBy::Name, &q)).await?;
    let by_desc = api::get(endpoints::search_packages(PackageSearchBy::Desc, &q)).await?;
    for p in by_desc {
        if !found
            .iter()
            .any(|f| f.owner == p.owner && f.repo == p.repo && f.name == p.name)
        {
            found.push(p);
        }
    }
    Ok(found)
}

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let q = Memo::new(move |_| {
        query
            .with(|m| m.get("q"))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    });
    let typed = RwSignal::new(q.get_untracked());
    let results = LocalResource::new(move || {
        let q = q.get();
        async move {
            if q.is_empty() {
                None
            } else {
                Some(search(q).await)
            }
        }
    });
    let explore = LocalResource::new(|| async { api::get(endpoints::explore()).await.ok() });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = typed.get_untracked().trim().to_owned();
        let to = if t.is_empty() {
            "/".to_owned()
        } else {
            format!("/?q={}", crate::domain::url::query_value(&t))
        };
        navigate(&to, Default::default());
    };
    view! {
        <Title text="Wharf · packages you host yourself" />
        <section class="hero home-search">
            <h1>"Your packages, on your own wharf."</h1>
            <form class="search-form" role="search" on:submit=submit>
                <label for="home-search" class="visually-hidden">"Search packages"</label>
                <input
                    id="home-search"
                    type="search"
                    name="q"
                    placeholder="Search packages by name or description"
                    maxlength="128"
                    bind:value=typed
                />
                <button class="button" type="submit">"Search"</button>
            </form>
        </section>
        {move || results.get().flatten().map(|r| view! { <SearchResults q=q.get_untracked() found=r /> })}
        <div class="columns discover">
            <section class="card" aria-labelledby="recent-title">
                <h2 id="recent-title">"Recently published"</h2>
                {move || match explore.get() {
                    None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                    Some(Some(e)) if !e.packages.is_empty() => view! {
                        <ul class="item-list" data-testid="recent-packages">
                            {e.packages.into_iter().map(|p| {
                                let href = format!("/{}/{}/{}", p.owner, p.repo, p.name);
                                let version_href = format!("{href}/{}", segment(&p.version));
                                view! {
                                    <li class="discover-item">
                                        <A href=href>{p.name.clone()}</A>
                                        " "
                                        <A href=version_href attr:class="badge">{p.version.clone()}</A>
                                        <span class="muted discover-meta">
                                            {format!("{} / {} · {}", p.owner, p.repo, date_part(&p.published))}
                                        </span>
                                        {p.desc.map(|d| view! { <p class="muted discover-desc">{d}</p> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Some(_) => view! { <p class="muted">"Nothing has been published yet."</p> }.into_any(),
                }}
            </section>
            <section class="card" aria-labelledby="public-repos-title">
                <h2 id="public-repos-title">"Public repositories"</h2>
                {move || match explore.get() {
                    None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                    Some(Some(e)) if !e.repositories.is_empty() => view! {
                        <ul class="item-list" data-testid="public-repositories">
                            {e.repositories.into_iter().map(|r| {
                                let href = format!("/{}/{}", r.owner, r.name);
                                let count = match r.package_count {
                                    1 => "1 package".to_owned(),
                                    n => format!("{n} packages"),
                                };
                                view! {
                                    <li class="discover-item">
                                        <A href=href>{format!("{} / {}", r.owner, r.name)}</A>
                                        <span class="muted discover-meta">{format!("{} · {count}", r.repo_type)}</span>
                                        {r.desc.map(|d| view! { <p class="muted discover-desc">{d}</p> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Some(_) => view! { <p class="muted">"No public repositories yet."</p> }.into_any(),
                }}
            </section>
        </div>
        <Show when=move || session.loaded() && session.user().is_none()>
            <section class="home-join">
                <p class="lead">
                    "Repositories, packages, versions and files with a Bintray-compatible REST API, "
                    "Docker registries, and Import from GitHub: tick your repositories and releases, "
                    "and they become packages and versions."
                </p>
                <div class="hero-actions">
                    <A href="/signup" attr:class="button">"Create an account"</A>
                    <A href="/signin" attr:class="button button-ghost">"Sign in"</A>
                </div>
            </section>
        </Show>
        <section class="features" aria-label="Features">
            <article class="feature">
                <h2>"Import from GitHub"</h2>
                <p>"Every repository and release as a checkbox tree. Repositories become packages, releases become versions."</p>
            </article>
            <article class="feature">
                <h2>"Bintray's REST API"</h2>
                <p>"Scripts and build tools written for api.bintray.com work by changing the base URL."</p>
            </article>
            <article class="feature">
                <h2>"Docker registries"</h2>
                <p>"Each docker repository is a registry: log in with your API key, push and pull."</p>
            </article>
            <article class="feature">
                <h2>"Shareable pages"</h2>
                <p>"Every repository, package and version has its own link that previews well when pasted."</p>
            </article>
        </section>
    }
}

#[component]
fn SearchResults(q: String, found: Result<Vec<Package>, api::ApiFailure>) -> impl IntoView {
    view! {
        <section class="card search-results" aria-labelledby="results-title" aria-live="polite" data-testid="search-results">
            {match found {
                Err(e) => view! {
                    <h2 id="results-title">"Search"</h2>
                    <p class="error-note" role="alert">{crate::domain::form_text::sentence(&e.message)}</p>
                }.into_any(),
                Ok(list) => {
                    let heading = match list.len() {
                        0 => format!("No packages match \u{201c}{q}\u{201d}"),
                        1 => format!("1 package matches \u{201c}{q}\u{201d}"),
                        n => format!("{n} packages match \u{201c}{q}\u{201d}"),
                    };
                    view! {
                        <h2 id="results-title">{heading}</h2>
                        <ul class="item-list">
                            {list.into_iter().map(|p| {
                                let href = format!("/{}/{}/{}", p.owner, p.repo, p.name);
                                view! {
                                    <li class="discover-item">
                                        <A href=href>{p.name.clone()}</A>
                                        {p.latest_version.map(|v| view! { " " <span class="badge">{v}</span> })}
                                        <span class="muted discover-meta">{format!("{} / {}", p.owner, p.repo)}</span>
                                        {p.desc.map(|d| view! { <p class="muted discover-desc">{d}</p> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}
