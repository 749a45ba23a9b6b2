"""``zwgk schema case``: the JSON Schema of a case (its event log) and of its answer validates what ``case``
accepts and answers, and refuses what it refuses (issue 11)."""
import json
import sys
from pathlib import Path

import pytest

from conftest import ROOT, acceptance_cases, need

import zwgk_rules

need("jsonschema", "test")
from jsonschema import Draft202012Validator  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import case_traffic  # noqa: E402  the generator of the case benchmark

INPUT = Draft202012Validator(zwgk_rules.json_schema("case", "input"), format_checker=Draft202012Validator.FORMAT_CHECKER)
OUTPUT = Draft202012Validator(zwgk_rules.json_schema("case", "output"),
                              format_checker=Draft202012Validator.FORMAT_CHECKER)
ENGINE = zwgk_rules.Engine()
CASES = acceptance_cases("case")
NOTICES = acceptance_cases("notice")


def _answer(raw):
    return json.loads(json.dumps(ENGINE.case_raw(raw), ensure_ascii=False, default=lambda d: d.isoformat()))


def test_the_example_cases_and_their_answers_validate():
    lines = Path(ROOT / "examples" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        raw = json.loads(line)
        INPUT.validate(raw)
        OUTPUT.validate(_answer(raw))


@pytest.mark.skipif(not CASES, reason="no shared acceptance cases")
@pytest.mark.parametrize("case", [c for c in CASES if not c["expect"].get("error")], ids=lambda c: c["id"])
def test_every_acceptance_case_and_its_answer_validate(case):
    INPUT.validate(case["input"])
    OUTPUT.validate(_answer(case["input"]))


@pytest.mark.skipif(not CASES, reason="no shared acceptance cases")
def test_the_invalid_acceptance_case_is_invalid_for_the_schema_too():
    bad = [c for c in CASES if c["expect"].get("error")]
    assert [c["id"] for c in bad] == ["e12-error-event-missing-field"]
    errors = list(INPUT.iter_errors(bad[0]["input"]))
    assert errors and not INPUT.is_valid(bad[0]["input"])
    # the discriminated union names the event and its missing field, as the command does (events.1.due_on)
    assert any(list(e.absolute_path)[:2] == ["events", 1] and "due_on" in e.message for e in errors
               for e in [e, *(e.context or ())])


def test_drawn_cases_and_their_answers_validate():
    for raw in case_traffic.cases(300, seed=4):
        INPUT.validate(raw)
        OUTPUT.validate(_answer(raw))


@pytest.mark.parametrize("bad", [
    {"correction": None},                                                    # given by the events
    {"events": [{"type": "replyed", "on": "2026-03-05"}]},                   # no such event
    {"events": [{"type": "consultation_sent", "on": "2026-03-05", "ref": "a", "party": "public"}]},
    {"fee_basis": {"method": "per_page"}},
    {"applicant": {"kind": "natural_person", "id": 7}},
    {"as_of": None},
])
def test_what_the_command_refuses_the_schema_refuses(bad):
    raw = {"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{}], "as_of": "2026-03-20",
           **bad}
    assert not INPUT.is_valid(raw)
    with pytest.raises(zwgk_rules.InputError):
        ENGINE.case_raw(raw)


@pytest.mark.skipif(not NOTICES, reason="no shared acceptance cases")
@pytest.mark.parametrize("case", NOTICES, ids=lambda c: c["id"])
def test_every_notice_acceptance_case_and_its_answer_validate(case):
    # `zwgk schema notice`: a case's schema with the document's fields added
    inp = Draft202012Validator(zwgk_rules.json_schema("notice", "input"), format_checker=Draft202012Validator.FORMAT_CHECKER)
    out = Draft202012Validator(zwgk_rules.json_schema("notice", "output"),
                               format_checker=Draft202012Validator.FORMAT_CHECKER)
    inp.validate(case["input"])
    assert not inp.is_valid({k: v for k, v in case["input"].items() if k != "agency"})      # agency is required
    out.validate(json.loads(json.dumps(ENGINE.notice_raw(case["input"]), ensure_ascii=False,
                                       default=lambda d: d.isoformat())))


def test_a_notice_input_is_a_case_input_with_more_fields():
    # how a command extends the case schema: the same model with its own fields added
    from typing import Literal, Optional

    from pydantic import Field

    from zwgk_rules._case import case_input_model
    from zwgk_rules._models import Date
    model = case_input_model({"notice": (Literal["reply", "correction"], Field(default="reply", description="文书 / which")),
                              "issued_on": (Optional[Date], Field(default=None, description="日期 / date"))},
                             name="NoticeInput")
    schema = model.model_json_schema()
    assert {"events", "fee_basis", "as_of", "notice", "issued_on"} <= set(schema["properties"])
    assert "correction" not in schema["properties"] and "as_of" in schema["required"]
