"""The engine: interprets the compiled rules. It holds no legal content of its own.

``Engine.decide`` takes a typed request and returns a typed ``Decision``; ``Engine.decide_raw``
returns the same decision as a JSON-ready dict (the command line's fast path). Dates are taken from
the request (``submission``, ``as_of``…): the engine never reads today's date.
"""
from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_right
from typing import Any, Iterable, Iterator, NamedTuple

from pydantic import ValidationError

from . import _deadline as dl
from ._errors import InputError, UnsupportedInputError, ZwgkError
from ._limits import MEMO_MAX_ITEMS, closest, echo
from ._facts import document_facts, item_facts, item_key, request_facts, request_key
from ._models import (CitationOut, Classification, Deadline, DeadlineStep, Decision, DisclosureRequest, Document,
                      ItemDecision, MessageRouting, ReadOnlyDict)
from ._rulebook import Regime, Rulebook, default_rulebook
from ._statutes import Citation
from ._tables import CompiledTable

# Memo sizes. Each memo holds at most this many entries and each entry is bounded in size (plans and
# combinations are memoised only for requests of at most MEMO_MAX_ITEMS items), so memory is bounded in
# bytes (docs/limits.md gives the measured figures). A full memo is cleared and refills with the
# traffic as it comes, so a memo-hostile stream leaves no lasting slowdown.
_PLAN_LIMIT = 1 << 14      # about 2.5 KB each at most: about 40 MB per engine when full
_ITEM_LIMIT = 1 << 16       # item answers, per distinct tuple of table results
_COMB_LIMIT = 1 << 14       # combinations of item answers
_DATES_LIMIT = 1 << 14      # receipt dates memoised per regime (about 45 years of days)


def validation_error(exc: ValidationError, prefix: str = "") -> InputError:
    """A pydantic error as an InputError naming the dotted field path (first error)."""
    e = exc.errors()[0]
    loc = [str(p) for p in e["loc"]]
    # pydantic puts union/tag branches into loc; keep the field path only
    loc = [p for p in loc if not p.startswith(("function-", "literal[", "bool", "tagged-union"))]
    field = ".".join(loc) or None
    msg = e["msg"].removeprefix("Value error, ")
    kind = e["type"]
    if kind == "extra_forbidden":
        msg = "未知字段 (unknown field)"
    elif kind == "missing":
        msg = "缺少必填字段 (field required)"
    elif kind in ("literal_error", "enum"):
        msg = f"取值无效 (invalid value) {echo(e.get('input'))}；{e['msg']}"
    elif kind == "bool_type":
        msg = f"须为 true 或 false (must be a JSON boolean)，收到 {echo(e.get('input'))}"
    elif kind in ("string_too_long", "too_long"):
        msg = f"超过长度上限 (too long)：{e['msg']}"
    elif field is None and "items" in msg:
        field = "items"
    if prefix and field:
        field = f"{prefix}.{field}"
    return InputError(f"{field or '输入'}: {msg}", field=field)


def _validated(model, obj):
    if isinstance(obj, model):
        return obj
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        raise validation_error(exc) from None
    except RecursionError:      # an input nested thousands deep, where no field nests at all
        raise InputError("输入嵌套过深 / input nested too deeply") from None


def _cit(c: Citation, cache: dict) -> dict:
    d = cache.get(c)
    if d is None:
        d = cache[c] = ReadOnlyDict(c.to_dict())
    return d


class Plan(NamedTuple):
    """Everything in a decision but its dates (``Engine._plan``): memoised per regime, date segment and facts."""

    disposition: str
    basis: tuple                 # citation dicts (read-only)
    actions: tuple
    items: tuple                 # item answers (read-only dicts)
    trace: tuple
    asks_correction: bool
    memo: dict | None            # the regime's per-receipt-date memo of deadlines, when the dates depend on nothing else
    final: bool


