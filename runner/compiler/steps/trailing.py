"""A trailing stop on a position: one closing trailing order, replaced when the plan changes it.

The API has no modify for trailing orders, so a change is a cancel followed by a submit (each sent
exactly once like every action).  The order is sized to the position when placed; a position that
shrank since (a take-profit level fired) needs no new order, since a closing trailing order larger
than the position closes what is left.  One that grew does.
"""

from __future__ import annotations

from decimal import Decimal

from runner.compiler.actions import SubmitTrailing
from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import KEEP, PositionIntent, TrailingStop
from runner.compiler.snapshot import ContractSpec, Position, WorkingOrder
from runner.compiler.steps.common import ZERO, cancel_resting
from runner.compiler.steps.protection import resolve_trigger
from runner.domain import OrderSide, PosSide
from runner.money import plain


def trailing_orders(ctx: Ctx, symbol: str, side: PosSide) -> list[WorkingOrder]:
    closing = OrderSide.closing(side)
    return [o for o in ctx.ws.orders_on(symbol) if o.order_type == "trailing" and o.side is closing]


def describe_trailing(order: WorkingOrder | None) -> str | None:
    if order is None or order.activation_price is None or order.callback_rate is None:
        return None
    source = order.activation_source.value if order.activation_source else "last"
    return f"{plain(order.callback_rate)}% from {plain(order.activation_price)} ({source})"


def trailing_text(ctx: Ctx, intent: PositionIntent) -> str | None:
    found = trailing_orders(ctx, intent.symbol, intent.side)
    return describe_trailing(found[0]) if found else None


def diff_trailing(
    b: StepBuilder, ctx: Ctx, spec: ContractSpec, intent: PositionIntent, position: Position
) -> None:
    wanted = intent.trailing_stop
    if wanted is KEEP:
        return
    existing = trailing_orders(ctx, intent.symbol, intent.side)
    where = f"on {intent.symbol} {intent.side.value}"
    if wanted is None:
        for order in existing:
            _cancel(b, ctx, intent, order, f"remove trailing stop {describe_trailing(order)}")
        return
    assert isinstance(wanted, TrailingStop)
    activation = resolve_trigger(wanted.activation, position.entry_price, spec, intent.side)
    profit_side = activation > position.entry_price
    if profit_side != (intent.side is PosSide.LONG):
        b.error(
            "trailing-activation",
            f"trailing stop activation {plain(activation)} is not on the profit side of the "
            f"entry {plain(position.entry_price)}",
            "trailing_stop.activation",
        )
        return
    keep = next((o for o in existing if _same(o, activation, wanted, position.size)), None)
    for order in existing:
        if order is not keep:
            _cancel(b, ctx, intent, order, f"replace trailing stop {describe_trailing(order)}")
    if keep is not None:
        return
    source = wanted.activation.source
    b.add(
        SubmitTrailing(
            step_index=intent.index,
            summary=f"set trailing stop: close {plain(position.size)} after {plain(activation)} "
            f"({source.value}) on a {plain(wanted.callback)}% retrace {where}",
            symbol=intent.symbol,
            side=intent.side,
            size=position.size,
            activation=activation,
            source=source,
            callback=wanted.callback,
            leverage=position.leverage,
            margin=position.margin,
        )
    )
    ctx.ws.open_orders.append(
        WorkingOrder(
            "(new trailing)",
            "",
            intent.symbol,
            OrderSide.closing(intent.side),
            "trailing",
            ZERO,
            position.size,
            ZERO,
            position.leverage,
            position.margin,
            activation_price=activation,
            callback_rate=wanted.callback,
            activation_source=source,
        )
    )


def _same(order: WorkingOrder, activation: Decimal, wanted: TrailingStop, held: Decimal) -> bool:
    return (
        order.activation_price == activation
        and order.callback_rate == wanted.callback
        and order.activation_source is wanted.activation.source
        and order.size >= held
    )


def _cancel(
    b: StepBuilder, ctx: Ctx, intent: PositionIntent, order: WorkingOrder, what: str
) -> None:
    cancel_resting(b, ctx, intent.symbol, order, f"{what} on {intent.symbol} {intent.side.value}")


def free_for_close(b: StepBuilder, ctx: Ctx, held: Position, size: Decimal) -> None:
    """A closing trailing order reserves its size: a close that needs those contracts cancels it
    first (a trailing_stop the plan wants is placed again, sized to what is left)."""
    trailing = trailing_orders(ctx, held.symbol, held.side)
    reserved = sum((o.remaining for o in trailing), ZERO)
    if held.size - reserved >= size:
        return
    for order in trailing:
        summary = (
            f"cancel trailing stop {describe_trailing(order)} on {held.symbol} "
            f"{held.side.value}: it reserves the contracts the close needs"
        )
        cancel_resting(b, ctx, held.symbol, order, summary)
