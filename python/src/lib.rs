//! Python bindings of boilercut: the engine's `Learner` and `Model`, with
//! batch calls that release the GIL and run on rayon's threads, spans that
//! index Python strings (code points, not UTF-8 bytes), and models that
//! pickle through their bytes. The Spark and datatrove steps are plain
//! Python on top of this module (`boilercut/spark.py`, `boilercut/datatrove.py`).

use boilercut::{LearnerBuilder, Scratch};
use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

create_exception!(
    boilercut,
    Error,
    PyValueError,
    "A boilercut error: an option out of range, a damaged or foreign model or\n\
     count file, count files learned with different options, a finished\n\
     learner. A subclass of ValueError. File-system errors are OSError."
);

/// A batch is cut into chunks of at most this many documents or about this
/// many bytes: see `pipeline`.
const CHUNK_DOCS: usize = 2048;
const CHUNK_BYTES: usize = 8 << 20;

fn err(msg: impl Into<String>) -> PyErr {
    Error::new_err(msg.into())
}

/// A text argument: a str (borrowed as UTF-8 from the Python object), None,
/// or a str holding lone surrogates (no UTF-8 form; passed through, never
/// learned, as the CLI does with `"\ud83d"`).
enum Text<'a> {
    Str(&'a str),
    Skip,
}

fn type_name(o: &Bound<'_, PyAny>) -> String {
    o.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// Borrow the UTF-8 of a str argument. `what` names it in the TypeError.
fn text_of<'a>(o: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Text<'a>> {
    if o.is_none() {
        return Ok(Text::Skip);
    }
    let s = o.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{what} must be str or None, not {}", type_name(o)))
    })?;
    // `to_str` fails only for lone surrogates.
    Ok(match s.to_str() {
        Ok(t) => Text::Str(t),
        Err(_) => Text::Skip,
    })
}

fn group_of(o: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if o.is_none() {
        return Ok(String::new());
    }
    let s = o.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{what} must be str or None, not {}", type_name(o)))
    })?;
    Ok(s.to_string_lossy().into_owned())
}

/// The items of an iterable (a list, a tuple, a generator, a pandas
/// Series, a pyarrow array...). A str is refused: it would be taken letter by
/// letter.
fn items<'py>(o: &Bound<'py, PyAny>, what: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if o.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list or iterable of str, not a single str"
        )));
    }
    // A pyarrow Array or ChunkedArray iterates scalars, not str.
    if !o.is_instance_of::<PyList>() && o.hasattr("to_pylist")? {
        return items(&o.call_method0("to_pylist")?, what);
    }
    let it = o.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a list or iterable of str, not {}",
            type_name(o)
        ))
    })?;
    it.collect()
}

/// The groups of a batch: None (all ""), one str for all, or one per text.
fn groups_of(o: Option<&Bound<'_, PyAny>>, n: usize) -> PyResult<Vec<String>> {
    let Some(o) = o else {
        return Ok(vec![String::new(); n]);
    };
    if o.is_none() {
        return Ok(vec![String::new(); n]);
    }
    if let Ok(s) = o.cast::<PyString>() {
        return Ok(vec![s.to_string_lossy().into_owned(); n]);
    }
    let gs = items(o, "groups")?;
    if gs.len() != n {
        return Err(PyValueError::new_err(format!(
            "groups has {} items, texts has {n}",
            gs.len()
        )));
    }
    gs.iter()
        .enumerate()
        .map(|(i, g)| group_of(g, &format!("groups[{i}]")))
        .collect()
}

/// `2G`, `256M`, `512k`, `1000` or an int: a size in bytes (as the CLI's
/// `--memory`).
fn size_of(o: &Bound<'_, PyAny>) -> PyResult<u64> {
    if let Ok(n) = o.extract::<i128>() {
        return u64::try_from(n)
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| err(format!("invalid option: memory must be positive, got {n}")));
    }
    let s: String = o.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "memory must be an int (bytes), a str such as '1.5G', or None, not {}",
            type_name(o)
        ))
    })?;
    boilercut::config::parse_size(&s).map_err(|e| err(format!("invalid option: {e}")))
}

/// Spans of `text` (byte ranges, sorted, on character boundaries) as
/// code-point offsets, the indices of the Python str.
fn char_spans(text: &str, spans: &[Range<usize>]) -> Vec<(usize, usize)> {
    fn chars(b: &[u8]) -> usize {
        // Every byte that is not a UTF-8 continuation byte starts a character.
        b.iter().filter(|&&c| (c as i8) >= -0x40).count()
    }
    let b = text.as_bytes();
    let (mut at, mut n) = (0, 0);
    spans
        .iter()
        .map(|r| {
            n += chars(&b[at..r.start]);
            let start = n;
            n += chars(&b[r.start..r.end]);
            at = r.end;
            (start, n)
        })
        .collect()
}

