"""Documents as files: ``zwgk classify`` on .docx, .pdf, .ofd and .txt (docs/documents.md).

Read top to bottom:

1. **Reading** a file into lines (``read_lines``): .docx through python-docx (extra ``docx``), .pdf through pypdf
   (extra ``pdf``; a PDF without a text layer is an error, never guessed), .ofd (GB/T 33190-2016: a zip of XML) and
   .txt (UTF-8 or GB18030) with the standard library. Files are untrusted: sizes, zip members, XML size and pages are
   bounded (``_limits``), XML with a DTD is refused, and a folder is walked without leaving it.
2. **Elements** of GB/T 9704-2012 (``extract``), each with the line it was read on. The words that mark them are
   those of ``rules/national/documents/gbt9704.yaml``.
3. **Facts** for ``classify`` (``facts_of``): 密级 → the flag ``marks.yaml`` names; a 文种 that goes to a superior by
   its nature → ``addressed_to_superior``; a forwarding title → ``forwards``; the 成文日期 → ``formed_on``. A sidecar
   ``NAME.json`` (or ``.yaml``) beside the file and ``--facts`` supply what a file cannot tell; what stays unknown is
   listed in ``missing_facts``.
4. **Checks** of the attribute the document carries (``marks.yaml`` ``checks`` and the pack's ``document_checks``)
   and hints of personal data in the text.

No legal content here: every word of the law and of the layout standard is read from the rule files.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import zipfile
from pathlib import Path

from . import _facts
from ._errors import InputError, RuleFileError, ZwgkError
from ._limits import (MAX_DOCUMENT_BYTES, MAX_DOCUMENT_LINES, MAX_DOCUMENT_PAGES, MAX_SIDECAR_BYTES, MAX_XML_BYTES,
                      MAX_ZIP_MEMBERS, MAX_ZIP_TOTAL_BYTES)

#: the file kinds read as documents (a folder: these, in sorted path order)
EXTENSIONS = (".docx", ".pdf", ".ofd", ".txt")
#: sidecar files beside ``NAME.docx``: the first found is read
SIDECARS = (".json", ".yaml", ".yml")


class DocumentError(ZwgkError):
    """A file that cannot be read as a document: corrupt, encrypted, a scan without text, beyond a limit, or a
    reader that is not installed. Its message names the cause in Chinese and English."""


# ---------------------------------------------------------------- 1. reading

def _missing_extra(extra: str, what: str) -> DocumentError:
    return DocumentError(f"读取 {what} 需要附加项 {extra}：pip install 'zwgk-rules[{extra}]' / reading {what} files needs "
                         f"the {extra} extra: pip install 'zwgk-rules[{extra}]'")


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_DOCUMENT_BYTES + 1)
    except FileNotFoundError:
        raise DocumentError("找不到文件 / file not found") from None
    except IsADirectoryError:
        raise DocumentError("是目录，不是文件 / a folder, not a file") from None
    except OSError as exc:
        raise DocumentError(f"无法读取 / cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(f"文件超过 {MAX_DOCUMENT_BYTES:,} 字节的上限，未读取 / larger than the limit of "
                            f"{MAX_DOCUMENT_BYTES:,} bytes: not read")
    return data


def _zip(data: bytes, what: str) -> zipfile.ZipFile:
    """A zip archive within the limits (members, total size), or DocumentError."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise DocumentError(f"不是有效的 {what} 文件（已损坏，或已加密）/ not a valid {what} file (corrupt or "
                            "encrypted)") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise DocumentError(f"{what} 文件中的部件超过 {MAX_ZIP_MEMBERS:,} 个的上限 / more than {MAX_ZIP_MEMBERS:,} parts")
    if sum(i.file_size for i in infos) > MAX_ZIP_TOTAL_BYTES:
        raise DocumentError(f"{what} 文件解压后超过 {MAX_ZIP_TOTAL_BYTES:,} 字节的上限 / larger than "
                            f"{MAX_ZIP_TOTAL_BYTES:,} bytes unpacked")
    return z


