"""Plan (conditional) orders, #25-#27, and the firing of every waiting trigger on a price move.

``price_way`` follows the facts' judgement (16 #11, S's reading): 1 fires when the price is at or
above the trigger, 2 when at or below.  ``price_type`` picks the price watched: 1 last, 2 mark.
A fired trigger places an ordinary order whose client id is ``PLAN_<trigger id>`` (facts 11.1);
when that order cannot be placed (no position left, margin, leverage conflict) the trigger ends
without a child and says why in the simulator state.
"""

from __future__ import annotations

from decimal import Decimal

from runner.sim.backend import fills, matching, orders, rules
from runner.sim.backend.errors import SimError, reject
from runner.sim.backend.markets import MARKETS
from runner.sim.backend.numbers import ZERO, wire
from runner.sim.backend.params import Params
from runner.sim.backend.state import FINISHED, WORKING, Book, Order, Setting, Trigger

PLAN_TYPES = ("limit", "market", "take_profit", "stop_loss")
MAX_WAITING = 200
# 40031 "trigger too far": the simulator refuses triggers beyond half or twice the price.
MAX_DEVIATION = Decimal("2")


def watched_price(book: Book, symbol: str, price_type: int) -> Decimal:
    prices = book.prices[symbol]
    return prices.mark if price_type == 2 else prices.last


def reached(trigger: Trigger, price: Decimal) -> bool:
    if trigger.price_way == 1:
        return price >= trigger.trigger_price
    return price <= trigger.trigger_price


def check_room(book: Book) -> None:
    if sum(1 for t in book.triggers.values() if t.state == WORKING) >= MAX_WAITING:
        raise reject(40028)


def submit_plan_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    spec = params.spec()
    side = params.choice("side", (1, 2, 3, 4), params.required_int("side", code=40041), 40041)
    kind = params.choice("type", PLAN_TYPES, params.text("type") or "limit", 40042)
    exec_type = "limit" if kind == "limit" else "market"
    mode = params.choice("mode", (1, 2, 3, 4), params.integer("mode", default=1), 40007)
    size = params.required_int("size")
    rules.check_size(spec, size, market=exec_type == "market")
    trigger_price = params.positive_price("trigger_price", spec, required=True)
    assert trigger_price is not None
    executive = params.positive_price("executive_price", spec, required=exec_type == "limit")
    price_way = params.choice("price_way", (1, 2), params.required_int("price_way"), 40007)
    price_type = params.choice("price_type", (1, 2), params.required_int("price_type"), 40007)
    category = params.choice(
        "plan_category", (1, 2), params.integer("plan_category", default=1), 40007
    )
    setting = rules.opening_setting(book, params, spec, side, must_send=True)
    _check_deviation(watched_price(book, spec.symbol, price_type), trigger_price)
    check_room(book)
    trigger = Trigger(
        order_id=book.new_order_id(),
        client_order_id="",
        symbol=spec.symbol,
        kind="plan",
        side=side,
        exec_type=exec_type,
        mode=mode,
        size=size,
        leverage=setting.leverage,
        margin_mode=setting.margin_mode,
        position_mode=book.position_mode,
        trigger_price=trigger_price,
        executive_price=executive if executive is not None and exec_type == "limit" else ZERO,
        price_way=price_way,
        price_type=price_type,
        plan_category=category,
        create_ms=now_ms,
        update_ms=now_ms,
    )
    if side in (1, 4):
        orders.read_presets(params, spec, trigger)
    book.triggers[trigger.order_id] = trigger
    return {"order_id": int(trigger.order_id)}


def _check_deviation(price: Decimal, trigger_price: Decimal) -> None:
    if trigger_price > price * MAX_DEVIATION or trigger_price * MAX_DEVIATION < price:
        raise reject(40031)


def find_trigger(book: Book, symbol: str, order_id: str, client_order_id: str) -> Trigger:
    for trigger in book.triggers.values():
        if trigger.symbol != symbol:
            continue
        if (order_id and trigger.order_id == order_id) or (
            not order_id and client_order_id and trigger.client_order_id == client_order_id
        ):
            return trigger
    raise reject(40035)


def end(trigger: Trigger, reason: str, now_ms: int) -> None:
    trigger.state, trigger.update_ms, trigger.end_reason = FINISHED, now_ms, reason


