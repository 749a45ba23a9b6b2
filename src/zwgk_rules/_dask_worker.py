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
"""
from __future__ import annotations

import hashlib
import io
import itertools
import threading
from pathlib import Path

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

    def answer(self, part: bytes, first: int, encoding: str | None, named: bool) -> tuple[bytes, bool]:
        """The answers to one partition, byte for byte as ``zwgk decide`` writes them for those lines.

        ``part`` is whole lines of the input (the file's byte-order mark already removed by the client),
        ``first`` the number of its first line in the input file. A blank line is put before the bytes so
        that ``_frames`` never takes a partition's first bytes for a byte-order mark; ``_chunks`` is told
        of ``first - 2`` lines before it, so that the partition's own lines keep their numbers in the file.
        ``encoding``: the file's encoding as the command line settled it (None: only ASCII so far)."""
        enc = _cli._Encoding()
        enc.name, enc.named = encoding, named
        lines = enc.convert(_cli._frames(io.BytesIO(b"\n" + part), MAX_LINE_BYTES, enc))
        d = self.decider()
        out, failed = [], False
        for chunk in _cli._chunks(itertools.chain((first - 2,), lines), 2000):
            data, bad = d.chunk(chunk)
            out.append(data)
            failed |= bad
        return b"".join(out), failed


def answer(name: str, part: bytes, first: int, encoding: str | None, named: bool) -> tuple[bytes, bool]:
    """The task: one partition decided by the run's plugin on this worker."""
    plugin = get_worker().plugins.get(name)
    if plugin is None:
        raise RuntimeError(f"工作节点上没有本次运行的规则 / the run's rules are not set up on this worker ({name})")
    return plugin.answer(part, first, encoding, named)


def setups(name: str, dask_worker=None) -> int:
    """How many times the run's plugin was set up on this worker (``client.run``)."""
    plugin = (dask_worker or get_worker()).plugins.get(name)
    return getattr(plugin, "setups", 0)
