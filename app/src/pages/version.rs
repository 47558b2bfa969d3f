//! `/:subject/:repo/:package/:version`: a version, its files with sizes, checksums and
//! download links, and for its owner publish, discard and delete.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{self, segment};
use crate::api_types::{File, FilesCount, PublishRequestBody, RenderedNotes, Success, Version};
use crate::components::entity_page::EntityHeader;
use crate::components::form::ErrorNote;
use crate::components::load::Load;
use crate::components::route_names::{use_route_names, RouteNames};
use crate::components::session::use_session;
use crate::domain::display::{date_part, human_size};
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
    let version_url = format!(
        "/packages/{}/{}/{}/versions/{}",
        segment(&s),
        segment(&r),
        segment(&p),
        segment(&v)
    );
    let data = LocalResource::new({
        let s = s.clone();
        move || {
            let version_url = version_url.clone();
            refresh.get();
            let own = session.is(&s);
            async move {
                let version = api::get::<Version>(&version_url).await?;
                let files_url = format!(
                    "{version_url}/files{}",
                    if own { "?include_unpublished=1" } else { "" }
                );
                let files = api::get::<Vec<File>>(&files_url).await?;
                let notes_url = format!(
                    "/api/ui/release-notes/{}",
                    version_url
                        .trim_start_matches("/packages/")
                        .replacen("/versions/", "/", 1)
                );
                let notes = api::get::<RenderedNotes>(&notes_url).await?.html;
                Ok((version, files, notes))
            }
        }
    });
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let content_url = format!(
        "/content/{}/{}/{}/{}/publish",
        segment(&s),
        segment(&r),
        segment(&p),
        segment(&v)
    );
    let act = move |discard: bool| {
        let url = content_url.clone();
        error.set(None);
        leptos::task::spawn_local(async move {
            let body = PublishRequestBody { discard };
            match api::post::<_, FilesCount>(&url, session.csrf(), &body).await {
                Ok(c) => {
                    let verb = if discard { "Discarded" } else { "Published" };
                    notice.set(Some(format!("{verb} {} files.", c.files)));
                    refresh.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let navigate = use_navigate();
    let package_page = format!("/{s}/{r}/{p}");
    let delete_url = format!(
        "/packages/{}/{}/{}/versions/{}",
        segment(&s),
        segment(&r),
        segment(&p),
        segment(&v)
    );
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
        let url = delete_url.clone();
        let navigate = navigate.clone();
        let target = package_page.clone();
        leptos::task::spawn_local(async move {
            match api::delete::<Success>(&url, session.csrf()).await {
                Ok(_) => navigate(&target, Default::default()),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <Load resource=data render={move |(version, files, notes): (Version, Vec<File>, Option<String>)| {
            let own = session.is(&version.owner);
            let act = act.clone();
            let act2 = act.clone();
            let delete = delete.clone();
            view! {
                <EntityHeader names=names.clone() kind="Version">
                    {if version.published {
                        view! { <span class="badge badge-latest">"published"</span> }.into_any()
                    } else {
                        view! { <span class="badge">"not published"</span> }.into_any()
                    }}
                    {version.prerelease.then(|| view! { <span class="badge">"pre-release"</span> })}
                </EntityHeader>
                <section class="card">
                    {version.desc.clone().map(|d| view! { <p class="lead">{d}</p> })}
                    <dl class="facts">
                        {version.released.clone().map(|d| view! { <dt>"Released"</dt><dd>{date_part(&d).to_owned()}</dd> })}
                        {version.vcs_tag.clone().map(|t| view! { <dt>"Tag"</dt><dd><code>{t}</code></dd> })}
                        <dt>"Created"</dt>
                        <dd>{date_part(&version.created).to_owned()}</dd>
                    </dl>
                    {own.then(|| view! {
                        <div class="form-actions">
                            <button class="button" on:click=move |_| act(false)>"Publish"</button>
                            <button class="button button-ghost" on:click=move |_| act2(true)>"Discard unpublished"</button>
                            <button class="button button-danger" on:click=delete.clone()>"Delete version"</button>
                        </div>
                    })}
                    <ErrorNote error=error />
                    {move || notice.get().map(|n| view! { <p class="notice">{n}</p> })}
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
                    <FileTable files=files />
                </section>
            }
        }} />
    }
}

#[component]
fn FileTable(files: Vec<File>) -> impl IntoView {
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
                    <tr><th>"Path"</th><th>"Size"</th><th>"SHA-256"</th><th></th></tr>
                </thead>
                <tbody>
                    {files
                        .into_iter()
                        .map(|f| {
                            let href = download_href(&download_base, &f);
                            view! {
                                <tr>
                                    <td class="path"><code>{f.path.clone()}</code></td>
                                    <td class="size">{human_size(f.size)}</td>
                                    <td class="digest-cell"><code class="digest" title=f.sha256.clone()>{f.sha256.chars().take(12).collect::<String>()}</code></td>
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
