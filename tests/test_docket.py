"""``docket``: the clerk's daily list over many cases (issue 11, part 3).

Every expected date and count below was counted by hand on the 2026 calendar of ``rules/calendars/cn/2026.yaml``
(清明 4/4–4/6 off; 劳动节 5/1–5/5 off with Saturday 5/9 a working day), never by the code under test:
the reply period is 20 working days after the receipt date (第三十三条), a consultation's 15 working days run
from the day after the party received it, a fee's 20 working days from the day after the notice arrived.
"""
import datetime as dt
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zwgk_rules
from zwgk_rules import Docket

ENGINE = zwgk_rules.Engine()
AS_OF = dt.date(2026, 4, 15)          # a Wednesday
D = dt.date.fromisoformat


def case(cid, submitted, applicant="P-1", events=(), items=1, **kw):
    sub = kw.pop("submission", None) or {"channel": "in_person", "submitted_on": submitted}
    out = {"id": cid, "submission": sub, "items": [{"description": f"第{k + 1}项"} for k in range(items)],
           "events": list(events), **kw}
    if applicant is not None:
        out["applicant"] = {"kind": "natural_person", "id": applicant}
    return out


CASES = [
    # 1. received Mon 3/2: due 3/30; 4/15 is the 11th working day after it (3/31–4/3, 4/7–4/10, 4/13–4/15)
    case("A", "2026-03-02", fee_basis={"method": "per_piece", "pieces": 8}, as_of="2026-12-31"),
    # 2. received Mon 3/16: due Tue 4/14 (3/17 is day 1, 4/14 day 20); overdue by one working day. The reply on 4/20
    #    is after the docket's day and does not count
    case("B", "2026-03-16", items=3, events=[{"type": "replied", "on": "2026-04-20", "disposition": "disclose"}]),
    # 3. received Wed 3/18: due Thu 4/16, one working day left
    case("C", "2026-03-18", fee_basis={"method": "per_piece", "pieces": 20}),
    # 4. received Tue 3/17: due Wed 4/15, the docket's own day: 0 left, due soon and not overdue
    case("C0", "2026-03-17", applicant="P-2"),
    # 5. received Fri 3/20: due Mon 4/20 (4/16, 4/17, 4/20: three left)
    case("D", "2026-03-20", applicant="P-2"),
    # 6. received Wed 3/25: due Thu 4/23, six left: not within the default 5
    case("E", "2026-03-25", applicant="P-2"),
    # 7. replied 3/20: closed, disclose
    case("F", "2026-03-02", applicant="P-2", events=[{"type": "replied", "on": "2026-03-20", "disposition": "disclose"}]),
    # 8. 补正 asked 4/3 by Fri 4/17: awaiting correction until 4/17; no reply period runs
    case("G", "2026-04-01", applicant="P-2", content_clear=False,
         events=[{"type": "correction_requested", "on": "2026-04-03", "due_on": "2026-04-17"}]),
    # 9. fee notice 4/8: 20 working days from 4/9 end on Saturday 5/9, a working day (劳动节 makeup); due 4/30
    case("H", "2026-04-01", applicant="P-2", events=[{"type": "fee_notice_sent", "on": "2026-04-08", "amount": 100}]),
    # 10. third party consulted 4/7: 15 working days from 4/8 end on Tue 4/28
    case("I", "2026-04-01", applicant="P-2",
         events=[{"type": "consultation_sent", "on": "2026-04-07", "ref": "c1", "party": "third_party"}]),
    # 11. not valid: an unknown channel
    {"id": "X1", "submission": {"channel": "carrier_pigeon", "submitted_on": "2026-04-01"}, "items": [{}]},
    # 12. withdrawn 4/2: closed, other.misc
    case("J", "2026-04-01", applicant="P-3", events=[{"type": "withdrawn", "on": "2026-04-02"}]),
    # 13. 补正 asked 3/4 by Sat 3/14, moved to Mon 3/16 (民法典203): lapsed, closed 3/17 as other.correction_lapsed
    case("K", "2026-03-02", applicant="P-3", content_clear=False,
         events=[{"type": "correction_requested", "on": "2026-03-04", "due_on": "2026-03-14"}]),
    # 14. received Mon 4/20, after the docket's day
    case("L", "2026-04-20", applicant="P-3"),
    # 15. no applicant id: open, received Wed 4/8, due Sat 5/9
    case("M", "2026-04-08", applicant=None),
    # 16. posted Mon 3/30, signed for Wed 4/1: received in April (第三十一条), due 4/30
    case("N", None, applicant="P-3",
         submission={"channel": "post", "submitted_on": "2026-03-30", "signed_on": "2026-04-01"}),
    # 17. not valid: a reply to a consultation never sent
    case("X2", "2026-04-01", events=[{"type": "consultation_replied", "on": "2026-04-02", "ref": "zz"}]),
]


