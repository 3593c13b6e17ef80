//! Count: how many documents of each group contain each feature, fed from
//! many threads at once.
//!
//! Every thread fills its own [`Batch`] (no locks); [`Learner::absorb`] then
//! moves the batch into a table split in many partitions, each behind its own
//! lock, so threads rarely wait for each other. Counts are exact, so the
//! result does not depend on the order in which batches arrive.

use crate::config::Config;
use crate::model::Model;
use crate::shingle::{for_each_shingle, for_each_short, group_hash, key, Feature, Gaps};
use crate::tokenize::{Tokenizer, Word};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

/// Keys are already well-mixed 64-bit hashes; hash them as themselves.
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

pub(crate) type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// Number of partitions of the shared table. Chosen by bits 32..40 of a key,
/// bits the table's own bucket index and tag do not use.
const PARTS: usize = 256;

#[inline]
fn part_of(key: u64) -> usize {
    ((key >> 32) as usize) & (PARTS - 1)
}

/// Document frequency of one key, and the group it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) df: u32,
    pub(crate) group: u32,
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
    parts: Box<[Mutex<KeyMap<Entry>>]>,
}

impl Learner {
    pub(crate) fn new(config: Config) -> Learner {
        Learner {
            config,
            groups: Mutex::new(Groups::default()),
            parts: (0..PARTS).map(|_| Mutex::new(KeyMap::default())).collect(),
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
        for (p, keys) in batch.parts.iter_mut().enumerate() {
            if keys.is_empty() {
                continue;
            }
            let mut table = lock(&self.parts[p]);
            table.reserve(keys.len() / 4);
            for &(k, g) in keys.iter() {
                let e = table.entry(k).or_insert(Entry {
                    df: 0,
                    group: global[g as usize],
                });
                e.df = e.df.saturating_add(1);
            }
            keys.clear();
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

    /// Distinct (group, feature) keys counted so far.
    pub fn distinct_keys(&self) -> u64 {
        self.parts.iter().map(|p| lock(p).len() as u64).sum()
    }

    /// The model of everything counted so far. The learner can go on
    /// counting (online learning) and yield a newer model later.
    pub fn model(&self) -> Model {
        let groups = lock(&self.groups);
        let thresholds: Vec<u64> = groups
            .docs
            .iter()
            .map(|&d| self.config.threshold(d))
            .collect();
        let mut per_group = vec![0u64; groups.names.len()];
        let mut keys = Vec::new();
        for p in self.parts.iter() {
            for (&k, e) in lock(p).iter() {
                if u64::from(e.df) >= thresholds[e.group as usize] {
                    keys.push(k);
                    per_group[e.group as usize] += 1;
                }
            }
        }
        let stats = groups
            .names
            .iter()
            .zip(&groups.docs)
            .zip(&per_group)
            .map(|((n, &d), &f)| (n.clone(), d, f))
            .collect();
        Model::from_parts(self.config.clone(), stats, keys)
    }

    /// The model of everything counted.
    pub fn finish(self) -> Model {
        self.model()
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
        // Each document counts once per key.
        keys.sort_unstable();
        keys.dedup();
        for &k in keys.iter() {
            self.parts[part_of(k)].push((k, gid));
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
