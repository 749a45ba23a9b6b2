"""Typed edges: pydantic models of every input and output of the public contract.

Field names and codes are fixed by ``CONTRACT.md``: they may be added to, never renamed.
Inputs forbid unknown fields, so that a misspelt field (``catgories``) is an error naming it
rather than a silently ignored finding.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Category = Literal["state_secret", "prohibited_by_law", "endangers_security", "trade_secret",
                   "personal_privacy", "internal_affairs", "process_information", "enforcement_file"]
Channel = Literal["in_person", "post", "ordinary_mail", "online", "fax"]
Nature = Literal["information", "petition", "publication", "reconfirm"]
ApplicantKind = Literal["natural_person", "enterprise", "research_institution", "nonprofit",
                        "legal_service", "other_org"]


class _In(BaseModel):
    # defer_build: the validators are built on first use, not at import (keeps start-up short)
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Submission(_In):
    """How and when the application arrived (条例 第三十一条)."""

    channel: Channel = Field(description="提交渠道 / channel")
    submitted_on: dt.date = Field(description="申请人提交或寄出之日")
    signed_on: Optional[dt.date] = Field(None, description="邮寄（挂号）：行政机关签收之日")
    confirmed_on: Optional[dt.date] = Field(None, description="平常信函、互联网、传真：双方确认之日")


class Applicant(_In):
    kind: ApplicantKind = "natural_person"


class ThirdParty(_In):
    """The third party's answer to the written consultation (第三十二条)."""

    consent: bool | Literal["no_reply"] = Field(description="同意 true / 不同意 false / 逾期未答复 no_reply")
    public_interest_override: bool = Field(False, description="行政机关认为不公开会对公共利益造成重大影响")


class Item(_In):
    """One piece of information asked for, with the findings of the review."""

    description: str = ""
    exists: bool = True
    held: bool = True
    responsible_agency: Optional[str] = None
    proactively_published: bool = False
    requires_creation: bool = False
    special_procedure: bool = False
    categories: tuple[Category, ...] = ()
    third_party: Optional[ThirdParty] = None
    disclosure_required_by_law: bool = False
    severable: bool = False

    @field_validator("categories")
    @classmethod
    def _unique(cls, v):
        return tuple(dict.fromkeys(v))


class Correction(_In):
    """A 补正 notice that was sent (第三十条)."""

    notified_on: dt.date
    due_on: dt.date
    received_on: Optional[dt.date] = None

    @model_validator(mode="after")
    def _order(self):
        if self.due_on < self.notified_on:
            raise ValueError("due_on 补正期限不能早于 notified_on 告知日")
        if self.received_on is not None and self.received_on < self.notified_on:
            raise ValueError("received_on 收到补正之日不能早于 notified_on 告知日")
        return self


class Excessive(_In):
    """第三十五条: the request's volume or frequency is clearly beyond a reasonable range."""

    reason_reasonable: bool
    agreed_due: Optional[dt.date] = None


class Consultation(_In):
    """A written consultation of a third party (第三十二条) or another agency (第三十四条)."""

    party: Literal["third_party", "agency"]
    sent_on: dt.date
    replied_on: Optional[dt.date] = None

    @model_validator(mode="after")
    def _order(self):
        if self.replied_on is not None and self.replied_on < self.sent_on:
            raise ValueError("replied_on 答复之日不能早于 sent_on 发出之日")
        return self


class Extension(_In):
    approved_on: dt.date


class DisclosureRequest(_In):
    """A disclosure request (依申请公开申请) as the contract's ``decide`` input."""

    id: Optional[str] = Field(None, description="调用方的编号，原样返回 / caller's id, echoed back")
    jurisdiction: str = "cn"
    submission: Submission
    applicant: Applicant = Applicant()
    nature: Nature = "information"
    content_clear: bool = True
    correction: Optional[Correction] = None
    repeat_of_answered: bool = False
    excessive: Optional[Excessive] = None
    consultations: tuple[Consultation, ...] = ()
    extension: Optional[Extension] = None
    as_of: Optional[dt.date] = None
    items: tuple[Item, ...] = ()

    @model_validator(mode="after")
    def _items(self):
        if self.nature == "information" and not self.items:
            raise ValueError("items: nature 为 information 时至少需要一项所申请的信息 (at least one item)")
        return self


