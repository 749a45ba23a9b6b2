"""The command line's fast paths give exactly what the plain paths give."""
import io
import json

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk_rules._cli import run_decide
from zwgk_rules._encode import Encoder
from strategies import requests


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests(), st.booleans())
def test_encoder_gives_the_text_of_json_dumps(engine, req, explain):
    """The command line's byte encoder writes exactly ``json.dumps`` of ``decide_raw``: same keys, same
    order, same separators, non-ASCII text as UTF-8."""
    from zwgk_rules import DisclosureRequest
    req = DisclosureRequest.model_validate(req)
    raw = engine.decide_raw(req, explain=explain)
    expected = json.dumps(raw, ensure_ascii=False, default=lambda d: d.isoformat()).encode()
    enc = Encoder(engine.rulebook.not_final)
    assert enc.encode_parts(req.id, engine.pack.id, engine._decide_parts(req, explain)) == expected
    # and again, from the cached fragments
    assert enc.encode_parts(req.id, engine.pack.id, engine._decide_parts(req, explain)) == expected


def test_encoder_writes_ids_as_json_strings(engine):
    from zwgk_rules import DisclosureRequest
    req = DisclosureRequest.model_validate({"id": "a\u2028b\"c", "submission": {"channel": "in_person",
                                            "submitted_on": "2026-03-02"}, "items": [{}]})
    data = Encoder(engine.rulebook.not_final).encode_parts(req.id, "cn", engine._decide_parts(req))
    assert json.loads(data)["id"] == "a\u2028b\"c"
    # the encoder keeps the character; the command line escapes it (tests/test_malformed.py)
    assert data.startswith(b'{"id": "a\xe2\x80\xa8b\\"c", ')


