"""在 Dask 集群上批量办理 / Answering JSONL files on a Dask cluster (docs/dask.md).

    >>> from zwgk_rules.dask import answer_file
    >>> with open("answers.jsonl", "wb") as out:                       # doctest: +SKIP
    ...     answer_file("requests.jsonl", out, client="tcp://scheduler:8786")
    Answered(lines=1000000, errors=12, partitions=90)

``answer_file`` reads a JSONL file (or every ``*.jsonl`` file of a folder, in name order) in partitions of
whole lines, decides them on the cluster's workers, and writes the answers to ``out`` in input order: the
same bytes ``zwgk decide FILE`` (``classify``, ``case``, ``interact``) writes, error lines and their line
numbers included. For a folder the output is each file's answers, one file after the other, line numbers
counted in each file.

Each worker loads the rules once (a worker plugin, ``_dask_worker.Rules``), from its own installation of
zwgk-rules and, for own packs, from the pack folders at the same absolute paths as on the client; a worker
whose package version or pack files differ from the client's is refused before anything is decided. Only
the input's bytes go to the workers and only answers (or their sizes) come back: no code of the caller's is
sent. Into a regular file on the client's machine, the workers on that machine write the answers themselves,
each partition at its place in input order (``_direct``; docs/dask.md); elsewhere they come back and the
client writes them. From a regular file on the client's machine, the workers on that machine read their
partitions from the file themselves (``_source``), as the client found them; others are sent the bytes.

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
#: default partition size in bytes of input (whole lines: a partition ends at the first line end after it) when
#: the answers come back to the client (``_direct``: the workers cannot write into the output themselves)
BLOCKSIZE = 1 << 20
#: the same when the workers write the answers into the output file themselves: fewer, larger tasks (each costs
#: the scheduler, the client and the worker a few milliseconds), while a worker holds a partition's answers
#: (about 8 times its input) only until they are written
DIRECT_BLOCKSIZE = 4 << 20
_READ = 1 << 20             # the command line's read size: the encoding is detected on the same blocks
_EOL = re.compile(rb"\r\n?|\n")
#: Dask settings for a cluster that only runs these tasks (``local``; docs/dask.md for a real cluster): no
#: statistical profiler, system and memory monitors once a second rather than 10 and 2 times, and the event
#: loop's responsiveness check ("tick") once a second rather than every 20 ms (idle, the tick alone cost the
#: scheduler, client and two workers about 0.08 of a core here; 0.017 with it once a second)
LEAN = {"distributed.worker.profile.enabled": False, "distributed.admin.system-monitor.interval": "1s",
        "distributed.worker.memory.monitor-interval": "1s", "distributed.admin.tick.interval": "1s"}
#: what the fork server of a ``local`` cluster loads before it forks the workers (``_forkserver``)
_PRELOAD = "zwgk_rules._dask_preload"
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
                blocksize: int | None = None) -> Answered:
    """Answer every line of ``source`` on a Dask cluster into ``out``, in input order.

    ``source``: a JSONL file, a folder (its ``*.jsonl`` files in name order) or a binary stream.
    ``out``: a binary stream (UTF-8 is written to it) or a text stream. ``client``: a
    ``distributed.Client``, a scheduler address (``"tcp://host:8786"``), or ``"local"`` / ``"local:N"`` for
    a ``LocalCluster`` of N single-threaded worker processes (default: one per CPU) started and closed here.
    ``command``: decide, classify, case or interact. ``packs``, ``jurisdiction``, ``explain``, ``encoding``:
    as ``--pack``, ``--jurisdiction``, ``--explain``, ``--encoding`` of the command line. ``blocksize``: bytes of
    input a partition (whole lines); by default ``DIRECT_BLOCKSIZE`` when the workers write the answers into
    ``out`` themselves (a file they see: on the client's machine), else ``BLOCKSIZE``.

    Raises ``ImportError`` without Dask, ``ValueError`` for bad arguments, ``RuntimeError`` when the run
    cannot start (an unreadable input, a scheduler that cannot be reached, workers with other rules) or is
    cut short (the message then says how many input lines were answered)."""
    from ._cli import _CannotRun, _CutShort, _InputFailed, _Progress
    if command not in COMMANDS:
        raise ValueError(f"command must be one of {COMMANDS}, not {command!r}")
    if blocksize is not None and (not isinstance(blocksize, int) or not 1 <= blocksize <= 1 << 30):
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


class Partition(NamedTuple):
    """Whole lines of the input: their bytes, the number of the first, and where the bytes start in the file
    read (None after an overlong line was cut short: from there the bytes are no longer the file's own)."""

    data: bytes
    first: int
    start: int | None


def partitions(fh, blocksize: int, enc: _Encoding, counter: list | None = None) -> Iterator[Partition]:
    """The ``Partition``s of a JSONL stream: whole lines, about ``blocksize`` bytes each, cut only after a
    line end that cannot be the first half of a CRLF.

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
    read = 0                    # bytes read from the stream: while ``spliced`` is False, ``buf`` ends there
    spliced = False             # an overlong line was cut: ``buf`` is no longer a stretch of the stream
    eol = -1                    # where in ``buf`` its last line end is (-1: none): looked for in each block read only
    while True:
        try:
            data = raw_read(_READ)
        except OSError as exc:
            raise _InputFailed(f"无法读取输入 / cannot read the input: {exc.strerror or exc}") from None
        if not data:
            break
        read += len(data)
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
        k = max(data.rfind(b"\n"), data.rfind(b"\r"))
        if k >= 0:
            eol = len(buf) + k
        buf += data
        if len(buf) - eol - 1 > limit:         # the last line is overlong: keep what makes it so, drop the rest
            del buf[eol + 1 + limit:]
            dropping = spliced = True
        pos = 0
        while len(buf) - pos >= blocksize:
            m = _EOL.search(buf, pos + blocksize - 1)
            if m is None or m.end() == len(buf) and m.group() == b"\r":     # a CR may yet be half a CRLF
                break
            part = bytes(buf[pos:m.end()])
            yield Partition(part, first, None if spliced else read - len(buf) + pos)
            pos = m.end()
            first += part.count(b"\n") if b"\r" not in part else \
                part.count(b"\n") + part.count(b"\r") - part.count(b"\r\n")
        if pos:
            del buf[:pos]
            eol -= pos
    if head:
        buf += head.removeprefix(_BOM)
        if enc.name is None:
            enc.see(bytes(buf))
    if buf:
        yield Partition(bytes(buf), first, None if spliced else read - len(buf))


def _local(address: Any) -> int | None:
    """N for ``local:N`` (``local``: one per CPU), None for any other cluster."""
    m = re.fullmatch(r"local(?::(\d{1,3}))?", address) if isinstance(address, str) else None
    if m is None:
        return None
    return int(m.group(1)) if m.group(1) else (os.cpu_count() or 1)


def _lean() -> dict:
    """``LEAN``, and the environment the workers of a ``local`` cluster start in: Dask's own
    (``distributed.nanny.pre-spawn-environ``) without its ``MALLOC_TRIM_THRESHOLD_``. That setting makes glibc hand
    every allocation above 128 KiB to ``mmap`` and every free one back: a worker's answers (about 8 times its
    partition) then cost page faults each time (here +0.4 s of system time for 200,000 lines); without it, freed
    memory is used again, as in the command line's own workers."""
    import dask
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    return {**LEAN, "distributed.nanny.pre-spawn-environ": environ}


def _forkserver() -> bool:
    """Before a ``local`` cluster is started for the command line: multiprocessing's fork server, started now
    (unless it runs already) with this package's worker side and its bundled rules loaded (``_dask_preload``),
    while this process imports Dask, so that the workers are forked from it with both in memory (as the
    command line's own workers are forked from its loaded parent) instead of each importing and loading
    them. True when the workers can be forked from it (not on Windows)."""
    import multiprocessing as mp
    if "forkserver" not in mp.get_all_start_methods():
        return False
    from multiprocessing import forkserver
    mp.get_context("forkserver").set_forkserver_preload([_PRELOAD])
    forkserver.ensure_running()
    return True


def _client(address: Any, forked: bool = False):
    """(client, what to close afterwards) for a Client, an address, or ``local`` / ``local:N``; ``forked``: the
    local cluster's workers are forked from the fork server (``_forkserver``)."""
    from ._cli import _CannotRun
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise _CannotRun(_MISSING) from None
    if not isinstance(address, str):
        return address, []
    n = _local(address)
    if n is not None:
        import logging
        if n < 1:
            raise _CannotRun("local:N 的 N 至少为 1 / local:N needs N ≥ 1")
        import dask
        # the workers' statistical profiler samples every thread every 10 ms: a tenth of a worker's time here
        lean = _lean()
        if forked:
            lean["distributed.worker.multiprocessing-method"] = "forkserver"
        with dask.config.set(lean):
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
         encoding: str | None, blocksize: int | None, progress: _Progress, counter: list | None = None,
         fork: bool = False) -> Answered:
    """The run behind ``answer_file`` and ``zwgk … --dask``: raises the command line's own exceptions. ``fork``
    (the command line, whose process is its own): a ``local`` cluster's workers are forked from a fork server
    started first (``_forkserver``); a library caller's process is left as it is."""
    forked = fork and _local(client) is not None and _forkserver()
    import collections
    import uuid

    import io

    from ._cli import (_CannotRun, _CutShort, _Encoding, _InputFailed, _open_input, _TextSink, _write_blocks,
                       _write_failure)
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
    cl, close = _client(client, forked)
    # one plugin per run (two runs on one cluster never share or unregister each other's)
    name = f"zwgk-rules-{command}-{uuid.uuid4().hex[:12]}"
    registered = False
    direct: _Direct | None = None
    run = _Tally()
    try:
        try:
            registered = True
            cl.register_plugin(w.Rules(name, command, explain, packs, jurisdiction, fp), name=name)
        except Exception as exc:  # noqa: BLE001 - whatever a worker's setup raised, said as it was
            raise _CannotRun(f"工作节点无法载入规则 / a worker could not load the rules: {exc}") from None
        where = w.place()
        try:
            direct = _direct(out, where)
        except OSError as exc:
            raise _CutShort(_write_failure(exc)) from None
        if blocksize is None:
            blocksize = DIRECT_BLOCKSIZE if direct is not None else BLOCKSIZE
        threads = sum(cl.nthreads().values()) or 1
        depth = 2 * threads + 2
        answering: collections.deque = collections.deque()     # (answer, its size) futures, in input order
        writing: collections.deque = collections.deque()       # _Writing, in input order
        offset = direct.base if direct is not None else 0

        def written(lines: int, errors: int) -> None:
            run.lines += lines
            run.errors += errors
            progress.sizes.append(lines)
            progress.written_chunks += 1
            if progress.display is not None:
                progress.display.update(progress)

        def submit(a: _Answering, key: str, source: tuple | None) -> _Answering:
            """The partition's answer task (and with ``direct``, its size's): read by the worker from the file
            ``source`` when it can (``answer_range``), else sent its bytes."""
            p = a.part
            if source is not None and p.start is not None:
                fut = cl.submit(w.answer_range, name, source, p.start, p.start + len(p.data), p.first, a.encoding,
                                a.named, pure=False, key=key)
            else:
                fut = cl.submit(w.answer, name, p.data, p.first, a.encoding, a.named, pure=False, key=key)
            size = cl.submit(w.measure, fut, pure=False, key=f"{key}-size") if direct else None
            return a._replace(answer=fut, size=size)

        def settle() -> None:
            """The oldest partition answered: its answers written (gathered here), or, with ``direct``, sent
            to their place in the file by the worker that holds them."""
            nonlocal offset
            a = answering.popleft()
            fut, size = a.answer, a.size
            if direct is None:
                result = cl.gather(fut, direct=True)
                fut.release()
                if result is None:          # the worker could not read the file: the bytes go to it
                    fut = submit(a, f"{fut.key}-sent", None).answer
                    result = cl.gather(fut, direct=True)
                    fut.release()
                _write_blocks(out, result.pieces, flush)
                written(*w.tally(result))
                return
            counts = cl.gather(size, direct=True)
            size.release()
            if counts is None:              # the worker could not read the file: the bytes go to it
                fut.release()
                a = submit(a, f"{fut.key}-sent", None)
                fut, size = a.answer, a.size
                counts = cl.gather(size, direct=True)
                size.release()
            nbytes, lines, errors = counts
            job = cl.submit(w.write, fut, direct.target, offset, pure=False, priority=1, key=f"{fut.key}-write")
            writing.append(_Writing(job, fut, offset, nbytes, lines, errors))
            offset += nbytes

        def land(block: bool) -> None:
            """Writes finished, oldest first (all of them if ``block``; else those done, and enough to keep at
            most ``depth`` waiting): answers a worker sent back written here, the lines counted."""
            into = direct
            assert into is not None             # only writes into a file are landed
            while writing and (block or len(writing) > depth or writing[0].job.done()):
                wr = writing.popleft()
                try:
                    pieces = cl.gather(wr.job, direct=True)
                    if pieces is not None:          # the worker does not see the file: written here
                        w.pwrite_all(into.fd, pieces, wr.offset)
                except OSError as exc:
                    raise _CutShort(_write_failure(exc)) from None
                wr.job.release()
                wr.answer.release()
                into.done = wr.offset + wr.nbytes
                written(wr.lines, wr.errors)

        try:
            for f in files:
                enc = _Encoding(encoding)
                fh = _open_input(f) if isinstance(f, str) else f
                try:
                    source = _source(f, fh, where)
                    for part in partitions(fh, blocksize, enc, counter):
                        a = _Answering(part, enc.name, enc.named, None, None)
                        answering.append(submit(a, f"{name}-{run.parts}", source))
                        run.parts += 1
                        while len(answering) >= depth:
                            settle()
                        if writing:
                            land(False)
                finally:
                    if isinstance(f, str):
                        fh.close()
            while answering:
                settle()
            if writing:
                land(True)
            if direct is not None:
                direct.finish(out)
        except BaseException:
            if direct is not None:      # nothing beyond the answers written in order stays in the file
                direct.abandon(cl, [f for a in answering for f in (a.answer, a.size) if f is not None],
                               [wr.job for wr in writing])
            raise
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
    return Answered(run.lines, run.errors, run.parts)


