"""The speed layer's compiler: a regime's decision tables as generated Python functions.

For one regime of a jurisdiction and one stretch of days between two of its cuts (``RegimeLaw.segment``: within
one, no rule and no parameter changes), ``compile_segment`` writes the source of these functions and compiles it:

* ``request(d, cstatus)``: the request table's result (``TableResult``) for a request's field dict ``d``;
* ``item(item)``: one item's answer (the ``ReadOnlyDict`` of ``_pipeline.compose_item``), every item table in
  turn, each table's value handed to the next as ``_pipeline.plan`` does; ``items(lst)``: the answers of all a
  request's items, the same reading and lookup in one loop.

Each rule's condition becomes one boolean expression over local variables (the facts, read once at the top of
the function with the expressions of ``_facts.ITEM_FACT_SOURCE`` / ``REQUEST_FACT_SOURCE``); an exception is
tested only when a rule it excepts applies, and a rule not in force in the stretch is ``False``. What applies is
packed into an integer (bit ``i``: rule ``i`` applies), and the table's result for that integer — what defeat,
precedence and the hit policy make of it (``CompiledTable.resolve``, the one place they are decided) — is
looked up, or resolved once and kept. The answers are the plain pipeline's, byte for byte
(``tests/test_compiled.py``; ``Engine(compiled=False)`` runs the plain walk).

Nothing a rule file says is pasted into the source: the generated text holds only names this module makes up
(``a0_3``, ``v2``, ``k7``…), operators, and integers it counts itself. Every value from a rule (a literal a
condition compares with, a set it tests) is passed into the generated code as an object, bound to a name
``kN`` of the enclosing function, never written as text. Field names come from the closed vocabulary of
``_facts`` (``parse`` rejects any other), and are looked up there, never spliced.
"""
from __future__ import annotations

from ._conditions import Node, fields_of
from ._errors import UnsupportedInputError, ZwgkError
from datetime import date as _date
from operator import itemgetter

from ._facts import (ITEM_FACT_FIELDS, ITEM_FACT_PROLOGUE, ITEM_FACT_SOURCE, REQUEST_FACT_FIELDS, REQUEST_FACT_PROLOGUE,
                     REQUEST_FACT_SOURCE)

#: results kept per table (distinct sets of applicable rules: a few dozen in practice); a full memo is cleared
RESULT_LIMIT = 1 << 12
#: what a function keeps per distinct tuple of facts (requests, items): bounded, cleared when full
FACTS_LIMIT = 1 << 14


class _Unsupported(Exception):
    """Raised by a generated item function: ``result.unsupported`` of the table that gave it."""

    def __init__(self, result) -> None:
        super().__init__(result.unsupported)
        self.result = result


class Kept:
    """An item answer as the compiled path keys plans on it: one per answer (``Engine._kept``), hashed and compared by
    identity. A plan of several items met before is found by its key, a tuple holding these: the kept key's elements
    are the very objects the request gives, so the comparison reads none of them (the answers' ``id()`` numbers it
    held before were objects of their own, one more read out of the cache per item on every hit: callgrind).

    The plans of a request of one item are kept on its answer's ``Kept`` itself, by the request table's result
    (``p1``: no 补正 and no 第三十五条 date, ``plain``; ``p0``: otherwise), and their items are ``one``, the
    answer's one tuple of itself: a few hundred answers are met again and again, so these small dicts and the
    plans in them stay in the cache, where one memo of every plan is read at a new place each time (callgrind)."""

    __slots__ = ("a", "one", "p0", "p1")

    def __init__(self, answer) -> None:
        self.a = answer
        self.one = (answer,)
        self.p0: dict = {}
        self.p1: dict = {}


