"""Spreadsheet input: the rows of a CSV or XLSX file as the JSON inputs of ``decide``, ``classify`` and
``interact`` (docs/cli.md, "表格输入 / Spreadsheet input").

The first non-empty row names the columns, in English field paths (``submission.channel``,
``items.0.categories``) or their Chinese labels (``提交方式``, ``审查认定类别``); the labels are those of
``_facts`` (``REQUEST_LABELS`` …), the one place they are defined. Every other row is one input: it is
turned into the same JSON object a JSONL line would give, and goes through the same validation, so an
answer from a row is the answer to that JSON. Cells are read as a person fills them in: empty is
"not given"; dates as ISO, ``2026/3/2``, ``2026年3月2日``, an Excel date cell or an Excel serial number;
yes/no as ``TRUE``/``FALSE``, ``true``/``false`` or ``是``/``否``; codes as the code or its Chinese label;
lists (``categories``, ``flags``) as codes or labels separated by ``;`` ``；`` ``,`` ``，`` ``、`` or
spaces.

Rows are read in bounded memory: CSV in blocks of bytes like JSONL (every record within
``MAX_LINE_BYTES``, every cell within ``MAX_CELL_CHARS``); XLSX with openpyxl's read-only mode, after
checking the file's size and the sizes of its parts (``_limits``).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
from dataclasses import dataclass
from typing import Iterator, Literal

from pydantic import BaseModel

from . import _facts
from ._limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ECHO, MAX_SHEET_ROWS, closest
from ._xlsx import col_name


class TableError(Exception):
    """The file cannot be read as a table at all (exit 2): the message says why."""


@dataclass(frozen=True)
class Spec:
    """One input field a column can give: ``path`` with ``N`` for a list index, its kind and vocabulary."""

    path: str
    kind: str                 # text, flag, date, code, codes, consent
    values: tuple = ()
    label: str = ""


def _unwrap(tp):
    """The type inside ``Optional[...]`` and ``Annotated[...]``."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _kind(tp) -> tuple[str, tuple]:
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin is Literal:
        return "code", typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):           # consent: true / false / "no_reply"
        return "consent", ()
    if tp is bool:
        return "flag", ()
    if tp is dt.date:
        return "date", ()
    return "text", ()


def specs(model: type[BaseModel], labels: dict[str, str], prefix: str = "") -> dict[str, Spec]:
    """Every leaf field of ``model`` by its path template (``items.N.categories``), with its label."""
    out: dict[str, Spec] = {}
    for name, f in model.model_fields.items():
        tp = _unwrap(f.annotation)
        path = prefix + name
        if typing.get_origin(tp) is tuple:
            inner = _unwrap(typing.get_args(tp)[0])
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                out.update(specs(inner, labels, path + ".N."))
                continue
            kind, values = _kind(inner)
            out[path] = Spec(path, "codes", values, labels.get(path, ""))
            continue
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            out.update(specs(tp, labels, path + "."))
            continue
        kind, values = _kind(tp)
        out[path] = Spec(path, kind, values, labels.get(path, ""))
    return out


_NOTE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")
_INDEX = re.compile(r"\.(\d+)\.")
_LABEL_N = re.compile(r"^(.*?)(\d+)$")


