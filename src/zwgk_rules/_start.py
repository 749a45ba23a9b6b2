"""The ``zwgk`` command's entry point (``[project.scripts]``, ``python -m zwgk_rules``): the command-line
modules imported with the garbage collector paused (``_gc``), then frozen out of its scans (``gc.freeze``:
they live as long as the process; left young, the first collection after start-up scanned all of them, about
34,000 objects and 17–28 ms of a one-line decide), then ``_cli.main``. Before anything, pydantic's search
for plugins is left out where no plugin is installed (``_plugins``: 48 M instructions, 15 ms)."""
import gc

from ._gc import paused
from ._plugins import defer_plugin_search


def main(argv: list[str] | None = None) -> int:
    defer_plugin_search()
    with paused():
        from ._cli import main as run
        gc.freeze()
    return run(argv)
