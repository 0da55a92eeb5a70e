//! Reading one `describe-*` file in blocks, without its whole text or its whole parse in memory
//! (issue #17, a 100,000-interface snapshot is 735 MB of JSON).
//!
//! Owns: cutting a file's top-level object into its keys' values and the items of its two big
//! lists (`Reservations`, `NetworkInterfaces`: [`PACKED_KEYS`]), pruning those items on every core
//! as the whole-file path prunes them (only the fields the lowering reads) straight into compact
//! JSON text ([`Packed`], about a fifth of the input), and keeping that text until the lowering
//! reads it (at its kind's turn, a block of items at a time, parsed again on the other core while
//! the previous block is lowered: `Lower::lower_packed`). A parsed item (`serde_json::Value`, a
//! B-tree per object) takes about six times the memory of its pruned text, so keeping the texts
//! rather than the parses is what bounds the peak.
//!
//! Must not touch: what the fields mean (the lowering's), and any error's wording. This is a fast
//! path only: whenever the file is not the plain shape it reads (an object of distinct keys with no
//! escape in a key, every piece valid UTF-8 and parsed without error, items nested at most
//! [`MAX_DEPTH`] deep, a regular file no larger than the input limit), [`read`] answers `None` and
//! the caller parses the whole file the old way, which gives the same result or the same error
//! (file, line and column) as before. Implements no rule.

use super::{DocRef, json};
use crate::ingest::IngestError;
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The top-level keys whose list items are kept packed: the two lists that grow with the
/// interfaces (`describe-instances`, `describe-network-interfaces`), nine tenths of a large
/// snapshot's bytes. Both are lowered by `Lower::each`-like loops that take items in blocks.
pub(super) const PACKED_KEYS: &[&str] = &["NetworkInterfaces", "Reservations"];

/// Items nested deeper than this (in brackets, counted from the item) make the file take the
/// whole-file path, whose depth limit (serde_json's 128, counted from the document) is the one
/// that holds.
const MAX_DEPTH: usize = 100;

/// How many bytes are read at a time.
pub(super) const BLOCK: usize = 8 << 20;

/// The items of one list, each the compact JSON text of its pruned parse, in input order.
#[derive(Debug, Default)]
pub(super) struct Packed {
    pub(super) items: Vec<Box<[u8]>>,
}

impl Packed {
    /// Items `range` parsed again (in parallel), in order. Each text is serde_json's own output
    /// of a value, so it parses; were it not to, the item is `null`, which the lowering reports as
    /// a malformed item rather than dropping it silently.
    pub(super) fn unpack(&self, range: std::ops::Range<usize>) -> Vec<Value> {
        self.items
            .get(range)
            .unwrap_or_default()
            .par_iter()
            .map(|t| serde_json::from_slice(t).unwrap_or(Value::Null))
            .collect()
    }
}

/// One file read by [`read`]: its top-level object with each packed list's value replaced by
/// `null` (so the keys keep their places), and the packed lists by key.
#[derive(Debug, Default)]
pub(super) struct Streamed {
    pub(super) value: Value,
    pub(super) packed: BTreeMap<String, Packed>,
}

/// One input file parsed: its top-level object and, when it was read in blocks, the lists kept
/// packed (their keys hold `null` in `value`).
#[derive(Debug)]
pub(super) struct Doc {
    pub(super) path: PathBuf,
    pub(super) shown: String,
    value: Value,
    packed: BTreeMap<String, Packed>,
}

impl Doc {
    pub(super) fn as_ref(&self) -> DocRef<'_> {
        DocRef {
            path: &self.path,
            file: &self.shown,
            value: &self.value,
            packed: Some(&self.packed),
        }
    }
}

