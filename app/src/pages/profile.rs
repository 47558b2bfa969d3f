//! `/profile`: the signed-in user's account, with the API Key menu of the seeds: the key is
//! shown after the password is entered again, with copy and regenerate.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::api_types::{ApiKeyBody, GithubStatus, PasswordConfirmation, Success};
use crate::components::copy_button::CopyButton;
use crate::components::form::{ErrorNote, TextField};
use crate::components::github::{github_status, start_github, GithubMark};
use crate::components::load::Load;
use crate::components::session::use_session;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = use_session();
    move || {
        if !session.loaded() {
            return view! { <p class="muted">"Loading…"</p> }.into_any();
        }
        match session.user() {
            Some(user) => view! {
                <Title text="Profile · Wharf" />
                <section class="card">
                    <h1>"Your profile"</h1>
                    <dl class="facts">
                        <dt>"User name"</dt>
                        <dd>{user.name.clone()}</dd>
                        <dt>"Plan"</dt>
                        <dd>{if user.is_premium { "Premium" } else { "Free" }}</dd>
                    </dl>
                    <p><A href=format!("/{}", user.name)>"Your repositories"</A></p>
                </section>
                <GithubSection />
                <ApiKeySection />
            }
            .into_any(),
            None => view! {
                <section class="card narrow">
                    <h1>"Profile"</h1>
                    <p>"Sign in to see your profile and API key."</p>
                    <A href="/signin" attr:class="button">"Sign in"</A>
                </section>
            }
            .into_any(),
        }
    }
}

#[component]
fn ApiKeySection() -> impl IntoView {
    let session = use_session();
    let password = RwSignal::new(String::new());
    let key = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<&'static str>);
    let call = move |url: &'static str, done: &'static str| {
        let body = PasswordConfirmation {
            password: password.get_untracked(),
        };
        error.set(None);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match api::post::<_, ApiKeyBody>(url, session.csrf(), &body).await {
                Ok(k) => {
                    key.set(Some(k.api_key));
                    notice.set(Some(done));
                    password.set(String::new());
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let reveal = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        call("/api/ui/api-key/reveal", "");
    };
    let regenerate = move |_| {
        call(
            "/api/ui/api-key/regenerate",
            "A new key was made; the old one no longer works.",
        )
    };
    view! {
        <section class="card" id="api-key" aria-labelledby="api-key-title">
            <h2 id="api-key-title">"API Key"</h2>
            <p class="muted">
                "REST clients, CI systems and docker login use your user name with this key as the password."
            </p>
            <form class="form inline-form" on:submit=reveal>
                <TextField
                    label="Your password"
                    name="confirm-password"
                    value=password
                    kind="password"
                    required=true
                    autocomplete="current-password"
                />
                <div class="form-actions">
                    <button class="button" type="submit">"Show API key"</button>
                    <button class="button button-ghost" type="button" on:click=regenerate>
                        "Regenerate"
                    </button>
                </div>
            </form>
            <ErrorNote error=error />
            {move || notice.get().filter(|n| !n.is_empty()).map(|n| view! { <p class="notice">{n}</p> })}
            {move || {
                key.get()
                    .map(|k| {
                        let text = Signal::derive(move || key.get().unwrap_or_default());
                        view! {
                            <div class="secret-row">
                                <code class="secret" data-testid="api-key">{k}</code>
                                <CopyButton text=text />
                            </div>
                        }
                    })
            }}
        </section>
    }
}

/// Profile › Accounts: link a GitHub account (the seeds' "Authorize with GitHub"), see it,
/// disconnect it.
#[component]
fn GithubSection() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let status = github_status();
    let error = RwSignal::new(query.with_untracked(|q| q.get("github_error")));
    let notice = RwSignal::new(
        query
            .with_untracked(|q| q.get("github"))
            .filter(|g| g == "linked")
            .map(|_| "Your GitHub account is linked."),
    );
    let private_access = RwSignal::new(false);
    let disconnect = move |_| {
        error.set(None);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match api::post::<_, Success>("/api/ui/github/disconnect", session.csrf(), &()).await {
                Ok(_) => {
                    notice.set(Some("GitHub is disconnected and its token revoked."));
                    status.refetch();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <section class="card" id="accounts" aria-labelledby="accounts-title">
            <h2 id="accounts-title">"Accounts"</h2>
            <Load resource=status render={move |s: GithubStatus| {
                if !s.configured {
                    return view! {
                        <p class="muted" data-testid="github-not-configured">
                            "GitHub is not configured on this server. Its administrator can set "
                            <code>"WHARF_GITHUB_CLIENT_ID"</code>" and "<code>"WHARF_GITHUB_CLIENT_SECRET"</code>
                            " (a GitHub OAuth app) to enable Import from GitHub and Sign in with GitHub."
                        </p>
                    }
                    .into_any();
                }
                match s.linked {
                    Some(account) => view! {
                        <div class="github-account" data-testid="github-linked">
                            {account.avatar_url.clone().map(|src| view! { <img class="avatar" src=src alt="" width="40" height="40" /> })}
                            <div>
                                <p><GithubMark />" Linked to GitHub as "<strong>{account.login.clone()}</strong></p>
                                <p class="muted">
                                    {if account.private_access {
                                        "Public and private repositories can be imported."
                                    } else {
                                        "Public repositories can be imported."
                                    }}
                                </p>
                            </div>
                            <button class="button button-ghost" on:click=disconnect>"Disconnect"</button>
                        </div>
                    }
                    .into_any(),
                    None => {
                        let premium = s.premium;
                        view! {
                            <p class="muted">
                                "Link your GitHub account to import its repositories and releases, and to sign in with GitHub."
                            </p>
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name="private-access"
                                    disabled=!premium
                                    bind:checked=private_access
                                />
                                " Access private repositories"
                            </label>
                            {(!premium).then(|| view! { <p class="field-hint">"Private repositories are for Premium accounts."</p> })}
                            <div class="form-actions">
                                <button
                                    class="button"
                                    on:click=move |_| start_github("link", private_access.get_untracked(), error)
                                >
                                    <GithubMark />" Authorize with GitHub"
                                </button>
                            </div>
                        }
                        .into_any()
                    }
                }
            }} />
            <ErrorNote error=error />
            {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        </section>
    }
}
