#!/usr/bin/env bash
# The Python package against the CLI's engine on the 50k generated corpus, the
# Spark local job end to end, and the package's import time (benches/python.py).
# Builds the CLI and installs the package (release) into .venv (./test.sh makes it).
#   benches/python.sh [--docs 50000] [--sites 40] [--dir DIR] [--runs 3] [--no-spark]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "run ./test.sh first (it creates .venv)" >&2; exit 1; }
cargo build --release -q
.venv/bin/python -m pip --disable-pip-version-check --no-input -q install --no-deps --force-reinstall ./python
export PYSPARK_PYTHON="$PWD/.venv/bin/python"
exec .venv/bin/python benches/python.py "$@"
