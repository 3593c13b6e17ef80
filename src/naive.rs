//! Naive references for the feature pipeline, and property tests that compare
//! the fast paths with them on random inputs (memchr's `naive.rs` pattern).
//!
//! Everything here is slow on purpose and written to be checked by reading:
//! a character-by-character tokenizer, shingles hashed window by window from
//! scratch, and document frequencies kept as sets of document ids.

use crate::shingle::{for_each_shingle, seq_hash, Feature};
use crate::tokenize::{is_cjk, word_hash, Tokenizer, Word, HASH_SEED};
use crate::{LearnerBuilder, Model};
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The normalised form of a word: lowercase, each run of digits one `0`.
fn normalise(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars() {
        if c.is_numeric() {
            if !out.ends_with('0') {
                out.push('0');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The words of `text` as (start, end) byte offsets, by the rules in
/// `tokenize`'s header: a CJK character is a word; otherwise a word is a
/// maximal run of letters and digits, split where a lowercase letter is
/// followed by an uppercase one.
fn naive_words(text: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    // The word being built: its start and its last character.
    let mut cur: Option<(usize, char)> = None;
    for (i, c) in text.char_indices() {
        let letter = c.is_alphanumeric() && !is_cjk(c);
        match cur {
            Some((s, prev)) if letter && !(prev.is_lowercase() && c.is_uppercase()) => {
                cur = Some((s, c));
            }
            Some((s, _)) => {
                out.push((s, i));
                cur = None;
            }
            None => {}
        }
        if cur.is_none() {
            if is_cjk(c) {
                out.push((i, i + c.len_utf8()));
            } else if letter {
                cur = Some((i, c));
            }
        }
    }
    if let Some((s, _)) = cur {
        out.push((s, text.len()));
    }
    out
}

fn real_words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    Tokenizer::new().tokenize(text, &mut out);
    out
}

/// Every k-word window of `words`, each hashed on its own.
fn naive_shingles(words: &[Word], k: usize) -> Vec<(usize, u64)> {
    if k == 0 {
        return Vec::new();
    }
    (0..words.len())
        .filter(|&i| i + k <= words.len())
        .map(|i| (i, seq_hash(&words[i..i + k])))
        .collect()
}

/// A feature as the words it covers, normalised: what the model keys on.
type Words = Vec<String>;

/// Document frequencies kept the obvious way: for each group and word
/// sequence, the set of documents that contain it.
#[derive(Default)]
struct NaiveCounts {
    docs: HashMap<String, usize>,
    shingles: HashMap<(String, Words), HashSet<usize>>,
    lines: HashMap<(String, Words), HashSet<usize>>,
}

impl NaiveCounts {
    fn add(&mut self, id: usize, text: &str, group: &str, k: usize) {
        *self.docs.entry(group.to_string()).or_default() += 1;
        let words: Words = naive_words(text)
            .into_iter()
            .map(|(s, e)| normalise(&text[s..e]))
            .collect();
        for w in words.windows(k) {
            self.shingles
                .entry((group.to_string(), w.to_vec()))
                .or_default()
                .insert(id);
        }
        // A line cannot hold part of a word, so each line splits on its own.
        for line in text.split('\n') {
            let words: Words = naive_words(line)
                .into_iter()
                .map(|(s, e)| normalise(&line[s..e]))
                .collect();
            if !words.is_empty() && words.len() < k {
                self.lines
                    .entry((group.to_string(), words))
                    .or_default()
                    .insert(id);
            }
        }
    }

    /// The document frequency a feature needs, from the options' meaning:
    /// at least `min_docs` documents and at least `min_fraction` of them.
    fn needed(&self, group: &str, min_docs: u64, min_fraction: f64) -> usize {
        let docs = self.docs[group];
        let mut n = min_docs as usize;
        while (n as f64) < min_fraction * docs as f64 {
            n += 1;
        }
        n.max(1)
    }
}

fn strs(w: &[String]) -> Vec<&str> {
    w.iter().map(String::as_str).collect()
}

/// Pieces of text: a few words (so shingles repeat), digits, case changes,
/// camelCase glue, non-ASCII letters, CJK, and separators including
/// newlines and sentence ends.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "news",
        "News",
        "NEWS",
        "sign",
        "up",
        "today",
        "2024",
        "$5",
        "19",
        "Café",
        "ÉCOLE",
        "straße",
        "мир",
        "订",
        "阅",
        "ー",
        "aB",
        "xY",
        "a1B",
        "½",
        " ",
        " ",
        " ",
        " ",
        ", ",
        ". ",
        "\n",
        "\n\n",
        " — ",
        "-",
        "",
        "!",
        "\t",
        "\u{a0}",
        "é\u{301}",
    ])
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|p| p.concat())
}