/// Write `bytes` to `path` through a temporary file in the same folder,
/// renamed at the end: a failed write leaves the old file or none.
fn write_atomic(
    path: &Path,
    f: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        f(&mut file)?;
        file.flush()?;
        file.sync_data()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn io_err(e: std::io::Error, path: &Path, what: &str) -> PyErr {
    let msg = format!("{}: {what}: {e}", path.display());
    match e.kind() {
        std::io::ErrorKind::NotFound => pyo3::exceptions::PyFileNotFoundError::new_err(msg),
        std::io::ErrorKind::PermissionDenied => pyo3::exceptions::PyPermissionError::new_err(msg),
        std::io::ErrorKind::IsADirectory => pyo3::exceptions::PyIsADirectoryError::new_err(msg),
        _ => pyo3::exceptions::PyOSError::new_err(msg),
    }
}

/// Learns which blocks each group (site) repeats.
///
/// A block is boilerplate in its group when at least max(min_docs,
/// min_fraction x documents of the group) documents contain it (a menu or
/// list of 40 words or more, and lines between removed text after some
/// kept text: one document fewer, when that is still 3 or more). memory is
/// the learner's budget in bytes (an int, or a str such as "1.5G"); beyond
/// it, pending counts go to files in spill_dir (default: the system's
/// temporary folder) and the model does not change. None: no budget. The
/// other options tune detection and are stored in the model: max_gap
/// (unmatched words bridged inside a block), min_run (shortest run cut
/// without boundaries on both sides), snap_words (how far a block widens
/// to a boundary), short_lines (repeated lines shorter than a shingle),
/// max_affix_words (longest repeated document prefix/suffix; 0 = off).
///
/// Add documents with add() or add_batch() (which releases the GIL and runs
/// on all cores), then call finish() for a Model, or write_counts() for the
/// count file of one shard of a distributed learn (see boilercut.merge).
/// A learner may be shared between threads.
#[pyclass(module = "boilercut", frozen)]
struct Learner {
    /// Taken by `finish`. Calls clone the `Arc` under a short lock and work
    /// on the clone, so no lock is ever held while waiting for the GIL (a
    /// finish from one thread cannot deadlock a batch running in another).
    inner: Mutex<Option<Arc<boilercut::Learner>>>,
}

impl Learner {
    fn get(&self) -> PyResult<Arc<boilercut::Learner>> {
        let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .cloned()
            .ok_or_else(|| err("learner already finished"))
    }
}

#[pymethods]
impl Learner {
    #[new]
    #[pyo3(signature = (min_docs=4, min_fraction=0.02, shingle_words=8, memory=None, *,
                        max_gap=3, min_run=16, snap_words=2, short_lines=true,
                        max_affix_words=7, spill_dir=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        min_docs: u64,
        min_fraction: f64,
        shingle_words: usize,
        memory: Option<&Bound<'_, PyAny>>,
        max_gap: usize,
        min_run: usize,
        snap_words: usize,
        short_lines: bool,
        max_affix_words: usize,
        spill_dir: Option<PathBuf>,
    ) -> PyResult<Learner> {
        let memory = match memory {
            Some(m) if !m.is_none() => Some(size_of(m)?),
            _ => None,
        };
        let mut b = LearnerBuilder::new();
        b.min_docs(min_docs)
            .min_fraction(min_fraction)
            .shingle_words(shingle_words)
            .max_gap(max_gap)
            .min_run(min_run)
            .snap_words(snap_words)
            .short_lines(short_lines)
            .max_affix_words(max_affix_words)
            .memory_limit(memory)
            .spill_dir(spill_dir);
        let learner = b.build().map_err(|e| err(e.to_string()))?;
        Ok(Learner {
            inner: Mutex::new(Some(Arc::new(learner))),
        })
    }

    /// Count one document of group (a site, a host; "" when the whole corpus
    /// is one group). A None text, or a str holding lone surrogates, is not
    /// counted (as the CLI passes such records through).
    #[pyo3(signature = (text, group=None))]
    fn add(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        group: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let t = text_of(text, "text")?;
        let g = match group {
            Some(g) => group_of(g, "group")?,
            None => String::new(),
        };
        if let Text::Str(t) = t {
            let learner = self.get()?;
            if t.len() < 1 << 16 {
                learner.add(t, &g);
            } else {
                py.detach(|| learner.add(t, &g));
            }
        }
        Ok(())
    }

    /// Count many documents in parallel, without the GIL. texts: an iterable
    /// of str (None items are skipped); groups: None (one group), one str
    /// for all, or an iterable of str/None as long as texts. Ctrl-C stops it
    /// between chunks; the chunks before stay counted.
    #[pyo3(signature = (texts, groups=None))]
    fn add_batch(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        groups: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let objs = items(texts, "texts")?;
        let groups = groups_of(groups, objs.len())?;
        check_texts(&objs)?;
        let learner = self.get()?;
        let learner = &*learner;
        let mut prepare = chunker(&objs, &groups);
        pipeline(
            py,
            || {
                // Documents that are None or not UTF-8 are not learned.
                Ok(prepare()?.map(|c| c.into_iter().flatten().collect::<Vec<_>>()))
            },
            |chunk: &[(&str, &str)]| {
                chunk
                    .par_iter()
                    .with_min_len(16)
                    .fold(
                        || learner.batch(),
                        |mut batch, &(t, g)| {
                            batch.add(t, g);
                            if batch.pending() >= boilercut::Batch::ABSORB_AT {
                                learner.absorb(&mut batch);
                            }
                            batch
                        },
                    )
                    .for_each(|mut batch| learner.absorb(&mut batch));
                Vec::<()>::new()
            },
            |_| Ok(()),
        )?;
        Ok(())
    }

    /// Documents counted so far.
    #[getter]
    fn docs(&self) -> PyResult<u64> {
        Ok(self.get()?.docs())
    }

    /// The model of everything counted: a Model. The learner is used up:
    /// any later call raises boilercut.Error (a batch another thread is
    /// still adding may be left out of the model).
    fn finish(&self, py: Python<'_>) -> PyResult<Model> {
        let learner = self
            .inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .ok_or_else(|| err("learner already finished"))?;
        // Another thread still adding holds a clone: its model is then of
        // what was counted so far.
        let model = py
            .detach(|| match Arc::try_unwrap(learner) {
                Ok(learner) => learner.finish(),
                Err(shared) => shared.model(),
            })
            .map_err(|e| err(e.to_string()))?;
        Ok(Model {
            inner: Arc::new(model),
        })
    }

    /// Write the exact counts so far as a count file: the output of one
    /// shard of a distributed learn. boilercut.merge() turns count files
    /// into a model identical to one learner fed every shard. The file is
    /// written under a temporary name and renamed when complete.
    fn write_counts(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let learner = self.get()?;
        let mut failed = None;
        let res = py.detach(|| {
            write_atomic(&path, |f| {
                let w = std::io::BufWriter::with_capacity(1 << 20, f);
                learner.write_counts(w).map_err(|e| {
                    failed = Some(e.to_string());
                    std::io::Error::other("learn failed")
                })
            })
        });
        if let Some(e) = failed {
            return Err(err(format!("{}: cannot write counts: {e}", path.display())));
        }
        res.map_err(|e| io_err(e, &path, "cannot write counts"))
    }

    fn __repr__(&self) -> String {
        match self.get() {
            Ok(l) => format!("<boilercut.Learner: {} documents>", l.docs()),
            Err(_) => "<boilercut.Learner: finished>".into(),
        }
    }
}

