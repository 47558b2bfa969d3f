//! The package form: creating a package in a repository, and editing one.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::api_types::{Package, PackageChanges};
use crate::components::form::{split_list, ErrorNote, TextField};
use crate::components::session::use_session;
use crate::domain::form_text::{check_name, name_rules, server_error, Field, FormKind};
use crate::domain::names::NameKind;
use crate::endpoints;

/// Creates a package in `owner/repo` when `existing` is `None` (then opens its page), or
/// edits `existing` (then calls `on_saved`, which reloads the page's data: the form is made
/// anew, so the page says "Saved.").
#[component]
pub fn PackageForm(
    owner: String,
    repo: String,
    #[prop(optional)] existing: Option<Package>,
    #[prop(optional)] on_saved: Option<Callback<()>>,
) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let editing = existing.is_some();
    let old = existing.as_ref();
    let text =
        |f: fn(&Package) -> Option<String>| RwSignal::new(old.and_then(f).unwrap_or_default());
    let name = text(|p| Some(p.name.clone()));
    let desc = text(|p| p.desc.clone());
    let licenses = text(|p| Some(p.licenses.join(", ")));
    let vcs = text(|p| p.vcs_url.clone());
    let website = text(|p| p.website_url.clone());
    let issues = text(|p| p.issue_tracker_url.clone());
    let labels = text(|p| Some(p.labels.join(", ")));
    let error = RwSignal::new(None::<String>);
    let name_error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Every field the form shows, so an empty text clears it on an edit; the name only
        // when creating (packages cannot be renamed).
        let text = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned());
        let body = PackageChanges {
            name: (!editing).then(|| name.get_untracked().trim().to_owned()),
            desc: text(desc),
            labels: Some(split_list(&labels.get_untracked())),
            licenses: Some(split_list(&licenses.get_untracked())),
            vcs_url: text(vcs),
            website_url: text(website),
            issue_tracker_url: text(issues),
            ..PackageChanges::default()
        };
        let navigate = navigate.clone();
        error.set(None);
        if !editing {
            name_error.set(check_name(NameKind::Package, name.get_untracked().trim()).err());
            if name_error.with_untracked(Option::is_some) {
                return;
            }
        }
        if editing {
            let endpoint = endpoints::update_package(&owner, &repo, &name.get_untracked());
            leptos::task::spawn_local(async move {
                match api::send(endpoint, session.csrf(), &body).await {
                    Ok(_) => {
                        if let Some(done) = on_saved {
                            done.run(());
                        }
                    }
                    Err(e) => error.set(Some(
                        server_error(FormKind::NewPackage, e.status, &e.message).1,
                    )),
                }
            });
        } else {
            let endpoint = endpoints::create_package(&owner, &repo);
            leptos::task::spawn_local(async move {
                match api::send(endpoint, session.csrf(), &body).await {
                    Ok(p) => navigate(
                        &format!("/{}/{}/{}", p.owner, p.repo, p.name),
                        Default::default(),
                    ),
                    Err(e) => match server_error(FormKind::NewPackage, e.status, &e.message) {
                        (Field::Name, text) => name_error.set(Some(text)),
                        (_, text) => error.set(Some(text)),
                    },
                }
            });
        }
    };
    view! {
        <details class="card disclosure">
            <summary>{if editing { "Edit package" } else { "New package" }}</summary>
            <form class="form" on:submit=submit novalidate=true>
                {(!editing).then(|| view! {
                    <TextField
                        label="Name"
                        name="package-name"
                        value=name
                        required=true
                        placeholder="e.g. my-tool"
                        maxlength=NameKind::Package.max_len()
                        hint=name_rules(NameKind::Package)
                        error=name_error
                    />
                })}
                <TextField label="Description" name="package-desc" value=desc />
                <TextField label="Licenses" name="package-licenses" value=licenses placeholder="e.g. Apache-2.0, MIT" hint="Separated by commas." />
                <TextField label="Version control URL" name="package-vcs" value=vcs kind="url" placeholder="e.g. https://github.com/you/project.git" />
                <TextField label="Website" name="package-website" value=website kind="url" />
                <TextField label="Issue tracker" name="package-issues" value=issues kind="url" />
                <TextField label="Labels" name="package-labels" value=labels placeholder="e.g. cli, tools" hint="Separated by commas." />
                <ErrorNote error=error />
                <button class="button" type="submit">{if editing { "Save changes" } else { "Create package" }}</button>
            </form>
        </details>
    }
}
