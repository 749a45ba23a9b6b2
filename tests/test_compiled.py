"""The speed layer's compiled functions (``_compile``) give the plain pipeline's answers, byte for byte.

``Engine()`` decides by the functions generated from the rule tables; ``Engine(compiled=False)`` by the plain
walk of ``_pipeline``. Both are run on the same diverse traffic (tests/traffic.py: every pack, old-regime
requests with what only 2019 provides, input errors) and compared as JSON text, errors included. The generated
source is checked to hold nothing taken from a rule file as text, and every memo in front of it to stay bounded.
"""
import ast
import datetime as dt
import json
import pickle
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zwgk_rules
from zwgk_rules import DisclosureRequest, ZwgkError, _compile, _facts
from zwgk_rules._limits import MEMO_MAX_ITEMS
from zwgk_rules._models import Item
from zwgk_rules._pipeline import PROCEED
import traffic


def _text(engine, request, explain=False) -> str:
    try:
        return json.dumps(engine.decide_raw(request, explain=explain), ensure_ascii=False, default=str)
    except ZwgkError as exc:
        return f"{type(exc).__name__} {exc.field} {exc}"


def _compare(n: int, seed: int) -> int:
    engines: dict = {}
    checked = 0
    for k, raw in enumerate(traffic.requests(n, seed=seed, unsupported=0.1, invalid=0.03)):
        jur = raw["jurisdiction"]
        if jur not in engines:
            engines[jur] = (zwgk_rules.Engine(jur), zwgk_rules.Engine(jur, compiled=False))
        fast, plain = engines[jur]
        request = DisclosureRequest.model_validate(raw)
        explain = k % 40 == 0
        assert _text(fast, request, explain) == _text(plain, request, explain), raw
        checked += 1
    return checked


def test_compiled_and_plain_answers_are_byte_identical_on_diverse_traffic():
    assert _compare(6000, seed=1201) == 6000


def test_a_warm_compiled_engine_answers_like_a_cold_plain_one():
    fast = zwgk_rules.Engine()
    reqs = [DisclosureRequest.model_validate(r) for r in traffic.requests(3000, seed=1202, national_only=True,
                                                                           invalid=0.02)]
    first = [_text(fast, r) for r in reqs]       # fills every memo in front of the compiled functions
    plain = zwgk_rules.Engine(compiled=False)
    assert [_text(fast, r) for r in reqs] == first == [_text(plain, r) for r in reqs]


def _reader(fields: dict, source: dict, prologue, args: str):
    names = [*fields, *source]
    exprs = [f"d[{fields[n]!r}]" for n in fields] + [source[n] for n in source]
    text = "\n".join([f"def f({args}):", *(f"    {x}" for x in prologue), f"    return [{', '.join(exprs)}]"])
    ns: dict = {}
    exec(compile(text, "<test>", "exec"), ns)
    return names, ns["f"]


def test_the_fact_expressions_read_what_item_facts_and_request_facts_give():
    names, f = _reader(_facts.ITEM_FACT_FIELDS, _facts.ITEM_FACT_SOURCE, _facts.ITEM_FACT_PROLOGUE, "item")
    rnames, g = _reader(_facts.REQUEST_FACT_FIELDS, _facts.REQUEST_FACT_SOURCE, _facts.REQUEST_FACT_PROLOGUE,
                        "d, cstatus")
    assert sorted(names) == sorted(_facts.ITEM_FACTS) and len(names) == len(set(names))
    assert sorted(rnames) == sorted(_facts.REQUEST_FACTS) and len(rnames) == len(set(rnames))
    for raw in traffic.requests(500, seed=1203):
        req = DisclosureRequest.model_validate(raw)
        for cstatus in ("none", "awaiting"):
            want = _facts.request_facts(req, cstatus)
            assert g(req.__dict__, cstatus) == [want[n] for n in rnames]
        for item in req.items:
            want = _facts.item_facts(item)
            for n, v in zip(names, f(item)):
                w = want[n]
                assert (frozenset(v) == w) if n == "categories" else (v is w or (type(v) is type(w) and v == w)), n


