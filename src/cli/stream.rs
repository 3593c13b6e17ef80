//! `boilercut stream`: clean JSONL records as they arrive, learning per site
//! online (`boilercut::online`), each record written as soon as its site's
//! decision is made.
//!
//! Order: records of one site come out in input order; records of different
//! sites may swap, because a site's first records are held until it has
//! enough pages. Records with nothing to clean (no text, blank, invalid
//! UTF-8, bad records kept) are written at once.

use super::output::{self, AtomicFile};
use super::pipeline::Options;
use super::report::human;
use super::{OnError, UsageError};
use anyhow::{bail, Context, Result};
use boilercut::jsonl::{self, Text};
use boilercut::online::{OnlineBuilder, OnlineCleaner, Prepared, Preparer, Released};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// What `stream` was asked to do, besides the record options.
pub struct StreamPlan {
    pub inputs: Vec<String>,
    pub output: String,
    pub builder: OnlineBuilder,
    pub input_spec: String,
    pub state: Option<PathBuf>,
    pub state_every: u64,
    pub keep_held: bool,
}

#[derive(Default)]
struct Counts {
    lines: u64,
    docs: u64,
    docs_cut: u64,
    text: u64,
    removed: u64,
    bytes_in: u64,
    bytes_out: u64,
    passed: u64,
    bad_skipped: u64,
    bad_kept: u64,
    emptied: u64,
}

enum Sink {
    Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>),
    File(Box<AtomicFile>),
}

impl Sink {
    fn w(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(w) => w,
            Sink::File(f) => f,
        }
    }
    fn name(&self) -> String {
        match self {
            Sink::Stdout(_) => "<stdout>".into(),
            Sink::File(f) => f.target().display().to_string(),
        }
    }
}

struct Writer<'a> {
    sink: Sink,
    opts: &'a Options,
    counts: Counts,
    buf: Vec<u8>,
}

impl Writer<'_> {
    /// Write a line through unchanged.
    fn raw(&mut self, line: &[u8]) -> Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(line);
        self.buf.push(b'\n');
        self.put()
    }

    fn put(&mut self) -> Result<()> {
        self.counts.bytes_out += self.buf.len() as u64;
        let name = self.sink.name();
        self.sink
            .w()
            .write_all(&self.buf)
            .with_context(|| format!("{name}: write failed"))
    }

    /// Write a released record: its line with the text replaced.
    fn released(&mut self, r: Released) -> Result<()> {
        let c = &mut self.counts;
        let cut: usize = r.removed.iter().map(|x| x.len()).sum();
        c.docs += 1;
        c.text += r.original_len as u64;
        c.removed += cut as u64;
        c.docs_cut += u64::from(cut > 0);
        c.emptied += u64::from(cut > 0 && r.text.trim().is_empty());
        // The payload is the line (valid UTF-8, parsed once already) and
        // where its text value and closing brace are (see `payload`).
        let (line, tail) = r.payload.split_at(r.payload.len().saturating_sub(TRAILER));
        if r.removed.is_empty() && self.opts.spans_field.is_none() {
            return self.raw(line);
        }
        let line = simdutf8::basic::from_utf8(line)
            .ok()
            .context("held line is not UTF-8")?;
        let (bom, body) = match line.strip_prefix('\u{feff}') {
            Some(rest) => ("\u{feff}", rest),
            None => ("", line),
        };
        let at = |i: usize| {
            tail.get(i * 8..i * 8 + 8)
                .and_then(|b| b.try_into().ok())
                .map_or(0, |b| u64::from_le_bytes(b) as usize)
        };
        let rec = jsonl::Record {
            text: Text::Str {
                raw: at(0)..at(1),
                value: std::borrow::Cow::Borrowed(""),
            },
            group: std::borrow::Cow::Borrowed(""),
            close: at(2),
            has_reserved: false,
        };
        self.buf.clear();
        self.buf.extend_from_slice(bom.as_bytes());
        let spans = self
            .opts
            .spans_field
            .as_deref()
            .map(|n| (n, &r.removed[..]));
        jsonl::splice(body, &rec, &r.text, spans, &mut self.buf);
        self.buf.push(b'\n');
        self.put()
    }

    fn flush(&mut self) -> Result<()> {
        let name = self.sink.name();
        self.sink
            .w()
            .flush()
            .with_context(|| format!("{name}: write failed"))
    }
}

