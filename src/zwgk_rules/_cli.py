"""Command line: ``zwgk decide|classify|interact FILE|-``, ``zwgk check``, ``zwgk schema`` (also
``python -m zwgk_rules``).

One output line per input line, in order; a bad line prints ``{"id"?, "error": {"message", "field", "line"}}``
and the batch goes on. Input may also be CSV or XLSX (``_tabular``), and output a table, CSV or XLSX
(``_render``); JSONL stays the default and its fast path is untouched. Input is streamed in bounded blocks, so memory stays flat however long the file
is and however long a line is (a line over ``MAX_LINE_BYTES`` is answered by an error line and its
bytes are skipped, never held). Lines end at LF, CRLF or CR; a UTF-8 byte-order mark is skipped.

Exit status (docs/cli.md):

* 0 every line answered; 1 some line is an error line; 2 the command cannot run (bad arguments, an
  input that is a folder or unreadable, closed stdin or stdout, rules that fail to load);
* 3 the batch was cut short by a fault (the output closed or full, a worker process lost);
  130 / 143 interrupted by SIGINT / SIGTERM. In each of these cases stderr says how many input lines
  were answered, so the caller knows where to resume.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
from itertools import repeat as _repeat
from pathlib import Path
from typing import IO, Iterator

from pydantic import ValidationError

from ._encode import has_separator, one_line
from ._formats import stderr_is_terminal
from ._gc import paused
from ._errors import InputError, ZwgkError
from ._models import DisclosureRequest, Document, Message


def _iso(o):
    return o.isoformat()


class _Idle:
    """Marks that the input had nothing more to give for now (a short read from a pipe): the lines read
    so far are decided and written at once, so ``zwgk decide -`` answers as a coprocess would."""

    __slots__ = ()


_IDLE = _Idle()


class _Run(list):
    """Lines of one block read by ``_frames(..., runs=True)``, none of them blank or too long: handed on as one list
    (``_Encoding.convert``, ``_chunks`` take it apart) rather than line by line."""

    __slots__ = ()


class _Bad:
    """An input line (or row) that cannot even be parsed: answered by an error line in its place.
    ``message``, ``field`` and ``id`` (if the row gave one) go into that line."""

    __slots__ = ("message", "field", "id")

    def __init__(self, message: str, field: str | None = None, id: str | None = None) -> None:
        self.message, self.field, self.id = message, field, id

    def error(self) -> ZwgkError:
        return InputError(self.message, field=self.field)


class _Overlong(_Bad):
    """An input line (or ``.json`` file) longer than ``MAX_LINE_BYTES``: answered by an error line as soon
    as the limit is passed; the rest of it is skipped, never held."""

    __slots__ = ()

    def __init__(self) -> None:
        from ._limits import MAX_LINE_BYTES
        super().__init__(f"输入行超过 {MAX_LINE_BYTES:,} 字节的上限，未读取 / "
                         f"line longer than the limit of {MAX_LINE_BYTES:,} bytes: not read")


_BOM = b"\xef\xbb\xbf"
_BLOCK = 1 << 20


def _frames(fh, limit: int, encoding: "_Encoding | None" = None,
            runs: bool = False) -> Iterator[bytes | _Bad | _Idle | int | _Run]:
    """The non-blank lines of a binary stream, split at LF, CRLF or CR, in bounded memory.

    Reads blocks of at most 1 MiB (``read1``: what a pipe has, without waiting for a full block). A
    line longer than ``limit`` gives one ``_Overlong`` and is skipped up to its end. A blank line gives
    the int 1 (so that line numbers can be counted; ``_chunks`` does). ``encoding`` (auto-detection)
    is shown each block until it has decided. With ``runs``, the lines of a block split at LF alone with
    none blank or too long come as one ``_Run`` (the same lines, without a Python step for each)."""
    import re
    raw_read = getattr(fh, "read1", None) or fh.read

    def read(n):
        try:
            return raw_read(n)
        except OSError as exc:
            raise _InputFailed(f"无法读取输入 / cannot read the input: {exc.strerror or exc}") from None

    eol = re.compile(rb"\r\n?|\n")
    carry = b""
    dropping = False        # skipping the rest of an overlong line
    after_cr = False        # the last block ended a line with CR: a LF starting the next one belongs to it
    head = b""              # the first bytes, until a BOM can be recognised
    while True:
        data = read(_BLOCK)
        if not data:
            break
        short = len(data) < _BLOCK
        if head is not None:
            head += data
            if len(head) < 3 and _BOM.startswith(head):
                continue
            data, head = head.removeprefix(_BOM), None
        if encoding is not None and encoding.name is None:
            encoding.see(data)
        if after_cr:
            after_cr = False
            if data[:1] == b"\n":
                data = data[1:]
                if not data:
                    continue
        if dropping:
            m = eol.search(data)
            if m is None:
                if short:
                    yield _IDLE
                continue
            dropping = False
            data = data[m.end():]
            if not data:
                after_cr = m.group() == b"\r"
                if short:
                    yield _IDLE
                continue
        buf = carry + data if carry else data
        if buf.find(b"\r") < 0:       # LF alone: ``split`` gives the same parts, about 1/3 cheaper than ``splitlines``
            parts = buf.split(b"\n")
            carry = parts.pop()         # b"" after a final LF
            if (runs and parts and b"" not in parts and not any(map(bytes.isspace, parts))
                    and max(map(len, parts)) <= limit):       # none blank (``strip`` would leave nothing), none too long
                yield _Run(parts)
                parts = ()
        else:
            parts = buf.splitlines()
            last = buf[-1:]
            carry = b"" if last in (b"\n", b"\r") or not parts else parts.pop()
            after_cr = last == b"\r"
        for part in parts:
            if len(part) > limit:
                yield _Overlong()
            elif part.strip():
                yield part
            else:
                yield 1
        if len(carry) > limit:
            yield _Overlong()
            dropping, carry = True, b""
        if short:
            yield _IDLE
    if head:
        carry = head.removeprefix(_BOM)
        if encoding is not None and encoding.name is None:
            encoding.see(carry)
    if not dropping and carry.strip():
        yield _Overlong() if len(carry) > limit else carry


def _Counted(fh, counter: list | None):
    """``fh``, counting the bytes read into ``counter[0]`` (for the progress bar) when a counter is given."""
    if counter is None:
        return fh
    return _Counting(fh, counter)


class _Counting:
    def __init__(self, fh, counter: list) -> None:
        self.fh, self.counter = fh, counter
        self._read = getattr(fh, "read1", None) or fh.read

    def read1(self, n: int = -1) -> bytes:
        data = self._read(n)
        self.counter[0] += len(data)
        return data

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.counter[0] += len(data)
        return data


class _Encoding:
    """The input's character encoding: named (``--encoding``) or detected from the first block of bytes
    that is not plain ASCII: UTF-8 if it is valid UTF-8, else GB18030 (which contains GBK and GB2312) if
    it is valid GB18030. Lines in an encoding other than UTF-8 are converted to UTF-8, one by one; a line
    that is not valid in the input's encoding is an error line saying so."""

    __slots__ = ("name", "named")

    def __init__(self, name: str | None = None) -> None:
        self.name = _codec(name) if name else None
        self.named = bool(name)

    def see(self, data: bytes) -> None:
        if data.isascii():
            return
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise _CannotRun("输入是 UTF-16 编码（如 Excel 的“Unicode 文本”），不支持；请另存为 UTF-8 或 CSV / "
                             "the input is UTF-16 (e.g. Excel's 'Unicode Text'), which is not supported: "
                             "save it as UTF-8 or as CSV")
        import codecs
        for name in ("utf-8", "gb18030"):
            try:
                codecs.getincrementaldecoder(name)().decode(data)     # not final: a block may end mid-character
            except UnicodeDecodeError:
                continue
            self.name = name
            return
        self.name = "utf-8"         # neither: every line that is not UTF-8 is an error line saying so

    def convert(self, lines: Iterator) -> Iterator:
        """``lines`` as UTF-8: as they are once the encoding is UTF-8 (or while it may yet be: until then
        every line was ASCII)."""
        for ln in lines:
            name = self.name
            if name == "utf-8":
                yield ln
                yield from lines
                return
            if name is None:
                yield ln
            elif ln.__class__ is _Run:
                yield from map(self._utf8, ln)
            else:
                yield self._utf8(ln)

    def _utf8(self, ln):
        """A line (or marker) of the input's encoding as UTF-8 (or ``_Bad``, not valid in it)."""
        if ln.__class__ is bytes and not ln.isascii():
            try:
                return ln.decode(self.name).encode()
            except UnicodeDecodeError:
                return _Bad(_not_encoded(self.name, self.named))
        return ln


def _codec(name: str) -> str:
    """The codec's canonical name; an encoding that is not a superset of ASCII (UTF-16, UTF-32) cannot
    be read line by line and is refused."""
    import codecs
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise _CannotRun(f"未知的编码 / unknown encoding: {name}") from None
    probe = '{"a": 1}\r\n,;'
    try:
        ok = probe.encode(info.name) == probe.encode("ascii")
    except UnicodeError:
        ok = False
    if not ok:
        raise _CannotRun(f"不支持的编码 / unsupported encoding: {name}（须兼容 ASCII，如 utf-8、gb18030、gbk、big5 / "
                         f"must be ASCII-compatible, e.g. utf-8, gb18030, gbk, big5）")
    return "utf-8" if info.name == "utf-8-sig" else info.name


def _not_encoded(name: str, named: bool) -> str:
    how = "按 --encoding 所给" if named else "按检测到的"
    how_en = "as named by --encoding" if named else "as detected"
    return (f"该行不是有效的 {name} 文本（{how}编码读取）；如文件是 GBK/GB18030，请加 --encoding gb18030 / "
            f"the line is not valid {name} ({how_en}); for a GBK/GB18030 file give --encoding gb18030")


def _lines(path: str, stdin, limit: int | None = None, encoding: str | None = None, whole: bool | None = None,
           counter: list | None = None) -> Iterator:
    """The input's lines as UTF-8 bytes (a ``.json`` file is one document, however laid out), with the
    markers of ``_frames``. pydantic parses bytes directly, so UTF-8 input is never decoded to ``str``."""
    from ._limits import MAX_LINE_BYTES
    limit = MAX_LINE_BYTES if limit is None else limit
    enc = _Encoding(encoding)
    if path == "-":
        if stdin is None:
            raise _CannotRun("标准输入已关闭 / standard input is closed")
        yield from enc.convert(_frames(_Counted(getattr(stdin, "buffer", stdin), counter), limit, enc, runs=True))
        return
    with _open_input(path) as fh:
        fh = _Counted(fh, counter)
        if path.endswith(".json") if whole is None else whole:
            try:
                data = fh.read(limit + 1)
            except OSError as exc:
                raise _CannotRun(f"无法读取 / cannot read {path}: {exc.strerror or exc}") from None
            if len(data) > limit:
                yield _Overlong()
                return
            data = data.removeprefix(_BOM)
            if enc.name is None:
                enc.see(data)
            if data.strip():
                yield from enc.convert(iter([data]))
            return
        yield from enc.convert(_frames(fh, limit, enc, runs=True))


#: the input formats (``--input-format``; otherwise by the file's extension)
INPUT_FORMATS = ("jsonl", "json", "csv", "xlsx")


def _input_format(path: str, fmt: str | None) -> str:
    if fmt:
        return fmt
    low = path.lower()
    if low.endswith(".json"):
        return "json"
    if low.endswith((".csv", ".tsv")):
        return "csv"
    if low.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if low.endswith(".xls"):
        raise _CannotRun(f"{path}: 旧版 .xls 格式不支持，请在 Excel 中另存为 .xlsx 或 CSV / the old .xls format is not "
                         "supported: save it as .xlsx or CSV from Excel")
    return "jsonl"