class _Source:
    """The text of a generated module and the objects its names stand for."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: list[str] = []
        self.values: list = []

    def bind(self, value, prefix: str = "k") -> str:
        name = f"{prefix}{len(self.values)}"
        self.names.append(name)
        self.values.append(value)
        return name

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def build(self, inner: str):
        """Compile ``def make(<names>): <lines>; return <inner>`` and call it with the bound values."""
        head = f"def make({', '.join(self.names)}):"
        text = "\n".join([head, *self.lines, f"    return {inner}", ""])
        namespace: dict = {"__builtins__": {"isinstance": isinstance, "bool": bool, "len": len, "tuple": tuple, "id": id,
                                             "map": map, "list": list}}
        exec(compile(text, "<zwgk_rules compiled rules>", "exec"), namespace)   # noqa: S102 - generated text only
        fn = namespace["make"](*self.values)
        for f in (fn if isinstance(fn, tuple) else (fn,)):
            f.__zwgk_source__ = text
        return fn


def _expr(node: Node, var: dict, src: _Source) -> str:
    """A condition as a Python expression over the local variables ``var`` (fact -> name); the same truth as
    ``_conditions.compile_node`` on the same facts."""
    if node.kind == "atom":
        a = node.atom
        x, vals = var[a.field], a.values
        if a.op == "eq":
            v = vals[0]
            k = src.bind(v)
            return f"({x} is {k})" if v is None or isinstance(v, bool) else f"({x} == {k})"
        if a.op in ("in", "not_in"):
            singletons = tuple(v for v in vals if v is None or isinstance(v, bool))
            s = frozenset(v for v in vals if not (v is None or isinstance(v, bool)))
            ids = [f"{x} is {src.bind(v)}" for v in singletons]
            if not singletons:
                e = f"({x} in {src.bind(s)})"
            elif not s:
                e = f"({' or '.join(ids)})"
            else:
                e = f"(({x} in {src.bind(s)} and not isinstance({x}, bool)) or {' or '.join(ids)})"
            return e if a.op == "in" else f"(not {e})"
        if a.op == "has":
            return f"({src.bind(vals[0])} in {x})"
        s = src.bind(frozenset(vals))
        if a.op == "has_any":
            return f"(not {s}.isdisjoint({x}))"
        if a.op == "has_all":
            return f"{s}.issubset({x})"
        if a.op == "has_none":
            return f"{s}.isdisjoint({x})"
        raise AssertionError(a.op)
    if node.kind == "not":
        return f"(not {_expr(node.children[0], var, src)})"
    subs = [_expr(c, var, src) for c in node.children]
    if node.kind == "all":
        return "True" if not subs else f"({' and '.join(subs)})"
    return f"({' or '.join(subs)})"


def _table(src: _Source, ind: int, n: int, table, mask, var: dict, keep=None) -> str:
    """Emit the evaluation of ``table`` (the ``n``-th of the function) into ``r{n}``; returns ``r{n}``. ``keep``:
    as ``_resolver``'s."""
    rules = table.rules
    for i in table._app_order:
        if mask is not None and not mask[i]:
            src.emit(ind, f"a{n}_{i} = False")
            continue
        cond = _expr(rules[i].node, var, src)
        if rules[i].targets:            # an exception lives inside the rules it excepts (但是…)
            cond = f"({' or '.join(f'a{n}_{j}' for j in rules[i].targets)}) and {cond}"
        src.emit(ind, f"a{n}_{i} = {cond}")
    bits = " | ".join(f"(a{n}_{i} << {i})" for i in range(len(rules))) or "0"
    src.emit(ind, f"m{n} = {bits}")
    # the result depends on which rules apply and, for a value taken from a fact (then.value.from), on that fact
    froms = sorted({r.value_from for r in rules if r.value_from is not None})
    key = f"(m{n}, {', '.join(var[f] for f in froms)})" if froms else f"m{n}"
    return _lookup(src, ind, n, key, _resolver(table, froms, len(rules), keep))


def _lookup(src: _Source, ind: int, n: int, key: str, miss) -> str:
    """Emit ``r{n}``: the table's result for ``key`` from its own memo, or ``miss(memo, key)`` (``_resolver``)."""
    memo, miss = src.bind({}, "memo"), src.bind(miss, "miss")
    src.emit(ind, f"key{n} = {key}")
    src.emit(ind, f"r{n} = {memo}.get(key{n})")
    src.emit(ind, f"if r{n} is None:")
    src.emit(ind + 1, f"r{n} = {miss}({memo}, key{n})")
    return f"r{n}"


def _resolver(table, froms: list, n_rules: int, keep=None, limit=lambda: RESULT_LIMIT):
    """What a table makes of a set of applicable rules it has not met yet (``CompiledTable.resolve``), kept.
    ``keep(result)``: the one object kept for results of the same content, if given (``_classify_compile``);
    ``limit()``: the memo's size (read when it is full)."""
    def miss(memo: dict, key):
        mask, values = (key[0], key[1:]) if froms else (key, ())
        app = [bool(mask >> i & 1) for i in range(n_rules)]
        result = table.resolve(app, dict(zip(froms, values)))     # raises RuleConflictError: nothing kept
        if keep is not None:
            result = keep(result)
        if len(memo) >= limit():
            memo.clear()
        memo[key] = result
        return result
    return miss


def fields_read(tables) -> set:
    """The facts that ``tables`` read: the fields their conditions test and those a rule takes its value from."""
    read: set = set()
    for t in tables:
        for r in t.rules:
            read |= fields_of(r.node)
            if r.value_from is not None:
                read.add(r.value_from)
    return read


