//! Tokenize: split a document into words with byte offsets and normalised hashes.
//!
//! A word is a run of letters and digits; every other character separates
//! words, so `said.A` and `readers,We` are two words each, and so is a
//! lowercase letter followed by an uppercase one (`TroopsStarmer`). Each CJK ideograph
//! (and kana character) is a word of its own, because those scripts do not
//! put spaces between words. The text is never rewritten: normalisation
//! (lowercase, every run of digits to one `0`) happens only on the bytes that are hashed.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The seed of every hash boilercut computes. Fixed, so that a model written
/// on one machine is valid on another; changed whenever a hash changes, so
/// that models and count files of other versions are refused.
pub const HASH_SEED: u64 = 0x626f_696c_6572_6333; // "boilerc3"

/// Hash of a normalised word: up to 16 bytes from two zero-padded 8-byte
/// words (no word contains a NUL byte, so the padding is unambiguous),
/// longer words with xxh3.
#[inline]
pub(crate) fn hash_norm(b: &[u8]) -> u64 {
    if b.len() <= 16 {
        let mut buf = [0u8; 16];
        buf[..b.len()].copy_from_slice(b);
        let lo = u64::from_le_bytes(buf[..8].try_into().unwrap_or([0; 8]));
        let hi = u64::from_le_bytes(buf[8..].try_into().unwrap_or([0; 8]));
        short_hash(lo, hi, b.len())
    } else {
        xxh3_64_with_seed(b, HASH_SEED)
    }
}

/// [`hash_norm`] of a word of `len` <= 16 bytes given as its first eight
/// bytes `lo` and the next eight `hi`, both zero-padded (little-endian).
/// Without a branch on the length: the ASCII fast path has the bytes in
/// registers already.
///
/// One 64x64->128-bit multiply, folded (wyhash's "mum"): half the work of
/// mixing each half on its own, and the word hash is the tokenizer's
/// largest cost. Each factor has a byte of 128 or more from its constant
/// and none from the word, so neither is ever zero.
#[inline(always)]
fn short_hash(lo: u64, hi: u64, len: usize) -> u64 {
    let a = lo ^ HASH_SEED ^ 0x8000_0000_0000_0000;
    let b = hi ^ len as u64 ^ 0x9e37_79b9_7f4a_7c15;
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// One word of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of the first byte of the word.
    pub start: u32,
    /// Byte offset one past the last byte of the word.
    pub end: u32,
    /// Hash of the normalised word (lowercase, each run of digits as one `0`).
    pub hash: u64,
}

/// ASCII bytes that belong to words.
const fn ascii_word_table() -> [bool; 128] {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric();
        b += 1;
    }
    t
}
static ASCII_WORD: [bool; 128] = ascii_word_table();

/// Is `c` an ideograph or kana, written without spaces between words?
#[inline]
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // hiragana, katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0x20000..=0x3134F // CJK extensions B..G
    )
}

/// Is the character at byte `i` of `text` a CJK character? `i` must be on a
/// character boundary.
pub fn is_cjk_at(text: &str, i: usize) -> bool {
    text[i..].chars().next().is_some_and(is_cjk)
}

/// Is the character starting at byte `i` of `text` a word character
/// (CJK included)? `i` must be on a character boundary.
#[inline]
pub fn word_char_at(text: &str, i: usize) -> bool {
    let b = text.as_bytes()[i];
    if b < 128 {
        return ASCII_WORD[b as usize];
    }
    match text[i..].chars().next() {
        Some(c) => c.is_alphanumeric() || is_cjk(c),
        None => false,
    }
}

/// Append a digit to a normalised word: each run of digits becomes one `0`,
/// so `$2` and `$10`, `2023` and `2024` hash alike.
#[inline(always)]
fn push_digit(buf: &mut Vec<u8>) {
    if buf.last() != Some(&b'0') {
        buf.push(b'0');
    }
}

/// Append the normalised form of `c` to `buf`.
#[inline]
fn push_normalised(c: char, buf: &mut Vec<u8>) {
    if c.is_numeric() {
        push_digit(buf);
        return;
    }
    let mut tmp = [0u8; 4];
    for l in c.to_lowercase() {
        buf.extend_from_slice(l.encode_utf8(&mut tmp).as_bytes());
    }
}