@pytest.fixture(scope="module")
def docket() -> Docket:
    return ENGINE.docket(CASES, AS_OF)


def ids(section):
    return [c.id for c in section]


def test_overdue_cases_with_working_days_late_latest_first(docket):
    assert [(c.id, c.line, c.applies, c.days_overdue) for c in docket.overdue] == [
        ("A", 1, D("2026-03-30"), 11), ("B", 2, D("2026-04-14"), 1)]


def test_due_soon_within_five_working_days_by_date(docket):
    assert [(c.id, c.applies, c.working_days_left) for c in docket.due_soon] == [
        ("C0", D("2026-04-15"), 0), ("C", D("2026-04-16"), 1), ("D", D("2026-04-20"), 3)]
    assert all(c.days_overdue is None for c in docket.due_soon)


def test_within_widens_due_soon():
    wide = ENGINE.docket(CASES, AS_OF, within=6)
    assert ids(wide.due_soon) == ["C0", "C", "D", "E"] and wide.within == 6
    assert ids(ENGINE.docket(CASES, AS_OF, within=0).due_soon) == ["C0"]


def test_waiting_for_the_applicant_and_for_the_consulted(docket):
    assert [(c.id, c.status, c.waiting_until) for c in docket.waiting_applicant] == [
        ("G", "awaiting_correction", D("2026-04-17")), ("H", "awaiting_fee", D("2026-05-09"))]
    assert [(c.id, c.status, c.waiting_until) for c in docket.waiting_consulted] == [
        ("I", "consulting", D("2026-04-28"))]
    g = docket.waiting_applicant[0]
    assert g.applies is None and g.working_days_left is None


def test_a_case_received_after_the_docket_day_is_listed_apart(docket):
    assert [(c.id, c.line, c.received_on) for c in docket.not_yet_received] == [("L", 14, D("2026-04-20"))]


def test_counts_by_status_and_closed_by_disposition(docket):
    assert [(c.code, c.label, c.count) for c in docket.by_status] == [
        ("closed", "已结案", 3), ("awaiting_correction", "等待补正", 1), ("awaiting_fee", "等待缴费", 1),
        ("consulting", "征求意见中", 1), ("open", "办理中", 8)]
    assert {c.code: c.count for c in docket.closed_by_disposition} == {
        "disclose": 1, "other.correction_lapsed": 1, "other.misc": 1}
    assert docket.lines == 17


def test_invalid_cases_are_listed_with_their_line_and_field_not_dropped(docket):
    assert [(e.line, e.id, e.field) for e in docket.errors] == [(11, "X1", "submission.channel"), (17, "X2", "events.0.ref")]
    assert all(e.message for e in docket.errors)


