"""``zwgk notice``: the documents a case calls for (CONTRACT.md ``notice``).

Every expected value is written here from the statute, not computed by the code under test: the 复议机关
from 行政复议法 2017 第十二条至第十四条 and 2023 第二十四条至第二十八条 (legal-facts §5.3), the dates from
the State Council's holiday notice for 2026 (清明 4/4–4/6, 劳动节 5/1–5/5 with Saturday 5/9 a working day,
端午 6/19–6/21), counted by hand in the comments.
"""
import copy
import json
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zwgk_rules
from zwgk_rules import InputError, UnsupportedInputError

AGENCY = {"name": "中卫市自然资源局", "kind": "department", "government": "中卫市人民政府",
          "superior": "宁夏回族自治区自然资源厅", "address": "中卫市沙坡头区鼓楼西街1号", "phone": "0955-7000001"}
BASE = {"id": "t", "applicant": {"kind": "natural_person", "id": "P-1", "name": "李明"},
        "submission": {"channel": "in_person", "submitted_on": "2026-03-02"},
        "items": [{"description": "2025年度城市更新项目批复文件"}], "as_of": "2026-03-20", "events": [],
        "agency": AGENCY, "notice": "reply"}


@pytest.fixture(scope="module")
def engine():
    return zwgk_rules.Engine("cn")


def case(**over):
    c = copy.deepcopy(BASE)
    for k, v in over.items():
        c[k] = v
    return c


def agency(**over):
    return {**AGENCY, **over}


# ---------------------------------------------------------------- 复议机关 by the law of the document's date

# 行政复议法（2023）第二十四条第一款第（一）项、第二十八条、第二十四条第一款第（二）项、第二十四条第二款、
# 第二十五条、第二十七条
BODIES_2023 = {
    "department": ["中卫市人民政府"],
    "justice_department": ["中卫市人民政府", "宁夏回族自治区自然资源厅"],
    "government": ["宁夏回族自治区自然资源厅"],
    "provincial_government": ["中卫市自然资源局"],
    "state_council_department": ["中卫市自然资源局"],
    "vertical": ["宁夏回族自治区自然资源厅"],
}
# 行政复议法（2017）第十二条第一款（选择其一）、第十三条、第十四条、第十二条第二款
BODIES_2017 = {
    "department": ["中卫市人民政府", "宁夏回族自治区自然资源厅"],
    "justice_department": ["中卫市人民政府", "宁夏回族自治区自然资源厅"],
    "government": ["宁夏回族自治区自然资源厅"],
    "provincial_government": ["中卫市自然资源局"],
    "state_council_department": ["中卫市自然资源局"],
    "vertical": ["宁夏回族自治区自然资源厅"],
}


@pytest.mark.parametrize("kind", sorted(BODIES_2023))
def test_the_2023_law_names_the_review_body_of_each_kind_of_agency(engine, kind):
    got = engine.notice(case(agency=agency(kind=kind), issued_on="2026-03-20"))
    assert got.remedy.law == "行政复议法(2023)"
    assert list(got.remedy.review_bodies) == BODIES_2023[kind]


@pytest.mark.parametrize("kind", sorted(BODIES_2017))
def test_the_2017_law_names_the_review_body_of_each_kind_of_agency(engine, kind):
    c = case(agency=agency(kind=kind), submission={"channel": "in_person", "submitted_on": "2023-02-20"},
             as_of="2023-03-15")
    got = engine.notice(c)
    assert got.remedy.law == "行政复议法(2017)"
    assert list(got.remedy.review_bodies) == BODIES_2017[kind]


def test_the_law_changes_on_the_first_of_january_2024_by_the_documents_date(engine):
    """2023年修订本第九十条：自2024年1月1日起施行。A reply dated 12月31日 still carries the 2017 clause."""
    base = case(submission={"channel": "in_person", "submitted_on": "2023-12-01"}, as_of="2024-01-05")
    old = engine.notice({**base, "issued_on": "2023-12-31"})
    new = engine.notice({**base, "issued_on": "2024-01-01"})
    assert (old.remedy.law, old.remedy.review_bodies) == ("行政复议法(2017)", ("中卫市人民政府", "宁夏回族自治区自然资源厅"))
    assert (new.remedy.law, new.remedy.review_bodies) == ("行政复议法(2023)", ("中卫市人民政府",))
    assert "2023年12月31日" in old.text and "2024年1月1日" in new.text