def _zip_part(z: zipfile.ZipFile, name: str, what: str) -> bytes:
    """One XML part of a zip, bounded, without a DTD (no entities of any kind are read)."""
    try:
        info = z.getinfo(name)
    except KeyError:
        raise DocumentError(f"{what} 文件缺少部件 {name} / the part {name} is missing") from None
    if info.file_size > MAX_XML_BYTES:
        raise DocumentError(f"{what} 的部件 {name} 超过 {MAX_XML_BYTES:,} 字节的上限 / part larger than the limit")
    try:
        with z.open(info) as fh:
            data = fh.read(MAX_XML_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        raise DocumentError(f"{what} 文件已损坏或已加密 / corrupt or encrypted") from None
    if len(data) > MAX_XML_BYTES:
        raise DocumentError(f"{what} 的部件 {name} 超过 {MAX_XML_BYTES:,} 字节的上限 / part larger than the limit")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DocumentError(f"{what} 的部件 {name} 含有 DTD 或实体声明，不予读取 / the part declares a DTD or entities: "
                            "not read")
    return data


def _docx_lines(data: bytes) -> list[str]:
    try:
        from docx.oxml import parse_xml
        from docx.oxml.ns import qn
    except ImportError:
        raise _missing_extra("docx", ".docx") from None
    z = _zip(data, ".docx")
    # only the main part is read (bounded, without a DTD), by python-docx's own parser (entities not resolved): the
    # text is all there; styles, numbering and the rest of the package are not needed to read it
    xml = _zip_part(z, "word/document.xml", ".docx")
    try:
        root = parse_xml(xml)
    except Exception:  # noqa: BLE001 - lxml raises several kinds on a broken part
        raise DocumentError("不是有效的 .docx 文件（已损坏，或不是 Word 文档）/ not a valid .docx file") from None
    body = root.find(qn("w:body"))
    if body is None:
        raise DocumentError("不是有效的 .docx 文件（没有正文）/ not a valid .docx file (no body)")
    p_tag, t_tag, tab, br = qn("w:p"), qn("w:t"), qn("w:tab"), qn("w:br")
    lines: list[str] = []

    def para(p) -> str:
        out = []
        for node in p.iter(t_tag, tab, br):
            if node.tag == t_tag:
                out.append(node.text or "")
            else:
                out.append(" ")
        return "".join(out)

    for child in body.iterchildren():
        if child.tag == p_tag:
            lines.append(para(child))
        else:                                   # a table (版记 is often one): its paragraphs in order
            for p in child.iter(p_tag):
                lines.append(para(p))
        if len(lines) > MAX_DOCUMENT_LINES:
            raise DocumentError(f"段落超过 {MAX_DOCUMENT_LINES:,} 个的上限 / more than {MAX_DOCUMENT_LINES:,} paragraphs")
    return lines


def _pdf_lines(data: bytes) -> list[str]:
    try:
        import logging

        import pypdf
    except ImportError:
        raise _missing_extra("pdf", ".pdf") from None
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001
                ok = 0
            if not ok:
                raise DocumentError("PDF 已加密，不能读取 / the PDF is encrypted")
        n = len(reader.pages)
        if n > MAX_DOCUMENT_PAGES:
            raise DocumentError(f"PDF 超过 {MAX_DOCUMENT_PAGES:,} 页的上限 / more than {MAX_DOCUMENT_PAGES:,} pages")
        lines: list[str] = []
        for page in reader.pages:
            lines.extend((page.extract_text() or "").splitlines())
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        raise DocumentError(f"不是有效的 PDF 文件（已损坏）/ not a valid PDF file ({type(exc).__name__})") from None
    if not any(s.strip() for s in lines):
        raise DocumentError("PDF 没有文字层（可能是扫描件），不能读取，请先做文字识别（OCR）/ no text layer (a scan?): "
                            "run OCR first")
    return lines


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(data: bytes, what: str):
    import xml.etree.ElementTree as ET
    try:
        return ET.fromstring(data)
    except ET.ParseError:
        raise DocumentError(f"{what} 中的 XML 无效 / invalid XML in the {what} file") from None


def _ofd_join(base: str, ref: str) -> str:
    """A path inside the OFD package, relative to the folder ``base`` (or absolute from its root); never outside."""
    import posixpath
    ref = ref.strip().replace("\\", "/")
    path = posixpath.normpath(ref.lstrip("/") if ref.startswith("/") else posixpath.join(base, ref))
    if path.startswith("../") or path == "..":
        raise DocumentError(f".ofd 文件中的路径指向包外 / a path leads outside the package: {ref}")
    return path


def _ofd_lines(data: bytes) -> list[str]:
    """The text of an OFD (GB/T 33190-2016): OFD.xml → DocBody/DocRoot → Document.xml → Pages → each page's
    Content.xml; TextObjects on the same baseline make a line, lines top to bottom, pages in order."""
    import posixpath
    z = _zip(data, ".ofd")
    root = _xml(_zip_part(z, "OFD.xml", ".ofd"), ".ofd")
    doc_root = next((e.text for e in root.iter() if _local(e.tag) == "DocRoot" and e.text), None)
    if doc_root is None:
        raise DocumentError(".ofd 文件没有 DocRoot / no DocRoot in OFD.xml")
    doc_path = _ofd_join("", doc_root)
    doc = _xml(_zip_part(z, doc_path, ".ofd"), ".ofd")
    base = posixpath.dirname(doc_path)
    pages = [e.get("BaseLoc") for e in doc.iter() if _local(e.tag) == "Page" and e.get("BaseLoc")]
    if len(pages) > MAX_DOCUMENT_PAGES:
        raise DocumentError(f".ofd 超过 {MAX_DOCUMENT_PAGES:,} 页的上限 / more than {MAX_DOCUMENT_PAGES:,} pages")
    # template pages (a 公文's red head is often drawn on one): their text belongs to the pages that use them
    templates = {e.get("ID"): e.get("BaseLoc") for e in doc.iter()
                 if _local(e.tag) == "TemplatePage" and e.get("ID") and e.get("BaseLoc")}
    lines: list[str] = []
    for loc in pages:
        page = _xml(_zip_part(z, _ofd_join(base, loc), ".ofd"), ".ofd")
        layers = [page]
        for t in page.iter():
            if _local(t.tag) == "Template" and templates.get(t.get("TemplateID")):
                layers.append(_xml(_zip_part(z, _ofd_join(base, templates[t.get("TemplateID")]), ".ofd"), ".ofd"))
        pieces = []
        for obj in (o for layer in layers for o in layer.iter()):
            if _local(obj.tag) != "TextObject":
                continue
            try:
                bx, by = (float(v) for v in (obj.get("Boundary") or "0 0").split()[:2])
            except ValueError:
                bx = by = 0.0
            for code in obj:
                if _local(code.tag) != "TextCode" or not code.text:
                    continue
                try:
                    x, y = bx + float(code.get("X") or 0), by + float(code.get("Y") or 0)
                except ValueError:
                    x, y = bx, by
                pieces.append((y, x, code.text))
        pieces.sort()
        row: list = []
        for y, x, text in pieces:
            if row and abs(y - row[0][0]) > 1.5:       # a new baseline (millimetres)
                lines.append("".join(t for _, _, t in sorted(row, key=lambda r: r[1])))
                row = []
            row.append((y, x, text))
        if row:
            lines.append("".join(t for _, _, t in sorted(row, key=lambda r: r[1])))
        if len(lines) > MAX_DOCUMENT_LINES:
            raise DocumentError(f"行数超过 {MAX_DOCUMENT_LINES:,} 的上限 / more than {MAX_DOCUMENT_LINES:,} lines")
    if not any(s.strip() for s in lines):
        raise DocumentError(".ofd 没有文字（可能是扫描件）/ no text in the .ofd (a scan?)")
    return lines


def _txt_lines(data: bytes) -> list[str]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        lines = text.splitlines()
        if len(lines) > MAX_DOCUMENT_LINES:
            raise DocumentError(f"行数超过 {MAX_DOCUMENT_LINES:,} 的上限 / more than {MAX_DOCUMENT_LINES:,} lines")
        return lines
    raise DocumentError("文本既不是 UTF-8 也不是 GB18030 编码 / the text is neither UTF-8 nor GB18030")


_READERS = {".docx": _docx_lines, ".pdf": _pdf_lines, ".ofd": _ofd_lines, ".txt": _txt_lines}


def read_lines(path: str) -> list[str]:
    """The lines (paragraphs of a .docx, text lines of a .pdf/.ofd/.txt) of a document file, or DocumentError."""
    _reader_for(path)
    return read_data(path, _read_bytes(path))


def _reader_for(name: str):
    reader = _READERS.get(os.path.splitext(name)[1].lower())
    if reader is None:
        raise DocumentError(f"不是可读取的公文文件（{'、'.join(EXTENSIONS)}）/ not a document file")
    return reader


def read_data(name: str, data: bytes) -> list[str]:
    """The lines of a document given as bytes (an upload to ``zwgk serve``), read by the kind its ``name``'s
    extension says, within the same limits as a file; or DocumentError."""
    reader = _reader_for(name)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(f"文件超过 {MAX_DOCUMENT_BYTES:,} 字节的上限，未读取 / larger than the limit of "
                            f"{MAX_DOCUMENT_BYTES:,} bytes: not read")
    return reader(data)


# ---------------------------------------------------------------- the rules of documents

_WIDE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDE[0x3000] = 0x20


def _norm(s: str) -> str:
    """Full-width letters, digits and signs as half-width (one character for one: positions are kept)."""
    return s.translate(_WIDE)


_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}


