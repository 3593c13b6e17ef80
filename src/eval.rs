//! Eval: score a cleaned text against labelled boilerplate spans.
//!
//! Works for any tool whose output is its input with pieces deleted: the
//! words of the output are aligned, in order, with the words of the original
//! (a match must agree on the next two words when it can, so a word that
//! occurs in a deleted block and again in the article is matched to the
//! article copy), and each original word is then kept or removed. Words in a
//! labelled span are boilerplate of that span's kind, except kinds starting
//! with `keep:`, which are hard negatives: article text that must stay.

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
/// `MAX_CELLS` pairs) fall back to a greedy match with five words of context.
fn align(orig: &[Word], out: &[Word]) -> (Vec<bool>, u64) {
    const MAX_CELLS: usize = 60_000_000;
    if (orig.len() + 1).saturating_mul(out.len() + 1) > MAX_CELLS {
        return align_greedy(orig, out);
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
    let mut kept = vec![false; n];
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
                kept[i - 1] = true;
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

/// Greedy alignment for very large documents: each output word goes to the
/// earliest original word whose next words agree (up to five), failing that
/// to the earliest equal word.
fn align_greedy(orig: &[Word], out: &[Word]) -> (Vec<bool>, u64) {
    const CONTEXT: usize = 5;
    let mut kept = vec![false; orig.len()];
    let mut unmatched = 0;
    let mut i = 0;
    for j in 0..out.len() {
        let want = CONTEXT.min(out.len() - j);
        let agree = |p: usize| {
            (0..want).all(|d| orig.get(p + d).is_some_and(|w| w.hash == out[j + d].hash))
        };
        let mut first = None;
        let mut best = None;
        for (p, w) in orig.iter().enumerate().skip(i) {
            if w.hash == out[j].hash {
                first.get_or_insert(p);
                if agree(p) {
                    best = Some(p);
                    break;
                }
            }
        }
        match best.or(first) {
            Some(p) => {
                kept[p] = true;
                i = p + 1;
            }
            None => unmatched += 1,
        }
    }
    (kept, unmatched)
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
}
