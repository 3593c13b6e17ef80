//! Detect: turn the frequent features found in a document into byte spans
//! of boilerplate.
//!
//! Words covered by a frequent shingle form runs; runs a few words apart are
//! joined (a varying name inside a block); short runs are trusted only when
//! they start and end at a sentence or line boundary, long ones are widened
//! to a boundary a word or two away. Whole repeated short lines and repeated
//! document prefixes and suffixes are trusted as they are.

use crate::config::Config;
use crate::shingle::{for_each_short, Feature, Gaps};
use crate::tokenize::{word_char_at, Word};
use std::ops::Range;

/// A run of covered words `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    from: usize,
    to: usize,
    /// Found by a detector that needs no length or boundary check.
    trusted: bool,
    /// The first (last) word comes from such a detector: that edge stays.
    fixed_from: bool,
    fixed_to: bool,
}

/// A document split into words, with the gaps between them.
#[derive(Clone, Copy)]
pub(crate) struct Doc<'a> {
    pub text: &'a str,
    pub words: &'a [Word],
    pub gaps: &'a Gaps,
}

/// Append to `spans` the byte ranges of the boilerplate in `text`, sorted
/// and disjoint, before whitespace tidying. `shingles` are the first words
/// (ascending) of the document's shingles that are frequent in its group;
/// `frequent(kind, hash)` says whether a short feature is.
pub(crate) fn detect(
    config: &Config,
    doc: Doc<'_>,
    shingles: &[u32],
    frequent: impl Fn(Feature, u64) -> bool,
    runs: &mut Vec<Run>,
    spans: &mut Vec<Range<usize>>,
) {
    let Doc { text, words, gaps } = doc;
    runs.clear();
    let k = config.shingle_words;
    for &i in shingles {
        let i = i as usize;
        match runs.last_mut() {
            Some(r) if i <= r.to => r.to = r.to.max(i + k),
            _ => runs.push(Run {
                from: i,
                to: i + k,
                trusted: false,
                fixed_from: false,
                fixed_to: false,
            }),
        }
    }
    for_each_short(
        words,
        gaps,
        k,
        config.short_lines,
        config.max_affix_words,
        |o| {
            if frequent(o.kind, o.hash) {
                runs.push(Run {
                    from: o.from,
                    to: o.to,
                    trusted: true,
                    fixed_from: true,
                    fixed_to: true,
                });
            }
        },
    );
    if runs.is_empty() {
        return;
    }
    runs.sort_unstable_by_key(|r| (r.from, r.to));
    // Join runs that overlap or are at most `max_gap` words apart.
    let mut joined = 0;
    for i in 1..runs.len() {
        let next = runs[i];
        let cur = &mut runs[joined];
        if next.from <= cur.to + config.max_gap {
            if next.from == cur.from {
                cur.fixed_from |= next.fixed_from;
            }
            if next.to > cur.to {
                cur.fixed_to = next.fixed_to;
            } else if next.to == cur.to {
                cur.fixed_to |= next.fixed_to;
            }
            cur.to = cur.to.max(next.to);
            cur.trusted |= next.trusted;
        } else {
            joined += 1;
            runs[joined] = next;
        }
    }
    runs.truncate(joined + 1);

    let start_of = spans.len();
    for r in runs.iter() {
        let (mut from, mut to) = (r.from, r.to);
        let at_start = |i: usize| gaps.boundary(i);
        let at_end = |i: usize| gaps.boundary(i);
        // A run that begins inside a sentence and reaches a boundary within
        // fewer than `min_run` words took in the tail of an article sentence
        // that often precedes the block (`...said. Sign up`), or a common
        // phrase that runs into it: drop that piece. The same at the end.
        if !at_start(from) && !r.fixed_from {
            if let Some(b) = (from + 1..to)
                .find(|&b| at_start(b))
                .filter(|&b| b - from < config.min_run)
            {
                from = b;
            }
        }
        if !at_end(to) && !r.fixed_to {
            if let Some(b) = (from + 1..to)
                .rev()
                .find(|&b| at_end(b))
                .filter(|&b| to - b < config.min_run)
            {
                to = b;
            }
        }
        if r.trusted || to - from >= config.min_run {
            // A long block whose first or last words vary (`Dear Emma,We...`):
            // widen it to a boundary a word or two away.
            if !at_start(from) {
                if let Some(d) = (1..=config.snap_words.min(from)).find(|&d| at_start(from - d)) {
                    from -= d;
                }
            }
            if !at_end(to) {
                if let Some(d) =
                    (1..=config.snap_words.min(words.len() - to)).find(|&d| at_end(to + d))
                {
                    to += d;
                }
            }
        } else if !(at_start(from) && at_end(to)) {
            // A short run inside a sentence is a common phrase, not a block.
            continue;
        }
        let start = widen_left(text, words[from].start as usize);
        let end = widen_right(text, words[to - 1].end as usize);
        match spans[start_of..].last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => spans.push(start..end),
        }
    }
}