def _cn_number(s: str) -> int | None:
    """A number written in Arabic digits, or in Chinese (二〇二六 digit by digit; 十二, 二十三, 三十一)."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        head, _, tail = s.partition("十")
        tens = _CN_DIGITS.get(head, None) if head else 1
        ones = _CN_DIGITS.get(tail, None) if tail else 0
        return None if tens is None or ones is None else tens * 10 + ones
    n = 0
    for ch in s:
        if ch not in _CN_DIGITS:
            return None
        n = n * 10 + _CN_DIGITS[ch]
    return n


class DocumentRules:
    """``rules/national/documents/``: the layout words (gbt9704.yaml) and the marks, facts and checks (marks.yaml),
    validated, every citation resolved, every code checked against the rules it names."""

    def __init__(self, rb) -> None:
        from ._resources import relative, rules_root
        from ._rulebook import _validate
        from ._schema_ondemand import LayoutFile, MarksFile
        folder = rules_root() / "national" / "documents"
        lf, mf = folder / "gbt9704.yaml", folder / "marks.yaml"
        self.layout = _validate(LayoutFile, lf)
        self.spec = spec = _validate(MarksFile, mf)
        rel = relative(mf)
        attrs = set(rb.attribute_values)
        for attr in spec.marks.phrases:
            if attr not in attrs:
                raise RuleFileError(f"marks.phrases: {attr!r} 不是公开属性 / not an attribute", file=rel,
                                    field="marks.phrases")
        if spec.facts.secrecy.flag not in _facts.DOC_FLAGS:
            raise RuleFileError(f"facts.secrecy.flag: {spec.facts.secrecy.flag!r} 不是 flags 的代码", file=rel,
                                field="facts.secrecy.flag")
        for t in spec.facts.to_superior.doc_types:
            if t not in rb.classify.doc_types:
                raise RuleFileError(f"facts.to_superior.doc_types: {t!r} 不是文种 / not a 文种", file=rel,
                                    field="facts.to_superior.doc_types")
        #: the citations of the facts read from elements (``facts_from`` in the answer)
        self.fact_basis = {name: tuple(rb.statutes.resolve(b, file=rel, rule_id=name, field=f"facts.{name}.basis")
                                       for b in fact.basis)
                           for name, fact in (("secrecy", spec.facts.secrecy), ("to_superior", spec.facts.to_superior))}
        #: code -> [(from day, citations)], latest first
        self.check_basis: dict[str, list] = {}
        for code, chk in spec.checks.items():
            if chk.forces_attribute is not None and chk.forces_attribute not in attrs:
                raise RuleFileError(f"checks.{code}.forces_attribute 不是公开属性", file=rel,
                                    field=f"checks.{code}.forces_attribute")
            self.check_basis[code] = sorted(
                ((day, tuple(rb.statutes.resolve(b, file=rel, rule_id=code, field=f"checks.{code}.basis") for b in refs))
                 for day, refs in chk.basis.items()), key=lambda x: x[0], reverse=True)
        self.labels = {code: chk.label for code, chk in spec.checks.items()}
        self.labels["forwards.attribute"] = spec.facts.forwards.missing_label
        for pk in rb.packs.values():
            for dc in getattr(pk.spec, "document_checks", ()) if pk.spec is not None else ():
                self.labels[dc.code] = dc.label
        self.keys = tuple(e.key for e in self.layout.elements)
        self.doc_types = tuple(sorted(rb.classify.doc_types, key=len, reverse=True))
        self._compile()

    def _compile(self) -> None:
        w = self.layout.words
        esc = re.escape
        y, m, d = (esc(u) for u in w.date_units)
        cn = "〇○零OＯ一二三四五六七八九"
        num = f"(?:\\d{{1,2}}|[十{cn[5:]}]{{1,3}})"
        self.date_re = f"(\\d{{4}}|[{cn}]{{4}}){y}({num}){m}({num}){d}"
        self.date_only = re.compile(f"^{self.date_re}$")
        self.date_end = re.compile(f"^(.{{0,40}}?){self.date_re}$")
        self.printed = re.compile(f"^(.*?){self.date_re}{esc(w.printed_suffix)}$")
        opens = "".join(esc(b[0]) for b in w.doc_number_brackets)
        closes = "".join(esc(b[1]) for b in w.doc_number_brackets)
        self.canon = w.doc_number_brackets[0]
        self.doc_number = re.compile(f"([^\\s{opens}{closes}:]{{1,30}}?)[{opens}](\\d{{4}})[{closes}]第?0*(\\d{{1,6}})"
                                     f"{esc(w.doc_number_suffix)}")
        levels = "|".join(esc(s) for s in w.secrecy_levels)
        seps = "".join(esc(s) for s in w.secrecy_separator)
        self.secrecy = re.compile(f"^({levels})(?:[{seps}*](\\S{{0,12}}))?$")
        self.secrecy_seps = re.compile(f"\\s*[{seps}]\\s*")
        self.urgency = set(w.urgency_levels)
        self.signer = re.compile(f"{esc(w.signer_label)}\\s*:\\s*(.*)$")
        self.attach = re.compile(f"^{esc(w.attachment_label)}\\s*\\d*\\s*:\\s*(.+)$")
        self.attach_more = re.compile(r"^\d{1,3}\s*[.、]\s*\S")
        self.cc = re.compile(f"^{esc(w.cc_label)}\\s*:\\s*(.+?)[。.]?$")
        labels = "|".join(esc(s) for s in self.spec.marks.disclosure_line_labels)
        self.disclosure = re.compile(f"^({labels})\\s*:\\s*(.+)$")
        phrases = [(p, attr) for attr, ps in self.spec.marks.phrases.items() for p in ps]
        self.phrases = sorted(phrases, key=lambda x: len(x[0]), reverse=True)
        pd = self.spec.personal_data
        self.resident_id = re.compile(pd.resident_id.pattern)
        self.mobile = re.compile(pd.mobile.pattern)
        self.forward_words = self.spec.facts.forwards.title_words

    def basis_at(self, code: str, day: dt.date | None) -> tuple:
        spans = self.check_basis[code]
        for start, refs in spans:
            if day is None or day >= start:
                return refs
        return spans[-1][1]

    def date(self, m) -> str | None:
        """The ISO date of a match of ``date_re`` (groups: year, month, day), or None if it is not a day."""
        y, mo, d = (_cn_number(g) for g in m)
        if y is None or mo is None or d is None:
            return None
        try:
            return dt.date(y, mo, d).isoformat()
        except ValueError:
            return None

    def mark_of(self, text: str | None):
        if not text:
            return None
        t = re.sub(r"\s+", "", _norm(text))
        for phrase, attr in self.phrases:
            if phrase in t:
                return attr
        return None


def document_rules(rb) -> DocumentRules:
    hit = rb.__dict__.get("_document_rules")
    if hit is None:
        hit = rb.__dict__["_document_rules"] = DocumentRules(rb)
    return hit


# ---------------------------------------------------------------- 2. the elements

def extract(lines: list[str], R: DocumentRules) -> tuple[dict, dict]:
    """The GB/T 9704-2012 elements of a document's lines: (``elements``: key → string or None, ``element_positions``:
    key → the line it was read on, counted from 1 among the file's lines / paragraphs)."""
    el: dict = dict.fromkeys(R.keys)
    pos: dict = {}
    L = []                                   # (line number, original text, normalised, without spaces)
    for n, raw in enumerate(lines, 1):
        s = raw.strip()
        if s:
            norm = _norm(s)
            L.append((n, s, norm, re.sub(r"\s+", "", norm)))

    def put(key, value, n):
        if value is not None and value != "" and el.get(key) is None:
            el[key] = value
            pos[key] = n

    # -- 版头 / the head: 份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人
    head_end = -1
    unmatched: list = []
    for k, (n, s, norm, ns) in enumerate(L[:10]):
        if any(ns.endswith(t) for t in R.doc_types) and k > 0 and el["doc_number"] is None and not unmatched:
            break                            # a title right after 份号/密级 lines: there is no 发文字号
        matched = False
        rest = norm
        m = R.signer.search(rest)
        if m:
            put("signer", m.group(1).strip() or None, n)
            rest = rest[:m.start()]
            matched = True
        rest_ns = re.sub(r"\s+", "", rest)
        m = R.doc_number.search(rest_ns)
        if m and (m.start() > 0 or m.end() < len(rest_ns)):
            m = None                         # a 文号 cited in a sentence is not the document's own
        if m:
            org, year, no = m.groups()
            put("doc_number", f"{org}{R.canon[0]}{year}{R.canon[1]}{int(no)}{R.layout.words.doc_number_suffix}", n)
            matched = True
        if not matched:
            toks = R.secrecy_seps.sub(R.layout.words.secrecy_separator[0], rest).split()
            kinds = []
            for tok in toks:
                if re.fullmatch(r"\d{1,6}", tok) and el["copy_number"] is None:
                    kinds.append(("copy_number", tok))
                elif R.secrecy.match(tok):
                    kinds.append(("secrecy", tok.replace("*", R.layout.words.secrecy_separator[0])))
                elif tok in R.urgency:
                    kinds.append(("urgency", tok))
                else:
                    kinds = []
                    break
            if kinds:
                for key, v in kinds:
                    put(key, v, n)
                matched = True
        if matched:
            head_end = k
            if el["doc_number"] is not None and el["signer"] is not None:
                break
            continue
        if el["doc_number"] is not None:     # the line after the 发文字号 is not the 签发人: the head has ended
            break
        if ns.endswith(R.layout.words.issuer_mark_suffix):
            put("issuer_mark", s, n)
            head_end = k
            continue
        unmatched.append((k, n, s))
    if el["doc_number"] is not None and el["issuer_mark"] is None and unmatched:
        k, n, s = unmatched[-1]
        if k < head_end:
            put("issuer_mark", s, n)
    # -- 标题 / the title: from the line after the head, up to four lines ending with a 文种
    title_end = None
    start = head_end + 1
    for k in range(start, min(start + 4, len(L))):
        ns = L[k][3].rstrip("。.")
        if ns.endswith(":"):
            break
        joined = "".join(x[3] for x in L[start:k + 1]).rstrip("。.")
        if any(joined.endswith(t) for t in R.doc_types):
            put("title", "".join(x[1] for x in L[start:k + 1]).rstrip("。."), L[start][0])
            title_end = k
            break
    if title_end is None:                    # a title elsewhere near the top: the first line ending with a 文种
        for k in range(0, min(15, len(L))):
            ns = L[k][3].rstrip("。.")
            if ":" not in ns and len(ns) <= 100 and any(ns.endswith(t) for t in R.doc_types):
                put("title", L[k][1].rstrip("。."), L[k][0])
                title_end = k
                break
    after = (title_end if title_end is not None else head_end) + 1
    # -- 主送机关 / the addressee: the line (or two) after the title, ending with a colon
    for k in range(after, min(after + 2, len(L))):
        ns = L[k][3]
        if ns.endswith(":") and len(ns) <= 200 and not R.attach.match(ns):
            put("addressee", re.sub(r"[:：]$", "", "".join(x[1] for x in L[after:k + 1])).strip(), L[after][0])
            after = k + 1
            break
    # -- 版记 and the 公开方式 line: the last of each
    printed_at = None
    for k in range(len(L) - 1, after - 1, -1):
        n, s, norm, ns = L[k]
        if el["printed_on"] is None and (m := R.printed.match(ns)):
            iso = R.date(m.groups()[1:])
            if iso:
                put("printed_by", m.group(1) or None, n)
                put("printed_on", iso, n)
                printed_at = k
                continue
        if el["cc"] is None and (m := R.cc.match(norm)):
            put("cc", s[m.start(1):m.end(1)].strip(), n)
            continue
        if el["disclosure_line"] is None and R.disclosure.match(ns):
            put("disclosure_line", s, n)
    # -- 附件说明 / the attachments: the first 附件 line after the title, with its numbered continuation lines
    for k in range(after, len(L)):
        m = R.attach.match(L[k][2])
        if m:
            parts = [L[k][1][m.start(1):m.end(1)].strip()]
            for j in range(k + 1, min(k + 20, len(L))):
                if R.attach_more.match(L[j][2]):
                    parts.append(L[j][1].strip())
                else:
                    break
            put("attachments", "；".join(parts), L[k][0])
            break
    # -- 成文日期 / the date: the last line (after the title) that is a date or ends with one, not the 印发 line
    formed_at = None
    for k in range(len(L) - 1, after - 1, -1):
        if k == printed_at:
            continue
        ns = L[k][3]
        m = R.date_only.match(ns) or (R.date_end.match(ns) if len(ns) <= 50 else None)
        if m:
            groups = m.groups() if m.re is R.date_only else m.groups()[1:]
            iso = R.date(groups)
            if iso:
                put("formed_on", iso, L[k][0])
                formed_at = k
                break
    # -- 附注 / the note: a bracketed line after the date (or a short line carrying a mark)
    if formed_at is not None:
        for k in range(formed_at + 1, min(formed_at + 4, len(L))):
            ns = L[k][3]
            if ns.startswith("(") and ns.endswith(")"):
                put("note", L[k][1].strip()[1:-1].strip(), L[k][0])
                break
            if len(ns) <= 30 and R.mark_of(ns) is not None and not R.disclosure.match(ns):
                put("note", L[k][1].strip(), L[k][0])
                break
    return el, pos


