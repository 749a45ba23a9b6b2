"""What the fork server of a ``local`` Dask cluster loads before it forks the workers (``dask._forkserver``):
the worker side of ``zwgk_rules.dask`` (Dask with it) and the bundled rules, so that every worker starts with
them in memory instead of importing and loading them itself. Whatever fails here is left to the worker: its
plugin's ``setup`` loads the rules again and says what went wrong (a fork server stops at an error in a module
it preloads, and the cluster with it)."""
try:
    from . import _dask_worker as _worker
    _worker.rulebook((), _worker.fingerprint(()))
except Exception:  # noqa: BLE001, S110 - see above: the worker's own setup reports it
    pass