_NAME = re.compile(r"^(make|item|items|lst|out|request|slow|d|tp|ex|cstatus|key|kt|hit|results|a|[amrvu]\d+(_\d+)?|"
                   r"key\d+|(k|memo|miss|known|answers|compose|keep|tables|unsupported|get)\d+|isinstance|bool|len|tuple|"
                   # ``compile_run``'s own names
                   r"run|raw|rd|received|day|rres|its|excessive|cons|extension|ident|n|plain|i1|plan|dd|steps|warned|"
                   r"warnings|answers|ans|id|map|list|due|ext|prov|pd|(e|rslow|rknown|islow|iknown)\d+)$")


def _sources(engine):
    for seg in engine._segments.values():
        yield seg.request.__zwgk_source__
        yield seg.item.__zwgk_source__
        assert seg.items.__zwgk_source__ is seg.item.__zwgk_source__        # one text: both functions
        if seg.run is not None:
            yield seg.run.__zwgk_source__
            assert seg.raw.__zwgk_source__ is seg.run.__zwgk_source__      # steps 4–7 (``compile_run``)


def test_generated_source_holds_only_its_own_names_and_the_fact_vocabulary():
    engines = [zwgk_rules.Engine(p) for p in ("cn", *traffic.PACKS[-3:])]
    for raw in traffic.requests(400, seed=1204):
        for e in engines:
            if e.pack.id == raw["jurisdiction"]:
                _text(e, DisclosureRequest.model_validate(raw))
    allowed = set()
    for expr in (*_facts.ITEM_FACT_SOURCE.values(), *_facts.REQUEST_FACT_SOURCE.values(), *_facts.ITEM_FACT_PROLOGUE,
                 *_facts.REQUEST_FACT_PROLOGUE):
        allowed |= {n.value for n in ast.walk(ast.parse(expr)) if isinstance(n, ast.Constant)
                    and isinstance(n.value, str)}
    allowed |= {*_facts.ITEM_FACT_FIELDS.values(), *_facts.REQUEST_FACT_FIELDS.values()}     # the input fields read
    seen = 0
    for e in engines:
        for text in _sources(e):
            seen += 1
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Name):
                    assert _NAME.match(node.id), node.id
                elif isinstance(node, ast.Constant):
                    # strings only from the fact expressions of _facts; numbers are bit positions and limits;
                    # True (an empty condition), None and False (the fact expressions)
                    assert (node.value in (None, True, False) and type(node.value) is not int) or \
                        node.value in allowed or type(node.value) is int, node.value
                elif isinstance(node, ast.Attribute):
                    assert node.attr in {"get", "clear", "unsupported", "value", "isdisjoint", "issubset", "append",
                                         "consent", "public_interest_override", "reason_reasonable", "kind",
                                         "__dict__", "copy",
                                         # a plan's fields (``_pipeline.Plan``), read by ``compile_run``
                                         "dates_only", "asks_correction", "trace", "disposition", "final",
                                         "basis", "actions", "items",
                                         "a", "p0", "p1"}, node.attr       # ``Kept``: the answer, its plans
            # no rule id, value or text of a rule file is spelled in the source
            for t in (seg.law.request_table for seg in e._segments.values()):
                for r in t.rules:
                    assert r.id not in text
    assert seen >= 12