/// Reads and parses one `*.json` entry of a snapshot directory (`broken`: why it is no regular
/// file): in blocks of `block` bytes when [`read`] can, else (or without a `block`) whole.
pub(super) fn read_doc(path: PathBuf, broken: Option<String>, block: Option<usize>) -> Result<Doc, IngestError> {
    let shown = path.display().to_string();
    if let Some(message) = broken {
        return Err(IngestError::Io { file: shown, message });
    }
    if let Some(block) = block
        && crate::ingest::file::not_a_file(&path).is_none()
        && let Some(s) = read(&path, block)
    {
        return Ok(Doc {
            path,
            shown,
            value: s.value,
            packed: s.packed,
        });
    }
    let bytes = crate::ingest::file::read(&path, &shown)?;
    let value = json::parse_pruned(&bytes).map_err(|e| IngestError::json(&shown, &e))?;
    Ok(Doc {
        path,
        shown,
        value,
        packed: BTreeMap::new(),
    })
}

/// Reads the regular file at `path` in blocks of `block` bytes; `None` when it is not the plain
/// shape this reads (see the module header): the caller then reads it whole.
pub(super) fn read(path: &Path, block: usize) -> Option<Streamed> {
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > crate::ingest::file::MAX_INPUT_BYTES {
        return None;
    }
    let mut s = Scanner {
        src: file.take(crate::ingest::file::MAX_INPUT_BYTES),
        buf: Vec::with_capacity(block.min(usize::try_from(meta.len()).unwrap_or(block)) + 1),
        pos: 0,
        eof: false,
        block: block.max(1),
    };
    s.document()
}

/// The file being cut: `buf[pos..]` is read and not yet consumed.
struct Scanner<R> {
    src: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    block: usize,
}

/// What a look at the buffer found.
enum Got<T> {
    /// A whole token or value, and the position after it.
    Done(T, usize),
    /// The buffer ends first: read more and look again.
    More,
}

use Got::{Done, More};

impl<R: Read + Send> Scanner<R> {
    /// Drops the consumed bytes and appends a block or more; false at the end of the file (or on a read
    /// error, which the whole-file path then reports).
    fn fill(&mut self) -> Option<()> {
        if self.eof {
            return None;
        }
        self.buf.drain(..self.pos);
        self.pos = 0;
        // At least as much again as is pending, so that a value longer than a block is not
        // looked through once per block.
        let have = self.buf.len();
        let want = self.block.max(have);
        let got = (&mut self.src).take(want as u64).read_to_end(&mut self.buf).ok()?;
        if got < want {
            self.eof = true;
        }
        Some(())
    }

    /// Runs `look` on the unconsumed bytes until it finds a whole thing, reading more as needed;
    /// consumes it. `None` when the file ends first or `look` fails.
    fn next<T>(&mut self, look: impl Fn(&[u8], usize, bool) -> Option<Got<T>>) -> Option<T> {
        loop {
            match look(&self.buf, self.pos, self.eof)? {
                Done(t, end) => {
                    self.pos = end;
                    return Some(t);
                }
                More => self.fill()?,
            }
        }
    }

    /// The next byte that is not white space, consumed.
    fn punct(&mut self) -> Option<u8> {
        self.next(|b, i, _| {
            let i = skip_ws(b, i);
            Some(match b.get(i) {
                Some(&c) => Done(c, i + 1),
                None => More,
            })
        })
    }

