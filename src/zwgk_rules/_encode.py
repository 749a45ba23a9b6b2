"""Fast JSON encoding of engine answers for the command line.

Citation and item outputs are memoised singletons inside the engine, so their JSON text is produced
once and reused; only the per-request parts (dates, ids, trace) are encoded each time. The result is
the same JSON as ``json.dumps(raw, ensure_ascii=False)`` (checked by a test).
"""
from __future__ import annotations

import datetime as dt
import json

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def _ids(xs) -> str:
    """A list of codes or rule ids (ASCII identifiers, checked by the rule-file schema)."""
    return '["' + '", "'.join(xs) + '"]' if xs else "[]"


def _date(d):
    return "null" if d is None else f'"{d.isoformat()}"'


class Encoder:
    def __init__(self, limit: int = 4096) -> None:
        self._frag: dict[int, tuple[object, str]] = {}
        self._limit = limit

    def _cached(self, obj) -> str:
        hit = self._frag.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        text = _dumps(obj)
        if len(self._frag) < self._limit:
            self._frag[id(obj)] = (obj, text)   # keeps obj alive, so its id cannot be reused
        return text

    def encode(self, raw: dict) -> str:
        c = self._cached
        dl = raw["deadline"]
        parts = ["{"]
        if "id" in raw:
            parts.append(f'"id": {_dumps(raw["id"])}, ')
        parts.append(
            f'"jurisdiction": "{raw["jurisdiction"]}", "disposition": "{raw["disposition"]}", '
            f'"final": {"true" if raw["final"] else "false"}, "regime": "{raw["regime"]}", '
            f'"basis": [{", ".join(map(c, raw["basis"]))}], "actions": {_ids(raw["actions"])}, '
            f'"deadline": {{"received_on": {_date(dl["received_on"])}, '
            f'"reply_period_starts": {_date(dl["reply_period_starts"])}, "due": {_date(dl["due"])}, '
            f'"extended_due": {_date(dl["extended_due"])}, '
            f'"correction_notice_by": {_date(dl["correction_notice_by"])}, '
            f'"provisional": {"true" if dl["provisional"] else "false"}, "calendar": "{dl["calendar"]}", '
            f'"excluded_days": {dl["excluded_days"]}')
        if "explain" in dl:
            parts.append(", \"explain\": " + json.dumps(dl["explain"], ensure_ascii=False,
                                                        default=dt.date.isoformat))
        parts.append(f'}}, "items": [{", ".join(map(c, raw["items"]))}], "trace": {_ids(raw["trace"])}, '
                     f'"warnings": {_ids(raw["warnings"])}}}')
        return "".join(parts)