def _inputs(path: str, stdin, command: str, fmt: str | None = None, encoding: str | None = None,
            counter: list | None = None):
    """The input as lines for ``_chunks`` (UTF-8 JSON bytes, ints for lines that are not inputs, ``_Bad``
    markers), and for spreadsheets the column header of each field path (named in error lines)."""
    fmt = _input_format(path, fmt)
    if fmt in ("jsonl", "json"):
        if encoding:
            _codec(encoding)          # an unknown encoding is refused before anything is read
        return _lines(path, stdin, encoding=encoding, whole=fmt == "json", counter=counter), None
    from . import _facts
    from ._limits import MAX_LINE_BYTES
    from ._tabular import Columns, TableError, csv_rows, json_lines, xlsx_rows
    model, labels = {"decide": (DisclosureRequest, _facts.REQUEST_LABELS),
                     "classify": (Document, _facts.DOCUMENT_LABELS),
                     "interact": (Message, _facts.MESSAGE_LABELS)}[command]
    made: list = []

    def columns_for(header):
        try:
            made.append(Columns(model, labels, header))
        except TableError as exc:
            raise _CannotRun(str(exc)) from None
        return made[0]

    def marked(items):
        try:
            for x in items:
                yield _Bad(*x) if x.__class__ is tuple else x
        except TableError as exc:          # the sheet turned out to be beyond a limit part-way
            raise _InputFailed(str(exc)) from None

    def rows_csv():
        enc = _Encoding(encoding)
        if path == "-":
            if stdin is None:
                raise _CannotRun("标准输入已关闭 / standard input is closed")
            yield from csv_rows(_Counted(getattr(stdin, "buffer", stdin), counter), enc, MAX_LINE_BYTES)
            return
        with _open_input(path) as fh:
            yield from csv_rows(_Counted(fh, counter), enc, MAX_LINE_BYTES)

    try:
        if fmt == "csv":
            if encoding:
                _codec(encoding)
            rows, mode = rows_csv(), 0
        else:
            if path == "-":
                raise _CannotRun("不能从标准输入读取 .xlsx，请给出文件名 / .xlsx cannot be read from standard input: "
                                 "name the file")
            _open_input(path).close()
            mode, rows = xlsx_rows(path)
    except TableError as exc:
        raise _CannotRun(str(exc)) from None
    lines = marked(json_lines(rows, columns_for, mode))
    # read up to the header row now, so that its columns are known before the batch starts
    head: list = []
    for x in lines:
        head.append(x)
        if made or x.__class__ is not int:
            break
    if not made and not any(x.__class__ is not int for x in head):
        return iter(head), None
    import itertools
    return itertools.chain(head, lines), made[0].headers if made else None


class _CannotRun(Exception):
    """The command cannot run at all (exit 2): the message says why."""


class _InputFailed(Exception):
    """Reading the input failed part-way (exit 2): the message says why, stderr how far the batch got."""


class _CutShort(Exception):
    """The batch stopped part-way (exit 3): the output failed or a worker was lost."""

    def __init__(self, message: str, code: int = 3) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _open_input(path: str):
    import errno
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise _CannotRun(f"找不到文件 / file not found: {path}") from None
    except IsADirectoryError:
        raise _CannotRun(f"输入是目录，不是文件 / is a directory, not a file: {path}") from None
    except PermissionError:
        raise _CannotRun(f"无权读取文件 / permission denied: {path}") from None
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise _CannotRun(f"找不到文件 / file not found: {path}") from None
        raise _CannotRun(f"无法读取 / cannot read {path}: {exc.strerror or exc}") from None


def _fields_given(model) -> int:
    """How many keys the input gave for ``model`` and everything nested in it (its fields set). The first
    ``_COUNT_AFTER`` models of a class are counted by ``_walk_fields``; then by a counter generated for the
    class (``_key_counter``: a third of the instructions, but its making would cost a short run more than it saves)."""
    cls = model.__class__
    count = _KEY_COUNTERS.get(cls)
    if count is None:
        seen = _KEY_COUNTERS_DUE[cls] = _KEY_COUNTERS_DUE.get(cls, 0) + 1
        if seen <= _COUNT_AFTER:
            return _walk_fields(model)
        count = _key_counter(cls)
    return count(model)


def _walk_fields(model) -> int:
    """``_fields_given`` by walking the models (the fields that can hold models read once per class)."""
    fields = model.__pydantic_fields_set__
    n = len(fields)
    nested = _NESTED.get(model.__class__)
    if nested is None:
        nested = _NESTED[model.__class__] = tuple(name for name, info in model.__class__.model_fields.items()
                                                  if _models_in(info.annotation))
    if nested:
        values = model.__dict__
        for name in nested:
            if name in fields:
                v = values[name]
                if v.__class__ is tuple:
                    for x in v:
                        n += _walk_fields(x)
                elif v is not None:
                    n += _walk_fields(v)
    return n


def _models_in(tp) -> list:
    """The model classes in type ``tp`` (itself, or in its arguments: ``Optional[M]``, ``tuple[M, ...]``)."""
    import typing
    from pydantic import BaseModel
    found = [tp] if isinstance(tp, type) and issubclass(tp, BaseModel) else []
    for a in typing.get_args(tp):
        found += [m for m in _models_in(a) if m not in found]
    return found


def _key_counter(cls):
    """``count(model) -> int``, the keys given for a model of class ``cls``, generated from its fields once per
    class: the length of its fields set, plus, for each field given that can hold models (alone, optional or
    in a tuple), the keys of the models in it, counted the same way, inline (no call per nested model). A
    field holding models of more than one class counts them through ``_fields_given``."""
    import typing

    body = ["def count(m):", "    n = 0"]

    def emit(model, var: str, indent: str, depth: int) -> None:
        fs = f"f{depth}"
        body.extend([f"{indent}{fs} = {var}.__pydantic_fields_set__", f"{indent}n += len({fs})"])
        for name, info in model.model_fields.items():
            inner = _models_in(info.annotation)
            if not inner:
                continue
            v, x = f"v{depth}", f"x{depth}"
            body.extend([f"{indent}if {name!r} in {fs}:", f"{indent}    {v} = {var}.__dict__[{name!r}]"])
            many = typing.get_origin(info.annotation) is tuple
            if many:
                body.append(f"{indent}    for {x} in {v}:")
            else:
                body.append(f"{indent}    if {v} is not None:")
            item = x if many else v
            if len(inner) > 1 or depth >= 8:        # several classes, or (never among the input models) deep
                body.append(f"{indent}        n += ANY({item})")
            else:
                emit(inner[0], item, indent + "        ", depth + 1)

    emit(cls, "m", "    ", 0)
    body.append("    return n")
    env = {"ANY": _fields_given}
    exec(compile("\n".join(body) + "\n", f"<zwgk_rules key counter: {cls.__name__}>", "exec"), env)  # noqa: S102
    count = _KEY_COUNTERS[cls] = env["count"]
    return count


#: model class -> its key counter (``_key_counter``); how many of its models were counted before it was made
_KEY_COUNTERS: dict = {}
_KEY_COUNTERS_DUE: dict = {}
#: decide lines read by pydantic before the faster reader (``_decide_read``, msgspec) is made: making it takes about
#: 20 ms (msgspec's import, its types, the generated code), which a short run would not win back
READ_AFTER = 1000
#: the models of a class counted by ``_walk_fields`` before its counter is made
_COUNT_AFTER = 200
#: model class -> the names of its fields that can hold models (``_walk_fields``)
_NESTED: dict = {}


def _keys_match_fields(line: bytes, model) -> bool:
    """True when the line certainly has no key twice: it has exactly as many colons as the model has fields
    given. Every key of a JSON object is followed by one colon (whatever the spaces), so a key given twice
    makes the colons outnumber the fields given (unknown keys are already errors). Any doubt (a colon
    inside a string) goes to the exact check."""
    return line.count(b":") == _fields_given(model)


def _raise_duplicate_key(data: bytes) -> None:
    """The exact check: parse keeping every key, and name the first key given twice with its path."""
    def walk(node, path):
        if isinstance(node, list) and node and all(isinstance(p, tuple) for p in node):
            seen = set()
            for key, value in node:
                if key in seen:
                    where = ".".join([*path, key])
                    raise InputError(f"{where}: 键 {key!r} 重复 / duplicate key", field=where)
                seen.add(key)
                walk(value, [*path, key])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, [*path, str(i)])

    walk(json.loads(data, object_pairs_hook=list), [])


def _error_line(exc: ZwgkError, line=None, lineno: int | None = None, columns: dict | None = None) -> bytes:
    """The error line for an input: ``{"id"?, "error": {"message", "field", "line", "column"?}}``. ``id`` is the
    input's own (when it gave one that can be read), ``line`` its line in the file (the row, for CSV and
    XLSX), ``column`` the spreadsheet column of ``field``."""
    err = {"message": exc.message, "field": exc.field}
    if lineno is not None:
        err["line"] = lineno
    if columns and exc.field:
        col = columns.get(exc.field)
        if col is not None:
            err["column"] = col
    rid = line.id if isinstance(line, _Bad) else _input_id(line) if line is not None else None
    obj = {"id": rid, "error": err} if rid is not None else {"error": err}
    return one_line(json.dumps(obj, ensure_ascii=False).encode())


_ID = None


def _input_id(line: bytes) -> str | None:
    """The ``id`` an input line gives, for its error line: read from the JSON, or, where the line is not JSON,
    found by a pattern; None if there is none (or it is not a string within the limit)."""
    from ._limits import MAX_ID
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        global _ID
        if _ID is None:
            import re
            _ID = re.compile(rb'"id"\s*:\s*("(?:[^"\\\r\n]|\\.){0,%d}")' % (MAX_ID * 6))
        m = _ID.search(line)
        if m is None:
            return None
        try:
            obj = {"id": json.loads(m.group(1))}
        except ValueError:
            return None
    rid = obj.get("id") if isinstance(obj, dict) else None
    return rid if isinstance(rid, str) and len(rid) <= MAX_ID else None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _Chunk(list):
    """A chunk of input lines with their line numbers: ``first`` is the first line's, ``gaps`` lists
    ``(index, n)`` where ``n`` lines (blank ones) were left out before the line at ``index``."""

    __slots__ = ("first", "gaps")

    def __init__(self, first: int = 1) -> None:
        super().__init__()
        self.first = first
        self.gaps: list | None = None

    def __reduce__(self):
        return (_rebuild_chunk, (list(self), self.first, self.gaps))


def _rebuild_chunk(lines, first, gaps):
    c = _Chunk(first)
    c.extend(lines)
    c.gaps = gaps
    return c


def _lineno(lines, i: int) -> int:
    """The line number (from 1) of ``lines[i]`` in the input."""
    n = getattr(lines, "first", 1) + i
    for at, skipped in getattr(lines, "gaps", None) or ():
        if at <= i:
            n += skipped
    return n


_RULEBOOKS: dict = {}


@paused()        # loading: much is built, almost nothing thrown away (``_gc``)
def _rulebook_for(packs: tuple = ()):
    """The bundled rules with the pack folders ``packs`` (``--pack``), loaded once per process: the parent
    loads them before forking, so the workers inherit them."""
    from ._rulebook import Rulebook, default_rulebook
    if not packs:
        return default_rulebook()
    rb = _RULEBOOKS.get(packs)
    if rb is None:
        rb = _RULEBOOKS[packs] = Rulebook(packs=list(packs))
    return rb


