//! The frame around every page: header with the product name and the account links,
//! footer.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};

use super::session::use_session;
use crate::api;
use crate::domain::form_text::sign_in_href;
use crate::endpoints;

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    view! {
        <div class="shell">
            <header class="topbar">
                <nav class="topbar-inner" aria-label="Main">
                    <A href="/" attr:class="brand">
                        <span class="brand-mark" aria-hidden="true">"⚓"</span>
                        <span class="brand-name">"Wharf"</span>
                    </A>
                    <span class="topbar-spacer"></span>
                    <AccountLinks />
                </nav>
            </header>
            <main class="content" id="main">{children()}</main>
            <Footer />
        </div>
    }
}

#[component]
fn AccountLinks() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    let sign_in = move || {
        let search = location.search.get();
        let query = if search.is_empty() {
            String::new()
        } else {
            format!("?{search}")
        };
        let here = format!("{}{query}", location.pathname.get());
        sign_in_href(&here)
    };
    let sign_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let _ = api::send(endpoints::sign_out(), session.csrf(), &()).await;
            session.clear();
            navigate("/", Default::default());
        });
    };
    move || match session.user() {
        Some(user) => {
            let home = format!("/{}", user.name);
            let sign_out = sign_out.clone();
            let title = user.name.clone();
            view! {
                <A
                    href=home
                    attr:class="topbar-link topbar-user"
                    attr:title=title
                    attr:data-testid="signed-in-user"
                >
                    {user.name.clone()}
                </A>
                <A href="/profile" attr:class="topbar-link">"Profile"</A>
                <button type="button" class="button button-ghost" on:click=sign_out>"Sign out"</button>
            }
            .into_any()
        }
        None => view! {
            <A href=sign_in attr:class="button button-ghost">"Sign in"</A>
            <A href="/signup" attr:class="button">"Sign up"</A>
        }
        .into_any(),
    }
}

/// The footer shows the server's version, read from `/healthz`: the first sign that the
/// browser reaches the API behind the page.
#[component]
fn Footer() -> impl IntoView {
    let health = LocalResource::new(|| async { api::get(endpoints::health()).await.ok() });
    let version = move || match health.get() {
        Some(Some(h)) => format!("Wharf {}", h.version),
        Some(None) => "Wharf (server unreachable)".to_owned(),
        None => "Wharf".to_owned(),
    };
    view! {
        <footer class="footer">
            <div class="footer-inner">
                <span data-testid="server-version">{version}</span>
                <span class="footer-sep" aria-hidden="true">"·"</span>
                <span>"The package host you run yourself."</span>
            </div>
        </footer>
    }
}
