"""zwgk_rules.dask and ``--dask`` (issue 12, part 5): answers on a Dask LocalCluster, byte for byte those of the
command line, in input order across many partitions, with one rules load per worker."""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import random
import re
import sys
from pathlib import Path

import pytest

from zwgk_rules import _cli
from zwgk_rules._facts import DOC_FLAGS, DOC_TYPES

distributed = pytest.importorskip("dask.distributed", reason="the dask extra is not installed")

import traffic  # noqa: E402  (tests/traffic.py)

from zwgk_rules import dask as zd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PACK = EXAMPLES / "packs" / "cn-xx-shili-sfj"


def _count_rulebook_loads() -> None:
    """Installed on each worker before anything runs there: counts every Rulebook built in the process, by its
    pack folders (an independent count beside the module's own ``loads``)."""
    from zwgk_rules import _rulebook
    cls = _rulebook.Rulebook
    if getattr(cls, "_zwgk_counted", False):
        return
    cls._zwgk_loads = []
    original = cls.__init__

    def counted(self, root=None, *, packs=()):
        cls._zwgk_loads.append(tuple(str(p) for p in packs))
        original(self, root, packs=packs)

    cls.__init__ = counted
    cls._zwgk_counted = True


def _rulebook_loads() -> list:
    from zwgk_rules import _rulebook
    return list(getattr(_rulebook.Rulebook, "_zwgk_loads", []))


@pytest.fixture(scope="module")
def client():
    # two single-threaded worker processes: each has its own memory, so loads are counted per worker
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster, direct_to_workers=True) as cl:
        cl.run(_count_rulebook_loads)
        yield cl


def cli(path, command="decide", **kw) -> tuple[bytes, int]:
    """What ``zwgk COMMAND FILE`` writes (one process, the command line's own code)."""
    out = io.BytesIO()
    status = _cli.run_decide(str(path), out, None, command=command, jobs=1, **kw)
    return out.getvalue(), status


def on_dask(client, path, command="decide", blocksize=4096, **kw) -> tuple[bytes, zd.Answered]:
    out = io.BytesIO()
    done = zd.answer_file(path, out, client=client, command=command, blocksize=blocksize, **kw)
    return out.getvalue(), done


def same(client, path, command="decide", blocksize=4096, **kw) -> zd.Answered:
    expected, status = cli(path, command, **{k: v for k, v in kw.items() if k != "packs"},
                           packs=tuple(str(p) for p in kw.get("packs", ())))
    got, done = on_dask(client, path, command, blocksize, **kw)
    assert got == expected
    assert done.lines == expected.count(b"\n")
    assert (done.errors > 0) == (status == 1)
    return done


def _shift_dates(line: str, days: int) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2}",
                  lambda m: (dt.date.fromisoformat(m.group()) + dt.timedelta(days=days)).isoformat(), line)


#: lines no command can answer, each its own error line: not JSON, a list, a duplicate key, an id and junk,
#: a string with a line separator, bytes that are not UTF-8
BAD = ['{"id": "坏1", "submission": ', "[1, 2, 3]", '{"id": "x", "id": "y"}', 'not json "id": "坏2"',
       '{"id": "sep\u2028坏"}', '{"id": "\xff\xfe"}']


def _with_bad_lines(rnd: random.Random, lines: list[str], path: Path, eol: str = "\n") -> Path:
    out: list[bytes] = []
    for ln in lines:
        r = rnd.random()
        if r < 0.03:
            out.append(b"")                              # a blank line
        elif r < 0.05:
            out.append(b"   \t ")                        # a line of spaces
        elif r < 0.10:
            bad = rnd.choice(BAD)
            out.append(bad.encode("latin-1") if "\xff" in bad else bad.encode())
        out.append(ln.encode())
    path.write_bytes(eol.encode().join(out) + eol.encode())
    return path


@pytest.fixture(scope="module")
def requests_file(tmp_path_factory) -> Path:
    rnd = random.Random(12)
    lines = [json.dumps(r, ensure_ascii=False) for r in traffic.requests(1500, seed=5, invalid=0.05)]
    return _with_bad_lines(rnd, lines, tmp_path_factory.mktemp("dask") / "requests.jsonl")


def test_decide_on_the_examples_is_the_command_lines_bytes(client):
    same(client, EXAMPLES / "requests.jsonl")
    done = same(client, EXAMPLES / "bad-request.jsonl")
    assert done.errors == 1


def test_decide_on_diverse_traffic_with_bad_and_blank_lines_over_many_partitions(client, requests_file):
    done = same(client, requests_file)
    assert done.partitions > 100            # 4 KiB partitions: the order is kept across hundreds of them
    assert done.errors > 50
    # the error lines carry their line numbers in the file, across partitions and blank lines
    got, _ = on_dask(client, requests_file)
    lines = requests_file.read_bytes().split(b"\n")
    for answer in got.splitlines():
        err = json.loads(answer).get("error")
        if err is not None and "line" in err:
            assert lines[err["line"] - 1].strip()


