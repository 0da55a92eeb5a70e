//! The raw AWS shapes, read field by field: tolerant accessors over `serde_json::Value`.
//!
//! Owns: turning one JSON field into a Rust value or a [`Bad`] that says which field is wrong and
//! why. Field names are botocore's (PascalCase, input-formats §1.0). Absent and `null` fields are
//! the same (`None`), lists may be absent (empty), and nothing here panics on any input: a field of
//! the wrong JSON type, an address that does not parse, or a number out of range is a `Bad`, which
//! the lowering code turns into an error diagnostic naming the file and the resource id.

use crate::model::{Cidr, IpFamily, Tags};
use serde_json::{Map, Value};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Why a field cannot be used: a stable diagnostic code and a sentence naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bad {
    /// `missing-field`, `wrong-type` or `invalid-value`.
    pub(super) code: &'static str,
    /// Lowercase, no final period, the field in backticks.
    pub(super) message: String,
}

/// A field read, or why it could not be.
pub(super) type R<T> = Result<T, Bad>;

impl Bad {
    /// A required field is absent, `null` or empty.
    pub(super) fn missing(field: &str) -> Self {
        Bad {
            code: "missing-field",
            message: format!("`{field}` is missing"),
        }
    }

    /// A field holds the wrong JSON type.
    pub(super) fn wrong_type(field: &str, expected: &str, found: &Value) -> Self {
        Bad {
            code: "wrong-type",
            message: format!("`{field}` should be {expected}, not {}", describe(found)),
        }
    }

    /// A field holds a value of the right type that cannot be used; `message` says why.
    pub(super) fn invalid(message: String) -> Self {
        Bad {
            code: "invalid-value",
            message,
        }
    }
}

/// What a JSON value is, for messages.
pub(super) fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One JSON object of the input, with the path of its fields for messages (`Entries[2].`).
#[derive(Debug, Clone)]
pub(super) struct Obj<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

impl<'a> Obj<'a> {
    /// `v` as an object; `path` names it in messages (`Entries[2]`; empty for a top-level resource,
    /// whose id the diagnostic already names).
    pub(super) fn of(v: &'a Value, path: &str) -> R<Self> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                prefix: if path.is_empty() {
                    String::new()
                } else {
                    format!("{path}.")
                },
            }),
            other if path.is_empty() => Err(Bad {
                code: "wrong-type",
                message: format!("the item should be an object, not {}", describe(other)),
            }),
            other => Err(Bad::wrong_type(path, "an object", other)),
        }
    }

    /// The name of field `key` as messages show it (`Entries[2].CidrBlock`).
    pub(super) fn field(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The object's own path (`Entries[2]`; empty for a top-level resource).
    pub(super) fn path(&self) -> &str {
        self.prefix.strip_suffix('.').unwrap_or(&self.prefix)
    }

    /// The raw field, `None` when absent or `null`.
    pub(super) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// True iff the field is present and not `null`.
    pub(super) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// A string field.
    pub(super) fn str(&self, key: &str) -> R<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(Bad::wrong_type(&self.field(key), "a string", other)),
        }
    }

    /// A string field holding an id; empty text counts as absent (moto prints `"InstanceId": ""`
    /// for none, deviation 14).
    pub(super) fn id(&self, key: &str) -> R<Option<&'a str>> {
        Ok(self.str(key)?.map(str::trim).filter(|s| !s.is_empty()))
    }

    /// A required id.
    pub(super) fn req_id(&self, key: &str) -> R<&'a str> {
        self.id(key)?.ok_or_else(|| Bad::missing(&self.field(key)))
    }

    /// A required string.
    pub(super) fn req_str(&self, key: &str) -> R<&'a str> {
        self.str(key)?.ok_or_else(|| Bad::missing(&self.field(key)))
    }

    /// A boolean field.
    pub(super) fn bool(&self, key: &str) -> R<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(Bad::wrong_type(&self.field(key), "true or false", other)),
        }
    }

    /// A whole-number field.
    pub(super) fn int(&self, key: &str) -> R<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => Ok(Some(i)),
                None => Err(Bad::invalid(format!(
                    "`{}` is {n}, which is not a whole number in range",
                    self.field(key)
                ))),
            },
            Some(other) => Err(Bad::wrong_type(&self.field(key), "a number", other)),
        }
    }

    /// A list field; absent or `null` is an empty list.
    pub(super) fn list(&self, key: &str) -> R<&'a [Value]> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items.as_slice()),
            Some(other) => Err(Bad::wrong_type(&self.field(key), "a list", other)),
        }
    }

    /// A nested object field.
    pub(super) fn obj(&self, key: &str) -> R<Option<Obj<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => Obj::of(v, &self.field(key)).map(Some),
        }
    }

    /// A list of objects; any element that is not an object is a `Bad`.
    pub(super) fn objs(&self, key: &str) -> R<Vec<Obj<'a>>> {
        self.list(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| Obj::of(v, &format!("{}[{i}]", self.field(key))))
            .collect()
    }

    /// The elements of a list of objects, each as an object or why it is not one (so that one
    /// bad element can be skipped alone).
    pub(super) fn items(&self, key: &str) -> R<Vec<R<Obj<'a>>>> {
        Ok(self
            .list(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| Obj::of(v, &format!("{}[{i}]", self.field(key))))
            .collect())
    }

    /// A list of ids (`RouteTableIds`, `Cidrs`, …); empty strings are dropped.
    pub(super) fn ids(&self, key: &str) -> R<Vec<&'a str>> {
        let mut out = Vec::new();
        for (i, v) in self.list(key)?.iter().enumerate() {
            match v {
                Value::String(s) if s.trim().is_empty() => {}
                Value::String(s) => out.push(s.trim()),
                other => return Err(Bad::wrong_type(&format!("{}[{i}]", self.field(key)), "a string", other)),
            }
        }
        Ok(out)
    }

    /// A CIDR block field of the given family (`None` accepts either).
    pub(super) fn cidr(&self, key: &str, family: Option<IpFamily>) -> R<Option<Cidr>> {
        match self.str(key)? {
            None => Ok(None),
            Some(text) => parse_cidr(&self.field(key), text, family).map(Some),
        }
    }

    /// An IPv4 address field.
    pub(super) fn ipv4(&self, key: &str) -> R<Option<Ipv4Addr>> {
        match self.str(key)? {
            None => Ok(None),
            Some(text) => text.trim().parse::<Ipv4Addr>().map(Some).map_err(|_| {
                Bad::invalid(format!(
                    "`{}` is `{text}`, which is not an IPv4 address",
                    self.field(key)
                ))
            }),
        }
    }

    /// An IPv6 address field.
    pub(super) fn ipv6(&self, key: &str) -> R<Option<Ipv6Addr>> {
        match self.str(key)? {
            None => Ok(None),
            Some(text) => text.trim().parse::<Ipv6Addr>().map(Some).map_err(|_| {
                Bad::invalid(format!(
                    "`{}` is `{text}`, which is not an IPv6 address",
                    self.field(key)
                ))
            }),
        }
    }

    /// The resource's tags, from `Tags` or `TagSet` (network interfaces), each `{Key, Value}`.
    pub(super) fn tags(&self) -> R<Tags> {
        let mut tags = Tags::new();
        for key in ["Tags", "TagSet"] {
            for tag in self.objs(key)? {
                let k = tag.req_str("Key")?;
                let v = tag.str("Value")?.unwrap_or_default();
                tags.insert(k.to_owned(), v.to_owned());
            }
        }
        Ok(tags)
    }
}

