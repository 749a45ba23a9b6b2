"""``zwgk report --format md|xlsx|docx`` and ``--chart``: the annual report laid out as the official tables 三 and 四
(issue 11, part 5), and ``_docx.gongwen``, the 公文 layout (GB/T 9704-2012). Expected values written by hand: the
labels are those of rules/national/report/formats.yaml (legal-facts §4), the counts from the cases below."""
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import docx
import openpyxl
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn

import zwgk_rules
from zwgk_rules import RuleFileError, _reportout
from zwgk_rules._docx import gongwen
from zwgk_rules._report import ReportRules, report

RB = zwgk_rules.Rulebook()
ENGINE = zwgk_rules.Engine("cn", rulebook=RB)


def case(cid, kind, submitted, events=(), **kw):
    return {"id": cid, "applicant": {"kind": kind}, "submission": {"channel": "in_person", "submitted_on": submitted},
            "items": [{}], "events": list(events), **kw}


def rendered(cases, year):
    out = report(list(enumerate(cases, 1)), year, rulebook=RB, engine_for=lambda j: ENGINE)
    return _reportout.Rendered(out, RB)


#: 2020 (gov-2019: 三（六） one row): p disclosed, its review still pending; q withdrawn (三（六）); r carried in and out
Y2020 = [
    case("p", "natural_person", "2020-03-02", [{"type": "replied", "on": "2020-03-20", "disposition": "disclose"},
                                                {"type": "review_filed", "on": "2020-04-01"}]),
    case("q", "enterprise", "2020-05-06", [{"type": "withdrawn", "on": "2020-05-08"}]),
    case("r", "nonprofit", "2019-12-30"),
]

#: 2025 (gov-2021): a disclosed, b withheld as a state secret and upheld on review, c not held and suing directly,
#: d lapsed (三（六）1), e carried out
Y2025 = [
    case("a", "natural_person", "2025-03-02", [{"type": "replied", "on": "2025-03-20", "disposition": "disclose"}]),
    case("b", "natural_person", "2025-05-06", [
        {"type": "replied", "on": "2025-05-20", "disposition": "withhold.state_secret"},
        {"type": "review_filed", "on": "2025-06-01"}, {"type": "review_decided", "on": "2025-08-01", "result": "upheld"}]),
    case("c", "research_institution", "2025-05-06", [
        {"type": "replied", "on": "2025-05-22", "disposition": "unavailable.not_held"},
        {"type": "suit_filed", "on": "2025-06-01"}]),
    case("d", "enterprise", "2025-04-01", [{"type": "correction_requested", "on": "2025-04-03", "due_on": "2025-04-15"}],
         content_clear=False),
    case("e", "other_org", "2025-12-29"),
]

MD_2020 = """\
# 2020年度政府信息公开工作年度报告（表三、表四）

格式：国办公开办函〔2019〕60号（2019、2020年度报告）

## 三、收到和处理政府信息公开申请情况

| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） |  |  | 申请人情况 |  |  |  |  |  |  |
|:--|:--|:--|--:|--:|--:|--:|--:|--:|--:|
|  |  |  | 自然人 | 法人或其他组织 |  |  |  |  | 总计 |
|  |  |  |  | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |  |
| 一、本年新收政府信息公开申请数量 |  |  | 1 | 1 | 0 | 0 | 0 | 0 | 2 |
| 二、上年结转政府信息公开申请数量 |  |  | 0 | 0 | 0 | 1 | 0 | 0 | 1 |
| 三、本年度办理结果 | （一）予以公开 |  | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
|  | （二）部分公开（区分处理的，只计这一情形，不计其他情形） |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  | （三）不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 3.危及“三安全一稳定” | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 4.保护第三方合法权益 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 5.属于三类内部事务信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 6.属于四类过程性信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 7.属于行政执法案卷 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 8.属于行政查询事项 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  | （四）无法提供 | 1.本机关不掌握相关政府信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 2.没有现成信息需要另行制作 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 3.补正后申请内容仍不明确 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  | （五）不予处理 | 1.信访举报投诉类申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 2.重复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 3.要求提供公开出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 4.无正当理由大量反复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  |  | 5.要求行政机关确认或重新出具已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
|  | （六）其他处理 |  | 0 | 1 | 0 | 0 | 0 | 0 | 1 |
|  | （七）总计 |  | 1 | 1 | 0 | 0 | 0 | 0 | 2 |
| 四、结转下年度继续办理 |  |  | 0 | 0 | 0 | 1 | 0 | 0 | 1 |

## 四、政府信息公开行政复议、行政诉讼情况

| 行政复议 |  |  |  |  | 行政诉讼 |  |  |  |  |  |  |  |  |  |
|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
|  |  |  |  |  | 未经复议直接起诉 |  |  |  |  | 复议后起诉 |  |  |  |  |
| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
| 0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |

## 勾稽关系检查

勾稽关系全部成立。
"""


