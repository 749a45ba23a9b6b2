"""The worked example of docs/authoring-packs.md: an agency's own pack, loaded from its folder."""
from pathlib import Path

import pytest

import zwgk_rules

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "packs" / "cn-xx-shili-sfj"


@pytest.fixture(scope="module")
def shili():
    rb = zwgk_rules.Rulebook(packs=[EXAMPLE])
    return zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=rb)


def test_shorter_proactive_period_applies(shili):
    c = shili.classify({"jurisdiction": "cn-xx-shili-sfj", "title": "关于调整某收费标准的通告",
                        "formed_on": "2026-04-30", "flags": ["public_interest"]})
    # 4/30 + 10 working days: 5/1-5/5 off; 5/6(1) 5/7(2) 5/8(3) 5/9 Sat makeup(4) 5/11-5/15(5-9) 5/18(10)
    assert c.publish_by.isoformat() == "2026-05-18"
    assert any(b.regulation == "cn-xx-shili-sfj" and b.article == 3 for b in c.basis)


def test_before_the_pack_takes_effect_the_national_period_applies(shili):
    c = shili.classify({"jurisdiction": "cn-xx-shili-sfj", "title": "关于调整某收费标准的通告",
                        "formed_on": "2023-03-01", "flags": ["public_interest"]})
    # 2023-03-01 + 20 working days (no holidays in March 2023) = 2023-03-29
    assert c.publish_by.isoformat() == "2023-03-29"


def test_review_route_in_the_pack_order(shili):
    c = shili.classify({"jurisdiction": "cn-xx-shili-sfj", "doc_type": "通知", "title": "关于某事项的通知",
                        "formed_on": "2026-03-02", "flags": ["ethnic_religious", "public_interest"]})
    assert [s.step for s in c.review] == ["initial_review", "second_review", "secrecy_review",
                                         "ethnic_religious_review", "final_review"]
    assert c.review[3].role == "县民族宗教事务局"


def test_a_longer_local_reply_period_is_recorded_not_applied(shili):
    d = shili.decide({"jurisdiction": "cn-xx-shili-sfj",
                      "submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{}]})
    assert d.deadline.due.isoformat() == "2026-03-30"      # national 20 working days


def test_applying_a_longer_period_is_a_rule_file_error(tmp_path):
    import shutil
    import yaml
    dst = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, dst)
    doc = yaml.safe_load((dst / "pack.yaml").read_text(encoding="utf-8"))
    doc["parameters"][1]["effect"] = "apply"
    (dst / "pack.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(zwgk_rules.RuleFileError) as e:
        zwgk_rules.Rulebook(packs=[dst])
    assert e.value.field.startswith("parameters.1")