class Columns:
    """The columns of one sheet: which field path each header gives."""

    def __init__(self, model: type[BaseModel], labels: dict[str, str], header: list) -> None:
        self.specs = specs(model, labels)
        by_label = {s.label: s for s in self.specs.values() if s.label}
        self.cols: list[tuple[int, Spec, str, str] | None] = []      # (index, spec, concrete path, header)
        self.headers: dict[str, str] = {}        # concrete path -> header as written (for error lines)
        if len(header) > MAX_COLUMNS:
            raise TableError(f"列数超过 {MAX_COLUMNS:,} 的上限 / more than {MAX_COLUMNS:,} columns")
        seen: dict[str, str] = {}
        for i, raw in enumerate(header):
            text = "" if raw is None else str(raw).strip()
            if not text:
                self.cols.append(None)
                continue
            spec, path = self._resolve(text, by_label)
            if spec is None:
                options = [*(p.replace(".N.", ".0.") for p in self.specs), *by_label]
                hint = closest(_NOTE.sub("", text), options)
                raise TableError(f"第 {col_name(i)} 列的表头 {text!r} 不是输入字段"
                                 + (f"（是否应为 / did you mean {hint!r}）" if hint else "")
                                 + f" / column {col_name(i)}: {text!r} is not an input field; "
                                   "表头可用英文字段路径或中文名称，见 docs/cli.md / headers are field paths or "
                                   "their Chinese labels, see docs/cli.md")
            if path in seen:
                raise TableError(f"表头 {seen[path]!r} 与 {text!r} 是同一个字段 {path} / two columns give the "
                                 f"same field {path}")
            seen[path] = text
            self.headers[path] = text
            self.cols.append((i, spec, path, text))

    def _resolve(self, text: str, by_label: dict) -> tuple[Spec | None, str]:
        bare = _NOTE.sub("", text)
        for word in (text, bare):
            spec = self.specs.get(word)
            if spec is not None:
                return spec, word
            # an English path with its list index: items.0.description; or without it (the first)
            m = _INDEX.search(word)
            if m is not None:
                spec = self.specs.get(word[:m.start()] + ".N." + word[m.end():])
                if spec is not None:
                    return spec, word
            first = self._first(word)
            if first is not None:
                return first
            spec = by_label.get(word)
            if spec is not None:
                return spec, spec.path.replace(".N.", ".0.")
            m = _LABEL_N.match(word)
            if m is not None and int(m.group(2)) >= 1:
                spec = by_label.get(m.group(1))
                if spec is not None and ".N." in spec.path:
                    return spec, spec.path.replace(".N.", f".{int(m.group(2)) - 1}.")
        return None, ""

    def _first(self, word: str):
        """``items.description`` for ``items.0.description``."""
        head, _, rest = word.partition(".")
        if rest:
            spec = self.specs.get(f"{head}.N.{rest}")
            if spec is not None:
                return spec, f"{head}.0.{rest}"
        return None

    def row(self, cells, date_mode: int = 0) -> bytes | tuple[str, str | None, str | None]:
        """One row as the JSON input (UTF-8 bytes), or ``(message, field, id)`` when a cell cannot be read."""
        obj: dict = {}
        rid = None
        n = len(cells)
        for col in self.cols:
            if col is None:
                continue
            i, spec, path, header = col
            value = cells[i] if i < n else None
            if value is None or (value.__class__ is str and not value.strip()):
                continue
            if path == "id":
                rid = _text(value)
            try:
                v = _convert(spec, value, date_mode)
            except ValueError as exc:
                return (f"{path}（列 {header!r}）: {exc}", path, rid)
            _put(obj, path, v)
        for i in range(len(self.cols), n):          # cells beyond the header
            if cells[i] is not None and str(cells[i]).strip():
                return (f"第 {col_name(i)} 列有值但没有表头 / column {col_name(i)} has a value but no header",
                        None, rid)
        for i, col in enumerate(self.cols):
            if col is None and i < n and cells[i] is not None and str(cells[i]).strip():
                return (f"第 {col_name(i)} 列有值但没有表头 / column {col_name(i)} has a value but no header",
                        None, rid)
        _compact_lists(obj)
        return json.dumps(obj, ensure_ascii=False).encode()


def _put(obj: dict, path: str, value) -> None:
    parts = path.split(".")
    node = obj
    for j, key in enumerate(parts[:-1]):
        nxt = parts[j + 1]
        if key.isdigit():
            continue
        if nxt.isdigit():
            lst = node.setdefault(key, {})       # index -> element; made a list in _compact_lists
            node = lst.setdefault(int(nxt), {})
        else:
            node = node.setdefault(key, {})
    node[parts[-1]] = value


def _compact_lists(obj) -> None:
    """Lists were built as {index: element}: in index order (elements with no cell at all are not there)."""
    for k, v in obj.items():
        if isinstance(v, dict):
            if v and all(isinstance(i, int) for i in v):
                obj[k] = [v[i] for i in sorted(v)]
                for el in obj[k]:
                    _compact_lists(el)
            else:
                _compact_lists(v)


_LABEL_TO_CODE = {label: code for code, label in _facts.CODE_LABELS.items()}
_ISSUED_AS = {label: code for code, label in _facts.ISSUED_AS_LABELS.items()}
_SPLIT = re.compile(r"[;；,，、\s]+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0?0:00(?::00)?)?")
#: Excel's day 0 (the 1900 date system; Excel counts a 29 February 1900 that never was, so serials
#: from 61 on are one day ahead of a plain count from 1899-12-31)
_EXCEL_1900 = dt.date(1899, 12, 30)
_EXCEL_1904 = dt.date(1904, 1, 1)


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def _code(spec: Spec, word: str) -> str:
    if word in spec.values or not spec.values:
        return word
    if spec.path == "issued_as":
        return _ISSUED_AS.get(word, word)
    code = _LABEL_TO_CODE.get(word)
    return code if code in spec.values else word       # an unknown word: validation names the options


