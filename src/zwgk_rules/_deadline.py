"""Deadline arithmetic over a precomputed calendar (第三十条至第三十五条 parameters come from rules/).

Consultation time is handled in *rank space*: a working day's rank is its position among all working
days of the calendar, so the excluded working days of a consultation are one integer interval and
the union of overlapping consultations is an interval merge. A deadline is then one index lookup
per interval, never a day-by-day loop.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from ._calendar import Calendar


#: the warning of a 补正 notice sent after the period for it (第三十条)
CORRECTION_NOTICE_LATE = "correction_notice_late"


class DeadlineParams(NamedTuple):
    """A regime's deadline parameters as in force on one day (``deadline_params``), with the citation key
    of each, for ``--explain``."""

    receipt_day_counted: bool
    correction_notice_period: int | None
    restart_on_correction: bool
    consultation_limits: dict           # party -> working days, for the consultations whose time is excluded
    reply_period: int
    max_extension: int
    agreed_due_replaces_due: bool
    applicant_time_limit_rolls_over: bool
    basis: dict                         # parameter name -> citation key of its first basis (or None)


DEADLINE_PARAMETERS = ("receipt_day_counted", "correction_notice_period", "restart_on_correction",
                       "excluded_consultations", "consultation_limit_third_party", "consultation_limit_agency",
                       "reply_period", "max_extension", "agreed_due_replaces_due", "applicant_time_limit_rolls_over")


def deadline_params(law, regime_id: str, day: dt.date) -> DeadlineParams:
    """Every deadline parameter of ``regime_id`` as in force on ``day`` in jurisdiction ``law`` (the pack's
    applied value where it has one, else the national one)."""
    got = {name: law.at(f"{regime_id}.{name}", day) for name in DEADLINE_PARAMETERS}
    value = {name: (v.value if v is not None else None) for name, v in got.items()}
    basis = {name: (v.basis[0].key if v is not None and v.basis else None) for name, v in got.items()}
    limits = {party: value[f"consultation_limit_{party}"] for party in (value["excluded_consultations"] or ())}
    return DeadlineParams(bool(value["receipt_day_counted"]), value["correction_notice_period"],
                          bool(value["restart_on_correction"]), limits, value["reply_period"],
                          value["max_extension"], bool(value["agreed_due_replaces_due"]),
                          bool(value["applicant_time_limit_rolls_over"]), basis)


def last_day_for_applicant(cal: Calendar, day: dt.date, rolls_over: bool) -> dt.date:
    """The last day of a time limit given to the applicant that ends on ``day``: the next working day
    when ``day`` is a day off and the law rolls such limits over (民法典 第二百零三条)."""
    if not rolls_over or cal.is_working_day(day):
        return day
    return cal.nth(cal.rank(day) + 1)


def excluded_intervals(cal: Calendar, consultations, limit_at) -> list[tuple[int, int]]:
    """Working-day rank intervals [a, b] that do not count: after ``sent_on`` up to and including the
    reply, but never beyond the party's time limit, counted from the day it received the letter
    (``received_on``, default ``sent_on``): a reply that never came or came late excludes only the time
    the consultation needed (第三十三条第三款). ``limit_at(party, day)`` is that party's limit in force on
    ``day`` (None: its time is not excluded). Overlaps merge, so each day counts once."""
    spans = []
    for c in consultations:
        c = c.__dict__            # the model's fields (faster than pydantic attribute access)
        sent, replied = c["sent_on"], c["replied_on"]
        got = c["received_on"] or sent
        limit = limit_at(c["party"], got)    # the party's time limit in force when it got the letter
        if limit is None:
            continue
        cap = cal.add_working_days(got, limit)
        end = cap if replied is None or replied > cap else replied
        a = cal.rank(sent) + 1
        b = cal.rank(end)
        if b >= a:
            spans.append((a, b))
    if len(spans) < 2:
        return spans
    spans.sort()
    merged = [spans[0]]
    for a, b in spans[1:]:
        la, lb = merged[-1]
        if a <= lb + 1:
            merged[-1] = (la, max(lb, b))
        else:
            merged.append((a, b))
    return merged


def advance(cal: Calendar, r0: int, n: int, excluded) -> tuple[int, int]:
    """Rank of the ``n``-th counted working day after rank ``r0``, skipping excluded ranks.

    Returns (target rank, number of excluded working days skipped)."""
    target = r0 + n
    skipped = 0
    for a, b in excluded:
        if b <= r0:
            continue
        a2 = a if a > r0 else r0 + 1
        if a2 > target:
            break
        skipped += b - a2 + 1
        target += b - a2 + 1
    return target, skipped


def start_rank(cal: Calendar, day: dt.date, day_counted: bool) -> int:
    r = cal.rank(day)
    if day_counted and cal.is_working_day(day):
        r -= 1
    return r


#: a day of an explanation whose basis is the calendar's own for that day (``Explanation.rows``)
CALENDAR = "calendar"


class Explanation(NamedTuple):
    """What ``--explain`` tells, before it is told day by day: the days from ``first`` (the receipt day) to
    ``last``; the count starts after ``start``; ``excluded``: the consultations' working days, as intervals of
    ranks (``Calendar.rank``); ``periods``: each period's last count and the citation of its days, e.g.
    ((20, 'ogi-2019:33:p2'), (40, 'ogi-2019:33:p2')) (a count beyond the last is in the last); the citations
    of the excluded days and of the receipt day not being counted.

    ``rows()`` tells it in short and ``days()`` in full, as the decision's ``explain`` lists it; the command line's
    encoder writes the same text from fragments kept per calendar day (``_encode.Encoder``; a test checks the
    text is ``json.dumps`` of ``days()``)."""

    calendar: Calendar
    first: dt.date
    last: dt.date
    start: dt.date
    excluded: tuple
    periods: tuple
    exclusion_basis: str | None
    receipt_basis: str | None

    def rows(self, upto: dt.date | None = None) -> list[tuple]:
        """One row per day (to ``upto`` if given), ``(date, reason, count, basis)``: ``reason`` None is the
        calendar's own reason for the day (working day, weekend, holiday, 调休 working day…; ``DayInfo``); ``count``
        the day's number in its period when it is counted, else None; ``basis`` ``CALENDAR`` is the calendar's own
        basis for the day."""
        cal, first, excluded = self.calendar, self.first, self.excluded
        rows = []
        append = rows.append
        r_start = cal.rank(self.start)
        before, ranks = cal.span(first, self.last if upto is None or upto > self.last else upto)
        count = 0
        o = first.toordinal()
        start = self.start.toordinal()
        date = dt.date.fromordinal
        periods = iter(self.periods)
        limit, basis = next(periods)
        for r in ranks:
            d = date(o)
            if o <= start:
                append((d, "before_period" if o < start else "period_start", None, None))
            elif r == before:                       # not a working day: the calendar's reason and basis
                append((d, None, None, CALENDAR))
            elif excluded and r > r_start and any(a <= r <= b for a, b in excluded):
                append(self.consulting(d))
            else:
                count += 1
                while count > limit:                # into the next period (beyond the last: still the last)
                    limit, basis = next(periods, (count, basis))
                append((d, None, count, basis))
            before = r
            o += 1
        rows[0] = (first, "receipt_day", None, self.receipt_basis)
        return rows

    def consulting(self, d: dt.date) -> tuple:
        """The row of a working day a consultation takes (第三十三条第三款: its time is not counted)."""
        return (d, "consultation", None, self.exclusion_basis)

    def days(self) -> list[dict]:
        """The ``explain`` list: one object per day (``DeadlineStep``'s fields), each the caller's own."""
        info = self.calendar.day_info
        out = []
        for d, reason, count, basis in self.rows():
            i = info(d)
            out.append({"date": d, "counted": count is not None, "count": count,
                        "reason": i.reason if reason is None else reason, "name": i.name, "source": i.source,
                        "basis": i.basis if basis is CALENDAR else basis})
        return out


class DeadlineResult(NamedTuple):
    """What the deadline procedure gives: the ``deadline`` object of a decision, the ids of the steps
    taken (``trace``) and the warning codes."""

    deadline: dict
    trace: tuple[str, ...]
    warnings: tuple[str, ...]


def compute(cal: Calendar, dp_at, steps: dict, rd: dict, received: dt.date, cstatus: str, asks_correction: bool,
            *, explain: bool = False, explain_rows: bool = False) -> DeadlineResult:
    """The deadline procedure of 第三十条至第三十五条 (2008: 第二十一条、第二十四条), the one path every
    decision's dates come from (the engine's short cut is a memo of this function's result; ``explain``
    records, day by day, what this function counted; the compiled engine reads the same record back from its
    dates, ``explain_from``).

    ``dp_at(day)`` gives the regime's parameters in force on ``day`` (``DeadlineParams``); ``steps`` the
    regime's declared steps (``deadlines.yaml``: ids for ``trace``); ``rd`` the request's fields;
    ``cstatus`` the 补正 status (none / awaiting / received / lapsed). The one warning that depends on more
    than the dates (``extension_after_due``) is added by the caller (``extension_after_due``)."""
    dp = dp_at(received)                    # read at the receipt date
    day_counted, notice_n = dp.receipt_day_counted, dp.correction_notice_period
    out: dict = {"received_on": received, "reply_period_starts": None, "due": None, "extended_due": None,
                 "correction_notice_by": None, "provisional": False, "calendar": cal.id, "excluded_days": 0}
    trace: list[str] = []
    warnings: list[str] = []
    last = received
    if notice_n is not None and (cstatus != "none" or asks_correction):
        notice_by = cal.nth(start_rank(cal, received, day_counted) + notice_n)
        if asks_correction:
            out["correction_notice_by"] = notice_by
            last = max(last, notice_by)
        corr = rd["correction"]
        if corr is not None and corr.__dict__["notified_on"] > notice_by:
            warnings.append(CORRECTION_NOTICE_LATE)
    runs = cstatus != "awaiting" and cstatus != "lapsed" and not asks_correction
    excluded = ()
    start = received
    if runs:
        if cstatus == "received" and dp.restart_on_correction:
            start = rd["correction"].__dict__["received_on"]
            dp = dp_at(start)               # the reply period runs anew: read at the corrected application's date
        n, m = dp.reply_period, dp.max_extension
        r0 = start_rank(cal, start, day_counted)
        if rd["consultations"]:
            # each consulted party's time limit as in force when it received the letter
            excluded = excluded_intervals(cal, rd["consultations"],
                                          lambda party, day: dp_at(day).consultation_limits.get(party))
            t_due, skipped = advance(cal, r0, n, excluded)
            t_ext, skipped2 = advance(cal, t_due, m, excluded)
            skipped += skipped2
        else:
            t_due, t_ext, skipped = r0 + n, r0 + n + m, 0
        due = cal.nth(t_due)
        ext = cal.nth(t_ext)
        ex = rd["excessive"]
        agreed = ex is not None and dp.agreed_due_replaces_due and ex.reason_reasonable and ex.agreed_due is not None
        if agreed:
            due = ext = ex.agreed_due
            trace.append(steps["agreed_due"].id)
        out["reply_period_starts"] = start
        out["due"] = due
        out["extended_due"] = ext
        out["excluded_days"] = skipped
        if not agreed:          # an agreed date is a date, not a count: it depends on no calendar
            last = max(last, ext if ext > due else due)
        trace.append(steps["reply_period"].id)
    out["provisional"] = cal.provisional(received, last)
    if explain:
        key = dp.basis
        bases = [(dp.reply_period, key["reply_period"]),
                 (dp.reply_period + dp.max_extension, key["max_extension"])]
        if not runs:
            bases = [(notice_n or 0, key["correction_notice_period"])]
        told = Explanation(cal, received, last, start if runs else received, tuple(excluded), tuple(bases),
                           key["excluded_consultations"], key["receipt_day_counted"])
        out["explain"] = told if explain_rows else told.days()
    return _result((out, tuple(trace), tuple(warnings)))


def explain_from(cal: Calendar, dp_at, deadline: dict, rd: dict, rows: bool) -> dict:
    """Add to ``deadline`` (the engine's compiled result of this procedure, ``_compile.compile_deadline``) its
    ``explain``: the ``Explanation`` that ``compute(..., explain=True)`` records, read back from the dates it gave
    instead of running the procedure again (``rows``: the ``Explanation`` itself, else ``days()``, as
    ``explain_rows``). The count ran (``runs``) when the result has ``reply_period_starts``; the days told run to the
    last date counted (the 补正 notice's, the due and extended due dates unless an agreed date replaced them); the
    consultations' time is worked out again from the request only when it has consultations.
    ``tests/test_explain_fast.py`` compares it with the plain walk. Returns ``deadline``."""
    received = deadline["received_on"]
    start = deadline["reply_period_starts"]
    last = received
    by = deadline["correction_notice_by"]
    if by is not None and by > last:
        last = by
    if start is None:                       # no reply period runs yet: the days to the 补正 notice's
        dp = dp_at(received)
        key = dp.basis
        periods = ((dp.correction_notice_period or 0, key["correction_notice_period"]),)
        excluded: tuple = ()
        start = received
    else:
        dp = dp_at(start)                   # read where the period starts (anew after a 补正, as ``compute``)
        key = dp.basis
        ex = rd["excessive"]
        if ex is None or not (dp.agreed_due_replaces_due and ex.reason_reasonable and ex.agreed_due is not None):
            due, ext = deadline["due"], deadline["extended_due"]
            top = ext if ext > due else due
            if top > last:
                last = top
        cons = rd["consultations"]
        excluded = tuple(excluded_intervals(cal, cons, lambda party, day: dp_at(day).consultation_limits.get(party))) \
            if cons else ()
        n = dp.reply_period
        periods = ((n, key["reply_period"]), (n + dp.max_extension, key["max_extension"]))
    told = Explanation(cal, received, last, start, excluded, periods, key["excluded_consultations"],
                       key["receipt_day_counted"])
    deadline["explain"] = told if rows else told.days()
    return deadline


def extension_after_due(extension, deadline: dict) -> bool:
    """An extension (第三十三条第二款) approved only after the reply period had run out: warning
    ``extension_after_due`` (the caller adds it; it depends on the request's extension, not the dates)."""
    due = deadline["due"]
    return due is not None and extension.__dict__["approved_on"] > due


_result = DeadlineResult._make       # a typed record, built without NamedTuple's keyword handling
