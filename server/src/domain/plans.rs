//! Account plans, Free and Premium (Bintray's plans), and what each one allows. This is
//! the only place the plan rule is written. The session's `is_premium`, the OAuth flow's
//! "Access private repositories" and every import step all call a [`Plans`].

use crate::domain::github_auth::grants_private;
use crate::infra::db::{GitHubLink, UserRecord};

/// The plan rule for this server. `all_premium` is `WHARF_ALL_PREMIUM`: every account
/// counts as Premium, as on a server whose owner pays for everyone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Plans {
    all_premium: bool,
}

impl Plans {
    pub fn new(all_premium: bool) -> Plans {
        Plans { all_premium }
    }

    /// Whether `user` is on Premium: its own plan (`wharf user plan`), or every account.
    pub fn is_premium(&self, user: &UserRecord) -> bool {
        self.all_premium || user.is_premium
    }

    /// [`Plans::is_premium`] for whoever asks. Someone who is signed out is on Free,
    /// unless every account is Premium.
    pub fn caller_is_premium(&self, user: Option<&UserRecord>) -> bool {
        self.all_premium || user.is_some_and(|u| u.is_premium)
    }

    /// Whether `user` may list and import private GitHub repositories. They need a
    /// Premium account whose GitHub link granted the `repo` scope ("Access private
    /// repositories"). A grant outlives a move back to Free, and this rule does not
    /// honour it then. The listing, the start of a job and each item of a running job
    /// all call this, with the user read afresh each time.
    pub fn may_import_private(&self, user: &UserRecord, link: &GitHubLink) -> bool {
        self.is_premium(user) && grants_private(&link.scopes)
    }
}

#[cfg(test)]
mod tests {
    use super::Plans;
    use crate::infra::db::{GitHubLink, UserId, UserRecord};

    fn user(premium: bool) -> UserRecord {
        UserRecord {
            id: UserId(1),
            name: "alice".into(),
            password_hash: String::new(),
            api_key_mac: String::new(),
            api_key_sealed: String::new(),
            is_admin: false,
            is_premium: premium,
            created_at: 0,
        }
    }

    fn link(scopes: &str) -> GitHubLink {
        GitHubLink {
            user_id: UserId(1),
            github_id: 7,
            login: "octo".into(),
            avatar_url: None,
            token_sealed: String::new(),
            scopes: scopes.into(),
        }
    }

    #[test]
    fn premium_is_the_account_s_plan_or_everyone_s() {
        assert!(Plans::new(false).is_premium(&user(true)));
        assert!(!Plans::new(false).is_premium(&user(false)));
        assert!(Plans::new(true).is_premium(&user(false)));
        assert!(Plans::new(true).caller_is_premium(None));
        assert!(!Plans::new(false).caller_is_premium(None));
        assert!(Plans::new(true).caller_is_premium(Some(&user(false))));
    }

    #[test]
    fn private_repositories_need_premium_and_the_grant() {
        let plans = Plans::new(false);
        assert!(plans.may_import_private(&user(true), &link("read:user,repo")));
        assert!(!plans.may_import_private(&user(true), &link("read:user")));
        // Back on Free: the grant alone is not enough.
        assert!(!plans.may_import_private(&user(false), &link("read:user,repo")));
        assert!(Plans::new(true).may_import_private(&user(false), &link("repo")));
    }
}
