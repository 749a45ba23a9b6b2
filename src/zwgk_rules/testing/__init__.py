"""zwgk_rules.testing：测试本机关规定的工具 / tools for testing your own regulations.

* :mod:`zwgk_rules.testing.strategies` — hypothesis strategies for requests, items, submissions,
  consultations, corrections, documents, messages and packs (needs ``hypothesis``);
* the ``assert_*`` functions below — invariants every decision must satisfy, whatever the pack
  (plain functions raising ``AssertionError`` with a message; usable with or without hypothesis);
* :mod:`zwgk_rules.testing.plugin` — pytest fixtures ``zwgk_rulebook`` and ``zwgk_engine``
  (loaded automatically through the package's ``pytest11`` entry point);
* :mod:`zwgk_rules.testing.cases` — a pack folder's literal cases (``cases.yaml``): ``load_cases`` and
  ``run_case`` (no hypothesis needed).

See ``docs/testing.md`` ("Testing your regulations / 测试本机关的规定").

    from hypothesis import given
    from zwgk_rules.testing import strategies as st, assert_decision_invariants

    @given(st.requests(jurisdiction="cn-gz-shaomi"))
    def test_every_request_gets_one_answer(request):
        assert_decision_invariants(ENGINE.decide(request), request)
"""
from __future__ import annotations

import copy
import datetime as dt

__all__ = [
    "ARTICLE_14_CATEGORIES",
    "assert_decision_invariants",
    "assert_never_discloses_article_14",
    "assert_classification_invariants",
    "assert_routing_invariants",
    "assert_deadline_monotone_in_receipt",
    "assert_deadline_monotone_in_consultation",
    "assert_not_later_than_national",
    "assert_backends_agree",
    "shift_receipt",
    "granted_working_days",
]

# Nothing here imports hypothesis: only ``strategies`` needs it. Nothing here spells a code of the law
# either: categories, dispositions and attributes are read from the rule files and ``_facts``.


def __getattr__(name):
    if name == "ARTICLE_14_CATEGORIES":
        from ._vocabulary import article_14_categories
        return article_14_categories()
    # ``zwgk_rules.testing.strategies`` after a plain ``import zwgk_rules.testing``, as when this package
    # imported it eagerly; imported on first use, so that hypothesis is needed only by who uses it
    if name == "strategies":
        import importlib
        return importlib.import_module(f"{__name__}.strategies")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _no_article(rb, trace) -> bool:
    """True when a rule in ``trace`` declares that no article applies (``no_article`` in its rule file): the
    decision then rightly cites nothing (e.g. a request to reconfirm information already obtained)."""
    ids = {r.id for _, t in rb.tables() for r in t.rules if r.spec.no_article}
    return any(rid in ids for rid in trace)


def _rb(rulebook):
    if rulebook is not None:
        return rulebook
    from .._rulebook import default_rulebook
    return default_rulebook()


