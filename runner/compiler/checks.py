"""Live rules: pure checks of a resolved request against the contract and the account.

Each check returns ``(rule, message, hint)`` tuples (empty when fine); the step compiler attaches
the location of the plan field and turns them into findings.  Rule names are stable: they appear in
``--json`` output and GitHub annotations.
"""

from __future__ import annotations

from decimal import Decimal

from runner.compiler import estimates as est
from runner.compiler.snapshot import ContractSpec
from runner.domain import PosSide
from runner.money import plain

Problem = tuple[str, str, str | None]


def check_size(spec: ContractSpec, size: Decimal, order_type: str) -> list[Problem]:
    problems: list[Problem] = []
    if size != size.to_integral_value():
        problems.append(
            (
                "size-not-whole",
                f"size must be a whole number of contracts (got {plain(size)})",
                "sizes are in contracts; use notional: for a USDT amount",
            )
        )
        return problems
    if not est.on_grid(size, spec.step):
        problems.append(
            (
                "size-step",
                f"size {plain(size)} is not a multiple of the contract step {plain(spec.step)}",
                f"use a multiple of {plain(spec.step)}",
            )
        )
    if size < spec.min_volume:
        problems.append(
            (
                "size-range",
                f"size {plain(size)} is below {spec.symbol}'s minimum of "
                f"{plain(spec.min_volume)} contracts",
                None,
            )
        )
    limit = spec.market_max_volume if order_type == "market" else spec.max_volume
    if size > limit:
        problems.append(
            (
                "size-range",
                f"size {plain(size)} exceeds the {order_type} order maximum of "
                f"{plain(limit)} contracts for {spec.symbol}",
                "split it over several steps or use a limit order",
            )
        )
    return problems


def check_tick(spec: ContractSpec, price: Decimal, what: str) -> list[Problem]:
    if price <= 0:
        return [("price-positive", f"{what} must be positive (got {plain(price)})", None)]
    if not est.on_grid(price, spec.tick):
        lower = est.to_tick(price, spec.tick, up=False)
        return [
            (
                "price-tick",
                f"{what} {plain(price)} is not on {spec.symbol}'s tick of {plain(spec.tick)}",
                f"use {plain(lower)} or {plain(lower + spec.tick)}",
            )
        ]
    return []


def check_leverage(spec: ContractSpec, leverage: Decimal, notional: Decimal) -> list[Problem]:
    if not spec.min_leverage <= leverage <= spec.max_leverage:
        return [
            (
                "leverage-range",
                f"leverage {plain(leverage)}x is outside {spec.symbol}'s range "
                f"{plain(spec.min_leverage)}-{plain(spec.max_leverage)}x",
                None,
            )
        ]
    bracket_max = est.max_leverage_for(notional, spec.brackets)
    if bracket_max is not None and leverage > bracket_max:
        return [
            (
                "leverage-bracket",
                f"leverage {plain(leverage)}x is above the {plain(bracket_max)}x allowed for a "
                f"{plain(notional.quantize(Decimal(1)))} USDT position on {spec.symbol}",
                f"use at most {plain(bracket_max)}x or a smaller size",
            )
        ]
    return []


def check_protection(
    *,
    kind: str,
    side: PosSide,
    trigger: Decimal,
    reference: Decimal,
    reference_name: str,
    entry: Decimal,
    liquidation: Decimal,
    existing_position: bool,
) -> list[Problem]:
    """TP above / SL below for a long (reverse for a short); no instant fire; SL before liq."""
    long = side is PosSide.LONG
    name = "take-profit" if kind == "take_profit" else "stop-loss"
    problems: list[Problem] = []
    fires_now = (
        (trigger <= reference) if (kind == "take_profit") == long else (trigger >= reference)
    )
    if fires_now:
        where = "above" if (kind == "take_profit") == long else "below"
        problems.append(
            (
                "trigger-fires-immediately",
                f"{name} {plain(trigger)} would fire at once: {reference_name} price is "
                f"{plain(reference)}",
                f"put a {side.value} {name} {where} {plain(reference)}",
            )
        )
        return problems
    if kind == "take_profit" and ((trigger <= entry) if long else (trigger >= entry)):
        problems.append(
            (
                "tp-direction",
                f"take-profit {plain(trigger)} is on the losing side of the "
                f"entry {plain(entry)} for a {side.value}",
                "a long takes profit above its entry, a short below",
            )
        )
    if (
        kind == "stop_loss"
        and liquidation > 0
        and ((trigger <= liquidation) if long else (trigger >= liquidation))
    ):
        problems.append(
            (
                "stop-beyond-liquidation",
                f"stop-loss {plain(trigger)} lies beyond the "
                f"estimated liquidation price {plain(liquidation)}: the position would be "
                "liquidated before the stop fires",
                "move the stop closer to the entry or lower the leverage",
            )
        )
    if (
        kind == "stop_loss"
        and not existing_position
        and ((trigger >= entry) if long else (trigger <= entry))
    ):
        problems.append(
            (
                "sl-direction",
                f"stop-loss {plain(trigger)} is on the wrong side of the "
                f"entry {plain(entry)} for a {side.value}",
                "a long stops out below its entry, a short above",
            )
        )
    return problems
