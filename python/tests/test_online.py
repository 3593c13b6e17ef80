"""boilercut.OnlineCleaner (pages cleaned as they arrive) and the Scrapy pipeline example."""

import importlib.util
import json
import pickle
from pathlib import Path

import pytest

import boilercut

APPEAL = (
    "A message from the Harbor Gazette: we rely on readers like you. "
    "Support our newsroom from just $3 a month, and get the weekly letter."
)
FOOTER = "Copyright Ridge Weekly. Subscribe to the Ridge Weekly digest for more mountain news."


WORDS = (
    "ferry council budget lighthouse storm road students robot market bridge "
    "harvest festival library museum river school train tower garden bakery "
    "mayor election orchestra theatre glacier forest miners nurses sailors "
    "tunnel airport stadium vineyard orchard factory castle island valley"
).split()


def article(i, salt):
    """A distinct article: words picked by a small generator from i."""
    x = i * 7919 + salt
    words = []
    for _ in range(24):
        x = (x * 1103515245 + 12345) % (1 << 31)
        words.append(WORDS[x % len(WORDS)])
    return " ".join(words).capitalize() + "."


def body(text):
    """The middle of an article: kept when the page is cleaned."""
    return text[30:90]


def harbor(i):
    return f"{article(i, 1)}\n{APPEAL}"


def ridge(i):
    return f"{article(i, 2)}\n{FOOTER}"


def stream(n=30):
    """Two sites interleaved, plus a site of one page: (text, group, item)."""
    out = []
    for i in range(n):
        out.append((harbor(i), "harbor.example", {"id": f"h{i}"}))
        if i % 2 == 0:
            out.append((ridge(i), "ridge.example", {"id": f"r{i}"}))
    out.append(("A lonely page of a site seen only once in this crawl.", "alone.example", {"id": "a"}))
    return out


def run(pages, cleaner=None):
    c = cleaner or boilercut.OnlineCleaner(hold_pages=4)
    got = []
    for t, g, it in pages:
        got.extend(c.push(t, g, it))
    got.extend(c.flush())
    return got


def key(r):
    return (r.arrival, r.group, r.text, r.spans, r.byte_spans, repr(r.item))


def test_held_then_released_cleaned():
    c = boilercut.OnlineCleaner(hold_pages=4)
    for i in range(3):
        assert c.push(harbor(i), "harbor.example", i) == []
    assert c.held == 3
    out = c.push(harbor(3), "harbor.example", 3)
    assert [r.item for r in out] == [0, 1, 2, 3]
    assert [r.arrival for r in out] == [0, 1, 2, 3]
    for r in out:
        assert "Harbor Gazette" not in r.text
        assert body(article(r.item, 1)) in r.text
        assert r.group == "harbor.example"
    # Streaming now: cleaned on arrival.
    (r,) = c.push(harbor(4), "harbor.example", "x")
    assert r.item == "x" and "Harbor Gazette" not in r.text and body(harbor(4)) in r.text
    assert c.held == 0 and c.stats()["held_now"] == 0


def test_spans_are_code_points():
    c = boilercut.OnlineCleaner(hold_pages=4)
    texts = [f"Été {i}: naïve café story number {i} — “quotes” ünïcödé.\n{APPEAL}" for i in range(4)]
    out = [r for t in texts for r in c.push(t, "harbor.example")]
    assert len(out) == 4
    for t, r in zip(texts, out):
        assert r.spans
        rebuilt, at = [], 0
        for s, e in r.spans:
            rebuilt.append(t[at:s])
            at = e
        rebuilt.append(t[at:])
        assert "".join(rebuilt).strip() == r.text.strip()
        b = t.encode()
        assert [b[s:e].decode() for s, e in r.byte_spans] == [t[s:e] for s, e in r.spans]


