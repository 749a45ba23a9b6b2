"""pydantic models OF THE RULE FILES: the rule-file format is a schema, validated at load time.

Here: the files that ``Rulebook()`` reads. The models of the files read on first use (case, fees, report
formats, notices, remedy, documents) are in ``_schema_ondemand``."""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from ._limits import MAX_ARTICLE, MAX_PARAGRAPH, MAX_PERIOD_DAYS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _not_a_number(v):
    if isinstance(v, (int, float)):      # pydantic would read 0 as 1970-01-01 (seconds since the epoch)
        raise ValueError("日期须写成 YYYY-MM-DD，而不是数字 / a date is written YYYY-MM-DD, not as a number")
    return v


#: a date as written in a rule file: 2019-05-15 (or '2019-05-15'), never a number
Day = Annotated[dt.date, BeforeValidator(_not_a_number)]


class InForce(_Strict):
    from_: Day = Field(alias="from")
    to: Day | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"施行期间的终止日期 {self.to} 早于起始日期 {self.from_} / in_force ends before it starts")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


def _listify(v):
    if v is None:
        return ()
    return tuple(v) if isinstance(v, (list, tuple)) else (v,)


#: citations or rule ids: a list in the rule file, or one value written alone (``basis: ogi-2019:14``)
Refs = Annotated[tuple[str, ...], BeforeValidator(_listify)]


class Unsupported(_Strict):
    field: str
    message: str


class ValueFrom(_Strict):
    from_: str = Field(alias="from")


Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.\-]*$")]
#: action codes, listed like ``Refs``
Codes = Annotated[tuple[Code, ...], BeforeValidator(_listify)]


class Then(_Strict):
    value: str | ValueFrom | None = None
    role: str | None = None              # for review steps: who acts
    actions: Codes = ()
    cite: Refs = ()          # upstream tables whose basis (and actions) this outcome carries
    unsupported: Unsupported | None = None


class RuleSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    title: str
    title_en: str | None = None
    when: dict[str, Any] | None = None
    then: Then
    basis: Refs = ()
    exception_to: Refs = ()
    in_force: InForce | None = None
    #: the law admits no local exception to this rule (第十四条 / 2008年 第八条、第十四条第四款): only the
    #: exceptions the statute itself writes (第三十七条 区分处理, in the national rule files) apply; a pack's
    #: rule may not be an exception to it (in a ``collect`` table it may only refine it: same step, its own
    #: role), and ``zwgk check`` proves no pack rule discloses what it withholds
    absolute: bool = False
    #: the rules of another regime that say the same (2019 ↔ 2008), by id: ``zwgk explain`` shows them
    corresponds_to: Refs = ()
    #: why no article is cited (a rule that only maps a request to a reporting category, e.g. 年度报告格式的
    #: “要求确认或重新出具”): such a rule may have no ``basis``
    no_article: str | None = None
    note: str | None = None


class Precedence(_Strict):
    """An ordered list: each rule, when it applies, defeats every later rule and its exceptions."""

    id: str
    order: tuple[str, ...]
    reason: str
    basis: Refs = ()


class TableFile(_Strict):
    table: str                                   # name of the output variable
    title: str
    scope: Literal["item", "request", "document"]
    regime: str
    in_force: InForce
    hit_policy: Literal["unique", "priority", "collect"] = "unique"
    priority: tuple[str, ...] = ()               # priority: values strongest first; collect: the output order
    priority_reason: str | None = None
    priority_basis: Refs = ()
    outputs: tuple[str, ...]                     # the closed set of values this table can produce
    text: str | None = None
    rules: tuple[RuleSpec, ...]
    precedence: tuple[Precedence, ...] = ()
    not_formalised: str | None = None


class RegimeFile(_Strict):
    regime: str
    title: str
    statute: str
    in_force: InForce
    request_table: str
    item_tables: tuple[str, ...]
    deadline_rules: str


class ReceiptRule(_Strict):
    field: str
    basis: Refs = ()
    note: str | None = None


class DatedValue(_Strict):
    value: Any
    basis: Refs = ()
    unconfirmed: str | None = None
    note: str | None = None


class ReportedAs(_Strict):
    """How a period the national law leaves to local rules is shown in a ``classify`` answer's ``periods``:
    ``{"kind": period, "min_days" | "max_days": value}``."""

    period: str
    bound: Literal["min", "max"]


class Parameter(_Strict):
    """A dated parameter: ``values`` maps the first day of each value to it (read at the date the
    computation is about, never at a regime's first day only). ``values: {}`` declares a parameter the
    national law does not fix, which a pack may give. ``stricter`` says which way a local value may
    differ and still apply (``effect: apply``): ``shorter`` (a time limit for the agency) or ``longer``
    (a minimum period for the public); without it no local value may apply."""

    description: str
    unit: str | None = None
    stricter: Literal["shorter", "longer"] | None = None
    reported_as: ReportedAs | None = None
    values: dict[Day, DatedValue]

    def at(self, day: dt.date) -> DatedValue | None:
        best = None
        for start in sorted(self.values):
            if start <= day:
                best = self.values[start]
        return best


