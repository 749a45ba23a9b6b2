"""Benchmark of the command line against the I/O floor on diverse traffic (not a test; issue 12, part 2).

    PYTHONPATH=src .venv/bin/python benchmarks/bench_cli.py [--quick] [--count N] [--sections 1,2,3,4]

The lines are drawn from ``tests/traffic.py`` (requests: every pack, receipt dates 2008–2026, 1–6 items,
corrections, consultations, extensions, natures; fixed seed) and from ``documents()`` below (公文 for
``classify``: every 文种, flags, forwarding, the 2008 and 2019 regulations, every pack). No line repeats.
As in ``bench.py``, every figure has a baseline measured in the same run and the ratio between them.

Sections
  1. ``decide``: the single-process orjson ``loads`` + ``dumps`` of every line of the file (read from the
     file, written to /dev/null: the floor of any JSON-lines tool), json's likewise; then
     ``python -m zwgk_rules decide FILE > /dev/null`` with default settings (workers chosen by the
     command), wall time with start-up, requests/s, and the peak summed RSS of the whole process tree
     (sampled from /proc). Target (issue 12): ≥ 1/3 of the orjson floor; tree ≤ 300 MB.
  2. ``--explain`` on the file's first fifth against plain ``decide`` on the same lines, runs interleaved (target
     ≤ 2×).
  3. ``classify`` on as many diverse documents against their own floors (target ≥ 1/3 of orjson's).
  4. Start-up as a user meets it: a fresh ``zwgk decide`` of a one-line file (imports, rules, the answer),
     median of 7 wall times, against ``python -c pass`` (target ≤ 300 ms).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
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

import traffic  # noqa: E402
from bench import child_env, hdr, max_rss_kb, print_summary, row, tree_sum_kb  # noqa: E402
from zwgk_rules._facts import ATTRIBUTES, DOC_FLAGS, DOC_TYPES  # noqa: E402  (the vocabulary's one home)

perf = time.perf_counter
SEED = 1201



def documents(count: int, seed: int = SEED):
    """``count`` diverse classify inputs (never the same twice: the id and title carry the number)."""
    import datetime as dt
    rnd = random.Random(seed)
    start = dt.date(2008, 5, 1)
    for n in range(count):
        kind = rnd.choice(DOC_TYPES)
        doc: dict = {"id": f"d{n}", "jurisdiction": rnd.choice(traffic.PACKS),
                     "formed_on": (start + dt.timedelta(days=rnd.randrange(6800))).isoformat()}
        if rnd.random() < 0.7:
            doc["title"] = f"关于第{n}号事项的{kind}"
        if rnd.random() < 0.5 or "title" not in doc:
            doc["doc_type"] = kind
        if rnd.random() < 0.1:
            doc["issued_as"] = "office"
        if kind in ("请示", "报告") and rnd.random() < 0.6:
            doc["addressed_to_superior"] = True
        if rnd.random() < 0.08:
            doc["forwards"] = {"attribute": rnd.choice((*ATTRIBUTES, None))}
        k = rnd.choice((0, 0, 1, 1, 1, 2, 3))
        if k:
            doc["flags"] = rnd.sample(DOC_FLAGS, k)
        yield doc


def write_lines(path: Path, dicts) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for d in dicts:
            fh.write(json.dumps(d, ensure_ascii=False))
            fh.write("\n")
            n += 1
    return n


FLOOR = """
import sys, time
{imp}
t = time.perf_counter()
n = 0
with open(sys.argv[1], "rb") as fh, open(os.devnull, "wb") as out:
    for line in fh:
        out.write({dump} + b"\\n")
        n += 1
print(n / (time.perf_counter() - t))
"""


def floor(path: Path, lib: str) -> float | None:
    """Lines per second of ``lib`` loads + dumps over the file in one process (best of 2), or None."""
    code = FLOOR.format(imp="import os, orjson" if lib == "orjson" else "import os, json",
                        dump="orjson.dumps(orjson.loads(line))" if lib == "orjson"
                        else "json.dumps(json.loads(line), ensure_ascii=False).encode()")
    rates = []
    for _ in range(2):
        p = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
        if p.returncode != 0:
            return None
        rates.append(float(p.stdout))
    return max(rates)


ANSWER_FLOOR = """
import os, sys, time, orjson
with open(sys.argv[1], "rb") as fh:
    lines = fh.readlines()
with open(sys.argv[2], "rb") as fh:
    answers = [orjson.loads(a) for a in fh]
assert len(lines) == len(answers)
t = time.perf_counter()
with open(os.devnull, "wb") as out:
    for line, answer in zip(lines, answers):
        orjson.loads(line)
        out.write(orjson.dumps(answer) + b"\\n")
