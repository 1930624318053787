"""A position step's resting limit entry is part of its target: edits to it are modifications.

The entry a step left resting counts toward its size (pending, not "add more").  When the plan
changes the entry's price or the step's size, the order is modified in place
(modify-limit-order); when it changes the TP/SL the entry will give the position, the order's
presets are modified (modify-preset-plan-order).  Only what the API cannot modify (a market entry
now, a size below what already filled, several entries) falls back to cancel-and-replace.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from runner.compiler import estimates as est
from runner.compiler.actions import (
    ModifyLimitOrder,
    ModifyPreset,
    Protection,
)
from runner.compiler.builder import StepBuilder
from runner.compiler.checks import check_size
from runner.compiler.ctx import Ctx
from runner.compiler.intents import PositionIntent
from runner.compiler.snapshot import ContractSpec, Market, WorkingOrder
from runner.compiler.steps.common import cancel_resting
from runner.compiler.steps.protection import preset_protection
from runner.domain import Margin, OrderSide
from runner.money import plain

ZERO = Decimal(0)


def modify_entry(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    intent: PositionIntent,
    order: WorkingOrder,
    delta: Decimal,
) -> WorkingOrder | None:
    """Move the one resting entry to the plan's price and to the size that closes ``delta``
    (the gap left after what is held and what rests).  None when only a replacement can."""
    price = intent.entry.price
    if intent.entry.order_type != "limit" or price is None or order.order_type != "limit":
        return None
    new_size = order.size + delta
    if new_size <= order.filled:
        return None
    new_price = price if price != order.price else None
    resize = new_size if delta != 0 else None
    if new_price is None and resize is None:
        return order
    if resize is not None and not b.problems(check_size(spec, resize, "limit"), "size"):
        return order
    changes = []
    if new_price is not None:
        changes.append(f"price {plain(order.price)} -> {plain(new_price)}")
    if resize is not None:
        changes.append(f"size {plain(order.size)} -> {plain(resize)}")
    b.add(
        ModifyLimitOrder(
            step_index=intent.index,
            summary=f"modify entry order {order.order_id}: {', '.join(changes)}",
            symbol=intent.symbol,
            order_id=order.order_id,
            client_order_id_ref=order.client_order_id,
            price=new_price,
            size=resize,
        )
    )
    edited = replace(order, price=new_price or order.price, size=resize or order.size)
    ctx.ws.open_orders[ctx.ws.open_orders.index(order)] = edited
    # the exchange reserves the margin of what rests: a bigger entry holds more of the wallet
    ctx.ws.futures_available -= reserved(spec, edited) - reserved(spec, order)
    return edited


def reserved(spec: ContractSpec, order: WorkingOrder) -> Decimal:
    """Margin and fee the exchange holds for the unfilled part of an opening limit order (the fee
    at the taker rate: the hold covers a fill either way, and over-estimating it keeps a funding
    target met)."""
    if order.leverage <= 0:
        return ZERO
    value = est.notional(order.remaining, spec.contract_size, order.price)
    return est.initial_margin(value, order.leverage) + est.fee(value, spec.taker_fee)


def modify_presets(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    intent: PositionIntent,
    order: WorkingOrder,
    leverage: Decimal,
    margin: Margin,
) -> None:
    """The TP/SL a resting entry will give its position follow the plan (flat positions only:
    once something filled, the position's own TP/SL orders are diffed instead)."""
    wanted: dict[str, Protection | None] = {}
    for kind, protect, current in (
        ("take_profit", intent.take_profit, order.preset_tp),
        ("stop_loss", intent.stop_loss, order.preset_sl),
    ):
        leg = preset_protection(
            b, ctx, spec, market, intent, kind, protect, order.price, leverage, margin, order.size
        )
        if leg is not None and leg.trigger != current:
            wanted[kind] = leg
    if not wanted or b.failed():
        return
    tp, sl = wanted.get("take_profit"), wanted.get("stop_loss")
    changes = [
        f"{name} {plain(current) if current is not None else 'none'} -> {plain(leg.trigger)}"
        for name, leg, current in (("TP", tp, order.preset_tp), ("SL", sl, order.preset_sl))
        if leg is not None
    ]
    b.add(
        ModifyPreset(
            step_index=intent.index,
            summary=f"modify entry order {order.order_id} presets: {', '.join(changes)}",
            symbol=intent.symbol,
            order_id=order.order_id,
            take_profit=tp,
            stop_loss=sl,
        )
    )
    edited = replace(
        order,
        preset_tp=tp.trigger if tp else order.preset_tp,
        preset_sl=sl.trigger if sl else order.preset_sl,
    )
    ctx.ws.open_orders[ctx.ws.open_orders.index(order)] = edited


def resting_closes(ctx: Ctx, key: str, symbol: str, side: OrderSide) -> list[WorkingOrder]:
    """Reduce orders a step of this plan left resting (its client order id names the step)."""
    prefix = ctx.ids.prefix(key)
    return [
        o
        for o in ctx.ws.orders_on(symbol)
        if o.side is side and o.client_order_id.startswith(prefix)
    ]


def count_closes(b: StepBuilder, ctx: Ctx, intent: PositionIntent, delta: Decimal) -> Decimal:
    """A position step's own resting close counts toward its size; a stale one (the target
    moved) is cancelled and the difference is closed anew."""
    closing = resting_closes(ctx, intent.key, intent.symbol, OrderSide.closing(intent.side))
    if not closing:
        return delta
    size = sum((o.remaining for o in closing), ZERO)
    if delta + size == 0:
        b.note(f"close order {closing[0].order_id} for {plain(size)} contracts is resting")
        return ZERO
    for order in closing:
        summary = (
            f"cancel stale close order {order.order_id} "
            f"({plain(order.remaining)} @ {plain(order.price)})"
        )
        cancel_resting(b, ctx, intent.symbol, order, summary)
    return delta
