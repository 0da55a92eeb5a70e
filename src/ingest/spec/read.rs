//! Reading the TOML tree of a native spec: byte offsets to line:column, typed access to the keys
//! of one table (a wrong type, a missing required key and an unknown key are each an error at the
//! value's line and column), and the value syntax every resource kind shares: CIDR blocks,
//! addresses, protocols, port ranges and ICMP type/code (NACL-5, NACL-6, SG-6).
//!
//! Nothing here knows what a VPC is; `kind.rs` says which keys each table takes, and the lowering
//! what they mean.

use crate::model::{Cidr, Diagnostic, IpFamily, L4Match, PortRange, Protocol, Provenance, Tags};
use std::cell::RefCell;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A value of the parsed document, with its byte span.
pub(super) type Value<'t> = Spanned<DeValue<'t>>;

/// A string value and the byte offset where it starts.
pub(super) type Str<'t> = (&'t str, usize);

/// Converts byte offsets into 1-based line and column (columns count characters, not bytes).
#[derive(Debug)]
pub(super) struct Positions<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> Positions<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Positions { text, line_starts }
    }

    /// The 1-based line and column of `offset`; offsets past the end clamp to the end.
    pub(super) fn at(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = match self.text.get(start..offset) {
            Some(s) => s.chars().count() + 1,
            None => offset.saturating_sub(start) + 1,
        };
        (to_u32(line), to_u32(column))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The file being read, its positions, and the diagnostics found so far.
#[derive(Debug)]
pub(super) struct Cx<'t> {
    /// The file as the user named it.
    pub(super) file: &'t str,
    positions: Positions<'t>,
    diagnostics: RefCell<Vec<Diagnostic>>,
}

impl<'t> Cx<'t> {
    pub(super) fn new(file: &'t str, text: &'t str) -> Self {
        Cx {
            file,
            positions: Positions::new(text),
            diagnostics: RefCell::new(Vec::new()),
        }
    }

    /// Line and column of a byte offset.
    pub(super) fn at(&self, offset: usize) -> (u32, u32) {
        self.positions.at(offset)
    }

    /// The text of the document between two byte offsets, as written (empty when out of bounds).
    pub(super) fn source(&self, span: std::ops::Range<usize>) -> &'t str {
        self.positions.text.get(span).unwrap_or_default()
    }

    /// Records an error about `resource` at `offset`.
    pub(super) fn error(&self, code: &str, resource: &str, offset: usize, message: impl Into<String>) {
        self.push(Diagnostic::error(code, message), resource, offset);
    }

    /// Records a warning about `resource` at `offset`.
    pub(super) fn warning(&self, code: &str, resource: &str, offset: usize, message: impl Into<String>) {
        self.push(Diagnostic::warning(code, message), resource, offset);
    }

    fn push(&self, d: Diagnostic, resource: &str, offset: usize) {
        let (line, column) = self.at(offset);
        let mut d = d.in_file(self.file).at(line, column);
        if !resource.is_empty() {
            d = d.on(resource);
        }
        self.diagnostics.borrow_mut().push(d);
    }

    /// The provenance of `resource` (or of one of its items) declared at `offset`.
    pub(super) fn provenance(&self, resource: &str, offset: usize) -> Provenance {
        let (line, column) = self.at(offset);
        Provenance::resource(self.file, resource).at(line, column)
    }

    /// Every diagnostic recorded.
    pub(super) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics.into_inner()
    }
}

/// The keys of one TOML table (a resource, a route, an ACL entry, a rule), read with type checks.
/// Unknown keys are reported when the reader is made; every other problem when a key is read.
#[derive(Debug)]
pub(super) struct Fields<'c, 't> {
    pub(super) cx: &'c Cx<'t>,
    /// The id of the resource the table belongs to, for diagnostics.
    pub(super) resource: &'c str,
    table: &'t DeTable<'t>,
    /// Byte offset of the table (its header or its opening brace).
    pub(super) at: usize,
}

