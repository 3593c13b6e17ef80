//! `--report`: what a clean run removed, per site, and why, gathered while
//! cleaning with bounded memory and written as one self-contained HTML file
//! (and `--report-json` for machines).
//!
//! Workers fill a [`ChunkReport`] per chunk; the consumer merges them in
//! input order into a [`RunReport`], so the report does not depend on `-j`.
//! Everything kept is capped: blocks, samples and near-threshold lines of
//! the 100 largest sites (chosen from the model before the run; the other
//! sites cost only their counts), the pages that lost most, and the table
//! of line counts.

use super::report::{human, Stats};
use boilercut::shingle::group_hash;
use boilercut::tokenize::Word;
use boilercut::{Explained, Kinds, Model, Scratch};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Distinct removed blocks followed per site (the first ones seen; a block
/// seen later is counted only in the site's totals).
const BLOCKS_KEPT: usize = 24;
/// Blocks shown per site.
const BLOCKS_SHOWN: usize = 8;
/// Sample pages kept per site (the first pages with something removed).
const SAMPLES: usize = 2;
/// Bytes of a sample page kept around its first removed block.
const SAMPLE_BYTES: usize = 1800;
/// Sites followed in detail (their blocks, samples and near-threshold
/// lines): the largest, by pages learned, chosen before the run from the
/// model, so that the other sites cost only their counts (with 10,000
/// sites, following every site's blocks was most of the report's cost,
/// and only 100 were shown).
const DETAIL_SITES: usize = 100;
/// Kept lines near the threshold remembered per site.
const NEAR_KEPT: usize = 8;
/// Pages that lost the most text.
const WORST: usize = 15;
/// Distinct kept lines counted (all sites together); past it new lines
/// are not counted, and the report says so.
const LINE_CAP: usize = 2_000_000;
/// Characters of a block's text shown.
const SHOWN_CHARS: usize = 160;
/// Kept lines shorter or longer than this (bytes) are not counted.
const LINE_MIN: usize = 12;
const LINE_MAX: usize = 400;
/// Kept lines are counted for one distinct line in this many (chosen by
/// hash, so a line is counted in every document or in none): counting every
/// line of every page cost more than the rest of the report together.
const LINE_SAMPLE: u64 = 8;
/// Where a block sits in its page.
fn third(r: &Range<usize>, len: usize) -> usize {
    let mid = (r.start + r.end) / 2;
    (mid * 3 / len.max(1)).min(2)
}

/// Hashes that are already well mixed (xxh3) index a table as they are.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = k;
    }
}

type KeyMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// A set of 64-bit keys that one thread (the merge) adds to while others
/// (the workers) read it, without a lock: open addressing over atomic
/// slots, each key written once into an empty slot. A reader that misses a
/// key being added sees a smaller set than the merge holds, which costs
/// it work but never changes the report (see [`SharedInner`]). It stops
/// taking keys at half full. Key 0 marks an empty slot and is kept as 1
/// (two keys out of 2^64 are one).
struct AtomicSet {
    slots: Box<[AtomicU64]>,
    /// Keys added (only the merge adds).
    len: AtomicUsize,
}

impl AtomicSet {
    /// A set for about `n` keys.
    fn with_capacity(n: usize) -> AtomicSet {
        let cap = (2 * n).clamp(16, 1 << 20).next_power_of_two();
        AtomicSet {
            slots: (0..cap).map(|_| AtomicU64::new(0)).collect(),
            len: AtomicUsize::new(0),
        }
    }

