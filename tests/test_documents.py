"""Issue 13: documents as files. ``zwgk classify`` reads .docx, .pdf, .ofd and .txt 公文 (built here, per GB/T
9704-2012 and in messy variants), returns their elements with positions, the facts they give, and the checks of
the attribute they carry (CONTRACT.md, "Documents as files")."""
import datetime as dt
import io
import json
import os
import sys
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docfixtures import WRITERS, gongwen, ofd_bytes, write_docx, write_pdf, write_txt
from zwgk_rules import _documents
from zwgk_rules._cli import main
from zwgk_rules._documents import Reader, check_digit, document_rules, extract, read_lines
from zwgk_rules._rulebook import default_rulebook

RB = default_rulebook()
R = document_rules(RB)

#: the standard layout of the fixture (an upward 请示 with every element of GB/T 9704-2012)
FULL = dict(secrecy="机密★5年", urgency="特急", signer="张三", title="关于加强城市管理工作的请示", addressee="省人民政府：",
            attachments=["1．城市管理工作方案", "2．责任单位名单"], disclosure="公开方式：主动公开")
FULL_ELEMENTS = {
    "copy_number": "000001", "secrecy": "机密★5年", "urgency": "特急", "issuer_mark": "XX市人民政府文件",
    "doc_number": "X政发〔2026〕3号", "signer": "张三", "title": "关于加强城市管理工作的请示", "addressee": "省人民政府",
    "attachments": "1．城市管理工作方案；2．责任单位名单", "formed_on": "2026-03-02", "note": "此件公开发布",
    "cc": "市委办公室，市人大常委会办公室", "printed_by": "XX市人民政府办公室", "printed_on": "2026-03-03",
    "disclosure_line": "公开方式：主动公开"}
FULL_POSITIONS = {"copy_number": 1, "secrecy": 2, "urgency": 3, "issuer_mark": 4, "doc_number": 5, "signer": 5,
                  "title": 6, "addressee": 7, "attachments": 9, "formed_on": 12, "note": 13, "disclosure_line": 14,
                  "cc": 15, "printed_by": 16, "printed_on": 16}


def _elements(path):
    return extract(read_lines(str(path)), R)


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines() if x.strip()], err


# ---------------------------------------------------------------- part 1 and 2: the four formats, the elements

@pytest.mark.parametrize("ext", [".txt", ".docx", ".pdf", ".ofd"])
def test_a_gongwen_laid_out_per_gbt9704_gives_every_element_with_its_line(tmp_path, ext):
    path = WRITERS[ext](tmp_path / f"doc{ext}", gongwen(**FULL))
    el, pos = _elements(path)
    assert el == FULL_ELEMENTS
    assert pos == FULL_POSITIONS


def test_an_ofd_whose_red_head_is_on_a_template_page(tmp_path):
    path = tmp_path / "tpl.ofd"
    path.write_bytes(ofd_bytes(gongwen(**FULL), template=4))
    el, pos = _elements(path)
    assert el == FULL_ELEMENTS and pos == FULL_POSITIONS


def test_a_gb18030_text_file_reads_like_utf8(tmp_path):
    path = write_txt(tmp_path / "gbk.txt", gongwen(**FULL), encoding="gb18030")
    assert _elements(path)[0] == FULL_ELEMENTS


def test_the_banji_in_a_docx_table_is_read(tmp_path):
    path = write_docx(tmp_path / "t.docx", gongwen(**FULL), table_tail=2)
    el, _ = _elements(path)
    assert (el["cc"], el["printed_by"], el["printed_on"]) == ("市委办公室，市人大常委会办公室", "XX市人民政府办公室",
                                                             "2026-03-03")


