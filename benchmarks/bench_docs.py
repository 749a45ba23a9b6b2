"""Throughput of ``zwgk classify`` on .docx documents (not a test).

    PYTHONPATH=src .venv/bin/python benchmarks/bench_docs.py [--files N] [--passes P] [--cli]

Writes N (default 10,000) .docx files laid out per GB/T 9704-2012 into a temporary folder: one made by python-docx
(``tests/docfixtures.py``), the rest by rewriting its ``word/document.xml`` with a different title, 文号, date and
mark each, so that every file is a distinct, valid Word document. Then, in alternating passes over all the files:

* **baseline**: python-docx merely opening each file (``docx.Document(path)``), the least any reader does;
* **zwgk**: ``_documents.Reader.answer`` on each file: read the paragraphs (through python-docx), extract the
  elements, classify, check the marks and personal data (everything but writing the JSON line).

Prints files/s for each pass, the median, and the ratio zwgk / baseline (same run, same files). With ``--cli``, also
the command line end to end (``zwgk classify FOLDER -o out.jsonl``, start-up included).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from docfixtures import gongwen, write_docx  # noqa: E402

TYPES = ["通知", "请示", "报告", "意见", "函"]
MARKS = ["（此件公开发布）", "（此件依申请公开）", "（此件不予公开）", "（此件公开发布）"]


def make_files(folder: Path, n: int) -> list[str]:
    tpl = write_docx(folder / "template.docx", gongwen(title="关于TITLE的通知", doc_number="X政发〔2026〕NUM号",
                                                       formed="2026年3月DAY日", note="（此件公开发布）"))
    with zipfile.ZipFile(tpl) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    xml = parts["word/document.xml"].decode()
    paths = []
    for i in range(n):
        doc = (xml.replace("关于TITLE的通知", f"关于第{i}项工作的{TYPES[i % len(TYPES)]}")
               .replace("NUM号", f"{i % 500 + 1}号").replace("3月DAY日", f"3月{i % 28 + 1}日")
               .replace("（此件公开发布）", MARKS[i % len(MARKS)]))
        p = folder / "docs" / f"{i // 1000:02d}" / f"{i:05d}.docx"
        p.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, doc.encode() if name == "word/document.xml" else data)
        paths.append(str(p))
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--cli", action="store_true")
    args = ap.parse_args()
    import docx

    from zwgk_rules._documents import Reader
    from zwgk_rules._rulebook import default_rulebook
    reader = Reader(default_rulebook())
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = make_files(Path(tmp), args.files)
        print(f"{len(paths):,} .docx files written in {time.perf_counter() - t0:.1f} s")
        first = reader.answer(paths[0])
        assert "error" not in first and first["elements"]["doc_number"] == "X政发〔2026〕1号", first
        base, ours = [], []
        for k in range(args.passes):
            t = time.perf_counter()
            for p in paths:
                docx.Document(p)
            base.append(len(paths) / (time.perf_counter() - t))
            t = time.perf_counter()
            errors = 0
            for p in paths:
                errors += "error" in reader.answer(p)
            ours.append(len(paths) / (time.perf_counter() - t))
            assert errors == 0
            print(f"pass {k + 1}: baseline (python-docx opens) {base[-1]:,.0f} files/s · zwgk (read, extract, classify, "
                  f"check) {ours[-1]:,.0f} files/s · ratio {ours[-1] / base[-1]:.2f}")
        ratios = [o / b for o, b in zip(ours, base)]
        print(f"median: baseline {statistics.median(base):,.0f} files/s, zwgk {statistics.median(ours):,.0f} files/s, "
              f"ratio zwgk/baseline {statistics.median(ratios):.2f}")
        if args.cli:
            env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
            t = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "zwgk_rules", "classify", str(Path(tmp) / "docs"), "-o",
                                str(Path(tmp) / "out.jsonl"), "--no-progress"], env=env)
            took = time.perf_counter() - t
            print(f"command line (start-up included): {len(paths) / took:,.0f} files/s ({took:.1f} s, exit {r.returncode})")


if __name__ == "__main__":
    main()
