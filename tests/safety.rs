//! Safe at scale: no hang, no clobbered input, no silent loss, nothing left
//! behind (issue 12). Each test failed on the code before the fix.

use crate::util::{bin, TempDir};
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

fn sample() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/sample/corpus.jsonl"
    ))
    .unwrap()
}

/// Wait for `child` at most `limit`; a hang is a failure, not a stuck test.
fn wait_or_kill(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("boilercut still running after {limit:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// 55 MB of records (the sample 30 times), optionally after `first`.
fn big_input(dir: &TempDir, first: &str) -> String {
    let s = sample();
    let mut data = Vec::with_capacity(s.len() * 30 + first.len());
    data.extend_from_slice(first.as_bytes());
    for _ in 0..30 {
        data.extend_from_slice(&s);
    }
    let p = dir.s("big.jsonl");
    std::fs::write(&p, data).unwrap();
    p
}

/// A model that cuts nothing, so `apply` starts writing at once.
fn empty_model(dir: &TempDir) -> String {
    let small = dir.s("one.jsonl");
    std::fs::write(&small, "{\"text\":\"one\"}\n").unwrap();
    let m = dir.s("empty.bcm");
    let out = bin()
        .args(["learn", &small, "-o", &m, "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    m
}

fn leftovers(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.contains("boilercut") {
            found.push(name);
        }
    }
    found
}

#[test]
fn early_errors_end_the_run_instead_of_hanging() {
    let dir = TempDir::new("hang");
    let big = big_input(&dir, "{\"broken\n");
    let limit = Duration::from_secs(120);
    // The exit status of a run that must end within the limit.
    let status = |args: &[&str]| {
        let mut child = bin().args(args).stderr(Stdio::piped()).spawn().unwrap();
        wait_or_kill(&mut child, limit).code()
    };
    // A bad first record under the default policy, in all three commands.
    assert_eq!(
        status(&["clean", &big, "-o", &dir.s("o.jsonl"), "-q"]),
        Some(2)
    );
    assert_eq!(
        status(&["learn", &big, "-o", &dir.s("m.bcm"), "-q"]),
        Some(2)
    );
    let model = empty_model(&dir);
    let apply = ["apply", "--model", &model, &big];
    assert_eq!(
        status(&[&apply[..], &["-o", &dir.s("o.jsonl"), "-q"]].concat()),
        Some(2)
    );
    // A write that fails at once: a full device.
    let full = [&apply[..], &["-o", "/dev/full", "-q", "--on-error", "skip"]].concat();
    assert_eq!(status(&full), Some(2));
    // A reader that closes the pipe after one byte.
    let mut child = bin()
        .args(["apply", "--model", &model, &big, "-o", "-", "-q"])
        .args(["--on-error", "skip"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut one = [0u8; 1];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut one).unwrap();
    drop(child.stdout.take());
    assert_eq!(wait_or_kill(&mut child, limit).code(), Some(0));
}

#[test]
fn outputs_never_overwrite_inputs_or_the_model() {
    let dir = TempDir::new("clobber");
    let input = dir.join("in.jsonl");
    std::fs::write(&input, sample()).unwrap();
    let run_in = |args: &[&str]| bin().args(args).current_dir(dir.join("")).output().unwrap();
    for args in [
        vec!["clean", "in.jsonl", "-o", "in.jsonl"],
        vec!["learn", "in.jsonl", "-o", "in.jsonl"],
        vec!["learn", "in.jsonl", "--shard-out", "in.jsonl"],
        vec!["clean", "./in.jsonl", "-o", "../clobber-link.jsonl"],
    ] {
        let _ = std::os::unix::fs::symlink(&input, dir.join("../clobber-link.jsonl"));
        let out = run_in(&args);
        let _ = std::fs::remove_file(dir.join("../clobber-link.jsonl"));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("overwrite"));
    }
    assert_eq!(std::fs::read(&input).unwrap(), sample());
    // The model given to apply is protected too.
    assert!(run_in(&["learn", "in.jsonl", "-o", "m.bcm", "-q"])
        .status
        .success());
    let model = std::fs::read(dir.join("m.bcm")).unwrap();
    let out = run_in(&["apply", "--model", "m.bcm", "in.jsonl", "-o", "m.bcm"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(dir.join("m.bcm")).unwrap(), model);
    // And merge's count files.
    assert!(run_in(&["learn", "in.jsonl", "--shard-out", "c.bcc", "-q"])
        .status
        .success());
    let out = run_in(&["merge", "c.bcc", "-o", "c.bcc"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn inputs_readable_once_are_spooled_not_lost() {
    let dir = TempDir::new("once");
    let input = dir.s("in.jsonl");
    std::fs::write(&input, sample()).unwrap();
    let reference = dir.s("ref.jsonl");
    let out = bin()
        .args([
            "clean",
            &input,
            "-o",
            &reference,
            "--group-field",
            "site",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let expected = std::fs::read(&reference).unwrap();
    // /dev/stdin on a pipe.
    let o = dir.s("o1.jsonl");
    let mut child = bin()
        .args([
            "clean",
            "/dev/stdin",
            "-o",
            &o,
            "--group-field",
            "site",
            "-q",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &sample()).unwrap();
    drop(child.stdin.take());
    assert!(wait_or_kill(&mut child, Duration::from_secs(60)).success());
    assert_eq!(std::fs::read(&o).unwrap(), expected);
    // A named FIFO (was: a hang on the second open).
    let fifo = dir.s("fifo.jsonl");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let o = dir.s("o2.jsonl");
    let mut child = bin()
        .args(["clean", &fifo, "-o", &o, "--group-field", "site", "-q"])
        .spawn()
        .unwrap();
    std::fs::write(&fifo, sample()).unwrap();
    assert!(wait_or_kill(&mut child, Duration::from_secs(60)).success());
    assert_eq!(std::fs::read(&o).unwrap(), expected);
}

#[test]
fn two_inputs_with_one_name_are_refused() {
    let dir = TempDir::new("samename");
    for d in ["c1", "c2"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
        std::fs::write(dir.join(d).join("x.jsonl"), sample()).unwrap();
    }
    let out = bin()
        .args([
            "clean",
            &dir.s("c1"),
            &dir.s("c2"),
            "-o",
            &dir.s("out/"),
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("both"));
    assert!(!dir.join("out/x.jsonl").exists());
}

#[test]
fn a_symlinked_output_gets_the_data_and_stays_a_link() {
    let dir = TempDir::new("symlink");
    let input = dir.s("in.jsonl");
    std::fs::write(&input, sample()).unwrap();
    std::fs::write(dir.join("real.jsonl"), b"old").unwrap();
    std::os::unix::fs::symlink("real.jsonl", dir.join("link.jsonl")).unwrap();
    let out = bin()
        .args(["clean", &input, "-o", &dir.s("link.jsonl"), "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(std::fs::symlink_metadata(dir.join("link.jsonl"))
        .unwrap()
        .file_type()
        .is_symlink());
    let got = std::fs::read(dir.join("real.jsonl")).unwrap();
    assert_eq!(got.iter().filter(|&&b| b == b'\n').count(), 600);
    // /dev/stdout redirected to a file is standard output.
    let f = std::fs::File::create(dir.join("stdout.jsonl")).unwrap();
    let out = bin()
        .args(["clean", &input, "-o", "/dev/stdout", "-q"])
        .stdout(f)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(std::fs::read(dir.join("stdout.jsonl")).unwrap(), got);
    assert!(leftovers(&dir.join("")).is_empty());
}

fn signal(pid: u32, sig: &str) {
    let st = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap();
    assert!(st.success());
}

/// Wait until `cond` holds (at most 60 s).
fn until(mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "condition never met"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn signals_remove_temporaries_and_exit_128_plus_signal() {
    let dir = TempDir::new("signals");
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let big = big_input(&dir, "");
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    // SIGTERM while the output is being written (spilling: a tiny budget).
    let mut child = bin()
        .args([
            "clean",
            &big,
            "-o",
            &dir.s("out/o.jsonl"),
            "--memory",
            "8M",
            "-q",
        ])
        .env("TMPDIR", &tmp)
        .spawn()
        .unwrap();
    until(|| !leftovers(&tmp).is_empty());
    signal(child.id(), "-TERM");
    let st = wait_or_kill(&mut child, Duration::from_secs(60));
    assert_eq!(st.code(), Some(143));
    assert!(leftovers(&tmp).is_empty(), "{:?}", leftovers(&tmp));
    assert!(leftovers(&out_dir).is_empty(), "{:?}", leftovers(&out_dir));
    // SIGINT while standard input is being spooled.
    let mut child = bin()
        .args(["clean", "-", "-o", &dir.s("out/o.jsonl"), "-q"])
        .env("TMPDIR", &tmp)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &sample()).unwrap();
    until(|| {
        std::fs::read_dir(&tmp)
            .unwrap()
            .flatten()
            .any(|d| std::fs::read_dir(d.path()).is_ok_and(|mut f| f.next().is_some()))
    });
    signal(child.id(), "-INT");
    let st = wait_or_kill(&mut child, Duration::from_secs(60));
    assert_eq!(st.code(), Some(130));
    assert!(leftovers(&tmp).is_empty(), "{:?}", leftovers(&tmp));
    assert!(!dir.join("out/o.jsonl").exists());
}

#[test]
fn lone_surrogates_pass_through_and_a_bom_is_tolerated() {
    let dir = TempDir::new("surrogate");
    let mut data = b"\xef\xbb\xbf".to_vec();
    data.extend_from_slice(&sample());
    data.extend_from_slice(b"{\"id\": \"s\", \"text\": \"cut emoji \\ud83d here\"}\n");
    let input = dir.s("in.jsonl");
    std::fs::write(&input, &data).unwrap();
    let o = dir.s("o.jsonl");
    let out = bin()
        .args(["clean", &input, "-o", &o, "--group-field", "site"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = std::fs::read_to_string(&o).unwrap();
    assert!(got.starts_with('\u{feff}'));
    assert_eq!(got.lines().count(), 601);
    assert!(got.ends_with("{\"id\": \"s\", \"text\": \"cut emoji \\ud83d here\"}\n"));
    // The first record (after the mark) was cleaned like the others.
    let plain = dir.s("plain.jsonl");
    std::fs::write(&plain, sample()).unwrap();
    let o2 = dir.s("o2.jsonl");
    assert!(bin()
        .args(["clean", &plain, "-o", &o2, "--group-field", "site", "-q"])
        .status()
        .unwrap()
        .success());
    let first = std::fs::read_to_string(&o2).unwrap();
    assert_eq!(
        got.trim_start_matches('\u{feff}').lines().next(),
        first.lines().next()
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 with a lone surrogate"));
}

#[test]
fn a_spans_field_that_collides_is_refused() {
    let dir = TempDir::new("spans");
    let input = dir.s("in.jsonl");
    std::fs::write(&input, sample()).unwrap();
    let o = dir.s("o.jsonl");
    for (args, code) in [
        (vec!["--spans-field", "text"], 1),
        (vec!["--spans-field", "site", "--group-field", "site"], 1),
        (vec!["--spans-field", "url", "--group-by-host", "url"], 1),
        // A field every record has.
        (vec!["--spans-field", "id"], 2),
    ] {
        let out = bin()
            .args(["clean", &input, "-o", &o, "-q"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        assert!(!Path::new(&o).exists());
    }
}

#[test]
fn silent_fallbacks_are_warned_and_counted() {
    let dir = TempDir::new("fallbacks");
    let input = dir.s("in.jsonl");
    std::fs::write(&input, sample()).unwrap();
    let o = dir.s("o.jsonl");
    // A group field no record has.
    let out = bin()
        .args(["clean", &input, "-o", &o, "--group-field", "nope"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("all 600 documents have no value in the group field \"nope\""),
        "{err}"
    );
    // Applied to groups the model does not know.
    let m = dir.s("m.bcm");
    assert!(bin()
        .args(["learn", &input, "-o", &m, "--group-field", "site", "-q"])
        .status()
        .unwrap()
        .success());
    let out = bin()
        .args(["apply", "--model", &m, &input, "-o", &o])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("groups that the model has never seen"),
        "{err}"
    );
    // Groups too small to learn a template.
    let small = dir.s("small.jsonl");
    std::fs::write(
        &small,
        "{\"site\":\"a\",\"text\":\"one two three\"}\n{\"site\":\"b\",\"text\":\"four five\"}\n",
    )
    .unwrap();
    let out = bin()
        .args(["clean", &small, "-o", &o, "--group-field", "site"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 documents in 2 groups too small to learn")
    );
    // Documents cut to nothing are counted.
    let mut same = String::new();
    for i in 0..8 {
        same.push_str(&format!(
            "{{\"id\":{i},\"text\":\"Subscribe to our newsletter for the best stories every morning.\"}}\n"
        ));
    }
    std::fs::write(&small, same).unwrap();
    let out = bin().args(["clean", &small, "-o", &o]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // Exact duplicates count once, so nothing is frequent and nothing is
    // emptied; either way the summary must say what happened.
    assert!(
        err.contains("cut to nothing") || err.contains("removed 0 B"),
        "{err}"
    );
}

#[test]
fn unsupported_compression_and_folder_rules() {
    let dir = TempDir::new("compression");
    let input = dir.s("in.jsonl.bz2");
    std::fs::write(&input, b"BZh91AY&SY fake bzip2 stream").unwrap();
    let out = bin()
        .args(["clean", &input, "-o", &dir.s("o.jsonl")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bzip2-compressed input is not supported")
    );
    // In a folder: the same file is refused, not skipped.
    std::fs::create_dir_all(dir.join("d")).unwrap();
    std::fs::rename(&input, dir.join("d/in.jsonl.bz2")).unwrap();
    let out = bin()
        .args(["clean", &dir.s("d"), "-o", &dir.s("out1")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_file(dir.join("d/in.jsonl.bz2")).unwrap();
    // .json.zst, a symlinked folder, a FIFO and another name: read, read,
    // skipped and counted, skipped and counted.
    let rec = b"{\"text\":\"hello there\"}\n";
    std::fs::write(
        dir.join("d/a.json.zst"),
        zstd::encode_all(&rec[..], 3).unwrap(),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("elsewhere")).unwrap();
    std::fs::write(dir.join("elsewhere/b.jsonl"), rec).unwrap();
    std::os::unix::fs::symlink(dir.join("elsewhere"), dir.join("d/linked")).unwrap();
    std::fs::write(dir.join("d/notes.md"), b"x").unwrap();
    assert!(std::process::Command::new("mkfifo")
        .arg(dir.join("d/pipe.jsonl"))
        .status()
        .unwrap()
        .success());
    let out = bin()
        .args(["clean", &dir.s("d"), "-o", &dir.s("out2")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("out2/a.json.zst").exists());
    assert!(dir.join("out2/linked/b.jsonl").exists());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cleaned 2 documents"), "{err}");
    assert!(
        err.contains("2 files in input folders were not read"),
        "{err}"
    );
    // -j has a bound.
    let out = bin()
        .args(["clean", &dir.s("d"), "-o", &dir.s("out3"), "-j", "8000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}
