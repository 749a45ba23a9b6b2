"""Load test of ``zwgk serve`` on localhost, bounded (well under 60 s): single-request throughput and p50/p99
latency, and the batch endpoint's throughput beside the command line's on the same lines.

    python benchmarks/serve.py [--seconds 8] [--lines 20000] [--clients 4]

A server process is started (``zwgk serve --port 0``); clients are threads with one ``httpx`` connection each
(keep-alive). The CLI baseline is ``zwgk decide FILE`` on the same JSONL file, in the same run, timed from
process start (imports and rule loading included, as a user meets it) and also minus the time it takes to
answer one line (its start-up), so that both figures are at hand.
"""
import argparse
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def requests(n: int, seed: int = 12) -> list[bytes]:
    """Diverse requests: receipt dates over 2019–2026, 1–3 items, some categories, some consultations."""
    rnd = random.Random(seed)
    cats = ["trade_secret", "personal_privacy", "process_information", "internal_affairs", "state_secret"]
    out = []
    for i in range(n):
        day = f"{rnd.randint(2019, 2026)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        items = []
        for _ in range(rnd.randint(1, 3)):
            it = {"description": f"信息{rnd.randint(1, 999)}"}
            if rnd.random() < 0.4:
                it["categories"] = [rnd.choice(cats)]
                if it["categories"][0] in ("trade_secret", "personal_privacy") and rnd.random() < 0.7:
                    it["third_party"] = {"consent": rnd.choice([True, False, "no_reply"])}
            if rnd.random() < 0.1:
                it["exists"] = False
            items.append(it)
        req = {"id": f"r{i}", "submission": {"channel": "in_person", "submitted_on": day}, "items": items}
        out.append(json.dumps(req, ensure_ascii=False).encode())
    return out


def start_server() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "zwgk_rules", "serve", "--port", "0", "--max-concurrency", "64",
                             "--max-body", str(256 << 20)], stderr=subprocess.PIPE, text=True)
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stderr.readline())
    url = f"http://127.0.0.1:{m.group(1)}"
    for _ in range(600):
        try:
            if httpx.get(url + "/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    return proc, url


def single(url: str, lines: list[bytes], seconds: float, clients: int) -> dict:
    lat: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(k: int) -> None:
        mine = []
        # TCP_NODELAY: httpx writes the headers and the body apart; with Nagle's algorithm the body would wait for
        # the server's delayed ACK (40 ms on Linux), which measures the kernel, not the server
        nodelay = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        with httpx.Client(base_url=url, transport=nodelay) as c:
            i = k
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                r = c.post("/v1/decide", content=lines[i % len(lines)], headers={"content-type": "application/json"})
                mine.append(time.perf_counter() - t0)
                assert r.status_code in (200, 422)
                i += clients
        with lock:
            lat.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat.sort()
    return {"requests": len(lat), "per_s": len(lat) / wall, "p50_ms": 1000 * statistics.median(lat),
            "p99_ms": 1000 * lat[int(0.99 * (len(lat) - 1))]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=8.0, help="each single-request run")
    ap.add_argument("--lines", type=int, default=20000, help="lines for the batch and the CLI")
    ap.add_argument("--clients", type=int, default=4)
    a = ap.parse_args()
    began = time.perf_counter()
    lines = requests(a.lines)
    body = b"\n".join(lines) + b"\n"
    proc, url = start_server()
    try:
        httpx.post(url + "/v1/batch/decide", content=body[:200000], timeout=60)      # warm the engine
        one = single(url, lines, a.seconds / 2, 1)
        many = single(url, lines, a.seconds / 2, a.clients)
        t0 = time.perf_counter()
        r = httpx.post(url + "/v1/batch/decide", content=body, timeout=120,
                       headers={"content-type": "application/x-ndjson"})
        batch_s = time.perf_counter() - t0
        served = r.content
    finally:
        proc.terminate()
        proc.wait(10)
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "in.jsonl"
        f.write_bytes(body)
        g = Path(tmp) / "one.jsonl"
        g.write_bytes(lines[0] + b"\n")
        t0 = time.perf_counter()
        cli = subprocess.run([sys.executable, "-m", "zwgk_rules", "decide", str(f)], capture_output=True).stdout
        cli_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "zwgk_rules", "decide", str(g)], capture_output=True)
        start_s = time.perf_counter() - t0
    assert served == cli, "the batch endpoint's answers differ from the CLI's"
    n = len(lines)
    print(f"single requests, 1 client:  {one['per_s']:8.0f} req/s   p50 {one['p50_ms']:.2f} ms   p99 {one['p99_ms']:.2f} ms"
          f"   ({one['requests']} requests)")
    print(f"single requests, {a.clients} clients: {many['per_s']:8.0f} req/s   p50 {many['p50_ms']:.2f} ms   "
          f"p99 {many['p99_ms']:.2f} ms   ({many['requests']} requests)")
    print(f"batch endpoint (JSONL, {n} lines):   {n / batch_s:8.0f} lines/s  ({batch_s:.2f} s, answers identical to the CLI)")
    print(f"CLI zwgk decide FILE (same lines):   {n / cli_s:8.0f} lines/s  ({cli_s:.2f} s from process start; "
          f"{n / max(cli_s - start_s, 1e-9):.0f}/s without its {start_s:.2f} s start-up)")
    print(f"batch ÷ CLI: {cli_s / batch_s:.2f} (from process start), {(cli_s - start_s) / batch_s:.2f} (start-up left out)"
          f"   — target ≥ 0.5")
    print(f"total {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
