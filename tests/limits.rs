//! Issue 5: hostile input and limits through the real binary. The big
//! limits (a 100 MB document, a million one-word documents) are in
//! `benches/limits.sh`; the small ones run here.

use crate::util::{ok, run, TempDir};
use std::io::Write;

fn lines(n: usize) -> String {
    (0..n)
        .map(|i| format!("{{\"id\": {i}, \"site\": \"s\", \"text\": \"Story {i} is here. Subscribe to the Daily Example newsletter for the best stories every single morning.\"}}\n"))
        .collect()
}

#[test]
fn truncated_gzip_fails_with_status_2_and_leaves_no_output() {
    let t = TempDir::new("trunc");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(lines(2000).as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    std::fs::write(t.join("in.jsonl.gz"), &bytes[..bytes.len() * 2 / 3]).unwrap();
    for out in ["out.jsonl", "dir/"] {
        let r = run(
            &[
                "clean",
                &t.s("in.jsonl.gz"),
                "-o",
                &t.s(out),
                "--group-field",
                "site",
            ],
            b"",
        );
        assert_eq!(
            r.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&r.stderr)
        );
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(err.contains("in.jsonl.gz: read failed"), "{err}");
    }
    assert!(!t.join("out.jsonl").exists());
    assert!(!t.join("dir/in.jsonl.gz").exists());
    let stray: Vec<_> = std::fs::read_dir(t.join(""))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(stray.is_empty(), "temporary files left: {stray:?}");
}

#[test]
fn invalid_utf8_passes_through_unchanged() {
    let t = TempDir::new("utf8");
    let mut data = lines(20).into_bytes();
    let bad = b"{\"id\": 99, \"site\": \"s\", \"text\": \"caf\xe9 \xff\xfe broken\"}\n";
    data.extend_from_slice(bad);
    data.extend_from_slice(lines(3).as_bytes());
    std::fs::write(t.join("in.jsonl"), &data).unwrap();
    let r = run(
        &[
            "clean",
            &t.s("in.jsonl"),
            "-o",
            &t.s("out.jsonl"),
            "--group-field",
            "site",
        ],
        b"",
    );
    ok(&r);
    let out = std::fs::read(t.join("out.jsonl")).unwrap();
    assert!(
        out.windows(bad.len()).any(|w| w == bad),
        "the bad line is not byte-identical"
    );
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 24);
    assert!(String::from_utf8_lossy(&r.stderr).contains("1 invalid UTF-8"));

    // A .txt document that is not UTF-8 is copied as it is.
    std::fs::create_dir_all(t.join("txt/site")).unwrap();
    std::fs::write(t.join("txt/site/a.txt"), b"\xff\xfe not text").unwrap();
    std::fs::write(t.join("txt/site/b.txt"), "plain text").unwrap();
    ok(&run(
        &["clean", &t.s("txt"), "-o", &t.s("txtout"), "-q"],
        b"",
    ));
    assert_eq!(
        std::fs::read(t.join("txtout/site/a.txt")).unwrap(),
        b"\xff\xfe not text"
    );
}

#[test]
fn empty_input_one_document_groups_and_a_long_line_without_spaces() {
    let t = TempDir::new("limits");
    std::fs::write(t.join("empty.jsonl"), b"").unwrap();
    ok(&run(
        &[
            "clean",
            &t.s("empty.jsonl"),
            "-o",
            &t.s("empty.out.jsonl"),
            "-q",
        ],
        b"",
    ));
    assert_eq!(std::fs::read(t.join("empty.out.jsonl")).unwrap(), b"");

    // Every group has one document: nothing can repeat, nothing is cut.
    let data: String = (0..50)
        .map(|i| format!("{{\"site\": \"g{i}\", \"text\": \"Subscribe to our newsletter for the best stories every morning, said site {i}.\"}}\n"))
        .collect();
    std::fs::write(t.join("one.jsonl"), &data).unwrap();
    ok(&run(
        &[
            "clean",
            &t.s("one.jsonl"),
            "-o",
            &t.s("one.out.jsonl"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    ));
    assert_eq!(
        std::fs::read_to_string(t.join("one.out.jsonl")).unwrap(),
        data
    );

    // A 10 MB line of one word, beside ordinary records.
    let mut data = lines(10);
    data.push_str(&format!(
        "{{\"site\": \"s\", \"text\": \"{}\"}}\n",
        "x".repeat(10 << 20)
    ));
    data.push_str(&lines(10));
    std::fs::write(t.join("long.jsonl"), &data).unwrap();
    ok(&run(
        &[
            "clean",
            &t.s("long.jsonl"),
            "-o",
            &t.s("long.out.jsonl"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    ));
    let out = std::fs::read_to_string(t.join("long.out.jsonl")).unwrap();
    assert_eq!(out.lines().count(), 21);
    assert!(out.contains(&"x".repeat(10 << 20)));
    assert!(
        !out.contains("Subscribe to the Daily Example"),
        "the repeated block was not cut"
    );
}

#[test]
fn a_hundred_thousand_one_word_documents() {
    let t = TempDir::new("many");
    let data: String = (0..100_000)
        .map(|i| format!("{{\"text\": \"w{}\"}}\n", i % 7))
        .collect();
    std::fs::write(t.join("in.jsonl"), &data).unwrap();
    ok(&run(
        &["clean", &t.s("in.jsonl"), "-o", &t.s("out.jsonl"), "-q"],
        b"",
    ));
    let out = std::fs::read_to_string(t.join("out.jsonl")).unwrap();
    assert_eq!(out.lines().count(), 100_000);
    // Exact copies count once, but w0..w6 are seven documents whose one
    // word hashes alike (digit runs are normalised): a whole line in seven
    // documents is boilerplate by definition, cut, but the record stays.
    assert!(
        out.lines().all(|l| l == r#"{"text": ""}"#),
        "{}",
        &out[..200]
    );
}

/// Safe at scale, item 13: one document over the 16 MiB cap (it would cost
/// ~44 bytes of memory per byte to learn) is not learned from, written
/// through unchanged, and counted in the summary; the others are cleaned.
#[test]
fn a_document_over_the_cap_passes_through_and_is_counted() {
    let t = TempDir::new("cap");
    let huge: String = "a b c d e f g h ".repeat((17 << 20) / 16);
    // Four of them, each with its own first word: were they learned, their
    // shared text would be cut.
    let mut data = lines(10);
    for i in 0..4 {
        data.push_str(&format!(
            "{{\"site\": \"s\", \"text\": \"Story{i} {huge}\"}}\n"
        ));
    }
    std::fs::write(t.join("in.jsonl"), &data).unwrap();
    let out = run(
        &[
            "clean",
            &t.s("in.jsonl"),
            "-o",
            &t.s("out.jsonl"),
            "--group-field",
            "site",
        ],
        b"",
    );
    ok(&out);
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(
        summary.contains("4 documents too large to learn"),
        "{summary}"
    );
    let cleaned = std::fs::read_to_string(t.join("out.jsonl")).unwrap();
    assert_eq!(cleaned.lines().filter(|l| l.contains(&huge)).count(), 4);
    assert!(!cleaned.contains("Subscribe to the Daily Example"));
}
