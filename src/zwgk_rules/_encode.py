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
from operator import itemgetter

from ._deadline import CALENDAR
from ._limits import MEMO_MAX_ITEMS
from ._models import ReadOnlyDict


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


# U+2028, U+2029 and U+0085 in UTF-8. Python's str.splitlines (and some other readers) break lines at
# them; in UTF-8 these byte sequences cannot occur except as those characters.
_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"), (b"\xc2\x85", b"\\u0085"))


# ``bytes.find``, not ``in``: ``in`` first tries its operand as an integer (a byte value) and, for bytes, makes and
# clears a TypeError each time (about 2k instructions a test). The lead byte of each separator is looked for first:
# a one-byte ``find`` is ``memchr``, a few instructions for a whole line, where each three-byte search goes through
# the line byte by byte (about 1.8k instructions a search on a 370-byte decide line, three a line: callgrind)
def has_separator(data: bytes) -> bool:
    find = data.find
    return (find(b"\xe2") != -1 and (find(b"\xe2\x80\xa8") != -1 or find(b"\xe2\x80\xa9") != -1)
            or find(b"\xc2") != -1 and find(b"\xc2\x85") != -1)


def one_line(data: bytes) -> bytes:
    """Escape the characters that some readers treat as line breaks, so that every answer stays on one
    line. In JSON they can only occur inside strings, where the escape is equivalent."""
    for raw, escaped in _SEPARATORS:
        if data.find(raw) != -1:
            data = data.replace(raw, escaped)
    return data


def _ids(xs) -> str:
    """A list of codes or rule ids (ASCII identifiers, checked by the rule-file schema)."""
    return '["' + '", "'.join(xs) + '"]' if xs else "[]"


#: the deadline's values (``explain`` aside), in the order of its keys
_DL = itemgetter("received_on", "reply_period_starts", "due", "extended_due", "correction_notice_by", "provisional",
                 "calendar", "excluded_days")
_STARTS, _DUE, _EXT = b', "reply_period_starts": ', b', "due": ', b', "extended_due": '
_DL_END = b', "correction_notice_by": %s, "provisional": %s, "calendar": "%s", "excluded_days": %d'
_NO_WARNINGS = b', "warnings": []}'
#: the deadline's pieces in a plan's line (``Encoder._pieces``): its values at 0, 2, 4, 6 and 7 (``encode_parts``)
_DL_SLOTS = (b"null", b', "reply_period_starts": ', b"null", b', "due": ', b"null", b', "extended_due": ', b"null", b"")
_LINE = b"".join
_JOIN = b", ".join
_ITEMS = b'}, "items": ['
_TRACE = b'], "trace": '
_SEP = b", "


_REASON = b', "reason": '
#: the keys of an item answer (``_pipeline.compose_item``), in order
_ITEM_KEYS = ("disposition", "basis", "actions", "trace")


class _Days:
    """One calendar's days as ``Encoder._told`` writes them, each kept once written (one slot a day): the templates of
    its days per citation of a counted day (``Encoder._fill``), its working days as a consultation's days (per
    citation of the exclusion), its receipt days, and the parts of its days written row by row (``Encoder._rows``)."""

    __slots__ = ("cal", "base", "cum", "work", "cited", "consulted", "receipts", "parts")

    def __init__(self, cal) -> None:
        self.cal = cal
        self.base, self.cum, self.work = cal._index()
        self.cited: dict = {}
        self.consulted: dict = {}
        self.receipts: dict = {}
        self.parts: dict = {}