# ---------------------------------------------------------------- 复议前置 and suits

def test_a_partial_disclosure_since_2024_must_go_to_review_first(engine):
    """行政复议法（2023）第二十三条第一款第（四）项：不予公开的部分；第三十七条 partial."""
    c = case(items=[{"description": "某项目环评报告", "categories": ["state_secret"], "severable": True}],
             as_of="2026-03-25")
    got = engine.notice(c)
    assert got.remedy.review_first is True
    assert got.remedy.suit_months is None
    assert got.remedy.suit_days_after_review == 15
    assert "应当自收到本答复书之日起60日内先向中卫市人民政府申请行政复议" in got.text
    assert "15日内依法向人民法院提起行政诉讼" in got.text
    assert "法律审核" in got.legal_review


def test_information_that_does_not_exist_is_not_withheld_so_suit_stays_open(engine):
    """第三十六条第（四）项 不存在 is not 不予公开 (the library's documented default)."""
    got = engine.notice(case(items=[{"description": "某会议纪要", "exists": False}]))
    assert got.remedy.review_first is False
    assert got.remedy.suit_months == 6
    assert "该政府信息不存在" in got.text
    assert "6个月内依法向人民法院提起行政诉讼" in got.text


def test_before_2024_a_withholding_could_be_sued_directly(engine):
    c = case(items=[{"description": "某涉密测绘成果", "categories": ["state_secret"]}],
             submission={"channel": "in_person", "submitted_on": "2023-06-01"}, as_of="2023-06-20")
    got = engine.notice(c)
    assert (got.remedy.review_first, got.remedy.suit_months) == (False, 6)


def test_a_refused_publication_carries_no_time_limit_for_a_suit_the_courts_do_not_accept(engine):
    """最高人民法院关于审理政府信息公开行政案件若干问题的规定第二条第（二）项：公开出版物."""
    got = engine.notice(case(nature="publication", items=[]))
    assert got.remedy.suit_months is None
    assert got.remedy.review_first is False
    assert "提起行政诉讼" not in got.text
    assert "申请行政复议" in got.text
    assert "spc-ogi-cases-2011:2:i2" in got.remedy.basis


def test_the_2023_wording_is_marked_for_legal_review_and_the_2017_wording_is_not(engine):
    new = engine.notice(case(issued_on="2026-03-20"))
    old = engine.notice(case(submission={"channel": "in_person", "submitted_on": "2023-02-20"}, as_of="2023-03-15"))
    assert "法律审核" in new.legal_review
    assert old.legal_review is None


# ---------------------------------------------------------------- what each document says

def test_the_reply_names_the_agency_the_applicant_the_receipt_and_each_item(engine):
    c = case(items=[{"description": "甲文件"}, {"description": "乙文件", "categories": ["process_information"]}],
             as_of="2026-03-25")
    got = engine.notice(c)
    assert got.to == "李明"
    assert got.text.startswith("中卫市自然资源局\n政府信息公开申请答复书\n\n李明：\n")
    assert "本机关于2026年3月2日收到您提出的政府信息公开申请，申请获取“甲文件”、“乙文件”。" in got.text
    assert "1. 关于“甲文件”：经审查，该信息属于可以公开的政府信息，本机关予以公开。" in got.text
    assert "2. 关于“乙文件”：本机关决定不予公开，理由是：该信息属于行政机关在履行行政管理职能过程中形成的" in got.text
    assert "第十六条第二款、第三十六条第（三）项" in got.text
    assert got.text.endswith("中卫市自然资源局\n2026年3月25日\n")
    assert "提供方式，或者获取该信息的方式、途径和时间" in got.fill_in


def test_the_reply_refers_to_the_responsible_agency_when_known(engine):
    got = engine.notice(case(items=[{"description": "某许可", "held": False, "responsible_agency": "中卫市市场监督管理局"}]))
    assert "负责公开该信息的行政机关是中卫市市场监督管理局" in got.text
    assert "负责公开该信息的机关" not in got.fill_in


