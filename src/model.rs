//! Model: the set of features that are frequent in their group, how to use
//! it to clean a document, and its versioned binary file format.
//!
//! File layout, all integers little-endian:
//! ```text
//! magic      8 bytes  "BOILRCUT"
//! version    u32      3
//! hash seed  u64      tokenize::HASH_SEED (a model is only valid with it)
//! options    u32 shingle_words, u64 min_docs, f64 min_fraction, u32 max_gap,
//!            u32 min_run, u32 snap_words, u32 short_lines (0/1), u32 max_affix_words,
//!            u64 max_doc_bytes (u64::MAX: no cap)
//! input spec u32 length, bytes (UTF-8): how the inputs were read
//! groups     u32 count, then per group (sorted by name):
//!            u32 name length, name bytes (UTF-8), u64 docs, u64 frequent keys
//! keys       u64 count, then the keys sorted ascending: the frequent
//!            features' keys and, under `shingle::near_key`, those one
//!            document short of the threshold (`Config::near_threshold`),
//!            and under `shingle::pair_key` whole lines found in two or more
//!            documents that are not kept otherwise (`shingle::model_key`),
//!            and under `shingle::reused_key` a mark for each frequent key in
//!            fewer than `Config::reuse_ceiling` documents (a model without
//!            marks, from an older build, keeps no reused prose)
//! checksum   u64 xxh3 (seeded) of every byte before it
//! ```

use crate::config::Config;
use crate::cut::{apply, tidy};
use crate::detect::{detect, Doc};
use crate::shingle::{group_hash, key, shingle_keys, Feature};
use crate::tokenize::{Tokenizer, Word, HASH_SEED};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::ops::Range;
use xxhash_rust::xxh3::xxh3_64_with_seed;

const MAGIC: &[u8; 8] = b"BOILRCUT";
/// Version of the model file format this build reads and writes.
pub const FORMAT_VERSION: u32 = 3;

/// The key of the feature of `kind` made of `words` (normalised as when
/// learning) in `group`.
fn feature_key(group: &str, kind: Feature, words: &[&str]) -> u64 {
    let hashes: Vec<Word> = words
        .iter()
        .map(|w| Word {
            start: 0,
            end: 0,
            hash: crate::tokenize::word_hash(w),
        })
        .collect();
    let mut h = crate::shingle::seq_hash(&hashes);
    if matches!(kind, Feature::Prefix | Feature::Suffix) {
        // Affixes are hashed without the length tag, then tagged by length.
        h ^= (words.len() as u64).wrapping_mul(0x2545_f491_4f6c_dd1d);
        h ^= words.len() as u64;
    }
    key(group_hash(group), kind, h)
}

/// Open-addressing set of non-zero keys. Keys are mixed hashes, so their low
/// bits index the table directly. In front of it, a bitmap of about 16 bits
/// per key (one bit per key set, chosen by higher key bits) answers most
/// lookups, which miss when cleaning, from a few kilobytes that stay in cache.
#[derive(Clone, Debug)]
struct KeySet {
    slots: Vec<u64>,
    mask: usize,
    len: usize,
    filter: Vec<u64>,
    filter_mask: u64,
}

impl KeySet {
    fn new(keys: &[u64]) -> KeySet {
        let cap = (keys.len() * 2).max(16).next_power_of_two();
        let bits = (keys.len() * 16)
            .clamp(1 << 15, 1 << 27)
            .next_power_of_two();
        let mut set = KeySet {
            slots: vec![0; cap],
            mask: cap - 1,
            len: 0,
            filter: vec![0; bits / 64],
            filter_mask: bits as u64 - 1,
        };
        for &k in keys {
            set.insert(k);
        }
        set
    }

    /// The filter word of `k` and its two bits in it (a blocked Bloom filter
    /// with two hashes: about 1.5% false positives at 16 bits a key,
    /// against 6% with one bit).
    #[inline]
    fn filter_bits(&self, k: u64) -> (usize, u64) {
        let k = crate::shingle::unflagged(k);
        let w = ((k >> 24) & self.filter_mask) >> 6;
        (w as usize, (1u64 << ((k >> 52) & 63)) | (1u64 << (k >> 58)))
    }