# ---------------------------------------------------------------- Markdown

def test_markdown_lays_out_the_2019_format_with_one_other_row():
    assert _reportout.markdown(rendered(Y2020, 2020)) == MD_2020


def test_markdown_of_2025_has_the_three_other_rows_of_the_2021_format():
    md = _reportout.markdown(rendered(Y2025, 2025))
    assert "格式：国办公开办函〔2021〕30号（2021年度报告起）" in md
    assert "|  | （六）其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 1 | 0 | 0 | 0 | 0 | 1 |" in md
    assert "|  |  | 3.其他 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |" in md
    assert "| 1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 0 |" in md       # table 四


def test_a_failed_check_is_listed_with_the_labels_of_its_column_and_row():
    r = rendered(Y2020, 2020)
    r.checks = [("一＋二＝三（七）＋四", "自然人", 2, 1)]
    md = _reportout.markdown(r)
    assert md.endswith("## 勾稽关系检查\n\n| 勾稽关系 | 列或行 | 左边 | 右边 |\n|:--|:--|--:|--:|\n"
                       "| 一＋二＝三（七）＋四 | 自然人 | 2 | 1 |\n")
    out = report(list(enumerate(Y2020, 1)), 2020, rulebook=RB, engine_for=lambda j: ENGINE)
    out["checks"] = [{"check": "总计列＝各列之和", "row": "new", "left": 2, "right": 3}]
    assert _reportout.Rendered(out, RB).checks == [("总计列＝各列之和", "一、本年新收政府信息公开申请数量", 2, 3)]


# ---------------------------------------------------------------- .xlsx

def _workbook(r):
    buf = io.BytesIO()
    _reportout.xlsx(r, buf)
    buf.seek(0)
    return openpyxl.load_workbook(buf)


