"""规则文件的快照（_snapshot）：与 rules/ 一致、逐字节对应、从不代替被改过的文件 / the rule files' snapshot.

The snapshot is a cache of what the strict YAML reader gives for each bundled rule file, keyed by the
file's bytes (``src/zwgk_rules/_snapshot.py``). These tests hold it to that: it is current, it gives exactly
the trees the YAML reader gives (types included), a changed file is read as YAML (strictly), every lookup
gives a tree of its own, and a missing or broken snapshot only makes loading slower.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from zwgk_rules import RuleFileError, _snapshot, _yaml
from zwgk_rules._resources import rules_root


def same(a, b) -> bool:
    """Equal and of the same types all the way down (1, 1.0 and True are equal in Python; here they are not)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(k, k2) and same(a[k], b[k2]) for k, k2 in zip(a, b))
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return a == b or (a != a and b != b)      # NaN


@pytest.fixture
def fresh_snapshot(monkeypatch):
    """The module's entries read again on the next lookup (and put back afterwards)."""
    monkeypatch.setattr(_snapshot, "_entries", None)


def test_the_snapshot_is_current():
    committed = _snapshot.PATH.read_text(encoding="utf-8")
    assert committed == _snapshot.build(), (
        "规则文件已改动，快照已过期：请运行 python -m zwgk_rules._snapshot / the rules changed since the snapshot "
        "was made: run `python -m zwgk_rules._snapshot` (until then they load correctly, only slower)")


def test_every_bundled_rule_file_is_in_the_snapshot():
    files = sorted(rules_root().rglob("*.yaml"))
    assert len(files) >= 80
    missing = [str(p) for p in files if _snapshot.tree(p.read_bytes()) is _snapshot.MISSING]
    assert missing == []


def test_the_snapshot_gives_what_the_yaml_reader_gives_for_every_bundled_file():
    for path in sorted(rules_root().rglob("*.yaml")):
        data = path.read_bytes()
        from_yaml = _yaml.loads(data.decode("utf-8").removeprefix("\ufeff"), file=str(path))
        from_snapshot = _snapshot.tree(data)
        assert same(from_snapshot, from_yaml), path


def test_a_date_and_a_mapping_keyed_by_dates_read_back_as_written():
    # the regulation's dates as rule files write them: values and keys (dated parameters)
    tree = {"in_force": {"from": dt.date(2019, 5, 15)}, "values": {dt.date(2008, 5, 1): 15, dt.date(2019, 5, 15): 20}}
    text = json.dumps(_snapshot._encode(tree), ensure_ascii=False, separators=(",", ":"))
    assert text == ('{"in_force":{"from":{"\\u0000date":"2019-05-15"}},"values":{"\\u0000map":'
                    '[[{"\\u0000date":"2008-05-01"},15],[{"\\u0000date":"2019-05-15"},20]]}}')
    back = json.loads(text, object_hook=_snapshot._hook)
    assert same(back, tree)


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
                    st.text(max_size=8), st.dates())
keys = st.one_of(st.text(max_size=6), st.integers(-99, 99), st.dates(), st.booleans())
trees = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(keys, inner, max_size=4)), max_leaves=20)


@given(trees)
def test_any_plain_tree_reads_back_with_its_types(tree):
    try:
        encoded = _snapshot._encode(tree)
    except _snapshot._NotPlain:         # a key starting with NUL: such a file is left out of the snapshot
        return
    back = json.loads(json.dumps(encoded, ensure_ascii=False), object_hook=_snapshot._hook)
    assert same(back, tree)


def test_a_key_starting_with_nul_is_not_snapshotted():
    with pytest.raises(_snapshot._NotPlain):
        _snapshot._encode({"\x00date": "2019-05-15"})


def test_a_changed_rule_file_is_read_as_yaml(tmp_path):
    original = rules_root() / "national" / "dispositions.yaml"
    changed = tmp_path / "dispositions.yaml"
    changed.write_bytes(original.read_bytes() + b"\n# a comment added after the snapshot was made\n")
    assert _snapshot.tree(changed.read_bytes()) is _snapshot.MISSING
    assert same(_yaml.load(changed), _yaml.load(original))


def test_a_changed_file_is_still_read_strictly(tmp_path):
    changed = tmp_path / "dispositions.yaml"
    changed.write_bytes((rules_root() / "national" / "dispositions.yaml").read_bytes()
                        + b"\nextra: &a [1]\nagain: *a\n")
    with pytest.raises(RuleFileError, match="锚点"):
        _yaml.load(changed)


def test_each_lookup_gives_a_tree_of_its_own():
    data = (rules_root() / "national" / "dispositions.yaml").read_bytes()
    first, second = _snapshot.tree(data), _snapshot.tree(data)
    assert first is not second
    first["codes"].clear()
    assert len(second["codes"]) > 0 and len(_snapshot.tree(data)["codes"]) > 0


def test_without_a_snapshot_the_rules_load_the_same(monkeypatch, fresh_snapshot, tmp_path):
    from zwgk_rules import Engine
    from zwgk_rules._rulebook import Rulebook
    req = {"id": "s1", "submission": {"channel": "in_person", "submitted_on": "2026-03-02"},
           "items": [{"description": "x", "categories": ["internal_affairs"]}]}
    with_snapshot = Engine(rulebook=Rulebook()).decide(req).model_dump(mode="json")
    for broken in (tmp_path / "absent.json", tmp_path / "broken.json"):
        (tmp_path / "broken.json").write_text('{"format": 1, "files": [', encoding="utf-8")
        monkeypatch.setattr(_snapshot, "PATH", broken)
        monkeypatch.setattr(_snapshot, "_entries", None)
        assert _snapshot.tree((rules_root() / "national" / "dispositions.yaml").read_bytes()) is _snapshot.MISSING
        assert Engine(rulebook=Rulebook()).decide(req).model_dump(mode="json") == with_snapshot


def test_loading_the_bundled_rules_parses_no_yaml():
    # the point of the snapshot: a fresh process loads the rules without importing PyYAML at all
    code = ("import sys; from zwgk_rules._rulebook import Rulebook; Rulebook(); "
            "print('yaml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
