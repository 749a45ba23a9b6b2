"""Issue 10, parts 2 and 3 at the command line: files as users have them (BOM, GBK/GB18030, CRLF and CR,
CSV saved from Excel, XLSX), error lines that say which input and which line, and outputs people read
(table, CSV, XLSX, --summary, --compact, --output, the progress bar)."""
import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk_rules import _facts
from zwgk_rules._cli import main

ROOT = Path(__file__).resolve().parents[1]
CMD = [sys.executable, "-m", "zwgk_rules"]
REQ = {"id": "甲-1", "submission": {"channel": "in_person", "submitted_on": "2026-03-02"},
       "items": [{"description": "2025年度收费项目"}]}
DOC = {"id": "文-1", "title": "关于做好2026年政务公开工作的通知", "formed_on": "2026-03-02", "flags": ["public_interest"]}


def run(*args, env=None, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("timeout", 120)
    return subprocess.run([*CMD, *args], env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}, **kw)


def answers(r):
    return [json.loads(x) for x in r.stdout.decode("utf-8").splitlines()]


def _line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


# ------------------------------------------------------------------ encodings and line ends

def test_a_bom_file_answers_its_first_document(tmp_path):
    f = tmp_path / "bom.jsonl"
    f.write_bytes(b"\xef\xbb\xbf" + _line(REQ) + b"\n" + _line({**REQ, "id": "甲-2"}) + b"\n")
    r = run("decide", str(f))
    out = answers(r)
    assert r.returncode == 0, r.stderr
    assert [(a["id"], a["disposition"], a["deadline"]["due"]) for a in out] == [
        ("甲-1", "disclose", "2026-03-30"), ("甲-2", "disclose", "2026-03-30")]


def test_a_gbk_file_is_detected_and_read(tmp_path):
    f = tmp_path / "gbk.jsonl"
    f.write_bytes("\n".join(json.dumps(d, ensure_ascii=False) for d in (DOC, {**DOC, "id": "文-2", "flags": []}))
                  .encode("gbk") + b"\n")
    with pytest.raises(UnicodeDecodeError):
        f.read_bytes().decode("utf-8")
    r = run("classify", str(f))
    assert r.returncode == 0, r.stderr
    assert [(a["id"], a["doc_type"], a["attribute"]) for a in answers(r)] == [
        ("文-1", "通知", "proactive"), ("文-2", "通知", "on_request")]


def test_gb18030_beyond_gbk_and_a_named_encoding(tmp_path):
    f = tmp_path / "gb18030.jsonl"
    f.write_bytes(_line({**DOC, "title": "关于𠀾事项的通知"}).decode().encode("gb18030") + b"\n")
    r = run("classify", str(f), "--encoding", "gb18030")
    assert r.returncode == 0, r.stderr
    assert answers(r)[0]["doc_type"] == "通知"
    assert run("classify", str(f)).returncode == 0           # detected too
    bad = run("classify", str(f), "--encoding", "utf-16")
    assert bad.returncode == 2 and "不支持的编码" in bad.stderr.decode()
    assert run("classify", str(f), "--encoding", "no-such").returncode == 2


def test_a_gbk_line_in_a_utf8_file_is_an_error_line_that_says_what_to_do(tmp_path):
    f = tmp_path / "mixed.jsonl"
    f.write_bytes(_line(DOC) + b"\n" + _line({**DOC, "id": "文-2"}).decode().encode("gbk") + b"\n")
    r = run("classify", str(f))
    out = answers(r)
    assert r.returncode == 1
    assert out[0]["attribute"] == "proactive"
    assert out[1]["error"]["line"] == 2
    assert "--encoding gb18030" in out[1]["error"]["message"]


def test_crlf_and_cr_files_and_blank_lines_keep_line_numbers(tmp_path):
    bad = {**REQ, "id": "坏", "submission": {"channel": "online", "submitted_on": "2026-03-02"}}
    for name, eol in (("crlf.jsonl", b"\r\n"), ("cr.jsonl", b"\r"), ("lf.jsonl", b"\n")):
        f = tmp_path / name
        f.write_bytes(eol.join([_line(REQ), b"", _line(bad), b"  ", b"{oops", _line(REQ)]) + eol)
        r = run("decide", str(f))
        out = answers(r)
        assert r.returncode == 1
        assert len(out) == 4
        assert out[1] == {"id": "坏", "error": {
            "message": "submission.confirmed_on: 渠道 online 须提供该日期（第三十一条：以此日为收到申请之日）/ required for this channel",
            "field": "submission.confirmed_on", "line": 3}}, name
        assert out[2]["error"]["line"] == 5 and "id" not in out[2]
        assert out[3]["disposition"] == "disclose"


