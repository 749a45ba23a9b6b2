"""zwgk_rules：把《中华人民共和国政府信息公开条例》编码为规则文件并编译成引擎。

Encodes China's government-information-disclosure law as declarative rule files compiled into an
engine: a typed request in, a disposition, its legal basis and a working-day deadline out.

    >>> import zwgk_rules
    >>> engine = zwgk_rules.Engine()                        # national rules, loaded once
    >>> d = engine.decide({"submission": {"channel": "in_person", "submitted_on": "2026-09-28"},
    ...                    "items": [{"description": "…"}]})
    >>> d.disposition, d.deadline.due.isoformat()
    ('disclose', '2026-10-30')
"""
from ._engine import Engine
from ._errors import (CalendarError, CitationError, InputError, RuleConflictError, RuleFileError,
                      UnsupportedInputError, ZwgkError)
from ._models import (Applicant, CitationOut, Consultation, Correction, Deadline, DeadlineStep, Decision,
                      DisclosureRequest, Excessive, Extension, Item, ItemDecision, Submission, ThirdParty)
from ._rulebook import Rulebook
from ._version import __version__

__all__ = [
    "Applicant",
    "CalendarError",
    "CitationError",
    "CitationOut",
    "Consultation",
    "Correction",
    "Deadline",
    "DeadlineStep",
    "Decision",
    "DisclosureRequest",
    "Engine",
    "Excessive",
    "Extension",
    "InputError",
    "Item",
    "ItemDecision",
    "RuleConflictError",
    "RuleFileError",
    "Rulebook",
    "Submission",
    "ThirdParty",
    "UnsupportedInputError",
    "ZwgkError",
    "__version__",
]
