"""The clerks' page at ``/`` (issue 12, part 4), in a real headless browser: the system's Chromium
(``/usr/bin/chromium``, Debian's package; scripts/install.sh installs it) driven by Playwright. The tests fill
the form, submit, read the answer on the page and take screenshots (kept in ``$ZWGK_RENDERS``, default a
temporary folder).

Skipped, saying why, without the server extra, Playwright or Chromium.
"""
import importlib.util
import io
import json
import os
import shutil
from pathlib import Path

import pytest

_MISSING = [m for m in ("fastapi", "uvicorn", "httpx", "playwright") if importlib.util.find_spec(m) is None]
if _MISSING:
    pytest.skip(f"the page's tests need the server extra and playwright (the test extra); missing: {', '.join(_MISSING)}",
                allow_module_level=True)
CHROMIUM = os.environ.get("ZWGK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("no Chromium: apt-get install chromium (scripts/install.sh does, as root)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

from test_server import EXAMPLES, Server  # noqa: E402


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    folder = Path(os.environ.get("ZWGK_RENDERS") or tmp_path_factory.mktemp("renders"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def page():
    server = Server()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
        pg = ctx.new_page()
        errors = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(server.url + "/")
        pg.wait_for_selector("body[data-ready='1']", timeout=15000)
        pg.errors = errors
        yield pg
        browser.close()
    server.stop()


def test_a_clerk_fills_in_a_request_and_sees_the_decision_and_the_calendar(page, renders):
    page.click("nav .tab[data-tab=decide]")
    page.fill("[name=id]", "2026-依申请-0001")
    page.select_option("#f-channel", "in_person")
    page.fill("[name=submitted_on]", "2026-09-28")
    page.fill("#items .item [name=description]", "2025年度本机关行政事业性收费项目")
    page.click("#add-item")
    second = page.locator("#items .item").nth(1)
    second.locator("[name=description]").fill("某企业报送的生产工艺资料")
    second.locator("[name=categories][value=trade_secret]").check()
    second.locator("[name=severable]").check()
    second.locator("[name=consent]").select_option("false")
    page.click("#decide-submit")
    page.wait_for_selector("#decision:not([hidden])")
    assert page.inner_text("#d-disposition") == "部分公开"
    assert page.inner_text("#d-due").startswith("2026年10月30日")
    assert page.inner_text("#d-extended").startswith("2026年11月27日")
    # the calendar: counted days numbered, holidays and 调休 working days marked, each with its reason on hover
    due = page.locator("#calendar td[data-date='2026-10-30']")
    assert "第20日" in due.inner_text() and "due" in due.get_attribute("class")
    holiday = page.locator("#calendar td[data-date='2026-10-01']")
    assert "k-holiday" in holiday.get_attribute("class") and "国庆节" in holiday.get_attribute("title")
    assert "法定节假日" in holiday.get_attribute("title")
    makeup = page.locator("#calendar td[data-date='2026-10-10']")
    assert "k-makeup_workday" in makeup.get_attribute("class") and "调休上班日" in makeup.get_attribute("title")
    assert "k-weekend" in page.locator("#calendar td[data-date='2026-10-11']").get_attribute("class")
    # a day's basis is named as the statute names it, not by its key (a clerk reads 《…》第…条)
    assert "依据：《中华人民共和国政府信息公开条例（2019年修订）》第三十三条第二款" in due.get_attribute("title")
    assert "ogi-2019:" not in due.get_attribute("title")
    assert "适用《中华人民共和国政府信息公开条例》（2019年修订" in page.inner_text("#d-badges")
    assert "第三十七条" in page.inner_text("#d-basis")
    assert page.locator("#d-items tbody tr").count() == 2
    page.screenshot(path=str(renders / "decide.png"), full_page=True)
    assert not page.errors


def test_a_consultation_is_shaded_and_a_missing_date_is_named(page, renders):
    page.click("nav .tab[data-tab=decide]")
    page.click("#paste summary")
    req = {"id": "征求意见", "submission": {"channel": "in_person", "submitted_on": "2026-06-01"},
           "consultations": [{"party": "third_party", "sent_on": "2026-06-05", "replied_on": "2026-06-15"}],
           "items": [{"description": "x", "categories": ["trade_secret"], "third_party": {"consent": True}}]}
    page.fill("#json-input", json.dumps(req, ensure_ascii=False))
    page.click("#decide-json")
    page.wait_for_function("document.querySelector('#d-due').textContent.startsWith('2026年7月8日')")
    cell = page.locator("#calendar td[data-date='2026-06-08']")
    assert "k-consultation" in cell.get_attribute("class") and "征求意见" in cell.get_attribute("title")
    page.screenshot(path=str(renders / "decide-consultation.png"), full_page=True)
    page.fill("#json-input", json.dumps({"submission": {"channel": "online", "submitted_on": "2026-06-01"},
                                         "items": [{"description": "x"}]}))
    page.click("#decide-json")
    page.wait_for_selector("#decide-error:not([hidden])")
    assert "确认收到日期" in page.inner_text("#decide-error")
    page.screenshot(path=str(renders / "decide-error.png"))


def test_a_clerk_uploads_documents_and_downloads_the_table(page, renders):
    page.click("nav .tab[data-tab=classify]")
    page.set_input_files("#classify-file", str(EXAMPLES / "documents.jsonl"))
    page.click("#classify-submit")
    page.wait_for_selector("#classify-out table")
    assert page.locator("#classify-out tbody tr").count() == 3
    assert "主动公开" in page.inner_text("#classify-out")
    page.screenshot(path=str(renders / "classify.png"), full_page=True)
    with page.expect_download() as dl:
        page.click("#classify-xlsx")
    path = dl.value.path()
    assert dl.value.suggested_filename.endswith(".xlsx") and Path(path).read_bytes()[:2] == b"PK"


def test_a_clerk_uploads_cases_and_sees_the_docket(page, renders):
    page.click("nav .tab[data-tab=docket]")
    page.set_input_files("#docket-file", str(EXAMPLES / "cases.jsonl"))
    page.fill("#docket-asof", "2026-03-20")
    page.click("#docket-submit")
    page.wait_for_function("document.querySelector('#docket-out').textContent.length > 0")
    assert "案件 2 件" in page.inner_text("#docket-counts")
    assert "案-2" in page.inner_text("#docket-out")
    # sections are HTML tables with Chinese headers, not a text dump
    assert page.locator("#docket-out table.data").count() >= 1
    assert "应当答复之日" in page.inner_text("#docket-out table.data >> nth=0")
    assert "等待缴费" in page.inner_text("#docket-out table.data >> nth=0")          # the status in words
    assert "await_payment" not in page.inner_text("#docket-out")                    # the next step too
    page.screenshot(path=str(renders / "docket.png"), full_page=True)
    with page.expect_download() as dl:
        page.click("#docket-xlsx")
    assert Path(dl.value.path()).read_bytes()[:2] == b"PK"
    assert not page.errors


def test_a_clerk_uploads_document_files_and_downloads_the_clerks_table(page, renders, tmp_path):
    """Several 公文 files at once (.docx, .txt, a .pdf when pypdf and reportlab are there, and a broken one): the
    table has a row per file with what the file says beside what the rules make of it; the xlsx is the same table."""
    import openpyxl

    from docfixtures import gongwen, write_docx, write_pdf, write_txt
    files = [write_docx(tmp_path / "关于加强城市管理工作的通知.docx", gongwen()),
             write_txt(tmp_path / "密件.txt", gongwen(secrecy="秘密★1年", doc_number="X政办发〔2026〕7号",
                                                     title="关于XX工作的通知"))]
    if importlib.util.find_spec("pypdf") and importlib.util.find_spec("reportlab"):
        files.append(write_pdf(tmp_path / "未标注.pdf", gongwen(note=None, doc_number="X政函〔2026〕12号",
                                                               title="关于XX事项的函")))
    broken = tmp_path / "坏了.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    files.append(broken)
    page.click("nav .tab[data-tab=classify]")
    page.set_input_files("#classify-file", [str(p) for p in files])
    assert page.inner_text("#classify-chosen").startswith(f"已选 {len(files)} 份：关于加强城市管理工作的通知.docx")
    page.click("#classify-submit")
    page.wait_for_selector("#classify-out table")
    table = page.locator("#classify-out table")
    heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    for h in ("文件", "标题", "文号", "成文日期", "标注属性", "认定属性", "公开期限", "审查流程", "提示", "错误"):
        assert h in heads, heads
    rows = table.locator("tbody tr")
    assert rows.count() == len(files)
    cell = lambda r, h: rows.nth(r).locator("td").nth(heads.index(h)).inner_text()      # noqa: E731
    assert [cell(k, "文件") for k in range(len(files))] == [p.name for p in files]
    assert cell(0, "文号") == "X政发〔2026〕3号" and cell(0, "标注属性") == "主动公开" and cell(0, "认定属性") == "依申请公开"
    assert "标注的公开属性与规则认定的不一致" in cell(0, "提示")
    assert cell(1, "认定属性") == "不予公开" and "【错误】标有密级却标注公开发布" in cell(1, "提示")
    if len(files) == 4:
        assert cell(2, "标注属性") == "未标注" and cell(2, "文号") == "X政函〔2026〕12号"
    assert "bad" in rows.nth(len(files) - 1).get_attribute("class")
    assert "alarm" in rows.nth(1).get_attribute("class") and "alarm" not in (rows.nth(0).get_attribute("class") or "")
    assert "不是有效的 .docx 文件" in cell(len(files) - 1, "错误")
    assert "读不了的 1 份" in page.inner_text("#classify-count")
    assert "补充文件中读不出的事实" in cell(0, "缺少的事实")          # not a NAME.json: an upload has no folder
    page.screenshot(path=str(renders / "web-documents-upload.png"), full_page=True)
    with page.expect_download() as dl:
        page.click("#classify-xlsx")
    assert dl.value.suggested_filename == "公文公开属性.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))["结果"]
    got = list(ws.iter_rows(values_only=True))
    assert got[0][1] == "文件" and [r[1] for r in got[1:]] == [p.name for p in files]
    # what a file cannot tell, given beside the upload (as --facts): the review found a public interest
    page.click("#classify-facts-box summary")
    page.check("#classify-flags input[value=public_interest]")
    assert "涉及公众利益调整" in page.inner_text("#classify-flags")
    page.set_input_files("#classify-file", [str(files[0])])
    page.click("#classify-submit")
    page.wait_for_selector("#classify-out table")
    heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    assert rows.count() == 1 and cell(0, "认定属性") == "主动公开" and cell(0, "公开期限") == "2026-03-30"
    assert cell(0, "事实") == "齐全"
    page.screenshot(path=str(renders / "web-documents-facts.png"), full_page=True)
    page.fill("#classify-facts", "[1]")                       # other facts: a JSON object, said in Chinese
    page.click("#classify-submit")
    page.wait_for_selector("#classify-error:not([hidden])")
    assert "须为 JSON 对象" in page.inner_text("#classify-error")
    page.fill("#classify-facts", "")
    # a 登记表 and 公文 files together: the clerk is told to send them apart
    page.set_input_files("#classify-file", [str(files[0]), str(EXAMPLES / "documents.jsonl")])
    page.click("#classify-submit")
    page.wait_for_selector("#classify-error:not([hidden])")
    assert "请分开上传" in page.inner_text("#classify-error")
    assert not page.errors
