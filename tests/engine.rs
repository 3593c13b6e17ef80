//! The engine through the library API, on fixtures in the seed's pattern.

use crate::util::{seed_like_articles, words};
use boilercut::LearnerBuilder;

/// Issue 2: six articles in the seed's pattern lose the prefix and the
/// appeal (glued mid-line, wrapped differently in each) and keep every
/// article sentence.
#[test]
fn seed_pattern_loses_prefix_and_appeal_keeps_article() {
    let docs = seed_like_articles();
    let learner = LearnerBuilder::new().build().unwrap();
    for (doc, _) in &docs {
        learner.add(doc, "harborledger");
    }
    let model = learner.finish().unwrap();
    for (i, (doc, article)) in docs.iter().enumerate() {
        let out = model.clean(doc, "harborledger");
        assert_eq!(
            words(&out.text),
            words(article),
            "document {i}:\n{}",
            out.text
        );
        assert!(!out.text.contains("EXCLUSIVE"), "document {i}");
        assert!(!out.text.contains("Harbor Ledger"), "document {i}");
        // The output is the input minus the reported spans.
        let mut rebuilt = String::new();
        let mut at = 0;
        for r in &out.removed {
            rebuilt.push_str(&doc[at..r.start]);
            at = r.end;
        }
        rebuilt.push_str(&doc[at..]);
        assert_eq!(rebuilt, out.text);
        // The article's last sentence, glued to the appeal, is whole.
        assert!(
            out.text.trim_end().ends_with(')') || out.text.trim_end().ends_with('.'),
            "{}",
            out.text
        );
    }
}

/// Cleaning twice with the same model changes nothing more.
#[test]
fn cleaning_is_idempotent() {
    let docs = seed_like_articles();
    let learner = LearnerBuilder::new().build().unwrap();
    for (doc, _) in &docs {
        learner.add(doc, "g");
    }
    let model = learner.finish().unwrap();
    for (doc, _) in &docs {
        let once = model.clean(doc, "g").text.into_owned();
        let twice = model.clean(&once, "g");
        assert_eq!(twice.text, once);
    }
}

/// A paragraph a site reuses in three follow-ups stays (min_docs 4).
#[test]
fn followup_paragraph_reused_three_times_stays() {
    let mut rng = crate::util::Rng::new(3);
    let reused =
        "The dispute began in March when the port raised its fees for small boats by a third, \
                  and owners said they could no longer afford to moor in the harbour.";
    let learner = LearnerBuilder::new().build().unwrap();
    let mut docs = Vec::new();
    for i in 0..20 {
        let mut d: String = (0..6)
            .map(|_| crate::util::sentence(&mut rng) + " ")
            .collect();
        if i < 3 {
            d.push_str(reused);
        }
        learner.add(&d, "site");
        docs.push(d);
    }
    let model = learner.finish().unwrap();
    for d in &docs {
        assert!(model.clean(d, "site").removed.is_empty(), "{d}");
    }
}
