"""Matching our orders against the market.

Without a book for the symbol (the default) the market is one level at the last price with
unlimited depth: a market order, or a limit that crosses the last price, fills at once and
completely as a taker at the last price; a resting limit fills completely as a maker at its own
price when the last price reaches it.

With a book (``POST /sim/book``, module ``depth``) liquidity is what the book offers:
- a market order walks the opposite side level by level as a taker (one trade per level, each at
  its level's price, so the average fill price shows the slippage) and consumes what it takes;
  when the book runs out the rest of the order is cancelled (partially filled, state 4,
  ``deal_size`` < ``size``): the simulator's choice, the facts do not say;
- a limit order takes the levels at its price or better as a taker; GTC rests with the rest,
  IOC cancels it, FOK fills only when the whole size is there at once, Maker Only is rejected
  when anything would match;
- a resting limit fills as a maker at its own price, up to the size the book offers at its price
  or better, whenever a later book or price move makes such size available; the rest rests.
"""

from __future__ import annotations

from decimal import Decimal

from runner.sim.backend import depth as books
from runner.sim.backend import fills, protect
from runner.sim.backend.state import WORKING, Book, Depth, Order

GTC, FOK, IOC, MAKER_ONLY = 1, 2, 3, 4


def crosses(order: Order, last: Decimal) -> bool:
    return order.price >= last if fills.is_buy(order.side) else order.price <= last


def place(book: Book, order: Order, cost: Decimal, now_ms: int) -> None:
    """Match a new (or amended) order; what is left of a GTC limit rests holding ``cost``."""
    depth = book.depth.get(order.symbol)
    if depth is None:
        _place_at_last(book, order, cost, now_ms)
    else:
        _place_in_book(book, depth, order, cost, now_ms)


def _place_at_last(book: Book, order: Order, cost: Decimal, now_ms: int) -> None:
    last = book.prices[order.symbol].last
    if order.type == "market":
        fill(book, order, last, maker=False, now_ms=now_ms)
    elif crosses(order, last):
        if order.mode == MAKER_ONLY:
            fills.finish(order, "rejected: a maker-only order would take liquidity", now_ms)
        else:
            fill(book, order, last, maker=False, now_ms=now_ms)
    elif order.mode in (FOK, IOC):
        fills.finish(order, "cancelled: nothing to match at once", now_ms)
    else:
        order.reserved = cost


def _place_in_book(book: Book, depth: Depth, order: Order, cost: Decimal, now_ms: int) -> None:
    limit = order.price if order.type == "limit" else None
    available = books.offered(depth, order.side, limit)
    if order.type == "limit" and order.mode == MAKER_ONLY and available:
        fills.finish(order, "rejected: a maker-only order would take liquidity", now_ms)
        return
    if order.mode == FOK and available < fills.remaining(order):
        fills.finish(order, "cancelled: not enough liquidity to fill at once", now_ms)
        return
    order.reserved = cost
    _take(book, depth, order, limit, now_ms)
    if order.state != WORKING:
        return
    if order.type == "market":
        fills.finish(order, "cancelled: the book ran out", now_ms)
    elif order.mode in (FOK, IOC):
        fills.finish(order, "cancelled: nothing more to match at once", now_ms)


def _take(book: Book, depth: Depth, order: Order, limit: Decimal | None, now_ms: int) -> None:
    """Trade as a taker at each reachable level's own price, best first."""
    levels = books.opposite(depth, order.side)
    while order.state == WORKING and levels and books.reachable(levels[0], order.side, limit):
        level = levels[0]
        done = fill(book, order, level.price, maker=False, now_ms=now_ms, size=level.size)
        if done == 0:
            return
        books.consume(levels, done)


def fill(
    book: Book, order: Order, price: Decimal, *, maker: bool, now_ms: int, size: int | None = None
) -> int:
    """One trade of ``order``; its first opening fill turns its preset TP/SL into position TP/SL."""
    wanted = fills.remaining(order) if size is None else min(size, fills.remaining(order))
    plan = fills.legs(book, order.symbol, order.side, wanted)
    done = fills.execute(book, order, price, maker, now_ms, wanted)
    presets = order.preset_tp is not None or order.preset_sl is not None
    if done and plan.open_size and presets and not order.presets_attached:
        order.presets_attached = True
        protect.attach_presets(book, order, plan.open_side, now_ms)
    return done


def fill_resting(book: Book, symbol: str, now_ms: int) -> None:
    """Resting limit orders the market now reaches fill as makers at their own price."""
    resting = [
        o
        for o in book.orders.values()
        if o.symbol == symbol and o.state == WORKING and o.type == "limit"
    ]
    depth = book.depth.get(symbol)
    if depth is None:
        last = book.prices[symbol].last
        for order in resting:
            if order.state == WORKING and crosses(order, last):
                fill(book, order, order.price, maker=True, now_ms=now_ms)
        return
    # The book meets the best-priced order first, then the oldest (price-time priority).
    resting.sort(key=lambda o: -o.price if fills.is_buy(o.side) else o.price)
    for order in resting:
        _make(book, depth, order, now_ms)


def _make(book: Book, depth: Depth, order: Order, now_ms: int) -> None:
    levels = books.opposite(depth, order.side)
    while order.state == WORKING and levels and books.reachable(levels[0], order.side, order.price):
        done = fill(book, order, order.price, maker=True, now_ms=now_ms, size=levels[0].size)
        if done == 0:
            return
        books.consume(levels, done)
