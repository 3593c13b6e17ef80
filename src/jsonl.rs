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
}

/// The text field of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text<'a> {
    /// The record has no such field.
    Missing,
    /// The field is null, a number, an object...: nothing to clean.
    NotString,
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
    let mut de = serde_json::Deserializer::from_str(line);
    let found = Picker { fields }
        .deserialize(&mut de)
        .map_err(|e| RecordError(format!("invalid JSON: {e}")))?;
    de.end()
        .map_err(|e| RecordError(format!("invalid JSON: {e}")))?;
    let close = line.trim_end().len() - 1;
    let offset = |raw: &RawValue| raw.get().as_ptr() as usize - line.as_ptr() as usize;
    let text = match found.text {
        None => Text::Missing,
        Some(raw) if raw.get().starts_with('"') => {
            let value: Cow<'a, str> = serde_json::from_str(raw.get())
                .map_err(|e| RecordError(format!("invalid JSON string: {e}")))?;
            let start = offset(raw);
            Text::Str {
                raw: start..start + raw.get().len(),
                value,
            }
        }
        Some(_) => Text::NotString,
    };
    let group = if let Some(raw) = found.group {
        string_or_raw(raw)
    } else if let Some(raw) = found.host_of {
        match string_or_raw(raw) {
            Cow::Borrowed(s) => host(s),
            Cow::Owned(s) => Cow::Owned(host(&s).into_owned()),
        }
    } else {
        Cow::Borrowed("")
    };
    Ok(Record { text, group, close })
}

fn string_or_raw(raw: &RawValue) -> Cow<'_, str> {
    let s = raw.get();
    if s.starts_with('"') {
        serde_json::from_str::<Cow<'_, str>>(s).unwrap_or(Cow::Borrowed(s))
    } else if s == "null" {
        Cow::Borrowed("")
    } else {
        Cow::Borrowed(s)
    }
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
        };
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let f = self.fields;
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
pub fn write_str(s: &str, out: &mut Vec<u8>) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let b = s.as_bytes();
    let mut at = 0;
    let mut i = 0;
    while i < b.len() {
        // Skip eight plain bytes at a time.
        if i + 8 <= b.len() {
            let word = u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
            if !needs_escape8(word) {
                i += 8;
                continue;
            }
        }
        let c = b[i];
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => {
                out.extend_from_slice(&b[at..i]);
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 15) as usize]);
                i += 1;
                at = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&b[at..i]);
        out.extend_from_slice(esc);
        i += 1;
        at = i;
    }
    out.extend_from_slice(&b[at..]);
    out.push(b'"');
}

/// Whether any of eight bytes is a control character, `"` or `\\`
/// (bit tricks from "Bit Twiddling Hacks": a byte is zero / below n).
#[inline]
fn needs_escape8(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let below_32 = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    below_32 | has_zero(w ^ (ONES * b'"' as u64)) | has_zero(w ^ (ONES * b'\\' as u64)) != 0
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
    fn escapes_round_trip() {
        let s = "q\"b\\s\u{1}\t\r\n\u{7f}é\u{2028}";
        let mut out = Vec::new();
        write_str(s, &mut out);
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, s);
    }
}
