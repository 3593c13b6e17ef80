//! Shingle: hashes of word sequences (k-word shingles, short lines, document
//! prefixes and suffixes), the features that are counted and looked up.
//!
//! Word hashes come from the tokenizer (xxh3, fixed seed). A sequence of words
//! is hashed as a polynomial over its word hashes, so a k-word window rolls
//! in O(1) per word. Every feature is turned into a *key* by mixing in its
//! group and its kind, so one table holds all groups.

use crate::tokenize::{word_hash, Word, HASH_SEED};
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Multiplier of the polynomial sequence hash (odd, so invertible mod 2^64).
const BASE: u64 = 0x9e37_79b9_7f4a_7c15;

/// Kind of a counted feature. Part of the key, so a 3-word line and a
/// 3-word prefix never collide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Feature {
    /// k consecutive words anywhere.
    Shingle = 1,
    /// A whole line of fewer than k words.
    Line = 2,
    /// The first n words of a document, followed by a boundary.
    Prefix = 3,
    /// The last n words of a document, preceded by a boundary.
    Suffix = 4,
    /// Words between two boundaries, fewer than k.
    Segment = 5,
    /// The first words of a short line, up to a boundary.
    LineHead = 6,
    /// The last words of a document's first segment.
    PrefixTail = 7,
    /// The first words of a line too long to be a line feature: only an
    /// anchor, which moves the start of a block found next to it (a header
    /// before a varying greeting) to the line's start.
    LineStart = 8,
    /// A whole line of k to [`MAX_PAIR_LINE`] words with no sentence end
    /// inside. Never frequent: only
    /// counted to tell, as [`pair_key`]s, the lines that repeat in two or
    /// more pages of a site (see `detect::fill_near_lines`).
    WholeLine = 9,
    /// The first [`MIN_OPENER`] to k-1 words of a run of capitalised words
    /// (numbers may follow the first) that opens a sentence or line, its
    /// sentence going on in lowercase after it (see [`Gaps::openers`]): a
    /// bar of buttons glued between two sentences (`... said. Share Tweet
    /// Pin Email Peru attended ...`) has no boundary after it, so no
    /// segment or line finds it.
    Opener = 10,
}

impl Feature {
    /// A short name for reports: `shingle`, `line`, `prefix`, `suffix`,
    /// `segment`, `line head`, `prefix tail`, `line start`, `whole line`,
    /// `opener`.
    pub fn name(self) -> &'static str {
        match self {
            Feature::Shingle => "shingle",
            Feature::Line => "line",
            Feature::Prefix => "prefix",
            Feature::Suffix => "suffix",
            Feature::Segment => "segment",
            Feature::LineHead => "line head",
            Feature::PrefixTail => "prefix tail",
            Feature::LineStart => "line start",
            Feature::WholeLine => "whole line",
            Feature::Opener => "opener",
        }
    }
}

/// Hash of a group name (site, host, folder).
pub fn group_hash(name: &str) -> u64 {
    xxh3_64_with_seed(name.as_bytes(), HASH_SEED ^ 0x67)
}

/// Final mixing step (from MurmurHash3's fmix64): spreads every input bit
/// over the output, so keys can be used as their own hash.
#[inline]
pub fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

/// The table key of feature `h` of kind `kind` in group `group`.
#[inline]
pub fn key(group: u64, kind: Feature, h: u64) -> u64 {
    let k = fmix64(h ^ group.rotate_left(17) ^ ((kind as u64) << 56).wrapping_mul(BASE));
    // Whole lines carry their kind in two bits no table, filter, partition
    // or pass takes as a position, so a model can keep those seen in two
    // pages apart from the rest (see `pair_key`).
    let k = match kind {
        Feature::Line => k & !WHOLE_BIT | LINE_BIT,
        Feature::WholeLine => k | LINE_BIT | WHOLE_BIT,
        _ => k & !(LINE_BIT | WHOLE_BIT),
    };
    // 0 marks an empty slot in the model's table.
    if k == 0 {
        1
    } else {
        k
    }
}

/// The key under which a model keeps feature key `k` when its document
/// frequency is one short of the threshold ([`crate::Config::near_threshold`]):
/// only long runs of such shingles count, and lines between removed text
/// whose features all are (see `detect::fill_near_lines`).
#[inline]
pub fn near_key(k: u64) -> u64 {
    let n = k ^ 0x6e65_6172_5f6b_6579;
    if n == 0 {
        1
    } else {
        n
    }
}

/// Bit of a key that marks a whole line ([`Feature::Line`] or
/// [`Feature::WholeLine`]): above the bits that index a table or pick a
/// count pass, below those of the partition and of a bit in a filter word.
/// The largest filters pick their word with bits up to 51: they look at
/// [`unflagged`] keys.
pub const LINE_BIT: u64 = 1 << 51;
/// Bit of a key that marks a [`Feature::WholeLine`].
pub const WHOLE_BIT: u64 = 1 << 50;
/// Longest line, in words, counted as a [`Feature::WholeLine`].
pub const MAX_PAIR_LINE: usize = 20;

/// The key under which a model keeps whole-line key `k` (see [`LINE_BIT`])
/// found in at least two documents of its group but not kept otherwise: a
/// line between removed text that other pages repeat (see
/// `detect::fill_near_lines`).
#[inline]
pub fn pair_key(k: u64) -> u64 {
    let n = k ^ 0x7061_6972_5f6b_6579;
    if n == 0 {
        1
    } else {
        n
    }
}

/// Documents of its group a whole line must be in to be kept as a
/// [`pair_key`].
pub const PAIR_DF: u64 = 2;

