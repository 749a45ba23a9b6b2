"""The speed layer of ``classify`` on the command line: its decision tables as generated code, its answers as bytes.

``_classify.classify`` stays the readable walk (and the answer of ``Engine.classify_raw``); this module gives the same
JSON text, byte for byte (``tests/test_classify_fast.py``), for a stream of documents:

1. **Where the law changes** (``FastClassifier.cuts``): every day on which a classify table's rules come into or go
   out of force, the citations behind ``reason_required`` change, the publication period (2019年第二十六条 /
   2008年第十八条) or a period the pack applies changes. Between two cuts (a *stretch*) only ``formed_on`` itself
   still matters, and only for ``publish_by`` and ``provisional`` (the calendar).
2. **The tables of a stretch as one function** (``_tables_function``), generated the first time a document of that
   stretch is met, by the same pieces as ``_compile`` generates the tables of ``decide``: each rule's condition a
   boolean expression over local names, an exception tested only when a rule it excepts applies, a rule not in force
   ``False``; what applies is packed into an integer and resolved by ``CompiledTable.resolve`` (the one place where
   exceptions, precedence and hit policies are decided), once per integer. Each table's value is a fact of the
   tables after it (``attribute`` for ``review``); the pack's periods' ``applies_when`` are expressions too.
   Nothing from a rule file is pasted into the text (``_compile``'s rule: values are bound objects).
3. **The answer's bytes**: the answer is fixed by the stretch, the 文种 and the tables' results (and which of the
   pack's periods apply), except ``id``, ``publish_by`` and ``provisional``. Results that differ only in what an
   answer does not show (``defeated``) are made one object (``_compile._content``), so the first document with a given
   stretch and results goes through the rest of the walk (``_classify.answer``, with these results) and the
   encoder's ``encode_raw``; the text before and after the two dated keys is kept (bounded, ``PARTS_BYTES``), with
   the number of working days of the publication period. Later documents join the kept text with their own id,
   文种 and dates (``Calendar.add_working_days``, ``Calendar.provisional``: the calls the walk makes).

Anything else (a document formed before the first regulation, a table's ``unsupported``, a rule conflict, an input
error) goes through the readable walk as it is and raises its error there.
"""
from __future__ import annotations

from bisect import bisect_right
from json.encoder import encode_basestring

from . import _classify
from ._compile import _Source, _expr, _keeper, _lookup, _resolver, fields_read
from ._conditions import fields_of
from ._encode import one_line
from ._facts import DOCUMENT_FACTS, document_facts
from ._modeltools import field_validators, leaves as _leaves

#: the bytes of answer parts kept per jurisdiction (a few KB each, with the citations' text; a few hundred distinct
#: answers per pack on diverse documents); a full memo is cleared
PARTS_BYTES = 4 << 20
#: results kept per table, and distinct results per jurisdiction (a few hundred in practice); a full memo is cleared
RESULT_LIMIT = 1 << 12
#: documents' facts kept per jurisdiction with the answer parts they give (``FastClassifier.line``): a few hundred
#: bytes each (the key's flags and the answer's bytes are shared); a full memo is cleared. Diverse documents have some
#: 25–45 thousand distinct facts per pack (``benchmarks/bench_cli.py``'s million: 43k for cn): all are kept (that
#: million: largest worker 76 MiB, process tree 201 MiB)
KNOWN_LIMIT = 1 << 16
#: titles' ends kept with their 文种 (``FastClassifier._doc_type``: a few hundred in practice); cleared when full
KINDS_LIMIT = 1 << 12
#: sets of flags kept (one per distinct tuple of flags met: a few hundred in practice); cleared when full
FLAGSETS_LIMIT = 1 << 12
#: (day, period) kept with the bytes of ``publish_by`` and ``provisional`` (one per day in practice); cleared when full
DATES_LIMIT = 1 << 13
#: values of a field validator kept per tuple of codes (``struct_reader``); cleared when full
VALIDATED_LIMIT = 1 << 12
#: ``forwards`` of a document that forwards nothing, in ``FastClassifier.line``'s key (``None``: it forwards a
#: document of no attribute)
_ALONE = object()
#: the keys of a classify answer after ``id`` (``_classify.classify``), in order; the 5th and 6th depend on the day
KEYS = ("jurisdiction", "doc_type", "attribute", "basis", "publish_by", "provisional", "reason_required", "review",
        "periods", "warnings", "trace")
_NO_DATE = b', "publish_by": null, "provisional": false, '
_PUBLISH = b', "publish_by": '
_PROVISIONAL = (b', "provisional": false, ', b', "provisional": true, ')