    fn insert(&mut self, k: u64) {
        debug_assert!(k != 0);
        let (w, bits) = self.filter_bits(k);
        self.filter[w] |= bits;
        let mut i = k as usize & self.mask;
        loop {
            let s = self.slots[i];
            if s == k {
                return;
            }
            if s == 0 {
                self.slots[i] = k;
                self.len += 1;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    #[inline]
    fn contains(&self, k: u64) -> bool {
        let (w, bits) = self.filter_bits(k);
        self.filter[w] & bits == bits && self.in_table(k)
    }

    /// Whether `k` is in the table (the filter not asked).
    #[inline]
    fn in_table(&self, k: u64) -> bool {
        let mut i = k as usize & self.mask;
        loop {
            let s = self.slots[i];
            if s == k {
                return true;
            }
            if s == 0 {
                return false;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Keep in `hits` the indices `i` (ascending) whose `keys[i]` is in the
    /// set. Two passes: the filter first, without a branch per key (most
    /// miss, unpredictably), so its loads overlap; then the table, for the
    /// few that pass.
    fn find_all(&self, keys: &[u64], hits: &mut Vec<u32>) {
        hits.clear();
        hits.reserve(keys.len());
        // Each index is written at the next free place and kept (the place
        // taken) when its key passes: into the spare room, not zeroed first.
        let out = &mut hits.spare_capacity_mut()[..keys.len()];
        let mut n = 0;
        for (i, &k) in keys.iter().enumerate() {
            let (w, bits) = self.filter_bits(k);
            out[n].write(i as u32);
            n += usize::from(self.filter[w] & bits == bits);
        }
        // SAFETY: every place below `n` was written: place `j` was written
        // at the step that moved `n` past it.
        unsafe { hits.set_len(n) };
        hits.retain(|&i| self.in_table(keys[i as usize]));
    }

    fn sorted(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self.slots.iter().copied().filter(|&k| k != 0).collect();
        v.sort_unstable();
        v
    }
}

/// What a model knows about one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    /// The group's name (site, host, folder).
    pub name: String,
    /// Documents of the group that were learned.
    pub docs: u64,
    /// Frequent features of the group.
    pub features: u64,
}

/// A learned model: immutable, `Send + Sync`, cheap to share by reference.
#[derive(Clone, Debug)]
pub struct Model {
    config: Config,
    groups: Vec<GroupInfo>,
    /// Groups that have at least one frequent feature, by name hash.
    active: HashMap<u64, ()>,
    /// Groups of two documents or more, too few for any feature to be
    /// frequent: only lists found in two pages are cut from them (see
    /// `detect::lists_only`). A large group whose pages hold no frequent
    /// feature (a second clean of cleaned pages) is left alone.
    listed: HashMap<u64, ()>,
    keys: KeySet,
    /// Frequent features (the keys also hold the near ones).
    frequent: usize,
    /// See [`Model::file_hash`].
    file_hash: u64,
}

/// The result of cleaning one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cleaned<'a> {
    /// The text with the boilerplate cut out; borrowed when nothing was cut.
    pub text: Cow<'a, str>,
    /// Byte ranges of the original text that were removed, sorted and
    /// disjoint. The output is exactly the input without these ranges.
    pub removed: Vec<Range<usize>>,
}

/// A set of feature kinds (a bitmask of [`Feature`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Kinds(u16);

impl Kinds {
    /// Every kind, in the order of [`Feature`]'s values.
    pub const ALL: [Feature; 9] = [
        Feature::Shingle,
        Feature::Line,
        Feature::Prefix,
        Feature::Suffix,
        Feature::Segment,
        Feature::LineHead,
        Feature::PrefixTail,
        Feature::LineStart,
        Feature::Opener,
    ];

    /// Add `kind`.
    pub fn insert(&mut self, kind: Feature) {
        self.0 |= 1 << kind as u16;
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: Feature) -> bool {
        self.0 & (1 << kind as u16) != 0
    }

    /// Both sets together.
    pub fn union(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in the set, in the order of [`Kinds::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Feature> {
        Kinds::ALL.into_iter().filter(move |&k| self.contains(k))
    }
}

/// One removed range of a document and what made it boilerplate: see
/// [`Model::explain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explained {
    /// Byte range of the original text (the same as in [`Cleaned::removed`]).
    pub range: Range<usize>,
    /// Kinds of frequent feature whose words overlap the range (or, for a
    /// range with no word in it, border it). Empty for a list of lines
    /// each found whole in two pages, which no frequent feature needs to
    /// overlap (all a group under the threshold of documents loses).
    pub kinds: Kinds,
    /// Hash of the words in the range, normalised as for learning (case,
    /// digit runs); blocks with the same words have the same hash,
    /// whatever their punctuation and spacing.
    pub words_hash: u64,
}

/// Reusable buffers for [`Model::clean_with`]: one per thread avoids an
/// allocation per document.
#[derive(Debug, Default)]
pub struct Scratch {
    tokenizer: Tokenizer,
    words: Vec<Word>,
    gaps: crate::shingle::Gaps,
    runs: Vec<crate::detect::Run>,
    keys: Vec<u64>,
    hits: Vec<u32>,
    near: Vec<u32>,
    sampled: Vec<u64>,
    sampled_hits: Vec<u32>,
    matched: Vec<(Feature, u32, u32)>,
    matched_bytes: Vec<(Range<usize>, Feature)>,
    /// Whether `words` and `gaps` describe the document last looked at.
    tokenized: bool,
}

impl Scratch {
    /// Empty buffers.
    pub fn new() -> Scratch {
        Scratch::default()
    }

    /// The words of the document the last [`Model::clean_with`] or
    /// [`Model::explain_with`] call looked at, and its lines as ranges of
    /// those words (lines without a word are not listed). Both are empty
    /// when that call did not read the document: its group is not in the
    /// model, or the document is too large.
    pub fn lines(&self) -> (&[Word], impl Iterator<Item = Range<usize>> + '_) {
        let words: &[Word] = if self.tokenized { &self.words } else { &[] };
        let mut starts = self.gaps.line_starts().take_while(move |_| self.tokenized);
        let mut at = starts.next();
        let lines = std::iter::from_fn(move || {
            let from = at?;
            let to = starts.next()?;
            at = Some(to);
            Some(from..to)
        });
        (words, lines)
    }
}

impl Model {
    pub(crate) fn from_parts(
        config: Config,
        groups: Vec<(String, u64, u64)>,
        mut keys: Vec<u64>,
    ) -> Model {
        let mut groups: Vec<GroupInfo> = groups
            .into_iter()
            .map(|(name, docs, features)| GroupInfo {
                name,
                docs,
                features,
            })
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        keys.sort_unstable();
        keys.dedup();
        let active = groups
            .iter()
            .filter(|g| g.features > 0)
            .map(|g| (group_hash(&g.name), ()))
            .collect();
        let listed = groups
            .iter()
            .filter(|g| {
                (crate::shingle::PAIR_DF..config.threshold(g.docs)).contains(&g.docs)
                    && g.features == 0
            })
            .map(|g| (group_hash(&g.name), ()))
            .collect();
        let frequent = groups.iter().map(|g| g.features as usize).sum();
        let mut model = Model {
            config,
            groups,
            active,
            listed,
            keys: KeySet::new(&keys),
            frequent,
            file_hash: 0,
        };
        model.file_hash = model.hash_file(&keys);
        model
    }

    /// xxh3-64 of the file [`Model::to_bytes`] makes, given the sorted
    /// keys, without making it (serialising sorts the table's keys again:
    /// a report of a run that learned hashed its model that way, which
    /// cost more than the rest of the report at 10,000 sites).
    fn hash_file(&self, sorted_keys: &[u64]) -> u64 {
        use xxhash_rust::xxh3::Xxh3;
        // 0 marks an empty slot: the table holds no such key.
        let sorted_keys = &sorted_keys[sorted_keys.partition_point(|&k| k == 0)..];
        let head = self.file_head(sorted_keys.len());
        let mut sum = Xxh3::with_seed(HASH_SEED);
        let mut file = Xxh3::new();
        sum.update(&head);
        file.update(&head);
        let mut buf = Vec::with_capacity(8 * 4096);
        for part in sorted_keys.chunks(4096) {
            buf.clear();
            for k in part {
                buf.extend_from_slice(&k.to_le_bytes());
            }
            sum.update(&buf);
            file.update(&buf);
        }
        file.update(&sum.digest().to_le_bytes());
        file.digest()
    }

    /// xxh3-64 of the model file: of the bytes it was read from
    /// ([`Model::from_bytes`]), else of those [`Model::to_bytes`] gives
    /// (the file [`Model::save`] writes). A report names the model by it.
    pub fn file_hash(&self) -> u64 {
        self.file_hash
    }

    /// The options the model was learned with; detection uses them too.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// How the inputs were read (text and group fields), as given to
    /// [`crate::LearnerBuilder::input_spec`]; empty when not given.
    pub fn input_spec(&self) -> &str {
        self.config.input_spec()
    }

    /// Whether `text` is longer than the model's
    /// [`Config::max_doc_bytes`]: such a document was not learned from and
    /// is passed through unchanged.
    pub fn too_large(&self, text: &str) -> bool {
        text.len() as u64 > self.config.max_doc_bytes
    }

    /// The groups that were learned, sorted by name.
    pub fn groups(&self) -> &[GroupInfo] {
        &self.groups
    }

    /// Number of frequent features, all groups together.
    pub fn len(&self) -> usize {
        self.frequent
    }

    /// Whether no feature is frequent: nothing is cut but lists found in two
    /// pages of a group (see `detect::lists_only`).
    pub fn is_empty(&self) -> bool {
        self.frequent == 0
    }

    /// Whether the given word sequence is a frequent feature of `kind` in
    /// `group`. For tests and inspection.
    pub fn is_frequent(&self, group: &str, kind: Feature, words: &[&str]) -> bool {
        self.keys.contains(feature_key(group, kind, words))
    }

    /// How many keys the model holds: frequent, near and pair keys, and the
    /// marks of frequent keys in under a tenth of their group's documents
    /// ([`crate::shingle::reused_key`]).
    #[cfg(test)]
    pub(crate) fn key_count(&self) -> usize {
        self.keys.len
    }

    /// Whether the given word sequence, a whole line ([`Feature::Line`] or
    /// [`Feature::WholeLine`]), is kept as found in two documents or more
    /// of `group` but not otherwise (see [`crate::shingle::model_key`]).
    #[cfg(test)]
    pub(crate) fn is_pair(&self, group: &str, kind: Feature, words: &[&str]) -> bool {
        self.keys
            .contains(crate::shingle::pair_key(feature_key(group, kind, words)))
    }

    /// Whether the given word sequence is a frequent feature of `kind` in
    /// `group` found in fewer than [`Config::reuse_ceiling`] of its
    /// documents (see [`crate::shingle::reused_mark`]).
    #[cfg(test)]
    pub(crate) fn is_reused(&self, group: &str, kind: Feature, words: &[&str]) -> bool {
        self.keys
            .contains(crate::shingle::reused_key(feature_key(group, kind, words)))
    }

    /// Clean one document of `group`: cut every repeated block out.
    ///
    /// ```
    /// let learner = boilercut::LearnerBuilder::new().build().unwrap();
    /// let appeal = "Dear readers, we depend on you. Please support independent reporting with a gift of $5 today.";
    /// for i in 0..6 {
    ///     learner.add(&format!("Story number {i} happened on a street. {appeal}"), "example.org");
    /// }
    /// let model = learner.finish().unwrap();
    /// let out = model.clean("A new story about the harbour. Dear readers, we depend on you. Please support independent reporting with a gift of $9 today.", "example.org");
    /// assert_eq!(out.text, "A new story about the harbour.");
    /// ```
    pub fn clean<'a>(&self, text: &'a str, group: &str) -> Cleaned<'a> {
        let mut scratch = Scratch::new();
        let mut removed = Vec::new();
        self.clean_with(&mut scratch, text, group, &mut removed);
        Cleaned {
            text: apply(text, &removed),
            removed,
        }
    }

    /// Find the byte ranges of `text` to remove, reusing `scratch`. `removed`
    /// is cleared first; afterwards it is sorted and disjoint, on character
    /// boundaries, and includes the whitespace tidied at each seam. Apply it
    /// with [`crate::cut`].
    pub fn clean_with(
        &self,
        scratch: &mut Scratch,
        text: &str,
        group: &str,
        removed: &mut Vec<Range<usize>>,
    ) {
        self.find(scratch, text, group, removed, |_, _, _| {});
    }

    /// Why each block of `text` is cut: the removed ranges (the same as
    /// [`Model::clean`]'s) with the kinds of frequent feature that overlap
    /// each of them. For inspection and reports.
    ///
    /// ```
    /// use boilercut::shingle::Feature;
    /// let learner = boilercut::LearnerBuilder::new().build().unwrap();
    /// for i in 0..6 {
    ///     learner.add(&format!("Story {i} on the harbour.\nAdvertisement"), "example.org");
    /// }
    /// let model = learner.finish().unwrap();
    /// let why = model.explain("A new story.\nAdvertisement", "example.org");
    /// assert_eq!(why.len(), 1);
    /// assert!(why[0].kinds.contains(Feature::Line));
    /// ```
    pub fn explain(&self, text: &str, group: &str) -> Vec<Explained> {
        let mut scratch = Scratch::new();
        let (mut removed, mut explained) = (Vec::new(), Vec::new());
        self.explain_with(&mut scratch, text, group, &mut removed, &mut explained);
        explained
    }

    /// [`Model::clean_with`] that also says why: `removed` is exactly what
    /// `clean_with` gives, and `explained` (cleared first) has one entry per
    /// removed range with the kinds of frequent feature whose words overlap
    /// it. Costs a little more than `clean_with` (the matched features are
    /// recorded), and nothing when not called.
    pub fn explain_with(
        &self,
        scratch: &mut Scratch,
        text: &str,
        group: &str,
        removed: &mut Vec<Range<usize>>,
        explained: &mut Vec<Explained>,
    ) {
        explained.clear();
        let mut matched = std::mem::take(&mut scratch.matched);
        matched.clear();
        self.find(scratch, text, group, removed, |kind, from, to| {
            matched.push((kind, from as u32, to as u32))
        });
        let words = &scratch.words;
        let k = self.config.shingle_words;
        let bytes = |from: usize, to: usize| words[from].start as usize..words[to - 1].end as usize;
        // The matched features as byte ranges, by first byte: a range
        // looks only at those that start before its end, past those that
        // ended before the earlier ranges (checking every feature against
        // every range was most of what explaining cost).
        let mut spans = std::mem::take(&mut scratch.matched_bytes);
        spans.clear();
        spans.extend(
            matched
                .iter()
                .map(|&(kind, from, to)| (bytes(from as usize, to as usize), kind)),
        );
        spans.sort_unstable_by_key(|s| s.0.start);
        let mut live = 0;
        // Shingle hits are ascending by first word (so by end too), and so
        // are the removed ranges: one cursor walks both.
        let mut next_hit = 0;
        let mut next_word = 0;
        for r in removed.iter() {
            let mut kinds = Kinds::default();
            // A range can hold no whole word (a separator left between a
            // block and a token it may not cut): it is the features' whose
            // words overlap it or border it across non-word characters.
            // Ranges ascend, so each search starts where the last ended.
            let before =
                next_word + words[next_word..].partition_point(|w| (w.end as usize) <= r.start);
            let after = before + words[before..].partition_point(|w| (w.start as usize) < r.end);
            next_word = before;
            let lo = before
                .checked_sub(1)
                .map_or(r.start, |i| words[i].end as usize);
            let hi = words.get(after).map_or(r.end, |w| w.start as usize);
            let (lo, hi) = (lo.min(r.start), hi.max(r.end));
            let touches = |b: Range<usize>| b.start <= hi && lo <= b.end;
            let overlaps = |b: Range<usize>| {
                (b.start < r.end && r.start < b.end) || (before == after && touches(b))
            };
            let hits = &scratch.hits;
            while next_hit < hits.len()
                && bytes(hits[next_hit] as usize, hits[next_hit] as usize + k).end < lo
            {
                next_hit += 1;
            }
            for &i in &hits[next_hit..] {
                let b = bytes(i as usize, i as usize + k);
                if b.start > hi {
                    break;
                }
                if overlaps(b) {
                    kinds.insert(Feature::Shingle);
                    break;
                }
            }
            // `lo` never decreases from one range to the next: a feature
            // that ends before it overlaps no later range.
            while spans.get(live).is_some_and(|s| s.0.end < lo) {
                live += 1;
            }
            for (b, kind) in &spans[live..] {
                if b.start > hi {
                    break;
                }
                if overlaps(b.clone()) {
                    kinds.insert(*kind);
                }
            }
            // The words inside the range: those from `before` that start
            // at or after it, up to `after` less one that crosses its end.
            let a = before
                + usize::from(
                    words
                        .get(before)
                        .is_some_and(|w| (w.start as usize) < r.start),
                );
            let b = after - usize::from(after > 0 && words[after - 1].end as usize > r.end);
            let words_hash = crate::shingle::seq_hash(&words[a..b.max(a)]);
            explained.push(Explained {
                range: r.clone(),
                kinds,
                words_hash,
            });
        }
        scratch.matched = matched;
        scratch.matched_bytes = spans;
    }

    /// The removed ranges of `text`; `matched` is told each frequent short
    /// feature (see [`crate::detect`]).
    fn find(
        &self,
        scratch: &mut Scratch,
        text: &str,
        group: &str,
        removed: &mut Vec<Range<usize>>,
        matched: impl FnMut(Feature, usize, usize),
    ) {
        removed.clear();
        scratch.hits.clear();
        scratch.tokenized = false;
        let gh = group_hash(group);
        let active = self.active.contains_key(&gh);
        if !(active || self.listed.contains_key(&gh)) || self.too_large(text) {
            return;
        }
        scratch.tokenized = true;
        scratch.tokenizer.tokenize(text, &mut scratch.words);
        scratch
            .gaps
            .compute_with(text, &scratch.words, scratch.tokenizer.odd_gaps());
        let near = |kind, h| {
            self.keys
                .contains(crate::shingle::near_key(key(gh, kind, h)))
        };
        let pair = |kind, h| {
            self.keys
                .contains(crate::shingle::pair_key(key(gh, kind, h)))
        };
        if !active {
            let doc = Doc {
                text,
                words: &scratch.words,
                gaps: &scratch.gaps,
            };
            crate::detect::lists_only(&self.config, doc, near, pair, removed);
            tidy(text, removed);
            return;
        }
        let keys = &mut scratch.keys;
        keys.clear();
        let k = self.config.shingle_words;
        shingle_keys(&scratch.words, k, gh, keys);
        self.keys.find_all(keys, &mut scratch.hits);
        let keys = std::mem::take(&mut scratch.keys);
        self.near_starts(&keys, k, scratch);
        scratch.keys = keys;
        if !scratch.near.is_empty() {
            long_runs(
                &mut scratch.hits,
                &scratch.near,
                k,
                crate::shingle::NEAR_RUN,
                &scratch.words,
                &scratch.gaps,
            );
        }
        let doc = Doc {
            text,
            words: &scratch.words,
            gaps: &scratch.gaps,
        };
        let keys = &scratch.keys;
        detect(
            &self.config,
            doc,
            &scratch.hits,
            |kind, h| self.keys.contains(key(gh, kind, h)),
            near,
            Some(pair),
            |i| self.keys.contains(crate::shingle::reused_key(keys[i])),
            |kind, h| {
                self.keys
                    .contains(crate::shingle::reused_key(key(gh, kind, h)))
            },
            matched,
            &mut scratch.runs,
            removed,
        );
        tidy(text, removed);
    }

    /// Into `scratch.near`, ascending, the starts of the shingles (`keys`,
    /// `k` words each) whose document frequency is one short of the
    /// threshold. Those that count form a long block, dozens of shingles:
    /// they are looked up at every `NEAR_STEP`th start first, then along the
    /// whole run around each one found (until `k` starts in a row without
    /// one, where a run of overlapping shingles ends).
    fn near_starts(&self, keys: &[u64], k: usize, scratch: &mut Scratch) {
        let near = &mut scratch.near;
        near.clear();
        let sampled = &mut scratch.sampled;
        sampled.clear();
        sampled.extend(
            keys.iter()
                .step_by(NEAR_STEP)
                .map(|&key| crate::shingle::near_key(key)),
        );
        self.keys.find_all(sampled, &mut scratch.sampled_hits);
        let is_near = |q: usize| self.keys.contains(crate::shingle::near_key(keys[q]));
        for &h in &scratch.sampled_hits {
            let p = h as usize * NEAR_STEP;
            if near.last().is_some_and(|&l| l as usize >= p) {
                continue;
            }
            // Leftwards down to the last start already taken, collected in
            // descending order, then turned around.
            let floor = near.last().map_or(0, |&l| l as usize + 1);
            let at = near.len();
            let (mut first, mut q) = (p, p);
            while q > floor && q + k > first {
                q -= 1;
                if is_near(q) {
                    near.push(q as u32);
                    first = q;
                }
            }
            near[at..].reverse();
            near.push(p as u32);
            let (mut last, mut q) = (p, p + 1);
            while q < keys.len() && q <= last + k {
                if is_near(q) {
                    near.push(q as u32);
                    last = q;
                }
                q += 1;
            }
        }
    }

    /// The model as bytes in the file format described in this module.
    pub fn to_bytes(&self) -> Vec<u8> {
        let keys = self.keys.sorted();
        let mut b = self.file_head(keys.len());
        b.reserve(keys.len() * 8 + 8);
        for k in keys {
            b.extend_from_slice(&k.to_le_bytes());
        }
        let sum = xxh3_64_with_seed(&b, HASH_SEED);
        b.extend_from_slice(&sum.to_le_bytes());
        b
    }

    /// The model file up to its keys, for `keys` keys.
    fn file_head(&self, keys: usize) -> Vec<u8> {
        let mut b = Vec::with_capacity(128);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        b.extend_from_slice(&HASH_SEED.to_le_bytes());
        b.extend_from_slice(&crate::counts::config_bytes(&self.config));
        let spec = self.config.input_spec.as_bytes();
        b.extend_from_slice(&(spec.len() as u32).to_le_bytes());
        b.extend_from_slice(spec);
        b.extend_from_slice(&(self.groups.len() as u32).to_le_bytes());
        for g in &self.groups {
            b.extend_from_slice(&(g.name.len() as u32).to_le_bytes());
            b.extend_from_slice(g.name.as_bytes());
            b.extend_from_slice(&g.docs.to_le_bytes());
            b.extend_from_slice(&g.features.to_le_bytes());
        }
        b.extend_from_slice(&(keys as u64).to_le_bytes());
        b
    }

    /// Write the model file.
    pub fn save<W: Write>(&self, mut w: W) -> io::Result<()> {
        w.write_all(&self.to_bytes())?;
        w.flush()
    }

    /// Read a model file written by [`Model::save`].
    pub fn load<R: Read>(mut r: R) -> Result<Model, ModelError> {
        let mut b = Vec::new();
        r.read_to_end(&mut b).map_err(ModelError::Io)?;
        Model::from_bytes(&b)
    }

    /// Parse a model from bytes. Never panics, whatever the bytes.
    pub fn from_bytes(b: &[u8]) -> Result<Model, ModelError> {
        if b.len() < 8 || &b[..8] != MAGIC {
            return Err(ModelError::NotAModel);
        }
        let mut r = Cursor { b, at: 8 };
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(ModelError::Version(version));
        }
        if b.len() < 8 + 8 {
            return Err(ModelError::Corrupt("truncated"));
        }
        let (body, sum) = b.split_at(b.len() - 8);
        let sum = u64::from_le_bytes(
            sum.try_into()
                .map_err(|_| ModelError::Corrupt("truncated"))?,
        );
        if xxh3_64_with_seed(body, HASH_SEED) != sum {
            return Err(ModelError::Corrupt(
                "checksum mismatch (truncated or damaged file)",
            ));
        }
        let mut r = Cursor { b: body, at: 12 };
        if r.u64()? != HASH_SEED {
            return Err(ModelError::Corrupt("written with another hash seed"));
        }
        let options = r.take(crate::counts::config_bytes(&Config::default()).len())?;
        let mut config = crate::counts::config_from_bytes(options);
        let len = r.u32()? as usize;
        config.input_spec = std::str::from_utf8(r.take(len)?)
            .map_err(|_| ModelError::Corrupt("input spec is not UTF-8"))?
            .to_string();
        let check = crate::LearnerBuilder::from_config(config.clone()).config();
        if check.is_err() {
            return Err(ModelError::Corrupt("options out of range"));
        }
        let n_groups = r.u32()? as usize;
        let mut groups = Vec::with_capacity(n_groups.min(1 << 16));
        for _ in 0..n_groups {
            let len = r.u32()? as usize;
            let name = std::str::from_utf8(r.take(len)?)
                .map_err(|_| ModelError::Corrupt("group name is not UTF-8"))?;
            groups.push((name.to_string(), r.u64()?, r.u64()?));
        }
        let n_keys = r.u64()?;
        let rest = body.len() - r.at;
        if n_keys.checked_mul(8) != Some(rest as u64) {
            return Err(ModelError::Corrupt("key count does not match file size"));
        }
        let mut keys = Vec::with_capacity(n_keys as usize);
        for _ in 0..n_keys {
            let k = r.u64()?;
            if k == 0 {
                return Err(ModelError::Corrupt("zero key"));
            }
            keys.push(k);
        }
        let mut model = Model::from_parts(config, groups, keys);
        // The file it was read from, whatever version wrote it.
        model.file_hash = xxhash_rust::xxh3::xxh3_64(b);
        Ok(model)
    }
}

/// Near shingles are first looked up at every `NEAR_STEP`th start (see
/// [`Model::near_starts`]).
const NEAR_STEP: usize = 4;

/// Add to `hits` (ascending shingle starts) those of `near` that form, on
/// their own, a run of overlapping shingles covering at least `min_words`
/// words of menus, lists or bars rather than prose (see [`menu_like`]).
/// Near shingles next to frequent ones do not count towards the length: a
/// page's own headline, listed in 3 other pages, sits next to the site's
/// header. And a paragraph a newsroom repeats in a few follow-up stories,
/// or the text of a story published three times, is not a template.
fn long_runs(
    hits: &mut Vec<u32>,
    near: &[u32],
    k: usize,
    min_words: usize,
    words: &[Word],
    gaps: &crate::shingle::Gaps,
) {
    let k = k as u32;
    let before = hits.len();
    let mut start = 0;
    while start < near.len() {
        let mut end = start + 1;
        while end < near.len() && near[end] <= near[end - 1] + k {
            end += 1;
        }
        let (from, to) = (near[start] as usize, (near[end - 1] + k) as usize);
        if to - from >= min_words && menu_like(words, gaps, from, to) {
            hits.extend_from_slice(&near[start..end]);
        }
        start = end;
    }
    if hits.len() > before {
        hits.sort_unstable();
    }
}

/// Whether words `[from, to)` hold more short pieces (menu items, links)
/// than sentences, counted two ways: between boundaries, where a piece of
/// fewer than 5 words is short and a longer one ending a sentence is a
/// sentence (in hard-wrapped text a line break is no boundary); and at
/// line breaks too, but those before a lowercase word (menus make a page
/// look hard-wrapped), where a piece ending a sentence is one, a piece of
/// numbers alone (`1.` before a numbered item) counts neither, and another
/// under 5 words is short.
fn menu_like(words: &[Word], gaps: &crate::shingle::Gaps, from: usize, to: usize) -> bool {
    let weak = |piece: &[Word]| piece.iter().all(|w| crate::shingle::weak(w.hash));
    let (mut by_boundary, mut by_line) = (0i64, 0i64);
    let (mut last_boundary, mut last_line) = (from, from);
    for i in from + 1..to {
        if gaps.boundary(i) {
            if i - last_boundary < 5 {
                by_boundary += 1;
            } else if gaps.sentence_end(i) {
                by_boundary -= 1;
            }
            last_boundary = i;
        }
        // A line break before a lowercase word only wraps a sentence.
        let item = gaps.upper_after(i) || crate::shingle::weak(words[i].hash);
        if gaps.boundary(i) || gaps.newline(i) && item {
            if weak(&words[last_line..i]) {
            } else if gaps.sentence_end(i) {
                by_line -= 1;
            } else if i - last_line < 5 {
                by_line += 1;
            }
            last_line = i;
        }
    }
    by_boundary > 0 || by_line > 0
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or(ModelError::Corrupt("truncated"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(
            self.take(4)?
                .try_into()
                .map_err(|_| ModelError::Corrupt("truncated"))?,
        ))
    }
    fn u64(&mut self) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(
            self.take(8)?
                .try_into()
                .map_err(|_| ModelError::Corrupt("truncated"))?,
        ))
    }
}

/// A model file could not be read.
#[derive(Debug)]
pub enum ModelError {
    /// Reading failed.
    Io(io::Error),
    /// The bytes do not start with the model magic.
    NotAModel,
    /// The file was written by an unknown format version.
    Version(u32),
    /// The file is damaged.
    Corrupt(&'static str),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::Io(e) => write!(f, "cannot read model: {e}"),
            ModelError::NotAModel => write!(f, "not a boilercut model file"),
            ModelError::Version(v) => {
                write!(f, "model format version {v} is not supported (this build reads version {FORMAT_VERSION}): learn the model again with this build")
            }
            ModelError::Corrupt(why) => write!(f, "damaged model file: {why}"),
        }
    }
}

impl std::error::Error for ModelError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LearnerBuilder;

