"""Answers at the edges: input errors naming the field, citations as read-only dicts, and the typed
``Decision`` built from the engine's JSON-ready dict. Nothing legal here."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError

from ._errors import InputError
from ._limits import echo
from ._models import DATE_MESSAGE, ReadOnlyDict

if TYPE_CHECKING:
    from ._outputs import Decision
from ._statutes import Citation


def validation_error(exc: ValidationError, prefix: str = "") -> InputError:
    """A pydantic error as an InputError naming the dotted field path (first error)."""
    e = exc.errors()[0]
    loc = [str(p) for p in e["loc"]]
    # pydantic puts union/tag branches into loc; keep the field path only
    loc = [p for p in loc if not p.startswith(("function-", "literal[", "bool", "tagged-union"))]
    field = ".".join(loc) or None
    msg = e["msg"].removeprefix("Value error, ")
    kind = e["type"]
    if kind == "extra_forbidden":
        msg = "未知字段 (unknown field)"
    elif kind == "missing":
        msg = "缺少必填字段 (field required)"
    elif kind in ("literal_error", "enum"):
        msg = f"取值无效 (invalid value) {echo(e.get('input'))}；{e['msg']}"
    elif kind == "bool_type":
        msg = f"须为 true 或 false (must be a JSON boolean)，收到 {echo(e.get('input'))}"
    elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        msg = DATE_MESSAGE       # the same words from JSON as from Python (_models._iso_date)
    elif kind in ("string_too_long", "too_long"):
        msg = f"超过长度上限 (too long)：{e['msg']}"
    elif field is None and "items" in msg:
        field = "items"
    if prefix and field:
        field = f"{prefix}.{field}"
    return InputError(f"{field or '输入'}: {msg}", field=field)


def validated(model, obj):
    if isinstance(obj, model):
        return obj
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        raise validation_error(exc) from None
    except RecursionError:      # an input nested thousands deep, where no field nests at all
        raise InputError("输入嵌套过深 / input nested too deeply") from None


def cite(c: Citation, cache: dict) -> dict:
    d = cache.get(c)
    if d is None:
        d = cache[c] = ReadOnlyDict(c.to_dict())
    return d


_set = object.__setattr__



def _construct(cls, values: dict):
    """What ``cls.model_construct(**values)`` does for a complete set of fields, without its per-field
    bookkeeping (the engine's outputs are trusted; ``tests/test_models.py`` checks the round trip)."""
    m = cls.__new__(cls)
    _set(m, "__dict__", values)
    _set(m, "__pydantic_fields_set__", set(values))
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m


#: the ``_outputs`` module once a typed answer was asked for (built on first use: see ``_models``)
_OUTPUTS = None


def _outputs():
    global _OUTPUTS
    from . import _outputs as module
    _OUTPUTS = module
    return module


def to_model(raw: dict, cache: dict | None = None) -> Decision:
    """Build the typed Decision from the engine's JSON-ready dict without re-validating it.

    ``cache`` maps the memoised citation and item dicts (by identity) to their models, so each
    distinct one is built once; the dicts are kept alive by the cache, so an id cannot be reused."""
    out = _OUTPUTS or _outputs()
    CitationOut, ItemDecision, DeadlineStep = out.CitationOut, out.ItemDecision, out.DeadlineStep
    cache = {} if cache is None else cache

    def cit(d):
        hit = cache.get(id(d))
        if hit is None or hit[0] is not d:
            hit = (d, CitationOut.model_construct(**d))
            cache[id(d)] = hit
        return hit[1]

    def item(i):
        hit = cache.get(id(i))
        if hit is None or hit[0] is not i:
            hit = (i, ItemDecision.model_construct(disposition=i["disposition"], basis=tuple(cit(b) for b in i["basis"]),
                                                   actions=tuple(i["actions"]), trace=tuple(i["trace"])))
            cache[id(i)] = hit
        return hit[1]

    dd = raw["deadline"]
    explain = dd.get("explain")
    deadline = _construct(out.Deadline, {
        "received_on": dd["received_on"], "reply_period_starts": dd["reply_period_starts"], "due": dd["due"],
        "extended_due": dd["extended_due"], "correction_notice_by": dd["correction_notice_by"],
        "provisional": dd["provisional"], "calendar": dd["calendar"], "excluded_days": dd["excluded_days"],
        "explain": None if explain is None else tuple(DeadlineStep.model_construct(**s) for s in explain)})
    return _construct(out.Decision, {
        "id": raw.get("id"), "jurisdiction": raw["jurisdiction"], "disposition": raw["disposition"],
        "final": raw["final"], "regime": raw["regime"], "basis": tuple(cit(b) for b in raw["basis"]),
        "actions": tuple(raw["actions"]), "deadline": deadline, "items": tuple(item(i) for i in raw["items"]),
        "trace": tuple(raw["trace"]), "warnings": tuple(raw["warnings"])})
