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

/// `count(1, "release")` → `"1 release"`, `count(3, "release")` → `"3 releases"`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
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
    }
}