def test_pieces_per_applicant_and_month_with_the_fee_by_the_bands():
    """P-1 in March: A counts its fee_basis 8 pieces (1–8, free), B its 3 items (9–11: piece 11 at 100), C its 20
    pieces (12–31: 12–30 at 100 = 1,900, piece 31 at 200). The month: 31 pieces, 2,200 yuan."""
    d = ENGINE.docket(CASES, AS_OF)
    months = {(m.applicant, m.month): m for m in d.pieces}
    m = months[("P-1", "2026-03")]
    assert (m.pieces, m.fee) == (31, 2200)
    assert [(p.id, p.pieces, p.counted_by, p.first, p.last, p.fee) for p in m.cases] == [
        ("A", 8, "fee_basis", 1, 8, 0), ("B", 3, "items", 9, 11, 100), ("C", 20, "fee_basis", 12, 31, 2100)]
    assert "fee-measures-2020:4:p2" in m.basis
    # P-2 in March: F (3/2), C0 (3/17), D (3/20), E (3/25); in April: G, H, I (4/1, by line)
    assert [p.id for p in months[("P-2", "2026-03")].cases] == ["F", "C0", "D", "E"]
    assert [(p.id, p.first) for p in months[("P-2", "2026-04")].cases] == [("G", 1), ("H", 2), ("I", 3)]
    assert months[("P-2", "2026-04")].fee == 0
    # P-3: K in March (closed cases count: the application was made); J and N in April (N posted in March,
    # received 4/1); L, received after the docket's day, is not counted
    assert [p.id for p in months[("P-3", "2026-03")].cases] == ["K"]
    assert [p.id for p in months[("P-3", "2026-04")].cases] == ["J", "N"]
    assert [(m.month, m.applicant) for m in d.pieces] == [
        ("2026-03", "P-1"), ("2026-03", "P-2"), ("2026-03", "P-3"), ("2026-04", "P-2"), ("2026-04", "P-3")]
    assert [(c.id, c.line) for c in d.no_applicant] == [("M", 15)]


def test_the_docket_day_overrides_each_case_own_as_of():
    # A says as_of 2026-12-31; on 2026-03-30, its due date, it is due soon with 0 left and not overdue
    d = ENGINE.docket([CASES[0]], "2026-03-30")
    assert [(c.id, c.working_days_left) for c in d.due_soon] == [("A", 0)] and d.overdue == ()


def test_an_empty_docket():
    d = ENGINE.docket([], AS_OF)
    assert d.lines == 0 and d.overdue == () and d.pieces == () and sum(c.count for c in d.by_status) == 0


def test_fees_before_the_measures_are_null():
    d = ENGINE.docket([case("old", "2020-06-01")], "2020-06-02")
    (m,) = d.pieces
    assert (m.month, m.pieces, m.fee, m.cases[0].fee) == ("2020-06", 1, None, None)


def test_the_model_is_frozen(docket):
    with pytest.raises(Exception):
        docket.within = 9


# ---------------------------------------------------------------- properties

EVENTS = st.sampled_from([
    [], [{"type": "replied", "on": "2026-04-10"}], [{"type": "withdrawn", "on": "2026-03-20"}],
    [{"type": "fee_notice_sent", "on": "2026-04-01", "amount": 1}],
    [{"type": "consultation_sent", "on": "2026-04-02", "ref": "a", "party": "agency"}],
    [{"type": "extension_approved", "on": "2026-04-03"}],
    [{"type": "consultation_replied", "on": "2026-04-02", "ref": "nope"}],          # invalid
])


@st.composite
def dockets(draw):
    out = []
    for n in range(draw(st.integers(0, 8))):
        day = dt.date(2026, 1, 5) + dt.timedelta(days=draw(st.integers(0, 110)))
        events = [e for e in draw(EVENTS) if D(e["on"]) >= day]
        out.append(case(f"c{n}", day.isoformat(), applicant=draw(st.sampled_from(["P", "Q", None])),
                        items=draw(st.integers(1, 3)), events=events))
    return out, dt.date(2026, 2, 1) + dt.timedelta(days=draw(st.integers(0, 90))), draw(st.integers(0, 10))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockets())
def test_every_case_once_and_overdue_apart_from_due_soon(args):
    cases, as_of, within = args
    d = ENGINE.docket(cases, as_of, within=within)
    counted = sum(c.count for c in d.by_status)
    # every line is in exactly one of: a status count, not yet received, the errors
    assert counted + len(d.not_yet_received) + len(d.errors) == len(cases) == d.lines
    assert not {c.line for c in d.overdue} & {c.line for c in d.due_soon}
    assert sum(c.count for c in d.closed_by_disposition) == next(c.count for c in d.by_status if c.code == "closed")
    assert all(c.days_overdue > 0 for c in d.overdue)
    assert all(0 <= c.working_days_left <= within for c in d.due_soon)
    # the pieces count every case received by as_of that has an applicant id, once
    listed = [p.line for m in d.pieces for p in m.cases]
    assert len(listed) == len(set(listed)) == counted - len(d.no_applicant)
    for m in d.pieces:
        assert m.pieces == sum(p.pieces for p in m.cases) and m.cases[-1].last == m.pieces


# ---------------------------------------------------------------- the command line