def test_memos_stay_bounded_on_a_memo_hostile_stream(monkeypatch):
    monkeypatch.setattr(_compile, "FACTS_LIMIT", 64)
    monkeypatch.setattr("zwgk_rules._engine._PLAN_LIMIT", 64)
    e = zwgk_rules.Engine()
    for raw in traffic.requests(3000, seed=1205, items=5, national_only=True):
        _text(e, DisclosureRequest.model_validate(raw))
    assert len(e._cplans) <= 64
    for seg in e._segments.values():
        for fn in (seg.request, seg.item, seg.items, seg.tables[1][0]):     # the item function's ``slow`` too
            for cell in fn.__closure__:
                if isinstance(cell.cell_contents, dict) and cell.cell_contents is not e._item_cache:
                    assert len(cell.cell_contents) <= max(64, _compile.RESULT_LIMIT)


def test_the_switch_and_pickling():
    assert zwgk_rules.Engine().compiled
    assert not zwgk_rules.Engine(compiled=False).compiled
    e = zwgk_rules.Engine()
    req = DisclosureRequest.model_validate(next(traffic.requests(1, seed=3, national_only=True)))
    want = _text(e, req)
    e2 = pickle.loads(pickle.dumps(e))
    assert e2.compiled and not e2._segments
    assert _text(e2, req) == want


@pytest.mark.parametrize("received", ["2026-12-20", "2026-12-29"])
def test_dates_at_the_end_of_the_calendar_fail_as_the_plain_procedure_does(received):
    fast, plain = zwgk_rules.Engine(), zwgk_rules.Engine(compiled=False)
    end = fast.calendar.end
    day = min(dt.date.fromisoformat(received), end)
    for extra in ({}, {"consultations": [{"party": "third_party", "sent_on": day.isoformat()}]},
                  {"correction": {"notified_on": day.isoformat(), "due_on": day.isoformat(),
                                  "received_on": day.isoformat()}}):
        req = DisclosureRequest.model_validate({"submission": {"channel": "in_person", "submitted_on": day.isoformat()},
                                                "items": [{"description": "x"}], **extra})
        assert _text(fast, req) == _text(plain, req)


def test_an_item_the_old_regulation_has_no_provision_for_is_named_by_its_position():
    fast, plain = zwgk_rules.Engine(), zwgk_rules.Engine(compiled=False)
    req = DisclosureRequest.model_validate({"submission": {"channel": "in_person", "submitted_on": "2015-03-02"},
                                            "items": [{}, {"requires_creation": True}, {"special_procedure": True}]})
    a, b = _text(fast, req), _text(plain, req)
    assert a == b and "items.1." in a
    assert Item  # the model the items are validated into


def test_receipt_days_at_and_beyond_the_calendar_edges_answer_as_the_plain_walk():
    """The compiled path finds a receipt day's stretch and dates by the day's place in the calendar (a list, one
    slot a day); a day before or after the calendar is kept apart (by date) and must answer, or fail, as the plain
    walk does — first and again (the second time from what the first kept)."""
    fast, plain = zwgk_rules.Engine(), zwgk_rules.Engine(compiled=False)
    start, end = fast.calendar.start, fast.calendar.end
    one = dt.timedelta(days=1)
    days = [start - 400 * one, start - one, start, start + one, dt.date(2008, 5, 1), dt.date(2019, 5, 14),
            dt.date(2019, 5, 15), end - 60 * one, end - one, end, end + one, end + 400 * one]
    texts = []
    for day in days:
        for channel, extra in (("in_person", {}), ("post", {"signed_on": day.isoformat()}),
                               ("online", {"confirmed_on": day.isoformat()})):
            sub = {"channel": channel, "submitted_on": day.isoformat(), **extra}
            req = DisclosureRequest.model_validate({"submission": sub, "items": [{"description": "x"}]})
            want = _text(plain, req)
            assert _text(fast, req) == want, (day, channel)
            assert _text(fast, req) == want, (day, channel)          # again, from what the first answer kept
            texts.append(want)
    assert fast._by_day and all(d < start or d > end for d in fast._by_day)   # only days outside the calendar
    assert any(t.startswith("{") for t in texts) and any(not t.startswith("{") for t in texts)


