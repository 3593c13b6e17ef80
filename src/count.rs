//! Count: how many documents of each group contain each feature, fed from
//! many threads at once.
//!
//! Every thread fills its own [`Batch`] (no locks); [`Learner::absorb`] then
//! moves the batch into a table split in many partitions, each behind its own
//! lock, so threads rarely wait for each other. Counts are exact, so the
//! result does not depend on the order in which batches arrive.

use crate::config::Config;
use crate::counts::{
    threshold, union_groups, write_count_file, write_run, Count, CountsError, RunSource, Source,
};
use crate::model::Model;
use crate::shingle::{for_each_shingle, for_each_short, group_hash, key, Feature, Gaps};
use crate::tokenize::{Tokenizer, Word};
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// One counted key: its document frequency and its group.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
struct Slot {
    key: u64,
    df: u32,
    group: u32,
}

/// Open-addressing table of counts (linear probing, key 0 marks an empty
/// slot; keys are never 0). Keys are mixed hashes, so their low bits index
/// the table directly. Most keys occur once and the table is far larger
/// than the caches, so inserts are memory-bound: a batch of keys is known in
/// advance, and the slot of the key a few places ahead is prefetched while
/// the current one is inserted.
#[derive(Debug, Default)]
pub(crate) struct CountTable {
    slots: Vec<Slot>,
    len: usize,
}

/// Prefetch the cache line of `p` (a hint: never faults, whatever `p`).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` only hints the cache; it does not dereference
    // `p` and cannot fault. SSE is part of every x86_64 target.
    unsafe {
        core::arch::x86_64::_mm_prefetch(p as *const i8, core::arch::x86_64::_MM_HINT_T0)
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl CountTable {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Bytes allocated.
    pub(crate) fn bytes(&self) -> usize {
        self.slots.len() * std::mem::size_of::<Slot>()
    }

    /// Make room for `more` new keys at a load of at most 7/10.
    fn reserve(&mut self, more: usize) {
        let need = self.len + more;
        if need * 10 <= self.slots.len() * 7 {
            return;
        }
        let cap = (need * 10 / 7 + 1).next_power_of_two().max(1024);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); cap]);
        self.len = 0;
        let mask = cap - 1;
        for (i, s) in old.iter().enumerate() {
            if let Some(ahead) = old.get(i + 16) {
                prefetch(&self.slots[ahead.key as usize & mask]);
            }
            if s.key != 0 {
                self.put(s.key, s.df, s.group);
            }
        }
    }

    /// Add `df` to `key` (inserting it with `group`). Room must be reserved.
    #[inline]
    fn put(&mut self, key: u64, df: u32, group: u32) {
        let mask = self.slots.len() - 1;
        let mut i = key as usize & mask;
        loop {
            let s = &mut self.slots[i];
            if s.key == key {
                s.df = s.df.saturating_add(df);
                return;
            }
            if s.key == 0 {
                *s = Slot { key, df, group };
                self.len += 1;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// Count one document for each key of `keys` (group indices mapped
    /// through `global`); returns how many keys were new.
    fn add_all(&mut self, keys: &[(u64, u32)], global: &[u32]) -> usize {
        const AHEAD: usize = 16;
        let before = self.len;
        self.reserve(keys.len());
        let mask = self.slots.len() - 1;
        for (i, &(k, g)) in keys.iter().enumerate() {
            if let Some(&(ahead, _)) = keys.get(i + AHEAD) {
                prefetch(&self.slots[ahead as usize & mask]);
            }
            self.put(k, 1, global[g as usize]);
        }
        self.len - before
    }

    fn iter(&self) -> impl Iterator<Item = Count> + '_ {
        self.slots
            .iter()
            .filter(|s| s.key != 0)
            .map(|s| (s.key, s.df, s.group))
    }
}

/// Number of partitions of the shared table.
const PARTS: usize = 256;

/// The partition of a key: its top bits, so that the partitions in order,
/// each sorted, are all keys sorted (spills and merges go a partition at a
/// time). The tables index slots by the low bits.
#[inline]
fn part_of(key: u64) -> usize {
    (key >> 56) as usize & (PARTS - 1)
}

/// Names and document counts of the groups seen so far.
#[derive(Default, Debug)]
pub(crate) struct Groups {
    pub(crate) ids: HashMap<String, u32>,
    pub(crate) names: Vec<String>,
    pub(crate) docs: Vec<u64>,
}

impl Groups {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.to_string(), id);
        self.names.push(name.to_string());
        self.docs.push(0);
        id
    }
}