/// Characters that open something that follows them (a quote, a bracket):
/// never taken into the end of a block.
fn opens(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '{' | '“' | '‘' | '«' | '„' | '¿' | '¡'
    )
}

/// Move the start of a block left over symbols attached to its first word
/// (`©`, `•`, an opening quote) and, when only whitespace and symbols stand
/// between it and the start of its line, to the start of the line.
fn widen_left(text: &str, start: usize) -> usize {
    let before = &text[..start];
    let mut attached = start;
    for (i, c) in before.char_indices().rev() {
        if c.is_whitespace() || word_char_at(text, i) {
            break;
        }
        attached = i;
    }
    let mut s = start;
    if attached == 0 || text[..attached].ends_with(char::is_whitespace) {
        s = attached;
    }
    let mut line_start = s;
    for (i, c) in text[..s].char_indices().rev() {
        if c == '\n' {
            return line_start;
        }
        if !c.is_whitespace() && word_char_at(text, i) {
            return s;
        }
        line_start = i;
    }
    line_start
}

/// Move the end of a block right over the punctuation and separators that
/// close it (`.`, `)`, ` - `), stopping before the next word, a newline or
/// an opening quote or bracket; trailing whitespace is left to the tidy-up.
fn widen_right(text: &str, end: usize) -> usize {
    let mut e = end;
    for (i, c) in text[end..].char_indices() {
        let at = end + i;
        if c == '\n' || opens(c) || word_char_at(text, at) {
            break;
        }
        if !c.is_whitespace() {
            e = at + c.len_utf8();
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening() {
        let t = "said.A Message";
        assert_eq!(widen_left(t, 5), 5);
        let t = "x\n  — Advertisement —\nnext";
        let s = t.find("Adv").unwrap();
        assert_eq!(widen_left(t, s), 2);
        let e = s + "Advertisement".len();
        assert_eq!(&t[..widen_right(t, e)], "x\n  — Advertisement —");
        let t = "Policy.The";
        assert_eq!(widen_right(t, 6), 7);
        let t = "(Gazette) - The";
        assert_eq!(widen_left(t, 1), 0);
        assert_eq!(&t[..widen_right(t, 8)], "(Gazette) -");
        let t = "reserved.\"Next";
        assert_eq!(widen_right(t, 8), 9);
        let t = "said ©2024 Co";
        assert_eq!(widen_left(t, 7), 5);
    }
}

#[cfg(test)]
mod line_tests {
    /// A repeated line with a separator inside, in hard-wrapped text, goes
    /// whole: the separator must not trim it.
    #[test]
    fn ad_line_with_separator_in_wrapped_text() {
        let learner = crate::LearnerBuilder::new().build().unwrap();
        let docs: Vec<String> = (0..10)
            .map(|i| {
                format!(
                    "alpha{i} beta{} gamma{i} delta\nepsilon zeta{i} eta theta iota{}\nAdvertisement - scroll to continue\nkappa{i} lambda mu{i} nu\nxi omicron{i} pi rho{}.",
                    i * 7 % 5,
                    i * 3 % 7,
                    i % 4
                )
            })
            .collect();
        for d in &docs {
            learner.add(d, "");
        }
        let m = learner.finish().unwrap();
        for d in &docs {
            let out = m.clean(d, "");
            assert!(
                !out.text.contains("Advertisement") && !out.text.contains("scroll"),
                "{}",
                out.text
            );
        }
    }
}
