//! Wharf's GitHub REST client: what the importer asks GitHub, done the way GitHub asks
//! clients to behave.
//!
//! * Headers: `User-Agent: Wharf/<version>`, `Accept: application/vnd.github+json`,
//!   `X-GitHub-Api-Version: 2022-11-28`, `Authorization: Bearer <token>`.
//! * Lists ask for `per_page=100` and follow `Link: rel="next"`; page URLs are never built
//!   here.
//! * An ETag cache (bounded, keyed by a hash of the token and the URL) sends
//!   `If-None-Match`; a 304 costs no rate limit and is answered from the cache.
//! * `x-ratelimit-*` is tracked per token and readable at any time ([`Session::rate_state`],
//!   [`Session::watch_rate`]); a 403/429 rate-limit answer is waited out (`retry-after`, else
//!   the reset time, else exponential backoff from a minute) while the state says
//!   "waiting until …", then retried; giving up is [`GitHubError::RateLimited`].
//! * At most `max_concurrency` requests per token at once; connect and request timeouts.
//! * Release assets: the API URL with `Accept: application/octet-stream`, the redirect
//!   followed by hand WITHOUT the Authorization header ([`Session::download_asset`]).
//!
//! [`GitHubClient`] is shared (one per server); a [`Session`] is one token's view of it.
//! Tokens never appear in errors or logs; [`GitHubToken`]'s `Debug` hides them.

mod cache;
mod client;
mod download;
mod error;
mod links;
pub mod models;
mod rate_limit;
mod token;

pub use client::{GitHubClient, GitHubClientOptions, RepoListOptions, RequestCounts, Session};
pub use download::AssetDownload;
pub use error::GitHubError;
pub use links::next_link;
pub use models::{License, Permissions, Release, ReleaseAsset, Repository, Tag, TagCommit, User};
pub use rate_limit::{RateLimitPolicy, RateState, WaitReason, Waiting};
pub use token::GitHubToken;

/// github.com's API root.
pub const GITHUB_API: &str = "https://api.github.com";
/// The REST API version this client speaks.
pub const API_VERSION: &str = "2022-11-28";