def _answer_pools():
    """An engine after some diverse traffic: per compiled stretch, the request table's results that send a request
    on to its items, and every item answer the engine composed (those of the request table included)."""
    e = zwgk_rules.Engine()
    for raw in traffic.requests(1500, seed=1206, national_only=True, items=4):
        _text(e, DisclosureRequest.model_validate(raw))
    answers = list(e._item_cache.values())
    pools = []
    for seg in e._segments.values():
        results = [c.cell_contents for c in seg.request.__closure__ if isinstance(c.cell_contents, dict)
                   and c.cell_contents and not isinstance(next(iter(c.cell_contents)), int)]
        proceed = [r for memo in results for r in memo.values() if r.value == "proceed"]
        if proceed:
            pools.append((e, seg, proceed))
    assert len(pools) == 2 and len(answers) > 100
    return pools, answers


_POOLS = []


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_compiled_plan_is_the_pipelines_assembly_on_any_answers(data):
    """``compile_plan`` merges trace, basis and actions in one pass (short lists and ``in`` tests); it must give
    ``_pipeline.assemble``'s plan (``combine``: ``dict.fromkeys`` and identities) for any items in any order, an
    item repeated or not, any number of them: equal, and the very citation and answer objects."""
    from zwgk_rules import _pipeline
    if not _POOLS:
        _POOLS.append(_answer_pools())
    pools, answers = _POOLS[0]
    e, seg, proceed = data.draw(st.sampled_from(pools))
    rres = data.draw(st.sampled_from(proceed))
    items = tuple(data.draw(st.lists(st.sampled_from(answers), min_size=1, max_size=8)))
    plain = data.draw(st.booleans())
    got = seg.plan(rres, items, plain)
    want = _pipeline.assemble(seg.law, rres, items, len(items), "none", plain, item_answer=e._item_answer,
                              combined=e._combine, cite=e._cite, not_final=e._not_final)
    assert got == want
    assert all(type(x) is tuple for x in got[1:5])
    assert all(a is b for a, b in zip(got.basis, want.basis)) and all(a is b for a, b in zip(got.items, items))


def _parts(engine, request):
    try:
        p = engine._decide_parts(request)
    except ZwgkError as exc:
        return f"{type(exc).__name__} {exc.field} {exc}"
    return json.dumps([list(p.plan), *p[1:]], ensure_ascii=False, default=str)


def test_the_one_function_of_a_stretch_gives_the_plain_walks_parts_and_answer():
    """``compile_run`` writes steps 4–7 of a stretch as one function in two forms: ``run`` (the command line's
    ``Parts``) and ``raw`` (``decide_raw``'s answer). Both must give what the plain walk gives, for requests of
    0 to 7 items (one, two and more items are read by different text), first and again from what the first kept,
    errors included (an item the old regulation has no provision for is named by its position)."""
    fast, plain = zwgk_rules.Engine(), zwgk_rules.Engine(compiled=False)
    reqs = []
    for n in range(8):
        for raw in traffic.requests(150, seed=1210 + n, national_only=True, items=n, unsupported=0.1,
                                    invalid=0.03):
            if n == 0:
                raw["nature"] = "petition"        # a request with no item is only valid when it asks for no information
            reqs.append(DisclosureRequest.model_validate(raw))
    assert {len(r.items) for r in reqs} == set(range(8))
    want = [(_parts(plain, r), _text(plain, r)) for r in reqs]
    for _ in range(2):
        assert [(_parts(fast, r), _text(fast, r)) for r in reqs] == want
    assert any(w[0].startswith("UnsupportedInputError items.") for w in want)
    assert sum(w[0].startswith("[") for w in want) > 1000


