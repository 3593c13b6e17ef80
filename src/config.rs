//! Config: the options of learning and detection, and the builder that
//! checks them.

use std::fmt;

/// Share of a group's documents under which a frequent paragraph of prose
/// may be reused text (see [`Config::reuse_ceiling`]).
const REUSED_FRACTION: f64 = 0.1;

/// The options of a learner and of the model it yields. Built by
/// [`LearnerBuilder`]; read back with [`crate::Model::config`].
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub(crate) shingle_words: usize,
    pub(crate) min_docs: u64,
    pub(crate) min_fraction: f64,
    pub(crate) max_gap: usize,
    pub(crate) min_run: usize,
    pub(crate) snap_words: usize,
    pub(crate) short_lines: bool,
    pub(crate) max_affix_words: usize,
    /// Documents longer than this (bytes) are neither learned from nor
    /// cleaned; `u64::MAX` for no cap.
    pub(crate) max_doc_bytes: u64,
    /// How the inputs were read (text and group fields), as the caller
    /// describes it; empty by default.
    pub(crate) input_spec: String,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            shingle_words: 8,
            min_docs: 4,
            min_fraction: 0.02,
            max_gap: 3,
            min_run: 16,
            snap_words: 2,
            short_lines: true,
            max_affix_words: 7,
            max_doc_bytes: 16 << 20,
            input_spec: String::new(),
        }
    }
}

impl Config {
    /// Words per shingle (k).
    pub fn shingle_words(&self) -> usize {
        self.shingle_words
    }
    /// Minimum number of documents a feature must occur in.
    pub fn min_docs(&self) -> u64 {
        self.min_docs
    }
    /// Minimum share of its group's documents a feature must occur in.
    pub fn min_fraction(&self) -> f64 {
        self.min_fraction
    }
    /// Longest run of unmatched words bridged inside a block.
    pub fn max_gap(&self) -> usize {
        self.max_gap
    }
    /// Shortest shingle run cut without boundaries on both sides.
    pub fn min_run(&self) -> usize {
        self.min_run
    }
    /// How many words a block may be widened to reach a boundary.
    pub fn snap_words(&self) -> usize {
        self.snap_words
    }
    /// Whether repeated short lines are detected.
    pub fn short_lines(&self) -> bool {
        self.short_lines
    }
    /// Longest repeated document prefix or suffix detected, in words
    /// (0 turns the prefix/suffix detector off).
    pub fn max_affix_words(&self) -> usize {
        self.max_affix_words
    }

    /// Documents longer than this many bytes are not learned from and are
    /// passed through unchanged when cleaning (`None`: no cap). See
    /// [`LearnerBuilder::max_doc_bytes`].
    pub fn max_doc_bytes(&self) -> Option<u64> {
        (self.max_doc_bytes != u64::MAX).then_some(self.max_doc_bytes)
    }
    /// How the inputs were read, as given to [`LearnerBuilder::input_spec`].
    pub fn input_spec(&self) -> &str {
        &self.input_spec
    }

    /// The document frequency a feature needs in a group of `docs` documents.
    pub fn threshold(&self, docs: u64) -> u64 {
        let by_fraction = (self.min_fraction * docs as f64).ceil() as u64;
        self.min_docs.max(by_fraction).max(1)
    }

    /// The document frequency, one short of [`Config::threshold`], at which
    /// a shingle still counts inside a long block (see
    /// [`crate::shingle::NEAR_RUN`]); `None` when that would be under 3.
    pub fn near_threshold(&self, docs: u64) -> Option<u64> {
        let t = self.threshold(docs);
        (t >= 4).then(|| t - 1)
    }

    /// The document frequency under which a frequent paragraph of prose,
    /// between two of a page's own, is text the site reuses rather than
    /// template: a tenth of the group's documents (see
    /// [`crate::shingle::reused_mark`]). At or under [`Config::threshold`]
    /// for groups of 40 documents or fewer (with the default options): in
    /// a small site a few pages are a large share.
    pub fn reuse_ceiling(&self, docs: u64) -> u64 {
        (REUSED_FRACTION * docs as f64).ceil() as u64
    }
}

/// An option given to [`LearnerBuilder`] is out of range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    msg: String,
}

impl BuildError {
    pub(crate) fn new(msg: impl Into<String>) -> BuildError {
        BuildError { msg: msg.into() }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid option: {}", self.msg)
    }
}

impl std::error::Error for BuildError {}

