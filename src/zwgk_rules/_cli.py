"""Command line: ``zwgk decide FILE|-`` and ``zwgk schema decide`` (also ``python -m zwgk_rules``).

One output line per input line, in order; a bad line prints ``{"error": {"message", "field"}}`` and
the batch goes on. Exit status: 0 every line answered, 1 some line is an error, 2 cannot run.
Input is streamed line by line, so memory stays flat however long the file is.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import IO, Iterator

from pydantic import ValidationError

from ._errors import ZwgkError
from ._models import Decision, DisclosureRequest, ErrorLine


def _default(o):
    if isinstance(o, dt.date):
        return o.isoformat()
    raise TypeError(type(o).__name__)


def _lines(path: str, stdin: IO[str]) -> Iterator[str]:
    if path == "-":
        for line in stdin:
            if line.strip():
                yield line
        return
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        if text.strip():
            yield text
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield line


def _error_line(exc: ZwgkError) -> str:
    return json.dumps({"error": {"message": exc.message, "field": exc.field}}, ensure_ascii=False)


def run_decide(path: str, out: IO[str], stdin: IO[str], explain: bool = False, backend: str = "python") -> int:
    from ._engine import Engine, validation_error
    from ._rulebook import default_rulebook

    rb = default_rulebook()
    engines: dict[str, Engine] = {}
    failed = False
    dumps = json.dumps
    write = out.write
    for line in _lines(path, stdin):
        try:
            try:
                req = DisclosureRequest.model_validate_json(line)
            except ValidationError as exc:
                raise validation_error(exc) from None
            eng = engines.get(req.jurisdiction)
            if eng is None:
                eng = engines[req.jurisdiction] = Engine(req.jurisdiction, rulebook=rb, backend=backend)
            raw = eng.decide_raw(req, explain=explain)
            write(dumps(raw, ensure_ascii=False, default=_default))
        except ZwgkError as exc:
            failed = True
            write(_error_line(exc))
        write("\n")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="zwgk", description="政府信息公开规则引擎 / OGI rules engine")
    sub = ap.add_subparsers(dest="command")
    d = sub.add_parser("decide", help="依申请公开申请 → 处理决定 (JSON / JSONL / - for stdin)")
    d.add_argument("file")
    d.add_argument("--explain", action="store_true", help="逐日列出期限的计算过程 / show how each deadline was counted")
    d.add_argument("--backend", choices=["python", "durable"], default="python")
    s = sub.add_parser("schema", help="打印输入、输出模型的 JSON Schema / print JSON Schema")
    s.add_argument("which", choices=["decide"])
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_help(sys.stderr)
        return 2
    try:
        if args.command == "schema":
            schema = {"input": DisclosureRequest.model_json_schema(), "output": Decision.model_json_schema(),
                      "error": ErrorLine.model_json_schema()}
            sys.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
            return 0
        return run_decide(args.file, sys.stdout, sys.stdin, explain=args.explain, backend=args.backend)
    except FileNotFoundError as exc:
        sys.stderr.write(f"zwgk: 找不到文件 / file not found: {exc.filename}\n")
        return 2
    except ZwgkError as exc:  # the rules themselves failed to load
        sys.stderr.write(f"zwgk: {exc.message}\n")
        return 2
    except BrokenPipeError:
        return 0
