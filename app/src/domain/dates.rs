//! Dates as Bintray clients send them, and the one form Wharf writes back.
//!
//! Bintray's REST API takes ISO 8601 dates (a version's `released`, `date` attributes, the
//! bounds of an attribute search range) and its own examples use Java's
//! `yyyy-MM-dd'T'HH:mm:ss.SSSZ` (`2011-07-14T19:43:37.000+0100`), which is what the Gradle
//! Bintray plugin sends; other clients send RFC 3339 (`Z`, `+02:00`). So every form below is
//! read, and every answer is written as `2019-05-28T12:03:11.123Z` (UTC, milliseconds).
//!
//! | form                              | example                          |
//! |-----------------------------------|----------------------------------|
//! | date only (midnight UTC)          | `2019-05-28`                     |
//! | date-time, `Z`                    | `2019-05-28T12:03:11Z`           |
//! | offset with a colon               | `2019-05-28T14:03:11+02:00`      |
//! | offset without one (Java's `Z`)   | `2019-05-28T14:03:11.123+0200`   |
//! | hour-only offset                  | `2019-05-28T14:03:11+02`         |
//! | no offset (read as UTC)           | `2019-05-28T12:03:11.5`          |
//! | minutes only, space or lower case | `2019-05-28 12:03z`              |
//!
//! A fraction of any length is read (and truncated to milliseconds).
//!
//! Nothing else is read: the year has exactly four digits (no sign), month, day, hour, minute
//! and second exactly two, the offset is `Z`, `±HH`, `±HHMM` or `±HH:MM` right after the time,
//! and a leap second (`:60`) is refused, since Wharf keeps no leap seconds and would otherwise
//! silently move it to the next minute. `has_date_shape` and `has_time_shape` check this before chrono reads the
//! values (chrono's `%Y`, `%H`... accept signs, spaces and single digits).

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// An instant, in milliseconds since 1970-01-01T00:00:00Z, between the years 0 and 9999
/// (so that the written form has a fixed width and sorts as text in time order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// Why a date was refused. The text is meant for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a date: use ISO 8601, e.g. 2019-05-28, 2019-05-28T14:03:11Z, \
     2019-05-28T14:03:11+02:00 or 2019-05-28T14:03:11.123+0200"
)]
pub struct DateError(pub String);

/// Formats that carry an offset, tried after `Z` is rewritten as `+00:00`; `%#z` reads
/// `+02`, `+0200` and `+02:00`, and `%.f` an optional fraction of any length.
const WITH_OFFSET: &[&str] = &["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z"];
/// The same without an offset: read as UTC, as Bintray did.
const WITHOUT_OFFSET: &[&str] = &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"];

impl Timestamp {
    /// Milliseconds since the epoch; `None` outside the years 0–9999.
    pub fn from_millis(millis: i64) -> Option<Timestamp> {
        let t = Utc.timestamp_millis_opt(millis).single()?;
        (0..=9999).contains(&t.year()).then_some(Timestamp(millis))
    }

    /// Reads any of the forms in the module table.
    pub fn parse(s: &str) -> Result<Timestamp, DateError> {
        let bad = || DateError(s.to_owned());
        let t = s.trim();
        // Only ASCII is ever valid; checking first keeps the byte slicing below safe.
        if !t.is_ascii() || t.len() < 10 {
            return Err(bad());
        }
        if !has_date_shape(&t.as_bytes()[..10]) {
            return Err(bad());
        }
        let millis = if t.len() == 10 {
            let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| bad())?;
            d.and_hms_opt(0, 0, 0)
                .expect("midnight exists")
                .and_utc()
                .timestamp_millis()
        } else {
            let (date, time) = t.split_at(10);
            let time = time
                .strip_prefix(['T', 't', ' '])
                .ok_or_else(bad)?
                .trim_end();
            let time = match time.strip_suffix(['Z', 'z']) {
                Some(rest) => format!("{rest}+00:00"),
                None => time.to_owned(),
            };
            if !has_time_shape(time.as_bytes()) {
                return Err(bad());
            }
            let normal = format!("{date}T{time}");
            WITH_OFFSET
                .iter()
                .find_map(|f| DateTime::parse_from_str(&normal, f).ok())
                .map(|dt| dt.timestamp_millis())
                .or_else(|| {
                    WITHOUT_OFFSET
                        .iter()
                        .find_map(|f| NaiveDateTime::parse_from_str(&normal, f).ok())
                        .map(|dt| dt.and_utc().timestamp_millis())
                })
                .ok_or_else(bad)?
        };
        Timestamp::from_millis(millis).ok_or_else(bad)
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }
}

