//! Command-line front end: flags, commands, exit codes.

pub mod cleanup;
mod html;
mod input;
mod output;
mod pipeline;
mod report;
mod stream;

use anyhow::{bail, Context, Result};
use boilercut::jsonl::Fields;
use boilercut::{CountsError, LearnerBuilder, Model};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status of a usage error (bad flag, missing file name).
pub const EXIT_USAGE: u8 = 1;
/// Exit status of a data or I/O error (bad record under `--on-error fail`,
/// unreadable input, full disk).
pub const EXIT_DATA: u8 = 2;

const AFTER_HELP: &str = "\
Exit status: 0 success; 1 usage error; 2 data or I/O error (a bad record under
--on-error fail, an unreadable or truncated input, a write that failed). On any
failure no output file is left that looks complete: outputs are written to a
temporary file beside the target and renamed only when everything succeeded.";

#[derive(Parser, Debug)]
#[command(
    name = "boilercut",
    version,
    about = "Find the blocks scraped articles repeat across a site and cut them out",
    long_about = "Find the blocks that scraped articles repeat across a site (donation appeals, \
newsletter prompts, cookie notices, share bars, copyright lines, author bios, ad inserts, scraper \
prefixes) and cut them out, every copy including the first, leaving the article.\n\n\
Inputs: JSONL files, plain, gzip or zstd (detected from the content; bzip2, xz, lz4 and zip \
are refused), directories of them (searched recursively, links followed: names ending .jsonl, \
.ndjson or .json, optionally .gz/.zst, are read, and .txt files as one document each, group = \
their folder; other files are counted and skipped), or - for standard input. Standard input, \
pipes and FIFOs are copied to a temporary folder first (a run reads its inputs twice).",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Learn over all inputs, then clean them (one command for a bulk run).
    Clean {
        #[command(flatten)]
        io: IoArgs,
        #[command(flatten)]
        learn: LearnArgs,
        #[command(flatten)]
        clean: CleanArgs,
        #[command(flatten)]
        floor: FloorArgs,
    },
    /// Learn a model from the inputs and save it, or (with --shard-out)
    /// write the exact counts of a shard of the inputs for `merge`.
    Learn {
        /// Input files or directories, or - for standard input.
        #[arg(required = true)]
        inputs: Vec<String>,
        /// The model file to write.
        #[arg(
            short,
            long,
            required_unless_present = "shard_out",
            conflicts_with = "shard_out"
        )]
        output: Option<PathBuf>,
        /// Write a count file of these inputs instead of a model; `boilercut
        /// merge` combines count files into the model of all their inputs.
        #[arg(long, value_name = "COUNTS")]
        shard_out: Option<PathBuf>,
        #[command(flatten)]
        fields: FieldArgs,
        #[command(flatten)]
        learn: LearnArgs,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Clean the inputs with a model saved by `learn`.
    Apply {
        /// The model file written by `boilercut learn`.
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        io: IoArgs,
        #[command(flatten)]
        clean: CleanArgs,
    },
    /// Merge count files written by `learn --shard-out` into a model, the
    /// same, byte for byte, as one `learn` over all their inputs when no
    /// document is in two shards (shard by group or by text hash); warns
    /// when some are.
    Merge {
        /// Count files, in any order.
        #[arg(required = true)]
        counts: Vec<PathBuf>,
        /// The model file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// No summary on stderr.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Clean JSONL records as they arrive, learning per site as it goes: a
    /// site's first records are held until it has --hold-pages pages, then
    /// every record is cleaned on arrival and written at once.
    #[command(after_help = STREAM_HELP)]
    Stream {
        /// Input files, or - for standard input (the default), read in order.
        inputs: Vec<String>,
        /// Output file (.gz/.zst compress; renamed into place at the end) or
        /// - for standard output (written as records are decided).
        #[arg(short, long)]
        output: String,
        #[command(flatten)]
        fields: FieldArgs,
        #[command(flatten)]
        online: OnlineArgs,
        #[command(flatten)]
        clean: CleanArgs,
        /// What to do with a line that is not a JSON object: fail (exit 2),
        /// skip (drop it, counted) or keep (write it unchanged, counted).
        #[arg(long, value_enum, default_value_t = OnError::Fail)]
        on_error: OnError,
        /// No summary on stderr.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Score a cleaned output against the labels of a generated corpus
    /// (--labels) or against gold article text (--gold-field, --original).
    #[command(after_help = EVAL_HELP)]
    Eval {
        /// labels.jsonl written by corpus/generate.py.
        #[arg(
            long,
            required_unless_present = "gold_field",
            conflicts_with_all = ["gold_field", "original"]
        )]
        labels: Option<PathBuf>,
        /// Field of ORIGINAL holding the article text written by people.
        #[arg(long, value_name = "NAME", requires = "original")]
        gold_field: Option<String>,
        /// The input of the run (with the gold field): records are matched
        /// with OUTPUT's by line order, or by --id-field when given.
        #[arg(long, value_name = "IN.jsonl", requires = "gold_field")]
        original: Option<PathBuf>,
        /// The cleaned JSONL to score.
        output: PathBuf,
        /// Field holding the record id [labels: default id; gold: match by
        /// line order unless given].
        #[arg(long)]
        id_field: Option<String>,
        /// Field holding the text (cleaned in OUTPUT, original in ORIGINAL).
        #[arg(long, default_value = "text")]
        text_field: String,
        /// Gold: field of ORIGINAL naming each record's group, for per-group rows.
        #[arg(long, requires = "gold_field")]
        group_field: Option<String>,
        /// Gold: field of OUTPUT with the removed byte ranges (`clean
        /// --spans-field`); used instead of aligning OUTPUT's text.
        #[arg(long, requires = "gold_field")]
        spans_field: Option<String>,
        /// Gold: write one row per group to FILE (JSONL when it ends with
        /// .jsonl or .json, TSV otherwise).
        #[arg(long, value_name = "FILE", requires = "gold_field")]
        per_group: Option<PathBuf>,
        /// Gold: write every removed range with an edge inside a token to
        /// FILE (JSONL: id, group, token, byte offset of the edge in the token,
        /// context).
        #[arg(long, value_name = "FILE", requires = "gold_field")]
        cut_edges: Option<PathBuf>,
        /// Print one JSON object instead of tables.
        #[arg(long)]
        json: bool,
    },
}

