//! Inputs: which files to read, how to open them, and the reader thread that
//! cuts them into chunks of whole lines.

use super::{cleanup, UsageError};
use anyhow::{bail, Context, Result};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

/// Size of the chunks a file is cut into (extended to the next newline).
pub const CHUNK: usize = 4 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One JSON record per line.
    Jsonl,
    /// A whole file is one document.
    Txt,
}

#[derive(Debug)]
pub struct Source {
    /// Where to read from.
    pub path: PathBuf,
    /// How to name it in messages.
    pub display: String,
    /// Path relative to its input root, for mirroring into an output folder.
    pub rel: PathBuf,
    pub kind: Kind,
    /// For text files: the group (parent folder).
    pub group: String,
    /// Size on disk, for progress.
    pub size: u64,
}

#[derive(Debug)]
pub enum Target {
    Stdout,
    File(PathBuf),
    Dir(PathBuf),
}

/// The inputs of a run and where its output goes.
#[derive(Debug)]
pub struct Plan {
    pub sources: Vec<Source>,
    pub target: Target,
    /// Files found in input folders and not read, by reason.
    pub skipped: Skipped,
    /// Where inputs that can be read only once were copied (standard
    /// input, pipes): removed at the end, on error and on a signal.
    _spool_dir: Option<cleanup::Guard>,
}

/// Files found in input folders and not read. The rule: a folder is searched
/// recursively, following symbolic links (each real folder once); a file is
/// read when its name ends with `.jsonl`, `.ndjson` or `.json`, optionally
/// followed by `.gz`, `.zst` or `.zstd`, or with `.txt`. Hidden names
/// (starting with `.`) and files that are not regular (pipes, sockets,
/// devices) are skipped. Everything skipped is counted in the summary.
#[derive(Debug, Default)]
pub struct Skipped {
    /// Names with other extensions.
    pub other: u64,
    /// Hidden files and folders.
    pub hidden: u64,
    /// Pipes, sockets, devices, dangling links.
    pub not_regular: u64,
    /// One skipped path, as an example.
    pub example: Option<String>,
}

impl Skipped {
    pub fn total(&self) -> u64 {
        self.other + self.hidden + self.not_regular
    }

    fn note(&mut self, path: &Path) {
        if self.example.is_none() {
            self.example = Some(path.display().to_string());
        }
    }
}

fn kind_of(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".txt") {
        return Some(Kind::Txt);
    }
    let base = [".gz", ".zst", ".zstd"]
        .iter()
        .find_map(|c| lower.strip_suffix(c))
        .unwrap_or(&lower);
    [".jsonl", ".ndjson", ".json"]
        .iter()
        .any(|e| base.ends_with(e))
        .then_some(Kind::Jsonl)
}

/// Compressions that boilercut does not read, by their first bytes.
fn unsupported_compression(head: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"BZh", "bzip2"),
        (b"\xfd7zXZ\x00", "xz"),
        (b"\x5d\x00\x00", "lzma"),
        (b"\x04\x22\x4d\x18", "lz4"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
        (b"PK\x03\x04", "zip"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| head.starts_with(m))
        .map(|(_, name)| *name)
}

/// Refuse a file compressed in a way boilercut cannot read, instead of
/// passing its bytes through as if they were invalid text.
fn check_readable(path: &Path, display: &str) -> Result<()> {
    let mut head = [0u8; 8];
    let mut f = File::open(path).with_context(|| format!("{display}: cannot read"))?;
    let mut got = 0;
    while got < head.len() {
        match f.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(anyhow::Error::new(e).context(format!("{display}: cannot read"))),
        }
    }
    if let Some(name) = unsupported_compression(&head[..got]) {
        bail!(
            "{display}: {name}-compressed input is not supported (gzip and zstd are); \
             decompress it first, e.g. into `boilercut ... -`"
        );
    }
    Ok(())
}

/// The paths that mean this process's standard output.
pub fn is_stdout_path(output: &str) -> bool {
    matches!(output, "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1")
}

