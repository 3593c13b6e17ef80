//! The two passes of a run: learn over every input, then clean every input
//! and write it out in input order.

use super::html::{ChunkReport, RunInfo, RunReport, Shared};
use super::input::{self, Chunk, Kind, Plan, Target};
use super::output::AtomicFile;
use super::report::{Progress, Stats};
use super::OnError;
use anyhow::{anyhow, Context, Result};
use boilercut::jsonl::{self, Fields, Text};
use boilercut::{cut, LearnerBuilder, Model, Scratch};
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

pub struct Options {
    pub fields: Fields,
    pub spans_field: Option<String>,
    pub on_error: OnError,
    pub quiet: bool,
    /// `--report` and `--report-json`: where to write what was removed.
    pub report_html: Option<std::path::PathBuf>,
    pub report_json: Option<std::path::PathBuf>,
}

impl Options {
    /// Whether records are grouped by a field (else all are one group).
    pub fn grouped(&self) -> bool {
        self.fields.group.is_some() || self.fields.host_of.is_some()
    }

    /// Whether the clean pass gathers a report.
    pub fn reporting(&self) -> bool {
        self.report_html.is_some() || self.report_json.is_some()
    }
}

/// A bad line: its number within its chunk (from 0) and what is wrong.
struct BadLine {
    line: u64,
    what: String,
}

/// Split a chunk into lines (without their `\n`). The last line of a source
/// may lack its newline.
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= data.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |p| at + p);
        let line = &data[at..end];
        at = end + 1;
        Some(line)
    })
}

/// A line without the UTF-8 byte order mark some tools write at the start
/// of a file, and the mark (empty when there is none).
fn split_bom(line: &str) -> (&str, &str) {
    match line.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", line),
    }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// Run `work` over every chunk of the plan on `-j` worker threads and hand