def test_a_crlf_split_between_two_blocks_is_one_line_end(monkeypatch):
    """The reader takes blocks of bytes: a CR ending one block and the LF starting the next are one line end."""
    from zwgk_rules import _cli
    monkeypatch.setattr(_cli, "_BLOCK", 7)
    data = b"\r\n".join([b'{"a":1}', b'{"b":22}', b"", b'{"c":333}', b'{"d":4}']) + b"\r\n"
    for cut in range(1, 30):
        monkeypatch.setattr(_cli, "_BLOCK", cut)
        chunks = list(_cli._chunks(_cli._frames(io.BytesIO(data), 1000), 2000))
        got = [(_cli._lineno(c, i), ln) for c in chunks for i, ln in enumerate(c)]
        assert got == [(1, b'{"a":1}'), (2, b'{"b":22}'), (4, b'{"c":333}'), (5, b'{"d":4}')], cut


def test_error_lines_name_id_and_line_also_with_workers(tmp_path):
    lines = []
    for k in range(3000):
        if k % 1000 == 7:
            lines.append(_line({**REQ, "id": f"r{k}", "nature": "nonsense"}))
        else:
            lines.append(_line({**REQ, "id": f"r{k}"}))
    f = tmp_path / "many.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    for jobs in ("1", "2"):
        r = run("decide", str(f), "--jobs", jobs)
        errors = [a for a in answers(r) if "error" in a]
        assert [(a["id"], a["error"]["line"], a["error"]["field"]) for a in errors] == [
            ("r7", 8, "nature"), ("r1007", 1008, "nature"), ("r2007", 2008, "nature")], jobs


def test_the_id_of_a_line_that_is_not_json_is_still_found(tmp_path):
    f = tmp_path / "broken.jsonl"
    f.write_text('{"id": "申-9", "submission": oops}\n', encoding="utf-8")
    assert answers(run("decide", str(f)))[0]["id"] == "申-9"


# ------------------------------------------------------------------ CSV and XLSX input

EXCEL_CSV = (
    "编号,提交方式,提交日期,签收日期,申请人类型,申请公开的信息,审查认定类别,能够区分处理,申请公开的信息2\r\n"
    "A-1,当面提交,2026/9/28,,自然人,2025年度行政事业性收费项目,,,\r\n"
    "A-2,邮寄,2026/3/2,2026/3/4,商业企业,某企业报送的工艺资料,商业秘密,,\r\n"
    'A-3,当面提交,2026年3月2日,,自然人,"会议纪要\r\n（两页）",国家秘密、内部事务信息,是,本局预算\r\n'
    "\r\n"
    "A-4,当面提交,2026/13/2,,自然人,x,,,\r\n"
    "A-5,当面提交,2026-03-02,,自然人,y,,也许,\r\n"
)


def _expect_excel_csv(out):
    assert [(a.get("id"), a.get("disposition"), (a.get("deadline") or {}).get("due")) for a in out[:3]] == [
        ("A-1", "disclose", "2026-10-30"), ("A-2", "pending", "2026-04-01"), ("A-3", "partial", "2026-03-30")]
    assert out[3] == {"id": "A-4", "error": {
        "message": "submission.submitted_on（列 '提交日期'）: 不是有效的日期 / not a valid date: '2026/13/2'",
        "field": "submission.submitted_on", "line": 6, "column": "提交日期"}}      # the row, as Excel numbers it
    assert out[4]["error"]["line"] == 7 and out[4]["error"]["column"] == "能够区分处理"
    assert "是/否" in out[4]["error"]["message"]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_an_excel_csv_gbk_or_utf8_with_bom_and_crlf(tmp_path, encoding):
    f = tmp_path / "台账.csv"
    f.write_bytes(EXCEL_CSV.encode(encoding))
    r = run("decide", str(f))
    assert r.returncode == 1, r.stderr
    _expect_excel_csv(answers(r))