def test_a_correction_notice_states_the_time_limit_given_and_no_remedy(engine):
    c = case(notice="correction", content_clear=False, as_of="2026-04-03",
             submission={"channel": "in_person", "submitted_on": "2026-04-01"},
             events=[{"type": "correction_requested", "on": "2026-04-03", "due_on": "2026-04-16"}])
    got = engine.notice(c)
    assert got.remedy is None
    assert "请在2026年4月16日之前（含当日）将补正后的申请提交本机关" in got.text
    assert "第二十九条第二款第（二）项、第三十条" in got.text


def test_a_correction_notice_for_a_clear_request_is_refused_naming_notice(engine):
    with pytest.raises(UnsupportedInputError) as exc:
        engine.notice(case(notice="correction"))
    assert exc.value.field == "notice"


def test_the_extension_notice_gives_the_40th_working_day_across_labour_day(engine):
    """Received Mon 2026-04-20. 20 WD: 4/21–24 (4), 4/27–30 (8), 5/1–5 off, 5/6–8 (11), Sat 5/9 worked (12),
    5/11–15 (17), 5/18–20 (20). 20 more: 5/21–22 (2), 5/25–29 (7), 6/1–5 (12), 6/8–12 (17), 6/15–17 (20)."""
    c = case(notice="extension", submission={"channel": "in_person", "submitted_on": "2026-04-20"},
             as_of="2026-05-15", events=[{"type": "extension_approved", "on": "2026-05-15"}])
    got = engine.notice(c)
    assert "答复期限延长20个工作日，本机关将于2026年6月17日前作出答复" in got.text
    assert "第三十三条第二款" in got.text
    assert got.remedy is None


def test_a_consultation_letter_goes_to_the_third_party_with_its_15_working_days(engine):
    c = case(notice="consultation", addressee="某科技有限公司",
             items=[{"description": "某企业的检测报告", "categories": ["trade_secret"]}],
             events=[{"type": "consultation_sent", "on": "2026-03-05", "ref": "C1", "party": "third_party"}])
    got = engine.notice(c)
    assert got.to == "某科技有限公司"
    assert "请您自收到本函之日起15个工作日内" in got.text
    assert "第三十二条" in got.text
    assert got.remedy is None


def test_a_consultation_of_another_agency_cites_article_34(engine):
    c = case(notice="consultation",
             events=[{"type": "consultation_sent", "on": "2026-03-05", "ref": "C1", "party": "agency"}])
    got = engine.notice(c)
    assert got.to == "相关行政机关"
    assert "第三十四条" in got.text and "逾期未提出意见的，视为同意公开" in got.text


def test_the_fee_notice_states_amount_standard_and_the_20_working_days(engine):
    c = case(notice="fee", fee_basis={"method": "per_piece", "pieces": 12},
             events=[{"type": "fee_notice_sent", "on": "2026-03-10", "amount": 200}])
    got = engine.notice(c)
    assert "应缴金额：人民币200.00元" in got.text
    assert "按件计收" in got.text
    assert "请您自收到本通知次日起20个工作日内缴纳" in got.text
    assert "缴纳方式（账户或缴款渠道）" in got.fill_in


def test_no_fee_notice_for_a_waived_fee(engine):
    with pytest.raises(UnsupportedInputError):
        engine.notice(case(notice="fee", fee_basis={"method": "per_piece", "pieces": 40, "waived": True}))


def test_a_fee_notice_without_a_fee_is_refused(engine):
    with pytest.raises(UnsupportedInputError) as exc:
        engine.notice(case(notice="fee"))
    assert exc.value.field == "notice"


def test_the_third_party_is_told_of_a_disclosure_over_its_objection_with_its_own_remedy(engine):
    """第三十二条：决定予以公开的，将决定公开的政府信息内容和理由书面告知第三方。"""
    item = {"description": "某企业排污数据", "categories": ["trade_secret"],
            "third_party": {"consent": False, "public_interest_override": True}}
    got = engine.notice(case(notice="third_party_disclosure", addressee="某化工有限公司", items=[item]))
    assert got.to == "某化工有限公司"
    assert "本机关决定予以公开" in got.text
    assert got.remedy.review_first is False and got.remedy.suit_months == 6
    assert "决定公开的理由" in got.text