/// Builds a [`crate::Learner`]. Every setter documents its default.
#[derive(Clone, Debug, Default)]
pub struct LearnerBuilder {
    config: Config,
    memory: Option<u64>,
    spill_dir: Option<std::path::PathBuf>,
    expected_bytes: u64,
    /// The document size cap given explicitly (otherwise derived from
    /// `memory`).
    max_doc_bytes: Option<u64>,
}

/// The documents learned at most: 16 MiB, and with a memory budget larger
/// than 1.125 GiB (the command line's default `--memory 1.5G` gives the
/// learner that much) a seventy-second of it. Learning a document holds up
/// to ~44 bytes per byte of its text (its words, keys and the set that drops
/// repeated keys, measured on text of one-letter words; ~17 on news), so
/// the default budget covers one of 16 MiB; smaller budgets keep 16 MiB,
/// so that a budget only makes counting spill and never changes the model
/// of ordinary articles.
pub(crate) fn doc_cap(memory: Option<u64>) -> u64 {
    memory.map_or(0, |m| m / 72).max(16 << 20)
}

impl LearnerBuilder {
    /// A builder with the default options.
    pub fn new() -> LearnerBuilder {
        LearnerBuilder::default()
    }

    /// Words per shingle, k. Default 8, range 2..=64. Smaller finds shorter
    /// blocks; larger resists common phrases.
    pub fn shingle_words(&mut self, k: usize) -> &mut LearnerBuilder {
        self.config.shingle_words = k;
        self
    }

    /// A feature is boilerplate in its group only if at least this many
    /// documents contain it. Default 4, minimum 2: a paragraph a site reuses
    /// in two or three follow-up stories stays.
    pub fn min_docs(&mut self, n: u64) -> &mut LearnerBuilder {
        self.config.min_docs = n;
        self
    }

    /// ... and at least this share of the group's documents. Default 0.02,
    /// range 0.0..=1.0.
    pub fn min_fraction(&mut self, f: f64) -> &mut LearnerBuilder {
        self.config.min_fraction = f;
        self
    }

    /// Unmatched words bridged inside a block (a varying name or date).
    /// Default 3.
    pub fn max_gap(&mut self, words: usize) -> &mut LearnerBuilder {
        self.config.max_gap = words;
        self
    }

    /// A run of matched shingles shorter than this many words is cut only if
    /// it already starts and ends at a sentence or line boundary; longer runs
    /// are widened to the nearest boundary. Default 16.
    pub fn min_run(&mut self, words: usize) -> &mut LearnerBuilder {
        self.config.min_run = words;
        self
    }

    /// How many words a long run may be widened to reach a boundary.
    /// Default 2.
    pub fn snap_words(&mut self, words: usize) -> &mut LearnerBuilder {
        self.config.snap_words = words;
        self
    }

    /// Detect whole repeated lines shorter than k words ("Advertisement").
    /// Default on.
    pub fn short_lines(&mut self, on: bool) -> &mut LearnerBuilder {
        self.config.short_lines = on;
        self
    }

    /// Longest repeated prefix or suffix (in words) detected at the start or
    /// end of documents, such as a scraper's `NEWSWIRE EXCLUSIVE:`. Default 7;
    /// 0 turns the detector off. At most 64.
    pub fn max_affix_words(&mut self, words: usize) -> &mut LearnerBuilder {
        self.config.max_affix_words = words;
        self
    }

    /// Documents longer than this many bytes are not learned from (counted
    /// in [`crate::LearnStats::too_large`]) and the model passes them
    /// through unchanged, so that one huge document cannot exhaust memory.
    /// Default 16 MiB, or a seventy-second of a
    /// [`LearnerBuilder::memory_limit`] above 1.125 GiB; `u64::MAX` for no
    /// cap. Models learned with different caps differ (and their count
    /// files do not merge) only if a document between the two caps was
    /// learned.
    pub fn max_doc_bytes(&mut self, bytes: u64) -> &mut LearnerBuilder {
        self.max_doc_bytes = Some(bytes);
        self
    }

    /// An opaque description of how the inputs were read (which field holds
    /// the text, how documents are grouped), stored in count files and
    /// models: [`crate::merge_count_files`] refuses count files whose
    /// descriptions differ. Default empty. The command line sets it to
    /// `text=FIELD;group=field:FIELD` (or `host:FIELD`, or `none`).
    pub fn input_spec(&mut self, spec: impl Into<String>) -> &mut LearnerBuilder {
        self.config.input_spec = spec.into();
        self
    }

    pub(crate) fn from_config(config: Config) -> LearnerBuilder {
        LearnerBuilder {
            max_doc_bytes: Some(config.max_doc_bytes),
            config,
            memory: None,
            spill_dir: None,
            expected_bytes: 0,
        }
    }