def test_csv_from_stdin_with_input_format(tmp_path):
    r = run("decide", "-", "--input-format", "csv", input=EXCEL_CSV.encode("gbk"))
    _expect_excel_csv(answers(r))


def test_english_headers_dotted_and_indexed(tmp_path):
    f = tmp_path / "en.csv"
    f.write_text("id,submission.channel,submission.submitted_on,items.description,items.1.description,"
                 "items.1.categories,items.1.severable\n"
                 "e1,in_person,2026-03-02,a,b,state_secret,TRUE\n", encoding="utf-8")
    out = answers(run("decide", str(f)))
    assert out[0]["disposition"] == "partial"
    assert [i["disposition"] for i in out[0]["items"]] == ["disclose", "partial"]


def test_an_unknown_column_stops_the_command_with_a_suggestion(tmp_path):
    f = tmp_path / "typo.csv"
    f.write_text("编号,提交方试,提交日期\nx,当面提交,2026-03-02\n", encoding="utf-8")
    r = run("decide", str(f))
    err = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in err
    assert "'提交方试'" in err and "提交方式" in err


def test_a_cell_over_the_limit_and_a_value_without_header_are_row_errors(tmp_path):
    from zwgk_rules._limits import MAX_CELL_CHARS
    f = tmp_path / "big.csv"
    f.write_text(f"编号,标题,成文日期\nd1,{'长' * (MAX_CELL_CHARS + 1)},2026-03-02\nd2,关于x的通知,2026-03-02,多余\n"
                 "d3,关于y的通知,2026-03-02\n", encoding="utf-8")
    out = answers(run("classify", str(f)))
    assert out[0]["error"]["line"] == 2 and "32,767" in out[0]["error"]["message"]
    assert out[1] == {"id": "d2", "error": {"message": "第 D 列有值但没有表头 / column D has a value but no header",
                                             "field": None, "line": 3}}
    assert out[2]["attribute"] == "on_request"


def test_a_csv_record_over_the_line_limit_is_skipped_in_bounded_memory(tmp_path, monkeypatch, capsys):
    from zwgk_rules import _limits
    monkeypatch.setattr(_limits, "MAX_LINE_BYTES", 200)
    f = tmp_path / "long.csv"
    f.write_text("编号,标题,成文日期\n" f"d1,关于{'长' * 300}的通知,2026-03-02\n" "d2,关于y的通知,2026-03-02\n",
                 encoding="utf-8")
    from zwgk_rules import _cli
    for block in (1 << 20, 64):     # the long line in one block, or across many (skipped as it comes)
        monkeypatch.setattr(_cli, "_BLOCK", block)
        assert main(["classify", str(f)]) == 1
        out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        assert out[0]["error"]["line"] == 2 and "200" in out[0]["error"]["message"]
        assert out[1]["id"] == "d2" and out[1]["attribute"] == "on_request"


