"""``report``: the annual report's tables 三 and 四 from a year of cases (issue 11, part 5; 条例第五十条).
Counts written by hand from the cases below; the rows follow 国办公开办函〔2021〕30号 and 〔2019〕60号."""
import json
import subprocess
import sys

import pytest

import zwgk_rules
from zwgk_rules import UnsupportedInputError
from zwgk_rules._report import report

RB = zwgk_rules.Rulebook()


def run(cases, year):
    return report(list(enumerate(cases, 1)), year, rulebook=RB, engine_for=lambda j: zwgk_rules.Engine(j, rulebook=RB))


def case(cid, kind, submitted, events=(), **kw):
    return {"id": cid, "applicant": {"kind": kind}, "submission": {"channel": "in_person", "submitted_on": submitted},
            "items": [{}], "events": list(events), **kw}


YEAR = [
    case("a", "natural_person", "2025-03-02", [{"type": "replied", "on": "2025-03-20", "disposition": "disclose"}]),
    case("b", "enterprise", "2025-04-01", [{"type": "correction_requested", "on": "2025-04-03", "due_on": "2025-04-15"}],
         content_clear=False),                          # lapses: closes 2025-04-16, other.correction_lapsed
    case("c", "legal_service", "2024-12-20", [{"type": "withdrawn", "on": "2025-01-06"}]),     # carried in, other.misc
    case("d", "natural_person", "2024-11-01", [{"type": "replied", "on": "2024-11-20"}]),      # closed before 2025
    case("e", "other_org", "2025-12-29"),                                                       # carried out
    case("f", "natural_person", "2026-01-05"),                                                  # next year's
]


def test_table_three_counts_each_case_once_by_its_receipt_and_closing():
    t = run(YEAR, 2025)["table3"]["rows"]
    assert t["new"] == {"natural_person": 1, "enterprise": 1, "research_institution": 0, "nonprofit": 0,
                        "legal_service": 0, "other_org": 1, "total": 3}
    assert (t["carried_in"]["legal_service"], t["carried_in"]["total"]) == (1, 1)
    assert (t["disclose"]["natural_person"], t["other.correction_lapsed"]["enterprise"],
            t["other.misc"]["legal_service"]) == (1, 1, 1)
    assert t["total"]["total"] == 3 and t["carried_out"] == {**{c: 0 for c in t["new"]}, "other_org": 1, "total": 1}


def test_the_rows_add_up_so_there_is_no_failed_check():
    assert run(YEAR, 2025)["checks"] == []


def test_a_table_edited_by_hand_fails_its_checks():
    from zwgk_rules._report import failed_checks
    table = run(YEAR, 2025)["table3"]["rows"]
    table["disclose"]["natural_person"] += 1              # one more disclosure typed in, nothing else changed
    got = failed_checks(table, ["natural_person", "total"])
    assert {"check": "三（七）＝三（一）至三（六）之和", "column": "natural_person", "left": 1, "right": 2} in got
    assert {"check": "总计列＝各列之和", "row": "disclose", "left": 1, "right": 2} in got


def test_2020_uses_the_2019_format_with_one_other_row():
    out = run([case("x", "natural_person", "2020-03-02", [{"type": "withdrawn", "on": "2020-03-05"}])], 2020)
    assert out["format"] == "gov-2019"
    rows = out["table3"]["rows"]
    assert "other" in rows and "other.misc" not in rows and rows["other"]["natural_person"] == 1


def test_remedies_count_in_table_four_by_their_result_on_31_december():
    c = case("r", "natural_person", "2025-02-03", [
        {"type": "replied", "on": "2025-02-20", "disposition": "disclose"},
        {"type": "review_filed", "on": "2025-03-10"}, {"type": "review_decided", "on": "2026-01-15", "result": "upheld"},
        {"type": "suit_filed", "on": "2025-04-01", "after_review": False},
        {"type": "suit_decided", "on": "2025-09-01", "result": "corrected"}])
    t4 = run([c], 2025)["table4"]
    assert t4["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}   # decided in 2026
    assert t4["suit_direct"] == {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}
    assert t4["suit_after_review"]["total"] == 0


def test_no_report_before_the_first_format():
    with pytest.raises(UnsupportedInputError) as e:
        run([], 2018)
    assert e.value.field == "year"


def test_one_bad_case_makes_the_whole_report_an_error_naming_its_line(tmp_path):
    f = tmp_path / "year.jsonl"
    bad = case("z", "natural_person", "2025-03-02", [{"type": "replied"}])
    f.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in [*YEAR[:2], bad]) + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "zwgk_rules", "report", "--year", "2025", str(f)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 1
    err = json.loads(r.stdout)["error"]
    assert err["line"] == 3 and err["field"] == "events.0.on"