class _Tally:
    """What a run has sent out and written so far: partitions, output lines, error lines."""

    def __init__(self) -> None:
        self.lines = self.errors = self.parts = 0


class _Answering(NamedTuple):
    """A partition on its way: its bytes and where they are in the file, the encoding settled when it was
    read, its answer task and (with ``_direct``) its size task."""

    part: Partition
    encoding: str | None
    named: bool
    answer: Any
    size: Any


class _Writing(NamedTuple):
    """A partition whose answers are on their way into the file: the write task, the answers' future, where
    they go, and what they are."""

    job: Any
    answer: Any
    offset: int
    nbytes: int
    lines: int
    errors: int


class _Direct:
    """An output file the workers may write into themselves: a regular file (not opened for appending) whose
    path names it, written from ``base``, its position when the run began."""

    def __init__(self, fd: int, path: str, where: str, st: os.stat_result, base: int) -> None:
        self.fd, self.base, self.size0 = fd, base, st.st_size
        self.target = (path, where, st.st_dev, st.st_ino)
        self.done = base            # the file holds every answer up to here, in order

    def finish(self, out) -> None:
        """The stream goes on after the answers, as if it had written them itself."""
        out.seek(self.done)

    def abandon(self, cl, pending: list, jobs: list) -> None:
        """A run cut short: its tasks cancelled, the writes under way waited for (a few seconds at most), and
        the file cut back to the answers written in order (never shorter than it was)."""
        try:
            cl.cancel(pending)
            from dask.distributed import wait
            wait(jobs, timeout=10)
        except Exception:  # noqa: BLE001 - the cluster may be gone: the file is cut back all the same
            pass
        try:
            os.ftruncate(self.fd, max(self.size0, self.done))
            os.lseek(self.fd, self.done, os.SEEK_SET)
        except OSError:
            pass


