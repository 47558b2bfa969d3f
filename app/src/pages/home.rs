//! `/`: what Wharf is and where to start.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Wharf · packages you host yourself" />
        <section class="hero">
            <h1>"Your packages, on your own wharf."</h1>
            <p class="lead">
                "Repositories, packages, versions and files with a Bintray-compatible REST API, "
                "Docker registries, and Import from GitHub: tick your repositories and releases, "
                "and they become packages and versions."
            </p>
            <div class="hero-actions">
                <A href="/signup" attr:class="button">"Create an account"</A>
                <A href="/signin" attr:class="button button-ghost">"Sign in"</A>
            </div>
        </section>
        <section class="features" aria-label="Features">
            <article class="feature">
                <h2>"Import from GitHub"</h2>
                <p>"Every repository and release as a checkbox tree. Repositories become packages, releases become versions."</p>
            </article>
            <article class="feature">
                <h2>"Bintray's REST API"</h2>
                <p>"Scripts and build tools written for api.bintray.com work by changing the base URL."</p>
            </article>
            <article class="feature">
                <h2>"Docker registries"</h2>
                <p>"Each docker repository is a registry: log in with your API key, push and pull."</p>
            </article>
            <article class="feature">
                <h2>"Shareable pages"</h2>
                <p>"Every repository, package and version has its own link that previews well when pasted."</p>
            </article>
        </section>
    }
}