def _convert(spec: Spec, value, date_mode: int):
    kind = spec.kind
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise ValueError(f"单元格超过 {MAX_CELL_CHARS:,} 个字符的上限 / cell longer than {MAX_CELL_CHARS:,} characters")
    if kind == "text":
        return _text(value)
    if kind == "flag":
        return _flag(value)
    if kind == "consent":
        if isinstance(value, bool):
            return value
        word = _text(value)
        if word in _facts.CONSENT_WORDS:
            return _facts.CONSENT_WORDS[word]
        if word == "no_reply" or _LABEL_TO_CODE.get(word) == "no_reply":
            return "no_reply"
        return _flag(value)
    if kind == "date":
        return _date(value, date_mode)
    if kind == "code":
        return _code(spec, _text(value))
    if kind == "codes":
        return [_code(spec, w) for w in _SPLIT.split(_text(value)) if w]
    raise AssertionError(kind)


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    word = _text(value)
    if word.lower() in _facts.TRUE_WORDS:
        return True
    if word.lower() in _facts.FALSE_WORDS:
        return False
    raise ValueError(f"须为 是/否 或 TRUE/FALSE（true/false），收到 {_echo(word)} / must be yes or no")


def _date(value, date_mode: int) -> str:
    """A date cell as ISO: an Excel date (midnight), an Excel serial number, or text as people write it."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise ValueError(f"须为日期，不带时刻，收到 {value.isoformat(sep=' ')} / must be a date without a time")
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        raise ValueError(f"须为日期，收到 {value} / must be a date")
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()
                                           and len(value.strip()) <= 6):
        return _serial(float(value), date_mode)
    word = _text(value)
    m = _DATE.fullmatch(word)
    if m is None:
        raise ValueError(f"须为日期（如 2026-03-02、2026/3/2、2026年3月2日），收到 {_echo(word)} / must be a date")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        raise ValueError(f"不是有效的日期 / not a valid date: {_echo(word)}") from None


def _serial(n: float, date_mode: int) -> str:
    """An Excel date serial number (days; ``date_mode`` 1 for the 1904 date system of old Mac workbooks)."""
    if not n.is_integer() or not 1 <= n <= 2_958_465:
        raise ValueError(f"须为日期，收到数字 {n:g} / must be a date, got a number that is not an Excel date")
    n = int(n)
    if date_mode == 1:
        return (_EXCEL_1904 + dt.timedelta(days=n)).isoformat()
    if n < 61:          # Excel's 1900-02-29 does not exist: before it the count is one day shorter
        n += 1
    return (_EXCEL_1900 + dt.timedelta(days=n)).isoformat()


def _echo(word: str) -> str:
    return repr(word if len(word) <= MAX_ECHO else word[:MAX_ECHO] + "…")


# ---------------------------------------------------------------- readers: rows of cells, by row number

def csv_rows(fh, encoding, limit: int) -> Iterator[tuple[int, list | str | None]]:
    """``(row number, cells)`` for every record of a CSV file (row 1 is the first, as a spreadsheet numbers
    them); ``cells`` is a message instead where the record cannot be read (not in the file's encoding,
    longer than ``limit`` bytes, a cell longer than ``MAX_CELL_CHARS``), and None for a blank row.

    ``encoding`` (``_cli._Encoding``) is named or detected from the first bytes that are not ASCII, as
    for JSONL; a UTF-8 BOM is skipped; lines end at LF, CRLF or CR (also inside quoted cells, which keep
    their line breaks); the delimiter is the comma, or a tab or semicolon if the header has one and no
    comma."""
    import csv
    lines = _CsvLines(fh, encoding, limit)
    try:
        first = lines.peek()
    except _RecordTooLong:
        raise TableError(f"表头行超过 {limit:,} 字节的上限：这不像是 CSV 文件 / the header row is longer than {limit:,} "
                         "bytes: this does not look like a CSV file") from None
    if first is None:
        return
    head = first.split("\n")[0]
    delim = "\t" if "\t" in head and "," not in head else ";" if ";" in head and "," not in head else ","
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(lines, delimiter=delim)
    row = 0
    while True:
        lines.record_start()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row += 1
            lines.bad = None
            yield row, (f"第 {row} 行无法按 CSV 读取 / row {row} cannot be read as CSV: {exc}"
                        + (f"（单元格上限 {MAX_CELL_CHARS:,} 个字符 / cells hold at most {MAX_CELL_CHARS:,} "
                           "characters）" if "field larger" in str(exc) else ""))
            continue
        except _RecordTooLong:
            row += 1
            yield row, (f"第 {row} 行超过 {limit:,} 字节的上限，未读取 / row {row} is longer than the limit of "
                        f"{limit:,} bytes: not read")
            reader = csv.reader(lines, delimiter=delim)
            continue
        row += 1
        if lines.bad is not None:
            msg, lines.bad = lines.bad, None
            yield row, msg
        elif not cells or not any(c.strip() for c in cells):
            yield row, None
        else:
            yield row, cells


class _RecordTooLong(Exception):
    pass


class _CsvLines:
    """The text lines of a CSV stream, line ends kept (for cells with line breaks), in bounded blocks."""

    def __init__(self, fh, encoding, limit: int) -> None:
        from ._cli import _Encoding
        self.fh = fh
        self.read = getattr(fh, "read1", None) or fh.read
        self.enc = encoding if encoding is not None else _Encoding()
        self.limit = limit
        self.pending: list[bytes] = []
        self.carry = b""
        self.eof = False
        self.started = False
        self.size = 0             # bytes of the record being read
        self.bad: str | None = None
        self.dropping = False
        self._peeked: str | None = None

    def record_start(self) -> None:
        self.size = 0

    def peek(self) -> str | None:
        if self._peeked is None:
            try:
                self._peeked = self._next()
            except StopIteration:
                return None
        return self._peeked

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self._peeked is not None:
            line, self._peeked = self._peeked, None
            return line
        return self._next()

    def _fill(self) -> None:
        from ._cli import _BLOCK, _BOM, _InputFailed
        while not self.pending and not self.eof:
            try:
                data = self.read(_BLOCK)
            except OSError as exc:
                raise _InputFailed(f"无法读取输入 / cannot read the input: {exc.strerror or exc}") from None
            if not data:
                self.eof = True
                if self.carry:
                    self.pending.append(self.carry)
                    self.carry = b""
                return
            if not self.started:
                head = self.carry + data
                if len(head) < 3 and _BOM.startswith(head):
                    self.carry = head
                    continue
                self.carry, self.started = b"", True
                data = head.removeprefix(_BOM)
                if not data:
                    continue
            if self.enc.name is None:
                self.enc.see(data)
            if self.dropping:           # the rest of an overlong line: skipped as it comes, never held
                m = re.search(rb"\r\n?|\n", data)
                if m is None:
                    continue
                self.dropping, data = False, data[m.end():]
            buf = self.carry + data
            parts = buf.splitlines(keepends=True)
            # a line is complete once its end is seen; a CR at the very end may be the start of a CRLF
            if parts and (not parts[-1].endswith((b"\n", b"\r")) or buf.endswith(b"\r")):
                self.carry = parts.pop()
            else:
                self.carry = b""
            if len(self.carry) > self.limit:
                self.pending.append(self.carry)         # reported as too long when its turn comes
                self.carry, self.dropping = b"", True
            self.pending.extend(reversed(parts))        # a stack: the first line is popped first

    def _next(self) -> str:
        if not self.pending:
            self._fill()
            if not self.pending:
                raise StopIteration
        raw = self.pending.pop()
        self.size += len(raw)
        if len(raw) > self.limit or self.size > self.limit:
            raise _RecordTooLong()
        name = self.enc.name or "utf-8"
        try:
            return raw.decode(name)
        except UnicodeDecodeError:
            from ._cli import _not_encoded
            self.bad = _not_encoded(name, self.enc.named)
            return raw.decode(name, "replace")


def xlsx_rows(path: str) -> tuple[int, Iterator[tuple[int, list | None]]]:
    """``(date system, rows)`` of the first worksheet of an ``.xlsx`` file: ``(row number, cells)``, None for
    a blank row. Needs openpyxl (``pip install 'zwgk-rules[xlsx]'``)."""
    import os
    import zipfile

    from ._limits import MAX_XLSX_BYTES, MAX_XLSX_PART_BYTES
    try:
        import openpyxl
    except ImportError:
        raise TableError("读取 .xlsx 需要 openpyxl：pip install 'zwgk-rules[xlsx]'（或另存为 CSV）/ reading .xlsx needs "
                         "openpyxl: pip install 'zwgk-rules[xlsx]' (or save the sheet as CSV)") from None
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise TableError(f"无法读取 / cannot read {path}: {exc.strerror or exc}") from None
    if size > MAX_XLSX_BYTES:
        raise TableError(f"{path}: .xlsx 文件超过 {MAX_XLSX_BYTES // 2**20} MiB 的上限（可另存为 CSV，CSV 没有大小上限）/ "
                         f"larger than the limit of {MAX_XLSX_BYTES // 2**20} MiB for .xlsx (CSV has none)")
    try:
        with zipfile.ZipFile(path) as z:
            big = [i.filename for i in z.infolist() if i.file_size > MAX_XLSX_PART_BYTES]
    except (zipfile.BadZipFile, OSError) as exc:
        raise TableError(f"{path}: 不是有效的 .xlsx 文件 / not a valid .xlsx file ({exc})") from None
    if big:
        raise TableError(f"{path}: .xlsx 中的 {big[0]} 解压后超过 {MAX_XLSX_PART_BYTES // 2**20} MiB 的上限 / a part "
                         f"unpacks to more than {MAX_XLSX_PART_BYTES // 2**20} MiB")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise TableError(f"{path}: 无法作为 .xlsx 读取 / cannot be read as .xlsx ({type(exc).__name__}: {exc})") from None
    ws = wb.worksheets[0]
    mode = 1 if getattr(wb, "epoch", None) is not None and wb.epoch.year == 1904 else 0

    def rows():
        try:
            for r, row in enumerate(ws.iter_rows(values_only=True), 1):
                if r > MAX_SHEET_ROWS:
                    raise TableError(f"工作表超过 {MAX_SHEET_ROWS:,} 行 / more than {MAX_SHEET_ROWS:,} rows")
                if len(row) > MAX_COLUMNS:
                    row = row[:MAX_COLUMNS]
                if not any(c is not None and (not isinstance(c, str) or c.strip()) for c in row):
                    yield r, None
                else:
                    yield r, list(row)
        finally:
            wb.close()

    return mode, rows()


def json_lines(rows: Iterator, columns_for, date_mode: int = 0) -> Iterator:
    """The rows as input lines for the command line's pipeline: UTF-8 JSON bytes, ``1`` for a row that is
    not an input (the header, blank rows: counted for the line numbers), ``(message, field, id)`` for a
    row that cannot be read. ``columns_for(header)`` makes the ``Columns`` from the header row."""
    cols = None
    for r, cells in rows:
        if cells is None:
            yield 1
            continue
        if isinstance(cells, str):
            yield (cells, None, None)
            continue
        if cols is None:
            cols = columns_for(cells)
            yield 1
            continue
        yield cols.row(cells, date_mode)


def header_table(command: str) -> str:
    """The Markdown table of a command's column headers (docs/cli.md shows it; a test checks they agree)."""
    from ._models import DisclosureRequest, Document, Message
    model, labels = {"decide": (DisclosureRequest, _facts.REQUEST_LABELS),
                     "classify": (Document, _facts.DOCUMENT_LABELS),
                     "interact": (Message, _facts.MESSAGE_LABELS)}[command]
    kinds = {"text": "文字 / text", "flag": "是/否 · TRUE/FALSE", "date": "日期 / date",
             "consent": "同意 · 不同意 · 逾期未答复（true · false · no_reply）"}
    out = ["| 英文表头 / field path | 中文表头 / label | 取值 / values |", "|---|---|---|"]
    for path, spec in specs(model, labels).items():
        if spec.kind in ("code", "codes"):
            words = _facts.ISSUED_AS_LABELS if path == "issued_as" else _facts.CODE_LABELS
            values = " · ".join(f"`{v}` {words[v]}" if v in words else f"`{v}`" for v in spec.values)
            if spec.kind == "codes":
                values = "多个，以 ; 、 , 分隔 / several: " + values
        else:
            values = kinds[spec.kind]
        out.append(f"| `{path}` | {spec.label} | {values} |")
    return "\n".join(out) + "\n"