const STREAM_HELP: &str = "\
Order: the records of one site (group) come out in input order; records of
different sites may come out in another order than they came in, because a
site's first records are held until it has --hold-pages distinct pages (or holds
--hold-bytes, or its oldest held record has waited --max-wait records). Records
with nothing to clean (no text field, blank lines, invalid UTF-8, bad records
kept) are written at once. Every record is written exactly once; those still held
at the end of the input are written then (with --state and --keep-held they stay
in the state file and a later run with that state writes them).

Learning: a block is boilerplate when at least --min-docs pages of its site (and
--min-fraction of them) contain it. Every --half-every counted pages of a site its
counts are halved, so a changed template is learned within a few pages and the old
one forgotten within half-every x (floor(log2(2 x half-every / min-docs)) + 1)
pages. Past --memory the least recently seen sites are forgotten.

State: with --state PATH an existing state is loaded (its options win) and the
state is written at the end (temporary file, then rename); with output to standard
output also every --state-every records, after the output is flushed.";

const EVAL_HELP: &str = "\
Gold mode: the words of each original text are aligned with its gold article
(longest runs of equal words first, as difflib does); aligned words are article,
the rest boilerplate. A word is removed when OUTPUT no longer has it (OUTPUT's
words aligned to the original's) or, with --spans-field, when its first byte is
in a removed range. Reported: article words kept, boilerplate words removed
(recall), removal precision and F1, and removed ranges with an edge inside a
token (a run of non-whitespace, where | • · ¦ also separate, quotes, brackets
and end punctuation aside; glued sentences such as said.A are not tokens). Words are runs of letters and
digits, lowercased.";

#[derive(Args, Debug)]
struct IoArgs {
    /// Input files or directories, or - for standard input.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Output: a file (.gz/.zst compress), - for standard output, or a
    /// directory that mirrors the input file names (chosen when it exists,
    /// ends with /, or an input is a directory).
    #[arg(short, long)]
    output: String,
    #[command(flatten)]
    fields: FieldArgs,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Args, Debug)]