def _reading(src: _Source, ind: int, tables, fields: dict, source: dict, prologue, var: dict) -> tuple:
    """Emit the reading of the facts the tables test into ``key``: the input fields among them, then the derived ones
    by their expressions. They are the key of what was given before: exactly what the tables can tell apart, since
    they read nothing else. The key is one flat tuple (a key met before is compared with the kept one element by
    element: a tuple inside it would be one more object to read, out of the cache, on every hit: callgrind, one L2
    miss fewer a request); with no derived fact the input fields are read by one ``itemgetter``. Returns (the names
    of the input fields read, the arguments of the function that evaluates the tables on a key not met before:
    ``key`` and the derived facts)."""
    for line in prologue:
        src.emit(ind, line)
    read = fields_read(tables)
    plain = [f for f in fields if f in read]             # the vocabulary's own order: the same text on every load
    derived = [f for f in source if f in read]
    for f in derived:
        var[f] = f"v{len(var)}"
        src.emit(ind, f"{var[f]} = {source[f]}")
    if plain and not derived:
        getter = src.bind(itemgetter(*(fields[f] for f in plain)), "get")
        src.emit(ind, f"key = {getter}(d)" if len(plain) > 1 else f"key = ({getter}(d),)")
    else:
        src.emit(ind, f"key = ({''.join(f'{x}, ' for x in [f'd[{fields[f]!r}]' for f in plain] + [var[f] for f in derived])})")
    return plain, ", ".join(["key", *(var[f] for f in derived)])


def _facts(src: _Source, ind: int, tables, fields: dict, source: dict, prologue, var: dict, known: str) -> tuple:
    """Read the facts the tables test (``_reading``). A known key returns at once; otherwise the facts go to
    ``slow``, the function whose text follows (the tables). Returns the lines that read the facts into ``key``
    (without indentation) and the arguments of ``slow``."""
    begin = len(src.lines)
    plain, args = _reading(src, ind, tables, fields, source, prologue, var)
    reading = [line[4 * ind:] for line in src.lines[begin:]]
    src.emit(ind, f"hit = {known}.get(key)")
    src.emit(ind, "if hit is not None:")
    src.emit(ind + 1, "return hit")
    # the rest is another function: a frame clears all its local names on return, and the tables need many
    src.emit(ind, f"return slow({args})")
    src.emit(ind - 1, f"def slow({args}):")
    names = []
    for f in plain:
        var[f] = f"v{len(var)}"
        names.append(var[f])
    if names:       # the input fields come first in the key
        src.emit(ind, f"{', '.join(names)}, = key[:{len(names)}]")
    return reading, args


def _keep(src: _Source, ind: int, known: str, result: str) -> None:
    src.emit(ind, f"if len({known}) >= {FACTS_LIMIT}:")
    src.emit(ind + 1, f"{known}.clear()")
    src.emit(ind, f"{known}[key] = {result}")
    src.emit(ind, f"return {result}")


def _content(r) -> tuple:
    """What of a table's result an answer can show (all but ``defeated``, which it does not show): results that
    differ only there give the same answer."""
    return (r.value, r.rule_ids, r.basis, r.actions, r.cite, r.unsupported, r.collected)


def _keeper(canon: dict, name: str, limit=lambda: RESULT_LIMIT):
    """``keep(result)`` for ``_resolver``: the one result of its content (``_content``) for table ``name`` in
    ``canon`` (cleared when it holds ``limit()``). ``decide``: the item answers, kept per tuple of results
    (``Engine._item_answer``), are composed once per content (the tables reach the same results by many sets of
    applicable rules: on diverse traffic about ten tuples of results by identity for one by content); ``classify``
    (``_classify_compile``): the first document of a given content is the one whose answer is kept."""
    def keep(result):
        if len(canon) >= limit():
            canon.clear()
        return canon.setdefault((name, _content(result)), result)
    return keep


def compile_request(table, mask):
    """``request(d, cstatus) -> TableResult`` for the request table with in-force mask ``mask``."""
    src, var = _Source(), {}
    known = src.bind({}, "known")
    src.emit(1, "def request(d, cstatus):")
    _facts(src, 2, (table,), REQUEST_FACT_FIELDS, REQUEST_FACT_SOURCE, REQUEST_FACT_PROLOGUE, var, known)
    r = _table(src, 2, 0, table, mask, var)
    _keep(src, 2, known, r)
    request, slow = src.build("request, slow")
    return request, slow, src.values[src.names.index(known)]


