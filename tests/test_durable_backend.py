"""Differential tests: the durable_rules backend must decide exactly as the default Python backend.

Hosts are expensive and never fully freed, so the module builds ONE durable engine (module-scoped
fixture); the isolation test builds two more oracles and closes them.
"""
import datetime as dt
import json
import random
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("durable")

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

import zwgk_rules  # noqa: E402
from zwgk_rules import ZwgkError  # noqa: E402
from zwgk_rules._durable import (DurableOracle, DurableTranslationError, DurableUnavailableError,  # noqa: E402
                                 table_domains)
from zwgk_rules._facts import CATEGORIES, ITEM_FACTS, REQUEST_FACTS  # noqa: E402
from zwgk_rules._schema import TableFile  # noqa: E402
from zwgk_rules._tables import CompiledTable  # noqa: E402

CASES = Path(__file__).resolve().parents[2] / "shared" / "acceptance" / "cases"
CHANNELS = ("in_person", "post", "ordinary_mail", "online", "fax")
NATURES = ("information", "information", "information", "petition", "publication", "reconfirm")
ITEM_BOOLS = ("exists", "held", "proactively_published", "requires_creation", "special_procedure",
              "disclosure_required_by_law", "severable")
OLD_LO, NEW_LO, HI = dt.date(2008, 5, 1), dt.date(2019, 5, 15), dt.date(2026, 10, 31)


@pytest.fixture(scope="module")
def python_engine():
    return zwgk_rules.Engine("cn")


@pytest.fixture(scope="module")
def durable_engine(python_engine):
    eng = zwgk_rules.Engine("cn", rulebook=python_engine.rulebook, backend="durable")
    assert eng._oracle is not None and eng._eval == eng._oracle.evaluate
    return eng


def outcome(engine, request):
    """The decision dict, or (error type, field) for a request the engine refuses."""
    try:
        return engine.decide_raw(request)
    except ZwgkError as exc:
        return ("error", type(exc).__name__, exc.field)


# ------------------------------------------------------------------ (a) acceptance cases
def _decide_cases():
    out = []
    for f in sorted(CASES.glob("*.json")):
        case = json.loads(f.read_text(encoding="utf-8"))
        if case.get("command") == "decide" and not case.get("expect", {}).get("error"):
            out.append(pytest.param(case, id=case.get("id", f.stem)))
    return out


@pytest.mark.skipif(not CASES.is_dir(), reason="acceptance cases not present")
@pytest.mark.parametrize("case", _decide_cases())
def test_acceptance_cases_identical(case, python_engine, durable_engine):
    expected = python_engine.decide_raw(case["input"])
    assert durable_engine.decide_raw(case["input"]) == expected


# ------------------------------------------------------------------ (b) generated requests
class _Draw:
    """The request generator below draws through this, from hypothesis or from random.Random."""

    def __init__(self, draw=None, rng=None):
        self._draw, self._rng = draw, rng

    def bool(self):
        return self._draw(st.booleans()) if self._draw else self._rng.random() < 0.5

    def int(self, lo, hi):
        return self._draw(st.integers(lo, hi)) if self._draw else self._rng.randint(lo, hi)

    def choice(self, seq):
        return self._draw(st.sampled_from(seq)) if self._draw else self._rng.choice(seq)

    def subset(self, seq):
        if self._draw:
            return self._draw(st.lists(st.sampled_from(seq), unique=True, max_size=len(seq)))
        return self._rng.sample(seq, self._rng.randint(0, len(seq)))

    def date(self, lo, hi):
        if self._draw:
            return self._draw(st.dates(min_value=lo, max_value=hi))
        return lo + dt.timedelta(days=self._rng.randint(0, (hi - lo).days))


def make_request(d: _Draw) -> dict:
    channel = d.choice(CHANNELS)
    # about one request in five falls under the 2008 regulation
    sub_on = d.date(OLD_LO, NEW_LO - dt.timedelta(days=1)) if d.int(0, 4) == 0 else d.date(NEW_LO, HI)
    sub = {"channel": channel, "submitted_on": sub_on.isoformat()}
    lag = dt.timedelta(days=d.int(0, 7))
    if channel == "post":
        sub["signed_on"] = (sub_on + lag).isoformat()
    elif channel != "in_person":
        sub["confirmed_on"] = (sub_on + lag).isoformat()
    items = []
    for _ in range(d.int(1, 3)):
        it = {k: d.bool() for k in ITEM_BOOLS}
        it["categories"] = d.subset(list(CATEGORIES))
        if d.bool():
            it["third_party"] = {"consent": d.choice([True, False, "no_reply"]),
                                 "public_interest_override": d.bool()}
        if d.int(0, 3) == 0:
            it["responsible_agency"] = "某局"
        items.append(it)
    excessive = None if d.int(0, 3) else {"reason_reasonable": d.bool()}
    return {"submission": sub, "nature": d.choice(NATURES), "content_clear": d.int(0, 4) != 0,
            "repeat_of_answered": d.int(0, 4) == 0, "excessive": excessive, "items": items}


