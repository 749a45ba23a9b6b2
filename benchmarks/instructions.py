"""Instructions and simulated cache misses per request: ``Engine.decide_raw`` beside the hand-written baseline
(issue 12, part 1: "measure with callgrind or similar and report instruction counts beside wall time").

Wall time on this shared 2-core machine moves by ±10 % between passes; valgrind's counts do not (the same
binary, inputs and hash seed give the same count, whatever else runs). For each workload of ``bench.py``
section 1b/1c (diverse national requests; memo-hostile ones), a child process decides passes 1 … k−1 of new
requests and then pass k inside ``functools.reduce``, and callgrind collects only inside that C function
(``--toggle-collect``): the count is pass k alone, divided by its requests. Both the engine and the baseline
(``tests/oracle.py``) get the same requests (same generator and seed as ``bench.py``), in their own process.

With ``--cache`` the same runs also simulate the caches (``--cache-sim=yes``) with the last level set to
1 MiB, 8-way (this machine's L2 per core: ``lscpu``), and print its read and write misses per request: on this
workload the wall-time figure follows instructions *and* misses to memory beyond L2, which the instruction
count alone does not show.

    PYTHONPATH=src .venv/bin/python benchmarks/instructions.py            # passes 1–3 of 4,000, ~3 min
    PYTHONPATH=src .venv/bin/python benchmarks/instructions.py --cache    # also the simulated L2 misses, ~6 min
    PYTHONPATH=src .venv/bin/python benchmarks/instructions.py --per-pass 10000 --passes 2
    PYTHONPATH=src .venv/bin/python benchmarks/instructions.py --cache --reading --workloads diverse --passes 3

``--reading`` adds a third child that only reads, from each request, the fields the engine's hot path reads (``reading``):
the misses of getting a request out of memory, under both the engine and the baseline (session 13: 28.4 of the
baseline's 31.3 on diverse traffic).

Needs valgrind (Debian's ``valgrind``); without it the script says so and exits 0.
"""
from __future__ import annotations

import argparse
import functools
import operator
import gc
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (ROOT / "src", ROOT / "tests", HERE):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

WORKLOADS = ("diverse", "adversarial")
WHO = ("engine", "baseline")
LL = "1048576,8,64"       # 1 MiB, 8-way, 64-byte lines


def child(who: str, workload: str, upto: int, per_pass: int) -> None:
    """Decide passes 1 … upto−1 plainly, pass ``upto`` inside ``functools.reduce`` (what callgrind collects)."""
    import bench
    from oracle import NationalOracle
    make = bench.diverse_requests if workload == "diverse" else bench.adversarial_requests
    reqs, _, checker = make(per_pass * upto)
    if who == "engine":
        import zwgk_rules
        f = zwgk_rules.Engine("cn").decide_raw
    elif who == "reading":
        f = reading
    else:
        f = NationalOracle(checker.calendar, checker.rulebook.dispositions).decide
    del checker
    gc.collect()
    gc.disable()            # as bench.py's interleaved passes
    for k in range(upto - 1):
        for r in reqs[k * per_pass:(k + 1) * per_pass]:
            f(r)
    functools.reduce(lambda _, r: f(r), reqs[(upto - 1) * per_pass:upto * per_pass], None)


_ITEM = operator.itemgetter("exists", "held", "proactively_published", "requires_creation", "special_procedure",
                            "categories", "disclosure_required_by_law", "severable", "responsible_agency", "third_party")
_RECEIPT = {"online": "confirmed_on", "post": "signed_on"}


def reading(req) -> dict:
    """``--reading``: the fields the engine's hot path reads of a request and its items, read and nothing else (a
    small dict of them returned, as an answer would hold them): the misses of reading a request out of memory, the
    floor under both the engine and the baseline."""
    rd = req.__dict__
    sd = rd["submission"].__dict__
    got = (rd["jurisdiction"] == "cn", sd.get(_RECEIPT.get(sd["channel"], "submitted_on")), sd["submitted_on"],
           rd["correction"], rd["excessive"], rd["extension"], rd["consultations"], rd["nature"], rd["content_clear"],
           rd["repeat_of_answered"])
    return {"id": rd["id"], "got": got, "items": [_ITEM(it.__dict__) for it in rd["items"]]}


