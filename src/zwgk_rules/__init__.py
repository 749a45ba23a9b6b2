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
from ._version import __version__

# Public names resolve on first use (PEP 562), so that ``import zwgk_rules`` stays cheap and loading
# the rules does not also build the request and decision models.
_WHERE = {
    "Engine": "_engine", "Rulebook": "_rulebook",
    "CalendarError": "_errors", "CitationError": "_errors", "InputError": "_errors",
    "RuleConflictError": "_errors", "RuleFileError": "_errors", "UnsupportedInputError": "_errors",
    "ZwgkError": "_errors",
    "Applicant": "_models", "CitationOut": "_models", "Consultation": "_models", "Correction": "_models",
    "Deadline": "_models", "DeadlineStep": "_models", "Decision": "_models", "DisclosureRequest": "_models",
    "Excessive": "_models", "Extension": "_models", "Item": "_models", "ItemDecision": "_models",
    "Submission": "_models", "ThirdParty": "_models",
    "Document": "_models", "Forwarded": "_models", "Classification": "_models", "ReviewStep": "_models",
    "Period": "_models", "Message": "_models", "MessageRouting": "_models",
    "json_schema": "_contract_schema",
}


def __getattr__(name):
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module 'zwgk_rules' has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(f"{__name__}.{mod}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_WHERE))


__all__ = [
    "Applicant",
    "Classification",
    "Document",
    "Forwarded",
    "Message",
    "MessageRouting",
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
]
