//! Naive references for the feature pipeline, and property tests that compare
//! the fast paths with them on random inputs (memchr's `naive.rs` pattern).
//!
//! Everything here is slow on purpose and written to be checked by reading:
//! a character-by-character tokenizer, shingles hashed window by window from
//! scratch, and document frequencies kept as sets of document ids.

use crate::shingle::{for_each_shingle, seq_hash, Feature, Gaps, MAX_HEADED_LINE};
use crate::tokenize::{is_cjk, word_hash, Tokenizer, Word};
use crate::{LearnerBuilder, Model};
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};

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

/// The feature kinds, in an order that can key a map (`Feature` is not `Hash`).
const KINDS: [Feature; 10] = [
    Feature::Shingle,
    Feature::Line,
    Feature::Prefix,
    Feature::Suffix,
    Feature::Segment,
    Feature::LineHead,
    Feature::PrefixTail,
    Feature::LineStart,
    Feature::WholeLine,
    Feature::Opener,
];

/// The options the reference needs.
#[derive(Clone, Copy, Debug)]
struct Opts {
    k: usize,
    short_lines: bool,
    max_affix: usize,
}

/// Document frequencies kept the obvious way: for each kind, group and word
/// sequence, the set of documents that contain it.
#[derive(Default)]
struct NaiveCounts {
    docs: HashMap<String, usize>,
    features: HashMap<(usize, String, Words), HashSet<usize>>,
    /// (group, text) of every document counted: an exact copy counts once.
    texts: HashSet<(String, String)>,
}

