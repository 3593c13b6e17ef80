//! Count: how many documents of each group contain each feature, fed from
//! many threads at once.
//!
//! Every thread fills its own [`Batch`] (no locks); [`Learner::absorb`] then
//! appends the batch's (key, group) occurrences to 256 partitions by the
//! keys' top bits, each behind its own lock, so threads rarely wait for each
//! other. Nothing is hashed on that path: each partition is counted alone at
//! the end, in a table small enough for the caches (a radix-partitioned
//! aggregation). Past the memory budget a partition's occurrences are
//! appended to its file on disk, by a writer thread and around the page
//! cache (see [`crate::direct`]), so that counting threads neither wait for
//! the disk nor pay the kernel's copies. Counts are exact, so the result does
//! not depend on the order in which batches arrive. An exact copy of a
//! document already counted in its group counts nothing (see [`Learner`]).

use crate::config::Config;
use crate::counts::{write_count_file, Count, CountsError, GroupDocs, Source};
use crate::direct::{self, AlignedBuf, AlignedReader};
use crate::model::Model;
use crate::shingle::{group_hash, shingle_keys, short_keys, Gaps};
use crate::tokenize::{Tokenizer, Word};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

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
    /// Every slot is empty (the table was drained since it was last
    /// written).
    clean: bool,
}

/// Prefetch the cache line of `p` (a hint: never faults, whatever `p`).
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
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

    /// Count one occurrence of each key of `keys` (with its group).
    fn count_all(&mut self, keys: &[u64], groups: &[u32]) {
        const AHEAD: usize = 16;
        self.reserve(keys.len());
        let mask = self.slots.len() - 1;
        for (i, (&k, &g)) in keys.iter().zip(groups).enumerate() {
            if let Some(&ahead) = keys.get(i + AHEAD) {
                prefetch(&self.slots[ahead as usize & mask]);
            }
            self.put(k, 1, g);
        }
    }

    /// Empty the table, keeping (or making) room for `slots` slots. A
    /// table [`CountTable::drain`] emptied is all empty slots already: it
    /// is only cut to size or extended, not written over again.
    fn reset(&mut self, slots: usize) {
        if self.clean {
            // Its capacity stays that of the largest table this thread
            // counted in, which the budget's per-table bound caps.
            self.slots.truncate(slots);
            self.slots.resize(slots, Slot::default());
        } else if self.slots.len() == slots {
            self.slots.fill(Slot::default());
        } else {
            self.slots = vec![Slot::default(); slots];
        }
        self.len = 0;
        self.clean = false;
    }

    /// Call `f` with the counts of at least `min_df` (at least 1: an empty
    /// slot counts 0) and empty every slot in the same scan. Testing the
    /// count, not the key, keeps the scan's one branch predictable when
    /// few keys reach `min_df`.
    fn drain(&mut self, min_df: u32, mut f: impl FnMut(u64, u32, u32)) {
        let min_df = min_df.max(1);
        for s in self.slots.iter_mut() {
            if s.df >= min_df {
                f(s.key, s.df, s.group);
            }
            *s = Slot::default();
        }
        self.len = 0;
        self.clean = true;
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

/// Seed of the document-text hashes (xxh3-128) that find exact copies.
const DOC_SEED: u64 = 0x6f0c_5d3e_9a21_b847;

/// The hash of a document's text, by which exact copies are recognised.
fn doc_hash(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128_with_seed(text.as_bytes(), DOC_SEED)
}

/// A document counted: its group's hash and its text hash, as three u64
/// (24 bytes; a u128 field would align the entry to 32).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct DocKey {
    group: u64,
    text: [u64; 2],
}

impl std::hash::Hash for DocKey {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        // The fields are hashes already: one fold is enough.
        h.write_u64(self.group ^ self.text[0]);
    }
}

/// Passes the one u64 a [`DocKey`] writes through, mixed again so that
/// the table's top bits are as random as its low bits.
#[derive(Default)]
struct PassHasher(u64);

impl std::hash::Hasher for PassHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = crate::shingle::fmix64(self.0 ^ n);
    }
}

type DocSet = HashSet<DocKey, std::hash::BuildHasherDefault<PassHasher>>;

/// Number of locks over the document sets.
const DOC_SHARDS: usize = 64;

/// The (group hash, text hash) of every document counted, behind locks
/// chosen by the text hash. A document is counted only if its pair was not
/// there yet, checked and inserted under one lock, so of several copies
/// exactly one is counted whatever the threads do (all copies have the same
/// features, so which one does not matter).
#[derive(Debug)]
struct DocSets {
    shards: Box<[Mutex<DocSet>]>,
}

impl DocSets {
    fn new() -> DocSets {
        DocSets {
            shards: (0..DOC_SHARDS)
                .map(|_| Mutex::new(DocSet::default()))
                .collect(),
        }
    }

    /// Record the document; false if it was recorded before.
    fn first_copy(&self, group: u64, text: u128) -> bool {
        let key = DocKey {
            group,
            text: [text as u64, (text >> 64) as u64],
        };
        lock(&self.shards[key.text[1] as usize % DOC_SHARDS]).insert(key)
    }
}

/// Learns which features are repeated in each group. `Send + Sync`: share
/// it between threads by reference.
///
/// A document whose group already has one with the same text (an exact
/// copy: the same page crawled twice) counts nothing, not even in the
/// group's number of documents: a page present four times would otherwise
/// have every feature frequent and be cut to nothing. Copies are counted in
/// [`LearnStats::duplicates`].
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
    /// Every document counted, so that an exact copy counts once.
    docsets: Arc<DocSets>,
    /// Documents not counted: exact copies of one counted before in their
    /// group, and documents over the size cap.
    duplicates: AtomicU64,
    too_large: AtomicU64,
    parts: Box<[Mutex<Part>]>,
    /// Batches absorbed so far (spreads the starting partition).
    absorbs: AtomicU64,
    /// Memory budget (bytes) of the waiting occurrences and of the table
    /// that counts them; `None` for no budget.
    limit: Option<u64>,
    /// Occurrences a partition holds in memory before it is appended to its
    /// file on disk.
    part_cap: usize,
    /// Occurrences a partition is expected to receive (from the input size
    /// hint), reserved at its first batch.
    part_expect: usize,
    /// The smallest table a partition is counted in, whatever the budget
    /// (a tiny budget would otherwise mean thousands of passes).
    min_count_slots: u64,
    spill_dir: PathBuf,
    /// What went to disk, shared with the spill writer thread.
    spill: Arc<SpillShared>,
    /// The thread that writes spill blocks, started at the first spill, so
    /// that counting threads do not wait for the disk.
    writer: Mutex<Option<SpillWriter>>,
}

