//! Eval: score a cleaned text against labelled boilerplate spans, or against
//! a gold article written by people.
//!
//! Labels ([`Score`]) work for any tool whose output is its input with pieces deleted: the
//! words of the output are aligned, in order, with the words of the original
//! (a match must agree on the next two words when it can, so a word that
//! occurs in a deleted block and again in the article is matched to the
//! article copy), and each original word is then kept or removed. Words in a
//! labelled span are boilerplate of that span's kind, except kinds starting
//! with `keep:`, which are hard negatives: article text that must stay.
//!
//! Gold ([`GoldScore`]): the words of the original text are aligned with the
//! words of the gold article ([`gold_pairs`]); aligned words are article, the
//! others boilerplate. Which original words the tool removed comes from its
//! removed byte ranges when it reports them, otherwise from aligning its
//! output to the original as above. Each removed range is also checked for
//! edges that fall inside a token ([`edge_inside_token`]): a cut through
//! `iPod` or `guardian.co.uk` leaves both halves damaged, whatever the word
//! counts say.

use crate::tokenize::{Tokenizer, Word};
use std::collections::BTreeMap;
use std::ops::Range;

/// Prefix of the kinds of labelled spans that must be kept.
pub const KEEP_PREFIX: &str = "keep:";

/// Word counts for one kind of span.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindCount {
    /// Words of this kind.
    pub words: u64,
    /// Of those, removed by the tool.
    pub removed: u64,
}

/// Scores accumulated over documents.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Score {
    /// Documents scored.
    pub docs: u64,
    /// Boilerplate words removed.
    pub true_pos: u64,
    /// Boilerplate words kept.
    pub false_neg: u64,
    /// Article words removed.
    pub false_pos: u64,
    /// Article words (hard negatives included).
    pub article_words: u64,
    /// Per kind of labelled span (`keep:` kinds included).
    pub per_kind: BTreeMap<String, KindCount>,
    /// Output words that matched no original word (text a tool added).
    pub unmatched_output_words: u64,
}

