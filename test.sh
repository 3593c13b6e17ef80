#!/usr/bin/env bash
# The one test command: the engine's tests, then the Python package built and
# tested in a project-local virtualenv (.venv, created on first use) with the
# pinned tools and frameworks of python/requirements-test.txt (maturin, pytest,
# PySpark, pyarrow, pandas, datatrove). Needs Rust, Python >= 3.10 with venv,
# and Java 17 for PySpark's local mode. Works unattended (CI=true, no stdin).
#   ./test.sh              everything
#   ./test.sh -k spark     pytest arguments are passed on
set -euo pipefail
cd "$(dirname "$0")"

cargo test

# PySpark's local mode needs a Java runtime (17 or later).
if ! command -v java >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -q >/dev/null && apt-get install -y -q openjdk-17-jre-headless >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
pip() { .venv/bin/python -m pip --disable-pip-version-check --no-input -q "$@"; }
pip install -r python/requirements-test.txt
# Built as users get it: a release wheel through maturin's PEP 517 backend.
pip install --force-reinstall --no-deps ./python

# The CLI the equality tests compare with (built by `cargo test` above).
export BOILERCUT_BIN="$PWD/target/debug/boilercut"
# PySpark's workers run the same interpreter.
export PYSPARK_PYTHON="$PWD/.venv/bin/python" PYSPARK_DRIVER_PYTHON="$PWD/.venv/bin/python"
# Run from the top so that python/boilercut (the source tree) is not what
# gets imported: the tests import the installed package.
.venv/bin/python -m pytest python/tests -q "$@"
