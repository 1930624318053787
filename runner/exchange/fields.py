"""Read one reply object field by field, failing with a ``ProtocolError`` that names the field.

This is the only place wire values become Python values: decimals become ``Decimal`` (from a
string or a JSON number, which the decoder already kept as ``Decimal``; never via float), ids
become strings whether they came as numbers or strings, and times become milliseconds whatever
unit the endpoint uses (facts section 9).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from runner.exchange.errors import ProtocolError

# Unix times below this are in seconds: 1e11 ms is March 1973, 1e11 s is the year 5138.
_SECONDS_BELOW = 100_000_000_000


def to_decimal(value: object) -> Decimal | None:
    """A finite Decimal from a decimal string, int or Decimal; None when it is not one."""
    if isinstance(value, bool | float):
        return None  # floats never carry money here; a float means the decoder was bypassed
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return result if result.is_finite() else None


class Fields:
    """One JSON object of ``endpoint``'s reply."""

    def __init__(self, raw: object, endpoint: str, what: str = "row") -> None:
        if not isinstance(raw, Mapping):
            raise ProtocolError(endpoint, f"expected an object for the {what}, got {_kind(raw)}")
        self.raw: Mapping[str, Any] = raw
        self.endpoint = endpoint

    def _fail(self, name: str, problem: str) -> ProtocolError:
        return ProtocolError(self.endpoint, f"field {name!r} {problem}")

    def _value(self, name: str) -> Any:
        if name not in self.raw:
            raise self._fail(name, "is missing")
        return self.raw[name]

    def has(self, name: str) -> bool:
        return self.raw.get(name) is not None

    def text(self, name: str) -> str:
        value = self._value(name)
        if not isinstance(value, str):
            raise self._fail(name, f"should be a string, got {_kind(value)}")
        return value

    def opt_text(self, name: str, default: str | None = None) -> str | None:
        return self.text(name) if self.has(name) else default

    def ident(self, name: str) -> str:
        """An id sent as a number or a string (order ids are both, facts section 1)."""
        value = self._value(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and value:
            return value
        raise self._fail(name, f"should be an id, got {_kind(value)}")

    def opt_ident(self, name: str, default: str | None = None) -> str | None:
        """An optional id (number or string); absent, null or "" give ``default``."""
        return self.ident(name) if self.has(name) and self.raw[name] != "" else default

    def decimal(self, name: str) -> Decimal:
        value = self._value(name)
        result = to_decimal(value)
        if result is None:
            raise self._fail(name, f"should be a decimal, got {_show(value)}")
        return result

    def opt_decimal(self, name: str) -> Decimal | None:
        """Missing, null and "" mean "not set" (unset preset prices are "")."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        return self.decimal(name)

    def integer(self, name: str) -> int:
        value = self._value(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        raise self._fail(name, f"should be an integer, got {_show(value)}")

    def opt_integer(self, name: str, default: int | None = None) -> int | None:
        return self.integer(name) if self.has(name) and self.raw[name] != "" else default

    def flag(self, name: str) -> bool:
        """A JSON boolean, or "true"/"false" as recorders that stringify scalars print it."""
        value = self._value(name)
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if not isinstance(value, bool):
            raise self._fail(name, f"should be true or false, got {_show(value)}")
        return value

    def opt_flag(self, name: str) -> bool | None:
        return self.flag(name) if self.has(name) and self.raw[name] != "" else None

    def millis(self, name: str) -> int:
        """A time the endpoint sends in milliseconds (number or numeric string)."""
        return self.integer(name)

    def seconds_as_ms(self, name: str) -> int:
        """A time the endpoint sends in seconds, converted to milliseconds."""
        return self.integer(name) * 1000

    def either_as_ms(self, name: str) -> int:
        """A time documented as ms but seen as seconds (position-risk, facts 16 #8)."""
        value = self.integer(name)
        return value * 1000 if 0 < value < _SECONDS_BELOW else value

    def opt_millis(self, name: str) -> int | None:
        return self.millis(name) if self.has(name) and self.raw[name] != "" else None

    def rows(self, name: str) -> list[Any]:
        value = self._value(name)
        if not isinstance(value, list):
            raise self._fail(name, f"should be a list, got {_kind(value)}")
        return value


def rows(data: object, endpoint: str) -> list[Any]:
    """A reply whose ``data`` is a list of rows."""
    if not isinstance(data, list):
        raise ProtocolError(endpoint, f"expected a list in 'data', got {_kind(data)}")
    return data


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
