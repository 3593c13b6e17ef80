#!/usr/bin/env python3
"""Validate a boilercut corpus/labels pair and print per-kind counts.

    python3 corpus/check_labels.py DIR/corpus.jsonl DIR/labels.jsonl
    python3 corpus/check_labels.py DIR                  # same, files inside DIR
    python3 corpus/check_labels.py --txt-dir corpus/sample-txt [--labels FILE]

Checks: same ids in the same order, unique ids, same site, texts equal (for a
.txt corpus: the file's bytes equal the labelled text), url host is www.+site,
spans are [start, end, kind] byte offsets into the UTF-8 text, on character
boundaries, non-empty, sorted, disjoint, not starting or ending with whitespace,
and kind is one of the known kinds.  Exit status 1 if anything is wrong.
Standard library only; .gz inputs are read transparently.
"""

import argparse
import gzip
import json
import os
import sys
from urllib.parse import urlparse

KINDS = ("appeal", "newsletter", "cookie", "share", "copyright", "bio", "ad",
         "prefix", "readmore", "nonlatin", "keep:followup", "keep:wire", "keep:phrase",
         # the hard-case corpus (generate.py --hard)
         "menu", "shortline", "vartail", "smallsite", "label",
         "keep:numbered", "keep:urls", "keep:camel", "keep:abbrev", "keep:value", "keep:byline",
         "keep:background", "keep:neardup", "keep:exactdup")
WS = b" \t\r\n"


def opener(path):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def pick(path, name):
    for cand in (os.path.join(path, name), os.path.join(path, name + ".gz")):
        if os.path.exists(cand):
            return cand
    sys.exit(f"check_labels: no {name} in {path}")


def main(argv=None):
    ap = argparse.ArgumentParser(description="validate a corpus/labels pair")
    ap.add_argument("paths", nargs="*", help="CORPUS LABELS, or one directory holding both")
    ap.add_argument("--txt-dir", help="directory-of-.txt corpus (ids are paths relative to it)")
    ap.add_argument("--labels", help="labels file for --txt-dir (default TXT_DIR.labels.jsonl)")
    ap.add_argument("--max-errors", type=int, default=20, help="stop printing after this many")
    args = ap.parse_args(argv)

    if args.txt_dir:
        corpus_path = None
        labels_path = args.labels or args.txt_dir.rstrip("/") + ".labels.jsonl"
    elif len(args.paths) == 1 and os.path.isdir(args.paths[0]):
        corpus_path = pick(args.paths[0], "corpus.jsonl")
        labels_path = pick(args.paths[0], "labels.jsonl")
    elif len(args.paths) == 2:
        corpus_path, labels_path = args.paths
    else:
        ap.error("give CORPUS LABELS, a directory, or --txt-dir")

    errors = 0

    def err(where, msg):
        nonlocal errors
        errors += 1
        if errors <= args.max_errors:
            print(f"check_labels: {where}: {msg}", file=sys.stderr)

    stats = {k: [0, 0, 0, set()] for k in KINDS}  # spans, docs, bytes, sites
    seen_ids = set()
    docs = 0
    total_bytes = 0
    sites = set()
    cf = opener(corpus_path) if corpus_path else None
    with opener(labels_path) as lf:
        for lineno, lline in enumerate(lf, 1):
            where = f"{labels_path}:{lineno}"
            try:
                lab = json.loads(lline)
            except ValueError as e:
                err(where, f"bad JSON: {e}")
                continue
            docs += 1
            did = lab.get("id")
            text = lab.get("text")
            site = lab.get("site")
            spans = lab.get("spans")
            if not isinstance(did, str) or not isinstance(text, str) or not isinstance(site, str) \
                    or not isinstance(spans, list):
                err(where, "missing or mistyped id/site/text/spans")
                continue
            if did in seen_ids:
                err(where, f"duplicate id {did}")
            seen_ids.add(did)
            sites.add(site)
            if cf is not None:
                cline = cf.readline()
                if not cline:
                    err(where, "corpus has fewer lines than labels")
                    cf = None
                else:
                    try:
                        doc = json.loads(cline)
                    except ValueError as e:
                        err(f"{corpus_path}:{lineno}", f"bad JSON: {e}")
                        doc = {}
                    if doc.get("id") != did:
                        err(where, f"id {did!r} != corpus id {doc.get('id')!r}")
                    if doc.get("site") != site:
                        err(where, "site differs from corpus")
                    if doc.get("text") != text:
                        err(where, "text differs from corpus")
                    url = doc.get("url", "")
                    if urlparse(url).hostname != "www." + site:
                        err(where, f"url host of {url!r} is not www.{site}")
                    if not isinstance(doc.get("title"), str):
                        err(where, "corpus record has no title")
            else:
                if corpus_path is None:
                    fp = os.path.join(args.txt_dir, did)
                    try:
                        with open(fp, "rb") as f:
                            if f.read() != text.encode("utf-8"):
                                err(where, f"{fp} differs from labelled text")
                    except OSError as e:
                        err(where, f"cannot read {fp}: {e}")
            b = text.encode("utf-8")
            n = len(b)
            total_bytes += n
            prev = 0
            kinds_here = set()
            for sp in spans:
                if (not isinstance(sp, list) or len(sp) != 3 or not isinstance(sp[0], int)
                        or not isinstance(sp[1], int) or not isinstance(sp[2], str)):
                    err(where, f"bad span {sp!r}")
                    continue
                s, e, k = sp
                if k not in stats:
                    err(where, f"unknown kind {k!r}")
                    continue
                if not (0 <= s < e <= n):
                    err(where, f"span {sp} out of range 0..{n}")
                    continue
                if s < prev:
                    err(where, f"span {sp} overlaps or is out of order (previous end {prev})")
                if (b[s] & 0xC0) == 0x80 or (e < n and (b[e] & 0xC0) == 0x80):
                    err(where, f"span {sp} not on a UTF-8 character boundary")
                if b[s] in WS or b[e - 1] in WS:
                    err(where, f"span {sp} starts or ends with whitespace")
                prev = e
                st = stats[k]
                st[0] += 1
                st[2] += e - s
                st[3].add(site)
                kinds_here.add(k)
            for k in kinds_here:
                stats[k][1] += 1
    if cf is not None and cf.readline():
        err(corpus_path, "corpus has more lines than labels")

    print(f"{docs} docs, {len(sites)} sites, {total_bytes / 1e6:.1f} MB of text")
    print(f"{'kind':<15}{'spans':>9}{'docs':>8}{'sites':>7}{'MB':>8}{'% text':>8}")
    cut = 0
    for k in KINDS:
        s = stats[k]
        if not k.startswith("keep:"):
            cut += s[2]
        print(f"{k:<15}{s[0]:>9}{s[1]:>8}{len(s[3]):>7}{s[2] / 1e6:>8.2f}"
              f"{100 * s[2] / max(1, total_bytes):>7.1f}%")
    print(f"boilerplate (non-keep) bytes: {100 * cut / max(1, total_bytes):.1f}% of text")
    if errors:
        print(f"check_labels: {errors} error(s)", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
