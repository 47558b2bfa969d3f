//! What the forms say to a person: the rules of a name before it is typed, each refusal in
//! plain words at the field it concerns, and where to go after signing in. The one place
//! that turns domain and server errors into user text; pure, so it is tested on the host.

use super::names::{NameError, NameKind, PackageName, RepositoryName, SubjectName};

/// The fewest characters a password may have (the server's rule too).
pub const PASSWORD_MIN: usize = 8;
/// The most characters a password may have (the server's rule too).
pub const PASSWORD_MAX: usize = 1024;

/// The field of a form an error belongs to; `Form` when it concerns no one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Password,
    Form,
}

/// What a form is for, to read the server's refusals in context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    SignIn,
    SignUp,
    NewRepository,
    NewPackage,
}

/// The rules of a name, shown under its field before anything is typed.
pub fn name_rules(kind: NameKind) -> String {
    let max = kind.max_len();
    match kind {
        NameKind::Package => format!(
            "Letters, digits, hyphens (-), underscores (_) and dots (.), starting with a letter \
             or digit; a colon (:) between parts for Docker images. Up to {max} characters."
        ),
        NameKind::Version => format!("No spaces or slashes. Up to {max} characters."),
        _ => format!(
            "Letters, digits, hyphens (-), underscores (_) and dots (.), starting with a letter \
             or digit. Up to {max} characters."
        ),
    }
}

/// How one refused character reads: a space is hard to see between quotes.
fn character(c: char) -> String {
    match c {
        ' ' => "Spaces are".to_owned(),
        '/' => "Slashes (/) are".to_owned(),
        c if c.is_whitespace() || c.is_control() => "Invisible characters are".to_owned(),
        c => format!("\u{201c}{c}\u{201d} is"),
    }
}

/// A refused name in plain words: what is wrong and what to do instead.
pub fn name_error(e: &NameError) -> String {
    match e {
        NameError::Empty { kind } => format!("Enter a {kind} name."),
        NameError::TooLong { max, .. } => format!("Use at most {max} characters."),
        NameError::BadStart {
            kind: NameKind::Version,
        } => "Start with a letter or a digit, not a dot, hyphen or underscore.".to_owned(),
        NameError::BadStart { .. } => "Start with a letter or a digit.".to_owned(),
        // The rules stand under the field already: say only what is wrong.
        NameError::BadChar { kind, found, .. } => {
            format!("{} not allowed in a {kind} name.", character(*found))
        }
        NameError::DotDot { .. } => "Two dots in a row (..) are not allowed.".to_owned(),
        NameError::DockerSeparator { .. } => {
            "\u{201c}-docker-\u{201d} is not allowed in a name: Docker host names use it."
                .to_owned()
        }
        NameError::Reserved { name, .. } => {
            format!("\u{201c}{name}\u{201d} is a word Wharf uses for its own pages. Choose another name.")
        }
    }
}

/// Checks a name as the server will, and says what is wrong in plain words.
pub fn check_name(kind: NameKind, s: &str) -> Result<(), String> {
    let checked = match kind {
        NameKind::Subject => SubjectName::parse(s).map(drop),
        NameKind::Repository => RepositoryName::parse(s).map(drop),
        NameKind::Package => PackageName::parse(s).map(drop),
        NameKind::Version => super::names::VersionName::parse(s).map(drop),
    };
    checked.map_err(|e| name_error(&e))
}

/// Checks a new password's length (counted in characters, as the server does).
pub fn check_new_password(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if n < PASSWORD_MIN {
        Err(format!("Use at least {PASSWORD_MIN} characters."))
    } else if n > PASSWORD_MAX {
        Err(format!("Use at most {PASSWORD_MAX} characters."))
    } else {
        Ok(())
    }
}

/// A server's refusal of a form, as the field it concerns and the words to show there.
/// The server's own text is kept for what this does not know, written as a sentence.
pub fn server_error(form: FormKind, status: u16, message: &str) -> (Field, String) {
    let lower = message.to_ascii_lowercase();
    match (form, status) {
        (FormKind::SignIn, 401) => (
            Field::Form,
            "That user name and password do not match an account.".to_owned(),
        ),
        (FormKind::SignUp, 409) => (
            Field::Name,
            "That user name is taken. Choose another one.".to_owned(),
        ),
        (FormKind::NewRepository, 409) => (
            Field::Name,
            "You already have a repository with this name.".to_owned(),
        ),
        (FormKind::NewPackage, 409) => (
            Field::Name,
            "This repository already has a package with this name.".to_owned(),
        ),
        (_, 429) => (Field::Form, sentence(message)),
        (FormKind::SignUp, 400) if lower.contains("password") => (
            Field::Password,
            format!("Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."),
        ),
        (_, 400) if lower.contains(" must be an http://") => (Field::Form, url_error(message)),
        (_, 400) if lower.contains("name") => (Field::Name, sentence(message)),
        (_, 0) => (
            Field::Form,
            "The server could not be reached. Check your connection and try again.".to_owned(),
        ),
        (_, s) if s >= 500 => (
            Field::Form,
            "Something went wrong on the server. Try again in a moment.".to_owned(),
        ),
        _ => (Field::Form, sentence(message)),
    }
}

