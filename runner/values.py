"""``@value``: a frozen dataclass whose ``__eq__``, ``__hash__`` and ``__repr__`` are written once.

``@dataclass(frozen=True)`` compiles six methods per class from generated source (``__init__``,
``__setattr__``, ``__delattr__``, ``__eq__``, ``__hash__``, ``__repr__``), each its own
``exec``; across the ~170 values an ``apply`` imports that was most of the project's own start-up.
``@value`` lets dataclasses write the constructor (on 3.11 and 3.12, where it is compiled from
source for each class, only when the class is first used: about half the values an ``apply``
imports are never made in a run), gives the class the frozen guards as closures (on 3.11 and
3.12, where dataclasses would compile them from source) and the other three from here, with the
semantics dataclasses would have given them:

- ``==`` holds only between instances of the very same class (a subclass is not equal to its base)
  and compares the fields declared with ``compare=True``, in order; otherwise ``NotImplemented``;
- ``hash()`` is the hash of the tuple of fields that take part in hashing (``hash=None`` follows
  ``compare``), so equal values hash alike;
- ``repr()`` is ``QualName(field=value, ...)`` over the ``repr=True`` fields, ``...`` for a value
  met again while it is being shown.

A method the class defines itself is kept, as dataclasses keeps it.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
import threading
from _thread import get_ident
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")

# per class: the names compared by ==, the names hashed (computed on first use, not at import)
_COMPARED: dict[type, tuple[str, ...]] = {}
_HASHED: dict[type, tuple[str, ...]] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}
_IN_REPR: set[tuple[int, int]] = set()


def _names(
    cache: dict[type, tuple[str, ...]], cls: type, keep: Callable[[Any], bool]
) -> tuple[str, ...]:
    names = cache.get(cls)
    if names is None:
        names = cache[cls] = tuple(f.name for f in dataclasses.fields(cls) if keep(f))
    return names


def _compared(value: object) -> tuple[object, ...]:
    names = _names(_COMPARED, type(value), lambda f: f.compare)
    return tuple([getattr(value, name) for name in names])


def _eq(self: object, other: object) -> object:
    if other.__class__ is self.__class__:
        return _compared(self) == _compared(other)
    return NotImplemented


def _hash(self: object) -> int:
    names = _names(_HASHED, type(self), lambda f: f.compare if f.hash is None else f.hash)
    return hash(tuple([getattr(self, name) for name in names]))


def _repr(self: object) -> str:
    key = (id(self), get_ident())
    if key in _IN_REPR:
        return "..."
    _IN_REPR.add(key)
    try:
        names = _names(_SHOWN, type(self), lambda f: f.repr)
        shown = ", ".join([f"{name}={getattr(self, name)!r}" for name in names])
    finally:
        _IN_REPR.discard(key)
    return f"{type(self).__qualname__}({shown})"


def _finish(cls: type[T]) -> type[T]:
    own = cls.__dict__
    if "__repr__" not in own:
        cls.__repr__ = _repr  # type: ignore[method-assign]
    if "__eq__" not in own:
        cls.__eq__ = _eq  # type: ignore[method-assign,assignment]
    # as dataclasses(eq=True, frozen=True): a hash unless the class wrote one itself
    # (a class body with __eq__ and no __hash__ has __hash__ = None, which is not "written")
    written = own.get("__hash__", None) is not None or ("__hash__" in own and "__eq__" not in own)
    if not written:
        cls.__hash__ = _hash  # type: ignore[method-assign]
    return cls


def _frozen_guards(
    cls: type, fields: list[dataclasses.Field[Any]], globals: dict[str, Any]
) -> tuple[Callable[..., None], Callable[..., None]]:
    """The ``__setattr__`` and ``__delattr__`` dataclasses writes for a frozen class, the same
    code as closures instead of generated source (``dataclasses._frozen_get_del_attr``)."""
    names = tuple(f.name for f in fields)
    error = dataclasses.FrozenInstanceError

    def __setattr__(self: object, name: str, value: object) -> None:
        if type(self) is cls or name in names:
            raise error(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)  # type: ignore[arg-type]

    def __delattr__(self: object, name: str) -> None:
        if type(self) is cls or name in names:
            raise error(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)  # type: ignore[arg-type]

    return __setattr__, __delattr__


class _DeferredInit:
    """Stands in for the ``__init__`` dataclasses compiles from source for every class (its
    ``_init_fn``, given the same arguments): the first time the class's ``__init__`` is looked
    up (its first instance, ``inspect.signature``, ``help``), dataclasses writes the real one and
    it takes this one's place on the class.  About half the values an ``apply`` imports are
    never made in a given run."""

    def __init__(self, *arguments: Any, **keywords: Any) -> None:
        _check_defaults(arguments[1])  # the fields in the order of the positional parameters
        self.arguments, self.keywords = arguments, keywords
        self.owner: type | None = None  # the class, once dataclasses has made it
        self.written: Callable[..., None] | None = None

    def __get__(self, instance: object, owner: type) -> Callable[..., None]:
        init = self.written
        if init is None:
            assert self.owner is not None and _GENERATED_INIT is not None
            init = _GENERATED_INIT(*self.arguments, **self.keywords)
            init.__qualname__ = f"{self.owner.__qualname__}.__init__"
            self.owner.__init__ = init  # type: ignore[misc]
            self.written = init
        bound: Callable[..., None] = init if instance is None else init.__get__(instance, owner)
        return bound


def _check_defaults(positional: list[dataclasses.Field[Any]]) -> None:
    """The one mistake ``_init_fn`` finds before it writes any source, raised where the class
    is defined, as dataclasses raises it, rather than at its first instance."""
    seen_default = False
    for f in positional:
        if not f.init:
            continue
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")


class _SignatureDoc:
    """The docstring dataclasses gives a class that has none, ``Name(field: type = default)``,
    written when it is read rather than at import (it needs the real ``__init__``)."""

    def __get__(self, instance: object, owner: type) -> str:
        return owner.__name__ + str(inspect.signature(owner)).replace(" -> None", "")


# Python 3.11 and 3.12 compile the frozen guards and ``__init__`` from source for every class;
# there the dataclass below takes the guards from ``_frozen_guards`` and writes ``__init__``
# on first use.  3.13 builds a class's methods in one go, and any other version keeps
# dataclasses' own.
_GENERATED_INIT: Callable[..., Callable[..., None]] | None = getattr(dataclasses, "_init_fn", None)
_PATCH_DATACLASSES = (
    sys.version_info[:2] in ((3, 11), (3, 12))
    and hasattr(dataclasses, "_frozen_get_del_attr")
    and _GENERATED_INIT is not None
)
_PATCH_LOCK = threading.Lock()


def _frozen_dataclass(cls: type[T], kw_only: bool) -> type[T]:
    make = dataclasses.dataclass(frozen=True, eq=False, repr=False, kw_only=kw_only)
    if not _PATCH_DATACLASSES:
        return make(cls)
    # dataclasses would write a docstring from the signature now (and so the __init__)
    undocumented = not cls.__doc__
    if undocumented:
        cls.__doc__ = "(written when read)"
    with _PATCH_LOCK:
        guards = dataclasses._frozen_get_del_attr  # type: ignore[attr-defined]
        dataclasses._frozen_get_del_attr = _frozen_guards  # type: ignore[attr-defined]
        dataclasses._init_fn = _DeferredInit  # type: ignore[attr-defined]
        try:
            made = make(cls)
        finally:
            dataclasses._frozen_get_del_attr = guards  # type: ignore[attr-defined]
            dataclasses._init_fn = _GENERATED_INIT  # type: ignore[attr-defined]
    init = made.__dict__.get("__init__")
    if isinstance(init, _DeferredInit):
        init.owner = made
    if undocumented:
        made.__doc__ = _SignatureDoc()  # type: ignore[assignment]
    return made


@overload
def value(cls: type[T], /) -> type[T]: ...
@overload
def value(*, kw_only: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def value(
    cls: type[T] | None = None, /, *, kw_only: bool = False
) -> type[T] | Callable[[type[T]], type[T]]:
    """``@dataclass(frozen=True)`` (with ``kw_only``), its ``==``, hash and repr shared."""

    def wrap(cls: type[T]) -> type[T]:
        return _finish(_frozen_dataclass(cls, kw_only))

    return wrap if cls is None else wrap(cls)