def _table(src: _Source, ind: int, n: int, table, mask, var: dict, canon: dict) -> str:
    """Emit the evaluation of ``table`` (the ``n``-th) into ``r{n}``, as ``_compile._table`` does for ``decide``,
    leaving out the rules not in force in the stretch (``mask``) and the exceptions to none but such rules (neither
    can apply: their bit is 0 either way). ``canon``: the results of the law's tables by what an answer shows
    (``_compile._content``), so that results which differ only in ``defeated`` are one object. Returns ``r{n}``."""
    rules = table.rules
    live = []
    for i in table._app_order:
        if mask is not None and not mask[i]:
            continue
        cond = _expr(rules[i].node, var, src)
        if rules[i].targets:            # an exception lives inside the rules it excepts (但是…)
            targets = [j for j in rules[i].targets if j in live]
            if not targets:
                continue
            cond = f"({' or '.join(f'a{n}_{j}' for j in targets)}) and {cond}"
        src.emit(ind, f"a{n}_{i} = {cond}")
        live.append(i)
    # the same integer as ``_compile``'s ``(a << i) | …``, by additions of constants (the interpreter's quick int
    # addition; a bool shifted takes its slow path)
    bits = " + ".join(f"({1 << i} if a{n}_{i} else 0)" for i in sorted(live)) or "0"
    # the result depends on which rules apply and, for a value taken from a fact (then.value.from), on that fact
    froms = sorted({r.value_from for r in rules if r.value_from is not None})
    key = f"(({bits}), {', '.join(var[f] for f in froms)})" if froms else f"({bits})"
    limit = lambda: RESULT_LIMIT            # noqa: E731  (this module's, read when a memo fills)
    return _lookup(src, ind, n, key, _resolver(table, froms, len(rules), _keeper(canon, table.name, limit), limit))


#: the facts of a document (``_facts.DOCUMENT_FACTS``) in the order ``FastClassifier.learn`` passes their values to a
#: stretch's tables function (``_fact_values``: ``document_facts``'s values, tests/test_classify_fast.py)
FACT_ARGS = ("doc_type", "issued_as", "addressed_to_superior", "forwards", "flags")


def _fact_values(doc, doc_type: str, flags: frozenset) -> tuple:
    """The values of ``_facts.document_facts(doc, doc_type)`` in the order of ``FACT_ARGS``, ``flags`` being
    ``frozenset(doc.flags)`` (the one the facts' key holds)."""
    fw = doc.forwards
    return doc_type, doc.issued_as, doc.addressed_to_superior, "none" if fw is None else (fw.attribute or "unset"), flags


def _tables_function(law, day, canon: dict):
    """``tables(*facts) -> (result, …) | None``: the results of ``law``'s classify tables (in order) on the facts of
    one document (``_facts.document_facts``'s values, in the order of ``FACT_ARGS``: ``_fact_values``), for documents
    formed in the stretch of ``day``, followed by whether
    each of the pack's periods (``law.periods``) applies; None where a table's result is ``unsupported`` (the walk
    raises its error)."""
    src, var = _Source(), {}
    tables = law.classify_tables
    read = fields_read(tables)
    for p in law.periods:
        read |= fields_of(p.applies_when.node)
    if tuple(DOCUMENT_FACTS) != FACT_ARGS:
        raise KeyError(FACT_ARGS)       # not the facts ``FastClassifier.learn`` passes: the walk answers everything
    for f in DOCUMENT_FACTS:            # the vocabulary's order: the same text on every load
        var[f] = f"v{len(var)}"
    src.emit(1, f"def tables({', '.join(var[f] for f in DOCUMENT_FACTS)}):")
    on = {"@on": day}
    out = []
    for n, t in enumerate(tables):
        r = _table(src, 2, n, t, t.in_force(on)[1], var, canon)
        src.emit(2, f"if {r}.unsupported is not None:")
        src.emit(3, "return None")
        var[t.name] = f"u{n}"               # the table's value, a fact of the tables after it
        src.emit(2, f"u{n} = {r}.value")
        out.append(r)
    for k, p in enumerate(law.periods):
        src.emit(2, f"p{k} = {_expr(p.applies_when.node, var, src)}")
        out.append(f"p{k}")
    src.emit(2, f"return ({', '.join(out)},)")
    return src.build("tables")


