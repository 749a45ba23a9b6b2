"""Issue 8, points 4 and 7: a pack from a folder is data. Hostile or broken packs end in one
RuleFileError naming the file (and line or field), quickly and in little memory; nothing outside the
pack folder is read."""
import shutil
import time
from pathlib import Path

import pytest

import zwgk_rules
from zwgk_rules import RuleFileError

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "packs" / "cn-xx-shili-sfj"

# 1 KB of nested aliases: 9 levels of 9 copies expand to 9**9 (387 million) strings when walked
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi"))


def _pack(tmp_path, text=None, *, edit=None):
    folder = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, folder)
    p = folder / "pack.yaml"
    if text is not None:
        p.write_text(text, encoding="utf-8")
    if edit is not None:
        p.write_text(edit(p.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def _load(folder):
    rb = zwgk_rules.Rulebook(packs=[folder])
    return zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=rb)


def test_a_pack_of_yaml_aliases_is_refused_at_once(tmp_path):
    folder = _pack(tmp_path, edit=lambda s: s + "\nlaughs:\n" + "".join("  " + ln + "\n" for ln in LAUGHS.splitlines()))
    t = time.perf_counter()
    with pytest.raises(RuleFileError) as info:
        _load(folder)
    assert time.perf_counter() - t < 10        # minutes and gigabytes before
    assert info.value.file.endswith("pack.yaml")
    assert "别名" in info.value.message and "line" in info.value.message


@pytest.mark.parametrize("snippet,word", [
    ("note: !!python/object/apply:os.system ['true']\n", "标签"),
    ("note: !!binary aGVsbG8=\n", "标签"),
    ("note: !custom x\n", "标签"),
    ("note: !!str 12\n", "标签"),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", "合并键"),
    ("note: a\nnote: b\n", "重复"),
])
def test_tags_merge_keys_and_duplicate_keys_are_refused(tmp_path, snippet, word):
    folder = _pack(tmp_path, edit=lambda s: s + "\n" + snippet)
    with pytest.raises(RuleFileError) as info:
        _load(folder)
    assert word in info.value.message, info.value.message
    assert info.value.file.endswith("pack.yaml")


def test_check_refuses_the_alias_pack_too(tmp_path):
    from zwgk_rules._check import check
    folder = _pack(tmp_path, edit=lambda s: s + "\nlaughs:\n" + "".join("  " + ln + "\n" for ln in LAUGHS.splitlines()))
    findings = check(packs=[folder])
    assert [f.severity for f in findings] == ["error"]
    assert "别名" in findings[0].message


def test_a_yaml_syntax_error_names_file_and_line(tmp_path):
    folder = _pack(tmp_path, edit=lambda s: s + "\nbroken: [unclosed\n")
    with pytest.raises(RuleFileError) as info:
        _load(folder)
    assert info.value.file.endswith("pack.yaml")
    assert "行" in info.value.message


def test_deep_nesting_in_a_pack_is_a_rule_file_error(tmp_path):
    deep = "x: " + "[" * 500 + "]" * 500 + "\n"
    folder = _pack(tmp_path, edit=lambda s: s + deep)
    with pytest.raises(RuleFileError):
        _load(folder)


# ---------------------------------------------------------------- statute files have a schema (issue 8.7, 1)

STATUTE = "statutes/cn-xx-shili-sfj.yaml"
_HEAD = "id: cn-xx-shili-sfj\ntitle: 示例\n"
_ARTICLES = ("articles:\n"
             "- article: 3\n  paragraphs:\n  - text: 十个工作日。\n"
             "- article: 5\n  paragraphs:\n  - text: 初审、复核、审定。\n  - text: 民族宗教。\n"
             "- article: 7\n  paragraphs:\n  - text: 三十个工作日。\n")
_ITEMS = "- article: 9\n  paragraphs:\n  - text: 下列：\n    items:\n"

BROKEN_STATUTES = [
    ("a_list", "- a\n- b\n", "(root)"),
    ("a_scalar", "hello\n", "(root)"),
    ("empty", "", "(root)"),
    ("only_a_comment", "# nothing here\n", "(root)"),
    ("no_id", "title: 示例\n" + _ARTICLES, "id"),
    ("id_is_a_list", "id: [a]\ntitle: 示例\n" + _ARTICLES, "id"),
    ("id_with_a_path", "id: ../../etc\ntitle: 示例\n" + _ARTICLES, "id"),
    ("id_of_a_national_instrument", "id: ogi-2019\ntitle: 示例\n" + _ARTICLES, "id"),
    ("unknown_key", _HEAD + "articlez: []\n" + _ARTICLES, "articlez"),
    ("articles_a_mapping", _HEAD + "articles: {a: 1}\n", "articles"),
    ("article_without_number", _HEAD + _ARTICLES + "- paragraphs:\n  - text: x\n", "articles.3.article"),
    ("article_not_an_integer", _HEAD + _ARTICLES + "- article: three\n  paragraphs:\n  - text: x\n",
     "articles.3.article"),
    ("article_a_numeric_string", _HEAD + _ARTICLES + "- article: '9'\n  paragraphs:\n  - text: x\n",
     "articles.3.article"),
    ("article_a_boolean", _HEAD + _ARTICLES + "- article: true\n  paragraphs:\n  - text: x\n", "articles.3.article"),
    ("article_negative", _HEAD + _ARTICLES + "- article: -1\n  paragraphs:\n  - text: x\n", "articles.3.article"),
    ("article_huge", _HEAD + _ARTICLES + "- article: 100000000000000000000\n  paragraphs:\n  - text: x\n",
     "articles.3.article"),
    ("article_giant", _HEAD + _ARTICLES + "- article: " + "9" * 5000 + "\n  paragraphs:\n  - text: x\n", None),
    ("duplicate_article", _HEAD + _ARTICLES + "- article: 5\n  paragraphs:\n  - text: x\n", "articles.3.article"),
    ("paragraphs_not_a_list", _HEAD + _ARTICLES + "- article: 9\n  paragraphs: text\n", "articles.3.paragraphs"),
    ("paragraph_a_string", _HEAD + _ARTICLES + "- article: 9\n  paragraphs:\n  - just text\n",
     "articles.3.paragraphs.0"),
    ("paragraph_text_a_number", _HEAD + _ARTICLES + "- article: 9\n  paragraphs:\n  - text: 5\n",
     "articles.3.paragraphs.0.text"),
    ("duplicate_paragraph", _HEAD + _ARTICLES + "- article: 9\n  paragraphs:\n  - n: 2\n    text: a\n  - text: b\n",
     "articles.3.paragraphs.1.n"),
    ("item_without_n", _HEAD + _ARTICLES + _ITEMS + "    - text: (一)x\n", "articles.3.paragraphs.0.items.0.n"),
    ("item_n_not_an_integer", _HEAD + _ARTICLES + _ITEMS + "    - {n: one, text: (一)x}\n",
     "articles.3.paragraphs.0.items.0.n"),
    ("item_without_text", _HEAD + _ARTICLES + _ITEMS + "    - n: 1\n", "articles.3.paragraphs.0.items.0.text"),
    ("items_a_mapping", _HEAD + _ARTICLES + _ITEMS.replace("    items:\n", "    items: {n: 1}\n"),
     "articles.3.paragraphs.0.items"),
    ("duplicate_item", _HEAD + _ARTICLES + _ITEMS + "    - {n: 1, text: a}\n    - {n: 1, text: b}\n",
     "articles.3.paragraphs.0.items.1.n"),
    ("verbatim_not_a_boolean", _HEAD + "verbatim: perhaps\n" + _ARTICLES, "verbatim"),
    ("in_force_not_a_date", _HEAD + "in_force: {from: yesterday}\n" + _ARTICLES, "in_force.from"),
    ("not_utf8", b"id: cn-xx-shili-sfj\ntitle: \xca\xbe\xc0\xfd\n", "file"),
]


def _statute(tmp_path, text):
    folder = _pack(tmp_path)
    f = folder / STATUTE
    f.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def test_the_statute_template_of_these_tests_loads(tmp_path):
    engine = _load(_statute(tmp_path, _HEAD + _ARTICLES + _ITEMS + "    - {n: 1, text: (一)x}\n"))
    assert engine.rulebook.statutes.resolve("cn-xx-shili-sfj:9:i1").text == "下列：(一)x"


@pytest.mark.parametrize("text,field", [c[1:] for c in BROKEN_STATUTES], ids=[c[0] for c in BROKEN_STATUTES])
def test_a_broken_statute_file_is_a_rule_file_error_naming_file_and_field(tmp_path, text, field):
    folder = _statute(tmp_path, text)
    with pytest.raises(RuleFileError) as info:
        _load(folder)
    assert info.value.file.endswith(STATUTE), info.value.message
    if field is not None:
        assert info.value.field == field, info.value.message


@pytest.mark.parametrize("name", ["a_list", "article_without_number", "duplicate_item"])
def test_check_reports_a_broken_statute_file_as_an_error(tmp_path, name):
    from zwgk_rules._check import check
    text = next(c[1] for c in BROKEN_STATUTES if c[0] == name)
    findings = check(packs=[_statute(tmp_path, text)])
    assert [f.severity for f in findings] == ["error"]
    assert STATUTE in findings[0].message


# ---------------------------------------------------------------- long exception chains (issue 8.7, 2; 8.4)

def _chain_pack(tmp_path, n, *, cycle=False):
    """A pack adding ``n`` review steps to classify.review, each an exception to the one before."""
    rules = []
    for k in range(n):
        r = (f"  - table: classify.review\n    id: sl.chain.{k}\n    title: 第{k}步\n    when: {{}}\n"
             f"    then: {{value: initial_review, role: 第{k}人}}\n    basis: [cn-xx-shili-sfj:5:p1]\n")
        if k or cycle:
            r += f"    exception_to: sl.chain.{(k - 1) % n}\n"
        rules.append(r)
    return _pack(tmp_path, edit=lambda s: s.replace("rules:\n", "rules:\n" + "".join(rules), 1))


@pytest.mark.parametrize("extra,role", [(0, "第1人"), (1, "第0人")])
def test_a_chain_of_exceptions_up_to_the_limit_loads_and_decides(tmp_path, extra, role):
    """Only an undefeated rule defeats: along a chain the last exception wins, the one before it loses,
    the one before that wins again… The steps that win give one review step, under the first one's role:
    with rules 0..63 the odd ones win (第1人), with 0..64 (the deepest chain allowed) the even ones (第0人)."""
    from zwgk_rules._limits import MAX_EXCEPTION_DEPTH
    engine = _load(_chain_pack(tmp_path, MAX_EXCEPTION_DEPTH + extra))
    c = engine.classify({"jurisdiction": "cn-xx-shili-sfj", "title": "关于某事项的通知", "formed_on": "2026-03-02"})
    assert c.review[0].step == "initial_review" and c.review[0].role == role


@pytest.mark.parametrize("n", [66, 2_000])
def test_a_chain_of_exceptions_beyond_the_limit_is_a_rule_file_error_naming_the_rule(tmp_path, n):
    from zwgk_rules._limits import MAX_EXCEPTION_DEPTH
    folder = _chain_pack(tmp_path, n)
    t = time.perf_counter()
    with pytest.raises(RuleFileError) as info:
        _load(folder)
    assert time.perf_counter() - t < 10
    assert info.value.rule_id == f"sl.chain.{MAX_EXCEPTION_DEPTH + 1}", info.value.message
    assert info.value.field == "exception_to"
    assert info.value.file.endswith("pack.yaml")
    assert str(MAX_EXCEPTION_DEPTH) in info.value.message


@pytest.mark.parametrize("n", [2, 2_000])
def test_a_cycle_of_exceptions_is_a_rule_file_error(tmp_path, n):
    with pytest.raises(RuleFileError) as info:
        _load(_chain_pack(tmp_path, n, cycle=True))
    assert info.value.field == "exception_to"
    assert info.value.rule_id.startswith("sl.chain.")
    assert "循环" in info.value.message


def test_check_reports_a_long_chain_as_an_error_instead_of_crashing(tmp_path):
    from zwgk_rules._check import check
    findings = check(packs=[_chain_pack(tmp_path, 2_000)])
    errors = [f for f in findings if f.severity == "error"]
    assert [f.code for f in errors if f.pack == "cn-xx-shili-sfj"][:1] == ["rule_file"]
    assert any("sl.chain.65" in f.message for f in errors)


def test_exception_walks_are_iterative_on_a_long_national_style_chain():
    """The compiled table itself (no pack): a chain far beyond Python's recursion limit is refused by
    the depth limit, and a cycle through precedence is found without recursion."""
    import sys
    from zwgk_rules._facts import SCOPES
    from zwgk_rules._schema import TableFile
    from zwgk_rules._tables import CompiledTable
    statutes = zwgk_rules.Rulebook().statutes
    n = sys.getrecursionlimit() + 500
    rules = [{"id": f"r{k}", "title": "t", "when": {}, "then": {"value": "a"}, "basis": ["ogi-2019:13"],
              **({"exception_to": f"r{k - 1}"} if k else {})} for k in range(n)]
    spec = TableFile.model_validate({"table": "t", "title": "t", "scope": "document", "regime": "classify",
                                     "in_force": {"from": "2019-05-15"}, "outputs": ["a"], "rules": rules})
    with pytest.raises(RuleFileError) as info:
        CompiledTable(spec, "t.yaml", SCOPES["document"], {}, statutes)
    assert info.value.field == "exception_to"
    # a long precedence list over unrelated rules: its defeat order is computed without recursion
    flat = [{"id": f"r{k}", "title": "t", "when": {}, "then": {"value": "a"}, "basis": ["ogi-2019:13"]}
            for k in range(n)]
    spec = TableFile.model_validate({"table": "t", "title": "t", "scope": "document", "regime": "classify",
                                     "in_force": {"from": "2019-05-15"}, "outputs": ["a"], "rules": flat,
                                     "precedence": [{"id": "p", "order": [r["id"] for r in flat], "reason": "x"}]})
    table = CompiledTable(spec, "t.yaml", SCOPES["document"], {}, statutes)
    assert table.evaluate({"@on": __import__("datetime").date(2020, 1, 1)}).rule_ids == ("r0",)


# ---------------------------------------------------------------- limits on conditions and rules (issue 8.4, 8.7, 3)

def _rule_pack(tmp_path, when, *, n=1):
    """The example pack with ``n`` more review rules whose condition is ``when`` (flow-style YAML)."""
    rules = "".join(f"  - table: classify.review\n    id: sl.limit.{k}\n    title: 限制\n    when: {when}\n"
                    f"    then: {{value: ethnic_religious_review, role: 某部门}}\n    basis: [cn-xx-shili-sfj:5:p2]\n"
                    for k in range(n))
    return _pack(tmp_path, edit=lambda s: s.replace("rules:\n", "rules:\n" + rules, 1))


def _nested_not(depth):
    return "{not: " * depth + "{flags: {has: ethnic_religious}}" + "}" * depth


def _wide_any(n):
    return "{any: [" + ", ".join(["{flags: {has: ethnic_religious}}"] * n) + "]}"


def _long_in(n):
    return "{flags: {has_any: [" + ", ".join(["ethnic_religious"] * n) + "]}}"


def test_conditions_at_the_limits_load(tmp_path):
    from zwgk_rules._limits import MAX_CONDITION_DEPTH, MAX_CONDITION_NODES, MAX_CONDITION_VALUES
    # all (1) + not … not (MAX_CONDITION_DEPTH - 1) + test (1) + any (1) + tests: exactly at both limits
    when = ("{all: [" + _nested_not(MAX_CONDITION_DEPTH - 1) + ", "
            + _wide_any(MAX_CONDITION_NODES - MAX_CONDITION_DEPTH - 2) + "]}")
    folder = _rule_pack(tmp_path / "b", _long_in(MAX_CONDITION_VALUES))
    for f in (_rule_pack(tmp_path / "a", when), folder):
        engine = _load(f)
        c = engine.classify({"jurisdiction": "cn-xx-shili-sfj", "title": "关于某事项的通知", "formed_on": "2026-03-02",
                             "flags": ["ethnic_religious"]})
        assert "ethnic_religious_review" in [s.step for s in c.review]


@pytest.mark.parametrize("when,what", [
    (_nested_not(40), "嵌套"),
    ("{all: [" * 10 + _nested_not(25) + "]}" * 10, "嵌套"),
    (_wide_any(1_001), "1000"),
    (_wide_any(20_000), "1000"),
    (_long_in(257), "256"),
    ("{doc_type: {in: [" + ", ".join(["通知"] * 5_000) + "]}}", "256"),
], ids=["not_40_deep", "all_and_not_35_deep", "any_of_1001", "any_of_20000", "in_257_values", "in_5000_values"])
def test_a_condition_beyond_a_limit_is_a_rule_file_error_naming_file_rule_and_field(tmp_path, when, what):
    folder = _rule_pack(tmp_path, when)
    t = time.perf_counter()
    with pytest.raises(RuleFileError) as info:
        _load(folder)
    assert time.perf_counter() - t < 10
    assert info.value.file.endswith("pack.yaml")
    assert info.value.rule_id == "sl.limit.0"
    assert info.value.field.startswith("when"), info.value.field
    assert what in info.value.message, info.value.message


def test_too_many_rules_in_a_pack_is_a_rule_file_error(tmp_path):
    from zwgk_rules._limits import MAX_PACK_RULES
    folder = _rule_pack(tmp_path, "{}", n=MAX_PACK_RULES + 1)
    t = time.perf_counter()
    with pytest.raises(RuleFileError) as info:
        zwgk_rules.Rulebook(packs=[folder])
    assert time.perf_counter() - t < 20
    assert info.value.file.endswith("pack.yaml")
    assert info.value.field == "rules"
    assert str(MAX_PACK_RULES) in info.value.message


@pytest.mark.parametrize("when,field", [
    (_nested_not(40), "parameters.0.applies_when"),
    (_wide_any(1_001), "parameters.0.applies_when"),
    (_long_in(257), "parameters.0.applies_when"),
    ("{flagz: {has: x}}", "parameters.0.applies_when.flagz"),
])
def test_applies_when_has_the_same_limits_and_names_its_field(tmp_path, when, field):
    param = ("  - target: classify.public_comment_min_days\n    description: 征求意见不少于\n    unit: days\n"
             "    values: {2024-01-01: {value: 15, basis: cn-xx-shili-sfj:3}}\n    relation: stricter\n"
             f"    effect: apply\n    applies_when: {when}\n")
    folder = _pack(tmp_path, edit=lambda s: s.replace("parameters:\n", "parameters:\n" + param, 1))
    with pytest.raises(RuleFileError) as info:
        zwgk_rules.Rulebook(packs=[folder])
    assert info.value.file.endswith("pack.yaml")
    assert info.value.rule_id == "classify.public_comment_min_days"
    assert info.value.field.startswith(field), info.value.field


def test_check_reports_a_condition_beyond_the_limits_as_an_error(tmp_path):
    from zwgk_rules._check import check
    findings = check(packs=[_rule_pack(tmp_path, _wide_any(5_000))])
    errors = [f for f in findings if f.severity == "error" and f.code == "rule_file"]
    assert len(errors) == 1 and errors[0].pack == "cn-xx-shili-sfj" and "sl.limit.0" in errors[0].message


RULE_FILE_LIMITS = ("MAX_FILE_BYTES", "MAX_YAML_DEPTH", "MAX_PACK_RULES", "MAX_EXCEPTION_DEPTH", "MAX_CONDITION_DEPTH",
                    "MAX_CONDITION_NODES", "MAX_CONDITION_VALUES", "MAX_ARTICLE", "MAX_PARAGRAPH", "MAX_PERIOD_DAYS",
                    "MAX_CHECK_COMBINATIONS", "MAX_CHECK_EVALUATIONS")


def test_every_limit_is_documented_with_its_value():
    """The limits on rule files and packs (the last section of _limits.py; the input limits above it are
    documented in docs/limits.md) are listed with their values in docs/rules.md."""
    import zwgk_rules._limits as limits
    root = Path(__file__).resolve().parents[1] / "docs"
    rules_md = (root / "rules.md").read_text(encoding="utf-8")
    source = Path(limits.__file__).read_text(encoding="utf-8")
    section = source[source.index("# ---------------------------------------------------------------- rule files"):]
    assert set(RULE_FILE_LIMITS) == {n for n in vars(limits) if n.startswith("MAX_") and f"\n{n} =" in section}
    for name in RULE_FILE_LIMITS:
        assert f"`{name}`" in rules_md, name
        value = getattr(limits, name)
        shown = f"{value // (1024 * 1024)} MB" if name == "MAX_FILE_BYTES" else f"{value:,}"
        row = next(line for line in rules_md.splitlines() if f"`{name}`" in line)
        assert shown in row or str(value) in row, (name, row)
    assert "## 限制 / Limits" in (root / "authoring-packs.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- nothing outside the pack folder is read (8.7, 4)

OUTSIDE_STATUTE = ("id: outside-text\ntitle: 包外的文件\narticles:\n- article: 1\n  paragraphs:\n  - text: 不应被读取。\n")


def _outside(tmp_path):
    out = tmp_path / "outside"
    (out / "texts").mkdir(parents=True)
    (out / "texts" / "outside-text.yaml").write_text(OUTSIDE_STATUTE, encoding="utf-8")
    return out


def _symlinked(tmp_path, how):
    folder = _pack(tmp_path)
    out = _outside(tmp_path)
    st = folder / "statutes"
    if how == "file":
        (st / "outside-text.yaml").symlink_to(out / "texts" / "outside-text.yaml")
        return folder, "statutes/outside-text.yaml"
    if how == "relative_file":
        (st / "outside-text.yaml").symlink_to(Path("..") / ".." / "outside" / "texts" / "outside-text.yaml")
        return folder, "statutes/outside-text.yaml"
    if how == "folder":
        (st / "more").symlink_to(out / "texts", target_is_directory=True)
        return folder, "statutes/more"
    if how == "nested_folder":
        (st / "a").mkdir()
        (st / "a" / "b").symlink_to(Path("..") / ".." / ".." / "outside" / "texts", target_is_directory=True)
        return folder, "statutes/a/b"
    if how == "statutes_folder":
        real = folder.parent / "real-statutes"
        st.rename(real)
        st.symlink_to(real, target_is_directory=True)
        return folder, "statutes"
    if how == "pack_yaml":
        real = out / "pack.yaml"
        (folder / "pack.yaml").rename(real)
        (folder / "pack.yaml").symlink_to(real)
        return folder, "pack.yaml"
    if how == "link_to_dev":
        (st / "zero.yaml").symlink_to("/dev/zero")
        return folder, "statutes/zero.yaml"
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["file", "relative_file", "folder", "nested_folder", "statutes_folder", "pack_yaml",
                                 "link_to_dev"])
def test_a_symlink_out_of_the_pack_folder_is_refused(tmp_path, how):
    folder, name = _symlinked(tmp_path, how)
    with pytest.raises(RuleFileError) as info:
        _load(folder)
    assert info.value.file == str(folder / name), info.value.message
    assert info.value.field == "file"
    assert "规则包目录之外" in info.value.message


@pytest.mark.parametrize("how", ["file", "folder", "pack_yaml"])
def test_check_reports_a_symlink_out_of_the_pack_as_an_error(tmp_path, how):
    from zwgk_rules._check import check
    folder, name = _symlinked(tmp_path, how)
    findings = check(packs=[folder])
    assert [f.severity for f in findings] == ["error"]
    assert name in findings[0].message


def test_symlinks_inside_the_pack_folder_are_followed_once(tmp_path):
    folder = _pack(tmp_path)
    st = folder / "statutes"
    (folder / "texts").mkdir()
    (st / "cn-xx-shili-sfj.yaml").rename(folder / "texts" / "cn-xx-shili-sfj.yaml")
    (st / "cn-xx-shili-sfj.yaml").symlink_to(Path("..") / "texts" / "cn-xx-shili-sfj.yaml")
    (st / "again").symlink_to(Path("."), target_is_directory=True)     # a loop: statutes/again/again/…
    link = tmp_path / "link-to-pack"
    link.symlink_to(folder, target_is_directory=True)
    c = _load(folder).classify({"jurisdiction": "cn-xx-shili-sfj", "title": "关于调整某收费标准的通告",
                                "formed_on": "2026-04-30", "flags": ["public_interest"]})
    assert c.publish_by.isoformat() == "2026-05-18"           # the pack's own 10 working days
    rb = zwgk_rules.Rulebook(packs=[folder.parent / "link-to-pack" / ".." / "cn-xx-shili-sfj"])
    assert "cn-xx-shili-sfj" in rb.packs


@pytest.mark.parametrize("what", ["fifo", "self_loop", "dangling"])
def test_a_statute_that_is_not_a_regular_file_is_refused_without_hanging(tmp_path, what):
    import os
    import threading
    folder = _pack(tmp_path)
    f = folder / "statutes" / "odd.yaml"
    if what == "fifo":
        os.mkfifo(f)                  # open() would wait for a writer for ever
    elif what == "self_loop":
        f.symlink_to(f)
    else:
        f.symlink_to(folder / "statutes" / "missing.yaml")
    result = []

    def run():
        try:
            _load(folder)
            result.append(None)
        except Exception as exc:      # noqa: BLE001 - the test inspects whatever escapes
            result.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(20)
    assert result, "loading the pack hangs"
    assert isinstance(result[0], RuleFileError), repr(result[0])
    assert result[0].file == str(f)


# ---------------------------------------------------------------- every engine pickles (issue 8.7, 5)

def _inputs():
    """Every input of the named cases (tests/cases/*.yaml and the bundled packs' cases.yaml): requests,
    documents, messages."""
    from conftest import named_cases
    return [(case.get("command", "decide"), case["input"]) for _, case in named_cases()]


def _answers(engine, inputs, explain=False):
    """What ``engine`` answers to each input, under its own pack, as JSON text (errors included).
    Module level: a worker process of a spawn or forkserver pool runs it."""
    import datetime as dt
    import json

    def plain(o):
        if isinstance(o, dict):
            return {k: plain(v) for k, v in o.items()}
        if isinstance(o, list):
            return [plain(v) for v in o]
        return o.isoformat() if isinstance(o, dt.date) else o

    out = []
    for command, inp in inputs:
        inp = {**plain(inp), "jurisdiction": engine.pack.id}
        try:
            if command == "decide":
                res = engine.decide_raw(inp, explain=explain)
            elif command == "classify":
                res = engine.classify_raw(inp)
            else:
                res = engine.interact_raw(inp)
            out.append(json.dumps(plain(res), ensure_ascii=False, sort_keys=True))
        except zwgk_rules.ZwgkError as exc:
            out.append(json.dumps({"error": type(exc).__name__, **exc.to_dict()}, ensure_ascii=False, sort_keys=True))
    return out


def _all_engines():
    rb = zwgk_rules.Rulebook(packs=[EXAMPLE])
    return [zwgk_rules.Engine(p, rulebook=rb) for p in rb.packs]


def test_every_engine_pickles_and_answers_exactly_as_the_original():
    import pickle
    inputs = _inputs()
    engines = _all_engines()
    assert {e.pack.id for e in engines} >= {"cn", "cn-yn-longling-sfj", "cn-gz-shaomi", "cn-xx-shili-sfj"}
    for engine in engines + [zwgk_rules.Engine("cn-yn-longling-sfj")]:
        before = _answers(engine, inputs) + _answers(engine, inputs[:20], explain=True)
        copy = pickle.loads(pickle.dumps(engine))
        assert copy.pack.id == engine.pack.id
        assert _answers(copy, inputs) + _answers(copy, inputs[:20], explain=True) == before, engine.pack.id
        assert pickle.loads(pickle.dumps(copy)).classify_raw(
            {"jurisdiction": engine.pack.id, "title": "关于印发某办法的通知", "doc_type": "通知",
             "formed_on": "2026-03-02", "flags": ["policy_document"]}) == copy.classify_raw(
            {"jurisdiction": engine.pack.id, "title": "关于印发某办法的通知", "doc_type": "通知",
             "formed_on": "2026-03-02", "flags": ["policy_document"]})


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_engines_work_in_spawn_and_forkserver_process_pools(method):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    inputs = _inputs()
    engines = _all_engines()
    expected = [_answers(e, inputs) for e in engines]
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context(method)) as pool:
        got = list(pool.map(_answers, engines, [inputs] * len(engines)))
    for engine, want, have in zip(engines, expected, got):
        assert have == want, engine.pack.id


