"""``zwgk schema COMMAND [PART]`` prints valid standalone JSON Schemas (issue 10, part 6): draft 2020-12,
a description in Chinese and English for every property, an enum for every code, the enums of rule-file
codes read from the rulebook; real inputs and answers validate, and ``{"foo": 1}`` does not."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import need

import zwgk_rules
from zwgk_rules.testing import strategies as st

need("jsonschema", "test")
from jsonschema import Draft202012Validator  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("decide", "classify", "interact", "case", "notice")
PARTS = ("input", "output", "error")
DIALECT = "https://json-schema.org/draft/2020-12/schema"

DISPOSITIONS = [
    "disclose", "partial", "withhold.state_secret", "withhold.prohibited_by_law", "withhold.endangers_security",
    "withhold.third_party", "withhold.internal_affairs", "withhold.process_information", "withhold.enforcement_file",
    "withhold.administrative_query", "unavailable.not_held", "unavailable.requires_creation",
    "unavailable.unclear_after_correction", "not_processed.petition", "not_processed.repeat",
    "not_processed.publication", "not_processed.excessive", "not_processed.reconfirm", "other.correction_lapsed",
    "other.fee_unpaid", "other.misc", "pending"]
PACKS = ["cn", "cn-gx-hengxian-sfj", "cn-gz-shaomi", "cn-nx-zhongwei-sfj", "cn-yn-longling-sfj"]
ACTIONS = ["request_correction", "await_correction", "consult_third_party", "notify_third_party", "state_reasons",
           "redact", "inform_access_route", "refer_to_responsible_agency", "inform_proper_channel",
           "inform_special_procedure"]

#: string properties that are free text or identifiers, not codes: (schema, dotted path from its root)
FREE_TEXT = {
    "decide input": {"id", "Item.description", "Item.responsible_agency"},
    "decide output": {"id", "trace", "CitationOut.text", "CitationOut.label", "ItemDecision.trace",
                      "DeadlineStep.name", "DeadlineStep.source", "DeadlineStep.basis"},
    "classify input": {"id", "title"},
    "classify output": {"id", "trace", "CitationOut.text", "CitationOut.label", "ReviewStep.role"},
    "interact input": {"id", "title"},
    "interact output": {"id", "label", "office", "route", "note", "CitationOut.text", "CitationOut.label"},
    "case input": {"id", "Item.description", "Item.responsible_agency", "CaseApplicant.id", "CaseApplicant.name",
                   "ConsultationSent.ref", "ConsultationReplied.ref"},
    "case output": {"id", "CitationOut.text", "CitationOut.label", "Decision.id", "Decision.trace", "ItemDecision.trace",
                    "DeadlineStep.name", "DeadlineStep.source", "DeadlineStep.basis", "CaseStep.basis",
                    "CaseViolation.basis", "Fee.basis"},
    "notice input": {"id", "Item.description", "Item.responsible_agency", "CaseApplicant.id", "CaseApplicant.name",
                     "ConsultationSent.ref", "ConsultationReplied.ref", "addressee", "Agency.name", "Agency.government",
                     "Agency.superior", "Agency.address", "Agency.phone"},
    "notice output": {"id", "CitationOut.text", "CitationOut.label", "Remedy.basis", "Remedy.review_bodies", "body",
                      "fill_in", "issued_text", "legal_review", "signer", "text", "title", "to"},
    "decide error": {"ErrorOut.message", "ErrorOut.field"},
    "case error": {"ErrorOut.message", "ErrorOut.field"},
    "notice error": {"ErrorOut.message", "ErrorOut.field"},
    "classify error": {"ErrorOut.message", "ErrorOut.field"},
    "interact error": {"ErrorOut.message", "ErrorOut.field"},
}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zwgk_rules", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict]:
    """Every schema as the command line prints it: "decide input", …, and the bundles "decide"."""
    out = {}
    for command in COMMANDS:
        for part in (*PARTS, None):
            args = ["schema", command] + ([part] if part else [])
            r = cli(*args)
            assert r.returncode == 0 and r.stderr == "", r.stderr
            out[" ".join(args[1:])] = json.loads(r.stdout)
    return out


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def properties(schema: dict):
    """(dotted path, property schema) of every property of the schema and of its $defs."""
    def walk(node, path):
        for name, prop in node.get("properties", {}).items():
            yield f"{path}{name}", prop
    yield from walk(schema, "")
    for name, sub in schema.get("$defs", {}).items():
        yield from walk(sub, f"{name}.")


def strings_of(prop: dict) -> list[dict]:
    """The string schemas a property may hold: itself, an array's items, a branch of anyOf."""
    out = []
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") == "string":
            out.append(branch)
        elif branch.get("type") == "array" and branch.get("items", {}).get("type") == "string":
            out.append(branch["items"])
    if prop.get("type") == "string" and prop not in out:
        out.append(prop)
    return out