/// What a model keeps of feature key `k`, found in `df` documents of a
/// group that needs `t` (and `near` for a near key; `t` when there is
/// none): the key to store and whether it is frequent, or nothing.
#[inline]
pub fn model_key(k: u64, df: u64, t: u64, near: u64) -> Option<(u64, bool)> {
    if is_whole_line_key(k) {
        (df >= PAIR_DF).then(|| (pair_key(k), false))
    } else if df >= t {
        Some((k, true))
    } else if df >= near {
        Some((near_key(k), false))
    } else if is_line_key(k) && df >= PAIR_DF {
        Some((pair_key(k), false))
    } else {
        None
    }
}

/// The key under which a model marks feature key `k`, frequent, when its
/// document frequency stays under [`crate::Config::reuse_ceiling`]: a
/// paragraph in so few of a large site's pages, between two paragraphs of
/// a page's own prose, is text the site reuses (background repeated in
/// follow-up stories), not template (see `detect::reused_paragraph`).
#[inline]
pub fn reused_key(k: u64) -> u64 {
    let n = k ^ 0x7265_7573_655f_6b79;
    if n == 0 {
        1
    } else {
        n
    }
}

/// The [`reused_key`] a model keeps besides frequent key `k` (found in `df`
/// documents of a group that needs `t`), when `df` is under `ceiling`.
/// Whole lines of 8 words or more (kept only as [`pair_key`]s) are never
/// marked.
#[inline]
pub fn reused_mark(k: u64, df: u64, t: u64, ceiling: u64) -> Option<u64> {
    (df >= t && df < ceiling && !is_whole_line_key(k)).then(|| reused_key(k))
}

/// Key `k` with its two kind bits ([`LINE_BIT`], [`WHOLE_BIT`]) replaced by
/// its two lowest bits, which are as random as the rest: what a filter that
/// picks its word with bits 24 to 51 looks at, so that the kind of a key
/// does not choose half of the filter.
#[inline]
pub fn unflagged(k: u64) -> u64 {
    k & !(LINE_BIT | WHOLE_BIT) | (k & 3) << 50
}

/// Whether key `k` (as [`key`] made it) is a whole line's.
#[inline]
pub fn is_line_key(k: u64) -> bool {
    k & LINE_BIT != 0
}

/// Whether key `k` (as [`key`] made it) is a [`Feature::WholeLine`]'s.
#[inline]
pub fn is_whole_line_key(k: u64) -> bool {
    k & (LINE_BIT | WHOLE_BIT) == LINE_BIT | WHOLE_BIT
}

/// Shortest block, in words, that shingles one page short of the threshold
/// may form: a long menu or list in 3 of a site's pages is a template; a
/// page's own headline listed in 3 others is short.
pub const NEAR_RUN: usize = 40;

/// Polynomial hash of a sequence of words, tagged with its length.
#[inline]
pub fn seq_hash(words: &[Word]) -> u64 {
    let mut h = 0u64;
    for w in words {
        h = h.wrapping_mul(BASE).wrapping_add(w.hash);
    }
    h ^ (words.len() as u64).wrapping_mul(0x2545_f491_4f6c_dd1d)
}

/// Call `f(i, hash)` for every k-word window starting at word `i`, with the
/// same hash as `seq_hash(&words[i..i + k])`.
#[inline]
pub fn for_each_shingle(words: &[Word], k: usize, mut f: impl FnMut(usize, u64)) {
    if k == 0 || words.len() < k {
        return;
    }
    // BASE^(k-1): the weight of the word that leaves the window.
    let mut top = 1u64;
    for _ in 1..k {
        top = top.wrapping_mul(BASE);
    }
    let tag = (k as u64).wrapping_mul(0x2545_f491_4f6c_dd1d);
    let mut h = 0u64;
    for w in &words[..k] {
        h = h.wrapping_mul(BASE).wrapping_add(w.hash);
    }
    f(0, h ^ tag);
    for i in 1..=words.len() - k {
        h = h
            .wrapping_sub(words[i - 1].hash.wrapping_mul(top))
            .wrapping_mul(BASE)
            .wrapping_add(words[i + k - 1].hash);
        f(i, h ^ tag);
    }
}

/// Append to `keys` the key of every k-word shingle of `words` in group
/// `group` (a group hash), in order: what learning counts and cleaning
/// looks up.
pub fn shingle_keys(words: &[Word], k: usize, group: u64, keys: &mut Vec<u64>) {
    // Written into place, not pushed: a push reloads and stores the
    // vector's length for every key.
    let windows = if k > 0 && words.len() >= k {
        words.len() - k + 1
    } else {
        0
    };
    keys.reserve(windows);
    let out = &mut keys.spare_capacity_mut()[..windows];
    for_each_shingle(words, k, |i, h| {
        out[i].write(key(group, Feature::Shingle, h));
    });
    let len = keys.len() + windows;
    // SAFETY: `for_each_shingle` called `f` for every window `0..windows`,
    // so each of the `windows` slots after the old length was written.
    unsafe { keys.set_len(len) };
}

/// Append to `keys` the key of every short-block feature of document
/// `text` (see [`for_each_short`]) in `group`, and of its dateline: what the
/// learner counts and the online cleaner looks up, besides shingles.
pub fn short_keys(
    text: &str,
    words: &[Word],
    gaps: &Gaps,
    config: &crate::config::Config,
    group: u64,
    keys: &mut Vec<u64>,
) {
    for_each_short(
        words,
        gaps,
        config.shingle_words,
        config.short_lines,
        config.max_affix_words,
        true,
        &mut |o| keys.push(key(group, o.kind, o.hash)),
    );
    // And the page's dateline with its digits: the same date on many pages
    // is template (see `detect::keep_dateline`).
    let doc = crate::detect::Doc { text, words, gaps };
    if let Some(line) = crate::detect::first_dateline(doc, text.len()) {
        let h = crate::detect::dateline_hash(&text[line]);
        keys.push(key(group, Feature::Line, h));
    }
}

