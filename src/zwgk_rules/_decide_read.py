"""The reader of a ``decide`` line on the command line: msgspec reads the line, generated code builds the pydantic
models from what it read (issue 12, part 2).

``model_reader(DisclosureRequest)`` gives ``read(line) -> DisclosureRequest | None``. msgspec decodes the line into
TypedDicts made from the models (their fields, types and limits: only the keys the line gave, with their values
checked); code generated from the models then builds each model as pydantic's JSON validator does, without
validating again: its ``__dict__`` (every field in the model's order, the line's value or the field's default),
``__pydantic_fields_set__`` (the keys the line gave), ``__pydantic_extra__`` and ``__pydantic_private__`` (None), at
every depth; the field validators (memoised per tuple of codes) and the model validators run on what it built. The
engine gets a ``DisclosureRequest`` equal to pydantic's, and cannot tell the two apart.

``model_reader(DisclosureRequest, records=True)`` reads the same lines, with the same checks and validators, into
``Record``s instead: the same ``__dict__`` at every depth, no pydantic slots (``_build_record``: each field read from
the dict with its defaults by subscript, fewer steps than ``_build``'s). With ``stream=True`` it reads a chunk's lines
in turn, one generator frame resumed a line instead of a call each. The command line decides a plain ``decide`` line
from them by the engine's hot path (``Engine._hot_rd``, which reads only the fields); a line the hot path leaves, or
any error, is read again into models (``_cli._Decider._decide_chunk``).

It only ever *accepts*. Wherever it is not sure that pydantic reads the line to the same models, it answers None and
the caller reads the line with pydantic (whose models, or error message, are then the answer): msgspec refuses it (a
type, a limit, a missing field, malformed JSON, invalid UTF-8…); a string has whitespace at either end (pydantic
strips it, ``str_strip_whitespace``); the line's colons are not its keys (a key given twice, an unknown key, which
the TypedDicts pass over, or a colon inside a string); a validator refuses or answers another object. A model this
module does not translate (a validator before or around pydantic's, a default pydantic would copy, a private
attribute…) gives no reader at all. msgspec is a dependency of the package.

Building a model: a *maker* class called (a subclass of the model with no slots of its own and ``object``'s
``__setattr__``, so that the four stores are plain ones: pydantic's ``__setattr__`` refuses them on a frozen model;
``object``'s ``__init__``, so that the call is ``object``'s ``__new__`` and ``__init__``, cheaper than
``object.__new__(maker)``), its fields set ``{*given}``, then its ``__class__`` set to the model (the same layout).
About a third of what ``object.__setattr__`` costs for the four.
"""
from __future__ import annotations

from ._classify_compile import _NoStruct, emit_colons, emit_decode, emit_validated, msgspec_type
from ._compile import _Source
from ._modeltools import field_validators, leaves as _leaves, maker


class Record:
    """What ``model_reader(..., records=True)`` reads a model into: its fields in ``__dict__`` exactly as the model's
    (the model's order, the line's values or the defaults, nested models as records), without pydantic's slots;
    ``given``: of the line's own object, the keys it gave (the model's fields set). The engine's hot path reads only
    the ``__dict__``s and a few attributes (``Engine._hot_rd``), which a record answers as the model does."""

    __slots__ = ("__dict__", "given")


def model_reader(model, records: bool = False, stream: bool = False):
    """``read(line) -> model | None`` (see the module), or None: a model this module does not translate. With
    ``records``: ``read(line) -> Record | None``, the same reading and checks (the validators run on the records),
    the models not made (``_build_record``). With ``stream`` (records only): ``read(lines)``, a generator of each
    line's ``Record`` or None in turn (one frame resumed a line instead of a call each; a line that is not bytes, or
    any error while reading one, gives None)."""
    import msgspec
    try:
        src = _Source()
        kinds: dict = {}
        dec = msgspec.json.Decoder(_typed_dict(model, msgspec, kinds)).decode
        if stream:
            src.emit(1, "def read(lines):")
            src.emit(2, "for line in lines:")
            src.emit(3, f"if line.__class__ is not {src.bind(bytes, 'bytes')}:")
            src.emit(4, "yield None")
            src.emit(4, "continue")
            src.emit(3, "try:")
            src.emit(4, f"g = {src.bind(dec, 'dec')}(line)")
            out = _build_record(model, "g", 4, src, 0, f"raise {src.bind(_Refused, 'refused')}")
            src.emit(4, f"{out}.given = g")
            src.emit(3, f"except {src.bind(Exception, 'exc')}:")     # msgspec's refusal, a validator's, any error
            src.emit(4, "yield None")
            src.emit(4, "continue")
            src.emit(3, f"yield {out} if line.count(b':') == n else None")      # the keys given, at every depth
            return src.build("read")
        src.emit(1, "def read(line):")
        emit_decode(src, 2, "g", dec, msgspec)
        if records:
            src.emit(2, "try:")
            out = _build_record(model, "g", 3, src, 0, f"raise {src.bind(_Refused, 'refused')}")
            src.emit(3, f"{out}.given = g")
            src.emit(2, f"except {src.bind(Exception, 'exc')}:")     # a validator's refusal or error
            src.emit(3, "return None")
        else:
            out = _build(model, "g", 2, src, first=True)
        emit_colons(src, 2, "n")                            # the keys given, at every depth
        src.emit(2, f"return {out}")
        return src.build("read")
    except _NoStruct:
        return None