/// The spill state and the signal the writer gives after each block.
#[derive(Debug, Default)]
struct SpillShared {
    state: Mutex<Spill>,
    written: Condvar,
}

/// A spill block for the writer thread: the file, the padded block.
type SpillJob = (Arc<std::fs::File>, AlignedBuf);

/// The spill writer thread and the queue to it (a few blocks deep, so that
/// the blocks in flight stay a few megabytes).
#[derive(Debug)]
struct SpillWriter {
    queue: std::sync::mpsc::SyncSender<SpillJob>,
    thread: std::thread::JoinHandle<()>,
}

impl Drop for Learner {
    fn drop(&mut self) {
        let writer = self
            .writer
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(w) = writer {
            drop(w.queue);
            let _ = w.thread.join();
        }
    }
}

/// One partition: the (key, group) occurrences of its keys, one per
/// document that has the key, not yet counted.
#[derive(Debug, Default)]
struct Part {
    keys: Vec<u64>,
    groups: Vec<u32>,
    /// Its file on disk, once it has spilled, and how many occurrences the
    /// file holds.
    file: Option<(PathBuf, Arc<std::fs::File>)>,
    on_disk: u64,
}

/// Bytes of one occurrence in memory (two parallel vectors).
const OCCURRENCE: u64 = 12;

/// One spill of partition `p` as written to its file: a header (number of
/// occurrences, u32; bytes per group id, 1 to 4) and then each occurrence as
/// the key's low 7 bytes (the top byte is `p`) and its group id in as few
/// bytes as the largest needs, all little-endian: 8 to 9 bytes instead of 12
/// for up to 65,536 groups. Zeros pad the block to a whole number of
/// [`direct::ALIGN`] blocks, and the buffer is aligned, for direct I/O.
fn encode_block(p: usize, keys: &[u64], groups: &[u32]) -> AlignedBuf {
    debug_assert!(keys.iter().all(|&k| part_of(k) == p));
    let top = groups.iter().copied().max().unwrap_or(0);
    let width = (4 - top.leading_zeros() as usize / 8).max(1);
    let mut out = AlignedBuf::zeroed(direct::padded(5 + keys.len() * (7 + width)));
    out[..4].copy_from_slice(&(keys.len() as u32).to_le_bytes());
    out[4] = width as u8;
    let records = &mut out[5..];
    match width {
        1 => encode_each::<1>(keys, groups, records),
        2 => encode_each::<2>(keys, groups, records),
        3 => encode_each::<3>(keys, groups, records),
        _ => encode_each::<4>(keys, groups, records),
    }
    out
}

/// The records of [`encode_block`] with group ids of `W` bytes (a constant,
/// so that every copy is a fixed-size move).
fn encode_each<const W: usize>(keys: &[u64], groups: &[u32], out: &mut [u8]) {
    for ((k, g), b) in keys.iter().zip(groups).zip(out.chunks_exact_mut(7 + W)) {
        b[..7].copy_from_slice(&k.to_le_bytes()[..7]);
        b[7..].copy_from_slice(&g.to_le_bytes()[..W]);
    }
}

/// Call `f(key, group)` for each record of `buf` (see [`encode_block`]).
fn decode_each<const W: usize>(buf: &[u8], p: usize, f: &mut impl FnMut(u64, u32)) {
    let top = (p as u64) << 56;
    for b in buf.chunks_exact(7 + W) {
        let mut k = [0u8; 8];
        k[..7].copy_from_slice(&b[..7]);
        let mut g = [0u8; 4];
        g[..W].copy_from_slice(&b[7..]);
        f(top | u64::from_le_bytes(k), u32::from_le_bytes(g));
    }
}

/// Read one block written by [`encode_block`] for partition `p` (at most
/// `most` occurrences), calling `f(key, group)` for each occurrence;
/// returns how many there were.
fn decode_block(
    r: &mut impl std::io::Read,
    p: usize,
    most: u64,
    buf: &mut Vec<u8>,
    mut f: impl FnMut(u64, u32),
) -> std::io::Result<u64> {
    let mut head = [0u8; 5];
    r.read_exact(&mut head)?;
    let n = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let width = usize::from(head[4]);
    // A damaged header must not make us allocate what was never written.
    if !(1..=4).contains(&width) || n as u64 > most {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "damaged spill block",
        ));
    }
    let records = n * (7 + width);
    // The records and the padding after them.
    buf.resize(direct::padded(5 + records) - 5, 0);
    r.read_exact(buf)?;
    let buf = &buf[..records];
    match width {
        1 => decode_each::<1>(buf, p, &mut f),
        2 => decode_each::<2>(buf, p, &mut f),
        3 => decode_each::<3>(buf, p, &mut f),
        _ => decode_each::<4>(buf, p, &mut f),
    }
    Ok(n as u64)
}

/// The spill folder and what went to it.
#[derive(Debug, Default)]
struct Spill {
    dir: Option<SpillDir>,
    /// Partition buffers appended to disk, and occurrences in them.
    writes: u64,
    occurrences: u64,
    error: Option<String>,
    /// Blocks handed to the writer thread, and blocks it has written (or
    /// failed to write).
    queued: u64,
    done: u64,
}

