#!/bin/sh
# Sets up .venv (if needed) with the package, its test and dev extras and the durable-rules extra
# (scripts/install.sh; $ZWGK_VENV names another venv), then runs the whole test suite. Used as-is by .ci/run.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install.sh
VENV=${ZWGK_VENV:-.venv}
# the bundled rules must pass their own consistency check (errors fail the run; warnings are in the report)
"$VENV/bin/zwgk" check > /dev/null || { "$VENV/bin/zwgk" check | grep -v '^warning'; exit 1; }
exec "$VENV/bin/python" -m pytest "$@"
