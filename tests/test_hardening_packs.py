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
