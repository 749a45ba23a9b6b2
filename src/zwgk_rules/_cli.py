"""Command line: ``zwgk decide|classify|interact FILE|-``, ``zwgk check``, ``zwgk schema`` (also
``python -m zwgk_rules``).

One output line per input line, in order; a bad line prints ``{"error": {"message", "field"}}`` and
the batch goes on. Input is streamed in bounded blocks, so memory stays flat however long the file
is and however long a line is (a line over ``MAX_LINE_BYTES`` is answered by an error line and its
bytes are skipped, never held). Lines end at LF, CRLF or CR; a UTF-8 byte-order mark is skipped.

Exit status (docs/cli.md):

* 0 every line answered; 1 some line is an error line; 2 the command cannot run (bad arguments, an
  input that is a folder or unreadable, closed stdin or stdout, rules that fail to load);
* 3 the batch was cut short by a fault (the output closed or full, a worker process lost);
  130 / 143 interrupted by SIGINT / SIGTERM. In each of these cases stderr says how many input lines
  were answered, so the caller knows where to resume.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
from pathlib import Path
from typing import IO, Iterator

from pydantic import ValidationError

from ._encode import has_separator, one_line
from ._errors import InputError, ZwgkError
from ._models import DisclosureRequest, Document, Message


def _iso(o):
    return o.isoformat()


class _Idle:
    """Marks that the input had nothing more to give for now (a short read from a pipe): the lines read
    so far are decided and written at once, so ``zwgk decide -`` answers as a coprocess would."""

    __slots__ = ()


_IDLE = _Idle()


class _Overlong:
    """An input line (or ``.json`` file) longer than ``MAX_LINE_BYTES``: answered by an error line as soon
    as the limit is passed; the rest of it is skipped, never held."""

    __slots__ = ()


_BOM = b"\xef\xbb\xbf"
_BLOCK = 1 << 20


def _frames(fh, limit: int) -> Iterator[bytes | _Overlong]:
    """The non-blank lines of a binary stream, split at LF, CRLF or CR, in bounded memory.

    Reads blocks of at most 1 MiB (``read1``: what a pipe has, without waiting for a full block). A
    line longer than ``limit`` gives one ``_Overlong`` and is skipped up to its end."""
    import re
    raw_read = getattr(fh, "read1", None) or fh.read

    def read(n):
        try:
            return raw_read(n)
        except OSError as exc:
            raise _InputFailed(f"无法读取输入 / cannot read the input: {exc.strerror or exc}") from None

    eol = re.compile(rb"[\r\n]")
    carry = b""
    dropping = False        # skipping the rest of an overlong line
    head = b""              # the first bytes, until a BOM can be recognised
    while True:
        data = read(_BLOCK)
        if not data:
            break
        short = len(data) < _BLOCK
        if head is not None:
            head += data
            if len(head) < 3 and _BOM.startswith(head):
                continue
            data, head = head.removeprefix(_BOM), None
        if dropping:
            m = eol.search(data)
            if m is None:
                if short:
                    yield _IDLE
                continue
            dropping = False
            data = data[m.end():]
        buf = carry + data if carry else data
        parts = buf.splitlines()
        carry = b"" if buf[-1:] in (b"\n", b"\r") or not parts else parts.pop()
        for part in parts:
            if len(part) > limit:
                yield _Overlong()
            elif part.strip():
                yield part
        if len(carry) > limit:
            yield _Overlong()
            dropping, carry = True, b""
        if short:
            yield _IDLE
    if head:
        carry = head.removeprefix(_BOM)
    if not dropping and carry.strip():
        yield _Overlong() if len(carry) > limit else carry


def _lines(path: str, stdin, limit: int | None = None) -> Iterator[bytes | _Overlong]:
    """The input's lines as UTF-8 bytes (a ``.json`` file is one document, however laid out).
    pydantic parses bytes directly, so the input is never decoded to ``str``."""
    from ._limits import MAX_LINE_BYTES
    limit = MAX_LINE_BYTES if limit is None else limit
    if path == "-":
        if stdin is None:
            raise _CannotRun("标准输入已关闭 / standard input is closed")
        yield from _frames(getattr(stdin, "buffer", stdin), limit)
        return
    with _open_input(path) as fh:
        if path.endswith(".json"):
            try:
                data = fh.read(limit + 1)
            except OSError as exc:
                raise _CannotRun(f"无法读取 / cannot read {path}: {exc.strerror or exc}") from None
            if len(data) > limit:
                yield _Overlong()
                return
            data = data.removeprefix(_BOM)
            if data.strip():
                yield data
            return
        yield from _frames(fh, limit)


class _CannotRun(Exception):
    """The command cannot run at all (exit 2): the message says why."""


class _InputFailed(Exception):
    """Reading the input failed part-way (exit 2): the message says why, stderr how far the batch got."""


class _CutShort(Exception):
    """The batch stopped part-way (exit 3): the output failed or a worker was lost."""

    def __init__(self, message: str, code: int = 3) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _open_input(path: str):
    import errno
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise _CannotRun(f"找不到文件 / file not found: {path}") from None
    except IsADirectoryError:
        raise _CannotRun(f"输入是目录，不是文件 / is a directory, not a file: {path}") from None
    except PermissionError:
        raise _CannotRun(f"无权读取文件 / permission denied: {path}") from None
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise _CannotRun(f"找不到文件 / file not found: {path}") from None
        raise _CannotRun(f"无法读取 / cannot read {path}: {exc.strerror or exc}") from None


def _overlong_error(line: _Overlong) -> ZwgkError:
    from ._limits import MAX_LINE_BYTES
    return InputError(f"输入行超过 {MAX_LINE_BYTES:,} 字节的上限，未读取 / "
                      f"line longer than the limit of {MAX_LINE_BYTES:,} bytes: not read")


def _fields_given(model) -> int:
    """How many keys the input gave for ``model`` and everything nested in it (its fields set)."""
    fields = model.__pydantic_fields_set__
    n = len(fields)
    values = model.__dict__
    for name in fields:
        v = values[name]
        if hasattr(v, "__pydantic_fields_set__"):
            n += _fields_given(v)
        elif v.__class__ is tuple and v and hasattr(v[0], "__pydantic_fields_set__"):
            for x in v:
                n += _fields_given(x)
    return n


def _keys_match_fields(line: bytes, model) -> bool:
    """True when the line certainly has no key twice: it has exactly as many ``":`` as the model has
    fields given (every key is a string followed by a colon; unknown keys are already errors). Any doubt
    (a space before a colon, ``":`` inside a string) goes to the exact check."""
    if b'" :' in line or b'"\t:' in line or b'"\n' in line or b'"\r' in line:
        return False
    return line.count(b'":') == _fields_given(model)


def _raise_duplicate_key(data: bytes) -> None:
    """The exact check: parse keeping every key, and name the first key given twice with its path."""
    def walk(node, path):
        if isinstance(node, list) and node and all(isinstance(p, tuple) for p in node):
            seen = set()
            for key, value in node:
                if key in seen:
                    where = ".".join([*path, key])
                    raise InputError(f"{where}: 键 {key!r} 重复 / duplicate key", field=where)
                seen.add(key)
                walk(value, [*path, key])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, [*path, str(i)])

    walk(json.loads(data, object_pairs_hook=list), [])


