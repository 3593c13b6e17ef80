//! Outputs: files written to a temporary name beside their target and renamed
//! only when the whole run succeeded, so a failed run leaves the previous
//! output or none, never half a file that looks complete. A target that
//! exists and is not a regular file (`/dev/null`, a named pipe, a terminal)
//! is written in place: renaming over it would replace the device.

use super::cleanup;
use anyhow::{Context, Result};
use boilercut::direct::DirectWriter;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

enum Encoder {
    Plain(DirectWriter),
    Gzip(flate2::write::GzEncoder<DirectWriter>),
    Zstd(zstd::Encoder<'static, DirectWriter>),
}

/// An output file being written under a temporary name (or, for a device
/// or pipe, in place: then `temp` is `None`).
pub struct AtomicFile {
    target: PathBuf,
    temp: Option<cleanup::Guard>,
    enc: Option<Encoder>,
}

impl AtomicFile {
    /// Start writing `target`, compressed when its name ends with `.gz` or
    /// `.zst`. Creates missing parent folders.
    pub fn create(target: &Path) -> Result<AtomicFile> {
        AtomicFile::create_with(target, true)
    }

    /// Start writing `target` uncompressed, whatever its name.
    pub fn create_plain(target: &Path) -> Result<AtomicFile> {
        AtomicFile::create_with(target, false)
    }

    fn create_with(target: &Path, compress: bool) -> Result<AtomicFile> {
        let target = resolve(target);
        let target = target.as_path();
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let special = std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir())
            || is_system_path(target);
        let (file, temp) = if special {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(target)
                .with_context(|| format!("{}: cannot open for writing", target.display()))?;
            (file, None)
        } else {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("{}: cannot create folder", dir.display()))?;
            // Unique per output of the run: two outputs with one file name
            // never share a temporary.
            static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let temp = dir.join(format!(".{name}.boilercut-{}-{n}.tmp", std::process::id()));
            // Synced before it is renamed anyway: written around the page
            // cache where the file system allows (see `boilercut::direct`).
            let (file, guard) = cleanup::create_file(&temp, boilercut::direct::create)
                .with_context(|| format!("{}: cannot create", temp.display()))?;
            (file, Some(guard))
        };
        let shown = temp
            .as_ref()
            .map_or(target, |g| g.path())
            .display()
            .to_string();
        let w = DirectWriter::new(file, 4 << 20);
        let lower = name.to_ascii_lowercase();
        let enc = if !compress {
            Encoder::Plain(w)
        } else if lower.ends_with(".gz") {
            Encoder::Gzip(flate2::write::GzEncoder::new(
                w,
                flate2::Compression::new(6),
            ))
        } else if lower.ends_with(".zst") {
            Encoder::Zstd(zstd::Encoder::new(w, 3).with_context(|| format!("{shown}: zstd"))?)
        } else {
            Encoder::Plain(w)
        };
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
            enc: Some(enc),
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Finish compression and flush, still under the temporary name.
    pub fn finish(&mut self) -> Result<()> {
        let ctx = || format!("{}: write failed", self.target.display());
        let file = match self.enc.take() {
            Some(Encoder::Plain(w)) => w.finish().with_context(ctx)?,
            Some(Encoder::Gzip(g)) => g.finish().with_context(ctx)?.finish().with_context(ctx)?,
            Some(Encoder::Zstd(z)) => z.finish().with_context(ctx)?.finish().with_context(ctx)?,
            None => return Ok(()),
        };
        if self.temp.is_some() {
            file.sync_data().with_context(ctx)?;
        }
        Ok(())
    }

    /// Give the file its real name. Call after `finish`.
    pub fn commit(mut self) -> Result<()> {
        self.finish()?;
        if let Some(temp) = self.temp.take() {
            std::fs::rename(temp.path(), &self.target).with_context(|| {
                format!(
                    "{}: cannot rename from {}",
                    self.target.display(),
                    temp.path().display()
                )
            })?;
            temp.keep();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.enc {
            Some(Encoder::Plain(w)) => w.write(buf),
            Some(Encoder::Gzip(w)) => w.write(buf),
            Some(Encoder::Zstd(w)) => w.write(buf),
            None => Err(io::Error::other("write after finish")),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.enc {
            Some(Encoder::Plain(w)) => w.write_all(buf),
            Some(Encoder::Gzip(w)) => w.write_all(buf),
            Some(Encoder::Zstd(w)) => w.write_all(buf),
            None => Err(io::Error::other("write after finish")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Close the file, then the guard removes the temporary.
        drop(self.enc.take());
        drop(self.temp.take());
    }
}

/// Files under these are devices, descriptors and kernel views, never
/// replaced by a rename (`/dev/stdout` redirected to a file included).
fn is_system_path(p: &Path) -> bool {
    p.starts_with("/dev") || p.starts_with("/proc")
}

/// Follow a symbolic link to the file it names, so that the file is
/// replaced and the link kept (up to 40 links, as the kernel does; a
/// dangling link resolves to its missing target). Links into `/dev` or
/// `/proc` are left to be written in place.
pub fn resolve(target: &Path) -> PathBuf {
    let mut p = target.to_path_buf();
    for _ in 0..40 {
        if is_system_path(&p) {
            return p;
        }
        match std::fs::read_link(&p) {
            Ok(next) => {
                p = match p.parent() {
                    Some(parent) if next.is_relative() => parent.join(next),
                    _ => next,
                }
            }
            Err(_) => return p,
        }
    }
    p
}

/// Write `bytes` to `target` atomically, uncompressed.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create_with(target, false)?;
    f.write_all(bytes)
        .with_context(|| format!("{}: write failed", target.display()))?;
    f.commit()
}
