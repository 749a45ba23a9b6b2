import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis profiles. "ci" (the default) draws the same examples on every run, so a red run is
# reproducible on any machine and a fresh clone lands or fails for a reason; "explore" draws new
# examples each run to look for new counter-examples: HYPOTHESIS_PROFILE=explore sh scripts/test.sh
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "acceptance"


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory):
    """The wheel of this checkout, built once per session (tests/test_wheel.py, tests/test_install.py)."""
    dist = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return next(dist.glob("zwgk_rules-*.whl"))


@pytest.fixture(scope="session")
def engine():
    import zwgk_rules
    return zwgk_rules.Engine()


def named_cases():
    """Every literal case, as ``(where, case)``: tests/cases/*.yaml (``where`` = the file's stem) and each
    bundled pack's own cases, rules/packs/<id>/cases.yaml (``where`` = the pack id)."""
    import yaml
    from zwgk_rules.testing.cases import pack_cases
    out = []
    for f in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        out += [(f.stem, case) for case in yaml.safe_load(f.read_text(encoding="utf-8"))]
    return out + pack_cases()


def acceptance_cases(command=None):
    folder = SHARED / "cases"
    if not folder.is_dir():
        return []
    out = []
    for f in sorted(folder.glob("*.json")):
        case = json.loads(f.read_text(encoding="utf-8"))
        case.setdefault("id", f.stem)
        if command and case["command"] != command:
            continue
        out.append(case)
    return out