def _error_line(exc: ZwgkError) -> bytes:
    return one_line(json.dumps({"error": {"message": exc.message, "field": exc.field}}, ensure_ascii=False).encode())


class _Decider:
    """Decides JSONL lines into output bytes; one per process (engines are built per pack on demand)."""

    def __init__(self, explain: bool = False, backend: str = "python", command: str = "decide") -> None:
        from ._encode import Encoder
        from ._rulebook import default_rulebook

        from ._answers import validation_error
        from ._engine import Engine

        self.rb = default_rulebook()
        self.engines: dict = {}
        self.encode = Encoder(self.rb.not_final).encode_parts
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
        """One input line through a model's JSON parser; a validation error becomes an InputError,
        and so does a key given twice in one object (JSON parsers keep the last one without a word)."""
        try:
            obj = parse(line)
        except ValidationError as exc:
            raise self._validation_error(exc) from None
        except RecursionError:
            raise InputError("输入嵌套过深 / input nested too deeply") from None
        if not _keys_match_fields(line, obj):
            _raise_duplicate_key(line)
        return obj

    def line(self, line: bytes | _Overlong) -> tuple[bytes, bool]:
        if line.__class__ is _Overlong:
            return _error_line(_overlong_error(line)), True
        if self.command == "classify":
            return self.classify_line(line)
        if self.command == "interact":
            return self.interact_line(line)
        try:
            req = self.parse(self._parse, line)
            eng = self.engine(req.jurisdiction)
            data = self.encode(req.id, eng.pack.id, eng._decide_parts(req, self.explain))
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

    def chunk(self, lines: list, emit=None) -> tuple[bytes, bool]:
        """Answer ``lines``: one output line each. Without ``emit``, return (the answers, any error line).
        With ``emit``, hand the answers to it in blocks of about ``_EMIT_BYTES`` as they are made (a
        chunk of large requests can have answers a thousand times its size) and return (b"", any error)."""
        out, size, failed = [], 0, False
        for ln in lines:
            data, bad = self.line(ln)
            failed |= bad
            out.append(data)
            out.append(b"\n")
            size += len(data)
            if emit is not None and size >= _EMIT_BYTES:
                emit(b"".join(out))
                out, size = [], 0
        blob = b"".join(out)
        if emit is None:
            return blob, failed
        if blob:
            emit(blob)
        return b"", failed


