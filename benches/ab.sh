#!/usr/bin/env bash
# Alternating clock runs of several boilercut builds on one input: each build
# runs `clean` in turn, ROUNDS times, and the medians of wall time, user time
# and peak RSS are printed per build. On a shared machine only ratios inside
# one such round mean anything (other guests' load moves every run alike).
#
#   benches/ab.sh [--rounds N] [--input FILE] [-j THREADS] BIN [BIN...]
#
# Default: 8 rounds over /tmp/c50k/corpus.jsonl (make it with
# `python3 corpus/generate.py --docs 50000 --sites 40 --seed 2 --out /tmp/c50k`),
# grouped by `site`, default threads. Outputs go to a temporary file, removed.
set -euo pipefail
rounds=8; input=/tmp/c50k/corpus.jsonl; threads=()
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --input) input=$2; shift 2 ;;
        -j) threads=(-j "$2"); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "ab.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || { usage >&2; exit 2; }
[ -f "$input" ] || { echo "ab.sh: no input $input" >&2; exit 2; }
times=$(mktemp)
out=$(mktemp --suffix=.jsonl)
trap 'rm -f "$times" "$out"' EXIT
for _ in $(seq "$rounds"); do
    for b in "$@"; do
        /usr/bin/time -a -o "$times" -f "$b %e %U %M" \
            "$b" clean "${threads[@]}" "$input" -o "$out" --group-field site -q
    done
done
python3 - "$times" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    b, wall, user, rss = line.split()
    runs[b].append((float(wall), float(user), int(rss)))
print("| build | runs | wall (median) | user (median) | peak RSS (median) | walls |")
print("|---|---:|---:|---:|---:|---|")
for b, v in runs.items():
    med = lambda i: statistics.median(x[i] for x in v)
    walls = ", ".join(f"{x[0]:.2f}" for x in sorted(v))
    print(f"| {b} | {len(v)} | {med(0):.3f} s | {med(1):.3f} s | {med(2) / 1024:.0f} MB | {walls} |")
PY