@pytest.mark.parametrize("written, read", [
    ("X政发[2026]3号", "X政发〔2026〕3号"),
    ("X政发［2026］3号", "X政发〔2026〕3号"),
    ("X政发【2026】3号", "X政发〔2026〕3号"),
    ("X政发（2026）3号", "X政发〔2026〕3号"),
    ("X政发﹝2026﹞03号", "X政发〔2026〕3号"),
    ("X政发 〔 2026 〕 3 号", "X政发〔2026〕3号"),
    ("Ｘ政发〔２０２６〕１２号", "X政发〔2026〕12号"),
])
def test_messy_doc_numbers_are_read_in_the_standard_form(tmp_path, written, read):
    el, _ = _elements(write_txt(tmp_path / "d.txt", gongwen(doc_number=written)))
    assert el["doc_number"] == read


@pytest.mark.parametrize("written, iso", [
    ("2026年3月2日", "2026-03-02"),
    ("2026年 3 月 2 日", "2026-03-02"),
    ("２０２６年３月２日", "2026-03-02"),
    ("二〇二六年三月二日", "2026-03-02"),
    ("二○二六年十二月三十一日", "2026-12-31"),
    ("二〇二六年十月二十日", "2026-10-20"),
])
def test_messy_dates_are_read_as_iso(tmp_path, written, iso):
    el, _ = _elements(write_txt(tmp_path / "d.txt", gongwen(formed=written)))
    assert el["formed_on"] == iso


def test_half_width_colons_and_brackets_and_a_title_over_two_lines(tmp_path):
    lines = gongwen(signer="李四", title="关于转发省政府关于做好2026年春耕生产工作的", note="(此件依申请公开)")
    lines.insert(lines.index("关于转发省政府关于做好2026年春耕生产工作的") + 1, "通知")
    lines = [x.replace("签发人：", "签发人:") for x in lines]
    el, pos = _elements(write_txt(tmp_path / "d.txt", lines))
    assert (el["signer"], el["title"], el["note"]) == ("李四", "关于转发省政府关于做好2026年春耕生产工作的通知", "此件依申请公开")
    assert pos["title"] == 4 and pos["addressee"] == 6


def test_a_doc_number_cited_in_the_body_is_not_the_documents_own(tmp_path):
    lines = ["关于做好防汛工作的通知", "各乡镇：", "　　根据X政发〔2025〕1号文件精神，现通知如下。", "2026年3月2日"]
    el, _ = _elements(write_txt(tmp_path / "d.txt", lines))
    assert (el["doc_number"], el["issuer_mark"], el["title"]) == (None, None, "关于做好防汛工作的通知")


def test_a_document_without_a_head_still_gives_its_title_and_date(tmp_path):
    lines = ["关于开展安全生产检查的通知", "各科室：", "　　请于3月底前完成检查。", "XX县司法局", "2026年3月2日"]
    el, pos = _elements(write_txt(tmp_path / "d.txt", lines))
    assert {k: v for k, v in el.items() if v is not None} == {
        "title": "关于开展安全生产检查的通知", "addressee": "各科室", "formed_on": "2026-03-02"}
    assert pos == {"title": 1, "addressee": 2, "formed_on": 5}


# ---------------------------------------------------------------- part 3: facts

def test_a_request_to_a_superior_is_not_public_by_its_nature(tmp_path):
    path = write_txt(tmp_path / "q.txt", gongwen(title="关于申请城市管理经费的请示", addressee="省财政厅：", note=None))
    ans = Reader(RB).answer(str(path))
    assert (ans["doc_type"], ans["attribute"], ans["marked_attribute"]) == ("请示", "not_public", None)
    assert "ogi2019.classify.art16.request_to_superior" in ans["trace"]
    assert ans["warnings"] == ["no_attribute_marked"]


def test_each_fact_says_where_it_came_from_and_its_basis(tmp_path):
    path = write_txt(tmp_path / "q.txt", gongwen(secrecy="秘密", title="关于申请经费的请示", note=None))
    (tmp_path / "q.json").write_text('{"issued_as": "office"}', encoding="utf-8")
    ans = Reader(RB).answer(str(path))
    got = {(f["field"], f["from"]): [(b["regulation"], b["article"], b["item"]) for b in f["basis"]]
           for f in ans["facts_from"]}
    assert got == {("title", "title"): [], ("formed_on", "formed_on"): [], ("flags", "secrecy"): [("ogi-2019", 14, None)],
                   ("addressed_to_superior", "title"): [("gongwen-2012", 8, 10), ("gongwen-2012", 8, 11)],
                   ("issued_as", "sidecar"): []}


