//! Spill files and outputs written (and spills read) around the page cache
//! (`O_DIRECT` on Linux), where the file system allows it.
//!
//! A spill is written once, read once and deleted; an output is synced to
//! disk before it gets its name, so the copy in the page cache buys nothing. Through the page cache
//! each of its pages is allocated, zeroed and copied into, and later written
//! back by the kernel: on the virtual machines we measured, 4 GB of buffered
//! writes cost 3 to 16 s of system CPU, against under 1 s direct. Direct I/O
//! needs buffers, file offsets and lengths in whole blocks of [`ALIGN`]
//! bytes: [`AlignedBuf`] gives the buffers, and spill blocks are padded to
//! a multiple of it. Where `O_DIRECT` is refused (some file systems, other
//! systems) the same files are written and read through the page cache.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Block size that direct I/O needs for buffers, offsets and lengths (the
/// page size; at least the logical block size of every common device).
pub const ALIGN: usize = 4096;

/// Round `n` up to a multiple of [`ALIGN`].
pub fn padded(n: usize) -> usize {
    n.div_ceil(ALIGN) * ALIGN
}

/// A zeroed byte buffer whose start is aligned to [`ALIGN`].
pub struct AlignedBuf {
    raw: Vec<u8>,
    off: usize,
    len: usize,
}

impl AlignedBuf {
    /// `len` zero bytes.
    pub fn zeroed(len: usize) -> AlignedBuf {
        let raw = vec![0u8; len + ALIGN];
        let off = raw.as_ptr().align_offset(ALIGN).min(ALIGN);
        AlignedBuf { raw, off, len }
    }
}

impl std::ops::Deref for AlignedBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.raw[self.off..self.off + self.len]
    }
}

impl std::ops::DerefMut for AlignedBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.raw[self.off..self.off + self.len]
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn open_direct(options: &mut std::fs::OpenOptions, path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    match options.clone().custom_flags(libc::O_DIRECT).open(path) {
        Ok(f) => Ok(f),
        // The file system does not do direct I/O (tmpfs on older kernels).
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => options.open(path),
        Err(e) => Err(e),
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn open_direct(options: &mut std::fs::OpenOptions, path: &Path) -> io::Result<File> {
    options.open(path)
}

/// Create `path` for writing whole aligned blocks, directly if possible.
pub fn create(path: &Path) -> io::Result<File> {
    open_direct(
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true),
        path,
    )
}

/// Open `path` for reading, directly if possible (read it with
/// [`AlignedReader`]).
pub fn open(path: &Path) -> io::Result<File> {
    open_direct(std::fs::OpenOptions::new().read(true), path)
}

/// A buffered reader whose buffer is aligned and read a whole multiple of
/// [`ALIGN`] at a time, as direct I/O needs.
pub struct AlignedReader {
    file: File,
    buf: AlignedBuf,
    pos: usize,
    end: usize,
}

impl AlignedReader {
    /// `capacity` is rounded up to a multiple of [`ALIGN`].
    pub fn new(file: File, capacity: usize) -> AlignedReader {
        AlignedReader {
            file,
            buf: AlignedBuf::zeroed(padded(capacity.max(1))),
            pos: 0,
            end: 0,
        }
    }
}

impl Read for AlignedReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.end {
            // Whole blocks only: a short read happens at the end of the file,
            // which the writer padded to a whole block.
            self.end = loop {
                match self.file.read(&mut self.buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    // Opened direct but refused: read through the page cache.
                    Err(e) if e.raw_os_error() == Some(EINVAL) && is_direct(&self.file) => {
                        stop_direct(&self.file)?
                    }
                    r => break r?,
                }
            };
            self.pos = 0;
        }
        let n = out.len().min(self.end - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Write all of `data` (whole aligned blocks) to `file`, through the page
/// cache if the file system refuses the direct write (it refuses before
/// writing anything: the alignment is checked first).
pub fn write_blocks(file: &File, data: &[u8]) -> io::Result<()> {
    use std::io::Write;
    match (&mut &*file).write_all(data) {
        Err(e) if e.raw_os_error() == Some(EINVAL) && is_direct(file) => {
            stop_direct(file)?;
            (&mut &*file).write_all(data)
        }
        r => r,
    }
}

/// Whether `file` was opened for direct I/O.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn is_direct(file: &File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: F_GETFL only reads the flags of a descriptor we own.
    let flags = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETFL) };
    flags >= 0 && flags & libc::O_DIRECT != 0
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn is_direct(_: &File) -> bool {
    false
}

