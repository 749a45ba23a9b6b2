"""Command line: ``zwgk decide FILE|-`` and ``zwgk schema decide`` (also ``python -m zwgk_rules``).

One output line per input line, in order; a bad line prints ``{"error": {"message", "field"}}`` and
the batch goes on. Exit status: 0 every line answered, 1 some line is an error, 2 cannot run.
Input is streamed line by line, so memory stays flat however long the file is.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
from typing import IO, Iterator

from pydantic import ValidationError

from ._errors import ZwgkError
from ._models import (Classification, Decision, DisclosureRequest, Document, ErrorLine, Message,
                      MessageRouting)


def _iso(o):
    return o.isoformat()


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


_SEPARATORS = ("\u2028", "\u2029", "\x85")


def _one_line_each(text: str) -> str:
    """Escape the characters that some readers (e.g. Python's ``str.splitlines``) treat as line breaks,
    so that every answer stays on one line. They can only occur inside JSON strings, where the escape
    is equivalent."""
    if any(c in text for c in _SEPARATORS):
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
    return text


def _error_line(exc: ZwgkError) -> str:
    return json.dumps({"error": {"message": exc.message, "field": exc.field}}, ensure_ascii=False)


class _Decider:
    """Decides JSONL lines into output text; one per process (engines are built per pack on demand)."""

    def __init__(self, explain: bool = False, backend: str = "python", command: str = "decide") -> None:
        from ._encode import Encoder
        from ._rulebook import default_rulebook

        from ._engine import Engine, validation_error

        self.rb = default_rulebook()
        self.engines: dict = {}
        self.encode = Encoder().encode
        self.explain = explain
        self.backend = backend
        self.command = command
        self._Engine = Engine
        self._validation_error = validation_error
        self._parse = DisclosureRequest.model_validate_json
        # the rules are loaded for good: keep them out of the garbage collector's scans
        import gc
        gc.freeze()

    def line(self, line: str) -> tuple[str, bool]:
        if self.command == "classify":
            return self.classify_line(line)
        if self.command == "interact":
            return self.interact_line(line)
        try:
            try:
                req = self._parse(line)
            except ValidationError as exc:
                raise self._validation_error(exc) from None
            eng = self.engines.get(req.jurisdiction)
            if eng is None:
                eng = self.engines[req.jurisdiction] = self._Engine(req.jurisdiction, rulebook=self.rb,
                                                                    backend=self.backend)
            return self.encode(eng.decide_raw(req, explain=self.explain)), False
        except ZwgkError as exc:
            return _error_line(exc), True

    def _other_line(self, line: str, model, method: str) -> tuple[str, bool]:
        """``classify`` and ``interact``: parse with ``model``, answer with the engine's ``method``."""
        try:
            try:
                obj = model.model_validate_json(line)
            except ValidationError as exc:
                raise self._validation_error(exc) from None
            eng = self.engines.get(obj.jurisdiction)
            if eng is None:
                eng = self.engines[obj.jurisdiction] = self._Engine(obj.jurisdiction, rulebook=self.rb,
                                                                    backend=self.backend)
            return json.dumps(getattr(eng, method)(obj), ensure_ascii=False, default=_iso), False
        except ZwgkError as exc:
            return _error_line(exc), True

    def classify_line(self, line: str) -> tuple[str, bool]:
        return self._other_line(line, Document, "classify_raw")

    def interact_line(self, line: str) -> tuple[str, bool]:
        return self._other_line(line, Message, "interact_raw")

    def chunk(self, lines: list[str]) -> tuple[str, bool]:
        out, failed = [], False
        for ln in lines:
            text, bad = self.line(ln)
            failed |= bad
            out.append(text)
        out.append("")
        return _one_line_each("\n".join(out)), failed


_WORKER: _Decider | None = None


def _worker_init(explain: bool, backend: str, command: str) -> None:
    global _WORKER
    _WORKER = _Decider(explain, backend, command)


def _worker_chunk(lines: list[str]) -> tuple[str, bool]:
    return _WORKER.chunk(lines)


def _chunks(lines: Iterator[str], size: int) -> Iterator[list[str]]:
    buf: list[str] = []
    for ln in lines:
        buf.append(ln)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def run_decide(path: str, out: IO[str], stdin: IO[str], explain: bool = False, backend: str = "python",
               jobs: int = 1, chunk: int = 2000, command: str = "decide") -> int:
    """Decide every line of ``path`` (or stdin for "-") into ``out``, in input order.

    With ``jobs`` > 1 the lines are decided by worker processes, chunk by chunk; at most
    ``2 × jobs`` chunks are in flight, so memory stays flat on inputs of any length."""
    failed = False
    if jobs <= 1 or backend != "python":
        d = _Decider(explain, backend, command)
        for block in _chunks(_lines(path, stdin), chunk):
            text, bad = d.chunk(block)
            failed |= bad
            out.write(text)
        return 1 if failed else 0
    import collections
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from ._rulebook import default_rulebook
    default_rulebook()  # load once in the parent: forked workers inherit it
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_worker_init, initargs=(explain, backend, command)) as pool:
        pending: collections.deque = collections.deque()
        for block in _chunks(_lines(path, stdin), chunk):
            pending.append(pool.submit(_worker_chunk, block))
            while len(pending) >= 2 * jobs:
                text, bad = pending.popleft().result()
                failed |= bad
                out.write(text)
        while pending:
            text, bad = pending.popleft().result()
            failed |= bad
            out.write(text)
    return 1 if failed else 0


