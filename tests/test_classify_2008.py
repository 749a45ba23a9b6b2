"""公文按形成之日施行的条例版本认定 / Documents are classified under the regulation in force on formed_on.

Issue 9 part 6: documents formed under the 2008 Regulations (2008-05-01 … 2019-05-14) are classified under
them (第九条, 第十三条, 第十四条第三款、第四款, 第十八条: 20 working days), not rejected; before 2008-05-01 no
regulation applies. Literal expectations are in tests/cases/classify.yaml and packs.yaml; this file checks
the invariants and the rule-file validation behind them.
"""
import datetime as dt
import random
import shutil
from pathlib import Path

import pytest
import yaml

import zwgk_rules
from zwgk_rules import RuleFileError, UnsupportedInputError
from zwgk_rules._facts import DOC_FLAGS, DOC_TYPES

RULES = Path(__file__).resolve().parents[1] / "rules"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def rb():
    return zwgk_rules.Rulebook()


@pytest.fixture
def rules_copy(tmp_path):
    dst = tmp_path / "rules"
    shutil.copytree(RULES, dst)
    return dst


def _edit(path: Path, fn):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _regime_on(rb, day):
    return next(r.id for r in rb.regimes if r.covers(day))


def _documents(seed, n, lo=D("2008-05-01"), hi=D("2026-11-30")):
    rng = random.Random(seed)
    edges = [D("2008-05-01"), D("2019-05-14"), D("2019-05-15")]
    for _ in range(n):
        day = rng.choice(edges) if rng.random() < 0.2 else lo + dt.timedelta(days=rng.randrange((hi - lo).days))
        doc = {"doc_type": rng.choice(DOC_TYPES), "title": "某文件", "formed_on": day.isoformat(),
               "addressed_to_superior": rng.random() < 0.2, "flags": rng.sample(DOC_FLAGS, rng.randrange(5))}
        if rng.random() < 0.3:
            doc["forwards"] = {"attribute": rng.choice([None, "proactive", "on_request", "not_public"])}
        yield doc


@pytest.mark.parametrize("pack", ["cn", "cn-gx-hengxian-sfj", "cn-nx-zhongwei-sfj", "cn-gz-shaomi", "cn-yn-longling-sfj"])
def test_every_citation_is_of_the_regulation_in_force_on_formed_on(rb, pack):
    """Under 2008 the answer cites 2008 articles only, under 2019 the 2019 revision only (a pack's own text and
    the practice sources aside): the rules of one regulation never decide a document of the other."""
    engine = zwgk_rules.Engine(pack, rulebook=rb)
    other = {"ogi-2008": "ogi-2019", "ogi-2019": "ogi-2008"}
    for doc in _documents(31, 300):
        c = engine.classify_raw({**doc, "jurisdiction": pack})
        regime = _regime_on(rb, D(doc["formed_on"]))
        cited = {b["regulation"] for b in c["basis"]} | {b["regulation"] for s in c["review"] for b in s["basis"]}
        assert regime in cited, (doc, cited)
        assert other[regime] not in cited, (doc, cited)
        prefix = regime.replace("-", "") + "."
        national = [t for t in c["trace"] if t.startswith(("ogi2008.", "ogi2019."))]
        assert all(t.startswith(prefix) for t in national), (doc, c["trace"])


def test_the_2008_regulation_gives_no_attribute_from_the_2019_categories(rb):
    """内部事务信息、过程性信息、工作秘密 are 2019 categories (第十六条): under 2008 a document carrying only those
    flags is 依申请公开 by 第十三条, never 不予公开, and the answer says the category does not exist there."""
    engine = zwgk_rules.Engine(rulebook=rb)
    only_2019 = ["internal_management", "internal_material", "consultation", "work_secret"]
    for flags in ([f] for f in only_2019):
        c = engine.classify_raw({"doc_type": "通知", "title": "某文件", "formed_on": "2018-06-01", "flags": flags})
        assert (c["attribute"], c["warnings"]) == ("on_request", ["category_not_in_regime"]), flags
        assert [b["article"] for b in c["basis"] if b["regulation"] == "ogi-2008"][0] == 13
        later = engine.classify_raw({"doc_type": "通知", "title": "某文件", "formed_on": "2019-06-03", "flags": flags})
        assert later["warnings"] == [] and later["attribute"] in ("on_request", "not_public")


def test_a_state_secret_is_never_public_under_either_regulation(rb):
    engine = zwgk_rules.Engine(rulebook=rb)
    for doc in _documents(7, 300):
        if "state_secret" not in doc["flags"]:
            doc["flags"] = [*doc["flags"], "state_secret"]
        c = engine.classify_raw(doc)
        assert c["attribute"] == "not_public", doc
        regime = _regime_on(rb, D(doc["formed_on"]))
        article = {"ogi-2008": (14, 4), "ogi-2019": (14, None)}[regime]
        assert article in {(b["article"], b["paragraph"]) for b in c["basis"] if b["regulation"] == regime}, doc


