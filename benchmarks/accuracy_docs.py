"""Extraction accuracy per GB/T 9704-2012 element on generated documents (not a test).

    PYTHONPATH=src .venv/bin/python benchmarks/accuracy_docs.py [N] [--seed S]

Generates N documents (default 400, a quarter each as .txt, .docx, .pdf and .ofd) with ``tests/docfixtures.py``,
each drawn at random from the standard layout and its messy variants (elements present or left out; 文号 in
〔〕, [], ［］, 【】, （）, ﹝﹞ with spaces and leading zeros; 成文日期 in Arabic, full-width or Chinese numerals, with
spaces; titles over two lines; 签发人 with a full- or half-width colon; 附注 in full- or half-width brackets; the
版记 in a table), knows what each element should read, and scores every element: the share of documents where the
element read is exactly the expected one (an element left out must read as null), and its recall where present.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from docfixtures import gongwen, write_docx, write_ofd, write_pdf, write_txt  # noqa: E402

from zwgk_rules._documents import document_rules, extract, read_lines  # noqa: E402
from zwgk_rules._rulebook import default_rulebook  # noqa: E402

CN = "〇一二三四五六七八九"
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
SUBJECTS = ["加强城市管理工作", "做好2026年春耕生产工作", "开展安全生产大检查", "调整城乡居民最低生活保障标准",
            "印发《XX县政务公开工作要点》", "申请办公经费", "2025年法治政府建设情况", "成立XX工作领导小组"]
TYPES = ["通知", "请示", "报告", "意见", "函", "决定", "通报", "批复"]
ORGS = [("XX市人民政府文件", "X政发"), ("XX县司法局", "X司发"), ("中共XX县委办公室文件", "X办发"),
        ("XX市人民政府办公室文件", "X政办发")]


def _small(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else CN[tens]) + "十" if tens else "") + (CN[ones] if ones else "")


def date_text(d: dt.date, how: str) -> str:
    if how == "chinese":
        return "".join(CN[int(c)] for c in str(d.year)) + f"年{_small(d.month)}月{_small(d.day)}日"
    s = f"{d.year}年{d.month}月{d.day}日"
    if how == "wide":
        return s.translate(WIDE)
    if how == "spaced":
        return f"{d.year}年 {d.month} 月 {d.day} 日"
    return s


def draw(rng: random.Random):
    """(fixture arguments, the expected elements, the writer's options)."""
    exp: dict = {}
    kw: dict = {}
    copy = f"{rng.randrange(1, 999999):06d}" if rng.random() < 0.5 else None
    kw["copy_number"] = exp["copy_number"] = copy
    level = rng.choice([None, None, "秘密", "机密", "绝密"])
    if level:
        period = rng.choice(["", "★1年", "★5年", "★长期"])
        written = level + (period.replace("★", rng.choice(["★", " ★ "])) if period else "")
        kw["secrecy"], exp["secrecy"] = written, level + period
    else:
        kw["secrecy"] = exp["secrecy"] = None
    kw["urgency"] = exp["urgency"] = rng.choice([None, None, "特急", "加急"])
    org, code = rng.choice(ORGS)
    kw["issuer"] = exp["issuer_mark"] = org
    year, no = rng.randrange(2019, 2027), rng.randrange(1, 300)
    if rng.random() < 0.9:
        o, c = rng.choice(["〔〕", "〔〕", "[]", "［］", "【】", "（）", "﹝﹞"])
        num = f"{no:02d}" if rng.random() < 0.2 else str(no)
        sp = " " if rng.random() < 0.2 else ""
        kw["doc_number"] = f"{code}{sp}{o}{year}{c}{sp}{num}号"
        exp["doc_number"] = f"{code}〔{year}〕{no}号"
    else:
        kw["doc_number"] = exp["doc_number"] = None
    kind = rng.choice(TYPES)
    subject = rng.choice(SUBJECTS)
    if rng.random() < 0.2:
        subject = "转发省政府关于" + subject + "的" + "通知"
    title = f"{org.removesuffix('文件')}关于{subject}的{kind}"
    exp["title"] = title
    split = rng.random() < 0.3 and len(title) > 12
    kw["title"] = title
    upward = kind in ("请示", "报告")
    signer = rng.choice(["张三", "李四", "王五"]) if upward and kw["doc_number"] else None
    kw["signer"], exp["signer"] = signer, signer
    addressee = rng.choice(["省人民政府", "市委、市政府", "各县（区）人民政府，市政府各部门", None])
    kw["addressee"] = addressee + "：" if addressee else None
    exp["addressee"] = addressee
    kw["body"] = tuple(rng.choice(["现就有关事项通知如下。", "请结合实际，认真贯彻执行。", "特此报告。",
                                   "联系人：赵六，电话：0871-12345678。"]) for _ in range(rng.randrange(1, 6)))
    if rng.random() < 0.4:
        att = ["1．XX工作方案", "2．XX责任清单"][:rng.randrange(1, 3)]
        kw["attachments"], exp["attachments"] = att, "；".join(att)
    else:
        exp["attachments"] = None
    formed = dt.date(2019, 6, 1) + dt.timedelta(days=rng.randrange(0, 2700))
    kw["formed"] = date_text(formed, rng.choice(["arabic", "arabic", "chinese", "wide", "spaced"]))
    exp["formed_on"] = formed.isoformat()
    note = rng.choice([None, "此件公开发布", "此件依申请公开", "此件不予公开"])
    if note:
        o, c = rng.choice(["（）", "()"])
        kw["note"] = f"{o}{note}{c}"
    else:
        kw["note"] = None
    exp["note"] = note
    disc = rng.choice([None, None, "公开方式：主动公开", "公开属性：依申请公开", "公开方式:不予公开"])
    kw["disclosure"] = exp["disclosure_line"] = disc
    if rng.random() < 0.7:
        cc = rng.choice(["市委办公室，市人大常委会办公室", "县纪委监委，县人民法院，县人民检察院"])
        kw["cc"], exp["cc"] = cc + "。", cc
    else:
        kw["cc"] = exp["cc"] = None
    if rng.random() < 0.8:
        on = formed + dt.timedelta(days=rng.randrange(0, 6))
        by = org.removesuffix("文件") + ("办公室" if not org.endswith("办公室文件") else "")
        kw["printed"] = (by, date_text(on, "arabic") + "印发")
        exp["printed_by"], exp["printed_on"] = by, on.isoformat()
    else:
        kw["printed"] = None
        exp["printed_by"] = exp["printed_on"] = None
    return kw, exp, split


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=400)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    R = document_rules(default_rulebook())
    writers = [(".txt", write_txt), (".docx", write_docx), (".pdf", write_pdf), (".ofd", write_ofd)]
    keys = list(R.keys)
    right = {k: 0 for k in keys}
    present = {k: 0 for k in keys}
    found = {k: 0 for k in keys}
    by_format = {ext: [0, 0] for ext, _ in writers}
    misses: list = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.n):
            kw, exp, split = draw(rng)
            lines = gongwen(**kw)
            if split:
                k = lines.index(kw["title"])
                cut = len(kw["title"]) // 2
                lines[k:k + 1] = [kw["title"][:cut], kw["title"][cut:]]
            ext, write = writers[i % len(writers)]
            opts = {"table_tail": 2} if ext == ".docx" and rng.random() < 0.3 and kw["cc"] and kw["printed"] else {}
            path = write(Path(tmp) / f"d{i}{ext}", lines, **opts)
            el, _ = extract(read_lines(str(path)), R)
            for k in keys:
                ok = el.get(k) == exp.get(k)
                right[k] += ok
                by_format[ext][0] += ok
                by_format[ext][1] += 1
                if exp.get(k) is not None:
                    present[k] += 1
                    found[k] += ok
                if not ok and len(misses) < 12:
                    misses.append((ext, k, exp.get(k), el.get(k)))
    print(f"extraction accuracy on {args.n} generated documents (seed {args.seed})")
    print(f"{'element':16} {'exact':>8} {'present':>8} {'recall':>8}")
    for k in keys:
        rec = f"{found[k] / present[k]:.1%}" if present[k] else "-"
        print(f"{k:16} {right[k] / args.n:8.1%} {present[k]:8d} {rec:>8}")
    total = sum(right.values()) / (args.n * len(keys))
    print(f"{'all elements':16} {total:8.1%}")
    for ext, (ok, n) in by_format.items():
        print(f"  {ext:6} {ok / n:.1%}")
    for m in misses:
        print("  miss:", m)


if __name__ == "__main__":
    main()
