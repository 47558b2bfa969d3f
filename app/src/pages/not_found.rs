//! Shown for any URL that names nothing, and for anything the visitor may not see: the
//! page never hints whether a private thing exists.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <Title text="Not found · Wharf" />
        <section class="not-found" data-testid="not-found">
            <p class="not-found-code">"404"</p>
            <h1>"Nothing here"</h1>
            <p class="lead">
                "There is no page at this address, or it is not visible to you."
            </p>
            <A href="/" attr:class="button">"Back to the start"</A>
        </section>
    }
}