    fn contains(&self, k: u64) -> bool {
        let k = k.max(1);
        let mask = self.slots.len() - 1;
        let mut i = k as usize & mask;
        loop {
            match self.slots[i].load(Ordering::Relaxed) {
                0 => return false,
                s if s == k => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Add `k` (from the one thread that adds).
    fn insert(&self, k: u64) {
        let k = k.max(1);
        let len = self.len.load(Ordering::Relaxed);
        if 2 * (len + 1) > self.slots.len() {
            return;
        }
        let mask = self.slots.len() - 1;
        let mut i = k as usize & mask;
        loop {
            match self.slots[i].load(Ordering::Relaxed) {
                0 => {
                    self.slots[i].store(k, Ordering::Relaxed);
                    self.len.store(len + 1, Ordering::Relaxed);
                    return;
                }
                s if s == k => return,
                _ => i = (i + 1) & mask,
            }
        }
    }
}

/// What the merge shares with the workers (cheap to clone).
#[derive(Clone)]
pub struct Shared(Arc<SharedInner>);

/// What a worker may skip because of what the merge already holds. A key
/// enters a set only while the merge works on chunks before the one a
/// worker is on, so it is true for that chunk whatever the threads'
/// timing; a worker that does not see it yet does the work, and the merge
/// drops the result, as if the set did not exist. (Two lock-free sets: a
/// lock taken per new site of a chunk by both workers and the merge kept
/// its cache line moving between the cores.)
struct SharedInner {
    /// Sites (by group hash) whose SAMPLES sample pages the merge already
    /// holds: a worker copies no sample for them.
    sampled: AtomicSet,
    /// Sites (by group hash) of which the merge follows BLOCKS_KEPT blocks
    /// already: a worker copies no block text for them. (A set of every
    /// block followed, to copy no text for those either, cost more in
    /// lookups than the copies it saved.)
    full: AtomicSet,
    /// The sites followed in detail (by group hash), from the model.
    detailed: KeyMap<()>,
}

impl Shared {
    fn has_samples(&self, gh: u64) -> bool {
        self.0.sampled.contains(gh)
    }
    fn add_samples(&self, gh: u64) {
        self.0.sampled.insert(gh);
    }
    fn is_full(&self, gh: u64) -> bool {
        self.0.full.contains(gh)
    }
    fn add_full(&self, gh: u64) {
        self.0.full.insert(gh);
    }
    fn detailed(&self, gh: u64) -> bool {
        self.0.detailed.contains_key(&gh)
    }
}

/// At most `n` characters of `s` (trimmed), with `…` when cut.
fn shorten(s: &str, n: usize) -> String {
    let s = s.trim();
    match nth_char(s, n) {
        Some(i) => with_ellipsis(&s[..i]),
        None => s.to_string(),
    }
}

/// `s` and `…` (without `format!`'s machinery: 77k blocks at 10,000 sites).
fn with_ellipsis(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + '…'.len_utf8());
    o.push_str(s);
    o.push('…');
    o
}

/// Where the `n`th character of `s` starts (`None`: `s` is shorter). Most
/// text is ASCII, where it is byte `n`.
fn nth_char(s: &str, n: usize) -> Option<usize> {
    if s.as_bytes()[..s.len().min(n + 1)].is_ascii() {
        return (s.len() > n).then_some(n);
    }
    s.char_indices().nth(n).map(|c| c.0)
}

/// Append a block's text as shown to `dst`: at most SHOWN_CHARS characters
/// of `t`, with `…` when cut. `t` is trimmed, and holds either the whole
/// block or at least SHOWN_CHARS + 1 of its characters.
fn push_shown(dst: &mut String, t: &str) {
    match nth_char(t, SHOWN_CHARS) {
        Some(i) => {
            dst.push_str(&t[..i]);
            dst.push('…');
        }
        None => dst.push_str(t),
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A block the run follows; its text (as shown) is in [`RunReport::texts`].
#[derive(Clone, Debug, Default)]
struct Block {
    text: Range<usize>,
    docs: u64,
    bytes: u64,
    thirds: [u64; 3],
    kinds: Kinds,
}

/// A sample page the run keeps: its text and removed spans are in
/// [`RunReport::texts`] and [`RunReport::spans`].
#[derive(Clone, Debug)]
struct Sample {
    at: Place,
    text: Range<usize>,
    /// Removed ranges of the text, with their kinds.
    spans: Range<usize>,
    /// Bytes of the page cut off before the text.
    offset: usize,
    len: usize,
}

/// A sample page of a chunk, its text in the chunk's arena and its spans
/// in the chunk's `spans`: one list for the chunk, not one per site (the
/// run copies the few it keeps into its own arena, so that what a worker
/// allocates is freed with its chunk, not kept for the run).
#[derive(Debug)]
struct ChunkSample {
    site: u32,
    /// (source, line in chunk), made a place by the consumer.
    at: Place,
    text: (u32, u32),
    spans: (u32, u32),
    offset: usize,
    len: usize,
}

#[derive(Clone, Debug)]
enum Place {
    Chunk(usize, u64),
    Line(String),
}

#[derive(Clone, Debug)]
struct Worst {
    /// Order of the page in the run (chunk-local until merged).
    ord: u64,
    at: Place,
    group: String,
    len: usize,
    removed: u64,
    text: String,
}

impl Worst {
    fn share(&self) -> f64 {
        self.removed as f64 / self.len.max(1) as f64
    }
    /// Most text lost first (share, then bytes), then input order.
    fn rank(a: &Worst, b: &Worst) -> std::cmp::Ordering {
        b.share()
            .total_cmp(&a.share())
            .then(b.removed.cmp(&a.removed))
            .then(a.ord.cmp(&b.ord))
    }
}

/// A site of a chunk. Sites, blocks and lines of a chunk are flat lists
/// indexed by hash, not maps of maps: with 10,000 sites nearly every block
/// is new in its chunk, and allocations were most of the report's cost.
#[derive(Debug)]
struct ChunkSite {
    /// Its name in the arena.
    name: Range<u32>,
    gh: u64,
    /// Sample pages of the site in the chunk.
    samples: u8,
    /// The merge has this site's samples already (from earlier chunks).
    sampled: bool,
    /// The merge follows BLOCKS_KEPT blocks of this site already.
    full: bool,
    /// Followed in detail ([`DETAIL_SITES`]): its blocks, samples and kept
    /// lines are recorded.
    detailed: bool,
}

/// A removed block of a page of a chunk: its site, its words hash, its
/// counts, and its text in the arena when the merge may need it (not when
/// the merge follows BLOCKS_KEPT blocks of the site). One per block met, in input order, without a table of the chunk's
/// blocks: with 10,000 sites nearly every block is new in its chunk, so
/// the table held as many entries as there were blocks, and the merge
/// sums the counts in its own short list of the site anyway.
#[derive(Debug)]
struct ChunkHit {
    hash: u64,
    bytes: u64,
    site: u32,
    text: (u32, u32),
    kinds: Kinds,
    third: u8,
    /// The first block of these words in its page.
    first: bool,
}

/// What the workers gather from one chunk.
pub struct ChunkReport {
    sites: Vec<ChunkSite>,
    site_ix: KeyMap<u32>,
    /// Blocks in input order.
    hits: Vec<ChunkHit>,
    samples: Vec<ChunkSample>,
    spans: Vec<(Range<u32>, Kinds)>,
    hist: [u64; 11],
    worst: Vec<Worst>,
    docs: u64,
    /// Kept lines: (site, key, text range in `arena`).
    lines: Vec<(u32, u64, Range<u32>)>,
    arena: String,
    seen: Vec<u64>,
    shared: Shared,
}

impl ChunkReport {
    /// Whether the site (group) `group` is followed in detail: its pages
    /// need [`Model::explain_with`], the others only what was cut.
    pub fn follows(&self, group: &str) -> bool {
        self.shared.detailed(group_hash(group))
    }

    /// An empty report for a chunk of `bytes` bytes, its lists sized for it
    /// (growing them copied more than the report wrote).
    pub fn new(bytes: usize, shared: &Shared) -> ChunkReport {
        // A text file is one chunk, of any size.
        let bytes = bytes.min(8 << 20);
        ChunkReport {
            sites: Vec::with_capacity(bytes / 4096),
            site_ix: KeyMap::with_capacity_and_hasher(bytes / 4096, Default::default()),
            hits: Vec::with_capacity(bytes / 1024),
            samples: Vec::new(),
            spans: Vec::new(),
            hist: [0; 11],
            worst: Vec::with_capacity(WORST + 1),
            docs: 0,
            lines: Vec::with_capacity(bytes / 256),
            arena: String::with_capacity(bytes / 2),
            seen: Vec::new(),
            shared: shared.clone(),
        }
    }

    /// Record one cleaned document: `line` is its line in the chunk. Kept
    /// out of line, as is `count_lines`, so that profiles show the report's
    /// share.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    pub fn doc(
        &mut self,
        group: &str,
        text: &str,
        line: u64,
        source: usize,
        cut: &[Range<usize>],
        why: &[Explained],
        scratch: &Scratch,
    ) {
        let ord = self.docs;
        self.docs += 1;
        let removed: u64 = cut.iter().map(|r| r.len() as u64).sum();
        let bin = if removed == 0 {
            0
        } else {
            (removed * 10)
                .div_ceil(text.len().max(1) as u64)
                .clamp(1, 10) as usize
        };
        self.hist[bin] += 1;
        let gh = group_hash(group);
        let site_ix = match self.site_ix.get(&gh) {
            Some(&i) => i,
            None => {
                let i = self.sites.len() as u32;
                let a = self.arena.len() as u32;
                self.arena.push_str(group);
                self.sites.push(ChunkSite {
                    name: a..self.arena.len() as u32,
                    gh,
                    samples: 0,
                    sampled: self.shared.has_samples(gh),
                    full: self.shared.is_full(gh),
                    detailed: self.shared.detailed(gh),
                });
                self.site_ix.insert(gh, i);
                i
            }
        };
        let detailed = self.sites[site_ix as usize].detailed;
        if detailed {
            let (words, lines) = scratch.lines();
            self.count_lines(site_ix, gh, text, cut, words, lines);
        }
        if cut.is_empty() {
            return;
        }
        let at = Place::Chunk(source, line);
        // The pages that lost most: keep this chunk's best WORST.
        let mut w = Worst {
            ord,
            at: at.clone(),
            group: String::new(),
            len: text.len(),
            removed,
            text: String::new(),
        };
        if self.worst.len() < WORST
            || Worst::rank(&w, self.worst.last().expect("full")) == std::cmp::Ordering::Less
        {
            w.group = group.to_string();
            w.text = shorten(&text[cut[0].clone()], SHOWN_CHARS);
            let i = self
                .worst
                .partition_point(|x| Worst::rank(x, &w) != std::cmp::Ordering::Greater);
            self.worst.insert(i, w);
            self.worst.truncate(WORST);
        }
        if !detailed {
            return;
        }
        self.seen.clear();
        let full = self.sites[site_ix as usize].full;
        for e in why {
            let h = e.words_hash;
            let first_in_doc = !self.seen.contains(&h);
            self.seen.push(h);
            let a = self.arena.len() as u32;
            if !full {
                let t = text[e.range.clone()].trim();
                // Enough bytes for SHOWN_CHARS + 1 characters: the merge
                // shortens the few blocks it keeps (`push_shown`).
                self.arena
                    .push_str(&t[..floor_char(t, 4 * (SHOWN_CHARS + 1))]);
            }
            self.hits.push(ChunkHit {
                hash: h,
                bytes: e.range.len() as u64,
                site: site_ix,
                text: (a, self.arena.len() as u32),
                kinds: e.kinds,
                third: third(&e.range, text.len()) as u8,
                first: first_in_doc,
            });
        }
        let site = &mut self.sites[site_ix as usize];
        if !site.sampled && usize::from(site.samples) < SAMPLES {
            site.samples += 1;
            let first = why[0].range.start;
            // Start a little before the first block, at a line start (or
            // a space) so that no word is cut.
            let mut start = floor_char(text, first.saturating_sub(SAMPLE_BYTES / 5));
            if let Some(p) = text[start..first]
                .find('\n')
                .or_else(|| text[start..first].find(' '))
            {
                start += p + 1;
            }
            if text.len() <= SAMPLE_BYTES {
                start = 0;
            }
            let end = floor_char(text, start + SAMPLE_BYTES);
            let s0 = self.spans.len() as u32;
            self.spans.extend(
                why.iter()
                    .filter(|e| e.range.start < end && e.range.end > start)
                    .map(|e| {
                        let s = e.range.start.max(start) - start;
                        let t = floor_char(text, e.range.end.min(end)) - start;
                        (s as u32..t as u32, e.kinds)
                    }),
            );
            let a = self.arena.len() as u32;
            self.arena.push_str(&text[start..end]);
            self.samples.push(ChunkSample {
                site: site_ix,
                at,
                text: (a, self.arena.len() as u32),
                spans: (s0, self.spans.len() as u32),
                offset: start,
                len: text.len(),
            });
        }
    }

    /// Remember the kept lines of a document (each once) for counting:
    /// `words` and `lines` as [`boilercut::Scratch::lines`] gives them. A
    /// line that a removed block touches is not counted. The sample is
    /// chosen by the line's first two words before its bytes are looked
    /// at (finding every line's end and trimming it cost more than the
    /// rest of the report's bookkeeping).
    #[inline(never)]
    fn count_lines(
        &mut self,
        site: u32,
        seed: u64,
        text: &str,
        cut: &[Range<usize>],
        words: &[Word],
        lines: impl Iterator<Item = Range<usize>>,
    ) {
        let first = self.lines.len();
        let bytes = text.as_bytes();
        let mut next = 0;
        for l in lines {
            let a = &words[l.start];
            let second = if l.len() > 1 {
                words[l.start + 1].hash
            } else {
                0
            };
            if boilercut::shingle::fmix64(a.hash ^ second.rotate_left(29) ^ seed) % LINE_SAMPLE != 0
            {
                continue;
            }
            // The whole line: from after the newline before its first
            // word to the newline after its last (both in the gaps).
            let b = &words[l.end - 1];
            let gap_before = l.start.checked_sub(1).map_or(0, |i| words[i].end as usize);
            let lo = memchr::memrchr(b'\n', &bytes[gap_before..a.start as usize])
                .map_or(gap_before, |p| gap_before + p + 1);
            let gap_after = words.get(l.end).map_or(bytes.len(), |w| w.start as usize);
            let hi = memchr::memchr(b'\n', &bytes[b.end as usize..gap_after])
                .map_or(gap_after, |p| b.end as usize + p);
            while cut.get(next).is_some_and(|r| r.end <= lo) {
                next += 1;
            }
            if cut.get(next).is_some_and(|r| r.start < hi) {
                continue;
            }
            self.count_line(site, seed, text, lo..hi, first);
        }
    }

    /// [`ChunkReport::count_lines`] for one sampled line (`r`, without its
    /// newline) that no removed block touches.
    #[inline]
    fn count_line(&mut self, site: u32, seed: u64, text: &str, r: Range<usize>, first: usize) {
        let line = &text.as_bytes()[r.clone()];
        let b = line.trim_ascii_start();
        let lead = line.len() - b.len();
        let b = b.trim_ascii_end();
        if b.len() < LINE_MIN || b.len() > LINE_MAX {
            return;
        }
        let key = xxh3_64_with_seed(b, seed);
        if self.lines[first..].iter().any(|l| l.1 == key) {
            return;
        }
        let t = &text[r.start + lead..r.start + lead + b.len()];
        let a = self.arena.len() as u32;
        self.arena.push_str(t);
        self.lines.push((site, key, a..self.arena.len() as u32));
    }
}

struct SiteAcc {
    /// The blocks followed (at most BLOCKS_KEPT, in the order first met)
    /// and their words hashes: BLOCKS_KEPT slots of [`RunReport::blocks`]
    /// and [`RunReport::hashes`] from `slot` (given with the first block),
    /// `blocks` of them used. A short list searched in line costs less
    /// than a table per site (10,000 sites, most with a few blocks), and
    /// slots in two large vectors less than two small ones per site (the
    /// heaps grew a page at a time as 10,000 sites' lists grew).
    slot: u32,
    blocks: u8,
    /// Removed blocks first seen once BLOCKS_KEPT were followed.
    untracked_blocks: u64,
    /// Its sample pages in [`RunReport::samples`].
    samples: [u32; SAMPLES],
    sampled: u8,
    /// Kept lines that reached the near-threshold count: key, text.
    near: Vec<(u64, String)>,
    /// Followed in detail ([`DETAIL_SITES`]).
    detailed: bool,
    threshold: u64,
    learned: u64,
}

/// The report of a whole run, merged in input order.
pub struct RunReport {
    /// In the order first met; `site_ix` finds them by group hash.
    sites: Vec<SiteAcc>,
    site_ix: KeyMap<u32>,
    shared: Shared,
    /// The blocks followed by the sites, and their words hashes (see
    /// [`SiteAcc::slot`]); the sample pages.
    blocks: Vec<Block>,
    hashes: Vec<u64>,
    samples: Vec<Sample>,
    /// The text of the blocks followed and of the sample pages: one arena
    /// for the run, not a `String` each (100,000 allocations kept to the
    /// end, at 10,000 sites, grew the heaps a page at a time).
    texts: String,
    /// The removed spans of the sample pages.
    spans: Vec<(Range<usize>, Kinds)>,
    hist: [u64; 11],
    worst: Vec<Worst>,
    docs: u64,
    lines: KeyMap<u32>,
    lines_full_at: Option<u64>,
    min_docs: u64,
    min_fraction: f64,
    model_groups: HashMap<String, u64>,
}

/// The sites followed in detail: the [`DETAIL_SITES`] with most pages
/// learned (then by name) among those with frequent features.
fn detail_sites(model: &Model) -> KeyMap<()> {
    let mut g: Vec<&boilercut::GroupInfo> =
        model.groups().iter().filter(|g| g.features > 0).collect();
    g.sort_by(|a, b| b.docs.cmp(&a.docs).then(a.name.cmp(&b.name)));
    g.iter()
        .take(DETAIL_SITES)
        .map(|g| (group_hash(&g.name), ()))
        .collect()
}

impl RunReport {
    pub fn new(model: &Model) -> RunReport {
        RunReport {
            sites: Vec::new(),
            site_ix: KeyMap::default(),
            shared: Shared(Arc::new(SharedInner {
                sampled: AtomicSet::with_capacity(model.groups().len()),
                full: AtomicSet::with_capacity(model.groups().len()),
                detailed: detail_sites(model),
            })),
            // Room for what the sites can keep (virtual memory: the pages
            // are touched as it fills), so that it rarely grows by copying.
            blocks: Vec::new(),
            hashes: Vec::new(),
            samples: Vec::new(),
            texts: String::with_capacity(
                (model.groups().len() * (SAMPLES * SAMPLE_BYTES + BLOCKS_KEPT * SHOWN_CHARS))
                    .min(256 << 20),
            ),
            spans: Vec::new(),
            hist: [0; 11],
            worst: Vec::new(),
            docs: 0,
            lines: KeyMap::default(),
            lines_full_at: None,
            min_docs: model.config().min_docs(),
            min_fraction: model.config().min_fraction(),
            model_groups: model
                .groups()
                .iter()
                .map(|g| (g.name.clone(), g.docs))
                .collect(),
        }
    }

    /// What the workers' [`ChunkReport::new`] needs to know.
    pub fn shared(&self) -> &Shared {
        &self.shared
    }

    fn site_of(&self, gh: u64) -> Option<&SiteAcc> {
        self.site_ix.get(&gh).map(|&i| &self.sites[i as usize])
    }

    /// The index of a site in `sites`, added when new.
    fn site(&mut self, gh: u64, name: &str) -> usize {
        if let Some(&i) = self.site_ix.get(&gh) {
            return i as usize;
        }
        {
            let learned = self.model_groups.get(name).copied().unwrap_or(0);
            let threshold = self
                .min_docs
                .max((self.min_fraction * learned as f64).ceil() as u64);
            self.site_ix.insert(gh, self.sites.len() as u32);
            self.sites.push(SiteAcc {
                slot: 0,
                blocks: 0,
                untracked_blocks: 0,
                samples: [0; SAMPLES],
                sampled: 0,
                near: Vec::new(),
                detailed: self.shared.detailed(gh),
                threshold,
                learned,
            });
        }
        self.sites.len() - 1
    }

    /// Merge the next chunk (in input order); `place` names a line of a
    /// source given its line in the chunk.
    pub fn merge(&mut self, c: ChunkReport, place: impl Fn(usize, u64) -> String) {
        let fix = |p: &mut Place| {
            if let Place::Chunk(s, l) = *p {
                *p = Place::Line(place(s, l));
            }
        };
        for (i, h) in c.hist.iter().enumerate() {
            self.hist[i] += h;
        }
        let base = self.docs;
        self.docs += c.docs;
        for mut w in c.worst {
            w.ord += base;
            fix(&mut w.at);
            self.worst.push(w);
        }
        self.worst.sort_by(Worst::rank);
        self.worst.truncate(WORST);
        // The chunk's sites in the run's list, each looked up once.
        let ix: Vec<usize> = c
            .sites
            .iter()
            .map(|cs| {
                self.site(
                    cs.gh,
                    &c.arena[cs.name.start as usize..cs.name.end as usize],
                )
            })
            .collect();
        // Blocks and samples in the order the chunk met them (input order),
        // so capped lists fill the same way whatever the threads.
        for hit in c.hits {
            let site = &mut self.sites[ix[hit.site as usize]];
            let (slot, n) = (site.slot as usize, usize::from(site.blocks));
            if let Some(i) = self.hashes[slot..slot + n]
                .iter()
                .position(|&h| h == hit.hash)
            {
                let have = &mut self.blocks[slot + i];
                have.docs += u64::from(hit.first);
                have.bytes += hit.bytes;
                have.thirds[usize::from(hit.third)] += 1;
                have.kinds = have.kinds.union(hit.kinds);
            } else if n < BLOCKS_KEPT {
                let slot = if n == 0 {
                    let at = self.blocks.len();
                    self.blocks.resize(at + BLOCKS_KEPT, Block::default());
                    self.hashes.resize(at + BLOCKS_KEPT, 0);
                    site.slot = at as u32;
                    at
                } else {
                    slot
                };
                let a = self.texts.len();
                push_shown(
                    &mut self.texts,
                    &c.arena[hit.text.0 as usize..hit.text.1 as usize],
                );
                let mut thirds = [0; 3];
                thirds[usize::from(hit.third)] = 1;
                self.blocks[slot + n] = Block {
                    text: a..self.texts.len(),
                    docs: u64::from(hit.first),
                    bytes: hit.bytes,
                    thirds,
                    kinds: hit.kinds,
                };
                self.hashes[slot + n] = hit.hash;
                site.blocks += 1;
                if n + 1 == BLOCKS_KEPT {
                    self.shared.add_full(c.sites[hit.site as usize].gh);
                }
            } else {
                site.untracked_blocks += hit.bytes;
            }
        }
        for cs in c.samples {
            let site = &mut self.sites[ix[cs.site as usize]];
            let n = usize::from(site.sampled);
            if n >= SAMPLES {
                continue;
            }
            let mut at = cs.at;
            fix(&mut at);
            let t = self.texts.len();
            self.texts
                .push_str(&c.arena[cs.text.0 as usize..cs.text.1 as usize]);
            let s0 = self.spans.len();
            self.spans.extend(
                c.spans[cs.spans.0 as usize..cs.spans.1 as usize]
                    .iter()
                    .map(|(r, k)| (r.start as usize..r.end as usize, *k)),
            );
            site.samples[n] = self.samples.len() as u32;
            site.sampled += 1;
            self.samples.push(Sample {
                at,
                text: t..self.texts.len(),
                spans: s0..self.spans.len(),
                offset: cs.offset,
                len: cs.len,
            });
            if n + 1 == SAMPLES {
                self.shared.add_samples(c.sites[cs.site as usize].gh);
            }
        }
        let thresholds: Vec<u64> = ix
            .iter()
            .map(|&i| self.sites[i].threshold.saturating_sub(1).max(2))
            .collect();
        for (site_ix, key, text) in c.lines {
            let full = self.lines.len() >= LINE_CAP;
            let n = match self.lines.entry(key) {
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    *e.get_mut() += 1;
                    u64::from(*e.get())
                }
                std::collections::hash_map::Entry::Vacant(_) if full => {
                    self.lines_full_at.get_or_insert(self.docs);
                    continue;
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(1);
                    1
                }
            };
            if n != thresholds[site_ix as usize] {
                continue;
            }
            let site = &mut self.sites[ix[site_ix as usize]];
            if site.near.len() < NEAR_KEPT {
                let t = &c.arena[text.start as usize..text.end as usize];
                site.near.push((key, shorten(t, SHOWN_CHARS)));
            }
        }
    }
}

/// A site's entry in the JSON, written as the `serde_json::Value` it was
/// built as before (keys sorted) without building one: at 10,000 sites the
/// values cost more than writing them.
struct SiteRow<'a> {
    name: &'a str,
    g: &'a super::report::GroupStats,
    /// The details of a site followed in detail (else empty).
    detail: serde_json::Map<String, serde_json::Value>,
}

/// A JSON value of a [`SiteRow`].
enum Field<'a> {
    U64(u64),
    F64(f64),
    Str(&'a str),
}

impl serde::Serialize for Field<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::U64(v) => s.serialize_u64(*v),
            Field::F64(v) => s.serialize_f64(*v),
            Field::Str(v) => s.serialize_str(v),
        }
    }
}