const WORD: u8 = 1;
const NUMERIC: u8 = 2;
const CJK: u8 = 4;
const UPPER: u8 = 8;
const LOWER: u8 = 16;
const MULTI_LOWER: u8 = 32;

/// What the tokenizer needs to know of a non-ASCII character.
#[derive(Clone, Copy, Debug)]
struct CharInfo {
    c: char,
    flags: u8,
    /// The lowercase form (unless `MULTI_LOWER`) in UTF-8: `low_len` bytes.
    low: [u8; 4],
    low_len: u8,
    /// For CJK characters (each a word of its own): the word's hash.
    hash: u64,
}

/// A direct-mapped cache of Unicode property lookups, which are slow
/// (binary searches in tables) and repeat endlessly in a script's text.
#[derive(Debug)]
struct CharCache {
    slots: Box<[CharInfo]>,
}

impl Default for CharCache {
    /// Empty until the first non-ASCII character: a tokenizer made for one
    /// English document costs no allocation.
    fn default() -> CharCache {
        CharCache {
            slots: Box::new([]),
        }
    }
}

/// The character at byte `i` of `text` (a character boundary). Two-byte
/// characters (Latin accents, Greek, Cyrillic, Hebrew, Arabic) are decoded
/// inline; the others by the standard library.
#[inline(always)]
fn char_at(text: &str, i: usize) -> char {
    let b = text.as_bytes();
    if let [b0 @ 0xC0..=0xDF, b1, ..] = b[i..] {
        let code = (u32::from(b0) & 0x1F) << 6 | (u32::from(b1) & 0x3F);
        if let Some(c) = char::from_u32(code) {
            return c;
        }
    }
    text[i..].chars().next().unwrap_or(' ')
}

impl CharCache {
    /// What the tokenizer needs to know of `c` (not ASCII).
    #[inline(always)]
    fn get(&mut self, c: char) -> CharInfo {
        match self.slots.get(c as usize & 2047) {
            Some(slot) if slot.c == c => *slot,
            _ => self.fill(c),
        }
    }

    #[cold]
    #[inline(never)]
    fn fill(&mut self, c: char) -> CharInfo {
        if self.slots.is_empty() {
            let empty = CharInfo {
                c: '\0',
                flags: 0,
                low: [0; 4],
                low_len: 0,
                hash: 0,
            };
            self.slots = vec![empty; 2048].into_boxed_slice();
        }
        let slot = &mut self.slots[c as usize & 2047];
        let mut flags = 0;
        let mut hash = 0;
        if is_cjk(c) {
            flags |= CJK;
            // Ideographs have no case and no digits: hashed as written.
            let mut tmp = [0u8; 4];
            hash = hash_norm(c.encode_utf8(&mut tmp).as_bytes());
        }
        if c.is_alphanumeric() {
            flags |= WORD;
        }
        if c.is_numeric() {
            flags |= NUMERIC;
        }
        if c.is_uppercase() {
            flags |= UPPER;
        }
        if c.is_lowercase() {
            flags |= LOWER;
        }
        let mut lowers = c.to_lowercase();
        let mut low = [0u8; 4];
        let low_len = lowers.next().unwrap_or(c).encode_utf8(&mut low).len() as u8;
        if lowers.next().is_some() {
            flags |= MULTI_LOWER;
        }
        *slot = CharInfo {
            c,
            flags,
            low,
            low_len,
            hash,
        };
        *slot
    }
}

/// Splits documents into words. Holds scratch buffers, so reuse one per
/// thread.
#[derive(Default, Debug)]
pub struct Tokenizer {
    norm: Vec<u8>,
    cache: CharCache,
    /// `odd[..odd_len]`: the words of the last text whose gap before them
    /// is not one space (see [`Tokenizer::odd_gaps`]). Longer than that,
    /// so each word's entry is written without a branch.
    odd: Vec<u32>,
    odd_len: usize,
    /// The end of the last word pushed (see [`Tokenizer::push_word`]).
    last_end: usize,
}

