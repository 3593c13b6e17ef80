"""Throughput of the Python package against the CLI's engine, the Spark local job end
to end, and the package's import time. Prints Markdown tables for BENCHMARKS.md.

    benches/python.sh [--docs 50000] [--sites 40] [--dir /tmp/boilercut-bench]

Run through benches/python.sh, which builds the CLI and installs the package (release)
into .venv first. Every figure checks its answer: clean_batch's texts must equal the
CLI's `apply` output record by record, and the Spark job's total text length must
equal the CLI's.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / "target" / "release" / "boilercut"


def timed(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=50000)
    ap.add_argument("--sites", type=int, default=40)
    ap.add_argument("--dir", default="/tmp/boilercut-bench")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-spark", action="store_true")
    a = ap.parse_args()

    corpus = Path(a.dir) / f"c{a.docs}"
    src = corpus / "corpus.jsonl"
    if not src.exists():
        subprocess.run([sys.executable, str(ROOT / "corpus" / "generate.py"), "--docs", str(a.docs),
                        "--sites", str(a.sites), "--seed", "2", "--out", str(corpus)], check=True,
                       stdout=subprocess.DEVNULL)
    jsonl_mb = src.stat().st_size / 1e6
    with open(src, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    texts = [r["text"] for r in recs]
    groups = [r["site"] for r in recs]
    text_mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"corpus: {src} ({len(recs)} documents, {jsonl_mb:.1f} MB of JSONL, "
          f"{text_mb:.1f} MB of text); machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}; "
          f"Python {platform.python_version()}; best of {a.runs} runs")
    print()

    import boilercut

    # CLI and Python runs alternate, so that a busy spell of the (shared) machine
    # hits both; the fastest run of each counts. CPU seconds (all threads) too.
    model_path = Path(a.dir) / "py-bench.bcm"
    applied = Path(a.dir) / "py-bench-apply.jsonl"

    def cli(cmd):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = timed(cmd)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)

    def py(f, *args):
        ts = [t.encode().decode() for t in texts]
        # New str objects each run: CPython caches a non-ASCII str's UTF-8 form on
        # first use, and a pipeline's strings arrive fresh, so that cost counts.
        c0, t0 = time.process_time(), time.perf_counter()
        out = f(ts, *args)
        return (time.perf_counter() - t0, time.process_time() - c0), out

    def learn(ts):
        learner = boilercut.Learner()
        learner.add_batch(ts, groups)
        return learner.finish()

    def clean(ts, model):
        return model.clean_batch(ts, groups)

    runs = {k: [] for k in ("cli_learn", "py_learn", "cli_apply", "py_clean")}
    for _ in range(a.runs):
        runs["cli_learn"].append(cli([BIN, "learn", src, "-o", model_path, "--group-field", "site", "-q"]))
        r, model = py(learn)
        runs["py_learn"].append(r)
        runs["cli_apply"].append(cli([BIN, "apply", "--model", model_path, src, "-o", applied,
                                      "--group-field", "site", "-q"]))
        r, outs = py(clean, model)
        runs["py_clean"].append(r)
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in runs.items()}
    with open(applied, encoding="utf-8") as f:
        want = [json.loads(line)["text"] for line in f]
    bad = sum(o.text != w for o, w in zip(outs, want))
    if bad or len(outs) != len(want):
        sys.exit(f"clean_batch differs from the CLI on {bad} documents")
    removed = sum(e - s for o in outs for s, e in o.byte_spans) / 1e6

    rows = [
        ("CLI `boilercut learn` (reads and parses the JSONL)", "cli_learn", None),
        ("Python `Learner.add_batch` + `finish` (texts in memory)", "py_learn", "cli_learn"),
        ("CLI `boilercut apply` (reads, parses, cleans, writes the JSONL)", "cli_apply", None),
        ("Python `Model.clean_batch` (texts in memory, `Cleaned` objects out)", "py_clean", "cli_apply"),
    ]
    print("| run | wall s | CPU s | text MB/s | JSONL MB/s | throughput vs CLI |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, k, vs in rows:
        wall, cpu = best[k]
        jsonl = f"{jsonl_mb / wall:.1f}" if k.startswith("cli") else ""
        ratio = f"{best[vs][0] / wall:.0%}" if vs else ""
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {text_mb / wall:.1f} | {jsonl} | {ratio} |")
    print()
    print(f"clean_batch equals `boilercut apply` on all {len(outs)} documents ({removed:.1f} MB removed).")
    print()

    # Import time, in fresh interpreters.
    code = "import time; t = time.perf_counter(); import boilercut; print(time.perf_counter() - t)"
    imports = [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                    text=True).stdout) for _ in range(10)]
    code_sub = ("import time; t = time.perf_counter(); import boilercut.spark, boilercut.datatrove; "
                "print(time.perf_counter() - t)")
    sub = [float(subprocess.run([sys.executable, "-c", code_sub], check=True, capture_output=True,
                                text=True).stdout) for _ in range(5)]
    print(f"`import boilercut`: median {statistics.median(imports) * 1000:.1f} ms of 10 fresh "
          f"interpreters (min {min(imports) * 1000:.1f} ms); `import boilercut.spark, "
          f"boilercut.datatrove` (pulls in datatrove): median {statistics.median(sub) * 1000:.0f} ms.")
    print()

    if not a.no_spark:
        spark_bench(src, jsonl_mb, sum(len(w) for w in want if w is not None), a.dir)


def spark_bench(src, jsonl_mb, want_chars, workdir):
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from boilercut.spark import clean

    t0 = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("boilercut-bench")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.driver.memory", "6g")
             .config("spark.sql.shuffle.partitions", "8").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter() - t0
    out_dir = Path(workdir) / "py-bench-spark"
    spark.read.json(str(src)).write.mode("overwrite").parquet(str(out_dir))  # warm-up, not counted
    rows = []
    for mode, job in [("floor: read + write, no cleaning", lambda df: df),
                      ("floor: read + repartition by site + write", lambda df: df.repartition("site"))]:
        t0 = time.perf_counter()
        job(spark.read.json(str(src))).write.mode("overwrite").parquet(str(out_dir))
        rows.append((mode, time.perf_counter() - t0))
    for mode, kwargs in [("`clean`, by group, in memory", {}),
                         ("`clean(merge=True)`, learn -> merge -> apply", {"merge": True})]:
        t0 = time.perf_counter()
        df = spark.read.json(str(src))
        clean(df, "text", "site", **kwargs).write.mode("overwrite").parquet(str(out_dir))
        wall = time.perf_counter() - t0
        got = spark.read.parquet(str(out_dir)).agg(F.sum(F.length("text"))).first()[0]
        if got != want_chars:
            sys.exit(f"Spark ({mode}) left {got} characters, the CLI {want_chars}")
        rows.append((mode, wall))
    spark.stop()
    print(f"Spark `local[2]` end to end: read the JSONL, `boilercut.spark.clean(df, \"text\", \"site\")`, "
          f"write Parquet (session start {start:.1f} s, not included):")
    print()
    print("| Spark job | wall s | JSONL MB/s |")
    print("|---|---:|---:|")
    for mode, wall in rows:
        print(f"| {mode} | {wall:.1f} | {jsonl_mb / wall:.1f} |")
    print()
    print("Both cleaning jobs' total text length equals the CLI's output.")


if __name__ == "__main__":
    main()
