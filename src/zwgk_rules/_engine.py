"""The engine: the public face of one compiled jurisdiction, and the speed layer beside the law.

``Engine.decide`` takes a typed request and returns a typed ``Decision``; ``Engine.decide_raw``
returns the same decision as a JSON-ready dict (the command line's fast path). Dates are taken from
the request (``submission``, ``as_of``…): the engine never reads today's date.

The law is not here. How a request is decided reads top to bottom in ``_pipeline`` (and a document's
classification in ``_classify``, a message's routing in ``_interact``, the dates in ``_deadline``); this
module only calls those steps in their order, with memos in front of the costly ones. A memo never
changes an answer: ``tests/test_plan_memo.py`` compares memoised and fresh engines.
"""
from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_right
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple

from . import _classify, _interact, _pipeline
from . import _deadline as dl
from ._answers import cite, to_model, validated
from ._errors import InputError, ZwgkError
from ._limits import MEMO_MAX_ITEMS
from ._facts import item_key, request_key
from ._models import DisclosureRequest, Document
from ._compile import Kept, Segment, _Unsupported, compile_run, unsupported_error
from ._pipeline import PROCEED, Plan
from ._rulebook import Rulebook, default_rulebook
from ._tables import CompiledTable

if TYPE_CHECKING:
    from ._outputs import CaseState, Classification, Decision, Docket, MessageRouting, Notice

__all__ = ["Engine", "Parts"]

# Memo sizes. Each memo holds at most this many entries and each entry is bounded in size (plans and
# combinations are memoised only for requests of at most MEMO_MAX_ITEMS items), so memory is bounded in
# bytes (docs/limits.md gives the measured figures). A full memo is cleared and refills with the
# traffic as it comes, so a memo-hostile stream leaves no lasting slowdown.
_PLAN_LIMIT = 1 << 13      # about 2.5 KB each at most: about 20 MB per engine when full (issue 12: the CLI tree at 1M lines)
_PLANS_PER_ANSWER = 64     # plans of one-item requests kept on one item answer (``_compile.Kept``), per ``plain``
_ITEM_LIMIT = 1 << 16       # item answers, per distinct tuple of table results
_COMB_LIMIT = 1 << 14       # combinations of item answers
_DATES_LIMIT = 1 << 14      # receipt dates memoised per regime (about 45 years of days)
_BLOCK = 64                 # the days around a new receipt day whose stretch ``_segment`` notes at once


class Parts(NamedTuple):
    """A decision in parts, for the command line's encoder (``Engine._decide_parts``)."""

    plan: Plan
    regime: str
    deadline: dict
    trace: list
    warnings: list
    id: str | None               # the caller's id, echoed


_parts = Parts._make         # the typed record, built at C speed (the hot path)
#: the keys of ``decide_raw``'s answer, in order
_KEYS = ("id", "jurisdiction", "disposition", "final", "regime", "basis", "actions", "deadline", "items", "trace",
         "warnings")