/// Parses a CIDR block named `field`, checking its family when one is expected (`CidrBlock` is
/// IPv4, `Ipv6CidrBlock` IPv6). Host bits are cleared, as AWS does (NACL-5).
pub(super) fn parse_cidr(field: &str, text: &str, family: Option<IpFamily>) -> R<Cidr> {
    let expected = match family {
        Some(IpFamily::V4) => "an IPv4 CIDR block",
        Some(IpFamily::V6) => "an IPv6 CIDR block",
        None => "a CIDR block",
    };
    let cidr =
        Cidr::parse(text).map_err(|_| Bad::invalid(format!("`{field}` is `{text}`, which is not {expected}")))?;
    match family {
        Some(f) if cidr.family() != f => Err(Bad::invalid(format!("`{field}` is `{text}`, which is not {expected}"))),
        _ => Ok(cidr),
    }
}

/// True when an AWS state string is absent (hand-written input) or equals `want`, ignoring case
/// (every enum is an open, case-insensitive string, input-formats §1.3).
pub(super) fn state_is(state: Option<&str>, want: &[&str]) -> bool {
    state.is_none_or(|s| want.iter().any(|w| s.trim().eq_ignore_ascii_case(w)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accessors_report_wrong_types_and_bad_values_without_panicking() {
        let v = json!({"A": "x", "N": 5, "F": 1.5, "L": [1], "C": "10.0.0.0/33", "E": "", "Z": null});
        let o = Obj::of(&v, "Entries[2]").unwrap();
        assert_eq!(o.str("A").unwrap(), Some("x"));
        assert_eq!(o.str("N").unwrap_err().code, "wrong-type");
        assert_eq!(
            o.str("N").unwrap_err().message,
            "`Entries[2].N` should be a string, not a number"
        );
        assert_eq!(o.int("F").unwrap_err().code, "invalid-value");
        assert_eq!(o.id("E").unwrap(), None);
        assert_eq!(o.req_id("Z").unwrap_err().code, "missing-field");
        assert!(o.list("Z").unwrap().is_empty());
        assert_eq!(o.ids("L").unwrap_err().code, "wrong-type");
        assert_eq!(o.cidr("C", Some(IpFamily::V4)).unwrap_err().code, "invalid-value");
        assert!(Obj::of(&json!([1]), "Vpcs[0]").is_err());
    }

    #[test]
    fn cidr_family_is_checked() {
        assert!(parse_cidr("CidrBlock", "::/0", Some(IpFamily::V4)).is_err());
        assert!(parse_cidr("Ipv6CidrBlock", "::/0", Some(IpFamily::V6)).is_ok());
        assert_eq!(
            parse_cidr("CidrBlock", "10.0.1.5/24", None).unwrap().to_string(),
            "10.0.1.0/24"
        );
    }

    #[test]
    fn states_are_open_case_insensitive_strings() {
        assert!(state_is(None, &["associated"]));
        assert!(state_is(Some("Associated"), &["associated"]));
        assert!(state_is(Some("available"), &["attached", "available"]));
        assert!(!state_is(Some("disassociated"), &["associated"]));
    }
}