/// Learns which features are repeated in each group. `Send + Sync`: share
/// it between threads by reference.
///
/// ```
/// let learner = boilercut::LearnerBuilder::new().build().unwrap();
/// std::thread::scope(|s| {
///     for t in 0..2 {
///         let learner = &learner;
///         s.spawn(move || {
///             let mut batch = learner.batch();
///             for i in 0..5 {
///                 batch.add(&format!("Story {t}-{i}. Please support our newsroom with a gift today."), "site");
///             }
///             learner.absorb(&mut batch);
///         });
///     }
/// });
/// assert_eq!(learner.docs(), 10);
/// ```
#[derive(Debug)]
pub struct Learner {
    config: Config,
    groups: Mutex<Groups>,
    parts: Box<[Mutex<CountTable>]>,
    /// Bytes allocated by the tables.
    allocated: AtomicU64,
    /// Batches absorbed so far (spreads the starting partition).
    absorbs: AtomicU64,
    /// Keys held in memory now, across partitions.
    in_memory: AtomicU64,
    /// Spill to disk beyond this many keys in memory.
    limit: Option<u64>,
    spill_dir: PathBuf,
    spill: Mutex<Spill>,
}

/// Sorted runs of counts written to disk when the memory budget is reached.
#[derive(Debug, Default)]
struct Spill {
    dir: Option<SpillDir>,
    runs: Vec<PathBuf>,
    keys: u64,
    error: Option<String>,
}

/// A temporary folder removed with everything in it when dropped, on success
/// and on error alike.
#[derive(Debug)]
struct SpillDir(PathBuf);

impl Drop for SpillDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a learner did with its memory, for the end summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LearnStats {
    /// Documents counted.
    pub docs: u64,
    /// Distinct keys in memory now.
    pub keys_in_memory: u64,
    /// Runs of sorted counts spilled to disk.
    pub spill_runs: u64,
    /// Keys written to those runs (a key may be in several).
    pub spilled_keys: u64,
}

/// Learning failed: a spill to disk could not be written or read back.
#[derive(Debug)]
pub struct LearnError(pub(crate) String);

impl fmt::Display for LearnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LearnError {}

impl From<CountsError> for LearnError {
    fn from(e: CountsError) -> LearnError {
        LearnError(format!("spill: {e}"))
    }
}

impl Learner {
    pub(crate) fn new(config: Config, memory: Option<u64>, spill_dir: Option<PathBuf>) -> Learner {
        Learner {
            config,
            groups: Mutex::new(Groups::default()),
            parts: (0..PARTS)
                .map(|_| Mutex::new(CountTable::default()))
                .collect(),
            allocated: AtomicU64::new(0),
            absorbs: AtomicU64::new(0),
            in_memory: AtomicU64::new(0),
            limit: memory,
            spill_dir: spill_dir.unwrap_or_else(std::env::temp_dir),
            spill: Mutex::new(Spill::default()),
        }
    }

    /// The options this learner was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A thread-local accumulator of documents. Fill it, then pass it to
    /// [`Learner::absorb`].
    pub fn batch(&self) -> Batch {
        Batch::new(&self.config)
    }

    /// Count one document. Convenient for crawlers that learn page by page;
    /// bulk callers should use a [`Batch`] per thread.
    pub fn add(&self, text: &str, group: &str) {
        let mut batch = self.batch();
        batch.add(text, group);
        self.absorb(&mut batch);
    }

