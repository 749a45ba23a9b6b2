"""``zwgk serve`` (issue 12, part 3): a real server process started here, ``httpx`` as the client.

Every answer is compared with the command line's own output for the same input (the acceptance cases of
``../shared/acceptance/cases`` when they are there, the examples otherwise), byte for byte; the limits, the
decision log and pack upload are checked on a second server started with small limits; schemathesis sends
requests generated from the OpenAPI document and no answer may be a server error.

These tests need the ``server`` extra (fastapi, uvicorn) and httpx (in the ``test`` extra): without them
they are skipped, saying so.
"""
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

_MISSING = [m for m in ("fastapi", "uvicorn", "httpx") if importlib.util.find_spec(m) is None]
if _MISSING:
    pytest.skip(f"zwgk serve needs the server extra and httpx (pip install 'zwgk-rules[server,test]'); missing: "
                f"{', '.join(_MISSING)}", allow_module_level=True)

import httpx  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ACCEPTANCE = ROOT.parent / "shared" / "acceptance" / "cases"


class Server:
    """``zwgk serve --port 0 ARGS`` in a subprocess: its address read from stderr, ready once /healthz answers."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "zwgk_rules", "serve", "--port", "0", *args],
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        line = self.proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, f"zwgk serve did not say where it listens: {line!r}"
        self.url = f"http://127.0.0.1:{m.group(1)}"
        self.client = httpx.Client(base_url=self.url, timeout=60)
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "zwgk serve did not become healthy in 30 s"
            time.sleep(0.05)

    def stop(self) -> None:
        self.client.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc.stderr.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "decisions.jsonl"
    s = Server("--decision-log", str(log))
    s.log = log
    yield s
    s.stop()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A server with a 4 KiB body limit, one request at a time, and pack upload allowed."""
    s = Server("--max-body", "4096", "--max-concurrency", "1", "--allow-pack-upload", "--max-files", "3")
    yield s
    s.stop()


def cli(*args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run([sys.executable, "-m", "zwgk_rules", *args], input=stdin, capture_output=True,
                          check=False).stdout


def acceptance(command: str) -> list[dict]:
    cases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(ACCEPTANCE.glob("*.json"))] \
        if ACCEPTANCE.is_dir() else []
    return [c for c in cases if c["command"] == command]


def inputs(command: str) -> list[bytes]:
    """The inputs of ``command``: its acceptance cases, else the examples (one compact JSON line each)."""
    cases = acceptance(command)
    if cases:
        return [json.dumps(c["input"], ensure_ascii=False).encode() for c in cases]
    name = {"decide": "requests.jsonl", "classify": "documents.jsonl", "case": "cases.jsonl",
            "notice": "notices.jsonl"}[command]
    return [ln for ln in (EXAMPLES / name).read_bytes().splitlines() if ln.strip()]


# ---------------------------------------------------------------------------- answers are the CLI's


@pytest.mark.parametrize("command", ["decide", "classify", "case", "notice"])
def test_each_single_endpoint_answers_as_the_command_line_does_byte_for_byte(server, tmp_path, command):
    lines = inputs(command)
    for n, line in enumerate(lines):
        f = tmp_path / f"in{n}.json"
        f.write_bytes(line)
    # one CLI run per input file would be slow: the JSONL run gives the same answers, with "line" in error lines
    want = cli(command, "-", stdin=b"\n".join(lines)).splitlines()
    assert len(want) == len(lines)
    for n, line in enumerate(lines):
        r = server.client.post(f"/v1/{command}", content=line, headers={"content-type": "application/json"})
        expected = want[n]
        if "error" in json.loads(expected):
            assert r.status_code == 422, r.text
            got, exp = json.loads(r.content), json.loads(expected)
            assert got["error"]["line"] == 1 and exp["error"]["line"] == n + 1
            del got["error"]["line"], exp["error"]["line"]
            assert got == exp
        else:
            assert r.status_code == 200, r.text
            assert r.content == expected + b"\n"


