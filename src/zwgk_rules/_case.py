"""A case over time: an event log in, where the case stands on ``as_of`` out (CONTRACT.md, "Cases over time").

Read top to bottom; no legal content here (``rules/national/case/case.yaml`` and ``fees.yaml`` hold the
statuses, closings, violations, next steps, fee bands and periods with their citations). The case is a pure
function of the log and ``as_of``: no clock, no timers.

1. **The log**: each event validated (an error names ``events.N.field``); events after ``as_of`` are ignored;
   events on one day keep their order.
2. **The walk**: events in date order; a 补正 not received by its time limit (moved to the next working day
   when it ends on a day off, 民法典第二百零三条) or a fee not paid in time closes the case on the next calendar
   day; after a closing fact, later events other than remedies are ignored.
3. **The decision**: the events folded into a ``decide`` input (补正, consultations, extension, 第三十五条) and
   decided as of ``as_of``.
4. **Where it stands**: the binding date, working days left, overdue, status, next steps, violations, fee.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Optional, Union

from pydantic import Field, ValidationError

from . import _deadline as dl
from . import _pipeline
from ._errors import InputError, RuleFileError, UnsupportedInputError
from ._models import Applicant, Date, DisclosureRequest, _In, codes

# ---------------------------------------------------------------- 1. the log (typed events)


class _Event(_In):
    on: Date = Field(description="事件发生之日 / the day it happened")


_TYPE = "事件类型 / the event's type"


class CorrectionRequested(_Event):
    """发出补正告知（第三十条）/ A 补正 notice was sent (art. 30)."""

    type: Literal["correction_requested"] = Field(description=_TYPE)
    due_on: Date = Field(description="给申请人的补正期限 / the time limit given to the applicant")


class CorrectionReceived(_Event):
    """收到补正后的申请；答复期限自此起算（第三十条）/ The corrected application arrived (art. 30)."""

    type: Literal["correction_received"] = Field(description=_TYPE)


class ConsultationSent(_Event):
    """书面征求意见（第三十二条、第三十四条）/ A written consultation was sent (arts. 32, 34)."""

    type: Literal["consultation_sent"] = Field(description=_TYPE)
    ref: str = Field(max_length=64, description="本次征求意见的编号 / this consultation's reference")
    party: Literal["third_party", "agency"] = Field(description="被征求意见方：第三方或其他机关 / who was consulted: a "
                                                                "third party or another agency")
    received_on: Optional[Date] = Field(default=None, description="对方收到征求意见书之日（默认 on）/ the day the party "
                                                          "received it (default: on)")


class ConsultationReplied(_Event):
    """被征求意见方的答复到达 / The consulted party's reply arrived."""

    type: Literal["consultation_replied"] = Field(description=_TYPE)
    ref: str = Field(max_length=64, description="所答复的征求意见的编号 / the reference of the consultation answered")
    consent: Optional[bool] = Field(default=None, description="第三方是否同意公开（仅第三方）/ whether the third party "
                                                      "consents (third party only)")


class ExtensionApproved(_Event):
    """延长答复期限经负责人同意并告知申请人（第三十三条第二款）/ An extension was approved and notified (art. 33(2))."""

    type: Literal["extension_approved"] = Field(description=_TYPE)


class ExcessiveNotified(_Event):
    """第三十五条：申请数量、频次明显超过合理范围的告知 / The applicant was told the request is excessive (art. 35)."""

    type: Literal["excessive_notified"] = Field(description=_TYPE)
    reasonable: bool = Field(description="申请人说明的理由是否合理 / whether the applicant's reason is reasonable")
    agreed_due: Optional[Date] = Field(default=None, description="告知的延迟答复期限 / the later reply date notified")


class FeeNoticeSent(_Event):
    """发出收费通知（信息处理费管理办法）/ A fee notice was sent."""

    type: Literal["fee_notice_sent"] = Field(description=_TYPE)
    amount: float = Field(ge=0, le=1e9, description="金额（元）/ the amount in yuan")
    received_on: Optional[Date] = Field(default=None, description="申请人收到通知之日（默认 on）/ the day the applicant "
                                                          "received it (default: on)")


class FeePaid(_Event):
    """费用已缴纳 / The fee was paid."""

    type: Literal["fee_paid"] = Field(description=_TYPE)


class Replied(_Event):
    """答复已发出；结案（第三十六条）/ The reply was sent; the case closes (art. 36)."""

    type: Literal["replied"] = Field(description=_TYPE)
    disposition: Optional[str] = Field(default=None, max_length=64, description="答复的处理结果（默认取决定的）/ the "
                                                                        "reply's disposition (default: the decision's)",
                                       json_schema_extra=codes("disposition"))


