//! What a run must not leave behind: temporary outputs beside their targets
//! and the run's own temporary folder (standard-input spools, spilled
//! counts). Each is registered here while it exists, so that SIGINT, SIGTERM
//! and SIGHUP (how Slurm, Spark and a terminal stop a task) remove them
//! before the process exits with 128 + the signal's number.
//!
//! The signals are blocked in every thread (`install` runs before any other
//! thread starts, and threads inherit the mask) and taken by one thread with
//! `sigwait`, so the removal runs as ordinary code, not in a signal handler.
//! Files are created while the registry's lock is held, and the signal
//! thread holds that lock until the process exits: no file can be created
//! after the sweep. A SIGKILL cannot be caught; docs/robustness.md names
//! what it leaves.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

struct Entry {
    id: u64,
    path: PathBuf,
    dir: bool,
}

struct Registry {
    next: u64,
    entries: Vec<Entry>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    next: 0,
    entries: Vec::new(),
});

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

fn remove(path: &Path, dir: bool) {
    if dir {
        // Another thread may still be adding files to it: try again.
        for _ in 0..3 {
            if std::fs::remove_dir_all(path).is_ok() || !path.exists() {
                return;
            }
        }
    } else {
        let _ = std::fs::remove_file(path);
    }
}

/// A registered path: removed (and forgotten) when dropped, unless kept.
#[derive(Debug)]
pub struct Guard {
    id: u64,
    path: PathBuf,
    dir: bool,
    keep: bool,
}

impl Guard {
    /// The registered path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Forget the path without removing it (it was renamed into place).
    pub fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let mut reg = registry();
        if !self.keep {
            remove(&self.path, self.dir);
        }
        reg.entries.retain(|e| e.id != self.id);
    }
}

/// Create `path` with `create` while no signal can sweep, and register it.
fn register<T>(
    path: &Path,
    dir: bool,
    create: impl FnOnce(&Path) -> io::Result<T>,
) -> io::Result<(T, Guard)> {
    let mut reg = registry();
    let made = create(path)?;
    let id = reg.next;
    reg.next += 1;
    reg.entries.push(Entry {
        id,
        path: path.to_path_buf(),
        dir,
    });
    Ok((
        made,
        Guard {
            id,
            path: path.to_path_buf(),
            dir,
            keep: false,
        },
    ))
}

/// Create a temporary file with `create` and register it.
pub fn create_file<T>(
    path: &Path,
    create: impl FnOnce(&Path) -> io::Result<T>,
) -> io::Result<(T, Guard)> {
    register(path, false, create)
}

/// A folder of this run's own (`boilercut-run-PID-N`) inside `parent`,
/// removed with everything in it at the end, on error, or on a signal.
pub fn run_dir(parent: &Path) -> io::Result<Guard> {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = parent.join(format!("boilercut-run-{}-{n}", std::process::id()));
    register(&path, true, |p| std::fs::create_dir_all(p)).map(|((), g)| g)
}

/// Remove every registered path now (the process is about to exit).
fn sweep() -> std::sync::MutexGuard<'static, Registry> {
    let reg = registry();
    for e in &reg.entries {
        remove(&e.path, e.dir);
    }
    reg
}

/// Take SIGINT, SIGTERM and SIGHUP on a thread of their own: remove every
/// registered path, then exit with 128 + the signal. Call first in `main`,
/// before any other thread exists.
#[cfg(unix)]
pub fn install() {
    // SAFETY: the set is initialised by sigemptyset before use; masking
    // signals in the calling (only) thread is inherited by threads spawned
    // later, which is what makes `sigwait` the only receiver.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        set
    };
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let mut sig: libc::c_int = 0;
            // SAFETY: `set` is a valid, initialised signal set and `sig` a
            // valid place for the answer.
            if unsafe { libc::sigwait(&set, &mut sig) } != 0 {
                return;
            }
            let _held = sweep();
            let name = match sig {
                libc::SIGINT => "SIGINT",
                libc::SIGTERM => "SIGTERM",
                _ => "SIGHUP",
            };
            let _ = io::Write::write_all(
                &mut io::stderr(),
                format!("boilercut: stopped by {name}; temporary files removed\n").as_bytes(),
            );
            // SAFETY: ends the process at once, without running destructors
            // on other threads that are still working; the lock is held so no
            // new temporary file can appear.
            unsafe { libc::_exit(128 + sig) }
        });
    if spawned.is_err() {
        // No thread for signals: restore the default behaviour.
        // SAFETY: as above.
        unsafe {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
pub fn install() {}