@st.composite
def requests(draw):
    return make_request(_Draw(draw=draw))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_generated_requests_identical(python_engine, durable_engine, request):
    expected = outcome(python_engine, request)
    assert outcome(durable_engine, request) == expected


def test_generator_reaches_both_regimes_and_errors(python_engine):
    rng = random.Random(7)
    seen = set()
    for _ in range(400):
        o = outcome(python_engine, make_request(_Draw(rng=rng)))
        seen.add(o[1] if isinstance(o, tuple) else o["regime"])
    assert {"ogi-2019", "ogi-2008", "UnsupportedInputError"} <= seen


# ------------------------------------------------------------------ every table, every fact combination
def _facts_strategy(fields):
    parts = {}
    for name, ft in fields.items():
        if ft.kind == "set":
            parts[name] = st.frozensets(st.sampled_from(ft.values))
        else:
            parts[name] = st.sampled_from(ft.values)
    return st.fixed_dictionaries(parts)


def _table_result(fn):
    try:
        r = fn()
    except ZwgkError as exc:
        return ("error", type(exc).__name__, str(exc))
    return (r.value, r.rule_ids, r.basis, r.actions, r.cite, r.unsupported, r.defeated)


def test_every_table_every_rule_matches_python(python_engine, durable_engine):
    oracle = durable_engine._oracle
    rng = random.Random(11)
    for _regime, table, fields in table_domains(python_engine.rulebook):
        strat_fields = {k: v for k, v in fields.items()}
        for _ in range(300):
            facts = {}
            for name, ft in strat_fields.items():
                if ft.kind == "set":
                    facts[name] = frozenset(v for v in ft.values if rng.random() < 0.3)
                else:
                    facts[name] = rng.choice(ft.values)
            want = [c(facts) for c in table._conds]
            assert oracle.matches(table, facts) == want, (table.name, facts)
            assert _table_result(lambda: oracle.evaluate(table, facts)) == \
                _table_result(lambda: table._evaluate(facts))


# ------------------------------------------------------------------ negations (not used by today's rules)
_SYNTH_WHENS = [
    {"not": {"exists": True}},
    {"third_party.consent": {"not_in": [None, "no_reply"]}},
    {"third_party.consent": {"in": [None, False]}},
    {"not": {"third_party.consent": {"in": [True, "no_reply"]}}},
    {"categories": {"has_none": ["state_secret", "trade_secret"]}},
    {"categories": {"has_all": ["state_secret", "trade_secret"]}},
    {"not": {"categories": {"has_all": ["state_secret", "trade_secret"]}}},
    {"not": {"categories": {"has_none": ["internal_affairs"]}}},
    {"not": {"categories": {"has_any": ["internal_affairs", "enforcement_file"]}}},
    {"not": {"categories": {"has": "process_information"}}},
    {"not": {"any": [{"held": False}, {"all": [{"exists": True}, {"severable": {"not_in": [False]}}]}]}},
    {"any": [{"not": {"held": True, "exists": False}}, {"categories": {"has_none": ["state_secret"]}}]},
    {"not": {"not": {"third_party.public_interest_override": True}}},
    {"third_party.consent": {"in": []}},
    {"not": {"third_party.consent": {"in": []}}},
    {"categories": {"has_any": []}},
    {"not": {"all": [{"categories": {"has_all": []}}, {"categories": {"has_none": []}}]}},
    {"not": {"third_party.consent": {"not_in": [None, True, False, "no_reply"]}}},
]


@pytest.fixture(scope="module")
def synthetic(python_engine):
    spec = TableFile.model_validate({
        "table": "synthetic", "title": "t", "scope": "item", "regime": "ogi-2019",
        "in_force": {"from": "2019-05-15"}, "outputs": ["x"],
        "rules": [{"id": f"s{n}", "title": "t", "when": w, "then": {"value": "x"}, "basis": ["ogi-2019:13"]}
                  for n, w in enumerate(_SYNTH_WHENS)]})
    table = CompiledTable(spec, "synthetic.yaml", ITEM_FACTS, {}, python_engine.rulebook.statutes)
    oracle = DurableOracle(tables=[("synthetic", table, ITEM_FACTS)])
    yield table, oracle
    oracle.close()


