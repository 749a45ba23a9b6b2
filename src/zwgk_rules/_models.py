"""Typed edges: pydantic models of every input of the public contract (the outputs: ``_outputs``, handed out
here too, on first use).

Field names and codes are fixed by ``CONTRACT.md``: they may be added to, never renamed.
Inputs forbid unknown fields, so that a misspelt field (``catgories``) is an error naming it
rather than a silently ignored finding. Inputs are strict: a date is an ISO ``YYYY-MM-DD`` string
(or a ``datetime.date``), never a timestamp, a datetime or bytes; a flag is ``true``/``false``,
never ``"no"``, ``"N"`` or ``0``; text is a string within its length limit (``_limits``).

The shared, read-only parts of a JSON-ready answer (``ReadOnlyDict``) are here; the output models are in
``_outputs``, built only when a typed answer or a schema is asked for.
"""

import datetime as dt
import re
from typing import Annotated, Literal, Optional

from pydantic import (BaseModel, ConfigDict, Field, Strict, StrictBool, StringConstraints,
                      field_validator, model_validator)

from ._facts import (DEFAULT_APPLICANT_KIND, DEFAULT_NATURE, NATURE_WITH_ITEMS, ApplicantKind, Attribute, Category,
                     Channel, DocFlag, DocType, Nature)
from ._limits import MAX_CODE, MAX_CONSULTATIONS, MAX_ID, MAX_ITEMS, MAX_NAME, MAX_TEXT

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value):
    """A date is a ``datetime.date`` or an ISO ``YYYY-MM-DD`` string; nothing else is read as one."""
    if value.__class__ is dt.date:
        return value
    if value.__class__ is str and _ISO_DATE.fullmatch(value):
        return dt.date.fromisoformat(value)      # ValueError for 2026-02-30: reported on the field
    raise ValueError(DATE_MESSAGE)


#: the message of a date that is not an ISO date (both modes say the same)
DATE_MESSAGE = "须为 ISO 日期 YYYY-MM-DD（不接受时间戳、带时间的日期或字节串）/ must be an ISO date YYYY-MM-DD"


class _IsoDate:
    """The schema of an input date. From JSON (the command line, the server): pydantic-core's strict date,
    which takes exactly a ``YYYY-MM-DD`` string of a real day, in Rust. From Python: a ``datetime.date``, or
    such a string through ``_iso_date``. The two accept the same values (tests/test_hardening_cli.py)."""

    @staticmethod
    def __get_pydantic_core_schema__(source, handler):
        from pydantic_core import core_schema as cs
        strict = cs.date_schema(strict=True)
        return cs.json_or_python_schema(json_schema=strict,
                                        python_schema=cs.no_info_before_validator_function(_iso_date, strict),
                                        serialization=cs.plain_serializer_function_ser_schema(
                                            dt.date.isoformat, when_used="json"))

    @staticmethod
    def __get_pydantic_json_schema__(core, handler):
        return {"type": "string", "format": "date"}


#: an input date: ISO string or ``datetime.date``
Date = Annotated[dt.date, _IsoDate]
#: an input flag: JSON ``true`` / ``false`` only
Flag = StrictBool
Text = Annotated[str, Strict(), StringConstraints(max_length=MAX_TEXT)]
Name = Annotated[str, Strict(), StringConstraints(max_length=MAX_NAME)]
CallerId = Annotated[str, Strict(), StringConstraints(max_length=MAX_ID)]
Code = Annotated[str, Strict(), StringConstraints(max_length=MAX_CODE)]

#: the key of ``codes()``; ``zwgk schema`` replaces it with the enum
CODES_KEY = "x-zwgk-codes"


def codes(vocabulary: str) -> dict:
    """``json_schema_extra`` of a field whose values are codes that the rule files define (dispositions,
    actions, pack ids…): ``zwgk schema`` (``_contract_schema``) writes the enum from the rulebook loaded."""
    return {CODES_KEY: vocabulary}

# the contract's closed vocabularies (Category, Channel, Nature, ApplicantKind, DocType, DocFlag, Attribute):
# one definition each, as Literal types in _facts


