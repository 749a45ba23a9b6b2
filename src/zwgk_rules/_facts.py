"""The closed vocabulary that rule conditions may test: typed facts derived from the inputs.

This module holds the *interface* (which input fields exist and their value domains, as fixed by
the public contract), not law: which values lead to which outcome is written in ``rules/``.
"""
from __future__ import annotations

from msgspec import Struct
from operator import itemgetter
from typing import Literal, get_args

# Each vocabulary is written once, as the Literal type that the models use (and that type checkers see,
# through the package's py.typed); the tuple of its values is read from it.
Category = Literal["state_secret", "prohibited_by_law", "endangers_security", "trade_secret",
                   "personal_privacy", "internal_affairs", "process_information", "enforcement_file"]
Nature = Literal["information", "petition", "publication", "reconfirm"]
Channel = Literal["in_person", "post", "ordinary_mail", "online", "fax"]
ApplicantKind = Literal["natural_person", "enterprise", "research_institution", "nonprofit",
                        "legal_service", "other_org"]
#: the kinds of agency that decide who the 复议机关 is (CONTRACT.md ``notice``: agency.kind)
AgencyKind = Literal["department", "justice_department", "government", "provincial_government",
                     "state_council_department", "vertical"]
#: the documents ``notice`` writes (CONTRACT.md ``notice``)
NoticeType = Literal["reply", "correction", "extension", "consultation", "fee", "third_party_disclosure"]
#: the disclosure attributes of a document (公开属性): the outputs of rules/national/classify/attribute.yaml
Attribute = Literal["proactive", "on_request", "not_public"]

CATEGORIES: tuple[str, ...] = get_args(Category)
NATURES: tuple[str, ...] = get_args(Nature)
CHANNELS: tuple[str, ...] = get_args(Channel)
APPLICANT_KINDS: tuple[str, ...] = get_args(ApplicantKind)
AGENCY_KINDS: tuple[str, ...] = get_args(AgencyKind)
NOTICE_TYPES: tuple[str, ...] = get_args(NoticeType)
#: the nature of an ordinary request, which names at least one item (contract)
NATURE_WITH_ITEMS = "information"
#: what a request is when it does not say (contract defaults)
DEFAULT_NATURE = NATURE_WITH_ITEMS
DEFAULT_APPLICANT_KIND = APPLICANT_KINDS[0]   # natural_person
ATTRIBUTES: tuple[str, ...] = get_args(Attribute)
#: why a day of a deadline counts or not, in ``--explain`` (``DeadlineStep.reason``): the calendar's kinds of day
#: (``_calendar``), then the deadline's own (``_deadline``): before the period, its first day, a consultation
#: day not counted, the receipt day
EXPLAIN_REASONS = ("workday", "weekend", "holiday", "makeup_workday", "regional_holiday", "regional_makeup_workday",
                   "before_period", "period_start", "consultation", "receipt_day")
#: the reasons in words (the clerks' page, ``zwgk serve``)
EXPLAIN_LABELS: dict[str, str] = {
    "workday": "工作日（计入）", "weekend": "休息日（周末）", "holiday": "法定节假日", "makeup_workday": "调休上班日",
    "regional_holiday": "地区性假日", "regional_makeup_workday": "地区调休上班日", "before_period": "期间开始前",
    "period_start": "期间起算日", "consultation": "征求意见期间（不计入）", "receipt_day": "收到申请之日（不计入）",
}


class FieldType(Struct, frozen=True):
    kind: str                 # "scalar" or "set"
    values: tuple             # the closed domain
    doc: str = ""


BOOL = (True, False)

ITEM_FACTS: dict[str, FieldType] = {
    "exists": FieldType("scalar", BOOL, "经检索存在 (第三十六条第四项)"),
    "held": FieldType("scalar", BOOL, "属于本机关负责公开 (第三十六条第五项)"),
    "responsible_agency_known": FieldType("scalar", BOOL, "能够确定负责公开的机关"),
    "proactively_published": FieldType("scalar", BOOL, "已经主动公开"),
    "requires_creation": FieldType("scalar", BOOL, "需要加工、分析或另行制作"),
    "special_procedure": FieldType("scalar", BOOL, "工商、不动产登记资料等特别规定"),
    "categories": FieldType("set", CATEGORIES, "审查认定的类别 (第十四至十六条)"),
    "third_party.consent": FieldType("scalar", (None, True, False, "no_reply"),
                                     "第三方意见：null 尚未征求"),
    "third_party.public_interest_override": FieldType("scalar", BOOL, "不公开会对公共利益造成重大影响"),
    "disclosure_required_by_law": FieldType("scalar", BOOL, "法律、法规、规章规定应当公开"),
    "severable": FieldType("scalar", BOOL, "能够作区分处理"),
}