/// Does the text between two words (or before the first / after the last)
/// end a sentence, a line or a header? A newline, sentence punctuation, a
/// colon, or a separator such as `|`, `»`, `—` or a spaced hyphen. In a
/// hard-wrapped document (`soft_newlines`) a single newline is only a wrap
/// and takes two to count.
pub fn is_boundary(gap: &str, soft_newlines: bool) -> bool {
    let mut space = false;
    let mut hyphen = false;
    let mut newlines = 0;
    for c in gap.chars() {
        match c {
            '\n' => newlines += 1,
            '.' | '!' | '?' | ':' | '|' | '•' | '·' | '»' | '–' | '—' | '。' | '！' | '？'
            | '：' | '\u{2028}' | '\u{2029}' => return true,
            '-' => hyphen = true,
            c if c.is_whitespace() => space = true,
            _ => {}
        }
    }
    newlines > usize::from(soft_newlines) || (hyphen && space)
}

/// Whether a text is hard-wrapped at a fixed width: most of its lines end
/// inside a sentence. Then single newlines say nothing about its structure.
pub fn is_hard_wrapped(text: &str) -> bool {
    let b = text.as_bytes();
    let (mut lines, mut open) = (0usize, 0usize);
    for nl in memchr::memchr_iter(b'\n', b) {
        // The line's last character, spaces, tabs and `\r` aside (bytes:
        // all of those are ASCII, so `end` stays on a character boundary).
        let mut end = nl;
        while end > 0 && matches!(b[end - 1], b' ' | b'\t' | b'\r') {
            end -= 1;
        }
        if end == 0 || b.get(nl + 1) == Some(&b'\n') || b[end - 1] == b'\n' {
            continue;
        }
        lines += 1;
        let last = b[end - 1];
        let goes_on = if last.is_ascii() {
            last.is_ascii_alphanumeric() || last == b','
        } else {
            text[..end]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        };
        if goes_on {
            open += 1;
        }
    }
    lines >= 3 && open * 2 >= lines
}

/// The text before word `i` of `words` (before the first word when `i == 0`,
/// after the last when `i == words.len()`).
#[inline]
pub fn gap<'t>(text: &'t str, words: &[Word], i: usize) -> &'t str {
    let from = if i == 0 { 0 } else { words[i - 1].end as usize };
    let to = if i == words.len() {
        text.len()
    } else {
        words[i].start as usize
    };
    &text[from..to]
}

/// One occurrence of a countable feature in a document: its kind, its hash
/// (not yet mixed with the group) and the words it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Kind of feature.
    pub kind: Feature,
    /// Sequence hash.
    pub hash: u64,
    /// First word covered.
    pub from: usize,
    /// One past the last word covered.
    pub to: usize,
}

/// What separates each pair of neighbouring words of a document: entry `i`
/// describes the text before word `i` (entry 0 the start of the document,
/// entry `n` the end).
#[derive(Clone, Debug, Default)]
pub struct Gaps {
    flags: Vec<u8>,
    /// The positions whose gap has any flag, ascending: 0, the boundaries
    /// and line breaks, `n`. The short-feature scans walk only these.
    marks: Vec<u32>,
    /// The marks that are line breaks: 0, each word that starts a line,
    /// `n`. The line scans walk only these.
    lines: Vec<u32>,
    /// Whether a line break inside the document is no boundary: the text
    /// was judged hard-wrapped, and some line of it goes on from the one
    /// before.
    soft_breaks: bool,
    /// Scratch: the positions whose gap is not one space.
    odd: Vec<u32>,
    /// Where a sentence or line opens with more than [`MIN_OPENER`]
    /// capitalised words (numbers may follow the first) that its sentence
    /// goes on from in lowercase, and how many (at most [`OPENER_SCAN`]),
    /// ascending: see [`Feature::Opener`].
    openers: Vec<(u32, u8)>,
}

/// Fewest words of a [`Feature::Opener`].
pub const MIN_OPENER: usize = 3;
/// Most capitalised words an opener run is followed to.
pub const OPENER_SCAN: usize = 8;

/// Capitalised words that open sentences far more often than they end
/// titles or bars: where a glued title stops when the next sentence follows
/// on its line (`detect::label_title`), and what neither opens nor ends an
/// opener ([`Feature::Opener`]).
pub(crate) fn opens_sentence(word: &str) -> bool {
    matches!(
        word,
        "The"
            | "A"
            | "An"
            | "In"
            | "On"
            | "At"
            | "It"
            | "He"
            | "She"
            | "They"
            | "We"
            | "I"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "But"
            | "And"
            | "As"
            | "After"
            | "Before"
            | "When"
            | "While"
            | "Although"
            | "If"
            | "Its"
            | "His"
            | "Her"
            | "Their"
            | "Our"
            | "For"
            | "With"
            | "Within"
            | "Amid"
            | "Against"
            | "During"
            | "Under"
            | "Over"
            | "Two"
            | "Three"
            | "Four"
            | "Five"
            | "Six"
            | "Dozens"
            | "Thousands"
            | "Many"
            | "Some"
            | "Several"
    )
}

