"""How a request for government information is decided, in the order the 条例 takes it.

Read this module top to bottom; each step names the articles whose rule files it interprets. It holds no
legal content: periods, conditions, outcomes and citations come from ``rules/`` through the compiled
jurisdiction (``_jurisdiction.Jurisdiction``). The speed layer (``_engine.Engine``) memoises steps 4–6
and the dates of step 7; it never changes what they give.

1. **When was the request received** (第三十一条; 2008: none, the same rule by analogy): the date the
   channel's rule in ``deadlines.yaml`` names, and the regime in force on it (``regimes.yaml``).
2. **Where does a 补正 stand** (第三十条): none, asked and awaited, received, or lapsed — lapsed only after
   the last day of the time limit given to the applicant (民法典 第二百零三条).
3. **Are the dates given possible**: nothing happens before the request is received.
4. **The request as a whole** (the regime's request table: 第二十九条、第三十条、第三十五条、第三十六条第六项…).
5. **Each item** through the item tables (第十四条至第十六条, 第三十二条, 第三十六条, 第三十七条, 第三十八条…).
6. **Items combined** into the request's answer (``dispositions.yaml`` ``combination``).
7. **The dates** (第三十条至第三十五条): ``_deadline.compute``.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, NamedTuple

from . import _deadline as dl
from ._errors import InputError, UnsupportedInputError
from ._facts import item_facts, request_facts
from ._models import ReadOnlyDict


#: the request table's value that sends a request on to its items (``request.yaml``)
PROCEED = "proceed"


class Plan(NamedTuple):
    """What steps 4–6 give: everything in a decision but its dates."""

    disposition: str
    basis: tuple                 # citation dicts (read-only)
    actions: tuple
    items: tuple                 # item answers (read-only dicts)
    trace: tuple
    asks_correction: bool        # the agency asks for a 补正 (第三十条): no reply period runs yet
    dates_only: bool             # the deadline depends on nothing but the receipt date (no 补正, no 第三十五条 date)
    final: bool


# ---------------------------------------------------------------- 1. receipt (第三十一条)

def received_on(regime, sub) -> dt.date:
    """The day the request counts as received under ``regime``: the date its channel's rule names."""
    rule = regime.receipt[sub.channel]
    value = getattr(sub, rule.field)
    if value is None:
        raise InputError(f"submission.{rule.field}: 渠道 {sub.channel} 须提供该日期"
                         f"（第三十一条：以此日为收到申请之日）/ required for this channel",
                         field=f"submission.{rule.field}")
    if value < sub.submitted_on:
        raise InputError(f"submission.{rule.field}: 不能早于 submitted_on", field=f"submission.{rule.field}")
    return value


def regime_and_receipt(rulebook, sub):
    """(regime, receipt date): the receipt date under the latest regime's channel rules decides the regime,
    whose own channel rules then give the receipt date."""
    regime = rulebook.regimes[-1]
    received = received_on(regime, sub)          # raises on a missing or impossible date
    regime = rulebook.regime_for(received)
    received = received_on(regime, sub)
    return rulebook.regime_for(received), received


# ---------------------------------------------------------------- 2. 补正 (第三十条)

def correction_status(calendar, params_at: Callable, rd: dict) -> str:
    """``none`` / ``awaiting`` / ``received`` / ``lapsed`` for the request's fields ``rd``."""
    corr = rd["correction"]
    if corr is None:
        return "none"
    cd = corr.__dict__
    if cd["received_on"] is not None:
        return "received"
    as_of, due = rd["as_of"], cd["due_on"]
    if as_of is not None and as_of > due and as_of > dl.last_day_for_applicant(
            calendar, due, params_at(due).applicant_time_limit_rolls_over):
        return "lapsed"          # only after the last day of the time limit given (民法典 第二百零三条)
    return "awaiting"


# ---------------------------------------------------------------- 3. possible dates

def check_dates(rd: dict, received: dt.date) -> None:
    """Nothing the request reports happens before it was received."""
    corr = rd["correction"]
    if corr is not None and corr.__dict__["notified_on"] < received:
        raise InputError("correction.notified_on: 补正告知不能早于收到申请之日", field="correction.notified_on")
    ex = rd["excessive"]
    if ex is not None and ex.__dict__["agreed_due"] is not None and ex.__dict__["agreed_due"] < received:
        raise InputError("excessive.agreed_due: 告知的延迟答复期限不能早于收到申请之日", field="excessive.agreed_due")
    ext = rd["extension"]
    if ext is not None and ext.__dict__["approved_on"] < received:
        raise InputError("extension.approved_on: 延长答复期限不能在收到申请之前批准", field="extension.approved_on")
    for k, c in enumerate(rd["consultations"] or ()):
        if c.__dict__["sent_on"] < received:
            raise InputError(f"consultations.{k}.sent_on: 征求意见不能早于收到申请之日",
                             field=f"consultations.{k}.sent_on")


# ---------------------------------------------------------------- 4–6. the decision tables