@settings(max_examples=300, deadline=None)
@given(facts=_facts_strategy(ITEM_FACTS))
def test_negations_translate_to_positive_tests(synthetic, facts):
    table, oracle = synthetic
    assert oracle.matches(table, facts) == [c(facts) for c in table._conds]


def test_untranslatable_condition_fails_at_construction(python_engine):
    spec = TableFile.model_validate({
        "table": "bad", "title": "t", "scope": "request", "regime": "ogi-2019",
        "in_force": {"from": "2019-05-15"}, "outputs": ["x"],
        "rules": [{"id": "b0", "title": "t", "when": {"nature": "petition"}, "then": {"value": "x"},
                   "basis": ["ogi-2019:13"]}]})
    table = CompiledTable(spec, "bad.yaml", REQUEST_FACTS, {}, python_engine.rulebook.statutes)
    from zwgk_rules._facts import FieldType
    odd = dict(REQUEST_FACTS, nature=FieldType("scalar", ("petition", 1.5)))
    with pytest.raises(DurableTranslationError):
        DurableOracle(tables=[("bad", table, odd)])
    with pytest.raises(DurableTranslationError):
        DurableOracle(tables=[("bad", table, {})])


# ------------------------------------------------------------------ (c) isolation
def test_two_oracles_in_one_process(python_engine, durable_engine):
    rb = python_engine.rulebook
    a, b = DurableOracle(rb), DurableOracle(rb)        # same ruleset names, separate Hosts
    try:
        rng = random.Random(3)
        for _ in range(100):
            req = make_request(_Draw(rng=rng))
            for regime, table, fields in table_domains(rb):
                facts = {k: (frozenset(v for v in ft.values if rng.random() < 0.3) if ft.kind == "set"
                             else rng.choice(ft.values)) for k, ft in fields.items()}
                want = _table_result(lambda: table._evaluate(facts))
                assert _table_result(lambda: a.evaluate(table, facts)) == want
                assert _table_result(lambda: b.evaluate(table, facts)) == want
            assert outcome(durable_engine, req) == outcome(python_engine, req)
        a.close()
        with pytest.raises(ZwgkError):
            a.evaluate(rb.regimes[0].request_table, {})
        # closing one oracle leaves the others working
        req = make_request(_Draw(rng=rng))
        assert outcome(durable_engine, req) == outcome(python_engine, req)
        t = rb.regimes[-1].request_table
        facts = {k: ft.values[0] for k, ft in REQUEST_FACTS.items()}
        assert _table_result(lambda: b.evaluate(t, facts)) == _table_result(lambda: t._evaluate(facts))
    finally:
        a.close()
        b.close()


def test_foreign_table_is_refused(durable_engine, synthetic):
    table, _oracle = synthetic
    with pytest.raises(ZwgkError):
        durable_engine._oracle.evaluate(table, {})


# ------------------------------------------------------------------ (d) threads
def test_threads_agree_with_python(python_engine, durable_engine):
    batches = []
    for seed in range(4):
        rng = random.Random(100 + seed)
        reqs = [make_request(_Draw(rng=rng)) for _ in range(200)]
        batches.append((reqs, [outcome(python_engine, r) for r in reqs]))
    barrier = threading.Barrier(4)
    mismatches, errors = [], []

    def work(reqs, expected):
        try:
            barrier.wait()
            for r, e in zip(reqs, expected):
                if outcome(durable_engine, r) != e:
                    mismatches.append(r)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=work, args=b) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert not mismatches


# ------------------------------------------------------------------ import guard
def test_missing_durable_gives_clear_error(monkeypatch, python_engine):
    monkeypatch.setitem(sys.modules, "durable.engine", None)
    with pytest.raises(DurableUnavailableError) as info:
        zwgk_rules.Engine("cn", rulebook=python_engine.rulebook, backend="durable")
    assert isinstance(info.value, ImportError) and isinstance(info.value, ZwgkError)
    assert "zwgk-rules[durable]" in str(info.value) and "需要安装" in str(info.value)


def test_python_backend_unchanged(python_engine):
    assert python_engine._oracle is None
    assert python_engine._eval is CompiledTable.evaluate


