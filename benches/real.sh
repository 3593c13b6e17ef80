#!/usr/bin/env bash
# Real pages: boilercut against CCNet-style line dedup on every real set with a
# gold article, scored by `boilercut eval --gold-field`. One command, one table.
#
#   benches/real.sh [--out DIR] [--no-build]
#
# Reads ../shared/real/{big9,dragnet-dev,cleanportal}.jsonl in place (override the
# folder with BOILERCUT_REAL_DIR); exits 0 with a message when it is absent.
# For each set and each text variant it has (`text`: the whole page;
# `text_trafilatura`: trafilatura's extraction), runs
#   boilercut clean SET -o OUT --group-field site --text-field VARIANT
#   ccnet_ref.py SET OUT --group-field site --text-field VARIANT --min-docs 3
# and scores both outputs with the same command:
#   boilercut eval --gold-field gold_article --original SET OUT --text-field VARIANT
#                  --group-field site --json --per-group SITES.tsv
# The table goes to stdout and DIR/results.md; per-site rows to DIR/per-site.tsv
# (and DIR/sites/*.tsv), boilercut's cuts inside tokens to DIR/edges/*.jsonl,
# outputs to DIR/out/, logs to DIR/logs/. DIR defaults to $TMPDIR/boilercut-real
# (/tmp/boilercut-real), outside the repo.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
REAL="${BOILERCUT_REAL_DIR:-$REPO/../shared/real}"
OUT="${TMPDIR:-/tmp}/boilercut-real"
BUILD=1
SETS=(big9 dragnet-dev cleanportal)
VARIANTS=(text text_trafilatura)

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "real.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
log() { echo "[real] $*" >&2; }

if [ ! -d "$REAL" ]; then
    echo "real.sh: $REAL is absent; the real sets are not part of the repository, nothing to measure."
    exit 0
fi
T_START="$(date +%s%N)"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
rm -rf "$OUT/out" "$OUT/logs" "$OUT/sites" "$OUT/edges" "$OUT/scores"
mkdir -p "$OUT/out" "$OUT/logs" "$OUT/sites" "$OUT/edges" "$OUT/scores"

# --- boilercut: one release build, then a snapshot of the binary -------------
if [ "$BUILD" = 1 ]; then
    log "cargo build --release"
    (cd "$REPO" && cargo build --release --quiet) >&2
fi
BC="$REPO/target/release/boilercut"
[ -x "$BC" ] || { echo "real.sh: $BC not found (build failed or --no-build without a binary)" >&2; exit 1; }
cp "$BC" "$OUT/boilercut.snapshot"
BC="$OUT/boilercut.snapshot"

# --- Python for ccnet_ref.py (orjson, xxhash) ---------------------------------
PY=python3
if ! python3 -c 'import orjson, xxhash' 2>/dev/null; then
    VENV="$OUT/venv"
    PINS="$(grep -E '^(orjson|xxhash)==' "$HERE/compare/requirements.txt")"
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import orjson, xxhash' 2>/dev/null; then
        log "creating virtualenv $VENV for ccnet_ref.py: $(echo $PINS)"
        rm -rf "$VENV"
        python3 -m venv "$VENV"
        # shellcheck disable=SC2086
        "$VENV/bin/pip" install --quiet --disable-pip-version-check $PINS </dev/null >&2
    fi
    PY="$VENV/bin/python"
fi

# has_field FILE FIELD: does some record have a non-empty string FIELD?
has_field() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
with open(sys.argv[1], "rb") as f:
    for line in f:
        if line.strip():
            v = json.loads(line).get(sys.argv[2])
            if isinstance(v, str) and v.strip():
                sys.exit(0)
sys.exit(1)
EOF
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

: > "$OUT/rows.tsv"
for set in "${SETS[@]}"; do
    f="$REAL/$set.jsonl"
    if [ ! -f "$f" ]; then
        log "$f is absent: skipped"
        continue
    fi
    for variant in "${VARIANTS[@]}"; do
        if ! has_field "$f" "$variant"; then
            log "$set has no $variant: skipped"
            continue
        fi
        for tool in boilercut ccnet; do
            slug="$set.$variant.$tool"
            o="$OUT/out/$slug.jsonl"
            log "$set $variant: $tool"
            t0="$(now_ms)"
            case "$tool" in
                boilercut)
                    "$BC" clean "$f" -o "$o" --group-field site --text-field "$variant" -q \
                        2> "$OUT/logs/$slug.log" ;;
                ccnet)
                    "$PY" "$HERE/compare/ccnet_ref.py" "$f" "$o" --group-field site \
                        --text-field "$variant" --min-docs 3 2> "$OUT/logs/$slug.log" ;;
            esac
            t1="$(now_ms)"
            edges=()
            [ "$tool" = boilercut ] && edges=(--cut-edges "$OUT/edges/$slug.jsonl")
            "$BC" eval --gold-field gold_article --original "$f" "$o" --text-field "$variant" \
                --group-field site --json --per-group "$OUT/sites/$slug.tsv" "${edges[@]}" \
                > "$OUT/scores/$slug.json" 2>> "$OUT/logs/$slug.log"
            printf '%s\t%s\t%s\t%s\n' "$set" "$variant" "$tool" "$((t1 - t0))" >> "$OUT/rows.tsv"
        done
    done
done

T_END="$(date +%s%N)"
python3 - "$OUT" "$(( (T_END - T_START) / 1000000 ))" <<'EOF' | tee "$OUT/results.md"
import json, os, sys
out, total_ms = sys.argv[1], int(sys.argv[2])
names = {"boilercut": "boilercut clean", "ccnet": "CCNet-style line dedup (df >= 3)"}
print("| set | variant | tool | pages | gold words in text | article words kept | boilerplate removed | removal precision | removal F1 | cuts inside tokens | tool s |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
per_site = []
header = None
doubtful = []
for line in open(os.path.join(out, "rows.tsv")):
    s, v, t, ms = line.rstrip("\n").split("\t")
    slug = f"{s}.{v}.{t}"
    r = json.load(open(os.path.join(out, "scores", slug + ".json")))
    print(f"| {s} | {v} | {names[t]} | {r['docs']} | {100*r['gold_found']:.2f}% "
          f"| {100*r['article_kept_share']:.2f}% | {100*r['recall']:.2f}% "
          f"| {100*r['precision']:.2f}% | {r['f1']:.4f} "
          f"| {r['spans_inside_token']} of {r['spans']} | {int(ms)/1000:.1f} |")
    if r["unmatched_output_words"]:
        doubtful.append(f"{slug}: {r['unmatched_output_words']} output words matched no original word")
    rows = open(os.path.join(out, "sites", slug + ".tsv")).read().splitlines()
    header = header or ("set\tvariant\ttool\t" + rows[0])
    per_site += [f"{s}\t{v}\t{t}\t{row}" for row in rows[1:]]
with open(os.path.join(out, "per-site.tsv"), "w") as f:
    f.write("\n".join([header or ""] + per_site) + "\n")
for d in doubtful:
    print(f"\nWarning: {d}: the scorer could not place them; suspect it before the tool.")
print(f"\nTotal time {total_ms/1000:.1f} s (builds, runs and scoring). Per-site rows: {out}/per-site.tsv")
EOF
log "results: $OUT/results.md, per-site rows $OUT/per-site.tsv, outputs $OUT/out, cut edges $OUT/edges"
