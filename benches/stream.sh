#!/usr/bin/env bash
# Online cleaning (`boilercut stream`) against batch `boilercut clean` on the same
# pages: removal F1 and article words lost (`boilercut eval --labels`), wall time,
# throughput, peak RSS, and per-page latency of pages cleaned on arrival (from the
# stream summary). Three inputs from one generated corpus:
#   site   - records sorted by site (a crawl that visits one site at a time)
#   random - records shuffled with a fixed seed (sites interleaved)
#   change - two corpora of the same sites with different templates, the second
#            after the first (a redesign halfway), shuffled within each half
# and, with --big N --big-sites S, a scale run: N pages over S sites, interleaved,
# streamed with --memory BUDGET (default 512M), peak RSS reported.
#
#   benches/stream.sh [--docs N] [--sites S] [--dir DIR] [--big N] [--big-sites S] [--budget SIZE] [--only-big]
set -euo pipefail
cd "$(dirname "$0")/.."
docs=50000; sites=40; dir=/tmp/boilercut-stream; big=0; big_sites=10000; budget=512M; small=1
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs=$2; shift 2 ;;
    --sites) sites=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --big) big=$2; shift 2 ;;
    --big-sites) big_sites=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --only-big) small=0; shift ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
cargo build --release -q
bin=$PWD/target/release/boilercut
mkdir -p "$dir"
c="$dir/c$docs"
measure() { # name, labels, command...
  local name=$1 labels=$2 out=$3; shift 3
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" 2>"$dir/stderr.txt" || { cat "$dir/stderr.txt" >&2; exit 2; }
  read -r wall user sys rss < "$dir/time.txt"
  local mb; mb=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1])/1e6)" "$in")
  local score; score=$($bin eval --labels "$labels" "$out" --json)
  local lat; lat=$(grep -o 'p50 [0-9.]* µs, p99 [0-9.]* µs' "$dir/stderr.txt" || echo "")
  python3 - "$name" "$wall" "$user" "$sys" "$rss" "$mb" "$score" "$lat" <<'PY'
import json, sys
name, wall, user, sys_, rss, mb, score, lat = sys.argv[1:]
v = json.loads(score)
print(f"| {name} | {float(wall):.2f} | {float(user)+float(sys_):.2f} | {int(rss)/1024:.0f} | "
      f"{float(mb)/float(wall):.1f} | {v['f1']:.4f} | {100*v['article_lost']:.3f}% | {lat} |")
PY
}

if [ "$small" = 1 ]; then
[ -f "$c/corpus.jsonl" ] || python3 corpus/generate.py --docs "$docs" --sites "$sites" --seed 2 --out "$c" >&2

# Orders, and the template-change corpus (same site names, other templates).
python3 - "$c" "$dir" "$docs" "$sites" <<'PY'
import json, os, random, subprocess, sys
c, d, docs, sites = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
lines = open(os.path.join(c, "corpus.jsonl")).read().splitlines()
site_of = lambda l: json.loads(l)["site"]
if not os.path.exists(os.path.join(d, "site.jsonl")):
    by_site = sorted(lines, key=site_of)  # stable: input order within a site
    open(os.path.join(d, "site.jsonl"), "w").write("\n".join(by_site) + "\n")
    rnd = lines[:]
    random.Random(7).shuffle(rnd)
    open(os.path.join(d, "random.jsonl"), "w").write("\n".join(rnd) + "\n")
