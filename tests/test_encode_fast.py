"""决定一行的快路径（``_Decider._decide_chunk`` 与 ``Encoder.encode_parts`` 的合并写法）与朴素写法逐字节相同。
The command line's decide loop and the encoder's joined fragments give exactly the plain text: ``json.dumps`` of
``decide_raw`` for an answer, the line-by-line path (pydantic's reading, ``_Decider.line``) for an error line. The
memos are made tiny here, so that entries are cleared again and again and new plans are joined from known parts."""
import json

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk_rules import DisclosureRequest, Engine
from zwgk_rules import _encode
from zwgk_rules._cli import _Decider
from zwgk_rules._encode import Encoder, one_line
from strategies import requests


def _fast_decider(explain=False, limit=4):
    """A decider with msgspec's reader made at once (``_decide_chunk`` then runs) and an encoder of ``limit`` entries."""
    d = _Decider(explain=explain)
    d._make_reader()
    assert d._read_req
    d.encoder = Encoder(d.rb.not_final, limit=limit)
    d.encode = d.encoder.encode_parts
    return d


def _plain_lines(lines, explain=False):
    """Each line's plain text: ``json.dumps`` of ``decide_raw`` (UTF-8, the separators escaped), or, for a line that
    gives an error, what the line-by-line path (a decider without msgspec's reader) writes for it."""
    slow = _Decider(explain=explain)
    slow._read_req = False
    slow_lines = slow.chunk(lines)[0].split(b"\n")
    engines: dict = {}
    out = []
    for i, ln in enumerate(lines):
        try:
            model = DisclosureRequest.model_validate_json(ln)
            eng = engines.get(model.jurisdiction) or engines.setdefault(model.jurisdiction, Engine(model.jurisdiction))
            raw = eng.decide_raw(model, explain=explain)
        except Exception:
            out.append(slow_lines[i])       # the error line
            continue
        out.append(one_line(json.dumps(raw, ensure_ascii=False, default=lambda d: d.isoformat()).encode()))
    return out


def _check(lines, explain=False, limit=4):
    fast = _fast_decider(explain, limit)
    want = _plain_lines(lines, explain)
    for _ in range(2):              # the second time from the memos (those not cleared)
        blob, _bad = fast.chunk(lines)
        got = blob.split(b"\n")
        assert got[-1] == b""
        assert got[:-1] == want


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(st.lists(requests() | requests(old_regime=True), min_size=1, max_size=12), st.booleans(),
       st.sampled_from([1, 3, 64]))
def test_decide_chunk_gives_the_plain_text(monkeypatch, reqs, explain, limit):
    """Generated requests (ogi-2008 and ogi-2019), some with an id holding U+2028: the fast loop and the joined
    fragments give ``json.dumps(decide_raw)``, with memos of 1, 3 or 64 entries and 3 KB of plans."""
    monkeypatch.setattr(_encode, "PLAN_BYTES", 3 << 10)
    lines = []
    for n, r in enumerate(reqs):
        r = dict(r, id=f"r{n}" if n % 3 else f"r{n}\u2028\"x")
        lines.append(json.dumps(r, ensure_ascii=False).encode())
    _check(lines, explain, limit)


@pytest.mark.parametrize("limit", [8, 1 << 13])
def test_decide_chunk_on_diverse_traffic_gives_the_plain_text(monkeypatch, limit):
    """2,500 diverse requests (``tests/traffic.py``: every pack, 2008–2026, 1–5 items, 补正, consultations, some
    invalid or unsupported): new combinations of known items are joined from kept bytes, and the text is the plain
    one; with 8 entries the memos are cleared every few lines."""
    import traffic
    monkeypatch.setattr(_encode, "PLAN_BYTES", 64 << 10)
    lines = [json.dumps(r, ensure_ascii=False).encode()
             for r in traffic.requests(2500, seed=23, unsupported=0.02, invalid=0.02)]
    _check(lines, limit=limit)
