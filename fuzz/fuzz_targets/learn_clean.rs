//! Learn a few documents with arbitrary options, then clean each.
//!
//! Documents are built from pieces: free text, or one of a few blocks shared
//! by all documents, so that frequent features (and so cuts) are common.
//!
//! Invariants: no panic; `removed` is sorted, disjoint, non-empty, on char
//! boundaries, inside the text; the output is the input minus `removed`;
//! `clean_with` with a reused `Scratch` agrees with `clean`, and so does
//! `explain_with` (one explanation per range); one batch over
//! the documents in reverse order learns the same model; the model
//! round-trips through its bytes and the loaded model cleans alike. With
//! `BOILERCUT_FUZZ_IDEMPOTENT=1` in the environment, also that cleaning the
//! output again removes nothing (this does not hold in general: see
//! fuzz/README.md).
#![no_main]

use arbitrary::Arbitrary;
use boilercut::{LearnerBuilder, Model, Scratch};
use libfuzzer_sys::fuzz_target;
use std::ops::Range;
use std::sync::OnceLock;

#[derive(Arbitrary, Debug)]
enum Piece {
    Text(String),
    Block(u8),
}

#[derive(Arbitrary, Debug)]
struct Doc {
    group: u8,
    pieces: Vec<Piece>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    shingle_words: u8,
    min_docs: u8,
    min_fraction: u8,
    max_gap: u8,
    min_run: u8,
    snap_words: u8,
    short_lines: bool,
    max_affix_words: u8,
    blocks: [String; 3],
    docs: Vec<Doc>,
}

const GROUPS: [&str; 3] = ["a.example", "b.example", ""];

fn check_idempotent() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("BOILERCUT_FUZZ_IDEMPOTENT").is_some_and(|v| v == "1"))
}

fn check_spans(text: &str, removed: &[Range<usize>]) {
    let mut prev: Option<&Range<usize>> = None;
    for r in removed {
        assert!(r.start < r.end, "empty span {r:?}");
        assert!(
            r.end <= text.len(),
            "span {r:?} past the end ({})",
            text.len()
        );
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "span {r:?} splits a char"
        );
        if let Some(p) = prev {
            // Touching spans are merged by the tidy-up, so the gap is never empty.
            assert!(
                p.end < r.start,
                "spans {p:?} and {r:?} overlap, touch or are unsorted"
            );
        }
        prev = Some(r);
    }
}

fn minus(text: &str, removed: &[Range<usize>]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for r in removed {
        out.push_str(&text[at..r.start]);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

fuzz_target!(|input: Input| {
    let mut b = LearnerBuilder::new();
    b.shingle_words(2 + usize::from(input.shingle_words) % 11)
        .min_docs(2 + u64::from(input.min_docs) % 4)
        .min_fraction(f64::from(input.min_fraction) / 255.0)
        .max_gap(usize::from(input.max_gap) % 65)
        .min_run(usize::from(input.min_run) % 40)
        .snap_words(usize::from(input.snap_words) % 65)
        .short_lines(input.short_lines)
        .max_affix_words(usize::from(input.max_affix_words) % 65);
    let learner = b.build().expect("options clamped to their valid ranges");

    let docs: Vec<(String, &str)> = input
        .docs
        .iter()
        .take(12)
        .map(|d| {
            let mut text = String::new();
            for p in d.pieces.iter().take(16) {
                match p {
                    Piece::Text(t) => text.push_str(t),
                    Piece::Block(i) => text.push_str(&input.blocks[usize::from(*i) % 3]),
                }
            }
            (text, GROUPS[usize::from(d.group) % GROUPS.len()])
        })
        .collect();
    for (text, group) in &docs {
        learner.add(text, group);
    }
    // No memory limit: nothing spills, so learning cannot fail.
    let model = learner.finish().expect("no spill without a memory limit");

    let bytes = model.to_bytes();

    // One batch over the documents in reverse order learns the same model.
    let reversed = b.build().expect("options clamped to their valid ranges");
    let mut batch = reversed.batch();
    for (text, group) in docs.iter().rev() {
        batch.add(text, group);
    }
    reversed.absorb(&mut batch);
    assert_eq!(
        reversed
            .finish()
            .expect("no spill without a memory limit")
            .to_bytes(),
        bytes,
        "model depends on order or batching"
    );

    let loaded = Model::from_bytes(&bytes).expect("a model's own bytes load");
    assert_eq!(loaded.to_bytes(), bytes, "model bytes round-trip");

    let mut scratch = Scratch::new();
    let mut spans = Vec::new();
    let mut why = Vec::new();
    for (text, group) in &docs {
        let out = model.clean(text, group);
        check_spans(text, &out.removed);
        assert_eq!(
            out.text,
            minus(text, &out.removed),
            "output is the input minus the spans"
        );
        assert_eq!(out.removed.is_empty(), out.text == text.as_str());

        model.clean_with(&mut scratch, text, group, &mut spans);
        assert_eq!(spans, out.removed, "clean_with with a reused scratch");
        // Explaining finds the same ranges, one explanation each.
        model.explain_with(&mut scratch, text, group, &mut spans, &mut why);
        assert_eq!(spans, out.removed, "explain_with removes what clean does");
        let ranges: Vec<_> = why.iter().map(|e| e.range.clone()).collect();
        assert_eq!(ranges, out.removed, "one explanation per removed range");
        let again = loaded.clean(text, group);
        assert_eq!(again.removed, out.removed, "the loaded model cleans alike");

        let other = model.clean(text, "unknown.example");
        assert!(other.removed.is_empty(), "an unknown group is untouched");

        let twice = model.clean(&out.text, group);
        check_spans(&out.text, &twice.removed);
        assert_eq!(twice.text, minus(&out.text, &twice.removed));
        if check_idempotent() {
            assert!(
                twice.removed.is_empty(),
                "cleaning again cuts {:?} out of {:?} (first cut {:?} from {:?})",
                twice.removed,
                out.text,
                out.removed,
                text
            );
        }
    }
});