def run_check(packs, *, json_out: bool = False, report: str | None = None) -> int:
    from ._check import check, render_report
    from ._rulebook import Rulebook
    findings = check(packs=packs)
    if report:
        with open(report, "w", encoding="utf-8") as fh:
            fh.write(render_report(findings, Rulebook(packs=packs)))
    if json_out:
        sys.stdout.write(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1) + "\n")
    else:
        for f in findings:
            where = f"[{f.pack}] " if f.pack != "cn" else ""
            sys.stdout.write(f"{f.severity:7} {where}{f.code}: {f.message}\n")
            if f.example:
                sys.stdout.write(f"        触发输入 / input: {json.dumps(f.example, ensure_ascii=False)}\n")
        errors = sum(f.severity == "error" for f in findings)
        sys.stdout.write(f"{errors} error(s), {len(findings) - errors} warning(s)\n")
    return 1 if any(f.severity == "error" for f in findings) else 0


def _auto_jobs(path: str) -> int:
    import os
    if path == "-" or path.endswith(".json"):
        return 1
    try:
        big = os.path.getsize(path) > 8 * 1024 * 1024
    except OSError:
        return 1
    return min(2, os.cpu_count() or 1) if big else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="zwgk", description="政府信息公开规则引擎 / OGI rules engine")
    sub = ap.add_subparsers(dest="command")
    d = sub.add_parser("decide", help="依申请公开申请 → 处理决定 (JSON / JSONL / - for stdin)")
    d.add_argument("file")
    d.add_argument("--explain", action="store_true", help="逐日列出期限的计算过程 / show how each deadline was counted")
    d.add_argument("--backend", choices=["python", "durable"], default="python")
    d.add_argument("--jobs", type=int, default=0,
                   help="并行进程数（0 = 自动：大文件用 2 个）/ worker processes (0 = auto)")
    c = sub.add_parser("classify", help="公文 → 公开属性、依据、发布期限与审查流程 (JSON / JSONL / -)")
    c.add_argument("file")
    c.add_argument("--jobs", type=int, default=0, help="并行进程数（0 = 自动）/ worker processes (0 = auto)")
    m = sub.add_parser("interact", help="政民互动留言 → 办理科室与答复期限（规则包中的规定）(JSON / JSONL / -)")
    m.add_argument("file")
    m.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    k = sub.add_parser("check", help="规则一致性检查（冲突、空白、遮蔽、地方与国家规定的关系）/ check rule sets")
    k.add_argument("packs", nargs="*", help="本机关规则包目录（可多个）；省略则只检查随库规则")
    k.add_argument("--json", action="store_true", help="以 JSON 输出 / machine-readable findings")
    k.add_argument("--report", metavar="FILE", help="把报告（Markdown）写入文件 / write the Markdown report")
    s = sub.add_parser("schema", help="打印输入、输出模型的 JSON Schema / print JSON Schema")
    s.add_argument("which", choices=["decide", "classify", "interact"])
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_help(sys.stderr)
        return 2
    try:
        if args.command == "check":
            return run_check(args.packs, json_out=args.json, report=args.report)
        if args.command == "schema":
            pair = {"decide": (DisclosureRequest, Decision), "classify": (Document, Classification),
                    "interact": (Message, MessageRouting)}[args.which]
            schema = {"input": pair[0].model_json_schema(), "output": pair[1].model_json_schema(),
                      "error": ErrorLine.model_json_schema()}
            sys.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
            return 0
        jobs = args.jobs if args.jobs > 0 else _auto_jobs(args.file)
        # our own buffer: output goes out in blocks even where PYTHONUNBUFFERED is set
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False) \
            if hasattr(sys.stdout, "buffer") else sys.stdout
        try:
            if args.command in ("classify", "interact"):
                return run_decide(args.file, out, sys.stdin, jobs=jobs, command=args.command)
            return run_decide(args.file, out, sys.stdin, explain=args.explain, backend=args.backend, jobs=jobs)
        finally:
            out.flush()
            if out is not sys.stdout:
                out.detach()
    except FileNotFoundError as exc:
        sys.stderr.write(f"zwgk: 找不到文件 / file not found: {exc.filename}\n")
        return 2
    except ZwgkError as exc:  # the rules themselves failed to load
        sys.stderr.write(f"zwgk: {exc.message}\n")
        return 2
    except BrokenPipeError:
        return 0
