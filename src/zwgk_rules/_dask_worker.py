"""The worker side of ``zwgk_rules.dask`` (imports Dask; ``zwgk_rules.dask`` imports this only once it knows
Dask is installed).

A run registers one ``Rules`` worker plugin: on every worker (and on any worker that joins later) its
``setup`` loads the rules once — the bundled rules with the run's pack folders, read from the worker's own
disk and validated there like anywhere else — and checks them against the fingerprint the client computed
from its own files. Tasks (``answer``) never load rules: they find the plugin on their worker and decide
their partition with the command line's own machinery (``_frames`` → ``_chunks`` → ``_Decider.chunk``), so
the answer bytes are the command line's.

What travels between client and workers is data only: partition bytes in, answer bytes out, and the
plugin's settings (the command, paths, flags). Nothing a user wrote is pickled or run.

When the output is a file the worker sees as the client does — the same machine and mount namespace
(``place``) and the same file (device and inode) at the client's path — the answers do not travel back at
all: the client learns each partition's size (``measure``, a few numbers) and tells the worker holding the
answers where they go (``write``, at an offset it worked out from the sizes before it); the worker writes
them there itself. A worker elsewhere returns them from ``write`` and the client writes them. Likewise a
worker that sees the client's input file unchanged reads its partition from it (``answer_range``) instead of
being sent the bytes.

Security: a worker reads and writes only the files the client names, at the paths the client opened, and
only after checking it is the same file (device, inode; for the input, the modification time too); the
workers are trusted members of the cluster (docs/dask.md: connect only to a scheduler you trust).
"""
from __future__ import annotations

import functools
import hashlib
import io
import itertools
import os
import threading
from pathlib import Path
from typing import NamedTuple

from dask.distributed import WorkerPlugin, get_worker

from . import _cli
from ._limits import MAX_FILE_BYTES, MAX_LINE_BYTES

#: Rulebooks this process loaded, by (pack folders, fingerprint): a worker loads the rules once however many
#: partitions it decides (and again only if the pack files themselves changed on disk).
_RULEBOOKS: dict = {}
_KEEP = 8
_LOCK = threading.Lock()
#: how many times this process loaded rules (read by the tests on each worker, ``loads``)
LOADS = 0
#: how an error line of the command line begins its error (counted in a partition with errors)
_ERROR = b'"error": {"message"'


class Answers(NamedTuple):
    """A partition's answers, as ``zwgk decide`` writes them: ``pieces`` (one per chunk of lines, never joined into
    one copy), ``bad`` (one of them is an error line) and ``lines`` (how many output lines they are: one for each
    line of the partition that is not blank, counted as the chunks are answered, so that nobody reads the answers'
    bytes again to count them: about 1.6 µs a line for 2.9 KB answers)."""

    pieces: list[bytes]
    bad: bool
    lines: int


def tally(result: Answers) -> tuple[int, int]:
    """(output lines, error lines) of a partition's answers (the error lines counted only where there is one)."""
    pieces = result.pieces
    return result.lines, max(1, sum(data.count(_ERROR) for data in pieces)) if result.bad else 0


@functools.cache
def place() -> str | None:
    """Where this process runs, as far as files go: the machine's boot id and the mount namespace (Linux), so
    that two processes with the same place see the same files at the same paths; None elsewhere."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            boot = fh.read().strip()
        mounts = os.readlink("/proc/self/ns/mnt")
    except OSError:
        return None
    return f"{boot} {mounts}" if boot else None


def fingerprint(packs: tuple[str, ...]) -> str:
    """sha256 of the package version and every ``*.yaml`` file the rules are read from (the bundled rules,
    then each pack folder in order), each by its path inside its folder: the same on every machine that
    has the same package and the same pack files, wherever they are installed."""
    from ._resources import rules_root, yaml_files
    from ._version import __version__
    h = hashlib.sha256(f"zwgk-rules {__version__}\n".encode())
    for folder in (rules_root(), *(Path(p) for p in packs)):
        h.update(b"\x00folder\x00")
        for path, real in yaml_files(folder, folder):
            h.update(path.relative_to(folder).as_posix().encode() + b"\x00")
            with open(real, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
            h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def rulebook(packs: tuple[str, ...], fp: str):
    """The rules with ``packs``, loaded once per process (per fingerprint)."""
    global LOADS
    with _LOCK:
        rb = _RULEBOOKS.get((packs, fp))
        if rb is None:
            from ._rulebook import Rulebook, default_rulebook
            rb = Rulebook(packs=list(packs)) if packs else default_rulebook()
            if len(_RULEBOOKS) >= _KEEP:            # a long-lived worker keeps the last few sets of rules
                del _RULEBOOKS[next(iter(_RULEBOOKS))]
            _RULEBOOKS[(packs, fp)] = rb
            LOADS += 1
        return rb


def loads() -> int:
    """How many times this process loaded rules (``client.run(loads)`` asks every worker)."""
    return LOADS


class Rules(WorkerPlugin):
    """The rules of one run, set up once on each worker; tasks decide with them (``answer``)."""

    def __init__(self, name: str, command: str, explain: bool, packs: tuple[str, ...],
                 jurisdiction: str | None, fingerprint: str) -> None:
        self.name = name
        self.command = command
        self.explain = explain
        self.packs = packs
        self.jurisdiction = jurisdiction
        self.fingerprint = fingerprint
        self.setups = 0

    def __getstate__(self) -> dict:
        # only the settings travel; what setup builds stays on its worker
        return {k: getattr(self, k) for k in ("name", "command", "explain", "packs", "jurisdiction", "fingerprint")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.setups = 0

    def setup(self, worker) -> None:
        mine = fingerprint(self.packs)
        if mine != self.fingerprint:
            raise RuntimeError(
                f"工作节点 {worker.address} 上的 zwgk-rules 版本或规则包文件与客户端不同 / the zwgk-rules version or the "
                f"pack files on worker {worker.address} differ from the client's (rules fingerprint {mine[:12]} ≠ "
                f"{self.fingerprint[:12]}); packs: {list(self.packs)}")
        self.rules = rulebook(self.packs, mine)
        self._local = threading.local()
        self.decider()          # an unknown --jurisdiction fails here, once, not in every task
        self.setups += 1

    def decider(self) -> _cli._Decider:
        """This thread's decider (a worker with several threads has one per thread, all on the same rules)."""
        d = getattr(self._local, "decider", None)
        if d is None:
            d = self._local.decider = _cli._Decider(self.explain, "python", self.command, None, self.packs,
                                                    self.jurisdiction, rulebook=self.rules)
        return d

    def answer(self, part: bytes, first: int, encoding: str | None, named: bool) -> Answers:
        """The answers to one partition, byte for byte as ``zwgk decide`` writes them for those lines, in pieces
        (one per chunk of lines: never joined into one copy), whether one of them is an error line, and how many
        lines they are (``Answers``).

        ``part`` is whole lines of the input (the file's byte-order mark already removed by the client),
        ``first`` the number of its first line in the input file. A blank line is put before the bytes so
        that ``_frames`` never takes a partition's first bytes for a byte-order mark; ``_chunks`` is told
        of ``first - 2`` lines before it, so that the partition's own lines keep their numbers in the file.
        ``encoding``: the file's encoding as the command line settled it (None: only ASCII so far)."""
        enc = _cli._Encoding()
        enc.name, enc.named = encoding, named
        lines = enc.convert(_cli._frames(io.BytesIO(b"\n" + part), MAX_LINE_BYTES, enc, runs=True))
        d = self.decider()
        out, failed, n = [], False, 0
        for chunk in _cli._chunks(itertools.chain((first - 2,), lines), 2000):
            data, bad = d.chunk(chunk)
            if data:
                out.append(data)
            failed |= bad
            n += len(chunk)         # one answer line each
        return Answers(out, failed, n)