/// Write `a` and `b` (each sorted by key) as one map sorted by key.
fn merged_map<S: serde::Serializer>(
    s: S,
    a: &[(&str, Field)],
    b: &serde_json::Map<String, serde_json::Value>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(a.len() + b.len()))?;
    let mut a = a.iter().peekable();
    let mut b = b.iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.0 < y.0.as_str(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if take_a {
            let (k, v) = a.next().expect("peeked");
            m.serialize_entry(k, v)?;
        } else {
            let (k, v) = b.next().expect("peeked");
            m.serialize_entry(k, v)?;
        }
    }
    m.end()
}

impl serde::Serialize for SiteRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let g = self.g;
        // Sorted by key, as serde_json's map sorts them.
        let plain = [
            ("pages", Field::U64(g.docs)),
            ("removed_bytes", Field::U64(g.removed)),
            (
                "share_removed",
                Field::F64(g.removed as f64 / g.text_bytes.max(1) as f64),
            ),
            ("site", Field::Str(self.name)),
            ("text_bytes", Field::U64(g.text_bytes)),
        ];
        merged_map(s, &plain, &self.detail)
    }
}

/// The whole JSON report: `rest` and the `sites` list.
struct Top<'a> {
    rest: serde_json::Map<String, serde_json::Value>,
    sites: Vec<SiteRow<'a>>,
}

