//! `/import/:subject/:repo`: Repository › Actions › Import from GitHub. Every GitHub
//! repository the user can see, with its releases (or tags), as a checkbox tree; the
//! selection lives here and follows `domain::import_selection`. `?job=ID` shows a running
//! or finished import, live.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api;
use crate::api_types::{
    GitHubRelease, GitHubReleases, GitHubRepo, GitHubStatus, ImportJob, ImportRequest,
    ImportTarget, RateBudget, ReleasesRequest,
};
use crate::components::form::ErrorNote;
use crate::components::github::{github_status, GitHubMark};
use crate::components::load::Load;
use crate::components::session::use_session;
use crate::domain::display::count;
use crate::domain::import_collisions::{self, Collision};
use crate::domain::import_outcome;
use crate::domain::import_selection::{Selection, Tri};
use crate::domain::import_tree;
use crate::domain::names::{RepositoryName, SubjectName};
use crate::domain::tree_nav::{self, Action, Key, NavItem};
use crate::domain::url::path_segment as segment;
use crate::endpoints;

/// Beyond `domain::import_tree::FLOW_ROWS` rows are a fixed height so the list can be
/// virtualised: only the rows in view (and a few around them) exist in the DOM, however
/// many repositories and releases there are.
const ROW_HEIGHT: f64 = 34.0;
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
            // A job's page titles itself by how it is going (`ImportProgress`).
            {job.is_none().then(|| view! { <Title text=format!("Import from GitHub · {subject}/{repo} · Wharf") /> })}
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
        <Load resource=status render={move |s: GitHubStatus| {
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
                        <A href="/profile#accounts" attr:class="button"><GitHubMark />"Authorize with GitHub"</A>
                    </section>
                }
                .into_any();
            }
            view! { <Picker subject=subject.clone() repo=repo.clone() /> }.into_any()
        }} />
    }
}

/// One line of the flattened tree: a repository (by its index in the list GitHub gave), or
/// one of its releases.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Row {
    Repo(usize),
    Release(usize, usize),
}

impl Row {
    /// The row's `data-row`, to find its element when it takes the focus.
    fn key(self) -> String {
        match self {
            Row::Repo(i) => format!("r{i}"),
            Row::Release(i, j) => format!("r{i}-{j}"),
        }
    }
}

/// `aria-checked` of a tri-state box.
fn aria_checked(state: Tri) -> &'static str {
    match state {
        Tri::Checked => "true",
        Tri::Unchecked => "false",
        Tri::Mixed => "mixed",
    }
}

/// What the tree's rows read and change, in one place (all of it `Copy`).
#[derive(Clone, Copy)]
struct Tree {
    repos: RwSignal<Option<Vec<GitHubRepo>>>,
    releases: RwSignal<HashMap<String, GitHubReleases>>,
    failures: RwSignal<HashMap<String, String>>,
    selection: RwSignal<Selection>,
    expanded: RwSignal<HashSet<String>>,
    /// The user opened or closed a repository: the tree no longer opens any by itself.
    touched: RwSignal<bool>,
    collisions: Memo<BTreeMap<String, Collision>>,
    target: RwSignal<Option<ImportTarget>>,
    /// The row that holds the tree's one tab stop (roving `tabindex`).
    active: RwSignal<Option<Row>>,
    /// Where the active row is among the rows shown (the first row when it is gone).
    active_pos: Memo<Option<usize>>,
}

impl Tree {
    fn name(&self, index: usize) -> String {
        self.repos.with_untracked(|l| {
            l.as_ref()
                .map(|l| l[index].full_name.clone())
                .unwrap_or_default()
        })
    }

    fn tags_of(&self, name: &str) -> Option<Vec<String>> {
        self.releases.with(|m| {
            m.get(name)
                .map(|r| r.releases.iter().map(|x| x.tag.clone()).collect())
        })
    }

    /// Ticks or unticks a row, with the cascade of `domain::import_selection`.
    fn toggle(&self, row: Row) {
        match row {
            Row::Repo(i) => {
                let n = self.name(i);
                let tags = self.tags_of(&n);
                self.selection
                    .update(|s| s.toggle_repo(&n, tags.as_deref()));
            }
            Row::Release(i, j) => {
                let n = self.name(i);
                let all = self.tags_of(&n).unwrap_or_default();
                if let Some(tag) = all.get(j) {
                    self.selection.update(|s| s.toggle_release(&n, tag, &all));
                }
            }
        }
    }

