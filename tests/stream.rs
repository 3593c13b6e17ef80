//! `boilercut stream`: every record out exactly once, in site order;
//! `--state` restarts equal one run; bad input as in batch; closed pipes.

use crate::util::{bin, close_stdout_early, ok, run, TempDir};
use std::collections::HashMap;
use std::io::Write;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/sample/corpus.jsonl");

fn ids(out: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap_or(serde_json::Value::Null);
            (
                v["id"].as_str().unwrap_or(l).to_string(),
                v["site"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The sample corpus with records that have nothing to clean mixed in.
fn input() -> String {
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let mut s = String::new();
    for (i, l) in sample.lines().enumerate() {
        s.push_str(l);
        s.push('\n');
        if i % 97 == 5 {
            s.push_str(&format!("{{\"id\": \"notext-{i}\", \"site\": \"x\"}}\n"));
        }
    }
    s
}

#[test]
fn every_record_comes_out_once_in_site_order() {
    let data = input();
    let out = run(
        &["stream", "-o", "-", "--group-field", "site", "-q"],
        data.as_bytes(),
    );
    ok(&out);
    let got = ids(&out.stdout);
    let want = ids(data.as_bytes());
    assert_eq!(got.len(), want.len());
    let mut a = got.clone();
    let mut b = want.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "every record exactly once");
    // Within a site, input order.
    let per_site = |v: &[(String, String)]| {
        let mut m: HashMap<String, Vec<String>> = HashMap::new();
        for (id, site) in v {
            m.entry(site.clone()).or_default().push(id.clone());
        }
        m
    };
    assert_eq!(per_site(&got), per_site(&want));
    // Held records make the order differ from the input's.
    assert_ne!(got, want);
    // A file output holds the same bytes; the boilerplate is gone.
    let dir = TempDir::new("stream-file");
    let file = dir.s("out.jsonl");
    let o = run(
        &["stream", "-o", &file, "--group-field", "site", "-q"],
        data.as_bytes(),
    );
    ok(&o);
    assert_eq!(std::fs::read(&file).unwrap(), out.stdout);
    let eval = run(
        &[
            "eval",
            "--labels",
            concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/sample/labels.jsonl"),
            &file,
            "--json",
        ],
        b"",
    );
    ok(&eval);
    let v: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    assert!(v["f1"].as_f64().unwrap() > 0.93, "{v}");
    assert!(v["article_lost"].as_f64().unwrap() < 0.001, "{v}");
}

#[test]
fn state_restart_equals_one_run() {
    let data = input();
    let lines: Vec<&str> = data.lines().collect();
    let half = lines.len() / 2;
    let first = lines[..half].join("\n") + "\n";
    let rest = lines[half..].join("\n") + "\n";
    let dir = TempDir::new("stream-state");
    let state = dir.s("state.bcs");
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "stream",
            "-o",
            "-",
            "--group-field",
            "site",
            "-q",
            "--spans-field",
            "cut",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let whole = run(
        &args(&[]).iter().map(String::as_str).collect::<Vec<_>>(),
        data.as_bytes(),
    );
    ok(&whole);
    let a1 = args(&[
        "--state",
        &state,
        "--keep-held",
        "--state-every",
        "50",
        "--once-filter",
        "1M",
    ]);
    let one = run(
        &a1.iter().map(String::as_str).collect::<Vec<_>>(),
        first.as_bytes(),
    );
    ok(&one);
    assert!(std::fs::metadata(&state).unwrap().len() > 1000);
    let a2 = args(&["--state", &state, "--once-filter", "1M"]);
    let two = run(
        &a2.iter().map(String::as_str).collect::<Vec<_>>(),
        rest.as_bytes(),
    );
    ok(&two);
    let mut joined = one.stdout.clone();
    joined.extend_from_slice(&two.stdout);
    assert!(
        joined == whole.stdout,
        "run half, save, load, run the rest = one run"
    );
    // No temporary left beside the state.
    let left: Vec<_> = std::fs::read_dir(dir.join(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["state.bcs"]);
    // A damaged state is refused, nothing written.
    let mut bytes = std::fs::read(&state).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&state, &bytes).unwrap();
    let bad = run(
        &a2.iter().map(String::as_str).collect::<Vec<_>>(),
        rest.as_bytes(),
    );
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("state.bcs") && err.contains("checksum"),
        "{err}"
    );
    assert!(bad.stdout.is_empty());
}

#[test]
fn bad_records_follow_the_policy() {
    let dir = TempDir::new("stream-bad");
    let good = r#"{"id": 1, "site": "a", "text": "Fine text here."}"#;
    let data = format!("{good}\n{good}\n\n{{\"id\": 99, \"text\": \"broken\n{good}\n");
    std::fs::write(dir.join("in.jsonl"), &data).unwrap();
    let out_path = dir.s("out.jsonl");
    let o = run(
        &[
            "stream",
            &dir.s("in.jsonl"),
            "-o",
            &out_path,
            "--group-field",
            "site",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("in.jsonl:4: invalid JSON"), "{err}");
    assert!(!dir.join("out.jsonl").exists());
    let leftovers = std::fs::read_dir(dir.join("")).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary left");
    let o = run(
        &[
            "stream",
            &dir.s("in.jsonl"),
            "-o",
            "-",
            "--on-error",
            "skip",
        ],
        b"",
    );
    ok(&o);
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 4);
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 skipped"));
    let o = run(
        &[
            "stream",
            &dir.s("in.jsonl"),
            "-o",
            "-",
            "--on-error",
            "keep",
            "-q",
        ],
        b"",
    );
    ok(&o);
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 5);
    // Usage errors: exit 1.
    let o = run(&["stream", "-o", "-", "--hold-pages", "0"], b"");
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["stream", "-o", "-", "--keep-held"], b"");
    assert_eq!(o.status.code(), Some(1));
    // The output may be neither an input nor the state file (even one not
    // written yet).
    let st = dir.s("s.bcs");
    let o = run(
        &["stream", &dir.s("in.jsonl"), "-o", &st, "--state", &st],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("state file"));
    let o = run(
        &["stream", &dir.s("in.jsonl"), "-o", &dir.s("in.jsonl")],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(dir.join("in.jsonl")).unwrap(), data);
}

