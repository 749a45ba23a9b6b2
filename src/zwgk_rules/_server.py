"""``zwgk serve``: the engine over HTTP, and the page for clerks at ``/`` (docs/server.md).

Every answer is the command line's own bytes: a single endpoint (``POST /v1/decide`` …) answers its body as
``zwgk decide FILE.json`` answers that file, and a batch endpoint (``POST /v1/batch/decide`` …) answers a JSONL
body as ``zwgk decide -`` answers it on stdin, line for line (the same ``_cli._Decider``, the same framing
``_cli._lines`` and chunking ``_cli._chunks``). ``report``, ``docket`` and ``check`` call what their commands
call (``_report.report``, ``_docket.docket``, ``_check.check``) and print what they print. So nothing in this
module decides anything, and nothing in it is law: it carries the engine's answers and the rules' labels.

Safe by default: binds 127.0.0.1; every request body is limited (``--max-body``; a single input also by
``MAX_LINE_BYTES``, as on the command line) and read in full before the engine sees it; at most
``--max-concurrency`` requests are handled at once, the rest are refused at once with 503 (never queued
without bound); packs are loaded over HTTP only with ``--allow-pack-upload``, and then as data folders (a zip
of YAML and text files, unpacked by name checks into a folder of the server's, validated by the same code as
``--pack``). Nothing a caller sends is executed or unpickled. Errors are the contract's
``{"error": {"message", "field"}}`` objects: 422 for an input that cannot be answered, 413 for a body over the
limit, 503 when busy, 404 for an unknown path, 500 (with a message, never a traceback) for a fault.

The decision log (``--decision-log FILE``, off by default) appends one JSON line per answer: ``id`` (a random
id of the log line), ``time`` (the server's wall clock in UTC: when the answer was given; this is logging, not
law: the engine never reads the clock), ``endpoint``, ``rules_hash`` (``/v1/version``), ``input_hash``
(SHA-256 of the input's bytes) and ``answer`` (the answer as returned).
"""


import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Iterator

from . import _cli
from ._errors import InputError, RuleFileError, ZwgkError

#: the commands answered one input at a time (their JSON in, their JSON out)
LINE_COMMANDS = ("decide", "classify", "case", "notice", "interact")
#: the request body's limit unless ``--max-body`` says otherwise (bytes)
DEFAULT_MAX_BODY = 32 << 20
#: requests handled at once unless ``--max-concurrency`` says otherwise
DEFAULT_MAX_CONCURRENCY = 16
#: a single input up to this size is answered on the event loop (it takes well under a millisecond); larger
#: ones, and every batch, in a worker thread, so that a big body does not hold up the small ones
INLINE_BYTES = 64 << 10
#: the calendar endpoint's longest span (days)
MAX_CALENDAR_DAYS = 400
#: limits on an uploaded pack (a zip of a pack folder)
MAX_PACK_FILES = 1000
MAX_PACK_BYTES = 64 << 20
PACK_SUFFIXES = (".yaml", ".yml", ".md", ".txt")
#: document files in one upload to ``POST /v1/classify/documents`` unless ``--max-files`` says otherwise
DEFAULT_MAX_FILES = 200
#: the longest file name kept for ``source`` (characters); longer ones are shortened, keeping the extension
MAX_FILENAME_CHARS = 200
#: deciders kept per (command, explain, jurisdiction); beyond this the cache starts again
_MAX_DECIDERS = 64

_BOM = b"\xef\xbb\xbf"
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json-seq",
               "text/plain")
CSV_TYPES = ("text/csv", "text/tab-separated-values")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WEB = Path(__file__).resolve().parent / "_web"


def error_body(message: str, field: str | None = None) -> bytes:
    """The contract's error object, as the command line writes it (one line)."""
    return (json.dumps({"error": {"message": message, "field": field}}, ensure_ascii=False) + "\n").encode()


class HTTPFault(Exception):
    """An answer other than 200, with the contract's error object."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _media(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def rules_hash(rulebook) -> str:
    """The revision of the loaded rules, like OPA's bundle revision: SHA-256 over every file of the bundled
    ``rules/`` folder and of each pack folder loaded from elsewhere, in sorted path order (each file's path,
    its length and its bytes). Any change to a rule file, a statute text or a calendar changes it."""
    from ._resources import rules_root
    root = Path(rulebook.root if getattr(rulebook, "root", None) is not None else rules_root())
    files: list[tuple[str, Path]] = []
    for p in root.rglob("*"):
        if p.is_file():
            files.append(("rules/" + p.relative_to(root).as_posix(), p))
    for pk in rulebook.packs.values():
        folder = getattr(pk, "folder", None)
        if folder is None:
            continue
        folder = Path(folder)
        try:
            folder.resolve().relative_to(root.resolve())
            continue                        # bundled: already counted
        except ValueError:
            pass
        for p in folder.rglob("*"):
            if p.is_file():
                files.append((f"packs/{pk.id}/" + p.relative_to(folder).as_posix(), p))
    h = hashlib.sha256()
    for name, p in sorted(files):
        data = p.read_bytes()
        h.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return "sha256:" + h.hexdigest()


class DecisionLog:
    """Appends one JSON line per answer to a file (opt-in). Thread-safe; each line is flushed."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self.fh = open(path, "ab")
        except OSError as exc:
            raise _cli._CannotRun(f"无法写入决定日志 / cannot write the decision log {path}: "
                                  f"{exc.strerror or exc}") from None
        self.lock = threading.Lock()

    def write(self, endpoint: str, rules: str, pairs) -> None:
        """``pairs``: (input bytes, answer bytes) for each answer given."""
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
        out = []
        for inp, ans in pairs:
            head = json.dumps({"id": uuid.uuid4().hex, "time": now, "endpoint": endpoint, "rules_hash": rules,
                               "input_hash": "sha256:" + hashlib.sha256(inp).hexdigest()})
            out.append(head[:-1].encode() + b', "answer": ' + ans.rstrip(b"\n") + b"}\n")
        with self.lock:
            self.fh.write(b"".join(out))
            self.fh.flush()

    def close(self) -> None:
        self.fh.close()


