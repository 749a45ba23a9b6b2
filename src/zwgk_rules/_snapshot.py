"""规则文件的快照：已读过的 YAML 与校验所得的对象，按文件内容的散列保存，启动时不必再解析、再校验 / The bundled
rule files, read and validated once.

Reading the rules is most of a fresh ``zwgk decide``'s start-up: parsing YAML (88 files, about 260 KB:
libyaml's node graph, then ``_yaml``'s strict walk over it), then validating each file's tree with its
pydantic model (``_schema``: building those models' validators on first use, then the validation). The
snapshot (``_rules.snapshot.json`` beside this module, shipped in the wheel) holds, for each bundled rule
file, keyed by the SHA-256 of the file's bytes:

- the tree that ``_yaml.loads`` gives for it, as JSON text (``tree``);
- for the files the bundled rules validate (``Rulebook()`` and its packs), what validation gave: the
  validated object, as a typed dump (JSON text), by model (``validated``).

``_yaml.load`` hashes the bytes it has read and looks them up here: the same bytes always give the same
tree (reading is a pure function of them), so an entry is used only for exactly the bytes it was made
from. A rule file changed since the snapshot was made, or any file that was never in it (an agency's own
pack), is parsed as YAML, strictly, as before. The snapshot is therefore not a second source of the law:
like a ``.pyc`` checked by hash (PEP 552), it is made from ``rules/`` by::

    python -m zwgk_rules._snapshot          # writes src/zwgk_rules/_rules.snapshot.json

and ``tests/test_snapshot.py`` fails while it is out of date (the rules then load correctly, only slower).
Only JSON is read (no pickle, nothing executed); each lookup returns a tree (an object) of its own.

JSON has no dates and only string keys: a date is written ``{"\\u0000date": "2019-05-15"}`` and a mapping
with other keys (dates, numbers) ``{"\\u0000map": [[key, value], …]}``. A file whose tree holds anything
else, or a key starting with NUL, is left out of the snapshot (and so parsed as YAML).

**Validated objects** (issue 12, part 2). ``Rulebook()`` (the bundled rules, ``_rulebook``: not a folder the
caller names, nor pack folders given, nor ``zwgk check`` of a pack folder) asks ``validated(model, path)``
before it reads and validates a file: a hit is the object that ``model.model_validate`` gave for exactly
these bytes when the snapshot was made, rebuilt without validating as pydantic's validator builds it
(``object.__new__``, then ``__dict__`` — every field, in the model's order —, ``__pydantic_fields_set__``,
``__pydantic_extra__`` and ``__pydantic_private__``, both None; the stores made on a *maker* class, as in
``_decide_read``), so the models' validators are neither built nor run: a fresh one-line ``zwgk decide``
runs 757.0 M → 733.1 M instructions, ``default_rulebook()`` 197.5 M → 171.9 M (docs/benchmarks.md,
session 12 su). The dumps are made by ``build`` from the objects that a ``Rulebook()`` with every bundled
pack read validated (``recording``), from the YAML itself. A model is ``{"\\u0000": [number, fields-set
mask, value of each field in the model's order…]}``: its number in the snapshot's ``models`` (the names of
``_schema``'s models), bit *k* of the mask for its *k*-th field; a field that ``_tuple_fields`` names (a
tuple wherever it is an array: annotated with a tuple, no list or ``Any`` in its union) holds its tuple as
a plain array; any other tuple is ``{"\\u0000tuple": […]}``, a frozenset ``{"\\u0000set": […]}``, dates and
mappings as above, a list a plain array. An object holding anything else (extra or private attributes,
something cached in its ``__dict__``, a value of another type, a float that is not finite) is left out, and
its file validated at each start as before. The dumps depend on ``_schema`` (and the limits it uses,
``_limits``) as well as on the bytes: the snapshot records the SHA-256 of those two modules' source
(``schema``), and while it differs no dump is used. A dump that does not rebuild exactly (a number that is
not a model of ``_schema``, a number of values that is not the model's) is not used either: the file is
validated. ``tests/test_snapshot.py`` loads the bundled rules both ways and compares every object.

**The file.** Its first line is the index (``format``, ``schema``, ``models``, and ``files``: sha256 ->
``[file, span of its tree, {model: span of its dump}]``); then each JSON text on a line of its own, a span
``[start, end]`` being its bytes after the first line. The index alone is decoded at start (msgspec; 0.3 M
instructions, where decoding the whole 700 KB document was 11 M), each lookup its own text.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

FORMAT = 3
PATH = Path(__file__).with_name("_rules.snapshot.json")
_DATE, _MAP = "\x00date", "\x00map"
_MODEL, _TUPLE, _SET = "\x00", "\x00tuple", "\x00set"         # the typed dumps' tags (with _DATE, _MAP)

_entries: dict | None = None        # sha256 hex -> [file, tree's span, {model name: dump's span}]; read on first use
_body = memoryview(b"")             # the JSON texts, each at its span ``[start, end]``
_schema_ok: bool | None = None      # the typed dumps were made from this ``_schema`` (and ``_limits``)
_schema_digest: str | None = None   # the snapshot's ``schema``
#: ``validated`` answers from the snapshot (tests turn it off to load the rules by validating them)
TYPED = True
#: while a list, ``_rulebook._validate`` appends ``(path read, model, object)`` for each bundled file it validates
recording: list | None = None


class _NotPlain(ValueError):
    pass


def _hook(obj: dict):
    if len(obj) == 1:
        if _DATE in obj:
            return dt.date.fromisoformat(obj[_DATE])
        if _MAP in obj:
            return {k: v for k, v in obj[_MAP]}
    return obj


def _read() -> dict:
    global _entries, _schema_digest, _body
    if _entries is None:
        import msgspec                       # the index: read 2.6 times faster than json
        try:
            data = PATH.read_bytes()
            head = data.index(b"\n")
            doc = msgspec.json.decode(data[:head])
            entries = doc["files"] if doc.get("format") == FORMAT else {}
            _schema_digest = doc.get("schema") if entries else None
            _names[:] = doc.get("models") or []
            _body = memoryview(data)[head + 1:]
        except (OSError, msgspec.MsgspecError, ValueError, KeyError, TypeError, AttributeError):
            entries = {}                     # no snapshot, or an unreadable one: every file is parsed as YAML
        _entries = entries
    return _entries


def _text(span):
    """The JSON text at ``span`` (``[start, end]``) of the snapshot's body (or ``span`` itself, a text)."""
    if type(span) is str:
        return span
    start, end = span
    return bytes(_body[start:end])