def _source(f, fh, where: str | None) -> tuple[str, str, int, int, int] | None:
    """The input file as workers on this machine may read it themselves (``_dask_worker.answer_range``: its
    path, ``where``, device, inode and modification time, which the worker checks), or None (a stream, not a
    regular file, no known place): then each partition's bytes are sent."""
    import stat
    if not isinstance(f, str) or where is None:
        return None
    try:
        st = os.fstat(fh.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (os.path.abspath(f), where, st.st_dev, st.st_ino, st.st_mtime_ns)


def _direct(out, where: str | None) -> _Direct | None:
    """The output as a file the workers can write into (``_dask_worker.write``), or None: answers are then
    gathered and written here. Needs the file's path (Linux: ``/proc/self/fd``) to name the very file open
    here, a regular file not opened for appending, and a stream that can seek."""
    from ._cli import _fileno
    fd = _fileno(out)
    if fd is None or where is None or not hasattr(out, "seek"):
        return None
    import fcntl
    import stat
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND:
            return None
        path = os.readlink(f"/proc/self/fd/{fd}")
        named = os.stat(path)
    except OSError:
        return None
    if (named.st_dev, named.st_ino) != (st.st_dev, st.st_ino) or not out.seekable():
        return None
    out.flush()         # raises OSError: a write failure, reported by the caller
    return _Direct(fd, path, where, st, out.tell())