def counts(path: Path) -> dict:
    """callgrind's totals: {event: count}."""
    events = None
    for line in path.read_text().splitlines():
        if line.startswith("events:"):
            events = line.split()[1:]
        elif line.startswith(("summary:", "totals:")) and events:
            return dict(zip(events, map(int, line.split()[1:])))
    raise RuntimeError(f"no totals in {path}")


def misses(c: dict) -> float:
    """Simulated last-level misses: data reads and writes, and instruction reads."""
    return c.get("DLmr", 0) + c.get("DLmw", 0) + c.get("ILmr", 0)


def measure(who: str, workload: str, upto: int, per_pass: int, cache: bool, tmp: Path) -> dict:
    out = tmp / f"cg.{who}.{workload}.{upto}"
    cmd = ["valgrind", "--tool=callgrind", "--toggle-collect=functools_reduce", f"--callgrind-out-file={out}"]
    if cache:
        cmd += ["--cache-sim=yes", f"--LL={LL}"]
    cmd += [sys.executable, __file__, "--child", who, workload, str(upto), str(per_pass)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{who} {workload} pass {upto}: {done.stderr[-2000:]}")
    return {k: v / per_pass for k, v in counts(out).items()}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=4, metavar=("WHO", "WORKLOAD", "PASS", "PER_PASS"), help=argparse.SUPPRESS)
    ap.add_argument("--passes", type=int, default=3, help="measure passes 1 … N (default 3)")
    ap.add_argument("--per-pass", type=int, default=4000, help="requests per pass (default 4,000)")
    ap.add_argument("--cache", action="store_true", help="also simulate the caches (L2-sized last level)")
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--reading", action="store_true",
                    help="also count reading the fields the engine reads, and nothing else (the floor under both)")
    args = ap.parse_args(argv)
    if args.child:
        who, workload, upto, per_pass = args.child
        child(who, workload, int(upto), int(per_pass))
        return
    if shutil.which("valgrind") is None:
        print("valgrind not found: no instruction counts (apt-get install valgrind)")
        return
    workloads = [w for w in args.workloads.split(",") if w]
    whos = WHO + (("reading",) if args.reading else ())
    jobs = [(who, w, k) for w in workloads for k in range(1, args.passes + 1) for who in whos]
    print(f"instructions per request (callgrind, PYTHONHASHSEED=0), passes of {args.per_pass:,} new requests"
          + ("; simulated last-level cache of 1 MiB, 8-way, 64-byte lines" if args.cache else ""), flush=True)
    with tempfile.TemporaryDirectory(prefix="zwgk-ir-") as td, ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        futs = {j: pool.submit(measure, *j, args.per_pass, args.cache, Path(td)) for j in jobs}
        res = {j: f.result() for j, f in futs.items()}
    head = f"{'workload':<12} {'pass':>4}  {'engine Ir':>10} {'baseline Ir':>12} {'baseline/engine':>16}"
    if args.cache:
        head += f"  {'engine L2 misses':>17} {'baseline L2 misses':>19}"
    if args.reading:
        head += f"  {'reading Ir':>11}" + (f" {'reading L2 misses':>18}" if args.cache else "")
    print(head)
    for w in workloads:
        for k in range(1, args.passes + 1):
            e, b = res[("engine", w, k)], res[("baseline", w, k)]
            line = f"{w:<12} {k:>4}  {e['Ir']:>10,.0f} {b['Ir']:>12,.0f} {b['Ir'] / e['Ir']:>15.2f}x"
            if args.cache:
                line += f"  {misses(e):>17.1f} {misses(b):>19.1f}"
            if args.reading:
                r = res[("reading", w, k)]
                line += f"  {r['Ir']:>11,.0f}" + (f" {misses(r):>18.1f}" if args.cache else "")
            print(line)
    print("(baseline/engine > 1: the engine executes fewer instructions per request than the hand-written baseline)")


if __name__ == "__main__":
    main()