/// Bytes the fast path classifies at once.
const WINDOW: usize = 64;

/// What the bytes of a window are: bit `p` of each mask is byte `p`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Masks {
    /// Not ASCII (part of a multi-byte character).
    wide: u64,
    upper: u64,
    lower: u64,
    digit: u64,
    space: u64,
}

/// Classify the 64 bytes of `win` and write them to `lowered` with ASCII
/// uppercase letters lowercased. SSE2, which every x86_64 CPU has: sixteen
/// bytes per comparison.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn classify(win: &[u8; WINDOW], lowered: &mut [u8; WINDOW + 16]) -> Masks {
    use core::arch::x86_64::*;
    let mut m = Masks::default();
    for k in 0..WINDOW / 16 {
        // SAFETY: the load reads bytes 16k..16k+16 of the 64-byte `win`, the
        // store writes bytes 16k..16k+16 of the 80-byte `lowered` (k < 4);
        // both are unaligned accesses. SSE2 is part of every x86_64 target.
        unsafe {
            let v = _mm_loadu_si128(win.as_ptr().add(16 * k) as *const __m128i);
            // Signed comparisons: bytes of 128 and up are negative, so they
            // fall in none of the ranges.
            let range = |lo: u8, hi: u8| {
                _mm_and_si128(
                    _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
                    _mm_cmplt_epi8(v, _mm_set1_epi8(hi as i8 + 1)),
                )
            };
            let upper = range(b'A', b'Z');
            let bits = |x: __m128i| u64::from(_mm_movemask_epi8(x) as u16) << (16 * k);
            m.wide |= bits(v);
            m.upper |= bits(upper);
            m.lower |= bits(range(b'a', b'z'));
            m.digit |= bits(range(b'0', b'9'));
            m.space |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)));
            let low = _mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
            _mm_storeu_si128(lowered.as_mut_ptr().add(16 * k) as *mut __m128i, low);
        }
    }
    m
}

/// [`classify`] a byte at a time, for other targets.
#[cfg(not(target_arch = "x86_64"))]
fn classify(win: &[u8; WINDOW], lowered: &mut [u8; WINDOW + 16]) -> Masks {
    classify_bytewise(win, lowered)
}

/// [`classify`] a byte at a time: other targets' version, and the reference
/// the SSE2 version is tested against.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn classify_bytewise(win: &[u8; WINDOW], lowered: &mut [u8; WINDOW + 16]) -> Masks {
    let mut m = Masks::default();
    for (p, &b) in win.iter().enumerate() {
        let bit = 1u64 << p;
        m.wide |= if b >= 128 { bit } else { 0 };
        m.upper |= if b.is_ascii_uppercase() { bit } else { 0 };
        m.lower |= if b.is_ascii_lowercase() { bit } else { 0 };
        m.digit |= if b.is_ascii_digit() { bit } else { 0 };
        m.space |= if b == b' ' { bit } else { 0 };
        lowered[p] = b.to_ascii_lowercase();
    }
    m
}

/// Bits `0..p` set (`p` <= 64).
#[inline(always)]
fn below(p: usize) -> u64 {
    if p >= 64 {
        u64::MAX
    } else {
        (1u64 << p) - 1
    }
}

/// For a word of `len` <= 16 bytes, the masks of its first eight bytes and
/// of the next eight: `KEEP[len]` (a table, cheaper than the 128-bit shift
/// it holds the result of).
static KEEP: [[u64; 2]; 17] = {
    let mut t = [[0u64; 2]; 17];
    let mut len = 1;
    while len <= 16 {
        let keep = u128::MAX >> (128 - 8 * len);
        t[len] = [keep as u64, (keep >> 64) as u64];
        len += 1;
    }
    t
};