class Parts(NamedTuple):
    """A decision in parts, for the command line's encoder (``Engine._decide_parts``)."""

    plan: Plan
    regime: str
    deadline: dict
    trace: list
    warnings: list
    id: str | None               # the caller's id, echoed


_parts = Parts._make         # the typed record, built at C speed (the hot path)


class Engine:
    """Decides disclosure requests under one rule pack. Immutable; share it between threads.

    >>> engine = Engine()                    # national rules ("cn")
    >>> engine.decide({...}).disposition     # doctest: +SKIP
    """

    def __init__(self, pack: str = "cn", *, rulebook: Rulebook | None = None, backend: str = "python",
                 calendar: str | None = None) -> None:
        """``pack``: ``"cn"`` or a local pack id. ``calendar``: use another bundled calendar than the pack's
        own (e.g. the national rules on a region's calendar, to compare a pack with the national law)."""
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
        self._oracle = None
        self._regime_tables = {rid: (r.request_table, r.item_tables) for rid, r in self.law.regimes.items()}
        self._classify_tables = self.law.classify_tables
        if backend == "durable":
            self._oracle = self._make_oracle()
        self._bind_eval()
        self._cit_cache: dict = {}
        self._item_cache: dict = {}
        self._comb_cache: dict = {}
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
        self._quick_dates = {rid: {} for rid in self._regime_tables}
        latest = self.rulebook.regimes[-1]
        self._latest = (latest, {ch: r.field for ch, r in latest.receipt.items()})
        self._cuts = {rid: r.cuts for rid, r in self.law.regimes.items()}
        # each regime's parameters at a day, as the deadline procedure reads them
        self._dp_at = {rid: functools.partial(self._dp, rid) for rid in self.law.regimes}

    def __getstate__(self):
        d = self.__dict__.copy()
        d["_cit_cache"], d["_item_cache"], d["_comb_cache"], d["_dparams"], d["_oracle"] = {}, {}, {}, {}, None
        d["_dp_segments"] = {}
        d.pop("_dp_at", None)
        d["_model_cache"] = {}
        d["_plans"] = d["_quick_dates"] = None
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

    def interact(self, message) -> MessageRouting:
        """Route an online message (政民互动) to its handling office and reply deadline (pack rules)."""
        return MessageRouting.model_validate(self.interact_raw(message))

    def interact_raw(self, message) -> dict:
        from ._models import Message
        message = _validated(Message, message)
        if message.jurisdiction != self.pack.id:
            raise InputError(f"jurisdiction={message.jurisdiction!r} 与引擎的规则包 {self.pack.id!r} 不一致",
                             field="jurisdiction")
        spec = self.pack.spec
        inter = spec.interaction if spec is not None else None
        if inter is None:
            raise UnsupportedInputError(f"jurisdiction: 规则包 {self.pack.id} 没有政民互动（网上留言）办理规定",
                                        field="jurisdiction")
        kinds = {k.kind: k for k in inter.kinds}
        kd = kinds.get(message.kind)
        if kd is None:
            close = closest(message.kind, kinds)
            hint = f"（是否应为 {close!r}）" if close else ""
            raise InputError(f"kind: 未知的留言类别 {message.kind!r}{hint}；可选：{list(kinds)}", field="kind")
        cal = self.calendar
        due = cal.add_working_days(message.received_on, kd.due_days)
        earliest = cal.add_working_days(message.received_on, kd.min_days) if kd.min_days else None
        ext = cal.add_working_days(message.received_on, kd.extended_days) if kd.extended_days else None
        last = max(d for d in (due, ext) if d is not None)
        out = {"jurisdiction": self.pack.id, "kind": kd.kind, "label": kd.label, "office": kd.office,
               "route": list(kd.route), "due": due, "earliest": earliest, "extended_due": ext,
               "provisional": cal.provisional(message.received_on, last),
               "basis": [_cit(self.rulebook.statutes.resolve(b), self._cit_cache) for b in kd.basis],
               "note": kd.note}
        if message.id is not None:
            out = {"id": message.id, **out}
        return out

    def _bind_eval(self) -> None:
        """``self._eval(table, facts)``: the backend's table evaluation, bound once (no per-call branch)."""
        self._eval = CompiledTable.evaluate if self._oracle is None else self._oracle.evaluate

    # ------------------------------------------------------------------ public
    def decide(self, request: DisclosureRequest | dict, *, explain: bool = False) -> Decision:
        """Decide one request. Raises InputError (naming the field) for a bad request."""
        raw = self.decide_raw(request, explain=explain)
        cache = self._model_cache
        if len(cache) > 1 << 16:
            cache.clear()
        return _to_model(raw, cache)

    def decide_many(self, requests: Iterable[Any], *, explain: bool = False) -> Iterator[Decision | ZwgkError]:
        """Decide requests in order; a bad one yields its error instead of stopping the batch."""
        for r in requests:
            try:
                yield self.decide(r, explain=explain)
            except ZwgkError as exc:
                yield exc

    def validate(self, request: DisclosureRequest | dict) -> DisclosureRequest:
        """A typed request, or InputError naming the offending field."""
        return _validated(DisclosureRequest, request)

    # ------------------------------------------------------------------ classify
    def classify(self, document: Document | dict) -> Classification:
        """The disclosure attribute (公开属性) of an official document, its basis, publication deadline
        and review route. Raises InputError (naming the field) for a bad document."""
        raw = self.classify_raw(document)
        return Classification.model_validate(raw)

    def classify_many(self, documents: Iterable[Any]) -> Iterator[Classification | ZwgkError]:
        for d in documents:
            try:
                yield self.classify(d)
            except ZwgkError as exc:
                yield exc

    def validate_document(self, document: Document | dict) -> Document:
        """A typed document, or InputError naming the offending field."""
        return _validated(Document, document)

    def classify_raw(self, document: Document | dict) -> dict:
        doc = self.validate_document(document)
        if doc.jurisdiction != self.pack.id:
            raise InputError(f"jurisdiction={doc.jurisdiction!r} 与引擎的规则包 {self.pack.id!r} 不一致",
                             field="jurisdiction")
        cr = self.rulebook.classify
        doc_type = doc.doc_type
        if doc_type is None and not cr.recognise_from_title_end:
            raise InputError("doc_type: 须给出文种 / required", field="doc_type")
        if doc_type is None:        # classify.yaml doc_types.recognise_from_title_end: the title ends with its 文种
            title = doc.title.strip().rstrip("。.")
            for name in sorted(cr.doc_types, key=len, reverse=True):
                if title.endswith(name):
                    doc_type = name
                    break
            else:
                raise InputError(f"doc_type: 未给出文种，也不能从标题 {doc.title!r} 的结尾识别（可选：{'、'.join(cr.doc_types)}）",
                                 field="doc_type")
        if doc.formed_on < cr.start:
            raise UnsupportedInputError(f"formed_on: 本库的公开属性规则自 {cr.start.isoformat()}（2019年修订施行）起适用",
                                        field="formed_on")
        facts = document_facts(doc, doc_type)
        facts["@on"] = doc.formed_on
        results = {}
        trace: list[str] = []
        for t in self._classify_tables:
            r = self._eval(t, facts)
            if r.unsupported:
                f, m = r.unsupported
                raise UnsupportedInputError(f"{f}: {m}", field=f)
            results[t.name] = r
            facts[t.name] = r.value
            trace.extend(x for x in r.rule_ids if x not in trace)
        attr = results["attribute"]
        cc = self._cit_cache
        basis: list = []

        def add(bs):
            for b in bs:
                d = _cit(b, cc)
                if d not in basis:
                    basis.append(d)

        add(attr.basis)
        review = []
        for c in results["review"].collected:
            review.append({"step": c.value, "role": c.role, "basis": [_cit(b, cc) for b in c.basis]})
            add(c.basis)
        warnings = [c.value for c in results["warnings"].collected]
        for c in results["warnings"].collected:
            add(c.basis)
        reason = attr.value in cr.reason_required
        if reason:
            add(cr.reason_basis)
        publish_by = None
        provisional = False
        if attr.value == cr.publish_attribute:     # classify.yaml `publish`: 第二十六条
            name = f"classify.{cr.publish_period}"
            period = self.law.at(name, doc.formed_on)
            publish_by = self.calendar.add_working_days(doc.formed_on, period.value)
            add(period.basis)
            provisional = self.calendar.provisional(doc.formed_on, publish_by)
            trace.append(name)
        periods = []
        for prm in self.law.periods:       # periods the national law leaves to the pack, where it gives one
            v = prm.at(doc.formed_on)
            if v is None or v.value is None or v.source == "national" or not prm.applies_when(facts):
                continue
            shown = prm.national.reported_as
            entry = {"kind": shown.period, "min_days": v.value if shown.bound == "min" else None,
                     "max_days": v.value if shown.bound == "max" else None,
                     "unit": prm.unit or prm.national.unit or "", "basis": [_cit(b, cc) for b in v.basis]}
            periods.append(entry)
            add(v.basis)
        out = {"jurisdiction": self.pack.id, "doc_type": doc_type, "attribute": attr.value, "basis": basis,
               "publish_by": publish_by, "provisional": provisional, "reason_required": reason,
               "review": review, "periods": periods, "warnings": warnings, "trace": trace}
        if doc.id is not None:
            out = {"id": doc.id, **out}
        return out

    # ------------------------------------------------------------------ core
    def receipt_date(self, regime: Regime, sub) -> tuple[dt.date, Any]:
        rule = regime.receipt[sub.channel]
        value = getattr(sub, rule.field)
        if value is None:
            raise InputError(f"submission.{rule.field}: 渠道 {sub.channel} 须提供该日期"
                             f"（第三十一条：以此日为收到申请之日）/ required for this channel",
                             field=f"submission.{rule.field}")
        if value < sub.submitted_on:
            raise InputError(f"submission.{rule.field}: 不能早于 submitted_on", field=f"submission.{rule.field}")
        return value, rule

    def decide_raw(self, request: DisclosureRequest | dict, *, explain: bool = False) -> dict:
        """The decision as a JSON-ready dict (dates as ``datetime.date``): a fresh dict; ``basis``, ``actions``
        and ``items`` are tuples (immutable) and the citation and item dicts in them read-only, since they are
        shared between answers; ``trace``, ``warnings`` and ``deadline`` are the caller's own."""
        plan, regime_id, deadline, trace, warnings, caller_id = self._decide(request, explain)
        # basis, actions and items are the plan's own tuples (immutable; their dicts read-only): nothing to copy
        if caller_id is None:
            return {"jurisdiction": self._pack_id, "disposition": plan.disposition, "final": plan.final,
                    "regime": regime_id, "basis": plan.basis, "actions": plan.actions,
                    "deadline": deadline, "items": plan.items, "trace": trace, "warnings": warnings}
        return {"id": caller_id, "jurisdiction": self._pack_id, "disposition": plan.disposition, "final": plan.final,
                "regime": regime_id, "basis": plan.basis, "actions": plan.actions,
                "deadline": deadline, "items": plan.items, "trace": trace, "warnings": warnings}

    def _decide_parts(self, request, explain: bool = False) -> Parts:
        """The decision in parts (``Parts``), for the command line's encoder."""
        return _parts(self._decide(request, explain))

    def _decide(self, request, explain: bool = False) -> tuple:
        """The decision in parts, in ``Parts``' field order as a bare tuple: the hot path under both
        ``decide_raw`` (which assembles the dict) and ``_decide_parts`` (which types it for the encoder)."""
        req = request if request.__class__ is DisclosureRequest else self.validate(request)
        # hot path: fields are read from the models' __dict__ (pydantic's __getattr__ slows attribute access)
        rd = req.__dict__
        if rd["jurisdiction"] != self._pack_id:
            raise InputError(f"jurisdiction={req.jurisdiction!r} 与引擎的规则包 {self.pack.id!r} 不一致",
                             field="jurisdiction")
        sub = rd["submission"]
        sd = sub.__dict__
        regime, fields = self._latest
        received = sd[fields[sd["channel"]]]
        if received is None or received < regime.start or received < sd["submitted_on"]:
            rb = self.rulebook
            received, _ = self.receipt_date(regime, sub)      # raises on a missing or impossible date
            regime = rb.regime_for(received)
            received, _ = self.receipt_date(regime, sub)
            regime = rb.regime_for(received)
        corr = rd["correction"]
        if corr is None:
            cstatus = "none"
        else:
            cd = corr.__dict__
            as_of = rd["as_of"]
            if cd["received_on"] is not None:
                cstatus = "received"
            elif as_of is not None and as_of > cd["due_on"] and as_of > dl.last_day_for_applicant(
                    self.calendar, cd["due_on"], self._dp(regime.id, cd["due_on"]).applicant_time_limit_rolls_over):
                cstatus = "lapsed"      # only after the last day of the time limit given (民法典 第二百零三条)
            else:
                cstatus = "awaiting"
            if cd["notified_on"] < received:
                raise InputError("correction.notified_on: 补正告知不能早于收到申请之日", field="correction.notified_on")
        ex = rd["excessive"]
        if ex is not None and ex.__dict__["agreed_due"] is not None and ex.__dict__["agreed_due"] < received:
            raise InputError("excessive.agreed_due: 告知的延迟答复期限不能早于收到申请之日", field="excessive.agreed_due")
        ext = rd["extension"]
        if ext is not None and ext.__dict__["approved_on"] < received:
            raise InputError("extension.approved_on: 延长答复期限不能在收到申请之前批准", field="extension.approved_on")
        consultations = rd["consultations"]
        if consultations:
            for k, c in enumerate(consultations):
                if c.__dict__["sent_on"] < received:
                    raise InputError(f"consultations.{k}.sent_on: 征求意见不能早于收到申请之日",
                                     field=f"consultations.{k}.sent_on")
        plans = self._plans
        rid = regime.id
        if plans is not None and len(rd["items"]) <= MEMO_MAX_ITEMS:
            key = (rid, bisect_right(self._cuts[rid], received), request_key(rd, cstatus),
                   *map(item_key, rd["items"]))
            plan = plans.get(key)
            if plan is None:
                plan = self._plan(req, regime, received, cstatus)
                if len(plans) >= _PLAN_LIMIT:
                    plans.clear()
                plans[key] = plan
        else:       # the durable backend (every request goes through it), or a large request
            plan = self._plan(req, regime, received, cstatus)
        trace, asks_correction, memo = plan.trace, plan.asks_correction, plan.memo
        if memo is not None and not consultations and not explain:
            # the deadline depends on nothing but the receipt date: the procedure's result, memoised per date
            # (many requests share a receipt date); each caller gets its own copy
            hit = memo.get(received)
            if hit is None:
                hit = dl.compute(self.calendar, self._dp_at[regime.id], regime.steps, rd, received, cstatus,
                                 asks_correction)
                if len(memo) >= _DATES_LIMIT:
                    memo.clear()
                memo[received] = hit
            deadline, trace, warnings = hit.deadline.copy(), [*trace, *hit.trace], list(hit.warnings)
        else:
            deadline, steps, warned = dl.compute(self.calendar, self._dp_at[regime.id], regime.steps, rd, received,
                                                 cstatus, asks_correction, explain=explain)
            trace, warnings = [*trace, *steps], list(warned)
        extension = rd["extension"]
        if extension is not None and dl.extension_after_due(extension, deadline):
            warnings.append("extension_after_due")      # approved only after the reply period had run out
        return plan, regime.id, deadline, trace, warnings, rd["id"]

    def _plan(self, req, regime: Regime, received: dt.date, cstatus: str) -> Plan:
        """Everything in a decision but its dates, from the rule tables: (disposition, basis, actions,
        items, trace, asks for 补正, short-cut parameters or None). It depends only on the regime, the
        date segment of the receipt date and the facts, so ``decide_raw`` memoises it on exactly those."""
        rfacts = request_facts(req, cstatus)
        rfacts["@on"] = received
        request_table, item_tables = self._regime_tables[regime.id]
        rres = self._eval(request_table, rfacts)
        if rres.unsupported:
            f, m = rres.unsupported
            raise UnsupportedInputError(f"{f}: {m}", field=f)
        trace = list(rres.rule_ids)
        cc = self._cit_cache
        items_out = []
        if rres.value != "proceed":
            disposition = rres.value
            basis = [_cit(c, cc) for c in rres.basis]
            actions = list(rres.actions)
            one = self._item_cache.get(rres)      # memoised per request-level result, like item outputs
            if one is None:
                one = ReadOnlyDict(disposition=disposition, basis=tuple(basis), actions=tuple(actions),
                                   trace=tuple(rres.rule_ids))
                if len(self._item_cache) >= _ITEM_LIMIT:
                    self._item_cache.clear()
                self._item_cache[rres] = one
            items_out = [one] * len(req.items)
        else:
            tables = item_tables
            ev = self._eval
            for i, item in enumerate(req.items):
                facts = item_facts(item)
                facts["@on"] = received
                results = []
                for t in tables:
                    r = ev(t, facts)
                    if r.unsupported:
                        f, m = r.unsupported
                        raise UnsupportedInputError(f"items.{i}.{f}: {m}", field=f"items.{i}.{f}")
                    facts[t.name] = r.value
                    results.append(r)
                key = tuple(results)
                out = self._item_cache.get(key)
                if out is None:
                    out = self._compose_item(tables, results)
                    if len(self._item_cache) >= _ITEM_LIMIT:
                        self._item_cache.clear()
                    self._item_cache[key] = out
                items_out.append(out)
            # item outputs are memoised singletons: combine each distinct tuple of them once (for requests
            # of at most MEMO_MAX_ITEMS items: a longer key would make the memo large)
            if len(items_out) <= MEMO_MAX_ITEMS:
                ckey = tuple(map(id, items_out))
                comb = self._comb_cache.get(ckey)
                if comb is None or any(a is not b for a, b in zip(comb[0], items_out)):
                    comb = (tuple(items_out), *self._combine(items_out))
                    if len(self._comb_cache) >= _COMB_LIMIT:
                        self._comb_cache.clear()
                    self._comb_cache[ckey] = comb
            else:
                comb = (None, *self._combine(items_out))
            _, disposition, basis, actions, item_trace = comb
            for rid in item_trace:
                if rid not in trace:
                    trace.append(rid)
        asks_correction = "request_correction" in rres.actions
        # when the deadline is just the reply period and its extension from the receipt date (no 补正, no
        # agreed date, receipt day not counted), decide_raw takes a short cut:
        # (n, n + m, trace id, the regime's memo of receipt date -> (due, extended due, provisional))
        # when the deadline depends on nothing but the receipt date (no 补正, no 第三十五条 date), decide_raw
        # memoises the procedure's result per receipt date: the regime's memo, or None
        memo = self._quick_dates[regime.id] if (
            cstatus == "none" and not asks_correction and req.excessive is None) else None
        return Plan(disposition, tuple(basis), tuple(actions), tuple(items_out), tuple(trace), asks_correction, memo,
                    disposition not in self._not_final)

    def _compose_item(self, tables, results) -> dict:
        by_name = {t.name: r for t, r in zip(tables, results)}
        final = results[-1]
        basis: list[Citation] = []
        actions: list[str] = []
        seen_tables = []

        def pull(r):
            for c in r.cite:
                up = by_name[c]
                if c in seen_tables:
                    continue
                seen_tables.append(c)
                pull(up)
                for b in up.basis:
                    if b not in basis:
                        basis.append(b)
                for a in up.actions:
                    if a not in actions:
                        actions.append(a)

        pull(final)
        for b in final.basis:
            if b not in basis:
                basis.append(b)
        for a in final.actions:
            if a not in actions:
                actions.append(a)
        trace = []
        for r in results:
            for rid in r.rule_ids:
                trace.append(rid)
        return ReadOnlyDict(disposition=final.value, basis=tuple(_cit(b, self._cit_cache) for b in basis),
                            actions=tuple(actions), trace=tuple(trace))

    def _combine(self, items: list[dict]):
        disps = [it["disposition"] for it in items]
        for step in self.rulebook.combination:          # dispositions.yaml: the first step that holds decides
            when, of = step.when, step.of
            if (when == "otherwise" or (when == "any" and any(x in of for x in disps))
                    or (when == "all" and all(x in of for x in disps))):
                d = step.then if step.then != "earliest_row" else min(disps, key=self._order.__getitem__)
                break
        basis, actions, seen, trace = [], [], set(), []
        for it in items:
            for rid in it["trace"]:
                if rid not in trace:
                    trace.append(rid)
            for b in it["basis"]:
                if id(b) not in seen:
                    seen.add(id(b))
                    basis.append(b)
            for a in it["actions"]:
                if a not in actions:
                    actions.append(a)
        return d, basis, actions, trace

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


