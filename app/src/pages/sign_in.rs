//! `/signin`.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignInPage() -> impl IntoView {
    view! {
        <Title text="Sign in · Wharf" />
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <p class="lead">
                "Accounts are created by the server's administrator for now:"
            </p>
            <pre class="snippet"><code>"wharf user add NAME"</code></pre>
            <p>
                "The command prints the new account's API key, which REST clients use as the password of HTTP Basic authentication."
            </p>
        </section>
    }
}
