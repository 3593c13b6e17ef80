//! JSONL: read the few fields boilercut needs from a record, and write the
//! record back with only its text value replaced.
//!
//! A line is parsed once, fully validated, but only the wanted fields are
//! kept, as slices of the line. Writing splices the new text value into the
//! original bytes, so every other field stays byte-for-byte as it was (key
//! order, number formats, escapes). A record with nothing cut is copied as
//! it is.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// Which fields of a record to read.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    /// The text to clean (`text` by default in the CLI).
    pub text: String,
    /// The field whose value is the group, if any.
    pub group: Option<String>,
    /// A URL field whose host is the group, if any.
    pub host_of: Option<String>,
    /// A field the record must not have (the one boilercut is about to
    /// add, such as the CLI's `--spans-field`): noted in
    /// [`Record::has_reserved`].
    pub reserved: Option<String>,
}

/// The text field of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text<'a> {
    /// The record has no such field.
    Missing,
    /// The field is null, a number, an object...: nothing to clean.
    NotString,
    /// A string holding an escaped surrogate without its pair (`"\ud83d"`,
    /// as Python's `json` writes a cut emoji): valid JSON, but not text
    /// that UTF-8 can hold, so it cannot be cleaned and written back.
    LoneSurrogate,
    /// A string: its raw JSON bytes in the line and its value.
    Str {
        /// Byte range of the JSON string literal (quotes included) in the line.
        raw: Range<usize>,
        /// The unescaped value.
        value: Cow<'a, str>,
    },
}

/// The fields read from one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// The text field.
    pub text: Text<'a>,
    /// The group: the group field's string value (or its raw JSON when it is
    /// not a string), or the host of the URL field; empty when absent.
    pub group: Cow<'a, str>,
    /// Byte offset of the closing `}` of the record.
    pub close: usize,
    /// The record has the field [`Fields::reserved`].
    pub has_reserved: bool,
}

/// A line is not a JSON object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError(pub String);

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RecordError {}

/// Parse one line (without its newline) as a JSON object and pick the
/// wanted fields. When a key repeats, its last value wins.
pub fn parse<'a>(line: &'a str, fields: &Fields) -> Result<Record<'a>, RecordError> {
    if !fields.is_flat() {
        return parse_paths(line, fields);
    }
    let mut de = serde_json::Deserializer::from_str(line);
    let found = Picker { fields }
        .deserialize(&mut de)
        .map_err(|e| RecordError(format!("invalid JSON: {e}")))?;
    de.end()
        .map_err(|e| RecordError(format!("invalid JSON: {e}")))?;
    record(
        line,
        found.text,
        found.group.map(string_or_raw),
        found.host_of,
        found.has_reserved,
    )
}

/// Assemble a record from the raw values found.
fn record<'a>(
    line: &'a str,
    text: Option<&'a RawValue>,
    group: Option<Cow<'a, str>>,
    host_of: Option<&'a RawValue>,
    has_reserved: bool,
) -> Result<Record<'a>, RecordError> {
    let found = Found {
        text,
        group: None,
        host_of,
        has_reserved,
    };
    let close = line.trim_end().len() - 1;
    let offset = |raw: &RawValue| raw.get().as_ptr() as usize - line.as_ptr() as usize;
    let text = match found.text {
        None => Text::Missing,
        Some(raw) if raw.get().starts_with('"') => match unescape(raw.get()) {
            Ok(value) => {
                let start = offset(raw);
                Text::Str {
                    raw: start..start + raw.get().len(),
                    value,
                }
            }
            // serde_json has validated every other escape.
            Err(_) => Text::LoneSurrogate,
        },
        Some(_) => Text::NotString,
    };
    let group = if let Some(g) = group {
        g
    } else if let Some(raw) = found.host_of {
        match string_or_raw(raw) {
            Cow::Borrowed(s) => host(s),
            Cow::Owned(s) => Cow::Owned(host(&s).into_owned()),
        }
    } else {
        Cow::Borrowed("")
    };
    Ok(Record {
        text,
        group,
        close,
        has_reserved: found.has_reserved,
    })
}

/// Most group fields a composite group may have (`--group-field site,era`).
pub const MAX_GROUP_FIELDS: usize = 4;

