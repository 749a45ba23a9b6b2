"""Issue 8, point 4: every input size has a limit answered by one error naming the field, and the speed
layer's memory is bounded: distinct large requests leave nothing large behind."""
import gc
import json
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

import zwgk_rules
from zwgk_rules._limits import MAX_CODE, MAX_CONSULTATIONS, MAX_ID, MAX_ITEMS, MAX_TEXT

OK = {"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{"description": "x"}]}


@pytest.mark.parametrize("bad,field", [
    ({**OK, "items": [{}] * (MAX_ITEMS + 1)}, "items"),
    ({**OK, "consultations": [{"party": "agency", "sent_on": "2026-03-03"}] * (MAX_CONSULTATIONS + 1)},
     "consultations"),
    ({**OK, "items": [{"description": "字" * (MAX_TEXT + 1)}]}, "items.0.description"),
    ({**OK, "id": "i" * (MAX_ID + 1)}, "id"),
    ({**OK, "jurisdiction": "j" * (50 * 1024 * 1024)}, "jurisdiction"),
    ({**OK, "nature": "n" * (50 * 1024 * 1024)}, "nature"),
])
def test_each_limit_is_one_error_naming_the_field(engine, bad, field):
    with pytest.raises(zwgk_rules.InputError) as info:
        engine.decide(bad)
    assert info.value.field == field
    assert len(info.value.message) < 400            # a 50 MB value is not echoed back


def test_inputs_at_the_limits_are_decided(engine):
    req = {**OK, "id": "i" * MAX_ID, "items": [{"description": "字" * MAX_TEXT}] * MAX_ITEMS}
    d = engine.decide(req)
    assert d.disposition == "disclose" and len(d.items) == MAX_ITEMS
    assert engine.rulebook.pack("cn").id == "cn"
    with pytest.raises(zwgk_rules.InputError):
        zwgk_rules.Engine("x" * (MAX_CODE * 1000))


def _nested(depth):
    deep = []
    for _ in range(depth):
        deep = [deep]
    return deep


@pytest.mark.parametrize("where", ["extra", "id", "nature", "items", "categories", "whole"])
def test_deep_nesting_is_an_error_and_the_batch_goes_on(engine, where):
    deep = _nested(100_000)
    bad = {"extra": {**OK, "foo": deep}, "id": {**OK, "id": deep}, "nature": {**OK, "nature": deep},
           "items": {**OK, "items": deep}, "categories": {**OK, "items": [{"categories": deep}]},
           "whole": deep}[where]
    out = list(engine.decide_many([bad, OK]))
    assert isinstance(out[0], zwgk_rules.InputError)
    assert isinstance(out[1], zwgk_rules.Decision)


_json = hs.recursive(hs.none() | hs.booleans() | hs.integers() | hs.floats(allow_nan=False) | hs.text(max_size=20),
                     lambda inner: hs.lists(inner, max_size=4) | hs.dictionaries(hs.text(max_size=12), inner,
                                                                                 max_size=4), max_leaves=20)
_fields = hs.sampled_from(["id", "jurisdiction", "submission", "applicant", "nature", "content_clear", "correction",
                           "repeat_of_answered", "excessive", "consultations", "extension", "as_of", "items"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hs.dictionaries(_fields, _json, max_size=5) | _json)
def test_any_json_value_gets_a_decision_or_one_input_error(engine, value):
    for candidate in (value, {**OK, **value} if isinstance(value, dict) else value):
        try:
            engine.decide(candidate)
        except zwgk_rules.ZwgkError as exc:
            assert exc.message


def _retained(fn):
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    fn()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before


def _large_requests(n, items, start=0):
    """Distinct requests: each item's facts are drawn at random, so no two requests share a fact pattern."""
    import random
    for i in range(start, start + n):
        rnd = random.Random(i)
        yield {**OK, "id": str(i), "submission": {"channel": "in_person", "submitted_on": f"2026-03-{1 + i % 28:02d}"},
               "items": [{"description": f"{i}-{k}", "categories": rnd.choice([[], [], ["personal_privacy"]]),
                          "severable": rnd.random() < 0.5, "exists": rnd.random() < 0.9} for k in range(items)]}


def _growth(decide_one, make):
    """Bytes kept after 10 and after 40 distinct requests of 1,000 items: with bounded memos the second
    figure is no larger than the first (what is kept is at most the last request's)."""
    decide_one(make(1, 1000, start=10_000)[0])
    few = _retained(lambda: [decide_one(r) for r in make(10, 1000, start=0)])
    many = _retained(lambda: [decide_one(r) for r in make(40, 1000, start=100)])
    return few, many


def test_distinct_large_requests_leave_nothing_large_behind():
    engine = zwgk_rules.Engine()

    def one(req):
        engine.decide_raw(req)
        engine.decide(req)

    few, many = _growth(one, lambda n, items, start: list(_large_requests(n, items, start)))
    assert many - few < 512 * 1024, f"kept {few:,} bytes after 10 requests of 1,000 items, {many:,} after 40"


def test_the_command_line_encoder_keeps_nothing_large_either():
    from zwgk_rules._cli import _Decider
    d = _Decider()

    def one(line):
        data, bad = d.line(line)
        assert not bad

    few, many = _growth(one, lambda n, items, start: [json.dumps(r).encode() for r in _large_requests(n, items, start)])
    assert many - few < 512 * 1024, f"kept {few:,} bytes after 10 requests of 1,000 items, {many:,} after 40"
