"""Rule files are validated at load time: errors name the file, the rule id and the field, and
suggest the closest valid name. Conflicts without declared precedence are errors, never a pick."""
import shutil
from pathlib import Path

import pytest
import yaml

import zwgk_rules
from zwgk_rules import CitationError, RuleConflictError, RuleFileError

RULES = Path(__file__).resolve().parents[1] / "rules"


@pytest.fixture
def rules_copy(tmp_path):
    dst = tmp_path / "rules"
    shutil.copytree(RULES, dst)
    return dst


def edit(path: Path, fn):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def rule(doc, rid):
    return next(r for r in doc["rules"] if r["id"] == rid)


def test_bundled_rules_load_and_every_citation_resolves():
    rb = zwgk_rules.Rulebook()
    n = sum(len(t.rules) for _, t in rb.tables())
    assert n >= 50
    for _, t in rb.tables():
        for r in t.rules:
            for b in r.basis:
                assert b.text and b.title


def test_citation_to_missing_article_names_file_rule_and_field(rules_copy):
    f = rules_copy / "national/ogi-2019/exemption.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art14.state_secret").update(basis=["ogi-2019:99"]))
    with pytest.raises(CitationError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.file.endswith("ogi-2019/exemption.yaml")
    assert e.value.rule_id == "ogi2019.art14.state_secret"
    assert e.value.field == "basis"
    assert "99" in e.value.message


def test_citation_to_unknown_regulation_suggests_closest(rules_copy):
    f = rules_copy / "national/ogi-2019/exemption.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art14.state_secret").update(basis=["ogi-2091:14"]))
    with pytest.raises(CitationError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.suggestion == "ogi-2019"


def test_unknown_condition_field_suggests_closest(rules_copy):
    f = rules_copy / "national/ogi-2019/exemption.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art14.state_secret").update(when={"catgories": {"has": "state_secret"}}))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.suggestion == "categories" and e.value.rule_id == "ogi2019.art14.state_secret"


def test_unknown_literal_is_rejected(rules_copy):
    f = rules_copy / "national/ogi-2019/exemption.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art14.state_secret").update(when={"categories": {"has": "state_secrets"}}))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.suggestion == "state_secret"


def test_unknown_exception_target_suggests_closest(rules_copy):
    f = rules_copy / "national/ogi-2019/exemption.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art15.consent").update(exception_to=["ogi2019.art15.third_prty"]))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.suggestion == "ogi2019.art15.third_party" and e.value.field == "exception_to"


def test_unknown_rule_file_key_suggests_closest(rules_copy):
    f = rules_copy / "national/ogi-2019/exemption.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art15.consent").update(exeption_to="x"))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.suggestion == "exception_to"
    assert e.value.rule_id == "ogi2019.art15.consent"


def test_rule_without_basis_is_rejected(rules_copy):
    f = rules_copy / "national/ogi-2019/reply.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art38.requires_creation").update(basis=[]))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.field == "basis"


def test_two_rules_disagreeing_without_precedence_is_an_error_not_a_pick(rules_copy):
    f = rules_copy / "national/ogi-2019/reply.yaml"
    # drop the declared order between 36(4) and 38: both apply to a non-existent item needing creation
    def drop(d):
        d["precedence"][0]["order"] = [x for x in d["precedence"][0]["order"]
                                       if x not in ("ogi2019.art38.requires_creation",)]
    edit(f, drop)
    eng = zwgk_rules.Engine(rulebook=zwgk_rules.Rulebook(rules_copy))
    req = {"submission": {"channel": "in_person", "submitted_on": "2026-03-02"},
           "items": [{"requires_creation": True, "special_procedure": True}]}
    with pytest.raises(RuleConflictError) as e:
        eng.decide(req)
    assert set(e.value.rule_ids) == {"ogi2019.art38.requires_creation", "ogi2019.art36.i7.special_procedure"}


