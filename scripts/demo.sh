#!/bin/sh
# Sets up .venv (if needed), installs zwgk-rules and decides the bundled example requests.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q -e . >/dev/null
.venv/bin/zwgk decide examples/requests.jsonl
