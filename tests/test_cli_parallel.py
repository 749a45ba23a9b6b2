"""``run_decide`` with worker processes: the parent answers the first chunk itself and the forked workers go on
with the decider it warmed (its engines, their memos, msgspec's reader), instead of each warming up its own."""
import io
import json
import multiprocessing as mp
import os
import sys
import time

import pytest

from zwgk_rules import _cli
from zwgk_rules._cli import _CutShort, _Progress, run_decide
from test_cli_fastpaths import write_mixed_input

fork_only = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="workers inherit the parent by fork")


def _logging(monkeypatch, log, *names):
    """Log the process id of each call of ``_Decider``'s methods ``names`` to the file ``log`` (one line each,
    ``name pid first-line-number``); forked workers inherit the patch."""
    for name in names:
        orig = getattr(_cli._Decider, name)

        def logged(self, *a, _orig=orig, _name=name, **k):
            first = getattr(a[0], "first", 0) if a else 0
            fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            os.write(fd, f"{_name} {os.getpid()} {first}\n".encode())
            os.close(fd)
            return _orig(self, *a, **k)
        monkeypatch.setattr(_cli._Decider, name, logged)


def _calls(log):
    return [(n, int(p), int(f)) for n, p, f in (ln.split() for ln in log.read_text().splitlines())]


@fork_only
@pytest.mark.parametrize("to_file", [True, False])
def test_the_workers_answer_with_the_decider_the_parent_warmed(tmp_path, monkeypatch, to_file):
    # to a file the workers write the answers themselves; to a text stream they hand them back to the parent
    monkeypatch.setattr(_cli, "READ_AFTER", 10)        # msgspec's reader made within the first chunk
    f = tmp_path / "in.jsonl"
    good_ids = write_mixed_input(f, 600, 89, '{"broken": ', seed=7, prefix="w")
    one = io.StringIO()
    assert run_decide(str(f), one, None, jobs=1, chunk=40) == 1
    log = tmp_path / "calls.log"
    _logging(monkeypatch, log, "__init__", "_make_reader", "chunk")
    if to_file:
        with open(tmp_path / "out.jsonl", "wb") as fh:
            assert run_decide(str(f), fh, None, jobs=2, chunk=40) == 1
        two = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    else:
        out = io.StringIO()
        assert run_decide(str(f), out, None, jobs=2, chunk=40) == 1
        two = out.getvalue()
    assert two == one.getvalue()
    assert [i for i in (json.loads(x).get("id") for x in two.splitlines()) if i] == good_ids
    calls = _calls(log)
    me = os.getpid()
    assert [(n, p) for n, p, _ in calls if n != "chunk"] == [("__init__", me), ("_make_reader", me)]
    chunks = [(p, first) for n, p, first in calls if n == "chunk"]
    assert sorted(first for _, first in chunks) == list(range(1, 601, 40))
    assert [first for p, first in chunks if p == me] == [1]         # the first chunk, in the parent
    assert len({p for p, _ in chunks} - {me}) >= 1                  # the rest in the workers


@fork_only
def test_an_input_of_one_chunk_is_answered_without_workers(tmp_path, monkeypatch):
    import concurrent.futures

    def no_pool(*a, **k):
        raise AssertionError("a worker pool was started")
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    f = tmp_path / "in.jsonl"
    write_mixed_input(f, 40, 13, '{"broken": ', seed=8, prefix="s")
    one, two = io.StringIO(), io.StringIO()
    assert run_decide(str(f), one, None, jobs=1, chunk=40) == 1
    prog = _Progress()
    with open(tmp_path / "out.jsonl", "wb") as fh:
        assert run_decide(str(f), fh, None, jobs=2, chunk=40, progress=prog) == 1
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == one.getvalue()
    assert prog.answered == 40 and prog.sizes == [40]
    assert run_decide(str(f), two, None, jobs=2, chunk=40) == 1
    assert two.getvalue() == one.getvalue()


def test_standard_input_with_workers_gives_what_one_process_gives(tmp_path):
    f = tmp_path / "in.jsonl"
    write_mixed_input(f, 300, 41, '{"submission": {"channel": "in_person"}}', seed=9, prefix="i")
    data = f.read_bytes()
    one, two = io.StringIO(), io.StringIO()
    assert run_decide("-", one, io.BytesIO(data), jobs=1, chunk=40) == 1
    assert run_decide("-", two, io.BytesIO(data), jobs=2, chunk=40) == 1
    assert two.getvalue() == one.getvalue() and len(one.getvalue().splitlines()) == 300


@fork_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts lines of a file being written")
@pytest.mark.parametrize("hold", [0, 1 << 30])
def test_a_lost_worker_reports_the_lines_written_the_parents_chunk_included(tmp_path, monkeypatch, hold):
    # the worker given lines 281-320 waits until the 280 lines before them are in the output, then dies: the
    # batch stops, saying 280 lines were answered (the parent's first chunk and six of the workers'). The parent
    # keeps its chunk's answers until the workers are started (``hold``: all of them; none, written at once)
    monkeypatch.setattr(_cli, "_EMIT_BYTES", 2_000)
    monkeypatch.setattr(_cli, "_HOLD_BYTES", hold)
    f = tmp_path / "in.jsonl"
    write_mixed_input(f, 600, 89, '{"broken": ', seed=10, prefix="k")
    one = io.StringIO()
    run_decide(str(f), one, None, jobs=1, chunk=40)
    outpath = tmp_path / "out.jsonl"
    me = os.getpid()
    orig = _cli._Decider.chunk

    def chunk(self, lines, emit=None):
        if os.getpid() != me and getattr(lines, "first", 0) == 281:
            deadline = time.time() + 60
            while outpath.read_bytes().count(b"\n") < 280 and time.time() < deadline:
                time.sleep(0.02)
            time.sleep(0.3)
            os._exit(1)
        return orig(self, lines, emit)
    monkeypatch.setattr(_cli._Decider, "chunk", chunk)
    prog = _Progress()
    with open(outpath, "wb") as fh:
        with pytest.raises(_CutShort) as info:
            run_decide(str(f), fh, None, jobs=2, chunk=40, progress=prog)
    assert "工作进程意外退出" in info.value.message and info.value.code == 3
    assert prog.answered == 280
    assert outpath.read_text(encoding="utf-8") == "".join(one.getvalue().splitlines(keepends=True)[:280])
