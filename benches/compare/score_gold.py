#!/usr/bin/env python3
"""Score a cleaned copy of big9.jsonl against its human-written `gold_article` field.

    score_gold.py --gold /work/shared/real/big9.jsonl OUTPUT.jsonl [--json] [--text-field text]

OUTPUT.jsonl holds `{"id", "text"}` lines (other fields ignored); a gold id missing
from OUTPUT counts as a page cut to nothing. Words are runs of letters/digits
(Unicode, lowercased), compared as multisets per page (no alignment: gold text and
page text are written differently, so only word counts are comparable):

- article_kept: sum over pages of |gold ∩ output| / |gold| -- article words still
  there (higher is better; the input itself is the ceiling, < 100% because gold is
  not always a verbatim subset of the page text);
- page_removed: share of the page's words removed (|page| - |output|) / |page|;
- nongold_removed: of the page words that are not gold words (page - gold as
  multisets), the share removed, counting removed words against non-gold first;
- repeated_removed: the same, restricted to non-gold words on lines that occur
  (normalised) in >= 2 pages of the same site: the template a cross-document
  method can see. Pages where such lines hold < 10% of the non-gold words
  (`--isolated-below`) are counted as "isolated": no cross-document method can
  clean them much.

Ratios are pooled over words (big pages weigh more); `per_site` gives each site.
`--text-field text_trafilatura` scores that field of the gold file itself (a
page-level extractor's output shipped with the data), with OUTPUT = the gold file.
"""
import argparse
import json
import re
import sys
from collections import Counter, defaultdict

import regex

WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+")
DIGITS = re.compile(r"\d")


def words(text):
    return [w.lower() for w in WORD.findall(text or "")]


def norm_line(line):
    return " ".join(words(DIGITS.sub("0", line)))


def msum(c):
    return sum(c.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--text-field", default="text", help="field of OUTPUT holding the cleaned text")
    ap.add_argument("--group-field", default="site")
    ap.add_argument("--isolated-below", type=float, default=0.10,
                    help="a page is isolated if less than this share of its non-gold words sit on repeated lines")
    ap.add_argument("output")
    a = ap.parse_args()

    gold = []
    with open(a.gold, "rb") as f:
        for line in f:
            if line.strip():
                gold.append(json.loads(line))
    outputs = {}
    with open(a.output, "rb") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                outputs[str(r["id"])] = r.get(a.text_field) or ""

    # lines repeated across pages of a site (the template visible to cross-doc methods)
    line_df = defaultdict(Counter)
    for r in gold:
        seen = {norm_line(l) for l in r["text"].split("\n")}
        seen.discard("")
        line_df[r[a.group_field]].update(seen)

    tot = defaultdict(Counter)  # site -> counters
    missing = 0
    for r in gold:
        site = r[a.group_field]
        out = outputs.get(str(r["id"]))
        if out is None:
            missing += 1
            out = ""
        P = Counter(words(r["text"]))
        G = Counter(words(r.get("gold_article", "")))
        O = Counter(words(out))
        removed = P - O
        nongold = P - G
        rep_words = Counter()
        for l in r["text"].split("\n"):
            n = norm_line(l)
            if n and line_df[site][n] >= 2:
                rep_words.update(words(l))
        rep_nongold = rep_words & nongold
        isolated = msum(rep_nongold) < a.isolated_below * msum(nongold)
        t = tot[site]
        t["pages"] += 1
        t["isolated"] += isolated
        t["page"] += msum(P)
        t["gold"] += msum(G)
        t["gold_kept"] += msum(G & O)
        t["removed"] += msum(removed)
        t["nongold"] += msum(nongold)
        t["nongold_removed"] += msum(removed & nongold)
        t["repeated"] += msum(rep_nongold)
        t["repeated_removed"] += msum(removed & rep_nongold)

    def ratios(t):
        d = lambda x, y: t[x] / t[y] if t[y] else 0.0
        return {
            "pages": t["pages"],
            "isolated_pages": t["isolated"],
            "article_kept": d("gold_kept", "gold"),
            "page_removed": d("removed", "page"),
            "nongold_removed": d("nongold_removed", "nongold"),
            "repeated_removed": d("repeated_removed", "repeated"),
        }

    all_t = Counter()
    for t in tot.values():
        all_t.update(t)
    res = ratios(all_t)
    res["docs_missing_in_output"] = missing
    res["per_site"] = {s: ratios(t) for s, t in sorted(tot.items())}
    if a.json:
        print(json.dumps(res))
    else:
        print(
            f"article_kept {res['article_kept']:.2%} page_removed {res['page_removed']:.2%} "
            f"nongold_removed {res['nongold_removed']:.2%} repeated_removed {res['repeated_removed']:.2%} "
            f"isolated_pages {res['isolated_pages']}/{res['pages']} missing {missing}"
        )
        for s, v in res["per_site"].items():
            print(
                f"  {s:12s} kept {v['article_kept']:.2%} page_removed {v['page_removed']:.2%} "
                f"nongold_removed {v['nongold_removed']:.2%} repeated_removed {v['repeated_removed']:.2%} isolated {v['isolated_pages']}/{v['pages']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
