"""Typed edges: pydantic models of every input and output of the public contract.

Field names and codes are fixed by ``CONTRACT.md``: they may be added to, never renamed.
Inputs forbid unknown fields, so that a misspelt field (``catgories``) is an error naming it
rather than a silently ignored finding. Inputs are strict: a date is an ISO ``YYYY-MM-DD`` string
(or a ``datetime.date``), never a timestamp, a datetime or bytes; a flag is ``true``/``false``,
never ``"no"``, ``"N"`` or ``0``; text is a string within its length limit (``_limits``).

Outputs are deeply immutable: frozen models whose lists are tuples, so that an answer handed to one
caller can never be changed by another (the engine shares memoised parts between answers).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, Optional

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, Strict, StrictBool, StringConstraints,
                      field_validator, model_validator)

from ._facts import (APPLICANT_KINDS, ATTRIBUTES, CATEGORIES, CHANNELS, DEFAULT_APPLICANT_KIND, DEFAULT_NATURE,
                     DOC_FLAGS, DOC_TYPES, NATURE_WITH_ITEMS, NATURES)
from ._limits import MAX_CODE, MAX_CONSULTATIONS, MAX_ID, MAX_ITEMS, MAX_NAME, MAX_TEXT

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value):
    """A date is a ``datetime.date`` or an ISO ``YYYY-MM-DD`` string; nothing else is read as one."""
    if value.__class__ is dt.date:
        return value
    if value.__class__ is str and _ISO_DATE.fullmatch(value):
        return dt.date.fromisoformat(value)      # ValueError for 2026-02-30: reported on the field
    raise ValueError("须为 ISO 日期 YYYY-MM-DD（不接受时间戳、带时间的日期或字节串）/ must be an ISO date YYYY-MM-DD")


#: an input date: ISO string or ``datetime.date``
Date = Annotated[dt.date, BeforeValidator(_iso_date), Strict()]
#: an input flag: JSON ``true`` / ``false`` only
Flag = StrictBool
Text = Annotated[str, Strict(), StringConstraints(max_length=MAX_TEXT)]
Name = Annotated[str, Strict(), StringConstraints(max_length=MAX_NAME)]
CallerId = Annotated[str, Strict(), StringConstraints(max_length=MAX_ID)]
Code = Annotated[str, Strict(), StringConstraints(max_length=MAX_CODE)]

# the contract's closed vocabularies: one definition, in _facts
Category = Literal[CATEGORIES]
Channel = Literal[CHANNELS]
Nature = Literal[NATURES]
ApplicantKind = Literal[APPLICANT_KINDS]


class _In(BaseModel):
    # defer_build: the validators are built on first use, not at import (keeps start-up short)
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Submission(_In):
    """How and when the application arrived (条例 第三十一条)."""

    channel: Channel = Field(description="提交渠道 / channel")
    submitted_on: Date = Field(description="申请人提交或寄出之日")
    signed_on: Optional[Date] = Field(None, description="邮寄（挂号）：行政机关签收之日")
    confirmed_on: Optional[Date] = Field(None, description="平常信函、互联网、传真：双方确认之日")


class Applicant(_In):
    kind: ApplicantKind = DEFAULT_APPLICANT_KIND


class ThirdParty(_In):
    """The third party's answer to the written consultation (第三十二条)."""

    consent: Flag | Literal["no_reply"] = Field(description="同意 true / 不同意 false / 逾期未答复 no_reply")
    public_interest_override: Flag = Field(False, description="行政机关认为不公开会对公共利益造成重大影响")


class Item(_In):
    """One piece of information asked for, with the findings of the review."""

    description: Text = ""
    exists: Flag = True
    held: Flag = True
    responsible_agency: Optional[Name] = None
    proactively_published: Flag = False
    requires_creation: Flag = False
    special_procedure: Flag = False
    categories: tuple[Category, ...] = Field((), max_length=16)
    third_party: Optional[ThirdParty] = None
    disclosure_required_by_law: Flag = False
    severable: Flag = False

    @field_validator("categories")
    @classmethod
    def _unique(cls, v):
        return tuple(dict.fromkeys(v))


class Correction(_In):
    """A 补正 notice that was sent (第三十条)."""

    notified_on: Date
    due_on: Date
    received_on: Optional[Date] = None

    @model_validator(mode="after")
    def _order(self):
        if self.due_on < self.notified_on:
            raise ValueError("due_on 补正期限不能早于 notified_on 告知日")
        if self.received_on is not None and self.received_on < self.notified_on:
            raise ValueError("received_on 收到补正之日不能早于 notified_on 告知日")
        return self


class Excessive(_In):
    """第三十五条: the request's volume or frequency is clearly beyond a reasonable range."""

    reason_reasonable: Flag
    agreed_due: Optional[Date] = None


class Consultation(_In):
    """A written consultation of a third party (第三十二条) or another agency (第三十四条)."""

    party: Literal["third_party", "agency"]
    sent_on: Date
    received_on: Optional[Date] = Field(None, description="被征求意见方收到征求意见书之日（默认为 sent_on）；"
                                                          "其提出意见的期限自此日起算")
    replied_on: Optional[Date] = None

    @model_validator(mode="after")
    def _order(self):
        if self.received_on is not None and self.received_on < self.sent_on:
            raise ValueError("received_on 收到之日不能早于 sent_on 发出之日")
        if self.replied_on is not None and self.replied_on < self.sent_on:
            raise ValueError("replied_on 答复之日不能早于 sent_on 发出之日")
        return self


