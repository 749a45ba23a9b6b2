"""`zwgk check`: the bundled rules have no errors, the report is current, and seeded defects are caught."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import zwgk_rules
from zwgk_rules._check import check, render_report

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
EXAMPLE = ROOT / "examples" / "packs" / "cn-xx-shili-sfj"


@pytest.fixture(scope="module")
def findings():
    return check()


def test_bundled_rules_have_no_errors(findings):
    errors = [f for f in findings if f.severity == "error"]
    assert errors == [], errors


def test_known_seed_findings_are_reported(findings):
    codes = {(f.pack, f.code) for f in findings}
    # 横县's 15 working days restate ogi-2008 art. 24 after it was replaced on 2019-05-15
    assert ("cn-gx-hengxian-sfj", "restates_repealed") in codes
    assert any(f.pack == "cn-gx-hengxian-sfj" and f.code == "restates_repealed" and "ogi-2008.reply_period" in f.message
               for f in findings)
    # 勺米镇's "可能会被申请人用来获取不正当利益的信息" has no national basis
    assert any(f.pack == "cn-gz-shaomi" and "不正当利益" in json.dumps(f.to_dict(), ensure_ascii=False)
               for f in findings)
    assert ("cn-nx-zhongwei-sfj", "regional_calendar_gap") in codes


def test_every_warning_has_its_citations(findings):
    for f in findings:
        if f.code in ("no_national_basis", "contradicts_national", "looser_than_national"):
            assert f.citations, f
            assert all(c["text"] for c in f.citations)


def test_report_in_docs_is_current(findings):
    text = render_report(findings, zwgk_rules.Rulebook())
    assert (ROOT / "docs" / "consistency-report.md").read_text(encoding="utf-8") == text, \
        "run: zwgk check --report docs/consistency-report.md"


def _copy(tmp_path):
    dst = tmp_path / "rules"
    shutil.copytree(RULES, dst)
    return dst


def _edit(path, fn):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_conflict_is_found_with_a_concrete_input(tmp_path):
    root = _copy(tmp_path)
    _edit(root / "national/ogi-2019/reply.yaml",
          lambda d: d["precedence"][0].update(order=[x for x in d["precedence"][0]["order"]
                                                     if x != "ogi2019.art38.requires_creation"]))
    found = [f for f in check(root=root) if f.code == "conflict"]
    assert found
    ids = {r["id"] for f in found for r in f.rules}
    assert "ogi2019.art38.requires_creation" in ids
    ex = found[0].example
    assert ex["requires_creation"] is True
    # the concrete input really does trigger the conflict
    eng = zwgk_rules.Engine(rulebook=zwgk_rules.Rulebook(root))
    item = {k: v for k, v in ex.items() if k in ("exists", "held", "proactively_published", "requires_creation",
                                                  "special_procedure", "severable")}
    with pytest.raises(zwgk_rules.RuleConflictError):
        eng.decide({"submission": {"channel": "in_person", "submitted_on": "2026-03-02"},
                    "items": [{**item, "categories": []}]})


def test_a_masked_rule_is_found(tmp_path):
    root = _copy(tmp_path)

    def add(d):
        d["rules"].append({"id": "ogi2019.test.never", "title": "不可能的条件", "exception_to": "ogi2019.art27.proceed",
                           "when": {"all": [{"nature": "petition"}, {"nature": "publication"}]},
                           "then": {"value": "not_processed.petition"}, "basis": ["ogi-2019:39"]})
    _edit(root / "national/ogi-2019/request.yaml", add)
    assert any(f.code == "masked" and f.rules[0]["id"] == "ogi2019.test.never" for f in check(root=root))


def test_a_gap_is_found(tmp_path):
    root = _copy(tmp_path)

    def drop_default(d):
        d["rules"] = [r for r in d["rules"] if r["id"] != "ogi2019.art27.proceed"]
        for r in d["rules"]:
            r.pop("exception_to", None)
    _edit(root / "national/ogi-2019/request.yaml", drop_default)
    gaps = [f for f in check(root=root) if f.code == "gap"]
    assert gaps and gaps[0].example["nature"] == "information"


def test_a_pack_period_longer_than_national_is_an_error():
    fs = check(packs=[EXAMPLE])
    assert any(f.severity == "error" and f.code == "longer_than_national" and f.pack == "cn-xx-shili-sfj" for f in fs)


def test_a_pack_rule_disclosing_article_14_information_is_an_error(tmp_path):
    dst = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, dst)

    def add(d):
        d["parameters"] = [p for p in d["parameters"] if p["target"] != "ogi-2019.reply_period"]
        d["rules"].append({"table": "ogi-2019.exemption", "id": "sl.bad.release", "title": "经领导同意的国家秘密也公开",
                           "exception_to": "ogi2019.art14.state_secret", "when": {"disclosure_required_by_law": True},
                           "then": {"value": "released"}, "basis": ["cn-xx-shili-sfj:5:p1"]})
    _edit(dst / "pack.yaml", add)
    fs = check(packs=[dst])
    # 第十四条 is declared absolute in the rule files: an exception to it does not even compile
    assert any(f.severity == "error" and f.code == "rule_file" and "absolute" in f.message for f in fs)


def test_a_pack_rule_disclosing_article_14_information_without_naming_it_is_an_error(tmp_path):
    dst = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, dst)

    def add(d):
        d["parameters"] = [p for p in d["parameters"] if p["target"] != "ogi-2019.reply_period"]
        d["rules"].append({"table": "ogi-2019.exemption", "id": "sl.bad.release", "title": "经领导同意的信息一律公开",
                           "exception_to": "ogi2019.art13.open_by_default", "when": {"disclosure_required_by_law": True},
                           "then": {"value": "released"}, "basis": ["cn-xx-shili-sfj:5:p1"]})
    _edit(dst / "pack.yaml", add)
    rb = zwgk_rules.Rulebook(packs=[dst])
    # a sibling of 第十四条 (both exceptions to 第十三条) cannot win: the table's priority puts 第十四条 first
    engine = zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=rb)
    d = engine.decide({"jurisdiction": "cn-xx-shili-sfj", "submission": {"channel": "in_person", "submitted_on": "2026-03-02"},
                       "items": [{"categories": ["state_secret"], "disclosure_required_by_law": True}]})
    assert d.disposition == "withhold.state_secret"
    assert not any(f.code == "discloses_article_14" for f in check(rb))


def test_a_pack_rule_excepting_the_article_14_reply_does_not_compile(tmp_path):
    dst = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, dst)

    def add(d):
        d["parameters"] = [p for p in d["parameters"] if p["target"] != "ogi-2019.reply_period"]
        d["rules"].append({"table": "ogi-2019.reply", "id": "sl.bad.reply", "title": "领导同意的，第十四条信息也公开",
                           "exception_to": "ogi2019.art36.i3.withhold_article14", "when": {"disclosure_required_by_law": True},
                           "then": {"value": "disclose"}, "basis": ["cn-xx-shili-sfj:5:p1"]})
    _edit(dst / "pack.yaml", add)
    fs = check(packs=[dst])
    assert any(f.severity == "error" and f.code == "rule_file" and "absolute" in f.message for f in fs)


def test_a_pack_copying_a_national_rule_is_warned(tmp_path):
    dst = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, dst)
    _edit(dst / "pack.yaml", lambda d: d["rules"].append({
        "table": "classify.review", "id": "sl.copy.refer", "title": "复制国家规则", "when": {"flags": {"has": "secrecy_uncertain"}},
        "then": {"value": "refer_to_secrecy_authority", "role": "保密局"}, "basis": ["cn-xx-shili-sfj:5:p1"]}))
    assert any(f.code == "copies_national_rule" for f in check(packs=[dst]))


def test_a_rule_file_error_becomes_a_finding(tmp_path):
    root = _copy(tmp_path)
    _edit(root / "national/ogi-2019/exemption.yaml",
          lambda d: d["rules"][1].update(basis=["ogi-2019:99"]))
    fs = check(root=root)
    assert fs[0].severity == "error" and fs[0].code == "rule_file" and "99" in fs[0].message


def test_cli_check_exit_status_and_json():
    ok = subprocess.run([sys.executable, "-m", "zwgk_rules", "check", "--json"], capture_output=True, text=True,
                        timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert all(f["severity"] == "warning" for f in json.loads(ok.stdout))
    bad = subprocess.run([sys.executable, "-m", "zwgk_rules", "check", str(EXAMPLE)], capture_output=True,
                         text=True, timeout=300)
    assert bad.returncode == 1 and "longer_than_national" in bad.stdout


def test_article_14_categories_come_from_the_rule_files():
    from zwgk_rules._check import article_14_categories
    assert article_14_categories(zwgk_rules.Rulebook()) == {"state_secret", "prohibited_by_law", "endangers_security"}


def test_check_reports_every_problem_of_a_pack_not_only_the_first(tmp_path):
    dst = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, dst)

    def spoil(d):
        d["parameters"][0]["target"] = "classify.proactive_perod"          # a misspelt target
        d["parameters"][1]["values"] = {"2024-01-01": {"value": 30, "basis": "cn-xx-shili-sfj:99"}}   # no art. 99
        d["rules"][0]["table"] = "classify.reveiw"                          # a misspelt table
        d["rules"][1]["basis"] = ["ogi-2019:999"]                           # an article not bundled
        d["rules"][2]["colour"] = "blue"                                    # an unknown key
    _edit(dst / "pack.yaml", spoil)
    fs = [f for f in check(packs=[dst]) if f.severity == "error"]
    assert len(fs) >= 1
    # the schema error comes first (an unknown key): fix it and the semantic problems are all listed
    _edit(dst / "pack.yaml", lambda d: d["rules"][2].pop("colour"))
    fs = [f for f in check(packs=[dst]) if f.severity == "error"]
    text = "\n".join(f.message for f in fs)
    assert len(fs) >= 3, text
    assert "proactive_perod" in text and "classify.reveiw" in text and "99" in text


def test_check_reports_every_schema_error_of_a_pack(tmp_path):
    dst = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, dst)

    def spoil(d):
        d["rules"][0]["colour"] = "blue"
        d["rules"][1]["size"] = 3
        d["parameters"][0]["effect"] = "sometimes"
    _edit(dst / "pack.yaml", spoil)
    fs = [f for f in check(packs=[dst]) if f.severity == "error"]
    assert len(fs) == 3, [f.message for f in fs]