class _Refused(Exception):
    """Raised inside a generated records reader where it answers None (caught in the reader)."""


def _check(model) -> None:
    """A model whose validation by pydantic this module can reproduce: unknown keys forbidden, no option that changes
    a value but ``str_strip_whitespace`` (refused at the reading), validators only after pydantic's own (each taking
    the value, or the model, alone), no ``__init__``, ``model_post_init`` or private attributes of its own."""
    import inspect

    from pydantic import BaseModel

    cfg = model.model_config
    if cfg.get("extra") != "forbid" or any(cfg.get(k) for k in (
            "str_to_lower", "str_to_upper", "strict_false", "str_min_length", "str_max_length", "populate_by_name",
            "validate_by_name", "alias_generator", "coerce_numbers_to_str", "validate_default", "use_enum_values")) \
            or cfg.get("revalidate_instances", "never") != "never":
        raise _NoStruct(model)
    if (model.__init__ is not BaseModel.__init__ or model.__pydantic_post_init__ is not None
            or model.__private_attributes__ or getattr(model, "__pydantic_root_model__", False)):
        raise _NoStruct(model)
    dec = model.__pydantic_decorators__
    if dec.validators or dec.root_validators or dec.computed_fields:
        raise _NoStruct(model)
    for v in (*dec.model_validators.values(), *dec.field_validators.values()):
        if v.info.mode != "after":
            raise _NoStruct(model)
        params = list(inspect.signature(v.func).parameters.values())     # bound: the value (or the model) alone
        if len(params) != 1 or params[0].kind not in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD):
            raise _NoStruct(model)
    for v in dec.field_validators.values():
        if "*" in v.info.fields or any(_models_of(model.model_fields[f].annotation) for f in v.info.fields):
            raise _NoStruct(model)
    if not model.__pydantic_complete__:
        model.model_rebuild()


def _typed_dict(model, msgspec, kinds: dict):
    """The TypedDict of ``model``: its fields with their msgspec types, the required ones ``Required``."""
    if model in kinds:
        return kinds[model]
    from typing import NotRequired, Required, TypedDict
    _check(model)
    fields = {}
    for name, info in model.model_fields.items():
        if (info.alias not in (None, name) or info.validation_alias not in (None, name)
                or info.default_factory is not None or not name.isidentifier() or name.startswith("_")):
            raise _NoStruct(model)
        tp = msgspec_type(info.annotation, list(info.metadata), msgspec,
                          lambda m: _typed_dict(m, msgspec, kinds), model_tuples=True)
        if info.is_required():
            fields[name] = Required[tp]
        else:
            try:
                hash(info.default)      # pydantic copies a default that has no hash: not this module's
            except TypeError:
                raise _NoStruct(model) from None
            fields[name] = NotRequired[tp]
    td = kinds[model] = TypedDict(f"_{model.__name__}Read", fields, total=False)
    return td


def _models_of(tp) -> list:
    """The model classes a field's value can hold: itself, in an ``Optional`` or a tuple."""
    import typing

    from pydantic import BaseModel
    out = []
    for a in _leaves(tp):
        if typing.get_origin(a) is tuple:
            a = typing.get_args(a)[0]
        if isinstance(a, type) and issubclass(a, BaseModel):
            out.append(a)
    return out


def _built_fields(model, validators: dict):
    """(name, field info, its nested models, its validators) of each field of ``model`` a reader builds or checks
    beyond copying it (``_build`` and ``_build_record``): nested models or field validators; ``_NoStruct`` for a
    field of several nested models."""
    for name, info in model.model_fields.items():
        nested = _models_of(info.annotation)
        fns = validators.get(name, ())
        if not nested and not fns:
            continue
        if len(nested) > 1:
            raise _NoStruct(info.annotation)
        yield name, info, nested, fns