def test_before_the_2008_regulation_the_error_names_formed_on(rb):
    engine = zwgk_rules.Engine(rulebook=rb)
    for day in ("2008-04-30", "2001-01-01"):
        with pytest.raises(UnsupportedInputError) as e:
            engine.classify({"doc_type": "通知", "title": "关于某事项的通知", "formed_on": day})
        assert e.value.field == "formed_on"
        assert day in e.value.message and "2008-05-01" in e.value.message
    assert engine.classify({"doc_type": "通知", "title": "关于某事项的通知", "formed_on": "2008-05-01"}).attribute


def test_the_proactive_period_is_dated_and_read_at_formed_on(rb):
    p = rb.parameter("classify.proactive_period")
    old, new = p.at(D("2019-05-14")), p.at(D("2019-05-15"))
    assert (old.value, [b.key for b in old.basis]) == (20, ["ogi-2008:18"])
    assert (new.value, [b.key for b in new.basis]) == (20, ["ogi-2019:26"])
    assert p.at(D("2008-04-30")) is None
    # 中卫's 15 working days apply from its own first day only: before it, the national value of the day
    law = rb.jurisdiction("cn-nx-zhongwei-sfj")
    assert law.at("classify.proactive_period", D("2019-08-26")).source == "national"
    assert law.at("classify.proactive_period", D("2019-08-27")).value == 15
    assert law.at("classify.proactive_period", D("2018-09-20")).basis[0].key == "ogi-2008:18"


def test_the_reason_basis_follows_formed_on(rb):
    cr = rb.classify
    assert [b.key for b in cr.reason_basis_at(D("2019-05-14"))] == ["seed-002:1:p2", "ogi-2008:21:i2"]
    assert [b.key for b in cr.reason_basis_at(D("2019-05-15"))] == ["seed-002:1:p2", "ogi-2019:36:i3"]


def test_a_pack_rule_excepting_a_2019_rule_starts_with_it(rb):
    """横县 (in force 2012-11-20) replaces 2019 review rules: those rules apply from 2019-05-15, as the 2019 rules
    do; its rules replacing 2008 rules apply from the pack's day to 2019-05-14; a rule without exception_to
    starts on the pack's own day (中卫 2019-08-27)."""
    def spans(pack, table):
        t = next(t for t in rb.jurisdiction(pack).classify_tables if t.name == table)
        return {r.id: s for r, s in zip(t.rules, t.spans) if r.file.endswith("pack.yaml")}
    hx = spans("cn-gx-hengxian-sfj", "review")
    assert {k: v for k, v in hx.items() if not k.endswith(".ogi2008")} == {
        "hx.review.office": (D("2019-05-15"), None), "hx.review.bureau": (D("2019-05-15"), None),
        "hx.review.refer": (D("2019-05-15"), None)}
    assert {k: v for k, v in hx.items() if k.endswith(".ogi2008")} == {
        "hx.review.office.ogi2008": (D("2012-11-20"), D("2019-05-14")),
        "hx.review.bureau.ogi2008": (D("2012-11-20"), D("2019-05-14")),
        "hx.review.refer.ogi2008": (D("2012-11-20"), D("2019-05-14"))}
    zw = spans("cn-nx-zhongwei-sfj", "review")
    assert zw["zw.review.initial"] == (D("2019-08-27"), None)


def test_paragraph_verbatim_is_kept_apart_from_the_articles(rb):
    """2008 第十四条: 第四款 was read verbatim, 第三款 only as a summary; each citation says which."""
    st = rb.statutes
    assert st.resolve("ogi-2008:14:p4").verbatim is True
    assert st.resolve("ogi-2008:14:p3").verbatim is False
    assert st.resolve("ogi-2008:14").verbatim is False
    assert st.resolve("ogi-2008:14:p4").paragraph == 4


def test_a_classify_rule_citing_a_text_not_in_force_throughout_its_dates_is_rejected(rules_copy):
    f = rules_copy / "national/classify/attribute.yaml"
    _edit(f, lambda d: next(r for r in d["rules"] if r["id"] == "ogi2019.classify.art13.on_request_by_default").pop("in_force"))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.rule_id == "ogi2019.classify.art13.on_request_by_default"
    assert e.value.field == "in_force" and "ogi-2019:13" in e.value.message


def test_classify_yaml_names_known_regimes_and_starts_with_the_first(rules_copy):
    f = rules_copy / "national/classify/classify.yaml"
    _edit(f, lambda d: d.update(regimes=["ogi-2008", "ogi-2091"]))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert (e.value.field, e.value.suggestion) == ("regimes.1", "ogi-2019")
    _edit(f, lambda d: d.update(regimes=["ogi-2008", "ogi-2019"], in_force={"from": "2019-05-15"}))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy)
    assert e.value.field == "in_force"


def test_a_pack_rule_excepting_a_rule_not_in_force_while_the_pack_is_is_an_error(rules_copy):
    """A pack in force only under 2008 cannot replace a 2019 rule: named, not a pydantic traceback."""
    f = rules_copy / "packs/cn-gx-hengxian-sfj/pack.yaml"
    _edit(f, lambda d: d.update(in_force={"from": "2012-11-20", "to": "2018-12-31"}))
    with pytest.raises(RuleFileError) as e:
        zwgk_rules.Rulebook(rules_copy).jurisdiction("cn-gx-hengxian-sfj")
    assert e.value.rule_id == "hx.review.office" and e.value.field == "exception_to"
