"""zwgk_rules.dask and ``--dask`` (issue 12, part 5): answers on a Dask LocalCluster, byte for byte those of the
command line, in input order across many partitions, with one rules load per worker."""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import random
import re
import subprocess
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
    sizes = [len(p.data) for p in zd.partitions(open(path, "rb"), 2000, _cli._Encoding())]
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


_STARTED = """
import json, os, sys
from zwgk_rules import dask as zd


def facts():
    from zwgk_rules import _dask_worker
    return {"preloaded": "zwgk_rules._dask_preload" in sys.modules, "loads": _dask_worker.loads(),
            "trim": os.environ.get("MALLOC_TRIM_THRESHOLD_")}


if __name__ == "__main__":
    forked = sys.argv[1] == "forked" and zd._forkserver()
    cl, close = zd._client("local:1", forked)
    try:
        (got,) = cl.run(facts).values()
    finally:
        for c in close:
            c.close()
    print(json.dumps({"forked": forked, **got}))
"""


@pytest.mark.parametrize("how", ["forked", "spawned"])
def test_a_local_cluster_of_the_command_line_is_forked_ready_and_keeps_freed_memory(how, tmp_path):
    # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 for its workers (and in the parent's own environment, for
    # good): glibc then maps and unmaps every answer block (page faults each time); a local cluster's workers start
    # without it. Checked in a fresh process, as the command line is one: this one has run Dask's nannies already.
    lean = zd._lean()
    assert "MALLOC_TRIM_THRESHOLD_" in distributed.utils.dask.config.get("distributed.nanny.pre-spawn-environ")
    assert "MALLOC_TRIM_THRESHOLD_" not in lean["distributed.nanny.pre-spawn-environ"]
    assert lean["distributed.nanny.pre-spawn-environ"]["OMP_NUM_THREADS"] == 1      # the rest of Dask's kept
    assert lean["distributed.admin.tick.interval"] == "1s"
    script = tmp_path / "started.py"
    script.write_text(_STARTED, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    p = subprocess.run([sys.executable, str(script), how], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    facts = json.loads(p.stdout.strip().splitlines()[-1])
    # forked: from the fork server, which loaded the worker side and the rules once (the worker has them); spawned:
    # the worker imports the worker side itself (the run's plugin, not this test, would load the rules)
    if how == "forked":
        assert facts == {"forked": True, "preloaded": True, "loads": 1, "trim": None}
    else:
        assert facts == {"forked": False, "preloaded": False, "loads": 0, "trim": None}


def test_only_the_command_line_forks_a_local_cluster_from_the_fork_server(monkeypatch, tmp_path):
    started = []
    monkeypatch.setattr(zd, "_forkserver", lambda: started.append(1) or False)
    out = tmp_path / "out.jsonl"
    assert _cli.main(["decide", str(EXAMPLES / "requests.jsonl"), "--dask", "local:1", "-o", str(out)]) == 0
    assert started == [1]
    with open(out, "wb") as fh:
        zd.answer_file(EXAMPLES / "requests.jsonl", fh, client="local:1")
    assert started == [1]                   # a library caller's process is left as it was
    assert out.read_bytes() == cli(EXAMPLES / "requests.jsonl")[0]


def test_without_dask_the_message_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "zwgk_rules._dask_worker", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(ImportError, match=r"zwgk-rules\[dask\]"):
        zd.answer_file(EXAMPLES / "requests.jsonl", io.BytesIO(), client="local")
    assert _cli.main(["decide", str(EXAMPLES / "requests.jsonl"), "--dask", "local"]) == 2
    assert "pip install 'zwgk-rules[dask]'" in capsys.readouterr().err


# ------------------------------------------------------------------ answers written by the workers themselves


class _NoWrites(io.FileIO):
    """A file the client may not write into: whatever it holds was written by the workers."""

    def write(self, data):  # pragma: no cover - failing is the point
        raise AssertionError("the client wrote answers the workers should have written")


def test_into_a_file_the_workers_write_the_answers_themselves(client, tmp_path, requests_file, monkeypatch):
    from zwgk_rules import _dask_worker
    monkeypatch.setattr(_dask_worker, "pwrite_all", _fails("the client wrote a partition itself"))
    expected, status = cli(requests_file)
    path = tmp_path / "answers.jsonl"
    with _NoWrites(path, "w") as out:
        done = zd.answer_file(requests_file, out, client=client, blocksize=4096)
        assert out.tell() == len(expected)          # the stream goes on after the answers
    assert path.read_bytes() == expected
    assert done.lines == expected.count(b"\n") and done.partitions > 100 and (done.errors > 0) == (status == 1)


def _fails(message):
    def fail(*args, **kw):
        raise AssertionError(message)
    return fail


def test_what_was_in_the_file_before_and_after_the_answers_stays(client, tmp_path, requests_file):
    expected, _ = cli(requests_file)
    path = tmp_path / "answers.jsonl"
    with open(path, "wb") as out:
        out.write("前言 / before\n".encode())
        zd.answer_file(requests_file, out, client=client, blocksize=4096)
        out.write("后记 / after\n".encode())
    assert path.read_bytes() == "前言 / before\n".encode() + expected + "后记 / after\n".encode()
    # appending: the workers cannot write at offsets of a file opened for appending; the client does
    with open(path, "ab") as out:
        zd.answer_file(EXAMPLES / "requests.jsonl", out, client=client, blocksize=100)
    assert path.read_bytes() == ("前言 / before\n".encode() + expected + "后记 / after\n".encode()
                                 + cli(EXAMPLES / "requests.jsonl")[0])


def test_workers_that_do_not_see_the_file_send_the_answers_back(client, tmp_path, requests_file, monkeypatch):
    """The client's place differs from every worker's (as for workers on other machines): each worker returns
    its answers and the client writes them at their offsets."""
    from zwgk_rules import _dask_worker
    monkeypatch.setattr(_dask_worker, "place", lambda: "另一台机器 / another machine")
    written = []
    real = _dask_worker.pwrite_all
    monkeypatch.setattr(_dask_worker, "pwrite_all", lambda fd, data, offset: (written.append(offset),
                                                                                real(fd, data, offset)))
    expected, _ = cli(requests_file)
    path = tmp_path / "answers.jsonl"
    with open(path, "wb") as out:
        done = zd.answer_file(requests_file, out, client=client, blocksize=4096)
    assert path.read_bytes() == expected
    assert len(written) == done.partitions and written == sorted(written) and written[0] == 0


def _fail_writes_after(n: int) -> None:
    """On a worker: its write of partitions after the first ``n`` it wrote fails as a full disk does."""
    import errno

    from zwgk_rules import _dask_worker
    real = _dask_worker.__dict__.setdefault("_real_pwrite_all", _dask_worker.pwrite_all)
    count = [0]

    def pwrite_all(fd, data, offset):
        count[0] += 1
        if count[0] > n:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data, offset)
    _dask_worker.pwrite_all = pwrite_all


def _restore_writes() -> None:
    from zwgk_rules import _dask_worker
    _dask_worker.pwrite_all = _dask_worker.__dict__.pop("_real_pwrite_all", _dask_worker.pwrite_all)


def test_a_failed_write_leaves_only_the_answers_written_in_order(client, tmp_path, requests_file):
    expected, _ = cli(requests_file)
    path = tmp_path / "answers.jsonl"
    client.run(_fail_writes_after, 20)
    try:
        with open(path, "wb") as out, pytest.raises(RuntimeError) as caught:
            zd.answer_file(requests_file, out, client=client, blocksize=4096)
    finally:
        client.run(_restore_writes)
    message = str(caught.value)
    assert "磁盘已满" in message and "no space left on the output device" in message
    answered = int(re.search(r"answered the first ([\d,]+) lines", message).group(1).replace(",", ""))
    got = path.read_bytes()
    # the file holds the answers of the partitions written in order, and nothing after them
    assert 0 < len(got) < len(expected) and expected.startswith(got) and got.endswith(b"\n")
    assert got.count(b"\n") == answered


def test_a_worker_writes_only_into_the_very_file_named(tmp_path):
    """``_dask_worker.write`` itself: the client's file (same place, device and inode) is written at the offset;
    anything else is not touched and the answers are returned for the client to write."""
    from zwgk_rules import _dask_worker as w
    path = tmp_path / "out.jsonl"
    path.write_bytes(b"0123456789")
    st = path.stat()
    here = w.place()
    assert here is None or isinstance(here, str)
    if here is None:
        pytest.skip("no /proc: the workers never write into the file here")
    assert w.write(w.Answers([b"ab", b"c"], False, 0), (str(path), here, st.st_dev, st.st_ino), 4) is None
    assert path.read_bytes() == b"0123abc789"
    for target in ((str(path), here + "x", st.st_dev, st.st_ino), (str(path), here, st.st_dev, st.st_ino + 1),
                   (str(tmp_path / "nope.jsonl"), here, st.st_dev, st.st_ino)):
        assert w.write(w.Answers([b"XYZ"], False, 0), target, 0) == [b"XYZ"]
    assert path.read_bytes() == b"0123abc789"
    assert w.write(w.Answers([], False, 0), (str(path), here, st.st_dev, st.st_ino), 0) is None
    # the lines as counted while answering (never read again from the bytes); the error lines only where there is one
    assert w.measure(w.Answers([b'{"a": 1}\n', b'{"id": "x", "error": {"message": "m"}}\n'], True, 2)) == (48, 2, 1)
    assert w.measure(w.Answers([b'{"a": 1}\n'], False, 1)) == (9, 1, 0)


def test_larger_partitions_when_the_workers_write(client, tmp_path, requests_file, monkeypatch):
    """By default a partition is ``DIRECT_BLOCKSIZE`` bytes of input when the workers write into the file, and
    ``BLOCKSIZE`` when the answers come back to the client."""
    monkeypatch.setattr(zd, "BLOCKSIZE", 2048)
    monkeypatch.setattr(zd, "DIRECT_BLOCKSIZE", 8192)
    size = requests_file.stat().st_size
    with open(tmp_path / "answers.jsonl", "wb") as out:
        into_file = zd.answer_file(requests_file, out, client=client)
    back = zd.answer_file(requests_file, io.BytesIO(), client=client)
    # a partition ends at the first line end after its size (these lines are under 2,000 bytes)
    assert size // (8192 + 2000) <= into_file.partitions <= size // 8192 + 1
    assert size // (2048 + 2000) <= back.partitions <= size // 2048 + 1


def test_which_outputs_the_workers_write_into(tmp_path):
    """A regular file opened for writing: yes. Appending (another writer may append too), a pipe, a stream
    without a file, or no known place: no — the answers come back to the client."""
    path = tmp_path / "answers.jsonl"
    with open(path, "wb") as out:
        out.write(b"x")
        direct = zd._direct(out, "here")
        assert direct is not None and direct.base == 1 and direct.target[0] == str(path)
        assert zd._direct(out, None) is None
    with open(path, "ab") as out:
        assert zd._direct(out, "here") is None
    with open(path, "r+b") as out:
        assert zd._direct(out, "here").base == 0
    assert zd._direct(io.BytesIO(), "here") is None
    import os
    r, w = os.pipe()
    with open(w, "wb") as out, open(r, "rb"):
        assert zd._direct(out, "here") is None


# --------------------------------------------------------- partitions the workers read from the file themselves


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_partition_knows_where_its_bytes_are_in_the_file(tmp_path, bom):
    """``Partition.start``: the partition's bytes are the file's own from there — after a byte-order mark, over
    CRLF and CR line ends — until an overlong line is cut short while it is read; from then on it is None."""
    from zwgk_rules._limits import MAX_LINE_BYTES
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in traffic.requests(300, seed=9)]
    body = b"\r\n".join(lines[:100]) + b"\r" + b"\n".join(lines[100:200])
    # longer than a line may be by more than a read block (1 MiB): it is cut while it is read
    long_line = b'{"id": "long", "x": "' + b"x" * (MAX_LINE_BYTES + (2 << 20)) + b'"}'
    raw = bom + body + b"\n" + long_line + b"\n" + b"\n".join(lines[200:]) + b"\n"
    path = tmp_path / "in.jsonl"
    path.write_bytes(raw)
    with open(path, "rb") as fh:
        parts = list(zd.partitions(fh, 3000, _cli._Encoding()))
    assert parts[0].start == len(bom) and parts[0].first == 1
    cut = next(k for k, p in enumerate(parts) if b'"id": "long"' in p.data)
    assert cut > 10 and all(p.start is None for p in parts[cut:])
    for p in parts[:cut]:
        assert raw[p.start:p.start + len(p.data)] == p.data
    assert [q.start for q in parts[1:cut]] == [p.start + len(p.data) for p in parts[:cut - 1]]



