"""模型的两件小工具：字段值可能的类型，与不经校验建对象的“制作类” / Two small tools on pydantic models.

Shared by the readers that build models without validating them again (``_decide_read``: a ``decide`` line read by
msgspec; ``_snapshot``: the bundled rule files' validated objects) and by ``_classify_compile``. Kept apart so that
the start-up path (``_snapshot``) does not import the large code generators for them.
"""
from __future__ import annotations

import types
import typing


def leaves(tp) -> list:
    """The types a field's value can have: ``Optional``, unions and ``Annotated`` looked through."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return leaves(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [x for a in typing.get_args(tp) for x in leaves(a)]
    return [tp]


def maker(model, init: bool = False):
    """A class of ``model``'s layout whose instances take plain attribute stores (``object``'s ``__setattr__`` and
    ``__delattr__``: the slot both share is then ``object``'s), to become ``model``'s by their ``__class__``:
    pydantic's ``__setattr__`` refuses the stores on a frozen model, and ``object.__setattr__`` costs about three
    times as much. Made by ``type.__new__`` with the model's metaclass: pydantic's class machinery does not run for
    it (it is never used as a model). A TypeError here: the layouts differ (the caller does not use it).

    ``init``: the maker gets ``object.__init__`` too, so that ``maker()`` makes an empty instance (``object``'s
    ``__new__`` and ``__init__``, never pydantic's ``__init__``), cheaper than ``object.__new__(maker)``."""
    ns = {"__slots__": (), "__setattr__": object.__setattr__, "__delattr__": object.__delattr__,
          "__module__": model.__module__, "__qualname__": f"{model.__qualname__}Maker"}
    if init:
        ns["__init__"] = object.__init__
    made = type.__new__(type(model), f"{model.__name__}Maker", (model,), ns)
    object.__new__(made).__class__ = model         # the same layout
    return made


def field_validators(model) -> dict:
    """Field name -> the functions of ``model``'s field validators on it, in the order pydantic runs them."""
    validators: dict = {}
    for v in model.__pydantic_decorators__.field_validators.values():
        for f in v.info.fields:
            validators.setdefault(f, []).append(v.func)
    return validators
