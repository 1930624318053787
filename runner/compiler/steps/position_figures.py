"""What a position step shows: the estimate for the position it leaves (or, for a resting
limit entry, the one it would hold when it fills), with the fee on what it trades only."""

from __future__ import annotations

from decimal import Decimal

from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import PositionIntent, Trigger
from runner.compiler.snapshot import ContractSpec, Position, TriggerOrder
from runner.compiler.steps.common import ZERO, describe, estimate_for
from runner.compiler.steps.protection import protections_of, resolve_trigger, trigger_order
from runner.values import value


@value
class Trade:
    """What the step opens: for the fee on what is traded, and a resting entry's figures."""

    size: Decimal
    price: Decimal
    fee_rate: Decimal
    if_filled: Position | None = None  # a resting limit entry: the position when it fills


def finish(
    b: StepBuilder, ctx: Ctx, spec: ContractSpec, intent: PositionIntent, trade: Trade | None
) -> None:
    pos = ctx.ws.position(intent.symbol, intent.side)
    protections = protections_of(ctx, intent.symbol, intent.side)
    b.after = describe(pos, protections, spec.tick)
    if "side" in b.before:
        b.after = {"side": intent.side.value, **b.after}
    if trade is not None and trade.if_filled is not None:
        wanted = _wanted_protections(spec, intent, trade.if_filled, protections)
        b.estimate = estimate_for(
            spec,
            trade.if_filled,
            wanted,
            traded=trade.size,
            trade_price=trade.price,
            trade_rate=trade.fee_rate,
            if_filled=True,
        )
        return
    if pos is None:
        return
    b.estimate = estimate_for(
        spec,
        pos,
        protections,
        traded=trade.size if trade else ZERO,
        trade_price=trade.price if trade else None,
        trade_rate=trade.fee_rate if trade else None,
    )


def _wanted_protections(
    spec: ContractSpec, intent: PositionIntent, filled: Position, held: list[TriggerOrder]
) -> list[TriggerOrder]:
    """The TP/SL a resting entry carries (its presets), else the position's current ones."""
    wanted = list(held)
    for kind, protect in (("take_profit", intent.take_profit), ("stop_loss", intent.stop_loss)):
        if isinstance(protect, Trigger):
            price = resolve_trigger(protect, filled.entry_price, spec, intent.side)
            wanted = [t for t in wanted if t.kind.value != kind]
            wanted.append(trigger_order(intent.symbol, intent.side, kind, price))
    return wanted
