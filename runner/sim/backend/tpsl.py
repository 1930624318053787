"""Stand-alone TP/SL orders (#28 submit, #29 modify) and preset TP/SL changes (#30).

plan_category 2 (the default since 2024-10-10) protects the whole position and executes at
market unless ``category`` says limit; plan_category 1 closes a fixed size (facts 10.4).
"""

from __future__ import annotations

from decimal import Decimal

from runner.sim.backend import fills, orders, plans, protect, rules
from runner.sim.backend.errors import reject
from runner.sim.backend.markets import ContractSpec
from runner.sim.backend.numbers import ZERO
from runner.sim.backend.params import Params
from runner.sim.backend.state import FINISHED, WORKING, Book, Order, Trigger

KINDS = ("take_profit", "stop_loss")


def _execution(
    params: Params, spec: ContractSpec, category: int, *, required: bool
) -> tuple[str, Decimal]:
    """(exec type, executive price); "0" or category market means a market close."""
    executive = params.decimal("executive_price")
    if executive is None and required:
        raise reject(40007, "executive_price is required")
    executive = executive or ZERO
    if executive < 0 or (executive and executive % spec.tick):
        raise reject(40043 if executive > 0 else 40007)
    default = "limit" if category == 1 and executive else "market"
    kind = params.choice("category", ("limit", "market"), params.text("category") or default, 40042)
    if kind == "limit" and not executive:
        raise reject(40007, "a limit TP/SL needs executive_price")
    return kind, executive if kind == "limit" else ZERO


def submit_tp_sl_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    spec = params.spec()
    kind = params.choice("type", KINDS, params.text("type", required=True, code=40042), 40042)
    side = params.choice("side", (2, 3), params.required_int("side", code=40041), 40041)
    trigger_price = params.positive_price("trigger_price", spec, required=True)
    assert trigger_price is not None
    price_type = params.choice("price_type", (1, 2), params.required_int("price_type"), 40007)
    category = params.choice(
        "plan_category", (1, 2), params.integer("plan_category", default=2), 40007
    )
    exec_type, executive = _execution(params, spec, category, required=True)
    position_side = protect.position_side_of(side)
    held = fills.held(book, spec.symbol, position_side)
    if held == 0:
        raise reject(40021)
    size = 0
    if category == 1:
        size = params.integer("size", default=held) or 0
        rules.check_size(spec, size, market=exec_type == "market")
        if size > held:
            raise reject(40020)
    client_id = rules.client_order_id(book, params)
    plans.check_room(book)
    trigger = protect.new_tpsl(
        book,
        symbol=spec.symbol,
        kind=kind,
        position_side=position_side,
        trigger_price=trigger_price,
        price_type=price_type,
        now_ms=now_ms,
        size=size,
        executive_price=executive,
        plan_category=category,
        client_order_id=client_id,
    )
    trigger.exec_type = exec_type
    return {"order_id": trigger.order_id, "client_order_id": client_id}


def modify_tp_sl_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    spec = params.spec()
    order_id, client_id = params.ident("order_id"), params.text("client_order_id")
    if not order_id and not client_id:
        raise reject(40007, "order_id or client_order_id is required")
    trigger = plans.find_trigger(book, spec.symbol, order_id, client_id)
    if trigger.kind not in KINDS or trigger.state != WORKING:
        raise reject(40036)
    trigger_price = params.positive_price("trigger_price", spec, required=True)
    assert trigger_price is not None
    price_type = params.choice("price_type", (1, 2), params.required_int("price_type"), 40007)
    category = params.choice(
        "plan_category",
        (1, 2),
        params.integer("plan_category", default=trigger.plan_category),
        40007,
    )
    exec_type, executive = _execution(params, spec, category, required=False)
    trigger.trigger_price, trigger.price_type, trigger.plan_category = (
        trigger_price,
        price_type,
        category,
    )
    trigger.exec_type, trigger.executive_price, trigger.update_ms = exec_type, executive, now_ms
    return {"order_id": trigger.order_id}


def modify_preset_plan_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    """New preset TP/SL for an order (or plan order) and for the TP/SL it already created."""
    spec = params.spec()
    order_id = params.ident("order_id")
    if not order_id:
        raise reject(40007, "order_id is required")
    carrier = _carrier(book, spec.symbol, order_id)
    orders.read_presets(params, spec, carrier)
    if isinstance(carrier, Order) and carrier.state == FINISHED:
        _update_children(book, carrier, now_ms)
    carrier.update_ms = now_ms
    return {"order_id": order_id}


def _carrier(book: Book, symbol: str, order_id: str) -> Order | Trigger:
    order = book.orders.get(order_id)
    if order is not None and order.symbol == symbol:
        if order.state == FINISHED and order.filled == 0:
            raise reject(40036)
        return order
    trigger = book.triggers.get(order_id)
    if trigger is not None and trigger.symbol == symbol and trigger.kind == "plan":
        if trigger.state != WORKING:
            raise reject(40036)
        return trigger
    raise reject(40035)


def _update_children(book: Book, order: Order, now_ms: int) -> None:
    """The filled order's position TP/SL follow its new presets (created if missing)."""
    side = "long" if order.side == 1 else "short"
    for kind, price, price_type in protect.preset_legs(order):
        if price is None or fills.held(book, order.symbol, side) == 0:
            continue
        child = next(
            (
                t
                for t in book.triggers.values()
                if t.parent_order_id == order.order_id and t.kind == kind and t.state == WORKING
            ),
            None,
        )
        if child is None:
            protect.preset_tpsl(book, order, kind, side, price, price_type, now_ms)
        else:
            child.trigger_price, child.price_type, child.update_ms = price, price_type or 1, now_ms
