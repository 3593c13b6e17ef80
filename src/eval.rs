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
/// nothing. Each output word goes to the earliest original word (after the
/// previous match) whose next words agree with the output's next words, as
/// many as remain up to `CONTEXT`; failing that, to the earliest equal word.
/// Kept text comes in long pieces, so the right copy of a common word (or
/// of a CJK character) is the one whose neighbours match too.
fn align(orig: &[Word], out: &[Word]) -> (Vec<bool>, u64) {
    const CONTEXT: usize = 5;
    let mut kept = vec![false; orig.len()];
    let mut unmatched = 0;
    let mut i = 0;
    for j in 0..out.len() {
        let want = CONTEXT.min(out.len() - j);
        let agree = |p: usize| (0..want).all(|d| orig.get(p + d).is_some_and(|w| w.hash == out[j + d].hash));
        let mut first = None;
        let mut best = None;
        for p in i..orig.len() {
            if orig[p].hash == out[j].hash {
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
