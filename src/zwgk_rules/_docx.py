"""Word documents (python-docx, the ``docx`` extra): the annual report's tables, and a 公文-layout document.

* :func:`tables_document`: a title, a line under it, then headed tables (each a ``_reportout.Grid``: merged
  cells, borders) and closing lines: ``zwgk report --format docx``.
* :func:`gongwen`: a document laid out as GB/T 9704-2012《党政机关公文格式》 lays out the body of a 公文: A4,
  天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; 标题 2号方正小标宋简体 centred; 主送机关 3号仿宋 顶格 with a full-width
  colon; 正文 3号仿宋_GB2312, each paragraph indented two characters, 22 lines of 28 characters (line spacing
  fixed at 28.95 pt, the 版心's 225 mm over 22 lines; a Word document grid of 28 characters a line); the
  发文机关署名 centred over the 成文日期, which stands 右空四字 (7.3.5.1); 附注 in brackets, 空二字, on the line
  after the date (7.3.6). There is no 版头 (份号, 发文机关标志, 发文字号) and no 版记: a notice to an applicant has
  none.

Fonts are named, not embedded: each run names its font for the East Asian script (``w:eastAsia``, which is what
Word and LibreOffice use for Chinese text) and for Latin text, and the font table gives each an alternate name
(``w:altName``: 仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体, 黑体 → SimHei) for a machine without it.
"""
from __future__ import annotations

import io
import math

#: GB/T 9704-2012 5.2.1–5.2.2: A4, 天头 37 mm, 订口 28 mm, 版心 156 mm × 225 mm (so 26 mm right, 35 mm bottom)
PAGE_MM = (210.0, 297.0)
MARGINS_MM = {"top": 37.0, "left": 28.0, "right": 210.0 - 28.0 - 156.0, "bottom": 297.0 - 37.0 - 225.0}
#: 5.2.3–5.2.4: 3号 (16 pt) text, 22 lines a page (LINE_PT), 28 characters a line
BODY_PT, TITLE_PT = 16.0, 22.0
CHARS = 28
#: the fixed line spacing: the 版心's 225 mm over 22 lines is 28.99 pt; Word templates of the standard use 28.95 pt
#: (579 twips), which keeps 22 lines clear of the bottom margin
LINE_PT = 28.95

TITLE_FONT, BODY_FONT, HEADING_FONT, TABLE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "宋体"
ALT_NAMES = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "仿宋": "FangSong", "黑体": "SimHei", "宋体": "SimSun"}


def _docx():
    try:
        import docx
    except ImportError:
        raise ImportError("写 .docx 需要 python-docx：pip install 'zwgk-rules[docx]' / writing .docx needs python-docx: "
                          "pip install 'zwgk-rules[docx]'") from None
    return docx