impl Score {
    /// Precision of removed words.
    pub fn precision(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }
    /// Recall of boilerplate words.
    pub fn recall(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// Share of article words removed.
    pub fn article_lost(&self) -> f64 {
        ratio(self.false_pos, self.article_words)
    }

    /// Score one document: its original text, its labelled spans
    /// `(byte range, kind)` and the tool's output (`None` when the tool
    /// dropped the document: every word counts as removed).
    pub fn add(&mut self, original: &str, spans: &[(Range<usize>, String)], output: Option<&str>) {
        let mut tok = Tokenizer::new();
        let mut words = Vec::new();
        tok.tokenize(original, &mut words);
        let kept = match output {
            Some(out) => {
                let mut out_words = Vec::new();
                tok.tokenize(out, &mut out_words);
                let (kept, unmatched) = align(&words, &out_words);
                self.unmatched_output_words += unmatched;
                kept
            }
            None => vec![false; words.len()],
        };
        self.docs += 1;
        let mut s = 0;
        for (w, &kept) in words.iter().zip(&kept) {
            let at = w.start as usize;
            while s < spans.len() && spans[s].0.end <= at {
                s += 1;
            }
            let kind = spans
                .get(s)
                .filter(|(r, _)| r.start <= at)
                .map(|(_, k)| k.as_str());
            if let Some(kind) = kind {
                let c = self.per_kind.entry(kind.to_string()).or_default();
                c.words += 1;
                c.removed += u64::from(!kept);
            }
            match kind {
                Some(k) if !k.starts_with(KEEP_PREFIX) => {
                    if kept {
                        self.false_neg += 1;
                    } else {
                        self.true_pos += 1;
                    }
                }
                _ => {
                    self.article_words += 1;
                    self.false_pos += u64::from(!kept);
                }
            }
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Which original words the output kept, and how many output words matched
/// nothing.
///
/// Tools delete text in a few contiguous pieces, so the alignment chosen is
/// the one with the fewest deleted pieces (a gap costs 1 however long it is;
/// an output word matched to nothing costs 3), found by dynamic programming
/// over (original word, output word) with affine gap costs. That picks the
/// right copy of a common word or CJK character, where a greedy match would
/// jump to a later copy. Documents too large for the table (more than
/// `MAX_CELLS` pairs) are aligned by matching blocks ([`align_blocks`]).
fn align(orig: &[Word], out: &[Word]) -> (Vec<bool>, u64) {
    let (map, unmatched) = align_map(orig, out);
    (map.iter().map(|m| *m != NONE).collect(), unmatched)
}

/// Marks an original word that no output word matched.
const NONE: u32 = u32::MAX;

/// [`align`], giving for each original word the index of the output word
/// matched to it (`NONE` for a removed word).
fn align_map(orig: &[Word], out: &[Word]) -> (Vec<u32>, u64) {
    const MAX_CELLS: usize = 60_000_000;
    if (orig.len() + 1).saturating_mul(out.len() + 1) > MAX_CELLS {
        return align_blocks(orig, out);
    }
    const OPEN: u32 = 1;
    const INSERT: u32 = 3;
    const INF: u32 = u32::MAX / 4;
    let (n, m) = (orig.len(), out.len());
    let w = m + 1;
    // Per cell: bits 0-1 how the best "not in a gap" state was reached
    // (1 match from kept, 2 match from gap, 3 insert from kept, 0 insert
    // from gap), bit 2 whether the "in a gap" state came from a gap.
    let mut how = vec![0u8; (n + 1) * w];
    let mut kept_prev = vec![INF; w];
    let mut gap_prev = vec![INF; w];
    let mut kept_cur = vec![INF; w];
    let mut gap_cur = vec![INF; w];
    for i in 0..=n {
        for j in 0..=m {
            let cell = i * w + j;
            // In a gap: orig[i-1] deleted.
            let mut g = INF;
            if i > 0 {
                let open = kept_prev[j].saturating_add(OPEN);
                let extend = gap_prev[j];
                if extend <= open {
                    g = extend;
                    how[cell] |= 4;
                } else {
                    g = open;
                }
            }
            // Not in a gap: orig[i-1] matched to out[j-1], or out[j-1] unmatched.
            let mut k = if i == 0 && j == 0 { 0 } else { INF };
            if i > 0 && j > 0 && orig[i - 1].hash == out[j - 1].hash {
                let (a, b) = (kept_prev[j - 1], gap_prev[j - 1]);
                if a <= b {
                    k = a;
                    how[cell] |= 1;
                } else {
                    k = b;
                    how[cell] |= 2;
                }
            }
            if j > 0 {
                let (a, b) = (
                    kept_cur[j - 1].saturating_add(INSERT),
                    gap_cur[j - 1].saturating_add(INSERT),
                );
                if a.min(b) < k {
                    k = a.min(b);
                    how[cell] = (how[cell] & 4) | if a <= b { 3 } else { 0 };
                }
            }
            kept_cur[j] = k;
            gap_cur[j] = g;
        }
        std::mem::swap(&mut kept_prev, &mut kept_cur);
        std::mem::swap(&mut gap_prev, &mut gap_cur);
    }
    let mut kept = vec![NONE; n];
    let mut unmatched = 0;
    let (mut i, mut j) = (n, m);
    let mut in_gap = gap_prev[m] < kept_prev[m];
    while i > 0 || j > 0 {
        let h = how[i * w + j];
        if in_gap {
            in_gap = h & 4 != 0;
            i -= 1;
            continue;
        }
        match h & 3 {
            1 | 2 => {
                kept[i - 1] = (j - 1) as u32;
                in_gap = h & 3 == 2;
                i -= 1;
                j -= 1;
            }
            code => {
                unmatched += 1;
                in_gap = code == 0;
                j -= 1;
            }
        }
    }
    (kept, unmatched)
}

/// Alignment for very large documents: the matching blocks of
/// [`gold_pairs`] (longest runs of equal words first). The output of a tool
/// that deletes pieces is made of long runs of the original, which this
/// finds in about the time of reading both.
fn align_blocks(orig: &[Word], out: &[Word]) -> (Vec<u32>, u64) {
    let a: Vec<u64> = orig.iter().map(|w| w.hash).collect();
    let b: Vec<u64> = out.iter().map(|w| w.hash).collect();
    let mut kept = vec![NONE; orig.len()];
    let pairs = gold_pairs(&a, &b);
    for &(i, j) in &pairs {
        kept[i as usize] = j;
    }
    (kept, (out.len() - pairs.len()) as u64)
}

// ---------------------------------------------------------------------------
// Scoring against a gold article.

/// Word counts of a gold evaluation, for one document or summed over many.
///
/// A word of the original text is *article* when the alignment with the gold
/// article ([`gold_pairs`]) matched it, *boilerplate* otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GoldCounts {
    /// Documents scored.
    pub docs: u64,
    /// Documents the tool's output did not have (every word counted removed).
    pub missing: u64,
    /// Words of the gold articles.
    pub gold_words: u64,
    /// Words of the original texts (article + boilerplate).
    pub words: u64,
    /// Original words aligned with a gold word.
    pub article_words: u64,
    /// Of those, still in the output.
    pub article_kept: u64,
    /// Original words aligned with no gold word.
    pub boilerplate_words: u64,
    /// Of those, removed.
    pub boilerplate_removed: u64,
    /// Removed ranges (after merging ranges that touch).
    pub spans: u64,
    /// Removed ranges with an edge inside a token ([`edge_inside_token`]).
    pub spans_inside_token: u64,
    /// Output words that matched no original word (text a tool added;
    /// always 0 when the removed ranges are given).
    pub unmatched_output_words: u64,
}

impl GoldCounts {
    /// Add the counts of `o`.
    pub fn merge(&mut self, o: &GoldCounts) {
        self.docs += o.docs;
        self.missing += o.missing;
        self.gold_words += o.gold_words;
        self.words += o.words;
        self.article_words += o.article_words;
        self.article_kept += o.article_kept;
        self.boilerplate_words += o.boilerplate_words;
        self.boilerplate_removed += o.boilerplate_removed;
        self.spans += o.spans;
        self.spans_inside_token += o.spans_inside_token;
        self.unmatched_output_words += o.unmatched_output_words;
    }
    /// Share of article words kept.
    pub fn article_kept_share(&self) -> f64 {
        ratio(self.article_kept, self.article_words)
    }
    /// Share of gold words found in the original text (the ceiling of what a
    /// tool that only deletes can keep).
    pub fn gold_found_share(&self) -> f64 {
        ratio(self.article_words, self.gold_words)
    }
    /// Words removed, article and boilerplate.
    pub fn removed_words(&self) -> u64 {
        self.boilerplate_removed + (self.article_words - self.article_kept)
    }
    /// Recall of removal: boilerplate words removed / boilerplate words.
    pub fn recall(&self) -> f64 {
        ratio(self.boilerplate_removed, self.boilerplate_words)
    }
    /// Precision of removal: boilerplate words removed / words removed.
    pub fn precision(&self) -> f64 {
        ratio(self.boilerplate_removed, self.removed_words())
    }
    /// Harmonic mean of [`precision`](Self::precision) and
    /// [`recall`](Self::recall).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// What a tool did to one document.
#[derive(Clone, Copy, Debug)]
pub enum Removal<'a> {
    /// Its output text (the original minus what it removed); the removed
    /// words and ranges are found by alignment.
    Output(&'a str),
    /// The byte ranges of the original it removed (sorted or not; they are
    /// merged where they overlap or touch).
    Spans(&'a [Range<usize>]),
    /// The document is missing from the output: everything was removed.
    Dropped,
}

/// A removed range whose edge falls inside a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsideCut {
    /// The removed byte range of the original text.
    pub span: Range<usize>,
    /// The edge (byte offset) inside the token: `span.start` or `span.end`.
    pub at: usize,
    /// The token (maximal run of non-whitespace) the edge falls in.
    pub token: Range<usize>,
}

/// The gold score of one document, with the edges that cut a token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoldDoc {
    /// Word counts.
    pub counts: GoldCounts,
    /// Every edge of a removed range that falls inside a token (a range with
    /// both edges inside appears twice).
    pub inside_cuts: Vec<InsideCut>,
}

/// Gold scores accumulated over documents, in total and per group.
#[derive(Clone, Debug, Default)]
pub struct GoldScore {
    /// All documents.
    pub total: GoldCounts,
    /// Per group (`""` when documents have none).
    pub per_group: BTreeMap<String, GoldCounts>,
}

impl GoldScore {
    /// Score one document and add it to the totals; returns its score.
    pub fn add(&mut self, group: &str, original: &str, gold: &str, removal: Removal) -> GoldDoc {
        let doc = score_gold(original, gold, removal);
        self.add_counts(group, &doc.counts);
        doc
    }

    /// Add the counts of a document scored elsewhere (by
    /// [`score_gold`] on another thread).
    pub fn add_counts(&mut self, group: &str, counts: &GoldCounts) {
        self.total.merge(counts);
        match self.per_group.get_mut(group) {
            Some(g) => g.merge(counts),
            None => {
                self.per_group.insert(group.to_string(), *counts);
            }
        }
    }
}

/// Score one document: `original` text, the `gold` article, what the tool
/// removed.
///
/// A word counts as removed when its first byte is removed (given ranges) or
/// when no output word was aligned with it (output text). With an output
/// text, the removed ranges used for the token-edge check are placed within
/// each stretch between two kept words by matching the output's bytes from
/// the left, then from the right: the rest of the stretch is the removed
/// range, shifted where the same text allows to cut the fewest tokens.
pub fn score_gold(original: &str, gold: &str, removal: Removal) -> GoldDoc {
    let mut tok = Tokenizer::new();
    let mut words = Vec::new();
    tok.tokenize(original, &mut words);
    let mut gold_words = Vec::new();
    tok.tokenize(gold, &mut gold_words);
    let a = exact_hashes(original, &words, true);
    let b = exact_hashes(gold, &gold_words, true);
    let mut article = vec![false; words.len()];
    for (i, _) in gold_pairs(&a, &b) {
        article[i as usize] = true;
    }

    let mut c = GoldCounts {
        docs: 1,
        gold_words: gold_words.len() as u64,
        words: words.len() as u64,
        ..GoldCounts::default()
    };
    let (removed, spans) = match removal {
        Removal::Dropped => {
            c.missing = 1;
            let spans = if original.is_empty() {
                vec![]
            } else {
                std::iter::once(0..original.len()).collect()
            };
            (vec![true; words.len()], spans)
        }
        Removal::Spans(given) => {
            let spans = merge_spans(given, original.len());
            let mut removed = vec![false; words.len()];
            let mut s = 0;
            for (w, r) in words.iter().zip(removed.iter_mut()) {
                let at = w.start as usize;
                while s < spans.len() && spans[s].end <= at {
                    s += 1;
                }
                *r = spans.get(s).is_some_and(|sp| sp.start <= at);
            }
            (removed, spans)
        }
        Removal::Output(out) => {
            let mut out_words = Vec::new();
            tok.tokenize(out, &mut out_words);
            // Exact words here, case included: the output is the original
            // minus pieces, and a kept `6/27` must not be taken for a removed
            // `6/26`, nor `jane.doe@` for `@JaneDoe`.
            let exact = |ws: &[Word], hs: &[u64]| -> Vec<Word> {
                ws.iter()
                    .zip(hs)
                    .map(|(w, &hash)| Word { hash, ..*w })
                    .collect()
            };
            let orig_cased = exact_hashes(original, &words, false);
            let out_cased = exact_hashes(out, &out_words, false);
            let (mut map, unmatched) =
                align_map(&exact(&words, &orig_cased), &exact(&out_words, &out_cased));
            slide_to_boundaries(original, &words, &orig_cased, &mut map);
            c.unmatched_output_words = unmatched;
            let spans = spans_between_kept(original, &words, out, &out_words, &map);
            (map.iter().map(|&m| m == NONE).collect(), spans)
        }
    };
    for (&art, &rem) in article.iter().zip(&removed) {
        if art {
            c.article_words += 1;
            c.article_kept += u64::from(!rem);
        } else {
            c.boilerplate_words += 1;
            c.boilerplate_removed += u64::from(rem);
        }
    }
    let mut inside_cuts = Vec::new();
    c.spans = spans.len() as u64;
    for sp in &spans {
        let mut any = false;
        for at in [sp.start, sp.end] {
            if let Some(token) = edge_inside_token(original, at) {
                any = true;
                inside_cuts.push(InsideCut {
                    span: sp.clone(),
                    at,
                    token,
                });
            }
        }
        c.spans_inside_token += u64::from(any);
    }
    GoldDoc {
        counts: c,
        inside_cuts,
    }
}

/// Hashes of the words, exact but for case when `fold_case` (the
/// tokenizer's own hashes also fold every number to `0`, too loose to tell a
/// gold `2017` from a page's `2016`).
fn exact_hashes(text: &str, words: &[Word], fold_case: bool) -> Vec<u64> {
    let mut buf = String::new();
    words
        .iter()
        .map(|w| {
            let s = &text[w.start as usize..w.end as usize];
            buf.clear();
            if fold_case {
                for ch in s.chars() {
                    buf.extend(ch.to_lowercase());
                }
            } else {
                buf.push_str(s);
            }
            xxhash_rust::xxh3::xxh3_64_with_seed(buf.as_bytes(), crate::tokenize::HASH_SEED)
        })
        .collect()
}

/// Sort, clip to `len` and merge ranges that overlap or touch.
fn merge_spans(given: &[Range<usize>], len: usize) -> Vec<Range<usize>> {
    let mut v: Vec<Range<usize>> = given
        .iter()
        .map(|r| r.start.min(len)..r.end.min(len))
        .filter(|r| r.start < r.end)
        .collect();
    v.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(v.len());
    for r in v {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Move each run of removed words to where the same output allows it to
/// start and end at a sentence or line boundary.
///
/// A removed run whose last word equals the kept word just before it can
/// slide left by a word and leave the same words (`...ilker. [Rival ...
/// ilker.]` and `...[ilker. Rival ...] ilker.`), and likewise to the right;
/// the alignment's choice among such placements is arbitrary. A tool that
/// removes blocks cuts at boundaries, so the placement with the most edges
/// after sentence punctuation or a newline is taken (ties: the alignment's).
fn slide_to_boundaries(text: &str, words: &[Word], hashes: &[u64], map: &mut [u32]) {
    let n = words.len();
    // Is the gap before word `i` (i == n: the end) a boundary?
    let boundary = |i: usize| -> bool {
        if i == 0 || i == n {
            return true;
        }
        let g = &text[words[i - 1].end as usize..words[i].start as usize];
        g.contains(['\n', '.', '!', '?', '。'])
    };
    let score = |i: usize, j: usize| usize::from(boundary(i)) + usize::from(boundary(j));
    let mut i = 0;
    while i < n {
        if map[i] != NONE {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && map[j] == NONE {
            j += 1;
        }
        // Candidates: the run [i, j) shifted by `d` words, d < 0 left.
        let mut best = (score(i, j), 0isize);
        let mut d = 1;
        while i >= d && hashes[i - d] == hashes[j - d] && map[i - d] != NONE {
            let c = score(i - d, j - d);
            if c > best.0 {
                best = (c, -(d as isize));
            }
            d += 1;
        }
        let mut d = 0;
        while j + d < n && hashes[i + d] == hashes[j + d] && map[j + d] != NONE {
            let c = score(i + d + 1, j + d + 1);
            if c > best.0 {
                best = (c, d as isize + 1);
            }
            d += 1;
        }
        let shift = best.1;
        if shift < 0 {
            // Words [i+shift, i) become removed; [j+shift, j) kept, taking
            // over their output words in order.
            let k = (-shift) as usize;
            for t in 0..k {
                map[j - k + t] = map[i - k + t];
                map[i - k + t] = NONE;
            }
        } else if shift > 0 {
            let k = shift as usize;
            for t in 0..k {
                map[i + t] = map[j + t];
                map[j + t] = NONE;
            }
        }
        let end = (j as isize + shift) as usize;
        i = end.max(i + 1);
    }
}

/// The removed byte ranges of `original`, given the output and which output
/// word each original word was aligned with (`NONE`: removed).
///
/// Between two consecutive kept words (or the text's ends) the original has a
/// stretch and the output another; the output's stretch is matched byte by
/// byte from the left, then what is left of it from the right, and the
/// unmatched middle of the original's stretch is one removed range. Deletions
/// only ever produce one range per stretch this way, which is exact for a
/// tool that removes whole pieces between words.
fn spans_between_kept(
    original: &str,
    words: &[Word],
    out: &str,
    out_words: &[Word],
    map: &[u32],
) -> Vec<Range<usize>> {
    let (ob, tb) = (original.as_bytes(), out.as_bytes());
    let mut spans = Vec::new();
    let gap = |o: Range<usize>, t: Range<usize>, spans: &mut Vec<Range<usize>>| {
        let (os, ts) = (&ob[o.clone()], &tb[t]);
        let mut p = os.iter().zip(ts).take_while(|(x, y)| x == y).count();
        while !original.is_char_boundary(o.start + p) {
            p -= 1;
        }
        let (or, tr) = (&os[p..], &ts[p.min(ts.len())..]);
        let mut s = or
            .iter()
            .rev()
            .zip(tr.iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        while !original.is_char_boundary(o.end - s) {
            s -= 1;
        }
        let r = o.start + p..o.end - s;
        if r.start < r.end {
            spans.push(best_placement(original, r, o));
        }
    };
    let (mut po, mut pt) = (0usize, 0usize);
    for (w, &m) in words.iter().zip(map) {
        if m == NONE {
            continue;
        }
        let tw = &out_words[m as usize];
        gap(
            po..w.start as usize,
            pt..(tw.start as usize).max(pt),
            &mut spans,
        );
        po = w.end as usize;
        pt = tw.end as usize;
    }
    gap(po..original.len(), pt..out.len().max(pt), &mut spans);
    spans
}

/// The placement of a removed range that cuts the fewest tokens, among the
/// placements that leave the same text.
///
/// Deleting `r` leaves the same text as deleting it shifted left by `k`
/// bytes when the `k` bytes before it equal its last `k` bytes (and likewise
/// to the right): `»Real Estate\n»` and `»|Real Estate\n»|` are the same
/// deletion. An output text does not say which was meant, so the scorer
/// gives the tool the benefit of the doubt. Shifts stay within the stretch
/// `within` and are tried up to 256 bytes each way; ties go to a range that
/// starts a line, then to the smallest shift, then to the left.
fn best_placement(text: &str, r: Range<usize>, within: Range<usize>) -> Range<usize> {
    const MAX_SHIFT: usize = 256;
    let b = text.as_bytes();
    let cost = |s: usize, e: usize, shift: usize| {
        let inside = usize::from(edge_inside_token(text, s).is_some())
            + usize::from(edge_inside_token(text, e).is_some());
        let line_start = s == 0 || b[s - 1] == b'\n';
        (inside, !line_start, shift)
    };
    let mut best = (cost(r.start, r.end, 0), r.clone());
    let (mut s, mut e) = (r.start, r.end);
    while r.start - s < MAX_SHIFT && s > within.start && b[s - 1] == b[e - 1] {
        s -= 1;
        e -= 1;
        if text.is_char_boundary(s) && text.is_char_boundary(e) {
            let c = cost(s, e, r.start - s);
            if c < best.0 {
                best = (c, s..e);
            }
        }
    }
    let (mut s, mut e) = (r.start, r.end);
    while s - r.start < MAX_SHIFT && e < within.end && b[s] == b[e] {
        s += 1;
        e += 1;
        if text.is_char_boundary(s) && text.is_char_boundary(e) {
            let c = cost(s, e, s - r.start);
            if c < best.0 {
                best = (c, s..e);
            }
        }
    }
    best.1
}

/// Pairs `(i, j)` with `a[i] == b[j]`, increasing in both, that align the
/// word hashes `a` (the page) with `b` (the gold article).
///
/// The alignment is built from matching blocks, as Python's `difflib` does:
/// the longest run of equal words is taken first, then the same is done
/// recursively left and right of it. Long runs anchor the article, so a
/// common word of the navigation is not matched to the article's copy the
/// way a plain longest-common-subsequence may scatter matches. As in
/// `difflib`, words that make up more than 1% of a gold text of 200 words or
/// more (`the`, `of`) do not start a run; unlike `difflib`, runs extend over
/// them, so they are matched inside the article. Deterministic: ties go to the
/// earliest run in `a`, then in `b`. A stretch between runs where only
/// popular words match (and whose two sides make at most 2^20 word pairs)
/// is searched again with them, so a gold text made of popular words only
/// is still aligned. Work is roughly the number of equal word
/// pairs per level of the recursion; 47,000 page words against 4,000 gold
/// words take a few milliseconds.
pub fn gold_pairs(a: &[u64], b: &[u64]) -> Vec<(u32, u32)> {
    const SMALL_RANGE: usize = 1 << 20;
    let mut count: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    for &h in b {
        *count.entry(h).or_default() += 1;
    }
    let popular = |h: u64| b.len() >= 200 && count[&h] as usize > b.len() / 100 + 1;
    let mut b2j: std::collections::HashMap<u64, Vec<u32>> = std::collections::HashMap::new();
    let mut b2j_all: std::collections::HashMap<u64, Vec<u32>> = std::collections::HashMap::new();
    for (j, &h) in b.iter().enumerate() {
        if !popular(h) {
            b2j.entry(h).or_default().push(j as u32);
        }
        b2j_all.entry(h).or_default().push(j as u32);
    }
    let mut blocks = Vec::new();
    let mut stack = vec![(0usize, a.len(), 0usize, b.len())];
    // Runs ending in the previous and the current row: (j, length).
    let mut prev: Vec<(u32, u32)> = Vec::new();
    let mut cur: Vec<(u32, u32)> = Vec::new();
    while let Some((alo, ahi, blo, bhi)) = stack.pop() {
        if alo >= ahi || blo >= bhi {
            continue;
        }
        // Longest run over non-popular words: per row i, the lengths of runs
        // ending at (i, j), kept sorted by j. A range where only popular
        // words match is tried again with them when it is small.
        let (mut bi, mut bj, mut bk) = (alo, blo, 0usize);
        for index in [&b2j, &b2j_all] {
            if bk > 0
                || (std::ptr::eq(index, &b2j_all)
                    && (ahi - alo).saturating_mul(bhi - blo) > SMALL_RANGE)
            {
                break;
            }
            prev.clear();
            for (i, h) in a.iter().enumerate().take(ahi).skip(alo) {
                cur.clear();
                if let Some(js) = index.get(h) {
                    let first = js.partition_point(|&j| (j as usize) < blo);
                    let mut p = 0;
                    for &j in &js[first..] {
                        if j as usize >= bhi {
                            break;
                        }
                        while p < prev.len() && prev[p].0 + 1 < j {
                            p += 1;
                        }
                        let k = if p < prev.len() && prev[p].0 + 1 == j {
                            prev[p].1 + 1
                        } else {
                            1
                        };
                        cur.push((j, k));
                        if k as usize > bk {
                            bk = k as usize;
                            bi = i + 1 - bk;
                            bj = j as usize + 1 - bk;
                        }
                    }
                }
                std::mem::swap(&mut prev, &mut cur);
            }
        }
        if bk == 0 {
            continue;
        }
        // Extend over equal words on both sides (popular ones included).
        while bi > alo && bj > blo && a[bi - 1] == b[bj - 1] {
            bi -= 1;
            bj -= 1;
            bk += 1;
        }
        while bi + bk < ahi && bj + bk < bhi && a[bi + bk] == b[bj + bk] {
            bk += 1;
        }
        blocks.push((bi, bj, bk));
        stack.push((alo, bi, blo, bj));
        stack.push((bi + bk, ahi, bj + bk, bhi));
    }
    blocks.sort_unstable();
    blocks
        .iter()
        .flat_map(|&(i, j, k)| (0..k).map(move |d| ((i + d) as u32, (j + d) as u32)))
        .collect()
}

/// Characters stripped from the front of a token before the edge check.
fn is_opening(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '“'
            | '‘'
            | '„'
            | '«'
            | '‹'
            | '('
            | '['
            | '{'
            | '<'
            | '¿'
            | '¡'
            | '*'
            | '•'
            | '-'
            | '–'
            | '—'
    )
}

/// Characters stripped from the end of a token before the edge check.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '”'
            | '’'
            | '»'
            | '›'
            | ')'
            | ']'
            | '}'
            | '>'
            | '*'
            | '.'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '…'
    )
}

/// Punctuation after which a glued sentence may start (`said.A`).
fn is_glue(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ':' | ',')
}

/// Closing quotes and brackets that may follow the glue punctuation
/// (`said."Next`).
fn is_close_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']')
}

/// Characters that end a token: whitespace, and the marks that separate
/// glued navigation items (`versions|Low`, `HuffPost•October`), never part
/// of a word.
fn is_token_break(c: char) -> bool {
    c.is_whitespace() || matches!(c, '|' | '•' | '·' | '¦')
}

/// If byte offset `at` of `text` (a removed range's edge) falls inside a
/// token, the token's byte range.
///
/// A token is a maximal run of characters that are not whitespace nor one of
/// `| • · ¦` (marks that separate glued navigation items). Its *core* is the
/// token without opening quotes, brackets and dashes at the front
/// (`" ' “ ‘ „ « ‹ ( [ { < ¿ ¡ * • - – —`) and closing quotes, brackets
/// and sentence punctuation at the end (`" ' ” ’ » › ) ] } > * . , ; : ! ?
/// …`). An edge is inside the token when it lies strictly
/// inside the core: `i|Pod`, `guardian.|co.uk`, `http:|//x`, `$|1341.15`,
/// `Wash|ington` are inside; `|"Hello`, `said|.`, `(|AP)` and any edge next
/// to whitespace are not.
///
/// One exception, for sentences a scraper glued together: the core splits
/// as `L P R` where `L` ends with a word of 2+ letters, all lowercase but
/// possibly the first (`said`, `York`), that does not follow a `.`, `P` is one or more of `. ! ? : ,` then optional closing
/// quotes or brackets, and `R` starts (after optional opening quotes) with an
/// uppercase letter; the core has no `/`, `@`, `://` and does not start with
/// `www.`. An edge at either end of `P` or within it is a sentence boundary,
/// not inside a token: `said.|A`, `said|.A`, `readers,|We`, `it."|The`.
/// Before a colon a word in capitals also ends a sentence, whatever letter
/// follows (`EXCLUSIVE:|The`, `NEWS:|would`);
/// next to a character of a script written without spaces (CJK, Thai) an
/// edge is never inside a token.
/// `U.S.|Senate` (one letter), `e.g.|The` (one letter), `NATO.|The`,
/// `bbc.co.|Uk` (after a `.`) are inside.
pub fn edge_inside_token(text: &str, at: usize) -> Option<Range<usize>> {
    if at == 0 || at >= text.len() || !text.is_char_boundary(at) {
        return None;
    }
    let before = text[..at].chars().next_back()?;
    let after = text[at..].chars().next()?;
    if is_token_break(before) || is_token_break(after) {
        return None;
    }
    // Scripts written without spaces: every character is a word of its own
    // as far as cutting goes.
    if crate::tokenize::unspaced(before) || crate::tokenize::unspaced(after) {
        return None;
    }
    let start = text[..at]
        .char_indices()
        .rev()
        .find(|(_, c)| is_token_break(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[at..]
        .char_indices()
        .find(|(_, c)| is_token_break(*c))
        .map_or(text.len(), |(i, _)| at + i);
    let token = &text[start..end];
    let core_start = start + token.len() - token.trim_start_matches(is_opening).len();
    let core_end = start + token.trim_end_matches(is_closing).len();
    if at <= core_start || at >= core_end {
        return None;
    }
    if glued_sentence_boundary(&text[core_start..core_end], at - core_start) {
        return None;
    }
    Some(start..end)
}

/// Is offset `at` of a token core a boundary between two glued sentences?
/// See [`edge_inside_token`].
fn glued_sentence_boundary(core: &str, at: usize) -> bool {
    if core.contains('/') || core.contains('@') || core.starts_with("www.") {
        return false;
    }
    // The punctuation run P around `at`: [p0, p1).
    let mut p0 = at;
    while let Some(c) = core[..p0].chars().next_back() {
        if is_glue(c) || is_close_quote(c) {
            p0 -= c.len_utf8();
        } else {
            break;
        }
    }
    let mut p1 = at;
    while let Some(c) = core[p1..].chars().next() {
        if is_glue(c) || is_close_quote(c) {
            p1 += c.len_utf8();
        } else {
            break;
        }
    }
    if !core[p0..p1].chars().next().is_some_and(is_glue) {
        return false;
    }
    // L ends with a word of 2+ letters, lowercase but for its first
    // (`said`, `York`), not preceded by a '.'; before a colon, a word in
    // capitals too (a label or a scraper's prefix: `EXCLUSIVE:The`).
    let left = &core[..p0];
    let letters = left
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>();
    let capitals = core[p0..].starts_with(':') && letters.iter().all(|c| c.is_uppercase());
    if letters.len() < 2
        || !(capitals
            || letters[..letters.len() - 1]
                .iter()
                .all(|c| c.is_lowercase()))
    {
        return false;
    }
    let run_bytes: usize = letters.iter().map(|c| c.len_utf8()).sum();
    if left[..left.len() - run_bytes].ends_with('.') {
        return false;
    }
    // R starts with an uppercase letter, after optional opening quotes; after
    // a label in capitals, with any letter (`NEWS:would`, a scraper's prefix
    // glued to a sentence it cut).
    core[p1..]
        .chars()
        .find(|&c| !is_opening(c))
        .is_some_and(|c| c.is_uppercase() || (capitals && c.is_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str, parts: &[(&str, &str)]) -> Vec<(Range<usize>, String)> {
        parts
            .iter()
            .map(|(s, k)| {
                let at = text.find(s).unwrap();
                (at..at + s.len(), k.to_string())
            })
            .collect()
    }

    #[test]
    fn perfect_and_missing() {
        let text = "Subscribe to our letter. The mayor spoke to the press.";
        let sp = spans(text, &[("Subscribe to our letter.", "newsletter")]);
        let mut s = Score::default();
        s.add(text, &sp, Some("The mayor spoke to the press."));
        assert_eq!((s.true_pos, s.false_neg, s.false_pos), (4, 0, 0));
        assert_eq!(s.f1(), 1.0);
        // "to" occurs in the block and in the article: the article's is kept.
        assert_eq!(s.article_words, 6);
        let mut dropped = Score::default();
        dropped.add(text, &sp, None);
        assert_eq!(dropped.false_pos, 6);
        assert_eq!(dropped.article_lost(), 1.0);
    }

    #[test]
    fn alignment_prefers_few_gaps_over_a_later_copy() {
        // The kept piece "c d e f" is followed by a cut; a later copy of
        // "c d e f g" must not attract it.
        let text = "a b c d e f X Y Z g h i c d e f g q";
        let out = "a b c d e f g h i c d e f g q";
        let mut s = Score::default();
        s.add(text, &spans(text, &[("X Y Z", "ad")]), Some(out));
        assert_eq!((s.true_pos, s.false_neg, s.false_pos), (3, 0, 0));
        assert_eq!(s.unmatched_output_words, 0);
    }

    #[test]
    fn keep_kinds_are_article() {
        let text = "He said in a statement on Monday that all is well. Share this.";
        let sp = spans(
            text,
            &[
                ("said in a statement", "keep:phrase"),
                ("Share this.", "share"),
            ],
        );
        let mut s = Score::default();
        s.add(
            text,
            &sp,
            Some("He on Monday that all is well. Share this."),
        );
        assert_eq!(s.false_pos, 4);
        assert_eq!(s.false_neg, 2);
        assert_eq!(
            s.per_kind["keep:phrase"],
            KindCount {
                words: 4,
                removed: 4
            }
        );
        assert_eq!(
            s.per_kind["share"],
            KindCount {
                words: 2,
                removed: 0
            }
        );
        assert_eq!(s.precision(), 1.0 * 0.0 / 4.0_f64.max(1.0));
    }

    /// `|` marks the edge; the answer is whether it falls inside a token.
    #[test]
    fn edges_inside_tokens() {
        let cases = [
            ("the i|Pod nano", true),
            ("see guardian.|co.uk today", true),
            ("see guardian|.co.uk today", true),
            ("at http:|//x.org now", true),
            ("cost $|1341.15 each", true),
            ("cost $1341|.15 each", true),
            ("Wash|ington", true),
            ("the U.S.|Senate voted", true),
            ("for e.g.|The rest", true),
            ("at bbc.co.|Uk now", true),
            ("see www.ab.|Com now", true),
            ("TroopsS|tarmer", true),
            ("Troops|Starmer", true),
            ("two words| here", false),
            ("two words |here", false),
            ("|start", false),
            ("end|", false),
            ("he said.|A new day", false),
            ("he said|.A new day", false),
            ("Dear readers,|We are", false),
            ("it was.\"|The end", false),
            ("it was|?!\"The end", false),
            ("so \"|Hello\" he", false),
            ("so \"Hello|\" he", false),
            ("(|AP) said", false),
            ("said|. Then", false),
            ("Hello:|World", false),
            ("in New York.|The", false),
            ("the NATO.|The", true),
            ("INSUBCONTINENT EXCLUSIVE:|The council", false),
            ("BBC NEWS:|VIDEO", false),
            ("LG NEWS:|would destroy", false),
            ("see http:|//x", true),
            ("the Times:|would", true),
            ("the NATO:|the", false),
            ("他说。|订阅", false),
            ("東京|都", false),
            ("x.org/said.|A", true),
            ("mail me@said.|A", true),
            ("ÜBER.|Ärger", true),
            ("Über.|Ärger", false),
            ("HuffPost•|October 19", false),
            ("the versions·|Low Graphics", false),
            ("Cond|é Nast", true),
            ("über.|Ärger", false),
        ];
        for (marked, want) in cases {
            let at = marked.find('|').unwrap();
            let text = marked.replacen('|', "", 1);
            let got = edge_inside_token(&text, at);
            assert_eq!(got.is_some(), want, "{marked}");
            if let Some(t) = got {
                assert!(t.start < at && at < t.end, "{marked}");
                assert!(!text[t].contains(' '));
            }
        }
    }

    fn hashes(words: &str) -> Vec<u64> {
        words.split(' ').map(crate::tokenize::word_hash).collect()
    }

    #[test]
    fn gold_pairs_take_long_runs_first() {
        // The article "a b c d" is preceded by navigation that shares words
        // with it; the run decides, not the first copy.
        let a = hashes("home a news c menu a b c d end");
        let b = hashes("a b c d");
        assert_eq!(gold_pairs(&a, &b), vec![(5, 0), (6, 1), (7, 2), (8, 3)]);
        // Recursion on both sides of the longest run.
        let a = hashes("x p q y a b c d z r");
        let b = hashes("p q a b c d r");
        assert_eq!(
            gold_pairs(&a, &b),
            vec![(1, 0), (2, 1), (4, 2), (5, 3), (6, 4), (7, 5), (9, 6)]
        );
        assert!(gold_pairs(&a, &[]).is_empty());
        assert!(gold_pairs(&[], &b).is_empty());
    }

    #[test]
    fn gold_pairs_extend_runs_over_popular_words() {
        // A gold text of 300 words where "the" is popular (> 1%): it starts
        // no run but is matched inside the article.
        let mut gold = Vec::new();
        let name = |i: usize, c: char| {
            format!(
                "{c}{}",
                char::from(b'a' + (i % 26) as u8)
                    .to_string()
                    .repeat(1 + i / 26)
            )
        };
        for i in 0..100 {
            gold.push(name(i, 'w'));
            gold.push("the".to_string());
            gold.push(name(i, 'v'));
        }
        let gold = gold.join(" ");
        let page = format!("the menu the {gold} the footer");
        let (a, b) = (hashes(&page), hashes(&gold));
        let pairs = gold_pairs(&a, &b);
        assert_eq!(pairs.len(), 300);
        assert_eq!(pairs[0], (3, 0));
        assert_eq!(pairs[299], (302, 299));
    }

    #[test]
    fn gold_score_with_known_answers() {
        let text =
            "Home | News | Sport\nThe mayor opened the bridge.Share this story\nCookies help us.";
        let gold = "The mayor opened the bridge.";
        // Page words: 3 + 5 + 3 + 3 = 14; article 5, boilerplate 9.
        // A tool that removes the menu line and the share bar, not cookies.
        let out = "The mayor opened the bridge.\nCookies help us.";
        let d = score_gold(text, gold, Removal::Output(out));
        let c = d.counts;
        assert_eq!((c.words, c.article_words, c.boilerplate_words), (14, 5, 9));
        assert_eq!((c.article_kept, c.boilerplate_removed), (5, 6));
        assert_eq!(c.removed_words(), 6);
        assert_eq!((c.precision(), c.recall()), (1.0, 6.0 / 9.0));
        assert_eq!(c.spans, 2);
        assert_eq!(c.spans_inside_token, 0, "{:?}", d.inside_cuts);
        // The same with the removed ranges given.
        let menu = 0..text.find("The").unwrap();
        let share = text.find("Share").unwrap()..text.find("\nCookies").unwrap();
        let spans = [share.clone(), menu.clone()];
        let g = score_gold(text, gold, Removal::Spans(&spans));
        assert_eq!(g.counts, c);
        // A cut from "bridge" (after a space) through the share bar cuts no
        // token; one that starts inside "bridge" does.
        let bridge = text.find("bridge").unwrap();
        let r = bridge..share.end;
        let g = score_gold(text, gold, Removal::Spans(std::slice::from_ref(&r)));
        assert_eq!((g.counts.article_kept, g.counts.spans_inside_token), (4, 0));
        let r = bridge + 3..share.end;
        let g = score_gold(text, gold, Removal::Spans(std::slice::from_ref(&r)));
        assert_eq!(g.counts.spans_inside_token, 1);
        assert_eq!(&text[g.inside_cuts[0].token.clone()], "bridge.Share");
        // A dropped document removes every word.
        let g = score_gold(text, gold, Removal::Dropped);
        assert_eq!(
            (g.counts.article_kept, g.counts.boilerplate_removed),
            (0, 9)
        );
        assert_eq!(g.counts.missing, 1);
    }

    #[test]
    fn spans_found_from_the_output() {
        let check = |text: &str, out: &str, want: &[&str]| {
            let d = score_gold(text, "", Removal::Output(out));
            let mut tok = Tokenizer::new();
            let (mut w, mut o) = (Vec::new(), Vec::new());
            tok.tokenize(text, &mut w);
            tok.tokenize(out, &mut o);
            let (map, _) = align_map(&w, &o);
            let spans = spans_between_kept(text, &w, out, &o, &map);
            let got: Vec<&str> = spans.iter().map(|r| &text[r.clone()]).collect();
            assert_eq!(got, want, "{text:?} -> {out:?}");
            assert_eq!(d.counts.spans as usize, want.len());
        };
        // Line dedup: whole lines and their newline.
        check(
            "a b\nmenu x\nc d\nfoot",
            "a b\nc d",
            &["menu x\n", "\nfoot"],
        );
        // A glued block, cut at the sentence boundary.
        check("He said.A Note from us.", "He said.", &["A Note from us."]);
        // Inside a token: the cut leaves "i".
        let d = score_gold("buy the iPod now", "", Removal::Output("buy the i now"));
        assert_eq!(d.counts.spans_inside_token, 1);
        // A deleted line that can slide is placed at the line's start.
        check(
            "»Showbiz\n»Real Estate\n»Autos",
            "»Showbiz\n»Autos",
            &["»Real Estate\n"],
        );
        check(
            "Wed 6/26/2009\nDJIA 8\n6/27/2009",
            "Wed 6/27/2009",
            &["6/26/2009\nDJIA 8\n"],
        );
        // Nothing removed.
        check("same text here", "same text here", &[]);
        check("é, x", "è, x", &["é"]);
    }

    #[test]
    fn large_documents_align_by_blocks() {
        // 9,000 words against 8,000: past the table's size. A block of 100
        // words occurs twice; its second copy is removed.
        let name = |i: usize| {
            let mut s = String::new();
            let mut x = if (7000..7100).contains(&i) {
                i - 5000
            } else {
                i
            };
            for _ in 0..3 {
                s.push(char::from(b'a' + (x % 26) as u8));
                x /= 26;
            }
            s
        };
        let words: Vec<String> = (0..9000).map(name).collect();
        let text = words.join(" ");
        let removed = |i: usize| {
            (1000..1600).contains(&i) || (5000..5400).contains(&i) || (7000..7100).contains(&i)
        };
        let out: Vec<&str> = (0..9000)
            .filter(|&i| !removed(i))
            .map(|i| words[i].as_str())
            .collect();
        let out = out.join(" ");
        let mut tok = Tokenizer::new();
        let (mut w, mut o) = (Vec::new(), Vec::new());
        tok.tokenize(&text, &mut w);
        tok.tokenize(&out, &mut o);
        let (map, unmatched) = align_map(&w, &o);
        assert_eq!(unmatched, 0);
        for (i, m) in map.iter().enumerate() {
            assert_eq!(*m == NONE, removed(i), "word {i}");
        }
        let d = score_gold(&text, "", Removal::Output(&out));
        assert_eq!(d.counts.spans, 3);
    }

    #[test]
    fn merged_spans() {
        assert_eq!(
            merge_spans(&[5..8, 0..2, 2..3, 7..20, 30..31], 12),
            vec![0..3, 5..12]
        );
    }
}