/// Refuse a batch holding a text that is neither str nor None before any
/// of it is learned or cleaned (encoding to UTF-8 happens later, chunk by
/// chunk).
fn check_texts(objs: &[Bound<'_, PyAny>]) -> PyResult<()> {
    for (i, o) in objs.iter().enumerate() {
        if !o.is_none() && !o.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(format!(
                "texts[{i}] must be str or None, not {}",
                type_name(o)
            )));
        }
    }
    Ok(())
}

/// The next chunk of a batch at each call, as (text, group) borrowed from
/// the Python objects (None for a text that is None or not UTF-8): at most
/// CHUNK_DOCS documents and about CHUNK_BYTES. `None` at the end.
#[allow(clippy::type_complexity)]
fn chunker<'a>(
    objs: &'a [Bound<'_, PyAny>],
    groups: &'a [String],
) -> impl FnMut() -> PyResult<Option<Vec<Option<(&'a str, &'a str)>>>> {
    let mut at = 0;
    move || {
        if at >= objs.len() {
            return Ok(None);
        }
        let mut chunk = Vec::with_capacity(CHUNK_DOCS.min(objs.len() - at));
        let mut bytes = 0;
        while at < objs.len() && chunk.len() < CHUNK_DOCS && bytes < CHUNK_BYTES {
            chunk.push(match text_of(&objs[at], "text")? {
                Text::Str(t) => {
                    bytes += t.len();
                    Some((t, groups[at].as_str()))
                }
                Text::Skip => None,
            });
            at += 1;
        }
        Ok(Some(chunk))
    }
}

