//! `<title>` and OpenGraph/Twitter tags for shared links. Chat apps and social sites fetch
//! a pasted URL without running the app, so the server writes what the page is about into
//! `index.html`. Always as an anonymous visitor: a private thing's name never lands in the
//! HTML, and unknown or private paths get the plain page.

use crate::domain::catalog::{self, Caller};
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    /// Absolute URL of the page.
    pub url: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The tags that go where `index.html` says `<!-- wharf:meta -->`.
pub fn render_tags(meta: &PageMeta) -> String {
    let (t, d, u) = (
        escape(&meta.title),
        escape(&meta.description),
        escape(&meta.url),
    );
    format!(
        "<meta name=\"description\" content=\"{d}\" />\
         <meta property=\"og:type\" content=\"website\" />\
         <meta property=\"og:site_name\" content=\"Wharf\" />\
         <meta property=\"og:title\" content=\"{t}\" />\
         <meta property=\"og:description\" content=\"{d}\" />\
         <meta property=\"og:url\" content=\"{u}\" />\
         <meta name=\"twitter:card\" content=\"summary\" />\
         <meta name=\"twitter:title\" content=\"{t}\" />\
         <meta name=\"twitter:description\" content=\"{d}\" />"
    )
}

/// Puts `meta` into the page: the title replaced, the tags at the marker (and the
/// default description dropped).
pub fn fill_index(index: &str, meta: &PageMeta) -> String {
    let mut html = index.replacen(
        "<title>Wharf</title>",
        &format!("<title>{}</title>", escape(&meta.title)),
        1,
    );
    if let Some(start) = html.find("<meta name=\"description\"") {
        if let Some(len) = html[start..].find('>') {
            html.replace_range(start..start + len + 1, "");
        }
    }
    html.replacen("<!-- wharf:meta -->", &render_tags(meta), 1)
}

/// What `/s/r[/p[/v]]` shows, when it is public.
pub async fn for_path(state: &AppState, base_url: &str, path: &str) -> Option<PageMeta> {
    let segments: Vec<String> = path
        .trim_matches('/')
        .split('/')
        .map(percent_decode)
        .collect::<Option<_>>()?;
    let anon = Caller::anonymous();
    let db = &state.db;
    let url = format!("{base_url}{path}");
    match segments.as_slice() {
        [s, r] => {
            let repo = catalog::find_repository(
                db,
                &anon,
                &catalog::RepoCoord::new(s.as_str(), r.as_str()),
            )
            .await
            .ok()?;
            Some(PageMeta {
                title: format!("{} · {} · Wharf", repo.name, repo.owner_name),
                description: repo.description.unwrap_or_else(|| {
                    format!("A {} repository of {}", repo.repo_type, repo.owner_name)
                }),
                url,
            })
        }
        [s, r, p] => {
            let (repo, package) = catalog::find_package(
                db,
                &anon,
                &catalog::RepoCoord::new(s.as_str(), r.as_str()).package(p.as_str()),
            )
            .await
            .ok()?;
            Some(PageMeta {
                title: format!(
                    "{} · {}/{} · Wharf",
                    package.name, repo.owner_name, repo.name
                ),
                description: package
                    .description
                    .unwrap_or_else(|| format!("Package {} on Wharf", package.name)),
                url,
            })
        }
        [s, r, p, v] => {
            let (repo, package, version) = catalog::find_version(
                db,
                &anon,
                &catalog::RepoCoord::new(s.as_str(), r.as_str())
                    .package(p.as_str())
                    .version(v.as_str()),
            )
            .await
            .ok()?;
            Some(PageMeta {
                title: format!(
                    "{} {} · {}/{} · Wharf",
                    package.name, version.name, repo.owner_name, repo.name
                ),
                description: version
                    .description
                    .or(package.description)
                    .unwrap_or_else(|| format!("Version {} of {}", version.name, package.name)),
                url,
            })
        }
        _ => None,
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> PageMeta {
        PageMeta {
            title: "tool <1.0> · a/b · Wharf".into(),
            description: "Say \"hi\" & 'bye'".into(),
            url: "https://w.example/a/b/tool".into(),
        }
    }

    #[test]
    fn tags_are_escaped() {
        let tags = render_tags(&meta());
        assert!(tags.contains("content=\"Say &quot;hi&quot; &amp; &#39;bye&#39;\""));
        assert!(tags.contains("og:title\" content=\"tool &lt;1.0&gt; · a/b · Wharf\""));
        assert!(!tags.contains("<1.0>"));
    }

    #[test]
    fn index_gets_title_and_tags() {
        let index = "<head><title>Wharf</title><meta name=\"description\" content=\"x\" /><!-- wharf:meta --></head>";
        let html = fill_index(index, &meta());
        assert!(html.contains("<title>tool &lt;1.0&gt; · a/b · Wharf</title>"));
        assert!(html.contains("og:url\" content=\"https://w.example/a/b/tool\""));
        assert_eq!(html.matches("name=\"description\"").count(), 1);
        assert!(!html.contains("wharf:meta"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("library%3Anginx").as_deref(),
            Some("library:nginx")
        );
        assert_eq!(percent_decode("bad%zz"), None);
    }
}