/// Whether word `w` of `text` starts with an uppercase letter, or (`digits`)
/// with an ASCII digit.
#[inline]
fn capital(text: &str, w: &Word, digits: bool) -> bool {
    let first = text.as_bytes()[w.start as usize];
    if first < 128 {
        first.is_ascii_uppercase() || (digits && first.is_ascii_digit())
    } else {
        text[w.start as usize..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    }
}

const BOUNDARY: u8 = 1;
const NEWLINE: u8 = 2;
const PARAGRAPH: u8 = 4;
const SENTENCE_END: u8 = 8;
const UPPER_NEXT: u8 = 16;
const SEPARATOR: u8 = 32;

/// [`PUNCTUATION_SPACE`]: a byte that takes the slow path.
const NOT_FAST: u8 = 0xff;
/// [`PUNCTUATION_SPACE`]: `.`, whose flags depend on the words around it.
const DOT: u8 = 0xfe;

/// The flags of a gap of one punctuation byte and a space, by that byte:
/// none after `,`, `;`, `)` or a quote, a sentence end after `!` or `?`, a
/// boundary after `:`; DOT and NOT_FAST for the rest.
static PUNCTUATION_SPACE: [u8; 256] = {
    let mut t = [NOT_FAST; 256];
    t[b',' as usize] = 0;
    t[b';' as usize] = 0;
    t[b')' as usize] = 0;
    t[b'"' as usize] = 0;
    t[b'\'' as usize] = 0;
    t[b'.' as usize] = DOT;
    t[b'!' as usize] = BOUNDARY | SENTENCE_END;
    t[b'?' as usize] = BOUNDARY | SENTENCE_END;
    t[b':' as usize] = BOUNDARY;
    t
};

/// The flags of the gap before word `i` (0 < i < words.len()), which is
/// not a single space.
fn gap_flags(text: &str, words: &[Word], i: usize, soft: bool) -> u8 {
    let g = gap(text, words, i);
    let upper = capital(text, &words[i], false);
    // The commonest gaps after one space: punctuation then a space.
    if let [p, b' '] = g.as_bytes() {
        // The punctuation's flags from a table (a `match` on it compiled
        // to a jump the branch predictor missed a third of the time).
        let f = match PUNCTUATION_SPACE[usize::from(*p)] {
            // `U.S. will`, `p.m. on`: a lowercase word after a `.` that
            // follows a single letter continues the sentence.
            DOT if abbreviation(text, words, i)
                || !upper
                    && words[i - 1].end - words[i - 1].start == 1
                    && text[words[i].start as usize..].starts_with(char::is_lowercase) =>
            {
                Some(0)
            }
            DOT => Some(BOUNDARY | SENTENCE_END),
            NOT_FAST => None,
            f => Some(f),
        };
        if let Some(f) = f {
            return if upper { f | UPPER_NEXT } else { f };
        }
    }
    let mut f = 0;
    // `3.5`, `12:30` and `1,200` are numbers, not boundaries; nor is the
    // `.` between single letters of `U.S.`, `p.m.`, `e.g.` (the segment
    // `The U` of `The U.S. will` is frequent on any news site).
    let in_number = matches!(g, "." | ":" | ",")
        && text.as_bytes()[words[i - 1].end as usize - 1].is_ascii_digit()
        && text.as_bytes()[words[i].start as usize].is_ascii_digit()
        || g == "."
            && words[i - 1].end - words[i - 1].start == 1
            && words[i].end - words[i].start == 1;
    // An empty gap inside letters is a glued sentence (`readsHadley`);
    // between CJK characters it is nothing.
    let glued = g.is_empty() && !crate::tokenize::is_cjk_at(text, words[i].start as usize);
    if glued || (!in_number && is_boundary(g, soft)) {
        f |= BOUNDARY;
    }
    if g.contains(['.', '!', '?', '。', '！', '？']) && !in_number {
        f |= SENTENCE_END;
    }
    let newlines = g.bytes().filter(|&b| b == b'\n').count();
    if newlines > 0 {
        f |= NEWLINE;
    }
    if newlines > 1 {
        f |= PARAGRAPH;
    }
    if upper {
        f |= UPPER_NEXT;
    }
    if g.contains(['|', '•', '·', '¦']) {
        f |= SEPARATOR;
    }
    f
}

/// Whether the `. ` before word `i` ends an abbreviation rather than a
/// sentence: a title before a name (`Mr. Obama`, `Sen. Landrieu`), an
/// initial (`David J. Phillips`), a month or `No.` before a number (`Sept.
/// 11`). Such a period split `If Mr. Obama ...` into a two-word segment,
/// `If Mr.`, frequent on any site that writes about people.
fn abbreviation(text: &str, words: &[Word], i: usize) -> bool {
    let prev = &text[words[i - 1].start as usize..words[i - 1].end as usize];
    let Some(&next) = text.as_bytes().get(words[i].start as usize) else {
        return false;
    };
    if prev.len() > 5 {
        return false;
    }
    if next.is_ascii_digit() {
        return matches!(
            prev,
            "Jan"
                | "Feb"
                | "Mar"
                | "Apr"
                | "Jun"
                | "Jul"
                | "Aug"
                | "Sep"
                | "Sept"
                | "Oct"
                | "Nov"
                | "Dec"
                | "No"
                | "Nos"
                | "Vol"
                | "Fig"
                | "pp"
                | "p"
        );
    }
    if !next.is_ascii_uppercase() {
        return false;
    }
    let initial = prev.len() == 1 && prev.as_bytes()[0].is_ascii_uppercase();
    initial
        || matches!(
            prev,
            "Mr" | "Mrs"
                | "Ms"
                | "Dr"
                | "Prof"
                | "St"
                | "Sen"
                | "Rep"
                | "Gov"
                | "Gen"
                | "Col"
                | "Lt"
                | "Sgt"
                | "Capt"
                | "Cmdr"
                | "Adm"
                | "Maj"
                | "Rev"
                | "Hon"
                | "Pres"
                | "Supt"
                | "Mt"
                | "Ft"
                | "Messrs"
                | "Mme"
                | "Mlle"
        )
}

impl Gaps {
    /// Describe the gaps of `text`, split into `words`.
    pub fn compute(&mut self, text: &str, words: &[Word]) {
        // Most gaps are one space: their flags stay 0. The others are
        // listed first without a branch (which gap is which is a coin flip
        // the predictor loses), then described.
        let bytes = text.as_bytes();
        let mut odd = std::mem::take(&mut self.odd);
        odd.clear();
        odd.resize(words.len(), 0);
        let mut len = 0;
        for i in 1..words.len() {
            let end = words[i - 1].end as usize;
            let one_space = words[i].start as usize == end + 1 && bytes[end] == b' ';
            odd[len] = i as u32;
            len += usize::from(!one_space);
        }
        self.compute_with(text, words, &odd[..len]);
        self.odd = odd;
    }

    /// [`Gaps::compute`] given the positions whose gap is not one space,
    /// ascending, as [`crate::tokenize::Tokenizer::odd_gaps`] lists them for
    /// the words it just made. Positions outside `1..words.len()` are
    /// ignored; a position missing from `odd` is described as one space.
    pub fn compute_with(&mut self, text: &str, words: &[Word], odd: &[u32]) {
        let soft = is_hard_wrapped(text);
        let n = words.len();
        // Entry n describes the end; an empty document has entries 0 and 1.
        let last = n.max(1);
        self.flags.clear();
        self.flags.resize(last + 1, 0);
        self.flags[0] = BOUNDARY | NEWLINE | PARAGRAPH;
        self.marks.clear();
        self.marks.push(0);
        self.lines.clear();
        self.lines.push(0);
        self.soft_breaks = false;
        // Where a sentence or line opens with two capitalised words: the
        // candidates for an opener (see below).
        self.openers.clear();
        const OPENS: u8 = BOUNDARY | UPPER_NEXT;
        for &i in odd {
            let i = i as usize;
            if i == 0 || i >= n {
                continue;
            }
            let f = gap_flags(text, words, i, soft);
            if f != 0 {
                self.flags[i] = f;
                self.marks.push(i as u32);
                if f & NEWLINE != 0 {
                    self.lines.push(i as u32);
                    self.soft_breaks |= f & BOUNDARY == 0;
                }
                if f & OPENS == OPENS
                    && f & (SENTENCE_END | NEWLINE) != 0
                    && i + 1 < n
                    && capital(text, &words[i + 1], true)
                {
                    self.openers.push((i as u32, 0));
                }
            }
        }
        let end = words.last().map_or(0, |w| w.end as usize);
        let tail = if text[end..].contains(['.', '!', '?', '。', '！', '？']) {
            SENTENCE_END
        } else {
            0
        };
        if n > 0 {
            self.marks.push(n as u32);
            self.lines.push(n as u32);
        }
        self.flags[last] = BOUNDARY | NEWLINE | PARAGRAPH | tail;
        // Runs of capitalised words where a sentence or line opens inside
        // the document (at its start the prefix features look; a line break
        // in hard-wrapped text opens nothing). A run stops at a boundary or
        // a comma (`By Ann Lee, 28 May 2010`, `NEW ORLEANS, Louisiana`), and
        // counts only when its sentence goes on in lowercase right after it
        // (a line of Title Case words is a headline) and it does not open
        // with a common sentence opener (`The White House Photo Office`).
        let flags = &self.flags;
        let bytes = text.as_bytes();
        let plain = |j: usize| {
            let (a, b) = (words[j - 1].end as usize, words[j].start as usize);
            b == a + 1 && bytes[a] == b' ' || !bytes[a..b].contains(&b',')
        };
        self.openers.retain_mut(|(m, len)| {
            let i = *m as usize;
            let first = &words[i];
            let run = (i + 1..n.min(i + OPENER_SCAN))
                .take_while(|&j| {
                    capital(text, &words[j], true) && flags[j] & BOUNDARY == 0 && plain(j)
                })
                .count();
            let stop = i + 1 + run;
            let goes_on = || {
                stop == i + OPENER_SCAN
                    || (stop < n
                        && text[words[stop].start as usize..]
                            .chars()
                            .next()
                            .is_some_and(char::is_lowercase)
                        && flags[stop] & BOUNDARY == 0
                        && plain(stop))
            };
            *len = (run + 1) as u8;
            run >= MIN_OPENER
                && goes_on()
                && !opens_sentence(&text[first.start as usize..first.end as usize])
        });
    }

    /// Where a sentence or line opens with more than [`MIN_OPENER`]
    /// capitalised words (numbers may follow the first), and how many, up
    /// to [`OPENER_SCAN`]: (first word, words).
    pub fn openers(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.openers.iter().map(|&(i, l)| (i as usize, l as usize))
    }

    /// The positions with any flag set, ascending (see the field).
    #[inline]
    fn marks(&self) -> impl Iterator<Item = usize> + '_ {
        self.marks.iter().map(|&i| i as usize)
    }

    /// The words that start a line, ascending, then the number of words
    /// (its entry is flagged as a line break): line `k` is the words from
    /// the `k`th position to the next. A document without words gives one
    /// position, so no line.
    pub fn line_starts(&self) -> impl Iterator<Item = usize> + '_ {
        self.lines.iter().map(|&i| i as usize)
    }

    /// Whether some line break inside the document is no boundary (the
    /// text was judged hard-wrapped and a line goes on from the one
    /// before).
    #[inline]
    pub fn soft_breaks(&self) -> bool {
        self.soft_breaks
    }

    /// Does a sentence, line or header end before word `i`?
    #[inline]
    pub fn boundary(&self, i: usize) -> bool {
        self.flags[i] & BOUNDARY != 0
    }

    /// Is there a newline before word `i`?
    #[inline]
    pub fn newline(&self, i: usize) -> bool {
        self.flags[i] & NEWLINE != 0
    }

    /// Does a sentence end (`.`, `!`, `?`) before word `i`?
    #[inline]
    pub fn sentence_end(&self, i: usize) -> bool {
        self.flags[i] & SENTENCE_END != 0
    }

    /// Does word `i`, after a gap other than one space, start with an
    /// uppercase letter?
    #[inline]
    pub fn upper_after(&self, i: usize) -> bool {
        self.flags[i] & UPPER_NEXT != 0
    }

    /// Is there a separator (`|`, `•`, `·`) before word `i`?
    #[inline]
    pub fn separator(&self, i: usize) -> bool {
        self.flags[i] & SEPARATOR != 0
    }

    /// Is there a blank line before word `i`?
    #[inline]
    pub fn paragraph(&self, i: usize) -> bool {
        self.flags[i] & PARAGRAPH != 0
    }
}

