//! Field paths: dotted paths into nested objects and composite groups
//! (issue 14's CLI part), checked against the flat spelling of the same
//! records.

use crate::util::{bin, TempDir};
use serde_json::{json, Value};

fn sample() -> Vec<Value> {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/sample/corpus.jsonl"
    ))
    .unwrap()
    .lines()
    .map(|l| serde_json::from_str(l).unwrap())
    .collect()
}

fn write(path: &std::path::Path, records: &[Value]) {
    let mut s = String::new();
    for r in records {
        s.push_str(&r.to_string());
        s.push('\n');
    }
    std::fs::write(path, s).unwrap();
}

fn texts(path: &std::path::Path, field: &[&str]) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            for f in field {
                v = v[*f].take();
            }
            v.as_str().unwrap().to_string()
        })
        .collect()
}

fn clean(args: &[&str]) {
    let out = bin().args(["clean", "-q"]).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn nested_fields_and_composite_groups_clean_like_flat_ones() {
    let t = TempDir::new("fields");
    let flat = sample();
    // Nested as datatrove and dolma store it.
    let nested: Vec<Value> = flat
        .iter()
        .map(|r| {
            json!({
                "id": r["id"],
                "metadata": {"url": r["url"], "source": r["site"], "era": "2012"},
                "content": {"text": r["text"]},
            })
        })
        .collect();
    write(&t.join("flat.jsonl"), &flat);
    write(&t.join("nested.jsonl"), &nested);
    clean(&[
        &t.s("flat.jsonl"),
        "-o",
        &t.s("flat.out.jsonl"),
        "--group-by-host",
        "url",
    ]);
    clean(&[
        &t.s("nested.jsonl"),
        "-o",
        &t.s("nested.out.jsonl"),
        "--text-field",
        "content.text",
        "--group-by-host",
        "metadata.url",
    ]);
    let expected = texts(&t.join("flat.out.jsonl"), &["text"]);
    assert_eq!(
        texts(&t.join("nested.out.jsonl"), &["content", "text"]),
        expected
    );
    // Something was cut, so the comparison means something.
    assert_ne!(expected, texts(&t.join("flat.jsonl"), &["text"]));
    // A composite group whose second part is the same everywhere makes the
    // same groups as the first part alone.
    clean(&[
        &t.s("flat.jsonl"),
        "-o",
        &t.s("site.out.jsonl"),
        "--group-field",
        "site",
    ]);
    clean(&[
        &t.s("nested.jsonl"),
        "-o",
        &t.s("composite.out.jsonl"),
        "--text-field",
        "content.text",
        "--group-field",
        "metadata.source,metadata.era",
    ]);
    assert_eq!(
        texts(&t.join("composite.out.jsonl"), &["content", "text"]),
        texts(&t.join("site.out.jsonl"), &["text"])
    );
    // Too many parts is a usage error.
    let out = bin()
        .args(["clean", &t.s("flat.jsonl"), "-o", &t.s("x.jsonl")])
        .args(["--group-field", "a,b,c,d,e"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}