/// Run a batch chunk by chunk: while rayon's threads work on one chunk
/// without the GIL, this thread, holding it, hands the previous chunk's
/// results to Python (`emit`) and borrows the next chunk's UTF-8 from its
/// str objects (`prepare`), which CPython makes and caches for a non-ASCII
/// str; then it checks for Ctrl-C. The GIL-bound work so overlaps the
/// parallel work instead of adding to it.
fn pipeline<I: Sync, O: Send>(
    py: Python<'_>,
    mut prepare: impl FnMut() -> PyResult<Option<Vec<I>>>,
    compute: impl Fn(&[I]) -> Vec<O> + Sync,
    mut emit: impl FnMut(Vec<O>) -> PyResult<()>,
) -> PyResult<()> {
    let mut next = prepare()?;
    let mut pending: Option<Vec<O>> = None;
    while let Some(current) = next.take() {
        let (compute, current) = (&compute, &current);
        let mut outs = None;
        let mut result = Ok(());
        rayon::in_place_scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel();
            s.spawn(move |_| {
                let _ = tx.send(compute(current));
            });
            result = (|| {
                if let Some(p) = pending.take() {
                    emit(p)?;
                }
                next = prepare()?;
                py.check_signals()
            })();
            // Wait for the chunk without the GIL.
            outs = py.detach(move || rx.recv().ok());
        });
        result?;
        pending = outs;
    }
    if let Some(p) = pending {
        emit(p)?;
    }
    Ok(())
}

/// The result of cleaning one text.
///
/// text: the cleaned str (the very same object when nothing was cut; None
/// when the input was None). spans: the (start, end) ranges of the input
/// str that were removed, in order, so that input[start:end] is each cut
/// piece and text is the input without them. byte_spans: the same ranges
/// as UTF-8 byte offsets (what the CLI's --spans-field writes).
#[pyclass(module = "boilercut", frozen)]
struct Cleaned {
    text: Py<PyAny>,
    spans: Vec<(usize, usize)>,
    byte_spans: Vec<(usize, usize)>,
}

#[pymethods]
impl Cleaned {
    /// The cleaned text (None when the input was None).
    #[getter]
    fn text(&self, py: Python<'_>) -> Py<PyAny> {
        self.text.clone_ref(py)
    }

    /// Removed ranges as (start, end) indices of the input str.
    #[getter]
    fn spans(&self) -> Vec<(usize, usize)> {
        self.spans.clone()
    }

    /// Removed ranges as (start, end) UTF-8 byte offsets of the input.
    #[getter]
    fn byte_spans(&self) -> Vec<(usize, usize)> {
        self.byte_spans.clone()
    }

    /// Whether anything was cut.
    fn __bool__(&self) -> bool {
        !self.spans.is_empty()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let text = self.text.bind(py).repr()?;
        let shown = text.to_string_lossy();
        let shown = if shown.chars().count() > 60 {
            let cut: String = shown.chars().take(57).collect();
            format!("{cut}...")
        } else {
            shown.into_owned()
        };
        Ok(format!("Cleaned(text={shown}, spans={:?})", self.spans))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(o) = other.cast::<Cleaned>() else {
            return Ok(false);
        };
        let o = o.get();
        Ok(self.spans == o.spans && self.text.bind(py).eq(o.text.bind(py))?)
    }
}

/// Cleaning one text, without the GIL: the byte spans, the code-point
/// spans, and the new text when something was cut.
struct Out {
    removed: Vec<Range<usize>>,
    spans: Vec<(usize, usize)>,
    text: Option<String>,
}

fn clean_one(model: &boilercut::Model, scratch: &mut Scratch, text: &str, group: &str) -> Out {
    let mut removed = Vec::new();
    model.clean_with(scratch, text, group, &mut removed);
    if removed.is_empty() {
        return Out {
            removed,
            spans: Vec::new(),
            text: None,
        };
    }
    let spans = char_spans(text, &removed);
    let text = boilercut::cut::apply(text, &removed).into_owned();
    Out {
        removed,
        spans,
        text: Some(text),
    }
}

fn cleaned(py: Python<'_>, original: &Bound<'_, PyAny>, out: Out) -> Cleaned {
    let text = match out.text {
        Some(t) => PyString::new(py, &t).into_any().unbind(),
        None => original.clone().unbind(),
    };
    Cleaned {
        text,
        spans: out.spans,
        byte_spans: out.removed.iter().map(|r| (r.start, r.end)).collect(),
    }
}

/// A learned model: which blocks each group repeats. Immutable; share it
/// between threads freely.
///
/// Make one with Learner.finish(), boilercut.merge(), Model.load() or
/// Model.from_bytes(). clean() cleans one text, clean_batch() many in
/// parallel without the GIL. A model pickles through its bytes (the file
/// format), so it can be broadcast to Spark or multiprocessing workers.
#[pyclass(module = "boilercut", frozen)]
struct Model {
    inner: Arc<boilercut::Model>,
}

