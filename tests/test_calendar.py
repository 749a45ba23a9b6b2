"""Working-day calendars: data files under rules/calendars/ and the loader in _calendar.py.

Expected values are literals taken from legal-facts §6.2, §7 and §8 (or from two independent
third-party calendars, ``chinesecalendar`` and ``holidays``); nothing is recomputed with the code
under test.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zwgk_rules._calendar import load_calendars
from zwgk_rules._errors import CalendarError, RuleFileError

D = dt.date.fromisoformat
CALENDARS = Path(__file__).resolve().parents[1] / "rules" / "calendars"


@pytest.fixture(scope="module")
def cals():
    return load_calendars(CALENDARS)


@pytest.fixture(scope="module")
def cn(cals):
    return cals["cn"]


def _days(*specs: str):
    """'2026-02-15' or '2026-02-15..2026-02-23' (inclusive) -> dates."""
    for s in specs:
        a, _, b = s.partition("..")
        d, end = D(a), D(b or a)
        while d <= end:
            yield d
            d += dt.timedelta(days=1)


def _check(cal, working: bool, *specs: str):
    wrong = [d.isoformat() for d in _days(*specs) if cal.is_working_day(d) is not working]
    assert not wrong, f"{cal.id}: expected {'working' if working else 'off'}: {wrong}"


# --------------------------------------------------------------------------------------------
# Day by day against independent calendars, 2008-01-01 .. 2026-12-31

FIRST, LAST = dt.date(2008, 1, 1), dt.date(2026, 12, 31)

# Dates where chinesecalendar / holidays disagree with legal-facts §7; the legal-facts answer
# (True = working day) is what the calendar must give. With chinesecalendar 1.11.0 and
# holidays 0.109 there are none: both agree with legal-facts §7 on every day of 2019–2026
# (including 2020-02-01 off and 2020-02-03 an ordinary working Monday) and with each other on
# every day of 2008–2026.
KNOWN_CHINESECALENDAR_DISAGREEMENTS: dict[dt.date, bool] = {}
KNOWN_HOLIDAYS_DISAGREEMENTS: dict[dt.date, bool] = {}


def _all_days():
    d = FIRST
    while d <= LAST:
        yield d
        d += dt.timedelta(days=1)


def test_day_by_day_matches_chinesecalendar(cn):
    chinese_calendar = pytest.importorskip("chinese_calendar")
    wrong = []
    for d in _all_days():
        expected = KNOWN_CHINESECALENDAR_DISAGREEMENTS.get(d, chinese_calendar.is_workday(d))
        if cn.is_working_day(d) != expected:
            wrong.append(d.isoformat())
    assert wrong == []


def test_day_by_day_matches_holidays(cn):
    holidays = pytest.importorskip("holidays")
    lib = holidays.China(years=range(FIRST.year, LAST.year + 1))
    wrong = []
    for d in _all_days():
        expected = KNOWN_HOLIDAYS_DISAGREEMENTS.get(d, lib.is_working_day(d))
        if cn.is_working_day(d) != expected:
            wrong.append(d.isoformat())
    assert wrong == []


# --------------------------------------------------------------------------------------------
# legal-facts §7 tables, 2019–2026 (literal): days off (inclusive ranges), 调休上班日, and the
# ordinary working days just outside each block.

LEGAL_FACTS_7 = {
    2019: dict(
        off=["2018-12-30..2019-01-01", "2019-02-04..2019-02-10", "2019-04-05", "2019-05-01..2019-05-04",
             "2019-06-07", "2019-09-13", "2019-10-01..2019-10-07"],
        makeup=["2018-12-29", "2019-02-02", "2019-02-03", "2019-04-28", "2019-05-05", "2019-09-29",
                "2019-10-12"],
        working=["2018-12-28", "2019-01-02", "2019-02-01", "2019-02-11", "2019-04-04", "2019-04-30",
                 "2019-05-06", "2019-06-06", "2019-06-10", "2019-09-12", "2019-09-16", "2019-09-30",
                 "2019-10-08"]),
    2020: dict(
        off=["2020-01-01", "2020-01-24..2020-02-02", "2020-04-04..2020-04-06", "2020-05-01..2020-05-05",
             "2020-06-25..2020-06-27", "2020-10-01..2020-10-08"],
        makeup=["2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10"],
        working=["2019-12-31", "2020-01-02", "2020-01-23", "2020-02-03", "2020-04-03", "2020-04-07",
                 "2020-04-30", "2020-05-06", "2020-06-24", "2020-09-30", "2020-10-09"]),
    2021: dict(
        off=["2021-01-01..2021-01-03", "2021-02-11..2021-02-17", "2021-04-03..2021-04-05",
             "2021-05-01..2021-05-05", "2021-06-12..2021-06-14", "2021-09-19..2021-09-21",
             "2021-10-01..2021-10-07"],
        makeup=["2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26",
                "2021-10-09"],
        working=["2020-12-31", "2021-01-04", "2021-02-10", "2021-02-18", "2021-04-02", "2021-04-06",
                 "2021-04-30", "2021-05-06", "2021-06-11", "2021-06-15", "2021-09-17", "2021-09-22",
                 "2021-09-30", "2021-10-08"]),
    2022: dict(
        off=["2022-01-01..2022-01-03", "2022-01-31..2022-02-06", "2022-04-03..2022-04-05",
             "2022-04-30..2022-05-04", "2022-06-03..2022-06-05", "2022-09-10..2022-09-12",
             "2022-10-01..2022-10-07"],
        makeup=["2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08",
                "2022-10-09"],
        working=["2021-12-31", "2022-01-04", "2022-01-28", "2022-02-07", "2022-04-01", "2022-04-06",
                 "2022-04-29", "2022-05-05", "2022-06-02", "2022-06-06", "2022-09-09", "2022-09-13",
                 "2022-09-30", "2022-10-10"]),
    2023: dict(
        off=["2022-12-31..2023-01-02", "2023-01-21..2023-01-27", "2023-04-05", "2023-04-29..2023-05-03",
             "2023-06-22..2023-06-24", "2023-09-29..2023-10-06"],
        makeup=["2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07",
                "2023-10-08"],
        working=["2022-12-30", "2023-01-03", "2023-01-20", "2023-01-30", "2023-04-04", "2023-04-06",
                 "2023-04-28", "2023-05-04", "2023-06-21", "2023-06-26", "2023-09-28", "2023-10-09"]),
    2024: dict(
        off=["2024-01-01", "2024-02-10..2024-02-17", "2024-04-04..2024-04-06", "2024-05-01..2024-05-05",
             "2024-06-10", "2024-09-15..2024-09-17", "2024-10-01..2024-10-07"],
        makeup=["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14",
                "2024-09-29", "2024-10-12"],
        working=["2023-12-29", "2024-01-02", "2024-02-09", "2024-02-19", "2024-04-03", "2024-04-08",
                 "2024-04-30", "2024-05-06", "2024-06-07", "2024-06-11", "2024-09-13", "2024-09-18",
                 "2024-09-30", "2024-10-08"]),
    2025: dict(
        off=["2025-01-01", "2025-01-28..2025-02-04", "2025-04-04..2025-04-06", "2025-05-01..2025-05-05",
             "2025-05-31..2025-06-02", "2025-10-01..2025-10-08"],
        makeup=["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
        working=["2024-12-31", "2025-01-02", "2025-01-27", "2025-02-05", "2025-04-03", "2025-04-07",
                 "2025-04-30", "2025-05-06", "2025-05-30", "2025-06-03", "2025-09-30", "2025-10-09"]),
    2026: dict(
        off=["2026-01-01..2026-01-03", "2026-02-15..2026-02-23", "2026-04-04..2026-04-06",
             "2026-05-01..2026-05-05", "2026-06-19..2026-06-21", "2026-09-25..2026-09-27",
             "2026-10-01..2026-10-07"],
        makeup=["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
        working=["2025-12-31", "2026-01-05", "2026-02-13", "2026-02-24", "2026-04-03", "2026-04-07",
                 "2026-04-30", "2026-05-06", "2026-06-18", "2026-06-22", "2026-09-24", "2026-09-28",
                 "2026-09-30", "2026-10-08"]),
}


@pytest.mark.parametrize("year", sorted(LEGAL_FACTS_7))
def test_legal_facts_tables(cn, year):
    row = LEGAL_FACTS_7[year]
    _check(cn, False, *row["off"])
    _check(cn, True, *row["makeup"])
    _check(cn, True, *row["working"])
    for d in _days(*row["makeup"]):
        assert d.weekday() >= 5 and cn.day_info(d).reason == "makeup_workday", d


def test_2019_labour_day_as_changed_in_march(cn):
    # second 2019 notice (2019-03-22): 5/1–5/4 off, 4/28 (Sun) and 5/5 (Sun) working
    _check(cn, True, "2019-04-28", "2019-05-05")
    _check(cn, False, "2019-05-01..2019-05-04")


def test_2020_spring_festival_extension(cn):
    # 2020-01-27 notice: break extended to 2/2, cancelling the 2/1 (Sat) makeup day;
    # 2020-02-03 is an ordinary Monday, not a 调休 day.
    _check(cn, False, "2020-01-31", "2020-02-01", "2020-02-02")
    _check(cn, True, "2020-02-03")
    assert cn.day_info(D("2020-02-01")).reason == "holiday"
    assert cn.day_info(D("2020-02-03")).reason == "workday"


def test_day_info_explains(cn):
    info = cn.day_info(D("2026-02-14"))
    assert (info.working, info.reason, info.name) == (True, "makeup_workday", "春节")
    assert info.source == "国务院办公厅关于2026年部分节假日安排的通知"
    info = cn.day_info(D("2026-02-18"))
    assert (info.working, info.reason, info.name, info.basis) == (False, "holiday", "春节", "holiday-measures:2")
    info = cn.day_info(D("2026-03-07"))
    assert (info.working, info.reason, info.basis) == (False, "weekend", "work-hours-1995:7")
    # a day decided by the next year's notice sits in the file of the year it falls in
    assert cn.day_info(D("2018-12-31")).name == "元旦"
    assert cn.day_info(D("2018-12-29")).reason == "makeup_workday"


# --------------------------------------------------------------------------------------------
# add_working_days: legal-facts §6.2 worked examples (receipt day excluded, 调休上班日 counted)

@pytest.mark.parametrize("start, n, expected", [
    ("2022-09-30", 20, "2022-11-02"),   # the 连云港 case
    ("2025-09-26", 20, "2025-10-30"),
    ("2025-09-26", 40, "2025-11-27"),
    ("2026-02-13", 7, "2026-03-02"),
    ("2026-02-13", 20, "2026-03-19"),
    ("2024-12-31", 20, "2025-02-05"),
    ("2023-09-28", 15, "2023-10-25"),
    ("2026-09-28", 20, "2026-10-30"),
    ("2026-09-28", 40, "2026-11-27"),
    ("2019-04-30", 15, "2019-05-23"),
    ("2019-04-30", 30, "2019-06-14"),
])
def test_add_working_days(cn, start, n, expected):
    assert cn.add_working_days(D(start), n) == D(expected)


# --------------------------------------------------------------------------------------------
# Regional layers (legal-facts §8.1, §8.2)

def test_guangxi_2017_swap(cals):
    gx, cn = cals["cn-gx"], cals["cn"]
    _check(gx, False, "2017-03-30", "2017-03-31", "2017-04-01")
    _check(cn, True, "2017-03-30", "2017-03-31", "2017-04-01")   # 4/1 a national makeup day
    _check(gx, True, "2017-04-08")
    _check(cn, False, "2017-04-08")
    assert gx.day_info(D("2017-04-01")).reason == "regional_holiday"
    assert gx.day_info(D("2017-04-08")).reason == "regional_makeup_workday"
    assert gx.day_info(D("2017-04-01")).basis == "holiday-measures:4"


def test_guangxi_other_years(cals):
    gx, cn = cals["cn-gx"], cals["cn"]
    _check(gx, False, "2021-04-14..2021-04-16", "2023-04-21..2023-04-23", "2024-04-11..2024-04-12",
           "2025-03-31..2025-04-01")
    _check(gx, True, "2021-04-13", "2021-04-18", "2021-04-19", "2023-04-20", "2023-04-24", "2024-04-10",
           "2024-04-15", "2025-03-28", "2025-04-02")
    _check(cn, True, "2021-04-14..2021-04-16", "2023-04-21", "2024-04-11..2024-04-12",
           "2025-03-31..2025-04-01")
    _check(cn, False, "2021-04-18")
    # the national layer still applies in 广西
    _check(gx, False, "2026-02-15..2026-02-23")
    _check(gx, True, "2026-02-14")


def test_ningxia(cals):
    nx, cn = cals["cn-nx"], cals["cn"]
    _check(nx, False, "2017-06-26..2017-06-28", "2019-06-05", "2019-06-06", "2019-08-12", "2019-08-13",
           "2020-05-25", "2020-05-26", "2020-07-30", "2020-07-31", "2021-05-13", "2021-05-14",
           "2021-07-19", "2021-07-20")
    _check(nx, True, "2017-07-01", "2019-06-04", "2019-06-10", "2020-07-29", "2020-08-03")
    _check(cn, True, "2017-06-26", "2019-06-05", "2020-07-30", "2021-07-19")
    _check(cn, False, "2017-07-01")
    assert cn.add_working_days(D("2019-06-04"), 1) == D("2019-06-05")
    assert nx.add_working_days(D("2019-06-04"), 1) == D("2019-06-10")   # 6/7 端午 (national)


# --------------------------------------------------------------------------------------------
# provisional: a year without an official notice

def test_provisional(cals):
    cn, gx, nx = cals["cn"], cals["cn-gx"], cals["cn-nx"]
    assert cn.provisional(D("2026-12-01"), D("2027-01-20")) is True
    assert cn.provisional(D("2026-01-01"), D("2026-12-31")) is False
    assert cn.provisional(D("2008-01-01"), D("2026-12-31")) is False
    assert cn.provisional(D("2028-03-01"), D("2028-03-10")) is True
    assert gx.provisional(D("2026-03-01"), D("2026-05-01")) is True    # no 2026 广西 notice
    assert gx.provisional(D("2024-03-01"), D("2024-05-01")) is False
    assert gx.provisional(D("2022-03-01"), D("2022-05-01")) is True
    assert nx.provisional(D("2019-05-01"), D("2019-09-01")) is False
    assert nx.provisional(D("2022-05-01"), D("2022-09-01")) is True    # 宁夏 2022–2026 [U]


def test_official_years(cals):
    assert cals["cn"].official_years == frozenset(range(2008, 2027))
    # 广西 2021 and 2025 rest on secondary sources only, 宁夏 2017 lacks 古尔邦节 (legal-facts §8): not official
    assert cals["cn-gx"].official_years == frozenset({2017, 2023, 2024})
    assert cals["cn-nx"].official_years == frozenset({2019, 2020, 2021})


def test_years_not_read_from_an_official_text_give_provisional_deadlines(cals):
    gx, nx = cals["cn-gx"], cals["cn-nx"]
    assert gx.provisional(D("2021-04-01"), D("2021-04-30")) is True       # 三月三 2021: [S] only
    assert gx.provisional(D("2025-03-01"), D("2025-03-31")) is True       # 三月三 2025: [S] only
    assert nx.provisional(D("2017-06-01"), D("2017-06-30")) is True       # 古尔邦节 2017 unknown
    assert gx.provisional(D("2024-04-01"), D("2024-04-30")) is False      # 三月三 2024: [P]
    assert not gx.is_working_day(D("2021-04-16"))                         # the data still count
    assert gx.is_working_day(D("2021-04-18"))
    assert cals["cn-gx"].region == "450000" and cals["cn-nx"].region == "640000"


def test_2027_is_estimated_not_official(cals):
    cn = cals["cn"]
    assert 2027 not in cn.official_years
    assert 2027 in cn.sources                         # the estimated file is loaded …
    assert not cn.is_working_day(D("2027-01-01"))     # … with the statutory days
    assert cn.provisional(D("2027-01-01"), D("2027-01-01")) is True


# --------------------------------------------------------------------------------------------
# Range and bad data

def test_out_of_range(cn):
    with pytest.raises(CalendarError):
        cn.rank(D("2036-01-01"))
    with pytest.raises(CalendarError):
        cn.is_working_day(D("2007-12-31"))
    assert cn.is_working_day(D("2035-12-31")) is True    # a Monday, last day of the range
    with pytest.raises(CalendarError):
        cn.add_working_days(D("2035-12-20"), 20)


_INDEX = """\
calendars:
  - id: cn
    title: test
    folder: cn
    weekend: [saturday, sunday]
    range: {from: 2020-01-01, to: 2020-12-31}