# ---------------------------------------------------------------- 3. facts, 4. checks

def _id_ok(s: str) -> bool:
    """GB 11643-1999: a valid date of birth (digits 7–14) and the ISO 7064 MOD 11-2 check character."""
    try:
        dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    total = sum(int(c) * (pow(2, 17 - i, 11)) for i, c in enumerate(s[:17]))
    return "10X98765432"[total % 11] == s[17].upper()


def check_digit(first17: str) -> str:
    """The check character of a resident ID number's first 17 digits (GB 11643-1999, ISO 7064 MOD 11-2)."""
    total = sum(int(c) * (pow(2, 17 - i, 11)) for i, c in enumerate(first17))
    return "10X98765432"[total % 11]


def personal_data(lines: list[str], R: DocumentRules) -> list[dict]:
    """Where a resident ID number with a valid check character, or a mobile number, appears: kind, line, the number
    masked (the answer does not repeat personal data)."""
    out: list = []
    cap = R.spec.personal_data.max_listed
    for n, raw in enumerate(lines, 1):
        s = _norm(raw)
        for m in R.resident_id.finditer(s):
            v = m.group(0)
            if _id_ok(v):
                out.append({"kind": "resident_id", "line": n, "masked": v[:4] + "*" * 10 + v[-4:]})
        for m in R.mobile.finditer(s):
            v = m.group(0)
            out.append({"kind": "mobile", "line": n, "masked": v[:3] + "****" + v[-4:]})
        if len(out) >= cap:
            return out[:cap]
    return out