def tree(data: bytes):
    """The tree of a rule file whose bytes are ``data``, from the snapshot; ``MISSING`` when not in it."""
    entry = _read().get(hashlib.sha256(data).hexdigest())
    if entry is None:
        return MISSING
    try:
        return json.loads(_text(entry[1]), object_hook=_hook)
    except (ValueError, TypeError, IndexError):
        return MISSING


def schema_digest() -> str:
    """The SHA-256 of the source of ``_schema`` and ``_limits``: what the typed dumps depend on besides the bytes."""
    from . import _limits, _schema
    h = hashlib.sha256()
    for mod in (_schema, _limits):
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()


def _schema_matches() -> bool:
    global _schema_ok
    if _schema_ok is None:
        from pydantic import BaseModel
        try:
            _schema_ok = (_schema_digest is not None and schema_digest() == _schema_digest
                          and BaseModel.__slots__ == _SLOTS)
        except OSError:                      # no source beside the module: validated as before
            _schema_ok = False
    return _schema_ok


_SLOTS = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
_kinds: dict = {}                   # model number -> what rebuilding it needs (``_kind``); made on first use
_names: list = []                   # the snapshot's ``models``: model number -> class name


class _Stale(ValueError):
    pass


def _schema_models() -> list:
    """The names of the pydantic models of ``_schema``, in name order: a model's number in the typed dumps."""
    from pydantic import BaseModel

    from . import _schema
    return sorted(n for n, c in vars(_schema).items() if isinstance(c, type) and issubclass(c, BaseModel)
                  and c.__module__ == _schema.__name__ and c.__name__ == n)


def _tuple_fields(cls) -> tuple:
    """The places of ``cls``'s fields whose value is a tuple wherever it is a JSON array: annotated with a tuple,
    and neither ``Any`` nor a list anywhere in their union. A dump writes such a tuple as a plain array."""
    import typing

    from ._modeltools import leaves
    out = []
    for k, info in enumerate(cls.model_fields.values()):
        found = leaves(info.annotation)
        if any(typing.get_origin(t) is tuple for t in found) and not any(
                t is typing.Any or t is list or typing.get_origin(t) is list for t in found):
            out.append(k)
    return tuple(out)


def _kind(number) -> tuple:
    """What rebuilding model ``number`` needs, kept in ``_kinds``: ``(class, its fields in order, the places of its
    plain-array tuples (``_tuple_fields``), a *maker* (``_modeltools.maker``), the fields sets of the masks seen so
    far)``."""
    from pydantic import BaseModel

    from . import _schema
    name = _names[number] if type(number) is int and 0 <= number < len(_names) else None
    cls = getattr(_schema, name, None) if type(name) is str else None
    if not (isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == _schema.__name__
            and cls.__name__ == name):
        raise _Stale(name)
    from ._modeltools import maker
    out = _kinds[number] = (cls, tuple(cls.model_fields), _tuple_fields(cls), maker(cls), {})
    return out


