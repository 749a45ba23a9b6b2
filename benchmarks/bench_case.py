"""Benchmark of ``zwgk case`` and ``zwgk report`` on generated cases (not a test; issue 11).

    PYTHONPATH=src .venv/bin/python benchmarks/bench_case.py [--quick] [--count N] [--year Y] [--profile]

The cases come from ``benchmarks/case_traffic.py`` (fixed seed): diverse event logs over 2019–2026 that
no memo answers by repetition. As in ``bench.py``, every figure has a baseline measured in the same run
and the ratio between them; the machine is shared, so the ratios are the figures to read.

Sections
  1. In process, 5 interleaved passes, each on cases none of the functions has seen before:
     ``Engine.case_raw`` (a case dict in, a dict out); the same from a JSON line to a JSON line (what the
     command does per line); and the baselines: the JSON floor (``json.loads`` + ``json.dumps`` of the same
     line; orjson too if installed), ``Engine.decide_raw`` on the facts the case folds its events into
     (the decision alone, pre-validated), and the hand-written decision (``tests/oracle.py``) on the same
     facts, checked to agree with the engine first. A hand-written case evaluator (walk, status, next steps,
     violations, fees) is not written: it would be a third implementation of ``_case.py``; the hand-written
     decision is a floor under it.
  2. ``python -m zwgk_rules case FILE`` on the whole file (default: 1,000,000 cases; ``--quick`` 50,000):
     wall time with start-up, cases/s, max RSS; with the default workers (2 for files over 8 MB) and with
     ``--jobs 1``. Output lines are counted (``wc -l``), every one must be an answer.
  3. ``python -m zwgk_rules report --year Y FILE`` on the same file: wall time, cases/s, max RSS (the
     report reads every case; it must stream: against the report of the file's first tenth, at
     least 20,000 cases), and the report's
     own checks must be empty. The report is a valid one only if every case is valid, so it also checks the
     whole file.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (ROOT / "src", ROOT / "tests", HERE):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import case_traffic  # noqa: E402
from bench import (child_env, hdr, max_rss_kb, med, paired_ratio, print_summary, rate, row, run_wall,  # noqa: E402
                   us)
from oracle import DEADLINE_FIELDS, NationalOracle  # noqa: E402

perf = time.perf_counter
SEED = 2026          # the file; the in-process passes draw from SEED + 1


def load() -> str:
    try:
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def _iso(o):
    if isinstance(o, dt.date):
        return o.isoformat()
    raise TypeError(type(o).__name__)


def bench_in_process(per_pass: int, reps: int = 5, profile: bool = False) -> dict:
    import zwgk_rules
    hdr(f"1. in process: {reps} interleaved passes x {per_pass:,} cases never seen before ({load()})")
    t0 = perf()
    cases = list(case_traffic.cases(per_pass * reps, seed=SEED + 1))
    lines = [json.dumps(c, ensure_ascii=False).encode() for c in cases]
    # the facts each case folds its events into: captured from the engine's own call to decide_raw
    folded: list = []
    probe = zwgk_rules.Engine("cn")
    real = probe.decide_raw
    validate = probe.validate

    def capture(r, **kw):
        folded.append(validate(r))
        return real(r, **kw)
    probe.decide_raw = capture
    for c in cases:
        probe.case_raw(c)
    assert len(folded) == len(cases)
    oracle = NationalOracle(probe.calendar, probe.rulebook.dispositions).decide
    for r in folded:
        e, b = real(r), oracle(r)
        got = (b["disposition"], [i["disposition"] for i in b["items"]], tuple(b["deadline"][k] for k in DEADLINE_FIELDS))
        want = (e["disposition"], [i["disposition"] for i in e["items"]],
                tuple(e["deadline"][k] for k in DEADLINE_FIELDS))
        assert got == want, f"the hand-written decision disagrees with the engine on {r.id}: {got} / {want}"
    del probe
    print(f"{len(cases):,} cases generated, folded and checked in {perf() - t0:.1f} s; the hand-written decision "
          f"(tests/oracle.py) agrees with the engine on all of them")
    sl = lambda xs, k: xs[k * per_pass:(k + 1) * per_pass]  # noqa: E731
    engines = {k: zwgk_rules.Engine("cn") for k in ("case_raw", "line", "decide_raw")}
    case_raw, line_eng, decide_raw = engines["case_raw"].case_raw, engines["line"].case_raw, engines["decide_raw"].decide_raw

    def case_line(ln, loads=json.loads, dumps=json.dumps, f=line_eng):
        return dumps(f(loads(ln)), ensure_ascii=False, default=_iso).encode()

    def json_floor(ln, loads=json.loads, dumps=json.dumps):
        return dumps(loads(ln), ensure_ascii=False).encode()

    funcs = {"json floor": json_floor, "case line": case_line, "case_raw": case_raw, "decide_raw": decide_raw,
             "hand-written decide": oracle}
    kinds = {"json floor": lines, "case line": lines, "case_raw": cases, "decide_raw": folded,
             "hand-written decide": folded}
    try:
        import orjson
        funcs["orjson floor"] = lambda ln, loads=orjson.loads, dumps=orjson.dumps: dumps(loads(ln))
        kinds["orjson floor"] = lines
    except ImportError:
        print("orjson is not installed: no orjson floor")
    out = {k: [] for k in funcs}
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for p in range(reps):
            for k, f in funcs.items():
                args = sl(kinds[k], p)
                t = perf()
                for a in args:
                    f(a)
                out[k].append((perf() - t) / len(args))
    finally:
        if gc_was:
            gc.enable()
    print(f"{per_pass:,} calls per pass, {reps} interleaved passes on new cases each; median (best); "
          f"time ratio = median of per-pass ratios to case_raw:")
    for k, ts in out.items():
        print(f"  {k:<20} {us(med(ts)):>11} ({us(min(ts))})  {rate(med(ts)):>10}   "
              f"x{paired_ratio(ts, out['case_raw']):.2f} of case_raw's time   [{', '.join(f'{t * 1e6:.0f}' for t in ts)} µs]")
    c = med(out["case_raw"])
    row("case_raw, diverse cases (1 core)", f"{us(c)} = {rate(c)}", f"decide_raw on its facts {us(med(out['decide_raw']))}",
        f"{paired_ratio(out['decide_raw'], out['case_raw']):.2f}x speed", "(report)", None)
    row("  vs the hand-written decision", "", f"oracle {us(med(out['hand-written decide']))}",
        f"{paired_ratio(out['hand-written decide'], out['case_raw']):.2f}x speed", "(report)", None)
    cl = med(out["case line"])
    row("case, JSON line -> JSON line", f"{us(cl)} = {rate(cl)}", f"json floor {us(med(out['json floor']))}",
        f"{paired_ratio(out['json floor'], out['case line']):.3f}x speed", "(report)", None)
    if profile:
        import cProfile
        import pstats
        eng = zwgk_rules.Engine("cn")
        pr = cProfile.Profile()
        pr.enable()
        for c in cases:
            eng.case_raw(c)
        pr.disable()
        st = pstats.Stats(pr)
        print(f"\n  cProfile of case_raw over the {len(cases):,} cases: {st.total_calls / len(cases):.0f} calls per case")
        st.sort_stats("tottime").print_stats(12)
    return out


def bench_cli(path: Path, n: int, year: int, tmp: Path) -> None:
    py = sys.executable
    one = tmp / "one.jsonl"
    with open(path, "rb") as src, open(one, "wb") as dst:
        dst.write(src.readline())
    kw = dict(env=child_env(), cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    s_med, _, _ = run_wall([py, "-m", "zwgk_rules", "case", str(one)], 3, **kw)
    hdr(f"2. python -m zwgk_rules case FILE: {n:,} cases ({path.stat().st_size / 1e6:,.0f} MB), start-up "
        f"{s_med * 1e3:.0f} ms ({load()})")
    walls = {}
    for label, extra in (("default (auto workers)", []), ("--jobs 1", ["--jobs", "1"])):
        cmd = [py, "-m", "zwgk_rules", "case", str(path), *extra]
        # counted by wc -l on a pipe (the answers are ~3.6 KB a case: not kept on disk)
        shell = " ".join(f"'{c}'" for c in cmd) + " | wc -l"
        before = load()
        t0 = perf()
        p = subprocess.run(["sh", "-c", shell], env=child_env(), cwd=str(ROOT), capture_output=True, text=True)
        wall = perf() - t0
        count = int(p.stdout.strip() or 0)
        assert count == n, f"case {extra}: {count} output lines for {n} cases; {p.stderr[-300:]}"
        walls[label] = wall
        print(f"  {label:<24} {wall:8.1f} s  {n / wall:9,.0f} cases/s incl. start-up  "
              f"{(wall - s_med) / n * 1e6:6.1f} µs/case net  ({n:,} output lines; {before} -> {load()})")
        row(f"case CLI {n:,} cases, {label}", f"{n / wall:,.0f} cases/s", f"start-up {s_med * 1e3:.0f} ms",
            f"{(wall - s_med) / n * 1e6:.1f} µs/case net", "(report)", None)
    hdr(f"3. python -m zwgk_rules report --year {year} FILE ({load()})")
    cmd = [py, "-m", "zwgk_rules", "report", "--year", str(year), str(path)]
    rss, tree, wall, how = max_rss_kb(cmd)
    # the baseline of memory: the report of the file's first tenth (its memos fill up as the whole file's do;
    # what the whole file adds is what the report keeps per case), checked to be valid with no failed check
    small, k = tmp / "small.jsonl", max(n // 10, min(n, 20_000))     # (20,000: the memos are about full)
    with open(path, "rb") as src, open(small, "wb") as dst:
        for _ in range(k):
            dst.write(src.readline())
    rss_small, _, wall_small, _ = max_rss_kb([*cmd[:-1], str(small)])
    rep = subprocess.run(cmd[:-1] + [str(small)], env=child_env(), cwd=str(ROOT), capture_output=True, text=True)
    got = json.loads(rep.stdout)
    assert rep.returncode == 0 and got["checks"] == [], rep.stdout[:500]
    print(f"  {n:,} cases: {wall:.1f} s, {n / wall:,.0f} cases/s incl. start-up; max RSS {rss / 1024:.1f} MiB "
          f"(process tree {tree / 1024:.1f} MiB; {how}); exit 0")
    print(f"  {k:,} cases: {wall_small:.1f} s, max RSS {rss_small / 1024:.1f} MiB; report valid, no failed check "
          f"(format {got['format']}, {got['table3']['rows']['new']['total']:,} new)")
    one_core = n / walls["--jobs 1"]
    ratio = (n / wall) / one_core
    print(f"  report / case --jobs 1 throughput: {ratio:.2f} (the report reads every case as case does, in one "
          f"process, and writes one object)")
    row(f"report --year {year}, {n:,} cases", f"{n / wall:,.0f} cases/s ({wall:.0f} s)",
        f"case --jobs 1 {one_core:,.0f}/s", f"{ratio:.2f}x", "≥ 0.9x (1 process each)", ratio >= 0.9)
    row(f"report max RSS, {n:,} cases", f"{rss / 1024:.1f} MiB", f"{k:,} cases {rss_small / 1024:.1f} MiB",
        f"{rss / rss_small:.2f}x", "≤ 1.5x (streams)", rss / rss_small <= 1.5)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="50,000 cases in the file, 5 x 2,000 in process")
    ap.add_argument("--count", type=int, help="cases in the file (default 1,000,000; --quick 50,000)")
    ap.add_argument("--year", type=int, default=2024, help="the report's year (default 2024)")
    ap.add_argument("--profile", action="store_true", help="also a cProfile of case_raw")
    args = ap.parse_args(argv)
    n = args.count or (50_000 if args.quick else 1_000_000)
    t_start = perf()
    print(f"zwgk case/report benchmark {'(quick) ' if args.quick else ''}{dt.datetime.now().isoformat(timespec='seconds')}")
    print(f"python {platform.python_version()}; {platform.platform()}; {os.cpu_count()} CPUs; {load()}")
    bench_in_process(2_000 if args.quick else 10_000, profile=args.profile)
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-case-") as td:
        tmp = Path(td)
        path = tmp / "cases.jsonl"
        t0 = perf()
        size = case_traffic.write(path, n, seed=SEED)
        print(f"\n{n:,} cases written to a temporary file ({size / 1e6:,.0f} MB) in {perf() - t0:.0f} s")
        bench_cli(path, n, args.year, tmp)
    print_summary()
    print(f"\ntotal {perf() - t_start:.0f} s; {load()}")


if __name__ == "__main__":
    main()