struct FieldArgs {
    /// JSON field holding the text to clean; a dotted path reaches into
    /// nested objects (`content.text`).
    #[arg(long, default_value = "text")]
    text_field: String,
    /// JSON field naming the group (site) of each record; a dotted path
    /// reaches into nested objects (`metadata.source`), and several fields
    /// separated by commas make one group of their values joined by `/`
    /// (`site,era`; at most 4). Without a group flag the whole input is one
    /// group.
    #[arg(long, conflicts_with = "group_by_host")]
    group_field: Option<String>,
    /// Group records by the host of the URL in this field (www. dropped); a
    /// dotted path reaches into nested objects (`metadata.url`, as datatrove
    /// and dolma store it).
    #[arg(long, value_name = "URLFIELD")]
    group_by_host: Option<String>,
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    threads: Option<usize>,
    /// What to do with a line that is not a JSON object: fail (exit 2, no
    /// output), skip (drop it, counted) or keep (write it unchanged, counted).
    #[arg(long, value_enum, default_value_t = OnError::Fail)]
    on_error: OnError,
    /// No summary and no progress on stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct LearnArgs {
    /// A block is boilerplate when at least this many documents of its group
    /// contain it (a menu or list of 40 words or more, and lines between
    /// removed text after some kept text: one document fewer, when that is
    /// still 3 or more).
    #[arg(long, default_value_t = 4)]
    min_docs: u64,
    /// ... and at least this share of its group's documents.
    #[arg(long, default_value_t = 0.02)]
    min_fraction: f64,
    /// Words per shingle (k).
    #[arg(long, default_value_t = 8)]
    shingle_words: usize,
    /// Memory budget of a run (K, M, G suffixes); the learner gets three
    /// quarters of it. Beyond that, feature occurrences spill to files on
    /// disk and are counted a partition at a time; exact, so the output does
    /// not change. A document longer than 16 MiB (or a 96th of a budget over
    /// 1.5G) is not learned from and is written through unchanged.
    #[arg(long, default_value = "1.5G", value_parser = parse_size)]
    memory: u64,
    /// Folder for spilled counts (default: the system's temporary folder).
    #[arg(long, value_name = "DIR")]
    spill_dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct OnlineArgs {
    /// A block is boilerplate when at least this many pages of its site
    /// contain it.
    #[arg(long, default_value_t = 4)]
    min_docs: u64,
    /// ... and at least this share of its site's (fading) page count.
    #[arg(long, default_value_t = 0.02)]
    min_fraction: f64,
    /// Words per shingle (k).
    #[arg(long, default_value_t = 8)]
    shingle_words: usize,
    /// Hold a site's records until it has this many distinct pages.
    #[arg(long, default_value_t = 8)]
    hold_pages: u64,
    /// Release a site early when its held records exceed this size.
    #[arg(long, default_value = "4M", value_parser = parse_size)]
    hold_bytes: u64,
    /// Release a site early when its oldest held record has waited this
    /// many records (of any site).
    #[arg(long, default_value_t = 100_000)]
    max_wait: u64,
    /// Halve a site's counts every this many of its pages.
    #[arg(long, default_value_t = 128)]
    half_every: u64,
    /// Memory budget of a run (K, M, G suffixes). The online state (counts,
    /// held records, the filter) gets two thirds of it, the rest is for the
    /// allocator's slack and buffers; past it the least recently seen sites
    /// are forgotten.
    #[arg(long, default_value = "512M", value_parser = parse_size)]
    memory: u64,
    /// Size of the "seen once" filter in front of the exact counts, all
    /// sites together (0: exact counts for every feature). Only features the
    /// filter has seen before get a counter, so the tables hold repeated
    /// features only: on 10,000 interleaved sites it is what keeps sites from
    /// being forgotten (BENCHMARKS.md).
    #[arg(long, default_value = "64M", value_parser = parse_size_or_zero)]
    once_filter: u64,
    /// Start from a model saved by `boilercut learn` (ignored when --state
    /// exists): sites it knows are cleaned from their first record.
    #[arg(long, value_name = "MODEL")]
    warm_start: Option<PathBuf>,
    /// Load the state from PATH if it exists; write it there at the end.
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// With --state and standard output: also save every this many records
    /// (0: only at the end).
    #[arg(long, default_value_t = 100_000)]
    state_every: u64,
    /// With --state: leave records still held at the end in the state
    /// instead of writing them (a later run writes them).
    #[arg(long, requires = "state")]
    keep_held: bool,
}

fn parse_size_or_zero(s: &str) -> std::result::Result<u64, String> {
    if s.trim() == "0" {
        return Ok(0);
    }
    parse_size(s)
}

/// `2G`, `256M`, `512k`, `1000`: a size in bytes.
fn parse_size(s: &str) -> std::result::Result<u64, String> {
    boilercut::config::parse_size(s)
}

#[derive(Args, Debug, Default)]
struct CleanArgs {
    /// Add the removed byte ranges of the original text to each record as
    /// NAME: [[start,end],...] (UTF-8 byte offsets).
    #[arg(long, value_name = "NAME")]
    spans_field: Option<String>,
    /// Write a self-contained HTML report of what was removed, per site,
    /// and why (no scripts; opens offline).
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// Write the report's data as JSON.
    #[arg(long, value_name = "FILE.json")]
    report_json: Option<PathBuf>,
}

/// Options of `clean` only.
#[derive(Args, Debug)]
struct FloorArgs {
    /// Benchmark floor: skip learning and cleaning; only read, split, parse
    /// and write every record back (unchanged). Shows what the I/O costs.
    #[arg(long)]
    parse_only: bool,
}

/// Policy for bad records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Stop with exit status 2 and leave no output.
    Fail,
    /// Drop the record and count it.
    Skip,
    /// Write the line through unchanged and count it.
    Keep,
}