# ---------------------------------------------------------------- outputs

class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class CitationOut(_Out):
    regulation: str
    article: int
    paragraph: Optional[int] = None
    item: Optional[int] = None
    text: str
    label: str = ""
    verbatim: bool = True


class ItemDecision(_Out):
    disposition: str
    basis: list[CitationOut]
    actions: list[str] = []
    trace: list[str] = []


class DeadlineStep(_Out):
    date: dt.date
    counted: bool
    count: Optional[int] = None
    reason: str
    name: Optional[str] = None
    source: Optional[str] = None
    basis: Optional[str] = None


class Deadline(_Out):
    received_on: dt.date
    reply_period_starts: Optional[dt.date] = None
    due: Optional[dt.date] = None
    extended_due: Optional[dt.date] = None
    correction_notice_by: Optional[dt.date] = None
    provisional: bool = False
    calendar: str = "cn"
    excluded_days: int = 0
    explain: Optional[list[DeadlineStep]] = None


class Decision(_Out):
    """A decision on a disclosure request: what to do, why, by when, and which rules decided."""

    id: Optional[str] = None
    jurisdiction: str = "cn"
    disposition: str
    final: bool
    regime: str
    basis: list[CitationOut]
    actions: list[str]
    deadline: Deadline
    items: list[ItemDecision]
    trace: list[str]
    warnings: list[str] = []


class ErrorOut(_Out):
    message: str
    field: Optional[str] = None


class ErrorLine(_Out):
    """What the command line prints for an input it cannot handle."""

    error: ErrorOut


# ---------------------------------------------------------------- classify (公文)

DocType = Literal["决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复",
                  "议案", "函", "纪要"]
DocFlag = Literal["public_interest", "public_awareness", "organization", "internal_management",
                  "internal_material", "trade_secret", "personal_privacy", "state_secret", "work_secret",
                  "consultation", "ethnic_religious", "secrecy_uncertain", "media_release", "policy_document"]
Attribute = Literal["proactive", "on_request", "not_public"]


class Forwarded(_In):
    attribute: Optional[Attribute] = Field(None, description="所转发公文的公开属性；null 表示未确定")


class Document(_In):
    """An official document (公文) to classify, as the contract's ``classify`` input."""

    id: Optional[str] = Field(None, description="调用方的编号，原样返回 / caller's id, echoed back")
    jurisdiction: str = "cn"
    doc_type: Optional[DocType] = Field(None, description="文种；可省略，若标题以文种结尾")
    title: str = ""
    formed_on: dt.date = Field(description="形成或者变更之日（第二十六条）")
    issued_as: Literal["agency", "office"] = "agency"
    addressed_to_superior: bool = False
    forwards: Optional[Forwarded] = None
    flags: tuple[DocFlag, ...] = ()

    @field_validator("flags")
    @classmethod
    def _unique(cls, v):
        return tuple(dict.fromkeys(v))


class ReviewStep(_Out):
    step: str
    role: Optional[str] = None
    basis: list[CitationOut]


class Classification(_Out):
    """The disclosure attribute of a document, its basis, publication deadline and review route."""

    id: Optional[str] = None
    jurisdiction: str = "cn"
    doc_type: str
    attribute: Attribute
    basis: list[CitationOut]
    publish_by: Optional[dt.date] = None
    provisional: bool = False
    reason_required: bool
    review: list[ReviewStep]
    periods: list["Period"] = []
    warnings: list[str] = []
    trace: list[str] = []


class Period(_Out):
    kind: str
    min_days: Optional[int] = None
    max_days: Optional[int] = None
    unit: str
    basis: list[CitationOut]


# ---------------------------------------------------------------- 政民互动 (online messages)

class Message(_In):
    """An online message to the agency (政民互动), as the ``interact`` input."""

    id: Optional[str] = None
    jurisdiction: str
    kind: str = Field(description="留言类别，取值见规则包的 interaction.kinds")
    received_on: dt.date
    title: str = ""


class MessageRouting(_Out):
    id: Optional[str] = None
    jurisdiction: str
    kind: str
    label: str
    office: Optional[str] = None
    route: list[str] = []
    due: dt.date
    earliest: Optional[dt.date] = None
    extended_due: Optional[dt.date] = None
    provisional: bool = False
    basis: list[CitationOut]
    note: Optional[str] = None
