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
pub const HASH_SEED: u64 = 0x626f_696c_6572_6332; // "boilerc2"

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
#[inline(always)]
fn short_hash(lo: u64, hi: u64, len: usize) -> u64 {
    use crate::shingle::fmix64;
    fmix64(lo ^ HASH_SEED).wrapping_add(fmix64(hi ^ len as u64 ^ 0x9e37_79b9_7f4a_7c15))
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

/// Append the normalised form of `c` to `buf`.
#[inline]
fn push_normalised(c: char, buf: &mut Vec<u8>) {
    if c.is_numeric() {
        if buf.last() != Some(&b'0') {
            buf.push(b'0');
        }
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
    lower: char,
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

impl CharCache {
    #[inline]
    fn get(&mut self, c: char) -> CharInfo {
        if self.slots.is_empty() {
            let empty = CharInfo {
                c: '\0',
                flags: 0,
                lower: '\0',
                hash: 0,
            };
            self.slots = vec![empty; 2048].into_boxed_slice();
        }
        let slot = &mut self.slots[c as usize & 2047];
        if slot.c == c {
            return *slot;
        }
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
        let lower = lowers.next().unwrap_or(c);
        if lowers.next().is_some() {
            flags |= MULTI_LOWER;
        }
        *slot = CharInfo {
            c,
            flags,
            lower,
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
    lowered: [u8; LOWERED],
    cache: CharCache,
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
    pub fn tokenize(&mut self, text: &str, out: &mut Vec<Word>) {
        out.clear();
        if text.len() > u32::MAX as usize {
            return;
        }
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut i = 0;
        while i < n {
            let b = bytes[i];
            if b < 128 {
                if !ASCII_WORD[b as usize] {
                    i += 1;
                    continue;
                }
            } else {
                // `i` is always on a char boundary: it only advances by whole
                // characters.
                let c = text[i..].chars().next().unwrap_or(' ');
                let len = c.len_utf8();
                let info = self.cache.get(c);
                if info.flags & CJK != 0 {
                    out.push(Word {
                        start: i as u32,
                        end: (i + len) as u32,
                        hash: info.hash,
                    });
                    i += len;
                    continue;
                }
                if info.flags & WORD == 0 {
                    i += len;
                    continue;
                }
            }
            let start = i;
            // A word starting with a non-ASCII letter takes the general path
            // below; so does an ASCII word stopped by a non-ASCII character
            // that continues it (a letter or digit, not CJK, not uppercase
            // after lowercase), from its start.
            let (end, shape, wide_stop, [lo, hi]) = if b < 128 {
                ascii_word(bytes, i, &mut self.lowered)
            } else {
                (i, Shape::Other, true, [0, 0])
            };
            let goes_on = b >= 128
                || wide_stop && {
                    let c = text[end..].chars().next().unwrap_or(' ');
                    let info = self.cache.get(c);
                    info.flags & (WORD | CJK) == WORD
                        && !(bytes[end - 1].is_ascii_lowercase() && info.flags & UPPER != 0)
                };
            if !goes_on {
                let word = &bytes[start..end];
                let hash = match shape {
                    Shape::Lower | Shape::Cased if word.len() <= 16 => {
                        short_hash(lo, hi, word.len())
                    }
                    Shape::Lower => hash_norm(word),
                    Shape::Cased => hash_norm(&self.lowered[..word.len()]),
                    Shape::Other => {
                        self.norm.clear();
                        for &b in word {
                            if b.is_ascii_digit() {
                                if self.norm.last() != Some(&b'0') {
                                    self.norm.push(b'0');
                                }
                            } else {
                                self.norm.push(b.to_ascii_lowercase());
                            }
                        }
                        hash_norm(&self.norm)
                    }
                };
                out.push(Word {
                    start: start as u32,
                    end: end as u32,
                    hash,
                });
                i = end;
                continue;
            }
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
                        // A run of digits becomes one `0`: `$2` and `$10`,
                        // `2023` and `2024` hash alike.
                        if self.norm.last() != Some(&b'0') {
                            self.norm.push(b'0');
                        }
                    } else {
                        self.norm.push(b.to_ascii_lowercase());
                    }
                    i += 1;
                } else {
                    let c = text[i..].chars().next().unwrap_or(' ');
                    let info = self.cache.get(c);
                    if info.flags & (WORD | CJK) != WORD || (lower && info.flags & UPPER != 0) {
                        break;
                    }
                    lower = info.flags & LOWER != 0;
                    if info.flags & NUMERIC != 0 {
                        if self.norm.last() != Some(&b'0') {
                            self.norm.push(b'0');
                        }
                    } else if info.flags & MULTI_LOWER != 0 {
                        push_normalised(c, &mut self.norm);
                    } else {
                        // Byte by byte: a call to copy 2 or 3 bytes costs more.
                        let mut tmp = [0u8; 4];
                        for &b in info.lower.encode_utf8(&mut tmp).as_bytes() {
                            self.norm.push(b);
                        }
                    }
                    i += c.len_utf8();
                }
            }
            out.push(Word {
                start: start as u32,
                end: i as u32,
                hash: hash_norm(&self.norm),
            });
        }
    }
}

/// What normalising an all-ASCII word takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// Only lowercase letters: hashed as written.
    Lower,
    /// Letters, some uppercase, at most [`LOWERED`] bytes: hashed from the
    /// lowercased copy.
    Cased,
    /// Digits (each run becomes one `0`) or a longer word.
    Other,
}

/// Longest word lowercased on the fast path.
const LOWERED: usize = 32;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` (all bytes below 128) that lies in
/// `lo..=hi`; no carry crosses bytes because every sum stays below 256.
#[inline(always)]
fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    let ge = x.wrapping_add(ONES * u64::from(0x80 - lo));
    let gt = x.wrapping_add(ONES * u64::from(0x7f - hi));
    ge & !gt & HIGH
}

/// The end and shape of the ASCII word starting at `i` (an ASCII letter or
/// digit), and whether a non-ASCII character stopped it (the caller decides
/// whether the word really ends there); its lowercase form is left in
/// `lowered` when it fits, and in the returned pair (first eight bytes,
/// next eight, zero-padded) when it has at most 16 bytes. Eight bytes
/// at a time: each byte is classified with carry-free additions, and the
/// word ends at the first byte that is not an ASCII letter or digit, or at
/// an uppercase letter after a lowercase one.
#[inline]
fn ascii_word(
    bytes: &[u8],
    i: usize,
    lowered: &mut [u8; LOWERED],
) -> (usize, Shape, bool, [u64; 2]) {
    let mut j = i;
    let (mut lo, mut hi) = (0u64, 0u64);
    let mut lower_before = 0u64;
    let mut upper_seen = 0u64;
    let mut digit_seen = 0u64;
    loop {
        let x = match bytes.get(j..j + 8) {
            Some(b) => u64::from_le_bytes(b.try_into().unwrap_or([0; 8])),
            None => {
                // The tail, padded with zero bytes (not word bytes).
                let mut b = [0u8; 8];
                let rest = &bytes[j.min(bytes.len())..];
                b[..rest.len()].copy_from_slice(rest);
                u64::from_le_bytes(b)
            }
        };
        let wide = x & HIGH;
        let y = x & !HIGH;
        let lower = in_range(y, b'a', b'z') & !wide;
        let upper = in_range(y, b'A', b'Z') & !wide;
        let digit = in_range(y, b'0', b'9') & !wide;
        let chunk = j - i;
        // Uppercase to lowercase: set bit 5 (the high bit shifted by 2).
        let low = x | (upper >> 2);
        if chunk < LOWERED {
            lowered[chunk..chunk + 8].copy_from_slice(&low.to_le_bytes());
        }
        let camel = upper & ((lower << 8) | lower_before);
        let stop = (!(lower | upper | digit) & HIGH) | camel;
        if chunk == 0 {
            lo = low;
        } else if chunk == 8 {
            hi = low;
        }
        if stop != 0 {
            let bit = stop.trailing_zeros();
            let inside = (1u64 << bit) - 1;
            // The bytes before the stop byte (bit 7 of byte p is bit
            // 8p + 7): `inside >> 7` covers exactly the first p bytes.
            if chunk == 0 {
                lo &= inside >> 7;
            } else if chunk == 8 {
                hi &= inside >> 7;
            }
            upper_seen |= upper & inside;
            digit_seen |= digit & inside;
            let end = j + (bit / 8) as usize;
            let wide_stop = wide & (1u64 << bit) != 0;
            let shape = if digit_seen != 0 || end - i > LOWERED {
                Shape::Other
            } else if upper_seen != 0 {
                Shape::Cased
            } else {
                Shape::Lower
            };
            return (end, shape, wide_stop, [lo, hi]);
        }
        upper_seen |= upper;
        digit_seen |= digit;
        lower_before = (lower >> 56) & 0x80;
        j += 8;
    }
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
