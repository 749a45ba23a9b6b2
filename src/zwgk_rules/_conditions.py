"""The closed condition language of rule files, compiled once into Python closures.

Grammar (YAML)::

    when: {}                                   # always
    when: {field: literal}                     # equality
    when: {field: {in: [a, b]}}                # membership        (scalar fields)
    when: {field: {not_in: [a, b]}}
    when: {field: {has: x}}                    # set contains x    (set fields)
    when: {field: {has_any: [x, y]}}  {has_all: [...]}  {has_none: [...]}
    when: {all: [cond, ...]}  {any: [cond, ...]}  {not: cond}

A mapping with several keys is a conjunction. Every field must belong to the scope's fact
vocabulary and every literal to the field's domain; errors name the field and suggest the
closest valid name. No text is ever passed to ``eval``.

A condition is bounded (``_limits``): at most MAX_CONDITION_DEPTH nested ``all`` / ``any`` / ``not``,
MAX_CONDITION_NODES tests and connectives, MAX_CONDITION_VALUES values in one list.
"""
from __future__ import annotations

from msgspec import Struct

from ._errors import RuleFileError
from ._facts import FieldType
from ._limits import MAX_CONDITION_DEPTH, MAX_CONDITION_NODES, MAX_CONDITION_VALUES, closest

_SCALAR_OPS = ("eq", "in", "not_in")
_SET_OPS = ("has", "has_any", "has_all", "has_none")


class Atom(Struct, frozen=True):
    """A normalised test: ``field`` ``op`` ``values`` (kept for analysis and other backends)."""

    field: str
    op: str           # eq | in | not_in | has | has_any | has_all | has_none
    values: tuple


class Node(Struct, frozen=True):
    kind: str                      # "all" | "any" | "not" | "atom"
    children: tuple = ()
    atom: Atom | None = None


def parse(when, fields: dict[str, FieldType], *, file=None, rule_id=None, extra: dict | None = None,
          root: str = "when") -> Node:
    """Validate a ``when`` mapping against the scope's fields and return its normalised tree.

    ``root`` is the field path of the condition in its file (``when``, ``parameters.0.applies_when``)."""
    allf = dict(fields)
    if extra:
        allf.update(extra)
    size = 0

    def err(msg, field, suggestion=None):
        return RuleFileError(msg, file=file, rule_id=rule_id, field=field, suggestion=suggestion)

    def check_value(fname, ft, v):
        # strict: True is not 1, None is only null
        if not any(x is v or (type(x) is type(v) and x == v) for x in ft.values):
            raise err(f"{v!r} 不是字段 {fname} 的取值，可选：{list(ft.values)}", f"{root}.{fname}",
                      closest(v, ft.values))

    def count(path):
        nonlocal size
        size += 1
        if size > MAX_CONDITION_NODES:
            raise err(f"条件过大：超过 {MAX_CONDITION_NODES} 个测试与连接词（all / any / not）"
                      f" / condition larger than {MAX_CONDITION_NODES} nodes", path)

    def walk(node, path, depth) -> Node:
        if node is None or node == {}:
            return Node("all", ())
        if not isinstance(node, dict):
            raise err("条件必须是映射 (a condition is a mapping)", path)
        parts = []
        for key, val in node.items():
            count(f"{path}.{key}")
            if key in ("all", "any", "not") and depth >= MAX_CONDITION_DEPTH:
                raise err(f"条件嵌套过深：all / any / not 超过 {MAX_CONDITION_DEPTH} 层"
                          f" / condition nested deeper than {MAX_CONDITION_DEPTH}", f"{path}.{key}")
            if key in ("all", "any"):
                if not isinstance(val, list) or not val:
                    raise err(f"{key} 需要非空列表", f"{path}.{key}")
                parts.append(Node(key, tuple(walk(v, f"{path}.{key}.{n}", depth + 1) for n, v in enumerate(val))))
            elif key == "not":
                parts.append(Node("not", (walk(val, f"{path}.not", depth + 1),)))
            else:
                ft = allf.get(key)
                if ft is None:
                    raise err(f"未知字段 {key!r}", f"{path}.{key}", closest(key, list(allf) + ["all", "any", "not"]))
                parts.append(Node("atom", atom=_atom(key, ft, val, f"{path}.{key}", err, check_value)))
        return parts[0] if len(parts) == 1 else Node("all", tuple(parts))

    return walk(when, root, 0)


