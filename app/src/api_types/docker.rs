//! `GET /api/ui/docker/:subject/:repo`: a Docker registry as its pages and the Set Me Up
//! dialog show it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockerRegistry {
    /// What `docker login` (and a CI's "Domain" field) takes:
    /// `alice-docker-images.example.org` with a registry domain, else Wharf's own host.
    pub login_host: String,
    /// What goes before an image name to push or pull it:
    /// `alice-docker-images.example.org` or `wharf.example.org/alice/images`.
    pub image_prefix: String,
    /// Images by name.
    pub images: Vec<DockerImage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockerImage {
    /// The package it is stored as (`ns:name`).
    pub package: String,
    /// The image name (`ns/name`).
    pub image: String,
    /// Tags, the most recently pushed first.
    pub tags: Vec<DockerTag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockerTag {
    pub name: String,
    pub digest: String,
    pub media_type: String,
    /// The manifest and everything it references, in bytes.
    pub size: i64,
    /// `linux/amd64`, `linux/arm64/v8`, …
    pub platforms: Vec<String>,
    /// When the tag was last pushed (Bintray's timestamp format).
    pub updated: String,
}