impl Spill {
    /// Record the first spill error: its occurrences are gone, so the
    /// learner now fails rather than yield a model missing them.
    fn fail(&mut self, dir: &std::path::Path, e: std::io::Error) {
        if self.error.is_none() {
            self.error = Some(format!("cannot spill counts to {}: {e}", dir.display()));
        }
    }
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

/// What a learner did with its documents and memory, for the end summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LearnStats {
    /// Documents counted (distinct within their group).
    pub docs: u64,
    /// Documents not counted because their group already had one with the
    /// same text: an exact copy counts once (a page present four times
    /// would otherwise have every feature frequent and be cut to nothing).
    pub duplicates: u64,
    /// Documents not learned from because they are longer than
    /// [`crate::Config::max_doc_bytes`]; the model passes them through.
    pub too_large: u64,
    /// (key, document) occurrences waiting in memory.
    pub in_memory: u64,
    /// Partition buffers appended to disk because the budget was reached.
    pub spills: u64,
    /// Occurrences written to disk by those spills.
    pub spilled: u64,
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

impl From<std::io::Error> for LearnError {
    fn from(e: std::io::Error) -> LearnError {
        LearnError(format!("cannot read spilled counts back: {e}"))
    }
}

impl Learner {
    pub(crate) fn new(
        config: Config,
        memory: Option<u64>,
        spill_dir: Option<PathBuf>,
        expected_bytes: u64,
    ) -> Learner {
        // Three quarters of the budget hold the waiting occurrences; the
        // rest is for the tables that count a partition at the end (one per
        // thread, see `count_part`).
        let part_cap = memory.map_or(usize::MAX, |m| {
            (m / 4 * 3 / OCCURRENCE / PARTS as u64).min(usize::MAX as u64) as usize
        });
        // Reserved up front, so an overestimate (compressed inputs) is capped.
        let part_expect = ((expected_bytes / BYTES_PER_OCCURRENCE / PARTS as u64) as usize)
            .min(part_cap)
            .min(1 << 22);
        Learner {
            config,
            groups: Mutex::new(Groups::default()),
            docsets: Arc::new(DocSets::new()),
            duplicates: AtomicU64::new(0),
            too_large: AtomicU64::new(0),
            parts: (0..PARTS).map(|_| Mutex::new(Part::default())).collect(),
            absorbs: AtomicU64::new(0),
            limit: memory,
            part_cap,
            part_expect,
            min_count_slots: MIN_COUNT_SLOTS,
            spill_dir: spill_dir.unwrap_or_else(std::env::temp_dir),
            spill: Arc::new(SpillShared::default()),
            writer: Mutex::new(None),
        }
    }

    /// The options this learner was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A thread-local accumulator of documents. Fill it, then pass it to
    /// [`Learner::absorb`].
    pub fn batch(&self) -> Batch {
        Batch::new(&self.config, self.docsets.clone())
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
        self.duplicates
            .fetch_add(std::mem::take(&mut batch.duplicates), Ordering::Relaxed);
        self.too_large
            .fetch_add(std::mem::take(&mut batch.too_large), Ordering::Relaxed);
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
        let first = (self.absorbs.fetch_add(1, Ordering::Relaxed) as usize).wrapping_mul(89);
        for i in 0..PARTS {
            let p = (first + i) % PARTS;
            let pending = &mut batch.parts[p];
            if pending.is_empty() {
                continue;
            }
            let mut guard = lock(&self.parts[p]);
            let part = &mut *guard;
            let need = part.keys.len() + pending.len();
            if need > part.keys.capacity() {
                // Grow within the partition's share of the budget (a plain
                // doubling could overshoot it by half).
                let want = (part.keys.capacity() * 2)
                    .max(self.part_expect)
                    .min(self.part_cap)
                    .max(need);
                part.keys.reserve_exact(want - part.keys.len());
                part.groups.reserve_exact(want - part.groups.len());
            }
            part.keys.extend(pending.iter().map(|&(k, _)| k));
            part.groups
                .extend(pending.iter().map(|&(_, g)| global[g as usize]));
            pending.clear();
            if part.keys.len() > self.part_cap {
                self.spill_part(p, part);
            }
        }
        batch.pending = 0;
        batch.names.clear();
        batch.docs.clear();
        batch.hashes.clear();
        batch.local_ids.clear();
    }

    /// Append partition `p`'s occurrences to its file and empty it. After a
    /// failure the learner only reports the error ([`Learner::model`]).
    fn spill_part(&self, p: usize, part: &mut Part) {
        if part.keys.is_empty() {
            return;
        }
        let n = part.keys.len() as u64;
        let result = (|| -> std::io::Result<()> {
            if part.file.is_none() {
                let dir = {
                    let mut spill = lock(&self.spill.state);
                    if spill.dir.is_none() {
                        let dir = self.spill_dir.join(format!(
                            "boilercut-spill-{}-{:p}",
                            std::process::id(),
                            self
                        ));
                        std::fs::create_dir_all(&dir)?;
                        spill.dir = Some(SpillDir(dir));
                    }
                    spill.dir.as_ref().map(|d| d.0.clone()).unwrap_or_default()
                };
                let path = dir.join(format!("part-{p:03}.bin"));
                let file = direct::create(&path)?;
                part.file = Some((path, Arc::new(file)));
            }
            // Blocks count their occurrences in a u32.
            const BLOCK: usize = 1 << 30;
            for (keys, groups) in part.keys.chunks(BLOCK).zip(part.groups.chunks(BLOCK)) {
                let bytes = encode_block(p, keys, groups);
                if let Some((_, f)) = &part.file {
                    self.queue_write(f.clone(), bytes)?;
                }
            }
            Ok(())
        })();
        part.keys.clear();
        part.groups.clear();
        let mut spill = lock(&self.spill.state);
        match result {
            Ok(()) => {
                part.on_disk += n;
                spill.writes += 1;
                spill.occurrences += n;
            }
            Err(e) => spill.fail(&self.spill_dir, e),
        }
    }