    /// The key of a whole line of `words` (as `Model::is_frequent` makes it).
    fn line_key(group: &str, kind: Feature, words: &str) -> u64 {
        feature_key(group, kind, &words.split(' ').collect::<Vec<_>>())
    }

    #[test]
    fn whole_lines_in_two_documents_are_kept_apart() {
        let short2 = "Elsewhere in the county today";
        let long2 = "Council votes to keep the library open on Sundays through the winter months";
        let short1 = "Only one page has this line";
        let every = "Advertisement";
        let learner = LearnerBuilder::new().build().unwrap();
        for i in 0..8 {
            let extra = match i {
                0 | 1 => short2,
                2 | 3 => long2,
                4 => short1,
                _ => "",
            };
            learner.add(
                &format!("Report {i} on the vote held today.\n{extra}\n{every}"),
                "g",
            );
        }
        let model = learner.finish().unwrap();
        for m in [&model, &Model::from_bytes(&model.to_bytes()).unwrap()] {
            let pair = |kind, words| {
                m.keys
                    .contains(crate::shingle::pair_key(line_key("g", kind, words)))
            };
            assert!(pair(Feature::Line, short2));
            assert!(pair(Feature::WholeLine, long2));
            assert!(!pair(Feature::Line, short1));
            // A frequent line is kept as frequent; a long line never is.
            assert!(m.is_frequent("g", Feature::Line, &[every]));
            assert!(!pair(Feature::Line, every));
            assert!(!m.keys.contains(line_key("g", Feature::WholeLine, long2)));
            // Pair keys are not counted as the group's features.
            let pairs = m.keys.sorted().len() as u64 - m.groups()[0].features;
            assert!(pairs >= 2, "{pairs}");
        }
    }