def test_every_item_once():
    pages = stream()
    got = run(pages)
    assert sorted(r.item["id"] for r in got) == sorted(it["id"] for _, _, it in pages)
    # The same objects come back.
    ids = {id(it) for _, _, it in pages}
    assert {id(r.item) for r in got} == ids
    # A site's pages keep their order.
    for g in ("harbor.example", "ridge.example"):
        arr = [r.arrival for r in got if r.group == g]
        assert arr == sorted(arr)
    # Appeal and footer cut, articles kept.
    by = {r.item["id"]: r for r in got}
    assert "Harbor Gazette" not in by["h20"].text and body(harbor(20)) in by["h20"].text
    assert "Ridge Weekly" not in by["r20"].text and body(ridge(20)) in by["r20"].text
    # A site that never had enough pages goes out with nothing cut.
    assert by["a"].spans == [] and by["a"].text == pages[-1][0]


def test_deterministic():
    a = [key(r) for r in run(stream())]
    b = [key(r) for r in run(stream())]
    assert a == b


def test_save_load_mid_stream(tmp_path):
    pages = [(t, g, None) for t, g, _ in stream()]
    whole = [key(r) for r in run(pages)]
    for half in (5, 11, 30):
        c = boilercut.OnlineCleaner(hold_pages=4)
        got = []
        for t, g, it in pages[:half]:
            got.extend(c.push(t, g, it))
        if half == 5:
            assert c.held == 5  # both sites still held
        path = tmp_path / f"crawl{half}.bcs"
        c.save(path)
        c2 = boilercut.OnlineCleaner.load(path)
        assert c2.held == c.held and c2.arrivals == half
        got = [key(r) for r in got] + [key(r) for r in run(pages[half:], c2)]
        assert got == whole
    half = 5
    # Through bytes and pickle too.
    c = boilercut.OnlineCleaner(hold_pages=4)
    first = [key(r) for t, g, it in pages[:half] for r in c.push(t, g, it)]
    c3 = pickle.loads(pickle.dumps(c))
    c4 = boilercut.OnlineCleaner.from_bytes(c.to_bytes())
    assert first + [key(r) for r in run(pages[half:], c3)] == whole
    assert first + [key(r) for r in run(pages[half:], c4)] == whole


def test_save_refused_while_items_held(tmp_path):
    c = boilercut.OnlineCleaner(hold_pages=4)
    c.push(harbor(0), "harbor.example", {"id": 1})
    with pytest.raises(boilercut.Error, match="items"):
        c.save(tmp_path / "s.bcs")
    with pytest.raises(boilercut.Error):
        c.to_bytes()
    with pytest.raises(boilercut.Error):
        pickle.dumps(c)
    assert not (tmp_path / "s.bcs").exists()
    c.flush()
    c.save(tmp_path / "s.bcs")


def test_options_and_warm_start():
    learner = boilercut.Learner()
    for i in range(6):
        learner.add(harbor(i), "harbor.example")
    model = learner.finish()
    c = boilercut.OnlineCleaner(hold_pages=4, warm_start=model, memory="64M", hold_bytes="1M")
    (r,) = c.push(harbor(100), "harbor.example", "w")
    assert "Harbor Gazette" not in r.text and r.item == "w"
    assert boilercut.OnlineCleaner(memory=1 << 26, once_filter="1M").stats()["memory"] > 0
    with pytest.raises(boilercut.Error):
        boilercut.OnlineCleaner(hold_pages=0)
    with pytest.raises(boilercut.Error):
        boilercut.OnlineCleaner(memory="lots")
    with pytest.raises(TypeError):
        boilercut.OnlineCleaner(warm_start="model.bcm")


def test_bad_input(tmp_path):
    c = boilercut.OnlineCleaner()
    with pytest.raises(TypeError):
        c.push(b"bytes", "g")
    with pytest.raises(TypeError):
        c.push(42)
    with pytest.raises(TypeError):
        c.push("text", 3)
    assert c.arrivals == 0 and c.held == 0
    # None and lone surrogates pass through at once, not learned.
    (r,) = c.push(None, "g", "it")
    assert r.text is None and r.item == "it" and r.arrival is None
    (r,) = c.push("bad \ud83d", "g")
    assert r.text == "bad \ud83d" and r.spans == []
    with pytest.raises(boilercut.Error):
        boilercut.OnlineCleaner.from_bytes(b"garbage")
    good = boilercut.OnlineCleaner().to_bytes()
    with pytest.raises(boilercut.Error):
        boilercut.OnlineCleaner.from_bytes(good[:-3] + b"xyz")
    p = tmp_path / "bad.bcs"
    p.write_bytes(b"BOILRONL" + b"\x00" * 40)
    with pytest.raises(boilercut.Error):
        boilercut.OnlineCleaner.load(p)
    with pytest.raises(FileNotFoundError):
        boilercut.OnlineCleaner.load(tmp_path / "missing.bcs")
    with pytest.raises(boilercut.Error):
        boilercut.OnlineCleaner.from_bytes(boilercut.Learner().finish().to_bytes())