def test_zwgk_check_loads_the_document_rules():
    from zwgk_rules._check import _over_time_findings
    assert _over_time_findings(RB) == []


def test_a_secrecy_mark_makes_a_state_secret_and_a_forward_title_a_forwarding_document(tmp_path):
    path = write_txt(tmp_path / "f.txt", gongwen(secrecy="秘密★1年", title="关于转发省政府办公厅文件的通知",
                                                 note="（此件不予公开）"))
    ans = Reader(RB).answer(str(path))
    assert ans["attribute"] == "not_public" and ans["trace"][0] == "ogi2019.classify.art14.state_secret"
    assert ans["marked_attribute"] == "not_public" and ans["warnings"] == []
    assert "forwards.attribute" in ans["missing_facts"] and "flags.state_secret" not in ans["missing_facts"]


def test_what_a_file_cannot_tell_is_listed_and_a_sidecar_supplies_it(tmp_path):
    path = write_txt(tmp_path / "n.txt", gongwen(note="（此件公开发布）"))
    plain = Reader(RB).answer(str(path))
    assert plain["attribute"] == "on_request" and plain["warnings"] == ["marked_attribute_differs"]
    assert plain["missing_facts"][:3] == ["flags.public_interest", "flags.public_awareness", "flags.organization"]
    (tmp_path / "n.json").write_text('{"flags": ["public_interest"]}', encoding="utf-8")
    ans = Reader(RB).answer(str(path))
    assert (ans["attribute"], ans["publish_by"], ans["missing_facts"], ans["warnings"]) == (
        "proactive", "2026-03-30", [], [])


def test_a_yaml_sidecar_and_the_sidecar_wins_over_the_file(tmp_path):
    path = write_txt(tmp_path / "y.txt", gongwen(formed="2026年3月2日", note=None))
    (tmp_path / "y.yaml").write_text("formed_on: 2026-04-01\nflags: [public_awareness]\n", encoding="utf-8")
    ans = Reader(RB).answer(str(path))
    assert (ans["elements"]["formed_on"], ans["attribute"], ans["publish_by"]) == ("2026-03-02", "proactive", "2026-04-30")


def test_a_bad_sidecar_is_an_error_line_naming_source_and_sidecar(tmp_path):
    path = write_txt(tmp_path / "b.txt", gongwen())
    (tmp_path / "b.json").write_text("{flags: oops", encoding="utf-8")
    ans = Reader(RB).answer(str(path))
    assert ans["source"] == str(path) and ans["error"]["field"] == "sidecar"


def test_no_date_is_an_error_line_asking_for_formed_on(tmp_path):
    ans = Reader(RB).answer(str(write_txt(tmp_path / "x.txt", gongwen(formed=None, printed=None))))
    assert ans["error"]["field"] == "formed_on" and "NAME.json" in ans["error"]["message"]


# ---------------------------------------------------------------- part 4: the checks

def test_a_secret_marked_public_is_an_error_and_not_public(tmp_path):
    path = write_txt(tmp_path / "s.txt", gongwen(secrecy="机密★5年"))
    (tmp_path / "s.json").write_text('{"flags": ["public_interest"]}', encoding="utf-8")
    ans = Reader(RB).answer(str(path))
    assert ans["attribute"] == "not_public" and ans["publish_by"] is None
    # the sidecar's flags replace the 密级's state_secret (CONTRACT.md): both errors are raised for the reviewer
    assert ans["warnings"] == ["secrecy_mark_overridden", "secret_marked_public", "marked_attribute_differs"]
    f = ans["findings"][1]
    assert (f["code"], f["severity"], f["basis"][0]["article"]) == ("secret_marked_public", "error", 14)