def compile_items(tables, masks, cache: dict, answer, kept):
    """``item(item) -> Kept`` (the item's answer, as ``kept(answer)`` gives it) for the item tables (in order) with
    their in-force masks, and ``items(lst) -> tuple of Kept`` for a request's items in one call. ``cache`` is the
    engine's memo of item answers (keyed on the tuple of table results) and ``answer(tables, results)`` its
    composition on a miss (``Engine._item_answer``). Raises ``_Unsupported`` for a table's ``unsupported``."""
    src, var = _Source(), {}
    unsupported = src.bind(_Unsupported, "unsupported")
    answers, compose, keep = src.bind(cache, "answers"), src.bind(answer, "compose"), src.bind(kept, "keep")
    tabs = src.bind(tuple(tables), "tables")
    known = src.bind({}, "known")
    src.emit(1, "def item(item):")
    reading, args = _facts(src, 2, tables, ITEM_FACT_FIELDS, ITEM_FACT_SOURCE, ITEM_FACT_PROLOGUE, var, known)
    names = []
    canon: dict = {}
    for n, (t, mask) in enumerate(zip(tables, masks)):
        r = _table(src, 2, n, t, mask, var, _keeper(canon, t.name))
        src.emit(2, f"if {r}.unsupported is not None:")
        src.emit(3, f"raise {unsupported}({r})")
        var[t.name] = f"u{n}"                   # the table's value, a fact of the tables after it
        src.emit(2, f"u{n} = {r}.value")
        names.append(r)
    src.emit(2, f"results = ({', '.join(names)},)")
    src.emit(2, f"a = {answers}.get(results)")
    src.emit(2, "if a is None:")
    src.emit(3, f"a = {compose}({tabs}, results)")
    src.emit(2, f"a = {keep}(a)")
    _keep(src, 2, known, "a")
    # every item of a request in one call: the same reading and lookup in a loop
    src.emit(1, "def items(lst):")
    src.emit(2, "out = []")
    src.emit(2, "for item in lst:")
    for line in reading:
        src.emit(3, line)
    src.emit(3, f"hit = {known}.get(key)")
    src.emit(3, "if hit is None:")
    src.emit(4, f"hit = slow({args})")
    src.emit(3, "out.append(hit)")
    src.emit(2, "return tuple(out)")
    item, items, slow = src.build("item, items, slow")
    return item, items, slow, src.values[src.names.index(known)]


