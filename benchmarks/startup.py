"""Start-up as a user meets it: a fresh ``zwgk decide`` of one line, imports included (issue 12, part 2).

Two environments, measured in the same run, interleaved (this machine is shared: wall times are noisy):

- **a user's install**: a new virtual environment with only the wheel built from this tree and its
  dependencies (``pip install zwgk_rules-*.whl``), as ``pip install zwgk-rules`` gives. This is the
  figure for the target (≤ 300 ms).
- **this environment** (the development one, with every extra and test tool installed): pydantic scans
  the entry points of every installed distribution when it builds its first validator (its plugin
  loader), so the number of distributions installed shows in the figure.

Baseline: ``python -c pass`` of each environment's interpreter, in the same rounds.

    python benchmarks/startup.py              # 9 rounds
    python benchmarks/startup.py --rounds 15 --keep /tmp/zwgk-user-venv     # --keep DIR: reused as it is (a new DIR after a change)
    python benchmarks/startup.py --ir         # also the instructions executed (valgrind), which the load does not move

Building the user's environment needs ``pip`` to reach an index (or a local mirror) for the dependencies;
without one the script says so and measures this environment only.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINE = {"id": "s1", "submission": {"channel": "online", "submitted_on": "2026-09-28", "confirmed_on": "2026-09-28"},
        "items": [{"description": "2025年度部门预算"}]}


def user_install(where: Path) -> Path | None:
    """A fresh venv under ``where`` with the wheel of this tree and its dependencies; its ``zwgk`` script."""
    wheels = where / "wheel"
    venv = where / "venv"
    script = venv / "bin" / "zwgk"
    if script.exists():
        return script
    try:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
                       check=True, capture_output=True, timeout=300)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
        wheel = next(wheels.glob("zwgk_rules-*.whl"))
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True,
                       capture_output=True, timeout=600)
    except (subprocess.SubprocessError, StopIteration, OSError) as exc:
        print(f"  (no user's install: {exc}; measuring this environment only)")
        return None
    return script


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t0
    if done.returncode != 0 or not done.stdout.startswith(b"{"):
        raise SystemExit(f"{cmd}: rc {done.returncode}: {done.stderr.decode()[-400:]}")
    return wall


def timed_pass(python: str, env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run([python, "-c", "pass"], check=True, env=env)
    return time.perf_counter() - t0


def instructions(cmd: list[str], env: dict) -> int | None:
    """Instructions executed by ``cmd`` (callgrind's ``refs``, hash seed fixed: repeatable to ~0.1 %), or None
    without valgrind. Unlike wall time, the count does not move with the load of a shared machine."""
    import re
    import shutil
    if shutil.which("valgrind") is None:
        return None
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**env, "PYTHONHASHSEED": "0"})
    found = re.search(rb"refs:\s*([\d,]+)", done.stderr)
    return int(found.group(1).replace(b",", b"")) if found else None


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--keep", type=Path, default=None, help="build (or reuse) the user's venv here")
    ap.add_argument("--ir", action="store_true", help="also count the instructions (valgrind's callgrind)")
    args = ap.parse_args(argv)
    print(f"start-up benchmark: {os.cpu_count()} CPUs; load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYDANTIC_DISABLE_PLUGINS")}
    with tempfile.TemporaryDirectory(prefix="zwgk-startup-") as td:
        where = args.keep or Path(td)
        where.mkdir(parents=True, exist_ok=True)
        one = Path(td) / "one.jsonl"
        one.write_text(json.dumps(LINE, ensure_ascii=False) + "\n", encoding="utf-8")
        user = user_install(where)
        envs = {"this environment": ([sys.executable, "-m", "zwgk_rules", "decide", str(one)], sys.executable)}
        if user is not None:
            envs["a user's install"] = ([str(user), "decide", str(one)], str(user.parent / "python"))
        for cmd, _ in envs.values():          # the .pyc files written, the page cache warm
            timed(cmd, env)
        walls: dict = {k: [] for k in envs}
        passes: dict = {k: [] for k in envs}
        for _ in range(args.rounds):
            for name, (cmd, python) in envs.items():
                walls[name].append(timed(cmd, env))
                passes[name].append(timed_pass(python, env))
        print("\n| environment | fresh one-line `zwgk decide`: median (best) | `python -c pass` median | target |")
        print("|---|---|---|---|")
        for name in envs:
            med = statistics.median(walls[name])
            verdict = ("PASS" if med <= 0.300 else "MISS") if name == "a user's install" else "(info)"
            print(f"| {name} | {med * 1e3:.0f} ms ({min(walls[name]) * 1e3:.0f}) | "
                  f"{statistics.median(passes[name]) * 1e3:.0f} ms | ≤ 300 ms: {verdict} |")
        if args.ir:
            print("\n| environment | instructions, one-line `zwgk decide` | `python -c pass` |")
            print("|---|---|---|")
            for name, (cmd, python) in envs.items():
                ir, base = instructions(cmd, env), instructions([python, "-c", "pass"], env)
                if ir is None:
                    print(f"| {name} | (no valgrind) | |")
                    break
                print(f"| {name} | {ir / 1e6:,.1f} M | {base / 1e6:,.1f} M |")


if __name__ == "__main__":
    main()
