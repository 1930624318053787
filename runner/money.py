"""One way to write a Decimal as text: prices, sizes and USDT amounts everywhere (diff, messages,
JSON, the wire).  No exponent, no float noise, no trailing zeros: ``plain(Decimal("64000.50"))``
is ``"64000.5"``; amounts of USDT are shown to the cent by ``usdt``."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def plain(value: Decimal) -> str:
    """``value`` without exponent or trailing zeros (``-0`` is written ``0``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def usdt(value: Decimal) -> str:
    """An amount of USDT, to the cent: ``"12.5 USDT"``."""
    return f"{plain(value.quantize(CENT, rounding=ROUND_HALF_EVEN))} USDT"
