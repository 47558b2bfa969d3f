//! The frame around every page: header with the product name and sign-in link, footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api_types::Health;

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
                    <A href="/signin" attr:class="button button-ghost">"Sign in"</A>
                </nav>
            </header>
            <main class="content" id="main">{children()}</main>
            <Footer />
        </div>
    }
}

/// The footer shows the server's version, read from `/healthz`: the first sign that the
/// browser reaches the API behind the page.
#[component]
fn Footer() -> impl IntoView {
    let health = LocalResource::new(|| async {
        let response = gloo_net::http::Request::get("/healthz").send().await.ok()?;
        response.json::<Health>().await.ok()
    });
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
