"""The annual report laid out as the official tables: Markdown, .xlsx, .docx and a chart (``zwgk report --format``).

No legal wording here: the tables' titles, headers, row labels and numbering are each format's ``table3`` and
``table4`` in ``rules/national/report/formats.yaml``, and the outputs' own words (titles, the checks' header)
its ``output``. This module turns a layout and a report (``_report.report``'s dict) into a :class:`Grid`, the
table as merged cells, which every output draws:

* **Markdown**: a merged cell's text in its top-left position, the positions it covers left empty (a Markdown
  table cannot merge), the first grid row as the table's header;
* **.xlsx**: the merged ranges, borders and CJK column widths, written by ``_xlsx`` (no dependency);
* **.docx**: ``_docx.tables_document`` (python-docx, the ``docx`` extra);
* **the chart**: an SVG written here (no dependency): a horizontal bar of every closing row of table 三.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from ._report import ROW_CARRIED_IN, ROW_CARRIED_OUT, ROW_NEW, ROW_TOTAL, report_rules



@dataclass(frozen=True)
class Cell:
    row: int                # from 0
    col: int
    text: str
    kind: str               # corner · head · label · num
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    """A table as cells, each at its top-left position with its spans; ``head_rows`` rows of column headers on
    top, ``label_cols`` columns of row labels on the left."""
    rows: int
    cols: int
    head_rows: int
    label_cols: int
    cells: list[Cell] = field(default_factory=list)

    def at(self) -> dict[tuple[int, int], Cell]:
        return {(c.row, c.col): c for c in self.cells}

    def merged(self) -> list[Cell]:
        return [c for c in self.cells if c.rowspan > 1 or c.colspan > 1]


# ---------------------------------------------------------------- layout → grid

def _tree(part) -> tuple:
    """A layout part as ``(label, code, children)``."""
    return (part.label, part.code, tuple(_tree(p) for p in part.parts))


def _height(node) -> int:
    return 1 + max((_height(c) for c in node[2]), default=0)


def _leaves(node) -> list:
    return [node] if not node[2] else [x for c in node[2] for x in _leaves(c)]


def _place(nodes, depth: int, level: int, start: int, out: list) -> None:
    """Lay ``nodes`` out along one axis: a node starts at ``level`` and reaches down to ``depth - height`` (a leaf
    to the last level), across as many positions as it has leaves. ``out`` gets (level, last level, start,
    span, label, code)."""
    for node in nodes:
        span = len(_leaves(node))
        last = depth - _height(node)
        out.append((level, last, start, span, node[0], node[1]))
        _place(node[2], depth, last + 1, start, out)
        start += span


def _axis(nodes) -> tuple[int, list, list]:
    depth = max(_height(n) for n in nodes)
    placed: list = []
    _place(nodes, depth, 0, 0, placed)
    codes = [n[1] for top in nodes for n in _leaves(top)]
    return depth, placed, codes


def table3_grid(layout, rows: dict) -> Grid:
    """Table 三 (``layout``: a format's ``table3``; ``rows``: the report's ``table3.rows``)."""
    hdepth, header, columns = _axis([_tree(p) for p in layout.header])
    rdepth, labels, row_codes = _axis([_tree(p) for p in layout.rows])
    g = Grid(rows=hdepth + len(row_codes), cols=rdepth + len(columns), head_rows=hdepth, label_cols=rdepth)
    g.cells.append(Cell(0, 0, layout.corner, "corner", rowspan=hdepth, colspan=rdepth))
    for level, last, start, span, label, _ in header:
        g.cells.append(Cell(level, rdepth + start, label, "head", rowspan=last - level + 1, colspan=span))
    for level, last, start, span, label, _ in labels:
        g.cells.append(Cell(hdepth + start, level, label, "label", rowspan=span, colspan=last - level + 1))
    for i, r in enumerate(row_codes):
        for j, c in enumerate(columns):
            g.cells.append(Cell(hdepth + i, rdepth + j, str(rows[r][c]), "num"))
    return g


def table4_grid(layout, table4: dict) -> Grid:
    """Table 四 (``layout``: a format's ``table4``; ``table4``: the report's): each kind of remedy has the result
    columns under it."""
    results = tuple(_tree(p) for p in layout.results)

    def expand(node):
        if node[1] is not None:         # a kind of remedy: its results under it
            return (node[0], None, tuple((lab, (node[1], code), ()) for lab, code, _ in results))
        return (node[0], None, tuple(expand(c) for c in node[2]))

    depth, header, columns = _axis([expand(_tree(p)) for p in layout.header])
    g = Grid(rows=depth + 1, cols=len(columns), head_rows=depth, label_cols=0)
    for level, last, start, span, label, _ in header:
        g.cells.append(Cell(level, start, label, "head", rowspan=last - level + 1, colspan=span))
    for j, (kind, result) in enumerate(columns):
        g.cells.append(Cell(depth, j, str(table4[kind][result]), "num"))
    return g


class Rendered:
    """What every output needs: the titles, the two grids and the checks, worded by the rule file."""

    def __init__(self, out: dict, rulebook) -> None:
        rules = report_rules(rulebook)
        fmt = rules.format_by_id(out["format"])
        words = rules.spec.output
        self.words = words
        self.title = words.document_title.format(year=out["year"])
        self.format_line = words.format_line.format(title=fmt.title)
        self.table3_title, self.table4_title = fmt.table3.title, fmt.table4.title
        self.table3 = table3_grid(fmt.table3, out["table3"]["rows"])
        self.table4 = table4_grid(fmt.table4, out["table4"])
        self.layout = fmt.table3
        self.year, self.rows = out["year"], out["table3"]["rows"]
        # the labels of the columns and rows a failed check names
        names = {n[1]: n[0] for p in fmt.table3.header for n in _leaves(_tree(p))}
        row_names = {n[1]: n[0] for p in fmt.table3.rows for n in _leaves(_tree(p))}
        self.checks = [(c["check"], names.get(c["column"], c["column"]) if "column" in c
                        else row_names.get(c["row"], c["row"]), c["left"], c["right"]) for c in out["checks"]]


# ---------------------------------------------------------------- Markdown

def _md_cell(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def grid_markdown(g: Grid) -> str:
    at = g.at()
    lines = []
    for r in range(g.rows):
        cells = [_md_cell(at[(r, c)].text) if (r, c) in at else "" for c in range(g.cols)]
        lines.append("| " + " | ".join(cells) + " |")
        if r == 0:
            lines.append("|" + "|".join(":--" if c < g.label_cols else "--:" for c in range(g.cols)) + "|")
    return "\n".join(lines) + "\n"


def markdown(r: Rendered) -> str:
    w = r.words
    parts = [f"# {r.title}\n", f"{r.format_line}\n", f"## {r.table3_title}\n", grid_markdown(r.table3),
             f"## {r.table4_title}\n", grid_markdown(r.table4), f"## {w.checks_title}\n"]
    if r.checks:
        parts.append(grid_markdown(_checks_grid(r)))
    else:
        parts.append(f"{w.checks_ok}\n")
    return "\n".join(parts)


def _checks_grid(r: Rendered) -> Grid:
    g = Grid(rows=1 + len(r.checks), cols=4, head_rows=1, label_cols=2)
    for j, h in enumerate(r.words.checks_columns):
        g.cells.append(Cell(0, j, h, "head"))
    for i, row in enumerate(r.checks, 1):
        for j, v in enumerate(row):
            g.cells.append(Cell(i, j, str(v), "label" if j < 2 else "num"))
    return g


# ---------------------------------------------------------------- .xlsx

def display_width(s: str) -> float:
    """Width in units of one CJK character: wide and full-width characters 1, the others about a half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in s)


