//! Import from GitHub: starting, running, resuming and retrying import jobs.
//!
//! A job is one row plus one item per GitHub repository, all in the database. Each item is
//! idempotent (packages and versions are created or updated, assets already stored with
//! the same digest are skipped), so a server that stops mid-import re-runs the unfinished
//! items when it starts again and nothing is duplicated.

pub mod mapping;
pub mod rules;
mod runner;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::api_types::{ImportItem, ImportJob, ImportRequest};
use app::domain::import_collisions;
use app::domain::import_selection::ReleaseChoice;
use tokio::sync::watch;

use crate::domain::catalog::{self, Caller, CatalogError};
use crate::domain::plans::Plans;
use crate::infra::db::{now_millis, Db, DbError, ImportJobRecord};
use crate::infra::github::{GitHubClient, GitHubToken};
use crate::infra::secrets::Secrets;
use crate::infra::storage::BlobStore;
pub use rules::Refusal;

/// The most repositories one job may name.
pub const MAX_REPOS_PER_JOB: usize = 10_000;

/// Why a job could not be started or read. `Display` is for the user.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Registry(#[from] CatalogError),
    #[error("authorize Wharf with GitHub first (Profile › Accounts)")]
    NotLinked,
    #[error("{0}")]
    BadRequest(String),
    #[error("Import job {0} was not found")]
    NotFound(i64),
    /// Refused by a rule of [`rules`] before anything was written.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// GitHub could not say what the rules needed to know (its words).
    #[error("{0}")]
    Github(String),
    #[error("the GitHub token could not be read with this server's key")]
    Sealed,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Runs import jobs in the background and tells watchers when one changes.
pub struct Importer {
    db: Db,
    blobs: BlobStore,
    secrets: Secrets,
    github: GitHubClient,
    max_upload: u64,
    /// Who may import private repositories (asked again for each item).
    plans: Plans,
    /// The jobs running in this process, to stop them when the server stops.
    running: Mutex<HashMap<i64, tokio::task::AbortHandle>>,
    /// This process's name in job leases (random per start).
    holder: String,
    /// How long a job's lease lasts without a heartbeat; another replica takes over a
    /// job whose lease ran out (its replica died).
    lease: Duration,
    /// Bumped on every change of any job; watchers re-read the job they show.
    changed: watch::Sender<u64>,
    /// Set when the server stops: no new jobs, and progress streams end.
    stopping: watch::Sender<bool>,
}

impl std::fmt::Debug for Importer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Importer").finish_non_exhaustive()
    }
}

impl Importer {
    pub fn new(
        db: Db,
        blobs: BlobStore,
        secrets: Secrets,
        github: GitHubClient,
        max_upload: u64,
        plans: Plans,
        lease: Duration,
    ) -> Arc<Importer> {
        Arc::new(Importer {
            db,
            blobs,
            secrets,
            github,
            max_upload,
            plans,
            running: Mutex::new(HashMap::new()),
            holder: uuid::Uuid::new_v4().to_string(),
            lease,
            changed: watch::channel(0).0,
            stopping: watch::channel(false).0,
        })
    }

    /// Carries on with the running jobs that no replica holds: those a stopped server left,
    /// and those of a replica that died (its lease ran out). Called at start and then
    /// every [`Importer::sweep_interval`]; how many it took.
    pub async fn resume(self: &Arc<Self>) -> Result<usize, DbError> {
        let jobs = self.db.unclaimed_import_jobs(now_millis()).await?;
        let mut taken = 0;
        for id in &jobs {
            if self.is_running(*id) {
                continue;
            }
            tracing::info!(job = id, "resuming an import");
            self.spawn(*id);
            taken += 1;
        }
        Ok(taken)
    }

    /// How often [`Importer::resume`] looks for jobs whose replica died.
    pub fn sweep_interval(&self) -> Duration {
        (self.lease / 2).max(Duration::from_millis(200))
    }

    fn is_running(&self, job_id: i64) -> bool {
        self.running
            .lock()
            .expect("not poisoned")
            .contains_key(&job_id)
    }

