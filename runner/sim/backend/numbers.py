"""Decimal helpers: wire formatting and the rounding the backend applies to money."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
ONE = Decimal("1")
# Money (fees, margins, PnL) is kept to 8 places, as BitMart shows USDT amounts.
MONEY_STEP = Decimal("0.00000001")


def money(value: Decimal) -> Decimal:
    return value.quantize(MONEY_STEP, rounding=ROUND_HALF_UP)


def wire(value: Decimal | int) -> str:
    """A decimal string without exponent or trailing zeros ("65000", "0.39", "0")."""
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def ceil_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def is_multiple(value: Decimal, step: Decimal) -> bool:
    return value % step == 0
