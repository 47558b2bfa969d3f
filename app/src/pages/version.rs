//! `/:subject/:repo/:package/:version`: a version, its files with sizes, whole SHA-256
//! checksums (with a copy button) and download links, and for its owner only the actions
//! that apply ([`crate::domain::version_actions`]).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::api_types::{File, PublishRequest, Version, VersionFile};
use crate::components::copy_button::CopyButton;
use crate::components::entity_page::EntityHeader;
use crate::components::form::{ErrorNote, SuccessNote};
use crate::components::load::Load;
use crate::components::route_names::{use_route_names, RouteNames};
use crate::components::session::use_session;
use crate::domain::display::{count, date_part, human_size};
use crate::domain::version_actions::{version_actions, FileState};
use crate::endpoints;
use crate::pages::not_found::NotFoundPage;

#[component]
pub fn VersionPage() -> impl IntoView {
    let names = use_route_names();
    move || match names.get() {
        Some(n) if n.version.is_some() => view! { <VersionView names=n /> }.into_any(),
        _ => view! { <NotFoundPage /> }.into_any(),
    }
}

#[component]
fn VersionView(names: RouteNames) -> impl IntoView {
    let session = use_session();
    let refresh = RwSignal::new(0u32);
    let (s, r, p, v) = names.strings();
    let parts = (s.clone(), r.clone(), p.clone(), v.clone());
    let data = LocalResource::new(move || {
        let (s, r, p, v) = &parts;
        let version = endpoints::version(s, r, p, v);
        let files = endpoints::version_files(s, r, p, v);
        let notes = endpoints::rendered_notes(s, r, p, v);
        refresh.get();
        // Unpublished files appear once the owner is known.
        let _ = session.user();
        async move {
            let version = api::get(version).await?;
            let files = api::get(files).await?.files;
            let notes = api::get(notes).await?.html;
            Ok((version, files, notes))
        }
    });
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let publish = endpoints::publish(&s, &r, &p, &v);
    let act = move |discard: bool| {
        let endpoint = publish.clone();
        error.set(None);
        leptos::task::spawn_local(async move {
            let body = PublishRequest {
                discard: Some(discard),
                publish_wait_for_secs: None,
            };
            match api::send(endpoint, session.csrf(), &body).await {
                Ok(c) => {
                    let verb = if discard { "Discarded" } else { "Published" };
                    let n = usize::try_from(c.files).unwrap_or(0);
                    notice.set(Some(format!("{verb} {}.", count(n, "file"))));
                    refresh.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let navigate = use_navigate();
    let package_page = format!("/{s}/{r}/{p}");
    let delete_version = endpoints::delete_version(&s, &r, &p, &v);
    let delete = move |_| {
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message("Delete this version and its files?")
                    .ok()
            })
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let endpoint = delete_version.clone();
        let navigate = navigate.clone();
        let target = package_page.clone();
        leptos::task::spawn_local(async move {
            match api::delete(endpoint, session.csrf()).await {
                Ok(_) => navigate(&target, Default::default()),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <Load resource=data render={move |(version, files, notes): (Version, Vec<VersionFile>, Option<String>)| {
            let own = session.is(&version.owner);
            let act = act.clone();
            let act2 = act.clone();
            let delete = delete.clone();
            let states: Vec<FileState> = files
                .iter()
                .map(|f| FileState { path: &f.file.path, published: f.published })
                .collect();
            let actions = version_actions(&states);
            view! {
                <EntityHeader names=names.clone() kind="Version">
                    {if version.published {
                        view! { <span class="badge badge-latest">"published"</span> }.into_any()
                    } else {
                        view! { <span class="badge">"not published"</span> }.into_any()
                    }}
                    {version.prerelease.then(|| view! { <span class="badge badge-pre">"pre-release"</span> })}
                </EntityHeader>
                <section class="card">
                    {version.desc.clone().map(|d| view! { <p class="lead">{d}</p> })}
                    <dl class="facts">
                        {version.released.clone().map(|d| view! { <dt>"Released"</dt><dd>{date_part(&d).to_owned()}</dd> })}
                        {version.vcs_tag.clone().map(|t| view! { <dt>"Tag"</dt><dd><code>{t}</code></dd> })}
                        <dt>"Created"</dt>
                        <dd>{date_part(&version.created).to_owned()}</dd>
                    </dl>
                    {own.then(|| {
                        let unpublished = actions.unpublished.clone();
                        view! {
                            <div class="version-state" data-testid="version-state">
                                <p class="version-summary">{actions.summary.clone()}</p>
                                {(!unpublished.is_empty()).then(|| view! {
                                    <ul class="unpublished-list" aria-label="Unpublished files">
                                        {unpublished.into_iter().map(|p| view! { <li><code>{p}</code></li> }).collect_view()}
                                    </ul>
                                })}
                            </div>
                            <div class="form-actions" data-testid="version-actions">
                                {actions.publish.clone().map(|label| view! {
                                    <button class="button" on:click=move |_| act(false)>{label}</button>
                                })}
                                {actions.discard.clone().map(|label| view! {
                                    <button class="button button-ghost" on:click=move |_| act2(true)>{label}</button>
                                })}
                                <button class="button button-danger" on:click=delete.clone()>"Delete version"</button>
                            </div>
                        }
                    })}
                    <ErrorNote error=error />
                    <SuccessNote message=notice />
                </section>
                {notes.map(|html| view! {
                    <section class="card" aria-labelledby="notes-title">
                        <h2 id="notes-title">"Release notes"</h2>
                        // Sanitised by the server (ammonia) before it gets here.
                        <div class="release-notes" data-testid="release-notes" inner_html=html></div>
                    </section>
                })}
                <section class="card" aria-labelledby="files-title">
                    <h2 id="files-title">"Files"</h2>
                    <FileTable files=files own=own />
                </section>
            }
        }} />
    }
}

/// The files: a table on desktops, a card per file on phones (CSS), each with its whole
/// SHA-256 and a button that copies it.
#[component]
fn FileTable(files: Vec<VersionFile>, own: bool) -> impl IntoView {
    let download_base = crate::components::session::use_session()
        .site()
        .download_base;
    if files.is_empty() {
        return view! { <p class="muted">"No files to show."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="files" data-testid="file-table">
                <thead>
                    <tr><th>"Path"</th><th>"Size"</th><th>"SHA-256"</th><th><span class="visually-hidden">"Download"</span></th></tr>
                </thead>
                <tbody>
                    {files
                        .into_iter()
                        .map(|VersionFile { file: f, published }| {
                            let href = download_href(&download_base, &f);
                            let sha = f.sha256.clone();
                            let copy = Signal::derive(move || sha.clone());
                            view! {
                                <tr>
                                    <td class="path">
                                        <code>{f.path.clone()}</code>
                                        {(own && !published).then(|| view! { <span class="badge">"not published"</span> })}
                                    </td>
                                    <td class="size" data-label="Size">{human_size(f.size)}</td>
                                    <td class="digest-cell" data-label="SHA-256">
                                        <div class="digest-wrap">
                                            <code class="digest-full" data-testid="sha256">{f.sha256.clone()}</code>
                                            <CopyButton text=copy label="Copy SHA-256" />
                                        </div>
                                    </td>
                                    <td class="action"><a href=href download=f.name.clone() class="button button-small">"Download"</a></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A file's download link, on this host or the configured download host.
fn download_href(base: &str, f: &File) -> String {
    use crate::domain::url::path_segment;
    let path: Vec<String> = f.path.split('/').map(path_segment).collect();
    format!(
        "{}/{}/{}/{}",
        base.trim_end_matches('/'),
        path_segment(&f.owner),
        path_segment(&f.repo),
        path.join("/")
    )
}
