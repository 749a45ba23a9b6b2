"""A small streaming ``.xlsx`` writer for ``--format xlsx`` (no dependency).

openpyxl writes about 1,300 rows a second of the result sheet (each cell is an object with its style
looked up); this writes the sheet's XML directly, row by row, into the zip file, with a fixed stylesheet
of the few styles the outputs use. Strings are inline (no shared-string table to hold), so memory stays
flat however many rows are written. The files are read back by openpyxl in the tests and open in Excel,
WPS and LibreOffice (checked by eye: docs/cli.md).
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from xml.sax.saxutils import escape

_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

#: the styles (cellXfs indexes) a cell may have; the BOX_ ones (thin borders all round) and TITLE draw the
#: annual report's official tables (``_reportout``)
PLAIN, HEADER, TOP, WRAP, DATE, RED, RED_WRAP, BOLD, CENTER, BOX_HEAD, BOX_LABEL, BOX_NUM, TITLE, DATE_CENTER = range(14)

_STYLES = _HEAD + f'''<styleSheet {_NS}>
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="4"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>
<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>
<font><sz val="11"/><color rgb="FFC00000"/><name val="等线"/><family val="2"/><charset val="134"/></font>
<font><b/><sz val="14"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFDDE6F0"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>
<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="14">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="center" vertical="top"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment horizontal="left" vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>
<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="left" vertical="center"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment horizontal="center" vertical="top"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>'''

# characters XML 1.0 does not allow (control characters other than tab and line ends)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = dt.date(1899, 12, 30)


def col_name(i: int) -> str:
    """Column letters of column ``i`` (from 0)."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _text(s: str) -> str:
    if _BAD_XML.search(s):
        s = _BAD_XML.sub("", s)
    return escape(s)


class Sheet:
    def __init__(self, book: "Workbook", index: int, name: str, widths: list[float], freeze: str | None,
                 autofilter: bool, print_titles: bool, one_page: bool = False) -> None:
        self.book, self.index, self.name, self.widths = book, index, name, widths
        self.one_page = one_page
        self.autofilter, self.print_titles = autofilter, print_titles
        self.cols = [col_name(i) for i in range(max(len(widths), 1))]
        self.n = 0
        self.merges: list[str] = []
        self.buf: list[str] = []
        self.size = 0
        self.fh = book.zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
        pane = ""
        if freeze:
            m = re.fullmatch(r"([A-Z]+)(\d+)", freeze)
            xs = sum((ord(c) - 64) * 26 ** k for k, c in enumerate(reversed(m.group(1)))) - 1
            ys = int(m.group(2)) - 1
            pane = (f'<pane xSplit="{xs}" ySplit="{ys}" topLeftCell="{freeze}" activePane="bottomRight" state="frozen"/>'
                    f'<selection pane="bottomRight" activeCell="{freeze}" sqref="{freeze}"/>')
        cols = "".join(f'<col min="{k + 1}" max="{k + 1}" width="{w}" customWidth="1"/>' for k, w in enumerate(widths))
        selected = ' tabSelected="1"' if index == 1 else ""
        self._write(_HEAD + f'<worksheet {_NS}><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                    f'<sheetViews><sheetView workbookViewId="0"{selected}>'
                    f'{pane}</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                    + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")

    def _write(self, s: str) -> None:
        self.buf.append(s)
        self.size += len(s)
        if self.size > 1 << 18:
            self.fh.write("".join(self.buf).encode())
            self.buf, self.size = [], 0

    def row(self, cells, height: float | None = None, style: int = PLAIN) -> None:
        """One row: ``cells`` are values (str, int, float, bool, date, None) or ``(value, style)`` pairs;
        ``style`` is the style of plain values; ``height`` in points (None: the default)."""
        self.n += 1
        r = self.n
        out = [f'<row r="{r}" ht="{height}" customHeight="1">' if height else f'<row r="{r}">']
        cols = self.cols
        for k, v in enumerate(cells):
            s = style
            if v.__class__ is tuple:
                v, s = v
                if v is None and s:         # an empty cell with a style (a border inside a merged range)
                    if k >= len(cols):
                        cols.append(col_name(k))
                    out.append(f'<c r="{cols[k]}{r}" s="{s}"/>')
                    continue
            if v is None:
                continue
            if k >= len(cols):
                cols.append(col_name(k))
            ref = cols[k] + str(r)
            st = f' s="{s}"' if s else ""
            cls = v.__class__
            if cls is str:
                out.append(f'<c r="{ref}"{st} t="inlineStr"><is><t xml:space="preserve">{_text(v)}</t></is></c>')
            elif cls is bool:
                out.append(f'<c r="{ref}"{st} t="b"><v>{int(v)}</v></c>')
            elif cls is int or cls is float:
                out.append(f'<c r="{ref}"{st}><v>{v}</v></c>')
            elif cls is dt.date:
                out.append(f'<c r="{ref}" s="{s if s != PLAIN else DATE}"><v>{(v - _EPOCH).days}</v></c>')
            else:
                out.append(f'<c r="{ref}"{st} t="inlineStr"><is><t xml:space="preserve">{_text(str(v))}</t></is></c>')
        out.append("</row>")
        self._write("".join(out))

    def merge(self, row: int, col: int, rowspan: int, colspan: int) -> None:
        """Merge the range of ``rowspan`` × ``colspan`` cells whose top-left cell is at ``row``, ``col`` (from 0)."""
        self.merges.append(f"{col_name(col)}{row + 1}:{col_name(col + colspan - 1)}{row + rowspan}")

    def close(self) -> None:
        tail = "</sheetData>"
        last = self.cols[max(len(self.widths), 1) - 1]
        if self.autofilter and self.n:
            tail += f'<autoFilter ref="A1:{last}1"/>'
        if self.merges:
            tail += (f'<mergeCells count="{len(self.merges)}">'
                     + "".join(f'<mergeCell ref="{m}"/>' for m in self.merges) + "</mergeCells>")
        tail += '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        tail += ('<pageSetup paperSize="9" orientation="portrait" fitToWidth="1" fitToHeight="1"/></worksheet>'
                 if self.one_page else
                 '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')
        self._write(tail)
        self.fh.write("".join(self.buf).encode())
        self.buf = []
        self.fh.close()
        self.last = last


