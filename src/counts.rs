//! Count files: the exact document frequencies of a learner, sorted by key,
//! written as the shard output of a distributed learn, and merged back.
//!
//! Merging sums counts, which is associative and commutative, so a model
//! made from merged shards is byte-identical to the model of one run over
//! all inputs. Count file layout (little-endian):
//! ```text
//! magic "BCUTCNTS", u32 version 1, u64 hash seed, options (as in a model),
//! u32 groups, per group: u32 name length, name, u64 docs
//! entries sorted by key: u64 key (never 0), u32 df, u32 group index
//! end mark: u64 0, u64 number of entries
//! u64 xxh3 checksum of every byte before it
//! ```

use crate::config::Config;
use crate::model::Model;
use crate::tokenize::HASH_SEED;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;
use std::io::{self, BufReader, BufWriter, Read, Write};
use xxhash_rust::xxh3::Xxh3;

const MAGIC: &[u8; 8] = b"BCUTCNTS";
const VERSION: u32 = 1;

/// One count: key, document frequency, group index.
pub(crate) type Count = (u64, u32, u32);

/// A count file could not be read or written, or count files disagree.
#[derive(Debug)]
pub enum CountsError {
    /// Reading or writing failed.
    Io(io::Error),
    /// Not a count file, another version, or damaged.
    Corrupt(String),
    /// Count files learned with different options cannot be merged.
    Mismatch(String),
}

impl fmt::Display for CountsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CountsError::Io(e) => write!(f, "{e}"),
            CountsError::Corrupt(why) => write!(f, "damaged count file: {why}"),
            CountsError::Mismatch(why) => write!(f, "count files do not match: {why}"),
        }
    }
}

impl std::error::Error for CountsError {}

impl From<io::Error> for CountsError {
    fn from(e: io::Error) -> CountsError {
        CountsError::Io(e)
    }
}

/// A source of counts in ascending key order.
pub(crate) trait Source {
    fn next_count(&mut self) -> Result<Option<Count>, CountsError>;
}

fn encode(c: Count) -> [u8; 16] {
    let mut rec = [0u8; 16];
    rec[..8].copy_from_slice(&c.0.to_le_bytes());
    rec[8..12].copy_from_slice(&c.1.to_le_bytes());
    rec[12..].copy_from_slice(&c.2.to_le_bytes());
    rec
}

/// Merge sorted sources, summing the counts of equal keys (the group of the
/// first source that has the key wins), and call `f` in key order. `remap`
/// translates each source's group indices.
pub(crate) fn merge(
    mut sources: Vec<Box<dyn Source + '_>>,
    remap: &[Vec<u32>],
    mut f: impl FnMut(u64, u64, u32),
) -> Result<(), CountsError> {
    let mut heap = BinaryHeap::new();
    for (i, s) in sources.iter_mut().enumerate() {
        if let Some(c) = s.next_count()? {
            heap.push(Reverse((c.0, i, c.1, c.2)));
        }
    }
    let mut cur: Option<(u64, u64, u32)> = None;
    while let Some(Reverse((key, i, df, group))) = heap.pop() {
        let group = remap
            .get(i)
            .and_then(|m| m.get(group as usize))
            .copied()
            .unwrap_or(group);
        match &mut cur {
            Some(c) if c.0 == key => c.1 += u64::from(df),
            _ => {
                if let Some((k, d, g)) = cur.take() {
                    f(k, d, g);
                }
                cur = Some((key, u64::from(df), group));
            }
        }
        if let Some(c) = sources[i].next_count()? {
            heap.push(Reverse((c.0, i, c.1, c.2)));
        }
    }
    if let Some((k, d, g)) = cur {
        f(k, d, g);
    }
    Ok(())
}

/// The learning options as stored in model and count files.
pub(crate) fn config_bytes(c: &Config) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&(c.shingle_words as u32).to_le_bytes());
    b.extend_from_slice(&c.min_docs.to_le_bytes());
    b.extend_from_slice(&c.min_fraction.to_bits().to_le_bytes());
    b.extend_from_slice(&(c.max_gap as u32).to_le_bytes());
    b.extend_from_slice(&(c.min_run as u32).to_le_bytes());
    b.extend_from_slice(&(c.snap_words as u32).to_le_bytes());
    b.extend_from_slice(&u32::from(c.short_lines).to_le_bytes());
    b.extend_from_slice(&(c.max_affix_words as u32).to_le_bytes());
    b
}