def cancel_plan_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    """One plan or TP/SL order by id or client id; with neither, all of the symbol's."""
    spec = params.spec()
    order_id, client_id = params.ident("order_id"), params.text("client_order_id")
    if not order_id and not client_id:
        for trigger in book.triggers.values():
            if trigger.symbol == spec.symbol and trigger.state == WORKING:
                end(trigger, "cancelled", now_ms)
        return {}
    trigger = find_trigger(book, spec.symbol, order_id, client_id)
    if trigger.state != WORKING:
        raise reject(40036)
    end(trigger, "cancelled", now_ms)
    return {}


def modify_plan_order(book: Book, params: Params, now_ms: int) -> dict[str, object]:
    """By ``order_id`` only (client ids were removed 2024-11-28, facts 16 #12)."""
    spec = params.spec()
    order_id = params.ident("order_id")
    if not order_id:
        raise reject(40007, "order_id is required")
    trigger = find_trigger(book, spec.symbol, order_id, "")
    if trigger.kind != "plan" or trigger.state != WORKING:
        raise reject(40036)
    exec_type = params.choice(
        "type", ("limit", "market"), params.text("type", required=True), 40042
    )
    trigger_price = params.positive_price("trigger_price", spec, required=True)
    executive = params.positive_price("executive_price", spec, required=exec_type == "limit")
    price_type = params.choice("price_type", (1, 2), params.required_int("price_type"), 40007)
    assert trigger_price is not None
    _check_deviation(watched_price(book, spec.symbol, price_type), trigger_price)
    trigger.exec_type, trigger.trigger_price, trigger.price_type = (
        exec_type,
        trigger_price,
        price_type,
    )
    trigger.executive_price = executive if executive is not None and exec_type == "limit" else ZERO
    trigger.update_ms = now_ms
    return {"order_id": trigger.order_id}


def evaluate(book: Book, symbol: str, now_ms: int) -> None:
    """Fire every waiting trigger of ``symbol`` whose condition holds, oldest first."""
    waiting = [t for t in book.triggers.values() if t.symbol == symbol and t.state == WORKING]
    for trigger in waiting:
        price = watched_price(book, symbol, trigger.price_type)
        if trigger.state == WORKING and reached(trigger, price):
            fire(book, trigger, now_ms)


def fire(book: Book, trigger: Trigger, now_ms: int) -> None:
    child = _child(book, trigger, now_ms)
    if child is None:
        return
    try:
        cost = _check_child(book, trigger, child)
    except SimError as exc:
        end(trigger, f"failed: {exc.message}", now_ms)
        return
    book.orders[child.order_id] = child
    end(trigger, "triggered", now_ms)
    trigger.executive_order_id = child.order_id
    matching.place(book, child, cost, now_ms)


def _child(book: Book, trigger: Trigger, now_ms: int) -> Order | None:
    size = trigger.size
    if trigger.kind != "plan":
        held = fills.held(book, trigger.symbol, trigger.position_side)
        if held == 0:
            end(trigger, "cancelled: no position", now_ms)
            return None
        size = held if size == 0 else min(size, held)
    limit = trigger.exec_type == "limit"
    child = book.new_order(
        trigger.symbol,
        trigger.side,
        size,
        Setting(trigger.leverage, trigger.margin_mode),
        now_ms,
        type=trigger.exec_type,
        price=trigger.executive_price if limit else book.prices[trigger.symbol].last,
        mode=trigger.mode,
        client_order_id=f"PLAN_{trigger.order_id}",
    )
    child.preset_tp, child.preset_tp_type = trigger.preset_tp, trigger.preset_tp_type
    child.preset_sl, child.preset_sl_type = trigger.preset_sl, trigger.preset_sl_type
    child.trigger_price = trigger.trigger_price
    child.execution_price = wire(trigger.executive_price) if limit else "Market"
    return child


def _check_child(book: Book, trigger: Trigger, child: Order) -> Decimal:
    if trigger.kind == "plan" and child.side in (2, 3):
        rules.check_closable(book, child.symbol, child.side, child.size)
    if child.side in (1, 4):
        rules.check_matches_position(book, child.symbol, child.leverage, child.margin_mode)
    return orders.check_opening(book, MARKETS[child.symbol], child)