def compile_run(law, request, items, env: dict):
    """``run(rd, received, cstatus, day)`` -> ``Parts``' fields as a bare tuple, and ``raw(...)`` -> the answer
    dict of ``Engine.decide_raw``: steps 4–7 of one stretch in one function, the request and its items read once.
    The request table and the item tables are ``compile_request``'s and ``compile_items``' (``request`` and
    ``items``: their ``(slow, known)``: the function that evaluates the tables on facts not met before, and the
    memo of facts met before, shared with them); the fact reading is the same text. ``env``: what the engine
    gives (``Engine._paths``): ``plans`` (its memo of plans), ``miss(rres, answers, plain, cstatus, rd, key)``
    (a plan not in it, kept), ``plan`` (``compile_plan``: a plan not kept), ``dates``, ``dates_on``,
    ``deadline`` (the stretch's ``Segment`` members), ``after_due``, ``unsupported_error``, ``item_error(items)``
    (the error of the first item the law has no provision for), ``rid``, ``pack``, ``proceed``, ``limit``
    (the most items a kept plan has), ``cid`` (the calendar's id), ``steps`` (the trace of the dates that depend
    on the receipt day alone, ``Segment.dates``), and the names ``fields`` of the request's fields read and ``late`` (the
    warning), ``keys`` (the answer's keys)."""
    src, rvar, ivar = _Source(), {}, {}
    b = {k: src.bind(v, "e") for k, v in env.items() if k != "keys"}
    keys = [src.bind(k, "e") for k in env["keys"]]      # the answer's keys, in the order of ``decide_raw``
    dkeys = [src.bind(k, "e") for k in DEADLINE_KEYS]    # the deadline's keys, in the order of ``compile_deadline``
    dtpl = src.bind(_alone(None, (None, None, None), env["cid"]), "e")     # (a copy of a dict the stretch uses often)
    rid = b["rid"]
    fill = {"jurisdiction": env["pack"], "regime": env["rid"]}
    tpl_id = src.bind({k: fill.get(k) for k in env["keys"]}, "e")
    tpl = src.bind({k: fill.get(k) for k in env["keys"][1:]}, "e")
    rslow, rknown = src.bind(request[0], "rslow"), src.bind(request[1], "rknown")
    islow, iknown = src.bind(items[0], "islow"), src.bind(items[1], "iknown")
    unsupported = src.bind(_Unsupported, "unsupported")
    tables = law.item_tables

    def one(ind: int, target: str) -> None:
        """One item (the local name ``item``): its answer into ``target``."""
        _, args = _reading(src, ind, tables, ITEM_FACT_FIELDS, ITEM_FACT_SOURCE, ITEM_FACT_PROLOGUE, dict(ivar))
        src.emit(ind, f"{target} = {iknown}.get(key)")
        src.emit(ind, f"if {target} is None:")
        src.emit(ind + 1, f"{target} = {islow}({args})")

    for name, ret in (("run", "parts"), ("raw", "raw")):
        src.emit(1, f"def {name}(rd, received, cstatus, day):")
        src.emit(2, "d = rd")
        _, args = _reading(src, 2, (law.request_table,), REQUEST_FACT_FIELDS, REQUEST_FACT_SOURCE,
                           REQUEST_FACT_PROLOGUE, dict(rvar))
        src.emit(2, f"rres = {rknown}.get(key)")
        src.emit(2, "if rres is None:")
        src.emit(3, f"rres = {rslow}({args})")
        src.emit(2, "if rres.unsupported is not None:")
        src.emit(3, f"raise {b['unsupported_error']}(rres)")
        src.emit(2, f"its, excessive, cons, extension, ident = {b['fields']}(rd)")
        src.emit(2, "n = len(its)")
        src.emit(2, f"plain = cstatus == {b['none']} and excessive is None")
        src.emit(2, "answers = plan = None")
        src.emit(2, f"if rres.value != {b['proceed']}:")
        src.emit(3, "key = (rres, plain, n)")
        src.emit(2, "else:")
        src.emit(3, "try:")
        src.emit(4, "if n == 1:")
        src.emit(5, "item = its[0]")
        one(5, "a0")
        src.emit(5, "pd = a0.p1 if plain else a0.p0")       # kept on the answer (``Kept``)
        src.emit(5, "plan = pd.get(rres)")
        src.emit(5, "if plan is None:")
        src.emit(6, f"plan = {b['keep1']}(pd, rres, a0, plain)")
        src.emit(4, "elif n == 2:")
        src.emit(5, "item, i1 = its")
        one(5, "a0")
        src.emit(5, "item = i1")
        one(5, "a1")
        src.emit(5, "key = (rres, plain, a0, a1)")
        src.emit(4, "else:")
        src.emit(5, "out = []")
        src.emit(5, "for item in its:")
        one(6, "a")
        src.emit(6, "out.append(a)")
        src.emit(5, "answers = out")
        src.emit(5, f"key = (rres, plain, *out) if n <= {b['limit']} else None")
        src.emit(3, f"except {unsupported}:")
        src.emit(4, f"raise {b['item_error']}(its) from None")
        src.emit(2, "if plan is None:")
        src.emit(3, f"plan = {b['plans']}.get(key) if key is not None else None")
        src.emit(3, "if plan is None:")
        src.emit(4, f"if rres.value == {b['proceed']}:")      # the answers themselves, out of their ``Kept``
        src.emit(5, "answers = (a0.a, a1.a) if n == 2 else tuple([a.a for a in answers])")
        src.emit(4, f"plan = {b['miss']}(rres, answers, plain, cstatus, rd, key) if key is not None else "
                    f"{b['plan']}(rres, answers, plain)")
        src.emit(2, "if plan.dates_only and not cons:")
        # the dates depend on the receipt day alone: the day's due dates are kept per day of the stretch as a
        # tuple (``Segment.dates``), and the caller's own dict is the stretch's template (read by every such request,
        # so in the cache) filled in with them and the request's own receipt date: no copy of a per-day dict kept
        # somewhere in the heap, whose entries and dates would all be read (callgrind: ~5 fewer L2 misses a request)
        src.emit(3, f"hit = {b['dates']}[day] or {b['dates_on']}(received)")
        src.emit(3, "if hit:")
        src.emit(4, "due, ext, prov = hit")
        src.emit(4, f"dd = {dtpl}.copy()")
        for k, v in zip(dkeys, ("received", "received", "due", "ext", None, "prov")):
            if v is not None:
                src.emit(4, f"dd[{k}] = {v}")
        src.emit(4, f"steps = {b['steps']}")
        src.emit(4, "warned = ()")
        src.emit(3, "else:")
        src.emit(4, f"dd, steps, warned = {b['deadline']}(rd, received, cstatus, False)")
        src.emit(2, "else:")
        src.emit(3, f"dd, steps, warned = {b['deadline']}(rd, received, cstatus, plan.asks_correction)")
        src.emit(2, "warnings = list(warned)")
        src.emit(2, f"if extension is not None and {b['after_due']}(extension, dd):")
        src.emit(3, f"warnings.append({b['late']})")      # approved only after the reply period had run out
        if ret == "parts":
            src.emit(2, f"return plan, {rid}, dd, [*plan.trace, *steps], warnings, ident")
        else:
            # the answer: a copy of the stretch's template (its keys in order, the pack and regime filled in: a
            # copy is a block copy, where a dict display inserts key by key), then the request's own values
            src.emit(2, "if ident is None:")
            src.emit(3, f"ans = {tpl}.copy()")
            src.emit(2, "else:")
            src.emit(3, f"ans = {tpl_id}.copy()")
            src.emit(3, f"ans[{keys[0]}] = ident")
            for k, v in zip(keys[2:], ["plan.disposition", "plan.final", None, "plan.basis", "plan.actions", "dd",
                                       "plan.items", "[*plan.trace, *steps]", "warnings"]):
                if v is not None:
                    src.emit(2, f"ans[{k}] = {v}")
            src.emit(2, "return ans")
    return src.build("run, raw")