class FastClassifier:
    """Classify answers as bytes for one engine (its jurisdiction's law, its calendar), with the command line's
    ``Encoder``. ``line(doc)`` gives the bytes of ``encoder.encode_raw(engine.classify_raw(doc))``."""

    def __init__(self, engine, encoder) -> None:
        law, rules = engine.law, engine.rulebook.classify
        self.engine, self.encoder, self.law, self.rules = engine, encoder, law, rules
        self.calendar = engine.calendar
        self._pack_id = engine.pack.id
        self.start = rules.start
        self._period_name = _classify.publish_period_name(rules)
        cuts = set()
        for t in law.classify_tables:
            cuts.update(t._cuts)
        cuts.update(day for day, _ in rules.reason_basis)
        if self._period_name in law.parameters:
            cuts.update(law.parameters[self._period_name].starts())
        for p in law.periods:
            cuts.update(p.starts())
        self.cuts = tuple(sorted(cuts))
        #: stretch number -> its tables function
        self._tables: dict = {}
        #: (table name, ``_compile._content``) -> the one result of that content (the tables functions' results)
        self._canon: dict = {}
        #: (stretch, results) -> (bytes from ``attribute`` to ``publish_by``'s value, working days of the period,
        #: bytes after ``provisional``'s value), or, with no date to publish by, (every byte after the 文种, None, b"");
        #: the 文种 is only shown (the results hold what the tables made of it)
        self._parts: dict = {}
        #: (day formed, period) -> ``_dates_of``
        self._dates: dict = {}
        #: (stretch, the document's facts as ``line`` keys them, its 文种 by its class) -> its entry of ``_parts``
        #: (``learn``), cleared with ``_parts``
        self._known: dict = {}
        #: the sets of 文种 that the law's conditions on ``doc_type`` test (its classify tables' rules, the periods'
        #: ``applies_when``), or None where a 文种 is a class of its own (a condition this does not read, or a rule
        #: taking its value from ``doc_type``): ``_class_of``
        self._kind_sets = _kind_sets(law)
        #: 文种 -> (the first 文种 met in its class, its JSON bytes): ``_class_of``
        self._classes: dict = {}
        #: the classes' signatures (in which of ``_kind_sets`` a 文种 is) -> the first 文种 met with it
        self._signatures: dict = {}
        self._size = 0
        #: the answer's text up to the 文种's value, without an id and after one
        jur = encoder.encode_raw({"jurisdiction": law.id, "doc_type": ""})[1:-3]
        self._open, self._after_id = b"{" + jur, b", " + jur
        # a period without applies_when (the walk would fail on it) or a table reading a fact that is not the
        # document's: no fast path, the walk answers everything
        self.ok = all(p.applies_when is not None for p in law.periods)
        #: (文种 by itself, their lengths longest first): ``_doc_type``, made on first use
        self._ends = None
        #: a title's last characters (as many as the longest 文种) -> the 文种 it ends with, for titles that end in a
        #: letter or digit (``strip`` and ``rstrip("。.")`` leave those characters as they are): ``_doc_type``
        self._kinds: dict = {}
        #: the length of the longest 文种
        self._tail = max(map(len, rules.doc_types), default=0)

    def _stretch(self, seg: int, day):
        fn = self._tables.get(seg)
        if fn is None:
            try:
                fn = _tables_function(self.law, day, self._canon)
            except KeyError:
                self.ok = False
                return None
            self._tables[seg] = fn
        return fn

    def plain(self, doc) -> bytes:
        """The readable walk and the encoder's ``encode_raw``."""
        return self.encoder.encode_raw(self.engine.classify_raw(doc))

    def _doc_type(self, title: str):
        """``_classify.doc_type_of`` for a document that gives no 文种, or None where that raises its error: the
        longest 文种 the title ends with is the one whose length, tried longest first, cuts a known 文种 off the
        title's end (two 文种 of one length cannot both end it)."""
        ends = self._ends
        if ends is None:
            if not self.rules.recognise_from_title_end:
                return None
            names = self.rules.doc_types
            ends = self._ends = (dict(zip(names, names)), sorted({len(n) for n in names}, reverse=True))
        names, lengths = ends
        if not lengths:
            return None
        # kept by the title's last ``_tail`` characters where ``strip`` and ``rstrip("。.")`` leave them as they are
        # (they end in a letter or digit and do not start with a space): the 文种 is a function of them
        end = title[-self._tail:]
        if end[-1:].isalnum():
            name = self._kinds.get(end)
            if name is not None:
                return name
        title = title.strip().rstrip("。.")
        for n in lengths:
            name = names.get(title[-n:])
            if name is not None:
                if end[-1:].isalnum() and not end[0].isspace():
                    if len(self._kinds) >= KINDS_LIMIT:
                        self._kinds.clear()
                    self._kinds[end] = name
                return name
        return None

    def line(self, doc, named: bool | None = None) -> bytes | None:
        """One document's answer as JSON bytes (without its newline). ``doc``: a validated ``Document``, or
        (``named`` not None) an object with its fields read by ``struct_reader`` and whether the line named its
        jurisdiction (true or false); for that one, None wherever the walk or an error would answer (the caller
        then reads the line with pydantic and asks again with the ``Document``)."""
        day = doc.formed_on
        if day < self.start or not self.ok:
            return self.plain(doc) if named is None else None
        if doc.jurisdiction != self._pack_id:
            if named is None:
                self.engine._own(doc, "document")
            elif named:
                return None
        doc_type = doc.doc_type
        if doc_type is None:
            doc_type = self._doc_type(doc.title)
            if doc_type is None:
                if named is not None:
                    return None
                doc_type = _classify.doc_type_of(doc, self.rules)       # its error
        fw = doc.forwards
        flags = doc.flags
        fs = _FLAGSETS.get(flags)
        if fs is None:
            fs = _flagset(flags)
        # the stretch and every field ``document_facts`` reads (as finely; the 文种 by its class): what the tables can
        # tell apart
        rep, kind = self._classes.get(doc_type) or self._class_of(doc_type)
        known = (bisect_right(self.cuts, day), rep, doc.issued_as, doc.addressed_to_superior,
                 _ALONE if fw is None else fw.attribute, fs)
        got = self._known.get(known) or self.learn(doc, doc_type, day, known)
        if got is None:
            return self.plain(doc) if named is None else None
        head, period, tail = got
        i = doc.id
        if i is None:
            first = self._open
        else:       # an ASCII id has no line separator to escape (``one_line``)
            i = encode_basestring(i).encode()
            first = b'{"id": ' + (i if i.isascii() else one_line(i)) + self._after_id
        if period is None:              # ``head``: the whole answer after the 文种 (``_parts_of``)
            return first + kind + head
        dates = self._dates.get((day, period)) or self._dates_of(day, period)
        return b"".join((first, kind, head, dates, tail))

    def _class_of(self, doc_type: str) -> tuple:
        """(the first 文种 met of ``doc_type``'s class, ``doc_type``'s JSON bytes), kept: 文种 that are in the same
        of ``_kind_sets`` (every set of 文种 a condition on ``doc_type`` tests) give the same results in every table,
        hence the same answer after the 文种 (``_parts``)."""
        sets = self._kind_sets
        if sets is None:
            rep = doc_type
        else:
            rep = self._signatures.setdefault(tuple(doc_type in v for v in sets), doc_type)
        if len(self._classes) >= KINDS_LIMIT:
            self._classes.clear()
        got = self._classes[doc_type] = (rep, self.encoder._str(doc_type))
        return got

    def learn(self, doc, doc_type: str, day, known: tuple):
        """The entry of ``_known`` for the facts ``known`` (``line``'s key) of ``doc`` (its 文种 ``doc_type``, formed
        on ``day``), made and kept: its entry of ``_parts``, the one tuple for every document with these results;
        None where the walk answers."""
        seg = known[0]
        fn = self._tables.get(seg) or self._stretch(seg, day)
        if fn is None:
            return None
        res = fn(*_fact_values(doc, doc_type, known[5]))
        if res is None:
            return None
        key = (seg, res)
        parts = self._parts.get(key) or self._parts_of(doc, doc_type, day, key)
        if parts is None:
            return None
        if len(self._known) >= KNOWN_LIMIT:
            self._known.clear()
        self._known[known] = parts
        return parts

    def _dates_of(self, day, period: int) -> bytes:
        """``publish_by``'s value and ``provisional`` for a document formed on ``day`` with a period of ``period``
        working days (``Calendar.add_working_days``, ``Calendar.provisional``: the calls the walk makes), kept."""
        cal = self.calendar
        due = cal.add_working_days(day, period)
        b = self.encoder._d(due) + _PROVISIONAL[cal.provisional(day, due)]
        if len(self._dates) >= DATES_LIMIT:
            self._dates.clear()
        self._dates[(day, period)] = b
        return b

    def _parts_of(self, doc, doc_type: str, day, key):
        """The parts of the answer for results not met yet in this stretch, made from the answer that
        ``_classify.answer`` (the walk after its tables) gives ``doc`` with these results. None: the walk answers
        this document."""
        law = self.law
        facts = document_facts(doc, doc_type)
        facts["@on"] = day
        results = {}
        for t, r in zip(law.classify_tables, key[1]):
            results[t.name] = r
            facts[t.name] = r.value
        out = _classify.answer(doc, doc_type, results, facts, law=law, rules=self.rules, calendar=self.calendar,
                               cite=self.engine._cite)
        keys = tuple(out)
        if keys[:1] == ("id",):
            keys = keys[1:]
        if keys != KEYS:        # not the answer this module knows how to cut: the walk answers everything
            self.ok = False
            return None
        period = None
        if out["publish_by"] is not None:
            period = law.at(self._period_name, day).value
        enc = self.encoder.encode_raw
        head = b", " + enc({k: out[k] for k in KEYS[2:4]})[1:-1]
        tail = enc({k: out[k] for k in KEYS[6:]})[1:-1] + b"}"
        if period is None:      # no dates: the answer after the 文种 is all in ``head``
            head, tail = head + _NO_DATE + tail, b""
        else:
            head += _PUBLISH
        size = len(head) + len(tail)
        self._size += size
        if self._size > PARTS_BYTES:
            self._parts.clear()
            self._known.clear()
            self._size = size
        parts = self._parts[key] = (head, period, tail)
        return parts