#: column widths (Excel units, about one Latin digit; a CJK character of the default font is about 2.1)
_CJK = 2.1
_LABEL_WIDTHS = (7.0, 13.0, 44.0)      # the row-label columns of table 三: 三、… / （三）… / 1.…
_NUM_WIDTH = 10.0
_LINE_PT = 15.0


def _widths(g: Grid) -> list[float]:
    labels = list(_LABEL_WIDTHS[-g.label_cols:]) if g.label_cols else []
    if len(labels) < g.label_cols:
        labels = [_LABEL_WIDTHS[-1]] * (g.label_cols - len(labels)) + labels
    return labels + [_NUM_WIDTH] * (g.cols - g.label_cols)


def _lines(text: str, width_units: float) -> int:
    per_line = max(1.0, width_units / _CJK - 0.5)
    return max(1, math.ceil(display_width(text) / per_line))


def _row_heights(g: Grid, widths: list[float]) -> list[float]:
    """Each row tall enough for the wrapped text of the cells it holds alone (a cell over several rows is
    given what those rows have, growing the last of them when it needs more)."""
    need = [1] * g.rows
    for c in sorted(g.cells, key=lambda c: c.rowspan):
        lines = _lines(c.text, sum(widths[c.col:c.col + c.colspan]))
        have = sum(need[c.row:c.row + c.rowspan])
        if lines > have:
            need[c.row + c.rowspan - 1] += lines - have
    return [n * _LINE_PT + 3 for n in need]


