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
from itertools import chain
from json.encoder import encode_basestring

from ._deadline import CALENDAR
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
_REASON = b', "reason": '
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
        # calendar id -> (the calendar, its days' parts for ``_rows``, its days' templates for ``_told``, its first ordinal)
        self._cal_days: dict[str, tuple] = {}
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
            b"" if explain is None else b', "explain": ' + self._told(explain),
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

    def _told(self, told) -> bytes:
        """``Explanation.days()`` as JSON (``tests/test_cli_fastpaths.py`` checks the text is ``json.dumps`` of it).

        The days up to the start of the count are written row by row (``Explanation.rows``; usually the receipt
        day alone). After it, every working day is counted in turn, except a consultation's, and every other day
        is as the calendar tells it: each calendar day's object is kept as a template (a working day's count and
        the citation of its period left open); the templates of the stretch, with the consultation's days written
        whole, are joined and filled in at once."""
        cal = told.calendar
        kept = self._cal_days.get(cal.id)
        if kept is None or kept[0] is not cal:
            if len(self._cal_days) >= 16:
                self._cal_days.clear()
            n = cal.end.toordinal() - cal.start.toordinal() + 1
            kept = self._cal_days[cal.id] = (cal, {}, [None] * n, cal.start.toordinal())
        _, parts, templates, base = kept
        start, last = told.start, told.last
        if last <= start:
            return b"[" + _JOIN(self._rows(told.rows(), cal, parts)) + b"]"
        r_start, r_last = cal.rank(start), cal.rank(last)
        out = self._rows(told.rows(start), cal, parts)
        i, j = start.toordinal() + 1 - base, last.toordinal() + 1 - base
        if None in templates[i:j]:
            for k in range(i, j):
                if templates[k] is None:
                    templates[k] = self._template(cal, dt.date.fromordinal(base + k))
        # the consultations' working days in the stretch (``excluded``: sorted, merged intervals of ranks) are
        # written whole, as ``rows()`` tells them; the stretch's other days are templates
        pieces: list = []
        at, n = i, r_last - r_start               # n: the working days after the start that are counted
        for a, b in told.excluded:
            lo, hi = (a if a > r_start else r_start + 1), (b if b < r_last else r_last)
            if lo > hi:
                continue
            n -= hi - lo + 1
            days = [cal.nth(r) for r in range(lo, hi + 1)]
            first, stop = days[0].toordinal() - base, days[-1].toordinal() + 1 - base
            pieces += templates[at:first]
            excluded = {d.toordinal() - base: d for d in days}
            pieces += [templates[k] if k not in excluded else
                       self._rows([told.consulting(excluded[k])], cal, parts)[0]
                       .replace(b"%", b"%%") for k in range(first, stop)]
            at = stop
        stretch = pieces + templates[at:j] if pieces else templates[i:j]
        s = self._str
        citations, k = [], 0
        for limit, basis in told.periods:          # each count's period: the first whose last count it has not passed
            if limit > k and k < n:
                m = limit if limit < n else n
                citations += [s(basis)] * (m - k)
                k = m
        if k < n:
            citations += [s(told.periods[-1][1])] * (n - k)
        out.append(_JOIN(stretch) % tuple(chain.from_iterable(zip(range(1, n + 1), citations))))
        return b"[" + _JOIN(out) + b"]"

    def _template(self, cal, d: dt.date) -> bytes:
        """A calendar day's object for ``_told``: a day off whole; a working day with its count (``%d``) and the
        citation of its period (``%s``) left open. Written text has its ``%`` doubled."""
        info, s = cal.day_info(d), self._str
        rest = (b', "reason": ' + s(info.reason) + b', "name": ' + s(info.name) + b', "source": ' + s(info.source)
                + b', "basis": ').replace(b"%", b"%%")
        if info.working:
            return b'{"date": ' + self._d(d) + b', "counted": true, "count": %d' + rest + b"%s}"
        return (b'{"date": ' + self._d(d) + b', "counted": false, "count": null' + rest
                + s(info.basis).replace(b"%", b"%%") + b"}")

    def _rows(self, rows: list, cal, parts: dict) -> list[bytes]:
        """``Explanation.rows`` as the objects of ``days()``, each day's own parts kept per calendar day."""
        s = self._str
        out = []
        for d, reason, count, basis in rows:
            off, on, why, rest, because = parts.get(d) or self._day_parts(parts, cal, d)
            out.append(b"".join((off if count is None else on + b"%d" % count, _REASON,
                                 why if reason is None else s(reason), rest,
                                 because if basis is CALENDAR else s(basis), b"}")))
        return out

    def _day_parts(self, parts: dict, cal, d: dt.date) -> tuple:
        """A calendar day's parts for ``_rows``: its head up to the count when not counted and when counted, the
        calendar's reason, from the name on to ``"basis": ``, and the calendar's basis."""
        info, s = cal.day_info(d), self._str
        date = self._d(d)
        got = (b'{"date": ' + date + b', "counted": false, "count": null', b'{"date": ' + date + b', "counted": true, "count": ',
               s(info.reason), b', "name": ' + s(info.name) + b', "source": ' + s(info.source) + b', "basis": ',
               s(info.basis))
        if len(parts) >= 1 << 14:            # a calendar's days (2008–2035: about 10,000)
            parts.clear()
        parts[d] = got
        return got

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