/// Non-empty and ASCII digits only.
fn digits(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

/// Whether `date` is exactly `YYYY-MM-DD` in ASCII digits (no sign, no short fields). Value
/// ranges (month 13, February 30...) are left to chrono.
fn has_date_shape(date: &[u8]) -> bool {
    date.len() == 10
        && digits(&date[0..4])
        && date[4] == b'-'
        && digits(&date[5..7])
        && date[7] == b'-'
        && digits(&date[8..10])
}

/// Whether `time` is `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f+`, followed by nothing or an offset
/// `±HH`, `±HHMM` or `±HH:MM` (`Z` already rewritten as `+00:00`), every field made of exactly
/// its number of ASCII digits and the second below 60 (no leap second). Value ranges (hour 25,
/// offset +99:99...) are left to chrono.
fn has_time_shape(time: &[u8]) -> bool {
    if time.len() < 5 || !(digits(&time[0..2]) && time[2] == b':' && digits(&time[3..5])) {
        return false;
    }
    let mut rest = &time[5..];
    if let Some(r) = rest.strip_prefix(b":") {
        if r.len() < 2 || !digits(&r[..2]) || r[0] >= b'6' {
            return false;
        }
        rest = &r[2..];
        if let Some(r) = rest.strip_prefix(b".") {
            let n = r.iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                return false;
            }
            rest = &r[n..];
        }
    }
    match rest {
        [] => true,
        [b'+' | b'-', offset @ ..] => match offset.len() {
            2 | 4 => digits(offset),
            5 => digits(&offset[..2]) && offset[2] == b':' && digits(&offset[3..]),
            _ => false,
        },
        _ => false,
    }
}

/// Wharf's one written form: `2019-05-28T12:03:11.123Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = Utc
            .timestamp_millis_opt(self.0)
            .single()
            .expect("checked when made");
        write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%S%.3fZ"))
    }
}

impl std::str::FromStr for Timestamp {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

/// `s` in the canonical form when it is a date in any accepted form, else `None`.
pub fn canonical(s: &str) -> Option<String> {
    Timestamp::parse(s).ok().map(|t| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        Timestamp::parse(s)
            .unwrap_or_else(|e| panic!("{e}"))
            .to_string()
    }

    #[test]
    fn every_form_clients_send_is_read() {
        let same = "2019-05-28T12:03:11.123Z";
        for s in [
            // The Gradle Bintray plugin (Java's yyyy-MM-dd'T'HH:mm:ss.SSSZ).
            "2019-05-28T14:03:11.123+0200",
            "2019-05-28T12:03:11.123+0000",
            "2019-05-28T12:03:11.123Z",
            "2019-05-28T14:03:11.123+02:00",
            "2019-05-28T14:03:11.123+02",
            "2019-05-28T08:03:11.123-0400",
            "2019-05-28T12:03:11.123",
            "2019-05-28 12:03:11.123Z",
            "2019-05-28t12:03:11.123z",
            "2019-05-28T12:03:11.123456789Z",
            "  2019-05-28T12:03:11.1234+00:00 ",
        ] {
            assert_eq!(iso(s), same, "{s}");
        }
        assert_eq!(
            iso("2019-05-28T08:00:00.000+0000"),
            "2019-05-28T08:00:00.000Z"
        );
        assert_eq!(iso("2019-05-28"), "2019-05-28T00:00:00.000Z");
        assert_eq!(iso("2019-05-28T12:03Z"), "2019-05-28T12:03:00.000Z");
        assert_eq!(iso("2019-05-28T12:03:11+05:30"), "2019-05-28T06:33:11.000Z");
        assert_eq!(iso("2011-07-14T19:43:37+0100"), "2011-07-14T18:43:37.000Z");
        assert_eq!(iso("1970-01-01T00:00:00Z"), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn non_dates_are_refused() {
        for s in [
            "",
            "yesterday",
            "2019-05-28T",
            "2019-13-01",
            "2019-02-30",
            "2019-05-28T25:00:00Z",
            "2019-05-28T12:03:11+2",
            "2019-05-28T12:03:11 +0200 junk",
            "2019-05-28X12:03:11Z",
            "2019/05/28",
            "28-05-2019",
            "2019-05-28T12:03:11.123+0200é",
            "é2019-05-28",
            // Shapes chrono alone would read: a signed or short year, spaces or single digits
            // inside the time, a space before the offset, an empty fraction.
            "+019-05-28",
            "+019-05-28T14:03:11Z",
            "+2019-05-28",
            "2019-5-28",
            "2019-05-28T14: 3:11Z",
            "2019-05-28T 14:03:11Z",
            "2019-05-28T1:03:11Z",
            "2019-05-28T14:3:11Z",
            "2019-05-28T14:03:1Z",
            "2019-05-28T14:03:11 +02:00",
            "2019-05-28T14:03:11.Z",
            "2019-05-28T14:03:11+2:00",
            "2019-05-28T14:03:11+02:0",
            // Leap seconds: Wharf keeps none, and chrono would move them to the next minute.
            "2019-05-28T12:03:60Z",
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:60.5+00:00",
        ] {
            assert!(Timestamp::parse(s).is_err(), "{s:?} was read");
        }
    }

    #[test]
    fn the_written_form_sorts_in_time_order_and_reads_back() {
        let a = Timestamp::parse("2019-05-28T23:00:00-0200").unwrap();
        let b = Timestamp::parse("2019-05-29T00:30:00Z").unwrap();
        assert!(a > b);
        assert!(a.to_string() > b.to_string());
        assert_eq!(Timestamp::parse(&a.to_string()).unwrap(), a);
        assert_eq!(
            Timestamp::from_millis(1_500).unwrap().to_string(),
            "1970-01-01T00:00:01.500Z"
        );
        assert!(Timestamp::from_millis(i64::MAX).is_none());
    }

    #[test]
    fn canonical_is_none_for_text() {
        assert_eq!(canonical("not a date"), None);
        assert_eq!(
            canonical("2019-05-28").as_deref(),
            Some("2019-05-28T00:00:00.000Z")
        );
    }
}
