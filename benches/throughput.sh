#!/usr/bin/env bash
# End-to-end throughput of `boilercut clean` (learn + clean in one command) on a
# generated labelled corpus, with the floor: the time to only read, parse and
# write the same JSONL back (`clean --parse-only`, which copies every record)
# and a plain `cat`. Prints a Markdown table; numbers go to BENCHMARKS.md.
#
#   benches/throughput.sh [--docs N] [--sites S] [--dir DIR] [-j THREADS]
#
# Default: 50,000 documents (~174 MB of JSONL) in /tmp/boilercut-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
docs=50000; sites=40; dir=/tmp/boilercut-bench; threads=""
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs=$2; shift 2 ;;
    --sites) sites=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    -j) threads="-j $2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
done
if ! [ -x /usr/bin/time ]; then
  (apt-get install -y -q time >/dev/null 2>&1 || sudo apt-get install -y -q time >/dev/null 2>&1) || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
fi
cargo build --release -q
bin=target/release/boilercut
corpus="$dir/c$docs"
if ! [ -f "$corpus/corpus.jsonl" ]; then
  python3 corpus/generate.py --docs "$docs" --sites "$sites" --seed 2 --out "$corpus" >&2
fi
in="$corpus/corpus.jsonl"
mb=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1])/1e6)" "$in")
# Warm the page cache so every row reads from memory.
cat "$in" > /dev/null

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" 2>"$dir/stderr.txt" >/dev/null || { cat "$dir/stderr.txt" >&2; exit 2; }
  read -r wall user sys rss < "$dir/time.txt"
  printf '| %s | %.2f | %.2f | %.0f | %.1f |' "$name" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc)" "$(echo "$mb / $wall" | bc -l)"
}

echo "corpus: $in ($docs documents, $(printf %.1f "$mb") MB); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo
echo "| run | wall s | CPU s | peak RSS MB | MB/s | F1 | article words lost |"
echo "|---|---:|---:|---:|---:|---:|---:|"
measure "cat (read + write floor)" sh -c "cat '$in' > '$dir/cat.jsonl'"; echo " | |"
measure "read + parse + write floor (clean --parse-only)" $bin clean --parse-only "$in" -o "$dir/floor.jsonl" --group-field site -q $threads; echo " | |"
measure "boilercut learn" $bin learn "$in" -o "$dir/model.bcm" --group-field site -q $threads; echo " | |"
measure "boilercut apply" $bin apply --model "$dir/model.bcm" "$in" -o "$dir/apply.jsonl" --group-field site -q $threads; echo " | |"
measure "boilercut clean (learn + clean)" $bin clean "$in" -o "$dir/out.jsonl" --group-field site -q $threads
score=$($bin eval --labels "$corpus/labels.jsonl" "$dir/out.jsonl" --json)
python3 -c "import json,sys; v=json.loads(sys.argv[1]); print(' %.4f | %.3f%% |' % (v['f1'], 100*v['article_lost']))" "$score"
cmp -s "$dir/apply.jsonl" "$dir/out.jsonl" || { echo "apply and clean outputs differ" >&2; exit 2; }