    fn document(&mut self) -> Option<Streamed> {
        let mut out = Streamed::default();
        let mut map = Map::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        if self.punct()? != b'{' {
            return None;
        }
        let mut first = true;
        loop {
            match self.punct()? {
                b'}' if first => break,
                b'"' => {}
                _ => return None,
            }
            // The key (without escapes: one with any takes the whole-file path) and its colon.
            let key = self.next(|b, i, _| {
                let rest = b.get(i..)?;
                let Some(q) = memchr::memchr2(b'"', b'\\', rest) else {
                    return Some(More);
                };
                if rest.get(q) != Some(&b'"') {
                    return None;
                }
                let key = std::str::from_utf8(rest.get(..q)?).ok()?.to_owned();
                Some(Done(key, i + q + 1))
            })?;
            if !seen.insert(key.clone()) || self.punct()? != b':' {
                return None;
            }
            let packed = PACKED_KEYS.contains(&key.as_str())
                && self.next(|b, i, _| {
                    let i = skip_ws(b, i);
                    Some(match b.get(i) {
                        Some(b'[') => Done(true, i + 1),
                        Some(_) => Done(false, i),
                        None => More,
                    })
                })?;
            if packed {
                out.packed.insert(key.clone(), self.items()?);
                map.insert(key, Value::Null);
            } else {
                let value = self.next(|b, i, eof| {
                    let start = skip_ws(b, i);
                    match value_end(b, start, eof)? {
                        Done((), end) => {
                            let text = std::str::from_utf8(b.get(start..end)?).ok()?;
                            Some(Done(json::parse_item(text).ok()?, end))
                        }
                        More => Some(More),
                    }
                })?;
                map.insert(key, value);
            }
            first = false;
            match self.punct()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
        // Nothing but white space may follow.
        loop {
            let i = skip_ws(&self.buf, self.pos);
            if i < self.buf.len() {
                return None;
            }
            self.pos = i;
            if self.eof {
                break;
            }
            self.fill()?;
        }
        out.value = Value::Object(map);
        Some(out)
    }

    /// The items of a list whose `[` is consumed, through its `]`. A pipeline of two stages: the
    /// whole items cut from one block are packed on every core while the next block is read and
    /// cut (on whichever core is free), so that cutting, which reads every byte in turn, is not
    /// waited for.
    fn items(&mut self) -> Option<Packed> {
        let mut out = Packed::default();
        let mut first = true;
        // The bytes of the block being packed are its own buffer; the one packed before is kept
        // to take the next block's unconsumed bytes (two buffers in turn, no allocation per block).
        let mut spare: Vec<u8> = Vec::new();
        let mut cut = self.cut(&mut first)?;
        loop {
            let Cut { ranges, end, closed } = cut;
            spare.clear();
            spare.extend_from_slice(self.buf.get(end..).unwrap_or_default());
            let block = std::mem::replace(&mut self.buf, spare);
            self.pos = 0;
            let pack_block = || -> Vec<Option<Box<[u8]>>> {
                ranges
                    .par_iter()
                    .map(|&(a, b)| pack(std::str::from_utf8(block.get(a..b)?).ok()?))
                    .collect()
            };
            let (texts, next) = if closed {
                (pack_block(), None)
            } else {
                rayon::join(pack_block, || {
                    self.fill()?;
                    self.cut(&mut first)
                })
            };
            for t in texts {
                out.items.push(t?);
            }
            if closed {
                return Some(out);
            }
            spare = block;
            cut = next?;
        }
    }

    /// The whole items in the unconsumed bytes, as ranges of the buffer, the position after the
    /// last of them (or after the `]` that closes the list), and whether the list is closed.
    /// `None` when the bytes are not a list's items.
    fn cut(&self, first: &mut bool) -> Option<Cut> {
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        let mut i = self.pos;
        loop {
            let j = skip_ws(&self.buf, i);
            let Some(&c) = self.buf.get(j) else { break };
            if c == b']' {
                return Some(Cut {
                    ranges,
                    end: j + 1,
                    closed: true,
                });
            }
            let start = if *first {
                j
            } else if c == b',' {
                let k = skip_ws(&self.buf, j + 1);
                if k >= self.buf.len() {
                    break;
                }
                k
            } else {
                return None;
            };
            match value_end(&self.buf, start, self.eof)? {
                Done((), end) => {
                    ranges.push((start, end));
                    *first = false;
                    i = end;
                }
                More => break,
            }
        }
        Some(Cut {
            ranges,
            end: i,
            closed: false,
        })
    }
}

/// What [`Scanner::cut`] found in the buffer.
struct Cut {
    ranges: Vec<(usize, usize)>,
    end: usize,
    closed: bool,
}

/// The item `text` as [`json::parse_item`] would parse it, written as compact JSON text without
/// building the parse: `None` exactly when that parse fails (a syntax error, a key repeated in
/// one object, nesting too deep), which sends the file to the whole-file path.
fn pack(text: &str) -> Option<Box<[u8]>> {
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut de = serde_json::Deserializer::from_str(text);
    serde::de::DeserializeSeed::deserialize(Pack(&mut out), &mut de).ok()?;
    de.end().ok()?;
    Some(out.into_boxed_slice())
}

/// Writes the value it deserializes to its text, keeping below the top level only the object
/// fields the lowering reads (`json::read_field`), as `json::Pruned` keeps them in a `Value`.
struct Pack<'o>(&'o mut Vec<u8>);