impl<'c, 't> Fields<'c, 't> {
    /// A reader over `table`; reports every key not in `allowed` (with a suggestion for typos).
    pub(super) fn new(
        cx: &'c Cx<'t>,
        resource: &'c str,
        what: &str,
        table: &'t DeTable<'t>,
        at: usize,
        allowed: &[&str],
    ) -> Self {
        for (k, _) in table.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                cx.error(
                    "unknown-key",
                    resource,
                    k.span().start,
                    format!(
                        "unknown key `{key}` in {what}{}",
                        suggest(key, allowed.iter().copied())
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_else(|| format!("; expected one of {}", backticked(allowed)))
                    ),
                );
            }
        }
        Fields {
            cx,
            resource,
            table,
            at,
        }
    }

    /// Records an error about this table's resource at `offset`.
    pub(super) fn error(&self, offset: usize, message: impl Into<String>) {
        self.cx.error("invalid-value", self.resource, offset, message);
    }

    /// Records a warning about this table's resource at `offset`.
    pub(super) fn warning(&self, code: &str, offset: usize, message: impl Into<String>) {
        self.cx.warning(code, self.resource, offset, message);
    }

    /// The raw value of `key`.
    pub(super) fn get(&self, key: &str) -> Option<&'t Value<'t>> {
        self.table.get(key)
    }

    /// True iff the table has `key`.
    pub(super) fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// Byte offset of `key`'s value, or of the table when absent.
    pub(super) fn offset_of(&self, key: &str) -> usize {
        self.get(key).map(|v| v.span().start).unwrap_or(self.at)
    }

    fn wrong_type(&self, key: &str, v: &Value<'_>, expected: &str) {
        self.cx.error(
            "wrong-type",
            self.resource,
            v.span().start,
            format!("`{key}` must be {expected}, not {}", type_name(v.get_ref())),
        );
    }

    /// A string value; a value of another type is an error.
    pub(super) fn str(&self, key: &str) -> Option<Str<'t>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.as_ref(), v.span().start)),
            _ => {
                self.wrong_type(key, v, "a string");
                None
            }
        }
    }

    /// A required string value; a missing key is an error at the table.
    pub(super) fn req_str(&self, key: &str) -> Option<Str<'t>> {
        if !self.has(key) {
            self.cx.error(
                "missing-key",
                self.resource,
                self.at,
                format!("missing required key `{key}`"),
            );
            return None;
        }
        self.str(key)
    }

    /// An optional string key read with `parse`: `Some(None)` when absent, `Some(Some(x))` when
    /// read, `None` after an error (already reported).
    pub(super) fn opt<T>(&self, key: &str, parse: impl FnOnce(Str<'t>) -> Option<T>) -> Option<Option<T>> {
        if !self.has(key) {
            return Some(None);
        }
        parse(self.str(key)?).map(Some)
    }

    /// A boolean value, or `default` when absent or mistyped.
    pub(super) fn bool(&self, key: &str, default: bool) -> bool {
        let Some(v) = self.get(key) else { return default };
        match v.get_ref() {
            DeValue::Boolean(b) => *b,
            _ => {
                self.wrong_type(key, v, "true or false");
                default
            }
        }
    }

    /// An integer value read with `ok`, which gives `None` for a number outside the key's range;
    /// `allowed` says what that range is ("0 to 255"). A number out of range, including one too
    /// large for any integer type (`99999999999999999999`), is an error saying so, with the number
    /// as written; a value that is not an integer is a wrong type.
    pub(super) fn int<T>(&self, key: &str, allowed: &str, ok: impl FnOnce(i64) -> Option<T>) -> Option<(T, usize)> {
        let v = self.get(key)?;
        self.int_value(key, v, allowed, ok)
    }

    /// [`Fields::int`] on the value `v` of `key`.
    fn int_value<T>(
        &self,
        key: &str,
        v: &Value<'_>,
        allowed: &str,
        ok: impl FnOnce(i64) -> Option<T>,
    ) -> Option<(T, usize)> {
        if !matches!(v.get_ref(), DeValue::Integer(_)) {
            self.wrong_type(key, v, "an integer");
            return None;
        }
        match int_of(v.get_ref()).and_then(ok) {
            Some(n) => Some((n, v.span().start)),
            None => {
                self.out_of_range(key, v, allowed);
                None
            }
        }
    }

    /// Reports the number `v` of `key` as out of range, naming the range `allowed`.
    fn out_of_range(&self, key: &str, v: &Value<'_>, allowed: &str) {
        let written = self.cx.source(v.span()).trim();
        self.error(
            v.span().start,
            format!("`{key}` is {written}, which is out of range: {allowed}"),
        );
    }

    /// A list of strings; a single string is read as a list of one.
    pub(super) fn strs(&self, key: &str) -> Vec<Str<'t>> {
        let Some(v) = self.get(key) else { return Vec::new() };
        match v.get_ref() {
            DeValue::String(s) => vec![(s.as_ref(), v.span().start)],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| match item.get_ref() {
                    DeValue::String(s) => Some((s.as_ref(), item.span().start)),
                    _ => {
                        self.wrong_type(key, item, "a list of strings");
                        None
                    }
                })
                .collect(),
            _ => {
                self.wrong_type(key, v, "a list of strings");
                Vec::new()
            }
        }
    }

    /// A list of tables (an array of inline tables or `[[…]]` tables) with their offsets; `None`
    /// when the key is absent (which differs from an empty list for security group rules).
    pub(super) fn tables(&self, key: &str) -> Option<Vec<(&'t DeTable<'t>, usize)>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|item| match item.get_ref() {
                        DeValue::Table(t) => Some((t, item.span().start)),
                        _ => {
                            self.wrong_type(key, item, "a list of tables");
                            None
                        }
                    })
                    .collect(),
            ),
            _ => {
                self.wrong_type(key, v, "a list of tables");
                Some(Vec::new())
            }
        }
    }

    /// A table value.
    pub(super) fn table(&self, key: &str) -> Option<&'t DeTable<'t>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(key, v, "a table");
                None
            }
        }
    }

    /// The resource's tags: `Name` = `name`, plus the string entries of `tags`.
    pub(super) fn tags(&self, name: &str) -> Tags {
        let mut tags = Tags::new();
        if let Some(t) = self.table("tags") {
            for (k, v) in t.iter() {
                let key: &str = k.get_ref();
                match v.get_ref() {
                    DeValue::String(_) if key == "Name" => self.error(
                        k.span().start,
                        "the `Name` tag is the resource's name in the table header; remove it from `tags`",
                    ),
                    DeValue::String(s) => {
                        tags.insert(key.to_owned(), s.to_string());
                    }
                    other => self.cx.error(
                        "wrong-type",
                        self.resource,
                        v.span().start,
                        format!("tag `{key}` must be a string, not {}", type_name(other)),
                    ),
                }
            }
        }
        tags.insert("Name".to_owned(), name.to_owned());
        tags
    }

    /// A list of CIDR blocks of `family` under `key`; bad ones are reported and left out.
    pub(super) fn cidrs(&self, key: &str, family: Option<IpFamily>) -> Vec<Cidr> {
        self.strs(key)
            .into_iter()
            .filter_map(|s| self.cidr(key, s, family))
            .collect()
    }

    /// A CIDR block of `family` under `key` (see [`Fields::cidr`]).
    pub(super) fn cidr_at(&self, key: &str, family: Option<IpFamily>) -> Option<Cidr> {
        let s = self.str(key)?;
        self.cidr(key, s, family)
    }

    /// Parses a CIDR block written under `key`: it must have a prefix length, no spaces around it
    /// and, when `family` is given, be of that family. Host bits are cleared with a warning (AWS
    /// canonicalises, NACL-5).
    pub(super) fn cidr(&self, key: &str, (text, at): Str<'_>, family: Option<IpFamily>) -> Option<Cidr> {
        if text.trim() != text {
            self.error(
                at,
                format!("`{key}` must be a CIDR block without spaces around it, not `{text}`"),
            );
            return None;
        }
        if !text.contains('/') {
            let hint = match text.trim().parse::<IpAddr>() {
                Ok(IpAddr::V4(a)) => format!(": write `{a}/32` for one address"),
                Ok(IpAddr::V6(a)) => format!(": write `{a}/128` for one address"),
                Err(_) => String::new(),
            };
            self.error(
                at,
                format!("`{key}` must be a CIDR block like `10.0.0.0/16`, not `{text}`{hint}"),
            );
            return None;
        }
        let (cidr, host_bits) = match Cidr::parse_strict(text) {
            Ok(x) => x,
            Err(e) => {
                self.error(at, format!("`{key}`: {e}"));
                return None;
            }
        };
        if let Some(f) = family
            && cidr.family() != f
        {
            self.error(at, format!("`{key}` takes an {f} block, not `{text}`"));
            return None;
        }
        if host_bits {
            self.warning(
                "cidr-host-bits",
                at,
                format!("CIDR block `{text}` has host bits set: read as `{cidr}`"),
            );
        }
        Some(cidr)
    }

    /// Parses an IPv4 address written under `key`.
    pub(super) fn ipv4(&self, key: &str, (text, at): Str<'_>) -> Option<Ipv4Addr> {
        match text.trim().parse::<IpAddr>() {
            Ok(IpAddr::V4(a)) => Some(a),
            Ok(IpAddr::V6(_)) => {
                self.error(at, format!("`{key}` takes an IPv4 address, not `{text}`"));
                None
            }
            Err(_) => {
                self.error(at, format!("`{key}`: invalid IPv4 address `{text}`"));
                None
            }
        }
    }

    /// Parses an IPv6 address written under `key`.
    pub(super) fn ipv6(&self, key: &str, (text, at): Str<'_>) -> Option<Ipv6Addr> {
        match text.trim().parse::<IpAddr>() {
            Ok(IpAddr::V6(a)) => Some(a),
            Ok(IpAddr::V4(_)) => {
                self.error(at, format!("`{key}` takes an IPv6 address, not `{text}`"));
                None
            }
            Err(_) => {
                self.error(at, format!("`{key}`: invalid IPv6 address `{text}`"));
                None
            }
        }
    }

    /// A string from a fixed set (case-insensitive), in its canonical spelling: `Some(None)` when
    /// absent, `None` after an error (already reported).
    pub(super) fn choice(&self, key: &str, choices: &[&'static str]) -> Option<Option<&'static str>> {
        if !self.has(key) {
            return Some(None);
        }
        let (text, at) = self.str(key)?;
        let found = choices.iter().find(|c| c.eq_ignore_ascii_case(text.trim())).copied();
        if found.is_none() {
            self.error(
                at,
                format!("`{key}` must be one of {}, not `{text}`", backticked(choices)),
            );
        }
        found.map(Some)
    }

    /// The required `protocol` of a rule: a name, `all`, `-1`, or a number 0-255.
    pub(super) fn protocol(&self) -> Option<Protocol> {
        let Some(v) = self.get("protocol") else {
            self.cx.error(
                "missing-key",
                self.resource,
                self.at,
                "missing required key `protocol` (tcp, udp, icmp, icmpv6, all, or a number)",
            );
            return None;
        };
        let text = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Integer(_) => {
                let number = |n: i64| (n == -1 || u8::try_from(n).is_ok()).then_some(n);
                let (n, _) = self.int_value("protocol", v, "a protocol number is 0 to 255, or -1 for all", number)?;
                n.to_string()
            }
            _ => {
                self.wrong_type("protocol", v, "a protocol name or number");
                return None;
            }
        };
        match Protocol::parse(&text) {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(v.span().start, e.to_string());
                None
            }
        }
    }

    /// The layer-4 match of a rule from `ports`, `icmp_type` and `icmp_code` (NACL-6, SG-6):
    /// tcp and udp need `ports`; icmp and icmpv6 take an optional type and code (`-1` or absent
    /// means all); other protocols match every port and take neither. `icmpv6_as_any` is set for
    /// a network ACL entry with an IPv4 block, where AWS matches every ICMPv6 type (NACL-6).
    pub(super) fn l4(&self, protocol: Protocol, icmpv6_as_any: bool) -> Option<L4Match> {
        let num = protocol.number();
        let has_ports = num.is_some_and(crate::model::proto::has_ports);
        let is_icmp = num.is_some_and(crate::model::proto::is_icmp);
        let mut misplaced = false;
        if !has_ports && let Some(v) = self.get("ports") {
            self.error(
                v.span().start,
                format!("`ports` applies to tcp and udp only; protocol {protocol} matches every port"),
            );
            misplaced = true;
        }
        if !is_icmp {
            for key in ["icmp_type", "icmp_code"] {
                if let Some(v) = self.get(key) {
                    self.error(
                        v.span().start,
                        format!("`{key}` applies to icmp and icmpv6 only, not to protocol {protocol}"),
                    );
                    misplaced = true;
                }
            }
        }
        if misplaced {
            return None;
        }
        if has_ports {
            let Some(v) = self.get("ports") else {
                self.cx.error(
                    "missing-key",
                    self.resource,
                    self.at,
                    format!("protocol {protocol} needs `ports` (write \"0-65535\" for every port)"),
                );
                return None;
            };
            let text = match v.get_ref() {
                DeValue::String(s) => s.to_string(),
                DeValue::Integer(_) => {
                    let (n, _) = self.int_value("ports", v, PORTS, |n| u16::try_from(n).ok())?;
                    n.to_string()
                }
                _ => {
                    self.wrong_type("ports", v, "a port or a range such as \"1024-65535\"");
                    return None;
                }
            };
            return match PortRange::parse(&text) {
                Ok(r) => Some(L4Match::Ports(r)),
                Err(_) if port_out_of_range(&text) => {
                    self.out_of_range("ports", v, PORTS);
                    None
                }
                Err(e) => {
                    self.error(v.span().start, e.to_string());
                    None
                }
            };
        }
        if is_icmp {
            let icmp_type = self.icmp_field("icmp_type")?;
            let icmp_code = self.icmp_field("icmp_code")?;
            if icmp_type.is_none() && icmp_code.is_some() {
                self.error(self.offset_of("icmp_code"), "`icmp_code` needs an `icmp_type`");
                return None;
            }
            if icmpv6_as_any && protocol == Protocol::ICMPV6 {
                return Some(L4Match::Any);
            }
            return Some(L4Match::Icmp { icmp_type, icmp_code });
        }
        Some(L4Match::Any)
    }

    /// `Some(None)` for absent or `-1` (all), `Some(Some(n))` for 0-255, `None` after an error.
    fn icmp_field(&self, key: &str) -> Option<Option<u8>> {
        if !self.has(key) {
            return Some(None);
        }
        let value = |n: i64| {
            if n == -1 {
                Some(None)
            } else {
                u8::try_from(n).ok().map(Some)
            }
        };
        self.int(key, "it must be -1 (all) or 0 to 255", value).map(|(v, _)| v)
    }
}

