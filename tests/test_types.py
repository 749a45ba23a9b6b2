"""The package is typed (issue 10, part 6): it ships ``py.typed``, and ``mypy --strict`` passes on an
integrator's script (``examples/integrator.py``) that decides, classifies and reads typed fields — and
fails on one that misuses them, so the types are real, not ``Any``."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import need

ROOT = Path(__file__).resolve().parents[1]
INTEGRATOR = ROOT / "examples" / "integrator.py"


def mypy(*args: str, cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """mypy --strict against this checkout's src/ (the package's own errors are not ours to report here:
    ``--follow-imports=silent``, as for an installed package)."""
    need("mypy", "test")
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    env["MYPYPATH"] = str(ROOT / "src")
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-error-summary",
                           "--cache-dir", str(tmp_path / "mypy-cache"), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def test_the_package_ships_py_typed():
    assert (ROOT / "src" / "zwgk_rules" / "py.typed").is_file()


def test_the_integrator_script_is_clean_under_mypy_strict(tmp_path):
    r = mypy(str(INTEGRATOR), cwd=ROOT, tmp_path=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""


def test_mypy_reports_what_an_integrator_gets_wrong(tmp_path):
    script = tmp_path / "wrong.py"
    script.write_text(textwrap.dedent("""\
        import datetime as dt
        import zwgk_rules
        engine = zwgk_rules.Engine()
        d = engine.decide({"submission": {"channel": "in_person", "submitted_on": "2026-09-28"}, "items": [{}]})
        n: int = d.disposition
        due: dt.date = d.deadline.due
        c = engine.classify({"title": "关于某事的通知", "formed_on": "2026-04-30"})
        same = c.attribute == "public"
        zwgk_rules.Engin()
        zwgk_rules.Submission(channel="email", submitted_on=dt.date(2026, 1, 5))
    """), encoding="utf-8")
    r = mypy("wrong.py", cwd=tmp_path, tmp_path=tmp_path)
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        'wrong.py:5: error: Incompatible types in assignment (expression has type "str", variable has type "int")  '
        '[assignment]',
        'wrong.py:6: error: Incompatible types in assignment (expression has type "date | None", variable has type '
        '"date")  [assignment]',
        'wrong.py:8: error: Non-overlapping equality check (left operand type: "Literal[\'proactive\', '
        '\'on_request\', \'not_public\']", right operand type: "Literal[\'public\']")  [comparison-overlap]',
        'wrong.py:9: error: Module has no attribute "Engin"; maybe "Engine"?  [attr-defined]',
        'wrong.py:10: error: Argument "channel" to "Submission" has incompatible type "Literal[\'email\']"; expected '
        '"Literal[\'in_person\', \'post\', \'ordinary_mail\', \'online\', \'fax\']"  [arg-type]',
    ]


def test_the_integrator_script_runs():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, str(INTEGRATOR)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("2026-0001: disclose · 期限 2026-10-30 · 须先 - · 依据 《中华人民共和国政府信息公开条例（2019年修订）》第十三条第一款")
    assert lines[2] == "错误 / error: submission.submitted_on: 缺少必填字段 (field required)"
    assert lines[3] == "proactive 2026-05-25 ['initial_review', 'second_review', 'secrecy_review', 'final_review']"
    assert lines[4] == "22 disposition codes"


@pytest.mark.parametrize("name", ["Category", "Channel", "Nature", "ApplicantKind", "Attribute", "DocType", "DocFlag"])
def test_each_vocabulary_is_one_literal_and_its_tuple(name):
    """The models' Literal types and the tuples the strategies and rule checks use are one definition."""
    import typing

    from zwgk_rules import _facts
    tuples = {"Category": "CATEGORIES", "Channel": "CHANNELS", "Nature": "NATURES", "ApplicantKind": "APPLICANT_KINDS",
              "Attribute": "ATTRIBUTES", "DocType": "DOC_TYPES", "DocFlag": "DOC_FLAGS"}
    assert typing.get_origin(getattr(_facts, name)) is typing.Literal
    assert typing.get_args(getattr(_facts, name)) == getattr(_facts, tuples[name])
    assert _facts.CHANNELS == ("in_person", "post", "ordinary_mail", "online", "fax")
