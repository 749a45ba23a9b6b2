"""Runs every YAML case — under tests/cases/ and in each bundled pack's folder (rules/packs/<id>/cases.yaml) —
(sentence-named, literal expectations) and every shared acceptance case of `decide` through the Python API."""
import json

import pytest

import zwgk_rules
from zwgk_rules.testing.cases import answer as _answer, check
from conftest import acceptance_cases, named_cases


def _load():
    return [pytest.param(case, id=f"{where}:{case['name']}") for where, case in named_cases()]


CASES = _load()


def answer(engine, inp, command="decide"):
    return _answer(inp, command, engine=engine)


@pytest.mark.parametrize("case", CASES)
def test_case(engine, case):
    problems = check(answer(engine, case["input"], case.get("command", "decide")), case["expect"])
    assert not problems, problems


# Commands of the contract that are not built yet: their shared cases are expected to fail (strict, so
# that the day a command lands its cases must pass, and this list must shrink).
NOT_YET_BUILT: dict = {}


def _acceptance_params():
    out = []
    for c in acceptance_cases():
        marks = ()
        if c["command"] in NOT_YET_BUILT:
            marks = pytest.mark.xfail(strict=True, raises=(KeyError, AttributeError),
                                      reason=f"`{c['command']}` is not built yet ({NOT_YET_BUILT[c['command']]})")
        out.append(pytest.param(c, id=c["id"], marks=marks))
    return out


@pytest.mark.parametrize("case", _acceptance_params())
def test_acceptance_case(engine, case):
    exp = dict(case["expect"])
    mentions = exp.pop("error_mentions", None)
    if case["command"] == "report":           # one answer for a list of cases (CONTRACT.md `report`)
        got = _report_answer(engine, case["input"], case.get("args", []))
    else:
        got = answer(engine, case["input"], case["command"])
    problems = check(got, exp)
    if mentions and mentions not in json.dumps(got, ensure_ascii=False):
        problems.append(f"error does not mention {mentions!r}")
    assert not problems, problems


def _report_answer(engine, cases, args):
    from zwgk_rules._report import report
    from zwgk_rules.testing.cases import _jsonable
    year = int(args[args.index("--year") + 1])
    try:
        out = report(list(enumerate(cases, 1)), year, rulebook=engine.rulebook,
                     engine_for=lambda j: zwgk_rules.Engine(j, rulebook=engine.rulebook))
    except zwgk_rules.ZwgkError as exc:
        return {"error": {"message": exc.message, "field": exc.field}}
    return json.loads(json.dumps(_jsonable(out), default=str))


def _known_rule_ids(rb) -> set:
    """Every rule id the rulebook defines: table rules (national and every pack's), deadline steps and the
    rules behind warnings."""
    ids = {r.id for _, t in rb.tables() for r in t.rules} | {r.id for t in rb.classify.tables for r in t.rules}
    ids |= {r.id for p in rb.packs.values() if p.spec for r in p.spec.rules}
    for regime in rb.regimes:
        ids |= {s.id for s in regime.steps.values()} | {s.id for s in regime.warnings.values()}
    return ids


def test_every_rule_id_named_by_a_case_exists():
    """A case's ``rules:`` list names rules of the rulebook: a misspelt or invented id is an error, not
    decoration (two such ids once named rules that did not exist)."""
    known = _known_rule_ids(zwgk_rules.Rulebook())
    unknown = sorted({(p.id, r) for p in CASES for r in p.values[0].get("rules") or [] if r not in known})
    assert not unknown, unknown


def test_every_rule_is_exercised_by_a_named_case():
    """Each rule id of the national rules appears in some case's `rules:` list or trace."""
    named = set()
    for p in CASES:
        named.update(p.values[0].get("rules") or [])
    rb = zwgk_rules.Rulebook()
    eng = zwgk_rules.Engine(rulebook=rb)
    for p in CASES:
        a = answer(eng, p.values[0]["input"], p.values[0].get("command", "decide"))
        named.update(a.get("trace") or [])
    tables = [t for _, t in rb.tables()] + list(rb.classify.tables)
    missing = sorted(r.id for t in tables for r in t.rules if r.id not in named and r.unsupported is None)
    assert not missing, f"rules without a case: {missing}"
