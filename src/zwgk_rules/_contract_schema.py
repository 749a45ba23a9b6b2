"""JSON Schemas (draft 2020-12) of the public contract: what ``zwgk schema`` prints.

One standalone schema per command and part (``input``, ``output``, ``error``), built from the pydantic
models of ``_models``: every property has a description (Chinese and English, from the models), and every
code has an enum. Codes fixed by the contract are ``Literal`` types in the models; codes that the rule
files define (dispositions, actions, warnings, review steps, pack ids…) are marked in the models with
``codes(vocabulary)`` and their enum is read here from the rulebook loaded, so that a code added to a rule
file is in the schema without a change in Python (and an agency's own pack, loaded with the rulebook,
brings its codes).

``json_schema(command)`` without a part is the bundle that ``zwgk schema decide`` printed before parts
existed, now a valid schema itself: it validates one output line of the command (an answer or an error
line), its three parts are in ``$defs`` (``input``, ``output``, ``error``), and the keys ``input``,
``output`` and ``error`` are kept at the top for compatibility (each the standalone part, as before).
"""
from __future__ import annotations

import copy
from typing import Any, Literal

import functools

from ._formats import SCHEMA_COMMANDS, SCHEMA_PARTS
from ._models import (CODES_KEY, CaseState, Classification, Decision, DisclosureRequest, Document, ErrorLine, Message,
                      MessageRouting, Notice)

