//! Attributes of packages and versions: typed, multi-valued, searchable.
//!
//! Bintray's rules: `type` is optional and inferred from the values (falling back to
//! string); an array mixing types is refused; names starting with `_` are visible to the
//! publisher only. Searches are lists of clauses, all of which must hold: a list of values
//! ("any of these"), or a range such as `[1,3]`, `[,3[` or `]2011-07-14T19:43:37+0100,]`.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::dates::{self, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AttrType {
    String,
    Date,
    Number,
    Boolean,
    Version,
}

impl AttrType {
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Date => "date",
            AttrType::Number => "number",
            AttrType::Boolean => "boolean",
            AttrType::Version => "version",
        }
    }

    pub fn parse(s: &str) -> Option<AttrType> {
        [
            AttrType::String,
            AttrType::Date,
            AttrType::Number,
            AttrType::Boolean,
            AttrType::Version,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// An attribute as clients send it: `type` optional, `values` possibly null (PATCH uses a
/// null to remove the attribute) or a single value.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttributeInput {
    pub name: String,
    /// An array of values of one type, a single value, or null (in PATCH: remove).
    #[serde(default)]
    pub values: Option<Value>,
    /// `string`, `date`, `number`, `boolean` or `version` (any case); inferred when absent.
    #[serde(rename = "type", default)]
    pub attr_type: Option<String>,
}

/// A validated attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attribute {
    pub name: String,
    pub values: Vec<Value>,
    #[serde(rename = "type")]
    pub attr_type: AttrType,
}

impl Attribute {
    /// Publisher-only attributes start with `_`.
    pub fn is_private(&self) -> bool {
        self.name.starts_with('_')
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttributeError {
    #[error("an attribute needs a name of 1 to 128 characters without control characters")]
    BadName,
    #[error("attribute '{0}': values must be strings, numbers or booleans")]
    NotScalar(String),
    #[error("attribute '{0}': all values must have the same type")]
    MixedTypes(String),
    #[error("attribute '{name}': {value} is not a {expected}")]
    WrongType {
        name: String,
        value: String,
        expected: &'static str,
    },
    #[error(
        "attribute '{name}': unknown type '{given}' (use string, date, number, boolean or version)"
    )]
    UnknownType { name: String, given: String },
    #[error("attribute '{0}' has no values")]
    NoValues(String),
    #[error("a search clause must be an object of attribute name to values or a range, not {0}")]
    BadClause(String),
    #[error("'{0}' is not a range like [1,3], [,3[ or ]2011-07-14T19:43:37+0100,]")]
    BadRange(String),
}

/// A string that is a date in one of the forms [`crate::domain::dates`] reads.
fn is_date(s: &str) -> bool {
    Timestamp::parse(s).is_ok()
}

fn kind_of(v: &Value) -> Option<AttrType> {
    match v {
        Value::Bool(_) => Some(AttrType::Boolean),
        Value::Number(_) => Some(AttrType::Number),
        Value::String(s) if is_date(s) => Some(AttrType::Date),
        Value::String(_) => Some(AttrType::String),
        _ => None,
    }
}

impl AttributeInput {
    /// `None` when the values are null: "remove this attribute" (PATCH).
    pub fn validate(self) -> Result<Option<Attribute>, AttributeError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 128 || name.chars().any(char::is_control) {
            return Err(AttributeError::BadName);
        }
        let values = match self.values {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Array(vs)) => vs,
            Some(single) => vec![single],
        };
        let kinds = values
            .iter()
            .map(|v| kind_of(v).ok_or_else(|| AttributeError::NotScalar(name.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        let attr_type = match self.attr_type.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => {
                let declared = AttrType::parse(t).ok_or_else(|| AttributeError::UnknownType {
                    name: name.clone(),
                    given: t.to_owned(),
                })?;
                for (v, k) in values.iter().zip(&kinds) {
                    let fits = match declared {
                        // Any string may be a string or a version; a date may be a string.
                        AttrType::String | AttrType::Version => {
                            matches!(k, AttrType::String | AttrType::Date)
                        }
                        other => *k == other,
                    };
                    if !fits {
                        return Err(AttributeError::WrongType {
                            name,
                            value: v.to_string(),
                            expected: declared.as_str(),
                        });
                    }
                }
                declared
            }
            _ => {
                let mut distinct = kinds.clone();
                distinct.dedup();
                // Dates among strings make them all strings; other mixtures are refused.
                let all_textual = kinds
                    .iter()
                    .all(|k| matches!(k, AttrType::String | AttrType::Date));
                match distinct.as_slice() {
                    [] => AttrType::String,
                    [one] => *one,
                    _ if all_textual => AttrType::String,
                    _ => return Err(AttributeError::MixedTypes(name)),
                }
            }
        };
        // Dates are stored (and so answered and compared) in the one canonical form.
        let values = if attr_type == AttrType::Date {
            values.into_iter().map(canonical_date).collect()
        } else {
            values
        };
        Ok(Some(Attribute {
            name,
            values,
            attr_type,
        }))
    }
}

