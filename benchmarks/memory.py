"""Memory of the command line on traffic that memos cannot answer (not a test).

    PYTHONPATH=src .venv/bin/python benchmarks/memory.py [--lines 1000000] [--big 1000]

Two workloads, each written to a JSONL file and decided by ``python -m zwgk_rules decide FILE`` (the
automatic choice of worker processes applies: two for files over 8 MB):

* ``--lines`` distinct requests of 1–3 items: receipt dates spread over 2008–2026, every channel,
  random categories, third-party answers, consultations, corrections, extensions and local packs;
  every request has its own id and descriptions, and about one in two has a fact pattern of its own;
* ``--big`` requests of 1,000 items each, all distinct.

For each it prints the largest process's maximum RSS (``/usr/bin/time -v`` or getrusage), the peak of
the summed RSS of the process tree (sampled from /proc), and the same for a 10,000-line file of the
first workload as the baseline, measured in the same run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import max_rss_kb  # noqa: E402

CATEGORIES = ["state_secret", "prohibited_by_law", "endangers_security", "trade_secret", "personal_privacy",
              "internal_affairs", "process_information", "enforcement_file"]
# what the 2008 regulation provides for (requests received before 2019-05-15 use only these)
CATEGORIES_2008 = ["state_secret", "endangers_security", "trade_secret", "personal_privacy"]
NEW_IN_2019 = dt.date(2019, 5, 15)
PACKS = ["cn", "cn", "cn", "cn", "cn-nx-zhongwei-sfj", "cn-yn-longling-sfj", "cn-gz-shaomi"]
START, SPAN = dt.date(2008, 5, 1), (dt.date(2026, 12, 20) - dt.date(2008, 5, 1)).days


def _item(rnd: random.Random, tag: str, old: bool) -> dict:
    item: dict = {"description": f"信息 {tag}"}
    r = rnd.random()
    if old and r >= 0.62:
        r = 0.0
    if r < 0.35:
        cats = rnd.sample(CATEGORIES_2008 if old else CATEGORIES, rnd.choice((1, 1, 2)))
        item["categories"] = cats
        if "trade_secret" in cats or "personal_privacy" in cats:
            if rnd.random() < 0.7:
                item["third_party"] = {"consent": rnd.choice([True, False, "no_reply"]),
                                       "public_interest_override": rnd.random() < 0.2}
        item["severable"] = rnd.random() < 0.4
        if not old and ("process_information" in cats or "enforcement_file" in cats):
            item["disclosure_required_by_law"] = rnd.random() < 0.3
    elif r < 0.45:
        item["exists"] = False
    elif r < 0.55:
        item["held"] = False
        item["responsible_agency"] = "某局"
    elif r < 0.62:
        item["proactively_published"] = True
    elif r < 0.68:
        item["requires_creation"] = True
    elif r < 0.72:
        item["special_procedure"] = True
    return item


def request(rnd: random.Random, n: int, items: int | None = None) -> dict:
    submitted = START + dt.timedelta(days=rnd.randrange(SPAN))
    channel = rnd.choice(["in_person", "post", "ordinary_mail", "online", "fax"])
    sub: dict = {"channel": channel, "submitted_on": submitted.isoformat()}
    received = submitted + dt.timedelta(days=rnd.choice((0, 0, 1, 2, 3)))
    if channel == "post":
        sub["signed_on"] = received.isoformat()
    elif channel != "in_person":
        sub["confirmed_on"] = received.isoformat()
    old = received < NEW_IN_2019
    req: dict = {"id": f"r{n}", "jurisdiction": rnd.choice(PACKS), "submission": sub,
                 "items": [_item(rnd, f"{n}-{k}", old) for k in range(items or rnd.choice((1, 1, 2, 3)))]}
    r = rnd.random()
    if old and (r < 0.06 or r >= 0.20):       # 补正 lapses, petitions and repeats have no 2008 provision
        r = 0.10
    if r < 0.06:
        notified = received + dt.timedelta(days=rnd.randrange(1, 8))
        corr = {"notified_on": notified.isoformat(), "due_on": (notified + dt.timedelta(days=15)).isoformat()}
        if rnd.random() < 0.6:
            corr["received_on"] = (notified + dt.timedelta(days=rnd.randrange(1, 12))).isoformat()
        req["correction"] = corr
        req["as_of"] = (notified + dt.timedelta(days=rnd.randrange(1, 30))).isoformat()
    elif r < 0.16:
        sent = received + dt.timedelta(days=rnd.randrange(1, 10))
        c = {"party": rnd.choice(["third_party", "agency"]), "sent_on": sent.isoformat()}
        if rnd.random() < 0.6:
            c["replied_on"] = (sent + dt.timedelta(days=rnd.randrange(1, 25))).isoformat()
        req["consultations"] = [c]
    elif r < 0.20:
        req["extension"] = {"approved_on": (received + dt.timedelta(days=rnd.randrange(10, 35))).isoformat()}
    elif r < 0.22:
        req["nature"] = rnd.choice(["petition", "publication", "reconfirm"])
    elif r < 0.24:
        req["repeat_of_answered"] = True
    return req


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