impl NaiveCounts {
    fn add(&mut self, id: usize, text: &str, group: &str, o: Opts) {
        if !self.texts.insert((group.to_string(), text.to_string())) {
            return;
        }
        *self.docs.entry(group.to_string()).or_default() += 1;
        let mut found: Vec<(Feature, Words)> = Vec::new();
        let norm: Words = naive_words(text)
            .into_iter()
            .map(|(s, e)| normalise(&text[s..e]))
            .collect();
        let n = norm.len();
        for w in norm.windows(o.k) {
            found.push((Feature::Shingle, w.to_vec()));
        }
        // Where sentences and lines end is the real `Gaps`' call (it is
        // tested on its own); what is counted between them is spelled out.
        let words = real_words(text);
        let mut gaps = Gaps::default();
        gaps.compute(text, &words);
        // Numbers, single letters and URL pieces say nothing about a
        // template: a line head or segment made only of them is no feature.
        let weak = |w: &String| {
            (w.len() <= 12 && !w.is_empty() && w.bytes().all(|b| b == b'0'))
                || (w.len() == 1 && w.as_bytes()[0].is_ascii_lowercase())
                || crate::shingle::URL_PIECES.contains(&w.as_str())
        };
        if o.short_lines {
            // Whole lines of fewer than k words. A line cannot hold part of
            // a word, so each line splits on its own.
            for line in text.split('\n') {
                let w: Words = naive_words(line)
                    .into_iter()
                    .map(|(s, e)| normalise(&line[s..e]))
                    .collect();
                if !w.is_empty() && w.len() < o.k {
                    found.push((Feature::Line, w));
                }
            }
            // Heads (up to 4 words, ending at a boundary) of lines of 2 to
            // MAX_HEADED_LINE words whose rest does not end a sentence (a
            // title, not a lead). In hard-wrapped text a line runs to a
            // blank line; besides, a single line that starts a sentence (the
            // line before ends one, without a blank line) and is followed by
            // a blank line or by a word in capitals after a newline counts.
            let wrapped = (1..n).any(|i| gaps.newline(i) && !gaps.boundary(i));
            let upper_after = |i: usize| {
                let gap = &text[words[i - 1].end as usize..words[i].start as usize];
                let first = text[words[i].start as usize..].chars().next();
                gap != " " && first.is_some_and(char::is_uppercase)
            };
            // The first 4 words of each line (paragraph, when wrapped) of
            // more than 4 words, none of them weak.
            let cuts: Vec<usize> = (0..=n)
                .filter(|&i| {
                    i == 0
                        || if wrapped {
                            gaps.paragraph(i)
                        } else {
                            gaps.newline(i)
                        }
                })
                .collect();
            // Whole lines of k to MAX_PAIR_LINE words with no sentence end
            // inside (counted for the model's lines in two documents).
            let lines: Vec<usize> = (0..=n)
                .filter(|&i| i == 0 || i == n || gaps.newline(i))
                .collect();
            for pair in lines.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                if (o.k..=crate::shingle::MAX_PAIR_LINE).contains(&(b - a))
                    && !(a + 1..b).any(|i| gaps.sentence_end(i))
                {
                    found.push((Feature::WholeLine, norm[a..b].to_vec()));
                }
            }
            for pair in cuts.windows(2) {
                let head = &norm[pair[0]..(pair[0] + 4).min(pair[1])];
                if pair[1] - pair[0] > 4 && !head.iter().any(weak) {
                    found.push((Feature::LineStart, head.to_vec()));
                }
            }
            let mut lines: Vec<(usize, usize)> = Vec::new();
            let mut split = |ends: &dyn Fn(usize) -> bool, starts: &dyn Fn(usize) -> bool| {
                let cuts: Vec<usize> = (0..=n).filter(|&i| i == 0 || ends(i)).collect();
                for pair in cuts.windows(2) {
                    if starts(pair[0]) {
                        lines.push((pair[0], pair[1]));
                    }
                }
            };
            if wrapped {
                split(&|i| gaps.paragraph(i), &|_| true);
                split(
                    &|i| gaps.newline(i) && (gaps.paragraph(i) || (i < n && upper_after(i))),
                    &|i| i > 0 && gaps.sentence_end(i) && !gaps.paragraph(i),
                );
            } else {
                split(&|i| gaps.newline(i), &|_| true);
            }
            for (start, end) in lines {
                let len = end - start;
                if (2..=MAX_HEADED_LINE).contains(&len) && !gaps.sentence_end(end) {
                    if let Some(h) = (1..len.min(5))
                        .find(|&h| gaps.boundary(start + h))
                        .filter(|&h| !norm[start..start + h].iter().all(weak))
                    {
                        found.push((Feature::LineHead, norm[start..start + h].to_vec()));
                    }
                }
            }
            // Segments of 2 to k-1 words between boundaries.
            let cuts: Vec<usize> = (0..=n).filter(|&i| i == 0 || gaps.boundary(i)).collect();
            for pair in cuts.windows(2) {
                if (2..o.k).contains(&(pair[1] - pair[0]))
                    && !gaps.separator(pair[0])
                    && !gaps.separator(pair[1])
                    && !norm[pair[0]..pair[1]].iter().all(weak)
                {
                    found.push((Feature::Segment, norm[pair[0]..pair[1]].to_vec()));
                }
            }
        }
        // Openers: where a sentence or line opens inside the document (a
        // boundary that ends a sentence or holds a line break), the words
        // that start with an uppercase letter (or, after the first, an
        // ASCII digit), with no boundary and no comma between them, up to
        // 8. A run of more than MIN_OPENER words that does not open with a
        // common sentence opener, and after which its sentence goes on in
        // lowercase (the next word, with no boundary or comma before it,
        // starts in lowercase; or the run reached 8), gives its first
        // MIN_OPENER to k-1 words.
        let first_char = |j: usize| text[words[j].start as usize..].chars().next();
        let comma =
            |j: usize| text[words[j - 1].end as usize..words[j].start as usize].contains(',');
        for i in 1..n {
            if !(gaps.boundary(i) && (gaps.sentence_end(i) || gaps.newline(i))) {
                continue;
            }
            let mut len = 0;
            while i + len < n
                && len < 8
                && (len == 0 || !gaps.boundary(i + len) && !comma(i + len))
                && first_char(i + len)
                    .is_some_and(|c| c.is_uppercase() || (len > 0 && c.is_ascii_digit()))
            {
                len += 1;
            }
            let stop = i + len;
            let goes_on = len == 8
                || stop < n
                    && !gaps.boundary(stop)
                    && !comma(stop)
                    && first_char(stop).is_some_and(char::is_lowercase);
            let opening = &text[words[i].start as usize..words[i].end as usize];
            if len > crate::shingle::MIN_OPENER
                && goes_on
                && !crate::shingle::opens_sentence(opening)
            {
                for e in i + crate::shingle::MIN_OPENER..=stop.min(i + o.k - 1) {
                    found.push((Feature::Opener, norm[i..e].to_vec()));
                }
            }
        }
        // Prefixes and suffixes of up to max_affix words that end (start) at
        // a boundary inside the document, and the tails of the shortest such
        // prefix.
        let m = o.max_affix.min(n);
        let prefixes: Vec<usize> = (1..=m)
            .filter(|&len| len < n && gaps.boundary(len))
            .collect();
        for &len in &prefixes {
            found.push((Feature::Prefix, norm[..len].to_vec()));
        }
        if let Some(&b) = prefixes.first() {
            let numeral = |w: &String| w == "0";
            // Up to a number, or a unit one space after one (`2:16 PM`).
            let unit = |j: usize| numeral(&norm[j - 1]) && words[j].start == words[j - 1].end + 1;
            for tail in (1..b).take_while(|&tail| !numeral(&norm[b - tail]) && !unit(b - tail)) {
                found.push((Feature::PrefixTail, norm[b - tail..b].to_vec()));
            }
        }
        for len in (1..=m).filter(|&len| len < n && gaps.boundary(n - len)) {
            found.push((Feature::Suffix, norm[n - len..].to_vec()));
        }
        for (kind, w) in found {
            let kind = KINDS.iter().position(|&k| k == kind).unwrap();
            self.features
                .entry((kind, group.to_string(), w))
                .or_default()
                .insert(id);
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
        ". Share Tweet Pin Email Peru said ",
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
    // Some corpora are hard-wrapped at a narrow width, so that single
    // newlines stop being boundaries and line features change meaning.
    let wrap = prop_oneof![2 => Just(None), 1 => (8usize..30).prop_map(Some)];
    (
        prop::collection::vec(text(), 1..4),
        prop::collection::vec(doc, 1..32),
        wrap,
    )
        .prop_map(|(blocks, docs, wrap)| {
            docs.into_iter()
                .map(|(parts, g)| {
                    let text: String = parts
                        .into_iter()
                        .map(|(shared, t, b)| {
                            if shared {
                                blocks[b % blocks.len()].clone()
                            } else {
                                t
                            }
                        })
                        .collect();
                    (wrap.map_or(text.clone(), |w| hard_wrap(&text, w)), g)
                })
                .collect()
        })
}

/// Replace the space that passes column `width` by a newline.
fn hard_wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    for c in text.chars() {
        if c == '\n' {
            col = 0;
        } else if c == ' ' && col >= width {
            out.push('\n');
            col = 0;
            continue;
        } else {
            col += 1;
        }
        out.push(c);
    }
    out
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        any::<String>(),
        "[a-zA-Z0-9 .,\n\u{e9}\u{4e2d}\u{3000}]{0,200}"
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
            prop_assert_eq!(w.hash, crate::tokenize::hash_norm(norm.as_bytes()));
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
        max_affix in prop_oneof![Just(0usize), Just(7), 1usize..10],
    ) {
        const GROUPS: [&str; 3] = ["a", "b", ""];
        let learner = LearnerBuilder::new()
            .shingle_words(k)
            .min_docs(min_docs)
            .min_fraction(min_fraction)
            .short_lines(short_lines)
            .max_affix_words(max_affix)
            .build()
            .unwrap();
        let opts = Opts { k, short_lines, max_affix };
        let mut naive = NaiveCounts::default();
        for (id, (text, g)) in docs.iter().enumerate() {
            learner.add(text, GROUPS[*g]);
            naive.add(id, text, GROUPS[*g], opts);
        }
        let model: Model = learner.finish().unwrap();

        let mut frequent = 0;
        // Every key the model should hold: frequent, near, pair.
        let mut kept = 0;
        for ((kind, group, words), ids) in &naive.features {
            let needed = naive.needed(group, min_docs, min_fraction);
            // A whole long line is never frequent, only kept as a pair.
            let whole = KINDS[*kind] == Feature::WholeLine;
            let want = !whole && ids.len() >= needed;
            frequent += usize::from(want);
            // Whole lines in two documents or more, below what else keeps
            // them (the threshold, or one short of it when that is >= 3).
            let near = if needed >= 4 { needed - 1 } else { needed };
            let pair = ids.len() >= 2
                && (whole || KINDS[*kind] == Feature::Line && ids.len() < near);
            kept += usize::from(want || pair || !whole && ids.len() >= near);
            // Frequent in under a tenth of the group's documents: marked too.
            let ceiling = (0.1 * naive.docs[group] as f64).ceil() as usize;
            let reused = want && ids.len() < ceiling;
            kept += usize::from(reused);
            prop_assert_eq!(
                model.is_reused(group, KINDS[*kind], &strs(words)),
                reused,
                "reused {:?} {:?} of group {:?} in {} of {} docs",
                KINDS[*kind], words, group, ids.len(), naive.docs[group]
            );
            prop_assert_eq!(
                model.is_pair(group, KINDS[*kind], &strs(words)),
                pair,
                "pair {:?} {:?} of group {:?} in {} of {} docs",
                KINDS[*kind], words, group, ids.len(), naive.docs[group]
            );
            prop_assert_eq!(
                model.is_frequent(group, KINDS[*kind], &strs(words)),
                want,
                "{:?} {:?} of group {:?} in {} of {} docs",
                KINDS[*kind], words, group, ids.len(), naive.docs[group]
            );
            // A seen sequence is not frequent in a group that never saw it.
            prop_assert!(!model.is_frequent("zz", KINDS[*kind], &strs(words)));
        }
        // The reference found every frequent key the model has, and the
        // model's per-group counts agree with it.
        prop_assert_eq!(model.len(), frequent);
        prop_assert_eq!(model.key_count(), kept);
        for g in model.groups() {
            prop_assert_eq!(g.docs as usize, naive.docs[&g.name]);
        }
        prop_assert_eq!(model.groups().len(), naive.docs.len());
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