class Workbook:
    """Sheets are written one after the other (a zip file takes one member at a time)."""

    def __init__(self, target) -> None:
        self.zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[Sheet] = []
        self.current: Sheet | None = None

    def sheet(self, name: str, widths: list[float], freeze: str | None = None, autofilter: bool = False,
              print_titles: bool = False, one_page: bool = False) -> Sheet:
        """A new sheet; ``one_page``: printed on one A4 page, portrait (else landscape, as wide as a page)."""
        if self.current is not None:
            self.current.close()
        self.current = Sheet(self, len(self.sheets) + 1, name, widths, freeze, autofilter, print_titles, one_page)
        self.sheets.append(self.current)
        return self.current

    def close(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None
        z = self.zip
        sheets = "".join(f'<sheet name="{escape(s.name)}" sheetId="{s.index}" r:id="rId{s.index}"/>'
                         for s in self.sheets)
        names = []
        for s in self.sheets:
            q = "'" + s.name.replace("'", "''") + "'"
            if s.autofilter and s.n:
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{s.index - 1}" hidden="1">'
                             f'{escape(q)}!$A$1:${s.last}$1</definedName>')
            if s.print_titles:
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{s.index - 1}">'
                             f'{escape(q)}!$1:$1</definedName>')
        z.writestr("xl/workbook.xml", _HEAD + f'<workbook {_NS}><bookViews><workbookView/></bookViews>'
                   f'<sheets>{sheets}</sheets>' + (f'<definedNames>{"".join(names)}</definedNames>' if names else "")
                   + '</workbook>')
        rels = "".join(f'<Relationship Id="rId{s.index}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       f'relationships/worksheet" Target="worksheets/sheet{s.index}.xml"/>' for s in self.sheets)
        z.writestr("xl/_rels/workbook.xml.rels", _HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships">{rels}<Relationship Id="rIdStyles" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
        z.writestr("xl/styles.xml", _STYLES)
        z.writestr("_rels/.rels", _HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        over = "".join(f'<Override PartName="/xl/worksheets/sheet{s.index}.xml" ContentType="application/'
                       'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for s in self.sheets)
        z.writestr("[Content_Types].xml", _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                   'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                   'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   f'spreadsheetml.sheet.main+xml"/>{over}<Override PartName="/xl/styles.xml" ContentType="'
                   'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
        z.close()