def xlsx(r: Rendered, target) -> None:
    """The workbook: a sheet per table (a title row, then the table with its merged headers and borders) and a
    third sheet of the checks."""
    from . import _xlsx
    book = _xlsx.Workbook(target)
    sheets = r.words.sheets
    for name, title, g, one_page in ((sheets[0], r.table3_title, r.table3, True),
                                     (sheets[1], r.table4_title, r.table4, False)):
        widths = _widths(g)
        _grid_sheet(book.sheet(name, widths, one_page=one_page), title, g, widths)
    cg = _checks_grid(r) if r.checks else None
    widths = [30.0, 30.0, 10.0, 10.0]
    sh = book.sheet(sheets[2], widths)
    sh.row([(r.words.checks_title, _xlsx.TITLE)], height=24)
    if cg is None:
        sh.row([r.words.checks_ok])
    else:
        _grid_rows(sh, cg, widths, first=2)
    book.close()


def _grid_sheet(sh, title: str, g: Grid, widths: list[float]) -> None:
    from . import _xlsx
    sh.row([(title, _xlsx.TITLE)], height=24)
    sh.merge(0, 0, 1, g.cols)
    _grid_rows(sh, g, widths, first=2)


def _grid_rows(sh, g: Grid, widths: list[float], first: int) -> None:
    from . import _xlsx
    style = {"corner": _xlsx.BOX_LABEL, "head": _xlsx.BOX_HEAD, "label": _xlsx.BOX_LABEL, "num": _xlsx.BOX_NUM}
    at = g.at()
    covered: dict[tuple[int, int], int] = {}
    for c in g.cells:
        for i in range(c.row, c.row + c.rowspan):
            for j in range(c.col, c.col + c.colspan):
                covered[(i, j)] = style[c.kind]
    heights = _row_heights(g, widths)
    for i in range(g.rows):
        cells = []
        for j in range(g.cols):
            c = at.get((i, j))
            if c is not None:
                cells.append((int(c.text) if c.kind == "num" and c.text.isdigit() else c.text, style[c.kind]))
            else:               # inside a merged range: an empty cell with the border, so the range is boxed
                cells.append((None, covered.get((i, j), _xlsx.BOX_LABEL)))
        sh.row(cells, height=heights[i])
    for c in g.merged():
        sh.merge(first - 1 + c.row, c.col, c.rowspan, c.colspan)


# ---------------------------------------------------------------- .docx

def docx(r: Rendered) -> bytes:
    from ._docx import tables_document
    w = r.words
    checks = ([w.checks_ok] if not r.checks else
              ["；".join(f"{h}：{v}" for h, v in zip(w.checks_columns, row)) for row in r.checks])
    return tables_document(r.title, r.format_line, [(r.table3_title, r.table3), (r.table4_title, r.table4)],
                           w.checks_title, checks)


# ---------------------------------------------------------------- the chart (SVG)

