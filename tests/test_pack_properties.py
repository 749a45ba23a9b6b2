"""Invariants over every bundled pack (decide, classify)."""
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import zwgk_rules
from strategies import requests

S = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
RB = zwgk_rules.Rulebook()
PACKS = sorted(p for p in RB.packs if p != "cn")
ENGINES = {p: zwgk_rules.Engine(p, rulebook=RB) for p in ["cn", *PACKS]}
NATIONAL_ON = {p: zwgk_rules.Engine("cn", rulebook=RB, calendar=RB.packs[p].calendar) for p in PACKS}
FLAGS = ["public_interest", "public_awareness", "organization", "internal_management", "internal_material",
         "trade_secret", "personal_privacy", "state_secret", "work_secret", "consultation", "ethnic_religious",
         "secrecy_uncertain", "media_release", "policy_document"]
TYPES = ["决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案", "函", "纪要"]


def test_the_four_seed_packs_are_bundled():
    assert set(PACKS) >= {"cn-nx-zhongwei-sfj", "cn-yn-longling-sfj", "cn-gx-hengxian-sfj", "cn-gz-shaomi"}


@pytest.mark.parametrize("pack", PACKS)
@S
@given(req=requests())
def test_packs_decide_as_the_national_law_does(pack, req):
    """Seed 不予公开 lists that contradict the law are recorded, never applied: dispositions equal the
    national ones; only the calendar (regional days) may move a date, and only later."""
    national = ENGINES["cn"].decide(req)
    local = ENGINES[pack].decide({**req, "jurisdiction": pack})
    assert local.disposition == national.disposition
    assert [i.disposition for i in local.items] == [i.disposition for i in national.items]
    if national.deadline.due is not None:
        # regional rest days can only move a date later on the calendar …
        assert local.deadline.due >= national.deadline.due
        # … but on the same calendar a pack is never later than the national law
        same_cal = NATIONAL_ON[pack].decide(req)
        assert local.deadline.due <= same_cal.deadline.due
        assert local.deadline.extended_due <= same_cal.deadline.extended_due


@st.composite
def documents(draw):
    doc = {"doc_type": draw(st.sampled_from(TYPES)), "title": "某文件",
           "formed_on": draw(st.dates(dt.date(2008, 5, 1), dt.date(2026, 11, 30))).isoformat(),
           "addressed_to_superior": draw(st.booleans()),
           "flags": draw(st.lists(st.sampled_from(FLAGS), unique=True, max_size=4))}
    if draw(st.booleans()):
        doc["forwards"] = {"attribute": draw(st.sampled_from([None, "proactive", "on_request", "not_public"]))}
    return doc


@pytest.mark.parametrize("pack", ["cn", *PACKS])
@S
@given(doc=documents())
def test_every_document_gets_one_attribute_and_a_review(pack, doc):
    c = ENGINES[pack].classify({**doc, "jurisdiction": pack})
    assert c.attribute in ("proactive", "on_request", "not_public")
    assert c.reason_required == (c.attribute != "proactive")
    assert (c.publish_by is not None) == (c.attribute == "proactive")
    if c.publish_by is not None:
        national = ENGINES["cn"].classify(doc)
        assert c.publish_by > dt.date.fromisoformat(doc["formed_on"])
        assert national.attribute == c.attribute
    assert any(s.step == "secrecy_review" or s.step.endswith("secrecy_review") for s in c.review)
    if "state_secret" in doc["flags"]:
        assert c.attribute == "not_public"
    if "secrecy_uncertain" in doc["flags"]:
        assert any(s.step == "refer_to_secrecy_authority" for s in c.review)


def test_every_pack_rule_is_exercised_by_a_case():
    from conftest import named_cases
    cases = [case for _, case in named_cases()]
    seen = set()
    from test_cases import answer
    for c in cases:
        inp = c["input"]
        pack = inp.get("jurisdiction", "cn")
        a = answer(ENGINES.get(pack, ENGINES["cn"]), inp, c.get("command", "decide"))
        seen.update(a.get("trace") or [])
    missing = []
    for pid in PACKS:
        for r in RB.packs[pid].spec.rules:
            if r.id not in seen:
                missing.append(r.id)
    assert not missing, f"pack rules without a case: {missing}"