#: answers are handed on in blocks of about this size (bytes)
_EMIT_BYTES = 4 << 20
#: a chunk of input lines ends at this many bytes (or ``chunk`` lines)
_CHUNK_BYTES = 1 << 20


_WORKER: _Decider | None = None
_TURN = None        # (shared counter, condition, output fd) when workers write their answers themselves


def _die_with_parent() -> None:
    """A worker never outlives the ``zwgk`` process that started it: on Linux the kernel kills it when the
    parent dies (PR_SET_PDEATHSIG); elsewhere a watchdog thread notices the parent is gone. Either way
    the worker's copy of the output is closed, so a downstream reader is not left waiting."""
    import signal
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the parent decides what an interrupt means
    signal.signal(signal.SIGTERM, signal.SIG_DFL)     # the parent's handler was inherited: a worker just ends
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:     # PR_SET_PDEATHSIG
            if os.getppid() != parent:                      # the parent died before the call
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass
    import threading
    import time

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="zwgk-parent-watch").start()


def _worker_init(explain: bool, backend: str, command: str, turn=None) -> None:
    global _WORKER, _TURN
    _die_with_parent()
    _WORKER = _Decider(explain, backend, command)
    _TURN = turn


def _worker_chunk(lines: list[bytes]) -> tuple[bytes, bool]:
    return _WORKER.chunk(lines)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _worker_chunk_to_fd(seq: int, lines: list[bytes]) -> bool:
    """Decide chunk ``seq`` and write its answers to the output once every earlier chunk is written.

    The answers go straight from the worker to the output file descriptor instead of back through the
    parent: on two cores that saves a copy of every answer through a pipe. Chunks are taken in order
    from one queue, so the lowest unwritten chunk is always being decided and the wait cannot deadlock.
    The worker waits for its turn before its first write (a chunk whose answers grow large writes them
    in blocks, keeping the turn until it is done) and passes the turn on at the end. When a chunk fails
    (or a write does), the turn is not passed on: the parent stops the pool and reports how many chunks
    were written."""
    counter, cond, fd = _TURN
    mine = False

    def take_turn():
        nonlocal mine
        if not mine:
            with cond:
                while counter.value != seq:
                    cond.wait()
            mine = True

    def emit(data: bytes) -> None:
        take_turn()
        _write_all(fd, data)

    _, bad = _WORKER.chunk(lines, emit)
    take_turn()
    with cond:
        counter.value = seq + 1     # chunks fully written: the parent reports it if the batch fails
        cond.notify_all()
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