def test_a_request_marked_proactive_differs(tmp_path):
    path = write_txt(tmp_path / "q.txt", gongwen(title="关于申请经费的请示", disclosure="公开方式：主动公开", note=None))
    ans = Reader(RB).answer(str(path))
    assert (ans["marked_attribute"], ans["attribute"], ans["warnings"]) == ("proactive", "not_public",
                                                                            ["marked_attribute_differs"])


def test_note_and_disclosure_line_disagreeing_is_flagged(tmp_path):
    path = write_txt(tmp_path / "q.txt", gongwen(note="（此件依申请公开）", disclosure="公开方式：主动公开"))
    ans = Reader(RB).answer(str(path))
    assert ans["marked_attribute"] == "proactive" and "marks_disagree" in ans["warnings"]


def test_longling_requires_every_document_to_carry_an_attribute(tmp_path):
    path = write_txt(tmp_path / "l.txt", gongwen(note=None))
    ans = Reader(RB, jurisdiction="cn-yn-longling-sfj").answer(str(path))
    assert ans["warnings"] == ["no_attribute_marked", "issued_without_attribute"]
    f = ans["findings"][1]
    assert (f["severity"], f["basis"][0]["regulation"], f["basis"][0]["article"]) == ("error", "cn-yn-longling-sfj", 404)
    national = Reader(RB).answer(str(path))
    assert national["warnings"] == ["no_attribute_marked"]


def test_personal_data_is_flagged_where_found_and_masked(tmp_path):
    body = ("联系人：王五，手机13812345678。", "身份证号码110101199003077774（校验位有误的110101199003077778不算）。",
            "电话010-12345678，编号12345678901234567890。")
    ans = Reader(RB).answer(str(write_txt(tmp_path / "p.txt", gongwen(body=body))))
    f = next(x for x in ans["findings"] if x["code"] == "personal_data_suspected")
    assert f["where"] == [{"kind": "mobile", "line": 6, "masked": "138****5678"},
                          {"kind": "resident_id", "line": 7, "masked": "1101**********7774"}]
    assert "13812345678" not in json.dumps(ans, ensure_ascii=False)


# ---------------------------------------------------------------- unreadable files, untrusted files

def test_a_scanned_pdf_has_no_text_layer(tmp_path):
    ans = Reader(RB).answer(str(write_pdf(tmp_path / "scan.pdf", [], text=False)))
    assert "no text layer" in ans["error"]["message"] and ans["source"].endswith("scan.pdf")


@pytest.mark.parametrize("name, data, words", [
    ("bad.docx", b"PK\x03\x04 not a zip", "not a valid .docx"),
    ("bad.pdf", b"%PDF-1.4 garbage", "not a valid PDF"),
    ("bad.ofd", b"nothing", "not a valid .ofd"),
    ("bad.txt", b"\xff\xfe\x00\xd8\x81", "neither UTF-8 nor GB18030"),
])
def test_corrupt_files_are_error_lines(tmp_path, name, data, words):
    p = tmp_path / name
    p.write_bytes(data)
    assert words in Reader(RB).answer(str(p))["error"]["message"]


