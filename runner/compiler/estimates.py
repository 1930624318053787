"""Money arithmetic for the dry-run: notional, margin, fees, liquidation price, PnL.

Pure functions on Decimals.  Formulas (API facts §8 and §12.2):

- notional = contracts × contract_size × price
- initial margin = notional ÷ leverage
- fee = notional × fee rate (taker for market orders, maker for resting limits)
- maintenance margin = notional × mmr − cum, of the leverage bracket holding that notional (§8.3;
  the "cum" offset reading is inferred from BitMart's bracket table, no source states it)
- liquidation price, BitMart help-centre formula (stated for isolated margin; for cross the
  account's available balance is added to the margin that can absorb losses):
      long:  Lp = (Hp·V·S − (IM − MM)) / ((1 − R)·V·S)
      short: Lp = (Hp·V·S + (IM − MM)) / ((1 + R)·V·S)
  with Hp entry price, V contracts, S contract size, IM initial margin, MM maintenance margin,
  R taker fee rate.  Liquidation is triggered by the mark price.
- PnL long = (exit − entry)·V·S, short = (entry − exit)·V·S
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from runner.values import value

ZERO = Decimal(0)


@value
class Bracket:
    """One leverage bracket (risk-limit tier)."""

    notional_floor: Decimal
    notional_cap: Decimal
    max_leverage: Decimal
    maint_margin_ratio: Decimal
    cum: Decimal


def notional(contracts: Decimal | int, contract_size: Decimal, price: Decimal) -> Decimal:
    return Decimal(contracts) * contract_size * price


def initial_margin(notional_value: Decimal, leverage: Decimal) -> Decimal:
    if leverage <= 0:
        raise ValueError("leverage must be positive")
    return notional_value / leverage


def fee(notional_value: Decimal, rate: Decimal) -> Decimal:
    return notional_value * rate


def bracket_for(notional_value: Decimal, brackets: Sequence[Bracket]) -> Bracket | None:
    """The tier with floor <= notional < cap; the last tier for anything above every cap."""
    if not brackets:
        return None
    ordered = sorted(brackets, key=lambda b: b.notional_floor)
    for tier in ordered:
        if tier.notional_floor <= notional_value < tier.notional_cap:
            return tier
    return ordered[-1] if notional_value >= ordered[-1].notional_floor else ordered[0]


def max_leverage_for(notional_value: Decimal, brackets: Sequence[Bracket]) -> Decimal | None:
    tier = bracket_for(notional_value, brackets)
    return None if tier is None else tier.max_leverage


def maintenance_margin(notional_value: Decimal, brackets: Sequence[Bracket]) -> Decimal:
    tier = bracket_for(notional_value, brackets)
    if tier is None:
        return ZERO
    return max(ZERO, notional_value * tier.maint_margin_ratio - tier.cum)


def liquidation_price(
    *,
    is_long: bool,
    entry_price: Decimal,
    contracts: Decimal | int,
    contract_size: Decimal,
    leverage: Decimal,
    brackets: Sequence[Bracket],
    taker_rate: Decimal,
    extra_margin: Decimal = ZERO,
) -> Decimal:
    """Estimated liquidation price; ``extra_margin`` is the cross account's available balance.

    Never negative: a position that cannot be liquidated by a fall (over-collateralised long)
    reports 0, as BitMart does.
    """
    volume = Decimal(contracts) * contract_size
    if volume <= 0:
        return ZERO
    value = entry_price * volume
    im = initial_margin(value, leverage)
    mm = maintenance_margin(value, brackets)
    buffer = im - mm + extra_margin
    if is_long:
        price = (value - buffer) / ((1 - taker_rate) * volume)
    else:
        price = (value + buffer) / ((1 + taker_rate) * volume)
    return max(ZERO, price)


def pnl(
    *,
    is_long: bool,
    entry: Decimal,
    exit_price: Decimal,
    contracts: Decimal | int,
    contract_size: Decimal,
) -> Decimal:
    move = exit_price - entry if is_long else entry - exit_price
    return move * Decimal(contracts) * contract_size


def to_tick(price: Decimal, tick: Decimal, *, up: bool) -> Decimal:
    """Round a price onto the tick grid, up or down (callers choose the protective direction)."""
    steps = (price / tick).to_integral_value(rounding=ROUND_CEILING if up else ROUND_FLOOR)
    return (steps * tick).quantize(tick)


def on_grid(value: Decimal, step: Decimal) -> bool:
    return step > 0 and (value / step) == (value / step).to_integral_value()


# --- one rounding rule for every figure a person sees ------------------------------------------
# Prices go to the contract's tick (half-even), USDT to the cent, and a liquidation price to the
# tick toward the entry: the side away from the entry is the unsafe one to show.

CENT = Decimal("0.01")


def round_price(price: Decimal, tick: Decimal) -> Decimal:
    if tick <= 0:
        return price
    return ((price / tick).to_integral_value(rounding=ROUND_HALF_EVEN) * tick).quantize(tick)


def round_usdt(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def round_liquidation(price: Decimal, tick: Decimal, *, is_long: bool) -> Decimal:
    """A long's liquidation lies below its entry, so it is rounded up; a short's, down."""
    if price <= 0 or tick <= 0:
        return max(ZERO, price)
    return to_tick(price, tick, up=is_long)


def breakeven_price(entry: Decimal, side: str, taker_rate: Decimal, tick: Decimal) -> Decimal:
    """The entry moved by the open and close fees at the taker rate, on the profitable side.

    long: entry × (1 + 2 × taker) rounded up to the tick; short: entry × (1 − 2 × taker)
    rounded down.  ``side`` is ``"long"`` or ``"short"`` (a ``PosSide`` works: it is a str enum).
    """
    if side == "long":
        return to_tick(entry * (1 + 2 * taker_rate), tick, up=True)
    if side == "short":
        return to_tick(entry * (1 - 2 * taker_rate), tick, up=False)
    raise ValueError(f"side must be long or short (got {side!r})")


def net_pnl(
    *,
    is_long: bool,
    entry: Decimal,
    exit_price: Decimal,
    contracts: Decimal | int,
    contract_size: Decimal,
    open_rate: Decimal,
    close_rate: Decimal,
) -> Decimal:
    """PnL of a round trip after the fee to open at ``entry`` and to close at ``exit_price``."""
    gross = pnl(
        is_long=is_long,
        entry=entry,
        exit_price=exit_price,
        contracts=contracts,
        contract_size=contract_size,
    )
    opened = fee(notional(contracts, contract_size, entry), open_rate)
    closed = fee(notional(contracts, contract_size, exit_price), close_rate)
    return gross - opened - closed