    /// Memory budget of the learner, in bytes: three quarters for the
    /// occurrences waiting to be counted, the rest for the tables that count
    /// them. Beyond it the occurrences are appended to per-partition files
    /// on disk and counted a partition at a time (exact, so the model does
    /// not change). Default: no budget (everything stays in memory, 12 bytes
    /// per feature per document). A budget over 1.125 GiB also raises the
    /// default [`LearnerBuilder::max_doc_bytes`].
    pub fn memory_limit(&mut self, bytes: Option<u64>) -> &mut LearnerBuilder {
        self.memory = bytes;
        self
    }

    /// Folder for spilled runs (a subfolder is created and removed at the
    /// end, on error too). Default: the system's temporary folder.
    pub fn spill_dir(&mut self, dir: Option<std::path::PathBuf>) -> &mut LearnerBuilder {
        self.spill_dir = dir;
        self
    }

    /// About how many bytes of input will be learned (a hint). The count
    /// tables are then allocated once at the size that needs, within the
    /// memory limit, instead of doubling their way to it (each doubling
    /// rehashes every key). Default 0: start small and grow.
    pub fn expected_bytes(&mut self, bytes: u64) -> &mut LearnerBuilder {
        self.expected_bytes = bytes;
        self
    }

    /// Check the options and build a learner.
    pub fn build(&self) -> Result<crate::Learner, BuildError> {
        Ok(crate::Learner::new(
            self.config()?,
            self.memory,
            self.spill_dir.clone(),
            self.expected_bytes,
        ))
    }

    /// Check the options and return them.
    pub fn config(&self) -> Result<Config, BuildError> {
        let mut c = self.config.clone();
        c.max_doc_bytes = self.max_doc_bytes.unwrap_or_else(|| doc_cap(self.memory));
        if c.max_doc_bytes == 0 {
            return Err(BuildError::new("max doc bytes must be at least 1"));
        }
        if !(2..=64).contains(&c.shingle_words) {
            return Err(BuildError::new(format!(
                "shingle words must be 2..=64, got {}",
                c.shingle_words
            )));
        }
        if c.min_docs < 2 {
            return Err(BuildError::new(format!(
                "min docs must be at least 2, got {}",
                c.min_docs
            )));
        }
        if !(0.0..=1.0).contains(&c.min_fraction) {
            return Err(BuildError::new(format!(
                "min fraction must be in 0..=1, got {}",
                c.min_fraction
            )));
        }
        if c.max_gap > 64 || c.snap_words > 64 || c.max_affix_words > 64 || c.min_run > 1 << 20 {
            return Err(BuildError::new(
                "max gap, snap words and affix words must be at most 64",
            ));
        }
        Ok(c)
    }
}

/// `2G`, `256M`, `512k`, `1.5G`, `1000`: a size in bytes, as `--memory`
/// takes it (K, M, G, T are powers of 1024). The error says what is wrong
/// with `s`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'T' => 1 << 40,
                _ => return Err(format!("unknown size suffix in {s:?} (use K, M, G or T)")),
            };
            (&s[..i], m)
        }
        _ => (s, 1),
    };
    let n: f64 = num.parse().map_err(|_| format!("not a size: {s:?}"))?;
    if n.is_nan() || n <= 0.0 {
        return Err(format!("size must be positive: {s:?}"));
    }
    Ok((n * mult as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        let c = Config::default();
        assert_eq!(c.threshold(4), 4);
        assert_eq!(c.threshold(1000), 20);
        assert_eq!(c.threshold(1001), 21);
        // One document short, never under 3.
        assert_eq!(c.near_threshold(4), Some(3));
        assert_eq!(c.near_threshold(1000), Some(19));
        let low = LearnerBuilder::new().min_docs(3).config().unwrap();
        assert_eq!(low.near_threshold(5), None);
    }

    #[test]
    fn rejects_bad_options() {
        assert!(LearnerBuilder::new().shingle_words(1).config().is_err());
        assert!(LearnerBuilder::new().min_docs(1).config().is_err());
        assert!(LearnerBuilder::new()
            .min_fraction(f64::NAN)
            .config()
            .is_err());
        assert!(LearnerBuilder::new().min_fraction(1.5).config().is_err());
        let e = LearnerBuilder::new()
            .shingle_words(100)
            .config()
            .unwrap_err();
        assert!(e.to_string().starts_with("invalid option: shingle words"));
        assert!(LearnerBuilder::new()
            .shingle_words(5)
            .min_docs(2)
            .config()
            .is_ok());
    }
}
