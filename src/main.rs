//! The `boilercut` command: learn repeated blocks over JSONL or text files
//! and cut them out. All engine logic lives in the library; this binary
//! parses flags, wires readers and writers to it, and reports.

mod cli;

use std::io::Write;
use std::process::ExitCode;

/// Keep freed buffers in the process: every chunk read and every chunk
/// written is a buffer of a few MiB, and glibc would return each to the
/// system (`mmap` above 128 KiB at first, heap trimming) only to map and
/// zero fresh pages for the next one: tens of thousands of page faults a
/// run, costly on virtual machines (BENCHMARKS.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_freed_memory() {
    // SAFETY: `mallopt` only sets allocator parameters; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_freed_memory() {}

fn main() -> ExitCode {
    keep_freed_memory();
    // Before any other thread starts: they inherit the blocked signals.
    cli::cleanup::install();
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