class Service:
    """What the server answers with: the rules loaded at start (and packs uploaded, if allowed), the
    command line's deciders, the rules' hash. Shared by every request (the engine is thread-safe)."""

    def __init__(self, packs=(), *, decision_log: str | None = None, allow_pack_upload: bool = False,
                 max_body: int = DEFAULT_MAX_BODY, max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
                 max_files: int = DEFAULT_MAX_FILES) -> None:
        self.max_body = max_body
        self.max_files = max_files
        self.readers: dict = {}
        self.max_concurrency = max_concurrency
        self.allow_pack_upload = allow_pack_upload
        self.log = DecisionLog(decision_log) if decision_log else None
        self.upload_dir: tempfile.TemporaryDirectory | None = None
        self.lock = threading.Lock()
        self._load(tuple(str(Path(p)) for p in packs))

    def _load(self, packs: tuple) -> None:
        rb = _cli._rulebook_for(packs)
        self.packs, self.rb, self.hash, self.deciders, self.readers = packs, rb, rules_hash(rb), {}, {}

    # ------------------------------------------------------------------ the command line's deciders

    def decider(self, command: str, explain: bool = False, jurisdiction: str | None = None):
        key = (command, explain, jurisdiction)
        d = self.deciders.get(key)
        if d is None:
            if jurisdiction is not None:
                self.rb.pack(jurisdiction)      # an unknown pack: InputError naming it, with a did-you-mean
            if len(self.deciders) >= _MAX_DECIDERS:
                self.deciders = {}
            d = self.deciders[key] = _cli._Decider(explain, "python", command, None, self.packs, jurisdiction)
        return d

    def single(self, command: str, body: bytes, *, explain: bool = False, jurisdiction: str | None = None,
               endpoint: str = "") -> tuple[int, bytes]:
        """One input, as ``zwgk COMMAND FILE.json``: (200, the answer line) or (422, the error line)."""
        from ._limits import MAX_LINE_BYTES
        body = body.removeprefix(_BOM)
        if len(body) > MAX_LINE_BYTES:
            raise HTTPFault(413, _cli._Overlong().message)
        if not body.strip():
            raise HTTPFault(422, "请求体为空：应为一个 JSON 对象 / the request body is empty: send one JSON object")
        d = self.decider(command, explain, jurisdiction)
        block = _cli._Chunk(1)
        block.append(body)
        data, bad = d.chunk(block)
        if self.log is not None:
            self.log.write(endpoint, self.hash, [(body, data)])
        return (422 if bad else 200), data

    def batch_lines(self, command: str, body: bytes, *, explain: bool = False, jurisdiction: str | None = None,
                    endpoint: str = "") -> Iterator[bytes]:
        """A JSONL body, as ``zwgk COMMAND -`` answers it on stdin: the answers in blocks of lines."""
        d = self.decider(command, explain, jurisdiction)
        for block in _cli._chunks(_cli._lines("-", io.BytesIO(body)), 2000):
            data, _ = d.chunk(block)
            if self.log is not None:
                self.log.write(endpoint, self.hash, zip([x if x.__class__ is bytes else b"" for x in block],
                                                        data.split(b"\n")))
            yield data

    def batch_array(self, command: str, body: bytes, *, explain: bool = False, jurisdiction: str | None = None,
                    endpoint: str = "") -> bytes:
        """A JSON array body: each element answered as a line of JSONL; the answers as a JSON array."""
        items = _json_array(body)
        lines = "\n".join(json.dumps(x, ensure_ascii=False) for x in items).encode()
        out = b"".join(self.batch_lines(command, lines, explain=explain, jurisdiction=jurisdiction,
                                        endpoint=endpoint))
        return b"[" + b",\n".join(out.splitlines()) + b"]\n"

    def batch_rendered(self, command: str, body: bytes, in_fmt: str, out_fmt: str, *, explain: bool = False,
                       jurisdiction: str | None = None) -> bytes:
        """Spreadsheet input (CSV, XLSX) and/or output (``csv``, ``xlsx``, ``table``), as the command line's
        ``--input-format`` / ``--format`` make them: the body goes through a temporary file, as a file would."""
        if command not in ("decide", "classify", "interact") and (in_fmt in ("csv", "xlsx") or out_fmt != "jsonl"):
            raise HTTPFault(422, f"{command} 只接受 JSONL，只输出 JSONL / {command} reads and writes JSONL only",
                            "format")
        r = _cli._render_mod()
        with tempfile.TemporaryDirectory(prefix="zwgk-serve-") as tmp:
            path = os.path.join(tmp, "input." + {"jsonl": "jsonl", "csv": "csv", "xlsx": "xlsx"}[in_fmt])
            with open(path, "wb") as fh:
                fh.write(body)
            buf = io.BytesIO()
            if out_fmt == "jsonl":
                sink, text = buf, None
            else:
                cols = r.Columns(command, False)
                summary = r.Summary(command) if out_fmt == "xlsx" else None
                if out_fmt == "xlsx":
                    renderer = r.XlsxRenderer(buf, cols)
                    text = None
                else:
                    text = io.StringIO()
                    renderer = (r.CsvRenderer(text, cols) if out_fmt == "csv"
                                else r.TableRenderer(text, cols, width=160, use_rich=False))
                sink = r.RowSink(renderer, cols, summary)
            try:
                _cli.run_decide(path, sink, None, explain=explain, command=command, input_format=in_fmt,
                                packs=self.packs, jurisdiction=jurisdiction)
            except _cli._CannotRun as exc:
                raise HTTPFault(422, str(exc), "body") from None
            except _cli._InputFailed as exc:
                raise HTTPFault(422, str(exc), "body") from None
            if sink is not buf:
                sink.close(True)
            return text.getvalue().encode() if text is not None else buf.getvalue()

    # ------------------------------------------------------------------ document files: classify FILE.docx …

    def reader(self, jurisdiction: str | None, facts: dict | None):
        """A ``_documents.Reader`` for uploads (no sidecars: an upload has no folder), its rules and engines shared
        between requests; the request's ``facts`` on a copy of its own."""
        import copy

        from ._documents import Reader
        base = self.readers.get(jurisdiction)
        if base is None:
            if len(self.readers) >= _MAX_DECIDERS:
                self.readers = {}
            base = self.readers[jurisdiction] = Reader(self.rb, jurisdiction=jurisdiction, sidecars=False)
        mine = copy.copy(base)
        mine.facts = dict(facts or {})
        return mine

    def documents(self, files: list[tuple[str, bytes]], fmt: str, *, jurisdiction: str | None = None,
                  facts: dict | None = None, endpoint: str = "") -> bytes:
        """Uploaded document files ``(name, bytes)`` answered as ``zwgk classify FILE …`` answers the files: one
        answer per file in the order sent, ``source`` the (sanitised) name; a file that cannot be read is an error
        line naming it and the batch goes on. ``fmt``: ``jsonl``, or ``xlsx``/``csv``/``table`` in the clerk's
        columns (``_render.DocumentColumns``). Nothing is written to disk: the readers read the bytes."""
        import logging

        from ._documents import DocumentError, read_data
        from ._encode import one_line
        reader = self.reader(jurisdiction, facts)
        answers = []
        for name, data in files:
            try:
                ans = reader.answer_lines(name, read_data(name, data))
            except DocumentError as exc:
                ans = {"source": name, "error": {"message": exc.message, "field": None}}
            except Exception as exc:  # noqa: BLE001 - a reader's fault on a hostile file: an error line, not a 500
                logging.getLogger("zwgk.serve").exception("reading an uploaded document")
                ans = {"source": name, "error": {"message": f"无法读取该文件 / cannot read the file ({type(exc).__name__})",
                                                 "field": None}}
            answers.append(ans)
        lines = [one_line(json.dumps(a, ensure_ascii=False, default=_cli._iso).encode()) + b"\n" for a in answers]
        if self.log is not None:
            self.log.write(endpoint, self.hash, [(data, ln) for (_, data), ln in zip(files, lines)])
        if fmt == "jsonl":
            return b"".join(lines)
        r = _cli._render_mod()
        cols = r.DocumentColumns(reader.R.labels, False, r.UPLOAD_HINT)
        buf, text = io.BytesIO(), io.StringIO()
        summary = r.Summary("classify") if fmt == "xlsx" else None
        if fmt == "xlsx":
            renderer = r.XlsxRenderer(buf, cols)
        elif fmt == "csv":
            renderer = r.CsvRenderer(text, cols)
        else:
            renderer = r.TableRenderer(text, cols, width=160, use_rich=False)
        rows = []
        for n, ans in enumerate(answers, 1):
            if summary is not None:
                summary.add({**ans, "id": ans["source"]} if "error" in ans else ans)
            rows.append((cols.row(ans, None, n), ans))
        if rows:
            renderer.rows(rows)
        renderer.close(summary, True)
        return buf.getvalue() if fmt == "xlsx" else text.getvalue().encode()

    # ------------------------------------------------------------------ whole files: report, docket, check

    def _cases(self, body: bytes, media: str) -> tuple[list, list]:
        """(cases as ``(line, object)``, unreadable lines as ``(line, message)``), read as the command line reads
        a file of cases (JSONL: ``for n, line in enumerate(file, 1)``); a JSON array body: one case per element."""
        from ._jsonl import split_case_lines
        if media == "application/json" and body.lstrip(_BOM + b" \t\r\n")[:1] == b"[":
            return [(n, x) for n, x in enumerate(_json_array(body), 1)], []
        return split_case_lines(io.BytesIO(body))

    def _engine_for(self):
        from ._engine import Engine
        engines: dict = {}

        def engine_for(jur):
            if jur not in engines:
                engines[jur] = Engine(jur, rulebook=self.rb)
            return engines[jur]
        return engine_for

    def report(self, body: bytes, media: str, year: int, fmt: str) -> tuple[int, bytes, str]:
        """``zwgk report --year Y [--format F]``: (status, bytes, media type)."""
        from . import _reportout
        from ._report import report
        if fmt == "docx":
            import importlib.util
            if importlib.util.find_spec("docx") is None:
                raise HTTPFault(422, "format=docx 需要 python-docx：pip install 'zwgk-rules[docx]' / format=docx needs "
                                     "python-docx", "format")
        cases, unreadable = self._cases(body, media)
        if unreadable:
            n = unreadable[0][0]
            return 422, (json.dumps({"error": {"message": unreadable[0][1], "field": None, "line": n}},
                                    ensure_ascii=False) + "\n").encode(), "application/json"
        try:
            out = report(cases, year, engine_for=self._engine_for(), rulebook=self.rb)
        except ZwgkError as exc:
            line = next((n for n, _ in cases if f"第 {n} 行" in exc.message), None)
            return 422, (json.dumps({"error": {"message": exc.message, "field": exc.field, "line": line}},
                                    ensure_ascii=False) + "\n").encode(), "application/json"
        if fmt == "json":
            return 200, (json.dumps(out, ensure_ascii=False, default=_cli._iso) + "\n").encode(), "application/json"
        rendered = _reportout.Rendered(out, self.rb)
        if fmt == "md":
            return 200, _reportout.markdown(rendered).encode(), "text/markdown; charset=utf-8"
        if fmt == "svg":
            return 200, _reportout.chart_svg(rendered).encode(), "image/svg+xml"
        if fmt == "docx":
            return 200, _reportout.docx(rendered), DOCX_TYPE
        buf = io.BytesIO()
        _reportout.xlsx(rendered, buf)
        return 200, buf.getvalue(), XLSX_TYPE

    def docket(self, body: bytes, media: str, as_of: str, within: int | None, fmt: str) -> tuple[int, bytes, str]:
        """``zwgk docket --as-of D [--within N] [--format F]``: (status, bytes, media type); 200 also when some
        lines are invalid (they are listed in ``errors``, as on the command line)."""
        from ._docket import DEFAULT_WITHIN, docket, render_table, write_xlsx
        try:
            day = dt.date.fromisoformat(as_of) if len(as_of) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise HTTPFault(422, f"as_of: 不是 YYYY-MM-DD 日期 / not an ISO date: {as_of[:40]!r}", "as_of")
        if within is not None and within < 0:
            raise HTTPFault(422, "within: 须不小于 0 / must be 0 or more", "within")
        cases, unreadable = self._cases(body, media)
        out = docket(cases, day, within=DEFAULT_WITHIN if within is None else within,
                     engine_for=self._engine_for(), rulebook=self.rb, unreadable=unreadable)
        if fmt == "xlsx":
            buf = io.BytesIO()
            write_xlsx(out, buf, rulebook=self.rb)
            return 200, buf.getvalue(), XLSX_TYPE
        if fmt == "table":
            text = io.StringIO()
            render_table(out, text, rulebook=self.rb, width=160, use_rich=False)
            return 200, text.getvalue().encode(), "text/plain; charset=utf-8"
        return 200, (json.dumps(out, ensure_ascii=False, default=_cli._iso) + "\n").encode(), "application/json"

    def check(self, everything: bool = False, folder: str | None = None) -> bytes:
        """``zwgk check --json`` over the rules loaded (or over an uploaded pack folder, not loaded)."""
        packs = [folder] if folder else list(self.packs)
        if folder:
            try:
                rb = _cli._rulebook_for(tuple(list(self.packs) + [folder]))
            except RuleFileError:
                rb = None
        else:
            rb = self.rb
        findings = _cli.check_findings(rb, packs, everything)
        if folder:
            _cli._RULEBOOKS.pop(tuple(list(self.packs) + [folder]), None)
        return (json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1) + "\n").encode()

    # ------------------------------------------------------------------ packs uploaded (only if allowed)

    def unpack(self, body: bytes) -> str:
        """A zip of one pack folder, unpacked into a new folder of the server's: only plain files with the
        suffixes of ``PACK_SUFFIXES``, relative names without ``..``, at most ``MAX_PACK_FILES`` files and
        ``MAX_PACK_BYTES`` bytes in all (each file at most the rule files' ``MAX_FILE_BYTES``). A single
        top folder in the zip, named by the pack's id, is the pack folder. Returns the folder."""
        import stat
        import zipfile
        from ._limits import MAX_FILE_BYTES
        if self.upload_dir is None:
            self.upload_dir = tempfile.TemporaryDirectory(prefix="zwgk-packs-")
        try:
            zf = zipfile.ZipFile(io.BytesIO(body))
        except (zipfile.BadZipFile, ValueError):
            raise HTTPFault(422, "规则包须为 zip 文件（一个规则包目录）/ a pack is sent as a zip of its folder", "body") \
                from None
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_PACK_FILES:
            raise HTTPFault(413, f"规则包文件过多（上限 {MAX_PACK_FILES}）/ too many files in the pack", "body")
        if sum(i.file_size for i in infos) > MAX_PACK_BYTES:
            raise HTTPFault(413, f"规则包解压后超过 {MAX_PACK_BYTES:,} 字节 / the pack unpacks to too many bytes", "body")
        names = []
        for i in infos:
            name = i.filename
            parts = name.split("/")
            mode = i.external_attr >> 16
            if (name.startswith("/") or "\\" in name or ".." in parts or ":" in name or any(not p for p in parts)
                    or (mode and not stat.S_ISREG(mode))):
                raise HTTPFault(422, f"规则包中的路径不允许 / not allowed in a pack: {name[:80]!r}", "body")
            if i.file_size > MAX_FILE_BYTES:
                raise HTTPFault(413, f"{name[:80]}: 超过 {MAX_FILE_BYTES:,} 字节 / over the file limit", "body")
            if parts[-1].startswith("."):
                continue
            if not parts[-1].lower().endswith(PACK_SUFFIXES):
                raise HTTPFault(422, f"规则包只收 {', '.join(PACK_SUFFIXES)} 文件 / only these files: {name[:80]!r}",
                                "body")
            names.append((i, parts))
        tops = {parts[0] for _, parts in names}
        top = next(iter(tops)) if len(tops) == 1 and all(len(p) > 1 for _, p in names) else None
        import re
        if top is None or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", top):
            raise HTTPFault(422, "zip 中须只有一个目录，以规则包编号命名（如 cn-xx-shili-sfj/pack.yaml）/ the zip must hold "
                                 "one folder named by the pack's id", "body")
        dest = Path(self.upload_dir.name) / uuid.uuid4().hex
        dest.mkdir()
        strip = 0
        for i, parts in names:
            target = dest.joinpath(*parts[strip:])
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(i) as src:
                data = src.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise HTTPFault(413, f"{i.filename[:80]}: 超过上限 / over the file limit", "body")
            target.write_bytes(data)
        return str(dest / top)

    def add_pack(self, body: bytes) -> bytes:
        folder = self.unpack(body)
        with self.lock:
            packs = self.packs + (folder,)
            try:
                from ._rulebook import Rulebook
                rb = Rulebook(packs=list(packs))
            except RuleFileError as exc:
                raise HTTPFault(422, exc.message, exc.field) from None
            _cli._RULEBOOKS[packs] = rb
            before = set(self.rb.packs)
            self._load(packs)
        added = [pid for pid in self.rb.packs if pid not in before]
        return (json.dumps({"added": added, "rules_hash": self.hash}, ensure_ascii=False) + "\n").encode()

    # ------------------------------------------------------------------ what the page reads

    def packs_info(self) -> bytes:
        out = []
        for pk in self.rb.packs.values():
            cal = self.rb.calendars.get(pk.calendar)
            out.append({"id": pk.id, "title": pk.title, "calendar": pk.calendar,
                        "calendar_title": getattr(cal, "title", None),
                        "uploaded": bool(pk.folder is not None and self.upload_dir is not None
                                         and str(pk.folder).startswith(self.upload_dir.name))})
        return (json.dumps(out, ensure_ascii=False) + "\n").encode()

    def version(self) -> bytes:
        from ._version import __version__
        return (json.dumps({"version": __version__, "rules_hash": self.hash, "packs": sorted(self.rb.packs)},
                           ensure_ascii=False) + "\n").encode()

    def calendar(self, cid: str, start: str, end: str) -> bytes:
        """Each day from ``start`` to ``end`` on calendar ``cid``: working or not, and why (the calendar's
        own ``day_info``: weekend, holiday, 调休 working day, regional day, with the notice and the basis)."""
        cal = self.rb.calendars.get(cid)
        if cal is None:
            raise HTTPFault(422, f"未知的日历 calendar={cid[:40]!r}；可用：{sorted(self.rb.calendars)}", "calendar")
        days = []
        for name, value in (("from", start), ("to", end)):
            try:
                days.append(dt.date.fromisoformat(value) if len(value) == 10 else None)
            except ValueError:
                days.append(None)
            if days[-1] is None:
                raise HTTPFault(422, f"{name}: 不是 YYYY-MM-DD 日期 / not an ISO date", name)
        a, b = days
        if b < a or (b - a).days >= MAX_CALENDAR_DAYS:
            raise HTTPFault(422, f"to 须不早于 from，且不超过 {MAX_CALENDAR_DAYS} 天 / to must be on or after from, "
                                 f"at most {MAX_CALENDAR_DAYS} days", "to")
        if a < cal.start or b > cal.end:
            raise HTTPFault(422, f"日历 {cid} 只覆盖 {cal.start} 至 {cal.end} / the calendar covers only that span", "from")
        out = []
        d = a
        while d <= b:
            info = cal.day_info(d)
            out.append({"date": d.isoformat(), "working": info.working, "reason": info.reason, "name": info.name,
                        "source": info.source, "basis": info.basis})
            d += dt.timedelta(days=1)
        return (json.dumps({"calendar": cid, "title": getattr(cal, "title", None), "days": out},
                           ensure_ascii=False) + "\n").encode()

    def labels(self) -> bytes:
        """The words the page shows for codes: the contract's labels (``_facts``), the dispositions' and
        the classification attributes' (rule files), and the reasons of a deadline's days."""
        from . import _facts
        from ._docket import _Words
        from ._render import _disposition_labels
        words = _Words(self.rb)        # a case's statuses and next steps in Chinese (case.yaml)
        out = {"codes": dict(_facts.CODE_LABELS), "dispositions": _disposition_labels(),
               "explain": dict(_facts.EXPLAIN_LABELS), "regimes": {r.id: r.title for r in self.rb.regimes},
               "case": {"status": words.status, "next": words.step},
               "fields": {"decide": dict(_facts.REQUEST_LABELS), "classify": dict(_facts.DOCUMENT_LABELS)}}
        return (json.dumps(out, ensure_ascii=False) + "\n").encode()

    def citations(self, keys: str) -> bytes:
        """The names and texts of citation keys (comma-separated, at most 32), e.g. ``ogi-2019:33:p2``: what the
        page shows for a deadline day's basis."""
        from ._errors import ZwgkError
        wanted = [k for k in keys.split(",") if k][:32]
        out = {}
        for k in wanted:
            try:
                c = self.rb.statutes.resolve(k)
            except ZwgkError as exc:
                raise HTTPFault(422, exc.message, "keys") from None
            out[k] = {"label": c.label, "text": c.text, "verbatim": c.verbatim}
        return (json.dumps(out, ensure_ascii=False) + "\n").encode()

    def close(self) -> None:
        if self.log is not None:
            self.log.close()
        if self.upload_dir is not None:
            self.upload_dir.cleanup()


