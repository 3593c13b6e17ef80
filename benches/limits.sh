#!/usr/bin/env bash
# Issue 5 limits too big for `cargo test`: a single 100 MB document, a 10 MB line
# without spaces, 1,000,000 one-word documents. Each must complete with correct
# output (record count, bytes) in bounded memory; prints wall time and peak RSS.
#
#   benches/limits.sh [--dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=/tmp/boilercut-limits
[ "${1:-}" = "--dir" ] && dir=$2
mkdir -p "$dir"
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
cargo build --release -q
bin=$PWD/target/release/boilercut
python3 - "$dir" <<'PY'
import json, os, random, sys
d = sys.argv[1]
random.seed(1)
words = [''.join(random.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(random.randint(2, 9))) for _ in range(5000)]
def story(n):
    return ' '.join(random.choice(words) for _ in range(n))
with open(os.path.join(d, 'big-doc.jsonl'), 'w') as f:
    for i in range(5):
        f.write(json.dumps({"id": i, "text": story(200) + " Subscribe to our newsletter for the best stories every morning."}) + "\n")
    big = ' '.join(random.choice(words) + ('.\n' if random.random() < 0.05 else '') for _ in range(17_000_000))
    f.write(json.dumps({"id": 5, "text": big[:100_000_000]}) + "\n")
with open(os.path.join(d, 'long-line.jsonl'), 'w') as f:
    f.write(json.dumps({"id": 0, "text": "x" * (10 << 20)}) + "\n")
with open(os.path.join(d, 'one-word.jsonl'), 'w') as f:
    for i in range(1_000_000):
        f.write('{"id": %d, "text": "%s"}\n' % (i, random.choice(words)))
PY
echo "| input | records | wall s | peak RSS MB | records out | status |"
echo "|---|---:|---:|---:|---:|---|"
for name in big-doc long-line one-word; do
  in="$dir/$name.jsonl"
  n=$(wc -l < "$in")
  if /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$bin" clean "$in" -o "$dir/$name.out.jsonl" -q; then status=ok; else status="exit $?"; fi
  read -r wall rss < "$dir/time.txt"
  out=$(wc -l < "$dir/$name.out.jsonl" 2>/dev/null || echo 0)
  [ "$out" = "$n" ] || status="$status, RECORD COUNT DIFFERS"
  printf '| %s (%s MB) | %s | %s | %s | %s | %s |\n' "$name" "$(( $(stat -c %s "$in") / 1000000 ))" "$n" "$wall" "$(( rss / 1024 ))" "$out" "$status"
done
