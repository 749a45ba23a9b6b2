"""Optional second backend: the same decision tables evaluated by durable_rules (``zwgk-rules[durable]``).

Only *which rules' conditions hold* is computed by durable_rules. Exceptions (a rule applies only
when a rule it excepts applies), defeat, precedence and hit policies are resolved by the same
Python code as the default backend (``CompiledTable.resolve``), so the two backends can differ only
in condition matching — which is what the differential tests check.

durable_rules is used as measured in ``docs/backends.md`` (and the durable-rules reference notes):

* one ``engine.Host`` per oracle, subclassed with ``_run`` disabled (no perpetual timer threads);
  ``durable.lang`` (a process-global registry) is never imported;
* rulesets are built from plain dicts, deep-copied (``Ruleset`` mutates what it is given);
* actions take exactly one parameter (a closure factory), otherwise durable treats them as async;
* every rule carries a positive ``$ex`` test on the token field ``_k``, so no rule can match the
  engine's own state fact (negative-only rules loop forever);
* the facts are nested under ``doc`` and encoded as string tokens (``"v:true"``, ``"v:null"``,
  ``"s:no_reply"``) so that durable's type coercion (``1 == "1"``, ``true < 10``) and its
  ``$neq``-is-false-on-missing semantics never come into play: conditions are translated to
  *positive* tests only — ``not``/``not_in``/``has_none`` become disjunctions over the field's
  closed domain or per-value flag tests;
* all matches are collected with ``assert_fact`` + ``retract_fact`` on one fixed session (no state
  growth, far from the 1024-session limit), de-duplicated (``$or`` can fire a rule twice);
* one lock per oracle (durable sessions are not safe to share between threads).
"""
from __future__ import annotations

import copy
import importlib
import itertools
import re
import sys
import threading
import warnings

from ._errors import ZwgkError
from ._facts import SCOPES, FieldType
from ._tables import CompiledTable, TableResult

__all__ = ["DurableOracle", "DurableUnavailableError", "DurableTranslationError"]

_INSTALL_HINT = ("需要安装 zwgk-rules[durable]（pip install 'zwgk-rules[durable]'；durable_rules 需要 C 编译器，"
                 "Python 3.13 及以上无法导入）/ the durable backend needs the optional extra "
                 "zwgk-rules[durable] (durable_rules compiles C and does not import on Python 3.13+)")

_SID = "0"                       # one fixed session: facts are asserted and retracted at once
_GUARD = {"$ex": {"_k": 1}}      # positive test on a field only real inputs carry
_OTHER = "x:other"               # token of a fact value outside the field's closed domain
_TRUE, _FALSE = "v:true", "v:false"


class DurableUnavailableError(ZwgkError, ImportError):
    """durable_rules is not installed or cannot be imported (e.g. on Python 3.13)."""


class DurableTranslationError(ZwgkError):
    """A rule condition cannot be expressed in durable_rules' positive-test language."""


def _load_durable():
    try:
        engine = importlib.import_module("durable.engine")
        core = importlib.import_module("durable_rules_engine")
    except ImportError as exc:
        raise DurableUnavailableError(f"{_INSTALL_HINT}: {exc}") from exc
    return engine, core


def _token(v) -> str:
    """Encoding of a domain value (strict: True is not 1, None is only null)."""
    if v is None:
        return "v:null"
    if v is True:
        return _TRUE
    if v is False:
        return _FALSE
    if type(v) is str:
        return "s:" + v
    raise DurableTranslationError(f"取值 {v!r} 的类型无法编码为 durable_rules 的事实 / cannot encode value {v!r}")


def _fact_token(v, strings: frozenset) -> str:
    # the same equality as the Python backend: `is` for None/bools, `==` for strings
    if v is None or v is True or v is False:
        return _token(v)
    if isinstance(v, str) and v in strings:
        return "s:" + v
    return _OTHER


# -------------------------------------------------------------------------------- translation
# An expression is a durable dict, or one of the two constants below (simplified away).
_T, _F = "TRUE", "FALSE"


def _join(op, parts, absorbing, neutral):
    """``$and`` / ``$or`` of ``parts``, flattening nested ones of the same kind and simplifying the
    constants: the absorbing one (FALSE for and, TRUE for or) decides, the neutral one drops out."""
    out = []
    for p in parts:
        if p is absorbing:
            return absorbing
        if p is neutral:
            continue
        out.extend(p[op] if isinstance(p, dict) and set(p) == {op} else [p])
    if not out:
        return neutral
    return out[0] if len(out) == 1 else {op: out}


def _and(parts):
    return _join("$and", parts, _F, _T)


def _or(parts):
    return _join("$or", parts, _T, _F)