#[pymethods]
impl Model {
    /// Read a model file (written by Model.save or `boilercut learn`) -> Model.
    /// A file that is not a model, of another format version, or damaged
    /// raises boilercut.Error; a missing file FileNotFoundError.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Model> {
        let bytes = py
            .detach(|| std::fs::read(&path))
            .map_err(|e| io_err(e, &path, "cannot read model"))?;
        let m = py
            .detach(|| boilercut::Model::from_bytes(&bytes))
            .map_err(|e| err(format!("{}: {e}", path.display())))?;
        Ok(Model { inner: Arc::new(m) })
    }

    /// A Model from the bytes of Model.to_bytes() (the file format).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Model> {
        let m = py
            .detach(|| boilercut::Model::from_bytes(data))
            .map_err(|e| err(e.to_string()))?;
        Ok(Model { inner: Arc::new(m) })
    }

    /// The model as bytes in its file format (versioned, checksummed, portable).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let b = py.detach(|| self.inner.to_bytes());
        PyBytes::new(py, &b)
    }

    /// Write the model file, under a temporary name renamed when complete.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| write_atomic(&path, |f| f.write_all(&self.inner.to_bytes())))
            .map_err(|e| io_err(e, &path, "cannot write model"))
    }

    /// Cut the blocks that group repeats out of text: a Cleaned. group None
    /// is "", the group of a corpus learned without groups. None passes through
    /// (Cleaned.text is None), and so does a str holding lone surrogates
    /// (nothing cut); any other non-str raises TypeError. A group the model
    /// does not know is left as it is.
    #[pyo3(signature = (text, group=None))]
    fn clean(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        group: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Cleaned> {
        let g = match group {
            Some(g) => group_of(g, "group")?,
            None => String::new(),
        };
        let out = match text_of(text, "text")? {
            Text::Str(t) => {
                let model = &self.inner;
                // Small texts are not worth releasing the GIL for.
                if t.len() < 1 << 16 {
                    clean_one(model, &mut Scratch::new(), t, &g)
                } else {
                    py.detach(|| clean_one(model, &mut Scratch::new(), t, &g))
                }
            }
            Text::Skip => Out {
                removed: Vec::new(),
                spans: Vec::new(),
                text: None,
            },
        };
        Ok(cleaned(py, text, out))
    }

    /// clean() for many texts, in parallel on all cores without the GIL:
    /// a list of Cleaned.
    /// texts: an iterable of str or None; groups: None (one group), one str
    /// for all, or an iterable of str/None as long as texts. Results are in
    /// input order and do not depend on the number of threads. Ctrl-C stops
    /// it between chunks (KeyboardInterrupt).
    #[pyo3(signature = (texts, groups=None))]
    fn clean_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        groups: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let objs = items(texts, "texts")?;
        let groups = groups_of(groups, objs.len())?;
        check_texts(&objs)?;
        let model = &self.inner;
        let list = PyList::empty(py);
        let mut done = 0;
        pipeline(
            py,
            chunker(&objs, &groups),
            |chunk: &[Option<(&str, &str)>]| {
                chunk
                    .par_iter()
                    .with_min_len(8)
                    .map_init(Scratch::new, |scratch, d| match d {
                        Some((t, g)) => clean_one(model, scratch, t, g),
                        None => Out {
                            removed: Vec::new(),
                            spans: Vec::new(),
                            text: None,
                        },
                    })
                    .collect()
            },
            |outs| {
                for out in outs {
                    list.append(cleaned(py, &objs[done], out))?;
                    done += 1;
                }
                Ok(())
            },
        )?;
        Ok(list)
    }

    /// The groups learned: {name: (documents, frequent features)}.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for g in self.inner.groups() {
            d.set_item(&g.name, (g.docs, g.features))?;
        }
        Ok(d)
    }

    /// The options the model was learned with (detection uses them too).
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = self.inner.config();
        let d = PyDict::new(py);
        d.set_item("min_docs", c.min_docs())?;
        d.set_item("min_fraction", c.min_fraction())?;
        d.set_item("shingle_words", c.shingle_words())?;
        d.set_item("max_gap", c.max_gap())?;
        d.set_item("min_run", c.min_run())?;
        d.set_item("snap_words", c.snap_words())?;
        d.set_item("short_lines", c.short_lines())?;
        d.set_item("max_affix_words", c.max_affix_words())?;
        Ok(d)
    }

    /// Number of frequent features, all groups together.
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<boilercut.Model: {} groups, {} frequent features>",
            self.inner.groups().len(),
            self.inner.len()
        )
    }

    /// Pickle through the file format.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let bytes = slf.get().to_bytes(py);
        let ctor = slf.get_type().getattr("from_bytes")?;
        PyTuple::new(py, [ctor.into_any(), PyTuple::new(py, [bytes])?.into_any()])
    }
}

/// A page given back by OnlineCleaner.push() or flush(), cleaned.
///
/// text: the cleaned str (the very same object when nothing was cut; None
/// when the input was None). spans: the (start, end) ranges of the input
/// str that were removed, as for Cleaned; byte_spans: the same as UTF-8
/// byte offsets. item: the object pushed with the page. group: its group.
/// arrival: its arrival number (0 for the first page ever pushed, counting
/// on across save and load; None for a text that was None or not UTF-8,
/// which is given back at once and not learned).
#[pyclass(module = "boilercut", frozen)]
struct Released {
    text: Py<PyAny>,
    spans: Vec<(usize, usize)>,
    byte_spans: Vec<(usize, usize)>,
    item: Py<PyAny>,
    group: String,
    arrival: Option<u64>,
}

