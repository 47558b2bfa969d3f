//! `/import/:subject/:repo`: Repository › Actions › Import from GitHub. Every GitHub
//! repository the user can see, with its releases (or tags), as a checkbox tree; the
//! selection lives here and follows `domain::import_selection`. `?job=ID` shows a running
//! or finished import, live.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{self, segment};
use crate::api_types::{
    GhRelease, GhReleaseList, GhReleases, GhRepo, GhRepoList, GithubStatus, ImportJob,
    ImportRequest, ImportStarted, ImportTarget, RateBudget, ReleasesRequest,
};
use crate::components::form::ErrorNote;
use crate::components::github::{github_status, GithubMark};
use crate::components::load::Load;
use crate::components::session::use_session;
use crate::domain::display::count;
use crate::domain::import_collisions::{self, Collision};
use crate::domain::import_selection::{Selection, Tri};
use crate::domain::names::{RepositoryName, SubjectName};

/// Rows are a fixed height so the list can be virtualised: only the rows in view (and a
/// few around them) exist in the DOM, however many repositories and releases there are.
const ROW_HEIGHT: f64 = 34.0;
const VIEW_HEIGHT: f64 = 476.0;
const OVERSCAN: usize = 8;
/// Repositories whose releases are asked for in one request.
const RELEASE_BATCH: usize = 25;

#[component]
pub fn ImportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let session = use_session();
    move || {
        let (subject, repo) = params.with(|p| (p.get("subject"), p.get("repo")));
        let valid = subject
            .as_deref()
            .is_some_and(|s| SubjectName::parse(s).is_ok())
            && repo
                .as_deref()
                .is_some_and(|r| RepositoryName::parse(r).is_ok());
        let (subject, repo) = (subject.unwrap_or_default(), repo.unwrap_or_default());
        if !valid {
            return view! { <crate::pages::not_found::NotFoundPage /> }.into_any();
        }
        if !session.loaded() {
            return view! { <p class="muted">"Loading…"</p> }.into_any();
        }
        if !session.is(&subject) {
            return view! {
                <section class="card narrow">
                    <h1>"Import from GitHub"</h1>
                    <p>"Only the repository's owner can import into it. "</p>
                    <A href="/signin" attr:class="button">"Sign in"</A>
                </section>
            }
            .into_any();
        }
        let job = query
            .with(|q| q.get("job"))
            .and_then(|j| j.parse::<i64>().ok());
        let (subject_text, repo_text) = (subject.clone(), repo.clone());
        let body = match job {
            Some(id) => {
                view! { <ImportProgress id=id subject=subject.clone() repo=repo.clone() /> }
                    .into_any()
            }
            None => view! { <ImportPicker subject=subject.clone() repo=repo.clone() /> }.into_any(),
        };
        view! {
            <Title text=format!("Import from GitHub · {subject}/{repo} · Wharf") />
            <nav class="breadcrumbs" aria-label="Breadcrumbs">
                <A href=format!("/{subject}")>{subject_text}</A>
                " / "
                <A href=format!("/{subject}/{repo}")>{repo_text}</A>
                " / Import from GitHub"
            </nav>
            {body}
        }
        .into_any()
    }
}

#[component]
fn ImportPicker(subject: String, repo: String) -> impl IntoView {
    let status = github_status();
    view! {
        <Load resource=status render={move |s: GithubStatus| {
            if !s.configured {
                return view! {
                    <section class="card">
                        <h1>"Import from GitHub"</h1>
                        <p data-testid="github-not-configured">
                            "GitHub is not configured on this server: its administrator must set "
                            <code>"WHARF_GITHUB_CLIENT_ID"</code>" and "<code>"WHARF_GITHUB_CLIENT_SECRET"</code>"."
                        </p>
                    </section>
                }
                .into_any();
            }
            if s.linked.is_none() {
                return view! {
                    <section class="card">
                        <h1>"Import from GitHub"</h1>
                        <p>"Wharf needs your authorization to read your GitHub repositories and releases."</p>
                        <A href="/profile#accounts" attr:class="button"><GithubMark />"Authorize with GitHub"</A>
                    </section>
                }
                .into_any();
            }
            view! { <Picker subject=subject.clone() repo=repo.clone() /> }.into_any()
        }} />
    }
}

