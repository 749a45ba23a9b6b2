"""``case``: a request over time (issue 11, part 1 and the fee of part 2). Dates are counted by hand on the
State Council's holiday notices; fee bands from 《政府信息公开信息处理费管理办法》第四条、第五条."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zwgk_rules
from zwgk_rules import InputError, UnsupportedInputError

ENGINE = zwgk_rules.Engine()


def case(submitted, as_of, events=(), **kw):
    return ENGINE.case_raw({"id": "t", "applicant": {"kind": "natural_person", "id": "P-1", "name": "张三"},
                            "submission": {"channel": "in_person", "submitted_on": submitted},
                            "items": [{"description": "申请公开的信息"}], "as_of": as_of, "events": list(events), **kw})


def iso(d):
    return None if d is None else d.isoformat()


# ---------------------------------------------------------------- fees (超额累进)

def test_pieces_past_thirty_are_charged_by_the_ten_piece_bands():
    # the month's pieces 26..45: 26-30 at 100 (500), 31-40 at 200 (2000), 41-45 at 300 (1500)
    f = case("2026-03-02", "2026-03-03", fee_basis={"method": "per_piece", "pieces": 20, "earlier_pieces": 25})["fee"]
    assert f["amount"] == 4000
    assert f["tiers"] == [{"from": 26, "to": 30, "rate": 100, "subtotal": 500},
                          {"from": 31, "to": 40, "rate": 200, "subtotal": 2000},
                          {"from": 41, "to": 45, "rate": 300, "subtotal": 1500}]
    assert f["basis"] == ["fee-measures-2020:4:p2"]


def test_pages_are_charged_by_the_volume_bands():
    # 250 pages: 31-100 at 10 (700), 101-200 at 20 (2000), 201-250 at 40 (2000)
    f = case("2026-03-02", "2026-03-03", fee_basis={"method": "per_volume", "pages": 250})["fee"]
    assert (f["amount"], [t["subtotal"] for t in f["tiers"]]) == (4700, [700, 2000, 2000])


def test_ten_pieces_a_month_are_free():
    f = case("2026-03-02", "2026-03-03", fee_basis={"method": "per_piece", "pieces": 8, "earlier_pieces": 2})["fee"]
    assert f == {"amount": 0, "tiers": [], "basis": ["fee-measures-2020:4:p2"], "waived": False}


def test_an_agency_that_waives_the_fee_charges_nothing_and_says_on_what_ground():
    """条例第四十二条第一款：“行政机关可以收取信息处理费”——收与不收由机关决定（fees.yaml 的 waiver 参数）。"""
    f = case("2026-03-02", "2026-03-03", fee_basis={"method": "per_piece", "pieces": 20, "earlier_pieces": 25,
                                                    "waived": True})["fee"]
    assert f == {"amount": 0, "tiers": [], "basis": ["ogi-2019:42:p1"], "waived": True}


def test_no_fee_before_the_measures_took_effect():
    with pytest.raises(UnsupportedInputError) as e:
        case("2020-06-01", "2020-06-02", fee_basis={"method": "per_piece", "pieces": 20})
    assert e.value.field == "fee_basis"


def test_a_fee_not_paid_in_time_closes_the_case_the_day_after():
    # notice received 2026-03-10; 20 working days from the next day: 03-11 .. 04-08 (清明 04-04..06) -> closes 04-09
    c = case("2026-03-02", "2026-04-10", [{"type": "fee_notice_sent", "on": "2026-03-10", "amount": 1500}])
    assert c["status"] == "closed"
    assert (iso(c["closed"]["on"]), c["closed"]["disposition"]) == ("2026-04-09", "other.fee_unpaid")


# ---------------------------------------------------------------- closing facts

def test_a_correction_limit_ending_on_a_saturday_lapses_only_after_monday_and_a_later_reply_is_ignored():
    # due_on 2026-04-18 is a Saturday: the limit ends Monday 04-20 (民法典第二百零三条), the case closes 04-21
    c = case("2026-04-01", "2026-04-30", [{"type": "correction_requested", "on": "2026-04-03", "due_on": "2026-04-18"},
                                          {"type": "replied", "on": "2026-04-25", "disposition": "disclose"}],
             content_clear=False)
    assert (iso(c["closed"]["on"]), c["closed"]["disposition"]) == ("2026-04-21", "other.correction_lapsed")
    waiting = case("2026-04-01", "2026-04-20", [{"type": "correction_requested", "on": "2026-04-03",
                                                 "due_on": "2026-04-18"}], content_clear=False)
    assert waiting["status"] == "awaiting_correction"
    assert [(n["action"], iso(n["by"])) for n in waiting["next"]] == [("await_correction", "2026-04-20")]


def test_a_withdrawal_closes_as_other_and_nothing_after_it_counts():
    c = case("2026-03-02", "2026-04-30", [{"type": "withdrawn", "on": "2026-03-10"},
                                          {"type": "extension_approved", "on": "2026-03-20"}])
    assert (iso(c["closed"]["on"]), c["closed"]["disposition"]) == ("2026-03-10", "other.misc")
    assert c["deadline"]["applies"] == dt.date(2026, 3, 30)      # the extension after closing is ignored


# ---------------------------------------------------------------- status, next and violations

def test_an_extension_approved_after_the_due_date_does_not_bind_and_is_a_violation():
    # due 2026-03-30; approved 03-31
    c = case("2026-03-02", "2026-04-01", [{"type": "extension_approved", "on": "2026-03-31"}])
    assert iso(c["deadline"]["applies"]) == "2026-03-30" and c["overdue"] is True
    assert [(v["code"], iso(v["on"]), v["basis"]) for v in c["violations"]] == [
        ("extension_after_due", "2026-03-31", ["ogi-2019:33:p2"])]


def test_after_the_fifteen_days_of_a_consultation_the_case_is_open_again():
    # agency letter sent (and received) 2026-05-11; its 15 working days end 2026-06-01
    ev = [{"type": "consultation_sent", "on": "2026-05-11", "ref": "j1", "party": "agency"}]
    assert case("2026-05-06", "2026-06-01", ev)["status"] == "consulting"
    later = case("2026-05-06", "2026-06-02", ev)
    assert later["status"] == "open"
    assert [n["action"] for n in later["next"]] == ["reply"]


def test_a_late_correction_notice_is_a_violation_only_under_the_2019_revision():
    # 2008: received 2015-03-02, notice 2015-03-30 (after the 15 working days of 第二十四条, 2015-03-23):
    # decide warns, but 2008 第二十一条 sets no period of its own for the notice, so no violation
    c = case("2015-03-02", "2015-04-01", [{"type": "correction_requested", "on": "2015-03-30", "due_on": "2015-04-20"}],
             content_clear=False)
    assert c["decision"]["regime"] == "ogi-2008"
    assert "correction_notice_late" in c["decision"]["warnings"]
    assert c["violations"] == []


def test_a_second_correction_request_is_a_violation_of_article_30():
    c = case("2026-03-02", "2026-03-20", [{"type": "correction_requested", "on": "2026-03-04", "due_on": "2026-03-13"},
                                          {"type": "correction_requested", "on": "2026-03-06", "due_on": "2026-03-20"}],
             content_clear=False)
    assert [(v["code"], iso(v["on"])) for v in c["violations"]] == [("second_correction_request", "2026-03-06")]


# ---------------------------------------------------------------- bad cases

@pytest.mark.parametrize("bad,field", [
    ({"events": [{"type": "consultation_replied", "on": "2026-03-05", "ref": "x"}]}, "events.0.ref"),
    ({"events": [{"type": "correction_requested", "on": "2026-03-05"}]}, "events.0.due_on"),
    ({"events": [{"type": "replyed", "on": "2026-03-05"}]}, "events.0.type"),
    ({"consultations": []}, "consultations"),
])
def test_a_bad_case_is_one_error_naming_the_field(bad, field):
    base = {"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{}], "as_of": "2026-03-20"}
    with pytest.raises(InputError) as e:
        ENGINE.case_raw({**base, **bad})
    assert e.value.field == field


# ---------------------------------------------------------------- properties

EVENT_AFTER = st.sampled_from([
    {"type": "extension_approved"}, {"type": "fee_paid"}, {"type": "withdrawn"}, {"type": "correction_received"},
    {"type": "replied", "disposition": "partial"}, {"type": "consultation_sent", "ref": "z", "party": "third_party"}])


@settings(max_examples=60, deadline=None)
@given(reply_day=st.integers(0, 40), later=st.integers(1, 30), extra=EVENT_AFTER, as_of_more=st.integers(0, 60))
def test_adding_an_event_after_the_case_closed_never_moves_it(reply_day, later, extra, as_of_more):
    start = dt.date(2026, 3, 2)
    replied = start + dt.timedelta(days=reply_day)
    as_of = replied + dt.timedelta(days=later + as_of_more)
    ev = [{"type": "replied", "on": replied.isoformat(), "disposition": "disclose"}]
    before = case(start.isoformat(), as_of.isoformat(), ev)
    after = case(start.isoformat(), as_of.isoformat(),
                 ev + [{**extra, "on": (replied + dt.timedelta(days=later)).isoformat()}])
    assert before["closed"] == after["closed"] and before["status"] == after["status"] == "closed"


@settings(max_examples=60, deadline=None)
@given(day=st.integers(0, 2500), ask=st.integers(0, 20))
def test_a_case_s_deadline_never_precedes_receipt(day, ask):
    received = dt.date(2019, 6, 3) + dt.timedelta(days=day)
    c = case(received.isoformat(), (received + dt.timedelta(days=ask)).isoformat())
    d = c["deadline"]
    assert d["applies"] is None or d["applies"] > d["received_on"]


def test_the_command_line_answers_each_case_and_names_the_bad_event(tmp_path):
    import json
    import subprocess
    import sys
    good = {"id": "a", "submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{}],
            "as_of": "2026-03-16", "events": []}
    bad = {**good, "id": "b", "events": [{"type": "extension_approved"}]}
    f = tmp_path / "cases.jsonl"
    f.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "zwgk_rules", "case", str(f)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    first, second = map(json.loads, r.stdout.splitlines())
    # 2026-03-02 + 20 working days = 03-30; from 03-16: 03-17..20 (4), 23..27 (9), 30 (10)
    assert (first["status"], first["deadline"]["applies"], first["working_days_left"]) == ("open", "2026-03-30", 10)
    assert second["id"] == "b" and second["error"]["field"] == "events.0.on" and second["error"]["line"] == 2


def test_the_typed_answer_has_the_same_content_as_the_raw_one():
    raw = {"id": "t", "submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{}],
           "as_of": "2026-03-20", "events": [{"type": "fee_notice_sent", "on": "2026-03-10", "amount": 1500}],
           "fee_basis": {"method": "per_piece", "pieces": 15, "earlier_pieces": 10}}
    typed = ENGINE.case(raw)
    assert typed.status == "awaiting_fee" and typed.deadline.applies == dt.date(2026, 3, 30)
    assert [(s.action, s.by) for s in typed.next] == [("await_payment", dt.date(2026, 4, 8)),
                                                     ("reply", dt.date(2026, 3, 30))]
    assert typed.fee.amount == 1500 and typed.fee.tiers[0].from_ == 11 and typed.fee.tiers[0].to == 25
    assert typed.decision.disposition == ENGINE.case_raw(raw)["decision"]["disposition"] == "disclose"


def test_worker_processes_answer_cases_as_one_process_does(tmp_path):
    # `zwgk case` uses 2 worker processes on a file over 8 MB (as decide does): same lines, same order, same errors
    import json
    import subprocess
    import sys
    cases = [{"id": f"w{k}", "submission": {"channel": "in_person", "submitted_on": f"2026-03-{2 + k % 20:02d}"},
              "items": [{}], "as_of": "2026-04-20",
              "events": [{"type": "replied", "on": "2026-04-01"}] if k % 3 else []} for k in range(300)]
    cases[17]["events"] = [{"type": "extension_approved"}]
    f = tmp_path / "cases.jsonl"
    f.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    runs = [subprocess.run([sys.executable, "-m", "zwgk_rules", "case", str(f), "--jobs", j], capture_output=True,
                           timeout=120) for j in ("1", "2")]
    assert [r.returncode for r in runs] == [1, 1] and runs[0].stdout == runs[1].stdout
    lines = runs[1].stdout.decode().splitlines()
    assert len(lines) == 300 and json.loads(lines[17])["error"]["line"] == 18


# ---------------------------------------------------------------- a reply must close with an annual-report row

@pytest.mark.parametrize("disposition", ["foo", "pending"])
def test_a_reply_with_a_disposition_that_is_no_closing_row_is_an_error_naming_it(disposition):
    with pytest.raises(zwgk_rules.InputError) as e:
        case("2026-04-01", "2026-04-20", [{"type": "replied", "on": "2026-04-17", "disposition": disposition}])
    assert e.value.field == "events.0.disposition"


def test_a_reply_without_a_disposition_while_the_decision_waits_is_an_error_naming_the_field():
    """The 补正 was asked for (due Sat 4/18, rolls over to Mon 4/20); a reply on 4/17 that does not say what it
    answered cannot close the case with a row of the report: the decision is still pending."""
    with pytest.raises(zwgk_rules.InputError) as e:
        case("2026-04-01", "2026-04-20", [{"type": "correction_requested", "on": "2026-04-03", "due_on": "2026-04-18"},
                                          {"type": "replied", "on": "2026-04-17"}], content_clear=False)
    assert e.value.field == "events.1.disposition"


def test_a_reply_that_names_its_disposition_closes_a_pending_case_with_it():
    c = case("2026-04-01", "2026-04-20", [{"type": "correction_requested", "on": "2026-04-03", "due_on": "2026-04-18"},
                                          {"type": "replied", "on": "2026-04-17", "disposition": "other.misc"}],
             content_clear=False)
    assert (iso(c["closed"]["on"]), c["closed"]["disposition"]) == ("2026-04-17", "other.misc")