# ---------------------------------------------------------------- broken packs of every other kind (8.7, 6)

_P0 = "  - target: classify.proactive_period        # 国家：20个工作日（第二十六条）\n"


def _applied(value, target="classify.proactive_period"):
    """pack.yaml with one more applied parameter, ``value`` written as is."""
    return lambda s: s.replace(_P0, f"  - target: {target}\n    description: 期限\n    values: {{2024-01-01: {{value: {value}, "
                                    f"basis: cn-xx-shili-sfj:3}}}}\n    relation: stricter\n    effect: apply\n" + _P0, 1)


def _sub(old, new):
    def edit(s):
        assert old in s, old
        return s.replace(old, new, 1)
    return edit


def _kind(spec):
    return lambda s: s + "interaction:\n  title: 留言办理\n  kinds:\n  - {kind: a, label: 咨询, basis: cn-xx-shili-sfj:3, " + spec + "}\n"


def _on_folder(change):
    """Marks a change made to the pack folder (the others change the text of pack.yaml)."""
    change.on_folder = True
    return change


def _write(text):
    return _on_folder(lambda folder: (folder / "pack.yaml").write_bytes(text if isinstance(text, bytes) else text.encode()))


@_on_folder
def _remove_statutes(folder):
    shutil.rmtree(folder / "statutes")


