//! Form pieces shared by the screens.

use leptos::prelude::*;

/// A labelled text input bound to `value`. The hint (the rules, said before anyone fails
/// them) and the field's error are linked to the input with `aria-describedby`; an error
/// marks it `aria-invalid`. `maxlength` is the server's limit, when it has one.
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional, into)] hint: String,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] error: Option<RwSignal<Option<String>>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_hint = !hint.is_empty();
    let has_error = move || error.is_some_and(|e| e.with(Option::is_some));
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_error() {
                ids.push(error_id.clone());
            }
            if has_hint {
                ids.push(hint_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=has_error>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                placeholder=(!placeholder.is_empty()).then_some(placeholder)
                required=required
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                maxlength=maxlength.map(|n| n.to_string())
                aria-invalid=move || has_error().then_some("true")
                aria-describedby=described_by
                bind:value=value
            />
            {move || {
                error.and_then(|e| e.get()).map(|text| {
                    view! {
                        <p class="field-error" id=error_id.clone()>{text}</p>
                    }
                })
            }}
            {has_hint.then(|| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
        </div>
    }
}

/// An error of the whole form (one no field owns), announced to screen readers.
#[component]
pub fn ErrorNote(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <p class="error-note" role="alert">{e}</p>
            }
        })
    }
}

/// A message that something worked, in the same shape as [`ErrorNote`] but green, and
/// announced politely.
#[component]
pub fn SuccessNote(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().filter(|m| !m.is_empty()).map(|m| {
            view! {
                <p class="success-note" role="status">{m}</p>
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
