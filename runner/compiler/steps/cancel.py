"""The `cancel` target: no open orders or plan orders matching a filter remain."""

from __future__ import annotations

from runner.compiler import estimates as est
from runner.compiler.actions import (
    CancelOrder,
    CancelTrailing,
    CancelTrigger,
)
from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import (
    CancelIntent,
)
from runner.domain import PosSide, TriggerKind

_SIDE_CODES = {PosSide.LONG: {1, 3}, PosSide.SHORT: {2, 4}}


def compile_cancel(b: StepBuilder, ctx: Ctx, intent: CancelIntent) -> None:
    ws = ctx.ws
    sides = _SIDE_CODES[intent.side] if intent.side else {1, 2, 3, 4}
    orders = [o for o in ws.orders_on(intent.symbol) if o.side_code in sides]
    triggers = [t for t in ws.triggers_on(intent.symbol) if t.side_code in sides]
    if intent.what not in ("orders", "all"):
        orders = []
    if intent.what == "plan_orders":
        triggers = [t for t in triggers if t.kind is TriggerKind.PLAN]
    elif intent.what == "tp_sl":
        triggers = [t for t in triggers if t.kind is not TriggerKind.PLAN]
    elif intent.what == "orders":
        triggers = []
    b.before = {"open_orders": len(orders), "trigger_orders": len(triggers)}
    b.after = {"open_orders": 0, "trigger_orders": 0}
    for order in orders:
        kind = CancelTrailing if order.order_type == "trailing" else CancelOrder
        b.add(
            kind(
                step_index=intent.index,
                summary=f"cancel {order.order_type} order {order.order_id} on {intent.symbol}",
                symbol=intent.symbol,
                order_id=order.order_id,
            )
        )
        ws.open_orders.remove(order)
        if order.opens and order.leverage > 0:
            spec = ws.spec(intent.symbol)
            if spec is not None:
                value = est.notional(order.remaining, spec.contract_size, order.price)
                ws.futures_available += est.initial_margin(value, order.leverage)
    for trig in triggers:
        b.add(
            CancelTrigger(
                step_index=intent.index,
                summary=f"cancel {trig.kind.value} order {trig.order_id} on {intent.symbol}",
                symbol=intent.symbol,
                order_id=trig.order_id,
            )
        )
        ws.triggers.remove(trig)