/// Writes a count file, hashing as it goes.
struct Hashed<W: Write> {
    w: W,
    h: Xxh3,
}

impl<W: Write> Hashed<W> {
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.h.update(b);
        self.w.write_all(b)
    }
}

/// Write a count file: header, then the merged counts of `sources`.
/// `groups` are (name, docs) sorted by name; counts must use their indices.
pub(crate) fn write_count_file<W: Write>(
    w: W,
    config: &Config,
    groups: &[(String, u64)],
    sources: Vec<Box<dyn Source + '_>>,
    remap: &[Vec<u32>],
) -> Result<(), CountsError> {
    let mut out = Hashed {
        w: BufWriter::with_capacity(1 << 20, w),
        h: Xxh3::with_seed(HASH_SEED),
    };
    out.put(MAGIC)?;
    out.put(&VERSION.to_le_bytes())?;
    out.put(&HASH_SEED.to_le_bytes())?;
    out.put(&config_bytes(config))?;
    out.put(&(groups.len() as u32).to_le_bytes())?;
    for (name, docs) in groups {
        out.put(&(name.len() as u32).to_le_bytes())?;
        out.put(name.as_bytes())?;
        out.put(&docs.to_le_bytes())?;
    }
    let mut written = 0u64;
    let mut err = None;
    merge(sources, remap, |k, d, g| {
        if err.is_none() {
            written += 1;
            if let Err(e) = out.put(&encode((k, d.min(u64::from(u32::MAX)) as u32, g))) {
                err = Some(e);
            }
        }
    })?;
    if let Some(e) = err {
        return Err(e.into());
    }
    out.put(&0u64.to_le_bytes())?;
    out.put(&written.to_le_bytes())?;
    let sum = out.h.digest();
    out.w.write_all(&sum.to_le_bytes())?;
    out.w.flush()?;
    Ok(())
}

/// A count file being read: its header, then its entries as a [`Source`].
pub(crate) struct CountFile<R: Read> {
    r: BufReader<R>,
    h: Xxh3,
    pub(crate) config: Vec<u8>,
    pub(crate) cfg: Config,
    pub(crate) groups: Vec<(String, u64)>,
    read: u64,
    done: bool,
}

impl<R: Read> CountFile<R> {
    fn take(&mut self, n: usize) -> Result<Vec<u8>, CountsError> {
        let mut b = vec![0u8; n];
        self.r.read_exact(&mut b).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                CountsError::Corrupt("truncated".into())
            } else {
                CountsError::Io(e)
            }
        })?;
        self.h.update(&b);
        Ok(b)
    }
    fn u32(&mut self) -> Result<u32, CountsError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, CountsError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(&b);
        Ok(u64::from_le_bytes(a))
    }

    pub(crate) fn open(r: R) -> Result<CountFile<R>, CountsError> {
        let mut f = CountFile {
            r: BufReader::with_capacity(1 << 20, r),
            h: Xxh3::with_seed(HASH_SEED),
            config: Vec::new(),
            cfg: Config::default(),
            groups: Vec::new(),
            read: 0,
            done: false,
        };
        if f.take(8)? != MAGIC {
            return Err(CountsError::Corrupt("not a boilercut count file".into()));
        }
        let v = f.u32()?;
        if v != VERSION {
            return Err(CountsError::Corrupt(format!(
                "count file version {v} is not supported"
            )));
        }
        if f.u64()? != HASH_SEED {
            return Err(CountsError::Corrupt(
                "written with another hash seed".into(),
            ));
        }
        f.config = f.take(config_bytes(&Config::default()).len())?;
        let c = &f.config;
        let u = |i: usize| u32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
        let q = |i: usize| {
            u64::from_le_bytes([
                c[i],
                c[i + 1],
                c[i + 2],
                c[i + 3],
                c[i + 4],
                c[i + 5],
                c[i + 6],
                c[i + 7],
            ])
        };
        f.cfg = Config {
            shingle_words: u(0) as usize,
            min_docs: q(4),
            min_fraction: f64::from_bits(q(12)),
            max_gap: u(20) as usize,
            min_run: u(24) as usize,
            snap_words: u(28) as usize,
            short_lines: u(32) != 0,
            max_affix_words: u(36) as usize,
        };
        if crate::LearnerBuilder::from_config(f.cfg.clone())
            .config()
            .is_err()
        {
            return Err(CountsError::Corrupt("options out of range".into()));
        }
        let n = f.u32()?;
        for _ in 0..n {
            let len = f.u32()? as usize;
            if len > 1 << 20 {
                return Err(CountsError::Corrupt("group name too long".into()));
            }
            let name = String::from_utf8(f.take(len)?)
                .map_err(|_| CountsError::Corrupt("group name is not UTF-8".into()))?;
            let docs = f.u64()?;
            f.groups.push((name, docs));
        }
        Ok(f)
    }
}