    /// Move the counts of `batch` into the learner and empty the batch.
    pub fn absorb(&self, batch: &mut Batch) {
        let global: Vec<u32> = {
            let mut groups = lock(&self.groups);
            batch
                .names
                .iter()
                .zip(&batch.docs)
                .map(|(name, &docs)| {
                    let id = groups.id(name);
                    groups.docs[id as usize] += docs;
                    id
                })
                .collect()
        };
        // Threads absorbing at the same time start at different partitions,
        // so they do not queue behind each other on every lock.
        let first = self.absorbs.fetch_add(1, Ordering::Relaxed) as usize * 89;
        for i in 0..PARTS {
            let p = (first + i) % PARTS;
            let keys = &mut batch.parts[p];
            if keys.is_empty() {
                continue;
            }
            let mut table = lock(&self.parts[p]);
            let bytes = table.bytes();
            let new = table.add_all(keys, &global);
            self.in_memory.fetch_add(new as u64, Ordering::Relaxed);
            let grown = table.bytes() - bytes;
            drop(table);
            self.allocated.fetch_add(grown as u64, Ordering::Relaxed);
            keys.clear();
            // Checked after every partition: the partitions fill evenly and
            // would all double within one batch, overshooting the budget.
            if let Some(limit) = self.limit {
                if self.allocated.load(Ordering::Relaxed) > limit {
                    self.spill_now();
                }
            }
        }
        batch.names.clear();
        batch.docs.clear();
        batch.hashes.clear();
        batch.local_ids.clear();
    }

    /// Documents counted so far.
    pub fn docs(&self) -> u64 {
        lock(&self.groups).docs.iter().sum()
    }

    /// What the learner holds in memory and has spilled to disk.
    pub fn stats(&self) -> LearnStats {
        let spill = lock(&self.spill);
        LearnStats {
            docs: self.docs(),
            keys_in_memory: self.in_memory.load(Ordering::Relaxed),
            spill_runs: spill.runs.len() as u64,
            spilled_keys: spill.keys,
        }
    }

    /// Write every key in memory to a sorted run on disk and empty the
    /// tables. Another thread already spilling makes this a no-op.
    fn spill_now(&self) {
        let Ok(mut spill) = self.spill.try_lock() else {
            return;
        };
        if spill.error.is_some() {
            return;
        }
        // One partition at a time: drain, sort, append. The partitions are
        // ordered by the top bits of their keys, so the run comes out sorted
        // and the extra memory is one partition's, not the whole table's.
        let result = (|| -> std::io::Result<(PathBuf, u64)> {
            if spill.dir.is_none() {
                let dir = self.spill_dir.join(format!(
                    "boilercut-spill-{}-{:p}",
                    std::process::id(),
                    self
                ));
                std::fs::create_dir_all(&dir)?;
                spill.dir = Some(SpillDir(dir));
            }
            let dir = spill.dir.as_ref().map(|d| d.0.clone()).unwrap_or_default();
            let path = dir.join(format!("run-{:05}.bin", spill.runs.len()));
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
            let mut written = 0u64;
            for p in self.parts.iter() {
                let table = std::mem::take(&mut *lock(p));
                self.in_memory
                    .fetch_sub(table.len() as u64, Ordering::Relaxed);
                self.allocated
                    .fetch_sub(table.bytes() as u64, Ordering::Relaxed);
                let mut counts: Vec<Count> = table.iter().collect();
                drop(table);
                counts.sort_unstable_by_key(|c| c.0);
                write_run(&mut w, &counts)?;
                written += counts.len() as u64;
            }
            std::io::Write::flush(&mut w)?;
            Ok((path, written))
        })();
        match result {
            Ok((path, written)) => {
                spill.runs.push(path);
                spill.keys += written;
            }
            Err(e) => {
                // The counts drained so far are gone: the learner now fails
                // (`try_model`) rather than yield a model missing them.
                spill.error = Some(format!(
                    "cannot spill counts to {}: {e}",
                    self.spill_dir.display()
                ));
            }
        }
    }

