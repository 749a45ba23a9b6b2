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


# ------------------------------------------------------------------ lines in runs (``_frames(..., runs=True)``)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _chunked(data, runs, size, limit=40):
    return [(list(c), c.first, c.gaps) for c in
            _cli._chunks(_cli._Encoding().convert(_cli._frames(io.BytesIO(data), limit, _cli._Encoding(), runs=runs)),
                         size)]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(st.sampled_from([b"a", b'{"x": 1}', b"bb", b"c" * 7, b"x" * 30, b"y" * 41, b"", b" ",
                                                  b"\t", b"\x0b", b" \x0c", b"\xe4\xb8\xad", b" z "]),
                                 st.sampled_from([b"\n"] * 8 + [b"\r\n", b"\r"])), max_size=60),
       tail=st.sampled_from([b"", b"t", b" "]),
       block=st.integers(1, 64), size=st.integers(1, 9), chunk_bytes=st.integers(1, 60))
def test_lines_in_runs_make_the_chunks_lines_one_by_one_make(monkeypatch, lines, tail, block, size, chunk_bytes):
    """The same chunks (lines, first line number, blank lines left out), whatever the blocks, the line ends, the blank
    and overlong lines (longer than 40 bytes), and the chunks' bounds in lines and bytes."""
    data = b"".join(ln + eol for ln, eol in lines) + tail
    monkeypatch.setattr(_cli, "_BLOCK", block)
    monkeypatch.setattr(_cli, "_CHUNK_BYTES", chunk_bytes)
    want = _chunked(data, False, size)
    got = _chunked(data, True, size)
    assert [(c, f, g) for c, f, g in got if not any(isinstance(x, _cli._Bad) for x in c)] == \
        [(c, f, g) for c, f, g in want if not any(isinstance(x, _cli._Bad) for x in c)]
    assert [[type(x) if isinstance(x, _cli._Bad) else x for x in c] for c, _, _ in got] == \
        [[type(x) if isinstance(x, _cli._Bad) else x for x in c] for c, _, _ in want]


def test_lines_in_runs_come_as_one_list_and_in_a_named_encoding_are_converted_one_by_one():
    data = b'{"a": 1}\n{"b": 2}\n' + '{"c": "中"}\n'.encode("gb18030")
    got = list(_cli._frames(io.BytesIO(data), 100, _cli._Encoding(), runs=True))
    assert got == [[b'{"a": 1}', b'{"b": 2}', '{"c": "中"}'.encode("gb18030")], _cli._IDLE]
    assert got[0].__class__ is _cli._Run
    enc = _cli._Encoding("gb18030")
    got = list(enc.convert(_cli._frames(io.BytesIO(data), 100, enc, runs=True)))
    assert got == [b'{"a": 1}', b'{"b": 2}', '{"c": "中"}'.encode(), _cli._IDLE]
    # a blank line (spaces) or one too long: line by line, as before
    got = list(_cli._frames(io.BytesIO(b'{"a": 1}\n  \n{"b": 2}\n'), 100, _cli._Encoding(), runs=True))
    assert got == [b'{"a": 1}', 1, b'{"b": 2}', _cli._IDLE]
    got = list(_cli._frames(io.BytesIO(b'{"a": 1}\n{"bb": 2}\n'), 8, _cli._Encoding(), runs=True))
    assert got[0] == b'{"a": 1}' and isinstance(got[1], _cli._Overlong) and got[2:] == [_cli._IDLE]


@fork_only
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_workers_stopped_as_they_start_end_without_the_parents_handler(tmp_path, monkeypatch):
    # the parent's first write fails just after the workers are forked and it stops them at once: a worker that has
    # not yet replaced the SIGTERM handler it inherited must not run it (in ``zwgk`` a traceback on stderr)
    import signal
    orig = _cli._die_with_parent
    ran = tmp_path / "ran"
    me = os.getpid()

    def slow():
        time.sleep(0.5)
        orig()
    monkeypatch.setattr(_cli, "_die_with_parent", slow)

    def handler(signum, frame):
        if os.getpid() != me:
            ran.write_text(str(os.getpid()))
        raise RuntimeError("the parent's handler ran")
    f = tmp_path / "in.jsonl"
    write_mixed_input(f, 600, 89, '{"broken": ', seed=11, prefix="t")
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with open("/dev/full", "wb") as full:
            with pytest.raises(_CutShort) as info:
                run_decide(str(f), full, None, jobs=2, chunk=40)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert "磁盘已满" in info.value.message
    time.sleep(1.0)
    assert not ran.exists()
