"""The `tp_sl` target: a position's take-profit and stop-loss are at these triggers."""

from __future__ import annotations

from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import TpSlIntent
from runner.compiler.steps.common import describe, lookup
from runner.compiler.steps.protection import diff_protections, protections_of
from runner.domain import TriggerKind


def compile_tp_sl(b: StepBuilder, ctx: Ctx, intent: TpSlIntent) -> None:
    looked = lookup(b, ctx, intent.symbol)
    if looked is None:
        return
    spec, market = looked
    held = ctx.ws.position(intent.symbol, intent.side)
    b.before = describe(held, protections_of(ctx, intent.symbol, intent.side), spec.tick)
    if held is None:
        if intent.take_profit is None and intent.stop_loss is None:
            b.after = dict(b.before)
            return  # "no TP/SL" is already true of a position that does not exist
        b.error(
            "no-position",
            f"tp_sl needs a {intent.side.value} position on {intent.symbol}, "
            "and the account (after the steps before it) has none",
            "",
            "put a position step before it, or remove it",
        )
        return
    diff_protections(b, ctx, spec, market, held, intent.take_profit, intent.stop_loss)
    b.after = describe(held, protections_of(ctx, intent.symbol, intent.side), spec.tick)
    if ctx.policy.require_stop_loss and not any(
        t.kind is TriggerKind.STOP_LOSS for t in protections_of(ctx, intent.symbol, intent.side)
    ):
        b.error(
            "policy-stop-loss",
            f"the plan requires a stop-loss, and {intent.symbol} "
            f"{intent.side.value} would have none",
            "stop_loss",
            "set stop_loss",
        )
