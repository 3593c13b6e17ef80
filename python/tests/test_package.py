"""The Python package: API, spans, pickling, bad input, equality with the CLI."""

import os
import pickle
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import boilercut
from conftest import SAMPLE, run_cli

APPEAL = (
    "A message from the Harbor Gazette: we rely on readers like you. "
    "Support our newsroom from just $3 a month."
)
STORIES = [
    "The council approved the new budget on Tuesday.",
    "Fishermen reported a record catch this spring.",
    "The old lighthouse will reopen to visitors in June.",
    "A storm closed the coastal road for two days.",
    "Students built a robot that sorts recycling.",
]


def harbor_model():
    learner = boilercut.Learner()
    for s in STORIES:
        learner.add(s + APPEAL, "harbor.example")
    return learner.finish()


def rebuild(text, spans):
    """text without the spans (code-point ranges)."""
    out, at = [], 0
    for s, e in spans:
        assert at <= s <= e <= len(text)
        out.append(text[at:s])
        at = e
    out.append(text[at:])
    return "".join(out)


def test_quick_start():
    # The README's quick start.
    learner = boilercut.Learner(min_docs=4)
    learner.add_batch([s + APPEAL for s in STORIES], "harbor.example")
    model = learner.finish()
    out = model.clean("Ferry fares will rise.A message from the Harbor Gazette: we rely on "
                      "readers like you. Support our newsroom from just $10 a month.",
                      "harbor.example")
    assert out.text == "Ferry fares will rise."
    assert len(out.spans) == 1


def test_nothing_cut_returns_the_same_object():
    model = harbor_model()
    text = "An article about nothing repeated at all, long enough to have shingles in it."
    out = model.clean(text, "harbor.example")
    assert out.text is text and out.spans == [] and not out
    # An unknown group is left alone.
    t2 = STORIES[0] + APPEAL
    assert model.clean(t2, "other.example").text is t2


def test_spans_index_python_strings_with_non_ascii():
    appeal = ("Υποστηρίξτε τη δημοσιογραφία μας 🙏 — 支持我们的新闻报道 — "
              "Support our newsroom from just €3 a month, thank you, dear readers.")
    words = ["λιμάνι", "δήμαρχος", "σχολείο", "βροχή", "πλοίο", "αγορά", "γέφυρα", "θέατρο",
             "δρόμος", "ψαράδες", "τρένο", "νοσοκομείο"]
    texts = [" ".join(words[(i * 5 + j * 7) % 12] for j in range(9)) + " 🚢.\n"
             + appeal + "\n" + " ".join(words[(i * 3 + j * 5) % 12] for j in range(6))
             + " 漢字." for i in range(8)]
    learner = boilercut.Learner()
    learner.add_batch(texts, ["gr.example"] * len(texts))
    model = learner.finish()
    for out, text in zip(model.clean_batch(texts, "gr.example"), texts):
        assert out.spans, text
        assert rebuild(text, out.spans) == out.text
        cut = "".join(text[s:e] for s, e in out.spans)
        assert "🙏" in cut and "支持我们的新闻报道" in cut and "€3" in cut
        assert "🚢" in out.text and "漢字" in out.text
        # byte_spans are the same ranges in UTF-8.
        raw = text.encode()
        assert [raw[s:e].decode() for s, e in out.byte_spans] == [text[s:e] for s, e in out.spans]


def test_spans_round_trip_on_the_sample(sample):
    texts = [r["text"] for r in sample]
    groups = [r["site"] for r in sample]
    learner = boilercut.Learner()
    learner.add_batch(texts, groups)
    model = learner.finish()
    outs = model.clean_batch(texts, groups)
    assert sum(1 for o in outs if o) > len(outs) * 0.9
    for text, out in zip(texts, outs):
        assert rebuild(text, out.spans) == out.text


def test_clean_batch_equals_clean(sample):
    texts = [r["text"] for r in sample[:100]]
    groups = [r["site"] for r in sample[:100]]
    learner = boilercut.Learner()
    for t, g in zip(texts, groups):
        learner.add(t, g)
    model = learner.finish()
    batch = model.clean_batch(texts, groups)
    assert batch == [model.clean(t, g) for t, g in zip(texts, groups)]
    # A generator works as well as a list.
    assert model.clean_batch((t for t in texts), iter(groups)) == batch


