//! Count files: the exact document frequencies of a learner, sorted by key,
//! written as the shard output of a distributed learn, and merged back.
//!
//! Merging sums counts, which is associative and commutative, so a model
//! made from merged shards is byte-identical to the model of one run over
//! all inputs. Count file layout (little-endian):
//! ```text
//! magic "BCUTCNTS", u32 version 3, u64 hash seed, options (as in a model),
//! u32 input spec length, input spec (UTF-8)
//! u32 groups, per group (sorted by name): u32 name length, name,
//!   u64 docs, then docs u128 text hashes (ascending, distinct)
//! entries sorted by key: u64 key (never 0), u32 df, u32 group index
//! end mark: u64 0, u64 number of entries
//! u128 xxh3-128 (seeded) of every byte before it: checksum and fingerprint
//! ```
//!
//! Each group lists the hashes of its distinct document texts, so that
//! merge knows how many distinct documents a group has (the denominator of
//! `min_fraction`) and finds documents that more than one shard counted. A
//! count file's bytes depend only on what it counted, so two files with the
//! same fingerprint are the same shard twice.

use crate::config::Config;
use crate::model::Model;
use crate::tokenize::HASH_SEED;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;
use std::io::{self, BufReader, BufWriter, Read, Write};
use xxhash_rust::xxh3::Xxh3;

const MAGIC: &[u8; 8] = b"BCUTCNTS";
const VERSION: u32 = 3;

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
    /// Count files `first` and `other` (indices in the list given to merge)
    /// were learned with different options or inputs read differently.
    Differs {
        /// The index of the file the others are compared with.
        first: usize,
        /// The index of the file that differs.
        other: usize,
        /// What differs.
        what: String,
    },
    /// Count files `first` and `second` (indices in the list given to
    /// merge) have the same content: one shard given twice, whose counts
    /// would double.
    SameContent {
        /// The index of the first copy.
        first: usize,
        /// The index of the second copy.
        second: usize,
    },
}

impl fmt::Display for CountsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CountsError::Io(e) => write!(f, "{e}"),
            CountsError::Corrupt(why) => write!(f, "damaged count file: {why}"),
            CountsError::Mismatch(why) => write!(f, "count files do not match: {why}"),
            CountsError::Differs { first, other, what } => write!(
                f,
                "count files {first} and {other} (from 0) do not match: {what}"
            ),
            CountsError::SameContent { first, second } => write!(
                f,
                "count files {first} and {second} (from 0) have the same content: \
                 the same shard twice would count its documents twice"
            ),
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
    b.extend_from_slice(&c.max_doc_bytes.to_le_bytes());
    b
}

/// The options stored by [`config_bytes`], read back (`b` has its length).
pub(crate) fn config_from_bytes(c: &[u8]) -> Config {
    let u = |i: usize| u32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
    let q = |i: usize| u64::from(u(i)) | u64::from(u(i + 4)) << 32;
    Config {
        shingle_words: u(0) as usize,
        min_docs: q(4),
        min_fraction: f64::from_bits(q(12)),
        max_gap: u(20) as usize,
        min_run: u(24) as usize,
        snap_words: u(28) as usize,
        short_lines: u(32) != 0,
        max_affix_words: u(36) as usize,
        max_doc_bytes: q(40),
        input_spec: String::new(),
    }
}

/// What differs between the options (and input descriptions) of two
/// learners, in words; `None` when they may be merged.
pub(crate) fn config_difference(a: &Config, b: &Config) -> Option<String> {
    let mut diffs = Vec::new();
    if a.input_spec != b.input_spec {
        diffs.push(format!(
            "inputs read as {:?} and {:?} (text and group fields)",
            a.input_spec, b.input_spec
        ));
    }
    macro_rules! field {
        ($name:ident, $what:expr) => {
            if a.$name != b.$name {
                diffs.push(format!("{} {:?} and {:?}", $what, a.$name, b.$name));
            }
        };
    }
    field!(min_docs, "min docs");
    field!(min_fraction, "min fraction");
    field!(shingle_words, "shingle words");
    field!(max_gap, "max gap");
    field!(min_run, "min run");
    field!(snap_words, "snap words");
    field!(short_lines, "short lines");
    field!(max_affix_words, "max affix words");
    if a.max_doc_bytes != b.max_doc_bytes {
        diffs.push(format!(
            "largest document learned {} and {} bytes (learned with different --memory or max doc bytes)",
            a.max_doc_bytes, b.max_doc_bytes
        ));
    }
    (!diffs.is_empty()).then(|| diffs.join("; "))
}