impl<R: Read> Source for CountFile<R> {
    fn next_count(&mut self) -> Result<Option<Count>, CountsError> {
        if self.done {
            return Ok(None);
        }
        let key = self.u64()?;
        if key == 0 {
            let n = self.u64()?;
            if n != self.read {
                return Err(CountsError::Corrupt(format!(
                    "{} entries, the end mark says {n}",
                    self.read
                )));
            }
            let digest = self.h.digest();
            let mut sum = [0u8; 8];
            self.r
                .read_exact(&mut sum)
                .map_err(|_| CountsError::Corrupt("truncated".into()))?;
            if u64::from_le_bytes(sum) != digest {
                return Err(CountsError::Corrupt("checksum mismatch".into()));
            }
            self.done = true;
            return Ok(None);
        }
        let df = self.u32()?;
        let group = self.u32()?;
        if group as usize >= self.groups.len() {
            return Err(CountsError::Corrupt("group index out of range".into()));
        }
        self.read += 1;
        Ok(Some((key, df, group)))
    }
}

/// Merge count files into a model. The files must have been learned with the
/// same options; their groups are joined by name.
pub fn merge_count_files<R: Read>(files: Vec<R>) -> Result<Model, CountsError> {
    let mut opened = Vec::new();
    for r in files {
        opened.push(CountFile::open(r)?);
    }
    let Some(first) = opened.first() else {
        return Err(CountsError::Mismatch("no count files".into()));
    };
    let config = first.cfg.clone();
    if let Some(other) = opened.iter().find(|f| f.config != first.config) {
        return Err(CountsError::Mismatch(format!(
            "learned with different options ({:?} and {:?})",
            config, other.cfg
        )));
    }
    let (names, remap) = union_groups(opened.iter().map(|f| f.groups.as_slice()));
    let sources: Vec<Box<dyn Source>> = opened
        .into_iter()
        .map(|f| Box::new(f) as Box<dyn Source>)
        .collect();
    threshold(config, names, sources, &remap)
}

/// Join group tables by name: the union sorted by name, with documents
/// summed, and for each table the new index of each of its groups.
pub(crate) fn union_groups<'a>(
    tables: impl Iterator<Item = &'a [(String, u64)]>,
) -> (Vec<(String, u64)>, Vec<Vec<u32>>) {
    let tables: Vec<&[(String, u64)]> = tables.collect();
    let mut all: BTreeMap<&str, u64> = BTreeMap::new();
    for t in &tables {
        for (n, d) in t.iter() {
            *all.entry(n.as_str()).or_default() += d;
        }
    }
    let index: BTreeMap<&str, u32> = all
        .keys()
        .enumerate()
        .map(|(i, n)| (*n, i as u32))
        .collect();
    let remap = tables
        .iter()
        .map(|t| t.iter().map(|(n, _)| index[n.as_str()]).collect())
        .collect();
    let names = all.into_iter().map(|(n, d)| (n.to_string(), d)).collect();
    (names, remap)
}

/// The model of merged counts: keys whose document frequency reaches their
/// group's threshold.
pub(crate) fn threshold(
    config: Config,
    groups: Vec<(String, u64)>,
    sources: Vec<Box<dyn Source + '_>>,
    remap: &[Vec<u32>],
) -> Result<Model, CountsError> {
    let thresholds: Vec<u64> = groups.iter().map(|g| config.threshold(g.1)).collect();
    let mut per_group = vec![0u64; groups.len()];
    let mut keys = Vec::new();
    merge(sources, remap, |k, df, g| {
        if let Some(&t) = thresholds.get(g as usize) {
            if df >= t {
                keys.push(k);
                per_group[g as usize] += 1;
            }
        }
    })?;
    let stats = groups
        .into_iter()
        .zip(per_group)
        .map(|((n, d), f)| (n, d, f))
        .collect();
    Ok(Model::from_parts(config, stats, keys))
}
