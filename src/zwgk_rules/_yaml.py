"""Rule files are data: a strict YAML reader.

Rule files and agencies' packs are read as plain data, never as a program. Compared with
``yaml.safe_load`` this reader also refuses what has no place in a rule file and what an attacker
could use against the machine that loads it:

* anchors and aliases (``&x`` / ``*x``): a 1 KB file of nested aliases ("billion laughs") expands to
  gigabytes in whatever walks it; a rule file never needs them;
* explicit tags (``!!binary``, ``!!set``, ``!!python/...``, ``!foo``, ``!!str 1``) and merge keys
  (``<<:``): a value's type comes from how it is written, nothing else;
* a key given twice in one mapping (YAML readers keep the last one without a word);
* nesting deeper than :data:`MAX_DEPTH` and files larger than :data:`MAX_FILE_BYTES`.

Each refusal is a :class:`~zwgk_rules.RuleFileError` naming the file, line and column. The tree is
built from libyaml's node graph (when libyaml is installed) by one small function, which is also
faster than PyYAML's generic constructor.
"""
from __future__ import annotations

import os
from pathlib import Path

from . import _snapshot
from ._errors import RuleFileError
from ._limits import MAX_FILE_BYTES, MAX_YAML_DEPTH as MAX_DEPTH   # the limits live in one place: _limits

_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _TAG + "str", _TAG + "map", _TAG + "seq"
_PLAIN_SCALARS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))

_yaml = None


def _modules():
    """PyYAML (imported on first use) and the fastest safe composer available."""
    global _yaml
    if _yaml is None:
        import yaml
        from yaml.constructor import SafeConstructor
        from yaml.nodes import MappingNode, ScalarNode, SequenceNode
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class Loader(base):
            # no path resolvers are ever registered: skip the two calls the composer makes per node
            def descend_resolver(self, current_node, current_index):
                return None

            def ascend_resolver(self):
                return None

        _yaml = (yaml, Loader, SafeConstructor(), ScalarNode, MappingNode, SequenceNode)
    return _yaml


def _where(node) -> str:
    m = node.start_mark
    return f"第 {m.line + 1} 行第 {m.column + 1} 列 / line {m.line + 1}, column {m.column + 1}"


def loads(text: str, *, file: str | None = None):
    """Parse one YAML document of plain data (mappings, lists, strings, numbers, booleans, null, dates)."""
    yaml, Loader, cons, ScalarNode, MappingNode, SequenceNode = _modules()
    loader = Loader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise RuleFileError(f"YAML 格式错误{where}：{problem}", file=file, field="yaml") from None
        except RecursionError:
            raise RuleFileError(f"嵌套过深（超过 {MAX_DEPTH} 层）/ nested too deeply", file=file, field="yaml") from None
    finally:
        loader.dispose()
    if root is None:
        return None
    resolve = loader.resolve
    # an explicit tag is written with "!": without one in the text, every tag is the implicit one
    tags_possible = "!" in text
    seen: set[int] = set()

    def err(node, msg):
        return RuleFileError(f"{msg}（{_where(node)}）", file=file, field="yaml")

    def build(node, depth):
        if id(node) in seen:
            raise err(node, "规则文件不得使用锚点和别名（&/*）/ anchors and aliases are not allowed")
        seen.add(id(node))
        tag = node.tag
        if node.__class__ is ScalarNode:
            value = node.value
            plain = not node.style          # libyaml gives '' for a plain scalar, PyYAML None
            if tag == _STR and not plain:   # quoted: always a string
                return value
            if tag not in _PLAIN_SCALARS or (tags_possible and tag != resolve(ScalarNode, value, (plain, not plain))):
                raise err(node, f"规则文件不得使用标签 {tag!r}（类型由写法决定）/ explicit tags are not allowed")
            if tag == _STR:
                return value
            return cons.yaml_constructors[tag](cons, node)
        if depth >= MAX_DEPTH:
            raise err(node, f"嵌套过深（超过 {MAX_DEPTH} 层）/ nested too deeply")
        if node.__class__ is SequenceNode:
            if tag != _SEQ:
                raise err(node, f"规则文件不得使用标签 {tag!r} / explicit tags are not allowed")
            return [build(child, depth + 1) for child in node.value]
        if node.__class__ is MappingNode:
            if tag != _MAP:
                raise err(node, f"规则文件不得使用标签 {tag!r} / explicit tags are not allowed")
            out = {}
            for knode, vnode in node.value:
                if knode.tag == _TAG + "merge":
                    raise err(knode, "规则文件不得使用合并键 <<: / merge keys are not allowed")
                key = build(knode, depth + 1)
                if isinstance(key, (list, dict)):
                    raise err(knode, "映射的键必须是标量 / a key must be a scalar")
                if key in out:
                    raise err(knode, f"键 {key!r} 重复 / duplicate key")
                out[key] = build(vnode, depth + 1)
            return out
        raise err(node, "无法识别的 YAML 节点 / unknown node")   # pragma: no cover - yaml has three kinds

    try:
        return build(root, 0)
    except RecursionError:
        raise RuleFileError(f"嵌套过深（超过 {MAX_DEPTH} 层）/ nested too deeply", file=file, field="yaml") from None
    except (ValueError, TypeError) as exc:     # e.g. an impossible date such as 2023-02-30
        raise RuleFileError(f"无法读取的值：{exc}", file=file, field="yaml") from None


def _read_bounded(fh) -> bytes:
    """At most ``MAX_FILE_BYTES + 1`` bytes of ``fh`` (one more than allowed tells a file that is too large).
    A regular file is read in one buffer of its own size, not of the limit's (a 4 MB buffer allocated and
    shrunk for each of the ~90 small rule files was about 2 ms of start-up)."""
    size = os.fstat(fh.fileno()).st_size
    if not 0 < size <= MAX_FILE_BYTES:               # too large, or not a regular file (size 0): the limit
        return fh.read(MAX_FILE_BYTES + 1)
    data = fh.read(size + 1)
    if len(data) > size:                             # it grew while being read: read on, up to the limit
        data += fh.read(MAX_FILE_BYTES + 1 - len(data))
    return data


def load(path: Path, *, file: str | None = None):
    """Read and parse one rule file; ``file`` is the name used in errors (default: the path)."""
    name = file or str(path)
    try:
        with open(path, "rb") as fh:
            data = _read_bounded(fh)
    except OSError as exc:
        raise RuleFileError(f"无法读取规则文件：{exc.strerror or exc}", file=name, field="file") from None
    if len(data) > MAX_FILE_BYTES:
        raise RuleFileError(f"规则文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB / file too large", file=name,
                            field="file")
    tree = _snapshot.tree(data)          # the bundled files, read before (``_snapshot``: keyed by these bytes)
    if tree is not _snapshot.MISSING:
        return tree
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"规则文件须为 UTF-8 编码（第 {exc.start} 字节起无法解码）/ not UTF-8", file=name,
                            field="file") from None
    return loads(text.removeprefix("\ufeff"), file=name)