def _json_array(body: bytes) -> list:
    """A JSON array body (each element an input), strictly: a key given twice is an error naming it."""
    def pairs(kv):
        seen = {}
        for k, v in kv:
            if k in seen:
                raise InputError(f"键 {k!r} 重复 / duplicate key", field=k)
            seen[k] = v
        return seen
    try:
        items = json.loads(body.removeprefix(_BOM), object_pairs_hook=pairs)
    except InputError as exc:
        raise HTTPFault(422, exc.message, exc.field) from None
    except (ValueError, RecursionError):
        raise HTTPFault(422, "请求体不是有效的 JSON / the body is not valid JSON", "body") from None
    if not isinstance(items, list):
        raise HTTPFault(422, "批处理的 JSON 请求体须为数组 / a JSON batch body must be an array", "body")
    return items


def safe_filename(name: str, n: int) -> str:
    """The name an uploaded file is answered by: its last component only (``../../etc/x.docx`` → ``x.docx``;
    ``\\`` is a separator too), without control characters or leading dots, at most ``MAX_FILENAME_CHARS``
    characters (the extension kept); ``文件N`` if nothing is left. A name is never a path."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip().lstrip(".").strip()
    if not name:
        return f"文件{n}"
    if len(name) > MAX_FILENAME_CHARS:
        stem, ext = os.path.splitext(name)
        ext = ext[:16]
        name = stem[:MAX_FILENAME_CHARS - len(ext)] + ext
    return name


_PARAM = None


def _disposition(value: str) -> dict:
    """The parameters of a ``Content-Disposition`` header (``name``, ``filename``; ``filename*`` of RFC 5987
    decoded and preferred)."""
    global _PARAM
    import re
    from urllib.parse import unquote
    if _PARAM is None:
        _PARAM = re.compile(r';\s*([A-Za-z0-9_*.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
    out: dict = {}
    for key, raw in _PARAM.findall(value):
        key = key.lower()
        raw = raw.strip()
        if raw.startswith('"'):
            raw = re.sub(r'\\(.)', r'\1', raw[1:-1])
        if key == "filename*":
            _, _, rest = raw.partition("'")
            _, _, enc = rest.partition("'")
            out["filename"] = unquote(enc, errors="replace")
        elif key not in out:
            out[key] = raw
    return out


def multipart(body: bytes, content_type: str) -> list[tuple[str, str | None, bytes]]:
    """The parts of a ``multipart/form-data`` body (RFC 7578) as ``(field name, file name or None, bytes)``, in
    order, parsed by python-multipart (the parser Starlette uses; the ``server`` extra); HTTPFault 422 if it is
    not well formed or ends before its closing boundary. The body is already within ``--max-body``."""
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary or len(boundary) > 200:
        raise HTTPFault(422, "multipart/form-data 请求缺少 boundary / the multipart body has no boundary", "body")
    parts: list = []
    headers: dict = {}
    data: list = []
    field, value = bytearray(), bytearray()

    def part_begin():
        headers.clear()
        data.clear()

    def header_end():
        headers[field.decode("latin-1").strip().lower()] = value.decode("utf-8", "replace").strip()
        field.clear()
        value.clear()

    def part_end():
        disp = _disposition(headers.get("content-disposition", ""))
        parts.append((disp.get("name", ""), disp.get("filename"), b"".join(data)))

    parser = MultipartParser(boundary, callbacks={
        "on_part_begin": part_begin, "on_part_data": lambda b, i, j: data.append(b[i:j]),
        "on_part_end": part_end, "on_header_field": lambda b, i, j: field.extend(b[i:j]),
        "on_header_value": lambda b, i, j: value.extend(b[i:j]), "on_header_end": header_end})
    try:
        parser.write(body)
        parser.finalize()
    except MultipartParseError:
        raise HTTPFault(422, "multipart/form-data 请求体格式不正确 / a malformed multipart part", "body") from None
    if parser.state not in (MultipartState.END, MultipartState.END_BOUNDARY):
        raise HTTPFault(422, "multipart/form-data 请求体不完整（缺少结束边界）/ the multipart body is incomplete", "body")
    return parts


def _facts_object(text: str | bytes | None) -> dict | None:
    """The ``facts`` field (as ``--facts``): a JSON object, or HTTPFault 422."""
    if text is None or not (text.strip() if isinstance(text, str) else text.strip()):
        return None
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        obj = None
    if not isinstance(obj, dict):
        raise HTTPFault(422, "facts 须为 JSON 对象，如 '{\"flags\": [\"public_interest\"]}' / facts must be a JSON object",
                        "facts")
    return obj


# ====================================================================== the HTTP application

def _openapi_components(rb) -> dict:
    """The request and answer schemas, from the pydantic models of ``_models`` with the codes' enums filled in
    from the rules (as ``zwgk schema`` does), as OpenAPI components."""
    from . import _models as m
    from ._contract_schema import _fill_codes, vocabularies
    vocab = vocabularies(rb)
    comps: dict = {}
    for model, mode in ((m.DisclosureRequest, "validation"), (m.Document, "validation"), (m.Message, "validation"),
                        (m.Decision, "serialization"), (m.Classification, "serialization"),
                        (m.MessageRouting, "serialization"), (m.CaseState, "serialization"),
                        (m.Notice, "serialization"), (m.Docket, "serialization"), (m.ErrorLine, "serialization")):
        s = model.model_json_schema(mode=mode, ref_template="#/components/schemas/{model}")
        _fill_codes(s, vocab)
        for name, d in s.pop("$defs", {}).items():
            comps.setdefault(name, d)
        comps[model.__name__] = s
    comps["Case"] = {"type": "object", "title": "Case",
                     "description": "一件申请的事件记录（见 CONTRACT.md 的 case 输入）/ one application's event log "
                                    "(the `case` input of CONTRACT.md): a request's fields plus `events` and `as_of`"}
    return comps


_SINGLE = {"decide": ("DisclosureRequest", "Decision", "依申请公开申请 → 处理决定 / a request → its decision"),
           "classify": ("Document", "Classification", "公文 → 公开属性 / a document → its disclosure attribute"),
           "case": ("Case", "CaseState", "事件记录 → 案件当日的情况 / an event log → the case as it stands"),
           "notice": ("Case", "Notice", "案件 → 文书 / a case → its notice"),
           "interact": ("Message", "MessageRouting", "政民互动留言 → 办理科室与期限 / a message → its routing")}


def create_app(service: Service):
    """The FastAPI application over ``service``."""
    from fastapi import FastAPI, Query, Request
    from fastapi.openapi.utils import get_openapi
    from fastapi.responses import FileResponse, Response, StreamingResponse
    from fastapi.concurrency import run_in_threadpool

    from ._version import __version__

    app = FastAPI(title="zwgk-rules", version=__version__, docs_url="/docs", redoc_url=None,
                  description="政府信息公开规则引擎的 HTTP 接口（docs/server.md）/ the OGI rules engine over HTTP. "
                              "Every answer is the command line's JSON (CONTRACT.md).")
    app.state.service = service
    JSON = "application/json"

    def fault(exc: HTTPFault) -> Response:
        headers = {"Retry-After": "1"} if exc.status == 503 else None
        return Response(error_body(exc.message, exc.field), status_code=exc.status, media_type=JSON, headers=headers)

    @app.exception_handler(HTTPFault)
    async def _on_fault(request, exc):
        return fault(exc)

    @app.exception_handler(ZwgkError)
    async def _on_zwgk(request, exc):
        return Response(error_body(exc.message, exc.field), status_code=422, media_type=JSON)

    @app.exception_handler(404)
    @app.exception_handler(405)
    async def _on_http(request, exc):
        msg = {404: "没有这个地址 / not found", 405: "不支持该方法 / method not allowed"}.get(
            exc.status_code, str(exc.detail))
        return Response(error_body(msg), status_code=exc.status_code, media_type=JSON)

    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(RequestValidationError)
    async def _on_validation(request, exc):
        err = exc.errors()[0] if exc.errors() else {}
        loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path")]
        field = ".".join(loc) or None
        return Response(error_body(f"{field or '请求'}: {err.get('msg', '无效 / invalid')}", field), status_code=422,
                        media_type=JSON)

    @app.exception_handler(Exception)
    async def _on_error(request, exc):
        import logging
        logging.getLogger("zwgk.serve").exception("fault answering %s", request.url.path)
        return Response(error_body(f"服务器内部错误 / internal error: {type(exc).__name__}"), status_code=500,
                        media_type=JSON)

    def answer(status_and_bytes) -> Response:
        status, data = status_and_bytes
        return Response(data, status_code=status, media_type=JSON)

    def body_of(model: str, many: bool = False, extra: dict | None = None) -> dict:
        ref = {"$ref": f"#/components/schemas/{model}"}
        content = {JSON: {"schema": {"type": "array", "items": ref, "maxItems": 100000} if many else ref}}
        if many:
            content["application/x-ndjson"] = {"schema": {"type": "string", "description": "JSONL: 每行一个输入 / "
                                                                                          "one input per line"}}
        if extra:
            content.update(extra)
        return {"requestBody": {"required": True, "content": content}}

    def responses(model: str, many: bool = False) -> dict:
        ok = {"$ref": f"#/components/schemas/{model}"}
        err = {"$ref": "#/components/schemas/ErrorLine"}
        r = {"200": {"description": "答复 / the answer",
                     "content": {JSON: {"schema": {"type": "array", "items": {"anyOf": [ok, err]}} if many else ok}}},
             "413": {"description": "请求体过大 / body over the limit", "content": {JSON: {"schema": err}}},
             "422": {"description": "无法处理的输入 / an input that cannot be handled",
                     "content": {JSON: {"schema": err}}},
             "503": {"description": "并发已满，稍后再试 / too many requests at once", "content": {JSON: {"schema": err}}}}
        if many:
            r["200"]["content"]["application/x-ndjson"] = {"schema": {"type": "string"}}
        return r

    async def run(fn, body: bytes, *args, **kw):
        if len(body) <= INLINE_BYTES:
            return fn(*args, **kw)
        return await run_in_threadpool(fn, *args, **kw)

    def make_single(command: str):
        inp, out, summary = _SINGLE[command]

        async def endpoint(request: Request, jurisdiction: str | None = Query(None, max_length=64),
                           explain: bool = Query(False)):
            body = await request.body()
            return answer(await run(service.single, body, command, body, explain=explain and command == "decide",
                                    jurisdiction=jurisdiction, endpoint=request.url.path))
        endpoint.__name__ = f"post_{command}"
        app.post(f"/v1/{command}", summary=summary, response_class=Response, openapi_extra={
            **body_of(inp), "responses": responses(out)})(endpoint)

    def make_batch(command: str):
        inp, out, summary = _SINGLE[command]

        async def endpoint(request: Request, jurisdiction: str | None = Query(None, max_length=64),
                           explain: bool = Query(False), format: str = Query("jsonl", pattern="^(jsonl|csv|xlsx|table)$"),
                           input_format: str | None = Query(None, pattern="^(jsonl|json|csv|xlsx)$")):
            body = await request.body()
            media = _media(request.headers.get("content-type"))
            explain = explain and command == "decide"
            in_fmt = input_format or ("json" if media == JSON else "csv" if media in CSV_TYPES
                                      else "xlsx" if media == XLSX_TYPE else "jsonl")
            if in_fmt in ("csv", "xlsx") or format != "jsonl":
                data = await run_in_threadpool(service.batch_rendered, command, body,
                                               "jsonl" if in_fmt == "json" else in_fmt, format,
                                               explain=explain, jurisdiction=jurisdiction)
                mt = {"xlsx": XLSX_TYPE, "csv": "text/csv; charset=utf-8", "table": "text/plain; charset=utf-8",
                      "jsonl": "application/x-ndjson"}[format]
                return Response(data, media_type=mt, headers=_attachment(command, format))
            if in_fmt == "json":
                return Response(await run_in_threadpool(service.batch_array, command, body, explain=explain,
                                                        jurisdiction=jurisdiction, endpoint=request.url.path),
                                media_type=JSON)
            if jurisdiction is not None:
                service.decider(command, explain, jurisdiction)     # an unknown pack: 422 before streaming
            return StreamingResponse(service.batch_lines(command, body, explain=explain, jurisdiction=jurisdiction,
                                                         endpoint=request.url.path),
                                     media_type="application/x-ndjson")
        endpoint.__name__ = f"post_batch_{command}"
        app.post(f"/v1/batch/{command}", summary=f"批处理 / batch: {summary}", response_class=Response,
                 openapi_extra={**body_of(inp, many=True, extra={"text/csv": {"schema": {"type": "string"}}}
                                          if command in ("decide", "classify", "interact") else None),
                                "responses": responses(out, many=True)})(endpoint)

    for command in LINE_COMMANDS:
        make_single(command)
        make_batch(command)

    err_ref = {"$ref": "#/components/schemas/ErrorLine"}
    documents_doc = {
        "requestBody": {"required": True, "content": {
            "multipart/form-data": {"schema": {"type": "object", "required": ["files"], "properties": {
                "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                          "description": "公文文件（.docx .pdf .ofd .txt），可多个 / document files, several allowed"},
                "facts": {"type": "string", "description": "补充的事实（JSON 对象，同 --facts）/ facts to supply, "
                                                           "a JSON object as --facts"}}}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        "responses": {
            "200": {"description": "每个文件一个答复（同 zwgk classify FILE）/ one answer per file", "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}}}},
            "413": {"description": "请求体过大或文件过多 / body over the limit or too many files",
                    "content": {JSON: {"schema": err_ref}}},
            "422": {"description": "无法处理的请求 / a request that cannot be handled",
                    "content": {JSON: {"schema": err_ref}}},
            "503": {"description": "并发已满，稍后再试 / too many requests at once", "content": {JSON: {"schema": err_ref}}}}}

    @app.post("/v1/classify/documents", response_class=Response, openapi_extra=documents_doc,
              summary="公文文件（.docx .pdf .ofd .txt）→ 公开属性与标注检查（同 zwgk classify FILE …）/ document files → "
                      "their attributes and mark checks")
    async def post_documents(request: Request, format: str = Query("jsonl", pattern="^(jsonl|csv|xlsx|table)$"),
                             jurisdiction: str | None = Query(None, max_length=64),
                             filename: str | None = Query(None, max_length=1024),
                             facts: str | None = Query(None, max_length=65536)):
        """``multipart/form-data``: one or more ``files`` fields (the file name from each part) and an optional
        ``facts`` field; or one file as the raw body with ``?filename=NAME.docx``. One answer per file, in the order
        sent, as ``zwgk classify FILE`` answers it; ``source`` is the file's name (never a path)."""
        body = await request.body()
        ctype = request.headers.get("content-type") or ""
        files: list[tuple[str, bytes]] = []
        if _media(ctype) == "multipart/form-data":
            for field, name, data in multipart(body, ctype):
                if field in ("files", "file") and name is not None:
                    files.append((name, data))
                    if len(files) > service.max_files:
                        raise HTTPFault(413, f"一次至多上传 {service.max_files} 个文件，请分批上传 / at most "
                                             f"{service.max_files} files per request: send them in batches", "files")
                elif field == "facts":
                    facts = data.decode("utf-8", "replace")
            if not files:
                raise HTTPFault(422, "没有上传文件：请在 files 字段中附上公文文件 / no files: attach the documents as "
                                     "files fields", "files")
        else:
            if filename is None:
                raise HTTPFault(422, "请用 multipart/form-data 上传，或在 ?filename= 中给出文件名（如 通知.docx）/ send "
                                     "multipart/form-data, or the file as the body with ?filename=NAME.docx", "filename")
            files.append((filename, body))
        files = [(safe_filename(name, n), data) for n, (name, data) in enumerate(files, 1)]
        fobj = _facts_object(facts)
        if jurisdiction is not None:
            service.rb.pack(jurisdiction)               # an unknown pack: 422 naming it
        data = await run_in_threadpool(service.documents, files, format, jurisdiction=jurisdiction, facts=fobj,
                                       endpoint=request.url.path)
        mt = {"xlsx": XLSX_TYPE, "csv": "text/csv; charset=utf-8", "table": "text/plain; charset=utf-8",
              "jsonl": "application/x-ndjson"}[format]
        return Response(data, media_type=mt, headers=_attachment("classify-documents", format))

    cases_body = {"requestBody": {"required": True, "content": {
        JSON: {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}, "maxItems": 100000}},
        "application/x-ndjson": {"schema": {"type": "string", "description": "JSONL: 每行一件案件 / one case a line"}}}}}

    @app.post("/v1/report", summary="一年的案件 → 年度报告表三、表四 / a year's cases → the annual report's tables",
              response_class=Response, openapi_extra={**cases_body, "responses": {
                  "200": {"description": "年度报告 / the report", "content": {JSON: {"schema": {"type": "object"}}}},
                  "422": {"description": "无效的案件 / an invalid case",
                          "content": {JSON: {"schema": {"$ref": "#/components/schemas/ErrorLine"}}}}}})
    async def post_report(request: Request, year: int = Query(..., ge=1, le=9999),
                          format: str = Query("json", pattern="^(json|md|xlsx|docx|svg)$")):
        body = await request.body()
        status, data, mt = await run_in_threadpool(service.report, body, _media(request.headers.get("content-type")),
                                                   year, format)
        return Response(data, status_code=status, media_type=mt,
                        headers=_attachment(f"report-{year}", format) if status == 200 else None)

    @app.post("/v1/docket", summary="案件清单 / the clerk's list of cases on a day", response_class=Response,
              openapi_extra={**cases_body, "responses": {
                  "200": {"description": "清单 / the docket",
                          "content": {JSON: {"schema": {"$ref": "#/components/schemas/Docket"}}}},
                  "422": {"description": "参数无效 / invalid parameters",
                          "content": {JSON: {"schema": {"$ref": "#/components/schemas/ErrorLine"}}}}}})
    async def post_docket(request: Request, as_of: str = Query(..., max_length=10),
                          within: int | None = Query(None, ge=0, le=366),
                          format: str = Query("json", pattern="^(json|xlsx|table)$")):
        body = await request.body()
        status, data, mt = await run_in_threadpool(service.docket, body, _media(request.headers.get("content-type")),
                                                   as_of, within, format)
        return Response(data, status_code=status, media_type=mt,
                        headers=_attachment(f"docket-{as_of}", format) if format != "json" else None)

    @app.api_route("/v1/check", methods=["GET", "POST"], response_class=Response,
                   summary="规则一致性检查（zwgk check --json）/ the rules' consistency check",
                   openapi_extra={"responses": {"200": {"description": "发现 / findings", "content": {
                       JSON: {"schema": {"type": "array", "items": {"type": "object"}}}}}}})
    async def check(request: Request, all: bool = Query(False)):
        body = await request.body() if request.method == "POST" else b""
        folder = None
        if body.strip():
            if not service.allow_pack_upload:
                raise HTTPFault(403, "未启用规则包上传（zwgk serve --allow-pack-upload）/ pack upload is not enabled",
                                "body")
            folder = await run_in_threadpool(service.unpack, body)
        return Response(await run_in_threadpool(service.check, all, folder), media_type=JSON)

    @app.get("/v1/packs", summary="载入的规则包 / the packs loaded", response_class=Response)
    async def get_packs():
        return Response(service.packs_info(), media_type=JSON)

    @app.post("/v1/packs", summary="上传规则包（须以 --allow-pack-upload 启动）/ upload a pack (zip of its folder)",
              response_class=Response, openapi_extra={"requestBody": {"required": True, "content": {
                  "application/zip": {"schema": {"type": "string", "format": "binary"}}}}})
    async def post_packs(request: Request):
        if not service.allow_pack_upload:
            raise HTTPFault(403, "未启用规则包上传（zwgk serve --allow-pack-upload）/ pack upload is not enabled")
        body = await request.body()
        return Response(await run_in_threadpool(service.add_pack, body), media_type=JSON)

    @app.get("/v1/version", summary="版本与规则的哈希 / the version and the rules' hash", response_class=Response)
    async def get_version():
        return Response(service.version(), media_type=JSON)

    @app.get("/v1/calendar", summary="日历中每一天的情况 / each day of a calendar and why", response_class=Response)
    async def get_calendar(calendar: str = Query("cn", max_length=64), start: str = Query(..., alias="from",
                                                                                          max_length=10),
                           end: str = Query(..., alias="to", max_length=10)):
        return Response(service.calendar(calendar, start, end), media_type=JSON)

    @app.get("/v1/citations", summary="条文编号的名称与原文 / the names and texts of citation keys",
             response_class=Response)
    async def get_citations(keys: str = Query(..., max_length=2048)):
        return Response(service.citations(keys), media_type=JSON)

    @app.get("/v1/labels", summary="代码的中文名称 / the words for the codes", response_class=Response)
    async def get_labels():
        return Response(service.labels(), media_type=JSON)

    @app.get("/v1/schema/{command}/{part}", summary="JSON Schema（zwgk schema）", response_class=Response)
    async def get_schema(command: str, part: str):
        from ._contract_schema import COMMANDS, PARTS, json_schema
        if command not in COMMANDS or part not in PARTS:
            raise HTTPFault(404, f"没有 {command[:20]} {part[:20]} 的 Schema / no such schema", "command")
        return Response(json.dumps(json_schema(command, part, rulebook=service.rb), ensure_ascii=False),
                        media_type=JSON)

    @app.get("/healthz", summary="存活检查 / liveness", response_class=Response)
    async def healthz():
        return Response(b'{"status": "ok"}\n', media_type=JSON)

    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(WEB / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str):
        kinds = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
        path = WEB / name
        if "/" in name or name.startswith(".") or path.suffix not in kinds or not path.is_file():
            raise HTTPFault(404, "没有这个文件 / not found")
        return FileResponse(path, media_type=kinds[path.suffix])

    def openapi():
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {}).update(_openapi_components(service.rb))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
    return Limits(app, service)


