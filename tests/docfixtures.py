"""Document fixtures built by the tests themselves (no binary blobs): a 公文 laid out per GB/T 9704-2012 as lines,
written as .docx (python-docx), .pdf (reportlab, the built-in CID font STSong-Light), .ofd (XML in a zip, GB/T
33190-2016) or .txt (UTF-8 or GB18030); messy variants for the reader to cope with."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path


def gongwen(*, copy_number="000001", secrecy=None, urgency=None, issuer="XX市人民政府文件",
            doc_number="X政发〔2026〕3号", signer=None, title="关于加强城市管理工作的通知", addressee="各县（区）人民政府：",
            body=("为进一步加强城市管理工作，现就有关事项通知如下。",), attachments=None, signature="XX市人民政府",
            formed="2026年3月2日", note="（此件公开发布）", disclosure=None, cc="市委办公室，市人大常委会办公室。",
            printed=("XX市人民政府办公室", "2026年3月3日印发")) -> list[str]:
    """The lines of a 公文 in the order of GB/T 9704-2012 (None leaves an element out)."""
    lines: list[str] = []
    for x in (copy_number, secrecy, urgency, issuer):
        if x:
            lines.append(x)
    if doc_number:
        lines.append(doc_number + (f"        签发人：{signer}" if signer else ""))
    lines.append(title)
    if addressee:
        lines.append(addressee)
    lines.extend("　　" + b for b in body)
    if attachments:
        lines.append("　　附件：" + attachments[0])
        lines.extend("　　　　　" + a for a in attachments[1:])
    if signature:
        lines.append(signature)
    if formed:
        lines.append(formed)
    if note:
        lines.append("　　" + note)
    if disclosure:
        lines.append(disclosure)
    if cc:
        lines.append("抄送：" + cc)
    if printed:
        lines.append(f"{printed[0]}          {printed[1]}")
    return lines


def write_txt(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


def write_docx(path: Path, lines: list[str], *, table_tail: int = 0) -> Path:
    """A .docx, one paragraph a line; the last ``table_tail`` lines (the 版记) in a one-column table, as many
    offices lay it out."""
    import docx
    d = docx.Document()
    body, tail = (lines[:-table_tail], lines[-table_tail:]) if table_tail else (lines, [])
    for s in body:
        d.add_paragraph(s)
    if tail:
        t = d.add_table(rows=len(tail), cols=1)
        for k, s in enumerate(tail):
            t.cell(k, 0).text = s
    d.save(str(path))
    return path


def write_pdf(path: Path, lines: list[str], *, text: bool = True) -> Path:
    """A PDF with a text layer in STSong-Light (reportlab's CID font, no font file); ``text=False``: a page of
    drawn shapes only, like a scan."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    y = h - 60
    if not text:
        for k in range(30):
            c.rect(50, h - 60 - k * 20, 400, 10, fill=1)
    else:
        c.setFont("STSong-Light", 14)
        for s in lines:
            if y < 60:
                c.showPage()
                c.setFont("STSong-Light", 14)
                y = h - 60
            c.drawString(50, y, s)
            y -= 24
    c.save()
    return path


_OFD_NS = "http://www.ofdspec.org/2016"


def ofd_bytes(lines: list[str], *, per_page: int = 40, extra: dict | None = None, template: int = 0) -> bytes:
    """An OFD package (GB/T 33190-2016): OFD.xml → Doc_0/Document.xml → Pages/Page_N/Content.xml, one TextObject
    per line (two for a line with a wide gap, as layout tools write them). ``template``: the first that many lines
    (the red head) drawn on a template page (``TemplatePage``) that the first page uses, as 公文 systems do."""
    from xml.sax.saxutils import escape
    head, lines = lines[:template], lines[template:]
    buf = io.BytesIO()
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" '
                              f'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>test</ofd:DocID></ofd:DocInfo>'
                              f'<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        refs = "".join(f'<ofd:Page ID="{k + 10}" BaseLoc="Pages/Page_{k}/Content.xml"/>' for k in range(len(pages)))
        tpl = '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if head else ""
        z.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}">'
                                         f'<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID>{tpl}</ofd:CommonData>'
                                         f'<ofd:Pages>{refs}</ofd:Pages></ofd:Document>')
        if head:
            objs = "".join(f'<ofd:TextObject ID="{900 + j}" Boundary="25 {10 + j * 7} 160 6" Font="1" Size="8">'
                           f'<ofd:TextCode X="0" Y="5">{escape(s)}</ofd:TextCode></ofd:TextObject>' for j, s in enumerate(head))
            z.writestr("Doc_0/Tpls/Tpl_0/Content.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="'
                                                       f'{_OFD_NS}"><ofd:Content><ofd:Layer ID="899">{objs}</ofd:Layer>'
                                                       f'</ofd:Content></ofd:Page>')
        top = 10 + len(head) * 7
        for k, page in enumerate(pages):
            objs = []
            uses = '<ofd:Template TemplateID="2" ZOrder="Background"/>' if head and k == 0 else ""
            for j, s in enumerate(page):
                y = (top if k == 0 else 20) + j * 7
                parts = s.split("          ") if "          " in s else [s]
                x = 25
                for part in parts:
                    objs.append(f'<ofd:TextObject ID="{k * 1000 + j * 2 + len(objs)}" Boundary="{x} {y} 160 6" Font="1" '
                                f'Size="4.2"><ofd:TextCode X="0" Y="5">{escape(part)}</ofd:TextCode></ofd:TextObject>')
                    x += 90
            z.writestr(f"Doc_0/Pages/Page_{k}/Content.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}">{uses}<ofd:Content>'
                       f'<ofd:Layer ID="{k + 500}">{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>')
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def write_ofd(path: Path, lines: list[str], **kw) -> Path:
    path.write_bytes(ofd_bytes(lines, **kw))
    return path


WRITERS = {".txt": write_txt, ".docx": write_docx, ".pdf": write_pdf, ".ofd": write_ofd}
