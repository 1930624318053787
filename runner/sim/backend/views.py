"""Rows in the exact wire shapes of the facts' section 13: decimals as strings, the documented
integers as JSON integers, ``order_id`` a string in every row (facts section 1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runner.sim.backend import account, fills, liquidation
from runner.sim.backend.markets import MARKETS
from runner.sim.backend.numbers import ZERO, money, wire
from runner.sim.backend.state import HEDGE, Book, Fill, LedgerEntry, Order, Position, Trigger

FLOW_NAMES = {
    1: "Transfer",
    2: "Realized PNL",
    3: "Funding Fee",
    4: "Commission Fee",
    5: "Liquidation Clearance",
}


def _opt(value: Decimal | None) -> str:
    return "" if value is None else wire(value)


def order_row(order: Order, *, history: bool = False) -> dict[str, Any]:
    trailing = order.type == "trailing"
    row: dict[str, Any] = {
        "order_id": order.order_id,
        "client_order_id": order.client_order_id,
        "symbol": order.symbol,
        "side": order.side,
        "type": order.type,
        "mode": order.mode,
        "position_mode": order.position_mode,
        "account": "futures",
        "leverage": wire(order.leverage),
        "open_type": order.margin_mode,
        "price": wire(order.price),
        "size": wire(order.size),
        "deal_avg_price": wire(order.avg_price),
        "deal_size": wire(order.filled),
        "state": order.state,
        "activation_price": _opt(order.activation_price) if trailing else "",
        "callback_rate": _opt(order.callback_rate) if trailing else "",
        "activation_price_type": order.activation_price_type,
        "executive_order_id": order.executive_order_id,
        "preset_take_profit_price_type": order.preset_tp_type,
        "preset_stop_loss_price_type": order.preset_sl_type,
        "preset_take_profit_price": _opt(order.preset_tp),
        "preset_stop_loss_price": _opt(order.preset_sl),
        "create_time": order.create_ms,
        "update_time": order.update_ms,
    }
    if history:
        row["trigger_price"] = _opt(order.trigger_price) or "0"
        row["execution_price"] = order.execution_price or "0"
    return row


def plan_row(book: Book, trigger: Trigger) -> dict[str, Any]:
    size = trigger.size or fills.held(book, trigger.symbol, trigger.position_side)
    return {
        "order_id": trigger.order_id,
        "client_order_id": trigger.client_order_id,
        "symbol": trigger.symbol,
        "side": trigger.side,
        "type": trigger.kind,
        "mode": trigger.mode,
        "position_mode": trigger.position_mode,
        "price_way": trigger.price_way,
        "price_type": trigger.price_type,
        "plan_category": trigger.plan_category,
        "size": wire(size),
        "leverage": wire(trigger.leverage),
        "open_type": trigger.margin_mode,
        "trigger_price": wire(trigger.trigger_price),
        "executive_price": wire(trigger.executive_price),
        "state": trigger.state,
        "preset_take_profit_price_type": trigger.preset_tp_type,
        "preset_stop_loss_price_type": trigger.preset_sl_type,
        "preset_take_profit_price": _opt(trigger.preset_tp),
        "preset_stop_loss_price": _opt(trigger.preset_sl),
        "create_time": trigger.create_ms,
        "update_time": trigger.update_ms,
    }


def _close_avg(position: Position) -> Decimal:
    if not position.closed_size:
        return ZERO
    return money(position.closed_value / position.closed_size)


def _position_fields(book: Book, position: Position, now_ms: int) -> dict[str, Any]:
    """What a position row of position (v1) and position-v2 both report, the same way."""
    volume = position.size * MARKETS[position.symbol].contract_size
    prices = book.prices[position.symbol]
    return {
        "symbol": position.symbol,
        "leverage": wire(position.leverage),
        "timestamp": now_ms,
        "current_fee": wire(position.fees),
        "open_timestamp": position.open_ms,
        "current_value": wire(money(volume * prices.last)),
        "mark_value": wire(money(volume * prices.mark)),
        "mark_price": wire(prices.mark),
        "position_value": wire(money(volume * position.entry_price)),
        "position_cross": wire(position.margin),
        "maintenance_margin": wire(liquidation.maintenance_margin(position)),
        "close_vol": wire(position.closed_size),
        "close_avg_price": wire(_close_avg(position)),
        "open_avg_price": wire(position.entry_price),
        "entry_price": wire(position.entry_price),
        "current_amount": wire(position.size),
        "realized_value": wire(position.realized),
        "position_type": 1 if position.side == "long" else 2,  # for C's parser (facts 16 #30)
        "account": "futures",
    }


def _unrealized(book: Book, position: Position) -> str:
    return wire(money(account.unrealized_pnl(book, position)))


def position_v2_row(book: Book, position: Position, now_ms: int) -> dict[str, Any]:
    one_way = book.position_mode != HEDGE
    signed = -position.size if one_way and position.side == "short" else position.size
    return {
        **_position_fields(book, position, now_ms),
        "position_amount": wire(signed),
        "unrealized_pnl": _unrealized(book, position),
        "open_type": position.margin_mode,
        "position_side": "both" if one_way else position.side,
        "liquidation_price": wire(liquidation.liquidation_price(book, position)),
        "max_notional_value": wire(MARKETS[position.symbol].max_notional(position.leverage)),
        "initial_margin": wire(position.margin),
    }


def flat_v2_row(
    book: Book, symbol: str, side: str, leverage: Decimal, margin_mode: str, now_ms: int
) -> dict[str, Any]:
    row: dict[str, Any] = {name: "0" for name in _ZERO_FIELDS}
    row.update(
        {
            "symbol": symbol,
            "leverage": wire(leverage),
            "timestamp": now_ms,
            "open_timestamp": 0,
            "mark_price": wire(book.prices[symbol].mark),
            "open_type": margin_mode,
            "position_side": side,
            "position_type": 2 if side == "short" else 1,
            "max_notional_value": wire(MARKETS[symbol].max_notional(leverage)),
            "account": "futures",
        }
    )
    return row


_ZERO_FIELDS = (
    "current_fee",
    "current_value",
    "mark_value",
    "position_value",
    "position_cross",
    "maintenance_margin",
    "close_vol",
    "close_avg_price",
    "open_avg_price",
    "entry_price",
    "current_amount",
    "position_amount",
    "realized_value",
    "unrealized_pnl",
    "liquidation_price",
    "initial_margin",
)


def position_v1_row(book: Book, position: Position, now_ms: int) -> dict[str, Any]:
    return {
        **_position_fields(book, position, now_ms),
        "margin_type": position.margin_mode.capitalize(),
        "position_mode": book.position_mode,
        "unrealized_value": _unrealized(book, position),
    }


def position_risk_row(book: Book, position: Position, now_ms: int) -> dict[str, Any]:
    """``position_amt`` in base currency and ``notional`` = amt * mark (facts 13.2 #14)."""
    spec = MARKETS[position.symbol]
    amount = position.size * spec.contract_size
    mark = book.prices[position.symbol].mark
    isolated = position.margin_mode == "isolated"
    return {
        "symbol": position.symbol,
        "position_amt": wire(amount),
        "mark_price": wire(mark),
        "unrealized_profit": _unrealized(book, position),
        "liquidation_price": wire(liquidation.liquidation_price(book, position)),
        "leverage": wire(position.leverage),
        "max_notional_value": wire(spec.max_notional(position.leverage)),
        "margin_type": position.margin_mode.capitalize(),
        "isolated_margin": wire(position.margin if isolated else ZERO),
        "position_side": position.side.capitalize(),
        "notional": wire(money(amount * mark)),
        "update_time": now_ms,
        "account": "futures",
    }


def fill_row(fill: Fill) -> dict[str, Any]:
    return {
        "order_id": fill.order_id,
        "trade_id": fill.trade_id,
        "symbol": fill.symbol,
        "side": fill.side,
        "price": wire(fill.price),
        "vol": wire(fill.size),
        "exec_type": "Maker" if fill.maker else "Taker",
        "profit": fill.realized > 0,
        "realised_profit": wire(fill.realized),
        "paid_fees": wire(fill.fee),
        "account": "futures",
        "create_time": fill.time_ms,
    }


def ledger_row(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "symbol": entry.symbol,
        "flow_type": entry.flow_type,
        "type": FLOW_NAMES[entry.flow_type],
        "amount": wire(entry.amount),
        "asset": "USDT",
        "account": "futures",
        "time": str(entry.time_ms),
        "tran_id": entry.tran_id,
    }
