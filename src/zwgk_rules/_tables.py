"""Decision tables compiled from rule files: exceptions, declared precedence, hit policies.

Evaluation of one table on one fact mapping:

1. A rule *applies* when its condition holds and, if it is an exception (``exception_to``), when at
   least one rule it excepts applies (an exception lives inside its base rule, as 但是… does).
2. A rule that applies is *defeated* when an undefeated applying rule defeats it: an exception
   defeats the rules it excepts; in a ``precedence`` list each rule defeats every later rule and
   that rule's exceptions. The defeat relation is checked to be acyclic at load time.
3. The undefeated applying rules decide. ``unique``: they must all give the same value, otherwise
   RuleConflictError names them. ``priority``: the value earliest in the declared ``priority`` list
   wins (DMN's PRIORITY hit policy), the order being stated and cited in the rule file.

Results are memoised on the tuple of facts the table reads (the fact domains are finite), so a
table is evaluated once per distinct situation, not once per request.
"""
from __future__ import annotations

from msgspec import Struct

from ._conditions import compile_node, fields_of, parse, Node
from ._errors import RuleConflictError, RuleFileError
from ._facts import FieldType
from ._limits import MAX_EXCEPTION_DEPTH
from ._schema import RuleSpec, TableFile
from ._statutes import Citation, Statutes

_MEMO_LIMIT = 1 << 16


def _key_fn(reads):
    """The memo key of a fact mapping: the values of the facts the table reads, in a fixed order."""
    if not reads:
        return lambda facts: ()
    from operator import itemgetter
    get = itemgetter(*reads)
    return get if len(reads) > 1 else (lambda facts: (get(facts),))


def _postorder(edges) -> list[int] | tuple[int, list[int]]:
    """Depth-first post-order of a graph given as ``edges[i]`` (the nodes ``i`` points to), starting from
    0, 1, 2… and following edges in the order given: every node comes after the nodes it points to.
    Iterative, so a path of any length is walked. A cycle gives ``(j, path)`` instead: ``path`` ends
    with ``j``, which it already holds."""
    order: list[int] = []
    state = [0] * len(edges)            # 0 unseen, 1 on the path, 2 done
    for root in range(len(edges)):
        if state[root]:
            continue
        state[root] = 1
        path = [root]
        stack = [iter(edges[root])]
        while stack:
            for j in stack[-1]:
                if state[j] == 1:
                    return j, path + [j]
                if state[j] == 0:
                    state[j] = 1
                    path.append(j)
                    stack.append(iter(edges[j]))
                    break
            else:
                stack.pop()
                node = path.pop()
                state[node] = 2
                order.append(node)
    return order


def _show_path(rules, path: list[int]) -> str:
    """``a → b → a``: the cycle at the end of ``path``, its middle left out when it is long."""
    path = path[path.index(path[-1]):]
    ids = [rules[i].id for i in path]
    if len(ids) > 12:
        ids = ids[:5] + [f"…（{len(ids) - 10} 条）…"] + ids[-5:]
    return " → ".join(ids)


def _check_exceptions(rules) -> None:
    """``exception_to`` forms no cycle, and no chain of exceptions (an exception to an exception to …)
    is deeper than MAX_EXCEPTION_DEPTH; either is a RuleFileError naming the rule and its file."""
    order = _postorder(tuple(r.targets for r in rules))
    if not isinstance(order, list):
        _, path = order
        r = rules[path[-2]]             # the rule whose exception_to closes the cycle
        raise RuleFileError(f"exception_to 形成循环：{_show_path(rules, path)} / exceptions form a cycle",
                            file=r.file, rule_id=r.id, field="exception_to")
    depth = [0] * len(rules)
    for i in order:                     # targets first
        t = rules[i].targets
        if t:
            d = depth[i] = 1 + max(depth[j] for j in t)
            if d > MAX_EXCEPTION_DEPTH:
                raise RuleFileError(f"例外链过深：本规则是第 {d} 层例外（例外的例外……），上限为 {MAX_EXCEPTION_DEPTH} 层"
                                    f" / chain of exceptions deeper than {MAX_EXCEPTION_DEPTH}",
                                    file=rules[i].file, rule_id=rules[i].id, field="exception_to")


