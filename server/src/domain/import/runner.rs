//! Running one job: its items one after another, each repository → package, each chosen
//! release → version, each asset → file.

use std::collections::BTreeSet;

use app::domain::file_path::FilePath;
use app::domain::import_outcome::{VersionOutcome, VersionOutcomes};
use app::domain::import_selection::ReleaseChoice;
use app::domain::names::VersionName;
use futures_util::TryStreamExt;

use super::mapping::{self, Candidate, ReleaseFacts, RepoFacts};
use super::{rules, Importer};
use crate::domain::catalog::{self, Caller};
use crate::infra::db::{
    DbError, FileBatch, ImportItemRecord, ImportJobRecord, NewFile, PackageRecord, PathHolder,
    RepositoryRecord, VersionFields, VersionRecord,
};
use crate::infra::file_store;
use crate::infra::github::{GitHubError, GitHubToken, ReleaseAsset, Session};
use crate::infra::storage::{StorageError, StoredBlob};

/// Why a whole repository failed (one release's failure is only noted).
#[derive(Debug, thiserror::Error)]
enum ItemError {
    #[error("{0}")]
    Github(String),
    #[error("{0}")]
    Mapping(#[from] mapping::MappingError),
    #[error("{0}")]
    Registry(#[from] catalog::CatalogError),
    /// Refused by the import rules (plan, private into public, name collision).
    #[error("{0}")]
    Admit(#[from] rules::AdmitError),
    #[error("{0}")]
    Claim(#[from] rules::ClaimError),
    #[error("the GitHub account was disconnected; authorize with GitHub again and retry")]
    NotLinked,
    #[error("the GitHub token could not be read with this server's key")]
    Sealed,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// One release (or tag) to import, with its assets.
type Wanted = Candidate;

/// Releases without assets to fetch are written this many to a unit of work (issue 15:
/// one per release made 10,000 releases take 10 s). The bound keeps other writers from
/// waiting long behind a repository with thousands of releases.
const METADATA_BATCH: usize = 500;

/// How often an item's progress is written at most while it runs; the last is always.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Whether progress is due: a row update per release would be a write per release.
#[derive(Default)]
struct ProgressGate {
    last: Option<std::time::Instant>,
}

impl ProgressGate {
    fn due(&mut self, finished: bool) -> bool {
        let now = std::time::Instant::now();
        let due = finished || self.last.is_none_or(|t| now - t >= PROGRESS_EVERY);
        if due {
            self.last = Some(now);
        }
        due
    }
}

/// A release's version name and fields (Bintray's version object from GitHub's release).
fn version_of(want: &Wanted) -> Result<(VersionName, VersionFields), mapping::MappingError> {
    let released_at = want
        .facts
        .published_at
        .as_deref()
        .and_then(|p| catalog::parse_released(p).ok());
    mapping::version(&want.facts, released_at)
}

/// Whether `fields` change the version `before` (new, updated and unchanged are told
/// apart by it).
fn changes(before: &VersionRecord, fields: &VersionFields) -> bool {
    before.description != fields.description
        || before.vcs_tag != fields.vcs_tag
        || before.release_notes != fields.release_notes
        || before.is_prerelease != fields.is_prerelease
        || before.released_at != fields.released_at
}

/// A release without assets, mapped, with its version as it was and whether it changes.
struct MetadataRow {
    version: VersionName,
    fields: VersionFields,
    before: Option<VersionRecord>,
    changed: bool,
}

/// An asset fetched and stored as a blob, waiting for its release's unit of work to
/// become a file. Until then it is an unreferenced blob, which the collector removes
/// after its grace period if the release is never written.
struct FetchedAsset {
    name: String,
    path: FilePath,
    blob: StoredBlob,
    /// The sha256 of the file that was at `path` before, if any.
    had: Option<String>,
}

/// Why an asset may not be written at its path, in words, or `None` when it may: the
/// rule that a published file someone uploaded by hand stays as it is, then the
/// upload-conflict table (with `override`: an import replaces what it wrote).
/// `imported` is whether the file at the path holds what an import wrote there.
fn asset_refusal(
    holder: Option<&PathHolder>,
    imported: Option<bool>,
    path: &FilePath,
    package: &str,
    version: &str,
) -> Option<String> {
    let holder = holder?;
    if holder.is_published && !imported.unwrap_or(false) {
        return Some(
            "a published file uploaded by hand is at this path; it is left as it is".to_owned(),
        );
    }
    holder.refusal_for(path.as_str(), package, version, true)
}

impl Importer {
    pub(super) async fn run(&self, job_id: i64) -> Result<(), DbError> {
        let Some(job) = self.db.import_job_for_runner(job_id).await? else {
            return Ok(());
        };
        while let Some(item) = self.db.next_import_item(job_id).await? {
            self.db.start_import_item(item.id).await?;
            self.notify();
            let outcome = self.run_item(&job, &item).await;
            self.db.set_import_waiting(job_id, None).await?;
            let failed = !matches!(&outcome, Ok(f) if f.is_empty());
            crate::infra::metrics::global()
                .import_items
                .with_label_values(&[if failed { "failed" } else { "done" }])
                .inc();
            match outcome {
                Ok(failures) if failures.is_empty() => {
                    self.db.finish_import_item(item.id, false, None).await?
                }
                Ok(failures) => {
                    let text = failures.join("\n");
                    self.db
                        .finish_import_item(item.id, true, Some(&text))
                        .await?
                }
                Err(e) => {
                    tracing::info!(job = job_id, repo = %item.repo_full_name, error = %e, "import item failed");
                    self.db
                        .finish_import_item(item.id, true, Some(&e.to_string()))
                        .await?
                }
            }
            self.notify();
        }
        self.db.finish_import_job(job_id).await?;
        self.notify();
        Ok(())
    }

    /// Imports one repository; the failures of single releases or assets, if any.
    async fn run_item(
        &self,
        job: &ImportJobRecord,
        item: &ImportItemRecord,
    ) -> Result<Vec<String>, ItemError> {
        let link = self
            .db
            .github_link(job.user_id)
            .await?
            .ok_or(ItemError::NotLinked)?;
        let session = self.github.session(GitHubToken::new(
            self.secrets
                .open(&link.token_sealed)
                .map_err(|_| ItemError::Sealed)?,
        ));
        let owner = self.db.find_user_by_id(job.user_id).await?;
        let caller = Caller { user: Some(owner) };
        let choice: ReleaseChoice =
            serde_json::from_str(&item.releases).unwrap_or(ReleaseChoice::All);

        // While the GitHub client waits out a rate limit, the job shows until when.
        let watcher = self.watch_rate_limit(job.id, &session);
        let result = self
            .import_repo(job, item, &caller, &session, &choice)
            .await;
        watcher.abort();
        result
    }

    fn watch_rate_limit(&self, job_id: i64, session: &Session) -> tokio::task::JoinHandle<()> {
        let mut rate = session.watch_rate();
        let db = self.db.clone();
        let changed = self.changed.clone();
        tokio::spawn(async move {
            let mut shown = None;
            loop {
                let waiting = rate
                    .borrow_and_update()
                    .waiting
                    .as_ref()
                    .map(|w| w.until * 1000);
                if waiting != shown {
                    shown = waiting;
                    if db.set_import_waiting(job_id, waiting).await.is_ok() {
                        changed.send_modify(|n| *n = n.wrapping_add(1));
                    }
                }
                if rate.changed().await.is_err() {
                    return;
                }
            }
        })
    }

    async fn import_repo(
        &self,
        job: &ImportJobRecord,
        item: &ImportItemRecord,
        caller: &Caller,
        session: &Session,
        choice: &ReleaseChoice,
    ) -> Result<Vec<String>, ItemError> {
        let gh = |e: GitHubError| ItemError::Github(e.user_message());
        let (owner, name) = item
            .repo_full_name
            .split_once('/')
            .unwrap_or((&item.repo_full_name, ""));
        let repo = session.repo(owner, name).await.map_err(gh)?;
        let facts = RepoFacts {
            name: repo.name.clone(),
            full_name: repo.full_name.clone(),
            description: repo.description.clone(),
            topics: repo.topics.clone(),
            spdx_id: repo.spdx_id().map(str::to_owned),
            html_url: repo.html_url.clone(),
            homepage: repo.homepage.clone(),
        };
        // The rules, afresh for this repository, before anything is written.
        let target = self.admit(job, caller, &repo).await?;
        let (package, changes) = mapping::package(&facts)?;
        rules::claim_package(
            &self.db,
            caller,
            &target,
            &repo.full_name,
            package.as_str(),
            changes,
        )
        .await?;

        let (wanted, missing) = self
            .wanted_releases(session, owner, name, choice)
            .await
            .map_err(gh)?;
        let total = wanted.len() as i64;
        let (mut done, mut files) = (0i64, 0i64);
        let mut outcomes = VersionOutcomes::default();
        self.db
            .import_item_progress(
                item.id,
                Some(package.as_str()),
                done,
                Some(total),
                files,
                None,
            )
            .await?;
        self.notify();

        // The package once for the whole repository, not once per release.
        let (repo_record, pkg) = catalog::owned_package(
            &self.db,
            caller,
            &super::target_of(job).package(package.as_str()),
        )
        .await?;
        let mut failures = Vec::new();
        let mut progress = ProgressGate::default();
        // Releases without assets to fetch wait here and are written together.
        let mut batch: Vec<Wanted> = Vec::new();
        let mut wanted = wanted.into_iter().peekable();
        while let Some(want) = wanted.next() {
            // Release order is version order: what waits is written before a release
            // that fetches assets.
            let fetching = if job.with_assets && !want.assets.is_empty() {
                Some(want)
            } else {
                batch.push(want);
                None
            };
            let write_batch =
                fetching.is_some() || batch.len() >= METADATA_BATCH || wanted.peek().is_none();
            if write_batch && !batch.is_empty() {
                done += self
                    .import_metadata(
                        job,
                        session,
                        &repo_record,
                        &pkg,
                        std::mem::take(&mut batch),
                        &mut outcomes,
                        &mut failures,
                    )
                    .await;
            }
            if let Some(want) = fetching {
                let tag = want.facts.tag.clone();
                match self
                    .import_release(job, session, &repo_record, &pkg, want, &mut files)
                    .await
                {
                    Ok((version, outcome, mut notes)) => {
                        outcomes.record(&version, outcome);
                        failures.append(&mut notes)
                    }
                    Err(e) => failures.push(format!("{tag}: {e}")),
                }
                done += 1;
            }
            if progress.due(done == total) {
                let recorded = serde_json::to_string(&outcomes).expect("serialisable");
                self.db
                    .import_item_progress(item.id, None, done, Some(total), files, Some(&recorded))
                    .await?;
                self.notify();
            }
        }
        failures.extend(
            missing
                .into_iter()
                .map(|tag| format!("{tag}: no longer on GitHub")),
        );
        Ok(failures)
    }

    /// The releases to import: the chosen ones (all when "all"), drafts skipped; a
    /// repository without releases offers its tags instead. Also the chosen tags GitHub
    /// no longer has.
    async fn wanted_releases(
        &self,
        session: &Session,
        owner: &str,
        name: &str,
        choice: &ReleaseChoice,
    ) -> Result<(Vec<Wanted>, Vec<String>), GitHubError> {
        let releases = session.releases(owner, name).await?;
        let mut wanted: Vec<Wanted> = releases
            .into_iter()
            .filter(|r| !r.draft)
            .map(Wanted::from)
            .collect();
        if wanted.is_empty() {
            wanted = session
                .tags(owner, name)
                .await?
                .into_iter()
                .map(|t| Wanted {
                    facts: ReleaseFacts {
                        tag: t.name,
                        ..Default::default()
                    },
                    ..Default::default()
                })
                .collect();
        }
        let mut missing = Vec::new();
        if let ReleaseChoice::Only(tags) = choice {
            let chosen: BTreeSet<&str> = tags.iter().map(String::as_str).collect();
            wanted.retain(|w| chosen.contains(w.facts.tag.as_str()));
            let found: BTreeSet<&str> = wanted.iter().map(|w| w.facts.tag.as_str()).collect();
            missing = chosen.difference(&found).map(|t| (*t).to_owned()).collect();
        }
        // Two releases on one tag (one re-created after a failed upload) are one version.
        let mut wanted = mapping::one_per_tag(wanted);
        // Oldest first, so the newest release is the package's latest version.
        wanted.reverse();
        Ok((wanted, missing))
    }

    /// One release → one version (and its assets → files): the version's name, whether
    /// it was new, updated or unchanged, and the failures of single assets.
    ///
    /// The assets are fetched into staging first, without holding the write lock while
    /// GitHub answers. Then the version, every fetched file, the marks that the import
    /// wrote them, the publishing and the count of missing assets are written as one
    /// unit of work: a failure leaves the version as it was before.
    async fn import_release(
        &self,
        job: &ImportJobRecord,
        session: &Session,
        repo: &RepositoryRecord,
        pkg: &PackageRecord,
        want: Wanted,
        files: &mut i64,
    ) -> Result<(String, VersionOutcome, Vec<String>), ItemError> {
        let (version, fields) = version_of(&want)?;
        let package = pkg.name.as_str();
        let (before, changed) = self.before(pkg, &version, &fields).await;
        let mut failures = Vec::new();
        let mut fetched = Vec::new();
        let mut kept = 0i64;
        if job.with_assets {
            for asset in &want.assets {
                match self
                    .fetch_asset(job, session, repo, package, version.as_str(), asset)
                    .await
                {
                    Ok(Some(f)) => fetched.push(f),
                    Ok(None) => kept += 1,
                    Err(e) => failures.push(format!("{}: {}: {e}", version, asset.name)),
                }
            }
        }
        let (published_now, written) = self
            .write_release(job, repo, pkg, &version, &fields, fetched, &mut failures)
            .await?;
        *files += kept + written.len() as i64;
        // The same bytes fetched again (GitHub gave no digest) change nothing.
        let new_content = written
            .iter()
            .filter(|f| f.had.as_deref() != Some(f.blob.sha256.as_str()))
            .count();
        // Publishing a version that was not published changes it too.
        let newly_published = before
            .as_ref()
            .is_some_and(|b| job.publish && !b.published && published_now);
        let outcome = VersionOutcome::of(
            before.is_some(),
            changed || newly_published,
            new_content,
            failures.len(),
        );
        Ok((version.as_str().to_owned(), outcome, failures))
    }

    /// The version as it was, and whether `fields` change it: to tell new, updated and
    /// unchanged apart.
    async fn before(
        &self,
        pkg: &PackageRecord,
        version: &VersionName,
        fields: &VersionFields,
    ) -> (Option<VersionRecord>, bool) {
        let before = self.db.find_version(pkg.id, version.as_str()).await.ok();
        let changed = before.as_ref().is_some_and(|b| changes(b, fields));
        (before, changed)
    }

    /// Imports releases that bring no assets in one unit of work: each one's version,
    /// publishing and count of missing assets (none), as [`Importer::write_release`]
    /// writes them one at a time. Records each one's outcome, and the failures of
    /// releases that do not map. If the unit fails, each release is written on its own
    /// instead, so one bad release fails only itself. How many releases it handled.
    #[allow(clippy::too_many_arguments)]
    async fn import_metadata(
        &self,
        job: &ImportJobRecord,
        session: &Session,
        repo: &RepositoryRecord,
        pkg: &PackageRecord,
        wants: Vec<Wanted>,
        outcomes: &mut VersionOutcomes,
        failures: &mut Vec<String>,
    ) -> i64 {
        let handled = wants.len() as i64;
        let mut mapped_rows = Vec::with_capacity(wants.len());
        let mut mapped = Vec::with_capacity(wants.len());
        for want in wants {
            match version_of(&want) {
                Ok(row) => {
                    mapped_rows.push(row);
                    mapped.push(want);
                }
                Err(e) => failures.push(format!("{}: {e}", want.facts.tag)),
            }
        }
        // The versions as they were, in one query for the batch.
        let names: Vec<&str> = mapped_rows.iter().map(|(v, _)| v.as_str()).collect();
        let mut existing = self
            .db
            .find_versions(pkg.id, &names)
            .await
            .unwrap_or_default();
        let rows: Vec<MetadataRow> = mapped_rows
            .into_iter()
            .map(|(version, fields)| {
                let before = existing.remove(version.as_str());
                let changed = before.as_ref().is_some_and(|b| changes(b, &fields));
                MetadataRow {
                    version,
                    fields,
                    before,
                    changed,
                }
            })
            .collect();
        if rows.is_empty() {
            return handled;
        }
        match self.write_metadata(job, pkg, &rows).await {
            Ok(published) => {
                for (row, published_now) in rows.iter().zip(published) {
                    let newly_published = row
                        .before
                        .as_ref()
                        .is_some_and(|b| job.publish && !b.published && published_now);
                    outcomes.record(
                        row.version.as_str(),
                        VersionOutcome::of(
                            row.before.is_some(),
                            row.changed || newly_published,
                            0,
                            0,
                        ),
                    );
                }
            }
            Err(e) => {
                tracing::info!(job = job.id, error = %e, "a batch of releases failed; writing them one by one");
                let mut files = 0;
                for want in mapped {
                    let tag = want.facts.tag.clone();
                    match self
                        .import_release(job, session, repo, pkg, want, &mut files)
                        .await
                    {
                        Ok((version, outcome, mut notes)) => {
                            outcomes.record(&version, outcome);
                            failures.append(&mut notes)
                        }
                        Err(e) => failures.push(format!("{tag}: {e}")),
                    }
                }
            }
        }
        handled
    }

    /// The unit of work of [`Importer::import_metadata`]; whether each version has a
    /// published file afterwards.
    async fn write_metadata(
        &self,
        job: &ImportJobRecord,
        pkg: &PackageRecord,
        rows: &[MetadataRow],
    ) -> Result<Vec<bool>, DbError> {
        let mut tx = self.db.begin().await?;
        for row in rows {
            let id = tx
                .upsert_version(pkg.id, row.version.as_str(), &row.fields)
                .await?;
            if job.publish {
                tx.publish_files(id).await?;
            }
            tx.set_import_files_missing(id, 0).await?;
        }
        tx.commit().await?;
        let names: Vec<&str> = rows.iter().map(|r| r.version.as_str()).collect();
        let after = self.db.find_versions(pkg.id, &names).await?;
        Ok(rows
            .iter()
            .map(|r| after.get(r.version.as_str()).is_some_and(|v| v.published))
            .collect())
    }

    /// Writes one release as a unit of work (see [`Importer::import_release`]). Each
    /// asset's path is checked again inside it. An asset that may no longer be written
    /// there (a hand upload came meanwhile) is added to `failures` and left out. Only a
    /// database error fails the release. Returns whether the version has a published
    /// file afterwards, and the assets written.
    #[allow(clippy::too_many_arguments)]
    async fn write_release(
        &self,
        job: &ImportJobRecord,
        repo: &RepositoryRecord,
        pkg: &PackageRecord,
        version: &VersionName,
        fields: &VersionFields,
        fetched: Vec<FetchedAsset>,
        failures: &mut Vec<String>,
    ) -> Result<(bool, Vec<FetchedAsset>), ItemError> {
        let mut tx = self.db.begin().await?;
        let version_id = tx.upsert_version(pkg.id, version.as_str(), fields).await?;
        let mut written = Vec::with_capacity(fetched.len());
        for f in fetched {
            let holder = tx.path_holder(repo.id, f.path.as_str()).await?;
            let imported = tx.file_is_imported(repo.id, f.path.as_str()).await?;
            if let Some(why) = asset_refusal(
                holder.as_ref(),
                imported,
                &f.path,
                &pkg.name,
                version.as_str(),
            ) {
                failures.push(format!("{}: {}: {why}", version, f.name));
                continue;
            }
            let blob = &f.blob;
            let file = [NewFile {
                path: f.path.as_str(),
                name: f.path.file_name(),
                sha256: &blob.sha256,
                sha1: &blob.sha1,
                md5: &blob.md5,
                size: blob.size,
            }];
            tx.put_files(&FileBatch {
                repository_id: repo.id,
                package_id: pkg.id,
                package_name: &pkg.name,
                version_name: version.as_str(),
                publish: job.publish,
                override_: true,
                files: &file,
            })
            .await
            .map_err(catalog::CatalogError::from)?;
            tx.mark_file_imported(repo.id, f.path.as_str(), &blob.sha256)
                .await?;
            written.push(f);
        }
        if job.publish {
            tx.publish_files(version_id).await?;
        }
        // A version counts as imported only with all its files (Db::imported_tags).
        tx.set_import_files_missing(version_id, failures.len() as i64)
            .await?;
        tx.commit().await?;
        let published = self
            .db
            .find_version_by_id(version_id)
            .await
            .is_ok_and(|v| v.published);
        Ok((published, written))
    }

    /// Fetches one asset and stores it as a blob (a short unit of work of its own, so
    /// no release holds the write lock while objects are placed), or `None` when the
    /// file is already here with the digest GitHub gives (re-imports). Errors are the
    /// asset's failure, in words.
    async fn fetch_asset(
        &self,
        job: &ImportJobRecord,
        session: &Session,
        repo: &RepositoryRecord,
        package: &str,
        version: &str,
        asset: &ReleaseAsset,
    ) -> Result<Option<FetchedAsset>, String> {
        let path = mapping::asset_path(package, version, &asset.name).map_err(|e| e.to_string())?;
        let expected = asset.expected_sha256();
        let existing = self
            .db
            .find_file(job.repository_id, path.as_str())
            .await
            .ok();
        if let (Some(sha), Some(existing)) = (expected.as_deref(), &existing) {
            if existing.sha256 == sha {
                return Ok(None);
            }
        }
        // Never replace a published file a person uploaded (or replaced) by hand, nor
        // take a path the upload-conflict table refuses: checked before anything is
        // fetched, and again when the release is written.
        // The file already read above is the path's holder.
        let holder = existing.as_ref().map(PathHolder::from);
        let imported = match &existing {
            Some(_) => self
                .db
                .file_is_imported(repo.id, path.as_str())
                .await
                .map_err(|e| e.to_string())?,
            None => None,
        };
        if let Some(why) = asset_refusal(holder.as_ref(), imported, &path, package, version) {
            return Err(why);
        }
        let download = session
            .download_asset(asset)
            .await
            .map_err(|e| e.user_message())?;
        let staged = file_store::stage_upload(
            &self.blobs,
            download.stream.map_err(|e| e.to_string()),
            self.max_upload,
            expected.as_deref(),
        )
        .await
        .map_err(|e| match e {
            file_store::FileStoreError::Storage(StorageError::ChecksumMismatch { .. }) => {
                "its content does not match the sha256 digest GitHub gives; not stored".to_owned()
            }
            other => catalog::CatalogError::from(other).to_string(),
        })?;
        file_store::keep(&self.db, &self.blobs, &staged, None)
            .await
            .map_err(|e| catalog::CatalogError::from(e).to_string())?;
        Ok(Some(FetchedAsset {
            name: asset.name.clone(),
            path,
            blob: staged.blob,
            had: existing.map(|f| f.sha256),
        }))
    }
}
