"""What issue 12 part 2's target leaves for the law: the CPU a line may cost at 1/3 of the orjson floor, beside
what reading, deciding and writing a ``decide`` line cost today (not a test).

    PYTHONPATH=src .venv/bin/python benchmarks/budget.py [--per-pass 10000] [--passes 5]

All in one process, on the same diverse *national* lines (``tests/traffic.py``, seed 16; national so that the
hand-written baseline, ``tests/oracle.py``, can decide them too), GC off while timing, ``time.process_time``.
A warm-up slice first, then each pass takes a slice of lines never seen before, every measure running on it in
turn (interleaved: a busier minute slows all of them alike); per line, the median of the passes:

  floor            orjson loads + dumps of the line (the issue's floor, here in-process)
  answer floor     orjson loads of the line + orjson dumps of its answer (the answer as parsed objects)
  skeleton         the least a strict Python line loop does: msgspec reads the line into the typed dicts
                   (types and limits checked), the colon count, a kept answer found by the items' categories
                   and joined with the id and four dates; no decision, no deadline, no validators
  reader           the CLI's record reader (``_decide_read``, records, stream) alone
  + engine         and the engine's hot path (``Engine._hot_rd``) on each record
  + encoder        and the answer's bytes (``Encoder.encode_parts``)
  chunk loop       ``_Decider.chunk``: what a worker of ``zwgk decide`` does with its lines
  baseline         the hand-written baseline deciding the same requests (already read into models): the
                   decision alone, as part 1 measures it (dict answers, no bytes)

Then ``zwgk decide`` itself on a file of ``--cli-lines`` such lines (default settings: two workers), its
processes' CPU sampled from /proc every 20 ms: the parent's (reading, chunking, pipes) and the workers' a line.

Then the budget, with the floor as ``bench_cli.py`` takes it (orjson loads + dumps over the file, in a fresh
process, best of 2): on this 2-core machine the target (≥ 1/3 of the floor's lines a second) allows at most
6 × the floor's time a line of CPU for the whole process tree; less the parent's share, and divided by what a
worker's line costs beside the same loop alone in one process (the pipes, two processes sharing the machine),
that is what the chunk loop may cost.
"""
from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE.parent / "tests"), str(HERE)]

SEED = 16


def tree_cpu(cmd: list[str]) -> tuple[float, float, float]:
    """Run ``cmd`` (stdout to /dev/null); (wall s, the first process's CPU s, its descendants' CPU s), each
    process's utime + stime read from /proc every 20 ms (the last reading of each)."""
    import os
    import subprocess
    from bench import tree_pids
    tick = os.sysconf("SC_CLK_TCK")
    seen: dict = {}
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    while p.poll() is None:
        for pid in tree_pids(p.pid):
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    f = fh.read().rsplit(")", 1)[1].split()
                seen[pid] = (int(f[11]) + int(f[12])) / tick
            except OSError:
                continue
        time.sleep(0.02)
    wall = time.perf_counter() - t
    parent = seen.pop(p.pid, 0.0)
    return wall, parent, sum(seen.values())