class CompiledRule(Struct, frozen=True):
    id: str
    title: str
    spec: RuleSpec
    node: Node
    basis: tuple[Citation, ...]
    targets: tuple[int, ...]          # indexes of the rules it excepts
    value: str | None                 # literal value, or None when taken from an upstream table
    value_from: str | None
    actions: tuple[str, ...]
    cite: tuple[str, ...]
    unsupported: tuple[str, str] | None
    file: str


class Collected(Struct, frozen=True):
    """One entry of a ``collect`` table (e.g. a review step): value, who, why."""

    value: str
    rule_id: str
    role: str | None
    basis: tuple[Citation, ...]
    actions: tuple[str, ...]


class TableResult(Struct, frozen=True, eq=False):  # identity-hashed: results are memoised singletons
    value: str
    rule_ids: tuple[str, ...]
    basis: tuple[Citation, ...]
    actions: tuple[str, ...]
    cite: tuple[str, ...]
    unsupported: tuple[str, str] | None
    defeated: tuple[str, ...]
    collected: tuple[Collected, ...] = ()


def _index_rules(specs) -> dict[str, int]:
    """Rule id -> position; a repeated id is an error named in the file that repeats it (a pack's, for a
    national id)."""
    index: dict[str, int] = {}
    for n, (r, rfile) in enumerate(specs):
        if r.id in index:
            raise RuleFileError(f"规则编号重复：{r.id!r} 已见于 {specs[index[r.id]][1]} / duplicate rule id",
                                file=rfile, rule_id=r.id, field="id")
        index[r.id] = n
    return index


def _defeaters(spec, rules, index: dict, ids: list, statutes: Statutes, file: str) -> dict[int, set[int]]:
    """For each rule, the rules that defeat it: its exceptions (但是…), and the members of any family a
    ``precedence`` list puts before its own."""
    # exception closure: family(x) = x and every rule that is (transitively) an exception to x
    # (every walk below is iterative: a table may hold thousands of rules)
    children: dict[int, set[int]] = {i: set() for i in range(len(rules))}
    for i, r in enumerate(rules):
        for t in r.targets:
            children[t].add(i)
    families: dict[int, frozenset[int]] = {}

    def family(i):
        hit = families.get(i)
        if hit is None:
            out, todo = {i}, [i]
            while todo:
                for c in children[todo.pop()]:
                    if c not in out:
                        out.add(c)
                        todo.append(c)
            hit = families[i] = frozenset(out)
        return hit

    defeaters: dict[int, set[int]] = {i: set() for i in range(len(rules))}
    for i, r in enumerate(rules):
        for t in r.targets:
            defeaters[t].add(i)
    for p in spec.precedence:
        for rid in p.order:
            if rid not in index:
                import difflib
                close = difflib.get_close_matches(rid, ids, n=1)
                raise RuleFileError(f"precedence 指向不存在的规则 {rid!r}", file=file, rule_id=p.id,
                                    field="precedence.order", suggestion=close[0] if close else None)
        for b in p.basis:
            statutes.resolve(b, file=file, rule_id=p.id, field="precedence.basis")
        order = [index[x] for x in p.order]
        # a precedence list orders whole families: whichever member of the stronger rule's
        # family decides defeats every member of the weaker rule's family
        # (a rule shared by both families, e.g. one exception to several rules, is left out of the ordering)
        for k, hi in enumerate(order):
            for lo in order[k + 1:]:
                fam_hi, fam_lo = family(hi), family(lo)
                shared = fam_hi & fam_lo
                for strong in fam_hi - shared:
                    for member in fam_lo - shared:
                        defeaters[member].add(strong)
    return defeaters