def test_ofd_with_a_dtd_or_a_path_out_of_the_package_is_refused(tmp_path):
    evil = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016">'
            '<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", evil)
    (tmp_path / "dtd.ofd").write_bytes(buf.getvalue())
    assert "DTD" in Reader(RB).answer(str(tmp_path / "dtd.ofd"))["error"]["message"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", '<OFD><DocBody><DocRoot>../../etc/passwd</DocRoot></DocBody></OFD>')
    (tmp_path / "out.ofd").write_bytes(buf.getvalue())
    assert "outside" in Reader(RB).answer(str(tmp_path / "out.ofd"))["error"]["message"]


def test_zip_members_and_file_size_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(_documents, "MAX_ZIP_MEMBERS", 3)
    p = tmp_path / "many.ofd"
    p.write_bytes(ofd_bytes(gongwen(), extra={f"junk/{k}.xml": "<a/>" for k in range(5)}))
    assert "more than 3 parts" in Reader(RB).answer(str(p))["error"]["message"]
    monkeypatch.setattr(_documents, "MAX_DOCUMENT_BYTES", 10)
    assert "larger than the limit" in Reader(RB).answer(str(write_txt(tmp_path / "big.txt", gongwen())))["error"]["message"]


def test_a_missing_reader_names_its_extra(tmp_path, monkeypatch):
    path = write_docx(tmp_path / "d.docx", gongwen())
    for name in ("docx", "docx.oxml", "docx.oxml.ns"):
        monkeypatch.setitem(sys.modules, name, None)
    msg = Reader(RB).answer(str(path))["error"]["message"]
    assert "pip install 'zwgk-rules[docx]'" in msg and "需要附加项" in msg
    monkeypatch.setitem(sys.modules, "pypdf", None)
    assert "zwgk-rules[pdf]" in Reader(RB).answer(str(write_pdf(tmp_path / "p.pdf", gongwen())))["error"]["message"]


# ---------------------------------------------------------------- the command line, part 5

@pytest.fixture()
def folder(tmp_path):
    d = tmp_path / "2026"
    (d / "b").mkdir(parents=True)
    write_docx(d / "b" / "02.docx", gongwen(title="关于申请经费的请示", note=None))
    write_txt(d / "a.txt", gongwen(note="（此件公开发布）"))
    (d / "a.json").write_text('{"flags": ["public_interest"]}', encoding="utf-8")
    write_pdf(d / "c.pdf", [], text=False)
    write_ofd(d / "b" / "01.ofd", gongwen(secrecy="机密", note="（此件公开发布）"))
    (d / "notes.md").write_text("not a document", encoding="utf-8")
    (d / "~$a.docx").write_bytes(b"lock")
    return d


def write_ofd(path, lines):
    path.write_bytes(ofd_bytes(lines))
    return path


def test_a_folder_in_sorted_path_order_with_error_lines_and_the_batch_going_on(folder, capsys):
    code, lines, _ = _cli(capsys, "classify", str(folder), "--compact")
    assert code == 1
    assert [x["source"] for x in lines] == [os.path.join(str(folder), p) for p in ("a.txt", "b/01.ofd", "b/02.docx",
                                                                                   "c.pdf")]
    assert [x.get("attribute") for x in lines] == ["proactive", "not_public", "not_public", None]
    assert lines[1]["warnings"][0] == "secret_marked_public"
    assert "no text layer" in lines[3]["error"]["message"]


def test_two_workers_give_the_same_lines_in_the_same_order(folder, capsys):
    one = _cli(capsys, "classify", str(folder), "--jobs", "1")
    two = _cli(capsys, "classify", str(folder), "--jobs", "2")
    assert one[0] == two[0] == 1 and one[1] == two[1] and len(one[1]) == 4


def test_facts_for_every_file_from_the_command_line(tmp_path, capsys):
    path = write_txt(tmp_path / "x.txt", gongwen())
    code, lines, _ = _cli(capsys, "classify", str(path), "--facts", '{"flags": ["public_awareness"]}')
    assert code == 0 and lines[0]["attribute"] == "proactive" and lines[0]["missing_facts"] == []
    assert main(["classify", str(path), "--facts", "[1]"]) == 2


def test_documents_cannot_be_mixed_with_jsonl(tmp_path, capsys):
    path = write_txt(tmp_path / "x.txt", gongwen())
    (tmp_path / "in.jsonl").write_text("{}\n", encoding="utf-8")
    assert main(["classify", str(path), str(tmp_path / "in.jsonl")]) == 2
    assert "cannot be mixed" in capsys.readouterr().err


def test_the_clerks_xlsx_and_csv(folder, tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "out.xlsx"
    assert main(["classify", str(folder), "-o", str(out)]) == 1
    ws = openpyxl.load_workbook(out).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:9] == ["序号", "文件", "标题", "文号", "成文日期", "标注属性", "认定属性", "事实", "公开期限"]
    assert rows[1][2:9] == ["关于加强城市管理工作的通知", "X政发〔2026〕3号", dt.datetime(2026, 3, 2), "主动公开", "主动公开",
                            "齐全", dt.datetime(2026, 3, 30)]
    assert rows[2][5:8] == ["主动公开", "不予公开", "待补充"] and rows[2][10].startswith("【错误】标有密级却标注公开发布")
    assert rows[3][5:7] == ["未标注", "不予公开"]
    assert rows[4][6] == "错误"
    csv_out = tmp_path / "out.csv"
    assert main(["classify", str(folder), "-o", str(csv_out)]) == 1
    text = csv_out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("序号,文件,标题,文号,成文日期,标注属性,认定属性,事实,公开期限,审查流程,提示,缺少的事实")


def test_progress_on_stderr_when_asked(folder, capsys):
    assert main(["classify", str(folder), "--progress", "--format", "table"]) == 1
    out, err = capsys.readouterr()
    assert "zwgk" in err and "关于加强城市管理工作的通知" in out


def test_a_symlink_out_of_the_folder_is_not_followed(tmp_path, capsys):
    outside = write_txt(tmp_path / "secret.txt", gongwen())
    d = tmp_path / "in"
    d.mkdir()
    os.symlink(outside, d / "link.txt")
    code, lines, _ = _cli(capsys, "classify", str(d))
    assert code == 1 and "outside the folder" in lines[0]["error"]["message"]


def test_read_document_in_python(tmp_path):
    import zwgk_rules
    ans = zwgk_rules.read_document(write_txt(tmp_path / "x.txt", gongwen()), facts={"flags": ["organization"]})
    assert (ans["attribute"], ans["elements"]["doc_number"]) == ("proactive", "X政发〔2026〕3号")


# ---------------------------------------------------------------- invariants

@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), st.integers(100000, 999999), st.integers(0, 999))
def test_a_resident_id_with_its_check_digit_is_found_and_any_other_check_digit_is_not(day, region, seq):
    first17 = f"{region}{day:%Y%m%d}{seq:03d}"
    good = first17 + check_digit(first17)
    assert _documents._id_ok(good)
    for c in "0123456789X":
        if c != good[-1]:
            assert not _documents._id_ok(first17 + c)


