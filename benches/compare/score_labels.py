#!/usr/bin/env python3
"""Fallback scorer for the synthetic corpus, used only when `boilercut eval` is missing.

    score_labels.py --labels LABELS.jsonl OUTPUT.jsonl [--json]

Same definitions as `boilercut eval` is specified to use, so rows stay comparable
while the binary's scorer is not there yet (the table says which scorer ran):
- a word is a run of letters/digits (Unicode); each CJK ideograph is its own word;
- output records are matched to labels by `id`; a label id missing from the output
  counts as fully removed (datatrove drops documents that become empty);
- the output text's words are aligned to the original's in order (output = input
  minus pieces): each output word takes the next equal original word; an output
  word with no such match (a cut inside a word) is skipped;
- a word is boilerplate if its first byte lies in a span whose kind does not start
  with `keep:`; every other word is article (`keep:` spans are hard negatives);
- precision = removed boilerplate / removed, recall = removed boilerplate /
  boilerplate, article_lost = removed article words / article words, per kind:
  the share of that kind's words removed.
"""
import argparse
import bisect
import json
import sys

import regex

WORD = regex.compile(r"\p{Han}|[\p{L}\p{N}\p{M}--\p{Han}]+", regex.V1)


def words_with_bytes(text):
    """(word, byte_start) for each word of text."""
    out = []
    pos_char = 0
    pos_byte = 0
    for m in WORD.finditer(text):
        s = m.start()
        pos_byte += len(text[pos_char:s].encode("utf-8"))
        pos_char = s
        out.append((m.group().lower(), pos_byte))
    return out


def removed_mask(orig_words, out_text):
    """True for each original word not matched by the output, in order."""
    index = {}
    for i, (w, _) in enumerate(orig_words):
        index.setdefault(w, []).append(i)
    kept = [False] * len(orig_words)
    p = 0
    for m in WORD.finditer(out_text):
        lst = index.get(m.group().lower())
        if not lst:
            continue
        j = bisect.bisect_left(lst, p)
        if j == len(lst):
            continue
        kept[lst[j]] = True
        p = lst[j] + 1
    return [not k for k in kept]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("output")
    a = ap.parse_args()

    outputs = {}
    with open(a.output, "rb") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                outputs[str(r["id"])] = r.get("text") or ""

    tp = removed = boiler = art = art_lost = 0
    missing = 0
    kinds = {}
    with open(a.labels, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            lab = json.loads(line)
            text = lab["text"]
            ws = words_with_bytes(text)
            out = outputs.get(str(lab["id"]))
            if out is None:
                missing += 1
                rem = [True] * len(ws)
            else:
                rem = removed_mask(ws, out)
            spans = sorted((s, e, k) for s, e, k in lab.get("spans", []))
            starts = [s for s, _, _ in spans]
            for (w, b), r in zip(ws, rem):
                kind = None
                i = bisect.bisect_right(starts, b) - 1
                # spans may nest or overlap: look back for any span covering b
                while i >= 0:
                    s, e, k = spans[i]
                    if s <= b < e:
                        kind = k
                        break
                    i -= 1
                is_boiler = kind is not None and not kind.startswith("keep:")
                removed += r
                if is_boiler:
                    boiler += 1
                    tp += r
                else:
                    art += 1
                    art_lost += r
                if kind is not None:
                    kk = kinds.setdefault(kind, [0, 0])
                    kk[0] += 1
                    kk[1] += r
    p = tp / removed if removed else 0.0
    rc = tp / boiler if boiler else 0.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    res = {
        "precision": p,
        "recall": rc,
        "f1": f1,
        "article_lost": art_lost / art if art else 0.0,
        "per_kind": {k: {"words": v[0], "removed": v[1], "share_removed": v[1] / v[0] if v[0] else 0.0} for k, v in sorted(kinds.items())},
        "docs_missing_in_output": missing,
        "scorer": "score_labels.py",
    }
    if a.json:
        print(json.dumps(res))
    else:
        print(f"precision {p:.4f} recall {rc:.4f} f1 {f1:.4f} article_lost {res['article_lost']:.4%} missing_docs {missing}")
        for k, v in res["per_kind"].items():
            print(f"  {k:24s} words {v['words']:>10d} removed {v['share_removed']:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