    /// Hand a block to the writer thread (started on first use); waits while
    /// its queue is full.
    fn queue_write(&self, file: Arc<std::fs::File>, block: AlignedBuf) -> std::io::Result<()> {
        let mut writer = lock(&self.writer);
        if writer.is_none() {
            let (queue, jobs) = std::sync::mpsc::sync_channel::<SpillJob>(4);
            let shared = self.spill.clone();
            let dir = self.spill_dir.clone();
            let thread = std::thread::Builder::new()
                .name("boilercut-spill".into())
                .spawn(move || {
                    for (file, block) in jobs {
                        let r = direct::write_blocks(&file, &block);
                        let mut spill = lock(&shared.state);
                        if let Err(e) = r {
                            spill.fail(&dir, e);
                        }
                        spill.done += 1;
                        drop(spill);
                        shared.written.notify_all();
                    }
                })?;
            *writer = Some(SpillWriter { queue, thread });
        }
        let queue = writer.as_ref().map(|w| w.queue.clone());
        drop(writer);
        lock(&self.spill.state).queued += 1;
        if let Some(Ok(())) = queue.map(|q| q.send((file, block))) {
            return Ok(());
        }
        // The writer is gone (it cannot be, short of a panic): this block
        // counts as done, and failed.
        lock(&self.spill.state).done += 1;
        self.spill.written.notify_all();
        Err(std::io::Error::other("spill writer stopped"))
    }

