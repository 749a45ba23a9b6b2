"""Issue 9, parts 1 and 2: the law at a date, for one jurisdiction.

Every dated value is read at the date the computation is about (OpenFisca's ``_get_at_instant``), and a
pack's ``effect: apply`` works for every national parameter it may make stricter. Expected dates are
counted by hand on the State Council's holiday notices (comments)."""
import datetime as dt
import shutil
from pathlib import Path

import pytest

import zwgk_rules
from zwgk_rules import RuleFileError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "packs" / "cn-xx-shili-sfj"


def req(received, **kw):
    return {"submission": {"channel": "in_person", "submitted_on": received}, "items": [{}], **kw}


@pytest.fixture(scope="module")
def ten_from_2025(tmp_path_factory):
    """The bundled rules, with the 2019 reply period moved to 10 working days from 2025-01-01."""
    root = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(ROOT / "rules", root)
    p = root / "national" / "ogi-2019" / "deadlines.yaml"
    text = p.read_text(encoding="utf-8")
    old = "      2019-05-15: {value: 20, basis: ogi-2019:33:p2}\n  max_extension"
    assert old in text
    p.write_text(text.replace(old, "      2019-05-15: {value: 20, basis: ogi-2019:33:p2}\n"
                                    "      2025-01-01: {value: 10, basis: ogi-2019:33:p2}\n  max_extension"),
                 encoding="utf-8")
    return zwgk_rules.Rulebook(root)


@pytest.mark.parametrize("received,due", [
    # received 2024-12-02: 20 working days, none off in December 2024 -> 12-30
    ("2024-12-02", "2024-12-30"),
    # received 2024-12-20, before the change: still 20; 2025-01-01 off -> 12-23..31 (7), 01-02..03 (9),
    # 01-06..10 (14), 01-13..17 (19), 01-20 (20)
    ("2024-12-20", "2025-01-20"),
    # received 2026-03-02, after the change: 10 working days -> 03-03..06 (4), 03-09..13 (9), 03-16 (10)
    ("2026-03-02", "2026-03-16"),
])
def test_a_national_value_moved_mid_regime_changes_deadlines_on_either_side(ten_from_2025, received, due):
    engine = zwgk_rules.Engine(rulebook=ten_from_2025)
    assert engine.decide(req(received)).deadline.due.isoformat() == due
    assert engine.decide(req(received), explain=True).deadline.due.isoformat() == due     # the slow path too


def test_the_plan_memo_does_not_carry_a_value_across_its_change_date(ten_from_2025):
    engine = zwgk_rules.Engine(rulebook=ten_from_2025)
    assert engine.decide(req("2024-12-02")).deadline.due.isoformat() == "2024-12-30"
    assert engine.decide(req("2026-03-02")).deadline.due.isoformat() == "2026-03-16"
    assert engine.decide(req("2024-12-02")).deadline.due.isoformat() == "2024-12-30"


def test_after_a_correction_the_reply_period_is_read_at_the_corrected_application_date(ten_from_2025):
    engine = zwgk_rules.Engine(rulebook=ten_from_2025)
    # received 2024-12-16; corrected application received 2025-01-06 (after the change): 10 working days
    # from 01-06 -> 01-07..10 (4), 01-13..17 (9), 01-20 (10)
    d = engine.decide(req("2024-12-16", correction={"notified_on": "2024-12-18", "due_on": "2025-01-10",
                                                    "received_on": "2025-01-06"}))
    assert d.deadline.reply_period_starts.isoformat() == "2025-01-06"
    assert d.deadline.due.isoformat() == "2025-01-20"


# ---------------------------------------------------------------- a pack applies a stricter reply period

def _example(tmp_path, old, new):
    folder = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, folder)
    p = folder / "pack.yaml"
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new), encoding="utf-8")
    return folder


RECORDED = ("values: {2024-01-01: {value: 30, basis: cn-xx-shili-sfj:7}}\n    relation: looser\n"
            "    effect: record")


