"""Memory of the command line on traffic that memos cannot answer (not a test).

    PYTHONPATH=src .venv/bin/python benchmarks/memory.py [--lines 1000000] [--big 1000]

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
from bench import max_rss_kb  # noqa: E402
from traffic import request  # noqa: E402   tests/traffic.py: the generator shared with bench.py and the tests


def write(path: Path, n: int, seed: int, items: int | None = None) -> int:
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(request(rnd, i, items), ensure_ascii=False) + "\n")
    return path.stat().st_size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--big", type=int, default=1000)
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
