"""Memory of the command line, and of one engine, on traffic that memos cannot answer (not a test).

    PYTHONPATH=src .venv/bin/python benchmarks/memory.py [--lines 1000000] [--big 1000] [--engine 2000000]

Two workloads, each written to a JSONL file and decided by ``python -m zwgk_rules decide FILE`` (the
automatic choice of worker processes applies: two for files over 8 MB):

* ``--lines`` distinct requests of 1–3 items (now and then 4–6), drawn by ``tests/traffic.py`` (the
  generator shared with ``bench.py`` and ``tests/test_oracle.py``): receipt dates spread over 2008–2026,
  every channel, categories, third-party answers, consultations, corrections, extensions, art. 35,
  request natures and local packs; every request has its own id and descriptions;
* ``--big`` requests of 1,000 items each, all distinct.

For each it prints the largest process's maximum RSS (``/usr/bin/time -v`` or getrusage), the peak of
the summed RSS of the process tree (sampled from /proc), and the same for a 10,000-line file of the
first workload as the baseline, measured in the same run.

Then, in a fresh process, one ``Engine("cn")`` decides ``--engine`` diverse national requests by
``decide_raw`` (issue 12, part 1: the memos bounded, RSS ≤ 200 MB over 2,000,000 such requests): each
request drawn from ``tests/traffic.py`` as it is decided (seed 12; none held), RSS read from
``/proc/self/status`` every 10,000 requests; printed: RSS after loading, after the first 10,000 requests
(the baseline), the peak and the end, with peak ÷ baseline. ``--engine 0`` leaves this part out.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
from bench import max_rss_kb, tree_sum_kb  # noqa: E402
from traffic import request  # noqa: E402   tests/traffic.py: the generator shared with bench.py and the tests


def write(path: Path, n: int, seed: int, items: int | None = None) -> int:
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(request(rnd, i, items), ensure_ascii=False) + "\n")
    return path.stat().st_size


ENGINE_TARGET_MB = 200      # issue 12, part 1: RSS over 2,000,000 diverse requests


def engine_child(n: int) -> None:
    """The engine part, run in a fresh process (``--engine-child N``): prints one line of figures."""
    import os
    import time

    from traffic import request as draw
    import zwgk_rules
    eng = zwgk_rules.Engine("cn")
    loaded = tree_sum_kb(os.getpid())
    rnd = random.Random(12)
    base = peak = 0
    decided = refused = 0
    t = time.perf_counter()
    for k in range(n):
        try:
            eng.decide_raw(draw(rnd, k, national_only=True))
            decided += 1
        except zwgk_rules.ZwgkError:
            refused += 1                # the generator's rare accidental error: still read and checked
        if (k + 1) % 10_000 == 0:
            rss = tree_sum_kb(os.getpid())
            peak = max(peak, rss)
            if k + 1 == 10_000:
                base = rss
    end = tree_sum_kb(os.getpid())
    peak = max(peak, end)
    print(json.dumps({"n": n, "decided": decided, "refused": refused, "loaded": loaded, "base": base,
                      "peak": peak, "end": end, "seconds": time.perf_counter() - t}))


def engine_part(n: int) -> None:
    import subprocess
    p = subprocess.run([sys.executable, __file__, "--engine-child", str(n)], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"engine part failed: {p.stderr.strip()[-500:]}")
        return
    r = json.loads(p.stdout.strip().splitlines()[-1])
    mib = lambda kb: kb / 1024     # noqa: E731
    ok = r["peak"] / 1024 * 1.048576 <= ENGINE_TARGET_MB
    print(f"one engine, decide_raw on {r['n']:,} diverse national requests ({r['decided']:,} decided, "
          f"{r['refused']:,} refused; {r['seconds']:,.0f} s, drawing included):")
    print(f"  RSS loaded {mib(r['loaded']):,.1f} MiB; after 10,000 (baseline) {mib(r['base']):,.1f} MiB; "
          f"peak {mib(r['peak']):,.1f} MiB ({r['peak'] / r['base']:.2f}x the baseline); end {mib(r['end']):,.1f} MiB")
    print(f"  target: peak ≤ {ENGINE_TARGET_MB} MB (issue 12, part 1): {'PASS' if ok else 'MISS'}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--big", type=int, default=1000)
    ap.add_argument("--engine", type=int, default=2_000_000, help="requests for the engine part (0: none)")
    ap.add_argument("--engine-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.engine_child is not None:
        engine_child(args.engine_child)
        return
    cmd = [sys.executable, "-m", "zwgk_rules", "decide"]
    with tempfile.TemporaryDirectory(prefix="zwgk-mem-") as td:
        td = Path(td)
        rows = []
        for name, n, items in (("baseline: 10,000 distinct requests of 1–3 items", 10_000, None),
                               (f"{args.lines:,} distinct requests of 1–3 items", args.lines, None),
                               (f"{args.big:,} requests of 1,000 items each", args.big, 1000)):
            f = td / f"{n}-{items}.jsonl"
            size = write(f, n, seed=n, items=items)
            rss, tree, wall, how = max_rss_kb([*cmd, str(f)], ok_codes=(0, 1))   # 1: a few error lines
            rows.append((name, size, rss, tree, wall))
            print(f"{name}: file {size / 2**20:,.0f} MiB; largest process {rss / 1024:,.1f} MiB; "
                  f"process tree peak {tree / 1024:,.1f} MiB; {wall:,.1f} s ({n / wall:,.0f} requests/s); {how}",
                  flush=True)
        base = rows[0][2]
        for name, _, rss, _, _ in rows[1:]:
            print(f"  {name}: {rss / base:.2f}x the baseline's largest process")
    if args.engine:
        engine_part(args.engine)


if __name__ == "__main__":
    main()