/// Go on writing `file` through the page cache.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn stop_direct(file: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: F_GETFL/F_SETFL only read and change the status flags of a
    // descriptor we own.
    let ok = unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_DIRECT) == 0
    };
    if ok {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn stop_direct(_: &File) -> io::Result<()> {
    Ok(())
}

/// A buffered writer for a file from [`create`] (or any file): it writes
/// whole aligned blocks while the file is direct, and the last partial block
/// through the page cache in [`DirectWriter::finish`]. A file system that
/// accepts `O_DIRECT` at open but refuses the write gets the page cache.
pub struct DirectWriter {
    file: File,
    buf: AlignedBuf,
    len: usize,
}

impl DirectWriter {
    /// `capacity` is rounded up to a multiple of [`ALIGN`].
    pub fn new(file: File, capacity: usize) -> DirectWriter {
        DirectWriter {
            file,
            buf: AlignedBuf::zeroed(padded(capacity.max(1))),
            len: 0,
        }
    }

    /// Write what is buffered and return the file (not synced).
    pub fn finish(mut self) -> io::Result<File> {
        let whole = if is_direct(&self.file) {
            self.len / ALIGN * ALIGN
        } else {
            self.len
        };
        write_blocks(&self.file, &self.buf[..whole])?;
        if whole < self.len {
            stop_direct(&self.file)?;
            use std::io::Write;
            self.file.write_all(&self.buf[whole..self.len])?;
        }
        self.len = 0;
        Ok(self.file)
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
const EINVAL: i32 = libc::EINVAL;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
const EINVAL: i32 = 22;

impl io::Write for DirectWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.len == self.buf.len() {
            write_blocks(&self.file, &self.buf)?;
            self.len = 0;
        }
        let n = data.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&data[..n]);
        self.len += n;
        Ok(n)
    }
    /// Buffers are written when full and at [`DirectWriter::finish`] only.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A fresh folder for one test, and the path of a file in it.
    fn scratch(test: &str) -> (std::path::PathBuf, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("boilercut-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        (dir, path)
    }

    #[test]
    fn aligned_blocks_round_trip_through_a_file() {
        let (dir, path) = scratch("direct");
        let mut data = AlignedBuf::zeroed(3 * ALIGN);
        assert_eq!(data.as_ptr() as usize % ALIGN, 0);
        for (i, b) in data.iter_mut().enumerate() {
            *b = (i * 7 % 251) as u8;
        }
        let mut f = create(&path).unwrap();
        f.write_all(&data).unwrap();
        f.write_all(&data[..ALIGN]).unwrap();
        drop(f);
        // A reader buffer smaller than, and not a divisor of, what was written.
        let mut r = AlignedReader::new(open(&path).unwrap(), 2 * ALIGN);
        let mut got = Vec::new();
        r.read_to_end(&mut got).unwrap();
        assert_eq!(got.len(), 4 * ALIGN);
        assert_eq!(&got[..3 * ALIGN], &data[..]);
        assert_eq!(&got[3 * ALIGN..], &data[..ALIGN]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn direct_writer_keeps_every_byte_of_unaligned_writes() {
        let (dir, path) = scratch("dw");
        let mut want = Vec::new();
        let mut w = DirectWriter::new(create(&path).unwrap(), 3 * ALIGN);
        for i in 0..500usize {
            let piece: Vec<u8> = (0..i * 37 % 9000).map(|j| (i + j) as u8).collect();
            w.write_all(&piece).unwrap();
            want.extend_from_slice(&piece);
        }
        drop(w.finish().unwrap());
        assert_ne!(want.len() % ALIGN, 0, "the test needs a partial last block");
        assert_eq!(std::fs::read(&path).unwrap(), want);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_refused_direct_write_goes_through_the_page_cache() {
        let (dir, path) = scratch("fb");
        let file = create(&path).unwrap();
        let data = AlignedBuf::zeroed(ALIGN);
        // 100 bytes is no whole block: a direct write of it is refused (EINVAL).
        write_blocks(&file, &data[..100]).unwrap();
        assert!(!is_direct(&file));
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap().len(), 100);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn padding_rounds_up_to_whole_blocks() {
        assert_eq!(padded(0), 0);
        assert_eq!(padded(1), ALIGN);
        assert_eq!(padded(ALIGN), ALIGN);
        assert_eq!(padded(ALIGN + 1), 2 * ALIGN);
    }
}