/// Applies a PATCH: each input replaces the attribute of its name, or removes it.
pub fn merge(
    current: &mut Vec<Attribute>,
    changes: Vec<AttributeInput>,
) -> Result<(), AttributeError> {
    for change in changes {
        let name = change.name.trim().to_owned();
        let validated = change.validate()?;
        current.retain(|a| a.name != name);
        if let Some(a) = validated {
            current.push(a);
        }
    }
    current.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(())
}

/// One bound of a range: the value and whether it is included.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub value: Value,
    pub inclusive: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The attribute has at least one of these values.
    AnyOf(Vec<Value>),
    /// Some value of the attribute lies in the range.
    Range {
        low: Option<Bound>,
        high: Option<Bound>,
    },
}

/// A search: every clause must match.
pub type Query = Vec<(String, Condition)>;

/// A date string in the canonical form; anything else unchanged.
fn canonical_date(v: Value) -> Value {
    match &v {
        Value::String(s) => dates::canonical(s).map(Value::String).unwrap_or(v),
        _ => v,
    }
}

fn range_value(s: &str) -> Value {
    if let Some(date) = dates::canonical(s) {
        return Value::String(date);
    }
    match s.parse::<f64>() {
        Ok(n) => serde_json::Number::from_f64(n)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(s.to_owned())),
        Err(_) => Value::String(s.to_owned()),
    }
}

fn parse_range(s: &str) -> Result<Condition, AttributeError> {
    let bad = || AttributeError::BadRange(s.to_owned());
    let t = s.trim();
    if t.len() < 3 {
        return Err(bad());
    }
    let low_inclusive = match t.as_bytes()[0] {
        b'[' => true,
        b']' => false,
        _ => return Err(bad()),
    };
    let high_inclusive = match t.as_bytes()[t.len() - 1] {
        b']' => true,
        b'[' => false,
        _ => return Err(bad()),
    };
    let inner = &t[1..t.len() - 1];
    let (low, high) = inner.split_once(',').ok_or_else(bad)?;
    let bound = |v: &str, inclusive| {
        let v = v.trim();
        (!v.is_empty()).then(|| Bound {
            value: range_value(v),
            inclusive,
        })
    };
    Ok(Condition::Range {
        low: bound(low, low_inclusive),
        high: bound(high, high_inclusive),
    })
}

/// Reads `[{"att1": ["v1","v2"]}, {"att2": "[1,3]"}]`.
pub fn parse_query(body: &Value) -> Result<Query, AttributeError> {
    let clauses = match body {
        Value::Array(items) => items.clone(),
        Value::Object(_) => vec![body.clone()],
        other => return Err(AttributeError::BadClause(other.to_string())),
    };
    let mut query = Vec::new();
    for clause in clauses {
        let Value::Object(map) = clause else {
            return Err(AttributeError::BadClause(clause.to_string()));
        };
        for (name, v) in map {
            let condition = match v {
                Value::Array(values) => Condition::AnyOf(values),
                Value::String(s) if s.trim_start().starts_with(['[', ']']) => parse_range(&s)?,
                scalar @ (Value::String(_) | Value::Number(_) | Value::Bool(_)) => {
                    Condition::AnyOf(vec![scalar])
                }
                other => return Err(AttributeError::BadClause(other.to_string())),
            };
            query.push((name, condition));
        }
    }
    Ok(query)
}

