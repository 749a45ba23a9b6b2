"""Issue 9, part 5: the law findable by its article (``zwgk explain``)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import zwgk_rules
from zwgk_rules._explain import explain

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rb():
    return zwgk_rules.Rulebook()


def test_an_article_gives_its_text_rules_2008_counterpart_local_provisions_and_cases(rb):
    info = explain(rb, "ogi-2019:15")
    assert info["text"][0]["text"].startswith("涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息")
    ids = {r["id"] for r in info["rules"]}
    assert {"ogi2019.art15.third_party", "ogi2019.art15.consent", "ogi2019.art15.public_interest"} <= ids
    assert {"ogi2008.art14.third_party", "ogi2008.art14.consent"} <= {r["id"] for r in info["corresponding"]}
    # 勺米镇's list of non-disclosure items restates (and in one item contradicts) 第十五条
    assert any(p["jurisdiction"] == "cn-gz-shaomi" for p in info["provisions"])
    assert any("第三方同意公开" in c["name"] for c in info["cases"])


def test_a_paragraph_narrows_to_the_rules_citing_it(rb):
    info = explain(rb, "ogi-2019:33:p2")
    assert "ogi2019.art33.reply_period" in {s["id"] for s in info["steps"]}
    assert any(p["name"] == "ogi-2019.reply_period" and p["jurisdiction"] == "cn" for p in info["parameters"])
    assert any(p["name"] == "ogi-2019.reply_period" and p["jurisdiction"] == "cn-gz-shaomi" for p in info["parameters"])


def test_a_rule_id_gives_its_article_and_its_counterpart(rb):
    info = explain(rb, "ogi2019.art14.state_secret")
    assert info["rule"]["absolute"] is True
    assert info["text"][0]["key"] == "ogi-2019:14"
    assert "ogi2008.art14.state_secret" in {r["id"] for r in info["corresponding"]}


@pytest.mark.parametrize("ref,word", [("ogi2019.art15.consnt", "ogi2019.art15.consent"), ("ogi-2019:99", "99")])
def test_an_unknown_reference_is_one_clear_error(rb, ref, word):
    with pytest.raises(zwgk_rules.ZwgkError) as info:
        explain(rb, ref)
    assert word in info.value.message


def test_the_command_line_prints_text_and_json():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, "-m", "zwgk_rules", "explain", "ogi-2019:14"], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0 and "第十四条" in r.stdout and "ogi2008.art14.state_secret" in r.stdout
    r = subprocess.run([sys.executable, "-m", "zwgk_rules", "explain", "ogi-2019:14", "--json"], capture_output=True,
                       text=True, env=env, timeout=120)
    assert json.loads(r.stdout)["text"][0]["key"] == "ogi-2019:14"
    r = subprocess.run([sys.executable, "-m", "zwgk_rules", "explain", "ogi-2019:99"], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