@_on_folder
def _statutes_a_file(folder):
    shutil.rmtree(folder / "statutes")
    (folder / "statutes").write_text("id: x\n", encoding="utf-8")


@_on_folder
def _no_pack_yaml(folder):
    (folder / "pack.yaml").unlink()


@_on_folder
def _pack_yaml_a_folder(folder):
    (folder / "pack.yaml").unlink()
    (folder / "pack.yaml").mkdir()


# (name, change to pack.yaml text or function of the folder, file named, field named)
BROKEN_PACKS = [
    ("pack_yaml_a_list", _write("- a\n- b\n"), "pack.yaml", "(root)"),
    ("pack_yaml_a_scalar", _write("just some text\n"), "pack.yaml", "(root)"),
    ("pack_yaml_a_number", _write("12\n"), "pack.yaml", "(root)"),
    ("pack_yaml_empty", _write(""), "pack.yaml", "(root)"),
    ("pack_yaml_not_utf8", _write("pack: cn-xx-shili-sfj\ntitle: 示例\n".encode("gbk")), "pack.yaml", "file"),
    ("pack_yaml_missing", _no_pack_yaml, "", "pack"),
    ("pack_yaml_a_folder", _pack_yaml_a_folder, "", "pack"),
    ("pack_id_with_dotdot", _sub("pack: cn-xx-shili-sfj", "pack: ../../etc/cn-x"), "pack.yaml", "pack"),
    ("pack_id_not_the_folder_name", _sub("pack: cn-xx-shili-sfj", "pack: cn-xx-other"), "pack.yaml", "pack"),
    ("pack_id_a_number", _sub("pack: cn-xx-shili-sfj", "pack: 5"), "pack.yaml", "pack"),
    ("title_a_list", _sub("title: 示例县司法局（虚构示例）", "title: [a, b]"), "pack.yaml", "title"),
    ("region_a_string", _sub('region: {name: 示例县, code: "000000"}', "region: 示例县"), "pack.yaml", "region"),
    ("region_code_a_number", _sub('code: "000000"', "code: 000000"), "pack.yaml", "region.code"),
    ("calendar_a_number", _sub("calendar: cn", "calendar: 5"), "pack.yaml", "calendar"),
    ("calendar_unknown", _sub("calendar: cn", "calendar: cn-zz"), "pack.yaml", "calendar"),
    ("regime_unknown", _sub("regime: ogi-2019", "regime: ogi-2030"), "pack.yaml", "regime"),
    ("instrument_unknown", _sub("instrument: cn-xx-shili-sfj", "instrument: cn-xx-nope"), "pack.yaml", "instrument"),
    # a list of texts is allowed (勺米镇's twelve documents), each must be one of the pack's statute files
    ("instrument_a_list_with_an_unknown_id", _sub("instrument: cn-xx-shili-sfj", "instrument: [cn-xx-shili-sfj, a]"),
     "pack.yaml", "instrument.1"),
    ("instrument_an_empty_list", _sub("instrument: cn-xx-shili-sfj", "instrument: []"), "pack.yaml", "instrument"),
    ("instrument_a_mapping", _sub("instrument: cn-xx-shili-sfj", "instrument: {a: 1}"), "pack.yaml", "instrument"),
    ("in_force_a_string", _sub("in_force: {from: 2024-01-01}", "in_force: 2024"), "pack.yaml", "in_force"),
    ("in_force_ends_before_it_starts", _sub("in_force: {from: 2024-01-01}", "in_force: {from: 2024-01-01, to: 2023-01-01}"),
     "pack.yaml", "in_force"),
    ("in_force_a_number_as_date", _sub("in_force: {from: 2024-01-01}", "in_force: {from: 0}"), "pack.yaml",
     "in_force.from"),
    ("statutes_folder_missing", _remove_statutes, "pack.yaml", "instrument"),
    ("statutes_a_file", _statutes_a_file, "statutes", "file"),
    ("parameters_a_string", _sub("parameters:\n", "parameters: x\nold_parameters:\n"), "pack.yaml", "parameters"),
    ("parameter_value_date_a_number", _sub("values: {2024-01-01: {value: 10", "values: {20240101: {value: 10"),
     "pack.yaml", "parameters.0.values"),
    ("applied_value_a_string", _applied('"十"'), "pack.yaml", "parameters.0.values.2024-01-01.value"),
    ("applied_value_negative", _applied(-5), "pack.yaml", "parameters.0.values.2024-01-01.value"),
    ("applied_value_zero", _applied(0), "pack.yaml", "parameters.0.values.2024-01-01.value"),
    ("applied_value_a_boolean", _applied("true"), "pack.yaml", "parameters.0.values.2024-01-01.value"),
    ("applied_value_a_fraction", _applied(1.5), "pack.yaml", "parameters.0.values.2024-01-01.value"),
    ("applied_value_a_list", _applied("[1, 2]", "classify.public_comment_min_days"), "pack.yaml",
     "parameters.0.values.2024-01-01.value"),
    ("applied_value_huge", _applied(10 ** 30, "classify.public_comment_min_days"), "pack.yaml",
     "parameters.0.values.2024-01-01.value"),
    ("rule_id_of_a_national_rule", _sub("id: sl.review.initial", "id: ogi2019.review.art17.secrecy_review"), "pack.yaml",
     "id"),
    ("rule_table_unknown", _sub("table: classify.review\n    id: sl.review.initial",
                                "table: classify.reviw\n    id: sl.review.initial"), "pack.yaml", "table"),
    ("rule_when_a_string", _sub("when: {}\n    then: {value: initial_review", "when: x\n    then: {value: initial_review"),
     "pack.yaml", "rules.0.when"),
    ("rule_in_force_ends_before_it_starts", _sub("then: {value: initial_review, role: 承办股室}",
                                                 "then: {value: initial_review, role: 承办股室}\n"
                                                 "    in_force: {from: 2025-01-01, to: 2024-06-01}"),
     "pack.yaml", "rules.0.in_force"),
    ("citation_of_5000_digits", _sub("basis: [cn-xx-shili-sfj:5:p1]", "basis: [cn-xx-shili-sfj:" + "9" * 5000 + "]"),
     "pack.yaml", "basis"),
    ("citation_a_number", _sub("basis: [cn-xx-shili-sfj:5:p1]", "basis: [5]"), "pack.yaml", "rules.0.basis.0"),
    ("sequences_of_an_unknown_table", _sub("  classify.review: [", "  classify.reviw: ["), "pack.yaml",
     "sequences.classify.reviw"),
    ("sequences_of_a_table_that_is_not_collect", _sub("sequences:\n", "sequences:\n  classify.attribute: [proactive]\n"),
     "pack.yaml", "sequences.classify.attribute"),
    ("sequences_a_string", _sub("sequences:\n  classify.review: [", "sequences: x\nold_sequences:\n  classify.review: ["),
     "pack.yaml", "sequences"),
    ("provisions_a_mapping", _sub("provisions:\n", "provisions: {a: 1}\nold_provisions:\n"), "pack.yaml", "provisions"),
    ("interaction_due_days_huge", _kind("due_days: 100000000000000000000"), "pack.yaml", "interaction.kinds.0.due_days"),
    ("interaction_due_days_a_boolean", _kind("due_days: true"), "pack.yaml", "interaction.kinds.0.due_days"),
    ("interaction_due_days_infinite", _kind("due_days: .inf"), "pack.yaml", "interaction.kinds.0.due_days"),
    ("interaction_min_days_negative", _kind("due_days: 3, min_days: -5"), "pack.yaml", "interaction.kinds.0.min_days"),
    ("interaction_extended_days_zero", _kind("due_days: 3, extended_days: 0"), "pack.yaml",
     "interaction.kinds.0.extended_days"),
    ("statute_id_of_a_national_instrument",
     _on_folder(lambda folder: (folder / STATUTE).write_text((folder / STATUTE).read_text(encoding="utf-8").replace(
         "id: cn-xx-shili-sfj", "id: ogi-2019"), encoding="utf-8")), STATUTE, "id"),
]


