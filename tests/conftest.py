import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "acceptance"


@pytest.fixture(scope="session")
def engine():
    import zwgk_rules
    return zwgk_rules.Engine()


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
