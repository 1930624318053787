"""Changing working orders: #18 cancel-order, #19 cancel-orders, #20 modify-limit-order and
#21 cancel-all-after (the dead-man's switch, run whenever the backend is called after its time)."""

from __future__ import annotations

from runner.sim.backend import fills, matching, orders, rules
from runner.sim.backend.errors import SimError, reject
from runner.sim.backend.numbers import ZERO
from runner.sim.backend.params import Params
from runner.sim.backend.state import WORKING, Book, Order, Timer

MIN_TIMEOUT_S = 5


def find_order(book: Book, symbol: str, order_id: str, client_order_id: str) -> Order:
    """An order of ``symbol`` by id or client id; 40035 when there is none."""
    if order_id:
        order = book.orders.get(order_id)
        if order is not None and order.symbol == symbol:
            return order
        raise reject(40035)
    for order in book.orders.values():
        if order.symbol == symbol and order.client_order_id == client_order_id:
            return order
    raise reject(40035)


def cancel_working(book: Book, symbol: str, reason: str, now_ms: int) -> int:
    """Cancel every working order of ``symbol`` (trailing ones have their own endpoint)."""
    count = 0
    for order in book.orders.values():
        if order.symbol == symbol and order.state == WORKING and order.type != "trailing":
            fills.finish(order, reason, now_ms)
            count += 1
    return count


def cancel_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    """Facts 10.7: with neither id, every order of the symbol is cancelled."""
    spec = params.spec()
    order_id, client_id = params.ident("order_id"), params.text("client_order_id")
    if not order_id and not client_id:
        cancel_working(book, spec.symbol, "cancelled", now_ms)
        return {}
    order = find_order(book, spec.symbol, order_id, client_id)
    if order.state != WORKING:
        raise reject(40036)
    fills.finish(order, "cancelled", now_ms)
    return {}


def cancel_orders(book: Book, params: Params, now_ms: int) -> None:
    """All open orders of the symbol; the reply has no ``data`` (as recorded by C, facts 3.1)."""
    cancel_working(book, params.spec().symbol, "cancelled", now_ms)


def modify_limit_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    spec = params.spec()
    order_id, client_id = params.ident("order_id"), params.text("client_order_id")
    if not order_id and not client_id:
        raise reject(40007, "order_id or client_order_id is required")
    order = find_order(book, spec.symbol, order_id, client_id)
    if order.state != WORKING or order.type != "limit":
        raise reject(40036)
    new_price = params.positive_price("price", spec, required=False)
    new_size = params.integer("size")
    if new_price is None and new_size is None:
        raise reject(40007, "price or size is required")
    if new_size is not None:
        rules.check_size(spec, new_size, market=False)
        if new_size <= order.filled:
            raise reject(40007, f"size must exceed the {order.filled} contracts already filled")
        if order.side in (2, 3) and new_size > order.size:
            rules.check_closable(book, spec.symbol, order.side, new_size - order.size)
    held_back = order.reserved
    order.reserved = ZERO  # the order's own reservation is free for its new cost
    previous = (order.price, order.size)
    order.price = new_price if new_price is not None else order.price
    order.size = new_size if new_size is not None else order.size
    try:
        cost = orders.check_opening(book, spec, order)
    except SimError:
        order.price, order.size = previous
        order.reserved = held_back
        raise
    order.update_ms = now_ms
    matching.place(book, order, cost, now_ms)
    return {"order_id": int(order.order_id), "client_order_id": order.client_order_id}


def cancel_all_after(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    spec = params.spec()
    timeout = params.required_int("timeout")
    now_s = now_ms // 1000
    if timeout == 0:
        book.timers.pop(spec.symbol, None)
        return {"result": True, "set_time": now_s, "cancel_time": 0}
    if timeout < MIN_TIMEOUT_S:
        raise reject(40007, f"timeout must be 0 or at least {MIN_TIMEOUT_S} seconds")
    book.timers[spec.symbol] = Timer(now_s, now_s + timeout)
    return {"result": True, "set_time": now_s, "cancel_time": now_s + timeout}


def expire_timers(book: Book, now_ms: int) -> bool:
    """Run every cancel-all-after timer that is due; True when one ran.

    The exchange runs the timer itself, so the orders end at its ``cancel_time`` even when the
    simulator only notices later (at the next call, or inside a clock advance).
    """
    due = [s for s, timer in book.timers.items() if now_ms // 1000 >= timer.cancel_time]
    for symbol in due:
        timer = book.timers.pop(symbol)
        fired_ms = min(now_ms, timer.cancel_time * 1000)
        cancel_working(book, symbol, "cancelled: cancel-all-after timer", fired_ms)
    return bool(due)
