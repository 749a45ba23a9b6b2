"""在 Dask 集群上批量办理 / Answering JSONL files on a Dask cluster (docs/dask.md).

    >>> from zwgk_rules.dask import answer_file
    >>> with open("answers.jsonl", "wb") as out:                       # doctest: +SKIP
    ...     answer_file("requests.jsonl", out, client="tcp://scheduler:8786")
    Answered(lines=1000000, errors=12, partitions=573)

``answer_file`` reads a JSONL file (or every ``*.jsonl`` file of a folder, in name order) in partitions of
whole lines, decides them on the cluster's workers, and writes the answers to ``out`` in input order: the
same bytes ``zwgk decide FILE`` (``classify``, ``case``, ``interact``) writes, error lines and their line
numbers included. For a folder the output is each file's answers, one file after the other, line numbers
counted in each file.

Each worker loads the rules once (a worker plugin, ``_dask_worker.Rules``), from its own installation of
zwgk-rules and, for own packs, from the pack folders at the same absolute paths as on the client; a worker
whose package version or pack files differ from the client's is refused before anything is decided. Only
the input's bytes go to the workers and only answer bytes come back: no code of the caller's is sent.

Needs the ``dask`` extra: ``pip install 'zwgk-rules[dask]'``. The command line offers the same as
``zwgk decide FILE --dask ADDRESS``.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterator, NamedTuple

if TYPE_CHECKING:
    from ._cli import _Encoding, _Progress

__all__ = ["Answered", "answer_file"]

#: the commands a run can answer (one input line → one output line)
COMMANDS = ("decide", "classify", "case", "interact")
#: default partition size in bytes of input (whole lines: a partition ends at the first line end after it)
BLOCKSIZE = 1 << 20
_READ = 1 << 20             # the command line's read size: the encoding is detected on the same blocks
_EOL = re.compile(rb"\r\n?|\n")
#: Dask settings for a cluster that only runs these tasks (``local``; docs/dask.md for a real cluster): no
#: statistical profiler, system and memory monitors once a second rather than 10 and 2 times
LEAN = {"distributed.worker.profile.enabled": False, "distributed.admin.system-monitor.interval": "1s",
        "distributed.worker.memory.monitor-interval": "1s"}
_MISSING = ("zwgk_rules.dask 需要 Dask：pip install 'zwgk-rules[dask]' / zwgk_rules.dask needs Dask: "
            "pip install 'zwgk-rules[dask]'")


class Answered(NamedTuple):
    """What a run answered: output ``lines``, of which ``errors`` are error lines, from ``partitions`` tasks."""

    lines: int
    errors: int
    partitions: int


def answer_file(source: str | os.PathLike[str] | IO[bytes], out: IO[Any], *, client: Any,
                command: str = "decide", packs: tuple[str | os.PathLike[str], ...] | list = (),
                jurisdiction: str | None = None, explain: bool = False, encoding: str | None = None,
                blocksize: int = BLOCKSIZE) -> Answered:
    """Answer every line of ``source`` on a Dask cluster into ``out``, in input order.

    ``source``: a JSONL file, a folder (its ``*.jsonl`` files in name order) or a binary stream.
    ``out``: a binary stream (UTF-8 is written to it) or a text stream. ``client``: a
    ``distributed.Client``, a scheduler address (``"tcp://host:8786"``), or ``"local"`` / ``"local:N"`` for
    a ``LocalCluster`` of N single-threaded worker processes (default: one per CPU) started and closed here.
    ``command``: decide, classify, case or interact. ``packs``, ``jurisdiction``, ``explain``, ``encoding``:
    as ``--pack``, ``--jurisdiction``, ``--explain``, ``--encoding`` of the command line.

    Raises ``ImportError`` without Dask, ``ValueError`` for bad arguments, ``RuntimeError`` when the run
    cannot start (an unreadable input, a scheduler that cannot be reached, workers with other rules) or is
    cut short (the message then says how many input lines were answered)."""
    from ._cli import _CannotRun, _CutShort, _InputFailed, _Progress
    if command not in COMMANDS:
        raise ValueError(f"command must be one of {COMMANDS}, not {command!r}")
    if not isinstance(blocksize, int) or not 1 <= blocksize <= 1 << 30:
        raise ValueError(f"blocksize must be an int from 1 to 2**30, not {blocksize!r}")
    prog = _Progress()
    try:
        return _run(source, out, client, command=command, packs=tuple(packs), jurisdiction=jurisdiction,
                    explain=explain, encoding=encoding, blocksize=blocksize, progress=prog)
    except _CannotRun as exc:
        if exc.args and exc.args[0] == _MISSING:
            raise ImportError(_MISSING) from None
        raise RuntimeError(str(exc)) from None
    except _InputFailed as exc:
        raise RuntimeError(str(exc)) from None
    except _CutShort as exc:
        raise RuntimeError(f"{exc.message}；已写出前 {prog.answered:,} 行的答复 / answered the first "
                           f"{prog.answered:,} lines") from None


# ----------------------------------------------------------------------------------------- the client


def _sources(source) -> list:
    """The files to answer: the file, a folder's ``*.jsonl`` files in name order, or the stream itself."""
    from ._cli import _CannotRun
    if hasattr(source, "read"):
        return [source]
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.name.endswith(".jsonl") and p.is_file())
        if not files:
            raise _CannotRun(f"目录中没有 .jsonl 文件 / no .jsonl file in the folder: {path}")
        return [str(p) for p in files]
    low = path.name.lower()
    if low.endswith((".json", ".csv", ".tsv", ".xlsx", ".xlsm", ".xls")):
        raise _CannotRun(f"--dask 只读 JSONL 文件或其目录 / --dask reads JSONL files (or a folder of them), not "
                         f"{path.name}")
    return [str(path)]


