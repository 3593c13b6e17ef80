//! Integration tests: one binary, a module per subject.

mod cli;
mod engine;
mod limits;
mod prop;
mod safety;
mod util;