class _In(BaseModel):
    # defer_build: the validators are built on first use, not at import (keeps start-up short)
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Submission(_In):
    """申请如何、何时提交（条例第三十一条）/ How and when the application arrived (art. 31)."""

    channel: Channel = Field(description="提交渠道：当面、邮寄（挂号）、平常信函、互联网、传真 / how it was handed in")
    submitted_on: Date = Field(description="申请人提交或寄出之日 / the day the applicant handed it in or sent it")
    signed_on: Optional[Date] = Field(default=None, description="邮寄（挂号，post）：行政机关签收之日；post 必填 / "
                                                        "post (registered mail): the day the agency signed for it")
    confirmed_on: Optional[Date] = Field(default=None, description="平常信函、互联网、传真：双方确认收到之日；这三种渠道必填 / "
                                                           "ordinary_mail, online, fax: the day both sides confirmed receipt")


class Applicant(_In):
    """申请人 / The applicant."""

    kind: ApplicantKind = Field(default=DEFAULT_APPLICANT_KIND, description="申请人类型（年度报告的各列）/ "
                                                                    "the kind of applicant (the annual report's columns)")


class ThirdParty(_In):
    """第三方对书面征求意见的答复（第三十二条）/ The third party's answer to the written consultation (art. 32)."""

    consent: Flag | Literal["no_reply"] = Field(description="同意 true / 不同意 false / 逾期未答复 no_reply / "
                                                            "consents, refuses, or did not reply in time")
    public_interest_override: Flag = Field(default=False, description="行政机关认为不公开会对公共利益造成重大影响 / the agency "
                                                              "finds that withholding would gravely affect the public interest")


class Item(_In):
    """所申请的一项信息及审查结论 / One piece of information asked for, with the findings of the review."""

    description: Text = Field(default="", description="所申请信息的描述（自由文本）/ what is asked for (free text)")
    exists: Flag = Field(default=True, description="经检索存在（第三十六条第四项）/ found after search (art. 36(4))")
    held: Flag = Field(default=True, description="属于本机关负责公开（第三十六条第五项）/ this agency is responsible for disclosing it (art. 36(5))")
    responsible_agency: Optional[Name] = Field(default=None, description="负责公开的机关（已知时）/ the agency that is, when known")
    proactively_published: Flag = Field(default=False, description="已经主动公开（第三十六条第一项）/ already proactively disclosed (art. 36(1))")
    requires_creation: Flag = Field(default=False, description="需要加工、分析或另行制作（第三十八条）/ would need processing, analysis "
                                                       "or new production (art. 38)")
    special_procedure: Flag = Field(default=False, description="工商、不动产登记资料等有专门规定的查询（第三十六条第七项）/ business or "
                                                       "real-estate registration records and the like, with their own access law (art. 36(7))")
    categories: tuple[Category, ...] = Field(default=(), max_length=16, description="审查认定的类别（第十四条至第十六条）/ "
                                                                            "findings of the review (arts. 14–16)")
    third_party: Optional[ThirdParty] = Field(default=None, description="第三方意见；null 表示尚未征求 / the third party's answer; "
                                                                "null: not consulted yet")
    disclosure_required_by_law: Flag = Field(default=False, description="法律、法规、规章规定过程性信息或行政执法案卷应当公开（第十六条"
                                                                "第二款）/ a law requires process information or enforcement files "
                                                                "to be disclosed (art. 16(2))")
    severable: Flag = Field(default=False, description="不应公开的部分能够作区分处理（第三十七条）/ the exempt part can be separated "
                                               "out (art. 37)")

    @field_validator("categories")
    @classmethod
    def _unique(cls, v):
        return tuple(dict.fromkeys(v))


class Correction(_In):
    """已发出的补正告知（第三十条）/ A 补正 notice that was sent (art. 30)."""

    notified_on: Date = Field(description="告知补正之日 / the day the applicant was asked to correct the application")
    due_on: Date = Field(description="给申请人的补正期限 / the time limit given for the correction")
    received_on: Optional[Date] = Field(default=None, description="收到补正后申请之日；null 表示尚未收到 / the day the corrected "
                                                          "application arrived; null: not yet")

    @model_validator(mode="after")
    def _order(self):
        if self.due_on < self.notified_on:
            raise ValueError("due_on 补正期限不能早于 notified_on 告知日")
        if self.received_on is not None and self.received_on < self.notified_on:
            raise ValueError("received_on 收到补正之日不能早于 notified_on 告知日")
        return self