/// Documents of groups 0..3, made of free text and of blocks shared by the
/// corpus, so that some features are frequent and others just miss.
fn corpus() -> impl Strategy<Value = Vec<(String, usize)>> {
    let part = (any::<bool>(), text(), 0usize..3);
    let doc = (prop::collection::vec(part, 0..4), 0usize..3);
    (
        prop::collection::vec(text(), 1..4),
        prop::collection::vec(doc, 1..14),
    )
        .prop_map(|(blocks, docs)| {
            docs.into_iter()
                .map(|(parts, g)| {
                    let text = parts
                        .into_iter()
                        .map(|(shared, t, b)| {
                            if shared {
                                blocks[b % blocks.len()].clone()
                            } else {
                                t
                            }
                        })
                        .collect();
                    (text, g)
                })
                .collect()
        })
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        any::<String>(),
        "[a-zA-Z0-9 .,\n\u{e9}\u{4e2d}\u{3000}]{0,60}"
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn tokenizer_matches_naive(text in any_text()) {
        let real = real_words(&text);
        let got: Vec<(usize, usize)> =
            real.iter().map(|w| (w.start as usize, w.end as usize)).collect();
        prop_assert_eq!(&got, &naive_words(&text));
        for w in &real {
            let norm = normalise(&text[w.start as usize..w.end as usize]);
            prop_assert_eq!(w.hash, xxh3_64_with_seed(norm.as_bytes(), HASH_SEED));
            prop_assert_eq!(w.hash, word_hash(&text[w.start as usize..w.end as usize]));
        }
    }

    #[test]
    fn rolling_shingles_match_direct(text in any_text(), k in 0usize..14) {
        let words = real_words(&text);
        let mut rolled = Vec::new();
        for_each_shingle(&words, k, |i, h| rolled.push((i, h)));
        prop_assert_eq!(rolled, naive_shingles(&words, k));
    }
}

proptest! {
    // Each case learns a small corpus: keep the count modest for debug builds.
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn learner_frequencies_match_naive_counts(
        docs in corpus(),
        k in 2usize..6,
        min_docs in 2u64..5,
        min_fraction in prop_oneof![Just(0.0), Just(0.02), Just(0.5), 0.0f64..=1.0],
        short_lines in any::<bool>(),
    ) {
        const GROUPS: [&str; 3] = ["a", "b", ""];
        let learner = LearnerBuilder::new()
            .shingle_words(k)
            .min_docs(min_docs)
            .min_fraction(min_fraction)
            .short_lines(short_lines)
            .build()
            .unwrap();
        let mut naive = NaiveCounts::default();
        for (id, (text, g)) in docs.iter().enumerate() {
            learner.add(text, GROUPS[*g]);
            naive.add(id, text, GROUPS[*g], k);
        }
        let model: Model = learner.finish();

        let mut frequent = 0;
        for ((group, words), ids) in &naive.shingles {
            let want = ids.len() >= naive.needed(group, min_docs, min_fraction);
            frequent += usize::from(want);
            prop_assert_eq!(
                model.is_frequent(group, Feature::Shingle, &strs(words)),
                want,
                "shingle {:?} of group {:?} in {} of {} docs",
                words, group, ids.len(), naive.docs[group]
            );
        }
        for ((group, words), ids) in &naive.lines {
            let want = short_lines && ids.len() >= naive.needed(group, min_docs, min_fraction);
            prop_assert_eq!(
                model.is_frequent(group, Feature::Line, &strs(words)),
                want,
                "line {:?} of group {:?} in {} of {} docs",
                words, group, ids.len(), naive.docs[group]
            );
        }
        // A sequence never seen is never frequent, and neither is a seen one
        // in a group that did not see it.
        prop_assert!(!model.is_frequent("a", Feature::Shingle, &["never", "seen", "words", "here", "at", "all"][..k]));
        for (_, words) in naive.shingles.keys().take(20) {
            prop_assert!(!model.is_frequent("zz", Feature::Shingle, &strs(words)));
        }
        // The model's per-group counts agree with the reference.
        for g in model.groups() {
            prop_assert_eq!(g.docs as usize, naive.docs[&g.name]);
        }
        prop_assert!(model.len() >= frequent);
    }
}

#[test]
fn naive_tokenizer_examples() {
    let words = |t: &str| -> Vec<String> {
        naive_words(t)
            .into_iter()
            .map(|(s, e)| t[s..e].to_string())
            .collect()
    };
    assert_eq!(
        words("readsHadley a1B 订阅 $25"),
        ["reads", "Hadley", "a1B", "订", "阅", "25"]
    );
    assert_eq!(normalise("Donate2024x99"), "donate0x0");
    assert_eq!(normalise("ÉCOLE"), "école");
}