/// URL schemes and the commonest pieces of host names and file names: the
/// dot of `etsy.com` is a boundary, so `com, $20.` would otherwise be a
/// segment of its own on a shopping page's every price.
pub(crate) const URL_PIECES: [&str; 10] = [
    "http", "https", "www", "ftp", "com", "org", "net", "co", "html", "htm",
];

/// Words that say nothing about a template when they head a line: numbers
/// (every digit is `0` once normalised, so `1.`, `2)` and `2012 -` all
/// look alike), single letters (`a)`), and URL pieces ([`URL_PIECES`]). A
/// line head made only of them is frequent on any site with numbered or
/// link lists, and would take whole unique lines (recipe ingredients, race
/// results, numbered headlines, URL lists) with it.
pub(crate) fn weak(hash: u64) -> bool {
    /// The weak words' hashes, sorted, behind a 256-bit filter on the top
    /// byte of the hash: most words are ruled out by one bit test.
    struct Weak {
        filter: [u64; 4],
        hashes: Vec<u64>,
    }
    static WEAK: std::sync::OnceLock<Weak> = std::sync::OnceLock::new();
    let w = WEAK.get_or_init(|| {
        let mut hashes: Vec<u64> = (1..=12).map(|n| word_hash(&"0".repeat(n))).collect();
        hashes.extend(('a'..='z').map(|c| word_hash(&c.to_string())));
        hashes.extend(URL_PIECES.iter().map(|s| word_hash(s)));
        hashes.sort_unstable();
        let mut filter = [0u64; 4];
        for h in &hashes {
            let top = (h >> 56) as usize;
            filter[top / 64] |= 1 << (top % 64);
        }
        Weak { filter, hashes }
    });
    let top = (hash >> 56) as usize;
    w.filter[top / 64] & (1 << (top % 64)) != 0 && w.hashes.binary_search(&hash).is_ok()
}