class Encoder:
    """Encodes answers from their parts. The citations and item answers of a plan are memoised singletons
    of the engine, shared by every answer that has them: each is encoded once, as bytes, and the bytes are
    joined per answer (no answer-sized cache: a plan met once costs a join, not an encoding). A plan's entry is
    the list of its line's pieces, never written once kept: each answer fills the per-request slots of a copy of it
    (``encode_parts``), so that threads sharing an encoder (``zwgk serve`` runs requests in a pool of threads on one
    ``_Decider``) each get their own line (``tests/test_encode_fast.py``: 80 of 12,000 answers went wrong when the
    entry itself was filled in)."""

    def __init__(self, not_final: frozenset, limit: int = 1 << 13, plans: int | None = None) -> None:
        """``not_final``: the codes that are not yet an answer (``Rulebook.not_final``); ``limit``: the
        fragments kept (citations and item answers, about 1 KB each; the memo is cleared when full); ``plans``:
        the plans' entries kept (``_plan_bytes``: references alone, about 300 bytes each), by default ``limit``."""
        self._not_final = not_final
        self._frag: dict[int, tuple[object, bytes]] = {}
        # id -> the bytes of ``_frag``'s entry of that id, and those bytes after ``, `` (``_plan_bytes``). Always
        # cleared with ``_frag``, whose entry keeps the object alive: a live object of that id is that object
        self._fb: dict[int, bytes] = {}
        self._fbs: dict[int, bytes] = {}
        self._heads: dict[tuple, bytes] = {}
        self._codes: dict[tuple, bytes] = {}
        self._strings: dict = {}
        # id of a plan -> its entry (``_plan_bytes``): references only, so many more than there are fragments
        self._plans: dict[int, tuple] = {}
        self._plan_limit = limit if plans is None else plans
        self._tails: dict[tuple, bytes] = {}
        # (provisional, calendar id, excluded days) -> the deadline's last values (``_dl_end``)
        self._dl_ends: dict[tuple, bytes] = {}
        self._dates: dict[dt.date | None, bytes] = {None: b"null"}
        self._traces: dict[tuple, bytes] = {}
        # calendar id -> its days as ``_told`` writes them (``_Days``)
        self._cal_days: dict[str, _Days] = {}
        # ``Explanation.periods`` -> the one citation of their counts (False: not one); the counts as text
        self._same: dict[tuple, object] = {}
        self._nums: tuple = ()
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
            self._fb.clear()
            self._fbs.clear()
            self._plans.clear()     # its entries name fragments: they are held by ``_frag`` alone
        self._frag[id(obj)] = (obj, data)
        self._fb[id(obj)] = data
        self._fbs[id(obj)] = _SEP + data
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
        """The deadline object from its second key on (``explain`` aside), for ``--explain`` (``encode_parts`` writes
        the same pieces into the line itself)."""
        d, dg = self._d, self._dates.get
        _, s, due, ext, cnb, prov, cal, excl = _DL(dl)
        return b"".join((_STARTS, dg(s) or d(s), _DUE, dg(due) or d(due), _EXT, dg(ext) or d(ext),
                         self._dl_ends.get((cnb, prov, cal, excl)) or self._dl_end(cnb, prov, cal, excl)))

    def _dl_end(self, cnb, prov: bool, cal: str, excl: int) -> bytes:
        """The deadline's last values (the correction notice's date, provisional, calendar, excluded days) as bytes,
        kept per combination."""
        b = _DL_END % (self._d(cnb), b"true" if prov else b"false", cal.encode(), excl)
        if len(self._dl_ends) >= self._limit:
            self._dl_ends.clear()
        self._dl_ends[cnb, prov, cal, excl] = b
        return b

    def _plan_bytes(self, plan, pack_id: str, regime_id: str) -> tuple:
        """The parts of an answer its plan fixes, before and after the deadline's values, as pieces to join: the
        fragments themselves (not a copy of them joined; after the first of a list, the copy with its ``, ``, from
        ``_fbs``) and the bytes between them; kept by the plan's identity (plans are the engine's memoised
        singletons; the entry keeps the plan alive, so its id cannot be reused), so that an answer with a plan seen
        before costs one lookup (``encode_parts`` looks it up itself). An entry holds references only: every
        fragment it names is in ``_fb`` and ``_fbs`` while it is kept (``_fragment`` clears this memo with
        them). Returns the entry: (plan, pack id, regime id, head pieces, mid pieces)."""
        hit = self._plans.get(id(plan))
        if hit is not None and hit[0] is plan and hit[1] == pack_id and hit[2] == regime_id:
            return hit
        try:        # every part met before (most new plans: a new combination of known items)
            got = self._pieces(plan, pack_id, regime_id)
        except KeyError:
            frag = self._fragment
            for obj in (*plan.basis, *plan.items):
                frag(obj)
            self._head(pack_id, plan.disposition, regime_id)
            self._tail(plan.actions)
            try:
                got = self._pieces(plan, pack_id, regime_id)
            except KeyError:    # a memo was cleared meanwhile (more parts than its limit): joined, and not kept
                line = [b"{", self._head(pack_id, plan.disposition, regime_id), _JOIN([frag(c) for c in plan.basis]),
                        self._tail(plan.actions)]
                k = len(line)
                line += _DL_SLOTS
                line += (_ITEMS, _JOIN([frag(i) for i in plan.items]), _TRACE, b"[]", _NO_WARNINGS)
                return plan, pack_id, regime_id, line, k
        if len(plan.items) <= MEMO_MAX_ITEMS:   # the engine memoises only such plans: a larger one never repeats
            if len(self._plans) >= self._plan_limit:
                self._plans.clear()
            self._plans[id(plan)] = got
        return got

    def _pieces(self, plan, pack_id: str, regime_id: str) -> tuple:
        """``_plan_bytes``' entry from the memos alone (KeyError: a part not in them)."""
        fb, fbs = self._fb, self._fbs
        b, its = plan.basis, plan.items
        head = self._heads[pack_id, plan.disposition, regime_id]
        tail = self._tails[plan.actions]
        line = [b"{", head, fb[id(b[0])], *map(fbs.__getitem__, map(id, b[1:])), tail] if b else [b"{", head, tail]
        k = len(line)
        line += _DL_SLOTS
        if its:
            line += (_ITEMS, fb[id(its[0])], *map(fbs.__getitem__, map(id, its[1:])), _TRACE, b"[]", _NO_WARNINGS)
        else:
            line += (_ITEMS, _TRACE, b"[]", _NO_WARNINGS)
        return plan, pack_id, regime_id, line, k

    def _tail(self, actions: tuple) -> bytes:
        """The bytes from the end of the basis to the deadline's first value: the actions' list (kept per tuple)."""
        b = self._tails.get(actions)
        if b is None:
            b = b'], "actions": ' + self._ids(actions) + b', "deadline": {"received_on": '
            if len(self._tails) >= self._limit:
                self._tails.clear()
            self._tails[actions] = b
        return b

    def encode_parts(self, req_id, pack_id: str, parts: tuple) -> bytes:
        """One answer line (without its newline) from the ``Parts`` that ``Engine._decide_parts`` returns, as UTF-8 bytes.

        The hot path of the command line, written out in one function: the plan's pieces (one lookup when met
        before), the deadline's values from the memo of encoded days (``_d``), the trace's from that of code
        lists (``_ids``); a miss goes to the method that fills the memo."""
        plan, regime, dl, trace, warnings, _ = parts
        hit = self._plans.get(id(plan))
        if hit is None or hit[0] is not plan or hit[1] != pack_id or hit[2] != regime:
            hit = self._plan_bytes(plan, pack_id, regime)
        if "explain" in dl:
            return self._explained(req_id, hit, dl, trace, warnings)
        dg = self._dates.get
        r, s, due, ext, cnb, prov, cal, excl = _DL(dl)
        t = tuple(trace)
        line, k = hit[3].copy(), hit[4]        # the kept entry is shared (threads of ``zwgk serve``): never written
        line[0] = b"{" if req_id is None else b'{"id": ' + encode_basestring(req_id).encode() + b", "
        line[k] = rb = dg(r) or self._d(r)
        line[k + 2] = rb if s is r else dg(s) or self._d(s)
        line[k + 4] = dg(due) or self._d(due)
        line[k + 6] = dg(ext) or self._d(ext)
        line[k + 7] = self._dl_ends.get((cnb, prov, cal, excl)) or self._dl_end(cnb, prov, cal, excl)
        line[-2] = self._codes.get(t) or self._ids(t)
        line[-1] = b', "warnings": ' + _ids(warnings).encode() + b"}" if warnings else _NO_WARNINGS
        return _LINE(line)

    def _explained(self, req_id, hit: tuple, dl: dict, trace: list, warnings: list) -> bytes:
        """``encode_parts`` for a deadline with ``explain``: the days go straight into the line (the longest part by
        far: no copy of its own)."""
        line, k = hit[3], hit[4]
        r = dl["received_on"]
        return b"".join((
            b"{" if req_id is None else b'{"id": ' + encode_basestring(req_id).encode() + b", ",
            *line[1:k], self._dates.get(r) or self._d(r), self._deadline(dl), b', "explain": [',
            *self._told(dl["explain"]), b"]", *line[k + 8:-2], self._ids(tuple(trace)),
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

    def _told(self, told) -> tuple:
        """``Explanation.days()`` as the pieces of a JSON list, without its brackets (``tests/test_cli_fastpaths.py``
        checks the text is ``json.dumps`` of it).

        The receipt day's object is kept per day. The days after it, to the start of the count, are written row by
        row (``Explanation.rows``; only when the count starts later, after a 补正). After the start every working day
        is counted in turn, except a consultation's, and every other day is as the calendar tells it: each calendar
        day's object is kept as a template per citation of a period (a working day's count left open; ``_Days``),
        and so is each working day's object as a consultation's day; the stretch's templates are joined and the
        counts filled in at once."""
        cal = told.calendar
        k = self._cal_days.get(cal.id)
        if k is None or k.cal is not cal:
            if len(self._cal_days) >= 16:
                self._cal_days.clear()
            k = self._cal_days[cal.id] = _Days(cal)
        first, start, last = told.first, told.start, told.last
        if start == first:                  # the count starts after the receipt day (most requests)
            head = k.receipts.get((first, told.receipt_basis)) or self._receipt(k, first, told.receipt_basis)
            if last <= start:
                return (head,)
        elif last <= start:
            return (_JOIN(self._rows(told.rows(), cal, k.parts)),)
        else:
            head = _JOIN(self._rows(told.rows(start), cal, k.parts))
        base, cum = k.base, k.cum
        i, j = start.toordinal() + 1 - base, last.toordinal() + 1 - base
        if i <= 0 or j > len(cum):          # outside the calendar: as the rows tell it (the calendar's error)
            return (_JOIN(self._rows(told.rows(), cal, k.parts)),)
        r_start = cum[i - 1]
        n = cum[j - 1] - r_start            # the working days after the start, counted but for consultations'
        periods = told.periods
        cite = self._same.get(periods)
        if cite is None:
            cite = self._same_citation(periods)
        if cite is not False and not told.excluded:     # most requests: one citation, no consultation
            days = k.cited.get(cite) or self._cited(k, cite)
            if None in days[i:j]:
                self._fill(k, days, cite, i, j)
            nums = self._nums
            return head, b", ", _JOIN(days[i:j]) % (nums[:n] if n < len(nums) else self._counts(n))
        # in turn: the counted days of each period (its citation's templates) and the consultations' working days
        # (``excluded``: sorted, merged intervals of ranks, written whole as ``Explanation.consulting`` tells them)
        r_last, work, s = r_start + n, k.work, self._str
        spans = [(lo, hi) for lo, hi in ((a if a > r_start else r_start + 1, b if b < r_last else r_last)
                                         for a, b in told.excluded) if lo <= hi]
        spans.append((r_last + 1, r_last))      # the counted days after the last consultation
        pieces: list = []
        at, r, c = i, r_start, 0                # the next day, the last rank written, the last count
        more = iter(periods)
        limit, basis = next(more)
        after = next(more, None)
        for lo, hi in spans:
            while r < lo - 1:                   # the counted days before this consultation
                while after is not None and c >= limit:
                    (limit, basis), after = after, next(more, None)
                take = lo - 1 - r
                if after is not None and limit - c < take:
                    take = limit - c
                r += take
                c += take
                t = work[r - 1].toordinal() + 1 - base
                cited = s(basis).replace(b"%", b"%%")
                days = k.cited.get(cited) or self._cited(k, cited)
                if None in days[at:t]:
                    self._fill(k, days, cited, at, t)
                pieces += days[at:t]
                at = t
            if lo <= hi:
                n -= hi - lo + 1
                t = work[hi - 1].toordinal() + 1 - base
                consulted = k.consulted.get(told.exclusion_basis)
                if consulted is None:
                    consulted = k.consulted[told.exclusion_basis] = [None] * len(cum)
                if None in consulted[at:t]:
                    self._fill_consulted(k, consulted, told.consulting, at, t)
                pieces += consulted[at:t]
                at, r = t, hi
        if at < j:                              # days off after the last working day (none when it is ``last``)
            days = self._cited(k, b"") if b"" not in k.cited else k.cited[b""]
            if None in days[at:j]:
                self._fill(k, days, b"", at, j)
            pieces += days[at:j]
        nums = self._nums
        return head, b", ", _JOIN(pieces) % (nums[:n] if n < len(nums) else self._counts(n))

    def _same_citation(self, periods: tuple):
        """The citation of every count (``%`` doubled) when all periods have the same one, else False (kept)."""
        cites = {basis for _, basis in periods}
        got = self._str(periods[0][1]).replace(b"%", b"%%") if len(cites) == 1 else False
        if len(self._same) >= self._limit:
            self._same.clear()
        self._same[periods] = got
        return got

    def _counts(self, n: int) -> tuple:
        """The counts 1 … ``n`` as text, for the templates (kept: ``_nums`` grows to the longest stretch met)."""
        if n >= len(self._nums):
            self._nums = tuple(b"%d" % c for c in range(1, n + 2))
        return self._nums[:n]

    @staticmethod
    def _cited(k: "_Days", cite: bytes) -> list:
        days = k.cited[cite] = [None] * len(k.cum)
        return days

    def _receipt(self, k: "_Days", d: dt.date, basis) -> bytes:
        """The receipt day's object (``Explanation.rows``: not counted, reason ``receipt_day``), kept per day."""
        got = self._rows([(d, "receipt_day", None, basis)], k.cal, k.parts)[0]
        if len(k.receipts) >= 1 << 14:
            k.receipts.clear()
        k.receipts[(d, basis)] = got
        return got

    def _fill(self, k: "_Days", days: list, cite: bytes, i: int, j: int) -> None:
        """The templates of the calendar's days ``i`` … ``j - 1`` (places from its first day) not written yet, with
        ``cite`` as the citation of a counted day: a day off whole, a working day with its count left open (``%s``).
        Written text has its ``%`` doubled."""
        cal, base, s, date = k.cal, k.base, self._str, dt.date.fromordinal
        for x in range(i, j):
            if days[x] is None:
                d = date(base + x)
                info = cal.day_info(d)
                rest = (b', "reason": ' + s(info.reason) + b', "name": ' + s(info.name) + b', "source": '
                        + s(info.source) + b', "basis": ').replace(b"%", b"%%")
                if info.working:
                    days[x] = b'{"date": ' + self._d(d) + b', "counted": true, "count": %s' + rest + cite + b"}"
                else:
                    days[x] = (b'{"date": ' + self._d(d) + b', "counted": false, "count": null' + rest
                               + s(info.basis).replace(b"%", b"%%") + b"}")

    def _fill_consulted(self, k: "_Days", consulted: list, consulting, f: int, t: int) -> None:
        """The days ``f`` … ``t - 1`` as ``_told`` writes them within a consultation's time: a working day as
        ``consulting`` (``Explanation.consulting``) tells it (whole, ``%`` doubled), another day as its template."""
        cal, cum, base = k.cal, k.cum, k.base
        for x in range(f, t):
            if consulted[x] is None:
                if cum[x] != (cum[x - 1] if x else 0):      # a working day
                    d = dt.date.fromordinal(base + x)
                    consulted[x] = self._rows([consulting(d)], cal, k.parts)[0].replace(b"%", b"%%")
                else:
                    self._fill(k, consulted, b"", x, x + 1)

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