def _kind_sets(law):
    """The sets of 文种 the conditions of ``law``'s classify tables and periods test ``doc_type`` against, or None where
    a condition reads it otherwise or a rule takes its value from it (each 文种 is then a class of its own)."""
    nodes = [r.node for t in law.classify_tables for r in t.rules]
    if any(r.value_from == "doc_type" for t in law.classify_tables for r in t.rules):
        return None
    nodes += [p.applies_when.node for p in law.periods if p.applies_when is not None]
    out, stack = [], nodes
    while stack:
        node = stack.pop()
        if node.kind == "atom":
            a = node.atom
            if a.field == "doc_type":
                if a.op not in ("eq", "in", "not_in"):
                    return None
                out.append(frozenset(a.values))
        else:
            stack.extend(node.children)
    return tuple(set(out))


#: a tuple of flags (as ``Document`` keeps them) -> its set, shared by every key that holds it (``FastClassifier.line``)
_FLAGSETS: dict = {}


def _flagset(flags: tuple) -> frozenset:
    if len(_FLAGSETS) >= FLAGSETS_LIMIT:
        _FLAGSETS.clear()
    fs = _FLAGSETS[flags] = frozenset(flags)
    return fs


# ---------------------------------------------------------------- the reader of a document line (msgspec)

class _NoStruct(Exception):
    """A model (or a field of it) that ``struct_reader`` does not translate: its lines are read by pydantic alone."""


