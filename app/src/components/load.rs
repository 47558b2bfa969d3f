//! Renders a loading resource: a placeholder while it loads, the not-found page for a 404
//! (the server answers 404 for private things too), the error otherwise.

use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::pages::not_found::NotFoundPage;

#[component]
pub fn Load<T, F, V>(resource: LocalResource<Result<T, ApiFailure>>, render: F) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || match resource.get() {
        None => view! { <p class="muted loading" aria-busy="true">"Loading…"</p> }.into_any(),
        Some(Err(e)) if e.is_not_found() => view! { <NotFoundPage /> }.into_any(),
        Some(Err(e)) => view! {
            <section class="card">
                <h1>"Something went wrong"</h1>
                <p class="error-note" role="alert">{e.message}</p>
            </section>
        }
        .into_any(),
        Some(Ok(value)) => render(value).into_any(),
    }
}
