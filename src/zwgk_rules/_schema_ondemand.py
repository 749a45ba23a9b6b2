"""pydantic models of the rule files read on first use / 按需读取的规则文件的模型.

``case.yaml`` and ``fees.yaml`` (``rules/national/case/``), ``formats.yaml`` (``report/``), ``notices.yaml``
and ``remedy.yaml`` (``notice/``), ``gbt9704.yaml`` and ``marks.yaml`` (``documents/``): each is validated
against these models when its rules are first needed (``_case.CaseRules``, ``_report.ReportRules``,
``_notice.NoticeRules``, ``_documents.DocumentRules``), as before. They live apart from ``_schema`` (the
files that ``Rulebook()`` reads) so that a process that only decides never builds their 37 classes
(start-up, issue 12). The building blocks they share (``_Strict``, ``Day``, ``Refs``…) are ``_schema``'s.
"""

from typing import Literal

from pydantic import Field, model_validator

from ._facts import NoticeType
from ._schema import Code, Day, InForce, Parameter, Refs, _Strict

# ---------------------------------------------------------------- cases over time (rules/national/case/)

class CaseStep(_Strict):
    """A closing, a violation or a next step of ``case.yaml``: what it is and its basis per regime."""

    title: str
    disposition: str | None = None           # closings: the annual-report row
    basis: dict[str, Refs]                   # regime id -> citations (a regime left out: the step does not apply)
    note: str | None = None


CaseStatus = Literal["closed", "awaiting_correction", "awaiting_fee", "consulting", "open"]
NextStep = Literal["send_correction_notice", "await_correction", "await_consultation_reply", "await_payment", "reply"]


class Waiting(_Strict):
    """A waiting status of ``case.yaml``: whom the case waits for, and the next step whose date ends the wait."""

    for_: Literal["applicant", "consulted"] = Field(alias="for")
    until: NextStep


class CaseFile(_Strict):
    title: str
    in_force: InForce
    statuses: tuple[CaseStatus, ...]
    status_labels: dict[CaseStatus, str] = {}
    waiting: dict[CaseStatus, Waiting] = {}
    closings: dict[Literal["correction_lapsed", "fee_unpaid", "withdrawn"], CaseStep]
    violations: dict[Literal["correction_notice_late", "second_correction_request", "extension_after_due",
                             "reply_late", "fee_notice_late"], CaseStep]
    next: dict[NextStep, CaseStep]


class FeeFile(_Strict):
    title: str
    parameters: dict[Literal["per_piece", "per_volume", "payment_period", "payment_stops_reply_clock",
                             "pieces_when_not_given", "waiver"], Parameter]


# ---------------------------------------------------------------- annual-report formats (rules/national/report/)

class YearSpan(_Strict):
    from_: int = Field(alias="from", ge=2008, le=2200)
    to: int | None = Field(default=None, ge=2008, le=2200)


class LayoutPart(_Strict):
    """One cell of an official table's header or row labels: a ``label`` as the format words it, and either
    the ``code`` of the column or row it heads (a leaf) or the ``parts`` under it."""

    label: str = Field(min_length=1, max_length=200)
    code: str | None = Field(default=None, max_length=64)
    parts: tuple["LayoutPart", ...] = ()

    @model_validator(mode="after")
    def _leaf_or_group(self):
        if (self.code is None) == (not self.parts):
            raise ValueError("须有 code（一列或一行）或 parts（其下各项），二者取一 / give code or parts, not both")
        return self

    def leaves(self) -> list["LayoutPart"]:
        return [self] if self.code is not None else [x for p in self.parts for x in p.leaves()]


class Table3Layout(_Strict):
    title: str
    corner: str
    header: tuple[LayoutPart, ...] = Field(min_length=1)
    rows: tuple[LayoutPart, ...] = Field(min_length=1)


class Table4Layout(_Strict):
    title: str
    header: tuple[LayoutPart, ...] = Field(min_length=1)
    results: tuple[LayoutPart, ...] = Field(min_length=1)


class ReportFormat(_Strict):
    id: str
    title: str
    years: YearSpan
    merge: dict[str, tuple[str, ...]] = {}
    table3: Table3Layout
    table4: Table4Layout


class ReportOutput(_Strict):
    """The outputs' own words (titles, the checks sheet's header): not law, but not Python's either."""

    document_title: str
    format_line: str
    checks_title: str
    checks_ok: str
    checks_columns: tuple[str, str, str, str]
    sheets: tuple[str, str, str]
    chart_title: str


class RemedyKind(_Strict):
    filed: Literal["review_filed", "suit_filed"]
    decided: Literal["review_decided", "suit_decided"]
    after_review: bool | None = None


class ReportFile(_Strict):
    title: str
    basis: Refs
    formats: tuple[ReportFormat, ...]
    columns: tuple[str, ...]
    remedies: dict[Literal["review", "suit_direct", "suit_after_review"], RemedyKind]
    results: tuple[Literal["upheld", "corrected", "other"], ...]
    undecided: str = Field(pattern=r"^[a-z_]+$")
    note: str | None = None
    output: ReportOutput


# ---------------------------------------------------------------- notices (rules/national/notice/)

class Dated(_Strict):
    value: int = Field(ge=0, le=100_000)
    basis: Refs