/// The server's "website_url must be an http:// or https:// URL, not …" in plain words.
fn url_error(message: &str) -> String {
    let what = match message.split_whitespace().next().unwrap_or("") {
        "website_url" => "The website",
        "vcs_url" => "The version control URL",
        "issue_tracker_url" => "The issue tracker",
        _ => "An address",
    };
    format!("{what} must start with http:// or https://.")
}

/// `text` with a capital first letter and a full stop.
pub fn sentence(text: &str) -> String {
    let t = text.trim();
    let mut c = t.chars();
    let mut out: String = match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// The page to return to after signing in, when `next` is one of this site's own pages: a
/// relative path starting with a single `/`, without backslashes or control characters
/// (which browsers may read as another host), and not the sign-in pages themselves.
/// Anything else is refused, so a link cannot send a person elsewhere (no open redirect).
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
        && next.len() <= 2048;
    let page = next.split(['?', '#']).next().unwrap_or("");
    let own = matches!(page, "/signin" | "/signup" | "/signout");
    (ok && !own).then_some(next)
}

/// The "Sign in" link from the page at `here` (path and query): it brings the person back
/// there afterwards, unless `here` is the start page or a sign-in page.
pub fn sign_in_href(here: &str) -> String {
    match safe_next(here) {
        Some(next) if next != "/" => format!("/signin?next={}", super::url::path_segment(next)),
        _ => "/signin".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_errors_read_as_plain_words() {
        assert_eq!(
            check_name(NameKind::Subject, "my name"),
            Err("Spaces are not allowed in a user name.".into())
        );
        assert_eq!(
            check_name(NameKind::Subject, ""),
            Err("Enter a user name.".into())
        );
        assert_eq!(
            check_name(NameKind::Repository, "-x"),
            Err("Start with a letter or a digit.".into())
        );
        assert_eq!(
            check_name(NameKind::Repository, "a..b"),
            Err("Two dots in a row (..) are not allowed.".into())
        );
        assert_eq!(
            check_name(NameKind::Subject, &"a".repeat(65)),
            Err("Use at most 64 characters.".into())
        );
        assert!(check_name(NameKind::Subject, "signin")
            .unwrap_err()
            .contains("Choose another name"));
        assert!(check_name(NameKind::Repository, "a-docker-b")
            .unwrap_err()
            .contains("-docker-"));
        assert_eq!(
            check_name(NameKind::Package, "a@b").unwrap_err(),
            "\u{201c}@\u{201d} is not allowed in a package name."
        );
        assert_eq!(check_name(NameKind::Subject, "alice"), Ok(()));
        assert_eq!(check_name(NameKind::Package, "library:nginx"), Ok(()));
        // No programmer wording left: no Debug quoting of the character, no "found".
        for bad in ["a b", "a\tb", "x/y", "a'b"] {
            let text = check_name(NameKind::Subject, bad).unwrap_err();
            assert!(!text.contains("found"), "{text}");
            assert!(text.ends_with('.'), "{text}");
        }
    }

    #[test]
    fn rules_state_the_server_limits() {
        assert!(name_rules(NameKind::Subject).contains("Up to 64 characters"));
        assert!(name_rules(NameKind::Package).contains("Up to 128 characters"));
        assert_eq!(NameKind::Repository.max_len(), 64);
    }

    #[test]
    fn passwords() {
        assert_eq!(
            check_new_password("short"),
            Err("Use at least 8 characters.".into())
        );
        assert_eq!(check_new_password("long enough"), Ok(()));
        assert!(check_new_password(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn server_refusals_land_at_their_field() {
        assert_eq!(
            server_error(FormKind::SignUp, 409, "the name \"bob\" is already taken").0,
            Field::Name
        );
        assert_eq!(
            server_error(FormKind::SignIn, 401, "wrong user name or password"),
            (
                Field::Form,
                "That user name and password do not match an account.".into()
            )
        );
        assert_eq!(
            server_error(
                FormKind::SignUp,
                400,
                "the password must be between 8 and 1024 characters long"
            )
            .0,
            Field::Password
        );
        assert_eq!(
            server_error(
                FormKind::SignIn,
                429,
                "too many failed attempts; try again in 30 seconds"
            ),
            (
                Field::Form,
                "Too many failed attempts; try again in 30 seconds.".into()
            )
        );
        assert_eq!(
            server_error(FormKind::NewRepository, 500, "boom").1,
            "Something went wrong on the server. Try again in a moment."
        );
    }

    #[test]
    fn sign_in_links_carry_the_page() {
        assert_eq!(
            sign_in_href("/alice/generic"),
            "/signin?next=%2Falice%2Fgeneric"
        );
        assert_eq!(sign_in_href("/a?b=c"), "/signin?next=%2Fa%3Fb%3Dc");
        assert_eq!(sign_in_href("/"), "/signin");
        assert_eq!(sign_in_href("/signin?next=%2Fx"), "/signin");
    }

    #[test]
    fn next_is_only_ever_a_page_of_this_site() {
        assert_eq!(safe_next("/alice/generic"), Some("/alice/generic"));
        assert_eq!(
            safe_next("/import/alice/gh?x=1"),
            Some("/import/alice/gh?x=1")
        );
        for bad in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "evil.example",
            "javascript:alert(1)",
            "/\t/evil.example",
            "/ /evil",
            "",
            "/signin",
            "/signin?next=/x",
            "/signup",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
