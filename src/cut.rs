//! Cut: delete byte ranges from a text and tidy the whitespace left at each
//! seam. Text is only ever removed, never inserted or rewritten.

use std::borrow::Cow;
use std::ops::Range;

/// Widen each span over the whitespace at its seam so that no blank run or
/// doubled separator is left behind, then merge spans that touch.
///
/// Rules: a span at the start (end) of the text takes the whitespace on both
/// sides; elsewhere, when there is whitespace on both sides, the side with
/// fewer newlines goes with the span (the paragraph break survives).
/// Spans must be sorted, disjoint and on character boundaries.
pub fn tidy(text: &str, spans: &mut Vec<Range<usize>>) {
    if spans.is_empty() {
        return;
    }
    let b = text.as_bytes();
    for s in spans.iter_mut() {
        let mut l = s.start;
        while l > 0 && is_space(b[l - 1]) {
            l -= 1;
        }
        let mut r = s.end;
        while r < b.len() && is_space(b[r]) {
            r += 1;
        }
        if l == 0 || r == b.len() {
            *s = l..r;
        } else if l < s.start && r > s.end {
            let nl = |x: &[u8]| x.iter().filter(|&&c| c == b'\n').count();
            if nl(&b[s.end..r]) > nl(&b[l..s.start]) {
                s.start = l;
            } else {
                s.end = r;
            }
        }
    }
    let mut out = 0;
    for i in 1..spans.len() {
        if spans[i].start <= spans[out].end {
            spans[out].end = spans[out].end.max(spans[i].end);
        } else {
            out += 1;
            spans[out] = spans[i].clone();
        }
    }
    spans.truncate(out + 1);
}

/// ASCII whitespace only: the tidy-up never needs to step over a multi-byte
/// character, so it cannot split one.
#[inline]
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// `text` without the byte ranges in `spans` (sorted, disjoint, on character
/// boundaries). Borrowed when there is nothing to remove.
pub fn apply<'a>(text: &'a str, spans: &[Range<usize>]) -> Cow<'a, str> {
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let removed: usize = spans.iter().map(|s| s.len()).sum();
    let mut out = String::with_capacity(text.len().saturating_sub(removed));
    let mut at = 0;
    for s in spans {
        out.push_str(&text[at..s.start]);
        at = s.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, block: &str) -> String {
        let s = text.find(block).unwrap();
        let mut spans = Vec::new();
        spans.push(s..s + block.len());
        tidy(text, &mut spans);
        apply(text, &spans).into_owned()
    }

    #[test]
    fn seams() {
        assert_eq!(cut("One. BLOCK. Two.", "BLOCK."), "One. Two.");
        assert_eq!(cut("One.\n\nBLOCK.\n\nTwo.", "BLOCK."), "One.\n\nTwo.");
        assert_eq!(cut("One. BLOCK.\n\nTwo.", "BLOCK."), "One.\n\nTwo.");
        assert_eq!(cut("BLOCK: One.", "BLOCK:"), "One.");
        assert_eq!(cut("One.\nBLOCK\n", "BLOCK"), "One.");
        assert_eq!(cut("said.BLOCK.Next", "BLOCK."), "said.Next");
        assert_eq!(cut("BLOCK", "BLOCK"), "");
    }

    #[test]
    fn borrowed_when_nothing_cut() {
        assert!(matches!(apply("abc", &[]), Cow::Borrowed("abc")));
        let mut none = Vec::new();
        tidy("abc", &mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn merges_touching_spans() {
        let t = "a\nX\nY\nb";
        let mut spans = vec![2..3, 4..5];
        tidy(t, &mut spans);
        assert_eq!(apply(t, &spans), "a\nb");
        assert_eq!(spans.len(), 1);
    }
}