def _attachment(stem: str, fmt: str) -> dict | None:
    ext = {"xlsx": "xlsx", "csv": "csv", "docx": "docx", "md": "md", "svg": "svg"}.get(fmt)
    if ext is None:
        return None
    return {"Content-Disposition": f'attachment; filename="{_cli._safe_stem(stem)}.{ext}"'}


class Limits:
    """ASGI middleware: at most ``max_concurrency`` requests at once (503 with a JSON error beyond), and a
    request body of at most ``max_body`` bytes (413, from ``Content-Length`` before anything is read, or as
    soon as a streamed body passes the limit). The body is read here, so the app never sees more."""

    def __init__(self, app, service: Service) -> None:
        self.app = app
        self.service = service
        self.active = 0

    def __getattr__(self, name):            # app.openapi(), app.state … for tests and tools
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"] == "/healthz":
            return await self.app(scope, receive, send)
        if self.active >= self.service.max_concurrency:
            return await _send_error(send, 503, "服务器繁忙（并发请求已达上限），请稍后再试 / too many requests at "
                                                "once: try again shortly", retry=True)
        self.active += 1
        try:
            limit = self.service.max_body
            for k, v in scope.get("headers", ()):
                if k == b"content-length":
                    try:
                        n = int(v)
                    except ValueError:
                        return await _send_error(send, 400, "Content-Length 无效 / invalid Content-Length")
                    if n > limit:
                        return await _send_error(send, 413, f"请求体超过 {limit:,} 字节的上限 / the body is over the "
                                                            f"limit of {limit:,} bytes", field="body")
            chunks, size, more = [], 0, True
            while more:
                msg = await receive()
                if msg["type"] == "http.disconnect":
                    return
                data = msg.get("body", b"")
                size += len(data)
                if size > limit:
                    return await _send_error(send, 413, f"请求体超过 {limit:,} 字节的上限 / the body is over the "
                                                        f"limit of {limit:,} bytes", field="body")
                chunks.append(data)
                more = msg.get("more_body", False)
            body = b"".join(chunks)
            sent = False

            async def replay():
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()
            await self.app(scope, replay, send)
        finally:
            self.active -= 1