def facts_of(el: dict, R: DocumentRules, rb) -> tuple[dict, list]:
    """The ``classify`` input a document's elements give, and where each field came from: ``[(field, element,
    the rule's citations)]``."""
    from types import SimpleNamespace

    from ._classify import doc_type_of
    doc: dict = {}
    whence: list = []
    if el.get("title"):
        doc["title"] = el["title"]
        whence.append(("title", "title", ()))
    if el.get("formed_on"):
        doc["formed_on"] = el["formed_on"]
        whence.append(("formed_on", "formed_on", ()))
    if el.get("secrecy"):
        doc["flags"] = [R.spec.facts.secrecy.flag]
        whence.append(("flags", "secrecy", R.fact_basis["secrecy"]))
    title = el.get("title") or ""
    if title:
        try:
            kind = doc_type_of(SimpleNamespace(doc_type=None, title=title), rb.classify)
        except InputError:
            kind = None
        if kind in R.spec.facts.to_superior.doc_types:
            doc["addressed_to_superior"] = True
            whence.append(("addressed_to_superior", "title", R.fact_basis["to_superior"]))
        if any(w in title for w in R.forward_words):
            doc["forwards"] = {"attribute": None}
            whence.append(("forwards", "title", ()))
    return doc, whence


def read_sidecar(path: str, root: str | None) -> tuple[dict | None, str | None]:
    """(the facts in ``NAME.json`` / ``NAME.yaml`` beside ``path``, its path), or (None, None). A sidecar that leads
    outside ``root`` (a link) or is not an object is an InputError naming ``sidecar``."""
    stem = os.path.splitext(path)[0]
    for ext in SIDECARS:
        side = stem + ext
        if not os.path.isfile(side):
            continue
        real = os.path.realpath(side)
        base = os.path.realpath(root if root is not None else os.path.dirname(path) or ".")
        if real != base and not real.startswith(base + os.sep):
            raise InputError(f"sidecar {side}: 指向目录之外，不予读取 / leads outside the folder: not read", field="sidecar")
        with open(real, "rb") as fh:
            data = fh.read(MAX_SIDECAR_BYTES + 1)
        if len(data) > MAX_SIDECAR_BYTES:
            raise InputError(f"sidecar {side}: 超过 {MAX_SIDECAR_BYTES:,} 字节的上限 / too large", field="sidecar")
        try:
            text = data.decode("utf-8-sig")
            if ext == ".json":
                obj = json.loads(text)
            else:
                from ._yaml import loads
                obj = loads(text, file=side)
        except (ValueError, RecursionError, ZwgkError) as exc:
            msg = getattr(exc, "message", None) or str(exc).splitlines()[0]
            raise InputError(f"sidecar {side}: 不是有效的 {ext[1:].upper()}（{msg}）/ not valid", field="sidecar") from None
        if not isinstance(obj, dict):
            raise InputError(f"sidecar {side}: 须为对象（键: 值）/ must be an object", field="sidecar")
        return _plain(obj), side
    return None, None