    /// Runs the job in the background unless it is running here already. It runs only
    /// under this process's lease on it (see `db::imports`), renewed every third of the
    /// lease; when the lease cannot be had, or another replica took it over, the job is
    /// left to that replica. Items are idempotent, so a job taken over after its replica
    /// died re-runs the item it was on without duplicating anything.
    pub fn spawn(self: &Arc<Self>, job_id: i64) {
        let mut running = self.running.lock().expect("not poisoned");
        if *self.stopping.borrow() || running.contains_key(&job_id) {
            return;
        }
        let this = Arc::clone(self);
        let task = tokio::spawn(async move {
            let now = now_millis();
            let until = now + this.lease.as_millis() as i64;
            match this
                .db
                .claim_import_job(job_id, &this.holder, now, until)
                .await
            {
                Ok(true) => {
                    // A guard: the count comes down also when the job is aborted.
                    struct Running;
                    impl Drop for Running {
                        fn drop(&mut self) {
                            crate::infra::metrics::global().imports_running.dec();
                        }
                    }
                    crate::infra::metrics::global().imports_running.inc();
                    let _running = Running;
                    tokio::select! {
                        result = this.run(job_id) => if let Err(e) = result {
                            tracing::error!(job = job_id, error = %e, "an import job stopped");
                        },
                        () = this.keep_lease(job_id) => {
                            tracing::warn!(job = job_id, "lost the lease of an import job; another replica runs it");
                        }
                    }
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(job = job_id, error = %e, "could not claim an import job")
                }
            }
            this.running.lock().expect("not poisoned").remove(&job_id);
            this.notify();
        });
        running.insert(job_id, task.abort_handle());
    }

    /// Renews this process's lease of a job until it is lost (then returns).
    async fn keep_lease(&self, job_id: i64) {
        loop {
            tokio::time::sleep(self.lease / 3).await;
            let until = now_millis() + self.lease.as_millis() as i64;
            match self
                .db
                .renew_import_lease(job_id, &self.holder, until)
                .await
            {
                Ok(true) => {}
                Ok(false) => return,
                // A database hiccup: try again at the next beat, the lease has time left.
                Err(e) => {
                    tracing::warn!(job = job_id, error = %e, "could not renew an import lease")
                }
            }
        }
    }

    /// Gives up this process's job leases once its jobs are stopped, so another replica
    /// (or this one restarted) carries on at once instead of after the lease.
    pub async fn release_leases(&self) {
        if let Err(e) = self.db.release_import_leases(&self.holder).await {
            tracing::warn!(error = %e, "could not release import leases");
        }
    }

    /// Stops every job where it is (the database says what is left, so the next start
    /// carries on) and ends the progress streams.
    pub fn stop(&self) {
        self.stopping.send_replace(true);
        for (_, task) in self.running.lock().expect("not poisoned").drain() {
            task.abort();
        }
    }