class _Decider:
    """Decides JSONL lines into output bytes; one per process (engines are built per pack on demand)."""

    @paused()    # building the decider (and, on first use, the rules): no collector passes (``_gc``)
    def __init__(self, explain: bool = False, backend: str = "python", command: str = "decide",
                 columns: dict | None = None, packs: tuple = (), jurisdiction: str | None = None,
                 rulebook=None) -> None:
        """``columns``: for spreadsheet input, the column header of each field path (named in error lines).
        ``packs``: pack folders loaded beside the bundled rules; ``jurisdiction``: the pack of inputs that
        name none (an input naming one keeps it). ``rulebook``: rules already loaded with those packs (the
        Dask workers keep their own, ``_dask_worker``)."""
        from ._encode import Encoder

        from ._answers import validation_error
        from ._engine import Engine

        self.rb = rulebook if rulebook is not None else _rulebook_for(tuple(packs))
        self.default = jurisdiction
        if jurisdiction is not None:
            self.rb.pack(jurisdiction)          # an unknown pack: InputError with a did-you-mean
        self.engines: dict = {}
        self._classifiers: dict = {}        # jurisdiction -> _classify_compile.FastClassifier
        self._read_struct = None            # classify: _classify_compile.struct_reader(Document), or False
        self._read_req = None               # decide: _decide_read.model_reader(DisclosureRequest), or False
        self._read_rec = None               # decide: the same reading into records, a chunk's lines in turn
                                            # (``_make_reader``), or False
        self._fast_rd: dict = {}            # decide: jurisdiction -> (its engine's ``_hot_rd``, its pack id)
        self._read_due = READ_AFTER         # decide: lines read by pydantic before the reader is made
        self._answer = None                 # classify: _classify_compile.answer_reader (``_classify_readers``)
        self._jur_bit = 0
        self._fast_engines: dict = {}       # decide: jurisdiction -> (its engine's ``_decide_parts``, its pack id)
        self.encoder = Encoder(self.rb.not_final)
        self.encode = self.encoder.encode_parts
        self.explain = explain
        self.backend = backend
        self.command = command
        self.columns = columns
        self._Engine = Engine
        self._validation_error = validation_error
        self._readers: dict = {}
        if command not in _OWN_READERS:
            self._parse = self.reader(DisclosureRequest)
        if command == "classify":
            self.line = self.classify_line          # one call less per line
        # the rules are loaded for good: keep them out of the garbage collector's scans
        import gc
        gc.freeze()

    def engine(self, jurisdiction: str):
        eng = self.engines.get(jurisdiction)
        if eng is None:
            eng = self.engines[jurisdiction] = self._Engine(jurisdiction, rulebook=self.rb, backend=self.backend)
        return eng

    def reader(self, model):
        """``model``'s JSON validator (pydantic-core's ``validate_json``, what ``model_validate_json`` calls, without
        that method's Python frame), built on first use (the input models are ``defer_build``)."""
        read = self._readers.get(model)
        if read is None:
            if not model.__pydantic_complete__:
                model.model_rebuild()
            read = self._readers[model] = model.__pydantic_validator__.validate_json
        return read

    def parse(self, parse, line: bytes):
        """One input line through a model's JSON parser; a validation error becomes an InputError,
        and so does a key given twice in one object (JSON parsers keep the last one without a word)."""
        try:
            obj = parse(line)
        except ValidationError as exc:
            if exc.errors()[0]["type"] == "json_invalid" and not _is_utf8(line):
                raise InputError(_not_encoded("utf-8", False)) from None
            raise self._validation_error(exc) from None
        except RecursionError:
            raise InputError("输入嵌套过深 / input nested too deeply") from None
        if line.count(b":") != _fields_given(obj):       # _keys_match_fields, inline
            _raise_duplicate_key(line)
        return obj

    def line(self, line: bytes | _Bad) -> tuple:
        """One input line: (the answer's bytes, False), or (the ZwgkError, True)."""
        if line.__class__ is not bytes:
            return line.error(), True
        if self.command == "classify":
            return self.classify_line(line)
        if self.command == "interact":
            return self.interact_line(line)
        if self.command == "case":
            return self.case_line(line)
        if self.command == "notice":
            return self.case_line(line, "notice_raw")
        try:
            read = self._read_req
            # msgspec's reading where it is pydantic's (``_decide_read``), made after ``READ_AFTER`` lines; else pydantic's
            req = read(line) if read else None
            if req is None:
                if read is None:
                    self._read_due -= 1
                    if self._read_due < 0:
                        self._make_reader()
                req = self.parse(self._parse, line)
            return self._decided(req, line), False
        except ZwgkError as exc:
            return exc, True

    def _decided(self, req, line: bytes) -> bytes:
        """The answer line of ``req``, read from ``line``: decided by the engine of its jurisdiction (the default
        pack's where the line names none) and encoded; raises the ZwgkError of a request the law has no answer for."""
        d = req.__dict__
        jur = d["jurisdiction"] if self.default is None or "jurisdiction" in req.__pydantic_fields_set__ else self.default
        got = self._fast_engines.get(jur)
        if got is None:
            eng = self.engine(jur)
            got = self._fast_engines[jur] = (eng._decide_parts, eng.pack.id)
        data = self.encode(d["id"], got[1], got[0](req, self.explain))
        # the answer's own text is escaped where it is encoded; what it echoes comes from this line
        return one_line(data) if has_separator(line) else data

    def _make_reader(self) -> None:
        from ._decide_read import model_reader
        self._read_req = model_reader(DisclosureRequest) or False
        # records, not models, where the engine's hot path is all a line needs (no default pack, the python
        # backend; with or without --explain): a line the hot path leaves is read again into models (``_decide_chunk``)
        self._read_rec = (self._read_req and self.default is None and self.backend == "python"
                          and model_reader(DisclosureRequest, records=True, stream=True)) or False

    def _hot_of(self, jur):
        """(the engine's ``_hot_rd``, its pack id) for the pack ``jur`` (made on first use)."""
        eng = self.engine(jur)
        got = self._fast_rd[jur] = (eng._hot_rd, eng.pack.id)
        return got

    def _other_line(self, line: bytes, model, method: str) -> tuple[bytes, bool]:
        """``classify`` and ``interact``: parse with ``model``, answer with the engine's ``method``."""
        try:
            obj = self.parse(self.reader(model), line)
            eng = self.engine(obj.jurisdiction if self.default is None or "jurisdiction" in obj.model_fields_set
                              else self.default)
            return self.encoder.encode_raw(getattr(eng, method)(obj)), False
        except ZwgkError as exc:
            return exc, True

    def case_line(self, line: bytes, method: str = "case_raw") -> tuple[bytes, bool]:
        """``case`` and ``notice``: one case (its event log) as a JSON object; its jurisdiction picks the engine."""
        try:
            try:
                raw = json.loads(line)
            except (ValueError, RecursionError):
                raise InputError("输入: Invalid JSON / 不是有效的 JSON") from None
            if not isinstance(raw, dict):
                raise InputError("输入须为 JSON 对象 / the input must be an object")
            jur = raw.get("jurisdiction") if "jurisdiction" in raw else (self.default or "cn")
            eng = self.engine(jur if isinstance(jur, str) else "cn")
            return self.encoder.encode_raw(getattr(eng, method)(raw)), False
        except ZwgkError as exc:
            return exc, True

    def classify_line(self, line: bytes) -> tuple[bytes, bool]:
        """``classify``: with the python backend, through the speed layer (``_classify_compile``: the tables of
        the document's stretch of days as generated code, the answer joined from kept bytes), the same text as
        ``encode_raw(classify_raw(doc))``; with another backend, through that walk."""
        if line.__class__ is not bytes:
            return line.error(), True
        if self.backend != "python":
            return self._other_line(line, Document, "classify_raw")
        try:
            read = self._read_struct
            if read is None:
                read = self._classify_readers()
            elif read:
                data = self._answer(line)
                if data is not None:
                    return data, False
            got = read(line) if read else None
            if got is not None:     # msgspec's reading, where it is pydantic's (``struct_reader``); else pydantic's
                doc, given = got
                named = given & self._jur_bit
                jur = doc.jurisdiction if self.default is None or named else self.default
                fast = self._classifiers.get(jur) or self._classifier(jur)
                data = fast.line(doc, named)
                if data is not None:
                    return data, False
            doc = self.parse(Document.model_validate_json, line)
            jur = doc.jurisdiction if self.default is None or "jurisdiction" in doc.model_fields_set else self.default
            fast = self._classifiers.get(jur) or self._classifier(jur)
            return fast.line(doc), False
        except ZwgkError as exc:
            return exc, True

    def _classify_readers(self):
        """Make ``_read_struct`` (``struct_reader``) and ``_answer`` (``answer_reader``: the reading and the speed
        layer's kept answers as one function) for ``classify_line``; the reader (False: none)."""
        from ._classify_compile import answer_reader, given_bit, struct_reader
        read = self._read_struct = struct_reader(Document) or False
        self._jur_bit = given_bit(Document, "jurisdiction")
        self._answer = (answer_reader(Document, self._classifiers, self.default) if read else None) or (
            lambda line: None)
        self._answers = (answer_reader(Document, self._classifiers, self.default, chunk=True) if read else None) or (
            lambda lines: ([None] * len(lines), bool(lines)))
        return read

    def _classify_chunk(self, lines: list, emit=None) -> tuple[bytes, bool]:
        """``chunk`` for ``classify`` with the python backend: every line through ``_answers`` first (``_answer`` as one
        loop: no Python code between the lines and the kept answers), the lines it leaves (None) through
        ``classify_line``; the same bytes, handed to ``emit`` in blocks of about ``_EMIT_BYTES`` as ``chunk`` does."""
        try:
            out, missed = self._answers(lines)
        except Exception:       # a line that is not bytes (``_Bad``), or an error (a rule conflict): line by line
            out, missed = [None] * len(lines), True
        failed = False
        if missed:
            for i, data in enumerate(out):
                if data is None:
                    ln = lines[i]
                    data, bad = self.classify_line(ln)
                    if bad:
                        failed = True
                        data = _error_line(data, ln, _lineno(lines, i), self.columns)
                    out[i] = data
        if emit is None or sum(map(len, out)) < _EMIT_BYTES:
            if out:
                out.append(b"")
            return _handed(b"\n".join(out), failed, emit)
        block, size = [], 0
        for data in out:
            block.append(data)
            size += len(data)
            if size >= _EMIT_BYTES:
                block.append(b"")
                emit(b"\n".join(block))
                block, size = [], 0
        if block:
            block.append(b"")
            emit(b"\n".join(block))
        return b"", failed

    def _classifier(self, jur: str):
        """The speed layer of ``classify`` for the pack ``jur`` (made on first use)."""
        from ._classify_compile import FastClassifier
        fast = self._classifiers[jur] = FastClassifier(self.engine(jur), self.encoder)
        return fast

    def interact_line(self, line: bytes) -> tuple[bytes, bool]:
        return self._other_line(line, Message, "interact_raw")

    def chunk(self, lines: list, emit=None) -> tuple[bytes, bool]:
        """Answer ``lines``: one output line each. Without ``emit``, return (the answers, any error line).
        With ``emit``, hand the answers to it in blocks of about ``_EMIT_BYTES`` as they are made (a
        chunk of large requests can have answers a thousand times its size) and return (b"", any error)."""
        if self._answer is not None:
            return self._classify_chunk(lines, emit)
        if self._read_req and self.command not in _OWN_READERS:
            return self._decide_chunk(lines, emit)
        out, size, failed = [], 0, False
        for i, ln in enumerate(lines):
            data, bad = self.line(ln)
            if bad:
                failed = True
                data = _error_line(data, ln, _lineno(lines, i), self.columns)
            out.append(data)
            out.append(b"\n")
            size += len(data)
            if emit is not None and size >= _EMIT_BYTES:
                emit(b"".join(out))
                out, size = [], 0
        return _handed(b"".join(out), failed, emit)

    def _decide_chunk(self, lines: list, emit=None) -> tuple[bytes, bool]:
        """``chunk`` for ``decide`` once msgspec's reader is made (``_make_reader``): ``line`` written out in one loop,
        its per-line lookups hoisted (the readers, the engines' hot paths and pack ids, the encoder). A decide
        line (with or without ``--explain``) is read into records first and decided by the engine's hot path (``Engine._hot_rd``); anything else (a
        line the records do not read, a day without its compiled stretch, an error) is read into models, and a line
        the model reader leaves (None: not bytes, or not read as pydantic would) goes through ``line``. The same bytes."""
        read, decided, columns, explain = self._read_req, self._decided, self.columns, self.explain
        rec, fast, encode = self._read_rec, self._fast_rd, self.encode
        out, size, failed = [], 0, False
        append = out.append
        # each line's record (or None) as the loop comes to it: the generator reads the line then (``stream``)
        for i, (ln, r) in enumerate(zip(lines, rec(lines) if rec else _repeat(None))):
            data = None
            if r is not None:
                rd = r.__dict__
                try:
                    got = fast.get(rd["jurisdiction"]) or self._hot_of(rd["jurisdiction"])
                    parts = got[0](rd, False, explain)
                except Exception:       # the error line is the models' (below)
                    parts = None
                if parts is not None:
                    data = encode(rd["id"], got[1], parts)
                    if has_separator(ln):
                        data = one_line(data)
            if data is None:
                req = read(ln) if ln.__class__ is bytes else None
                if req is None:
                    data, bad = self.line(ln)
                    if bad:
                        failed = True
                        data = _error_line(data, ln, _lineno(lines, i), columns)
                else:
                    try:
                        data = decided(req, ln)
                    except ZwgkError as exc:
                        failed = True
                        data = _error_line(exc, ln, _lineno(lines, i), columns)
            append(data)
            append(b"\n")
            size += len(data)
            if emit is not None and size >= _EMIT_BYTES:
                emit(b"".join(out))
                out, size = [], 0
                append = out.append
        return _handed(b"".join(out), failed, emit)