def _fields_set(kind: tuple, mask) -> frozenset:
    order, sets = kind[1], kind[4]
    if type(mask) is not int or not 0 <= mask < 1 << len(order):
        raise _Stale(mask)
    out = sets[mask] = frozenset(n for k, n in enumerate(order) if mask >> k & 1)
    return out


def _typed_hook(obj: dict, _new=object.__new__, _tuple=tuple, _list=list, _set=set):
    if len(obj) == 1:
        value = obj.get(_MODEL)
        if value is not None:                         # [number, fields-set mask, field values in order …]
            kind = _kinds.get(value[0])
            if kind is None:
                kind = _kind(value[0])
            cls, order, tuples, maker, sets = kind
            given = sets.get(value[1])
            if given is None:
                given = _fields_set(kind, value[1])
            del value[:2]                             # the field values (the list is this decoding's own)
            if len(value) != len(order):
                raise _Stale(cls.__name__)
            for k in tuples:
                if type(value[k]) is _list:
                    value[k] = _tuple(value[k])
            out = _new(maker)
            out.__dict__ = dict(zip(order, value))
            out.__pydantic_fields_set__ = _set(given)
            out.__pydantic_extra__ = None
            out.__pydantic_private__ = None
            out.__class__ = cls
            return out
        value = obj.get(_TUPLE)
        if value is not None:
            return _tuple(value)
        value = obj.get(_DATE)
        if value is not None:
            return dt.date.fromisoformat(value)
        value = obj.get(_MAP)
        if value is not None:
            return {k: v for k, v in value}
        value = obj.get(_SET)
        if value is not None:
            return frozenset(value)
    return obj