class Step(_Strict):
    """A named step of the deadline procedure (or a warning it gives): the id it has in ``trace`` (or
    the rule behind a warning code), what it says and the articles it rests on."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    title: str
    basis: Refs


class CorrectionProcedure(_Strict):
    requested_by: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    basis: Refs


class DeadlineFile(_Strict):
    title: str
    regime: str
    in_force: InForce
    receipt_date: dict[str, ReceiptRule]
    parameters: dict[str, Parameter]
    #: the procedure's steps as they appear in ``trace``: ``reply_period``, ``agreed_due``
    steps: dict[Literal["reply_period", "agreed_due"], Step]
    #: the warnings it may give, by code: ``correction_notice_late``, ``extension_after_due``
    warnings: dict[Literal["correction_notice_late", "extension_after_due"], Step]
    #: 补正 (第三十条; 2008: 第二十一条第四项): the action of the request table by which the agency asks the
    #: applicant to correct the application; while it is asked or awaited, no reply period runs
    correction: CorrectionProcedure


class DispositionCode(_Strict):
    code: str
    row: str
    label: str
    label_en: str
    #: false for a result that is not yet an answer (``pending``): ``final`` in a decision
    final: bool = True
    #: true for a result that gives the applicant (some of) the information: ``disclose``, ``partial``
    discloses: bool = False


class Combination(_Strict):
    """One step of how item results combine into the request's: the first step that holds decides.
    ``any``: some item's result is in ``of``; ``all``: every item's is; ``otherwise``: always.
    ``then`` is a code, or ``earliest_row``: the earliest row (in ``codes`` order) among the items'."""

    when: Literal["any", "all", "otherwise"]
    of: tuple[str, ...] = ()
    then: str
    note: str | None = None


class DispositionFile(_Strict):
    title: str
    source: str
    codes: tuple[DispositionCode, ...]
    combination: tuple[Combination, ...]


class RegimeSpan(_Strict):
    id: str
    folder: str
    in_force: InForce


class RegimesFile(_Strict):
    title: str
    #: which date chooses the regime of a request: its receipt date (第三十一条); the only choice built
    selection: Literal["received_on"]
    basis: Refs = ()
    unconfirmed: str | None = None
    earliest: Day
    regimes: tuple[RegimeSpan, ...]


class DocTypes(_Strict):
    source: str
    recognise_from_title_end: bool = True
    names: tuple[str, ...]


class ReasonRequired(_Strict):
    """The attributes whose reason must be written down, and why: ``basis`` is one list of citations, or
    lists by the first day they apply (read at ``formed_on``, as a dated parameter is)."""

    attributes: tuple[str, ...]
    basis: tuple[str, ...] | dict[Day, tuple[str, ...]]
    note: str | None = None


class Publish(_Strict):
    """Documents of ``attribute`` must be published within the parameter ``period`` (working days from
    ``formed_on``): a classification of that attribute carries ``publish_by``."""

    attribute: str
    period: str


class ClassifyFile(_Strict):
    title: str
    regimes: tuple[str, ...] = Field(min_length=1)   # the regulations whose rules the tables hold, by date
    in_force: InForce
    tables: tuple[str, ...]
    doc_types: DocTypes
    reason_required: ReasonRequired
    publish: Publish
    parameters: dict[str, Parameter]


# ---------------------------------------------------------------- statutes (rules/statutes/, a pack's statutes/)

#: a statute id is what a citation names before its first colon (``ogi-2019`` in ``ogi-2019:36:i3``)
StatuteId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9\-]*$", max_length=100)]
#: article, paragraph and item numbers are integers as written (not ``"3"``, not ``true``)
_Article = Annotated[int, Field(strict=True, ge=0, le=MAX_ARTICLE)]   # 0: a preamble (cn-yn-longling-sfj)
_Number = Annotated[int, Field(strict=True, ge=1, le=MAX_PARAGRAPH)]


class StatuteItem(_Strict):
    """项: ``(一)…``, numbered by ``n``."""

    n: _Number
    text: str


class StatuteParagraph(_Strict):
    """款: its text and items; numbered by position unless ``n`` says otherwise (a text quoted in part)."""

    n: _Number | None = None
    text: str = ""
    items: tuple[StatuteItem, ...] = ()
    verbatim: bool | None = None            # default: the article's (one paragraph read verbatim, another not)
    source: str | None = None               # where this paragraph was read, when not where the article was
    note: str | None = None


class StatuteArticle(_Strict):
    """条: its number, paragraphs and, for a local text, its own heading (``label``)."""

    article: _Article
    label: str | None = None
    paragraphs: tuple[StatuteParagraph, ...] = Field(min_length=1)
    verbatim: bool | None = None            # default: the file's
    source: str | None = None
    note: str | None = None


