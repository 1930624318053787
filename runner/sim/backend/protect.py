"""Take-profit / stop-loss orders on a position: built from an order's preset fields (facts
10.4) or from submit-tp-sl-order.  A position holds at most one position TP and one position SL
(plan_category 2); a new one replaces the old, as on the exchange's position TP/SL panel."""

from __future__ import annotations

from decimal import Decimal

from runner.sim.backend.numbers import ZERO
from runner.sim.backend.state import FINISHED, WORKING, Book, Order, Trigger

RISE, FALL = 1, 2  # price_way (facts 16 #11)


def closing_side(position_side: str) -> int:
    return 3 if position_side == "long" else 2


def position_side_of(closing: int) -> str:
    return "long" if closing == 3 else "short"


def price_way(kind: str, position_side: str) -> int:
    """A long's TP fires on a rise and its SL on a fall; a short's the other way round."""
    rises = (kind == "take_profit") == (position_side == "long")
    return RISE if rises else FALL


def new_tpsl(
    book: Book,
    *,
    symbol: str,
    kind: str,
    position_side: str,
    trigger_price: Decimal,
    price_type: int,
    now_ms: int,
    size: int = 0,
    executive_price: Decimal = ZERO,
    plan_category: int = 2,
    client_order_id: str = "",
    parent_order_id: str = "",
) -> Trigger:
    position = book.positions.get(f"{symbol}/{position_side}")
    trigger = Trigger(
        order_id=book.new_order_id(),
        client_order_id=client_order_id,
        symbol=symbol,
        kind=kind,
        side=closing_side(position_side),
        exec_type="limit" if executive_price else "market",
        mode=1,
        size=size,
        leverage=position.leverage if position else ZERO,
        margin_mode=position.margin_mode if position else "cross",
        position_mode=book.position_mode,
        trigger_price=trigger_price,
        executive_price=executive_price,
        price_way=price_way(kind, position_side),
        price_type=price_type,
        plan_category=plan_category,
        create_ms=now_ms,
        update_ms=now_ms,
        position_side=position_side,
        parent_order_id=parent_order_id,
    )
    if plan_category == 2:
        _retire_position_tpsl(book, symbol, kind, position_side, now_ms)
    book.triggers[trigger.order_id] = trigger
    return trigger


def _retire_position_tpsl(
    book: Book, symbol: str, kind: str, position_side: str, now_ms: int
) -> None:
    for old in book.triggers.values():
        same = (old.symbol, old.kind, old.position_side) == (symbol, kind, position_side)
        if same and old.plan_category == 2 and old.state == WORKING:
            old.state, old.update_ms, old.end_reason = FINISHED, now_ms, "cancelled: replaced"


def preset_legs(order: Order) -> tuple[tuple[str, Decimal | None, int], ...]:
    """An order's preset take-profit and stop-loss: (kind, trigger price or None, price type)."""
    return (
        ("take_profit", order.preset_tp, order.preset_tp_type),
        ("stop_loss", order.preset_sl, order.preset_sl_type),
    )


def preset_tpsl(
    book: Book,
    order: Order,
    kind: str,
    position_side: str,
    price: Decimal,
    price_type: int,
    now_ms: int,
) -> Trigger:
    """The position TP/SL one preset leg of ``order`` becomes (``order`` is its parent)."""
    return new_tpsl(
        book,
        symbol=order.symbol,
        kind=kind,
        position_side=position_side,
        trigger_price=price,
        price_type=price_type or 1,
        now_ms=now_ms,
        parent_order_id=order.order_id,
    )


def attach_presets(book: Book, order: Order, position_side: str, now_ms: int) -> None:
    """An opening order's preset TP/SL become the position's TP/SL once it has filled."""
    for kind, price, price_type in preset_legs(order):
        if price is not None:
            preset_tpsl(book, order, kind, position_side, price, price_type, now_ms)
