"""``--explain`` on the compiled path tells what the plain walk tells / the compiled explanation is the plain one.

The compiled engine does not run the general deadline procedure again for ``explain``: it reads the explanation
back from the dates its compiled procedure gave (``_deadline.explain_from``), and the command line's encoder writes
its days from text kept per calendar day. Both are checked here against the plain walk (``Engine(compiled=False)``,
which runs ``_deadline.compute(..., explain=True)``) on generated requests: every pack, 2008–2026, 补正 awaited,
lapsed and received (the period running anew), consultations, agreed dates (第三十五条), extensions.
"""
from __future__ import annotations

import json

from hypothesis import given, settings

import traffic
from strategies import requests as typed_requests
from zwgk_rules import DisclosureRequest, Engine, ZwgkError
from zwgk_rules._cli import _Decider

_ENGINES: dict = {}


def _engine(jurisdiction: str, compiled: bool) -> Engine:
    key = (jurisdiction, compiled)
    if key not in _ENGINES:
        _ENGINES[key] = Engine(jurisdiction, compiled=compiled)
    return _ENGINES[key]


def _plain_line(model: DisclosureRequest) -> bytes:
    """The answer of the plain walk as ``zwgk decide --explain`` writes an answer: ``json.dumps`` of ``decide_raw``."""
    raw = _engine(model.jurisdiction, False).decide_raw(model, explain=True)
    return json.dumps(raw, ensure_ascii=False, default=lambda d: d.isoformat()).encode()


def _compare(req: dict, decider: _Decider) -> str | None:
    """Check one request both ways; returns the kinds of explanation it had (for the coverage count), None for an
    error (the same error both ways)."""
    model = DisclosureRequest.model_validate(req)
    fast, plain = _engine(model.jurisdiction, True), _engine(model.jurisdiction, False)
    try:
        expected = _plain_line(model)
    except ZwgkError as exc:
        data, bad = decider.line(json.dumps(req, ensure_ascii=False).encode())
        assert bad and type(data) is type(exc) and str(data) == str(exc)
        return None
    # the explanation itself (what the encoder is handed) …
    told = fast._decide_parts(model, True).deadline["explain"]
    assert told == plain._decide_parts(model, True).deadline["explain"]
    # … the API's list of days …
    assert fast.decide_raw(model, explain=True) == plain.decide_raw(model, explain=True)
    # … and the command line's bytes
    data, bad = decider.line(json.dumps(req, ensure_ascii=False).encode())
    assert not bad
    assert data == expected
    kinds = []
    if told.start != told.first:
        kinds.append("restart")
    if told.excluded:
        kinds.append("consulted")
    if len(told.periods) == 1:
        kinds.append("no_period")
    if told.last == told.first:
        kinds.append("one_day")
    return " ".join(kinds) or "plain"


def test_compiled_explain_is_the_plain_walks_on_diverse_traffic():
    """3,000 diverse requests (``tests/traffic.py``, every pack), a few with input errors: the same explanation,
    the same days, the same bytes; every kind of explanation is met."""
    decider = _Decider(explain=True)
    seen: dict = {}
    for req in traffic.requests(3000, seed=23, invalid=0.02):
        kinds = _compare(req, decider)
        for k in (kinds or "error").split():
            seen[k] = seen.get(k, 0) + 1
    assert seen["plain"] > 1000 and seen["consulted"] > 300 and seen["restart"] > 50, seen
    assert seen["no_period"] > 100 and seen["error"] > 10, seen


def test_compiled_explain_on_national_traffic_with_older_regime():
    """2,000 national requests, some with what only the 2019 revision provides under the 2008 regulation (errors)."""
    decider = _Decider(explain=True)
    checked = 0
    for req in traffic.requests(2000, seed=29, national_only=True, unsupported=0.1):
        checked += _compare(req, decider) is not None
    assert checked > 1800


@settings(max_examples=150, deadline=None)
@given(typed_requests())
def test_compiled_explain_is_the_plain_walks(req):
    _compare(req, _Decider(explain=True))


# --------------------------------------------------------------------------- parameters that change on a day
# The bundled rules cite one article for both periods and change no deadline parameter within a regime, so the
# traffic above cannot tell which day's parameters an explanation reads, nor which period's citation it gives.
# Here the parameters change on CUT (made-up values and citation keys, one per parameter): the compiled procedure
# of the stretch before CUT, with its explanation read back, against the general procedure with ``explain``.
import datetime as dt
from types import SimpleNamespace as NS

from hypothesis import strategies as st

from zwgk_rules import _deadline as dl
from zwgk_rules._compile import compile_deadline
from zwgk_rules._encode import Encoder

CUT = dt.date(2021, 3, 1)


def _params(tag: str, reply: int, ext: int, notice: int, limit: int) -> dl.DeadlineParams:
    basis = {name: f"test-{tag}:{name} 100%" for name in dl.DEADLINE_PARAMETERS}     # a "%" the encoder must keep
    return dl.DeadlineParams(True, notice, True, {"third_party": limit, "agency": limit + 2}, reply, ext, True, True,
                             basis)


BEFORE, AFTER = _params("a", 15, 15, 7, 15), _params("b", 20, 25, 5, 10)


def _dp_at(day: dt.date) -> dl.DeadlineParams:
    return BEFORE if day < CUT else AFTER


@st.composite
def _cases(draw):
    received = CUT - dt.timedelta(days=draw(st.integers(1, 60)))
    later = lambda lo, hi: received + dt.timedelta(days=draw(st.integers(lo, hi)))    # noqa: E731
    cstatus = draw(st.sampled_from(("none", "awaiting", "received", "lapsed")))
    corr = None
    if cstatus != "none":
        corr = NS(notified_on=later(0, 12), received_on=later(1, 90) if cstatus == "received" else None)
    cons = tuple(NS(party=draw(st.sampled_from(("third_party", "agency", "other"))), sent_on=later(0, 30),
                    received_on=draw(st.none() | st.just(later(30, 35))), replied_on=draw(st.none() | st.just(later(31, 80))))
                 for _ in range(draw(st.integers(0, 3))))
    excessive = draw(st.none() | st.builds(NS, reason_reasonable=st.booleans(),
                                            agreed_due=st.none() | st.just(later(0, 120))))
    rd = {"correction": corr, "consultations": cons, "excessive": excessive}
    return rd, received, cstatus, draw(st.booleans()) and cstatus != "received"


@settings(max_examples=300, deadline=None)
@given(_cases())
def test_the_explanation_read_back_is_the_general_procedures(case):
    from zwgk_rules._rulebook import default_rulebook
    rb = default_rulebook()
    cal, steps = rb.calendars["cn"], rb.regimes[-1].steps
    rd, received, cstatus, asks = case
    deadline = compile_deadline(cal, BEFORE, _dp_at, steps, dt.date.min, CUT)
    want = dl.compute(cal, _dp_at, steps, rd, received, cstatus, asks, explain=True, explain_rows=True)
    got, trace, warnings = deadline(rd, received, cstatus, asks)
    assert (trace, warnings) == want[1:]
    dl.explain_from(cal, _dp_at, got, rd, True)
    assert got == want.deadline
    assert got["explain"].days() == dl.explain_from(cal, _dp_at, dict(got), rd, False)["explain"]
    # the command line's encoder writes these days too, a period's citation differing from the next one's
    enc = Encoder(frozenset())
    for _ in range(2):                              # and again, from the templates it kept
        data = b"[" + b"".join(enc._told(got["explain"])) + b"]"
        assert data == json.dumps(got["explain"].days(), ensure_ascii=False, default=dt.date.isoformat).encode()
