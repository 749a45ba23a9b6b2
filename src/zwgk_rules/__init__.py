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
from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:
    # what type checkers see (the package ships ``py.typed``): the public names themselves, so that mypy
    # knows their types and reports a misspelt name; at run time they resolve lazily through __getattr__
    from ._contract_schema import json_schema as json_schema
    from ._documents import read_document as read_document
    from ._engine import Engine as Engine
    from ._errors import (CalendarError as CalendarError, CitationError as CitationError, InputError as InputError,
                          RuleConflictError as RuleConflictError, RuleFileError as RuleFileError,
                          UnsupportedInputError as UnsupportedInputError, ZwgkError as ZwgkError)
    from ._models import (Applicant as Applicant, Consultation as Consultation, Correction as Correction,
                          DisclosureRequest as DisclosureRequest, Document as Document, Excessive as Excessive,
                          Extension as Extension, Forwarded as Forwarded, Item as Item, Message as Message,
                          Submission as Submission, ThirdParty as ThirdParty)
    from ._outputs import (CaseState as CaseState, CitationOut as CitationOut, Classification as Classification,
                           Deadline as Deadline, DeadlineStep as DeadlineStep, Decision as Decision, Docket as Docket,
                           ItemDecision as ItemDecision, MessageRouting as MessageRouting, Notice as Notice,
                           Period as Period, ReviewStep as ReviewStep)
    from ._rulebook import Rulebook as Rulebook

# Public names resolve on first use (PEP 562), so that ``import zwgk_rules`` stays cheap and loading
# the rules does not also build the request and decision models.
_WHERE = {
    "Engine": "_engine", "Rulebook": "_rulebook",
    "CalendarError": "_errors", "CitationError": "_errors", "InputError": "_errors",
    "RuleConflictError": "_errors", "RuleFileError": "_errors", "UnsupportedInputError": "_errors",
    "ZwgkError": "_errors",
    "Applicant": "_models", "CitationOut": "_outputs", "Consultation": "_models", "Correction": "_models",
    "Deadline": "_outputs", "DeadlineStep": "_outputs", "Decision": "_outputs", "DisclosureRequest": "_models",
    "Excessive": "_models", "Extension": "_models", "Item": "_models", "ItemDecision": "_outputs",
    "Submission": "_models", "ThirdParty": "_models",
    "Document": "_models", "Forwarded": "_models", "Classification": "_outputs", "ReviewStep": "_outputs",
    "Period": "_outputs", "Message": "_models", "MessageRouting": "_outputs", "CaseState": "_outputs",
    "Notice": "_outputs",
    "Docket": "_outputs",
    "json_schema": "_contract_schema",
    "read_document": "_documents",
}


if not TYPE_CHECKING:         # hidden from type checkers: to them every public name is imported above
    def __getattr__(name):
        mod = _WHERE.get(name)
        if mod is None:
            raise AttributeError(f"module 'zwgk_rules' has no attribute {name!r}")
        import importlib
        value = getattr(importlib.import_module(f"{__name__}.{mod}"), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


__all__ = [
    "Applicant",
    "CaseState",
    "Classification",
    "Document",
    "Forwarded",
    "Message",
    "MessageRouting",
    "Notice",
    "Period",
    "ReviewStep",
    "CalendarError",
    "CitationError",
    "CitationOut",
    "Consultation",
    "Correction",
    "Deadline",
    "DeadlineStep",
    "Decision",
    "DisclosureRequest",
    "Docket",
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
    "json_schema",
    "read_document",
]
