"""The ``zwgk`` command's entry point (``[project.scripts]``, ``python -m zwgk_rules``): the command-line
modules imported with the garbage collector paused (``_gc``), then ``_cli.main``."""
from ._gc import paused


def main(argv: list[str] | None = None) -> int:
    with paused():
        from ._cli import main as run
    return run(argv)
