#!/usr/bin/env bash
# End-to-end comparison of boilercut with its peers on one generated corpus.
#
#   benches/compare/run.sh [--docs N] [--sites S] [--seed K] [--out DIR] [--real]
#                          [--no-datatrove] [--datatrove-grouped] [--no-build]
#                          [--py-scorer]
#
# See benches/compare/README.md for what each row and column means.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

DOCS=60000
SITES=""
SEED=1
OUT="${TMPDIR:-/tmp}/boilercut-compare"
REAL=0
DATATROVE=1
DT_GROUP=0
BUILD=1
PY_SCORER=0
REAL_FILE="${BOILERCUT_REAL:-$REPO/../shared/real/big9.jsonl}"
GEN="${BOILERCUT_GEN:-$REPO/corpus/generate.py}"

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --docs) DOCS="$2"; shift 2 ;;
        --sites) SITES="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --real) REAL=1; shift ;;
        --no-datatrove) DATATROVE=0; shift ;;
        --datatrove-grouped) DT_GROUP=1; shift ;;
        --no-build) BUILD=0; shift ;;
        --py-scorer) PY_SCORER=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

log() { echo "[compare] $*" >&2; }

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
RUNS="$OUT/runs"
OUTS="$OUT/out"
rm -rf "$RUNS" "$OUTS"
mkdir -p "$RUNS" "$OUTS"
: > "$RUNS/rows.tsv"

# --- /usr/bin/time -----------------------------------------------------------
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    log "installing GNU time (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >&2
    apt-get install -y -qq time </dev/null >&2
fi

# --- boilercut ---------------------------------------------------------------
BC="${BOILERCUT_BIN:-$REPO/target/release/boilercut}"
if [ "$BUILD" = 1 ]; then
    log "cargo build --release"
    (cd "$REPO" && cargo build --release --quiet) >&2
fi
if [ ! -x "$BC" ]; then
    echo "run.sh: $BC not found (build failed or --no-build without a binary)" >&2
    exit 1
fi
# run a snapshot: a rebuild of target/ during the run must not change later rows
cp "$BC" "$OUT/boilercut.snapshot"
BC="$OUT/boilercut.snapshot"

# --- virtualenv --------------------------------------------------------------
VENV="$OUT/venv"
REQ_SHA="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.req-sha" 2>/dev/null)" != "$REQ_SHA" ]; then
    log "creating virtualenv $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt" </dev/null >&2
    echo "$REQ_SHA" > "$VENV/.req-sha"
else
    log "reusing virtualenv $VENV"
fi
PY="$VENV/bin/python"

# --- corpus ------------------------------------------------------------------
CORPUS_DIR="$OUT/corpus"
CORPUS="$CORPUS_DIR/corpus.jsonl"
LABELS="$CORPUS_DIR/labels.jsonl"
STAMP="docs=$DOCS sites=$SITES seed=$SEED gen=$(sha256sum "$GEN" 2>/dev/null | cut -c1-16)"
if [ ! -f "$GEN" ]; then
    echo "run.sh: corpus generator $GEN not found" >&2
    exit 1
fi
if [ -f "$CORPUS" ] && [ -f "$LABELS" ] && [ "$(cat "$CORPUS_DIR/.stamp" 2>/dev/null)" = "$STAMP" ]; then
    log "reusing corpus $CORPUS"
else
    log "generating corpus: $DOCS docs"
    rm -rf "$CORPUS_DIR"
    mkdir -p "$CORPUS_DIR"
    gen_args=(--docs "$DOCS" --seed "$SEED" --out "$CORPUS_DIR")
    [ -n "$SITES" ] && gen_args+=(--sites "$SITES")
    python3 "$GEN" "${gen_args[@]}" >&2
    echo "$STAMP" > "$CORPUS_DIR/.stamp"
fi
for f in "$CORPUS" "$LABELS"; do
    [ -s "$f" ] || { echo "run.sh: generator did not write $f" >&2; exit 1; }
done

# --- what the binary offers --------------------------------------------------
BC_HELP="$("$BC" --help 2>&1 || true)"
BC_CLEAN_HELP="$("$BC" clean --help 2>&1 || true)"
BC_EVAL_HELP="$("$BC" eval --help 2>&1 || true)"
HAVE_EVAL=0
if echo "$BC_EVAL_HELP" | grep -q -- "--labels"; then HAVE_EVAL=1; fi
FLOOR_ARGS=()
if [ -n "${BOILERCUT_FLOOR_ARGS:-}" ]; then
    read -r -a FLOOR_ARGS <<< "$BOILERCUT_FLOOR_ARGS"
elif echo "$BC_CLEAN_HELP" | grep -q -- "--parse-only"; then
    FLOOR_ARGS=(clean --parse-only --group-field site)
else
    for sub in passthrough floor parse cat; do
        if echo "$BC_HELP" | grep -qE "^  $sub( |$)"; then FLOOR_ARGS=("$sub"); break; fi
    done
