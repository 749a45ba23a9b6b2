"""The docket: many cases on one day, the clerk's daily list (issue 11, part 3; docs/cli.md ``zwgk docket``).

Read top to bottom; no legal content here. Each case is ``_case.case`` taken on the docket's day; which statuses
wait for whom (``waiting``) and the statuses' names are in ``rules/national/case/case.yaml``; how a request counts
in pieces when it does not say (``pieces_when_not_given``) and the fee bands are in ``fees.yaml``.

1. **Each case** on the docket's ``as_of`` (the case's own ``as_of`` is ignored; events after the day are ignored as
   ``case`` ignores them). A case that is not valid goes to ``errors`` with its line and field: unlike ``report``,
   a docket drops nothing and refuses nothing. A case received after the day goes to ``not_yet_received`` only.
2. **The sections**: overdue (latest first), due soon (within ``within`` working days, by date), waiting for the
   applicant or for the consulted party (by the day the wait ends), counts per status and per closing disposition.
3. **Pieces** (信息处理费管理办法第四条): per applicant and natural month of the receipt date, the pieces in receipt
   order (one day's by line), each request's pieces numbered on from the month's earlier ones, and the per-piece fee
   they attract (``_case.fee`` with ``earlier_pieces`` accumulated).
4. **In words**: the terminal table and the ``.xlsx`` workbook (one sheet per section).
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from ._errors import InputError, UnsupportedInputError, ZwgkError

#: how many working days ahead "due soon" looks by default. Not law: a convenience of the list (docs/cli.md)
DEFAULT_WITHIN = 5


# ---------------------------------------------------------------- 1. each case on the day

def docket(cases: Iterable[tuple[int, object]], as_of: dt.date, *, within: int = DEFAULT_WITHIN, engine_for,
           rulebook, unreadable: Iterable[tuple[int, str]] = ()) -> dict:
    """The docket of ``cases`` (``(line, case dict)`` pairs) on ``as_of``, as a JSON-ready dict (``_models.Docket``).
    ``engine_for(jurisdiction)`` gives the engine of a case's pack; ``unreadable``: ``(line, message)`` of lines that
    were not even JSON, listed with the errors."""
    from . import _case
    from ._answers import validated
    if not isinstance(within, int) or isinstance(within, bool) or within < 0:
        raise InputError("within: 须为不小于 0 的整数 / must be a whole number, 0 or more", field="within")
    rules = _case.case_rules(rulebook)
    errors = [{"line": n, "id": None, "field": None, "message": msg} for n, msg in unreadable]
    taken, later = [], []
    lines = len(errors)
    for line, raw in cases:
        lines += 1
        cid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        try:
            if not isinstance(raw, dict):
                raise InputError("输入须为 JSON 对象 / the input must be an object")
            jur = raw.get("jurisdiction", "cn")
            state = engine_for(jur if isinstance(jur, str) else "cn").case_raw({**raw, "as_of": as_of})
            basis = raw.get("fee_basis")
            basis = validated(_case.FeeBasis, basis) if basis is not None else None     # valid: case() read it
        except ZwgkError as exc:
            errors.append({"line": line, "id": cid, "field": exc.field, "message": exc.message})
            continue
        entry = _entry(line, raw, state, as_of, rules)
        if entry["received_on"] > as_of:
            later.append(entry)
        else:
            taken.append((entry, state, raw, basis))
    errors.sort(key=lambda e: e["line"])

    # 2. the sections
    overdue = sorted((e for e, s, _, _ in taken if s["overdue"]), key=lambda e: (-e["days_overdue"], e["line"]))
    soon = sorted((e for e, s, _, _ in taken if s["closed"] is None and not s["overdue"]
                   and e["working_days_left"] is not None and e["working_days_left"] <= within),
                  key=lambda e: (e["applies"], e["line"]))
    waiting: dict = {"applicant": [], "consulted": []}
    for e, s, _, _ in taken:
        w = rules.spec.waiting.get(e["status"])
        if w is not None:
            waiting[w.for_].append(e)
    for group in waiting.values():
        group.sort(key=lambda e: (e["waiting_until"] or dt.date.max, e["line"]))
    labels = rules.spec.status_labels
    statuses = {code: 0 for code in rules.spec.statuses}
    closed: dict = {}
    for e, s, _, _ in taken:
        statuses[e["status"]] += 1
        if s["closed"] is not None:
            code = s["closed"]["disposition"]
            closed[code] = closed.get(code, 0) + 1
    from ._render import _disposition_labels
    words = _disposition_labels()
    order = {code: n for n, code in enumerate(rulebook.dispositions)}
    by_status = [{"code": c, "label": labels.get(c, c), "count": n} for c, n in statuses.items()]
    by_disp = [{"code": c, "label": words.get(c, c), "count": closed[c]}
               for c in sorted(closed, key=lambda c: (order.get(c, len(order)), c))]

    # 3. pieces per applicant and natural month
    months: dict = {}
    no_applicant = []
    for e, s, raw, basis in sorted(taken, key=lambda t: (t[0]["received_on"], t[0]["line"])):
        if e["applicant"] is None:
            no_applicant.append(e)
            continue
        months.setdefault((e["received_on"].strftime("%Y-%m"), e["applicant"]), []).append((e, s, basis))
    pieces = [_month(applicant, month, group, rules) for (month, applicant), group in sorted(months.items())]

    return {"as_of": as_of, "within": within, "lines": lines, "overdue": overdue, "due_soon": soon,
            "waiting_applicant": waiting["applicant"], "waiting_consulted": waiting["consulted"],
            "not_yet_received": later, "by_status": by_status, "closed_by_disposition": by_disp,
            "pieces": pieces, "no_applicant": no_applicant, "errors": errors}


def _entry(line: int, raw: dict, state: dict, as_of: dt.date, rules) -> dict:
    """One case as the docket lists it."""
    applicant = (raw.get("applicant") or {}).get("id")
    left = state["working_days_left"]
    w = rules.spec.waiting.get(state["status"])
    until = None
    if w is not None:
        days = [s["by"] for s in state["next"] if s["action"] == w.until and s["by"] is not None]
        until = max(days) if days else None
    return {"line": line, "id": state["id"] if isinstance(state["id"], str) else None, "applicant": applicant,
            "status": state["status"], "received_on": state["deadline"]["received_on"],
            "applies": state["deadline"]["applies"], "working_days_left": left,
            "days_overdue": -left if state["overdue"] and left is not None else None,
            "waiting_until": until, "next": state["next"]}


def _month(applicant: str, month: str, group: list, rules) -> dict:
    """An applicant's month: each request's pieces numbered on from the earlier ones, and the fee they attract by
    the per-piece bands in force on its receipt date (``_case.fee``)."""
    from ._case import FeeBasis, fee
    count = rules.fees["pieces_when_not_given"]
    out, total, amount, basis = [], 0, 0, []
    for e, state, fb in group:
        received = e["received_on"]
        if fb is not None and fb.pieces is not None:
            n, by = fb.pieces, "fee_basis"
        else:
            how = (count.at(received) or count.values[0]).value       # before the measures: as they first count
            n = max(len(state["decision"]["items"]), 1) if how == "items" else 1
            by = how
        try:
            got = fee(rules, FeeBasis.model_construct(method="per_piece", pieces=n, earlier_pieces=total), received)
        except UnsupportedInputError:           # no bands in force on the receipt date (before the measures)
            got = None
        out.append({"line": e["line"], "id": e["id"], "received_on": received, "pieces": n, "counted_by": by,
                    "first": total + 1, "last": total + n, "fee": None if got is None else got["amount"]})
        total += n
        if got is None:
            amount = None
        else:
            if amount is not None:
                amount += got["amount"]
            basis += [b for b in got["basis"] if b not in basis]
    return {"applicant": applicant, "month": month, "pieces": total, "fee": amount, "cases": out, "basis": basis}
