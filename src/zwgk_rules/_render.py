"""Outputs people read: ``--format table|csv|xlsx``, ``--summary``, ``--compact`` and the progress bar
(docs/cli.md, "输出格式 / Output formats").

Every renderer reads the JSONL answers the command line makes (the contract), line by line, beside the
input each answers; so a table, a CSV row or a spreadsheet row says exactly what the JSON says, in words.
The words are those of ``_facts`` (``CODE_LABELS``) and of the rule files (the dispositions' labels,
the citations' labels). Renderers stream: memory stays bounded however many answers there are (the
terminal table is printed in blocks with fixed column widths; the ``.xlsx`` is written by ``_xlsx``'s streaming
writer (no openpyxl), a new sheet every ``MAX_SHEET_ROWS`` rows; the summary keeps counts and the first
``MAX_LISTED_ERRORS`` errors).
"""
from __future__ import annotations

import json
import re
import time
import unicodedata

from . import _facts
from ._limits import MAX_SHEET_ROWS

#: how many error lines ``--summary`` and the summary sheet list one by one (the rest are counted)
MAX_LISTED_ERRORS = 1000

_KEY = {"decide": "disposition", "classify": "attribute", "interact": "kind"}
_KEY_BYTES = {c: f'"{k}": "'.encode() for c, k in _KEY.items()}


def label(code) -> str:
    """A code in words (``CODE_LABELS``), or the code itself when it has none."""
    if code is None:
        return ""
    return _facts.CODE_LABELS.get(code, code)


def _disposition_labels() -> dict[str, str]:
    """The dispositions' labels (dispositions.yaml), without the annual report's counting notes in brackets:
    ``部分公开``, not ``部分公开（区分处理的，只计这一情形，不计其他情形）``."""
    from ._rulebook import default_rulebook
    info = default_rulebook().disposition_info
    return {code: re.sub(r"（[^（）]*）$", "", c.label) for code, c in info.items()}


def cite_key(c: dict) -> str:
    """A citation as its key: ``ogi-2019:36:i3`` (the form rule files and ``zwgk explain`` use)."""
    key = f"{c['regulation']}:{c['article']}"
    if c.get("paragraph"):
        key += f":p{c['paragraph']}"
    if c.get("item"):
        key += f":i{c['item']}"
    return key