def test_the_hot_path_of_decide_raw_and_parts_leaves_the_rest_to_the_walk():
    """``decide_raw`` and ``_decide_parts`` take a typed request received on a day whose compiled stretch is known
    straight to that stretch's function. Everything else must still answer as the plain walk does, on days already
    known: a receipt date before ``submitted_on`` or missing for the channel, another channel (post: the day it was
    signed for), the pack named or another one named, typed or not, ``--explain``."""
    fast, plain = zwgk_rules.Engine(), zwgk_rules.Engine(compiled=False)
    raws = list(traffic.requests(600, seed=1220, national_only=True, unsupported=0.1, invalid=0.03))
    for raw in raws:                   # every receipt day met once (the days around it noted: ``Engine._segment``)
        _text(fast, raw)
    assert sum(s is not None for s in fast._day_seg) > 600
    variants = []
    for k, raw in enumerate(raws):
        sub = raw.get("submission")
        if not isinstance(sub, dict) or not isinstance(sub.get("submitted_on"), str):
            continue
        day = dt.date.fromisoformat(sub["submitted_on"])
        variants.append(raw)
        variants.append({**raw, "jurisdiction": "cn"})
        variants.append({**raw, "jurisdiction": "cn-sh"})
        for field in ("confirmed_on", "signed_on"):
            if field in sub:
                variants.append({**raw, "submission": {**sub, field: str(day - dt.timedelta(days=1 + k % 3))}})
                variants.append({**raw, "submission": {k2: v for k2, v in sub.items() if k2 != field}})
        variants.append({**raw, "submission": {**sub, "channel": "post", "signed_on": str(day + dt.timedelta(days=k % 4))}})
        variants.append({**raw, "submission": {**sub, "channel": "in_person"}})
    typed = 0
    for k, raw in enumerate(variants):
        try:
            request = DisclosureRequest.model_validate(raw)
            typed += 1
        except Exception:
            request = raw
        explain = k % 7 == 0
        assert _text(fast, request, explain) == _text(plain, request, explain), raw
        assert _parts(fast, request) == _parts(plain, request), raw
    assert typed > 2000


def test_the_dates_kept_per_day_give_what_the_procedure_gives_on_every_day():
    """``Segment.dates`` keeps the due dates of a receipt day as a tuple, and ``compile_run`` builds the deadline
    around the request's own receipt date. On every day of long stretches (both regulations and the change between
    them, year ends, the calendar's last days) a request whose dates depend on its receipt day alone answers as the
    plain walk: the first time (its block of days worked out) and again (from what was kept), for ``decide_raw``
    and the command line's parts. A day kept as False (a deadline of another shape) takes the deadline procedure."""
    fast, plain = zwgk_rules.Engine(), zwgk_rules.Engine(compiled=False)
    one = dt.timedelta(days=1)
    end = fast.calendar.end
    days = []
    for first, n in ((dt.date(2008, 4, 25), 100), (dt.date(2012, 12, 10), 40), (dt.date(2019, 4, 20), 60),
                     (end - 70 * one, 71)):
        days += [first + k * one for k in range(n)]

    def req(day, channel="in_person"):
        extra = {"post": {"signed_on": day.isoformat()}, "online": {"confirmed_on": day.isoformat()}}.get(channel, {})
        return DisclosureRequest.model_validate({"submission": {"channel": channel, "submitted_on": day.isoformat(),
                                                                **extra},
                                                 "items": [{"description": "x", "proactively_published": True}]})

    for day in days:
        for channel in ("in_person", "online", "in_person"):
            r = req(day, channel)
            assert _text(fast, r) == _text(plain, r), day
            assert _parts(fast, r) == _parts(plain, r), day
    kept = [x for seg in fast._segments.values() for x in seg.dates if x is not None]
    assert len(kept) > 250 and all(x.__class__ is tuple and len(x) == 3 for x in kept)
    i = dt.date(2019, 6, 3).toordinal() - fast._base
    seg = fast._day_seg[i]
    # the day's dates, kept: due 20 working days on (6-7 is 端午节), extended 20 more; 2019 has its official notice
    assert seg.dates[i] == (dt.date(2019, 7, 2), dt.date(2019, 7, 30), False)
    seg.dates[i] = False            # a day whose deadline has another shape
    r = req(dt.date(2019, 6, 3))
    assert _text(fast, r) == _text(plain, r)
    assert json.loads(_text(fast, r))["deadline"]["due"] == "2019-07-02"      # 20 working days: 6-7 is 端午节



