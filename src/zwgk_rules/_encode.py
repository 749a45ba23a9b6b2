"""Fast JSON encoding of engine answers for the command line, straight to UTF-8 bytes.

Most of an answer is made of its plan's citations (with their statute text) and item answers, which the
engine memoises as shared objects. Each is encoded once, as bytes; an answer joins them with the
per-request parts (id, dates, trace, warnings), whose small encodings are memoised too.
The result is the same JSON as ``json.dumps(raw, ensure_ascii=False)`` of ``Engine.decide_raw``
(checked by a test), with the same separators.
"""
from __future__ import annotations

import datetime as dt
import json
from json.encoder import encode_basestring

from ._limits import MEMO_MAX_ITEMS
from ._models import ReadOnlyDict


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


_DEADLINE = (b', "reply_period_starts": %s, "due": %s, "extended_due": %s, "correction_notice_by": %s, '
             b'"provisional": %s, "calendar": "%s", "excluded_days": %d')
_JOIN = b", ".join
#: the bytes of plans kept at most (each a few KB): the memo is cleared beyond this
PLAN_BYTES = 2 << 20
#: the keys of a day of ``explain`` (``_deadline.explain_days``), in order, and its encoding
_DAY_KEYS = ("date", "counted", "count", "reason", "name", "source", "basis")
_DAY = b'{"date": %s, "counted": %s, "count": %s, "reason": %s, "name": %s, "source": %s, "basis": %s}'
#: the keys of an item answer (``_pipeline.compose_item``), in order
_ITEM_KEYS = ("disposition", "basis", "actions", "trace")