def test_xlsx_has_a_sheet_per_table_with_the_official_merged_headers():
    wb = _workbook(rendered(Y2025, 2025))
    assert wb.sheetnames == ["表三", "表四", "勾稽检查"]
    t3 = wb["表三"]
    assert sorted(str(m) for m in t3.merged_cells.ranges) == sorted([
        "A1:J1",                                     # the title row
        "A2:C4", "D2:J2", "D3:D4", "E3:I3", "J3:J4",  # the corner, 申请人情况, 自然人, 法人或其他组织, 总计
        "A5:C5", "A6:C6", "A7:A28", "B7:C7", "B8:C8",  # 一, 二, 三 over its rows, （一）, （二）
        "B9:B16", "B17:B19", "B20:B24", "B25:B27",     # （三）to （六） over their numbered rows
        "B28:C28", "A29:C29"])                         # （七）总计, 四
    assert t3["A1"].value == "三、收到和处理政府信息公开申请情况"
    assert (t3["D2"].value, t3["D3"].value, t3["E3"].value, t3["E4"].value, t3["J3"].value) == (
        "申请人情况", "自然人", "法人或其他组织", "商业企业", "总计")
    assert (t3["A7"].value, t3["B9"].value, t3["C9"].value, t3["C25"].value) == (
        "三、本年度办理结果", "（三）不予公开", "1.属于国家秘密",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    assert [t3.cell(5, c).value for c in range(4, 11)] == [2, 1, 1, 0, 0, 1, 5]         # 一、本年新收
    assert [t3.cell(9, c).value for c in (4, 10)] == [1, 1]                            # 三（三）1
    assert [t3.cell(25, c).value for c in (5, 10)] == [1, 1]                           # 三（六）1
    assert [t3.cell(29, c).value for c in (9, 10)] == [1, 1]                           # 四、结转下年度
    # boxed: every cell of the table has its border, inside a merged range too
    assert t3["D5"].border.left.style == "thin" and t3["B10"].border.left.style == "thin"
    assert t3.column_dimensions["C"].width == 44 and t3.column_dimensions["D"].width == 10
    t4 = wb["表四"]
    assert sorted(str(m) for m in t4.merged_cells.ranges) == ["A1:O1", "A2:E3", "F2:O2", "F3:J3", "K3:O3"]
    assert (t4["A2"].value, t4["F2"].value, t4["F3"].value, t4["K3"].value) == (
        "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉")
    assert [t4.cell(4, c).value for c in range(1, 6)] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [t4.cell(5, c).value for c in range(1, 16)] == [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    checks = wb["勾稽检查"]
    assert (checks["A1"].value, checks["A2"].value) == ("勾稽关系检查", "勾稽关系全部成立。")


# ---------------------------------------------------------------- .docx

def test_docx_holds_both_tables_with_their_cells_merged_as_the_format():
    d = docx.Document(io.BytesIO(_reportout.docx(rendered(Y2020, 2020))))
    t3, t4 = d.tables
    assert (len(t3.rows), len(t3.columns), len(t4.rows), len(t4.columns)) == (26, 10, 4, 15)
    assert [c.text for c in t3.rows[1].cells] == [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 3 + [
        "自然人", *["法人或其他组织"] * 5, "总计"]
    assert [c.text for c in t3.rows[3].cells] == ["一、本年新收政府信息公开申请数量"] * 3 + [
        "1", "1", "0", "0", "0", "0", "2"]
    assert [c.text for c in t3.rows[23].cells][:4] == ["三、本年度办理结果", "（六）其他处理", "（六）其他处理", "0"]
    assert [t3.rows[i]._tr.tc_lst[0].vMerge for i in (5, 6, 24)] == ["restart", "continue", "continue"]  # 三's rows
    assert t3.cell(0, 3)._tc is t3.cell(0, 9)._tc                  # 申请人情况 is one cell over seven columns
    assert [c.text for c in t4.rows[3].cells][:5] == ["0", "0", "0", "1", "1"]
    text = [p.text for p in d.paragraphs]
    assert text[:2] == ["2020年度政府信息公开工作年度报告（表三、表四）", "格式：国办公开办函〔2019〕60号（2019、2020年度报告）"]
    assert "三、收到和处理政府信息公开申请情况" in text and "勾稽关系全部成立。" in text


# ---------------------------------------------------------------- the chart

def test_the_chart_is_svg_with_a_bar_and_count_per_closing_row_and_the_total_in_the_title():
    svg = _reportout.chart_svg(rendered(Y2025, 2025))
    root = ET.fromstring(svg.encode())
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(ns + "text")]
    assert texts[0] == "2025年度政府信息公开申请办理结果（总计 4 件）"
    assert "（三）不予公开" in texts and "1.属于国家秘密" in texts and "（七）总计" not in texts
    bars = [r for r in root.iter(ns + "rect")][1:]            # the first is the background
    assert len(bars) == 21                                    # 三（一）至三（六）3 in the 2021 format
    widths = [float(b.get("width")) for b in bars]
    assert widths.count(440.0) == 4 and widths.count(0.0) == 17   # four rows of 1 (the longest bar), the rest 0
    i = texts.index("1.属于国家秘密")
    assert texts[i + 1] == "1"                                # its count, at the bar's end
    assert "WenQuanYi Micro Hei" in root.get("font-family")
    two_line = [t for t in texts if t and t.startswith("1.申请人无正当理由")]
    assert two_line and len(two_line[0]) < 24                 # the long label wraps instead of running into the bars


def test_the_2020_chart_has_one_other_row():
    svg = _reportout.chart_svg(rendered(Y2020, 2020))
    root = ET.fromstring(svg.encode())
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "（六）其他处理" in texts and "3.其他" not in texts
    assert texts[0] == "2020年度政府信息公开申请办理结果（总计 2 件）"


# ---------------------------------------------------------------- the layout is checked when the rules load

def test_a_layout_that_leaves_out_a_row_is_a_rule_file_error():
    from zwgk_rules._resources import rules_root
    from zwgk_rules._resources import load_yaml
    data = load_yaml(rules_root() / "national" / "report" / "formats.yaml")
    rows = data["formats"][1]["table3"]["rows"]
    rows[2]["parts"] = [p for p in rows[2]["parts"] if p.get("code") != "partial"]
    with pytest.raises(RuleFileError) as e:
        ReportRules(RB, data)
    assert e.value.field == "formats.1.table3.rows" and "partial" in e.value.message


def test_a_layout_part_with_both_a_code_and_parts_is_a_rule_file_error():
    from zwgk_rules._resources import rules_root
    from zwgk_rules._resources import load_yaml
    data = load_yaml(rules_root() / "national" / "report" / "formats.yaml")
    data["formats"][0]["table4"]["header"][0]["parts"] = [{"code": "x", "label": "x"}]
    with pytest.raises(RuleFileError) as e:
        ReportRules(RB, data)
    assert e.value.field.startswith("formats.0.table4.header.0")


# ---------------------------------------------------------------- the command line

def _zwgk(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "zwgk_rules", *args], capture_output=True, timeout=120, cwd=cwd)


def _year_file(tmp_path, cases):
    f = tmp_path / "year.jsonl"
    f.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n", encoding="utf-8")
    return f


def test_the_command_writes_each_format_and_the_chart(tmp_path):
    f = _year_file(tmp_path, Y2020)
    r = _zwgk("report", "--year", "2020", "--format", "md", str(f))
    assert r.returncode == 0 and r.stdout.decode() == MD_2020
    r = _zwgk("report", "--year", "2020", "-o", str(tmp_path / "r.xlsx"), "--chart", str(tmp_path / "c.svg"), str(f))
    assert r.returncode == 0 and r.stdout == b""
    assert openpyxl.load_workbook(tmp_path / "r.xlsx")["表三"]["D5"].value == 1
    assert ET.parse(tmp_path / "c.svg").getroot().tag == "{http://www.w3.org/2000/svg}svg"
    r = _zwgk("report", "--year", "2020", "-o", str(tmp_path / "r.docx"), str(f))
    assert r.returncode == 0 and docx.Document(str(tmp_path / "r.docx")).tables[0].cell(3, 3).text == "1"
    r = _zwgk("report", "--year", "2020", "-o", str(tmp_path / "r.json"), str(f))
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["format"] == "gov-2019"


def test_a_bad_case_is_the_same_json_error_line_whatever_the_format_and_nothing_is_written(tmp_path):
    f = _year_file(tmp_path, [*Y2020[:2], case("z", "natural_person", "2020-03-02", [{"type": "replied"}])])
    for fmt in ("md", "xlsx", "docx"):
        out = tmp_path / f"r.{fmt}"
        r = _zwgk("report", "--year", "2020", "--format", fmt, "-o", str(out), "--chart", str(tmp_path / "c.svg"), str(f))
        assert r.returncode == 1
        err = json.loads(r.stdout)["error"]
        assert (err["line"], err["field"]) == (3, "events.0.on")
        assert not out.exists() and not (tmp_path / "c.svg").exists()


def test_a_chart_that_is_not_svg_is_refused_before_anything_runs(tmp_path):
    r = _zwgk("report", "--year", "2020", "--chart", str(tmp_path / "c.png"), str(_year_file(tmp_path, Y2020)))
    assert r.returncode == 2 and b"SVG" in r.stderr and not (tmp_path / "c.png").exists()


# ---------------------------------------------------------------- the 公文 layout

NOTICE = dict(
    title="示例县司法局政府信息公开申请答复告知书",
    to="张三",
    paragraphs=["本机关于2026年3月2日收到您提出的政府信息公开申请。经审查，现答复如下：",
                "您申请获取的政府信息属于公开范围，本机关决定予以公开。"],
    signer="示例县司法局",
    date_text="2026年3月20日",
    note="联系人：李四，电话：0000-1234567",
)


def _east_asian_font(run):
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def test_gongwen_page_is_a4_with_the_standard_margins():
    d = docx.Document(io.BytesIO(gongwen(**NOTICE)))
    s = d.sections[0]
    got = [round(x.mm, 1) for x in (s.page_width, s.page_height, s.top_margin, s.left_margin, s.right_margin,
                                    s.bottom_margin)]
    assert got == [210.0, 297.0, 37.0, 28.0, 26.0, 35.0]                     # 版心 156 × 225 mm
    grid = s._sectPr.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch"))) == ("lines", "579")


def test_gongwen_title_addressee_body_signature_and_note_as_the_standard_sets_them():
    d = docx.Document(io.BytesIO(gongwen(**NOTICE)))
    ps = d.paragraphs
    assert [p.text for p in ps] == [
        "示例县司法局政府信息公开申请答复告知书", "", "张三：", *NOTICE["paragraphs"], "", "示例县司法局", "2026年3月20日",
        "（联系人：李四，电话：0000-1234567）"]
    title, _, to, body1, body2, _, signer, date, note = ps
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert (_east_asian_font(title.runs[0]), title.runs[0].font.size.pt) == ("方正小标宋简体", 22.0)
    assert (_east_asian_font(to.runs[0]), to.runs[0].font.size.pt, to.paragraph_format.first_line_indent) == (
        "仿宋_GB2312", 16.0, None)                                            # 主送机关 顶格
    for p in (body1, body2):
        assert _east_asian_font(p.runs[0]) == "仿宋_GB2312" and p.runs[0].font.size.pt == 16.0
        assert p.paragraph_format.first_line_indent.pt == 32.0             # 空二字
        assert p._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
        assert p.runs[0]._r.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"   # 28 characters a line
    normal = d.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY and normal.line_spacing.pt == 28.95
    assert signer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.paragraph_format.right_indent.pt == 64.0                    # 成文日期 右空四字
    # 署名 centred over the date: 6 characters over 年月日 and 7 digits (0.55 each), 6.85; the centre 4 + 6.85 / 2
    # characters from the right margin
    assert signer.paragraph_format.right_indent.pt == pytest.approx((4 + 6.85 / 2 - 3) * 16, abs=0.2)
    assert note.paragraph_format.first_line_indent.pt == 32.0             # 附注 居左空二字


def test_gongwen_names_east_asian_fonts_with_alternates_in_the_font_table():
    d = docx.Document(io.BytesIO(gongwen(**{**NOTICE, "to": None, "note": None})))
    assert [p.text for p in d.paragraphs][2] == NOTICE["paragraphs"][0]       # no 主送机关 line
    assert d.paragraphs[-1].text == "2026年3月20日"                          # no 附注
    rfonts = d.styles["Normal"].element.rPr.rFonts
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    blob = d.part.part_related_by(RT.FONT_TABLE).blob.decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>' in blob
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in blob