async def _send_error(send, status: int, message: str, field: str | None = None, retry: bool = False) -> None:
    body = error_body(message, field)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if retry:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# ====================================================================== zwgk serve

def run_serve(args) -> int:
    """``zwgk serve``: load the rules, bind, print the address on stderr, serve until SIGINT/SIGTERM."""
    import importlib.util
    import socket
    import sys
    missing = [m for m in ("fastapi", "uvicorn") if importlib.util.find_spec(m) is None]
    if missing:
        raise _cli._CannotRun(f"zwgk serve 需要 {', '.join(missing)}：pip install 'zwgk-rules[server]' / zwgk serve needs "
                              f"the server extra: pip install 'zwgk-rules[server]'")
    import uvicorn
    max_body = DEFAULT_MAX_BODY if args.max_body is None else args.max_body
    max_concurrency = DEFAULT_MAX_CONCURRENCY if args.max_concurrency is None else args.max_concurrency
    if max_body < 1 or max_concurrency < 1 or (args.max_files is not None and args.max_files < 1):
        raise _cli._CannotRun("--max-body、--max-concurrency 与 --max-files 须为正数 / must be positive")
    try:
        service = Service(args.pack, decision_log=args.decision_log, allow_pack_upload=args.allow_pack_upload,
                          max_body=max_body, max_concurrency=max_concurrency,
                          max_files=DEFAULT_MAX_FILES if args.max_files is None else args.max_files)
    except RuleFileError as exc:
        raise _cli._CannotRun(exc.message) from None
    app = create_app(service)
    try:
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on sockets that say so (else each answer waits 40 ms
        # for a delayed ACK)
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
        sock.listen(512)
    except OSError as exc:
        raise _cli._CannotRun(f"无法监听 / cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(f"zwgk serve: http://{shown}:{port}/ (规则 / rules {service.hash[:19]}…; Ctrl-C 停止 / to stop)\n")
    sys.stderr.flush()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False,
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        service.close()
        sock.close()
    return 0
