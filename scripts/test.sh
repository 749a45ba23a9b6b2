#!/bin/sh
# Sets up .venv (if needed) with the package, its test extra and the durable-rules extra, then runs
# the whole test suite. Used as-is by .ci/run.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# durable-rules compiles C and does not import on Python 3.13: install it only where it can work.
EXTRAS="test"
if .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info < (3, 13) else 1)'; then
    EXTRAS="test,durable"
fi
.venv/bin/python -m pip install -q -e ".[${EXTRAS}]"
# the bundled rules must pass their own consistency check (errors fail the run; warnings are in the report)
.venv/bin/zwgk check > /dev/null || { .venv/bin/zwgk check | grep -v '^warning'; exit 1; }
exec .venv/bin/python -m pytest "$@"