def _atom(fname, ft, val, path, err, check_value) -> Atom:
    if isinstance(val, dict):
        if len(val) != 1:
            raise err("每个测试只能有一个运算符", path)
        (op, arg), = val.items()
        ops = _SET_OPS if ft.kind == "set" else _SCALAR_OPS
        if op not in ops:
            raise err(f"字段 {fname} 不支持运算符 {op!r}，可用：{list(ops)}", path, closest(op, ops))
        args = tuple(arg) if isinstance(arg, list) else (arg,)
        if op in ("in", "not_in", "has_any", "has_all", "has_none") and not isinstance(arg, list):
            raise err(f"运算符 {op} 需要列表", path)
        if len(args) > MAX_CONDITION_VALUES:
            raise err(f"运算符 {op} 的列表有 {len(args)} 个值，上限为 {MAX_CONDITION_VALUES} 个"
                      f" / more than {MAX_CONDITION_VALUES} values in one list", f"{path}.{op}")
        for a in args:
            check_value(fname, ft, a)
        return Atom(fname, op, args)
    if ft.kind == "set":
        raise err(f"集合字段 {fname} 须用 has / has_any / has_all / has_none", path)
    check_value(fname, ft, val)
    return Atom(fname, "eq", (val,))


def compile_node(node: Node):
    """Compile a normalised tree into a closure ``f(facts) -> bool``."""
    if node.kind == "atom":
        a = node.atom
        f, vals = a.field, a.values
        if a.op == "eq":
            v = vals[0]
            if v is None or isinstance(v, bool):
                return lambda d: d[f] is v
            return lambda d: d[f] == v
        if a.op == "in":
            # null/true/false compare by identity (so that 1 is not True); strings by value
            singletons = tuple(v for v in vals if v is None or isinstance(v, bool))
            s = frozenset(v for v in vals if not (v is None or isinstance(v, bool)))
            if not singletons:
                return lambda d: d[f] in s
            if not s:
                return lambda d: any(d[f] is v for v in singletons)
            return lambda d: (d[f] in s and not isinstance(d[f], bool)) or any(d[f] is v for v in singletons)
        if a.op == "not_in":
            inner = compile_node(Node("atom", atom=Atom(f, "in", vals)))
            return lambda d: not inner(d)
        s = frozenset(vals)
        if a.op == "has":
            v = vals[0]
            return lambda d: v in d[f]
        if a.op == "has_any":
            return lambda d: not s.isdisjoint(d[f])
        if a.op == "has_all":
            return lambda d: s <= d[f]
        if a.op == "has_none":
            return lambda d: s.isdisjoint(d[f])
        raise AssertionError(a.op)
    if node.kind == "not":
        inner = compile_node(node.children[0])
        return lambda d: not inner(d)
    subs = tuple(compile_node(c) for c in node.children)
    if node.kind == "all":
        if not subs:
            return lambda d: True
        if len(subs) == 1:
            return subs[0]
        return lambda d: all(s(d) for s in subs)
    return lambda d: any(s(d) for s in subs)


class Condition:
    """A compiled condition that pickles (an engine goes to spawn / forkserver worker processes whole):
    it keeps its tree and rebuilds the closure after unpickling. ``cond(facts) -> bool``."""

    __slots__ = ("node", "_test")

    def __init__(self, node: Node) -> None:
        self.node = node
        self._test = compile_node(node)

    def __call__(self, facts) -> bool:
        return self._test(facts)

    def __getstate__(self):
        return self.node

    def __setstate__(self, node: Node) -> None:
        self.node = node
        self._test = compile_node(node)


def fields_of(node: Node) -> set[str]:
    if node.kind == "atom":
        return {node.atom.field}
    out: set[str] = set()
    for c in node.children:
        out |= fields_of(c)
    return out