_CN = "〇一二三四五六七八九"


def _cn_small(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _CN[tens]) + "十" if tens else "") + (_CN[ones] if ones else "")


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(2008, 5, 1), dt.date(2099, 12, 31)), st.booleans(), st.booleans())
def test_a_date_written_any_way_reads_back_as_the_same_day(day, chinese, spaced):
    if chinese:
        text = "".join(_CN[int(c)] for c in str(day.year)) + f"年{_cn_small(day.month)}月{_cn_small(day.day)}日"
    else:
        text = f"{day.year}年{day.month}月{day.day}日"
    if spaced:
        text = " ".join(text)
    assert R.date(R.date_only.match(text.replace(" ", "")).groups()) == day.isoformat()


def test_the_sidecar_wins_over_a_secrecy_mark_and_the_reviewer_is_told(tmp_path):
    """CONTRACT.md: a sidecar's fields win over what was read, ``flags`` too (the drafter may know of a 解密). A 密级
    on the document that the given flags no longer carry is an error-level finding citing 第十四条 (国家秘密不予公开)."""
    path = write_txt(tmp_path / "o.txt", gongwen(secrecy="秘密★1年", note="（此件不予公开）"))
    (tmp_path / "o.json").write_text('{"flags": ["public_awareness"]}', encoding="utf-8")
    ans = Reader(RB).answer(str(path))
    assert (ans["attribute"], ans["marked_attribute"]) == ("proactive", "not_public")
    assert ans["warnings"] == ["secrecy_mark_overridden", "marked_attribute_differs"]
    f = ans["findings"][0]
    assert (f["code"], f["severity"]) == ("secrecy_mark_overridden", "error")
    assert [(b["regulation"], b["article"]) for b in f["basis"]] == [("ogi-2019", 14)]
    assert {"field": "flags", "value": ["public_awareness"], "from": "sidecar", "basis": []} in ans["facts_from"]
