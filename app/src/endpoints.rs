//! The UI↔server contract: one function per endpoint the app calls, giving its method,
//! its path (names percent-encoded here, once) and, as type parameters, the body it sends
//! and the answer it reads. The app's fetch helpers (`api.rs`) take these values, so a
//! call site cannot pair a URL with the wrong answer type; the server's tests build the
//! same calls from them.
//!
//! Bintray's REST routes are called under [`REST`] (`/api/v1`), where the server serves
//! them as it does at the root (`server::http::route_table::Exposure::Api`): the root
//! paths are for Bintray's clients, and `trunk serve` proxies only `/api/` and `/healthz`
//! to the server. The browser's own calls live under `/api/ui`.
//!
//! No Leptos here: the crate's host build (the server and its tests) has this module too.

use std::marker::PhantomData;

use crate::api_types::{
    ApiKeyBody, AuthorizeUrl, Credentials, DockerRegistry, Explore, FilesCount, GitHubAuthorize,
    GitHubReleaseList, GitHubRepoList, GitHubStatus, Health, ImportJob, ImportRequest,
    ImportStarted, ImportTarget, Package, PackageCards, PackageChanges, PackageVersions,
    PasswordConfirmation, PublishRequest, ReleasesRequest, RenderedNotes, Repository,
    RepositoryChanges, RepositorySummary, SessionInfo, Success, Version, VersionFiles,
};
use crate::domain::url::{path_segment, query_value};

/// Where the app calls Bintray's REST API.
pub const REST: &str = "/api/v1";

/// The browser's own calls (not in the OpenAPI document; they change with the app).
const UI: &str = "/api/ui";

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }
}

/// A method as a type, so that a read cannot be sent as a change or the other way round.
pub trait Method {
    const VERB: Verb;
}

/// A method whose request carries a body.
pub trait WithBody: Method {}

macro_rules! methods {
    ($($name:ident $(+ $body:ident)?),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), "` as a type.")]
        #[derive(Debug)]
        pub enum $name {}
        impl Method for $name {
            const VERB: Verb = Verb::$name;
        }
        $(impl $body for $name {})?
    )*};
}

methods!(
    Get,
    Delete,
    Post + WithBody,
    Put + WithBody,
    Patch + WithBody
);

/// The body of a request that has none (GET, DELETE).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoBody;

/// A file's bytes, sent as they are (an upload), not as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileBytes;

/// An answer that is an image (`<img src>`), not JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image;

/// An answer that is a stream of server-sent events, each a `T` as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventStream<T>(PhantomData<T>);

/// One call: method `M`, a path, request body `B`, answer `R` (its JSON on success; an
/// error is Bintray's `{"message"}`, [`crate::api_types::ErrorBody`]).
pub struct Endpoint<M, B, R> {
    path: String,
    contract: PhantomData<fn(M, B) -> R>,
}

impl<M: Method, B, R> Endpoint<M, B, R> {
    fn new(path: String) -> Self {
        Endpoint {
            path,
            contract: PhantomData,
        }
    }

    pub fn verb(&self) -> Verb {
        M::VERB
    }

    /// The path with its query, names percent-encoded (`/api/v1/repos/alice/generic`).
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn into_path(self) -> String {
        self.path
    }

    /// The same route at the root, where Bintray's clients call it (`/repos/alice/generic`):
    /// for snippets people copy. An endpoint outside [`REST`] keeps its path.
    pub fn root_path(&self) -> &str {
        self.path.strip_prefix(REST).unwrap_or(&self.path)
    }
}

// By hand: a derive would ask `M`, `B` and `R` to be `Clone` too.
impl<M, B, R> Clone for Endpoint<M, B, R> {
    fn clone(&self) -> Self {
        Endpoint {
            path: self.path.clone(),
            contract: PhantomData,
        }
    }
}

impl<M, B, R> std::fmt::Debug for Endpoint<M, B, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Endpoint").field(&self.path).finish()
    }
}

/// A path from a fixed prefix, names (each encoded as one segment) and fixed words.
struct PathBuilder(String);

impl PathBuilder {
    fn at(prefix: &str) -> Self {
        PathBuilder(prefix.to_owned())
    }

    /// One name, percent-encoded as a single segment.
    fn name(mut self, name: &str) -> Self {
        self.0.push('/');
        self.0.push_str(&path_segment(name));
        self
    }

    fn names(self, names: &[&str]) -> Self {
        names.iter().fold(self, |p, n| p.name(n))
    }

    /// A fixed segment (or several, `versions` or `images/download.svg`), as it is.
    fn word(mut self, word: &str) -> Self {
        self.0.push('/');
        self.0.push_str(word);
        self
    }

