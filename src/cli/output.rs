//! Outputs: files written to a temporary name beside their target and renamed
//! only when the whole run succeeded, so a failed run leaves the previous
//! output or none, never half a file that looks complete. A target that
//! exists and is not a regular file (`/dev/null`, a named pipe, a terminal)
//! is written in place: renaming over it would replace the device.

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
    temp: Option<PathBuf>,
    enc: Option<Encoder>,
    done: bool,
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
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("{}: cannot create folder", dir.display()))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let special = std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir());
        let (file, temp) = if special {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(target)
                .with_context(|| format!("{}: cannot open for writing", target.display()))?;
            (file, None)
        } else {
            let temp = dir.join(format!(".{name}.boilercut-{}.tmp", std::process::id()));
            // Synced before it is renamed anyway: written around the page
            // cache where the file system allows (see `boilercut::direct`).
            let file = boilercut::direct::create(&temp)
                .with_context(|| format!("{}: cannot create", temp.display()))?;
            (file, Some(temp))
        };
        let shown = temp.as_deref().unwrap_or(target).display().to_string();
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
            done: false,
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
        if let Some(temp) = &self.temp {
            std::fs::rename(temp, &self.target).with_context(|| {
                format!(
                    "{}: cannot rename from {}",
                    self.target.display(),
                    temp.display()
                )
            })?;
        }
        self.done = true;
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
        if !self.done {
            drop(self.enc.take());
            if let Some(temp) = &self.temp {
                let _ = std::fs::remove_file(temp);
            }
        }
    }
}

/// Write `bytes` to `target` atomically, uncompressed.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create_with(target, false)?;
    f.write_all(bytes)
        .with_context(|| format!("{}: write failed", target.display()))?;
    f.commit()
}