impl serde::Serialize for Top<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.rest.len() + 1))?;
        let mut sites = Some(&self.sites);
        for (k, v) in &self.rest {
            if k.as_str() > "sites" {
                if let Some(l) = sites.take() {
                    m.serialize_entry("sites", l)?;
                }
            }
            m.serialize_entry(k, v)?;
        }
        if let Some(l) = sites {
            m.serialize_entry("sites", l)?;
        }
        m.end()
    }
}

/// What the report says about the run besides what it gathered.
pub struct RunInfo<'a> {
    pub stats: &'a Stats,
    pub model: &'a Model,
    /// xxh3-64 of the model's bytes (computed once for both outputs).
    pub model_xxh3: u64,
    pub duplicates: Option<u64>,
    pub inputs: Vec<String>,
    pub small: (u64, u64),
    pub unknown: (u64, u64),
    /// The sites in report order ([`site_order`]), sorted once for both
    /// outputs.
    pub sites: Vec<(&'a String, &'a super::report::GroupStats)>,
}

fn esc(s: &str) -> String {
    if !s
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        return s.to_string();
    }
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn pct(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

fn kinds_text(k: Kinds) -> String {
    let v: Vec<&str> = k.iter().map(|f| f.name()).collect();
    if v.is_empty() {
        "?".into()
    } else {
        v.join(", ")
    }
}

const WHERE: [&str; 3] = ["start", "middle", "end"];

/// The sites in report order: most removed bytes first, then by name.
pub fn site_order(stats: &Stats) -> Vec<(&String, &super::report::GroupStats)> {
    let mut v: Vec<_> = stats.groups.iter().collect();
    v.sort_by(|a, b| b.1.removed.cmp(&a.1.removed).then(a.0.cmp(b.0)));
    v
}

/// The blocks of a site shown, with their text: most bytes first, then by
/// text.
fn blocks_of<'a>(blocks: &'a [Block], texts: &'a str) -> Vec<(&'a Block, &'a str)> {
    let mut v: Vec<(&Block, &str)> = blocks.iter().map(|b| (b, &texts[b.text.clone()])).collect();
    v.sort_by(|a, b| b.0.bytes.cmp(&a.0.bytes).then(a.1.cmp(b.1)));
    v.truncate(BLOCKS_SHOWN);
    v
}