    /// `?key=value&…`, each value encoded as the app always has (as a path segment).
    fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        for (i, (key, value)) in pairs.iter().enumerate() {
            self.0.push(if i == 0 { '?' } else { '&' });
            self.0.push_str(key);
            self.0.push('=');
            self.0.push_str(&query_value(value));
        }
        self
    }

    fn build<M: Method, B, R>(self) -> Endpoint<M, B, R> {
        Endpoint::new(self.0)
    }
}

fn fixed<M: Method, B, R>(path: &str) -> Endpoint<M, B, R> {
    Endpoint::new(path.to_owned())
}

// ---------------------------------------------------------------------------------------
// Bintray's REST API (under `/api/v1`)

/// `GET /repos/:subject`: a user's repositories (the private ones for their owner only).
pub fn repositories(subject: &str) -> Endpoint<Get, NoBody, Vec<RepositorySummary>> {
    PathBuilder::at(REST).word("repos").name(subject).build()
}

/// `GET /repos/:subject/:repo`.
pub fn repository(subject: &str, repo: &str) -> Endpoint<Get, NoBody, Repository> {
    PathBuilder::at(REST)
        .word("repos")
        .names(&[subject, repo])
        .build()
}

/// `POST /repos/:subject/:repo`.
pub fn create_repository(
    subject: &str,
    repo: &str,
) -> Endpoint<Post, RepositoryChanges, Repository> {
    PathBuilder::at(REST)
        .word("repos")
        .names(&[subject, repo])
        .build()
}

/// `POST /packages/:subject/:repo`.
pub fn create_package(subject: &str, repo: &str) -> Endpoint<Post, PackageChanges, Package> {
    PathBuilder::at(REST)
        .word("packages")
        .names(&[subject, repo])
        .build()
}

/// `GET /packages/:subject/:repo/:package`.
pub fn package(subject: &str, repo: &str, package: &str) -> Endpoint<Get, NoBody, Package> {
    package_path(subject, repo, package).build()
}

/// `PATCH /packages/:subject/:repo/:package`: the form's fields, or the latest mark.
pub fn update_package(
    subject: &str,
    repo: &str,
    package: &str,
) -> Endpoint<Patch, PackageChanges, Success> {
    package_path(subject, repo, package).build()
}

/// `GET /packages/:subject/:repo/:package/images/download.svg`: the download badge.
pub fn download_badge(subject: &str, repo: &str, package: &str) -> Endpoint<Get, NoBody, Image> {
    package_path(subject, repo, package)
        .word("images/download.svg")
        .build()
}

/// `GET /packages/:s/:r/:p/versions/:version`.
pub fn version(
    subject: &str,
    repo: &str,
    package: &str,
    version: &str,
) -> Endpoint<Get, NoBody, Version> {
    version_path(subject, repo, package, version).build()
}

/// `DELETE /packages/:s/:r/:p/versions/:version`, with its files.
pub fn delete_version(
    subject: &str,
    repo: &str,
    package: &str,
    version: &str,
) -> Endpoint<Delete, NoBody, Success> {
    version_path(subject, repo, package, version).build()
}

/// `POST /content/:s/:r/:p/:version/publish`: publish the version's files, or discard
/// them (`discard`).
pub fn publish(
    subject: &str,
    repo: &str,
    package: &str,
    version: &str,
) -> Endpoint<Post, PublishRequest, FilesCount> {
    PathBuilder::at(REST)
        .word("content")
        .names(&[subject, repo, package, version])
        .word("publish")
        .build()
}

/// `PUT /content/:s/:r/:p/:version/:file_path[?publish=1]`: `file_path` may hold `/`,
/// each of its parts is encoded on its own.
pub fn upload(
    (subject, repo, package, version): (&str, &str, &str, &str),
    file_path: &str,
    publish: bool,
) -> Endpoint<Put, FileBytes, Success> {
    let mut path = PathBuilder::at(REST)
        .word("content")
        .names(&[subject, repo, package, version]);
    for part in file_path.split('/') {
        path = path.name(part);
    }
    if publish {
        path = path.query(&[("publish", "1")]);
    }
    path.build()
}

/// Which field [`search_packages`] looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageSearchBy {
    Name,
    Desc,
}

/// `GET /search/packages?name=` or `?desc=`: packages whose name (or description) holds
/// `word`.
pub fn search_packages(by: PackageSearchBy, word: &str) -> Endpoint<Get, NoBody, Vec<Package>> {
    let key = match by {
        PackageSearchBy::Name => "name",
        PackageSearchBy::Desc => "desc",
    };
    PathBuilder::at(REST)
        .word("search/packages")
        .query(&[(key, word)])
        .build()
}

