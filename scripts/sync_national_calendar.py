#!/usr/bin/env python3
"""Generate the national year files ``rules/calendars/cn/YYYY.yaml`` (2008–2027).

生成全国层年度文件。数据来源 / sources:

* ``holidays.China`` (python-holidays) — every day off and every 调休上班日 (``weekend_workdays``).
* legal-facts §7 (``/work/shared/reference/legal-facts.md``) — the 2019–2026 notice tables are
  transcribed below as ``LEGAL_FACTS``. They are (a) the check data: any disagreement with the
  holidays library is printed; (b) the authority: where they disagree, legal-facts wins, through
  the explicit ``CORRECTIONS`` list; (c) the layout: for 2019–2026 the ``days_off`` blocks are
  written exactly as the notice states them (e.g. 2019 端午节 "6月7日", 2021 端午节 "6月12日至14日").
* ``chinese_calendar`` (optional, test-only dependency) — a second independent cross-check.

For years without a transcribed table (2008–2018, 2027) a block is a maximal run of consecutive
non-working days that contains at least one holiday entry, weekend days inside or next to it
included, so that the file reads like a notice ("X月X日至X日放假调休，共N天"). Only non-working
weekdays and makeup working days change the working-day computation; where a block starts or ends
on a weekend is presentation only.

Every day goes into the file of the calendar year it falls in (2018-12-30/31, decided by the 2019
notice, are in 2018.yaml; a comment names the deciding notice).

2027: no 2027 notice in our sources (legal-facts §7, §10 item 11). The file is written with
``status: estimated`` from the statutory days only (全国年节及纪念日放假办法 arts. 2 and 6 as the
holidays library applies them), no 调休, so every deadline touching 2027 is ``provisional``.

Usage::

    .venv/bin/python scripts/sync_national_calendar.py            # write the files
    .venv/bin/python scripts/sync_national_calendar.py --check    # exit 1 if a file would change

The output is deterministic (no timestamps); re-running it rewrites identical files.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

import holidays

D = dt.date.fromisoformat
ONE = dt.timedelta(days=1)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "rules" / "calendars" / "cn"
FIRST_YEAR, LAST_YEAR = 2008, 2027
ESTIMATED_YEARS = {2027}

# --------------------------------------------------------------------------------------------
# legal-facts §7 notice metadata. 文号 only where legal-facts gives one; others are [U].
NUMBERS = {
    2017: "国办发明电〔2016〕17号",
    2019: "国办发明电〔2018〕15号",
    2020: "国办发明电〔2019〕16号",
    2021: "国办发明电〔2020〕27号",
    2023: "国办发明电〔2022〕16号",
    2025: "国办发明电〔2024〕12号",
}
URLS = {
    2019: ["http://www.gov.cn/zhengce/zhengceku/2018-12/06/content_5346276.htm",
           "http://www.gov.cn/zhengce/zhengceku/2019-03/22/content_5375877.htm"],
    2020: ["http://www.gov.cn/zhengce/zhengceku/2019-11/21/content_5454164.htm",
           "http://www.gov.cn/zhengce/zhengceku/2020-01/27/content_5472352.htm"],
    2021: ["http://www.gov.cn/zhengce/zhengceku/2020-11/25/content_5564127.htm"],
    2022: ["http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm"],
    2023: ["http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm"],
    2024: ["https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm"],
    2025: ["https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm"],
    2026: ["https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm"],
}

# --------------------------------------------------------------------------------------------
# legal-facts §7 tables, transcribed: notice year -> [(name, off_from, off_to, [makeup days])].
# Final arrangements: 2019 劳动节 as changed by the 2019-03-22 notice; 2020 春节 as extended by the
# 2020-01-27 notice (2020-02-01 makeup cancelled; 2020-02-03 is an ordinary Monday).
LEGAL_FACTS = {
    2019: [("元旦", "2018-12-30", "2019-01-01", ["2018-12-29"]),
           ("春节", "2019-02-04", "2019-02-10", ["2019-02-02", "2019-02-03"]),
           ("清明节", "2019-04-05", "2019-04-05", []),
           ("劳动节", "2019-05-01", "2019-05-04", ["2019-04-28", "2019-05-05"]),
           ("端午节", "2019-06-07", "2019-06-07", []),
           ("中秋节", "2019-09-13", "2019-09-13", []),
           ("国庆节", "2019-10-01", "2019-10-07", ["2019-09-29", "2019-10-12"])],
    2020: [("元旦", "2020-01-01", "2020-01-01", []),
           ("春节", "2020-01-24", "2020-02-02", ["2020-01-19"]),
           ("清明节", "2020-04-04", "2020-04-06", []),
           ("劳动节", "2020-05-01", "2020-05-05", ["2020-04-26", "2020-05-09"]),
           ("端午节", "2020-06-25", "2020-06-27", ["2020-06-28"]),
           ("国庆节、中秋节", "2020-10-01", "2020-10-08", ["2020-09-27", "2020-10-10"])],
    2021: [("元旦", "2021-01-01", "2021-01-03", []),
           ("春节", "2021-02-11", "2021-02-17", ["2021-02-07", "2021-02-20"]),
           ("清明节", "2021-04-03", "2021-04-05", []),
           ("劳动节", "2021-05-01", "2021-05-05", ["2021-04-25", "2021-05-08"]),
           ("端午节", "2021-06-12", "2021-06-14", []),
           ("中秋节", "2021-09-19", "2021-09-21", ["2021-09-18"]),
           ("国庆节", "2021-10-01", "2021-10-07", ["2021-09-26", "2021-10-09"])],
    2022: [("元旦", "2022-01-01", "2022-01-03", []),
           ("春节", "2022-01-31", "2022-02-06", ["2022-01-29", "2022-01-30"]),
           ("清明节", "2022-04-03", "2022-04-05", ["2022-04-02"]),
           ("劳动节", "2022-04-30", "2022-05-04", ["2022-04-24", "2022-05-07"]),
           ("端午节", "2022-06-03", "2022-06-05", []),
           ("中秋节", "2022-09-10", "2022-09-12", []),
           ("国庆节", "2022-10-01", "2022-10-07", ["2022-10-08", "2022-10-09"])],
    2023: [("元旦", "2022-12-31", "2023-01-02", []),
           ("春节", "2023-01-21", "2023-01-27", ["2023-01-28", "2023-01-29"]),
           ("清明节", "2023-04-05", "2023-04-05", []),
           ("劳动节", "2023-04-29", "2023-05-03", ["2023-04-23", "2023-05-06"]),
           ("端午节", "2023-06-22", "2023-06-24", ["2023-06-25"]),
           ("中秋节、国庆节", "2023-09-29", "2023-10-06", ["2023-10-07", "2023-10-08"])],
    2024: [("元旦", "2024-01-01", "2024-01-01", []),
           ("春节", "2024-02-10", "2024-02-17", ["2024-02-04", "2024-02-18"]),
           ("清明节", "2024-04-04", "2024-04-06", ["2024-04-07"]),
           ("劳动节", "2024-05-01", "2024-05-05", ["2024-04-28", "2024-05-11"]),
           ("端午节", "2024-06-10", "2024-06-10", []),
           ("中秋节", "2024-09-15", "2024-09-17", ["2024-09-14"]),
           ("国庆节", "2024-10-01", "2024-10-07", ["2024-09-29", "2024-10-12"])],
    2025: [("元旦", "2025-01-01", "2025-01-01", []),
           ("春节", "2025-01-28", "2025-02-04", ["2025-01-26", "2025-02-08"]),
           ("清明节", "2025-04-04", "2025-04-06", []),
           ("劳动节", "2025-05-01", "2025-05-05", ["2025-04-27"]),
           ("端午节", "2025-05-31", "2025-06-02", []),
           ("国庆节、中秋节", "2025-10-01", "2025-10-08", ["2025-09-28", "2025-10-11"])],
    2026: [("元旦", "2026-01-01", "2026-01-03", ["2026-01-04"]),
           ("春节", "2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
           ("清明节", "2026-04-04", "2026-04-06", []),
           ("劳动节", "2026-05-01", "2026-05-05", ["2026-05-09"]),
           ("端午节", "2026-06-19", "2026-06-21", []),
           ("中秋节", "2026-09-25", "2026-09-27", []),
           ("国庆节", "2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"])],
}
# The period the transcribed tables cover completely (first makeup day of the 2019 notice to the
# end of 2026). Inside it the tables are compared day by day with the holidays library.
CHECK_FROM, CHECK_TO = D("2018-12-29"), D("2026-12-31")

# --------------------------------------------------------------------------------------------
# Explicit corrections to the holidays library, each with its legal-facts reference.
# (date, status, reference); status: "off" (non-working weekday), "working" (ordinary working
# weekday), "makeup" (weekend day worked), "weekend" (weekend day not worked).
# With holidays 0.109 the library agrees with legal-facts §7 on every day of 2018-12-29..2026-12-31,
# so the list is empty. If a future library version disagrees, the run prints the dates; add them
# here with the §7 row that decides them.
CORRECTIONS: list[tuple[str, str, str]] = []

# --------------------------------------------------------------------------------------------
NAME_ORDER = ["元旦", "春节", "清明节", "劳动节", "端午节", "国庆节", "中秋节"]
_BASE_NAMES = {
    "元旦": "元旦", "农历除夕": "春节", "春节": "春节", "春节延长假期": "春节", "清明节": "清明节",
    "劳动节": "劳动节", "端午节": "端午节", "中秋节": "中秋节", "国庆节": "国庆节",
    "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
_SUBST = re.compile(r"^休息日（由 (\d{4}-\d{2}-\d{2}) 调休）$")


def lib_names(raw: str) -> tuple[list[str], bool, dt.date | None]:
    """Map a holidays-library (zh_CN) name to (Chinese holiday names, is 补假, swapped makeup day)."""
    m = _SUBST.match(raw)
    if m:
        return [], False, D(m.group(1))
    out = []
    buja = "（补假）" in raw
    for part in raw.split("; "):
        part = part.replace("（补假）", "")
        if part not in _BASE_NAMES:
            raise SystemExit(f"unknown holidays-library name {raw!r}: extend _BASE_NAMES")
        out.append(_BASE_NAMES[part])
    return out, buja, None


def join_names(names: list[str]) -> str:
    """Names of one block, in order of first appearance; same-day ties 国庆节 before 中秋节."""
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return "、".join(seen)


def daterange(a: dt.date, b: dt.date):
    while a <= b:
        yield a
        a += ONE


def weekend(d: dt.date) -> bool:
    return d.weekday() >= 5


def collect():
    lib = holidays.China(years=range(FIRST_YEAR - 1, LAST_YEAR + 2), language="zh_CN")
    lo, hi = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    entries: dict[dt.date, tuple[list[str], bool]] = {}   # day -> (names, 补假?) for holiday days
    swapped: dict[dt.date, dt.date] = {}                  # makeup day -> weekday given off for it
    for d, raw in sorted(lib.items()):
        names, buja, makeup = lib_names(raw)
        entries[d] = (names, buja)
        if makeup is not None:
            swapped[makeup] = d
    makeups = {d for d in lib.weekend_workdays if lo <= d <= hi}
    off = {d for d in entries if lo <= d <= hi and not weekend(d)}
    for d in makeups:
        if not weekend(d):
            raise SystemExit(f"holidays lists {d} ({d:%a}) as weekend_workday: not a Sat/Sun")
    return lib, entries, swapped, off, makeups


def legal_facts_sets():
    off, makeups = set(), set()
    for blocks in LEGAL_FACTS.values():
        for _, a, b, mk in blocks:
            off |= {d for d in daterange(D(a), D(b)) if not weekend(d)}
            makeups |= {D(x) for x in mk}
    return off, makeups


def compare(label, off_a, mk_a, off_b, mk_b, lo, hi) -> list[str]:
    out = []
    for d in daterange(lo, hi):
        a = "makeup" if d in mk_a else "off" if d in off_a else "weekend" if weekend(d) else "working"
        b = "makeup" if d in mk_b else "off" if d in off_b else "weekend" if weekend(d) else "working"
        if a != b:
            out.append(f"  {label}: {d} ({d:%a}) holidays={a} other={b}")
    return out


def apply_corrections(off: set, makeups: set) -> None:
    for ds, status, ref in CORRECTIONS:
        d = D(ds)
        off.discard(d)
        makeups.discard(d)
        if status == "off":
            off.add(d)
        elif status == "makeup":
            makeups.add(d)
        print(f"correction applied: {d} -> {status} ({ref})")


def build_blocks(entries, swapped, off, makeups):
    """All blocks as (from, to, name, notice_year); makeup days as {day: (name, notice_year)}."""
    blocks = []
    mk_names: dict[dt.date, tuple[str, int]] = {}
    covered: set[dt.date] = set()
    for year, rows in LEGAL_FACTS.items():
        for name, a, b, mk in rows:
            blocks.append((D(a), D(b), name, year))
            covered |= set(daterange(D(a), D(b)))
            for x in mk:
                mk_names[D(x)] = (name, year)
    # Remaining holiday days: maximal runs of non-working days containing a holiday entry.
    lo, hi = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    holiday_days = {d for d in entries if lo <= d <= hi and d not in covered
                    and (d in off or weekend(d)) and d not in makeups}
    holiday_days |= {d for d in off if d not in covered}
    seen: set[dt.date] = set()

    def free(x: dt.date) -> bool:
        return lo <= x <= hi and x not in covered and x not in makeups and (x in holiday_days or weekend(x))

    runs = []
    for d in sorted(holiday_days):
        if d in seen:
            continue
        # the maximal run of non-working days around d; if it holds a weekday off it is one block,
        # weekend days included; otherwise (a holiday on a weekend, nothing off beside it) only
        # the holiday days themselves form blocks.
        a = b = d
        while free(a - ONE):
            a -= ONE
        while free(b + ONE):
            b += ONE
        seen |= set(daterange(a, b))
        if any(not weekend(x) for x in daterange(a, b) if x in holiday_days):
            runs.append((a, b))
        else:
            for x in daterange(a, b):
                if x not in holiday_days:
                    continue
                if runs and runs[-1][1] == x - ONE:
                    runs[-1] = (runs[-1][0], x)
                else:
                    runs.append((x, x))
    for a, b in runs:
        run = list(daterange(a, b))
        key = (lambda n: NAME_ORDER.index(n) if n in NAME_ORDER else len(NAME_ORDER))
        names = [n for x in run if x in entries and not entries[x][1] for n in sorted(entries[x][0], key=key)]
        if not names:  # only 补假 days (their holiday fell outside the run): use those names
            names = [n for x in run if x in entries for n in sorted(entries[x][0], key=key)]
        # substituted days carry no name of their own: they take the block's name
        if not names:
            raise SystemExit(f"block {a}..{b} has no holiday name")
        # the notice year: the year of the block's first named holiday day
        first_named = next(x for x in run if x in entries and entries[x][0])
        blocks.append((a, b, join_names(names), first_named.year))
    blocks.sort()
    for (a1, b1, n1, _), (a2, b2, n2, _) in zip(blocks, blocks[1:]):
        if a2 <= b1:
            raise SystemExit(f"overlapping blocks {a1}..{b1} {n1} / {a2}..{b2} {n2}")
    for m in sorted(makeups):
        if m in mk_names:
            continue
        target = swapped.get(m)
        blk = next((blk for blk in blocks if target and blk[0] <= target <= blk[1]), None)
        if blk is None:
            raise SystemExit(f"makeup day {m}: cannot tell which holiday it belongs to")
        mk_names[m] = (blk[2], blk[3])
    # consistency: the blocks reproduce exactly the non-working weekdays
    in_blocks = {x for a, b, _, _ in blocks for x in daterange(a, b) if not weekend(x)}
    in_blocks = {x for x in in_blocks if lo <= x <= hi}
    if in_blocks != off:
        raise SystemExit(f"blocks != days off: extra {sorted(in_blocks - off)} missing {sorted(off - in_blocks)}")
    if set(mk_names) - makeups or makeups - set(mk_names):
        raise SystemExit("makeup days do not match")
    return blocks, mk_names


def q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(year: int, blocks, mk_names, version: str) -> str:
    lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
    estimated = year in ESTIMATED_YEARS
    lines = ["# 由 scripts/sync_national_calendar.py 生成，请勿手工修改。",
             "# Generated by scripts/sync_national_calendar.py; do not edit by hand."]
    if estimated:
        lines += [f"# {year}: 尚无国务院办公厅{year}年节假日安排通知（legal-facts §7、§10 第11项）。本文件仅按",
                  "# 《全国年节及纪念日放假办法》第二条、第六条（holidays 库的推算）列出法定假日及补假，无调休；",
                  "# status: estimated，涉及本年的期限一律 provisional。通知发布后以通知重写本文件（加入 LEGAL_FACTS）。",
                  f"# No {year} notice in our sources: statutory days only, estimated; rewrite when the notice is out."]
    foreign = sorted({by for a, b, _, by in blocks if by != year and a <= hi and b >= lo} |
                     {by for m, (_, by) in mk_names.items() if lo <= m <= hi and by != year})
    for by in foreign:
        days = sorted({x for a, b, _, y in blocks if y == by for x in daterange(a, b) if lo <= x <= hi} |
                      {m for m, (_, y) in mk_names.items() if y == by and lo <= m <= hi})
        span = f"{days[0]}" if days[0] == days[-1] else f"{days[0]}…{days[-1]}"
        lines.append(f"# {span} 由《国务院办公厅关于{by}年部分节假日安排的通知》安排，"
                     f"按日期所在年份收入本文件 (decided by the {by} notice).")
    if year == 2015:
        lines.append("# 2015-09-03…09-05 抗战胜利70周年纪念日放假另有国务院专门通知（名称、文号未在 legal-facts 核对）。")
    if year == 2020:
        lines.append("# 2020-01-31…02-02 为 2020-01-27 国办通知延长的春节假期；原 2020-02-01（六）调休上班取消；"
                     "2020-02-03（一）为普通工作日，不是调休上班日（legal-facts §7 notes）。")
    lines.append(f"year: {year}")
    lines.append(f"status: {'estimated' if estimated else 'official'}")
    lines.append("notice:")
    if estimated:
        lines.append("  title: null")
    else:
        lines.append(f"  title: 国务院办公厅关于{year}年部分节假日安排的通知")
    lines.append(f"  number: {q(NUMBERS[year]) if year in NUMBERS else 'null'}")
    urls = URLS.get(year, [])
    if urls:
        lines.append("  urls:")
        lines += [f"    - {u}" for u in urls]
    else:
        lines.append("  urls: []")
    if estimated:
        src = (f"holidays {version} ChinaStaticHolidays / China (statutory days by 全国年节及纪念日放假办法 "
               "arts. 2, 6; no notice, estimated)")
    elif year in LEGAL_FACTS:
        src = (f"holidays {version} ChinaStaticHolidays / China; cross-checked against chinesecalendar and "
               f"legal-facts §7 (S2 NateScarlet/holiday-cn table for {year}, which wins)")
    else:
        src = f"holidays {version} ChinaStaticHolidays / China; cross-checked against chinesecalendar and legal-facts §7"
    lines.append(f"source: {q(src)}")
    lines.append("days_off:")
    n = 0
    for a, b, name, _ in blocks:
        a2, b2 = max(a, lo), min(b, hi)
        if a2 > b2:
            continue
        n += 1
        if a2 == b2:
            lines.append(f"  - {{date: {a2}, name: {name}}}")
        else:
            lines.append(f"  - {{from: {a2}, to: {b2}, name: {name}}}")
    if not n:
        lines[-1] = "days_off: []"
    mks = sorted((m, nm) for m, (nm, _) in mk_names.items() if lo <= m <= hi)
    if mks:
        lines.append("makeup_workdays:")
        lines += [f"  - {{date: {m}, name: {nm}}}" for m, nm in mks]
    else:
        lines.append("makeup_workdays: []")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if any file would change")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    lib, entries, swapped, off, makeups = collect()

    print(f"holidays {holidays.__version__}: {len(off)} non-working weekdays, {len(makeups)} makeup days "
          f"in {FIRST_YEAR}..{LAST_YEAR}")
    lf_off, lf_mk = legal_facts_sets()
    diff = compare("holidays vs legal-facts §7", off, makeups, lf_off, lf_mk, CHECK_FROM, CHECK_TO)
    print(f"holidays vs legal-facts §7 ({CHECK_FROM}..{CHECK_TO}): "
          f"{len(diff)} disagreement(s)" + (":" if diff else ""))
    for line in diff:
        print(line)
    corrected = {D(x) for x, _, _ in CORRECTIONS}
    unresolved = [line for line in diff if D(line.split(": ")[1][:10]) not in corrected]
    if unresolved:
        print("ERROR: disagreements not covered by CORRECTIONS; legal-facts wins: add them to CORRECTIONS")
        return 2
    apply_corrections(off, makeups)

    try:
        import chinese_calendar as cc
    except ImportError:
        print("chinesecalendar not installed: second cross-check skipped")
    else:
        cc_off, cc_mk = set(), set()
        last = dt.date(min(LAST_YEAR, 2026), 12, 31)
        for d in daterange(dt.date(FIRST_YEAR, 1, 1), last):
            try:
                w = cc.is_workday(d)
            except NotImplementedError:
                last = d - ONE
                break
            if weekend(d) and w:
                cc_mk.add(d)
            elif not weekend(d) and not w:
                cc_off.add(d)
        cdiff = compare("holidays(+corrections) vs chinesecalendar", off, makeups, cc_off, cc_mk,
                        dt.date(FIRST_YEAR, 1, 1), last)
        print(f"holidays(+corrections) vs chinesecalendar {cc.__version__ if hasattr(cc, '__version__') else ''}"
              f" ({FIRST_YEAR}-01-01..{last}): {len(cdiff)} disagreement(s)")
        for line in cdiff:
            print(line)

    blocks, mk_names = build_blocks(entries, swapped, off, makeups)
    changed = []
    args.out.mkdir(parents=True, exist_ok=True)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        text = render(year, blocks, mk_names, holidays.__version__)
        path = args.out / f"{year}.yaml"
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            changed.append(path.name)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    if args.check:
        print("would change: " + (", ".join(changed) if changed else "nothing"))
        return 1 if changed else 0
    print("written: " + (", ".join(changed) if changed else "nothing changed"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
