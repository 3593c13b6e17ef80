//! Integration tests: one binary, a module per subject.

mod cli;
mod engine;
mod fields;
mod hard;
mod limits;
mod prop;
mod report;
mod safety;
mod stream;
mod util;