    fn small_model() -> Model {
        let learner = LearnerBuilder::new().build().unwrap();
        for i in 0..8 {
            learner.add(
                &format!("Report {i} on the council vote.\nAdvertisement\nSign up for our morning newsletter to get the news first."),
                if i % 2 == 0 { "a" } else { "b" },
            );
        }
        learner.finish().unwrap()
    }

    #[test]
    fn round_trip() {
        let m = small_model();
        assert!(!m.is_empty());
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        // The hash a report names a model by is the file's, made without
        // making the file.
        let file_hash = xxhash_rust::xxh3::xxh3_64(&bytes);
        assert_eq!(m.file_hash(), file_hash);
        assert_eq!(back.file_hash(), file_hash);
        let other = LearnerBuilder::new().build().unwrap();
        for i in 0..8 {
            other.add(&format!("Report {i}.\nAdvertisement\nSign up today."), "a");
        }
        let other = other.finish().unwrap();
        assert_eq!(
            other.file_hash(),
            xxhash_rust::xxh3::xxh3_64(&other.to_bytes())
        );
        assert_ne!(other.file_hash(), file_hash);
        assert_eq!(back.groups(), m.groups());
        assert_eq!(back.config(), m.config());
        let mut file = Vec::new();
        m.save(&mut file).unwrap();
        assert_eq!(Model::load(&file[..]).unwrap().len(), m.len());
    }

