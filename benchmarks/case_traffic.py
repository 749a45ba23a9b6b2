"""多样的案件事件记录：``zwgk case`` / ``zwgk report`` 基准的输入 / Diverse case event logs for the benchmark of
``zwgk case`` and ``zwgk report`` (CONTRACT.md "Cases over time").

``case(rnd, n)`` draws one case (a JSON-shaped dict, dates as ISO strings) from a ``random.Random``;
``cases(count, seed=…)`` draws many from a fixed seed, the same on every run and machine, and
``write(path, count, seed=…)`` streams them to a JSONL file (one case in memory at a time). Like
``tests/traffic.py`` (whose item generator it reuses) it needs neither the engine nor a calendar, and
knows no rule: the dates are drawn, not counted.

What it draws, each at some rate (``python benchmarks/case_traffic.py --stats`` counts a sample):

* 收到日 2019-01-02 至 2026-12-20（约 5% 在 2019-05-15 之前，适用2008年条例；约两成在节假日附近），各种
  提交渠道，收到日为提交后 0–6 日；申请人六类（自然人为主），编号取自 200,000 人，姓名；1–3 项（偶尔 4–6 项）
  的申请项（第十四至十六条各类、第三方答复、区分处理、不存在、非本机关、已公开、需加工、特别程序），
  偶尔申请性质（第三十九条）与重复申请；
* 事件 / events: 补正（告知有早有迟（超过7个工作日）、期限有的落在休假日、补正后收到、逾期未补正、偶尔第二次
  告知）；征求意见 1–3 次（第三方或其他机关，有无 ``received_on``、按时或逾期答复、同意或不同意、未答复）；
  延期（有的在原期限之后批准）；第三十五条；收费（2021 年起：通知、缴费或逾期不缴，``fee_basis`` 按件或按量）；
  答复（各种处理结果，或不写而取决定的结论；有的逾期）；撤回；行政复议、行政诉讼（复议后或直接）及其结果；
* ``as_of``：多在最后一个事件之后 0–60 日，约两成在事件进行之中（之后的事件不计），不晚于 2026-12-31。

Every case is valid (``benchmarks/bench_case.py`` checks that the command answers every line without
an error line, and ``tests/test_case_schema.py`` that a sample validates against ``zwgk schema case input``).
"""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import traffic  # noqa: E402  tests/traffic.py: items, channels, holiday anchors

FIRST, LAST = dt.date(2019, 1, 2), dt.date(2026, 12, 20)
AS_OF_MAX = dt.date(2026, 12, 31)
NEW_IN_2019 = traffic.NEW_IN_2019
FEES_FROM = dt.date(2021, 1, 1)
KINDS = ("natural_person",) * 6 + ("enterprise",) * 2 + ("research_institution", "nonprofit", "legal_service",
                                                          "other_org")
NAMES = ("张三", "李四", "王五", "赵六", "某某科技有限公司", "某律师事务所", "某研究院", "某协会", None)
#: dispositions a reply may name (the report's rows; ``pending`` is not a reply)
REPLIES = ("disclose", "disclose", "disclose", "partial", "partial", "withhold.state_secret",
           "withhold.prohibited_by_law", "withhold.endangers_security", "withhold.third_party",
           "withhold.internal_affairs", "withhold.process_information", "withhold.enforcement_file",
           "withhold.administrative_query", "unavailable.not_held", "unavailable.not_held",
           "unavailable.requires_creation", "unavailable.unclear_after_correction", "not_processed.petition",
           "not_processed.repeat", "not_processed.publication", "not_processed.excessive",
           "not_processed.reconfirm", "other.misc")
RESULTS = ("upheld", "upheld", "upheld", "corrected", "other")
_days = traffic._days
_d = traffic._d


def _received(rnd: random.Random) -> tuple[dict, dt.date]:
    r = rnd.random()
    if r < 0.05:            # under the 2008 regulation
        sub = FIRST + _days(rnd.randrange((NEW_IN_2019 - FIRST).days - 10))
    elif r < 0.25:          # around a holiday
        m, d = rnd.choice(traffic._HOLIDAY_ANCHORS)
        sub = dt.date(rnd.randrange(2019, 2027), m, d) + _days(rnd.randrange(-12, 10))
        sub = min(max(sub, NEW_IN_2019), LAST)
    else:
        sub = NEW_IN_2019 + _days(rnd.randrange((LAST - NEW_IN_2019).days))
    channel = rnd.choice(traffic.CHANNELS)
    out: dict = {"channel": channel, "submitted_on": _d(sub)}
    got = sub if channel == "in_person" else sub + _days(rnd.choice((0, 0, 0, 1, 2, 3, 6)))
    if channel == "post":
        out["signed_on"] = _d(got)
    elif channel != "in_person":
        out["confirmed_on"] = _d(got)
    return out, got


