"""Trailing orders (#31 submit, #32 cancel) and their tracking on price moves (facts 10.6).

A sell (sides 3/4) activates when the watched price reaches the activation price from below or
stands above it, then tracks the highest price since; a buy (1/2) mirrors that with the lowest.
When the price retraces ``callback_rate`` percent from that extreme a market order is sent; the
trailing order ends with ``executive_order_id`` naming it.
"""

from __future__ import annotations

from decimal import Decimal

from runner.sim.backend import fills, matching, orders, plans, rules
from runner.sim.backend.errors import SimError, reject
from runner.sim.backend.markets import MARKETS
from runner.sim.backend.numbers import ZERO, ceil_to, floor_to
from runner.sim.backend.params import Params
from runner.sim.backend.state import WORKING, Book, Order, Setting

MIN_CALLBACK, MAX_CALLBACK = Decimal("0.1"), Decimal("5")
HUNDRED = Decimal("100")


def submit_trail_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    spec = params.spec()
    side = params.choice("side", (1, 2, 3, 4), params.required_int("side", code=40041), 40041)
    size = params.required_int("size")
    rules.check_size(spec, size, market=True)
    activation = params.positive_price("activation_price", spec, required=True)
    assert activation is not None
    rate = params.required_decimal("callback_rate")
    if not MIN_CALLBACK <= rate <= MAX_CALLBACK:
        raise reject(40007, "callback_rate must be within [0.1, 5]")
    price_type = params.choice(
        "activation_price_type", (1, 2), params.required_int("activation_price_type"), 40007
    )
    if side in (2, 3):
        rules.check_closable(book, spec.symbol, side, size)
    setting = rules.opening_setting(book, params, spec, side, must_send=True)
    order = book.new_order(spec.symbol, side, size, setting, now_ms, type="trailing", price=ZERO)
    order.activation_price, order.callback_rate = activation, rate
    order.activation_price_type = price_type
    book.orders[order.order_id] = order
    return {"order_id": int(order.order_id)}


def cancel_trail_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    """By ``order_id``; without one, every trailing order of the symbol (facts 10.6 leave that
    case undocumented; cancelling all mirrors cancel-order)."""
    spec = params.spec()
    order_id = params.ident("order_id")
    trailing = [o for o in book.orders.values() if o.symbol == spec.symbol and o.type == "trailing"]
    if not order_id:
        for order in trailing:
            if order.state == WORKING:
                fills.finish(order, "cancelled", now_ms)
        return {}
    found = next((o for o in trailing if o.order_id == order_id), None)
    if found is None:
        raise reject(40035)
    if found.state != WORKING:
        raise reject(40036)
    fills.finish(found, "cancelled", now_ms)
    return {}


def track(book: Book, symbol: str, now_ms: int) -> None:
    working = [
        o
        for o in book.orders.values()
        if o.symbol == symbol and o.type == "trailing" and o.state == WORKING
    ]
    for order in working:
        if order.state == WORKING and _moved(book, order):
            _fire(book, order, now_ms)


def callback_price(order: Order) -> Decimal:
    """The first tick at which an active order fires: ``extreme * (1 -/+ callback_rate %)``."""
    assert order.callback_rate is not None and order.trail_extreme is not None
    step, tick = order.callback_rate / HUNDRED, MARKETS[order.symbol].tick
    if fills.is_buy(order.side):
        return ceil_to(order.trail_extreme * (1 + step), tick)
    return floor_to(order.trail_extreme * (1 - step), tick)


def event_prices(order: Order) -> list[Decimal]:
    """Where a price move must stop for this order: its activation, or once active its callback."""
    if not order.trail_active:
        return [] if order.activation_price is None else [order.activation_price]
    return [callback_price(order)]


def _moved(book: Book, order: Order) -> bool:
    """Update activation and extreme; True when the callback is reached."""
    assert order.activation_price is not None and order.callback_rate is not None
    price = plans.watched_price(book, order.symbol, order.activation_price_type)
    sells = not fills.is_buy(order.side)
    if not order.trail_active:
        reached = price >= order.activation_price if sells else price <= order.activation_price
        if reached:
            order.trail_active, order.trail_extreme = True, price
        return False
    assert order.trail_extreme is not None
    step = order.callback_rate / HUNDRED
    if sells:
        order.trail_extreme = max(order.trail_extreme, price)
        return price <= order.trail_extreme * (1 - step)
    order.trail_extreme = min(order.trail_extreme, price)
    return price >= order.trail_extreme * (1 + step)


def _fire(book: Book, order: Order, now_ms: int) -> None:
    held_side = "long" if order.side == 3 else "short"
    size = order.size
    if order.side in (2, 3):
        size = min(size, fills.held(book, order.symbol, held_side))
        if size == 0:
            fills.finish(order, "cancelled: no position", now_ms)
            return
    setting = Setting(order.leverage, order.margin_mode)
    last = book.prices[order.symbol].last
    child = book.new_order(
        order.symbol, order.side, size, setting, now_ms, type="market", price=last
    )
    try:
        if child.side in (1, 4):
            rules.check_matches_position(book, child.symbol, child.leverage, child.margin_mode)
        cost = orders.check_opening(book, MARKETS[child.symbol], child)
    except SimError as exc:
        fills.finish(order, f"failed: {exc.message}", now_ms)
        return
    book.orders[child.order_id] = child
    fills.finish(order, "triggered", now_ms)
    order.executive_order_id = child.order_id
    matching.place(book, child, cost, now_ms)
    order.filled, order.avg_price = child.filled, child.avg_price