#: the commands whose lines ``_Decider.line`` reads with their own models (not ``DisclosureRequest``)
_OWN_READERS = frozenset(("classify", "interact", "case", "notice"))


def _handed(blob: bytes, failed: bool, emit) -> tuple[bytes, bool]:
    """The end of ``_Decider.chunk``: without ``emit``, (the answers, any error line); with it, the last answers handed
    to it and (b"", any error line)."""
    if emit is None:
        return blob, failed
    if blob:
        emit(blob)
    return b"", failed


#: answers are handed on in blocks of about this size (bytes)
_EMIT_BYTES = 4 << 20
#: a chunk of input lines ends at this many bytes (or ``chunk`` lines)
_CHUNK_BYTES = 1 << 20
#: a worker keeps up to this many bytes of answers while an earlier chunk is still being written (more: it
#: waits for its turn); a chunk's answers are about 7 MB plain and 26 MB with ``--explain``
_HOLD_BYTES = 32 << 20


_WORKER: _Decider | None = None
_TURN = None        # (shared counter, condition, output fd) when workers write their answers themselves


def _die_with_parent() -> None:
    """A worker never outlives the ``zwgk`` process that started it: on Linux the kernel kills it when the
    parent dies (PR_SET_PDEATHSIG); elsewhere a watchdog thread notices the parent is gone. Either way
    the worker's copy of the output is closed, so a downstream reader is not left waiting."""
    import signal
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the parent decides what an interrupt means
    signal.signal(signal.SIGTERM, signal.SIG_DFL)     # the parent's handler was inherited: a worker just ends
    if hasattr(signal, "pthread_sigmask"):            # blocked while the workers were started (``_signals_held``)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGINT, signal.SIGTERM))
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:     # PR_SET_PDEATHSIG
            if os.getppid() != parent:                      # the parent died before the call
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass
    import threading
    import time

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="zwgk-parent-watch").start()


def _worker_init(explain: bool, backend: str, command: str, turn=None, columns=None, packs=(),
                 jurisdiction=None, decider=None) -> None:
    """A worker's set-up. ``decider``: the parent's, inherited by fork (``run_decide`` warmed it on the first chunk);
    without one (a spawned worker) the worker makes its own."""
    global _WORKER, _TURN
    _die_with_parent()
    if decider is None:
        _WORKER = _Decider(explain, backend, command, columns, packs, jurisdiction)
    else:
        import gc
        gc.freeze()         # what the parent made, kept out of the collector's scans (no copies of its pages)
        _WORKER = decider
    _TURN = turn


def _worker_chunk(lines: list[bytes]) -> tuple[bytes, bool]:
    return _WORKER.chunk(lines)


def _signals_held(call, *args):
    """``call(*args)`` with SIGINT and SIGTERM held back (blocked, then delivered): a pool's first ``submit`` forks the
    workers, which inherit the parent's handlers until ``_die_with_parent`` replaces them; a signal in between (the
    parent stopping the pool at once, say after a write failed) waits for that instead of running the parent's handler
    in a worker."""
    import signal
    if not hasattr(signal, "pthread_sigmask"):
        return call(*args)
    old = signal.pthread_sigmask(signal.SIG_BLOCK, (signal.SIGINT, signal.SIGTERM))
    try:
        return call(*args)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _worker_chunk_to_fd(seq: int, lines: list[bytes]) -> bool:
    """Decide chunk ``seq`` and write its answers to the output once every earlier chunk is written.

    The answers go straight from the worker to the output file descriptor instead of back through the
    parent: on two cores that saves a copy of every answer through a pipe. Chunks are taken in order
    from one queue, so the lowest unwritten chunk is always being decided and the wait cannot deadlock.
    Turn 0 is the parent's (``run_decide`` writes the answers of the chunk it decided itself, then passes the turn on);
    the workers' chunks are numbered from 1.
    Until its turn comes the worker keeps its answers (up to ``_HOLD_BYTES``) and goes on deciding; it waits
    for the turn only when that much is held, or at the end of the chunk. Once it has the turn it writes as
    it goes (a chunk whose answers grow large writes them in blocks, keeping the turn until it is done) and
    passes the turn on at the end. When a chunk fails (or a write does), the turn is not passed on: the
    parent stops the pool and reports how many chunks were written."""
    counter, cond, fd = _TURN
    mine = False
    held: list[bytes] = []
    held_size = 0

    def take_turn():
        nonlocal mine, held_size
        if not mine:
            with cond:
                while counter.value != seq:
                    cond.wait()
            mine = True
            for block in held:
                _write_all(fd, block)
            held.clear()
            held_size = 0

    def emit(data: bytes) -> None:
        nonlocal held_size
        if not mine and counter.value != seq and held_size + len(data) <= _HOLD_BYTES:
            held.append(data)           # not our turn yet: keep deciding rather than wait
            held_size += len(data)
            return
        take_turn()
        _write_all(fd, data)

    _, bad = _WORKER.chunk(lines, emit)
    take_turn()
    with cond:
        counter.value = seq + 1     # chunks fully written: the parent reports it if the batch fails
        cond.notify_all()
    return bad


def _fileno(out) -> int | None:
    """The file descriptor behind a binary output stream, or None (text streams, in-memory buffers)."""
    if isinstance(out, _TextSink):
        return None
    try:
        return out.fileno()
    except (AttributeError, OSError, ValueError):
        return None


class _TextSink:
    """Writes the UTF-8 answer blocks to a text stream (tests, callers embedding the command line)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(data.decode("utf-8"))


def _chunks(lines: Iterator, size: int) -> Iterator[_Chunk]:
    """Lines in chunks of ``size`` lines or ``_CHUNK_BYTES`` bytes, whichever comes first; a chunk also ends
    where the input paused (``_IDLE``) or a line was too long, so that answers are not held back waiting
    for more input. Each chunk knows its lines' numbers (blank lines, given as ints, are counted)."""
    from bisect import bisect_left
    from itertools import accumulate
    buf = _Chunk(1)
    nbytes = 0
    for ln in lines:
        if ln.__class__ is _Run:        # lines of a block: taken a slice at a time, ending chunks where one by one would
            i, n = 0, len(ln)
            while i < n:
                j = min(n, i + size - len(buf))
                seg = ln[i:j]
                got = sum(map(len, seg))
                if nbytes + got >= _CHUNK_BYTES:    # at the line that brings the chunk to _CHUNK_BYTES
                    ends = list(accumulate(map(len, seg), initial=nbytes))
                    k = bisect_left(ends, _CHUNK_BYTES, 1)
                    j = i + k
                    seg = ln[i:j]
                    got = ends[k] - nbytes
                buf.extend(seg)
                nbytes += got
                i = j
                if len(buf) >= size or nbytes >= _CHUNK_BYTES:
                    yield buf
                    buf, nbytes = _Chunk(_lineno(buf, len(buf))), 0
            continue
        if ln.__class__ is bytes:
            buf.append(ln)
            nbytes += len(ln)
            if len(buf) >= size or nbytes >= _CHUNK_BYTES:
                yield buf
                buf, nbytes = _Chunk(_lineno(buf, len(buf))), 0
            continue
        if ln is _IDLE:
            if buf:
                yield buf
                buf, nbytes = _Chunk(_lineno(buf, len(buf))), 0
            continue
        if ln.__class__ is int:       # blank lines left out
            if buf:
                if buf.gaps is None:
                    buf.gaps = []
                buf.gaps.append((len(buf), ln))
            else:
                buf.first += ln
            continue
        buf.append(ln)              # a _Bad line: answered at once
        yield buf
        buf, nbytes = _Chunk(_lineno(buf, len(buf))), 0
    if buf:
        yield buf


class _Progress:
    """How far a batch got: input lines read into chunks and lines whose answers were written."""

    def __init__(self) -> None:
        self.sizes: list[int] = []      # lines per chunk, in order
        self.written_chunks = 0
        self.display = None             # a progress bar (``_render.ProgressBar``), shown after each chunk

    @property
    def answered(self) -> int:
        return sum(self.sizes[:self.written_chunks])


def _write_blocks(out, blocks: list, flush) -> None:
    """Write ``blocks`` of answers to ``out`` in order and ``flush``; a failure (a full disk, a closed pipe) ends the
    batch, said as ``_write_failure`` says it."""
    try:
        for data in blocks:
            out.write(data)
        flush()
    except OSError as exc:
        raise _CutShort(_write_failure(exc)) from None


def _write_failure(exc: BaseException) -> str:
    import errno
    if isinstance(exc, BrokenPipeError) or getattr(exc, "errno", None) == errno.EPIPE:
        return "输出已被关闭（下游不再读取）/ the output was closed by the reader"
    if getattr(exc, "errno", None) == errno.ENOSPC:
        return "磁盘已满，无法写出答复 / no space left on the output device"
    return f"无法写出答复 / cannot write the answers: {getattr(exc, 'strerror', None) or exc}"