/// Eight bytes of `b` from `at`, little-endian.
#[inline(always)]
fn load8(b: &[u8; WINDOW + 16], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

impl Tokenizer {
    /// A tokenizer with empty buffers.
    pub fn new() -> Tokenizer {
        Tokenizer::default()
    }

    /// Replace the contents of `out` with the words of `text`.
    ///
    /// Texts of 4 GiB or more are not split (offsets are 32-bit); `out` is
    /// left empty for them, so they are never changed.
    ///
    /// ASCII text is split 64 bytes at a time: the bytes are classified with
    /// vector comparisons into bit masks, word starts and ends are bit
    /// arithmetic on those masks, and a word of up to 16 bytes is hashed
    /// from two loads of the lowercased window. Words that touch a non-ASCII
    /// character, or run past the window, take the general path
    /// ([`Tokenizer::step`]) one token at a time.
    pub fn tokenize(&mut self, text: &str, out: &mut Vec<Word>) {
        out.clear();
        self.odd_len = 0;
        self.last_end = usize::MAX - 1;
        if text.len() > u32::MAX as usize {
            return;
        }
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut win = [0u8; WINDOW];
        let mut lowered = [0u8; WINDOW + 16];
        // Invariant: `i` is a character boundary where no word continues
        // from the left.
        let mut i = 0;
        while i < n {
            let len = (n - i).min(WINDOW);
            if len == WINDOW {
                win.copy_from_slice(&bytes[i..i + WINDOW]);
            } else {
                // Zero padding: not a word byte, so the last word ends at `n`.
                win = [0; WINDOW];
                win[..len].copy_from_slice(&bytes[i..]);
            }
            let m = classify(&win, &mut lowered);
            // Only the bytes before the first non-ASCII one are settled here:
            // a word ending at that character may go on through it.
            let settled = if m.wide == 0 {
                WINDOW
            } else {
                m.wide.trailing_zeros() as usize
            };
            let word = m.upper | m.lower | m.digit;
            // An uppercase letter after a lowercase one starts a new word.
            let camel = m.upper & (m.lower << 1);
            // Where a word ends: after a word byte, at a byte that is none
            // or that starts a word of its own. Words do not nest, so the
            // k-th start's end is the k-th end (a word running past the
            // window has none: `trailing_zeros` gives 64).
            let mut ends = (word << 1) & (!word | camel);
            let mut starts = ((word & !(word << 1)) | camel) & below(settled);
            // Bit `p`: the byte before byte `p` is a space (bit 0: the
            // last byte of the window before).
            let space_before = m.space << 1 | u64::from(i > 0 && bytes[i - 1] == b' ');
            let mut next = i + settled.min(len);
            // Room for every word the window can hold (each takes a byte at
            // least) in `out` and in the odd gaps: the words are written in
            // place, with no capacity check for each.
            out.reserve(WINDOW);
            if self.odd.len() < self.odd_len + WINDOW {
                self.odd.resize(2 * self.odd.len() + WINDOW, 0);
            }
            let first = out.len();
            let room = &mut out.spare_capacity_mut()[..WINDOW];
            let mut written = 0;
            while starts != 0 {
                let s = starts.trailing_zeros() as usize;
                starts &= starts - 1;
                let e = ends.trailing_zeros() as usize;
                ends &= ends.wrapping_sub(1);
                if e >= settled {
                    // The word may go on past the window or through a
                    // non-ASCII character.
                    next = i + s;
                    break;
                }
                // Digits among bits `s..e`: those left after shifting the
                // bits below `s` out at the bottom and those from `e` on out
                // at the top (0 < e - s < 64).
                let digits = (m.digit >> s) << (WINDOW - (e - s)) != 0;
                let hash = self.window_hash(&lowered, s, e, digits);
                let (start, end) = (i + s, i + e);
                let one_space = (self.last_end + 1 == start) & (space_before >> s & 1 != 0);
                self.note_word(first + written, end, one_space);
                // (`written` stays under WINDOW, one word a byte at most:
                // the mask tells the compiler, which then checks no bound.)
                room[written & (WINDOW - 1)].write(Word {
                    start: start as u32,
                    end: end as u32,
                    hash,
                });
                written += 1;
            }
            // SAFETY: the loop wrote `room[..written]`, the `written` slots
            // after the vector's length (at most WINDOW: one word a byte).
            unsafe { out.set_len(first + written) };
            if next > i {
                i = next;
                continue;
            }
            // Nothing settled at the start of the window: a non-ASCII
            // character or a word of 64 bytes or more. Where the window is
            // mostly non-ASCII (another script), take all of it on the
            // general path; otherwise only the first token.
            let stop = if m.wide.count_ones() > 8 {
                i + WINDOW - m.wide.leading_zeros() as usize
            } else {
                i + 1
            };
            while i < stop {
                i = self.step(text, i, out);
            }
        }
    }

    /// The hash of the ASCII word at `s..e` of a window, from its lowercased
    /// bytes; `digits` if it has any (each run of them hashes as one `0`).
    #[inline(always)]
    fn window_hash(
        &mut self,
        lowered: &[u8; WINDOW + 16],
        s: usize,
        e: usize,
        digits: bool,
    ) -> u64 {
        let len = e - s;
        if digits {
            self.norm.clear();
            for &b in &lowered[s..e] {
                if b.is_ascii_digit() {
                    push_digit(&mut self.norm);
                } else {
                    self.norm.push(b);
                }
            }
            hash_norm(&self.norm)
        } else if len <= 16 {
            // Both loads stay inside the buffer: s < 64, and it has 16 bytes
            // more. Bytes past the word are masked off.
            let [keep_lo, keep_hi] = KEEP[len];
            let lo = load8(lowered, s) & keep_lo;
            let hi = load8(lowered, s + 8) & keep_hi;
            short_hash(lo, hi, len)
        } else {
            hash_norm(&lowered[s..e])
        }
    }

    /// Split the token at byte `i` (a character boundary where no word
    /// continues from the left) character by character: push the word that
    /// starts there, if any, and return where the next token starts.
    fn step(&mut self, text: &str, mut i: usize, out: &mut Vec<Word>) -> usize {
        let bytes = text.as_bytes();
        let n = bytes.len();
        let b = bytes[i];
        if b < 128 {
            if !ASCII_WORD[b as usize] {
                return i + 1;
            }
        } else {
            let c = char_at(text, i);
            let len = c.len_utf8();
            let info = self.cache.get(c);
            if info.flags & CJK != 0 {
                self.push_word(bytes, out, i, i + len, info.hash);
                return i + len;
            }
            if info.flags & WORD == 0 {
                return i + len;
            }
        }
        let start = i;
        self.norm.clear();
        // A lowercase letter followed by an uppercase one ends a word:
        // scrapers glue sentences and headings (`readsHadley`,
        // `TroopsStarmer`).
        let mut lower = false;
        while i < n {
            let b = bytes[i];
            if b < 128 {
                if !ASCII_WORD[b as usize] || (lower && b.is_ascii_uppercase()) {
                    break;
                }
                lower = b.is_ascii_lowercase();
                if b.is_ascii_digit() {
                    push_digit(&mut self.norm);
                } else {
                    self.norm.push(b.to_ascii_lowercase());
                }
                i += 1;
            } else {
                let c = char_at(text, i);
                let info = self.cache.get(c);
                if info.flags & (WORD | CJK) != WORD || (lower && info.flags & UPPER != 0) {
                    break;
                }
                lower = info.flags & LOWER != 0;
                if info.flags & NUMERIC != 0 {
                    push_digit(&mut self.norm);
                } else if info.flags & MULTI_LOWER != 0 {
                    push_normalised(c, &mut self.norm);
                } else {
                    // Byte by byte: a call to copy 2 or 3 bytes costs more.
                    for &b in &info.low[..usize::from(info.low_len)] {
                        self.norm.push(b);
                    }
                }
                i += c.len_utf8();
            }
        }
        let hash = hash_norm(&self.norm);
        self.push_word(bytes, out, start, i, hash);
        i
    }

    /// Push the word `start..end` onto `out`, and list it in the odd gaps
    /// unless it is the first word or one space separates it from the last.
    #[inline(always)]
    fn push_word(
        &mut self,
        bytes: &[u8],
        out: &mut Vec<Word>,
        start: usize,
        end: usize,
        hash: u64,
    ) {
        let idx = out.len();
        // `&`, not `&&`: which gaps are one space is a coin flip the branch
        // predictor loses. The last word's end is kept here, not read back
        // from `out`.
        let one_space = (self.last_end + 1 == start) & (bytes[start.saturating_sub(1)] == b' ');
        if self.odd.len() <= self.odd_len {
            self.odd.resize(2 * self.odd.len() + WINDOW + 1, 0);
        }
        self.note_word(idx, end, one_space);
        out.push(Word {
            start: start as u32,
            end: end as u32,
            hash,
        });
    }

    /// Note word `idx`, ending at byte `end`, in the odd gaps unless it is
    /// the first word or `one_space` separates it from the last; the odd
    /// gaps have room for it.
    #[inline(always)]
    fn note_word(&mut self, idx: usize, end: usize, one_space: bool) {
        self.odd[self.odd_len] = idx as u32;
        self.odd_len += usize::from(idx > 0 && !one_space);
        self.last_end = end;
    }

    /// The positions `i` (ascending, `0 < i <` number of words) of the words
    /// of the last text split whose gap before them is not exactly one
    /// space: the input of [`crate::shingle::Gaps::compute_with`].
    pub fn odd_gaps(&self) -> &[u32] {
        &self.odd[..self.odd_len]
    }

    /// [`Tokenizer::tokenize`] on the general path alone: the reference the
    /// fast path is tested against.
    #[cfg(test)]
    fn tokenize_stepwise(&mut self, text: &str, out: &mut Vec<Word>) {
        out.clear();
        self.odd_len = 0;
        self.last_end = usize::MAX - 1;
        let mut i = 0;
        while i < text.len() {
            i = self.step(text, i, out);
        }
    }
}

/// Scripts written without spaces between words (Thai, Lao, Myanmar,
/// Khmer, CJK, full-width forms): a cut may fall between any two of their
/// characters.
pub fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF
        | 0x1000..=0x109F
        | 0x1780..=0x17FF
        | 0x2E80..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Hash of one word after normalisation, as the tokenizer computes it.
pub fn word_hash(word: &str) -> u64 {
    let mut norm = Vec::with_capacity(word.len());
    for c in word.chars() {
        push_normalised(c, &mut norm);
    }
    hash_norm(&norm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        let mut t = Tokenizer::new();
        let mut out = Vec::new();
        t.tokenize(text, &mut out);
        out.iter()
            .map(|w| &text[w.start as usize..w.end as usize])
            .collect()
    }

    /// The register hash of the ASCII fast path equals the hash of the
    /// normalised bytes, for every length around the 8- and 16-byte
    /// chunks, lowercase or not, mid-text or at its very end.
    #[test]
    fn fast_path_hash_equals_normalised_hash() {
        let letters = "ABcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";
        for len in 1..=40 {
            let w = &letters[..len];
            let lower = w.to_ascii_lowercase();
            for text in [
                w.to_string(),
                format!("{w}."),
                format!("1 {w} 2"),
                format!("{lower} "),
            ] {
                let mut out = Vec::new();
                Tokenizer::new().tokenize(&text, &mut out);
                let got = out
                    .iter()
                    .find(|t| text[t.start as usize..t.end as usize].eq_ignore_ascii_case(w))
                    .unwrap_or_else(|| panic!("no word of {len} bytes in {text:?}"));
                assert_eq!(got.hash, hash_norm(lower.as_bytes()), "{text:?}");
                assert_eq!(got.hash, word_hash(w), "{text:?}");
            }
        }
        // Distinct short words, distinct hashes; padding is not a character.
        let a = hash_norm(b"abcdefgh");
        assert_ne!(a, hash_norm(b"abcdefg"));
        assert_ne!(a, hash_norm(b"abcdefgha"));
        assert_ne!(hash_norm(b""), hash_norm(b"a"));
    }

    /// The SSE2 classification equals the byte-at-a-time one on every byte
    /// value at every position of the window.
    #[test]
    fn classify_equals_bytewise() {
        for first in 0..=255u8 {
            let mut win = [0u8; WINDOW];
            for (p, b) in win.iter_mut().enumerate() {
                *b = first.wrapping_add((p as u8).wrapping_mul(37));
            }
            let (mut a, mut b) = ([0u8; WINDOW + 16], [0u8; WINDOW + 16]);
            assert_eq!(classify(&win, &mut a), classify_bytewise(&win, &mut b));
            assert_eq!(a, b);
        }
    }

    /// The odd gaps by their definition.
    fn odd_gaps_of(text: &str, words: &[Word]) -> Vec<u32> {
        (1..words.len())
            .filter(|&i| crate::shingle::gap(text, words, i) != " ")
            .map(|i| i as u32)
            .collect()
    }

    /// The window path splits and hashes exactly as the general path,
    /// wherever words fall against the 64-byte windows: every offset of
    /// words of every length up to past a window, with digits, camel case,
    /// non-ASCII letters and punctuation beside them.
    #[test]
    fn window_path_equals_general_path() {
        let pieces = [
            "a",
            "ab",
            "Word",
            "readsHadley",
            "2024",
            "$10.50",
            "x9y",
            "café",
            "naïve",
            "don’t",
            "中文",
            "Привет",
            "ÄRGER",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzABCDEFGHIJKL",
            "\n",
            ",",
            " ",
        ];
        let mut fast = Tokenizer::new();
        let mut slow = Tokenizer::new();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        // Fillers of every length put each piece at every place of a
        // window; a filler of words and spaces makes the gap before a word
        // at a window's first byte one space from the window before.
        for (filler, pad) in ["."; 70]
            .into_iter()
            .chain(["a "; 70])
            .zip((0..70).chain(0..70))
        {
            for (x, p) in pieces.iter().enumerate() {
                for q in &pieces[x..] {
                    for sep in ["", " ", ".\n"] {
                        let text = format!("{}{p}{sep}{q} {p}", &filler.repeat(pad)[..pad]);
                        fast.tokenize(&text, &mut a);
                        slow.tokenize_stepwise(&text, &mut b);
                        assert_eq!(a, b, "{text:?}");
                        assert_eq!(fast.odd_gaps(), slow.odd_gaps(), "{text:?}");
                        assert_eq!(fast.odd_gaps(), odd_gaps_of(&text, &a), "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn splits_at_punctuation() {
        assert_eq!(words("said.A Message"), ["said", "A", "Message"]);
        assert_eq!(words("readers,We are"), ["readers", "We", "are"]);
        assert_eq!(words("  $2 a month!"), ["2", "a", "month"]);
        assert_eq!(
            words("readsHadley TroopsStarmer NASA"),
            ["reads", "Hadley", "Troops", "Starmer", "NASA"]
        );
        assert_eq!(words("größeÄrger"), ["größe", "Ärger"]);
        assert_eq!(words(""), Vec::<&str>::new());
        assert_eq!(words("..., --"), Vec::<&str>::new());
    }

    #[test]
    fn unicode_letters_and_cjk() {
        assert_eq!(words("Привет, мир"), ["Привет", "мир"]);
        assert_eq!(words("café-naïve"), ["café", "naïve"]);
        assert_eq!(
            words("订阅我们的新闻"),
            ["订", "阅", "我", "们", "的", "新", "闻"]
        );
        assert_eq!(words("abc中文def"), ["abc", "中", "文", "def"]);
    }

    #[test]
    fn normalises_case_and_digits_for_hashing_only() {
        let text = "Donate $25 TODAY 2024";
        let mut t = Tokenizer::new();
        let mut a = Vec::new();
        t.tokenize(text, &mut a);
        let mut b = Vec::new();
        t.tokenize("donate $99 today 1999", &mut b);
        let ha: Vec<u64> = a.iter().map(|w| w.hash).collect();
        let hb: Vec<u64> = b.iter().map(|w| w.hash).collect();
        assert_eq!(ha, hb);
        assert_eq!(a[1].start, 8);
        assert_eq!(word_hash("Today"), a[2].hash);
        assert_ne!(word_hash("today"), word_hash("todax"));
    }

    #[test]
    fn offsets_are_char_boundaries() {
        let text = "é—x 中 ü1";
        let mut t = Tokenizer::new();
        let mut out = Vec::new();
        t.tokenize(text, &mut out);
        for w in &out {
            assert!(text.is_char_boundary(w.start as usize));
            assert!(text.is_char_boundary(w.end as usize));
        }
        assert_eq!(out.len(), 4);
    }
}