def _broken(tmp_path, change):
    if getattr(change, "on_folder", False):
        folder = _pack(tmp_path)
        change(folder)
        return folder
    return _pack(tmp_path, edit=change)


@pytest.mark.parametrize("change,file,field", [c[1:] for c in BROKEN_PACKS], ids=[c[0] for c in BROKEN_PACKS])
def test_a_broken_pack_is_one_rule_file_error_naming_file_and_field(tmp_path, change, file, field):
    folder = _broken(tmp_path, change)
    with pytest.raises(RuleFileError) as info:
        _load(folder)
    assert info.value.file == str(folder / file if file else folder), info.value.message
    assert info.value.field is not None and info.value.field.startswith(field), info.value.message


@pytest.mark.parametrize("change,file,field", [c[1:] for c in BROKEN_PACKS], ids=[c[0] for c in BROKEN_PACKS])
def test_check_reports_a_broken_pack_as_an_error_finding(tmp_path, change, file, field):
    from zwgk_rules._check import check
    folder = _broken(tmp_path, change)
    findings = check(packs=[folder])
    errors = [f for f in findings if f.code == "rule_file"]
    # every problem is reported (issue 9: not only the first); the one this case plants is among them
    assert errors and all(e.severity == "error" for e in errors)
    assert any(f"字段 {field}" in e.message for e in errors), [e.message for e in errors]


