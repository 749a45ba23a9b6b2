"""The engine memoises a decision's *plan* (everything but its dates) on the facts it was read from.

These tests check that the memo can never give another request's answer: its key covers every input
field that a fact is derived from, the short cut for plain deadlines agrees with the general
computation, and a warm engine answers exactly like a cold one.
"""
import copy
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zwgk_rules
from zwgk_rules import DisclosureRequest
from zwgk_rules._facts import ITEM_FACTS, ITEM_KEY_FIELDS, REQUEST_FACTS, REQUEST_KEY_FIELDS, item_key, request_key
from zwgk_rules._models import Item
from strategies import requests

# fields the engine reads itself, outside the memo key (dates, consultations…) or that are not facts
ITEM_NOT_FACTS = {"description"}
ITEM_KEYED_SEPARATELY = {"responsible_agency", "third_party"}
REQUEST_OUTSIDE_KEY = {"id", "jurisdiction", "submission", "correction", "consultations", "extension", "as_of",
                       "items"}
REQUEST_KEYED_SEPARATELY = {"applicant", "excessive"}


def test_the_item_key_covers_every_item_field_but_the_free_text_description():
    assert set(Item.model_fields) == set(ITEM_KEY_FIELDS) | ITEM_KEYED_SEPARATELY | ITEM_NOT_FACTS


def test_the_request_key_covers_every_request_level_fact_field():
    assert set(DisclosureRequest.model_fields) == (set(REQUEST_KEY_FIELDS) | REQUEST_KEYED_SEPARATELY
                                                   | REQUEST_OUTSIDE_KEY)


def test_items_that_differ_in_one_fact_have_different_keys():
    base = {"categories": ["trade_secret"], "third_party": {"consent": True}}
    variants = [{"exists": False}, {"held": False}, {"responsible_agency": "某局"}, {"proactively_published": True},
                {"requires_creation": True}, {"special_procedure": True}, {"categories": ["personal_privacy"]},
                {"third_party": {"consent": False}}, {"third_party": {"consent": True, "public_interest_override": True}},
                {"third_party": None}, {"disclosure_required_by_law": True}, {"severable": True}]
    assert len(variants) == len(ITEM_FACTS) + 1      # one per fact, and third_party absent
    keys = {item_key(Item.model_validate({**base, **v})) for v in variants}
    keys.add(item_key(Item.model_validate(base)))
    assert len(keys) == len(variants) + 1
    assert item_key(Item.model_validate({**base, "description": "另一段描述"})) == item_key(Item.model_validate(base))


def test_requests_that_differ_in_one_request_fact_have_different_keys():
    base = {"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{}]}
    variants = [{"nature": "petition"}, {"content_clear": False}, {"repeat_of_answered": True},
                {"applicant": {"kind": "enterprise"}}, {"excessive": {"reason_reasonable": False}},
                {"excessive": {"reason_reasonable": True}}]
    assert len(REQUEST_FACTS) == 6
    keys = {request_key(DisclosureRequest.model_validate({**base, **v}).__dict__, "none") for v in variants}
    keys.add(request_key(DisclosureRequest.model_validate(base).__dict__, "none"))
    keys.add(request_key(DisclosureRequest.model_validate(base).__dict__, "awaiting"))
    assert len(keys) == len(variants) + 2


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests())
def test_the_short_cut_for_plain_deadlines_agrees_with_the_general_computation(engine, req):
    plain = engine.decide_raw(req)                     # may take the short cut
    full = engine.decide_raw(req, explain=True)        # never does
    full = copy.deepcopy(full)
    del full["deadline"]["explain"]
    assert plain == full


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(requests(), min_size=2, max_size=12), st.lists(requests(old_regime=True), max_size=3))
def test_a_warm_engine_answers_like_a_cold_one(engine, reqs, old):
    """``engine`` (shared, its memo full of earlier answers) against a new engine per request."""
    for r in reqs + old:
        assert engine.decide_raw(r) == zwgk_rules.Engine().decide_raw(r)


def test_the_durable_backend_is_not_memoised():
    """Every request must really go through the backend under test (tests/test_durable_backend.py)."""
    pytest.importorskip("durable")
    req = {"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{}]}
    du = zwgk_rules.Engine(backend="durable")
    calls = []
    evaluate = du._oracle.evaluate
    du._eval = lambda table, facts: calls.append(table.name) or evaluate(table, facts)
    du.decide_raw(req)
    first = len(calls)
    du.decide_raw(req)
    assert first > 0 and len(calls) == 2 * first


PACKS = ["cn-nx-zhongwei-sfj", "cn-yn-longling-sfj", "cn-gx-hengxian-sfj", "cn-gz-shaomi"]


@pytest.mark.parametrize("pack", PACKS)
@settings(max_examples=25, deadline=None)
@given(reqs=st.lists(requests(), min_size=3, max_size=10), old=st.lists(requests(old_regime=True), max_size=3))
def test_a_warm_pack_engine_answers_like_a_cold_one(pack, reqs, old):
    """Pack rules carry their own dates (a plan holds only within one date segment) and packs have their
    own calendars: a pack engine that has answered many requests must answer each like a new one."""
    warm = _warm_engines.setdefault(pack, zwgk_rules.Engine(pack))
    for r in reqs + old:
        r = {**r, "jurisdiction": pack}
        assert warm.decide_raw(r) == zwgk_rules.Engine(pack).decide_raw(r)


_warm_engines: dict = {}


def test_a_plan_holds_only_within_the_date_segment_of_its_rules(tmp_path):
    """A rule with its own effective date cuts its table into date segments; the memo key carries the
    segment of the receipt date, so the same facts on either side of the cut get each side's answer."""
    import shutil
    import yaml
    example = Path(__file__).resolve().parents[1] / "examples" / "packs" / "cn-xx-shili-sfj"
    dst = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(example, dst)
    doc = yaml.safe_load((dst / "pack.yaml").read_text(encoding="utf-8"))
    doc["rules"].append({      # synthetic: from 2024-01-01, internal-affairs information is withheld under art. 14
        "table": "ogi-2019.exemption", "id": "sl.test.dated", "title": "（测试用）自2024年1月1日起的规则",
        "when": {"categories": {"has": "internal_affairs"}}, "then": {"value": "withhold.prohibited_by_law"},
        "basis": ["cn-xx-shili-sfj:5:p1"], "in_force": {"from": "2024-01-01"}})
    (dst / "pack.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    rb = zwgk_rules.Rulebook(packs=[dst])
    warm = zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=rb)
    assert warm._cuts["ogi-2019"] == (dt.date(2024, 1, 1),)

    def req(day):
        return {"jurisdiction": "cn-xx-shili-sfj", "submission": {"channel": "in_person", "submitted_on": day},
                "items": [{"categories": ["internal_affairs"]}]}

    answers = [warm.decide_raw(req(day))["disposition"]
               for day in ("2023-12-29", "2024-01-02", "2023-12-28", "2024-01-03")]
    assert answers == ["withhold.internal_affairs", "withhold.prohibited_by_law"] * 2
    for day in ("2023-12-29", "2024-01-02"):
        assert warm.decide_raw(req(day)) == zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=rb).decide_raw(req(day))