def _defaults(model) -> dict:
    """Each field's value where a line does not give it: its default (None for a required field, which a line that
    reaches the model always gives), in the model's order."""
    return {name: None if info.is_required() else info.default for name, info in model.model_fields.items()}


def _build(model, var: str, ind: int, src: _Source, first: bool = False) -> str:
    """Emit the building of ``model`` from the dict ``var`` that msgspec read (only the keys given): the keys
    counted into ``n``, strings with whitespace at either end refused, its nested models built (``_build`` in turn),
    the field validators applied to the values given, the model made (``_modeltools.maker``) and its model validators run.
    ``first``: the line's object, whose keys start the count.
    Returns the local name of the model built."""
    import typing

    strip = model.model_config.get("str_strip_whitespace", False)
    validators = field_validators(model)
    src.emit(ind, f"n = len({var})" if first else f"n += len({var})")
    for name, info in model.model_fields.items():
        kinds = _leaves(info.annotation)
        if strip and str in kinds:
            x = src.bind(None, "x")
            src.emit(ind, f"{x} = {var}.get({src.bind(name, 'f')})")
            if all(k in (str, type(None)) for k in kinds):
                src.emit(ind, f"if {x} is not None and {x}.strip() is not {x}:")
            else:
                src.emit(ind, f"if {x}.__class__ is {src.bind(str, 'str')} and {x}.strip() is not {x}:")
            src.emit(ind + 1, "return None")
    d = src.bind(None, "d")
    defaults = _defaults(model)
    src.emit(ind, f"{d} = {{**{src.bind(defaults, 'dflt')}, **{var}}}")    # the model's order; required: given
    for name, info, nested, fns in _built_fields(model, validators):
        f = src.bind(name, "f")
        x = src.bind(None, "x")
        src.emit(ind, f"{x} = {var}[{f}]" if info.is_required() else f"{x} = {var}.get({f})")
        if nested and any(typing.get_origin(a) is tuple for a in _leaves(info.annotation)):
            src.emit(ind, f"if {x}:")                       # a tuple of models, given and not empty
            t, y = src.bind(None, "t"), src.bind(None, "y")
            src.emit(ind + 1, f"{t} = []")
            src.emit(ind + 1, f"for {y} in {x}:")
            o = _build(nested[0], y, ind + 2, src)
            src.emit(ind + 2, f"{t}.append({o})")
            src.emit(ind + 1, f"{d}[{f}] = {src.bind(tuple, 'tup')}({t})")
        elif nested:
            if info.is_required() and type(None) not in _leaves(info.annotation):
                o = _build(nested[0], x, ind, src)
                src.emit(ind, f"{d}[{f}] = {o}")
            else:
                src.emit(ind, f"if {x} is not None:")
                o = _build(nested[0], x, ind + 1, src)
                src.emit(ind + 1, f"{d}[{f}] = {o}")
        else:
            # a validator of a field given (pydantic validates no default): its value kept per tuple of codes met
            # (a few hundred in practice), cleared when full; a refusal or an error: pydantic's reading says what.
            # A field of tuples alone (``msgspec_type``: of codes) is never None when given; another one is tested
            plain = [typing.get_origin(a) for a in _leaves(info.annotation)] == [tuple]
            if plain:
                src.emit(ind, f"if {x} is not None:")
            else:
                src.emit(ind, f"if {f} in {var}:")
            for fn in fns:
                src.emit(ind + 1, f"{x} = {emit_validated(src, ind + 1, fn, x, tuple_only=plain)}")
            src.emit(ind + 1, f"{d}[{f}] = {x}")
    o = src.bind(None, "o")
    src.emit(ind, f"{o} = {src.bind(maker(model, init=True), 'maker')}()")     # object's __new__ and __init__
    src.emit(ind, f"{o}.__dict__ = {d}")
    src.emit(ind, f"{o}.__pydantic_fields_set__ = {{*{var}}}")          # a new set of the keys given
    src.emit(ind, f"{o}.__pydantic_extra__ = None")
    src.emit(ind, f"{o}.__pydantic_private__ = None")
    src.emit(ind, f"{o}.__class__ = {src.bind(model, 'model')}")
    for v in model.__pydantic_decorators__.model_validators.values():
        src.emit(ind, "try:")
        src.emit(ind + 1, f"if {src.bind(v.func, 'val')}({o}) is not {o}:")
        src.emit(ind + 2, "return None")
        src.emit(ind, f"except {src.bind(Exception, 'exc')}:")
        src.emit(ind + 1, "return None")
    return o