/// Whether an error is a closed output pipe (`| head`), which ends quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub fn run() -> Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return Ok(ExitCode::from(code));
        }
    };
    match cli.command {
        Command::Clean {
            io,
            learn,
            clean,
            floor,
        } => {
            let (builder, _spill) = builder(&learn, &io.fields)?;
            let opts = options(&io.fields, &io.run, &clean)?;
            let plan = input::Plan::new(&io.inputs, &io.output)?;
            plan.check_outputs(&report_paths(&clean))?;
            let pool = pool(io.run.threads)?;
            pool.install(|| -> Result<ExitCode> {
                let (model, learned) = if floor.parse_only {
                    // A model with no group cuts nothing: every record is
                    // parsed and written back as it is.
                    let model = builder
                        .build()
                        .map_err(|e| anyhow::anyhow!(UsageError(e.to_string())))?
                        .finish()?;
                    (model, None)
                } else {
                    let (model, stats) = pipeline::learn(&plan, &opts, &builder)?;
                    (model, Some(stats))
                };
                pipeline::clean(&plan, &opts, &model, learned.as_ref())
            })
        }
        Command::Learn {
            inputs,
            output,
            shard_out,
            fields,
            learn,
            run,
        } => {
            let (builder, _spill) = builder(&learn, &fields)?;
            let opts = options(&fields, &run, &CleanArgs::default())?;
            let target = output
                .as_ref()
                .or(shard_out.as_ref())
                .expect("clap requires one");
            let plan = input::Plan::new(&inputs, &target.to_string_lossy())?;
            let pool = pool(run.threads)?;
            if let Some(counts) = shard_out {
                let learner = pool.install(|| pipeline::count(&plan, &opts, &builder))?;
                let mut f = output::AtomicFile::create_plain(&counts)?;
                learner
                    .write_counts(&mut f)
                    .with_context(|| format!("{}: cannot write counts", counts.display()))?;
                f.commit()?;
                if !opts.quiet {
                    eprintln!(
                        "boilercut: counts of {} documents{} written to {} ({})",
                        learner.docs(),
                        report::skipped_note(&learner.stats()),
                        counts.display(),
                        pipeline::memory_note(&learner.stats())
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            let output = output.expect("clap requires one");
            let (model, _) = pool.install(|| pipeline::learn(&plan, &opts, &builder))?;
            output::write_atomic(&output, &model.to_bytes())
                .with_context(|| format!("{}: cannot write model", output.display()))?;
            if !opts.quiet {
                eprintln!(
                    "boilercut: model with {} frequent features over {} groups written to {}",
                    model.len(),
                    model.groups().len(),
                    output.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Apply { model, io, clean } => {
            let model_path = model;
            let bytes = std::fs::read(&model_path)
                .with_context(|| format!("{}: cannot read model", model_path.display()))?;
            let model =
                Model::from_bytes(&bytes).with_context(|| model_path.display().to_string())?;
            let spec = input_spec(&io.fields);
            if !model.input_spec().is_empty() && model.input_spec() != spec {
                // Allowed (a crawler may store pages differently), but most
                // often a forgotten --group-field: every group unknown.
                eprintln!(
                    "boilercut: warning: {} was learned from inputs read as {:?}, these are read as {:?}",
                    model_path.display(),
                    model.input_spec(),
                    spec
                );
            }
            let opts = options(&io.fields, &io.run, &clean)?;
            let plan = input::Plan::new(&io.inputs, &io.output)?;
            let mut protected = report_paths(&clean);
            protected.push(model_path.as_path());
            plan.check_outputs(&protected)?;
            drop(bytes);
            pool(io.run.threads)?.install(|| pipeline::clean(&plan, &opts, &model, None))
        }
        Command::Merge {
            counts,
            output,
            quiet,
        } => {
            if let Some(out) = input::identity(&output) {
                if let Some(c) = counts.iter().find(|c| input::identity(c) == Some(out)) {
                    bail!(UsageError(format!(
                        "{}: output would overwrite the count file {}",
                        output.display(),
                        c.display()
                    )));
                }
            }
            let mut files = Vec::new();
            for c in &counts {
                files.push(
                    std::fs::File::open(c)
                        .with_context(|| format!("{}: cannot read", c.display()))?,
                );
            }
            let name = |i: usize| {
                counts
                    .get(i)
                    .map_or("?".into(), |p| p.display().to_string())
            };
            let (model, stats) = match boilercut::merge_count_files_with_stats(files) {
                Ok(merged) => merged,
                Err(CountsError::SameContent { first, second }) => bail!(
                    "{} and {} have the same content: the same count file twice would count its documents twice",
                    name(first),
                    name(second)
                ),
                Err(CountsError::Differs { first, other, what }) => bail!(
                    "{} and {} cannot be merged: {what}",
                    name(first),
                    name(other)
                ),
                Err(e) => {
                    return Err(e).with_context(|| format!("merging {} count files", counts.len()))
                }
            };
            if stats.cross_shard_duplicates > 0 {
                // Loud even with -q: the model is not what one learn gives.
                eprintln!(
                    "boilercut: WARNING: {} documents were in more than one count file; their features \
                     were counted once per file, so this model may cut more than one learn over all \
                     inputs would. Sharding the inputs by group (or by text hash) keeps merge exact.",
                    stats.cross_shard_duplicates
                );
            }
            output::write_atomic(&output, &model.to_bytes())
                .with_context(|| format!("{}: cannot write model", output.display()))?;
            if !quiet {
                eprintln!(
                    "boilercut: merged {} count files into a model with {} frequent features over {} groups: {}",
                    counts.len(),
                    model.len(),
                    model.groups().len(),
                    output.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stream {
            inputs,
            output,
            fields,
            online,
            clean,
            on_error,
            quiet,
        } => {
            let run = RunArgs {
                threads: None,
                on_error,
                quiet,
            };
            if clean.report.is_some() || clean.report_json.is_some() {
                bail!(UsageError(
                    "stream writes no --report (clean and apply do)".into()
                ));
            }
            let opts = options(&fields, &run, &clean)?;
            let mut learn = LearnerBuilder::new();
            learn
                .input_spec(input_spec(&fields))
                .min_docs(online.min_docs)
                .min_fraction(online.min_fraction)
                .shingle_words(online.shingle_words);
            let mut b = boilercut::OnlineBuilder::new();
            b.learning(learn)
                .hold_pages(online.hold_pages)
                .hold_bytes(online.hold_bytes)
                .max_wait(online.max_wait)
                .half_every(online.half_every)
                .memory_limit(online.memory / 3 * 2)
                .once_filter(online.once_filter);
            if let Some(path) = &online.warm_start {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("{}: cannot read model", path.display()))?;
                b.warm_start(
                    Model::from_bytes(&bytes).with_context(|| path.display().to_string())?,
                );
            }
            if let Err(e) = b.build() {
                bail!(UsageError(e.to_string()));
            }
            let plan = stream::StreamPlan {
                inputs,
                output,
                builder: b,
                input_spec: input_spec(&fields),
                state: online.state,
                state_every: online.state_every,
                keep_held: online.keep_held,
            };
            stream::run(plan, &opts)
        }
        Command::Eval {
            labels,
            gold_field,
            original,
            output,
            id_field,
            text_field,
            group_field,
            spans_field,
            per_group,
            cut_edges,
            json,
        } => {
            match (labels, gold_field, original) {
                (Some(labels), _, _) => {
                    let id_field = id_field.as_deref().unwrap_or("id");
                    report::eval(&labels, &output, id_field, &text_field, json)?;
                }
                (None, Some(gold_field), Some(original)) => {
                    let opts = report::GoldOptions {
                        gold_field,
                        text_field,
                        id_field,
                        group_field,
                        spans_field,
                        per_group,
                        cut_edges,
                        json,
                    };
                    return report::eval_gold(&original, &output, &opts);
                }
                _ => bail!("eval needs --labels, or --gold-field with --original"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The learner's options, and the run's own folder for spilled counts
/// (removed at the end, on error and on a signal).
fn builder(a: &LearnArgs, f: &FieldArgs) -> Result<(LearnerBuilder, cleanup::Guard)> {
    let parent = a.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
    let spill = cleanup::run_dir(&parent).with_context(|| {
        format!(
            "{}: cannot create a folder for spilled counts",
            parent.display()
        )
    })?;
    let mut b = LearnerBuilder::new();
    b.input_spec(input_spec(f))
        .min_docs(a.min_docs)
        .min_fraction(a.min_fraction)
        .shingle_words(a.shingle_words)
        // The learner gets three quarters of the budget; the rest covers
        // the reader's and the workers' buffers.
        .memory_limit(Some(a.memory / 4 * 3))
        .spill_dir(Some(spill.path().to_path_buf()));
    if let Err(e) = b.config() {
        bail!(UsageError(e.to_string()));
    }
    Ok((b, spill))
}

/// How the fields of `f` read records, stored in count files and models so
/// that `merge` refuses shards read differently.
fn input_spec(f: &FieldArgs) -> String {
    let group = match (&f.group_field, &f.group_by_host) {
        (Some(field), _) => format!("field:{field}"),
        (None, Some(url)) => format!("host:{url}"),
        (None, None) => "none".into(),
    };
    format!("text={};group={group}", f.text_field)
}

/// The report files of a run: no input may be one of them.
fn report_paths(c: &CleanArgs) -> Vec<&std::path::Path> {
    [&c.report, &c.report_json]
        .into_iter()
        .flatten()
        .map(|p| p.as_path())
        .collect()
}

fn options(f: &FieldArgs, r: &RunArgs, c: &CleanArgs) -> Result<pipeline::Options> {
    let spans_field = c.spans_field.clone();
    if let Some(g) = &f.group_field {
        if g.split(',').count() > boilercut::jsonl::MAX_GROUP_FIELDS
            || g.split(',').any(|p| p.trim().is_empty())
        {
            bail!(UsageError(format!(
                "--group-field {g:?}: one to {} field names separated by commas",
                boilercut::jsonl::MAX_GROUP_FIELDS
            )));
        }
    }
    if let Some(name) = &spans_field {
        let taken = [
            Some(&f.text_field),
            f.group_field.as_ref(),
            f.group_by_host.as_ref(),
        ];
        if taken.iter().flatten().any(|t| *t == name) {
            bail!(UsageError(format!(
                "--spans-field {name}: that field is read by boilercut (text or group); choose another name"
            )));
        }
    }
    Ok(pipeline::Options {
        fields: Fields {
            text: f.text_field.clone(),
            group: f.group_field.clone(),
            host_of: f.group_by_host.clone(),
            reserved: spans_field.clone(),
        },
        spans_field,
        on_error: r.on_error,
        quiet: r.quiet,
        report_html: c.report.clone(),
        report_json: c.report_json.clone(),
    })
}

/// More threads than this only cost memory (each holds chunks of 4 MiB)
/// and start-up time.
const MAX_THREADS: usize = 256;

fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            bail!(UsageError("-j must be at least 1".into()));
        }
        if n > MAX_THREADS {
            bail!(UsageError(format!("-j {n}: at most {MAX_THREADS} threads")));
        }
        b = b.num_threads(n);
    }
    Ok(b.build()?)
}

/// An error in how boilercut was called (exit status 1).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}