    #[test]
    fn rejects_damaged_files() {
        let bytes = small_model().to_bytes();
        assert!(matches!(
            Model::from_bytes(b"nope"),
            Err(ModelError::NotAModel)
        ));
        assert!(matches!(
            Model::from_bytes(&bytes[..bytes.len() - 1]),
            Err(ModelError::Corrupt(_))
        ));
        // Version 1 (no input spec, no document cap) is refused clearly.
        let mut v1 = bytes.clone();
        v1[8] = 1;
        let err = Model::from_bytes(&v1).unwrap_err();
        assert!(matches!(err, ModelError::Version(1)));
        assert!(err.to_string().contains("learn the model again"), "{err}");
        // Version 2 (whole lines in two documents not kept) too.
        let mut v2 = bytes.clone();
        v2[8] = 2;
        assert!(matches!(
            Model::from_bytes(&v2),
            Err(ModelError::Version(2))
        ));
        let mut v4 = bytes.clone();
        v4[8] = 4;
        assert!(matches!(
            Model::from_bytes(&v4),
            Err(ModelError::Version(4))
        ));
        let mut flipped = bytes.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 1;
        assert!(matches!(
            Model::from_bytes(&flipped),
            Err(ModelError::Corrupt(_))
        ));
        for n in 0..bytes.len() {
            assert!(Model::from_bytes(&bytes[..n]).is_err());
        }
    }