class StatuteFile(_Strict):
    """One instrument's text (法规、规章或本机关制度), cited as ``<id>:<article>[:p<款>][:i<项>]``."""

    id: StatuteId
    title: str
    title_en: str | None = None
    promulgation: str | None = None
    source: str | None = None
    verbatim: bool = True                   # false: the text is a summary, not the wording
    in_force: InForce | None = None
    note: str | None = None
    articles: tuple[StatuteArticle, ...]


# ---------------------------------------------------------------- local packs (overlays on national rules)

class PackParameter(_Strict):
    """A pack's value for a national parameter, addressed by ``target`` (e.g. ``classify.proactive_period``,
    ``ogi-2019.reply_period``). ``effect: apply`` changes decisions (only ever to a shorter period);
    ``effect: record`` keeps the provision visible (restatements, contradictions) without applying it."""

    target: str
    description: str
    unit: str | None = None
    values: dict[Day, DatedValue]
    relation: Literal["same", "stricter", "looser", "restates_repealed", "contradicts"]
    effect: Literal["apply", "record"]
    national: Refs = ()          # the national provision(s) compared with
    applies_when: dict[str, Any] | None = None   # classify periods: the documents it concerns
    note: str | None = None
    note_en: str | None = None                   # the note in English, for the pack's page (``zwgk doc``)


class PackRule(RuleSpec):
    """A rule the pack adds to a national table, addressed by ``table`` (e.g. ``classify.review``,
    ``ogi-2019.exemption``). It may be an exception to a national rule, by id."""

    table: str
    note_en: str | None = None


class Provision(_Strict):
    """A provision of the local text that is recorded but not applied as a rule: what it says, how it
    relates to the national law, and why it is not (or cannot be) applied."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    cite: Refs
    status: Literal["same", "stricter", "looser", "contradicts", "no_national_basis", "restates_repealed",
                    "not_expressible", "applied"]
    national: Refs = ()
    summary: str
    note: str | None = None
    note_en: str | None = None


#: a number of days in a pack: an integer as written (not ``true``, not ``"3"``), 1 to MAX_PERIOD_DAYS
_Days = Annotated[int, Field(strict=True, ge=1, le=MAX_PERIOD_DAYS)]


#: a period of a message kind: a number of days, or dated values (``{2019-05-15: 7, 2027-01-01: 5}``), each
#: in force from its day until the next one's (read at the day the message is received)
_DatedDays = _Days | dict[Day, _Days]


class InteractionKind(_Strict):
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    due_days: _DatedDays
    min_days: _DatedDays | None = None
    extended_days: _DatedDays | None = None
    office: str | None = None
    route: Refs = ()
    basis: Refs
    note: str | None = None
    note_en: str | None = None


class Interaction(_Strict):
    title: str
    unit: Literal["working_days"] = "working_days"
    counted_from: Literal["received"] = "received"
    kinds: tuple[InteractionKind, ...]
    note: str | None = None
    note_en: str | None = None


class Region(_Strict):
    name: str
    code: str


class NotExpressed(_Strict):
    """A part of the local text the pack could not express, and why (a row of the pack's page)."""

    seed: str
    reason: str


class PackDoc(_Strict):
    """Prose for the pack's page (``README.md`` in its folder, written by ``zwgk doc``): what the pack
    changes (Markdown), and what could not be expressed. Everything else on the page comes from the
    pack's fields and texts."""

    changes: str | None = None
    not_expressed: tuple[NotExpressed, ...] = ()


class DocumentCheck(_Strict):
    """A pack's own check of a document read from a file (``zwgk classify FOLDER``): what the document must carry,
    the code given when it does not, its severity and basis (龙陵: no document is issued without an attribute)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    title: str
    title_en: str | None = None
    require: Literal["attribute_marked"]      # the closed set of what the engine can check on a file
    code: Code                                # the warning code given when the requirement is not met
    label: str
    severity: Literal["error", "warning"] = "warning"
    basis: Refs
    note: str | None = None


class PackFile(_Strict):
    pack: str = Field(pattern=r"^cn(-[a-z0-9]+)+$")
    title: str
    title_en: str | None = None
    region: Region
    calendar: str
    #: statute id(s) of the pack's own text, in its ``statutes/``: one id, or a list when the text is several
    #: documents (勺米镇: twelve 制度, each an instrument with its own article numbers)
    instrument: Refs
    regime: str                             # the national regime the text was written under
    in_force: InForce
    parameters: tuple[PackParameter, ...] = ()
    rules: tuple[PackRule, ...] = ()
    provisions: tuple[Provision, ...] = ()
    sequences: dict[str, tuple[str, ...]] = {}   # collect tables: the full order of values in this pack
    interaction: Interaction | None = None       # 政民互动 routing (勺米镇)
    doc: PackDoc | None = None                   # prose of the pack's page (``zwgk doc``)
    document_checks: tuple[DocumentCheck, ...] = ()   # checks of documents read from files (docs/documents.md)
