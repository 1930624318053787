"""Wording for plan mistakes: field labels, shown values, messages for the shared value types."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

KINDS = (
    "position",
    "open",
    "close",
    "tp_sl",
    "leverage",
    "position_mode",
    "ensure_balance",
    "transfer",
    "plan_order",
    "cancel",
)

Message = tuple[str, str, str | None]  # rule, message, hint

_SYMBOL = re.compile(r"[A-Z0-9]{2,20}USDT\Z")
_NUMERIC = re.compile(r"[-+]?[0-9]*\.?[0-9]+\Z")
_UNSIGNED_PERCENT = re.compile(r"[0-9.]+%\Z")


def label(path: Sequence[Any]) -> str:
    """How a message names a place: `side`, `entry.price`, `policy.max_leverage`, `step 3`."""
    if not path:
        return "the plan"
    if path[0] == "steps" and len(path) >= 2 and isinstance(path[1], int):
        if len(path) == 2:
            return f"step {path[1] + 1}"
        return _dotted(path[3:]) if len(path) > 3 else str(path[2])
    return _dotted(path)


def _dotted(tokens: Sequence[Any]) -> str:
    parts: list[str] = []
    for token in tokens:
        if isinstance(token, int):
            index = f"[{token + 1}]"
            if parts:
                parts[-1] += index
            else:
                parts.append(index)
        else:
            parts.append(str(token))
    return ".".join(parts)


def container_name(path: Sequence[Any]) -> str:
    if not path:
        return "at the top level of the plan"
    if path[0] == "steps" and len(path) == 2:
        return f"in step {path[1] + 1}"
    return f"in {label(path[-1:]) if isinstance(path[-1], str) else label(path)}"


def show(value: Any) -> str:
    """A value as the user wrote it (near enough) for "(got ...)"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:39] + "…"
        return f"'{text}'"
    return str(value)


def _numeric(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str) and _NUMERIC.match(value):
        try:
            return Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
            return None
    return None


def value_message(subject: str, path: Sequence[Any], value: Any) -> Message | None:
    """The message for a value that fails a shared type ($defs name) or a patterned key."""
    phrase = _PHRASES.get(subject)
    if phrase is None:
        return None
    rule, message, hint = phrase(label(path), value)
    if hint is None and subject in _NUMBERS:
        hint = yaml11_number_hint(value)
    return rule, message, hint


_NUMBERS = {"decimal", "leverage", "contracts", "positiveContracts", "closeSize", "triggerPrice"}
_UNDERSCORED = re.compile(r"[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?\Z")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_BINARY = re.compile(r"[-+]?0b[01_]+\Z")
_SIGNED_HEX = re.compile(r"[-+]0x[0-9a-fA-F_]+\Z")


def yaml11_number_hint(value: Any) -> str | None:
    """For text that YAML 1.1 (not 1.2, nor the editor) reads as a number: the number to write."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    number: Decimal | int | None = None
    if _UNDERSCORED.match(text) and "_" in text:
        number = Decimal(text.replace("_", ""))
    elif _SEXAGESIMAL.match(text):
        sign = -1 if text.startswith("-") else 1
        head, _, fraction = text.lstrip("+-").replace("_", "").partition(".")
        total = Decimal(0)
        for part in head.split(":"):
            total = total * 60 + int(part)
        number = sign * (total + (Decimal(f"0.{fraction}") if fraction else 0))
        return (
            f"'{text}' is text in YAML 1.2 (YAML 1.1 read it as {number}, in base 60); "
            f"write {number} if that is the number you mean"
        )
    elif _BINARY.match(text):
        digits = text.replace("_", "")
        number = (-1 if digits.startswith("-") else 1) * int(digits.lstrip("+-")[2:], 2)
    elif _SIGNED_HEX.match(text):
        digits = text.replace("_", "")
        number = (-1 if digits.startswith("-") else 1) * int(digits[3:], 16)
    if number is None:
        return None
    return f"'{text}' is text in YAML 1.2, not a number; write {number}"


def _decimal(name: str, value: Any) -> Message:
    number = _numeric(value)
    if number is not None and number <= 0:
        return "out-of-range", f"{name} must be more than 0 (got {show(value)})", None
    message = f'{name} must be a positive number such as 64000 or "64000.5" (got {show(value)})'
    return "bad-number", message, None


def _leverage(name: str, value: Any) -> Message:
    number = _numeric(value)
    if number is not None and number < 1:
        return "out-of-range", f"{name} must be at least 1 (got {show(value)})", None
    return "bad-number", f"{name} must be a number such as 10 (got {show(value)})", None


def _contracts(name: str, value: Any, minimum: int) -> Message:
    number = _numeric(value)
    if number is not None and number != number.to_integral_value():
        return (
            "whole-contracts",
            f"{name} must be a whole number of contracts (got {show(value)})",
            None,
        )
    if number is not None and number < minimum:
        bound = "must be 0 or more" if minimum == 0 else f"must be at least {minimum} contract"
        return "out-of-range", f"{name} {bound} (got {show(value)})", None
    message = f"{name} must be a whole number of contracts such as 10 (got {show(value)})"
    return "whole-contracts", message, None


def _close_size(name: str, value: Any) -> Message:
    if _numeric(value) is None:
        message = f'{name} must be a whole number of contracts or "all" (got {show(value)})'
        return "whole-contracts", message, None
    return _contracts(name, value, 1)


def _trigger(name: str, value: Any) -> Message:
    number = _numeric(value)
    if number is not None and number <= 0:
        return "out-of-range", f"{name} must be more than 0 (got {show(value)})", None
    hint = None
    if isinstance(value, str) and _UNSIGNED_PERCENT.match(value):
        hint = f'write "+{value}" (above the entry price) or "-{value}" (below it)'
    message = (
        f'{name} must be a price such as 72000 or a percentage of the entry price such as "+5%" '
        f'or "-3%" (got {show(value)})'
    )
    return "bad-price", message, hint


def _symbol(name: str, value: Any) -> Message:
    hint = None
    if isinstance(value, str) and _SYMBOL.match(value.upper().replace("-", "").replace("_", "")):
        hint = f"did you mean '{value.upper().replace('-', '').replace('_', '')}'?"
    elif isinstance(value, str) and not value.upper().endswith("USDT"):
        hint = "USDT-M contracts end in USDT, e.g. BTCUSDT"
    return (
        "bad-symbol",
        f"{name} must be a USDT-M contract such as BTCUSDT (got {show(value)})",
        hint,
    )


def _name(name: str, value: Any) -> Message:
    message = (
        f"{name} must be 1-40 lower-case letters, digits or '-', starting with a letter or digit "
        f"(got {show(value)})"
    )
    hint = None
    if isinstance(value, str):
        slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:40]
        hint = f"for example: {slug}" if slug else None
    return "bad-name", message, hint


def _step_id(name: str, value: Any) -> Message:
    message = (
        f"step id must be 1-32 lower-case letters, digits, '_' or '-', starting with a letter or "
        f"digit (got {show(value)})"
    )
    return "bad-id", message, None


_PHRASES: dict[str, Callable[[str, Any], Message]] = {
    "decimal": _decimal,
    "leverage": _leverage,
    "contracts": lambda name, value: _contracts(name, value, 0),
    "positiveContracts": lambda name, value: _contracts(name, value, 1),
    "closeSize": _close_size,
    "triggerPrice": _trigger,
    "symbol": _symbol,
    "name": _name,
    "id": _step_id,
}
