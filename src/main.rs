//! The `boilercut` command: learn repeated blocks over JSONL or text files
//! and cut them out. All engine logic lives in the library; this binary
//! parses flags, wires readers and writers to it, and reports.

mod cli;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            if cli::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "boilercut: {err:#}");
            if err.downcast_ref::<cli::UsageError>().is_some() {
                ExitCode::from(cli::EXIT_USAGE)
            } else {
                ExitCode::from(cli::EXIT_DATA)
            }
        }
    }
}