REQUEST_FACTS: dict[str, FieldType] = {
    "nature": FieldType("scalar", NATURES, "申请性质"),
    "content_clear": FieldType("scalar", BOOL, "申请内容明确"),
    "correction": FieldType("scalar", ("none", "awaiting", "received", "lapsed"),
                            "补正：未通知 / 等待补正 / 已收到补正 / 逾期未补正"),
    "repeat_of_answered": FieldType("scalar", BOOL, "重复申请已答复的信息"),
    "excessive": FieldType("scalar", ("none", "unreasonable", "reasonable"),
                           "第三十五条：数量、频次明显超过合理范围及理由是否合理"),
    "applicant.kind": FieldType("scalar", APPLICANT_KINDS, "申请人类型"),
}

DocType = Literal["决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复",
                 "议案", "函", "纪要"]
DOC_TYPES: tuple[str, ...] = get_args(DocType)
DocFlag = Literal["public_interest", "public_awareness", "organization", "internal_management", "internal_material",
                  "trade_secret", "personal_privacy", "state_secret", "work_secret", "consultation", "ethnic_religious",
                  "secrecy_uncertain", "media_release", "policy_document"]
DOC_FLAGS: tuple[str, ...] = get_args(DocFlag)

DOCUMENT_FACTS: dict[str, FieldType] = {
    "doc_type": FieldType("scalar", DOC_TYPES, "文种（党政机关公文处理工作条例）"),
    "issued_as": FieldType("scalar", ("agency", "office"), "以机关名义 / 以内设科室名义制发"),
    "addressed_to_superior": FieldType("scalar", BOOL, "报上级机关"),
    "forwards": FieldType("scalar", ("none", *ATTRIBUTES, "unset"),
                          "转发类公文：所转发公文的公开属性；none 不是转发，unset 所转发公文未确定属性"),
    "flags": FieldType("set", DOC_FLAGS, "公文内容的审查结论"),
}

SCOPES = {"item": ITEM_FACTS, "request": REQUEST_FACTS, "document": DOCUMENT_FACTS}


def document_facts(doc, doc_type: str) -> dict:
    fw = doc.forwards
    return {
        "doc_type": doc_type,
        "issued_as": doc.issued_as,
        "addressed_to_superior": doc.addressed_to_superior,
        "forwards": "none" if fw is None else (fw.attribute or "unset"),
        "flags": frozenset(doc.flags),
    }


# Memo keys (used by the engine to reuse a decision plan): the input fields the facts are derived
# from. A key may be finer than the facts (two keys, same facts) but never coarser; tests/test_facts.py
# checks that every field of the input models is either in a key or handled by the engine itself.
ITEM_KEY_FIELDS = ("exists", "held", "proactively_published", "requires_creation", "special_procedure",
                   "categories", "disclosure_required_by_law", "severable")
REQUEST_KEY_FIELDS = ("nature", "content_clear", "repeat_of_answered")
# Field values are read from the models' ``__dict__``: pydantic models define ``__getattr__``, which
# makes every ordinary attribute access several times slower than a dict lookup.
_item_fields = itemgetter(*ITEM_KEY_FIELDS)
_request_fields = itemgetter(*REQUEST_KEY_FIELDS)


def item_key(item) -> tuple:
    """Hashable memo key of an item's facts (``description`` is free text, not a fact). Nested models
    are keyed by their fields: a pydantic model's own hash and equality are much slower."""
    d = item.__dict__
    tp = d["third_party"]
    return (_item_fields(d), bool(d["responsible_agency"]),
            None if tp is None else (tp.consent, tp.public_interest_override))


def request_key(d: dict, correction_status: str) -> tuple:
    """Hashable memo key of the request-level facts; ``d`` is the request's field dict (``req.__dict__``)."""
    ex = d["excessive"]
    return (_request_fields(d), d["applicant"].__dict__["kind"], correction_status,
            None if ex is None else ex.reason_reasonable)


def item_facts(item) -> dict:
    tp = item.third_party
    return {
        "exists": item.exists,
        "held": item.held,
        "responsible_agency_known": bool(item.responsible_agency),
        "proactively_published": item.proactively_published,
        "requires_creation": item.requires_creation,
        "special_procedure": item.special_procedure,
        "categories": frozenset(item.categories),
        "third_party.consent": None if tp is None else tp.consent,
        "third_party.public_interest_override": False if tp is None else tp.public_interest_override,
        "disclosure_required_by_law": item.disclosure_required_by_law,
        "severable": item.severable,
    }