class Withdrawn(_Event):
    """申请人撤回申请；结案 / The applicant withdrew; the case closes."""

    type: Literal["withdrawn"] = Field(description=_TYPE)


class ReviewFiled(_Event):
    """申请行政复议 / An administrative review was filed."""

    type: Literal["review_filed"] = Field(description=_TYPE)


_RESULT = "结果：维持、纠正、其他 / the result: upheld, corrected, other"


class ReviewDecided(_Event):
    """行政复议决定 / The review was decided."""

    type: Literal["review_decided"] = Field(description=_TYPE)
    result: Literal["upheld", "corrected", "other"] = Field(description=_RESULT)


class SuitFiled(_Event):
    """提起行政诉讼 / A suit was filed."""

    type: Literal["suit_filed"] = Field(description=_TYPE)
    after_review: bool = Field(default=False, description="经复议后起诉 / filed after a review")


class SuitDecided(_Event):
    """行政诉讼判决 / The suit was decided."""

    type: Literal["suit_decided"] = Field(description=_TYPE)
    result: Literal["upheld", "corrected", "other"] = Field(description=_RESULT)


EVENTS = {m.model_fields["type"].annotation.__args__[0]: m for m in (
    CorrectionRequested, CorrectionReceived, ConsultationSent, ConsultationReplied, ExtensionApproved,
    ExcessiveNotified, FeeNoticeSent, FeePaid, Replied, Withdrawn, ReviewFiled, ReviewDecided, SuitFiled,
    SuitDecided)}
REMEDIES = frozenset({"review_filed", "review_decided", "suit_filed", "suit_decided"})
#: decide fields the events give: a case that carries them is an error naming the field
FROM_EVENTS = ("correction", "consultations", "extension", "excessive")
MAX_EVENTS = 500


class FeeBasis(_In):
    """信息处理费的计费依据 / What the fee is computed from."""

    method: Literal["per_piece", "per_volume"] = Field(description="按件或按量计收 / per piece or per volume")
    pieces: Optional[int] = Field(default=None, ge=0, le=100_000, description="本申请的件数（按件）/ this request's "
                                                                              "pieces (per piece)")
    earlier_pieces: int = Field(default=0, ge=0, le=100_000, description="同一申请人本自然月此前的件数 / the applicant's "
                                                                         "earlier pieces this natural month")
    pages: Optional[int] = Field(default=None, ge=0, le=10_000_000, description="页数（按量）/ the pages (per volume)")
    waived: bool = Field(default=False, description="机关决定不收取（fees.yaml 的 waiver 参数）/ the agency waives the fee")


#: how a request counts in pieces when its fee_basis gives none (fees.yaml ``pieces_when_not_given``): one piece
#: per item asked for, or one per request
PIECES_WHEN_NOT_GIVEN = ("items", "request")


# ---------------------------------------------------------------- the input as a schema

Event = Annotated[Union[tuple(EVENTS.values())], Field(discriminator="type")]


class CaseApplicant(Applicant):
    """申请人；编号与姓名不是 decide 的事实 / The applicant; its id and name are not decide facts."""

    id: Optional[str] = Field(default=None, max_length=200, description="申请人编号（按申请人和自然月计费）/ who applied "
                                                                        "(fees count per applicant and natural month)")
    name: Optional[str] = Field(default=None, max_length=200, description="申请人姓名或名称（用于文书）/ the applicant's "
                                                                          "name (for notices)")


def case_input_model(extra: dict | None = None, *, name: str = "CaseInput", doc: str | None = None) -> type:
    """The model of a ``case`` input, for its JSON Schema (``zwgk schema case input``): every ``decide`` field
    except those the events give (``FROM_EVENTS``), plus ``events``, ``fee_basis``, ``applicant.id``/``name``
    and a required ``as_of``. ``extra`` adds fields (``{name: (type, Field(...))}``), e.g. those of ``notice``,
    whose input is a case's plus ``agency``, ``notice`` and ``issued_on``. ``case()`` validates by hand (its
    errors name ``events.N.field``); this model describes the same input."""
    from pydantic import create_model
    fields: dict = {k: (f.annotation, f) for k, f in DisclosureRequest.model_fields.items() if k not in FROM_EVENTS}
    fields["applicant"] = (CaseApplicant, Field(default=CaseApplicant(), description="申请人 / the applicant"))
    fields["as_of"] = (Date, Field(description="提问之日；从不读取今天的日期 / the day the question is asked; never "
                                               "the clock"))
    fields["events"] = (tuple[Event, ...], Field(default=(), max_length=MAX_EVENTS, description=(
        "已发生的事件，按日期；同一日的按列表顺序；as_of 之后的不计 / what has happened: by date, one day's in list "
        "order; those after as_of are ignored")))
    fields["fee_basis"] = (Optional[FeeBasis], Field(default=None, description="信息处理费的计费依据；null 表示不计费 / "
                                                                                "what the fee is computed from; null: none"))
    fields.update(extra or {})
    model = create_model(name, __base__=_In, **fields)
    model.__doc__ = doc or ("一件申请的事件记录（case 的输入）/ A case: the event log of one request, as the contract's "
                            "``case`` input.")
    return model



