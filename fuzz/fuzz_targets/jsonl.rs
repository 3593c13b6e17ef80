//! JSONL record reader and splicer on an arbitrary line.
//!
//! If the line parses with fields text/site and its text is a string,
//! splicing in a new text (with quotes, backslashes, control and non-ASCII
//! characters) must give valid JSON whose `text` is the new text, whose other
//! top-level fields equal the original's, and which parses back to the same
//! group. The same with a spans field added.
#![no_main]

use boilercut::jsonl::{parse, splice, Fields, Text};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fn object(s: &[u8]) -> Map<String, Value> {
    match serde_json::from_slice::<Value>(s) {
        Ok(Value::Object(m)) => m,
        Ok(v) => panic!("not an object: {v}"),
        Err(e) => panic!("invalid JSON ({e}): {:?}", String::from_utf8_lossy(s)),
    }
}

fuzz_target!(|line: &str| {
    let fields = Fields {
        text: "text".into(),
        group: Some("site".into()),
        host_of: None,
    };
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
        serde_json::from_str::<String>(&line[raw.clone()]).ok().as_deref(),
        Some(value.as_ref()),
        "raw range is the text literal"
    );
    let original = object(line.as_bytes());

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
        let mut spliced = object(&out);
        assert_eq!(
            spliced.get("text"),
            Some(&Value::String(new_text.clone())),
            "the text field holds the new text"
        );
        if with_spans {
            let got = spliced.remove(name).expect("spans field added");
            let want = serde_json::json!([[0, 1], [3, usize::MAX]]);
            assert_eq!(got, want);
        }
        for (k, v) in &original {
            if k != "text" {
                assert_eq!(spliced.get(k), Some(v), "field {k:?} unchanged");
            }
        }
        assert_eq!(spliced.len(), original.len(), "no field added or lost");

        let out = std::str::from_utf8(&out).expect("output is UTF-8");
        let back = parse(out, &fields).expect("spliced line parses");
        assert_eq!(back.group, record.group);
        match back.text {
            Text::Str { value, .. } => assert_eq!(value, new_text),
            t => panic!("text lost: {t:?}"),
        }
    }
});