@pytest.mark.parametrize("name", ["pack_yaml_a_list", "statutes_a_file", "applied_value_a_string",
                                  "rule_id_of_a_national_rule"])
def test_zwgk_check_exits_1_on_a_broken_pack_without_a_traceback(tmp_path, name):
    import subprocess
    import sys
    change = next(c[1] for c in BROKEN_PACKS if c[0] == name)
    folder = _broken(tmp_path, change)
    r = subprocess.run([sys.executable, "-m", "zwgk_rules", "check", str(folder)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "rule_file" in r.stdout


@pytest.mark.parametrize("edit", [
    _sub("in_force: {from: 2024-01-01}", "in_force: {from: 2024-01-01, to: 9999-12-31}"),
    _sub("then: {value: initial_review, role: 承办股室}",
         "then: {value: initial_review, role: 承办股室}\n    in_force: {from: 2024-01-01, to: 9999-12-31}"),
], ids=["pack", "rule"])
def test_a_pack_in_force_until_the_last_representable_day_loads_and_decides(tmp_path, edit):
    engine = _load(_pack(tmp_path, edit=edit))
    c = engine.classify({"jurisdiction": "cn-xx-shili-sfj", "title": "关于调整某收费标准的通告",
                         "formed_on": "2026-04-30", "flags": ["public_interest"]})
    assert c.publish_by.isoformat() == "2026-05-18" and c.review[0].step == "initial_review"


def test_check_of_a_large_pack_is_bounded_and_says_so(tmp_path):
    """2,000 rules over the 14 document flags: within every limit, but exhausting the combinations of a
    table would take minutes. The analysis is skipped with a warning instead."""
    from zwgk_rules._check import check
    from zwgk_rules._facts import SCOPES
    flags = SCOPES["document"]["flags"].values
    rules = "".join(f"  - table: classify.review\n    id: sl.big.{k}\n    title: 大\n"
                    f"    when: {{flags: {{has: {flags[k % len(flags)]}}}}}\n"
                    f"    then: {{value: ethnic_religious_review, role: 某部门}}\n    basis: [cn-xx-shili-sfj:5:p2]\n"
                    for k in range(2_000))
    folder = _pack(tmp_path, edit=lambda s: s.replace("rules:\n", "rules:\n" + rules, 1))
    t = time.perf_counter()
    findings = check(packs=[folder])
    assert time.perf_counter() - t < 60                 # about 170 s before
    assert any(f.code == "analysis_incomplete" and f.pack == "cn-xx-shili-sfj" for f in findings)


def test_the_article_14_check_of_a_large_exemption_overlay_is_bounded(tmp_path):
    from zwgk_rules._check import check
    cats = ["state_secret", "prohibited_by_law", "endangers_security", "trade_secret", "personal_privacy",
            "internal_affairs", "process_information", "enforcement_file"]
    keys = ["exists", "held", "proactively_published", "requires_creation", "special_procedure",
            "disclosure_required_by_law", "severable", "responsible_agency_known"]
    rules = "".join(f"  - table: ogi-2019.exemption\n    id: sl.ex.{k}\n    title: 例外\n"
                    f"    when: {{categories: {{has: {cats[k % 8]}}}, {keys[k % 8]}: false}}\n"
                    f"    then: {{value: withhold.state_secret}}\n    basis: [ogi-2019:14]\n"
                    for k in range(400))
    folder = _pack(tmp_path, edit=lambda s: s.replace("rules:\n", "rules:\n" + rules, 1))
    t = time.perf_counter()
    findings = check(packs=[folder])
    assert time.perf_counter() - t < 60
    assert any(f.code == "analysis_incomplete" and f.pack == "cn-xx-shili-sfj" for f in findings)


@pytest.mark.parametrize("n,label", [(9, "第九条"), (15, "第十五条"), (110, "第一百一十条"), (115, "第一百一十五条"),
                                     (201, "第二百零一条"), (1010, "第一千零一十条"), (1102, "第一千一百零二条"),
                                     (9999, "第九千九百九十九条")])
def test_article_numbers_up_to_the_limit_are_labelled_in_chinese(tmp_path, n, label):
    """An article of a pack's own text without a ``label`` is shown by its number (第1102条 used to raise
    IndexError when a decision was rendered: the numerals stopped at 999)."""
    engine = _load(_statute(tmp_path, _HEAD + _ARTICLES + f"- article: {n}\n  paragraphs:\n  - text: 某条。\n"))
    assert engine.rulebook.statutes.resolve(f"cn-xx-shili-sfj:{n}").label == f"《示例》{label}"


def test_check_report_on_a_broken_pack_is_an_error_finding_not_a_crash(tmp_path):
    import subprocess
    import sys
    folder = _pack(tmp_path, edit=lambda s: s + "\nx: *nowhere\n")
    report = tmp_path / "report.md"
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "zwgk_rules", "check", str(folder), "--report", str(report)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert "[error] rule_file" in report.read_text(encoding="utf-8")


def test_a_rule_file_is_read_whole_up_to_the_limit_and_refused_beyond_it(tmp_path, monkeypatch):
    from zwgk_rules import _yaml
    monkeypatch.setattr(_yaml, "MAX_FILE_BYTES", 100)
    at = tmp_path / "at.yaml"
    at.write_bytes(b"a: 1\n" + b"#" * 94 + b"\n")          # 100 bytes: read whole
    assert len(at.read_bytes()) == 100 and _yaml.load(at) == {"a": 1}
    over = tmp_path / "over.yaml"
    over.write_bytes(b"a: 1\n" + b"#" * 95 + b"\n")        # 101 bytes
    with pytest.raises(RuleFileError, match="file too large"):
        _yaml.load(over)