def case(rnd: random.Random, n: int) -> dict:
    """One case with id ``c{n}``."""
    sub, got = _received(rnd)
    old = got < NEW_IN_2019
    c: dict = {"id": f"c{n}",
               "applicant": {"kind": rnd.choice(KINDS), "id": f"P-{rnd.randrange(200_000)}", "name": rnd.choice(NAMES)},
               "submission": sub}
    k = rnd.choice((1, 1, 1, 2, 2, 3)) if rnd.random() < 0.95 else rnd.randrange(4, 7)
    c["items"] = [traffic._item(rnd, f"{n}-{j}", old, False) for j in range(k)]
    if not old and rnd.random() < 0.04:
        c["nature"] = rnd.choice(("petition", "publication", "reconfirm"))
    if not old and rnd.random() < 0.03:
        c["repeat_of_answered"] = True
    ev: list[tuple[dt.date, dict]] = []     # (day, event): sorted by day at the end, one day's in drawing order

    def add(day: dt.date, kind: str, **fields) -> None:
        ev.append((day, {"type": kind, "on": _d(day), **fields}))

    day = got            # the latest day the agency has acted on: the next step comes after it
    clock = got          # roughly where the reply period stands (no calendar: 20 working days ~ 28 days)
    closed = False
    pending = False      # a reply must name its disposition (the decision's may be ``pending``)
    # 补正 (第三十条): asked early or late; received, or lapsed
    if rnd.random() < 0.16:
        c["content_clear"] = False
        asked = got + _days(rnd.choice((0, 1, 2, 3, 5, 8, 10, 14, 20)))
        due = asked + _days(rnd.randrange(5, 31))
        if rnd.random() < 0.4:
            due = traffic._day_off_near(rnd, due)
        add(asked, "correction_requested", due_on=_d(due))
        if rnd.random() < 0.06:
            add(asked + _days(rnd.randrange(1, 5)), "correction_requested", due_on=_d(due + _days(7)))
        if old or rnd.random() < 0.7:
            back = asked + _days(rnd.randrange(0, (due - asked).days + 1))
            add(back, "correction_received")
            c["content_clear"] = rnd.random() < 0.8 or old
            day = clock = back
        else:
            day = due + _days(rnd.randrange(1, 6))      # lapsed: what follows is ignored (unless the limit
            closed = rnd.random() < 0.7                  # rolled over a day off and a reply came first)
            pending = True
    # consultations (第三十二条、第三十四条)
    if not closed and rnd.random() < 0.2:
        for j in range(rnd.choice((1, 1, 1, 2, 2, 3))):
            sent = day + _days(rnd.choice((0, 1, 2, 3, 5, 7, 10)))
            party = rnd.choice(("third_party", "third_party", "agency"))
            extra: dict = {}
            if rnd.random() < 0.4:
                extra["received_on"] = _d(sent + _days(rnd.randrange(0, 6)))
            add(sent, "consultation_sent", ref=f"k{j}", party=party, **extra)
            r = rnd.random()
            if r < 0.75:
                back = sent + _days(rnd.randrange(1, 16) if r < 0.55 else rnd.randrange(20, 45))
                reply: dict = {"ref": f"k{j}"}
                if party == "third_party" and rnd.random() < 0.85:
                    reply["consent"] = rnd.random() < 0.4
                add(back, "consultation_replied", **reply)
                day = max(day, back)
    # 第三十五条
    if not closed and not old and rnd.random() < 0.04:
        add(day + _days(rnd.randrange(0, 10)), "excessive_notified", reasonable=rnd.random() < 0.7,
            agreed_due=_d(day + _days(rnd.randrange(30, 120))) if rnd.random() < 0.6 else None)
    # extension (第三十三条第二款): mostly within the period, some after it
    if not closed and rnd.random() < 0.13:
        on = clock + _days(rnd.randrange(10, 26) if rnd.random() < 0.8 else rnd.randrange(29, 45))
        add(max(on, day), "extension_approved")
        day = max(on, day)
    # fee (信息处理费管理办法, from 2021)
    if not closed and got >= FEES_FROM and rnd.random() < 0.1:
        if rnd.random() < 0.6:
            c["fee_basis"] = {"method": "per_piece", "pieces": rnd.randrange(1, 40),
                              "earlier_pieces": rnd.choice((0, 0, 0, 3, 10, 25))}
        else:
            c["fee_basis"] = {"method": "per_volume", "pages": rnd.randrange(1, 400)}
        sent = day + _days(rnd.randrange(1, 12))
        extra = {"received_on": _d(sent + _days(rnd.randrange(1, 5)))} if rnd.random() < 0.4 else {}
        add(sent, "fee_notice_sent", amount=float(rnd.randrange(0, 50)) * 100, **extra)
        if rnd.random() < 0.75:
            day = sent + _days(rnd.randrange(1, 25))
            add(day, "fee_paid")
        else:
            day = sent + _days(rnd.randrange(30, 40))   # unpaid: lapses
            closed = True
    elif not closed and got >= FEES_FROM and rnd.random() < 0.02:     # a fee basis on a free request
        c["fee_basis"] = {"method": "per_piece", "pieces": rnd.randrange(1, 10)}
    # the closing: a reply (in time or late), a withdrawal, or still open
    r = rnd.random()
    if not closed and r < 0.72:
        on = max(day, clock) + _days(rnd.randrange(0, 25) if rnd.random() < 0.85 else rnd.randrange(25, 70))
        # without a disposition the reply closes with the decision's, which must not be ``pending`` (a third
        # party not yet consulted, a 补正 awaited): the report would refuse it
        pending = pending or any(set(i.get("categories", ())) & {"trade_secret", "personal_privacy"}
                                 for i in c["items"])
        if pending or rnd.random() < 0.8:
            add(on, "replied", disposition=rnd.choice(REPLIES))
        else:
            add(on, "replied")
        day, closed = on, True
    elif not closed and r < 0.77:
        day = day + _days(rnd.randrange(0, 20))
        add(day, "withdrawn")
        closed = True
    # remedies (行政复议、行政诉讼): filed after a reply, decided or pending
    if closed and rnd.random() < 0.06:
        after = rnd.random() < 0.5
        filed = day + _days(rnd.randrange(5, 60))
        if after or rnd.random() < 0.5:
            add(filed, "review_filed")
            if rnd.random() < 0.7:
                filed = filed + _days(rnd.randrange(30, 90))
                add(filed, "review_decided", result=rnd.choice(RESULTS))
        else:
            after = False
        if rnd.random() < 0.6:
            sued = filed + _days(rnd.randrange(5, 30))
            add(sued, "suit_filed", after_review=after)
            if rnd.random() < 0.5:
                add(sued + _days(rnd.randrange(60, 200)), "suit_decided", result=rnd.choice(RESULTS))
    ev.sort(key=lambda t: t[0])       # stable: one day's events keep their order
    c["events"] = [e for _, e in ev]
    # as_of: mostly after the last event; now and then in the middle (later events are ignored)
    last = ev[-1][0] if ev else got
    if ev and rnd.random() < 0.2:
        as_of = ev[rnd.randrange(len(ev))][0] + _days(rnd.randrange(0, 5))
    else:
        as_of = last + _days(rnd.choice((0, 1, 3, 7, 14, 30, 60)))
    c["as_of"] = _d(max(min(as_of, AS_OF_MAX), got))
    if rnd.random() < 0.1:
        c["jurisdiction"] = "cn"
    return c