/// The identity of a file (device and inode, links followed), so that two
/// spellings of one file compare equal.
#[cfg(unix)]
pub fn identity(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub fn identity(p: &Path) -> Option<PathBuf> {
    p.canonicalize().ok()
}

impl Plan {
    pub fn new(inputs: &[String], output: &str) -> Result<Plan> {
        let mut sources = Vec::new();
        let mut skipped = Skipped::default();
        let mut spool_dir: Option<cleanup::Guard> = None;
        let mut any_dir = false;
        let mut stdin_taken = false;
        for input in inputs {
            let path = PathBuf::from(input);
            let meta = if input == "-" {
                None
            } else {
                Some(std::fs::metadata(&path).with_context(|| format!("{input}: cannot read"))?)
            };
            match meta {
                Some(m) if m.is_dir() => {
                    any_dir = true;
                    let root_name = path
                        .canonicalize()
                        .ok()
                        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                        .unwrap_or_default();
                    let mut files = Vec::new();
                    let mut seen = std::collections::HashSet::new();
                    walk(&path, &mut files, &mut skipped, &mut seen)
                        .with_context(|| format!("{input}: cannot list"))?;
                    files.sort();
                    for f in files {
                        let name = f
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let Some(kind) = kind_of(&name) else {
                            // `x.jsonl.bz2`: records in a compression that
                            // is not read are refused, not skipped.
                            if let Some((base, _)) = name.rsplit_once('.') {
                                if kind_of(base).is_some() {
                                    check_readable(&f, &f.display().to_string())?;
                                }
                            }
                            skipped.other += 1;
                            skipped.note(&f);
                            continue;
                        };
                        let display = f.display().to_string();
                        check_readable(&f, &display)?;
                        let rel = f.strip_prefix(&path).unwrap_or(&f).to_path_buf();
                        let group = match rel.parent() {
                            Some(p) if !p.as_os_str().is_empty() => {
                                p.to_string_lossy().into_owned()
                            }
                            _ => root_name.clone(),
                        };
                        let size = std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
                        sources.push(Source {
                            display,
                            path: f,
                            rel,
                            kind,
                            group,
                            size,
                        });
                    }
                }
                Some(m) if m.is_file() => {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    check_readable(&path, input)?;
                    let kind = kind_of(&name).unwrap_or(Kind::Jsonl);
                    let group = path
                        .parent()
                        .and_then(|p| p.canonicalize().ok())
                        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                        .unwrap_or_default();
                    sources.push(Source {
                        display: input.clone(),
                        rel: PathBuf::from(&name),
                        path,
                        kind,
                        group,
                        size: m.len(),
                    });
                }
                // Standard input, a pipe, `<(...)`, a named FIFO, a device:
                // readable once, and a run reads its inputs twice (learn,
                // then clean), so it is copied to a file first.
                _ => {
                    let is_stdin = input == "-"
                        || matches!(
                            input.as_str(),
                            "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0"
                        );
                    if is_stdin {
                        if stdin_taken {
                            bail!(UsageError("standard input given twice".into()));
                        }
                        stdin_taken = true;
                    }
                    let dir = match &spool_dir {
                        Some(d) => d.path().to_path_buf(),
                        None => {
                            let d = cleanup::run_dir(&std::env::temp_dir()).with_context(|| {
                                format!(
                                    "{}: cannot create a folder",
                                    std::env::temp_dir().display()
                                )
                            })?;
                            let p = d.path().to_path_buf();
                            spool_dir = Some(d);
                            p
                        }
                    };
                    let spool = dir.join(format!("input-{}.jsonl", sources.len()));
                    let (mut f, guard) = cleanup::create_file(&spool, |p| File::create(p))
                        .with_context(|| format!("{}: cannot create", spool.display()))?;
                    // The spool folder's guard removes it with the folder.
                    guard.keep();
                    let display = if input == "-" {
                        "<stdin>".to_string()
                    } else {
                        input.clone()
                    };
                    let copied = if input == "-" {
                        io::copy(&mut io::stdin().lock(), &mut f)
                    } else {
                        File::open(&path).and_then(|mut r| io::copy(&mut r, &mut f))
                    };
                    let size = copied.with_context(|| {
                        format!("{display}: cannot copy to {}", spool.display())
                    })?;
                    check_readable(&spool, &display)?;
                    let name = if input == "-" {
                        "stdin.jsonl".to_string()
                    } else {
                        path.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_else(|| "input.jsonl".into())
                    };
                    sources.push(Source {
                        path: spool,
                        display,
                        kind: kind_of(&name).unwrap_or(Kind::Jsonl),
                        rel: PathBuf::from(name),
                        group: String::new(),
                        size,
                    });
                }
            }
        }
        let target = if output == "-" || is_stdout_path(output) {
            Target::Stdout
        } else {
            let p = PathBuf::from(output);
            if p.is_dir()
                || output.ends_with('/')
                || any_dir
                || sources.iter().any(|s| s.kind == Kind::Txt)
            {
                Target::Dir(p)
            } else {
                Target::File(p)
            }
        };
        if matches!(target, Target::Stdout | Target::File(_))
            && sources.iter().any(|s| s.kind == Kind::Txt)
        {
            bail!(UsageError(".txt inputs need an output directory".into()));
        }
        let plan = Plan {
            sources,
            target,
            skipped,
            _spool_dir: spool_dir,
        };
        plan.check_outputs(&[])?;
        Ok(plan)
    }

    /// The files this run writes.
    pub fn outputs(&self) -> Vec<PathBuf> {
        match &self.target {
            Target::Stdout => vec![],
            Target::File(p) => vec![p.clone()],
            Target::Dir(d) => self.sources.iter().map(|s| d.join(&s.rel)).collect(),
        }
    }

    /// Refuse to write over an input or over one of `protected` (a model
    /// being applied), compared by identity (device and inode, links
    /// followed), not by spelling; and refuse two inputs that would be
    /// written to one output.
    pub fn check_outputs(&self, protected: &[&Path]) -> Result<()> {
        let mut keep: Vec<(_, String)> = self
            .sources
            .iter()
            .filter_map(|s| identity(&s.path).map(|id| (id, s.display.clone())))
            .collect();
        keep.extend(
            protected
                .iter()
                .filter_map(|p| identity(p).map(|id| (id, p.display().to_string()))),
        );
        let outs = self.outputs();
        for o in &outs {
            if let Some(id) = identity(o) {
                if let Some((_, what)) = keep.iter().find(|(k, _)| *k == id) {
                    bail!(UsageError(format!(
                        "{}: output would overwrite the input {what}",
                        o.display()
                    )));
                }
            }
        }
        let mut seen: std::collections::HashMap<&Path, &str> = Default::default();
        for (o, s) in outs.iter().zip(&self.sources) {
            if let Some(first) = seen.insert(o.as_path(), &s.display) {
                bail!(UsageError(format!(
                    "{}: both {first} and {} would be written there; give inputs with distinct \
                     file names, or one output folder per input",
                    o.display(),
                    s.display
                )));
            }
        }
        Ok(())
    }

    pub fn total_bytes(&self) -> u64 {
        self.sources.iter().map(|s| s.size).sum()
    }

    /// About how many bytes the inputs hold once decompressed (news text
    /// compresses about 4 to 1), to size the learner's tables.
    pub fn expanded_bytes(&self) -> u64 {
        self.sources
            .iter()
            .map(|s| {
                let name = s.path.to_string_lossy().to_ascii_lowercase();
                if name.ends_with(".gz") || name.ends_with(".zst") {
                    s.size.saturating_mul(4)
                } else {
                    s.size
                }
            })
            .sum()
    }
}

/// List the files under `dir`, following links, each real folder once.
fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    skipped: &mut Skipped,
    seen: &mut std::collections::HashSet<PathBuf>,
) -> io::Result<()> {
    if !seen.insert(dir.canonicalize()?) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            skipped.hidden += 1;
            skipped.note(&path);
            continue;
        }
        // Links are followed: what counts is what they point to.
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, out, skipped, seen)?,
            Ok(m) if m.is_file() => out.push(path),
            _ => {
                skipped.not_regular += 1;
                skipped.note(&path);
            }
        }
    }
    Ok(())
}