def lines_of(n: int) -> list[bytes]:
    import traffic
    return [json.dumps(r, ensure_ascii=False).encode() for r in traffic.requests(n, seed=SEED, national_only=True)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-pass", type=int, default=10_000)
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--cli-lines", type=int, default=300_000)
    args = ap.parse_args()
    import msgspec
    import orjson

    from oracle import NationalOracle
    from zwgk_rules import DisclosureRequest, Engine
    from zwgk_rules import _cli, _decide_read
    from zwgk_rules._encode import has_separator, one_line

    per, passes = args.per_pass, args.passes
    lines = lines_of(per * (passes + 1))
    dec = _cli._Decider(False, "python", "decide", None, (), None)
    answers = [dec.chunk(lines[k:k + 2000])[0].split(b"\n")[:-1] for k in range(0, len(lines), 2000)]
    answers = [orjson.loads(a) for block in answers for a in block]
    ok = [i for i, a in enumerate(answers) if "error" not in a]
    refused = len(lines) - len(ok)
    lines = [lines[i] for i in ok]
    answers = [answers[i] for i in ok]
    models = [DisclosureRequest.model_validate_json(ln) for ln in lines]
    eng = Engine("cn")
    oracle = NationalOracle(eng.calendar, eng.rulebook.dispositions).decide
    print(f"{len(lines):,} diverse national lines ({refused} refused left out); "
          f"{sum(map(len, lines)) / len(lines):,.0f} bytes a line, answers "
          f"{sum(len(orjson.dumps(a)) for a in answers[:5000]) / min(5000, len(answers)):,.0f} bytes")

    # a fresh decider for the timed measures (the one above only made the answers)
    d = _cli._Decider(False, "python", "decide", None, (), None)
    rec, fast, encode = None, d._fast_rd, d.encode
    td = msgspec.json.Decoder(_decide_read._typed_dict(DisclosureRequest, msgspec, {})).decode
    sample = d.chunk(lines[:2000])[0].split(b"\n")[0]
    pieces = [sample[i * len(sample) // 30:(i + 1) * len(sample) // 30] for i in range(30)]
    kept: dict = {}

    def floor(ls, _as):
        loads, dumps = orjson.loads, orjson.dumps
        for ln in ls:
            dumps(loads(ln))

    def answer_floor(ls, ans):
        loads, dumps = orjson.loads, orjson.dumps
        for ln, a in zip(ls, ans):
            loads(ln)
            dumps(a)

    def skeleton(ls, _as):
        out = []
        append = out.append
        for ln in ls:
            g = td(ln)
            n = len(g)
            its = g.get("items", ())
            for it in its:
                n += len(it)
            key = tuple(tuple(it.get("categories", ())) for it in its)
            p = kept.get(key)
            if p is None:
                p = kept[key] = list(pieces)
            r = str(g["submission"]["submitted_on"]).encode()
            one = p.copy()
            one[0] = g["id"].encode()
            one[5] = one[7] = one[9] = one[11] = r
            append(b"".join(one) if ln.count(b":") == n else b"")
            append(b"\n")
        return b"".join(out)

    def reader(ls, _as):
        for _ in rec(ls):
            pass

    def engine(ls, _as):
        for r in rec(ls):
            rd = r.__dict__
            got = fast.get(rd["jurisdiction"]) or d._hot_of(rd["jurisdiction"])
            got[0](rd, False, False)

    def encoder(ls, _as):
        out = []
        for ln, r in zip(ls, rec(ls)):
            rd = r.__dict__
            got = fast.get(rd["jurisdiction"]) or d._hot_of(rd["jurisdiction"])
            data = encode(rd["id"], got[1], got[0](rd, False, False))
            out.append(one_line(data) if has_separator(ln) else data)

    def chunk_loop(ls, _as):
        for k in range(0, len(ls), 2000):
            d.chunk(ls[k:k + 2000])

    def baseline(ms, _as):
        for m in ms:
            oracle(m)

    measures = {"floor": floor, "answer floor": answer_floor, "skeleton": skeleton, "reader": reader,
                "+ engine": engine, "+ encoder": encoder, "chunk loop": chunk_loop, "baseline": baseline}
    d.chunk(lines[:per])                    # warm-up slice: the reader made, stretches compiled, memos started
    rec = d._read_rec
    for f in measures.values():
        f(models[:per] if f is baseline else lines[:per], answers[:per])
    times: dict = {k: [] for k in measures}
    for p in range(1, passes + 1):
        sl = slice(p * per, (p + 1) * per)
        for name, f in measures.items():
            arg = models[sl] if f is baseline else lines[sl]
            gc.disable()
            t = time.process_time()
            f(arg, answers[sl])
            times[name].append((time.process_time() - t) / len(arg) * 1e6)
            gc.enable()
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\nCPU a line, median of {passes} passes of {per:,} new lines each (µs):")
    for k, v in med.items():
        print(f"  {k:<14} {v:7.2f}   [{', '.join(f'{t:.2f}' for t in times[k])}]")
    loop = med["chunk loop"]

    import os
    import tempfile
    with tempfile.TemporaryDirectory(prefix="zwgk-budget-") as td:
        path = Path(td) / "lines.jsonl"
        n = args.cli_lines
        more = lines_of(n) if n > len(lines) else lines[:n]
        path.write_bytes(b"\n".join(more) + b"\n")
        del more
        from bench_cli import floor as file_floor
        rate = file_floor(path, "orjson")
        env_py = [sys.executable, "-m", "zwgk_rules", "decide", str(path)]
        os.environ["PYTHONPATH"] = str(HERE.parent / "src")
        wall, parent, workers = tree_cpu(env_py)
    floor_us = 1e6 / rate
    budget = 6 * floor_us
    parent_us, workers_us = parent / n * 1e6, workers / n * 1e6
    if not workers:
        print(f"\nzwgk decide on {n:,} lines ran in one process ({wall:.2f} s, {parent_us:.2f} µs a line): the file is under "
              f"the size at which it starts workers; give --cli-lines enough lines (the default) for the budget")
        return
    spread = workers_us / loop
    allowed = (budget - parent_us) / spread
    print(f"\nzwgk decide on {n:,} such lines (default settings): {wall:.2f} s = {n / wall:,.0f} lines/s; CPU a line: "
          f"parent {parent_us:.2f} µs, workers {workers_us:.2f} µs ({spread:.2f}× the chunk loop alone)")
    print(f"floor (bench_cli's: orjson over the file, fresh process, best of 2): {rate:,.0f} lines/s = {floor_us:.2f} µs "
          f"a line; the CLI stands at 1/{rate / (n / wall):.1f} of it (start-up included)")
    left = allowed - med["skeleton"]
    ideal = budget - parent_us
    print(f"\nbudget at 1/3 of the floor on 2 cores: 6 × {floor_us:.2f} = {budget:.2f} µs of CPU a line, whole tree")
    print(f"  less the parent ({parent_us:.2f}), over the workers' {spread:.2f}× (noisy: the machine's speed moves by "
          f"±15 % within minutes): the chunk loop may cost {allowed:.2f} µs a line; with no such spread at all, "
          f"{ideal:.2f} µs")
    print(f"  it costs {loop:.2f} µs = {loop / allowed:.2f}× the first, {loop / ideal:.2f}× the second")
    print(f"  the skeleton alone: {med['skeleton']:.2f} µs; left for checks, decision, deadline and the real answer: "
          f"{left:.2f} µs ({ideal - med['skeleton']:.2f} with no spread); today those cost {loop - med['skeleton']:.2f} µs")
    print(f"  of which the engine's hot path {med['+ engine'] - med['reader']:.2f} µs; the hand-written baseline's "
          f"decision alone {med['baseline']:.2f} µs = {med['baseline'] / left:.2f}× what is left "
          f"({med['baseline'] / (ideal - med['skeleton']):.2f}× with no spread)")

if __name__ == "__main__":
    main()
