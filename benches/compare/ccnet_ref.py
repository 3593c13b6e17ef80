#!/usr/bin/env python3
"""CCNet-style line dedup, written as a reference for the comparison harness.

Per group (site), every line is normalised the way CCNet's `dedup.py` does before
hashing (lowercase, digits -> 0, punctuation stripped, whitespace collapsed) and
hashed; a line whose hash occurs in >= N documents of its group is removed from
every document of the group, every copy included. Lines that normalise to nothing
are never counted. Kept lines are copied byte for byte with their newline, so the
output text is the input text with whole lines deleted.

Two passes over the input file (count, then cut); memory is one dict entry per
distinct (group, line) hash. Output: the same records (all fields), text replaced.

    ccnet_ref.py INPUT.jsonl OUTPUT.jsonl [--group-field site] [--min-docs 3]
"""
import argparse
import re
import sys
import unicodedata

import orjson
import xxhash

DIGITS = re.compile(r"\d")
# CCNet strips unicode punctuation (its text_normalizer.remove_unicode_punct plus
# string.punctuation); dropping every character whose category starts with P or S
# (symbols) is the same idea without the hand-written table.
_PUNCT_TABLE = {}


def _punct_table():
    if not _PUNCT_TABLE:
        for cp in range(sys.maxunicode + 1):
            cat = unicodedata.category(chr(cp))
            if cat[0] in "PS":
                _PUNCT_TABLE[cp] = " "
    return _PUNCT_TABLE


def normalize(line, table):
    line = line.lower()
    line = DIGITS.sub("0", line)
    line = line.translate(table)
    return " ".join(line.split())


def line_hash(group_seed, norm):
    return xxhash.xxh3_64_intdigest(norm.encode("utf-8"), seed=group_seed)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--group-field", default="site")
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--min-docs", type=int, default=3, help="remove lines found in >= this many docs of the group (default 3)")
    a = ap.parse_args()
    table = _punct_table()
    seeds = {}

    def seed_of(rec):
        g = rec.get(a.group_field)
        g = "" if g is None else str(g)
        s = seeds.get(g)
        if s is None:
            s = xxhash.xxh3_64_intdigest(g.encode("utf-8"))
            seeds[g] = s
        return s

    # pass 1: document frequency of each (group, normalised line)
    df = {}
    with open(a.input, "rb") as f:
        for raw in f:
            if not raw.strip():
                continue
            rec = orjson.loads(raw)
            seed = seed_of(rec)
            seen = set()
            for line in rec.get(a.text_field, "").split("\n"):
                norm = normalize(line, table)
                if norm:
                    seen.add(line_hash(seed, norm))
            for h in seen:
                df[h] = df.get(h, 0) + 1
    frequent = {h for h, c in df.items() if c >= a.min_docs}
    del df

    # pass 2: cut
    lines_in = lines_cut = 0
    with open(a.input, "rb") as f, open(a.output, "wb") as out:
        for raw in f:
            if not raw.strip():
                continue
            rec = orjson.loads(raw)
            seed = seed_of(rec)
            text = rec.get(a.text_field, "")
            kept = []
            for line in text.split("\n"):
                lines_in += 1
                norm = normalize(line, table)
                if norm and line_hash(seed, norm) in frequent:
                    lines_cut += 1
                    continue
                kept.append(line)
            rec[a.text_field] = "\n".join(kept)
            out.write(orjson.dumps(rec))
            out.write(b"\n")
    print(f"ccnet_ref: {len(frequent)} frequent line hashes, cut {lines_cut} of {lines_in} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