def test_no_third_party_notice_where_nothing_was_disclosed_over_an_objection(engine):
    with pytest.raises(UnsupportedInputError):
        engine.notice(case(notice="third_party_disclosure"))


def test_a_pending_case_has_no_reply(engine):
    c = case(items=[{"description": "某企业的检测报告", "categories": ["trade_secret"]}])
    with pytest.raises(UnsupportedInputError) as exc:
        engine.notice(c)
    assert exc.value.field == "notice" and "consult_third_party" in exc.value.message


def test_a_case_closed_by_a_lapsed_correction_gets_the_reply_of_its_closing(engine):
    c = case(content_clear=False, submission={"channel": "in_person", "submitted_on": "2026-04-01"},
             as_of="2026-04-20",
             events=[{"type": "correction_requested", "on": "2026-04-03", "due_on": "2026-04-16"}])
    got = engine.notice(c)
    assert "逾期未补正，视为放弃申请" in got.text
    assert got.remedy.review_first is False


def test_a_2015_request_is_answered_under_the_2008_regulation(engine):
    c = case(submission={"channel": "in_person", "submitted_on": "2015-06-01"}, as_of="2015-06-10",
             items=[{"description": "某文件", "proactively_published": True}])
    got = engine.notice(c)
    assert "已经主动公开" in got.text and "第二十一条第（一）项" in got.text
    assert got.remedy.law == "行政复议法(2017)"


# ---------------------------------------------------------------- errors name the field

@pytest.mark.parametrize("bad, field", [
    ({"agency": None}, "agency"),
    ({"agency": {"kind": "department"}}, "agency.name"),
    ({"agency": agency(kind="township")}, "agency.kind"),
    ({"notice": "letter"}, "notice"),
    ({"issued_on": "2026-13-01"}, "issued_on"),
    ({"agency": agency(kind=None)}, "agency.kind"),
    ({"agency": agency(kind="government", superior=None)}, "agency.superior"),
    ({"agency": agency(government=None)}, "agency.government"),
    ({"issued_on": "2026-03-01"}, "issued_on"),           # the day before the request arrived (2026-03-02)
])
def test_a_bad_notice_field_is_one_error_naming_it(engine, bad, field):
    with pytest.raises(InputError) as exc:
        engine.notice(case(**bad))
    assert exc.value.field == field


def test_the_answer_is_the_callers_own(engine):
    a = engine.notice_raw(case())
    a["remedy"]["review_bodies"].append("x")
    a["fill_in"].append("x")
    b = engine.notice_raw(case())
    assert b["remedy"]["review_bodies"] == ["中卫市人民政府"] and "x" not in b["fill_in"]


# ---------------------------------------------------------------- properties

DAYS = st.dates(min_value=__import__("datetime").date(2019, 6, 1), max_value=__import__("datetime").date(2026, 12, 1))
ITEMS = st.lists(st.fixed_dictionaries({"description": st.text(alphabet="甲乙丙丁文件通知", min_size=1, max_size=6)}, optional={
    "categories": st.lists(st.sampled_from(["state_secret", "process_information", "internal_affairs",
                                            "enforcement_file", "prohibited_by_law"]), max_size=2, unique=True),
    "exists": st.booleans(), "severable": st.booleans(), "proactively_published": st.booleans()}),
    min_size=1, max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=DAYS, items=ITEMS, kind=st.sampled_from(sorted(BODIES_2023)), later=st.integers(0, 60))
