#!/bin/sh
# Sets up .venv (if needed), installs zwgk-rules and decides the bundled example requests.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q -e . >/dev/null 2>&1 || .venv/bin/python -m pip install -e .
echo "== zwgk decide examples/requests.jsonl（依申请公开申请 → 处理决定）"
.venv/bin/zwgk decide examples/requests.jsonl
echo "== zwgk classify examples/documents.jsonl（公文 → 公开属性）"
.venv/bin/zwgk classify examples/documents.jsonl