def test_pickle_round_trip(tmp_path):
    model = harbor_model()
    back = pickle.loads(pickle.dumps(model))
    assert back.to_bytes() == model.to_bytes()
    assert back.groups == model.groups == {"harbor.example": (5, model.groups["harbor.example"][1])}
    assert len(back) == len(model) > 0
    text = "Ferry fares will rise. " + APPEAL
    assert back.clean(text, "harbor.example") == model.clean(text, "harbor.example")
    model.save(tmp_path / "m.bcm")
    assert boilercut.Model.load(tmp_path / "m.bcm").to_bytes() == model.to_bytes()
    assert boilercut.Model.load(str(tmp_path / "m.bcm")).to_bytes() == model.to_bytes()


def test_count_files_merge_to_the_same_model(sample, tmp_path):
    texts = [r["text"] for r in sample]
    groups = [r["site"] for r in sample]
    one = boilercut.Learner()
    one.add_batch(texts, groups)
    paths = []
    for i in range(3):
        shard = boilercut.Learner()
        shard.add_batch(texts[i::3], groups[i::3])
        paths.append(tmp_path / f"{i}.cnt")
        shard.write_counts(paths[-1])
    merged = boilercut.merge(paths)
    assert merged.to_bytes() == one.finish().to_bytes()


def test_model_equals_the_cli_learn(sample, cli, tmp_path):
    run_cli(cli, "learn", SAMPLE, "-o", tmp_path / "cli.bcm", "--group-field", "site")
    cli_model = boilercut.Model.load(tmp_path / "cli.bcm")
    learner = boilercut.Learner()
    learner.add_batch([r["text"] for r in sample], [r["site"] for r in sample])
    model = learner.finish()
    assert cli_model.groups == model.groups
    assert len(cli_model) == len(model)


@pytest.mark.parametrize("group", ["site", None])
def test_clean_batch_equals_the_cli(sample, cli_clean, group):
    texts = [r["text"] for r in sample]
    groups = [r[group] for r in sample] if group else None
    learner = boilercut.Learner()
    learner.add_batch(texts, groups)
    outs = learner.finish().clean_batch(texts, groups)
    want = cli_clean[group]
    assert len(want) == len(outs)
    for rec, out in zip(want, outs):
        assert out.text == rec["text"], rec["id"]
        assert [list(s) for s in out.byte_spans] == rec.get("spans", []), rec["id"]


def test_none_passes_through():
    model = harbor_model()
    out = model.clean(None, "harbor.example")
    assert out.text is None and out.spans == [] and out.byte_spans == []
    outs = model.clean_batch([None, STORIES[0] + APPEAL, None], "harbor.example")
    assert [o.text for o in outs] == [None, STORIES[0], None]
    learner = boilercut.Learner()
    learner.add(None, "g")
    learner.add_batch([None, "text"], [None, None])
    assert learner.docs == 1
    # A None group is the "" group.
    assert model.clean("x", None).text == "x"


def test_lone_surrogates_pass_through():
    model = harbor_model()
    text = "Broken emoji \ud83d " + APPEAL
    out = model.clean(text, "harbor.example")
    assert out.text is text and out.spans == []
    learner = boilercut.Learner()
    learner.add(text, "g")
    assert learner.docs == 0


@pytest.mark.parametrize("call", [
    lambda m: m.clean(b"bytes", "g"),
    lambda m: m.clean(3),
    lambda m: m.clean("text", 5),
    lambda m: m.clean_batch("a single str"),
    lambda m: m.clean_batch(42),
    lambda m: m.clean_batch(["ok", 1.5]),
    lambda m: m.clean_batch(["ok"], [b"group"]),
    lambda m: boilercut.Learner().add(["list"]),
    lambda m: boilercut.Learner().add_batch([object()]),
    lambda m: boilercut.Learner(memory=[1]),
    lambda m: boilercut.merge(5),
])
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call(harbor_model())


