//! Property tests: determinism across thread counts and invariants of cleaning on random corpora.

use crate::util::{run, sentence, word, Rng, TempDir};
use boilercut::{Cleaned, LearnerBuilder, Model};
use proptest::prelude::*;
use std::ops::Range;

/// Blocks a site repeats, in the shapes the engine must handle: a long
/// appeal, a newsletter prompt, a one-word line, a share bar, a copyright
/// line and an author bio. `{n}` varies per document.
const BLOCKS: &[&str] = &[
    "Dear readers, we rely on you. Please support independent local reporting with a gift of ${n} today, it takes a minute.",
    "Sign up for our morning newsletter to get the news first, every weekday at 6 a.m.",
    "Advertisement",
    "Share this: Facebook | Twitter | Email",
    "© {n} The Harbor Ledger. All rights reserved.",
    "Maria Olsen covers the harbour and the council for the Ledger. Reach her at maria@ledger.example.",
];

/// How a block is joined to the text around it.
const SEPARATORS: &[&str] = &[" ", "\n", "\n\n", "", " — "];

/// Options of a learner, kept small so that blocks become frequent in a
/// corpus of a few dozen documents.
#[derive(Clone, Debug)]
struct Options {
    shingle_words: usize,
    min_docs: u64,
    min_fraction: f64,
    max_gap: usize,
    min_run: usize,
    snap_words: usize,
    short_lines: bool,
    max_affix_words: usize,
}

impl Options {
    fn builder(&self) -> LearnerBuilder {
        let mut b = LearnerBuilder::new();
        b.shingle_words(self.shingle_words)
            .min_docs(self.min_docs)
            .min_fraction(self.min_fraction)
            .max_gap(self.max_gap)
            .min_run(self.min_run)
            .snap_words(self.snap_words)
            .short_lines(self.short_lines)
            .max_affix_words(self.max_affix_words);
        b
    }
}

fn options() -> impl Strategy<Value = Options> {
    (
        2usize..=12,
        2u64..=5,
        prop_oneof![Just(0.0), Just(0.02), 0.0f64..0.5],
        0usize..=5,
        prop_oneof![Just(16usize), 0usize..40],
        0usize..=4,
        any::<bool>(),
        prop_oneof![Just(7usize), 0usize..=12],
    )
        .prop_map(
            |(
                shingle_words,
                min_docs,
                min_fraction,
                max_gap,
                min_run,
                snap_words,
                short_lines,
                max_affix_words,
            )| Options {
                shingle_words,
                min_docs,
                min_fraction,
                max_gap,
                min_run,
                snap_words,
                short_lines,
                max_affix_words,
            },
        )
}

/// A corpus of `docs` documents over `groups` groups, from `seed`: a few
/// made-up sentences per document, with blocks inserted at random places,
/// joined by random separators (glued included), sometimes wrapped.
fn corpus(seed: u64, docs: usize, groups: usize) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    // Each group uses its own few blocks, and sometimes a scraper prefix.
    let group_blocks: Vec<Vec<usize>> = (0..groups)
        .map(|_| {
            (0..1 + rng.below(3))
                .map(|_| rng.below(BLOCKS.len()))
                .collect()
        })
        .collect();
    let prefixes: Vec<Option<String>> = (0..groups)
        .map(|_| {
            (rng.below(2) == 0).then(|| format!("{} EXCLUSIVE:", word(&mut rng).to_uppercase()))
        })
        .collect();
    (0..docs)
        .map(|_| {
            let g = rng.below(groups);
            let mut parts: Vec<String> =
                (0..1 + rng.below(6)).map(|_| sentence(&mut rng)).collect();
            for &b in &group_blocks[g] {
                // Most documents carry each block of their group.
                if rng.below(4) != 0 {
                    let block = BLOCKS[b].replace("{n}", &(1 + rng.below(3000)).to_string());
                    let at = rng.below(parts.len() + 1);
                    parts.insert(at, block);
                }
            }
            if let Some(p) = &prefixes[g] {
                if rng.below(5) != 0 {
                    parts.insert(0, p.clone());
                }
            }
            let mut text = String::new();
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    text.push_str(SEPARATORS[rng.below(SEPARATORS.len())]);
                }
                text.push_str(p);
            }
            if rng.below(4) == 0 {
                text = crate::util::wrap(&text, 60 + rng.below(60));
            }
            (text, format!("site{g}.example"))
        })
        .collect()
}

/// Learn `docs` with `threads` threads, each filling a batch over its own
/// split of the documents (every `threads`-th one) and absorbing it; with
/// `absorb_every`, batches are absorbed after that many documents too.
fn learn_threaded(
    opts: &Options,
    docs: &[(String, String)],
    threads: usize,
    absorb_every: usize,
) -> Model {
    let learner = opts.builder().build().unwrap();
    std::thread::scope(|s| {
        for t in 0..threads {
            let learner = &learner;
            s.spawn(move || {
                let mut batch = learner.batch();
                for (n, (text, group)) in docs.iter().skip(t).step_by(threads).enumerate() {
                    batch.add(text, group);
                    if (n + 1) % absorb_every == 0 {
                        learner.absorb(&mut batch);
                    }
                }
                learner.absorb(&mut batch);
            });
        }
    });
    learner.finish().unwrap()
}

