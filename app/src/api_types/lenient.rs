//! Field parsers that accept what real clients send: `null` for "not set", booleans as
//! strings (`"true"`) or numbers, a single string where a list is expected.

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum BoolLike {
    Bool(bool),
    Int(i64),
    Str(String),
}

/// `Option<bool>` from `true`, `"true"`, `1`, `"1"`, … or `null`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v: Option<BoolLike> = Option::deserialize(d)?;
    match v {
        None => Ok(None),
        Some(BoolLike::Bool(b)) => Ok(Some(b)),
        Some(BoolLike::Int(i)) => Ok(Some(i != 0)),
        Some(BoolLike::Str(s)) => crate::domain::flags::parse_flag(&s)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a boolean"))),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ListLike {
    Many(Vec<Option<String>>),
    One(String),
}

/// `Option<Vec<String>>` from a list, a single string, or `null`; nulls in a list drop out.
pub fn opt_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    let v: Option<ListLike> = Option::deserialize(d)?;
    Ok(v.map(|l| match l {
        ListLike::Many(items) => items.into_iter().flatten().collect(),
        ListLike::One(s) => vec![s],
    }))
}