#[test]
fn closed_pipes_end_quietly() {
    // Output closed early.
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let input = sample.repeat(8);
    let out = close_stdout_early(
        &["stream", "-", "-o", "-", "-q", "--group-field", "site"],
        input,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Input closed: what was read is written, held records flushed.
    let some: String = sample.lines().take(5).map(|l| format!("{l}\n")).collect();
    let o = run(
        &["stream", "-o", "-", "-q", "--group-field", "site"],
        some.as_bytes(),
    );
    ok(&o);
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 5);
}

/// Records are written while the input is still open: a site that has
/// reached --hold-pages is cleaned and written before the next line comes.
#[test]
fn records_go_out_before_the_input_ends() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let site_a: Vec<&str> = sample
        .lines()
        .filter(|l| l.contains("\"site\": \"mountaincourier.example\""))
        .take(6)
        .collect();
    assert_eq!(site_a.len(), 6);
    let mut child = bin()
        .args([
            "stream",
            "-o",
            "-",
            "-q",
            "--group-field",
            "site",
            "--hold-pages",
            "4",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for l in &site_a[..4] {
        writeln!(stdin, "{l}").unwrap();
    }
    stdin.flush().unwrap();
    // Four records out while stdin is still open.
    let mut line = String::new();
    for _ in 0..4 {
        line.clear();
        stdout.read_line(&mut line).unwrap();
        assert!(line.contains("mountaincourier"), "{line}");
    }
    writeln!(stdin, "{}", site_a[4]).unwrap();
    stdin.flush().unwrap();
    line.clear();
    stdout.read_line(&mut line).unwrap();
    assert!(line.contains("mountaincourier"));
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
