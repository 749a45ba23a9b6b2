"""The closed vocabulary that rule conditions may test: typed facts derived from the inputs.

This module holds the *interface* (which input fields exist and their value domains, as fixed by
the public contract), not law: which values lead to which outcome is written in ``rules/``.
"""
from __future__ import annotations

from dataclasses import dataclass
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
#: the disclosure attributes of a document (公开属性): the outputs of rules/national/classify/attribute.yaml
Attribute = Literal["proactive", "on_request", "not_public"]

CATEGORIES: tuple[str, ...] = get_args(Category)
NATURES: tuple[str, ...] = get_args(Nature)
CHANNELS: tuple[str, ...] = get_args(Channel)
APPLICANT_KINDS: tuple[str, ...] = get_args(ApplicantKind)
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


@dataclass(frozen=True, slots=True)
class FieldType:
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