def _build_record(model, var: str, ind: int, src: _Source, depth: int, fail: str) -> str:
    """Emit the building of the ``Record`` of ``model`` from the dict ``var`` that msgspec read (only the keys
    given), doing ``fail`` (a ``raise``: the caller's ``try`` answers None) where ``_build`` returns None: the keys
    counted into ``n``, the field's defaults put in first (``{**defaults, **given}``: the model's order), strings with
    whitespace at either end refused, nested records built (in turn), the field validators applied to the values
    given, the record made and its model validators run. ``depth``: 0 for the line's object. Returns the local name
    of the record.

    Fewer steps than ``_build``'s: every field is read from the dict with its defaults by subscript (``d[f]``, no
    ``get`` call: a field not given is its default, which the checks pass: a refusal there would only send the line
    to pydantic), a few local names reused (a frame clears each on return)."""
    import typing

    strip = model.model_config.get("str_strip_whitespace", False)
    validators = field_validators(model)
    d, x, o = f"d_{depth}", f"x_{depth}", f"o_{depth}"
    src.emit(ind, f"n = len({var})" if depth == 0 else f"n += len({var})")
    defaults = _defaults(model)
    src.emit(ind, f"{d} = {{**{src.bind(defaults, 'dflt')}, **{var}}}")    # the model's order; required: given
    for name, info in model.model_fields.items():
        kinds = _leaves(info.annotation)
        if strip and str in kinds:
            src.emit(ind, f"{x} = {d}[{src.bind(name, 'f')}]")
            if all(k in (str, type(None)) for k in kinds):
                test = f"{x}.strip() is not {x}" if type(None) not in kinds and isinstance(defaults[name], str) \
                    else f"{x} is not None and {x}.strip() is not {x}"
            else:
                test = f"{x}.__class__ is {src.bind(str, 'str')} and {x}.strip() is not {x}"
            src.emit(ind, f"if {test}:")
            src.emit(ind + 1, fail)
    for name, info, nested, fns in _built_fields(model, validators):
        f = src.bind(name, "f")
        if nested and any(typing.get_origin(a) is tuple for a in _leaves(info.annotation)):
            # a tuple of objects given and not empty (a default other than () only where given)
            src.emit(ind, f"{x} = {d}[{f}]")
            dflt = defaults[name]
            src.emit(ind, f"if {x}:" if dflt in ((), None) else f"if {f} in {var} and {x}:")
            t, y = f"t_{depth}", f"y_{depth}"
            src.emit(ind + 1, f"{t} = []")
            src.emit(ind + 1, f"for {y} in {x}:")
            inner = _build_record(nested[0], y, ind + 2, src, depth + 1, fail)
            src.emit(ind + 2, f"{t}.append({inner})")
            src.emit(ind + 1, f"{d}[{f}] = {src.bind(tuple, 'tup')}({t})")
        elif nested:
            src.emit(ind, f"{x} = {d}[{f}]")
            if info.is_required() and type(None) not in _leaves(info.annotation):
                inner = _build_record(nested[0], x, ind, src, depth + 1, fail)
                src.emit(ind, f"{d}[{f}] = {inner}")
            else:
                # given as an object (not null); a default other than None only where given
                src.emit(ind, f"if {x} is not None:" if defaults[name] is None else f"if {f} in {var} and {x} is not None:"
                         if type(None) in _leaves(info.annotation) else f"if {f} in {var}:")
                inner = _build_record(nested[0], x, ind + 1, src, depth + 1, fail)
                src.emit(ind + 1, f"{d}[{f}] = {inner}")
        else:
            # a validator of a field given (pydantic validates no default), kept per tuple of codes (``emit_validated``)
            plain = [typing.get_origin(a) for a in _leaves(info.annotation)] == [tuple]
            src.emit(ind, f"if {f} in {var}:")
            src.emit(ind + 1, f"{x} = {d}[{f}]")
            for fn in fns:
                src.emit(ind + 1, f"{x} = {emit_validated(src, ind + 1, fn, x, tuple_only=plain, fail=fail)}")
            src.emit(ind + 1, f"{d}[{f}] = {x}")
    src.emit(ind, f"{o} = {src.bind(Record, 'rec')}()")
    src.emit(ind, f"{o}.__dict__ = {d}")
    for v in model.__pydantic_decorators__.model_validators.values():
        src.emit(ind, f"if {src.bind(v.func, 'val')}({o}) is not {o}:")      # an error: the caller's ``try``
        src.emit(ind + 1, fail)
    return o
