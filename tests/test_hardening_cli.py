"""Issue 8, points 4, 5 and 6 at the command line: bounded reading, faults that end cleanly (a message
on stderr and an exit status, never a traceback), strict framing of lines."""
import json
import os
import signal
import threading
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import requests

ROOT = Path(__file__).resolve().parents[1]
OK = {"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{"description": "x"}]}
LINE = json.dumps(OK)
CMD = [sys.executable, "-m", "zwgk_rules"]


def _env():
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def run(*args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("timeout", 120)
    return subprocess.run([*CMD, *args], env=_env(), **kw)


def _no_traceback(r):
    err = r.stderr if isinstance(r.stderr, str) else r.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return err


# ------------------------------------------------------------------ 5. faults end with a message and exit 2/3

def test_a_directory_as_input_is_a_message_and_exit_2(tmp_path):
    r = run("decide", str(tmp_path), text=True)
    assert r.returncode == 2
    assert "目录" in _no_traceback(r)


def test_an_unreadable_file_is_a_message_and_exit_2(tmp_path, monkeypatch, capsys):
    f = tmp_path / "secret.jsonl"
    f.write_text(LINE + "\n", encoding="utf-8")
    if os.geteuid() != 0:
        f.chmod(0)
        r = run("decide", str(f), text=True)
        assert r.returncode == 2, r.stderr
        assert "无权读取" in _no_traceback(r)
        return
    # root reads anything: make the operating system's refusal happen in-process
    import builtins

    from zwgk_rules._cli import main
    real_open = builtins.open

    def refusing_open(path, *a, **kw):
        if str(path) == str(f):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **kw)

    monkeypatch.setattr(builtins, "open", refusing_open)
    assert main(["decide", str(f)]) == 2
    assert "无权读取" in capsys.readouterr().err


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs /proc/self/mem")
def test_an_input_that_fails_while_read_is_a_message_and_exit_2():
    r = run("decide", "/proc/self/mem", text=True)      # opens, then every read fails (EIO)
    assert r.returncode == 2, r.stderr
    assert "无法读取" in _no_traceback(r)


def test_closed_stdin_is_a_message_and_exit_2():
    r = run("decide", "-", text=True, stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
    assert r.returncode == 2
    assert "标准输入" in _no_traceback(r)


def test_closed_stdout_is_a_message_and_exit_2(tmp_path):
    f = tmp_path / "r.jsonl"
    f.write_text(LINE + "\n", encoding="utf-8")
    r = subprocess.run([*CMD, "decide", str(f)], env=_env(), stderr=subprocess.PIPE, text=True, timeout=120,
                       preexec_fn=lambda: os.close(1))
    assert r.returncode == 2
    assert "标准输出" in _no_traceback(r)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_is_a_message_saying_how_far_it_got_and_exit_3(tmp_path, jobs):
    f = tmp_path / "r.jsonl"
    f.write_text((LINE + "\n") * 5000, encoding="utf-8")
    with open("/dev/full", "wb") as full:
        r = subprocess.run([*CMD, "decide", str(f), "--jobs", jobs], env=_env(), stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=120)
    assert r.returncode == 3
    err = _no_traceback(r)
    assert "磁盘已满" in err and "已写出前 0 行" in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_closed_pipe_is_not_a_success(tmp_path, jobs):
    f = tmp_path / "r.jsonl"
    f.write_text((LINE + "\n") * 20000, encoding="utf-8")
    p = subprocess.Popen([*CMD, "decide", str(f), "--jobs", jobs], env=_env(), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    first = p.stdout.readline()
    assert json.loads(first)["disposition"] == "disclose"
    p.stdout.close()                            # the reader goes away, as `| head -1` does
    _, err = p.communicate(timeout=120)
    assert p.returncode == 3
    err = err.decode()
    assert "Traceback" not in err and "输出已被关闭" in err


# ------------------------------------------------------------------ 4. bounded reading

def _rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_line_is_answered_once_read_in_bounded_memory_and_interruptible():
    # started as from a terminal, with SIGINT at its default: a test run started in the background by a shell
    # without job control (``cmd &``) ignores SIGINT, and an ignored signal stays ignored across exec (a handled
    # one is reset to the default), so the child would never see the interrupt this test sends
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        p = subprocess.Popen([*CMD, "decide", "/dev/zero"], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    finally:
        signal.signal(signal.SIGINT, previous)
    threading.Timer(60, p.kill).start()          # never hang the suite
    first = p.stdout.readline()                 # the error line comes as soon as the limit is passed
    assert json.loads(first)["error"]["message"].startswith("输入行超过")
    peak = 0
    for _ in range(10):
        time.sleep(0.2)
        peak = max(peak, _rss_kb(p.pid))
    assert peak < 200_000, f"{peak} kB"
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=20)
    assert p.returncode == 130
    assert "已中断" in err.decode() and "Traceback" not in err.decode()


def test_an_overlong_line_is_one_error_line_and_the_batch_goes_on(tmp_path):
    from zwgk_rules._limits import MAX_LINE_BYTES
    f = tmp_path / "r.jsonl"
    with open(f, "w", encoding="utf-8") as fh:
        fh.write(LINE + "\n")
        fh.write('{"id": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n')
        fh.write(LINE + "\n")
    r = run("decide", str(f), text=True)
    lines = r.stdout.splitlines()
    assert r.returncode == 1 and len(lines) == 3
    assert "disposition" in json.loads(lines[0]) and "disposition" in json.loads(lines[2])
    assert "上限" in json.loads(lines[1])["error"]["message"]


# ------------------------------------------------------------------ 6. framing and strictness

def test_bom_crlf_and_cr_only_files_are_framed_right(tmp_path):
    a, b = json.dumps({**OK, "id": "a"}), json.dumps({**OK, "id": "b"})
    for name, data in [("bom.jsonl", "\ufeff" + a + "\n" + b + "\n"), ("crlf.jsonl", a + "\r\n" + b + "\r\n"),
                       ("cr.jsonl", a + "\r" + b + "\r"), ("bom.json", "\ufeff" + a)]:
        f = tmp_path / name
        f.write_bytes(data.encode("utf-8"))
        r = run("decide", str(f), text=True)
        ids = [json.loads(x).get("id") for x in r.stdout.splitlines()]
        assert r.returncode == 0, (name, r.stdout)
        assert ids == (["a", "b"] if name != "bom.json" else ["a"]), name


def test_a_duplicate_key_is_an_error_naming_it(tmp_path):
    secret = ('{"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, '
              '"items": [{"categories": ["state_secret"], "categories": []}]}')
    twice = ('{"submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "nature": "petition", '
             '"nature" : "information", "items": [{}]}')
    quoted = '{"id": "a \\": b", "submission": {"channel": "in_person", "submitted_on": "2026-03-02"}, "items": [{}]}'
    f = tmp_path / "r.jsonl"
    f.write_text("\n".join([secret, twice, quoted]) + "\n", encoding="utf-8")
    r = run("decide", str(f), text=True)
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert out[0]["error"]["field"] == "items.0.categories"
    assert out[1]["error"]["field"] == "nature"
    assert out[2]["disposition"] == "disclose"          # `":` inside a string is not a key
    doc = '{"doc_type": "通知", "formed_on": "2026-04-30", "flags": ["state_secret"], "flags": []}'
    f.write_text(doc + "\n", encoding="utf-8")
    r = run("classify", str(f), text=True)
    assert json.loads(r.stdout)["error"]["field"] == "flags"


@pytest.mark.parametrize("field,value", [
    ("exists", "no"), ("exists", "N"), ("exists", 0), ("exists", 1), ("severable", "true"),
])
def test_only_json_booleans_are_booleans(engine, field, value):
    import zwgk_rules
    with pytest.raises(zwgk_rules.InputError) as info:
        engine.decide({**OK, "items": [{field: value}]})
    assert info.value.field == f"items.0.{field}"


@pytest.mark.parametrize("value", [1772409600, "2026-03-02T00:00:00", "2026-3-2", "20260302", b"2026-03-02",
                                   " 2026-03-02"])
def test_only_iso_dates_are_dates(engine, value):
    import datetime as dt

    import zwgk_rules
    with pytest.raises(zwgk_rules.InputError) as info:
        engine.decide({**OK, "submission": {"channel": "in_person", "submitted_on": value}})
    assert info.value.field == "submission.submitted_on"
    assert engine.decide({**OK, "submission": {"channel": "in_person", "submitted_on": dt.date(2026, 3, 2)}})


# ------------------------------------------------------------------ 5. parallel workers die with the batch

def _big(tmp_path, n=400_000):
    f = tmp_path / "big.jsonl"
    with open(f, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({**OK, "id": str(i)}) + "\n")
    return f


def _children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as fh:
                    st = fh.read()
                if int(st[st.rindex(b")") + 2:].split()[1]) == pid:
                    out.append(int(d))
            except (OSError, ValueError):
                pass
    return out


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            st = fh.read()
        return st[st.rindex(b")") + 2:st.rindex(b")") + 3] != b"Z"
    except OSError:
        return False


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _start_parallel(tmp_path, stdout):
    f = _big(tmp_path)
    p = subprocess.Popen([*CMD, "decide", str(f), "--jobs", "2"], env=_env(), stdout=stdout, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and len(_children(p.pid)) < 2:
        time.sleep(0.05)
    kids = _children(p.pid)
    assert len(kids) >= 2
    return p, kids


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_stops_the_workers_and_says_how_far_it_got(tmp_path):
    with open(tmp_path / "out.jsonl", "wb") as out:
        p, kids = _start_parallel(tmp_path, out)
        time.sleep(1.0)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
    time.sleep(0.5)
    lingering = [k for k in kids if _alive(k)]
    for k in lingering:
        _kill(k)
    assert not lingering, "workers outlived the batch"
    assert p.returncode == 143
    assert "已终止" in err.decode() and "Traceback" not in err.decode()
    answered = int(err.decode().split("已写出前 ")[1].split(" 行")[0].replace(",", ""))
    written = (tmp_path / "out.jsonl").read_bytes().count(b"\n")
    assert written >= answered                  # everything reported as answered is in the output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_the_parent_kills_the_workers_and_closes_the_pipe(tmp_path):
    p, kids = _start_parallel(tmp_path, subprocess.PIPE)
    p.stdout.readline()
    p.kill()
    # a reader waits for EOF, which comes only once every writer (the workers too) is gone; if they
    # linger, kill them after 30 s so that the test fails instead of hanging
    reaper = threading.Timer(30, lambda: [_kill(k) for k in kids])
    reaper.start()
    t = time.time()
    p.stdout.read()
    waited = time.time() - t
    reaper.cancel()
    p.wait(timeout=10)
    assert waited < 10, f"the pipe stayed open {waited:.0f} s after the parent was killed"
    time.sleep(0.3)
    assert not [k for k in kids if _alive(k)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_lost_worker_ends_the_batch_with_exit_3_and_a_count(tmp_path):
    with open(tmp_path / "out.jsonl", "wb") as out:
        p, kids = _start_parallel(tmp_path, out)
        time.sleep(1.0)
        os.kill(kids[0], signal.SIGKILL)
        _, err = p.communicate(timeout=60)
    err = err.decode()
    assert p.returncode == 3, err
    assert "工作进程" in err and "已写出前" in err and "Traceback" not in err


# ------------------------------------------------------------------ 4. answers much larger than their input

_PEAK = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
         "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_large_answers_are_written_as_they_are_made(tmp_path, jobs):
    """300 requests of 1,000 items: 1.2 MB in, about 270 MB out. The answers go out in blocks as they are
    made instead of being held per chunk (the old command line peaked at about 560 MB here)."""
    f = tmp_path / "big.jsonl"
    with open(f, "w", encoding="utf-8") as fh:
        for i in range(300):
            fh.write(json.dumps({"id": str(i), "submission": OK["submission"], "items": [{}] * 1000}) + "\n")
    r = subprocess.run([sys.executable, "-c", _PEAK, *CMD, "decide", str(f), "--jobs", jobs], env=_env(),
                       capture_output=True, text=True, timeout=300)
    code, peak_kb = map(int, r.stdout.split())
    assert code == 0, r.stderr
    assert peak_kb < 200 * 1024, f"peak {peak_kb / 1024:.0f} MiB"


@settings(max_examples=150, deadline=None)
@given(req=requests(), sep=st.sampled_from([(", ", ": "), (",", ":"), (" , ", " : "), (",\t", "\t:\t")]),
       where=st.sampled_from(["top", "submission", "item"]), twice=st.booleans(),
       note=st.text(alphabet=st.sampled_from('a:"\\ 1'), max_size=6))
def test_a_key_given_twice_is_always_found_and_only_then(req, sep, where, twice, note):
    """Whatever the spacing, and with colons and quotes inside strings: a line with a key given twice is an
    error naming that key, and a line without one is never called a duplicate (the fast check counts
    colons; a doubt goes to the exact check)."""
    from zwgk_rules._cli import _Decider
    req = {**req, "id": note}
    text = json.dumps(req, ensure_ascii=False, separators=sep)
    key = None
    if twice:
        if where == "top":
            key, text = "id", text[:-1] + sep[0] + json.dumps("id") + sep[1] + json.dumps(note) + "}"
        elif where == "submission":
            key = "submission.submitted_on"
            head = '"submission"' + sep[1] + "{"
            i = text.index(head) + len(head)
            dup = '"submitted_on"' + sep[1] + json.dumps(req["submission"]["submitted_on"]) + sep[0]
            text = text[:i] + dup + text[i:]
        elif req.get("items"):
            first = req["items"][0]
            key = "items.0.description" if "description" in first else None
            head = '"items"' + sep[1] + "[{"
            i = text.index(head) + len(head)
            text = text[:i] + '"description"' + sep[1] + '"x:y"' + (sep[0] if first else "") + text[i:]
    data, bad = _Decider().line(text.encode())
    if key is not None:
        assert bad and data.field == key, text
    else:
        assert not (bad and "重复" in str(data)), text
