"""The clerks' page at ``/`` (issue 12, part 4), in a real headless browser: the system's Chromium
(``/usr/bin/chromium``, Debian's package; scripts/install.sh installs it) driven by Playwright. The tests fill
the form, submit, read the answer on the page and take screenshots (kept in ``$ZWGK_RENDERS``, default a
temporary folder).

Skipped, saying why, without the server extra, Playwright or Chromium.
"""
import importlib.util
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