impl RunReport {
    /// The blocks a site follows.
    fn blocks_of_site(&self, site: &SiteAcc) -> &[Block] {
        let slot = site.slot as usize;
        &self.blocks[slot..slot + usize::from(site.blocks)]
    }

    /// Near-threshold kept lines of a site with their final counts.
    fn near_of(&self, site: &SiteAcc) -> Vec<(u64, String)> {
        let mut v: Vec<(u64, String)> = site
            .near
            .iter()
            .map(|(k, t)| {
                (
                    u64::from(self.lines.get(k).copied().unwrap_or(0)),
                    t.clone(),
                )
            })
            .collect();
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        v
    }

    fn totals(stats: &Stats) -> (u64, u64) {
        let text: u64 = stats.groups.values().map(|g| g.text_bytes).sum();
        let removed: u64 = stats.groups.values().map(|g| g.removed).sum();
        (text, removed)
    }

    /// The report as JSON (serialize it with serde_json).
    pub fn json<'a>(&'a self, info: &'a RunInfo) -> impl serde::Serialize + 'a {
        use serde_json::json;
        let s = info.stats;
        let (text, removed) = Self::totals(s);
        let cfg = info.model.config();
        let sites: Vec<SiteRow> = info
            .sites
            .iter()
            .copied()
            .map(|(name, g)| {
                let mut o = SiteRow {
                    name,
                    g,
                    detail: serde_json::Map::new(),
                };
                if let Some(site) = self.site_of(group_hash(name)).filter(|s| s.detailed) {
                    let o = &mut o.detail;
                    o.insert("threshold".into(), json!(site.threshold));
                    o.insert("learned_docs".into(), json!(site.learned));
                    o.insert("blocks".into(), blocks_of(self.blocks_of_site(site), &self.texts)
                        .iter()
                        .map(|&(b, text)| {
                            json!({
                                "text": text, "pages": b.docs, "share_of_pages": b.docs as f64 / g.docs.max(1) as f64,
                                "bytes": b.bytes, "where": {"start": b.thirds[0], "middle": b.thirds[1], "end": b.thirds[2]},
                                "kinds": b.kinds.iter().map(|k| k.name()).collect::<Vec<_>>(),
                            })
                        })
                        .collect());
                    o.insert("untracked_block_bytes".into(), json!(site.untracked_blocks));
                    o.insert("kept_near_threshold".into(), self
                        .near_of(site)
                        .iter()
                        .map(|(n, t)| json!({"text": t, "pages": n}))
                        .collect());
                }
                o
            })
            .collect();
        let serde_json::Value::Object(rest) = json!({
            "boilercut": env!("CARGO_PKG_VERSION"),
            "documents": s.docs,
            "bytes_in": s.bytes_in,
            "bytes_out": s.bytes_out,
            "text_bytes": text,
            "removed_bytes": removed,
            "share_removed": removed as f64 / text.max(1) as f64,
            "documents_cut": s.docs_cut,
            "documents_emptied": s.emptied,
            "duplicates_learned_once": info.duplicates,
            "small_groups": {"groups": info.small.0, "documents": info.small.1},
            "unknown_groups": {"groups": info.unknown.0, "documents": info.unknown.1},
            "passed_through": {
                "no_text": s.no_text, "invalid_utf8": s.invalid_utf8, "lone_surrogate": s.lone_surrogate,
                "blank": s.blank, "too_large": s.too_large, "bad_kept": s.bad_kept, "bad_skipped": s.bad_skipped,
            },
            "parameters": {
                "shingle_words": cfg.shingle_words(), "min_docs": cfg.min_docs(), "min_fraction": cfg.min_fraction(),
                "max_gap": cfg.max_gap(), "min_run": cfg.min_run(), "snap_words": cfg.snap_words(),
                "short_lines": cfg.short_lines(), "max_affix_words": cfg.max_affix_words(),
                "max_doc_bytes": cfg.max_doc_bytes(), "input_spec": cfg.input_spec(),
            },
            "model_xxh3": format!("{:016x}", info.model_xxh3),
            "inputs": info.inputs,
            "removal_histogram": {"none": self.hist[0], "deciles": &self.hist[1..]},
            "lines_counted": self.lines.len(),
            "sites_in_detail": self.sites.iter().filter(|s| s.detailed).count(),
            "line_table_full_after_documents": self.lines_full_at,
            "worst_pages": self.worst.iter().map(|w| json!({
                "where": place_text(&w.at), "site": w.group, "text_bytes": w.len, "removed_bytes": w.removed, "first_removed": w.text,
            })).collect::<Vec<_>>(),
        }) else {
            unreachable!("an object")
        };
        Top { rest, sites }
    }