/// the results to `consume` in input order (a reorder buffer on this
/// thread), so reading, working and writing all overlap and the output does
/// not depend on the number of threads.
fn for_each_chunk<R: Send>(
    plan: &Plan,
    phase: &'static str,
    quiet: bool,
    work: impl Fn(&Chunk) -> R + Sync,
    mut consume: impl FnMut(&Chunk, R) -> Result<()>,
) -> Result<()> {
    let threads = rayon::current_num_threads().max(1);
    let count = Arc::new(AtomicU64::new(0));
    let mut progress = Progress::new(phase, plan.total_bytes(), count.clone(), quiet);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (rx, reader) = input::read_all(plan, threads * 2, count, stop.clone());
    let rx = std::sync::Mutex::new(rx);
    let result = std::thread::scope(|scope| -> Result<()> {
        let (done_tx, done_rx) =
            std::sync::mpsc::sync_channel::<(u64, input::Item, Option<R>)>(threads * 2);
        for _ in 0..threads {
            let (rx, done_tx, work) = (&rx, done_tx.clone(), &work);
            let stop = &stop;
            scope.spawn(move || loop {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                let next = match rx.lock() {
                    Ok(r) => r.recv(),
                    Err(_) => return,
                };
                let Ok((seq, item)) = next else { return };
                let out = item.as_ref().ok().map(work);
                if done_tx.send((seq, item, out)).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0u64;
        let result = (|| {
            for (seq, item, out) in done_rx.iter() {
                waiting.insert(seq, (item, out));
                while let Some((item, out)) = waiting.remove(&next) {
                    next += 1;
                    match (item, out) {
                        (Ok(chunk), Some(r)) => consume(&chunk, r)?,
                        (Err(e), _) => return Err(e),
                        (Ok(_), None) => unreachable!("every chunk is worked on"),
                    }
                    progress.tick();
                }
            }
            Ok(())
        })();
        // On an early error, tell the reader and the workers to stop, and
        // drop the results channel so that no worker waits on a send.
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        drop(done_rx);
        drop(waiting);
        result
    });
    // Drop the chunk channel before waiting for the reader: a reader blocked
    // on a full channel then sees it closed and ends. (Joining with the
    // receiver alive was a deadlock on any early error.)
    drop(rx);
    let _ = reader.join();
    progress.done();
    result
}

/// Learn a model over every input; also what the learner counted.
pub fn learn(
    plan: &Plan,
    opts: &Options,
    builder: &LearnerBuilder,
) -> Result<(Model, boilercut::LearnStats)> {
    let started = std::time::Instant::now();
    let learner = count(plan, opts, builder)?;
    let stats = learner.stats();
    let model = learner.finish()?;
    if !opts.quiet {
        eprintln!(
            "boilercut: learned {} frequent features in {} groups from {} documents{} in {:.1} s ({})",
            model.len(),
            model.groups().len(),
            stats.docs,
            super::report::skipped_note(&stats),
            started.elapsed().as_secs_f64(),
            memory_note(&stats)
        );
    }
    Ok((model, stats))
}

/// How the learner used its memory, for the summary. Counting is exact (no
/// probabilistic structure can saturate); past the budget it spills.
pub fn memory_note(s: &boilercut::LearnStats) -> String {
    if s.spills == 0 {
        format!(
            "{} feature occurrences counted in memory, exact",
            s.in_memory + s.spilled
        )
    } else {
        format!(
            "occurrences exceeded --memory: {} of {} spilled to disk in {} writes and counted a partition at a time, exact",
            s.spilled,
            s.in_memory + s.spilled,
            s.spills
        )
    }
}

/// Count one chunk of a source into `batch`, absorbing it into `learner`
/// whenever it holds `Batch::ABSORB_AT` keys. The first bad line, when
/// bad lines stop the run.
fn count_chunk(
    learner: &boilercut::Learner,
    batch: &mut boilercut::Batch,
    src: &super::input::Source,
    data: &[u8],
    opts: &Options,
) -> Option<BadLine> {
    if src.kind == Kind::Txt {
        if let Ok(text) = std::str::from_utf8(data) {
            batch.add(text, &src.group);
        }
        return None;
    }
    // In groups, as `clean_chunk` does: the records read, then counted.
    let mut numbered = lines(data).enumerate();
    let mut group = Vec::with_capacity(GROUP);
    loop {
        group.clear();
        let mut taken = 0;
        for (i, raw) in numbered.by_ref().take(GROUP) {
            taken += 1;
            if is_blank(raw) {
                continue;
            }
            // Invalid UTF-8 is passed through when cleaning: nothing to learn.
            let Ok(line) = simdutf8::basic::from_utf8(raw) else {
                continue;
            };
            let (_, line) = split_bom(line);
            match jsonl::parse(line, &opts.fields) {
                Ok(rec) => group.push(rec),
                Err(e) => {
                    if opts.on_error == OnError::Fail {
                        return Some(BadLine {
                            line: i as u64,
                            what: e.to_string(),
                        });
                    }
                }
            }
        }
        if taken == 0 {
            return None;
        }
        for rec in &group {
            if let Text::Str { value, .. } = &rec.text {
                batch.add(value, &rec.group);
                if batch.pending() >= boilercut::Batch::ABSORB_AT {
                    learner.absorb(batch);
                }
            }
        }
    }
}

/// Count every input into a learner.
pub fn count(plan: &Plan, opts: &Options, builder: &LearnerBuilder) -> Result<boilercut::Learner> {
    let learner = builder
        .clone()
        .expected_bytes(plan.expanded_bytes())
        .build()
        .map_err(|e| anyhow!(super::UsageError(e.to_string())))?;
    let mut line_base = vec![0u64; plan.sources.len()];
    // Batches are reused (their buffers stay allocated) and absorbed every
    // `ABSORB_AT` keys, while their buffers are still in cache.
    let spare: std::sync::Mutex<Vec<boilercut::Batch>> = Default::default();
    for_each_chunk(
        plan,
        "learn",
        opts.quiet,
        |chunk| -> Option<BadLine> {
            let src = &plan.sources[chunk.source];
            let taken = spare.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let mut batch = taken.unwrap_or_else(|| learner.batch());
            let bad = count_chunk(&learner, &mut batch, src, &chunk.data, opts);
            learner.absorb(&mut batch);
            spare.lock().unwrap_or_else(|e| e.into_inner()).push(batch);
            bad
        },
        |chunk, bad| {
            let src = &plan.sources[chunk.source];
            if let Some(b) = bad {
                return Err(anyhow!(
                    "{}:{}: {}",
                    src.display,
                    line_base[chunk.source] + b.line + 1,
                    b.what
                ));
            }
            if src.kind == Kind::Jsonl {
                line_base[chunk.source] += lines(&chunk.data).count() as u64;
            }
            Ok(())
        },
    )?;
    Ok(learner)
}

/// The cleaned bytes of a chunk and what happened to its records.
struct Cleaned {
    out: Vec<u8>,
    stats: Stats,
    bad: Option<BadLine>,
    report: Option<ChunkReport>,
}

/// Find what to remove from one document; with a report, also why, and
/// record it (the same ranges either way: `explain_with` runs the same
/// detection).
#[allow(clippy::too_many_arguments)]
fn find(
    model: &Model,
    scratch: &mut Scratch,
    text: &str,
    group: &str,
    removed: &mut Vec<std::ops::Range<usize>>,
    report: &mut Option<ChunkReport>,
    why: &mut Vec<boilercut::Explained>,
    at: (usize, u64),
) {
    match report {
        None => model.clean_with(scratch, text, group, removed),
        Some(r) => {
            // Only the sites followed in detail need to know why.
            if r.follows(group) {
                model.explain_with(scratch, text, group, removed, why);
            } else {
                model.clean_with(scratch, text, group, removed);
                why.clear();
            }
            r.doc(group, text, at.1, at.0, removed, why, scratch);
        }
    }
}

/// Records a chunk cleans at a time (see [`clean_chunk`]): a few dozen
/// kilobytes of text, which stay in the cache between the steps.
const GROUP: usize = 16;

/// One line of a JSONL chunk, read.
enum Line<'a> {
    Blank,
    /// Not UTF-8: written through.
    Invalid,
    /// A record, after the byte-order mark `bom` (or "").
    Record {
        bom: &'a str,
        line: &'a str,
        rec: jsonl::Record<'a>,
    },
    Bad(jsonl::RecordError),
}

/// Read one line of a JSONL chunk (without its newline).
fn read_line<'a>(raw: &'a [u8], opts: &Options) -> Line<'a> {
    if is_blank(raw) {
        return Line::Blank;
    }
    let Ok(line) = simdutf8::basic::from_utf8(raw) else {
        return Line::Invalid;
    };
    let (bom, line) = split_bom(line);
    let parsed = jsonl::parse(line, &opts.fields).and_then(|rec| match &opts.spans_field {
        Some(name) if rec.has_reserved => Err(jsonl::RecordError(format!(
            "the record already has a field {name:?}, which --spans-field would write \
             a second time"
        ))),
        _ => Ok(rec),
    });
    match parsed {
        Ok(rec) => Line::Record { bom, line, rec },
        Err(e) => Line::Bad(e),
    }
}

