//! `/profile`: the signed-in user's account, with the API Key menu of the seeds: the key is
//! shown after the password is entered again, with copy and regenerate.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api;
use crate::api_types::{ApiKeyBody, GitHubStatus, PasswordConfirmation};
use crate::components::copy_button::CopyButton;
use crate::components::form::{ErrorNote, SuccessNote, TextField};
use crate::components::github::{github_status, start_github, GitHubMark};
use crate::components::import_links::ImportTargets;
use crate::components::load::Load;
use crate::components::session::use_session;
use crate::endpoints::{self, Endpoint, Post};

/// How often the profile reads the session again while it is open, so that a plan
/// changed meanwhile (`wharf user plan`) shows without a reload; also on coming back to
/// the tab.
const SESSION_REFRESH_MS: u64 = 15_000;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = use_session();
    // Only who is signed in re-renders the page; the plan is shown reactively below.
    let name = Memo::new(move |_| session.user().map(|u| u.name));
    let premium = Memo::new(move |_| session.user().is_some_and(|u| u.is_premium));
    let on_focus = window_event_listener(leptos::ev::focus, move |_| session.refresh());
    let on_visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| !d.hidden());
        if visible {
            session.refresh();
        }
    });
    let poll = set_interval_with_handle(
        move || session.refresh(),
        std::time::Duration::from_millis(SESSION_REFRESH_MS),
    )
    .ok();
    on_cleanup(move || {
        on_focus.remove();
        on_visible.remove();
        if let Some(p) = poll {
            p.clear();
        }
    });
    move || {
        if !session.loaded() {
            return view! { <p class="muted">"Loading…"</p> }.into_any();
        }
        match name.get() {
            Some(user) => view! {
                <Title text="Profile · Wharf" />
                <section class="card">
                    <h1>"Your profile"</h1>
                    <dl class="facts">
                        <dt>"User name"</dt>
                        <dd>{user.clone()}</dd>
                        <dt>"Plan"</dt>
                        <dd data-testid="plan">{move || if premium.get() { "Premium" } else { "Free" }}</dd>
                    </dl>
                    <p><A href=format!("/{user}")>"Your repositories"</A></p>
                </section>
                <GitHubSection />
                <ApiKeySection />
            }
            .into_any(),
            None => view! {
                <section class="card narrow">
                    <h1>"Profile"</h1>
                    <p>"Sign in to see your profile and API key."</p>
                    <A href="/signin?next=%2Fprofile" attr:class="button">"Sign in"</A>
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
    let call = move |endpoint: Endpoint<Post, PasswordConfirmation, ApiKeyBody>,
                     done: &'static str| {
        let body = PasswordConfirmation {
            password: password.get_untracked(),
        };
        error.set(None);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match api::send(endpoint, session.csrf(), &body).await {
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
        call(endpoints::reveal_api_key(), "");
    };
    let regenerate = move |_| {
        call(
            endpoints::regenerate_api_key(),
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
            <SuccessNote message=Signal::derive(move || notice.get().map(str::to_owned)) />
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
fn GitHubSection() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let status = github_status();
    let error = RwSignal::new(query.with_untracked(|q| q.get("github_error")));
    let notice = RwSignal::new(query.with_untracked(|q| q.get("github")).and_then(|g| {
        match g.as_str() {
            "linked" => Some("Your GitHub account is linked. Next: choose a repository below to import into."),
            "granted" => Some("Wharf can now import your private repositories too. Your GitHub link stayed connected throughout."),
            _ => None,
        }
    }));
    // The notice or error is read once: the address loses its `?github…` (replacing this
    // history entry), so a reload or going back does not say it again.
    if query.with_untracked(|q| q.get("github").is_some() || q.get("github_error").is_some()) {
        let navigate = use_navigate();
        let location = use_location();
        Effect::new(move |_| {
            let hash = location.hash.get_untracked();
            let hash = match hash.as_str() {
                "" | "#" => String::new(),
                h if h.starts_with('#') => hash.clone(),
                h => format!("#{h}"),
            };
            navigate(
                &format!("{}{hash}", location.pathname.get_untracked()),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        });
    }
    let private_access = RwSignal::new(false);
    let disconnect = move |_| {
        error.set(None);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match api::send(endpoints::github_disconnect(), session.csrf(), &()).await {
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
            <SuccessNote message=Signal::derive(move || notice.get().map(str::to_owned)) />
            <Load resource=status render={move |s: GitHubStatus| {
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
                let user = session.user().map(|u| u.name).unwrap_or_default();
                match s.linked {
                    Some(account) => view! {
                        <div class="github-account" data-testid="github-linked">
                            {account.avatar_url.clone().map(|src| view! { <img class="avatar" src=src alt="" width="40" height="40" /> })}
                            <div>
                                <p><GitHubMark />" Linked to GitHub as "<strong>{account.login.clone()}</strong></p>
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
                        // What to do next: import (issue 10 item 3).
                        <div class="next-step" data-testid="import-next">
                            <h3>"Import from GitHub"</h3>
                            <p>"Each GitHub repository becomes a package, each release a version with its notes and assets. Choose the Wharf repository that receives them:"</p>
                            <ImportTargets user=user />
                        </div>
                        {(!account.private_access).then(|| view! { <GrantPrivate premium=s.premium error=error /> })}
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
                                    <GitHubMark />" Authorize with GitHub"
                                </button>
                            </div>
                        }
                        .into_any()
                    }
                }
            }} />
            <ErrorNote error=error />
        </section>
    }
}

/// Profile › Accounts › Grant access to private repositories: a second authorization of
/// the linked account with the wider scope, instead of Disconnect and authorize again.
#[component]
fn GrantPrivate(premium: bool, error: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <div class="grant-private" data-testid="grant-private">
            <h3>"Private repositories"</h3>
            <p>
                "Wharf can import only your public repositories now. To add private ones, GitHub is asked again for read access to your private repositories (the "
                <code>"repo"</code>
                " scope). You stay connected meanwhile: nothing is disconnected or revoked, and the new authorization replaces the current one only once GitHub approves it. Approve it as the same GitHub account."
            </p>
            {if premium {
                view! {
                    <button class="button" on:click=move |_| start_github("grant", true, error)>
                        <GitHubMark />" Grant access to private repositories"
                    </button>
                }
                .into_any()
            } else {
                view! {
                    <button class="button" disabled=true>
                        <GitHubMark />" Grant access to private repositories"
                    </button>
                    <p class="field-hint">"Private repositories are for Premium accounts. Once your account is Premium, this button works; the page notices the change by itself."</p>
                }
                .into_any()
            }}
        </div>
    }
}