def run_decide(path: str, out: IO, stdin, explain: bool = False, backend: str = "python",
               jobs: int = 1, chunk: int = 2000, command: str = "decide", progress: _Progress | None = None,
               encoding: str | None = None, input_format: str | None = None, counter: list | None = None,
               packs: tuple = (), jurisdiction: str | None = None) -> int:
    """Decide every line of ``path`` (or stdin for "-") into ``out``, in input order. ``out`` is a binary
    stream (UTF-8 is written to it) or a text stream.

    With ``jobs`` > 1 the lines are decided by worker processes, chunk by chunk; at most
    ``2 × jobs`` chunks are in flight, so memory stays flat on inputs of any length.

    ``input_format`` (jsonl, json, csv, xlsx; default: by the file's extension) and ``encoding`` (default:
    detected) say how to read the input. ``out`` may also be a renderer (``_render``): it is then handed
    each chunk's input lines (``take_inputs``) before that chunk's answers.

    Raises ``_CannotRun`` when the input cannot be read and ``_CutShort`` when the output fails or a
    worker is lost part-way; ``progress`` (if given) then tells how many lines were answered."""
    prog = progress if progress is not None else _Progress()
    failed = False
    if isinstance(out, io.TextIOBase):
        out = _TextSink(out)
    lines, columns = _inputs(path, stdin, command, input_format, encoding, counter)
    take_inputs = getattr(out, "take_inputs", None)
    flush = getattr(out, "flush", None) or (lambda: None)
    blocks = _chunks(lines, chunk)

    def here(d, block) -> None:
        """Answer ``block`` in this process and write its answers."""
        nonlocal failed
        prog.sizes.append(len(block))
        try:
            if take_inputs is not None:
                take_inputs(block)
            _, bad = d.chunk(block, out.write)
            flush()
        except OSError as exc:
            raise _CutShort(_write_failure(exc)) from None
        failed |= bad
        prog.written_chunks += 1
        if prog.display is not None:
            prog.display.update(prog)

    if jobs <= 1 or backend != "python":
        d = _Decider(explain, backend, command, columns, packs, jurisdiction)
        for block in blocks:
            here(d, block)
        return 1 if failed else 0
    import itertools
    import multiprocessing as mp

    d = _Decider(explain, backend, command, columns, packs, jurisdiction)  # load once in the parent: forked workers inherit it
    forked = "fork" in mp.get_all_start_methods()
    ctx = mp.get_context("fork") if forked else mp.get_context()
    fd = _fileno(out)
    held: list[bytes] = []      # writing to ``fd``: the parent's answers, kept until the workers are started
    held_size = 0
    held_chunks = 0             # chunks whose answers are all in ``held``

    def write_held() -> None:
        nonlocal held_size, held_chunks
        _write_blocks(out, held, flush)
        held.clear()
        held_size = 0
        prog.written_chunks += held_chunks
        held_chunks = 0
        if prog.display is not None:
            prog.display.update(prog)

    def keep(block) -> None:
        """Answer ``block`` in this process, keeping its answers in ``held`` (up to ``_HOLD_BYTES``; beyond that,
        they are written with what was held before)."""
        nonlocal failed, held_chunks
        prog.sizes.append(len(block))
        spilled = False

        def emit(data: bytes) -> None:
            nonlocal held_size, spilled
            if not spilled:
                if held_size + len(data) <= _HOLD_BYTES:
                    held.append(data)
                    held_size += len(data)
                    return
                spilled = True
                write_held()
            out.write(data)

        try:
            _, bad = d.chunk(block, emit)
            if spilled:
                flush()
        except OSError as exc:
            raise _CutShort(_write_failure(exc)) from None
        failed |= bad
        if spilled:
            prog.written_chunks += 1
            if prog.display is not None:
                prog.display.update(prog)
        else:
            held_chunks += 1

    if forked:
        # The parent answers the first chunk itself (its engines built, their memos started, msgspec's reader made),
        # then forks: each worker goes on with that warm decider instead of warming up its own. To a file descriptor
        # the parent writes those answers once the workers are started (the first turn is its own), so that they
        # start whether or not the output is being read yet. An input of one chunk starts no workers.
        warm = 0
        for block in blocks:
            if fd is None:
                here(d, block)
            else:
                keep(block)
            warm += len(block)
            if warm >= chunk:
                break
        nxt = next(blocks, None)
        if nxt is None:
            write_held()
            return 1 if failed else 0
        blocks = itertools.chain((nxt,), blocks)
    import collections
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    turn = None
    inherit = d if forked else None
    if fd is not None:
        # workers write their answers to the output themselves, in turn; turn 0 is the parent's (``held``)
        try:
            out.flush()
        except OSError as exc:
            raise _CutShort(_write_failure(exc)) from None
        turn = (ctx.Value("q", 0, lock=False), ctx.Condition(), fd)
        task, initargs = _worker_chunk_to_fd, (explain, backend, command, turn, columns, packs, jurisdiction, inherit)
    else:
        task, initargs = _worker_chunk, (explain, backend, command, None, columns, packs, jurisdiction, inherit)
    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_worker_init, initargs=initargs)
    pending: collections.deque = collections.deque()
    first = None                # chunks written once the parent's turn is over: the workers' count from here

    def settle(fut, block):
        nonlocal failed
        result = fut.result()
        if turn is None:
            data, bad = result
            if take_inputs is not None:
                take_inputs(block)
            out.write(data)
            flush()
        else:
            bad = result
        failed |= bad
        prog.written_chunks += 1
        if prog.display is not None:
            prog.display.update(prog)

    def written() -> None:
        """After a failure: the chunks written, the workers' by the turn they reached."""
        if first is not None and turn[0].value > 0:
            prog.written_chunks = first + turn[0].value - 1

    try:
        for seq, block in enumerate(blocks, 1):
            prog.sizes.append(len(block))
            args = (task, seq, block) if turn is not None else (task, block)
            fut = pool.submit(*args) if seq > 1 else _signals_held(pool.submit, *args)     # the first starts the workers
            pending.append((fut, block if take_inputs is not None else None))
            if turn is not None and first is None:
                # the workers are started (by the first submit): the parent's turn
                write_held()
                first = prog.written_chunks
                with turn[1]:
                    turn[0].value = 1
                    turn[1].notify_all()
            while len(pending) >= 2 * jobs:
                settle(*pending.popleft())
        while pending:
            settle(*pending.popleft())
    except BrokenProcessPool:
        if turn is not None:
            written()
        _stop(pool)
        raise _CutShort("工作进程意外退出 / a worker process was lost") from None
    except OSError as exc:
        if turn is not None:
            written()
        _stop(pool)
        raise _CutShort(_write_failure(exc)) from None
    except BaseException:
        if turn is not None:
            written()
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return 1 if failed else 0


def _stop(pool) -> None:
    """Stop a worker pool now: queued chunks are cancelled and running workers terminated."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.terminate()
        except Exception:  # noqa: BLE001 - already gone
            pass
    for proc in procs:
        try:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)
        except Exception:  # noqa: BLE001
            pass


def _report_format(fmt: str | None, output: str | None) -> str:
    """``--format``, or the output file's extension (.md, .xlsx, .docx), or json."""
    if fmt:
        return fmt
    low = (output or "").lower()
    for ext, name in ((".md", "md"), (".markdown", "md"), (".xlsx", "xlsx"), (".docx", "docx")):
        if low.endswith(ext):
            return name
    return "json"


def run_report(path: str, year: int, packs: tuple = (), fmt: str | None = None, output: str | None = None,
               chart: str | None = None) -> int:
    """``zwgk report --year Y FILE``: one JSON object (or, with ``--format``, the official tables as Markdown,
    .xlsx or .docx; ``--chart FILE.svg``: a bar chart of the closing rows); a case that is not valid makes the whole
    report an error line naming the case's line and field (a report from partial data is worse than none), and
    nothing is written to ``-o`` or ``--chart``."""
    from ._engine import Engine
    from ._jsonl import case_lines
    from ._report import ReportError, report
    fmt = _report_format(fmt, output)
    if chart is not None and not chart.lower().endswith(".svg"):
        raise _CannotRun(f"--chart {chart}: 图表写为 SVG 文件（.svg），可再用 rsvg-convert 等转为 PNG / the chart is written "
                         "as SVG (.svg); convert it with rsvg-convert if a PNG is needed")
    if fmt in ("xlsx", "docx") and not output and sys.stdout is not None and sys.stdout.isatty():
        raise _CannotRun(f"--format {fmt} 须给出 -o FILE（不能把文件打印到终端）/ --format {fmt} needs -o FILE")
    if fmt == "docx":
        import importlib.util
        if importlib.util.find_spec("docx") is None:
            raise _CannotRun("--format docx 需要 python-docx：pip install 'zwgk-rules[docx]' / --format docx needs "
                             "python-docx: pip install 'zwgk-rules[docx]'")
    rb = _rulebook_for(packs)
    engines: dict = {}

    def engine_for(jur):
        if jur not in engines:
            engines[jur] = Engine(jur, rulebook=rb)
        return engines[jur]

    stream = sys.stdin.buffer if path == "-" else open(path, "rb")
    try:
        # the file's cases one at a time (the report never holds the year in memory)
        out = report(case_lines(stream), year, engine_for=engine_for, rulebook=rb)
    except ZwgkError as exc:
        line = exc.line if isinstance(exc, ReportError) else None
        sys.stdout.write(json.dumps({"error": {"message": exc.message, "field": exc.field, "line": line}},
                                    ensure_ascii=False) + "\n")
        return 1
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    from . import _reportout
    rendered = _reportout.Rendered(out, rb) if fmt != "json" or chart else None
    if fmt == "json":
        data = (json.dumps(out, ensure_ascii=False, default=_iso) + "\n").encode()
    elif fmt == "md":
        data = _reportout.markdown(rendered).encode()
    elif fmt == "docx":
        data = _reportout.docx(rendered)
    else:
        buf = io.BytesIO()
        _reportout.xlsx(rendered, buf)
        data = buf.getvalue()
    _write_file_or_stdout(output, data)
    if chart:
        _write_file_or_stdout(chart, _reportout.chart_svg(rendered).encode())
    return 0


def _write_file_or_stdout(path: str | None, data: bytes) -> None:
    if path is None:
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        if out is None:
            sys.stdout.write(data.decode())
        else:
            out.write(data)
            out.flush()
        return
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise _CannotRun(f"无法写入 / cannot write {path}: {exc.strerror or exc}") from None


def run_notice_documents(args) -> int:
    """``zwgk notice --text`` / ``--docx DIR``: the documents themselves. A case that cannot be answered is an
    error line on stderr naming its line and field; the others are still written (nothing in a batch is lost)."""
    buf = io.BytesIO()
    status = run_decide(args.file, buf, sys.stdin, jobs=1, command="notice", progress=_Progress(),
                        encoding=args.encoding, input_format=None, packs=tuple(args.pack),
                        jurisdiction=args.jurisdiction)
    texts, folder = [], None
    if args.docx:
        folder = Path(args.docx)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _CannotRun(f"无法建立目录 / cannot create {folder}: {exc.strerror or exc}") from None
    seen: dict = {}
    for n, line in enumerate(buf.getvalue().splitlines(), 1):
        ans = json.loads(line)
        if "error" in ans:
            sys.stderr.write(json.dumps(ans, ensure_ascii=False) + "\n")
            continue
        texts.append(ans["text"])
        if folder is not None:
            from ._docx import notice_docx
            stem = _safe_stem(ans.get("id") or f"notice-{n}")
            seen[stem] = seen.get(stem, 0) + 1
            name = stem if seen[stem] == 1 else f"{stem}-{seen[stem]}"
            (folder / f"{name}.docx").write_bytes(notice_docx(ans))
    if args.text or not args.docx:
        data = "\f\n".join(texts)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(data)
        else:
            sys.stdout.write(data)
    return status


def _safe_stem(name: str) -> str:
    """A file name from a caller's id: letters, digits, CJK, '-' and '_' only (never a path)."""
    import re
    stem = re.sub(r"[^\w\-]+", "_", name, flags=re.UNICODE).strip("._")[:80]
    return stem or "notice"


