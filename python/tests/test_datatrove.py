"""boilercut.datatrove: learn per task -> merge -> clean with datatrove's
LocalPipelineExecutor; every document's text equals `boilercut clean`'s."""

import json

import pytest

from conftest import read_jsonl

pytest.importorskip("datatrove", reason="./test.sh installs datatrove")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

import boilercut  # noqa: E402
from boilercut.datatrove import BoilercutClean, BoilercutLearn, BoilercutMerge  # noqa: E402


@pytest.fixture
def shards(sample, tmp_path):
    """The sample split into 3 JSONL files."""
    d = tmp_path / "data"
    d.mkdir()
    for i in range(3):
        with open(d / f"part-{i}.jsonl", "w", encoding="utf-8") as f:
            for rec in sample[i::3]:
                f.write(json.dumps(rec) + "\n")
    return d


def run_pipeline(shards, work, **grouping):
    counts, model, out = work / "counts", work / "site.bcm", work / "out"
    learn = LocalPipelineExecutor(
        [JsonlReader(str(shards)), BoilercutLearn(str(counts), **grouping)],
        tasks=3, workers=1, logging_dir=str(work / "logs-learn"))
    merge = LocalPipelineExecutor(
        [BoilercutMerge(str(counts), str(model))],
        tasks=1, workers=1, logging_dir=str(work / "logs-merge"), depends=learn)
    clean = LocalPipelineExecutor(
        [JsonlReader(str(shards)), BoilercutClean(str(model), spans_key="spans", **grouping),
         JsonlWriter(str(out), output_filename="${rank}.jsonl", compression=None)],
        tasks=3, workers=1, logging_dir=str(work / "logs-clean"), depends=merge)
    clean.run()
    assert sorted(p.name for p in counts.iterdir()) == ["00000.bcc", "00001.bcc", "00002.bcc"]
    docs = [d for p in sorted(out.iterdir()) for d in read_jsonl(p)]
    return docs, boilercut.Model.load(model)


def check(docs, want, sample):
    got = {d["id"]: d for d in docs}
    orig = {r["id"]: r["text"] for r in sample}
    assert len(got) == len(want)
    for rec in want:
        doc = got[rec["id"]]
        assert doc["text"] == rec["text"], rec["id"]
        raw = orig[rec["id"]].encode()
        cut = [orig[rec["id"]][s:e].encode() for s, e in doc["metadata"]["spans"]]
        assert cut == [raw[s:e] for s, e in rec.get("spans", [])], rec["id"]


def test_by_host_of_url(shards, tmp_path, cli_clean, sample):
    docs, model = run_pipeline(shards, tmp_path)
    check(docs, cli_clean["host"], sample)
    assert len(model.groups) == 12


def test_by_metadata_key(shards, tmp_path, cli_clean, sample):
    docs, _ = run_pipeline(shards, tmp_path, group_key="site")
    check(docs, cli_clean["site"], sample)


def test_clean_step_alone_with_a_model_object():
    texts = [f"Story {w} about the harbour and the {w} ferry today. Support our newsroom "
             "with a gift of $5 today, dear readers, thank you." for w in
             ["red", "blue", "green", "grey", "black", "white"]]
    learner = boilercut.Learner()
    learner.add_batch(texts, "news.example")
    step = BoilercutClean(learner.finish(), group=lambda d: "news.example", drop_empty=True)
    docs = [Document(text=t, id=str(i)) for i, t in enumerate(texts)]
    docs.append(Document(text="Support our newsroom with a gift of $7 today, dear readers, "
                              "thank you.", id="only-appeal"))
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == [str(i) for i in range(6)]
    assert out[0].text == "Story red about the harbour and the red ferry today."
    assert step.stats["emptied"].total == 1
    assert step.stats["cleaned"].total == 7


def test_bad_options_fail_when_built(tmp_path):
    with pytest.raises(boilercut.Error):
        BoilercutLearn(str(tmp_path), min_docs=1)
    with pytest.raises(boilercut.Error, match="no count files"):
        list(BoilercutMerge(str(tmp_path), str(tmp_path / "m.bcm")).run(None))