def struct_reader(model):
    """``read(line) -> (obj, given) | None``: a faster strict reader of ``model``'s JSON lines, made from the model
    (its fields, their types and limits) as msgspec Structs, or None (msgspec not installed, or a model this
    function does not translate).

    It only ever *accepts*: ``obj`` has the attributes (and nested objects) of the model pydantic would build from
    the line, with the same values, and ``given`` the bits (``given_bit``) of the top-level fields the line gave.
    Wherever it is not sure pydantic accepts the line with those values, it answers None, and the caller reads the
    line with pydantic (whose model, or error message, is then the answer): msgspec refuses it (a type, a limit, an
    unknown key, malformed JSON, invalid UTF-8…); a string has whitespace at either end (pydantic strips it,
    ``str_strip_whitespace``); the line's colons are not its keys (a key given twice, which JSON parsers keep the
    last of, or a colon inside a string); a field validator refuses the value. msgspec is stricter than pydantic's
    JSON mode everywhere else (tests/test_classify_fast.py checks both ways with hypothesis)."""
    import msgspec
    try:
        src = _Source()
        src.emit(1, "def read(line):")
        _emit_reading(model, src, msgspec)
        src.emit(2, f"return s, g & {(1 << len(model.model_fields)) - 1}")
        return src.build("read")
    except _NoStruct:
        return None


def _emit_reading(model, src: _Source, msgspec, ind: int = 2, fail: str = "return None",
                  names: dict | None = None) -> None:
    """Emit, at ``ind``, the reading of ``line`` into the Struct ``s`` (``struct_reader``'s body before its return),
    doing ``fail`` wherever ``struct_reader`` answers None. Without ``names``: ``g``, the bits of the keys given; with
    ``names`` (``answer_reader``): ``n``, their number, ``named`` whether it gave ``jurisdiction``, and ``names`` filled
    (field, or ``outer.inner`` for a nested one -> the local name of its value, the model's default where not given).
    Either way the keys given, at every depth, are checked against the line's colons. Raises _NoStruct."""
    counting = names is not None
    emit_decode(src, ind, "s", msgspec.json.Decoder(_struct(model, msgspec, {})).decode, msgspec, fail)
    src.emit(ind, "n = 0" if counting else "g = 0")
    _reads(model, "s", ind, src, msgspec.UNSET, [len(model.model_fields)], fail=fail, names=names)
    emit_colons(src, ind, "n" if counting else "g.bit_count()", fail)


def _emit_fill(src: _Source, ind: int, names: dict) -> None:
    """Emit, at ``ind``, what ``_reads`` leaves out of the Struct ``s`` when it keeps the values in local names
    (``names``): each field set to its local (the model's default where the line did not give it, its validator's value),
    a nested object's fields where it is there. The Struct is then as ``struct_reader`` gives it."""
    for obj, name, v in names["@fill"]:
        if obj is None:
            src.emit(ind, f"s.{name} = {v}")
        else:
            src.emit(ind, f"if {obj} is not None:")
            src.emit(ind + 1, f"{obj}.{name} = {v}")


def emit_decode(src: _Source, ind: int, target: str, decode, msgspec, fail: str = "return None") -> None:
    """Emit, at ``ind``, ``target = decode(line)``, doing ``fail`` where msgspec refuses the line (the msgspec readers:
    ``struct_reader``, ``answer_reader``, ``_decide_read``)."""
    src.emit(ind, "try:")
    src.emit(ind + 1, f"{target} = {src.bind(decode, 'dec')}(line)")
    src.emit(ind, f"except {src.bind(msgspec.MsgspecError, 'err')}:")
    src.emit(ind + 1, fail)


def emit_colons(src: _Source, ind: int, given: str, fail: str = "return None") -> None:
    """Emit, at ``ind``, the check that the line's colons are the keys it gave (``given``, at every depth): a key given
    twice (JSON parsers keep the last), or a colon inside a string, and the reader does ``fail``."""
    src.emit(ind, f"if line.count(b':') != {given}:")
    src.emit(ind + 1, fail)