__all__ = ["COMMANDS", "PARTS", "json_schema", "vocabularies"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"


@functools.cache
def case_input():
    """The model of a ``case`` input (``_case.case_input_model``), built on first use: not at start-up."""
    from ._case import case_input_model
    return case_input_model()


_NOTICE_FIELDS = {
    "agency": "作出文书的行政机关（必填）/ the agency that issues the document (required)",
    "notice": "哪一种文书（默认 reply）/ which document (default: reply)",
    "issued_on": "文书日期（默认 as_of），决定适用的行政复议法 / the document's date (default: as_of); it decides "
                 "which remedy law applies",
}


@functools.cache
def notice_input():
    """The model of a ``notice`` input: a case's (``case_input_model``) plus the fields of ``_notice.NoticeRequest``."""
    from pydantic.fields import FieldInfo

    from ._case import case_input_model
    from ._notice import NoticeRequest
    extra = {}
    for k, f in NoticeRequest.model_fields.items():
        if k in _NOTICE_FIELDS and not f.description:
            f = FieldInfo.merge_field_infos(f, description=_NOTICE_FIELDS[k])
        extra[k] = (f.annotation, f)
    return case_input_model(extra, name="NoticeInput", doc="一件案件及所要的文书（notice 的输入）/ A case and the "
                                                           "document it calls for, as the contract's ``notice`` input.")


#: command -> (input model, output model): every command that answers JSON lines; a model may be given as a
#: function that builds it (on first use). ``case`` and ``notice`` read the same case, ``notice`` with the fields
#: of its document added (``_case.case_input_model(extra)``).
COMMANDS = {"decide": (DisclosureRequest, Decision), "classify": (Document, Classification),
            "interact": (Message, MessageRouting), "case": (case_input, CaseState), "notice": (notice_input, Notice)}
PARTS = SCHEMA_PARTS
assert tuple(COMMANDS) == SCHEMA_COMMANDS, "_formats.SCHEMA_COMMANDS names every command of COMMANDS"
Part = Literal["input", "output", "error"]

_TITLES = {
    "input": ("{command} 的一个输入（JSON 文件，或 JSONL 的一行）", "one input of zwgk {command} (a .json file or a line of JSONL)"),
    "output": ("{command} 对一个输入的答复（输出的一行）", "the answer to one input of zwgk {command} (one output line)"),
    "error": ("无法处理的输入得到的错误行", "the line printed for an input that cannot be handled"),
}


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def vocabularies(rulebook=None) -> dict[str, tuple[str, ...]]:
    """Every code vocabulary the output and input models mark with ``codes()``, read from ``rulebook``
    (default: the bundled rules): the codes of every pack it holds."""
    from ._facts import EXPLAIN_REASONS
    from ._rulebook import default_rulebook
    rb = rulebook if rulebook is not None else default_rulebook()
    laws = [rb.jurisdiction(pid) for pid in rb.packs]
    actions, review, cwarn, kinds, units = [], [], [], [], []
    for law in laws:
        for reg in law.regimes.values():
            for table in (reg.request_table, *reg.item_tables):
                for rule in table.rules:
                    actions.extend(rule.actions)
        for table in law.classify_tables:
            if table.name == "review":
                review.extend(table.spec.outputs)
            elif table.name == "warnings":
                cwarn.extend(table.spec.outputs)
        for prm in law.periods:
            kinds.append(prm.national.reported_as.period)
            units.append(prm.unit or prm.national.unit or "")
    for prm in rb.national_parameters().values():
        if prm.reported_as is not None:
            kinds.append(prm.reported_as.period)
            units.append(prm.unit or "")
    messages, with_messages = [], []
    for pack in rb.packs.values():
        inter = getattr(pack.spec, "interaction", None)
        if inter is not None:
            with_messages.append(pack.id)
            messages.extend(k.kind for k in inter.kinds)
    return _Vocabularies(rb, {
        "jurisdiction": tuple(rb.packs),
        "interaction_jurisdiction": _unique(with_messages),
        "message_kind": _unique(messages),
        "disposition": tuple(rb.dispositions),
        "action": _unique(actions),
        "regime": tuple(r.id for r in rb.regimes),
        "decide_warning": _unique(code for r in rb.regimes for code in (r.warnings or {})),
        "calendar": tuple(rb.calendars),
        "explain_reason": EXPLAIN_REASONS,
        "statute": tuple(rb.statutes.instruments),
        "doc_type": tuple(rb.classify.doc_types),
        "review_step": _unique(review),
        "classify_warning": _unique(cwarn),
        "period_kind": _unique(kinds),
        "unit": _unique(units),
    })


class _Vocabularies(dict):
    """The vocabularies, those of the case and notice rule files read only when a schema asks for them (a
    rulebook whose notice wording lags its dispositions can still print the schemas of ``decide``)."""

    def __init__(self, rb, base: dict) -> None:
        super().__init__(base)
        self._rb = rb

    def __missing__(self, name: str) -> tuple[str, ...]:
        if name.startswith("case_"):
            from ._case import case_rules
            cr = case_rules(self._rb).spec
            got = {"case_status": tuple(cr.statuses), "case_step": tuple(cr.next),
                   "case_violation": tuple(cr.violations)}
        elif name == "remedy_law":
            from ._notice import notice_rules
            got = {"remedy_law": tuple(law.spec.label for law in notice_rules(self._rb).laws)}
        else:
            raise KeyError(name)
        self.update(got)
        return got[name]


def _fill_codes(node: Any, vocab: dict[str, tuple[str, ...]]) -> None:
    """Replace every ``codes()`` marker by the enum of its vocabulary (on the items of an array)."""
    if isinstance(node, dict):
        name = node.pop(CODES_KEY, None)
        if name is not None:
            # the value itself, the items of an array, or the non-null branch of an optional field
            target = next((b for b in node.get("anyOf", ()) if b.get("type") != "null"), node)
            if target.get("type") == "array":
                target = target["items"]
            target["enum"] = list(vocab[name])
        for v in node.values():
            _fill_codes(v, vocab)
    elif isinstance(node, list):
        for v in node:
            _fill_codes(v, vocab)


def _part(command: str, part: Part, vocab: dict) -> dict:
    if part == "error":
        model = ErrorLine
    else:
        model = COMMANDS[command][0 if part == "input" else 1]
        if not isinstance(model, type):
            model = model()
    body = model.model_json_schema(mode="validation")
    _fill_codes(body, vocab)
    zh, en = (t.format(command=command) for t in _TITLES[part])
    body.pop("title", None)
    model_doc = " ".join(body.pop("description", "").replace("``", "`").split())
    head = {"$schema": DIALECT, "$id": f"urn:zwgk-rules:schema:{command}:{part}", "title": f"zwgk {command} {part}",
            "description": f"{zh} / {en}. {model.__name__}: {model_doc}"}
    return {**head, **body}


def _rebase(node: Any, prefix: str) -> Any:
    """A part placed under ``$defs/<part>`` of the bundle: its local ``$ref``s point into its own ``$defs``."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/"):
                out[k] = f"#/$defs/{prefix}/{v[2:]}"
            else:
                out[k] = _rebase(v, prefix)
        return out
    if isinstance(node, list):
        return [_rebase(v, prefix) for v in node]
    return node


def json_schema(command: str, part: Part | None = None, *, rulebook=None) -> dict:
    """The JSON Schema (draft 2020-12) of ``command``'s ``part`` (``input``, ``output`` or ``error``), standalone;
    without ``part``, the bundle of the three (module docstring). Enums of codes are read from ``rulebook``
    (default: the bundled rules). Raises ``KeyError`` for an unknown command or part."""
    if command not in COMMANDS:
        raise KeyError(command)
    if part is not None and part not in PARTS:
        raise KeyError(part)
    vocab = vocabularies(rulebook)
    if part is not None:
        return _part(command, part, vocab)
    parts = {p: _part(command, p, vocab) for p in PARTS}
    defs = {}
    for p, schema in parts.items():
        inner = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
        defs[p] = _rebase(inner, p)
    return {
        "$schema": DIALECT,
        "$id": f"urn:zwgk-rules:schema:{command}",
        "title": f"zwgk {command}",
        "description": (f"zwgk {command} 输出的一行：答复或错误行。各部分见 $defs（input、output、error），"
                        f"单独的 Schema 用 `zwgk schema {command} input|output|error` 打印；顶层的 input、output、error "
                        f"三个键与旧版相同，仅为兼容保留 / one output line of zwgk {command}: an answer or an error line. "
                        f"The parts are in $defs; `zwgk schema {command} input|output|error` prints each alone; the "
                        f"top-level keys input, output and error are kept as before, for compatibility"),
        "anyOf": [{"$ref": "#/$defs/output"}, {"$ref": "#/$defs/error"}],
        "$defs": defs,
        **copy.deepcopy(parts),
    }
