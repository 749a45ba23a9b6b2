"""``zwgk test``: sentence-named YAML cases run against the rules, for legal staff (like ``openfisca test``).

Each path is a cases file or a pack folder (its ``cases.yaml``; the folder is loaded as a pack too).
``--pack DIR`` loads more packs. Every case prints one line, ✓ or ✗ with its name; a failing case lists,
under it, each expectation that was not met with what the answer gave. Exit status: 0 when every case
passes, 1 when one fails, 2 when a file or pack cannot be read.
"""
from __future__ import annotations

import sys
from pathlib import Path


def run_test(paths: list[str], packs: list[str], out=None) -> int:
    from ._rulebook import Rulebook
    from .testing.cases import load_cases, run_case
    out = out or sys.stdout
    folders = [p for p in paths if Path(p).is_dir() and (Path(p) / "pack.yaml").is_file()]
    rb = Rulebook(packs=[*packs, *(f for f in folders if f not in packs)])     # RuleFileError: exit 2 (caller)
    files = []
    for p in paths:
        if not Path(p).exists():
            raise FileNotFoundError(2, "not found", p)
        files.append((p, load_cases(p)))                                         # RuleFileError: exit 2
    passed = failed = 0
    for path, cases in files:
        out.write(f"{path}\n")
        for case in cases:
            problems = run_case(case, rulebook=rb)
            if problems:
                failed += 1
                out.write(f"  ✗ {case['name']}\n")
                for p in problems:
                    out.write(f"      {p}\n")
            else:
                passed += 1
                out.write(f"  ✓ {case['name']}\n")
    total = passed + failed
    out.write(f"{total} 个用例：{passed} 个通过，{failed} 个失败 / {total} cases: {passed} passed, {failed} failed\n")
    return 1 if failed else 0