impl Fields {
    /// Whether every field is a top-level key and the group a single field:
    /// then the fast path reads the record.
    fn is_flat(&self) -> bool {
        !self.text.contains('.')
            && self
                .group
                .as_deref()
                .map_or(true, |g| !g.contains(['.', ',']))
            && self.host_of.as_deref().map_or(true, |h| !h.contains('.'))
    }
}

/// Where a wanted value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Text,
    Host,
    Group(usize),
}

/// The values found by path, raw.
struct Paths<'a> {
    text: Option<&'a RawValue>,
    host: Option<&'a RawValue>,
    groups: [Option<&'a RawValue>; MAX_GROUP_FIELDS],
    has_reserved: bool,
}

/// Parse a record whose fields are dotted paths into nested objects
/// (`metadata.url`, as datatrove and dolma store it) or whose group is made
/// of several fields (`site,era`: the group is their values joined by `/`).
/// A key spelled with the dots itself (`"metadata.url": ...`) matches too.
fn parse_paths<'a>(line: &'a str, fields: &Fields) -> Result<Record<'a>, RecordError> {
    let mut wants: Vec<(&str, Slot)> = vec![(fields.text.as_str(), Slot::Text)];
    let mut n_groups = 0;
    if let Some(g) = &fields.group {
        for (i, part) in g
            .split(',')
            .map(str::trim)
            .take(MAX_GROUP_FIELDS)
            .enumerate()
        {
            wants.push((part, Slot::Group(i)));
            n_groups = i + 1;
        }
    }
    if let Some(h) = &fields.host_of {
        wants.push((h.as_str(), Slot::Host));
    }
    let mut found = Paths {
        text: None,
        host: None,
        groups: [None; MAX_GROUP_FIELDS],
        has_reserved: false,
    };
    let bad = |e: serde_json::Error| RecordError(format!("invalid JSON: {e}"));
    let all: Vec<usize> = (0..wants.len()).collect();
    let mut de = serde_json::Deserializer::from_str(line);
    let reserved = fields.reserved.as_deref();
    let pairs = KeyValues {
        wants: &wants,
        active: &all,
        depth: 0,
        reserved,
    }
    .deserialize(&mut de)
    .map_err(bad)?;
    de.end().map_err(bad)?;
    descend(&wants, pairs, 0, &mut found);
    let group = (n_groups > 0).then(|| {
        if n_groups == 1 {
            found.groups[0].map_or(Cow::Borrowed(""), string_or_raw)
        } else {
            let parts: Vec<Cow<'a, str>> = found.groups[..n_groups]
                .iter()
                .map(|g| g.map_or(Cow::Borrowed(""), string_or_raw))
                .collect();
            Cow::Owned(parts.join("/"))
        }
    });
    record(line, found.text, group, found.host, found.has_reserved)
}

/// The (key, raw value, wants it may serve) of one object's keys that some
/// wanted path goes through, plus whether the reserved key is there.
type Pairs<'a> = (Vec<(Cow<'a, str>, &'a RawValue, Vec<usize>)>, bool);

/// Assign the values of `pairs` (keys of an object at `depth`) to the wants
/// they end, and look inside the objects that wants go through.
fn descend<'a>(wants: &[(&str, Slot)], pairs: Pairs<'a>, depth: usize, found: &mut Paths<'a>) {
    found.has_reserved |= pairs.1 && depth == 0;
    for (key, raw, active) in pairs.0 {
        let mut deeper = Vec::new();
        for &w in &active {
            let (path, slot) = wants[w];
            let parts: Vec<&str> = path.split('.').collect();
            let leaf = (depth == 0 && *key == *path) || parts.len() == depth + 1;
            if leaf {
                match slot {
                    Slot::Text => found.text = Some(raw),
                    Slot::Host => found.host = Some(raw),
                    Slot::Group(i) => found.groups[i] = Some(raw),
                }
            } else if parts.len() > depth + 1 {
                deeper.push(w);
            }
        }
        if !deeper.is_empty() && raw.get().starts_with('{') {
            let mut de = serde_json::Deserializer::from_str(raw.get());
            let seed = KeyValues {
                wants,
                active: &deeper,
                depth: depth + 1,
                reserved: None,
            };
            if let Ok(inner) = seed.deserialize(&mut de) {
                descend(wants, inner, depth + 1, found);
            }
        }
    }
}

