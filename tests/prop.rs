//! Property tests: determinism across thread counts and invariants of cleaning on random corpora.
