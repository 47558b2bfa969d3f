//! Who is signed in, for every screen: loaded once, updated on sign-in and sign-out.

use leptos::prelude::*;

use crate::api;
use crate::api_types::{SessionInfo, SessionUser, SiteInfo};
use crate::endpoints;

#[derive(Clone, Copy)]
pub struct Session {
    info: RwSignal<Option<SessionInfo>>,
    loaded: RwSignal<bool>,
}

impl Session {
    pub fn user(&self) -> Option<SessionUser> {
        self.info.get().and_then(|i| i.user)
    }

    /// Whether the signed-in user is `subject` (any case).
    pub fn is(&self, subject: &str) -> bool {
        self.user()
            .is_some_and(|u| u.name.eq_ignore_ascii_case(subject))
    }

    pub fn csrf(&self) -> Option<String> {
        self.info.get_untracked().and_then(|i| i.csrf_token)
    }

    pub fn loaded(&self) -> bool {
        self.loaded.get()
    }

    pub fn set(&self, info: SessionInfo) {
        self.info.set(Some(info));
        self.loaded.set(true);
    }

    /// Signed out: no user, no token; the site stays what it was.
    pub fn clear(&self) {
        let site = self
            .info
            .get_untracked()
            .map(|i| i.site)
            .unwrap_or_default();
        self.set(SessionInfo {
            user: None,
            csrf_token: None,
            site,
        });
    }

    /// Reads the session again (a plan changed by an administrator meanwhile); replaces
    /// it only when something differs, so nothing re-renders for nothing.
    pub fn refresh(&self) {
        let this = *self;
        leptos::task::spawn_local(async move {
            if let Ok(info) = api::get(endpoints::session()).await {
                if this.info.with_untracked(|i| i.as_ref() != Some(&info)) {
                    this.set(info);
                }
            }
        });
    }

    pub fn site(&self) -> SiteInfo {
        self.info.get().map(|i| i.site).unwrap_or_default()
    }
}

/// Provides the session to the app and starts loading it.
pub fn provide_session() -> Session {
    let session = Session {
        info: RwSignal::new(None),
        loaded: RwSignal::new(false),
    };
    provide_context(session);
    leptos::task::spawn_local(async move {
        match api::get(endpoints::session()).await {
            Ok(info) => session.set(info),
            Err(_) => session.clear(),
        }
    });
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
