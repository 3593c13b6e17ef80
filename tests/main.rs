//! Integration tests: one binary, a module per subject.

mod cli;
mod engine;
mod hard;
mod limits;
mod prop;
mod safety;
mod stream;
mod util;