def test_every_schema_is_a_valid_draft_2020_12_schema(schemas):
    assert sorted(schemas) == sorted([f"{c} {p}" for c in COMMANDS for p in PARTS] + list(COMMANDS))
    for name, schema in schemas.items():
        assert schema["$schema"] == DIALECT, name
        Draft202012Validator.check_schema(schema)
        assert schema["title"] == f"zwgk {name}"


def test_no_schema_accepts_just_anything(schemas):
    for name, schema in schemas.items():
        v = validator(schema)
        for junk in ({"foo": 1}, {}, [], "decide", 1, None):
            assert not v.is_valid(junk), f"{name} accepts {junk!r}"


def test_every_property_has_a_description_in_chinese_and_english(schemas):
    for name, schema in schemas.items():
        if " " not in name:
            continue
        seen = 0
        for path, prop in properties(schema):
            text = prop.get("description", "")
            assert re.search(r"[\u4e00-\u9fff]", text), f"{name}: {path} has no Chinese description: {text!r}"
            assert re.search(r"[A-Za-z]{3,}", text), f"{name}: {path} has no English description: {text!r}"
            seen += 1
        assert seen >= 3, name
    # the 38 output fields of decide that the issue found without a description
    out = schemas["decide output"]
    assert len(list(properties(out))) == 38
    assert out["properties"]["disposition"]["description"] == (
        "处理结果代码 = 年度报告“收到和处理政府信息公开申请情况”表的一行 / the disposition: a row of the annual report's table")


def test_every_code_has_an_enum_and_only_free_text_has_none(schemas):
    for name, schema in schemas.items():
        if " " not in name:
            continue
        free = set()
        for path, prop in properties(schema):
            for s in strings_of(prop):
                if "enum" in s or "const" in s or s.get("format") == "date":
                    assert s.get("enum") != [], f"{name}: {path} has an empty enum"
                    continue
                free.add(path)
        assert free == FREE_TEXT[name], name


def test_the_enums_are_the_codes_of_the_rules(schemas):
    out = schemas["decide output"]
    assert out["properties"]["disposition"]["enum"] == DISPOSITIONS
    assert out["$defs"]["ItemDecision"]["properties"]["disposition"]["enum"] == DISPOSITIONS
    assert out["properties"]["actions"]["items"]["enum"] == ACTIONS
    assert out["properties"]["warnings"]["items"]["enum"] == ["correction_notice_late", "extension_after_due"]
    assert out["properties"]["regime"]["enum"] == ["ogi-2008", "ogi-2019"]
    assert out["properties"]["jurisdiction"]["enum"] == PACKS
    assert out["$defs"]["Deadline"]["properties"]["calendar"]["enum"] == ["cn", "cn-gx", "cn-nx"]
    assert out["$defs"]["DeadlineStep"]["properties"]["reason"]["enum"] == [
        "workday", "weekend", "holiday", "makeup_workday", "regional_holiday", "regional_makeup_workday",
        "before_period", "period_start", "consultation", "receipt_day"]
    assert "ogi-2019" in out["$defs"]["CitationOut"]["properties"]["regulation"]["enum"]
    inp = schemas["decide input"]
    assert inp["properties"]["jurisdiction"]["enum"] == PACKS
    assert inp["properties"]["nature"]["enum"] == ["information", "petition", "publication", "reconfirm"]
    assert inp["$defs"]["Submission"]["properties"]["channel"]["enum"] == [
        "in_person", "post", "ordinary_mail", "online", "fax"]
    cl = schemas["classify output"]
    assert cl["properties"]["attribute"]["enum"] == ["proactive", "on_request", "not_public"]
    assert cl["properties"]["warnings"]["items"]["enum"] == ["mixed_content", "attribute_needs_determination",
                                                             "category_not_in_regime"]
    assert cl["properties"]["doc_type"]["enum"][:3] == ["决议", "决定", "命令"]
    assert {"secrecy_review", "initial_review", "final_review", "refer_to_secrecy_authority"} <= set(
        cl["$defs"]["ReviewStep"]["properties"]["step"]["enum"])
    assert cl["$defs"]["Period"]["properties"]["kind"]["enum"] == ["public_comment", "predisclosure"]
    msg = schemas["interact input"]
    assert msg["properties"]["jurisdiction"]["enum"] == ["cn-gz-shaomi"]
    assert msg["properties"]["kind"]["enum"][0] == "policy_question"


