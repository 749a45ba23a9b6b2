"""Command line: ``zwgk decide FILE|-`` and ``zwgk schema decide`` (also ``python -m zwgk_rules``).

One output line per input line, in order; a bad line prints ``{"error": {"message", "field"}}`` and
the batch goes on. Exit status: 0 every line answered, 1 some line is an error, 2 cannot run.
Input is streamed line by line, so memory stays flat however long the file is.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
from typing import IO, Iterator

from pydantic import ValidationError

from ._encode import has_separator, one_line
from ._errors import ZwgkError
from ._models import (Classification, Decision, DisclosureRequest, Document, ErrorLine, Message,
                      MessageRouting)


def _iso(o):
    return o.isoformat()


def _lines(path: str, stdin) -> Iterator[bytes]:
    """The input's non-blank lines as UTF-8 bytes (a ``.json`` file is one document, however laid out).
    pydantic parses bytes directly, so the input is never decoded to ``str``."""
    if path == "-":
        for line in getattr(stdin, "buffer", stdin):
            if line.strip():
                yield line if isinstance(line, bytes) else line.encode("utf-8")
        return
    with open(path, "rb") as fh:
        if path.endswith(".json"):
            data = fh.read()
            if data.strip():
                yield data
            return
        for line in fh:
            if line.strip():
                yield line


def _error_line(exc: ZwgkError) -> bytes:
    return one_line(json.dumps({"error": {"message": exc.message, "field": exc.field}}, ensure_ascii=False).encode())


class _Decider:
    """Decides JSONL lines into output bytes; one per process (engines are built per pack on demand)."""

    def __init__(self, explain: bool = False, backend: str = "python", command: str = "decide") -> None:
        from ._encode import Encoder
        from ._rulebook import default_rulebook

        from ._engine import Engine, validation_error

        self.rb = default_rulebook()
        self.engines: dict = {}
        self.encode = Encoder().encode_parts
        self.explain = explain
        self.backend = backend
        self.command = command
        self._Engine = Engine
        self._validation_error = validation_error
        self._parse = DisclosureRequest.model_validate_json
        # the rules are loaded for good: keep them out of the garbage collector's scans
        import gc
        gc.freeze()

    def engine(self, jurisdiction: str):
        eng = self.engines.get(jurisdiction)
        if eng is None:
            eng = self.engines[jurisdiction] = self._Engine(jurisdiction, rulebook=self.rb, backend=self.backend)
        return eng

    def parse(self, parse, line: bytes):
        """One input line through a model's JSON parser; a validation error becomes an InputError."""
        try:
            return parse(line)
        except ValidationError as exc:
            raise self._validation_error(exc) from None

    def line(self, line: bytes) -> tuple[bytes, bool]:
        if self.command == "classify":
            return self.classify_line(line)
        if self.command == "interact":
            return self.interact_line(line)
        try:
            req = self.parse(self._parse, line)
            eng = self.engine(req.jurisdiction)
            data = self.encode(req.id, eng.pack.id, eng.decide_raw(req, explain=self.explain, _parts=True))
            # the answer's own text is escaped where it is encoded; what it echoes comes from this line
            if has_separator(line):
                data = one_line(data)
            return data, False
        except ZwgkError as exc:
            return _error_line(exc), True

    def _other_line(self, line: bytes, model, method: str) -> tuple[bytes, bool]:
        """``classify`` and ``interact``: parse with ``model``, answer with the engine's ``method``."""
        try:
            obj = self.parse(model.model_validate_json, line)
            eng = self.engine(obj.jurisdiction)
            return one_line(json.dumps(getattr(eng, method)(obj), ensure_ascii=False, default=_iso).encode()), False
        except ZwgkError as exc:
            return _error_line(exc), True

    def classify_line(self, line: bytes) -> tuple[bytes, bool]:
        return self._other_line(line, Document, "classify_raw")

    def interact_line(self, line: bytes) -> tuple[bytes, bool]:
        return self._other_line(line, Message, "interact_raw")

    def chunk(self, lines: list[bytes]) -> tuple[bytes, bool]:
        out, failed = [], False
        for ln in lines:
            data, bad = self.line(ln)
            failed |= bad
            out.append(data)
        out.append(b"")
        return b"\n".join(out), failed


_WORKER: _Decider | None = None
_TURN = None        # (shared counter, condition, output fd) when workers write their answers themselves


def _worker_init(explain: bool, backend: str, command: str, turn=None) -> None:
    global _WORKER, _TURN
    _WORKER = _Decider(explain, backend, command)
    _TURN = turn


