"""``Exchange.state()``: the simulator's own view for GET /sim/state and ``sim state``.

Not a wire format: plain JSON with decimals as strings, every order ever placed (with its client
order id and why it ended), every conditional order, and the balances that must add up.
"""

from __future__ import annotations

from typing import Any

from runner.sim.backend import account, depth, funding, liquidation, rules
from runner.sim.backend.markets import FUNDING_INTERVAL_HOURS, MARKETS
from runner.sim.backend.numbers import wire
from runner.sim.backend.state import WORKING, Book, Order, Trigger


def status(end_reason: str) -> str:
    """working | filled | cancelled | rejected | triggered | failed."""
    return end_reason.split(":", 1)[0] if end_reason else "working"


def _order(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "client_order_id": order.client_order_id,
        "symbol": order.symbol,
        "side": order.side,
        "type": order.type,
        "mode": order.mode,
        "state": status(order.end_reason),
        "reason": order.end_reason,
        "size": order.size,
        "filled": order.filled,
        "remaining": order.size - order.filled if order.state == WORKING else 0,
        "price": wire(order.price),
        "avg_price": wire(order.avg_price),
        "leverage": wire(order.leverage),
        "open_type": order.margin_mode,
        "reserved": wire(order.reserved),
        "create_time": order.create_ms,
        "update_time": order.update_ms,
    }


def _conditional(order: Order | Trigger, kind: str) -> dict[str, Any]:
    """What the view shows of every conditional order: plan, TP/SL or trailing."""
    return {
        "order_id": order.order_id,
        "client_order_id": order.client_order_id,
        "symbol": order.symbol,
        "kind": kind,
        "side": order.side,
        "size": order.size,
        "state": "waiting" if not order.end_reason else status(order.end_reason),
        "reason": order.end_reason,
        "executive_order_id": order.executive_order_id,
        "create_time": order.create_ms,
    }


def _trigger(trigger: Trigger) -> dict[str, Any]:
    return {
        **_conditional(trigger, trigger.kind),
        "trigger_price": wire(trigger.trigger_price),
        "executive_price": wire(trigger.executive_price),
        "price_type": trigger.price_type,
        "price_way": trigger.price_way,
        "plan_category": trigger.plan_category,
        "position_side": trigger.position_side,
    }


def _trailing(order: Order) -> dict[str, Any]:
    return {
        **_conditional(order, "trailing"),
        "activation_price": wire(order.activation_price or 0),
        "callback_rate": wire(order.callback_rate or 0),
        "price_type": order.activation_price_type,
        "active": order.trail_active,
    }


def _funding(book: Book, now_ms: int | None) -> dict[str, Any]:
    return {
        "interval_hours": FUNDING_INTERVAL_HOURS,
        "next_time": None if now_ms is None else funding.next_time_ms(now_ms),
        "rates": {s: wire(funding.rate(book, s)) for s in MARKETS},
        "settlements": [
            {"symbol": f.symbol, "time": f.time_ms, "rate": wire(f.rate)}
            for f in book.fundings[-len(MARKETS) * 3 :]
        ],
    }


def state_view(book: Book, now_ms: int | None = None) -> dict[str, Any]:
    """``now_ms`` is the simulated time (``time``; None when the caller gave no clock)."""
    totals = account.balances(book)
    return {
        "time": now_ms,
        "time_offset_ms": book.time_offset_ms,
        "balances": {
            "spot": wire(book.spot),
            "futures": {
                "wallet": wire(book.cash),
                "available": wire(totals.available),
                "frozen": wire(totals.frozen),
                "position_margin": wire(totals.position_margin),
                "unrealized": wire(totals.unrealized),
                "equity": wire(totals.equity),
            },
        },
        "position_mode": book.position_mode,
        "positions": [
            {
                "symbol": p.symbol,
                "side": p.side,
                "size": p.size,
                "entry_price": wire(p.entry_price),
                "margin": wire(p.margin),
                "leverage": wire(p.leverage),
                "open_type": p.margin_mode,
                "unrealized": wire(account.unrealized_pnl(book, p)),
                "realized": wire(p.realized),
                "liquidation_price": wire(liquidation.liquidation_price(book, p)),
            }
            for p in book.positions.values()
        ],
        "orders": [_order(o) for o in book.orders.values()],
        "plan_orders": [_trigger(t) for t in book.triggers.values()]
        + [_trailing(o) for o in book.orders.values() if o.type == "trailing"],
        "transfers": [
            {
                "transfer_id": t.transfer_id,
                "type": t.direction,
                "amount": wire(t.amount),
                "currency": t.currency,
                "time": t.time_ms,
            }
            for t in book.transfers
        ],
        "prices": {s: {"last": wire(p.last), "mark": wire(p.mark)} for s, p in book.prices.items()},
        "settings": {  # effective per symbol, defaults included
            s: {"leverage": wire(v.leverage), "open_type": v.margin_mode}
            for s, v in ((s, rules.setting(book, s)) for s in MARKETS)
        },
        "timers": {
            s: {"set_time": t.set_time, "cancel_time": t.cancel_time}
            for s, t in book.timers.items()
        },
        "books": {s: depth.view(d) for s, d in book.depth.items()},
        "funding": _funding(book, now_ms),
    }
