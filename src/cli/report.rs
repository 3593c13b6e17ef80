//! Reporting: counts of a run, the end summary, progress on a terminal, and
//! the `eval` command's tables.

use super::input::Skipped;
use super::pipeline::Options;
use anyhow::{bail, Context, Result};
use boilercut::eval::{
    score_gold, GoldCounts, GoldDoc, GoldScore, InsideCut, Removal, Score, KEEP_PREFIX,
};
use boilercut::Model;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
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
                "  {small_docs} documents in {small_groups} groups too small to learn a template (fewer than --min-docs {} documents learned): only lists found in two of their pages cut",
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
    let reader = open_maybe_compressed(path)?;
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

/// Options of `boilercut eval --gold-field`.
pub struct GoldOptions {
    pub gold_field: String,
    pub text_field: String,
    pub id_field: Option<String>,
    pub group_field: Option<String>,
    pub spans_field: Option<String>,
    pub per_group: Option<PathBuf>,
    pub cut_edges: Option<PathBuf>,
    pub json: bool,
}

/// One original record and what the tool made of it, ready to score.
struct GoldJob {
    line: usize,
    id: String,
    group: String,
    text: String,
    gold: String,
    out_text: Option<String>,
    out_spans: Option<Vec<Range<usize>>>,
    missing: bool,
}

impl GoldJob {
    fn score(&self) -> GoldDoc {
        let removal = match (&self.out_spans, &self.out_text) {
            _ if self.missing => Removal::Dropped,
            (Some(spans), _) => Removal::Spans(spans),
            (None, Some(out)) => Removal::Output(out),
            (None, None) => Removal::Dropped,
        };
        score_gold(&self.text, &self.gold, removal)
    }
}

/// What OUTPUT holds for one record.
type OutRecord = (Option<String>, Option<Vec<Range<usize>>>);

fn out_record(v: &serde_json::Value, o: &GoldOptions) -> OutRecord {
    let text = v[o.text_field.as_str()].as_str().map(str::to_string);
    let spans = o.spans_field.as_deref().and_then(|f| {
        v[f].as_array().map(|a| {
            a.iter()
                .filter_map(|s| {
                    let start = s.get(0)?.as_u64()? as usize;
                    let end = s.get(1)?.as_u64()? as usize;
                    Some(start..end)
                })
                .collect()
        })
    });
    (text, spans)
}

