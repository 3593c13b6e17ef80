//! Reporting: counts of a run, the end summary, progress on a terminal, and
//! the `eval` command's tables.

use super::input::Skipped;
use super::pipeline::Options;
use anyhow::{Context, Result};
use boilercut::eval::{Score, KEEP_PREFIX};
use boilercut::Model;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Default, Debug, Clone, Copy)]
pub struct GroupStats {
    pub docs: u64,
    pub text_bytes: u64,
    pub removed: u64,
}

/// What happened to the records of a run (or of one chunk).
#[derive(Default, Debug)]
pub struct Stats {
    pub lines: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub docs: u64,
    pub docs_cut: u64,
    pub blank: u64,
    pub no_text: u64,
    pub invalid_utf8: u64,
    pub bad_skipped: u64,
    pub bad_kept: u64,
    /// Records whose text holds an escaped lone surrogate (passed through).
    pub lone_surrogate: u64,
    /// Documents with words that cleaning cut to nothing.
    pub emptied: u64,
    /// Records with no value in the group field (grouped runs only).
    pub no_group: u64,
    /// Documents over the model's size cap, passed through unchanged.
    pub too_large: u64,
    pub groups: HashMap<String, GroupStats>,
}

impl Stats {
    /// Count one cleaned document.
    pub fn doc(
        &mut self,
        group: &str,
        text_len: usize,
        removed: &[Range<usize>],
        emptied: bool,
        no_group: bool,
    ) {
        let cut: u64 = removed.iter().map(|r| r.len() as u64).sum();
        self.docs += 1;
        self.emptied += u64::from(emptied);
        self.no_group += u64::from(no_group);
        self.docs_cut += u64::from(cut > 0);
        let g = match self.groups.get_mut(group) {
            Some(g) => g,
            None => self.groups.entry(group.to_string()).or_default(),
        };
        g.docs += 1;
        g.text_bytes += text_len as u64;
        g.removed += cut;
    }

    pub fn merge(&mut self, o: Stats) {
        self.lines += o.lines;
        self.bytes_in += o.bytes_in;
        self.bytes_out += o.bytes_out;
        self.docs += o.docs;
        self.docs_cut += o.docs_cut;
        self.blank += o.blank;
        self.no_text += o.no_text;
        self.invalid_utf8 += o.invalid_utf8;
        self.bad_skipped += o.bad_skipped;
        self.bad_kept += o.bad_kept;
        self.lone_surrogate += o.lone_surrogate;
        self.emptied += o.emptied;
        self.no_group += o.no_group;
        self.too_large += o.too_large;
        for (name, g) in o.groups {
            let e = self.groups.entry(name).or_default();
            e.docs += g.docs;
            e.text_bytes += g.text_bytes;
            e.removed += g.removed;
        }
    }

    /// Records in groups the model has never seen, and in groups it saw
    /// with too few documents to find anything: (groups, records) each.
    pub fn unknown_and_small(&self, model: &Model) -> ((u64, u64), (u64, u64)) {
        let (mut unknown, mut small) = ((0, 0), (0, 0));
        for (name, g) in &self.groups {
            match model
                .groups()
                .binary_search_by(|m| m.name.as_str().cmp(name.as_str()))
            {
                Err(_) => {
                    unknown.0 += 1;
                    unknown.1 += g.docs;
                }
                Ok(i) if model.groups()[i].docs < model.config().min_docs() => {
                    small.0 += 1;
                    small.1 += g.docs;
                }
                Ok(_) => {}
            }
        }
        (unknown, small)
    }

