"""Fast JSON encoding of engine answers for the command line, straight to UTF-8 bytes.

Most of an answer is fixed by its *plan* (disposition, citations with their statute text, actions,
item answers: ``Engine._plan``), which the engine memoises. Its JSON is therefore encoded once, as
bytes, and reused; only the per-request parts (id, dates, trace, warnings) are encoded each time.
The result is the same JSON as ``json.dumps(raw, ensure_ascii=False)`` of ``Engine.decide_raw``
(checked by a test), with the same separators.
"""
from __future__ import annotations

import datetime as dt
import json
from json.encoder import encode_basestring

from ._limits import MEMO_MAX_ITEMS

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


# U+2028, U+2029 and U+0085 in UTF-8. Python's str.splitlines (and some other readers) break lines at
# them; in UTF-8 these byte sequences cannot occur except as those characters.
_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"), (b"\xc2\x85", b"\\u0085"))


def has_separator(data: bytes) -> bool:
    return b"\xe2\x80\xa8" in data or b"\xe2\x80\xa9" in data or b"\xc2\x85" in data


def one_line(data: bytes) -> bytes:
    """Escape the characters that some readers treat as line breaks, so that every answer stays on one
    line. In JSON they can only occur inside strings, where the escape is equivalent."""
    for raw, escaped in _SEPARATORS:
        if raw in data:
            data = data.replace(raw, escaped)
    return data


def _ids(xs) -> str:
    """A list of codes or rule ids (ASCII identifiers, checked by the rule-file schema)."""
    return '["' + '", "'.join(xs) + '"]' if xs else "[]"


# one answer line: id, plan head, the deadline's fields, explain, plan middle, trace, warnings
_LINE = b'%s%s%s%s%s%s, "warnings": %s}'
_DEADLINE = (b'%s, "reply_period_starts": %s, "due": %s, "extended_due": %s, "correction_notice_by": %s, '
             b'"provisional": %s, "calendar": "%s", "excluded_days": %d')


class Encoder:
    def __init__(self, not_final: frozenset, limit: int = 4096) -> None:
        """``not_final``: the codes that are not yet an answer (``Rulebook.not_final``)."""
        self._not_final = not_final
        self._frag: dict[int, tuple[object, str]] = {}
        self._plans: dict[int, tuple[object, bytes, bytes]] = {}
        self._dates: dict[dt.date | None, bytes] = {None: b"null"}
        self._traces: dict[tuple, bytes] = {}
        self._deadlines: dict[tuple, bytes] = {}
        self._limit = limit

    def _cached(self, obj) -> str:
        hit = self._frag.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        text = _dumps(obj)
        if len(self._frag) >= self._limit:
            self._frag.clear()
        self._frag[id(obj)] = (obj, text)       # keeps obj alive, so its id cannot be reused
        return text

    def _plan_bytes(self, plan, pack_id: str, regime_id: str) -> tuple[bytes, bytes]:
        hit = self._plans.get(id(plan))
        if hit is not None and hit[0] is plan:
            return hit[1], hit[2]
        disposition, basis, actions, items = plan.disposition, plan.basis, plan.actions, plan.items
        c = self._cached
        head = (f'"jurisdiction": "{pack_id}", "disposition": "{disposition}", '
                f'"final": {"false" if disposition in self._not_final else "true"}, "regime": "{regime_id}", '
                f'"basis": [{", ".join(map(c, basis))}], "actions": {_ids(actions)}, '
                f'"deadline": {{"received_on": ').encode()
        mid = f'}}, "items": [{", ".join(map(c, items))}], "trace": '.encode()
        head, mid = one_line(head), one_line(mid)
        if len(items) <= MEMO_MAX_ITEMS:    # the engine memoises only such plans: larger ones never repeat
            if len(self._plans) >= self._limit:
                self._plans.clear()
            self._plans[id(plan)] = (plan, head, mid)     # keeps plan alive, as above
        return head, mid

    def _d(self, d) -> bytes:
        b = self._dates.get(d)
        if b is None:
            b = f'"{d.isoformat()}"'.encode()
            if len(self._dates) >= 65536:
                self._dates.clear()
                self._dates[None] = b"null"
            self._dates[d] = b
        return b

    def _deadline(self, dl: dict) -> bytes:
        """The deadline object from its first value on (``explain`` aside), memoised on its values:
        requests received on the same day mostly share it."""
        key = tuple(dl.values()) if "explain" not in dl else None
        b = self._deadlines.get(key) if key is not None else None
        if b is None:
            d = self._d
            b = _DEADLINE % (d(dl["received_on"]), d(dl["reply_period_starts"]), d(dl["due"]), d(dl["extended_due"]),
                             d(dl["correction_notice_by"]), b"true" if dl["provisional"] else b"false",
                             dl["calendar"].encode(), dl["excluded_days"])
            if key is not None:
                if len(self._deadlines) >= 16384:      # at most a few MB
                    self._deadlines.clear()
                self._deadlines[key] = b
        return b

    def _trace(self, trace: list) -> bytes:
        key = tuple(trace)
        b = self._traces.get(key)
        if b is None:
            b = _ids(trace).encode()
            if len(self._traces) >= self._limit:
                self._traces.clear()
            self._traces[key] = b
        return b

    def encode_parts(self, req_id, pack_id: str, parts: tuple) -> bytes:
        """One answer line (without its newline) from the ``Parts`` that ``Engine._decide_parts`` returns, as UTF-8 bytes."""
        plan, regime_id, dl, trace, warnings = parts.plan, parts.regime, parts.deadline, parts.trace, parts.warnings
        head, mid = self._plan_bytes(plan, pack_id, regime_id)
        explain = dl.get("explain")
        return _LINE % (
            b"{" if req_id is None else b'{"id": ' + encode_basestring(req_id).encode() + b", ",
            head, self._deadline(dl),
            b"" if explain is None else b', "explain": ' + json.dumps(explain, ensure_ascii=False,
                                                                      default=dt.date.isoformat).encode(),
            mid, self._trace(trace), _ids(warnings).encode() if warnings else b"[]")