/// Orders two values: numbers by value, everything else as text.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::Number(x), Value::String(y)) => x.as_f64()?.partial_cmp(&y.parse::<f64>().ok()?),
        (Value::String(x), Value::Number(y)) => x.parse::<f64>().ok()?.partial_cmp(&y.as_f64()?),
        // Two dates compare as instants, whatever form each was written in.
        (Value::String(x), Value::String(y)) => match (Timestamp::parse(x), Timestamp::parse(y)) {
            (Ok(a), Ok(b)) => Some(a.cmp(&b)),
            _ => Some(x.cmp(y)),
        },
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    compare(a, b) == Some(Ordering::Equal)
}

fn in_range(v: &Value, low: &Option<Bound>, high: &Option<Bound>) -> bool {
    let above = match low {
        None => true,
        Some(b) => match compare(v, &b.value) {
            Some(Ordering::Greater) => true,
            Some(Ordering::Equal) => b.inclusive,
            _ => false,
        },
    };
    let below = match high {
        None => true,
        Some(b) => match compare(v, &b.value) {
            Some(Ordering::Less) => true,
            Some(Ordering::Equal) => b.inclusive,
            _ => false,
        },
    };
    above && below
}

/// Whether a set of attributes satisfies every clause of `query`.
pub fn matches(attributes: &[Attribute], query: &Query) -> bool {
    query.iter().all(|(name, condition)| {
        let Some(attr) = attributes.iter().find(|a| &a.name == name) else {
            return false;
        };
        match condition {
            Condition::AnyOf(wanted) => attr
                .values
                .iter()
                .any(|v| wanted.iter().any(|w| equal(v, w))),
            Condition::Range { low, high } => attr.values.iter().any(|v| in_range(v, low, high)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: Value) -> AttributeInput {
        serde_json::from_value(v).unwrap()
    }

    fn attr(v: Value) -> Attribute {
        input(v).validate().unwrap().unwrap()
    }

    #[test]
    fn types_are_inferred_from_values() {
        assert_eq!(
            attr(json!({"name": "a", "values": ["x", "y"]})).attr_type,
            AttrType::String
        );
        assert_eq!(
            attr(json!({"name": "a", "values": [1, 2.5]})).attr_type,
            AttrType::Number
        );
        assert_eq!(
            attr(json!({"name": "a", "values": [true]})).attr_type,
            AttrType::Boolean
        );
        assert_eq!(
            attr(json!({"name": "a", "values": ["2011-07-14T19:43:37+0100"]})).attr_type,
            AttrType::Date
        );
        assert_eq!(
            attr(json!({"name": "a", "values": ["2011-07-14", "text"]})).attr_type,
            AttrType::String
        );
        assert_eq!(
            attr(json!({"name": "a", "values": "single"})).values,
            vec![json!("single")]
        );
    }

    #[test]
    fn declared_types_are_checked() {
        assert_eq!(
            attr(json!({"name": "v", "values": ["1.2.3"], "type": "version"})).attr_type,
            AttrType::Version
        );
        assert_eq!(
            attr(json!({"name": "n", "values": [3], "type": "NUMBER"})).attr_type,
            AttrType::Number
        );
        let err = input(json!({"name": "n", "values": ["3"], "type": "number"}))
            .validate()
            .unwrap_err();
        assert_eq!(err.to_string(), "attribute 'n': \"3\" is not a number");
        assert!(matches!(
            input(json!({"name": "n", "values": [1], "type": "colour"})).validate(),
            Err(AttributeError::UnknownType { .. })
        ));
    }

    #[test]
    fn bad_attributes_are_refused() {
        assert!(matches!(
            input(json!({"name": "m", "values": [1, "x"]})).validate(),
            Err(AttributeError::MixedTypes(_))
        ));
        assert!(matches!(
            input(json!({"name": "o", "values": [{"a": 1}]})).validate(),
            Err(AttributeError::NotScalar(_))
        ));
        assert!(matches!(
            input(json!({"name": " ", "values": [1]})).validate(),
            Err(AttributeError::BadName)
        ));
        assert_eq!(
            input(json!({"name": "gone", "values": null})).validate(),
            Ok(None)
        );
    }

    #[test]
    fn merge_replaces_adds_and_removes() {
        let mut current = vec![
            attr(json!({"name": "a", "values": [1]})),
            attr(json!({"name": "b", "values": ["x"]})),
        ];
        merge(
            &mut current,
            vec![
                input(json!({"name": "a", "values": [2]})),
                input(json!({"name": "b", "values": null})),
                input(json!({"name": "c", "values": [true]})),
            ],
        )
        .unwrap();
        let names: Vec<_> = current.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(current[0].values, vec![json!(2)]);
    }

    #[test]
    fn queries_match_values_and_ranges() {
        let attrs = vec![
            attr(json!({"name": "att1", "values": ["v1", "v9"]})),
            attr(json!({"name": "att2", "values": [2]})),
            attr(json!({"name": "att5", "values": ["2012-01-01T00:00:00Z"]})),
        ];
        let q = |v: Value| parse_query(&v).unwrap();
        assert!(matches(
            &attrs,
            &q(json!([{"att1": ["v1", "v2"]}, {"att2": "[1,3]"}]))
        ));
        assert!(!matches(&attrs, &q(json!([{"att1": ["v2"]}]))));
        assert!(matches(&attrs, &q(json!([{"att2": "[,3["}]))));
        assert!(!matches(&attrs, &q(json!([{"att2": "[,2["}]))));
        assert!(matches(&attrs, &q(json!([{"att2": "[2,]"}]))));
        assert!(!matches(&attrs, &q(json!([{"att2": "]2,]"}]))));
        assert!(matches(
            &attrs,
            &q(json!([{"att5": "]2011-07-14T19:43:37+0100,]"}]))
        ));
        assert!(matches(&attrs, &q(json!([{"att2": 2}]))));
        assert!(!matches(&attrs, &q(json!([{"missing": ["x"]}]))));
        assert!(parse_query(&json!([{"a": "[1"}])).is_err());
        assert!(parse_query(&json!(["not an object"])).is_err());
    }

    #[test]
    fn dates_in_every_client_form_are_stored_canonically() {
        let a = attr(json!({"name": "built", "values": [
            "2019-05-28T14:03:11.123+0200", "2019-05-28T08:00:00.000+0000", "2019-05-28"
        ]}));
        assert_eq!(a.attr_type, AttrType::Date);
        assert_eq!(
            a.values,
            vec![
                json!("2019-05-28T12:03:11.123Z"),
                json!("2019-05-28T08:00:00.000Z"),
                json!("2019-05-28T00:00:00.000Z")
            ]
        );
        let declared =
            attr(json!({"name": "d", "type": "date", "values": ["2019-05-28T14:03:11+02:00"]}));
        assert_eq!(declared.values, vec![json!("2019-05-28T12:03:11.000Z")]);
        // A declared date that is not one is refused, naming the value.
        let err = input(json!({"name": "d", "type": "date", "values": ["2019-13-45"]}))
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("2019-13-45"), "{err}");
        // A string attribute keeps what was sent.
        let s =
            attr(json!({"name": "s", "type": "string", "values": ["2019-05-28T14:03:11+0200"]}));
        assert_eq!(s.values, vec![json!("2019-05-28T14:03:11+0200")]);
    }

    #[test]
    fn date_ranges_compare_instants_whatever_the_form() {
        let attrs = vec![attr(
            json!({"name": "built", "values": ["2019-05-28T14:03:11.123+0200"]}),
        )];
        let q = |v: Value| parse_query(&v).unwrap();
        // 12:03:11.123Z lies after 13:00+0200 (11:00Z) and before 12:30Z.
        for range in [
            "[2019-05-28T13:00:00+0200,2019-05-28T12:30:00Z]",
            "]2019-05-28T11:00:00.000+0000,]",
            "[,2019-05-28T14:30:00.000+02:00[",
            "[2019-05-28,2019-05-29[",
            "]2019-05-28T12:03:11.122Z,2019-05-28T12:03:11.124Z[",
        ] {
            assert!(matches(&attrs, &q(json!([{ "built": range }]))), "{range}");
        }
        for range in [
            "]2019-05-28T14:03:11.123+0200,]",
            "[,2019-05-28T12:03:11.122Z]",
        ] {
            assert!(!matches(&attrs, &q(json!([{ "built": range }]))), "{range}");
        }
        // An exact value in another form finds the same instant.
        assert!(matches(
            &attrs,
            &q(json!([{"built": ["2019-05-28T12:03:11.123Z"]}]))
        ));
        // A string attribute written with an offset is still compared as an instant.
        let raw = vec![attr(
            json!({"name": "s", "type": "string", "values": ["2019-05-28T14:03:11+0200"]}),
        )];
        assert!(matches(
            &raw,
            &q(json!([{"s": "[2019-05-28T12:00:00Z,2019-05-28T12:10:00Z]"}]))
        ));
    }
}