def _plain(obj):
    """YAML dates as ISO strings (the input contract's form)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


class Reader:
    """Answers document files: one per batch (the rules and engines are loaded once)."""

    def __init__(self, rb, *, jurisdiction: str | None = None, facts: dict | None = None,
                 sidecars: bool = True) -> None:
        from ._engine import Engine
        self.rb = rb
        #: whether a ``NAME.json`` beside a file is read (not for uploads: they have no folder)
        self.sidecars = sidecars
        self.R = document_rules(rb)
        self.default = jurisdiction or "cn"
        rb.pack(self.default)
        self.facts = dict(facts or {})
        self.engines: dict = {}
        self._Engine = Engine

    def engine(self, jur):
        eng = self.engines.get(jur)
        if eng is None:
            eng = self.engines[jur] = self._Engine(jur, rulebook=self.rb)
        return eng

    def answer(self, source: str, root: str | None = None) -> dict:
        """The answer line (a dict) for the file ``source``; an error line ``{"source", "error"}`` if it cannot be
        read or classified."""
        try:
            lines = read_lines(source)
        except DocumentError as exc:
            return {"source": source, "error": {"message": exc.message, "field": None}}
        return self.answer_lines(source, lines, root)

    def answer_lines(self, source: str, lines: list[str], root: str | None = None) -> dict:
        R = self.R
        el, pos = extract(lines, R)
        try:
            side, _ = read_sidecar(source, root) if self.sidecars else (None, None)
        except InputError as exc:
            return {"source": source, "error": {"message": exc.message, "field": exc.field}, "elements": el}
        doc, whence = facts_of(el, R, self.rb)
        given = dict(self.facts)
        if side:
            given.update(side)
        file_flags = doc.get("flags", [])
        doc.update(given)               # what is given wins over what was read (CONTRACT.md), flags too
        secret = R.spec.facts.secrecy.flag
        overridden = secret in file_flags and secret not in (doc.get("flags") or ())
        doc.pop("id", None)
        if "formed_on" not in doc:
            return {"source": source, "error": {
                "message": "未能读出成文日期；请在旁边的 NAME.json 中给出 formed_on / the 成文日期 could not be read: give "
                           "formed_on in a NAME.json beside the file", "field": "formed_on"}, "elements": el}
        jur = doc.get("jurisdiction", self.default)
        try:
            eng = self.engine(jur if isinstance(jur, str) else self.default)
            ans = eng.classify_raw(doc)
        except ZwgkError as exc:
            return {"source": source, "error": {"message": exc.message, "field": getattr(exc, "field", None)},
                    "elements": el}
        missing = []
        for name in R.spec.facts.not_from_file:
            if name == "flags" and "flags" not in given:
                have = set(doc.get("flags") or ())
                missing.extend(f"flags.{f}" for f in _facts.DOC_FLAGS if f not in have)
            elif name == "forwards.attribute" and isinstance(doc.get("forwards"), dict) \
                    and doc["forwards"].get("attribute") is None:
                missing.append(name)
        day = _day(doc.get("formed_on"))
        marked = R.mark_of(_after_label(el.get("disclosure_line"), R)) or R.mark_of(el.get("note"))
        found: list = []
        warnings = list(ans.get("warnings") or ())

        def flag(code, severity=None, basis=None, label=None, where=None):
            chk = R.spec.checks.get(code)
            f = {"code": code, "severity": severity or chk.severity, "label": label or R.labels.get(code),
                 "basis": [eng._cite(c) for c in (basis if basis is not None else R.basis_at(code, day))]}
            if where is not None:
                f["where"] = where
            found.append(f)
            if code not in warnings:
                warnings.append(code)

        if overridden:                  # a 密级 on the document that the given flags no longer carry: the reviewer decides
            flag("secrecy_mark_overridden")
        line_mark, note_mark = R.mark_of(_after_label(el.get("disclosure_line"), R)), R.mark_of(el.get("note"))
        if line_mark and note_mark and line_mark != note_mark:
            flag("marks_disagree")
        attribute = ans["attribute"]
        secret_public = R.spec.checks["secret_marked_public"]
        if el.get("secrecy") and marked is not None and marked == _proactive(R, self.rb):
            flag("secret_marked_public")
            attribute = secret_public.forces_attribute
            if attribute != ans["attribute"]:
                ans = {**ans, "attribute": attribute, "publish_by": None, "provisional": False}
        if marked is None:
            flag("no_attribute_marked")
            pk = self.rb.pack(eng.pack.id)
            for dc in (pk.spec.document_checks if pk.spec is not None else ()):
                if dc.require == "attribute_marked":
                    flag(dc.code, dc.severity, [self.rb.statutes.resolve(b) for b in dc.basis], dc.label)
        elif marked != attribute:
            flag("marked_attribute_differs")
        where = personal_data(lines, R)
        if where:
            flag("personal_data_suspected", where=where)
        ans = {**ans, "warnings": warnings}
        facts_from = [{"field": f, "value": doc.get(f), "from": e, "basis": [eng._cite(c) for c in b]}
                      for f, e, b in whence]
        for k in given:
            src = "sidecar" if side and k in side else "--facts"
            facts_from = [x for x in facts_from if x["field"] != k or k == "flags"]
            facts_from.append({"field": k, "value": doc.get(k), "from": src, "basis": []})
        if isinstance(ans.get("publish_by"), dt.date):
            ans["publish_by"] = ans["publish_by"].isoformat()
        return {"source": source, **ans, "elements": el, "element_positions": pos, "marked_attribute": marked,
                "missing_facts": missing, "facts_from": facts_from, "findings": found}


def _proactive(R: DocumentRules, rb) -> str:
    """The attribute a 公开发布 mark gives (the one ``classify.yaml`` publishes within the period)."""
    return rb.classify.publish_attribute


def _after_label(line: str | None, R: DocumentRules) -> str | None:
    if not line:
        return None
    m = R.disclosure.match(re.sub(r"\s+", "", _norm(line)))
    return m.group(2) if m else line


def _day(v):
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        return None


# ---------------------------------------------------------------- paths

def is_document_path(path: str) -> bool:
    return os.path.isdir(path) or os.path.splitext(path)[1].lower() in EXTENSIONS


def sources(paths: list[str]) -> list[tuple[str, str | None, str | None]]:
    """``(source, the folder it was found in or None, an error message or None)`` for every document under ``paths``:
    files as given, folders walked (subfolders too; hidden files and Word's ``~$`` lock files left out) without
    following a link out of the folder, in sorted path order within each folder."""
    out: list = []
    for p in paths:
        if not os.path.isdir(p):
            out.append((p, None, None))
            continue
        root = os.path.realpath(p)
        found = []
        for dirpath, dirs, files in os.walk(p, followlinks=False):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for f in files:
                if f.startswith((".", "~$")) or os.path.splitext(f)[1].lower() not in EXTENSIONS:
                    continue
                full = os.path.join(dirpath, f)
                err = None
                if os.path.islink(full):
                    real = os.path.realpath(full)
                    if not real.startswith(root + os.sep):
                        err = "链接指向目录之外，不予读取 / a link leading outside the folder: not read"
                found.append((full, p, err))
        found.sort(key=lambda x: x[0])
        out.extend(found)
    return out


def read_document(path, *, engine=None, facts: dict | None = None) -> dict:
    """Classify one document file (.docx, .pdf, .ofd, .txt) as ``zwgk classify FILE`` does: the answer as a
    JSON-ready dict, with ``source``, ``elements``, ``marked_attribute``, ``missing_facts`` and the warnings of
    the checks; an unreadable file gives ``{"source", "error"}``. ``engine``: whose pack and rules to use (default:
    the bundled rules, national pack); ``facts``: ``classify`` input fields to supply (a sidecar beside the file
    still wins)."""
    from ._rulebook import default_rulebook
    rb = engine.rulebook if engine is not None else default_rulebook()
    jur = engine.pack.id if engine is not None else None
    return Reader(rb, jurisdiction=jur, facts=facts).answer(str(Path(path)))
