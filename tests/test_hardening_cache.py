"""Issue 8, point 1: nothing planted on disk runs or changes an answer.

The library once read a compiled rulebook back from a pickle in a cache folder that another user could
write (``$ZWGK_CACHE_DIR``, ``$XDG_CACHE_HOME/zwgk_rules``, ``~/.cache/zwgk_rules``). These tests plant
files in every such folder, under every name the library has ever written there, and check that
nothing runs and no answer moves."""
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQ = {"submission": {"channel": "in_person", "submitted_on": "2026-09-28"}, "items": [{"description": "x"}]}


class _Planted:
    """Unpickling this runs ``open(marker, "w")``: proof that planted code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("ZWGK_CACHE_DIR", "XDG_CACHE_HOME")}
    env["PYTHONPATH"] = str(ROOT / "src")
    env["HOME"] = str(tmp_path / "home")
    env.update(extra)
    return env


def _decide(tmp_path, env):
    req = tmp_path / "req.json"
    req.write_text(json.dumps(REQ), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "zwgk_rules", "decide", str(req)], capture_output=True, text=True,
                          env=env, timeout=120)


def test_planted_cache_files_are_never_unpickled(tmp_path):
    home = tmp_path / "home"
    folders = {
        "ZWGK_CACHE_DIR": tmp_path / "zwgk-cache",
        "XDG_CACHE_HOME": tmp_path / "xdg",
        "HOME": home / ".cache",
    }
    for name, base in folders.items():
        extra = {name: str(base)} if name != "HOME" else {}
        env = _env(tmp_path, **extra)
        cache = base if name == "ZWGK_CACHE_DIR" else base / "zwgk_rules"
        cache.mkdir(parents=True, exist_ok=True)
        first = _decide(tmp_path, env)              # whatever the library writes there, it writes now
        assert first.returncode == 0, first.stderr
        names = {p.name for p in cache.iterdir()} | {"rulebook.pickle"}
        marker = tmp_path / f"ran-{name}"
        for n in names:
            (cache / n).write_bytes(pickle.dumps(_Planted(str(marker))))
        second = _decide(tmp_path, env)
        assert not marker.exists(), f"a file planted in {cache} ran code at start-up"
        assert second.returncode == 0, second.stderr
        assert json.loads(second.stdout) == json.loads(first.stdout)


def test_the_library_writes_no_cache(tmp_path):
    env = _env(tmp_path, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    (tmp_path / "home").mkdir()
    assert _decide(tmp_path, env).returncode == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "req.json"]
    assert written == []