def request_facts(req, correction_status: str) -> dict:
    ex = req.excessive
    return {
        "nature": req.nature,
        "content_clear": req.content_clear,
        "correction": correction_status,
        "repeat_of_answered": req.repeat_of_answered,
        "excessive": "none" if ex is None else ("reasonable" if ex.reason_reasonable else "unreasonable"),
        "applicant.kind": req.applicant.kind,
    }


#: The same facts as ``item_facts`` and ``request_facts``, as the speed layer's generated functions (``_compile``)
#: read them: ``*_FACT_FIELDS`` maps a fact that is an input field as it stands to that field (read together by one
#: ``operator.itemgetter``), ``*_FACT_SOURCE`` a derived fact to the Python expression that computes it. In an
#: item function ``d`` is the item's field dict and ``tp`` its ``third_party``; in a request function ``d`` is the
#: request's field dict, ``ex`` its ``excessive`` and ``cstatus`` the 补正 status. Written here, beside the
#: functions they mirror (the interface, not law); tests/test_compiled.py checks that they agree.
ITEM_FACT_FIELDS: dict[str, str] = {
    "exists": "exists",
    "held": "held",
    "proactively_published": "proactively_published",
    "requires_creation": "requires_creation",
    "special_procedure": "special_procedure",
    "categories": "categories",               # a tuple: the generated set tests accept any iterable
    "disclosure_required_by_law": "disclosure_required_by_law",
    "severable": "severable",
}
ITEM_FACT_SOURCE: dict[str, str] = {
    "responsible_agency_known": "bool(d['responsible_agency'])",
    "third_party.consent": "(None if tp is None else tp.consent)",
    "third_party.public_interest_override": "(False if tp is None else tp.public_interest_override)",
}
ITEM_FACT_PROLOGUE = ("d = item.__dict__", "tp = d['third_party']")
REQUEST_FACT_FIELDS: dict[str, str] = {
    "nature": "nature",
    "content_clear": "content_clear",
    "repeat_of_answered": "repeat_of_answered",
}
REQUEST_FACT_SOURCE: dict[str, str] = {
    "correction": "cstatus",
    "excessive": "('none' if ex is None else ('reasonable' if ex.reason_reasonable else 'unreasonable'))",
    "applicant.kind": "d['applicant'].kind",
}
REQUEST_FACT_PROLOGUE = ("ex = d['excessive']",)


# ---------------------------------------------------------------- labels (中文名称 / Chinese labels)
# What a person reads and writes instead of the codes: the column headers that CSV and XLSX input may use
# (beside the English field paths), and the words of the table, CSV and XLSX outputs. The one place these
# words are defined (docs/cli.md shows them; tests/test_inputs_outputs.py checks that the docs agree).
# A path's list index is written ``N``: ``items.N.description`` is ``items.0.description``,
# ``items.1.description``…; in Chinese the label alone is the first element and the label followed by a
# number (from 1) the Nth: ``申请公开的信息``, ``申请公开的信息2``. No label ends in a digit.

#: the input fields of ``decide`` (DisclosureRequest), by dotted path
REQUEST_LABELS: dict[str, str] = {
    "id": "编号",
    "jurisdiction": "规则包",
    "submission.channel": "提交方式",
    "submission.submitted_on": "提交日期",
    "submission.signed_on": "签收日期",
    "submission.confirmed_on": "确认收到日期",
    "applicant.kind": "申请人类型",
    "nature": "申请性质",
    "content_clear": "申请内容明确",
    "correction.notified_on": "补正告知日期",
    "correction.due_on": "补正期限",
    "correction.received_on": "收到补正日期",
    "repeat_of_answered": "重复申请已答复",
    "excessive.reason_reasonable": "超量申请理由合理",
    "excessive.agreed_due": "延迟答复期限",
    "consultations.N.party": "征求意见对象",
    "consultations.N.sent_on": "征求意见发出日期",
    "consultations.N.received_on": "征求意见送达日期",
    "consultations.N.replied_on": "征求意见答复日期",
    "extension.approved_on": "延期批准日期",
    "as_of": "查询日期",
    "items.N.description": "申请公开的信息",
    "items.N.exists": "信息存在",
    "items.N.held": "本机关负责公开",
    "items.N.responsible_agency": "负责公开的机关",
    "items.N.proactively_published": "已主动公开",
    "items.N.requires_creation": "需另行制作",
    "items.N.special_procedure": "适用特别程序",
    "items.N.categories": "审查认定类别",
    "items.N.third_party.consent": "第三方意见",
    "items.N.third_party.public_interest_override": "公共利益需要公开",
    "items.N.disclosure_required_by_law": "法律规定应当公开",
    "items.N.severable": "能够区分处理",
}