class Excessive(_In):
    """申请的数量、频次明显超过合理范围（第三十五条）/ The request's volume or frequency is clearly beyond a
    reasonable range (art. 35)."""

    reason_reasonable: Flag = Field(description="申请人说明的理由是否合理 / whether the applicant's reason is reasonable")
    agreed_due: Optional[Date] = Field(default=None, description="告知申请人的延迟答复的合理期限 / the reasonable later date "
                                                         "notified to the applicant")


class Consultation(_In):
    """书面征求第三方（第三十二条）或其他机关（第三十四条）的意见 / A written consultation of a third party
    (art. 32) or another agency (art. 34)."""

    party: Literal["third_party", "agency"] = Field(description="被征求意见方：第三方或其他机关 / who was consulted: "
                                                                "a third party or another agency")
    sent_on: Date = Field(description="发出征求意见书之日 / the day the letter was sent")
    received_on: Optional[Date] = Field(default=None, description="被征求意见方收到征求意见书之日（默认为 sent_on）；"
                                                          "其提出意见的期限自此日起算 / the day the consulted party "
                                                          "received the letter (default sent_on): its period runs from there")
    replied_on: Optional[Date] = Field(default=None, description="答复之日；null 表示尚未答复 / the day it replied; null: no reply yet")

    @model_validator(mode="after")
    def _order(self):
        if self.received_on is not None and self.received_on < self.sent_on:
            raise ValueError("received_on 收到之日不能早于 sent_on 发出之日")
        if self.replied_on is not None and self.replied_on < self.sent_on:
            raise ValueError("replied_on 答复之日不能早于 sent_on 发出之日")
        return self


class Extension(_In):
    """延长答复期限（第三十三条第二款）/ An extension of the reply period (art. 33(2))."""

    approved_on: Date = Field(description="经政府信息公开工作机构负责人同意并告知申请人之日 / the day the head of the "
                                          "office approved it and the applicant was told")


class DisclosureRequest(_In):
    """依申请公开申请（decide 的输入）/ A disclosure request, as the contract's ``decide`` input."""

    id: Optional[CallerId] = Field(default=None, description="调用方的编号，原样返回 / caller's id, echoed back")
    jurisdiction: Code = Field(default="cn", description="规则包：cn（只用国家规则）或地方规则包编号；省略时命令行按 cn，"
                                                         "Engine 按其规则包 / rule pack: cn (the national rules alone) or "
                                                         "a local pack's id; left out: cn on the command line, the "
                                                         "engine's pack in Python",
                               json_schema_extra=codes("jurisdiction"))
    submission: Submission = Field(description="申请如何、何时提交（第三十一条）/ how and when it arrived (art. 31)")
    applicant: Applicant = Field(default=Applicant(), description="申请人 / the applicant")
    nature: Nature = Field(default=DEFAULT_NATURE, description="申请性质：政府信息、信访投诉举报、公开出版物、确认或重新出具 / "
                                                       "what is asked: information, a petition, a publication, a reconfirmation")
    content_clear: Flag = Field(default=True, description="申请内容明确，能够检索（第三十条）/ clear enough to search (art. 30)")
    correction: Optional[Correction] = Field(default=None, description="已发出的补正告知；null 表示没有 / a 补正 notice that "
                                                               "was sent; null: none")
    repeat_of_answered: Flag = Field(default=False, description="重复申请已答复的信息（第三十六条第六项）/ the same information, "
                                                        "already answered (art. 36(6))")
    excessive: Optional[Excessive] = Field(default=None, description="数量、频次明显超过合理范围（第三十五条）；null 表示否 / "
                                                             "clearly beyond a reasonable range (art. 35); null: not")
    consultations: tuple[Consultation, ...] = Field(default=(), max_length=MAX_CONSULTATIONS,
                                                    description="书面征求意见（第三十二条、第三十四条）/ written "
                                                                "consultations (arts. 32, 34)")
    extension: Optional[Extension] = Field(default=None, description="经批准的延长答复期限；null 表示没有 / an approved "
                                                             "extension; null: none")
    as_of: Optional[Date] = Field(default=None, description="提问之日（如补正是否逾期）；引擎从不读取今天的日期 / the day the "
                                                    "question is asked (e.g. whether a correction lapsed); never the clock")
    items: tuple[Item, ...] = Field(default=(), max_length=MAX_ITEMS, description="所申请的各项信息；nature 为 information 时"
                                                                          "至少一项 / the pieces of information asked "
                                                                          "for; at least one for nature information")

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