def test_precedence_cycle_is_rejected(rules_copy):
    f = rules_copy / "national/ogi-2019/exemption.yaml"
    edit(f, lambda d: d["precedence"].append({"id": "loop", "reason": "test", "order": [
        "ogi2019.art15.public_interest", "ogi2019.art32.consult_first"]}))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert "循环" in e.value.message


def test_value_outside_declared_outputs_is_rejected(rules_copy):
    f = rules_copy / "national/ogi-2019/exemption.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art14.state_secret").update(then={"value": "withhold.state_secrets"}))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.suggestion == "withhold.state_secret"


def test_no_python_module_holds_statute_numbers():
    """The law lives in rules/: no period length or article text in the engine's source."""
    import re
    src = Path(zwgk_rules.__file__).parent
    for f in src.glob("*.py"):
        text = f.read_text(encoding="utf-8")
        assert "个工作日内" not in text, f
        assert not re.search(r"\b(20|15|7)\s*#\s*working", text), f


def test_a_rule_applies_only_within_its_own_effective_dates(rules_copy):
    f = rules_copy / "national/ogi-2019/reply.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art38.requires_creation").update(in_force={"from": "2024-01-01"}))
    eng = zwgk_rules.Engine(rulebook=zwgk_rules.Rulebook(rules_copy))

    def ask(day):
        return eng.decide({"submission": {"channel": "in_person", "submitted_on": day},
                           "items": [{"requires_creation": True}]}).disposition

    assert ask("2023-12-29") == "disclose"
    assert ask("2024-01-02") == "unavailable.requires_creation"
    assert ask("2023-12-29") == "disclose"        # the memo keeps the date segments apart


def test_rule_dates_outside_the_table_are_rejected(rules_copy):
    f = rules_copy / "national/ogi-2019/reply.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art38.requires_creation").update(in_force={"from": "2018-01-01"}))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.field == "in_force" and e.value.rule_id == "ogi2019.art38.requires_creation"


def test_exception_outliving_its_base_rule_is_rejected(rules_copy):
    f = rules_copy / "national/ogi-2019/exemption.yaml"
    edit(f, lambda d: rule(d, "ogi2019.art15.third_party").update(in_force={"from": "2019-05-15", "to": "2022-12-31"}))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.field == "in_force"


def _rename_action(doc, old, new):
    for r in doc["rules"]:
        acts = r.get("then", {}).get("actions")
        if acts:
            r["then"]["actions"] = [new if a == old else a for a in acts]


def test_the_action_that_asks_for_a_correction_is_read_from_the_deadline_rules(rules_copy):
    # 第三十条: while a 补正 is asked for, no reply period runs and the notice is due within 7 working days.
    # Renamed in the rule files (request table and deadlines.yaml), the engine still knows it.
    edit(rules_copy / "national/ogi-2019/request.yaml", lambda d: _rename_action(d, "request_correction", "ask_to_correct"))
    edit(rules_copy / "national/ogi-2019/deadlines.yaml", lambda d: d["correction"].update(requested_by="ask_to_correct"))
    engine = zwgk_rules.Engine(rulebook=zwgk_rules.Rulebook(rules_copy))
    d = engine.decide_raw({"jurisdiction": "cn", "submission": {"channel": "in_person", "submitted_on": "2026-03-02"},
                           "content_clear": False, "items": [{}]})
    assert d["actions"] == ("ask_to_correct",)
    # 2026-03-02 (Mon) + 7 working days = 2026-03-11 (Wed); no reply period runs while the 补正 is asked for
    assert d["deadline"]["correction_notice_by"].isoformat() == "2026-03-11"
    assert d["deadline"]["due"] is None


def test_a_correction_action_the_request_table_never_gives_is_an_error_with_a_suggestion(rules_copy):
    edit(rules_copy / "national/ogi-2019/deadlines.yaml",
         lambda d: d["correction"].update(requested_by="request_corection"))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.field == "correction.requested_by"
    assert e.value.suggestion == "request_correction"
    assert e.value.file.endswith("ogi-2019/deadlines.yaml")