def validated(model, path: Path):
    """``model.model_validate`` of the rule file at ``path`` (its tree), rebuilt from the snapshot without
    validating; ``MISSING`` when the snapshot has no dump of it for these bytes and this model (or ``TYPED``
    is off, or ``_schema`` changed since): the caller then reads and validates the file."""
    if not TYPED:
        return MISSING
    from ._yaml import MAX_FILE_BYTES, _read_bounded
    try:
        with open(path, "rb") as fh:
            data = _read_bounded(fh)
    except OSError:
        return MISSING                       # the caller reads it, and says why it cannot
    if len(data) > MAX_FILE_BYTES:
        return MISSING
    entry = _read().get(hashlib.sha256(data).hexdigest())
    if entry is None or not _schema_matches():
        return MISSING
    span = entry[2].get(model.__name__)
    if span is None:
        return MISSING
    try:
        out = json.loads(_text(span), object_hook=_typed_hook)
    except (_Stale, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return MISSING
    return out if type(out) is model else MISSING


MISSING = object()


def _encode(value):
    """A tree from ``_yaml.loads`` as plain JSON values (see the module's docstring)."""
    kind = type(value)
    if kind is dict:
        if all(type(k) is str and not k.startswith("\x00") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        if any(type(k) is str and k.startswith("\x00") for k in value):
            raise _NotPlain("key starting with NUL")
        return {_MAP: [[_encode(k), _encode(v)] for k, v in value.items()]}
    if kind is list:
        return [_encode(v) for v in value]
    if kind is dt.date:
        return {_DATE: value.isoformat()}
    if value is None or kind in (str, int, float, bool):
        return value
    raise _NotPlain(kind.__name__)


def _encode_typed(value, numbers: dict, plain_tuple: bool = False):
    """A validated object (a model of ``_schema`` and what it holds) as JSON values, tagged (see the module's
    docstring; ``numbers``: model name -> number); ``_NotPlain`` for anything ``_typed_hook`` would not give back
    exactly. ``plain_tuple``: a tuple is written as a plain array (a model's field that ``_tuple_fields`` names)."""
    kind = type(value)
    if kind is dict:
        if all(type(k) is str and not k.startswith("\x00") for k in value):
            return {k: _encode_typed(v, numbers) for k, v in value.items()}
        if any(type(k) is str and k.startswith("\x00") for k in value):
            raise _NotPlain("key starting with NUL")
        return {_MAP: [[_encode_typed(k, numbers), _encode_typed(v, numbers)] for k, v in value.items()]}
    if kind is tuple:
        items = [_encode_typed(v, numbers) for v in value]
        return items if plain_tuple else {_TUPLE: items}
    if kind is list:
        if plain_tuple:
            raise _NotPlain("a list where the model's field is read as a tuple")
        return [_encode_typed(v, numbers) for v in value]
    if kind is frozenset:
        return {_SET: sorted((_encode_typed(v, numbers) for v in value), key=lambda v: json.dumps(v, sort_keys=True))}
    if kind is dt.date:
        return {_DATE: value.isoformat()}
    if kind is float and value - value != 0:        # inf, nan: not JSON
        raise _NotPlain("float")
    if value is None or kind in (str, int, float, bool):
        return value
    from pydantic import BaseModel
    if isinstance(value, BaseModel):
        name = kind.__name__
        number = numbers.get(name)
        from . import _schema
        if number is None or getattr(_schema, name) is not kind:
            raise _NotPlain(f"{name}: not a model of _schema")
        fields, order = value.__dict__, tuple(kind.model_fields)
        given = value.__pydantic_fields_set__
        if (tuple(fields) != order or value.__pydantic_extra__ is not None or value.__pydantic_private__ is not None
                or type(given) is not set or not given <= set(order)):
            raise _NotPlain(f"{name}: extra, private or missing fields")
        tuples = _tuple_fields(kind)
        return {_MODEL: [number, sum(1 << k for k, n in enumerate(order) if n in given),
                         *(_encode_typed(v, numbers, k in tuples) for k, v in enumerate(fields.values()))]}
    raise _NotPlain(kind.__name__)


def _validated_objects() -> dict:
    """sha256 of a file's bytes -> {model name: JSON text} for every file that ``Rulebook()`` (the bundled rules,
    every bundled pack read) validates: the objects validation gave, validated from YAML here."""
    global TYPED, recording, _entries
    from ._rulebook import Rulebook
    saved = TYPED, recording, _entries
    TYPED, recording, _entries = False, [], {}          # validated, from the YAML itself
    try:
        Rulebook().packs.read_all()
        done = recording
    finally:
        TYPED, recording, _entries = saved
    numbers = {name: k for k, name in enumerate(_schema_models())}
    out: dict = {}
    for path, model, obj in done:
        try:
            text = json.dumps(_encode_typed(obj, numbers), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (_NotPlain, ValueError):
            continue                                  # validated at each start, as before
        dumps = out.setdefault(hashlib.sha256(Path(path).read_bytes()).hexdigest(), {})
        if dumps.get(model.__name__, text) != text:   # the same bytes validated to two objects: neither is kept
            dumps[model.__name__] = None
        else:
            dumps[model.__name__] = text
    return {digest: {m: t for m, t in dumps.items() if t is not None} for digest, dumps in out.items()}


def build(root: Path | None = None) -> str:
    """The snapshot of every rule file under ``root`` (default: the bundled rules), as the file's text; the
    validated objects (typed dumps) only for the bundled rules."""
    from ._errors import RuleFileError
    from ._resources import rules_root
    from ._yaml import loads

    typed = _validated_objects() if root is None else {}
    models = _schema_models() if root is None else []
    root = Path(root) if root is not None else rules_root()
    index, body, at = [], [], 0
    seen = set()

    def put(text: str) -> list:
        nonlocal at
        data = text.encode("utf-8")
        body.append(text)
        span, at = [at, at + len(data)], at + len(data) + 1
        return span
    for path in sorted(root.rglob("*.yaml")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            continue
        try:
            text = data.decode("utf-8")
            encoded = _encode(loads(text.removeprefix("\ufeff"), file=str(path)))
        except (UnicodeDecodeError, RuleFileError, _NotPlain):
            continue                          # parsed as YAML when loaded, and refused there as it should be
        seen.add(digest)
        entry = [path.relative_to(root).as_posix(), put(json.dumps(encoded, ensure_ascii=False, separators=(",", ":"))),
                 {model: put(dump) for model, dump in typed.get(digest, {}).items()}]
        index.append(f"{json.dumps(digest)}:{json.dumps(entry, ensure_ascii=False, separators=(',', ':'))}")
    head = {"format": FORMAT, "schema": schema_digest(), "models": models}
    return (json.dumps(head, separators=(",", ":"))[:-1] + ',"files":{' + ",".join(index) + "}}\n"
            + "".join(t + "\n" for t in body))


def main() -> None:               # pragma: no cover - a maintainer's command, checked by tests/test_snapshot.py
    text = build()
    PATH.write_text(text, encoding="utf-8")
    index = json.loads(text[:text.index("\n")])["files"]
    print(f"{PATH}: {len(index)} files ({sum(len(e[2]) for e in index.values())} validated objects), "
          f"{len(text.encode())} bytes")


if __name__ == "__main__":        # pragma: no cover
    from zwgk_rules import _snapshot as _module     # the module the rules use (``recording``), not ``__main__``
    _module.main()