def _worker_chunk(lines: list[bytes]) -> tuple[bytes, bool]:
    return _WORKER.chunk(lines)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _worker_chunk_to_fd(seq: int, lines: list[bytes]) -> bool:
    """Decide chunk ``seq`` and write it to the output when every earlier chunk has been written.

    The answers go straight from the worker to the output file descriptor instead of back through the
    parent: on two cores that saves a copy of every answer through a pipe. Chunks are taken in order
    from one queue, so the lowest unwritten chunk is always being decided and the wait cannot deadlock;
    the turn passes on even when a chunk fails, and the parent then stops with that error."""
    counter, cond, fd = _TURN
    try:
        data, bad = _WORKER.chunk(lines)
        error = None
    except BaseException as exc:  # noqa: BLE001 - passed on below, after the turn
        data, bad, error = b"", True, exc
    with cond:
        while counter.value != seq:
            cond.wait()
        try:
            if error is None:
                _write_all(fd, data)
        finally:
            counter.value = seq + 1
            cond.notify_all()
    if error is not None:
        raise error
    return bad


def _fileno(out) -> int | None:
    """The file descriptor behind a binary output stream, or None (text streams, in-memory buffers)."""
    if isinstance(out, _TextSink):
        return None
    try:
        return out.fileno()
    except (AttributeError, OSError, ValueError):
        return None


class _TextSink:
    """Writes the UTF-8 answer blocks to a text stream (tests, callers embedding the command line)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(data.decode("utf-8"))


def _chunks(lines: Iterator[bytes], size: int) -> Iterator[list[bytes]]:
    buf: list[bytes] = []
    for ln in lines:
        buf.append(ln)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def run_decide(path: str, out: IO, stdin, explain: bool = False, backend: str = "python",
               jobs: int = 1, chunk: int = 2000, command: str = "decide") -> int:
    """Decide every line of ``path`` (or stdin for "-") into ``out``, in input order. ``out`` is a binary
    stream (UTF-8 is written to it) or a text stream.

    With ``jobs`` > 1 the lines are decided by worker processes, chunk by chunk; at most
    ``2 × jobs`` chunks are in flight, so memory stays flat on inputs of any length."""
    failed = False
    if isinstance(out, io.TextIOBase):
        out = _TextSink(out)
    if jobs <= 1 or backend != "python":
        d = _Decider(explain, backend, command)
        for block in _chunks(_lines(path, stdin), chunk):
            data, bad = d.chunk(block)
            failed |= bad
            out.write(data)
        return 1 if failed else 0
    import collections
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from ._rulebook import default_rulebook
    default_rulebook()  # load once in the parent: forked workers inherit it
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    fd = _fileno(out)
    if fd is not None:
        # workers write their answers to the output themselves, in turn
        out.flush()
        turn = (ctx.Value("q", 0, lock=False), ctx.Condition(), fd)
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_worker_init,
                                 initargs=(explain, backend, command, turn)) as pool:
            pending: collections.deque = collections.deque()
            for seq, block in enumerate(_chunks(_lines(path, stdin), chunk)):
                pending.append(pool.submit(_worker_chunk_to_fd, seq, block))
                while len(pending) >= 2 * jobs:
                    failed |= pending.popleft().result()
            while pending:
                failed |= pending.popleft().result()
        return 1 if failed else 0
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_worker_init, initargs=(explain, backend, command)) as pool:
        pending = collections.deque()
        for block in _chunks(_lines(path, stdin), chunk):
            pending.append(pool.submit(_worker_chunk, block))
            while len(pending) >= 2 * jobs:
                data, bad = pending.popleft().result()
                failed |= bad
                out.write(data)
        while pending:
            data, bad = pending.popleft().result()
            failed |= bad
            out.write(data)
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
        # answers are UTF-8 bytes, written in blocks to the binary layer of stdout
        out = getattr(sys.stdout, "buffer", sys.stdout)
        sys.stdout.flush()
        try:
            if args.command in ("classify", "interact"):
                return run_decide(args.file, out, sys.stdin, jobs=jobs, command=args.command)
            return run_decide(args.file, out, sys.stdin, explain=args.explain, backend=args.backend, jobs=jobs)
        finally:
            out.flush()
    except FileNotFoundError as exc:
        sys.stderr.write(f"zwgk: 找不到文件 / file not found: {exc.filename}\n")
        return 2
    except ZwgkError as exc:  # the rules themselves failed to load
        sys.stderr.write(f"zwgk: {exc.message}\n")
        return 2
    except BrokenPipeError:
        return 0