def test_a_stricter_local_reply_period_applies_from_its_date(tmp_path):
    folder = _example(tmp_path, RECORDED, "values: {2024-01-01: {value: 10, basis: cn-xx-shili-sfj:7}}\n"
                                          "    relation: stricter\n    effect: apply")
    engine = zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=zwgk_rules.Rulebook(packs=[folder]))
    local = {"jurisdiction": "cn-xx-shili-sfj"}
    # 2026-03-02 + 10 working days = 2026-03-16; extension 20 more: 03-17..20 (4), 03-23..27 (9),
    # 03-30..04-03 (14), 04-04..06 清明 off, 04-07..10 (18), 04-13..14 (20) -> 04-14
    d = engine.decide({**req("2026-03-02"), **local}, explain=True)
    assert (d.deadline.due.isoformat(), d.deadline.extended_due.isoformat()) == ("2026-03-16", "2026-04-14")
    counted = [s for s in d.deadline.explain if s.counted]
    assert counted[0].basis == "cn-xx-shili-sfj:7"          # the days are counted under the pack's article
    # received 2023-03-01, before the pack's value: the national 20 -> 2023-03-29 (no day off in March 2023)
    assert engine.decide({**req("2023-03-01"), **local}).deadline.due.isoformat() == "2023-03-29"
    assert engine.law.at("ogi-2019.reply_period", dt.date(2026, 3, 2)).source == "cn-xx-shili-sfj"
    assert engine.law.at("ogi-2019.reply_period", dt.date(2023, 3, 1)).source == "national"


def test_a_looser_local_value_cannot_apply(tmp_path):
    folder = _example(tmp_path, RECORDED, "values: {2024-01-01: {value: 30, basis: cn-xx-shili-sfj:7}}\n"
                                          "    relation: stricter\n    effect: apply")
    with pytest.raises(RuleFileError) as info:
        zwgk_rules.Rulebook(packs=[folder])
    assert "长于国家规定" in info.value.message and info.value.field.startswith("parameters.1.values")


def test_a_misspelt_target_is_an_error_with_a_suggestion(tmp_path):
    folder = _example(tmp_path, "target: ogi-2019.reply_period", "target: ogi-2019.reply_perod")
    with pytest.raises(RuleFileError) as info:
        zwgk_rules.Rulebook(packs=[folder])
    assert info.value.field == "parameters.1.target"
    assert info.value.suggestion == "ogi-2019.reply_period"


def test_a_parameter_the_law_does_not_let_packs_change_cannot_apply(tmp_path):
    folder = _example(tmp_path, "target: ogi-2019.reply_period", "target: ogi-2019.receipt_day_counted")
    text = (folder / "pack.yaml").read_text(encoding="utf-8").replace(
        RECORDED, "values: {2024-01-01: {value: 1, basis: cn-xx-shili-sfj:7}}\n    relation: stricter\n    effect: apply")
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        zwgk_rules.Rulebook(packs=[folder])
    assert "不能由规则包改变" in info.value.message


@pytest.mark.parametrize("target,value,received,due", [
    # correction notice: 5 working days instead of 7, from receipt 2026-03-02 -> 03-03..06 (4), 03-09 (5)
    ("ogi-2019.correction_notice_period", 5, "2026-03-02", None),
    # extension: 10 instead of 20 -> extended due = due (03-30) + 10: 03-31..04-03 (4), 04-07..10 (8), 04-13..14 (10)
    ("ogi-2019.max_extension", 10, "2026-03-02", "2026-04-14"),
])
def test_every_deadline_parameter_can_be_made_stricter(tmp_path, target, value, received, due):
    folder = _example(tmp_path, "target: ogi-2019.reply_period", f"target: {target}")
    p = folder / "pack.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace(
        RECORDED, f"values: {{2024-01-01: {{value: {value}, basis: cn-xx-shili-sfj:7}}}}\n    relation: stricter\n"
                  f"    effect: apply"), encoding="utf-8")
    engine = zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=zwgk_rules.Rulebook(packs=[folder]))
    local = {"jurisdiction": "cn-xx-shili-sfj"}
    if target.endswith("correction_notice_period"):
        d = engine.decide({**req(received), **local, "content_clear": False})
        assert d.deadline.correction_notice_by.isoformat() == "2026-03-09"
    else:
        d = engine.decide({**req(received), **local})
        assert d.deadline.due.isoformat() == "2026-03-30"
        assert d.deadline.extended_due.isoformat() == due