def _chunks(lines: Iterator[bytes | _Overlong | _Idle], size: int) -> Iterator[list]:
    """Lines in chunks of ``size`` lines or ``_CHUNK_BYTES`` bytes, whichever comes first; a chunk also ends
    where the input paused (``_IDLE``) or a line was too long, so that answers are not held back waiting
    for more input."""
    buf: list = []
    nbytes = 0
    for ln in lines:
        if ln is _IDLE:
            if buf:
                yield buf
                buf, nbytes = [], 0
            continue
        buf.append(ln)
        if ln.__class__ is _Overlong:
            yield buf
            buf, nbytes = [], 0
            continue
        nbytes += len(ln)
        if len(buf) >= size or nbytes >= _CHUNK_BYTES:
            yield buf
            buf, nbytes = [], 0
    if buf:
        yield buf


class _Progress:
    """How far a batch got: input lines read into chunks and lines whose answers were written."""

    def __init__(self) -> None:
        self.sizes: list[int] = []      # lines per chunk, in order
        self.written_chunks = 0

    @property
    def answered(self) -> int:
        return sum(self.sizes[:self.written_chunks])


def _write_failure(exc: BaseException) -> str:
    import errno
    if isinstance(exc, BrokenPipeError) or getattr(exc, "errno", None) == errno.EPIPE:
        return "输出已被关闭（下游不再读取）/ the output was closed by the reader"
    if getattr(exc, "errno", None) == errno.ENOSPC:
        return "磁盘已满，无法写出答复 / no space left on the output device"
    return f"无法写出答复 / cannot write the answers: {getattr(exc, 'strerror', None) or exc}"


def run_decide(path: str, out: IO, stdin, explain: bool = False, backend: str = "python",
               jobs: int = 1, chunk: int = 2000, command: str = "decide", progress: _Progress | None = None) -> int:
    """Decide every line of ``path`` (or stdin for "-") into ``out``, in input order. ``out`` is a binary
    stream (UTF-8 is written to it) or a text stream.

    With ``jobs`` > 1 the lines are decided by worker processes, chunk by chunk; at most
    ``2 × jobs`` chunks are in flight, so memory stays flat on inputs of any length.

    Raises ``_CannotRun`` when the input cannot be read and ``_CutShort`` when the output fails or a
    worker is lost part-way; ``progress`` (if given) then tells how many lines were answered."""
    prog = progress if progress is not None else _Progress()
    failed = False
    if isinstance(out, io.TextIOBase):
        out = _TextSink(out)
    if jobs <= 1 or backend != "python":
        d = _Decider(explain, backend, command)
        flush = getattr(out, "flush", None) or (lambda: None)
        for block in _chunks(_lines(path, stdin), chunk):
            prog.sizes.append(len(block))
            try:
                _, bad = d.chunk(block, out.write)
                flush()
            except OSError as exc:
                raise _CutShort(_write_failure(exc)) from None
            failed |= bad
            prog.written_chunks += 1
        return 1 if failed else 0
    import collections
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from ._rulebook import default_rulebook
    default_rulebook()  # load once in the parent: forked workers inherit it
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    fd = _fileno(out)
    turn = None
    if fd is not None:
        # workers write their answers to the output themselves, in turn
        try:
            out.flush()
        except OSError as exc:
            raise _CutShort(_write_failure(exc)) from None
        turn = (ctx.Value("q", 0, lock=False), ctx.Condition(), fd)
        task, initargs = _worker_chunk_to_fd, (explain, backend, command, turn)
    else:
        task, initargs = _worker_chunk, (explain, backend, command)
    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_worker_init, initargs=initargs)
    pending: collections.deque = collections.deque()

    def settle(fut):
        nonlocal failed
        result = fut.result()
        if turn is None:
            data, bad = result
            out.write(data)
            if hasattr(out, "flush"):
                out.flush()
        else:
            bad = result
        failed |= bad
        prog.written_chunks += 1

    try:
        for seq, block in enumerate(_chunks(_lines(path, stdin), chunk)):
            prog.sizes.append(len(block))
            pending.append(pool.submit(task, seq, block) if turn is not None else pool.submit(task, block))
            while len(pending) >= 2 * jobs:
                settle(pending.popleft())
        while pending:
            settle(pending.popleft())
    except BrokenProcessPool:
        if turn is not None:
            prog.written_chunks = turn[0].value
        _stop(pool)
        raise _CutShort("工作进程意外退出 / a worker process was lost") from None
    except OSError as exc:
        if turn is not None:
            prog.written_chunks = turn[0].value
        _stop(pool)
        raise _CutShort(_write_failure(exc)) from None
    except BaseException:
        if turn is not None:
            prog.written_chunks = turn[0].value
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return 1 if failed else 0