class Engine:
    """Decides disclosure requests under one rule pack. Immutable; share it between threads.

    >>> engine = Engine()                    # national rules ("cn")
    >>> engine.decide({...}).disposition     # doctest: +SKIP
    """

    def __init__(self, pack: str = "cn", *, rulebook: Rulebook | None = None, backend: str = "python",
                 calendar: str | None = None, compiled: bool = True) -> None:
        """``pack``: ``"cn"`` or a local pack id. ``calendar``: use another bundled calendar than the pack's
        own (e.g. the national rules on a region's calendar, to compare a pack with the national law).
        ``compiled=False`` decides by the plain walk of ``_pipeline`` (table by table, with its memos) instead of
        the functions ``_compile`` generates from the same tables: the same answers, for tests and debugging
        (the durable backend is never compiled)."""
        self.rulebook = rulebook if rulebook is not None else default_rulebook()
        #: the compiled law this engine runs on: national rules with the pack's differences (built once,
        #: shared by every engine of the pack); the engine itself compiles nothing
        self.law = self.rulebook.jurisdiction(pack)
        self.pack = self.law.pack
        cid = calendar or self.pack.calendar
        if cid not in self.rulebook.calendars:
            raise InputError(f"未知的日历 calendar={cid!r}", field="calendar")
        self.calendar = self.rulebook.calendars[cid]
        if backend not in ("python", "durable"):
            raise ValueError(f"未知后端 backend={backend!r}（python / durable）")
        self.backend = backend
        self.compiled = bool(compiled) and backend == "python"
        self._oracle = None
        self._regime_tables = {rid: (r.request_table, r.item_tables) for rid, r in self.law.regimes.items()}
        self._classify_tables = self.law.classify_tables
        if backend == "durable":
            self._oracle = self._make_oracle()
        self._bind_eval()
        self._cit_cache: dict = {}
        self._item_cache: dict = {}
        self._comb_cache: dict = {}
        self._answers: dict = {}        # an item answer's content -> the one answer of that content (``_item_answer``)
        self._kepts: dict = {}          # id of such an answer -> its ``_compile.Kept`` (``_kept``)
        self._dparams: dict = {}
        self._dp_segments: dict = {}
        self._model_cache: dict = {}
        self._order = {c: n for n, c in enumerate(self.rulebook.dispositions)}
        self._not_final = self.rulebook.not_final
        self._pack_id = self.pack.id
        self._init_plans()

    def _init_plans(self) -> None:
        """The memo of decision plans (``_plan``), and the date cuts of each regime (where a rule or a
        parameter changes): a plan holds for receipt dates between two cuts. The durable backend is not
        memoised, so that every request really goes through it."""
        self._plans = {} if self._oracle is None else None
        self._cplans: dict = {}          # the compiled path's plans, keyed on its table results and item answers
        self._segments: dict = {}        # (regime, segment) -> _compile.Segment, built the second time it is needed
        self._sighted: set = set()       # (regime, segment) needed once so far: that request went the plain way
        # receipt day -> its Segment (the regime checked on use): a list by the day's place in the calendar (one
        # slot a day, at most ``ndays``; dense, so the hot path reads one word where a dict of dates would read
        # a hash table, an entry and a date object), and a dict for days outside the calendar (bounded)
        base, cum, _ = self.calendar._index()
        self._days = (base, len(cum))
        self._day_seg: list = [None] * (len(cum) + 1)     # the last slot stays None: "outside the calendar"
        self._base, self._ndays = self._days                # (the same, as two names for ``decide_raw``)
        self._by_day: dict = {}
        self._quick_dates = {rid: {} for rid in self._regime_tables}
        latest = self.rulebook.regimes[-1]
        self._latest = (latest, {ch: r.field for ch, r in latest.receipt.items()})
        self._rfield = self._latest[1]          # channel -> the field of its receipt date under the latest regime
        self._older = tuple(self.rulebook.regimes[:-1])      # in ``Rulebook.regime_for``'s order
        self._cuts = {rid: r.cuts for rid, r in self.law.regimes.items()}
        # each regime's parameters at a day, as the deadline procedure reads them
        self._dp_at = {rid: functools.partial(self._dp, rid) for rid in self.law.regimes}

    def __getstate__(self):
        d = self.__dict__.copy()
        d["_cit_cache"], d["_item_cache"], d["_comb_cache"], d["_dparams"], d["_oracle"] = {}, {}, {}, {}, None
        d["_answers"] = {}
        d["_kepts"] = {}
        d["_dp_segments"] = {}
        d.pop("_dp_at", None)
        d["_model_cache"] = {}
        d["_plans"] = d["_quick_dates"] = d["_cplans"] = d["_segments"] = d["_by_day"] = d["_day_seg"] = None
        d["_sighted"] = None
        d.pop("_eval", None)
        return d

    def __setstate__(self, d):
        self.__dict__.update(d)
        if self.backend == "durable":
            self._oracle = self._make_oracle()
        self._bind_eval()
        self._init_plans()

    def _make_oracle(self):
        """A durable_rules oracle over exactly the tables this engine uses (pack rules included)."""
        from ._durable import DurableOracle
        from ._facts import FieldType
        tables = []
        for rid, (rq, its) in self._regime_tables.items():
            for t in (rq, *its):
                tables.append((f"{rid}.{t.name}", t, t.fields, t.upstream))
        for t in self._classify_tables:
            tables.append((f"classify.{t.name}", t, t.fields, t.upstream))
        return DurableOracle(tables=[(label, t, {**fields, **{k: FieldType("scalar", tuple(v), "上游决策表的结论")
                                                             for k, v in ups.items()}})
                                     for label, t, fields, ups in tables])

    def _bind_eval(self) -> None:
        """``self._eval(table, facts)``: the backend's table evaluation, bound once (no per-call branch)."""
        self._eval = CompiledTable.evaluate if self._oracle is None else self._oracle.evaluate

    def _cite(self, c) -> dict:
        return cite(c, self._cit_cache)

    def _own(self, obj, what: str) -> None:
        """An input that names no jurisdiction is this engine's pack's; one that names another is an error."""
        if obj.jurisdiction != self._pack_id and "jurisdiction" in obj.model_fields_set:
            raise InputError(f"jurisdiction: 输入指明规则包 {obj.jurisdiction!r}，但本引擎按规则包 {self._pack_id!r} 办理"
                             f"（不写 jurisdiction 即按本引擎的规则包）/ the input names another pack than the engine's",
                             field="jurisdiction")

    # ------------------------------------------------------------------ 政民互动
    def interact(self, message) -> MessageRouting:
        """Route an online message (政民互动) to its handling office and reply deadline (pack rules)."""
        from ._outputs import MessageRouting
        return MessageRouting.model_validate(self.interact_raw(message))

    def interact_raw(self, message) -> dict:
        from ._models import Message
        message = validated(Message, message)
        self._own(message, "message")
        return _interact.route(message, law=self.law, calendar=self.calendar,
                               resolve=self.rulebook.statutes.resolve, cite=self._cite)

    # ------------------------------------------------------------------ a case over time
    def case(self, case: dict) -> CaseState:
        """Where a case stands on its ``as_of`` (typed). Raises InputError naming the field for a bad case."""
        from ._outputs import CaseState
        return CaseState.model_validate(self.case_raw(case))

    def case_raw(self, case: dict) -> dict:
        """Where a case (its event log and ``as_of``, CONTRACT.md "Cases over time") stands, as a JSON-ready
        dict. Raises InputError naming the field (``events.N.field``) for a bad case."""
        from . import _case
        return _case.case(self, case)

    # ------------------------------------------------------------------ the documents a case calls for
    def notice(self, case: dict) -> Notice:
        """The document ``case["notice"]`` (default the reply) for a case (typed). Raises InputError naming the
        field for a bad case, UnsupportedInputError on ``notice`` when the case does not call for it."""
        from ._outputs import Notice
        return Notice.model_validate(self.notice_raw(case))

    def notice_raw(self, case: dict) -> dict:
        """The document for a case, as a JSON-ready dict (CONTRACT.md ``notice``)."""
        from . import _notice
        return _notice.notice(self, case)

    # ------------------------------------------------------------------ many cases on one day
    def docket(self, cases: Iterable[dict], as_of: dt.date | str, *, within: int | None = None) -> "Docket":
        """The clerk's list (``zwgk docket``): every case taken on ``as_of`` (its own ``as_of`` ignored), the overdue,
        those due within ``within`` working days (default ``_docket.DEFAULT_WITHIN``, not a legal period), those
        waiting for the applicant or a consulted party, counts per status and disposition, pieces per applicant and
        month with the per-piece fee. An invalid case is listed in ``errors`` with its position (from 1), never
        raised. A case naming another pack is taken under that pack."""
        from . import _docket
        from ._outputs import Docket
        if isinstance(as_of, str):
            from ._models import _iso_date
            try:
                as_of = _iso_date(as_of)
            except ValueError as exc:
                raise InputError(f"as_of: {exc}", field="as_of") from None
        if as_of.__class__ is not dt.date:
            raise InputError("as_of: 须为日期 / must be a date", field="as_of")
        engines = {self._pack_id: self}

        def engine_for(jur: str) -> "Engine":
            if jur not in engines:
                engines[jur] = Engine(jur, rulebook=self.rulebook, backend=self.backend)
            return engines[jur]

        raw = _docket.docket(enumerate(cases, 1), as_of, within=_docket.DEFAULT_WITHIN if within is None else within,
                             engine_for=engine_for, rulebook=self.rulebook)
        return Docket.model_validate(raw)

    # ------------------------------------------------------------------ classify
    def classify(self, document: Document | dict) -> Classification:
        """The disclosure attribute (公开属性) of an official document, its basis, publication deadline
        and review route. Raises InputError (naming the field) for a bad document."""
        raw = self.classify_raw(document)
        from ._outputs import Classification
        return Classification.model_validate(raw)

    def classify_many(self, documents: Iterable[Any]) -> Iterator[Classification | ZwgkError]:
        for d in documents:
            try:
                yield self.classify(d)
            except ZwgkError as exc:
                yield exc

    def validate_document(self, document: Document | dict) -> Document:
        """A typed document, or InputError naming the offending field."""
        return validated(Document, document)

    def classify_raw(self, document: Document | dict) -> dict:
        doc = self.validate_document(document)
        self._own(doc, "document")
        return _classify.classify(doc, law=self.law, rules=self.rulebook.classify, calendar=self.calendar,
                                  evaluate=self._eval, cite=self._cite)

    # ------------------------------------------------------------------ decide
    def decide(self, request: DisclosureRequest | dict, *, explain: bool = False) -> Decision:
        """Decide one request. Raises InputError (naming the field) for a bad request."""
        raw = self.decide_raw(request, explain=explain)
        cache = self._model_cache
        if len(cache) > 1 << 16:
            cache.clear()
        return to_model(raw, cache)

    def decide_many(self, requests: Iterable[Any], *, explain: bool = False) -> Iterator[Decision | ZwgkError]:
        """Decide requests in order; a bad one yields its error instead of stopping the batch."""
        for r in requests:
            try:
                yield self.decide(r, explain=explain)
            except ZwgkError as exc:
                yield exc

    def validate(self, request: DisclosureRequest | dict) -> DisclosureRequest:
        """A typed request, or InputError naming the offending field."""
        return validated(DisclosureRequest, request)

    def decide_raw(self, request: DisclosureRequest | dict, *, explain: bool = False) -> dict:
        """The decision as a JSON-ready dict (dates as ``datetime.date``): a fresh dict; ``basis``, ``actions``
        and ``items`` are tuples (immutable) and the citation and item dicts in them read-only, since they are
        shared between answers; ``trace``, ``warnings`` and ``deadline`` are the caller's own."""
        if not explain and request.__class__ is DisclosureRequest:
            out = self._hot_rd(request.__dict__, True)
            if out is not None:
                return out
        out = self._decide(request, explain, raw=True)
        if out.__class__ is dict:           # the compiled stretch's ``raw``: the answer itself
            return out
        plan, regime_id, deadline, trace, warnings, caller_id = out
        # basis, actions and items are the plan's own tuples (immutable; their dicts read-only): nothing to copy
        if caller_id is None:
            return {"jurisdiction": self._pack_id, "disposition": plan.disposition, "final": plan.final,
                    "regime": regime_id, "basis": plan.basis, "actions": plan.actions,
                    "deadline": deadline, "items": plan.items, "trace": trace, "warnings": warnings}
        return {"id": caller_id, "jurisdiction": self._pack_id, "disposition": plan.disposition, "final": plan.final,
                "regime": regime_id, "basis": plan.basis, "actions": plan.actions,
                "deadline": deadline, "items": plan.items, "trace": trace, "warnings": warnings}

    def _decide_parts(self, request, explain: bool = False) -> Parts:
        """The decision in parts (``Parts``), for the command line's encoder (``explain``: with the days told, as
        ``Explanation`` rows)."""
        if request.__class__ is DisclosureRequest:
            out = self._hot_rd(request.__dict__, False, explain)
            if out is not None:
                return _parts(out)
        return _parts(self._decide(request, explain, rows=True))

    def _hot_rd(self, rd: dict, raw: bool, explain: bool = False):
        """The hot path of ``decide_raw`` (``raw``) and ``_decide_parts`` on a typed request's fields ``rd`` (its
        ``__dict__``; or a ``_decide_read.Record``'s, the command line's reading): for a request of this pack
        received on a day whose compiled stretch is known (``_segment``), what ``_decide`` does for it (steps 1–3,
        then the stretch's ``raw`` or ``run``; with ``explain``, ``run`` and the days told read back from its dates,
        as ``Explanation`` rows) without its branches for everything else; None for any other request (``_decide``
        takes it)."""
        sd = rd["submission"].__dict__
        channel = sd["channel"]
        received = sd[self._rfield[channel]]
        if received is None or rd["jurisdiction"] != self._pack_id:
            return None
        day = received.toordinal() - self._base
        if not 0 <= day < self._ndays:
            return None
        seg = self._day_seg[day]
        if seg is None or channel not in seg.channels or received < sd["submitted_on"]:
            return None
        corr = rd["correction"]
        cstatus = "none" if corr is None else _pipeline.correction_status(self.calendar, self._dp_at[seg.regime.id], rd)
        if corr is not None or rd["excessive"] is not None or rd["extension"] is not None or rd["consultations"]:
            _pipeline.check_dates(rd, received)
        if not explain:
            return (seg.raw if raw else seg.run)(rd, received, cstatus, day)
        out = seg.run(rd, received, cstatus, day)
        dl.explain_from(self.calendar, self._dp_at[seg.regime.id], out[2], rd, True)      # as ``_decide`` does
        return out

    def _decide(self, request, explain: bool = False, rows: bool = False, raw: bool = False) -> tuple | dict:
        """The steps of ``_pipeline`` in their order, with the memos in front of steps 4–7: the hot path under
        ``decide_raw`` and ``_decide_parts``. Returns ``Parts``' fields as a bare tuple, or with ``raw`` where a
        compiled stretch decides without ``explain``, ``decide_raw``'s answer (``_compile.compile_run``)."""
        req = request if request.__class__ is DisclosureRequest else self.validate(request)
        # hot path: fields are read from the models' __dict__ (pydantic's __getattr__ slows attribute access)
        rd = req.__dict__
        if rd["jurisdiction"] != self._pack_id:
            self._own(req, "request")
        # 1. receipt (第三十一条) and regime: the receipt date under the latest regime's rule for the channel; a day
        # seen before gives its compiled stretch at once, whose regime counts that day the same way (``channels``)
        sub = rd["submission"]
        sd = sub.__dict__
        regime, fields = self._latest
        channel = sd["channel"]
        received = sd[fields[channel]]
        base, ndays = self._days
        seg = None
        if received is not None:
            day = received.toordinal() - base        # the day's place in the calendar (``_day_seg``)
            if 0 <= day < ndays:
                seg = self._day_seg[day]
            else:
                seg, day = self._by_day.get(received), ndays
        if seg is not None and channel in seg.channels and received >= sd["submitted_on"]:
            regime = seg.regime
        else:
            if received is None or received < sd["submitted_on"]:
                regime, received = _pipeline.regime_and_receipt(self.rulebook, sub)
            elif received < regime.start:
                regime = self._earlier(channel, received)
                if regime is None:
                    regime, received = _pipeline.regime_and_receipt(self.rulebook, sub)
            day = received.toordinal() - base
            if not 0 <= day < ndays:
                day = ndays
        rid = regime.id
        # 2. 补正 (第三十条) and 3. possible dates
        corr = rd["correction"]
        cstatus = "none" if corr is None else _pipeline.correction_status(self.calendar, self._dp_at[rid], rd)
        if corr is not None or rd["excessive"] is not None or rd["extension"] is not None or rd["consultations"]:
            _pipeline.check_dates(rd, received)
        if self.compiled:
            # 4–7 by the functions ``_compile`` generated for the regime's stretch of days around ``received``
            if seg is None or seg.regime is not regime:
                seg = self._segment(rid, received)
            if seg is not None:
                if not explain:
                    return (seg.raw if raw else seg.run)(rd, received, cstatus, day)     # the warning below included
                out = seg.run(rd, received, cstatus, day)
                # the days told, read back from the compiled dates (the general procedure is not run again)
                dl.explain_from(self.calendar, self._dp_at[rid], out[2], rd, rows)
                return out
        plan, deadline, trace, warnings = self._plain(req, rd, regime, received, cstatus, explain, rows)
        extension = rd["extension"]
        if extension is not None and dl.extension_after_due(extension, deadline):
            warnings.append("extension_after_due")      # approved only after the reply period had run out
        return plan, rid, deadline, trace, warnings, rd["id"]

    # ------------------------------------------------------------------ the speed layer
    def _earlier(self, channel: str, received: dt.date):
        """The earlier regime in force on ``received`` (the receipt date under the latest regime's rules), when its
        own rule for ``channel`` names the same date field, so that the receipt date is the same under it; else
        None (``_pipeline.regime_and_receipt`` decides, and raises what it finds wrong)."""
        field = self._latest[1][channel]
        for regime in self._older:
            if regime.covers(received):
                return regime if regime.receipt[channel].field == field else None
        return None

    def _plain(self, req, rd: dict, regime, received: dt.date, cstatus: str, explain: bool, rows: bool) -> tuple:
        """Steps 4–7 by the plain walk (``compiled=False``, and the durable backend), with the memos in front."""
        rid = regime.id
        # 4–6. the tables: memoised per regime, date segment and facts
        plans = self._plans
        if plans is not None and len(rd["items"]) <= MEMO_MAX_ITEMS:
            key = (rid, bisect_right(self._cuts[rid], received), request_key(rd, cstatus),
                   *map(item_key, rd["items"]))
            plan = plans.get(key)
            if plan is None:
                plan = self._plan(req, rid, received, cstatus)
                if len(plans) >= _PLAN_LIMIT:
                    plans.clear()
                plans[key] = plan
        else:       # the durable backend (every request goes through it), or a large request
            plan = self._plan(req, rid, received, cstatus)
        # 7. the dates (第三十条至第三十五条): one procedure, its result memoised per receipt date when the
        # dates depend on nothing else; each caller gets its own copy
        if plan.dates_only and not rd["consultations"] and not explain and self._plans is not None:
            memo = self._quick_dates[rid]
            hit = memo.get(received)
            if hit is None:
                hit = dl.compute(self.calendar, self._dp_at[rid], regime.steps, rd, received, cstatus,
                                 plan.asks_correction)
                if len(memo) >= _DATES_LIMIT:
                    memo.clear()
                memo[received] = hit
            return plan, hit.deadline.copy(), [*plan.trace, *hit.trace], list(hit.warnings)
        deadline, steps, warned = dl.compute(self.calendar, self._dp_at[rid], regime.steps, rd, received,
                                             cstatus, plan.asks_correction, explain=explain, explain_rows=rows)
        return plan, deadline, [*plan.trace, *steps], list(warned)

    def _segment(self, rid: str, day: dt.date) -> Segment | None:
        """The compiled functions of the regime's stretch of days around ``day``, kept by day (``_by_day``: at
        most one entry per day of the calendar and regime); None the first time the stretch is needed.

        Tiered, as a JIT is: compiling a stretch costs about 13 ms (28 M instructions), the plain walk of its
        first request 0.4 ms. So the first request of a stretch goes the plain way (the same answer: the tests
        compare the two on every kind of request), and the stretch is compiled when a second one needs it. A
        one-line ``zwgk decide`` compiles nothing; a batch compiles each stretch it meets twice, as before."""
        k = bisect_right(self._cuts[rid], day)
        seg = self._segments.get((rid, k))
        if seg is None:
            if (rid, k) not in self._sighted:
                self._sighted.add((rid, k))
                return None
            seg = self._segments[(rid, k)] = self._new_segment(rid, k, day)
        base, ndays = self._days
        day_seg, o = self._day_seg, day.toordinal()
        if not 0 <= o - base < ndays:             # outside the calendar: kept by date, that day alone
            if len(self._by_day) >= _DATES_LIMIT:
                self._by_day.clear()
            self._by_day[day] = seg
            return seg
        day_seg[o - base] = seg
        # and the days around it that fall in the same stretch of the regime in force on them
        regime, lo, hi, regime_for = seg.regime, seg.lo, seg.hi, self.rulebook.regime_for
        first = o // _BLOCK * _BLOCK
        for o in range(max(first, base), min(first + _BLOCK, base + ndays)):
            d = dt.date.fromordinal(o)
            if lo <= d < hi and day_seg[o - base] is None and regime.covers(d):
                try:
                    if regime_for(d) is regime:
                        day_seg[o - base] = seg
                except InputError:
                    pass
        return seg

    def _new_segment(self, rid: str, k: int, day: dt.date) -> Segment:
        cuts = self._cuts[rid]
        lo = cuts[k - 1] if k else dt.date.min            # the stretch: lo <= day < hi
        hi = cuts[k] if k < len(cuts) else dt.date.max
        law = self.law.regimes[rid]
        seg = Segment(law, day, self._item_cache, self._item_answer, self._kept, self.calendar, self._dp(rid, day),
                      self._dp_at[rid], law.regime.steps, lo, hi, self.rulebook.combination, self._order,
                      self._not_final)
        latest = self._latest[1]
        seg.channels = frozenset(ch for ch, r in law.regime.receipt.items() if latest.get(ch) == r.field)
        self._paths(seg)
        return seg

    def _paths(self, seg: Segment) -> None:
        """The stretch's steps 4–7 over its functions and the engine's memo of plans, in one generated function
        (``_compile.compile_run``): ``seg.run(rd, received, cstatus, day)``: the request table's result, each item's
        answer, and the plan they make (``_pipeline.assemble``), kept per distinct result and answers (answers are
        memoised singletons, each with one ``_compile.Kept``: a plan of several items is kept in ``_cplans`` on the
        tuple of their ``Kept``, one of one item on its ``Kept`` itself, ``keep1``), then the dates (step 7) ->
        ``Parts``' fields as a bare tuple (``day``: the receipt day's place in the calendar, ``Segment.dates``; past
        the end: outside it); ``seg.raw``: the same as ``decide_raw``'s answer. ``--explain`` reads the days told
        back from ``seg.run``'s dates (``_deadline.explain_from``)."""
        item, plan_of, deadline_of, dates, dates_on = seg.item, seg.plan, seg.deadline, seg.dates, seg.dates_on
        cplans, assemble, law, rid, after_due = self._cplans, self._assemble, seg.law, seg.regime.id, dl.extension_after_due

        def miss(rres, answers, plain: bool, cstatus: str, rd: dict, key) -> Plan:
            """A plan not kept yet (``compile_run``): assembled, then kept."""
            plan = assemble(law, rres, None, len(rd["items"]), cstatus, rd) if answers is None \
                else plan_of(rres, answers, plain)
            if len(cplans) >= _PLAN_LIMIT:
                cplans.clear()
            cplans[key] = plan
            return plan

        def keep1(pd: dict, rres, k, plain: bool) -> Plan:
            """The plan of a request of one item not kept yet (``compile_run``): made, then kept on its answer's
            ``Kept`` (``pd``: its ``p0`` or ``p1``), at most ``_PLANS_PER_ANSWER`` there."""
            plan = plan_of(rres, k.one, plain)
            if len(pd) >= _PLANS_PER_ANSWER:
                pd.clear()
            pd[rres] = plan
            return plan

        def item_error(items) -> ZwgkError:
            for i, it in enumerate(items):      # the first item the law has no provision for, as the walk finds it
                try:
                    item(it)
                except _Unsupported as exc:
                    return unsupported_error(exc.result, f"items.{i}.")
            raise AssertionError("an item table gave no answer, yet every item has one")

        env = {"plans": cplans, "miss": miss, "keep1": keep1, "plan": plan_of, "dates": dates, "dates_on": dates_on,
               "deadline": deadline_of, "after_due": after_due, "unsupported_error": unsupported_error,
               "item_error": item_error, "rid": rid, "pack": self._pack_id, "proceed": PROCEED, "cid": seg.cid,
               "steps": seg.steps,
               "limit": MEMO_MAX_ITEMS, "none": "none", "late": "extension_after_due",
               "fields": itemgetter("items", "excessive", "consultations", "extension", "id"), "keys": _KEYS}
        seg.run, seg.raw = compile_run(law, *seg.tables, env)

    def _assemble(self, law, rres, answers, n, cstatus, rd) -> Plan:
        # the plans are kept on the item answers already: no memo of combinations in front of ``combine``
        return _pipeline.assemble(law, rres, answers, n, cstatus, rd["excessive"] is None,
                                  item_answer=self._item_answer, combined=self._combine, cite=self._cite,
                                  not_final=self._not_final)

    def _combine(self, items: tuple):
        return _pipeline.combine(self.rulebook.combination, self._order, items)

    def _plan(self, req, regime_id: str, received: dt.date, cstatus: str) -> Plan:
        """Steps 4–6 of the pipeline, with item answers and combinations memoised."""
        return _pipeline.plan(req, self.law.regimes[regime_id], received, cstatus, evaluate=self._eval, item_answer=self._item_answer,
                              combined=self._combined, cite=self._cite, not_final=self._not_final)

    def _item_answer(self, tables, results: tuple):
        """``_pipeline.compose_item``, memoised per distinct tuple of table results, and one object per distinct
        answer: tables reach the same answer by many sets of applicable rules (a few hundred tuples of results give
        about a hundred answers on diverse traffic), and the plans are kept on the answers' identities, so equal
        answers made one object make far fewer plans to merge (``_compile.compile_plan``)."""
        key = results if tables else ("request", results)
        out = self._item_cache.get(key)
        if out is None:
            out = _pipeline.compose_item(tables, results, self._cite)
            # the answer's content: its citations by identity (one shared dict per article, ``cite``), held by the
            # kept answer, so that an id in a key cannot be reused while the key is kept
            content = tuple((k, tuple(map(id, v)) if k == "basis" else v) for k, v in out.items())
            if len(self._item_cache) >= _ITEM_LIMIT:
                self._item_cache.clear()
                self._answers.clear()
                self._kepts.clear()
            out = self._answers.setdefault(content, out)
            self._item_cache[key] = out
        return out

    def _kept(self, answer) -> Kept:
        """The one ``Kept`` of an item answer (``_item_answer``'s), for the compiled path's keys; its entry holds the
        answer, so that its id is not reused while it is kept (cleared with ``_answers``)."""
        k = self._kepts.get(id(answer))
        if k is None:
            k = self._kepts[id(answer)] = Kept(answer)
        return k

    def _combined(self, items: tuple):
        """``_pipeline.combine``: item answers are memoised singletons, so each distinct tuple of them is
        combined once (for requests of at most MEMO_MAX_ITEMS items: a longer key would make the memo large)."""
        steps, order = self.rulebook.combination, self._order
        if len(items) > MEMO_MAX_ITEMS:
            return _pipeline.combine(steps, order, items)
        ckey = tuple(map(id, items))
        hit = self._comb_cache.get(ckey)
        if hit is None or any(a is not b for a, b in zip(hit[0], items)):
            hit = (items, _pipeline.combine(steps, order, items))
            if len(self._comb_cache) >= _COMB_LIMIT:
                self._comb_cache.clear()
            self._comb_cache[ckey] = hit
        return hit[1]

    def _dp(self, regime_id: str, day: dt.date) -> dl.DeadlineParams:
        """The regime's deadline parameters in force on ``day``: one per date segment (within one, no parameter
        changes), memoised by day."""
        by_day = self._dparams.get(regime_id)
        if by_day is None:
            by_day = self._dparams[regime_id] = {}
        hit = by_day.get(day)
        if hit is None:
            seg = bisect_right(self._cuts[regime_id], day)
            hit = self._dp_segments.get((regime_id, seg))
            if hit is None:
                hit = self._dp_segments[(regime_id, seg)] = dl.deadline_params(self.law, regime_id, day)
            if len(by_day) >= _DATES_LIMIT:
                by_day.clear()
            by_day[day] = hit
        return hit
