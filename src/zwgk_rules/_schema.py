"""pydantic models OF THE RULE FILES: the rule-file format is a schema, validated at load time."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InForce(_Strict):
    from_: dt.date = Field(alias="from")
    to: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


def _listify(v):
    if v is None:
        return ()
    return tuple(v) if isinstance(v, (list, tuple)) else (v,)


class Unsupported(_Strict):
    field: str
    message: str


class ValueFrom(_Strict):
    from_: str = Field(alias="from")


Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.\-]*$")]


class Then(_Strict):
    value: str | ValueFrom | None = None
    actions: tuple[Code, ...] = ()
    cite: tuple[str, ...] = ()          # upstream tables whose basis (and actions) this outcome carries
    unsupported: Unsupported | None = None

    @field_validator("actions", "cite", mode="before")
    @classmethod
    def _l(cls, v):
        return _listify(v)


class RuleSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    title: str
    title_en: str | None = None
    when: dict[str, Any] | None = None
    then: Then
    basis: tuple[str, ...] = ()
    exception_to: tuple[str, ...] = ()
    in_force: InForce | None = None
    note: str | None = None

    @field_validator("basis", "exception_to", mode="before")
    @classmethod
    def _l(cls, v):
        return _listify(v)


class Precedence(_Strict):
    """An ordered list: each rule, when it applies, defeats every later rule and its exceptions."""

    id: str
    order: tuple[str, ...]
    reason: str
    basis: tuple[str, ...] = ()

    @field_validator("basis", mode="before")
    @classmethod
    def _l(cls, v):
        return _listify(v)


class TableFile(_Strict):
    table: str                                   # name of the output variable
    title: str
    scope: Literal["item", "request"]
    regime: str
    in_force: InForce
    hit_policy: Literal["unique", "priority"] = "unique"
    priority: tuple[str, ...] = ()               # for hit_policy=priority: output values, strongest first
    priority_reason: str | None = None
    priority_basis: tuple[str, ...] = ()
    outputs: tuple[str, ...]                     # the closed set of values this table can produce
    text: str | None = None
    rules: tuple[RuleSpec, ...]
    precedence: tuple[Precedence, ...] = ()
    not_formalised: str | None = None

    @field_validator("priority_basis", mode="before")
    @classmethod
    def _l(cls, v):
        return _listify(v)


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
    basis: tuple[str, ...] = ()
    note: str | None = None

    @field_validator("basis", mode="before")
    @classmethod
    def _l(cls, v):
        return _listify(v)


class DatedValue(_Strict):
    value: Any
    basis: tuple[str, ...] = ()
    unconfirmed: str | None = None
    note: str | None = None

    @field_validator("basis", mode="before")
    @classmethod
    def _l(cls, v):
        return _listify(v)


class Parameter(_Strict):
    description: str
    unit: str | None = None
    values: dict[dt.date, DatedValue]

    def at(self, day: dt.date) -> DatedValue | None:
        best = None
        for start in sorted(self.values):
            if start <= day:
                best = self.values[start]
        return best


class DeadlineFile(_Strict):
    title: str
    regime: str
    in_force: InForce
    receipt_date: dict[str, ReceiptRule]
    parameters: dict[str, Parameter]


class DispositionCode(_Strict):
    code: str
    row: str
    label: str
    label_en: str


class DispositionFile(_Strict):
    title: str
    source: str
    codes: tuple[DispositionCode, ...]
    combination: dict[str, Any]


class RegimeSpan(_Strict):
    id: str
    folder: str
    in_force: InForce


class RegimesFile(_Strict):
    title: str
    selection: str
    basis: tuple[str, ...] = ()
    unconfirmed: str | None = None
    earliest: dt.date
    regimes: tuple[RegimeSpan, ...]

    @field_validator("basis", mode="before")
    @classmethod
    def _l(cls, v):
        return _listify(v)
