//! Release notes and readmes: Markdown rendered to HTML that is safe to put in a page
//! (ammonia removes scripts, event handlers and `javascript:` links).
//!
//! Headings move down two levels (`#` becomes `<h3>`), so notes sit under the card's own
//! `<h2>` in the page's outline. Task-list ticks survive as disabled checkboxes: the
//! sanitiser never lets an `<input>` through, so each tick travels as a private-use
//! character (removed from the source first) and becomes the checkbox after cleaning.

use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const TICKED: char = '\u{E001}';
const UNTICKED: char = '\u{E000}';

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let source: String = markdown
        .chars()
        .filter(|c| *c != TICKED && *c != UNTICKED)
        .collect();
    let events = Parser::new_ext(&source, options).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        Event::TaskListMarker(done) => {
            Event::Text(if done { TICKED } else { UNTICKED }.to_string().into())
        }
        other => other,
    });
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, events);
    let clean = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string();
    clean
        .replace(
            TICKED,
            r#"<input type="checkbox" checked="" disabled="" aria-label="done">"#,
        )
        .replace(
            UNTICKED,
            r#"<input type="checkbox" disabled="" aria-label="not done">"#,
        )
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_becomes_html_with_headings_under_the_cards() {
        let html = render("# Title\n\n## Sub\n\n#### Deep\n\n* one\n* **two**\n");
        assert!(html.contains("<h3>Title</h3>"), "{html}");
        assert!(html.contains("<h4>Sub</h4>"), "{html}");
        assert!(html.contains("<h6>Deep</h6>"), "{html}");
        assert!(html.contains("<strong>two</strong>"), "{html}");
    }

    #[test]
    fn scripts_and_script_links_are_removed() {
        let html = render(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }

    #[test]
    fn task_lists_keep_their_ticks_as_disabled_checkboxes() {
        let html = render("- [x] done\n- [ ] to do\n");
        assert!(
            html.contains(
                r#"<input type="checkbox" checked="" disabled="" aria-label="done">done"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"<input type="checkbox" disabled="" aria-label="not done">to do"#),
            "{html}"
        );
        assert_eq!(html.matches("<input").count(), 2, "{html}");
    }

    #[test]
    fn inputs_written_in_the_notes_are_removed() {
        let html = render(
            "<input type=\"text\" value=\"x\"> <form action=\"/x\"><input type=\"checkbox\"></form>\n\ntext \u{E001} \u{E000}",
        );
        assert!(!html.contains("<input"), "{html}");
        assert!(!html.contains("<form"), "{html}");
        assert!(!html.contains('\u{E001}'), "{html}");
    }

    #[test]
    fn tables_and_quotes_come_through() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<th>a</th>"), "{html}");
        assert!(html.contains("<blockquote>"), "{html}");
    }
}