/// Visits an object keeping the raw values of the keys a wanted path goes
/// through (at `depth`), ignoring the rest.
struct KeyValues<'w> {
    wants: &'w [(&'w str, Slot)],
    active: &'w [usize],
    depth: usize,
    reserved: Option<&'w str>,
}

impl<'de> DeserializeSeed<'de> for KeyValues<'_> {
    type Value = Pairs<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Pairs<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for KeyValues<'_> {
    type Value = Pairs<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Pairs<'de>, M::Error> {
        let mut out = Vec::new();
        let mut reserved = false;
        while let Some(key) = map.next_key::<Key<'de>>()?.map(|k| k.0) {
            if self.reserved == Some(&*key) {
                reserved = true;
            }
            let serves: Vec<usize> = self
                .active
                .iter()
                .copied()
                .filter(|&w| {
                    let path = self.wants[w].0;
                    (self.depth == 0 && *key == *path)
                        || path.split('.').nth(self.depth) == Some(&*key)
                })
                .collect();
            if serves.is_empty() {
                map.next_value::<IgnoredAny>()?;
            } else {
                let raw = map.next_value::<&'de RawValue>()?;
                out.push((key, raw, serves));
            }
        }
        Ok((out, reserved))
    }
}

fn string_or_raw(raw: &RawValue) -> Cow<'_, str> {
    let s = raw.get();
    if s.starts_with('"') {
        unescape(s).unwrap_or(Cow::Borrowed(s))
    } else if s == "null" {
        Cow::Borrowed("")
    } else {
        Cow::Borrowed(s)
    }
}

/// The value of a JSON string literal (quotes included) that serde_json
/// has validated: its escapes decoded, borrowed when it has none. One
/// `memchr` per escape instead of a second byte-by-byte parse. An escaped
/// surrogate without its pair is an error, as serde_json makes it.
fn unescape(lit: &str) -> Result<Cow<'_, str>, RecordError> {
    let body = lit
        .get(1..lit.len().saturating_sub(1))
        .filter(|_| lit.len() >= 2)
        .ok_or_else(|| RecordError("invalid JSON string".into()))?;
    let b = body.as_bytes();
    let Some(mut at) = memchr::memchr(b'\\', b) else {
        return Ok(Cow::Borrowed(body));
    };
    let bad = || RecordError("invalid JSON string: bad escape or lone surrogate".into());
    let hex4 = |at: usize| -> Option<u32> {
        let h = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
        u32::from_str_radix(h, 16)
            .ok()
            .filter(|_| h.bytes().all(|c| c.is_ascii_hexdigit()))
    };
    let mut out = String::with_capacity(body.len());
    let mut from = 0;
    loop {
        out.push_str(&body[from..at]);
        let mut next = at + 2;
        let c = match b.get(at + 1).ok_or_else(bad)? {
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'u' => {
                let hi = hex4(at + 2).ok_or_else(bad)?;
                next = at + 6;
                let code = match hi {
                    0xD800..=0xDBFF => {
                        let lo = (b.get(next..next + 2) == Some(b"\\u"))
                            .then(|| hex4(next + 2))
                            .flatten()
                            .filter(|lo| (0xDC00..=0xDFFF).contains(lo))
                            .ok_or_else(bad)?;
                        next += 6;
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(bad()),
                    _ => hi,
                };
                char::from_u32(code).ok_or_else(bad)?
            }
            _ => return Err(bad()),
        };
        out.push(c);
        from = next;
        match memchr::memchr(b'\\', &b[from..]) {
            Some(p) => at = from + p,
            None => break,
        }
    }
    out.push_str(&body[from..]);
    Ok(Cow::Owned(out))
}

/// The host of a URL, lowercased, without `www.` and port:
/// `https://www.Example.org:8080/a?b` → `example.org`. A string that is not a
/// URL is returned as it is.
pub fn host(url: &str) -> Cow<'_, str> {
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let mut h = &rest[..end];
    if let Some(at) = h.rfind('@') {
        h = &h[at + 1..];
    }
    if let Some(colon) = h.rfind(':') {
        if !h.ends_with(']') {
            h = &h[..colon];
        }
    }
    if h.len() > 4 && h.as_bytes()[..4].eq_ignore_ascii_case(b"www.") {
        h = &h[4..];
    }
    if h.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(h.to_ascii_lowercase())
    } else {
        Cow::Borrowed(h)
    }
}