/// One line of the flattened tree.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Row {
    Repo(usize),
    Release(usize, usize),
}

#[component]
fn Picker(subject: String, repo: String) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let repos = RwSignal::new(None::<Vec<GhRepo>>);
    let releases = RwSignal::new(HashMap::<String, GhReleases>::new());
    let release_failures = RwSignal::new(HashMap::<String, String>::new());
    let rate = RwSignal::new(RateBudget::default());
    let private_access = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let selection = RwSignal::new(Selection::new());
    let expanded = RwSignal::new(HashSet::<String>::new());
    let filter = RwSignal::new(String::new());
    let scroll_top = RwSignal::new(0.0f64);
    let with_assets = RwSignal::new(true);
    let publish = RwSignal::new(true);
    let busy = RwSignal::new(false);
    // The Wharf repository that receives the import: public or not, and its packages.
    let target = RwSignal::new(None::<ImportTarget>);
    let confirm_public = RwSignal::new(false);

    {
        let url = format!(
            "/api/ui/imports/target/{}/{}",
            segment(&subject),
            segment(&repo)
        );
        leptos::task::spawn_local(async move {
            match api::get::<ImportTarget>(&url).await {
                Ok(t) => target.set(Some(t)),
                Err(e) => error.set(Some(e.message)),
            }
        });
    }

    // Repositories first, then their releases in the background, a batch at a time.
    leptos::task::spawn_local(async move {
        match api::get::<GhRepoList>("/api/ui/github/repos").await {
            Ok(list) => {
                rate.set(list.rate.clone());
                private_access.set(list.private_access);
                let names: Vec<String> = list.repos.iter().map(|r| r.full_name.clone()).collect();
                repos.set(Some(list.repos));
                for batch in names.chunks(RELEASE_BATCH) {
                    let body = ReleasesRequest {
                        repos: batch.to_vec(),
                    };
                    match api::post::<_, GhReleaseList>(
                        "/api/ui/github/releases",
                        session.csrf(),
                        &body,
                    )
                    .await
                    {
                        Ok(answer) => {
                            rate.set(answer.rate);
                            releases.update(|m| m.extend(answer.repos));
                            release_failures.update(|m| m.extend(answer.failed));
                        }
                        Err(e) => {
                            error.set(Some(e.message));
                            break;
                        }
                    }
                }
            }
            Err(e) => error.set(Some(e.message)),
        }
    });

    let tags_of = move |name: &str| -> Option<Vec<String>> {
        releases.with(|m| {
            m.get(name)
                .map(|r| r.releases.iter().map(|x| x.tag.clone()).collect())
        })
    };

    // The repositories the filter lets through, by index.
    let visible = Memo::new(move |_| {
        let needle = filter.get().trim().to_lowercase();
        repos.with(|list| {
            list.as_ref()
                .map(|l| {
                    l.iter()
                        .enumerate()
                        .filter(|(_, r)| {
                            needle.is_empty()
                                || r.full_name.to_lowercase().contains(&needle)
                                || r.description
                                    .as_deref()
                                    .is_some_and(|d| d.to_lowercase().contains(&needle))
                        })
                        .map(|(i, _)| i)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    // The tree as rows: each visible repository, then its releases when expanded.
    let rows = Memo::new(move |_| {
        let open = expanded.get();
        let shown = visible.get();
        repos.with(|list| {
            let Some(list) = list else { return vec![] };
            releases.with(|rel| {
                let mut rows = Vec::with_capacity(shown.len());
                for i in shown {
                    rows.push(Row::Repo(i));
                    let name = &list[i].full_name;
                    if open.contains(name) {
                        if let Some(r) = rel.get(name) {
                            rows.extend((0..r.releases.len()).map(|j| Row::Release(i, j)));
                        }
                    }
                }
                rows
            })
        })
    });
    let window = Memo::new(move |_| {
        let top = scroll_top.get();
        let total = rows.with(Vec::len);
        let first = ((top / ROW_HEIGHT) as usize)
            .saturating_sub(OVERSCAN)
            .min(total);
        let count = (VIEW_HEIGHT / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        let last = (first + count).min(total);
        (first, last, total)
    });
    let window_rows = move || {
        let (first, last, _) = window.get();
        rows.with(|r| {
            r[first..last]
                .iter()
                .cloned()
                .enumerate()
                .map(|(k, row)| (first + k, row))
                .collect::<Vec<_>>()
        })
    };
    let visible_names = move || -> Vec<String> {
        repos.with(|list| {
            let Some(list) = list else { return vec![] };
            visible.with(|v| v.iter().map(|&i| list[i].full_name.clone()).collect())
        })
    };
    let overall = Memo::new(move |_| {
        let names = visible_names();
        selection.with(|s| s.overall(names.iter().map(String::as_str)))
    });
    // Name collisions of the selected repositories, with each other and with the
    // packages already here (`domain::import_collisions`): shown before Import.
    let collisions = Memo::new(move |_| {
        let names: Vec<String> = selection.with(|s| {
            s.to_request()
                .into_iter()
                .map(|r| r.full_name)
                .collect::<Vec<_>>()
        });
        target.with(|t| {
            let existing = t.as_ref().map_or(&[][..], |t| t.packages.as_slice());
            import_collisions::collisions(names.iter().map(String::as_str), existing)
        })
    });
    // Selected private repositories, when the Wharf repository is public.
    let private_to_public = Memo::new(move |_| {
        if !target.with(|t| t.as_ref().is_some_and(|t| !t.private)) {
            return vec![];
        }
        repos.with(|list| {
            list.iter()
                .flatten()
                .filter(|r| {
                    r.private
                        && selection.with(|s| s.repo_state(&r.full_name, None) != Tri::Unchecked)
                })
                .map(|r| r.full_name.clone())
                .collect::<Vec<_>>()
        })
    });
    let counts = move || {
        let total = repos.with(|r| r.as_ref().map_or(0, Vec::len));
        let shown = visible.with(Vec::len);
        let (chosen, chosen_releases) = selection.with(|s| {
            (
                s.repo_count(),
                s.release_count(|name| releases.with(|m| m.get(name).map(|r| r.releases.len()))),
            )
        });
        let release_text = match chosen_releases {
            Some(n) => count(n, "release"),
            None => "releases still loading".to_owned(),
        };
        let loaded = releases.with(HashMap::len);
        let loading = if total > 0 && loaded + release_failures.with(HashMap::len) < total {
            format!(" · loading releases {loaded}/{total}")
        } else {
            String::new()
        };
        let noun = if total == 1 {
            "repository"
        } else {
            "repositories"
        };
        format!("{shown} of {total} {noun} shown · {chosen} selected with {release_text}{loading}")
    };

    let start_import = {
        let subject = subject.clone();
        let repo = repo.clone();
        move |_| {
            let body = ImportRequest {
                subject: subject.clone(),
                repo: repo.clone(),
                repos: selection.with_untracked(Selection::to_request),
                with_assets: with_assets.get_untracked(),
                publish: publish.get_untracked(),
                confirm_private_to_public: confirm_public.get_untracked()
                    && !private_to_public.with_untracked(Vec::is_empty),
            };
            let navigate = navigate.clone();
            let target = format!("/import/{}/{}", segment(&subject), segment(&repo));
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                match api::post::<_, ImportStarted>("/api/ui/imports", session.csrf(), &body).await
                {
                    Ok(started) => {
                        navigate(&format!("{target}?job={}", started.id), Default::default())
                    }
                    Err(e) => error.set(Some(e.message)),
                }
                busy.set(false);
            });
        }
    };

    let toggle_all = move |_| {
        let names = visible_names();
        let names = names.iter().map(String::as_str);
        selection.update(|s| {
            if s.overall(names.clone()) == Tri::Checked {
                s.select_none(names)
            } else {
                s.select_all(names)
            }
        });
    };

    view! {
        <section class="card import">
            <h1><GithubMark />"Import GitHub packages"</h1>
            <p class="muted">
                "Repositories become packages of "<strong>{format!("{subject}/{repo}")}</strong>
                " and their releases become versions. Ticking a release ticks its repository; ticking a repository ticks all its releases, and single releases can still be unticked."
            </p>
            <RateLine rate=rate />
            {move || (!private_access.get() && repos.with(Option::is_some)).then(|| view! {
                <p class="field-hint">"Only public repositories are listed: private ones need a Premium account that authorized “Access private repositories”."</p>
            })}
            <div class="import-toolbar">
                <label class="check select-all">
                    <input
                        type="checkbox"
                        aria-label="Select all shown repositories"
                        prop:checked=move || overall.get() == Tri::Checked
                        prop:indeterminate=move || overall.get() == Tri::Mixed
                        on:change=toggle_all
                    />
                    " All"
                </label>
                <input
                    type="search"
                    class="filter"
                    placeholder="Filter repositories"
                    aria-label="Filter repositories"
                    prop:value=move || filter.get()
                    on:input=move |ev| {
                        filter.set(event_target_value(&ev));
                        scroll_top.set(0.0);
                    }
                />
                <button class="button button-small button-ghost" on:click=move |_| {
                    let names = visible_names();
                    expanded.update(|e| e.extend(names));
                }>"Expand all"</button>
                <button class="button button-small button-ghost" on:click=move |_| expanded.update(HashSet::clear)>
                    "Collapse all"
                </button>
            </div>
            <p class="muted counts" data-testid="import-counts">{counts}</p>
            {move || match repos.get() {
                None => view! { <p class="muted loading" aria-busy="true">"Loading your GitHub repositories…"</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted">"No GitHub repositories to import."</p> }.into_any(),
                Some(_) => view! {
                    <div
                        class="tree"
                        role="tree"
                        aria-label="GitHub repositories and releases"
                        style=format!("height: {VIEW_HEIGHT}px")
                        on:scroll=move |ev| {
                            let el = event_target::<web_sys::Element>(&ev);
                            scroll_top.set(el.scroll_top() as f64);
                        }
                    >
                        <div class="tree-inner" style=move || format!("height: {}px", window.get().2 as f64 * ROW_HEIGHT)>
                            <For
                                each=window_rows
                                key=|(pos, row)| (*pos, row.clone())
                                children=move |(pos, row)| {
                                    let top = format!("top: {}px", pos as f64 * ROW_HEIGHT);
                                    match row {
                                        Row::Repo(i) => view! {
                                            <RepoRow index=i top=top repos=repos releases=releases failures=release_failures selection=selection expanded=expanded tags_of=tags_of collisions=collisions target=target />
                                        }.into_any(),
                                        Row::Release(i, j) => view! {
                                            <ReleaseRow repo_index=i index=j top=top repos=repos releases=releases selection=selection tags_of=tags_of />
                                        }.into_any(),
                                    }
                                }
                            />
                        </div>
                    </div>
                }.into_any(),
            }}
            <div class="import-options">
                <label class="check"><input type="checkbox" name="with-assets" bind:checked=with_assets />" Also import release assets as files"</label>
                <label class="check"><input type="checkbox" name="publish" bind:checked=publish />" Publish after import"</label>
            </div>
            {move || {
                let lines: BTreeSet<String> =
                    collisions.with(|c| c.values().map(ToString::to_string).collect());
                (!lines.is_empty()).then(|| view! {
                    <div class="error-note" role="alert" data-testid="import-collisions">
                        <p>"These repositories would overwrite each other's package, or one already here; untick them to import the rest:"</p>
                        <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            {
                let place = format!("{subject}/{repo}");
                move || {
                    let private = private_to_public.get();
                    (!private.is_empty()).then(|| {
                        let (names, verb) = match private.as_slice() {
                            [one] => (one.clone(), "is"),
                            more => (more.join(", "), "are"),
                        };
                        view! {
                            <div class="error-note" role="alert" data-testid="private-to-public">
                                <p>{format!("{names} {verb} private on GitHub, and {place} is a public repository: once imported, anyone can read their versions and release notes and download their release assets.")}</p>
                                <label class="check">
                                    <input type="checkbox" name="confirm-private-public" bind:checked=confirm_public />
                                    " Make them public in this repository"
                                </label>
                            </div>
                        }
                    })
                }
            }
            <ErrorNote error=error />
            <div class="form-actions">
                <button
                    class="button"
                    disabled=move || {
                        busy.get()
                            || selection.with(Selection::is_empty)
                            || collisions.with(|c| !c.is_empty())
                            || (!private_to_public.with(Vec::is_empty) && !confirm_public.get())
                    }
                    on:click=start_import
                >
                    "Import"
                </button>
            </div>
        </section>
    }
}

#[component]
fn RepoRow(
    index: usize,
    top: String,
    repos: RwSignal<Option<Vec<GhRepo>>>,
    releases: RwSignal<HashMap<String, GhReleases>>,
    failures: RwSignal<HashMap<String, String>>,
    selection: RwSignal<Selection>,
    expanded: RwSignal<HashSet<String>>,
    tags_of: impl Fn(&str) -> Option<Vec<String>> + Copy + Send + Sync + 'static,
    collisions: Memo<BTreeMap<String, Collision>>,
    target: RwSignal<Option<ImportTarget>>,
) -> impl IntoView {
    let repo = repos.with_untracked(|l| l.as_ref().map(|l| l[index].clone()));
    let Some(repo) = repo else {
        return ().into_any();
    };
    let name = StoredValue::new(repo.full_name.clone());
    let state = Memo::new(move |_| {
        let tags = tags_of(&name.get_value());
        selection.with(|s| s.repo_state(&name.get_value(), tags.as_deref()))
    });
    let is_open = move || expanded.with(|e| e.contains(&name.get_value()));
    let release_note = move || {
        let n = name.get_value();
        if let Some(reason) = failures.with(|f| f.get(&n).cloned()) {
            return format!("releases not readable: {reason}");
        }
        releases.with(|m| match m.get(&n) {
            None => "…".to_owned(),
            Some(r) if r.releases.is_empty() => "no releases or tags".to_owned(),
            Some(r) if r.tags_only => count(r.releases.len(), "tag"),
            Some(r) => count(r.releases.len(), "release"),
        })
    };
    let has_children = move || {
        releases.with(|m| {
            m.get(&name.get_value())
                .is_some_and(|r| !r.releases.is_empty())
        })
    };
    // Why this repository cannot be imported here: a collision among the selected ones,
    // or (ticked or not) a package here that it must not take over.
    let conflict = move || {
        let n = name.get_value();
        collisions
            .with(|c| c.get(&n).map(ToString::to_string))
            .or_else(|| {
                target.with(|t| {
                    let t = t.as_ref()?;
                    import_collisions::check_against(&n, &t.packages)
                        .err()
                        .map(|c| c.to_string())
                })
            })
    };
    let note_id = format!("repo-conflict-{index}");
    let label = repo.full_name.clone();
    view! {
        <div class="tree-row repo-row" role="treeitem" aria-expanded=move || is_open().to_string() style=top>
            <button
                class="twisty"
                aria-label=format!("Expand {label}")
                disabled=move || !has_children()
                on:click=move |_| expanded.update(|e| {
                    let n = name.get_value();
                    if !e.remove(&n) {
                        e.insert(n);
                    }
                })
            >
                {move || if is_open() { "▾" } else { "▸" }}
            </button>
            <label class="check">
                <input
                    type="checkbox"
                    aria-label=repo.full_name.clone()
                    aria-describedby={
                        let id = note_id.clone();
                        move || conflict().map(|_| id.clone())
                    }
                    prop:checked=move || state.get() == Tri::Checked
                    prop:indeterminate=move || state.get() == Tri::Mixed
                    on:change=move |_| {
                        let n = name.get_value();
                        let tags = tags_of(&n);
                        selection.update(|s| s.toggle_repo(&n, tags.as_deref()));
                    }
                />
                <span class="repo-name" title=repo.full_name.clone()>{repo.full_name.clone()}</span>
            </label>
            {repo.private.then(|| view! { <span class="badge">"private"</span> })}
            {repo.fork.then(|| view! { <span class="badge">"fork"</span> })}
            {repo.archived.then(|| view! { <span class="badge">"archived"</span> })}
            {move || conflict().map(|why| view! {
                <span class="badge badge-private conflict" id=note_id.clone() title=why.clone() data-testid="repo-conflict">
                    "⚠"<span class="badge-words">" name collision"</span>
                    <span class="visually-hidden">{format!(": {why}")}</span>
                </span>
            })}
            <span class="muted row-note">{release_note}</span>
            <span class="muted row-desc">{repo.description.clone().unwrap_or_default()}</span>
        </div>
    }
    .into_any()
}

#[component]
fn ReleaseRow(
    repo_index: usize,
    index: usize,
    top: String,
    repos: RwSignal<Option<Vec<GhRepo>>>,
    releases: RwSignal<HashMap<String, GhReleases>>,
    selection: RwSignal<Selection>,
    tags_of: impl Fn(&str) -> Option<Vec<String>> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let Some(repo_name) =
        repos.with_untracked(|l| l.as_ref().map(|l| l[repo_index].full_name.clone()))
    else {
        return ().into_any();
    };
    let found: Option<(GhRelease, bool)> = releases.with_untracked(|m| {
        m.get(&repo_name)
            .and_then(|r| r.releases.get(index).cloned().map(|x| (x, r.tags_only)))
    });
    let Some((release, tags_only)) = found else {
        return ().into_any();
    };
    let repo_key = StoredValue::new(repo_name);
    let tag = StoredValue::new(release.tag.clone());
    let checked = Memo::new(move |_| {
        selection.with(|s| s.release_checked(&repo_key.get_value(), &tag.get_value()))
    });
    let date = release
        .published_at
        .as_deref()
        .map(crate::domain::display::date_part)
        .unwrap_or_default()
        .to_owned();
    view! {
        <div class="tree-row release-row" role="treeitem" style=top>
            <label class="check">
                <input
                    type="checkbox"
                    aria-label=format!("{} {}", repo_key.get_value(), release.tag)
                    prop:checked=move || checked.get()
                    on:change=move |_| {
                        let all = tags_of(&repo_key.get_value()).unwrap_or_default();
                        selection.update(|s| s.toggle_release(&repo_key.get_value(), &tag.get_value(), &all));
                    }
                />
                <span class="tag-name">{release.tag.clone()}</span>
            </label>
            {tags_only.then(|| view! { <span class="badge">"tag"</span> })}
            {release.prerelease.then(|| view! { <span class="badge">"pre-release"</span> })}
            <span class="muted row-note">{release.title.clone().filter(|t| t != &release.tag).unwrap_or_default()}</span>
            <span class="muted row-desc">
                {date}
                {(release.assets > 0).then(|| format!(" · {}", count(release.assets as usize, "asset")))}
            </span>
        </div>
    }
    .into_any()
}

/// GitHub's remaining request budget, and a rate-limit pause when there is one.
#[component]
fn RateLine(rate: RwSignal<RateBudget>) -> impl IntoView {
    move || {
        let r = rate.get();
        let now = (js_sys::Date::now() / 1000.0) as i64;
        if let Some(until) = r.waiting_until.filter(|u| *u > now) {
            return view! {
                <p class="notice rate waiting" role="status">
                    {format!("GitHub's rate limit was reached: waiting {} s before carrying on.", until - now)}
                </p>
            }
            .into_any();
        }
        match (r.remaining, r.limit) {
            (Some(left), Some(limit)) => {
                let reset = r
                    .reset
                    .map(|t| format!(", refills in {} min", ((t - now).max(0) + 59) / 60))
                    .unwrap_or_default();
                view! { <p class="muted rate" data-testid="rate-budget">{format!("GitHub requests left: {left} of {limit}{reset}")}</p> }.into_any()
            }
            _ => ().into_any(),
        }
    }
}

/// A job's live progress: a bar, a row per repository, retry, and View Repository.
#[component]
fn ImportProgress(id: i64, subject: String, repo: String) -> impl IntoView {
    let session = use_session();
    let job = RwSignal::new(None::<ImportJob>);
    let error = RwSignal::new(None::<String>);
    let url = format!("/api/ui/imports/{id}");
    {
        let url = url.clone();
        leptos::task::spawn_local(async move {
            match api::get::<ImportJob>(&url).await {
                // The event stream may have been faster: its state is newer than this
                // answer, and once it says "finished" the stream is closed, so a late
                // snapshot written over it would freeze the page mid-import.
                Ok(j) => job.update(|current| {
                    if current.is_none() {
                        *current = Some(j);
                    }
                }),
                Err(e) => error.set(Some(e.message)),
            }
        });
    }
    // Server-sent events carry each change; the browser reconnects by itself.
    let source = web_sys::EventSource::new(&format!("{url}/events")).ok();
    if let Some(source) = &source {
        let on_message = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |ev: web_sys::MessageEvent| {
                if let Some(text) = ev.data().as_string() {
                    if let Ok(j) = serde_json::from_str::<ImportJob>(&text) {
                        job.set(Some(j));
                    }
                }
            },
        );
        source.set_onmessage(Some(wasm_bindgen::JsCast::unchecked_ref(
            on_message.as_ref(),
        )));
        on_message.forget();
    }
    let source = StoredValue::new_local(source);
    Effect::new(move |_| {
        if job.with(|j| j.as_ref().is_some_and(ImportJob::is_finished)) {
            source.with_value(|s| {
                if let Some(s) = s {
                    s.close();
                }
            });
        }
    });
    on_cleanup(move || {
        source.with_value(|s| {
            if let Some(s) = s {
                s.close();
            }
        })
    });
    let retry = {
        let url = url.clone();
        move |_| {
            let url = format!("{url}/retry");
            error.set(None);
            leptos::task::spawn_local(async move {
                match api::post::<_, ImportJob>(&url, session.csrf(), &()).await {
                    Ok(j) => {
                        job.set(Some(j));
                        // The finished stream was closed: listen again.
                        if let Some(window) = web_sys::window() {
                            let _ = window.location().reload();
                        }
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    };
    let repo_href = format!("/{subject}/{repo}");
    view! {
        <section class="card import-progress">
            <h1><GithubMark />"Importing from GitHub"</h1>
            <ErrorNote error=error />
            {move || job.get().map(|j| {
                let pct = (j.progress() * 100.0).round();
                let finished = j.is_finished();
                let failed = j.failed();
                let now = (js_sys::Date::now() / 1000.0) as i64;
                let waiting = j.waiting_until.filter(|u| *u > now);
                let repo_href = repo_href.clone();
                let retry = retry.clone();
                let subject = j.subject.clone();
                let wharf_repo = j.repo.clone();
                view! {
                    <div
                        class="progress"
                        role="progressbar"
                        aria-label="Import progress"
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=pct.to_string()
                    >
                        <div class="progress-fill" style=format!("width: {pct}%")></div>
                    </div>
                    <p class="muted" data-testid="import-status">
                        {if finished {
                            if failed == 0 {
                                format!("Finished: {} repositories imported.", j.items.len())
                            } else {
                                format!("Finished with {failed} of {} repositories failed.", j.items.len())
                            }
                        } else {
                            format!("{pct}% done")
                        }}
                    </p>
                    {waiting.map(|u| view! {
                        <p class="notice rate waiting" role="status">
                            {format!("GitHub's rate limit was reached: the import carries on in {} s.", u - now)}
                        </p>
                    })}
                    <ul class="import-items" data-testid="import-items">
                        {j.items.into_iter().map(|item| {
                            let versions = match item.versions_total {
                                Some(t) => format!("{}/{} versions", item.versions_done, t),
                                None => String::new(),
                            };
                            let files = if item.files_done > 0 { format!(" · {} files", item.files_done) } else { String::new() };
                            let package_link = item.package.clone().map(|p| {
                                let href = format!("/{subject}/{wharf_repo}/{p}");
                                view! { <A href=href>{p}</A> }
                            });
                            view! {
                                <li class=format!("import-item status-{}", item.status) data-repo=item.repo.clone()>
                                    <span class="repo-name">{item.repo.clone()}</span>
                                    <span class="badge status">{item.status.clone()}</span>
                                    <span class="muted">{versions}{files}</span>
                                    {package_link}
                                    {item.message.clone().map(|m| view! { <pre class="item-message">{m}</pre> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <div class="form-actions">
                        {(finished && failed > 0).then(|| view! {
                            <button class="button button-ghost" on:click=retry.clone()>"Retry failed"</button>
                        })}
                        {finished.then(|| view! { <A href=repo_href.clone() attr:class="button">"View Repository"</A> })}
                    </div>
                }
            })}
        </section>
    }
}
