"""Stop rules: once ladder level N has filled, the stop-loss moves to break-even or to level M.

The fills come from the exchange's history (``Ctx.ladder_fills``), so the move happens on the first
plan/apply after the fill.  When several rules apply, the tightest stop wins, and a rule never
loosens the stop the plan asks for.  A moved stop that would fire at once stays where it was, with
a warning (the price already fell back through it).
"""

from __future__ import annotations

from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.estimates import breakeven_price
from runner.compiler.intents import PositionIntent, Protect, Trigger
from runner.compiler.snapshot import ContractSpec, Market, Position
from runner.compiler.steps.protection import resolve_trigger
from runner.domain import PosSide
from runner.money import plain
from runner.values import value


@value
class RuledStop:
    wanted: Protect
    reason: str | None = None


def ruled_stop(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    intent: PositionIntent,
    position: Position,
) -> RuledStop:
    wanted = intent.stop_loss
    fills = ctx.ladder_fills.get(intent.key, {})
    if not intent.stop_rules or not isinstance(wanted, Trigger) or not fills:
        return RuledStop(wanted)
    long = intent.side is PosSide.LONG
    entry = position.entry_price
    best = resolve_trigger(wanted, entry, spec, intent.side)
    reason = None
    for rule in intent.stop_rules:
        fill = fills.get(rule.after)
        if fill is None:
            continue
        if rule.to_level is None:
            price = breakeven_price(entry, intent.side, spec.taker_fee, spec.tick)
            label = "breakeven"
        else:
            level = intent.ladder[rule.to_level - 1]
            price = resolve_trigger(level.trigger, entry, spec, intent.side)
            label = f"tp{rule.to_level}"
        if (price > best) if long else (price < best):
            best = price
            reason = f"{label}: tp{rule.after} filled at {plain(fill.price)} on {fill.at}"
    if reason is None:
        return RuledStop(wanted)
    reference = market.price(wanted.source)
    if (reference <= best) if long else (reference >= best):
        b.warn(
            "stop-rule-would-fire",
            f"the stop stays: moving it to {plain(best)} ({reason}) would fire at once, "
            f"{wanted.source.value} price is {plain(reference)}",
            "stop_rules",
        )
        return RuledStop(wanted)
    return RuledStop(Trigger(wanted.source, price=best), reason)