half = os.path.join(d, "half")
if not os.path.exists(os.path.join(d, "change.jsonl")):
    # Two corpora of half the size, seeds 2 and 5; the second's sites take the
    # first's names (by index), so each site changes its template at the half.
    for name, seed in (("a", 2), ("b", 5)):
        out = os.path.join(half, name)
        if not os.path.exists(os.path.join(out, "corpus.jsonl")):
            subprocess.run([sys.executable, "corpus/generate.py", "--docs", str(docs // 2),
                            "--sites", str(sites), "--seed", str(seed), "--out", out],
                           check=True, stdout=subprocess.DEVNULL)
    names = {}
    for l in open(os.path.join(half, "a", "corpus.jsonl")):
        v = json.loads(l); names[v["id"].split("-")[0]] = v["site"]
    rec, lab = [], []
    for name in ("a", "b"):
        part = []
        for l in open(os.path.join(half, name, "corpus.jsonl")):
            v = json.loads(l)
            idx = v["id"].split("-")[0]
            if idx not in names:
                continue
            v["site"] = names[idx]; v["id"] = name + "-" + v["id"]
            part.append(json.dumps(v))
        random.Random(11).shuffle(part)
        rec += part
        for l in open(os.path.join(half, name, "labels.jsonl")):
            v = json.loads(l); v["id"] = name + "-" + v["id"]; lab.append(json.dumps(v))
    open(os.path.join(d, "change.jsonl"), "w").write("\n".join(rec) + "\n")
    open(os.path.join(d, "change-labels.jsonl"), "w").write("\n".join(lab) + "\n")
PY

echo "corpus: $c ($docs documents); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | wall s | CPU s | peak RSS MB | MB/s | F1 | article words lost | latency on arrival |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for order in site random; do
  in="$dir/$order.jsonl"
  cat "$in" > /dev/null
  measure "batch clean, $order order" "$c/labels.jsonl" "$dir/batch-$order.jsonl" \
    $bin clean "$in" -o "$dir/batch-$order.jsonl" --group-field site
  measure "stream, $order order" "$c/labels.jsonl" "$dir/stream-$order.jsonl" \
    $bin stream "$in" -o "$dir/stream-$order.jsonl" --group-field site
done
in="$dir/change.jsonl"
measure "batch clean, template change" "$dir/change-labels.jsonl" "$dir/batch-change.jsonl" \
  $bin clean "$in" -o "$dir/batch-change.jsonl" --group-field site
measure "stream, template change" "$dir/change-labels.jsonl" "$dir/stream-change.jsonl" \
  $bin stream "$in" -o "$dir/stream-change.jsonl" --group-field site
# The second half alone (after the redesign): its records and labels only.
python3 - "$dir" <<'PY'
import json, os, sys
d = sys.argv[1]
def keep(src, dst):
    with open(dst, "w") as out:
        for l in open(src):
            if json.loads(l)["id"].startswith("b-"):
                out.write(l)
keep(os.path.join(d, "change-labels.jsonl"), os.path.join(d, "change-b-labels.jsonl"))
for name in ("batch", "stream"):
    keep(os.path.join(d, f"{name}-change.jsonl"), os.path.join(d, f"{name}-change-b.jsonl"))
PY
for name in batch stream; do
  v=$($bin eval --labels "$dir/change-b-labels.jsonl" "$dir/$name-change-b.jsonl" --json | python3 -c "import json,sys; v=json.load(sys.stdin); print('F1 %.4f, article words lost %.3f%%' % (v['f1'], 100*v['article_lost']))")
  echo "- second half only (after the redesign), $name: $v"
done
fi

if [ "$big" -gt 0 ]; then
  b="$dir/big$big"
  [ -f "$b/corpus.jsonl" ] || python3 corpus/generate.py --docs "$big" --sites "$big_sites" --min-site-docs 4 --max-site-docs 1000 --seed 2 --out "$b" >&2
  if ! [ -f "$b/random.jsonl" ]; then
    python3 -c "
import random, sys
lines = open(sys.argv[1]).read().splitlines()
random.Random(7).shuffle(lines)
open(sys.argv[2], 'w').write('\n'.join(lines) + '\n')" "$b/corpus.jsonl" "$b/random.jsonl"
  fi
  in="$b/random.jsonl"
  echo
  echo "scale: $big pages over $(python3 -c "import json,sys; print(len({json.loads(l)['site'] for l in open(sys.argv[1])}))" "$in") sites, interleaved, --memory $budget"
  echo
  echo "| run | wall s | CPU s | peak RSS MB | MB/s | F1 | article words lost | latency on arrival |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  measure "stream, --memory $budget" "$b/labels.jsonl" "$dir/big-stream.jsonl" \
    $bin stream "$in" -o "$dir/big-stream.jsonl" --group-field site --memory "$budget"
  grep "online:" "$dir/stderr.txt" || true
  measure "batch clean" "$b/labels.jsonl" "$dir/big-batch.jsonl" \
    $bin clean "$in" -o "$dir/big-batch.jsonl" --group-field site
fi