class Segment:
    """The compiled tables of one regime over one stretch of days: ``request`` and ``item``."""

    __slots__ = ("request", "item", "items", "deadline", "plan", "law", "regime", "channels", "dates", "base", "lo", "hi",
                 "run", "raw", "tables", "cid", "steps")

    def __init__(self, law, day, cache: dict, answer, kept, cal, dp, dp_at, steps, lo, hi, combination, order,
                 not_final) -> None:
        """``law``: the ``RegimeLaw``; ``day``: any day of the stretch; ``cache``, ``answer``, ``kept``: the engine's
        memo of item answers, their composition and their ``Kept`` (``compile_items``); ``cal``, ``dp`` (the parameters in force on
        ``day``), ``dp_at``, ``steps``, ``lo``, ``hi`` (the stretch): for the deadline (``compile_deadline``);
        ``combination``, ``order``, ``not_final``: for the plan (``compile_plan``)."""
        on = {"@on": day}
        self.law = law
        self.regime = law.regime
        self.channels = frozenset()      # the channels whose receipt day the engine may take from the latest regime
        base, cum, _ = cal._index()
        self.base = base
        #: the due dates of a request whose dates depend on its receipt day alone, by the day's place
        #: in the calendar (one slot a day; the last slot, outside the calendar, stays None)
        #: (``dates_on``: ``(due, extended_due, provisional)``; False: a day whose dates have another shape)
        self.dates: list = [None] * (len(cum) + 1)
        self.cid = cal.id
        #: the trace of those dates (``dates_on`` checks that every day kept has it)
        self.steps = (steps["reply_period"].id,)
        self.lo, self.hi = lo, hi        # the stretch: lo <= day < hi
        # steps 4–7 in one function (``compile_run``, set by ``Engine._paths``)
        self.run = self.raw = None
        self.request, rslow, rknown = compile_request(law.request_table, law.request_table.in_force(on)[1])
        self.item, self.items, islow, iknown = compile_items(
            law.item_tables, tuple(t.in_force(on)[1] for t in law.item_tables), cache, answer, kept)
        self.tables = ((rslow, rknown), (islow, iknown))     # for ``compile_run``
        self.deadline = compile_deadline(cal, dp, dp_at, steps, lo, hi)
        self.plan = compile_plan(law, combination, order, not_final)


    def dates_on(self, day):
        """``(due, extended_due, provisional)`` of a request received on ``day`` whose dates depend on that day alone
        (no 补正, no 第三十五条 date, no consultation): worked out for the ``DATES_BLOCK`` days of the stretch around
        ``day`` at once, as the calendar's arrays give them, and kept (``dates``: at most one entry per day of the
        calendar). The rest of the deadline is the same for every such day (``compile_run`` builds it around the
        request's receipt date); a day whose deadline would have another shape is kept as False, and a day whose
        dates fall outside the calendar is not kept: both falsy (the caller asks ``deadline``, which gives the
        dates, or raises the calendar's error)."""
        dates, deadline, lo, hi, base = self.dates, self.deadline, self.lo, self.hi, self.base
        end = base + len(dates) - 1
        o = day.toordinal()
        if not base <= o < end:
            return None
        first = o // DATES_BLOCK * DATES_BLOCK
        for k in range(max(first, base), min(first + DATES_BLOCK, end)):
            d = _date.fromordinal(k)
            if lo <= d < hi and dates[k - base] is None:
                try:
                    dd, steps, warned = deadline(_ALONE, d, "none", False)
                except ZwgkError:
                    continue
                kept = (dd["due"], dd["extended_due"], dd["provisional"])
                dates[k - base] = kept if tuple(dd.values()) == _alone_values(d, kept, self.cid) \
                    and tuple(dd) == DEADLINE_KEYS and steps == self.steps and warned == () else False
        return dates[o - base]


def _alone(received, kept, cid) -> dict:
    """The deadline ``compile_run`` builds from ``Segment.dates`` for a request received on ``received``."""
    return dict(zip(DEADLINE_KEYS, _alone_values(received, kept, cid)))


def _alone_values(received, kept, cid) -> tuple:
    """``_alone``'s values, in the order of ``DEADLINE_KEYS`` (``Segment.dates_on`` compares a day's deadline with
    them, and its keys with ``DEADLINE_KEYS``: the same check as the two dicts' items, without making them)."""
    due, ext, prov = kept
    return (received, received, due, ext, None, prov, cid, 0)