    /// A receiver that turns `true` when the server stops.
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.stopping.subscribe()
    }

    fn notify(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that sees a new value whenever any job changes.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Starts a job for `caller`, who must own the target repository and have linked
    /// GitHub. The repository must exist, as in Bintray. Refused, with nothing written,
    /// when the rules of [`rules`] say no: name collisions, private repositories the
    /// account may not import, private ones into a public repository unconfirmed.
    pub async fn start(
        self: &Arc<Self>,
        caller: &Caller,
        request: &ImportRequest,
    ) -> Result<i64, ImportError> {
        let user = caller
            .user
            .as_ref()
            .ok_or(ImportError::Registry(CatalogError::Unauthenticated))?;
        let repo = catalog::owned_repository(
            &self.db,
            caller,
            &catalog::RepoCoord::new(&request.subject, &request.repo),
        )
        .await?;
        let link = self
            .db
            .github_link(user.id)
            .await?
            .ok_or(ImportError::NotLinked)?;
        if request.repos.is_empty() {
            return Err(ImportError::BadRequest(
                "Select at least one GitHub repository to import".to_owned(),
            ));
        }
        if request.repos.len() > MAX_REPOS_PER_JOB {
            return Err(ImportError::BadRequest(format!(
                "One import can take at most {MAX_REPOS_PER_JOB} repositories"
            )));
        }
        let mut seen = HashSet::new();
        let mut items = Vec::with_capacity(request.repos.len());
        for r in &request.repos {
            let valid = r
                .full_name
                .split_once('/')
                .is_some_and(|(o, n)| !o.is_empty() && !n.is_empty() && !n.contains('/'));
            if !valid {
                return Err(ImportError::BadRequest(format!(
                    "{:?} is not a GitHub repository name (owner/name)",
                    r.full_name
                )));
            }
            if let ReleaseChoice::Only(tags) = &r.releases {
                if tags.is_empty() {
                    return Err(ImportError::BadRequest(format!(
                        "No releases chosen for {}",
                        r.full_name
                    )));
                }
            }
            if !seen.insert(r.full_name.to_ascii_lowercase()) {
                return Err(ImportError::BadRequest(format!(
                    "{} is named twice",
                    r.full_name
                )));
            }
            let releases = serde_json::to_string(&r.releases).expect("serialisable");
            items.push((r.full_name.clone(), releases));
        }
        let names: Vec<&str> = request.repos.iter().map(|r| r.full_name.as_str()).collect();
        let existing = rules::existing_packages(&self.db, repo.id).await?;
        let collisions = import_collisions::collisions(names.iter().copied(), &existing);
        if !collisions.is_empty() {
            return Err(Refusal::Collision(import_collisions::describe(&collisions)).into());
        }
        let may_private = self.plans.may_import_private(user, &link);
        // GitHub is asked which repositories are private only when the answer could
        // refuse something: the token can read private ones, and the account may not
        // import them or the target is public and unconfirmed.
        let confirmed = request.confirm_private_to_public;
        if rules::token_reads_private(&link) && (!may_private || (!repo.is_private && !confirmed)) {
            let token = self
                .secrets
                .open(&link.token_sealed)
                .map_err(|_| ImportError::Sealed)?;
            let session = self.github.session(GitHubToken::new(token));
            let private = rules::private_among(&session, &names)
                .await
                .map_err(|e| ImportError::Github(e.user_message()))?;
            rules::check_private(&private, may_private, &repo, confirmed)?;
        }
        let id = self
            .db
            .create_import_job(
                user.id,
                repo.id,
                request.with_assets,
                request.publish,
                request.confirm_private_to_public,
                &items,
            )
            .await?;
        self.spawn(id);
        Ok(id)
    }

    /// A job as the progress view shows it, only to the user who started it.
    pub async fn job(&self, caller: &Caller, job_id: i64) -> Result<ImportJob, ImportError> {
        let user = caller.user.as_ref().ok_or(ImportError::NotFound(job_id))?;
        let job = self
            .db
            .import_job(job_id, user.id)
            .await?
            .ok_or(ImportError::NotFound(job_id))?;
        self.snapshot(job).await
    }

    async fn snapshot(&self, job: ImportJobRecord) -> Result<ImportJob, ImportError> {
        let items = self.db.import_items(job.id).await?;
        Ok(ImportJob {
            id: job.id,
            subject: job.subject,
            repo: job.repo,
            status: job.status,
            with_assets: job.with_assets,
            publish: job.publish,
            waiting_until: job.waiting_until.map(|ms| ms / 1000),
            items: items
                .into_iter()
                .map(|i| ImportItem {
                    repo: i.repo_full_name,
                    package: i.package,
                    status: i.status,
                    message: i.message,
                    versions_done: i.versions_done,
                    versions_total: i.versions_total,
                    files_done: i.files_done,
                    outcomes: i
                        .outcomes
                        .as_deref()
                        .and_then(|o| serde_json::from_str(o).ok())
                        .unwrap_or_default(),
                })
                .collect(),
        })
    }

    /// Queues a finished job's failed items again and runs them.
    pub async fn retry(
        self: &Arc<Self>,
        caller: &Caller,
        job_id: i64,
    ) -> Result<ImportJob, ImportError> {
        let user = caller.user.as_ref().ok_or(ImportError::NotFound(job_id))?;
        if self.db.import_job(job_id, user.id).await?.is_none() {
            return Err(ImportError::NotFound(job_id));
        }
        if self.db.retry_import_job(job_id, user.id).await? > 0 {
            self.spawn(job_id);
            self.notify();
        }
        self.job(caller, job_id).await
    }
}

/// The Wharf repository a job imports into.
fn target_of(job: &ImportJobRecord) -> catalog::RepoCoord {
    catalog::RepoCoord::new(&job.subject, &job.repo)
}