def _get(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _date(v):
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(v)


def _model(decision):
    """Accept a ``Decision`` or the dict of ``decide_raw``."""
    if isinstance(decision, dict):
        from .._models import Decision
        return Decision.model_validate(decision)
    return decision


def _request_dict(request) -> dict:
    if isinstance(request, dict):
        return request
    return request.model_dump(mode="json", exclude_none=True)


def _items(request) -> list:
    return list(_request_dict(request).get("items") or [])


def _label(request) -> str:
    import json
    try:
        return json.dumps(_request_dict(request), ensure_ascii=False, default=str)
    except Exception:  # pragma: no cover - repr is enough
        return repr(request)


def _calendar(rb, cid):
    return rb.calendars.get(cid) if rb is not None else None


# ---------------------------------------------------------------- decide

def assert_decision_invariants(decision, request, *, rulebook=None) -> None:
    """What every decision must satisfy, for every valid request and every pack:

    * exactly one disposition, and it is a code of the contract (``rules/national/dispositions.yaml``);
      ``final`` is false exactly when it is ``pending``, and a pending decision says what must come
      first (``actions``); a final decision has no pending item; any pending item makes it pending;
    * one item decision per requested item;
    * a basis for the decision and every item, each citation with its text (unless the deciding rule
      declares ``no_article``: no article applies, as for a request to reconfirm information obtained);
    * ``received_on`` is the 第三十一条 date of the submission's channel, and the regime is the one in
      force on that day;
    * ``due`` is after ``received_on`` (except an agreed date under 第三十五条) and a working day of
      the decision's calendar; ``extended_due`` ≥ ``due``; ``correction_notice_by`` after receipt.
    """
    d = _model(decision)
    rb = _rb(rulebook)
    req = _request_dict(request)
    where = f"\nrequest: {_label(req)}"
    codes = set(rb.dispositions)
    waiting = rb.not_final
    assert d.disposition in codes, f"disposition {d.disposition!r} is not a contract code{where}"
    assert d.final == (d.disposition not in waiting), f"final={d.final} with disposition {d.disposition}{where}"
    if d.disposition in waiting:
        assert d.actions, f"a pending decision must say what must happen first (actions){where}"
    items = _items(req)
    assert len(d.items) == len(items), f"{len(d.items)} item decisions for {len(items)} items{where}"
    for k, it in enumerate(d.items):
        assert it.disposition in codes, f"items.{k}: {it.disposition!r} is not a contract code{where}"
        assert it.basis or _no_article(rb, it.trace), f"items.{k}: no basis{where}"
        for b in it.basis:
            assert b.text, f"items.{k}: citation {b.regulation}:{b.article} has no text{where}"
        if it.disposition in waiting:
            assert it.actions, f"items.{k}: pending without actions{where}"
    if any(it.disposition in waiting for it in d.items):
        assert d.disposition in waiting, f"an item is pending but the request is {d.disposition}{where}"
    assert d.basis or _no_article(rb, d.trace), f"a decision must cite its basis{where}"
    for b in d.basis:
        assert b.text, f"citation {b.regulation}:{b.article} has no text{where}"
    assert d.jurisdiction == req.get("jurisdiction", "cn"), f"jurisdiction {d.jurisdiction!r}{where}"
    if req.get("id") is not None:
        assert d.id == req["id"], f"id not echoed{where}"

    dl = d.deadline
    sub = req["submission"]
    regime = rb.regime_for(dl.received_on)
    assert d.regime == regime.id, f"regime {d.regime} but {regime.id} was in force on {dl.received_on}{where}"
    field = regime.receipt[sub["channel"]].field
    assert dl.received_on == _date(sub[field]), \
        f"received_on {dl.received_on} is not submission.{field} ({sub[field]}){where}"
    cal = _calendar(rb, dl.calendar)
    ex = req.get("excessive") or {}
    agreed = _date(ex.get("agreed_due")) if ex.get("reason_reasonable") else None
    if dl.due is not None:
        if agreed is None or dl.due != agreed:
            assert dl.due > dl.received_on, f"due {dl.due} not after received_on {dl.received_on}{where}"
            if cal is not None:
                assert cal.is_working_day(dl.due), f"due {dl.due} is not a working day of {dl.calendar}{where}"
        assert dl.extended_due is not None and dl.extended_due >= dl.due, \
            f"extended_due {dl.extended_due} before due {dl.due}{where}"
    if dl.correction_notice_by is not None:
        assert dl.correction_notice_by > dl.received_on, f"correction_notice_by not after receipt{where}"


def assert_never_discloses_article_14(decision, request, *, rulebook=None) -> None:
    """第十四条 (2008: 第八条、第十四条第四款): an item reviewed in a category its regime withholds without
    exception (the exemption rules marked ``absolute``: state secret, prohibited by law, endangering
    security) that cannot be severed (第三十七条) is never disclosed (a code marked ``discloses``) —
    whatever the third party's consent, a public-interest override, a ``disclosure_required_by_law``
    claim, or an earlier (mistaken) proactive publication."""
    from .._check import absolute_categories
    d = _model(decision)
    rb = _rb(rulebook)
    absolute = absolute_categories(rb, d.regime)
    items = _items(request)
    for k, (item, out) in enumerate(zip(items, d.items)):
        cats = set(item.get("categories") or ())
        if not cats & absolute or item.get("severable"):
            continue
        if out.disposition not in rb.disclosing:
            continue
        raise AssertionError(
            f"items.{k} ({sorted(cats & absolute)}, not severable) was decided "
            f"{out.disposition!r} by {out.trace}: 第十四条 forbids disclosing it\nrequest: {_label(request)}")


def _agreed(dl) -> bool:
    """A date agreed under 第三十五条 replaces both deadlines; otherwise the extended date is later."""
    return dl.due == dl.extended_due


def granted_working_days(decision, *, rulebook=None, due: str = "due") -> int | None:
    """The working days the agency was given (``due`` or ``extended_due``), counted on the decision's own
    calendar from the start of the reply period, without the excluded consultation days. Comparable
    across calendars: a regional holiday moves the date, not this number.

    ``excluded_days`` counts the consultation days skipped up to ``extended_due``, which may lie after
    ``due``; so the count for ``due`` is the count for ``extended_due`` less the regime's extension (the
    extended due date is that many counted working days after ``due``), unless both dates are one agreed
    date (第三十五条)."""
    d = _model(decision)
    dl = d.deadline
    if getattr(dl, due) is None or dl.extended_due is None:
        return None
    rb = _rb(rulebook)
    cal = rb.calendars[dl.calendar]
    start = dl.reply_period_starts or dl.received_on
    law = rb.jurisdiction(d.jurisdiction)      # the pack's applied values where it has them, read at their dates
    counted = bool(law.at(f"{d.regime}.receipt_day_counted", dl.received_on).value)
    r0 = cal.rank(start) - (1 if counted and cal.is_working_day(start) else 0)
    to_extended = cal.rank(dl.extended_due) - r0 - dl.excluded_days
    if due == "extended_due" or _agreed(dl):
        return to_extended
    return to_extended - law.at(f"{d.regime}.max_extension", start).value


def assert_not_later_than_national(local, national, *, rulebook=None) -> None:
    """A pack may shorten a period, never lengthen it (a longer period is a load error when applied,
    and only recorded otherwise): the working days it gives are at most the national ones. On the
    same calendar this means its dates are never later; on a regional calendar the dates may be later
    (regional days off) but the count is not larger."""
    a, b = _model(local), _model(national)
    if a.deadline.due is None or b.deadline.due is None:
        return
    assert a.regime == b.regime, f"regimes differ: {a.regime} / {b.regime}"
    if _agreed(a.deadline) or _agreed(b.deadline):
        # 第三十五条: a date agreed with the applicant replaces both, it is not a period: compare the dates
        assert a.deadline.due <= b.deadline.due, \
            f"agreed date {a.deadline.due} later than national {b.deadline.due}"
        return
    for which in ("due", "extended_due"):
        ga = granted_working_days(a, rulebook=rulebook, due=which)
        gb = granted_working_days(b, rulebook=rulebook, due=which)
        assert ga <= gb, (f"{a.jurisdiction} gives {ga} working days to {which}, more than the national {gb} "
                          f"({getattr(a.deadline, which)} / {getattr(b.deadline, which)})")
        if a.deadline.calendar == b.deadline.calendar:
            assert getattr(a.deadline, which) <= getattr(b.deadline, which), \
                f"{which} {getattr(a.deadline, which)} later than national {getattr(b.deadline, which)}"


# ---------------------------------------------------------------- metamorphic checks

_DATED = ("consultations", "correction", "excessive", "extension", "as_of")


def shift_receipt(request: dict, days: int) -> dict:
    """A copy of ``request`` received ``days`` later: the submission's dates move; consultations,
    corrections, extensions, ``as_of`` and an agreed date (all tied to dates) are dropped."""
    out = copy.deepcopy(_request_dict(request))
    for k in _DATED:
        out.pop(k, None)
    sub = out["submission"]
    for k in ("submitted_on", "signed_on", "confirmed_on"):
        if sub.get(k):
            sub[k] = (_date(sub[k]) + dt.timedelta(days=days)).isoformat()
    return out


def assert_deadline_monotone_in_receipt(engine, request, days: int) -> None:
    """Receiving the same request ``days`` ≥ 0 later never gives an earlier due date or extended due date
    (compared without the date-bound parts, see :func:`shift_receipt`)."""
    assert days >= 0
    base = shift_receipt(request, 0)
    a = engine.decide(base).deadline
    b = engine.decide(shift_receipt(request, days)).deadline
    if a.due is None or b.due is None:
        return
    assert b.due >= a.due and b.extended_due >= a.extended_due, (
        f"received {days} days later, due moved from {a.due} to {b.due} "
        f"(extended {a.extended_due} → {b.extended_due})\nrequest: {_label(base)}")


def assert_deadline_monotone_in_consultation(engine, request, consultation: dict) -> None:
    """Adding consultation time (not counted, 第三十三条第三款) never moves a deadline earlier."""
    req = _request_dict(request)
    before = engine.decide(req)
    ex = req.get("excessive") or {}
    if before.deadline.due is None or ex.get("agreed_due"):
        return
    more = copy.deepcopy(req)
    more["consultations"] = list(more.get("consultations") or []) + [dict(consultation)]
    after = engine.decide(more).deadline
    assert after.due is not None and after.due >= before.deadline.due, (
        f"adding {consultation} moved due from {before.deadline.due} to {after.due}\nrequest: {_label(req)}")
    assert after.extended_due >= before.deadline.extended_due, (
        f"adding {consultation} moved extended_due from {before.deadline.extended_due} to {after.extended_due}"
        f"\nrequest: {_label(req)}")


def assert_backends_agree(engine_a, engine_b, request, *, command: str = "decide") -> None:
    """Two engines (e.g. ``backend="python"`` and ``backend="durable"``) give the same answer, or both
    raise the same kind of error on the same field."""
    from .._errors import ZwgkError

    def run(e):
        try:
            return getattr(e, f"{command}_raw")(request)
        except ZwgkError as exc:
            return ("error", type(exc).__name__, exc.field)
    a, b = run(engine_a), run(engine_b)
    assert a == b, f"{engine_a.backend} and {engine_b.backend} disagree\nrequest: {_label(request)}\n{a}\n{b}"


# ---------------------------------------------------------------- classify and interact

def assert_classification_invariants(c, document=None, *, rulebook=None) -> None:
    """What every classification must satisfy: one of the attributes of the classify rules; a reason is
    required exactly for the attributes the rules say (``reason_required``); ``publish_by`` exactly for
    the attribute that is published (``publish``), after ``formed_on`` and a working day of the pack's
    calendar; a secrecy review on every route; every rule the law admits no exception to
    (``absolute: true``: a state secret is not public, an uncertain one is referred to the secrecy
    authority) holds whenever its condition does; every citation has its text."""
    from .._facts import ATTRIBUTES
    if isinstance(c, dict):
        from .._models import Classification
        c = Classification.model_validate(c)
    rb = _rb(rulebook)
    cr = rb.classify
    where = f"\ndocument: {_label(document)}" if document is not None else ""
    assert c.attribute in ATTRIBUTES, f"attribute {c.attribute!r}{where}"
    assert c.reason_required == (c.attribute in cr.reason_required), f"reason_required={c.reason_required}{where}"
    assert (c.publish_by is not None) == (c.attribute == cr.publish_attribute), f"publish_by={c.publish_by}{where}"
    assert c.basis and all(b.text for b in c.basis), f"basis missing or without text{where}"
    assert any(s.step.endswith("secrecy_review") for s in c.review), f"no secrecy review in {c.review}{where}"
    if document is not None:
        doc = document if isinstance(document, dict) else document.model_dump(mode="json")
        formed = _date(doc["formed_on"])
        if c.publish_by is not None:
            assert c.publish_by > formed, f"publish_by {c.publish_by} not after formed_on {formed}{where}"
            pack = rb.packs.get(c.jurisdiction)
            if pack is not None:
                cal = rb.calendars[pack.calendar]
                assert cal.is_working_day(c.publish_by), f"publish_by {c.publish_by} is not a working day{where}"
        for rule, holds in _absolute_classify_rules(rb, doc, c.doc_type):
            if not holds:
                continue
            if rule.table == "attribute":
                assert c.attribute == rule.value, f"{rule.id} holds but the attribute is {c.attribute}{where}"
            else:
                assert any(s.step == rule.value for s in c.review), f"{rule.id} holds but {rule.value} is not on the route{where}"


class _Absolute:
    __slots__ = ("id", "table", "value")

    def __init__(self, rid, table, value):
        self.id, self.table, self.value = rid, table, value


def _absolute_classify_rules(rb, doc: dict, doc_type: str):
    """(rule, whether its condition holds for ``doc``) for each classify rule marked ``absolute`` that is in
    force on the document's ``formed_on`` (the tables hold the rules of both regulations, each dated)."""
    from .._conditions import compile_node
    from .._facts import document_facts
    from .._models import Document
    model = Document.model_validate({k: v for k, v in doc.items() if k != "id"})
    facts = document_facts(model, doc_type)
    day = model.formed_on
    out = []
    for t in rb.classify.tables:
        for r, (start, end) in zip(t.rules, t.spans):
            if r.spec.absolute and isinstance(r.value, str) and start <= day and (end is None or day <= end):
                out.append((_Absolute(r.id, t.name, r.value), bool(compile_node(r.node)(facts))))
    return out


def assert_routing_invariants(routing, message=None) -> None:
    """A routed 政民互动 message: due after receipt; ``earliest`` ≤ ``due`` ≤ ``extended_due``; a basis."""
    if isinstance(routing, dict):
        from .._models import MessageRouting
        routing = MessageRouting.model_validate(routing)
    where = f"\nmessage: {_label(message)}" if message is not None else ""
    if message is not None:
        received = _date(_get(message, "received_on"))
        assert routing.due > received, f"due {routing.due} not after {received}{where}"
        assert routing.kind == _get(message, "kind"), f"kind {routing.kind}{where}"
    if routing.earliest is not None:
        assert routing.earliest <= routing.due, f"earliest {routing.earliest} after due{where}"
    if routing.extended_due is not None:
        assert routing.extended_due >= routing.due, f"extended_due before due{where}"
    assert routing.basis and all(b.text for b in routing.basis), f"basis missing or without text{where}"