struct Found<'a> {
    text: Option<&'a RawValue>,
    group: Option<&'a RawValue>,
    host_of: Option<&'a RawValue>,
    has_reserved: bool,
}

struct Picker<'f> {
    fields: &'f Fields,
}

impl<'de> DeserializeSeed<'de> for Picker<'_> {
    type Value = Found<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

/// An object key, borrowed from the line when it has no escape (serde's
/// own `Cow<str>` always allocates: one allocation per key of every record).
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> Visitor<'de> for Picker<'_> {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Found<'de>, M::Error> {
        let mut found = Found {
            text: None,
            group: None,
            host_of: None,
            has_reserved: false,
        };
        while let Some(key) = map.next_key::<Key<'de>>()?.map(|k| k.0) {
            let f = self.fields;
            if f.reserved.as_deref() == Some(&*key) {
                found.has_reserved = true;
            }
            let slot = if *key == *f.text {
                Some(&mut found.text)
            } else if f.group.as_deref() == Some(&*key) {
                Some(&mut found.group)
            } else if f.host_of.as_deref() == Some(&*key) {
                Some(&mut found.host_of)
            } else {
                None
            };
            match slot {
                Some(slot) => *slot = Some(map.next_value::<&'de RawValue>()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// Append `s` to `out` as a JSON string literal (quotes included). Non-ASCII
/// characters are written as UTF-8; control characters, `"` and `\` escaped.
/// Sixteen bytes are tested at once; the bytes to escape are the set bits
/// of a mask, so a text with a newline every line costs no more than one
/// without.
pub fn write_str(s: &str, out: &mut Vec<u8>) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let b = s.as_bytes();
    // Bytes before `at` are written.
    let mut at = 0;
    let mut block = 0;
    while block + 16 <= b.len() {
        let mut m = escape_mask(b[block..block + 16].try_into().unwrap_or([0; 16]));
        while m != 0 {
            let p = block + m.trailing_zeros() as usize;
            m &= m - 1;
            out.extend_from_slice(&b[at..p]);
            push_escaped(b[p], out);
            at = p + 1;
        }
        block += 16;
    }
    for (p, &c) in b.iter().enumerate().skip(block) {
        if c < 0x20 || c == b'"' || c == b'\\' {
            out.extend_from_slice(&b[at..p]);
            push_escaped(c, out);
            at = p + 1;
        }
    }
    out.extend_from_slice(&b[at..]);
    out.push(b'"');
}

/// The escape of `c`, a control character, `"` or `\`.
#[inline]
fn push_escaped(c: u8, out: &mut Vec<u8>) {
    let esc: &[u8] = match c {
        b'"' => b"\\\"",
        b'\\' => b"\\\\",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\t' => b"\\t",
        0x08 => b"\\b",
        0x0c => b"\\f",
        _ => {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(c >> 4) as usize]);
            out.push(HEX[(c & 15) as usize]);
            return;
        }
    };
    out.extend_from_slice(esc);
}

/// Bit `p` set when byte `p` of `b` must be escaped (a control character,
/// `"` or `\`). SSE2, part of every x86_64 target.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn escape_mask(b: [u8; 16]) -> u32 {
    use core::arch::x86_64::*;
    // SAFETY: an unaligned 16-byte load of a 16-byte array; SSE2 is part of
    // every x86_64 target.
    unsafe {
        let v = _mm_loadu_si128(b.as_ptr() as *const __m128i);
        // Unsigned `v <= 0x1f`: saturating subtraction leaves zero.
        let control = _mm_cmpeq_epi8(_mm_subs_epu8(v, _mm_set1_epi8(0x1f)), _mm_setzero_si128());
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        let any = _mm_or_si128(control, _mm_or_si128(quote, backslash));
        _mm_movemask_epi8(any) as u32
    }
}

/// [`escape_mask`] a byte at a time, for other targets.
#[cfg(not(target_arch = "x86_64"))]
fn escape_mask(b: [u8; 16]) -> u32 {
    escape_mask_bytewise(b)
}

