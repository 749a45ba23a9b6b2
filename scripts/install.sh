#!/bin/sh
# 建立虚拟环境（如需要），以可编辑方式安装 zwgk-rules 及其测试依赖（test）与构建工具（dev，wheel 测试需要）；能构建时也安装 durable-rules 第二后端。
# scripts/test.sh 调用它。
# Sets up the venv (if needed) with the package, its test extra and the build tools (the dev extra, for the
# tests that build and install the wheel), and the durable-rules second backend
# where it can be built; called by scripts/test.sh. The venv is .venv at the repository root, or
# $ZWGK_VENV (relative paths are taken from the repository root); the Python that creates it is $PYTHON
# (default python3).
#
# durable-rules is an sdist with a C extension: without a C compiler (or Python headers) it cannot be
# built. The package and its tests do not need it (docs/backends.md): then install without it, say so,
# and the durable tests are skipped.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${ZWGK_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
# The clerks' page is tested in the system's Chromium (tests/test_web.py, docs/server.md), with a Chinese font for its
# screenshots. Installed only as root with apt-get, and only when missing (then it does nothing; on this project's
# machine it took about 35 s); otherwise those tests are skipped, saying so.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "zwgk-rules: 安装 chromium 与中文字体（经办人页面的浏览器测试）/ installing chromium and a CJK font for the page's browser tests" >&2
        { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei; } >/dev/null \
            || echo "zwgk-rules: 无法安装 chromium，页面的浏览器测试将被跳过 / could not install chromium: the page's browser tests will be skipped" >&2
    fi
fi
# durable-rules does not import on Python 3.13+ (the extra's marker leaves it out there)
if ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info < (3, 13) else 1)'; then
    echo "zwgk-rules: Python 3.13+ 上不安装 durable-rules 第二后端，其测试将被跳过。" >&2
    echo "zwgk-rules: the durable-rules second backend does not work on Python 3.13+; installing without it, its tests will be skipped." >&2
    exec "$VENV/bin/python" -m pip install -q -e ".[test,dev]"
fi
# the package and its tests first: a failure here (no network, say) is a real error
"$VENV/bin/python" -m pip install -q -e ".[test,dev]"
if ! "$VENV/bin/python" -m pip install -q -e ".[test,dev,durable]"; then
    cat >&2 <<'MSG'

zwgk-rules: 无法构建 durable-rules 第二后端（它需要 C 编译器和 Python 头文件，见 docs/backends.md），
            已不带它安装；durable 后端的测试将被跳过。
zwgk-rules: the durable-rules second backend could not be built (it needs a C compiler and the Python
            headers, see docs/backends.md); installed without it, its tests will be skipped.

MSG
fi