def _events(raw) -> list:
    from ._answers import validation_error
    if not isinstance(raw, list):
        raise InputError("events: 须为列表 / must be a list", field="events")
    if len(raw) > MAX_EVENTS:
        raise InputError(f"events: 至多 {MAX_EVENTS} 个事件 / at most {MAX_EVENTS} events", field="events")
    out = []
    for n, e in enumerate(raw):
        kind = e.get("type") if isinstance(e, dict) else None
        model = EVENTS.get(kind)
        if model is None:
            from ._limits import closest
            close = closest(kind, EVENTS) if isinstance(kind, str) else None
            hint = f"（是否应为 {close!r}）" if close else ""
            raise InputError(f"events.{n}.type: 未知的事件类型 {kind!r}{hint}；可选：{list(EVENTS)}",
                             field=f"events.{n}.type")
        try:
            out.append(model.model_validate(e))
        except ValidationError as exc:
            raise validation_error(exc, prefix=f"events.{n}") from None
    return out


# ---------------------------------------------------------------- the rules

class CaseRules:
    """``case.yaml`` and ``fees.yaml``, validated, every citation resolved, dispositions checked."""

    def __init__(self, rb) -> None:
        from ._resources import relative, rules_root
        from ._rulebook import _validate
        from ._schema_ondemand import CaseFile, FeeFile
        folder = rules_root() / "national" / "case"
        cf, ff = folder / "case.yaml", folder / "fees.yaml"
        self.spec = _validate(CaseFile, cf)
        rel = relative(cf)
        regimes = {r.id for r in rb.regimes}
        self.basis: dict = {}
        for kind in ("closings", "violations", "next"):
            for name, step in getattr(self.spec, kind).items():
                for rid, refs in step.basis.items():
                    if rid not in regimes:
                        raise RuleFileError(f"{kind}.{name}.basis: 未知的条例版本 {rid!r}", file=rel,
                                            field=f"{kind}.{name}.basis")
                    self.basis[(kind, name, rid)] = tuple(
                        rb.statutes.resolve(b, file=rel, rule_id=name, field=f"{kind}.{name}.basis") for b in refs)
                if kind == "closings" and step.disposition not in rb.dispositions:
                    raise RuleFileError(f"closings.{name}.disposition {step.disposition!r} 不是处理代码", file=rel,
                                        field=f"closings.{name}.disposition")
        for status, w in self.spec.waiting.items():
            if status not in self.spec.statuses or w.until not in self.spec.next:
                raise RuleFileError(f"waiting.{status}: 状态或 until 的下一步不在本文件中 / the status or the next step "
                                    f"{w.until!r} is not declared", file=rel, field=f"waiting.{status}")
        fees = _validate(FeeFile, ff)
        frel = relative(ff)
        self.fees = {name: rb._param(f"fees.{name}", p, frel) for name, p in fees.parameters.items()}
        for v in self.fees["waiver"].values:
            if v.value not in ("agency_decides", "none"):
                raise RuleFileError(f"waiver: {v.value!r} 须为 agency_decides 或 none", file=frel,
                                    field="parameters.waiver")
        for v in self.fees["payment_stops_reply_clock"].values:
            if v.value is not False:
                raise RuleFileError("payment_stops_reply_clock: 本库只实现 false（缴费期间照常计算答复期限）/ only false "
                                    "is implemented", file=frel, field="parameters.payment_stops_reply_clock")

        for v in self.fees["pieces_when_not_given"].values:
            if v.value not in PIECES_WHEN_NOT_GIVEN:
                raise RuleFileError(f"pieces_when_not_given: 取值须为 {list(PIECES_WHEN_NOT_GIVEN)} / must be one of them",
                                    file=frel, field="parameters.pieces_when_not_given")

    def cite(self, kind: str, name: str, regime: str) -> tuple | None:
        """The citations of a step under ``regime``, or None where the step does not apply under it."""
        return self.basis.get((kind, name, regime))