/// [`escape_mask`] a byte at a time: other targets' version, and the
/// reference the SSE2 version is tested against.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn escape_mask_bytewise(b: [u8; 16]) -> u32 {
    let mut m = 0;
    for (p, &c) in b.iter().enumerate() {
        if c < 0x20 || c == b'"' || c == b'\\' {
            m |= 1 << p;
        }
    }
    m
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Append to `out` the line with its text value replaced by `cleaned` and,
/// when `spans` is given as `(name, ranges)`, a field `name: [[start,end],...]`
/// added before the closing brace. `line` must be the line `record` was
/// parsed from, with a string text field. No newline is appended.
pub fn splice(
    line: &str,
    record: &Record<'_>,
    cleaned: &str,
    spans: Option<(&str, &[Range<usize>])>,
    out: &mut Vec<u8>,
) {
    let raw = match &record.text {
        Text::Str { raw, .. } => raw.clone(),
        _ => {
            out.extend_from_slice(line.as_bytes());
            return;
        }
    };
    out.extend_from_slice(&line.as_bytes()[..raw.start]);
    write_str(cleaned, out);
    out.extend_from_slice(&line.as_bytes()[raw.end..record.close]);
    if let Some((name, ranges)) = spans {
        out.push(b',');
        write_str(name, out);
        out.extend_from_slice(b":[");
        for (i, r) in ranges.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'[');
            out.extend_from_slice(r.start.to_string().as_bytes());
            out.push(b',');
            out.extend_from_slice(r.end.to_string().as_bytes());
            out.push(b']');
        }
        out.push(b']');
    }
    out.extend_from_slice(&line.as_bytes()[record.close..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields {
        Fields {
            text: "text".into(),
            group: Some("site".into()),
            host_of: None,
            reserved: None,
        }
    }

    #[test]
    fn picks_fields_and_splices() {
        let line = r#"{"id": 7, "text": "Hello\nworld \u00e9", "site": "a.org", "n": 1.50e3}"#;
        let r = parse(line, &fields()).unwrap();
        assert_eq!(r.group, "a.org");
        let Text::Str { value, .. } = &r.text else {
            panic!("not a string")
        };
        assert_eq!(value, "Hello\nworld é");
        let mut out = Vec::new();
        splice(
            line,
            &r,
            "Hi \"you\"\n",
            Some(("cut", &[0..5, 7..9])),
            &mut out,
        );
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            r#"{"id": 7, "text": "Hi \"you\"\n", "site": "a.org", "n": 1.50e3,"cut":[[0,5],[7,9]]}"#
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["text"], "Hi \"you\"\n");
    }

    #[test]
    fn dotted_paths_and_composite_groups() {
        let line = r#"{"id":1,"metadata":{"url":"https://www.Example.org/a","site":"ex","era":2017},"content":{"text":"Hello \u00e9 there"}}"#;
        let f = Fields {
            text: "content.text".into(),
            group: None,
            host_of: Some("metadata.url".into()),
            reserved: None,
        };
        let rec = parse(line, &f).unwrap();
        assert_eq!(rec.group, "example.org");
        let Text::Str { raw, value } = &rec.text else {
            panic!("{:?}", rec.text)
        };
        assert_eq!(value, "Hello é there");
        assert_eq!(&line[raw.clone()], r#""Hello \u00e9 there""#);
        let mut out = Vec::new();
        splice(line, &rec, "Hello", None, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"id":1,"metadata":{"url":"https://www.Example.org/a","site":"ex","era":2017},"content":{"text":"Hello"}}"#
        );
        // A composite group: values joined by `/`, numbers as written, a
        // missing one empty.
        let f = Fields {
            text: "content.text".into(),
            group: Some("metadata.site, metadata.era".into()),
            host_of: None,
            reserved: None,
        };
        assert_eq!(parse(line, &f).unwrap().group, "ex/2017");
        let f = Fields {
            text: "content.text".into(),
            group: Some("metadata.site,nope".into()),
            host_of: None,
            reserved: None,
        };
        assert_eq!(parse(line, &f).unwrap().group, "ex/");
        // A key spelled with the dot matches too; a path through a
        // non-object is missing, not an error.
        let flat = r#"{"metadata.url":"http://a.b/c","text":"x","metadata":"plain"}"#;
        let f = Fields {
            text: "text".into(),
            group: None,
            host_of: Some("metadata.url".into()),
            reserved: None,
        };
        assert_eq!(parse(flat, &f).unwrap().group, "a.b");
        let f = Fields {
            text: "metadata.text".into(),
            group: None,
            host_of: None,
            reserved: None,
        };
        assert_eq!(parse(flat, &f).unwrap().text, Text::Missing);
        // Still a full validation of the line.
        assert!(parse(r#"{"metadata":{"url":1},"#, &f).is_err());
    }

    #[test]
    fn missing_and_non_string_text() {
        let r = parse(r#"{"site": 5}"#, &fields()).unwrap();
        assert_eq!(r.text, Text::Missing);
        assert_eq!(r.group, "5");
        let r = parse(r#"{"text": null}"#, &fields()).unwrap();
        assert_eq!(r.text, Text::NotString);
        assert_eq!(r.group, "");
    }

    #[test]
    fn rejects_non_objects() {
        for bad in [
            "",
            "[1]",
            "{\"text\": \"a\"",
            "{\"text\": \"a\"} x",
            "nul",
            "{\"a\":1,}",
        ] {
            assert!(parse(bad, &fields()).is_err(), "{bad:?}");
        }
    }

    /// Decoding a string literal agrees with serde_json, escapes and
    /// surrogate pairs included, and refuses what it refuses.
    #[test]
    fn unescape_agrees_with_serde() {
        let mut lits: Vec<String> = [
            r#""""#,
            r#""plain""#,
            r#""a\nb\tc\r\"q\" \\ \/ \b\f""#,
            r#""\u00e9\u4e2d\u0000\uFFFF""#,
            r#""\ud83d\ude00 pair""#,
            r#""\uD83D\uDE00""#,
            r#""lone \ud83d""#,
            r#""lone \ud83d\u0041""#,
            r#""\ude00 trailing""#,
            r#""\ud83d\ud83d""#,
            r#""é\n中""#,
            r#""end\\""#,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for s in ["q\"b\\s\u{1}\t\r\n\u{7f}é\u{2028}", "\u{10FFFF}\u{1F600}x"] {
            lits.push(serde_json::to_string(s).unwrap());
            let mut out = Vec::new();
            write_str(s, &mut out);
            lits.push(String::from_utf8(out).unwrap());
        }
        for lit in &lits {
            let ours = unescape(lit).ok();
            let theirs = serde_json::from_str::<String>(lit).ok();
            assert_eq!(ours.as_deref(), theirs.as_deref(), "{lit}");
        }
        assert!(matches!(unescape(r#""no escapes""#), Ok(Cow::Borrowed(_))));
    }

    #[test]
    fn hosts() {
        assert_eq!(host("https://www.Example.org:8080/a?b"), "example.org");
        assert_eq!(host("http://user@news.site.com"), "news.site.com");
        assert_eq!(host("site.com/path"), "site.com");
        assert_eq!(host(""), "");
        assert_eq!(host("https://aééx/"), "aééx");
        assert_eq!(host("https://www.ééx/"), "ééx");
    }

    #[test]
    fn escapes_at_every_position() {
        for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', 'é', '\u{7f}'] {
            for at in 0..40 {
                let mut s: String = "abcdefghijklmnopqrstuvwxyz0123456789ABCD".into();
                s.insert(at, special);
                let mut out = Vec::new();
                write_str(&s, &mut out);
                let back: String = serde_json::from_slice(&out).unwrap();
                assert_eq!(back, s);
            }
        }
    }

    #[test]
    fn escape_mask_equals_bytewise() {
        for first in 0..=255u8 {
            let b: [u8; 16] = std::array::from_fn(|p| first.wrapping_add(p as u8 * 16));
            assert_eq!(escape_mask(b), escape_mask_bytewise(b), "{b:?}");
        }
    }

    #[test]
    fn escapes_round_trip() {
        let s = "q\"b\\s\u{1}\t\r\n\u{7f}é\u{2028}";
        let mut out = Vec::new();
        write_str(s, &mut out);
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, s);
    }
}
