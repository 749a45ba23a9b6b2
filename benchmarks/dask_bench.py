"""Dask beside the command line on the same diverse lines (issue 12, part 5; not a test).

    PYTHONPATH=src .venv/bin/python benchmarks/dask_bench.py [--quick] [--lines N] [--reps R]

Writes N diverse requests (tests/traffic.py, fixed seed: receipt dates 2008–2026, 1–6 items, consultations,
corrections, one in three for a local pack) to one JSONL file, checks on the first 20,000 lines that
``zwgk decide FILE --dask local:2`` writes the very bytes ``zwgk decide FILE`` writes, then times, interleaved
in R rounds on the whole file (each a fresh process as a user runs it, writing its answers to a file with
``-o``, as a user does — on the same disk as the input, removed after each run):

  cli          python -m zwgk_rules decide FILE                   (default settings: 2 worker processes)
  dask local   python -m zwgk_rules decide FILE --dask local:2    (starts and stops a LocalCluster)
  dask running python -m zwgk_rules decide FILE --dask tcp://…    (a LocalCluster of 2 workers already
                                                                  running, started by this script)

(with ``-o FILE`` the workers of a cluster on this machine write their answers into the file themselves;
to a pipe they send them back to the client, which writes them: both are checked for the CLI's bytes), and
prints each run, the throughputs and the ratio Dask ÷ CLI of every round (the target of issue 12: ≥ 0.9
on one machine), with the load average (``uptime``) before and after: the machine is shared.
Default 1,000,000 lines and 2 rounds; ``--quick``: 50,000 lines, 1 round.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC, TESTS = ROOT / "src", ROOT / "tests"
for _p in (SRC, TESTS):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import traffic  # noqa: E402

SEED = 12


def load() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join([str(SRC), e.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return e


def write_lines(path: Path, n: int) -> int:
    t0 = time.perf_counter()
    with open(path, "w", encoding="utf-8") as fh:
        for r in traffic.requests(n, seed=SEED):
            fh.write(json.dumps(r, ensure_ascii=False))
            fh.write("\n")
    size = path.stat().st_size
    print(f"wrote {n:,} diverse requests ({size / 1e6:,.0f} MB, {size / n:,.0f} bytes a line) in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)
    return size


def zwgk(path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "zwgk_rules", "decide", str(path), *extra]


def digest(cmd: list[str]) -> tuple[str, int, int]:
    """(sha256 of the output, its lines, exit status) of ``cmd``."""
    h, lines = hashlib.sha256(), 0
    with subprocess.Popen(cmd, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE) as p:
        for block in iter(lambda: p.stdout.read(1 << 20), b""):
            h.update(block)
            lines += block.count(b"\n")
        err = p.stderr.read()
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd}: exit {p.returncode}\n{err.decode(errors='replace')}")
    return h.hexdigest(), lines, p.returncode


def file_digest(cmd: list[str], out: Path) -> tuple[str, int, int]:
    """(sha256, lines, exit status) of what ``cmd -o out`` writes into ``out`` (removed afterwards)."""
    p = subprocess.run([*cmd, "-o", str(out)], env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd}: exit {p.returncode}\n{p.stderr.decode(errors='replace')}")
    data = out.read_bytes()
    out.unlink()
    return hashlib.sha256(data).hexdigest(), data.count(b"\n"), p.returncode


def peak_rss(pid: int) -> int | None:
    """A process's peak resident set in bytes (Linux ``VmHWM``), or None."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def timed(cmd: list[str], extra_pids: tuple[int, ...] = ()) -> tuple[float, float]:
    """(wall seconds, CPU seconds): the CPU of the command and of every process under it, sampled every 25 ms
    (the last sample of each: a process's last few milliseconds are not counted, for the command line and Dask
    alike), plus that of ``extra_pids`` over the run (a running cluster's workers and this process, which hosts
    its scheduler). Sampled, not taken from the waited-for children's usage: the workers of a local cluster
    forked from a fork server (``zwgk_rules.dask._forkserver``) are not waited for by the command."""
    import psutil
    others = [psutil.Process(p) for p in extra_pids]

    def cpu_of(ps):
        return sum(sum(p.cpu_times()[:2]) for p in ps)

    seen: dict = {}

    def sample(root) -> None:
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        for q in procs:
            try:
                t = q.cpu_times()
                seen[(q.pid, q.create_time())] = t.user + t.system
            except psutil.Error:
                pass

    o0 = cpu_of(others)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(p.pid)
    err = bytearray()
    import threading
    reader = threading.Thread(target=lambda: err.extend(p.stderr.read()), daemon=True)
    reader.start()
    while p.poll() is None:
        sample(root)
        time.sleep(0.025)
    wall = time.perf_counter() - t0
    reader.join()
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd}: exit {p.returncode}\n{bytes(err).decode(errors='replace')}")
    return wall, sum(seen.values()) + cpu_of(others) - o0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="50,000 lines, 1 round")
    ap.add_argument("--lines", type=int, help="how many lines (default 1,000,000; --quick 50,000)")
    ap.add_argument("--reps", type=int, help="rounds of the three runs (default 2; --quick 1)")
    args = ap.parse_args(argv)
    n = args.lines or (50_000 if args.quick else 1_000_000)
    reps = args.reps or (1 if args.quick else 2)
    import dask
    from dask.distributed import Client, LocalCluster

    import zwgk_rules
    from zwgk_rules.dask import _lean
    print(f"zwgk_rules {zwgk_rules.__version__}, dask {dask.__version__}; python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs")
    print(f"before: {load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="zwgk-dask-bench-") as td:
        path = Path(td) / "diverse.jsonl"
        write_lines(path, n)
        sample = Path(td) / "sample.jsonl"
        with open(path, "rb") as src, open(sample, "wb") as dst:
            for k, line in enumerate(src):
                if k == 20_000:
                    break
                dst.write(line)
        answers = Path(td) / "answers.jsonl"
        a, b = digest(zwgk(sample)), digest(zwgk(sample, "--dask", "local:2"))
        c = file_digest(zwgk(sample, "--dask", "local:2"), answers)
        assert a == b == c, f"the outputs differ: cli {a}, dask to a pipe {b}, dask into a file {c}"
        print(f"same bytes on the first {a[1]:,} lines: sha256 {a[0][:16]}…, exit {a[2]} all three (cli; dask to a "
              "pipe; dask into a file, written by the workers)", flush=True)
        with dask.config.set(_lean()), \
                LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                             silence_logs=logging.ERROR) as cluster, Client(cluster) as cl:
            runs: dict = {"cli": [], "dask local": [], "dask running": []}
            cpus: dict = {"cli": [], "dask local": [], "dask running": []}
            cmds = {"cli": zwgk(path), "dask local": zwgk(path, "--dask", "local:2"),
                    "dask running": zwgk(path, "--dask", cluster.scheduler_address)}
            import psutil
            workers = tuple(psutil.Process(pid) for pid in cl.run(os.getpid).values())
            for r in range(reps):
                for name, cmd in cmds.items():
                    extra = (os.getpid(), *(w.pid for w in workers)) if name == "dask running" else ()
                    wall, cpu = timed([*cmd, "-o", str(answers)], extra)
                    answers.unlink()
                    runs[name].append(wall)
                    cpus[name].append(cpu)
                    print(f"  round {r + 1} {name:12s} {wall:7.2f} s  {n / wall:9,.0f} requests/s;  CPU {cpu:7.1f} s = "
                          f"{cpu / n * 1e6:5.0f} µs a line", flush=True)
                print(f"  after round {r + 1}: {load()}", flush=True)
            peaks = [peak_rss(w.pid) for w in workers]
            if all(peaks):
                print("  the running cluster's workers, peak RSS: " + ", ".join(f"{p / 2**20:,.0f} MiB" for p in peaks))
    print(f"\n{n:,} diverse lines, {reps} round(s), each run a fresh process, start-up included, answers written to a file")
    cli = runs["cli"]
    for name in ("dask local", "dask running"):
        ratios = [c / d for c, d in zip(cli, runs[name])]
        print(f"  {name:12s} {n / statistics.median(runs[name]):9,.0f} req/s (median run) vs cli "
              f"{n / statistics.median(cli):9,.0f} req/s: ratio {statistics.median(ratios):.2f} (per round: "
              f"{', '.join(f'{x:.2f}' for x in ratios)}; target ≥ 0.90 for dask local)")
        cpu_ratios = [c / d for c, d in zip(cpus["cli"], cpus[name])]
        print(f"  {'':12s} CPU a line {statistics.median(cpus[name]) / n * 1e6:.0f} µs vs cli "
              f"{statistics.median(cpus['cli']) / n * 1e6:.0f} µs: CPU-bound ratio {statistics.median(cpu_ratios):.2f} "
              "(what the throughput ratio tends to on an otherwise idle machine, all cores busy)")
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