def cases(count: int, seed: int = 0) -> Iterator[dict]:
    """``count`` cases drawn from ``random.Random(seed)``: the same on every run."""
    rnd = random.Random(seed)
    for n in range(count):
        yield case(rnd, n)


def write(path, count: int, seed: int = 0) -> int:
    """Stream ``count`` cases to the JSONL file ``path``; its size in bytes."""
    with open(path, "w", encoding="utf-8") as fh:
        buf = []
        for c in cases(count, seed):
            buf.append(json.dumps(c, ensure_ascii=False))
            if len(buf) == 2000:
                fh.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            fh.write("\n".join(buf) + "\n")
    return Path(path).stat().st_size


def stats(count: int, seed: int = 0) -> dict:
    """How often each event type, field and shape occurs in ``count`` cases."""
    from collections import Counter
    n = Counter()
    for c in cases(count, seed):
        n["cases"] += 1
        n["events"] += len(c["events"])
        n[f"applicant {c['applicant']['kind']}"] += 1
        n["received before 2019-05-15"] += c["submission"]["submitted_on"] < "2019-05-15"
        n["fee_basis"] += "fee_basis" in c
        n["content_clear false"] += c.get("content_clear") is False
        if not c["events"]:
            n["no event"] += 1
        for e in c["events"]:
            n[f"event {e['type']}"] += 1
            if e["type"] == "replied":
                n["replied without disposition"] += "disposition" not in e
        if any(e["on"] > c["as_of"] for e in c["events"]):
            n["as_of before an event"] += 1
    return dict(sorted(n.items()))


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="write diverse cases as JSONL, or count what a sample holds")
    ap.add_argument("count", type=int, nargs="?", default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", help="write the JSONL here (default: print the counts)")
    a = ap.parse_args()
    if a.out:
        print(f"{write(a.out, a.count, a.seed):,} bytes")
    else:
        for k, v in stats(a.count, a.seed).items():
            print(f"{v:>8,}  {k}")
