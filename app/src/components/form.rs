//! Form pieces shared by the screens.

use leptos::prelude::*;

/// A labelled text input bound to `value`.
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: &'static str,
) -> impl IntoView {
    let id = format!("field-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                placeholder=placeholder
                required=required
                autocomplete=autocomplete
                bind:value=value
            />
            {(!hint.is_empty()).then(|| view! { <p class="field-hint">{hint}</p> })}
        </div>
    }
}

/// The last error of a form, if any, announced to screen readers.
#[component]
pub fn ErrorNote(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <p class="error-note" role="alert">
                    {e}
                </p>
            }
        })
    }
}

/// Splits "a, b ,c" into ["a", "b", "c"].
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Trims; empty is `None`.
pub fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}