def plan(req, regime, received: dt.date, cstatus: str, *, evaluate, item_answer, combined, cite, not_final) -> Plan:
    """Steps 4 to 6 for ``req`` received on ``received`` under ``regime`` as the jurisdiction has it
    (``_jurisdiction.RegimeLaw``: the national tables with the pack's rules).

    ``evaluate(table, facts)`` is the backend's table evaluation; ``item_answer(tables, results)`` composes
    one item's answer (``compose_item``) and ``combined(answers)`` combines them (``combine``) — both
    possibly memoised by the caller; ``cite(citation)`` gives a citation's read-only dict."""
    rfacts = request_facts(req, cstatus)
    rfacts["@on"] = received
    rres = evaluate(regime.request_table, rfacts)
    if rres.unsupported:
        f, m = rres.unsupported
        raise UnsupportedInputError(f"{f}: {m}", field=f)
    if rres.value != PROCEED:                            # 4. the request as a whole decides every item
        return assemble(regime, rres, None, len(req.items), cstatus, req.excessive is None, item_answer=item_answer,
                        combined=combined, cite=cite, not_final=not_final)
    answers = []
    for i, item in enumerate(req.items):                 # 5. each item
        facts = item_facts(item)
        facts["@on"] = received
        results = []
        for t in regime.item_tables:
            r = evaluate(t, facts)
            if r.unsupported:
                f, m = r.unsupported
                raise UnsupportedInputError(f"items.{i}.{f}: {m}", field=f"items.{i}.{f}")
            facts[t.name] = r.value
            results.append(r)
        answers.append(item_answer(regime.item_tables, tuple(results)))
    return assemble(regime, rres, tuple(answers), len(answers), cstatus, req.excessive is None,
                    item_answer=item_answer, combined=combined, cite=cite, not_final=not_final)


def assemble(regime, rres, answers, n_items: int, cstatus: str, no_excessive: bool, *, item_answer, combined, cite,
             not_final) -> Plan:
    """The plan from the request table's result ``rres`` and, when the request proceeds, its items' answers
    (``answers``; None when the request as a whole decides its ``n_items`` items): step 6 and what the dates
    need to know. Shared by ``plan`` and the speed layer's compiled functions (``_compile``)."""
    trace = list(rres.rule_ids)
    if answers is None:
        disposition = rres.value
        basis = tuple(cite(c) for c in rres.basis)
        actions = tuple(rres.actions)
        one = item_answer((), (rres,))
        items = (one,) * n_items
    else:
        items = answers
        disposition, basis, actions, item_trace = combined(items)    # 6. combined
        for rid in item_trace:
            if rid not in trace:
                trace.append(rid)
    asks_correction = regime.regime.correction_action in rres.actions
    dates_only = cstatus == "none" and not asks_correction and no_excessive
    return Plan(disposition, tuple(basis), tuple(actions), items, tuple(trace), asks_correction, dates_only,
                disposition not in not_final)


def compose_item(tables, results, cite) -> ReadOnlyDict:
    """One item's answer: the last table's result, with the basis and actions of the tables it cites.
    With no tables, ``results`` is the request table's one result, given to every item."""
    if not tables:
        (r,) = results
        return ReadOnlyDict(disposition=r.value, basis=tuple(cite(c) for c in r.basis), actions=tuple(r.actions),
                            trace=tuple(r.rule_ids))
    by_name = {t.name: r for t, r in zip(tables, results)}
    final = results[-1]
    basis: list = []
    actions: list[str] = []
    seen_tables: list[str] = []

    def take(r):                     # r's basis and actions, each once, in order
        for b in r.basis:
            if b not in basis:
                basis.append(b)
        for a in r.actions:
            if a not in actions:
                actions.append(a)

    def pull(r):                     # the tables r cites, depth first, before r itself
        for c in r.cite:
            if c in seen_tables:
                continue
            seen_tables.append(c)
            pull(by_name[c])
            take(by_name[c])

    pull(final)
    take(final)
    trace = tuple(rid for r in results for rid in r.rule_ids)
    return ReadOnlyDict(disposition=final.value, basis=tuple(cite(b) for b in basis), actions=tuple(actions),
                        trace=trace)


def combine(steps, order: dict, items) -> tuple:
    """(disposition, basis, actions, trace) of the request from its items' answers: the first step of
    ``dispositions.yaml``'s ``combination`` that holds decides; ``earliest_row`` is the item result
    that comes first in the annual report's rows (``order``)."""
    disps = [it["disposition"] for it in items]
    for step in steps:
        when, of = step.when, step.of
        if (when == "otherwise" or (when == "any" and any(x in of for x in disps))
                or (when == "all" and all(x in of for x in disps))):
            d = step.then if step.then != "earliest_row" else min(disps, key=order.__getitem__)
            break
    # each rule, citation (one shared dict per article: by identity) and action once, in the items' order
    trace = list(dict.fromkeys([rid for it in items for rid in it["trace"]]))
    basis = list({id(b): b for it in items for b in it["basis"]}.values())
    actions = list(dict.fromkeys([a for it in items for a in it["actions"]]))
    return d, basis, actions, trace