/// Run `boilercut stream`.
pub fn run(plan: StreamPlan, opts: &Options) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let mut resumed = false;
    let mut cleaner = match &plan.state {
        Some(path) if path.exists() => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("{}: cannot read state", path.display()))?;
            let c = OnlineCleaner::from_bytes(&bytes)
                .with_context(|| format!("{}: cannot load state", path.display()))?;
            if c.config().input_spec() != plan.input_spec {
                eprintln!(
                    "boilercut: warning: {} was written reading inputs as {:?}, these are read as {:?}",
                    path.display(),
                    c.config().input_spec(),
                    plan.input_spec
                );
            }
            resumed = true;
            c
        }
        _ => plan
            .builder
            .build()
            .map_err(|e| anyhow::anyhow!(UsageError(e.to_string())))?,
    };
    if resumed && !opts.quiet {
        eprintln!(
            "boilercut: resuming from {} after {} pages ({} held); the options saved in it are used",
            plan.state.as_ref().map_or(String::new(), |p| p.display().to_string()),
            cleaner.arrivals(),
            cleaner.stats().held_now
        );
    }
    let to_stdout = plan.output == "-" || super::input::is_stdout_path(&plan.output);
    let sink = if to_stdout {
        Sink::Stdout(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        ))
    } else {
        let target = PathBuf::from(&plan.output);
        if let Some(state) = &plan.state {
            if same_file(&target, state) {
                bail!(UsageError(format!(
                    "{}: output would overwrite the state file",
                    plan.output
                )));
            }
        }
        for i in &plan.inputs {
            if i != "-"
                && super::input::identity(&target).is_some()
                && super::input::identity(&target)
                    == super::input::identity(std::path::Path::new(i))
            {
                bail!(UsageError(format!(
                    "{}: output would overwrite the input {i}",
                    plan.output
                )));
            }
        }
        Sink::File(Box::new(AtomicFile::create(&target)?))
    };
    // Periodic saves only when what was written is delivered: a file output
    // is renamed into place at the end, so a state saved before then would
    // claim records that a crash loses.
    let periodic = to_stdout && plan.state.is_some() && plan.state_every > 0;
    let mut w = Writer {
        sink,
        opts,
        counts: Counts::default(),
        buf: Vec::new(),
    };
    let inputs: Vec<String> = if plan.inputs.is_empty() {
        vec!["-".into()]
    } else {
        plan.inputs.clone()
    };
    if inputs.iter().filter(|i| *i == "-").count() > 1 {
        bail!(UsageError("standard input given twice".into()));
    }
    let mut released = Vec::new();
    let mut since_save = 0u64;
    // Time from a record's arrival to its cleaned line in the output
    // buffer, for records cleaned on arrival after the warm-up.
    let mut latencies: Vec<u64> = Vec::new();
    // Reading, checking and parsing lines, and computing each page's
    // features (tokens, shingle keys: they depend on the page alone) run
    // on a thread of their own, a batch of records ahead; cleaning,
    // counting and writing on this one, in input order, so the output does
    // not depend on the threads.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(4);
    let reader_opts = (opts.fields.clone(), opts.spans_field.clone());
    let preparer = cleaner.preparer();
    let reader = std::thread::Builder::new()
        .name("boilercut-read".into())
        .spawn(move || read_records(inputs, reader_opts, preparer, tx))
        .context("cannot start the reader thread")?;
    for batch in rx.iter() {
        for item in batch {
            match item {
                Item::Flush => w.flush()?,
                Item::Error(e) => return Err(e),
                Item::Raw { line, bytes } => {
                    w.counts.lines += 1;
                    w.counts.bytes_in += bytes;
                    w.counts.passed += 1;
                    w.raw(&line)?;
                }
                Item::Bad { line, bytes, what } => {
                    w.counts.lines += 1;
                    w.counts.bytes_in += bytes;
                    match opts.on_error {
                        OnError::Fail => bail!("{what}"),
                        OnError::Skip => w.counts.bad_skipped += 1,
                        OnError::Keep => {
                            w.counts.bad_kept += 1;
                            w.raw(&line)?;
                        }
                    }
                }
                Item::Page {
                    page,
                    payload,
                    bytes,
                    prepare_ns,
                } => {
                    w.counts.lines += 1;
                    w.counts.bytes_in += bytes;
                    let t = std::time::Instant::now();
                    let seq = cleaner.arrivals();
                    cleaner.push_prepared(*page, payload, &mut released);
                    let on_arrival = released.iter().any(|r| r.seq == seq);
                    for r in released.drain(..) {
                        w.released(r)?;
                    }
                    if on_arrival && w.counts.lines > WARM_UP {
                        // The features' time on the reader thread counts.
                        let ns = t.elapsed().as_nanos().min(u64::MAX as u128) as u64;
                        latencies.push(ns.saturating_add(prepare_ns));
                    }
                    since_save += 1;
                    if periodic && since_save >= plan.state_every {
                        since_save = 0;
                        w.flush()?;
                        save_state(&cleaner, plan.state.as_deref())?;
                    }
                }
            }
        }
    }
    // The channel is closed: the reader has ended.
    let _ = reader.join();
    if !(plan.keep_held && plan.state.is_some()) {
        for r in cleaner.flush() {
            w.released(r)?;
        }
    }
    w.flush()?;
    match w.sink {
        Sink::Stdout(_) => {}
        Sink::File(f) => f.commit()?,
    }
    save_state(&cleaner, plan.state.as_deref())?;
    if !opts.quiet {
        summary(&w.counts, &cleaner, started.elapsed(), &mut latencies);
    }
    Ok(ExitCode::SUCCESS)
}