def test_a_decided_suit_closes_one_suit_only_the_earliest_pending_of_either_kind():
    """A direct suit and, later, a suit after review in one case; one judgment. The judgment decides the suit
    filed first (the direct one); the suit after review is still pending on 31 December. Before the fix each
    kind paired the judgment with its own pending suit, so the one judgment decided both."""
    c = case("s", "natural_person", "2025-02-03", [
        {"type": "replied", "on": "2025-02-20", "disposition": "disclose"},
        {"type": "suit_filed", "on": "2025-03-01", "after_review": False},
        {"type": "review_filed", "on": "2025-03-05"},
        {"type": "review_decided", "on": "2025-05-06", "result": "upheld"},
        {"type": "suit_filed", "on": "2025-05-15", "after_review": True},
        {"type": "suit_decided", "on": "2025-09-01", "result": "corrected"}])
    t4 = run([c], 2025)["table4"]
    assert t4["suit_direct"] == {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}
    assert t4["suit_after_review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}
    assert t4["review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}


def test_remedy_events_pair_in_date_order_whatever_their_order_in_the_list():
    """Events on different days count in date order (CONTRACT.md: only one day's events keep their list order):
    a judgment listed before the suit it decides still decides it."""
    c = case("t", "natural_person", "2025-02-03", [
        {"type": "replied", "on": "2025-02-20", "disposition": "disclose"},
        {"type": "suit_decided", "on": "2025-10-09", "result": "other"},
        {"type": "suit_filed", "on": "2025-03-01", "after_review": False}])
    t4 = run([c], 2025)["table4"]
    assert t4["suit_direct"] == {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1}


# ---------------------------------------------------------------- properties

import datetime as dt  # noqa: E402

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from zwgk_rules._facts import APPLICANT_KINDS  # noqa: E402

ENGINE = zwgk_rules.Engine("cn", rulebook=RB)
FINAL = [c for c in RB.dispositions if c not in RB.not_final]


@st.composite
def year_cases(draw, year: int = 2025):
    """Cases received from June of the year before ``year`` to February of the year after, each still open,
    replied (any final row) or withdrawn some days later, or with a 补正 that lapses: so that cases carry in and out."""
    out = []
    for n in range(draw(st.integers(0, 8))):
        received = dt.date(year - 1, 6, 1) + dt.timedelta(days=draw(st.integers(0, 640)))
        later = (received + dt.timedelta(days=draw(st.integers(1, 40)))).isoformat()
        ending = draw(st.sampled_from(["open", "replied", "withdrawn", "lapsed"]))
        events, kw = [], {}
        if ending == "replied":
            events = [{"type": "replied", "on": later, "disposition": draw(st.sampled_from(FINAL))}]
        elif ending == "withdrawn":
            events = [{"type": "withdrawn", "on": later}]
        elif ending == "lapsed":
            events = [{"type": "correction_requested", "on": (received + dt.timedelta(days=1)).isoformat(),
                       "due_on": (received + dt.timedelta(days=10)).isoformat()}]
            kw = {"content_clear": False}
        out.append(case(f"h{n}", draw(st.sampled_from(APPLICANT_KINDS)), received.isoformat(), events, **kw))
    return out


def _report(cases, year):
    return report(list(enumerate(cases, 1)), year, rulebook=RB, engine_for=lambda j: ENGINE)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([2020, 2025]).flatmap(lambda y: st.tuples(st.just(y), year_cases(y))))
def test_the_rows_always_add_up(year_and_cases):
    """一＋二＝三（七）＋四 in every column, 三（七） the sum of the closing rows, the total column the sum of the
    others (in the 2019 format and the 2021 one): checked here directly, not through failed_checks."""
    year, cases = year_and_cases
    out = _report(cases, year)
    rows, columns = out["table3"]["rows"], out["table3"]["columns"]
    closing = [r for r in rows if r not in ("new", "carried_in", "total", "carried_out")]
    for c in columns:
        assert rows["new"][c] + rows["carried_in"][c] == rows["total"][c] + rows["carried_out"][c]
        assert rows["total"][c] == sum(rows[r][c] for r in closing)
    for r, counts in rows.items():
        assert counts["total"] == sum(v for k, v in counts.items() if k != "total")
    assert out["checks"] == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(year_cases())
def test_every_case_closed_in_the_year_is_in_exactly_one_closing_row(cases):
    last = dt.date(2025, 12, 31)
    for c in cases:
        closed = ENGINE.case_raw({**c, "as_of": last})["closed"]
        rows = _report([c], 2025)["table3"]["rows"]
        hits = [(r, col) for r, counts in rows.items() if r not in ("new", "carried_in", "total", "carried_out")
                for col, v in counts.items() if col != "total" for _ in range(v)]
        if closed is not None and dt.date(2025, 1, 1) <= closed["on"] <= last:
            assert hits == [(closed["disposition"], c["applicant"]["kind"])]
        else:
            assert hits == []
def test_every_case_is_checked_and_the_report_names_the_first_invalid_line_and_how_many(tmp_path):
    f = tmp_path / "year.jsonl"
    bad = case("z", "natural_person", "2025-03-02", [{"type": "replied"}])
    lines = [json.dumps(c, ensure_ascii=False) for c in YEAR[:2]] + ["{not json", json.dumps(bad), "[1]",
                                                                    json.dumps(YEAR[2], ensure_ascii=False)]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "zwgk_rules", "report", "--year", "2025", str(f)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 1 and len(r.stdout.splitlines()) == 1
    err = json.loads(r.stdout)["error"]
    assert err["line"] == 3 and err["field"] is None and "JSON" in err["message"] and "另有 2 行无效" in err["message"]


def test_the_report_reads_its_cases_once_one_at_a_time():
    # a generator, as the command line gives it: the cases are folded as they come, none is kept
    seen = []

    def stream():
        for n, c in enumerate(YEAR, 1):
            seen.append(n)
            yield n, c
    out = report(stream(), 2025, rulebook=RB, engine_for=lambda j: zwgk_rules.Engine(j, rulebook=RB))
    assert seen == [1, 2, 3, 4, 5, 6] and out["table3"]["rows"] == run(YEAR, 2025)["table3"]["rows"]