def _workbook(path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编号", "标题", "成文日期", "审查结论", "发文名义", "报上级机关"])
    ws.append(["文1", "关于做好2026年政务公开工作的通知", dt.datetime(2026, 3, 2), "涉及公众利益调整", None, False])
    ws.append([102, "关于印发考勤制度的通知", 46083, "internal_management", "内设机构名义", None])
    ws.append([None] * 6)
    ws.append(["文3", "关于某事项的请示", "2026年3月5日", None, "机关名义", True])
    ws.append(["文4", "关于某事项的函", dt.datetime(2026, 3, 5, 14, 30), None, None, None])
    wb.save(path)
    return path


def test_xlsx_input_built_with_openpyxl(tmp_path):
    f = _workbook(tmp_path / "公文.xlsx")
    r = run("classify", str(f))
    out = answers(r)
    assert r.returncode == 1, r.stderr
    assert [(a["id"], a.get("attribute"), a.get("publish_by")) for a in out[:3]] == [
        ("文1", "proactive", "2026-03-30"), ("102", "on_request", None), ("文3", "not_public", None)]
    assert out[3] == {"id": "文4", "error": {
        "message": "formed_on（列 '成文日期'）: 须为日期，不带时刻，收到 2026-03-05 14:30:00 / must be a date without a time",
        "field": "formed_on", "line": 6, "column": "成文日期"}}


def test_excel_serial_dates_in_both_date_systems():
    from zwgk_rules._tabular import _date
    assert _date(46083, 0) == "2026-03-02"
    assert _date("46083", 0) == "2026-03-02"
    assert _date(1, 0) == "1900-01-01" and _date(61, 0) == "1900-03-01"
    assert _date(44621, 1) == "2026-03-02"
    assert _date(dt.date(2026, 3, 2), 0) == "2026-03-02"
    with pytest.raises(ValueError):
        _date(46083.5, 0)


def test_xlsx_without_openpyxl_says_how_to_install(tmp_path, monkeypatch, capsys):
    f = tmp_path / "x.xlsx"
    f.write_bytes(b"PK")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert main(["classify", str(f)]) == 2
    assert "pip install 'zwgk-rules[xlsx]'" in capsys.readouterr().err
    # writing .xlsx needs nothing beyond the package itself
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(_line(DOC) + b"\n"), encoding="utf-8"))
    assert main(["classify", "-", "--format", "xlsx", "--output", str(tmp_path / "o.xlsx")]) == 0
    import zipfile
    assert "xl/worksheets/sheet1.xml" in zipfile.ZipFile(tmp_path / "o.xlsx").namelist()


def test_xlsx_over_the_size_limit_is_refused(tmp_path, monkeypatch, capsys):
    from zwgk_rules import _limits
    f = _workbook(tmp_path / "big.xlsx")
    monkeypatch.setattr(_limits, "MAX_XLSX_BYTES", 100)
    assert main(["classify", str(f)]) == 2
    assert "MiB" in capsys.readouterr().err


# ------------------------------------------------------------------ the labels: one place, documented

def test_every_input_field_has_one_label_and_the_docs_show_them():
    from zwgk_rules._models import DisclosureRequest, Document, Message
    from zwgk_rules._tabular import header_table, specs
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command, model, labels in (("decide", DisclosureRequest, _facts.REQUEST_LABELS),
                                   ("classify", Document, _facts.DOCUMENT_LABELS),
                                   ("interact", Message, _facts.MESSAGE_LABELS)):
        paths = set(specs(model, labels))
        assert paths == set(labels), command
        assert len(set(labels.values())) == len(labels), command
        assert not any(v[-1].isdigit() for v in labels.values())
        assert header_table(command) in docs, f"docs/cli.md: the header table of {command} is out of date"
    for values in (_facts.CHANNELS, _facts.APPLICANT_KINDS, _facts.NATURES, _facts.CATEGORIES, _facts.DOC_FLAGS,
                   _facts.ATTRIBUTES):
        words = [_facts.CODE_LABELS[v] for v in values]
        assert len(set(words)) == len(words)


# ------------------------------------------------------------------ outputs

def _reqs(tmp_path):
    f = tmp_path / "reqs.jsonl"
    f.write_bytes(b"\n".join([
        _line(REQ),
        _line({**REQ, "id": "甲-2", "items": [{"description": "工艺资料", "categories": ["trade_secret"]}]}),
        _line({**REQ, "id": "甲-3", "nature": "nonsense"}),
        _line({**REQ, "id": "甲-4", "items": [{"description": "a", "categories": ["state_secret"]},
                                             {"description": "b"}]}),
    ]) + b"\n")
    return f


def test_jsonl_stays_the_default_and_output_file_has_the_same_bytes(tmp_path):
    f = _reqs(tmp_path)
    plain = run("decide", str(f))
    o = tmp_path / "o.jsonl"
    to_file = run("decide", str(f), "--output", str(o))
    assert to_file.stdout == b"" and o.read_bytes() == plain.stdout
    assert run("decide", str(f), "--format", "jsonl").stdout == plain.stdout
    assert plain.stderr == b""          # no progress bar, no summary when not asked and not on a terminal