    /// Wait until every block queued so far is written.
    fn flush_spills(&self) {
        let mut spill = lock(&self.spill.state);
        let want = spill.queued;
        while spill.done < want {
            spill = self
                .spill
                .written
                .wait(spill)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Documents counted so far (an exact copy of one in its group counts
    /// once).
    pub fn docs(&self) -> u64 {
        lock(&self.groups).docs.iter().sum()
    }

    /// How the learner used memory and disk so far.
    pub fn stats(&self) -> LearnStats {
        // The spill lock is released before the partitions are locked:
        // `absorb` takes them in the other order.
        let (spills, spilled) = {
            let spill = lock(&self.spill.state);
            (spill.writes, spill.occurrences)
        };
        LearnStats {
            docs: self.docs(),
            duplicates: self.duplicates.load(Ordering::Relaxed),
            too_large: self.too_large.load(Ordering::Relaxed),
            in_memory: self.parts.iter().map(|p| lock(p).keys.len() as u64).sum(),
            spills,
            spilled,
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

    /// The first spill error, once every block queued so far is written.
    fn spill_error(&self) -> Result<(), LearnError> {
        self.flush_spills();
        match &lock(&self.spill.state).error {
            Some(e) => Err(LearnError(e.clone())),
            None => Ok(()),
        }
    }

    /// Count partition `p` (its file, then its memory) into `table` and call
    /// `f(key, df, group)` for every distinct key of at least `min_df`
    /// documents. Within the budget the
    /// table holds the whole partition; a partition too large for it is
    /// counted in several passes, each over a disjoint slice of its keys.
    fn count_part(
        &self,
        p: usize,
        table: &mut CountTable,
        min_df: u32,
        mut f: impl FnMut(u64, u32, u32),
    ) -> std::io::Result<()> {
        let part = lock(&self.parts[p]);
        // Its blocks still queued for the writer must be on disk first (none
        // can be added while its lock is held).
        self.flush_spills();
        let total = part.on_disk + part.keys.len() as u64;
        if total == 0 {
            return Ok(());
        }
        // Room for a pass's keys (an eighth more than its share, for
        // uneven slices) at a load of at most 7/10.
        let need = |n: u64| n + n / 8;
        let slots = |n: u64| (need(n) * 10 / 7 + 1).next_power_of_two();
        // The tables of all threads counting at once share a quarter of the
        // budget; a power of two, so that `slots` of a pass never exceeds it.
        let max_slots = self.limit.map_or(u64::MAX, |m| {
            let threads = rayon::current_num_threads().max(1) as u64;
            let fits =
                (m / 4 / threads / std::mem::size_of::<Slot>() as u64).max(self.min_count_slots);
            1 << (63 - fits.leading_zeros())
        });
        let passes = (need(total) * 10 / 7 + 1).div_ceil(max_slots).max(1);
        let per_pass = total.div_ceil(passes);
        let mut keys = Vec::new();
        let mut groups = Vec::new();
        let mut buf = Vec::new();
        for pass in 0..passes {
            // The bits above 32 pick the pass: independent of the slot (low
            // bits); the partition's constant top bits only shift the slices.
            let keep = |k: u64| passes == 1 || (k >> 32) % passes == pass;
            table.reset(slots(per_pass) as usize);
            if let Some((path, _)) = &part.file {
                let mut r = AlignedReader::new(direct::open(path)?, 1 << 20);
                let mut left = part.on_disk;
                while left > 0 {
                    keys.clear();
                    groups.clear();
                    let n = decode_block(&mut r, p, left, &mut buf, |k, g| {
                        if keep(k) {
                            keys.push(k);
                            groups.push(g);
                        }
                    })?;
                    if n == 0 || n > left {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!("{}: damaged spill file", path.display()),
                        ));
                    }
                    table.count_all(&keys, &groups);
                    left -= n;
                }
            }
            if passes == 1 {
                table.count_all(&part.keys, &part.groups);
            } else {
                keys.clear();
                groups.clear();
                for (&k, &g) in part.keys.iter().zip(&part.groups) {
                    if keep(k) {
                        keys.push(k);
                        groups.push(g);
                    }
                }
                table.count_all(&keys, &groups);
            }
            table.drain(min_df, &mut f);
        }
        Ok(())
    }

    /// The model of everything counted so far, or why it cannot be made.
    /// Never fails without a memory limit; with one, a spill that could not
    /// be written or read back is an error (the model would miss counts).
    /// Other threads may go on adding documents meanwhile.
    #[must_use = "the model, or the error that lost counts"]
    pub fn model(&self) -> Result<Model, LearnError> {
        self.spill_error()?;
        let groups = self.group_table();
        let thresholds: Vec<u64> = groups
            .iter()
            .map(|&(_, d)| self.config.threshold(d))
            .collect();
        let near: Vec<u64> = groups
            .iter()
            .zip(&thresholds)
            .map(|(&(_, d), &t)| self.config.near_threshold(d).unwrap_or(t))
            .collect();
        let ceilings: Vec<u64> = groups
            .iter()
            .map(|&(_, d)| self.config.reuse_ceiling(d))
            .collect();
        let lowest = near
            .iter()
            .copied()
            .min()
            .unwrap_or(0)
            .min(crate::shingle::PAIR_DF);
        let min_df = u32::try_from(lowest).unwrap_or(u32::MAX);
        // The partitions are counted in parallel (on the caller's rayon
        // pool), each table reused by its thread; the model sorts the keys,
        // so the result does not depend on the order.
        use rayon::prelude::*;
        let found: Vec<Vec<(u64, u32, bool)>> = (0..PARTS)
            .into_par_iter()
            .map_init(CountTable::default, |table, p| {
                let mut out = Vec::new();
                // Most keys occur once: `min_df` skips them in the scan.
                self.count_part(p, table, min_df, |k, df, g| {
                    // A group unknown to `thresholds` arrived from another
                    // thread after the snapshot: it is not in this model.
                    let (Some(&t), Some(&n), Some(&c)) = (
                        thresholds.get(g as usize),
                        near.get(g as usize),
                        ceilings.get(g as usize),
                    ) else {
                        return;
                    };
                    let df = u64::from(df);
                    if let Some((key, frequent)) = crate::shingle::model_key(k, df, t, n) {
                        out.push((key, g, frequent));
                    }
                    if let Some(mark) = crate::shingle::reused_mark(k, df, t, c) {
                        out.push((mark, g, false));
                    }
                })
                .map(|()| out)
            })
            .collect::<std::io::Result<_>>()?;
        // A spill that failed while this model was counted (other threads
        // still absorbing) makes it incomplete.
        self.spill_error()?;
        let mut per_group = vec![0u64; groups.len()];
        let mut keys = Vec::with_capacity(found.iter().map(Vec::len).sum());
        for (k, g, frequent) in found.into_iter().flatten() {
            keys.push(k);
            per_group[g as usize] += u64::from(frequent);
        }
        let stats = groups
            .into_iter()
            .zip(&per_group)
            .map(|((n, d), &f)| (n, d, f))
            .collect();
        Ok(Model::from_parts(self.config.clone(), stats, keys))
    }

    /// The model of everything counted, or why it cannot be made (see
    /// [`Learner::model`]).
    #[must_use = "the model, or the error that lost counts"]
    pub fn finish(self) -> Result<Model, LearnError> {
        self.model()
    }

    /// Write the exact counts of everything counted as a count file, the
    /// shard output of a distributed learn; [`crate::merge_count_files`]
    /// turns count files into a model identical to one learned over all
    /// their inputs at once.
    pub fn write_counts<W: std::io::Write>(&self, w: W) -> Result<(), LearnError> {
        self.spill_error()?;
        let table = self.group_table();
        // Each group's document hashes; a group added by another thread
        // after the table was taken is left out.
        let by_hash: HashMap<u64, usize> = table
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (group_hash(name), i))
            .collect();
        let mut hashes: Vec<Vec<u128>> = vec![Vec::new(); table.len()];
        for shard in self.docsets.shards.iter() {
            for d in lock(shard).iter() {
                if let Some(&i) = by_hash.get(&d.group) {
                    hashes[i].push(u128::from(d.text[0]) | u128::from(d.text[1]) << 64);
                }
            }
        }
        // The file lists groups by name.
        let mut order: Vec<usize> = (0..table.len()).collect();
        order.sort_by(|&a, &b| table[a].0.cmp(&table[b].0));
        let mut remap = vec![0u32; table.len()];
        let mut groups: Vec<GroupDocs> = Vec::with_capacity(table.len());
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new as u32;
            let mut docs = std::mem::take(&mut hashes[old]);
            docs.sort_unstable();
            groups.push((table[old].0.clone(), docs));
        }
        let source = PartSource {
            learner: self,
            groups: table.len() as u32,
            table: CountTable::default(),
            next: 0,
            buf: Vec::new().into_iter(),
        };
        let sources: Vec<Box<dyn Source + '_>> = vec![Box::new(source)];
        write_count_file(w, &self.config, &groups, sources, &[remap])?;
        // See `model`: the caller must not keep a file missing counts.
        self.spill_error()?;
        Ok(())
    }
}

/// The smallest table a partition is counted in, whatever the budget
/// (1 MiB).
const MIN_COUNT_SLOTS: u64 = 1 << 16;

/// Occurrences per byte of input, to size buffers from an input size hint:
/// about one distinct key per document per 7 bytes of JSONL of news.
const BYTES_PER_OCCURRENCE: u64 = 7;

/// All counts in key order: the partitions in order (their keys' top bits),
/// each counted and sorted when reached.
struct PartSource<'a> {
    learner: &'a Learner,
    /// Groups in the count file's table: counts of groups that other
    /// threads added after it was taken are left out.
    groups: u32,
    table: CountTable,
    next: usize,
    buf: std::vec::IntoIter<Count>,
}

impl Source for PartSource<'_> {
    fn next_count(&mut self) -> Result<Option<Count>, CountsError> {
        loop {
            if let Some(c) = self.buf.next() {
                return Ok(Some(c));
            }
            if self.next == PARTS {
                return Ok(None);
            }
            let mut counts: Vec<Count> = Vec::new();
            self.learner
                .count_part(self.next, &mut self.table, 1, |k, df, g| {
                    if g < self.groups {
                        counts.push((k, df, g))
                    }
                })?;
            self.next += 1;
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
/// document's distinct keys, sorted into the learner's partitions. A batch
/// must be absorbed: its documents are marked as counted when added, so a
/// batch dropped unabsorbed loses them and the later copies of them too.
#[derive(Debug)]
pub struct Batch {
    config: Config,
    docsets: Arc<DocSets>,
    /// Documents not counted since the last absorb (see [`LearnStats`]).
    duplicates: u64,
    too_large: u64,
    tokenizer: Tokenizer,
    words: Vec<Word>,
    gaps: Gaps,
    doc_keys: Vec<u64>,
    /// A key set per document without clearing it: slot `i` holds a key of
    /// this document only when `seen_doc[i]` is `doc_stamp`.
    seen: Vec<u64>,
    seen_doc: Vec<u32>,
    doc_stamp: u32,
    local_ids: HashMap<String, u32>,
    names: Vec<String>,
    docs: Vec<u64>,
    hashes: Vec<u64>,
    parts: Vec<Vec<(u64, u32)>>,
    /// Occurrences in `parts`.
    pending: usize,
}

impl Batch {
    fn new(config: &Config, docsets: Arc<DocSets>) -> Batch {
        Batch {
            config: config.clone(),
            docsets,
            duplicates: 0,
            too_large: 0,
            tokenizer: Tokenizer::new(),
            words: Vec::new(),
            gaps: Gaps::default(),
            doc_keys: Vec::new(),
            seen: Vec::new(),
            seen_doc: Vec::new(),
            doc_stamp: 0,
            local_ids: HashMap::new(),
            names: Vec::new(),
            docs: Vec::new(),
            hashes: Vec::new(),
            parts: (0..PARTS).map(|_| Vec::new()).collect(),
            pending: 0,
        }
    }

    /// Count one document of `group`; nothing when its group already has a
    /// document with the same text (counted in [`LearnStats::duplicates`])
    /// or when it is longer than [`Config::max_doc_bytes`]
    /// ([`LearnStats::too_large`]).
    pub fn add(&mut self, text: &str, group: &str) {
        if text.len() as u64 > self.config.max_doc_bytes {
            self.too_large += 1;
            return;
        }
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
        if !self.docsets.first_copy(gh, doc_hash(text)) {
            self.duplicates += 1;
            return;
        }
        self.docs[gid as usize] += 1;
        self.tokenizer.tokenize(text, &mut self.words);
        let c = &self.config;
        let keys = &mut self.doc_keys;
        keys.clear();
        shingle_keys(&self.words, c.shingle_words, gh, keys);
        self.gaps
            .compute_with(text, &self.words, self.tokenizer.odd_gaps());
        short_keys(text, &self.words, &self.gaps, c, gh, keys);
        // Each document counts once per key: a small open-addressing set
        // drops repeats, cheaper than sorting. Its slots are stamped with
        // the document instead of being zeroed for each one.
        let size = (keys.len() * 2).next_power_of_two().max(64);
        if self.seen.len() < size {
            self.seen.resize(size, 0);
            self.seen_doc.resize(size, 0);
        }
        self.doc_stamp = self.doc_stamp.wrapping_add(1);
        if self.doc_stamp == 0 {
            self.seen_doc.fill(0);
            self.doc_stamp = 1;
        }
        // Slices and a local count, not the fields: the pushes would
        // otherwise make every lookup reload them.
        let (seen, seen_doc, stamp) = (
            &mut self.seen[..size],
            &mut self.seen_doc[..size],
            self.doc_stamp,
        );
        let parts = &mut self.parts[..];
        let mut added = 0;
        let mask = size - 1;
        for &k in keys.iter() {
            let mut i = k as usize & mask;
            loop {
                if seen_doc[i] != stamp {
                    seen[i] = k;
                    seen_doc[i] = stamp;
                    parts[part_of(k)].push((k, gid));
                    added += 1;
                    break;
                }
                if seen[i] == k {
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        self.pending += added;
    }

    /// Keys waiting in this batch (to decide when to absorb it).
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// A batch holding about this many keys is worth absorbing: its
    /// partition buffers (16 bytes a key) still sit in a core's cache, and
    /// the learner's are appended to in runs of dozens of keys.
    pub const ABSORB_AT: usize = 1 << 15;
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
        let model = learner.finish().unwrap();
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
        assert!(stats.spills >= 2, "{stats:?}");
        let want = plain.finish().unwrap().to_bytes();
        assert!(want.len() > 200);
        assert_eq!(tight.finish().unwrap().to_bytes(), want);
    }

    #[test]
    fn partitions_too_large_for_the_budget_are_counted_in_passes() {
        // 1,500 documents of 100 words: ~600 occurrences per partition,
        // more than the smallest table holds in one pass.
        let word = |mut n: u64| {
            let mut w = String::new();
            for _ in 0..3 {
                w.push((b'a' + (n % 26) as u8) as char);
                n /= 26;
            }
            w
        };
        let docs: Vec<(String, &str)> = (0..1500u64)
            .map(|i| {
                let story: Vec<String> = (0..100).map(|w| word(i * 7919 + w * 577)).collect();
                let site = ["a", "b"][(i % 2) as usize];
                let appeal = "Subscribe to the daily letter today and support the \
                              reporters who bring you the news.";
                (format!("{}.\n{appeal}", story.join(" ")), site)
            })
            .collect();
        let plain = LearnerBuilder::new().build().unwrap();
        let mut tight = LearnerBuilder::new().memory_limit(Some(1)).build().unwrap();
        // Small tables, so that this small corpus needs several passes.
        tight.min_count_slots = 1 << 10;
        for (d, g) in &docs {
            plain.add(d, g);
            tight.add(d, g);
        }
        let most = (0..super::PARTS)
            .map(|p| {
                let part = super::lock(&tight.parts[p]);
                part.on_disk + part.keys.len() as u64
            })
            .max()
            .unwrap();
        assert!(most * 10 / 7 > tight.min_count_slots, "{most}");
        let model = plain.finish().unwrap();
        assert!(model.len() >= 16, "{}", model.len());
        assert_eq!(tight.finish().unwrap().to_bytes(), model.to_bytes());
    }

    #[test]
    fn merged_shards_equal_one_run() {
        let docs = corpus();
        let one = LearnerBuilder::new().build().unwrap();
        for (d, g) in &docs {
            one.add(d, g);
        }
        let want = one.finish().unwrap().to_bytes();
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
    fn spill_blocks_round_trip_at_every_group_width() {
        for top in [0u32, 255, 256, 70_000, 1 << 24, u32::MAX] {
            let p = 0xA7;
            let keys: Vec<u64> = (0..50u64)
                .map(|i| (p << 56) | (i * 0x0123_4567_89AB) & 0x00FF_FFFF_FFFF_FFFF)
                .collect();
            let groups: Vec<u32> = (0..50u32).map(|i| top - top / 50 * i).collect();
            let block = super::encode_block(p as usize, &keys, &groups);
            let mut got = Vec::new();
            let mut buf = Vec::new();
            let n = super::decode_block(&mut &block[..], p as usize, 50, &mut buf, |k, g| {
                got.push((k, g))
            })
            .unwrap();
            assert_eq!(n, 50);
            let want: Vec<(u64, u32)> = keys.iter().copied().zip(groups.iter().copied()).collect();
            assert_eq!(got, want, "groups up to {top}");
            // A truncated block is an error, not fewer occurrences.
            let cut = &block[..block.len() - 1];
            assert!(
                super::decode_block(&mut &cut[..], p as usize, 50, &mut buf, |_, _| ()).is_err()
            );
            // So is a header claiming more than the file holds.
            assert!(
                super::decode_block(&mut &block[..], p as usize, 49, &mut buf, |_, _| ()).is_err()
            );
        }
    }

    #[test]
    fn a_spill_that_cannot_be_written_fails_the_learner() {
        // The spill folder's parent is a file: nothing can be created there.
        let file = std::env::temp_dir().join(format!("boilercut-not-a-dir-{}", std::process::id()));
        std::fs::write(&file, b"x").unwrap();
        let l = LearnerBuilder::new()
            .memory_limit(Some(1))
            .spill_dir(Some(file.join("sub")))
            .build()
            .unwrap();
        for (d, g) in corpus() {
            l.add(&d, g);
        }
        assert!(l.write_counts(Vec::new()).is_err());
        let err = l.model().unwrap_err().to_string();
        assert!(err.contains("cannot spill counts"), "{err}");
        // `finish` reports it too: no model to cut with by mistake.
        let err = l.finish().unwrap_err().to_string();
        assert!(err.contains("cannot spill counts"), "{err}");
        std::fs::remove_file(&file).unwrap();
    }

    #[test]
    fn stats_while_other_threads_spill() {
        let docs = corpus();
        let l = LearnerBuilder::new().memory_limit(Some(1)).build().unwrap();
        std::thread::scope(|s| {
            for chunk in docs.chunks(10) {
                let l = &l;
                s.spawn(move || {
                    for (d, g) in chunk {
                        let mut b = l.batch();
                        b.add(d, g);
                        l.absorb(&mut b);
                    }
                });
            }
            s.spawn(|| {
                for _ in 0..200 {
                    let _ = l.stats();
                }
            });
        });
        let stats = l.stats();
        assert_eq!(stats.docs, docs.len() as u64);
        assert!(stats.spills > 0 && stats.in_memory == 0, "{stats:?}");
    }

    #[test]
    fn models_and_counts_taken_while_other_threads_learn() {
        // New groups keep arriving while models and count files are taken:
        // neither may panic on a group newer than its snapshot.
        let docs = corpus();
        let l = LearnerBuilder::new().build().unwrap();
        std::thread::scope(|s| {
            for t in 0..3 {
                let (l, docs) = (&l, &docs);
                s.spawn(move || {
                    for (i, (d, _)) in docs.iter().enumerate() {
                        l.add(d, &format!("site-{t}-{}", i % 20));
                    }
                });
            }
            s.spawn(|| {
                for _ in 0..30 {
                    l.model().unwrap();
                    l.write_counts(Vec::new()).unwrap();
                }
            });
        });
        assert_eq!(l.docs(), 3 * docs.len() as u64);
        assert_eq!(l.model().unwrap().groups().len(), 60);
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
        assert_eq!(
            one.finish().unwrap().to_bytes(),
            many.finish().unwrap().to_bytes()
        );
    }

    /// Safe at scale, item 7: a page present four times in its group was
    /// cut to "" (every shingle in 4 documents). Exact copies count once,
    /// whatever the threads, batches and memory budget.
    #[test]
    fn exact_copies_count_once() {
        let page = "The harbour master said the new pier opens in June after two years of work.";
        let mut docs: Vec<(String, &str)> = corpus();
        let distinct = docs.clone();
        for (i, d) in distinct[..4].iter().enumerate() {
            docs.insert(i * 9, (page.to_string(), "a"));
            // A document again, in another position.
            docs.push(d.clone());
        }
        // The same text in another group is another document.
        docs.push((page.to_string(), "b"));
        let want = {
            let l = LearnerBuilder::new().build().unwrap();
            for (d, g) in distinct
                .iter()
                .chain([&(page.to_string(), "a"), &(page.to_string(), "b")])
            {
                l.add(d, g);
            }
            l.finish().unwrap()
        };
        assert_eq!(want.clean(page, "a").text, page);
        for (threads, memory) in [(1, None), (4, None), (3, Some(1))] {
            let l = LearnerBuilder::new().memory_limit(memory).build().unwrap();
            std::thread::scope(|s| {
                for chunk in docs.chunks(docs.len().div_ceil(threads)) {
                    let l = &l;
                    s.spawn(move || {
                        let mut b = l.batch();
                        for (d, g) in chunk {
                            b.add(d, g);
                            l.absorb(&mut b);
                        }
                    });
                }
            });
            let stats = l.stats();
            assert_eq!(stats.duplicates, 7, "{stats:?}");
            assert_eq!(stats.docs, distinct.len() as u64 + 2, "{stats:?}");
            let model = l.finish().unwrap();
            assert_eq!(model.clean(page, "a").text, page);
            assert_eq!(
                model.to_bytes(),
                want.to_bytes(),
                "{threads} threads, {memory:?}"
            );
        }
    }

    /// Item 13: a document over the cap is not learned from, is counted,
    /// and the model passes it through unchanged.
    #[test]
    fn documents_over_the_cap_are_not_learned_and_pass_through() {
        let appeal = "Please support our newsroom with a gift today, every reader counts.";
        let long = format!("{} {appeal}", "word ".repeat(40));
        let l = LearnerBuilder::new().max_doc_bytes(120).build().unwrap();
        for i in 0..6 {
            l.add(&format!("Story {i} of the day. {appeal}"), "a");
            l.add(&format!("{i} {long}"), "a");
        }
        let stats = l.stats();
        assert_eq!((stats.docs, stats.too_large), (6, 6), "{stats:?}");
        let model = l.finish().unwrap();
        assert_eq!(model.config().max_doc_bytes(), Some(120));
        assert_eq!(model.clean(&format!("News. {appeal}"), "a").text, "News.");
        assert!(model.too_large(&long));
        assert_eq!(model.clean(&long, "a").text, long);
        // The cap survives the model file.
        let back = crate::Model::from_bytes(&model.to_bytes()).unwrap();
        assert_eq!(back.clean(&long, "a").text, long);
        // The default: 16 MiB, more only for budgets above 1.125 GiB.
        let cap = |m| {
            LearnerBuilder::new()
                .memory_limit(m)
                .config()
                .unwrap()
                .max_doc_bytes()
        };
        assert_eq!(cap(None), Some(16 << 20));
        assert_eq!(cap(Some(1)), Some(16 << 20));
        assert_eq!(cap(Some(9 << 30)), Some(128 << 20));
    }

    fn shard(docs: &[(String, &str)], spec: &str, min_docs: u64) -> Vec<u8> {
        let l = LearnerBuilder::new()
            .input_spec(spec)
            .min_docs(min_docs)
            .build()
            .unwrap();
        for (d, g) in docs {
            l.add(d, g);
        }
        let mut buf = Vec::new();
        l.write_counts(&mut buf).unwrap();
        buf
    }

    /// Item 7 across shards: copies within a shard merge exactly; a
    /// document in two shards is counted and reported.
    #[test]
    fn merged_shards_with_copies() {
        let docs = corpus();
        let mut with_copies = docs.clone();
        with_copies.extend(docs[..20].iter().cloned());
        with_copies.extend(docs[30..35].iter().cloned());
        let one = LearnerBuilder::new().input_spec("s").build().unwrap();
        for (d, g) in &with_copies {
            one.add(d, g);
        }
        let want = one.finish().unwrap();
        assert_eq!(want.input_spec(), "s");
        // Copies inside shards: 0..20 twice in the first, 30..35 in the second.
        let mut a = docs[..30].to_vec();
        a.extend(docs[..20].iter().cloned());
        let mut b = docs[30..].to_vec();
        b.extend(docs[30..35].iter().cloned());
        let files = [shard(&a, "s", 4), shard(&b, "s", 4)];
        let (model, stats) =
            crate::merge_count_files_with_stats(files.iter().map(|f| &f[..]).collect()).unwrap();
        assert_eq!(stats.cross_shard_duplicates, 0);
        assert_eq!(stats.docs, 60);
        assert_eq!(model.to_bytes(), want.to_bytes());
        // Five documents in both shards: counted, and reported.
        let mut c = docs[25..].to_vec();
        c.extend(docs[..3].iter().cloned());
        let files = [shard(&docs[..30], "s", 4), shard(&c, "s", 4)];
        let (model, stats) =
            crate::merge_count_files_with_stats(files.iter().map(|f| &f[..]).collect()).unwrap();
        assert_eq!(stats.cross_shard_duplicates, 8);
        assert_eq!(stats.docs, 60);
        assert_eq!(model.groups().iter().map(|g| g.docs).sum::<u64>(), 60);
    }

    /// Item 10: the same count file twice, and files learned with other
    /// options or read with other fields, are refused, naming them.
    #[test]
    fn merge_refuses_the_same_file_twice_and_other_inputs() {
        use crate::CountsError;
        let docs = corpus();
        let a = shard(&docs[..30], "text=text;group=field:site", 4);
        let b = shard(&docs[30..], "text=text;group=field:site", 4);
        let err = crate::merge_count_files(vec![&a[..], &b[..], &a[..]]).unwrap_err();
        assert!(
            matches!(
                err,
                CountsError::SameContent {
                    first: 0,
                    second: 2
                }
            ),
            "{err}"
        );
        let other = shard(&docs[30..], "text=body;group=field:site", 4);
        let err = crate::merge_count_files(vec![&a[..], &other[..]]).unwrap_err();
        assert!(
            matches!(&err, CountsError::Differs { first: 0, other: 1, what } if what.contains("text=body")),
            "{err}"
        );
        let other = shard(&docs[30..], "text=text;group=field:site", 5);
        let err = crate::merge_count_files(vec![&a[..], &b[..], &other[..]]).unwrap_err();
        assert!(
            matches!(&err, CountsError::Differs { other: 2, what, .. } if what.contains("min docs 4 and 5")),
            "{err}"
        );
        // Empty shards are all alike: two of them merge.
        let empty = shard(&[], "text=text;group=field:site", 4);
        assert!(crate::merge_count_files(vec![&a[..], &empty[..], &empty[..]]).is_ok());
        // A count file of the previous format is refused clearly.
        let mut v1 = a.clone();
        v1[8] = 1;
        let err = crate::merge_count_files(vec![&v1[..]])
            .unwrap_err()
            .to_string();
        assert!(err.contains("version 1 is not supported"), "{err}");
    }
}