    fn set_open(&self, index: usize, open: bool) {
        let n = self.name(index);
        self.touched.set(true);
        self.expanded.update(|e| {
            if open {
                e.insert(n);
            } else {
                e.remove(&n);
            }
        });
    }

    fn is_open(&self, index: usize) -> bool {
        let n = self.name(index);
        self.expanded.with(|e| e.contains(&n))
    }

    /// The tags of this repository that earlier imports made versions of, here.
    fn imported(&self, name: &str) -> BTreeSet<String> {
        self.target.with(|t| {
            t.as_ref()
                .and_then(|t| t.imported.get(&name.to_lowercase()))
                .map(|tags| tags.iter().cloned().collect())
                .unwrap_or_default()
        })
    }
}

#[component]
fn Picker(subject: String, repo: String) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let repos = RwSignal::new(None::<Vec<GitHubRepo>>);
    let releases = RwSignal::new(HashMap::<String, GitHubReleases>::new());
    let release_failures = RwSignal::new(HashMap::<String, String>::new());
    let rate = RwSignal::new(RateBudget::default());
    let private_access = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let selection = RwSignal::new(Selection::new());
    let expanded = RwSignal::new(HashSet::<String>::new());
    let touched = RwSignal::new(false);
    let filter = RwSignal::new(String::new());
    let scroll_top = RwSignal::new(0.0f64);
    let with_assets = RwSignal::new(true);
    let publish = RwSignal::new(true);
    let busy = RwSignal::new(false);
    // The Wharf repository that receives the import: public or not, and its packages.
    let target = RwSignal::new(None::<ImportTarget>);
    let confirm_public = RwSignal::new(false);
    let active = RwSignal::new(None::<Row>);
    let tree_ref = NodeRef::<leptos::html::Div>::new();
    // The window's height: the tree grows with its content up to it.
    let view_height = RwSignal::new(window_height());
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        view_height.set(window_height())
    });
    on_cleanup(move || resize.remove());

    {
        let endpoint = endpoints::import_target(&subject, &repo);
        leptos::task::spawn_local(async move {
            match api::get(endpoint).await {
                Ok(t) => target.set(Some(t)),
                Err(e) => error.set(Some(e.message)),
            }
        });
    }

    // Repositories first, then their releases in the background, a batch at a time.
    leptos::task::spawn_local(async move {
        match api::get(endpoints::github_repos()).await {
            Ok(list) => {
                rate.set(list.rate.clone());
                private_access.set(list.private_access);
                let names: Vec<String> = list.repos.iter().map(|r| r.full_name.clone()).collect();
                repos.set(Some(list.repos));
                for batch in names.chunks(RELEASE_BATCH) {
                    let body = ReleasesRequest {
                        repos: batch.to_vec(),
                    };
                    match api::send(endpoints::github_releases(), session.csrf(), &body).await {
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
                // Few releases in all: open every repository (`domain::import_tree`),
                // unless the user already opened or closed one.
                let (repo_count, release_count) = (
                    names.len(),
                    releases.with_untracked(|m| m.values().map(|r| r.releases.len()).sum()),
                );
                if !touched.get_untracked()
                    && import_tree::expand_by_default(repo_count, release_count)
                {
                    expanded.set(names.into_iter().collect());
                }
            }
            Err(e) => error.set(Some(e.message)),
        }
    });

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
    // The tree as rows: each visible repository, then its releases when expanded; and
    // what keyboard navigation needs to know of each (`domain::tree_nav`).
    let rows = Memo::new(move |_| {
        let open = expanded.get();
        let shown = visible.get();
        repos.with(|list| {
            let Some(list) = list else {
                return (vec![], vec![]);
            };
            releases.with(|rel| {
                let mut rows = Vec::with_capacity(shown.len());
                let mut nav = Vec::with_capacity(shown.len());
                for i in shown {
                    let name = &list[i].full_name;
                    let children = rel.get(name).map_or(0, |r| r.releases.len());
                    let is_open = children > 0 && open.contains(name);
                    rows.push(Row::Repo(i));
                    nav.push(NavItem {
                        level: 1,
                        expandable: children > 0,
                        expanded: is_open,
                    });
                    if is_open {
                        for j in 0..children {
                            rows.push(Row::Release(i, j));
                            nav.push(NavItem {
                                level: 2,
                                expandable: false,
                                expanded: false,
                            });
                        }
                    }
                }
                (rows, nav)
            })
        })
    });
    let active_pos = Memo::new(move |_| {
        let wanted = active.get();
        rows.with(|(r, _)| {
            tree_nav::keep_active(r.len(), wanted.and_then(|a| r.iter().position(|x| *x == a)))
        })
    });
    let flow = Memo::new(move |_| import_tree::in_flow(rows.with(|(r, _)| r.len())));
    let window = Memo::new(move |_| {
        let total = rows.with(|(r, _)| r.len());
        if flow.get() {
            return (0, total, total);
        }
        let top = scroll_top.get();
        let first = ((top / ROW_HEIGHT) as usize)
            .saturating_sub(OVERSCAN)
            .min(total);
        let count = (view_height.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        let last = (first + count).min(total);
        (first, last, total)
    });
    // The rows in the DOM: all of them in flow, in order; else those in view, and the
    // active row always (it holds the tab stop, even scrolled away), first: rows are
    // placed by `top`, and a focused row that `For` moved among the others would lose
    // the focus whenever the tree scrolls.
    let window_rows = move || {
        let (first, last, _) = window.get();
        let in_flow = flow.get();
        rows.with(|(r, _)| {
            if in_flow {
                return (first..last).map(|p| (p, r[p], true)).collect::<Vec<_>>();
            }
            let active = active_pos.get();
            active
                .into_iter()
                .chain((first..last).filter(|p| Some(*p) != active))
                .map(|p| (p, r[p], false))
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
    let tree = Tree {
        repos,
        releases,
        failures: release_failures,
        selection,
        expanded,
        touched,
        collisions,
        target,
        active,
        active_pos,
    };
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
        let of = count(total, "repository");
        format!("{shown} of {of} shown · {chosen} selected with {release_text}{loading}")
    };

    // Moves the focus to a row once it is in the DOM (it may just have been rendered).
    let focus_row = move |row: Row| {
        request_animation_frame(move || {
            let Some(tree) = tree_ref.get_untracked() else {
                return;
            };
            if let Ok(Some(el)) = tree.query_selector(&format!("[data-row=\"{}\"]", row.key())) {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
            }
        });
    };
    // The tree view pattern's keys (`domain::tree_nav`), on the active row.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let Some(key) = Key::from_dom(&ev.key()) else {
            return;
        };
        ev.prevent_default();
        let Some(at) = active_pos.get_untracked() else {
            return;
        };
        let (row_list, nav) = rows.get_untracked();
        match tree_nav::on_key(&nav, at, key) {
            Action::Focus(p) => {
                active.set(Some(row_list[p]));
                focus_row(row_list[p]);
            }
            Action::Expand(p) | Action::Collapse(p) => {
                if let Row::Repo(i) = row_list[p] {
                    tree.set_open(i, !nav[p].expanded);
                }
            }
            Action::Toggle(p) => tree.toggle(row_list[p]),
            Action::Nothing => {}
        }
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
                match api::send(endpoints::start_import(), session.csrf(), &body).await {
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
            <h1><GitHubMark />"Import GitHub packages"</h1>
            <p class="muted">
                "Repositories become packages of "<strong>{format!("{subject}/{repo}")}</strong>
                " and their releases become versions. Ticking a release ticks its repository; ticking a repository ticks all its releases, and single releases can still be unticked."
            </p>
            {move || (!private_access.get() && repos.with(Option::is_some)).then(|| view! {
                <p class="import-private-note" data-testid="private-note">
                    <strong>"Only public repositories are listed."</strong>
                    " Private ones need a Premium account that granted Wharf access to private repositories: "
                    <A href="/profile#accounts">"Profile › Accounts"</A>"."
                </p>
            })}
            <RateLine rate=rate />
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
                    touched.set(true);
                    expanded.update(|e| e.extend(names));
                }>"Expand all"</button>
                <button class="button button-small button-ghost" on:click=move |_| {
                    touched.set(true);
                    expanded.update(HashSet::clear);
                }>
                    "Collapse all"
                </button>
            </div>
            <p class="muted counts" data-testid="import-counts">{counts}</p>
            {move || match repos.get() {
                None => view! { <p class="muted loading" aria-busy="true">"Loading your GitHub repositories…"</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted">"No GitHub repositories to import."</p> }.into_any(),
                Some(_) => view! {
                    // One tab stop: the active row (tabindex 0, the others -1); arrows,
                    // Home/End and Space as the APG tree view pattern says. The state of
                    // a row's box is its `aria-checked` (the pattern uses aria-checked *or*
                    // aria-selected for a multi-select tree, never both).
                    <div
                        class=move || if flow.get() { "tree flow" } else { "tree" }
                        role="tree"
                        aria-label="GitHub repositories and releases"
                        aria-multiselectable="true"
                        node_ref=tree_ref
                        style=move || {
                            if flow.get() {
                                String::new()
                            } else {
                                format!("height: {}px", window.get().2 as f64 * ROW_HEIGHT)
                            }
                        }
                        on:scroll=move |ev| {
                            let el = event_target::<web_sys::Element>(&ev);
                            scroll_top.set(el.scroll_top() as f64);
                        }
                        on:keydown=on_key
                    >
                        <div class="tree-inner" style=move || {
                            if flow.get() {
                                String::new()
                            } else {
                                format!("height: {}px", window.get().2 as f64 * ROW_HEIGHT)
                            }
                        }>
                            <For
                                each=window_rows
                                key=|item| *item
                                children=move |(pos, row, in_flow)| {
                                    let top = (!in_flow).then(|| format!("top: {}px", pos as f64 * ROW_HEIGHT));
                                    match row {
                                        Row::Repo(i) => {
                                            let (posinset, setsize) = visible.with_untracked(|v| {
                                                (v.iter().position(|&x| x == i).unwrap_or(0) + 1, v.len())
                                            });
                                            view! { <RepoRow pos=pos index=i top=top tree=tree posinset=posinset setsize=setsize /> }.into_any()
                                        }
                                        Row::Release(i, j) => view! {
                                            <ReleaseRow pos=pos repo_index=i index=j top=top tree=tree />
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

/// The browser window's inner height in px (800 when unknown).
fn window_height() -> f64 {
    web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(800.0)
}

/// A row's part of the roving tab stop: it becomes the active row when anything in it
/// takes the focus (a click on its box), and the focus moves to the row itself, so the
/// tree keeps one tab stop and its keys keep working.
fn on_row_focus(tree: Tree, row: Row, ev: leptos::ev::FocusEvent) {
    tree.active.set(Some(row));
    let (Some(target), Some(current)) = (ev.target(), ev.current_target()) else {
        return;
    };
    if target != current {
        // Not from inside this handler: focusing dispatches focusin again, re-entering it.
        let row = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(current);
        request_animation_frame(move || {
            let _ = row.focus();
        });
    }
}

#[component]
fn RepoRow(
    pos: usize,
    index: usize,
    top: Option<String>,
    tree: Tree,
    posinset: usize,
    setsize: usize,
) -> impl IntoView {
    let repo = tree
        .repos
        .with_untracked(|l| l.as_ref().map(|l| l[index].clone()));
    let Some(repo) = repo else {
        return ().into_any();
    };
    let row = Row::Repo(index);
    let name = StoredValue::new(repo.full_name.clone());
    let state = Memo::new(move |_| {
        let tags = tree.tags_of(&name.get_value());
        tree.selection
            .with(|s| s.repo_state(&name.get_value(), tags.as_deref()))
    });
    let is_open = move || tree.expanded.with(|e| e.contains(&name.get_value()));
    let loaded = move || {
        tree.releases.with(|m| {
            m.get(&name.get_value())
                .map(|r| (r.releases.len(), r.tags_only))
        })
    };
    let release_note = move || {
        let n = name.get_value();
        if let Some(reason) = tree.failures.with(|f| f.get(&n).cloned()) {
            return format!("releases not readable: {reason}");
        }
        match loaded() {
            None => "…".to_owned(),
            Some((0, _)) => "no releases or tags".to_owned(),
            Some((k, true)) => count(k, "tag"),
            Some((k, false)) => count(k, "release"),
        }
    };
    // "imported · 3 of 4 releases": what of it is already in the target repository.
    let imported_note = move || {
        let n = name.get_value();
        let done = tree.imported(&n);
        if done.is_empty() {
            return None;
        }
        let (total, tags_only, k) = tree.releases.with(|m| match m.get(&n) {
            Some(r) => (
                Some(r.releases.len()),
                r.tags_only,
                r.releases.iter().filter(|x| done.contains(&x.tag)).count(),
            ),
            None => (None, false, done.len()),
        });
        import_tree::imported_note(k, total, tags_only)
    };
    let has_children = move || loaded().is_some_and(|(k, _)| k > 0);
    // Why this repository cannot be imported here: a collision among the selected ones,
    // or (ticked or not) a package here that it must not take over.
    let conflict = move || {
        let n = name.get_value();
        tree.collisions
            .with(|c| c.get(&n).map(ToString::to_string))
            .or_else(|| {
                tree.target.with(|t| {
                    let t = t.as_ref()?;
                    import_collisions::check_against(&n, &t.packages)
                        .err()
                        .map(|c| c.to_string())
                })
            })
    };
    let note_id = format!("repo-conflict-{index}");
    // The row is named from its content (WAI-ARIA tree pattern; WCAG 2.5.3 label in name):
    // the repository, its badges, the release count, what is imported, a collision, the
    // description, in the order they are shown.
    let label = StoredValue::new(repo.full_name.clone());
    view! {
        <div
            class="tree-row repo-row"
            role="treeitem"
            data-row=row.key()
            aria-posinset=posinset.to_string()
            aria-setsize=setsize.to_string()
            aria-expanded=move || has_children().then(|| is_open().to_string())
            aria-checked=move || aria_checked(state.get())
            tabindex=move || if tree.active_pos.get() == Some(pos) { "0" } else { "-1" }
            style=top
            on:focusin=move |ev| on_row_focus(tree, row, ev)
        >
            <button
                class="twisty"
                tabindex="-1"
                // For the pointer only: the row's aria-expanded and the arrow keys say and
                // do the same for assistive technology, so the row's name stays its content.
                aria-hidden="true"
                title=move || {
                    let verb = if is_open() { "Collapse" } else { "Expand" };
                    format!("{verb} {}", label.get_value())
                }
                disabled=move || !has_children()
                on:click=move |_| tree.set_open(index, !tree.is_open(index))
            >
                {move || if is_open() { "▾" } else { "▸" }}
            </button>
            <label class="check">
                <input
                    type="checkbox"
                    tabindex="-1"
                    aria-label=repo.full_name.clone()
                    aria-describedby={
                        let id = note_id.clone();
                        move || conflict().map(|_| id.clone())
                    }
                    prop:checked=move || state.get() == Tri::Checked
                    prop:indeterminate=move || state.get() == Tri::Mixed
                    on:change=move |_| tree.toggle(row)
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
            {move || imported_note().map(|note| view! {
                <span class="badge badge-imported" data-testid="repo-imported">{note}</span>
            })}
            <span class="muted row-desc" title=repo.description.clone().unwrap_or_default()>
                {repo.description.clone().unwrap_or_default()}
            </span>
        </div>
    }
    // tachys has no `aria-level` helper: set as a plain attribute.
    .attr("aria-level", "1")
    .into_any()
}

#[component]
fn ReleaseRow(
    pos: usize,
    repo_index: usize,
    index: usize,
    top: Option<String>,
    tree: Tree,
) -> impl IntoView {
    let repo_name = tree.name(repo_index);
    let found: Option<(GitHubRelease, bool, usize)> = tree.releases.with_untracked(|m| {
        m.get(&repo_name).and_then(|r| {
            r.releases
                .get(index)
                .cloned()
                .map(|x| (x, r.tags_only, r.releases.len()))
        })
    });
    let Some((release, tags_only, siblings)) = found else {
        return ().into_any();
    };
    let row = Row::Release(repo_index, index);
    let repo_key = StoredValue::new(repo_name);
    let tag = StoredValue::new(release.tag.clone());
    let checked = Memo::new(move |_| {
        tree.selection
            .with(|s| s.release_checked(&repo_key.get_value(), &tag.get_value()))
    });
    let imported = move || {
        tree.imported(&repo_key.get_value())
            .contains(&tag.get_value())
    };
    let date = release
        .published_at
        .as_deref()
        .map(crate::domain::display::date_part)
        .unwrap_or_default()
        .to_owned();
    let title = release
        .title
        .clone()
        .filter(|t| t != &release.tag)
        .unwrap_or_default();
    view! {
        <div
            class="tree-row release-row"
            role="treeitem"
            data-row=row.key()
            aria-posinset=(index + 1).to_string()
            aria-setsize=siblings.to_string()
            aria-checked=move || if checked.get() { "true" } else { "false" }
            tabindex=move || if tree.active_pos.get() == Some(pos) { "0" } else { "-1" }
            style=top
            on:focusin=move |ev| on_row_focus(tree, row, ev)
        >
            <label class="check">
                <input
                    type="checkbox"
                    tabindex="-1"
                    aria-label=format!("{} {}", repo_key.get_value(), release.tag)
                    prop:checked=move || checked.get()
                    on:change=move |_| tree.toggle(row)
                />
                <span class="tag-name">{release.tag.clone()}</span>
            </label>
            {tags_only.then(|| view! { <span class="badge">"tag"</span> })}
            {release.prerelease.then(|| view! { <span class="badge">"pre-release"</span> })}
            {move || imported().then(|| view! {
                <span class="badge badge-imported" data-testid="release-imported">"imported"</span>
            })}
            <span class="muted row-note" title=title.clone()>{title.clone()}</span>
            <span class="muted row-desc">
                {date}
                {(release.assets > 0).then(|| format!(" · {}", count(release.assets as usize, "asset")))}
            </span>
        </div>
    }
    .attr("aria-level", "2")
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
    leptos::task::spawn_local(async move {
        match api::get(endpoints::import_job(id)).await {
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
    // Server-sent events carry each change; the browser reconnects by itself.
    let source = web_sys::EventSource::new(endpoints::import_events(id).path()).ok();
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
    let retry = move |_| {
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::send(endpoints::retry_import(id), session.csrf(), &()).await {
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
    };
    let repo_href = format!("/{subject}/{repo}");
    let place = format!("{subject}/{repo}");
    let heading = move || {
        job.with(|j| match j {
            Some(j) if j.is_finished() => {
                let files = j.items.iter().map(|i| i.files_done.max(0) as usize).sum();
                import_outcome::finished(j.items.len(), j.failed(), files, "").title
            }
            _ => "Importing from GitHub",
        })
    };
    let tab_title = {
        let place = place.clone();
        move || format!("{} · {place} · Wharf", heading())
    };
    view! {
        // The tab says how it ended too (after the page's own title, so this one wins).
        <Title text=tab_title />
        <section class="card import-progress">
            <h1 data-testid="import-title"><GitHubMark />{heading}</h1>
            <ErrorNote error=error />
            {move || job.get().map(|j| {
                let pct = (j.progress() * 100.0).round();
                let finished = j.is_finished();
                let failed = j.failed();
                let now = (js_sys::Date::now() / 1000.0) as i64;
                let waiting = j.waiting_until.filter(|u| *u > now);
                let repo_href = repo_href.clone();
                let subject = j.subject.clone();
                let wharf_repo = j.repo.clone();
                let files: usize = j.items.iter().map(|i| i.files_done.max(0) as usize).sum();
                let result = import_outcome::finished(j.items.len(), failed, files, &place);
                view! {
                    <div
                        class="progress"
                        class:progress-done={finished && failed == 0}
                        class:progress-failed={finished && failed > 0}
                        role="progressbar"
                        aria-label="Import progress"
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=pct.to_string()
                    >
                        <div class="progress-fill" style=format!("width: {pct}%")></div>
                    </div>
                    {if !finished {
                        view! { <p class="muted" data-testid="import-status" role="status">{format!("{pct}% done")}</p> }.into_any()
                    } else if result.success {
                        view! {
                            <p class="import-result import-success" data-testid="import-status" role="status">
                                <span class="result-mark" aria-hidden="true">"✓"</span>
                                {format!("Finished: {}", result.summary)}
                            </p>
                        }.into_any()
                    } else {
                        view! {
                            <p class="import-result error-note" data-testid="import-status" role="alert">
                                <span class="result-mark" aria-hidden="true">"✕"</span>
                                {format!("Finished: {}", result.summary)}
                            </p>
                        }.into_any()
                    }}
                    {waiting.map(|u| view! {
                        <p class="notice rate waiting" role="status">
                            {format!("GitHub's rate limit was reached: the import carries on in {} s.", u - now)}
                        </p>
                    })}
                    <ul class="import-items" data-testid="import-items">
                        {j.items.into_iter().map(|item| {
                            let versions = match (item.status.as_str(), item.versions_total) {
                                ("done", Some(0)) => import_outcome::EMPTY_PACKAGE.to_owned(),
                                ("done" | "failed", Some(t)) => item
                                    .outcomes
                                    .summary()
                                    .unwrap_or_else(|| count(t.max(0) as usize, "version")),
                                (_, Some(t)) => format!(
                                    "{} of {}",
                                    item.versions_done,
                                    count(t.max(0) as usize, "version")
                                ),
                                _ => String::new(),
                            };
                            let files = if item.files_done > 0 {
                                format!(" · {}", count(item.files_done as usize, "file"))
                            } else {
                                String::new()
                            };
                            let package_link = item.package.clone().map(|p| {
                                let href = format!("/{subject}/{wharf_repo}/{p}");
                                view! { <A href=href>{p}</A> }
                            });
                            let status = match item.status.as_str() {
                                "done" => "imported",
                                "failed" => "failed",
                                "running" => "importing…",
                                _ => "waiting",
                            };
                            // On a re-import: which versions were new, updated, unchanged.
                            let outcomes = item.outcomes.clone();
                            let detail = (outcomes.is_reimport() || !outcomes.failed.is_empty()).then(|| {
                                let line = |kind: &'static str, label: &'static str, names: Vec<String>| {
                                    (!names.is_empty()).then(|| {
                                        const SHOWN: usize = 12;
                                        let more = names.len().saturating_sub(SHOWN);
                                        let mut text = names.into_iter().take(SHOWN).collect::<Vec<_>>().join(", ");
                                        if more > 0 {
                                            text.push_str(&format!(" and {more} more"));
                                        }
                                        view! {
                                            <li data-outcome=kind>
                                                <span class=format!("badge outcome outcome-{kind}")>{label}</span>
                                                " "{text}
                                            </li>
                                        }
                                    })
                                };
                                view! {
                                    <ul class="outcomes" data-testid="import-outcomes">
                                        {line("new", "new", outcomes.new)}
                                        {line("updated", "updated", outcomes.updated)}
                                        {line("unchanged", "unchanged", outcomes.unchanged)}
                                        {line("failed", "failed", outcomes.failed)}
                                    </ul>
                                }
                            });
                            view! {
                                <li class=format!("import-item status-{}", item.status) data-repo=item.repo.clone()>
                                    <span class="repo-name">{item.repo.clone()}</span>
                                    <span class="badge status">{status}</span>
                                    <span class="muted" data-testid="item-counts">{versions}{files}</span>
                                    {package_link}
                                    {detail}
                                    {item.message.clone().map(|m| view! { <pre class="item-message">{m}</pre> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <div class="form-actions">
                        {(finished && failed > 0).then(|| view! {
                            <button class="button" on:click=retry>"Retry failed"</button>
                        })}
                        {finished.then(|| view! {
                            <A href=repo_href.clone() attr:class=if failed == 0 { "button" } else { "button button-ghost" }>"View Repository"</A>
                        })}
                    </div>
                }
            })}
        </section>
    }
}
