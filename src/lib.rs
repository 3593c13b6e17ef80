//! boilercut finds the blocks that scraped articles repeat across a site
//! (donation appeals, newsletter prompts, cookie notices, share bars,
//! copyright lines, author bios, ad inserts, scraper prefixes) and cuts them
//! out, leaving the article.
//!
//! The only signal left once text is extracted is repetition across the
//! documents of one source, so boilercut works in two steps: a [`Learner`]
//! counts, per group (site), how many documents contain each run of words;
//! the resulting [`Model`] marks in a document the words covered by runs
//! frequent in its group and cuts them out, every copy including the first.
//!
//! A document travels through the modules in this order:
//! [`tokenize`] → [`shingle`] → [`count`] → [`model`] → [`detect`] →
//! [`cut`]; [`online`] runs the same engine one page at a time, learning
//! as pages arrive; [`jsonl`] reads and writes records, [`eval`] scores a result
//! against labels.
//!
//! ```
//! use boilercut::LearnerBuilder;
//!
//! let learner = LearnerBuilder::new().build().unwrap();
//! let appeal = "A message from the Harbor Gazette: we rely on readers like you. \
//!               Support our newsroom from just $3 a month.";
//! let stories = [
//!     "The council approved the new budget on Tuesday.",
//!     "Fishermen reported a record catch this spring.",
//!     "The old lighthouse will reopen to visitors in June.",
//!     "A storm closed the coastal road for two days.",
//!     "Students built a robot that sorts recycling.",
//! ];
//! for s in stories {
//!     learner.add(&format!("{s}{appeal}"), "harborgazette.example");
//! }
//! let model = learner.finish().unwrap();
//!
//! let page = "Ferry fares will rise next month.A message from the Harbor Gazette: \
//!             we rely on readers like you. Support our newsroom from just $10 a month.";
//! let out = model.clean(page, "harborgazette.example");
//! assert_eq!(out.text, "Ferry fares will rise next month.");
//! assert_eq!(out.removed.len(), 1);
//! ```
#![deny(missing_docs)]

pub mod config;
pub mod count;
pub mod counts;
pub mod cut;
pub mod detect;
#[doc(hidden)]
pub mod direct;
pub mod eval;
pub mod jsonl;
pub mod model;
pub mod online;
pub mod shingle;
pub mod tokenize;

#[cfg(test)]
mod naive;

pub use config::{BuildError, Config, LearnerBuilder};
pub use count::{Batch, LearnError, LearnStats, Learner};
pub use counts::{merge_count_files, merge_count_files_with_stats, CountsError, MergeStats};
pub use model::{Cleaned, Explained, GroupInfo, Kinds, Model, ModelError, Scratch};
pub use online::{
    OnlineBuilder, OnlineCleaner, OnlineStats, Prepared, Preparer, Released, StateError,
};

#[cfg(test)]
mod oibits {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn send_sync() {
        assert_send_sync::<Learner>();
        assert_send_sync::<Model>();
        assert_send_sync::<Config>();
        assert_send_sync::<LearnerBuilder>();
        fn assert_send<T: Send>() {}
        assert_send::<Batch>();
        assert_send::<Scratch>();
        assert_send::<OnlineCleaner>();
        assert_send_sync::<OnlineBuilder>();
        assert_send_sync::<Prepared>();
        assert_send_sync::<Preparer>();
    }
}
