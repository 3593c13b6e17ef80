#!/bin/sh
# Fuzz every target (or the ones named) for FUZZ_SECONDS each (default 600),
# one after the other in a single process each: one core, as with -jobs=1.
# Logs go to logs/<target>.log, the growing corpus to corpus/<target>/ (seeded
# from seeds/<target>/), crashers to artifacts/<target>/.
set -eu
cd "$(dirname "$0")"
secs=${FUZZ_SECONDS:-600}
targets=${*:-tokenize learn_clean model_load state_load jsonl}
mkdir -p logs
for t in $targets; do
    mkdir -p "corpus/$t"
    seeds=
    if [ -d "seeds/$t" ]; then seeds="seeds/$t"; fi
    echo "== $t: $secs s"
    # shellcheck disable=SC2086
    cargo fuzz run --sanitizer none "$t" "corpus/$t" $seeds -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"logs/$t.log" 2>&1 || echo "!! $t stopped with a finding: see logs/$t.log"
    grep -E '^#[0-9]+ +DONE|^stat::number_of_executed_units|^stat::peak_rss_mb|Test unit written' "logs/$t.log" || true
done