    /// The report as one self-contained HTML page.
    pub fn html(&self, info: &RunInfo) -> String {
        let s = info.stats;
        let (text, removed) = Self::totals(s);
        let cfg = info.model.config();
        let order = &info.sites;
        let mut h = String::with_capacity(1 << 20);
        h.push_str(HEAD);
        let _ = write!(
            h,
            "<h1>boilercut report</h1><p class=sub>{} documents in {} sites; {} of {} text removed ({:.2}%).</p>",
            s.docs,
            s.groups.len(),
            human(removed),
            human(text),
            pct(removed, text)
        );
        // Overview.
        h.push_str("<h2>Overview</h2><table class=kv>");
        let mut kv = |k: &str, v: String| {
            let _ = write!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), v);
        };
        kv(
            "documents",
            format!(
                "{} ({} with something removed, {} cut to nothing)",
                s.docs, s.docs_cut, s.emptied
            ),
        );
        kv(
            "bytes in / out",
            format!(
                "{} / {} (records, {} / {} bytes)",
                human(s.bytes_in),
                human(s.bytes_out),
                s.bytes_in,
                s.bytes_out
            ),
        );
        kv(
            "text / removed",
            format!(
                "{} / {} bytes: <b>{:.2}%</b> removed",
                text,
                removed,
                pct(removed, text)
            ),
        );
        if let Some(d) = info.duplicates {
            kv("exact duplicates", format!("{d} documents had the same text as another of their site and were learned once"));
        }
        kv(
            "sites too small to learn a template",
            format!(
                "{} sites, {} documents (fewer than min_docs {} learned): only lists found in two of their pages cut",
                info.small.0,
                info.small.1,
                cfg.min_docs()
            ),
        );
        if info.unknown.1 > 0 {
            kv(
                "sites the model never saw",
                format!(
                    "{} sites, {} documents: nothing cut",
                    info.unknown.0, info.unknown.1
                ),
            );
        }
        kv("records passed through", format!(
            "{} without a text string, {} invalid UTF-8, {} lone surrogate, {} blank lines, {} too large, {} bad records kept, {} bad records skipped",
            s.no_text, s.invalid_utf8, s.lone_surrogate, s.blank, s.too_large, s.bad_kept, s.bad_skipped
        ));
        kv("parameters", format!(
            "shingle_words {} · min_docs {} · min_fraction {} · max_gap {} · min_run {} · snap_words {} · short_lines {} · max_affix_words {} · max_doc_bytes {} · input {}",
            cfg.shingle_words(), cfg.min_docs(), cfg.min_fraction(), cfg.max_gap(), cfg.min_run(), cfg.snap_words(),
            cfg.short_lines(), cfg.max_affix_words(),
            cfg.max_doc_bytes().map_or("none".into(), |b| b.to_string()), esc(cfg.input_spec())
        ));
        kv(
            "model (xxh3-64 of its bytes)",
            format!(
                "<code>{:016x}</code> · boilercut {}",
                info.model_xxh3,
                env!("CARGO_PKG_VERSION")
            ),
        );
        let mut inputs: Vec<String> = info.inputs.iter().take(10).map(|i| esc(i)).collect();
        if info.inputs.len() > 10 {
            inputs.push(format!("… {} more", info.inputs.len() - 10));
        }
        kv("inputs", inputs.join("<br>"));
        h.push_str("</table>");
        h.push_str("<p class=note>A site's <i>threshold</i> is max(min_docs, ⌈min_fraction × documents learned⌉): a feature (word run) in at least that many documents of the site is boilerplate. A block's <i>pages</i> counts the pages where a block of the same words (case, digits, punctuation and spacing aside) was cut; blocks that vary (a name, a title) are counted per variant, so their features' document frequency is higher than shown. <i>Why</i> names the kinds of frequent feature that overlap the block (shingle: shingle_words consecutive words; line: a whole short line; line head: the start of a short line; prefix/suffix: the start/end of the page; segment: words between two boundaries); each is in at least <i>threshold</i> documents (df), but for shingles of a menu or list of 40 words or more, and lines between removed text, which may be in one document fewer (when that is still 3 or more). A <i>why</i> of ? is a list of lines each found whole in two pages or more: a menu or sidebar (what a site of fewer than min_docs pages loses; such sites are not in these tables).</p>");

        // Plots.
        h.push_str("<h2>Plots</h2><div class=plots>");
        plot_sites(&mut h, order);
        plot_hist(&mut h, &self.hist);
        h.push_str("</div>");

        // Sites.
        let _ = write!(
            h,
            "<h2>Sites</h2><details{}><summary>{} sites, most removed bytes first</summary><table class=sites><tr><th>site</th><th>pages</th><th>text</th><th>removed</th><th>share</th><th></th></tr>",
            if order.len() <= 200 { " open" } else { "" },
            order.len()
        );
        for (name, g) in order {
            let share = pct(g.removed, g.text_bytes);
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td><td>{}</td></tr>",
                esc(name),
                g.docs,
                human(g.text_bytes),
                human(g.removed),
                share,
                bar(share)
            );
        }
        h.push_str("</table></details>");

        // Risk: pages that lost most.
        h.push_str("<h2 id=worst>Pages that lost the most text</h2><table class=worst><tr><th>page</th><th>site</th><th>text</th><th>removed</th><th>first removed block</th></tr>");
        for w in &self.worst {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.0}%</td><td class=t>{}</td></tr>",
                esc(&place_text(&w.at)),
                esc(&w.group),
                human(w.len as u64),
                100.0 * w.share(),
                esc(&w.text)
            );
        }
        h.push_str("</table>");
        if let Some(at) = self.lines_full_at {
            let _ = write!(h, "<p class=warn>Kept lines were counted for near-threshold blocks up to {LINE_CAP} distinct lines; after document {at} new lines were no longer counted, so lines first seen later are missing below.</p>");
        }

        // Per-site details.
        let detailed: Vec<(&String, &super::report::GroupStats, &SiteAcc)> = order
            .iter()
            .filter_map(|&(name, g)| {
                self.site_of(group_hash(name))
                    .filter(|s| s.detailed)
                    .map(|s| (name, g, s))
            })
            .collect();
        let shown = detailed.len();
        let _ = write!(h, "<h2 id=blocks>Removed blocks per site</h2><p class=note>The {shown} largest sites (most pages learned{}), most removed bytes first: the {BLOCKS_SHOWN} blocks that removed the most bytes, kept lines just below the threshold, and the first {SAMPLES} pages with removed text (highlighted). The sites followed in detail are chosen from the model before the run.</p>",
            if order.len() > shown { format!("; {} sites in all", order.len()) } else { String::new() });
        for (i, &(name, g, site)) in detailed.iter().enumerate() {
            let _ = write!(
                h,
                "<details{}><summary><b>{}</b> · {} pages · {:.1}% removed · threshold {} of {} learned</summary>",
                if i < 3 { " open" } else { "" },
                esc(name),
                g.docs,
                pct(g.removed, g.text_bytes),
                site.threshold,
                site.learned
            );
            h.push_str("<table class=blocks><tr><th>block</th><th>pages with this text</th><th>bytes removed</th><th>where</th><th>why: features matched</th></tr>");
            for (b, text) in blocks_of(self.blocks_of_site(site), &self.texts) {
                let w = (0..3).max_by_key(|&t| (b.thirds[t], 3 - t)).unwrap_or(0);
                let _ = write!(
                    h,
                    "<tr><td class=t>{}</td><td>{} ({:.0}%)</td><td>{}</td><td>{}</td><td>{} (df ≥ {})</td></tr>",
                    esc(text),
                    b.docs,
                    pct(b.docs, g.docs),
                    human(b.bytes),
                    WHERE[w],
                    kinds_text(b.kinds),
                    site.threshold
                );
            }
            h.push_str("</table>");
            if site.untracked_blocks > 0 {
                let _ = write!(h, "<p class=note>{} removed in blocks first seen after {BLOCKS_KEPT} distinct ones (not listed).</p>", human(site.untracked_blocks));
            }
            let near = self.near_of(site);
            if !near.is_empty() {
                h.push_str("<p class=sub>Kept lines in many pages (just below the threshold, or kept by the boundary rules):</p><table class=near><tr><th>line</th><th>pages</th></tr>");
                for (n, t) in near {
                    let _ = write!(
                        h,
                        "<tr><td class=t>{}</td><td>{} of threshold {}</td></tr>",
                        esc(&t),
                        n,
                        site.threshold
                    );
                }
                h.push_str("</table>");
            }
            for &i in &site.samples[..usize::from(site.sampled)] {
                sample(&mut h, &self.samples[i as usize], &self.texts, &self.spans);
            }
            h.push_str("</details>");
        }
        h.push_str("<p class=note>Written by boilercut --report. Self-contained: no scripts, fonts or images from anywhere else.</p></body></html>\n");
        h
    }
}