def test_a_day_whose_deadline_has_another_shape_is_not_kept_by_its_dates():
    """``Segment.dates_on`` keeps a day's three dates only where the procedure's deadline for that day is exactly the
    one ``compile_run`` rebuilds from them (the same keys in the same order, the same values, the same trace, no
    warning); otherwise it keeps False and the request goes the whole way. National law gives no such day, so the
    procedure is made to give one here (a deadline whose period starts the next day; one with a key renamed; one
    with a warning), and the day beside it stays kept."""
    eng = zwgk_rules.Engine()
    day, nxt = dt.date(2019, 6, 3), dt.date(2019, 6, 4)
    r = DisclosureRequest.model_validate({"submission": {"channel": "in_person", "submitted_on": day.isoformat()},
                                          "items": [{"description": "x", "proactively_published": True}]})
    eng.decide_raw(r)
    eng.decide_raw(r)           # the second request of the stretch compiles it
    i = day.toordinal() - eng._base
    seg = eng._day_seg[i]
    assert seg.dates[i] == (dt.date(2019, 7, 2), dt.date(2019, 7, 30), False)     # 6-7 is 端午节
    real = seg.deadline

    def shifted(rd, received, cstatus, asks):
        dd, steps, warned = real(rd, received, cstatus, asks)
        if received == day:
            dd = {**dd, "reply_period_starts": nxt}
        return dd, steps, warned

    def renamed(rd, received, cstatus, asks):
        dd, steps, warned = real(rd, received, cstatus, asks)
        if received == day:         # the same values in the same order, under another key
            dd = {("days_excluded" if k == "excluded_days" else k): v for k, v in dd.items()}
        return dd, steps, warned

    def warned_on(rd, received, cstatus, asks):
        dd, steps, warned = real(rd, received, cstatus, asks)
        return dd, steps, (("a warning",) if received == day else warned)

    for made in (shifted, renamed, warned_on):
        seg.deadline = made
        seg.dates[:] = [None] * len(seg.dates)
        assert seg.dates_on(day) is False, made.__name__
        assert seg.dates[i + 1] == (dt.date(2019, 7, 3), dt.date(2019, 7, 31), False), made.__name__
    seg.deadline = real
    seg.dates[:] = [None] * len(seg.dates)
    assert seg.dates_on(day) == (dt.date(2019, 7, 2), dt.date(2019, 7, 30), False)

def test_an_item_answer_holds_each_citation_and_action_once():
    """``compile_plan`` takes the first item's basis and actions as they are (later items' are merged in, each
    citation by identity and action once): that holds only because an item's answer (``_pipeline.compose_item``)
    names each citation and action once. Checked on every answer diverse traffic makes, in every pack."""
    seen = 0
    for jur in ("cn", *traffic.PACKS[-3:]):
        e = zwgk_rules.Engine(jur)
        for raw in traffic.requests(1500, seed=1230, items=4):
            if raw["jurisdiction"] == jur:
                _text(e, DisclosureRequest.model_validate(raw))
        for a in e._item_cache.values():
            assert len({id(b) for b in a["basis"]}) == len(a["basis"])
            assert len(set(a["actions"])) == len(a["actions"])
            seen += 1
    assert seen > 300