/// Bytes after the line in a payload: where the text value starts and ends
/// and where the record's closing brace is (u64 each, in the line without
/// its byte order mark), so that writing does not parse the line again.
const TRAILER: usize = 24;

fn payload(line: &[u8], raw: std::ops::Range<usize>, close: usize) -> Vec<u8> {
    let mut p = Vec::with_capacity(line.len() + TRAILER);
    p.extend_from_slice(line);
    for v in [raw.start, raw.end, close] {
        p.extend_from_slice(&(v as u64).to_le_bytes());
    }
    p
}

/// Whether two paths name one file: by identity when both exist, else by
/// their absolute spelling (a state file not written yet).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (super::input::identity(a), super::input::identity(b)) {
        (Some(x), Some(y)) => x == y,
        _ => match (std::path::absolute(a), std::path::absolute(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => a == b,
        },
    }
}

/// A line read, checked and parsed by the reader thread.
enum Item {
    /// Nothing to clean: blank, invalid UTF-8, no text string.
    Raw { line: Vec<u8>, bytes: u64 },
    /// A record to clean, its text and group with their features.
    Page {
        page: Box<Prepared>,
        payload: Vec<u8>,
        bytes: u64,
        /// Time taken to compute them.
        prepare_ns: u64,
    },
    /// Not a JSON object (`what` names the file and line).
    Bad {
        line: Vec<u8>,
        bytes: u64,
        what: String,
    },
    /// No whole line is buffered: the next read may wait for the producer,
    /// so what is decided so far goes out now (bounded latency).
    Flush,
    /// Reading failed; nothing follows.
    Error(anyhow::Error),
}

/// Records per batch sent to the cleaning thread.
const BATCH: usize = 256;