def test_an_overlong_line_is_cut_to_one_byte_more_than_a_line_may_be_wherever_it_comes(tmp_path):
    """``partitions`` keeps ``MAX_LINE_BYTES`` + 1 bytes of an overlong line (its error line needs no more) and the
    file's other lines whole: whether the line comes first, or after megabytes of lines already cut into partitions
    (the line ends seen before are then no longer in what it holds), or starts right where a read block (1 MiB) ends."""
    from zwgk_rules._limits import MAX_LINE_BYTES
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in traffic.requests(200, seed=10)]
    many = b"\n".join(lines * 60) + b"\n"
    assert len(many) > 3 << 20
    long_line = b'{"id": "long", "x": "' + b"x" * (MAX_LINE_BYTES + (3 << 20)) + b'"}'
    rest = b"\n".join(lines[:5]) + b"\n"
    at_block = b"\n".join(lines * 60)[:(1 << 20) - 1] + b"\n"      # ends exactly at the first read block's end
    for before in (b"", many, at_block):
        path = tmp_path / "in.jsonl"
        path.write_bytes(before + long_line + b"\n" + rest)
        with open(path, "rb") as fh:
            got = b"".join(p.data for p in zd.partitions(fh, 3000, _cli._Encoding()))
        assert got == before + long_line[:MAX_LINE_BYTES + 1] + b"\n" + rest, len(before)