/// Counts the bytes read from disk, for progress.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Open a file, decompressing gzip or zstd when its first bytes say so. The
/// bytes read from a compressed file are added to `count` (for the progress
/// line) as they are read; a plain file is returned without a counter, and
/// `false` says the caller counts what it reads: a counting wrapper has no
/// `read_buf` (unstable), so every large read through it would zero-fill the
/// caller's buffer first (12.6M instructions of memset a pass over 17 MB).
pub fn open(path: &Path, count: Arc<AtomicU64>) -> io::Result<(Box<dyn Read + Send>, bool)> {
    let mut file = BufReader::with_capacity(1 << 20, File::open(path)?);
    let head = {
        use std::io::BufRead;
        file.fill_buf()?.to_vec()
    };
    let counted = |file| BufReader::with_capacity(1 << 16, Counting { inner: file, count });
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        (
            Box::new(flate2::bufread::MultiGzDecoder::new(counted(file))),
            true,
        )
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        (Box::new(zstd::Decoder::with_buffer(counted(file))?), true)
    } else {
        (Box::new(file), false)
    })
}

/// A piece of one source: whole lines (or, for a text file, the whole file).
pub struct Chunk {
    pub source: usize,
    pub data: Vec<u8>,
}

/// A chunk, or the error that ended reading.
pub type Item = std::result::Result<Chunk, anyhow::Error>;

