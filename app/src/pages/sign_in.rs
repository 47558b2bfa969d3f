//! `/signin` and `/signup`: one form, two purposes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::api_types::{Credentials, SessionInfo};
use crate::components::form::{ErrorNote, TextField};
use crate::components::session::use_session;

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
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (title, button, url) = if sign_up {
        ("Create your account", "Sign up", "/api/ui/signup")
    } else {
        ("Sign in", "Sign in", "/api/ui/signin")
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = Credentials {
            name: name.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::post::<_, SessionInfo>(url, None, &body).await {
                Ok(info) => {
                    let target = if sign_up {
                        "/profile".to_owned()
                    } else {
                        info.user
                            .as_ref()
                            .map(|u| format!("/{}", u.name))
                            .unwrap_or_else(|| "/".to_owned())
                    };
                    session.set(info);
                    navigate(&target, Default::default());
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <Title text=format!("{button} · Wharf") />
        <section class="card narrow">
            <h1>{title}</h1>
            <form class="form" on:submit=submit>
                <TextField label="User name" name="name" value=name required=true autocomplete="username" />
                <TextField
                    label="Password"
                    name="password"
                    value=password
                    kind="password"
                    required=true
                    autocomplete=if sign_up { "new-password" } else { "current-password" }
                    hint=if sign_up { "At least 8 characters." } else { "" }
                />
                <ErrorNote error=error />
                <button class="button" type="submit" disabled=move || busy.get()>{button}</button>
            </form>
            {if sign_up {
                view! { <p class="form-alt">"Have an account? " <A href="/signin">"Sign in"</A></p> }.into_any()
            } else {
                view! { <p class="form-alt">"New here? " <A href="/signup">"Create an account"</A></p> }.into_any()
            }}
        </section>
    }
}
