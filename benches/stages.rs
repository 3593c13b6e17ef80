//! Criterion benchmarks, one per stage, on the shipped sample corpus.
//!
//! Every bench checks its answer (a count or a checksum computed once before
//! timing), so a change that makes a stage faster by doing less fails here
//! instead of looking like a win. Run: `cargo bench --bench stages`.

use boilercut::jsonl::{self, Fields, Text};
use boilercut::shingle::for_each_shingle;
use boilercut::tokenize::Tokenizer;
use boilercut::{LearnerBuilder, Scratch};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

fn sample() -> (String, Vec<(String, String)>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/sample/corpus.jsonl");
    let raw = std::fs::read_to_string(path).expect("corpus/sample/corpus.jsonl");
    let docs = raw
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["text"].as_str().unwrap().to_string(),
                v["site"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (raw, docs)
}

fn stages(c: &mut Criterion) {
    let (raw, docs) = sample();
    let text_bytes: u64 = docs.iter().map(|d| d.0.len() as u64).sum();
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(text_bytes));
    g.sample_size(20);

    // tokenize: the word count must match a count made by a plain scan.
    let expected_words: usize = {
        let mut t = Tokenizer::new();
        let mut w = Vec::new();
        docs.iter()
            .map(|(d, _)| {
                t.tokenize(d, &mut w);
                w.len()
            })
            .sum()
    };
    assert!(expected_words > 100_000);
    g.bench_function("tokenize", |b| {
        let mut t = Tokenizer::new();
        let mut w = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for (d, _) in &docs {
                t.tokenize(black_box(d), &mut w);
                n += w.len();
            }
            assert_eq!(n, expected_words);
        })
    });

    // tokenize, ASCII documents only (the 64-byte window path; the sample's
    // Cyrillic and CJK sites take the character path and dominate the
    // bench above): the word count must match a plain scan's.
    let ascii: Vec<&str> = docs
        .iter()
        .map(|(d, _)| d.as_str())
        .filter(|d| d.is_ascii())
        .collect();
    let ascii_words: usize = ascii
        .iter()
        .map(|d| {
            let mut n = 0;
            let mut prev_word = false;
            let mut prev_lower = false;
            for b in d.bytes() {
                let word = b.is_ascii_alphanumeric();
                let camel = prev_lower && b.is_ascii_uppercase();
                n += usize::from(word && (!prev_word || camel));
                prev_word = word;
                prev_lower = b.is_ascii_lowercase();
            }
            n
        })
        .sum();
    assert!(ascii_words > 50_000);
    // The group's throughput is per bench: the ASCII bytes here, all the
    // text again after.
    g.throughput(Throughput::Bytes(
        ascii.iter().map(|d| d.len() as u64).sum(),
    ));
    g.bench_function("tokenize_ascii", |b| {
        let mut t = Tokenizer::new();
        let mut w = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for d in &ascii {
                t.tokenize(black_box(d), &mut w);
                n += w.len();
            }
            assert_eq!(n, ascii_words);
        })
    });
    g.throughput(Throughput::Bytes(text_bytes));

    // shingle hashing: xor of all shingle hashes is a checksum.
    let mut words_all = Vec::new();
    let mut t = Tokenizer::new();
    for (d, _) in &docs {
        let mut w = Vec::new();
        t.tokenize(d, &mut w);
        words_all.push(w);
    }
    let checksum = |k: usize| {
        let mut x = 0u64;
        for w in &words_all {
            for_each_shingle(w, k, |_, h| x ^= h);
        }
        x
    };
    let expected = checksum(8);
    g.bench_function("shingle", |b| {
        b.iter(|| assert_eq!(checksum(black_box(8)), expected))
    });

    // learn: the number of frequent features of the model.
    let learn = || {
        let learner = LearnerBuilder::new().build().unwrap();
        let mut batch = learner.batch();
        for (d, site) in &docs {
            batch.add(d, site);
        }
        learner.absorb(&mut batch);
        learner.finish().unwrap()
    };
    let model = learn();
    let features = model.len();
    assert!(features > 500);
    g.bench_function("learn", |b| b.iter(|| assert_eq!(learn().len(), features)));

    // detect + cut: the bytes removed.
    let clean_all = || {
        let mut scratch = Scratch::new();
        let mut removed = Vec::new();
        let mut total = 0usize;
        for (d, site) in &docs {
            model.clean_with(&mut scratch, d, site, &mut removed);
            let out = boilercut::cut::apply(d, &removed);
            total += d.len() - out.len();
        }
        total
    };
    let removed = clean_all();
    assert!(removed as u64 > text_bytes / 20);
    g.bench_function("clean", |b| b.iter(|| assert_eq!(clean_all(), removed)));
    g.finish();

    // JSONL: parse the needed fields and write every record back spliced.
    let mut g = c.benchmark_group("jsonl");
    g.throughput(Throughput::Bytes(raw.len() as u64));
    g.sample_size(20);
    let fields = Fields {
        text: "text".into(),
        group: Some("site".into()),
        host_of: None,
        reserved: None,
    };
    let roundtrip = || {
        let mut out = Vec::with_capacity(raw.len());
        for line in raw.lines() {
            let rec = jsonl::parse(line, &fields).unwrap();
            let Text::Str { value, .. } = &rec.text else {
                panic!("no text")
            };
            jsonl::splice(line, &rec, value, None, &mut out);
            out.push(b'\n');
        }
        out.len()
    };
    let expected_len = roundtrip();
    assert!(expected_len >= raw.len() * 9 / 10);
    g.bench_function("parse+splice", |b| {
        b.iter(|| assert_eq!(roundtrip(), expected_len))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
