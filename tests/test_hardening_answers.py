"""Issue 8, point 2: every answer a caller receives is its own. The engine memoises parts of its
answers (plans, item answers, citations); whatever one caller does to the answer it got, the next
caller's answer is unchanged (either the change is refused, or it stays in the first caller's copy)."""
import copy
import json
import pickle

import pytest

import zwgk_rules

REQUESTS = [
    {"submission": {"channel": "in_person", "submitted_on": "2026-03-02"},
     "items": [{"description": "a"}, {"categories": ["trade_secret"], "third_party": {"consent": False},
                                      "severable": True}]},
    {"submission": {"channel": "in_person", "submitted_on": "2026-03-03"}, "nature": "petition"},
    {"submission": {"channel": "in_person", "submitted_on": "2026-03-04"}, "items": [{"categories": ["state_secret"]}]},
]
DOCUMENT = {"doc_type": "通知", "title": "x", "formed_on": "2026-04-30",
            "flags": ["public_interest", "ethnic_religious", "secrecy_uncertain"]}
MESSAGE = {"jurisdiction": "cn-gz-shaomi", "kind": "policy_question", "received_on": "2026-03-02"}


def _vandalise(obj):
    """Try every in-place change on every container reachable from ``obj``; refusals are fine."""
    refused = (TypeError, AttributeError, ValueError)
    if isinstance(obj, dict):
        for v in list(obj.values()):
            _vandalise(v)
        for k in list(obj):
            for change in (lambda: obj.__setitem__(k, "vandalised"), lambda: obj.pop(k), lambda: obj.clear(),
                           lambda: obj.update({k: 0}), lambda: obj.setdefault("new", 1)):
                try:
                    change()
                except refused:
                    pass
    elif isinstance(obj, list):
        for v in list(obj):
            _vandalise(v)
        for change in (lambda: obj.append("vandalised"), lambda: obj.sort(key=str), lambda: obj.clear()):
            try:
                change()
            except refused:
                pass
    elif hasattr(obj, "__pydantic_fields__"):
        for name in obj.__pydantic_fields__:
            value = getattr(obj, name)
            _vandalise(value)
            try:
                setattr(obj, name, "vandalised")
            except refused:
                pass
    elif isinstance(obj, tuple):
        for v in obj:
            _vandalise(v)


def _json(x):
    if hasattr(x, "model_dump"):
        return x.model_dump(mode="json")
    return json.loads(json.dumps(x, default=str))


@pytest.mark.parametrize("method", ["decide_raw", "decide"])
def test_changing_a_decision_does_not_change_the_next_one(method):
    engine = zwgk_rules.Engine()
    fresh = zwgk_rules.Engine(rulebook=engine.rulebook)
    for req in REQUESTS:
        expected = _json(getattr(fresh, method)(req))
        for _ in range(3):
            answer = getattr(engine, method)(req)
            _vandalise(answer)
        assert _json(getattr(engine, method)(req)) == expected


@pytest.mark.parametrize("method,pack,inp", [("classify_raw", "cn", DOCUMENT), ("classify", "cn", DOCUMENT),
                                             ("interact_raw", "cn-gz-shaomi", MESSAGE),
                                             ("interact", "cn-gz-shaomi", MESSAGE)])
def test_changing_a_classification_or_routing_does_not_change_the_next_one(method, pack, inp):
    engine = zwgk_rules.Engine(pack)
    fresh = zwgk_rules.Engine(pack, rulebook=engine.rulebook)
    inp = {**inp, "jurisdiction": pack}
    expected = _json(getattr(fresh, method)(inp))
    for _ in range(3):
        _vandalise(getattr(engine, method)(inp))
    assert _json(getattr(engine, method)(inp)) == expected


def test_read_only_parts_still_serialise_copy_and_pickle():
    engine = zwgk_rules.Engine()
    raw = engine.decide_raw(REQUESTS[0])
    text = json.dumps(raw, default=str, ensure_ascii=False)
    assert json.loads(text)["items"][1]["disposition"] == "partial"
    assert pickle.loads(pickle.dumps(raw)) == raw
    clone = copy.deepcopy(raw)
    assert clone == raw
    mine = json.loads(text)                     # a caller who wants to edit takes a plain copy
    mine["items"][0]["basis"].append("note")
    assert engine.decide_raw(REQUESTS[0]) == raw
