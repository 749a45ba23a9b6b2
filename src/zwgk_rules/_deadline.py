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


def explain_days(cal: Calendar, first: dt.date, last: dt.date, start_of_count: dt.date, excluded,
                 period_bases: list[tuple[int, str]], exclusion_basis: str | None) -> list[dict]:
    """Every day from ``first`` to ``last``: counted or skipped, why, and the article behind it.

    ``period_bases`` maps a running count threshold to the citation of the period it belongs to,
    e.g. [(20, 'ogi-2019:33:p2'), (40, 'ogi-2019:33:p2')]."""
    out = []
    ex_ranks = excluded
    r_start = cal.rank(start_of_count)
    count = 0
    d = first
    one = dt.timedelta(days=1)
    while d <= last:
        info = cal.day_info(d)
        step = {"date": d, "counted": False, "count": None, "reason": info.reason, "name": info.name,
                "source": info.source, "basis": info.basis}
        if d <= start_of_count:
            step["reason"] = "before_period" if d < start_of_count else "period_start"
            step["basis"] = None
        elif info.working:
            r = cal.rank(d)
            if r > r_start and any(a <= r <= b for a, b in ex_ranks):
                step["reason"] = "consultation"
                step["basis"] = exclusion_basis
            else:
                count += 1
                step["counted"] = True
                step["count"] = count
                step["basis"] = next((b for lim, b in period_bases if count <= lim), period_bases[-1][1])
        out.append(step)
        d += one
    return out
