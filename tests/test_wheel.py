"""The built wheel carries rules/ and py.typed, declares only what the package imports, and decides a
request from outside the repository; mypy checks an integrator's script against it."""
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import need

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_decides(tmp_path, built_wheel):
    wheel = built_wheel
    names = zipfile.ZipFile(wheel).namelist()
    assert "zwgk_rules/py.typed" in names
    for name in ("index.html", "app.js", "style.css"):         # the clerks' page (zwgk serve), no build step
        assert f"zwgk_rules/_web/{name}" in names
    assert "zwgk_rules/rules/national/ogi-2019/exemption.yaml" in names
    assert "zwgk_rules/rules/statutes/ogi-2019.yaml" in names
    assert "zwgk_rules/rules/calendars/cn/2026.yaml" in names
    # one pack = one folder: its pack.yaml, texts, cases and page ship together
    for name in ("pack.yaml", "cases.yaml", "README.md", "statutes/cn-gz-shaomi-yishenqing.yaml",
                 "statutes/cn-gz-shaomi-jiedu.yaml"):
        assert f"zwgk_rules/rules/packs/cn-gz-shaomi/{name}" in names
    assert "zwgk_rules/rules/packs/cn-nx-zhongwei-sfj/statutes/cn-nx-zhongwei-sfj.yaml" in names
    assert not any("/statutes/local/" in n for n in names)
    assert "zwgk_rules/_rules.snapshot.json" in names            # the rule files read before (_snapshot): start-up
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    req = tmp_path / "req.json"
    req.write_text(json.dumps({"submission": {"channel": "in_person", "submitted_on": "2026-09-28"},
                               "items": [{"description": "x"}]}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([str(env_dir / "bin" / "zwgk"), "decide", str(req)], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["disposition"] == "disclose" and d["deadline"]["due"] == "2026-10-30"
    where = subprocess.run([str(py), "-c", "import zwgk_rules._resources as r; print(r.rules_root())"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert str(env_dir) in where.stdout
    # installed, the bundled rules load from the snapshot: no YAML is parsed (PyYAML is not even imported)
    parsed = subprocess.run([str(py), "-c", "import sys; from zwgk_rules._rulebook import Rulebook; Rulebook(); "
                             "print('yaml' in sys.modules)"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert parsed.stdout == "False\n", parsed.stderr
    # the installed bundled packs load from their folders and run their own cases
    cases = subprocess.run([str(py), "-c", "from zwgk_rules.testing.cases import pack_cases, run_case\n"
                            "cs = pack_cases()\n"
                            "print(len(cs), sum(bool(run_case(c)) for _, c in cs))"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert cases.stdout.split() == ["27", "0"], cases.stdout + cases.stderr
    version = subprocess.run([str(env_dir / "bin" / "zwgk"), "--version"], capture_output=True, text=True, env=env)
    from zwgk_rules._version import __version__
    assert version.returncode == 0 and version.stdout == f"zwgk-rules {__version__}\n"

    # an integrator type-checks against the installed wheel: found through its py.typed (PEP 561)
    need("mypy", "test")
    shutil.copy(ROOT / "examples" / "integrator.py", tmp_path / "integrator.py")
    env = {k: v for k, v in env.items() if k != "MYPYPATH"}
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--python-executable", str(py),
                        "--cache-dir", str(tmp_path / "mypy-cache"), "integrator.py"],
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
    assert r.returncode == 0 and r.stdout == "Success: no issues found in 1 source file\n", r.stdout + r.stderr
    r = subprocess.run([str(py), "integrator.py"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == "22 disposition codes", r.stdout + r.stderr


@pytest.mark.slow
def test_the_wheel_declares_only_what_the_package_imports(built_wheel):
    z = zipfile.ZipFile(built_wheel)
    meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line.removeprefix("Requires-Dist: ") for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    # pydantic-core: imported directly for the input date's schema (its version is pydantic's own pin); msgspec: the
    # rules' records (Structs) and the fast readers
    assert sorted(r for r in requires if "extra ==" not in r) == ["msgspec>=0.18", "pydantic-core", "pydantic>=2.5",
                                                                  "pyyaml>=6.0"]
    assert sorted(r for r in requires if "extra == 'dev'" in r) == ["build>=1.0; extra == 'dev'",
                                                                   "hatchling>=1.18; extra == 'dev'"]
    assert not any(r.startswith(("build", "hatchling")) and "extra == 'test'" in r for r in requires)
    assert "python-dateutil" not in meta