# regression: a mixed `in` list (null/bool and strings) once compared strings by identity
def test_mixed_in_list_compares_strings_by_value(python_engine):
    spec = TableFile.model_validate({
        "table": "mixed", "title": "t", "scope": "item", "regime": "ogi-2019",
        "in_force": {"from": "2019-05-15"}, "outputs": ["x"],
        "rules": [{"id": "m0", "title": "t", "when": {"third_party.consent": {"in": [None, "no_reply"]}},
                   "then": {"value": "x"}, "basis": ["ogi-2019:13"]}]})
    table = CompiledTable(spec, "mixed.yaml", ITEM_FACTS, {}, python_engine.rulebook.statutes)
    oracle = DurableOracle(tables=[("mixed", table, ITEM_FACTS)])
    try:
        facts = {k: (frozenset() if ft.kind == "set" else ft.values[0]) for k, ft in ITEM_FACTS.items()}
        facts["third_party.consent"] = "".join(["no_", "reply"])     # a fresh string, as parsed from input
        assert oracle.matches(table, facts) == [True]
        assert [c(facts) for c in table._conds] == [True]
    finally:
        oracle.close()


def test_classify_is_identical_on_both_backends(python_engine, durable_engine):
    from zwgk_rules._facts import DOC_FLAGS, DOC_TYPES
    rng = random.Random(5)
    # both regulations (the classify tables hold the rules of each, dated) and the days around the change
    days = ["2008-05-01", "2015-03-02", "2019-05-14", "2019-05-15", "2026-03-02"]
    for _ in range(400):
        doc = {"doc_type": rng.choice(DOC_TYPES), "title": "某文件", "formed_on": rng.choice(days),
               "addressed_to_superior": rng.random() < 0.2,
               "flags": rng.sample(DOC_FLAGS, rng.randrange(4))}
        if rng.random() < 0.3:
            doc["forwards"] = {"attribute": rng.choice([None, "proactive", "on_request", "not_public"])}
        assert durable_engine.classify_raw(doc) == python_engine.classify_raw(doc), doc


def test_every_pack_decides_and_classifies_identically_on_both_backends(python_engine):
    from zwgk_rules._facts import DOC_FLAGS, DOC_TYPES
    rb = python_engine.rulebook
    rng = random.Random(9)
    for pid in sorted(p for p in rb.packs if p != "cn"):
        py = zwgk_rules.Engine(pid, rulebook=rb)
        du = zwgk_rules.Engine(pid, rulebook=rb, backend="durable")
        for _ in range(60):
            day = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(5400))
            req = {"jurisdiction": pid, "submission": {"channel": "in_person", "submitted_on": day.isoformat()},
                   "items": [{"categories": rng.sample(["state_secret", "trade_secret", "personal_privacy",
                                                        "endangers_security"], rng.randrange(3)),
                              "severable": rng.random() < 0.3,
                              "third_party": rng.choice([None, {"consent": rng.choice([True, False, "no_reply"])}])}]}
            assert du.decide_raw(req) == py.decide_raw(req), req
            doc = {"jurisdiction": pid, "doc_type": rng.choice(DOC_TYPES), "title": "某文件",
                   "formed_on": (OLD_LO + dt.timedelta(days=rng.randrange((HI - OLD_LO).days))).isoformat(),
                   "issued_as": rng.choice(["agency", "office"]),
                   "flags": rng.sample(DOC_FLAGS, rng.randrange(4))}
            assert du.classify_raw(doc) == py.classify_raw(doc), doc


def test_an_oracle_never_closed_calls_nothing_in_durable_rules_when_collected(python_engine, monkeypatch):
    """Freeing an un-closed oracle's rulesets when the garbage collector found it crashed the suite twice (inside a
    collection pass, then in ``delete_state`` when deferred): such an oracle now calls nothing in durable_rules;
    ``close()`` frees (checked here through ``_free``)."""
    import functools
    import gc
    import zwgk_rules._durable as D
    freed = []
    monkeypatch.setattr(D, "_free", lambda core, host, names: freed.append(names))
    oracle = DurableOracle(python_engine.rulebook)
    t = python_engine.rulebook.regimes[-1].request_table
    facts = {k: ft.values[0] for k, ft in REQUEST_FACTS.items()}
    evaluate = functools.partial(oracle.evaluate, t, facts)
    assert _table_result(evaluate) == _table_result(lambda: t._evaluate(facts))
    names = oracle._names
    del oracle, evaluate
    gc.collect()
    assert freed == []
    other = DurableOracle(python_engine.rulebook)
    try:
        assert _table_result(lambda: other.evaluate(t, facts)) == _table_result(lambda: t._evaluate(facts))
    finally:
        other.close()
    assert freed == [names]
