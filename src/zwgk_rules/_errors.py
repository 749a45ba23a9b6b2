"""Exception tree of zwgk_rules (异常层级).

::

    ZwgkError                      所有本库异常的基类 / base of every error raised here
    ├── RuleFileError              规则文件有误（加载时） / a rule file is invalid (load time)
    │   └── CitationError          引用指向未收录的条文 / a citation names an article not bundled
    ├── InputError                 输入不合法 / a request or document is invalid
    │   └── UnsupportedInputError  该法规版本没有相应规定 / the regime has no rule for this input
    ├── CalendarError              日历数据不足 / the calendar cannot answer (date out of range)
    └── RuleConflictError          两条规则同时适用、结论不同且无优先关系 / undeclared conflict

Every error carries structured fields (``field``, ``file``, ``rule_id``, ``suggestion``) besides
its Chinese message, so that callers can render or log them without parsing text.
"""
from __future__ import annotations

__all__ = [
    "ZwgkError",
    "RuleFileError",
    "CitationError",
    "InputError",
    "UnsupportedInputError",
    "CalendarError",
    "RuleConflictError",
]


class ZwgkError(Exception):
    """Base class. ``message`` is Chinese first; ``field`` is a dotted input path or None."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict:
        return {"message": self.message, "field": self.field}


class RuleFileError(ZwgkError):
    """A rule file failed validation. Names the file, the rule id and the field of the rule."""

    def __init__(self, message: str, *, file: str | None = None, rule_id: str | None = None,
                 field: str | None = None, suggestion: str | None = None) -> None:
        parts = [message]
        if suggestion:
            parts.append(f"（是否应为 / did you mean: {suggestion!r}）")
        where = " ".join(x for x in (file and f"文件 {file}", rule_id and f"规则 {rule_id}",
                                     field and f"字段 {field}") if x)
        full = f"{where}: {''.join(parts)}" if where else "".join(parts)
        super().__init__(full, field=field)
        self.file = file
        self.rule_id = rule_id
        self.suggestion = suggestion

    def to_dict(self) -> dict:
        d = super().to_dict()
        d.update(file=self.file, rule_id=self.rule_id, suggestion=self.suggestion)
        return d


class CitationError(RuleFileError):
    """A citation points at a regulation, article, paragraph or item that is not bundled."""


class InputError(ZwgkError, ValueError):
    """A request or document is invalid; ``field`` names the offending input field."""


class UnsupportedInputError(InputError):
    """The input is well-formed but the regime in force has no provision for it."""


class CalendarError(ZwgkError):
    """A date lies outside the range the bundled calendars cover."""


class RuleConflictError(ZwgkError):
    """Two applicable rules disagree and no exception or precedence decides between them."""

    def __init__(self, message: str, *, rule_ids: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.rule_ids = rule_ids

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["rule_ids"] = list(self.rule_ids)
        return d
