"""The command line's fast paths give exactly what the plain paths give."""
import io
import json

from hypothesis import HealthCheck, given, settings

from zwgk_rules._cli import run_decide
from zwgk_rules._encode import Encoder
from strategies import requests


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests())
def test_encoder_equals_json_dumps(engine, req):
    raw = engine.decide_raw(req, explain=True)
    enc = Encoder()
    text = enc.encode(raw)
    assert json.loads(text) == json.loads(json.dumps(raw, ensure_ascii=False, default=lambda d: d.isoformat()))
    assert enc.encode(raw) == text          # cached fragments give the same text


def test_parallel_cli_keeps_order_and_content(tmp_path):
    import random
    from hypothesis import strategies as st
    rnd = random.Random(3)
    lines = []
    for i in range(700):
        if i % 97 == 0:
            lines.append('{"broken": ')
        else:
            d = dt_req(rnd)
            d["id"] = f"n{i}"
            lines.append(json.dumps(d, ensure_ascii=False))
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one, two = io.StringIO(), io.StringIO()
    s1 = run_decide(str(f), one, None, jobs=1, chunk=50)
    s2 = run_decide(str(f), two, None, jobs=2, chunk=50)
    assert s1 == s2 == 1
    assert one.getvalue() == two.getvalue()
    out = one.getvalue().splitlines()
    assert len(out) == 700
    ids = [json.loads(x).get("id") for x in out]
    assert [i for i in ids if i] == [f"n{i}" for i in range(700) if i % 97]


def dt_req(rnd):
    import datetime as dt
    day = dt.date(2019, 6, 1) + dt.timedelta(days=rnd.randrange(2600))
    cats = ["state_secret", "trade_secret", "personal_privacy", "internal_affairs", "process_information"]
    return {"submission": {"channel": "in_person", "submitted_on": day.isoformat()},
            "items": [{"categories": rnd.sample(cats, rnd.randrange(3)), "severable": rnd.random() < 0.3,
                       "third_party": rnd.choice([None, {"consent": rnd.choice([True, False, "no_reply"])}])}
                      for _ in range(rnd.randrange(1, 3))]}