/// Read every source in order on a thread of its own, in chunks of whole
/// lines, at most `ahead` chunks in advance. The thread stops at the next
/// chunk when `stop` is set or when the receiver is dropped; never wait for
/// it while holding the receiver.
pub fn read_all(
    plan: &Plan,
    ahead: usize,
    count: Arc<AtomicU64>,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> (Receiver<(u64, Item)>, std::thread::JoinHandle<()>) {
    let (tx, rx) = sync_channel::<(u64, Item)>(ahead);
    let jobs: Vec<(PathBuf, String, Kind)> = plan
        .sources
        .iter()
        .map(|s| (s.path.clone(), s.display.clone(), s.kind))
        .collect();
    let handle = std::thread::spawn(move || {
        // Chunks are numbered so that results can be put back in order.
        let mut seq = 0u64;
        for (i, (path, display, kind)) in jobs.into_iter().enumerate() {
            let sent = read_source(&path, kind, count.clone(), |data| {
                seq += 1;
                !stop.load(Ordering::Relaxed)
                    && tx.send((seq - 1, Ok(Chunk { source: i, data }))).is_ok()
            });
            match sent {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    let e = anyhow::Error::new(e).context(format!("{display}: read failed"));
                    let _ = tx.send((seq, Err(e)));
                    return;
                }
            }
        }
    });
    (rx, handle)
}

/// Read one source, calling `send` with each chunk; `Ok(false)` when the
/// receiver has gone.
fn read_source(
    path: &Path,
    kind: Kind,
    count: Arc<AtomicU64>,
    mut send: impl FnMut(Vec<u8>) -> bool,
) -> io::Result<bool> {
    let (mut r, counted) = open(path, count.clone())?;
    let tally = |n: usize| {
        if !counted {
            count.fetch_add(n as u64, Ordering::Relaxed);
        }
    };
    if kind == Kind::Txt {
        let mut data = Vec::new();
        r.read_to_end(&mut data)?;
        tally(data.len());
        return Ok(send(data));
    }
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let mut buf = Vec::with_capacity(carry.len() + CHUNK + 64 * 1024);
        buf.append(&mut carry);
        let filled = buf.len();
        // Read up to CHUNK more bytes straight into spare capacity (no
        // zero-filling of the buffer).
        let got = (&mut r).take(CHUNK as u64).read_to_end(&mut buf)?;
        tally(got);
        if got == 0 {
            if !buf.is_empty() && !send(buf) {
                return Ok(false);
            }
            return Ok(true);
        }
        match memchr::memrchr(b'\n', &buf[filled..]) {
            Some(p) => {
                let cut = filled + p + 1;
                carry = buf[cut..].to_vec();
                buf.truncate(cut);
                if !send(buf) {
                    return Ok(false);
                }
            }
            // No newline yet: a very long line; keep reading into it.
            None => carry = buf,
        }
    }
}