class ReviewFirst(_Strict):
    dispositions: tuple[str, ...]
    basis: Refs
    note: str | None = None
    unconfirmed: str | None = None


class ReviewBodies(_Strict):
    bodies: tuple[Literal["government", "superior", "self"], ...] = Field(min_length=1)
    basis: Refs


class RemedyLaw(_Strict):
    id: str
    label: str
    from_: Day = Field(alias="from")
    to: Day | None = None
    review_days: Dated
    review_first: ReviewFirst
    bodies: dict[str, ReviewBodies]


class NotAccepted(_Strict):
    dispositions: tuple[str, ...]
    basis: Refs


class Suit(_Strict):
    direct_months: Dated
    after_review_days: Dated
    not_accepted: NotAccepted


class RemedyFile(_Strict):
    title: str
    laws: tuple[RemedyLaw, ...] = Field(min_length=1)
    suit: Suit
    body_fields: dict[Literal["government", "superior", "self"], Literal["agency.government", "agency.superior",
                                                                         "agency.name"]]


Paragraphs = tuple[str, ...] | dict[str, tuple[str, ...]]


class Requires(_Strict):
    """When a case calls for the document: a final decision; or any of these actions of the decision (its
    items') or events of the log."""
    final: bool = False
    actions: tuple[str, ...] = ()
    events: tuple[str, ...] = ()


class PartyVariant(_Strict):
    """The document's wording for another addressee (a consultation of an agency, 第三十四条)."""
    paragraphs: Paragraphs
    basis: dict[str, Refs]


class NoticeSpec(_Strict):
    title: str
    short: str | None = None
    to: Literal["applicant", "party"]
    remedy: bool
    requires: Requires | None = None
    paragraphs: Paragraphs
    basis: dict[str, Refs]
    by_party: dict[Literal["third_party", "agency"], PartyVariant] = {}


class Answers(_Strict):
    by_rule: dict[str, str] = {}
    by_disposition: dict[str, str] = {}


class RemedyClause(_Strict):
    legal_review: str | None = None
    review_first: str | None = None
    review_or_suit: str
    review_only: str


class NoticeFile(_Strict):
    """``rules/national/notice/notices.yaml``; a pack's ``notices.yaml`` has the same keys, each optional."""
    title: str
    in_force: InForce
    date_format: str
    fill: str
    party_default: dict[Literal["third_party", "agency"], str]
    quote: str
    list_joiner: str
    contact: str
    applicant_default: str
    items_default: str
    basis_joiner: str
    notices: dict[NoticeType, NoticeSpec]
    fee_standards: dict[Literal["per_piece", "per_volume"], str]
    answer_line: str
    answer_line_single: str
    answers: Answers
    reasons: dict[str, str]
    bodies_joiner: str
    remedy_clause: dict[str, RemedyClause]


# ---------------------------------------------------------------- documents as files (rules/national/documents/)

class DocElement(_Strict):
    key: Code
    name: str
    clause: str


class LayoutWords(_Strict):
    secrecy_levels: tuple[str, ...] = Field(min_length=1)
    secrecy_separator: tuple[str, ...] = Field(min_length=1)
    urgency_levels: tuple[str, ...] = Field(min_length=1)
    issuer_mark_suffix: str
    doc_number_brackets: tuple[str, ...] = Field(min_length=1)
    doc_number_suffix: str
    signer_label: str
    attachment_label: str
    cc_label: str
    printed_suffix: str
    date_units: tuple[str, str, str]


class LayoutFile(_Strict):
    """``documents/gbt9704.yaml``: the elements of GB/T 9704-2012 and the words that mark them."""

    title: str
    source: str
    elements: tuple[DocElement, ...] = Field(min_length=1)
    words: LayoutWords


class MarkWords(_Strict):
    phrases: dict[str, tuple[str, ...]]
    disclosure_line_labels: tuple[str, ...] = Field(min_length=1)
    note: str | None = None


class SecrecyFact(_Strict):
    flag: str
    basis: Refs


class SuperiorFact(_Strict):
    doc_types: tuple[str, ...]
    basis: Refs
    note: str | None = None


class ForwardFact(_Strict):
    title_words: tuple[str, ...] = Field(min_length=1)
    missing_label: str
    note: str | None = None


class DocFacts(_Strict):
    secrecy: SecrecyFact
    to_superior: SuperiorFact
    forwards: ForwardFact
    not_from_file: tuple[Literal["flags", "forwards.attribute"], ...]


class MarkCheck(_Strict):
    severity: Literal["error", "warning"]
    label: str
    label_en: str | None = None
    forces_attribute: str | None = None
    basis: dict[Day, Refs] = Field(min_length=1)
    note: str | None = None


class PersonalPattern(_Strict):
    label: str
    source: str
    pattern: str


class PersonalData(_Strict):
    resident_id: PersonalPattern
    mobile: PersonalPattern
    max_listed: int = Field(ge=1, le=1000)


class MarksFile(_Strict):
    """``documents/marks.yaml``: the marks of a document's attribute, the facts its elements give, the checks."""

    title: str
    source: str
    marks: MarkWords
    facts: DocFacts
    checks: dict[Literal["secret_marked_public", "marked_attribute_differs", "no_attribute_marked", "marks_disagree",
                         "secrecy_mark_overridden", "personal_data_suspected"], MarkCheck]
    personal_data: PersonalData