def _stop(pool) -> None:
    """Stop a worker pool now: queued chunks are cancelled and running workers terminated."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.terminate()
        except Exception:  # noqa: BLE001 - already gone
            pass
    for proc in procs:
        try:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)
        except Exception:  # noqa: BLE001
            pass


def run_check(packs, *, json_out: bool = False, report: str | None = None, everything: bool = False) -> int:
    """``zwgk check``: with pack folders, only their findings (and the national rules' errors) unless
    ``everything``; without, the bundled rules'."""
    from ._check import check, render_report
    from ._errors import RuleFileError
    from ._rulebook import Rulebook
    try:
        rb = Rulebook(packs=packs)
    except RuleFileError:
        rb = None           # check() reports the error as its one finding
    findings = check(rb, packs=packs) if rb is not None else check(packs=packs)
    if packs and rb is not None and not everything:
        named = {Path(p).resolve() for p in packs}
        mine = {pid for pid, pk in rb.packs.items() if getattr(pk, "folder", None) is not None
                and Path(pk.folder).resolve() in named}
        findings = [f for f in findings if f.pack in mine or (f.pack == "cn" and f.severity == "error")]
    if report:
        try:
            with open(report, "w", encoding="utf-8") as fh:
                fh.write(render_report(findings, rb))
        except OSError as exc:
            raise _CannotRun(f"无法写入报告 / cannot write the report {report}: {exc.strerror or exc}") from None
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
    from ._version import __version__
    ap = argparse.ArgumentParser(prog="zwgk", description="政府信息公开规则引擎 / OGI rules engine")
    ap.add_argument("--version", action="version", version=f"zwgk-rules {__version__}",
                    help="打印版本号并退出 / print the version and exit")
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
    k.add_argument("--all", action="store_true", help="给出规则包目录时也报告随库规则包的发现 / with pack folders, also "
                                                      "report the bundled packs' findings")
    t = sub.add_parser("test", help="运行以句子命名的 YAML 用例（输入、期望值）/ run sentence-named YAML cases")
    t.add_argument("paths", nargs="+", metavar="FILE|PACK_DIR",
                   help="用例文件，或规则包目录（运行其 cases.yaml，并载入该规则包）/ cases files or pack folders")
    t.add_argument("--pack", action="append", default=[], metavar="DIR",
                   help="另外载入的规则包目录（可重复）/ another pack folder to load (repeatable)")
    x = sub.add_parser("explain", help="按条文查找：条文、引用它的规则（各规则包）、参数、对应的2008年规则与用例 / "
                                      "an article: its text, the rules citing it, parameters, the 2008 counterpart, cases")
    x.add_argument("ref", help="条文（如 ogi-2019:15、ogi-2019:33:p2）或规则编号（如 ogi2019.art15.consent）")
    x.add_argument("packs", nargs="*", help="另外载入的本机关规则包目录 / extra pack folders")
    x.add_argument("--json", action="store_true", help="以 JSON 输出 / machine-readable")
    g = sub.add_parser("doc", help="写出规则包目录中的说明页 README.md（由 pack.yaml 与 statutes/ 生成）/ write a pack's page")
    g.add_argument("packs", nargs="*", help="规则包目录（可多个）；省略则为全部随库规则包 / pack folders (default: the bundled ones)")
    g.add_argument("--check", action="store_true", help="只检查页面是否最新，不写入 / only check that the pages are current")
    s = sub.add_parser("schema", help="打印输入、输出的 JSON Schema（draft 2020-12）/ print the JSON Schemas",
                       description="zwgk schema decide input：decide 一个输入的 Schema；output：一个答复；error：错误行；"
                                   "省略时打印三者的合集（docs/cli.md）/ one standalone schema per part; without a part, "
                                   "the bundle of the three")
    from ._contract_schema import COMMANDS, PARTS          # every command with a schema (one entry each)
    s.add_argument("which", choices=list(COMMANDS))
    s.add_argument("part", nargs="?", choices=list(PARTS))
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_help(sys.stderr)
        return 2
    try:
        if args.command == "check":
            return run_check(args.packs, json_out=args.json, report=args.report, everything=args.all)
        if args.command == "test":
            from ._casetest import run_test
            return run_test(args.paths, args.pack)
        if args.command == "doc":
            from ._packdoc import run_doc
            return run_doc(args.packs, check=args.check)
        if args.command == "explain":
            from ._explain import explain, render
            from ._rulebook import Rulebook, default_rulebook
            rb = Rulebook(packs=args.packs) if args.packs else default_rulebook()
            info = explain(rb, args.ref)
            sys.stdout.write(json.dumps(info, ensure_ascii=False, indent=1) + "\n" if args.json else render(info))
            return 0
        if args.command == "schema":
            from ._contract_schema import json_schema
            schema = json_schema(args.which, args.part)
            sys.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
            return 0
        jobs = args.jobs if args.jobs > 0 else _auto_jobs(args.file)
        return _run_batch(args, jobs)
    except _CannotRun as exc:
        sys.stderr.write(f"zwgk: {exc}\n")
        return 2
    except FileNotFoundError as exc:
        sys.stderr.write(f"zwgk: 找不到文件 / file not found: {exc.filename}\n")
        return 2
    except ZwgkError as exc:  # the rules themselves failed to load
        sys.stderr.write(f"zwgk: {exc.message}\n")
        return 2


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that the batch ends like an interrupt."""


def _run_batch(args, jobs: int) -> int:
    """Run ``decide``/``classify``/``interact`` over the input, turning every fault into a message on
    stderr and an exit status (see the module docstring); never a traceback."""
    import signal
    stdout = sys.stdout
    if stdout is None:
        raise _CannotRun("标准输出已关闭 / standard output is closed")
    # answers are UTF-8 bytes, written in blocks to the binary layer of stdout
    out = getattr(stdout, "buffer", stdout)
    prog = _Progress()

    def on_term(signum, frame):
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, on_term) if _main_thread() else None
    try:
        try:
            stdout.flush()
        except OSError as exc:
            raise _CutShort(_write_failure(exc)) from None
        if args.command in ("classify", "interact"):
            return run_decide(args.file, out, sys.stdin, jobs=jobs, command=args.command, progress=prog)
        return run_decide(args.file, out, sys.stdin, explain=args.explain, backend=args.backend, jobs=jobs,
                          progress=prog)
    except _CutShort as exc:
        return _cut_short(exc.message, exc.code, prog)
    except _InputFailed as exc:
        return _cut_short(str(exc), 2, prog)
    except KeyboardInterrupt:
        return _cut_short("已中断 / interrupted", 130, prog)
    except _Terminated:
        return _cut_short("已终止 / terminated (SIGTERM)", 143, prog)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


def _cut_short(reason: str, code: int, prog: _Progress) -> int:
    """Say how far the batch got, and keep Python from reporting a broken stdout again at exit."""
    n = prog.answered
    sys.stderr.write(f"zwgk: {reason}；已写出前 {n:,} 行输入的答复，其后未完成 / answered the first {n:,} "
                     f"input lines; the rest was not answered\n")
    try:
        sys.stderr.flush()
    except OSError:
        pass
    _silence_stdout()
    return code


def _silence_stdout() -> None:
    """After the output failed, point stdout at /dev/null so that the interpreter's own flush at exit
    does not print a second error."""
    try:
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (AttributeError, OSError, ValueError):
        pass