/// Spans are sorted, disjoint, non-empty, on char boundaries and inside the
/// text, and the output is the input without them.
fn check_cleaned(text: &str, out: &Cleaned<'_>) -> Result<(), TestCaseError> {
    let mut prev: Option<&Range<usize>> = None;
    for r in &out.removed {
        prop_assert!(r.start < r.end, "empty span {:?}", r);
        prop_assert!(
            r.end <= text.len(),
            "span {:?} past the end {}",
            r,
            text.len()
        );
        prop_assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "span {:?} splits a char",
            r
        );
        if let Some(p) = prev {
            prop_assert!(
                p.end < r.start,
                "spans {:?} {:?} overlap, touch or are unsorted",
                p,
                r
            );
        }
        prev = Some(r);
    }
    let mut rebuilt = String::new();
    let mut at = 0;
    for r in &out.removed {
        rebuilt.push_str(&text[at..r.start]);
        at = r.end;
    }
    rebuilt.push_str(&text[at..]);
    prop_assert_eq!(&rebuilt, &*out.text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// (a) The model does not depend on how documents are spread over
    /// threads and batches.
    #[test]
    fn model_is_the_same_with_1_2_and_8_threads(
        seed in any::<u64>(),
        docs in 1usize..80,
        groups in 1usize..4,
        opts in options(),
    ) {
        let docs = corpus(seed, docs, groups);
        let one = opts.builder().build().unwrap();
        for (text, group) in &docs {
            one.add(text, group);
        }
        let want = one.finish().unwrap().to_bytes();
        for (threads, every) in [(1, usize::MAX), (2, usize::MAX), (8, usize::MAX), (2, 3), (8, 1)] {
            let got = learn_threaded(&opts, &docs, threads, every).to_bytes();
            prop_assert!(got == want, "{} threads, absorb every {}: model differs", threads, every);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// (b) On corpora with repeated blocks: the output is the input minus
    /// valid spans, cleaning the output again gives valid spans too, the
    /// model survives its file format, and something is cut when a block is
    /// frequent enough.
    #[test]
    fn cleaning_cuts_valid_spans(
        seed in any::<u64>(),
        docs in 4usize..40,
        groups in 1usize..3,
        opts in options(),
    ) {
        let docs = corpus(seed, docs, groups);
        let learner = opts.builder().build().unwrap();
        for (text, group) in &docs {
            learner.add(text, group);
        }
        let model = learner.finish().unwrap();
        let loaded = Model::from_bytes(&model.to_bytes()).unwrap();
        let mut cut_any = false;
        for (text, group) in &docs {
            let out = model.clean(text, group);
            check_cleaned(text, &out)?;
            prop_assert_eq!(&loaded.clean(text, group), &out);
            // Explaining (the report's path) cuts exactly the same ranges,
            // each with at least one matched kind but a list of lines found
            // in two pages, which spans lines.
            let why = model.explain(text, group);
            let ranges: Vec<_> = why.iter().map(|e| e.range.clone()).collect();
            prop_assert_eq!(&ranges, &out.removed);
            prop_assert!(
                why.iter().all(|e| !e.kinds.is_empty() || text[e.range.clone()].contains('\n')),
                "{:?} in {:?}",
                why,
                text
            );
            cut_any |= !out.removed.is_empty();
            // Cleaning the output again is NOT asserted to cut nothing: it
            // does not hold in general (a cut can shorten a line below the
            // line-head limit or expose a new prefix or suffix; see the
            // fuzz README). It must still give valid spans.
            let twice = model.clean(&out.text, group);
            check_cleaned(&out.text, &twice)?;
        }
        prop_assert!(cut_any || model.is_empty(), "a non-empty model cut nothing");
    }
}

/// (c) The binary writes byte-identical output with 1, 2 and 8 threads on a
/// JSONL file of a few thousand records.
#[test]
fn binary_output_is_the_same_with_1_2_and_8_threads() {
    let dir = TempDir::new("prop-threads");
    let docs = corpus(42, 3000, 5);
    let mut input = String::new();
    for (i, (text, site)) in docs.iter().enumerate() {
        let rec = serde_json::json!({ "id": i, "site": site, "text": text, "n": 1.5 });
        input.push_str(&rec.to_string());
        input.push('\n');
    }
    let in_path = dir.s("in.jsonl");
    std::fs::write(&in_path, &input).unwrap();
    let mut outputs = Vec::new();
    for j in ["1", "2", "8"] {
        let out_path = dir.s(&format!("out-{j}.jsonl"));
        let out = run(
            &[
                "clean",
                &in_path,
                "-o",
                &out_path,
                "--group-field",
                "site",
                "-j",
                j,
                "-q",
            ],
            b"",
        );
        assert!(
            out.status.success(),
            "-j {j}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push(std::fs::read(&out_path).unwrap());
    }
    let lines = outputs[0].iter().filter(|&&b| b == b'\n').count();
    assert_eq!(lines, docs.len());
    assert!(outputs[0].len() < input.len(), "nothing was cut");
    assert!(outputs[1] == outputs[0], "-j 2 differs from -j 1");
    assert!(outputs[2] == outputs[0], "-j 8 differs from -j 1");
}

/// Regression (found by the property tests while checking idempotence): a line of at most `MAX_HEADED_LINE` (24) words
/// whose first words are a frequent "line head" goes whole. A scraper prefix
/// on the same line as a short lead paragraph (`WIRE EXCLUSIVE: <lead>`) makes
/// that head frequent, so the lead paragraph of every article is cut with it,
/// and a single-line article vanishes entirely.
#[test]
fn line_head_does_not_cut_lead_paragraph() {
    let mut rng = Rng::new(11);
    let learner = LearnerBuilder::new().build().unwrap();
    for _ in 0..6 {
        let doc = format!(
            "WIRE EXCLUSIVE: {}\n{}",
            sentence(&mut rng),
            sentence(&mut rng)
        );
        learner.add(&doc, "s");
    }
    let model = learner.finish().unwrap();
    let doc = "WIRE EXCLUSIVE: Ferry fares will rise in May, the port said.\nPassengers were not happy about the news, said one.";
    let out = model.clean(doc, "s");
    assert!(!out.text.contains("EXCLUSIVE"), "{:?}", out.text);
    assert!(
        out.text.contains("Ferry fares will rise in May"),
        "lead paragraph lost: {:?}",
        out.text
    );
}

/// Regression (found by fuzzing; input saved as
/// fuzz/regressions/jsonl/host-multibyte-at-byte-4): `jsonl::host` slices
/// `h[..4]` to look for `www.`, which panics when byte 4 falls inside a
/// character. `boilercut clean --group-by-host url` then dies with exit 101
/// on a record such as `{"url":"https://aééx/","text":"a"}`.
#[test]
fn host_inside_a_character_does_not_panic() {
    assert_eq!(boilercut::jsonl::host("https://aééx/"), "aééx");
    assert_eq!(boilercut::jsonl::host("https://www.ééx/"), "ééx");
    let line = r#"{"url":"https://aééx/","text":"a"}"#;
    let fields = boilercut::jsonl::Fields {
        text: "text".into(),
        group: None,
        host_of: Some("url".into()),
        reserved: None,
    };
    assert_eq!(
        boilercut::jsonl::parse(line, &fields).unwrap().group,
        "aééx"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `eval --gold-field` finds the same removed words from a tool's output
    /// text as from its removed ranges, when the tool deleted whole sentences
    /// (and their separator, if any) from a text of made-up words.
    #[test]
    fn gold_score_from_output_equals_score_from_spans(
        seed in any::<u64>(),
        n in 1usize..30,
        cut_mask in any::<u64>(),
        gold_mask in any::<u64>(),
    ) {
        use boilercut::eval::{score_gold, Removal};
        let mut rng = Rng::new(seed);
        let sentences: Vec<String> = (0..n).map(|_| sentence(&mut rng)).collect();
        // "" glues sentences as scrapers do (`word.Next`): a legitimate cut.
        let seps: Vec<&str> = (0..n).map(|_| rng.pick(&[" ", "\n", "\n\n", ""])).collect();
        let (mut text, mut out, mut gold) = (String::new(), String::new(), String::new());
        let mut spans: Vec<Range<usize>> = Vec::new();
        for (i, s) in sentences.iter().enumerate() {
            let piece = format!("{s}{}", seps[i]);
            if cut_mask >> (i % 64) & 1 == 1 {
                spans.push(text.len()..text.len() + piece.len());
            } else {
                out.push_str(&piece);
            }
            if gold_mask >> (i % 64) & 1 == 1 {
                gold.push_str(s);
                gold.push(' ');
            }
            text.push_str(&piece);
        }
        let by_out = score_gold(&text, &gold, Removal::Output(&out)).counts;
        let by_spans = score_gold(&text, &gold, Removal::Spans(&spans)).counts;
        prop_assert_eq!(by_out.unmatched_output_words, 0);
        prop_assert_eq!(
            (by_out.article_words, by_out.article_kept, by_out.boilerplate_removed),
            (by_spans.article_words, by_spans.article_kept, by_spans.boilerplate_removed)
        );
        // Whole sentences never cut a token.
        prop_assert_eq!(by_out.spans_inside_token, 0);
        prop_assert_eq!(by_spans.spans_inside_token, 0);
    }
}
