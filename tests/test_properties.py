"""Invariants that must hold for every valid request (hypothesis)."""
import copy
import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st

import zwgk_rules
from strategies import requests

S = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CODES = None


def _codes(engine):
    global CODES
    if CODES is None:
        CODES = set(engine.rulebook.dispositions)
    return CODES


@S
@given(requests())
def test_exactly_one_disposition_or_pending_with_actions(engine, req):
    d = engine.decide(req)
    assert d.disposition in _codes(engine)
    assert d.final == (d.disposition != "pending")
    if d.disposition == "pending":
        assert d.actions, "a pending decision must say what must happen first"
    else:
        assert all(i.disposition != "pending" for i in d.items)
    assert len(d.items) == len(req["items"])
    # every decision cites its basis, unless the deciding rule declares that no article applies
    no_article = {r.id for _, t in engine.rulebook.tables() for r in t.rules if r.spec.no_article}
    assert d.basis or set(d.trace) & no_article, "every decision cites its basis"
    for b in d.basis:
        assert b.text


@S
@given(requests(old_regime=True))
def test_old_regime_requests_get_a_disposition_under_ogi_2008(engine, req):
    d = engine.decide(req)
    assert d.regime == "ogi-2008"
    assert all(b.regulation in ("ogi-2008", "civil-code") for b in d.basis)


@S
@given(requests())
def test_deadline_never_precedes_receipt(engine, req):
    d = engine.decide(req)
    dl = d.deadline
    if dl.due is not None:
        assert dl.due > dl.received_on
        assert dl.extended_due >= dl.due
    if dl.correction_notice_by is not None:
        assert dl.correction_notice_by > dl.received_on


@S
@given(requests(), st.integers(0, 30), st.integers(0, 40), st.sampled_from(["third_party", "agency"]))
def test_adding_consultation_time_never_moves_the_deadline_earlier(engine, req, after, length, party):
    before = engine.decide(req).deadline
    if before.due is None or req.get("excessive"):
        return
    more = copy.deepcopy(req)
    sent = before.received_on + dt.timedelta(days=after)
    more.setdefault("consultations", []).append(
        {"party": party, "sent_on": sent.isoformat(), "replied_on": (sent + dt.timedelta(days=length)).isoformat()})
    later = engine.decide(more).deadline
    assert later.due >= before.due
    assert later.extended_due >= before.extended_due


@S
@given(requests())
def test_extended_deadline_is_exactly_the_longest_extension_after_due(engine, req):
    d = engine.decide(req)
    dl = d.deadline
    if dl.due is None or req.get("excessive"):
        return
    cal = engine.calendar
    # count, day by day, the working days after `due` up to `extended_due` that are not consultation time
    excluded = set()
    for c in req.get("consultations") or []:
        sent = dt.date.fromisoformat(c["sent_on"])
        end = dt.date.fromisoformat(c["replied_on"]) if c["replied_on"] else cal.add_working_days(sent, 15)
        day = sent + dt.timedelta(days=1)
        while day <= end:
            excluded.add(day)
            day += dt.timedelta(days=1)
    counted, day = 0, dl.due + dt.timedelta(days=1)
    while day <= dl.extended_due:
        if cal.is_working_day(day) and day not in excluded:
            counted += 1
        day += dt.timedelta(days=1)
    assert counted == 20
    assert cal.is_working_day(dl.extended_due) and dl.extended_due not in excluded


@S
@given(requests(), st.integers(1, 400))
def test_later_receipt_never_gives_an_earlier_deadline(engine, req, shift):
    if req.get("consultations") or req.get("correction") or req.get("excessive"):
        return
    a = engine.decide(req).deadline
    moved = copy.deepcopy(req)
    for k in ("submitted_on", "signed_on", "confirmed_on"):
        if k in moved["submission"]:
            d = dt.date.fromisoformat(moved["submission"][k]) + dt.timedelta(days=shift)
            moved["submission"][k] = d.isoformat()
    b = engine.decide(moved).deadline
    if a.due and b.due:
        assert b.due >= a.due


def test_engine_is_picklable_and_answers_the_same(engine):
    import pickle
    req = {"submission": {"channel": "in_person", "submitted_on": "2026-09-28"},
           "items": [{"categories": ["trade_secret"], "third_party": {"consent": False}, "severable": True}]}
    clone = pickle.loads(pickle.dumps(engine))
    assert clone.decide_raw(req) == engine.decide_raw(req)


def test_engine_is_safe_to_share_between_threads(engine):
    from concurrent.futures import ThreadPoolExecutor
    reqs = []
    import random
    rnd = random.Random(7)
    from strategies import CATS
    for i in range(400):
        reqs.append({"submission": {"channel": "in_person",
                                    "submitted_on": (dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randrange(2400))).isoformat()},
                     "items": [{"categories": rnd.sample(CATS, rnd.randrange(3)), "severable": rnd.random() < .3,
                                "third_party": rnd.choice([None, {"consent": rnd.choice([True, False, "no_reply"])}])}]})
    expected = [zwgk_rules.Engine().decide_raw(r) for r in reqs]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(engine.decide_raw, reqs * 1))
    assert got == expected
