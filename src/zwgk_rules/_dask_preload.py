"""What the fork server of a ``local`` Dask cluster loads before it forks the workers (``dask._forkserver``):
the worker side of ``zwgk_rules.dask`` (Dask with it) and the bundled rules, so that every worker starts with
them in memory instead of importing and loading them itself. Whatever fails here is left to the worker: its
plugin's ``setup`` loads the rules again and says what went wrong (a fork server stops at an error in a module
it preloads, and the cluster with it).

It also sets glibc's malloc to keep big freed blocks for the next partition (``keep_freed_blocks``): the workers
inherit it."""

#: glibc ``mallopt`` parameters (malloc.h): ``M_TRIM_THRESHOLD``, ``M_MMAP_THRESHOLD``
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: blocks up to this size come from the heap rather than a fresh ``mmap`` (glibc's largest allowed value)
MMAP_THRESHOLD = 32 << 20
#: freed memory at the top of the heap is given back to the system only beyond this much
TRIM_THRESHOLD = 64 << 20


def keep_freed_blocks() -> bool:
    """glibc's malloc set to take blocks of up to ``MMAP_THRESHOLD`` from the heap and to keep up to
    ``TRIM_THRESHOLD`` of freed memory. A worker holds a partition's answers (about 35 MB, in blocks of ~6 MB) until
    they are written and then frees them together; by default glibc gives back whatever is free beyond twice the
    largest block it has freed, and every page of the next partition's answers is faulted in again (tens of
    thousands of faults a worker per 150,000 lines; ``docs/benchmarks.md``, session 17). The command line's workers
    free their answers in blocks of 4 MB as they write them, so they never pass that mark. True when set (glibc);
    with another C library nothing is changed."""
    import ctypes
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version      # glibc only: another libc's mallopt may read these numbers otherwise
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


try:
    from . import _dask_worker as _worker
    _worker.rulebook((), _worker.fingerprint(()))
except Exception:  # noqa: BLE001, S110 - see above: the worker's own setup reports it
    pass
keep_freed_blocks()
