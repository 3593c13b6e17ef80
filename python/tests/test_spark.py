"""boilercut.spark on a real PySpark in local mode: every record's text equals
`boilercut clean`'s on corpus/sample."""

import os
import sys

import pytest

from conftest import SAMPLE

pyspark = pytest.importorskip("pyspark", reason="./test.sh installs pyspark")

import boilercut  # noqa: E402
from boilercut.spark import clean  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    s = (SparkSession.builder.master("local[2]").appName("boilercut-test")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.driver.memory", "1g")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def df(spark):
    return spark.read.json(str(SAMPLE))


def by_id(rows):
    return {r["id"]: r for r in rows}


def check(got, want, spans=False):
    got = by_id(got)
    assert len(got) == len(want)
    for rec in want:
        row = got[rec["id"]]
        assert row["text"] == rec["text"], rec["id"]
        if spans:
            # Character offsets in Spark, byte offsets in the CLI's output.
            orig = row["orig"]
            cut = [orig[s:e].encode() for s, e in row["spans"]]
            raw = orig.encode()
            assert cut == [raw[s:e] for s, e in rec.get("spans", [])], rec["id"]


def test_by_group_in_memory(df, cli_clean):
    out = clean(df.withColumn("orig", df["text"]), "text", "site", spans_col="spans")
    rows = out.collect()
    check(rows, cli_clean["site"], spans=True)
    # Every other column is unchanged.
    assert set(out.columns) == set(df.columns) | {"orig", "spans"}
    assert {r["id"]: r["url"] for r in rows} == {r["id"]: r["url"] for r in df.collect()}


def test_one_group_learn_merge_apply(df, cli_clean, tmp_path):
    out = clean(df.repartition(3), group_col=None, counts_dir=str(tmp_path / "counts"))
    check(out.collect(), cli_clean[None])
    assert len(os.listdir(tmp_path / "counts")) == 3


def test_merge_mode_with_groups(df, cli_clean):
    out = clean(df.repartition(3), group_col="site", merge=True)
    check(out.collect(), cli_clean["site"])


def test_nulls_and_options(spark):
    rows = [("a", "x.example", None), ("b", None, "text without group")]
    d = spark.createDataFrame(rows, "id string, site string, text string")
    got = by_id(clean(d, min_docs=2).collect())
    assert got["a"]["text"] is None
    assert got["b"]["text"] == "text without group"
    with pytest.raises(boilercut.Error, match="min docs"):
        clean(d, min_docs=1)
    with pytest.raises(ValueError, match="no column 'body'"):
        clean(d, text_col="body")