fn package_path(subject: &str, repo: &str, package: &str) -> PathBuilder {
    PathBuilder::at(REST)
        .word("packages")
        .names(&[subject, repo, package])
}

fn version_path(subject: &str, repo: &str, package: &str, version: &str) -> PathBuilder {
    package_path(subject, repo, package)
        .word("versions")
        .name(version)
}

// ---------------------------------------------------------------------------------------
// The browser's own calls (`/api/ui`), and health

/// `GET /healthz`: the server's version for the footer.
pub fn health() -> Endpoint<Get, NoBody, Health> {
    fixed("/healthz")
}

/// `GET /api/ui/session`: who is signed in, and the CSRF token.
pub fn session() -> Endpoint<Get, NoBody, SessionInfo> {
    fixed("/api/ui/session")
}

/// `POST /api/ui/signin`.
pub fn sign_in() -> Endpoint<Post, Credentials, SessionInfo> {
    fixed("/api/ui/signin")
}

/// `POST /api/ui/signup`.
pub fn sign_up() -> Endpoint<Post, Credentials, SessionInfo> {
    fixed("/api/ui/signup")
}

/// `POST /api/ui/signout` (its body, `null`, is not read).
pub fn sign_out() -> Endpoint<Post, (), Success> {
    fixed("/api/ui/signout")
}

/// `POST /api/ui/api-key/reveal`.
pub fn reveal_api_key() -> Endpoint<Post, PasswordConfirmation, ApiKeyBody> {
    fixed("/api/ui/api-key/reveal")
}

/// `POST /api/ui/api-key/regenerate`.
pub fn regenerate_api_key() -> Endpoint<Post, PasswordConfirmation, ApiKeyBody> {
    fixed("/api/ui/api-key/regenerate")
}

/// `GET /api/ui/explore`: the front page's public repositories and packages.
pub fn explore() -> Endpoint<Get, NoBody, Explore> {
    fixed("/api/ui/explore")
}

/// The version name that asks for the package's latest version (`versions/_latest`).
pub const LATEST: &str = "_latest";

/// `GET /api/ui/release-notes/:s/:r/:p/:version`: the notes as sanitised HTML
/// (`version` may be [`LATEST`]).
pub fn rendered_notes(
    subject: &str,
    repo: &str,
    package: &str,
    version: &str,
) -> Endpoint<Get, NoBody, RenderedNotes> {
    PathBuilder::at(UI)
        .word("release-notes")
        .names(&[subject, repo, package, version])
        .build()
}

/// `GET /api/ui/versions/:s/:r/:p`: the package page's version list.
pub fn package_versions(
    subject: &str,
    repo: &str,
    package: &str,
) -> Endpoint<Get, NoBody, PackageVersions> {
    PathBuilder::at(UI)
        .word("versions")
        .names(&[subject, repo, package])
        .build()
}

/// `GET /api/ui/files/:s/:r/:p/:version`: the version page's files.
pub fn version_files(
    subject: &str,
    repo: &str,
    package: &str,
    version: &str,
) -> Endpoint<Get, NoBody, VersionFiles> {
    PathBuilder::at(UI)
        .word("files")
        .names(&[subject, repo, package, version])
        .build()
}

/// `GET /api/ui/packages/:s/:r?start_pos=&start_name=`: a page of the repository's
/// packages from `start_pos`, names starting with `start_name` ("" for all).
pub fn package_cards(
    subject: &str,
    repo: &str,
    start_pos: u64,
    start_name: &str,
) -> Endpoint<Get, NoBody, PackageCards> {
    PathBuilder::at(UI)
        .word("packages")
        .names(&[subject, repo])
        .query(&[
            ("start_pos", &start_pos.to_string()),
            ("start_name", start_name),
        ])
        .build()
}

/// `GET /api/ui/docker/:s/:r`: a Docker repository's registry host and images.
pub fn docker_registry(subject: &str, repo: &str) -> Endpoint<Get, NoBody, DockerRegistry> {
    PathBuilder::at(UI)
        .word("docker")
        .names(&[subject, repo])
        .build()
}

/// `GET /api/ui/github`: GitHub as the signed-in user sees it.
pub fn github_status() -> Endpoint<Get, NoBody, GitHubStatus> {
    fixed("/api/ui/github")
}

/// `POST /api/ui/github/authorize`: where to send the browser to authorize.
pub fn github_authorize() -> Endpoint<Post, GitHubAuthorize, AuthorizeUrl> {
    fixed("/api/ui/github/authorize")
}

