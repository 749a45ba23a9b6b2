"""``zwgk test`` runs sentence-named YAML cases for legal staff; ``zwgk check DIR`` reports on the named pack only
(issue 10, parts 4 and 5)."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "packs" / "cn-xx-shili-sfj"


def zwgk(*args, cwd):
    return subprocess.run([sys.executable, "-m", "zwgk_rules", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_a_pack_folder_s_cases_pass_with_one_line_each(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "cn-xx-shili-sfj")
    r = zwgk("test", "cn-xx-shili-sfj", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "cn-xx-shili-sfj"
    assert "  ✓ 规则包生效前形成的公文仍按国家20个工作日" in lines
    assert lines[-1] == "4 个用例：4 个通过，0 个失败 / 4 cases: 4 passed, 0 failed"


def test_a_failing_case_is_shown_with_what_the_answer_gave_and_exit_status_1(tmp_path):
    (tmp_path / "cases.yaml").write_text(
        "- name: 2026年3月2日当面提交的申请，答复期限为3月30日\n"
        "  input: {submission: {channel: in_person, submitted_on: 2026-03-02}, items: [{}]}\n"
        "  expect: {deadline.due: 2026-03-30}\n"
        "- name: 写错的期望值（3月31日）\n"
        "  input: {submission: {channel: in_person, submitted_on: 2026-03-02}, items: [{}]}\n"
        "  expect: {deadline.due: 2026-03-31, disposition: disclose}\n", encoding="utf-8")
    r = zwgk("test", "cases.yaml", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "  ✓ 2026年3月2日当面提交的申请，答复期限为3月30日" in r.stdout
    assert "  ✗ 写错的期望值（3月31日）\n      deadline.due: expected '2026-03-31', got '2026-03-30'\n" in r.stdout
    assert r.stdout.splitlines()[-1] == "2 个用例：1 个通过，1 个失败 / 2 cases: 1 passed, 1 failed"


def test_a_case_for_an_agency_pack_runs_with_pack(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "cn-xx-shili-sfj")
    (tmp_path / "mine.yaml").write_text(
        "- name: 示例县的公文10个工作日内公开\n"
        "  command: classify\n"
        "  input: {jurisdiction: cn-xx-shili-sfj, doc_type: 通知, title: 关于某事项的通知, formed_on: 2026-03-02,"
        " flags: [public_interest]}\n"
        # 2026-03-02 + 10 working days: 03-03..06 (4), 03-09..13 (9), 03-16 (10)
        "  expect: {publish_by: 2026-03-16}\n", encoding="utf-8")
    r = zwgk("test", "mine.yaml", "--pack", "cn-xx-shili-sfj", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_an_unreadable_cases_file_is_exit_status_2_naming_the_file(tmp_path):
    (tmp_path / "bad.yaml").write_text("- name: 没有期望值\n  input: {}\n", encoding="utf-8")
    r = zwgk("test", "bad.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "bad.yaml" in r.stderr and "expect" in r.stderr


def test_check_on_a_pack_folder_reports_that_pack_only_unless_all(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "cn-xx-shili-sfj")
    r = zwgk("check", "cn-xx-shili-sfj", cwd=tmp_path)
    lines = r.stdout.splitlines()
    assert lines[-1] == "1 error(s), 1 warning(s)", r.stdout
    assert all("[cn-xx-shili-sfj]" in line for line in lines[:-1] if not line.startswith(" "))
    everything = zwgk("check", "cn-xx-shili-sfj", "--all", cwd=tmp_path)
    assert "[cn-gz-shaomi]" in everything.stdout and "[cn-gz-shaomi]" not in r.stdout


# ---------------------------------------------------------------- --pack and --jurisdiction on every command

DOC = ('{"doc_type": "通知", "title": "关于某事项的通知", "formed_on": "2026-03-02", "flags": ["public_interest"]'
       '%s}\n')


def _answers(stdout):
    import json
    return [json.loads(line) for line in stdout.splitlines()]


def test_pack_and_jurisdiction_decide_the_lines_that_name_no_pack(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "cn-xx-shili-sfj")
    (tmp_path / "docs.jsonl").write_text((DOC % "") + (DOC % ', "jurisdiction": "cn"'), encoding="utf-8")
    for jobs in ("1", "2"):
        r = zwgk("classify", "docs.jsonl", "--pack", "cn-xx-shili-sfj", "--jurisdiction", "cn-xx-shili-sfj",
                 "--jobs", jobs, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        mine, national = _answers(r.stdout)
        # the pack's 10 working days: 03-03..06 (4), 03-09..13 (9), 03-16 (10); the national 20: 03-30
        assert (mine["jurisdiction"], mine["publish_by"]) == ("cn-xx-shili-sfj", "2026-03-16")
        assert (national["jurisdiction"], national["publish_by"]) == ("cn", "2026-03-30")


def test_an_unknown_jurisdiction_option_stops_with_a_suggestion(tmp_path):
    (tmp_path / "docs.jsonl").write_text(DOC % "", encoding="utf-8")
    r = zwgk("classify", "docs.jsonl", "--jurisdiction", "cn-gz-shaomy", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert "cn-gz-shaomi" in r.stderr


def test_messages_without_jurisdiction_go_to_the_jurisdiction_option(tmp_path):
    (tmp_path / "m.jsonl").write_text('{"kind": "policy_question", "received_on": "2026-09-28"}\n', encoding="utf-8")
    r = zwgk("interact", "m.jsonl", "--jurisdiction", "cn-gz-shaomi", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    # 3 working days from 2026-09-28 (Mon): 09-29 (1), 09-30 (2), 10-01..07 国庆 off, 10-08 Thu (3)
    assert _answers(r.stdout)[0]["due"] == "2026-10-08"


def test_schema_with_a_pack_lists_its_codes(tmp_path):
    import json
    shutil.copytree(EXAMPLE, tmp_path / "cn-xx-shili-sfj")
    mine = json.loads(zwgk("schema", "classify", "output", "--pack", "cn-xx-shili-sfj", cwd=tmp_path).stdout)
    bundled = json.loads(zwgk("schema", "classify", "output", cwd=tmp_path).stdout)
    assert "cn-xx-shili-sfj" in mine["properties"]["jurisdiction"]["enum"]
    assert "cn-xx-shili-sfj" not in bundled["properties"]["jurisdiction"]["enum"]