#: fonts the SVG asks for, first found wins (WenQuanYi Micro Hei on Linux, the Windows/macOS CJK fonts, then any
#: sans-serif)
FONT_FAMILY = ("'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', "
               "'PingFang SC', SimHei, sans-serif")
_COLOURS = ("#2b6cb0", "#2f855a", "#c05621", "#6b46c1", "#b7791f", "#c53030", "#2c7a7b", "#4a5568")


def chart_rows(r: Rendered) -> list[tuple[str, str, int | None, int]]:
    """The chart's lines, top to bottom: ``(kind, label, count, group)``, kind ``bar`` (a closing row of table 三)
    or ``group`` (a heading such as （三）不予公开 over its rows). The rows are the layout's closing rows: the
    parts of the row group that holds the closing dispositions (三、本年度办理结果), without its total."""
    out: list = []
    closing = set(r.rows) - {ROW_NEW, ROW_CARRIED_IN, ROW_TOTAL, ROW_CARRIED_OUT}
    for top in (_tree(p) for p in r.layout.rows):
        if not top[2] or not any(leaf[1] in closing for leaf in _leaves(top)):
            continue
        for k, part in enumerate(top[2]):
            if not part[2]:
                if part[1] != ROW_TOTAL:
                    out.append(("bar", part[0], r.rows[part[1]]["total"], k))
                continue
            out.append(("group", part[0], None, k))
            for leaf in _leaves(part):
                out.append(("bar", leaf[0], r.rows[leaf[1]]["total"], k))
    return out


def _wrap(text: str, width: float) -> list[str]:
    """``text`` in lines of at most ``width`` CJK characters."""
    lines, cur, w = [], "", 0.0
    for ch in text:
        cw = display_width(ch)
        if cur and w + cw > width:
            lines.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    return [*lines, cur] if cur else lines or [""]


def chart_svg(r: Rendered) -> str:
    """A horizontal bar chart of table 三's closing rows: a bar per row with its count at the bar's end, the
    rows grouped under their headings as in the table, the year's total (三（七）) in the title."""
    font = 14
    label_chars = 24                       # the label column wraps at this many CJK characters
    label_w = label_chars * font + 24
    bar_w, pad = 440, 20
    width = pad + label_w + bar_w + 60
    line_h = font + 6
    title = r.words.chart_title.format(year=r.year, total=r.rows[ROW_TOTAL]["total"])
    items = chart_rows(r)
    top = pad + 34
    most = max((n for kind, _, n, _ in items if kind == "bar"), default=0) or 1
    body = []
    y = top
    x0 = pad + label_w
    for kind, label, n, group in items:
        colour = _COLOURS[group % len(_COLOURS)]
        if kind == "group":
            body.append(f'<text x="{pad}" y="{y + font}" font-weight="bold" fill="{colour}">{escape(label)}</text>')
            y += line_h + 4
            continue
        lines = _wrap(label, label_chars - 1)
        h = max(len(lines) * line_h, 22)
        for k, ln in enumerate(lines):
            body.append(f'<text x="{pad + font}" y="{y + font + k * line_h}">{escape(ln)}</text>')
        w = round(bar_w * n / most, 1)
        body.append(f'<rect x="{x0}" y="{y + 2}" width="{w}" height="{min(h, 22) - 4}" fill="{colour}"/>')
        body.append(f'<text x="{x0 + w + 6}" y="{y + font}" class="n">{n}</text>')
        y += h + 6
    height = y + pad
    axis = f'<line x1="{x0}" y1="{top - 6}" x2="{x0}" y2="{y}" stroke="#888" stroke-width="1"/>'
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{escape(FONT_FAMILY)}" font-size="{font}">\n'
            f'<title>{escape(title)}</title>\n'
            '<style>.n { font-weight: bold; fill: #222; }</style>\n'
            f'<rect width="{width}" height="{height}" fill="#fff"/>\n'
            f'<text x="{width / 2}" y="{pad + 16}" text-anchor="middle" font-size="18" font-weight="bold">'
            f'{escape(title)}</text>\n' + "\n".join(body) + "\n" + axis + "\n</svg>\n")