def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "zwgk_rules", "docket", *args], capture_output=True, text=True,
                          input=stdin)


@pytest.fixture(scope="module")
def cases_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("docket") / "cases.jsonl"
    lines = [json.dumps(c, ensure_ascii=False) for c in CASES]
    lines.insert(3, "")                       # a blank line is counted in the line numbers
    lines.append("{not json")
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_cli_json_is_the_model_and_lists_unreadable_lines(cases_file):
    r = run("--as-of", "2026-04-15", str(cases_file))
    assert r.returncode == 1, r.stderr               # there are invalid lines: exit 1, as decide
    out = json.loads(r.stdout)
    assert Docket.model_validate(out).model_dump(mode="json", by_alias=True) == out
    assert [(c["id"], c["line"]) for c in out["overdue"]] == [("A", 1), ("B", 2)]
    assert [(e["line"], e["id"], e["field"]) for e in out["errors"]] == [
        (12, "X1", "submission.channel"), (18, "X2", "events.0.ref"), (19, None, None)]
    assert out["lines"] == 18


def test_cli_table_plain_text(cases_file):
    r = run("--as-of", "2026-04-15", "--format", "table", "--within", "6", str(cases_file))
    assert r.returncode == 1
    text = r.stdout
    for words in ("逾期 / Overdue", "即将到期 / Due soon", "等待申请人", "等待被征求意见方", "各状态件数", "件数与信息处理费",
                  "错误 / Errors", "2026-05-09", "2,200", "submission.channel"):
        assert words in text, words
    assert "Traceback" not in r.stderr


def test_cli_xlsx_one_sheet_per_section(cases_file, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "docket.xlsx"
    r = run("--as-of", "2026-04-15", "-o", str(target), str(cases_file))
    assert r.returncode == 1 and target.exists(), r.stderr
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["概况", "逾期", "即将到期", "等待申请人", "等待被征求意见方", "尚未收到", "件数与收费",
                             "无申请人编号", "错误"]
    ws = wb["逾期"]
    assert [c.value for c in ws[1]][:3] == ["行", "编号", "申请人"]
    assert ws.freeze_panes == "A2"
    assert ws["B2"].value == "A" and ws.cell(2, 6).value == dt.datetime(2026, 3, 30)
    fees = wb["件数与收费"]
    rows = [[c.value for c in r] for r in fees.iter_rows(min_row=2)]
    assert ["P-1", "2026-03", 31, 2200] == rows[0][:4]


def test_cli_as_of_is_required_and_checked(cases_file):
    assert run(str(cases_file)).returncode == 2
    r = run("--as-of", "2026-13-01", str(cases_file))
    assert r.returncode == 2 and "as-of" in r.stderr


def test_cli_all_valid_exits_0(tmp_path):
    p = tmp_path / "ok.jsonl"
    p.write_text(json.dumps(CASES[0], ensure_ascii=False) + "\n", encoding="utf-8")
    r = run("--as-of", "2026-04-15", str(p))
    assert r.returncode == 0 and json.loads(r.stdout)["overdue"][0]["days_overdue"] == 11


def test_table_without_rich_is_plain_text_aligned_for_chinese():
    import io
    from zwgk_rules._docket import docket, render_table
    out = docket(enumerate(CASES, 1), AS_OF, engine_for=lambda j: ENGINE, rulebook=ENGINE.rulebook)
    buf = io.StringIO()
    render_table(out, buf, rulebook=ENGINE.rulebook, width=120, use_rich=False)
    text = buf.getvalue()
    assert "逾期 / Overdue：2 件" in text and "剩余不超过 5 个工作日" in text and "2026-05-09 等待缴费" in text and "第12–31件，2,100元" in text
    from zwgk_rules._render import _width
    lines = text.splitlines()
    k = lines.index(next(ln for ln in lines if ln.startswith("逾期 / Overdue")))
    head, rule, row = lines[k + 1:k + 4]
    assert head.startswith("行") and "编号" in head and row.split("│")[1].strip() == "A"

    def bars(ln):                  # where the column bars fall, in terminal columns (wide characters take two)
        return [_width(ln[:i]) for i, ch in enumerate(ln) if ch in "│┼"]
    assert bars(head) == bars(row) == bars(rule)
