"""#17 submit-order: parameters, the leverage/margin rules and the opening cost of an order.

How an accepted order meets the market (the last price, or the symbol's book) is ``matching``.
Time in force (facts 7.2): GTC rests; FOK fills completely at once or not at all; IOC fills what
it can at once; Maker Only that would take liquidity ends unfilled.
"""

from __future__ import annotations

from decimal import Decimal

from runner.sim.backend import fills, matching, rules
from runner.sim.backend.errors import reject
from runner.sim.backend.markets import ContractSpec
from runner.sim.backend.matching import GTC, MAKER_ONLY
from runner.sim.backend.numbers import ZERO, wire
from runner.sim.backend.params import Params
from runner.sim.backend.state import Book, Order, Setting, Trigger

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
    if side in (2, 3):
        rules.check_closable(book, spec.symbol, side, size)
    setting = rules.opening_setting(book, params, spec, side, must_send=False)
    order = book.new_order(
        spec.symbol,
        side,
        size,
        setting,
        now_ms,
        type=order_type,
        price=price,
        mode=mode,
        client_order_id=client_order_id,
    )
    if side in (1, 4):
        read_presets(params, spec, order)
    cost = check_opening(book, spec, order)
    book.orders[order.order_id] = order
    matching.place(book, order, cost, now_ms)
    sent = params.raw.get("price")
    echoed = sent.strip() if isinstance(sent, str) else wire(price)
    return {
        "order_id": int(order.order_id),
        "price": "market price" if limit_price is None else echoed,
    }


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
    Only what is not filled yet counts (an amended, partly filled order).
    """
    plan = fills.legs(book, order.symbol, order.side, fills.remaining(order))
    if plan.open_size == 0:
        return ZERO
    rules.check_bracket(book, spec, plan.open_side, plan.open_size, order.price, order.leverage)
    cost = fills.opening_cost(order.symbol, plan.open_size, order.price, order.leverage)
    rules.check_margin(book, cost)
    book.settings[order.symbol] = Setting(order.leverage, order.margin_mode)
    return cost