_ROUNDS = """
import resource, sys
if sys.argv[1] == "kept":
    import zwgk_rules._dask_preload as pre          # what the fork server loads: glibc set as it loads
    assert pre.keep_freed_blocks()
faults = []
for _ in range(3):              # a partition's answers: 8 blocks of 5 MB held together, then freed together
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    held = [b"x" * (5 << 20) for _ in range(8)]
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    del held
print(faults[-1])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc (Linux)")
def test_the_fork_server_has_malloc_keep_freed_big_blocks_for_the_next_partition():
    """A worker holds a partition's answers (about 35 MB in blocks of ~6 MB) until they are written, then frees them
    together. By default glibc then gives that memory back to the system (beyond twice the largest block it has
    freed) and faults every page in again for the next partition; the fork server of a ``local`` cluster sets it to
    keep up to 64 MiB (``_dask_preload.keep_freed_blocks``), as the command line's workers do by themselves. Measured
    in page faults of a third round of 40 MB: about 10,000 without, next to none with it."""
    if subprocess.run([sys.executable, "-c", "import ctypes; ctypes.CDLL(None).gnu_get_libc_version"]).returncode:
        pytest.skip("not glibc")

    def third_round(mode):
        done = subprocess.run([sys.executable, "-c", _ROUNDS, mode], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return int(done.stdout)

    assert third_round("default") > 8000          # 40 MB of fresh pages: 10,240 at 4 KiB
    assert third_round("kept") < 1000

def _not_sent(*args, **kw):  # pragma: no cover - running is the failure
    raise AssertionError("a partition's bytes were sent to a worker that can read the file")


def test_workers_on_this_machine_read_the_partitions_themselves(client, tmp_path, requests_file, monkeypatch):
    from zwgk_rules import _dask_worker
    expected, _ = cli(requests_file)
    monkeypatch.setattr(_dask_worker, "answer", _not_sent)      # the task the bytes would travel with
    got, done = on_dask(client, requests_file)
    assert got == expected and done.partitions > 100
    with open(tmp_path / "answers.jsonl", "wb") as out:
        zd.answer_file(requests_file, out, client=client, blocksize=4096)
    assert (tmp_path / "answers.jsonl").read_bytes() == expected


def test_a_file_the_workers_cannot_read_as_the_client_saw_it_is_sent(client, tmp_path, requests_file, monkeypatch):
    """The worker finds the file changed (here: another modification time): it reads nothing, and the client
    sends that partition's bytes."""
    expected, _ = cli(requests_file)
    real = zd._source
    monkeypatch.setattr(zd, "_source", lambda f, fh, where: (lambda s: s and (*s[:4], s[4] + 1))(real(f, fh, where)))
    assert on_dask(client, requests_file)[0] == expected
    with open(tmp_path / "answers.jsonl", "wb") as out:
        zd.answer_file(requests_file, out, client=client, blocksize=4096)
    assert (tmp_path / "answers.jsonl").read_bytes() == expected


def test_read_range_reads_only_the_very_file_unchanged(tmp_path):
    from zwgk_rules import _dask_worker as w
    here = w.place()
    if here is None:
        pytest.skip("no /proc: workers never read the input themselves here")
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"0123456789")
    st = path.stat()
    source = (str(path), here, st.st_dev, st.st_ino, st.st_mtime_ns)
    assert w.read_range(source, 2, 7) == b"23456"
    assert w.read_range(source, 8, 12) is None                                  # fewer bytes than asked
    for bad in ((str(path), here + "x", *source[2:]), (*source[:3], st.st_ino + 1, source[4]),
                (*source[:4], st.st_mtime_ns + 1), (str(tmp_path / "nope"), *source[1:])):
        assert w.read_range(bad, 2, 7) is None