fn place_text(p: &Place) -> String {
    match p {
        Place::Line(s) => s.clone(),
        Place::Chunk(s, l) => format!("source {s} line {l}"),
    }
}

fn bar(share: f64) -> String {
    format!(
        "<svg class=bar width=100 height=10><rect width=100 height=10 fill=#eee /><rect width={:.0} height=10 fill=#c0392b /></svg>",
        share.clamp(0.0, 100.0)
    )
}

fn sample(h: &mut String, s: &Sample, texts: &str, spans: &[(Range<usize>, Kinds)]) {
    let text = &texts[s.text.clone()];
    let _ = write!(
        h,
        "<div class=sample><div class=where>{} · {} bytes{}</div><pre>",
        esc(&place_text(&s.at)),
        s.len,
        if s.offset > 0 || s.offset + text.len() < s.len {
            format!(" (bytes {}–{} shown)", s.offset, s.offset + text.len())
        } else {
            String::new()
        }
    );
    let mut at = 0;
    for (r, k) in &spans[s.spans.clone()] {
        if r.start < at {
            continue;
        }
        h.push_str(&esc(&text[at..r.start]));
        let _ = write!(
            h,
            "<mark title=\"{}\">{}</mark>",
            esc(&kinds_text(*k)),
            esc(&text[r.clone()])
        );
        at = r.end;
    }
    h.push_str(&esc(&text[at..]));
    h.push_str("</pre></div>");
}