def rb_final(engine) -> tuple:
    """The dispositions that close a request (every code but the not-final ones)."""
    rb = engine.rulebook
    return tuple(c for c in rb.dispositions if c not in rb.not_final)


def case_rules(rb) -> CaseRules:
    hit = rb.__dict__.get("_case_rules")
    if hit is None:
        hit = rb.__dict__["_case_rules"] = CaseRules(rb)
    return hit


# ---------------------------------------------------------------- the case

def case(engine, raw: dict) -> dict:
    """Where the case ``raw`` (a JSON object, CONTRACT.md) stands on its ``as_of``, as a JSON-ready dict."""
    if not isinstance(raw, dict):
        raise InputError("输入须为 JSON 对象 / the input must be an object")
    for f in FROM_EVENTS:
        if f in raw:
            raise InputError(f"{f}: 由事件记录给出，案件中不能另写 / given by the events, not by the case", field=f)
    if "as_of" not in raw or raw["as_of"] is None:
        raise InputError("as_of: 缺少必填字段 (field required)", field="as_of")
    events = _events(raw.get("events", []))
    fee_basis = raw.get("fee_basis")
    if fee_basis is not None:
        from ._answers import validated
        try:
            fee_basis = validated(FeeBasis, fee_basis)
        except InputError as exc:
            raise InputError(f"fee_basis.{exc.message}", field=f"fee_basis.{exc.field}") from None
    base = {k: v for k, v in raw.items() if k not in ("events", "fee_basis")}
    applicant = base.get("applicant")
    if isinstance(applicant, dict):          # who applied (fees, notices): not a decide fact
        for k in ("id", "name"):
            v = applicant.get(k)
            if v is not None and (not isinstance(v, str) or len(v) > 200):
                raise InputError(f"applicant.{k}: 须为不超过200字的文字或 null / a string of at most 200 characters",
                                 field=f"applicant.{k}")
        base["applicant"] = {k: v for k, v in applicant.items() if k not in ("id", "name")}
    req = engine.validate(base)
    rules = case_rules(engine.rulebook)
    cal = engine.calendar
    as_of = req.as_of
    # 1. the log up to as_of, in date order (one day's events in their list order)
    order = sorted(((e.on, n, e) for n, e in enumerate(events) if e.on <= as_of), key=lambda t: (t[0], t[1]))
    regime, received = _pipeline.regime_and_receipt(engine.rulebook, req.submission)    # 第三十一条
    regime = regime.id
    params_at = engine._dp_at[regime]

    def limit_of(d: dt.date) -> dt.date:          # the last day of a time limit given to the applicant (民法典203)
        return dl.last_day_for_applicant(cal, d, params_at(d).applicant_time_limit_rolls_over)

    # 2. the walk
    st = {"corrections": [], "correction_received": None, "consultations": {}, "extension": None,
          "excessive": None, "fee_notice": None, "fee_paid": None, "closed": None, "replied": None, "replied_n": None}
    fee_days = rules.fees["payment_period"].at(received) or rules.fees["payment_period"].at(as_of)

    def lapse_before(day: dt.date):
        """The closing by lapse that happens before ``day`` (a 补正 or a fee not in time), or None."""
        found = []
        if st["corrections"] and st["correction_received"] is None:
            last = limit_of(st["corrections"][0][1].due_on)
            if last < day:
                found.append((last + dt.timedelta(days=1), "correction_lapsed"))
        fn = st["fee_notice"]
        if fn is not None and st["fee_paid"] is None and fee_days is not None:
            last = cal.add_working_days(fn.received_on or fn.on, fee_days.value)
            if last < day:
                found.append((last + dt.timedelta(days=1), "fee_unpaid"))
        return min(found) if found else None

    for on, n, e in order:
        if st["closed"] is None:
            lapse = lapse_before(on)
            if lapse is not None:
                st["closed"] = (lapse[0], rules.spec.closings[lapse[1]].disposition, lapse[1])
        if st["closed"] is not None and e.type not in REMEDIES:
            continue
        t = e.type
        if t == "correction_requested":
            st["corrections"].append((n, e))
        elif t == "correction_received":
            st["correction_received"] = e.on
        elif t == "consultation_sent":
            st["consultations"][e.ref] = {"n": n, "sent": e, "replied": None}
        elif t == "consultation_replied":
            c = st["consultations"].get(e.ref)
            if c is None:
                raise InputError(f"events.{n}.ref: 没有编号为 {e.ref!r} 的已发出征求意见 / no consultation sent with this ref",
                                 field=f"events.{n}.ref")
            c["replied"] = e
        elif t == "extension_approved":
            st["extension"] = e.on
        elif t == "excessive_notified":
            st["excessive"] = e
        elif t == "fee_notice_sent":
            st["fee_notice"] = e
        elif t == "fee_paid":
            st["fee_paid"] = e.on
        elif t == "replied":
            if e.disposition is not None and (e.disposition not in rb_final(engine)):
                from ._limits import closest
                close = closest(e.disposition, rb_final(engine))
                hint = f"（是否应为 {close!r}）" if close else ""
                raise InputError(f"events.{n}.disposition: {e.disposition!r} 不是结案的处理结果{hint} / not a closing "
                                 "disposition", field=f"events.{n}.disposition")
            st["replied"] = e
            st["replied_n"] = n
            st["closed"] = (e.on, e.disposition, "replied")
        elif t == "withdrawn":
            st["closed"] = (e.on, rules.spec.closings["withdrawn"].disposition, "withdrawn")
    if st["closed"] is None:
        lapse = lapse_before(as_of)           # a lapse closes on the day after the limit: by as_of at the latest
        if lapse is not None:
            st["closed"] = (lapse[0], rules.spec.closings[lapse[1]].disposition, lapse[1])

    # 3. the decision for the facts the events give
    update: dict = {}
    if st["corrections"]:
        first = st["corrections"][0][1]
        update["correction"] = {"notified_on": first.on, "due_on": first.due_on,
                                "received_on": st["correction_received"]}
    cons = []
    items = None            # the items as dicts, made only when a third party's answer changes them
    for c in st["consultations"].values():
        s, r = c["sent"], c["replied"]
        cons.append({"party": s.party, "sent_on": s.on, "received_on": s.received_on,
                     "replied_on": r.on if r is not None else None})
        if s.party == "third_party" and r is not None and r.consent is not None:
            if items is None:
                items = [i.model_dump() for i in req.items]
            for it in items:
                tp = it.get("third_party") or {}
                if tp.get("consent") is None:
                    it["third_party"] = {**tp, "consent": r.consent}
    if cons:
        update["consultations"] = cons
    if st["extension"] is not None:
        update["extension"] = {"approved_on": st["extension"]}
    if st["excessive"] is not None:
        update["excessive"] = {"reason_reasonable": st["excessive"].reasonable,
                               "agreed_due": st["excessive"].agreed_due}
    if update or items is not None:
        # validated again for the facts the events add; the parts already validated (submission, applicant,
        # unchanged items) are passed as the typed objects they are, which pydantic does not validate twice
        folded = {**{k: getattr(req, k) for k in req.model_fields_set}, **update,
                  "items": req.items if items is None else items, "as_of": as_of}
    else:
        folded = req                # nothing to add: the request as validated
    decision = engine.decide_raw(folded)
    d = decision["deadline"]

    # 4. where it stands
    due, ext = d["due"], d["extended_due"]
    applies = None
    if due is not None:
        applies = ext if (st["extension"] is not None and st["extension"] <= due) else due
    closed = st["closed"]
    left = None
    if closed is None and applies is not None:
        left = cal.rank(applies) - cal.rank(as_of)
    overdue = closed is None and applies is not None and as_of > applies

    def cite(kind, name):
        got = rules.cite(kind, name, regime)
        return None if got is None else [b.key for b in got]

    awaiting_correction = (closed is None and bool(st["corrections"]) and st["correction_received"] is None)
    fn = st["fee_notice"]
    fee_last = (cal.add_working_days(fn.received_on or fn.on, fee_days.value)
                if fn is not None and fee_days is not None else None)
    awaiting_fee = closed is None and fn is not None and st["fee_paid"] is None
    open_cons = []
    for c in st["consultations"].values():
        s = c["sent"]
        limit = params_at(s.received_on or s.on).consultation_limits.get(s.party)
        cap = cal.add_working_days(s.received_on or s.on, limit) if limit else None
        if c["replied"] is None and cap is not None and as_of <= cap:
            open_cons.append(cap)
    holds = {"closed": closed is not None, "awaiting_correction": awaiting_correction,
             "awaiting_fee": awaiting_fee, "consulting": closed is None and bool(open_cons), "open": True}
    status = next(s for s in rules.spec.statuses if holds[s])

    todo: dict = {}
    if closed is None:
        if not st["corrections"] and d["correction_notice_by"] is not None:     # the decision asks for a 补正
            todo["send_correction_notice"] = [d["correction_notice_by"]]
        if awaiting_correction:
            todo["await_correction"] = [limit_of(st["corrections"][0][1].due_on)]
        if open_cons:
            todo["await_consultation_reply"] = sorted(open_cons)
        if awaiting_fee:
            todo["await_payment"] = [fee_last]
        if applies is not None:
            todo["reply"] = [applies]
    nxt = [{"action": name, "by": by, "basis": cite("next", name) or []}
           for name in rules.spec.next if name in todo for by in todo[name]]

    closed_out = None
    if closed is not None:
        disp = closed[1] if closed[1] is not None else decision["disposition"]
        if disp in engine.rulebook.not_final:       # a reply that does not say what it answered a pending request
            n = st["replied_n"]
            raise InputError(f"events.{n}.disposition: 决定尚待完成（{'、'.join(decision['actions'])}），答复须写明处理结果 / "
                             "the decision is pending: the reply must give its disposition", field=f"events.{n}.disposition")
        closed_out = {"on": closed[0], "disposition": disp}

    found = []
    notice_late = "correction_notice_late" in decision["warnings"]
    if st["corrections"] and notice_late and cite("violations", "correction_notice_late") is not None:
        found.append(("correction_notice_late", st["corrections"][0][1].on))
    for _, e in st["corrections"][1:]:
        if cite("violations", "second_correction_request") is not None:
            found.append(("second_correction_request", e.on))
    if st["extension"] is not None and due is not None and st["extension"] > due:
        found.append(("extension_after_due", st["extension"]))
    if st["replied"] is not None and applies is not None and st["replied"].on > applies:
        found.append(("reply_late", st["replied"].on))
    if fn is not None and applies is not None and fn.on > applies:
        found.append(("fee_notice_late", fn.on))
    violations = [{"code": c, "on": on, "basis": cite("violations", c) or []}
                  for c, on in sorted(found, key=lambda t: t[1])]

    out = {"id": raw.get("id"), "status": status, "decision": decision,
           "deadline": {**d, "applies": applies}, "working_days_left": left, "overdue": overdue,
           "next": nxt, "closed": closed_out, "violations": violations,
           "fee": None if fee_basis is None else fee(rules, fee_basis, received)}
    return out


