"""Locating and reading the bundled rule files (rules/ is shipped inside the wheel)."""
from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

_LOADER = None


def _loader():
    """PyYAML's loader, imported on first use (a start-up from the compiled cache parses no YAML)."""
    global _LOADER
    if _LOADER is None:
        import yaml
        _LOADER = (yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader))   # libyaml when present
    return _LOADER


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
    yaml, loader = _loader()
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(rules_root().parent))
    except ValueError:
        return str(path)
