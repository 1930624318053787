"""The `cancel` target: no open orders or plan orders matching a filter remain."""

from __future__ import annotations

from runner.compiler import estimates as est
from runner.compiler.actions import Category
from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import CancelIntent
from runner.compiler.snapshot import TriggerOrder
from runner.compiler.steps.common import cancel_resting, cancel_trigger
from runner.domain import CancelWhat, OrderSide, TriggerKind
from runner.money import plain


def compile_cancel(b: StepBuilder, ctx: Ctx, intent: CancelIntent) -> None:
    ws = ctx.ws

    def wanted(side: OrderSide) -> bool:
        return intent.side is None or side.position is intent.side

    orders = [o for o in ws.orders_on(intent.symbol) if wanted(o.side)]
    triggers = [t for t in ws.triggers_on(intent.symbol) if wanted(t.side)]
    if intent.what not in (CancelWhat.ORDERS, CancelWhat.ALL):
        orders = []
    if intent.what is CancelWhat.PLAN_ORDERS:
        triggers = [t for t in triggers if t.kind is TriggerKind.PLAN]
    elif intent.what is CancelWhat.TP_SL:
        triggers = [t for t in triggers if t.kind is not TriggerKind.PLAN]
    elif intent.what is CancelWhat.ORDERS:
        triggers = []
    _keeps_required_stops(b, ctx, intent, triggers)
    if b.failed():
        return
    b.before = {"open_orders": len(orders), "trigger_orders": len(triggers)}
    b.after = {"open_orders": 0, "trigger_orders": 0}
    for order in orders:
        summary = f"cancel {order.order_type} order {order.order_id} on {intent.symbol}"
        cancel_resting(b, ctx, intent.symbol, order, summary)
        if order.opens and order.leverage > 0:
            spec = ws.spec(intent.symbol)
            if spec is not None:
                value = est.notional(order.remaining, spec.contract_size, order.price)
                ws.futures_available += est.initial_margin(value, order.leverage)
    for trig in triggers:
        what = trig.kind.value.replace("_", "-")
        summary = f"cancel {what} order {trig.order_id} on {intent.symbol}"
        # a plan order is an order; only a position's TP/SL counts under TP/SL
        category = Category.ORDER if trig.kind is TriggerKind.PLAN else Category.TP_SL
        cancel_trigger(b, ctx, intent.symbol, trig, summary, category=category)


def _keeps_required_stops(
    b: StepBuilder, ctx: Ctx, intent: CancelIntent, triggers: list[TriggerOrder]
) -> None:
    """Under require_stop_loss a cancel may not leave an open position without its stop."""
    if not ctx.policy.require_stop_loss:
        return
    for trig in triggers:
        if trig.kind is not TriggerKind.STOP_LOSS:
            continue
        held = ctx.ws.position(intent.symbol, trig.side.position)
        if held is None:
            continue
        b.error(
            "cancel-strips-stop",
            f"cancel {intent.what.value} would remove the stop-loss {plain(trig.trigger)} of "
            f"the open {intent.symbol} {held.side.value}, and the policy requires a stop-loss",
            "",
            "use what: orders or what: plan_orders, or move the stop with a tp_sl step",
        )
        return