def run_docket(path: str, as_of: str, *, within: int | None = None, fmt: str | None = None, output: str | None = None,
               packs: tuple = ()) -> int:
    """``zwgk docket --as-of DATE FILE``: the clerk's list over a file of cases (one JSON object, a table or an .xlsx
    workbook). Unlike ``report``, an invalid case or a line that is not JSON does not stop it: it is listed in
    ``errors`` with its line, and the exit status is 1 (as for ``decide``'s error lines); 0 when every line is a
    valid case."""
    import datetime as dt
    from ._docket import DEFAULT_WITHIN, docket, render_table, write_xlsx
    from ._engine import Engine
    try:
        day = dt.date.fromisoformat(as_of) if len(as_of) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise _CannotRun(f"--as-of: 不是 YYYY-MM-DD 日期 / not an ISO date: {as_of!r}")
    if within is not None and within < 0:
        raise _CannotRun("--within: 须不小于 0 / must be 0 or more")
    fmt = fmt or ("xlsx" if (output or "").lower().endswith(".xlsx") else "json")
    if fmt == "xlsx" and not output and _stdout_is_terminal():
        raise _CannotRun("--format xlsx 需要 --output FILE（或把标准输出重定向到文件）/ needs --output FILE")
    rb = _rulebook_for(packs)
    engines: dict = {}

    def engine_for(jur):
        if jur not in engines:
            engines[jur] = Engine(jur, rulebook=rb)
        return engines[jur]

    from ._jsonl import split_case_lines
    stream = sys.stdin.buffer if path == "-" else open(path, "rb")
    try:
        cases, unreadable = split_case_lines(stream)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    target = None
    if output:
        try:
            target = open(output, "wb" if fmt == "xlsx" else "w", **({} if fmt == "xlsx" else {"encoding": "utf-8"}))
        except OSError as exc:
            raise _CannotRun(f"无法写入 / cannot write {output}: {exc.strerror or exc}") from None
    try:
        out = docket(cases, day, within=DEFAULT_WITHIN if within is None else within, engine_for=engine_for,
                     rulebook=rb, unreadable=unreadable)
        if fmt == "xlsx":
            write_xlsx(out, target if target is not None else sys.stdout.buffer, rulebook=rb)
        elif fmt == "table":
            render_table(out, target if target is not None else sys.stdout, rulebook=rb)
        else:
            (target if target is not None else sys.stdout).write(json.dumps(out, ensure_ascii=False, default=_iso) + "\n")
    finally:
        if target is not None:
            target.close()
    return 1 if out["errors"] else 0


def run_documents(args) -> int:
    """``zwgk classify FILE.docx|FOLDER …``: one answer per document file, in sorted path order within each folder
    (docs/documents.md); a file that cannot be read is an error line naming ``source`` and the batch goes on (exit 1,
    as for error lines). Output as for ``classify``: JSONL, or ``--format table|csv|xlsx`` with the clerk's columns."""
    from . import _render as r
    from ._documents import EXTENSIONS, Reader, sources
    for p in args.file:
        if p == "-" or (not os.path.isdir(p) and os.path.splitext(p)[1].lower() not in EXTENSIONS):
            raise _CannotRun(f"{p}: 公文文件与文件夹不能与 JSON/JSONL/CSV/XLSX 输入或标准输入同时给出 / document files and "
                             "folders cannot be mixed with JSON/JSONL/CSV/XLSX input or stdin")
    if getattr(args, "dask", None):
        raise _CannotRun("--dask 不用于公文文件 / --dask is not for document files")
    facts = None
    if args.facts:
        try:
            facts = json.loads(args.facts)
        except ValueError:
            facts = None
        if not isinstance(facts, dict):
            raise _CannotRun("--facts 须为 JSON 对象，如 '{\"flags\": [\"public_interest\"]}' / --facts must be a JSON object")
    rb = _rulebook_for(tuple(args.pack))
    reader = Reader(rb, jurisdiction=args.jurisdiction, facts=facts)
    found = sources(args.file)
    fmt = _output_format(args)
    stdout = sys.stdout
    summary = r.Summary("classify") if args.summary or fmt == "xlsx" else None
    path = args.output
    fh = None
    renderer = None
    cols = r.DocumentColumns(reader.R.labels, args.compact)
    try:
        if fmt == "jsonl":
            fh = open(path, "wb") if path else None
            out = fh if fh is not None else getattr(stdout, "buffer", stdout)
        elif fmt == "xlsx":
            if not path and _is_terminal(args, stdout):
                raise _CannotRun("--format xlsx 须给出 --output FILE / --format xlsx needs --output FILE")
            if not path:
                stdout.flush()
            renderer = r.XlsxRenderer(path or getattr(stdout, "buffer", stdout), cols)
        else:
            fh = open(path, "w", encoding="utf-8", newline="") if path else None
            renderer = _text_renderer(r, fmt, fh if fh is not None else stdout, cols, args, stdout)
    except OSError as exc:
        raise _CannotRun(f"无法写入 / cannot write {path}: {exc.strerror or exc}") from None
    prog = _Progress()
    display = None
    if stderr_is_terminal() and (args.progress or not args.no_progress and not _is_terminal(args, stdout)):
        display = r.ProgressBar(sys.stderr, len(found) or None, lambda: prog.answered)
    elif args.progress:             # not a terminal (a log): a plain line about once a second, and at the end
        display = _PlainProgress(sys.stderr, len(found))
    failed = False
    rows: list = []
    jobs = args.jobs if args.jobs > 0 else (min(2, os.cpu_count() or 1) if len(found) >= 200 else 1)
    pool = None
    if jobs > 1:
        import multiprocessing as mp
        if "fork" in mp.get_all_start_methods():
            global _DOC_READER
            _DOC_READER = reader            # the workers inherit the loaded rules
            pool = mp.get_context("fork").Pool(jobs, initializer=_die_with_parent)
    answers = pool.imap(_doc_answer, found, chunksize=8) if pool is not None else map(_doc_answer_with(reader), found)
    try:
        for n, ans in enumerate(answers, 1):
            src = ans["source"]
            bad = "error" in ans
            failed |= bad
            if summary is not None:
                summary.add({**ans, "id": src} if bad else ans)
            if renderer is None:
                data = r.compact(ans) if args.compact else ans
                out.write(one_line(json.dumps(data, ensure_ascii=False, default=_iso).encode()) + b"\n")
            else:
                rows.append((cols.row(r.compact(ans) if args.compact else ans, None, n), ans))
                if len(rows) >= 200:
                    renderer.rows(rows)
                    rows = []
            prog.sizes.append(1)
            prog.written_chunks += 1
            if display is not None:
                display.update(prog)
        if renderer is not None:
            if rows:
                renderer.rows(rows)
            renderer.close(summary, True)
        elif fh is None:
            out.flush()
    except OSError as exc:
        raise _CannotRun(_write_failure(exc)) from None
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if display is not None:
            display.close()
        if fh is not None:
            fh.close()
    if summary is not None and args.summary:
        sys.stderr.write(summary.text())
    return 1 if failed else 0


_DOC_READER = None


def _doc_answer_with(reader):
    def answer(item):
        src, root, err = item
        return {"source": src, "error": {"message": err, "field": None}} if err else reader.answer(src, root)
    return answer


def _doc_answer(item) -> dict:
    """A worker's answer for one document (``--jobs``): the reader was loaded in the parent before the fork."""
    return _doc_answer_with(_DOC_READER)(item)


class _PlainProgress:
    """``--progress`` when stderr is not a terminal: ``zwgk: N/TOTAL 份 / files`` lines, at most one a second."""

    def __init__(self, stream, total: int) -> None:
        import time
        self.stream, self.total, self.clock = stream, total, time.monotonic
        self.last = self.clock()
        self.done = 0

    def update(self, prog) -> None:
        self.done = prog.answered
        if self.clock() - self.last >= 1.0:
            self.last = self.clock()
            self._line()

    def _line(self) -> None:
        self.stream.write(f"zwgk: {self.done:,}/{self.total:,} 份 / files\n")
        self.stream.flush()

    def close(self) -> None:
        self._line()


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def check_findings(rb, packs, everything: bool = False) -> list:
    """``zwgk check``'s findings: with pack folders, only theirs (and the national rules' errors) unless
    ``everything``; ``rb`` None when the rules did not load (the error is then the one finding)."""
    from ._check import check
    findings = check(rb, packs=packs) if rb is not None else check(packs=packs)
    if packs and rb is not None and not everything:
        named = {Path(p).resolve() for p in packs}
        mine = {pid for pid, pk in rb.packs.items() if getattr(pk, "folder", None) is not None
                and Path(pk.folder).resolve() in named}
        findings = [f for f in findings if f.pack in mine or (f.pack == "cn" and f.severity == "error")]
    return findings


def run_check(packs, *, json_out: bool = False, report: str | None = None, everything: bool = False) -> int:
    """``zwgk check``: with pack folders, only their findings (and the national rules' errors) unless
    ``everything``; without, the bundled rules'."""
    from ._check import render_report
    from ._errors import RuleFileError
    from ._rulebook import Rulebook
    try:
        rb = Rulebook(packs=packs)
    except RuleFileError:
        rb = None           # check() reports the error as its one finding
    findings = check_findings(rb, packs, everything)
    if report:
        try:
            with open(report, "w", encoding="utf-8") as fh:
                fh.write(render_report(findings, rb))
        except OSError as exc:
            raise _CannotRun(f"无法写入报告 / cannot write the report {report}: {exc.strerror or exc}") from None
    if json_out:
        sys.stdout.write(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1) + "\n")
    else:
        for f in findings:
            where = f"[{f.pack}] " if f.pack != "cn" else ""
            sys.stdout.write(f"{f.severity:7} {where}{f.code}: {f.message}\n")
            if f.example:
                sys.stdout.write(f"        触发输入 / input: {json.dumps(f.example, ensure_ascii=False)}\n")
        errors = sum(f.severity == "error" for f in findings)
        sys.stdout.write(f"{errors} error(s), {len(findings) - errors} warning(s)\n")
    return 1 if any(f.severity == "error" for f in findings) else 0


def _auto_jobs(path: str) -> int:
    import os
    if path == "-" or path.endswith(".json"):
        return 1
    try:
        big = os.path.getsize(path) > 8 * 1024 * 1024
    except OSError:
        return 1
    return min(2, os.cpu_count() or 1) if big else 1


def _io_arguments(p) -> None:
    """The options of ``decide``, ``classify`` and ``interact`` for reading and writing (docs/cli.md)."""
    from ._formats import OUTPUT_FORMATS as FORMATS
    p.add_argument("--input-format", choices=INPUT_FORMATS,
                   help="输入格式（默认按扩展名：.json .jsonl .csv .tsv .xlsx）/ input format (default: by extension)")
    p.add_argument("--encoding", metavar="NAME",
                   help="输入的字符编码，如 utf-8、gb18030、gbk（默认自动识别）/ input encoding (default: detected)")
    p.add_argument("--format", choices=FORMATS,
                   help="输出格式：jsonl（默认，公开接口）、table（终端表格）、csv、xlsx / output format (default jsonl)")
    p.add_argument("--output", "-o", metavar="FILE",
                   help="写入文件而不是标准输出（.csv、.xlsx 决定默认格式）/ write to FILE (.csv/.xlsx set the format)")
    p.add_argument("--summary", action="store_true",
                   help="最后在标准错误上输出统计：各处理结果的数量、错误行的编号与行号 / counts and errors on stderr")
    p.add_argument("--compact", action="store_true",
                   help="依据只写条文编号（如 ogi-2019:15），不附条文原文 / citations as keys, without statute text")
    p.add_argument("--no-progress", action="store_true",
                   help="不显示进度条（默认只在标准错误是终端时显示）/ no progress bar (shown only on a terminal)")
    p.add_argument("--pack", action="append", default=[], metavar="DIR",
                   help="载入本机关的规则包目录（可重复）/ load an agency's pack folder (repeatable)")
    p.add_argument("--jurisdiction", metavar="ID",
                   help="未写 jurisdiction 的输入按此规则包办理（默认 cn）/ the pack for inputs that name none (default cn)")
    _dask_argument(p)


def _dask_argument(p) -> None:
    p.add_argument("--dask", metavar="ADDRESS",
                   help="在 Dask 集群上办理（调度器地址如 tcp://host:8786；local 或 local:N 在本机启动 N 个工作进程；"
                        "需附加项 dask，见 docs/dask.md）/ answer on a Dask cluster: a scheduler address, or local[:N]")


