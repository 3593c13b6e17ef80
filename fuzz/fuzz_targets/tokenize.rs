//! Tokenizer on arbitrary text: words are sorted, non-overlapping, non-empty,
//! on character boundaries, maximal, and hashed as `word_hash` hashes them;
//! the words after a gap other than one space are listed (`odd_gaps`).
#![no_main]

use boilercut::tokenize::{is_cjk, word_hash, Tokenizer, Word};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut words: Vec<Word> = Vec::new();
    // A tokenizer that already split another text must not carry anything
    // over, so split a prefix first and reuse it.
    let mut tok = Tokenizer::new();
    let half = (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    tok.tokenize(&text[half..], &mut words);
    tok.tokenize(text, &mut words);

    let mut prev_end = 0usize;
    for (n, w) in words.iter().enumerate() {
        let (s, e) = (w.start as usize, w.end as usize);
        assert!(s < e, "empty word {n}: {w:?}");
        assert!(prev_end <= s, "word {n} overlaps or is out of order: {w:?}");
        assert!(e <= text.len(), "word {n} past the end: {w:?}");
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e),
            "word {n} splits a char"
        );
        let word = &text[s..e];
        assert_eq!(w.hash, word_hash(word), "hash of {word:?}");

        // What a word is: one CJK character, or a run of other letters and
        // digits with no lowercase letter followed by an uppercase one.
        let first = word.chars().next().unwrap();
        if is_cjk(first) {
            assert_eq!(
                first.len_utf8(),
                word.len(),
                "CJK word {word:?} is one char"
            );
        } else {
            let mut last: Option<char> = None;
            for c in word.chars() {
                assert!(
                    c.is_alphanumeric() && !is_cjk(c),
                    "{c:?} inside word {word:?}"
                );
                if let Some(p) = last {
                    assert!(
                        !(p.is_lowercase() && c.is_uppercase()),
                        "camel case inside {word:?}"
                    );
                }
                last = Some(c);
            }
        }

        // The text between words holds no word character...
        let gap = &text[prev_end..s];
        for c in gap.chars() {
            assert!(!c.is_alphanumeric() && !is_cjk(c), "{c:?} between words");
        }
        // ...and two words touch only where a rule splits them.
        if n > 0 && gap.is_empty() {
            let a = text[..s].chars().next_back().unwrap();
            let b = first;
            assert!(
                is_cjk(a) || is_cjk(b) || (a.is_lowercase() && b.is_uppercase()),
                "words touch without a reason at {s}: {a:?} {b:?}"
            );
        }
        prev_end = e;
    }
    // The words whose gap is not exactly one space, as the tokenizer lists
    // them for `Gaps::compute_with`.
    let odd: Vec<u32> = (1..words.len())
        .filter(|&i| &text[words[i - 1].end as usize..words[i].start as usize] != " ")
        .map(|i| i as u32)
        .collect();
    assert_eq!(tok.odd_gaps(), &odd[..], "odd gaps");
    for c in text[prev_end..].chars() {
        assert!(
            !c.is_alphanumeric() && !is_cjk(c),
            "{c:?} after the last word"
        );
    }
});