/// The allowed range of `ports`, for messages.
const PORTS: &str = "ports run from 0 to 65535";

/// True iff `text` is a port or range written in digits with a number above 65535 (`70000`,
/// `"1024-70000"`): out of range rather than malformed.
fn port_out_of_range(text: &str) -> bool {
    let t = text.trim();
    let (a, b) = t.split_once('-').unwrap_or((t, t));
    let parts = [a.trim(), b.trim()];
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
    parts.iter().all(|p| digits(p)) && parts.iter().any(|p| p.parse::<u16>().is_err())
}

/// The integer of a TOML integer value.
fn int_of(v: &DeValue<'_>) -> Option<i64> {
    match v {
        DeValue::Integer(i) if (2..=36).contains(&i.radix()) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

/// What a TOML value is, in words.
pub(super) fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// `` `a`, `b`, `c` ``.
pub(super) fn backticked<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The candidate closest to `word` when it is close enough to be a typo; failing that, the
/// candidate that `word` extends or abbreviates (`cidr_block` → `cidr`, `map_public` →
/// `map_public_ip`).
pub(super) fn suggest<'a>(word: &str, candidates: impl Iterator<Item = &'a str> + Clone) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let close = candidates
        .clone()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c);
    let lower = word.to_lowercase();
    let related = |c: &&str| {
        let c = c.to_lowercase();
        c.len() >= 3 && lower.len() >= 3 && (lower.starts_with(&c) || c.starts_with(&lower))
    };
    close.or_else(|| candidates.filter(related).min_by_key(|c| c.len().abs_diff(lower.len())))
}