class CompiledTable:
    """One decision table, compiled. Immutable apart from its private memo of results."""

    def __init__(self, spec: TableFile, file: str, fields: dict[str, FieldType],
                 upstream: dict[str, tuple[str, ...]], statutes: Statutes,
                 extra_rules: tuple[tuple[RuleSpec, str], ...] = ()) -> None:
        self.name = spec.table
        self.spec = spec
        self.file = file
        self.fields = fields
        self.upstream = dict(upstream)
        self.scope = spec.scope
        self.hit_policy = spec.hit_policy
        extra_fields = {k: FieldType("scalar", tuple(v), "上游决策表的结论") for k, v in upstream.items()}
        specs = [(r, file) for r in spec.rules] + list(extra_rules)
        ids = [r.id for r, _ in specs]
        index = _index_rules(specs)
        rules = [self._compile_rule(n, r, rfile, specs, index, ids, len(spec.rules), extra_fields, statutes)
                 for n, (r, rfile) in enumerate(specs)]
        self.rules = tuple(rules)
        self._index = index
        self._upstream = frozenset(upstream)
        _check_exceptions(rules)
        self._segments(spec, rules, file)
        self._statutes = statutes
        defeaters = _defeaters(spec, rules, index, ids, statutes, file)
        for b in spec.priority_basis:
            statutes.resolve(b, file=file, rule_id=spec.table, field="priority_basis")
        if spec.hit_policy in ("priority", "collect"):
            missing = set(spec.outputs) - set(spec.priority)
            if missing:
                raise RuleFileError(f"hit_policy=priority 但 priority 未列出：{sorted(missing)}", file=file,
                                    field="priority")
        # topological order of the defeat graph (defeaters first); a cycle is a rule-file error
        self._defeaters = tuple(tuple(sorted(defeaters[i])) for i in range(len(rules)))
        order = _postorder(self._defeaters)
        if isinstance(order, list):
            self._defeat_order = tuple(order)
        else:
            j, path = order
            raise RuleFileError(f"例外与优先关系形成循环：{_show_path(rules, path)}", file=file, rule_id=rules[j].id,
                                field="precedence")
        # applicability order: exception targets before exceptions (acyclic: _check_exceptions)
        self._app_order = tuple(_postorder(tuple(r.targets for r in rules)))
        self._conds = tuple(compile_node(r.node) for r in rules)
        read = set()
        for r in rules:
            read |= fields_of(r.node)
        self.reads = tuple(sorted(read))
        self._key = _key_fn(self.reads)
        self._prio = {v: n for n, v in enumerate(spec.priority)}
        self._memo: dict = {}

    def _compile_rule(self, n: int, r: RuleSpec, rfile: str, specs, index: dict, ids: list, n_national: int,
                      extra_fields: dict, statutes: Statutes) -> "CompiledRule":
        """Rule ``n`` of the table (rules ``n_national`` on are a pack's): its condition parsed, its basis
        resolved, its exception targets, outcome and cited tables checked."""
        spec, fields, upstream = self.spec, self.fields, self.upstream
        outputs = set(spec.outputs)
        node = parse(r.when, fields, file=rfile, rule_id=r.id, extra=extra_fields)
        basis = tuple(statutes.resolve(b, file=rfile, rule_id=r.id, field="basis") for b in r.basis)
        if not basis and r.then.unsupported is None and not r.no_article:
            raise RuleFileError("规则必须写明依据 (basis)，或以 no_article 说明为何没有条款可引", file=rfile,
                                rule_id=r.id, field="basis")
        if basis and r.no_article:
            raise RuleFileError("写了 no_article 的规则不能同时有 basis", file=rfile, rule_id=r.id, field="no_article")
        targets = []
        for t in r.exception_to:
            if t not in index:
                import difflib
                close = difflib.get_close_matches(t, ids, n=1)
                raise RuleFileError(f"exception_to 指向不存在的规则 {t!r}", file=rfile, rule_id=r.id,
                                    field="exception_to", suggestion=close[0] if close else None)
            base = specs[index[t]][0]
            refines = spec.hit_policy == "collect" and r.then.value == base.then.value   # same step, local roles
            if n >= n_national and base.absolute and not refines:     # a pack's rule
                raise RuleFileError(f"规则 {t} 是法律不允许地方设定例外的规定（absolute），规则包的规则不能作为它的"
                                    f"例外 / a pack may not make an exception to {t}", file=rfile, rule_id=r.id,
                                    field="exception_to")
            targets.append(index[t])
        value = value_from = None
        if isinstance(r.then.value, str):
            value = r.then.value
            if value not in outputs:
                import difflib
                close = difflib.get_close_matches(value, sorted(outputs), n=1)
                raise RuleFileError(f"结论 {value!r} 不在本表 outputs 中", file=rfile, rule_id=r.id,
                                    field="then.value", suggestion=close[0] if close else None)
        elif r.then.value is not None:
            value_from = r.then.value.from_
            if value_from not in upstream and value_from not in fields:
                raise RuleFileError(f"then.value.from 指向未知的上游表或字段 {value_from!r}", file=rfile,
                                    rule_id=r.id, field="then.value.from")
        elif r.then.unsupported is None:
            raise RuleFileError("then 须给出 value 或 unsupported", file=rfile, rule_id=r.id, field="then")
        for c in r.then.cite:
            if c not in upstream:
                raise RuleFileError(f"then.cite 指向未知的上游表 {c!r}", file=rfile, rule_id=r.id,
                                    field="then.cite")
        uns = (r.then.unsupported.field, r.then.unsupported.message) if r.then.unsupported else None
        return CompiledRule(r.id, r.title, r, node, basis, tuple(targets), value, value_from,
                            r.then.actions, r.then.cite, uns, rfile)

    def _segments(self, spec, rules, file) -> None:
        """Effective dates: a rule's own ``in_force`` (default: the table's). The table is cut into date
        segments at every start and end, each with the mask of rules in force; the memo key carries
        the segment, so a rule never applies outside its dates."""
        import datetime as dt
        t_from, t_to = spec.in_force.from_, spec.in_force.to
        spans = []
        for r in rules:
            f = r.spec.in_force
            a, b = (f.from_, f.to) if f is not None else (t_from, t_to)
            if a < t_from or (t_to is not None and (b is None or b > t_to)):
                raise RuleFileError(f"规则的施行期间超出决策表的施行期间 {t_from}..{t_to or ''}", file=r.file,
                                    rule_id=r.id, field="in_force")
            spans.append((a, b))
        for i, r in enumerate(rules):
            a, b = spans[i]
            for t in r.targets:
                ta, tb = spans[t]
                if a < ta or (tb is not None and (b is None or b > tb)):
                    raise RuleFileError(f"例外的施行期间超出其所例外的规则 {rules[t].id} 的施行期间", file=r.file,
                                        rule_id=r.id, field="in_force")
        self.spans = tuple(spans)
        cuts = sorted({a for a, _ in spans} | {b + dt.timedelta(days=1) for _, b in spans
                                               if b is not None and b < dt.date.max})
        cuts = [c for c in cuts if c > t_from and (t_to is None or c <= t_to)]
        if not cuts:
            self._cuts, self._masks = (), None
            return
        self._cuts = tuple(cuts)
        starts = [t_from, *cuts]
        self._masks = tuple(tuple(a <= day and (b is None or day <= b) for a, b in spans) for day in starts)

    def in_force(self, facts: dict):
        """(segment number, mask of rules in force) for the date in ``facts['@on']``, or (0, None)."""
        if self._masks is None:
            return 0, None
        from bisect import bisect_right
        seg = bisect_right(self._cuts, facts["@on"])
        return seg, self._masks[seg]

    # -- pickling: the memo is a cache, not state
    def __getstate__(self):
        d = self.__dict__.copy()
        d["_memo"] = {}
        d["_conds"] = None
        d["_key"] = None
        return d

    def __setstate__(self, d):
        self.__dict__.update(d)
        self._conds = tuple(compile_node(r.node) for r in self.rules)
        self._key = _key_fn(self.reads)

    def applicable(self, facts: dict, matches: list[bool] | None = None) -> list[bool]:
        """Which rules apply: in force on ``facts['@on']``, condition true (``matches``, when a backend
        computed the conditions itself) and, for an exception, at least one excepted rule applying."""
        rules, conds = self.rules, self._conds
        _, mask = self.in_force(facts)
        app = [False] * len(rules)
        for i in self._app_order:
            if mask is not None and not mask[i]:
                continue
            t = rules[i].targets
            if t and not any(app[j] for j in t):
                continue
            app[i] = conds[i](facts) if matches is None else matches[i]
        return app

    def evaluate(self, facts: dict) -> TableResult:
        key = self._key(facts)
        if self._masks is not None:
            key = (self.in_force(facts)[0], key)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._evaluate(facts)
            if len(self._memo) < _MEMO_LIMIT:
                self._memo[key] = hit
        return hit

    def _evaluate(self, facts: dict) -> TableResult:
        return self.resolve(self.applicable(facts), facts)

    def resolve(self, app: list[bool], facts: dict) -> TableResult:
        """Defeat, precedence and hit policy over ``app`` (which rules apply, as ``applicable`` gives).

        ``facts`` is read only for ``then.value.from`` (an upstream table's value). Shared by every
        backend: a backend decides which rules apply, the law's conflict rules are resolved here.
        """
        rules = self.rules
        win = [False] * len(rules)
        defeaters = self._defeaters
        for i in self._defeat_order:
            if app[i] and not any(win[j] for j in defeaters[i]):
                win[i] = True
        winners = [rules[i] for i in range(len(rules)) if win[i]]
        defeated = tuple(rules[i].id for i in range(len(rules)) if app[i] and not win[i])
        if not winners and self.hit_policy == "collect":
            return TableResult("", (), (), (), (), None, defeated, ())
        if not winners:
            raise RuleConflictError(f"决策表 {self.name}（{self.file}）对该输入没有适用的规则（规则空白）")
        uns = [w for w in winners if w.unsupported]
        if uns:
            w = uns[0]
            return TableResult("", (w.id,), (), (), (), w.unsupported, defeated)

        def val(w):
            return w.value if w.value is not None else facts[w.value_from]

        if self.hit_policy == "collect":
            # every undefeated rule contributes, in the declared order of values (then rule order)
            seen: dict[str, int] = {}
            out: list[Collected] = []
            for w in sorted(winners, key=lambda w: (self._prio.get(val(w), len(self._prio)), self._index[w.id])):
                v = val(w)
                if v in seen:
                    c = out[seen[v]]
                    basis = c.basis + tuple(b for b in w.basis if b not in c.basis)
                    out[seen[v]] = Collected(v, c.rule_id, c.role, basis, c.actions)
                    continue
                seen[v] = len(out)
                out.append(Collected(v, w.id, w.spec.then.role, w.basis, w.actions))
            ids = tuple(c.rule_id for c in out)
            return TableResult(",".join(c.value for c in out), ids, (), (), (), None, defeated, tuple(out))

        values = {val(w) for w in winners}
        if len(values) > 1:
            if self.hit_policy == "priority":
                best = min(values, key=self._prio.__getitem__)
                winners = [w for w in winners if val(w) == best]
            else:
                ids = tuple(w.id for w in winners)
                raise RuleConflictError(
                    f"规则冲突：{', '.join(ids)} 同时适用而结论不同（{sorted(values)}），且未声明例外或优先关系"
                    f"（决策表 {self.name}，{self.file}）", rule_ids=ids)
        value = val(winners[0])
        basis: list[Citation] = []
        actions: list[str] = []
        cite: list[str] = []
        for w in winners:
            for b in w.basis:
                if b not in basis:
                    basis.append(b)
            for a in w.actions:
                if a not in actions:
                    actions.append(a)
            for c in (w.cite + ((w.value_from,) if w.value_from in self._upstream else ())):
                if c not in cite:
                    cite.append(c)
        return TableResult(value, tuple(w.id for w in winners), tuple(basis), tuple(actions), tuple(cite),
                           None, defeated)