def test_compact_gives_citation_keys_without_text(tmp_path):
    out = answers(run("decide", str(_reqs(tmp_path)), "--compact"))
    assert out[0]["basis"] == ["ogi-2019:13:p1", "ogi-2019:36:i2"]
    assert out[1]["basis"] == ["ogi-2019:32", "ogi-2019:15"]
    assert out[1]["items"][0]["basis"] == ["ogi-2019:32", "ogi-2019:15"]
    assert "error" in out[2]
    docs = answers(run("classify", "-", "--compact", input=_line(DOC) + b"\n"))
    assert docs[0]["review"][0]["basis"] == ["ogi-2019:17:p2"]


def test_summary_counts_dispositions_and_lists_errors(tmp_path):
    r = run("decide", str(_reqs(tmp_path)), "--summary")
    err = r.stderr.decode()
    assert len(answers(r)) == 4
    assert "4 份输入 / inputs，3 份已答复 / answered，1 份错误 / errors" in err
    assert [ln.split() for ln in err.splitlines() if ln.startswith("    ") and "·" not in ln] == [
        ["予以公开", "1", "disclose"], ["部分公开", "1", "partial"], ["尚不能作出答复", "1", "pending"]]
    assert "    甲-3 · 3 · nature: 取值无效" in err


def test_csv_output_reads_back(tmp_path):
    o = tmp_path / "out.csv"
    r = run("decide", str(_reqs(tmp_path)), "--output", str(o))
    assert r.returncode == 1 and r.stdout == b""
    raw = o.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw        # what Excel opens as Chinese text
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["行"], r["编号"], r["处理结果"], r["答复期限"]) for r in rows] == [
        ("1", "甲-1", "予以公开", "2026-03-30"), ("2", "甲-2", "尚不能作出答复", "2026-03-30"),
        ("3", "甲-3", "错误", ""), ("4", "甲-4", "部分公开", "2026-03-30")]
    assert rows[1]["应办事项"] == "书面征求第三方意见"
    assert rows[1]["依据"] == "《政府信息公开条例》第三十二条、第十五条"
    assert rows[1]["依据（全称）"] == ("《中华人民共和国政府信息公开条例（2019年修订）》第三十二条；"
                                  "《中华人民共和国政府信息公开条例（2019年修订）》第十五条")
    assert rows[3]["各项结果"] == "1. a：不予公开：属于国家秘密\n2. b：予以公开"
    assert rows[2]["错误"].startswith("nature: 取值无效")


def test_xlsx_output_reads_back_with_a_summary_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    o = tmp_path / "out.xlsx"
    r = run("decide", str(_reqs(tmp_path)), "-o", str(o))
    assert r.returncode == 1 and r.stdout == b"", r.stderr
    wb = openpyxl.load_workbook(o)
    assert wb.sheetnames == ["结果", "汇总", "依据条文"]
    ws = wb["结果"]
    head = [c.value for c in ws[1]]
    assert head[:6] == ["行", "编号", "处理结果", "处理结果代码", "收到申请日期", "答复期限"]
    row = {h: c.value for h, c in zip(head, ws[2])}
    assert (row["行"], row["编号"], row["处理结果"], row["处理结果代码"]) == (1, "甲-1", "予以公开", "disclose")
    assert row["答复期限"] == dt.datetime(2026, 3, 30)          # a real date cell, sortable
    err = {h: c.value for h, c in zip(head, ws[4])}
    assert err["处理结果"] == "错误" and err["错误"].startswith("nature: 取值无效")
    summary = [[c.value for c in r] for r in wb["汇总"].iter_rows()]
    assert ["输入 / inputs", 4, None, None] in summary and ["错误 / errors", 1, None, None] in summary
    assert ["予以公开", 1, "disclose", None] in summary
    assert ["甲-3", 3, "nature", err["错误"].removesuffix("（nature）")] in summary or any(
        r[0] == "甲-3" and r[1] == 3 for r in summary)
    cites = {r[0].value: r[2].value for r in wb["依据条文"].iter_rows(min_row=2)}
    assert cites["ogi-2019:15"].startswith("涉及商业秘密、个人隐私")