    /// The two-pass batch lookup finds exactly the keys one-at-a-time
    /// lookups find, in order.
    #[test]
    fn find_all_agrees_with_contains() {
        let mix = |i: u64| crate::shingle::fmix64(i.wrapping_add(1)).max(1);
        let members: Vec<u64> = (0..5000).map(|i| mix(i * 2)).collect();
        let set = KeySet::new(&members);
        // Half members, half not, interleaved.
        let queries: Vec<u64> = (0..20000).map(mix).collect();
        let mut hits = Vec::new();
        set.find_all(&queries, &mut hits);
        let want: Vec<u32> = (0..queries.len() as u32)
            .filter(|&i| set.contains(queries[i as usize]))
            .collect();
        assert_eq!(hits, want);
        assert_eq!(hits.len(), 5000);
        set.find_all(&[], &mut hits);
        assert!(hits.is_empty());
    }

    /// Explaining removes exactly what cleaning removes, and names the
    /// kind that matched.
    #[test]
    fn explain_agrees_with_clean() {
        let m = small_model();
        let mut scratch = Scratch::new();
        let (mut removed, mut explained) = (Vec::new(), Vec::new());
        for (i, group) in ["a", "b", "c"].iter().enumerate() {
            let text = format!("Story {i} was long.\nAdvertisement\nSign up for our morning newsletter to get the news first.");
            m.explain_with(&mut scratch, &text, group, &mut removed, &mut explained);
            let clean = m.clean(&text, group);
            assert_eq!(removed, clean.removed);
            let ranges: Vec<_> = explained.iter().map(|e| e.range.clone()).collect();
            assert_eq!(ranges, clean.removed);
            if *group != "c" {
                assert!(
                    explained.iter().all(|e| !e.kinds.is_empty()),
                    "{explained:?}"
                );
                let all = explained
                    .iter()
                    .fold(Kinds::default(), |a, e| a.union(e.kinds));
                assert!(all.contains(Feature::Line), "{all:?}");
                assert!(all.contains(Feature::Shingle), "{all:?}");
            }
        }
    }

    #[test]
    fn unknown_group_is_untouched() {
        let m = small_model();
        let text = "Sign up for our morning newsletter to get the news first.";
        assert!(matches!(m.clean(text, "other").text, Cow::Borrowed(_)));
        assert_eq!(m.clean(text, "a").text, "");
    }

