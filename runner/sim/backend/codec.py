"""Lossless JSON form of the state dataclasses (Decimals as strings), driven by type hints."""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode(cls: type, data: Any) -> Any:
    """An instance of dataclass ``cls`` from ``encode``'s output; ValueError when it is not."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown fields {sorted(unknown)}")
    values = {name: _value(hints[name], data[name], name) for name in names if name in data}
    try:
        return cls(**values)
    except TypeError as exc:
        raise ValueError(f"{cls.__name__}: {exc}") from None


def _value(hint: Any, raw: Any, name: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        if raw is None:
            return None
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _value(inner, raw, name)
    if origin is list:
        (item,) = typing.get_args(hint)
        return [_value(item, x, name) for x in _expect(raw, list, name)]
    if origin is dict:
        _, item = typing.get_args(hint)
        return {str(k): _value(item, v, name) for k, v in _expect(raw, dict, name).items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return decode(hint, raw)
    if hint is Decimal:
        return _decimal(raw, name)
    if hint is bool:
        return _expect(raw, bool, name)
    if hint is int:
        if isinstance(raw, bool):
            raise ValueError(f"{name}: expected an integer")
        return _expect(raw, int, name)
    return _expect(raw, hint, name)


def _expect(raw: Any, kind: type, name: str) -> Any:
    if not isinstance(raw, kind):
        raise ValueError(f"{name}: expected {kind.__name__}, got {type(raw).__name__}")
    return raw


def _decimal(raw: Any, name: str) -> Decimal:
    if not isinstance(raw, str):
        raise ValueError(f"{name}: expected a decimal string")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{name}: {raw!r} is not a decimal") from None
    if not value.is_finite():
        raise ValueError(f"{name}: {raw!r} is not finite")
    return value