class Extension(_In):
    approved_on: Date


class DisclosureRequest(_In):
    """A disclosure request (依申请公开申请) as the contract's ``decide`` input."""

    id: Optional[CallerId] = Field(None, description="调用方的编号，原样返回 / caller's id, echoed back")
    jurisdiction: Code = "cn"
    submission: Submission
    applicant: Applicant = Applicant()
    nature: Nature = DEFAULT_NATURE
    content_clear: Flag = True
    correction: Optional[Correction] = None
    repeat_of_answered: Flag = False
    excessive: Optional[Excessive] = None
    consultations: tuple[Consultation, ...] = Field((), max_length=MAX_CONSULTATIONS)
    extension: Optional[Extension] = None
    as_of: Optional[Date] = None
    items: tuple[Item, ...] = Field((), max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _items(self):
        if self.nature == NATURE_WITH_ITEMS and not self.items:
            raise ValueError("items: nature 为 information 时至少需要一项所申请的信息 (at least one item)")
        return self


# ---------------------------------------------------------------- outputs

class ReadOnlyDict(dict):
    """A ``dict`` that refuses changes: the memoised parts of a ``*_raw`` answer (citations, item
    answers) are shared between answers, so they are handed out read-only. It is still a ``dict`` to
    ``json.dumps``, ``==``, ``isinstance`` and ``pickle``; ``dict(d)`` or ``copy.deepcopy(d)`` gives a
    caller a plain copy to edit."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError("只读：引擎答复中的共享部分不能修改，请先复制（dict(...) 或 copy.deepcopy）"
                        " / read-only: copy it first")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):
        return (self.__class__, (dict(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        import copy
        return {k: copy.deepcopy(v, memo) for k, v in self.items()}


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
    basis: tuple[CitationOut, ...]
    actions: tuple[str, ...] = ()
    trace: tuple[str, ...] = ()


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
    explain: Optional[tuple[DeadlineStep, ...]] = None


class Decision(_Out):
    """A decision on a disclosure request: what to do, why, by when, and which rules decided."""

    id: Optional[str] = None
    jurisdiction: str = "cn"
    disposition: str
    final: bool
    regime: str
    basis: tuple[CitationOut, ...]
    actions: tuple[str, ...]
    deadline: Deadline
    items: tuple[ItemDecision, ...]
    trace: tuple[str, ...]
    warnings: tuple[str, ...] = ()


class ErrorOut(_Out):
    message: str
    field: Optional[str] = None


class ErrorLine(_Out):
    """What the command line prints for an input it cannot handle."""

    error: ErrorOut


# ---------------------------------------------------------------- classify (公文)

DocType = Literal[DOC_TYPES]
DocFlag = Literal[DOC_FLAGS]
Attribute = Literal[ATTRIBUTES]


class Forwarded(_In):
    attribute: Optional[Attribute] = Field(None, description="所转发公文的公开属性；null 表示未确定")


class Document(_In):
    """An official document (公文) to classify, as the contract's ``classify`` input."""

    id: Optional[CallerId] = Field(None, description="调用方的编号，原样返回 / caller's id, echoed back")
    jurisdiction: Code = "cn"
    doc_type: Optional[DocType] = Field(None, description="文种；可省略，若标题以文种结尾")
    title: Text = ""
    formed_on: Date = Field(description="形成或者变更之日（第二十六条）")
    issued_as: Literal["agency", "office"] = "agency"
    addressed_to_superior: Flag = False
    forwards: Optional[Forwarded] = None
    flags: tuple[DocFlag, ...] = Field((), max_length=32)

    @field_validator("flags")
    @classmethod
    def _unique(cls, v):
        return tuple(dict.fromkeys(v))


class ReviewStep(_Out):
    step: str
    role: Optional[str] = None
    basis: tuple[CitationOut, ...]


class Classification(_Out):
    """The disclosure attribute of a document, its basis, publication deadline and review route."""

    id: Optional[str] = None
    jurisdiction: str = "cn"
    doc_type: str
    attribute: Attribute
    basis: tuple[CitationOut, ...]
    publish_by: Optional[dt.date] = None
    provisional: bool = False
    reason_required: bool
    review: tuple[ReviewStep, ...]
    periods: tuple["Period", ...] = ()
    warnings: tuple[str, ...] = ()
    trace: tuple[str, ...] = ()


class Period(_Out):
    kind: str
    min_days: Optional[int] = None
    max_days: Optional[int] = None
    unit: str
    basis: tuple[CitationOut, ...]


# ---------------------------------------------------------------- 政民互动 (online messages)

class Message(_In):
    """An online message to the agency (政民互动), as the ``interact`` input."""

    id: Optional[CallerId] = None
    jurisdiction: Code
    kind: Code = Field(description="留言类别，取值见规则包的 interaction.kinds")
    received_on: Date
    title: Text = ""


class MessageRouting(_Out):
    id: Optional[str] = None
    jurisdiction: str
    kind: str
    label: str
    office: Optional[str] = None
    route: tuple[str, ...] = ()
    due: dt.date
    earliest: Optional[dt.date] = None
    extended_due: Optional[dt.date] = None
    provisional: bool = False
    basis: tuple[CitationOut, ...]
    note: Optional[str] = None
