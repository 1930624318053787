"""Position-step rules of issue 14: contradictions, notional held in contracts, fitting hints."""

from __future__ import annotations

from decimal import Decimal

from runner.compiler import estimates as est
from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import OpenIntent, PositionIntent
from runner.compiler.risk import step_changed
from runner.compiler.snapshot import ContractSpec, Market, Position
from runner.compiler.steps.common import other_side
from runner.domain import Mode
from runner.money import plain, usdt


def check_contradiction(b: StepBuilder, ctx: Ctx, intent: PositionIntent, wanted: Decimal) -> None:
    """Opposite-side targets on a one-way account close each other on every apply."""
    if isinstance(intent, OpenIntent) or wanted <= 0:
        return
    other = ctx.held_targets.get((intent.symbol, other_side(intent.side)))
    if other is not None and ctx.ws.mode is Mode.ONE_WAY:
        b.error(
            "conflicting-targets",
            f"the account is in one-way mode, where {intent.symbol} is either long or short: "
            f"step {other + 1} holds the {other_side(intent.side).value} and this step the "
            f"{intent.side.value}, so every apply would close one to open the other",
            "",
            "keep one side, or switch to position_mode: hedge",
        )
    ctx.held_targets.setdefault((intent.symbol, intent.side), intent.index)


def held_notional(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    intent: PositionIntent,
    held: Position | None,
) -> Decimal | None:
    """A notional is resolved to contracts once, when the position opens from flat, and held in
    contracts afterwards (the step's record keeps them): a price move alone re-sizes nothing.
    With ``rebalance_band`` the position is re-sized when its value at the mark is further than
    that from the notional asked for."""
    record = ctx.lifecycle.for_intent(intent)
    if held is None or record is None or record.holding is None or record.holding.size <= 0:
        return None
    if step_changed(ctx.lifecycle, intent):
        return None  # an edited step is resolved again
    assert intent.notional is not None
    value = est.notional(held.size, spec.contract_size, market.mark)
    off = abs(value - intent.notional) / intent.notional * 100
    band = intent.rebalance_band
    if band is not None and off > band:
        b.note(
            f"value at the mark {usdt(est.round_usdt(value))} is {plain(off.quantize(est.CENT))}% "
            f"from the notional {plain(intent.notional)} USDT, beyond rebalance_band "
            f"{plain(band)}%: re-sized"
        )
        return None
    b.note(
        f"notional {plain(intent.notional)} USDT was resolved to "
        f"{plain(record.holding.size)} contracts when the position opened; held in contracts "
        f"(value at the mark {usdt(est.round_usdt(value))})"
    )
    return record.holding.size


def margin_hint(ctx: Ctx, intent: PositionIntent) -> str:
    if any(i < intent.index for i in ctx.balance_steps):
        return "raise the ensure_balance step's min_available, reduce the size or raise leverage"
    return "add an ensure_balance step before it, reduce the size or raise leverage"
