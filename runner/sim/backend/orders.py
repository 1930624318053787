"""#17 submit-order and the matching every order goes through.

The simulator's book is a single level at the last price with unlimited depth (the product's
simulator contract): a market order, or a limit order that crosses the last price, fills at once
and completely as a taker at the last price; a resting limit order fills as a maker at its own
price when the last price reaches it.  Time in force (facts 7.2): GTC rests; FOK and IOC fill at
once or end unfilled (with unlimited depth the two agree); Maker Only that would cross ends
unfilled instead of taking liquidity.
"""

from __future__ import annotations

from decimal import Decimal

from runner.sim.backend import fills, protect, rules
from runner.sim.backend.errors import reject
from runner.sim.backend.markets import ContractSpec
from runner.sim.backend.numbers import ZERO, wire
from runner.sim.backend.params import Params
from runner.sim.backend.state import WORKING, Book, Order, Setting, Trigger

GTC, FOK, IOC, MAKER_ONLY = 1, 2, 3, 4
PRICE_TYPES = (1, 2)


def submit_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    spec = params.spec()
    side = params.choice("side", (1, 2, 3, 4), params.required_int("side", code=40041), 40041)
    order_type = params.choice("type", ("limit", "market"), params.text("type") or "limit", 40042)
    mode = params.choice("mode", (1, 2, 3, 4), params.integer("mode", default=GTC), 40007)
    if order_type == "market" and mode == MAKER_ONLY:
        raise reject(40042)
    params.choice("stp_mode", (1, 2, 3), params.integer("stp_mode", default=1), 40007)
    size = params.required_int("size")
    rules.check_size(spec, size, market=order_type == "market")
    limit_price = params.positive_price("price", spec, required=order_type == "limit")
    price = limit_price if limit_price is not None else book.prices[spec.symbol].last
    client_order_id = rules.client_order_id(book, params)
    leverage, margin_mode = _order_setting(book, params, spec, side, size)
    order = Order(
        order_id=book.new_order_id(),
        client_order_id=client_order_id,
        symbol=spec.symbol,
        side=side,
        type=order_type,
        mode=mode,
        price=price,
        size=size,
        leverage=leverage,
        margin_mode=margin_mode,
        position_mode=book.position_mode,
        create_ms=now_ms,
        update_ms=now_ms,
    )
    if side in (1, 4):
        read_presets(params, spec, order)
    cost = check_opening(book, spec, order)
    book.orders[order.order_id] = order
    place(book, order, cost, now_ms)
    sent = params.raw.get("price")
    echoed = sent.strip() if isinstance(sent, str) else wire(price)
    return {
        "order_id": int(order.order_id),
        "price": "market price" if limit_price is None else echoed,
    }


def _order_setting(
    book: Book, params: Params, spec: ContractSpec, side: int, size: int
) -> tuple[Decimal, str]:
    """Leverage and margin mode of a new order; closes just check there is enough to close."""
    current = rules.setting(book, spec.symbol)
    if side in (2, 3):
        rules.check_closable(book, spec.symbol, side, size)
        return current.leverage, current.margin_mode
    leverage = rules.leverage_value(params, spec, current.leverage)
    margin_mode = rules.margin_mode_value(params, current.margin_mode)
    rules.check_matches_position(book, spec.symbol, leverage, margin_mode)
    return leverage, margin_mode


def read_presets(params: Params, spec: ContractSpec, target: Order | Trigger) -> None:
    """Copy the request's preset TP/SL legs onto ``target``; legs not sent stay as they are."""
    take_profit = params.positive_price("preset_take_profit_price", spec, required=False)
    stop_loss = params.positive_price("preset_stop_loss_price", spec, required=False)
    if take_profit is not None:
        target.preset_tp = take_profit
        target.preset_tp_type = _price_type(params, "preset_take_profit_price_type")
    if stop_loss is not None:
        target.preset_sl = stop_loss
        target.preset_sl_type = _price_type(params, "preset_stop_loss_price_type")


def _price_type(params: Params, name: str) -> int:
    return params.choice(name, PRICE_TYPES, params.integer(name, default=1), 40007)


def check_opening(book: Book, spec: ContractSpec, order: Order) -> Decimal:
    """Bracket and margin checks for the part of ``order`` that opens; returns its cost.

    Fixes the symbol's leverage and margin mode to the order's (an order sets them, facts 10.1).
    """
    plan = fills.legs(book, order.symbol, order.side, order.size)
    if plan.open_size == 0:
        return ZERO
    rules.check_bracket(book, spec, plan.open_side, plan.open_size, order.price, order.leverage)
    cost = rules.opening_cost(order.symbol, plan.open_size, order.price, order.leverage)
    rules.check_margin(book, cost)
    book.settings[order.symbol] = Setting(order.leverage, order.margin_mode)
    return cost


def crosses(order: Order, last: Decimal) -> bool:
    return order.price >= last if fills.is_buy(order.side) else order.price <= last


def place(book: Book, order: Order, cost: Decimal, now_ms: int) -> None:
    """Match a new (or amended) order against the book at the last price."""
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


def fill(book: Book, order: Order, price: Decimal, *, maker: bool, now_ms: int) -> None:
    plan = fills.legs(book, order.symbol, order.side, order.size)
    fills.execute(book, order, price, maker, now_ms)
    if plan.open_size and (order.preset_tp is not None or order.preset_sl is not None):
        protect.attach_presets(book, order, plan.open_side, now_ms)


def fill_resting(book: Book, symbol: str, now_ms: int) -> None:
    """Resting limit orders the new last price reached fill as makers at their own price."""
    last = book.prices[symbol].last
    resting = [
        o
        for o in book.orders.values()
        if o.symbol == symbol and o.state == WORKING and o.type == "limit"
    ]
    for order in resting:
        if order.state == WORKING and crosses(order, last):
            fill(book, order, order.price, maker=True, now_ms=now_ms)