class _Field:
    """How one fact is laid out in the durable document (under ``doc``)."""

    __slots__ = ("name", "ft", "key", "strings", "flags")

    def __init__(self, name: str, ft: FieldType, key: str) -> None:
        self.name, self.ft, self.key = name, ft, key
        for v in ft.values:
            _token(v)  # every domain value must be encodable
        self.strings = frozenset(v for v in ft.values if type(v) is str)
        # set fields: one flag per domain value ("v:true"/"v:false"), for the negative tests
        self.flags = tuple((v, f"{key}_{n}") for n, v in enumerate(ft.values)) if ft.kind == "set" else ()

    def path(self, sub: str | None = None) -> str:
        return f"doc.{sub or self.key}"

    def member(self, v):
        return {"$iany": {self.path(): {"$i": _token(v)}}}

    def flag_false(self, v):
        for val, key in self.flags:
            if val is v or (type(val) is type(v) and val == v):
                return {self.path(key): _FALSE}
        raise DurableTranslationError(f"{v!r} 不在字段 {self.name} 的取值范围内")

    def encode(self, value, doc: dict) -> None:
        if self.ft.kind == "set":
            members = set(value)
            doc[self.key] = [_token(v) for v in self.ft.values if v in members]
            for v, key in self.flags:
                doc[key] = _TRUE if v in members else _FALSE
        else:
            doc[self.key] = _fact_token(value, self.strings)


def _translate(node, fields: dict[str, _Field], neg: bool, where: str):
    """Negation normal form over the closed domains, with positive durable tests only."""
    if node.kind == "not":
        return _translate(node.children[0], fields, not neg, where)
    if node.kind in ("all", "any"):
        subs = [_translate(c, fields, neg, where) for c in node.children]
        conj = (node.kind == "all") != neg          # De Morgan
        return _and(subs) if conj else _or(subs)
    if node.kind != "atom":
        raise DurableTranslationError(f"{where}: 未知的条件节点 {node.kind!r} / unknown node kind")
    a = node.atom
    f = fields.get(a.field)
    if f is None:
        raise DurableTranslationError(f"{where}: 字段 {a.field!r} 没有已知的取值范围 / no closed domain")
    op, vals = a.op, a.values
    if f.ft.kind == "scalar":
        if op in ("eq", "in", "not_in"):
            positive = (op != "not_in") != neg
            chosen = [v for v in f.ft.values if any(v is x or (type(v) is type(x) and v == x) for x in vals)]
            if positive:
                toks = [_token(v) for v in chosen]
            else:  # the complement over the closed domain, plus any value outside it
                toks = [_token(v) for v in f.ft.values if not any(v is c for c in chosen)] + [_OTHER]
            return _or([{f.path(): t} for t in toks])
    else:
        if op in ("has", "has_any", "has_all", "has_none"):
            if op == "has":
                op = "has_all"
            if neg:
                op = {"has_any": "has_none", "has_none": "has_any", "has_all": "not_all"}[op]
            if op == "has_any":
                return _or([f.member(v) for v in vals])
            if op == "has_all":
                return _and([f.member(v) for v in vals])
            if op == "has_none":
                return _and([f.flag_false(v) for v in vals])
            return _or([f.flag_false(v) for v in vals])          # not has_all
    raise DurableTranslationError(f"{where}: 字段 {a.field}（{f.ft.kind}）的运算符 {op!r} 无法翻译 / "
                                  f"operator cannot be translated")


def applicable_from_matches(table: CompiledTable, matches: list[bool], facts: dict) -> list[bool]:
    """Which rules apply, given whether each rule's own condition holds (the table's own gating)."""
    return table.applicable(facts, matches)


class _Entry:
    __slots__ = ("table", "ruleset", "fields", "active", "n")

    def __init__(self, table, ruleset, fields, active):
        self.table, self.ruleset, self.fields, self.active = table, ruleset, fields, active
        self.n = len(table.rules)


def table_domains(rulebook):
    """(regime, table, fields) for every table: the scope's facts plus the upstream tables' outputs."""
    upstream: dict[str, dict[str, tuple]] = {}
    for regime, table in rulebook.tables():
        ups = upstream.setdefault(regime.id, {})
        fields = dict(SCOPES[table.scope])
        if table.scope == "item":
            fields.update({k: FieldType("scalar", v, "上游决策表的结论") for k, v in ups.items()})
            ups[table.name] = tuple(table.spec.outputs)
        yield regime, table, fields


def _free(core, host, names):
    """Free an oracle's rulesets (``close``)."""
    for name in names:
        try:
            rs = host.get_ruleset(name)
            rs.delete_state(_SID)
            core.delete_ruleset(rs._handle)
        except Exception:  # pragma: no cover - best effort
            pass