def test_a_reply_is_a_finished_text_dated_in_chinese_with_the_remedy_of_its_date(engine, day, items, kind, later):
    import datetime as dt
    issued = day + dt.timedelta(days=later)
    c = case(submission={"channel": "in_person", "submitted_on": day.isoformat()}, items=items,
             as_of=issued.isoformat(), agency=agency(kind=kind))
    got = engine.notice(c)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", got.text)        # dates are written 2026年3月20日
    assert "{" not in got.text and "}" not in got.text           # every placeholder filled
    assert f"{issued.year}年{issued.month}月{issued.day}日" in got.text
    assert got.remedy.law == ("行政复议法(2023)" if issued >= dt.date(2024, 1, 1) else "行政复议法(2017)")
    assert got.remedy.review_days == 60
    if got.remedy.review_first:
        assert issued >= dt.date(2024, 1, 1) and got.remedy.suit_months is None
    for blank in got.fill_in:
        assert f"【请填写：{blank}】" in got.text


# ---------------------------------------------------------------- the command line

def test_the_command_line_prints_one_answer_per_case_and_an_error_line_for_a_bad_one(tmp_path):
    f = tmp_path / "cases.jsonl"
    f.write_text(json.dumps(case(), ensure_ascii=False) + "\n" + json.dumps(case(notice="fee"), ensure_ascii=False)
                 + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "zwgk_rules", "notice", str(f)], capture_output=True, text=True)
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert lines[0]["remedy"]["law"] == "行政复议法(2023)"
    assert lines[1]["error"]["field"] == "notice"
    assert out.returncode == 1


def test_the_command_line_prints_the_documents_as_text(tmp_path):
    f = tmp_path / "cases.jsonl"
    f.write_text(json.dumps(case(), ensure_ascii=False) + "\n" + json.dumps(case(id="u"), ensure_ascii=False) + "\n",
                 encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "zwgk_rules", "notice", "--text", str(f)], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    docs = out.stdout.split("\f\n")
    assert len(docs) == 2 and all(d.startswith("中卫市自然资源局\n政府信息公开申请答复书\n") for d in docs)


# ---------------------------------------------------------------- an agency's own wording (its pack's notices.yaml)

from pathlib import Path  # noqa: E402
import shutil  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "packs" / "cn-xx-shili-sfj"


def _pack_with(tmp_path, text: str) -> Path:
    folder = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, folder)
    (folder / "notices.yaml").write_text(text, encoding="utf-8")
    return folder


def _pack_case(**over):
    c = case(**over)
    c["jurisdiction"] = "cn-xx-shili-sfj"
    return c


def test_a_pack_overrides_the_wording_of_a_document_and_keeps_the_rest(tmp_path):
    folder = _pack_with(tmp_path, 'notices:\n  reply:\n    title: 政府信息公开申请答复告知书\n'
                                  'contact: "咨询电话：{phone}（{address}）"\n')
    rb = zwgk_rules.Rulebook(packs=[folder])
    eng = zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=rb)
    got = eng.notice(_pack_case(submission={"channel": "in_person", "submitted_on": "2026-03-02"}))
    assert got.title == "政府信息公开申请答复告知书"
    assert "咨询电话：0955-7000001（中卫市沙坡头区鼓楼西街1号）" in got.text
    assert "如对本答复书不服" in got.text                       # the national remedy wording stays
    national = zwgk_rules.Engine("cn", rulebook=rb).notice(case())
    assert national.title == "政府信息公开申请答复书"               # other jurisdictions keep theirs


@pytest.mark.parametrize("text, field", [
    ("answers:\n  by_rule:\n    ogi2019.art36.i9.nothing: 不存在的规则\n", "answers.by_rule"),
    ('notices:\n  reply:\n    paragraphs: ["{salary}"]\n', "notices.reply.paragraphs.0"),
    ("notices:\n  consultation:\n    requires: {actions: [ask_nicely]}\n", "notices.consultation.requires"),
])
def test_a_mistake_in_a_packs_notices_is_a_rule_file_error_naming_the_key(tmp_path, text, field):
    from zwgk_rules import RuleFileError
    folder = _pack_with(tmp_path, text)
    rb = zwgk_rules.Rulebook(packs=[folder])
    with pytest.raises(RuleFileError) as exc:
        zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=rb).notice(_pack_case())
    assert exc.value.field == field
    assert "notices.yaml" in (exc.value.file or "")


