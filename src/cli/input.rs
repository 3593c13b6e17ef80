//! Inputs: which files to read, how to open them, and the reader thread that
//! cuts them into chunks of whole lines.

use super::UsageError;
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
    /// Files found in input directories but not read (other extensions).
    pub ignored: u64,
    _stdin_spool: Option<Spool>,
}

/// Standard input copied to a temporary file, so that it can be read twice
/// (learn, then clean). Removed when dropped.
#[derive(Debug)]
struct Spool(PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn kind_of(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".txt") {
        Some(Kind::Txt)
    } else if [
        ".jsonl",
        ".jsonl.gz",
        ".jsonl.zst",
        ".ndjson",
        ".ndjson.gz",
        ".ndjson.zst",
        ".json.gz",
        ".json",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
    {
        Some(Kind::Jsonl)
    } else {
        None
    }
}

impl Plan {
    pub fn new(inputs: &[String], output: &str) -> Result<Plan> {
        let mut sources = Vec::new();
        let mut ignored = 0;
        let mut spool = None;
        let mut any_dir = false;
        for input in inputs {
            if input == "-" {
                if spool.is_some() {
                    bail!(UsageError("standard input (-) given twice".into()));
                }
                let path = std::env::temp_dir()
                    .join(format!("boilercut-stdin-{}.jsonl", std::process::id()));
                let mut f = File::create(&path)
                    .with_context(|| format!("{}: cannot create", path.display()))?;
                io::copy(&mut io::stdin().lock(), &mut f).context("<stdin>: cannot read")?;
                let size = f.metadata().map(|m| m.len()).unwrap_or(0);
                spool = Some(Spool(path.clone()));
                sources.push(Source {
                    path,
                    display: "<stdin>".into(),
                    rel: "stdin.jsonl".into(),
                    kind: Kind::Jsonl,
                    group: String::new(),
                    size,
                });
                continue;
            }
            let path = PathBuf::from(input);
            let meta = std::fs::metadata(&path).with_context(|| format!("{input}: cannot read"))?;
            if meta.is_dir() {
                any_dir = true;
                let root_name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let mut files = Vec::new();
                walk(&path, &mut files).with_context(|| format!("{input}: cannot list"))?;
                files.sort();
                for f in files {
                    let name = f
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let Some(kind) = kind_of(&name) else {
                        ignored += 1;
                        continue;
                    };
                    let rel = f.strip_prefix(&path).unwrap_or(&f).to_path_buf();
                    let group = match rel.parent() {
                        Some(p) if !p.as_os_str().is_empty() => p.to_string_lossy().into_owned(),
                        _ => root_name.clone(),
                    };
                    let size = std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
                    sources.push(Source {
                        display: f.display().to_string(),
                        path: f,
                        rel,
                        kind,
                        group,
                        size,
                    });
                }
            } else {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
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
                    size: meta.len(),
                });
            }
        }
        let target = if output == "-" {
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
            ignored,
            _stdin_spool: spool,
        };
        plan.check_no_clobber()?;
        Ok(plan)
    }

    /// Refuse to write over an input.
    fn check_no_clobber(&self) -> Result<()> {
        let inputs: Vec<PathBuf> = self
            .sources
            .iter()
            .filter_map(|s| s.path.canonicalize().ok())
            .collect();
        let clash = |out: &Path| {
            let dir = out.parent().and_then(|d| d.canonicalize().ok());
            let name = out.file_name();
            match (dir, name) {
                (Some(d), Some(n)) => inputs.contains(&d.join(n)),
                _ => false,
            }
        };
        let outs: Vec<PathBuf> = match &self.target {
            Target::Stdout => vec![],
            Target::File(p) => vec![p.clone()],
            Target::Dir(d) => self.sources.iter().map(|s| d.join(&s.rel)).collect(),
        };
        for o in outs {
            if clash(&o) {
                bail!(UsageError(format!(
                    "{}: output would overwrite an input",
                    o.display()
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

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let ft = entry.file_type()?;
        if ft.is_dir() {
            walk(&entry.path(), out)?;
        } else if ft.is_file() || ft.is_symlink() {
            out.push(entry.path());
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

/// Open a file, decompressing gzip or zstd when its first bytes say so.
fn open(path: &Path, count: Arc<AtomicU64>) -> io::Result<Box<dyn Read + Send>> {
    let mut file = BufReader::with_capacity(
        1 << 20,
        Counting {
            inner: File::open(path)?,
            count,
        },
    );
    let head = {
        use std::io::BufRead;
        file.fill_buf()?.to_vec()
    };
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::bufread::MultiGzDecoder::new(file))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(zstd::Decoder::with_buffer(file)?)
    } else {
        Box::new(file)
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
/// lines, at most `ahead` chunks in advance.
pub fn read_all(
    plan: &Plan,
    ahead: usize,
    count: Arc<AtomicU64>,
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
                tx.send((seq - 1, Ok(Chunk { source: i, data }))).is_ok()
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
    let mut r = open(path, count)?;
    if kind == Kind::Txt {
        let mut data = Vec::new();
        r.read_to_end(&mut data)?;
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