#: the keys of a deadline, in the order ``compile_deadline`` (and ``_deadline.compute``) gives them
DEADLINE_KEYS = ("received_on", "reply_period_starts", "due", "extended_due", "correction_notice_by", "provisional",
                 "calendar", "excluded_days")


#: the days of a stretch whose dates ``Segment.dates_on`` works out together
DATES_BLOCK = 64
#: the fields the deadline procedure reads of a request whose dates depend on its receipt day alone
_ALONE = {"correction": None, "consultations": (), "excessive": None}


def unsupported_error(result, prefix: str = "") -> UnsupportedInputError:
    f, m = result.unsupported
    return UnsupportedInputError(f"{prefix}{f}: {m}", field=f"{prefix}{f}")


def compile_deadline(cal, dp, dp_at, steps: dict, lo, hi):
    """``deadline(rd, received, cstatus, asks_correction) -> (deadline, trace, warnings)``: ``_deadline.compute``
    (without ``explain``) for the receipt days of one stretch, where the parameters are ``dp`` (the regime's as in
    force on those days), with the calendar's arrays (working-day ranks) and the parameters bound as local names.
    Where the procedure reads the parameters of another day (a 补正 that restarts the period in another stretch,
    a consulted party's time limit) it asks ``dp_at`` as ``compute`` does; a date outside the calendar goes to
    ``compute``, which raises its error. ``lo`` ≤ day < ``hi``: the stretch (``dp`` holds there; None: open).
    ``tests/test_compiled.py`` compares the two."""
    from . import _deadline as dl
    base, cum, work = cal._index()
    ncum, nwork = len(cum), len(work)
    day_counted, notice_n = dp.receipt_day_counted, dp.correction_notice_period
    official, cid = cal.official_years, cal.id
    reply_step = steps["reply_period"].id
    agreed_step = steps["agreed_due"].id if "agreed_due" in steps else None
    compute = dl.compute
    limits = dp.consultation_limits
    late = dl.CORRECTION_NOTICE_LATE

    def general(rd, received, cstatus, asks_correction):
        return compute(cal, dp_at, steps, rd, received, cstatus, asks_correction)

    def consulted(cons, r0, n, m):
        """(rank of the due day, of the extended due day, working days not counted) with the consultations'
        time left out (``excluded_intervals``, ``advance``) on the arrays; None: a date outside the calendar."""
        spans = []
        for c in cons:
            c = c.__dict__
            sent, replied = c["sent_on"], c["replied_on"]
            got = c["received_on"] or sent
            limit = (limits if lo <= got < hi else dp_at(got).consultation_limits).get(c["party"])
            if limit is None:
                continue
            g, a = got.toordinal() - base, sent.toordinal() - base
            if g < 0 or g >= ncum or a < 0 or a >= ncum:
                return None
            k = cum[g] + limit
            if k < 1 or k > nwork:
                return None
            end = work[k - 1]
            if replied is not None and replied <= end:
                end = replied
                e = end.toordinal() - base
                if e < 0 or e >= ncum:
                    return None
                b = cum[e]
            else:
                b = k
            a = cum[a] + 1
            if b >= a:
                spans.append((a, b))
        if len(spans) > 1:
            spans.sort()
            merged = [spans[0]]
            for a, b in spans[1:]:
                la, lb = merged[-1]
                if a <= lb + 1:
                    merged[-1] = (la, lb if lb > b else b)
                else:
                    merged.append((a, b))
            spans = merged
        t_due, skipped = r0 + n, 0
        for a, b in spans:
            if b <= r0:
                continue
            if a <= r0:
                a = r0 + 1
            if a > t_due:
                break
            skipped += b - a + 1
            t_due += b - a + 1
        t_ext = t_due + m
        for a, b in spans:
            if b <= t_due:
                continue
            if a <= t_due:
                a = t_due + 1
            if a > t_ext:
                break
            skipped += b - a + 1
            t_ext += b - a + 1
        return t_due, t_ext, skipped

    def deadline(rd, received, cstatus, asks_correction):
        i = received.toordinal() - base
        if i < 0 or i >= ncum:
            return general(rd, received, cstatus, asks_correction)
        r0 = cum[i]
        if day_counted and r0 != (cum[i - 1] if i else 0):      # the receipt day is a working day that counts
            r0 -= 1
        warnings = ()
        last = received
        notice_by = None
        if notice_n is not None and (cstatus != "none" or asks_correction):
            k = r0 + notice_n
            if k < 1 or k > nwork:
                return general(rd, received, cstatus, asks_correction)
            by = work[k - 1]
            if asks_correction:
                notice_by = by
                if by > last:
                    last = by
            corr = rd["correction"]
            if corr is not None and corr.notified_on > by:
                warnings = (late,)
        if cstatus == "awaiting" or cstatus == "lapsed" or asks_correction:      # no reply period runs yet
            y0, y1 = received.year, last.year
            prov = (y0 not in official) if y0 == y1 else any(y not in official for y in range(y0, y1 + 1))
            return ({"received_on": received, "reply_period_starts": None, "due": None, "extended_due": None,
                     "correction_notice_by": notice_by, "provisional": prov, "calendar": cid, "excluded_days": 0},
                    (), warnings)
        start, p = received, dp
        if cstatus == "received" and dp.restart_on_correction:
            start = rd["correction"].received_on
            p = dp_at(start)             # the period runs anew: read at the corrected application's date
            j = start.toordinal() - base
            if j < 0 or j >= ncum:
                return general(rd, received, cstatus, asks_correction)
            r0 = cum[j]
            if day_counted and r0 != (cum[j - 1] if j else 0):
                r0 -= 1
        n, m = p.reply_period, p.max_extension
        cons = rd["consultations"]
        if cons:
            got = consulted(cons, r0, n, m)
            if got is None:
                return general(rd, received, cstatus, asks_correction)
            t_due, t_ext, skipped = got
        else:
            t_due, skipped = r0 + n, 0
            t_ext = t_due + m
        if t_due < 1 or t_ext > nwork or t_ext < 1 or t_due > nwork:
            return general(rd, received, cstatus, asks_correction)
        due, ext = work[t_due - 1], work[t_ext - 1]
        ex = rd["excessive"]
        if ex is not None and p.agreed_due_replaces_due and ex.reason_reasonable and ex.agreed_due is not None:
            due = ext = ex.agreed_due
            trace = (agreed_step, reply_step)
        else:
            trace = (reply_step,)
            top = ext if ext > due else due
            if top > last:
                last = top
        y0, y1 = received.year, last.year
        prov = (y0 not in official) if y0 == y1 else any(y not in official for y in range(y0, y1 + 1))
        return ({"received_on": received, "reply_period_starts": start, "due": due, "extended_due": ext,
                 "correction_notice_by": notice_by, "provisional": prov, "calendar": cid, "excluded_days": skipped},
                trace, warnings)

    return deadline


