"""Locating and reading the bundled rule files (rules/ is shipped inside the wheel)."""
from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

@functools.lru_cache(maxsize=1)
def rules_root() -> Path:
    """The bundled ``rules`` folder: inside the installed package, or the repository's in a checkout."""
    packaged = resources.files("zwgk_rules") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    repo = Path(__file__).resolve().parents[2] / "rules"
    if repo.is_dir():
        return repo
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
