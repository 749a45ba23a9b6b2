#!/bin/sh
# Sets up .venv (if needed; $ZWGK_VENV names another venv, as in scripts/install.sh), installs zwgk-rules
# and decides the bundled example requests. Needs no C compiler: the package and its dependencies
# (pydantic, PyYAML) install from wheels; the durable extra is not installed here.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${ZWGK_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q -e . >/dev/null 2>&1 || "$VENV/bin/python" -m pip install -e .
echo "== zwgk decide examples/requests.jsonl（依申请公开申请 → 处理决定）"
"$VENV/bin/zwgk" decide examples/requests.jsonl
echo "== zwgk classify examples/documents.jsonl（公文 → 公开属性）"
"$VENV/bin/zwgk" classify examples/documents.jsonl