# The commands' parsers, one function each (``main`` builds the one it is asked for: ``_PARSERS``)
def _parser_decide(sub) -> None:
    d = sub.add_parser("decide", help="依申请公开申请 → 处理决定 (JSON / JSONL / - for stdin)")
    d.add_argument("file")
    d.add_argument("--explain", action="store_true", help="逐日列出期限的计算过程 / show how each deadline was counted")
    d.add_argument("--backend", choices=["python", "durable"], default="python")
    d.add_argument("--jobs", type=int, default=0,
                   help="并行进程数（0 = 自动：大文件用 2 个）/ worker processes (0 = auto)")
    _io_arguments(d)


def _parser_classify(sub) -> None:
    c = sub.add_parser("classify", help="公文 → 公开属性、依据、发布期限与审查流程 (JSON / JSONL / -；或 .docx .pdf .ofd .txt "
                                        "公文文件与文件夹，docs/documents.md)")
    c.add_argument("file", nargs="+", help="JSON/JSONL/CSV/XLSX 文件或 -；或公文文件（.docx .pdf .ofd .txt）与文件夹（可多个）/ "
                                           "an input file or -; or document files and folders (several)")
    c.add_argument("--facts", metavar="JSON",
                   help="公文文件：对每份公文补充的 classify 输入字段（JSON 对象；旁边的 NAME.json 优先）/ documents: classify "
                        "fields to supply for every file (a NAME.json beside a file wins)")
    c.add_argument("--progress", action="store_true",
                   help="公文文件：在标准错误上显示进度（默认只在终端上显示）/ documents: show progress on stderr even when "
                        "it is not a terminal")
    c.add_argument("--jobs", type=int, default=0, help="并行进程数（0 = 自动）/ worker processes (0 = auto)")
    _io_arguments(c)


def _parser_case(sub) -> None:
    e = sub.add_parser("case", help="一件申请的事件记录 → 状态、期限、下一步、结案、违法情形、信息处理费 (JSON / JSONL / -)")
    e.add_argument("file")
    e.add_argument("--jobs", type=int, default=0, help="并行进程数（0 = 自动：大文件用 2 个）/ worker processes (0 = auto)")
    e.add_argument("--pack", action="append", default=[], metavar="DIR",
                   help="载入本机关的规则包目录（可重复）/ load an agency's pack folder (repeatable)")
    e.add_argument("--jurisdiction", metavar="ID", help="未写 jurisdiction 的案件按此规则包办理（默认 cn）")
    e.add_argument("--encoding", metavar="NAME", help="输入的字符编码（默认自动识别）/ input encoding (default: detected)")
    e.add_argument("--output", "-o", metavar="FILE", help="写入文件 / write to FILE")
    _dask_argument(e)
    e.set_defaults(input_format=None, format="jsonl", summary=False, compact=False, no_progress=True)


def _parser_notice(sub) -> None:
    n = sub.add_parser("notice", help="案件 → 答复书、补正告知书、延期答复告知书、征求意见函、第三方告知书、收费通知书 (JSON / JSONL / -)")
    n.add_argument("file")
    n.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    n.add_argument("--pack", action="append", default=[], metavar="DIR",
                   help="载入本机关的规则包目录（可重复；包中的 notices.yaml 改写文书措辞）/ load an agency's pack folder")
    n.add_argument("--jurisdiction", metavar="ID", help="未写 jurisdiction 的案件按此规则包办理（默认 cn）")
    n.add_argument("--encoding", metavar="NAME", help="输入的字符编码（默认自动识别）/ input encoding (default: detected)")
    n.add_argument("--output", "-o", metavar="FILE", help="写入文件 / write to FILE")
    n.add_argument("--text", action="store_true", help="只印出文书正文（纯文本，文书之间以换页符分隔）/ print the "
                                                      "documents' plain text only")
    n.add_argument("--docx", metavar="DIR", help="把每份文书写成 DIR/<id>.docx（按公文格式排版）/ write each document "
                                                 "as a .docx laid out like a 公文")
    n.set_defaults(input_format=None, format="jsonl", summary=False, compact=False, no_progress=True)


def _parser_report(sub) -> None:
    y = sub.add_parser("report", help="一年的案件 → 年度报告表三、表四与勾稽检查（一个 JSON 对象）/ the annual-report tables")
    y.add_argument("file")
    y.add_argument("--year", type=int, required=True, help="报告年度 / the report's year")
    from ._formats import REPORT_FORMATS
    y.add_argument("--format", choices=REPORT_FORMATS,
                   help="输出格式：json（默认，公开接口）、md、xlsx、docx（后三者照格式的表三、表四）/ output format "
                        "(default json; md, xlsx, docx lay out the official tables)")
    y.add_argument("--output", "-o", metavar="FILE", help="写入文件（扩展名 .md .xlsx .docx 决定默认格式）/ write to FILE")
    y.add_argument("--chart", metavar="FILE.svg", help="另写一幅办理结果的条形图（SVG）/ also write a bar chart (SVG)")
    y.add_argument("--pack", action="append", default=[], metavar="DIR",
                   help="载入本机关的规则包目录（可重复）/ load an agency's pack folder (repeatable)")


def _parser_docket(sub) -> None:
    q = sub.add_parser("docket", help="案件清单：许多案件在同一日的情况（逾期、即将到期、等待、各状态件数、按申请人和月份的件数与"
                                      "信息处理费、错误）/ the clerk's daily list over many cases")
    q.add_argument("file")
    q.add_argument("--as-of", required=True, metavar="DATE",
                   help="清单之日 YYYY-MM-DD（每件案件都按此日，不用案件自己的 as_of）/ the docket's day")
    q.add_argument("--within", type=int, metavar="N",
                   help="“即将到期”看多少个工作日（默认 5，不是法定期限）/ due-soon horizon in working days (default 5)")
    q.add_argument("--format", choices=("json", "table", "xlsx"),
                   help="json（默认，一个对象）、table（终端表格）、xlsx（每部分一个工作表）/ output format")
    q.add_argument("--output", "-o", metavar="FILE", help="写入文件（.xlsx 即为 xlsx 格式）/ write to FILE")
    q.add_argument("--pack", action="append", default=[], metavar="DIR",
                   help="载入本机关的规则包目录（可重复）/ load an agency's pack folder (repeatable)")


def _parser_interact(sub) -> None:
    m = sub.add_parser("interact", help="政民互动留言 → 办理科室与答复期限（规则包中的规定）(JSON / JSONL / -)")
    m.add_argument("file")
    m.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    _io_arguments(m)


def _parser_check(sub) -> None:
    k = sub.add_parser("check", help="规则一致性检查（冲突、空白、遮蔽、地方与国家规定的关系）/ check rule sets")
    k.add_argument("packs", nargs="*", help="本机关规则包目录（可多个）；省略则只检查随库规则")
    k.add_argument("--json", action="store_true", help="以 JSON 输出 / machine-readable findings")
    k.add_argument("--report", metavar="FILE", help="把报告（Markdown）写入文件 / write the Markdown report")
    k.add_argument("--all", action="store_true", help="给出规则包目录时也报告随库规则包的发现 / with pack folders, also "
                                                      "report the bundled packs' findings")


def _parser_test(sub) -> None:
    t = sub.add_parser("test", help="运行以句子命名的 YAML 用例（输入、期望值）/ run sentence-named YAML cases")
    t.add_argument("paths", nargs="+", metavar="FILE|PACK_DIR",
                   help="用例文件，或规则包目录（运行其 cases.yaml，并载入该规则包）/ cases files or pack folders")
    t.add_argument("--pack", action="append", default=[], metavar="DIR",
                   help="另外载入的规则包目录（可重复）/ another pack folder to load (repeatable)")


def _parser_explain(sub) -> None:
    x = sub.add_parser("explain", help="按条文查找：条文、引用它的规则（各规则包）、参数、对应的2008年规则与用例 / "
                                      "an article: its text, the rules citing it, parameters, the 2008 counterpart, cases")
    x.add_argument("ref", help="条文（如 ogi-2019:15、ogi-2019:33:p2）或规则编号（如 ogi2019.art15.consent）")
    x.add_argument("packs", nargs="*", help="另外载入的本机关规则包目录 / extra pack folders")
    x.add_argument("--json", action="store_true", help="以 JSON 输出 / machine-readable")


def _parser_doc(sub) -> None:
    g = sub.add_parser("doc", help="写出规则包目录中的说明页 README.md（由 pack.yaml 与 statutes/ 生成）/ write a pack's page")
    g.add_argument("packs", nargs="*", help="规则包目录（可多个）；省略则为全部随库规则包 / pack folders (default: the bundled ones)")
    g.add_argument("--check", action="store_true", help="只检查页面是否最新，不写入 / only check that the pages are current")


def _parser_serve(sub) -> None:
    w = sub.add_parser("serve", help="HTTP 接口与经办人页面（附加项 server）/ the HTTP API and the clerks' page "
                                     "(the server extra; docs/server.md)")
    w.add_argument("--host", default="127.0.0.1",
                   help="监听地址（默认只在本机 127.0.0.1）/ the address to bind (default 127.0.0.1: this machine only)")
    w.add_argument("--port", type=int, default=8000, help="端口（0 = 任选空闲端口）/ the port (0: any free port)")
    w.add_argument("--pack", action="append", default=[], metavar="DIR",
                   help="载入本机关的规则包目录（可重复）/ load an agency's pack folder (repeatable)")
    w.add_argument("--allow-pack-upload", action="store_true",
                   help="允许经 HTTP 载入规则包（POST /v1/packs；默认不允许）/ allow loading packs over HTTP")
    w.add_argument("--decision-log", metavar="FILE",
                   help="把每个答复追加到决定日志（JSONL）/ append every answer to a decision log (JSONL)")
    w.add_argument("--max-body", type=int, metavar="BYTES",
                   help="请求体上限（默认 32 MiB）/ request body limit in bytes (default 32 MiB)")
    w.add_argument("--max-concurrency", type=int, metavar="N",
                   help="同时处理的请求数上限（默认 16），超出即答 503 / requests handled at once (default 16); more get 503")
    w.add_argument("--max-files", type=int, metavar="N",
                   help="一次上传的公文文件数上限（默认 200），超出即答 413 / document files per upload (default 200)")


def _parser_schema(sub) -> None:
    s = sub.add_parser("schema", help="打印输入、输出的 JSON Schema（draft 2020-12）/ print the JSON Schemas",
                       description="zwgk schema decide input：decide 一个输入的 Schema；output：一个答复；error：错误行；"
                                   "省略时打印三者的合集（docs/cli.md）/ one standalone schema per part; without a part, "
                                   "the bundle of the three")
    from ._formats import SCHEMA_COMMANDS, SCHEMA_PARTS     # every command with a schema (one entry each)
    s.add_argument("which", choices=list(SCHEMA_COMMANDS))
    s.add_argument("part", nargs="?", choices=list(SCHEMA_PARTS))
    s.add_argument("--pack", action="append", default=[], metavar="DIR",
                   help="载入本机关的规则包目录（其代码进入枚举）/ load a pack folder (its codes join the enums)")


_PARSERS = {"decide": _parser_decide, "classify": _parser_classify, "case": _parser_case, "notice": _parser_notice,
            "report": _parser_report, "docket": _parser_docket, "interact": _parser_interact, "check": _parser_check,
            "test": _parser_test, "explain": _parser_explain, "doc": _parser_doc, "serve": _parser_serve,
            "schema": _parser_schema}