def test_zwgk_check_reports_a_packs_broken_notices(tmp_path):
    folder = _pack_with(tmp_path, 'notices:\n  reply:\n    paragraphs: ["{salary}"]\n')
    out = subprocess.run([sys.executable, "-m", "zwgk_rules", "check", str(folder)], capture_output=True, text=True)
    assert out.returncode == 1
    assert "{salary}" in out.stdout


def test_a_packs_notices_may_not_lead_out_of_its_folder(tmp_path):
    from zwgk_rules import RuleFileError
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("notices: {}\n", encoding="utf-8")
    folder = _pack_with(tmp_path, "")
    (folder / "notices.yaml").unlink()
    (folder / "notices.yaml").symlink_to(outside)
    rb = zwgk_rules.Rulebook(packs=[folder])
    with pytest.raises(RuleFileError):
        zwgk_rules.Engine("cn-xx-shili-sfj", rulebook=rb).notice(_pack_case())


# ---------------------------------------------------------------- the bundled remedy law, word for word

@pytest.mark.parametrize("key, text", [
    ("admin-review-2023:23:p1:i4", "（四）申请政府信息公开，行政机关不予公开；"),
    ("admin-review-2023:23:p2", "对前款规定的情形，行政机关在作出行政行为时应当告知公民、法人或者其他组织先向行政复议机关申请行政复议。"),
    ("admin-review-2023:24:p1:i1", "（一）对本级人民政府工作部门作出的行政行为不服的；"),
    ("admin-review-2023:27", "对海关、金融、外汇管理等实行垂直领导的行政机关、税务和国家安全机关的行政行为不服的，向上一级主管部门申请行政复议。"),
    ("admin-review-2023:28", "对履行行政复议机构职责的地方人民政府司法行政部门的行政行为不服的，可以向本级人民政府申请行政复议，"
                             "也可以向上一级司法行政部门申请行政复议。"),
    ("admin-review-2017:12:p1", "对县级以上地方各级人民政府工作部门的具体行政行为不服的，由申请人选择，可以向该部门的本级人民政府申请"
                                "行政复议，也可以向上一级主管部门申请行政复议。"),
    ("admin-litigation-2017:46:p1", "公民、法人或者其他组织直接向人民法院提起诉讼的，应当自知道或者应当知道作出行政行为之日起六个月内提出。"
                                    "法律另有规定的除外。"),
    ("spc-ogi-cases-2011:2:i2", "（二）要求行政机关提供政府公报、报纸、杂志、书籍等公开出版物，行政机关予以拒绝的；"),
])
def test_the_remedy_articles_are_bundled_word_for_word(key, text):
    """Texts from legal-facts §5.3 (S1, LawRefBook/Laws@2f4c5c2), copied here by hand."""
    assert zwgk_rules.Rulebook().statutes.resolve(key).text.endswith(text)


def test_the_command_line_writes_each_document_as_a_gongwen_docx(tmp_path):
    docx = pytest.importorskip("docx")
    f = tmp_path / "cases.jsonl"
    f.write_text(json.dumps(case(id="甲/../1"), ensure_ascii=False) + "\n"
                 + json.dumps(case(notice="fee", id="bad"), ensure_ascii=False) + "\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    out = subprocess.run([sys.executable, "-m", "zwgk_rules", "notice", "--docx", str(out_dir), str(f)],
                         capture_output=True, text=True)
    assert out.returncode == 1                                     # the fee notice could not be written
    assert '"field": "notice"' in out.stderr
    files = sorted(p.name for p in out_dir.iterdir())
    assert files == ["甲_1.docx"]                                  # an id is never a path
    doc = docx.Document(str(out_dir / files[0]))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[0] == "中卫市自然资源局政府信息公开申请答复书"
    assert texts[1] == "李明："
    assert any(t.startswith("如对本答复书不服，可以自收到本答复书之日起60日内向中卫市人民政府申请行政复议") for t in texts)
    assert texts[-2:] == ["中卫市自然资源局", "2026年3月20日"]
    sec = doc.sections[0]
    assert round(sec.top_margin.mm) == 37 and round(sec.left_margin.mm) == 28     # GB/T 9704-2012 5.2.1