"""


def _folder(tmp_path: Path, year_file: str) -> Path:
    (tmp_path / "cn").mkdir()
    (tmp_path / "calendars.yaml").write_text(_INDEX, encoding="utf-8")
    (tmp_path / "cn" / "2020.yaml").write_text(year_file, encoding="utf-8")
    return tmp_path


def test_good_tmp_folder_loads(tmp_path):
    folder = _folder(tmp_path, "year: 2020\nstatus: official\n"
                               "days_off: [{date: 2020-01-08, name: x}]\n"
                               "makeup_workdays: [{date: 2020-01-11, name: x}]\n")
    cal = load_calendars(folder)["cn"]
    assert cal.is_working_day(D("2020-01-08")) is False
    assert cal.is_working_day(D("2020-01-11")) is True


def test_rejects_makeup_day_on_a_wednesday(tmp_path):
    folder = _folder(tmp_path, "year: 2020\nstatus: official\n"
                               "makeup_workdays: [{date: 2020-01-08, name: x}]\n")   # a Wednesday
    with pytest.raises(RuleFileError):
        load_calendars(folder)


def test_rejects_year_file_without_status(tmp_path):
    folder = _folder(tmp_path, "year: 2020\ndays_off: [{date: 2020-01-01, name: 元旦}]\n")
    with pytest.raises(RuleFileError):
        load_calendars(folder)


def test_rejects_inverted_range(tmp_path):
    folder = _folder(tmp_path, "year: 2020\nstatus: official\n"
                               "days_off: [{from: 2020-01-03, to: 2020-01-01, name: x}]\n")
    with pytest.raises(RuleFileError):
        load_calendars(folder)


# --------------------------------------------------------------------------------------------
# Shape of the bundled year files

def _year_files():
    return sorted(CALENDARS.glob("*/*.yaml"))


@pytest.mark.parametrize("path", _year_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_year_file_shape(path):
    import yaml
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(doc) == {"year", "status", "notice", "source", "days_off", "makeup_workdays"}
    assert doc["year"] == int(path.stem)
    assert set(doc["notice"]) == {"title", "number", "urls"}
    assert isinstance(doc["source"], str) and doc["source"]
    expected_status = {("cn", 2027): "estimated", ("cn-gx", 2021): "secondary", ("cn-gx", 2025): "secondary",
                       ("cn-nx", 2017): "incomplete"}.get((path.parent.name, doc["year"]), "official")
    assert doc["status"] == expected_status
    for e in (doc["days_off"] or []) + (doc["makeup_workdays"] or []):
        days = [e["date"]] if "date" in e else [e["from"], e["to"]]
        assert all(d.year == doc["year"] for d in days), e     # each day in the file of its year
        assert e["name"]


def test_bundled_year_files():
    assert sorted(p.stem for p in (CALENDARS / "cn").glob("*.yaml")) == [str(y) for y in range(2008, 2028)]
    assert sorted(p.stem for p in (CALENDARS / "cn-gx").glob("*.yaml")) == ["2017", "2021", "2023", "2024",
                                                                            "2025"]
    assert sorted(p.stem for p in (CALENDARS / "cn-nx").glob("*.yaml")) == ["2017", "2019", "2020", "2021"]