def _set_fonts(rpr_parent, name: str, latin: str | None = None) -> None:
    """Name ``name`` for East Asian text and ``latin`` (default the same) for Latin text on a run or a style."""
    from docx.oxml.ns import qn
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), latin or name)
    fonts.set(qn("w:eastAsia"), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _run(paragraph, text: str, font: str, size_pt: float, bold: bool = False):
    from docx.shared import Pt
    r = paragraph.add_run(text)
    r.font.size = Pt(size_pt)
    r.font.bold = bold or None
    _set_fonts(r._r, font)
    return r


#: the report's tables: the 版心's width, taller (25 mm top and bottom) so that table 三 fits on its first page
TABLE_MARGINS_MM = {**MARGINS_MM, "top": 25.0, "bottom": 25.0}


def _new_document(base_font: str, base_pt: float, margins: dict = MARGINS_MM):
    """A document on A4 with ``margins`` (default: the standard's), the Normal style in ``base_font`` at ``base_pt``, Chinese as
    the East Asian language, and the font table's alternate names."""
    docx = _docx()
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt
    doc = docx.Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    sec.top_margin, sec.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    sec.left_margin, sec.right_margin = Mm(margins["left"]), Mm(margins["right"])
    sec.header_distance, sec.footer_distance = Mm(15), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(base_pt)
    _set_fonts(normal.element, base_font)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    _font_table(doc)
    return doc


def _font_table(doc) -> None:
    """Declare the fonts used, each with its alternate name and the GB2312 character set, so that an application
    without the font substitutes a Chinese one of the same kind."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    try:
        part = doc.part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        return
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import parse_xml
    root = parse_xml(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt in ALT_NAMES.items():
        if name in have:
            continue
        f = OxmlElement("w:font")
        f.set(qn("w:name"), name)
        a = OxmlElement("w:altName")
        a.set(qn("w:val"), alt)
        f.append(a)
        cs = OxmlElement("w:charset")
        cs.set(qn("w:val"), "86")                   # GB2312
        f.append(cs)
        fam = OxmlElement("w:family")
        fam.set(qn("w:val"), "modern" if name == HEADING_FONT else "roman")
        f.append(fam)
        root.append(f)
    part._blob = serialize_part_xml(root)


def _doc_grid(doc, line_pt: float) -> None:
    """Word's document grid: lines ``line_pt`` apart (a line grid only: a character grid is read differently by
    Word and LibreOffice, so the 28 characters a line come from the characters' spacing, :func:`_condense`)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    sect = doc.sections[0]._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(line_pt * 20)))


def _condense(run, chars: int, size_pt: float, width_pt: float) -> None:
    """Space the characters of ``run`` so that ``chars`` of them fill ``width_pt`` (a whole number of
    twentieths of a point, rounded down so that the last one still fits): 3号 text is 16 pt, the 版心 156 mm
    (442.2 pt) holds 28 characters 15.79 pt apart, so each is condensed by 0.25 pt."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    twips = math.floor((width_pt / chars - size_pt) * 20)
    if twips:
        sp = OxmlElement("w:spacing")
        sp.set(qn("w:val"), str(twips))
        rpr = run._r.get_or_add_rPr()
        rpr.append(sp)


def _bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _width(s: str) -> float:
    from ._reportout import display_width
    return display_width(s)


# ---------------------------------------------------------------- 公文

def gongwen(*, title: str, to: str | None, paragraphs: list[str], signer: str, date_text: str,
            note: str | None = None) -> bytes:
    """A .docx laid out as the body of a 公文 (GB/T 9704-2012; the module's docstring has the measures):
    ``title`` (标题), ``to`` (主送机关; None for none; a full-width colon is added), ``paragraphs`` (正文),
    ``signer`` (发文机关署名), ``date_text`` (成文日期 as it is to read, e.g. ``2026年3月5日``), ``note`` (附注,
    without its brackets)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt
    doc = _new_document(BODY_FONT, BODY_PT)
    _doc_grid(doc, LINE_PT)
    sec = doc.sections[0]
    width_pt = (sec.page_width - sec.left_margin - sec.right_margin) / 12700
    doc.styles["Normal"].paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    doc.styles["Normal"].paragraph_format.line_spacing = Pt(LINE_PT)
    body = doc.element.body
    for p in list(body.iterchildren()):
        if p.tag.endswith("}p"):
            body.remove(p)

    def para(text: str = "", *, font: str = BODY_FONT, size: float = BODY_PT, align=None, first_chars: float = 0,
             right_chars: float = 0, keep: bool = False):
        p = doc.add_paragraph()
        pf = p.paragraph_format
        if keep:
            pf.keep_with_next = True
        if align is not None:
            pf.alignment = align
        if first_chars:
            pf.first_line_indent = Pt(first_chars * size)
            _chars_attr(p, "w:firstLineChars", first_chars)
        if right_chars:
            pf.right_indent = Pt(right_chars * size)
            _chars_attr(p, "w:rightChars", right_chars)
        if text:
            r = _run(p, text, font, size)
            if font == BODY_FONT:
                _condense(r, CHARS, size, width_pt)
        return p

    para(title, font=TITLE_FONT, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    para()                                                          # 标题下空一行
    if to:
        para(to if to.endswith(("：", ":")) else to + "：")         # 主送机关：顶格
    for text in paragraphs:
        para(text, first_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)  # 正文：每段空二字，回行顶格
    para(keep=True)                                                 # 正文下空一行
    # 7.3.5.1: 成文日期右空四字；发文机关署名以成文日期为准居中（署名长于日期时署名右空二字，日期居其下正中）
    ws, wd = _width(signer), _width(date_text)
    centre = max(4 + wd / 2, 2 + ws / 2)
    para(signer, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=round(centre - ws / 2, 2), keep=True)
    para(date_text, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=round(centre - wd / 2, 2), keep=bool(note))
    if note:
        para(f"（{note}）", first_chars=2)                           # 7.3.6 附注：居左空二字加圆括号
    return _bytes(doc)


def _chars_attr(paragraph, attr: str, chars: float) -> None:
    """The indent in characters too (``w:firstLineChars`` in hundredths), which Word prefers to the length."""
    from docx.oxml.ns import qn
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn(attr), str(round(chars * 100)))


# ---------------------------------------------------------------- tables

#: widths of the row-label columns (mm) from the outermost (三、…) to the innermost (1.…), and of a number column
#: at most: the labels of table 三 take one line each where they can (五号 is 3.7 mm a character)
_LABEL_MM = (12.0, 21.0, 57.0)
_NUM_MM = 9.5


def tables_document(title: str, subtitle: str, tables: list, closing_title: str, closing: list[str]) -> bytes:
    """``title`` centred (2号小标宋), ``subtitle`` under it, then each ``(heading, grid)`` of ``tables`` (a
    黑体 heading, the grid as a bordered table with its merged cells, 宋体 五号, 小五 for a table of more than
    ten columns), then ``closing_title`` and the lines of ``closing``."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    doc = _new_document(BODY_FONT, BODY_PT, TABLE_MARGINS_MM)
    body = doc.element.body
    for p in list(body.iterchildren()):
        if p.tag.endswith("}p"):
            body.remove(p)
    p = doc.add_paragraph()
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, title, TITLE_FONT, TITLE_PT)
    p = doc.add_paragraph()
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(12)
    _run(p, subtitle, BODY_FONT, 14)
    for heading, grid in tables:
        _heading(doc, heading)
        t = _table(doc, grid)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _heading(doc, closing_title)
    for line in closing:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        _run(p, line, BODY_FONT, BODY_PT)
    return _bytes(doc)


def _heading(doc, text: str) -> None:
    from docx.shared import Pt
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.space_after = Pt(6)
    p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    p.paragraph_format.keep_with_next = True
    _run(p, text, HEADING_FONT, BODY_PT)


def _table(doc, grid):
    from docx.enum.table import WD_ALIGN_VERTICAL
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt
    size = 9.0 if grid.cols > 10 else 10.5
    t = doc.add_table(rows=grid.rows, cols=grid.cols)
    t.style = doc.styles["Table Grid"]
    t.autofit = False
    total = 156.0
    labels = list(_LABEL_MM[-grid.label_cols:]) if grid.label_cols else []
    n = grid.cols - grid.label_cols
    rest = min(_NUM_MM, (total - sum(labels)) / max(n, 1)) if grid.label_cols else total / max(n, 1)
    if labels:
        labels[-1] += total - sum(labels) - rest * n          # the innermost label column takes what is left
    widths = [Mm(w) for w in labels] + [Mm(rest)] * n
    for col, w in zip(t.columns, widths):
        col.width = w
    for row in t.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
    for i, row in enumerate(t.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))     # a row is never cut across two pages
        if i < grid.head_rows:                      # the header repeats on every page the table runs over
            trpr.append(OxmlElement("w:tblHeader"))
    for c in grid.cells:
        cell = t.cell(c.row, c.col)
        if c.rowspan > 1 or c.colspan > 1:
            cell = cell.merge(t.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
        for extra in cell.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        p = cell.paragraphs[0]
        p.paragraph_format.alignment = (WD_ALIGN_PARAGRAPH.LEFT if c.kind in ("label", "corner")
                                        else WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(round(size * 1.25, 1))     # fixed: the same in Word and LibreOffice
        _run(p, c.text, TABLE_FONT, size)
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    # a little room between the text and the borders
    tblpr = t._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side, tw in (("left", 57), ("right", 57), ("top", 20), ("bottom", 20)):
        e = OxmlElement(f"w:{side}")
        e.set(qn("w:w"), str(tw))
        e.set(qn("w:type"), "dxa")
        mar.append(e)
    tblpr.append(mar)
    return t


def notice_docx(answer: dict) -> bytes:
    """A ``notice`` answer (``_notice.notice``) as a .docx laid out like a 公文: the agency and the document's title
    as the 标题, the addressee, the body, the agency's name and the date."""
    return gongwen(title=f"{answer['signer']}{answer['title']}", to=answer["to"], paragraphs=list(answer["body"]),
                   signer=answer["signer"], date_text=answer["issued_text"])