/// `POST /api/ui/github/disconnect` (its body, `null`, is not read).
pub fn github_disconnect() -> Endpoint<Post, (), Success> {
    fixed("/api/ui/github/disconnect")
}

/// `GET /api/ui/github/repos`: the GitHub repositories the user can import.
pub fn github_repos() -> Endpoint<Get, NoBody, GitHubRepoList> {
    fixed("/api/ui/github/repos")
}

/// `POST /api/ui/github/releases`: the releases of a batch of them.
pub fn github_releases() -> Endpoint<Post, ReleasesRequest, GitHubReleaseList> {
    fixed("/api/ui/github/releases")
}

/// `GET /api/ui/imports/target/:s/:r`: the receiving repository, as the tree needs it.
pub fn import_target(subject: &str, repo: &str) -> Endpoint<Get, NoBody, ImportTarget> {
    PathBuilder::at(UI)
        .word("imports/target")
        .names(&[subject, repo])
        .build()
}

/// `POST /api/ui/imports`: start a job.
pub fn start_import() -> Endpoint<Post, ImportRequest, ImportStarted> {
    fixed("/api/ui/imports")
}

/// `GET /api/ui/imports/:id`: a job's state.
pub fn import_job(id: i64) -> Endpoint<Get, NoBody, ImportJob> {
    PathBuilder::at(UI)
        .word("imports")
        .word(&id.to_string())
        .build()
}

/// `GET /api/ui/imports/:id/events`: the job's state whenever it changes.
pub fn import_events(id: i64) -> Endpoint<Get, NoBody, EventStream<ImportJob>> {
    PathBuilder::at(UI)
        .word("imports")
        .word(&id.to_string())
        .word("events")
        .build()
}

/// `POST /api/ui/imports/:id/retry`: run the failed repositories again (body not read).
pub fn retry_import(id: i64) -> Endpoint<Post, (), ImportJob> {
    PathBuilder::at(UI)
        .word("imports")
        .word(&id.to_string())
        .word("retry")
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_paths_are_under_api_v1_with_each_name_encoded_once() {
        assert_eq!(
            repository("alice", "my repo").path(),
            "/api/v1/repos/alice/my%20repo"
        );
        let v = version("alice", "docker", "library:nginx", "1.0+build/x");
        assert_eq!(
            v.path(),
            "/api/v1/packages/alice/docker/library:nginx/versions/1.0+build%2Fx"
        );
        assert_eq!(v.verb(), Verb::Get);
        assert_eq!(delete_version("a", "b", "c", "d").verb(), Verb::Delete);
        assert_eq!(
            publish("a", "b", "c", "é").path(),
            "/api/v1/content/a/b/c/%C3%A9/publish"
        );
        assert_eq!(
            download_badge("a", "b", "c").root_path(),
            "/packages/a/b/c/images/download.svg"
        );
    }

    #[test]
    fn an_upload_path_keeps_its_slashes_and_encodes_each_part() {
        let e = upload(("a", "b", "c", "1.0"), "dir/my file.txt", true);
        assert_eq!(
            e.path(),
            "/api/v1/content/a/b/c/1.0/dir/my%20file.txt?publish=1"
        );
        assert_eq!(e.verb(), Verb::Put);
        let e = upload(("a", "b", "c", "1.0"), "x?y", false);
        assert_eq!(e.path(), "/api/v1/content/a/b/c/1.0/x%3Fy");
    }

    #[test]
    fn browser_calls_and_queries() {
        assert_eq!(
            rendered_notes("a", "b", "c", LATEST).path(),
            "/api/ui/release-notes/a/b/c/_latest"
        );
        assert_eq!(
            rendered_notes("a", "b", "c", LATEST).root_path(),
            "/api/ui/release-notes/a/b/c/_latest"
        );
        assert_eq!(
            package_cards("a", "b", 50, "to ol").path(),
            "/api/ui/packages/a/b?start_pos=50&start_name=to%20ol"
        );
        assert_eq!(
            search_packages(PackageSearchBy::Desc, "a&b").path(),
            "/api/v1/search/packages?desc=a%26b"
        );
        // In a query `+` reads as a space: a search for C++ sends it encoded.
        assert_eq!(
            search_packages(PackageSearchBy::Desc, "c++").path(),
            "/api/v1/search/packages?desc=c%2B%2B"
        );
        assert_eq!(import_events(7).path(), "/api/ui/imports/7/events");
        assert_eq!(retry_import(7).verb(), Verb::Post);
        assert_eq!(health().path(), "/healthz");
    }
}
