"""``decide --explain``：逐日说明，期望值按条文与2026年国务院办公厅节假日安排逐日数出 / the days of ``explain``.

Counted by hand from 《政府信息公开条例》(2019) 第三十三条第二款（20个工作日，延长不超过20个工作日）、第三款（征求意见
的时间不计算在内）、第三十条（补正后自收到补正的申请之日起计算）, 民法典第二百零一条（开始的当日不计入）and
《国务院办公厅关于2026年部分节假日安排的通知》（国庆节 10月1日至7日放假，10月10日（星期六）上班）. Each answer is checked twice: as the
Python API gives it (``decide_raw``) and as the command line writes it (its own encoder, from the rows).
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from zwgk_rules import DisclosureRequest, Engine
from zwgk_rules._cli import _Decider

NOTICE = "国务院办公厅关于2026年部分节假日安排的通知"
RECEIVED = {"channel": "in_person", "submitted_on": "2026-09-28"}      # a Monday


def _both(request: dict) -> list[list[dict]]:
    """The days of the explanation, from ``decide_raw`` and from a ``zwgk decide --explain`` line."""
    raw = Engine().decide_raw(DisclosureRequest.model_validate(request), explain=True)["deadline"]["explain"]
    api = [{**d, "date": d["date"].isoformat()} for d in raw]
    data, bad = _Decider(explain=True).line(json.dumps(request, ensure_ascii=False).encode())
    assert not bad
    return [api, json.loads(data)["deadline"]["explain"]]


def _day(days, iso):
    return next(d for d in days if d["date"] == iso)


def workday(iso, n, basis="ogi-2019:33:p2"):
    return {"date": iso, "counted": True, "count": n, "reason": "workday", "name": None, "source": None, "basis": basis}


@pytest.mark.parametrize("which", [0, 1], ids=["decide_raw", "cli"])
def test_a_request_received_before_national_day_counts_20_days_then_20_more(which):
    days = _both({"submission": RECEIVED, "items": [{"description": "x"}]})[which]
    assert len(days) == 61                                   # 2026-09-28 … 2026-11-27
    assert days[0] == {"date": "2026-09-28", "counted": False, "count": None, "reason": "receipt_day", "name": None,
                       "source": None, "basis": "civil-code:201"}
    assert days[1] == workday("2026-09-29", 1)
    assert days[2] == workday("2026-09-30", 2)
    for iso in ("2026-10-01", "2026-10-04", "2026-10-07"):
        assert _day(days, iso) == {"date": iso, "counted": False, "count": None, "reason": "holiday", "name": "国庆节",
                                   "source": NOTICE, "basis": "holiday-measures:2"}
    assert _day(days, "2026-10-08") == workday("2026-10-08", 3)
    assert _day(days, "2026-10-10") == {"date": "2026-10-10", "counted": True, "count": 5, "reason": "makeup_workday",
                                        "name": "国庆节", "source": NOTICE, "basis": "ogi-2019:33:p2"}
    assert _day(days, "2026-10-11") == {"date": "2026-10-11", "counted": False, "count": None, "reason": "weekend",
                                        "name": None, "source": None, "basis": "work-hours-1995:7"}
    assert _day(days, "2026-10-30") == workday("2026-10-30", 20)       # due
    assert _day(days, "2026-11-02") == workday("2026-11-02", 21)       # the extension (same paragraph)
    assert days[-1] == workday("2026-11-27", 40)                        # extended_due
    assert sum(d["counted"] for d in days) == 40


@pytest.mark.parametrize("which", [0, 1], ids=["decide_raw", "cli"])
def test_the_days_of_a_third_party_consultation_are_not_counted(which):
    days = _both({"submission": RECEIVED,
                  "items": [{"description": "x", "third_party": {"consent": False, "public_interest_override": False}}],
                  "consultations": [{"party": "third_party", "sent_on": "2026-10-12", "replied_on": "2026-10-16"}]})[which]
    assert _day(days, "2026-10-12") == workday("2026-10-12", 6)
    for iso in ("2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16"):
        assert _day(days, iso) == {"date": iso, "counted": False, "count": None, "reason": "consultation",
                                   "name": None, "source": None, "basis": "ogi-2019:33:p3"}
    assert _day(days, "2026-10-19") == workday("2026-10-19", 7)
    assert _day(days, "2026-11-05") == workday("2026-11-05", 20)        # due: four working days later
    assert days[-1] == workday("2026-12-03", 40)
    assert len(days) == 67


@pytest.mark.parametrize("which", [0, 1], ids=["decide_raw", "cli"])
def test_after_a_correction_the_period_runs_from_the_corrected_request(which):
    days = _both({"submission": RECEIVED, "items": [{"description": "x"}],
                  "correction": {"notified_on": "2026-09-30", "due_on": "2026-10-20", "received_on": "2026-10-12"}})[which]
    assert days[0]["reason"] == "receipt_day"
    before = [d for d in days if d["reason"] == "before_period"]
    assert [d["date"] for d in before] == [(dt.date(2026, 9, 29) + dt.timedelta(k)).isoformat() for k in range(13)]
    assert all(d["basis"] is None and d["counted"] is False for d in before)
    assert before[2]["name"] == "国庆节" and before[2]["source"] == NOTICE       # 10-01: the calendar's name stays
    assert _day(days, "2026-10-12") == {"date": "2026-10-12", "counted": False, "count": None,
                                        "reason": "period_start", "name": None, "source": None, "basis": None}
    assert _day(days, "2026-10-13") == workday("2026-10-13", 1)
    assert _day(days, "2026-11-09") == workday("2026-11-09", 20)
    assert days[-1] == workday("2026-12-07", 40)