def answer(name: str, part: bytes, first: int, encoding: str | None, named: bool) -> Answers:
    """The task: one partition decided by the run's plugin on this worker."""
    plugin = get_worker().plugins.get(name)
    if not isinstance(plugin, Rules):
        raise RuntimeError(f"工作节点上没有本次运行的规则 / the run's rules are not set up on this worker ({name})")
    return plugin.answer(part, first, encoding, named)


def answer_range(name: str, source: tuple[str, str, int, int, int], start: int, end: int, first: int,
                 encoding: str | None, named: bool) -> Answers | None:
    """The task for a partition this worker reads itself: bytes ``start`` to ``end`` of the input file
    ``source`` (path, the client's ``place``, device, inode, modification time in ns), when this worker sees
    that very file unchanged; otherwise None, and the client sends the bytes (``answer``)."""
    part = read_range(source, start, end)
    return None if part is None else answer(name, part, first, encoding, named)


def read_range(source: tuple[str, str, int, int, int], start: int, end: int) -> bytes | None:
    """Bytes ``start`` to ``end`` of the file ``source`` names, or None when this process does not see it (another
    machine, another file at that path, a file changed since the client looked at it, or fewer bytes)."""
    path, where, *ident = source
    fd = _open_same(path, os.O_RDONLY, where, ident)
    if fd is None:
        return None
    try:
        pieces, at = [], start
        while at < end:
            data = os.pread(fd, end - at, at)
            if not data:
                return None
            pieces.append(data)
            at += len(data)
    except OSError:
        return None
    finally:
        os.close(fd)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def measure(result: Answers | None) -> tuple[int, int, int] | None:
    """The task the client asks instead of the answers: (bytes, output lines, error lines) of a partition's
    (None: ``answer_range`` could not read the partition here)."""
    if result is None:
        return None
    return (sum(map(len, result.pieces)), *tally(result))


def write(result: Answers, target: tuple[str, str, int, int], offset: int) -> list[bytes] | None:
    """The task that puts a partition's answers at ``offset`` of the output file ``target`` (path, the client's
    ``place``, device, inode), when this worker sees that very file; returns None then, and otherwise the
    answers, for the client to write. A failing write raises its ``OSError`` (the client reports it)."""
    data = result.pieces    # never None: the client sends the bytes of a partition answer_range could not read
    path, where, *ident = target
    if not data:
        return None
    fd = _open_same(path, os.O_WRONLY, where, ident)
    if fd is None:
        return data
    try:
        pwrite_all(fd, data, offset)
    finally:
        os.close(fd)
    return None


def _open_same(path: str, flags: int, where: str, ident: list[int]) -> int | None:
    """``path`` opened with ``flags`` when this process is in the place ``where`` and the file opened is the one
    ``ident`` names (device, inode and, if given, modification time in ns); otherwise None."""
    if where != place():
        return None
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if [st.st_dev, st.st_ino, st.st_mtime_ns][:len(ident)] == ident:
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def pwrite_all(fd: int, pieces: list[bytes], offset: int) -> None:
    """All of ``pieces``, one after the other, at ``offset`` of ``fd`` (``os.pwrite`` may write less than asked)."""
    for data in pieces:
        view = memoryview(data)
        while view:
            n = os.pwrite(fd, view, offset)
            view, offset = view[n:], offset + n


def setups(name: str, dask_worker=None) -> int:
    """How many times the run's plugin was set up on this worker (``client.run``)."""
    plugin = (dask_worker or get_worker()).plugins.get(name)
    return getattr(plugin, "setups", 0)
