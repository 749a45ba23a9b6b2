"""Locating and reading the bundled rule files (rules/ is shipped inside the wheel)."""
from __future__ import annotations

import functools
from pathlib import Path


@functools.lru_cache(maxsize=1)
def rules_root() -> Path:
    """The bundled ``rules`` folder: inside the installed package, or the repository's in a checkout."""
    here = Path(__file__).resolve().parent / "rules"     # an installed wheel (the usual case: no import needed)
    if here.is_dir():
        return here
    repo = Path(__file__).resolve().parents[2] / "rules"  # a checkout (src/zwgk_rules beside rules/)
    if repo.is_dir():
        return repo
    from importlib import resources                      # other loaders (a zip, say)
    packaged = resources.files("zwgk_rules") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    raise FileNotFoundError("找不到规则目录 rules/ (bundled rules folder not found)")


def load_yaml(path: Path):
    """One rule file as plain data (strict: no anchors, aliases, tags or duplicate keys; see ``_yaml``)."""
    from ._yaml import load
    return load(path, file=relative(path))


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(rules_root().parent))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ nothing outside a pack folder is read

def _real(path: Path) -> Path:
    """The resolved path (every symbolic link followed); never raises, also for a loop of links."""
    import os
    return Path(os.path.realpath(path))


def contained(path: Path, within: Path) -> Path:
    """``path`` resolved, or a RuleFileError naming ``path`` if it leads outside the folder ``within``
    (a symbolic link, or ``..``, to somewhere else). The resolved path is the one to read."""
    from ._errors import RuleFileError
    real, root = _real(path), _real(within)
    if real != root and root not in real.parents:
        raise RuleFileError(f"路径指向规则包目录之外（{real}），不予读取 / leads outside the pack folder {root}",
                            file=relative(path), field="file")
    return real


def yaml_files(folder: Path, within: Path) -> list[tuple[Path, Path]]:
    """``(path, resolved path)`` of every ``*.yaml`` file under ``folder``, in path order.

    Nothing outside ``within`` is read: a file or a folder (say, a symbolic link) that leads outside it is
    a RuleFileError naming it; links to folders inside it are followed, each folder once (a loop of links
    ends); a ``*.yaml`` that is not a regular file (a FIFO, a device) is an error, never opened."""
    import os
    from ._errors import RuleFileError
    out: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    todo = [(folder, contained(folder, within))]
    while todo:
        here, real = todo.pop()
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = list(os.scandir(real))
        except OSError as exc:
            raise RuleFileError(f"无法读取目录：{exc.strerror or exc}", file=relative(here), field="file") from None
        for e in entries:
            path = here / e.name
            try:
                is_dir = e.is_dir()
            except OSError:               # e.g. a link to itself
                is_dir = False
            if not (is_dir or e.name.endswith(".yaml")):
                continue
            target = contained(path, within)
            if is_dir:
                todo.append((path, target))
            elif target.is_file():
                out.append((path, target))
            else:
                raise RuleFileError("不是普通文件（或是无效的符号链接）/ not a regular file", file=relative(path),
                                    field="file")
    out.sort()
    return out