    /// A site of two pages has no frequent feature, but the menu both pages
    /// carry goes: five lines or more, none a sentence. A paragraph both
    /// pages quote stays, and so does a page's own headline that the other
    /// page lists in the menu. A group of one page learns nothing; nor does
    /// a group of more pages than the threshold whose pages hold nothing
    /// frequent.
    #[test]
    fn two_page_site_loses_its_menu_only() {
        const MENU: [&str; 9] = [
            "Home and Latest Local Headlines",
            "Politics and Government in the County",
            "Business News Today from the Harbour",
            "Local Sports Scores and School Results",
            "Weather and Traffic for the Coast",
            "Opinion Letters and Editorials",
            "Obituaries and Family Notices",
            "Events Calendar for the Weekend",
            "Contact the Newsroom",
        ];
        const QUOTED: &str = "The council voted on Tuesday to keep the library open on Sundays.\nIts members said the decision would be reviewed next spring.";
        let page = |i: usize, title: &str, other: &str| {
            format!(
                "{title} - Harbour Gazette\n{}\n{other}\n\n{title}\n\nStory {i} opened with the ferry leaving early and the harbour quiet.\n{QUOTED}\nStory {i} ended with a word from the mayor about the tide.",
                MENU.join("\n")
            )
        };
        let (t1, t2) = ("Ferry leaves early again", "Library stays open on Sundays");
        let docs = [page(1, t1, t2), page(2, t2, t1)];
        let learner = LearnerBuilder::new().build().unwrap();
        for d in &docs {
            learner.add(d, "gazette");
        }
        learner.add(&docs[0], "alone");
        // A group of enough pages where nothing is frequent (pages cleaned
        // once already) keeps a list two of its pages share.
        let others = [
            "Tide tables for the northern coast were printed early.",
            "A storm closed the bridge for two days in March.",
            "Fishermen sold their catch at dawn near the pier.",
            "Our museum opened a new wing for maritime maps.",
        ]
        .map(String::from);
        for d in docs.iter().chain(&others) {
            learner.add(d, "archive");
        }
        // A page whose first line is its bare headline, above the menu.
        let bare = |i: usize, title: &str, other: &str| {
            format!("{title}\n{}\n{other}\n\nStory {i} opened with the ferry leaving early and the harbour quiet.", MENU.join("\n"))
        };
        let bares = [bare(1, t1, t2), bare(2, t2, t1)];
        for d in &bares {
            learner.add(d, "bare");
        }
        let m = learner.finish().unwrap();
        assert!(m.is_empty());
        assert!(matches!(
            m.clean(&docs[0], "archive").text,
            Cow::Borrowed(_)
        ));
        for (d, own) in bares.iter().zip([t1, t2]) {
            let out = m.clean(d, "bare").text;
            assert!(out.starts_with(&format!("{own}\n")), "{out}");
            assert!(!out.contains("Contact the Newsroom"), "{out}");
        }
        for (d, own) in docs.iter().zip([t1, t2]) {
            let out = m.clean(d, "gazette").text;
            assert!(!out.contains("Politics and Government"), "{out}");
            assert!(!out.contains("Contact the Newsroom"), "{out}");
            assert!(out.contains(&format!("\n{own}\n")), "{out}");
            assert!(out.contains(QUOTED), "{out}");
            assert!(out.contains("ferry leaving early"), "{out}");
        }
        assert!(matches!(m.clean(&docs[0], "alone").text, Cow::Borrowed(_)));
    }

    /// A site of three pages (one short of min-docs) loses a menu all
    /// three carry (its lines known as one document short of the
    /// threshold), and keeps each page's own text.
    #[test]
    fn three_page_site_loses_its_menu() {
        let menu: Vec<String> = (0..8)
            .map(|i| {
                format!(
                    "Section {} County News And Notices",
                    ["A", "B", "C", "D", "E", "F", "G", "H"][i]
                )
            })
            .collect();
        let docs: Vec<String> = (0..3)
            .map(|i| {
                format!(
                    "{}\n\nStory {i} opened with the ferry leaving early and the harbour quiet.\nThe tide turned late in the evening for page {i}.",
                    menu.join("\n")
                )
            })
            .collect();
        let learner = LearnerBuilder::new().build().unwrap();
        for d in &docs {
            learner.add(d, "three");
        }
        let m = learner.finish().unwrap();
        assert!(m.is_empty());
        for (i, d) in docs.iter().enumerate() {
            let out = m.clean(d, "three").text;
            assert!(!out.contains("Section"), "{out}");
            assert!(out.starts_with(&format!("Story {i} opened")), "{out}");
            assert!(out.contains(&format!("for page {i}.")), "{out}");
        }
    }