def partitions(fh, blocksize: int, enc: _Encoding, counter: list | None = None) -> Iterator[tuple[bytes, int]]:
    """``(bytes, number of its first line)`` of the partitions of a JSONL stream: whole lines, about
    ``blocksize`` bytes each, cut only after a line end that cannot be the first half of a CRLF.

    Read the way the command line reads (blocks of 1 MiB; one UTF-8 byte-order mark at the start is
    dropped; the encoding detected, by ``enc``, on the first block that is not ASCII), so that the
    workers, given the encoding settled at the time, answer each line as the command line would. A line
    longer than ``MAX_LINE_BYTES`` is cut to one byte more than that (it is answered by the same error line
    whatever its content, and nothing more of it is held): memory stays bounded by the partition size plus
    one line."""
    from ._cli import _BOM, _Counted, _InputFailed
    from ._limits import MAX_LINE_BYTES
    limit = MAX_LINE_BYTES + 1
    fh = _Counted(fh, counter)
    raw_read = getattr(fh, "read1", None) or fh.read
    buf = bytearray()
    first = 1
    head: bytes | None = b""
    dropping = False            # skipping the rest of an overlong line
    while True:
        try:
            data = raw_read(_READ)
        except OSError as exc:
            raise _InputFailed(f"无法读取输入 / cannot read the input: {exc.strerror or exc}") from None
        if not data:
            break
        if head is not None:
            head += data
            if len(head) < 3 and _BOM.startswith(head):
                continue
            data, head = head.removeprefix(_BOM), None
        if enc.name is None:
            enc.see(data)
        if dropping:
            m = _EOL.search(data)
            if m is None:
                continue
            dropping = False
            data = data[m.start():]
        buf += data
        end = max(buf.rfind(b"\n"), buf.rfind(b"\r"))
        if len(buf) - end - 1 > limit:         # the last line is overlong: keep what makes it so, drop the rest
            del buf[end + 1 + limit:]
            dropping = True
        pos = 0
        while len(buf) - pos >= blocksize:
            m = _EOL.search(buf, pos + blocksize - 1)
            if m is None or m.end() == len(buf) and m.group() == b"\r":     # a CR may yet be half a CRLF
                break
            part = bytes(buf[pos:m.end()])
            pos = m.end()
            yield part, first
            first += part.count(b"\n") + part.count(b"\r") - part.count(b"\r\n")
        if pos:
            del buf[:pos]
    if head:
        buf += head.removeprefix(_BOM)
        if enc.name is None:
            enc.see(bytes(buf))
    if buf:
        yield bytes(buf), first