# ---------------------------------------------------------------- classify (公文)



class Forwarded(_In):
    """转发类公文所转发的公文 / The document a forwarding document forwards."""

    attribute: Optional[Attribute] = Field(default=None, description="所转发公文的公开属性；null 表示未确定 / its disclosure "
                                                             "attribute; null: not determined")


class Document(_In):
    """待认定公开属性的公文（classify 的输入）/ An official document (公文) to classify, as the contract's
    ``classify`` input."""

    id: Optional[CallerId] = Field(default=None, description="调用方的编号，原样返回 / caller's id, echoed back")
    jurisdiction: Code = Field(default="cn", description="规则包：cn 或地方规则包编号；省略时命令行按 cn，Engine 按其"
                                                         "规则包 / rule pack: cn or a local pack's id; left out: cn on "
                                                         "the command line, the engine's pack in Python",
                               json_schema_extra=codes("jurisdiction"))
    doc_type: Optional[DocType] = Field(default=None, description="文种；标题以文种结尾时可省略 / the document type; may be "
                                                          "left out when the title ends with it")
    title: Text = Field(default="", description="标题 / the title")
    formed_on: Date = Field(description="形成或者变更之日（第二十六条）/ the day it was formed or changed (art. 26)")
    issued_as: Literal["agency", "office"] = Field(default="agency", description="以机关名义或以内设科室名义制发 / issued in "
                                                                         "the agency's name or an internal office's")
    addressed_to_superior: Flag = Field(default=False, description="报上级机关的请示、报告 / addressed to a superior agency")
    forwards: Optional[Forwarded] = Field(default=None, description="转发类公文：所转发公文的属性；null 表示不是转发 / a "
                                                            "forwarding document: what it forwards; null: not one")
    flags: tuple[DocFlag, ...] = Field(default=(), max_length=32, description="公文内容的审查结论 / findings about its content")

    @field_validator("flags")
    @classmethod
    def _unique(cls, v):
        return tuple(dict.fromkeys(v))


# ---------------------------------------------------------------- 政民互动 (online messages)

class Message(_In):
    """政民互动留言（interact 的输入）/ An online message to the agency (政民互动), as the ``interact`` input."""

    id: Optional[CallerId] = Field(default=None, description="调用方的编号，原样返回 / caller's id, echoed back")
    jurisdiction: Code = Field(default="cn", description="规则包（须有政民互动的规定，如勺米镇）；不写时为引擎的或 "
                                                         "--jurisdiction 给出的规则包 / the rule pack (one with message "
                                                         "rules); when absent, the engine's or --jurisdiction's",
                               json_schema_extra=codes("interaction_jurisdiction"))
    kind: Code = Field(description="留言类别，取值见规则包的 interaction.kinds / the kind of message, as the pack "
                                   "lists them", json_schema_extra=codes("message_kind"))
    received_on: Date = Field(description="收到留言之日 / the day the message arrived")
    title: Text = Field(default="", description="留言标题 / the message's title")


def __getattr__(name: str):
    """The output models (``Decision``, ``CaseState``…) live in ``_outputs`` and are built on first use."""
    if name.startswith("__"):       # the import system asks for __path__ and the like: not an output model
        raise AttributeError(name)
    from . import _outputs
    try:
        return getattr(_outputs, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