# ---------------------------------------------------------------- 信息处理费

def fee(rules: CaseRules, basis: FeeBasis, received: dt.date) -> dict:
    """The fee for ``basis`` by the bands in force on the receipt date (超额累进: each band charges its part)."""
    prm = rules.fees[basis.method]
    v = prm.at(received)
    if v is None:
        first = prm.values[0].start.isoformat()
        raise UnsupportedInputError(f"fee_basis: 信息处理费管理办法自 {first} 起施行，收到申请之日 {received} 没有收费标准",
                                    field="fee_basis")
    if basis.waived:
        w = rules.fees["waiver"].at(received)
        if w is None or w.value != "agency_decides":
            raise UnsupportedInputError("fee_basis.waived: 收到申请之日的规定不允许减免 / no waiver on that day",
                                        field="fee_basis.waived")
        return {"amount": 0, "tiers": [], "basis": [c.key for c in w.basis], "waived": True}
    spec = v.value
    if basis.method == "per_piece":
        lo, hi = basis.earlier_pieces + 1, basis.earlier_pieces + (basis.pieces or 0)
    else:
        lo, hi = 1, basis.pages or 0
    bands = [dict(b) for b in spec["bands"]]
    then = spec.get("then")
    if then is not None:          # open-ended: a band of `step` pieces at a time, each `rate_step` dearer
        start, rate = then["from"], then["rate"]
        while start <= hi:
            bands.append({"from": start, "to": start + then["step"] - 1, "rate": rate})
            start += then["step"]
            rate += then["rate_step"]
    tiers, amount = [], 0
    for b in bands:
        a, z = max(lo, b["from"]), min(hi, b["to"] if b["to"] is not None else hi)
        if a > z or not b["rate"]:
            continue
        sub = (z - a + 1) * b["rate"]
        tiers.append({"from": a, "to": z, "rate": b["rate"], "subtotal": sub})
        amount += sub
    return {"amount": amount, "tiers": tiers, "basis": [c.key for c in v.basis], "waived": False}