def _client(address: Any):
    """(client, what to close afterwards) for a Client, an address, or ``local`` / ``local:N``."""
    from ._cli import _CannotRun
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise _CannotRun(_MISSING) from None
    if not isinstance(address, str):
        return address, []
    m = re.fullmatch(r"local(?::(\d{1,3}))?", address)
    if m:
        import logging
        n = int(m.group(1)) if m.group(1) else (os.cpu_count() or 1)
        if n < 1:
            raise _CannotRun("local:N 的 N 至少为 1 / local:N needs N ≥ 1")
        import dask
        # the workers' statistical profiler samples every thread every 10 ms: a tenth of a worker's time here
        with dask.config.set(LEAN):
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                                   silence_logs=logging.ERROR)
        client = Client(cluster, direct_to_workers=True)
        return client, [client, cluster]
    try:
        client = Client(address, timeout="20s", direct_to_workers=True)
    except (OSError, TimeoutError, ValueError) as exc:
        raise _CannotRun(f"无法连接 Dask 调度器 / cannot connect to the Dask scheduler at {address}: {exc}") from None
    return client, [client]


def _run(source, out, client, *, command: str, packs: tuple, jurisdiction: str | None, explain: bool,
         encoding: str | None, blocksize: int, progress: _Progress, counter: list | None = None) -> Answered:
    """The run behind ``answer_file`` and ``zwgk … --dask``: raises the command line's own exceptions."""
    import collections
    import uuid

    import io

    from ._cli import _CannotRun, _CutShort, _Encoding, _InputFailed, _open_input, _TextSink, _write_failure
    try:
        from . import _dask_worker as w
    except ImportError:
        raise _CannotRun(_MISSING) from None
    from ._errors import ZwgkError
    files = _sources(source)
    if encoding:
        from ._cli import _codec
        _codec(encoding)
    # pack folders by absolute path: that is where the workers look for them
    packs = tuple(str(Path(p).resolve()) for p in packs)
    try:
        fp = w.fingerprint(packs)
        if packs or jurisdiction is not None:
            # the client's own check of the packs and --jurisdiction, before any worker is asked
            from ._cli import _Decider
            _Decider(explain, "python", command, None, packs, jurisdiction, rulebook=w.rulebook(packs, fp))
    except ZwgkError as exc:
        raise _CannotRun(exc.message) from None
    if isinstance(out, io.TextIOBase):
        out = _TextSink(out)
    flush = getattr(out, "flush", None) or (lambda: None)
    cl, close = _client(client)
    # one plugin per run (two runs on one cluster never share or unregister each other's)
    name = f"zwgk-rules-{command}-{uuid.uuid4().hex[:12]}"
    lines = errors = nparts = 0
    registered = False
    try:
        try:
            registered = True
            cl.register_plugin(w.Rules(name, command, explain, packs, jurisdiction, fp), name=name)
        except Exception as exc:  # noqa: BLE001 - whatever a worker's setup raised, said as it was
            raise _CannotRun(f"工作节点无法载入规则 / a worker could not load the rules: {exc}") from None
        threads = sum(cl.nthreads().values()) or 1
        window: collections.deque = collections.deque()
        depth = 2 * threads + 2

        def settle() -> None:
            nonlocal lines, errors
            fut = window.popleft()
            data, bad = cl.gather(fut, direct=True)
            fut.release()
            try:
                out.write(data)
                flush()
            except OSError as exc:
                raise _CutShort(_write_failure(exc)) from None
            n = data.count(b"\n")
            lines += n
            if bad:
                errors += max(1, data.count(b'"error": {"message"'))
            progress.sizes.append(n)
            progress.written_chunks += 1
            if progress.display is not None:
                progress.display.update(progress)

        for f in files:
            enc = _Encoding(encoding)
            fh = _open_input(f) if isinstance(f, str) else f
            try:
                for part, first in partitions(fh, blocksize, enc, counter):
                    window.append(cl.submit(w.answer, name, part, first, enc.name, enc.named, pure=False,
                                            key=f"{name}-{nparts}"))
                    nparts += 1
                    while len(window) >= depth:
                        settle()
            finally:
                if isinstance(f, str):
                    fh.close()
        while window:
            settle()
    except (_CutShort, _CannotRun, _InputFailed):
        raise
    except Exception as exc:  # noqa: BLE001 - a task failed or the cluster went away: report how far it got
        raise _CutShort(f"Dask 集群上的运行失败 / the run on the Dask cluster failed: {type(exc).__name__}: {exc}") from None
    finally:
        if registered and len(close) < 2:       # a cluster that outlives the run keeps nothing of it
            try:
                cl.unregister_worker_plugin(name)
            except Exception:  # noqa: BLE001 - the cluster may be gone: the failure is what is reported
                pass
        for c in close:
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass
    return Answered(lines, errors, nparts)