def test_the_enums_come_from_the_rulebook_not_from_python(tmp_path):
    """A disposition code added to a copy of rules/national/dispositions.yaml, and a pack loaded beside the
    bundled ones, are in the schema: nothing is hard-coded."""
    from zwgk_rules._resources import rules_root
    root = tmp_path / "rules"
    shutil.copytree(rules_root(), root)
    path = root / "national" / "dispositions.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  - {code: pending,"
    assert marker in text
    path.write_text(text.replace(marker, '  - {code: other.test_only, row: "三(六)4", label: 测试, label_en: test}\n'
                                         + marker), encoding="utf-8")
    rb = zwgk_rules.Rulebook(root, packs=[ROOT / "examples" / "packs" / "cn-xx-shili-sfj"])
    out = zwgk_rules.json_schema("decide", "output", rulebook=rb)
    assert out["properties"]["disposition"]["enum"] == [*DISPOSITIONS[:-1], "other.test_only", "pending"]
    assert out["properties"]["jurisdiction"]["enum"] == [*PACKS, "cn-xx-shili-sfj"]
    assert "cn-xx-shili-sfj" in out["$defs"]["CitationOut"]["properties"]["regulation"]["enum"]


def test_the_bundle_validates_an_output_line_and_keeps_the_old_keys(schemas):
    for command in COMMANDS:
        bundle = schemas[command]
        assert bundle["anyOf"] == [{"$ref": "#/$defs/output"}, {"$ref": "#/$defs/error"}]
        assert sorted(bundle["$defs"]) == ["error", "input", "output"]
        for part in PARTS:          # as printed before parts existed: `zwgk schema decide | jq .input`
            assert bundle[part] == schemas[f"{command} {part}"]
        v = validator(bundle)
        assert v.is_valid({"error": {"message": "x", "field": None}})
        assert not v.is_valid({"error": {"message": 1}})
        # the $refs of a bundled part point into its own $defs there
        for part in PARTS:
            refs = re.findall(r'"\$ref": "([^"]+)"', json.dumps(bundle["$defs"][part]))
            assert all(r.startswith(f"#/$defs/{part}/$defs/") for r in refs), (command, part, refs)
            assert len(refs) >= (0 if (command, part) == ("interact", "input") else 1)
    v = validator(schemas["decide"])
    ok = json.loads(cli("decide", str(ROOT / "examples" / "request.json")).stdout)
    assert v.is_valid(ok)
    assert not v.is_valid({**ok, "disposition": "maybe"})


def test_the_old_test_of_the_bundle_still_holds(schemas):
    s = schemas["decide"]
    assert "submission" in s["input"]["properties"]
    assert "deadline" in s["output"]["properties"]
    assert s["error"]["properties"]["error"]


