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


# ---------------------------------------------------------------- validated objects (typed dumps, issue 12 part 2)

_UNSET = object()
_SLOTS = ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")


def differences(a, b, where: str = "") -> list[str]:
    """Where ``a`` and ``b`` differ: types at every depth, a model's fields in order (its ``__dict__``, so anything
    cached there too), the fields set, extra and private attributes; a mapping's keys in order."""
    from pydantic import BaseModel
    if type(a) is not type(b):
        return [f"{where}: {type(a).__name__} != {type(b).__name__}"]
    if isinstance(a, BaseModel):
        out = differences(list(a.__dict__), list(b.__dict__), f"{where}.__dict__ keys")
        for slot in _SLOTS:
            x, y = (getattr(o, slot, _UNSET) for o in (a, b))
            if type(x) is not type(y) or x != y:
                out.append(f"{where}.{slot}: {x!r} != {y!r}")
        for k in a.__dict__:
            if k in b.__dict__:
                out += differences(a.__dict__[k], b.__dict__[k], f"{where}.{k}")
        return out
    if isinstance(a, dict):
        if list(a) != list(b):
            return [f"{where}: keys {list(a)} != {list(b)}"]
        return [d for k, k2 in zip(a, b) for d in differences(k, k2, f"{where} key") + differences(a[k], b[k2],
                                                                                                  f"{where}[{k!r}]")]
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items != {len(b)}"]
        return [d for k, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{where}[{k}]")]
    if isinstance(a, (set, frozenset)):
        if a != b:
            return [f"{where}: {a!r} != {b!r}"]
        by_value = {x: x for x in b}
        return [d for x in a for d in differences(x, by_value[x], f"{where}{{{x!r}}}")]
    if a == b or (a != a and b != b):
        return []
    return [f"{where}: {a!r} != {b!r}"]


def _load_both_ways(monkeypatch) -> tuple[list, list]:
    """Every bundled file's validated object, ``[(path, model, object)]``, as ``Rulebook()`` (every bundled pack
    read) gets it: rebuilt from the snapshot, then validated from the YAML (``_snapshot.TYPED`` off)."""
    from zwgk_rules._rulebook import Rulebook
    rebuilt: list = []
    lookup = _snapshot.validated

    def recorded(model, path):
        out = lookup(model, path)
        rebuilt.append((str(path), model, out))
        return out
    monkeypatch.setattr(_snapshot, "validated", recorded)
    Rulebook().packs.read_all()
    monkeypatch.setattr(_snapshot, "validated", lookup)
    monkeypatch.setattr(_snapshot, "TYPED", False)
    monkeypatch.setattr(_snapshot, "recording", [])
    Rulebook().packs.read_all()
    validated = [(str(p), m, o) for p, m, o in _snapshot.recording]
    return rebuilt, validated


def _all_differences(rebuilt, validated) -> list[str]:
    assert [(p, m) for p, m, _ in rebuilt] == [(p, m) for p, m, _ in validated]
    return [d for (path, _, a), (_, _, b) in zip(rebuilt, validated) for d in differences(a, b, path)]


def test_the_bundled_rules_rebuilt_from_the_snapshot_are_the_validated_ones(monkeypatch):
    rebuilt, validated = _load_both_ways(monkeypatch)
    models = sorted({m.__name__ for _, m, _ in rebuilt})
    assert models == ["ClassifyFile", "DeadlineFile", "DispositionFile", "PackFile", "RegimeFile", "RegimesFile",
                      "StatuteFile", "TableFile"]
    assert len(rebuilt) == 47                          # 12 national statutes, 15 pack texts, 16 national files, 4 packs
    assert [p for p, _, o in rebuilt if o is _snapshot.MISSING] == []       # every one from the snapshot
    assert _all_differences(rebuilt, validated) == []


def test_the_comparison_sees_each_seeded_fault(monkeypatch):
    """Faults seeded into the rebuilt objects (a field dropped, a date, tuple or frozenset of another type, the
    fields set or a private attribute changed, a value cached in ``__dict__``): each is found."""
    from zwgk_rules._schema import PackFile
    rebuilt, validated = _load_both_ways(monkeypatch)
    pack = next(o for _, m, o in rebuilt if m is PackFile)

    def seeded(change):
        out = pack.model_copy(deep=True)
        change(out)
        return differences(out, next(o for _, m, o in validated if m is PackFile and o.pack == pack.pack))

    assert seeded(lambda o: None) == []
    assert seeded(lambda o: o.__dict__.pop("title_en"))                              # a field dropped
    assert seeded(lambda o: o.in_force.__dict__.update(from_=o.in_force.from_.isoformat()))   # a date as text
    assert seeded(lambda o: o.__dict__.update(instrument=list(o.instrument)))       # a tuple as a list
    assert seeded(lambda o: o.__dict__.update(rules=o.rules[:-1]))                  # a rule left out
    not_given = next(n for n in PackFile.model_fields if n not in pack.model_fields_set)
    assert seeded(lambda o: o.__pydantic_fields_set__.add(not_given))               # the fields set
    assert seeded(lambda o: object.__setattr__(o, "__pydantic_private__", {}))      # a private attribute
    assert seeded(lambda o: o.__dict__.update(_cached=1))                           # something cached
    assert differences(frozenset({"a"}), {"a"}) and differences(frozenset({1}), frozenset({True}))
    assert differences({dt.date(2019, 5, 15): 1}, {"2019-05-15": 1})
    assert differences((1,), (1.0,)) and differences((1,), (True,))


def test_a_stale_entry_is_seen(monkeypatch):
    # ogi-2019's request table dumped from an older wording of one rule's title (the file changed, the dump did not)
    import hashlib

    from zwgk_rules._resources import rules_root
    from zwgk_rules._schema import TableFile
    entries = _snapshot._read()
    path = rules_root() / "national" / "ogi-2019" / "request.yaml"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    title = TableFile.model_validate(_yaml.load(path)).rules[0].title
    dump = _snapshot._text(entries[digest][2]["TableFile"]).decode("utf-8")
    assert dump.count(json.dumps(title, ensure_ascii=False)) == 1
    older = dump.replace(json.dumps(title, ensure_ascii=False), json.dumps(title + "（旧）", ensure_ascii=False))
    monkeypatch.setitem(entries, digest, [*entries[digest][:2], {"TableFile": older}])
    rebuilt, validated = _load_both_ways(monkeypatch)
    assert [d for d in _all_differences(rebuilt, validated) if "request.yaml" in d] == [
        f"{path}.rules[0].title: {title + '（旧）'!r} != {title!r}"]


def test_the_rebuilt_objects_behave_as_validated_ones():
    from zwgk_rules._resources import rules_root
    from zwgk_rules._schema import InForce, RegimeFile
    spec = _snapshot.validated(RegimeFile, rules_root() / "national" / "ogi-2019" / "regime.yaml")
    assert type(spec) is RegimeFile and spec.regime == "ogi-2019"
    assert spec.in_force == InForce.model_validate({"from": "2019-05-15"})
    assert spec.model_dump(by_alias=True)["in_force"] == {"from": dt.date(2019, 5, 15), "to": None}
    assert spec.in_force.model_fields_set == {"from_"}
    with pytest.raises(Exception, match="frozen"):
        spec.regime = "x"
    assert hash(spec.in_force) == hash(InForce.model_validate({"from": "2019-05-15"}))
    assert _snapshot.validated(RegimeFile, rules_root() / "national" / "ogi-2019" / "regime.yaml") is not spec


def test_a_dump_is_used_only_for_its_bytes_its_model_and_its_schema(monkeypatch, tmp_path):
    from zwgk_rules._resources import rules_root
    from zwgk_rules._schema import RegimeFile, TableFile
    path = rules_root() / "national" / "ogi-2019" / "regime.yaml"
    assert type(_snapshot.validated(RegimeFile, path)) is RegimeFile
    assert _snapshot.validated(TableFile, path) is _snapshot.MISSING               # another model
    changed = tmp_path / "regime.yaml"
    changed.write_bytes(path.read_bytes() + b"\n")
    assert _snapshot.validated(RegimeFile, changed) is _snapshot.MISSING           # other bytes
    assert _snapshot.validated(RegimeFile, tmp_path / "absent.yaml") is _snapshot.MISSING
    monkeypatch.setattr(_snapshot, "_schema_ok", None)
    monkeypatch.setattr(_snapshot, "_schema_digest", "0" * 64)                      # _schema changed since
    assert _snapshot.validated(RegimeFile, path) is _snapshot.MISSING
    monkeypatch.setattr(_snapshot, "_schema_ok", True)
    monkeypatch.setattr(_snapshot, "_kinds", {})
    monkeypatch.setattr(_snapshot, "_names", ["NotAModel"] * 60)                    # not a model of _schema
    assert _snapshot.validated(RegimeFile, path) is _snapshot.MISSING


def test_a_folder_the_caller_names_is_validated(monkeypatch):
    from zwgk_rules._rulebook import Rulebook
    seen: list = []
    monkeypatch.setattr(_snapshot, "validated", lambda model, path: seen.append(path) or _snapshot.MISSING)
    Rulebook(rules_root())
    assert seen == []


def test_typed_dumps_read_back_exactly():
    from zwgk_rules._schema import DatedValue, InForce
    _snapshot._read()
    numbers = {n: k for k, n in enumerate(_snapshot._schema_models())}
    assert _snapshot._names == list(numbers)
    value = DatedValue.model_validate({"value": [1, {"a": dt.date(2020, 1, 2)}], "basis": "ogi-2019:33"})
    text = json.dumps(_snapshot._encode_typed(value, numbers), ensure_ascii=False)
    assert text == ('{"\\u0000": [%d, 3, [1, {"a": {"\\u0000date": "2020-01-02"}}], ["ogi-2019:33"], null, null]}'
                    % numbers["DatedValue"])
    back = json.loads(text, object_hook=_snapshot._typed_hook)
    assert differences(back, value) == []
    cached = InForce.model_construct(from_=dt.date(2019, 5, 15))
    cached.__dict__["covers_memo"] = {}
    for bad in ({"\x00x": 1}, float("nan"), dt.datetime(2020, 1, 2), cached, (x for x in ())):
        with pytest.raises(_snapshot._NotPlain):
            _snapshot._encode_typed(bad, numbers)