def test_bad_values_raise_boilercut_error(tmp_path):
    for kw in [dict(min_docs=1), dict(shingle_words=1), dict(shingle_words=100),
               dict(min_fraction=1.5), dict(min_fraction=float("nan")),
               dict(memory="lots"), dict(memory=0), dict(memory=-5), dict(memory="2X")]:
        with pytest.raises(boilercut.Error) as e:
            boilercut.Learner(**kw)
        assert "invalid option" in str(e.value)
    assert issubclass(boilercut.Error, ValueError)
    model = harbor_model()
    with pytest.raises(ValueError, match="groups has 1 items, texts has 2"):
        model.clean_batch(["a", "b"], ["g"])
    learner = boilercut.Learner(memory="64M")
    learner.finish()
    for call in (lambda: learner.add("x"), learner.finish, lambda: learner.add_batch(["x"]),
                 lambda: learner.write_counts(tmp_path / "c")):
        with pytest.raises(boilercut.Error, match="learner already finished"):
            call()


def test_bad_model_files(tmp_path):
    good = harbor_model().to_bytes()
    cases = {
        "garbage": (os.urandom(1000), "not a boilercut model file"),
        "empty": (b"", "not a boilercut model file"),
        "version": (good[:8] + (99).to_bytes(4, "little") + good[12:],
                    "model format version 99 is not supported"),
        "truncated": (good[: len(good) // 2], "damaged model file"),
        "flipped": (good[:40] + bytes([good[40] ^ 1]) + good[41:], "damaged model file"),
        "counts": (b"BCUTCNTS" + good[8:], "not a boilercut model file"),
    }
    for name, (data, msg) in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(boilercut.Error, match=msg) as e:
            boilercut.Model.load(p)
        assert str(p) in str(e.value)
        with pytest.raises(boilercut.Error, match=msg):
            boilercut.Model.from_bytes(data)
    with pytest.raises(FileNotFoundError, match="cannot read model"):
        boilercut.Model.load(tmp_path / "missing.bcm")
    with pytest.raises(OSError):
        boilercut.Model.load(tmp_path)
    with pytest.raises(TypeError):
        boilercut.Model.from_bytes("not bytes")
    # Every truncation is refused cleanly.
    for n in range(0, len(good), 7):
        with pytest.raises(boilercut.Error):
            boilercut.Model.from_bytes(good[:n])


def test_bad_count_files(tmp_path):
    with pytest.raises(boilercut.Error, match="no count files"):
        boilercut.merge([])
    junk = tmp_path / "junk.cnt"
    junk.write_bytes(b"hello world" * 10)
    with pytest.raises(boilercut.Error, match="merging 1 count files"):
        boilercut.merge([junk])
    with pytest.raises(FileNotFoundError):
        boilercut.merge([tmp_path / "missing.cnt"])
    a, b = boilercut.Learner(), boilercut.Learner(shingle_words=6)
    a.add("some text here", "g")
    b.add("some text here", "g")
    a.write_counts(tmp_path / "a.cnt")
    b.write_counts(tmp_path / "b.cnt")
    with pytest.raises(boilercut.Error, match="do not match"):
        boilercut.merge([tmp_path / "a.cnt", tmp_path / "b.cnt"])
    model = tmp_path / "m.bcm"
    harbor_model().save(model)
    with pytest.raises(boilercut.Error):
        boilercut.merge([model])
    with pytest.raises(OSError):
        a.write_counts(tmp_path / "no" / "such" / "dir.cnt")


def test_a_100_mb_string():
    model = harbor_model()
    article = "The harbour master said the ferry would run late again today. "
    # Under the document size cap (16 MiB): cleaned like any other.
    mid = article * 190_000 + APPEAL
    out = model.clean(mid, "harbor.example")
    assert len(out.spans) == 1
    s, e = out.spans[0]
    assert mid[s:e].strip() == APPEAL
    assert out.text == mid[:s] + mid[e:]
    # Over it: passed through unchanged, quickly, and not learned (the
    # engine bounds the memory one document can take).
    big = (article * 1_700_000)[:100_000_000] + APPEAL
    assert len(big) > 100_000_000
    t0 = time.perf_counter()
    out = model.clean(big, "harbor.example")
    assert time.perf_counter() - t0 < 60
    assert out.spans == [] and out.text == big
    learner = boilercut.Learner()
    learner.add_batch([big, big[:1000]], "harbor.example")
    assert learner.docs == 1


def test_threads_share_a_model(sample):
    texts = [r["text"] for r in sample]
    groups = [r["site"] for r in sample]
    learner = boilercut.Learner()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: learner.add_batch(texts[i::4], groups[i::4]), range(4)))
    assert learner.docs == len(texts)
    model = learner.finish()
    want = model.clean_batch(texts, groups)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda tg: model.clean(*tg), zip(texts, groups)))
    assert got == want


