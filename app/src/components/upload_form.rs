//! Upload a file into a version from the browser, with a progress bar. The body goes
//! straight to the REST API (`PUT /api/v1/content/...`), like any other client's.

use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::form::{ErrorNote, TextField};
use super::session::use_session;
use crate::api_types::{ErrorBody, Success};
use crate::domain::url::path_segment as segment;
use crate::endpoints::{self, Endpoint, FileBytes, Put};

/// Sends `file` with progress reports; calls `done` with the outcome.
fn put_with_progress(
    endpoint: Endpoint<Put, FileBytes, Success>,
    csrf: Option<String>,
    file: &web_sys::File,
    progress: RwSignal<f64>,
    done: impl FnOnce(Result<(), String>) + 'static,
) -> Result<(), String> {
    let js = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let xhr = web_sys::XmlHttpRequest::new().map_err(js)?;
    xhr.open(endpoint.verb().as_str(), endpoint.path())
        .map_err(js)?;
    if let Some(token) = csrf {
        xhr.set_request_header("X-CSRF-Token", &token).map_err(js)?;
    }
    let on_progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(e.loaded() / e.total());
            }
        });
    xhr.upload()
        .map_err(js)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    on_progress.forget();
    let finished = xhr.clone();
    let on_end: Closure<dyn FnMut(web_sys::Event)> = Closure::once(move |_: web_sys::Event| {
        let status = finished.status().unwrap_or(0);
        if status == 201 || status == 200 {
            progress.set(1.0);
            done(Ok(()));
        } else {
            let text = finished.response_text().ok().flatten().unwrap_or_default();
            let message = serde_json::from_str::<ErrorBody>(&text)
                .map(|b| b.message)
                .unwrap_or_else(|_| {
                    if status == 0 {
                        "The upload was interrupted".to_owned()
                    } else {
                        format!("The server answered {status}")
                    }
                });
            done(Err(message));
        }
    });
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    on_end.forget();
    xhr.send_with_opt_blob(Some(file)).map_err(js)?;
    Ok(())
}

#[component]
pub fn UploadForm(
    owner: String,
    repo: String,
    package: String,
    latest: Option<String>,
) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let file_input = NodeRef::<Input>::new();
    let version = RwSignal::new(latest.unwrap_or_default());
    let path = RwSignal::new(String::new());
    let publish = RwSignal::new(true);
    let progress = RwSignal::new(None::<f64>);
    let bar = RwSignal::new(0.0f64);
    let error = RwSignal::new(None::<String>);
    let on_file = move |_| {
        let name = file_input
            .get()
            .and_then(|i| i.files())
            .and_then(|f| f.item(0))
            .map(|f| f.name());
        if let Some(name) = name {
            if path.get_untracked().trim().is_empty() {
                path.set(name);
            }
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(file) = file_input
            .get()
            .and_then(|i| i.files())
            .and_then(|f| f.item(0))
        else {
            error.set(Some("Choose a file first".to_owned()));
            return;
        };
        let v = version.get_untracked().trim().to_owned();
        let p = path
            .get_untracked()
            .trim()
            .trim_start_matches('/')
            .to_owned();
        if v.is_empty() || p.is_empty() {
            error.set(Some("A version and a path are needed".to_owned()));
            return;
        }
        let endpoint =
            endpoints::upload((&owner, &repo, &package, &v), &p, publish.get_untracked());
        let target = format!(
            "/{}/{}/{}/{}",
            segment(&owner),
            segment(&repo),
            segment(&package),
            segment(&v)
        );
        let navigate = navigate.clone();
        bar.set(0.0);
        progress.set(Some(0.0));
        let started = put_with_progress(endpoint, session.csrf(), &file, bar, move |outcome| {
            progress.set(None);
            match outcome {
                Ok(()) => navigate(&target, Default::default()),
                Err(message) => error.set(Some(message)),
            }
        });
        if let Err(e) = started {
            progress.set(None);
            error.set(Some(e));
        }
    };
    view! {
        <details class="card disclosure">
            <summary>"Upload a file"</summary>
            <form class="form" on:submit=submit>
                <div class="field">
                    <label for="field-upload-file">"File"</label>
                    <input id="field-upload-file" type="file" node_ref=file_input on:change=on_file />
                </div>
                <TextField label="Version" name="upload-version" value=version required=true hint="Created if it does not exist." />
                <TextField label="Path in the repository" name="upload-path" value=path required=true />
                <div class="field field-check">
                    <input id="field-upload-publish" type="checkbox" bind:checked=publish />
                    <label for="field-upload-publish">"Publish now"</label>
                </div>
                <ErrorNote error=error />
                {move || progress.get().map(|_| {
                    view! {
                        <progress
                            class="upload-progress"
                            max="1"
                            prop:value=move || bar.get()
                            aria-label="Upload progress"
                        ></progress>
                    }
                })}
                <button class="button" type="submit" disabled=move || progress.get().is_some()>"Upload"</button>
            </form>
        </details>
    }
}