fi

THREADS="$(nproc)"
IN_MB="$(( $(stat -c %s "$CORPUS") / 1000000 ))"
{
    echo "## boilercut comparison"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM"
    echo "- boilercut: $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$REPO" && [ -n "$(git status --porcelain 2>/dev/null)" ] && echo ' (dirty tree)')"
    echo "- corpus: $CORPUS ($DOCS docs, ${IN_MB} MB, seed $SEED$( [ -n "$SITES" ] && echo ", $SITES sites"))"
    if [ "$HAVE_EVAL" = 1 ]; then
        echo "- scorer: \`boilercut eval --json\` for every synthetic row"
    else
        echo "- scorer: **\`boilercut eval\` not available; benches/compare/score_labels.py used instead**"
    fi
    echo "- peers: $("$PY" -c 'from importlib.metadata import version as v; print(", ".join(p + " " + v(p) for p in ("datatrove", "spacy", "orjson", "xxhash")))' 2>/dev/null || echo '?')"
    echo "- MB = 10^6 bytes of JSONL input; CPU = user+sys; RSS from /usr/bin/time -v"
} > "$RUNS/info.md"

# --- helpers -----------------------------------------------------------------
# run_timed SECTION NAME INPUT OUTPUT NOTE -- CMD...
# Runs CMD under /usr/bin/time -v, records the row; never aborts the script.
run_timed() {
    local section="$1" name="$2" input="$3" output="$4" note="$5"
    shift 6
    local slug
    slug="$(echo "$section-$name" | tr -c 'A-Za-z0-9\n' '_')"
    local tfile="$RUNS/$slug.time" lfile="$RUNS/$slug.log"
    log "run [$section] $name"
    local rc=0 t0 t1
    # other jobs on the machine skew wall times: keep the 1-minute load average
    cut -d' ' -f1 /proc/loadavg > "$tfile.load" 2>/dev/null || true
    t0="$(date +%s%N)"
    /usr/bin/time -v -o "$tfile" "$@" > "$lfile.out" 2> "$lfile" </dev/null || rc=$?
    t1="$(date +%s%N)"
    # /usr/bin/time prints wall time in centiseconds; keep a finer one beside it
    echo "$(( (t1 - t0) / 1000 ))" > "$tfile.wall_us"
    if [ "$rc" != 0 ]; then
        log "  FAILED (exit $rc); last lines of $lfile:"
        tail -n 5 "$lfile" >&2 || true
    fi
    LAST_RC=$rc
    LAST_TFILE="$tfile"
    LAST_SLUG="$slug"
    CUR_ROW=("$section" "$name" "$tfile" "" "$rc" "$output" "$input" "$note")
}

# score the output of the last run and append the row
score_and_record() {
    local scorer="$1" output="$2"
    local sfile=""
    if [ -n "$scorer" ] && [ "$LAST_RC" = 0 ] && [ -f "$output" ]; then
        sfile="$RUNS/$LAST_SLUG.score.json"
        case "$scorer" in
            synth)
                if [ "$HAVE_EVAL" = 1 ]; then
                    "$BC" eval --labels "$LABELS" --json "$output" > "$sfile" 2> "$RUNS/$LAST_SLUG.score.err" \
                        || { log "  boilercut eval failed, see $RUNS/$LAST_SLUG.score.err"; sfile=""; }
                    if [ "$PY_SCORER" = 1 ]; then
                        "$PY" "$HERE/score_labels.py" --labels "$LABELS" --json "$output" > "$RUNS/$LAST_SLUG.pyscore.json" \
                            2> "$RUNS/$LAST_SLUG.pyscore.err" || log "  score_labels.py failed"
                    fi
                else
                    "$PY" "$HERE/score_labels.py" --labels "$LABELS" --json "$output" > "$sfile" 2> "$RUNS/$LAST_SLUG.score.err" \
                        || { log "  score_labels.py failed"; sfile=""; }
                fi
                ;;
            gold)
                "$PY" "$HERE/score_gold.py" --gold "$REAL_FILE" --json "$output" > "$sfile" 2> "$RUNS/$LAST_SLUG.score.err" \
                    || { log "  score_gold.py failed"; sfile=""; }
                ;;
        esac
    fi
    CUR_ROW[3]="$sfile"
    (IFS=$'\t'; echo "${CUR_ROW[*]}") >> "$RUNS/rows.tsv"
}

