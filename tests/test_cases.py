"""Runs every YAML case under tests/cases/ (sentence-named, literal expectations) and every
shared acceptance case of `decide` through the Python API."""
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

import zwgk_rules
from expect import check
from conftest import acceptance_cases

HERE = Path(__file__).parent / "cases"


def _jsonable(o):
    if isinstance(o, dict):
        return {k: _jsonable(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_jsonable(v) for v in o]
    if isinstance(o, dt.date):
        return o.isoformat()
    return o


def _load():
    out = []
    for f in sorted(HERE.glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{f.stem}:{case['name']}"))
    return out


CASES = _load()


def answer(engine, inp):
    try:
        return json.loads(json.dumps(engine.decide_raw(_jsonable(inp)), default=lambda d: d.isoformat()))
    except zwgk_rules.ZwgkError as exc:
        return {"error": {"message": exc.message, "field": exc.field}}


@pytest.mark.parametrize("case", CASES)
def test_case(engine, case):
    problems = check(answer(engine, case["input"]), case["expect"])
    assert not problems, problems


@pytest.mark.parametrize("case", acceptance_cases("decide"), ids=lambda c: c["id"])
def test_acceptance_decide(engine, case):
    if case["input"].get("jurisdiction", "cn") != "cn":
        pytest.skip("local packs: issue 3")
    exp = dict(case["expect"])
    if exp.get("error"):
        exp.pop("error_mentions", None)
    problems = check(answer(engine, case["input"]), exp)
    assert not problems, problems


def test_every_rule_is_exercised_by_a_named_case():
    """Each rule id of the national rules appears in some case's `rules:` list or trace."""
    named = set()
    for p in CASES:
        named.update(p.values[0].get("rules") or [])
    rb = zwgk_rules.Rulebook()
    eng = zwgk_rules.Engine(rulebook=rb)
    for p in CASES:
        a = answer(eng, p.values[0]["input"])
        named.update(a.get("trace") or [])
    missing = sorted(r.id for _, t in rb.tables() for r in t.rules
                     if r.id not in named and r.unsupported is None)
    assert not missing, f"rules without a case: {missing}"