def test_ctrl_c_interrupts_a_long_batch(sample):
    texts = [r["text"] for r in sample]
    groups = [r["site"] for r in sample]
    learner = boilercut.Learner()
    learner.add_batch(texts, groups)
    model = learner.finish()
    many_texts, many_groups = texts * 400, groups * 400  # 240k documents, ~1 GB
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    t0 = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        model.clean_batch(many_texts, many_groups)
    elapsed = time.perf_counter() - t0
    timer.join()
    assert elapsed < 5, elapsed
    # Exact copies count once and cost almost nothing to learn: the learner
    # gets distinct texts.
    distinct = [f"{t} n{i}" for i, t in enumerate(many_texts)]
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            boilercut.Learner().add_batch(distinct, many_groups)
    finally:
        timer.cancel()
        timer.join()


def test_docs_and_help():
    assert "Learner" in boilercut.__doc__
    for obj in (boilercut.Learner, boilercut.Model, boilercut.Cleaned, boilercut.merge,
                boilercut.Model.clean, boilercut.Model.clean_batch, boilercut.Learner.add_batch):
        assert obj.__doc__ and len(obj.__doc__) > 40, obj
    assert "group=None" in boilercut.Model.clean.__text_signature__
    assert "min_docs=4" in boilercut.Learner.__text_signature__
    assert boilercut.Model.__module__ == "boilercut"
    assert boilercut.Error.__module__ == "boilercut"
    assert boilercut.host("https://www.Example.org:8080/a?b") == "example.org"


def test_readme_quick_start(monkeypatch, capsys):
    """The README's Python quick start runs as written, from the repository top."""
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) == 5
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    spans = eval(capsys.readouterr().out)
    assert spans and all(s < e for s, e in spans)


def test_finish_while_another_thread_adds(sample):
    """No deadlock: finish() from one thread while another is in add_batch."""
    texts = [r["text"] for r in sample] * 100
    learner = boilercut.Learner()
    worker = threading.Thread(target=learner.add_batch, args=(texts, "g"))
    worker.start()
    time.sleep(0.05)
    model = learner.finish()
    with pytest.raises(boilercut.Error, match="learner already finished"):
        learner.add("more text", "g")
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert isinstance(model, boilercut.Model)


def test_arrow_and_pandas_columns():
    import pandas as pd
    import pyarrow as pa

    model = harbor_model()
    texts = [STORIES[0] + APPEAL, None, "plain"]
    want = model.clean_batch(texts, "harbor.example")
    assert model.clean_batch(pa.array(texts), "harbor.example") == want
    assert model.clean_batch(pa.chunked_array([texts[:1], texts[1:]]), "harbor.example") == want
    assert model.clean_batch(pd.Series(texts), pd.Series(["harbor.example"] * 3)) == want


def test_stubs_cover_the_runtime_api():
    import ast
    from pathlib import Path

    stub = ast.parse((Path(boilercut.__file__).parent / "_boilercut.pyi").read_text())
    declared = {}
    for node in stub.body:
        if isinstance(node, ast.ClassDef):
            declared[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
        elif isinstance(node, ast.FunctionDef):
            declared[node.name] = set()
    assert set(boilercut.__all__) <= set(declared)
    for cls in (boilercut.Learner, boilercut.Model, boilercut.Cleaned,
                boilercut.OnlineCleaner, boilercut.Released):
        public = {n for n in vars(cls) if not n.startswith("_")}
        assert public <= declared[cls.__name__], (cls, public - declared[cls.__name__])