print(len(lines) / (time.perf_counter() - t))
"""
ANSWER_SAMPLE = 20_000      # answers held as objects in the floor's process: ~4 KB of JSON each


def answer_floor(command: str, path: Path, tmp: Path) -> tuple[float, int] | None:
    """(lines per second, mean answer bytes) of orjson loading each input line and dumping *its answer* (read
    back from the command's own output beforehand) in one process, over the first ``ANSWER_SAMPLE`` lines (best
    of 2); None without orjson. The issue's floor dumps the input line again (~300 bytes); an answer is ~13
    times that. For information beside the target, not in place of it."""
    sample, answers = tmp / f"{command}-sample.jsonl", tmp / f"{command}-answers.jsonl"
    with open(path, "rb") as src, open(sample, "wb") as dst:
        for k, line in enumerate(src):
            if k >= ANSWER_SAMPLE:
                break
            dst.write(line)
    with open(answers, "wb") as out:
        subprocess.run(cli(command, sample), env=child_env(), cwd=str(ROOT), stdout=out, stderr=subprocess.DEVNULL)
    rates = []
    for _ in range(2):
        p = subprocess.run([sys.executable, "-c", ANSWER_FLOOR, str(sample), str(answers)], capture_output=True,
                           text=True)
        if p.returncode != 0:
            return None
        rates.append(float(p.stdout))
    n = sum(1 for _ in open(answers, "rb"))
    return max(rates), answers.stat().st_size // max(n, 1)


def cli(command: str, path: Path, *extra) -> list[str]:
    return [sys.executable, "-m", "zwgk_rules", command, str(path), *extra]


def timed(cmd) -> float:
    t0 = perf()
    p = subprocess.run(cmd, env=child_env(), cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{cmd}: exit {p.returncode}: {p.stderr[-400:]!r}")
    return perf() - t0


def count_answers(cmd, n: int) -> tuple[int, int]:
    """(output lines, error lines) of ``cmd``: every input line must give one line."""
    p = subprocess.Popen(cmd, env=child_env(), cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    lines = errors = 0
    for line in p.stdout:
        lines += 1
        errors += line.startswith(b'{"error"') or b'"error": {' in line[:200]
    p.wait()
    return lines, errors


def peak_tree_pss_kb(cmd) -> int | None:
    """Peak of the summed PSS (proportional set size: a page shared by k processes counts 1/k in each) of ``cmd``'s
    process tree, sampled every 50 ms from /proc/PID/smaps_rollup; None where that file does not exist. The RSS sum
    counts the pages the workers share copy-on-write with the parent (the rules) once per process."""
    if not os.path.exists("/proc/self/smaps_rollup"):
        return None
    p = subprocess.Popen(cmd, env=child_env(), cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while p.poll() is None:
        peak = max(peak, tree_sum_kb(p.pid, "smaps_rollup", b"Pss:"))
        time.sleep(0.05)
    return peak


def section_against_floor(command: str, path: Path, n: int, what: str) -> None:
    fo, fj = floor(path, "orjson"), floor(path, "json")
    lines, errors = count_answers(cli(command, path), n)
    assert lines == n, f"{command}: {lines} output lines for {n} input lines"
    rss, tree, wall, how = max_rss_kb(cli(command, path), ok_codes=(0, 1))
    rate_ = n / wall
    print(f"  floors, one process: orjson {fo:,.0f}/s" if fo else "  orjson not installed (pip install -e '.[bench]'): no orjson floor, the target is not judged",
          f"; json {fj:,.0f}/s" if fj else "")
    print(f"  zwgk {command} (default settings): {wall:.1f} s -> {rate_:,.0f} {what}/s with start-up; "
          f"{lines:,} answers, {errors:,} error lines; max RSS {rss / 1024:.0f} MiB ({how}), "
          f"whole tree {tree / 1024:.0f} MiB")
    if fo:
        row(f"{command} CLI, {n:,} diverse lines", f"{rate_:,.0f}/s", f"orjson floor {fo:,.0f}/s",
            f"1/{fo / rate_:.1f} of floor", "≥ 1/3 (issue 12)", rate_ >= fo / 3)
    if fj:
        row("  same, against json", f"{rate_:,.0f}/s", f"json floor {fj:,.0f}/s", f"1/{fj / rate_:.1f} of floor",
            "(info)", None)
    af = answer_floor(command, path, path.parent) if fo else None
    if af:
        print(f"  answer floor: orjson loads of the line + dumps of its answer (mean {af[1]:,} bytes), one process, "
              f"first {ANSWER_SAMPLE:,} lines: {af[0]:,.0f}/s")
        row("  same, against the answer floor", f"{rate_:,.0f}/s", f"answer floor {af[0]:,.0f}/s",
            f"1/{af[0] / rate_:.1f} of it", "(info)", None)
    row(f"{command} CLI peak RSS, process tree", f"{tree / 1024:.0f} MiB", f"largest process {rss / 1024:.0f} MiB",
        "", "≤ 300 MB (issue 12)", tree * 1024 <= 300e6)
    pss = peak_tree_pss_kb(cli(command, path))
    if pss is not None:
        print(f"  peak summed PSS of the process tree (shared pages divided among the processes): {pss / 1024:.0f} MiB")
        row(f"{command} CLI peak PSS, process tree", f"{pss / 1024:.0f} MiB", f"RSS sum {tree / 1024:.0f} MiB", "",
            "(info: RSS counts shared pages per process)", None)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100,000 lines instead of 1,000,000")
    ap.add_argument("--count", type=int, default=None)
    ap.add_argument("--sections", default="1,2,3,4", help="the sections to run, e.g. 3 for classify alone")
    args = ap.parse_args(argv)
    sections = {int(x) for x in args.sections.split(",")}
    n = args.count or (100_000 if args.quick else 1_000_000)
    t_start = perf()
    print(f"zwgk_rules CLI benchmark, {n:,} lines; {os.cpu_count()} CPUs; load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-cli-") as td:
        tmp = Path(td)
        reqs = tmp / "requests.jsonl"
        fifth = tmp / "fifth.jsonl"
        if sections & {1, 2, 4}:
            t0 = perf()
            write_lines(reqs, traffic.requests(n, seed=SEED))
            print(f"  {n:,} requests generated in {perf() - t0:.0f} s ({reqs.stat().st_size / 1e6:,.0f} MB)")
            with open(reqs, "rb") as src, open(fifth, "wb") as dst:
                for k, line in enumerate(src):
                    if k >= n // 5:
                        break
                    dst.write(line)

        if 1 in sections:
            hdr(f"1. decide on {n:,} diverse requests, against the I/O floor")
            section_against_floor("decide", reqs, n, "requests")

        if 2 in sections:
            hdr(f"2. --explain on {n // 5:,} of them, against plain decide on the same lines")
            # interleaved (plain, --explain, plain, …), so that a change in the machine's load meets both alike
            plain, expl = [], []
            for _ in range(3):
                plain.append(timed(cli("decide", fifth)))
                expl.append(timed(cli("decide", fifth, "--explain")))
            f = min(expl) / min(plain)
            pairs = sorted(e / p for p, e in zip(plain, expl))
            print(f"  plain {min(plain):.1f} s, --explain {min(expl):.1f} s (best of 3 each, interleaved): x{f:.2f}; "
                  f"per pair x{' x'.join(f'{x:.2f}' for x in pairs)}")
            row(f"decide --explain, {n // 5:,} lines", f"{min(expl):.1f} s", f"plain {min(plain):.1f} s",
                f"x{f:.2f} time", "≤ 2× (issue 12)", f <= 2)
        if reqs.exists():
            reqs.unlink()

        if 3 in sections:
            docs = tmp / "documents.jsonl"
            write_lines(docs, documents(n))
            hdr(f"3. classify on {n:,} diverse documents, against the I/O floor")
            section_against_floor("classify", docs, n, "documents")
            docs.unlink()

        if 4 in sections:
            hdr("4. start-up as a user meets it: a fresh zwgk decide of one line")
            with open(fifth, "rb") as fh:
                one = tmp / "one.jsonl"
                one.write_bytes(fh.readline())
            walls = [timed(cli("decide", one)) for _ in range(7)]
            passes = [timed([sys.executable, "-c", "pass"]) for _ in range(7)]
            s, p = statistics.median(walls), statistics.median(passes)
            print(f"  zwgk decide (one line): median {s * 1e3:.0f} ms, best {min(walls) * 1e3:.0f} ms; "
                  f"python -c pass {p * 1e3:.0f} ms")
            row("start-up: fresh zwgk decide, 1 line", f"{s * 1e3:.0f} ms (best {min(walls) * 1e3:.0f})",
                f"python -c pass {p * 1e3:.0f} ms", f"{s / p:.0f}x pass", "≤ 300 ms (issue 12)", s <= 0.300)
    print_summary()
    print(f"\ntotal bench time {perf() - t_start:.0f} s")


if __name__ == "__main__":
    main()