class Encoder:
    """Encodes answers from their parts. The citations and item answers of a plan are memoised singletons
    of the engine, shared by every answer that has them: each is encoded once, as bytes, and the bytes are
    joined per answer (no answer-sized cache: a plan met once costs a join, not an encoding)."""

    def __init__(self, not_final: frozenset, limit: int = 1 << 13) -> None:
        """``not_final``: the codes that are not yet an answer (``Rulebook.not_final``); ``limit``: the
        fragments kept (citations and item answers, about 1 KB each; the memo is cleared when full)."""
        self._not_final = not_final
        self._frag: dict[int, tuple[object, bytes]] = {}
        self._heads: dict[tuple, bytes] = {}
        self._codes: dict[tuple, bytes] = {}
        self._strings: dict = {}
        self._plans: dict[int, tuple] = {}
        self._plans_size = 0
        self._dates: dict[dt.date | None, bytes] = {None: b"null"}
        self._traces: dict[tuple, bytes] = {}
        self._limit = limit

    def _fragment(self, obj) -> bytes:
        """A citation or item answer as JSON bytes: kept by identity (the entry keeps ``obj`` alive, so its
        id cannot be reused while it is there)."""
        hit = self._frag.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        if tuple(obj) == _ITEM_KEYS:
            # an item answer: its citations are shared fragments too
            data = (b'{"disposition": ' + one_line(_dumps(obj["disposition"]).encode()) + b', "basis": ['
                    + _JOIN([self._fragment(c) for c in obj["basis"]]) + b'], "actions": '
                    + self._ids(obj["actions"]) + b', "trace": ' + self._ids(obj["trace"]) + b"}")
        else:
            data = one_line(_dumps(obj).encode())
        if len(self._frag) >= self._limit:
            self._frag.clear()
        self._frag[id(obj)] = (obj, data)
        return data

    def _head(self, pack_id: str, disposition: str, regime_id: str) -> bytes:
        key = (pack_id, disposition, regime_id)
        b = self._heads.get(key)
        if b is None:
            b = one_line(f'"jurisdiction": "{pack_id}", "disposition": "{disposition}", '
                         f'"final": {"false" if disposition in self._not_final else "true"}, '
                         f'"regime": "{regime_id}", "basis": ['.encode())
            if len(self._heads) >= self._limit:
                self._heads.clear()
            self._heads[key] = b
        return b

    def _ids(self, xs: tuple) -> bytes:
        """A tuple of codes or rule ids (actions, trace) as a JSON list."""
        b = self._codes.get(xs)
        if b is None:
            b = _ids(xs).encode()
            if len(self._codes) >= self._limit:
                self._codes.clear()
            self._codes[xs] = b
        return b

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
        """The deadline object from its second key on (``explain`` aside). Its dates come from a memo of
        encoded days; the object itself is formatted each time (its values rarely repeat)."""
        d = self._d
        return _DEADLINE % (d(dl["reply_period_starts"]), d(dl["due"]), d(dl["extended_due"]),
                            d(dl["correction_notice_by"]), b"true" if dl["provisional"] else b"false",
                            dl["calendar"].encode(), dl["excluded_days"])

    def _plan_bytes(self, plan, pack_id: str, regime_id: str) -> tuple[bytes, bytes]:
        """The parts of an answer its plan fixes, before and after the deadline's values, joined from the
        fragments; kept by the plan's identity (plans are the engine's memoised singletons; the entry keeps the
        plan alive, so its id cannot be reused), so that an answer with a plan seen before costs one lookup."""
        hit = self._plans.get(id(plan))
        if hit is not None and hit[0] is plan and hit[1] == pack_id and hit[2] == regime_id:
            return hit[3], hit[4]
        frag = self._fragment
        head = (self._head(pack_id, plan.disposition, regime_id) + _JOIN([frag(c) for c in plan.basis])
                + b'], "actions": ' + self._ids(plan.actions) + b', "deadline": {"received_on": ')
        mid = b'}, "items": [' + _JOIN([frag(i) for i in plan.items]) + b'], "trace": '
        if len(plan.items) <= MEMO_MAX_ITEMS:   # the engine memoises only such plans: a larger one never repeats,
            self._plans_size += len(head) + len(mid)    # and its bytes (up to MBs) would be held for nothing
            if len(self._plans) >= self._limit or self._plans_size > PLAN_BYTES:
                self._plans.clear()
                self._plans_size = len(head) + len(mid)
            self._plans[id(plan)] = (plan, pack_id, regime_id, head, mid)
        return head, mid

    def encode_parts(self, req_id, pack_id: str, parts: tuple) -> bytes:
        """One answer line (without its newline) from the ``Parts`` that ``Engine._decide_parts`` returns, as UTF-8 bytes."""
        dl = parts.deadline
        head, mid = self._plan_bytes(parts.plan, pack_id, parts.regime)
        explain = dl.get("explain")
        warnings = parts.warnings
        return b"".join((
            b"{" if req_id is None else b'{"id": ' + encode_basestring(req_id).encode() + b", ",
            head, self._d(dl["received_on"]), self._deadline(dl),
            b"" if explain is None else b', "explain": ' + self._explain(explain),
            mid, self._ids(tuple(parts.trace)),
            b', "warnings": ', _ids(warnings).encode() if warnings else b"[]", b"}"))

    def _str(self, value) -> bytes:
        """A short string from a small vocabulary (a reason, a holiday's name, a citation key) or None."""
        b = self._strings.get(value)
        if b is None:
            b = b"null" if value is None else one_line(encode_basestring(value).encode())
            if len(self._strings) >= self._limit:
                self._strings.clear()
            self._strings[value] = b
        return b

    def _explain(self, days: list) -> bytes:
        """The ``explain`` list of a deadline (``_deadline.explain_days``): one object per day."""
        d, s = self._d, self._str
        out = []
        for day in days:
            count = day["count"]
            if tuple(day) != _DAY_KEYS or not (count is None or count.__class__ is int):
                return one_line(json.dumps(days, ensure_ascii=False, default=dt.date.isoformat).encode())
            out.append(_DAY % (d(day["date"]), b"true" if day["counted"] is True else b"false",
                               b"null" if count is None else b"%d" % count, s(day["reason"]), s(day["name"]),
                               s(day["source"]), s(day["basis"])))
        return b"[" + _JOIN(out) + b"]"

    def encode_raw(self, obj) -> bytes:
        """Any JSON-ready answer (``classify_raw``, ``case_raw``…) as ``json.dumps(obj, ensure_ascii=False)``
        gives it, dates as ISO strings: the shared read-only parts (citations, item answers) from their
        fragments, the rest encoded as it comes."""
        cls = obj.__class__
        if cls is ReadOnlyDict:
            return self._fragment(obj)
        if cls is dict:
            enc = self.encode_raw
            return b"{" + _JOIN([self._str(k) + b": " + enc(v) for k, v in obj.items()]) + b"}"
        if cls is list or cls is tuple:
            enc = self.encode_raw
            return b"[" + _JOIN([enc(v) for v in obj]) + b"]"
        if cls is str:
            return one_line(encode_basestring(obj).encode())
        if obj is None:
            return b"null"
        if obj is True:
            return b"true"
        if obj is False:
            return b"false"
        if cls is int:
            return b"%d" % obj
        if cls is dt.date:
            return self._d(obj)
        return one_line(json.dumps(obj, ensure_ascii=False, default=dt.date.isoformat).encode())