/// A group of a count file: name, and the hashes of its distinct document
/// texts, sorted.
pub(crate) type GroupDocs = (String, Vec<u128>);

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
/// `groups` are (name, document hashes) sorted by name; counts must use
/// their indices.
pub(crate) fn write_count_file<W: Write>(
    w: W,
    config: &Config,
    groups: &[GroupDocs],
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
    out.put(&(config.input_spec.len() as u32).to_le_bytes())?;
    out.put(config.input_spec.as_bytes())?;
    out.put(&(groups.len() as u32).to_le_bytes())?;
    for (name, docs) in groups {
        out.put(&(name.len() as u32).to_le_bytes())?;
        out.put(name.as_bytes())?;
        out.put(&(docs.len() as u64).to_le_bytes())?;
        for h in docs {
            out.put(&h.to_le_bytes())?;
        }
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
    let sum = out.h.digest128();
    out.w.write_all(&sum.to_le_bytes())?;
    out.w.flush()?;
    Ok(())
}

/// A count file being read: its header, then its entries as a [`Source`].
pub(crate) struct CountFile<R: Read> {
    r: BufReader<R>,
    h: Xxh3,
    pub(crate) cfg: Config,
    pub(crate) groups: Vec<GroupDocs>,
    read: u64,
    /// The hash of the header (options, input spec, groups and their
    /// documents), from which the counts follow.
    header: u128,
    /// The checksum, once the whole file is read and checked.
    pub(crate) fingerprint: Option<u128>,
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
            cfg: Config::default(),
            groups: Vec::new(),
            read: 0,
            header: 0,
            fingerprint: None,
        };
        if f.take(8)? != MAGIC {
            return Err(CountsError::Corrupt("not a boilercut count file".into()));
        }
        let v = f.u32()?;
        if v != VERSION {
            return Err(CountsError::Corrupt(format!(
                "count file version {v} is not supported (this build reads version {VERSION}: \
                 learn the shard again with this build)"
            )));
        }
        if f.u64()? != HASH_SEED {
            return Err(CountsError::Corrupt(
                "written with another hash seed".into(),
            ));
        }
        let config = f.take(config_bytes(&Config::default()).len())?;
        f.cfg = config_from_bytes(&config);
        let len = f.u32()? as usize;
        if len > 1 << 20 {
            return Err(CountsError::Corrupt("input spec too long".into()));
        }
        f.cfg.input_spec = String::from_utf8(f.take(len)?)
            .map_err(|_| CountsError::Corrupt("input spec is not UTF-8".into()))?;
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
            let mut hashes = Vec::new();
            let mut last = None;
            for _ in 0..docs {
                let b = f.take(16)?;
                let mut a = [0u8; 16];
                a.copy_from_slice(&b);
                let h = u128::from_le_bytes(a);
                if last.is_some_and(|l| l >= h) {
                    return Err(CountsError::Corrupt("document hashes out of order".into()));
                }
                last = Some(h);
                hashes.push(h);
            }
            f.groups.push((name, hashes));
        }
        f.header = f.h.digest128();
        Ok(f)
    }
}