def test_a_stretch_is_compiled_the_second_time_it_is_needed_and_the_first_request_goes_the_plain_way():
    """Tiered: the first request of a stretch is decided by the plain walk (compiling costs ~13 ms, that walk
    0.4 ms: a one-line ``zwgk decide`` compiles nothing), the second compiles the stretch; the answers are the
    plain engine's throughout."""
    fast, plain = zwgk_rules.Engine(), zwgk_rules.Engine(compiled=False)

    def req(day):
        return DisclosureRequest.model_validate({"id": day, "submission": {"channel": "in_person", "submitted_on": day},
                                                 "items": [{"description": "x", "categories": ["internal_affairs"]}]})
    first, second, old = req("2026-03-02"), req("2026-03-03"), req("2012-05-07")
    assert _text(fast, first) == _text(plain, first) and fast._segments == {}
    assert _text(fast, old) == _text(plain, old) and fast._segments == {}             # another stretch, seen once
    assert _text(fast, second) == _text(plain, second) and len(fast._segments) == 1   # seen twice: compiled
    (seg,) = fast._segments.values()
    assert seg.regime.id == "ogi-2019" and seg.run is not None
    assert _text(fast, first) == _text(plain, first) and len(fast._segments) == 1
    assert fast.decide_raw(second.model_dump(mode="json")) == plain.decide_raw(second.model_dump(mode="json"))


_LONG_LIVED: dict = {}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2 ** 32 - 1), reorder=st.sampled_from(("reversed", "first_again", "rotated")))
def test_a_long_lived_engine_answers_new_combinations_of_items_as_the_plain_walk(seed, reorder):
    """One compiled engine lives across all examples (its memos warm, its item answers one object per content and
    its plans kept on them); each answer is compared with a fresh plain engine's (no memo met before, so no answer
    kept from another request): each example draws diverse requests (tests/traffic.py, 1–6 items, old-regime ones
    with what only 2019 provides, input errors) and the same requests with their items reordered or one repeated
    (new combinations of answers met before); the answers are the same JSON text."""
    import random
    if not _LONG_LIVED:
        _LONG_LIVED["fast"] = zwgk_rules.Engine()
    fast = _LONG_LIVED["fast"]
    rnd = random.Random(seed)
    for k in range(12):
        raw = traffic.request(rnd, k, rnd.choice((None, None, 2, 3, 4)), national_only=True, unsupported=0.05,
                              invalid=0.02)
        variants = [raw]
        its = raw.get("items") or []
        if len(its) > 1:
            moved = {"reversed": its[::-1], "first_again": [*its, its[0]], "rotated": [*its[1:], its[0]]}[reorder]
            variants.append({**raw, "items": moved})
        for r in variants:
            try:
                request = DisclosureRequest.model_validate(r)
            except Exception:             # an input error of the model itself: nothing of the engines' to compare
                continue
            assert _text(fast, request) == _text(zwgk_rules.Engine(compiled=False), request), r


def test_plans_are_kept_on_their_item_answers_and_the_memo_keys_are_flat():
    """The compiled path keys a plan of several items on the request table's result, ``plain`` and one
    ``_compile.Kept`` per item answer (compared by identity, no ``id()`` numbers); each ``Kept`` holds the very answer
    the plan's items hold, in the items' order, and an answer has one ``Kept``. A plan of one item is kept on that
    ``Kept`` (``p1`` plain, ``p0`` not) by the request table's result, its items the ``Kept``'s own tuple. The memo
    keys of the facts are flat: the only tuples in them are the values of set fields (``categories``)."""
    e = zwgk_rules.Engine()
    for raw in traffic.requests(2000, seed=1301):         # 1–6 items
        if raw["jurisdiction"] == "cn":
            try:
                _text(e, DisclosureRequest.model_validate(raw))
            except ZwgkError:
                pass
    kept_keys = {1: 0, 2: 0, 3: 0}
    for key, plan in e._cplans.items():
        held = key[2:]
        if key[0].value == PROCEED:
            assert all(k.__class__ is _compile.Kept for k in held), key
            assert len(held) != 1 and len(held) == len(plan.items), key
            assert all(k.a is a for k, a in zip(held, plan.items)), key
            kept_keys[min(len(held), 3)] += 1
        else:
            assert len(held) == 1 and held[0].__class__ is int      # no items read: their number
    for k in e._kepts.values():
        for plain, plans in ((False, k.p0), (True, k.p1)):
            for rres, plan in plans.items():
                assert rres.value == PROCEED and plan.items is k.one and k.one == (k.a,), (rres, plan)
                assert plan.basis is k.a["basis"] and plan.actions is k.a["actions"]
                assert plan.dates_only == (plain and not plan.asks_correction)
                kept_keys[1] += 1
    # plans of one and two items are kept; of three or more (MEMO_MAX_ITEMS: 2) none, as their combinations
    # seldom come again (diverse traffic: 39 % of three-item plans and 80 % of four-item ones were new)
    assert MEMO_MAX_ITEMS == 2 and kept_keys[1] > 50 and kept_keys[2] > 50 and kept_keys[3] == 0, kept_keys
    assert len({id(k.a) for k in e._kepts.values()}) == len(e._kepts)
    assert all(e._kepts[id(k.a)] is k for k in e._kepts.values())
    n = 0
    for seg in e._segments.values():
        for _, known in seg.tables:
            for key in known:
                assert key.__class__ is tuple and all(x.__class__ is not tuple or x == () or x[0].__class__ is str
                                                      for x in key), key
                n += 1
    assert n > 100