impl Pack<'_> {
    fn write<T: serde::Serialize + ?Sized, E: serde::de::Error>(self, v: &T) -> Result<(), E> {
        serde_json::to_writer(self.0, v).map_err(E::custom)
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Pack<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Pack<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<(), E> {
        self.write(&b)
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<(), E> {
        self.write(&n)
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<(), E> {
        self.write(&n)
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<(), E> {
        // (Not finite: `null`, as `Value` has it.)
        self.write(&n)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        self.write(s)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.0.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.visit_none()
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let out = self.0;
        out.push(b'[');
        let mut first = true;
        loop {
            let mark = out.len();
            if !first {
                out.push(b',');
            }
            if seq.next_element_seed(Pack(&mut *out))?.is_none() {
                out.truncate(mark);
                break;
            }
            first = false;
        }
        out.push(b']');
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        let repeated = |key: &str| A::Error::custom(format!("duplicate key `{key}` in one object"));
        let out = self.0;
        out.push(b'{');
        let mut kept: Vec<std::borrow::Cow<'de, str>> = Vec::new();
        let mut skipped: Option<json::Seen<'de>> = None;
        while let Some(key) = map.next_key_seed(json::Key)? {
            if json::read_field(&key) {
                if kept.contains(&key) {
                    return Err(repeated(&key));
                }
                if !kept.is_empty() {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key.as_ref()).map_err(A::Error::custom)?;
                out.push(b':');
                map.next_value_seed(Pack(&mut *out))?;
                kept.push(key);
            } else {
                if !skipped.get_or_insert_with(json::Seen::default).insert(key.clone()) {
                    return Err(repeated(&key));
                }
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        out.push(b'}');
        Ok(())
    }
}

/// The first position at or after `i` that is not JSON white space.
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = b.get(i) {
        i += 1;
    }
    i
}

/// Where the JSON value starting at `i` ends (its syntax is left to the parser; this finds its
/// extent): a string at its closing quote, an object or list at its matching bracket, anything
/// else before the next white space, comma or closing bracket. `More` when the buffer ends first
/// (for a bare scalar only if the file goes on); `None` for an empty value or nesting past
/// [`MAX_DEPTH`].
fn value_end(b: &[u8], i: usize, eof: bool) -> Option<Got<()>> {
    let first = *match b.get(i) {
        Some(c) => c,
        None => return Some(More),
    };
    match first {
        b'"' => Some(match string_end(b, i + 1) {
            Some(end) => Done((), end),
            None => More,
        }),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while let Some(&c) = b.get(j) {
                match c {
                    b'"' => match string_end(b, j + 1) {
                        Some(end) => {
                            j = end;
                            continue;
                        }
                        None => return Some(More),
                    },
                    b'{' | b'[' => {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return None;
                        }
                    }
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(Done((), j + 1));
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            Some(More)
        }
        b',' | b']' | b'}' | b':' => None,
        _ => {
            let rest = b.get(i..)?;
            match rest
                .iter()
                .position(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}'))
            {
                Some(n) => Some(Done((), i + n)),
                None if eof => Some(Done((), b.len())),
                None => Some(More),
            }
        }
    }
}

/// The position after the closing quote of the string whose contents start at `i`, or `None`
/// when the buffer ends first.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let q = memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        match b.get(i + q)? {
            b'"' => return Some(i + q + 1),
            _ => i += q + 2,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    fn stream(text: &str, block: usize) -> Option<Streamed> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, text).unwrap();
        read(&path, block)
    }

    /// The streamed file, put back together: what the whole-file parse gives.
    fn rebuilt(s: Streamed) -> Value {
        let Value::Object(mut map) = s.value else {
            panic!("not an object")
        };
        for (k, p) in s.packed {
            map.insert(k, Value::Array(p.unpack(0..p.items.len())));
        }
        Value::Object(map)
    }

    #[test]
    fn every_block_size_gives_the_whole_file_parse() {
        let text = r#" {"Reservations": [ {"Instances": [{"InstanceId": "i-1", "Foo": [1, {"]": "}"}],
            "Tags": [{"Key": "a\"b", "Value": "\u00e9"}]}]}, {"Instances": []} ,{}],
            "NetworkInterfaces": [], "NextToken": null, "Vpcs": [{"VpcId": "vpc-1", "Junk": 1.5e3}],
            "X": 12 } "#;
        let whole = json::parse_pruned(text.as_bytes()).unwrap();
        for block in [1, 2, 3, 7, 16, 64, 1 << 20] {
            let s = stream(text, block).unwrap_or_else(|| panic!("block {block}"));
            assert_eq!(s.packed.len(), 2);
            assert_eq!(s.packed["Reservations"].items.len(), 3);
            assert_eq!(rebuilt(s), whole, "block {block}");
        }
    }

    #[test]
    fn anything_but_the_plain_shape_takes_the_whole_file_path() {
        for text in [
            r#"[{"Vpcs": []}]"#,
            r#"{"Vpcs": [], "Vpcs": []}"#,
            r#"{"Reservations": [{}, ]}"#,
            r#"{"Reservations": [,{}]}"#,
            r#"{"Reservations": [{} {}]}"#,
            r#"{"Reservations": [{"a": 1,}]}"#,
            r#"{"Reservations": [{}]} x"#,
            r#"{"Reservations": [{}]"#,
            r#"{"Reserv\u0061tions": []}"#,
            r#"{"Vpcs": [}"#,
            r#"{"Vpcs": [], }"#,
            r#"{"Reservations": [{"K": 1, "K": 2}]}"#,
            "",
        ] {
            assert!(stream(text, 4).is_none(), "{text}");
            assert!(stream(text, 1 << 20).is_none(), "{text}");
        }
        let deep = format!(
            r#"{{"Reservations": [{}{}]}}"#,
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(stream(&deep, 1 << 20).is_none());
        assert!(json::parse_pruned(deep.as_bytes()).is_ok());
    }

    #[test]
    fn an_item_packs_to_the_text_of_its_pruned_parse_and_fails_where_that_parse_fails() {
        for text in [
            r#"{"VpcId": "a\"b\u00e9\n", "Unread": {"x": [1, 2]}, "Tags": [{"Key": "k", "Value": null}]}"#,
            r#"{"Entries": [{"RuleNumber": 100, "Egress": false, "IcmpTypeCode": {"Code": -1, "Type": 1.5e3}}]}"#,
            r#"[1, -2, 18446744073709551615, 2.5, true, null, "s", {}, []]"#,
            r#""text""#,
            "17",
        ] {
            let packed = pack(text).unwrap();
            let again: Value = serde_json::from_slice(&packed).unwrap();
            assert_eq!(again, json::parse_item(text).unwrap(), "{text}");
        }
        for text in [
            r#"{"VpcId": 1, "VpcId": 2}"#,
            r#"{"Unread": 1, "Unread": 2}"#,
            r#"{"VpcId": 1,}"#,
            r#"[1 2]"#,
            "{} x",
        ] {
            assert!(pack(text).is_none(), "{text}");
            assert!(json::parse_item(text).is_err(), "{text}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(pack(&deep).is_none() && json::parse_item(&deep).is_err());
    }

    #[test]
    fn an_empty_object_and_empty_lists_stream() {
        assert_eq!(rebuilt(stream(" {} ", 1).unwrap()), serde_json::json!({}));
        let s = stream(r#"{"NetworkInterfaces": [ ]}"#, 1).unwrap();
        assert_eq!(rebuilt(s), serde_json::json!({"NetworkInterfaces": []}));
    }
}