def compile_plan(law, steps, order: dict, not_final):
    """``plan(rres, answers, plain) -> Plan`` for a request that proceeds to its items: ``_pipeline.assemble``
    with the combination steps (``dispositions.yaml``) decided once per set of item dispositions (they test only
    which occur; ``earliest_row`` takes the first in the report's order); ``plain``: no 补正 and no 第三十五条 date.

    The trace, basis and actions are merged in one pass over the items in their order, each rule, citation (by
    identity: one shared dict per article) and action once, as ``combine`` has them: a request has a few items of
    a few entries each, where growing short lists with ``in`` tests costs less than hashing (an item met before in
    the same request adds nothing and is skipped). The request table's rules come first; a table names a rule
    once (``_tables``), so they hold no repeats."""
    from ._pipeline import Plan
    action = law.regime.correction_action
    tests = tuple((s.when, frozenset(s.of), s.then) for s in steps)
    make = Plan._make
    key = order.__getitem__
    decided: dict = {}               # set of item dispositions -> the request's (at most 2 ** codes; a few dozen)

    def decide(disps: frozenset) -> str:
        for when, of, then in tests:
            if (when == "otherwise" or (when == "any" and not of.isdisjoint(disps))
                    or (when == "all" and of.issuperset(disps))):
                d = decided[disps] = then if then != "earliest_row" else min(disps, key=key)
                return d
        raise AssertionError("combination ends with 'otherwise'")

    def plan(rres, answers, plain):
        trace = list(rres.rule_ids)
        # the first item's answer as it is: an answer holds each citation and action once (``compose_item``)
        a = answers[0]
        done = [a]
        disps = {a["disposition"]}
        for t in a["trace"]:
            if t not in trace:
                trace.append(t)
        basis = list(a["basis"])
        acts = list(a["actions"])
        for a in answers[1:]:
            for x in done:
                if x is a:
                    break
            else:
                done.append(a)
                disps.add(a["disposition"])
                for t in a["trace"]:
                    if t not in trace:
                        trace.append(t)
                for b in a["basis"]:
                    for x in basis:
                        if x is b:
                            break
                    else:
                        basis.append(b)
                for t in a["actions"]:
                    if t not in acts:
                        acts.append(t)
        disps = frozenset(disps)
        d = decided.get(disps) or decide(disps)
        asks = action in rres.actions
        if len(answers) == 1 and a["basis"].__class__ is tuple and a["actions"].__class__ is tuple:
            basis, acts = a["basis"], a["actions"]      # one item: its answer's own tuples (shared by its plans)
        return make((d, tuple(basis), tuple(acts), answers, tuple(trace), asks, plain and not asks, d not in not_final))
    return plan