def test_one_partition_and_explain(client, requests_file):
    small = requests_file.parent / "small.jsonl"
    small.write_bytes(b"\n".join(requests_file.read_bytes().split(b"\n")[:300]) + b"\n")
    assert same(client, small, blocksize=1 << 30).partitions == 1
    same(client, small, explain=True, blocksize=50_000)


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
def test_crlf_and_cr_line_ends_and_a_byte_order_mark(client, tmp_path, eol):
    rnd = random.Random(3)
    lines = [json.dumps(r, ensure_ascii=False) for r in traffic.requests(300, seed=9)]
    path = _with_bad_lines(rnd, lines, tmp_path / "crlf.jsonl", eol)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    # and a byte-order mark starting a line in the middle: not a byte-order mark there, so an error line
    data = path.read_bytes()
    mid = data.index(eol.encode(), len(data) // 2) + len(eol)
    path.write_bytes(data[:mid] + b"\xef\xbb\xbf" + data[mid:])
    for blocksize in (1, 777, 5000):
        same(client, path, blocksize=blocksize)


def test_gb18030_input_is_converted_as_the_command_line_does(client, tmp_path):
    lines = [json.dumps(r, ensure_ascii=False) for r in traffic.requests(200, seed=4)]
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    same(client, path, blocksize=3000)
    same(client, path, blocksize=3000, encoding="gb18030")


def test_an_overlong_line_is_one_error_line_and_is_not_shipped_whole(client, tmp_path):
    from zwgk_rules._limits import MAX_LINE_BYTES
    lines = [json.dumps(r, ensure_ascii=False) for r in traffic.requests(50, seed=8)]
    long_line = '{"id": "长", "items": [{"description": "' + "x" * (MAX_LINE_BYTES + 5000) + '"}]}'
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(lines[:20] + [long_line] + lines[20:] + [long_line]), encoding="utf-8")
    same(client, path, blocksize=2000)
    sizes = [len(p) for p, _ in zd.partitions(open(path, "rb"), 2000, _cli._Encoding())]
    assert max(sizes) < MAX_LINE_BYTES + 2 * 2000 + (1 << 20)