def answer_reader(model, classifiers: dict, default: str | None, chunk: bool = False):
    """``answer(line) -> bytes | None``: the command line's ``classify`` of one JSON line as one generated function,
    ``struct_reader(model)``'s reading followed by ``FastClassifier.line``'s (the facts' key, the kept entry, the id
    and dates joined in), the same bytes; None (the caller asks ``struct_reader``, ``FastClassifier.line`` and
    pydantic, as before) wherever either of them would answer None or the pack's ``FastClassifier`` is not yet in
    ``classifiers`` (jurisdiction -> it; the caller's dict, filled as packs are met). ``default``: the pack of lines
    that name none (``--jurisdiction``). None where ``struct_reader`` is.

    ``chunk``: ``answers(lines) -> (list, missed)``, the same text as a loop, each line's ``answer(line)`` in its place
    (one frame for a chunk's lines instead of one call each), and whether any is None. An exception (a line that is not bytes, a rule conflict met
    while learning) leaves the loop, as ``map`` would.

    The reading is ``struct_reader``'s, except that it counts the keys given (``n``) instead of setting their bits
    (only the jurisdiction's matters here: ``named``) and keeps each field's value in a local name, the model's
    default put in where the line did not give it; the Struct is given them (``_emit_fill``) only before ``learn`` or
    ``line`` reads it."""
    import msgspec
    if list(model.model_fields)[:2] != ["id", "jurisdiction"]:
        return None
    try:
        src = _Source()
        if chunk:
            ap = src.bind(None, "ap")           # the local name of ``out.append``
            fail, ret = f"{ap}(None); missed = 1; continue", f"{ap}({{}}); continue"
            src.emit(1, "def read(lines):")
            src.emit(2, "out = []")
            src.emit(2, f"{ap} = out.append")
            src.emit(2, "missed = 0")
            src.emit(2, "for line in lines:")
            ind = 3
        else:
            fail, ret = "return None", "return {}"
            src.emit(1, "def read(line):")
            ind = 2
        names: dict = {}
        _emit_reading(model, src, msgspec, ind, fail, names)
    except _NoStruct:
        return None
    b = src.bind
    jid, jur_v, kind_v, title_v, day_v = (names[k] for k in ("id", "jurisdiction", "doc_type", "title", "formed_on"))
    issued_v, sup_v, fw_v, flags_v = (names[k] for k in ("issued_as", "addressed_to_superior", "forwards", "flags"))
    fwa_v = names["forwards.attribute"]
    e = lambda n, text: src.emit(ind + n, text)     # noqa: E731
    if default is not None:
        e(0, "if not named:")
        e(1, f"jur = {b(default, 'dflt')}")      # the pack of the line, not its field (``_emit_fill``)
        e(0, "else:")
        e(1, f"jur = {jur_v}")
        jur_v = "jur"
    e(0, f"fc = {b(classifiers, 'fcs')}.get({jur_v})")
    e(0, "if fc is None or not fc.ok:")
    e(1, fail)
    e(0, f"if {day_v} < fc.start or named and {jur_v} != fc._pack_id:")
    e(1, fail)
    e(0, f"kind = {kind_v}")
    e(0, "if kind is None:")         # ``FastClassifier._doc_type``, its kept 文种 first
    e(1, f"kind = fc._kinds.get({title_v}[-fc._tail:])")
    e(1, "if kind is None:")
    e(2, f"kind = fc._doc_type({title_v})")
    e(2, "if kind is None:")
    e(3, fail)
    e(0, "kc = fc._classes.get(kind)")     # (its class's first 文种, its bytes): ``FastClassifier._class_of``
    e(0, "if kc is None:")
    e(1, "kc = fc._class_of(kind)")
    e(0, "rep, kb = kc")
    e(0, f"fs = {b(_FLAGSETS, 'flagsets')}.get({flags_v})")
    e(0, "if fs is None:")
    e(1, f"fs = {b(_flagset, 'flagset')}({flags_v})")
    e(0, f"known = ({b(bisect_right, 'bisect')}(fc.cuts, {day_v}), rep, {issued_v}, {sup_v}, "
         f"{b(_ALONE, 'alone')} if {fw_v} is None else {fwa_v}, fs)")
    e(0, "got = fc._known.get(known)")
    e(0, "if got is None:")
    _emit_fill(src, ind + 1, names)
    e(1, f"got = fc.learn(s, kind, {day_v}, known)")
    e(1, "if got is None:")
    e(2, fail)
    e(0, f"if {jid} is None:")
    _emit_fill(src, ind + 1, names)
    e(1, ret.format("fc.line(s, named)"))
    # msgspec's JSON text of a string is ``encode_basestring``'s, encoded (every character escaped alike; checked
    # for each one in tests/test_classify_fast.py); msgspec reads no lone surrogate, so it cannot meet one
    e(0, f"i = {b(msgspec.json.encode, 'enc')}({jid})")
    e(0, "if not i.isascii():")      # an ASCII id has no line separator to escape
    e(1, f"i = {b(one_line, 'one_line')}(i)")
    e(0, "head, period, tail = got")
    opening = b(b'{"id": ', "open")
    join = b(b"".join, "join")
    e(0, "if period is None:")
    e(1, ret.format(f"{join}(({opening}, i, fc._after_id, kb, head))"))
    e(0, f"dates = fc._dates.get(({day_v}, period))")
    e(0, "if dates is None:")
    e(1, f"dates = fc._dates_of({day_v}, period)")
    e(0, ret.format(f"{join}(({opening}, i, fc._after_id, kb, head, dates, tail))"))
    if chunk:
        src.emit(2, "return out, missed")
    return src.build("read")


