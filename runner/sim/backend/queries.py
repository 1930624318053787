"""Account and order reads: #10-#16, #33-#38 and the spot wallet (facts 18)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runner.sim.backend import account, rules, views
from runner.sim.backend.errors import reject
from runner.sim.backend.markets import MAKER_FEE, TAKER_FEE
from runner.sim.backend.numbers import ZERO, wire
from runner.sim.backend.params import Params
from runner.sim.backend.state import HEDGE, WORKING, Book, Position

DAY_MS = 24 * 3600 * 1000
DEFAULT_RANGE_MS = 7 * DAY_MS
MAX_RANGE_MS = 90 * DAY_MS
MAX_ROWS = 200


def assets_detail(book: Book, params: Params, now_ms: int) -> list[dict[str, str]]:
    totals = account.balances(book)
    usdt = {
        "currency": "USDT",
        "available_balance": wire(max(ZERO, totals.available)),
        "frozen_balance": wire(totals.frozen),
        "position_deposit": wire(totals.position_margin),
        "equity": wire(totals.equity),
        "unrealized": wire(totals.unrealized),
    }
    empty = ("available_balance", "frozen_balance", "position_deposit", "equity", "unrealized")
    others = [{"currency": c, **{name: "0" for name in empty}} for c in ("BTC", "ETH")]
    return [usdt, *others]


def fee_rate(book: Book, params: Params, now_ms: int) -> dict[str, str]:
    spec = params.spec()
    return {
        "symbol": spec.symbol,
        "taker_fee_rate": wire(TAKER_FEE),
        "maker_fee_rate": wire(MAKER_FEE),
    }


def _held(book: Book, params: Params) -> list[Position]:
    spec = params.optional_spec()
    return _sorted(p for p in book.positions.values() if spec is None or p.symbol == spec.symbol)


def _sorted(positions: Iterable[Position]) -> list[Position]:
    return sorted(positions, key=lambda p: (p.symbol, p.side))


def positions_v1(book: Book, params: Params, now_ms: int) -> list[dict[str, Any]]:
    return [views.position_v1_row(book, p, now_ms) for p in _held(book, params)]


def positions_risk(book: Book, params: Params, now_ms: int) -> list[dict[str, Any]]:
    return [views.position_risk_row(book, p, now_ms) for p in _held(book, params)]


def positions_v2(book: Book, params: Params, now_ms: int) -> list[dict[str, Any]]:
    """Facts 10.12: without symbol only held positions; with it, rows even when flat."""
    spec = params.optional_spec()
    if spec is None:
        return [views.position_v2_row(book, p, now_ms) for p in _sorted(book.positions.values())]
    symbol = spec.symbol
    if book.position_mode == HEDGE:
        sides = [("long", "long"), ("short", "short")]
    else:
        held = [s for s in ("long", "short") if f"{symbol}/{s}" in book.positions]
        sides = [(held[0] if held else "long", "both")]
    current = rules.setting(book, symbol)
    rows = []
    for side, shown in sides:
        position = book.positions.get(f"{symbol}/{side}")
        if position is not None:
            rows.append(views.position_v2_row(book, position, now_ms))
        else:
            rows.append(
                views.flat_v2_row(
                    book, symbol, shown, current.leverage, current.margin_mode, now_ms
                )
            )
    return rows


def position_mode(book: Book, params: Params, now_ms: int) -> dict[str, str]:
    return {"position_mode": book.position_mode}


def _window_ms(params: Params, now_ms: int, start: str, end: str, unit: int) -> tuple[int, int]:
    """A [start, end] window in ms from parameters in ``unit`` ms; default the last 7 days."""
    raw_start = params.integer(start, code=40039)
    raw_end = params.integer(end, code=40039)
    end_ms = raw_end * unit if raw_end is not None else now_ms
    start_ms = raw_start * unit if raw_start is not None else end_ms - DEFAULT_RANGE_MS
    if end_ms < start_ms or end_ms - start_ms > MAX_RANGE_MS:
        raise reject(40039)
    return start_ms, end_ms


def transaction_history(book: Book, params: Params, now_ms: int) -> list[dict[str, Any]]:
    symbol = params.text("symbol")
    flow = params.integer("flow_type", default=0)
    if flow not in (0, 1, 2, 3, 4, 5):
        raise reject(40007, "flow_type must be within 0..5")
    start, end = _window_ms(params, now_ms, "start_time", "end_time", 1)
    size = min(max(params.integer("page_size", default=100) or 100, 1), 1000)
    rows = [
        views.ledger_row(e)
        for e in reversed(book.ledger)
        if (not symbol or e.symbol == symbol)
        and (flow == 0 or e.flow_type == flow)
        and start <= e.time_ms <= end
    ]
    return rows[:size]


def spot_wallet(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    currency = params.text("currency")
    row = {
        "currency": "USDT",
        "name": "Tether USD",
        "available": wire(book.spot),
        "frozen": "0",
        "unAvailable": "0",
    }
    if params.text("needUsdValuation").lower() == "true":
        row["available_usd_valuation"] = wire(book.spot)
    return {"wallet": [row] if currency in ("", "USDT") else []}


def order_detail(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    """By ``order_id`` only (facts 11.1); client ids are not looked up here."""
    spec = params.spec()
    order_id = params.ident("order_id")
    if not order_id:
        raise reject(40007, "order_id is required")
    order = book.orders.get(order_id)
    if order is None or order.symbol != spec.symbol:
        raise reject(40035)
    return views.order_row(order)


def order_history(book: Book, params: Params, now_ms: int) -> list[dict[str, Any]]:
    spec = params.spec()
    order_id, client_id = params.ident("order_id"), params.text("client_order_id")
    start, end = _window_ms(params, now_ms, "start_time", "end_time", 1000)
    rows = [
        views.order_row(o, history=True)
        for o in reversed(book.orders.values())
        if o.symbol == spec.symbol
        and start <= o.create_ms <= end
        and (not order_id or o.order_id == order_id)
        and (not client_id or o.client_order_id == client_id)
    ]
    return rows[:MAX_ROWS]


def open_orders(book: Book, params: Params, now_ms: int) -> list[dict[str, Any]]:
    spec = params.optional_spec()
    kind = params.text("type")
    if kind and kind not in ("limit", "market", "trailing"):
        raise reject(40042)
    state = params.text("order_state") or "all"
    if state not in ("all", "partially_filled"):
        raise reject(40007, "order_state must be all or partially_filled")
    limit = min(max(params.integer("limit", default=100) or 100, 1), 100)
    rows = [
        views.order_row(o)
        for o in reversed(book.orders.values())
        if o.state == WORKING
        and (spec is None or o.symbol == spec.symbol)
        and (not kind or o.type == kind)
        and (state == "all" or 0 < o.filled < o.size)
    ]
    return rows[:limit]


def current_plan_orders(book: Book, params: Params, now_ms: int) -> list[dict[str, Any]]:
    spec = params.optional_spec()
    kind = params.text("type")
    if kind and kind not in ("limit", "market"):
        raise reject(40042)
    plan_type = params.text("plan_type")
    if plan_type and plan_type not in ("plan", "profit_loss"):
        raise reject(40007, "plan_type must be plan or profit_loss")
    limit = min(max(params.integer("limit", default=100) or 100, 1), 100)
    rows = [
        views.plan_row(book, t)
        for t in reversed(book.triggers.values())
        if t.state == WORKING
        and (spec is None or t.symbol == spec.symbol)
        and (not kind or t.exec_type == kind)
        and (not plan_type or (t.kind == "plan") == (plan_type == "plan"))
    ]
    return rows[:limit]


def trades(book: Book, params: Params, now_ms: int) -> list[dict[str, Any]]:
    spec = params.optional_spec()
    order_id, client_id = params.ident("order_id"), params.text("client_order_id")
    start, end = _window_ms(params, now_ms, "start_time", "end_time", 1000)
    rows = [
        views.fill_row(f)
        for f in reversed(book.fills)
        if (spec is None or f.symbol == spec.symbol)
        and start <= f.time_ms <= end
        and (not order_id or f.order_id == order_id)
        and (not client_id or f.client_order_id == client_id)
    ]
    return rows[:MAX_ROWS]


def transfer_list(book: Book, params: Params, now_ms: int) -> dict[str, Any]:
    page = params.required_int("page")
    limit = params.required_int("limit")
    if not 1 <= page <= 1000 or not 10 <= limit <= 100:
        raise reject(40007, "page must be within [1, 1000] and limit within [10, 100]")
    currency = params.text("currency")
    start = params.integer("time_start")
    end = params.integer("time_end")
    if start is not None and end is not None and end <= start:
        raise reject(40039)
    records = [
        {
            "transfer_id": t.transfer_id,
            "currency": t.currency,
            "amount": wire(t.amount),
            "type": t.direction,
            "state": "FINISHED",
            "timestamp": t.time_ms,
        }
        for t in reversed(book.transfers)
        if (not currency or t.currency == currency)
        and (start is None or t.time_ms >= start)
        and (end is None or t.time_ms <= end)
    ]
    return {"records": records[(page - 1) * limit : page * limit]}
