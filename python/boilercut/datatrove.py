"""boilercut as datatrove pipeline steps: learn per task, merge, clean.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from boilercut.datatrove import BoilercutLearn, BoilercutMerge, BoilercutClean

    learn = LocalPipelineExecutor([JsonlReader("data/"), BoilercutLearn("work/counts")], tasks=8)
    merge = LocalPipelineExecutor([BoilercutMerge("work/counts", "work/site.bcm")], tasks=1,
                                  depends=learn)
    clean = LocalPipelineExecutor([JsonlReader("data/"), BoilercutClean("work/site.bcm"),
                                   JsonlWriter("clean/")], tasks=8, depends=merge)
    clean.run()

Each learn task writes the exact counts of its documents to ``<rank>.bcc`` in the
counts folder; the merge step (one task) turns them into a model identical to one
learned over all documents; every clean task cleans its documents with it. Folders
may be any datatrove data folder (local, s3://..., hf://...).

A document's group is, by default, the host of ``metadata["url"]`` (lowercase,
without ``www.``: ``boilercut.host``); ``group_key="site"`` takes
``metadata["site"]`` instead, and ``group=callable`` any function of the Document.
Documents without one are the group "". Use the same grouping in learn and clean.
Counts go to datatrove's stats: documents, learned, cleaned (something cut),
removed_chars, emptied.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, Callable

from datatrove.data import Document, DocumentsPipeline
from datatrove.io import DataFolderLike, get_datafolder
from datatrove.pipeline.base import PipelineStep

import boilercut

__all__ = ["BoilercutLearn", "BoilercutMerge", "BoilercutClean"]

COUNTS_SUFFIX = ".bcc"


def _grouper(group_key: str | None, url_key: str, group: Callable[[Document], Any] | None):
    if group is not None:
        return lambda doc: _as_group(group(doc))
    if group_key is not None:
        return lambda doc: _as_group(doc.metadata.get(group_key))
    return lambda doc: boilercut.host(_as_group(doc.metadata.get(url_key)))


def _as_group(v: Any) -> str:
    return "" if v is None else v if isinstance(v, str) else str(v)


def _batches(data: DocumentsPipeline, size: int):
    batch = []
    for doc in data or ():
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class BoilercutLearn(PipelineStep):
    """Count this task's documents and write their count file to ``output_folder``.

    Args:
        output_folder: where ``<rank>.bcc`` is written (a datatrove data folder).
        group_key: metadata key holding the group; default: the host of ``url_key``.
        url_key: metadata key of the URL whose host is the group (default "url").
        group: a function Document -> group, instead of the keys.
        batch_size: documents per parallel batch.
        **options: boilercut.Learner options (min_docs, min_fraction, shingle_words,
            memory, ...); the clean step uses the options stored in the model.

    Documents are consumed, not passed on: this is the last step of a learn pipeline.
    """

    name = "✂️ boilercut learn"
    type = "🔢 - COUNTS"

    def __init__(self, output_folder: DataFolderLike, group_key: str | None = None,
                 url_key: str = "url", group: Callable[[Document], Any] | None = None,
                 batch_size: int = 2000, **options: Any):
        super().__init__()
        boilercut.Learner(**options)  # bad options fail when the pipeline is built
        self.output_folder = get_datafolder(output_folder)
        self.group_key, self.url_key, self.group = group_key, url_key, group
        self.batch_size = batch_size
        self.options = options

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        learner = boilercut.Learner(**self.options)
        group_of = _grouper(self.group_key, self.url_key, self.group)
        with self.track_time():
            for batch in _batches(data, self.batch_size):
                texts = [d.text for d in batch]
                learner.add_batch(texts, [group_of(d) for d in batch])
                self.stat_update("documents", value=len(batch))
                self.stat_update("learned", value=sum(isinstance(t, str) for t in texts))
            name = f"{rank:05d}{COUNTS_SUFFIX}"
            if self.output_folder.is_local():
                self.output_folder.makedirs("", exist_ok=True)
                learner.write_counts(self.output_folder.resolve_paths(name))
            else:
                with tempfile.TemporaryDirectory() as tmp:
                    local = os.path.join(tmp, name)
                    learner.write_counts(local)
                    with open(local, "rb") as src, self.output_folder.open(name, "wb") as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
        return
        yield  # a generator that yields nothing


class BoilercutMerge(PipelineStep):
    """Merge every ``*.bcc`` count file of ``input_folder`` into a model file.

    Run it as one task (``tasks=1``) after the learn pipeline. ``output`` is a path
    (local or remote, opened with datatrove's fsspec helpers).
    """

    name = "✂️ boilercut merge"
    type = "🔢 - COUNTS"

    def __init__(self, input_folder: DataFolderLike, output: str):
        super().__init__()
        self.input_folder = get_datafolder(input_folder)
        self.output = output

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if world_size != 1:
            raise ValueError("BoilercutMerge must run as a single task (tasks=1)")
        files = sorted(self.input_folder.list_files(glob_pattern=f"*{COUNTS_SUFFIX}"))
        if not files:
            raise boilercut.Error(f"no count files ({COUNTS_SUFFIX}) in {self.input_folder.path}")
        with self.track_time(), tempfile.TemporaryDirectory() as tmp:
            if self.input_folder.is_local():
                paths = [self.input_folder.resolve_paths(f) for f in files]
            else:
                paths = []
                for i, f in enumerate(files):
                    paths.append(os.path.join(tmp, f"{i}{COUNTS_SUFFIX}"))
                    with self.input_folder.open(f, "rb") as src, open(paths[-1], "wb") as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
            model = boilercut.merge(paths)
            self.stat_update("count_files", value=len(paths))
            self.stat_update("groups", value=len(model.groups))
            self.stat_update("features", value=len(model))
            folder, name = os.path.split(self.output)
            out = get_datafolder(folder or ".")
            if out.is_local():
                out.makedirs("", exist_ok=True)
                model.save(out.resolve_paths(name))
            else:
                with out.open(name, "wb") as f:
                    f.write(model.to_bytes())
        if data:
            yield from data


class BoilercutClean(PipelineStep):
    """Cut the boilerplate out of each document's text with a learned model.

    Args:
        model: a model file path (local or remote) or a boilercut.Model.
        group_key, url_key, group: how a document's group is found (as in
            BoilercutLearn; use the same).
        spans_key: if given, the removed (start, end) ranges of the original text
            (str indices) go to ``metadata[spans_key]``.
        drop_empty: drop documents left with no text but whitespace.
        batch_size: documents cleaned per parallel batch.
    """

    name = "✂️ boilercut clean"
    type = "✂️ - FORMAT"

    def __init__(self, model: str | boilercut.Model, group_key: str | None = None,
                 url_key: str = "url", group: Callable[[Document], Any] | None = None,
                 spans_key: str | None = None, drop_empty: bool = False,
                 batch_size: int = 2000):
        super().__init__()
        self.model_source = model
        self.group_key, self.url_key, self.group = group_key, url_key, group
        self.spans_key = spans_key
        self.drop_empty = drop_empty
        self.batch_size = batch_size
        self._model = model if isinstance(model, boilercut.Model) else None

    def _load(self) -> boilercut.Model:
        if self._model is None:
            folder, name = os.path.split(self.model_source)
            src = get_datafolder(folder or ".")
            if src.is_local():
                self._model = boilercut.Model.load(src.resolve_paths(name))
            else:
                with src.open(name, "rb") as f:
                    self._model = boilercut.Model.from_bytes(f.read())
        return self._model

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        model = self._load()
        group_of = _grouper(self.group_key, self.url_key, self.group)
        for batch in _batches(data, self.batch_size):
            with self.track_time():
                outs = model.clean_batch([d.text for d in batch], [group_of(d) for d in batch])
            for doc, out in zip(batch, outs):
                self.stat_update("documents")
                if out.spans:
                    self.stat_update("cleaned")
                    self.stat_update("removed_chars", value=sum(e - s for s, e in out.spans))
                    doc.text = out.text
                if self.spans_key is not None:
                    doc.metadata[self.spans_key] = out.spans
                if out.spans and not (out.text or "").strip():
                    self.stat_update("emptied")
                    if self.drop_empty:
                        continue
                yield doc