fn clean_chunk(
    chunk: &Chunk,
    plan: &Plan,
    opts: &Options,
    model: &Model,
    scratch: &mut Scratch,
    sampled: Option<&Shared>,
) -> Cleaned {
    let src = &plan.sources[chunk.source];
    let mut stats = Stats::default();
    let mut removed = Vec::new();
    let mut report = sampled.map(|s| ChunkReport::new(chunk.data.len(), s));
    let mut why = Vec::new();
    if src.kind == Kind::Txt {
        let out = match std::str::from_utf8(&chunk.data) {
            Ok(text) => {
                let at = (chunk.source, 0);
                find(
                    model,
                    scratch,
                    text,
                    &src.group,
                    &mut removed,
                    &mut report,
                    &mut why,
                    at,
                );
                stats.too_large += u64::from(model.too_large(text));
                let cleaned = cut::apply(text, &removed).into_owned();
                let emptied = cleaned.trim().is_empty() && !text.trim().is_empty();
                stats.doc(&src.group, text.len(), &removed, emptied, false);
                cleaned.into_bytes()
            }
            Err(_) => {
                stats.invalid_utf8 += 1;
                chunk.data.clone()
            }
        };
        return Cleaned {
            out,
            stats,
            bad: None,
            report,
        };
    }
    let mut out = Vec::with_capacity(chunk.data.len() + 64);
    let mut bad = None;
    // Records go through in groups: parsed, then cleaned, then written, each
    // step over the whole group. Each step's code then stays in the
    // processor's instruction cache from one record to the next, which the
    // three together, per record, overflowed (cachegrind).
    let mut numbered = lines(&chunk.data).enumerate();
    let mut group: Vec<(usize, &[u8], Line<'_>)> = Vec::with_capacity(GROUP);
    let mut cuts: Vec<Vec<std::ops::Range<usize>>> = (0..GROUP).map(|_| Vec::new()).collect();
    'chunk: loop {
        group.clear();
        group.extend(
            numbered
                .by_ref()
                .take(GROUP)
                .map(|(i, raw)| (i, raw, read_line(raw, opts))),
        );
        if group.is_empty() {
            break;
        }
        for ((i, _, line), removed) in group.iter().zip(cuts.iter_mut()) {
            match line {
                Line::Record { rec, .. } => {
                    if let Text::Str { value, .. } = &rec.text {
                        let at = (chunk.source, *i as u64);
                        find(
                            model,
                            scratch,
                            value,
                            &rec.group,
                            removed,
                            &mut report,
                            &mut why,
                            at,
                        );
                    }
                }
                // Nothing after a bad line is written when it fails the run.
                Line::Bad(_) if opts.on_error == OnError::Fail => break,
                _ => {}
            }
        }
        for ((i, raw, line), removed) in group.drain(..).zip(&cuts) {
            stats.lines += 1;
            stats.bytes_in += raw.len() as u64 + 1;
            let before = out.len();
            match line {
                Line::Blank => {
                    stats.blank += 1;
                    out.extend_from_slice(raw);
                }
                Line::Invalid => {
                    stats.invalid_utf8 += 1;
                    out.extend_from_slice(raw);
                }
                Line::Record { bom, line, rec } => match &rec.text {
                    Text::Str { value, .. } => {
                        stats.too_large += u64::from(model.too_large(value));
                        let no_group = opts.grouped() && rec.group.is_empty();
                        if removed.is_empty() && opts.spans_field.is_none() {
                            stats.doc(&rec.group, value.len(), removed, false, no_group);
                            out.extend_from_slice(raw);
                        } else {
                            let cleaned = cut::apply(value, removed);
                            let emptied = cleaned.trim().is_empty() && !value.trim().is_empty();
                            stats.doc(&rec.group, value.len(), removed, emptied, no_group);
                            let spans = opts.spans_field.as_deref().map(|n| (n, &removed[..]));
                            out.extend_from_slice(bom.as_bytes());
                            jsonl::splice(line, &rec, &cleaned, spans, &mut out);
                        }
                    }
                    Text::LoneSurrogate => {
                        stats.lone_surrogate += 1;
                        out.extend_from_slice(raw);
                    }
                    _ => {
                        stats.no_text += 1;
                        out.extend_from_slice(raw);
                    }
                },
                Line::Bad(e) => match opts.on_error {
                    OnError::Fail => {
                        bad = Some(BadLine {
                            line: i as u64,
                            what: e.to_string(),
                        });
                        break 'chunk;
                    }
                    OnError::Skip => {
                        stats.bad_skipped += 1;
                        continue;
                    }
                    OnError::Keep => {
                        stats.bad_kept += 1;
                        out.extend_from_slice(raw);
                    }
                },
            }
            out.push(b'\n');
            stats.bytes_out += (out.len() - before) as u64;
        }
    }
    Cleaned {
        out,
        stats,
        bad,
        report,
    }
}

