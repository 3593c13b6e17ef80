//! The hard-case corpus (`corpus/hard`, `generate.py --hard`): failure
//! classes seen on real pages, one kind per site, cleaned by the real binary
//! and scored per kind with the eval library.
//!
//! Each guard is the figure measured with the engine when the corpus was
//! added, with a small margin: a regression guard, not a goal. The goals
//! (the targets) are in the table too, and in `corpus/README.md`;
//! raise a guard when the engine reaches a better figure. See the table
//! with `cargo test --test main hard -- --nocapture`.

use crate::util::{ok, run, TempDir};
use boilercut::eval::{Score, KEEP_PREFIX};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// One kind and its limits: for a kind to remove, the least removal F1
/// (measured on the sites that carry it); for a kind to keep, the largest
/// share of its words lost.
struct Guard {
    kind: &'static str,
    /// Current figure minus (F1) or plus (loss) a margin.
    guard: f64,
    /// The target.
    target: f64,
}

const fn g(kind: &'static str, guard: f64, target: f64) -> Guard {
    Guard {
        kind,
        guard,
        target,
    }
}

/// Measured 2026-12-02 with the engine at af79778 (`corpus/README.md` has the
/// table); `keep:byline` and `keep:background` lowered on 2026-12-03 (0.048
/// and 0 lost). Guards: removal F1 minus 0.03, share lost plus 0.02 (plus 0.01
/// where nothing is lost now), capped at 1: a kind now lost whole (`1.0`)
/// has a guard that cannot fail until the engine improves and the guard is
/// lowered.
const GUARDS: &[Guard] = &[
    // to remove: removal F1 at least
    g("menu", 0.97, 0.95),
    g("shortline", 0.88, 0.95),
    g("vartail", 0.97, 0.80),
    g("label", 0.57, 0.95),
    g("smallsite", 0.0, 0.95),
    // to keep: share of words lost at most
    g("keep:numbered", 0.073, 0.001),
    g("keep:urls", 0.16, 0.001),
    g("keep:camel", 0.01, 0.001),
    g("keep:abbrev", 0.01, 0.001),
    g("keep:value", 1.0, 0.001),
    g("keep:byline", 0.068, 0.001),
    g("keep:background", 0.01, 0.05),
    g("keep:neardup", 0.672, 0.001),
    g("keep:exactdup", 0.01, 0.001),
];

/// The whole corpus: (F1 at least, article words lost at most), measured
/// 0.640 and 6.35% at af79778, 0.7995 and 3.07% on 2026-12-03 (the keep
/// kinds above are most of the loss); targets 0.95 and 0.1%.
const OVERALL: (f64, f64) = (0.77, 0.035);

/// Per-kind figures of a cleaned hard corpus: for each kind, (words, value)
/// where value is the removal F1 on the kind's sites (kinds to remove) or
/// the share of its words removed (kinds to keep).
pub fn per_kind(labels: &str, output: &str) -> (Score, BTreeMap<String, (u64, f64)>) {
    let outs: HashMap<String, String> = output
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sites: BTreeMap<String, Score> = BTreeMap::new();
    let mut all = Score::default();
    for l in labels.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        let spans: Vec<(Range<usize>, String)> = v["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let (a, b) = (s[0].as_u64().unwrap(), s[1].as_u64().unwrap());
                (a as usize..b as usize, s[2].as_str().unwrap().to_string())
            })
            .collect();
        let (id, text) = (v["id"].as_str().unwrap(), v["text"].as_str().unwrap());
        let out = outs.get(id).map(String::as_str);
        all.add(text, &spans, out);
        sites
            .entry(v["site"].as_str().unwrap().to_string())
            .or_default()
            .add(text, &spans, out);
    }
    // A kind to remove is scored on the sites that carry it: its own words
    // are the boilerplate, every article word removed there is a false
    // positive. A kind to keep is scored by the share of its words removed.
    let mut acc: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new(); // words, removed, fp
    for s in sites.values() {
        for (k, c) in &s.per_kind {
            let a = acc.entry(k.clone()).or_default();
            a.0 += c.words;
            a.1 += c.removed;
            a.2 += s.false_pos;
        }
    }
    let kinds = acc
        .into_iter()
        .map(|(k, (words, removed, fp))| {
            let v = if k.starts_with(KEEP_PREFIX) {
                removed as f64 / words.max(1) as f64
            } else {
                let missed = words - removed;
                2.0 * removed as f64 / (2 * removed + fp + missed).max(1) as f64
            };
            (k, (words, v))
        })
        .collect();
    (all, kinds)
}

#[test]
fn hard_corpus_per_kind_guards() {
    let root = env!("CARGO_MANIFEST_DIR");
    let t = TempDir::new("hard");
    ok(&run(
        &[
            "clean",
            &format!("{root}/corpus/hard/corpus.jsonl"),
            "-o",
            &t.s("out.jsonl"),
            "--group-field",
            "site",
            "-q",
        ],
        b"",
    ));
    let labels = std::fs::read_to_string(format!("{root}/corpus/hard/labels.jsonl")).unwrap();
    let output = std::fs::read_to_string(t.join("out.jsonl")).unwrap();
    let (all, got) = per_kind(&labels, &output);
    eprintln!(
        "| kind | words | removal F1 / share lost | guard | target |\n|---|---:|---:|---:|---:|"
    );
    let mut bad = Vec::new();
    for gd in GUARDS {
        let (words, v) = *got
            .get(gd.kind)
            .unwrap_or_else(|| panic!("corpus/hard has no {} words", gd.kind));
        let keep = gd.kind.starts_with(KEEP_PREFIX);
        let (op, pass) = if keep {
            ("<=", v <= gd.guard + 1e-9)
        } else {
            (">=", v >= gd.guard - 1e-9)
        };
        eprintln!(
            "| {} | {words} | {v:.3} | {op} {:.3} | {op} {:.3} |",
            gd.kind, gd.guard, gd.target
        );
        if !pass {
            bad.push(format!("{} {v:.3} (guard {op} {:.3})", gd.kind, gd.guard));
        }
    }
    eprintln!(
        "overall: F1 {:.4} (guard >= {}), article words lost {:.3}% (guard <= {:.1}%)",
        all.f1(),
        OVERALL.0,
        100.0 * all.article_lost(),
        100.0 * OVERALL.1
    );
    if all.f1() < OVERALL.0 || all.article_lost() > OVERALL.1 {
        bad.push("overall".to_string());
    }
    assert!(bad.is_empty(), "worse than when measured: {bad:?}");
    // Every hard kind of the corpus has a guard.
    for k in got.keys() {
        assert!(
            matches!(k.as_str(), "share" | "copyright") || GUARDS.iter().any(|g| g.kind == k),
            "no guard for {k}"
        );
    }
}
