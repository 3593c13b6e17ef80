#!/usr/bin/env bash
# Scale benchmark: generate N articles (streamed to disk by corpus/generate.py),
# run `boilercut clean` (learn + clean) end to end with the default memory budget,
# and record wall time, MB/s, peak RSS and F1 (scored on the first 20,000
# documents: scoring aligns words and is slower than cleaning). Default sizes: 100k, 300k, 1M.
#
#   benches/scale.sh [--dir DIR] [--memory SIZE] [N...]
#
# The 1M corpus is about 3.4 GB of JSONL (plus as much again for its labels) and
# needs ~12 GB of free disk with the spilled counts; expect tens of minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=/tmp/boilercut-scale; memory=""
sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --memory) memory="--memory $2"; shift 2 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 300000 1000000)
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
cargo build --release -q
bin=$PWD/target/release/boilercut
mkdir -p "$dir"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM"
echo
echo "| articles | JSONL MB | wall s | CPU s | MB/s | peak RSS MB | spilled | F1 | article words lost |"
echo "|---:|---:|---:|---:|---:|---:|---|---:|---:|"
for n in "${sizes[@]}"; do
  c="$dir/c$n"
  if ! [ -f "$c/corpus.jsonl" ]; then
    python3 corpus/generate.py --docs "$n" --seed 3 --out "$c" >&2
  fi
  mb=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1])/1e6)" "$c/corpus.jsonl")
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" \
    "$bin" clean "$c/corpus.jsonl" -o "$dir/out$n.jsonl" --group-field site $memory 2> "$dir/log$n.txt"
  read -r wall user sys rss < "$dir/time.txt"
  spilled=$(grep -o 'spilled to disk' "$dir/log$n.txt" >/dev/null && grep -o 'in [0-9]* writes' "$dir/log$n.txt" || echo no)
  # Scoring aligns every document; on a big corpus score its first 20,000
  # documents (all sites of the generator appear among them).
  head -n 20000 "$c/labels.jsonl" > "$dir/labels-sample.jsonl"
  score=$("$bin" eval --labels "$dir/labels-sample.jsonl" "$dir/out$n.jsonl" --json)
  f1=$(python3 -c "import json,sys; v=json.loads(sys.argv[1]); print('%.4f | %.3f%%' % (v['f1'], 100*v['article_lost']))" "$score")
  printf '| %s | %.0f | %.1f | %.1f | %.1f | %.0f | %s | %s |\n' "$n" "$mb" "$wall" "$(echo "$user + $sys" | bc)" \
    "$(echo "$mb / $wall" | bc -l)" "$(echo "$rss / 1024" | bc)" "$spilled" "$f1"
  rm -f "$dir/out$n.jsonl"
done
