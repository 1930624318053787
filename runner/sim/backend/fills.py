"""Executing an order at a price: the position legs, margin, fees, realized PnL, the fill record.

Side semantics (facts 7.1): in hedge mode 1/4 open long/short and 2/3 close short/long.  In
one-way mode 1 buys and 4 sells, first reducing an opposite position and opening with the rest
(a flip); 2/3 are reduce-only buys/sells.  Reduce legs never exceed what is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from runner.sim.backend import account
from runner.sim.backend.markets import MAKER_FEE, MARKETS, TAKER_FEE
from runner.sim.backend.numbers import ZERO, money
from runner.sim.backend.state import (
    FINISHED,
    HEDGE,
    WORKING,
    Book,
    Fill,
    Order,
    Position,
    position_key,
)

BUY_SIDES = (1, 2)


@dataclass(frozen=True)
class Legs:
    """How many contracts of an order close which side, and how many open which side."""

    close_side: str
    close_size: int
    open_side: str
    open_size: int


def is_buy(side: int) -> bool:
    return side in BUY_SIDES


def held(book: Book, symbol: str, side: str) -> int:
    position = book.positions.get(position_key(symbol, side))
    return position.size if position is not None else 0


def legs(book: Book, symbol: str, side: int, size: int) -> Legs:
    if book.position_mode == HEDGE:
        if side in (1, 4):
            return Legs("", 0, "long" if side == 1 else "short", size)
        target = "short" if side == 2 else "long"
        return Legs(target, min(size, held(book, symbol, target)), "", 0)
    opposite = "short" if is_buy(side) else "long"
    closing = min(size, held(book, symbol, opposite))
    if side in (2, 3):
        return Legs(opposite, closing, "", 0)
    return Legs(opposite, closing, "long" if is_buy(side) else "short", size - closing)


def notional(symbol: str, size: int, price: Decimal) -> Decimal:
    return size * MARKETS[symbol].contract_size * price


def fee_for(symbol: str, size: int, price: Decimal, maker: bool) -> Decimal:
    return money(notional(symbol, size, price) * (MAKER_FEE if maker else TAKER_FEE))


def opening_cost(symbol: str, size: int, price: Decimal, leverage: Decimal) -> Decimal:
    """Initial margin plus the taker fee: what an opening order needs (H: margin + fees)."""
    if size == 0:
        return ZERO
    margin = money(notional(symbol, size, price) / leverage)
    return margin + fee_for(symbol, size, price, maker=False)


def remaining(order: Order) -> int:
    return order.size - order.filled


def execute(
    book: Book, order: Order, price: Decimal, maker: bool, now_ms: int, size: int | None = None
) -> int:
    """Fill ``size`` contracts of ``order`` (default: all that remain) at ``price``.

    One call is one trade (one ``Fill`` row).  The order stays working while part of it remains,
    reserving the opening cost of what remains (after a one-way flip's close, all of it opens).
    A reduce leg never exceeds what is held: an order that finds less to reduce than asked ends
    with what it did.  Returns the contracts filled; 0 when a reduce-only order found nothing to
    reduce (it then ends).
    """
    wanted = remaining(order) if size is None else min(size, remaining(order))
    plan = legs(book, order.symbol, order.side, wanted)
    filled = plan.close_size + plan.open_size
    order.update_ms = now_ms
    if filled == 0:
        finish(order, "cancelled: nothing to reduce" if not order.filled else "filled", now_ms)
        return 0
    _record_progress(order, filled, wanted, price, now_ms)
    realized, fee = ZERO, fee_for(order.symbol, filled, price, maker)
    if plan.close_size:
        realized = _close(book, order.symbol, plan.close_side, plan.close_size, price, now_ms)
    if plan.open_size:
        _open(book, order, plan.open_side, plan.open_size, price, now_ms)
    _charge(book, order.symbol, plan, fee, now_ms)
    account.book_entry(book, order.symbol, account.COMMISSION_FEE, -fee, now_ms)
    if order.state == WORKING:
        rest = legs(book, order.symbol, order.side, remaining(order))
        order.reserved = opening_cost(order.symbol, rest.open_size, order.price, order.leverage)
    book.fills.append(
        Fill(
            book.new_seq(),
            order.order_id,
            order.client_order_id,
            order.symbol,
            order.side,
            price,
            filled,
            maker,
            realized,
            fee,
            now_ms,
        )
    )
    return filled


def _record_progress(order: Order, filled: int, wanted: int, price: Decimal, now_ms: int) -> None:
    """Counters first: closing a position may cancel its working reduce orders (``on_flat``),
    and this order must already be finished then if nothing of it is left to do."""
    order.filled += filled
    order.filled_value += price * filled
    average = order.filled_value / order.filled
    order.avg_price = average if average == money(average) else money(average)
    if order.filled >= order.size or filled < wanted:  # done, or nothing left to reduce
        finish(order, "filled", now_ms)


def _charge(book: Book, symbol: str, plan: Legs, fee: Decimal, now_ms: int) -> None:
    """The fee goes on the position that remains (current_fee)."""
    side = plan.open_side or plan.close_side
    position = book.positions.get(position_key(symbol, side))
    if position is not None:
        position.fees += fee


def _open(book: Book, order: Order, side: str, size: int, price: Decimal, now_ms: int) -> None:
    key = position_key(order.symbol, side)
    margin = money(notional(order.symbol, size, price) / order.leverage)
    position = book.positions.get(key)
    if position is None:
        book.positions[key] = Position(
            order.symbol,
            side,
            size,
            price,
            margin,
            order.leverage,
            order.margin_mode,
            now_ms,
            now_ms,
        )
        return
    total = position.size + size
    position.entry_price = money((position.entry_price * position.size + price * size) / total)
    position.size = total
    position.margin += margin
    position.update_ms = now_ms


def _close(book: Book, symbol: str, side: str, size: int, price: Decimal, now_ms: int) -> Decimal:
    """Reduce the ``side`` position by ``size`` at ``price``; returns the realized PnL."""
    key = position_key(symbol, side)
    position = book.positions[key]
    move = price - position.entry_price
    realized = money(move * size * MARKETS[symbol].contract_size)
    if side == "short":
        realized = -realized
    released = (
        position.margin if size == position.size else money(position.margin * size / position.size)
    )
    position.margin -= released
    position.size -= size
    position.realized += realized
    position.closed_size += size
    position.closed_value += price * size
    position.update_ms = now_ms
    account.book_entry(book, symbol, account.REALIZED_PNL, realized, now_ms)
    if position.size == 0:
        del book.positions[key]
        on_flat(book, symbol, side, now_ms)
    return realized


def on_flat(book: Book, symbol: str, side: str, now_ms: int) -> None:
    """A closed position takes its TP/SL orders and pending reduce orders with it."""
    for trigger in book.triggers.values():
        protects = trigger.kind != "plan" and trigger.position_side == side
        if trigger.symbol == symbol and trigger.state == WORKING and protects:
            trigger.state, trigger.update_ms = FINISHED, now_ms
            trigger.end_reason = "cancelled: position closed"
    reducing = 2 if side == "short" else 3
    for order in book.orders.values():
        if order.symbol == symbol and order.state == WORKING and order.side == reducing:
            finish(order, "cancelled: position closed", now_ms)


def finish(order: Order, reason: str, now_ms: int) -> None:
    order.state, order.reserved, order.update_ms, order.end_reason = FINISHED, ZERO, now_ms, reason