@pytest.mark.parametrize("command", ["decide", "classify", "case", "notice"])
def test_the_batch_endpoint_answers_a_jsonl_stream_as_the_command_line_does(server, command):
    body = b"\n".join(inputs(command)) + b"\n\n"
    r = server.client.post(f"/v1/batch/{command}", content=body, headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    assert r.content == cli(command, "-", stdin=body)


def test_the_example_request_file_as_it_is(server):
    body = (EXAMPLES / "request.json").read_bytes()
    r = server.client.post("/v1/decide", content=body)
    assert r.status_code == 200
    assert r.content == cli("decide", str(EXAMPLES / "request.json"))
    d = r.json()
    assert d["id"] == "2026-依申请-0001" and d["disposition"] == "partial"
    assert d["deadline"]["due"] == "2026-10-30" and d["deadline"]["extended_due"] == "2026-11-27"


def test_literal_answers_of_acceptance_cases(server):
    d01 = {"submission": {"channel": "in_person", "submitted_on": "2026-09-28"}, "items": [{"description": "x"}]}
    d = server.client.post("/v1/decide", json=d01).json()
    assert (d["disposition"], d["final"], d["regime"]) == ("disclose", True, "ogi-2019")
    assert (d["deadline"]["received_on"], d["deadline"]["due"], d["deadline"]["extended_due"]) == \
        ("2026-09-28", "2026-10-30", "2026-11-27")
    assert [c["article"] for c in d["basis"]] == [13, 36]
    explained = server.client.post("/v1/decide?explain=true", json=d01).json()["deadline"]["explain"]
    first = {s["date"]: s for s in explained}
    assert first["2026-10-01"]["reason"] == "holiday" and first["2026-10-01"]["name"] == "国庆节"
    assert first["2026-10-30"]["count"] == 20


def test_a_json_array_batch_answers_each_element_in_order(server):
    lines = inputs("decide")[:3]
    body = b"[" + b",".join(lines) + b", 5]"
    r = server.client.post("/v1/batch/decide", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200
    out = r.json()
    assert len(out) == 4
    want = [json.loads(x) for x in cli("decide", "-", stdin=b"\n".join(lines)).splitlines()]
    assert out[:3] == want
    assert out[3]["error"]["line"] == 4


def test_report_docket_and_check_are_the_command_lines(server, tmp_path):
    cases = acceptance("report")
    for c in cases or [{"input": [json.loads(x) for x in inputs("case")], "args": ["--year", "2026"]}]:
        body = "\n".join(json.dumps(x, ensure_ascii=False) for x in c["input"]).encode()
        year = c["args"][c["args"].index("--year") + 1]
        r = server.client.post(f"/v1/report?year={year}", content=body)
        f = tmp_path / "cases.jsonl"
        f.write_bytes(body)
        assert r.status_code == 200 and r.content == cli("report", str(f), "--year", year)
    r = server.client.post("/v1/docket?as_of=2026-03-20", content=(EXAMPLES / "cases.jsonl").read_bytes())
    assert r.status_code == 200
    assert r.content == cli("docket", str(EXAMPLES / "cases.jsonl"), "--as-of", "2026-03-20")
    assert r.json()["waiting_applicant"][0]["id"] == "案-2"
    x = server.client.post("/v1/docket?as_of=2026-03-20&format=xlsx", content=(EXAMPLES / "cases.jsonl").read_bytes())
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert server.client.get("/v1/check").content == cli("check", "--json")
    bad = server.client.post("/v1/report?year=2025", content=b'{"not json\n')
    assert bad.status_code == 422 and bad.json()["error"]["line"] == 1


def test_classify_takes_csv_and_xlsx_and_gives_an_xlsx(server, tmp_path):
    csv = tmp_path / "docs.csv"
    subprocess.run([sys.executable, "-m", "zwgk_rules", "classify", str(EXAMPLES / "documents.jsonl"), "--format", "csv",
                    "-o", str(tmp_path / "out.csv")], check=True)
    # the same documents as a spreadsheet a clerk keeps: written back from the JSONL's own fields
    rows = [json.loads(x) for x in (EXAMPLES / "documents.jsonl").read_bytes().splitlines() if x.strip()]
    keys = ["id", "jurisdiction", "doc_type", "title", "formed_on"]
    csv.write_text(",".join(keys) + "\n" + "".join(",".join(str(r.get(k, "")) for k in keys) + "\n" for r in rows),
                   encoding="utf-8")
    r = server.client.post("/v1/batch/classify", content=csv.read_bytes(), headers={"content-type": "text/csv"})
    assert r.status_code == 200
    assert r.content == cli("classify", str(csv))
    x = server.client.post("/v1/batch/classify?format=xlsx", content=(EXAMPLES / "documents.jsonl").read_bytes())
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert x.headers["content-disposition"].endswith('.xlsx"')
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames[0] == "结果" and wb["结果"].max_row == len(rows) + 1


# ---------------------------------------------------------------------------- documents as files, uploaded


def _documents(tmp_path):
    """Generated 公文 (tests/docfixtures.py): a .docx marked 公开发布, a .txt with a 密级 marked 公开发布 (GB18030),
    a .pdf without a mark when pypdf and reportlab are there, and a file that is not a .docx at all."""
    from docfixtures import gongwen, write_docx, write_pdf, write_txt
    files = [write_docx(tmp_path / "通知.docx", gongwen()),
             write_txt(tmp_path / "密件.txt", gongwen(secrecy="秘密★1年", doc_number="X政办发[2026]7号"),
                       encoding="gb18030")]
    if importlib.util.find_spec("pypdf") and importlib.util.find_spec("reportlab"):
        files.append(write_pdf(tmp_path / "未标注.pdf", gongwen(note=None, doc_number="X政函〔2026〕12号")))
    broken = tmp_path / "坏了.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    files.append(broken)
    return files


def _upload(paths, names=None):
    return [("files", (name, p.read_bytes())) for p, name in zip(paths, names or [p.name for p in paths])]


def test_uploaded_documents_are_answered_as_zwgk_classify_answers_the_files(server, tmp_path):
    paths = _documents(tmp_path)
    r = server.client.post("/v1/classify/documents", files=_upload(paths))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/x-ndjson")
    got = [json.loads(x) for x in r.content.splitlines()]
    want = [json.loads(x) for x in cli("classify", *map(str, paths)).splitlines()]
    assert len(got) == len(want) == len(paths)
    for g, w, p in zip(got, want, paths):
        assert w["source"] == str(p)
        assert g == {**w, "source": p.name}          # the name, never a path of the server's or the caller's
    by = {a["source"]: a for a in got}
    docx = by["通知.docx"]
    assert (docx["attribute"], docx["marked_attribute"]) == ("on_request", "proactive")
    assert docx["elements"]["doc_number"] == "X政发〔2026〕3号" and docx["elements"]["formed_on"] == "2026-03-02"
    assert docx["warnings"] == ["marked_attribute_differs"]
    secret = by["密件.txt"]
    assert secret["attribute"] == "not_public" and secret["elements"]["doc_number"] == "X政办发〔2026〕7号"
    assert "secret_marked_public" in secret["warnings"]
    assert {"code": "secret_marked_public", "severity": "error"}.items() <= secret["findings"][0].items()
    if "未标注.pdf" in by:
        assert by["未标注.pdf"]["warnings"] == ["no_attribute_marked"] and by["未标注.pdf"]["marked_attribute"] is None
        assert by["未标注.pdf"]["elements"]["doc_number"] == "X政函〔2026〕12号"
    bad = by["坏了.docx"]
    assert set(bad) == {"source", "error"} and "不是有效的 .docx 文件" in bad["error"]["message"]


def test_an_upload_as_a_raw_body_and_facts_beside_it(server, tmp_path):
    from docfixtures import gongwen, write_txt
    f = write_txt(tmp_path / "a.txt", gongwen())
    r = server.client.post("/v1/classify/documents", params={"filename": "请示.txt"}, content=f.read_bytes(),
                           headers={"content-type": "application/octet-stream"})
    assert r.status_code == 200 and json.loads(r.content)["source"] == "请示.txt"
    assert json.loads(r.content)["attribute"] == "on_request"
    facts = {"flags": ["public_interest"]}
    both = server.client.post("/v1/classify/documents", files=_upload([f]),
                              data={"facts": json.dumps(facts)})
    d = json.loads(both.content)
    want = json.loads(cli("classify", str(f), "--facts", json.dumps(facts)))
    assert d == {**want, "source": "a.txt"} and d["attribute"] == "proactive"
    assert {"field": "flags", "value": ["public_interest"], "from": "--facts", "basis": []} in d["facts_from"]


def test_a_traversal_file_name_is_only_a_name(server, tmp_path):
    from docfixtures import gongwen, write_docx, write_txt
    f = write_docx(tmp_path / "x.docx", gongwen())
    t = write_txt(tmp_path / "y.txt", gongwen())
    names = ["../../etc/x.docx", "..\\..\\windows\\y.txt", "/etc/passwd", "..", "a\x00b.txt"]
    r = server.client.post("/v1/classify/documents",
                           files=_upload([f, t, t, t, t], names))
    assert r.status_code == 200, r.text
    got = [json.loads(x) for x in r.content.splitlines()]
    # httpx, like browsers, sends a NUL in a name as %00: the name as sent, harmless
    assert [a["source"] for a in got] == ["x.docx", "y.txt", "passwd", "文件4", "a%00b.txt"]
    assert got[0]["elements"]["doc_number"] == "X政发〔2026〕3号" and got[1]["attribute"] == "on_request"
    assert "不是可读取的公文文件" in got[2]["error"]["message"] and "不是可读取的公文文件" in got[3]["error"]["message"]
    assert not Path("/etc/x.docx").exists()
    from zwgk_rules._server import safe_filename
    assert safe_filename("a\x00b\n.txt", 1) == "ab.txt" and safe_filename("  ../.hidden.docx ", 2) == "hidden.docx"
    assert safe_filename("C:\\Users\\x\\通知.docx", 3) == "通知.docx" and safe_filename("/", 5) == "文件5"
    long = safe_filename("长" * 500 + ".docx", 1)
    assert len(long) == 200 and long.endswith(".docx")


def test_the_clerks_table_of_uploaded_documents_as_xlsx_csv_and_text(server, tmp_path):
    import openpyxl
    paths = _documents(tmp_path)
    x = server.client.post("/v1/classify/documents?format=xlsx", files=_upload(paths))
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert x.headers["content-disposition"] == 'attachment; filename="classify-documents.xlsx"'
    ws = openpyxl.load_workbook(io.BytesIO(x.content))["结果"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:11] == ["序号", "文件", "标题", "文号", "成文日期", "标注属性", "认定属性", "事实", "公开期限", "审查流程", "提示"]
    assert [r[1] for r in rows[1:]] == [p.name for p in paths]
    secret = rows[2]
    assert secret[head.index("认定属性")] == "不予公开" and secret[head.index("标注属性")] == "主动公开"
    assert "【错误】" in secret[head.index("提示")]
    assert rows[-1][head.index("认定属性")] == "错误" and rows[-1][head.index("错误")]
    c = server.client.post("/v1/classify/documents?format=csv", files=_upload(paths))
    assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")
    assert "X政办发〔2026〕7号" in c.text
    t = server.client.post("/v1/classify/documents?format=table", files=_upload(paths[:1]))
    assert t.status_code == 200 and "通知.docx" in t.text


def test_uploads_that_cannot_be_answered_say_why(server, small, tmp_path):
    from docfixtures import gongwen, write_txt
    f = write_txt(tmp_path / "a.txt", gongwen(body=("短。",), cc=None, printed=None))
    many = small.client.post("/v1/classify/documents", files=_upload([f] * 4, [f"{k}.txt" for k in range(4)]))
    assert many.status_code == 413, many.text
    assert many.json()["error"]["field"] == "files" and "至多上传 3 个文件" in many.json()["error"]["message"]
    assert small.client.post("/v1/classify/documents", files=_upload([f] * 3)).status_code == 200
    none = server.client.post("/v1/classify/documents", files={"other": ("x.txt", b"x")})
    assert none.status_code == 422 and none.json()["error"]["field"] == "files"
    raw = server.client.post("/v1/classify/documents", content=f.read_bytes())
    assert raw.status_code == 422 and raw.json()["error"]["field"] == "filename"
    facts = server.client.post("/v1/classify/documents", files=_upload([f]), data={"facts": "[1, 2]"})
    assert facts.status_code == 422 and facts.json()["error"]["field"] == "facts"
    pack = server.client.post("/v1/classify/documents?jurisdiction=cn-nowhere", files=_upload([f]))
    assert pack.status_code == 422 and pack.json()["error"]["field"] == "jurisdiction"
    torn = server.client.post("/v1/classify/documents", content=b"--xyz\r\nContent-Disposition: form-data",
                              headers={"content-type": "multipart/form-data; boundary=xyz"})
    assert torn.status_code == 422 and "multipart" in torn.json()["error"]["message"]


def test_a_missing_reader_is_named_as_the_command_line_names_it(monkeypatch, tmp_path):
    """Without python-docx, an uploaded .docx is an error line with the command line's message (the others are
    answered)."""
    from docfixtures import gongwen, write_docx, write_txt

    from zwgk_rules import _documents
    from zwgk_rules._server import Service
    d = write_docx(tmp_path / "a.docx", gongwen()).read_bytes()
    t = write_txt(tmp_path / "b.txt", gongwen()).read_bytes()
    for mod in [m for m in sys.modules if m == "docx" or m.startswith("docx.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "docx", None)
    out = [json.loads(x) for x in Service().documents([("a.docx", d), ("b.txt", t)], "jsonl").splitlines()]
    assert out[0] == {"source": "a.docx", "error": {"message": _documents._missing_extra("docx", ".docx").message,
                                                    "field": None}}
    assert "pip install 'zwgk-rules[docx]'" in out[0]["error"]["message"] and out[1]["attribute"] == "on_request"


# ---------------------------------------------------------------------------- errors, limits, safety


def test_errors_name_the_field_with_422(server):
    r = server.client.post("/v1/decide", json={"submission": {"channel": "online", "submitted_on": "2026-09-28"},
                                               "items": [{"description": "x"}]})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "submission.confirmed_on"
    r = server.client.post("/v1/decide", content=b"")
    assert r.status_code == 422 and "error" in r.json()
    r = server.client.post("/v1/decide?jurisdiction=cn-gz-shaomx", json={})
    assert r.status_code == 422 and r.json()["error"]["field"] == "jurisdiction"
    r = server.client.get("/v1/nothing")
    assert r.status_code == 404 and r.json()["error"]["message"]
    r = server.client.get("/v1/calendar?from=2026-01-01&to=2027-12-31")
    assert r.status_code == 422 and r.json()["error"]["field"] == "to"


def test_the_body_limit_gives_413_and_busy_gives_503(small):
    big = b'{"items": [' + b'{"description": "x"},' * 400 + b'{}]}'
    r = small.client.post("/v1/decide", content=big)
    assert r.status_code == 413 and r.json()["error"]["field"] == "body"

    def slow():
        yield b'{"submission": '
        time.sleep(1.5)
        yield b'{"channel": "in_person", "submitted_on": "2026-09-28"}, "items": [{"description": "x"}]}'

    results = {}
    t = threading.Thread(target=lambda: results.update(r=httpx.post(small.url + "/v1/decide", content=slow(),
                                                                     timeout=30)))
    t.start()
    time.sleep(0.5)
    busy = small.client.post("/v1/decide", json={})
    t.join()
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1" and "error" in busy.json()
    assert results["r"].status_code == 200
    assert small.client.get("/healthz").status_code == 200


def test_packs_are_loaded_over_http_only_when_allowed(server, small):
    pack = EXAMPLES / "packs" / "cn-xx-shili-sfj"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in sorted(pack.rglob("*")):
            if p.is_file():
                z.write(p, "cn-xx-shili-sfj/" + p.relative_to(pack).as_posix())
    assert server.client.post("/v1/packs", content=buf.getvalue()).status_code == 403
    before = small.client.get("/v1/version").json()["rules_hash"]
    r = small.client.post("/v1/packs", content=buf.getvalue(), headers={"content-type": "application/zip"})
    if r.status_code == 413:          # the small server's body limit is 4 KiB: send it to a roomier one
        big = Server("--allow-pack-upload")
        try:
            r = big.client.post("/v1/packs", content=buf.getvalue())
            assert r.status_code == 200, r.text
            assert r.json()["added"] == ["cn-xx-shili-sfj"]
            assert big.client.get("/v1/version").json()["rules_hash"] != before
            assert "cn-xx-shili-sfj" in [p["id"] for p in big.client.get("/v1/packs").json()]
            evil = io.BytesIO()
            with zipfile.ZipFile(evil, "w") as z:
                z.writestr("../escape.yaml", "x: 1\n")
            bad = big.client.post("/v1/packs", content=evil.getvalue())
            assert bad.status_code == 422 and "escape" in bad.json()["error"]["message"]
            code = io.BytesIO()
            with zipfile.ZipFile(code, "w") as z:
                z.writestr("p/pack.py", "import os\n")
            assert big.client.post("/v1/packs", content=code.getvalue()).status_code == 422
        finally:
            big.stop()
    else:
        assert r.status_code == 200, r.text


def test_version_hash_and_the_decision_log(server):
    from zwgk_rules._rulebook import default_rulebook
    from zwgk_rules._server import rules_hash
    v = server.client.get("/v1/version").json()
    assert v["rules_hash"] == rules_hash(default_rulebook())
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", v["rules_hash"])
    body = b'{"id": "log-1", "submission": {"channel": "in_person", "submitted_on": "2026-09-28"}, "items": [{}]}'
    answer = server.client.post("/v1/decide", content=body).content
    entries = [json.loads(x) for x in server.log.read_bytes().splitlines()]
    mine = [e for e in entries if e["answer"].get("id") == "log-1"]
    assert mine and set(mine[-1]) == {"id", "time", "endpoint", "rules_hash", "input_hash", "answer"}
    import hashlib
    assert mine[-1]["input_hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
    assert mine[-1]["rules_hash"] == v["rules_hash"] and mine[-1]["answer"] == json.loads(answer)


def test_the_calendar_endpoint_gives_each_days_kind_and_reason(server):
    days = {d["date"]: d for d in server.client.get("/v1/calendar?calendar=cn&from=2026-09-26&to=2026-10-11").json()["days"]}
    assert days["2026-10-01"]["reason"] == "holiday" and days["2026-10-01"]["name"] == "国庆节"
    assert days["2026-10-11"]["reason"] == "weekend" and not days["2026-10-11"]["working"]
    assert days["2026-10-10"]["reason"] == "makeup_workday" and days["2026-10-10"]["working"]     # 调休上班日
    assert days["2026-09-26"]["reason"] == "holiday" and days["2026-09-26"]["name"] == "中秋节"
    assert days["2026-09-28"] == {"date": "2026-09-28", "working": True, "reason": "workday", "name": None,
                                  "source": None, "basis": None}
    assert len(days) == 16


def test_citation_keys_are_named_for_the_page_and_a_bad_key_is_422(server):
    got = server.client.get("/v1/citations?keys=ogi-2019:33:p2,civil-code:203:p1").json()
    assert got["ogi-2019:33:p2"]["label"] == "《中华人民共和国政府信息公开条例（2019年修订）》第三十三条第二款"
    assert got["civil-code:203:p1"]["text"] == "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。"
    bad = server.client.get("/v1/citations?keys=ogi-2019:999")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "keys"
    labels = server.client.get("/v1/labels").json()
    assert labels["regimes"]["ogi-2008"].startswith("《中华人民共和国政府信息公开条例》")


def test_the_openapi_document_comes_from_the_models(server):
    doc = server.client.get("/openapi.json").json()
    comps = doc["components"]["schemas"]
    assert comps["Submission"]["properties"]["channel"]["enum"] == ["in_person", "post", "ordinary_mail", "online", "fax"]
    assert doc["paths"]["/v1/decide"]["post"]["requestBody"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/DisclosureRequest"}
    for path in ("/v1/decide", "/v1/classify", "/v1/case", "/v1/notice", "/v1/report", "/v1/docket", "/v1/check",
                 "/v1/batch/decide", "/v1/packs", "/v1/version", "/healthz", "/v1/classify/documents"):
        assert path in doc["paths"], path
    upload = doc["paths"]["/v1/classify/documents"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["files"]["items"] == {"type": "string", "format": "binary"} and "facts" in form["properties"]
    assert {p["name"] for p in upload["parameters"]} == {"format", "jurisdiction", "filename", "facts"}


def test_the_page_and_its_files_are_served(server):
    page = server.client.get("/")
    assert page.status_code == 200 and "政府信息公开" in page.text
    assert server.client.get("/static/app.js").status_code == 200
    assert server.client.get("/static/..%2F_server.py").status_code == 404


# ---------------------------------------------------------------------------- schemathesis over the OpenAPI

try:
    import schemathesis
    from hypothesis import HealthCheck, settings
    from schemathesis.checks import not_a_server_error
except ImportError:              # pragma: no cover - in the test extra
    schemathesis = None


def test_generated_requests_never_get_a_server_error(server):
    """Every operation of the OpenAPI document, with requests schemathesis generates from it (bounded:
    ``ZWGK_SCHEMATHESIS_EXAMPLES`` each, default 12): no answer is a 5xx. (Driven from here rather than
    through schemathesis' pytest plugin, which does not run on this pytest.)"""
    if schemathesis is None:
        pytest.skip("schemathesis is not installed (it is in the test extra)")
    from hypothesis import given

    @schemathesis.serializer("application/x-ndjson", "text/csv", "application/zip", "application/octet-stream")
    def _raw(ctx, value):
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        return (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)).encode()

    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    ran = []
    for result in schema.get_all_operations():
        op = result.ok()

        @given(op.as_strategy())
        @settings(max_examples=int(os.environ.get("ZWGK_SCHEMATHESIS_EXAMPLES", "12")), deadline=None,
                  suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate(base_url=server.url, checks=[not_a_server_error])
        run()
        ran.append(op.label)
    assert len(ran) >= 15, ran