/// Edit distance with adjacent transpositions (optimal string alignment), case-insensitive:
/// `lba` is one edit from `lab`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let at = |row: &[usize], j: usize| row.get(j).copied().unwrap_or(usize::MAX / 2);
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let mut d = (at(&prev, j) + usize::from(ca != cb))
                .min(at(&prev, j + 1) + 1)
                .min(at(&cur, j) + 1);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca);
            if swapped {
                d = d.min(at(&before, j - 1) + 1);
            }
            cur.push(d);
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let p = Positions::new("a = 1\n[é.x]\n");
        assert_eq!(p.at(0), (1, 1));
        assert_eq!(p.at(4), (1, 5));
        assert_eq!(p.at(6), (2, 1));
        // `.` (byte 9, after the two-byte `é`) is the third character of line 2
        assert_eq!(p.at(9), (2, 3));
        assert_eq!(p.at(10_000), (3, 1));
        // an offset inside a multi-byte character does not panic
        assert_eq!(p.at(8).0, 2);
    }

    #[test]
    fn typos_get_a_suggestion_and_strangers_do_not() {
        let keys = ["cidr", "ipv6_cidr", "vpc", "route_table"];
        assert_eq!(suggest("cidr_", keys.iter().copied()), Some("cidr"));
        assert_eq!(suggest("route_tabel", keys.iter().copied()), Some("route_table"));
        assert_eq!(suggest("zzzzzz", keys.iter().copied()), None);
        assert_eq!(suggest("cpc", ["vpc", "lab"].into_iter()), Some("vpc"));
        assert_eq!(suggest("lba", ["vpc", "lab"].into_iter()), Some("lab"));
        assert_eq!(suggest("cidr_block", keys.iter().copied()), Some("cidr"));
        assert_eq!(suggest("route", keys.iter().copied()), Some("route_table"));
        assert_eq!(suggest("ci", keys.iter().copied()), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