# The Scrapy pipeline example, driven by hand (no Scrapy, no network).

def load_example():
    path = Path(__file__).resolve().parents[1] / "examples" / "scrapy_pipeline.py"
    spec = importlib.util.spec_from_file_location("scrapy_pipeline", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class DummySpider:
    name = "dummy"


def crawl_items():
    items = []
    for i in range(20):
        items.append({"url": f"https://www.harbor.example/news/{i}", "text": harbor(i), "n": i})
        if i % 2:
            items.append({"url": f"https://ridge.example:8080/p/{i}", "text": ridge(i), "n": 100 + i})
    items.append({"url": "https://alone.example/", "text": None, "n": -1})
    return items


def test_scrapy_pipeline_callback():
    mod = load_example()
    out = []
    pipe = mod.BoilercutPipeline(on_release=out.append, hold_pages=4)
    spider = DummySpider()
    pipe.open_spider(spider)
    items = crawl_items()
    for k, it in enumerate(items):
        assert pipe.process_item(it, spider) is it
        if k < 2:
            assert out == []  # held
    pipe.close_spider(spider)
    assert sorted(it["n"] for it in out) == sorted(it["n"] for it in items)
    assert all(any(o is it for it in items) for o in out)
    for it in out:
        if it["text"] is None:
            continue
        assert "Harbor Gazette" not in it["text"] and "Ridge Weekly" not in it["text"]
        assert body(article(it["n"] % 100, 1 if it["n"] < 100 else 2)) in it["text"]


def test_scrapy_pipeline_output_file(tmp_path):
    mod = load_example()

    class Settings(dict):
        def getint(self, k, d=0):
            return int(self.get(k, d))

    class Crawler:
        settings = Settings(BOILERCUT_OUTPUT=str(tmp_path / "out.jsonl"), BOILERCUT_HOLD_PAGES=4)

    pipe = mod.BoilercutPipeline.from_crawler(Crawler())
    spider = DummySpider()
    pipe.open_spider(spider)
    items = crawl_items()
    for it in items:
        pipe.process_item(dict(it), spider)
    pipe.close_spider(spider)
    lines = [json.loads(l) for l in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert sorted(l["n"] for l in lines) == sorted(it["n"] for it in items)
    assert not any("Harbor Gazette" in (l["text"] or "") for l in lines)


def test_same_as_cli_stream(cli, sample, tmp_path):
    """The same pages give the same cleaned texts as `boilercut stream`, and a
    state the CLI saved with held records loads and continues here."""
    from conftest import SAMPLE, read_jsonl, run_cli

    out = tmp_path / "stream.jsonl"
    run_cli(cli, "stream", SAMPLE, "-o", out, "--group-field", "site", "--once-filter", "0")
    want = {r["id"]: r["text"] for r in read_jsonl(out)}
    c = boilercut.OnlineCleaner(once_filter=0)
    got = [r for rec in sample for r in c.push(rec["text"], rec["site"], rec["id"])]
    got += c.flush()
    assert len(got) == len(sample)
    assert {r.item: r.text for r in got} == want

    state = tmp_path / "half.bcs"
    half = tmp_path / "half.jsonl"
    (tmp_path / "in.jsonl").write_text(SAMPLE.read_text().splitlines(True)[0] * 1)
    run_cli(cli, "stream", tmp_path / "in.jsonl", "-o", half, "--group-field", "site",
            "--state", state, "--keep-held")
    c = boilercut.OnlineCleaner.load(state)
    assert c.held == 1 and c.arrivals == 1
    (r,) = c.flush()
    assert r.item is None and r.text == sample[0]["text"] and r.arrival == 0