def _documents(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for k in range(n):
        doc = {"id": f"文{k}", "title": f"关于第{k}号事项的{rnd.choice(['通知', '意见', '请示', '报告'])}",
               "formed_on": (dt.date(2008, 5, 1) + dt.timedelta(days=rnd.randrange(6800))).isoformat()}
        if rnd.random() < 0.8:
            doc["doc_type"] = rnd.choice(DOC_TYPES)
        if rnd.random() < 0.7:
            doc["flags"] = rnd.sample(DOC_FLAGS, rnd.randrange(0, 3))
        if rnd.random() < 0.3:
            doc["jurisdiction"] = rnd.choice(traffic.PACKS)
        out.append(json.dumps(doc, ensure_ascii=False))
    return out


def test_classify_is_the_command_lines_bytes(client, tmp_path):
    same(client, EXAMPLES / "documents.jsonl", "classify")
    path = _with_bad_lines(random.Random(1), _documents(800, 2), tmp_path / "docs.jsonl")
    assert same(client, path, "classify", blocksize=2000).partitions > 20


def test_case_is_the_command_lines_bytes(client, tmp_path):
    same(client, EXAMPLES / "cases.jsonl", "case")
    rnd = random.Random(6)
    base = (EXAMPLES / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    lines = [_shift_dates(rnd.choice(base), rnd.randrange(-2000, 200)) for _ in range(300)]
    path = _with_bad_lines(rnd, lines, tmp_path / "cases.jsonl")
    assert same(client, path, "case", blocksize=3000).partitions > 20


def test_own_packs_and_jurisdiction_on_the_workers(client, tmp_path):
    rnd = random.Random(7)
    lines = [json.dumps(r, ensure_ascii=False) for r in traffic.requests(300, seed=7, national_only=True)]
    for r in lines[::5]:
        lines.append(r.replace('"jurisdiction": "cn"', '"jurisdiction": "cn-xx-shili-sfj"'))
    path = _with_bad_lines(rnd, lines, tmp_path / "pack.jsonl")
    same(client, path, packs=(PACK,), blocksize=5000)
    same(client, path, packs=(PACK,), jurisdiction="cn-xx-shili-sfj", blocksize=5000)


def test_a_folder_is_each_files_answers_in_name_order(client, tmp_path, requests_file):
    folder = tmp_path / "in"
    folder.mkdir()
    data = requests_file.read_bytes().split(b"\n")
    (folder / "b.jsonl").write_bytes(b"\n".join(data[:400]))
    (folder / "a.jsonl").write_bytes(b"\n".join(data[400:900]))
    (folder / "c.jsonl").write_bytes(b"")
    (folder / "notes.txt").write_bytes(b"not an input")
    expected = b"".join(cli(folder / n)[0] for n in ("a.jsonl", "b.jsonl", "c.jsonl"))
    got, done = on_dask(client, folder)
    assert got == expected and done.lines == expected.count(b"\n")


def test_a_stream_in_and_a_text_stream_out(client):
    data = (EXAMPLES / "requests.jsonl").read_bytes()
    expected, _ = cli(EXAMPLES / "requests.jsonl")
    text = io.StringIO()
    zd.answer_file(io.BytesIO(data), text, client=client, blocksize=100)
    assert text.getvalue().encode() == expected


def test_one_rules_load_per_worker_however_many_partitions(client, tmp_path, requests_file):
    """Counted on each worker by a wrapper round Rulebook.__init__ (installed before any run) and by the
    module's own counter: whatever the number of partitions and runs, a worker loads a set of rules once."""
    from zwgk_rules import _dask_worker
    pack = tmp_path / PACK.name
    import shutil
    shutil.copytree(PACK, pack)        # a pack folder no other test uses: its loads are this test's alone
    lines = requests_file.read_bytes().splitlines()[:1000]
    path = tmp_path / "many.jsonl"
    path.write_bytes(b"\n".join(lines))
    runs = [on_dask(client, path, packs=(pack,), blocksize=1000)[1] for _ in range(3)]
    assert all(r.partitions > 100 for r in runs)
    key = (str(pack.resolve()),)
    per_worker = {addr: loads.count(key) for addr, loads in client.run(_rulebook_loads).items()}
    assert len(per_worker) == 2 and set(per_worker.values()) <= {1}, per_worker
    assert sum(per_worker.values()) >= 1
    # the module's count: every rule set this worker ever used, each loaded once (the bundled rules and packs)
    counted = client.run(_dask_worker.loads)
    for addr, loads in client.run(_rulebook_loads).items():
        assert counted[addr] == len(set(loads)) == len(loads)


def test_workers_with_other_rules_are_refused(client, monkeypatch, tmp_path):
    from zwgk_rules import _dask_worker
    real = _dask_worker.fingerprint
    monkeypatch.setattr(_dask_worker, "fingerprint", lambda packs: "0" * 64 if packs else real(packs))
    with pytest.raises(RuntimeError, match="differ from the client's"):
        on_dask(client, EXAMPLES / "requests.jsonl", packs=(PACK,))


def test_bad_arguments(client, tmp_path):
    with pytest.raises(ValueError):
        zd.answer_file(EXAMPLES / "requests.jsonl", io.BytesIO(), client=client, command="report")
    with pytest.raises(RuntimeError, match="JSONL"):
        zd.answer_file(EXAMPLES / "request.json", io.BytesIO(), client=client)
    with pytest.raises(RuntimeError, match="file not found"):
        zd.answer_file(tmp_path / "nope.jsonl", io.BytesIO(), client=client)
    with pytest.raises(RuntimeError, match="jurisdiction"):
        zd.answer_file(EXAMPLES / "requests.jsonl", io.BytesIO(), client=client, jurisdiction="cn-nowhere")


def test_the_command_line_flag(client, tmp_path, requests_file, capsys):
    out = tmp_path / "out.jsonl"
    status = _cli.main(["decide", str(requests_file), "--dask", client.scheduler.address, "-o", str(out)])
    expected, cli_status = cli(requests_file)
    assert status == cli_status == 1 and out.read_bytes() == expected
    assert _cli.main(["classify", str(EXAMPLES / "documents.jsonl"), "--dask", client.scheduler.address,
                      "-o", str(out)]) == 0
    assert out.read_bytes() == cli(EXAMPLES / "documents.jsonl", "classify")[0]
    assert _cli.main(["case", str(EXAMPLES / "cases.jsonl"), "--dask", client.scheduler.address,
                      "-o", str(out)]) == 0
    assert out.read_bytes() == cli(EXAMPLES / "cases.jsonl", "case")[0]
    capsys.readouterr()
    for extra in (["--format", "csv"], ["--jobs", "2"], ["--backend", "durable"]):
        assert _cli.main(["decide", str(requests_file), "--dask", "local", *extra, "-o", str(out)]) == 2
        assert "--dask" in capsys.readouterr().err


def test_local_cluster_from_the_command_line(tmp_path):
    out = tmp_path / "out.jsonl"
    assert _cli.main(["decide", str(EXAMPLES / "requests.jsonl"), "--dask", "local:1", "-o", str(out)]) == 0
    assert out.read_bytes() == cli(EXAMPLES / "requests.jsonl")[0]


def test_without_dask_the_message_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "zwgk_rules._dask_worker", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(ImportError, match=r"zwgk-rules\[dask\]"):
        zd.answer_file(EXAMPLES / "requests.jsonl", io.BytesIO(), client="local")
    assert _cli.main(["decide", str(EXAMPLES / "requests.jsonl"), "--dask", "local"]) == 2
    assert "pip install 'zwgk-rules[dask]'" in capsys.readouterr().err