#[pymethods]
impl Released {
    /// The cleaned text (None when the input was None).
    #[getter]
    fn text(&self, py: Python<'_>) -> Py<PyAny> {
        self.text.clone_ref(py)
    }

    /// Removed ranges as (start, end) indices of the input str.
    #[getter]
    fn spans(&self) -> Vec<(usize, usize)> {
        self.spans.clone()
    }

    /// Removed ranges as (start, end) UTF-8 byte offsets of the input.
    #[getter]
    fn byte_spans(&self) -> Vec<(usize, usize)> {
        self.byte_spans.clone()
    }

    /// The object pushed with the page (None when none was).
    #[getter]
    fn item(&self, py: Python<'_>) -> Py<PyAny> {
        self.item.clone_ref(py)
    }

    /// The page's group ("" for None).
    #[getter]
    fn group(&self) -> String {
        self.group.clone()
    }

    /// The page's arrival number (None for a text that was not learned).
    #[getter]
    fn arrival(&self) -> Option<u64> {
        self.arrival
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let text = self.text.bind(py).repr()?;
        let shown = text.to_string_lossy();
        let shown = if shown.chars().count() > 40 {
            let cut: String = shown.chars().take(37).collect();
            format!("{cut}...")
        } else {
            shown.into_owned()
        };
        let arrival = match self.arrival {
            Some(a) => a.to_string(),
            None => "None".into(),
        };
        Ok(format!(
            "Released(arrival={arrival}, group={:?}, text={shown}, spans={:?})",
            self.group, self.spans
        ))
    }
}

/// A page pushed and not yet given back: its input str and item.
struct Pending {
    text: Py<PyAny>,
    item: Py<PyAny>,
}

struct OnlineState {
    cleaner: boilercut::online::OnlineCleaner,
    /// By arrival number, every page held in the cleaner.
    pending: HashMap<u64, Pending>,
}

impl OnlineState {
    fn new(py: Python<'_>, cleaner: boilercut::online::OnlineCleaner) -> OnlineState {
        // A loaded state's held pages: their input str, no item.
        let pending = cleaner
            .held_pages()
            .into_iter()
            .map(|(seq, t)| {
                let p = Pending {
                    text: PyString::new(py, t).into_any().unbind(),
                    item: py.None(),
                };
                (seq, p)
            })
            .collect();
        OnlineState { cleaner, pending }
    }

    fn release(
        &mut self,
        py: Python<'_>,
        outs: Vec<boilercut::online::Released>,
    ) -> PyResult<Vec<Released>> {
        let mut list = Vec::with_capacity(outs.len());
        for r in outs {
            let p = self
                .pending
                .remove(&r.seq)
                .ok_or_else(|| err(format!("page {} released twice", r.seq)))?;
            let original = p.text.bind(py);
            let (text, spans) = if r.removed.is_empty() {
                (p.text.clone_ref(py), Vec::new())
            } else {
                let o = original.cast::<PyString>()?.to_str()?;
                (
                    PyString::new(py, &r.text).into_any().unbind(),
                    char_spans(o, &r.removed),
                )
            };
            list.push(Released {
                text,
                spans,
                byte_spans: r.removed.iter().map(|x| (x.start, x.end)).collect(),
                item: p.item,
                group: r.group,
                arrival: Some(r.seq),
            });
        }
        Ok(list)
    }
}

/// Cleans pages as they arrive (a crawler's output), learning per site as
/// it goes: `boilercut stream` as an object.
///
/// A site's first pages are held until it has hold_pages distinct pages
/// (or holds more than hold_bytes, or its oldest held page has waited
/// max_wait arrivals); then they are cleaned together and given back, and
/// every later page of the site is cleaned on arrival with the pages before
/// it, then counted. Every half_every pages of a site its counts are halved
/// (old evidence fades). memory (an int, or a str such as "512M"; None:
/// 512 MiB) bounds the state itself (the CLI gives it two thirds of its
/// --memory): past it the least recently seen sites are given back and
/// forgotten. hold_bytes: an int or a str (None: 4 MiB). once_filter:
/// bytes of a "seen once" filter in front of the counts (None or 0: exact
/// counts; the CLI's default is "64M"). warm_start: a Model whose sites
/// are cleaned from their first page. min_docs, min_fraction and
/// shingle_words are the Learner's options.
///
/// push(text, group, item) returns the pages released by that push (a list
/// of Released, possibly empty, possibly of other sites); flush() gives
/// back every page still held. Every pushed page comes back exactly once,
/// with its item (any object, kept in Python, never copied or pickled).
/// The output depends only on the order of the pushes.
///
/// save()/to_bytes() write the whole state, held pages included (the
/// format of `boilercut stream --state`); they raise boilercut.Error while
/// a held page has an item other than None (items are not saved): flush()
/// first, or push items as None and keep them yourself by arrival number.
/// A cleaner pickles through to_bytes(), under the same condition.
/// Not for use from two threads at once (one cleaner per thread).
#[pyclass(module = "boilercut")]
struct OnlineCleaner {
    state: OnlineState,
}