def _parser(wanted: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: with ``wanted`` a command's name, only that command's parser is built (the
    others' options are never read: about 2 % of a fresh one-line ``decide``); otherwise every command's, for
    the help and the error message. The two give the same help, usage lines and errors for that command."""
    from ._version import __version__
    ap = argparse.ArgumentParser(prog="zwgk", description="政府信息公开规则引擎 / OGI rules engine")
    ap.add_argument("--version", action="version", version=f"zwgk-rules {__version__}",
                    help="打印版本号并退出 / print the version and exit")
    one = wanted in _PARSERS       # the usage line still names every command
    sub = ap.add_subparsers(dest="command", metavar="{" + ",".join(_PARSERS) + "}" if one else None)
    for name, build in _PARSERS.items():
        if not one or name == wanted:
            build(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    ap = _parser(argv[0] if argv else None)
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_help(sys.stderr)
        return 2
    try:
        if args.command == "serve":
            from ._server import run_serve
            return run_serve(args)
        if args.command == "check":
            return run_check(args.packs, json_out=args.json, report=args.report, everything=args.all)
        if args.command == "report":
            return run_report(args.file, args.year, tuple(args.pack), args.format, args.output, args.chart)
        if args.command == "docket":
            return run_docket(args.file, args.as_of, within=args.within, fmt=args.format, output=args.output,
                              packs=tuple(args.pack))
        if args.command == "test":
            from ._casetest import run_test
            return run_test(args.paths, args.pack)
        if args.command == "doc":
            from ._packdoc import run_doc
            return run_doc(args.packs, check=args.check)
        if args.command == "explain":
            from ._explain import explain, render
            from ._rulebook import Rulebook, default_rulebook
            rb = Rulebook(packs=args.packs) if args.packs else default_rulebook()
            info = explain(rb, args.ref)
            sys.stdout.write(json.dumps(info, ensure_ascii=False, indent=1) + "\n" if args.json else render(info))
            return 0
        if args.command == "schema":
            from ._contract_schema import json_schema
            schema = json_schema(args.which, args.part, rulebook=_rulebook_for(tuple(args.pack)))
            sys.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
            return 0
        if args.command == "notice" and (args.text or args.docx):
            return run_notice_documents(args)
        if args.command == "classify":
            from ._documents import is_document_path
            if any(p != "-" and is_document_path(p) for p in args.file):
                return run_documents(args)
            if len(args.file) > 1:
                raise _CannotRun("JSON/JSONL/CSV/XLSX 输入一次只读一个文件；多个文件、文件夹只用于公文文件（.docx .pdf .ofd "
                                 ".txt）/ one input file at a time; several paths are for document files and folders")
            args.file = args.file[0]
        if getattr(args, "dask", None):
            _dask_allowed(args)
            return _run_batch(args, 1)
        jobs = args.jobs if args.jobs > 0 else _auto_jobs(args.file)
        if args.jobs <= 0 and (args.format not in (None, "jsonl") or args.output and _output_format(args) != "jsonl"
                               or args.summary or args.compact):
            jobs = 1        # the answers are read back and rendered in this process: that is the slow part
        return _run_batch(args, jobs)
    except _CannotRun as exc:
        sys.stderr.write(f"zwgk: {exc}\n")
        return 2
    except FileNotFoundError as exc:
        sys.stderr.write(f"zwgk: 找不到文件 / file not found: {exc.filename}\n")
        return 2
    except ZwgkError as exc:  # the rules themselves failed to load
        sys.stderr.write(f"zwgk: {exc.message}\n")
        return 2


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that the batch ends like an interrupt."""


def _run_batch(args, jobs: int) -> int:
    """Run ``decide``/``classify``/``interact`` over the input, turning every fault into a message on
    stderr and an exit status (see the module docstring); never a traceback."""
    import signal
    stdout = sys.stdout
    if stdout is None and not args.output:
        raise _CannotRun("标准输出已关闭 / standard output is closed")
    prog = _Progress()
    fmt = _output_format(args)
    out, sink, close_target = _output(args, fmt, stdout)
    summary = sink.summary if sink is not None else None

    def on_term(signum, frame):
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, on_term) if _main_thread() else None
    complete = False
    try:
        try:
            if stdout is not None:
                stdout.flush()
        except OSError as exc:
            raise _CutShort(_write_failure(exc)) from None
        target = sink if sink is not None else out
        kw = dict(jobs=jobs, command=args.command, progress=prog, encoding=args.encoding,
                  input_format=args.input_format, packs=tuple(args.pack), jurisdiction=args.jurisdiction)
        if args.command == "decide":
            kw.update(explain=args.explain, backend=args.backend)
        if (not args.no_progress and stderr_is_terminal() and not _is_terminal(args, stdout)
                and (fmt != "table" or args.output)):
            kw["counter"] = counter = [0]
            total, unit = _input_size(args.file, counter, prog)
            prog.display = _render_mod().ProgressBar(sys.stderr, total, unit)
        try:
            if getattr(args, "dask", None):
                status = _run_dask(args, target, kw)
            else:
                status = run_decide(args.file, target, sys.stdin, **kw)
        finally:
            if prog.display is not None:
                prog.display.close()
        complete = True
        return status
    except _CutShort as exc:
        return _cut_short(exc.message, exc.code, prog)
    except _InputFailed as exc:
        return _cut_short(str(exc), 2, prog)
    except KeyboardInterrupt:
        return _cut_short("已中断 / interrupted", 130, prog)
    except _Terminated:
        return _cut_short("已终止 / terminated (SIGTERM)", 143, prog)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if sink is not None:
            try:
                sink.close(complete)
            except OSError as exc:
                sys.stderr.write(f"zwgk: {_write_failure(exc)}\n")
        if close_target is not None:
            try:
                close_target()
            except OSError as exc:
                sys.stderr.write(f"zwgk: {_write_failure(exc)}\n")
        if summary is not None and args.summary:
            sys.stderr.write(summary.text())


def _dask_allowed(args) -> None:
    """``--dask`` reads JSONL and writes JSONL (with ``--compact`` / ``--summary`` if asked) on the python
    backend; anything else is refused before a cluster is started."""
    if args.command not in ("decide", "classify", "case", "interact") or getattr(args, "backend", "python") != "python":
        raise _CannotRun("--dask 只用于 decide、classify、case、interact（python 后端）/ --dask is for decide, classify, "
                         "case and interact, on the python backend")
    if args.jobs > 1:
        raise _CannotRun("--dask 与 --jobs 不能同时使用 / --dask and --jobs exclude each other")
    if args.input_format not in (None, "jsonl") or _output_format(args) != "jsonl":
        raise _CannotRun("--dask 只读写 JSONL / --dask reads and writes JSONL only (no --input-format or --format other "
                         "than jsonl)")


def _run_dask(args, target, kw: dict) -> int:
    """``zwgk … --dask ADDRESS``: the batch on a Dask cluster (``zwgk_rules.dask``), with this module's exits."""
    from .dask import _run
    if args.file == "-":
        if sys.stdin is None:
            raise _CannotRun("标准输入已关闭 / standard input is closed")
        source = getattr(sys.stdin, "buffer", sys.stdin)
    else:
        source = args.file
    done = _run(source, target, args.dask, command=args.command, packs=kw["packs"], jurisdiction=kw["jurisdiction"],
                explain=kw.get("explain", False), encoding=kw["encoding"], blocksize=None, progress=kw["progress"],
                counter=kw.get("counter"), fork=True)
    return 1 if done.errors else 0


def _render_mod():
    from . import _render
    return _render


def _is_terminal(args, stdout) -> bool:
    """Whether the answers go to the terminal (then a progress bar would only get in their way)."""
    if args.output:
        return False
    try:
        return stdout is not None and stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _output_format(args) -> str:
    if args.format:
        return args.format
    low = (args.output or "").lower()
    return "xlsx" if low.endswith(".xlsx") else "csv" if low.endswith(".csv") else "jsonl"


def _input_size(path: str, counter: list, prog: _Progress):
    """(total, how much is read so far) for the progress bar: bytes of a JSONL or CSV file, rows of an .xlsx."""
    if path == "-":
        return None, lambda: counter[0]
    try:
        size = os.path.getsize(path)
        if os.path.isdir(path):         # --dask on a folder: its .jsonl files
            size = sum(e.stat().st_size for e in os.scandir(path) if e.name.endswith(".jsonl") and e.is_file())
    except OSError:
        return None, lambda: counter[0]
    if _input_format(path, None) == "xlsx":
        rows = _xlsx_rows_hint(path)
        return rows, lambda: prog.answered
    return size or None, lambda: counter[0]


def _xlsx_rows_hint(path: str) -> int | None:
    try:
        import openpyxl
        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return wb.worksheets[0].max_row
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - only a hint for the progress bar
        return None


def _text_renderer(r, fmt: str, fh, cols, args, stdout):
    """The renderer of ``--format csv`` or ``table`` writing to the text stream ``fh``. rich draws (and colours) the
    table on a terminal; into a file or a pipe plain text is the same table, written many times faster."""
    if fmt == "csv":
        return r.CsvRenderer(fh, cols)
    on_terminal = not args.output and _is_terminal(args, stdout)
    width = None if on_terminal else int(os.environ.get("COLUMNS", "120") or 120)
    return r.TableRenderer(fh, cols, width=width, use_rich=None if on_terminal else False)


def _output(args, fmt: str, stdout):
    """(the binary stream answers are written to, the renderer sink or None, a function closing the file)."""
    # the renderers load only when asked for (plain JSON lines, the default, need none of them)
    r = _render_mod() if args.summary or args.compact or fmt != "jsonl" else None
    summary = r.Summary(args.command) if args.summary or fmt == "xlsx" else None
    path = args.output

    def open_file(mode, **kw):
        try:
            return open(path, mode, **kw)
        except OSError as exc:
            raise _CannotRun(f"无法写入 / cannot write {path}: {exc.strerror or exc}") from None

    if fmt == "jsonl":
        fh = open_file("wb") if path else None
        out = fh if fh is not None else getattr(stdout, "buffer", stdout)
        sink = r.JsonlSink(out, args.compact, summary) if args.compact or summary is not None else None
        return out, sink, fh.close if fh is not None else None
    if fmt == "xlsx":
        if path:
            target, done = path, None
        else:
            if _is_terminal(args, stdout):
                raise _CannotRun("--format xlsx 须给出 --output FILE（不能把表格文件打印到终端）/ --format xlsx needs "
                                 "--output FILE")
            stdout.flush()
            target = getattr(stdout, "buffer", stdout)      # a pipe: the zip is written as a stream
            done = target.flush
        if path:
            open_file("wb").close()         # fails now, not after the batch, if the file cannot be written
        cols = r.Columns(args.command, args.compact)
        return None, r.RowSink(r.XlsxRenderer(target, cols), cols, summary), done
    if path:
        fh = open_file("w", encoding="utf-8", newline="")
    else:
        fh = io.TextIOWrapper(getattr(stdout, "buffer", stdout), encoding="utf-8", newline="", write_through=True) \
            if hasattr(stdout, "buffer") else stdout
    cols = r.Columns(args.command, args.compact)
    renderer = _text_renderer(r, fmt, fh, cols, args, stdout)
    if path:
        return None, r.RowSink(renderer, cols, summary), fh.close
    return None, r.RowSink(renderer, cols, summary), (fh.detach if fh is not stdout else None)


def _main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


def _cut_short(reason: str, code: int, prog: _Progress) -> int:
    """Say how far the batch got, and keep Python from reporting a broken stdout again at exit."""
    n = prog.answered
    sys.stderr.write(f"zwgk: {reason}；已写出前 {n:,} 行输入的答复，其后未完成 / answered the first {n:,} "
                     f"input lines; the rest was not answered\n")
    try:
        sys.stderr.flush()
    except OSError:
        pass
    _silence_stdout()
    return code


def _silence_stdout() -> None:
    """After the output failed, point stdout at /dev/null so that the interpreter's own flush at exit
    does not print a second error."""
    try:
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (AttributeError, OSError, ValueError):
        pass