    /// Sentences of words picked by `seed`: prose no other seed writes.
    fn prose(seed: u64, sentences: usize) -> String {
        const WORDS: [&str; 48] = [
            "harbour", "council", "ferry", "river", "market", "bridge", "school", "garden",
            "mayor", "farmer", "teacher", "baker", "signal", "lantern", "orchard", "meadow",
            "quietly", "slowly", "early", "later", "opened", "closed", "painted", "carried",
            "repaired", "counted", "followed", "visited", "northern", "southern", "narrow",
            "wooden", "copper", "silver", "tidy", "broken", "festival", "railway", "library",
            "chapel", "tunnel", "barge", "pier", "harvest", "kettle", "window", "ladder", "canal",
        ];
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut out = Vec::new();
        for _ in 0..sentences {
            let s: Vec<&str> = (0..12)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    WORDS[(x % WORDS.len() as u64) as usize]
                })
                .collect();
            let line = s.join(" ");
            out.push(format!("{}{}.", line[..1].to_uppercase(), &line[1..]));
        }
        out.join(" ")
    }

    /// A paragraph a large site reuses in 9 of its 100 stories stays
    /// (background repeated in follow-ups): between two paragraphs of a
    /// story, glued after a paragraph's last sentence, or before or after
    /// the ad line every story carries between two paragraphs (the line
    /// goes); and a second paragraph that follows it in 6 of those.
    /// An author's bio in 6 stories goes whole with the line that ends it,
    /// which only those stories carry. The same paragraph after a story's
    /// last paragraph, next to the
    /// site's appeal, goes, and so does one between paragraphs in 14
    /// stories, above a tenth of the site, and the appeal itself.
    #[test]
    fn reused_background_paragraph_stays() {
        let background = "Background: the old ferry line was closed in the spring after the council ran out of money for repairs. Its pier has stood empty since, and the harbour trust has asked twice for a new survey.";
        let promo = "Promotion: our winter lecture series at the maritime museum opens next week with a talk on lighthouses. Tickets are free for members, and the museum cafe stays open late for every lecture.";
        let notice = "Notice: the river path between the two bridges is closed on weekdays while the flood wall is rebuilt. Walkers are asked to use the lane behind the school, which the council lit last autumn.";
        let appeal = "Support the Harbour Gazette: independent local news costs money to make, and readers like you pay for most of it. Give what you can today and keep every story free for everyone.";
        let ad = "Story continues below this advertisement";
        let more = "The trust says a survey would cost less than one year of the old ferry subsidy. The council has not answered either request, and its transport committee meets again in the autumn.";
        let bio = "Ann Lee covers the council for the Harbour Gazette and has lived by the river since she was a child. She studied history at the northern college before she joined the paper.\n\nSend your tips to Ann Lee";
        let docs: Vec<(String, [String; 3])> = (0..100u64)
            .map(|i| {
                let own = [prose(3 * i, 2), prose(3 * i + 1, 2), prose(3 * i + 2, 2)];
                let mut pars = vec![own[0].clone()];
                // Glued into a paragraph by a scraper, without a space.
                if matches!(i, 17 | 42 | 67) {
                    pars[0] = format!("{}{background}", own[0]);
                    pars.push(more.to_string());
                }
                if matches!(i, 3 | 23 | 43) {
                    pars.push(background.to_string());
                    pars.push(more.to_string());
                }
                if matches!(i, 6 | 26 | 46 | 66 | 86 | 96) {
                    pars.push(bio.to_string());
                }
                pars.push(own[1].clone());
                if matches!(i, 58 | 78) {
                    pars.push(background.to_string());
                }
                pars.push(ad.to_string());
                if i == 83 {
                    pars.push(background.to_string());
                }
                if i % 7 == 5 {
                    pars.push(notice.to_string());
                }
                pars.push(own[2].clone());
                if i % 20 == 11 {
                    pars.push(promo.to_string());
                }
                pars.push(appeal.to_string());
                (pars.join("\n\n"), own)
            })
            .collect();
        let learner = LearnerBuilder::new().build().unwrap();
        for (d, _) in &docs {
            learner.add(d, "gazette");
        }
        let m = learner.finish().unwrap();
        let (mut kept, mut promos, mut mores) = (0, 0, 0);
        for (i, (d, own)) in docs.iter().enumerate() {
            let out = m.clean(d, "gazette").text;
            for p in own {
                assert!(out.contains(p.as_str()), "{i}: {out}");
            }
            for gone in [
                "Support the Harbour",
                "Notice: the river",
                "Promotion: our",
                ad,
                "Ann Lee covers",
                "Send your tips",
            ] {
                assert!(!out.contains(gone), "{i}: {out}");
            }
            kept += usize::from(out.contains(background));
            mores += usize::from(out.contains(more));
            promos += usize::from(d.contains(promo));
        }
        assert_eq!((kept, promos, mores), (9, 5, 6));
    }

    /// `text` filled into lines of at most 60 columns.
    fn wrap(text: &str) -> String {
        let mut out = String::new();
        let mut line = 0;
        for w in text.split(' ') {
            if line > 0 && line + 1 + w.len() > 60 {
                out.push('\n');
                line = 0;
            } else if line > 0 {
                out.push(' ');
                line += 1;
            }
            out.push_str(w);
            line += w.len();
        }
        out
    }

    #[test]
    fn reused_prose_next_to_a_template_block_stays() {
        let background = "Background: the old ferry line was closed in the spring after the council ran out of money for repairs. Its pier has stood empty since, and the harbour trust has asked twice for a new survey.";
        let signup = "Sign up for the Valley Ledger briefing\nThe stories from the valley, in your inbox before seven every morning.\nSubscribe";
        let ad = "Story continues below this advertisement";
        let share = "Share this story: Facebook | X | Email";
        let mut docs: Vec<(String, &str, [String; 3])> = Vec::new();
        for i in 0..100u64 {
            let own = [prose(3 * i, 2), prose(3 * i + 1, 2), prose(3 * i + 2, 2)];
            let title: Vec<&str> = own[2].split(' ').skip(3).take(6).collect();
            let related = format!("Related: {}", title.join(" "));
            // Next to a box of three lines every page carries: after it,
            // before it, or between it and an ad break.
            let pars: Vec<&str> = match i {
                5 | 25 | 45 => vec![&own[0], signup, background, &own[1], ad, &own[2]],
                10 | 30 | 50 => vec![&own[0], background, signup, &own[1], ad, &own[2]],
                70 | 90 => vec![&own[0], signup, background, ad, &own[1], &own[2]],
                // Before a label whose title varies.
                35 => vec![&own[0], signup, &own[1], background, &related, ad, &own[2]],
                _ => vec![&own[0], signup, &own[1], &related, ad, &own[2]],
            };
            docs.push((pars.join("\n\n"), "ledger", own.clone()));
            // A scraper that glues paragraphs, and a share bar to the end.
            let pars: Vec<&str> = match i {
                7 | 27 | 47 | 67 | 87 => vec![&own[0], background, &own[1], &own[2], share],
                _ => vec![&own[0], &own[1], &own[2], share],
            };
            docs.push((pars.concat(), "glued", own.clone()));
            // Hard-wrapped at 60 columns, the background opening the
            // paragraph after an ad line (a line break is no boundary).
            // Each paragraph ends on a word of its own: with this small
            // vocabulary a last line of one common word would be a
            // frequent line, the page's sentence before the ad taken with it.
            let tag: String = (i * 7919 + 1000)
                .to_string()
                .bytes()
                .map(|c| (c + 49) as char)
                .collect();
            let own = own.map(|o| format!("{o} Filed as {tag}."));
            let mid = if i % 11 == 3 {
                format!("{background} {}", own[1])
            } else {
                own[1].clone()
            };
            let wrapped = [
                wrap(&own[0]),
                format!("Advertisement\n{}", wrap(&mid)),
                wrap(&own[2]),
            ];
            // The story's last paragraph, before the footer every page
            // ends on (in 2 pages; mid-story in 3 more); an author's bio
            // always right before the footer goes.
            let footer = "Valley Ledger 2024. All rights reserved.\nShare: Facebook | X | Email";
            let bio = "Ann Lee covers the council for the Valley Ledger and has lived by the river since she was a child. She studied history at the northern college.";
            let pars: Vec<&str> = match i {
                4 | 24 => vec![&own[0], &own[1], &own[2], background, footer],
                44 | 64 | 84 => vec![&own[0], background, &own[1], &own[2], footer],
                6 | 26 | 46 | 66 | 86 | 96 => vec![&own[0], &own[1], &own[2], bio, footer],
                _ => vec![&own[0], &own[1], &own[2], footer],
            };
            let ends = [own[0].clone(), own[1].clone(), own[2].clone()];
            docs.push((pars.join("\n\n"), "ends", ends));
            // The paragraph with the background must stay whole.
            let own = [wrap(&own[0]), wrap(&mid), wrap(&own[2])];
            docs.push((wrapped.join("\n\n"), "wrapped", own));
        }
        let learner = LearnerBuilder::new().build().unwrap();
        for (d, site, _) in &docs {
            learner.add(d, site);
        }
        let m = learner.finish().unwrap();
        let mut kept = [0, 0, 0, 0];
        for (i, (d, site, own)) in docs.iter().enumerate() {
            let out = m.clean(d, site).text;
            for p in own {
                assert!(out.contains(p.as_str()), "{i}: {out}");
            }
            for gone in [
                "Sign up for",
                "in your inbox",
                "Subscribe",
                ad,
                "Share this story",
                "Related:",
            ] {
                assert!(!out.contains(gone), "{i}: {out}");
            }
            match *site {
                "ledger" => kept[0] += usize::from(out.contains(background)),
                "glued" => kept[1] += usize::from(out.contains(background)),
                "ends" => {
                    for gone in ["Valley Ledger 2024", "Share:", "Ann Lee"] {
                        assert!(!out.contains(gone), "{i}: {out}");
                    }
                    kept[3] += usize::from(out.contains(background));
                }
                _ => {
                    assert!(!out.contains("Advertisement"), "{i}: {out}");
                    // Whole: its first word and last line too.
                    kept[2] +=
                        usize::from(out.contains("Background: the old") && out.contains("survey."));
                }
            }
        }
        assert_eq!(kept, [9, 5, 9, 5]);
    }
}