    /// (name, documents) of every group, indexed by the learner's group ids.
    fn group_table(&self) -> Vec<(String, u64)> {
        let g = lock(&self.groups);
        g.names
            .iter()
            .cloned()
            .zip(g.docs.iter().copied())
            .collect()
    }

    /// Every count (in memory and spilled), merged and in key order.
    fn sources(&self) -> Result<Vec<Box<dyn Source + '_>>, LearnError> {
        let spill = lock(&self.spill);
        if let Some(e) = &spill.error {
            return Err(LearnError(e.clone()));
        }
        let mem = PartSource {
            parts: &self.parts,
            next: 0,
            buf: Vec::new().into_iter(),
        };
        let mut sources: Vec<Box<dyn Source>> = vec![Box::new(mem)];
        for run in &spill.runs {
            let f = std::fs::File::open(run)
                .map_err(|e| LearnError(format!("{}: {e}", run.display())))?;
            sources.push(Box::new(RunSource(std::io::BufReader::with_capacity(
                1 << 20,
                f,
            ))));
        }
        Ok(sources)
    }

    /// The model of everything counted so far. The learner can go on
    /// counting (online learning) and yield a newer model later.
    ///
    /// Never fails without a memory limit. With one, a spill that could not
    /// be written or read back yields an empty model (that cuts nothing)
    /// rather than a wrong one: use [`Learner::try_model`] to see the error.
    pub fn model(&self) -> Model {
        self.try_model()
            .unwrap_or_else(|_| Model::from_parts(self.config.clone(), Vec::new(), Vec::new()))
    }

    /// The model of everything counted so far, or why it cannot be made.
    pub fn try_model(&self) -> Result<Model, LearnError> {
        let spilled = !lock(&self.spill).runs.is_empty();
        if spilled {
            let groups = self.group_table();
            return Ok(threshold(
                self.config.clone(),
                groups,
                self.sources()?,
                &[],
            )?);
        }
        let groups = lock(&self.groups);
        let thresholds: Vec<u64> = groups
            .docs
            .iter()
            .map(|&d| self.config.threshold(d))
            .collect();
        // The partitions are scanned in parallel (on the caller's rayon
        // pool); the model sorts the keys, so the result does not depend on it.
        use rayon::prelude::*;
        let found: Vec<Vec<(u64, u32)>> = self
            .parts
            .par_iter()
            .map(|p| {
                lock(p)
                    .iter()
                    .filter(|&(_, df, g)| u64::from(df) >= thresholds[g as usize])
                    .map(|(k, _, g)| (k, g))
                    .collect()
            })
            .collect();
        let mut per_group = vec![0u64; groups.names.len()];
        let mut keys = Vec::with_capacity(found.iter().map(Vec::len).sum());
        for (k, g) in found.into_iter().flatten() {
            keys.push(k);
            per_group[g as usize] += 1;
        }
        let stats = groups
            .names
            .iter()
            .zip(&groups.docs)
            .zip(&per_group)
            .map(|((n, &d), &f)| (n.clone(), d, f))
            .collect();
        Ok(Model::from_parts(self.config.clone(), stats, keys))
    }

    /// The model of everything counted (see [`Learner::model`]).
    pub fn finish(self) -> Model {
        self.model()
    }

    /// The model of everything counted, or why it cannot be made.
    pub fn try_finish(self) -> Result<Model, LearnError> {
        self.try_model()
    }

    /// Write the exact counts of everything counted as a count file, the
    /// shard output of a distributed learn; [`crate::merge_count_files`]
    /// turns count files into a model identical to one learned over all
    /// their inputs at once.
    pub fn write_counts<W: std::io::Write>(&self, w: W) -> Result<(), LearnError> {
        let table = self.group_table();
        let (names, remap) = union_groups(std::iter::once(table.as_slice()));
        let sources = self.sources()?;
        let remaps: Vec<Vec<u32>> = (0..sources.len()).map(|_| remap[0].clone()).collect();
        write_count_file(w, &self.config, &names, sources, &remaps)?;
        Ok(())
    }
}