class DurableOracle:
    """Every table of a rulebook compiled into durable_rules rulesets on one private Host.

    ``evaluate(table, facts)`` returns the same ``TableResult`` as ``table.evaluate(facts)``.
    Thread-safe (one lock); ``close()`` frees the C rulesets (the oracle is unusable afterwards).
    """

    def __init__(self, rulebook=None, *, tables=None) -> None:
        """``tables``: optional iterable of ``(name, CompiledTable, fields)`` instead of a rulebook."""
        engine, core = _load_durable()

        class _QuietHost(engine.Host):
            def _run(self):   # no perpetual threading.Timer loops (no timers are used)
                pass

        self._NotHandled = engine.MessageNotHandledException
        self._core = core
        self._host = _QuietHost()
        self._lock = threading.Lock()
        self._box: dict = {}
        self._tok = itertools.count(1)
        self._entries: dict[int, _Entry] = {}
        self._closed = False
        if tables is None:
            if rulebook is None:
                raise TypeError("DurableOracle needs a rulebook or tables")
            tables = ((f"{r.id}.{t.name}", t, f) for r, t, f in table_domains(rulebook))
        definitions = {}
        used: set[str] = set()
        for label, table, fields in tables:
            name = re.sub(r"[^A-Za-z0-9_]", "_", label)
            base, n = name, 1
            while name in used:
                n += 1
                name = f"{base}_{n}"
            used.add(name)
            entry, definition = self._compile(name, table, fields)
            self._entries[id(table)] = entry
            if definition:
                definitions[name] = definition
        if definitions:
            self._host.set_rulesets(self._with_actions(definitions))
        self._names = tuple(definitions)
        # No finalizer: an oracle that is never closed keeps its rulesets in durable_rules until the process ends.
        # Freeing them when the garbage collector finds the oracle crashed the test suite twice (a segfault inside a
        # collection pass, then an abort in ``delete_state`` when the freeing was deferred to the next oracle);
        # ``close()`` (or ``with``) frees them, from ordinary code, as it always has.

    # ---------------------------------------------------------------- construction
    def _compile(self, name: str, table: CompiledTable, fields: dict[str, FieldType]):
        reads = table.reads
        layout = {f: _Field(f, fields[f], f"f{n}") for n, f in enumerate(reads) if f in fields}
        missing = [f for f in reads if f not in fields]
        if missing:
            raise DurableTranslationError(f"决策表 {table.name}（{table.file}）读取的字段没有取值范围：{missing}")
        definition = {}
        active = []
        if len(table.rules) > 65535:
            raise DurableTranslationError(f"决策表 {table.name} 规则过多（pri 上限 65535）")
        for i, rule in enumerate(table.rules):
            where = f"{table.file} 规则 {rule.id}"
            expr = _translate(rule.node, layout, False, where)
            if expr is _F:
                continue            # can never match: not registered
            cond = _GUARD if expr is _T else _and([_GUARD, expr])
            definition[f"r{i}"] = {"all": [{"m": cond}], "pri": i, "_index": i}
            active.append(i)
        return _Entry(table, name, tuple(layout.values()), tuple(active)), definition

    @staticmethod
    def _strip(definitions):
        return {k: {r: {x: y for x, y in d.items() if x != "_index"} for r, d in v.items()}
                for k, v in definitions.items()}

    def _with_actions(self, definitions):
        out = copy.deepcopy(self._strip(definitions))      # durable mutates what it is given
        for rs, rules in definitions.items():
            for rname, d in rules.items():
                out[rs][rname]["run"] = self._action(d["_index"])
        return out

    def _action(self, index: int):
        box = self._box

        def act(c):          # exactly ONE parameter: durable runs it synchronously
            try:
                box[c.m._d["_k"]].add(index)
            except BaseException as exc:  # pragma: no cover - durable would swallow it into the state
                box.setdefault("error", exc)
        return act

    # ---------------------------------------------------------------- evaluation
    def matches(self, table: CompiledTable, facts: dict) -> list[bool]:
        """Whether each rule's own condition holds (exceptions not yet gated by their targets)."""
        entry = self._entries.get(id(table))
        if entry is None or entry.table is not table:
            raise ZwgkError(f"决策表 {getattr(table, 'name', table)!r} 不属于该 DurableOracle 的规则集 / "
                            f"table not compiled into this oracle")
        if self._closed:
            raise ZwgkError("DurableOracle 已关闭 / the oracle is closed")
        out = [False] * entry.n
        if not entry.active:
            return out
        doc: dict = {}
        for f in entry.fields:
            f.encode(facts[f.name], doc)
        box = self._box
        with self._lock:
            if self._closed:
                raise ZwgkError("DurableOracle 已关闭 / the oracle is closed")
            k = next(self._tok)
            box[k] = hits = set()
            fact = {"_k": k, "doc": doc}
            try:
                if sys.version_info >= (3, 12):   # durable calls datetime.utcfromtimestamp per action
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", DeprecationWarning)
                        self._assert_retract(entry.ruleset, fact)
                else:
                    self._assert_retract(entry.ruleset, fact)
            finally:
                box.pop(k, None)
                err = box.pop("error", None)
            if err is not None:  # pragma: no cover
                raise RuntimeError(f"durable_rules action failed: {err!r}")
        for i in hits:
            out[i] = True
        return out

    def _assert_retract(self, ruleset: str, fact: dict) -> None:
        host = self._host
        try:
            host.assert_fact(ruleset, fact)
        except self._NotHandled:
            return                       # no rule's pattern matched (and nothing was stored)
        host.retract_fact(ruleset, fact)

    def evaluate(self, table: CompiledTable, facts: dict) -> TableResult:
        app = applicable_from_matches(table, self.matches(table, facts), facts)
        return table.resolve(app, facts)

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                _free(self._core, self._host, self._names)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