def given_bit(model, name: str) -> int:
    """The bit of ``struct_reader(model)``'s ``given`` that says the line gave the field ``name``."""
    return 1 << list(model.model_fields).index(name)


def _check_model(model) -> None:
    cfg = model.model_config
    if cfg.get("extra") != "forbid" or any(cfg.get(k) for k in ("str_to_lower", "str_to_upper", "strict_false",
                                                                "str_min_length", "str_max_length", "populate_by_name",
                                                                "alias_generator", "coerce_numbers_to_str")):
        raise _NoStruct(model)
    dec = model.__pydantic_decorators__
    if dec.validators or dec.root_validators or dec.model_validators or dec.computed_fields:
        raise _NoStruct(model)
    for v in dec.field_validators.values():
        if v.info.mode != "after":
            raise _NoStruct(model)
    if not model.__pydantic_complete__:
        model.model_rebuild()


def _struct(model, msgspec, structs: dict):
    """The Struct of ``model``: its fields, in order, each defaulting to ``UNSET`` (``_reads`` puts the model's
    default in); unknown keys refused."""
    if model in structs:
        return structs[model]
    _check_model(model)
    fields = []
    for name, info in model.model_fields.items():
        if (info.alias not in (None, name) or info.default_factory is not None or not name.isidentifier()
                or name.startswith("_")):
            raise _NoStruct(model)
        tp = msgspec_type(info.annotation, list(info.metadata), msgspec,
                          lambda m: _struct(m, msgspec, structs))
        fields.append((name, tp | msgspec.UnsetType, msgspec.UNSET))
    # gc=False: a Struct read from JSON holds strings, dates, tuples and Structs of its own, never a cycle
    st = structs[model] = msgspec.defstruct(f"_{model.__name__}Struct", fields, forbid_unknown_fields=True,
                                            kw_only=True, gc=False)
    return st


def msgspec_type(tp, meta: list, msgspec, model_type, model_tuples: bool = False):
    """The msgspec type of a field's annotation ``tp`` with its constraints ``meta``; _NoStruct for anything this
    translation does not know (a constraint it would drop, a type it does not map). One translation for the readers
    of ``classify`` (Structs, ``struct_reader``) and ``decide`` (TypedDicts, ``_decide_read``): ``model_type(model)``
    gives a nested model's msgspec type; ``model_tuples``: tuples of models are translated too (else only tuples of
    codes: ``struct_reader`` counts the keys of nested objects, not of objects in a list)."""
    import datetime as dt
    import types
    import typing

    from pydantic import BaseModel, StringConstraints
    from pydantic.types import Strict

    def inner(t, more: list):
        return msgspec_type(t, more, msgspec, model_type, model_tuples)

    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *more = typing.get_args(tp)
        return inner(base, [*more, *meta])
    limit = None
    for m in meta:
        if isinstance(m, Strict) and m.strict:
            continue
        if isinstance(m, StringConstraints) and all(getattr(m, k) is None for k in (
                "strip_whitespace", "to_upper", "to_lower", "min_length", "pattern", "ascii_only")) \
                and m.strict in (None, True):
            limit = m.max_length
        elif type(m).__name__ == "MaxLen" and type(m).__module__ == "annotated_types":   # pydantic's max_length=
            limit = m.max_length
        elif tp is dt.date and getattr(m, "__name__", "") == "_IsoDate":
            continue        # the input date: strict ``YYYY-MM-DD`` from JSON (``_models._IsoDate``)
        else:
            raise _NoStruct(m)
    if origin in (typing.Union, types.UnionType):
        if limit is not None:
            raise _NoStruct(tp)
        out = None
        for a in typing.get_args(tp):
            t = type(None) if a is type(None) else inner(a, [])
            out = t if out is None else out | t
        return out
    if origin is typing.Literal:
        if limit is not None or not all(isinstance(v, str) for v in typing.get_args(tp)):
            raise _NoStruct(tp)
        return tp
    if tp is str:
        return tp if limit is None else typing.Annotated[str, msgspec.Meta(max_length=limit)]
    if tp is bool or tp is dt.date:
        if limit is not None:
            raise _NoStruct(tp)
        return tp
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise _NoStruct(tp)
        item = args[0]
        if typing.get_origin(item) is not typing.Literal and not (
                model_tuples and isinstance(item, type) and issubclass(item, BaseModel)):
            raise _NoStruct(tp)     # tuples of codes (or of models, where asked): no strings to strip
        t = tuple[inner(item, []), ...]
        return t if limit is None else typing.Annotated[t, msgspec.Meta(max_length=limit)]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if limit is not None:
            raise _NoStruct(tp)
        return model_type(tp)
    raise _NoStruct(tp)