/// The counts in memory in key order, sorted a partition at a time.
struct PartSource<'a> {
    parts: &'a [Mutex<CountTable>],
    next: usize,
    buf: std::vec::IntoIter<Count>,
}

impl Source for PartSource<'_> {
    fn next_count(&mut self) -> Result<Option<Count>, CountsError> {
        loop {
            if let Some(c) = self.buf.next() {
                return Ok(Some(c));
            }
            let Some(p) = self.parts.get(self.next) else {
                return Ok(None);
            };
            self.next += 1;
            let mut counts: Vec<Count> = lock(p).iter().collect();
            counts.sort_unstable_by_key(|c| c.0);
            self.buf = counts.into_iter();
        }
    }
}

/// Lock a mutex, going on after a panic in another thread: the tables hold
/// plain counts, which a panic cannot leave half-updated in a harmful way.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Per-thread counts waiting to be absorbed by a [`Learner`]: each
/// document's distinct keys, sorted into the learner's partitions.
#[derive(Debug)]
pub struct Batch {
    config: Config,
    tokenizer: Tokenizer,
    words: Vec<Word>,
    gaps: Gaps,
    doc_keys: Vec<u64>,
    seen: Vec<u64>,
    local_ids: HashMap<String, u32>,
    names: Vec<String>,
    docs: Vec<u64>,
    hashes: Vec<u64>,
    parts: Vec<Vec<(u64, u32)>>,
}

impl Batch {
    fn new(config: &Config) -> Batch {
        Batch {
            config: config.clone(),
            tokenizer: Tokenizer::new(),
            words: Vec::new(),
            gaps: Gaps::default(),
            doc_keys: Vec::new(),
            seen: Vec::new(),
            local_ids: HashMap::new(),
            names: Vec::new(),
            docs: Vec::new(),
            hashes: Vec::new(),
            parts: (0..PARTS).map(|_| Vec::new()).collect(),
        }
    }

