"""多样的依申请公开申请：性能基准与测试共用的生成器 / Diverse disclosure requests, shared by benchmarks and tests.

``request(rnd, n)`` draws one JSON-shaped request (dates as ISO strings) from a ``random.Random``;
``requests(count, seed=…)`` draws many from a fixed seed, so a workload is the same on every run and
every machine. Neither needs the engine: the generator knows no calendar and no rule.

What it draws (每一种都有一定比例 / each at some rate):

* 收到日 2008-05-01 至 2026-12-20（约一成集中在 2019-05-15 新旧条例交替前后，约两成在元旦、清明、五一、端午、
  国庆附近）/ receipt dates over 2008–2026, some around the 2019-05-15 change of regulation and around
  holidays; every channel (第三十一条), receipt 0–6 days after submission;
* 申请项 1–3 项，偶尔 4–6 项 / 1–3 items, now and then 4–6: categories (第十四至十六条, 2008: 第八条、第十四条),
  third-party answers and public interest (第十五条、第三十二条), required by law, severable (第三十七条),
  not held / referred, not existing, already published, special procedure, needs creating (第三十六、三十八条),
  in combination (e.g. a 第十四条 category on a published item);
* 申请层面 / request level: ``nature`` (第三十九条 and 确认), ``repeat_of_answered`` (第三十六条第六项),
  第三十五条 ``excessive`` with or without an agreed date, unclear content and 补正 (``correction``; its
  ``due_on`` now and then on a weekend or in a holiday week with ``as_of`` just before or after it), 1–3
  consultations (third party or agency, with and without ``received_on``, unanswered, answered in time or
  late), extensions (some approved after the reply period), applicant kinds;
* under the 2008 regulation (received before 2019-05-15) only what it provides for, unless
  ``unsupported`` > 0: then about that share of old-regime requests also carries something only the 2019
  revision has (the engine must reject it);
* ``invalid`` > 0: about that share carries an input error (receipt before submission, a missing receipt
  date, a 补正 notice, consultation, extension or agreed date before receipt, a receipt before 2008-05-01).

``national_only``: every request is for the national rules (``jurisdiction: "cn"``); otherwise about one
in three is for a local pack.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import Iterator

CATEGORIES = ("state_secret", "prohibited_by_law", "endangers_security", "trade_secret", "personal_privacy",
              "internal_affairs", "process_information", "enforcement_file")
#: what the 2008 regulation provides for (requests received before 2019-05-15 use only these)
CATEGORIES_2008 = ("state_secret", "endangers_security", "trade_secret", "personal_privacy")
NEW_IN_2019 = dt.date(2019, 5, 15)
FIRST = dt.date(2008, 5, 1)
PACKS = ("cn", "cn", "cn", "cn", "cn-nx-zhongwei-sfj", "cn-yn-longling-sfj", "cn-gz-shaomi")
CHANNELS = ("in_person", "post", "ordinary_mail", "online", "fax")
APPLICANT_KINDS = ("natural_person", "enterprise", "research_institution", "nonprofit", "legal_service", "other_org")
START, SPAN = FIRST, (dt.date(2026, 12, 20) - FIRST).days
# (month, day) of days near which holidays fall every year (元旦、清明、五一、端午前后、国庆)
_HOLIDAY_ANCHORS = ((1, 1), (4, 4), (5, 1), (6, 10), (10, 1))
_DAY = dt.timedelta(days=1)


def _d(day: dt.date) -> str:
    return day.isoformat()


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _submitted(rnd: random.Random) -> dt.date:
    r = rnd.random()
    if r < 0.10:        # around the change of regulation (第五十六条: 2019-05-15)
        return NEW_IN_2019 + _days(rnd.randrange(-60, 60))
    if r < 0.30:        # around a holiday
        year = rnd.randrange(2009, 2027)
        m, d = rnd.choice(_HOLIDAY_ANCHORS)
        day = dt.date(year, m, d) + _days(rnd.randrange(-12, 10))
        return min(max(day, START), START + _days(SPAN))
    return START + _days(rnd.randrange(SPAN))


def _item(rnd: random.Random, tag: str, old: bool, off_law: bool) -> dict:
    """One item; ``old``: the 2008 regulation governs; ``off_law``: may use what only 2019 provides."""
    item: dict = {"description": f"信息 {tag}"}
    if rnd.random() < 0.07:
        item["exists"] = False
    if rnd.random() < 0.08:
        item["held"] = False
        if rnd.random() < 0.6:
            item["responsible_agency"] = "某局"
    if rnd.random() < 0.10:
        item["proactively_published"] = True
    if not old or off_law:
        if rnd.random() < 0.06:
            item["requires_creation"] = True
        if rnd.random() < 0.05:
            item["special_procedure"] = True
    if rnd.random() < 0.5:
        pool = CATEGORIES if (not old or off_law) else CATEGORIES_2008
        cats = rnd.sample(pool, rnd.choice((1, 1, 1, 2, 2, 3)))
        item["categories"] = cats
        if "trade_secret" in cats or "personal_privacy" in cats:
            if rnd.random() < 0.65:
                item["third_party"] = {"consent": rnd.choice([True, False, "no_reply"]),
                                       "public_interest_override": rnd.random() < 0.25}
        if "process_information" in cats or "enforcement_file" in cats:
            item["disclosure_required_by_law"] = rnd.random() < 0.35
        if rnd.random() < 0.35:
            item["severable"] = True
    elif rnd.random() < 0.04:
        # a third party's answer on an item of no third-party category (it changes nothing)
        item["third_party"] = {"consent": rnd.choice([True, False, "no_reply"]),
                               "public_interest_override": rnd.random() < 0.3}
    return item


def _day_off_near(rnd: random.Random, day: dt.date) -> dt.date:
    """A weekend day or a day of a holiday week on or after ``day`` (no calendar needed: most are days off)."""
    if rnd.random() < 0.3:
        anchor = dt.date(day.year, *rnd.choice(_HOLIDAY_ANCHORS)) + _days(rnd.randrange(0, 4))
        if anchor >= day:
            return anchor
    while day.weekday() < 5:
        day += _DAY
    return day + _days(rnd.randrange(0, 2))


def _correction(rnd: random.Random, received: dt.date, old: bool, off_law: bool) -> tuple[dict, dt.date | None, bool]:
    """(correction, as_of, content_clear) for a request that had a 补正 notice."""
    notified = received + _days(rnd.choice((0, 1, 2, 3, 5, 8, 10, 14, 25)))
    due = notified + _days(rnd.randrange(5, 31))
    if rnd.random() < 0.45:
        due = _day_off_near(rnd, due)
    corr = {"notified_on": _d(notified), "due_on": _d(due)}
    r = rnd.random()
    content_clear = True
    if r < 0.45:       # the corrected application came in (sometimes after the time limit)
        corr["received_on"] = _d(notified + _days(rnd.randrange(0, (due - notified).days + 8)))
        content_clear = rnd.random() < 0.75 or (old and not off_law)
        as_of = None if rnd.random() < 0.5 else due + _days(rnd.randrange(-3, 10))
    else:              # awaiting, or lapsed (as_of around the last day of the time limit)
        content_clear = rnd.random() < 0.3
        as_of = None if rnd.random() < 0.15 else due + _days(rnd.randrange(-4, 9))
        if old and not off_law and as_of is not None and as_of > due:
            as_of = due           # a lapsed 补正 has no 2008 provision
    if as_of is not None and as_of < notified:
        as_of = notified
    return corr, as_of, content_clear


def _consultations(rnd: random.Random, received: dt.date) -> list[dict]:
    out = []
    for _ in range(rnd.choice((1, 1, 1, 2, 2, 3))):
        sent = received + _days(rnd.choice((0, 1, 2, 3, 5, 7, 10, 15, 20, 30)))
        c: dict = {"party": rnd.choice(("third_party", "third_party", "agency")), "sent_on": _d(sent)}
        got = sent
        if rnd.random() < 0.5:
            got = sent + _days(rnd.randrange(0, 7))
            c["received_on"] = _d(got)
        r = rnd.random()
        if r < 0.45:
            c["replied_on"] = _d(got + _days(rnd.randrange(0, 22)))       # mostly in time
        elif r < 0.75:
            c["replied_on"] = _d(got + _days(rnd.randrange(20, 60)))      # mostly late (over 15 working days)
        out.append(c)                                                      # else: no reply
    return out


_INVALID = ("receipt_before_submission", "no_receipt_date", "correction_before_receipt",
            "consultation_before_receipt", "extension_before_receipt", "agreed_due_before_receipt",
            "before_2008")


def _spoil(rnd: random.Random, req: dict, received: dt.date) -> None:
    """Give ``req`` one input error the engine must reject."""
    kind = rnd.choice(_INVALID)
    sub = req["submission"]
    early = _d(received - _days(rnd.randrange(1, 20)))
    if kind == "receipt_before_submission":
        sub.update(channel="post", signed_on=_d(dt.date.fromisoformat(sub["submitted_on"]) - _days(rnd.randrange(1, 5))))
        sub.pop("confirmed_on", None)
    elif kind == "no_receipt_date":
        sub.update(channel=rnd.choice(("post", "ordinary_mail", "online", "fax")))
        sub.pop("signed_on", None)
        sub.pop("confirmed_on", None)
    elif kind == "correction_before_receipt":
        req["correction"] = {"notified_on": early, "due_on": _d(received + _days(10))}
    elif kind == "consultation_before_receipt":
        req.setdefault("consultations", []).append({"party": "third_party", "sent_on": early})
    elif kind == "extension_before_receipt":
        req["extension"] = {"approved_on": early}
    elif kind == "agreed_due_before_receipt":
        req["excessive"] = {"reason_reasonable": True, "agreed_due": early}
    else:
        req["submission"] = {"channel": "in_person", "submitted_on": _d(FIRST - _days(rnd.randrange(1, 60)))}


def request(rnd: random.Random, n: int, items: int | None = None, *, national_only: bool = False,
            unsupported: float = 0.0, invalid: float = 0.0) -> dict:
    """One request with id ``r{n}`` (its descriptions are distinct too); ``items``: how many (default 1–6)."""
    submitted = _submitted(rnd)
    channel = rnd.choice(CHANNELS)
    sub: dict = {"channel": channel, "submitted_on": _d(submitted)}
    received = submitted + _days(rnd.choice((0, 0, 0, 1, 2, 3, 6)))
    if channel == "in_person":
        received = submitted                    # 第三十一条第（一）项: the day it is handed in
    elif channel == "post":
        sub["signed_on"] = _d(received)
    else:
        sub["confirmed_on"] = _d(received)
    old = received < NEW_IN_2019
    off_law = old and rnd.random() < unsupported
    jurisdiction = "cn" if national_only else rnd.choice(PACKS)
    if items is None:
        items = rnd.choice((1, 1, 1, 2, 2, 3)) if rnd.random() < 0.95 else rnd.randrange(4, 7)
    req: dict = {"id": f"r{n}", "jurisdiction": jurisdiction, "submission": sub}
    if rnd.random() < 0.15:
        req["applicant"] = {"kind": rnd.choice(APPLICANT_KINDS)}
    if (not old or off_law) and rnd.random() < 0.06:
        req["nature"] = rnd.choice(("petition", "publication", "reconfirm"))
    if req.get("nature") is None or rnd.random() < 0.7:
        req["items"] = [_item(rnd, f"{n}-{k}", old, off_law) for k in range(items)]
    if (not old or off_law) and rnd.random() < 0.04:
        req["repeat_of_answered"] = True
    if (not old or off_law) and rnd.random() < 0.06:
        ex: dict = {"reason_reasonable": rnd.random() < 0.6}
        if rnd.random() < 0.7:
            ex["agreed_due"] = _d(received + _days(rnd.randrange(0, 120)))
        req["excessive"] = ex
    r = rnd.random()
    if r < 0.14:
        corr, as_of, clear = _correction(rnd, received, old, off_law)
        req["correction"] = corr
        if as_of is not None:
            req["as_of"] = _d(as_of)
        if not clear:
            req["content_clear"] = False
    elif r < 0.20:
        req["content_clear"] = False            # unclear, no notice sent yet
    if rnd.random() < 0.22:
        req["consultations"] = _consultations(rnd, received)
    if rnd.random() < 0.12:
        req["extension"] = {"approved_on": _d(received + _days(rnd.randrange(0, 60)))}
    if rnd.random() < 0.03 and "correction" not in req:
        req["as_of"] = _d(received + _days(rnd.randrange(0, 40)))
    if invalid and rnd.random() < invalid:
        _spoil(rnd, req, received)
    return req


def requests(count: int, seed: int = 0, items: int | None = None, *, national_only: bool = False,
             unsupported: float = 0.0, invalid: float = 0.0) -> Iterator[dict]:
    """``count`` requests drawn from ``random.Random(seed)``: the same on every run."""
    rnd = random.Random(seed)
    for n in range(count):
        yield request(rnd, n, items, national_only=national_only, unsupported=unsupported, invalid=invalid)