fn plot_sites(h: &mut String, order: &[(&String, &super::report::GroupStats)]) {
    let top: Vec<_> = order.iter().take(30).collect();
    let row = 14;
    let height = 30 + row * top.len().max(1);
    let _ = write!(
        h,
        "<figure><svg width=460 height={height} role=img aria-label=\"share removed per site\"><text x=0 y=14 class=ttl>Share removed, {} sites with most removed bytes</text>",
        top.len()
    );
    for (i, (name, g)) in top.iter().enumerate() {
        let y = 22 + i * row;
        let share = pct(g.removed, g.text_bytes);
        let _ = write!(
            h,
            "<text x=158 y={} class=lbl text-anchor=end>{}</text><rect x=162 y={} width={:.1} height=10 fill=#c0392b /><text x={:.1} y={} class=lbl>{:.1}%</text>",
            y + 9,
            esc(&shorten(name, 24)),
            y,
            share * 2.4,
            166.0 + share * 2.4,
            y + 9,
            share
        );
    }
    h.push_str("</svg></figure>");
}

fn plot_hist(h: &mut String, hist: &[u64; 11]) {
    let max = hist.iter().copied().max().unwrap_or(0).max(1) as f64;
    let _ = write!(h, "<figure><svg width=420 height=230 role=img aria-label=\"pages by share removed\"><text x=0 y=14 class=ttl>Pages by share of their text removed</text>");
    for (i, &n) in hist.iter().enumerate() {
        let bh = 160.0 * n as f64 / max;
        let x = 10 + i * 36;
        let label = if i == 0 {
            "none".to_string()
        } else {
            format!("≤{}%", i * 10)
        };
        let _ = write!(
            h,
            "<rect x={x} y={:.1} width=30 height={bh:.1} fill={} /><text x={} y={:.1} class=lbl text-anchor=middle>{n}</text><text x={} y=215 class=lbl text-anchor=middle>{label}</text>",
            195.0 - bh,
            if i == 0 { "#7f8c8d" } else { "#c0392b" },
            x + 15,
            190.0 - bh,
            x + 15
        );
    }
    h.push_str("</svg></figure>");
}

const HEAD: &str = "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><title>boilercut report</title><style>
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#222}
h1{margin:0 0 4px}h2{margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:6px 0}td,th{white-space:nowrap;padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{background:#f6f6f6}table.kv th{width:190px}table.kv td{white-space:normal}td.t{white-space:normal;max-width:560px;word-break:break-word}
.sub{color:#555}.note{color:#666;font-size:12px}.warn{color:#a04000}
details{margin:6px 0;border:1px solid #e2e2e2;border-radius:4px;padding:4px 10px}summary{cursor:pointer}
.plots{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}.lbl{font-size:10px;fill:#333}.ttl{font-size:12px;font-weight:600}
.sample{margin:8px 0}.sample .where{font-size:12px;color:#555}pre{white-space:pre-wrap;word-break:break-word;background:#fafafa;border:1px solid #eee;padding:8px;max-height:320px;overflow:auto;font-size:12px}
mark{background:#f5b7b1;text-decoration:line-through;text-decoration-color:#922}svg.bar{vertical-align:middle}
</style></head><body>
";