/// `boilercut eval --gold-field`: score OUTPUT against the gold articles of
/// ORIGINAL. Records are scored in batches on the thread pool; the sums are
/// taken in input order, so the result does not depend on the threads.
pub fn eval_gold(original: &Path, output: &Path, o: &GoldOptions) -> Result<ExitCode> {
    const BATCH: usize = 512;
    let mut orig = JsonLines::open(original)?;
    // By id: OUTPUT is read whole first. By line order: in step with ORIGINAL.
    let mut by_id: Option<HashMap<String, OutRecord>> = None;
    let mut out_lines = None;
    match &o.id_field {
        Some(f) => {
            let mut m = HashMap::new();
            for_each_json(output, |v| {
                m.insert(id_of(&v[f.as_str()]), out_record(&v, o));
            })?;
            by_id = Some(m);
        }
        None => out_lines = Some(JsonLines::open(output)?),
    }
    let mut edges_out = match &o.cut_edges {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        )),
        None => None,
    };
    let mut score = GoldScore::default();
    let (mut skipped, mut n) = (0u64, 0usize);
    loop {
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            let Some((line, v)) = orig.next_value()? else {
                break;
            };
            n += 1;
            let (out_text, out_spans, missing) = match (&mut out_lines, &by_id) {
                (Some(lines), _) => match lines.next_value()? {
                    Some((_, ov)) => {
                        let (t, s) = out_record(&ov, o);
                        (t, s, false)
                    }
                    None => bail!(
                        "{}: has fewer records than {} ({}): match them by --id-field",
                        output.display(),
                        original.display(),
                        n
                    ),
                },
                (None, Some(m)) => {
                    let key = o.id_field.as_deref().unwrap_or("id");
                    match m.get(&id_of(&v[key])) {
                        Some((t, s)) => (t.clone(), s.clone(), false),
                        None => (None, None, true),
                    }
                }
                (None, None) => unreachable!("one of the two ways to match records is set"),
            };
            let (Some(text), Some(gold)) = (
                v[o.text_field.as_str()].as_str(),
                v[o.gold_field.as_str()].as_str(),
            ) else {
                skipped += 1;
                continue;
            };
            let id = match o.id_field.as_deref().map(|f| &v[f]).or(v.get("id")) {
                Some(id) if !id.is_null() => id_of(id),
                _ => line.to_string(),
            };
            let group = match &o.group_field {
                Some(g) => match &v[g.as_str()] {
                    serde_json::Value::Null => String::new(),
                    other => id_of(other),
                },
                None => String::new(),
            };
            batch.push(GoldJob {
                line,
                id,
                group,
                text: text.to_string(),
                gold: gold.to_string(),
                out_text,
                out_spans,
                missing,
            });
        }
        if batch.is_empty() {
            break;
        }
        let docs: Vec<GoldDoc> = batch.par_iter().map(GoldJob::score).collect();
        for (job, doc) in batch.iter().zip(docs) {
            score.add_counts(&job.group, &doc.counts);
            if let Some(w) = &mut edges_out {
                for c in &doc.inside_cuts {
                    write_cut_edge(w, job, c)?;
                }
            }
        }
    }
    if let Some(lines) = &mut out_lines {
        if lines.next_value()?.is_some() {
            bail!(
                "{}: has more records than {} ({n}): match them by --id-field",
                output.display(),
                original.display()
            );
        }
    }
    if let Some(mut w) = edges_out {
        w.flush()?;
    }
    if let Some(p) = &o.per_group {
        write_per_group(p, &score)?;
    }
    if skipped > 0 {
        eprintln!(
            "boilercut: {skipped} records of {} not scored: no string `{}` or `{}`",
            original.display(),
            o.text_field,
            o.gold_field
        );
    }
    let mut out = std::io::stdout().lock();
    if o.json {
        let mut v = gold_json(&score.total);
        v["skipped"] = skipped.into();
        v["groups"] = score.per_group.len().into();
        writeln!(out, "{v}")?;
    } else {
        print_gold(&mut out, &score, skipped)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn gold_json(c: &GoldCounts) -> serde_json::Value {
    serde_json::json!({
        "docs": c.docs, "missing_docs": c.missing,
        "words": c.words, "gold_words": c.gold_words, "gold_found": c.gold_found_share(),
        "article_words": c.article_words, "article_kept": c.article_kept,
        "article_kept_share": c.article_kept_share(),
        "boilerplate_words": c.boilerplate_words, "boilerplate_removed": c.boilerplate_removed,
        "removed_words": c.removed_words(),
        "recall": c.recall(), "precision": c.precision(), "f1": c.f1(),
        "spans": c.spans, "spans_inside_token": c.spans_inside_token,
        "unmatched_output_words": c.unmatched_output_words,
    })
}

const GOLD_COLUMNS: &[&str] = &[
    "group",
    "docs",
    "words",
    "gold_found",
    "article_words",
    "article_kept_share",
    "boilerplate_words",
    "recall",
    "precision",
    "f1",
    "spans",
    "spans_inside_token",
];

fn write_per_group(path: &Path, score: &GoldScore) -> Result<()> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("{}: cannot create", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let name = path.to_string_lossy();
    let as_json = name.ends_with(".jsonl") || name.ends_with(".json");
    if !as_json {
        writeln!(w, "{}", GOLD_COLUMNS.join("\t"))?;
    }
    for (g, c) in &score.per_group {
        let mut v = gold_json(c);
        v["group"] = g.clone().into();
        if as_json {
            writeln!(w, "{v}")?;
        } else {
            let row: Vec<String> = GOLD_COLUMNS
                .iter()
                .map(|k| match &v[*k] {
                    serde_json::Value::String(s) => s.replace(['\t', '\n'], " "),
                    serde_json::Value::Number(x) if x.is_f64() => {
                        format!("{:.4}", x.as_f64().unwrap_or(0.0))
                    }
                    other => other.to_string(),
                })
                .collect();
            writeln!(w, "{}", row.join("\t"))?;
        }
    }
    w.flush()
        .with_context(|| format!("{}: write failed", path.display()))
}

fn write_cut_edge(w: &mut impl Write, job: &GoldJob, c: &InsideCut) -> Result<()> {
    let t = &job.text;
    let from = floor_char(t, c.at.saturating_sub(40));
    let to = floor_char(t, (c.at + 40).min(t.len()));
    let v = serde_json::json!({
        "id": job.id, "line": job.line, "group": job.group,
        "token": &t[c.token.clone()], "at": c.at - c.token.start,
        "edge": if c.at == c.span.start { "start" } else { "end" },
        "before": &t[from..c.at], "after": &t[c.at..to],
    });
    writeln!(w, "{v}")?;
    Ok(())
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn print_gold(o: &mut impl Write, score: &GoldScore, skipped: u64) -> Result<()> {
    let c = &score.total;
    writeln!(
        o,
        "documents {} in {} groups (missing from output: {}; not scored: {skipped})",
        c.docs,
        score.per_group.len(),
        c.missing
    )?;
    writeln!(
        o,
        "article words kept         {:>7.2}%  ({} of {}; gold words found in the text: {:.2}%)",
        100.0 * c.article_kept_share(),
        c.article_kept,
        c.article_words,
        100.0 * c.gold_found_share()
    )?;
    writeln!(
        o,
        "boilerplate words removed  {:>7.2}%  ({} of {})",
        100.0 * c.recall(),
        c.boilerplate_removed,
        c.boilerplate_words
    )?;
    writeln!(
        o,
        "removal precision          {:>7.2}%  ({} of {} removed words)",
        100.0 * c.precision(),
        c.boilerplate_removed,
        c.removed_words()
    )?;
    writeln!(o, "removal F1                 {:>7.4}", c.f1())?;
    writeln!(
        o,
        "removed ranges {}, with an edge inside a token {}",
        c.spans, c.spans_inside_token
    )?;
    if score.per_group.len() > 1 {
        writeln!(
            o,
            "\n| group | docs | article kept | boilerplate removed | precision | F1 | cuts inside tokens |\n|---|---:|---:|---:|---:|---:|---:|"
        )?;
        for (g, c) in &score.per_group {
            writeln!(
                o,
                "| {g} | {} | {:.2}% | {:.2}% | {:.2}% | {:.4} | {} |",
                c.docs,
                100.0 * c.article_kept_share(),
                100.0 * c.recall(),
                100.0 * c.precision(),
                c.f1(),
                c.spans_inside_token
            )?;
        }
    }
    Ok(())
}

/// JSON lines of a file, blank lines skipped, with their line numbers.
struct JsonLines {
    path: PathBuf,
    lines: std::io::Lines<BufReader<Box<dyn std::io::Read>>>,
    line: usize,
}

impl JsonLines {
    fn open(path: &Path) -> Result<JsonLines> {
        Ok(JsonLines {
            path: path.to_path_buf(),
            lines: BufReader::with_capacity(1 << 20, open_maybe_compressed(path)?).lines(),
            line: 0,
        })
    }

    fn next_value(&mut self) -> Result<Option<(usize, serde_json::Value)>> {
        for line in self.lines.by_ref() {
            self.line += 1;
            let line = line
                .with_context(|| format!("{}:{}: read failed", self.path.display(), self.line))?;
            if line.trim().is_empty() {
                continue;
            }
            let v = serde_json::from_str(&line)
                .with_context(|| format!("{}:{}: invalid JSON", self.path.display(), self.line))?;
            return Ok(Some((self.line, v)));
        }
        Ok(None)
    }
}

fn open_maybe_compressed(path: &Path) -> Result<Box<dyn std::io::Read>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    Ok(if path.to_string_lossy().ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else if path.to_string_lossy().ends_with(".zst") {
        Box::new(zstd::Decoder::new(file)?)
    } else {
        Box::new(file)
    })
}
