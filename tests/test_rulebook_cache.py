"""The compiled-rulebook cache is an optimisation only: same answers, never stale, never fatal."""
import os
import shutil
from pathlib import Path

import zwgk_rules
from zwgk_rules._rulebook import _fingerprint, load_cached

RULES = Path(__file__).resolve().parents[1] / "rules"
REQ = {"submission": {"channel": "in_person", "submitted_on": "2026-09-28"},
       "items": [{"categories": ["trade_secret"], "third_party": {"consent": False}, "severable": True}]}


def test_a_cached_rulebook_decides_exactly_as_a_fresh_one(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path))
    first = load_cached()                       # builds and writes the cache
    assert list(tmp_path.glob("rulebook-*.pickle"))
    second = load_cached()                      # reads it back
    assert second is not first
    fresh = zwgk_rules.Rulebook()
    for pack in fresh.packs:
        a = zwgk_rules.Engine(pack, rulebook=second)
        b = zwgk_rules.Engine(pack, rulebook=fresh)
        assert a.decide_raw({**REQ, "jurisdiction": pack}) == b.decide_raw({**REQ, "jurisdiction": pack})
        doc = {"jurisdiction": pack, "doc_type": "通知", "title": "x", "formed_on": "2026-04-30",
               "flags": ["public_interest", "ethnic_religious", "secrecy_uncertain"]}
        assert a.classify_raw(doc) == b.classify_raw(doc)


def test_changing_a_rule_file_changes_the_cache_key(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    before = _fingerprint(root)
    f = root / "national" / "ogi-2019" / "deadlines.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("value: 20, basis: ogi-2019:33:p2}", "value: 19, basis: ogi-2019:33:p2}", 1),
                 encoding="utf-8")
    assert _fingerprint(root) != before


def test_a_corrupt_cache_falls_back_to_the_rule_files(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path))
    load_cached()
    for p in tmp_path.glob("rulebook-*.pickle"):
        p.write_bytes(b"not a pickle")
    rb = load_cached()
    assert zwgk_rules.Engine(rulebook=rb).decide(REQ).disposition == "partial"


def test_the_cache_can_be_turned_off_and_an_unwritable_folder_is_harmless(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_CACHE_DIR", "")
    assert isinstance(load_cached(), zwgk_rules.Rulebook)
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(ro / "sub"))
    try:
        assert isinstance(load_cached(), zwgk_rules.Rulebook)
    finally:
        os.chmod(ro, 0o700)