    pub fn print_summary(&self, took: Duration, skipped: &Skipped, model: &Model, opts: &Options) {
        let text: u64 = self.groups.values().map(|g| g.text_bytes).sum();
        let removed: u64 = self.groups.values().map(|g| g.removed).sum();
        let secs = took.as_secs_f64().max(1e-9);
        let mut e = std::io::stderr().lock();
        let _ = writeln!(
            e,
            "boilercut: cleaned {} documents in {} groups in {:.1} s: {} in, {} out ({:.1} MB/s)",
            self.docs,
            self.groups.len(),
            secs,
            human(self.bytes_in),
            human(self.bytes_out),
            self.bytes_in as f64 / 1e6 / secs
        );
        let _ = writeln!(
            e,
            "  text {}, removed {} ({:.2}%) from {} documents",
            human(text),
            human(removed),
            pct(removed, text),
            self.docs_cut
        );
        let _ = writeln!(
            e,
            "  passed through unchanged: {} without a string text field, {} invalid UTF-8, {} with a lone surrogate escape, {} blank lines, {} documents too large to learn; bad records: {} skipped, {} kept",
            self.no_text, self.invalid_utf8, self.lone_surrogate, self.blank, self.too_large, self.bad_skipped, self.bad_kept
        );
        if self.emptied > 0 {
            let _ = writeln!(
                e,
                "  warning: {} documents were cut to nothing (every word of them repeats in their group)",
                self.emptied
            );
        }
        let ((unknown_groups, unknown_docs), (small_groups, small_docs)) =
            self.unknown_and_small(model);
        if small_docs > 0 {
            let _ = writeln!(
                e,
                "  {small_docs} documents in {small_groups} groups too small to clean (fewer than --min-docs {} documents learned): passed through",
                model.config().min_docs()
            );
        }
        if unknown_docs > 0 && !model.groups().is_empty() {
            let _ = writeln!(
                e,
                "  warning: {unknown_docs} documents in {unknown_groups} groups that the model has never seen: nothing cut from them (learned with other groups or another group option?)"
            );
        }
        if opts.grouped() && self.no_group > 0 {
            let field = opts
                .fields
                .group
                .as_deref()
                .or(opts.fields.host_of.as_deref())
                .unwrap_or("");
            let all = if self.no_group == self.docs {
                "all "
            } else {
                ""
            };
            let _ = writeln!(
                e,
                "  warning: {all}{} documents have no value in the group field {field:?}: they form one group together",
                self.no_group
            );
        }
        if skipped.total() > 0 {
            let _ = writeln!(
                e,
                "  {} files in input folders were not read: {} with other names than .jsonl/.ndjson/.json[.gz|.zst] or .txt, {} hidden, {} not regular files (e.g. {})",
                skipped.total(),
                skipped.other,
                skipped.hidden,
                skipped.not_regular,
                skipped.example.as_deref().unwrap_or("")
            );
        }
        let mut top: Vec<(&String, &GroupStats)> =
            self.groups.iter().filter(|g| g.1.removed > 0).collect();
        top.sort_by(|a, b| b.1.removed.cmp(&a.1.removed).then(a.0.cmp(b.0)));
        if !top.is_empty() {
            let _ = writeln!(e, "  top groups by removed bytes:");
            for (name, g) in top.iter().take(10) {
                let name = if name.is_empty() {
                    "(no group)"
                } else {
                    name.as_str()
                };
                let _ = writeln!(
                    e,
                    "    {:<32} {:>8} docs {:>10} removed ({:.1}%)",
                    name,
                    g.docs,
                    human(g.removed),
                    pct(g.removed, g.text_bytes)
                );
            }
        }
    }
}

