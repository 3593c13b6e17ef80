"""Clean a Spark DataFrame with boilercut.

    from boilercut.spark import clean
    cleaned = clean(df, text_col="text", group_col="site")

Two ways, chosen by ``group_col``:

* **By group, in memory** (``group_col`` set, the default ``"site"``): the DataFrame
  is repartitioned by the group column, so every group lives whole in one
  partition; each partition is then learned and cleaned in memory, Arrow batch by
  Arrow batch (``mapInArrow``), with no count files and no merge. A model is per
  group, so the result is the same as one ``boilercut clean --group-field`` over
  all the data. A partition must fit in an executor's memory (raise
  ``num_partitions`` to spread groups thinner; one group is never split).
* **Learn, merge, apply** (``group_col=None``, the whole corpus one group, or
  ``merge=True``): each partition is learned and writes a count file to
  ``counts_dir``; the driver merges them into a model, broadcasts its bytes, and
  every partition is cleaned with it. On a cluster ``counts_dir`` must be a folder
  that the executors and the driver all see (a shared file system); by default a
  temporary folder on the driver, which is right for local mode only. The
  DataFrame is computed twice (learn, then apply): cache it if that is costly or
  not deterministic.

Rows keep every other column unchanged; only the text column is replaced (None
stays None). The by-group way changes the row order, as any repartition does.
With ``spans_col="spans"`` a column of removed ``[start, end]`` ranges (indices
of the original string, in characters) is added.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from typing import Any

__all__ = ["clean"]

_SPANS_TYPE = None  # pyarrow type, made on first use (pyarrow is imported lazily)


def clean(
    df: Any,
    text_col: str = "text",
    group_col: str | None = "site",
    *,
    spans_col: str | None = None,
    num_partitions: int | None = None,
    merge: bool = False,
    counts_dir: str | None = None,
    **options: Any,
) -> Any:
    """Return ``df`` with the boilerplate cut out of ``text_col``.

    group_col: the column naming each row's group (site, host); None for one group.
    spans_col: if given, add a column of the removed [start, end] ranges.
    num_partitions: partitions of the by-group repartition (default: Spark's
        ``spark.sql.shuffle.partitions``).
    merge: learn -> merge -> apply even with a group column (for groups too big
        for one partition's memory).
    counts_dir: where the learn -> merge -> apply way writes count files.
    options: boilercut.Learner options (min_docs, min_fraction, shingle_words,
        memory, ...), checked here on the driver before any task runs.
    """
    import boilercut

    boilercut.Learner(**options)  # bad options fail now, not in every task
    names = df.columns
    for col in (text_col, group_col):
        if col is not None and col not in names:
            raise ValueError(f"no column {col!r} in the DataFrame (columns: {names})")
    if spans_col is not None and spans_col in names:
        raise ValueError(f"column {spans_col!r} already exists")
    schema = _out_schema(df.schema, spans_col)
    if group_col is not None and not merge:
        parts = (df.repartition(num_partitions, group_col) if num_partitions
                 else df.repartition(group_col))
        return parts.mapInArrow(
            _by_group(text_col, group_col, spans_col, options), schema)
    return _learn_merge_apply(df, text_col, group_col, spans_col, counts_dir, options, schema)


def _out_schema(schema, spans_col):
    from pyspark.sql.types import ArrayType, LongType, StructField, StructType

    fields = list(schema.fields)
    if spans_col is not None:
        fields.append(StructField(spans_col, ArrayType(ArrayType(LongType(), False), False), False))
    return StructType(fields)


def _column(batch, name):
    """A column as a Python list of str/None (groups of another type as str)."""
    import pyarrow as pa

    col = batch.column(batch.schema.get_field_index(name))
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = col.cast(pa.string())
    return col.to_pylist()


def _cleaned_batch(batch, model, texts, groups, text_col, spans_col):
    import pyarrow as pa

    global _SPANS_TYPE
    outs = model.clean_batch(texts, groups)
    i = batch.schema.get_field_index(text_col)
    arrays = list(batch.columns)
    arrays[i] = pa.array([o.text for o in outs], type=batch.schema.field(i).type)
    names = list(batch.schema.names)
    if spans_col is not None:
        if _SPANS_TYPE is None:
            _SPANS_TYPE = pa.list_(pa.list_(pa.int64()))
        arrays.append(pa.array([[list(s) for s in o.spans] for o in outs], type=_SPANS_TYPE))
        names.append(spans_col)
    return pa.RecordBatch.from_arrays(arrays, names=names)


def _by_group(text_col, group_col, spans_col, options):
    def run(batches):
        import boilercut

        # Learning needs every document of a group before the first is
        # cleaned: the partition is held in memory (as Arrow and as str).
        held = []
        learner = boilercut.Learner(**options)
        for b in batches:
            texts, groups = _column(b, text_col), _column(b, group_col)
            learner.add_batch(texts, groups)
            held.append((b, texts, groups))
        if not held:
            return
        model = learner.finish()
        for b, texts, groups in held:
            yield _cleaned_batch(b, model, texts, groups, text_col, spans_col)

    return run


_MODELS: dict = {}


def _model(key, data):
    """One parsed model per Python worker and broadcast (workers are reused)."""
    import boilercut

    m = _MODELS.get(key)
    if m is None:
        _MODELS.clear()
        m = _MODELS[key] = boilercut.Model.from_bytes(data)
    return m


def _learn_merge_apply(df, text_col, group_col, spans_col, counts_dir, options, schema):
    import boilercut

    own_dir = counts_dir is None
    if own_dir:
        counts_dir = tempfile.mkdtemp(prefix="boilercut-counts-")
    else:
        os.makedirs(counts_dir, exist_ok=True)
    run_id = uuid.uuid4().hex[:12]

    def learn(batches):
        import pyarrow as pa

        learner = boilercut.Learner(**options)
        for b in batches:
            groups = _column(b, group_col) if group_col is not None else None
            learner.add_batch(_column(b, text_col), groups)
        # A retried task writes a file of its own; only the paths the
        # successful attempts return are merged.
        path = os.path.join(counts_dir, f"{run_id}-{uuid.uuid4().hex}.cnt")
        learner.write_counts(path)
        yield pa.RecordBatch.from_arrays([pa.array([path])], names=["path"])

    cols = [text_col] + ([group_col] if group_col is not None else [])
    try:
        paths = [r["path"] for r in df.select(*cols).mapInArrow(learn, "path string").collect()]
        model = boilercut.merge(paths)
    finally:
        if own_dir:
            shutil.rmtree(counts_dir, ignore_errors=True)
    data = model.to_bytes()
    try:
        shared = df.sparkSession.sparkContext.broadcast(data)
        key, get = run_id, (lambda: shared.value)
    except Exception:  # Spark Connect has no broadcast: ship the bytes with the function
        key, get = run_id, (lambda: data)

    def apply(batches):
        m = _model(key, get())
        for b in batches:
            groups = _column(b, group_col) if group_col is not None else None
            yield _cleaned_batch(b, m, _column(b, text_col), groups, text_col, spans_col)

    return df.mapInArrow(apply, schema)
