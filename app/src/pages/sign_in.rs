//! `/signin` and `/signup`: one form, two purposes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::api_types::Credentials;
use crate::components::form::{ErrorNote, TextField};
use crate::components::github::{start_github, GitHubMark};
use crate::components::session::use_session;
use crate::domain::form_text::{
    check_name, check_new_password, name_rules, safe_next, server_error, Field, FormKind,
    PASSWORD_MAX, PASSWORD_MIN,
};
use crate::domain::names::NameKind;
use crate::endpoints;

#[component]
pub fn SignInPage() -> impl IntoView {
    view! { <AccountForm sign_up=false /> }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    view! { <AccountForm sign_up=true /> }
}

#[component]
fn AccountForm(sign_up: bool) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    // Back from GitHub with an identity no account has linked: offer to create one.
    let github_login = query
        .with_untracked(|q| q.get("github"))
        .filter(|_| sign_up);
    let name = RwSignal::new(github_login.clone().unwrap_or_default());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(query.with_untracked(|q| q.get("github_error")));
    let name_error = RwSignal::new(None::<String>);
    let password_error = RwSignal::new(None::<String>);
    // Where the person was before "Sign in": one of this site's pages, or their own page.
    let next = query
        .with_untracked(|q| q.get("next"))
        .and_then(|n| safe_next(&n).map(str::to_owned));
    let form_kind = if sign_up {
        FormKind::SignUp
    } else {
        FormKind::SignIn
    };
    let link_github = github_login.is_some();
    let busy = RwSignal::new(false);
    let (title, button, endpoint): (_, _, fn() -> _) = if sign_up {
        ("Create your account", "Sign up", endpoints::sign_up)
    } else {
        ("Sign in", "Sign in", endpoints::sign_in)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = Credentials {
            name: name.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            link_github,
        };
        error.set(None);
        // A new account's rules are checked here first, in the words the fields show.
        let (bad_name, bad_password) = if sign_up {
            (
                check_name(NameKind::Subject, &body.name).err(),
                check_new_password(&body.password).err(),
            )
        } else {
            (
                body.name
                    .is_empty()
                    .then(|| "Enter your user name.".to_owned()),
                body.password
                    .is_empty()
                    .then(|| "Enter your password.".to_owned()),
            )
        };
        let invalid = bad_name.is_some() || bad_password.is_some();
        name_error.set(bad_name);
        password_error.set(bad_password);
        if invalid {
            return;
        }
        busy.set(true);
        let next = next.clone();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::send(endpoint(), None, &body).await {
                Ok(info) => {
                    let target = if sign_up {
                        "/profile".to_owned()
                    } else if let Some(next) = next {
                        next
                    } else {
                        info.user
                            .as_ref()
                            .map(|u| format!("/{}", u.name))
                            .unwrap_or_else(|| "/".to_owned())
                    };
                    session.set(info);
                    navigate(&target, Default::default());
                }
                Err(e) => match server_error(form_kind, e.status, &e.message) {
                    (Field::Name, text) => name_error.set(Some(text)),
                    (Field::Password, text) => password_error.set(Some(text)),
                    (Field::Form, text) => error.set(Some(text)),
                },
            }
            busy.set(false);
        });
    };
    view! {
        <Title text=format!("{button} · Wharf") />
        <section class="card narrow">
            <h1>{title}</h1>
            {github_login.map(|login| view! {
                <p class="notice" data-testid="github-signup">
                    <GitHubMark />" GitHub user "<strong>{login}</strong>
                    " has no Wharf account yet. Choose a user name and password to create one linked to it."
                </p>
            })}
            <form class="form" on:submit=submit novalidate=true>
                <TextField
                    label="User name"
                    name="name"
                    value=name
                    required=true
                    autocomplete="username"
                    maxlength=NameKind::Subject.max_len()
                    hint=if sign_up { name_rules(NameKind::Subject) } else { String::new() }
                    error=name_error
                />
                <TextField
                    label="Password"
                    name="password"
                    value=password
                    kind="password"
                    required=true
                    autocomplete=if sign_up { "new-password" } else { "current-password" }
                    maxlength=PASSWORD_MAX
                    hint=if sign_up { format!("At least {PASSWORD_MIN} characters.") } else { String::new() }
                    error=password_error
                />
                <ErrorNote error=error />
                <button class="button" type="submit" disabled=move || busy.get()>{button}</button>
            </form>
            {move || (!sign_up && session.site().github).then(|| {
                let github_error = error;
                view! {
                    <div class="or-divider"><span>"or"</span></div>
                    <button class="button button-ghost button-wide" on:click=move |_| start_github("signin", false, github_error)>
                        <GitHubMark />" Sign in with GitHub"
                    </button>
                }
            })}
            {if sign_up {
                view! { <p class="form-alt">"Have an account? " <A href="/signin">"Sign in"</A></p> }.into_any()
            } else {
                view! { <p class="form-alt">"New here? " <A href="/signup">"Create an account"</A></p> }.into_any()
            }}
        </section>
    }
}