def test_an_unknown_part_is_refused():
    r = cli("schema", "decide", "inputs")
    assert r.returncode == 2 and "invalid choice: 'inputs'" in r.stderr
    r = cli("schema", "docket")
    assert r.returncode == 2 and "invalid choice: 'docket'" in r.stderr
    with pytest.raises(KeyError):
        zwgk_rules.json_schema("decide", "inputs")


def test_the_examples_and_their_answers_validate(schemas, tmp_path):
    cases = [("decide", "requests.jsonl", ["--explain"]), ("decide", "bad-request.jsonl", []),
             ("classify", "documents.jsonl", []), ("interact", "messages.jsonl", [])]
    for command, name, extra in cases:
        path = ROOT / "examples" / name
        vin, vout, verr = (validator(schemas[f"{command} {p}"]) for p in PARTS)
        r = cli(command, str(path), *extra)
        answers = [json.loads(x) for x in r.stdout.splitlines()]
        inputs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        assert len(answers) == len(inputs) >= 1
        for given_in, answer in zip(inputs, answers):
            if "error" in answer:
                assert verr.is_valid(answer) and not vout.is_valid(answer)
            else:
                errors = [e.message for e in vin.iter_errors(given_in)]
                assert errors == [], (name, errors)
                errors = [e.message for e in vout.iter_errors(answer)]
                assert errors == [], (name, errors)
    assert any(verr.is_valid(json.loads(x)) for x in cli("decide", str(ROOT / "examples" / "bad-request.jsonl"))
               .stdout.splitlines())


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _json(obj) -> object:
    return json.loads(json.dumps(obj, ensure_ascii=False, default=lambda o: o.isoformat()))


@_SETTINGS
@given(st.jurisdictions().flatmap(lambda j: st.requests(jurisdiction=j)))
def test_drawn_requests_and_their_decisions_validate(request):
    schemas = _cached()
    assert schemas["decide input"].is_valid(request), list(schemas["decide input"].iter_errors(request))[:1]
    engine = _engine(request.get("jurisdiction", "cn"))
    try:
        answer = _json(engine.decide_raw(request, explain=True))
    except zwgk_rules.UnsupportedInputError:
        return
    errors = [f"{list(e.path)}: {e.message}" for e in schemas["decide output"].iter_errors(answer)]
    assert errors == []


@_SETTINGS
@given(st.jurisdictions().flatmap(lambda j: st.documents(jurisdiction=j)))
def test_drawn_documents_and_their_classifications_validate(document):
    schemas = _cached()
    assert schemas["classify input"].is_valid(document)
    answer = _json(_engine(document.get("jurisdiction", "cn")).classify_raw(document))
    errors = [f"{list(e.path)}: {e.message}" for e in schemas["classify output"].iter_errors(answer)]
    assert errors == []


@settings(max_examples=60, deadline=None)
@given(st.messages("cn-gz-shaomi"))
def test_drawn_messages_and_their_routings_validate(message):
    schemas = _cached()
    assert schemas["interact input"].is_valid(message)
    answer = _json(_engine("cn-gz-shaomi").interact_raw(message))
    assert [e.message for e in schemas["interact output"].iter_errors(answer)] == []


_CACHE: dict = {}
_ENGINES: dict = {}


def _engine(pack: str) -> zwgk_rules.Engine:
    if pack not in _ENGINES:
        _ENGINES[pack] = zwgk_rules.Engine(pack)
    return _ENGINES[pack]


def _cached() -> dict:
    if not _CACHE:
        for c in COMMANDS:
            for p in PARTS:
                _CACHE[f"{c} {p}"] = validator(zwgk_rules.json_schema(c, p))
    return _CACHE


def test_dates_are_iso_dates_in_the_schemas(schemas):
    v = validator(schemas["decide input"])
    base = {"submission": {"channel": "in_person", "submitted_on": "2026-09-28"}, "items": [{}]}
    assert v.is_valid(base)
    assert not v.is_valid({**base, "submission": {"channel": "in_person", "submitted_on": "2026-02-30"}})
    assert not v.is_valid({**base, "submission": {"channel": "in_person", "submitted_on": 20260928}})