#: the input fields of ``classify`` (Document)
DOCUMENT_LABELS: dict[str, str] = {
    "id": "编号",
    "jurisdiction": "规则包",
    "doc_type": "文种",
    "title": "标题",
    "formed_on": "成文日期",          # GB/T 9704-2012 的要素名称（公文登记簿的列名）
    "issued_as": "发文名义",
    "addressed_to_superior": "报上级机关",
    "forwards.attribute": "所转发公文的公开属性",
    "flags": "审查结论",
}

#: the input fields of ``interact`` (Message)
MESSAGE_LABELS: dict[str, str] = {
    "id": "编号",
    "jurisdiction": "规则包",
    "kind": "留言类别",
    "received_on": "收到日期",
    "title": "标题",
}

#: the codes' words: input vocabularies, and the codes of the answers (unknown codes are shown as they are)
CODE_LABELS: dict[str, str] = {
    # submission.channel
    "in_person": "当面提交", "post": "邮寄", "ordinary_mail": "平常信函", "online": "互联网", "fax": "传真",
    # applicant.kind (年度报告的列)
    "natural_person": "自然人", "enterprise": "商业企业", "research_institution": "科研机构",
    "nonprofit": "社会公益组织", "legal_service": "法律服务机构", "other_org": "其他组织",
    # nature
    "information": "申请政府信息", "petition": "信访举报投诉", "publication": "要求提供公开出版物",
    "reconfirm": "要求确认或重新出具",
    # items.N.categories
    "state_secret": "国家秘密", "prohibited_by_law": "法律行政法规禁止公开", "endangers_security": "危及三安全一稳定",
    "trade_secret": "商业秘密", "personal_privacy": "个人隐私", "internal_affairs": "内部事务信息",
    "process_information": "过程性信息", "enforcement_file": "行政执法案卷",
    # consultations.N.party
    "third_party": "第三方", "agency": "其他机关",
    # items.N.third_party.consent (besides true 同意 / false 不同意)
    "no_reply": "逾期未答复",
    # classify: issued_as, flags
    "office": "内设机构名义",
    "public_interest": "涉及公众利益调整", "public_awareness": "需要公众广泛知晓或参与",
    "organization": "机构职能与办事程序", "internal_management": "内部管理信息", "internal_material": "内部材料",
    "work_secret": "工作秘密", "consultation": "征求意见", "ethnic_religious": "涉及民族宗教",
    "secrecy_uncertain": "不能确定是否可以公开", "media_release": "新闻发布", "policy_document": "政策性文件",
    # classify: attribute
    "proactive": "主动公开", "on_request": "依申请公开", "not_public": "不予公开",
    # decide: actions
    "request_correction": "告知补正", "await_correction": "等待补正", "consult_third_party": "书面征求第三方意见",
    "notify_third_party": "告知第三方", "refer_to_responsible_agency": "告知负责公开的机关",
    "state_reasons": "说明理由", "inform_access_route": "告知获取途径", "inform_proper_channel": "告知通过相应渠道办理",
    "inform_special_procedure": "告知依有关法律规定办理", "redact": "区分处理后公开",
    # decide: warnings
    "correction_notice_late": "补正告知逾期", "extension_after_due": "延期在期限届满后才批准",
    # classify: review steps, warnings
    "attribute_check": "明确公开属性", "initial_review": "初审", "second_review": "复审", "final_review": "审定", "secrecy_review": "保密审查",
    "office_secrecy_review": "股室保密审查", "policy_document_review": "政策文件审查",
    "media_release_review": "新闻发布审查", "ethnic_religious_review": "民族宗教审查",
    "refer_to_secrecy_authority": "报主管部门或保密行政管理部门确定",
    "mixed_content": "夹带不同公开属性的内容", "attribute_needs_determination": "属性待主管部门确定",
}
#: the issuing name ``agency`` (发文名义) shares its code with the consulted party ``agency`` (其他机关)
ISSUED_AS_LABELS: dict[str, str] = {"agency": "机关名义", "office": CODE_LABELS["office"]}
#: booleans as a person writes them in a spreadsheet (TRUE/FALSE as Excel writes them, 是/否)
TRUE_WORDS = ("true", "是")
FALSE_WORDS = ("false", "否")
#: the third party's answer (``items.N.third_party.consent``): true / false / no_reply
CONSENT_WORDS = {"同意": True, "不同意": False}