/// Read every input in order, sending batches of items; stops when the
/// receiver is gone.
fn read_records(
    inputs: Vec<String>,
    (fields, spans_field): (jsonl::Fields, Option<String>),
    mut preparer: Preparer,
    tx: std::sync::mpsc::SyncSender<Vec<Item>>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let result = (|| -> Result<bool> {
        for input in &inputs {
            let (source, display): (Box<dyn Read>, String) = if input == "-" {
                (Box::new(std::io::stdin()), "<stdin>".into())
            } else {
                let (r, _) =
                    super::input::open(std::path::Path::new(input), Arc::new(AtomicU64::new(0)))
                        .with_context(|| format!("{input}: cannot read"))?;
                (r, input.clone())
            };
            let mut reader = BufReader::with_capacity(1 << 16, source);
            let mut number = 0u64;
            loop {
                if memchr::memchr(b'\n', reader.buffer()).is_none() {
                    batch.push(Item::Flush);
                    if tx.send(std::mem::take(&mut batch)).is_err() {
                        return Ok(false);
                    }
                }
                let mut line = Vec::new();
                let n = reader
                    .read_until(b'\n', &mut line)
                    .with_context(|| format!("{display}: read failed"))?;
                if n == 0 {
                    break;
                }
                number += 1;
                let bytes = n as u64;
                if line.last() == Some(&b'\n') {
                    line.pop();
                }
                batch.push(parse_item(
                    line,
                    bytes,
                    &fields,
                    spans_field.as_deref(),
                    &mut preparer,
                    || format!("{display}:{number}"),
                ));
                if batch.len() >= BATCH && tx.send(std::mem::take(&mut batch)).is_err() {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    })();
    match result {
        Ok(false) => {}
        Ok(true) => {
            let _ = tx.send(batch);
        }
        Err(e) => {
            batch.push(Item::Error(e));
            let _ = tx.send(batch);
        }
    }
}

fn parse_item(
    line: Vec<u8>,
    bytes: u64,
    fields: &jsonl::Fields,
    spans_field: Option<&str>,
    preparer: &mut Preparer,
    place: impl Fn() -> String,
) -> Item {
    if line.iter().all(|b| b.is_ascii_whitespace()) {
        return Item::Raw { line, bytes };
    }
    let Ok(text_line) = simdutf8::basic::from_utf8(&line) else {
        return Item::Raw { line, bytes };
    };
    let body = text_line.strip_prefix('\u{feff}').unwrap_or(text_line);
    let parsed = jsonl::parse(body, fields).and_then(|rec| match spans_field {
        Some(name) if rec.has_reserved => Err(jsonl::RecordError(format!(
            "the record already has a field {name:?}, which --spans-field would write \
             a second time"
        ))),
        _ => Ok(rec),
    });
    match parsed {
        Ok(rec) => match rec.text {
            Text::Str { value, raw } => {
                let payload = payload(&line, raw, rec.close);
                let t = std::time::Instant::now();
                let page = Box::new(preparer.prepare(value.into_owned(), rec.group.into_owned()));
                Item::Page {
                    page,
                    payload,
                    bytes,
                    prepare_ns: t.elapsed().as_nanos().min(u64::MAX as u128) as u64,
                }
            }
            _ => Item::Raw { line, bytes },
        },
        Err(e) => {
            let what = format!("{}: {e}", place());
            Item::Bad { line, bytes, what }
        }
    }
}

fn save_state(cleaner: &OnlineCleaner, path: Option<&std::path::Path>) -> Result<()> {
    if let Some(path) = path {
        output::write_atomic(path, &cleaner.to_bytes())
            .with_context(|| format!("{}: cannot write state", path.display()))?;
    }
    Ok(())
}

/// Records read before latencies are taken (tables and caches warm up).
const WARM_UP: u64 = 1000;

fn summary(c: &Counts, cleaner: &OnlineCleaner, took: std::time::Duration, lat: &mut [u64]) {
    let s = cleaner.stats();
    let secs = took.as_secs_f64().max(1e-9);
    let mut e = std::io::stderr().lock();
    let _ = writeln!(
        e,
        "boilercut: streamed {} records ({} documents) in {:.1} s: {} in, {} out ({:.1} MB/s)",
        c.lines,
        c.docs,
        secs,
        human(c.bytes_in),
        human(c.bytes_out),
        c.bytes_in as f64 / 1e6 / secs
    );
    let pct = if c.text == 0 {
        0.0
    } else {
        100.0 * c.removed as f64 / c.text as f64
    };
    let _ = writeln!(
        e,
        "  text {}, removed {} ({pct:.2}%) from {} documents; passed through unchanged: {}; bad records: {} skipped, {} kept",
        human(c.text),
        human(c.removed),
        c.docs_cut,
        c.passed,
        c.bad_skipped,
        c.bad_kept
    );
    let _ = writeln!(
        e,
        "  online: {} sites in memory ({} estimated), {} pages held on the way, {} held now, {} sites released early, {} evicted, {} halvings, {} exact copies not counted, {} too large",
        s.sites,
        human(s.memory),
        s.held,
        s.held_now,
        s.early_releases,
        s.evictions,
        s.halvings,
        s.duplicates,
        s.too_large
    );
    if !lat.is_empty() {
        lat.sort_unstable();
        let at = |q: f64| lat[((lat.len() - 1) as f64 * q) as usize] as f64 / 1e3;
        let _ = writeln!(
            e,
            "  latency of the {} records cleaned on arrival (after the first {WARM_UP}): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
            lat.len(),
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
    if c.emptied > 0 {
        let _ = writeln!(
            e,
            "  warning: {} documents were cut to nothing (every word of them repeats in their group)",
            c.emptied
        );
    }
}