impl<R: Read> Source for CountFile<R> {
    fn next_count(&mut self) -> Result<Option<Count>, CountsError> {
        if self.fingerprint.is_some() {
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
            let digest = self.h.digest128();
            let mut sum = [0u8; 16];
            self.r
                .read_exact(&mut sum)
                .map_err(|_| CountsError::Corrupt("truncated".into()))?;
            if u128::from_le_bytes(sum) != digest {
                return Err(CountsError::Corrupt("checksum mismatch".into()));
            }
            self.fingerprint = Some(digest);
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

/// What merging count files found besides the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Count files merged.
    pub files: u64,
    /// Distinct documents over all files (an exact copy within a group
    /// counts once).
    pub docs: u64,
    /// Distinct documents present in more than one count file. Their
    /// features were counted once per file: exact counts for them would
    /// need the documents. Sharding the inputs by group (or by text hash)
    /// keeps this 0 and merge exact.
    pub cross_shard_duplicates: u64,
}

/// Merge count files into a model. The files must have been learned with the
/// same options and inputs read the same way; their groups are joined by
/// name. See [`merge_count_files_with_stats`].
pub fn merge_count_files<R: Read>(files: Vec<R>) -> Result<Model, CountsError> {
    merge_count_files_with_stats(files).map(|(model, _)| model)
}

/// Merge count files into a model, and say how many documents more than one
/// file counted. Refuses files learned with different options or input
/// descriptions ([`CountsError::Differs`]) and the same file twice
/// ([`CountsError::SameContent`]), naming them by their index in `files`.
/// Without documents in more than one file the model is byte-identical to
/// one learn over all their inputs.
pub fn merge_count_files_with_stats<R: Read>(
    files: Vec<R>,
) -> Result<(Model, MergeStats), CountsError> {
    let mut opened = Vec::new();
    for r in files {
        opened.push(CountFile::open(r)?);
    }
    let Some(first) = opened.first() else {
        return Err(CountsError::Mismatch("no count files".into()));
    };
    let config = first.cfg.clone();
    for (i, f) in opened.iter().enumerate().skip(1) {
        if let Some(what) = config_difference(&config, &f.cfg) {
            return Err(CountsError::Differs {
                first: 0,
                other: i,
                what,
            });
        }
    }
    // The counts are a function of the documents: equal headers mean the
    // same shard twice, refused before the (long) merge. The fingerprints
    // of whole files are compared after it.
    same_content(opened.iter().map(|f| (f, Some(f.header))))?;
    let (names, remap, cross) = union_groups(opened.iter().map(|f| f.groups.as_slice()));
    let stats = MergeStats {
        files: opened.len() as u64,
        docs: names.iter().map(|g| g.1).sum(),
        cross_shard_duplicates: cross,
    };
    // Read to the end (through `threshold`), each file's checksum is its
    // fingerprint.
    let model = {
        let sources: Vec<Box<dyn Source + '_>> = opened
            .iter_mut()
            .map(|f| Box::new(f) as Box<dyn Source + '_>)
            .collect();
        threshold(config, names, sources, &remap)?
    };
    same_content(opened.iter().map(|f| (f, f.fingerprint)))?;
    Ok((model, stats))
}

/// Refuse two files with the same print, naming them by their order in
/// `prints`; files without documents are alike and harmless.
fn same_content<'a, R: Read + 'a>(
    prints: impl Iterator<Item = (&'a CountFile<R>, Option<u128>)>,
) -> Result<(), CountsError> {
    let mut seen: std::collections::HashMap<u128, usize> = Default::default();
    for (i, (f, print)) in prints.enumerate() {
        let Some(print) = print else { continue };
        if f.groups.iter().all(|g| g.1.is_empty()) {
            continue;
        }
        if let Some(&first) = seen.get(&print) {
            return Err(CountsError::SameContent { first, second: i });
        }
        seen.insert(print, i);
    }
    Ok(())
}

impl<S: Source + ?Sized> Source for &mut S {
    fn next_count(&mut self) -> Result<Option<Count>, CountsError> {
        (**self).next_count()
    }
}

/// Join group tables by name: the union sorted by name with its distinct
/// documents, for each table the new index of each of its groups, and the
/// number of distinct documents found in more than one table.
pub(crate) fn union_groups<'a>(
    tables: impl Iterator<Item = &'a [GroupDocs]>,
) -> (Vec<(String, u64)>, Vec<Vec<u32>>, u64) {
    let tables: Vec<&[GroupDocs]> = tables.collect();
    let mut all: BTreeMap<&str, Vec<u128>> = BTreeMap::new();
    for t in &tables {
        for (n, d) in t.iter() {
            all.entry(n.as_str()).or_default().extend_from_slice(d);
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
    let mut cross = 0u64;
    let names = all
        .into_iter()
        .map(|(n, mut d)| {
            // Each table's hashes are distinct: a run of equal hashes is
            // one document in several tables.
            d.sort_unstable();
            let mut distinct = 0u64;
            let mut i = 0;
            while i < d.len() {
                let run = d[i..].iter().take_while(|&&h| h == d[i]).count();
                distinct += 1;
                cross += u64::from(run > 1);
                i += run;
            }
            (n.to_string(), distinct)
        })
        .collect();
    (names, remap, cross)
}

/// The model of merged counts: keys whose document frequency reaches their
/// group's threshold.
pub(crate) fn threshold(
    config: Config,
    groups: Vec<(String, u64)>,
    sources: Vec<Box<dyn Source + '_>>,
    remap: &[Vec<u32>],
) -> Result<Model, CountsError> {
    let thresholds: Vec<(u64, u64, u64)> = groups
        .iter()
        .map(|g| {
            let t = config.threshold(g.1);
            (
                t,
                config.near_threshold(g.1).unwrap_or(t),
                config.reuse_ceiling(g.1),
            )
        })
        .collect();
    let mut per_group = vec![0u64; groups.len()];
    let mut keys = Vec::new();
    merge(sources, remap, |k, df, g| {
        if let Some(&(t, near, ceiling)) = thresholds.get(g as usize) {
            if let Some((key, frequent)) = crate::shingle::model_key(k, df, t, near) {
                keys.push(key);
                per_group[g as usize] += u64::from(frequent);
            }
            keys.extend(crate::shingle::reused_mark(k, df, t, ceiling));
        }
    })?;
    let stats = groups
        .into_iter()
        .zip(per_group)
        .map(|((n, d), f)| (n, d, f))
        .collect();
    Ok(Model::from_parts(config, stats, keys))
}
