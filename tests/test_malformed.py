"""Bad inputs give a clear error naming the field, never a traceback; a batch loses nothing."""
import json
import subprocess
import sys

import pytest

import zwgk_rules

OK = {"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{"description": "x"}]}

BAD = [
    ({"items": [{}]}, "submission"),
    ({"submission": {"channel": "pigeon", "submitted_on": "2026-03-02"}, "items": [{}]}, "submission.channel"),
    ({"submission": {"channel": "in_person", "submitted_on": "2026-02-30"}, "items": [{}]}, "submission.submitted_on"),
    ({"submission": {"channel": "in_person"}, "items": [{}]}, "submission.submitted_on"),
    ({"submission": {"channel": "online", "submitted_on": "2026-03-02"}, "items": [{}]}, "submission.confirmed_on"),
    ({"submission": {"channel": "fax", "submitted_on": "2026-03-02"}, "items": [{}]}, "submission.confirmed_on"),
    ({"submission": {"channel": "post", "submitted_on": "2026-03-02"}, "items": [{}]}, "submission.signed_on"),
    ({"submission": {"channel": "post", "submitted_on": "2026-03-02", "signed_on": "2026-03-01"}, "items": [{}]},
     "submission.signed_on"),
    ({**OK, "items": []}, "items"),
    ({**OK, "items": [{"categories": ["top_secret_stuff"]}]}, "items.0.categories.0"),
    ({**OK, "items": [{"catgories": ["state_secret"]}]}, "items.0.catgories"),
    ({**OK, "items": [{"third_party": {"consent": "maybe"}}]}, "items.0.third_party.consent"),
    ({**OK, "items": [{"exists": "perhaps"}]}, "items.0.exists"),
    ({**OK, "nature": "gossip"}, "nature"),
    ({**OK, "jurisdiction": "cn-xx"}, "jurisdiction"),
    ({**OK, "correction": {"notified_on": "2026-03-05", "due_on": "2026-03-01"}}, "correction"),
    ({**OK, "correction": {"notified_on": "2026-02-01", "due_on": "2026-03-01"}}, "correction.notified_on"),
    ({**OK, "consultations": [{"party": "third_party", "sent_on": "2026-03-10", "replied_on": "2026-03-09"}]},
     "consultations.0"),
    ({**OK, "consultations": [{"party": "third_party", "sent_on": "2026-02-10"}]}, "consultations.0.sent_on"),
    ({**OK, "consultations": [{"party": "neighbour", "sent_on": "2026-03-10"}]}, "consultations.0.party"),
    ({**OK, "submission": {"channel": "in_person", "submitted_on": "2007-01-01"}}, "submission"),
    ({**OK, "submission": {"channel": "in_person", "submitted_on": "2036-01-01"}}, None),
    ({**OK, "excessive": {"reason_reasonable": "yes please"}}, "excessive.reason_reasonable"),
]


@pytest.mark.parametrize("bad,field", BAD, ids=[f for _, f in BAD])
def test_bad_input_names_the_field(engine, bad, field):
    with pytest.raises(zwgk_rules.ZwgkError) as info:
        engine.decide(bad)
    assert info.value.field == field, info.value.message
    assert info.value.message


def test_calendar_out_of_range_is_a_calendar_error(engine):
    with pytest.raises(zwgk_rules.CalendarError):
        engine.decide({**OK, "submission": {"channel": "in_person", "submitted_on": "2036-01-01"}})


def run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "zwgk_rules", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_cli_batch_keeps_every_line_in_order(tmp_path):
    lines = [json.dumps(OK), "{not json", json.dumps(BAD[4][0]), "[1, 2]", json.dumps({**OK, "id": "last"})]
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run_cli("decide", str(f))
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["disposition"] == "disclose"
    # issue 10: an error line also says where the input was (its line), never less than message and field
    assert "error" in out[1] and set(out[1]["error"]) == {"message", "field", "line"}
    assert [o["error"]["line"] for o in out if "error" in o] == [2, 3, 4]
    assert out[2]["error"]["field"] == "submission.confirmed_on"
    assert "error" in out[3]
    assert out[4]["id"] == "last"
    assert r.returncode == 1
    assert "Traceback" not in r.stderr


def test_cli_exit_status_zero_when_all_answered_and_two_when_it_cannot_run(tmp_path):
    f = tmp_path / "one.json"
    f.write_text(json.dumps(OK, indent=2), encoding="utf-8")
    assert run_cli("decide", str(f)).returncode == 0
    r = run_cli("decide", str(tmp_path / "missing.jsonl"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert run_cli().returncode == 2


def test_cli_reads_stdin(tmp_path):
    r = run_cli("decide", "-", stdin=json.dumps(OK) + "\n\n" + json.dumps(OK) + "\n")
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 2


def test_schema_decide_prints_json_schema():
    r = run_cli("schema", "decide")
    s = json.loads(r.stdout)
    assert "submission" in s["input"]["properties"]
    assert "deadline" in s["output"]["properties"]
    assert s["error"]["properties"]["error"]


def test_explain_shows_each_day_with_reason_and_article(engine):
    d = engine.decide({**OK, "submission": {"channel": "in_person", "submitted_on": "2026-09-28"}}, explain=True)
    steps = {s.date.isoformat(): s for s in d.deadline.explain}
    assert steps["2026-09-28"].reason == "receipt_day" and not steps["2026-09-28"].counted
    assert steps["2026-09-28"].basis == "civil-code:201"
    assert steps["2026-09-29"].counted and steps["2026-09-29"].count == 1
    assert steps["2026-10-01"].reason == "holiday" and steps["2026-10-01"].name == "国庆节"
    assert steps["2026-10-04"].reason == "holiday"
    assert steps["2026-10-10"].reason == "makeup_workday" and steps["2026-10-10"].count == 5
    assert steps["2026-10-11"].reason == "weekend" and steps["2026-10-11"].basis == "work-hours-1995:7"
    assert steps["2026-10-30"].count == 20 and steps["2026-10-30"].basis == "ogi-2019:33:p2"
    assert steps["2026-11-27"].count == 40
    assert max(steps) == "2026-11-27"


def test_explain_marks_consultation_days(engine):
    d = engine.decide({**OK, "submission": {"channel": "in_person", "submitted_on": "2026-06-01"},
                       "consultations": [{"party": "third_party", "sent_on": "2026-06-05", "replied_on": "2026-06-15"}]},
                      explain=True)
    steps = {s.date.isoformat(): s for s in d.deadline.explain}
    assert steps["2026-06-05"].counted and steps["2026-06-05"].count == 4
    assert steps["2026-06-08"].reason == "consultation" and steps["2026-06-08"].basis == "ogi-2019:33:p3"
    assert steps["2026-06-15"].reason == "consultation"
    assert steps["2026-06-16"].count == 5
    assert steps["2026-06-19"].name == "端午节"


from hypothesis import HealthCheck, given, settings, strategies as hst

_json = hst.recursive(
    hst.none() | hst.booleans() | hst.integers() | hst.floats(allow_nan=False) | hst.text(max_size=8)
    | hst.sampled_from(["2026-03-02", "in_person", "online", "state_secret", "通知", "cn", "cn-gz-shaomi"]),
    lambda inner: hst.lists(inner, max_size=3) | hst.dictionaries(
        hst.sampled_from(["submission", "channel", "submitted_on", "confirmed_on", "items", "categories",
                          "third_party", "consent", "nature", "jurisdiction", "title", "formed_on", "flags",
                          "doc_type", "kind", "received_on", "x"]), inner, max_size=5),
    max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=hst.lists(_json.map(lambda v: json.dumps(v, ensure_ascii=False)) | hst.text(max_size=30).filter(
    lambda t: "\n" not in t and "\r" not in t), min_size=1, max_size=6), command=hst.sampled_from(
    ["decide", "classify", "interact"]))
def test_any_line_gets_exactly_one_json_answer(tmp_path_factory, lines, command):
    import io
    from zwgk_rules._cli import run_decide
    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        return
    f = tmp_path_factory.mktemp("fuzz") / "in.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    status = run_decide(str(f), out, None, command=command)
    answers = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(answers) == len(lines)
    assert status in (0, 1)
    for n, a in enumerate(answers, 1):
        assert isinstance(a, dict)
        if "error" in a:
            # issue 10: the line it answers, beside message and field; the input's id (if it gave one) on top
            assert set(a["error"]) == {"message", "field", "line"} and a["error"]["message"]
            assert a["error"]["line"] == n
            assert set(a) <= {"id", "error"}


def test_line_separator_characters_in_input_do_not_break_lines(tmp_path):
    import io
    from zwgk_rules._cli import run_decide
    req = {**OK, "id": "a\u2028b\u2029c\x85d"}
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps(req, ensure_ascii=False) + "\n" + "\u2028oops\n", encoding="utf-8")
    out = io.StringIO()
    run_decide(str(f), out, None)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["id"] == "a\u2028b\u2029c\x85d"
    assert "error" in json.loads(lines[1])


def test_the_command_escapes_line_separators_echoed_from_the_input(tmp_path):
    # U+2028, U+2029 and U+0085 end a line for some readers; in JSON they occur only inside strings, where the escape
    # is equivalent. The answer echoes the caller's id from the line itself: the command escapes what it echoes.
    import subprocess
    import sys
    ids = ["a\u2028b", "c\u2029d", "e\x85f"]
    f = tmp_path / "in.jsonl"
    f.write_text("".join(json.dumps({**OK, "id": i}, ensure_ascii=False) + "\n" for i in ids), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "zwgk_rules", "decide", str(f)], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for raw in ("\u2028", "\u2029", "\x85"):
        assert raw.encode() not in done.stdout
    lines = done.stdout.split(b"\n")
    assert lines[-1] == b"" and len(lines) == 4
    assert [json.loads(x)["id"] for x in lines[:3]] == ids
    assert b'"id": "a\\u2028b"' in lines[0] and b'"id": "c\\u2029d"' in lines[1] and b'"id": "e\\u0085f"' in lines[2]