_set = object.__setattr__



def _construct(cls, values: dict):
    """What ``cls.model_construct(**values)`` does for a complete set of fields, without its per-field
    bookkeeping (the engine's outputs are trusted; ``tests/test_models.py`` checks the round trip)."""
    m = cls.__new__(cls)
    _set(m, "__dict__", values)
    _set(m, "__pydantic_fields_set__", set(values))
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m


def _to_model(raw: dict, cache: dict | None = None) -> Decision:
    """Build the typed Decision from the engine's JSON-ready dict without re-validating it.

    ``cache`` maps the memoised citation and item dicts (by identity) to their models, so each
    distinct one is built once; the dicts are kept alive by the cache, so an id cannot be reused."""
    cache = {} if cache is None else cache

    def cit(d):
        hit = cache.get(id(d))
        if hit is None or hit[0] is not d:
            hit = (d, CitationOut.model_construct(**d))
            cache[id(d)] = hit
        return hit[1]

    def item(i):
        hit = cache.get(id(i))
        if hit is None or hit[0] is not i:
            hit = (i, ItemDecision.model_construct(disposition=i["disposition"], basis=tuple(cit(b) for b in i["basis"]),
                                                   actions=tuple(i["actions"]), trace=tuple(i["trace"])))
            cache[id(i)] = hit
        return hit[1]

    dd = raw["deadline"]
    explain = dd.get("explain")
    deadline = _construct(Deadline, {
        "received_on": dd["received_on"], "reply_period_starts": dd["reply_period_starts"], "due": dd["due"],
        "extended_due": dd["extended_due"], "correction_notice_by": dd["correction_notice_by"],
        "provisional": dd["provisional"], "calendar": dd["calendar"], "excluded_days": dd["excluded_days"],
        "explain": None if explain is None else tuple(DeadlineStep.model_construct(**s) for s in explain)})
    return _construct(Decision, {
        "id": raw.get("id"), "jurisdiction": raw["jurisdiction"], "disposition": raw["disposition"],
        "final": raw["final"], "regime": raw["regime"], "basis": tuple(cit(b) for b in raw["basis"]),
        "actions": tuple(raw["actions"]), "deadline": deadline, "items": tuple(item(i) for i in raw["items"]),
        "trace": tuple(raw["trace"]), "warnings": tuple(raw["warnings"])})