def write_mixed_input(path, n, bad_every, bad_line, seed, prefix):
    """``n`` generated requests with ids ``prefix + i``, every ``bad_every``-th line replaced by ``bad_line``."""
    import random
    rnd = random.Random(seed)
    lines = []
    for i in range(n):
        if i % bad_every == 0:
            lines.append(bad_line)
        else:
            d = dt_req(rnd)
            d["id"] = f"{prefix}{i}"
            lines.append(json.dumps(d, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [f"{prefix}{i}" for i in range(n) if i % bad_every]


def test_parallel_cli_keeps_order_and_content(tmp_path):
    f = tmp_path / "in.jsonl"
    good_ids = write_mixed_input(f, 700, 97, '{"broken": ', seed=3, prefix="n")
    one, two = io.StringIO(), io.StringIO()
    s1 = run_decide(str(f), one, None, jobs=1, chunk=50)
    s2 = run_decide(str(f), two, None, jobs=2, chunk=50)
    assert s1 == s2 == 1
    assert one.getvalue() == two.getvalue()
    out = one.getvalue().splitlines()
    assert len(out) == 700
    ids = [json.loads(x).get("id") for x in out]
    assert [i for i in ids if i] == good_ids


def dt_req(rnd):
    import datetime as dt
    day = dt.date(2019, 6, 1) + dt.timedelta(days=rnd.randrange(2600))
    cats = ["state_secret", "trade_secret", "personal_privacy", "internal_affairs", "process_information"]
    return {"submission": {"channel": "in_person", "submitted_on": day.isoformat()},
            "items": [{"categories": rnd.sample(cats, rnd.randrange(3)), "severable": rnd.random() < 0.3,
                       "third_party": rnd.choice([None, {"consent": rnd.choice([True, False, "no_reply"])}])}
                      for _ in range(rnd.randrange(1, 3))]}


def test_parallel_workers_writing_to_the_output_keep_order_and_content(tmp_path):
    """With several processes and a real output file, the workers write their answers themselves, one
    chunk after another: the bytes are exactly those of one process, and a bad line still gives exit 1."""
    import subprocess
    import sys
    f = tmp_path / "in.jsonl"
    good_ids = write_mixed_input(f, 4500, 451, '{"submission": {"channel": "in_person"}}', seed=5, prefix="p")
    outs = {}
    for jobs in ("1", "2"):
        with open(tmp_path / f"out{jobs}", "wb") as fh:
            p = subprocess.run([sys.executable, "-m", "zwgk_rules", "decide", str(f), "--jobs", jobs],
                               stdout=fh, stderr=subprocess.PIPE)
        assert p.returncode == 1, p.stderr
        outs[jobs] = (tmp_path / f"out{jobs}").read_bytes()
    assert outs["1"] == outs["2"]
    out = outs["2"].decode().splitlines()
    assert len(out) == 4500
    assert [json.loads(x).get("id") for x in out if '"error"' not in x] == good_ids


def _documents():
    from zwgk_rules._facts import ATTRIBUTES, DOC_FLAGS, DOC_TYPES
    return st.fixed_dictionaries(
        {"formed_on": st.dates(min_value=__import__("datetime").date(2008, 5, 1),
                               max_value=__import__("datetime").date(2027, 12, 31)).map(lambda d: d.isoformat()),
         "doc_type": st.sampled_from(DOC_TYPES)},
        optional={"id": st.text(max_size=8), "title": st.text(max_size=12),
                  "jurisdiction": st.sampled_from(["cn", "cn-nx-zhongwei-sfj", "cn-yn-longling-sfj", "cn-gz-shaomi"]),
                  "issued_as": st.sampled_from(["agency", "office"]), "addressed_to_superior": st.booleans(),
                  "forwards": st.fixed_dictionaries({}, optional={"attribute": st.sampled_from(ATTRIBUTES)}),
                  "flags": st.lists(st.sampled_from(DOC_FLAGS), max_size=4)})


@settings(max_examples=300, deadline=None)
@given(_documents())
def test_classify_lines_are_the_text_of_json_dumps(doc):
    """``classify`` on the command line writes exactly ``json.dumps`` of ``classify_raw`` (citations from the
    encoder's shared fragments, ids and titles escaped, dates as ISO strings)."""
    from zwgk_rules import Engine, InputError
    from zwgk_rules._cli import _Decider
    from zwgk_rules._encode import one_line
    line = json.dumps(doc, ensure_ascii=False).encode()
    data, bad = _Decider(command="classify").line(line)
    try:
        raw = Engine(doc.get("jurisdiction", "cn")).classify_raw(doc)
    except InputError:
        assert bad
        return
    assert not bad
    assert data == one_line(json.dumps(raw, ensure_ascii=False, default=lambda d: d.isoformat()).encode())


@settings(max_examples=100, deadline=None)
@given(requests())
def test_explain_lines_are_the_text_of_json_dumps(req):
    """``decide --explain``: the days of the explanation come from the encoder's own formatting."""
    from zwgk_rules import DisclosureRequest, Engine
    from zwgk_rules._cli import _Decider
    line = json.dumps(req, ensure_ascii=False).encode()
    data, bad = _Decider(explain=True).line(line)
    raw = Engine("cn").decide_raw(DisclosureRequest.model_validate(req), explain=True)
    assert not bad
    assert data == json.dumps(raw, ensure_ascii=False, default=lambda d: d.isoformat()).encode()


def test_case_and_notice_lines_are_the_text_of_json_dumps():
    """``case`` and ``notice`` lines go through the encoder's ``encode_raw``: on 300 generated event logs (every event
    type, 2019–2026; benchmarks/case_traffic.py) the bytes are ``json.dumps`` of ``case_raw`` / ``notice_raw``."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import case_traffic
    from zwgk_rules import Engine, ZwgkError
    from zwgk_rules._cli import _Decider
    from zwgk_rules._encode import one_line
    engines: dict = {}
    deciders = {c: _Decider(command=c) for c in ("case", "notice")}
    seen = {"case": 0, "notice": 0}
    for raw in case_traffic.cases(300, seed=5):
        eng = engines.setdefault(raw.get("jurisdiction", "cn"), Engine(raw.get("jurisdiction", "cn")))
        # the notice of the case's reply, issued on its as_of (cases that have no reply: an error line, both ways)
        noticed = {**raw, "notice": "reply", "issued_on": raw.get("as_of", "2026-12-31"),
                   "agency": {"name": "某市某局", "kind": "department", "government": "某市人民政府", "superior": "某省某厅"}}
        for command, method, case in (("case", eng.case_raw, raw), ("notice", eng.notice_raw, noticed)):
            data, bad = deciders[command].line(json.dumps(case, ensure_ascii=False).encode())
            try:
                expected = method(case)
            except ZwgkError:
                assert bad
                continue
            assert not bad
            assert data == one_line(json.dumps(expected, ensure_ascii=False, default=lambda d: d.isoformat()).encode())
            seen[command] += 1
    assert seen["case"] == 300 and seen["notice"] >= 100, seen


def test_explain_lines_on_diverse_traffic_are_the_text_of_json_dumps():
    """``decide --explain`` on 2,000 diverse requests (``tests/traffic.py``: every pack, 2008–2026, 补正 before and
    after the period, one or more consultations, extensions): the encoder's templates per calendar day, with the
    consultations' days written whole, give exactly ``json.dumps`` of ``Explanation.days()``."""
    import traffic
    from zwgk_rules import DisclosureRequest, Engine
    from zwgk_rules._cli import _Decider
    from zwgk_rules._encode import one_line
    decider, engines, checked, consulted = _Decider(explain=True), {}, 0, 0
    for req in traffic.requests(2000, seed=11):
        data, bad = decider.line(json.dumps(req, ensure_ascii=False).encode())
        model = DisclosureRequest.model_validate(req)
        eng = engines.get(model.jurisdiction) or engines.setdefault(model.jurisdiction, Engine(model.jurisdiction))
        try:
            raw = eng.decide_raw(model, explain=True)
        except Exception as exc:                    # the same error line either way
            assert bad and type(data) is type(exc)
            continue
        assert not bad
        assert data == one_line(json.dumps(raw, ensure_ascii=False, default=lambda d: d.isoformat()).encode())
        checked += 1
        consulted += any(d["reason"] == "consultation" for d in raw["deadline"]["explain"])
    assert checked > 1500 and consulted > 100


@pytest.mark.parametrize("hold", [0, 3_000, 1 << 30])
def test_workers_writing_in_turn_keep_the_order_whatever_they_hold_before_their_turn(tmp_path, monkeypatch, hold):
    # the workers write to the output themselves (a real file), each in its chunk's turn; before its turn a worker
    # keeps its answers (up to _HOLD_BYTES: none, a few blocks, all of them) and goes on deciding
    from zwgk_rules import _cli
    monkeypatch.setattr(_cli, "_EMIT_BYTES", 2_000)       # answers handed on in small blocks
    monkeypatch.setattr(_cli, "_HOLD_BYTES", hold)        # inherited by the forked workers
    f = tmp_path / "in.jsonl"
    good_ids = write_mixed_input(f, 600, 89, '{"broken": ', seed=5, prefix="h")
    one = io.StringIO()
    assert run_decide(str(f), one, None, explain=True, jobs=1, chunk=40) == 1
    with open(tmp_path / "out.jsonl", "wb") as fh:
        assert run_decide(str(f), fh, None, explain=True, jobs=2, chunk=40) == 1
    two = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert two == one.getvalue()
    ids = [json.loads(x).get("id") for x in two.splitlines()]
    assert len(ids) == 600 and [i for i in ids if i] == good_ids
