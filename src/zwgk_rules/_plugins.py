"""pydantic 插件的查找，只在确有插件时进行 / pydantic's plugin search, only where a plugin is installed.

When pydantic builds its first validator it asks ``pydantic.plugin._loader.get_plugins()`` for the
plugins installed in the environment (entry points of the group ``pydantic``, as logfire declares one).
That module imports ``importlib.metadata`` (with ``email``, ``zipfile``, ``csv`` …) and reads every
installed distribution's metadata: about 48 M instructions, 15 ms, of a fresh one-line ``zwgk decide``
(978.8 M → 930.9 M, callgrind, issue 12 part 2), in a process that has no plugin to find.

The ``zwgk`` command (``_start``, and only the command: a program importing ``zwgk_rules`` keeps its
pydantic as it is) first looks for such entry points itself, in the ``entry_points.txt`` of each
distribution on ``sys.path``. Where it finds one, or anything it cannot look into (a zip on the path, an
import hook that lists distributions of its own), it leaves pydantic alone and the plugins load as
always. Where it finds none, it gives pydantic a ``pydantic.plugin._loader`` whose ``get_plugins()``
answers "none", which is what the search would have answered; any other name asked of it is taken from
pydantic's own module, imported then.
"""
from __future__ import annotations

import os
import sys
import types

GROUP = "[pydantic]"                    # the entry-point group pydantic loads its plugins from
LOADER = "pydantic.plugin._loader"
_SUFFIXES = (".dist-info", ".egg-info")
_STANDARD_FINDERS = ("BuiltinImporter", "FrozenImporter", "PathFinder")


def plugins_declared(path: list[str] | None = None) -> bool:
    """True when some distribution on ``path`` (default ``sys.path``) may declare a pydantic plugin, or
    when that cannot be told without ``importlib.metadata``."""
    for finder in sys.meta_path:
        name = getattr(finder, "__name__", None) or type(finder).__name__
        if name not in _STANDARD_FINDERS and hasattr(finder, "find_distributions"):
            return True                                 # distributions listed by an import hook
    for entry in sys.path if path is None else path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return True                                 # a zip on the path: its metadata is not read here
        except OSError:
            continue                                    # a path entry that does not exist
        for name in names:
            if not name.endswith(_SUFFIXES):
                continue
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8") as f:
                    if any(line.strip() == GROUP for line in f):
                        return True
            except (NotADirectoryError, FileNotFoundError):
                continue                                # no entry points (or an .egg-info file)
            except (OSError, UnicodeDecodeError):
                return True
    return False


def _none():
    return ()


def _from_pydantic(name: str):
    """Any name but ``get_plugins``: pydantic's own loader, imported now in place of this one."""
    if name.startswith("__"):
        raise AttributeError(name)
    del sys.modules[LOADER]
    import importlib
    real = importlib.import_module(LOADER)
    return getattr(real, name)


def defer_plugin_search() -> bool:
    """Give pydantic a plugin loader that answers "no plugins" when none is installed (see the module's
    docstring); True when it did. Nothing is changed if pydantic's loader is already imported."""
    if LOADER in sys.modules or plugins_declared():
        return False
    loader = types.ModuleType(LOADER, "no pydantic plugin is installed (zwgk_rules._plugins)")
    loader.get_plugins = _none
    loader.__getattr__ = _from_pydantic
    sys.modules[LOADER] = loader
    return True
