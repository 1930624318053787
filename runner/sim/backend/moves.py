"""A price move, walked in the order the market would meet its events.

Moving from one (last, mark) pair to another in one call would otherwise be ambiguous: a stop
and the liquidation price may both lie on the way.  Both prices move along a straight line;
every resting limit price, trigger price and liquidation price on that line is a checkpoint, and
at each checkpoint (in path order) resting orders fill, triggers fire and positions liquidate, as
they would have while the price passed through.  Prices between checkpoints are interpolated and
rounded to the tick; the move always ends exactly at the requested prices.

A symbol's book (``depth``) moves with the last price.  So a resting limit's checkpoint is where
the book's best opposite level reaches the order's price, and an active trailing order's is its
callback price.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from runner.sim.backend import depth, liquidation, trailing
from runner.sim.backend.markets import MARKETS
from runner.sim.backend.state import WORKING, Book, Order, Price

ONE = Decimal("1")


def checkpoints(book: Book, symbol: str, target: Price) -> list[Price]:
    """Intermediate prices (path order) at which something may happen, then ``target``."""
    start = book.prices[symbol]
    moves = {"last": target.last - start.last, "mark": target.mark - start.mark}
    events: dict[Decimal, Price] = {}

    def add(source: str, price: Decimal) -> None:
        origin = start.last if source == "last" else start.mark
        if moves[source] == 0:
            return
        t = (price - origin) / moves[source]
        if 0 < t < ONE:
            events.setdefault(t, _at(symbol, start, moves, t, source, price))

    for source, price in _event_prices(book, symbol):
        add(source, price)
    return [events[t] for t in sorted(events)] + [target]


def _event_prices(book: Book, symbol: str) -> list[tuple[str, Decimal]]:
    found: list[tuple[str, Decimal]] = []
    for order in book.orders.values():
        if order.symbol == symbol and order.state == WORKING:
            if order.type == "limit":
                found.extend(_limit_event(book, order))
            elif order.type == "trailing":
                source = _source(order.activation_price_type)
                found.extend((source, price) for price in trailing.event_prices(order))
    for trigger in book.triggers.values():
        if trigger.symbol == symbol and trigger.state == WORKING:
            found.append((_source(trigger.price_type), trigger.trigger_price))
    for position in book.positions.values():
        if position.symbol == symbol:
            found.append(("mark", liquidation.liquidation_price(book, position)))
    return found


def _limit_event(book: Book, order: Order) -> list[tuple[str, Decimal]]:
    book_of_symbol = book.depth.get(order.symbol)
    if book_of_symbol is None:
        return [("last", order.price)]
    last = book.prices[order.symbol].last
    price = depth.event_last_price(book_of_symbol, order.side, order.price, last)
    return [] if price is None else [("last", price)]


def _source(price_type: int) -> str:
    return "mark" if price_type == 2 else "last"


def _at(
    symbol: str, start: Price, moves: dict[str, Decimal], t: Decimal, source: str, exact: Decimal
) -> Price:
    tick = MARKETS[symbol].tick
    last = (start.last + moves["last"] * t).quantize(tick)
    mark = (start.mark + moves["mark"] * t).quantize(tick)
    return Price(exact, mark) if source == "last" else Price(last, exact)


def walk(book: Book, symbol: str, target: Price, at_each: Callable[[], None]) -> None:
    for point in checkpoints(book, symbol, target):
        moved = point.last - book.prices[symbol].last
        book.prices[symbol] = point
        if symbol in book.depth:
            depth.shift(book.depth[symbol], moved)
        at_each()
