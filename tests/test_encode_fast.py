"""决定一行的快路径（``_Decider._decide_chunk`` 与 ``Encoder.encode_parts`` 的合并写法）与朴素写法逐字节相同。
The command line's decide loop and the encoder's joined fragments give exactly the plain text: ``json.dumps`` of
``decide_raw`` for an answer, the line-by-line path (pydantic's reading, ``_Decider.line``) for an error line. The
memos are made tiny here, so that entries are cleared again and again and new plans are joined from known parts."""
import json

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk_rules import DisclosureRequest, Engine
from zwgk_rules._cli import _Decider
from zwgk_rules._encode import Encoder, one_line
from strategies import requests


def _fast_decider(explain=False, limit=4, plans=None):
    """A decider with msgspec's reader made at once (``_decide_chunk`` then runs) and an encoder of ``limit`` entries
    (``plans``: of plans)."""
    d = _Decider(explain=explain)
    d._make_reader()
    assert d._read_req
    d.encoder = Encoder(d.rb.not_final, limit=limit, plans=plans)
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
    fragments give ``json.dumps(decide_raw)``, with memos of 1, 3 or 64 entries."""
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
    _check(_traffic(2500, 23), limit=limit)


def _traffic(n: int, seed: int) -> list:
    import traffic
    return [json.dumps(r, ensure_ascii=False).encode()
            for r in traffic.requests(n, seed=seed, unsupported=0.02, invalid=0.02)]


def _check_entries(enc: Encoder, limit: int) -> None:
    """The encoder's memos of plans and of the deadline's last values hold at most ``limit`` entries, and a plan's
    entry names, as its pieces, the very fragments the memos of fragments hold for its citations and item answers
    (the first of a list as it is, the others after ``, ``), so that the entry holds references alone."""
    assert len(enc._plans) <= limit
    assert len(enc._dl_ends) <= limit
    assert len(enc._tails) <= limit
    for key, (plan, _pack, _regime, line, k) in enc._plans.items():
        assert key == id(plan)
        head, mid = line[1:k], line[k + 8:-2]       # the plan's pieces before and after the deadline's values
        assert line[k + 8] == b'}, "items": [' and line[-3] == b'], "trace": '
        assert len(head) == len(plan.basis) + 2 and len(mid) == len(plan.items) + 2
        for objs, pieces in ((plan.basis, head[1:-1]), (plan.items, mid[1:-1])):
            for n, (obj, piece) in enumerate(zip(objs, pieces)):
                assert enc._frag[id(obj)][0] is obj
                assert piece is (enc._fbs if n else enc._fb)[id(obj)]
                assert piece == (b", " if n else b"") + enc._frag[id(obj)][1]


@pytest.mark.parametrize("limit, plans", [(2, None), (16, None), (1 << 13, None), (1 << 13, 8)])
def test_plan_memo_is_capped_and_names_kept_fragments(limit, plans):
    """After every line of 1,200 diverse requests the memo of plans holds at most ``plans`` entries (by default the
    encoder's limit), each naming the fragments kept; the answers are the plain text throughout."""
    lines = _traffic(1200, 5)
    want = _plain_lines(lines)
    d = _fast_decider(limit=limit, plans=plans)
    enc = d.encoder
    cap = limit if plans is None else plans
    most = 0
    for ln, w in zip(lines, want):
        got, bad = d.line(ln)
        if not bad:
            assert got == w
        _check_entries(enc, limit)
        assert len(enc._plans) <= cap
        most = max(most, len(enc._plans))
    assert most >= min(cap, 5)              # entries were kept (the fragments' memo, of the same limit, clears them)


def test_answers_are_the_same_after_the_memos_are_cleared():
    """The same 600 diverse lines three times: with the memos filled, after the memo of plans alone is cleared, and
    after every memo is cleared: the plain text each time."""
    lines = _traffic(600, 11)
    want = _plain_lines(lines)
    d = _fast_decider(limit=1 << 13)
    enc = d.encoder
    for clear in ((), (enc._plans,), (enc._plans, enc._frag, enc._fb, enc._fbs, enc._heads, enc._codes, enc._tails,
                                       enc._dl_ends)):
        for memo in clear:
            memo.clear()
        blob, _bad = d.chunk(lines)
        assert blob.split(b"\n")[:-1] == want
        _check_entries(enc, 1 << 13)


def test_deadline_values_from_their_memo():
    """Four requests whose deadlines differ in their last values (provisional, calendar, excluded days), each
    after others have filled the memo of those values: each gets its own (literal expected text)."""
    d = _fast_decider(limit=64)
    base = {"id": "a", "submission": {"channel": "in_person", "submitted_on": "2024-03-04"},
            "items": [{"description": "x"}]}
    got = [d.line(json.dumps(r).encode())[0] for r in (
        base,
        dict(base, jurisdiction="cn-nx-zhongwei-sfj"),
        dict(base, consultations=[{"party": "third_party", "sent_on": "2024-03-05", "replied_on": "2024-03-11"}]),
        dict(base, submission={"channel": "in_person", "submitted_on": "2026-12-20"}),
    )]
    assert [g[g.index(b'"deadline"'):g.index(b'}, "items"')] for g in got] == [
        b'"deadline": {"received_on": "2024-03-04", "reply_period_starts": "2024-03-04", "due": "2024-04-01", '
        b'"extended_due": "2024-04-29", "correction_notice_by": null, "provisional": false, "calendar": "cn", '
        b'"excluded_days": 0',
        b'"deadline": {"received_on": "2024-03-04", "reply_period_starts": "2024-03-04", "due": "2024-04-01", '
        b'"extended_due": "2024-04-29", "correction_notice_by": null, "provisional": true, "calendar": "cn-nx", '
        b'"excluded_days": 0',
        b'"deadline": {"received_on": "2024-03-04", "reply_period_starts": "2024-03-04", "due": "2024-04-08", '
        b'"extended_due": "2024-05-08", "correction_notice_by": null, "provisional": false, "calendar": "cn", '
        b'"excluded_days": 4',
        b'"deadline": {"received_on": "2026-12-20", "reply_period_starts": "2026-12-20", "due": "2027-01-18", '
        b'"extended_due": "2027-02-19", "correction_notice_by": null, "provisional": true, "calendar": "cn", '
        b'"excluded_days": 0',
    ]


def test_one_encoder_shared_by_threads_gives_each_line_its_own_answer():
    """``zwgk serve`` runs requests in a pool of threads on one ``_Decider`` (one ``Encoder``): a kept plan entry is
    read by all of them, so it must never be written while an answer is made from it. Two threads answer lines of the
    same plans (received on many days, with their own ids) over and over, switching every microsecond; each answer is
    the one ``decide_raw`` gives for its own line."""
    import sys
    import threading
    d = _fast_decider(limit=8192)
    base = {"submission": {"channel": "in_person"}, "items": [{"description": "x"}]}
    lines = []
    for k in range(40):
        day = f"2024-{3 + k % 9:02d}-{1 + k % 27:02d}"
        req = {**base, "id": f"line-{k}", "submission": {"channel": "in_person", "submitted_on": day}}
        lines.append(json.dumps(req).encode())
    want = _plain_lines(lines)
    for ln in lines:                      # every plan kept before the threads start
        d.chunk([ln])
    bad = []

    def work(order):
        for _ in range(150):
            for i in order:
                got, failed = d.chunk([lines[i]])
                if failed or got != want[i] + b"\n":
                    bad.append(i)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        ts = [threading.Thread(target=work, args=(order,)) for order in (range(40), range(39, -1, -1))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not bad, f"{len(bad)} answers made from another line's values"


@pytest.mark.parametrize("data, has", [
    (b"", False), (b'{"id": "a"}', False), ("信息 1-0".encode(), False),
    ("a\u2028b".encode(), True), ("a\u2029".encode(), True), ("\u0085".encode(), True),
    ("“引号”—…".encode(), False),           # other U+20xx: the lead byte 0xe2 without a separator
    ("·°±§".encode(), False),                # other U+00xx: the lead byte 0xc2 without U+0085
    ("“x\u2029".encode(), True), ("·\u0085".encode(), True), ("·“\u2028".encode(), True),
    (b"\xe2\x80", False), (b"\xe2", False), (b"\xc2", False), (b"\xe2\xc2\x85", True), (b"\xc2\xe2\x80\xa9", True),
])
def test_has_separator(data, has):
    """U+2028, U+2029 or U+0085 anywhere in the bytes, and nothing else (the lead bytes looked for first)."""
    from zwgk_rules._encode import has_separator
    assert has_separator(data) is has