def compact(answer: dict) -> dict:
    """``--compact``: every list of citations (``basis``, at any depth) as their keys, without the statute text."""
    def walk(node):
        if isinstance(node, dict):
            return {k: ([cite_key(c) if isinstance(c, dict) else c for c in v] if k == "basis" and isinstance(v, list)
                        else walk(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(x) for x in node]
        return node
    return walk(answer)


_TITLE = re.compile(r"^《([^》]*)》(.*)$")


def short_citations(basis: list) -> str:
    """Citations in few words, grouped by instrument: ``《政府信息公开条例》第三十二条、第十五条``."""
    groups: dict[str, list[str]] = {}
    for c in basis:
        if isinstance(c, str):
            groups.setdefault("", []).append(c)
            continue
        m = _TITLE.match(c.get("label") or "")
        if m is None:
            groups.setdefault("", []).append(c.get("label") or cite_key(c))
            continue
        title = re.sub(r"（[^）]*）$", "", m.group(1)).removeprefix("中华人民共和国")
        part = groups.setdefault(f"《{title}》", [])
        if m.group(2) not in part:
            part.append(m.group(2))
    return "；".join(t + "、".join(parts) for t, parts in groups.items())


def full_citations(basis: list) -> str:
    return "；".join(c if isinstance(c, str) else (c.get("label") or cite_key(c)) for c in basis)


# ---------------------------------------------------------------- rows: an answer in words

class Columns:
    """The columns of the table, CSV and XLSX outputs of one command: (header, width in the terminal,
    in the table?, how to read it from (answer, input, line))."""

    def __init__(self, command: str, compact_keys: bool = False) -> None:
        self.command = command
        self.keys = compact_keys
        labels = _disposition_labels() if command == "decide" else {}
        self.disp = labels
        cites = (lambda b: "；".join(c if isinstance(c, str) else cite_key(c) for c in b)) if compact_keys \
            else full_citations
        short = (lambda b: " ".join(c if isinstance(c, str) else cite_key(c) for c in b)) if compact_keys \
            else short_citations
        words = lambda codes: "、".join(label(c) for c in codes) if codes else None     # noqa: E731
        if command == "decide":
            self.cols = [
                ("行", 4, True, lambda a, i, n: n),
                ("编号", 14, True, lambda a, i, n: a.get("id")),
                ("处理结果", 24, True, lambda a, i, n: labels.get(a.get("disposition"), a.get("disposition"))),
                ("处理结果代码", 0, False, lambda a, i, n: a.get("disposition")),
                ("收到申请日期", 0, False, lambda a, i, n: (a.get("deadline") or {}).get("received_on")),
                ("答复期限", 10, True, lambda a, i, n: (a.get("deadline") or {}).get("due")),
                ("延长后期限", 0, False, lambda a, i, n: (a.get("deadline") or {}).get("extended_due")),
                ("补正告知期限", 0, False, lambda a, i, n: (a.get("deadline") or {}).get("correction_notice_by")),
                ("应办事项", 14, True, lambda a, i, n: words(a.get("actions"))),
                ("依据", 30, True, lambda a, i, n: short(a.get("basis") or ())),
                ("各项结果", 0, False, lambda a, i, n: self._items(a, i)),
                ("依据（全称）", 0, False, lambda a, i, n: cites(a.get("basis") or ())),
                ("适用条例", 0, False, lambda a, i, n: a.get("regime")),
                ("规则包", 0, False, lambda a, i, n: a.get("jurisdiction")),
                ("日期待定", 0, False, lambda a, i, n: _yes((a.get("deadline") or {}).get("provisional"))),
                ("提示", 0, False, lambda a, i, n: words(a.get("warnings"))),
            ]
        elif command == "classify":
            self.cols = [
                ("行", 4, True, lambda a, i, n: n),
                ("编号", 12, True, lambda a, i, n: a.get("id")),
                ("标题", 26, True, lambda a, i, n: (i or {}).get("title")),
                ("文种", 0, False, lambda a, i, n: a.get("doc_type")),
                ("公开属性", 10, True, lambda a, i, n: label(a.get("attribute"))),
                ("属性代码", 0, False, lambda a, i, n: a.get("attribute")),
                ("公开期限", 10, True, lambda a, i, n: a.get("publish_by")),
                ("须说明理由", 0, False, lambda a, i, n: _yes(a.get("reason_required"))),
                ("依据", 24, True, lambda a, i, n: short(a.get("basis") or ())),
                ("审查流程", 0, False, lambda a, i, n: "→".join(
                    label(r.get("step")) + (f"：{r['role']}" if r.get("role") else "") for r in a.get("review") or ()) or None),
                ("依据（全称）", 0, False, lambda a, i, n: cites(a.get("basis") or ())),
                ("规则包", 0, False, lambda a, i, n: a.get("jurisdiction")),
                ("日期待定", 0, False, lambda a, i, n: _yes(a.get("provisional"))),
                ("提示", 0, False, lambda a, i, n: words(a.get("warnings"))),
            ]
        else:
            self.cols = [
                ("行", 4, True, lambda a, i, n: n),
                ("编号", 12, True, lambda a, i, n: a.get("id")),
                ("标题", 22, True, lambda a, i, n: (i or {}).get("title")),
                ("留言类别", 12, True, lambda a, i, n: a.get("label") or a.get("kind")),
                ("办理科室", 14, True, lambda a, i, n: a.get("office")),
                ("答复期限", 10, True, lambda a, i, n: a.get("due")),
                ("延长后期限", 0, False, lambda a, i, n: a.get("extended_due")),
                ("依据", 24, True, lambda a, i, n: short(a.get("basis") or ())),
                ("依据（全称）", 0, False, lambda a, i, n: cites(a.get("basis") or ())),
                ("说明", 0, False, lambda a, i, n: a.get("note")),
                ("规则包", 0, False, lambda a, i, n: a.get("jurisdiction")),
            ]
        self.cols.append(("错误", 0, False, lambda a, i, n: _error_text(a)))
        self.headers = [c[0] for c in self.cols]
        self.main_header = {"decide": "处理结果", "classify": "公开属性", "interact": "留言类别"}[command]

    def _items(self, a: dict, inp: dict | None) -> str:
        items = a.get("items") or ()
        asked = (inp or {}).get("items") or ()
        out = []
        for k, it in enumerate(items):
            desc = asked[k].get("description") if k < len(asked) and isinstance(asked[k], dict) else None
            disp = self.disp.get(it.get("disposition"), it.get("disposition"))
            out.append(f"{k + 1}. {desc + '：' if desc else ''}{disp}")
        return "\n".join(out)

    def row(self, answer: dict, inp: dict | None, line: int | None) -> list:
        if "error" not in answer:
            return [get(answer, inp, line) for _, _, _, get in self.cols]
        # an error line: where it is, what it is, and (for documents and messages) the title it had
        out: list = [None] * len(self.cols)
        out[0], out[1], out[-1] = line, answer.get("id"), _error_text(answer)
        out[self.headers.index(self.main_header)] = "错误"
        out[self.headers.index("依据")] = out[-1]        # the table shows the message where the basis would be
        if "标题" in self.headers and inp is not None:
            out[self.headers.index("标题")] = inp.get("title")
        return out


#: where a clerk supplies what a file cannot tell: beside the file on the command line; the server says its own
SIDECAR_HINT = "（可在旁边的 NAME.json 中补充）"
UPLOAD_HINT = "（可在上传时的 facts 中补充，即页面上的“补充文件中读不出的事实”）"


class DocumentColumns(Columns):
    """The columns of ``zwgk classify FOLDER --format table|csv|xlsx`` (documents read from files): the file, what it
    says of itself (标题, 文号, 成文日期, the attribute it is marked with) beside what the rules make of it (the attribute,
    the day to publish by, the review route), the warnings in words, and what the file could not tell."""

    def __init__(self, labels: dict, compact_keys: bool = False, supply: str = SIDECAR_HINT) -> None:
        self.command = "classify"
        self.keys = compact_keys
        self.disp = {}
        short = (lambda b: " ".join(c if isinstance(c, str) else cite_key(c) for c in b)) if compact_keys \
            else short_citations
        word = lambda c: labels.get(c) or label(c)                                          # noqa: E731
        el = lambda a, k: (a.get("elements") or {}).get(k)                                  # noqa: E731
        self.cols = [
            ("序号", 4, True, lambda a, i, n: n),
            ("文件", 24, True, lambda a, i, n: a.get("source")),
            ("标题", 26, True, lambda a, i, n: el(a, "title")),
            ("文号", 14, True, lambda a, i, n: el(a, "doc_number")),
            ("成文日期", 10, True, lambda a, i, n: el(a, "formed_on")),
            ("标注属性", 8, True, lambda a, i, n: label(a.get("marked_attribute")) or ("未标注" if "attribute" in a else None)),
            ("认定属性", 8, True, lambda a, i, n: label(a.get("attribute"))),
            # the attribute is the rules' answer on the facts given: say when some were missing (see 缺少的事实)
            ("事实", 6, True, lambda a, i, n: None if "attribute" not in a else "待补充" if a.get("missing_facts") else "齐全"),
            ("公开期限", 10, True, lambda a, i, n: a.get("publish_by")),
            ("审查流程", 0, False, lambda a, i, n: "→".join(
                label(r.get("step")) + (f"：{r['role']}" if r.get("role") else "") for r in a.get("review") or ()) or None),
            ("提示", 20, True, lambda a, i, n: "\n".join(
                ("【错误】" if f.get("severity") == "error" else "") + (f.get("label") or word(f.get("code")))
                + (("（" + "、".join(f"第{w['line']}行" for w in f["where"][:5]) + "）") if f.get("where") else "")
                for f in a.get("findings") or ()) or ("、".join(word(c) for c in a.get("warnings") or ()) or None)),
            ("缺少的事实", 0, False, lambda a, i, n: _missing_words(a.get("missing_facts") or (), labels, supply)),
            ("依据", 24, True, lambda a, i, n: short(a.get("basis") or ())),
            ("文种", 0, False, lambda a, i, n: a.get("doc_type")),
            ("规则包", 0, False, lambda a, i, n: a.get("jurisdiction")),
        ]
        self.cols.append(("错误", 0, False, lambda a, i, n: _error_text(a)))
        self.headers = [c[0] for c in self.cols]
        self.main_header = "认定属性"
        #: a document's warnings are sentences (with the lines of personal data): a wider column than classify's
        self.xlsx_widths = {"提示": 34, "标题": 34}

    def row(self, answer: dict, inp: dict | None, line: int | None) -> list:
        if "error" not in answer:
            return [get(answer, inp, line) for _, _, _, get in self.cols]
        out: list = [None] * len(self.cols)
        out[0], out[1], out[-1] = line, answer.get("source"), _error_text(answer)
        el = answer.get("elements") or {}
        out[2], out[3] = el.get("title"), el.get("doc_number")
        out[self.headers.index(self.main_header)] = "错误"
        out[self.headers.index("依据")] = out[-1]
        return out


def _missing_words(missing, labels: dict, supply: str = SIDECAR_HINT) -> str | None:
    """``missing_facts`` in words: the review findings (``flags.*``) as one phrase when none was given, else each by
    its label; other fields by the label the rules give them."""
    if not missing:
        return None
    flags = [m.split(".", 1)[1] for m in missing if m.startswith("flags.")]
    out = []
    if len(flags) >= len(_facts.DOC_FLAGS) - 1:
        out.append("起草单位的审查结论（flags）未给出")
    elif flags:
        out.append("审查结论未给出：" + "、".join(label(f) for f in flags))
    out.extend(labels.get(m, m) for m in missing if not m.startswith("flags."))
    return "；".join(out) + supply


def _yes(v) -> str | None:
    return None if v is None else ("是" if v else "否")


def _error_text(a: dict) -> str | None:
    err = a.get("error")
    if not err:
        return None
    where = err.get("column") or err.get("field")
    return f"{err.get('message')}" + (f"（{where}）" if where and where not in (err.get("message") or "") else "")


# ---------------------------------------------------------------- summary

class Summary:
    """Counts per disposition (decide), attribute (classify) or kind (interact), and the errors by id and
    line: the first ``MAX_LISTED_ERRORS`` listed, the rest counted."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.key = _KEY_BYTES[command]
        self.counts: dict[str, int] = {}
        self.total = 0
        self.errors: list[tuple] = []
        self.n_errors = 0
        self.started = time.monotonic()
        self.complete = True
        self.encoding: str | None = None

    def scan(self, data: bytes) -> None:
        """Count a block of JSONL answer lines without parsing the answers (an answer's first
        ``"disposition": "`` is its own: the keys before it are flat, and no string holds an unescaped quote)."""
        key, n = self.key, len(self.key)
        for line in data.split(b"\n"):
            if not line:
                continue
            self.total += 1
            if b'"jurisdiction": "' in line:
                at = line.find(key)
                if at >= 0:
                    end = line.index(b'"', at + n)
                    code = line[at + n:end].decode()
                    self.counts[code] = self.counts.get(code, 0) + 1
                    continue
            self.error(json.loads(line))

    def add(self, answer: dict) -> None:
        self.total += 1
        if "error" in answer:
            self.error(answer)
        else:
            code = answer.get(_KEY[self.command])
            self.counts[code] = self.counts.get(code, 0) + 1

    def error(self, answer: dict) -> None:
        self.n_errors += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            err = answer.get("error") or {}
            self.errors.append((answer.get("id"), err.get("line"), err.get("field"), err.get("message")))

    def rows(self) -> list[tuple[str, str, int]]:
        """(label, code, count) in the order of the vocabulary (dispositions in the table's order)."""
        if self.command == "decide":
            labels = _disposition_labels()
            order = list(labels)
        elif self.command == "classify":
            labels, order = {}, list(_facts.ATTRIBUTES)
        else:
            labels, order = {}, []
        out = []
        for code in order + sorted(set(self.counts) - set(order)):
            if code in self.counts:
                out.append((labels.get(code) or label(code), code, self.counts[code]))
        return out

    def text(self) -> str:
        took = time.monotonic() - self.started
        what = {"decide": "处理结果 / dispositions", "classify": "公开属性 / attributes",
                "interact": "留言类别 / kinds"}[self.command]
        lines = [f"zwgk 汇总 / summary：{self.total:,} 份输入 / inputs，{self.total - self.n_errors:,} 份已答复 / answered，"
                 f"{self.n_errors:,} 份错误 / errors，用时 / took {took:.1f} s"
                 + ("" if self.complete else "（未完成 / incomplete）"),
                 f"  {what}:"]
        rows = self.rows()
        width = max([_width(r[0]) for r in rows] + [4])
        for lab, code, n in rows:
            lines.append(f"    {_pad(lab, width)}  {n:>9,}  {code}")
        if self.n_errors:
            lines.append("  错误 / errors（编号 id · 行 line · 字段 field）:")
            for rid, line, field, msg in self.errors:
                lines.append(f"    {rid if rid is not None else '-'} · {line if line is not None else '-'} · "
                             + (msg if field and msg.startswith(field) else f"{field or '-'}: {msg}"))
            if self.n_errors > len(self.errors):
                lines.append(f"    … 另有 {self.n_errors - len(self.errors):,} 个错误未列出 / more errors not listed")
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- sinks: what the batch writes to

class JsonlSink:
    """JSONL out (the contract), with ``--compact`` (answers re-written with citation keys) and/or a summary
    (counted as the lines pass)."""

    def __init__(self, out, compact_keys: bool, summary: Summary | None) -> None:
        self.out = out
        self.compact = compact_keys
        self.summary = summary

    def write(self, data: bytes) -> None:
        if self.summary is not None and not self.compact:
            self.summary.scan(data)
        if self.compact:
            from ._encode import one_line
            lines = []
            for line in data.split(b"\n"):
                if line:
                    answer = json.loads(line)
                    if self.summary is not None:
                        self.summary.add(answer)
                    lines.append(one_line(json.dumps(compact(answer), ensure_ascii=False).encode()))
            data = b"\n".join(lines) + b"\n" if lines else b""
        self.out.write(data)

    def flush(self) -> None:
        flush = getattr(self.out, "flush", None)
        if flush is not None:
            flush()

    def close(self, complete: bool = True) -> None:
        pass


class RowSink:
    """Answers paired with their inputs and line numbers, in words, handed to a renderer row by row."""

    def __init__(self, renderer, columns: Columns, summary: Summary | None) -> None:
        self.renderer = renderer
        self.columns = columns
        self.summary = summary
        self.block: list = []
        self.at = 0

    def take_inputs(self, block) -> None:
        self.block, self.at = block, 0

    def write(self, data: bytes) -> None:
        from ._cli import _lineno
        rows = []
        for line in data.split(b"\n"):
            if not line:
                continue
            answer = json.loads(line)
            if self.summary is not None:
                self.summary.add(answer)
            i = self.at
            self.at += 1
            raw = self.block[i] if i < len(self.block) else None
            inp = None
            if raw.__class__ is bytes:
                try:
                    inp = json.loads(raw)
                except ValueError:
                    inp = None
            n = answer.get("error", {}).get("line") if "error" in answer else None
            if n is None:
                n = _lineno(self.block, i) if i < len(self.block) else None
            if self.columns.keys:
                answer = compact(answer)
            rows.append((self.columns.row(answer, inp if isinstance(inp, dict) else None, n), answer))
        if rows:
            self.renderer.rows(rows)

    def flush(self) -> None:
        self.renderer.flush()

    def close(self, complete: bool = True) -> None:
        if self.summary is not None:
            self.summary.complete = complete
        self.renderer.close(self.summary, complete)


# ---------------------------------------------------------------- the terminal table

def _width(s: str) -> int:
    """Columns ``s`` takes in a terminal: East Asian wide and fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


_BREAK = re.compile(r"(?<=[、；，。：;,:/ ])")
_NO_START = set("、，。；：！？）》」』”’,.;:!?)]")


def _wrap(s: str, width: int) -> list[str]:
    """``s`` cut into lines of at most ``width`` terminal columns: after a 、 ； ， ： or a space where one
    falls in the line, else at any character (Chinese has no spaces)."""
    out = []
    for para in s.split("\n"):
        line, w = "", 0
        for piece in _BREAK.split(para):
            pw = _width(piece)
            if w + pw > width and line and pw <= width:
                out.append(line.rstrip())
                line, w = "", 0
            for ch in piece:
                cw = _width(ch)
                if w + cw > width and line:
                    carry = ""
                    if ch in _NO_START and len(line) > 1:     # no line starts with 、 or a closing bracket
                        line, carry = line[:-1], line[-1]
                    out.append(line.rstrip())
                    line, w = carry, _width(carry)
                line += ch
                w += cw
        out.append(line.rstrip())
    return out or [""]


class TableRenderer:
    """A Chinese table in the terminal, printed as the answers come (blocks of rows with the same fixed
    column widths, so the blocks read as one table). With rich installed (``pip install
    'zwgk-rules[table]'``), drawn by rich, coloured on a terminal; otherwise plain text."""

    def __init__(self, out, columns: Columns, width: int | None = None, use_rich: bool | None = None) -> None:
        import shutil
        self.out = out
        self.columns = columns
        self.idx = [k for k, c in enumerate(columns.cols) if c[2]]
        self.heads = [columns.cols[k][0] for k in self.idx]
        want = [columns.cols[k][1] for k in self.idx]
        total = width or shutil.get_terminal_size((120, 24)).columns
        # the widest column (basis, title) takes what is left of the terminal's width
        gaps = 3 * len(want) + 1
        flex = self.heads.index("依据")
        fixed = sum(w for k, w in enumerate(want) if k != flex)
        want[flex] = max(12, total - gaps - fixed)
        self.widths = want
        self.console = None
        if use_rich is not False:
            try:
                from rich.console import Console
                self.console = Console(file=out, width=sum(want) + gaps, highlight=False, soft_wrap=False)
            except ImportError:
                if use_rich:
                    raise
        self.header_done = False

    def rows(self, rows) -> None:
        cells = [["\n".join(_wrap("" if r[k] is None else str(r[k]), w)) for k, w in zip(self.idx, self.widths)]
                 for r, _ in rows]
        errors = ["error" in a for _, a in rows]
        if self.console is not None:
            self._rich(cells, errors)
        else:
            self._plain(cells)

    def _rich(self, cells, errors) -> None:
        from rich import box
        from rich.table import Table
        t = Table(box=box.SIMPLE_HEAD, show_header=not self.header_done, show_edge=False, pad_edge=False,
                  header_style="bold", padding=(0, 1))
        for head, w in zip(self.heads, self.widths):
            t.add_column(head, width=w, min_width=w, max_width=w, overflow="fold", no_wrap=False)
        for row, bad in zip(cells, errors):
            t.add_row(*row, style="bright_red" if bad else None)
        self.console.print(t)
        self.header_done = True

    def _plain(self, cells) -> None:
        out = []
        if not self.header_done:
            out.append(" │ ".join(_pad(h, w) for h, w in zip(self.heads, self.widths)).rstrip())
            out.append("─┼─".join("─" * w for w in self.widths))
            self.header_done = True
        for row in cells:
            wrapped = [_wrap(c, w) for c, w in zip(row, self.widths)]
            for j in range(max(len(x) for x in wrapped)):
                out.append(" │ ".join(_pad(x[j] if j < len(x) else "", w)
                                      for x, w in zip(wrapped, self.widths)).rstrip())
        self.out.write("\n".join(out) + "\n")

    def flush(self) -> None:
        self.out.flush()

    def close(self, summary, complete: bool) -> None:
        if not self.header_done:
            self._plain([]) if self.console is None else self._rich([], [])
        self.out.flush()


# ---------------------------------------------------------------- CSV

class CsvRenderer:
    """One CSV row per input, the columns of ``Columns`` with Chinese headers; UTF-8 with a BOM and CRLF
    line ends, which Excel opens as Chinese text."""

    def __init__(self, out, columns: Columns) -> None:
        import csv
        self.out = out
        self.writer = csv.writer(out, lineterminator="\r\n")
        out.write("\ufeff")
        self.writer.writerow(columns.headers)

    def rows(self, rows) -> None:
        self.writer.writerows(["" if v is None else v for v in r] for r, _ in rows)

    def flush(self) -> None:
        self.out.flush()

    def close(self, summary, complete: bool) -> None:
        self.out.flush()


# ---------------------------------------------------------------- XLSX

#: column widths in the sheet (Excel's units: about one Latin character; a Chinese character takes two)
_XLSX_WIDTH = {"行": 6, "编号": 20, "处理结果": 24, "处理结果代码": 27, "收到申请日期": 13, "答复期限": 12,
               "延长后期限": 12, "补正告知期限": 13, "应办事项": 20, "依据": 36, "各项结果": 44, "依据（全称）": 90,
               "适用条例": 10, "规则包": 20, "日期待定": 9, "提示": 20, "错误": 50, "标题": 40, "文种": 6,
               "公开属性": 11, "属性代码": 11, "公开期限": 12, "须说明理由": 11, "审查流程": 40, "留言类别": 14,
               "办理科室": 18, "说明": 30, "序号": 6, "文件": 36, "文号": 18, "成文日期": 12, "标注属性": 11,
               "认定属性": 11, "缺少的事实": 40, "事实": 8}
_XLSX_WRAP = {"编号", "处理结果", "依据", "各项结果", "依据（全称）", "审查流程", "错误", "标题", "应办事项", "说明", "提示",
              "文件", "缺少的事实"}
_DATE_COLS = {"收到申请日期", "答复期限", "延长后期限", "补正告知期限", "公开期限", "成文日期"}


class XlsxRenderer:
    """An ``.xlsx`` workbook: the sheet 结果 (one row per input; a new sheet every ``MAX_SHEET_ROWS`` rows), the
    sheet 汇总 (counts and errors) and the sheet 依据条文 (each article cited, with its text). Written by
    ``_xlsx`` straight into the zip file as the rows come (no dependency; openpyxl is needed only to read
    ``.xlsx``)."""

    def __init__(self, target, columns: Columns) -> None:
        from . import _xlsx
        self.x = _xlsx
        self.target = target
        self.columns = columns
        self.book = _xlsx.Workbook(target)
        self.dates = {k for k, h in enumerate(columns.headers) if h in _DATE_COLS}
        self.wrapped = {k for k, h in enumerate(columns.headers) if h in _XLSX_WRAP}
        self.err_col = len(columns.headers) - 1
        self.main = columns.headers.index(columns.main_header)
        wide = getattr(columns, "xlsx_widths", {})
        self.widths = [wide.get(h) or _XLSX_WIDTH.get(h, 14) for h in columns.headers]
        self.sheets = 0
        self.n = 0
        self.cited: dict[str, dict] = {}
        self._sheet()

    def _sheet(self) -> None:
        self.sheets += 1
        self.ws = self.book.sheet("结果" if self.sheets == 1 else f"结果{self.sheets}", self.widths, freeze="C2",
                                  autofilter=True, print_titles=True)
        head = [(h, self.x.HEADER) for h in self.columns.headers]
        self.ws.row(head, height=15 * max(_lines_in(h, w) for h, w in zip(self.columns.headers, self.widths)) + 3)
        self.in_sheet = 1

    def rows(self, rows) -> None:
        import datetime as dt
        x = self.x
        wrapped, dates, widths, err_col, main = self.wrapped, self.dates, self.widths, self.err_col, self.main
        for r, answer in rows:
            if self.in_sheet >= MAX_SHEET_ROWS:
                self._sheet()
            bad = "error" in answer
            lines = 1
            for k in wrapped:
                v = r[k]
                if v.__class__ is str:
                    lines = max(lines, _lines_in(v, widths[k]))
            out: list = []
            # a row of several lines reads from the top (cells without a style would sit at the bottom)
            plain = x.TOP if lines > 1 or bad else x.PLAIN
            for k, v in enumerate(r):
                if v is None:
                    out.append(None)
                elif k == 0:
                    out.append((v, x.CENTER))       # the line number
                elif k in dates:
                    out.append((dt.date.fromisoformat(v), x.DATE))
                elif bad and (k == main or k == err_col):
                    out.append((v, x.RED_WRAP if k == err_col else x.RED))
                elif k in wrapped:
                    out.append((v, x.WRAP if lines > 1 else plain))
                else:
                    out.append((v, plain))
            # Excel and LibreOffice do not size the rows of a written file to wrapped text: say how high
            self.ws.row(out, height=15 * min(lines, 26) + 2 if lines > 1 else None)
            self.in_sheet += 1
            self.n += 1
            if not bad and len(self.cited) < 10_000:
                for c in _citations(answer):
                    key = cite_key(c)
                    if key not in self.cited:
                        self.cited[key] = c

    def flush(self) -> None:
        pass

    def close(self, summary, complete: bool) -> None:
        x = self.x
        ws = self.book.sheet("汇总", [40, 12, 30, 60])
        if summary is not None:
            what = {"decide": "处理结果", "classify": "公开属性", "interact": "留言类别"}[summary.command]
            ws.row([("汇总 / Summary" + ("" if complete else "（未完成：批处理中途中断 / incomplete）"), x.BOLD)])
            ws.row(["输入 / inputs", summary.total])
            ws.row(["已答复 / answered", summary.total - summary.n_errors])
            ws.row(["错误 / errors", summary.n_errors])
            ws.row([])
            ws.row([what, "数量 / count", "代码 / code"], style=x.HEADER)
            for lab, code, n in summary.rows():
                ws.row([lab, n, code])
            if summary.n_errors:
                ws.row([])
                ws.row(["错误 / errors：编号 id", "行 / line", "字段 / field", "说明 / message"], style=x.HEADER)
                for rid, line, field, msg in summary.errors:
                    ws.row([rid, line, field, (msg, x.WRAP)], height=15 * min(_lines_in(msg or "", 60), 26) + 2,
                           style=x.TOP)
                if summary.n_errors > len(summary.errors):
                    ws.row([f"另有 {summary.n_errors - len(summary.errors):,} 个错误未列出 / more not listed"])
        cs = self.book.sheet("依据条文", [18, 50, 100], freeze="A2")
        cs.row(["条文编号 / key", "条文 / article", "原文 / text"], style=x.HEADER)
        for key in sorted(self.cited, key=_cite_order):
            c = self.cited[key]
            lines = max(_lines_in(c.get("label") or "", 50), _lines_in(c.get("text") or "", 100))
            cs.row([key, c.get("label"), c.get("text")], height=15 * min(lines, 26) + 2, style=x.WRAP)
        self.book.close()


def _lines_in(text: str, width: float) -> int:
    """About how many lines ``text`` takes wrapped in a column ``width`` wide (Excel's units, where a Chinese
    character takes about two): the width of a line is counted from its UTF-8 length, which is 1 for
    ASCII and 3 for Chinese, so (bytes + characters) / 2 is its width in those units."""
    room = max(1.0, width - 1.5)
    n = 0
    for para in text.split("\n"):
        w = (len(para.encode()) + len(para)) / 2
        n += max(1, -int(-w // room))
    return n


def _citations(answer: dict):
    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "basis" and isinstance(v, list):
                    for c in v:
                        if isinstance(c, dict):
                            yield c
                else:
                    yield from walk(v)
        elif isinstance(node, list):
            for x in node:
                yield from walk(x)
    return walk(answer)


def _cite_order(key: str):
    parts = key.split(":")
    return (parts[0], *[int(re.sub(r"\D", "", p) or 0) for p in parts[1:]])


# ---------------------------------------------------------------- progress bar

class ProgressBar:
    """A progress bar on stderr with the count, the rate and the time left: drawn by rich when it is
    installed, else one line rewritten in place. Shown only when stderr is a terminal, and only once a
    batch has run for a second (a short batch leaves the terminal as it was)."""

    #: seconds before the bar appears
    DELAY = 1.0

    def __init__(self, stream, total: float | None, unit_of) -> None:
        """``total``: the input's size (bytes, or rows for .xlsx), None if unknown; ``unit_of()``: how much of
        it has been read so far."""
        self.stream = stream
        self.total = total
        self.unit_of = unit_of
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False
        self.rich = None

    def _show(self) -> None:
        self.shown = True
        try:
            from rich.console import Console
            from rich.progress import (BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)
        except ImportError:
            return
        self.rich = Progress(TextColumn("zwgk"), BarColumn(), TaskProgressColumn(),
                             TextColumn("{task.fields[count]:>10} 份 · {task.fields[rate]:>7} 份/秒 · 已用"),
                             TimeElapsedColumn(), TextColumn("· 剩余"), TimeRemainingColumn(),
                             console=Console(file=self.stream), transient=True)
        self.task = self.rich.add_task("zwgk", total=self.total or None, count="0", rate="-")
        self.rich.start()

    def update(self, prog) -> None:
        now = time.monotonic()
        took = now - self.start
        if now - self.last < 0.2 or took < self.DELAY:
            return
        if not self.shown:
            self._show()
        self.last = now
        done = prog.answered
        rate = done / took if took > 0 else 0
        pos = self.unit_of()
        if self.rich is not None:
            self.rich.update(self.task, completed=pos, count=f"{done:,}", rate=f"{rate:,.0f}")
            return
        text = f"\rzwgk: {done:,} 份 · {rate:,.0f} 份/秒 · 已用 {took:,.0f} 秒"
        if self.total and pos:
            frac = min(1.0, pos / self.total)
            left = took * (1 - frac) / frac if frac > 0 else 0
            text += f" · {frac:.0%} · 剩余约 {left:,.0f} 秒"
        self.stream.write(text + "   ")
        self.stream.flush()

    def close(self) -> None:
        if not self.shown:
            return
        if self.rich is not None:
            self.rich.stop()
        else:
            self.stream.write("\r" + " " * 78 + "\r")
            self.stream.flush()


