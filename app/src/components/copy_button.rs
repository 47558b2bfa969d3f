//! A button that copies a text to the clipboard and says so.

use leptos::prelude::*;

#[component]
pub fn CopyButton(
    text: Signal<String>,
    #[prop(default = "Copy")] label: &'static str,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let value = text.get_untracked();
        if let Some(window) = web_sys::window() {
            let promise = window.navigator().clipboard().write_text(&value);
            leptos::task::spawn_local(async move {
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    copied.set(true);
                    set_timeout(
                        move || copied.set(false),
                        std::time::Duration::from_millis(1500),
                    );
                }
            });
        }
    };
    view! {
        <button type="button" class="button button-small button-ghost" on:click=copy>
            {move || if copied.get() { "Copied" } else { label }}
        </button>
    }
}
