#!/bin/sh
# 建立虚拟环境（如需要），以可编辑方式安装 zwgk-rules 及其测试依赖与 durable-rules 附加项。scripts/test.sh 调用它。
# Sets up the venv (if needed) with the package, its test extra and the durable-rules extra; called by
# scripts/test.sh. The venv is .venv at the repository root, or $ZWGK_VENV (relative paths are taken
# from the repository root); the Python that creates it is $PYTHON (default python3).
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${ZWGK_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
# durable-rules compiles C and does not import on Python 3.13: install it only where it can work.
EXTRAS="test"
if "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info < (3, 13) else 1)'; then
    EXTRAS="test,durable"
fi
"$VENV/bin/python" -m pip install -q -e ".[${EXTRAS}]"