/// The documents a learner did not count, for the learn summary: empty
/// when there were none.
pub fn skipped_note(s: &boilercut::LearnStats) -> String {
    let mut parts = Vec::new();
    if s.duplicates > 0 {
        parts.push(format!("{} exact copies counted once", s.duplicates));
    }
    if s.too_large > 0 {
        parts.push(format!(
            "{} over the document size cap not learned (passed through unchanged)",
            s.too_large
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

fn pct(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

pub fn human(b: u64) -> String {
    let b = b as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.1} kB", b / 1e3)
    } else {
        format!("{b} B")
    }
}

/// A one-line progress display on stderr, only when stderr is a terminal.
pub struct Progress {
    phase: &'static str,
    total: u64,
    count: Arc<AtomicU64>,
    started: Instant,
    last: Instant,
    on: bool,
}

impl Progress {
    pub fn new(phase: &'static str, total: u64, count: Arc<AtomicU64>, quiet: bool) -> Progress {
        let now = Instant::now();
        Progress {
            phase,
            total,
            count,
            started: now,
            last: now,
            on: !quiet && std::io::stderr().is_terminal(),
        }
    }

    pub fn tick(&mut self) {
        if !self.on || self.last.elapsed() < Duration::from_millis(200) {
            return;
        }
        self.last = Instant::now();
        let done = self.count.load(Ordering::Relaxed);
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        eprint!(
            "\r{}: {} / {} ({:.0}%) {:.1} MB/s   ",
            self.phase,
            human(done),
            human(self.total),
            pct(done, self.total.max(1)),
            done as f64 / 1e6 / secs
        );
    }

    pub fn done(&mut self) {
        if self.on {
            eprint!("\r\x1b[2K");
        }
    }
}

/// `boilercut eval`: score OUTPUT against LABELS and print the result.
pub fn eval(
    labels: &Path,
    output: &Path,
    id_field: &str,
    text_field: &str,
    json: bool,
) -> Result<()> {
    let mut outputs: HashMap<String, Option<String>> = HashMap::new();
    for_each_json(output, |v| {
        let id = id_of(&v[id_field]);
        outputs.insert(id, v[text_field].as_str().map(str::to_string));
    })?;
    let mut score = Score::default();
    let mut missing = 0u64;
    for_each_json(labels, |v| {
        let id = id_of(&v["id"]);
        let text = v["text"].as_str().unwrap_or("");
        let spans: Vec<(Range<usize>, String)> = v["spans"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| {
                        let start = s.get(0)?.as_u64()? as usize;
                        let end = s.get(1)?.as_u64()? as usize;
                        let kind = s.get(2)?.as_str()?.to_string();
                        Some((start..end, kind))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let out = outputs.get(&id).map(|o| o.as_deref().unwrap_or(""));
        missing += u64::from(out.is_none());
        score.add(text, &spans, out);
    })?;
    let mut o = std::io::stdout().lock();
    if json {
        let per_kind: serde_json::Map<String, serde_json::Value> = score
            .per_kind
            .iter()
            .map(|(k, c)| {
                let share = if c.words == 0 { 0.0 } else { c.removed as f64 / c.words as f64 };
                (k.clone(), serde_json::json!({"words": c.words, "removed": c.removed, "share_removed": share}))
            })
            .collect();
        let v = serde_json::json!({
            "docs": score.docs, "missing_docs": missing,
            "precision": score.precision(), "recall": score.recall(), "f1": score.f1(),
            "article_lost": score.article_lost(), "article_words": score.article_words,
            "boilerplate_words": score.true_pos + score.false_neg,
            "per_kind": per_kind,
        });
        writeln!(o, "{v}")?;
        return Ok(());
    }
    writeln!(
        o,
        "documents {} (missing from output: {missing})",
        score.docs
    )?;
    writeln!(
        o,
        "precision {:.4}  recall {:.4}  F1 {:.4}  article words lost {:.3}% ({} of {})",
        score.precision(),
        score.recall(),
        score.f1(),
        100.0 * score.article_lost(),
        score.false_pos,
        score.article_words
    )?;
    writeln!(
        o,
        "\n| kind | words | removed | share removed |\n|---|---:|---:|---:|"
    )?;
    for (k, c) in &score.per_kind {
        let what = if k.starts_with(KEEP_PREFIX) {
            " (must stay)"
        } else {
            ""
        };
        writeln!(
            o,
            "| {k}{what} | {} | {} | {:.3} |",
            c.words,
            c.removed,
            c.removed as f64 / c.words.max(1) as f64
        )?;
    }
    Ok(())
}

fn id_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn for_each_json(path: &Path, mut f: impl FnMut(serde_json::Value)) -> Result<()> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    let reader: Box<dyn std::io::Read> = if path.to_string_lossy().ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else if path.to_string_lossy().ends_with(".zst") {
        Box::new(zstd::Decoder::new(file)?)
    } else {
        Box::new(file)
    };
    for (i, line) in BufReader::with_capacity(1 << 20, reader)
        .lines()
        .enumerate()
    {
        let line = line.with_context(|| format!("{}:{}: read failed", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let v = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: invalid JSON", path.display(), i + 1))?;
        f(v);
    }
    Ok(())
}
