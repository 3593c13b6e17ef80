//! JSONL record reader and splicer on an arbitrary line.
//!
//! If the line parses with fields text/site and its text is a string,
//! splicing in a new text (with quotes, backslashes, control and non-ASCII
//! characters) must give valid JSON whose `text` is the new text, whose other
//! top-level fields equal the original's, and which parses back to the same
//! group. The same with a spans field added. Also: `host` of the line and a
//! parse grouped by the host of a `url` field never panic.
#![no_main]

use boilercut::jsonl::{host, parse, splice, Fields, Text};
use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;
use std::collections::HashMap;

/// The top-level fields of a JSON object as their raw JSON text (a repeated
/// key keeps its last value, as `parse` does). Raw text, not `Value`: `Value`
/// rejects valid JSON such as `1e400`, and raw text must survive a splice
/// byte for byte anyway.
fn object(s: &str) -> HashMap<String, &RawValue> {
    match serde_json::from_str::<HashMap<String, &RawValue>>(s) {
        Ok(m) => m,
        Err(e) => panic!("not a valid JSON object ({e}): {s:?}"),
    }
}

fn string(raw: Option<&&RawValue>) -> Option<String> {
    serde_json::from_str(raw?.get()).ok()
}

fuzz_target!(|line: &str| {
    let fields = Fields {
        text: "text".into(),
        group: Some("site".into()),
        host_of: None,
        reserved: None,
    };
    // The host of any string, and a record grouped by the host of its URL.
    let h = host(line);
    assert!(h.len() <= line.len());
    let by_host = Fields {
        text: "text".into(),
        group: None,
        host_of: Some("url".into()),
        reserved: None,
    };
    let _ = parse(line, &by_host);

    let Ok(record) = parse(line, &fields) else {
        return;
    };
    let Text::Str { raw, value } = &record.text else {
        // Nothing to clean: the record is copied as it is.
        let mut out = Vec::new();
        splice(line, &record, "ignored", None, &mut out);
        assert_eq!(out, line.as_bytes());
        return;
    };
    assert_eq!(
        serde_json::from_str::<String>(&line[raw.clone()])
            .ok()
            .as_deref(),
        Some(value.as_ref()),
        "raw range is the text literal"
    );
    let original = object(line);

    // The new text: part of the old one plus characters that need escaping.
    let keep: String = value.chars().step_by(2).collect();
    let new_text = format!("{keep}\"\\\n\r\t\u{0}\u{1f}\u{7f}é\u{2028}{{}}[]");
    let spans = [0..1usize, 3..usize::MAX];
    for with_spans in [false, true] {
        let name = "__cut";
        if with_spans && original.contains_key(name) {
            continue;
        }
        let mut out = Vec::new();
        splice(
            line,
            &record,
            &new_text,
            with_spans.then_some((name, &spans[..])),
            &mut out,
        );
        let out = std::str::from_utf8(&out).expect("output is UTF-8");
        let mut spliced = object(out);
        assert_eq!(
            string(spliced.get("text")).as_ref(),
            Some(&new_text),
            "the text field holds the new text"
        );
        if with_spans {
            let got = spliced.remove(name).expect("spans field added");
            let want = format!("[[0,1],[3,{}]]", usize::MAX);
            assert_eq!(got.get(), want);
        }
        for (k, v) in &original {
            if k != "text" {
                assert_eq!(
                    spliced.get(k).map(|r| r.get()),
                    Some(v.get()),
                    "field {k:?} unchanged"
                );
            }
        }
        assert_eq!(spliced.len(), original.len(), "no field added or lost");

        let back = parse(out, &fields).expect("spliced line parses");
        assert_eq!(back.group, record.group);
        match back.text {
            Text::Str { value, .. } => assert_eq!(value, new_text),
            t => panic!("text lost: {t:?}"),
        }
    }
});