# ---------------------------------------------------------------- 第十四条: declared absolute in the rule files

def test_a_pack_rule_cannot_be_an_exception_to_article_14(tmp_path):
    folder = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, folder)
    p = folder / "pack.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("rules:\n", """rules:
  - table: ogi-2019.exemption
    id: sl.secret.open
    title: 本县认为可以公开的国家秘密
    exception_to: ogi2019.art14.state_secret
    when: {categories: {has: state_secret}}
    then: {value: none}
    basis: [cn-xx-shili-sfj:3]
""", 1), encoding="utf-8")
    rb = zwgk_rules.Rulebook(packs=[folder])
    with pytest.raises(RuleFileError) as info:
        zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=rb)
    assert info.value.rule_id == "sl.secret.open" and info.value.field == "exception_to"
    assert "absolute" in info.value.message


def test_the_absolute_categories_are_read_from_the_rule_files():
    from zwgk_rules._check import absolute_categories
    rb = zwgk_rules.Rulebook()
    assert absolute_categories(rb, "ogi-2019") == {"state_secret", "prohibited_by_law", "endangers_security"}
    assert absolute_categories(rb, "ogi-2008") == {"state_secret", "endangers_security"}


# ---------------------------------------------------------------- 政民互动 periods are dated too

def _with_messages(tmp_path, due_days):
    folder = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, folder)
    p = folder / "pack.yaml"
    p.write_text(p.read_text(encoding="utf-8") + "interaction:\n  title: 留言办理\n  kinds:\n"
                 f"  - {{kind: consult, label: 咨询, basis: cn-xx-shili-sfj:7, due_days: {due_days}}}\n",
                 encoding="utf-8")
    return folder


def test_a_message_kind_s_period_is_read_at_the_day_the_message_is_received(tmp_path):
    folder = _with_messages(tmp_path, "{2024-01-01: 7, 2026-03-01: 5}")
    engine = zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=zwgk_rules.Rulebook(packs=[folder]))
    msg = {"jurisdiction": "cn-xx-shili-sfj", "kind": "consult"}
    # received 2025-12-01 (Mon), 7 working days: 12-02..05 (4), 12-08..10 (7) -> 2025-12-10
    assert engine.interact({**msg, "received_on": "2025-12-01"}).due.isoformat() == "2025-12-10"
    # received 2026-03-02 (Mon), the 5 in force from 03-01: 03-03..06 (4), 03-09 (5) -> 2026-03-09
    assert engine.interact({**msg, "received_on": "2026-03-02"}).due.isoformat() == "2026-03-09"
    assert engine.law.at("interaction.consult.due_days", dt.date(2026, 3, 2)).value == 5
    assert engine.law.at("interaction.consult.due_days", dt.date(2026, 3, 2)).source == "cn-xx-shili-sfj"


def test_a_message_received_before_the_pack_is_in_force_is_not_routed_under_it(tmp_path):
    folder = _with_messages(tmp_path, "7")
    engine = zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=zwgk_rules.Rulebook(packs=[folder]))
    with pytest.raises(zwgk_rules.UnsupportedInputError) as e:
        engine.interact({"jurisdiction": "cn-xx-shili-sfj", "kind": "consult", "received_on": "2023-06-01"})
    assert e.value.field == "received_on"
    # a plain number is in force from the pack's first day (2024-01-01, a holiday): received 2024-01-02 (Tue)
    # + 7 working days: 01-03..05 (3), 01-08..11 (7) -> 2024-01-11
    assert engine.interact({"jurisdiction": "cn-xx-shili-sfj", "kind": "consult",
                            "received_on": "2024-01-02"}).due.isoformat() == "2024-01-11"


def test_dated_message_periods_must_start_on_the_pack_s_first_day(tmp_path):
    folder = _with_messages(tmp_path, "{2023-01-01: 7}")
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(packs=[folder])
    assert e.value.field == "interaction.kinds.due_days"