# run the set of tools on INPUT; SECTION is synthetic or real; SCORER synth or gold
run_tools() {
    local section="$1" input="$2" scorer="$3"
    local o

    o="$OUTS/$section-boilercut.jsonl"
    run_timed "$section" "boilercut clean (-j $THREADS, default)" "$input" "$o" "" -- \
        "$BC" clean "$input" -o "$o" --group-field site
    score_and_record "$scorer" "$o"

    o="$OUTS/$section-boilercut-j1.jsonl"
    run_timed "$section" "boilercut clean -j 1" "$input" "$o" "" -- \
        "$BC" clean "$input" -o "$o" --group-field site -j 1
    score_and_record "$scorer" "$o"

    o="$OUTS/$section-ccnet.jsonl"
    run_timed "$section" "CCNet-style line dedup (ccnet_ref.py, df>=3 per site)" "$input" "$o" "Python, 1 core" -- \
        "$PY" "$HERE/ccnet_ref.py" "$input" "$o" --group-field site --min-docs 3
    score_and_record "$scorer" "$o"

    if [ "$DATATROVE" = 1 ]; then
        local grp=() scope="whole corpus, not per site"
        if [ "$DT_GROUP" = 1 ]; then grp=(--group-field site); scope="per site via salted hashes (not stock)"; fi
        o="$OUTS/$section-datatrove-sent.jsonl"
        run_timed "$section" "datatrove SentenceDedup (3 sentences, spaCy)" "$input" "$o" \
            "keeps first copy; $scope; 1 process" -- \
            "$PY" "$HERE/datatrove_run.py" "$input" "$o" --work "$OUT/dt-work" --mode sentence "${grp[@]}"
        score_and_record "$scorer" "$o"

        o="$OUTS/$section-datatrove-line.jsonl"
        run_timed "$section" "datatrove SentenceDedup line mode (3 lines)" "$input" "$o" \
            "split_sentences=False; keeps first copy; $scope; 1 process" -- \
            "$PY" "$HERE/datatrove_run.py" "$input" "$o" --work "$OUT/dt-work" --mode line "${grp[@]}"
        score_and_record "$scorer" "$o"
        rm -rf "$OUT/dt-work"
    fi
}

# --- synthetic corpus --------------------------------------------------------
# floors first: they also bring the file into the page cache for every later row
o="$OUTS/floor-cat.jsonl"
run_timed floor "floor: cat (read+write bytes)" "$CORPUS" "$o" "" -- \
    sh -c 'cat "$1" > "$2"' sh "$CORPUS" "$o"
score_and_record "" "$o"

o="$OUTS/floor-python.jsonl"
run_timed floor "floor: Python orjson parse+write" "$CORPUS" "$o" "what any Python tool pays" -- \
    "$PY" -c '
import sys, orjson
with open(sys.argv[1], "rb") as f, open(sys.argv[2], "wb") as out:
    for line in f:
        out.write(orjson.dumps(orjson.loads(line)) + b"\n")
' "$CORPUS" "$o"
score_and_record "" "$o"
rm -f "$OUTS"/floor-*.jsonl

if [ "${#FLOOR_ARGS[@]}" -gt 0 ]; then
    o="$OUTS/floor-boilercut.jsonl"
    run_timed floor "floor: boilercut ${FLOOR_ARGS[*]}" "$CORPUS" "$o" "read, split, parse, write; no engine" -- \
        "$BC" "${FLOOR_ARGS[@]}" "$CORPUS" -o "$o"
    score_and_record "" "$o"
    rm -f "$o"
else
    log "boilercut offers no parse-only mode (no 'clean --parse-only' nor a passthrough subcommand): floor row skipped"
    echo "- boilercut parse-only floor: skipped, the binary offers no parse-only mode" >> "$RUNS/info.md"
fi

run_tools synthetic "$CORPUS" synth

# --- real pages --------------------------------------------------------------
if [ "$REAL" = 1 ]; then
    if [ -f "$REAL_FILE" ]; then
        # reference rows: the page as is (ceiling for article kept) and the
        # trafilatura extraction shipped in the file (a page-level HTML extractor)
        CUR_ROW=(real "input as is (no cleaning)" "" "" 0 "" "" "ceiling for article kept")
        LAST_RC=0; LAST_SLUG="real-input"
        score_and_record gold "$REAL_FILE"
        CUR_ROW=(real "trafilatura (text_trafilatura field)" "" "" 0 "" "" "from HTML, per page; not timed")
        LAST_RC=0; LAST_SLUG="real-trafilatura"
        sfile="$RUNS/real-trafilatura.score.json"
        "$PY" "$HERE/score_gold.py" --gold "$REAL_FILE" --text-field text_trafilatura --json "$REAL_FILE" > "$sfile"
        CUR_ROW[3]="$sfile"
        (IFS=$'\t'; echo "${CUR_ROW[*]}") >> "$RUNS/rows.tsv"
        run_tools real "$REAL_FILE" gold
    else
        log "--real: $REAL_FILE is absent; real-data rows skipped"
        echo "- real-data rows: skipped, $REAL_FILE is absent" >> "$RUNS/info.md"
    fi
fi

"$PY" "$HERE/report.py" "$OUT"
log "results: $OUT/results.md, $OUT/results.json; outputs in $OUTS, logs in $RUNS"