def test_table_output_plain_and_rich(tmp_path, monkeypatch):
    from zwgk_rules._render import Columns, RowSink, TableRenderer, _width
    f = _reqs(tmp_path)
    r = run("decide", str(f), "--format", "table", env={"COLUMNS": "100"})
    text = r.stdout.decode()        # not a terminal: plain text
    assert [w for w in text.splitlines()[0].split() if w != "│"] == ["行", "编号", "处理结果", "答复期限", "应办事项", "依据"]
    assert "尚不能作出答复" in text and "书面征求第三方" in text and "取值无效" in text
    # drawn by rich (as on a terminal)
    pytest.importorskip("rich")
    out = io.StringIO()
    cols = Columns("decide")
    sink = RowSink(TableRenderer(out, cols, width=100, use_rich=True), cols, None)
    sink.take_inputs(f.read_bytes().splitlines())
    sink.write(run("decide", str(f)).stdout)
    sink.close()
    drawn = out.getvalue()
    assert drawn.splitlines()[0].split() == ["行", "编号", "处理结果", "答复期限", "应办事项", "依据"]
    assert "尚不能作出答复" in drawn and "书面征求第三方" in drawn and "取值无效" in drawn
    assert max(_width(ln) for ln in drawn.splitlines()) <= 100
    # the plain-text fallback (no rich): the same table with │ between columns, wide characters counted twice
    out = io.StringIO()
    cols = Columns("decide")
    sink = RowSink(TableRenderer(out, cols, width=100, use_rich=False), cols, None)
    sink.take_inputs([f.read_bytes().splitlines()[0]])
    sink.write(run("decide", str(f)).stdout.splitlines()[0] + b"\n")
    sink.close()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("行   │ 编号") and set(lines[1]) <= {"─", "┼"}
    assert lines[2].startswith("1    │ 甲-1") and "予以公开" in lines[2]

    def bars(line, mark="│"):     # where the column lines are, in terminal columns (Chinese counted twice)
        return [_width(line[:i]) for i, ch in enumerate(line) if ch == mark]
    assert bars(lines[0]) == bars(lines[1], "┼") == bars(lines[2]) and len(bars(lines[0])) == 5
    assert _width(lines[1]) <= 100


def test_progress_bar_only_on_a_terminal(tmp_path):
    from zwgk_rules._cli import _Progress
    from zwgk_rules._render import ProgressBar
    stream = io.StringIO()
    bar = ProgressBar(stream, 1000, lambda: 500)
    bar.DELAY = 0
    bar._show = lambda: setattr(bar, "shown", True)      # the plain fallback (as without rich)
    prog = _Progress()
    prog.sizes, prog.written_chunks = [2000, 2000], 2
    bar.start -= 2
    bar.update(prog)
    assert "4,000 份" in stream.getvalue() and "50%" in stream.getvalue() and "剩余约" in stream.getvalue()
    r = run("classify", str(tmp_path / "none.jsonl") if False else "-", input=_line(DOC) + b"\n")
    assert r.stderr == b""          # stderr is not a terminal here: nothing on it


def test_the_spreadsheet_limits_are_documented_with_their_values():
    import zwgk_rules._limits as limits
    doc = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    for name in ("MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_SHEET_ROWS", "MAX_XLSX_BYTES", "MAX_XLSX_PART_BYTES"):
        value = getattr(limits, name)
        row = next(line for line in doc.splitlines() if f"`{name}`" in line)
        assert f"{value:,}" in row or f"{value // 2**20} MiB" in row, (name, row)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from([b"a", b'{"x": 1}', b"\n", b"\r", b"\r\n", b" ", b"\t", b"\xe4\xb8\xad"]),
                       max_size=40),
       block=st.integers(1, 12))
def test_the_lines_of_any_mix_of_line_ends_and_blocks(monkeypatch, pieces, block):
    """``_frames`` gives ``splitlines``'s lines (LF, CR, CRLF; blank ones as 1, a blank last line without its end left
    out) whatever the blocks it reads, with or without CR in them (split at LF alone where there is none)."""
    from zwgk_rules import _cli
    data = b"".join(pieces)
    monkeypatch.setattr(_cli, "_BLOCK", block)
    got = [x for x in _cli._frames(io.BytesIO(data), 1000) if x is not _cli._IDLE]
    want = [p if p.strip() else 1 for p in data.splitlines()]
    if want and not data.endswith((b"\n", b"\r")) and want[-1] == 1:
        want.pop()
    assert got == want