    /// Count one document of `group`.
    pub fn add(&mut self, text: &str, group: &str) {
        let gid = match self.local_ids.get(group) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.local_ids.insert(group.to_string(), id);
                self.names.push(group.to_string());
                self.hashes.push(group_hash(group));
                self.docs.push(0);
                id
            }
        };
        let gh = self.hashes[gid as usize];
        self.docs[gid as usize] += 1;
        self.tokenizer.tokenize(text, &mut self.words);
        let c = &self.config;
        let keys = &mut self.doc_keys;
        keys.clear();
        for_each_shingle(&self.words, c.shingle_words, |_, h| {
            keys.push(key(gh, Feature::Shingle, h))
        });
        self.gaps.compute(text, &self.words);
        for_each_short(
            &self.words,
            &self.gaps,
            c.shingle_words,
            c.short_lines,
            c.max_affix_words,
            |o| keys.push(key(gh, o.kind, o.hash)),
        );
        // Each document counts once per key: a small open-addressing set
        // (keys are mixed and never 0) drops repeats, cheaper than sorting.
        let size = (keys.len() * 2).next_power_of_two().max(64);
        let seen = &mut self.seen;
        seen.clear();
        seen.resize(size, 0);
        let mask = size - 1;
        for &k in keys.iter() {
            let mut i = k as usize & mask;
            loop {
                let s = seen[i];
                if s == k {
                    break;
                }
                if s == 0 {
                    seen[i] = k;
                    self.parts[part_of(k)].push((k, gid));
                    break;
                }
                i = (i + 1) & mask;
            }
        }
    }

    /// Keys waiting in this batch (to decide when to absorb it).
    pub fn pending(&self) -> usize {
        self.parts.iter().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use crate::LearnerBuilder;

    #[test]
    fn counts_each_document_once() {
        let learner = LearnerBuilder::new()
            .shingle_words(3)
            .min_docs(2)
            .build()
            .unwrap();
        // The same shingle three times in one document counts once.
        learner.add("red fox runs. red fox runs. red fox runs.", "a");
        learner.add("red fox runs.", "a");
        learner.add("blue fox runs.", "b");
        let model = learner.finish();
        assert!(model.is_frequent(
            "a",
            crate::shingle::Feature::Shingle,
            &["red", "fox", "runs"]
        ));
        assert!(!model.is_frequent(
            "b",
            crate::shingle::Feature::Shingle,
            &["red", "fox", "runs"]
        ));
        assert!(!model.is_frequent(
            "a",
            crate::shingle::Feature::Shingle,
            &["blue", "fox", "runs"]
        ));
    }

    fn corpus() -> Vec<(String, &'static str)> {
        (0..60)
            .map(|i| {
                let site = ["a", "b", "c"][i % 3];
                let letters = |mut n: usize| {
                    let mut w = String::new();
                    for _ in 0..4 {
                        w.push((b'a' + (n % 26) as u8) as char);
                        n /= 26;
                    }
                    w
                };
                let story: String = (0..40).map(|w| letters(i * 7919 + w * 104_729) + " ").collect();
                (format!("EXCLUSIVE: {story}\nAdvertisement\nSupport site {site} with a gift today, every reader counts and we thank you."), site)
            })
            .collect()
    }

    #[test]
    fn spilling_to_disk_gives_the_same_model() {
        let docs = corpus();
        let plain = LearnerBuilder::new().build().unwrap();
        let tight = LearnerBuilder::new().memory_limit(Some(1)).build().unwrap();
        for (d, g) in &docs {
            plain.add(d, g);
            tight.add(d, g);
        }
        let stats = tight.stats();
        assert!(stats.spill_runs >= 2, "{stats:?}");
        let want = plain.finish().to_bytes();
        assert!(want.len() > 200);
        assert_eq!(tight.try_finish().unwrap().to_bytes(), want);
    }

    #[test]
    fn merged_shards_equal_one_run() {
        let docs = corpus();
        let one = LearnerBuilder::new().build().unwrap();
        for (d, g) in &docs {
            one.add(d, g);
        }
        let want = one.finish().to_bytes();
        // Three shards of different sizes; one spills.
        let mut files = Vec::new();
        for (s, range) in [(0..7), (7..40), (40..60)].into_iter().enumerate() {
            let l = LearnerBuilder::new()
                .memory_limit(if s == 1 { Some(1) } else { None })
                .build()
                .unwrap();
            for (d, g) in &docs[range] {
                l.add(d, g);
            }
            let mut buf = Vec::new();
            l.write_counts(&mut buf).unwrap();
            files.push(buf);
        }
        let merged = crate::merge_count_files(files.iter().map(|f| &f[..]).collect()).unwrap();
        assert_eq!(merged.to_bytes(), want);
        // Order does not matter.
        files.reverse();
        let merged = crate::merge_count_files(files.iter().map(|f| &f[..]).collect()).unwrap();
        assert_eq!(merged.to_bytes(), want);
        // A damaged count file is refused, never merged.
        let mut bad = files[0].clone();
        let at = bad.len() - 20;
        bad[at] ^= 1;
        assert!(crate::merge_count_files(vec![&bad[..], &files[1][..]]).is_err());
        let short = &files[0][..files[0].len() - 5];
        assert!(crate::merge_count_files(vec![short]).is_err());
    }

    #[test]
    fn batches_from_threads_equal_one_thread() {
        let docs: Vec<String> = (0..40)
            .map(|i| format!("Article {i} about topic {} here. Subscribe to the Daily Bugle newsletter for more news every morning.", i % 7))
            .collect();
        let one = LearnerBuilder::new().build().unwrap();
        for d in &docs {
            one.add(d, "bugle");
        }
        let many = LearnerBuilder::new().build().unwrap();
        std::thread::scope(|s| {
            for chunk in docs.chunks(7) {
                let many = &many;
                s.spawn(move || {
                    let mut b = many.batch();
                    for d in chunk {
                        b.add(d, "bugle");
                    }
                    many.absorb(&mut b);
                });
            }
        });
        assert_eq!(one.docs(), 40);
        assert_eq!(one.finish().to_bytes(), many.finish().to_bytes());
    }
}