def _reads(model, obj: str, ind: int, src: _Source, unset, bits: list, fail: str = "return None",
           names: dict | None = None, prefix: str = "") -> None:
    """Emit, for each field of ``model`` on the Struct ``obj``: its default where the line did not give it, else its
    bit set in ``g`` (a top-level field's is its place among the fields; a nested one's the next of ``bits``), a
    string with whitespace at either end refused (pydantic strips it: ``str.strip`` strips every character Rust's
    ``trim`` does, and more, and gives the string itself when it strips nothing), the model's field validators
    applied (a refusal: ``fail``), and a nested model's fields in turn. With ``names`` (``answer_reader``'s
    reading, ``_emit_reading``): ``n`` counts the keys given instead of ``g``'s bits, ``named`` says whether the
    top-level ``jurisdiction`` was given, and each field's value (its default where not given, its validator's value
    where it has one) stays in a local name, kept in ``names`` (``prefix`` + field); the Struct is not given them
    (most lines never read it again): ``names["@fill"]`` lists them for ``_emit_fill``, where a line's Struct is read."""
    from pydantic import BaseModel

    k_unset = src.bind(unset, "un")
    strip = model.model_config.get("str_strip_whitespace", False)
    validators = field_validators(model)
    top = obj == "s"
    counting = names is not None
    for i, (name, info) in enumerate(model.model_fields.items()):
        if top:
            bit = i
        else:
            bit = bits[0]
            bits[0] += 1
        v = src.bind(None, "v")         # a local name of its own (bound to nothing used)
        flag = counting and top and name == "jurisdiction"
        if counting:
            names[prefix + name] = v
            # (the local of the object holding the field, or None at the top, the field, its local)
            names.setdefault("@fill", []).append((None if top else obj, name, v))
        src.emit(ind, f"{v} = {obj}.{name}")
        src.emit(ind, f"if {v} is {k_unset}:")
        if info.is_required():
            src.emit(ind + 1, fail)
        else:
            dflt = src.bind(info.default, "dflt")
            if counting:        # the Struct gets it only where it is read (``_emit_fill``)
                src.emit(ind + 1, f"{v} = {dflt}")
            else:
                src.emit(ind + 1, f"{obj}.{name} = {dflt}")
        if flag:
            src.emit(ind + 1, "named = 0")
        src.emit(ind, "else:")
        src.emit(ind + 1, "n += 1" if counting else f"g |= {1 << bit}")
        if flag:
            src.emit(ind + 1, "named = 1")
        kinds = _leaves(info.annotation)
        if strip and str in kinds:
            if kinds == [str]:
                test = f"{v}.strip() is not {v}"
            elif sorted(kinds, key=id) == sorted([str, type(None)], key=id):
                test = f"{v} is not None and {v}.strip() is not {v}"
            else:
                test = f"{v}.__class__ is {src.bind(str, 'str')} and {v}.strip() is not {v}"
            src.emit(ind + 1, f"if {test}:")
            src.emit(ind + 2, fail)
        for fn in validators.get(name, ()):
            # a validator of a tuple of codes (``msgspec_type``: the only tuples read) is a function of that tuple: its
            # value kept per tuple met (a few hundred in practice), cleared when full
            r = emit_validated(src, ind + 1, fn, v, fail=fail)
            src.emit(ind + 1, f"{v} = {r}" if counting else f"{obj}.{name} = {r}")
        nested = [a for a in kinds if isinstance(a, type) and issubclass(a, BaseModel)]
        if nested:
            src.emit(ind + 1, f"if {v} is not None:")
            _reads(nested[0], v, ind + 2, src, unset, bits, fail, names, f"{prefix}{name}.")


def emit_validated(src: _Source, ind: int, fn, x: str, tuple_only: bool = False, fail: str = "return None") -> str:
    """Emit, at ``ind``, the value of the field validator ``fn`` on the local ``x`` into a new local name (returned):
    kept per tuple met (a few hundred in practice; cleared when full at ``VALIDATED_LIMIT``), any other value
    validated each time; ``tuple_only``: ``x`` is a tuple whenever this runs. A refusal or an error returns None
    from the generated reader (pydantic's reading says what), or does ``fail``. Used by both msgspec readers (``struct_reader``,
    ``_decide_read``)."""
    tup = src.bind(tuple, "tup")
    val, memo, r = src.bind(fn, "val"), src.bind({}, "memo"), src.bind(None, "r")
    kept = f"{memo}.get({x})" if tuple_only else f"{memo}.get({x}) if {x}.__class__ is {tup} else None"
    src.emit(ind, f"{r} = {kept}")
    src.emit(ind, f"if {r} is None:")
    src.emit(ind + 1, "try:")
    src.emit(ind + 2, f"{r} = {val}({x})")
    src.emit(ind + 1, f"except {src.bind(Exception, 'exc')}:")
    src.emit(ind + 2, fail)
    src.emit(ind + 1, f"if {x}.__class__ is {tup}:")
    src.emit(ind + 2, f"if len({memo}) >= {VALIDATED_LIMIT}:")
    src.emit(ind + 3, f"{memo}.clear()")
    src.emit(ind + 2, f"{memo}[{x}] = {r}")
    return r


