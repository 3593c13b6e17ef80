//! The command line through the real binary: every form of `clean`,
//! `learn` + `apply`, `eval`, text folders, compression, errors.

use crate::util::{close_stdout_early, ok, run, seed_like_articles, words, TempDir};
use serde_json::Value;
use std::io::Write;

/// JSONL records in the seed's pattern for two sites, with extra fields
/// whose bytes must survive untouched.
fn fixture_jsonl() -> (String, Vec<String>) {
    let mut lines = Vec::new();
    let mut articles = Vec::new();
    for (i, (doc, article)) in seed_like_articles().into_iter().enumerate() {
        for site in ["ledger.example", "other.example"] {
            let rec = format!(
                r#"{{"id": "{site}-{i}", "n": 1.50e2, "url": "https://www.{site}/a/{i}", "text": {}, "site": "{site}", "esc": "\u00e9\/"}}"#,
                serde_json::to_string(&doc).unwrap()
            );
            lines.push(rec);
            articles.push(article.clone());
        }
    }
    (lines.join("\n") + "\n", articles)
}

fn parse_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn clean_file_to_file_keeps_records_and_other_fields() {
    let t = TempDir::new("clean-file");
    let (input, articles) = fixture_jsonl();
    std::fs::write(t.join("in.jsonl"), &input).unwrap();
    let out = run(
        &[
            "clean",
            &t.s("in.jsonl"),
            "-o",
            &t.s("out.jsonl"),
            "--group-field",
            "site",
            "--spans-field",
            "cut",
            "-q",
        ],
        b"",
    );
    ok(&out);
    let got = std::fs::read_to_string(t.join("out.jsonl")).unwrap();
    let (ins, outs) = (
        input.lines().collect::<Vec<_>>(),
        got.lines().collect::<Vec<_>>(),
    );
    assert_eq!(ins.len(), outs.len());
    for ((i, o), article) in ins.iter().zip(&outs).zip(&articles) {
        let (vi, vo) = (
            serde_json::from_str::<Value>(i).unwrap(),
            serde_json::from_str::<Value>(o).unwrap(),
        );
        assert_eq!(words(vo["text"].as_str().unwrap()), words(article));
        // Every other field is byte-for-byte what it was, in the same order.
        assert!(
            o.starts_with(r#"{"id": ""#) && o.contains(r#""n": 1.50e2, "url""#),
            "{o}"
        );
        assert!(o.contains(r#""esc": "\u00e9\/""#), "{o}");
        assert_eq!(vi["id"], vo["id"]);
        // The reported spans delete exactly what is gone.
        let text = vi["text"].as_str().unwrap();
        let mut rebuilt = String::new();
        let mut at = 0;
        for s in vo["cut"].as_array().unwrap() {
            let (a, b) = (
                s[0].as_u64().unwrap() as usize,
                s[1].as_u64().unwrap() as usize,
            );
            rebuilt.push_str(&text[at..a]);
            at = b;
        }
        rebuilt.push_str(&text[at..]);
        assert_eq!(rebuilt, vo["text"].as_str().unwrap());
    }
    // The summary goes to stderr only when not quiet; stdout stays empty.
    assert!(out.stdout.is_empty());
}

#[test]
fn stdin_to_stdout_and_summary_on_stderr() {
    let (input, articles) = fixture_jsonl();
    let out = run(
        &["clean", "-", "-o", "-", "--group-by-host", "url"],
        input.as_bytes(),
    );
    ok(&out);
    let recs = parse_lines(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(recs.len(), articles.len());
    for (r, a) in recs.iter().zip(&articles) {
        assert_eq!(words(r["text"].as_str().unwrap()), words(a));
    }
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("cleaned 12 documents in 2 groups"), "{err}");
    assert!(err.contains("ledger.example"), "{err}");
}

/// `-o` naming a device or a named pipe writes into it: an output written
/// beside its target and renamed would replace `/dev/null` with a file.
#[cfg(unix)]
#[test]
fn output_to_a_named_pipe_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let t = TempDir::new("fifo-out");
    let (input, articles) = fixture_jsonl();
    std::fs::write(t.join("in.jsonl"), &input).unwrap();
    let fifo = t.join("out.pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = run(
        &[
            "clean",
            &t.s("in.jsonl"),
            "-o",
            &fifo.to_string_lossy(),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    );
    ok(&out);
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the named pipe was replaced: {kind:?}");
    let got = parse_lines(&reader.join().unwrap());
    assert_eq!(got.len(), articles.len());
    for (r, a) in got.iter().zip(&articles) {
        assert_eq!(words(r["text"].as_str().unwrap()), words(a));
    }
}

#[test]
fn learn_then_apply_equals_clean() {
    let t = TempDir::new("learn-apply");
    let (input, _) = fixture_jsonl();
    std::fs::write(t.join("in.jsonl"), &input).unwrap();
    ok(&run(
        &[
            "clean",
            &t.s("in.jsonl"),
            "-o",
            &t.s("a.jsonl"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    ));
    ok(&run(
        &[
            "learn",
            &t.s("in.jsonl"),
            "-o",
            &t.s("model.bcm"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    ));
    ok(&run(
        &[
            "apply",
            "--model",
            &t.s("model.bcm"),
            &t.s("in.jsonl"),
            "-o",
            &t.s("b.jsonl"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    ));
    assert_eq!(
        std::fs::read(t.join("a.jsonl")).unwrap(),
        std::fs::read(t.join("b.jsonl")).unwrap()
    );
    // A damaged model is refused with exit status 2.
    let mut m = std::fs::read(t.join("model.bcm")).unwrap();
    m.truncate(m.len() - 3);
    std::fs::write(t.join("bad.bcm"), m).unwrap();
    let out = run(
        &[
            "apply",
            "--model",
            &t.s("bad.bcm"),
            &t.s("in.jsonl"),
            "-o",
            &t.s("c.jsonl"),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("damaged model file"));
    assert!(!t.join("c.jsonl").exists());
}

#[test]
fn compressed_inputs_and_directory_output_mirror_names() {
    let t = TempDir::new("dirs");
    let (input, articles) = fixture_jsonl();
    std::fs::create_dir_all(t.join("in/sub")).unwrap();
    let half = input.lines().count() / 2;
    let (a, b): (Vec<&str>, Vec<&str>) = (
        input.lines().take(half).collect(),
        input.lines().skip(half).collect(),
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all((a.join("\n") + "\n").as_bytes()).unwrap();
    std::fs::write(t.join("in/part1.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let zst = zstd::encode_all((b.join("\n") + "\n").as_bytes(), 3).unwrap();
    std::fs::write(t.join("in/sub/part2.jsonl.zst"), zst).unwrap();
    std::fs::write(t.join("in/notes.md"), "not data").unwrap();
    ok(&run(
        &[
            "clean",
            &t.s("in"),
            "-o",
            &t.s("out"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    ));
    let one = String::from_utf8(
        std::fs::read(t.join("out/part1.jsonl.gz"))
            .map(|d| {
                let mut s = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&d[..]), &mut s)
                    .unwrap();
                s
            })
            .unwrap(),
    )
    .unwrap();
    let two = String::from_utf8(
        zstd::decode_all(&std::fs::read(t.join("out/sub/part2.jsonl.zst")).unwrap()[..]).unwrap(),
    )
    .unwrap();
    let recs: Vec<Value> = parse_lines(&one)
        .into_iter()
        .chain(parse_lines(&two))
        .collect();
    assert_eq!(recs.len(), articles.len());
    for (r, a) in recs.iter().zip(&articles) {
        assert_eq!(words(r["text"].as_str().unwrap()), words(a));
    }
    assert!(!t.join("out/notes.md").exists());
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(t.join("out"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn folder_of_text_files_one_document_per_file() {
    let t = TempDir::new("txt");
    let docs = seed_like_articles();
    for sub in ["ledger", "other"] {
        std::fs::create_dir_all(t.join(&format!("in/{sub}"))).unwrap();
        for (i, (doc, _)) in docs.iter().enumerate() {
            std::fs::write(t.join(&format!("in/{sub}/{i:03}.txt")), doc).unwrap();
        }
    }
    ok(&run(&["clean", &t.s("in"), "-o", &t.s("out"), "-q"], b""));
    for sub in ["ledger", "other"] {
        for (i, (_, article)) in docs.iter().enumerate() {
            let got = std::fs::read_to_string(t.join(&format!("out/{sub}/{i:03}.txt"))).unwrap();
            assert_eq!(words(&got), words(article), "{got}");
        }
    }
}

#[test]
fn bad_records_follow_the_policy() {
    let t = TempDir::new("bad");
    let (input, _) = fixture_jsonl();
    let mut lines: Vec<String> = input.lines().map(String::from).collect();
    lines.insert(3, "{\"id\": 99, \"text\": \"broken".into());
    lines.insert(5, "{\"id\": 98, \"text\": null, \"site\": \"x\"}".into());
    lines.insert(6, String::new());
    let data = lines.join("\n") + "\n";
    std::fs::write(t.join("in.jsonl"), &data).unwrap();
    std::fs::write(t.join("out.jsonl"), "previous output\n").unwrap();

    let out = run(
        &[
            "clean",
            &t.s("in.jsonl"),
            "-o",
            &t.s("out.jsonl"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("boilercut: {}:4: invalid JSON", t.s("in.jsonl"))),
        "{err}"
    );
    // The previous output is untouched.
    assert_eq!(
        std::fs::read_to_string(t.join("out.jsonl")).unwrap(),
        "previous output\n"
    );

    let out = run(
        &[
            "clean",
            &t.s("in.jsonl"),
            "-o",
            &t.s("skip.jsonl"),
            "--group-field",
            "site",
            "--on-error",
            "skip",
        ],
        b"",
    );
    ok(&out);
    let got = std::fs::read_to_string(t.join("skip.jsonl")).unwrap();
    assert_eq!(got.lines().count(), lines.len() - 1);
    assert!(got.contains("{\"id\": 98, \"text\": null, \"site\": \"x\"}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 without a string text field")
            && err.contains("1 blank lines")
            && err.contains("1 skipped"),
        "{err}"
    );

    ok(&run(
        &[
            "clean",
            &t.s("in.jsonl"),
            "-o",
            &t.s("keep.jsonl"),
            "--group-field",
            "site",
            "--on-error",
            "keep",
            "-q",
        ],
        b"",
    ));
    let got = std::fs::read_to_string(t.join("keep.jsonl")).unwrap();
    assert_eq!(got.lines().count(), lines.len());
    assert_eq!(got.lines().nth(3), Some("{\"id\": 99, \"text\": \"broken"));
}

#[test]
fn usage_errors_exit_1() {
    assert_eq!(run(&["clean"], b"").status.code(), Some(1));
    assert_eq!(
        run(&["clean", "x.jsonl", "-o", "y", "--min-docs", "1"], b"")
            .status
            .code(),
        Some(1)
    );
    assert_eq!(run(&["frobnicate"], b"").status.code(), Some(1));
    let help = run(&["--help"], b"");
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("Exit status: 0 success; 1 usage error; 2 data or I/O error"),
        "{text}"
    );
    let out = run(&["clean", "/nonexistent/in.jsonl", "-o", "-"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/in.jsonl: cannot read"));
}

#[test]
fn closed_stdout_pipe_ends_quietly() {
    let line = r#"{"text": "Some words that repeat in every document of this corpus here."}"#;
    let input = (line.to_string() + "\n").repeat(200_000);
    let out = close_stdout_early(&["clean", "-", "-o", "-", "-q"], input);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The README's main command runs as written on the shipped sample, and the
/// sample's labels score well: a quality regression test.
#[test]
fn readme_command_and_sample_quality() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let cmd = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- clean"))
        .expect("README gives the main command");
    assert!(
        readme.lines().any(|l| l.trim() == "./test.sh"),
        "README gives the test command"
    );
    let t = TempDir::new("readme");
    let args: Vec<String> = cmd
        .trim_start_matches("cargo run --release -- ")
        .split_whitespace()
        .map(|a| {
            if a.starts_with("/tmp/") {
                t.s("out.jsonl")
            } else {
                a.to_string()
            }
        })
        .collect();
    let root = env!("CARGO_MANIFEST_DIR");
    let args: Vec<String> = args
        .into_iter()
        .map(|a| {
            if a.starts_with("corpus/") {
                format!("{root}/{a}")
            } else {
                a
            }
        })
        .collect();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&run(&argv, b""));
    let out = run(
        &[
            "eval",
            "--labels",
            &format!("{root}/corpus/sample/labels.jsonl"),
            &t.s("out.jsonl"),
            "--json",
        ],
        b"",
    );
    ok(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (f1, lost) = (
        v["f1"].as_f64().unwrap(),
        v["article_lost"].as_f64().unwrap(),
    );
    assert!(f1 >= 0.96, "F1 {f1}");
    assert!(lost <= 0.003, "article words lost {lost}");
}

/// Issue 4: count files of shards merge into the model of one run, byte for
/// byte, whatever the order; a tiny memory budget spills and changes nothing.
#[test]
fn shards_merge_to_the_same_model_and_tiny_memory_changes_nothing() {
    let t = TempDir::new("shards");
    let (input, _) = fixture_jsonl();
    let lines: Vec<&str> = input.lines().collect();
    std::fs::write(t.join("all.jsonl"), &input).unwrap();
    std::fs::write(t.join("a.jsonl"), lines[..5].join("\n") + "\n").unwrap();
    std::fs::write(t.join("b.jsonl"), lines[5..].join("\n") + "\n").unwrap();
    ok(&run(
        &[
            "learn",
            &t.s("all.jsonl"),
            "-o",
            &t.s("one.bcm"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    ));
    ok(&run(
        &[
            "learn",
            "--shard-out",
            &t.s("a.cnt"),
            &t.s("a.jsonl"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    ));
    ok(&run(
        &[
            "learn",
            "--shard-out",
            &t.s("b.cnt"),
            &t.s("b.jsonl"),
            "--group-field",
            "site",
            "-q",
            "--memory",
            "1K",
        ],
        b"",
    ));
    ok(&run(
        &[
            "merge",
            &t.s("b.cnt"),
            &t.s("a.cnt"),
            "-o",
            &t.s("merged.bcm"),
            "-q",
        ],
        b"",
    ));
    let one = std::fs::read(t.join("one.bcm")).unwrap();
    assert_eq!(std::fs::read(t.join("merged.bcm")).unwrap(), one);

    ok(&run(
        &[
            "clean",
            &t.s("all.jsonl"),
            "-o",
            &t.s("big.jsonl"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    ));
    let out = run(
        &[
            "clean",
            &t.s("all.jsonl"),
            "-o",
            &t.s("tiny.jsonl"),
            "--group-field",
            "site",
            "--memory",
            "1K",
        ],
        b"",
    );
    ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("spilled to disk"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(t.join("big.jsonl")).unwrap(),
        std::fs::read(t.join("tiny.jsonl")).unwrap()
    );
    // A damaged count file stops the merge with status 2 and no model.
    let mut cnt = std::fs::read(t.join("a.cnt")).unwrap();
    cnt.truncate(cnt.len() / 2);
    std::fs::write(t.join("bad.cnt"), cnt).unwrap();
    let out = run(
        &[
            "merge",
            &t.s("bad.cnt"),
            &t.s("b.cnt"),
            "-o",
            &t.s("bad.bcm"),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!t.join("bad.bcm").exists());
}

/// Safe at scale, items 7 and 10: `merge` refuses the same count file twice
/// and shards read with other fields, naming the files, and warns loudly
/// about documents counted in more than one shard.
#[test]
fn merge_names_refused_files_and_warns_about_shared_documents() {
    let t = TempDir::new("merge-refuse");
    let (input, _) = fixture_jsonl();
    let lines: Vec<&str> = input.lines().collect();
    std::fs::write(t.join("a.jsonl"), lines[..6].join("\n") + "\n").unwrap();
    std::fs::write(t.join("b.jsonl"), lines[4..].join("\n") + "\n").unwrap();
    let shard = |input: &str, out: &str, group: &str| {
        ok(&run(
            &[
                "learn",
                "--shard-out",
                &t.s(out),
                &t.s(input),
                "--group-field",
                group,
                "-q",
            ],
            b"",
        ))
    };
    shard("a.jsonl", "a.cnt", "site");
    shard("b.jsonl", "b.cnt", "site");
    shard("b.jsonl", "b-by-id.cnt", "id");
    let merge = |files: &[&str]| {
        let mut args = vec!["merge".to_string()];
        args.extend(files.iter().map(|f| t.s(f)));
        args.extend(["-o".to_string(), t.s("m.bcm"), "-q".to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, b"")
    };
    let out = merge(&["a.cnt", "b.cnt", "a.cnt"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("a.cnt and ") && err.contains("same content"),
        "{err}"
    );
    let out = merge(&["a.cnt", "b-by-id.cnt"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("b-by-id.cnt") && err.contains("group=field:id"),
        "{err}"
    );
    assert!(!t.join("m.bcm").exists());
    // Lines 4 and 5 are in both shards: merged, with a warning even with -q.
    let out = merge(&["a.cnt", "b.cnt"]);
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("WARNING: 2 documents were in more than one count file")
            && err.contains("by group"),
        "{err}"
    );
    // The model knows how its inputs were read: `apply` with other fields
    // warns (and still runs).
    let out = run(
        &[
            "apply",
            "--model",
            &t.s("m.bcm"),
            &t.s("a.jsonl"),
            "-o",
            &t.s("applied.jsonl"),
            "-q",
        ],
        b"",
    );
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"text=text;group=field:site\", these are read as \"text=text;group=none\""),
        "{err}"
    );
}

/// Safe at scale, item 7: a page present four times in its group (the same
/// text under other ids) was cut to "" in every copy. Exact copies count
/// once: the copies keep their text, the summary counts them, and a tiny
/// memory budget gives the same output.
#[test]
fn exact_copies_of_a_page_are_not_emptied() {
    let t = TempDir::new("copies");
    let (input, _) = fixture_jsonl();
    let page = "Ferry fares will rise next month, the harbour board said on Monday.";
    let mut all = input.clone();
    for i in 0..5 {
        all.push_str(&format!(
            "{{\"id\": \"copy-{i}\", \"site\": \"ledger.example\", \"text\": \"{page}\"}}\n"
        ));
    }
    std::fs::write(t.join("in.jsonl"), &all).unwrap();
    let clean = |out: &str, memory: &str| {
        let o = run(
            &[
                "clean",
                &t.s("in.jsonl"),
                "-o",
                &t.s(out),
                "--group-field",
                "site",
                "--memory",
                memory,
            ],
            b"",
        );
        ok(&o);
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let summary = clean("out.jsonl", "1.5G");
    assert!(summary.contains("4 exact copies counted once"), "{summary}");
    let out = std::fs::read_to_string(t.join("out.jsonl")).unwrap();
    let copies: Vec<&str> = out.lines().filter(|l| l.contains("copy-")).collect();
    assert_eq!(copies.len(), 5);
    for c in copies {
        assert!(c.contains(page), "{c}");
    }
    clean("tiny.jsonl", "1K");
    assert_eq!(out, std::fs::read_to_string(t.join("tiny.jsonl")).unwrap());
}

/// A hand-made gold fixture: (original records, output records) with known
/// answers. Site a: the menu is removed, the cookie line kept. Site b: a cut
/// through `iPod` takes two article words with the sign-up line.
fn gold_fixture() -> (Vec<Value>, Vec<Value>) {
    let texts = [
        (
            "p1",
            "a",
            "Menu Home News\nThe mayor opened the bridge.\nCookies help us.",
            "The mayor opened the bridge.",
            "The mayor opened the bridge.\nCookies help us.",
        ),
        (
            "p2",
            "b",
            "Buy the iPod now. Sign up today",
            "Buy the iPod now.",
            "Buy the i",
        ),
    ];
    let mut orig = Vec::new();
    let mut out = Vec::new();
    for (id, site, text, gold, cleaned) in texts {
        let start = text.find(cleaned).unwrap();
        let mut cut = Vec::new();
        if start > 0 {
            cut.push(serde_json::json!([0, start]));
        }
        if start + cleaned.len() < text.len() {
            cut.push(serde_json::json!([start + cleaned.len(), text.len()]));
        }
        orig.push(serde_json::json!({"id": id, "site": site, "text": text, "gold_article": gold}));
        out.push(serde_json::json!({"id": id, "site": site, "text": cleaned, "cut": cut}));
    }
    (orig, out)
}

fn write_jsonl(path: &std::path::Path, records: &[Value]) {
    let s: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, s).unwrap();
}

#[test]
fn eval_gold_field_scores_known_answers() {
    let t = TempDir::new("eval-gold");
    let (orig, out) = gold_fixture();
    write_jsonl(&t.join("in.jsonl"), &orig);
    write_jsonl(&t.join("out.jsonl"), &out);
    let mut reversed = out.clone();
    reversed.reverse();
    write_jsonl(&t.join("reversed.jsonl"), &reversed);
    let base = [
        "eval",
        "--gold-field",
        "gold_article",
        "--original",
        &t.s("in.jsonl"),
    ];
    let score = |extra: &[&str]| -> Value {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let o = run(&args, b"");
        ok(&o);
        serde_json::from_slice(&o.stdout).unwrap()
    };
    // Article words: 5 + 5 (`iPod` is two words), 8 kept; boilerplate
    // 6 + 3, 6 removed; removed words 8. One cut edge inside a token.
    let expect = |v: &Value| {
        assert_eq!(v["docs"], 2);
        assert_eq!(
            (v["article_words"].clone(), v["article_kept"].clone()),
            (10.into(), 8.into())
        );
        assert_eq!(
            (
                v["boilerplate_words"].clone(),
                v["boilerplate_removed"].clone()
            ),
            (9.into(), 6.into())
        );
        assert_eq!(v["removed_words"], 8);
        assert_eq!(v["precision"].as_f64().unwrap(), 0.75);
        assert!((v["recall"].as_f64().unwrap() - 6.0 / 9.0).abs() < 1e-12);
        assert_eq!(
            (v["spans"].clone(), v["spans_inside_token"].clone()),
            (2.into(), 1.into())
        );
    };
    // By line order, by id (records in another order), from removed ranges.
    expect(&score(&[&t.s("out.jsonl"), "--json"]));
    expect(&score(&[
        &t.s("reversed.jsonl"),
        "--id-field",
        "id",
        "--json",
    ]));
    let v = score(&[&t.s("out.jsonl"), "--spans-field", "cut", "--json"]);
    expect(&v);

    // Per-group rows as TSV and JSONL, and the cut edges.
    let pg = t.s("sites.tsv");
    let pj = t.s("sites.jsonl");
    let edges = t.s("edges.jsonl");
    let o = run(
        &[
            base.as_slice(),
            &[
                &t.s("out.jsonl"),
                "--group-field",
                "site",
                "--per-group",
                &pg,
                "--cut-edges",
                &edges,
            ],
        ]
        .concat(),
        b"",
    );
    ok(&o);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("article words kept"), "{text}");
    assert!(text.contains("| b | 1 | 60.00% | 100.00% |"), "{text}");
    let tsv = std::fs::read_to_string(&pg).unwrap();
    let rows: Vec<Vec<&str>> = tsv.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][0], "group");
    let col = |name: &str| rows[0].iter().position(|c| *c == name).unwrap();
    assert_eq!(rows[1][col("group")], "a");
    assert_eq!(rows[1][col("recall")], "0.5000");
    assert_eq!(rows[2][col("article_kept_share")], "0.6000");
    assert_eq!(rows[2][col("spans_inside_token")], "1");
    let e = parse_lines(&std::fs::read_to_string(&edges).unwrap());
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0]["token"].as_str(), e[0]["at"].as_u64()),
        (Some("iPod"), Some(1))
    );
    assert_eq!(e[0]["id"], "p2");
    ok(&run(
        &[
            base.as_slice(),
            &[
                &t.s("out.jsonl"),
                "--group-field",
                "site",
                "--per-group",
                &pj,
            ],
        ]
        .concat(),
        b"",
    ));
    let sites = parse_lines(&std::fs::read_to_string(&pj).unwrap());
    assert_eq!(sites[1]["group"], "b");
    assert_eq!(sites[1]["article_kept"], 3);
}

#[test]
fn eval_gold_field_errors() {
    let t = TempDir::new("eval-gold-err");
    let (orig, out) = gold_fixture();
    write_jsonl(&t.join("in.jsonl"), &orig);
    write_jsonl(&t.join("short.jsonl"), &out[..1]);
    // Fewer output records than originals, matched by line: a data error.
    let o = run(
        &[
            "eval",
            "--gold-field",
            "gold_article",
            "--original",
            &t.s("in.jsonl"),
            &t.s("short.jsonl"),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("fewer records"));
    // Matched by id, the missing record counts as removed whole.
    let o = run(
        &[
            "eval",
            "--gold-field",
            "gold_article",
            "--original",
            &t.s("in.jsonl"),
            &t.s("short.jsonl"),
            "--id-field",
            "id",
            "--json",
        ],
        b"",
    );
    ok(&o);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["missing_docs"].clone(), v["article_kept"].clone()),
        (1.into(), 5.into())
    );
    // Usage: --gold-field needs --original; --labels excludes both.
    let o = run(&["eval", "--gold-field", "g", &t.s("short.jsonl")], b"");
    assert_eq!(o.status.code(), Some(1));
    let o = run(
        &[
            "eval",
            "--labels",
            "x",
            "--gold-field",
            "g",
            "--original",
            "y",
            "z",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
}