fn state_err(e: boilercut::online::StateError) -> PyErr {
    err(e.to_string())
}

#[pymethods]
impl OnlineCleaner {
    #[new]
    #[pyo3(signature = (min_docs=4, min_fraction=0.02, shingle_words=8, hold_pages=8,
                        hold_bytes=None, max_wait=100_000, half_every=128, memory=None,
                        warm_start=None, *, once_filter=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        min_docs: u64,
        min_fraction: f64,
        shingle_words: usize,
        hold_pages: u64,
        hold_bytes: Option<&Bound<'_, PyAny>>,
        max_wait: u64,
        half_every: u64,
        memory: Option<&Bound<'_, PyAny>>,
        warm_start: Option<&Bound<'_, PyAny>>,
        once_filter: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<OnlineCleaner> {
        let mut learn = LearnerBuilder::new();
        learn
            .min_docs(min_docs)
            .min_fraction(min_fraction)
            .shingle_words(shingle_words);
        let mut b = boilercut::online::OnlineBuilder::new();
        b.learning(learn)
            .hold_pages(hold_pages)
            .max_wait(max_wait)
            .half_every(half_every);
        let opt_size = |o: Option<&Bound<'_, PyAny>>| -> PyResult<Option<u64>> {
            match o {
                Some(o) if !o.is_none() => size_of(o).map(Some),
                _ => Ok(None),
            }
        };
        if let Some(n) = opt_size(hold_bytes)? {
            b.hold_bytes(n);
        }
        if let Some(n) = opt_size(memory)? {
            b.memory_limit(n);
        }
        if let Some(o) = once_filter {
            if !o.is_none() {
                // 0 (exact counts) is allowed here.
                let n = match o.extract::<u64>() {
                    Ok(n) => n,
                    Err(_) => size_of(o)?,
                };
                b.once_filter(n);
            }
        }
        if let Some(w) = warm_start {
            if !w.is_none() {
                let m = w.cast::<Model>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "warm_start must be a boilercut.Model or None, not {}",
                        type_name(w)
                    ))
                })?;
                b.warm_start((*m.get().inner).clone());
            }
        }
        let cleaner = b.build().map_err(|e| err(e.to_string()))?;
        Ok(OnlineCleaner {
            state: OnlineState::new(py, cleaner),
        })
    }

    /// Push one page of group (None: ""): a list of the Released pages
    /// this push gives back (none while its site is held). item is any
    /// object, given back with the page. A text that is None, or a str
    /// holding lone surrogates, is given back at once, not learned
    /// (arrival None); any other non-str raises TypeError.
    #[pyo3(signature = (text, group=None, item=None))]
    fn push(
        &mut self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        group: Option<&Bound<'_, PyAny>>,
        item: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Released>> {
        let g = match group {
            Some(g) => group_of(g, "group")?,
            None => String::new(),
        };
        let item = match item {
            Some(i) => i.clone().unbind(),
            None => py.None(),
        };
        let t = match text_of(text, "text")? {
            Text::Str(t) => t,
            Text::Skip => {
                return Ok(vec![Released {
                    text: text.clone().unbind(),
                    spans: Vec::new(),
                    byte_spans: Vec::new(),
                    item,
                    group: g,
                    arrival: None,
                }])
            }
        };
        let st = &mut self.state;
        let seq = st.cleaner.arrivals();
        st.pending.insert(
            seq,
            Pending {
                text: text.clone().unbind(),
                item,
            },
        );
        let cleaner = &mut st.cleaner;
        let outs = if t.len() < 1 << 16 {
            cleaner.push(t, &g, Vec::new())
        } else {
            py.detach(|| cleaner.push(t, &g, Vec::new()))
        };
        st.release(py, outs)
    }

    /// Give back every page still held, cleaned with what has been learned,
    /// in arrival order. Call at the end of the input; the cleaner stays
    /// usable (its sites are cleaned on arrival from then on).
    fn flush(&mut self, py: Python<'_>) -> PyResult<Vec<Released>> {
        let st = &mut self.state;
        let cleaner = &mut st.cleaner;
        let outs = py.detach(|| cleaner.flush());
        st.release(py, outs)
    }

    /// The state as bytes (the format of `boilercut stream --state`).
    /// boilercut.Error while a held page has an item other than None.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.check_items(py)?;
        let cleaner = &self.state.cleaner;
        let b = py.detach(|| cleaner.to_bytes());
        Ok(PyBytes::new(py, &b))
    }

    /// A cleaner continuing from the bytes of to_bytes() (its options are
    /// the saved ones; held pages come back with item None).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<OnlineCleaner> {
        let c = py
            .detach(|| boilercut::online::OnlineCleaner::from_bytes(data))
            .map_err(state_err)?;
        Ok(OnlineCleaner {
            state: OnlineState::new(py, c),
        })
    }

    /// Write the state file, under a temporary name renamed when complete.
    /// boilercut.Error while a held page has an item other than None.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        self.check_items(py)?;
        let cleaner = &self.state.cleaner;
        py.detach(|| write_atomic(&path, |f| cleaner.save(f)))
            .map_err(|e| io_err(e, &path, "cannot write state"))
    }

    /// Read a state file (OnlineCleaner.save, `boilercut stream --state`)
    /// and continue from it.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<OnlineCleaner> {
        let bytes = py
            .detach(|| std::fs::read(&path))
            .map_err(|e| io_err(e, &path, "cannot read state"))?;
        let c = py
            .detach(|| boilercut::online::OnlineCleaner::from_bytes(&bytes))
            .map_err(|e| err(format!("{}: {e}", path.display())))?;
        Ok(OnlineCleaner {
            state: OnlineState::new(py, c),
        })
    }

    /// Pages pushed so far (the next page's arrival number).
    #[getter]
    fn arrivals(&self) -> u64 {
        self.state.cleaner.arrivals()
    }

    /// Pages held now.
    #[getter]
    fn held(&self) -> usize {
        self.state.pending.len()
    }

    /// What the cleaner did so far: a dict of counters (pages, counted,
    /// duplicates, too_large, held, early_releases, evictions, halvings,
    /// held_now, held_bytes, sites, memory).
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.state.cleaner.stats();
        let d = PyDict::new(py);
        for (k, v) in [
            ("pages", s.pages),
            ("counted", s.counted),
            ("duplicates", s.duplicates),
            ("too_large", s.too_large),
            ("held", s.held),
            ("early_releases", s.early_releases),
            ("evictions", s.evictions),
            ("halvings", s.halvings),
            ("held_now", s.held_now),
            ("held_bytes", s.held_bytes),
            ("sites", s.sites),
            ("memory", s.memory),
        ] {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let s = self.state.cleaner.stats();
        format!(
            "<boilercut.OnlineCleaner: {} pages, {} sites, {} held>",
            s.pages, s.sites, s.held_now
        )
    }

    /// Pickle through to_bytes() (so not while items are held).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let bytes = slf.borrow().to_bytes(py)?;
        let ctor = slf.get_type().getattr("from_bytes")?;
        PyTuple::new(py, [ctor.into_any(), PyTuple::new(py, [bytes])?.into_any()])
    }
}

