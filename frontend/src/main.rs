//! Mounts Wharf's single-page app. Trunk builds this for `wasm32-unknown-unknown`;
//! on the host it is an empty program so workspace-wide commands stay harmless.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