enum Sink {
    Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>),
    File(Option<AtomicFile>),
    Dir {
        current: Option<(usize, AtomicFile)>,
        finished: Vec<AtomicFile>,
    },
}

/// Clean every input with `model` and write the output. `learned`: what
/// learning counted, when this run learned (for the report).
pub fn clean(
    plan: &Plan,
    opts: &Options,
    model: &Model,
    learned: Option<&boilercut::LearnStats>,
) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let mut sink = match &plan.target {
        Target::Stdout => Sink::Stdout(std::io::BufWriter::with_capacity(
            1 << 20,
            std::io::stdout().lock(),
        )),
        Target::File(p) => Sink::File(Some(AtomicFile::create(p)?)),
        Target::Dir(_) => Sink::Dir {
            current: None,
            finished: Vec::new(),
        },
    };
    let mut stats = Stats::default();
    let mut line_base = vec![0u64; plan.sources.len()];
    let mut run_report = opts.reporting().then(|| RunReport::new(model));
    let sampled = run_report.as_ref().map(|r| r.shared().clone());
    let scratch = thread_local_scratch();
    for_each_chunk(
        plan,
        "clean",
        opts.quiet,
        |chunk| {
            scratch.with(|s| {
                clean_chunk(
                    chunk,
                    plan,
                    opts,
                    model,
                    &mut s.borrow_mut(),
                    sampled.as_ref(),
                )
            })
        },
        |chunk, res| {
            let src = &plan.sources[chunk.source];
            if let Some(b) = res.bad {
                return Err(anyhow!(
                    "{}:{}: {}",
                    src.display,
                    line_base[chunk.source] + b.line + 1,
                    b.what
                ));
            }
            if let (Some(all), Some(r)) = (run_report.as_mut(), res.report) {
                all.merge(r, |s, l| match plan.sources[s].kind {
                    Kind::Txt => plan.sources[s].display.clone(),
                    _ => format!("{}:{}", plan.sources[s].display, line_base[s] + l + 1),
                });
            }
            line_base[chunk.source] += res.stats.lines;
            stats.merge(res.stats);
            let name: String;
            let w: &mut dyn Write = match &mut sink {
                Sink::Stdout(w) => {
                    name = "<stdout>".into();
                    w
                }
                Sink::File(f) => {
                    let f = f.as_mut().expect("open until the end");
                    name = f.target().display().to_string();
                    f
                }
                Sink::Dir { current, finished } => {
                    if current.as_ref().map(|c| c.0) != Some(chunk.source) {
                        if let Some((_, mut f)) = current.take() {
                            f.finish()?;
                            finished.push(f);
                        }
                        let Target::Dir(dir) = &plan.target else {
                            unreachable!()
                        };
                        *current = Some((chunk.source, AtomicFile::create(&dir.join(&src.rel))?));
                    }
                    let f = &mut current.as_mut().expect("just opened").1;
                    name = f.target().display().to_string();
                    f
                }
            };
            w.write_all(&res.out)
                .with_context(|| format!("{name}: write failed"))
        },
    )?;
    let info = run_report.as_ref().map(|_| {
        let (unknown, small) = stats.unknown_and_small(model);
        RunInfo {
            stats: &stats,
            model,
            model_xxh3: model.file_hash(),
            duplicates: learned.map(|l| l.duplicates),
            inputs: plan.sources.iter().map(|s| s.display.clone()).collect(),
            small,
            unknown,
            sites: super::html::site_order(&stats),
        }
    });
    // Everything succeeded: give the outputs their real names. The
    // reports are made meanwhile (the HTML and the JSON each on a thread
    // of its own: with 10,000 sites making them took longer than syncing
    // the output to disk), then written.
    let (committed, html, json) = std::thread::scope(|s| {
        let (mut html, mut json) = (None, None);
        if let (Some(r), Some(info)) = (&run_report, &info) {
            html = opts.report_html.is_some().then(|| s.spawn(|| r.html(info)));
            json = opts.report_json.is_some().then(|| {
                s.spawn(|| -> Result<Vec<u8>> {
                    let mut b = serde_json::to_vec_pretty(&r.json(info))?;
                    b.push(b'\n');
                    Ok(b)
                })
            });
        }
        let committed = commit(sink, plan);
        (committed, html.map(join), json.map(join))
    });
    committed?;
    if let (Some(p), Some(html)) = (&opts.report_html, html) {
        super::output::write_atomic(p, html.as_bytes())
            .with_context(|| format!("{}: cannot write report", p.display()))?;
    }
    if let (Some(p), Some(json)) = (&opts.report_json, json) {
        let json = json?;
        super::output::write_atomic(p, &json)
            .with_context(|| format!("{}: cannot write report", p.display()))?;
    }
    // The run ends here: the report's tables (10,000 sites: 35M
    // instructions to free, a share of the report's cost) go with the
    // process.
    std::mem::forget(run_report);
    if !opts.quiet {
        stats.print_summary(started.elapsed(), &plan.skipped, model, opts);
    }
    Ok(ExitCode::SUCCESS)
}

/// The result of a scoped thread (its panic goes on).
fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    match h.join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Give the outputs of a successful run their real names (an output
/// directory gets a file for every input, empty ones too).
fn commit(sink: Sink, plan: &Plan) -> Result<()> {
    match sink {
        Sink::Stdout(mut w) => w.flush()?,
        Sink::File(f) => f.expect("open until the end").commit()?,
        Sink::Dir {
            current,
            mut finished,
        } => {
            if let Some((_, f)) = current {
                finished.push(f);
            }
            let Target::Dir(dir) = &plan.target else {
                unreachable!()
            };
            for src in &plan.sources {
                let target = dir.join(&src.rel);
                if !finished.iter().any(|f| f.target() == target) {
                    finished.push(AtomicFile::create(&target)?);
                }
            }
            for f in finished {
                f.commit()?;
            }
        }
    }
    Ok(())
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::new());
}

fn thread_local_scratch() -> &'static std::thread::LocalKey<std::cell::RefCell<Scratch>> {
    &SCRATCH
}