/// A number: every run of digits normalises to one `0`. (A word that only
/// starts with digits, `12th`, is not one.)
fn numeral(hash: u64) -> bool {
    hash == zero()
}

/// The hash of a number (see [`numeral`]).
pub(crate) fn zero() -> u64 {
    static ZERO: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *ZERO.get_or_init(|| word_hash("0"))
}

/// Longest line (in words) whose repeated head makes the whole line
/// boilerplate (`Read more: <a title>`). The rest of such a line must not
/// end a sentence: a title, not a lead paragraph after a scraper prefix.
pub const MAX_HEADED_LINE: usize = 18;
/// Longest head of such a line.
const MAX_HEAD: usize = 4;

/// Call `f` for every short-block feature of a document (shingles are
/// enumerated by `for_each_shingle`): whole lines shorter than k words (and,
/// as [`Feature::WholeLine`], those up to [`MAX_PAIR_LINE`] words),
/// heads of short lines, sentence-like segments of 2 to k-1 words, the
/// capitalised openers of sentences and lines ([`Feature::Opener`]), and
/// prefixes and suffixes followed (preceded) by a boundary. Without
/// `counted`, not the two kinds only learning needs: whole lines of k words
/// or more and openers are never frequent short features (detect asks for
/// openers itself), and hashing them was an eighth of what detect spent
/// here.
pub fn for_each_short(
    words: &[Word],
    gaps: &Gaps,
    k: usize,
    lines: bool,
    max_affix: usize,
    counted: bool,
    f: &mut dyn FnMut(Occurrence),
) {
    let n = words.len();
    if n == 0 {
        return;
    }
    let mut emit = |kind, hash, from, to| {
        f(Occurrence {
            kind,
            hash,
            from,
            to,
        })
    };
    if lines && k > 1 {
        // Every scan below ends or starts only at flagged positions, so it
        // walks the line breaks (`gaps.line_starts`) or `gaps.marks` (0,
        // each boundary or line break, n), not every word. Whole lines:
        let mut start = 0;
        for i in gaps.line_starts().skip(1) {
            if i - start < k {
                emit(Feature::Line, seq_hash(&words[start..i]), start, i);
            } else if counted
                && i - start <= MAX_PAIR_LINE
                && !(start + 1..i).any(|j| gaps.sentence_end(j))
            {
                // Not a line that holds a sentence end: prose, never a
                // listed line.
                emit(Feature::WholeLine, seq_hash(&words[start..i]), start, i);
            }
            start = i;
        }
        // Heads of short lines. In hard-wrapped text a line is only a piece
        // of a paragraph: lines between blank lines count, and single lines
        // that start a sentence (the line before ends one).
        let wrapped = gaps.soft_breaks();
        // The first words of each line longer than a head (of each
        // paragraph, in hard-wrapped text): a block whose line opens with a
        // fixed header and then a varying name (`Keep the Post free Hello
        // Ann, We are ...`) has no frequent shingle over its first words.
        let mut start = 0;
        for i in gaps.line_starts().skip(1) {
            if !wrapped || gaps.paragraph(i) {
                if i - start > MAX_HEAD
                    && !words[start..start + MAX_HEAD].iter().any(|w| weak(w.hash))
                {
                    let to = start + MAX_HEAD;
                    emit(Feature::LineStart, seq_hash(&words[start..to]), start, to);
                }
                start = i;
            }
        }
        let mut heads = |ends: fn(&Gaps, usize) -> bool, starts: fn(&Gaps, usize) -> bool| {
            // (Each `ends` is at a line break.)
            let mut start = 0;
            for i in gaps.line_starts().skip(1) {
                if !ends(gaps, i) {
                    continue;
                }
                let len = i - start;
                if starts(gaps, start)
                    && (2..=MAX_HEADED_LINE).contains(&len)
                    && !gaps.sentence_end(i)
                {
                    if let Some(h) = (1..=MAX_HEAD.min(len - 1))
                        .find(|&h| gaps.boundary(start + h))
                        .filter(|&h| !words[start..start + h].iter().all(|w| weak(w.hash)))
                    {
                        emit(
                            Feature::LineHead,
                            seq_hash(&words[start..start + h]),
                            start,
                            i,
                        );
                    }
                }
                start = i;
            }
        };
        if wrapped {
            heads(|g, i| g.paragraph(i), |_, _| true);
            // ... and the next line starts a new sentence: a wrapped lead line
            // after a `CP NEWS:` prefix runs on in lowercase.
            heads(
                |g, i| g.newline(i) && (g.paragraph(i) || g.upper_after(i)),
                |g, i| i > 0 && g.sentence_end(i) && !g.paragraph(i),
            );
        } else {
            heads(|g, i| g.newline(i), |_, _| true);
        }
        // Segments between boundaries, but not the fields of a line cut
        // into pieces by `|` or `•` (`Date: ... | Category: ... | Author:
        // ...`): each piece repeats on its own while the line as a whole is
        // the page's own; a separated line that repeats whole is a line
        // feature or shingles. Nor segments of weak words only (`11, 2001.`
        // after `Sept.`, `1:25)` after a video link): every date and time
        // looks alike once digits are folded.
        let mut start = 0;
        for i in gaps.marks().skip(1) {
            if gaps.boundary(i) {
                if (2..k).contains(&(i - start))
                    && !gaps.separator(start)
                    && !gaps.separator(i)
                    && !words[start..i].iter().all(|w| weak(w.hash))
                {
                    emit(Feature::Segment, seq_hash(&words[start..i]), start, i);
                }
                start = i;
            }
        }
    }
    // The first MIN_OPENER to k-1 words of each run of capitalised words
    // opening a sentence or line, up to the whole run.
    for (i, len) in gaps.openers().filter(|_| counted) {
        for e in i + MIN_OPENER..=(i + len).min(i + k - 1) {
            emit(Feature::Opener, seq_hash(&words[i..e]), i, e);
        }
    }
    let m = max_affix.min(n);
    let mut h = 0u64;
    let mut first_boundary = None;
    for len in 1..=m {
        h = h.wrapping_mul(BASE).wrapping_add(words[len - 1].hash);
        if len < n && gaps.boundary(len) {
            emit(Feature::Prefix, h ^ len as u64, 0, len);
            first_boundary.get_or_insert(len);
        }
    }
    // The end of a prefix whose first words vary (`CITY, Jan 5 (Wire) -`),
    // up to its last number: a number in it varies too, and a page opening
    // on its own date (`Friday, November 02, 2012`) would end its first
    // segment on `November 0, 0` like every page of that month. Nor a unit
    // one byte (a space) after its number (`2:16 PM`): it goes with the
    // number.
    if let Some(b) = first_boundary {
        for tail in 1..b {
            let (w, before) = (&words[b - tail], &words[b - tail - 1]);
            if numeral(w.hash) || (numeral(before.hash) && w.start == before.end + 1) {
                break;
            }
            emit(Feature::PrefixTail, seq_hash(&words[b - tail..b]), 0, b);
        }
    }
    let mut h = 0u64;
    let mut weight = 1u64;
    for len in 1..=m {
        h = h.wrapping_add(words[n - len].hash.wrapping_mul(weight));
        weight = weight.wrapping_mul(BASE);
        if len < n && gaps.boundary(n - len) {
            emit(Feature::Suffix, h ^ len as u64, n - len, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::Tokenizer;

    fn toks(text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        Tokenizer::new().tokenize(text, &mut out);
        out
    }

    #[test]
    fn rolling_equals_direct() {
        let w = toks("one two three four five six seven eight nine ten eleven");
        for k in 1..=6 {
            let mut got = Vec::new();
            for_each_shingle(&w, k, |i, h| got.push((i, h)));
            assert_eq!(got.len(), w.len() - k + 1);
            for (i, h) in got {
                assert_eq!(h, seq_hash(&w[i..i + k]), "k={k} i={i}");
            }
        }
        let mut none = 0;
        for_each_shingle(&w[..3], 4, |_, _| none += 1);
        assert_eq!(none, 0);
        // Keys are appended after what the vector holds, one per window.
        for k in [0, 1, 4, 11, 12] {
            let mut keys = vec![7u64, 9];
            shingle_keys(&w, k, 5, &mut keys);
            let windows = if k == 0 {
                0
            } else {
                (w.len() + 1).saturating_sub(k)
            };
            assert_eq!(keys.len(), 2 + windows, "k={k}");
            assert_eq!(keys[..2], [7, 9]);
            for (i, &got) in keys[2..].iter().enumerate() {
                assert_eq!(
                    got,
                    key(5, Feature::Shingle, seq_hash(&w[i..i + k])),
                    "k={k} i={i}"
                );
            }
        }
    }

    #[test]
    fn shingles_ignore_wrapping_case_and_numbers() {
        let a = toks("Give $5 today.\nEvery gift helps us report");
        let b = toks("give $20 TODAY. Every gift\nhelps us report");
        let (mut ha, mut hb) = (Vec::new(), Vec::new());
        for_each_shingle(&a, 4, |_, h| ha.push(h));
        for_each_shingle(&b, 4, |_, h| hb.push(h));
        assert_eq!(ha, hb);
    }

    #[test]
    fn boundaries() {
        for soft in [false, true] {
            assert!(is_boundary(".", soft));
            assert!(is_boundary(":\n", soft));
            assert!(is_boundary(" - ", soft));
            assert!(is_boundary(" — ", soft));
            assert!(is_boundary("\n\n", soft));
            assert!(!is_boundary(" ", soft));
            assert!(!is_boundary("-", soft));
            assert!(!is_boundary(", ", soft));
            assert!(!is_boundary("'", soft));
        }
        assert!(is_boundary("\n", false));
        assert!(!is_boundary("\n", true));
    }

    #[test]
    fn hard_wrapping() {
        assert!(is_hard_wrapped(
            "the cat sat on\nthe mat and the\ndog ran after it,\nand then it stopped."
        ));
        assert!(!is_hard_wrapped(
            "One line.\nAnother line.\nAdvertisement\nA third line."
        ));
        assert!(!is_hard_wrapped("no newline at all"));
        // The byte scan agrees with the former char-by-char one.
        let former = |text: &str| {
            let b = text.as_bytes();
            let (mut lines, mut open) = (0usize, 0usize);
            for nl in memchr::memchr_iter(b'\n', b) {
                let before = text[..nl].trim_end_matches([' ', '\t', '\r']);
                let Some(c) = before.chars().next_back() else {
                    continue;
                };
                if b.get(nl + 1) == Some(&b'\n') || before.ends_with('\n') {
                    continue;
                }
                lines += 1;
                if c.is_alphanumeric() || c == ',' {
                    open += 1;
                }
            }
            lines >= 3 && open * 2 >= lines
        };
        let pieces = [
            "word", "end.", "é", "日本", "x,", " \t", "\r", "\n", "\n\n", "—", "١٢", "?", "ſ", " ",
        ];
        let (mut seed, mut wrapped) = (7u64, 0);
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..(10 + seed % 50) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            assert_eq!(is_hard_wrapped(&t), former(&t), "{t:?}");
            wrapped += usize::from(former(&t));
        }
        assert!(wrapped > 100 && wrapped < 2900, "{wrapped} of 3000 wrapped");
    }

    #[test]
    fn openers() {
        let text = "Share Tweet Pin Email Ann left.\nThe mayor spoke. Share Tweet Pin Email Ann Lee moved it. Ann Lee, Bo Chen Dale Eve said so. Red Blue Green went on. Share Tweet Pin Email 12 Comments Ann Lee Bo went. The White House Photo Office saw it. A B C D\nE F G H";
        let w = toks(text);
        let mut gaps = Gaps::default();
        gaps.compute(text, &w);
        let mut got = Vec::new();
        for_each_short(&w, &gaps, 8, true, 3, true, &mut |o| {
            if o.kind == Feature::Opener {
                got.push((o.from, o.to));
            }
        });
        let shares: Vec<usize> = (0..w.len())
            .filter(|&i| &text[w[i].start as usize..w[i].end as usize] == "Share")
            .collect();
        // Not at the document's start (the prefix features look there).
        // After `spoke.`, `Share Tweet Pin Email Ann Lee` (6 words, then
        // `moved`) gives its first 3 to 6 words. `Ann Lee, Bo ...` stops at
        // its comma, `Red Blue Green` is 3 words, too few; the third bar runs on with a number to the 8-word scan
        // and gives its first 3 to 7 words (k - 1). Nothing from `The White
        // House ...` (a sentence opener) or the Title Case lines, which end
        // at a line break and at the document's end.
        let (a, b) = (shares[1], shares[2]);
        assert_eq!(
            got,
            vec![
                (a, a + 3),
                (a, a + 4),
                (a, a + 5),
                (a, a + 6),
                (b, b + 3),
                (b, b + 4),
                (b, b + 5),
                (b, b + 6),
                (b, b + 7),
            ]
        );
        assert_eq!(gaps.openers().collect::<Vec<_>>(), vec![(a, 6), (b, 8)]);
    }

    #[test]
    fn cleaning_skips_only_the_kinds_it_never_matches() {
        let texts = [
            "Share Tweet Pin Email Ann left.\nThe mayor spoke. Share Tweet Pin Email Ann Lee moved it.\nRead more: Rates Rise Again Today\nA line of many words that has no end at all here\nBy Ann Lee | May 5, 2012",
            "NEWSWIRE EXCLUSIVE: The mayor spoke.\nAdvertisement\nShe left. All rights reserved.",
            "wrapped text goes on\nand on over lines\nthat end in words\n\nA New Paragraph Opens Here and goes on.",
        ];
        let mut kinds = Vec::new();
        for text in texts {
            let w = toks(text);
            let mut gaps = Gaps::default();
            gaps.compute(text, &w);
            let (mut all, mut cleaning) = (Vec::new(), Vec::new());
            for_each_short(&w, &gaps, 8, true, 3, true, &mut |o| all.push(o));
            for_each_short(&w, &gaps, 8, true, 3, false, &mut |o| cleaning.push(o));
            let skipped = |o: &Occurrence| matches!(o.kind, Feature::WholeLine | Feature::Opener);
            kinds.extend(all.iter().filter(|o| skipped(o)).map(|o| o.kind));
            all.retain(|o| !skipped(o));
            assert_eq!(cleaning, all, "{text:?}");
        }
        // The texts have both kinds to skip.
        assert!(kinds.contains(&Feature::WholeLine) && kinds.contains(&Feature::Opener));
    }

    #[test]
    fn short_features() {
        let text =
            "NEWSWIRE EXCLUSIVE: The mayor spoke.\nAdvertisement\nShe left. All rights reserved.";
        let w = toks(text);
        let mut got = Vec::new();
        let mut gaps = Gaps::default();
        gaps.compute(text, &w);
        for_each_short(&w, &gaps, 8, true, 3, true, &mut |o| {
            got.push((o.kind, o.from, o.to))
        });
        // Lines: "NEWSWIRE EXCLUSIVE: The mayor spoke." (5 words), "Advertisement",
        // "She left. All rights reserved." (5 words).
        assert!(got.contains(&(Feature::Line, 5, 6)));
        assert!(got.contains(&(Feature::Line, 0, 5)));
        // Prefix "NEWSWIRE EXCLUSIVE" ends at a colon; "NEWSWIRE" alone does not.
        assert!(got.contains(&(Feature::Prefix, 0, 2)));
        assert!(!got.contains(&(Feature::Prefix, 0, 1)));
        // Suffix "All rights reserved" follows a period.
        assert!(got.contains(&(Feature::Suffix, 8, 11)));
        assert!(!got.contains(&(Feature::Suffix, 9, 11)));
    }
}
