//! Small formatting rules the pages share.

/// `1536` → `"1.5 KiB"`.
pub fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    format!("{value:.1} {unit}")
}

/// `2019-07-01T20:51:42.879Z` → `2019-07-01`.
pub fn date_part(iso: &str) -> &str {
    iso.get(..10).unwrap_or(iso)
}

/// `count(1, "release")` → `"1 release"`, `count(3, "release")` → `"3 releases"`,
/// `count(2, "repository")` → `"2 repositories"`: the one way every page says how many of
/// something there are, singular for exactly one and the English plural otherwise.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {}", plural(noun))
    }
}

/// The plural of an English noun as the pages use them: `repository` → `repositories`,
/// `match` → `matches`, `file` → `files`. A noun in several words pluralises its last.
pub fn plural(noun: &str) -> String {
    const IRREGULAR: [(&str, &str); 3] = [
        ("person", "people"),
        ("child", "children"),
        ("index", "indexes"),
    ];
    if let Some((one, many)) = IRREGULAR.iter().find(|(one, _)| noun.ends_with(one)) {
        return format!("{}{many}", &noun[..noun.len() - one.len()]);
    }
    let lower = noun.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let vowel = |b: u8| b"aeiou".contains(&b);
    if lower.ends_with('y') && bytes.len() >= 2 && !vowel(bytes[bytes.len() - 2]) {
        format!("{}ies", &noun[..noun.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MiB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn dates_are_cut_to_the_day() {
        assert_eq!(date_part("2019-07-01T20:51:42.879Z"), "2019-07-01");
        assert_eq!(date_part("short"), "short");
    }

    #[test]
    fn counts_are_singular_or_plural() {
        assert_eq!(count(1, "asset"), "1 asset");
        assert_eq!(count(0, "asset"), "0 assets");
        assert_eq!(count(20, "release"), "20 releases");
        assert_eq!(count(1, "repository"), "1 repository");
        assert_eq!(count(2, "repository"), "2 repositories");
        assert_eq!(count(1, "file"), "1 file");
        assert_eq!(count(3, "file"), "3 files");
        assert_eq!(count(0, "version"), "0 versions");
        assert_eq!(count(2, "package"), "2 packages");
    }

    #[test]
    fn plurals_follow_english_spelling() {
        assert_eq!(plural("repository"), "repositories");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("key"), "keys");
        assert_eq!(plural("match"), "matches");
        assert_eq!(plural("hash"), "hashes");
        assert_eq!(plural("box"), "boxes");
        assert_eq!(plural("tag"), "tags");
        assert_eq!(plural("new version"), "new versions");
        assert_eq!(plural("person"), "people");
        assert_eq!(plural("Repository"), "Repositories");
    }
}