@pytest.mark.parametrize("limits", [{"_ITEM_LIMIT": 8}, {"_PLANS_PER_ANSWER": 1}])
def test_the_kept_answers_and_their_plans_are_bounded(monkeypatch, limits):
    """``Engine._kepts`` is bounded as the item answers are: cleared when they are (``_ITEM_LIMIT``); the plans kept
    on one answer by ``_PLANS_PER_ANSWER``; the answers stay right after either is cleared."""
    from zwgk_rules import _engine
    for name, value in limits.items():
        monkeypatch.setattr(_engine, name, value)
    e, plain = zwgk_rules.Engine(), zwgk_rules.Engine(compiled=False)
    for raw in traffic.requests(600, seed=1302):
        if raw["jurisdiction"] == "cn":
            r = DisclosureRequest.model_validate(raw)
            try:
                want = _text(plain, r)
            except ZwgkError:
                continue
            assert _text(e, r) == want
            assert len(e._kepts) <= _engine._ITEM_LIMIT
            assert all(len(k.p0) <= _engine._PLANS_PER_ANSWER and len(k.p1) <= _engine._PLANS_PER_ANSWER
                       for k in e._kepts.values())


def test_a_full_dict_of_plans_on_an_answer_is_cleared_before_it_grows(monkeypatch):
    """On traffic an answer's ``p0`` and ``p1`` hold one plan for each result of the request table that proceeds (the
    results are canonical: one or two per stretch), so the cap ``_PLANS_PER_ANSWER`` is never reached there; the
    function that keeps them (``keep1``, bound into the generated code) is checked on its own: a full dict is cleared
    before the new plan goes in."""
    from zwgk_rules import _engine
    monkeypatch.setattr(_engine, "_PLANS_PER_ANSWER", 3)
    e = zwgk_rules.Engine()
    r = DisclosureRequest.model_validate({"submission": {"channel": "in_person", "submitted_on": "2024-03-04"},
                                          "items": [{"description": "x"}]})
    for _ in range(3):
        want = _text(e, r)
    seg = next(iter(e._segments.values()))
    keep1 = next(c.cell_contents for c in seg.raw.__closure__ if getattr(c.cell_contents, "__name__", "") == "keep1")
    (k,) = e._kepts.values()
    (rres, plan), = k.p1.items()
    pd = {object(): None, object(): None, object(): None}
    got = keep1(pd, rres, k, True)
    assert pd == {rres: got} and got == plan and got.items is k.one
    pd = {object(): None}
    keep1(pd, rres, k, True)
    assert len(pd) == 2
    assert _text(e, r) == want
