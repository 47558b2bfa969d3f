//! The app's root component and its route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::components::session::provide_session;
use crate::components::shell::Shell;
use crate::pages::{
    home::HomePage,
    import_github::ImportPage,
    new_repository::NewRepositoryPage,
    not_found::NotFoundPage,
    package::PackagePage,
    profile::ProfilePage,
    repository::RepositoryPage,
    sign_in::{SignInPage, SignUpPage},
    subject::SubjectPage,
    version::VersionPage,
};

/// The whole single-page app. Static routes come before the `:subject` ones so that a
/// page such as `/signin` is never read as a user name (those words are reserved).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_session();
    view! {
        <Title text="Wharf" />
        <Router>
            <Shell>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/signin") view=SignInPage />
                    <Route path=path!("/signup") view=SignUpPage />
                    <Route path=path!("/profile") view=ProfilePage />
                    <Route path=path!("/new") view=NewRepositoryPage />
                    <Route path=path!("/import/:subject/:repo") view=ImportPage />
                    <Route path=path!("/:subject") view=SubjectPage />
                    <Route path=path!("/:subject/:repo") view=RepositoryPage />
                    <Route path=path!("/:subject/:repo/:package") view=PackagePage />
                    <Route path=path!("/:subject/:repo/:package/:version") view=VersionPage />
                </Routes>
            </Shell>
        </Router>
    }
}