impl OnlineCleaner {
    fn check_items(&self, py: Python<'_>) -> PyResult<()> {
        let n = self
            .state
            .pending
            .values()
            .filter(|p| !p.item.is_none(py))
            .count();
        if n > 0 {
            return Err(err(format!(
                "cannot save: {n} held pages carry items, which are not saved \
                 (flush() first, or push with item=None)"
            )));
        }
        Ok(())
    }
}

/// Merge count files (Learner.write_counts, `boilercut learn --shard-out`)
/// into a model, byte-identical to one learner fed every shard. The files
/// must have been learned with the same options.
#[pyfunction]
fn merge(py: Python<'_>, paths: &Bound<'_, PyAny>) -> PyResult<Model> {
    let paths: Vec<PathBuf> = items(paths, "paths")?
        .iter()
        .map(|p| p.extract())
        .collect::<PyResult<_>>()?;
    let mut files = Vec::with_capacity(paths.len());
    for p in &paths {
        files.push(std::fs::File::open(p).map_err(|e| io_err(e, p, "cannot read"))?);
    }
    let n = files.len();
    let m = py
        .detach(|| boilercut::merge_count_files(files))
        .map_err(|e| err(format!("merging {n} count files: {e}")))?;
    Ok(Model { inner: Arc::new(m) })
}

/// The host of a URL as the CLI's --group-by-host takes it: lowercase,
/// without `www.`, port and user (`https://www.Example.org:8080/a` ->
/// `example.org`). A str that is not a URL is returned as it is.
#[pyfunction]
fn host(url: &str) -> String {
    boilercut::jsonl::host(url).into_owned()
}

/// boilercut: find the blocks that scraped articles repeat across a site
/// (donation appeals, newsletter prompts, cookie notices, share bars,
/// scraper prefixes) and cut them out, leaving the article.
#[pymodule]
fn _boilercut(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Learner>()?;
    m.add_class::<Model>()?;
    m.add_class::<Cleaned>()?;
    m.add_class::<OnlineCleaner>()?;
    m.add_class::<Released>()?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(host, m)?)?;
    m.add("Error", m.py().get_type::<Error>())?;
    Ok(())
}
